"""Sections 2 to 8 of the report: text and tables made from the valuation's public results.

Every number is read from the valuation (its inputs as read from the workbook, the yearly
result tables, the indicators table, the replacement rates, the checks) or from the run stamp;
labels and number formats come from the workbook contract where it declares them.  Tables by
year show the base year, every ``step`` years after it and the last projection year.
"""

import numpy as np

from socsec.model.overrides import lookup
from socsec.model.scenarios import BASE, comparison_table
from socsec.report.blocks import Subheading, Table
from socsec.formats import (MONEY_UNITS, decimal, excel_format, is_money, millions, money_label,
                                   percent, whole, year)
from socsec.workbook.contract import (ALL_SETTINGS, FINANCE_INPUTS, FINANCE_SETTINGS, INPUT_TABLES, PENSION_ROWS,
                                      PENSION_SETTINGS, RULE_ROWS, indicator_label, setting)
from socsec.workbook.results import STAMP, stamp_values
from socsec.workbook.tables import blocks_of, settings_of

PROJECTION_STEP = 5  # years between the rows of the projection tables (section 5)
ASSUMPTION_STEP = 10  # years between the rows of the assumption tables (section 3)
MAX_CHANGES = 6  # a provision that changes more often is shown by its first and last values
PROVISION_WEIGHTS = (4.0, 1.2, 4.0)  # relative widths: provision, base-year value, later changes


def report_years(years, step: int) -> list[int]:
    """The base year, every ``step`` years after it, and the last year."""
    years = np.asarray(years)
    first, last = int(years[0]), int(years[-1])
    return sorted(set(range(first, last + 1, step)) | {last})


def year_table(caption: str, frame, years, columns, note: str = "") -> Table:
    """A table with one row per year of ``years`` and one column per (column of ``frame``, header,
    formatter) of ``columns``."""
    rows = frame.set_index("year").loc[years]
    return Table(caption, ("Year",) + tuple(header for _, header, _ in columns),
                 tuple((str(y),) + tuple(fmt(rows.at[y, key]) for key, _, fmt in columns) for y in years), note)


# --- 2. The scheme ----------------------------------------------------------------------------

def _changes(values, years, fmt: str) -> str:
    """How a provision given by year changes after the base year: 'x from 2030, y from 2032'."""
    shown = [excel_format(v, fmt) for v in values]
    steps = [(shown[k], int(years[k])) for k in range(1, len(shown)) if shown[k] != shown[k - 1]]
    if not steps:
        return "unchanged"
    if len(steps) > MAX_CHANGES:
        return f"changes {len(steps)} times, to {steps[-1][0]} from {steps[-1][1]}"
    return ", ".join(f"{value} from {when}" for value, when in steps)


def _provision_rows(block, formats) -> tuple:
    years = block.col_labels
    return tuple((label, excel_format(values[0], fmt), _changes(values, years, fmt))
                 for label, values, fmt in zip(block.row_labels, block.values, formats))


def _setting_value(spec, value, currency: str) -> str:
    if spec.kind == "number" and spec.units.startswith("currency units"):
        return f"{millions(value)} {currency} million"
    if spec.kind in ("number", "int"):
        return f"{_plain(value)} {spec.units}"
    return str(value)


def scheme_section(valuation) -> tuple:
    inputs = valuation.inputs
    blocks, settings = blocks_of(inputs), settings_of(inputs)
    currency = inputs.economy.currency
    base = int(inputs.population.years[0])
    options = tuple((spec.label, _setting_value(spec, settings[spec.name], currency), spec.description)
                    for spec in PENSION_SETTINGS + FINANCE_SETTINGS)
    financing = FINANCE_INPUTS[0]
    return (
        f"The provisions below are those of the sheets Scheme rules and Financing as read for this valuation: "
        f"the value of {base} and, where the rules change over the projection, each new value with the year "
        "it takes effect. Money amounts are at base-year level and indexed as the rules state.",
        Table(f"Main provisions of the scheme ({base} and later changes)", ("Provision", str(base), "Later changes"),
              _provision_rows(blocks["in_rules"], [r[4] for r in RULE_ROWS]), weights=PROVISION_WEIGHTS),
        Table("Financing provisions", ("Item", str(base), "Later changes"),
              _provision_rows(blocks[financing.name], financing.number_format), weights=PROVISION_WEIGHTS),
        Table("Rules of calculation and financing options", ("Option", "Value", "Meaning"), options,
              weights=(3.0, 2.0, 5.0)),
    )


# --- 3. Demographic and economic context -------------------------------------------------------

