"""`socsec sensitivity`: the Sensitivity sheet, sensitivity.csv, the tornado charts, and expectations that
follow from the model's equations or from a plain `socsec run --set`, not from the sensitivity code."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from socsec.cli import main
from socsec.model.overrides import apply_overrides
from socsec.model.sensitivity import DEFAULT_SENSITIVITY, SensitivityRow, run_sensitivity
from socsec.model.valuation import run_valuation
from socsec.workbook.contract import SENSITIVITY_RANGE, SENSITIVITY_RESULT_SHEET
from workbook_fixtures import cell_of, edit, make_workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx"
# The assumptions the issue lists, by the name of their row on the example's Sensitivity sheet.
LISTED = ("tfr_shift", "mortality_scale", "net_migration_scale", "productivity_growth_shift", "cpi_inflation_shift",
          "investment_return_shift", "unemployment_shift", "coverage_scale", "density_scale",
          "normal_retirement_age_shift")


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sensitivity")
    out, csv = folder / "sens.xlsx", folder / "csv"
    assert main(["sensitivity", str(EXAMPLE), "-o", str(out), "--csv", str(csv)]) == 0
    return out, pd.read_csv(csv / "sensitivity.csv")


@pytest.fixture(scope="module")
def example_inputs():
    from socsec.workbook.reader import read_workbook
    return read_workbook(EXAMPLE).inputs


def test_the_example_lists_every_assumption_of_the_issue():
    assert {row[0] for row in DEFAULT_SENSITIVITY} == set(LISTED)


def test_csv_has_each_parameter_and_key_indicator(example_run):
    _, table = example_run
    assert list(table.columns) == ["parameter", "low", "high", "indicator", "horizon", "base_value", "value_low",
                                   "value_high"]
    assert set(table["parameter"]) == set(LISTED)
    keys = set(zip(table["indicator"], table["horizon"]))
    assert keys == {("gap", 50), ("gap", 75), ("gap_equivalent_contribution_rate", 50),
                    ("gap_equivalent_contribution_rate", 75), ("paygo_cost_rate_last_year", 76),
                    ("minimum_reserve_ratio", 76), ("depletion_year", 76)}


@pytest.mark.parametrize("parameter", LISTED)
def test_every_listed_parameter_moves_an_indicator(example_run, parameter):
    _, table = example_run
    rows = table[table["parameter"] == parameter]
    moved = ~(np.isclose(rows["value_low"], rows["base_value"], rtol=1e-9, equal_nan=True)
              & np.isclose(rows["value_high"], rows["base_value"], rtol=1e-9, equal_nan=True))
    assert moved.any(), f"{parameter} moves no key indicator"


def test_base_value_is_that_of_a_plain_valuation(example_run, example_inputs):
    _, table = example_run
    finance = run_valuation(example_inputs).finance
    for (name, h), base in table.groupby(["indicator", "horizon"])["base_value"].first().items():
        assert base == pytest.approx(finance.indicator(name, h), rel=1e-12, nan_ok=True)


def test_one_value_equals_a_plain_run_with_set(example_run):
    """The value at tfr_shift = 0.5 is that of the same override run as `socsec run --set tfr_shift=0.5` runs
    it (socsec.load(...).run_overrides, the command's path without writing the workbook)."""
    import socsec

    _, table = example_run
    want = socsec.load(EXAMPLE).run_overrides((("tfr_shift", 0.5),), label="--set").indicator("gap", 75)
    got = table[(table["parameter"] == "tfr_shift") & (table["indicator"] == "gap") & (table["horizon"] == 75)]
    assert float(got["value_high"].iloc[0]) == pytest.approx(want, rel=1e-12)


def test_a_parameter_that_cannot_change_an_indicator_leaves_it_at_the_base(example_inputs):
    """Neither the initial reserve nor the investment return enters expenditure or insurable earnings, so
    the PAYG cost rate stays at the base.  The reserve recursion F(t+1) = F(t)(1 + i) + (C + G - X) sqrt(1 + i)
    increases with F(0) while X does not change, so the lowest reserve ratio rises strictly with the initial
    reserve, and the GAP = (PV(X - G) - F(0)) / PV(S) falls strictly."""
    reserve = example_inputs.finance.initial_reserve
    rows = [SensitivityRow("initial_reserve", 0.5 * reserve, 1.5 * reserve),
            SensitivityRow("investment_return_shift", -0.01, 0.01)]
    table, failed = run_sensitivity(example_inputs, rows)
    assert not failed
    same = table[table["indicator"] == "paygo_cost_rate_last_year"]
    assert len(same) == 2
    assert (same["value_low"] == same["base_value"]).all() and (same["value_high"] == same["base_value"]).all()
    by = table[table["parameter"] == "initial_reserve"].set_index(["indicator", "horizon"])
    lowest = by.loc[("minimum_reserve_ratio", 76)]
    assert lowest["value_low"] < lowest["base_value"] < lowest["value_high"]
    for h in (50, 75):
        gap = by.loc[("gap", h)]
        assert gap["value_low"] > gap["base_value"] > gap["value_high"]


def test_directions_that_follow_from_the_model(example_run, example_inputs):
    """More children born in the first decades and a later retirement age both lower the PAYG cost rate
    76 years on (more contributors, fewer pensioners); a higher density of contributions raises the
    contributions of every year (contributions = rate x density x insured earnings)."""
    _, table = example_run
    final = table[table["indicator"] == "paygo_cost_rate_last_year"].set_index("parameter")
    for parameter in ("tfr_shift", "normal_retirement_age_shift"):
        assert final.loc[parameter, "value_high"] < final.loc[parameter, "base_value"] < final.loc[parameter,
                                                                                                   "value_low"]
    base = run_valuation(example_inputs).finance.columns["contributions"]
    denser = run_valuation(apply_overrides(example_inputs, {"density_scale": 1.1})).finance.columns["contributions"]
    assert np.all(denser > base)


def test_results_sheet_has_the_table_and_tornado_charts(example_run):
    out, table = example_run
    wb = load_workbook(out)
    ws = wb[SENSITIVITY_RESULT_SHEET]
    charts = ws._charts
    finite = table[["base_value", "value_low", "value_high"]].notna().all(axis=1)
    indicators = table[finite].drop_duplicates(["indicator", "horizon"])
    assert len(charts) == len(indicators) >= 6
    for chart in charts:
        assert chart.tagname == "barChart" and chart.type == "bar" and chart.overlap == 100
        assert len(chart.series) == 2
    name = wb.defined_names["out_sensitivity"]
    sheet, ref = list(name.destinations)[0]
    assert sheet == SENSITIVITY_RESULT_SHEET and ws[ref.replace("$", "").split(":")[0]].value == "parameter"
    assert "Cover" in wb.sheetnames and wb.sheetnames[-1] == "Log"


def test_tornado_values_are_the_changes_from_the_base(example_run):
    """The first tornado block lists each parameter's change at its low and high value, the widest swing
    last (drawn on top)."""
    out, table = example_run
    ws = load_workbook(out)[SENSITIVITY_RESULT_SHEET]
    start = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("Tornado"))
    rows = []
    r = start + 2
    while ws.cell(r, 1).value:
        rows.append((ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value))
        r += 1
    gap50 = table[(table["indicator"] == "gap") & (table["horizon"] == 50)].set_index("parameter")
    for parameter, low, high in rows:
        assert low == pytest.approx(gap50.loc[parameter, "value_low"] - gap50.loc[parameter, "base_value"], abs=1e-15)
        assert high == pytest.approx(gap50.loc[parameter, "value_high"] - gap50.loc[parameter, "base_value"],
                                     abs=1e-15)
    swings = [abs(h - lo) for _, lo, h in rows]
    assert swings == sorted(swings) and len(rows) == len(LISTED)


