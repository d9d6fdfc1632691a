"""Cohort-component projection (docs/methodology.md section 6): accounting identity, stationary and
stable population theory, and a regression test for reading uninitialised memory.

Life tables use radix l_0 = 1, so L_x is person-years per birth.  For a sex with B births a
year and fixed mortality, the stationary population is ``B L_x`` at ages x < omega and
``B T_omega`` in the open group; our projection has exactly this as a fixed point when
NRR = sum_x f_x L^F_x / (1 + SRB) = 1 (the averaged start/end exposure ``(W_x + W^N_x) / 2`` is
``B L_x`` for both terms).  In a stable population with yearly growth factor lambda the female
stock at 1 January of year T is ``W_x = B^F_{T-1} L_x lambda^-x`` and births satisfy
``sum_x f^F_x L_x (lambda^-x + lambda^-(x+1)) / 2 = 1`` (exact for this discrete model); Lotka's
continuous equation sum_x e^{-r(x+1/2)} L_x f^F_x = 1 (docs/methodology.md 13.7) gives a root that differs
from log(lambda) by about r^2 / (8 mu), mu the mean age at childbearing (2e-6 at r = 0.017).
"""

import dataclasses
import sys

import freed_memory
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import brentq

import wpp2019_data as wpp
from socsec.core import lifetable as lt
from socsec.core import population as cp
from socsec.model.population import PopulationAssumptions, compute_life_tables, project_population

ACCOUNTING_RTOL = 1e-9


# ---------------------------------------------------------------- helpers

def realistic_mx(rng, A, sexes=2):
    """Gompertz-Makeham rates reaching 0.25-0.8 at the open age, with infant mortality."""
    x = np.arange(A)
    out = np.empty((sexes, A))
    for s in range(sexes):
        a = rng.uniform(1e-5, 2e-4)
        b = np.log(rng.uniform(0.25, 0.8) / a) / (A - 1)
        out[s] = rng.uniform(0.0, 1e-3) + a * np.exp(b * x)
        out[s, 0] += rng.uniform(0.0, 0.05)
    return out


def tables(mx, ax0):
    qx, lx, dx, Lx, Tx, ex = lt.life_table_reference(mx, ax0)
    return Lx, Tx, lt.survival_ratios_reference(Lx, Tx)


def bell_fertility(A, lo, hi):
    f = np.zeros(A)
    ages = np.arange(lo, hi)
    u = (ages - lo + 0.5) / len(ages)
    f[ages] = u * (1.0 - u)
    return f


def run_kernel(base, asfr, srb, surv, mig, even):
    n, A = asfr.shape
    pop = np.empty((n + 1, 2, A))
    births = np.empty((n, 2))
    deaths = np.empty((n, 2))
    cp.project_population_kernel(base, asfr, srb, surv, mig, even, pop, births, deaths)
    return pop, births, deaths


def assert_accounting(pop, births, deaths, mig_by_sex):
    """P_{t+1} = P_t + B - D + M by sex and year, relative to the size of the terms."""
    start = pop[:-1].sum(axis=2)
    end = pop[1:].sum(axis=2)
    resid = end - (start + births - deaths + mig_by_sex)
    size = np.abs(start) + np.abs(births) + np.abs(deaths) + np.abs(mig_by_sex)
    worst = (np.abs(resid) / size).max()
    assert worst < ACCOUNTING_RTOL, f"accounting residual {worst:.2e}"
    return worst


# ---------------------------------------------------------------- accounting identity

