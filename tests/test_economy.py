"""Labour force and macro frame: identities, kernels against numpy twins, scaling, options."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socsec.core import economy as ce
from socsec.core import labour as cl
from socsec.model.inputs import ModelInputs
from socsec.model.valuation import run_valuation
from workbook_fixtures import small_inputs


@pytest.fixture(scope="module")
def valuation():
    return run_valuation(small_inputs())


def test_wage_growth_identity(valuation):
    eco, macro = valuation.inputs.economy, valuation.economy.macro
    expected = (1 + eco.productivity_growth) * (1 + eco.deflator_inflation) * (1 + eco.wage_share_change)
    np.testing.assert_allclose(1 + macro["average_wage_growth"], expected, rtol=1e-12, atol=0)
    wages = macro["average_wage"].to_numpy()
    np.testing.assert_allclose(wages[1:] / wages[:-1], expected[1:], rtol=1e-12, atol=0)
    assert wages[0] == eco.base_average_wage


def test_nominal_gdp_is_real_gdp_times_deflator(valuation):
    macro = valuation.economy.macro
    np.testing.assert_allclose(macro["nominal_gdp"], macro["real_gdp"] * macro["gdp_deflator_index"],
                               rtol=1e-12, atol=0)
    deflator = valuation.inputs.economy.deflator_inflation
    np.testing.assert_allclose(macro["gdp_deflator_index"], np.cumprod(np.r_[1.0, 1 + deflator[1:]]), rtol=1e-12)


def test_real_gdp_growth_is_productivity_times_employment_growth(valuation):
    macro = valuation.economy.macro
    expected = (1 + macro["productivity_growth"]) * (1 + macro["employment_growth"]) - 1
    np.testing.assert_allclose(macro["real_gdp_growth"][1:], expected[1:], rtol=1e-12, atol=1e-15)
    assert macro["real_gdp"].iloc[0] == valuation.inputs.economy.base_gdp


def test_labour_force_is_employed_plus_unemployed(valuation):
    e = valuation.economy
    np.testing.assert_allclose(e.labour_force, e.employed + e.unemployed, rtol=1e-12, atol=1e-9)
    summary = e.labour_summary
    np.testing.assert_allclose(summary["labour_force"], summary["employed"] + summary["unemployed"], rtol=1e-12)


def test_aggregate_unemployment_rate_equals_input_despite_age_factors(valuation):
    e, eco = valuation.economy, valuation.inputs.economy
    rate = e.unemployed.sum(axis=2) / e.labour_force.sum(axis=2)
    np.testing.assert_allclose(rate, eco.unemployment, rtol=1e-12)
    # young people (group from 15, factor 2 for men) at twice the rate of those 25+ (factor 1)
    u = e.unemployed[:, 0, 15:] / e.labour_force[:, 0, 15:]
    np.testing.assert_allclose(u[:, 20 - 15] / u[:, 28 - 15], 2.0, rtol=1e-12)


def test_participation_interpolated_between_anchors_and_constant_after(valuation):
    lfpr = valuation.economy.lfpr  # anchors 2030 and 2035 (female 0.6 and 0.7 of the profile)
    np.testing.assert_allclose(lfpr[2, 1, 30], 0.7 * (0.6 + 0.4 * 0.1), rtol=1e-12)
    np.testing.assert_allclose(lfpr[9, 1, 30], 0.7 * 0.7, rtol=1e-12)


def test_doubling_the_population_doubles_stocks_and_keeps_rates():
    base = small_inputs()
    pop = base.population
    doubled = ModelInputs(replace(pop, base_population=2 * pop.base_population,
                                  net_migrants=2 * pop.net_migrants), base.economy, base.pension, base.finance)
    v1, v2 = run_valuation(base), run_valuation(doubled)
    for name in ("labour_force", "employed", "unemployed", "employees", "formal"):
        np.testing.assert_allclose(getattr(v2.economy, name), 2 * getattr(v1.economy, name), rtol=1e-12)
    for column in ("unemployment_rate", "participation_15_64_male", "participation_15_64_female"):
        np.testing.assert_allclose(v2.economy.labour_summary[column], v1.economy.labour_summary[column], rtol=1e-12)
    for column in ("real_gdp_growth", "employment_growth", "average_wage_growth", "real_wage_growth",
                   "nominal_return", "real_return", "real_gdp", "average_wage"):
        np.testing.assert_allclose(v2.economy.macro[column], v1.economy.macro[column], rtol=1e-12)
    # the labour share (wage bill / GDP) doubles with twice the employees and the same base GDP,
    # and is unchanged when the base-year GDP doubles with the population
    np.testing.assert_allclose(v2.economy.macro["labour_share"], 2 * v1.economy.macro["labour_share"], rtol=1e-12)
    both = ModelInputs(doubled.population, replace(base.economy, base_gdp=2 * base.economy.base_gdp), base.pension,
                       base.finance)
    np.testing.assert_allclose(run_valuation(both).economy.macro["labour_share"],
                               v1.economy.macro["labour_share"], rtol=1e-12)


def test_options_direct_wage_growth_and_real_return():
    base = small_inputs(economy={"wage_growth_input": "direct", "return_input": "real"})
    macro = run_valuation(base).economy.macro
    eco = base.economy
    np.testing.assert_allclose(macro["average_wage_growth"], eco.wage_growth, rtol=1e-15)
    np.testing.assert_allclose(1 + macro["nominal_return"], (1 + eco.investment_return) * (1 + eco.cpi_inflation),
                               rtol=1e-12)
    np.testing.assert_allclose(macro["real_return"], eco.investment_return, rtol=1e-12)


def test_numpy_engine_gives_the_same_valuation(valuation):
    ref = run_valuation(valuation.inputs, engine="numpy")
    for name in ("labour_force", "employed", "unemployed", "employees", "formal"):
        np.testing.assert_allclose(getattr(ref.economy, name), getattr(valuation.economy, name), rtol=1e-12, atol=0)
    for column in valuation.economy.macro.columns:
        np.testing.assert_allclose(ref.economy.macro[column], valuation.economy.macro[column], rtol=1e-12, atol=0)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 12), A=st.integers(3, 30), seed=st.integers(0, 2**32 - 1))
def test_labour_kernel_equals_numpy_twin(n, A, seed):
    rng = np.random.default_rng(seed)
    args = (rng.uniform(0, 1e5, (n, 2, A)), rng.uniform(0, 1, (n, 2, A)), rng.uniform(0, 0.3, (n, 2)),
            rng.uniform(0.2, 3, (2, A)), rng.uniform(0, 1, (n, 2)), rng.uniform(0, 1, (n, 2)))
    out = [np.empty((n, 2, A)) for _ in range(5)]
    cl.labour_force_kernel(*args, *out)
    for got, want in zip(out, cl.labour_force_reference(*args)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 40), seed=st.integers(0, 2**32 - 1))
def test_macro_kernel_equals_numpy_twin_and_a_plain_loop(n, seed):
    rng = np.random.default_rng(seed)
    rates = [rng.uniform(-0.05, 0.2, n) for _ in range(4)]
    employment = rng.uniform(1e5, 2e5, n)
    out = [np.empty(n) for _ in range(6)]
    ce.macro_kernel(*rates, employment, 5e9, 1e4, *out)
    for got, want in zip(out, ce.macro_reference(*rates, employment, 5e9, 1e4)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    productivity, cpi, _, wage = rates
    wage_level, real_gdp, prod_index = 1e4, [], 1.0
    for t in range(n):
        if t:
            wage_level *= 1 + wage[t]
            prod_index *= 1 + productivity[t]
        real_gdp.append(5e9 * employment[t] / employment[0] * prod_index)
        assert out[5][t] == pytest.approx(wage_level, rel=1e-12)
    np.testing.assert_allclose(out[3], real_gdp, rtol=1e-12)
