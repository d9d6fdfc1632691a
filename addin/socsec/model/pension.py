"""Pension scheme block (ILO-PENS style): insured population by sex, age and credited service,
pensioners by type, benefits, contributions and the calibration table (methods.md sections 4-5).

The year-by-year stock flows are the numba kernels of :mod:`socsec.core.pension`; this module
prepares their inputs (mortality, eligibility, wages), turns flows into awards and cash flows and
labels the results.  Formulas are restated in docs/methodology.md.

Timing: stocks at 1 January; decrements, awards and cash flows during the calendar year; awards
start on average at mid-year (half a year paid in the award year); pensions in payment are
indexed on 1 January; new entrants join on 31 December with no service; contributions are paid on
the average number of actives of the year times the density of contributions.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from socsec.core import pension as kp
from socsec.model.memo import memoised
from socsec.model.population import SEXES, interpolate_linear

PENSION_TYPES = ("old_age", "invalidity", "survivors", "orphans")
# flows of the insured by (year, sex, age, service), in the output order of core.pension.project_insured_kernel
FLOW_NAMES = ("dead_active", "dead_inactive", "invalid", "retired_active", "left_inactive", "lapsed", "reentered")
REFERENCE_EARNINGS = ("career_average", "last_years")
REVALUATIONS = ("wages", "prices", "none")
INDEXATIONS = ("wages", "prices")


MIN_ENTRY_AGE = 15  # no credited service before this age: service <= age - 15


def spread_groups(starts, last: int):
    """(first, last) single values of each group: a group runs to the next group's start - 1, the
    last one to ``last``."""
    starts = [int(v) for v in starts]
    ends = [b - 1 for b in starts[1:]] + [last]
    return list(zip(starts, ends))


def spread_insured(age_starts, service_starts, counts, omega: int) -> np.ndarray:
    """Persons by age group x service group -> by single age x single year of service.

    Rule (keeps every group total exactly): a group's count is spread evenly over its feasible
    cells, the (age, service) pairs of the group with service <= age - MIN_ENTRY_AGE.  A non-zero
    group without a feasible cell raises ValueError naming it.  counts: (2, ages groups, service
    groups); returns (2, omega + 1, omega + 1).
    """
    out = np.zeros((2, omega + 1, omega + 1))
    age_groups = spread_groups(age_starts, omega)
    service_groups = spread_groups(service_starts, omega)
    for i, (a0, a1) in enumerate(age_groups):
        for j, (s0, s1) in enumerate(service_groups):
            totals = counts[:, i, j]
            if not totals.any():
                continue
            # feasible service at age x: s0 .. min(s1, x - MIN_ENTRY_AGE)
            rows = [(x, min(s1, x - MIN_ENTRY_AGE)) for x in range(a0, a1 + 1) if min(s1, x - MIN_ENTRY_AGE) >= s0]
            cells = sum(top - s0 + 1 for _, top in rows)
            if cells == 0:
                raise ValueError(f"ages {a0}-{a1}, service {s0}-{s1}: no one aged {a1} or less can have {s0} "
                                 f"years of service (service starts at age {MIN_ENTRY_AGE})")
            for x, top in rows:
                out[:, x, s0:top + 1] += (totals / cells)[:, None]
    return out


def spread_by_age(age_starts, values, omega: int, average: bool = False) -> np.ndarray:
    """Values by age group (groups, ...) -> by single age (omega + 1, ...): counts spread evenly
    over the ages of their group (totals kept), or averages repeated (``average=True``)."""
    values = np.asarray(values, dtype=np.float64)
    out = np.zeros((omega + 1,) + values.shape[1:])
    for i, (a0, a1) in enumerate(spread_groups(age_starts, omega)):
        out[a0:a1 + 1] = values[i] if average else values[i] / (a1 - a0 + 1)
    return out


@dataclass(frozen=True)
class SchemeData:
    """Base-year scheme data at 1 January of the base year, as entered (by age and service groups;
    single ages and single years are groups of one).

    age_starts, service_starts : first age / first service year of each group of the insured.
    actives, inactive          : (2, age groups, service groups) persons.
    active_earnings            : (age groups, 2) average annual insurable earnings (currency units).
    pensioner_age_starts       : first age of each group of pensioners.
    pensioners, average_pension: (pensioner age groups, 4, 2) by type (old_age, invalidity,
                                 survivors, orphans) and sex: number and average annual pension.
    """

    age_starts: np.ndarray
    service_starts: np.ndarray
    actives: np.ndarray
    inactive: np.ndarray
    active_earnings: np.ndarray
    pensioner_age_starts: np.ndarray
    pensioners: np.ndarray
    average_pension: np.ndarray

    def single_ages(self, omega: int):
        """(actives, inactive (2, A, S); earnings (2, A); pensioners, average pension (4, 2, A)),
        computed once per data object and omega (the data are frozen; scenarios share them)."""
        cached = self.__dict__.get("_single_ages")
        if cached is not None and cached[0] == omega:
            return cached[1]
        result = self._spread(omega)
        object.__setattr__(self, "_single_ages", (omega, result))
        return result

    def _spread(self, omega: int):
        earnings = spread_by_age(self.age_starts, self.active_earnings, omega, average=True).T
        number = np.moveaxis(spread_by_age(self.pensioner_age_starts, self.pensioners, omega), 0, -1)
        average = np.moveaxis(spread_by_age(self.pensioner_age_starts, self.average_pension, omega,
                                            average=True), 0, -1)
        return (spread_insured(self.age_starts, self.service_starts, self.actives, omega),
                spread_insured(self.age_starts, self.service_starts, self.inactive, omega),
                earnings, number, average)


@dataclass(frozen=True)
class SchemeRules:
    """The legal parameters, one value per projection year (phase-ins), plus method options.

    Rates per year as fractions (0.15 = 15%); ages and service in years; money at base-year level
    (min/max pension indexed like pensions in payment, ceiling/floor by ``ceiling_indexation``).
    """

    contribution_rate: np.ndarray
    normal_age: np.ndarray  # (n, 2) int
    early_age: np.ndarray  # (n, 2) int
    min_service_old_age: np.ndarray
    min_service_invalidity: np.ndarray
    min_service_survivors: np.ndarray
    accrual_rate: np.ndarray  # per year of service beyond the base years
    accrual_base_percent: np.ndarray  # percentage earned over the first base years (fraction)
    accrual_base_years: np.ndarray
    early_reduction: np.ndarray  # per year before the normal age
    late_increment: np.ndarray  # per year after the normal age
    min_pension: np.ndarray
    max_pension: np.ndarray  # 0 = none
    earnings_ceiling: np.ndarray  # 0 = none
    earnings_floor: np.ndarray  # 0 = none
    reference_years: np.ndarray  # n of "average of the last n years"
    widow_share: np.ndarray
    orphan_share: np.ndarray
    full_orphan_share: np.ndarray
    survivors_cap: np.ndarray
    orphan_age_limit: np.ndarray
    grant_per_year: np.ndarray  # lump sum per year of service, share of the annual insurable wage
    admin_share_contributions: np.ndarray
    admin_share_benefits: np.ndarray
    indexation_wage_weight: np.ndarray  # 0 = prices, 1 = wages
    reference_earnings: str = "career_average"
    revaluation: str = "wages"
    ceiling_indexation: str = "wages"
    invalidity_service_credit: bool = True
    earnings_cv: float = 0.0  # coefficient of variation of individual earnings (lognormal)


@dataclass(frozen=True)
class SchemeAssumptions:
    """Behavioural and demographic assumptions (rates per year, by sex and age where stated)."""

    coverage_years: np.ndarray  # (k,)
    coverage: np.ndarray  # (k, 2, A) share of the employed who are active contributors
    density: np.ndarray  # (2, A) fraction of the year contributed by an active
    entrant_distribution: np.ndarray  # (2, A) age distribution of new entrants (any scale)
    salary_scale: np.ndarray  # (2, A) relative earnings by age and sex
    invalidity: np.ndarray  # (2, A) incidence among actives
    lapse: np.ndarray  # (2, A) active -> inactive
    reentry: np.ndarray  # (2, A) inactive -> active
    retire_early: np.ndarray  # (n, 2) retirement rate of the eligible before the normal age
    retire_normal: np.ndarray  # (n, 2) retirement rate from the normal age
    exit_age: np.ndarray  # (n, 2) int, age from which every active retires or leaves
    mortality_factor: np.ndarray  # (3, 2) insured, old-age pensioners, invalidity pensioners
    spouse_probability: np.ndarray  # (2, A) probability of leaving a spouse, by age and sex of deceased
    spouse_age_difference: np.ndarray  # (2,) spouse's age minus deceased's age
    orphans_per_death: np.ndarray  # (2, A) expected orphans below the age limit
    orphan_age_gap: np.ndarray  # (2,) deceased's age minus average orphan age
    remarriage: np.ndarray  # (2,) yearly exit rate of widow(er)s by their sex


# The rules and assumptions the insured persons (project_insured) do not depend on: a what-if change
# to these alone reuses the insured of a base projection and re-runs project_benefits only.
INSURED_RULES = ("normal_age", "early_age", "min_service_old_age")
BENEFIT_RULES = tuple(f.name for f in fields(SchemeRules) if f.name not in INSURED_RULES)
BENEFIT_ASSUMPTIONS = ("salary_scale", "spouse_probability", "spouse_age_difference", "orphans_per_death",
                       "orphan_age_gap", "remarriage")


@dataclass(frozen=True)
class PensionInputs:
    data: SchemeData
    rules: SchemeRules
    assumptions: SchemeAssumptions
    actual: dict  # calibration: label -> actual base-year figure (NaN = not available)


CALIBRATION_ROWS = (
    ("contributions", "Contributions due (currency units)"),
    ("expenditure_old_age", "Old-age pensions paid (currency units)"),
    ("expenditure_invalidity", "Invalidity pensions paid (currency units)"),
    ("expenditure_survivors", "Survivors' pensions paid, widow(er)s and orphans (currency units)"),
    ("grants", "Lump-sum grants paid (currency units)"),
    ("pensioners_old_age", "Old-age pensioners, average of the year"),
    ("pensioners_invalidity", "Invalidity pensioners, average of the year"),
    ("pensioners_survivors", "Survivors' pensioners (widow(er)s and orphans), average of the year"),
)


@dataclass(frozen=True)
class InsuredProjection:
    """The insured persons of the scheme: the first pass of the projection (:func:`project_insured`),
    which no rule of benefits enters (:data:`BENEFIT_RULES`, :data:`BENEFIT_ASSUMPTIONS`)."""

    actives: np.ndarray  # (n + 1, 2, A, S) at 1 January; (1, 2, A, S), the base year, without service_stocks
    inactive: np.ndarray  # (n + 1, 2, A, S) or (1, 2, A, S)
    actives_by_age: np.ndarray  # (n + 1, 2, A) actives summed over service
    inactive_by_age: np.ndarray  # (n + 1, 2, A)
    service_years: np.ndarray  # (n + 1,) years of credited service of the actives and inactive
    lowest_insured: float  # smallest cell of actives or inactive in any year (negative = a bug)
    exits: np.ndarray = field(repr=False)  # (n, cells, 4) exits of the occupied cells (core.pension.exits_by_cell)
    tops: np.ndarray = field(repr=False)  # (n, 2, A) bound on the highest service occupied on 1 January
    by_age: dict = field(repr=False, default_factory=dict)  # flow name -> (n, 2, A); entrants, to_inactive,
    #                                                         actives_end (n, 2, A); exit_service, credits (n,)
    flows: dict = field(repr=False, default_factory=dict)  # detail=True: flow name -> (n, 2, A, S)

    @functools.cached_property
    def columns(self) -> dict:
        """The insured's columns of the yearly summary: column name -> (n,) values."""
        by_age = self.by_age
        total = lambda name: by_age[name].sum(axis=(1, 2))  # noqa: E731
        actives = self.actives_by_age[:-1]
        return {
            "actives": actives.sum(axis=(1, 2)), "actives_male": actives[:, 0].sum(axis=1),
            "actives_female": actives[:, 1].sum(axis=1), "inactive": self.inactive_by_age[:-1].sum(axis=(1, 2)),
            "new_entrants": total("entrants"), "moved_to_inactive": total("to_inactive"),
            "lapses": total("lapsed"), "reentries": total("reentered"),
            "deaths_actives": total("dead_active"), "deaths_inactive": total("dead_inactive"),
            "invalidity_exits": total("invalid"), "retirements_actives": total("retired_active"),
            "retirements_inactive": total("left_inactive"),
        }


