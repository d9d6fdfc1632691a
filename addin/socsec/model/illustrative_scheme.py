"""The illustrative pension scheme of a country workbook: a national defined-benefit scheme.

Not the rules or data of any institution: a scheme of the kind found in many countries, with
base-year data of a plausible size for the country, to show every part of the model.  Its rules
and behaviour are the same for every country; its size (coverage, pensioners, reserve, base-year
accounts) is a :class:`SchemeProfile`: :func:`generic_scheme_profile` scales it to the country's
population, employment and wages (``socsec workbook build country``), and the worked example
(Jordan, :mod:`socsec.model.example_jordan`) gives its own figures through the same functions.
Money in currency units a year; years counted from the base year (t = base year + k).

* Rules: contribution rate 20% of insurable earnings (21% from t+5, 22% from t+10); normal
  retirement age 60 rising by one year every two years from t+5 to 65 in t+13 (both sexes, early
  retirement 5 years before); minimum service 15 years for old age, 5 for invalidity and survivors;
  accrual 1.75% a year of the career-average wage (revalued with wages); early retirement reduction
  4% a year; minimum pension and ceiling (base-year levels, :class:`SchemeProfile`); survivors 50%
  (widow(er)), 20% per orphan (30% full orphan), 100% cap, orphans to 18; lump-sum grant of 10% of the
  annual wage per year of service; price indexation; administrative expenses 4% of contributions.
* Base-year data drawn from the base year's employment, population and life table so that they
  agree with the assumptions: actives = the base-year coverage x the employed of each age below the
  early retirement age, then the actives left by the retirement rates (:func:`_base_actives`);
  inactive insured aged 15-59; service around 0.8 x (age - 22); old-age, invalidity, widow(er) and
  orphan (below 18) pensions with average pensions of 45%, 35%, 30% and 12% of the average wage;
  spouses alive per the life table.
* Behaviour: coverage of the employed rising linearly over 50 years (:class:`SchemeProfile`); density
  0.85; lapse 4% a year; re-entry 8% a year; invalidity incidence rising with age; retirement 30% a
  year of the eligible before the normal age, 90% at it, everyone by 70.
"""

from dataclasses import dataclass, field

import numpy as np

from socsec.model.finance import FinanceInputs
from socsec.model.illustrative_economy import MIN_WORKING_AGE
from socsec.model.pension import PensionInputs, SchemeAssumptions, SchemeData, SchemeRules

AGE_STARTS = np.r_[0, np.arange(15, 100, 5)]  # groups 0-14, 15-19, ..., 95-100+
EARLY_AGE, NORMAL_AGE, EXIT_AGE = 55, 60, 70  # in the base year
RETIRE_EARLY, RETIRE_NORMAL, LAPSE, DENSITY = 0.3, 0.9, 0.04, 0.85
COVERAGE_YEARS = 50  # coverage reaches its later level this many years after the base year
GRANT_PER_YEAR = 0.1
SPOUSE_GAP = (-5.0, 5.0)  # spouse's age minus the deceased's: wives 5 years younger
ORPHAN_AGE_LIMIT = 18
SERVICE_STARTS = np.arange(0, 51, 5)  # 0-4, ..., 45-49, 50+
PENSIONER_AGE_STARTS = np.arange(0, 101, 5)

OMEGA = 100
A = OMEGA + 1
AGES = np.arange(A)


def _bell(center, width):
    return np.exp(-0.5 * ((AGES - center) / width) ** 2)


def _group(single, age_starts, service_starts=None):
    """Sum single ages (and single years of service) into groups (the data as a scheme reports it)."""
    a_edges = list(age_starts) + [A]
    out = np.stack([single[..., a:b, :].sum(axis=-2) if single.ndim == 3 else single[..., a:b].sum(axis=-1)
                    for a, b in zip(a_edges[:-1], a_edges[1:])], axis=-2 if single.ndim == 3 else -1)
    if service_starts is None:
        return out
    s_edges = list(service_starts) + [A]
    return np.stack([out[..., a:b].sum(axis=-1) for a, b in zip(s_edges[:-1], s_edges[1:])], axis=-1)


