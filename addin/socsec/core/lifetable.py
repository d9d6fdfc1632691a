"""Single-age life tables and projection survival ratios (docs/methodology.md section 3).

Notation (Preston, Heuveline & Guillot 2001, ch. 3; ILO-POP technical guide 2002):

* ``q_x = m_x / (1 + (1 - a_x) m_x)`` with ``a_x = 0.5`` except at age 0, where the
  infant separation factor ``a_0`` is an input (see :func:`infant_separation_factor`).
* ``l_0 = 1`` (radix one), ``l_{x+1} = l_x (1 - q_x)``, ``d_x = l_x q_x``,
  ``L_x = l_{x+1} + a_x d_x``; open group ``omega``: ``q = 1``, ``L_omega = l_omega / m_omega``.
* ``T_x = sum_{y >= x} L_y``, ``e_x = T_x / l_x``.
* Survival ratios used by the cohort-component projection:
  ``S_0 = L_0 / l_0`` (births of the year to age 0 at year end),
  ``S_x = L_x / L_{x-1}`` for ``1 <= x < omega``, ``S_omega = T_omega / T_{omega-1}``.

Arrays are 2-D ``(schedule, age)``: any number of independent schedules (for example
year x sex flattened) over ages ``0 .. omega``; the last age is the open group.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def life_table_kernel(mx, ax0, qx, lx, dx, Lx, Tx, ex):
    """Fill the life-table columns for each row of ``mx`` (numba kernel).

    mx  : (n, A) central death rates per person-year; ``mx[:, -1] > 0`` (open group).
    ax0 : (n,)   infant separation factor a_0 (fraction of the year lived by infants who die).
    qx, lx, dx, Lx, Tx, ex : (n, A) outputs, radix l_0 = 1.
    """
    n, A = mx.shape
    omega = A - 1
    for r in range(n):
        l = 1.0
        for x in range(omega):
            a = ax0[r] if x == 0 else 0.5
            m = mx[r, x]
            q = m / (1.0 + (1.0 - a) * m)
            d = l * q
            lx[r, x] = l
            qx[r, x] = q
            dx[r, x] = d
            Lx[r, x] = l - d + a * d
            l = l - d
        lx[r, omega] = l
        qx[r, omega] = 1.0
        dx[r, omega] = l
        Lx[r, omega] = l / mx[r, omega]
        t = 0.0
        for x in range(omega, -1, -1):
            t += Lx[r, x]
            Tx[r, x] = t
            ex[r, x] = t / lx[r, x] if lx[r, x] > 0.0 else 0.0


def life_table_reference(mx, ax0):
    """Numpy twin of :func:`life_table_kernel`; returns ``(qx, lx, dx, Lx, Tx, ex)``."""
    mx = np.asarray(mx, dtype=np.float64)
    a = np.full(mx.shape, 0.5)
    a[:, 0] = ax0
    qx = mx / (1.0 + (1.0 - a) * mx)
    qx[:, -1] = 1.0
    survivors = np.cumprod(1.0 - qx[:, :-1], axis=1)
    lx = np.concatenate([np.ones((mx.shape[0], 1)), survivors], axis=1)
    dx = lx * qx
    Lx = lx - dx + a * dx
    Lx[:, -1] = lx[:, -1] / mx[:, -1]
    Tx = np.cumsum(Lx[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ex = np.where(lx > 0.0, Tx / lx, 0.0)
    return qx, lx, dx, Lx, Tx, ex


@njit(cache=True)
def survival_ratios_kernel(Lx, Tx, out):
    """Projection survival ratios from life-table columns (radix 1), numba kernel.

    ``out[:, 0] = L_0``; ``out[:, x] = L_x / L_{x-1}`` for 1 <= x < omega;
    ``out[:, omega] = T_omega / T_{omega-1}``.  Zero where the denominator is zero.
    """
    n, A = Lx.shape
    omega = A - 1
    for r in range(n):
        out[r, 0] = Lx[r, 0]
        for x in range(1, omega):
            out[r, x] = Lx[r, x] / Lx[r, x - 1] if Lx[r, x - 1] > 0.0 else 0.0
        out[r, omega] = Tx[r, omega] / Tx[r, omega - 1] if Tx[r, omega - 1] > 0.0 else 0.0


def survival_ratios_reference(Lx, Tx):
    """Numpy twin of :func:`survival_ratios_kernel`."""
    out = np.empty_like(Lx)
    out[:, 0] = Lx[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, 1:-1] = np.where(Lx[:, :-2] > 0.0, Lx[:, 1:-1] / Lx[:, :-2], 0.0)
        out[:, -1] = np.where(Tx[:, -2] > 0.0, Tx[:, -1] / Tx[:, -2], 0.0)
    return out


# Andreev & Kingkade (2015), "Average age at death in infancy and infant mortality level:
# Reconsidering the Coale-Demeny formulas at current levels of low mortality",
# Demographic Research 33(13), Table 3 (a_0 as a function of m_0).  Used by the HMD
# Methods Protocol (v6, 2019) and UN WPP.  Rows: (upper bound of m_0, intercept, slope).
_AK_MALE = ((0.02300, 0.14929, -1.99545), (0.08307, 0.02832, 3.26201), (np.inf, 0.29915, 0.0))
_AK_FEMALE = ((0.01724, 0.14903, -2.05527), (0.06891, 0.04667, 3.88089), (np.inf, 0.31411, 0.0))


# Same source, the q_0 version of the rule.
_AK_MALE_Q = ((0.0226, 0.1493, -2.0367), (0.0785, 0.0244, 3.4994), (np.inf, 0.2991, 0.0))
_AK_FEMALE_Q = ((0.0170, 0.1490, -2.0867), (0.0658, 0.0438, 4.1075), (np.inf, 0.3141, 0.0))


def _piecewise_linear(value, rows):
    value = np.asarray(value, dtype=np.float64)
    out = np.empty_like(value)
    lower = -np.inf
    for upper, intercept, slope in rows:
        sel = (value >= lower) & (value < upper)
        out[sel] = intercept + slope * value[sel]
        lower = upper
    return out


def infant_separation_factor(m0, sex):
    """Infant separation factor a_0 from the infant central death rate m_0.

    Andreev-Kingkade (2015) piecewise-linear rule; ``sex`` 0 = male, 1 = female.
    ``m0`` may be an array; the result has its shape.
    """
    return _piecewise_linear(m0, _AK_MALE if sex == 0 else _AK_FEMALE)


def infant_separation_factor_from_q0(q0, sex):
    """Infant separation factor a_0 from the infant death probability q_0 (Andreev-Kingkade 2015)."""
    return _piecewise_linear(q0, _AK_MALE_Q if sex == 0 else _AK_FEMALE_Q)


def mx_from_qx(qx, ax0):
    """Central death rates from one-year death probabilities (inverse of the q_x formula).

    ``m_x = q_x / (1 - (1 - a_x) q_x)`` with a_x = 0.5 above age 0.  The open-age value of
    ``qx`` (last column) is not a probability; the open group is closed with a constant
    force of mortality equal to that implied by ``q_{omega-1}``:
    ``m_omega = -ln(1 - q_{omega-1})``.
    """
    qx = np.asarray(qx, dtype=np.float64)
    a = np.full(qx.shape, 0.5)
    a[..., 0] = ax0
    mx = qx / (1.0 - (1.0 - a) * qx)
    mx[..., -1] = -np.log1p(-qx[..., -2])
    return mx


@njit(cache=True)
def annuity_due_kernel(survival_discount, last, out):
    """Annuity-due factors of each row (numba kernel): ``a_x = 1 + s_x a_{x+1}`` backwards from
    ``a_omega = last[row]``, with s_x = p_x v (survival to the next age times the discount factor
    of one year, net of any revaluation of the payments).  survival_discount, out: (rows, A);
    last: (rows,)."""
    rows, A = survival_discount.shape
    for r in range(rows):
        out[r, A - 1] = last[r]
        for x in range(A - 2, -1, -1):
            out[r, x] = 1.0 + survival_discount[r, x] * out[r, x + 1]


def annuity_due_reference(survival_discount, last):
    """Numpy twin of :func:`annuity_due_kernel`; returns the factors (rows, A)."""
    out = np.empty_like(survival_discount)
    out[:, -1] = last
    for x in range(survival_discount.shape[1] - 2, -1, -1):
        out[:, x] = 1.0 + survival_discount[:, x] * out[:, x + 1]
    return out
