"""Actuarial function library (socsec.model.actuarial) against hand sums, closed forms,
independent loops and the core life-table kernels."""

import math

import numpy as np
import pytest

from socsec.core import lifetable as lt
from socsec.model import actuarial as act

RNG = np.random.default_rng(20250101)


def maturing_scheme(n=60):
    """Expenditure growing faster than insurable earnings (a maturing scheme)."""
    t = np.arange(n)
    earnings = 1000.0 * 1.05 ** t
    expenditure = earnings * (0.04 + 0.002 * t)
    return expenditure, earnings


def independent_reserve(C, B, i, F0):
    """The reserve recursion written out differently from the library: F(t+1) = F(t)(1+i) + (C-B)(1+i)^0.5."""
    out, F = [], F0
    for c, b, r in zip(C, B, i):
        F = F * (1 + r) + (c - b) * (1 + r) ** 0.5
        out.append(F)
    return np.array(out)


# --- GAP --------------------------------------------------------------------------------------

@pytest.mark.parametrize("interest", [0.0, 0.03, 0.08, -0.02, "per-year"])
def test_gap_equals_constant_cost_rate(interest):
    n = 40
    earnings = 500.0 * 1.04 ** np.arange(n) * (1 + 0.1 * np.sin(np.arange(n)))
    cost_rate = 0.137
    i = RNG.uniform(-0.01, 0.09, n) if interest == "per-year" else interest
    assert act.general_average_premium(cost_rate * earnings, earnings, i) == pytest.approx(cost_rate, rel=1e-13)


@pytest.mark.parametrize("interest", [0.0, 0.04, "per-year"])
@pytest.mark.parametrize("initial,target", [(3000.0, 0.0), (0.0, 2500.0), (1000.0, 4000.0)])
def test_charging_gap_lands_on_target_reserve(interest, initial, target):
    B, S = maturing_scheme()
    i = RNG.uniform(0.0, 0.07, len(B)) if interest == "per-year" else np.full(len(B), interest)
    gap = act.general_average_premium(B, S, i, initial_reserve=initial, target_reserve=target)
    reserve = act.reserve_roll_forward(gap * S, B, i, initial_reserve=initial)
    assert reserve[-1] == pytest.approx(target, abs=1e-9 * S.sum())
    np.testing.assert_allclose(reserve, independent_reserve(gap * S, B, i, initial), rtol=1e-12, atol=1e-9)


def test_gap_hand_computed():
    B, S, i = [10.0, 20.0], [100.0, 110.0], 0.05
    v = 1 / 1.05
    want = (10 * v ** 0.5 + 20 * v ** 1.5 - 7 + v ** 2 * 3) / (100 * v ** 0.5 + 110 * v ** 1.5)
    assert act.general_average_premium(B, S, i, initial_reserve=7, target_reserve=3) == pytest.approx(want, rel=1e-15)


# --- scaled premiums ------------------------------------------------------------------------

@pytest.mark.parametrize("period", [1, 5, 10, 20, 7])
@pytest.mark.parametrize("interest", [0.0, 0.05, "per-year"])
def test_scaled_premium_income_equals_outgo_in_last_year_of_each_period(period, interest):
    B, S = maturing_scheme(60)
    i = RNG.uniform(0.0, 0.07, len(B)) if interest == "per-year" else np.full(len(B), interest)
    initial = 2000.0
    premiums = act.scaled_premiums(B, S, i, period, initial_reserve=initial)
    assert len(premiums) == math.ceil(60 / period)
    rate = np.repeat(premiums, period)[:60]
    C = rate * S
    reserve = independent_reserve(C, B, i, initial)
    start = np.concatenate([[initial], reserve[:-1]])  # reserve at the start of each year
    for p in range(len(premiums)):
        b = min((p + 1) * period, 60) - 1
        investment_income = i[b] * start[b] + ((1 + i[b]) ** 0.5 - 1) * (C[b] - B[b])
        assert C[b] + investment_income == pytest.approx(B[b], rel=1e-11)
        assert reserve[b] == pytest.approx(start[b], rel=1e-11, abs=1e-8)
    if interest != "per-year":  # with a constant interest rate
        assert np.all(np.diff(premiums) >= -1e-12), "premiums of a maturing scheme never fall"


def test_scaled_premium_with_one_period_per_year_is_the_payg_rate_without_reserve():
    B, S = maturing_scheme(10)
    np.testing.assert_allclose(act.scaled_premiums(B, S, 0.05, 1), B / S, rtol=1e-13)


# --- reserve ----------------------------------------------------------------------------------

