"""Sensitivity of the key financing indicators to one assumption at a time (docs/methodology.md section 11.6).

Each row of the Sensitivity table names one override (a Scenarios-sheet parameter, e.g. ``tfr_shift``) and
a low and a high value; the inputs are valued with that override at each value and everything else at
the base.  The result is one row per parameter and key indicator: the base value and the values at the
low and at the high setting, as in the sensitivity tables of the US Social Security Trustees Report
(section V.D) and of Canada's CPP actuarial reports.  Blocks whose inputs an override leaves unchanged are
taken from the base (:class:`socsec.model.chain.LazyValuation`).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from socsec.model.overrides import apply_overrides

# (indicator, horizon in years; None: the whole projection) of socsec.model.finance
KEY_INDICATORS = (("gap", 50), ("gap", 75), ("gap_equivalent_contribution_rate", 50),
                  ("gap_equivalent_contribution_rate", 75), ("paygo_cost_rate_last_year", None),
                  ("minimum_reserve_ratio", None), ("depletion_year", None))
COLUMNS = ("parameter", "low", "high", "indicator", "horizon", "base_value", "value_low", "value_high")

# The defaults of the example and of the template: changes from the values as entered, so that they suit
# any country.  (parameter, low, high, source)
DEFAULT_SENSITIVITY = (
    ("tfr_shift", -0.5, 0.5, "UN WPP low and high fertility variants: 0.5 child per woman below and above "
                             "the medium variant"),
    ("mortality_scale", 1.15, 0.85, "death rates 15% higher / lower at every age, sex and year (shorter / "
                                    "longer life expectancy)"),
    ("net_migration_scale", 0.5, 1.5, "half / one and a half times the net migrants of every year"),
    ("productivity_growth_shift", -0.005, 0.005, "0.5 percentage point a year less / more productivity growth"),
    ("cpi_inflation_shift", -0.01, 0.01, "1 percentage point a year less / more CPI inflation"),
    ("investment_return_shift", -0.01, 0.01, "1 percentage point a year less / more investment return"),
    ("unemployment_shift", -0.02, 0.02, "2 percentage points less / more unemployment every year"),
    ("coverage_scale", 0.9, 1.1, "coverage 10% lower / higher"),
    ("density_scale", 0.9, 1.1, "density of contributions 10% lower / higher"),
    ("normal_retirement_age_shift", -2, 2, "normal retirement age 2 years lower / higher"),
)


@dataclass(frozen=True)
class SensitivityRow:
    """One row of the Sensitivity table: a parameter (override name) valued at ``low`` and at ``high``."""

    parameter: str
    low: float
    high: float
    source: str = ""


def key_indicators(n: int) -> tuple:
    """(indicator, horizon) of :data:`KEY_INDICATORS` for a projection of ``n`` years: horizons beyond it
    are left out; None becomes ``n``."""
    return tuple((name, n if h is None else h) for name, h in KEY_INDICATORS if h is None or h <= n)


def variant_inputs(inputs, rows) -> dict:
    """(parameter, "low" or "high") -> the inputs with that one override applied."""
    return {(row.parameter, side): apply_overrides(inputs, {row.parameter: getattr(row, side)})
            for row in rows for side in ("low", "high")}


def run_sensitivity(inputs, rows, engine: str = "numba") -> tuple[pd.DataFrame, dict]:
    """The sensitivity table (:data:`COLUMNS`, one row per parameter and key indicator) and the failed
    checks of each variant ((parameter, side) -> names of the failed checks; only variants with one)."""
    from socsec.model.chain import LazyValuation
    from socsec.model.valuation import checked_valuation

    n = len(inputs.population.years)
    indicators = key_indicators(n)
    base = LazyValuation(inputs, engine=engine)
    base_values = [base.finance.indicator(name, h) for name, h in indicators]
    failed, values = {}, {}
    for key, variant_in in variant_inputs(inputs, rows).items():
        lazy = LazyValuation(variant_in, base=base, engine=engine)
        values[key] = [lazy.finance.indicator(name, h) for name, h in indicators]
        checked = checked_valuation(variant_in, lazy.population, lazy.economy, lazy.pension, lazy.finance)
        bad = [c.name for c in checked.checks if not c.ok]
        if bad:
            failed[key] = bad
    table = [(row.parameter, row.low, row.high, name, h, base_values[k], values[row.parameter, "low"][k],
              values[row.parameter, "high"][k]) for row in rows for k, (name, h) in enumerate(indicators)]
    return pd.DataFrame(table, columns=list(COLUMNS)), failed


def tornado_order(table: pd.DataFrame, indicator: str, horizon: int) -> pd.DataFrame:
    """The rows of one indicator sorted for a tornado chart: the smallest swing |value_high - value_low|
    first (Excel draws the first category at the bottom, so the widest bar ends on top); rows whose values
    are not all finite (e.g. a depletion year "never") are left out."""
    rows = table[(table["indicator"] == indicator) & (table["horizon"] == horizon)]
    values = rows[["base_value", "value_low", "value_high"]].to_numpy(dtype=float)
    rows = rows[np.isfinite(values).all(axis=1)]
    swing = (rows["value_high"] - rows["value_low"]).abs()
    return rows.assign(swing=swing).sort_values("swing", kind="stable").drop(columns="swing")
