"""Native Excel charts drawn by the Run macro in the open workbook, through xlwings' chart API.

A results workbook written by ``socsec run`` gets its charts from :mod:`socsec.workbook.charts`
(openpyxl).  In Excel the macro draws the same list on the Charts sheet of the open workbook:
the population pyramids of :func:`~socsec.workbook.charts.pyramid_years`, the population by
broad age group and every chart of :data:`~socsec.workbook.charts.TIME_CHARTS`.  Each chart reads
a block of values written below the charts on the same sheet (years or ages across, one labelled
row per series, the same numbers as the result sheets), so it never depends on where a row sits
in a result sheet; a new run deletes the charts and draws them again.

:func:`chart_blocks` makes the blocks from a valuation (no Excel involved); :func:`draw_charts`
writes them and adds the charts (``Chart.set_x_axis_values`` and the axis settings need xlwings
0.37.5 or later).
"""

import math
from dataclasses import dataclass

import numpy as np

from socsec.workbook import charts as spec
from socsec.workbook import printing
from socsec.workbook.contract import RESULT_SHEETS
from socsec.workbook.results import SUMMARY_TABLES
from socsec.workbook.tables import age_labels

CM = 28.35  # points per centimetre
KINDS = {"line": "line", "area": "area_stacked", "column": "column_clustered"}


@dataclass(frozen=True)
class ChartBlock:
    """One chart: its series (label, values) over the categories, and how to draw it."""

    title: str
    y_title: str
    chart_type: str  # an xlwings chart type
    number_format: str  # of the value axis
    category_title: str  # top-left cell of the block
    categories: list  # years, or age labels
    series: list  # (label, values) in drawing order


def _rows_of(table: str) -> tuple:
    """(rows declaration, frame of a valuation) of summary result table ``table``."""
    for name, rows, frame_of in SUMMARY_TABLES:
        if name == table:
            return rows, frame_of
    raise KeyError(table)


def chart_blocks(valuation) -> list[ChartBlock]:
    """The charts of the Charts sheet, with their data, in drawing order."""
    blocks = []
    projection = valuation.population
    stock_years = [int(projection.years[0]) + k for k in range(projection.population.shape[0])]
    omega = projection.population.shape[2] - 1
    ages = list(age_labels(omega))
    for year in spec.pyramid_years(stock_years):
        persons = projection.population[stock_years.index(year)]  # (2, A) at 1 January
        blocks.append(ChartBlock(f"Population pyramid {year}", "persons at 1 January, by single age",
                                 "bar_stacked", "#,##0;#,##0", "age", ages,
                                 [("Males", [-float(v) for v in persons[0]]),
                                  ("Females", [float(v) for v in persons[1]])]))
    totals = projection.population.sum(axis=1)  # (years + 1, A)
    groups = []
    for low, high in spec.BROAD_AGE_GROUPS:
        if low > omega:
            continue
        top = omega if high is None or high >= omega else high
        label = f"{low}+" if top == omega else f"{low}-{high}"
        groups.append((label, [float(v) for v in totals[:, low:top + 1].sum(axis=1)]))
    blocks.append(ChartBlock("Population by broad age group", "persons at 1 January", "area_stacked", "#,##0",
                             "age \\ year", stock_years, groups))
    for chart in spec.TIME_CHARTS:
        series, years, fmt = [], None, chart.number_format
        for table, key in chart.series:
            rows, frame_of = _rows_of(table)
            label, row_format = next((r[1], r[2]) for r in rows if r[0] == key)
            frame = frame_of(valuation)
            years = years or [int(y) for y in frame["year"]]
            series.append((label, [float(v) for v in np.asarray(frame[key], dtype=float)]))
            fmt = fmt or row_format
        blocks.append(ChartBlock(chart.title, chart.y_title, KINDS[chart.kind], fmt, "year", years, series))
    return blocks


def _value(v: float):
    return None if math.isnan(v) else v  # an empty cell: no point drawn


def draw_charts(book, writer, valuation) -> int:
    """(Re)draw the Charts sheet of the open workbook ``book`` (an xlwings Book) from ``valuation``;
    ``writer``: its :class:`~socsec.excel.book.XlwingsWriter`.  Returns the number of charts."""
    title = spec.CHARTS_SHEET
    if title not in writer.sheet_names():
        first_result = next((book.sheets[s] for s in RESULT_SHEETS if s in writer.sheet_names()), None)
        if first_result is not None:
            book.sheets.add(title, before=first_result)
        else:
            writer.ensure_sheet(title)
    else:
        writer.reset_sheet(title)
    sheet = book.sheets[title]
    for chart in list(sheet.charts):
        chart.delete()
    writer.write(title, 1, 1, [["Charts"]], "sheet_title")
    writer.write(title, 2, 1, [["Master check:", "=chk_master"]])
    writer.write(title, 3, 1, [["Drawn by the Run macro from the values in the blocks below the charts; "
                                "a new run draws them again."]], "note")
    blocks = chart_blocks(valuation)
    # widths first: Excel moves and sizes a chart with the cells under it, so a column widened after the
    # charts are placed would stretch them; the data columns as wide as their numbers (no "###")
    widths = {1: 28.0}
    for block in blocks:
        for j, column in enumerate(zip(*(values for _, values in block.series)), start=2):
            printing.widen(widths, j, max(printing.width_of(printing.shown(_value(v), block.number_format))
                                          for v in column))
    writer.column_widths(title, widths)
    row = 5 + spec.ROWS_PER_CHART * math.ceil(len(blocks) / 2) + 1
    for k, block in enumerate(blocks):
        writer.write(title, row, 1, [[f"Chart data: {block.title}"]], "title")
        header = row + 1
        writer.write(title, header, 1, [[block.category_title] + list(block.categories)], "header")
        writer.write(title, header + 1, 1, [[label] + [_value(v) for v in values] for label, values in block.series])
        last_col = 1 + len(block.categories)
        writer.number_format(title, header + 1, 2, len(block.series), len(block.categories),
                             block.number_format)
        anchor_row = 5 + spec.ROWS_PER_CHART * (k // 2)
        anchor_col = 1 + spec.COLS_PER_CHART * (k % 2)
        chart = sheet.charts.add(
            anchor=sheet.range((anchor_row, anchor_col)), width=spec.CHART_WIDTH_CM * CM,
            height=spec.CHART_HEIGHT_CM * CM, chart_type=block.chart_type, plot_by="rows",
            source=sheet.range((header + 1, 1), (header + len(block.series), last_col)))
        chart.set_x_axis_values(sheet.range((header, 2), (header, last_col)))
        chart.title = block.title
        chart.value_axis.set(title=block.y_title, number_format=block.number_format)
        chart.legend.position = "bottom"
        row = header + len(block.series) + 2
    writer.protect(title)
    return len(blocks)
