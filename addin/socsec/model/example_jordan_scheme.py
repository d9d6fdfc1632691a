"""The worked example's pension scheme: an ILLUSTRATIVE national defined-benefit scheme for Jordan.

Not the rules or data of Jordan's Social Security Corporation: a scheme of the kind found in many
countries, with base-year data of a plausible size for the example country, to show every part of
the model.  Money in JOD a year.

* Rules: contribution rate 20% of insurable earnings (21% from 2030, 22% from 2035);
  normal retirement age 60 rising by one year every two years from 2030 to 65 in 2038 (both sexes,
  early retirement 5 years before); minimum service 15 years for old age, 5 for invalidity and
  survivors; accrual 1.75% a year of the career-average wage (revalued with wages); early
  retirement reduction 4% a year; minimum pension 1,800 JOD and ceiling 60,000 JOD a year (base-year
  levels); survivors 50% (widow(er)), 20% per orphan (30% full orphan), 100% cap, orphans to 18;
  lump-sum grant of 10% of the annual wage per year of service; price indexation; administrative
  expenses 4% of contributions.
* Base-year data drawn from the base year's employment, population and life table so that they
  agree with the assumptions: actives = the 2025 coverage x the employed of each age below the
  early retirement age, then the actives left by the retirement rates (:func:`_base_actives`);
  0.8 million inactive insured aged 15-59; service around 0.8 x (age - 22); 280 thousand old-age,
  40 thousand invalidity, 90 thousand widow(er) and 40 thousand orphan (below 18) pensions with
  average pensions of 12%-45% of the average wage; spouses alive per the life table.
* Behaviour: coverage of the employed 53% (men) and 60% (women) in 2025 rising to 65% and 70% by
  2075; density 0.85; lapse 4% a year; re-entry 8% a year; invalidity incidence rising with age;
  retirement 30% a year of the eligible before the normal age, 90% at it, everyone by 70.
"""

import numpy as np

from socsec.model.example_jordan_economy import MIN_WORKING_AGE
from socsec.model.finance import FinanceInputs
from socsec.model.pension import PensionInputs, SchemeAssumptions, SchemeData, SchemeRules

AGE_STARTS = np.r_[0, np.arange(15, 100, 5)]  # groups 0-14, 15-19, ..., 95-100+
COVERAGE_2025 = (0.53, 0.60)  # share of the employed, men and women
EARLY_AGE_2025, NORMAL_AGE_2025, EXIT_AGE = 55, 60, 70
RETIRE_EARLY, RETIRE_NORMAL, LAPSE = 0.3, 0.9, 0.04
SPOUSE_GAP = (-5.0, 5.0)  # spouse's age minus the deceased's: wives 5 years younger
ORPHAN_AGE_LIMIT = 18
INACTIVE, INACTIVE_FEMALE = 0.8e6, 0.135  # inactive insured in the base year, share of women
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


def _base_actives(employed, lx) -> np.ndarray:
    """(2, A) actives on 1 January of the base year: coverage x employed below the early retirement age
    (55); from it, the actives of the age before who neither retire (the example's retirement rates
    of the age reached, with 80% of them entitled to retire early), lapse nor die, so that the data
    follow the retirement behaviour of the assumptions (no wave of retirements in the first year)."""
    out = np.zeros((2, A))
    for g, coverage in enumerate(COVERAGE_2025):
        out[g, MIN_WORKING_AGE:EARLY_AGE_2025] = coverage * employed[g, MIN_WORKING_AGE:EARLY_AGE_2025]
        for x in range(EARLY_AGE_2025, A):
            retire = 1.0 if x >= EXIT_AGE else RETIRE_NORMAL if x >= NORMAL_AGE_2025 else 0.8 * RETIRE_EARLY
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


