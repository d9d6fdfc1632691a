"""Native Excel charts of a results workbook: they reference the named result ranges (no copied
values), the pyramid years follow the projection, a chart for a named result row is one
declaration, and the charts are in the saved file."""

import re
import zipfile

import numpy as np
import pytest
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries

from socsec.cli import main
from socsec.model.valuation import run_valuation
from socsec.workbook import charts, contract
from socsec.workbook.contract import LABOUR_ROWS
from socsec.workbook.reader import open_and_read
from socsec.workbook.results import create_result_sheets
from workbook_fixtures import make_workbook


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = make_workbook(tmp_path_factory.mktemp("charts") / "in.xlsx")
    read, book = open_and_read(path)
    valuation = run_valuation(read.inputs)
    create_result_sheets(book.workbook, valuation)
    return book.workbook, valuation, path


def block(wb, name):
    """(sheet, top, left, bottom, right) of a named range."""
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    left, top, right, bottom = range_boundaries(ref.replace("$", ""))
    return sheet, top, left, bottom, right


def ref(sheet, col, top, bottom=None):
    letter = get_column_letter(col)
    return f"{quote_sheetname(sheet)}!${letter}${top}" + (f":${letter}${bottom}" if bottom else "")


def row_ref(sheet, row, left, right):
    return f"{quote_sheetname(sheet)}!${get_column_letter(left)}${row}:${get_column_letter(right)}${row}"


def titles(ws):
    return [c.title.tx.rich.p[0].r[0].t for c in ws._charts]


def test_pyramid_years():
    years = list(range(2025, 2102))
    assert charts.pyramid_years(years) == [2025, 2050, 2075, 2101]
    assert charts.pyramid_years(list(range(2030, 2041))) == [2030, 2040]
    assert charts.pyramid_years([2030]) == [2030]
    assert charts.pyramid_years([]) == []


def test_charts_sheet_before_the_results_with_master_check(built):
    wb, _, _ = built
    names = wb.sheetnames
    first_result = min(names.index(sheet) for sheet in contract.RESULT_SHEETS if sheet in names)
    assert names.index("Charts") == first_result - 1
    ws = wb["Charts"]
    assert ws["B2"].value == "=chk_master"
    assert ws.protection.sheet
    assert titles(ws) == ["Population pyramid 2030", "Population pyramid 2040", "Population by broad age group",
                          *(spec.title for spec in charts.TIME_CHARTS)]


def test_pyramid_series_are_the_result_columns_of_the_year(built):
    wb, valuation, _ = built
    ws = wb["Charts"]
    pyramid = ws._charts[1]  # 2040: 1 January after the final year 2039
    female_group, male_group = pyramid._charts
    for group, name in ((female_group, "out_pop_female"), (male_group, "out_pop_male")):
        sheet, top, left, bottom, right = block(wb, name)
        column = left + 1 + [wb[sheet].cell(top, c).value for c in range(left + 1, right + 1)].index(2040)
        (series,) = group.series
        assert series.val.numRef.f == ref(sheet, column, top + 1, bottom)
    # the age labels of the categories are those of the female table (same ages for both sexes)
    sheet, top, left, bottom, _ = block(wb, "out_pop_female")
    assert female_group.series[0].cat.strRef.f == ref(sheet, left, top + 1, bottom)
    # both value axes symmetric around 0 and above the largest single-age group: bars start at the centre
    pop = valuation.population.population
    for axis in (female_group.y_axis, male_group.y_axis):
        assert axis.scaling.min == -axis.scaling.max
        assert axis.scaling.max >= pop[[0, -1]].max()
    assert male_group.y_axis.scaling.orientation == "maxMin"
    assert female_group.y_axis.scaling.orientation == "minMax"


def test_time_chart_series_are_the_named_result_rows(built):
    wb, _, _ = built
    ws = wb["Charts"]
    chart = ws._charts[3]
    spec = charts.TIME_CHARTS[0]
    sheet, top, left, bottom, right = block(wb, "out_labour")
    labels = [wb[sheet].cell(r, left).value for r in range(top + 1, bottom + 1)]
    for series, (_, key) in zip(chart.series, spec.series):
        label = next(lab for k, lab, _ in LABOUR_ROWS if k == key)
        row = top + 1 + labels.index(label)
        assert series.val.numRef.f == row_ref(sheet, row, left + 1, right)
        assert series.tx.strRef.f == ref(sheet, left, row)
    assert chart.series[0].cat.numRef.f == row_ref(sheet, top, left + 1, right)