@pytest.mark.parametrize("timing", ["end", "even"])
def test_accounting_identity_canada(timing):
    """UN Canada 1950-2019 inputs, both timings, plus a scenario with heavy emigration."""
    d = wpp.canada()
    mig = d["net_migrants"].copy()
    a = PopulationAssumptions(wpp.BASE_YEAR, d["base_pop"], d["asfr"], d["srb"], d["lt"]["mx"], mig,
                              timing, d["infant_ax"], "CAN")
    heavy = mig.copy()
    heavy[10:30] = -0.3 * d["un_pop"][11:31]   # 1960-1979: 30% of every age group emigrates
    heavy[30:35] = -3.0 * d["un_pop"][31:36]   # 1980-1984: 3x the stock leaves
    worst = []
    for assumptions in (a, dataclasses.replace(a, net_migrants=heavy)):
        for engine in ("numba", "numpy"):
            p = project_population(assumptions, engine)
            worst.append(assert_accounting(p.population, p.births, p.deaths, assumptions.net_migrants.sum(axis=2)))
            s = p.summary
            flows = (s["births"] - s["deaths"] + s["net_migration"]).to_numpy()
            stock = p.population.sum(axis=(1, 2))
            np.testing.assert_allclose(stock[1:] - stock[:-1], flows, rtol=0,
                                       atol=ACCOUNTING_RTOL * np.abs(stock).max())
    # The model does not floor populations at zero (the UN's ccmppWPP sets negative cells to
    # 0.0005, which breaks the identity); with 3x emigration the stock goes negative and the
    # identity still holds.
    assert p.population.min() < 0
    print(f"{timing}: worst accounting residual {max(worst):.1e}")


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 60), st.integers(1, 12), st.booleans(),
       st.sampled_from([0.0, 0.1, 1.0, 5.0]))
def test_accounting_identity_random(seed, A, n, even, emigration):
    """Random stocks and rates; net migration up to 5x the stock, negative."""
    rng = np.random.default_rng(seed)
    mx = np.concatenate([realistic_mx(rng, A) for _ in range(n)])
    _, _, surv = tables(mx, rng.uniform(0.05, 0.35, 2 * n))
    base = rng.uniform(0.0, 1e5, (2, A))
    asfr = np.zeros((n, A))
    asfr[:, A // 4: A // 2 + 1] = rng.uniform(0.0, 0.2, (n, A // 2 + 1 - A // 4))
    mig = rng.normal(0.0, 1e3, (n, 2, A)) - emigration * rng.uniform(0.0, 1e5, (n, 2, A))
    pop, births, deaths = run_kernel(base, asfr, rng.uniform(1.0, 1.1, n), surv.reshape(n, 2, A), mig, even)
    assert np.isfinite(pop).all()
    assert_accounting(pop, births, deaths, mig.sum(axis=2))


# ---------------------------------------------------------------- stationary population

@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 101), st.booleans())
def test_stationary_population_is_a_fixed_point(seed, A, even):
    """Start at B L_x (B T_omega in the open group) with NRR = 1 and no migration: nothing moves."""
    rng = np.random.default_rng(seed)
    mx = realistic_mx(rng, A)
    Lx, Tx, surv = tables(mx, rng.uniform(0.05, 0.35, 2))
    srb = rng.uniform(1.0, 1.1)
    lo = int(rng.integers(1, A))                      # fertility on ages lo..hi-1, never age 0
    f = bell_fertility(A, lo, int(rng.integers(lo + 1, A + 1)))
    f /= (f * Lx[1]).sum() / (1.0 + srb)              # NRR = 1
    female_births = rng.uniform(1e2, 1e6)
    B = np.array([srb * female_births, female_births])
    base = B[:, None] * Lx
    base[:, -1] = B * Tx[:, -1]
    n = 50
    pop, births, deaths = run_kernel(base, np.tile(f, (n, 1)), np.full(n, srb), np.tile(surv, (n, 1, 1)),
                                     np.zeros((n, 2, A)), even)
    np.testing.assert_allclose(pop, np.broadcast_to(base, pop.shape), rtol=1e-12, atol=0)
    np.testing.assert_allclose(births, np.broadcast_to(B, births.shape), rtol=1e-12)
    np.testing.assert_allclose(deaths, births, rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(20, 101))
