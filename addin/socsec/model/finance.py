"""Financing, reserve and actuarial indicators (docs/methodology.md section 10).

Works on the yearly cash flows of the pension block and the returns of the economic frame.
Every indicator is a share of insurable earnings (0.12 = 12%) unless stated.

* Contribution income ``C_t = rate_t x S_t x collection_t``; state subsidy
  ``share_t x (B_t + E_t) + amount_t``; expenditure ``X_t = B_t + E_t`` (benefits, grants,
  administration).
* Reserve with mid-year flows: ``I_t = i_t F_t + ((1 + i_t)^(1/2) - 1)(C_t + G_t - X_t)``,
  ``F_{t+1} = F_t + C_t + G_t + I_t - X_t`` (:func:`socsec.model.actuarial.reserve_roll_forward`).
* Reserve ratio ``F_{t+1} / X_t``; depletion year: first t with ``F_{t+1} < 0``; crossover year:
  first t with ``C_t + G_t < X_t`` (contributions and subsidy below expenditure).
* PAYG cost rate ``X_t / S_t``; it equals the demographic ratio x the benefit ratio times
  (expenditure / pensions in payment at 1 January) x (actives at 1 January / average actives), two
  factors near 1 that carry the mid-year conventions, grants and administration.
* GAP over the first h years (h = 10, 25, 50, 75 and the full horizon), with F_0 the initial
  reserve, without and with an end target ``F* = target ratio x X_{h-1}``
  (:func:`socsec.model.actuarial.general_average_premium`); the subsidy counts as income.
* The same on the legislated basis (:class:`LegislatedBasis`): the contribution rate in force that
  balances the GAP equation once the collection, subsidy and expense rules apply to it
  (:func:`equivalent_rates`, what ``socsec solve --target gap_equilibrium`` finds).
* Scaled premiums by periods (:func:`socsec.model.actuarial.scaled_premiums`), and their legislated
  equivalents, both by :func:`socsec.model.actuarial.scaled_rates`.
* Summarised income and cost rates over 25, 50 and 75 years (US Social Security Trustees style):
  income rate ``(F_0 + PV(C + G)) / PV(S)``, cost rate ``(PV(X) + PV(target fund = X of the last
  year, at the end)) / PV(S)``, actuarial balance = income rate - cost rate.
* Open-group balance sheet over the full horizon: assets = F_0 + PV(C + G), liabilities = PV(X) and a
  closing liability, the capital value of the pensions in payment after the last year
  (:func:`balance_sheet_rows`); sustainability at the end of the horizon (:func:`sustainability_rows`).
* Capital values of pensions (:func:`pension_annuities`): annuity-due factors by year, type, sex and
  age on the death probabilities of the pension projection (the population block's basis times the
  pensioner mortality factors, ``model.pension.death_probabilities``), discounted at the nominal return
  and revalued with the indexation of pensions; orphans' pensions end at the age limit and widow(er)s'
  at remarriage.  Liability for pensions in payment at 1 January = sum of amounts x factor, by type;
  funding ratio of pensions in payment = reserve / that liability; accrued rights of the insured at
  the valuation date on each cohort's legislated retirement age (:func:`accrued_rights_value`);
  terminal funding rate = capital value of the year's new awards / insurable earnings.
* Theoretical replacement rates of stylised careers (:func:`replacement_rates`).
"""

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from socsec.core import lifetable as lt
from socsec.model.actuarial import discount_factors, premiums_by_horizon, scaled_rates
from socsec.cache import memoised
from socsec.core.pension import PENSIONER_MORTALITY
from socsec.model.pension import CONTRIBUTION_RULES, PENSION_TYPES, pension_indexation, pensioner_exit_rates
from socsec.model.fields import declare
from socsec.model.frozen import field_names, freeze_arrays, lock_arrays

HORIZONS = (10, 25, 50, 75)
SUMMARISED_HORIZONS = (25, 50, 75)
# ILO Social Security (Minimum Standards) Convention, 1952 (No. 102), Art. 28-29 and Schedule to Part XI:
# 40% of the reference wage after 30 years of contributions; Invalidity, Old-Age and Survivors' Benefits
# Convention, 1967 (No. 128), Art. 26-29 and Schedule: 45%.  A shorter qualifying period of at least
# 15 years (C102 Art. 29(2)) gets a proportionally reduced benefit (docs/methodology.md section 10.5).
ILO_C102_OLD_AGE = 0.40
ILO_C128_OLD_AGE = 0.45
ILO_REFERENCE_YEARS = 30
ILO_MINIMUM_YEARS = 15


