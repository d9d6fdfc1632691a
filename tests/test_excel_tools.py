"""socsec doctor, socsec bench --udf, socsec excel vba, and the lazy valuation chain behind SOCSEC_INDICATOR."""

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlwings
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from socsec.cli import main
from socsec.excel import addin as addin_module
from socsec.excel import doctor
from socsec.extras import EXTRAS
from socsec.model.chain import STEPS, LazyValuation
from socsec.model.overrides import apply_overrides
from socsec.model.pension import (BENEFIT_ASSUMPTIONS, BENEFIT_RULES, CONTRIBUTION_RULES, INDEXATIONS,
                                  REFERENCE_EARNINGS, REVALUATIONS)
from socsec.model.valuation import run_valuation
from workbook_fixtures import small_inputs, valid_override_value

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"


# --- doctor -------------------------------------------------------------------------------------

def test_interpreter_check():
    assert doctor.check_interpreter((3, 11, 7), 8)[0].status == "OK"
    old = doctor.check_interpreter((3, 10, 2), 8)[0]
    assert old.status == "FAIL" and "3.11 or later" in old.what and old.fix
    narrow = doctor.check_interpreter((3, 12, 0), 4)[0]
    assert narrow.status == "FAIL" and "64-bit" in narrow.what


def test_package_check_fails_outside_the_ranges_and_warns_off_the_tested_set():
    """Outside a range (or missing from the base): FAIL; in the range but not the tested version: WARN; an extra
    partly installed: WARN; one not installed: named, no failure (the base install runs the command line)."""
    requirements = [(None, Requirement("numpy>=2.0,<3")), (None, Requirement("pandas>=3.0,<4")),
                    (None, Requirement("lxml>=5,<7")), ("report", Requirement("python-docx>=1.1,<2")),
                    ("report", Requirement("matplotlib>=3.9,<4")), ("prep", Requirement("scipy>=1.13,<2"))]
    tested = {"numpy": "2.4.6", "pandas": "3.1.1", "lxml": "6.1.3", "python-docx": "1.2.0", "matplotlib": "3.11.2",
              "scipy": "1.17.1"}
    installed = {"numpy": "1.26.4", "pandas": "3.0.2", "matplotlib": "3.11.2"}.get
    findings = doctor.check_packages(requirements, tested, installed)
    assert [f.status for f in findings] == ["FAIL", "WARN", "WARN", "OK"], findings
    failed, untested, partly, extras = findings
    assert failed.what.endswith(f"numpy 1.26.4 (needs {SpecifierSet('>=2.0,<3')}), lxml missing (needs "
                                f"{SpecifierSet('>=5,<7')})")
    assert 'python -m pip install "socsec[report]" -c constraints.txt' in failed.fix
    assert untested.what.endswith("pandas 3.0.2 (tested 3.1.1)") and "-c constraints.txt" in untested.fix
    assert partly.what == "extra [report] partly installed: python-docx missing"
    assert extras.what == f"extras installed: none; not installed: [prep] ({EXTRAS['prep'].purpose})"
    assert doctor.report(findings)[1] == 3
    assert [f.status for f in doctor.check_packages(requirements, tested, tested.get)] == ["OK", "OK"]
    assert doctor.report(doctor.check_packages(requirements, tested, {"numpy": "2.0.2", "pandas": "3.1.1",
                                                                      "lxml": "6.1.3"}.get))[1] == 0


def test_declared_requirements_are_those_of_pyproject_for_each_system():
    import tomllib
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    base = {Requirement(line).name for line in project["dependencies"]}
    for system, excel in (("linux", {"xlwings"}), ("win32", {"xlwings", "pywin32"}),
                          ("darwin", {"xlwings", "appscript", "psutil"})):
        declared = doctor.declared_requirements(system)
        assert {r.name for extra, r in declared if extra is None} == base
        assert {r.name for extra, r in declared if extra == "excel"} == excel
        assert {extra for extra, _ in declared} == {None, *EXTRAS}  # not [test], not socsec itself
    numpy = next(r for extra, r in doctor.declared_requirements() if r.name == "numpy")
    assert str(numpy.specifier) == str(Requirement(next(d for d in project["dependencies"] if "numpy" in d)).specifier)