def jordan_scheme_inputs(years, employed, population, lx, average_wage=6600.0) -> PensionInputs:
    """The example's scheme.  ``employed`` (2, A): the employed of the base year (average of the year);
    ``population`` (2, A): the population on 1 January of the base year; ``lx`` (2, A) the base year's
    life table (radix 1).  The base-year data are drawn from them so that they agree with the
    scheme's own assumptions: actives = coverage x employed by age (:func:`_base_actives`), no inactive
    insured at or above the normal age, widow(er)s and orphans placed in proportion to the
    population within their age groups (the spreading rule), spouses alive per the life table."""
    years = np.asarray(years)
    n = len(years)
    earnings = np.stack([average_wage * (0.7 + 0.6 * _bell(48, 14)), average_wage * (0.65 + 0.5 * _bell(45, 14))])
    earnings[:, :MIN_WORKING_AGE] = 0.0
    pensioners = np.zeros((4, 2, A))
    average = np.zeros((4, 2, A))
    for k, (total, share, centre, width, level) in enumerate((
            (280e3, 0.8, 67, 7, 0.45), (40e3, 0.75, 55, 9, 0.35), (90e3, 0.1, 65, 12, 0.30),
            (40e3, 0.5, 11, 4, 0.12))):
        shape = _bell(centre, width) * (AGES >= (0 if k == 3 else 30)) * population.sum(axis=0)
        if k == 3:
            shape *= AGES < ORPHAN_AGE_LIMIT
        for g, part in enumerate((share, 1 - share)):
            pensioners[k, g] = total * part * shape / shape.sum()
            average[k, g] = level * average_wage
    # inactive insured below the normal age (those reaching it claim during the year)
    inactive_shape = _bell(38.0, 12.0) * (AGES >= MIN_WORKING_AGE) * (AGES < NORMAL_AGE_2025)
    inactive_by_age = INACTIVE * np.array([1 - INACTIVE_FEMALE, INACTIVE_FEMALE])[:, None] \
        * inactive_shape / inactive_shape.sum()
    mid = np.array([(a + b - 1) / 2 for a, b in zip(AGE_STARTS, list(AGE_STARTS[1:]) + [A])]).round().astype(int)
    data = SchemeData(
        age_starts=AGE_STARTS.copy(), service_starts=SERVICE_STARTS.copy(),
        actives=_group(_by_service(_base_actives(employed, lx)), AGE_STARTS, SERVICE_STARTS),
        inactive=_group(_by_service(inactive_by_age, density=0.5), AGE_STARTS, SERVICE_STARTS),
        active_earnings=earnings[:, mid].T.copy(),
        pensioner_age_starts=PENSIONER_AGE_STARTS.copy(),
        pensioners=np.moveaxis(_group(pensioners.reshape(8, A), PENSIONER_AGE_STARTS).reshape(4, 2, -1), -1, 0),
        average_pension=np.moveaxis(average[:, :, PENSIONER_AGE_STARTS], -1, 0))

    def by_year(*points):  # piecewise linear in years
        xs, ys = zip(*points)
        return np.interp(years, xs, ys)

    normal = np.round(by_year((2025, NORMAL_AGE_2025), (2029, NORMAL_AGE_2025), (2038, 65))).astype(int)
    rules = SchemeRules(
        contribution_rate=np.where(years < 2030, 0.20, np.where(years < 2035, 0.21, 0.22)),
        normal_age=np.column_stack([normal, normal]),
        early_age=np.column_stack([normal, normal]) - (NORMAL_AGE_2025 - EARLY_AGE_2025),
        min_service_old_age=np.full(n, 15.0), min_service_invalidity=np.full(n, 5.0),
        min_service_survivors=np.full(n, 5.0), accrual_rate=np.full(n, 0.0175),
        accrual_base_percent=np.zeros(n), accrual_base_years=np.zeros(n),
        early_reduction=np.full(n, 0.04), late_increment=np.zeros(n),
        min_pension=np.full(n, 1800.0), max_pension=np.zeros(n), earnings_ceiling=np.full(n, 60000.0),
        earnings_floor=np.zeros(n), reference_years=np.full(n, 5.0), widow_share=np.full(n, 0.5),
        orphan_share=np.full(n, 0.2), full_orphan_share=np.full(n, 0.3), survivors_cap=np.ones(n),
        orphan_age_limit=np.full(n, float(ORPHAN_AGE_LIMIT)), grant_per_year=np.full(n, 0.1),
        admin_share_contributions=np.full(n, 0.04), admin_share_benefits=np.zeros(n),
        indexation_wage_weight=np.zeros(n), reference_earnings="career_average", revaluation="wages",
        ceiling_indexation="wages", invalidity_service_credit=True, earnings_cv=0.6)
    invalidity = 0.0005 * np.exp(0.07 * np.clip(AGES - 20, 0, None)) * (AGES >= MIN_WORKING_AGE)
    assume = SchemeAssumptions(
        coverage_years=np.array([2025, 2075]),
        coverage=np.stack([np.stack([np.full(A, COVERAGE_2025[0]), np.full(A, COVERAGE_2025[1])]),
                           np.stack([np.full(A, 0.65), np.full(A, 0.70)])]),
        density=np.full((2, A), 0.85),
        salary_scale=earnings / average_wage, invalidity=np.stack([invalidity, 0.8 * invalidity]),
        lapse=np.full((2, A), LAPSE), reentry=np.full((2, A), 0.08),
        retire_early=np.full((n, 2), RETIRE_EARLY), retire_normal=np.full((n, 2), RETIRE_NORMAL),
        exit_age=np.full((n, 2), EXIT_AGE), mortality_factor=np.array([[0.9, 0.9], [1.0, 1.0], [1.6, 1.6]]),
        spouse_probability=_spouse_probability(lx), spouse_age_difference=np.array(SPOUSE_GAP),
        orphans_per_death=np.stack([np.clip(2.5 - 0.08 * np.abs(AGES - 38), 0, None) * (AGES >= 20),
                                    np.clip(2.5 - 0.08 * np.abs(AGES - 35), 0, None) * (AGES >= 20)]),
        orphan_age_gap=np.array([30.0, 27.0]), remarriage=np.array([0.02, 0.01]), coverage_phase_in=5,
        abroad_share=np.zeros(2))
    actual = {"contributions": 1.55e9, "expenditure_old_age": 0.95e9, "expenditure_invalidity": 1.0e8,
              "expenditure_survivors": 2.05e8, "grants": 3.5e7, "pensioners_old_age": 300e3,
              "pensioners_invalidity": 41e3, "pensioners_survivors": 132e3}
    return PensionInputs(data, rules, assume, actual)


