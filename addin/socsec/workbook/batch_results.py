"""The result sheets of the batch commands, with native Excel charts over the values written on them:

* "Results sensitivity" (``socsec sensitivity``): the sensitivity table (each parameter at its low and high
  value, the key indicators) and, for each key indicator, a tornado chart: horizontal bars of the change
  from the base at the low and at the high value, the widest swing on top;
* "Results stochastic" (``socsec stochastic``): the distribution of the summary indicators, and for each key
  series a table of its percentiles by year with a fan chart (the percentile lines and the deterministic
  path).
"""

from openpyxl.chart import BarChart, LineChart, Reference

from socsec.workbook import layout
from socsec.workbook.charts import _size, _time_axes
from socsec.workbook.contract import SENSITIVITY_RESULT_SHEET, STOCHASTIC_RESULT_SHEET, indicator_label
from socsec.workbook.writer import OpenpyxlWriter, Text

LOW_COLOUR, HIGH_COLOUR = "4472C4", "ED7D31"
SERIES_LABELS = {"paygo_cost_rate": ("PAYG cost rate", "0.0%"), "reserve_ratio": ("Reserve ratio (years)", "0.00"),
                 "reserve_end": ("Reserve at 31 December (currency units)", "#,##0"),
                 "demographic_ratio": ("Demographic ratio (pensioners / contributors)", "0.000"),
                 "population": ("Population at 1 January", "#,##0")}


def _label(name: str, horizon: int) -> tuple[str, str]:
    """Label and format of a key indicator (the indicators table's, or a plain one for a per-run value)."""
    try:
        return indicator_label(name, horizon)
    except KeyError:
        return f"{name.replace('_', ' ')} ({horizon} years)", "0.000"


def write_sensitivity_sheet(wb, table, rows):
    """(Re)create the sheet from the sensitivity table (:func:`socsec.model.sensitivity.run_sensitivity`) and
    the rows of the Sensitivity input table (their sources)."""
    from socsec.model.sensitivity import tornado_order

    writer, sheet = OpenpyxlWriter(wb), SENSITIVITY_RESULT_SHEET
    writer.reset_sheet(sheet)
    ws = wb[sheet]
    writer.write(sheet, 1, 1, [[sheet]], "sheet_title")
    writer.write(sheet, 2, 1, [["Master check (base):", "=chk_master"]])
    writer.write(sheet, 3, 1, [["Each parameter at its low and at its high value (Sensitivity sheet), everything "
                                "else at the base. Empty value: not computable or never (e.g. no depletion)."]], "note")
    labels = [_label(name, int(h)) for name, h in zip(table["indicator"], table["horizon"])]
    body = [[Text(p), lo, hi, Text(label), *layout.cell_values([[b, vl, vh]])[0]]
            for (p, lo, hi, b, vl, vh), (label, _) in zip(
                table[["parameter", "low", "high", "base_value", "value_low", "value_high"]].itertuples(index=False),
                labels)]
    top = 5
    writer.write(sheet, top, 1, [["parameter", "low", "high", "indicator", "base", "value at low", "value at high"]],
                 "header")
    writer.write(sheet, top + 1, 1, body)
    for k, (_, fmt) in enumerate(labels):
        writer.number_format(sheet, top + 1 + k, 5, 1, 3, fmt)
    writer.define_name("out_sensitivity", sheet, top, 1, top + len(body), 7)
    sources = [(Text(r.parameter), Text(r.source)) for r in rows if r.source]
    row = top + len(body) + 2
    if sources:
        writer.write(sheet, row, 1, [["parameter", "source of the low and high values"]], "header")
        writer.write(sheet, row + 1, 1, sources)
        row += len(sources) + 2
    keys = table[["indicator", "horizon"]].drop_duplicates().itertuples(index=False)
    for name, horizon in keys:
        ordered = tornado_order(table, name, int(horizon))
        if ordered.empty:
            continue
        label, fmt = _label(name, int(horizon))
        base = float(ordered["base_value"].iloc[0])
        writer.write(sheet, row, 1, [[f"Tornado: {label}, change from the base value {base:.6g}"]], "title")
        writer.write(sheet, row + 1, 1, [["parameter", "low value", "high value"]], "header")
        changes = [[Text(p), vl - base, vh - base] for p, vl, vh in
                   ordered[["parameter", "value_low", "value_high"]].itertuples(index=False)]
        writer.write(sheet, row + 2, 1, changes)
        writer.number_format(sheet, row + 2, 2, len(changes), 2, fmt)
        chart = tornado_chart(ws, row + 1, len(changes), f"{label}: change from the base", fmt)
        ws.add_chart(chart, f"I{row}")
        row += max(len(changes) + 4, 21)
    writer.column_widths(sheet, {1: 30, 2: 12, 3: 12, 4: 60, 5: 14, 6: 14, 7: 14})
    writer.protect(sheet)


