"""The Run macro (socsec.excel.macros) end to end on both book backends: .xlsx files (FileBook +
OpenpyxlWriter) and an xlwings Book over a stand-in engine (tests/xlwings_fake.py)."""

import re

import numpy as np
import pytest
from openpyxl import load_workbook

import socsec.excel.macros as macros
from socsec.cli import main
from socsec.excel import xlcall
from socsec.excel.book import XlwingsBook, XlwingsWriter, parse_refers_to
from socsec.workbook.book import FileBook, RangeRef
from socsec.workbook.contract import INPUT_SHEETS, RESULT_SHEETS
from socsec.workbook.results import CHECKS_SHEET, LOG_SHEET, RESULTS_MARKER
from socsec.workbook.writer import OpenpyxlWriter
from workbook_fixtures import cell_of, edit, make_workbook, small_inputs
from xlwings_fake import fake_book

RESULT_AND_CHECKS = tuple(RESULT_SHEETS) + (CHECKS_SHEET,)


@pytest.fixture
def book_path(tmp_path):
    return make_workbook(tmp_path / "in.xlsx")


@pytest.fixture(autouse=True)
def engine():
    with xlcall.excel_engine():
        yield


def cells(wb, sheets) -> dict:
    """Non-empty cell values by (sheet, coordinate); "" counts as empty (Excel stores no empty text)."""
    out = {}
    for title in sheets:
        for row in wb[title].iter_rows():
            for cell in row:
                if cell.value not in (None, ""):
                    out[(title, cell.coordinate)] = cell.value
    return out


def formats(wb, sheets) -> dict:
    """Number format, bold, italic, font size and colour, fill colour (RGB: Excel colours have no alpha)."""
    def rgb(color):
        return color.rgb[-6:] if color is not None and isinstance(color.rgb, str) else None
    return {(t, c.coordinate): (c.number_format, bool(c.font.b), bool(c.font.i), float(c.font.sz or 11),
                                rgb(c.font.color), rgb(c.fill.fgColor) if c.fill.fill_type else None)
            for t in sheets for row in wb[t].iter_rows() for c in row if c.value not in (None, "")}


def names(wb) -> dict:
    return {name: d.attr_text for name, d in wb.defined_names.items()}


def saved(wb, path):
    """The workbook as written to and read back from .xlsx (decimal text, like socsec run's output)."""
    wb.save(path)
    return load_workbook(path)


def run_file_macro(path, ui=None):
    book = FileBook(path)
    outcome = macros.run_in_book(book, OpenpyxlWriter(book.workbook), ui or macros.SilentUI())
    return outcome, saved(book.workbook, path.with_name("file_macro.xlsx"))


def run_xlwings_macro(path, ui_factory=macros.ExcelUI):
    wb = load_workbook(path)
    book = fake_book(wb, str(path))
    outcome = macros.run_in_book(XlwingsBook(book), XlwingsWriter(book), ui_factory(book.app))
    return outcome, saved(wb, path.with_name("xlwings_macro.xlsx")), book


def test_file_backend_gives_the_results_of_socsec_run(book_path, tmp_path, capsys):
    assert main(["run", str(book_path), "-o", str(tmp_path / "cli.xlsx")]) == 0
    cli = load_workbook(tmp_path / "cli.xlsx")
    outcome, wb = run_file_macro(book_path)
    assert outcome.status == "OK" and outcome.problems == ()
    assert cells(wb, RESULT_AND_CHECKS) == cells(cli, RESULT_AND_CHECKS)
    assert formats(wb, RESULT_AND_CHECKS) == formats(cli, RESULT_AND_CHECKS)
    assert {k: v for k, v in names(wb).items() if not k.startswith("cov_")} == {
        k: v for k, v in names(cli).items() if not k.startswith("cov_")}
    cover = [row for row in wb["Cover"].iter_rows(values_only=True)]
    assert ("Master check", "OK") in [tuple(r[:2]) for r in cover]
    assert ("File type", macros.FILE_TYPE) in [tuple(r[:2]) for r in cover]  # never the results marker
    assert all(RESULTS_MARKER not in str(r[1]) for r in cover)
    log = list(wb[LOG_SHEET].iter_rows(min_row=2, values_only=True))
    assert len(log) == 1 and log[0][3] == "OK" and log[0][1] == str(book_path)