@dataclass(frozen=True)
class PensionProjection:
    """Stocks, flows, yearly summary and calibration table of the pension projection."""

    years: np.ndarray
    insured: InsuredProjection = field(repr=False)  # the insured persons (stocks by service, flows)
    pensioners: np.ndarray  # (n + 1, 4, 2, A)
    pension_amount: np.ndarray  # (n + 1, 4, 2, A) total annual pension in payment
    insurable_wage: np.ndarray  # (n, 2, A) average insurable wage of an active
    columns: dict = field(repr=False)  # the yearly summary, column name -> (n,) values
    actual: dict = field(repr=False)  # the scheme's accounts of the base year (calibration)
    make_accrued_pension_base: Callable[[], np.ndarray] = field(repr=False)
    by_age: dict = field(repr=False, default_factory=dict)  # the insured's by_age, and awards_amount (n, 4, 2, A)
    flows: dict = field(repr=False, default_factory=dict)  # detail=True: flow name -> (n, 2, A, S), as by_age

    actives = property(lambda self: self.insured.actives)
    inactive = property(lambda self: self.insured.inactive)
    actives_by_age = property(lambda self: self.insured.actives_by_age)
    inactive_by_age = property(lambda self: self.insured.inactive_by_age)
    service_years = property(lambda self: self.insured.service_years)
    lowest_insured = property(lambda self: self.insured.lowest_insured)

    @functools.cached_property
    def accrued_pension_base(self) -> np.ndarray:
        """(2, A, S) the yearly pension accrued by 1 January of the base year by each insured cell
        (:func:`accrued_pensions`; made on first use)."""
        return self.make_accrued_pension_base()

    @functools.cached_property
    def summary(self) -> pd.DataFrame:
        """The yearly summary (made on first use: what-if tables read a few columns only)."""
        return pd.DataFrame(self.columns)

    @functools.cached_property
    def calibration(self) -> pd.DataFrame:
        return calibration_table({name: values[0] for name, values in self.columns.items()}, self.actual)

    def stock_frame(self) -> pd.DataFrame:
        """Long table ``year, sex, age`` of actives, inactive and pensioners by type at 1 January."""
        n1, _, A = self.actives_by_age.shape
        stock_years = np.arange(self.years[0], self.years[0] + n1)
        index = pd.MultiIndex.from_product([stock_years, SEXES, np.arange(A)], names=["year", "sex", "age"])
        data = {"actives": self.actives_by_age.reshape(-1), "inactive": self.inactive_by_age.reshape(-1)}
        for k, kind in enumerate(PENSION_TYPES):
            data[f"pensioners_{kind}"] = self.pensioners[:, k].reshape(-1)
            data[f"pension_amount_{kind}"] = self.pension_amount[:, k].reshape(-1)
        return pd.DataFrame(data, index=index).reset_index()

    def service_frame(self) -> pd.DataFrame:
        """Long table ``year, sex, age, service, actives, inactive`` (cells with someone in them); every
        year with ``project_pension(..., service_stocks=True)``, else the base year only."""
        y, g, x, s = np.nonzero((self.actives > 0) | (self.inactive > 0))
        return pd.DataFrame({"year": self.years[0] + y, "sex": np.asarray(SEXES)[g], "age": x, "service": s,
                             "actives": self.actives[y, g, x, s], "inactive": self.inactive[y, g, x, s]})