@dataclass(frozen=True)
class FinanceInputs:
    """Financing assumptions.

    initial_reserve   : reserve at 1 January of the base year (currency units).
    subsidy_share     : (n,) state subsidy as a share of expenditure.
    subsidy_amount    : (n,) fixed state subsidy of each year (currency units of that year).
    collection_rate   : (n,) share of due contributions actually collected.
    scaled_period     : length of the periods of equilibrium of the scaled premium (years).
    target_ratio      : end-of-period reserve target, in years of expenditure, for the GAP with
                        target, the summarised cost rates and the "reserve_ratio" scaled premium.
    scaled_variant    : "last_year_balance" (income = outgo in the last year of each period) or
                        "reserve_ratio" (reserve = target_ratio x expenditure at each period's end).
    """

    initial_reserve: float = declare(None, "currency units", 0.0, None)  # setting in_initial_reserve
    # the rows of the table in_financing, in this order
    subsidy_share: np.ndarray = declare("state subsidy, share of expenditure", "share of expenditure", 0.0, 1.0,
                                        table="in_financing", number_format="0.00%", yearly=True)
    subsidy_amount: np.ndarray = declare("state subsidy, fixed amount (currency units of the year)",
                                         "currency units of the year", 0.0, 1e15, table="in_financing",
                                         number_format="#,##0", yearly=True)
    collection_rate: np.ndarray = declare("collection rate of contributions", "share of due contributions", 0.0, 1.0,
                                          table="in_financing", number_format="0.00%", yearly=True)
    scaled_period: int = 10
    target_ratio: float = 1.0
    scaled_variant: str = "last_year_balance"  # or "reserve_ratio": reserve = target_ratio x expenditure

    def __post_init__(self):
        freeze_arrays(self)


@dataclass(frozen=True)
class FinanceProjection:
    """The yearly financing table, the indicators by horizon and the replacement rates.

    Made on first use (what-if tables read one indicator): the tables as DataFrames, the capital
    values of pensions (their columns and indicators, last in each table) and the replacement rates.
    """

    columns: dict = field(repr=False)  # column of the yearly table -> its values (or one value for all years)
    rows: dict = field(repr=False)  # the indicators: "indicator", "horizon", "value", "units" -> list
    make_capital_values: Callable[[], tuple[dict, dict]] = field(repr=False)  # () -> (columns, rows)
    make_replacement: Callable[[], pd.DataFrame] = field(repr=False)
    first_years: frozenset = frozenset()  # indicators whose value over h years reads the first h years only

    def __post_init__(self):
        lock_arrays(self)  # shared by the valuations that reuse this block

    @functools.cached_property
    def capital_values(self) -> tuple[dict, dict]:
        """(yearly columns, indicator rows) of the capital values of pensions (:func:`capital_values`)."""
        return self.make_capital_values()

    @functools.cached_property
    def yearly(self) -> pd.DataFrame:
        return pd.DataFrame({**self.columns, **self.capital_values[0]})

    @functools.cached_property
    def indicators(self) -> pd.DataFrame:
        extra = self.capital_values[1]
        return pd.DataFrame({key: values + extra[key] for key, values in self.rows.items()})

    def indicator(self, name: str, horizon: int) -> float:
        """The value of indicator ``name`` (lower case) over ``horizon`` years; KeyError if none.  The
        capital values of pensions are computed only if the indicator is not found before them."""
        value = _lookup(self.rows, name, horizon)
        if value is None:
            value = _lookup(self.capital_values[1], name, horizon)
        if value is None:
            raise KeyError((name, horizon))
        return value

    @functools.cached_property
    def replacement(self) -> pd.DataFrame:
        """Theoretical replacement rates (:func:`replacement_rates`)."""
        return self.make_replacement()


def _lookup(rows: dict, name: str, horizon: int) -> float | None:
    """The value of the row ``name``, ``horizon`` of an indicators table (column -> list), or None."""
    for indicator, years, value in zip(rows["indicator"], rows["horizon"], rows["value"]):
        if years == horizon and indicator.lower() == name:
            return value
    return None


def first_year(years, condition) -> float:
    """First year where ``condition`` holds, or NaN (never within the horizon)."""
    hits = np.flatnonzero(condition)
    return float(years[hits[0]]) if len(hits) else np.nan