def _service_shape(x: int, mean_entry: float, density: float) -> np.ndarray:
    """Relative numbers by completed service 0 .. x - 15 of the insured aged x: a bell around
    density x (age - entry)."""
    span = max(x - MIN_WORKING_AGE, 0)
    centre = density * max(x - mean_entry, 0.0)
    weights = np.exp(-0.5 * ((np.arange(span + 1) - centre) / (1.0 + 0.25 * centre)) ** 2)
    return weights / weights.sum()


def _by_service(by_age, mean_entry=22.0, density=0.8) -> np.ndarray:
    """(2, A, S) persons by sex, age and service from persons by sex and age (2, A)."""
    out = np.zeros((2, A, A))
    for g in range(2):
        for x in range(MIN_WORKING_AGE, A):
            out[g, x, :x - MIN_WORKING_AGE + 1] = by_age[g, x] * _service_shape(x, mean_entry, density)
    return out


def _base_actives(employed, lx, coverage_by_sex) -> np.ndarray:
    """(2, A) actives on 1 January of the base year: coverage x employed below the early retirement age
    (55); from it, the actives of the age before who neither retire (the example's retirement rates
    of the age reached, with 80% of them entitled to retire early), lapse nor die, so that the data
    follow the retirement behaviour of the assumptions (no wave of retirements in the first year)."""
    out = np.zeros((2, A))
    for g, coverage in enumerate(coverage_by_sex):
        out[g, MIN_WORKING_AGE:EARLY_AGE] = coverage * employed[g, MIN_WORKING_AGE:EARLY_AGE]
        for x in range(EARLY_AGE, A):
            retire = 1.0 if x >= EXIT_AGE else RETIRE_NORMAL if x >= NORMAL_AGE else 0.8 * RETIRE_EARLY
            kept = out[g, x - 1] * (1.0 - retire) * (1.0 - LAPSE) * lx[g, x] / lx[g, x - 1]
            out[g, x] = min(kept, coverage * employed[g, x])
    return out


def _spouse_probability(lx) -> np.ndarray:
    """(2, A) probability that an insured person or pensioner dying at age x leaves a spouse: the
    share married (90% of men, 80% of women, from age 20) times the survival of the spouse, SPOUSE_GAP
    years younger (wives) or older (husbands), from age 45 + gap to x + gap on the base-year life table
    of the spouse's sex (at most 1)."""
    out = np.zeros((2, A))
    for g, (married, gap) in enumerate(((0.9, SPOUSE_GAP[0]), (0.8, SPOUSE_GAP[1]))):
        spouse = lx[1 - g]
        for x in range(20, A):
            at = min(max(x + int(gap), 0), A - 1)
            since = min(max(45 + int(gap), 0), A - 1)
            out[g, x] = married * min(spouse[at] / spouse[since], 1.0) if x > 45 else married
    return out


@dataclass(frozen=True)
class SchemeProfile:
    """The size of the illustrative scheme (persons, currency units of the base year).

    coverage   : ((men, women) in the base year, (men, women) 50 years later), share of the employed.
    inactive   : inactive insured in the base year; ``inactive_female`` the share of women among them.
    pensioners : per type (old age, invalidity, widow(er)s, orphans): (number, share of men, central
                 age, spread in years, average pension as a share of the average wage).
    min_pension, ceiling : minimum pension and earnings ceiling a year (base-year level).
    initial_reserve : reserve at 1 January of the base year.
    abroad     : (men, women) share of the inactive insured and pensioners living abroad.
    actual     : the base-year accounts of the calibration table (keys of ``CALIBRATION_ROWS``).
    sources    : Source cell text by contract name.
    """

    coverage: tuple
    inactive: float
    inactive_female: float
    pensioners: tuple
    min_pension: float
    ceiling: float
    initial_reserve: float
    actual: dict
    abroad: tuple = (0.0, 0.0)
    sources: dict = field(default_factory=dict, repr=False)