def accrued_pensions(rules: SchemeRules, diag, H: int, service, ages, revaluation: float) -> np.ndarray:
    """Yearly pension accrued by 1 January of the base year by each insured cell (2, A, S).

    ``accrued share(s) x reference earnings`` of the career so far (career average over the s
    years before the base year at ages x - s .. x - 1, or the last n, as the rules say), with the base
    year's accrual rules,
    before any minimum or maximum (those apply at award): the rights earned so far, in base-year
    money.  ``diag[H]`` holds the cohort-diagonal sums up to the year before the base year.
    """
    periods = np.maximum(service, 1)
    if rules.reference_earnings == "last_years":
        periods = np.minimum(periods, max(int(rules.reference_years[0]), 1))
    # a person aged x on 1 January was x - 1 during the last year before the base year
    last_age = np.maximum(ages - 1, 0)
    x_minus = ages[:, None] - 1 - periods[None, :]
    past = np.where(x_minus[None] >= 0, diag[np.clip(H - periods, 0, None)[None, None, :],
                                             np.arange(2)[:, None, None], np.clip(x_minus, 0, None)[None]], 0.0)
    latest = np.where(ages[None, :, None] >= 1, diag[H][:, last_age][:, :, None], 0.0)
    reference = revaluation * (latest - past) / periods[None, None, :]
    n_base = rules.accrual_base_years[0]
    s = service.astype(float)
    share = (rules.accrual_base_percent[0] * np.minimum(s, n_base) / n_base if n_base > 0 else 0.0) \
        + rules.accrual_rate[0] * np.maximum(s - n_base, 0.0)
    return share[None, None, :] * reference


