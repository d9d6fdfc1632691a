"""The committed workbooks are exactly what `socsec workbook build` generates (contents, not bytes),
and the committed example runs end to end through `socsec run`."""

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from socsec.cli import main

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"


def contents(path):
    """Sheet names, every cell value by sheet, and every defined name with its destination."""
    wb = load_workbook(path)
    try:
        sheets = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
        names = {name: list(d.destinations) for name, d in wb.defined_names.items()}
        return wb.sheetnames, sheets, names
    finally:
        wb.close()


@pytest.mark.parametrize("which,filename", [("example", "jordan_example.xlsx"), ("template", "template.xlsx")])
def test_committed_workbook_equals_regenerated(tmp_path, which, filename, capsys):
    fresh = tmp_path / filename
    assert main(["workbook", "build", which, "-o", str(fresh)]) == 0
    committed_order, committed_cells, committed_names = contents(WORKBOOKS / filename)
    fresh_order, fresh_cells, fresh_names = contents(fresh)
    assert committed_order == fresh_order
    assert committed_names == fresh_names
    for sheet in fresh_order:
        # floats compared to 1e-14 relative: xlsx stores decimal text, and the serialisation of the
        # last digit depends on the XML writer (lxml or not), not on the model
        assert committed_cells[sheet] == [[pytest.approx(v, rel=1e-14) if isinstance(v, float) else v
                                           for v in row] for row in fresh_cells[sheet]], (
            f"sheet {sheet!r} of workbooks/{filename} differs from the generated one: "
            f"run `socsec workbook build {which}` and commit the result")


def test_example_runs_end_to_end(tmp_path, capsys):
    out = tmp_path / "results.xlsx"
    assert main(["run", str(WORKBOOKS / "jordan_example.xlsx"), "-o", str(out), "--csv", str(tmp_path)]) == 0
    assert "Jordan 2025-2100" in capsys.readouterr().out
    summary = pd.read_csv(tmp_path / "demography_summary.csv")
    assert summary["year"].tolist() == list(range(2025, 2101))
    population = pd.read_csv(tmp_path / "population.csv")
    assert population["year"].max() == 2101 and population["age"].max() == 100
    wb = load_workbook(out, read_only=True)
    assert {"Results demography", "Results population", "Checks", "Log"} <= set(wb.sheetnames)
    wb.close()
