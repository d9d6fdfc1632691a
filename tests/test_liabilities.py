"""Liabilities and financing indicators on a sound basis (docs/methodology.md section 10).

Expected values are computed here from the definitions: annuities from the life table, one cohort's
accrued right by hand, the legislated-basis GAP equivalent against ``socsec solve`` (bisection over
full valuations) and the scaled-premium equivalents against a valuation run with them.
"""

from dataclasses import replace

import numpy as np
import pytest

from socsec.model.example_jordan import jordan_inputs
from socsec.model.finance import retirement_year
from socsec.model.pension import pension_indexation
from socsec.model.scenarios import solve_for
from socsec.model.valuation import run_valuation
from workbook_fixtures import small_inputs


@pytest.fixture(scope="module")
def example():
    inputs = jordan_inputs()
    return inputs, run_valuation(inputs)


@pytest.fixture(scope="module")
def small():
    return run_valuation(small_inputs())


def population_q(valuation, t):
    """q_x of persons aged x on 1 January of year t as the population block survives them, from the life
    table's L_x and T_x: 1 - L_{x+1} / L_x, and 1 - T_omega / T_{omega-1} for the ages omega - 1, omega."""
    L, T = valuation.population.life_tables.Lx[t], valuation.population.life_tables.Tx[t]
    q = np.empty_like(L)
    q[:, :-2] = 1.0 - L[:, 1:-1] / L[:, :-2]
    q[:, -2:] = 1.0 - (T[:, -1] / T[:, -2])[:, None]
    return q


def v_prime(valuation, t):
    rules, economy = valuation.inputs.pension.rules, valuation.economy
    g = pension_indexation(rules, economy.column("average_wage_growth"), economy.column("cpi_inflation"))[t]
    return (1.0 + g) / (1.0 + economy.column("nominal_return")[t])


def test_orphans_capital_value_is_a_temporary_annuity(small):
    """An orphan aged x below the age limit L on 1 January: payments of 1 at the start of each year while
    alive and below L, sum_{k=0}^{L-1-x} v'^k kp_x, on the population's mortality of the year."""
    t, limit = 2, int(small.inputs.pension.rules.orphan_age_limit[2])
    q, v = population_q(small, t), v_prime(small, t)
    factors = annuity_factors(small)
    for sex in (0, 1):
        for x in (0, 3, limit - 2, limit - 1):
            want, alive = 0.0, 1.0
            for k in range(limit - x):
                want += v ** k * alive
                alive *= 1.0 - q[sex, x + k]
            assert factors[t, 3, sex, x] == pytest.approx(want, rel=1e-12)
        assert factors[t, 3, sex, limit - 1] == pytest.approx(1.0, rel=1e-15)
    # the liability of the orphans' pensions uses them
    amounts = small.pension.pension_amount[t, 3]
    assert small.finance.yearly["liability_orphans_pensions"][t] == pytest.approx((amounts * factors[t, 3]).sum(),
                                                                                  rel=1e-12)


def test_widows_capital_value_allows_for_remarriage(small):
    t = 1
    q, v = population_q(small, t), v_prime(small, t)
    remarriage = small.inputs.pension.assumptions.remarriage
    factors = annuity_factors(small)
    omega = q.shape[1] - 1
    for sex in (0, 1):
        keep = (1.0 - q[sex]) * (1.0 - remarriage[sex]) * v
        want = 1.0 / (1.0 - keep[omega])  # the open group: a geometric series
        for x in range(omega - 1, 19, -1):
            want = 1.0 + keep[x] * want
        assert factors[t, 2, sex, 20] == pytest.approx(want, rel=1e-12)


def annuity_factors(valuation):
    from socsec.model.finance import pension_annuities
    from socsec.model.pension import pensioner_exit_rates
    rules, economy = valuation.inputs.pension.rules, valuation.economy
    g = pension_indexation(rules, economy.column("average_wage_growth"), economy.column("cpi_inflation"))
    q = valuation.pension.death_probabilities
    exits = pensioner_exit_rates(rules, valuation.inputs.pension.assumptions, q.shape[-1])
    return pension_annuities(economy.column("nominal_return"), g, q, exits)


def test_retirement_year_follows_the_legislated_schedule():
    normal = np.array([60, 60, 60, 60, 60, 61, 61, 62, 62, 63, 63, 64, 64, 65])
    assert retirement_year(59, normal) == 0  # reaches 60 during the base year
    assert retirement_year(60, normal) == 0  # already above: retires at once
    assert retirement_year(55, normal) == 4  # 60 in year 4 (2029)
    assert retirement_year(56, normal) == 3  # 60 in year 3, still the normal age then
    assert retirement_year(57, normal) == 2  # 60 in year 2
    assert retirement_year(52, normal) == 10  # 62 in year 9 is below the 63 in force; 63 in year 10
    assert retirement_year(50, normal) == 14  # 64 in year 13 is too early (64 < 65 in force from year 13)
    assert retirement_year(20, normal) == 44  # after the horizon: the last age


