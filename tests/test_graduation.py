"""Graduation of grouped data (socsec.model.graduation): totals kept, no negatives, life-table
consistency; on the packaged WPP 2024 Jordan data and on random inputs (hypothesis)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socsec.core import lifetable as lt
from socsec.model import wpp
from wpp2024_data import read_wpp
from socsec.model.graduation import (abridged_life_table_lx, default_abridged_ax, graduate_counts,
                                     graduate_rates, single_age_mx_from_abridged)

REL = 1e-9


def group_sums(single, starts, first_age=0):
    """Sums of single-age values (ages first_age..) over the groups starting at ``starts``."""
    return np.add.reduceat(single, np.asarray(starts) - first_age, axis=-1)


# ---------------------------------------------------------------------------- counts


def jordan_pop5():
    pop5 = read_wpp("wpp2024_pop5_july1.csv")
    out = []
    for _year, rows in pop5.groupby("year"):
        rows = wpp.sorted_by_age(rows)
        out.append(rows[["popM", "popF"]].to_numpy(dtype=float).T)
    return np.array(out)  # (years, 2, 21) thousands


def test_counts_jordan_all_years_keep_group_totals_and_are_non_negative():
    groups = jordan_pop5()
    single = graduate_counts(wpp.POP5_STARTS, groups, 100)
    assert single.shape == groups.shape[:-1] + (101,)
    assert np.all(single >= 0.0)
    np.testing.assert_allclose(group_sums(single, wpp.POP5_STARTS), groups, rtol=REL, atol=0)
    np.testing.assert_array_equal(single[..., 100], groups[..., -1])  # open group kept as is


def test_counts_lower_open_age_collects_the_rest():
    groups = jordan_pop5()[-1]
    single = graduate_counts(wpp.POP5_STARTS, groups, 87)
    assert single.shape == (2, 88)
    np.testing.assert_allclose(single.sum(axis=-1), groups.sum(axis=-1), rtol=REL)
    np.testing.assert_allclose(group_sums(single[:, :85], wpp.POP5_STARTS[:17]), groups[:, :17], rtol=REL)
    assert np.all(single >= 0)


def test_counts_reject_an_open_age_above_the_last_group():
    with pytest.raises(ValueError, match="last_age"):
        graduate_counts([0, 5, 10], [1.0, 2.0, 3.0], 12)
    with pytest.raises(ValueError, match="non-negative"):
        graduate_counts([0, 5, 10], [1.0, -2.0, 3.0], 10)


def test_counts_reproduce_a_constant_density_and_approximate_a_straight_line():
    starts = np.arange(0, 61, 5)
    flat = graduate_counts(starts, np.append(np.full(12, 50.0), 7.0), 60)
    np.testing.assert_allclose(flat[:60], 10.0, rtol=1e-12)
    # PCHIP's slopes are harmonic means of the secants, so a linear density (quadratic
    # cumulative) is reproduced only approximately
    ages = np.arange(60)
    density = 100.0 + 2.0 * ages
    groups = np.append(group_sums(density, starts[:-1]), 7.0)
    single = graduate_counts(starts, groups, 60)
    np.testing.assert_allclose(single[:60], density, rtol=2e-3)


@st.composite
def grouped_counts(draw):
    widths = draw(st.lists(st.integers(1, 10), min_size=2, max_size=15))
    first = draw(st.integers(0, 30))
    starts = first + np.concatenate([[0], np.cumsum(widths)])
    n = len(starts)
    counts = draw(st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 1e6)), min_size=n, max_size=n))
    return starts, np.array(counts)


@settings(max_examples=150, deadline=None)
@given(grouped_counts())
def test_counts_random_groups_keep_totals_and_are_non_negative(case):
    starts, counts = case
    single = graduate_counts(starts, counts, int(starts[-1]))
    assert single.shape == (starts[-1] - starts[0] + 1,)
    assert np.all(single >= 0.0)
    np.testing.assert_allclose(group_sums(single[:-1], starts[:-1], starts[0]), counts[:-1],
                               rtol=REL, atol=REL * counts.sum())
    assert single[-1] == counts[-1]


@settings(max_examples=50, deadline=None)
@given(grouped_counts())
def test_counts_leading_axes_equal_separate_calls(case):
    starts, counts = case
    stacked = np.stack([counts, counts[::-1] * 0.5 + 1.0])
    both = graduate_counts(starts, stacked, int(starts[-1]))
    for row in range(2):
        np.testing.assert_array_equal(both[row], graduate_counts(starts, stacked[row], int(starts[-1])))


# ---------------------------------------------------------------------------- rates


def test_rates_jordan_pasfr_keep_group_shares():
    pasfr = read_wpp("wpp2024_pasfr5_period.csv")
    rows = []
    for _, g in pasfr.groupby("period"):
        rows.append(wpp.sorted_by_age(g)["pasfr"].to_numpy(dtype=float))
    groups = np.array(rows)
    single = graduate_rates(wpp.PASFR_STARTS, groups / 5.0, 50)
    assert single.shape == (len(rows), 35)
    assert np.all(single >= 0)
    np.testing.assert_allclose(group_sums(single, wpp.PASFR_STARTS, 15), groups, rtol=REL)
    np.testing.assert_allclose(single.sum(axis=1), 100.0, rtol=1e-6)  # pasfr sums to 100 (rounded)
    # zero at the ends: age 15 and 49 carry less than the average of their groups
    assert np.all(single[:, 0] < groups[:, 0] / 5.0)
    assert np.all(single[:, -1] < groups[:, -1] / 5.0)


@settings(max_examples=150, deadline=None)
@given(grouped_counts(), st.booleans())
def test_rates_random_groups_keep_rate_times_width(case, zero_at_ends):
    starts, rates = case
    end = int(starts[-1])
    starts = starts[:-1]
    rates = rates[:-1]
    single = graduate_rates(starts, rates, end, zero_at_ends=zero_at_ends)
    widths = np.diff(np.append(starts, end))
    assert single.shape == (end - starts[0],)
    assert np.all(single >= 0)
    amounts = rates * widths
    np.testing.assert_allclose(group_sums(single, starts, starts[0]), amounts, rtol=REL,
                               atol=REL * amounts.sum())


# ---------------------------------------------------------------------------- mortality


ABRIDGED = np.r_[0, 1, np.arange(5, 101, 5)]


def single_age_table(mx, sex):
    a0 = lt.infant_separation_factor(mx[..., :1], sex).reshape(-1)
    return lt.life_table_reference(mx.reshape(-1, mx.shape[-1]), a0)


def implied_separation_factors(lx, Lx, ages):
    """na_x of the single-age table over each abridged group: (sum L - n l_{x+n}) / d."""
    n = np.diff(ages)
    L_group = np.add.reduceat(Lx[:, :-1], ages[:-1], axis=-1)
    lb = lx[:, ages]
    return (L_group - n * lb[:, 1:]) / (lb[:, :-1] - lb[:, 1:])


def jordan_mx():
    mx = read_wpp("wpp2024_mx5_period.csv")
    out = []
    for _, g in mx.groupby("period"):
        out.append(wpp.sorted_by_age(g)[["mxM", "mxF"]].to_numpy(dtype=float).T)
    return np.array(out)  # (periods, 2, 22)


@pytest.mark.parametrize("sex", [0, 1])
def test_mortality_jordan_reproduces_abridged_table_at_group_boundaries(sex):
    m = jordan_mx()[:, sex, :]  # every period 1950-1955 .. 2095-2100
    single = single_age_mx_from_abridged(ABRIDGED, m, sex)
    assert single.shape == (m.shape[0], 101)
    assert np.all(single > 0)
    np.testing.assert_array_equal(single[:, 0], m[:, 0])
    np.testing.assert_array_equal(single[:, 100], m[:, -1])
    qx, lx, dx, Lx, _, _ = single_age_table(single, sex)
    assert np.all((qx[:, :-1] > 0) & (qx[:, :-1] < 1))
    # the single-age table's group central rates are the abridged rates ...
    rates = np.add.reduceat(dx[:, :-1], ABRIDGED[:-1], axis=-1) / np.add.reduceat(Lx[:, :-1], ABRIDGED[:-1], axis=-1)
    np.testing.assert_allclose(rates, m[:, :-1], rtol=1e-9)
    # ... and the abridged life table with the same separation factors has its l_x
    ax = implied_separation_factors(lx, Lx, ABRIDGED)
    np.testing.assert_allclose(abridged_life_table_lx(ABRIDGED, m, sex, ax), lx[:, ABRIDGED], rtol=1e-12)
    # the separation factors stay close to the textbook rules (Preston et al. Table 3.3, n/2)
    assert np.max(np.abs(ax - default_abridged_ax(ABRIDGED, m, sex))[:, 1:]) < 0.5


@st.composite
def abridged_schedules(draw):
    """Positive abridged rates of a Gompertz-Makeham shape with random noise."""
    level = draw(st.floats(1e-5, 1e-3))
    slope = draw(st.floats(0.05, 0.12))
    infant = draw(st.floats(0.001, 0.2))
    noise = np.array(draw(st.lists(st.floats(0.7, 1.3), min_size=22, max_size=22)))
    mid = np.r_[0.5, 3.0, ABRIDGED[2:-1] + 2.5, 102.0]
    m = (level + 2e-5 * np.exp(slope * mid)) * noise
    m[0] = infant
    m[1] = infant * draw(st.floats(0.02, 0.2))
    return np.minimum(m, np.r_[np.full(21, 0.38), 3.0])


@settings(max_examples=100, deadline=None)
@given(abridged_schedules(), st.sampled_from([0, 1]))
def test_mortality_random_schedules_keep_group_rates(m, sex):
    single = single_age_mx_from_abridged(ABRIDGED, m, sex)
    assert np.all(np.isfinite(single)) and np.all(single > 0)
    _, lx, dx, Lx, _, _ = single_age_table(single, sex)
    rates = np.add.reduceat(dx[0, :-1], ABRIDGED[:-1]) / np.add.reduceat(Lx[0, :-1], ABRIDGED[:-1])
    np.testing.assert_allclose(rates, m[:-1], rtol=1e-8)


def test_abridged_rates_that_break_the_half_width_rule_are_handled():
    # 5 m = 0.45 would give 5q95 = 2.25 / 2.125 > 1 with a = n/2
    m = np.r_[0.02, 0.002, np.full(18, 0.003), 0.45, 0.6]
    assert np.all(default_abridged_ax(ABRIDGED, m, 0)[2:] < 2.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the damped iteration converges even for this jump
        single = single_age_mx_from_abridged(ABRIDGED, m, 0)
    assert np.all(np.isfinite(single)) and np.all(single > 0)
    _, _, dx, Lx, _, _ = single_age_table(single, 0)
    rates = np.add.reduceat(dx[0, :-1], ABRIDGED[:-1]) / np.add.reduceat(Lx[0, :-1], ABRIDGED[:-1])
    np.testing.assert_allclose(rates, m[:-1], rtol=1e-8)
