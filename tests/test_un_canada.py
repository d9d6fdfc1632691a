"""Reproduce the UN's own cohort-component projection of Canada 1950-2020 (WPP 2019).

Inputs and outputs come from the UN Population Division's ccmppWPP package (data in
``tests/data/wpp2019``, see its README).  The UN projects with net migrants added at the end
of the year, so the model runs with ``migration_timing="end"`` and the UN's own infant
separation factors ``a_0``.

What the UN output is (found while writing these tests, printed by them):

* From ages 2 to 100+ the UN output follows our single-year step exactly: projecting one
  year from the UN's own 1 January population with our survival ratios reproduces the UN's
  next-year population to 3.4e-7 relative (rounding of the stored CSV values), including the
  open group 100+ (so the UN projection closed the open group like we do, L_100 = l_100/m_100,
  not with the ``Sx`` of age 100 printed in its life-table file, which differs by ~7%).
* At ages 0 and 1 the UN output implies an infant survival ratio below the published
  ``S_0 = L_0`` (implied a_0 of 0.06-0.17 instead of the published 0.13-0.19) and a
  correspondingly higher ``S_1``; the product ``S_0 S_1`` agrees to ~4e-5.  This moves up to
  0.13% of each birth cohort from age 0 to age 1 relative to our projection, and the 1950
  age-0 cohort carries that offset for its whole life.  Our projection uses the published
  life tables, so single-age tolerances are 2e-3 (worst seen 1.33e-3); totals are unaffected
  at the 2e-4 level (worst 1.6e-5) because the offset is a fraction of one cohort.
"""

import numpy as np
import pytest

import wpp2019_data as wpp
from socsec.model.population import PopulationAssumptions, project_population

POP_TOTAL_RTOL = 2e-4     # worst seen 1.6e-5
BIRTHS_RTOL = 2e-4        # worst seen 7.8e-5 (female exposure carries the 1950 age-0 offset)
SINGLE_AGE_RTOL = 2e-3    # ages 0-99; worst seen 1.33e-3 (infant survival convention above)
OPEN_AGE_RTOL = 1e-5      # 100+; worst seen 3.5e-7 (the 1950 age-0 cohort never reaches 100)
ONE_STEP_RTOL = 1e-6      # ages 2-100+ from the UN's own stock; worst seen 3.4e-7
# Deaths by sex: worst seen 6.0e-5 (male) and 1.31e-4 (female, 1950), i.e. at most ~7 persons
# out of 40,000-150,000.  Deaths are the residual P + B - N, so they inherit the births error
# (7.8e-5 of births, times the infant death share) and the UN's different split of infant
# deaths between ages 0 and 1 (that split mostly cancels in the sum).  5e-4 is ~4x the worst
# seen and still catches mortality errors: raising every m_x by 1% changes deaths by at least
# 1.2e-3 in every year, and using the previous year's rates changes them by 0.6-2% (measured
# when these tests were written).  (Deaths are a weak check of a_0: a different a_0 moves
# deaths between the year's births and the age-0 stock, changing the total by only ~1e-3.)
DEATHS_RTOL = 5e-4


def _assumptions(base_year=wpp.BASE_YEAR, base_pop=None, years=slice(None)):
    d = wpp.canada()
    return PopulationAssumptions(
        base_year=base_year,
        base_population=d["base_pop"] if base_pop is None else base_pop,
        asfr=d["asfr"][years],
        srb=d["srb"][years],
        mx=d["lt"]["mx"][years],
        net_migrants=d["net_migrants"][years],
        migration_timing="end",
        infant_ax=d["infant_ax"][years],
        country="CAN",
    )


@pytest.fixture(scope="module")
def projection():
    return project_population(_assumptions())


def _rel(ours, theirs):
    return np.abs(np.asarray(ours) / np.asarray(theirs) - 1.0)


