"""Pension scheme block (ILO-PENS style): insured population by sex, age and credited service,
pensioners by type, benefits, contributions and the calibration table (docs/methodology.md
section 9).

The year-by-year stock flows are the numba kernels of :mod:`socsec.core.pension`; this module
prepares their inputs (base-year data by single age, mortality, coverage targets, wages), turns
flows into awards and cash flows and labels the results.

Timing (the kernels' module docstring has the details): stocks on 1 January, ages last birthday at
that date, as in the population block; deaths on the population block's mortality basis times the
scheme's factors; retirement and claims at the birthday (age attained during the year), invalidity,
lapses, re-entries and deaths at mid-year; awards start on average at mid-year (half a year paid in
the award year); pensions in payment are indexed on 1 January; actives are balanced age by age to
coverage x employed on 31 December (inactive insured made active again, then new entrants with no
service; or moves to inactive);
contributions are paid for the time spent active in the year times the density, and credited as
service in the same measure.
"""

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import NamedTuple

import numba
import numpy as np
import pandas as pd

from socsec.core import pension as kp
from socsec.cache import memoised
from socsec.model.population import SEXES, interpolate_linear
from socsec.model.fields import BENEFITS, BY_SEX, CONTRIBUTIONS, INSURED, declare, read_by
from socsec.model.frozen import freeze_arrays, lock_arrays

PENSION_TYPES = ("old_age", "invalidity", "survivors", "orphans")
FLOW_NAMES = kp.FLOW_NAMES  # flows of the insured by (year, sex, age, service)
REFERENCE_EARNINGS = ("career_average", "last_years")
REVALUATIONS = ("wages", "prices", "none")
INDEXATIONS = ("wages", "prices")


def spread_groups(starts, last: int):
    """(first, last) single values of each group: a group runs to the next group's start - 1, the
    last one to ``last``."""
    starts = [int(v) for v in starts]
    ends = [b - 1 for b in starts[1:]] + [last]
    return list(zip(starts, ends))