def pension_annuities(nominal_return, indexation, q, other_exits, engine: str = "numba") -> np.ndarray:
    """Annuity-due factors (n, 4, 2, A) for 1 a year paid from age x on 1 January of each year, as long
    as the pensioner is alive and in payment.

    ``a_x = 1 + p_x (1 - e_x) v' a_{x+1}`` with ``v' = (1 + g_t) / (1 + i_t)`` (g: indexation of
    pensions, i: nominal return, both of the year), p_x = 1 - q_x the survival of a pensioner of the type
    aged x on 1 January to the next 1 January on the scheme's death probabilities ``q`` (n, 4, 2, A) of
    the projection (insured, old-age, invalidity, population; type k reads
    ``q[:, PENSIONER_MORTALITY[k]]``), and e_x the other exits of the type (``other_exits`` (n, 4, 2, A),
    ``model.pension.pensioner_exit_rates``): the remarriage of widow(er)s, a decrement; the orphan
    age limit L, which makes the orphans' factor the temporary annuity-due of L - x payments
    (a_x = 1 at x = L - 1, nothing from L).  Open group ``a_omega = 1 / (1 - p_omega (1 - e_omega) v')``.
    """
    v = ((1.0 + indexation) / (1.0 + nominal_return))[:, None, None]
    by_type = q[:, list(PENSIONER_MORTALITY)]  # (n, 4, 2, A)
    n, _, _, A = by_type.shape
    p = (1.0 - by_type) * (1.0 - other_exits)
    last = (1.0 / np.maximum(1.0 - p[..., -1] * v, 1e-12)).reshape(-1)  # a_omega, open group
    survival_discount = np.ascontiguousarray((p * v[..., None]).reshape(-1, A))
    if engine == "numba":
        out = np.empty((n * 8, A))
        lt.annuity_due_kernel(survival_discount, last, out)
    else:
        out = lt.annuity_due_reference(survival_discount, last)
    return out.reshape(n, 4, 2, A)


def retirement_year(x: int, normal_age) -> int:
    """Years k from the base year until someone aged x on 1 January of the base year retires: the first
    k >= 0 with x + k + 1 >= the normal retirement age in force in year k (``normal_age`` (n,) of one
    sex; after the last projection year its last value), the age attained x + k + 1 being reached at the
    birthday during year k (docs/methodology.md section 9.3)."""
    n = len(normal_age)
    k = 0
    while x + k + 1 < normal_age[min(k, n - 1)]:
        k += 1
    return k


def accrued_rights_value(pension, economy, scheme, factors) -> float:
    """Capital value on 1 January of the base year of the rights accrued so far by the insured (the
    accrued-benefit, or unit-credit, method: past service only; ILO, Iyer 1999, ch. 6), on the
    legislated retirement-age schedule of each cohort and the projection's mortality.

    An insured person of sex g, age x and service s (active or inactive) holds the yearly pension P
    accrued so far (:func:`socsec.model.pension.accrued_pensions`, base-year money).  The cohort retires
    in the year k of :func:`retirement_year` (the normal age in force when it reaches it) at the age
    attained a = x + k + 1, if alive: survival S = prod_{j=0..k} (1 - q^I_{g,x+j,t0+j}) (the
    projection's death probabilities of the insured, year by year; retirees are survivors of their
    retirement year, as in the projection).  It is entitled when its service at retirement reaches the
    minimum service of that year: s + sum_{j<k} delta_{x+j} + delta_{x+k} / 2 for an active (the
    density of its ages), s for an inactive insured; the pension is then revalued to the award year
    with the revaluation index RI (wages, prices or none), paid half a year in the award year and as the
    old-age annuity a_a of year k + 1 from 1 January k + 1, after that year's indexation:

        value = P (RI_k / RI_0) S [D^mid_k / 2 + D_{k+1} (1 + pi_{k+1}) a_{a, k+1}],

    D the discount factors of the projection's nominal returns (years after the horizon: its last
    rates).  A person not entitled has the lump-sum grant of the accrued service instead,
    gamma_k s w_{g,x,t0} (WI_k / WI_0) S D^mid_k.  Death and invalidity benefits before retirement,
    early and late retirement, and minimum pensions are not valued.
    """
    rules, assume = scheme.rules, scheme.assumptions
    accrued = pension.accrued_pension_base  # (2, A, S)
    n = len(rules.contribution_rate)
    i = economy.column("nominal_return")
    revaluation = {"wages": economy.column("wage_index"), "prices": economy.column("cpi_index"),
                   "none": np.ones(n)}[rules.revaluation]
    wage_index = economy.column("wage_index")
    indexation = pension_indexation(rules, economy.column("average_wage_growth"), economy.column("cpi_inflation"))
    q_insured = pension.death_probabilities[:, 0]  # (n, 2, A)
    A = accrued.shape[1]
    service = np.arange(accrued.shape[2])
    longest = A + 2  # no cohort retires later than this many years on

    def extended(values, growth=None):  # a yearly series continued past the horizon (last value or growth)
        values = np.asarray(values, dtype=float)
        extra = np.arange(1, longest + 1)
        tail = values[-1] * (1.0 + growth) ** extra if growth is not None else np.full(longest, values[-1])
        return np.concatenate((values, tail))

    rates = extended(i)
    D = np.concatenate(([1.0], np.cumprod(1.0 / (1.0 + rates))))  # D_k: 1 January of year k
    D_mid = D[:-1] / np.sqrt(1.0 + rates)
    last_growth = lambda series: series[-1] / series[-2] - 1.0 if n > 1 else 0.0  # noqa: E731
    RI = extended(revaluation, last_growth(revaluation))
    WI = extended(wage_index, last_growth(wage_index))
    pi = extended(indexation)
    actives, inactive = pension.actives[0], pension.inactive[0]
    total = 0.0
    for g in range(2):
        for x in range(A):
            if not (actives[g, x].any() or inactive[g, x].any()):
                continue
            k = retirement_year(x, rules.normal_age[:, g])
            ages = np.minimum(x + np.arange(k + 1), A - 1)
            years = np.minimum(np.arange(k + 1), n - 1)
            survive = float(np.prod(1.0 - q_insured[years, g, ages]))
            density = assume.density[g, ages]
            future_service = density[:-1].sum() + 0.5 * density[-1]
            year_k = min(k, n - 1)
            minimum = rules.min_service_old_age[year_k]
            annuity = factors[min(k + 1, n - 1), 0, g, min(x + k + 1, A - 1)]
            pension_value = (RI[k] / RI[0]) * survive * (0.5 * D_mid[k] + D[k + 1] * (1.0 + pi[k + 1]) * annuity)
            grant_value = rules.grant_per_year[year_k] * pension.insurable_wage[0, g, x] * (WI[k] / WI[0]) \
                * survive * D_mid[k]
            for stock, extra in ((actives[g, x], future_service), (inactive[g, x], 0.0)):
                entitled = service + extra >= minimum
                total += float(np.sum(stock * np.where(entitled, accrued[g, x] * pension_value,
                                                       service * grant_value)))
    return total


