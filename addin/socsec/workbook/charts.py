"""Native Excel charts of a results workbook (openpyxl), on one sheet "Charts".

Every chart reads the result sheets where the result writer put them: the series are
references to the named result tables (``out_...``), found through the workbook-scoped
names, never copied values.  Two kinds of charts:

* the population pyramid of chosen years (single ages, males left, females right), drawn
  from ``out_pop_male`` / ``out_pop_female``: females on the primary value axis, males on a
  hidden secondary value axis with reversed orientation, both axes symmetric, so the bars of
  both sexes start at the centre and the axis labels read as positive numbers of persons;
* charts over time of named result rows, declared in :data:`TIME_CHARTS`.  To add one for a
  new block, add a :class:`TimeChart` naming the result table and the row keys (the first
  column of the contract's ``..._ROWS`` declaration, e.g. ``("out_labour", "employed")``) or
  the row labels as written in column A.  A chart whose table is not in the workbook is left
  out, so a chart may be declared before its block writes results.

Population by broad age group has no result row of its own: a small block of SUM formulas
on the Charts sheet (visible, labelled) adds up the single ages of ``out_pop_total``.

:func:`add_charts` is called once by the result writer after the result sheets are filled.
"""

import math
from dataclasses import dataclass

from openpyxl.chart import AreaChart, BarChart, LineChart, Reference, Series
from openpyxl.chart.axis import TextAxis
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries

from socsec.workbook import contract, styles
from socsec.workbook.printing import money_pattern, shown, width_of

CHARTS_SHEET = "Charts"
MALE_COLOUR, FEMALE_COLOUR = "4472C4", "ED7D31"
# Pyramid years: offsets from the base year; the last year of the table is always added.
PYRAMID_OFFSETS = (0, 25, 50)
BROAD_AGE_GROUPS = ((0, 14), (15, 64), (65, None))  # (first age, last age); None: to the open group
CHART_WIDTH_CM, CHART_HEIGHT_CM = 16.0, 9.5
ROWS_PER_CHART = 20  # rows of the Charts sheet taken by one chart (default row height 15 pt)
COLS_PER_CHART = 10


@dataclass(frozen=True)
class TimeChart:
    """A chart of result rows by year.

    ``series``: (range name, row key or row label) pairs; ``kind``: "line", "area" (stacked)
    or "column"; ``number_format``: of the value axis (default: that of the first row).
    """

    title: str
    y_title: str
    series: tuple
    kind: str = "line"
    number_format: str | None = None


TIME_CHARTS = (
    TimeChart("Labour force and employment", "persons",
              (("out_labour", "labour_force"), ("out_labour", "employed"), ("out_labour", "formal_employment"),
               ("out_labour", "unemployed"))),
    TimeChart("Old-age dependency ratios", "ratio",
              (("out_demography", "old_age_dependency_65_20_64"), ("out_demography", "old_age_dependency_65_15_64"))),
    TimeChart("Life expectancy at birth", "years",
              (("out_demography", "e0_male"), ("out_demography", "e0_female"))),
    TimeChart("Contributors and pensioners", "persons",
              (("out_pension", "actives"), ("out_pension", "pensioners_old_age"),
               ("out_pension", "pensioners_invalidity"), ("out_pension", "pensioners_survivors"))),
    TimeChart("Legislated contribution rate against its GAP equivalent; PAYG cost rate and GAP (cost basis)",
              "share of insurable earnings",
              (("out_financing", "contribution_rate"), ("out_financing", "gap_equivalent_contribution_rate"),
               ("out_financing", "paygo_cost_rate"), ("out_financing", "general_average_premium"))),
    TimeChart("Reserve at 31 December", "currency units", (("out_financing", "reserve_end"),)),
    TimeChart("Reserve ratio", "years of expenditure", (("out_financing", "reserve_ratio"),)),
    TimeChart("Demographic ratio", "pensioners / actives", (("out_pension", "demographic_ratio"),)),
)


@dataclass(frozen=True)
class _Table:
    """Where a named result table sits: its sheet and the block (header row, label column)."""

    ws: object
    top: int
    left: int
    bottom: int
    right: int

    @property
    def sheet(self) -> str:
        return self.ws.title

    def column_labels(self) -> list:
        return [self.ws.cell(self.top, c).value for c in range(self.left + 1, self.right + 1)]

    def row_labels(self) -> list:
        return [self.ws.cell(r, self.left).value for r in range(self.top + 1, self.bottom + 1)]

    def column_of(self, label) -> int:
        return self.left + 1 + self.column_labels().index(label)

    def row_of(self, key_or_label: str) -> int:
        labels = [str(v) for v in self.row_labels()]
        for candidate in (key_or_label, *_labels_of_key(key_or_label)):
            shown = money_pattern(candidate)  # a money row may be labelled in millions
            for i, label in enumerate(labels):
                if label == candidate or shown.match(label):
                    return self.top + 1 + i
        raise ValueError(f"chart series: no row {key_or_label!r} in result table on sheet {self.sheet!r}")

    def header(self) -> Reference:
        return Reference(self.ws, min_col=self.left + 1, max_col=self.right, min_row=self.top)

    def row(self, row: int) -> Reference:
        return Reference(self.ws, min_col=self.left + 1, max_col=self.right, min_row=row)

    def address(self, row: int, col: int, absolute: bool = True) -> str:
        dollar = "$" if absolute else ""
        return f"{quote_sheetname(self.sheet)}!{dollar}{get_column_letter(col)}{dollar}{row}"


