"""Financing, reserve and actuarial indicators (methods.md sections 5-6).

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
* Scaled premiums by periods (:func:`socsec.model.actuarial.scaled_premiums`).
* Summarised income and cost rates over 25, 50 and 75 years (US Social Security Trustees style):
  income rate ``(F_0 + PV(C + G)) / PV(S)``, cost rate ``(PV(X) + PV(target fund = X of the last
  year, at the end)) / PV(S)``, actuarial balance = income rate - cost rate.
* Open-group balance sheet over the full horizon: assets = F_0 + PV(C + G), liabilities = PV(X).
* Capital values of pensions (:func:`pension_annuities`): annuity-due factors by year, type, sex and
  age on the death probabilities of the pension projection (the population block's basis times the
  pensioner mortality factors, ``model.pension.death_probabilities``), discounted at the nominal return
  and revalued with the indexation of pensions.  Liability for pensions in payment at 1 January =
  sum of amounts x factor; funding ratio of pensions in payment = reserve / that liability (the
  accrued rights of the insured are not included); terminal funding rate = capital value of the
  year's new awards / insurable earnings.
* Theoretical replacement rates of stylised careers (:func:`replacement_rates`).
"""

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from socsec.core import lifetable as lt
from socsec.model.actuarial import discount_factors, discounted_premium, scaled_premiums
from socsec.model.memo import memoised
from socsec.core.pension import PENSIONER_MORTALITY
from socsec.model.pension import CONTRIBUTION_RULES, pension_indexation

HORIZONS = (10, 25, 50, 75)
SUMMARISED_HORIZONS = (25, 50, 75)
ILO_C102_OLD_AGE = 0.40  # Convention 102: 40% after 30 years of contributions
ILO_C128_OLD_AGE = 0.45  # Convention 128: 45% after 30 years


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

    initial_reserve: float
    subsidy_share: np.ndarray
    subsidy_amount: np.ndarray
    collection_rate: np.ndarray
    scaled_period: int = 10
    target_ratio: float = 1.0
    scaled_variant: str = "last_year_balance"  # or "reserve_ratio": reserve = target_ratio x expenditure

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


def pension_annuities(nominal_return, indexation, q, engine: str = "numba") -> np.ndarray:
    """Annuity-due factors (n, 4, 2, A) for 1 a year paid from age x on 1 January of each year.

    ``a_x = 1 + p_x v' a_{x+1}`` with ``v' = (1 + g_t) / (1 + i_t)`` (g: indexation of pensions,
    i: nominal return, both of the year) and p_x = 1 - q_x the survival of a pensioner of the type
    aged x on 1 January to the next 1 January on the scheme's death probabilities ``q`` (n, 4, 2, A)
    of the projection (insured, old-age, invalidity, population; type k reads
    ``q[:, PENSIONER_MORTALITY[k]]``); open group ``a_omega = 1 / (1 - p_omega v')`` (orphans: the
    same, their pensions ending at the age limit is not taken into account).
    """
    v = ((1.0 + indexation) / (1.0 + nominal_return))[:, None, None]
    by_type = q[:, list(PENSIONER_MORTALITY)]  # (n, 4, 2, A)
    n, _, _, A = by_type.shape
    p = 1.0 - by_type
    last = (1.0 / np.maximum(1.0 - p[..., -1] * v, 1e-12)).reshape(-1)  # a_omega, open group
    survival_discount = np.ascontiguousarray((p * v[..., None]).reshape(-1, A))
    if engine == "numba":
        out = np.empty((n * 8, A))
        lt.annuity_due_kernel(survival_discount, last, out)
    else:
        out = lt.annuity_due_reference(survival_discount, last)
    return out.reshape(n, 4, 2, A)