def test_declared_requirements_of_a_source_tree_equal_those_of_the_installed_metadata(monkeypatch):
    """Not installed (PYTHONPATH=addin): pyproject.toml gives the same requirements as the metadata pip wrote."""
    installed = {(extra, str(r)) for extra, r in doctor.declared_requirements("win32")}

    def not_installed(name):
        raise doctor.md.PackageNotFoundError(name)
    monkeypatch.setattr(doctor.md, "requires", not_installed)
    source = {(extra, str(r)) for extra, r in doctor.declared_requirements("win32")}
    normal = {(extra, str(Requirement(text).name) + str(Requirement(text).specifier)) for extra, text in installed}
    assert {(extra, str(Requirement(text).name) + str(Requirement(text).specifier)) for extra, text in source} == normal
    assert len(source) == len(installed) > 10


def test_tested_versions_are_read_from_the_constraints_lines():
    assert doctor.tested_versions("# comment\nnumpy==2.4.6  # why\n\nPython_Docx==1.2.0\n") == {
        "numpy": "2.4.6", "python-docx": "1.2.0"}
    with pytest.raises(ValueError, match="line 2: expected NAME==VERSION"):
        doctor.tested_versions("numpy==2.4.6\npandas>=3\n")
    assert doctor.tested_versions()["numba"] == "0.68.1"  # the package data file


@pytest.mark.parametrize("system,status", [("linux", "SKIP"), ("win32", "FAIL"), ("darwin", "FAIL")])
def test_without_the_excel_extra_the_udf_check_fails_only_where_excel_is(monkeypatch, system, status):
    monkeypatch.setitem(sys.modules, "xlwings", None)
    (finding,) = doctor.check_udf_module(system)
    assert finding.status == status and "the [excel] extra" in finding.what
    if status == "FAIL":
        assert 'python -m pip install "socsec[excel]" -c constraints.txt' in finding.fix
        assert [f.status for f in doctor.check_excel(platform=system)] == ["SKIP"]


def windows_setup(tmp_path, dll=True, addin=True, modules="socsec.excel.udfs", interpreter=None,
                  xlwings_version="0.37.8"):
    prefix = tmp_path / "venv"
    (prefix / "Scripts").mkdir(parents=True)
    python = prefix / "Scripts" / "pythonw.exe"
    python.write_text("")
    if dll:
        (prefix / f"xlwings64-{xlwings_version}.dll").write_text("")
    home, appdata = tmp_path / "home", tmp_path / "appdata"
    if addin:
        (appdata / "Microsoft" / "Excel" / "XLSTART").mkdir(parents=True)
        startup = appdata / "Microsoft" / "Excel" / "XLSTART"
        shutil.copy(Path(xlwings.__file__).parent / "addin" / "xlwings.xlam", startup / "xlwings.xlam")
        shutil.copy(addin_module.ADDIN_PATH, startup / "socsec.xlam")
    (home / ".xlwings").mkdir(parents=True)
    lines = [f'"INTERPRETER_WIN","{interpreter or python}"']
    if modules is not None:
        lines.append(f'"UDF MODULES","{modules}"')
    (home / ".xlwings" / "xlwings.conf").write_text("\n".join(lines) + "\n")
    return dict(platform="win32", environ={"USERPROFILE": str(home), "APPDATA": str(appdata)}, prefix=str(prefix),
                executable=str(python), xlwings_version=xlwings_version, vbom=lambda: 1)


def test_windows_checks_all_good(tmp_path):
    findings = doctor.check_excel(**windows_setup(tmp_path))
    assert [f.status for f in findings] == ["OK"] * 5, findings  # DLL, 2 add-ins, interpreter, UDF module


@pytest.mark.parametrize("setup,needle", [
    (dict(dll=False), "xlwings DLL xlwings64-0.37.8.dll not found"),
    (dict(addin=False), "xlwings add-in not found"),  # and the socsec add-in: a warning
    (dict(xlwings_version="0.37.7"), "xlwings add-in 0.37.8 at"),
    (dict(modules="other_udfs"), "UDF MODULES (other_udfs) lacks socsec.excel.udfs"),
    (dict(modules=None), "UDF MODULES (empty) lacks socsec.excel.udfs"),
    (dict(interpreter="C:/nowhere/python.exe"), "does not exist"),
])
def test_windows_checks_say_what_to_fix(tmp_path, setup, needle):
    findings = doctor.check_excel(**windows_setup(tmp_path, **setup))
    failed = [f for f in findings if f.status == "FAIL"]
    assert len(failed) == 1 and needle in failed[0].what and failed[0].fix
    text, code = doctor.report(findings)
    assert code == 3 and "1 problem to fix" in text and "fix:" in text