def scheme_inputs(profile: SchemeProfile, years, employed, population, lx, average_wage) -> PensionInputs:
    """The illustrative scheme of ``profile``.  ``employed`` (2, A): the employed of the base year (average
    of the year); ``population`` (2, A): the population on 1 January of the base year; ``lx`` (2, A) the
    base year's life table (radix 1); ``average_wage`` the base year's (currency units a year).  The
    base-year data are drawn from them so that they agree with the scheme's own assumptions: actives =
    coverage x employed by age (:func:`_base_actives`), no inactive insured at or above the normal age,
    widow(er)s and orphans placed in proportion to the population within their age groups (the
    spreading rule), spouses alive per the life table."""
    years = np.asarray(years)
    base, n = int(years[0]), len(years)
    earnings = np.stack([average_wage * (0.7 + 0.6 * _bell(48, 14)), average_wage * (0.65 + 0.5 * _bell(45, 14))])
    earnings[:, :MIN_WORKING_AGE] = 0.0
    pensioners = np.zeros((4, 2, A))
    average = np.zeros((4, 2, A))
    for k, (total, share, centre, width, level) in enumerate(profile.pensioners):
        shape = _bell(centre, width) * (AGES >= (0 if k == 3 else 30)) * population.sum(axis=0)
        if k == 3:
            shape *= AGES < ORPHAN_AGE_LIMIT
        for g, part in enumerate((share, 1 - share)):
            pensioners[k, g] = total * part * shape / shape.sum()
            average[k, g] = level * average_wage
    # inactive insured below the normal age (those reaching it claim during the year)
    inactive_shape = _bell(38.0, 12.0) * (AGES >= MIN_WORKING_AGE) * (AGES < NORMAL_AGE)
    inactive_by_age = profile.inactive * np.array([1 - profile.inactive_female, profile.inactive_female])[:, None] \
        * inactive_shape / inactive_shape.sum()
    mid = np.array([(a + b - 1) / 2 for a, b in zip(AGE_STARTS, list(AGE_STARTS[1:]) + [A])]).round().astype(int)
    data = SchemeData(
        age_starts=AGE_STARTS.copy(), service_starts=SERVICE_STARTS.copy(),
        actives=_group(_by_service(_base_actives(employed, lx, profile.coverage[0])), AGE_STARTS, SERVICE_STARTS),
        inactive=_group(_by_service(inactive_by_age, density=0.5), AGE_STARTS, SERVICE_STARTS),
        active_earnings=earnings[:, mid].T.copy(),
        pensioner_age_starts=PENSIONER_AGE_STARTS.copy(),
        pensioners=np.moveaxis(_group(pensioners.reshape(8, A), PENSIONER_AGE_STARTS).reshape(4, 2, -1), -1, 0),
        average_pension=np.moveaxis(average[:, :, PENSIONER_AGE_STARTS], -1, 0))

    def by_year(*points):  # piecewise linear in years after the base year
        xs, ys = zip(*points)
        return np.interp(years, base + np.array(xs), ys)

    normal = np.round(by_year((0, NORMAL_AGE), (4, NORMAL_AGE), (13, 65))).astype(int)
    rules = SchemeRules(
        contribution_rate=np.where(years < base + 5, 0.20, np.where(years < base + 10, 0.21, 0.22)),
        normal_age=np.column_stack([normal, normal]),
        early_age=np.column_stack([normal, normal]) - (NORMAL_AGE - EARLY_AGE),
        min_service_old_age=np.full(n, 15.0), min_service_invalidity=np.full(n, 5.0),
        min_service_survivors=np.full(n, 5.0), accrual_rate=np.full(n, 0.0175),
        accrual_base_percent=np.zeros(n), accrual_base_years=np.zeros(n),
        early_reduction=np.full(n, 0.04), late_increment=np.zeros(n),
        min_pension=np.full(n, profile.min_pension), max_pension=np.zeros(n),
        earnings_ceiling=np.full(n, profile.ceiling),
        earnings_floor=np.zeros(n), reference_years=np.full(n, 5.0), widow_share=np.full(n, 0.5),
        orphan_share=np.full(n, 0.2), full_orphan_share=np.full(n, 0.3), survivors_cap=np.ones(n),
        orphan_age_limit=np.full(n, float(ORPHAN_AGE_LIMIT)), grant_per_year=np.full(n, GRANT_PER_YEAR),
        admin_share_contributions=np.full(n, 0.04), admin_share_benefits=np.zeros(n),
        indexation_wage_weight=np.zeros(n), reference_earnings="career_average", revaluation="wages",
        ceiling_indexation="wages", invalidity_service_credit=True, earnings_cv=0.6)
    invalidity = 0.0005 * np.exp(0.07 * np.clip(AGES - 20, 0, None)) * (AGES >= MIN_WORKING_AGE)
    coverage_years = base + np.array([0, COVERAGE_YEARS])
    keep = coverage_years <= years[-1]
    assume = SchemeAssumptions(
        coverage_years=coverage_years[keep],
        coverage=np.stack([np.stack([np.full(A, c[0]), np.full(A, c[1])]) for c in profile.coverage])[keep],
        density=np.full((2, A), DENSITY),
        salary_scale=earnings / average_wage, invalidity=np.stack([invalidity, 0.8 * invalidity]),
        lapse=np.full((2, A), LAPSE), reentry=np.full((2, A), 0.08),
        retire_early=np.full((n, 2), RETIRE_EARLY), retire_normal=np.full((n, 2), RETIRE_NORMAL),
        exit_age=np.full((n, 2), EXIT_AGE), mortality_factor=np.array([[0.9, 0.9], [1.0, 1.0], [1.6, 1.6]]),
        spouse_probability=_spouse_probability(lx), spouse_age_difference=np.array(SPOUSE_GAP),
        orphans_per_death=np.stack([np.clip(2.5 - 0.08 * np.abs(AGES - 38), 0, None) * (AGES >= 20),
                                    np.clip(2.5 - 0.08 * np.abs(AGES - 35), 0, None) * (AGES >= 20)]),
        orphan_age_gap=np.array([30.0, 27.0]), remarriage=np.array([0.02, 0.01]), coverage_phase_in=5,
        abroad_share=np.array(profile.abroad, dtype=np.float64))
    return PensionInputs(data, rules, assume, dict(profile.actual))