@pytest.mark.parametrize("interest", [0.0, 0.06, "per-year"])
def test_reserve_matches_independent_loop(interest):
    n = 30
    C = RNG.uniform(50, 150, n)
    B = RNG.uniform(40, 160, n)
    i = RNG.uniform(-0.02, 0.1, n) if interest == "per-year" else np.full(n, interest)
    np.testing.assert_allclose(act.reserve_roll_forward(C, B, i, 500.0), independent_reserve(C, B, i, 500.0),
                               rtol=1e-13)


def test_reserve_in_closed_form():
    """I_t = i F_t + ((1+i)^(1/2) - 1)(C - B); F_{t+1} = F_t + C + I - B."""
    F1 = act.reserve_roll_forward([100.0], [30.0], 0.04, 1000.0)[0]
    assert F1 == pytest.approx(1000 + 100 + 0.04 * 1000 + (1.04 ** 0.5 - 1) * 70 - 30, rel=1e-15)


# --- present value ----------------------------------------------------------------------------

def test_present_value_timings():
    x, i = [1.0, 2.0, 3.0], 0.1
    v = 1 / 1.1
    assert act.present_value(x, i, "start") == pytest.approx(1 + 2 * v + 3 * v ** 2, rel=1e-15)
    assert act.present_value(x, i, "end") == pytest.approx(v + 2 * v ** 2 + 3 * v ** 3, rel=1e-15)
    assert act.present_value(x, i) == pytest.approx(v ** 0.5 + 2 * v ** 1.5 + 3 * v ** 2.5, rel=1e-15)
    per_year = [0.1, 0.0, 0.2]
    assert act.present_value(x, per_year, "mid") == pytest.approx(
        1.1 ** -0.5 + 2 / 1.1 + 3 / 1.1 / 1.2 ** 0.5, rel=1e-15)


# --- life tables and annuities ----------------------------------------------------------------

def test_life_table_mx_equals_core_kernel_and_twin():
    ages = np.arange(101)
    mx = 0.0005 + 0.00003 * np.exp(0.1 * ages)
    ours = act.life_table_columns(mx, "mx", infant_ax=0.1)
    cols = [np.empty((1, 101)) for _ in range(6)]
    lt.life_table_kernel(mx[None, :], np.array([0.1]), *cols)
    twin = lt.life_table_reference(mx[None, :], np.array([0.1]))
    for key, kernel_col, twin_col in zip(("q", "l", "d", "L", "T", "e"), cols, twin):
        np.testing.assert_allclose(ours[key], kernel_col[0], rtol=1e-14, err_msg=key)
        np.testing.assert_allclose(ours[key], twin_col[0], rtol=1e-15, err_msg=key)


def test_life_table_qx_by_hand():
    q = np.array([0.1, 0.2, 0.5])
    cols = act.life_table_columns(q, "qx")
    l = np.array([1.0, 0.9, 0.72])
    d = l * q
    d[-1] = l[-1]  # everyone in the open group dies eventually
    L = np.array([0.9 + 0.05, 0.72 + 0.09, 0.72 * (1 - 0.25) / 0.5])  # open group: l (1 - q/2) / q
    T = np.cumsum(L[::-1])[::-1]
    for key, want in (("l", l), ("d", d), ("L", L), ("T", T), ("e", T / l), ("q", q)):
        np.testing.assert_allclose(cols[key], want, rtol=1e-14, err_msg=key)
    assert act.life_expectancy(q, 1) == pytest.approx(T[1] / l[1], rel=1e-14)


def test_life_table_qx_open_group_equals_constant_q_continued():
    """The closing q applied every year forever gives the same L_omega as a long explicit table."""
    q = np.array([0.05, 0.1, 0.3])
    long_q = np.concatenate([q[:-1], np.full(400, 0.3), [1.0]])
    short, long = act.life_table_columns(q, "qx"), act.life_table_columns(long_q, "qx")
    assert short["T"][0] == pytest.approx(long["T"][0], rel=1e-13)


def test_annuity_hand_summed():
    q = [0.01, 0.02, 0.1, 0.4]
    i, g = 0.05, 0.02
    v = 1.02 / 1.05
    p1, p2 = 0.98, 0.98 * 0.9  # survival from age 1 to ages 2 and 3 (the last age)
    tail = v ** 2 * p2 / (1 - v * 0.6)  # payments from age 3 on: q = 0.4 every year
    want = 1 + v * p1 + tail
    assert act.annuity_due(q, 1, i, g) == pytest.approx(want, rel=1e-15)
    assert act.annuity_due(q, 1, i, g, 12) == pytest.approx(want - 11 / 24, rel=1e-15)
    closed = [0.01, 0.02, 0.1, 1.0]  # q = 1 at the last age: the sum stops there
    assert act.annuity_due(closed, 1, i, g) == pytest.approx(1 + v * p1 + v ** 2 * p2, rel=1e-15)