DEMOGRAPHIC_COLUMNS = (  # (column of the demographic summary, header, formatter, input tables of its source)
    ("population", "Population at 1 January (thousands)", lambda v: whole(v / 1e3), ("in_base_pop",)),
    ("tfr", "Total fertility rate", lambda v: decimal(v, 2), ("in_tfr", "in_asfr", "in_fert_pattern")),
    ("e0_male", "Life expectancy at birth, men", decimal, ("in_mort_male",)),
    ("e0_female", "Life expectancy at birth, women", decimal, ("in_mort_female",)),
    ("e65_male", "Life expectancy at 65, men", decimal, ()),
    ("e65_female", "Life expectancy at 65, women", decimal, ()),
    ("net_migration", "Net migration (thousands)", lambda v: decimal(v / 1e3, 1), ("in_mig_male", "in_mig_female")),
    ("old_age_dependency_65_20_64", "Old-age dependency ratio 65+ / 20\u201364", percent, ()),
)
LABOUR_COLUMNS = (
    ("participation_15_64_male", "Participation 15\u201364, men", lambda v: percent(v, 1), ("in_lfpr_male",)),
    ("participation_15_64_female", "Participation 15\u201364, women", lambda v: percent(v, 1), ("in_lfpr_female",)),
    ("unemployment_rate", "Unemployment rate", lambda v: percent(v, 1), ("in_unemployment",)),
)
MACRO_COLUMNS = (
    ("productivity_growth", "Productivity growth", percent, ("in_macro",)),
    ("cpi_inflation", "CPI inflation", percent, ()),
    ("average_wage_growth", "Average wage growth", percent, ()),
    ("real_wage_growth", "Real wage growth", percent, ()),
    ("nominal_return", "Investment return, nominal", percent, ()),
    ("real_return", "Investment return, real", percent, ()),
)


def sources_note(sources: dict, columns) -> str:
    """'Sources: <input title>: <source>; ...' of the input tables behind ``columns``."""
    titles = {spec.name: f"{spec.title} (sheet {spec.sheet})" for spec in INPUT_TABLES}
    names = [name for *_, inputs in columns for name in inputs if sources.get(name)]
    if not names:
        return "Sources: none entered in the workbook."
    return "Sources: " + "; ".join(f"{titles[name]}: {sources[name]}" for name in dict.fromkeys(names)) + "."


def context_section(valuation, sources: dict) -> tuple:
    years = report_years(valuation.population.summary["year"], ASSUMPTION_STEP)
    economy = valuation.economy
    labour_macro = economy.labour_summary.merge(economy.macro, on="year")
    economic = LABOUR_COLUMNS + MACRO_COLUMNS
    return (
        "The tables give the assumptions of the valuation and the demographic and economic results that follow "
        "from them (mortality, fertility and migration give the life expectancies and the population; "
        f"participation, unemployment and the macroeconomic assumptions give the labour force, wages and "
        f"returns), every {ASSUMPTION_STEP} years. Rates of growth and returns are from the previous year to "
        "the year shown.",
        year_table("Demographic assumptions and population", valuation.population.summary, years,
                   [c[:3] for c in DEMOGRAPHIC_COLUMNS], sources_note(sources, DEMOGRAPHIC_COLUMNS)),
        year_table("Labour market and economic assumptions", labour_macro, years, [c[:3] for c in economic],
                   sources_note(sources, economic)),
    )


# --- 4. Base-year data and calibration ---------------------------------------------------------

BASE_YEAR_ITEMS = ("actives_male", "actives_female", "actives", "inactive", "pensioners_old_age",
                   "pensioners_invalidity", "pensioners_survivors", "pensioners_orphans",
                   "average_insurable_earnings", "insurable_earnings", "contributions", "average_pension_old_age",
                   "total_expenditure")


def _labelled(key: str, value: float, label: str, fmt: str, currency: str) -> tuple[str, str]:
    """(label, text) of a row of the pension summary: totals of money in millions, averages per person
    in whole currency units, other values in the contract's format."""
    if is_money(label) and key.startswith("average_"):
        return label.replace(MONEY_UNITS, f"({currency})"), whole(value)
    if is_money(label):
        return money_label(label, currency), millions(value)
    return label, excel_format(value, fmt)