def accrued_rights_value(pension, economy, scheme, factors) -> float:
    """Capital value at 1 January of the base year of the pensions accrued so far by the insured.

    Each insured person (active or inactive, by sex, age x and service s) holds the yearly pension
    accrued so far (:func:`socsec.model.pension.accrued_pensions`), payable from the normal
    retirement age R of the base year: value ``= P x prod_{y=x}^{R-1} p^ins_y x ((1 + r)/(1 + i))^(R-x)
    x a_R`` with p^ins the insured's survival of the base year (the projection's death probabilities
    of the insured), r the revaluation rate (wages, prices or none) and i the nominal return of the
    base year, a_R the old-age annuity factor (:func:`pension_annuities`); at or above R, ``P x a_x``.
    Death and invalidity benefits, minimum pensions and future indexation of the rules are not
    included.
    """
    rules = scheme.rules
    accrued = pension.accrued_pension_base  # (2, A, S)
    insured = pension.actives[0] + pension.inactive[0]
    macro = economy.macro
    i = float(macro["nominal_return"].iloc[0])
    r = {"wages": float(macro["average_wage_growth"].iloc[0]), "prices": float(macro["cpi_inflation"].iloc[0]),
         "none": 0.0}[rules.revaluation]
    A = accrued.shape[1]
    total = 0.0
    for g in range(2):
        retire = int(min(rules.normal_age[0][g], A - 1))
        p = 1.0 - pension.death_probabilities[0, 0, g]
        by_age = (insured[g] * accrued[g]).sum(axis=1)  # (A,) accrued pensions of each age
        factor = np.empty(A)
        factor[retire:] = factors[0, 0, g, retire:]
        deferral = factors[0, 0, g, retire]
        for x in range(retire - 1, -1, -1):
            deferral = deferral * p[x] * (1.0 + r) / (1.0 + i)
            factor[x] = deferral
        total += float(np.sum(by_age * factor))
    return total


def project_finance(inputs: FinanceInputs, pension, economy, scheme, engine: str = "numba") -> FinanceProjection:
    """Reserve, yearly financing figures and the indicators table.  ``scheme``: the pension inputs
    (rules); ``pension``: the pension projection (cash flows, stocks, death probabilities)."""
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
    D, D_mid = discount_factors(i, n)
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
        # the GAP of the full horizon, for comparison by year
        "general_average_premium": discounted_premium(X - G, S, D, D_mid, inputs.initial_reserve, 0.0),
    }
    rows = IndicatorRows()
    add = rows.add
    add("depletion_year", n, first_year(years, F[1:] < 0.0), "calendar year")
    add("crossover_year", n, first_year(years, C + G < X), "calendar year")
    add("paygo_cost_rate_first_year", 1, X[0] / S[0])
    add("paygo_cost_rate_last_year", n, X[-1] / S[-1])
    for h in tuple(hh for hh in HORIZONS if hh < n) + (n,):  # general_average_premium over h years
        cost = X[:h] - G[:h]  # the subsidy is income that lowers what contributions must pay
        add("gap", h, discounted_premium(cost, S[:h], D[:h + 1], D_mid[:h], inputs.initial_reserve, 0.0))
        add("gap_with_target", h, discounted_premium(cost, S[:h], D[:h + 1], D_mid[:h], inputs.initial_reserve,
                                                     inputs.target_ratio * X[h - 1]))
    premiums = scaled_premiums(X - G, S, i, inputs.scaled_period, inputs.initial_reserve,
                               inputs.target_ratio if inputs.scaled_variant == "reserve_ratio" else None)
    for k, premium in enumerate(premiums):
        start = k * inputs.scaled_period
        add(f"scaled_premium_{years[0] + start}", min(inputs.scaled_period, n - start), premium)
    for h in SUMMARISED_HORIZONS:
        if h > n:
            continue
        pv_s = np.sum(D_mid[:h] * S[:h])
        income_rate = (inputs.initial_reserve + np.sum(D_mid[:h] * (C[:h] + G[:h]))) / pv_s
        cost_rate = (np.sum(D_mid[:h] * X[:h]) + D[h] * inputs.target_ratio * X[h - 1]) / pv_s
        add("summarised_income_rate", h, income_rate)
        add("summarised_cost_rate", h, cost_rate)
        add("actuarial_balance", h, income_rate - cost_rate)
    assets = inputs.initial_reserve + np.sum(D_mid * (C + G))
    liabilities = np.sum(D_mid * X)
    add("balance_sheet_assets", n, assets, "currency units")
    add("balance_sheet_liabilities", n, liabilities, "currency units")
    add("balance_sheet_balance", n, assets - liabilities, "currency units")
    add("balance_sheet_ratio", n, assets / liabilities, "assets / liabilities")
    add("reserve_ratio_first_year", 1, F[1] / X[0], "years of expenditure")
    add("minimum_reserve_ratio", n, np.min(F[1:] / X), "years of expenditure")
    rule_values = tuple(getattr(rules, f.name) for f in fields(rules) if f.name not in CONTRIBUTION_RULES)
    return FinanceProjection(
        columns, rows.table, lambda: capital_values(pension, economy, scheme, F[:-1], S, engine),
        lambda: memoised("replacement", (economy, *rule_values),
                          lambda: [years, *(economy.column(c) for c in REPLACEMENT_MACRO), *rule_values],
                          lambda: replacement_rates(rules, economy, years)))