def tornado_chart(ws, header: int, n: int, title: str, fmt: str) -> BarChart:
    """Horizontal bars of the low and high changes (columns B, C below ``header``), overlapping, so each
    parameter is one bar from its low to its high change around 0."""
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap, chart.gapWidth = "bar", "clustered", 100, 40
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=header, max_row=header + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=header + n))
    for series, colour in zip(chart.series, (LOW_COLOUR, HIGH_COLOUR)):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.title = title
    chart.x_axis.title = "parameter"
    chart.y_axis.title = "change from the base"
    chart.y_axis.number_format = fmt
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # parameter names at the left edge, clear of the bars
    chart.legend.position = "b"
    _size(chart)
    return chart


def write_stochastic_sheet(wb, results, runs: int, seed: int):
    """(Re)create the sheet from :class:`~socsec.model.stochastic.StochasticResults`."""
    from socsec.model.stochastic import PERCENTILES, SERIES

    writer, sheet = OpenpyxlWriter(wb), STOCHASTIC_RESULT_SHEET
    writer.reset_sheet(sheet)
    ws = wb[sheet]
    writer.write(sheet, 1, 1, [[sheet]], "sheet_title")
    writer.write(sheet, 2, 1, [["Master check (deterministic run):", "=chk_master"]])
    writer.write(sheet, 3, 1, [[f"{runs} runs, seed {seed}: random paths of the assumptions of the Stochastic sheet "
                                "around the deterministic ones. Percentiles over the runs; the mean of a 0/1 value "
                                "is a probability."]], "note")
    summary = results.summary_table()
    columns = ["deterministic", "mean"] + [f"p{q:g}" for q in PERCENTILES]
    labels = [_label(n, int(h))[0] for n, h in zip(summary["indicator"], summary["horizon"])]
    row = layout.put_table(writer, sheet, 5, "out_stochastic_summary", "Distribution of the summary indicators",
                           "GAP, legislated-basis equivalent and actuarial balance by horizon; probability that the "
                           "reserve is negative at the end of some year within the horizon; share of runs with a "
                           "failed check.", "see labels", "socsec stochastic", "indicator", labels, columns,
                           summary[columns].to_numpy(dtype=float), is_input=False,
                           number_format="0.00%")
    years = [int(y) for y in results.years]
    table = results.percentiles()
    for name in SERIES:
        title, fmt = SERIES_LABELS[name]
        part = table[table["indicator"] == name]
        heads = [f"p{q:g}" for q in PERCENTILES] + ["deterministic"]
        header = row + layout.CAPTION_ROWS
        row = layout.put_table(writer, sheet, row, f"out_stochastic_{name}", f"{title}: percentiles by year", "",
                               "see title", "socsec stochastic", "percentile \\ year", heads, years,
                               part[heads].to_numpy(dtype=float).T, is_input=False, number_format=fmt)
        chart = LineChart()
        chart.add_data(Reference(ws, min_col=1, max_col=1 + len(years), min_row=header + 1,
                                 max_row=header + len(heads)), from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, max_col=1 + len(years), min_row=header))
        for k, series in enumerate(chart.series):
            series.smooth = False
            series.marker.symbol = "none"
            series.graphicalProperties.line.solidFill = "000000" if k == len(heads) - 1 else "4472C4"
            series.graphicalProperties.line.width = 28575 if k in (2, len(heads) - 1) else 12700
            if k == len(heads) - 1:
                series.graphicalProperties.line.dashStyle = "dash"
        _time_axes(chart, f"{title}: fan chart", title, fmt, len(years))
        ws.add_chart(chart, f"B{row}")
        row += 21
    writer.column_widths(sheet, layout.table_widths(first=50, n_cols=len(years)))
    writer.protect(sheet)