def finance_inputs(profile: SchemeProfile, years) -> FinanceInputs:
    """The profile's initial reserve; no subsidy; 95% of due contributions collected; scaled premiums over
    10 years; target reserve of one year of expenditure."""
    n = len(years)
    return FinanceInputs(initial_reserve=profile.initial_reserve, subsidy_share=np.zeros(n),
                         subsidy_amount=np.zeros(n), collection_rate=np.full(n, 0.95), scaled_period=10,
                         target_ratio=1.0)


#: Generic size: old-age pensioners per covered person aged 60 or over (base-year coverage x population
#: 60+); invalidity, widow(er) and orphan pensions per old-age pension; inactive insured per active.
OLD_AGE_PER_COVERED_60 = 0.6
PER_OLD_AGE = {"invalidity": 1 / 7, "widow(er)s": 9 / 28, "orphans": 1 / 7}
INACTIVE_PER_ACTIVE = 0.6
GENERIC_COVERAGE = ((0.5, 0.5), (0.65, 0.65))
#: Generic money: minimum pension, earnings ceiling (multiples of the average wage); reserve (years of
#: pension expenditure); lump-sum grants in the accounts (share of contributions).
MIN_PENSION_TO_WAGE, CEILING_TO_WAGE, RESERVE_YEARS, GRANTS_TO_CONTRIBUTIONS = 0.27, 9.0, 8.0, 0.02


def _round(value: float, digits: int = 3) -> float:
    """``value`` to ``digits`` significant digits (the figures of an illustrative scheme are round)."""
    return float(f"{value:.{digits}g}")


def emigrating_share(population, net_migrants, first=40, last=80) -> np.ndarray:
    """(2,) share of a cohort that emigrates between ages ``first`` and ``last`` at the net emigration rates of
    the base year: ``1 - prod_{x=first}^{last-1} (1 + min(0, N_{x+1} / P_x))`` with P the population at
    1 January and N the year's net migrants by age at the end of the year (immigration counts as 0).  Where
    workers leave the country before old age (Kuwait: 0.94 of men), the insured who leave keep their rights
    and live abroad."""
    rate = np.minimum(0.0, net_migrants[:, first + 1:last + 1] / np.maximum(population[:, first:last], 1.0))
    return 1.0 - np.prod(1.0 + rate, axis=1)


