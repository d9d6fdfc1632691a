"""Workbook contract round trip, `socsec run` end to end, and every bad-input case.

Each bad-input test asserts exit code 2, that the message names the right sheet and cell
(or name), that the input file's bytes are unchanged and that no output was left behind.
"""

import hashlib
import zipfile
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from socsec.cli import main
from socsec.workbook.contract import ALL_SETTINGS, DEMOGRAPHY_ROWS, INPUT_TABLES, LABOUR_ROWS, MACRO_ROWS
from socsec.workbook.reader import read_workbook
from workbook_fixtures import cell_of, edit, make_workbook, small_inputs


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path):
    return make_workbook(tmp_path / "in.xlsx")


def run_bad(path, capsys, *extra):
    """Run the CLI on a bad workbook; check exit 2, untouched input, no output; return stderr."""
    before = digest(path)
    existing = set(Path(path).parent.iterdir())
    code = main(["run", str(path), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert digest(path) == before
    assert set(Path(path).parent.iterdir()) == existing, "a failed run must leave no file behind"
    assert "Traceback" not in err
    return err


def assert_same_inputs(back, original):
    """Every field equal: arrays to 1e-15 relative (xlsx stores decimal text), the rest exactly."""
    for block in ("population", "economy"):
        for field in fields(getattr(original, block)):
            want, got = getattr(getattr(original, block), field.name), getattr(getattr(back, block), field.name)
            if isinstance(want, np.ndarray):
                np.testing.assert_allclose(got, want, rtol=1e-15, atol=0, err_msg=f"{block}.{field.name}")
            elif want is None:
                assert got is None, f"{block}.{field.name}"
            else:
                assert got == want, f"{block}.{field.name}"


def test_round_trip_reads_back_what_was_built(book):
    read = read_workbook(book)
    assert read.warnings == ()
    assert_same_inputs(read.inputs, small_inputs())


def test_every_declared_name_exists_in_built_workbook(book):
    wb = load_workbook(book, read_only=True)
    names = set(wb.defined_names.keys())
    wb.close()
    declared = {s.name for s in ALL_SETTINGS} | {t.name for t in INPUT_TABLES}
    assert declared <= names


def test_run_writes_new_results_and_csv_and_keeps_input(book, tmp_path, capsys):
    before = digest(book)
    code = main(["run", str(book), "--csv", str(tmp_path / "csv")])
    out = capsys.readouterr().out
    assert code == 0
    assert digest(book) == before
    results = tmp_path / "in_results.xlsx"
    assert results.exists() and "Testland 2030-2039" in out
    pop = pd.read_csv(tmp_path / "csv" / "population.csv")
    assert list(pop.columns) == ["year", "sex", "age", "population"]
    assert pop["year"].min() == 2030 and pop["year"].max() == 2040
    base = pop[pop.year == 2030].pivot(index="age", columns="sex", values="population")
    np.testing.assert_allclose(base["male"], small_inputs().population.base_population[0])
    summary = pd.read_csv(tmp_path / "csv" / "demography_summary.csv")
    assert len(summary) == 10 and {row[0] for row in DEMOGRAPHY_ROWS} <= set(summary.columns)
    labour = pd.read_csv(tmp_path / "csv" / "labour_summary.csv")
    assert len(labour) == 10 and {row[0] for row in LABOUR_ROWS} <= set(labour.columns)
    macro = pd.read_csv(tmp_path / "csv" / "macro.csv")
    assert len(macro) == 10 and {row[0] for row in MACRO_ROWS} <= set(macro.columns)
    by_age = pd.read_csv(tmp_path / "csv" / "labour_by_age.csv")
    assert list(by_age.columns[:3]) == ["year", "sex", "age"] and len(by_age) == 10 * 2 * 31
    stocks = pd.read_csv(tmp_path / "csv" / "pension_stocks.csv").groupby("year")[["actives", "inactive"]].sum()
    service = pd.read_csv(tmp_path / "csv" / "pension_service.csv").groupby("year")[["actives", "inactive"]].sum()
    assert list(service.index) == list(range(2030, 2041))  # every 1 January, by service
    np.testing.assert_allclose(service.to_numpy(), stocks.to_numpy(), rtol=1e-9)
    wb = load_workbook(results, read_only=True, data_only=True)
    sheet, ref = list(wb.defined_names["out_demography"].destinations)[0]
    rows = list(wb[sheet].iter_rows(min_row=int(ref.split("$")[2].split(":")[0]), max_row=int(ref.split("$")[2].split(":")[0]) + 1,
                                    values_only=True))
    assert rows[0][1] == 2030 and rows[1][0].startswith("Population at 1 January")
    assert rows[1][1] == pytest.approx(summary["population"][0])
    assert wb["Checks"]["B2"].value == "OK"
    log = list(wb["Log"].iter_rows(min_row=2, values_only=True))
    assert len(log) == 1 and log[0][3] == "OK"
    wb.close()
    # a second run replaces the earlier results workbook and the input stays untouched
    assert main(["run", str(book)]) == 0
    assert digest(book) == before


def test_output_must_not_be_the_input(book, capsys):
    err = run_bad(book, capsys, "-o", str(book))
    assert "never overwrites its input" in err


def test_existing_foreign_file_is_not_replaced(book, tmp_path, capsys):
    foreign = tmp_path / "in_results.xlsx"
    make_workbook(foreign)
    before = digest(foreign)
    code = main(["run", str(book)])
    assert code == 2 and digest(foreign) == before
    assert "not a socsec results workbook" in capsys.readouterr().err


def test_missing_sheet(book, capsys):
    wb = load_workbook(book)
    del wb["Mortality"]
    wb.save(book)
    err = run_bad(book, capsys)
    assert "sheet 'Mortality'" in err and "missing" in err


def test_missing_named_range(book, capsys):
    wb = load_workbook(book)
    del wb.defined_names["in_srb"]
    wb.save(book)
    err = run_bad(book, capsys)
    assert "in_srb" in err and "sheet 'Fertility'" in err


def test_text_and_empty_cells_are_all_reported_together(book, capsys):
    sheet, text_cell = cell_of(book, "in_tfr", 1, 3)
    _, empty_cell = cell_of(book, "in_mig_female", 5, 2)
    edit(book, {(sheet, text_cell): "two", ("Migration", empty_cell): None})
    err = run_bad(book, capsys)
    assert f"sheet 'Fertility', cell {text_cell}" in err and "found text 'two'" in err
    assert f"sheet 'Migration', cell {empty_cell}" in err and "found an empty cell" in err
    assert "2 input problems" in err


def test_negative_population(book, capsys):
    sheet, cell = cell_of(book, "in_base_pop", 4, 2)
    edit(book, {(sheet, cell): -5})
    err = run_bad(book, capsys)
    assert f"sheet 'Base population', cell {cell}" in err and ">= 0" in err and "-5" in err


@pytest.mark.parametrize("name,row,value,needle", [
    ("in_mort_male", 2, 2.5, "< 2"),
    ("in_mort_female", 3, 0, "> 0"),
    ("in_srb", 1, 3, "<= 1.3"),
    ("in_tfr", 1, 16, "<= 15"),
    ("in_fert_pattern", 2, -1, ">= 0"),
])
def test_rate_out_of_range(book, capsys, name, row, value, needle):
    sheet, cell = cell_of(book, name, row, 1)
    edit(book, {(sheet, cell): value})
    err = run_bad(book, capsys)
    assert f"sheet '{sheet}', cell {cell}" in err and needle in err


def test_probability_above_one_with_qx_input(book, capsys):
    _, kind_cell = cell_of(book, "in_mortality_kind")
    sheet, cell = cell_of(book, "in_mort_male", 3, 1)
    edit(book, {("Settings", kind_cell): "qx", (sheet, cell): 1.5})
    err = run_bad(book, capsys)
    assert f"sheet 'Mortality', cell {cell}" in err and "at most 1" in err


def test_ages_not_consecutive(book, capsys):
    sheet, cell = cell_of(book, "in_mig_male", 7, 0)  # the label of age 6
    edit(book, {(sheet, cell): 7})
    err = run_bad(book, capsys)
    assert f"sheet 'Migration', cell {cell}" in err and "consecutive" in err and "expected 6" in err


def _shorten_name(book, name: str, clear_last_row: bool):
    """Make a table's name one row shorter; with ``clear_last_row`` also empty that row on the sheet."""
    wb = load_workbook(book)
    sheet, ref = list(wb.defined_names[name].destinations)[0]
    del wb.defined_names[name]
    from openpyxl.workbook.defined_name import DefinedName
    last = int(ref.rsplit("$", 1)[1])
    shorter = ref.rsplit("$", 1)[0] + f"${last - 1}"
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{shorter}")
    if clear_last_row:
        for cell in wb[sheet][last]:
            cell.value = None
    wb.save(book)


def test_open_age_groups_must_agree(book, capsys):
    _shorten_name(book, "in_base_pop", clear_last_row=True)
    err = run_bad(book, capsys)
    assert "same open age group" in err and "in_base_pop (sheet 'Base population') to 29+" in err


def test_ages_typed_below_a_short_name_are_read(book):
    """The table's extent comes from its labels: an age row below the name is read, not ignored."""
    _shorten_name(book, "in_base_pop", clear_last_row=False)
    read = read_workbook(book)
    assert read.extents["in_base_pop"].n_rows == 1 + 31
    np.testing.assert_allclose(read.inputs.population.base_population, small_inputs().population.base_population)


def test_year_header_not_consecutive(book, capsys):
    sheet, cell = cell_of(book, "in_srb", 0, 4)
    edit(book, {(sheet, cell): 2040})
    err = run_bad(book, capsys)
    assert f"sheet 'Fertility', cell {cell}" in err and "consecutive years" in err


def test_table_must_start_at_base_year(book, capsys):
    _, base_cell = cell_of(book, "in_base_year")
    edit(book, {("Settings", base_cell): 2031})
    err = run_bad(book, capsys)
    assert "first year column must be the base year 2031" in err and "sheet 'Migration'" in err


def test_final_year_beyond_tables(book, capsys):
    _, final_cell = cell_of(book, "in_final_year")
    edit(book, {("Settings", final_cell): 2045})
    err = run_bad(book, capsys)
    assert "runs to 2045" in err and "sheet 'Fertility'" in err


def test_final_year_before_base_year(book, capsys):
    _, final_cell = cell_of(book, "in_final_year")
    edit(book, {("Settings", final_cell): 2020})
    err = run_bad(book, capsys)
    assert "Final projection year" in err and "before the base year" in err


def test_bad_choice_setting(book, capsys):
    _, cell = cell_of(book, "in_migration_timing")
    edit(book, {("Settings", cell): "middle"})
    err = run_bad(book, capsys)
    assert f"sheet 'Settings', cell {cell}" in err and "even, end" in err and "'middle'" in err


def test_not_a_workbook(tmp_path, capsys):
    path = tmp_path / "notes.xlsx"
    path.write_text("this is not a spreadsheet")
    err = run_bad(path, capsys)
    assert "notes.xlsx" in err and "not an Excel workbook" in err


def test_damaged_workbook(book, capsys):
    data = Path(book).read_bytes()
    Path(book).write_bytes(data[: len(data) // 2])
    err = run_bad(book, capsys)
    assert "in.xlsx" in err and "damaged" in err


def test_missing_file(tmp_path, capsys):
    code = main(["run", str(tmp_path / "nothere.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and "nothere.xlsx" in err and "file not found" in err
    assert list(tmp_path.iterdir()) == []


def test_damaged_zip_inside(book, capsys):
    with zipfile.ZipFile(book) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/workbook.xml"] = b"<broken"
    with zipfile.ZipFile(book, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    err = run_bad(book, capsys)
    assert "in.xlsx" in err and ("damaged" in err or "not an Excel workbook" in err)


# --- Labour force and Economy sheets -------------------------------------------------------

@pytest.mark.parametrize("name,row,col,value,needle", [
    ("in_lfpr_male", 30, 1, 1.2, "<= 1"),
    ("in_lfpr_female", 20, 2, -0.1, ">= 0"),
    ("in_unemployment", 2, 4, 1.0, "< 1"),
    ("in_employee_share", 1, 1, 1.5, "<= 1"),
    ("in_formal_share", 2, 9, "60%", "found text '60%'"),
    ("in_unemp_age_factors", 1, 2, -1, ">= 0"),
    ("in_macro", 6, 3, -1.0, "> -1"),
])
def test_bad_labour_and_economy_values(book, capsys, name, row, col, value, needle):
    sheet, cell = cell_of(book, name, row, col)
    edit(book, {(sheet, cell): value})
    err = run_bad(book, capsys)
    assert f"sheet '{sheet}', cell {cell}" in err and needle in err


def test_lfpr_anchor_outside_projection_period(book, capsys):
    sheet, cell = cell_of(book, "in_lfpr_male", 0, 2)
    _, female = cell_of(book, "in_lfpr_female", 0, 2)
    edit(book, {(sheet, cell): 2045, (sheet, female): 2045})
    err = run_bad(book, capsys)
    assert f"sheet 'Labour force', cell {cell}" in err and "inside the projection period 2030-2039" in err


def test_lfpr_anchor_years_must_agree(book, capsys):
    sheet, cell = cell_of(book, "in_lfpr_female", 0, 2)
    edit(book, {(sheet, cell): 2036})
    err = run_bad(book, capsys)
    assert "in_lfpr_female must equal those of in_lfpr_male" in err


def test_unemployment_groups_must_increase(book, capsys):
    sheet, cell = cell_of(book, "in_unemp_age_factors", 2, 0)
    edit(book, {(sheet, cell): 10})
    err = run_bad(book, capsys)
    assert f"sheet 'Labour force', cell {cell}" in err and "strictly increasing first ages" in err


@pytest.mark.parametrize("name,value,needle", [
    ("in_base_gdp", "a lot", "found text 'a lot'"),
    ("in_base_wage", -3, "above 0"),
    ("in_wage_growth_input", "guess", "wage_share, direct"),
    ("in_return_input", None, "nominal, real"),
])
def test_bad_economy_settings(book, capsys, name, value, needle):
    sheet, cell = cell_of(book, name)
    edit(book, {(sheet, cell): value})
    err = run_bad(book, capsys)
    assert f"sheet 'Economy', cell {cell}" in err and needle in err


def test_high_inflation_is_a_warning_not_an_error(book, tmp_path, capsys):
    sheet, cell = cell_of(book, "in_macro", 2, 5)  # CPI inflation of 2034
    edit(book, {(sheet, cell): 0.8})
    code = main(["run", str(book)])
    err = capsys.readouterr().err
    assert code == 0
    assert (f"WARNING: in.xlsx, sheet 'Economy', cell {cell}: CPI inflation: 0.8, outside the usual range "
            "(-0.1 to 0.3); accepted, but check it") in err


def test_formula_input_cells_are_read_as_their_saved_values(book, tmp_path, capsys):
    """A formula in an input cell counts with the value Excel saved; the formula is kept in the
    results workbook; a formula never calculated is reported, not taken as zero."""
    sheet, cell = cell_of(book, "in_tfr", 1, 2)
    edit(book, {(sheet, cell): "=2.1+0.1"})
    err = run_bad(book, capsys)  # openpyxl saves no calculated value: nothing to read
    assert f"sheet 'Fertility', cell {cell}" in err and "formula with no saved value" in err
    # simulate Excel having calculated and saved the value: write the cached value into the XML
    with zipfile.ZipFile(book) as z:
        members = {n: z.read(n) for n in z.namelist()}
    wb = load_workbook(book)
    index = wb.sheetnames.index(sheet) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    xml = members[part].decode()
    old = f'<c r="{cell}"'
    start = xml.index(old)
    end = xml.index("</c>", start) + len("</c>")
    members[part] = (xml[:start] + f'<c r="{cell}"><f>2.1+0.1</f><v>2.2</v></c>' + xml[end:]).encode()
    with zipfile.ZipFile(book, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    assert read_workbook(book).inputs.population.tfr[1] == pytest.approx(2.2)
    out = tmp_path / "out.xlsx"
    assert main(["run", str(book), "-o", str(out)]) == 0
    assert load_workbook(out)[sheet][cell].value == "=2.1+0.1"


# --- Scenarios sheet, --scenario, --set and solve ------------------------------------------

def scenario_rows(path, rows):
    """Write (scenario, parameter, value) rows at the top of the Scenarios table."""
    wb = load_workbook(path)
    sheet, ref = list(wb.defined_names["in_scenarios"].destinations)[0]
    from openpyxl.utils import range_boundaries
    min_col, min_row, _, _ = range_boundaries(ref.replace("$", ""))
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            wb[sheet].cell(min_row + i, min_col + j, value)
    wb.save(path)
    return sheet, min_row, min_col


def test_scenarios_are_run_and_compared(book, tmp_path, capsys):
    scenario_rows(book, [("richer", "contribution_rate", 0.2), ("later", "normal_retirement_age", 27),
                         ("later", "accrual_rate", 0.015)])
    assert main(["run", str(book), "--csv", str(tmp_path / "csv"), "--scenario", "later", "--compare"]) == 0
    compared = pd.read_csv(tmp_path / "csv" / "scenarios.csv")
    assert list(compared.columns[3:]) == ["base", "richer", "later"]
    indicators = pd.read_csv(tmp_path / "csv" / "indicators.csv")
    assert set(indicators["scenario"]) == {"base", "richer", "later"}
    # the main result is the scenario asked for
    financing = pd.read_csv(tmp_path / "csv" / "financing.csv")
    later = indicators[(indicators.scenario == "later") & (indicators.indicator == "paygo_cost_rate_first_year")]
    assert financing["paygo_cost_rate"][0] == pytest.approx(float(later["value"].iloc[0]))


def test_unknown_scenario_parameter_on_the_sheet(book, capsys):
    sheet, top, left = scenario_rows(book, [("richer", "contribution_rat", 0.2), ("older", "tfr", "two")])
    err = run_bad(book, capsys)
    assert f"sheet 'Scenarios', cell {get_column_letter(left + 2)}{top + 1}" in err
    assert "closest valid names: contribution_rate" in err
    assert f"cell {get_column_letter(left + 3)}{top + 2}" in err and "expected a number for tfr" in err


def test_unknown_scenario_and_bad_set_are_reported_together(book, capsys):
    scenario_rows(book, [("richer", "contribution_rate", 0.2)])
    err = run_bad(book, capsys, "--scenario", "richr", "--set", "contributon_rate=0.3", "--set", "tfr")
    assert "no scenario named 'richr'; closest: richer" in err
    assert "closest valid names: contribution_rate" in err
    assert "--set tfr: expected NAME=VALUE" in err


def test_solve_prints_the_rate_that_meets_the_target(book, capsys):
    assert main(["solve", str(book), "--level", "2", "--horizon", "10", "--low", "0", "--high", "1",
                 "--tolerance", "1e-6"]) == 0
    out = capsys.readouterr().out
    value = float(out.split("contribution_rate = ")[1].split(":")[0])
    from socsec.model.overrides import apply_overrides
    from socsec.model.valuation import run_valuation
    v = run_valuation(apply_overrides(read_workbook(book).inputs, {"contribution_rate": value}))
    assert v.finance.yearly["reserve_ratio"][:10].min() >= 2.0 - 1e-5


def test_solve_with_an_unreachable_target_says_so(book, capsys):
    code = main(["solve", str(book), "--level", "1e6", "--low", "0", "--high", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot be met" in err and "Traceback" not in err


def test_scenario_value_out_of_bounds_names_the_cell(book, capsys):
    sheet, top, left = scenario_rows(book, [("dear", "contribution_rate", 2)])
    err = run_bad(book, capsys)
    assert f"sheet 'Scenarios', cell {get_column_letter(left + 3)}{top + 1}" in err
    assert "contribution_rate must be >= 0 and <= 1" in err and "found 2" in err


def test_exit_age_below_normal_age(book, capsys):
    sheet, cell = cell_of(book, "in_retirement", 5, 3)  # exit age of males, third year
    edit(book, {(sheet, cell): 24})
    err = run_bad(book, capsys)
    assert f"sheet 'Scheme assumptions', cell {cell}" in err and "must not be below the normal retirement age" in err


def test_fractional_retirement_age_on_the_scenarios_sheet(book, capsys):
    sheet, top, left = scenario_rows(book, [("later", "normal_retirement_age", 26.5)])
    err = run_bad(book, capsys)
    assert f"sheet 'Scenarios', cell {get_column_letter(left + 3)}{top + 1}" in err and "whole number" in err


def test_solve_gap_equilibrium_defaults_to_no_surplus(book, capsys):
    assert main(["solve", str(book), "--target", "gap_equilibrium", "--low", "0", "--high", "1"]) == 0
    assert "(target >= 0)" in capsys.readouterr().out


def test_without_compare_only_the_main_result_is_valued(book, tmp_path, capsys):
    scenario_rows(book, [("richer", "contribution_rate", 0.2), ("later", "normal_retirement_age", 27)])
    assert main(["run", str(book), "--csv", str(tmp_path / "a"), "--scenario", "later"]) == 0
    assert list(pd.read_csv(tmp_path / "a" / "scenarios.csv").columns[3:]) == ["base", "later"]
    assert main(["run", str(book), "--csv", str(tmp_path / "b")]) == 0
    assert "--compare values them all" in capsys.readouterr().err
    assert list(pd.read_csv(tmp_path / "b" / "scenarios.csv").columns[3:]) == ["base"]