def pension_indexation(rules: SchemeRules, wage_growth, cpi_inflation) -> np.ndarray:
    """Indexation of pensions in payment of each year: weight x wage growth + (1 - weight) x CPI
    inflation (the weight: ``rules.indexation_wage_weight``; average wage growth and CPI inflation of
    each year from the economy's macro table)."""
    return rules.indexation_wage_weight * wage_growth + (1.0 - rules.indexation_wage_weight) * cpi_inflation


def death_probabilities(population, assumptions: SchemeAssumptions) -> np.ndarray:
    """(n, 4, 2, A) death probabilities of the insured, old-age and invalidity pensioners (population
    rates times the mortality factors) and of the population (survivors and orphans); memoised
    (:mod:`socsec.model.memo`: what-if tables project the scheme many times on one population)."""
    qx, f = population.life_tables.qx, assumptions.mortality_factor

    def compute():
        q_pop = np.minimum(qx, 1.0)  # (n, 2, A)
        scaled = [np.minimum(q_pop * f[k][None, :, None], 1.0) for k in range(3)]
        return np.ascontiguousarray(np.stack(scaled + [q_pop], axis=1))
    return memoised("death_probabilities", (qx, f), lambda: (qx, f), compute)


def age_rates(assumptions: SchemeAssumptions) -> np.ndarray:
    """The assumptions by sex and age as the kernels read them ((2, A) ``core.pension.AGE_DTYPE``)."""
    assume = assumptions
    rates = np.zeros(assume.density.shape, dtype=kp.AGE_DTYPE)
    entrants_shape = assume.entrant_distribution / assume.entrant_distribution.sum(axis=1, keepdims=True)
    for name, value in (("invalidity", assume.invalidity), ("lapse", assume.lapse), ("reentry", assume.reentry),
                        ("density", assume.density), ("salary", assume.salary_scale),
                        ("entrant_share", entrants_shape), ("spouse_probability", assume.spouse_probability),
                        ("orphans_per_death", assume.orphans_per_death)):
        rates[name] = value
    return rates


