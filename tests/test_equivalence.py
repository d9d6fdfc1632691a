"""Each numba kernel equals its numpy twin, and the whole model gives the same with both engines.

Inputs are random but realistic (hypothesis): Gompertz-Makeham death rates with noise, infant
separation factors 0.05-0.35, fertility on a block of ages, sex ratio 1.00-1.10, and net
migration from negligible to large negative/positive, for 3..40 ages and 1..8 years.
Tolerance: 1e-12 relative to the largest absolute value of each output array (the twins
differ only in summation order, e.g. numpy's pairwise ``sum``).  Deaths are computed as a
residual, ``sum P' + B - sum N``, so their rounding is relative to the population stock, not to
the deaths (with very low mortality and A = 3, deaths are ~1e-6 of the stock and the twins'
different summation orders differ by ~5e-11 of the deaths); their scale is the largest stock.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from socsec.core import lifetable as lt
from socsec.core import population as cp
from socsec.model.population import PopulationAssumptions, project_population

RTOL = 1e-12
SETTINGS = settings(max_examples=25, deadline=None)


def assert_twins(kernel, reference, name="", scale=None):
    kernel = np.asarray(kernel, dtype=float)
    reference = np.asarray(reference, dtype=float)
    assert kernel.shape == reference.shape, name
    assert np.all(np.isfinite(kernel)) and np.all(np.isfinite(reference)), name
    if scale is None:
        scale = np.abs(reference).max(initial=0.0)
    scale = max(scale, np.finfo(float).tiny)
    err = np.abs(kernel - reference).max(initial=0.0) / scale
    assert err <= RTOL, f"{name}: relative difference {err:.2e}"


@st.composite
def mortality(draw, n_rows, A):
    """(n_rows, A) central death rates and (n_rows,) a_0."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    a = draw(st.floats(1e-6, 1e-3))
    b = draw(st.floats(0.03, 0.3))     # high b keeps small omega realistic
    c = draw(st.floats(0.0, 2e-3))
    infant = draw(st.floats(0.0, 0.1))
    x = np.arange(A)
    base = c + a * np.exp(b * x)
    base[0] += infant
    mx = base * rng.uniform(0.8, 1.25, (n_rows, A))
    mx = np.minimum(mx, 1.5)
    ax0 = rng.uniform(0.05, 0.35, n_rows)
    return np.ascontiguousarray(mx), ax0


@st.composite
def projection_inputs(draw):
    A = draw(st.integers(3, 40))
    n = draw(st.integers(1, 8))
    mx, ax0 = draw(mortality(2 * n, A))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.0, 1e6, (2, A))
    asfr = np.zeros((n, A))
    lo = draw(st.integers(1, A - 1))
    hi = draw(st.integers(lo, A - 1))
    asfr[:, lo:hi + 1] = rng.uniform(0.0, 0.3, (n, hi - lo + 1))
    srb = rng.uniform(1.0, 1.1, n)
    mig_scale = draw(st.sampled_from([0.0, 1e2, 1e4, 3e5]))
    mig_bias = draw(st.floats(-1.0, 1.0))
    mig = mig_scale * (mig_bias + rng.standard_normal((n, 2, A)))
    return dict(base=base, asfr=asfr, srb=srb, mx=mx.reshape(n, 2, A), ax0=ax0.reshape(n, 2), mig=mig)


@SETTINGS
@given(st.integers(2, 40).flatmap(lambda A: st.integers(1, 6).flatmap(lambda n: mortality(n, A))))
def test_life_table_kernel(args):
    mx, ax0 = args
    outs = [np.empty_like(mx) for _ in range(6)]
    lt.life_table_kernel(mx, ax0, *outs)
    for name, k, r in zip(("qx", "lx", "dx", "Lx", "Tx", "ex"), outs, lt.life_table_reference(mx, ax0)):
        assert_twins(k, r, name)