def generic_scheme_profile(population, employed, lx, average_wage, net_migrants) -> SchemeProfile:
    """The illustrative scheme scaled to a country: ``population`` (2, A) at 1 January, ``employed`` (2, A)
    and ``lx`` (2, A) of the base year, ``average_wage`` of the base year.

    Pensioners: old age = :data:`OLD_AGE_PER_COVERED_60` x base-year coverage x population aged 60+, the
    other types in the proportions of :data:`PER_OLD_AGE`; inactive insured = :data:`INACTIVE_PER_ACTIVE`
    x actives; money in multiples of the average wage; the share abroad = :func:`emigrating_share` (2 digits).
    The base-year accounts are those the data imply:
    pensioners in payment at 1 January and their annual pensions, contributions = 20% x density x the
    actives' earnings, grants :data:`GRANTS_TO_CONTRIBUTIONS` of contributions -- a calibration table
    near 100% by construction, to be replaced by the scheme's accounts.
    """
    coverage = GENERIC_COVERAGE
    old_age = _round(OLD_AGE_PER_COVERED_60 * np.mean(coverage[0]) * population[:, 60:].sum())
    counts = (old_age, *(_round(old_age * r) for r in PER_OLD_AGE.values()))
    shapes = ((0.8, 67, 7, 0.45), (0.75, 55, 9, 0.35), (0.1, 65, 12, 0.30), (0.5, 11, 4, 0.12))
    pensioners = tuple((count, *shape) for count, shape in zip(counts, shapes))
    actives = _base_actives(employed, lx, coverage[0])
    earnings = average_wage * np.stack([0.7 + 0.6 * _bell(48, 14), 0.65 + 0.5 * _bell(45, 14)])
    contributions = _round(0.20 * DENSITY * (actives * earnings).sum())
    expenditure = [_round(count * level * average_wage) for count, *_, level in pensioners]
    actual = {"contributions": contributions, "expenditure_old_age": expenditure[0],
              "expenditure_invalidity": expenditure[1], "expenditure_survivors": expenditure[2] + expenditure[3],
              "grants": _round(GRANTS_TO_CONTRIBUTIONS * contributions), "pensioners_old_age": counts[0],
              "pensioners_invalidity": counts[1], "pensioners_survivors": counts[2] + counts[3]}
    profile = SchemeProfile(
        coverage=coverage, inactive=_round(INACTIVE_PER_ACTIVE * actives.sum()), inactive_female=0.4,
        pensioners=pensioners, min_pension=_round(MIN_PENSION_TO_WAGE * average_wage, 2),
        ceiling=_round(CEILING_TO_WAGE * average_wage, 2), initial_reserve=_round(RESERVE_YEARS * sum(expenditure), 2),
        actual=actual, abroad=tuple(np.round(emigrating_share(population, net_migrants), 2)))
    return SchemeProfile(**{**profile.__dict__, "sources": generic_scheme_sources(profile)})


#: Scenarios of the example's Scenarios sheet: (name, ((parameter, value), ...)).
SCENARIOS = (
    ("contribution_24", (("contribution_rate", 0.24),)),
    ("retirement_67", (("normal_retirement_age", 67),)),
    ("wage_indexation", (("pension_indexation_wage_weight", 1.0),)),
    ("low_return", (("investment_return", 0.04),)),
    ("low_fertility", (("tfr", 1.6),)),
    ("reform_package", (("contribution_rate", 0.23), ("normal_retirement_age", 66))),
)