def project_pension(inputs: PensionInputs, population, economy, engine: str = "numba", detail: bool = False,
                    service_stocks: bool = False) -> PensionProjection:
    """Project the scheme over the projection years of ``population`` (see the module docstring): the
    insured persons (:func:`project_insured`), then wages, awards and pensioners
    (:func:`project_benefits`).

    ``service_stocks=True`` keeps the actives and inactive by age and service of every 1 January
    (``actives``, ``inactive``: (n + 1, 2, A, S), for the service table of the results); otherwise
    they hold the base year only (1, 2, A, S): the summary, checks and financing need only the
    totals by age.  ``detail=True`` keeps those and every flow of the insured by age and service
    (``flows``), for audits and tests.
    """
    insured = project_insured(inputs, population, economy, engine, detail, service_stocks)
    return project_benefits(insured, inputs, population, economy, engine)


def project_insured(inputs: PensionInputs, population, economy, engine: str = "numba", detail: bool = False,
                    service_stocks: bool = False) -> InsuredProjection:
    """The insured persons of the scheme: stocks, flows and exits by sex, age and service
    (``core.pension.project_insured_kernel``); arguments as :func:`project_pension`.  It reads
    none of :data:`BENEFIT_RULES` and :data:`BENEFIT_ASSUMPTIONS`, and of the economy only the
    employed (the coverage target)."""
    rules, assume = inputs.rules, inputs.assumptions
    years = population.years
    n = len(years)
    _, _, A = population.population.shape
    S = A
    base_actives, base_inactive, *_ = inputs.data.single_ages(A - 1)
    coverage = np.clip(interpolate_linear(assume.coverage_years, assume.coverage, years), 0.0, 1.0)
    target = (coverage * economy.employed).sum(axis=2)  # (n, 2) actives wanted at 1 January of each year
    year_sex = np.zeros((n, 2), dtype=kp.YEAR_SEX_DTYPE)
    year_sex["early_age"] = rules.early_age.astype(np.int64)
    year_sex["normal_age"] = rules.normal_age.astype(np.int64)
    year_sex["exit_age"] = assume.exit_age.astype(np.int64)
    year_sex["retire_early"], year_sex["retire_normal"] = assume.retire_early, assume.retire_normal
    year_sex["target_next"] = np.r_[target[1:], target[-1:]]  # the last year keeps its own target

    rows = n + 1 if service_stocks or detail else 3  # 3: the base year and two working rows
    stocks_A = np.empty((rows, 2, A, S))
    stocks_N = np.empty((rows, 2, A, S))
    stocks_A[0], stocks_N[0] = base_actives, base_inactive
    # exits packed by year (core.pension.exits_by_cell): only the pages of occupied cells are touched
    exits, tops = np.empty((n, 2 * A * S, len(kp.EXIT_NAMES))), np.empty((n, 2, A), dtype=np.int64)
    flow_by_age, flow_totals = np.empty((n, len(FLOW_NAMES), 2, A)), np.empty((n, 2))
    entrants, to_inactive, actives_end = np.empty((n, 2, A)), np.empty((n, 2, A)), np.empty((n, 2, A))
    flow_cells = np.empty((n if detail else 0, len(FLOW_NAMES), 2, A, S))
    insured_by_age, service_years, lowest = np.empty((n + 1, 2, 2, A)), np.empty((n + 1, 2)), np.empty((n + 1, 2))
    driver = kp.project_insured_kernel if engine == "numba" else kp.project_insured_reference
    driver(year_sex, age_rates(assume), np.asarray(rules.min_service_old_age, dtype=np.float64),
           death_probabilities(population, assume), stocks_A, stocks_N, exits, tops, flow_by_age, flow_totals,
           entrants, to_inactive, actives_end, flow_cells, insured_by_age, service_years, lowest)

    by_age = {name: flow_by_age[:, k] for k, name in enumerate(FLOW_NAMES)}
    by_age.update(entrants=entrants, to_inactive=to_inactive, actives_end=actives_end)
    by_age["exit_service"], by_age["credits"] = flow_totals[:, 0], flow_totals[:, 1]
    flows = {name: flow_cells[:, k] for k, name in enumerate(FLOW_NAMES)} if detail else {}
    kept = slice(None) if rows == n + 1 else slice(0, 1)
    return InsuredProjection(actives=stocks_A[kept], inactive=stocks_N[kept], actives_by_age=insured_by_age[:, 0],
                             inactive_by_age=insured_by_age[:, 1], service_years=service_years.sum(axis=1),
                             lowest_insured=float(lowest.min()), exits=exits, tops=tops, by_age=by_age, flows=flows)


