"""Pension block against results written out by hand (closed-form tests).

Mortality basis (docs/methodology.md section 9.3): a person aged x on 1 January survives to the next
1 January with the population block's survival ratio S_{x+1} = L_{x+1} / L_x (S_omega = T_omega /
T_{omega-1} for ages omega - 1 and omega), times the scheme's mortality factor on the death
probability.  The life table is written here from m_x: q_x = m_x / (1 + m_x / 2), l_{x+1} = l_x (1 - q_x),
L_x = (l_x + l_{x+1}) / 2, L_omega = l_omega / m_omega (:func:`life_table`), no model code.

(a) Stationary scheme.  A stationary country (constant births B, fixed mortality, no migration:
base population B L_x, B T_omega in the open age, NRR = 1), so employment, and with it the
target number of actives of each age (coverage x employed), is constant.  Nobody works before 20
(participation 0.7 from 20 to 64), so everybody enters at age e = 20 with no service (E_g entrants
of sex g on 31 December, the coverage of the employed aged 20), contributes every year (density 1,
no lapse, no invalidity) and retires when reaching R = 45 during the year (those aged 44 on
1 January).  Wage growth and inflation are zero, no ceiling, no survivors, no grants, no
administrative expenses.  The base-year data are the stationary stocks themselves, so every year is
the same:

    contributors  T = sum_g E_g sum_{x=e..R-1} L_x / L_e          (actives on 1 January)
    exits         E: deaths of actives and retirements (as many as the entrants)
    paying        T - E / 2 (those who leave during the year pay half a year; entrants of
                  31 December nothing)
    pensioners    N = sum_g E_g T_R / L_e                           (old-age pensioners on 1 January)
    pension       P = accrual x (R - e - 1 + 1/2) x w: 24 years of service on 1 January of the year of
                  retirement, plus the year's half credit (density / 2) of someone who leaves at the
                  birthday, so half of the retirees have 24 years and half 25
    PAYG cost rate = (N P) / ((T - E/2) w).

(b) One cohort followed by hand: 400 men aged 20 with no service on 1 January of the base
year, no one else ever (the coverage of the cohort's age in each year is set to the survivors the
hand computation expects divided by the employed, so the balancing adds and removes nobody),
age-varying density, wages growing 3% a year with 2% inflation, career-average earnings revalued
with prices, two-tier accrual, a minimum pension, retirement of everyone on reaching 45 (in the year
they are 44 on 1 January) with 12 years of service needed (the others get a lump sum), pensions
indexed with prices, insured and pensioner mortality factors 0.8 and 1.2, pensioners surviving in
the open age group with S_omega.  Deaths of actives are credited half a year of contributions, as
the retirees are.  Every year the model's stocks and flows must equal the hand computation to 1e-9
relative.
"""

import numpy as np
import pytest

from socsec.core import lifetable as lt
from socsec.model.economy import project_economy
from socsec.model.pension import PensionInputs, SchemeAssumptions, SchemeData, SchemeRules, project_pension
from socsec.model.population import PopulationInputs, project_population
from socsec.model.valuation import pension_checks
from workbook_fixtures import small_economy

OMEGA = 70
A = OMEGA + 1
AGES = np.arange(A)
BASE_YEAR = 2030


def gompertz(a, b, infant):
    m = 5e-4 + a * np.exp(b * AGES)
    m[0] += infant
    return m


MX = np.stack([gompertz(6e-4, 0.095, 0.02), gompertz(3e-4, 0.1, 0.015)])  # m_70: 0.46 (men), 0.33 (women)