@dataclass(frozen=True)
class LegislatedBasis:
    """The cash flows of each year as affine functions of one contribution rate c applied to every
    year, under the legislated collection, subsidy and administrative-cost rules (all (n,)):

    contributions collected c S coll; administrative expenses a_B B + a_C c S (a share of the
    contributions due); expenditure X(c) = (1 + a_B) B + a_C c S; subsidy share X(c) + amount; so the
    net cash flow C + G - X = c S' - B' with S' = S (coll - (1 - share) a_C) and
    B' = (1 - share)(1 + a_B) B - amount.
    """

    earnings: np.ndarray  # S', the insurable earnings net of what collection and expenses take
    cost: np.ndarray  # B', what contributions must pay
    expenditure: np.ndarray  # X(0) = (1 + a_B) B
    expenditure_slope: np.ndarray  # dX / dc = a_C S


def legislated_basis(inputs: FinanceInputs, rules, S, B) -> LegislatedBasis:
    """:class:`LegislatedBasis` of the insurable earnings S and benefit expenditure B (pensions and
    grants) of each year."""
    keep = 1.0 - inputs.subsidy_share  # the share of expenditure that contributions must pay
    return LegislatedBasis(earnings=S * (inputs.collection_rate - keep * rules.admin_share_contributions),
                           cost=keep * (1.0 + rules.admin_share_benefits) * B - inputs.subsidy_amount,
                           expenditure=(1.0 + rules.admin_share_benefits) * B,
                           expenditure_slope=rules.admin_share_contributions * S)


def equivalent_rates(basis: LegislatedBasis, horizons, D, D_mid, initial_reserve: float) -> np.ndarray:
    """The legislated contribution rate equivalent to the GAP over the first h years, for each h of
    ``horizons``: the constant rate c with F_0 + PV(C + G) = PV(X) under the legislated collection,
    subsidy and expense rules, c = (PV(B') - F_0) / PV(S') (:class:`LegislatedBasis`; the GAP formula on
    B' and S').  It is the rate ``socsec solve --target gap_equilibrium --horizon h`` finds; NaN where
    PV(S') <= 0."""
    return premiums_by_horizon(basis.cost, basis.earnings, D, D_mid, horizons, initial_reserve)


def computable(compute, *args, count: int = 1):
    """``compute(*args)``, or NaN (``count`` of them) when it is not defined for these series (e.g. no
    insurable earnings left to carry a premium): the indicator is then "not computable" and the results
    check of :mod:`socsec.model.results_checks` fails, instead of the run stopping."""
    try:
        with np.errstate(all="ignore"):
            return compute(*args)
    except ValueError:
        return np.nan if count == 1 else [np.nan] * count


def project_finance(inputs: FinanceInputs, pension, economy, scheme, engine: str = "numba") -> FinanceProjection:
    """Reserve, yearly financing figures and the indicators table.  ``scheme``: the pension inputs
    (rules); ``pension``: the pension projection (cash flows, stocks, death probabilities)."""
    with np.errstate(all="ignore"):  # overflowing or undefined values are found by the results checks
        return _project_finance(inputs, pension, economy, scheme, engine)