def jordan_finance_inputs(years=None) -> FinanceInputs:
    """Reserve of 12 billion JOD (about 8 years of expenditure), no subsidy, 95% collection."""
    years = np.arange(2025, 2101) if years is None else years
    n = len(years)
    return FinanceInputs(initial_reserve=12.0e9, subsidy_share=np.zeros(n), subsidy_amount=np.zeros(n),
                         collection_rate=np.full(n, 0.95), scaled_period=10, target_ratio=1.0)


#: Scenarios of the example's Scenarios sheet: (name, ((parameter, value), ...)).
SCENARIOS = (
    ("contribution_24", (("contribution_rate", 0.24),)),
    ("retirement_67", (("normal_retirement_age", 67),)),
    ("wage_indexation", (("pension_indexation_wage_weight", 1.0),)),
    ("low_return", (("investment_return", 0.04),)),
    ("low_fertility", (("tfr", 1.6),)),
    ("reform_package", (("contribution_rate", 0.23), ("normal_retirement_age", 66))),
)

_ILLUSTRATIVE = "ILLUSTRATIVE scheme, not the data of any institution"
SOURCES = {
    "in_reference_earnings": "career_average: a common design",
    "in_revaluation": "wages: past earnings revalued with average wage growth",
    "in_ceiling_indexation": "wages",
    "in_invalidity_credit": "yes: invalidity pensions count service up to the normal age",
    "in_earnings_cv": "0.6: a typical spread of individual wages (illustrative)",
    "in_actives_male": f"{_ILLUSTRATIVE}: 1.3 million actives, ages around 38, service around 0.8 x (age - 22)",
    "in_actives_female": f"{_ILLUSTRATIVE}: as for males, 13.5% of the actives",
    "in_inactive_male": f"{_ILLUSTRATIVE}: as the actives with a lower past density",
    "in_inactive_female": f"{_ILLUSTRATIVE}",
    "in_active_earnings": f"{_ILLUSTRATIVE}: 65%-130% of the average wage of the Economy sheet",
    "in_pensioners": f"{_ILLUSTRATIVE}: 280k old-age, 40k invalidity, 90k widow(er)s, 40k orphans",
    "in_pension_amounts": f"{_ILLUSTRATIVE}: 45%, 35%, 30% and 12% of the average wage",
    "in_calibration": f"{_ILLUSTRATIVE} accounts of the base year",
    "in_rules": (f"{_ILLUSTRATIVE}: 20% contribution rising to 22%; retirement age 60 rising to 65 "
                 "(2030-2038); 1.75% accrual; 15 years minimum; survivors 50%/20%/30%; price indexation"),
    "in_coverage_male": f"{_ILLUSTRATIVE}: 53% of employed men in 2025, 65% in 2075",
    "in_coverage_female": f"{_ILLUSTRATIVE}: 60% of employed women in 2025, 70% in 2075",
    "in_scheme_rates_male": f"{_ILLUSTRATIVE}: density 0.85, lapse 4%, re-entry 8%, invalidity rising with age",
    "in_scheme_rates_female": f"{_ILLUSTRATIVE}: as for males, invalidity 80% of the male rates",
    "in_retirement": f"{_ILLUSTRATIVE}: 30% a year of the eligible before the normal age, 90% at it, all by 70",
    "in_initial_reserve": f"{_ILLUSTRATIVE}: about 8 years of expenditure",
    "in_scaled_period": "10 years, a common choice",
    "in_scaled_variant": "last_year_balance: the classic ILO scaled premium condition",
    "in_target_ratio": "one year of expenditure",
    "in_financing": f"{_ILLUSTRATIVE}: no state subsidy; 95% of due contributions collected",
    "in_scheme_factors": (f"{_ILLUSTRATIVE}: insured 90% of population mortality, invalidity pensioners "
                          "160%; wives 5 years younger; remarriage 2% (widowers), 1% (widows); nobody abroad"),
    "in_coverage_phase_in": ("5 years: the base-year actives are the coverage of the first anchor year times the "
                             "employed, so the phase-in only slows the rise to the later anchor over 2026-2029"),
}