def life_table(mx):
    """(L, q): L_x of a life table from m_x (radix l_0 = 1; a_x = 1/2 at every age, which changes no
    ratio L_{x+1} / L_x above age 0) and q_x = 1 - S_{x+1}, the probability that someone aged x on
    1 January dies before the next, with S_{x+1} = L_{x+1} / L_x and S_omega = T_omega / T_{omega-1}
    (ages omega - 1 and omega)."""
    l = np.ones(A + 1)
    for x in range(OMEGA):
        l[x + 1] = l[x] * (1.0 - mx[x] / (1.0 + 0.5 * mx[x]))
    L = np.empty(A)
    L[:OMEGA] = 0.5 * (l[:OMEGA] + l[1:A])
    L[OMEGA] = l[OMEGA] / mx[OMEGA]
    survival = np.empty(A)
    survival[1:OMEGA] = L[1:OMEGA] / L[:OMEGA - 1]
    survival[OMEGA] = L[OMEGA] / (L[OMEGA - 1] + L[OMEGA])
    q = np.empty(A)
    q[:OMEGA] = 1.0 - survival[1:]
    q[OMEGA] = 1.0 - survival[OMEGA]
    return L, q


def stationary_country(n, female_births=1000.0, srb=1.05):
    """PopulationInputs of a stationary population (NRR = 1, base = B L_x, no migration)."""
    ax0 = np.array([lt.infant_separation_factor(MX[s, :1], s)[0] for s in (0, 1)])
    _, _, _, Lx, Tx, _ = lt.life_table_reference(MX, ax0)
    births = np.array([srb * female_births, female_births])
    base = births[:, None] * Lx
    base[:, -1] = births * Tx[:, -1]
    fertile = np.arange(15, 45)
    f = (fertile - 14.5) * (45.5 - fertile)
    f = f / ((f * Lx[1, fertile]).sum() / (1.0 + srb))
    return PopulationInputs(
        country="Stationary", base_year=BASE_YEAR, final_year=BASE_YEAR + n - 1, base_population=base,
        fertility_input="asfr", fertility_ages=fertile, tfr=np.zeros(n),
        fertility_pattern_years=np.array([BASE_YEAR]), fertility_pattern=np.ones((1, len(fertile))),
        asfr=np.tile(f, (n, 1)), srb=np.full(n, srb), mortality_kind="mx", mortality_years=np.array([BASE_YEAR]),
        mortality=MX[None], net_migrants=np.zeros((n, 2, A)), migration_timing="even")


def country(n, wage_growth=0.0, inflation=0.0):
    """Population and economy projections of the stationary country (constant participation)."""
    population = project_population(stationary_country(n).to_assumptions())
    profile = np.where((AGES >= 20) & (AGES < 65), 0.7, 0.0)
    economy_inputs = small_economy(
        n, OMEGA, lfpr_years=np.array([BASE_YEAR]), lfpr=np.stack([profile, 0.6 * profile])[None],
        unemployment_age_factors=np.ones((2, 2)),  # the same rate at every age: employment follows L_x
        wage_growth_input="direct", wage_growth=np.full(n, wage_growth), cpi_inflation=np.full(n, inflation))
    return population, project_economy(economy_inputs, population)


def rules(n, **values):
    full = np.ones(n)
    out = dict(
        contribution_rate=0.1 * full, normal_age=np.full((n, 2), 45), early_age=np.full((n, 2), 45),
        min_service_old_age=0 * full, min_service_invalidity=0 * full, min_service_survivors=0 * full,
        accrual_rate=0.02 * full, accrual_base_percent=0 * full, accrual_base_years=0 * full,
        early_reduction=0 * full, late_increment=0 * full, min_pension=0 * full, max_pension=0 * full,
        earnings_ceiling=0 * full, earnings_floor=0 * full, reference_years=5 * full, widow_share=0 * full,
        orphan_share=0 * full, full_orphan_share=0 * full, survivors_cap=full.copy(),
        orphan_age_limit=18 * full, grant_per_year=0 * full, admin_share_contributions=0 * full,
        admin_share_benefits=0 * full, indexation_wage_weight=0.5 * full, earnings_cv=0.0)
    out.update(values)
    return SchemeRules(**out)