@pytest.mark.parametrize("q,i,g", [(0.02, 0.04, 0.0), (0.1, 0.0, 0.0), (0.05, 0.03, 0.03), (0.3, 0.1, 0.02)])
def test_annuity_constant_q_closed_form(q, i, g):
    table = np.full(101, q)
    v = (1 + g) / (1 + i)
    for age in (0, 40, 100):
        assert act.annuity_due(table, age, i, g) == pytest.approx(1 / (1 - v * (1 - q)), rel=1e-12)


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("call,needle", [
    (lambda: act.annuity_due([0.1, 1.3, 1.0], 0, 0.05), "qx must be between 0 and 1 (row 2, age 1: found 1.3)"),
    (lambda: act.annuity_due([0.1, 0.2, 0.0], 0, 0.05), "last value closes the table"),
    (lambda: act.annuity_due([0.1, 0.2, 1.0], 3, 0.05), "age must be a whole number between 0 and 2"),
    (lambda: act.annuity_due([0.1, 0.2, 1.0], 1.5, 0.05), "age must be a whole number"),
    (lambda: act.annuity_due([0.1, 0.2, 1.0], 0, 0.05, 0, 0), "payments_per_year must be a whole number"),
    (lambda: act.annuity_due([0.1, 0.2, 0.01], 0, 0.0, 0.05), "does not converge"),
    (lambda: act.annuity_due([0.1, "x", 1.0], 0, 0.05), "qx must be numbers (row 2: found text 'x')"),
    (lambda: act.life_table_columns([0.1, None, 1.0]), "row 2: found an empty cell"),
    (lambda: act.life_table_columns([0.1, 0.2], kind="lx"), "kind must be one of qx, mx"),
    (lambda: act.life_table_columns([0.1, -0.2, 0.3], kind="mx"), "mx must be at least 0 (row 2"),
    (lambda: act.present_value([1, 2], 0.05, "middle"), "timing must be one of mid, start, end"),
    (lambda: act.present_value([1, float("nan")], 0.05), "finite numbers (row 2"),
    (lambda: act.present_value([1, 2], [0.05, -1.0]), "interest must be above -1 (row 2: found -1)"),
    (lambda: act.present_value([1, 2, 3], [0.05, 0.04]), "one value per year (3), found 2"),
    (lambda: act.general_average_premium([1, 2], [1, 2, 3], 0.05), "expenditure has 2, insurable_earnings has 3"),
    (lambda: act.general_average_premium([1, 2], [0, 0], 0.05), "must not all be zero"),
    (lambda: act.general_average_premium([1, 2], [1, -2], 0.05), "insurable_earnings must be at least 0 (row 2"),
    (lambda: act.scaled_premiums([1, 2], [1, 2], 0.05, 0), "period_years must be a whole number at least 1"),
    (lambda: act.scaled_premiums([1, 2], [1, 0], 0.0, 1), "period 2 (rows 2-2)"),
    (lambda: act.reserve_roll_forward([1, 2], [1], 0.05), "contributions has 2, expenditure has 1"),
    (lambda: act.reserve_roll_forward([1, 2], [1, 1], 0.05, "lots"), "initial_reserve must be a number"),
    (lambda: act.reserve_roll_forward([[1, 2], [3, 4]], [1, 1], 0.05), "one row or one column"),
])
def test_bad_input_is_reported_with_place(call, needle):
    with pytest.raises(ValueError) as info:
        call()
    assert needle in str(info.value)


def test_scaled_premiums_keep_the_periods_before_one_that_fixes_no_rate():
    """Periods of 2 years; in year 3 the return is -90%: S h_3 + i_3 beta < 0, so the second period fixes no
    rate.  Default: ValueError naming the interest; ``undefined="nan"``: the first period keeps its rate, which
    keeps the reserve level over its last year (independent roll-forward), and the second period is NaN."""
    B, S, i, F0 = [5.0] * 4, [10.0] * 4, [0.04, 0.04, 0.04, -0.9], 100.0
    with pytest.raises(ValueError, match="interest"):
        act.scaled_premiums(B, S, i, 2, F0)
    first, second = act.scaled_premiums(B, S, i, 2, F0, undefined="nan")
    F1 = F0 * 1.04 + (first * 10 - 5) * 1.04 ** 0.5
    F2 = F1 * 1.04 + (first * 10 - 5) * 1.04 ** 0.5
    assert F2 == pytest.approx(F1, rel=1e-13) and np.isnan(second)
    assert act.scaled_premiums(B[:2], S[:2], i[:2], 2, F0)[0] == pytest.approx(first, rel=1e-15)