def test_windows_interpreter_of_another_environment_is_a_warning(tmp_path):
    other = tmp_path / "other" / "pythonw.exe"
    other.parent.mkdir()
    other.write_text("")
    findings = doctor.check_excel(**windows_setup(tmp_path, interpreter=other))
    assert [f.status for f in findings].count("WARN") == 1
    assert doctor.report(findings)[1] == 0


def test_missing_settings_file(tmp_path):
    setup = windows_setup(tmp_path)
    (Path(setup["environ"]["USERPROFILE"]) / ".xlwings" / "xlwings.conf").unlink()
    failed = [f for f in doctor.check_excel(**setup) if f.status == "FAIL"]
    assert len(failed) == 1 and "settings file" in failed[0].what


def mac_setup(tmp_path, interpreter=sys.executable, script=True, extra=""):
    home = tmp_path / "home"
    conf = home / "Library" / "Containers" / "com.microsoft.Excel" / "Data"
    conf.mkdir(parents=True)
    (conf / "xlwings.conf").write_text(f'"INTERPRETER_MAC","{interpreter}"\n{extra}')
    if script:
        scripts = home / "Library" / "Application Scripts" / "com.microsoft.Excel"
        scripts.mkdir(parents=True)
        (scripts / "xlwings-0.37.8.applescript").write_text("")
    return dict(platform="darwin", environ={"HOME": str(home)}, executable=sys.executable, xlwings_version="0.37.8")


def test_macos_checks_the_interpreter_setting(tmp_path):
    findings = doctor.check_excel(**mac_setup(tmp_path))
    assert [f.status for f in findings] == ["SKIP", "OK", "OK"]


def test_macos_interpreter_with_a_space_and_missing_applescript_fail(tmp_path):
    spaced = tmp_path / "Application Support" / "python"
    spaced.parent.mkdir()
    spaced.write_text("")
    failed = [f.what for f in doctor.check_excel(**mac_setup(tmp_path, spaced, script=False)) if f.status == "FAIL"]
    assert len(failed) == 2 and "AppleScript" in failed[0] and "contains a space" in failed[1]


def test_leftover_conda_keys_and_untrusted_vba_object_model_are_warnings(tmp_path):
    setup = windows_setup(tmp_path)
    conf = Path(setup["environ"]["USERPROFILE"]) / ".xlwings" / "xlwings.conf"
    conf.write_text(conf.read_text() + '"CONDA PATH","C:\\Miniconda3"\n')
    warned = [f.what for f in doctor.check_excel(**(setup | {"vbom": lambda: None})) if f.status == "WARN"]
    assert len(warned) == 2 and "VBA project object model" in warned[0] and "CONDA PATH" in warned[1]


def test_other_systems_skip_excel():
    findings = doctor.check_excel(platform="linux")
    assert len(findings) == 1 and findings[0].status == "SKIP"


def test_numba_cache_state_lists_every_kernel():
    from socsec.model.warmup import warm_up
    warm_up()
    cached, missing, folder = doctor.kernel_cache_state()
    assert "lifetable.life_table_kernel" in cached + missing and "population.project_population_kernel" in cached
    assert folder


def test_doctor_command(capsys):
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert "Python" in out and "packages within socsec's ranges" in out and "socsec doctor:" in out
    assert code == (3 if "[FAIL]" in out else 0)


# --- bench and vba commands ----------------------------------------------------------------------

@pytest.mark.slow  # the benchmark command values the example many times; run with pytest -m slow
def test_udf_benchmark_command(capsys):
    """One run of the command (grids of 1 call, 2 rounds: the default suite stays short): every grid, the
    fastest round reported as the minimum of the rounds."""
    assert main(["bench", "--udf", "--size", "1", "--rounds", "2", "--workbook",
                 str(WORKBOOKS / "jordan_example.xlsx")]) == 0
    out = capsys.readouterr().out
    assert out.count("\n    1 calls") == 7 and "population block" in out and "pension scheme re-projected" in out
    assert "pension benefits re-projected, insured persons reused" in out and "fastest of 2 rounds" in out
    for line in (line for line in out.splitlines() if line.startswith("    1 calls")):  # fastest = min of the rounds
        best = float(line.split()[2])
        rounds = [float(v) for v in line.split("; rounds ")[1].split(" s;")[0].split(", ")]
        assert len(rounds) == 2 and best == min(rounds)