def spread_insured(age_starts, service_starts, counts, omega: int, min_age: int, weights,
                   engine: str = "numba") -> np.ndarray:
    """Persons by age group x service group -> by single age x single year of service
    (``core.pension.spread_insured_kernel``, numpy twin ``spread_insured_reference``).

    Rule (keeps every group total exactly): the feasible cells of a group are its (age, service)
    pairs with service <= age - ``min_age`` (nobody is insured below the minimum working age); a
    group's count goes to its ages with a feasible cell in proportion to ``weights`` (2, A) (the
    employed of the base year for actives: the coverage rate is the same at every age of the group;
    the population for inactive insured), and evenly over the feasible service years of each age.
    A non-zero group without a feasible cell raises ValueError naming it.  counts: (2, age groups,
    service groups); returns (2, omega + 1, omega + 1).
    """
    age_starts = np.asarray(age_starts, dtype=np.int64)
    service_starts = np.asarray(service_starts, dtype=np.int64)
    out = np.zeros((2, omega + 1, omega + 1))
    spread = kp.spread_insured_kernel if engine == "numba" else kp.spread_insured_reference
    empty = spread(age_starts, service_starts, np.asarray(counts, dtype=np.float64), min_age,
                   np.asarray(weights, dtype=np.float64), out)
    if empty >= 0:
        (a0, a1), (s0, s1) = (spread_groups(age_starts, omega)[empty // len(service_starts)],
                              spread_groups(service_starts, omega)[empty % len(service_starts)])
        raise ValueError(f"ages {a0}-{a1}, service {s0}-{s1}: no one aged {a1} or less can have {s0} "
                         f"years of service (service starts at age {min_age})")
    return out


def spread_by_age(age_starts, values, omega: int, weights=None, average: bool = False) -> np.ndarray:
    """Values by age group (groups, 2) -> by single age (omega + 1, 2): counts shared among the ages of
    their group in proportion to ``weights`` (A, 2) (evenly without weights; totals kept), or averages
    repeated (``average=True``)."""
    values = np.asarray(values, dtype=np.float64)
    out = np.zeros((omega + 1,) + values.shape[1:])
    for i, (a0, a1) in enumerate(spread_groups(age_starts, omega)):
        if average:
            out[a0:a1 + 1] = values[i]
            continue
        w = np.ones((a1 - a0 + 1,) + values.shape[1:]) if weights is None else weights[a0:a1 + 1]
        total = w.sum(axis=0)
        share = np.where(total > 0, w / np.where(total > 0, total, 1.0), 1.0 / (a1 - a0 + 1))
        out[a0:a1 + 1] = values[i] * share
    return out


@dataclass(frozen=True)
class SchemeData:
    """Base-year scheme data on 1 January of the base year, as entered (by age and service groups;
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

    def __post_init__(self):
        freeze_arrays(self)


def base_insured(data: SchemeData, omega: int, min_age: int, employed, population, engine: str = "numba"):
    """(actives, inactive) (2, A, S) on 1 January of the base year by single age and service
    (:func:`spread_insured`): actives in proportion to the employed of the base year (2, A), inactive
    insured to the population on 1 January (2, A); memoised (what-if tables re-project the scheme on
    the same data many times)."""
    parts = lambda: (data.age_starts, data.service_starts, data.actives, data.inactive, omega, min_age,  # noqa: E731
                     employed, population, engine)
    return memoised("base_insured", (data, omega, min_age, employed, population, engine), parts, lambda: (
        spread_insured(data.age_starts, data.service_starts, data.actives, omega, min_age, employed, engine),
        spread_insured(data.age_starts, data.service_starts, data.inactive, omega, min_age, population, engine)))


def base_tops(actives, inactive) -> np.ndarray:
    """(2, A) the highest service with someone of each sex and age in the base stocks of :func:`base_insured`
    (``core.pension.highest_service``), which size the exits of a projection that allocates its own arrays;
    memoised with them (the same objects while the base stocks are reused)."""
    return memoised("base_tops", (actives, inactive), lambda: (actives, inactive),
                    lambda: kp.highest_service(actives, inactive))


def base_pensioners(data: SchemeData, omega: int, population, orphan_age_limit: int):
    """(pensioners, average pension (4, 2, A); average insurable earnings of the actives (2, A)) on
    1 January of the base year by single age (:func:`spread_by_age`): the pensioners of a group in
    proportion to the population of each age and sex (orphans: only the ages below the orphan age
    limit), so that no single age holds more pensioners than people unless the group does; averages
    repeated over the ages of their group; memoised (what-if tables re-project the scheme on the same data
    many times)."""
    return memoised("base_pensioners", (data, omega, population, orphan_age_limit),
                    lambda: (data.pensioner_age_starts, data.pensioners, data.average_pension, data.age_starts,
                             data.active_earnings, omega, population, orphan_age_limit),
                    lambda: _spread_pensioners(data, omega, population, orphan_age_limit))


def _spread_pensioners(data: SchemeData, omega: int, population, orphan_age_limit: int):
    """:func:`base_pensioners` computed."""
    weights = np.repeat(np.asarray(population, dtype=np.float64).T[:, None, :], 4, axis=1)  # (A, 4, 2)
    weights[orphan_age_limit:, 3] = 0.0
    number = spread_by_age(data.pensioner_age_starts, np.asarray(data.pensioners).reshape(-1, 8), omega,
                           weights.reshape(omega + 1, 8))
    average = spread_by_age(data.pensioner_age_starts, np.asarray(data.average_pension).reshape(-1, 8), omega,
                            average=True)
    earnings = spread_by_age(data.age_starts, data.active_earnings, omega, average=True).T
    as_types = lambda v: np.moveaxis(v.reshape(omega + 1, 4, 2), 0, -1)  # noqa: E731
    return as_types(number), as_types(average), earnings


PERCENT, YEARS, MONEY = "0.00%", "0", "#,##0"  # number formats of the rules' rows


def _rule(label: str, units: str, low, high, number_format: str, step: str = BENEFITS, rows=(), whole=False):
    """A row (or a row per sex) of the scheme rules, table in_rules."""
    return declare(label, units, low, high, whole=whole, step=step, table="in_rules", rows=rows,
                   number_format=number_format, yearly=True)


@dataclass(frozen=True)
class SchemeRules:
    """The legal parameters, one value per projection year (phase-ins), plus method options.

    Rates per year as fractions (0.15 = 15%); ages and service in years; money at base-year level
    (min/max pension indexed like pensions in payment, ceiling/floor by ``ceiling_indexation``).
    """

    # one value per projection year (ages: (n, 2), by sex); rows of the table in_rules, in this order
    contribution_rate: np.ndarray = _rule("contribution rate", "share of insurable earnings", 0.0, 1.0, PERCENT,
                                          step=CONTRIBUTIONS)
    normal_age: np.ndarray = _rule("normal retirement age", "age (whole years)", 15, 100, YEARS, step=INSURED,
                                   rows=BY_SEX, whole=True)
    early_age: np.ndarray = _rule("early retirement age", "age (whole years)", 15, 100, YEARS, step=INSURED,
                                  rows=BY_SEX, whole=True)
    min_service_old_age: np.ndarray = _rule("minimum service, old age (years)", "years", 0, 50, YEARS, step=INSURED)
    min_service_invalidity: np.ndarray = _rule("minimum service, invalidity (years)", "years", 0, 50, YEARS)
    min_service_survivors: np.ndarray = _rule("minimum service, survivors (years)", "years", 0, 50, YEARS)
    accrual_rate: np.ndarray = _rule("accrual rate per year of service", "share per year of service", 0.0, 0.1,
                                     PERCENT)  # beyond the base years
    accrual_base_percent: np.ndarray = _rule("base percentage for the first years", "share of reference earnings",
                                             0.0, 1.0, PERCENT)
    accrual_base_years: np.ndarray = _rule("years covered by the base percentage", "years", 0, 50, YEARS)
    early_reduction: np.ndarray = _rule("early retirement reduction per year", "share per year before the normal age",
                                        0.0, 0.2, PERCENT)
    late_increment: np.ndarray = _rule("late retirement increment per year", "share per year after the normal age",
                                       0.0, 0.2, PERCENT)
    min_pension: np.ndarray = _rule("minimum pension (base-year money)", "base-year money", 0.0, 1e12, MONEY)
    max_pension: np.ndarray = _rule("maximum pension (base-year money, 0 = none)", "base-year money (0 = none)",
                                    0.0, 1e12, MONEY)
    earnings_ceiling: np.ndarray = _rule("insurable earnings ceiling (base-year money, 0 = none)",
                                         "base-year money (0 = none)", 0.0, 1e12, MONEY)
    earnings_floor: np.ndarray = _rule("insurable earnings floor (base-year money, 0 = none)",
                                       "base-year money (0 = none)", 0.0, 1e12, MONEY)
    reference_years: np.ndarray = _rule("reference period, last years", "years", 1, 50, YEARS)
    widow_share: np.ndarray = _rule("widow(er) share", "share of the pension", 0.0, 1.0, PERCENT)
    orphan_share: np.ndarray = _rule("orphan share", "share of the pension", 0.0, 1.0, PERCENT)
    full_orphan_share: np.ndarray = _rule("full orphan share", "share of the pension", 0.0, 1.0, PERCENT)
    survivors_cap: np.ndarray = _rule("survivors' cap (share of the pension)", "share of the pension", 0.0, 2.0,
                                      PERCENT)
    orphan_age_limit: np.ndarray = _rule("orphan age limit", "age", 1, 30, YEARS)
    grant_per_year: np.ndarray = _rule("lump-sum grant per year of service (share of annual wage)",
                                       "share of the annual insurable wage per year of service", 0.0, 5.0, PERCENT)
    admin_share_contributions: np.ndarray = _rule("administrative expenses, share of contributions",
                                                  "share of contributions", 0.0, 1.0, PERCENT, step=CONTRIBUTIONS)
    admin_share_benefits: np.ndarray = _rule("administrative expenses, share of benefits", "share of benefits",
                                             0.0, 1.0, PERCENT, step=CONTRIBUTIONS)
    indexation_wage_weight: np.ndarray = _rule("indexation of pensions: weight of wages (0 = prices)",
                                               "weight (0 = prices, 1 = wages)", 0.0, 1.0, "0.00")
    reference_earnings: str = "career_average"
    revaluation: str = "wages"
    ceiling_indexation: str = "wages"
    invalidity_service_credit: bool = True
    earnings_cv: float = 0.0  # coefficient of variation of individual earnings (lognormal)

    def __post_init__(self):
        freeze_arrays(self)


MORTALITY_FACTOR_TYPES = (("insured", ", insured"), ("old_age", ", old-age pensioners"),
                          ("invalidity", ", invalidity pensioners"))  # rows of SchemeAssumptions.mortality_factor


def _rate(label: str, units: str, low, high, step: str):
    """A column of the tables in_scheme_rates_<sex>: a rate by sex and age."""
    return declare(label, units, low, high, step=step, table="in_scheme_rates")


def _retirement(label: str, units: str, low, high, whole=False):
    """A row per sex of the table in_retirement: a value by year and sex."""
    return declare(label, units, low, high, whole=whole, step=INSURED, table="in_retirement", rows=BY_SEX,
                   yearly=True)


def _factor(label: str, units: str, low, high, step: str, rows=(), **field_options):
    """A row (or rows) of the table in_scheme_factors: a value by sex."""
    return declare(label, units, low, high, step=step, table="in_scheme_factors", rows=rows, **field_options)


@dataclass(frozen=True)
class SchemeAssumptions:
    """Behavioural and demographic assumptions (rates per year, by sex and age where stated)."""

    coverage_years: np.ndarray  # (k,)
    coverage: np.ndarray = declare("coverage", "share of the employed", 0.0, 1.0, step=INSURED)
    # (k, 2, A) share of the employed who are active contributors (tables in_coverage_<sex>)
    # (2, A) by sex and age: the columns of the tables in_scheme_rates_<sex>, in this order
    density: np.ndarray = _rate("density", "share of the year contributed by an active", 0.0, 1.0, INSURED)
    salary_scale: np.ndarray = _rate("salary scale", "relative earnings by age", 0.0, 1e3, BENEFITS)
    invalidity: np.ndarray = _rate("invalidity incidence", "rate per year among actives", 0.0, 1.0, INSURED)
    lapse: np.ndarray = _rate("lapse to inactive", "rate per year (active to inactive)", 0.0, 1.0, INSURED)
    reentry: np.ndarray = _rate("re-entry", "rate per year (inactive to active)", 0.0, 1.0, INSURED)
    # (n, 2) by year and sex: rows of the table in_retirement (a row per sex)
    retire_early: np.ndarray = _retirement("early retirement rate of the eligible", "rate per year", 0.0, 1.0)
    retire_normal: np.ndarray = _retirement("retirement rate from the normal age", "rate per year", 0.0, 1.0)
    exit_age: np.ndarray = _retirement("age by which every active leaves", "age (whole years)", 15, 100, whole=True)
    # (3, 2) insured, old-age pensioners, invalidity pensioners by sex: rows of the table in_scheme_factors
    mortality_factor: np.ndarray = _factor("mortality factor", "factor on the population's death probabilities",
                                           0.0, 10.0, INSURED, rows=MORTALITY_FACTOR_TYPES)
    spouse_probability: np.ndarray = _rate("probability of a spouse", "probability by age and sex of the deceased",
                                           0.0, 1.0, BENEFITS)
    # (2,) by sex: rows of the table in_scheme_factors
    spouse_age_difference: np.ndarray = _factor("spouse age minus age of the deceased (years)", "years", -30.0, 30.0,
                                                BENEFITS)
    orphans_per_death: np.ndarray = _rate("orphans per death", "expected orphans below the age limit", 0.0, 20.0,
                                          BENEFITS)
    orphan_age_gap: np.ndarray = _factor("age of the deceased minus average orphan age (years)", "years", 10.0, 60.0,
                                         BENEFITS)
    remarriage: np.ndarray = _factor("remarriage rate of widow(er)s", "rate per year", 0.0, 1.0, BENEFITS)
    coverage_phase_in: int = 0  # years to move from the base data's coverage to the coverage input
    abroad_share: np.ndarray = _factor("share of inactive insured and pensioners living abroad", "share", 0.0, 1.0,
                                       BENEFITS, default_factory=lambda: np.zeros(2))  # outside the population

    def __post_init__(self):
        freeze_arrays(self)


# What a what-if change may reuse (socsec.model.chain), from the steps declared with each field: the
# insured persons (project_insured) read the INSURED rules and assumptions only; a change to the others
# alone reuses the insured of a base projection and re-runs project_benefits.
INSURED_RULES = read_by(SchemeRules, INSURED)
BENEFIT_RULES = tuple(f.name for f in fields(SchemeRules) if f.name not in INSURED_RULES)
BENEFIT_ASSUMPTIONS = read_by(SchemeAssumptions, BENEFITS)


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

    actives: np.ndarray  # (n + 1, 2, A, S) on 1 January; (1, 2, A, S), the base year, without service_stocks
    inactive: np.ndarray  # (n + 1, 2, A, S) or (1, 2, A, S)
    actives_by_age: np.ndarray  # (n + 1, 2, A) actives summed over service
    inactive_by_age: np.ndarray  # (n + 1, 2, A)
    service_years: np.ndarray  # (n + 1,) years of credited service of the actives and inactive
    lowest_insured: float  # smallest cell of actives or inactive in any year (negative = a bug)
    exits: np.ndarray | None = field(repr=False)  # (2, cells, 4) exits of the occupied cells, each sex's year
    #           after year (core.pension.exit_starts, core.pension.exits_by_cell); None when projected year by
    #           year with the benefits (project_scheme_batch), which keeps no exits of past years
    tops: np.ndarray = field(repr=False)  # (n, 2, A) bound on the highest service occupied on 1 January
    by_age: dict = field(repr=False, default_factory=dict)  # each flow of core.pension.Flow but the stocks
    #                                  (n, 2, A); exit_service (n,) years of service of the exits
    flows: dict = field(repr=False, default_factory=dict)  # detail=True: flow name -> (n, 2, A, S)
    flow_totals: np.ndarray = field(repr=False, default=None)  # (n + 1, len(Flow)): each flow of the
    #                                  kernel's by_age (and the stocks) summed over sexes and ages

    def __post_init__(self):
        lock_arrays(self)  # shared by the valuations that reuse this block

    @functools.cached_property
    def average_actives(self) -> np.ndarray:
        """(n, 2, A) actives of each year on average, by age on 1 January: the mean of those of
        1 January and of the stayers and re-entrants at the end of the year (before the balancing of
        31 December): stayers count a whole year, those who leave or re-enter during the year half."""
        return 0.5 * (self.actives_by_age[:-1] + self.by_age["actives_end"])

    @functools.cached_property
    def columns(self) -> dict:
        """The insured's columns of the yearly summary: column name -> (n,) values."""
        n = len(self.flow_totals) - 1
        total = lambda name: self.flow_totals[:n, kp.Flow[name.upper()]]  # noqa: E731
        actives = self.actives_by_age[:-1]
        return {
            "actives": total("actives"), "actives_male": actives[:, 0].sum(axis=1),
            "actives_female": actives[:, 1].sum(axis=1), "inactive": total("inactive"),
            "new_entrants": total("entrants"), "moved_to_inactive": total("to_inactive"),
            "reactivated": total("reactivated"),
            "lapses": total("lapsed"), "reentries": total("reentered"),
            "deaths_actives": total("dead_active"), "deaths_inactive": total("dead_inactive"),
            "invalidity_exits": total("invalid"), "retirements_actives": total("retired_active"),
            "retirements_inactive": total("left_inactive"), "service_credited": total("credited"),
        }


@dataclass(frozen=True)
class PensionProjection:
    """Stocks, flows, yearly summary and calibration table of the pension projection."""

    years: np.ndarray
    insured: InsuredProjection = field(repr=False)  # the insured persons (stocks by service, flows)
    pensioners: np.ndarray  # (n + 1, 4, 2, A)
    pension_amount: np.ndarray  # (n + 1, 4, 2, A) total annual pension in payment
    insurable_wage: np.ndarray  # (n, 2, A) average insurable wage of an active
    gross_wage: np.ndarray  # (n, 2, A) average gross wage of an active (salary scale x wage level)
    columns: dict = field(repr=False)  # the yearly summary, column name -> (n,) values
    actual: dict = field(repr=False)  # the scheme's accounts of the base year (calibration)
    make_accrued_pension_base: Callable[[], np.ndarray] = field(repr=False)
    death_probabilities: np.ndarray = field(repr=False, default=None)  # (n, 4, 2, A) of death_probabilities
    by_age: dict = field(repr=False, default_factory=dict)  # the insured's by_age, and awards_amount (n, 4, 2, A)
    flows: dict = field(repr=False, default_factory=dict)  # detail=True: flow name -> (n, 2, A, S), as by_age

    def __post_init__(self):
        lock_arrays(self)  # shared by the valuations that reuse this block

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


def death_probabilities(population, assumptions: SchemeAssumptions, engine: str = "numba") -> np.ndarray:
    """(n, 4, 2, A) death probabilities of the insured, old-age and invalidity pensioners and of the
    population (widow(er)s and orphans) from the survival ratios of the population block's life tables
    and the mortality factors (``core.pension.death_probabilities_kernel``, or its numpy twin): a person
    aged x on 1 January of year t dies before 1 January t + 1 with 1 - S_{x+1} (1 - S_omega in the open
    group), the ratios with which the cohort-component step survives the same persons, so the insured
    and pensioners die as the population of their age does, times the factor of their type (at most 1)."""
    survival = population.life_tables.survival
    factor = np.ascontiguousarray(assumptions.mortality_factor, dtype=np.float64)
    if engine != "numba":
        return kp.death_probabilities_reference(survival, factor)
    q = np.empty((survival.shape[0], 4) + survival.shape[1:])
    kp.death_probabilities_kernel(np.ascontiguousarray(survival, dtype=np.float64), factor, q)
    return q


def pensioner_exit_rates(rules: SchemeRules, assumptions: SchemeAssumptions, A: int) -> np.ndarray:
    """(n, 4, 2, A) rates at which the pensioners of each type, sex and age on 1 January leave during the
    year other than by death (of the survivors): widow(er)s the remarriage rate of their sex; orphans all
    of those who reach the orphan age limit L_t during the year (aged L_t - 1 or more on 1 January);
    none for old-age and invalidity pensioners; memoised (the same for every valuation of these rules)."""
    def compute():
        out = np.zeros((len(rules.orphan_age_limit), 4, 2, A))
        out[:, 2] = np.asarray(assumptions.remarriage, dtype=np.float64)[None, :, None]
        out[:, 3] = (np.arange(A)[None, None, :] >= np.asarray(rules.orphan_age_limit)[:, None, None] - 1)
        return out
    sources = (rules.orphan_age_limit, assumptions.remarriage, A)
    return memoised("pensioner_exit_rates", sources, lambda: sources, compute)


def age_rates(assumptions: SchemeAssumptions) -> np.ndarray:
    """The assumptions by sex and age as the kernels read them ((2, A) ``core.pension.AGE_DTYPE``)."""
    rates = np.zeros(assumptions.density.shape, dtype=kp.AGE_DTYPE)
    for name, value in (("invalidity", assumptions.invalidity), ("lapse", assumptions.lapse),
                        ("reentry", assumptions.reentry), ("density", assumptions.density),
                        ("salary", assumptions.salary_scale), ("spouse_probability", assumptions.spouse_probability),
                        ("orphans_per_death", assumptions.orphans_per_death)):
        rates[name] = value
    return rates


def coverage_path(assumptions: SchemeAssumptions, years, base_coverage) -> np.ndarray:
    """(n, 2, A) coverage of the employed in each projection year: the coverage input interpolated
    linearly between its anchor years (constant outside, clipped to 0 .. 1), reached from the base
    data's own coverage ``base_coverage`` (2, A) over ``coverage_phase_in`` years:

    c_t = c0 + (c_input,t - c0) x min((t - t0) / P, 1)   (P = 0: the input from the base year on).
    """
    wanted = np.clip(interpolate_linear(assumptions.coverage_years, assumptions.coverage, years), 0.0, 1.0)
    phase_in = int(assumptions.coverage_phase_in)
    weight = np.ones(len(years)) if phase_in <= 0 else np.minimum((years - years[0]) / phase_in, 1.0)
    return base_coverage[None] + (wanted - base_coverage[None]) * weight[:, None, None]


def base_coverage(actives_by_age, employed) -> np.ndarray:
    """(2, A) coverage of the employed in the base data: actives / employed of the base year by sex and
    age (at most 1; 0 where nobody is employed)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(employed > 0, np.minimum(actives_by_age / np.where(employed > 0, employed, 1.0), 1.0), 0.0)


def insured_year_sex(rules: SchemeRules, assume: SchemeAssumptions, min_working_age: int) -> np.ndarray:
    """The retirement ages and rates, minimum service and entry ages of each year and sex as the insured
    kernel reads them ((n, 2) ``core.pension.YEAR_SEX_DTYPE``).  New entrants of 31 December of year t
    (at their age on 1 January t + 1) are admitted from the minimum working age to below the early
    retirement age of year t."""
    n = len(rules.contribution_rate)
    year_sex = np.zeros((n, 2), dtype=kp.YEAR_SEX_DTYPE)
    year_sex["early_age"] = rules.early_age.astype(np.int64)
    year_sex["normal_age"] = rules.normal_age.astype(np.int64)
    year_sex["exit_age"] = assume.exit_age.astype(np.int64)
    year_sex["retire_early"], year_sex["retire_normal"] = assume.retire_early, assume.retire_normal
    year_sex["min_service"] = np.asarray(rules.min_service_old_age, dtype=np.float64)[:, None]
    year_sex["entry_from"] = int(min_working_age)
    year_sex["entry_to"] = rules.early_age.astype(np.int64)
    return year_sex


class PensionBuffers:
    """The arrays the two passes of the pension projection write, for projections of ``n`` years and ages
    0 .. A - 1 (``stock_rows``: n + 1 to keep the insured by service of every year, else 3, the base year
    and two working rows; ``exit_cells``: room for the packed exits of each sex, by default enough for any
    base data, n x A x A; ``core.pension.exit_capacity`` is enough for given base data).

    A projection allocates its own, with just enough room for the exits (only the cells written are ever
    touched, each sex's year after year in its own block); the valuations of a batch (the runs of a stochastic chunk,
    :mod:`socsec.model.stochastic`) share one set (:meth:`for_batch`, room for one year's exits:
    :func:`project_scheme_batch`), allocated outside the kernels, so that the memory is not requested and first
    touched again for every run.  A projection made with shared buffers holds
    views of them: it is valid only until the next projection made with the same buffers.
    """

    def __init__(self, n: int, A: int, stock_rows: int = 3, exit_cells: int | None = None):
        self.shape = (n, A)
        self._stock_rows = stock_rows
        self._exit_cells = n * A * A if exit_cells is None else exit_cells
        self._insured = self._benefits = None  # each set allocated when first asked for

    @classmethod
    def for_batch(cls, inputs) -> "PensionBuffers":
        """Buffers for the valuations of a batch of the model inputs ``inputs`` (its projection years and ages),
        each made by :func:`project_scheme_batch`: room for the exits of one year of each sex, A x S cells."""
        A = np.shape(inputs.population.base_population)[-1]
        return cls(len(inputs.population.years), A, exit_cells=A * A)

    def _checked(self, n: int, A: int) -> None:
        if (n, A) != self.shape:
            raise ValueError(f"pension buffers made for {self.shape[0]} years and {self.shape[1]} ages, "
                             f"not {n} and {A}")

    def insured_arrays(self, n: int, A: int) -> tuple:
        """(actives, inactive, exits, tops, by_age, totals) of ``core.pension.project_insured_kernel``."""
        self._checked(n, A)
        if self._insured is None:
            S = A  # service 0 .. omega
            self._insured = (np.empty((self._stock_rows, 2, A, S)), np.empty((self._stock_rows, 2, A, S)),
                             np.empty((2, self._exit_cells, len(kp.Exit))), np.empty((n, 2, A), dtype=np.int64),
                             np.empty((n + 1, len(kp.Flow), 2, A)), np.empty((n + 1, len(kp.Total))))
        return self._insured

    def benefit_arrays(self, n: int, A: int) -> tuple:
        """(diag, in_payment, awards, leaving, wages, grants) of ``core.pension.project_benefits_kernel``
        (diag with A rows of history)."""
        self._checked(n, A)
        if self._benefits is None:
            self._benefits = (np.empty((A + n + 1, 2, A)), np.empty((n + 1, len(kp.Money), 4, 2, A)),
                              np.empty((n, len(kp.Money), 4, 2, A)), np.empty((n, len(kp.Leaving), 4, 2, A)),
                              np.empty((n, len(kp.Wage), 2, A)), np.empty((n, 2)))
        return self._benefits


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


def pension_drivers(engine: str) -> tuple:
    """(insured, benefits) functions of the two passes for ``engine``: the numpy twins; or the numba kernels,
    which project the two sexes side by side when numba gives this thread two threads or more
    (``numba.get_num_threads``: the cores, or NUMBA_NUM_THREADS, or ``numba.set_num_threads``), else their
    one-thread versions (the same results, bit for bit; :func:`one_thread`)."""
    if engine != "numba":
        return kp.project_insured_reference, kp.project_benefits_reference
    if numba.get_num_threads() > 1:
        return kp.project_insured_kernel, kp.project_benefits_kernel
    return kp.project_insured_serial, kp.project_benefits_serial


@contextlib.contextmanager
def one_thread():
    """Inside the block, numba gives this thread one thread (``numba.set_num_threads(1)``, restored after): the
    pension kernels run their one-thread versions (:func:`pension_drivers`)."""
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(threads)


# the rows of the insured kernel's by_age that are flows of a year (not stocks of 1 January), by name
FLOWS_OF_THE_YEAR = tuple((f.name.lower(), int(f)) for f in kp.Flow if f not in (kp.Flow.ACTIVES, kp.Flow.INACTIVE))


class InsuredArguments(NamedTuple):
    """The arguments of ``core.pension.project_insured_kernel``, in its order (:func:`_insured_arguments`)."""

    year_sex: np.ndarray
    target: np.ndarray
    rates: np.ndarray
    q: np.ndarray  # the insured's death probabilities (n, 2, A)
    actives: np.ndarray
    inactive: np.ndarray
    exits: np.ndarray
    tops: np.ndarray
    by_age: np.ndarray
    totals: np.ndarray
    flows: np.ndarray


class BenefitArguments(NamedTuple):
    """The arguments of ``core.pension.project_benefits_kernel`` but the insured's actives by age, exits and
    tops, in its order (:func:`_benefit_arguments`)."""

    year: np.ndarray
    year_sex: np.ndarray
    rates: np.ndarray
    sex: np.ndarray
    q: np.ndarray  # death probabilities (n, 4, 2, A) of death_probabilities
    other_exits: np.ndarray
    history: np.ndarray
    diag: np.ndarray
    in_payment: np.ndarray
    wages: np.ndarray
    awards: np.ndarray
    leaving: np.ndarray
    grants: np.ndarray


def project_insured(inputs: PensionInputs, population, economy, engine: str = "numba", detail: bool = False,
                    service_stocks: bool = False) -> InsuredProjection:
    """The insured persons of the scheme: stocks, flows and exits by sex, age and service
    (``core.pension.project_insured_kernel``); arguments as :func:`project_pension`.  It reads
    none of :data:`BENEFIT_RULES` and :data:`BENEFIT_ASSUMPTIONS`, and of the economy only the
    employed (coverage targets, spreading of the base data) and the minimum working age."""
    rows = len(population.years) + 1 if service_stocks or detail else 3  # 3: the base year and two working rows
    arguments, _ = _insured_arguments(inputs, population, economy, engine, detail, rows, None)
    pension_drivers(engine)[0](*arguments)
    return _insured_projection(arguments, rows, detail, kept_exits=True)


def _insured_arguments(inputs: PensionInputs, population, economy, engine: str, detail: bool, rows: int,
                       buffers: "PensionBuffers | None") -> tuple:
    """(:class:`InsuredArguments`, the arguments of ``core.pension.project_insured_kernel``; the death probabilities
    (n, 4, 2, A) of :func:`death_probabilities`) for :func:`project_insured` and :func:`project_scheme_batch`: the
    base stocks spread by service in row 0 of stocks of ``rows`` rows, the targets of actives, the outputs from
    ``buffers`` or allocated."""
    rules, assume = inputs.rules, inputs.assumptions
    years = population.years
    n = len(years)
    _, _, A = population.population.shape
    S = A
    min_age = int(economy.min_working_age)
    employed = economy.employed  # (n, 2, A)
    base_actives, base_inactive = base_insured(inputs.data, A - 1, min_age, employed[0], population.population[0],
                                               engine)
    coverage = coverage_path(assume, years, base_coverage(base_actives.sum(axis=2), employed[0]))
    target = coverage * employed
    target = np.ascontiguousarray(np.concatenate([target[1:], target[-1:]]))  # wanted on 1 January t + 1
    target[:, :, :min_age] = 0.0

    if buffers is None or rows != 3:
        buffers = PensionBuffers(n, A, rows, kp.exit_capacity(n, base_tops(base_actives, base_inactive)))
    stocks_A, stocks_N, exits, tops, by_age, totals = buffers.insured_arrays(n, A)
    stocks_A[0], stocks_N[0] = base_actives, base_inactive
    flow_cells = np.empty((n if detail else 0, len(FLOW_NAMES), 2, A, S))
    q = death_probabilities(population, assume, engine)
    return InsuredArguments(insured_year_sex(rules, assume, min_age), target, age_rates(assume),
                            np.ascontiguousarray(q[:, 0]), stocks_A, stocks_N, exits, tops, by_age, totals,
                            flow_cells), q


def _insured_projection(arguments: InsuredArguments, rows: int, detail: bool, kept_exits: bool) -> InsuredProjection:
    """The InsuredProjection of the insured kernel's ``arguments`` once it has run (:func:`_insured_arguments`;
    ``rows`` of the stocks, ``detail``: the flows by service kept); ``kept_exits``: the exits of every year
    are in the arguments' exits (else only the last year's are, :func:`project_scheme_batch`)."""
    by_age, totals = arguments.by_age, arguments.totals
    n = len(arguments.tops)
    flows_by_age = {name: by_age[:n, f] for name, f in FLOWS_OF_THE_YEAR}
    flows_by_age["exit_service"] = totals[:n, kp.Total.EXIT_SERVICE]
    flows = {name: arguments.flows[:, k] for k, name in enumerate(FLOW_NAMES)} if detail else {}
    kept = slice(None) if rows == n + 1 else slice(0, 1)
    return InsuredProjection(actives=arguments.actives[kept], inactive=arguments.inactive[kept],
                             actives_by_age=by_age[:, kp.Flow.ACTIVES], inactive_by_age=by_age[:, kp.Flow.INACTIVE],
                             service_years=totals[:, kp.Total.SERVICE],
                             lowest_insured=float(totals[:, kp.Total.LOWEST].min()),
                             exits=arguments.exits[...] if kept_exits else None, tops=arguments.tops[...],
                             by_age=flows_by_age, flows=flows, flow_totals=by_age.sum(axis=(2, 3)))


def project_benefits(insured: InsuredProjection, inputs: PensionInputs, population, economy,
                     engine: str = "numba") -> PensionProjection:
    """Wages, awards, pensioners, cash flows and calibration of the scheme from its insured persons
    (``core.pension.project_benefits_kernel``), for ``inputs`` whose rules and assumptions may
    differ from those ``insured`` was projected with in :data:`BENEFIT_RULES` and
    :data:`BENEFIT_ASSUMPTIONS` (and the economy but for the employed)."""
    if insured.exits is None:
        raise ValueError("these insured were projected year by year with their benefits (project_scheme_batch): "
                         "the exits of every year, which the benefits of other rules need, were not kept")
    q = death_probabilities(population, inputs.assumptions, engine)
    args, made = _benefit_arguments(inputs, population, economy, insured.actives[0].sum(axis=2), q, None)
    pension_drivers(engine)[1](args.year, args.year_sex, args.rates, args.sex, args.q, args.other_exits,
                               args.history, insured.actives_by_age, insured.exits, insured.tops, args.diag,
                               args.in_payment, args.wages, args.awards, args.leaving, args.grants)
    return _projection(inputs, population.years, insured, args, made, engine)


def project_scheme_batch(inputs: PensionInputs, population, economy, engine: str, buffers: "PensionBuffers"):
    """:func:`project_pension` for a valuation of a batch (the runs of a stochastic chunk, ``buffers`` shared by
    them), on the calling thread: with numba the two passes year by year in one kernel
    (``core.pension.project_pension_serial``: each year's exits stay in the core's cache), with numpy its twin;
    the same results as :func:`project_insured` then :func:`project_benefits` (bit for bit with numba).  The insured
    projection it holds keeps no exits (no other rules of benefits can be projected from it)."""
    rows = 3
    insured_arguments, q = _insured_arguments(inputs, population, economy, engine, False, rows, buffers)
    base_actives = insured_arguments.actives[0]  # row 0: the base year by sex, age and service
    benefits, made = _benefit_arguments(inputs, population, economy, base_actives.sum(axis=2), q, buffers)
    driver = kp.project_pension_serial if engine == "numba" else kp.project_pension_reference
    driver(*insured_arguments, benefits.year, benefits.sex, benefits.q, benefits.other_exits, benefits.history,
           benefits.diag, benefits.in_payment, benefits.wages, benefits.awards, benefits.leaving, benefits.grants)
    insured = _insured_projection(insured_arguments, rows, False, kept_exits=False)
    return _projection(inputs, population.years, insured, benefits, made, engine)


def _benefit_arguments(inputs: PensionInputs, population, economy, base_actives, q, buffers) -> tuple:
    """(:class:`BenefitArguments`, the arguments of ``core.pension.project_benefits_kernel`` but the insured's
    actives by age, exits and tops, the accrued pensions of the base year made on demand (:func:`accrued_pensions`))
    for :func:`project_benefits` and :func:`project_scheme_batch`: ``base_actives`` (2, A) the actives of the base
    year by sex and age, whose average base earnings are the average wage of the base year; ``q`` the death
    probabilities of :func:`death_probabilities`; the outputs from ``buffers`` or allocated."""
    rules, assume = inputs.rules, inputs.assumptions
    years = population.years
    n = len(years)
    _, _, A = population.population.shape
    ages = np.arange(A)
    service = np.arange(A)
    base_number, base_average, base_earnings = base_pensioners(inputs.data, A - 1, population.population[0],
                                                               int(rules.orphan_age_limit[0]))
    wage_index, cpi_index = economy.column("wage_index"), economy.column("cpi_index")
    wage_growth, cpi = economy.column("average_wage_growth"), economy.column("cpi_inflation")
    pension_index_rate = pension_indexation(rules, wage_growth, cpi)
    pension_index = np.cumprod(np.concatenate(([1.0], 1.0 + pension_index_rate[1:])))
    ceiling_index = wage_index if rules.ceiling_indexation == "wages" else cpi_index

    # Reference earnings: prefix sums along cohort diagonals of insurable wage / revaluation index,
    # with H = A years of history before the base year extrapolated with the base-year growth rates.
    revaluation_rate = {"wages": wage_growth, "prices": cpi, "none": np.zeros(n)}[rules.revaluation]
    revaluation_index = {"wages": wage_index, "prices": cpi_index, "none": np.ones(n)}[rules.revaluation]
    H = A
    back = H - np.arange(H)  # years before the base year of history rows 1 .. H
    history = (1.0 + wage_growth[0]) ** (-back) / (1.0 + revaluation_rate[0]) ** (-back)
    base_mean = np.sum(base_earnings * base_actives) / max(base_actives.sum(), 1e-300)

    year = np.zeros(n, dtype=kp.YEAR_DTYPE)
    year["average_wage"] = base_mean * wage_index
    year["earnings_floor"] = rules.earnings_floor * ceiling_index
    year["earnings_ceiling"] = rules.earnings_ceiling * ceiling_index
    year["earnings_cv"] = float(rules.earnings_cv)
    year["revaluation_index"] = revaluation_index
    if rules.reference_earnings == "last_years":
        year["reference_period"] = np.maximum(rules.reference_years.astype(np.int64), 1)
    for name in ("min_service_old_age", "min_service_invalidity", "min_service_survivors", "accrual_rate",
                 "accrual_base_percent", "accrual_base_years", "early_reduction", "late_increment",
                 "grant_per_year", "widow_share", "orphan_share", "full_orphan_share"):
        year[name] = getattr(rules, name)
    year["service_credit"] = bool(rules.invalidity_service_credit)
    year["min_pension"] = rules.min_pension * pension_index
    year["max_pension"] = rules.max_pension * pension_index
    year["survivors_cap"] = rules.survivors_cap
    year["orphan_age_limit"] = rules.orphan_age_limit.astype(np.int64)
    year["indexation_next"] = np.concatenate((pension_index_rate[1:], pension_index_rate[-1:]))
    sex = np.zeros(2, dtype=kp.SEX_DTYPE)
    sex["spouse_age_difference"] = assume.spouse_age_difference
    sex["orphan_age_gap"] = assume.orphan_age_gap
    year_sex = np.zeros((n, 2), dtype=kp.YEAR_SEX_DTYPE)
    year_sex["normal_age"] = rules.normal_age.astype(np.int64)

    # diag[h] = prefix sum at history/projection year h - 1 (H = A history rows)
    diag, in_payment, awards, leaving, wages, grants = (buffers or PensionBuffers(n, A)).benefit_arrays(n, A)
    in_payment[0, kp.Money.NUMBER] = base_number
    in_payment[0, kp.Money.AMOUNT] = base_number * base_average
    arguments = BenefitArguments(year, year_sex, age_rates(assume), sex, q, pensioner_exit_rates(rules, assume, A),
                                 history, diag, in_payment, wages, awards, leaving, grants)
    return arguments, lambda: accrued_pensions(rules, diag, H, service, ages, float(revaluation_index[0]))


def _projection(inputs, years, insured, arguments, make_accrued_pension_base, engine) -> PensionProjection:
    """Yearly summary, cash flows and calibration from the stocks and flows of the projection (``arguments``: those
    of :func:`_benefit_arguments`, the benefits kernel having run).

    Pensions paid in year t: the amounts in payment on 1 January, less half a year for those who
    die or leave during the year, plus half a year of the new awards.  Insurable earnings: the
    contributor-years of each sex and age (average actives of the year x density, equal to the
    service credited) x the insurable wage of that age.
    """
    rules, assume = inputs.rules, inputs.assumptions
    q, in_payment, wages, awards, leaving, grants = (arguments.q, arguments.in_payment, arguments.wages,
                                                     arguments.awards, arguments.leaving, arguments.grants)
    by_age = dict(insured.by_age)
    by_age["awards_amount"] = awards[:, kp.Money.AMOUNT]  # (n, 4, 2, A) annual amount of the year's awards
    if engine == "numba":
        totals = np.empty((awards.shape[0], 4, len(kp.TYPE_TOTALS)))
        kp.type_totals_kernel(in_payment, awards, leaving, totals)
    else:
        totals = kp.type_totals_reference(in_payment, awards, leaving)
    number, in_pay, given, awarded, deaths, exits, paid, average_number = totals.transpose(2, 0, 1)  # (n, 4)
    average_actives = insured.average_actives
    earnings = (contributor_years(insured, assume.density) * wages[:, kp.Wage.INSURABLE]).sum(axis=(1, 2))
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
        average_pension = np.where(number > 0, in_pay / number, np.nan)  # (n, 4)
        average_award = np.where(given > 0, awarded / given, np.nan)
        for k, kind in enumerate(PENSION_TYPES):
            columns[f"deaths_{kind}"] = deaths[:, k]
            columns[f"other_exits_{kind}"] = exits[:, k]
            columns[f"pensioners_{kind}"] = number[:, k]
            columns[f"awards_{kind}"] = given[:, k]
            columns[f"expenditure_{kind}"] = paid[:, k]
            columns[f"average_pensioners_{kind}"] = average_number[:, k]
            columns[f"average_pension_{kind}"] = average_pension[:, k]
            columns[f"average_award_{kind}"] = average_award[:, k]
        pensioners_all = number.sum(axis=1)
        columns["pensioners"] = pensioners_all
        columns["demographic_ratio"] = pensioners_all / columns["actives"]
        columns["average_pension"] = np.where(pensioners_all > 0, in_pay.sum(axis=1) / pensioners_all, np.nan)
        columns["benefit_ratio"] = columns["average_pension"] / columns["average_insurable_earnings"]
    flows = insured.flows
    if flows:
        flows = dict(flows, entrants=by_age["entrants"], to_inactive=by_age["to_inactive"],
                     reactivated=by_age["reactivated"], credited=by_age["credited"])
    return PensionProjection(years=years, insured=insured, pensioners=in_payment[:, kp.Money.NUMBER],
                             pension_amount=in_payment[:, kp.Money.AMOUNT], insurable_wage=wages[:, kp.Wage.INSURABLE],
                             gross_wage=wages[:, kp.Wage.GROSS],
                             columns={"year": years, **columns}, actual=inputs.actual,
                             make_accrued_pension_base=make_accrued_pension_base, death_probabilities=q,
                             by_age=by_age, flows=flows)


def contributor_years(insured: InsuredProjection, density) -> np.ndarray:
    """(n, 2, A) years of contributions paid in each year by sex and age on 1 January: the average
    actives of the year (:attr:`InsuredProjection.average_actives`) x the density of contributions
    (2, A).  The kernel credits the same service (``by_age["credited"]``), an identity checked on
    every run."""
    return insured.average_actives * density[None]


# the rules that set only the money columns of contribution_columns (nothing else of the projection)
CONTRIBUTION_RULES = read_by(SchemeRules, CONTRIBUTIONS)


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
