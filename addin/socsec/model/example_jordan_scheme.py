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
* Base-year data: 1.3 million actives and 0.8 million inactive insured spread over age and
  service from a smooth pattern (career start around 22, contributions density 0.8); 280
  thousand old-age, 40 thousand invalidity, 90 thousand widow(er) and 40 thousand orphan pensions
  with average pensions of 12%-45% of the average wage.
* Behaviour: coverage of the employed 53% (men) and 60% (women) in 2025 rising to 65% and 70% by
  2075; density 0.85; lapse 4% a year; re-entry 8% a year; invalidity incidence rising with age;
  retirement 30% a year of the eligible before the normal age, 90% at it, everyone by 70.
"""

import numpy as np

from socsec.model.finance import FinanceInputs
from socsec.model.pension import PensionInputs, SchemeAssumptions, SchemeData, SchemeRules

AGE_STARTS = np.r_[0, np.arange(15, 100, 5)]  # groups 0-14, 15-19, ..., 95-100+
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


def _insured(total, mean_entry=22.0, density=0.8, lo=15, hi=64, female_share=0.135):
    """(2, A, S) persons by sex, age and service: ages from a bell over lo..hi, service spread
    around density x (age - entry) with a binomial-like spread (every cell service <= age - 15)."""
    out = np.zeros((2, A, A))
    for g, share in enumerate((1 - female_share, female_share)):
        by_age = _bell(38.0, 12.0) * ((AGES >= lo) & (AGES < hi))
        by_age *= total * share / by_age.sum()
        for x in range(lo, hi):
            span = max(x - 15, 0)
            s = np.arange(span + 1)
            centre = density * max(x - mean_entry, 0.0)
            weights = np.exp(-0.5 * ((s - centre) / (1.0 + 0.25 * centre)) ** 2)
            out[g, x, : span + 1] = by_age[x] * weights / weights.sum()
    return out


def jordan_scheme_inputs(years=np.arange(2025, 2101), average_wage=6600.0) -> PensionInputs:
    years = np.asarray(years)
    n = len(years)
    earnings = np.stack([average_wage * (0.7 + 0.6 * _bell(48, 14)), average_wage * (0.65 + 0.5 * _bell(45, 14))])
    earnings[:, :15] = 0.0
    pensioners = np.zeros((4, 2, A))
    average = np.zeros((4, 2, A))
    for k, (total, share, centre, width, level) in enumerate((
            (280e3, 0.8, 67, 7, 0.45), (40e3, 0.75, 55, 9, 0.35), (90e3, 0.1, 65, 12, 0.30),
            (40e3, 0.5, 11, 4, 0.12))):
        shape = _bell(centre, width) * (AGES >= (0 if k == 3 else 30))
        if k == 3:
            shape *= AGES < 18
        for g, part in enumerate((share, 1 - share)):
            pensioners[k, g] = total * part * shape / shape.sum()
            average[k, g] = level * average_wage
    mid = np.array([(a + b - 1) / 2 for a, b in zip(AGE_STARTS, list(AGE_STARTS[1:]) + [A])]).round().astype(int)
    data = SchemeData(
        age_starts=AGE_STARTS.copy(), service_starts=SERVICE_STARTS.copy(),
        actives=_group(_insured(1.3e6), AGE_STARTS, SERVICE_STARTS),
        inactive=_group(_insured(0.8e6, density=0.5, hi=70), AGE_STARTS, SERVICE_STARTS),
        active_earnings=earnings[:, mid].T.copy(),
        pensioner_age_starts=PENSIONER_AGE_STARTS.copy(),
        pensioners=np.moveaxis(_group(pensioners.reshape(8, A), PENSIONER_AGE_STARTS).reshape(4, 2, -1), -1, 0),
        average_pension=np.moveaxis(average[:, :, PENSIONER_AGE_STARTS], -1, 0))

    def by_year(*points):  # piecewise linear in years
        xs, ys = zip(*points)
        return np.interp(years, xs, ys)

    normal = np.round(by_year((2025, 60), (2029, 60), (2038, 65))).astype(int)
    rules = SchemeRules(
        contribution_rate=np.where(years < 2030, 0.20, np.where(years < 2035, 0.21, 0.22)),
        normal_age=np.column_stack([normal, normal]), early_age=np.column_stack([normal - 5, normal - 5]),
        min_service_old_age=np.full(n, 15.0), min_service_invalidity=np.full(n, 5.0),
        min_service_survivors=np.full(n, 5.0), accrual_rate=np.full(n, 0.0175),
        accrual_base_percent=np.zeros(n), accrual_base_years=np.zeros(n),
        early_reduction=np.full(n, 0.04), late_increment=np.zeros(n),
        min_pension=np.full(n, 1800.0), max_pension=np.zeros(n), earnings_ceiling=np.full(n, 60000.0),
        earnings_floor=np.zeros(n), reference_years=np.full(n, 5.0), widow_share=np.full(n, 0.5),
        orphan_share=np.full(n, 0.2), full_orphan_share=np.full(n, 0.3), survivors_cap=np.ones(n),
        orphan_age_limit=np.full(n, 18.0), grant_per_year=np.full(n, 0.1),
        admin_share_contributions=np.full(n, 0.04), admin_share_benefits=np.zeros(n),
        indexation_wage_weight=np.zeros(n), reference_earnings="career_average", revaluation="wages",
        ceiling_indexation="wages", invalidity_service_credit=True, earnings_cv=0.6)
    invalidity = 0.0005 * np.exp(0.07 * np.clip(AGES - 20, 0, None)) * (AGES >= 15)
    assume = SchemeAssumptions(
        coverage_years=np.array([2025, 2075]),
        coverage=np.stack([np.stack([np.full(A, 0.53), np.full(A, 0.60)]),
                           np.stack([np.full(A, 0.65), np.full(A, 0.70)])]),
        density=np.full((2, A), 0.85), entrant_distribution=np.stack([_bell(24, 4), _bell(24, 4)]),
        salary_scale=earnings / average_wage, invalidity=np.stack([invalidity, 0.8 * invalidity]),
        lapse=np.full((2, A), 0.04), reentry=np.full((2, A), 0.08),
        retire_early=np.full((n, 2), 0.3), retire_normal=np.full((n, 2), 0.9),
        exit_age=np.full((n, 2), 70), mortality_factor=np.array([[0.9, 0.9], [1.0, 1.0], [1.6, 1.6]]),
        spouse_probability=np.stack([np.clip(0.9 - 0.004 * np.clip(AGES - 40, 0, None), 0, 1) * (AGES >= 20),
                                     np.clip(0.8 - 0.008 * np.clip(AGES - 40, 0, None), 0, 1) * (AGES >= 20)]),
        spouse_age_difference=np.array([-5.0, 5.0]),
        orphans_per_death=np.stack([np.clip(2.5 - 0.08 * np.abs(AGES - 38), 0, None) * (AGES >= 20),
                                    np.clip(2.5 - 0.08 * np.abs(AGES - 35), 0, None) * (AGES >= 20)]),
        orphan_age_gap=np.array([30.0, 27.0]), remarriage=np.array([0.02, 0.01]))
    actual = {"contributions": 1.55e9, "expenditure_old_age": 0.95e9, "expenditure_invalidity": 1.0e8,
              "expenditure_survivors": 2.05e8, "grants": 3.5e7, "pensioners_old_age": 300e3,
              "pensioners_invalidity": 41e3, "pensioners_survivors": 132e3}
    return PensionInputs(data, rules, assume, actual)


def jordan_finance_inputs(years=np.arange(2025, 2101)) -> FinanceInputs:
    """Reserve of 12 billion JOD (about 8 years of expenditure), no subsidy, 95% collection."""
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
                          "160%; wives 5 years younger; remarriage 2% (widowers), 1% (widows)"),
}