def test_convergence_to_stationary_population(seed, A):
    """Arbitrary start, NRR = 1, fixed mortality, no migration: after 2000 years the stock is
    B L_x (B T_omega at omega) with B the constant number of births.  With realistic old-age
    mortality (m_omega >= 0.25) and a bell-shaped fertility schedule over 25-40% of the ages,
    the worst distance seen after 1000 years was 2.8e-9 (about 1e-15 after 2000); tolerance 1e-9 of
    the largest age group.  A wrong survival ratio, age shift or open-group rule moves the
    limit by far more (e.g. S_omega = L_omega/L_{omega-1} changes the open group by >10%).
    """
    rng = np.random.default_rng(seed)
    mx = realistic_mx(rng, A)
    Lx, Tx, surv = tables(mx, rng.uniform(0.05, 0.35, 2))
    srb = rng.uniform(1.0, 1.1)
    lo = int(round(rng.uniform(0.12, 0.2) * A))
    f = bell_fertility(A, lo, lo + max(6, int(round(rng.uniform(0.25, 0.4) * A))))
    f /= (f * Lx[1]).sum() / (1.0 + srb)
    n = 2000
    pop, births, _ = run_kernel(rng.uniform(0.0, 1e5, (2, A)), np.tile(f, (n, 1)), np.full(n, srb),
                                np.tile(surv, (n, 1, 1)), np.zeros((n, 2, A)), False)
    B = births[-1]
    limit = B[:, None] * Lx
    limit[:, -1] = B * Tx[:, -1]
    assert abs(births[-1, 1] / births[-2, 1] - 1.0) < 1e-10
    np.testing.assert_allclose(B[0] / B[1], srb, rtol=1e-12)
    dist = np.abs(pop[-1] - limit).max(axis=1) / limit.max(axis=1)
    assert dist.max() < 1e-9, dist


# ---------------------------------------------------------------- stable population

def lotka_r(L_female, f_female):
    x = np.arange(len(L_female))
    return brentq(lambda r: np.sum(np.exp(-r * (x + 0.5)) * L_female * f_female) - 1.0, -0.2, 0.2, xtol=1e-15)


def discrete_log_lambda(L_female, f_female):
    x = np.arange(len(L_female))
    return brentq(lambda r: np.sum(0.5 * (np.exp(-r * x) + np.exp(-r * (x + 1.0))) * L_female * f_female) - 1.0,
                  -0.2, 0.2, xtol=1e-15)


@pytest.mark.parametrize("case", ["canada2019", "growing"])
def test_stable_population(case):
    """Fixed f and L, no migration: the growth rate converges to the stable rate.

    canada2019: UN 2019 Canadian rates (TFR ~1.5, NRR < 1, declining);
    growing: the same mortality with fertility doubled (NRR > 1).
    """
    d = wpp.canada()
    mx = d["lt"]["mx"][-1]
    ax0 = d["infant_ax"][-1]
    f = d["asfr"][-1] * (2.0 if case == "growing" else 1.0)
    srb = d["srb"][-1]
    n = 1200  # distance to the stable growth rate: ~3e-7 after 600 years, ~4e-12 after 1200
    a = PopulationAssumptions(2019, d["un_pop"][-1], np.tile(f, (n, 1)), np.full(n, srb), np.tile(mx, (n, 1, 1)),
                              np.zeros((n, 2, wpp.A)), "end", np.tile(ax0, (n, 1)), "CAN")
    p = project_population(a)
    L = compute_life_tables(mx[None], ax0[None]).Lx[0]
    fF = f / (1.0 + srb)
    nrr = np.sum(L[1] * fF)
    np.testing.assert_allclose(p.summary["nrr"], nrr, rtol=1e-14)
    r = lotka_r(L[1], fF)
    log_lam = discrete_log_lambda(L[1], fF)
    assert (r > 0) == (nrr > 1) == (case == "growing")
    growth_births = np.log(p.births[-1, 1] / p.births[-2, 1])
    growth_pop = np.log(p.population[-1].sum() / p.population[-2].sum())
    print(f"{case}: NRR {nrr:.4f}, Lotka r {r:.6f}, discrete log(lambda) {log_lam:.6f}, "
          f"births growth {growth_births:.6f}, population growth {growth_pop:.6f}")
    assert abs(growth_births - log_lam) < 1e-9
    assert abs(growth_pop - log_lam) < 1e-9
    # Lotka's continuous root differs by ~ r^2 / (8 mu) (4e-7 / 6e-7 here); allow twice that.
    x_mid = np.arange(wpp.A) + 0.5
    mu = np.sum(x_mid * np.exp(-r * x_mid) * L[1] * fF)
    assert abs(growth_births - r) < r * r / (4.0 * mu)
    # Stable age structure of women below the open age.
    x = np.arange(wpp.A - 1)
    stable = p.births[-1, 1] * L[1, :-1] * np.exp(-log_lam * x)
    np.testing.assert_allclose(p.population[-1, 1, :-1], stable, rtol=1e-8)