def test_one_cohort_accrued_right_by_hand(small):
    """Only the actives of one cell of the small scheme, valued by hand from the definitions."""
    from socsec.model.finance import accrued_rights_value
    v = small
    pension, scheme, economy = v.pension, v.inputs.pension, v.economy
    g, x, s = 0, 20, 3
    keep_one = np.zeros_like(pension.actives)
    keep_one[0, g, x, s] = pension.actives[0, g, x, s]
    one = replace(pension, insured=replace(pension.insured, actives=keep_one, inactive=np.zeros_like(keep_one)))
    rules, assume = scheme.rules, scheme.assumptions
    normal = int(rules.normal_age[0, g])  # 25 every year
    k = normal - 1 - x  # aged 24 on 1 January of year k: reaches 25 in it
    i = economy.column("nominal_return")
    q = pension.death_probabilities[:, 0, g]
    survive = np.prod([1.0 - q[j, x + j] for j in range(k + 1)])
    service_at_retirement = s + assume.density[g, x:x + k].sum() + 0.5 * assume.density[g, x + k]
    assert service_at_retirement >= rules.min_service_old_age[k]
    discount = np.prod(1.0 / (1.0 + i[:k + 1]))
    mid = np.prod(1.0 / (1.0 + i[:k])) / np.sqrt(1.0 + i[k])
    wage_index = economy.column("wage_index")  # revaluation with wages
    g_next = pension_indexation(rules, economy.column("average_wage_growth"), economy.column("cpi_inflation"))[k + 1]
    factors = annuity_factors(v)
    P = pension.accrued_pension_base[g, x, s]
    want = keep_one[0, g, x, s] * P * wage_index[k] / wage_index[0] * survive * (
        0.5 * mid + discount * (1.0 + g_next) * factors[k + 1, 0, g, normal])
    assert accrued_rights_value(one, economy, scheme, factors) == pytest.approx(want, rel=1e-12)


def test_accrued_rights_respond_to_the_legislated_retirement_ages(example):
    inputs, base = example
    rules, years = inputs.pension.rules, inputs.population.years
    later = (years >= 2030)[:, None] * 3
    raised = replace(inputs, pension=replace(inputs.pension, rules=replace(
        rules, normal_age=rules.normal_age + later, early_age=rules.early_age + later)))
    before = base.finance.indicator("accrued_liability_insured_base_year", 1)
    after = run_valuation(raised).finance.indicator("accrued_liability_insured_base_year", 1)
    assert after < 0.95 * before, (before, after)


def test_members_who_cannot_qualify_hold_only_a_grant(small):
    """With a minimum service no one reaches, every accrued right is a lump sum: less (the small scheme's
    grant is 10% of the wage per year of service, against a pension of 2% a year for life)."""
    from socsec.model.finance import accrued_rights_value
    v = small
    scheme = v.inputs.pension
    factors = annuity_factors(v)
    full = accrued_rights_value(v.pension, v.economy, scheme, factors)
    strict = replace(scheme, rules=replace(scheme.rules, min_service_old_age=np.full(len(v.pension.years), 60.0)))
    grants_only = accrued_rights_value(v.pension, v.economy, strict, factors)
    assert 0.0 < grants_only < 0.5 * full


@pytest.mark.parametrize("horizon", [50, None])
def test_gap_equivalent_equals_the_solver(example, horizon):
    inputs, base = example
    h = horizon or len(inputs.population.years)
    equivalent = base.finance.indicator("gap_equivalent_contribution_rate", h)
    solved = solve_for(inputs, "contribution_rate", "gap_equilibrium", h)
    assert equivalent == pytest.approx(solved.value, abs=5e-4)
    assert abs(equivalent - solved.value) < 1e-5  # the bisection's tolerance, in practice
    # on another basis than the GAP: collection 95%, expenses 4% of contributions
    assert equivalent > base.finance.indicator("gap", h)


def test_every_gap_horizon_has_its_equivalent(example):
    _, base = example
    table = base.finance.indicators
    gap = set(table[table.indicator == "gap"]["horizon"])
    assert gap == set(table[table.indicator == "gap_equivalent_contribution_rate"]["horizon"])


def test_scaled_premium_equivalents_keep_the_reserve_level_in_each_period(small):
    """Run the valuation with the equivalent rates as the contribution rate of each period: the reserve
    at the end of each period's last year equals that at its start (the scaled premium condition)."""
    v = small
    table = v.finance.indicators
    rows = table[table.indicator.str.startswith("scaled_premium_equivalent_")]
    years = v.pension.years
    rate = np.empty(len(years))
    for name, horizon, value in zip(rows.indicator, rows.horizon, rows.value):
        start = int(name.rsplit("_", 1)[1]) - int(years[0])
        rate[start:start + int(horizon)] = value
    inputs = v.inputs
    run = run_valuation(replace(inputs, pension=replace(inputs.pension, rules=replace(
        inputs.pension.rules, contribution_rate=rate))))
    y = run.finance.yearly
    for name, horizon in zip(rows.indicator, rows.horizon):
        last = int(name.rsplit("_", 1)[1]) - int(years[0]) + int(horizon) - 1
        assert y["reserve_end"][last] == pytest.approx(y["reserve_start"][last], rel=1e-9)
