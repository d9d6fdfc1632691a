"""The install/ folder, checked on Linux: script syntax, the files the scripts refer to exist, the
installers and CI install with the tested versions (constraints.txt, within pyproject.toml's ranges),
the Python range agrees with pyproject.toml, and the xlwings settings helper writes, repeats and
undoes its changes without touching anything else.

(The Windows scripts are parsed by PowerShell when `pwsh` is on PATH; Debian has no package
for it, so that test is skipped here.)
"""

import importlib.metadata
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INSTALL = REPO / "install"
WINDOWS, MACOS = INSTALL / "windows", INSTALL / "macos"
SHELL_SCRIPTS = [MACOS / "install.sh", MACOS / "uninstall.sh"]
PS_SCRIPTS = [WINDOWS / "install.ps1", WINDOWS / "uninstall.ps1"]
CMD_SCRIPTS = [WINDOWS / "install.cmd", WINDOWS / "uninstall.cmd"]


def load(name):
    spec = importlib.util.spec_from_file_location(name, INSTALL / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def pins_in(text: str) -> set:
    return set(re.findall(r'"([A-Za-z0-9_.-]+==[0-9][^"\s]*)"', text))


def test_every_script_exists_and_is_plain_ascii():
    for path in SHELL_SCRIPTS + PS_SCRIPTS + CMD_SCRIPTS + [INSTALL / "README.md", INSTALL / "xlwings_config.py",
                                                          INSTALL / "make_wheelhouse.py"]:
        assert path.is_file(), path
        # Windows PowerShell 5.1 reads a script without BOM in the ANSI code page: ASCII only
        assert path.read_bytes().isascii(), f"{path} has non-ASCII characters"


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: p.name)
def test_shell_script_syntax(script):
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("pwsh") is None, reason="PowerShell (pwsh) is not installed; Debian has no package")
@pytest.mark.parametrize("script", PS_SCRIPTS, ids=lambda p: p.name)
def test_powershell_script_syntax(script):
    command = ("$errors = $null; [System.Management.Automation.Language.Parser]::ParseFile("
               f"'{script}', [ref]$null, [ref]$errors) | Out-Null; $errors | ForEach-Object {{ $_.ToString() }}; "
               "exit $errors.Count")
    done = subprocess.run(["pwsh", "-NoProfile", "-Command", command], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cmd_files_call_their_powershell_script():
    for cmd, ps1 in zip(CMD_SCRIPTS, PS_SCRIPTS):
        text = cmd.read_text()
        assert f'-File "%~dp0{ps1.name}" %*' in text
        assert "-ExecutionPolicy Bypass" in text and "-NoProfile" in text
        assert "exit /b %RC%" in text


def test_scripts_refer_only_to_files_that_exist():
    for script in PS_SCRIPTS:
        relative = re.findall(r'Join-Path \$PSScriptRoot "([^"]+)"', script.read_text())
        assert relative, script
        for rel in relative:
            assert (script.parent / rel.replace("\\", "/")).resolve().exists(), f"{script.name}: {rel}"
    for script in SHELL_SCRIPTS:
        relative = re.findall(r'"\$HERE/([^"$]+)"', script.read_text())
        assert relative, script
        for rel in relative:
            assert (script.parent / rel).resolve().exists(), f"{script.name}: {rel}"
    for script in CMD_SCRIPTS:
        for rel in re.findall(r'%~dp0([\w.]+)', script.read_text()):
            assert (script.parent / rel).exists(), f"{script.name}: {rel}"


def test_installers_install_the_extras_of_the_wheelhouse_at_the_tested_versions():
    """Both installers install socsec with the extras a wheelhouse carries, with pip -c constraints.txt, and
    name no version themselves (the tested versions are declared once, in the constraints file)."""
    wheelhouse = load("make_wheelhouse")
    extras = ",".join(wheelhouse.EXTRAS)
    assert set(wheelhouse.EXTRAS) <= set(pyproject()["optional-dependencies"])
    ps1, sh = (WINDOWS / "install.ps1").read_text(), (MACOS / "install.sh").read_text()
    assert f'$Extras = "{extras}"' in ps1 and f'EXTRAS="{extras}"' in sh
    assert '"-c",' in ps1 and '$Constraints, ($socsecTarget + "[$Extras]")' in ps1
    assert '-c "$CONSTRAINTS" "$SOCSEC_TARGET[$EXTRAS]"' in sh
    assert 'Join-Path $PSScriptRoot "..\\..\\constraints.txt"' in ps1 and 'CONSTRAINTS="$HERE/../../constraints.txt"' in sh
    for text in (ps1, sh):
        assert pins_in(text) == set()
    assert wheelhouse.CONSTRAINTS == REPO / "constraints.txt"
    assert any(r.startswith("pywin32") for r in wheelhouse.requirements(sys_platform="win32"))
    assert not any(r.startswith(("pywin32", "appscript")) for r in wheelhouse.requirements(sys_platform="linux"))


def declared_requirements() -> list:
    """Every requirement of pyproject.toml, base and extras, on every system (socsec itself left out)."""
    from packaging.requirements import Requirement
    lines = pyproject()["dependencies"] + [r for rs in pyproject()["optional-dependencies"].values() for r in rs]
    return [r for r in map(Requirement, lines) if r.name != "socsec"]


def requires(name: str) -> list:
    """The requirements of an installed package (none for one of another system, such as pywin32)."""
    try:
        return importlib.metadata.requires(name) or []
    except importlib.metadata.PackageNotFoundError:
        return []


def test_the_constraints_file_pins_each_requirement_within_its_range():
    """constraints.txt at the root includes the package data file (socsec doctor reads it in any installation);
    that file pins every package pyproject.toml names, at a version its range allows, and otherwise only
    packages those need (llvmlite for numba, distributed for dask[distributed])."""
    from packaging.utils import canonicalize_name

    from socsec.excel.doctor import tested_versions
    root = [line for line in (REPO / "constraints.txt").read_text().splitlines() if not line.startswith("#")]
    assert root == ["-c addin/socsec/data/constraints.txt"]
    tested = tested_versions((REPO / "addin" / "socsec" / "data" / "constraints.txt").read_text())
    assert tested == tested_versions()  # the one installed with socsec
    for requirement in declared_requirements():
        version = tested.get(canonicalize_name(requirement.name))
        assert version is not None, f"constraints.txt does not pin {requirement.name}"
        assert requirement.specifier.contains(version), f"{requirement.name}=={version} is outside {requirement}"
    declared = {canonicalize_name(r.name) for r in declared_requirements()}
    needed = {canonicalize_name(re.split(r"[\s;<>=!~\[(]", line, maxsplit=1)[0])
              for name in declared for line in requires(name) if "extra ==" not in line}
    needed |= {"distributed"}  # dask[distributed]: an extra of dask
    assert set(tested) <= declared | needed, set(tested) - declared - needed


def test_ci_runs_the_readme_commands_with_the_constraints():
    """.ci/run runs exactly the README's test command (and ruff); the README's two commands, the CI and the
    installers' guide install with the tested versions."""
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```\n(.*?)\n```", readme.split("\n## ", 1)[0], re.S)
    assert blocks == ["python -m pip install -e . -c constraints.txt && socsec run workbooks/jordan_example.xlsx",
                      'python -m pip install -e ".[test]" -c constraints.txt && python -m pytest']
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert f"{blocks[1]}  # the README's test command, exactly" in ci
    assert "python -m ruff check addin tests install" in "\n".join(ci)
    assert all("-c constraints.txt" in line for line in ci if "pip install" in line and "--upgrade pip" not in line)


def test_installers_accept_the_python_versions_of_pyproject():
    minimum = re.fullmatch(r">=\s*(\d+\.\d+)", pyproject()["requires-python"]).group(1)
    ps1, sh = (WINDOWS / "install.ps1").read_text(), (MACOS / "install.sh").read_text()
    assert re.search(rf'\$MinPython = \[version\]"{re.escape(minimum)}"', ps1)
    assert re.search(rf'^MIN_PYTHON="{re.escape(minimum)}"', sh, re.M)
    ps1_max = re.search(r'\$MaxPython = \[version\]"([\d.]+)"', ps1).group(1)
    assert re.search(rf'^MAX_PYTHON="{re.escape(ps1_max)}"', sh, re.M)


def test_installers_configure_the_udf_module_and_run_warmup_and_doctor():
    ps1, sh = (WINDOWS / "install.ps1").read_text(), (MACOS / "install.sh").read_text()
    assert '$UdfModule = "socsec.excel.udfs"' in ps1 and "pythonw.exe" in ps1
    for text in (ps1, sh):
        assert "addin" in text and "install" in text
        assert re.search(r'@\("warmup"\)|" warmup', text) and re.search(r'@\("doctor"\)|" doctor', text)
        assert "--no-index" in text and "--find-links" in text and "--only-binary=:all:" in text


def test_make_wheelhouse_commands(tmp_path):
    wheelhouse = load("make_wheelhouse")
    wanted = ["-c", str(REPO / "constraints.txt")] + wheelhouse.requirements(sys_platform="win32")
    commands = wheelhouse.commands(tmp_path, "win_amd64", ["3.12", "3.13"])
    assert len(commands) == 3
    for command, version in zip(commands, ["3.12", "3.13"]):
        assert command[2:4] == ["pip", "download"] and command[-len(wanted):] == wanted
        assert ["--platform", "win_amd64"] == command[command.index("--platform"):command.index("--platform") + 2]
        assert command[command.index("--python-version") + 1] == version
    assert commands[-1][2:5] == ["pip", "wheel", "--no-deps"] and commands[-1][-1] == str(REPO)
    names = {re.split(r"[<>=!~;\s]", r, maxsplit=1)[0] for r in wanted[2:]}
    assert {"numpy", "numba", "xlwings", "python-docx", "scipy", "pywin32"} <= names and "dask[distributed]" not in names


@pytest.mark.parametrize("tag,present,absent", [
    ("win_amd64", "pywin32", "appscript"),
    ("macosx_14_0_arm64", "appscript", "pywin32"),
    ("manylinux_2_28_x86_64", "numpy", "pywin32"),
])
def test_a_wheelhouse_made_anywhere_carries_the_packages_of_its_target(tag, present, absent):
    """pip evaluates markers for the machine it runs on: a Windows wheelhouse made on Linux must name
    pywin32 itself, without its marker, or the offline install on Windows lacks it."""
    download = load("make_wheelhouse").commands(Path("w"), tag, ["3.13"])[0]
    assert any(arg.startswith(present) for arg in download) and not any(arg.startswith(absent) for arg in download)
    assert not any(";" in arg for arg in download)

# --- the xlwings settings helper ------------------------------------------------------------

@pytest.fixture
def helper():
    return load("xlwings_config")


def lines_of(path):
    return path.read_bytes().decode().split("\r\n")


def test_install_writes_both_keys_in_xlwings_format(helper, tmp_path):
    conf, state = tmp_path / ".xlwings" / "xlwings.conf", tmp_path / "socsec" / "state.json"
    pythonw = r"C:\Users\A B\AppData\Local\socsec\venv\Scripts\pythonw.exe"
    assert helper.main(["install", "--config", str(conf), "--state", str(state), "--interpreter", pythonw,
                        "--platform", "win"]) == 0
    assert lines_of(conf) == [f'"INTERPRETER_WIN","{pythonw}"', '"UDF MODULES","socsec.excel.udfs"', ""]
    before = conf.read_bytes()
    helper.main(["install", "--config", str(conf), "--state", str(state), "--interpreter", pythonw, "--platform", "win"])
    assert conf.read_bytes() == before, "a second install changes nothing"
    helper.main(["uninstall", "--config", str(conf), "--state", str(state), "--platform", "win"])
    assert not conf.exists() and not state.exists(), "the file did not exist before: it is gone again"


def test_install_keeps_other_settings_and_modules_and_uninstall_restores_them(helper, tmp_path):
    conf, state = tmp_path / "xlwings.conf", tmp_path / "state.json"
    original = ('"INTERPRETER_WIN","C:\\Python311\\pythonw.exe"\r\n"PYTHONPATH","C:\\work, shared"\r\n'
                '"udf modules","my_udfs"\r\n"SHOW CONSOLE","False"\r\n')
    conf.write_bytes(original.encode())
    ours = r"C:\socsec\venv\Scripts\pythonw.exe"
    helper.install(conf, state, ours, "socsec.excel.udfs", "win")
    lines = helper.read_config(conf, "win")
    assert helper.get(lines, "INTERPRETER_WIN") == ours
    assert helper.get(lines, "UDF MODULES") == "my_udfs;socsec.excel.udfs"
    assert helper.get(lines, "PYTHONPATH") == "C:\\work, shared" and helper.get(lines, "show console") == "False"
    assert sum(1 for line in lines if isinstance(line, tuple) and line[0].upper() == "UDF MODULES") == 1
    helper.install(conf, state, ours, "socsec.excel.udfs", "win")  # repeated: the first "before" is kept
    helper.uninstall(conf, state, "socsec.excel.udfs", "win")
    restored = helper.read_config(conf, "win")
    assert helper.get(restored, "INTERPRETER_WIN") == "C:\\Python311\\pythonw.exe"
    assert helper.get(restored, "UDF MODULES") == "my_udfs"
    assert helper.get(restored, "PYTHONPATH") == "C:\\work, shared" and helper.get(restored, "SHOW CONSOLE") == "False"


def test_uninstall_leaves_settings_changed_after_the_installation(helper, tmp_path):
    conf, state = tmp_path / "xlwings.conf", tmp_path / "state.json"
    helper.install(conf, state, "/venv/bin/python", None, "mac")
    assert conf.read_text() == '"INTERPRETER_MAC","/venv/bin/python"\n'
    lines = helper.put(helper.read_config(conf, "mac"), "INTERPRETER_MAC", "/elsewhere/python")
    helper.write_config(conf, lines, "mac")
    messages = helper.uninstall(conf, state, None, "mac")
    assert "changed after" in messages[0]
    assert helper.get(helper.read_config(conf, "mac"), "INTERPRETER_MAC") == "/elsewhere/python"


def test_module_already_listed_is_not_taken_out(helper, tmp_path):
    conf, state = tmp_path / "xlwings.conf", tmp_path / "state.json"
    conf.write_text('"UDF MODULES","socsec.excel.udfs;other"\n')
    helper.install(conf, state, "py", "socsec.excel.udfs", "mac")
    assert helper.get(helper.read_config(conf, "mac"), "UDF MODULES") == "socsec.excel.udfs;other"
    helper.uninstall(conf, state, "socsec.excel.udfs", "mac")
    assert helper.get(helper.read_config(conf, "mac"), "UDF MODULES") == "socsec.excel.udfs;other"


def test_default_config_locations_are_xlwings_own(helper, monkeypatch, tmp_path):
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    assert helper.default_config_file("win") == tmp_path / ".xlwings" / "xlwings.conf"
    assert helper.default_config_file("mac").parts[-5:] == ("Library", "Containers", "com.microsoft.Excel", "Data",
                                                            "xlwings.conf")
    xlwings = pytest.importorskip("xlwings")
    if not xlwings.USER_CONFIG_FILE.endswith(("Data/xlwings.conf",)):  # not macOS: xlwings' own rule
        assert Path(xlwings.USER_CONFIG_FILE).parts[-2:] == helper.default_config_file("win").parts[-2:]


# --- what the installers read from xlwings and hand to it -----------------------------------------

def xlwings_addin_status(monkeypatch, capsys, addin_dir: Path) -> str:
    """What `xlwings addin status` prints, from xlwings' own code, with its add-in folder at ``addin_dir``."""
    import argparse

    from xlwings import cli
    monkeypatch.setattr(cli, "get_addin_dir", lambda global_install=False: str(addin_dir))
    cli.addin_status(argparse.Namespace(file=None, glob=False))
    return capsys.readouterr().out


@pytest.mark.parametrize("installed", [False, True])
def test_the_addin_place_is_read_from_xlwings_own_status_messages(helper, monkeypatch, capsys, tmp_path, installed):
    """A fresh machine ("not installed") must still give the place, or the installers skip
    `xlwings addin install`; the Windows path has a space, as under C:\\Users\\First Last."""
    addin_dir = tmp_path / "Microsoft Office" / "XLSTART"
    addin_dir.mkdir(parents=True)
    if installed:
        (addin_dir / "xlwings.xlam").write_text("")
    status = xlwings_addin_status(monkeypatch, capsys, addin_dir)
    assert ("is installed at" in status) == installed
    assert helper.addin_target(status) == str(addin_dir / "xlwings.xlam")
    assert helper.addin_target("Error: Excel is not installed.") is None


def test_both_installers_ask_the_helper_for_the_addin_place_and_install_the_socsec_addin():
    for script, command in ((WINDOWS / "install.ps1", '@("addin", "install", "--file", $source)'),
                            (MACOS / "install.sh", 'addin install --file "$SOCSEC_XLAM"')):
        text = script.read_text()
        assert "addin-target" in text and "installed at" not in text, script.name
        assert command in text and "socsec.xlam" in text and "socsec-addin.txt" in text, script.name
    for script in (WINDOWS / "uninstall.ps1", MACOS / "uninstall.sh"):
        assert "socsec-addin.txt" in script.read_text(), script.name
    assert (REPO / "addin" / "socsec.xlam").is_file()


def test_the_socsec_addin_place_is_read_from_xlwings_status_for_a_file(helper, monkeypatch, capsys, tmp_path):
    import argparse

    from xlwings import cli
    monkeypatch.setattr(cli, "get_addin_dir", lambda global_install=False: str(tmp_path))
    cli.addin_status(argparse.Namespace(file=str(REPO / "addin" / "socsec.xlam"), glob=False))
    assert helper.addin_target(capsys.readouterr().out) == str(tmp_path / "socsec.xlam")


def test_addin_target_command_reads_standard_input(tmp_path):
    run = subprocess.run([sys.executable, str(INSTALL / "xlwings_config.py"), "addin-target"], text=True,
                         capture_output=True, input='The add-in is not installed.\n"xlwings addin install" will '
                                                   'install it at: /Users/a/Library/xlwings.xlam\n')
    assert run.returncode == 0 and run.stdout.strip() == "/Users/a/Library/xlwings.xlam"
    run = subprocess.run([sys.executable, str(INSTALL / "xlwings_config.py"), "addin-target"], text=True,
                         capture_output=True, input="")
    assert run.returncode == 1 and run.stdout == ""


def test_a_mac_interpreter_path_with_a_space_is_refused(helper, tmp_path):
    """xlwings' AppleScript starts `PythonInterpreter & " -B -u ..."` unquoted: a space breaks it."""
    applescript = next((Path(__import__("xlwings").__file__).parent).glob("xlwings-*.applescript")).read_text()
    assert 'set ShellCommand to PythonInterpreter & " -B' in applescript  # unquoted, as the finding says
    conf, state = tmp_path / "xlwings.conf", tmp_path / "state.json"
    spaced = "/Users/a/Library/Application Support/socsec/venv/bin/python"
    assert helper.main(["install", "--config", str(conf), "--state", str(state), "--interpreter", spaced,
                        "--platform", "mac"]) == 2
    assert not conf.exists()
    assert helper.main(["install", "--config", str(conf), "--state", str(state), "--interpreter",
                        "/Users/a/.socsec/venv/bin/python", "--platform", "mac"]) == 0
    sh = (MACOS / "install.sh").read_text()
    default = re.search(r'Darwin\) DEFAULT_BASE="([^"]+)"', sh).group(1)
    assert " " not in default and "contains a space" in sh