def test_xlwings_backend_writes_what_the_file_backend_writes(book_path):
    _, file_wb = run_file_macro(book_path)
    outcome, xl_wb, book = run_xlwings_macro(book_path)
    assert outcome.status == "OK"
    assert cells(xl_wb, RESULT_AND_CHECKS) == cells(file_wb, RESULT_AND_CHECKS)
    assert formats(xl_wb, RESULT_AND_CHECKS) == formats(file_wb, RESULT_AND_CHECKS)
    assert names(xl_wb) == names(file_wb)
    assert xl_wb.sheetnames == file_wb.sheetnames  # result sheets were cleared in place, Log kept last
    for title in RESULT_AND_CHECKS:
        assert xl_wb[title].protection.sheet
    app = book.impl.app
    assert app.status_history[0].startswith("socsec: reading") and app.status_history[-1].startswith("socsec: done")
    assert app.screen_updating is True and app.calculation == "automatic"  # restored


def test_one_excel_call_per_block_whatever_the_size(book_path):
    """The number of Excel calls depends on the contract's tables, not on their size: the same
    for the small test country (10 years, ages 0-30) and the example (76 years, ages 0-100), but
    for the charts (three writes and one number format a chart; a longer horizon has more
    population pyramids) and the number formats of money rows (in millions when large)."""
    from pathlib import Path

    from socsec.workbook.charts import CHARTS_SHEET
    example = Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx"
    counts = {}
    for path in (book_path, example):
        _, _, book = run_xlwings_macro(path) if path == book_path else run_xlwings_macro_copy(path, book_path)
        n_charts = len(book.impl.charts[CHARTS_SHEET])
        counts[path] = dict(book.impl.calls)
        counts[path]["write"] -= 3 * n_charts
        counts[path]["number_format"] -= n_charts
    small, large = counts[book_path], counts[example]
    for kind in ("read", "write", "name_add"):
        assert small.get(kind, 0) == large.get(kind, 0), kind
    # a money row is shown in millions or in units according to its size: each may split a run of formats
    from socsec.workbook.printing import MONEY_UNITS
    from socsec.workbook.results import SUMMARY_TABLES
    money_rows = sum(MONEY_UNITS in label for _, rows, _ in SUMMARY_TABLES for _, label, _ in rows)
    assert abs(small["number_format"] - large["number_format"]) <= 2 * money_rows


def run_xlwings_macro_copy(path, like):
    """run_xlwings_macro on a copy of ``path`` next to ``like`` (the committed file stays untouched)."""
    import shutil
    copy = like.with_name("copy_" + path.name)
    shutil.copy(path, copy)
    return run_xlwings_macro(copy)


def test_reads_are_one_call_per_named_range(book_path):
    wb = load_workbook(book_path)
    book = fake_book(wb, str(book_path))
    xl_book = XlwingsBook(book)
    from socsec.workbook.reader import read_inputs
    read = read_inputs(xl_book)
    assert book.impl.calls["names"] == 1  # the names are listed once
    reads = book.impl.calls["read"]
    from socsec.workbook.contract import ALL_SETTINGS, INPUT_TABLES
    declared = len(ALL_SETTINGS) + len(INPUT_TABLES)
    assert reads <= declared  # one per setting cell and per table read (tables not required are skipped)
    np.testing.assert_allclose(read.inputs.population.base_population, small_inputs().population.base_population,
                               rtol=1e-15)