def assumptions(n, **values):
    zero = np.zeros((2, A))
    out = dict(
        coverage_years=np.array([BASE_YEAR]), coverage=np.full((1, 2, A), 0.5), density=np.ones((2, A)),
        salary_scale=np.ones((2, A)),
        invalidity=zero, lapse=zero, reentry=zero, retire_early=np.zeros((n, 2)), retire_normal=np.ones((n, 2)),
        exit_age=np.full((n, 2), 46), mortality_factor=np.ones((3, 2)), spouse_probability=zero,
        spouse_age_difference=np.zeros(2), orphans_per_death=zero, orphan_age_gap=np.full(2, 25.0),
        remarriage=np.zeros(2), coverage_phase_in=0, abroad_share=np.zeros(2))
    out.update(values)
    return SchemeAssumptions(**out)


def relative(got, want):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    return float(np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300)))


# --------------------------------------------------------------------------- (a) stationary scheme

ENTRY, RETIRE, WAGE, ACCRUAL, COVERAGE = 20, 45, 24000.0, 0.02, np.array([0.6, 0.5])


@pytest.fixture(scope="module")
def stationary():
    n = 12
    population, economy = country(n)
    np.testing.assert_allclose(population.population, np.broadcast_to(population.population[0],
                                                                       population.population.shape), rtol=1e-12)
    employed = economy.employed[0, :, ENTRY]  # (2,) employed aged 20, the same every year
    entrants = COVERAGE * employed
    actives, pensioners = np.zeros((2, A, A)), np.zeros((A, 4, 2))
    for g in range(2):
        L, _ = life_table(MX[g])
        for x in range(ENTRY, RETIRE):
            actives[g, x, x - ENTRY] = entrants[g] * L[x] / L[ENTRY]
        pensioners[RETIRE:, 0, g] = entrants[g] * L[RETIRE:] / L[ENTRY]
    pension = ACCRUAL * (RETIRE - ENTRY - 0.5) * WAGE
    data = SchemeData(AGES.copy(), AGES.copy(), actives, np.zeros_like(actives), np.full((A, 2), WAGE),
                      AGES.copy(), pensioners, np.full((A, 4, 2), pension))
    scheme = PensionInputs(data, rules(n), assumptions(n, coverage=COVERAGE[None, :, None] * np.ones((1, 2, A))), {})
    projection = project_pension(scheme, population, economy, service_stocks=True)
    assert all(c.ok for c in pension_checks(projection, economy, population, scheme.assumptions))
    return projection, entrants, pension


def test_stationary_scheme_closed_form(stationary):
    projection, entrants, pension = stationary
    s = projection.summary
    # the sums, written out independently of the model
    contributors = pensioners = awards = 0.0
    for g in range(2):
        L, _ = life_table(MX[g])
        contributors += entrants[g] * L[ENTRY:RETIRE].sum() / L[ENTRY]
        pensioners += entrants[g] * L[RETIRE:].sum() / L[ENTRY]
        awards += entrants[g] * L[RETIRE] / L[ENTRY]
    ratio = pensioners / contributors
    # contributors during the year: the 1 January actives, of whom the E leaving during the year
    # (deaths and retirements, in a stationary scheme as many as the entrants of 31 December) are
    # there half a year on average; the entrants join on 31 December and pay nothing this year
    paying = contributors - entrants.sum() / 2.0
    cost_rate = pensioners / paying * pension / WAGE
    errors = {
        "actives": relative(s["actives"], contributors),
        "average actives": relative(s["average_actives"], paying),
        "old-age pensioners": relative(s["pensioners_old_age"], pensioners),
        "average pensioners": relative(s["average_pensioners_old_age"], pensioners),
        "new entrants": relative(s["new_entrants"], entrants.sum()),
        "retirements": relative(s["retirements_actives"], awards),
        "awards": relative(s["awards_old_age"], awards),
        "awards = deaths": relative(s["awards_old_age"], s["deaths_old_age"]),
        "average pension": relative(s["average_pension_old_age"], pension),
        "average award (24.5 years)": relative(s["average_award_old_age"], pension),
        "average insurable earnings": relative(s["average_insurable_earnings"], WAGE),
        "old-age expenditure": relative(s["expenditure_old_age"], pension * pensioners),
        "benefit expenditure": relative(s["benefit_expenditure"], pension * pensioners),
        "demographic ratio": relative(s["demographic_ratio"], ratio),
        "benefit ratio": relative(s["benefit_ratio"], pension / WAGE),
        "PAYG cost rate": relative(s["paygo_cost_rate"], cost_rate),
        "stocks constant": float(np.max(np.abs(projection.actives - projection.actives[0]))
                                 / projection.actives.max()),
        "pensioners constant": float(np.max(np.abs(projection.pensioners - projection.pensioners[0]))
                                     / projection.pensioners.max()),
    }
    print({k: f"{v:.1e}" for k, v in errors.items()})
    print(f"demographic ratio {ratio:.6f}, PAYG cost rate {cost_rate:.6f}")
    assert max(errors.values()) <= 1e-11, errors
    for kind in ("invalidity", "survivors", "orphans"):
        assert s[f"pensioners_{kind}"].max() == 0.0 and s[f"awards_{kind}"].max() == 0.0
    # rounding of the balancing (target = survivors up to 1e-16) moves a few 1e-12 persons to inactive
    assert s["inactive"].max() <= 1e-9 and s["moved_to_inactive"].max() <= 1e-9 and s["grants"].max() == 0.0