def run_bad(args, capsys) -> str:
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    return err


def test_bad_rows_are_all_named_by_cell(tmp_path, capsys):
    path = make_workbook(tmp_path / "in.xlsx")
    sheet, _ = cell_of(path, SENSITIVITY_RANGE)

    def at(row, col):
        return cell_of(path, SENSITIVITY_RANGE, row, col)

    edit(path, {at(1, 1): "tfr_shfit", at(2, 2): "low", at(8, 2): -0.5, at(4, 1): "net_migration_scale",
                at(11, 1): "normal_retirement_age_shift", at(11, 2): 0.5, at(11, 3): 1})
    err = run_bad(["sensitivity", str(path), "-o", str(tmp_path / "out.xlsx")], capsys)
    assert f"sheet '{sheet}', cell {at(1, 1)[1]}" in err and "closest valid names: tfr_shift" in err
    assert f"cell {at(2, 2)[1]}" in err and "expected a number for mortality_scale, found text 'low'" in err
    assert f"cell {at(8, 2)[1]}" in err and "coverage_scale must be" in err
    assert f"cell {at(4, 1)[1]}" in err and "already on row" in err
    assert f"cell {at(11, 2)[1]}" in err and "whole number" in err
    assert not (tmp_path / "out.xlsx").exists()


def test_a_value_whose_inputs_break_a_rule_is_named(tmp_path, capsys):
    """unemployment_shift -0.1 takes every unemployment rate below 0: refused before anything is valued."""
    path = make_workbook(tmp_path / "in.xlsx")
    row = next(k for k, r in enumerate(DEFAULT_SENSITIVITY, start=1) if r[0] == "unemployment_shift")
    sheet, address = cell_of(path, SENSITIVITY_RANGE, row, 2)
    edit(path, {(sheet, address): -0.1})
    err = run_bad(["sensitivity", str(path)], capsys)
    assert f"sheet '{sheet}', cell {address} (unemployment_shift = -0.1)" in err and "below 0" in err


def test_a_workbook_without_the_sheet_is_told_where_to_find_it(tmp_path, capsys):
    path = make_workbook(tmp_path / "in.xlsx")
    wb = load_workbook(path)
    del wb["Sensitivity"]
    del wb.defined_names[SENSITIVITY_RANGE]
    wb.save(path)
    err = run_bad(["sensitivity", str(path)], capsys)
    assert "sheet 'Sensitivity'" in err and "workbooks/template.xlsx" in err


def test_the_template_holds_the_documented_defaults():
    from socsec.workbook.book import FileBook
    from socsec.workbook.reader import _Collector, free_rows

    template = Path(__file__).resolve().parents[1] / "workbooks" / "template.xlsx"
    out = _Collector()
    ref, rows = free_rows(FileBook(template), SENSITIVITY_RANGE, ("parameter", "low", "high", "source"), 200, "", out)
    assert not out.problems
    assert [tuple(r) for _, r in rows] == [tuple(d) for d in DEFAULT_SENSITIVITY]


def test_an_empty_table_is_an_input_error(tmp_path, capsys):
    path = make_workbook(tmp_path / "in.xlsx")
    edit(path, {cell_of(path, SENSITIVITY_RANGE, row, col): None
                for row in range(1, len(DEFAULT_SENSITIVITY) + 1) for col in range(1, 5)})
    err = run_bad(["sensitivity", str(path)], capsys)
    assert "expected at least one parameter" in err and cell_of(path, SENSITIVITY_RANGE, 1, 1)[1] in err