@pytest.mark.parametrize("backend", ["file", "xlwings"])
def test_bad_input_message_box_and_log_row_and_nothing_else(book_path, backend):
    sheet, cell = cell_of(book_path, "in_tfr", 1, 3)
    _, empty = cell_of(book_path, "in_mig_female", 5, 2)
    edit(book_path, {(sheet, cell): "two", ("Migration", empty): None})
    before = load_workbook(book_path)
    if backend == "file":
        ui = macros.SilentUI()
        outcome, wb = run_file_macro(book_path, ui)
        alerts = ui.alerts
    else:
        outcome, wb, book = run_xlwings_macro(book_path)
        alerts = [(title, text, mode == "critical") for title, text, mode in book.impl.app.alerts]
    assert outcome.status == "INPUT ERRORS" and len(outcome.problems) == 2
    assert len(alerts) == 1
    title, text, critical = alerts[0]
    assert critical and "input problems" in title
    assert f"sheet 'Fertility', cell {cell}" in text and "found text 'two'" in text
    assert f"sheet 'Migration', cell {empty}" in text and "no input was changed" in text
    others = [s for s in before.sheetnames if s != LOG_SHEET]
    assert cells(wb, others) == cells(before, others)  # no input (and no result) cell changed
    log = list(wb[LOG_SHEET].iter_rows(min_row=2, values_only=True))
    assert len(log) == 1 and log[0][3] == "INPUT ERRORS"
    assert f"cell {cell}" in log[0][4] and f"cell {empty}" in log[0][4]


def test_failed_checks_are_reported(book_path, monkeypatch):
    from socsec.model import chain
    from socsec.model import valuation as val

    real = chain.checked_valuation

    def failing(*blocks, **options):
        v = real(*blocks, **options)
        bad = val.Check("Deliberately failed", 1.0, 0.0, False, "test")
        return type(v)(**{**{f: getattr(v, f) for f in v.__dataclass_fields__}, "checks": v.checks + (bad,)})

    monkeypatch.setattr(chain, "checked_valuation", failing)
    ui = macros.SilentUI()
    outcome, wb = run_file_macro(book_path, ui)
    assert outcome.status == "CHECKS FAILED"
    assert ui.alerts and "Deliberately failed" in ui.alerts[0][1]
    assert wb[CHECKS_SHEET]["B2"].value == "FAILED"
    assert list(wb[LOG_SHEET].iter_rows(min_row=2, values_only=True))[0][3] == "CHECKS FAILED"


def test_entry_point_runs_on_the_calling_book(book_path, monkeypatch):
    import xlwings

    wb = load_workbook(book_path)
    book = fake_book(wb, str(book_path))
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: book))
    outcome = macros.run_valuation_macro(book.name)
    assert outcome.status == "OK"
    assert wb[CHECKS_SHEET]["B2"].value == "OK"
    # the closing message stays in the status bar: it is not wiped at once
    assert book.impl.app.status_bar.startswith("socsec: done in ") and "checks OK" in book.impl.app.status_bar


def test_the_macro_of_one_workbook_never_writes_into_another_active_one(book_path, monkeypatch):
    """RunPython calls Python for the active workbook: SocsecRun of 'a.xlsm' started while 'other.xlsx'
    is active writes nothing into either and says so, once; so does a workbook that is no socsec workbook."""
    import xlwings
    from openpyxl import Workbook

    wb = load_workbook(book_path)
    other = fake_book(wb, "/fake/other.xlsx")
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: other))
    calls = dict(other.impl.calls)
    assert macros.run_valuation_macro("a.xlsm").status == "NOT RUN"
    assert {k: v for k, v in other.impl.calls.items() if k not in ("names", "read")} == {
        k: v for k, v in calls.items() if k not in ("names", "read")}
    [(title, text, mode)] = other.impl.app.alerts
    assert "'a.xlsm'" in text and "'other.xlsx' is the active workbook" in text and mode == "critical"
    plain = fake_book(Workbook(), "/fake/plain.xlsx")
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: plain))
    assert macros.run_valuation_macro("plain.xlsx").status == "NOT RUN"
    [(title, text, _)] = plain.impl.app.alerts
    assert "not a socsec workbook" in text and not plain.impl.calls["write"]