def base_year_section(valuation) -> tuple:
    inputs = valuation.inputs
    currency, base = inputs.economy.currency, int(inputs.population.years[0])
    first = valuation.pension.summary.iloc[0]
    rows = {key: (label, fmt) for key, label, fmt in PENSION_ROWS}
    items = tuple(_labelled(key, float(first[key]), *rows[key], currency) for key in BASE_YEAR_ITEMS)
    reserve = (f"Reserve at 1 January ({currency} million)",
               millions(valuation.finance.yearly["reserve_start"].iloc[0]))
    calibration = valuation.pension.calibration
    calibrated = tuple((money_label(r.label, currency),
                        millions(r.projected) if is_money(r.label) else whole(r.projected),
                        millions(r.actual) if is_money(r.label) else whole(r.actual), decimal(r.ratio, 3))
                       for r in calibration.itertuples())
    return (
        f"The projection starts from the insured persons, pensioners and pensions in payment of the sheet Scheme "
        f"data at 1 January {base}. Flows of the year {base} (contributions, pensions paid) are those the model "
        "projects for that year.",
        Table(f"Insured persons, pensioners and cash flows of {base}", ("Item", str(base)), items + (reserve,)),
        f"Calibration: the model's figures of {base} against the scheme's accounts entered on the sheet Scheme data. "
        "A ratio near 1 means that the projection reproduces the accounts of the base year.",
        Table(f"Calibration against the accounts of {base}", ("Item", "Projected", "Accounts", "Ratio"), calibrated),
    )


# --- 5. Projection results -----------------------------------------------------------------------

def _thousands(value) -> str:
    return whole(value / 1e3)


def projection_tables(valuation) -> tuple:
    """The tables of section 5: insured and pensioners, expenditure and contributions, reserve."""
    currency = valuation.inputs.economy.currency
    yearly = valuation.finance.yearly
    years = report_years(yearly["year"], PROJECTION_STEP)
    people = (("actives", "Active contributors", _thousands), ("inactive", "Inactive insured", _thousands),
              ("pensioners_old_age", "Old-age pensioners", _thousands),
              ("pensioners_invalidity", "Invalidity pensioners", _thousands),
              ("pensioners_survivors", "Widow(er)s", _thousands), ("pensioners_orphans", "Orphans", _thousands),
              ("demographic_ratio", "Demographic ratio", lambda v: decimal(v, 3)),
              ("benefit_ratio", "Benefit ratio", lambda v: decimal(v, 3)))
    flows = (("expenditure", f"Expenditure ({currency} million)", millions),
             ("contributions", f"Contributions collected ({currency} million)", millions),
             ("expenditure_percent_gdp", "Expenditure, % of GDP", percent),
             ("contributions_percent_gdp", "Contributions, % of GDP", percent),
             ("paygo_cost_rate", "Expenditure, % of insurable earnings (PAYG cost rate)", percent),
             ("contributions_percent_earnings", "Contributions, % of insurable earnings", percent))
    reserve = (("state_subsidy", f"State subsidy ({currency} million)", millions),
               ("investment_income", f"Investment income ({currency} million)", millions),
               ("reserve_end", f"Reserve at 31 December ({currency} million)", millions),
               ("reserve_ratio", "Reserve ratio (years of expenditure)", decimal),
               ("nominal_return", "Nominal investment return", percent))
    with_ratio = yearly.assign(contributions_percent_earnings=yearly["contributions"] / yearly["insurable_earnings"])
    return (
        year_table("Insured persons and pensioners at 1 January (thousands) and ratios", valuation.pension.summary,
                   years, people, "Demographic ratio: pensioners / active contributors. Benefit ratio: average "
                                  "pension / average insurable earnings."),
        year_table("Expenditure and contributions", with_ratio, years, flows,
                   "Expenditure includes lump-sum grants and administrative expenses. Contributions: those "
                   "collected (due contributions times the collection rate)."),
        year_table("Income and reserve", yearly, years, reserve,
                   "Reserve ratio: reserve at 31 December / expenditure of the year."),
    )


# --- 6. Financing indicators ---------------------------------------------------------------------

def indicator_text(value: float, name: str, horizon: int, units: str, currency: str) -> str:
    """One indicator as the report shows it: money in millions, calendar years whole ('none' when
    there is no such year), the rest in the format of the Indicators sheet."""
    if units == "currency units":
        return f"{millions(value)} {currency} million"
    if units == "calendar year":
        return year(value, none="none")
    return excel_format(value, indicator_label(name, horizon)[1])


def _heading(name: str) -> str:
    """The label of an indicator without its horizon: the column heading of a table by horizon."""
    return indicator_label(name, 0)[0].replace(", 0 years", "")


