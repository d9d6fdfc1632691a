"""The survivors and clipped-lognormal kernels against their numpy twins; extend_horizon and
truncate_horizon."""


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socsec.core import pension as kp
from socsec.model.horizon import extend_horizon
from socsec.model.valuation import run_valuation
from workbook_fixtures import leaves, small_inputs, valid_override_value


@settings(max_examples=25, deadline=None)
@given(A=st.integers(3, 40), seed=st.integers(0, 2**32 - 1))
def test_survivors_kernel_equals_numpy_twin(A, seed):
    rng = np.random.default_rng(seed)
    args = (rng.uniform(0, 50, (2, A)) * (rng.random((2, A)) < 0.7), rng.uniform(0, 1e5, (2, A)),
            rng.uniform(0, 1, (2, A)), rng.uniform(0, 3, (2, A)), rng.integers(-8, 8, 2).astype(float),
            rng.integers(15, 40, 2).astype(float), rng.uniform(0, 1), rng.uniform(0, 0.5), rng.uniform(0, 0.6),
            rng.uniform(0.5, 1.5), int(rng.integers(1, A + 5)))
    out = [np.zeros((2, A)) for _ in range(4)]
    kp.survivors_kernel(*args, *out)
    for got, want in zip(out, kp.survivors_reference(*args)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)


def yearly_values(inputs, changed):
    """(name, value in ``inputs``, value in ``changed``) of every array of ``inputs`` whose first axis
    has one value per projection year (found by its length, independently of the fields' declarations);
    the test of extend_horizon then fails for an undeclared one."""
    n = len(inputs.population.years)
    for (path, old), (_, new) in zip(leaves(inputs), leaves(changed)):
        if isinstance(old, np.ndarray) and old.ndim and old.shape[0] == n:
            yield path, old, np.asarray(new)


def test_extend_horizon_holds_the_last_year_and_keeps_the_first_years():
    inputs = small_inputs()
    longer = extend_horizon(inputs, inputs.population.final_year + 5)
    n = len(inputs.population.years)
    assert len(longer.population.years) == n + 5
    for name, old, ext in yearly_values(inputs, longer):
        np.testing.assert_array_equal(ext[:n], old, err_msg=name)
        np.testing.assert_array_equal(ext[n:], np.repeat(old[-1:], 5, axis=0), err_msg=name)
    short, long = run_valuation(inputs), run_valuation(longer)
    np.testing.assert_allclose(long.population.population[: n + 1], short.population.population, rtol=1e-12)
    np.testing.assert_allclose(long.pension.summary["contributions"][:n],
                               short.pension.summary["contributions"], rtol=1e-12)
    assert all(check.ok for check in long.checks)


def lognormal_clipped_by_quadrature(mean, cv, floor, ceiling):
    """E[min(max(W, floor), ceiling)] for lognormal W by the trapezoidal rule on a fine grid of ln W
    (independent of the closed form of the kernel)."""
    sigma = np.sqrt(np.log1p(cv * cv))
    mu = np.log(mean) - 0.5 * sigma * sigma
    z = np.linspace(-12, 12, 400_001)
    w = np.exp(mu + sigma * z)
    clipped = np.maximum(w, floor) if floor > 0 else w
    clipped = np.minimum(clipped, ceiling) if ceiling > 0 else clipped
    return np.trapezoid(clipped * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi), z)


def test_clipped_lognormal_mean_kernel_equals_twin_and_quadrature():
    mean = np.array([[500.0, 1000.0, 2500.0, 0.0], [800.0, 4000.0, 12000.0, 1e-3]])
    for cv, floor, ceiling in ((0.0, 0.0, 0.0), (0.0, 900.0, 3000.0), (0.6, 0.0, 3000.0), (0.6, 700.0, 0.0),
                               (1.3, 700.0, 3000.0), (0.2, 0.0, 0.0)):
        got = np.full_like(mean, np.nan)
        kp.clipped_lognormal_mean_kernel(mean, cv, floor, ceiling, got)
        np.testing.assert_allclose(got, kp.clipped_lognormal_mean_reference(mean, cv, floor, ceiling), rtol=1e-13)
        for r, c in np.ndindex(mean.shape):
            if mean[r, c] <= 0:
                assert got[r, c] == 0.0 or cv == 0.0
            elif cv == 0.0:
                assert got[r, c] == min(max(mean[r, c], floor) if floor else mean[r, c], ceiling or np.inf)
            else:
                want = lognormal_clipped_by_quadrature(mean[r, c], cv, floor, ceiling)
                assert got[r, c] == pytest.approx(want, rel=1e-9), (cv, floor, ceiling, mean[r, c])


def test_normal_cdf_reference_known_values():
    probe = np.array([0.0, 1.959963984540054, -1.0])
    np.testing.assert_allclose(kp.normal_cdf_reference(probe), [0.5, 0.975, 0.15865525393145707],
                               rtol=1e-12)  # standard normal tables


@pytest.fixture(scope="module")
def jordan_valuations():
    from socsec.model.example_jordan import jordan_inputs
    return jordan_inputs()


@pytest.mark.parametrize("name", [None] + sorted(__import__("socsec.model.overrides", fromlist=["registry"]).registry()))
def test_a_shorter_projection_gives_the_indicators_of_its_first_years(jordan_valuations, name):
    """truncate_horizon: the projection is causal, so the GAPs and summarised rates over h years of
    a projection of h years are those of the full projection (the example, 76 years), whatever the
    override; so are the yearly results but the full-horizon GAP column and the last year's entrants."""
    from socsec.model.horizon import truncate_horizon
    from socsec.model.overrides import apply_overrides, lookup

    inputs = jordan_valuations if name is None else apply_overrides(jordan_valuations, {name: valid_override_value(lookup(name))})
    full = run_valuation(inputs)
    first_years = full.finance.first_years  # as the financing block declares them
    assert {"gap", "gap_with_target", "gap_equivalent_contribution_rate", "summarised_income_rate",
            "summarised_cost_rate", "actuarial_balance"} <= first_years
    for h in (25, 50):
        short = run_valuation(truncate_horizon(inputs, inputs.population.base_year + h - 1))
        assert [c.ok for c in short.checks] == [c.ok for c in full.checks], name  # some values are extreme
        for table in (full.finance.indicators, short.finance.indicators):
            assert set(first_years) <= set(table["indicator"])
        want = full.finance.indicators.set_index(["indicator", "horizon"])["value"]
        got = short.finance.indicators.set_index(["indicator", "horizon"])["value"]
        for indicator in first_years:
            assert got[(indicator, h)] == pytest.approx(want[(indicator, h)], rel=1e-13, abs=1e-15), (name, h, indicator)
        kept = full.pension.summary.iloc[:h - 1].reset_index(drop=True)  # the last year's entrants look ahead
        pd.testing.assert_frame_equal(short.pension.summary.iloc[:h - 1], kept, rtol=1e-13)


def test_truncate_horizon_keeps_the_first_years_and_refuses_other_years():
    from socsec.model.horizon import truncate_horizon

    inputs = small_inputs()
    short = truncate_horizon(inputs, inputs.population.base_year + 3)
    assert short.population.final_year == inputs.population.base_year + 3
    for name, old, cut in yearly_values(inputs, short):
        np.testing.assert_array_equal(cut, old[:4], err_msg=name)
    for bad in (inputs.population.base_year - 1, inputs.population.final_year + 1):
        with pytest.raises(ValueError, match="outside the projection"):
            truncate_horizon(inputs, bad)