def _labels_of_key(key: str) -> list:
    """Row labels declared for ``key`` in the contract's ``..._ROWS`` tuples (key, label, format)."""
    found = []
    for name in dir(contract):
        rows = getattr(contract, name)
        if name.endswith("_ROWS") and isinstance(rows, tuple):
            found += [r[1] for r in rows if isinstance(r, tuple) and len(r) == 3 and r[0] == key]
    return found


def _table(wb, name: str) -> _Table | None:
    defined = wb.defined_names.get(name)
    if defined is None:
        return None
    sheet, ref = next(iter(defined.destinations))
    if sheet not in wb.sheetnames:
        return None
    left, top, right, bottom = range_boundaries(ref.replace("$", ""))
    return _Table(wb[sheet], top, left, bottom, right)


def add_charts(wb, valuation) -> None:
    """(Re)create the Charts sheet of a results workbook; without results, remove it."""
    if CHARTS_SHEET in wb.sheetnames:
        del wb[CHARTS_SHEET]
    if valuation is None:
        return
    total, male, female = (_table(wb, n) for n in ("out_pop_total", "out_pop_male", "out_pop_female"))
    first_result = min((wb.sheetnames.index(s) for s in contract.RESULT_SHEETS if s in wb.sheetnames),
                       default=len(wb.sheetnames))
    ws = wb.create_sheet(CHARTS_SHEET, index=first_result)
    ws.cell(1, 1, "Charts").font = styles.SHEET_TITLE_FONT
    ws.cell(2, 1, "Master check:")
    ws.cell(2, 2, "=chk_master")
    ws.cell(3, 1, "Every chart reads the result sheets (and the formulas at the bottom of this sheet); "
                  "a new run redraws them.").font = styles.NOTE_FONT
    row = 5
    if male is not None and female is not None:
        years = [y for y in male.column_labels() if isinstance(y, int)]
        chosen = pyramid_years(years)
        scale = _pyramid_scale(male, female, chosen)
        for k, year in enumerate(chosen):
            chart = population_pyramid(male, female, year, scale)
            ws.add_chart(chart, _anchor(row + ROWS_PER_CHART * (k // 2), 1 + COLS_PER_CHART * (k % 2)))
        row += ROWS_PER_CHART * math.ceil(len(chosen) / 2)
    charts = []
    data_row = row + ROWS_PER_CHART * math.ceil((len(TIME_CHARTS) + 1) / 2) + 1
    if total is not None:
        charts.append(_broad_age_groups(ws, total, data_row))
    for spec in TIME_CHARTS:
        tables = {name: _table(wb, name) for name, _ in spec.series}
        if all(t is not None for t in tables.values()):
            charts.append(time_chart(spec, tables))
    for k, chart in enumerate(charts):
        ws.add_chart(chart, _anchor(row + ROWS_PER_CHART * (k // 2), 1 + COLS_PER_CHART * (k % 2)))
    ws.column_dimensions["A"].width = 14
    ws.protection.sheet = True


def pyramid_years(years: list) -> list:
    """Base year, base + 25, base + 50 and the last year, those within the table, no repeats."""
    if not years:
        return []
    wanted = [years[0] + k for k in PYRAMID_OFFSETS] + [years[-1]]
    return sorted({y for y in wanted if y in years})


def _pyramid_scale(male: _Table, female: _Table, years) -> float:
    """A round axis limit above the largest single-age population of either sex in ``years``."""
    largest = 0.0
    for table in (male, female):
        for year in years:
            col = table.column_of(year)
            values = [table.ws.cell(r, col).value for r in range(table.top + 1, table.bottom + 1)]
            largest = max([largest] + [float(v) for v in values if isinstance(v, (int, float))])
    if largest <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(largest))
    for nice in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if nice * step >= largest * 1.02:
            return nice * step
    return 10 * step


def population_pyramid(male: _Table, female: _Table, year: int, scale: float) -> BarChart:
    """Single-age pyramid of ``year``: females right (primary axis), males left (secondary axis,
    reversed); both axes run from -scale to scale so bars start at the centre."""
    ages = (f"{quote_sheetname(female.sheet)}!${get_column_letter(female.left)}${female.top + 1}:"
            f"${get_column_letter(female.left)}${female.bottom}")
    charts = []
    for table, label, colour, axis_id in ((female, "Females", FEMALE_COLOUR, 100),
                                          (male, "Males", MALE_COLOUR, 200)):
        chart = BarChart()
        chart.type, chart.grouping, chart.gapWidth, chart.overlap = "bar", "clustered", 10, 100
        col = table.column_of(year)
        series = Series(Reference(table.ws, min_col=col, min_row=table.top + 1, max_row=table.bottom),
                        title=label)
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.noFill = True
        series.cat = AxDataSource(strRef=StrRef(f=ages))  # age labels are text ("100+")
        chart.series.append(series)
        chart.y_axis.axId = axis_id
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = -scale, scale
        chart.y_axis.number_format = "#,##0;#,##0"
        chart.y_axis.majorGridlines = None
        charts.append(chart)
    main, second = charts
    axis_ids = (100, 200)
    main.title = f"Population pyramid {year}"
    main.y_axis.title = "persons at 1 January, by single age"
    main.y_axis.delete = False
    main.x_axis.delete = False
    main.x_axis.title = "age"
    main.x_axis.tickLblPos = "low"  # age labels at the left edge, not on the centre line
    main.x_axis.tickLblSkip = main.x_axis.tickMarkSkip = 10
    main.x_axis.crosses = "autoZero"
    # the males' group gets its own pair of axes, both hidden (Excel's layout of a secondary axis)
    second.x_axis = TextAxis(axId=20, crossAx=axis_ids[1], delete=True)
    second.y_axis.crossAx = 20
    second.y_axis.scaling.orientation = "maxMin"
    second.y_axis.delete = False  # shown (at the top): LibreOffice ignores a hidden reversed axis
    second.y_axis.crosses = "max"
    second.y_axis.majorTickMark = "out"
    main += second
    main.legend.position = "b"
    _size(main)
    return main


def time_chart(spec: TimeChart, tables: dict) -> LineChart | AreaChart | BarChart:
    """A chart of the rows named in ``spec`` against the year header of their table."""
    chart = {"line": LineChart, "area": AreaChart, "column": BarChart}[spec.kind]()
    if spec.kind == "area":
        chart.grouping = "stacked"
    first_format = None
    categories = None
    for name, key in spec.series:
        table = tables[name]
        row = table.row_of(key)
        series = Series(table.row(row))
        series.tx = SeriesLabel(strRef=StrRef(table.address(row, table.left)))
        if spec.kind == "line":
            series.smooth = False
            series.marker.symbol = "none"
        chart.series.append(series)
        categories = categories or table.header()
        first_format = first_format or table.ws.cell(row, table.left + 1).number_format
    chart.set_categories(categories)
    _time_axes(chart, spec.title, spec.y_title, spec.number_format or first_format,
               categories.max_col - categories.min_col + 1)
    return chart


def _broad_age_groups(ws, total: _Table, row: int) -> AreaChart:
    """SUM formulas of ``out_pop_total`` by broad age group (from ``row`` on this sheet) and their
    stacked area chart."""
    ages = total.row_labels()
    first_col, last_col = total.left + 1, total.right
    ws.cell(row, 1, "Chart data: population at 1 January by broad age group (formulas adding up the "
                    f"single ages of '{total.sheet}')").font = styles.TITLE_FONT
    header = row + 1
    styles.style_header(ws.cell(header, 1, "age \\ year"))
    for j, col in enumerate(range(first_col, last_col + 1), start=2):
        styles.style_header(ws.cell(header, j, f"={total.address(total.top, col, absolute=False)}"))
    omega = len(ages) - 1  # the last row is the open age group
    groups = [(low, None if high is None or high >= omega else high) for low, high in BROAD_AGE_GROUPS
              if low <= omega]  # a group beyond the open age group is left out, one reaching it ends there
    for i, (low, high) in enumerate(groups, start=1):
        start = total.top + 1 + low
        end = total.bottom if high is None else total.top + 1 + high
        styles.style_header(ws.cell(header + i, 1, f"{low}+" if high is None else f"{low}-{high}"))
        for j, col in enumerate(range(first_col, last_col + 1), start=2):
            letter = get_column_letter(col)
            cell = ws.cell(header + i, j, f"=SUM({quote_sheetname(total.sheet)}!{letter}{start}:{letter}{end})")
            cell.number_format = "#,##0"
    for j, col in enumerate(range(first_col, last_col + 1), start=2):  # a group is at most the whole population
        total_of_year = sum(v or 0.0 for (v,) in total.ws.iter_rows(min_row=total.top + 1, max_row=total.bottom,
                                                                      min_col=col, max_col=col, values_only=True))
        ws.column_dimensions[get_column_letter(j)].width = width_of(shown(total_of_year, "#,##0"))
    n = last_col - first_col + 1
    chart = AreaChart()
    chart.grouping = "stacked"
    data = Reference(ws, min_col=1, max_col=n + 1, min_row=header + 1, max_row=header + len(groups))
    chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(total.header())
    _time_axes(chart, "Population by broad age group", "persons at 1 January", "#,##0", n)
    return chart


def _time_axes(chart, title: str, y_title: str, number_format: str, n_years: int):
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.number_format = number_format
    chart.x_axis.number_format = "0"
    chart.x_axis.tickLblSkip = chart.x_axis.tickMarkSkip = 10 if n_years > 40 else (5 if n_years > 15 else 1)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    _size(chart)


def _size(chart):
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM


def _anchor(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"
