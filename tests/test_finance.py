"""Financing block: reserve recursion, indicators against independent sums, scenarios, solve-for."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from socsec.model.overrides import OverrideError, apply_overrides
from socsec.model.scenarios import BASE, Scenario, SolveError, comparison_table, run_scenarios, solve_for
from socsec.model.valuation import run_valuation
from workbook_fixtures import small_inputs, small_scheme, valid_override_value


@pytest.fixture(scope="module")
def base():
    return run_valuation(small_inputs())


def test_reserve_matches_an_independent_loop(base):
    y, fin = base.finance.yearly, base.inputs.finance
    F = fin.initial_reserve
    for t in range(len(y)):
        i = y["nominal_return"][t]
        C = base.pension.summary["contributions"][t] * fin.collection_rate[t]
        X = base.pension.summary["total_expenditure"][t]
        G = fin.subsidy_share[t] * X + fin.subsidy_amount[t]
        F = F * (1 + i) + (C + G - X) * (1 + i) ** 0.5
        assert y["reserve_end"][t] == pytest.approx(F, rel=1e-12)
        assert y["reserve_ratio"][t] == pytest.approx(F / X, rel=1e-12)


def indicator(valuation, name, horizon):
    table = valuation.finance.indicators
    return float(table[(table.indicator == name) & (table.horizon == horizon)]["value"].iloc[0])


def test_charging_the_gap_lands_on_the_target(base):
    """Contribution rate = GAP / collection every year: the reserve ends at the target."""
    inputs = base.inputs
    n = len(base.finance.yearly)
    # administrative expenses proportional to contributions would move with the rate: none here
    plain = replace(inputs, pension=replace(inputs.pension, rules=replace(
        inputs.pension.rules, admin_share_contributions=np.zeros(n))))
    gap = indicator(run_valuation(plain), "gap_with_target", n)
    charged = apply_overrides(plain, {"contribution_rate": gap / inputs.finance.collection_rate[0]})
    v = run_valuation(charged)
    target = inputs.finance.target_ratio * v.finance.yearly["expenditure"].iloc[-1]
    assert v.finance.yearly["reserve_end"].iloc[-1] == pytest.approx(target, rel=1e-9)


def test_summarised_rates_and_balance_sheet_against_hand_sums(base):
    y, fin = base.finance.yearly, base.inputs.finance
    h = len(y)
    i = y["nominal_return"].to_numpy()
    D = np.cumprod(np.r_[1.0, 1 / (1 + i)])
    D_mid = D[:-1] / np.sqrt(1 + i)
    assets = fin.initial_reserve + np.sum(D_mid * (y["contributions"] + y["state_subsidy"]))
    liabilities = np.sum(D_mid * y["expenditure"])
    # closing liability: the pensions in payment on 1 January after the last year, valued with the last
    # year's annuity factors and discounted to the valuation date
    closing = D[h] * (base.pension.pension_amount[-1] * base_annuity_factors(base)[-1]).sum()
    assert indicator(base, "balance_sheet_closing_liability", h) == pytest.approx(closing, rel=1e-12)
    total = liabilities + closing
    assert indicator(base, "balance_sheet_ratio", h) == pytest.approx(assets / total, rel=1e-12)
    assert indicator(base, "balance_sheet_balance", h) == pytest.approx(assets - total, rel=1e-12)


def test_sustainability_indicators_and_flag(base):
    """The annual balance of the last year and its change over the last 10 years, the last year's reserve
    ratio and rates; the flag is 1 exactly when the reserve falls in one of the last 10 years."""
    from socsec.model.finance import sustainability_statement
    y = base.finance.yearly
    h = len(y)
    balance = (y["contributions"] + y["state_subsidy"] - y["expenditure"]) / y["insurable_earnings"]
    assert indicator(base, "annual_balance_last_year", h) == pytest.approx(balance.iloc[-1], rel=1e-12)
    assert indicator(base, "annual_balance_change", 10) == pytest.approx(balance.iloc[-1] - balance.iloc[-10],
                                                                          rel=1e-12)
    assert indicator(base, "reserve_ratio_last_year", h) == pytest.approx(y["reserve_ratio"].iloc[-1], rel=1e-12)
    falls = bool((y["reserve_end"].iloc[-10:].to_numpy() < y["reserve_start"].iloc[-10:].to_numpy()).any())
    assert indicator(base, "reserve_falls_at_the_end", 10) == float(falls)
    poor = run_valuation(apply_overrides(base.inputs, {"contribution_rate": 0.01}))
    assert indicator(poor, "reserve_falls_at_the_end", 10) == 1.0
    assert sustainability_statement(poor.finance, 2039).startswith("Not sustainable beyond 2039")
    rich = run_valuation(apply_overrides(base.inputs, {"contribution_rate": 0.9}))
    assert indicator(rich, "reserve_falls_at_the_end", 10) == 0.0
    assert "does not fall" in sustainability_statement(rich.finance, 2039)


def test_depletion_and_crossover_years():
    inputs = small_inputs()
    v = run_valuation(apply_overrides(inputs, {"contribution_rate": 0.0, "initial_reserve": 1e5}))
    y = v.finance.yearly
    assert indicator(v, "crossover_year", len(y)) == y["year"][0]
    first_negative = y["year"][np.flatnonzero(y["reserve_end"] < 0)[0]]
    assert indicator(v, "depletion_year", len(y)) == first_negative
    rich = run_valuation(apply_overrides(inputs, {"contribution_rate": 0.9}))
    assert np.isnan(indicator(rich, "depletion_year", len(y)))


def test_replacement_rates_by_hand():
    """A flat salary scale and wage revaluation: every past insurable wage revalued to the year of
    retirement is today's, so the pension is accrual x service x today's wage (within the ceiling)."""
    from dataclasses import replace as copy
    pension = small_scheme()
    ones = np.ones_like(pension.assumptions.salary_scale)
    flat = copy(pension, assumptions=copy(pension.assumptions, salary_scale=ones))
    v = run_valuation(small_inputs(pension=flat))
    rules = flat.rules  # accrual 2% a year, no base percentage, ceiling 40,000 (wage-indexed)
    table = v.finance.replacement
    first = table[table.year == 2030]
    G, wage = v.pension.gross_wage[0, 0, 20], v.economy.macro["average_wage"][0]
    insured = v.pension.columns["insurable_earnings"][0] / v.pension.columns["service_credited"][0]

    def row(start):
        return first[first.career.str.startswith(start) & (first.sex == "male")].iloc[0]

    reference = row("30 years")
    assert reference["service"] == pytest.approx(30.0, rel=1e-12)  # half years at both ends, 29 whole
    assert reference["replacement_rate"] == pytest.approx(0.02 * 30 * G / wage, rel=1e-12)
    assert reference["replacement_rate_insured"] == pytest.approx(0.02 * 30 * G / insured, rel=1e-12)
    assert (reference["ilo_c102"], reference["ilo_c128"]) == pytest.approx((0.40, 0.45))
    interrupted = row("interrupted")
    assert interrupted["service"] == pytest.approx(24.0, rel=1e-12)
    assert interrupted["replacement_rate"] == pytest.approx(0.02 * 24 * G / wage, rel=1e-12)
    assert (interrupted["ilo_c102"], interrupted["ilo_c128"]) == pytest.approx((0.40 * 24 / 30, 0.45 * 24 / 30))
    high = row("full career, high")
    density = flat.assumptions.density[0, 0]  # 0.9 at every age
    assert high["service"] == pytest.approx(40 * density, rel=1e-12)
    capped = min(2 * G, rules.earnings_ceiling[0])
    assert high["replacement_rate"] == pytest.approx(0.02 * 40 * density * capped / (2 * wage), rel=1e-12)
    assert np.isnan(high["replacement_rate_10_years"])  # the projection has 10 years only


def test_replacement_benchmarks_follow_the_proportional_rule():
    from socsec.model.finance import ilo_benchmark
    assert ilo_benchmark(0.40, 30) == 0.40 and ilo_benchmark(0.40, 41) == 0.40
    assert ilo_benchmark(0.40, 24) == pytest.approx(0.32) and ilo_benchmark(0.45, 15) == pytest.approx(0.225)
    assert np.isnan(ilo_benchmark(0.40, 14.9))


def test_replacement_rates_after_years_in_payment():
    """After 10 and 20 years the pension has been indexed as pensions in payment are, year by year."""
    from socsec.model.example_jordan import jordan_inputs
    v = run_valuation(jordan_inputs())
    macro, rules = v.economy.macro, v.inputs.pension.rules
    table = v.finance.replacement
    row = table[(table.year == 2050) & (table.sex == "female")].iloc[1]
    t = 2050 - 2025
    for later in (10, 20):
        indexed = row["pension"]
        for k in range(t + 1, t + later + 1):
            w = rules.indexation_wage_weight[k]
            indexed *= 1 + w * macro["average_wage_growth"][k] + (1 - w) * macro["cpi_inflation"][k]
        assert row[f"replacement_rate_{later}_years"] == pytest.approx(indexed / macro["average_wage"][t + later],
                                                                       rel=1e-12)
    assert row["replacement_rate_20_years"] < row["replacement_rate_10_years"] < row["replacement_rate"]


def test_scenarios_change_only_what_they_name_and_compare_side_by_side(base):
    inputs = base.inputs
    scenarios = [Scenario("richer", (("contribution_rate", 0.2),)), Scenario("older", (("normal_retirement_age", 27),))]
    changed = apply_overrides(inputs, scenarios[0].overrides)
    assert changed.population is inputs.population and changed.economy is inputs.economy
    assert changed.pension.data is inputs.pension.data and changed.finance is inputs.finance
    assert np.all(changed.pension.rules.contribution_rate == 0.2)
    results = run_scenarios(inputs, scenarios)
    assert list(results) == [BASE, "richer", "older"]
    table = comparison_table(results)
    assert list(table.columns) == ["kind", "indicator", "horizon", BASE, "richer", "older"]
    n = len(base.finance.yearly)
    row = table[(table.indicator == "balance_sheet_ratio") & (table.horizon == n)]
    assert float(row["richer"].iloc[0]) > float(row[BASE].iloc[0])


def test_solved_contribution_rate_meets_its_target():
    inputs = small_inputs()
    sol = solve_for(inputs, "contribution_rate", "min_reserve_ratio", 10, level=2.0, low=0.0, high=1.0,
                    tolerance=1e-7)
    v = run_valuation(apply_overrides(inputs, {"contribution_rate": sol.value}))
    assert v.finance.yearly["reserve_ratio"].min() >= 2.0 - 1e-9
    below = run_valuation(apply_overrides(inputs, {"contribution_rate": sol.value - 1e-5}))
    assert below.finance.yearly["reserve_ratio"].min() < 2.0
    assert sol.iterations > 2 and sol.achieved == pytest.approx(v.finance.yearly["reserve_ratio"].min())


def test_unreachable_target_and_unknown_parameter_are_clear():
    inputs = small_inputs()
    with pytest.raises(SolveError, match="cannot be met"):
        solve_for(inputs, "contribution_rate", "min_reserve_ratio", 10, level=1e6, low=0.0, high=1.0)
    with pytest.raises(OverrideError, match="closest valid names: contribution_rate"):
        solve_for(inputs, "contribution_rat", "min_reserve_ratio", 10, low=0.0, high=1.0)
    with pytest.raises(SolveError, match="unknown target"):
        solve_for(inputs, "contribution_rate", "reserve", 10, low=0.0, high=1.0)


def base_annuity_factors(base):
    """Annuity factors of the base valuation (socsec.model.finance.pension_annuities)."""
    from socsec.model.finance import pension_annuities
    from socsec.model.pension import pension_indexation

    rules, economy = base.inputs.pension.rules, base.economy
    indexation = pension_indexation(rules, economy.column("average_wage_growth"), economy.column("cpi_inflation"))
    from socsec.model.pension import pensioner_exit_rates
    exits = pensioner_exit_rates(rules, base.inputs.pension.assumptions, base.pension.death_probabilities.shape[-1])
    return pension_annuities(economy.column("nominal_return"), indexation, base.pension.death_probabilities, exits)


def population_basis(base):
    """(n, 2, A) death probabilities of persons aged x on 1 January, as the population block survives
    them: 1 - S_{x+1} (S: the survival ratios of the year's life table), 1 - S_omega in the open group."""
    survival = base.population.life_tables.survival
    return np.concatenate([1.0 - survival[..., 1:], 1.0 - survival[..., -1:]], axis=-1)


def test_pension_annuities_equal_the_actuarial_function(base):
    """Capital values use the population block's mortality basis of the year (persons aged x on 1 January
    survive with S_{x+1}) with the pensioner mortality factor, the nominal return and the pension
    indexation: equal to socsec.model.actuarial.annuity_due at every age."""
    from socsec.model.actuarial import annuity_due

    scheme = base.inputs.pension
    qx = population_basis(base)
    factors = base_annuity_factors(base)
    macro = base.economy.macro
    t = 3
    w = scheme.rules.indexation_wage_weight[t]
    g = w * macro["average_wage_growth"][t] + (1 - w) * macro["cpi_inflation"][t]
    for k, factor in ((0, scheme.assumptions.mortality_factor[1]), (1, scheme.assumptions.mortality_factor[2])):
        for sex in (0, 1):
            q = np.minimum(qx[t, sex] * factor[sex], 1.0)
            for age in (0, 20, 25, 29, 30):
                want = annuity_due(q, age, macro["nominal_return"][t], indexation=g)
                assert factors[t, k, sex, age] == pytest.approx(want, rel=1e-12)
    y = base.finance.yearly
    liability = (base.pension.pension_amount[:-1] * factors).sum(axis=(1, 2, 3))
    np.testing.assert_allclose(y["liability_pensions_in_payment"], liability, rtol=1e-12)
    np.testing.assert_allclose(y["funding_ratio_pensions_in_payment"], y["reserve_start"] / liability, rtol=1e-12)


def test_scaled_premium_reserve_ratio_variant_ends_each_period_on_target():
    """Variant: the reserve at the end of each period equals target_ratio x that year's expenditure."""
    from socsec.model.actuarial import scaled_premiums

    rng = np.random.default_rng(5)
    n, length, ratio = 23, 5, 1.5
    S = 1000.0 * 1.03 ** np.arange(n)
    B = 0.1 * S * 1.04 ** np.arange(n)
    i = rng.uniform(0.02, 0.06, n)
    premiums = scaled_premiums(B, S, i, length, initial_reserve=500.0, target_ratio=ratio)
    F = 500.0
    for t in range(n):
        pi = premiums[t // length]
        F = F * (1 + i[t]) + (pi * S[t] - B[t]) * (1 + i[t]) ** 0.5
        if t % length == length - 1 or t == n - 1:
            assert F == pytest.approx(ratio * B[t], rel=1e-10)


def test_finance_uses_the_reserve_ratio_variant(base):
    inputs = base.inputs
    variant = replace(inputs, finance=replace(inputs.finance, scaled_variant="reserve_ratio"))
    a, b = base.finance.indicators, run_valuation(variant).finance.indicators
    rows = a.indicator.str.startswith("scaled_premium_")
    assert not np.allclose(a[rows]["value"], b[rows]["value"])


def test_accrued_pensions_by_hand_and_the_funding_ratio(base):
    """Career average revalued with wages: the history before the base year follows the base-year
    age profile, so the accrued pension of (sex g, age x, service s) is accrual x s x the mean
    base-year insurable wage of ages x-s .. x-1 (their value: tests/test_liabilities.py); the funding
    ratio is the reserve over the pensions in payment and those rights."""
    scheme, pension = base.inputs.pension, base.pension
    assert scheme.rules.reference_earnings == "career_average" and scheme.rules.revaluation == "wages"
    accrued = pension.accrued_pension_base
    w0 = pension.insurable_wage[0]
    for g, x, s in ((0, 27, 5), (1, 29, 10), (0, 22, 1), (1, 30, 15)):
        want = scheme.rules.accrual_rate[0] * s * w0[g, x - s:x].mean()
        assert accrued[g, x, s] == pytest.approx(want, rel=1e-12)
    from socsec.model.finance import accrued_rights_value
    total = accrued_rights_value(pension, base.economy, scheme, base_annuity_factors(base))
    table = base.finance.indicators
    ratio = float(table[table.indicator == "funding_ratio_base_year"]["value"].iloc[0])
    in_payment = base.finance.yearly["liability_pensions_in_payment"][0]
    assert ratio == pytest.approx(base.inputs.finance.initial_reserve / (in_payment + total), rel=1e-12)


@pytest.mark.parametrize("name", sorted(__import__("socsec.model.overrides", fromlist=["registry"]).registry()))
def test_memoised_computations_are_never_stale(base, name):
    """After the base is valued, a valuation with one override gives the same pension and financing
    tables as with empty caches (socsec.cache: the key holds every value the memoised
    computations read: annuity factors, replacement rates, death probabilities of the scheme)."""
    from socsec import cache
    from socsec.model.overrides import lookup

    def made(valuation):  # every table made (the memoised parts are computed on first use)
        for table in ("replacement", "indicators", "yearly"):
            getattr(valuation.finance, table)
        return valuation

    inputs = apply_overrides(base.inputs, {name: valid_override_value(lookup(name))})
    made(run_valuation(base.inputs))  # the base's values in the memo
    warm = made(run_valuation(inputs))
    cache.clear()
    cold = run_valuation(inputs)
    pd.testing.assert_frame_equal(warm.pension.summary, cold.pension.summary, check_exact=True)
    for table in ("replacement", "indicators", "yearly"):
        pd.testing.assert_frame_equal(getattr(warm.finance, table), getattr(cold.finance, table), check_exact=True)


def test_indicator_gaps_equal_the_general_average_premium_function(base):
    """The financing block computes its GAPs from discount factors of the full horizon: the same
    numbers as socsec.model.actuarial.general_average_premium on the first h years."""
    from socsec.model.actuarial import general_average_premium

    y = base.finance.yearly
    cost = (y["expenditure"] - y["state_subsidy"]).to_numpy()
    S, i = y["insurable_earnings"].to_numpy(), y["nominal_return"].to_numpy()
    F0 = base.inputs.finance.initial_reserve
    rows = base.finance.indicators[base.finance.indicators["indicator"].isin(["gap", "gap_with_target"])]
    assert len(rows) >= 2
    for _, row in rows.iterrows():
        h = int(row["horizon"])
        target = base.inputs.finance.target_ratio * y["expenditure"].iloc[h - 1] if row["indicator"] != "gap" else 0.0
        assert row["value"] == pytest.approx(general_average_premium(cost[:h], S[:h], i[:h], F0, target), rel=1e-14)
    assert y["general_average_premium"].iloc[0] == pytest.approx(general_average_premium(cost, S, i, F0), rel=1e-14)


def test_one_indicator_is_read_without_the_capital_values_unless_it_is_one(base):
    """FinanceProjection.indicator gives every row of the indicators table; a GAP is read without
    computing the capital values of pensions (made on first use), a funding ratio computes them."""
    finance = run_valuation(base.inputs).finance
    n = len(finance.columns["year"])
    gap = finance.indicator("gap", n)
    assert "capital_values" not in finance.__dict__
    assert finance.indicator("funding_ratio_base_year", 1) > 0 and "capital_values" in finance.__dict__
    table = finance.indicators
    for name, horizon, value in zip(table["indicator"], table["horizon"], table["value"]):
        got = finance.indicator(name, horizon)
        assert got == value or (np.isnan(got) and np.isnan(value)), (name, horizon)
    assert gap == float(table[(table["indicator"] == "gap") & (table["horizon"] == n)]["value"].iloc[0])
    with pytest.raises(KeyError):
        finance.indicator("gap", n + 1)


def test_scaled_rates_kernel_equals_its_twin():
    """core.finance.scaled_rates_kernel (behind model.actuarial.scaled_premiums and the finance block's scaled
    premiums and their legislated equivalents) against its twin, which rolls the reserve forward at rates 0
    and 1, on random series: both conditions, a legislated expenditure slope, periods that fix no rate (no
    earnings; an interest rate near -100% in a last year) and NaN inputs."""
    from socsec.core.finance import scaled_rates_kernel, scaled_rates_reference

    rng = np.random.default_rng(11)
    undefined = 0
    for case in range(300):
        n, period = int(rng.integers(1, 40)), int(rng.integers(1, 12))
        cost, earnings = rng.uniform(50, 150, n), rng.uniform(500, 1500, n)
        interest = rng.uniform(-0.05, 0.1, n)
        if case % 7 == 1:
            earnings[rng.integers(0, n):] = 0.0  # no earnings from some year on
        if case % 11 == 2:
            interest[rng.integers(0, n)] = -0.999999
        if case % 13 == 3:
            cost[rng.integers(0, n)] = np.nan
        ratio = [np.nan, 0.0, 1.5][case % 3]
        expenditure, slope = cost * 1.02, rng.uniform(0.0, 0.05, n) * earnings
        out = np.empty(-(-n // period))
        first = scaled_rates_kernel(cost, earnings, interest, period, 700.0, ratio, expenditure, slope, out)
        want, want_first = scaled_rates_reference(cost, earnings, interest, period, 700.0, ratio, expenditure, slope)
        np.testing.assert_allclose(out, want, rtol=1e-9, atol=1e-12)
        if not np.isnan(cost).any():  # with NaN inputs, which period is reported is not defined
            assert first == want_first
            undefined += first >= 0
    assert undefined >= 20  # the cases without a rate are exercised