ILLUSTRATIVE = "ILLUSTRATIVE scheme, not the data of any institution"
#: Source cells that describe the scheme's design (the same for every country).
DESIGN_SOURCES = {
    "in_reference_earnings": "career_average: a common design",
    "in_revaluation": "wages: past earnings revalued with average wage growth",
    "in_ceiling_indexation": "wages",
    "in_invalidity_credit": "yes: invalidity pensions count service up to the normal age",
    "in_earnings_cv": "0.6: a typical spread of individual wages (illustrative)",
    "in_scaled_period": "10 years, a common choice",
    "in_scaled_variant": "last_year_balance: the classic ILO scaled premium condition",
    "in_target_ratio": "one year of expenditure",
    "in_financing": f"{ILLUSTRATIVE}: no state subsidy; 95% of due contributions collected",
    "in_scheme_rates_male": f"{ILLUSTRATIVE}: density 0.85, lapse 4%, re-entry 8%, invalidity rising with age",
    "in_scheme_rates_female": f"{ILLUSTRATIVE}: as for males, invalidity 80% of the male rates",
    "in_retirement": f"{ILLUSTRATIVE}: 30% a year of the eligible before the normal age, 90% at it, all by 70",
    "in_scheme_factors": (f"{ILLUSTRATIVE}: insured 90% of population mortality, invalidity pensioners "
                          "160%; wives 5 years younger; remarriage 2% (widowers), 1% (widows); nobody abroad"),
    "in_coverage_phase_in": ("5 years: the base-year actives are the coverage of the first anchor year times the "
                             "employed, so the phase-in only slows the rise to the later anchor over the next "
                             "4 years"),
}


def generic_scheme_sources(profile: SchemeProfile) -> dict[str, str]:
    """Source cells of a generic scheme profile: what each figure is scaled to, and what replaces it."""
    (m0, f0), (m1, f1) = profile.coverage
    old, inv, wid, orph = (p[0] for p in profile.pensioners)
    replace = "replace with the scheme's administrative data"
    return {
        **DESIGN_SOURCES,
        "in_actives_male": (f"{ILLUSTRATIVE}: base-year coverage x employed men below 55, then retirements; "
                            f"service around 0.8 x (age - 22); {replace}"),
        "in_actives_female": f"{ILLUSTRATIVE}: as for males; {replace}",
        "in_inactive_male": (f"{ILLUSTRATIVE}: {profile.inactive:,.0f} inactive insured ({INACTIVE_PER_ACTIVE:.0%} of "
                             f"the actives), around age 38, lower past density; {replace}"),
        "in_inactive_female": f"{ILLUSTRATIVE}: {profile.inactive_female:.0%} of the inactive insured; {replace}",
        "in_active_earnings": f"{ILLUSTRATIVE}: 65%-130% of the average wage of the Economy sheet; {replace}",
        "in_pensioners": (f"{ILLUSTRATIVE}, scaled to the population: {old:,.0f} old-age ({OLD_AGE_PER_COVERED_60:.0%}"
                          f" of the covered share of the population 60+), {inv:,.0f} invalidity, {wid:,.0f} "
                          f"widow(er)s, {orph:,.0f} orphans; {replace}"),
        "in_pension_amounts": f"{ILLUSTRATIVE}: 45%, 35%, 30% and 12% of the average wage; {replace}",
        "in_calibration": (f"{ILLUSTRATIVE}: the figures the base-year data imply (grants "
                           f"{GRANTS_TO_CONTRIBUTIONS:.0%} of contributions); replace with the scheme's accounts"),
        "in_rules": (f"{ILLUSTRATIVE}: 20% contribution rising to 22%; retirement age 60 rising to 65 over years "
                     f"5-13; 1.75% accrual; 15 years minimum; minimum pension {profile.min_pension:,.0f} "
                     f"({MIN_PENSION_TO_WAGE:.0%} of the average wage), ceiling {profile.ceiling:,.0f} "
                     f"({CEILING_TO_WAGE:g} wages); survivors 50%/20%/30%; price indexation; replace with the law"),
        "in_coverage_male": f"{ILLUSTRATIVE}: {m0:.0%} of employed men in the base year, {m1:.0%} 50 years later",
        "in_coverage_female": f"{ILLUSTRATIVE}: {f0:.0%} of employed women in the base year, {f1:.0%} 50 years later",
        "in_scheme_factors": (f"{ILLUSTRATIVE}: insured 90% of population mortality, invalidity pensioners 160%; "
                              "wives 5 years younger; remarriage 2% (widowers), 1% (widows); living abroad "
                              f"{profile.abroad[0]:.0%} (men), {profile.abroad[1]:.0%} (women): the share of a cohort "
                              "emigrating between 40 and 80 at the base year's net emigration rates (WPP)"),
        "in_initial_reserve": (f"{ILLUSTRATIVE}: {RESERVE_YEARS:g} years of the pensions in payment; replace with "
                               "the scheme's balance sheet"),
    }