def _project_finance(inputs: FinanceInputs, pension, economy, scheme, engine: str) -> FinanceProjection:
    rules = scheme.rules
    s = pension.columns  # the yearly summary of the scheme
    years = s["year"]
    n = len(years)
    S = s["insurable_earnings"]
    X = s["total_expenditure"]
    due = s["contributions"]
    C = due * inputs.collection_rate
    G = inputs.subsidy_share * X + inputs.subsidy_amount
    i = economy.column("nominal_return")
    F = [float(inputs.initial_reserve)]
    income = []
    for i_t, net in zip(i.tolist(), (C + G - X).tolist()):  # Python floats: a short loop, run very often
        income.append(i_t * F[-1] + (math.sqrt(1.0 + i_t) - 1.0) * net)
        F.append(F[-1] + net + income[-1])
    F, income = np.array(F), np.array(income)
    gdp = economy.column("nominal_gdp")
    D, D_mid = computable(discount_factors, i, n, count=2)
    if np.ndim(D) == 0:  # returns of -100% or undefined: nothing can be discounted
        D, D_mid = np.full(n + 1, np.nan), np.full(n, np.nan)
    basis = legislated_basis(inputs, rules, S, s["benefit_expenditure"])
    columns = {
        "year": years,
        "insurable_earnings": S,
        "contribution_rate": rules.contribution_rate,
        "contributions_due": due,
        "contributions": C,
        "state_subsidy": G,
        "investment_income": income,
        "expenditure": X,
        "reserve_start": F[:-1],
        "reserve_end": F[1:],
        "reserve_ratio": F[1:] / X,
        "paygo_cost_rate": X / S,
        "demographic_ratio": s["demographic_ratio"],
        "benefit_ratio": s["benefit_ratio"],
        "nominal_return": i,
        "expenditure_percent_gdp": X / gdp,
        "contributions_percent_gdp": C / gdp,
    }
    horizons = np.array(tuple(h for h in HORIZONS if h < n) + (n,))
    cost = X - G  # the subsidy is income that lowers what contributions must pay
    gaps = premiums_by_horizon(cost, S, D, D_mid, horizons, inputs.initial_reserve)
    gaps_with_target = premiums_by_horizon(cost, S, D, D_mid, horizons, inputs.initial_reserve,
                                           inputs.target_ratio * X[horizons - 1])
    equivalents = equivalent_rates(basis, horizons, D, D_mid, inputs.initial_reserve)
    # the GAP of the full horizon, and the legislated rate equivalent to it, for comparison by year
    columns["general_average_premium"], columns["gap_equivalent_contribution_rate"] = gaps[-1], equivalents[-1]
    rows = IndicatorRows()
    add = rows.add
    add("depletion_year", n, first_year(years, F[1:] < 0.0), "calendar year")
    add("crossover_year", n, first_year(years, C + G < X), "calendar year")
    add("paygo_cost_rate_first_year", 1, X[0] / S[0])
    add("paygo_cost_rate_last_year", n, X[-1] / S[-1])
    for h, gap, gap_with_target, equivalent in zip(horizons.tolist(), gaps, gaps_with_target, equivalents):
        add("gap", h, gap, first_years=True)  # general_average_premium over h years
        add("gap_with_target", h, gap_with_target, first_years=True)
        add("gap_equivalent_contribution_rate", h, equivalent, first_years=True)
    ratio = inputs.target_ratio if inputs.scaled_variant == "reserve_ratio" else None
    premiums, _ = scaled_rates(cost, S, i, inputs.scaled_period, inputs.initial_reserve, ratio)
    for k, premium in enumerate(premiums):
        start = k * inputs.scaled_period
        add(f"scaled_premium_{years[0] + start}", min(inputs.scaled_period, n - start), premium)
    scaled_equivalents, _ = scaled_rates(basis.cost, basis.earnings, i, inputs.scaled_period,
                                         inputs.initial_reserve, ratio, basis.expenditure, basis.expenditure_slope)
    for k, premium in enumerate(scaled_equivalents):
        start = k * inputs.scaled_period
        add(f"scaled_premium_equivalent_{years[0] + start}", min(inputs.scaled_period, n - start), premium)
    for h in SUMMARISED_HORIZONS:
        if h > n:
            continue
        pv_s = np.sum(D_mid[:h] * S[:h])
        income_rate = (inputs.initial_reserve + np.sum(D_mid[:h] * (C[:h] + G[:h]))) / pv_s
        cost_rate = (np.sum(D_mid[:h] * X[:h]) + D[h] * inputs.target_ratio * X[h - 1]) / pv_s
        add("summarised_income_rate", h, income_rate, first_years=True)
        add("summarised_cost_rate", h, cost_rate, first_years=True)
        add("actuarial_balance", h, income_rate - cost_rate, first_years=True)
    add("reserve_ratio_first_year", 1, F[1] / X[0], "years of expenditure")
    add("minimum_reserve_ratio", n, np.min(F[1:] / X), "years of expenditure")
    sustainability_rows(add, F, C + G - X, S, X, rules.contribution_rate)
    balance = {"assets": inputs.initial_reserve + np.sum(D_mid * (C + G)), "liabilities": np.sum(D_mid * X),
               "discount_end": D[n]}
    rule_values = tuple(getattr(rules, name) for name in field_names(type(rules)) if name not in CONTRIBUTION_RULES)
    return FinanceProjection(
        columns, rows.table, lambda: capital_values(pension, economy, scheme, F[:-1], S, balance, engine),
        lambda: memoised("replacement", (economy, pension.gross_wage, scheme.assumptions.density, *rule_values),
                          lambda: [years, *(economy.column(c) for c in REPLACEMENT_MACRO), *rule_values,
                                   pension.gross_wage, scheme.assumptions.density, s["insurable_earnings"],
                                   s["service_credited"]],
                          lambda: replacement_rates(rules, scheme.assumptions, economy, pension, years)),
        frozenset(rows.first_years))


