"""Life tables (docs/methodology.md section 3) against the UN WPP 2019 tables for Canada and textbook identities.

Tolerances against the UN tables come from the data, not from our output: the stored UN
values have 10 significant digits (relative rounding <= 5e-10), and the columns compared are
sums/products of well-conditioned terms, so 5e-9 (10x the rounding) is the tolerance for
q_x, l_x, d_x, L_x, S_x (worst seen 7e-10).

The UN closes its tables with L_100 = l_100 a_100 (its tables run to 130+), we close with
L_100 = l_100 / m_100.  That changes T_x and e_x at every age by exactly
(L_100^ours - L_100^UN) / l_x, which is checked at 5e-9 after that correction; without it,
e_0 differs by up to 0.03 years, so the plain e_0 check uses 0.05 years (half a unit of the
one-decimal e_0 usually published), and e_98 differs by ~0.3 years.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import wpp2019_data as wpp
from socsec.core import lifetable as lt
from socsec.model.population import compute_life_tables

UN_RTOL = 5e-9
E0_ATOL_YEARS = 0.05
YEARS = (1950, 1985, 2019)
SEXES = ((0, "male"), (1, "female"))
RADIX = 100000.0


def _ours_and_un(year, sex):
    d = wpp.canada()["lt"]
    t = year - wpp.BASE_YEAR
    un = {k: v[t, sex] for k, v in d.items()}
    cols = lt.life_table_reference(un["mx"][None, :], np.array([un["ax"][0]]))
    ours = dict(zip(("qx", "lx", "dx", "Lx", "Tx", "ex"), (c[0] for c in cols)))
    ours["Sx"] = lt.survival_ratios_reference(cols[3], cols[4])[0]
    return ours, un


def _rel(a, b):
    return np.abs(np.asarray(a) / np.asarray(b) - 1.0)


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("sex,name", SEXES)
def test_matches_un_life_table(year, sex, name):
    ours, un = _ours_and_un(year, sex)
    ages = slice(0, 99)  # 0..98
    worst = {
        "qx": _rel(ours["qx"][ages], un["qx"][ages]).max(),
        "lx": _rel(RADIX * ours["lx"][ages], un["lx"][ages]).max(),
        "dx": _rel(RADIX * ours["dx"][ages], un["dx"][ages]).max(),
        "Lx": _rel(RADIX * ours["Lx"][ages], un["Lx"][ages]).max(),
        "Sx": _rel(ours["Sx"][ages], un["Sx"][ages]).max(),
    }
    print(year, name, {k: f"{v:.1e}" for k, v in worst.items()})
    for column, err in worst.items():
        assert err < UN_RTOL, column
    # l_100 (survivors to the open group) agrees too; only L_100 differs.
    assert _rel(RADIX * ours["lx"][100], un["lx"][100]) < UN_RTOL
    np.testing.assert_allclose(un["Lx"][100], un["lx"][100] * un["ax"][100], rtol=UN_RTOL)


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("sex,name", SEXES)
def test_life_expectancy_differs_from_un_only_by_open_group_closure(year, sex, name):
    ours, un = _ours_and_un(year, sex)
    ages = slice(0, 99)
    shift = ours["Lx"][100] - un["Lx"][100] / RADIX  # radix 1
    assert shift > 0  # 1/m_100 > a_100 for these tables
    np.testing.assert_allclose(RADIX * (ours["Tx"][ages] - shift), un["Tx"][ages], rtol=UN_RTOL)
    np.testing.assert_allclose(ours["ex"][ages] - shift / ours["lx"][ages], un["ex"][ages], rtol=UN_RTOL)
    e0_gap = ours["ex"][0] - un["ex"][0]
    print(f"{year} {name}: e0 ours - UN = {e0_gap:.4f} years, e98 gap {ours['ex'][98] - un['ex'][98]:.3f}")
    assert 0 < e0_gap < E0_ATOL_YEARS


def test_model_life_tables_keep_year_and_sex_order():
    """compute_life_tables on (year, sex, age) gives the same as one table at a time, both engines."""
    d = wpp.canada()
    mx = d["lt"]["mx"][:5]
    ax0 = d["infant_ax"][:5]
    for engine in ("numba", "numpy"):
        tables = compute_life_tables(mx, ax0, engine)
        for t in range(5):
            for s in (0, 1):
                cols = lt.life_table_reference(mx[t, s][None, :], np.array([ax0[t, s]]))
                np.testing.assert_allclose(tables.ex[t, s], cols[5][0], rtol=1e-12)
                np.testing.assert_allclose(tables.Lx[t, s], cols[3][0], rtol=1e-12)
        np.testing.assert_allclose(RADIX * tables.lx[:, :, :100], d["lt"]["lx"][:5, :, :100], rtol=UN_RTOL)


# ---------------------------------------------------------------- textbook identities

def _gompertz_makeham(A, a=5e-5, b=0.095, c=4e-4, infant=0.006):
    x = np.arange(A)
    m = c + a * np.exp(b * x)
    m[0] += infant
    return m


@pytest.mark.parametrize("engine", ("numba", "numpy"))
def test_identities(engine):
    mx = np.stack([_gompertz_makeham(101), _gompertz_makeham(101, a=3e-5, b=0.1, infant=0.03)])
    ax0 = np.array([0.12, 0.31])
    if engine == "numba":
        cols = [np.empty_like(mx) for _ in range(6)]
        lt.life_table_kernel(mx, ax0, *cols)
    else:
        cols = lt.life_table_reference(mx, ax0)
    qx, lx, dx, Lx, Tx, ex = cols
    np.testing.assert_allclose(dx.sum(axis=1), 1.0, rtol=1e-13)          # sum d_x = l_0
    np.testing.assert_allclose(Tx[:, 0], ex[:, 0], rtol=1e-15)           # radix 1: T_0 = e_0
    np.testing.assert_allclose(Lx.sum(axis=1), ex[:, 0], rtol=1e-13)     # e_0 = sum L_x
    np.testing.assert_allclose(dx / Lx, mx, rtol=1e-12)                  # the table reproduces m_x
    np.testing.assert_allclose(lx[:, 1:], lx[:, :-1] - dx[:, :-1], rtol=1e-13)
    assert np.all((Lx[:, :-1] <= lx[:, :-1]) & (Lx[:, :-1] >= lx[:, 1:]))
    np.testing.assert_allclose(Lx[:, 0], lx[:, 1] + ax0 * dx[:, 0], rtol=1e-14)
    np.testing.assert_allclose(ex[:, -1], 1.0 / mx[:, -1], rtol=1e-14)   # open group e = 1/m
    assert np.all(qx[:, -1] == 1.0)


def test_constant_force_gives_constant_life_expectancy():
    """m_x = m at every age and a_0 = 0.5: d_x = m L_x everywhere, so e_x = 1/m at every age."""
    for m in (0.001, 0.02, 0.3):
        mx = np.full((1, 60), m)
        cols = lt.life_table_reference(mx, np.array([0.5]))
        np.testing.assert_allclose(cols[5][0], 1.0 / m, rtol=1e-12)


def test_survival_ratios_chain_to_Lx():
    mx = np.stack([_gompertz_makeham(101), _gompertz_makeham(101, a=2e-5)])
    qx, lx, dx, Lx, Tx, ex = lt.life_table_reference(mx, np.array([0.1, 0.15]))
    S = np.empty_like(Lx)
    lt.survival_ratios_kernel(Lx, Tx, S)
    np.testing.assert_allclose(np.cumprod(S[:, :-1], axis=1), Lx[:, :-1], rtol=1e-12)
    np.testing.assert_allclose(S[:, -1], Tx[:, -1] / Tx[:, -2], rtol=1e-15)
    np.testing.assert_array_equal(S, lt.survival_ratios_reference(Lx, Tx))


# Andreev & Kingkade (2015), Demographic Research 33(13), Table 3; the same table is in the HMD
# Methods Protocol v6 (2019).  Expected values worked out by hand from the published
# coefficients (intercept + slope * m0), one point in each segment of the rule:
#   males:   m0 < 0.02300: 0.14929 - 1.99545 m0;  < 0.08307: 0.02832 + 3.26201 m0;  else 0.29915
#   females: m0 < 0.01724: 0.14903 - 2.05527 m0;  < 0.06891: 0.04667 + 3.88089 m0;  else 0.31411
AK_M0_POINTS = [
    (0, 0.01, 0.1293355),    # 0.14929 - 0.0199545
    (0, 0.05, 0.1914205),    # 0.02832 + 0.1631005
    (0, 0.10, 0.29915),
    (1, 0.01, 0.1284773),    # 0.14903 - 0.0205527
    (1, 0.05, 0.2407145),    # 0.04667 + 0.1940445
    (1, 0.10, 0.31411),
]
# q0 version of the same table:
#   males:   q0 < 0.0226: 0.1493 - 2.0367 q0;  < 0.0785: 0.0244 + 3.4994 q0;  else 0.2991
#   females: q0 < 0.0170: 0.1490 - 2.0867 q0;  < 0.0658: 0.0438 + 4.1075 q0;  else 0.3141
AK_Q0_POINTS = [
    (0, 0.01, 0.128933),     # 0.1493 - 0.020367
    (0, 0.05, 0.19937),      # 0.0244 + 0.17497
    (0, 0.10, 0.2991),
    (1, 0.01, 0.128133),     # 0.1490 - 0.020867
    (1, 0.05, 0.249175),     # 0.0438 + 0.205375
    (1, 0.10, 0.3141),
]


@pytest.mark.parametrize("sex,m0,expected", AK_M0_POINTS)
def test_infant_separation_factor_andreev_kingkade(sex, m0, expected):
    assert lt.infant_separation_factor(np.array([m0]), sex)[0] == pytest.approx(expected, abs=1e-12)
    assert float(lt.infant_separation_factor(m0, sex)) == pytest.approx(expected, abs=1e-12)  # scalar input


@pytest.mark.parametrize("sex,q0,expected", AK_Q0_POINTS)
def test_infant_separation_factor_from_q0_andreev_kingkade(sex, q0, expected):
    assert lt.infant_separation_factor_from_q0(np.array([q0]), sex)[0] == pytest.approx(expected, abs=1e-12)


def test_infant_separation_factor_breakpoints_and_shape():
    # At a breakpoint the upper segment applies (m0 < bound is the lower one).
    assert lt.infant_separation_factor(np.array([0.023]), 0)[0] == pytest.approx(0.02832 + 3.26201 * 0.023, abs=1e-12)
    assert lt.infant_separation_factor(np.array([0.0229999]), 0)[0] == pytest.approx(0.14929 - 1.99545 * 0.0229999, abs=1e-12)
    m0 = np.linspace(0.001, 0.2, 24).reshape(2, 3, 4)
    assert lt.infant_separation_factor(m0, 1).shape == m0.shape


def test_un_infant_ax_is_close_to_andreev_kingkade_recently():
    """WPP 2019 uses the Andreev-Kingkade rule at low mortality: the 2019 UN a_0 is within 3e-4 of it."""
    d = wpp.canada()
    for sex in (0, 1):
        rule = lt.infant_separation_factor(d["lt"]["mx"][-1:, sex, 0], sex)[0]
        assert abs(rule - d["infant_ax"][-1, sex]) < 3e-4


def test_mx_from_qx_inverts_q_formula():
    rng = np.random.default_rng(7)
    for shape in ((5, 30), (3, 2, 30)):
        mx = rng.uniform(1e-4, 0.6, shape)
        ax0 = rng.uniform(0.05, 0.35, shape[:-1])
        a = np.full(shape, 0.5)
        a[..., 0] = ax0
        qx = mx / (1.0 + (1.0 - a) * mx)
        back = lt.mx_from_qx(qx, ax0)
        np.testing.assert_allclose(back[..., :-1], mx[..., :-1], rtol=1e-13)
        # Open group: constant force implied by q_{omega-1}.
        np.testing.assert_allclose(back[..., -1], -np.log(1.0 - qx[..., -2]), rtol=1e-14)
    # Round trip through the life table (a_x = 0.5 above age 0).
    mx = np.stack([_gompertz_makeham(101)])
    qx = lt.life_table_reference(mx, np.array([0.14]))[0]
    np.testing.assert_allclose(lt.mx_from_qx(qx, np.array([0.14]))[:, :-1], mx[:, :-1], rtol=1e-13)


@settings(max_examples=30, deadline=None)
@given(rows=st.integers(1, 12), A=st.integers(2, 60), seed=st.integers(0, 2**32 - 1))
def test_annuity_due_kernel_equals_twin_and_the_recursion_by_hand(rows, A, seed):
    rng = np.random.default_rng(seed)
    survival_discount = rng.uniform(0, 1.05, (rows, A))
    last = rng.uniform(1, 30, rows)
    out = np.full((rows, A), np.nan)
    lt.annuity_due_kernel(survival_discount, last, out)
    np.testing.assert_allclose(out, lt.annuity_due_reference(survival_discount, last), rtol=1e-15)
    r = int(rng.integers(0, rows))
    by_hand = last[r]  # a_x = 1 + s_x + s_x s_{x+1} + ... + (s_x ... s_{omega-1}) a_omega
    for x in range(A - 2, -1, -1):
        by_hand = 1.0 + survival_discount[r, x] * by_hand
    assert out[r, 0] == pytest.approx(by_hand, rel=1e-14)