def test_vba_check_command(capsys):
    assert main(["excel", "vba", "--check"]) == 0
    assert "is current" in capsys.readouterr().out


# --- the lazy chain -------------------------------------------------------------------------------

def frames_of(valuation):
    return {"population": valuation.population.summary, "labour": valuation.economy.labour_summary,
            "macro": valuation.economy.macro, "pension": valuation.pension.summary,
            "finance": valuation.finance.indicators}


def test_lazy_chain_equals_run_valuation():
    inputs = small_inputs()
    full, lazy = run_valuation(inputs), LazyValuation(inputs)
    for name, frame in frames_of(full).items():
        pd.testing.assert_frame_equal(frames_of(lazy)[name], frame, check_exact=True, obj=name)
    assert [c.name for c in lazy.checks] == [c.name for c in full.checks]  # blocks without a step: full run


def test_lazy_chain_reuses_untouched_blocks_and_computes_only_what_is_asked():
    inputs = small_inputs()
    base = LazyValuation(inputs)
    variant = LazyValuation(apply_overrides(inputs, {"investment_return": 0.01}), base=base)
    _ = variant.economy.macro
    # the labour force, wages and GDP of the base (its economy frame) with the new return columns
    assert variant.computed() == ("economy_frame", "economy")
    assert base.computed() == ("population", "economy_frame")
    assert variant.economy_frame is base.economy_frame and variant.economy is not base.economy
    assert variant.population is base.population
    want = run_valuation(apply_overrides(inputs, {"investment_return": 0.01}))
    pd.testing.assert_frame_equal(variant.finance.indicators, want.finance.indicators, check_exact=True)
    finance_only = LazyValuation(apply_overrides(inputs, {"initial_reserve": 1e6}), base=base)
    _ = finance_only.finance
    assert finance_only.pension is base.pension


@pytest.fixture(scope="module")
def computed_base():
    base = LazyValuation(small_inputs())
    for block in STEPS:
        base.block(block)
    return base


@pytest.mark.parametrize("name", sorted(__import__("socsec.model.overrides", fromlist=["registry"]).registry()))
def test_reuse_is_exact_for_every_override(computed_base, name):
    """Whatever a block reuses from the base, the result equals a full valuation of the overridden inputs."""
    from socsec.model.overrides import lookup
    value = valid_override_value(lookup(name))
    inputs = apply_overrides(computed_base.inputs, {name: value})
    variant, full = LazyValuation(inputs, base=computed_base), run_valuation(inputs)
    for block, frame in frames_of(full).items():
        pd.testing.assert_frame_equal(frames_of(variant)[block], frame, check_exact=True, obj=f"{name}: {block}")


def test_investment_return_does_not_rerun_the_pension_block(computed_base):
    variant = LazyValuation(apply_overrides(computed_base.inputs, {"investment_return": 0.07}), base=computed_base)
    _ = variant.finance
    assert variant.pension is computed_base.pension and variant.economy is not computed_base.economy


@pytest.mark.parametrize("name", CONTRIBUTION_RULES)
def test_contribution_rules_reuse_the_persons_and_pensions_of_the_scheme(computed_base, name):
    """Contributions and expenses are recomputed from the base's insurable earnings and benefits,
    equal to a full valuation; everything else of the scheme is reused."""
    rules = computed_base.inputs.pension.rules
    changed = replace(rules, **{name: getattr(rules, name) + 0.013})
    inputs = replace(computed_base.inputs, pension=replace(computed_base.inputs.pension, rules=changed))
    variant, full = LazyValuation(inputs, base=computed_base), run_valuation(inputs)
    for block, frame in frames_of(full).items():
        pd.testing.assert_frame_equal(frames_of(variant)[block], frame, check_exact=True, obj=f"{name}: {block}")
    assert variant.scheme is computed_base.scheme and variant.pension is not computed_base.pension
    assert not variant.pension.summary["total_expenditure"].equals(computed_base.pension.summary["total_expenditure"]) \
        or name == "contribution_rate"