class IndicatorRows:
    """The long indicators table being filled: ``add(indicator, horizon, value, units)``; ``table``:
    column -> list; ``first_years``: the indicators added with ``first_years=True``, whose value over h
    years is computed from the first h years of the projection only."""

    def __init__(self):
        self.table = {"indicator": [], "horizon": [], "value": [], "units": []}
        self.first_years: set = set()

    def add(self, name, horizon, value, units="share of insurable earnings", first_years=False):
        table = self.table
        table["indicator"].append(name)
        table["horizon"].append(horizon)
        table["value"].append(float(value))
        table["units"].append(units)
        if first_years:
            self.first_years.add(name)


def capital_values(pension, economy, scheme, reserve_start, earnings, balance: dict,
                   engine: str = "numba") -> tuple[dict, dict]:
    """Capital values of pensions (module docstring): (yearly columns, indicator rows) of the liability
    for pensions in payment, the funding ratios, the terminal funding rate and the open-group balance
    sheet with its closing liability (:func:`balance_sheet_rows`).  ``reserve_start``: the reserve at
    1 January of each year; ``earnings``: insurable earnings of each year; ``balance``: the assets and
    liabilities of the balance sheet over the horizon and the discount factor of its end."""
    rules = scheme.rules
    i = economy.column("nominal_return")
    indexation = pension_indexation(rules, economy.column("average_wage_growth"), economy.column("cpi_inflation"))
    q = pension.death_probabilities
    exits = pensioner_exit_rates(rules, scheme.assumptions, q.shape[-1])
    annuity_args = (i, indexation, q, exits, engine)
    factors = memoised("annuities", (economy, rules.indexation_wage_weight, q, rules.orphan_age_limit,
                                     scheme.assumptions.remarriage, engine),
                       lambda: annuity_args, lambda: pension_annuities(*annuity_args))
    by_type = (pension.pension_amount[:-1] * factors).sum(axis=(2, 3))  # (n, 4)
    in_payment = by_type.sum(axis=1)
    awards = pension.by_age["awards_amount"]  # by age at the end of the year: value at that age, half a year on
    terminal = (awards * factors).sum(axis=(1, 2, 3)) / np.sqrt(1.0 + i)
    F0 = reserve_start[0]
    columns = {"liability_pensions_in_payment": in_payment,
               **{f"liability_{kind}_pensions": by_type[:, k] for k, kind in enumerate(PENSION_TYPES)},
               "funding_ratio_pensions_in_payment": reserve_start / in_payment,
               "terminal_funding_rate": terminal / earnings}
    rows = IndicatorRows()
    accrued = accrued_rights_value(pension, economy, scheme, factors)
    rows.add("accrued_liability_insured_base_year", 1, accrued, "currency units")
    rows.add("funding_ratio_base_year", 1, F0 / (in_payment[0] + accrued), "reserve / accrued liability")
    rows.add("funding_ratio_pensions_in_payment_first_year", 1, F0 / in_payment[0], "reserve / liability")
    rows.add("terminal_funding_rate_first_year", 1, terminal[0] / earnings[0])
    closing = float((pension.pension_amount[-1] * factors[-1]).sum())  # on 1 January after the last year
    balance_sheet_rows(rows.add, len(earnings), balance["assets"], balance["liabilities"],
                       balance["discount_end"] * closing)
    return columns, rows.table


def balance_sheet_rows(add, n: int, assets: float, liabilities: float, closing: float):
    """The open-group balance sheet over the n years of the horizon (docs/methodology.md section 10.4):
    assets = F_0 + PV(contributions + subsidy); liabilities = PV(expenditure) + the closing liability,
    the present value of the capital value, on 1 January after the last year, of the pensions then in
    payment (what the cash flows of the horizon leave unpaid to those already pensioners; the rights
    the insured have accrued by then are not counted); balance and ratio of the two."""
    total = liabilities + closing
    add("balance_sheet_assets", n, assets, "currency units")
    add("balance_sheet_liabilities", n, liabilities, "currency units")
    add("balance_sheet_closing_liability", n, closing, "currency units")
    add("balance_sheet_balance", n, assets - total, "currency units")
    add("balance_sheet_ratio", n, assets / total, "assets / liabilities")