def by_horizon_table(caption: str, indicators, names, base: int, currency: str, note: str = "") -> Table:
    """One row per horizon, one column per indicator of ``names`` found in the indicators table."""
    shown = [name for name in names if (indicators["indicator"] == name).any()]
    horizons = sorted({int(h) for h in indicators.loc[indicators["indicator"].isin(shown), "horizon"]})
    rows = []
    for h in horizons:
        cells = []
        for name in shown:
            match = indicators[(indicators["indicator"] == name) & (indicators["horizon"] == h)]
            cells.append(indicator_text(float(match["value"].iloc[0]), name, h, match["units"].iloc[0], currency)
                         if len(match) else "")
        rows.append((f"{h} years ({base}\u2013{base + h - 1})",) + tuple(cells))
    return Table(caption, ("Period",) + tuple(_heading(name) for name in shown), tuple(rows), note)


def gap_names(indicators) -> list[str]:
    """The GAP-type indicators the valuation provides ('gap' and every 'gap_...'), in table order."""
    names = indicators["indicator"].drop_duplicates()
    return [n for n in names if n == "gap" or n.startswith("gap_")]


SUMMARISED = ("summarised_income_rate", "summarised_cost_rate", "actuarial_balance")


def financing_section(valuation) -> tuple:
    finance, currency = valuation.finance, valuation.inputs.economy.currency
    table = finance.indicators
    base = int(finance.yearly["year"].iloc[0])
    gaps = gap_names(table)
    scaled = table[table["indicator"].str.startswith("scaled_premium_")]
    premiums = tuple((f"{int(name.rsplit('_', 1)[1])}\u2013{int(name.rsplit('_', 1)[1]) + int(h) - 1}",
                      excel_format(value, indicator_label(name, int(h))[1]))
                     for name, h, value in zip(scaled["indicator"], scaled["horizon"], scaled["value"]))
    shown = set(gaps) | set(SUMMARISED) | set(scaled["indicator"])
    others = table[~table["indicator"].isin(shown)]
    other_rows = tuple((indicator_label(name, int(h))[0], indicator_text(value, name, int(h), units, currency))
                       for name, h, value, units in zip(others["indicator"], others["horizon"], others["value"],
                                                        others["units"]))
    variant = setting("in_scaled_variant")
    return (
        "The general average premium (GAP) over a period is the constant contribution rate, as a share of "
        "insurable earnings, at which the reserve at the start of the period, the contributions and the state "
        "subsidy cover the expenditure of the period (present values at the projected investment return); with "
        "a target, a reserve of the target number of years of expenditure is also left at its end.",
        by_horizon_table("General average premium by period", table, gaps, base, currency,
                         "Share of insurable earnings."),
        Table("Scaled premiums by period of equilibrium", ("Period", "Scaled premium"), premiums,
              f"Condition of each period ({variant.label.lower()}): {valuation.inputs.finance.scaled_variant}."),
        by_horizon_table("Summarised income and cost rates and actuarial balance", table, SUMMARISED, base, currency,
                         "Summarised income rate: (reserve + PV of contributions and subsidy) / PV of insurable "
                         "earnings; summarised cost rate: (PV of expenditure + PV of a target reserve) / PV of "
                         "insurable earnings; actuarial balance: the difference."),
        Table("Balance sheet, funding and other indicators", ("Indicator", "Value"), other_rows),
        replacement_table(finance.replacement),
    )


def replacement_table(replacement) -> Table:
    wide = replacement.pivot_table(index=["career", "sex"], columns="year", values="replacement_rate", sort=False)
    minima = replacement.groupby(["career", "sex"], sort=False)[["ilo_c102", "ilo_c128"]].first()
    rows = tuple((f"{career}, {sex}",) + tuple(percent(v, 1) for v in values)
                 + tuple(percent(v, 1) if v == v else "none" for v in minima.loc[(career, sex)])
                 for (career, sex), values in zip(wide.index, wide.to_numpy()))
    return Table("Theoretical replacement rates of stylised careers, by year of retirement",
                 ("Career",) + tuple(str(int(y)) for y in wide.columns) + ("ILO C102 minimum", "ILO C128 minimum"),
                 rows, "Pension at the normal retirement age over the career's earnings level times the economy's "
                 "average wage of the year of retirement. The minima of ILO Conventions No. 102 (40%) and No. 128 "
                 "(45%) hold after 30 years of contributions and in proportion from 15 years (none below).")


# --- 7. Scenarios ---------------------------------------------------------------------------------

SCENARIO_HORIZONS = (25, 50, 75)  # horizons of the indicators by horizon in the comparison


def scenario_indicators(indicators) -> list[str]:
    """The indicators compared across scenarios: every GAP-type indicator among them."""
    return ["paygo_cost_rate_last_year", *gap_names(indicators), "actuarial_balance", "minimum_reserve_ratio",
            "crossover_year", "depletion_year"]


