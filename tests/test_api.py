"""The public Python API (issue 18): socsec.load / Model.run / Valuation against the command line, bad
workbooks and inputs built in Python."""

from dataclasses import replace

import pandas as pd
import pytest

import socsec
from socsec.cli import main
from workbook_fixtures import cell_of, edit, make_workbook, small_inputs


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return make_workbook(tmp_path_factory.mktemp("api") / "small.xlsx")


@pytest.fixture(scope="module")
def cli_csv(book, tmp_path_factory):
    """The command line's CSV set for the small workbook with --set contribution_rate=0.25."""
    folder = tmp_path_factory.mktemp("cli")
    out = folder / "out.xlsx"
    assert main(["run", str(book), "-o", str(out), "--set", "contribution_rate=0.25", "--csv", str(folder / "csv")]) == 0
    return folder / "csv"


def read_csv(path) -> pd.DataFrame:
    return pd.read_csv(path)  # pandas 3 parses floats to the nearest double (round trip)


def test_the_five_line_script_gives_the_numbers_of_the_command_line(book, cli_csv):
    model = socsec.load(book)
    base = model.run()
    reform = model.run(contribution_rate=0.25)
    gap = reform.indicator("gap", 10)
    financing = reform.table("financing")

    cli = read_csv(cli_csv / "indicators.csv")
    want = cli.loc[(cli["indicator"] == "gap") & (cli["horizon"] == 10), "value"]
    assert len(want) == 1 and gap == want.iloc[0]
    expected = read_csv(cli_csv / "financing.csv").set_index("year")
    pd.testing.assert_frame_equal(financing, expected, check_exact=True, check_dtype=False)
    # the override changes the contribution income and nothing of the base valuation
    assert reform.table("financing")["contributions"].iloc[0] != base.table("financing")["contributions"].iloc[0]
    assert model.run().indicator("gap", 10) == base.indicator("gap", 10)


def test_tables_are_indexed_by_year_sex_and_age_where_they_have_them(book):
    valuation = socsec.load(book).run()
    population = valuation.table("population")
    assert population.index.names == ["year", "sex", "age"]
    assert population.loc[(2030, "male", 0), "population"] == pytest.approx(5000.0)  # typed base population
    assert valuation.table("pension_summary").index.names == ["year"]
    assert list(valuation.indicators.columns[:2]) == ["indicator", "horizon"]
    with pytest.raises(KeyError, match="closest: financing"):
        valuation.table("financng")
    with pytest.raises(KeyError, match="closest: gap"):
        valuation.indicator("gapp", 10)


def test_to_csv_and_to_excel_write_what_the_command_line_writes(book, cli_csv, tmp_path):
    reform = socsec.load(book).run(contribution_rate=0.25)
    reform.to_csv(tmp_path / "csv")
    for name in ("financing.csv", "pension_summary.csv", "population.csv"):
        pd.testing.assert_frame_equal(read_csv(tmp_path / "csv" / name), read_csv(cli_csv / name), check_exact=True)
    info = dict(read_csv(tmp_path / "csv" / "run_info.csv").values)
    assert info["overrides"] == "contribution_rate=0.25 (override)"
    path = reform.to_excel(tmp_path / "results.xlsx")
    assert socsec.load(path).inputs.pension.rules.contribution_rate[0] == 0.12  # the inputs, as typed
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    with pytest.raises(socsec.InputError, match="never replaced"):
        reform.to_excel(tmp_path / "notes.xlsx")


def test_a_bad_workbook_raises_input_error_naming_sheet_and_cell(book, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(book.read_bytes())
    sheet, address = cell_of(path, "in_base_pop", 1, 1)
    edit(path, {(sheet, address): -5.0})
    with pytest.raises(socsec.InputError) as caught:
        socsec.load(path)
    text = str(caught.value)
    assert f"sheet '{sheet}'" in text and address in text and "bad.xlsx" in text


def test_unknown_override_and_scenario_are_reported_together(book):
    model = socsec.load(book)
    with pytest.raises(socsec.InputError) as caught:
        model.run(scenario="nope", contribution_rat=0.2)
    text = str(caught.value)
    assert "contribution_rat" in text and "closest valid names: contribution_rate" in text and "'nope'" in text


def test_inputs_built_in_python_are_validated_as_a_workbook(book):
    inputs = small_inputs()
    assert socsec.Model.from_inputs(inputs).run().master_ok
    rules = inputs.pension.rules
    wrong = replace(inputs, pension=replace(inputs.pension, rules=replace(
        rules, early_age=rules.normal_age + 2, accrual_rate=-rules.accrual_rate)))
    with pytest.raises(socsec.InputError) as caught:
        socsec.Model.from_inputs(wrong)
    text = str(caught.value)
    assert "early" in text.lower() and "accrual" in text.lower() and "sheet '" in text
    short = replace(inputs, pension=replace(inputs.pension, rules=replace(
        rules, contribution_rate=rules.contribution_rate[:-3])))
    with pytest.raises(socsec.InputError, match="contribution"):
        socsec.Model.from_inputs(short)


def test_import_socsec_stays_light():
    """``import socsec`` loads neither numba nor the model (the command line reads its version)."""
    import subprocess
    import sys
    code = "import sys, socsec; print('numba' in sys.modules, 'socsec.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
    assert all(getattr(socsec, name) is not None for name in socsec.__all__)


def test_a_valuation_of_inputs_built_in_python_writes_a_workbook_that_runs_the_same(tmp_path):
    valuation = socsec.Model.from_inputs(small_inputs()).run()
    path = valuation.to_excel(tmp_path / "python_results.xlsx")
    again = socsec.load(path).run()  # inputs written and read back: equal to the last bit or two (1e-12)
    assert again.indicator("gap", 10) == pytest.approx(valuation.indicator("gap", 10), rel=1e-12)
    pd.testing.assert_frame_equal(again.table("financing"), valuation.table("financing"), rtol=1e-12)