# ---------------------------------------------------------------- regression: uninitialised memory

@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_births_do_not_read_uninitialised_memory(engine):
    """Regression test.  Births were computed as sum_x asfr[t, x] (start[1, x] + survivors[1, x]) / 2
    over all ages while survivors[:, 0] (age 0 at year end) was still unwritten np.empty memory
    (it is filled after births): asfr[t, 0] * garbage gave NaN births whenever the recycled
    memory held NaN, even with asfr[:, 0] == 0.  Both the numba kernel and its numpy twin were
    affected.  The test fills freed memory with NaN before projecting.
    """
    if engine == "numba" and not (sys.platform.startswith("linux") and freed_memory.available()):
        pytest.skip("planting values in freed malloc memory is only reliable with glibc")
    A, n = 21, 3
    base = np.full((2, A), 1000.0)
    asfr = np.zeros((n, A))
    asfr[:, 5:10] = 0.2  # zero at age 0, as documented
    srb = np.full(n, 1.05)
    surv = np.full((n, 2, A), 0.99)
    mig = np.zeros((n, 2, A))
    expected_births = 0.2 * 5 * 1000.0 * (1.0 + 0.99) / 2.0  # 5 fertile ages, mean of start and survivors
    a = PopulationAssumptions(2020, base, asfr, srb, np.full((n, 2, A), 0.01), mig, "end", np.full((n, 2), 0.2))
    run_kernel(base, asfr, srb, surv, mig, False)  # compile first: compilation allocates too
    try:
        freed_memory.fill_freed_memory(np.nan, shapes=[(2, A)])
        if engine == "numba":
            _, births, _ = run_kernel(base, asfr, srb, surv, mig, False)
        else:
            births = cp.project_population_reference(base, asfr, srb, surv, mig, False)[1]
        freed_memory.fill_freed_memory(np.nan, shapes=[(2, A)])
        model = project_population(a, engine)
    finally:
        freed_memory.fill_freed_memory(0.0, shapes=[(2, A)])
    assert np.isfinite(model.births).all() and np.isfinite(model.population).all()
    np.testing.assert_allclose(births[0].sum(), expected_births, rtol=1e-12)


# ---------------------------------------------------------------- interpolation of anchor years

def test_anchor_years_interpolation_by_hand():
    """Death rates log-linear between anchors (0.01 in 2000, 0.04 in 2010: 0.02 in 2005, the geometric
    mean), held before the first and after the last; other inputs linear (1 and 3: 2 in 2005); anchors
    for exactly the projection years come back as typed, bit for bit (no exp(log m) round trip), as copies."""
    from socsec.model.population import interpolate_linear, interpolate_log_mortality

    years = np.array([1998, 2000, 2005, 2010, 2012])
    m = interpolate_log_mortality([2000, 2010], np.array([[0.01], [0.04]]), years)
    np.testing.assert_allclose(m[:, 0], [0.01, 0.01, 0.02, 0.04, 0.04], rtol=1e-14)
    np.testing.assert_allclose(interpolate_linear([2000, 2010], np.array([1.0, 3.0]), years),
                               [1.0, 1.0, 2.0, 3.0, 3.0], rtol=1e-14)
    every = np.arange(2000, 2003)
    typed = np.array([[0.1, 0.3], [0.7, 0.011], [0.2, 0.9]])
    for interpolate in (interpolate_log_mortality, interpolate_linear):
        out = interpolate(every, typed, every)
        np.testing.assert_array_equal(out, typed)
        assert out is not typed and not np.shares_memory(out, typed)