def scenarios_section(compared: dict, scenarios, main: str | None) -> tuple:
    """Definitions and side-by-side indicators of the scenarios valued (``compared``: name ->
    valuation, the base first), or what to do to value them."""
    defined = {s.name: s for s in scenarios}

    def changes(name: str) -> str:
        if name not in defined:
            return "the inputs as entered"
        return "; ".join(f"{p} = {v:g} ({lookup(p).units})" for p, v in defined[name].overrides)

    if len(compared) < 2:
        if not scenarios:
            return ("The workbook defines no scenario (sheet Scenarios): add scenarios there and run "
                    "`socsec report` with --compare to compare them with the base.",)
        main_note = (f" This report is on the scenario \u2018{main}\u2019, which changes: {changes(main)}."
                     if main and main != BASE else "")
        return (f"The sheet Scenarios defines {len(scenarios)} scenario(s) ({', '.join(defined)}), not compared "
                f"in this run: run `socsec report` with --compare to add the side-by-side comparison.{main_note}",)
    definitions = tuple((name, changes(name)) for name in compared)
    base = next(iter(compared.values()))
    currency = base.inputs.economy.currency
    units = dict(zip(zip(base.finance.indicators["indicator"], base.finance.indicators["horizon"]),
                     base.finance.indicators["units"]))
    wide = comparison_table(compared)
    wide = wide[wide["kind"] == "indicator"].set_index(["indicator", "horizon"])
    rows = []
    for name in scenario_indicators(base.finance.indicators):
        horizons = [int(h) for h in wide.loc[name].index]
        for h in [h for h in horizons if h in SCENARIO_HORIZONS] or horizons:
            rows.append((indicator_label(name, h)[0],) + tuple(
                indicator_text(float(wide.at[(name, h), s]), name, h, units[(name, h)], currency)
                for s in compared))
    main_note = f" This report is on the scenario \u2018{main}\u2019." if main and main != BASE else ""
    return (
        f"Each scenario changes some inputs of the base (the inputs as entered) and is valued in full.{main_note}",
        Table("Scenarios valued", ("Scenario", "Inputs changed"), definitions),
        Table("Key indicators by scenario", ("Indicator",) + tuple(compared), tuple(rows),
              weights=(3.0,) + (1.0,) * len(compared)),
    )


# --- 8. Annex ------------------------------------------------------------------------------------

def annex_section(valuation, info, sources: dict, input_file: str) -> tuple:
    checks = tuple((c.name, f"{c.value:.3g}", f"{c.tolerance:g}", "OK" if c.ok else "FAILED", c.description)
                   for c in valuation.checks)
    values = stamp_values(info)
    stamp = ((("Input workbook", input_file),) + tuple((label, values[name]) for name, label in STAMP)
             + (("Projection time", f"{info.seconds:.1f} s"),))
    inputs = valuation.inputs
    settings = settings_of(inputs)
    setting_rows = tuple((f"{spec.label} ({spec.sheet})", _plain(settings[spec.name]), sources.get(spec.name, ""))
                         for spec in ALL_SETTINGS)
    table_rows = tuple((spec.sheet, spec.title, spec.units, _source_or_use(spec, settings, sources))
                       for spec in INPUT_TABLES)
    return (
        Subheading("Consistency checks"),
        Table("Consistency checks of the run", ("Check", "Worst value", "Tolerance", "Status", "What it checks"),
              checks, weights=(3.0, 1.2, 1.2, 1.0, 5.0)),
        Subheading("Run stamp"),
        Table("What produced this report", ("Item", "Value"), stamp, weights=(1.0, 3.0)),
        Subheading("Inputs"),
        Table("Settings", ("Setting (sheet)", "Value", "Source"), setting_rows, weights=(3.0, 2.0, 5.0)),
        Table("Input tables", ("Sheet", "Table", "Units", "Source"), table_rows, weights=(1.6, 2.6, 1.6, 5.0)),
    )


def _plain(value) -> str:
    """A setting as typed: numbers with thousands separators, text as it is."""
    if isinstance(value, (int, float)):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.10g}"
    return str(value)


def _source_or_use(spec, settings: dict, sources: dict) -> str:
    """The source of an input table, or why it is not read (a setting chooses another input)."""
    if spec.required_if and settings.get(spec.required_if[0]) != spec.required_if[1]:
        name, value = spec.required_if
        return f"not used: {setting(name).label} is not {value}"
    return sources.get(spec.name, "")