def changed_value(value, options=()):
    """Another valid value of an input field: the next option of a string, the negation of a flag, a
    whole number + 1, a real number x 1.1 + 0.01 (arrays element by element)."""
    if isinstance(value, str):
        return options[(options.index(value) + 1) % len(options)]
    if isinstance(value, bool):
        return not value
    array = np.asarray(value)
    return array + 1 if array.dtype.kind in "iu" else array * 1.1 + 0.01


@pytest.mark.parametrize("name", [f"rules.{r}" for r in BENEFIT_RULES if r not in CONTRIBUTION_RULES]
                         + [f"assumptions.{a}" for a in BENEFIT_ASSUMPTIONS])
def test_benefit_rules_reuse_the_insured_persons_of_the_scheme(computed_base, name):
    """A rule or assumption the insured persons do not depend on (socsec.model.pension.BENEFIT_RULES,
    BENEFIT_ASSUMPTIONS) re-projects wages, awards and pensioners on the base's insured persons: equal
    to a full valuation (which would differ were the insured to depend on it)."""
    part, field = name.split(".")
    block = getattr(computed_base.inputs.pension, part)
    options = {"reference_earnings": REFERENCE_EARNINGS, "revaluation": REVALUATIONS,
               "ceiling_indexation": INDEXATIONS}.get(field, ())
    pension = replace(computed_base.inputs.pension,
                      **{part: replace(block, **{field: changed_value(getattr(block, field), options)})})
    inputs = replace(computed_base.inputs, pension=pension)
    variant, full = LazyValuation(inputs, base=computed_base), run_valuation(inputs)
    for frame_name, frame in frames_of(full).items():
        pd.testing.assert_frame_equal(frames_of(variant)[frame_name], frame, check_exact=True,
                                      obj=f"{name}: {frame_name}")
    assert variant.insured is computed_base.insured and variant.scheme is not computed_base.scheme


def test_run_macro_module_calls_the_python_entry_point():
    """The VBA written for socsec (the Run button) is committed as text and names a Python function that exists."""
    import importlib
    import re

    path = Path(__file__).resolve().parents[1] / "addin" / "socsec" / "excel" / "vba" / "socsec_macros.bas"
    text = path.read_bytes().decode("ascii")
    assert text.startswith('Attribute VB_Name = "socsec_macros"') and "\n" not in text.replace("\r\n", "")
    command = re.search(r'RunPython "(.*)"\r\n', text).group(1)
    module, function = re.match(r"import (\S+) as m; m\.(\w+)\(", command).groups()
    assert callable(getattr(importlib.import_module(module), function))
    # the macro names its own workbook: Python acts on it only, not on whichever workbook is active
    assert """('" & Replace(ThisWorkbook.Name, "'", "\\'") & "')""" in command
    assert "Sub SocsecRun()" in text


@pytest.mark.slow  # the benchmark command values the example many times; run with pytest -m slow
def test_core_benchmark_command_prints_both_engines_side_by_side(capsys):
    assert main(["bench", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert "100 years" in out and "median of 1 runs" in out
    steps = [line for line in out.splitlines() if line.endswith("x") and "ms" not in line]
    assert [line.split("  ")[0] for line in steps][-2:] == ["pension block (insured, awards, pensioners)",
                                                              "full valuation (population to cash flows)"]
    for line in steps:
        numba_ms, numpy_ms, ratio = (float(v.rstrip("x")) for v in line.split()[-3:])
        assert numba_ms > 0 and numpy_ms > 0 and ratio == pytest.approx(numpy_ms / numba_ms, rel=0.02, abs=0.06)


def test_a_stale_socsec_addin_is_a_warning(tmp_path):
    setup = windows_setup(tmp_path)
    installed = Path(setup["environ"]["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART" / "socsec.xlam"
    shutil.copy(addin_module.template_path(), installed)  # xlwings' template: not socsec's ribbon
    warned = [f.what for f in doctor.check_excel(**setup) if f.status == "WARN"]
    assert len(warned) == 1 and "is not the one of this socsec" in warned[0]
