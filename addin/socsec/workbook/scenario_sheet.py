"""The sheet "Results scenarios" of ``socsec run --compare``: every scenario side by side.

Two tables and a chart: the financing indicators of each scenario (rows: indicator and horizon,
columns: scenarios, the base first), the PAYG cost rate and the reserve ratio of each scenario by
year, and a native line chart of the PAYG cost rates reading that table.  Scenario names are
written as text (a name beginning with "=" never becomes a formula).
"""

import numpy as np
from openpyxl.chart import LineChart, Reference

from socsec.workbook import layout
from socsec.workbook.charts import _time_axes
from socsec.workbook.contract import indicator_label
from socsec.workbook.results import SCENARIOS_RESULT_SHEET, no_value_text
from socsec.workbook.writer import OpenpyxlWriter, Text

SERIES = (("paygo_cost_rate", "PAYG cost rate by year", "0.00%"),
          ("reserve_ratio", "Reserve ratio by year (years of expenditure)", "0.00"))


def write_scenarios_sheet(wb, compared: dict, master: str = "=chk_master"):
    """(Re)create the sheet from ``compared`` (scenario name -> Valuation, the base first); ``master``: the
    master check's text (a value readable without a calculation engine), or the formula."""
    writer = OpenpyxlWriter(wb)
    sheet = SCENARIOS_RESULT_SHEET
    writer.reset_sheet(sheet)
    writer.write(sheet, 1, 1, [[sheet]], "sheet_title")
    writer.write(sheet, 2, 1, [["Master check:", master]])
    widths = {}  # column -> width that shows its labels and values whole
    names = [Text(name) for name in compared]
    first = next(iter(compared.values())).finance.indicators
    labelled = [indicator_label(n, int(h)) for n, h in zip(first["indicator"], first["horizon"])]
    values = np.column_stack([v.finance.indicators["value"].to_numpy(dtype=float) for v in compared.values()])
    row = layout.put_table(writer, sheet, 4, "out_scenario_indicators", "Financing indicators by scenario",
                           "Each scenario is the base with the overrides of its rows on the Scenarios sheet "
                           "(and --set).", "see labels", "socsec projection", "indicator \\ scenario",
                           [label for label, _ in labelled], names, values, is_input=False,
                           number_format=[fmt for _, fmt in labelled], widths=widths)
    top = 4 + layout.CAPTION_ROWS + 1
    for i, j in np.argwhere(~np.isfinite(values)):
        writer.write(sheet, top + i, 2 + j, [[no_value_text(first["indicator"].iloc[i], values[i, j])]])
    years = [int(y) for y in next(iter(compared.values())).finance.yearly["year"]]
    tables = []
    for key, title, fmt in SERIES:
        data = np.array([v.finance.yearly[key].to_numpy(dtype=float) for v in compared.values()])
        tables.append(row + layout.CAPTION_ROWS)
        row = layout.put_table(writer, sheet, row, f"out_scenario_{key}", title, "", "see title",
                               "socsec projection", "scenario \\ year", names, years, data, is_input=False,
                               number_format=fmt, widths=widths)
    chart = LineChart()
    ws = wb[sheet]
    header = tables[0]
    chart.add_data(Reference(ws, min_col=1, max_col=1 + len(years), min_row=header + 1,
                             max_row=header + len(names)), from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, max_col=1 + len(years), min_row=header))
    for series in chart.series:
        series.smooth = False
        series.marker.symbol = "none"
    _time_axes(chart, "PAYG cost rate by scenario", "share of insurable earnings", "0%", len(years))
    ws.add_chart(chart, f"B{row + 1}")
    writer.column_widths(sheet, widths)
    writer.protect(sheet)
