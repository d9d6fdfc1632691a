"""The charts of the report, drawn with matplotlib (no pyplot state, no display: the Agg canvas)
into PNG images from the valuation's results:

* population pyramids at 1 January of the base year and after the last projection year;
* contributors and pensioners;
* PAYG cost rate against the general average premium by period and the contribution rate;
* reserve ratio;
* demographic ratio of the scheme against the old-age dependency ratio of the population.
"""

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from socsec.model.finance import HORIZONS
from socsec.report.blocks import Figure as ReportFigure

WIDTH_IN, HEIGHT_IN, DPI = 6.3, 3.4, 200
MALE_COLOUR, FEMALE_COLOUR = "#4472C4", "#ED7D31"  # the colours of the workbook's Excel charts
LINE_COLOURS = ("#1f4e79", "#c00000", "#548235", "#7f6000", "#7030a0")


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _new(height: float = HEIGHT_IN, columns: int = 1):
    figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    axes = figure.subplots(1, columns, sharex=columns > 1)
    for ax in (axes if columns > 1 else [axes]):
        ax.grid(True, color="#d9d9d9", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return figure, axes


def pyramids(valuation) -> ReportFigure:
    """Population by single age and sex (thousands) at 1 January of the base year and of the year
    after the last projection year, on the same scale."""
    pop = valuation.population.population  # (n + 1, 2, A) at 1 January
    first = int(valuation.population.years[0])
    stocks = ((first, pop[0]), (first + pop.shape[0] - 1, pop[-1]))
    widest = max(float(stock.max()) for _, stock in stocks) / 1e3
    figure, axes = _new(height=4.2, columns=2)
    ages = range(pop.shape[2])
    for ax, (when, stock) in zip(axes, stocks):
        ax.barh(ages, -stock[0] / 1e3, height=1.0, color=MALE_COLOUR, label="men")
        ax.barh(ages, stock[1] / 1e3, height=1.0, color=FEMALE_COLOUR, label="women")
        ax.set_xlim(-widest * 1.05, widest * 1.05)
        ax.set_ylim(-0.5, pop.shape[2] - 0.5)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{abs(x):,.0f}"))
        ax.set_title(f"1 January {when}", fontsize=10)
        ax.set_xlabel("thousands")
    axes[0].set_ylabel(f"age (last: {pop.shape[2] - 1}+)")
    axes[0].legend(loc="upper left", frameon=False, fontsize=8)
    return ReportFigure(f"Population by age and sex, 1 January {stocks[0][0]} and {stocks[1][0]}", _png(figure))


def _time_chart(caption: str, series, y_label: str, percent_axis: bool = False, note: str = "",
                steps=()) -> ReportFigure:
    """Lines of (label, years, values); ``steps``: (label, first year, last year, value) drawn as
    horizontal segments."""
    figure, ax = _new()
    for k, (label, years, values) in enumerate(series):
        ax.plot(years, values, color=LINE_COLOURS[k % len(LINE_COLOURS)], linewidth=1.8, label=label)
    for k, (label, start, end, value) in enumerate(steps):
        ax.hlines(value, start, end, colors=LINE_COLOURS[(len(series) + k) % len(LINE_COLOURS)], linestyles="--",
                  linewidth=1.3, label=label)
    if percent_axis:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:,.10g}"))
    if ax.get_ylim()[0] > 0:  # values all positive: the axis starts at 0
        ax.set_ylim(bottom=0)
    ax.set_ylabel(y_label)
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3)
    return ReportFigure(caption, _png(figure), note)


def contributors_and_pensioners(valuation) -> ReportFigure:
    summary = valuation.pension.summary
    years = summary["year"]
    series = [("active contributors", years, summary["actives"] / 1e3)]
    series += [(label, years, summary[column] / 1e3) for column, label in (
        ("pensioners_old_age", "old-age pensioners"), ("pensioners_invalidity", "invalidity pensioners"),
        ("pensioners_survivors", "widow(er)s"), ("pensioners_orphans", "orphans"))]
    return _time_chart("Active contributors and pensioners at 1 January", series, "thousands")


def cost_rate_and_premiums(valuation) -> ReportFigure:
    """PAYG cost rate and legislated contribution rate by year; the legislated-basis GAP equivalent of
    each period (the rate comparable with the contribution rate: collection, subsidy and expense rules
    applied) as a horizontal segment over the years it covers (the full projection's only when it is 5
    years or more longer than the longest other period: otherwise the two lines would overlap)."""
    yearly, table = valuation.finance.yearly, valuation.finance.indicators
    years = yearly["year"]
    first = int(years.iloc[0])
    gap = table[table["indicator"] == "gap_equivalent_contribution_rate"]
    horizons = [int(h) for h in gap["horizon"]]
    shown = [h for h in horizons if h in HORIZONS]
    shown += [h for h in horizons if h not in HORIZONS and h - max(shown, default=0) >= 5]
    steps = [(f"GAP equivalent {first}\u2013{first + h - 1}", first, first + h - 1, value)
             for h, value in zip(horizons, gap["value"]) if h in shown]
    return _time_chart("PAYG cost rate, contribution rate and its GAP equivalent",
                       [("PAYG cost rate", years, yearly["paygo_cost_rate"]),
                        ("legislated contribution rate", years, yearly["contribution_rate"])],
                       "share of insurable earnings", percent_axis=True, steps=steps,
                       note="Each GAP equivalent (the legislated rate that balances income and expenditure over "
                            "the period, with the collection, subsidy and expense rules) is drawn over the years it "
                            "covers; the GAP on the cost basis is in the financing indicators.")


def reserve_ratio(valuation) -> ReportFigure:
    yearly = valuation.finance.yearly
    target = valuation.inputs.finance.target_ratio
    return _time_chart("Reserve ratio at 31 December", [("reserve ratio", yearly["year"], yearly["reserve_ratio"])],
                       "years of expenditure",
                       steps=[(f"target reserve ({target:g} years of expenditure)", int(yearly["year"].iloc[0]),
                               int(yearly["year"].iloc[-1]), target)])


def demographic_ratio(valuation) -> ReportFigure:
    yearly, population = valuation.finance.yearly, valuation.population.summary
    return _time_chart("Demographic ratio of the scheme and old-age dependency ratio of the population",
                       [("pensioners / active contributors", yearly["year"], yearly["demographic_ratio"]),
                        ("population 65+ / 20\u201364", population["year"], population["old_age_dependency_65_20_64"])],
                       "ratio")


def projection_figures(valuation) -> tuple:
    return (pyramids(valuation), contributors_and_pensioners(valuation), cost_rate_and_premiums(valuation),
            reserve_ratio(valuation), demographic_ratio(valuation))