SUSTAINABILITY_YEARS = 10  # the last years of the horizon whose trend the sustainability indicators show


def sustainability_rows(add, reserve, net, earnings, expenditure, contribution_rate):
    """Indicators of the trend at the end of the horizon (US SSA Trustees' and CPP reports' tests of
    sustainability; docs/methodology.md section 10.4): the annual balance (contributions, subsidy less
    expenditure, over insurable earnings) of the last year and its change over the last 10 years; the
    reserve ratio, PAYG cost rate and contribution rate of the last year; and a flag, 1 when the reserve
    falls (F_{t+1} < F_t) in any of the last 10 years: not sustainable beyond the horizon at the
    legislated rate."""
    n = len(net)
    k = min(SUSTAINABILITY_YEARS, n)
    balance = net / earnings
    add("annual_balance_last_year", n, balance[-1])
    add("annual_balance_change", k, balance[-1] - balance[-k])
    add("reserve_ratio_last_year", n, reserve[-1] / expenditure[-1], "years of expenditure")
    add("contribution_rate_last_year", n, contribution_rate[-1])
    add("reserve_falls_at_the_end", k, float(np.any(reserve[-k:] < reserve[-k - 1:-1])), "1 = yes, 0 = no")


def sustainability_statement(finance, last_year: int) -> str:
    """The plain statement of the flag of :func:`sustainability_rows` for the Indicators sheet."""
    table = finance.indicators
    row = table[table["indicator"] == "reserve_falls_at_the_end"].iloc[0]
    first = last_year - int(row["horizon"]) + 1
    if row["value"] > 0:
        return (f"Not sustainable beyond {last_year}: the reserve falls in the last years of the projection "
                f"({first}-{last_year}) at the legislated contribution rate.")
    return f"The reserve does not fall in the last years of the projection ({first}-{last_year})."


# Stylised careers: (name, earnings relative to the average gross wage of their sex and age, density of
# contributions (None: the scheme's density by age and sex), years from entry to the normal retirement age)
CAREERS = (
    ("full career (40 years), average earner, the scheme's density", 1.0, None, 40),
    ("30 years of contributions, average earner (ILO C102/C128 reference)", 1.0, 1.0, ILO_REFERENCE_YEARS),
    ("interrupted career (40 years at density 0.6)", 1.0, 0.6, 40),
    ("full career, low earner (50% of average), the scheme's density", 0.5, None, 40),
    ("full career, high earner (200% of average), the scheme's density", 2.0, None, 40),
)
IN_PAYMENT_YEARS = (10, 20)  # replacement rates after these years in payment


REPLACEMENT_MACRO = ("average_wage", "average_wage_growth", "wage_index", "cpi_index", "cpi_inflation")


def ilo_benchmark(level: float, service: float) -> float:
    """The minimum replacement rate of an ILO convention for ``service`` years of contributions: ``level``
    after 30 years or more, in proportion for 15 to 30 years (``level x service / 30``), none (NaN)
    below 15 years."""
    if service < ILO_MINIMUM_YEARS:
        return math.nan
    return level * min(service, ILO_REFERENCE_YEARS) / ILO_REFERENCE_YEARS