def project_benefits(insured: InsuredProjection, inputs: PensionInputs, population, economy,
                     engine: str = "numba") -> PensionProjection:
    """Wages, awards, pensioners, cash flows and calibration of the scheme from its insured persons
    (``core.pension.project_benefits_kernel``), for ``inputs`` whose rules and assumptions may
    differ from those ``insured`` was projected with in :data:`BENEFIT_RULES` and
    :data:`BENEFIT_ASSUMPTIONS` (and the economy but for the employed)."""
    rules, assume = inputs.rules, inputs.assumptions
    years = population.years
    n = len(years)
    _, _, A = population.population.shape
    base_actives, _, base_earnings, base_pensioners, base_average = inputs.data.single_ages(A - 1)
    ages = np.arange(A)
    service = np.arange(A)
    wage_index, cpi_index = economy.column("wage_index"), economy.column("cpi_index")
    wage_growth, cpi = economy.column("average_wage_growth"), economy.column("cpi_inflation")
    pension_index_rate = pension_indexation(rules, wage_growth, cpi)
    pension_index = np.cumprod(np.r_[1.0, 1.0 + pension_index_rate[1:]])
    ceiling_index = wage_index if rules.ceiling_indexation == "wages" else cpi_index

    # Reference earnings: prefix sums along cohort diagonals of insurable wage / revaluation index,
    # with H = A years of history before the base year extrapolated with the base-year growth rates.
    revaluation_rate = {"wages": wage_growth, "prices": cpi, "none": np.zeros(n)}[rules.revaluation]
    revaluation_index = {"wages": wage_index, "prices": cpi_index, "none": np.ones(n)}[rules.revaluation]
    H = A
    back = H - np.arange(H)  # years before the base year of history rows 1 .. H
    history = (1.0 + wage_growth[0]) ** (-back) / (1.0 + revaluation_rate[0]) ** (-back)
    diag = np.empty((H + n + 1, 2, A))  # diag[h] = prefix sum at history/projection year h - 1
    base_mean = np.sum(base_earnings * base_actives.sum(axis=2)) / max(base_actives.sum(), 1e-300)

    year = np.zeros(n, dtype=kp.YEAR_DTYPE)
    year["average_wage"] = base_mean * wage_index
    year["earnings_floor"] = rules.earnings_floor * ceiling_index
    year["earnings_ceiling"] = rules.earnings_ceiling * ceiling_index
    year["revaluation_index"] = revaluation_index
    if rules.reference_earnings == "last_years":
        year["reference_period"] = np.maximum(rules.reference_years.astype(np.int64), 1)
    for name in ("min_service_old_age", "min_service_invalidity", "min_service_survivors", "accrual_rate",
                 "accrual_base_percent", "accrual_base_years", "early_reduction", "late_increment",
                 "grant_per_year", "widow_share", "orphan_share", "full_orphan_share"):
        year[name] = getattr(rules, name)
    year["min_pension"] = rules.min_pension * pension_index
    year["max_pension"] = rules.max_pension * pension_index
    year["survivors_cap"] = rules.survivors_cap
    year["orphan_age_limit"] = rules.orphan_age_limit.astype(np.int64)
    year["indexation_next"] = np.r_[pension_index_rate[1:], pension_index_rate[-1]]
    sex = np.zeros(2, dtype=kp.SEX_DTYPE)
    sex["remarriage"] = assume.remarriage
    sex["spouse_age_difference"] = assume.spouse_age_difference
    sex["orphan_age_gap"] = assume.orphan_age_gap

    pens = np.empty((n + 1, 4, 2, A))
    amount = np.empty((n + 1, 4, 2, A))
    pens[0] = base_pensioners
    amount[0] = base_pensioners * base_average
    new_number, new_amount, died, left = (np.empty((n, 4, 2, A)) for _ in range(4))  # awards; deaths, other exits
    wages, grants = np.empty((n, 2, A)), np.empty((n, 2))
    driver = kp.project_benefits_kernel if engine == "numba" else kp.project_benefits_reference
    driver(year, np.ascontiguousarray(rules.normal_age, dtype=np.int64), age_rates(assume), sex,
           death_probabilities(population, assume), float(rules.earnings_cv), bool(rules.invalidity_service_credit),
           history, insured.actives_by_age, insured.exits, insured.tops, diag, pens, amount, wages, new_number,
           new_amount, died, left, grants)

    by_age = dict(insured.by_age)
    by_age["awards_amount"] = new_amount  # (n, 4, 2, A) annual amount of the year's awards, age at year end
    return _projection(inputs, years, insured, pens, amount, wages, by_age, new_number, new_amount, died, left,
                       grants, lambda: accrued_pensions(rules, diag, H, service, ages, float(revaluation_index[0])),
                       engine)