def test_anchor_rows_kernel_equals_its_twin_and_the_weights_by_hand():
    """core.anchors: the weights of years before, between, at and after anchors 2000, 2004, 2010 by hand,
    and interpolate_rows_kernel against its numpy twin (bit for bit) on random rows, with one anchor,
    anchors a year apart and years out of order."""
    from socsec.core.anchors import anchor_weights, interpolate_rows_kernel, interpolate_rows_reference

    lower, upper, weight = anchor_weights([2000, 2004, 2010], [1999, 2000, 2001, 2004, 2007, 2010, 2011])
    np.testing.assert_array_equal(lower, [0, 0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(upper, [1, 1, 1, 2, 2, 2, 2])
    np.testing.assert_array_equal(weight, [0.0, 0.0, 0.25, 0.0, 0.5, 0.0, 0.0])
    rng = np.random.default_rng(3)
    for anchors in ([2030.0], [2000.0, 2050.0], [2000.0, 2001.0, 2020.0, 2100.0]):
        years = rng.permutation(np.arange(1995, 2110)).astype(np.float64)
        rows = rng.uniform(-2.0, 2.0, (len(anchors), 7))
        out = np.empty((len(years), 7))
        interpolate_rows_kernel(np.array(anchors), years, rows, out)
        np.testing.assert_array_equal(out, interpolate_rows_reference(anchors, years, rows))


def test_summary_kernel_by_hand_and_against_its_twin():
    """core.population.summary_kernel on a toy population by hand (ages 0-70 in steps of one, persons only at
    10, 30 and 70: young, working and old; median age inside the age-30 group), and against its numpy twin on
    the example (every row to rounding)."""
    from socsec.core.population import Summary, summary_kernel, summary_reference
    from socsec.model.example_jordan import jordan_inputs
    from socsec.model.valuation import run_valuation

    A = 71
    pop = np.zeros((2, 2, A))
    pop[0, 0, 10], pop[0, 1, 30], pop[0, 1, 70] = 100.0, 300.0, 100.0  # 1 January of year 0
    pop[1, 0, 11], pop[1, 1, 31] = 50.0, 250.0
    asfr = np.zeros((1, A))
    asfr[0, 30] = 2.0  # TFR 2, all births at 30: mean age 30.5
    female_Lx = np.full((1, A), 0.9)
    migrants = np.zeros((1, 2, A))
    migrants[0, 0, 5], migrants[0, 1, 6] = 7.0, -3.0
    out = np.empty((len(Summary), 1))
    summary_kernel(pop, asfr, female_Lx, np.array([1.05]), migrants, out)
    want = {Summary.POPULATION: 500.0, Summary.MALE: 100.0, Summary.FEMALE: 400.0, Summary.MIDYEAR: 400.0,
            Summary.YOUNG: 100.0, Summary.OLD: 100.0, Summary.AGED_20_64: 300.0, Summary.AGED_15_64: 300.0,
            Summary.NET_MIGRANTS_MALE: 7.0, Summary.NET_MIGRANTS_FEMALE: -3.0, Summary.TFR: 2.0,
            Summary.NRR: 2.0 * 0.9 / 2.05, Summary.MEAN_AGE_CHILDBEARING: 30.5,
            Summary.MEDIAN_AGE: 30.0 + (250.0 - 100.0) / 300.0}  # half of 500 reached within age 30
    for row, value in want.items():
        assert out[row, 0] == pytest.approx(value, rel=1e-15), row.name
    v = run_valuation(jordan_inputs())
    a, tables = v.population.assumptions, v.population.life_tables
    args = (v.population.population, np.ascontiguousarray(a.asfr), np.ascontiguousarray(tables.Lx[:, 1, :]),
            np.asarray(a.srb, dtype=np.float64), np.ascontiguousarray(a.net_migrants))
    out = np.empty((len(Summary), len(a.years)))
    summary_kernel(*args, out)
    np.testing.assert_allclose(out, summary_reference(*args), rtol=1e-13)
