"""Guardrails (issue 13): every case found by the outside trials, each reproduced and shown to give
the new behaviour: nothing typed is silently ignored, implausible input and absurd results never end
"checks OK", hostile files are refused before they are loaded, and every results file says what
produced it.  Runs use the small test country (fast); the example where the case needs it.
"""

import errno
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from socsec.cli import main
from socsec.workbook.reader import read_workbook
from test_workbook_cli import digest, run_bad
from workbook_fixtures import cell_of, edit, make_workbook, small_inputs

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx"
TEMPLATE = Path(__file__).resolve().parents[1] / "workbooks" / "template.xlsx"


@pytest.fixture
def book(tmp_path):
    return make_workbook(tmp_path / "in.xlsx")


def bounds_of(path, name):
    wb = load_workbook(path, read_only=True)
    sheet, ref = list(wb.defined_names[name].destinations)[0]
    wb.close()
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return sheet, min_row, min_col, max_row, max_col


def run(path, capsys, *extra):
    code = main(["run", str(path), *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


# --- 1. extents -----------------------------------------------------------------------------------------

def test_anchor_years_typed_right_of_a_table_are_read_not_ignored(book, capsys):
    """The template's anchor tables are one column wide: anchors typed across are read (here a third
    mortality anchor, 2038, with rates twice as high), and the results workbook's names follow."""
    changes = {}
    for name in ("in_mort_male", "in_mort_female"):
        sheet, top, left, bottom, right = bounds_of(book, name)
        wb = load_workbook(book, read_only=True)
        column = [row[0] for row in wb[sheet].iter_rows(min_row=top + 1, max_row=bottom, min_col=right,
                                                         max_col=right, values_only=True)]
        wb.close()
        changes[(sheet, f"{get_column_letter(right + 1)}{top}")] = 2038
        for i, value in enumerate(column):
            changes[(sheet, f"{get_column_letter(right + 1)}{top + 1 + i}")] = 2 * value
    edit(book, changes)
    read = read_workbook(book)
    assert list(read.inputs.population.mortality_years) == [2030, 2035, 2038]
    np.testing.assert_allclose(read.inputs.population.mortality[2], 2 * small_inputs().population.mortality[1])
    code, _, _ = run(book, capsys)
    assert code == 0
    results = book.with_name("in_results.xlsx")
    assert bounds_of(results, "in_mort_male")[4] == bounds_of(book, "in_mort_male")[4] + 1


def test_value_right_of_a_fixed_label_table_is_an_error(book, capsys):
    sheet, top, left, bottom, right = bounds_of(book, "in_base_pop")
    cell = f"{get_column_letter(right + 1)}{top + 5}"
    edit(book, {(sheet, cell): 1234})
    err = run_bad(book, capsys)
    assert f"sheet 'Base population', cell {cell}" in err and "belong to no table" in err


def test_column_pasted_one_row_low_is_an_error_even_when_the_gap_is_filled(book, capsys):
    """The males column of the base population pasted one row low: the value pushed below the table is
    named, before and after the empty first cell is filled by hand."""
    sheet, top, left, bottom, right = bounds_of(book, "in_base_pop")
    wb = load_workbook(book)
    ws = wb[sheet]
    column = [ws.cell(r, left + 1).value for r in range(top + 1, bottom + 1)]
    ws.cell(top + 1, left + 1).value = None
    for k, value in enumerate(column):
        ws.cell(top + 2 + k, left + 1).value = value
    wb.save(book)
    below = f"{get_column_letter(left + 1)}{bottom + 1}"
    err = run_bad(book, capsys)
    assert f"cell {below}" in err and "shifted" in err
    edit(book, {(sheet, f"{get_column_letter(left + 1)}{top + 1}"): 5000.0})
    err = run_bad(book, capsys)
    assert f"cell {below}" in err and "shifted" in err


def _insert_row_in_rules(book, label, value):
    """Insert a row inside the rules table as Excel does: cells below move down, the name grows by one."""
    sheet, top, left, bottom, right = bounds_of(book, "in_rules")
    wb = load_workbook(book)
    ws = wb[sheet]
    ws.insert_rows(top + 3)
    ws.cell(top + 3, left).value = label
    for col in range(left + 1, right + 1):
        ws.cell(top + 3, col).value = value
    del wb.defined_names["in_rules"]
    wb.defined_names["in_rules"] = DefinedName(
        "in_rules", attr_text=f"'{sheet}'!${get_column_letter(left)}${top}:${get_column_letter(right)}${bottom + 1}")
    wb.save(book)
    return sheet, top + 3


def test_row_inserted_inside_a_fixed_label_table_is_named_not_an_index_error(book, capsys):
    sheet, row = _insert_row_in_rules(book, "my extra row", 0.5)
    err = run_bad(book, capsys)
    assert f"sheet '{sheet}', cell A{row}" in err and "is not a row of Scheme rules by year" in err


def test_empty_row_inserted_inside_a_fixed_label_table_is_read_by_label(book, capsys):
    _insert_row_in_rules(book, None, None)
    read = read_workbook(book)
    np.testing.assert_allclose(read.inputs.pension.rules.accrual_rate, small_inputs().pension.rules.accrual_rate)
    np.testing.assert_allclose(read.inputs.pension.rules.min_pension, small_inputs().pension.rules.min_pension)


@pytest.mark.parametrize("reference", ["$A:$C", "$5:$40", "$A$1:$XFD$1048576"])
def test_names_covering_whole_columns_rows_or_sheet_are_refused_before_reading(book, capsys, reference):
    wb = load_workbook(book)
    sheet = list(wb.defined_names["in_base_pop"].destinations)[0][0]
    del wb.defined_names["in_base_pop"]
    wb.defined_names["in_base_pop"] = DefinedName("in_base_pop", attr_text=f"'{sheet}'!{reference}")
    wb.save(book)
    err = run_bad(book, capsys)
    assert "name in_base_pop" in err and "correct the name" in err


def test_cover_sheet_deleted_is_made_anew(book, capsys):
    wb = load_workbook(book)
    wb["Cover"].title = "Front page"
    wb.save(book)
    code, _, _ = run(book, capsys)
    assert code == 0
    results = load_workbook(book.with_name("in_results.xlsx"), read_only=True)
    assert "Cover" in results.sheetnames
    assert any(row[:2] == ("Master check", "OK") for row in results["Cover"].iter_rows(values_only=True))
    results.close()


def test_integer_too_large_for_a_float_is_an_input_error(book, capsys):
    sheet, cell = cell_of(book, "in_base_pop", 3, 1)
    edit(book, {(sheet, cell): 123456.789})  # then the XML holds 400 digits, as another program may write
    with zipfile.ZipFile(book) as z:
        members = {info.filename: z.read(info.filename) for info in z.infolist()}
    part = next(name for name, data in members.items() if b"<v>123456.789</v>" in data)
    members[part] = members[part].replace(b"<v>123456.789</v>", b"<v>1" + b"0" * 400 + b"</v>")
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    err = run_bad(book, capsys)
    assert f"cell {cell}" in err and "too large" in err


def test_template_placeholders_are_not_values(capsys, tmp_path):
    path = tmp_path / "template.xlsx"
    shutil.copy(TEMPLATE, path)
    err = run_bad(path, capsys)
    assert "still the template's placeholder '(country name)'" in err
    assert "still the template's placeholder '(currency)'" in err


# --- 2. plausibility --------------------------------------------------------------------------------------

def test_inflation_typed_as_percent_warns_once_with_a_hint_and_never_ends_checks_ok(book, capsys):
    """CPI inflation typed as 2.5 in every year: one warning for the row (not one per year), with a hint,
    on the console, the Log and the Checks sheet; the PAYG cost rate explodes and the check fails."""
    sheet, top, left, bottom, right = bounds_of(book, "in_macro")
    edit(book, {(sheet, f"{get_column_letter(col)}{top + 2}"): 2.5 for col in range(left + 1, right + 1)})
    code, out, err = run(book, capsys)
    lines = [line for line in err.splitlines() if line.startswith("WARNING: ") and "CPI inflation" in line]
    assert len(lines) == 1 and "did you mean 2.5% = 0.025?" in lines[0]
    assert code == 3 and "checks FAILED" in out and "checks OK" not in out
    wb = load_workbook(book.with_name("in_results.xlsx"), read_only=True)
    log = list(wb["Log"].iter_rows(values_only=True))
    assert "did you mean 2.5% = 0.025?" in log[-1][log[0].index("Input warnings")]
    checks = [row for row in wb["Checks"].iter_rows(values_only=True)]
    assert any(row[3] == "WARNING" and "CPI inflation" in str(row[4]) for row in checks)
    assert any(row[0] == "PAYG cost rate at most 100%" and row[3] == "FAILED" for row in checks)
    wb.close()


def test_a_warning_alone_does_not_read_checks_ok(book, capsys):
    sheet, cell = cell_of(book, "in_tfr", 1, 3)
    edit(book, {(sheet, cell): 9.0})  # legal (at most 15), not plausible
    code, out, err = run(book, capsys)
    assert code == 0 and "checks passed with 1 input warning(s)" in out and "checks OK" not in out
    assert f"cell {cell}" in err and "outside the usual range" in err


@pytest.mark.parametrize("name,offset", [("in_pension_amounts", (1, 1)), ("in_base_pop", (2, 1))])
def test_absurd_amounts_are_refused(book, capsys, name, offset):
    sheet, cell = cell_of(book, name, *offset)
    edit(book, {(sheet, cell): 1e300})
    err = run_bad(book, capsys)
    assert f"cell {cell}" in err and "beyond any plausible value" in err


@pytest.mark.parametrize("setting", ["in_initial_reserve", "in_base_gdp"])
def test_reserve_or_gdp_of_1e308_is_refused(book, capsys, setting):
    sheet, cell = cell_of(book, setting)
    edit(book, {(sheet, cell): 1e308})
    err = run_bad(book, capsys)
    assert f"sheet '{sheet}', cell {cell}" in err and "beyond any plausible value" in err


# --- 3. results checks and overrides ----------------------------------------------------------------------

@pytest.mark.parametrize("assignment,code", [
    ("coverage=0", 3),  # runs: no insurable earnings left, PAYG cost rate not computable
    ("net_migration_scale=-1000", 3),  # runs: negative population, failed checks
    ("gdp_deflator_inflation=-0.999999999999", 2),  # refused before projecting
    ("wage_share_change=1e15", 2),
    ("investment_return=-0.9999999", 2),
    ("base_gdp=1e308", 2),
    ("initial_reserve=1e308", 2),
])
def test_every_value_the_registry_accepts_runs_or_is_refused_before_projecting(book, capsys, assignment, code):
    got, out, err = run(book, capsys, "--set", assignment)
    assert got == code, err
    if code == 2:
        assert "Projecting" not in err and f"--set {assignment.split('=')[0]}" in err
    else:
        assert "checks FAILED" in out


def test_indicators_say_not_computable_when_no_earnings_are_left(tmp_path, capsys):
    """The example with coverage 0 (a value the registry accepts): the run ends (exit 3, checks failed);
    indicators without a value say "not computable", never a blank cell."""
    path = tmp_path / "example.xlsx"
    shutil.copy(EXAMPLE, path)
    code, out, _ = run(path, capsys, "--set", "coverage=0")
    assert code == 3 and "% -> not computable" in out
    wb = load_workbook(tmp_path / "example_results.xlsx", read_only=True)
    values = [row[1] for row in wb["Indicators"].iter_rows(values_only=True) if row and row[0]]
    checks = {row[0]: row[3] for row in wb["Checks"].iter_rows(values_only=True) if row and row[0]}
    wb.close()
    assert "not computable" in values
    assert checks["Results are finite numbers"] == "FAILED" and checks["PAYG cost rate at most 100%"] == "FAILED"


def test_never_depleted_reads_never(tmp_path, capsys):
    path = tmp_path / "example.xlsx"
    shutil.copy(EXAMPLE, path)
    code, _, _ = run(path, capsys)
    assert code == 0
    wb = load_workbook(tmp_path / "example_results.xlsx", read_only=True)
    values = {row[0]: row[1] for row in wb["Indicators"].iter_rows(values_only=True) if row and row[0]}
    wb.close()
    assert values["Year the reserve is exhausted (never: not within the projection)"] == "never"


def test_all_problems_in_one_pass(book, capsys):
    """A bad cell, a bad Scenarios row, a problem between tables and a bad --set, reported together."""
    tfr_sheet, tfr_cell = cell_of(book, "in_tfr", 1, 2)
    sc_sheet, sc_cell = cell_of(book, "in_scenarios", 1, 2)
    early_sheet, early_cell = cell_of(book, "in_rules", 4, 1)
    edit(book, {(tfr_sheet, tfr_cell): "two", (sc_sheet, sc_cell): "no_such_parameter",
                (sc_sheet, sc_cell.replace("C", "B")): "s1", (early_sheet, early_cell): 40})
    err = run_bad(book, capsys, "--set", "tfr=99")
    assert f"cell {tfr_cell}" in err and "no_such_parameter" in err and "early retirement age" in err
    assert "tfr must be" in err


# --- 4. resources -------------------------------------------------------------------------------------

def _with_sheet_xml(book, extra: bytes, where: bytes = b"</sheetData>"):
    """Rewrite the first input sheet's XML with ``extra`` inserted before ``where`` (compressed)."""
    with zipfile.ZipFile(book) as z:
        members = {info: z.read(info.filename) for info in z.infolist()}
    target = next(i for i in members if i.filename == "xl/worksheets/sheet3.xml")
    members[target] = members[target].replace(where, extra + where, 1)
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info, data in members.items():
            z.writestr(info.filename, data)


def test_gigabytes_of_whitespace_are_refused_before_loading(book, capsys):
    _with_sheet_xml(book, b" " * (60 * 2**20), b"<sheetData")
    err = run_bad(book, capsys)
    assert "xl/worksheets/sheet3.xml unpacks to 60 MB" in err


def test_millions_of_cells_are_refused_before_loading(book, capsys):
    row = b"".join(b'<c r="%s1"/>' % get_column_letter(c).encode() for c in range(1, 21))
    cells = b"".join(b'<row r="%d">' % r + row.replace(b'1"/>', b'%d"/>' % r) + b"</row>"
                     for r in range(2000, 2000 + 80_000))
    _with_sheet_xml(book, cells)
    err = run_bad(book, capsys)
    assert "more than 1,500,000 cells" in err


# --- 5. safe output ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["text file", "input workbook"])
def test_o_never_replaces_a_file_that_is_not_a_results_workbook(book, tmp_path, capsys, kind):
    other = tmp_path / "other.xlsx"
    if kind == "text file":
        other.write_text("my notes")
    else:
        make_workbook(other)
    before = digest(other)
    code, _, err = run(book, capsys, "-o", str(other))
    assert code == 2 and "not a socsec results workbook" in err and digest(other) == before


def test_output_path_problems_are_exit_4_before_projecting(book, tmp_path, capsys):
    folder = tmp_path / "a folder.xlsx"
    folder.mkdir()
    code, _, err = run(book, capsys, "-o", str(folder))
    assert code == 4 and "is a folder" in err and "Projecting" not in err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(book, capsys, "-o", str(blocker / "out.xlsx"))
    assert code == 4 and "is a file, not a folder" in err and "Projecting" not in err


def test_read_only_folder_is_exit_4_before_projecting(book, tmp_path, capsys, monkeypatch):
    """A folder socsec may not write into (simulated: the tests may run as root, whom permissions do not stop)."""
    import tempfile
    real = tempfile.TemporaryFile
    locked = tmp_path / "locked"
    locked.mkdir()

    def refuse(*args, dir=None, **kwargs):
        if Path(dir) == locked:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(*args, dir=dir, **kwargs)
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    code, _, err = run(book, capsys, "-o", str(locked / "out.xlsx"))
    assert code == 4 and "Permission denied" in err and "Projecting" not in err
    assert list(locked.iterdir()) == []


def test_disk_full_is_exit_4_without_traceback(book, capsys, monkeypatch):
    from socsec.workbook import results

    def full(wb, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    monkeypatch.setattr(results, "save_workbook", full)
    code, _, err = run(book, capsys)
    assert code == 4 and "No space left on device" in err and "nothing was written" in err
    assert [p.name for p in book.parent.iterdir()] == ["in.xlsx"]


def test_text_beginning_with_a_formula_sign_is_neutralised(tmp_path, capsys):
    path = tmp_path / "=HYPERLINK(1).xlsx"
    make_workbook(path)
    sheet, cell = cell_of(path, "in_scenarios", 1, 1)
    edit(path, {(sheet, cell.replace("B", "C")): "tfr", (sheet, cell.replace("B", "D")): 2.0})
    wb = load_workbook(path)
    wb[sheet][cell].value = "=cmd|' /C calc'!A0"
    wb[sheet][cell].data_type = "s"  # text typed with a leading apostrophe in Excel
    wb.save(path)
    code, _, err = run(path, capsys, "--compare", "--csv", str(tmp_path / "csv"))
    assert code == 0, err
    indicators = pd.read_csv(tmp_path / "csv" / "indicators.csv")
    assert "'=cmd|' /C calc'!A0" in set(indicators["scenario"])
    assert "'=cmd|' /C calc'!A0" in pd.read_csv(tmp_path / "csv" / "scenarios.csv").columns
    assert pd.api.types.is_float_dtype(indicators["value"])  # numbers untouched
    wb = load_workbook(tmp_path / "=HYPERLINK(1)_results.xlsx")
    log = wb["Log"]
    assert log.cell(2, 2).data_type == "s" and log.cell(2, 2).value.endswith("=HYPERLINK(1).xlsx")
    ws = wb["Results scenarios"]
    header = next(row for row in ws.iter_rows() if row[0].value == "indicator \\ scenario")
    assert "=cmd|' /C calc'!A0" in [c.value for c in header] and all(c.data_type != "f" for c in header)


def test_interrupted_csv_phase_says_what_was_written_and_leaves_no_temporaries(book, tmp_path, capsys,
                                                                             monkeypatch):
    from socsec import atomic
    csv = tmp_path / "csv"
    assert main(["run", str(book), "--csv", str(csv)]) == 0
    before = {p.name: digest(p) for p in csv.iterdir()}
    calls = []
    original = atomic.write_csv

    def interrupted(frame, path):
        calls.append(path)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return original(frame, path)
    monkeypatch.setattr(atomic, "write_csv", interrupted)
    capsys.readouterr()
    code = main(["run", str(book), "--csv", str(csv)])
    err = capsys.readouterr().err
    assert code == 130 and "interrupted; nothing was written" in err
    assert {p.name: digest(p) for p in csv.iterdir()} == before  # the earlier set, whole
    assert not [p for p in tmp_path.rglob(".socsec-*")]


def test_temporaries_of_a_killed_run_are_removed_by_the_next(book, capsys):
    stale = book.parent / ".socsec-999999999-abc.xlsx"
    stale.write_bytes(b"half a workbook")
    code, _, _ = run(book, capsys)
    assert code == 0 and not stale.exists()


# --- 6. provenance -------------------------------------------------------------------------------------

def test_cover_log_and_csv_record_scenario_overrides_command_and_warnings(book, tmp_path, capsys):
    sheet, cell = cell_of(book, "in_scenarios", 1, 1)
    edit(book, {(sheet, cell): "high", (sheet, cell.replace("B", "C")): "contribution_rate",
                (sheet, cell.replace("B", "D")): 0.2})
    sheet, tfr = cell_of(book, "in_tfr", 1, 3)
    edit(book, {(sheet, tfr): 9.0})
    args = ["--scenario", "high", "--set", "cpi_inflation=0.03", "--csv", str(tmp_path / "csv")]
    code, _, _ = run(book, capsys, *args)
    assert code == 0
    wb = load_workbook(book.with_name("in_results.xlsx"), read_only=True)
    cover = {row[0]: row[1] for row in wb["Cover"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Scenario"] == "high"
    assert cover["Overrides"] == "contribution_rate=0.2 (scenario high); cpi_inflation=0.03 (--set)"
    assert cover["Command"].startswith("socsec run") and "--scenario high" in cover["Command"]
    assert "outside the usual range" in cover["Input warnings"]
    log = list(wb["Log"].iter_rows(values_only=True))
    row = dict(zip(log[0], log[-1]))
    assert row["Scenario"] == "high" and row["Overrides"] == cover["Overrides"]
    assert row["Command"] == cover["Command"] and "outside the usual range" in row["Input warnings"]
    wb.close()
    info = dict(pd.read_csv(tmp_path / "csv" / "run_info.csv").values)
    assert info["scenario"] == "high" and info["overrides"] == cover["Overrides"]


def test_compare_writes_the_scenarios_sheet_without_csv(book, capsys):
    sheet, cell = cell_of(book, "in_scenarios", 1, 1)
    edit(book, {(sheet, cell): "high", (sheet, cell.replace("B", "C")): "contribution_rate",
                (sheet, cell.replace("B", "D")): 0.2})
    code, _, _ = run(book, capsys, "--compare")
    assert code == 0
    wb = load_workbook(book.with_name("in_results.xlsx"))
    ws = wb["Results scenarios"]
    assert len(ws._charts) == 1
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "indicator \\ scenario")
    assert list(header[1:3]) == ["base", "high"]
    gap = next(r for r in rows if r and str(r[0]).startswith("General average premium, 10 years"))
    assert gap[1] != gap[2]
    wb.close()


# --- 7. worksheet functions ----------------------------------------------------------------------------

def test_functions_never_return_non_finite_numbers():
    from socsec.excel.udfs import SOCSEC_PV, SOCSEC_RESERVE
    assert SOCSEC_PV([[1e308], [1e308]], 0.0, "start").startswith("SOCSEC: the result is not a finite number")
    assert SOCSEC_RESERVE([[1e308], [1e308]], [[0], [0]], 0.0, 1e308).startswith("SOCSEC: the result")


@pytest.mark.parametrize("change,needle", [
    (dict(base_population=[[-5.0, 1.0], [1.0, 1.0], [1.0, 1.0]]), "base_population must be >= 0"),
    (dict(srb=[[0.0]]), "srb must be >= 0.8"),
    (dict(asfr=[[-0.1]]), "asfr must be >= 0"),
])
def test_project_population_validates_like_the_reader(change, needle):
    from socsec.excel.udfs import SOCSEC_PROJECT_POPULATION
    args = dict(base_population=[[100.0, 100.0], [90.0, 90.0], [50.0, 50.0]], mx_male=[[0.01], [0.02], [0.5]],
                mx_female=[[0.01], [0.02], [0.5]], asfr=[[0.1]], srb=[[1.05]])
    args.update(change)
    result = SOCSEC_PROJECT_POPULATION(*args.values())
    assert isinstance(result, str) and needle in result


def test_indicator_refuses_an_override_without_a_value_and_says_not_computable():
    from socsec.excel.udfs import indicator_cell, parse_indicator_args
    for args in ((10, "tfr", None), ("tfr", ""), (10, "srb", 1.05, "tfr", None)):
        with pytest.raises(ValueError, match="override 'tfr' has no value"):
            parse_indicator_args(args)
    assert indicator_cell("depletion_year", float("nan")) == "none"
    with pytest.raises(ValueError, match="gap is not computable"):
        indicator_cell("gap", float("nan"))


def test_scaled_premium_blames_the_interest_rate_not_zero_earnings():
    from socsec.excel.udfs import SOCSEC_SCALED_PREMIUM
    text = SOCSEC_SCALED_PREMIUM([[1], [1], [1]], [[1], [1], [1]], [[1], [1], [-0.9]], 3)
    assert "interest rate of its last year (-0.9)" in text and "zero insurable earnings" not in text


def test_no_temporary_files_left_in_the_input_folder_after_runs(book, capsys):
    run(book, capsys)
    assert not [p for p in book.parent.iterdir() if p.name.startswith(".socsec-")]
    assert os.path.exists(book)