def test_broad_age_group_formulas_add_up_the_single_ages(built):
    wb, valuation, _ = built
    ws = wb["Charts"]
    pattern = re.compile(r"^=SUM\('([^']+)'!([A-Z]+)(\d+):([A-Z]+)(\d+)\)$")
    # the small inputs stop at 30+: 15-64 becomes 15+ and 65+ is left out
    rows = [r for r in ws.iter_rows() if r[0].value in ("0-14", "15-64", "15+", "65+")]
    assert [r[0].value for r in rows] == ["0-14", "15+"]
    pop = valuation.population.population.sum(axis=1)  # (year, age)
    expected = [pop[:, 0:15].sum(axis=1), pop[:, 15:].sum(axis=1)]
    for cells, want in zip(rows, expected):
        got = []
        for cell in cells[1:1 + pop.shape[0]]:
            sheet, c1, r1, c2, r2 = pattern.match(cell.value).groups()
            assert sheet == "Results population" and c1 == c2
            got.append(sum(wb[sheet][f"{c1}{r}"].value for r in range(int(r1), int(r2) + 1)))
        np.testing.assert_allclose(got, want, rtol=1e-12)
    # the stacked area chart reads those three rows
    area = ws._charts[2]
    assert [s.val.numRef.f.split("!")[0] for s in area.series] == ["'Charts'"] * 2


def test_a_chart_for_a_named_result_row_is_one_declaration(built, monkeypatch):
    wb, valuation, _ = built
    extra = (charts.TimeChart("Real GDP", "currency units", (("out_macro", "real_gdp"),)),
             charts.TimeChart("Not there yet", "persons", (("out_not_yet_written", "contributors"),)))
    monkeypatch.setattr(charts, "TIME_CHARTS", charts.TIME_CHARTS + extra)
    charts.add_charts(wb, valuation)
    assert titles(wb["Charts"])[-1] == "Real GDP"  # the chart of a missing table is left out
    sheet, top, left, bottom, right = block(wb, "out_macro")
    row = next(r for r in range(top, bottom + 1) if wb[sheet].cell(r, left).value.startswith("Real GDP,"))
    assert wb["Charts"]._charts[-1].series[0].val.numRef.f == row_ref(sheet, row, left + 1, right)
    monkeypatch.setattr(charts, "TIME_CHARTS", (charts.TimeChart("Typo", "x", (("out_macro", "real_gpd"),)),))
    with pytest.raises(ValueError, match="no row 'real_gpd'"):
        charts.add_charts(wb, valuation)
    monkeypatch.undo()
    charts.add_charts(wb, valuation)
    assert len(wb["Charts"]._charts) == 3 + len(charts.TIME_CHARTS)


def test_no_results_no_charts_sheet(built, tmp_path):
    _, _, path = built
    read, book = open_and_read(path)
    assert "Charts" not in book.workbook.sheetnames  # input workbooks (and the templates) have none
    create_result_sheets(book.workbook, run_valuation(read.inputs))
    assert "Charts" in book.workbook.sheetnames
    create_result_sheets(book.workbook, None)
    assert "Charts" not in book.workbook.sheetnames


def test_charts_are_saved_and_a_rerun_on_the_results_keeps_one_charts_sheet(built, tmp_path, capsys):
    _, _, path = built
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    assert main(["run", str(path), "-o", str(first)]) == 0
    assert main(["run", str(first), "-o", str(second)]) == 0
    for out in (first, second):
        with zipfile.ZipFile(out) as z:
            chart_parts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
            assert len(chart_parts) == 3 + len(charts.TIME_CHARTS)
            xml = "".join(z.read(n).decode() for n in chart_parts)
            workbook_xml = z.read("xl/workbook.xml").decode()
        assert workbook_xml.count('name="Charts"') == 1
        assert "'Results population'!$B$" in xml and "'Results labour'!$A$" in xml
