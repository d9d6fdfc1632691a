"""The survivors and flow-totals kernels against their numpy twins; extend_horizon."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from socsec.core import pension as kp
from socsec.model.horizon import YEARLY_FIELDS, extend_horizon
from socsec.model.valuation import run_valuation
from workbook_fixtures import small_inputs


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


@settings(max_examples=25, deadline=None)
@given(A=st.integers(3, 40), seed=st.integers(0, 2**32 - 1))
def test_flow_totals_kernel_equals_numpy_twin(A, seed):
    rng = np.random.default_rng(seed)
    active = rng.uniform(0, 100, (2, A, A))
    flows = [rng.uniform(0, 5, (2, A, A)) for _ in range(7)]
    density = rng.uniform(0, 1, (2, A))
    by_age, totals = np.full((7, 2, A), np.nan), np.full(2, np.nan)
    kp.flow_totals_kernel(active, *flows, density, by_age, totals)
    want_by_age, want_totals = kp.flow_totals_reference(active, *flows, density)
    np.testing.assert_allclose(by_age, want_by_age, rtol=1e-12)
    np.testing.assert_allclose(totals, want_totals, rtol=1e-12)


def test_extend_horizon_holds_the_last_year_and_keeps_the_first_years():
    inputs = small_inputs()
    longer = extend_horizon(inputs, inputs.population.final_year + 5)
    n = len(inputs.population.years)
    assert len(longer.population.years) == n + 5
    for path, names in YEARLY_FIELDS.items():
        block, new = inputs, longer
        for part in path.split("."):
            block, new = getattr(block, part), getattr(new, part)
        for name in names:
            old, ext = getattr(block, name), getattr(new, name)
            if old is None:
                continue
            np.testing.assert_array_equal(ext[:n], old, err_msg=f"{path}.{name}")
            np.testing.assert_array_equal(ext[n:], np.repeat(np.asarray(old)[-1:], 5, axis=0), err_msg=name)
    short, long = run_valuation(inputs), run_valuation(longer)
    np.testing.assert_allclose(long.population.population[: n + 1], short.population.population, rtol=1e-12)
    np.testing.assert_allclose(long.pension.summary["contributions"][:n],
                               short.pension.summary["contributions"], rtol=1e-12)
    assert all(check.ok for check in long.checks)


def test_normal_cdf_kernel_equals_its_twin_and_known_values():
    z = np.linspace(-8, 8, 34).reshape(2, 17)
    out = np.empty_like(z)
    kp.normal_cdf_kernel(z, out)
    np.testing.assert_allclose(out, kp.normal_cdf_reference(z), rtol=1e-15, atol=0)
    probe = np.array([[0.0, 1.959963984540054, -1.0]])
    kp.normal_cdf_kernel(probe, got := np.empty_like(probe))
    np.testing.assert_allclose(got, [[0.5, 0.975, 0.15865525393145707]], rtol=1e-12)  # standard normal tables