class IndicatorRows:
    """The long indicators table being filled: ``add(indicator, horizon, value, units)``; ``table``:
    column -> list."""

    def __init__(self):
        self.table = {"indicator": [], "horizon": [], "value": [], "units": []}

    def add(self, name, horizon, value, units="share of insurable earnings"):
        for column, item in zip(self.table.values(), (name, horizon, float(value), units)):
            column.append(item)


def capital_values(pension, economy, scheme, reserve_start, earnings, engine: str = "numba") -> tuple[dict, dict]:
    """Capital values of pensions (module docstring): (yearly columns, indicator rows) of the liability
    for pensions in payment, the funding ratios and the terminal funding rate.  ``reserve_start``:
    the reserve at 1 January of each year; ``earnings``: insurable earnings of each year."""
    rules = scheme.rules
    i = economy.column("nominal_return")
    indexation = pension_indexation(rules, economy.column("average_wage_growth"), economy.column("cpi_inflation"))
    q = pension.death_probabilities
    annuity_args = (i, indexation, q, engine)
    factors = memoised("annuities", (economy, rules.indexation_wage_weight, q, engine), lambda: annuity_args,
                       lambda: pension_annuities(*annuity_args))
    in_payment = (pension.pension_amount[:-1] * factors).sum(axis=(1, 2, 3))
    awards = pension.by_age["awards_amount"]  # by age at the end of the year: value at that age, half a year on
    terminal = (awards * factors).sum(axis=(1, 2, 3)) / np.sqrt(1.0 + i)
    F0 = reserve_start[0]
    columns = {"liability_pensions_in_payment": in_payment,
               "funding_ratio_pensions_in_payment": reserve_start / in_payment,
               "terminal_funding_rate": terminal / earnings}
    rows = IndicatorRows()
    accrued = accrued_rights_value(pension, economy, scheme, factors)
    rows.add("accrued_liability_insured_base_year", 1, accrued, "currency units")
    rows.add("funding_ratio_base_year", 1, F0 / (in_payment[0] + accrued), "reserve / accrued liability")
    rows.add("funding_ratio_pensions_in_payment_first_year", 1, F0 / in_payment[0], "reserve / liability")
    rows.add("terminal_funding_rate_first_year", 1, terminal[0] / earnings[0])
    return columns, rows.table


# Stylised careers: (name, relative earnings, density, years of the career before the normal age)
CAREERS = (
    ("full career (40 years), average earner", 1.0, 1.0, 40),
    ("30 years, average earner (ILO C102/C128 reference)", 1.0, 1.0, 30),
    ("interrupted career (40 years at density 0.6)", 1.0, 0.6, 40),
    ("full career, low earner (50% of average)", 0.5, 1.0, 40),
    ("full career, high earner (200% of average)", 2.0, 1.0, 40),
)