def test_inputs_are_consistent_with_un_output():
    """The base population is the UN's 1950 stock and migration totals agree with the totals file."""
    d = wpp.canada()
    np.testing.assert_array_equal(d["base_pop"], d["un_pop"][0])
    mig = d["net_migrants"].sum(axis=2)
    np.testing.assert_allclose(mig, d["un_net_migrants"][:, :2], rtol=1e-8)
    # The UN output satisfies its own accounting identity (10 significant digits in the CSV).
    un_total = d["un_pop"].sum(axis=2)
    resid = un_total[1:] - un_total[:-1] - d["un_births"][:, :2] + d["un_deaths"][:, :2] - d["un_net_migrants"][:, :2]
    assert np.abs(resid).max() < 1e-2


def test_total_population(projection):
    un = wpp.canada()["un_pop"]
    err = _rel(projection.population.sum(axis=(1, 2)), un.sum(axis=(1, 2)))
    err_sex = _rel(projection.population.sum(axis=2), un.sum(axis=2))
    print(f"total population: worst relative error {err.max():.2e}, by sex {err_sex.max():.2e}")
    assert err.max() < POP_TOTAL_RTOL
    assert err_sex.max() < POP_TOTAL_RTOL


def test_births_by_sex(projection):
    d = wpp.canada()
    err = _rel(projection.births, d["un_births"][:, :2])
    print(f"births: worst relative error {err.max():.2e}")
    assert err.max() < BIRTHS_RTOL
    assert _rel(projection.births.sum(axis=1), d["un_births"][:, 2]).max() < BIRTHS_RTOL


def test_single_ages(projection):
    un = wpp.canada()["un_pop"]
    err = _rel(projection.population[:, :, :100], un[:, :, :100])
    open_err = _rel(projection.population[:, :, 100], un[:, :, 100])
    year, sex, age = np.unravel_index(err.argmax(), err.shape)
    print(f"single ages 0-99: worst relative error {err.max():.2e} "
          f"(1 Jan {wpp.BASE_YEAR + year}, {('male', 'female')[sex]}, age {age}); 100+: {open_err.max():.2e}")
    assert err.max() < SINGLE_AGE_RTOL
    assert open_err.max() < OPEN_AGE_RTOL


def test_one_year_steps_from_un_stock():
    """Each year t -> t+1 started from the UN's own 1 January stock: ages 2..100+ agree tightly."""
    d = wpp.canada()
    worst = 0.0
    for t in range(wpp.N_YEARS):
        a = _assumptions(wpp.BASE_YEAR + t, d["un_pop"][t].copy(), slice(t, t + 1))
        p = project_population(a, engine="numba")
        worst = max(worst, _rel(p.population[1, :, 2:], d["un_pop"][t + 1, :, 2:]).max())
    print(f"one-year steps, ages 2-100+: worst relative error {worst:.2e}")
    assert worst < ONE_STEP_RTOL


def test_deaths_by_sex(projection):
    d = wpp.canada()
    err = _rel(projection.deaths, d["un_deaths"][:, :2])
    absolute = np.abs(projection.deaths - d["un_deaths"][:, :2])
    print(f"deaths: worst relative error male {err[:, 0].max():.2e}, female {err[:, 1].max():.2e}; "
          f"worst absolute {absolute.max():.1f} persons; tolerance {DEATHS_RTOL:.0e}")
    assert err.max() < DEATHS_RTOL
    assert _rel(projection.deaths.sum(axis=1), d["un_deaths"][:, 2]).max() < DEATHS_RTOL


def test_summary_table_matches_arrays(projection):
    s = projection.summary
    assert list(s["year"]) == list(range(1950, 2020))
    np.testing.assert_allclose(s["population"], projection.population[:-1].sum(axis=(1, 2)), rtol=1e-14)
    np.testing.assert_allclose(s["births_female"], projection.births[:, 1], rtol=1e-14)
    np.testing.assert_allclose(s["deaths_male"], projection.deaths[:, 0], rtol=1e-14)
    # e0 from our tables equals the UN's up to the open-group closure (< 0.05 years, see test_lifetable).
    lt = wpp.canada()["lt"]
    assert np.abs(s["e0_female"] - lt["ex"][:, 1, 0]).max() < 0.05