def test_an_internal_error_is_one_message_box_and_no_exception(book_path, monkeypatch):
    """xlwings' runner shows a second dialog with the traceback when the Python call raises: the entry
    point shows its own message box and returns."""
    import xlwings

    wb = load_workbook(book_path)
    book = fake_book(wb, str(book_path))
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: book))
    monkeypatch.setattr(macros, "run_in_book", lambda *a, **k: 1 / 0)
    assert macros.run_valuation_macro().status == "INTERNAL ERROR"
    [(title, text, mode)] = book.impl.app.alerts
    assert "internal error" in title and "ZeroDivisionError" in text and mode == "critical"
    assert book.impl.app.status_bar is False


def test_text_that_excel_would_read_as_a_date_or_number_stays_text(book_path):
    """Excel reads text written through COM as if typed: the run time "2026-12-06 03:15:09" on the Cover
    and the Log would become a date; the writer gives every text Excel's text prefix."""
    _, wb, book = run_xlwings_macro(book_path)
    stamp = wb["Cover"].cell(*cell_of_name(wb, "cov_last_run")).value
    assert isinstance(stamp, str) and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", stamp)
    assert isinstance(list(wb[LOG_SHEET].iter_rows(min_row=2, values_only=True))[-1][0], str)
    from xlwings_fake import excel_reads
    assert excel_reads(stamp) != stamp and excel_reads("'" + stamp) == stamp  # the fake converts as Excel does


def cell_of_name(wb, name):
    from openpyxl.utils import range_boundaries
    _, ref = next(iter(wb.defined_names[name].destinations))
    col, row, _, _ = range_boundaries(ref.replace("$", ""))
    return row, col


def test_second_run_replaces_results_in_place(book_path):
    wb = load_workbook(book_path)
    book = fake_book(wb, str(book_path))
    for _ in range(2):
        assert macros.run_in_book(XlwingsBook(book), XlwingsWriter(book)).status == "OK"
    assert len(list(wb[LOG_SHEET].iter_rows(min_row=2))) == 2
    assert wb.sheetnames.count(RESULT_SHEETS[0]) == 1


@pytest.mark.parametrize("text,expected", [
    ("='Base population'!$A$10:$C$111", RangeRef("Base population", 10, 1, 111, 3)),
    ("=Settings!$B$4", RangeRef("Settings", 4, 2, 4, 2)),
    ("='It''s'!$A$1:$B$2", RangeRef("It's", 1, 1, 2, 2)),
    ("=#REF!", None),
    ("=0.05", None),
    ("=Settings!$A:$A", RangeRef("Settings", 1, 1, 1_048_576, 1)),  # refused by the reader as too large
    ("=Nowhere!$A$1", None),
    (None, None),
])
def test_parse_refers_to(text, expected):
    assert parse_refers_to(text, {"Base population", "Settings", "It's"}) == expected


def test_input_sheets_are_declared():
    assert set(INPUT_SHEETS).isdisjoint(RESULT_AND_CHECKS)


