"""Named scenarios, side-by-side comparison and solve-for (docs/methodology.md section 11).

A scenario is a name and a set of input overrides (:mod:`socsec.model.overrides`) applied on top
of the base inputs; the base itself is the scenario "base".  :func:`solve_for` finds the value of
one override that meets a target, by bisection on an indicator that is monotone in it.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from socsec.model.overrides import OverrideError, apply_overrides, lookup
from socsec.model.valuation import run_valuation

BASE = "base"


@dataclass(frozen=True)
class Scenario:
    name: str
    overrides: tuple  # ((override name, value), ...)


class SolveError(ValueError):
    """A target that cannot be met within the bounds searched."""


def run_scenarios(inputs, scenarios, engine: str = "numba", extra: tuple = ()) -> dict:
    """Valuations of the base and of each scenario, by name (the base first); ``extra`` overrides
    (e.g. ``--set`` on the command line) apply to all of them, after each scenario's own.

    A scenario reuses the base's projection of every block whose inputs (and those of the blocks
    before it) it does not change (:class:`socsec.model.chain.LazyValuation`), e.g. a new
    contribution rate reuses the population and the economy; the checks are run for each.
    """
    from socsec.model.chain import LazyValuation

    base = LazyValuation(apply_overrides(inputs, extra), engine=engine)
    results = {BASE: _complete(base)}
    for scenario in scenarios:
        lazy = LazyValuation(scenario_inputs(inputs, scenario, extra), base=base, engine=engine)
        results[scenario.name] = _complete(lazy)
    return results


def scenario_inputs(inputs, scenario: Scenario | None, extra: tuple = ()):
    """The inputs of a scenario (None: the base): its overrides, then the ``extra`` ones."""
    return apply_overrides(inputs, (scenario.overrides if scenario else ()) + tuple(extra))


def _complete(lazy):
    """A full Valuation from a lazy one: every block (computed or reused) and the checks."""
    return lazy.full(every_result=True)


def indicators_table(valuations: dict) -> pd.DataFrame:
    """Every indicator of every scenario, long form: scenario, indicator, horizon, value, units."""
    frames = []
    for name, valuation in valuations.items():
        frame = valuation.finance.indicators.copy()
        frame.insert(0, "scenario", name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


COMPARISON_SERIES = ("paygo_cost_rate", "reserve_ratio", "reserve_end", "contribution_rate",
                     "expenditure_percent_gdp")


def comparison_table(valuations: dict) -> pd.DataFrame:
    """Indicators side by side (one column per scenario) and key series by year."""
    def side_by_side(long: pd.DataFrame, kind: str) -> pd.DataFrame:
        wide = long.set_index(["indicator", "horizon", "scenario"])["value"].unstack("scenario")
        order = long.drop_duplicates(["indicator", "horizon"])[["indicator", "horizon"]]
        wide = wide.reindex(pd.MultiIndex.from_frame(order)).reset_index()
        wide.insert(0, "kind", kind)
        return wide

    indicators = side_by_side(indicators_table(valuations), "indicator")
    rows = []
    for series in COMPARISON_SERIES:
        for name, valuation in valuations.items():
            yearly = valuation.finance.yearly
            rows += [{"indicator": series, "horizon": int(year), "scenario": name, "value": float(value)}
                     for year, value in zip(yearly["year"], yearly[series])]
    series = side_by_side(pd.DataFrame(rows), "series")
    columns = ["kind", "indicator", "horizon"] + list(valuations)
    return pd.concat([indicators[columns], series[columns]], ignore_index=True)


@dataclass(frozen=True)
class Solution:
    parameter: str
    value: float
    target: str
    achieved: float
    iterations: int


TARGETS = ("min_reserve_ratio", "gap_equilibrium")


def _measure(valuation, target: str, horizon: int) -> float:
    """The quantity a target constrains, over the first ``horizon`` years: the minimum reserve
    ratio, or for GAP equilibrium ``(F_0 + PV(contributions + subsidy) - PV(expenditure)) /
    PV(insurable earnings)`` (>= 0 exactly when the contribution rate covers the GAP)."""
    yearly = valuation.finance.yearly.iloc[:horizon]
    if target == "min_reserve_ratio":
        return float(yearly["reserve_ratio"].min())
    from socsec.model.actuarial import discount_factors
    D, D_mid = discount_factors(yearly["nominal_return"].to_numpy(), len(yearly))
    earnings = np.sum(D_mid * yearly["insurable_earnings"])
    income = valuation.inputs.finance.initial_reserve + np.sum(D_mid * (yearly["contributions"]
                                                                      + yearly["state_subsidy"]))
    return float((income - np.sum(D_mid * yearly["expenditure"])) / earnings)


def solve_for(inputs, parameter: str, target: str, horizon: int, level: float = 0.0, low: float | None = None,
              high: float | None = None, tolerance: float = 1e-6, max_iterations: int = 100,
              engine: str = "numba") -> Solution:
    """Smallest value of ``parameter`` (an override) such that the target is met, by bisection.

    target "min_reserve_ratio": the reserve ratio stays at or above ``level`` (years of
    expenditure) in each of the first ``horizon`` years; "gap_equilibrium": income (reserve, PV of
    contributions and subsidy) covers expenditure over the first ``horizon`` years (level = 0).
    The measure must increase with the parameter (contribution rate, retirement age, ...).
    Whole-number parameters (retirement ages) are searched over integers.
    """
    if target not in TARGETS:
        raise SolveError(f"unknown target {target!r}: expected one of {', '.join(TARGETS)}")
    override = lookup(parameter)
    low = override.low if low is None else low
    high = override.high if high is None else high
    if low is None or high is None:
        raise SolveError(f"give the search bounds for {parameter} (it has no natural bounds)")
    n = len(inputs.population.years)
    if not 1 <= horizon <= n:
        raise SolveError(f"horizon must be between 1 and {n} years, found {horizon}")
    integer = parameter in WHOLE_NUMBER_PARAMETERS

    def gap(value):
        return _measure(run_valuation(apply_overrides(inputs, {parameter: value}), engine), target, horizon) - level

    try:
        at_low, at_high = gap(low), gap(high)
    except OverrideError as exc:
        raise SolveError(str(exc)) from None
    if at_high < 0:
        raise SolveError(f"the target cannot be met: even with {parameter} = {high:g} the "
                         f"{target.replace('_', ' ')} over {horizon} years is {at_high + level:.4g}, below {level:g}")
    iterations = 2
    if at_low >= 0:
        value = low
    else:
        while (high - low > (1 if integer else tolerance)) and iterations < max_iterations:
            middle = (low + high) / 2.0
            if integer:
                middle = float(int(middle))
                if middle == low:
                    middle = low + 1
            iterations += 1
            if gap(middle) >= 0:
                high = middle
            else:
                low = middle
        value = high
    achieved = gap(value) + level
    return Solution(parameter, value, target, achieved, iterations)


WHOLE_NUMBER_PARAMETERS = {"normal_retirement_age"}