def _projection(inputs, years, insured, pens, amount, wages, by_age, new_number, new_amount, died, left,
                grants, make_accrued_pension_base, engine) -> PensionProjection:
    """Yearly summary, cash flows and calibration from the stocks and flows of the projection.

    Pensions paid in year t: the amounts in payment at 1 January, less half a year for those who
    die or leave during the year, plus half a year of the new awards.  Insurable earnings: average
    actives of the year x density x insurable wage, by sex and age, the average being the mean of
    the actives at 1 January t and at the end of year t before the 31 December entrants join and
    the excess moves to inactive (neither contributes in year t).
    """
    rules, assume = inputs.rules, inputs.assumptions
    if engine == "numba":
        totals = np.empty(new_number.shape[:2] + (len(kp.TYPE_TOTALS),))
        kp.type_totals_kernel(pens, amount, new_number, new_amount, died, left, totals)
    else:
        totals = kp.type_totals_reference(pens, amount, new_number, new_amount, died, left)
    number, in_payment, awards, awarded, deaths, exits, paid, average_number = np.moveaxis(totals, -1, 0)  # (n, 4)
    average_actives = 0.5 * (insured.actives_by_age[:-1] + by_age["actives_end"])
    earnings = (average_actives * assume.density[None] * wages).sum(axis=(1, 2))
    benefits = paid.sum(axis=1) + grants[:, 1]
    average_actives_total = average_actives.sum(axis=(1, 2))
    columns = {
        **insured.columns, "grants_number": grants[:, 0],
        "average_actives": average_actives_total,
        "average_insurable_earnings": earnings / np.maximum(average_actives_total, 1e-300),
        "insurable_earnings": earnings, "grants": grants[:, 1], "benefit_expenditure": benefits,
        **contribution_columns(rules, earnings, benefits),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, kind in enumerate(PENSION_TYPES):
            columns[f"deaths_{kind}"] = deaths[:, k]
            columns[f"other_exits_{kind}"] = exits[:, k]
            columns[f"pensioners_{kind}"] = number[:, k]
            columns[f"awards_{kind}"] = awards[:, k]
            columns[f"expenditure_{kind}"] = paid[:, k]
            columns[f"average_pensioners_{kind}"] = average_number[:, k]
            columns[f"average_pension_{kind}"] = np.where(number[:, k] > 0, in_payment[:, k] / number[:, k], np.nan)
            columns[f"average_award_{kind}"] = np.where(awards[:, k] > 0, awarded[:, k] / awards[:, k], np.nan)
        pensioners_all = number.sum(axis=1)
        columns["pensioners"] = pensioners_all
        columns["demographic_ratio"] = pensioners_all / columns["actives"]
        columns["average_pension"] = np.where(pensioners_all > 0, in_payment.sum(axis=1) / pensioners_all, np.nan)
        columns["benefit_ratio"] = columns["average_pension"] / columns["average_insurable_earnings"]
    flows = insured.flows
    if flows:
        flows = dict(flows, entrants=by_age["entrants"], to_inactive=by_age["to_inactive"], credits=by_age["credits"])
    return PensionProjection(years=years, insured=insured, pensioners=pens, pension_amount=amount,
                             insurable_wage=wages, columns={"year": years, **columns}, actual=inputs.actual,
                             make_accrued_pension_base=make_accrued_pension_base, by_age=by_age, flows=flows)


# the rules that set only the money columns of contribution_columns (nothing else of the projection)
CONTRIBUTION_RULES = ("contribution_rate", "admin_share_contributions", "admin_share_benefits")


def contribution_columns(rules: SchemeRules, earnings, benefits) -> dict:
    """Contributions, administrative expenses, total expenditure and PAYG cost rate of each year:
    contributions = rate x insurable earnings; administrative expenses = share of contributions x
    contributions + share of benefits x benefits; PAYG cost rate = (benefits + expenses) / earnings."""
    contributions = rules.contribution_rate * earnings
    admin = rules.admin_share_contributions * contributions + rules.admin_share_benefits * benefits
    total = benefits + admin
    with np.errstate(divide="ignore", invalid="ignore"):
        cost_rate = np.where(earnings > 0, total / np.where(earnings > 0, earnings, 1.0), np.nan)
    return {"contributions": contributions, "administrative_expenses": admin, "total_expenditure": total,
            "paygo_cost_rate": cost_rate}


def with_contribution_rules(projection: PensionProjection, inputs: PensionInputs) -> PensionProjection:
    """The projection with the money columns of :func:`contribution_columns` (and the calibration)
    recomputed for ``inputs``, whose rules differ from those of the projection only in
    :data:`CONTRIBUTION_RULES`: persons, pensions and insurable earnings do not depend on them."""
    columns = projection.columns
    money = contribution_columns(inputs.rules, columns["insurable_earnings"], columns["benefit_expenditure"])
    return replace(projection, columns={**columns, **money}, actual=inputs.actual)


def calibration_table(first_year, actual: dict) -> pd.DataFrame:
    """Projected figures of the base year against the scheme's accounts, with their ratio."""
    projected = {
        "contributions": first_year["contributions"],
        "expenditure_old_age": first_year["expenditure_old_age"],
        "expenditure_invalidity": first_year["expenditure_invalidity"],
        "expenditure_survivors": first_year["expenditure_survivors"] + first_year["expenditure_orphans"],
        "grants": first_year["grants"],
        "pensioners_old_age": first_year["average_pensioners_old_age"],
        "pensioners_invalidity": first_year["average_pensioners_invalidity"],
        "pensioners_survivors": first_year["average_pensioners_survivors"] + first_year["average_pensioners_orphans"],
    }
    rows = []
    for key, label in CALIBRATION_ROWS:
        value = float(actual.get(key, np.nan))
        rows.append({"item": key, "label": label, "projected": projected[key], "actual": value,
                     "ratio": projected[key] / value if value and np.isfinite(value) else np.nan})
    return pd.DataFrame(rows)