def replacement_rates(rules, assumptions, economy, pension, years, offsets=(0, 25, 50)) -> pd.DataFrame:
    """Theoretical replacement rates of stylised careers retiring at the normal age (docs/methodology.md
    section 10.5).

    A person of sex g retiring in year t at the birthday of the normal age R (section 9.3) after a
    career of L years entered at the birthday R - L: calendar years j = t - L .. t, the first and the
    last counted half, at ages R - 1 - (t - j) on 1 January.  In each the person earns ``relative`` x the
    average gross wage of an active of that sex and age (the scheme's salary scale and wage level,
    ``pension.gross_wage``; years before the base year moved back with the base-year wage growth),
    insurable within the ceiling and floor of the year, and contributes the density of the career (the
    scheme's by age, or a fixed one): service = sum of half/whole years x density; reference earnings
    = the density-weighted average of the insurable wages of the career (or of its last n calendar
    years, as the rules say), revalued to t; pension = clamp(accrued share(service) x reference,
    minimum, maximum) when the service reaches the minimum for an old-age pension, else 0.

    Replacement rates: the pension over the person's level ``relative`` times the economy's average wage
    of year t (``replacement_rate``) or times the insured's average insurable earnings per year of
    contributions, S_t / service credited (``replacement_rate_insured``); the same after 10 and 20 years
    in payment, the pension indexed as pensions in payment are, over the wages of those years (NaN past
    the horizon).  Benchmarks:
    :func:`ilo_benchmark` for the career's service (columns ``ilo_c102``, ``ilo_c128``).
    """
    n = len(years)
    # the only columns read (the memo key of project_finance)
    macro = {name: economy.column(name) for name in REPLACEMENT_MACRO}
    wage = macro["average_wage"]
    growth = macro["average_wage_growth"]
    index = {"wages": macro["wage_index"], "prices": macro["cpi_index"], "none": np.ones(n)}[rules.revaluation]
    index_growth = {"wages": growth, "prices": macro["cpi_inflation"], "none": np.zeros(n)}[rules.revaluation]
    ceiling_index = macro["wage_index" if rules.ceiling_indexation == "wages" else "cpi_index"]
    indexation = pension_indexation(rules, growth, macro["cpi_inflation"])
    pension_index = np.cumprod(np.concatenate(([1.0], 1.0 + indexation[1:])))
    insured_wage = pension.columns["insurable_earnings"] / pension.columns["service_credited"]
    A = pension.gross_wage.shape[2]

    def at(series, rates, k):  # values of a yearly series at year indices k (k < 0: extrapolated back)
        k = np.asarray(k)
        return np.where(k >= 0, series[np.maximum(k, 0)], series[0] * (1.0 + rates[0]) ** np.minimum(k, 0))

    rows = {name: [] for name in ("year", "career", "sex", "normal_retirement_age", "service", "pension",
                                  "replacement_rate", "replacement_rate_insured",
                                  *(f"replacement_rate{who}_{k}_years" for who in ("", "_insured")
                                    for k in IN_PAYMENT_YEARS), "ilo_c102", "ilo_c128")}
    for t in (offset for offset in offsets if offset < n):
        for g, sex in enumerate(("male", "female")):
            R = int(rules.normal_age[t][g])
            for name, relative, density, length in CAREERS:
                k = np.arange(t - length, t + 1)  # calendar years of the career
                weight = np.ones(len(k))
                weight[[0, -1]] = 0.5  # entered and left at the birthday
                ages = np.clip(R - 1 - (t - k), 0, A - 1)
                dens = assumptions.density[g, ages] if density is None else np.full(len(k), density)
                paid = weight * dens
                gross = relative * np.where(k >= 0, pension.gross_wage[np.maximum(k, 0), g, ages],
                                            pension.gross_wage[0, g, ages] * (1.0 + growth[0]) ** np.minimum(k, 0))
                year_rules = np.maximum(k, 0)
                ceiling = rules.earnings_ceiling[year_rules] * at(ceiling_index, growth, k)
                floor = rules.earnings_floor[year_rules] * at(ceiling_index, growth, k)
                insurable = np.where(ceiling > 0, np.minimum(gross, ceiling), gross)
                insurable = np.where(floor > 0, np.maximum(insurable, floor), insurable)
                revalued = insurable * index[t] / at(index, index_growth, k)
                counted = paid if rules.reference_earnings == "career_average" else \
                    paid * (k > t - int(rules.reference_years[t]))
                reference = float(np.sum(counted * revalued) / np.sum(counted)) if counted.sum() > 0 else 0.0
                service = float(paid.sum())
                n_base = rules.accrual_base_years[t]
                share = (rules.accrual_base_percent[t] * min(service, n_base) / n_base if n_base > 0 else 0.0) \
                    + rules.accrual_rate[t] * max(service - n_base, 0.0)
                amount = share * reference if service >= rules.min_service_old_age[t] else 0.0
                if amount > 0:
                    amount = max(amount, rules.min_pension[t] * pension_index[t])
                    if rules.max_pension[t] > 0:
                        amount = min(amount, rules.max_pension[t] * pension_index[t])
                values = {"year": int(years[t]), "career": name, "sex": sex, "normal_retirement_age": R,
                          "service": service, "pension": amount, "replacement_rate": amount / (relative * wage[t]),
                          "replacement_rate_insured": amount / (relative * insured_wage[t]),
                          "ilo_c102": ilo_benchmark(ILO_C102_OLD_AGE, service),
                          "ilo_c128": ilo_benchmark(ILO_C128_OLD_AGE, service)}
                for later in IN_PAYMENT_YEARS:
                    inside = t + later < n
                    indexed = amount * pension_index[t + later] / pension_index[t] if inside else math.nan
                    values[f"replacement_rate_{later}_years"] = (indexed / (relative * wage[t + later])
                                                                 if inside else math.nan)
                    values[f"replacement_rate_insured_{later}_years"] = (indexed / (relative * insured_wage[t + later])
                                                                         if inside else math.nan)
                for column, value in values.items():
                    rows[column].append(value)
    return pd.DataFrame(rows)