def test_live_charts_are_drawn_from_blocks_of_the_valuation(book_path):
    """In Excel the Run macro draws the Charts sheet through xlwings' chart API: one chart per block of
    socsec.excel.charts.chart_blocks, each over its block of values below the charts, with the
    categories, title, axis settings and type of the block; a second run replaces them."""
    from socsec.excel.charts import chart_blocks
    from socsec.workbook.charts import CHARTS_SHEET

    wb = load_workbook(book_path)
    book = fake_book(wb, str(book_path))
    outcome = macros.run_in_book(XlwingsBook(book), XlwingsWriter(book))
    assert outcome.status == "OK", outcome
    blocks = chart_blocks(outcome.valuation)
    drawn = book.impl.charts[CHARTS_SHEET]
    assert len(drawn) == len(blocks) >= 10
    assert wb.sheetnames.index(CHARTS_SHEET) < wb.sheetnames.index(RESULT_SHEETS[0])
    ws = wb[CHARTS_SHEET]

    def values(rng):
        return [[ws.cell(r, c).value for c in range(rng.column, rng.last_column + 1)]
                for r in range(rng.row, rng.last_row + 1)]

    for chart, block in zip(drawn, blocks):
        assert chart.chart_type == block.chart_type and chart.plot_by == "rows" and chart.title == block.title
        assert chart.value_axis.settings == {"title": block.y_title, "number_format": block.number_format}
        assert chart.legend.position == "bottom"
        assert values(chart.x_values) == [list(block.categories)]
        rows = values(chart.source)
        assert [row[0] for row in rows] == [label for label, _ in block.series]
        for row, (_, series) in zip(rows, block.series):
            np.testing.assert_allclose([np.nan if v is None else v for v in row[1:]], series, rtol=1e-15)
    rates = next(b for b in blocks if b.title.startswith("Legislated contribution rate"))
    paygo = rates.series[2][1]  # contribution rate, its GAP equivalent, PAYG cost rate, GAP
    np.testing.assert_allclose(paygo, outcome.valuation.finance.yearly["paygo_cost_rate"], rtol=1e-15)
    pyramid = blocks[0]
    np.testing.assert_allclose(pyramid.series[1][1], outcome.valuation.population.population[0, 1], rtol=1e-15)
    assert max(pyramid.series[0][1]) <= 0.0  # males drawn to the left
    # no column is widened after the charts are placed (Excel would stretch them), and the data fit their columns
    final = {k: d.width for k, d in ws.column_dimensions.items()}
    assert all(chart.widths_when_placed == final for chart in drawn)
    from socsec.workbook.printing import shown
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            if isinstance(cell.value, float):
                width = ws.column_dimensions[cell.column_letter].width
                assert len(shown(cell.value, cell.number_format)) < width, (cell.coordinate, cell.value, width)
    assert macros.run_in_book(XlwingsBook(book), XlwingsWriter(book)).status == "OK"
    assert len(book.impl.charts[CHARTS_SHEET]) == len(blocks) and book.impl.calls["chart_delete"] == len(blocks)


def test_charts_that_fail_leave_the_results_and_say_so_in_the_log(book_path, monkeypatch):
    wb = load_workbook(book_path)
    book = fake_book(wb, str(book_path))

    def broken(self, valuation):
        raise RuntimeError("no chart API in this Excel")

    monkeypatch.setattr(XlwingsWriter, "draw_charts", broken)
    outcome = macros.run_in_book(XlwingsBook(book), XlwingsWriter(book))
    assert outcome.status == "OK"
    log = list(wb[LOG_SHEET].iter_rows(min_row=2, values_only=True))
    assert "charts not drawn (RuntimeError: no chart API in this Excel)" in str(log[-1])


def test_file_backend_macro_draws_the_charts_of_socsec_run(book_path, tmp_path):
    from socsec.workbook.charts import CHARTS_SHEET

    assert main(["run", str(book_path), "-o", str(tmp_path / "cli.xlsx")]) == 0
    _, wb = run_file_macro(book_path)
    cli = load_workbook(tmp_path / "cli.xlsx")
    assert CHARTS_SHEET in wb.sheetnames and len(wb[CHARTS_SHEET]._charts) == len(cli[CHARTS_SHEET]._charts) > 0


def test_sheet_protection_uses_each_platform_command():
    """Windows' COM method Protect; Excel for Mac's AppleScript command is "protect worksheet" (appscript
    protect_worksheet): the name Protect or protect does not exist there, so protection was a no-op."""
    import types

    calls = []
    mac_api = types.SimpleNamespace(protect_worksheet=lambda: calls.append("protect_worksheet"),
                                    unprotect=lambda: calls.append("unprotect"))
    sheet = types.SimpleNamespace(api=mac_api)
    book = types.SimpleNamespace(sheets={"Checks": sheet})
    writer = XlwingsWriter(book)
    writer.protect("Checks")
    writer._unprotect(sheet)
    assert calls == ["protect_worksheet", "unprotect"]