def test_entrants_of_31_december_pay_no_contributions_that_year(stationary):
    projection, entrants, _ = stationary
    s = projection.summary
    # person-years of contributions under the model's own timing: every active of 1 January
    # contributes until the mid-year exit (deaths, retirements; on average half a year), entrants
    # of 31 December not at all
    exits = s["deaths_actives"] + s["retirements_actives"]
    expected = s["actives"] - 0.5 * exits
    assert relative(s["average_actives"], expected) <= 1e-11


def test_retirement_in_the_year_the_normal_age_is_reached(stationary):
    """Actives aged R - 1 on 1 January reach R during the year and retire in it: nobody aged R or more
    is active on 1 January, and the retirements of a year are the actives of R - 1 less their deaths."""
    projection, _, _ = stationary
    by_age = projection.actives_by_age
    assert by_age[:, :, RETIRE:].max() == 0.0 and by_age[:, :, RETIRE - 1].min() > 0.0
    for g in range(2):
        _, q = life_table(MX[g])
        got = projection.by_age["retired_active"][:, g].sum(axis=1)
        assert relative(got, by_age[:-1, g, RETIRE - 1] * (1.0 - q[RETIRE - 1])) <= 1e-12


# --------------------------------------------------------------------------- (b) one cohort

COHORT, AGE0, NORMAL, MIN_SERVICE = 400.0, 20, 45, 12
GROWTH, INFLATION, RATE = 0.03, 0.02, 0.15
BASE_PERCENT, BASE_YEARS, ACCRUAL_B, MIN_PENSION, GRANT = 0.15, 10, 0.015, 6000.0, 0.1
F_INSURED, F_OLD = 0.8, 1.2
DENSITY = np.clip(0.3 + 0.016 * (AGES - AGE0), 0.0, 1.0)  # 0.3 at 20 rising to 0.7 at 45