REPLACEMENT_MACRO = ("average_wage", "average_wage_growth", "wage_index", "cpi_index", "cpi_inflation")


def replacement_rates(rules, economy, years, offsets=(0, 25, 50)) -> pd.DataFrame:
    """Theoretical replacement rates of stylised careers retiring at the normal age.

    A person earning ``relative x`` the average wage every year of a career of ``length`` calendar
    years ending at the normal retirement age of year t, contributing a share ``density`` of each
    year: service = density x length; insurable wage of each past year = min(relative x average
    wage, ceiling); reference earnings = their average, revalued to t with the revaluation index
    (or over the last n years, as the rules say); pension = clamp(accrued share(service) x
    reference, minimum, maximum); replacement rate = pension / (relative x average wage of t).
    Years before the base year use the base-year wage growth backwards.  Compared with ILO
    Convention 102 (40% after 30 years) and 128 (45%).
    """
    macro = economy.macro[list(REPLACEMENT_MACRO)]  # the only columns read (the memo key of project_finance)
    wage = macro["average_wage"].to_numpy()
    growth = macro["average_wage_growth"].to_numpy()
    index = {"wages": macro["wage_index"].to_numpy(), "prices": macro["cpi_index"].to_numpy(),
             "none": np.ones(len(years))}[rules.revaluation]
    index_growth = {"wages": growth, "prices": macro["cpi_inflation"].to_numpy(),
                    "none": np.zeros(len(years))}[rules.revaluation]
    ceiling_index = macro["wage_index" if rules.ceiling_indexation == "wages" else "cpi_index"].to_numpy()
    indexation = pension_indexation(rules, growth, macro["cpi_inflation"].to_numpy())
    pension_index = np.cumprod(np.r_[1.0, 1.0 + indexation[1:]])

    def at(series, rates, k):  # values of a yearly series at year indices k (k < 0: extrapolated back)
        k = np.asarray(k)
        return np.where(k >= 0, series[np.maximum(k, 0)], series[0] * (1.0 + rates[0]) ** np.minimum(k, 0))

    rows = {name: [] for name in ("year", "career", "sex", "normal_retirement_age", "service", "replacement_rate")}
    longest = max(length for _, _, _, length in CAREERS)
    for t in (offset for offset in offsets if offset < len(years)):
        n_base = rules.accrual_base_years[t]
        k = np.arange(t - longest + 1, t + 1)  # the years of the longest career; shorter ones are its end
        average_wages = at(wage, growth, k)
        ceilings = rules.earnings_ceiling[np.maximum(k, 0)] * at(ceiling_index, growth, k)
        past_index = at(index, index_growth, k)
        for name, relative, density, length in CAREERS:
            first = t - length + 1
            if rules.reference_earnings == "last_years":
                first = max(first, t - int(rules.reference_years[t]) + 1)
            part = slice(first - k[0], None)
            wages, ceiling = relative * average_wages[part], ceilings[part]
            insurable = np.where(ceiling > 0, np.minimum(wages, ceiling), wages)
            reference = float(np.mean(insurable * index[t] / past_index[part]))
            service = density * length
            share = (rules.accrual_base_percent[t] * min(service, n_base) / n_base if n_base > 0 else 0.0) \
                + rules.accrual_rate[t] * max(service - n_base, 0.0)
            pension = share * reference if service >= rules.min_service_old_age[t] else 0.0
            if pension > 0:
                pension = max(pension, rules.min_pension[t] * pension_index[t])
                if rules.max_pension[t] > 0:
                    pension = min(pension, rules.max_pension[t] * pension_index[t])
            for g, sex in enumerate(("male", "female")):
                for column, value in (("year", int(years[t])), ("career", name), ("sex", sex),
                                      ("normal_retirement_age", int(rules.normal_age[t][g])), ("service", service),
                                      ("replacement_rate", pension / (relative * wage[t]))):
                    rows[column].append(value)
    return pd.DataFrame({**rows, "ilo_c102": ILO_C102_OLD_AGE, "ilo_c128": ILO_C128_OLD_AGE})
