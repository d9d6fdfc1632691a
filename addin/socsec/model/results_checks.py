"""Checks that the results are numbers a valuation can stand on (docs/methodology.md sections 10 and 14.1).

A projection can run to the end and still give nothing usable: overflowing or undefined values
(an amount of 1e300, a rate typed as a percentage, no insurable earnings left), a PAYG cost rate
above 100% of insurable earnings, or a reserve larger than any economy could hold.  Each is a
failed check (exit code 3, Checks sheet), never a blank cell under "checks OK".

Values that are empty by definition are not failures: the growth rates of the base year (no year
before it) and the depletion and crossover years of a reserve that is never depleted or never
crosses over (shown as "never").
"""

import math

import numpy as np

from socsec.model.valuation import Check

MAX_PAYGO_COST_RATE = 1.0  # expenditure above all insurable earnings: no contribution rate can finance it
MAX_RESERVE_TO_GDP = 20.0  # the largest public pension reserves hold about 3 x GDP
EMPTY_IN_BASE_YEAR = ("employment_growth", "real_gdp_growth")  # growth from a year before the base year
# undefined by definition: in a year without births; at 65 when the open age group starts below 65
MAY_BE_EMPTY = ("mean_age_childbearing", "e65_male", "e65_female")
NEVER = ("depletion_year", "crossover_year")  # empty when the event never happens within the horizon


def yearly_tables(population, economy, pension, finance, every_result: bool) -> dict:
    """The yearly result tables whose every value is written to a result sheet, each as its columns
    (column name -> (n,) values, or a scalar repeated every year, as the GAP in the financing table);
    the financing table with the capital values of pensions if ``every_result`` or if they are made
    already (a what-if reading one indicator does not make them)."""
    complete = every_result or "capital_values" in finance.__dict__
    financing = {**finance.columns, **finance.capital_values[0]} if complete else finance.columns
    return {"demography": population.summary_columns, "labour": economy.labour_columns,
            "macro": economy.macro_columns, "pension": pension.columns, "financing": financing}


def _matrix(columns: dict) -> tuple[list, np.ndarray]:
    """(column names, (columns, n) float values) of a yearly table."""
    values = np.empty((len(columns), len(columns["year"])))
    for row, column in zip(values, columns.values()):
        row[:] = column  # a scalar fills its row
    return list(columns), values


def non_finite_results(population, economy, pension, finance, every_result: bool = True) -> list[str]:
    """Where the results are not finite numbers: "table: column year" (or "indicator, h years") entries."""
    found = []
    for table, columns in yearly_tables(population, economy, pension, finance, every_result).items():
        names, values = _matrix(columns)
        finite = np.isfinite(values)
        if finite.all():  # the usual case, in one pass
            continue
        years = values[names.index("year")]
        for c in np.flatnonzero(~finite.all(axis=1)):
            bad = ~finite[c]
            if names[c] in EMPTY_IN_BASE_YEAR:
                bad[0] = bool(np.isinf(values[c, 0]))
            if names[c] in MAY_BE_EMPTY:
                bad = np.isinf(values[c])
            found += [f"{table}: {names[c]} {int(years[k])}" for k in np.flatnonzero(bad)]
    indicators = finance.indicators if every_result or "capital_values" in finance.__dict__ else finance.rows
    for name, horizon, value in zip(indicators["indicator"], indicators["horizon"], indicators["value"]):
        if not math.isfinite(value) and not (name in NEVER and math.isnan(value)):
            found.append(f"indicators: {name}, {int(horizon)} years")
    if every_result or "replacement" in finance.__dict__:
        rates = finance.replacement["replacement_rate"].to_numpy(dtype=float)
        found += ["replacement rates"] if not np.isfinite(rates).all() else []
    return found


def results_checks(population, economy, pension, finance, every_result: bool = True) -> tuple:
    """Finite results, PAYG cost rate at most 100%, reserve within a plausible multiple of GDP
    (``every_result``: the capital values of pensions and the replacement rates too, made now)."""
    bad = non_finite_results(population, economy, pension, finance, every_result)
    yearly = finance.columns
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = np.asarray(yearly["paygo_cost_rate"], dtype=float)
        to_gdp = np.asarray(yearly["reserve_end"], dtype=float) / economy.column("nominal_gdp")
    worst_cost = float(np.nanmax(cost)) if np.isfinite(cost).any() else float("nan")
    worst_reserve = float(np.nanmax(to_gdp)) if np.isfinite(to_gdp).any() else float("nan")
    years = np.asarray(yearly["year"])
    return (
        Check("Results are finite numbers", float(len(bad)), 0.0, not bad,
              "number of result values that overflowed or are undefined" +
              (f"; first: {', '.join(bad[:3])}: check the inputs these depend on" if bad else "")),
        Check("PAYG cost rate at most 100%", worst_cost, MAX_PAYGO_COST_RATE, worst_cost <= MAX_PAYGO_COST_RATE,
              "highest PAYG cost rate (expenditure / insurable earnings)" +
              _in_year(cost, years, MAX_PAYGO_COST_RATE) + "; above 100% no contribution rate finances the "
              "scheme: check amounts and rates typed as percentages"),
        Check(f"Reserve at most {MAX_RESERVE_TO_GDP:g} x GDP", worst_reserve, MAX_RESERVE_TO_GDP,
              worst_reserve <= MAX_RESERVE_TO_GDP,
              "highest reserve at 31 December / nominal GDP of the year" + _in_year(to_gdp, years, MAX_RESERVE_TO_GDP)
              + "; check the initial reserve, returns and contribution rate"),
    )


def _in_year(values: np.ndarray, years, limit: float) -> str:
    """" (first above the limit: YEAR)" or "" when none is."""
    above = np.flatnonzero(~(values <= limit))
    return f" (first above {limit:g} or undefined in {int(years[above[0]])})" if len(above) else ""