def by_hand(n):
    """Year-by-year figures of the cohort, from the definitions (no model code)."""
    _, q = life_table(MX[0])
    q_insured = np.minimum(F_INSURED * q, 1.0)
    q_old = np.minimum(F_OLD * q, 1.0)
    wage = [WAGE * (1 + GROWTH) ** t for t in range(n)]
    prices = [(1 + INFLATION) ** t for t in range(n)]
    out = {k: np.zeros(n) for k in ("actives", "deaths_actives", "retirements", "awards", "award_amount",
                                    "grants", "grants_number", "pensioners", "amount", "deaths_old",
                                    "expenditure", "contributions", "at_minimum", "credited",
                                    "exit_service")}
    out["by_service"] = np.zeros((n, A))
    people, service = COHORT, np.zeros(A)
    service[0] = 1.0  # distribution of completed years of service among the actives

    def gain(distribution, probability):  # a share ``probability`` of every service year gains one
        moved = np.zeros(A)
        moved[1:] = distribution[:-1] * probability
        return distribution * (1 - probability) + moved

    pensioners = amount = 0.0
    for t in range(n):
        age = min(AGE0 + t, OMEGA)  # the open age group keeps its survivors
        density = DENSITY[age]
        out["actives"][t], out["by_service"][t] = people, people * service
        out["pensioners"][t], out["amount"][t] = pensioners, amount
        if age < NORMAL - 1:  # a year of work: deaths (credited half a year), the others a whole year
            dead = people * q_insured[age]
            stay = people - dead
            out["deaths_actives"][t] = dead
            out["contributions"][t] = RATE * wage[t] * density * 0.5 * (people + stay)
            out["credited"][t] = stay * density + dead * density / 2
            out["exit_service"][t] = dead * (service @ np.arange(A) + density / 2)
            service = gain(service, density)
            people = stay
        elif age == NORMAL - 1:  # reaches 45 during the year: everyone alive retires at the birthday
            dead = people * q_insured[age]
            out["deaths_actives"][t] = dead
            out["contributions"][t] = RATE * wage[t] * density * 0.5 * people
            out["credited"][t] = people * density / 2
            retiring = (people - dead) * gain(service, density / 2)  # by service at the retirement
            out["exit_service"][t] = people * (service @ np.arange(A) + density / 2)
            out["retirements"][t] = retiring.sum()
            for s in range(A):
                if retiring[s] == 0.0:
                    continue
                if s < MIN_SERVICE:
                    out["grants_number"][t] += retiring[s]
                    out["grants"][t] += retiring[s] * GRANT * s * wage[t]
                    continue
                # career average of the last s years (this one included), revalued with prices
                reference = prices[t] * sum(wage[t - k] / prices[t - k] for k in range(s)) / s
                percent = BASE_PERCENT * min(s, BASE_YEARS) / BASE_YEARS + ACCRUAL_B * max(s - BASE_YEARS, 0)
                award = max(percent * reference, MIN_PENSION * prices[t])
                if percent * reference < MIN_PENSION * prices[t]:
                    out["at_minimum"][t] += retiring[s]
                out["awards"][t] += retiring[s]
                out["award_amount"][t] += retiring[s] * award
            out["expenditure"][t] = 0.5 * out["award_amount"][t]  # paid from mid-year
            pensioners, amount = out["awards"][t], out["award_amount"][t] * (1 + INFLATION)
            people = 0.0
        else:  # pensioners: deaths paid half a year, the rest indexed with prices on 1 January
            dead = pensioners * q_old[age]
            out["deaths_old"][t] = dead
            out["expenditure"][t] = amount - 0.5 * dead * amount / pensioners if pensioners else 0.0
            amount = amount * (1 - q_old[age]) * (1 + INFLATION) if pensioners else 0.0
            pensioners -= dead
    return out


@pytest.fixture(scope="module")
def cohort():
    n = OMEGA - AGE0 + 3  # two years in the open age group at the end
    population, economy = country(n, GROWTH, INFLATION)
    hand = by_hand(n)
    # coverage of the cohort's age in each year = the actives the hand computation expects / the employed
    coverage = np.zeros((n, 2, A))
    for t in range(n):
        age = min(AGE0 + t, OMEGA)
        coverage[t, 0, age] = hand["actives"][t] / economy.employed[t, 0, age] if economy.employed[t, 0, age] else 0.0
    assert coverage.max() < 1
    actives = np.zeros((2, 3, 2))
    actives[0, 1, 0] = COHORT  # age group 20-20, service group 0-0
    data = SchemeData(np.array([0, AGE0, AGE0 + 1]), np.array([0, 1]), actives, np.zeros_like(actives),
                      np.full((3, 2), WAGE), np.array([0]), np.zeros((1, 4, 2)), np.zeros((1, 4, 2)))
    full = np.ones(n)
    scheme_rules = rules(n, contribution_rate=RATE * full, min_service_old_age=MIN_SERVICE * full,
                         accrual_rate=ACCRUAL_B * full, accrual_base_percent=BASE_PERCENT * full,
                         accrual_base_years=BASE_YEARS * full, min_pension=MIN_PENSION * full,
                         grant_per_year=GRANT * full, indexation_wage_weight=0 * full, revaluation="prices",
                         reference_earnings="career_average")
    scheme = assumptions(n, coverage_years=np.arange(BASE_YEAR, BASE_YEAR + n), coverage=coverage,
                         density=np.stack([DENSITY, DENSITY]),
                         mortality_factor=np.array([[F_INSURED] * 2, [F_OLD] * 2, [1.0, 1.0]]))
    projection = project_pension(PensionInputs(data, scheme_rules, scheme, {}), population, economy,
                                 service_stocks=True)
    assert all(c.ok for c in pension_checks(projection, economy, population, scheme))
    return projection, hand