@SETTINGS
@given(st.integers(2, 40).flatmap(lambda A: st.integers(1, 6).flatmap(lambda n: mortality(n, A))))
def test_survival_ratios_kernel(args):
    mx, ax0 = args
    _, _, _, Lx, Tx, _ = lt.life_table_reference(mx, ax0)
    out = np.empty_like(Lx)
    lt.survival_ratios_kernel(Lx, Tx, out)
    assert_twins(out, lt.survival_ratios_reference(Lx, Tx), "S")


def test_survival_ratios_zero_denominators():
    """Both twins give 0 where L_{x-1} or T_{omega-1} is 0 (e.g. extinct cohorts)."""
    Lx = np.array([[0.9, 0.0, 0.0, 0.0], [0.9, 0.5, 0.2, 0.1]])
    Tx = np.cumsum(Lx[:, ::-1], axis=1)[:, ::-1].copy()
    out = np.empty_like(Lx)
    lt.survival_ratios_kernel(Lx, Tx, out)
    ref = lt.survival_ratios_reference(Lx, Tx)
    np.testing.assert_array_equal(out, ref)
    np.testing.assert_array_equal(out[0], [0.9, 0.0, 0.0, 0.0])


@SETTINGS
@given(projection_inputs(), st.booleans())
def test_project_population_kernel(inp, even):
    n, _, A = inp["mx"].shape
    _, _, _, Lx, Tx, _ = lt.life_table_reference(inp["mx"].reshape(2 * n, A), inp["ax0"].reshape(-1))
    surv = lt.survival_ratios_reference(Lx, Tx).reshape(n, 2, A)
    pop = np.empty((n + 1, 2, A))
    births = np.empty((n, 2))
    deaths = np.empty((n, 2))
    cp.project_population_kernel(inp["base"], inp["asfr"], inp["srb"], surv, inp["mig"], even, pop, births, deaths)
    ref = cp.project_population_reference(inp["base"], inp["asfr"], inp["srb"], surv, inp["mig"], even)
    assert_twins(pop, ref[0], "pop")
    assert_twins(births, ref[1], "births")
    assert_twins(deaths, ref[2], "deaths", scale=np.abs(ref[0]).sum(axis=2).max())


# Dependency ratios divide by empty age ranges when omega < 65 (nan/inf, with a RuntimeWarning).
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@SETTINGS
@given(projection_inputs(), st.sampled_from(["even", "end"]), st.booleans())
def test_project_population_engines(inp, timing, given_ax):
    a = PopulationAssumptions(
        base_year=2020, base_population=inp["base"], asfr=inp["asfr"], srb=inp["srb"], mx=inp["mx"],
        net_migrants=inp["mig"], migration_timing=timing, infant_ax=inp["ax0"] if given_ax else None,
    )
    fast = project_population(a, engine="numba")
    slow = project_population(a, engine="numpy")
    assert_twins(fast.population, slow.population, "population")
    assert_twins(fast.births, slow.births, "births")
    stock = np.abs(slow.population).sum(axis=2).max()
    assert_twins(fast.deaths, slow.deaths, "deaths", scale=stock)
    for col in ("qx", "lx", "dx", "Lx", "Tx", "ex", "survival"):
        assert_twins(getattr(fast.life_tables, col), getattr(slow.life_tables, col), col)
    assert list(fast.summary.columns) == list(slow.summary.columns)
    for col in fast.summary.columns:
        k, r = fast.summary[col].to_numpy(float), slow.summary[col].to_numpy(float)
        ok = np.isfinite(r)  # ratios over empty age ranges are nan or inf when omega is small
        np.testing.assert_array_equal(k[~ok], r[~ok], err_msg=col)
        if col.startswith("deaths"):
            assert_twins(k[ok], r[ok], col, scale=stock)
        elif col.startswith("crude_death"):  # deaths / mid-year population x 1000
            assert_twins(k[ok], r[ok], col, scale=1000.0 * stock / np.abs(slow.summary["population_midyear"]).min())
        elif col == "median_age":
            # (half - cum_below) / P_x: rounding in the cumulated stock is amplified by
            # total / P_x when the median falls in a thinly populated age; 1e-6 years.
            np.testing.assert_allclose(k[ok], r[ok], rtol=0, atol=1e-6, err_msg=col)
        else:
            assert_twins(k[ok], r[ok], col)
