"""The numba helpers of the pension kernels (core/pension.py) against their numpy twins, on random
values (hypothesis), and against values worked out here from their formulas."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from socsec.core import pension as kp

RATES = st.floats(0.0, 1.0)


@settings(max_examples=60, deadline=None)
@given(RATES, RATES, RATES, RATES)
def test_active_shares_equal_twin_and_add_up_to_one(q, invalidity, retire, lapse):
    got = kp.active_shares(q, invalidity, retire, lapse)
    want = kp.active_decrements_reference(np.array([1.0]), q, invalidity, retire, lapse)
    np.testing.assert_allclose(got, [w[0] for w in want], rtol=1e-12, atol=1e-15)
    assert sum(got) == pytest.approx(1.0, rel=1e-12)
    assert min(got) >= 0.0


def test_active_shares_by_hand():
    # 1000 actives, q 0.01, invalidity 0.02, retirement 0.5, lapse 0.1, one after another
    shares = kp.active_shares(0.01, 0.02, 0.5, 0.1)
    assert tuple(1000.0 * v for v in shares) == pytest.approx((10.0, 19.8, 485.1, 48.51, 436.59), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(RATES, RATES, st.booleans())
def test_inactive_shares_equal_twin(q, reentry, claims):
    got = kp.inactive_shares(q, reentry, claims)
    want = kp.inactive_decrements_reference(np.array([1.0]), q, reentry, np.array([claims]))
    np.testing.assert_allclose(got, [w[0] for w in want], rtol=1e-12, atol=1e-15)
    assert sum(got) == pytest.approx(1.0, rel=1e-12)


DESTINATIONS = dict(q=0.01, invalidity=0.02, retire=0.5, lapse=0.1, reentry=0.2, claims=False, stay_gain=0.8,
                    move_gain=0.4)


def test_cell_destinations_by_hand():
    """One active: dies 0.01, invalid 0.0198, retires 0.4851, lapses 0.04851, stays 0.43659 (as above); a
    stayer gains a year with probability 0.8, the others 0.4.  One inactive: dies 0.01, re-enters 0.198
    (gains a year with 0.4), remains 0.792 with the same service."""
    keep_active, keep_inactive, gain_active, gain_inactive = kp.cell_destinations(**DESTINATIONS)
    # destinations: actives, inactive, retired, claimed, invalid, dead
    assert keep_active == pytest.approx((0.43659 * 0.2, 0.04851 * 0.6, 0.4851 * 0.6, 0.0, 0.0198 * 0.6,
                                         0.01 * 0.6), rel=1e-12)
    assert gain_active == pytest.approx((0.43659 * 0.8, 0.04851 * 0.4, 0.4851 * 0.4, 0.0, 0.0198 * 0.4,
                                         0.01 * 0.4), rel=1e-12)
    assert keep_inactive == pytest.approx((0.198 * 0.6, 0.792, 0.0, 0.0, 0.0, 0.01), rel=1e-12)
    assert gain_inactive == pytest.approx((0.198 * 0.4, 0.0, 0.0, 0.0, 0.0, 0.0), rel=1e-12)
    claiming = kp.cell_destinations(**{**DESTINATIONS, "claims": True})[1]
    assert claiming == pytest.approx((0.0, 0.0, 0.0, 0.99, 0.0, 0.01), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(RATES, RATES, RATES, RATES, RATES, st.booleans(), RATES)
def test_cell_destinations_keep_everyone_and_credit_the_density(q, invalidity, retire, lapse, reentry, claims,
                                                                density):
    keep_active, keep_inactive, gain_active, gain_inactive = kp.cell_destinations(
        q, invalidity, retire, lapse, reentry, claims, density, 0.5 * density)
    assert sum(keep_active) + sum(gain_active) == pytest.approx(1.0, rel=1e-12)
    assert sum(keep_inactive) + sum(gain_inactive) == pytest.approx(1.0, rel=1e-12)
    dead, invalid, retired, lapsed, stayers = kp.active_shares(q, invalidity, retire, lapse)
    back = kp.inactive_shares(q, reentry, claims)[2]
    assert sum(gain_active) == pytest.approx(stayers * density + (dead + invalid + retired + lapsed) * 0.5 * density,
                                             rel=1e-12, abs=1e-15)
    assert sum(gain_inactive) == pytest.approx(back * 0.5 * density, rel=1e-12, abs=1e-15)
    everyone = kp.cell_destinations(q, invalidity, retire, lapse, reentry, claims, 0.0, 0.0)
    assert sum(everyone[2]) == sum(everyone[3]) == 0.0
    # the destinations spread_cells leaves out are 0
    destinations = (keep_active, keep_inactive, gain_active, gain_inactive)
    for kind, never in zip(destinations, kp.NEVER, strict=True):
        assert [kind[k] for k in never] == [0.0] * len(never)


def test_spread_cells_and_load_row_by_hand():
    """A row with 10 actives of service 0 and 20 of service 2 (none of service 1), 5 inactive of service 0,
    entitled to retire from service 2: cells 0 .. 3 of 1 January next get, by the destinations above, the
    persons of the cell who keep their service and those of the cell below who gain a year."""
    other = kp.cell_destinations(**DESTINATIONS)
    entitled = kp.cell_destinations(**{**DESTINATIONS, "retire": 0.9})
    active, inactive = np.array([[10.0, 0.0, 20.0]]), np.array([[5.0, 0.0, 0.0]])  # row (age) 0 of the stocks
    padded_active, padded_inactive = np.full(5, np.nan), np.full(5, np.nan)
    sums = kp.load_row(active, inactive, 0, 2, 2, padded_active, padded_inactive)
    assert sums == (10.0, 20.0, 5.0, 40.0, 0.0)  # below 2, from 2, inactive, years 2 x 20, smallest cell
    assert padded_active.tolist() == [0.0, 10.0, 0.0, 20.0, 0.0]
    assert padded_inactive.tolist() == [0.0, 5.0, 0.0, 0.0, 0.0]
    # the age next is row 1 of the stocks of 1 January next; the row's exits start at packed cell 3
    stocks_next, waiting_next, packed = np.zeros((2, 4)), np.zeros((2, 4)), np.full((9, 4), np.nan)
    years = kp.spread_cells(0, 2, other[0], other[1], other[2], other[3], padded_active, padded_inactive,
                            stocks_next, waiting_next, 1, packed, 3)
    years += kp.spread_cells(2, 3, entitled[0], entitled[1], other[2], other[3], padded_active, padded_inactive,
                             stocks_next, waiting_next, 1, packed, 3)
    years += kp.spread_cells(3, 4, entitled[0], entitled[1], entitled[2], entitled[3], padded_active,
                             padded_inactive, stocks_next, waiting_next, 1, packed, 3)
    assert not stocks_next[0].any() and not waiting_next[0].any()  # other rows untouched
    assert np.isnan(packed[:3]).all() and np.isnan(packed[7:]).all()
    active_next, inactive_next, exits = stocks_next[1], waiting_next[1], packed[3:7]
    keep_a, keep_n, gain_a, gain_n = (np.array(v) for v in other)
    keep_e, gain_e = np.array(entitled[0]), np.array(entitled[2])
    want = np.array([10 * keep_a + 5 * keep_n, 10 * gain_a + 5 * gain_n, 20 * keep_e, 20 * gain_e])
    np.testing.assert_allclose(active_next, want[:, 0], rtol=1e-14)
    np.testing.assert_allclose(inactive_next, want[:, 1], rtol=1e-14)
    np.testing.assert_allclose(exits, want[:, 2:], rtol=1e-14, atol=1e-15)
    assert years == pytest.approx((want[:, 2:].sum(axis=1) * np.arange(4)).sum(), rel=1e-14)
    assert kp.highest_written(padded_active, padded_inactive, 2, 2, other, entitled, 101) == 3
    # spread_cells reads none of the destinations NEVER: NaN there changes nothing
    poisoned = [tuple(np.nan if k in never else v for k, v in enumerate(kind)) for kind, never in
                zip(entitled, kp.NEVER, strict=True)]
    again_next, again_inactive, again_exits = np.zeros((1, 4)), np.zeros((1, 4)), np.full((4, 4), np.nan)
    again = kp.spread_cells(3, 4, *poisoned, padded_active, padded_inactive, again_next, again_inactive, 0, again_exits,
                            0)
    again_next, again_inactive = again_next[0], again_inactive[0]
    assert again == pytest.approx(3 * want[3, 2:].sum(), rel=1e-14)
    np.testing.assert_allclose(again_next[3], want[3, 0], rtol=1e-14)
    np.testing.assert_allclose(again_inactive[3], want[3, 1], rtol=1e-14)
    np.testing.assert_allclose(again_exits[3], want[3, 2:], rtol=1e-14, atol=1e-15)
    assert kp.highest_written(padded_active, padded_inactive, 2, 2, other, entitled, 3) == 2  # the last year


def year_sex(early=55, normal=60, exit_age=70, retire_early=0.3, retire_normal=0.9, min_service=15.0,
             entry_from=15, entry_to=55):
    ys = np.zeros(2, dtype=kp.YEAR_SEX_DTYPE)
    for name, value in dict(early_age=early, normal_age=normal, exit_age=exit_age, retire_early=retire_early,
                            retire_normal=retire_normal, min_service=min_service, entry_from=entry_from,
                            entry_to=entry_to).items():
        ys[name] = value
    return ys


@settings(max_examples=60, deadline=None)
@given(st.integers(50, 75), st.integers(0, 5), st.integers(0, 12), st.floats(0.0, 1.0), st.integers(10, 20))
def test_retirement_rates_equal_twin(normal, early_gap, exit_gap, density, min_service):
    ys = year_sex(early=normal - early_gap, normal=normal, exit_age=normal + exit_gap, min_service=float(min_service))
    A = S = 101
    table = kp.retirement_rates_reference(ys, np.full((2, A), density), A, S)
    for x in range(40, 90):
        other, entitled, first = kp.retirement_rates(x, ys[0], density)
        for s in range(0, 40):
            want = entitled if s >= first else other
            assert table[0, x, s] == want, (x, s)


def test_retirement_rates_on_the_age_attained_during_the_year():
    """Normal age 60, early 55, exit 70, minimum 15 years, density 0.8 (a leaver is credited 0.4 of a
    year on average by the birthday): someone aged 59 on 1 January reaches 60 and retires at the normal
    rate, whatever the service; at 54 they reach 55 and, with 15 years (14.6 needed), retire early."""
    ys = year_sex()[0]
    assert kp.retirement_rates(59, ys, 0.8) == (0.9, 0.9, 0)
    assert kp.retirement_rates(53, ys, 0.8) == (0.0, 0.0, 0)
    other, entitled, first = kp.retirement_rates(54, ys, 0.8)
    assert (other, entitled, first) == (0.0, 0.3, 15)  # ceil(15 - 0.4) = 15 years on 1 January
    assert kp.retirement_rates(69, ys, 0.8)[:2] == (1.0, 1.0)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_balance_age_equals_twin_and_conserves(seed, entry_open):
    rng = np.random.default_rng(seed)
    active = rng.uniform(0, 100, (2, 5, 8)) * (rng.random((2, 5, 8)) < 0.7)
    inactive = rng.uniform(0, 100, (2, 5, 8)) * (rng.random((2, 5, 8)) < 0.7)
    target = rng.uniform(0, 2, (2, 5)) * active.sum(axis=2)
    ys = year_sex(entry_from=0 if entry_open else 9, entry_to=9)
    a_ref, n_ref = active.copy(), inactive.copy()
    entrants_ref, moved_ref, back_ref = kp.balance_reference(a_ref, n_ref, target, ys)
    for g in range(2):
        for y in range(5):
            rows_a, rows_n = active[g].copy(), inactive[g].copy()  # the sex's ages; age y is balanced
            a, n = rows_a[y], rows_n[y]
            entrants, moved, back = kp.balance_age(rows_a, rows_n, y, 7, target[g, y], entry_open, a.sum(), n.sum())
            others = np.arange(5) != y
            assert np.array_equal(rows_a[others], active[g, others]) and np.array_equal(rows_n[others],
                                                                                        inactive[g, others])
            np.testing.assert_allclose([entrants, moved, back], [entrants_ref[g, y], moved_ref[g, y], back_ref[g, y]],
                                       rtol=1e-12, atol=1e-9)
            np.testing.assert_allclose(a, a_ref[g, y], rtol=1e-12, atol=1e-9)
            np.testing.assert_allclose(n, n_ref[g, y], rtol=1e-12, atol=1e-9)
            assert a.sum() + n.sum() == pytest.approx(active[g, y].sum() + inactive[g, y].sum() + entrants,
                                                      rel=1e-12, abs=1e-9)
            if entry_open or a.sum() > target[g, y]:
                assert a.sum() == pytest.approx(target[g, y], rel=1e-12, abs=1e-9)


def test_balance_age_reactivates_before_admitting_entrants():
    rows_a, rows_n = np.array([[50.0, 30.0, 0.0]]), np.array([[0.0, 10.0, 10.0]])  # age 0 of the stocks
    active, inactive = rows_a[0], rows_n[0]
    entrants, moved, back = kp.balance_age(rows_a, rows_n, 0, 2, 110.0, True, 80.0, 20.0)
    assert (entrants, moved, back) == (10.0, 0.0, 20.0)
    np.testing.assert_allclose(active, [60.0, 40.0, 10.0])
    np.testing.assert_allclose(inactive, 0.0)
    rows_a, rows_n = np.array([[50.0, 30.0, 0.0]]), np.array([[0.0, 10.0, 30.0]])
    active, inactive = rows_a[0], rows_n[0]
    entrants, moved, back = kp.balance_age(rows_a, rows_n, 0, 2, 100.0, True, 80.0, 40.0)  # 20 of the 40 come back
    assert (entrants, moved, back) == (0.0, 0.0, 20.0)
    np.testing.assert_allclose(active, [50.0, 35.0, 15.0])
    np.testing.assert_allclose(inactive, [0.0, 5.0, 15.0])
    entrants, moved, back = kp.balance_age(rows_a, rows_n, 0, 2, 80.0, False, 100.0, 20.0)  # 20% of each cell out
    assert (entrants, moved, back) == (0.0, pytest.approx(20.0), 0.0)
    np.testing.assert_allclose(active, [40.0, 28.0, 12.0])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100), st.integers(40, 75), st.floats(0.0, 0.1), st.floats(0.0, 0.1), st.booleans())
def test_award_adjustments_equal_twin(x, normal, reduction, increment, credit):
    y = np.zeros(1, dtype=kp.YEAR_DTYPE)[0]
    y["early_reduction"], y["late_increment"], y["service_credit"] = reduction, increment, credit
    adjust, deferred, extra = kp.award_adjustments_reference(np.arange(101), np.array([normal, normal]), y)
    got = kp.award_adjustments(x, float(normal), y, credit)
    np.testing.assert_allclose(got, (adjust[0, x, 0], deferred[0, x, 0], extra[0, x, 0]), rtol=1e-12, atol=1e-15)


def test_award_adjustments_by_hand():
    """Normal age 65, 4% reduction per year early, 2% increment per year late: an active aged 61 on
    1 January retires at 62, three years early (0.88); aged 66 retires at 67, two years late (1.04); an
    invalid aged 40 on 1 January, invalid at 40 1/2 on average, is credited 24.5 years."""
    y = np.zeros(1, dtype=kp.YEAR_DTYPE)[0]
    y["early_reduction"], y["late_increment"] = 0.04, 0.02
    assert kp.award_adjustments(61, 65.0, y, True)[0] == pytest.approx(0.88)
    assert kp.award_adjustments(66, 65.0, y, True)[:2] == pytest.approx((1.04, 1.04))
    assert kp.award_adjustments(40, 65.0, y, True)[2] == pytest.approx(24.5)
    assert kp.award_adjustments(40, 65.0, y, False)[2] == 0.0


def test_cell_awards_by_hand():
    """15 years of service against minima of 15 (old age), 20 (invalidity) and 10 (survivors)."""
    y = np.zeros(1, dtype=kp.YEAR_DTYPE)[0]
    y["min_service_old_age"], y["min_service_invalidity"], y["min_service_survivors"] = 15.0, 20.0, 10.0
    got = kp.cell_awards(10.0, 2.0, 3.0, 4.0, 15, 5000.0, 6000.0, 900.0, y)
    # old-age 10 + 2 entitled; invalidity 3 not (a grant); deaths 4 entitled, each 6000; grants 3 x 900
    assert got == (12.0, 0.0, 4.0, 24000.0, 3.0, 2700.0)


def test_reference_earnings_along_the_cohort_diagonal():
    """Insurable wages 100, 200, 300 in three years at every age: the cohort aged 40 in the third year earned
    100 at 38, 200 at 39 and 300 at 40.  Its reference earnings over the last m years: 300 (m = 1, service 0
    or 1), 250 (m = 2), 200 (m = 3); a cohort aged 1 has no wage before age 0: (300 + 200) / 5 with 5 years."""
    A = 50
    diag = np.zeros((4, 2, A))
    for h, wage in enumerate((100.0, 200.0, 300.0)):
        kp.push_cohort_sums(diag, h, np.full((2, A), wage))
    out = np.full(4, np.nan)
    kp.reference_earnings(diag, 3, 1, 40, 4, 0, 1.0, out)
    assert out.tolist() == [300.0, 300.0, 250.0, 200.0]
    kp.reference_earnings(diag, 3, 1, 40, 4, 2, 2.0, out)  # at most 2 years, revaluation index 2
    assert out.tolist() == [600.0, 600.0, 500.0, 500.0]
    kp.reference_earnings(diag, 3, 0, 1, 6, 0, 1.0, out := np.full(6, np.nan))
    assert out[5] == pytest.approx(100.0, rel=1e-15)


def test_row_awards_by_hand():
    """Exits of one row with service 0, 1 and 2 years; reference earnings 1,000; 10% a year of service; minimum
    service 2 years for an old-age pension, 1 for invalidity and survivors; a grant of 5% of the wage 800 a year
    of service to the others; early-retirement factor 0.9, deferred 1.0; 1 year of service credited."""
    y = np.zeros(1, dtype=kp.YEAR_DTYPE)[0]
    for name, value in dict(accrual_rate=0.1, min_service_old_age=2.0, min_service_invalidity=1.0,
                            min_service_survivors=1.0, grant_per_year=0.05).items():
        y[name] = value
    row = np.array([[1.0, 0.0, 2.0, 3.0],  # retired, claimed, invalid, dead: service 0
                    [4.0, 1.0, 5.0, 6.0],  # service 1
                    [7.0, 2.0, 8.0, 9.0]])  # service 2
    exits = np.vstack([np.full((2, 4), 1e6), row, np.full((1, 4), 1e6)])  # the row packed from cell 2 of the sex's
    ref = np.full(3, 1000.0)
    share = np.array([0.0, 0.1, 0.2])
    pension, potential = np.full(5, np.nan), np.full(5, np.nan)
    got = kp.row_awards(exits, 2, 3, ref, share, 1.0, 0.9, 1.0, 800.0, y, pension, potential)
    old_number, old_amount = 7.0 + 2.0, 200.0 * (7.0 * 0.9 + 2.0)
    invalid_number, invalid_amount = 5.0 + 8.0, 5.0 * 200.0 + 8.0 * 300.0  # potential: service + 1
    dead_number, dead_pension = 6.0 + 9.0, 6.0 * 200.0 + 9.0 * 300.0
    grants = 1.0 + 2.0 + 3.0 + 4.0 + 1.0  # service 0: all; service 1: the old-age exits
    grant_amount = (4.0 + 1.0) * 0.05 * 1 * 800.0  # service 0 earns no grant
    assert got == pytest.approx((old_number, old_amount, invalid_number, invalid_amount, dead_number, dead_pension,
                                 grants, grant_amount), rel=1e-14)
    assert pension[:3] == pytest.approx([0.0, 100.0, 200.0], rel=1e-14)  # the row's pensions, kept
    assert potential[:3] == pytest.approx([100.0, 200.0, 300.0], rel=1e-14)