def test_single_cohort_by_hand(cohort):
    projection, hand = cohort
    s = projection.summary
    n = len(s)
    cohort_actives = np.array([projection.actives[t, 0, min(AGE0 + t, OMEGA)] for t in range(n)])
    tol = 1e-9 * COHORT
    errors = {}

    def compare(name, got, want, scale):
        err = float(np.max(np.abs(np.asarray(got, dtype=float) - want)) / scale)
        errors[name] = err
        assert err <= 1e-9, f"{name}: {err:.2e} relative; model {np.asarray(got)[:6]}..., hand {want[:6]}..."

    money = hand["amount"].max()
    compare("actives", s["actives"], hand["actives"], COHORT)
    compare("actives by service", cohort_actives, hand["by_service"], COHORT)
    compare("deaths of actives", s["deaths_actives"], hand["deaths_actives"], COHORT)
    compare("retirements", s["retirements_actives"], hand["retirements"], COHORT)
    compare("old-age awards", s["awards_old_age"], hand["awards"], COHORT)
    compare("grants (number)", s["grants_number"], hand["grants_number"], COHORT)
    compare("grants", s["grants"], hand["grants"], money)
    compare("old-age pensioners", s["pensioners_old_age"], hand["pensioners"], COHORT)
    compare("deaths of old-age pensioners", s["deaths_old_age"], hand["deaths_old"], COHORT)
    compare("pension amount in payment", projection.pension_amount[:-1, 0].sum(axis=(1, 2)), hand["amount"], money)
    compare("old-age expenditure", s["expenditure_old_age"], hand["expenditure"], money)
    compare("contributions", s["contributions"], hand["contributions"], hand["contributions"].max())
    compare("service credited", s["service_credited"], hand["credited"], COHORT)
    compare("service of the exits", projection.by_age["exit_service"], hand["exit_service"], COHORT * NORMAL)
    t_award = NORMAL - 1 - AGE0  # the year the cohort reaches the normal age
    award = s["average_award_old_age"].iloc[t_award]
    assert award == pytest.approx(hand["award_amount"][t_award] / hand["awards"][t_award], rel=1e-12)
    # nobody else: no entrants, no moves, no inactive, nobody left at the end
    assert s["new_entrants"].max() <= tol and s["moved_to_inactive"].max() <= tol
    assert projection.inactive.max() <= tol and projection.pensioners[:, 1:].max() == 0.0
    assert hand["pensioners"][-1] > 0.1  # the open age group keeps survivors (S_omega), the model too
    # the hand computation does what the test says: some do and some do not reach 12 years, and
    # the minimum pension lifts some of the awards
    assert 0.2 < hand["grants_number"][t_award] / hand["retirements"][t_award] < 0.8
    assert 0.1 < hand["at_minimum"][t_award] / hand["awards"][t_award] < 0.9
    print({k: f"{v:.1e}" for k, v in errors.items()})
    print(f"award {award:.2f} (min pension {MIN_PENSION * (1 + INFLATION) ** t_award:.2f}), "
          f"awards {hand['awards'][t_award]:.2f} of {hand['retirements'][t_award]:.2f} retiring")
