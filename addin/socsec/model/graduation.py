"""Graduation of grouped demographic data to single years of age (docs/methodology.md section 12.1).

Three tools, all built on one idea: a quantity known for age *groups* is turned into a
cumulative function known exactly at the group *boundaries*, a monotone cubic Hermite spline
(PCHIP; Fritsch & Carlson 1980, with the derivative rule of Fritsch & Butland 1984 as
implemented by :class:`scipy.interpolate.PchipInterpolator`) is passed through those points,
and single-age values are read off as differences of the spline at whole ages.

* Because the spline interpolates the cumulative function at every boundary, the single-age
  values of a group add up to the group total (exactly, up to floating-point rounding).
* Because PCHIP preserves monotonicity, a non-decreasing cumulative function (non-negative
  counts) gives non-negative single-age values; a decreasing ``log l_x`` gives ``q_x >= 0``.
* No parameters are fitted and nothing is smoothed across boundaries beyond the spline's
  own continuity (C1), so the method is stable for small, irregular or partly empty groups
  (e.g. grouped scheme membership data), where Sprague/Beers multipliers can give negatives.

Functions
---------
:func:`graduate_counts`
    counts (population, insured persons, pensioners ...) in age groups, last group open.
:func:`graduate_rates`
    average annual rates in closed age groups (e.g. fertility), zero outside the range.
:func:`single_age_mx_from_abridged`
    abridged central death rates (ages 0, 1, 5, 10, ..., open) to single-age m_x, through an
    abridged life table and a monotone spline of ``log l_x``; the single-age table keeps the
    abridged group rates.  Helpers :func:`default_abridged_ax` (separation factors) and
    :func:`abridged_life_table_lx`.

References
----------
Fritsch, F. N. and Carlson, R. E. (1980), "Monotone piecewise cubic interpolation",
SIAM Journal on Numerical Analysis 17(2), 238-246.
Fritsch, F. N. and Butland, J. (1984), "A method for constructing local monotone piecewise
cubic interpolants", SIAM Journal on Scientific and Statistical Computing 5(2), 300-304.
Preston, S. H., Heuveline, P. and Guillot, M. (2001), *Demography: Measuring and Modeling
Population Processes*, Blackwell: ch. 3 (abridged life table, Table 3.3 for the separation
factors 1a0 and 4a1, from Coale & Demeny 1983).
"""

import warnings

import numpy as np
from scipy.interpolate import PchipInterpolator

from socsec.core import lifetable as lt

__all__ = [
    "graduate_counts",
    "graduate_rates",
    "default_abridged_ax",
    "abridged_life_table_lx",
    "single_age_mx_from_abridged",
]


def _check_boundaries(boundaries, name):
    b = np.asarray(boundaries, dtype=np.float64)
    if b.ndim != 1 or b.size < 2:
        raise ValueError(f"{name} needs at least two values, got {boundaries!r}")
    if np.any(np.diff(b) <= 0):
        raise ValueError(f"{name} must be strictly increasing, got {boundaries!r}")
    if np.any(b != np.round(b)):
        raise ValueError(f"{name} must be whole ages, got {boundaries!r}")
    return b


def _differences_of_cumulative(knots, cumulative, ages):
    """Single-age values ``C(x+1) - C(x)`` for x in ``ages[:-1]``, C = PCHIP through the knots.

    knots: (K,) increasing; cumulative: (..., K) non-decreasing along the last axis;
    ages: (J,) whole ages inside [knots[0], knots[-1]].  Returns (..., J - 1).
    Tiny negative differences from rounding (never more than a few ulps of the total, since
    the spline is monotone) are set to zero.
    """
    spline = PchipInterpolator(knots, cumulative, axis=-1, extrapolate=False)
    values = spline(np.asarray(ages, dtype=np.float64))
    # Exact values at the knots (the spline reproduces them up to rounding; this makes the
    # group sums telescope to the input totals as closely as floating point allows).
    at_knot = np.searchsorted(knots, ages)
    hit = (at_knot < len(knots)) & (knots[np.minimum(at_knot, len(knots) - 1)] == ages)
    values[..., hit] = cumulative[..., at_knot[hit]]
    return np.maximum(np.diff(values, axis=-1), 0.0)


def graduate_counts(group_starts, counts, last_age):
    """Split counts by age group into single years of age; the last group is open.

    Parameters
    ----------
    group_starts : (G,) whole ages, strictly increasing: the first age of each group.  Group
        ``k < G-1`` covers ages ``group_starts[k] .. group_starts[k+1] - 1``; the last group
        (``group_starts[-1]`` and over) is open.  Widths may differ (e.g. 0, 1, 5, 10, ...).
    counts : (..., G) non-negative counts (persons, any unit), any leading axes (e.g. sex).
    last_age : the open age of the result, ``group_starts[0] < last_age <= group_starts[-1]``.
        With ``last_age == group_starts[-1]`` the open group is kept as it is; with a lower
        ``last_age`` the result's open group ``last_age+`` collects everything from
        ``last_age`` up (the spline value at ``last_age`` splits the group containing it).
        An open group cannot be split without a further assumption, so a higher ``last_age``
        is an error.

    Returns
    -------
    (..., last_age - group_starts[0] + 1) counts at single ages ``group_starts[0] .. last_age``
    (the last one open), in the unit of ``counts``.

    Method
    ------
    Cumulative counts ``C(b)`` at the boundaries ``b = group_starts[0], ...,
    group_starts[-1]`` (``C = 0`` at the first) are interpolated by PCHIP and the single-age
    count at age x is ``C(x + 1) - C(x)``.  Group totals are reproduced exactly (to
    floating-point rounding) and every value is >= 0.  Example: WPP 5-year groups
    ``0-4, ..., 95-99, 100+`` (``group_starts = 0, 5, ..., 100``, ``last_age = 100``) give ages
    0..99 and the open group 100+ unchanged.
    """
    starts = _check_boundaries(group_starts, "group_starts")
    counts = np.asarray(counts, dtype=np.float64)
    if counts.shape[-1:] != starts.shape:
        raise ValueError(f"counts has {counts.shape[-1:]} groups along its last axis, "
                         f"group_starts has {starts.size}")
    if np.any(~np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("counts must be finite and non-negative")
    if last_age != int(last_age) or not starts[0] < last_age <= starts[-1]:
        raise ValueError(f"last_age must be a whole age in ({starts[0]:g}, {starts[-1]:g}], "
                         f"got {last_age!r}")
    last_age = int(last_age)
    closed = counts[..., :-1]
    cumulative = np.concatenate([np.zeros(counts.shape[:-1] + (1,)), np.cumsum(closed, axis=-1)],
                                axis=-1)
    ages = np.arange(int(starts[0]), last_age + 1, dtype=np.float64)
    single = _differences_of_cumulative(starts, cumulative, ages)
    total = counts.sum(axis=-1, keepdims=True)
    open_group = total - single.sum(axis=-1, keepdims=True)
    if last_age == int(starts[-1]):
        open_group = counts[..., -1:]
    return np.concatenate([single, np.maximum(open_group, 0.0)], axis=-1)


def graduate_rates(group_starts, rates, end_age, zero_at_ends=True):
    """Split average annual rates of closed age groups into single-age rates.

    Parameters
    ----------
    group_starts : (G,) whole ages, strictly increasing; group k covers ages
        ``group_starts[k] .. group_starts[k+1] - 1`` and the last one ends at ``end_age - 1``.
    rates : (..., G) non-negative average annual rates in each group (e.g. ASFR, births per
        woman per year; or percent of TFR per year of age = ``pasfr / 5`` for WPP 5-year
        groups).  Any leading axes.
    end_age : first age after the last group (e.g. 50 for groups 15-19 .. 45-49).
    zero_at_ends : if True (default) the rate is taken to be zero just outside the range:
        the spline is given an empty group of the same width on each side, so that the
        PCHIP slope (the single-age rate) is zero at exact ages ``group_starts[0]`` and
        ``end_age`` (the Fritsch-Butland rule sets the slope to zero next to a flat
        segment).  If False, PCHIP's one-sided end slopes are used.

    Returns
    -------
    (..., end_age - group_starts[0]) single-age rates for ages ``group_starts[0] ..
    end_age - 1``, in the unit of ``rates``.

    Method
    ------
    Rates are turned into "counts" ``rate_k * width_k`` (e.g. children per woman born in the
    group), these are graduated as in :func:`graduate_counts` with a closed last group
    ending at ``end_age``, and each single-age value is the rate at that age
    (``width 1``).  Hence ``sum of single-age rates over group k = rate_k * width_k`` exactly
    (to rounding): the TFR is kept, and a pattern in percent of TFR still adds up to 100.
    """
    starts = _check_boundaries(group_starts, "group_starts")
    rates = np.asarray(rates, dtype=np.float64)
    if rates.shape[-1:] != starts.shape:
        raise ValueError(f"rates has {rates.shape[-1:]} groups along its last axis, "
                         f"group_starts has {starts.size}")
    if np.any(~np.isfinite(rates)) or np.any(rates < 0):
        raise ValueError("rates must be finite and non-negative")
    if end_age != int(end_age) or end_age <= starts[-1]:
        raise ValueError(f"end_age must be a whole age above {starts[-1]:g}, got {end_age!r}")
    bounds = np.append(starts, float(end_age))
    widths = np.diff(bounds)
    amounts = rates * widths
    cumulative = np.concatenate([np.zeros(rates.shape[:-1] + (1,)), np.cumsum(amounts, axis=-1)],
                                axis=-1)
    knots = bounds
    if zero_at_ends:
        knots = np.concatenate([[bounds[0] - widths[0]], bounds, [bounds[-1] + widths[-1]]])
        cumulative = np.concatenate([cumulative[..., :1], cumulative, cumulative[..., -1:]], axis=-1)
    ages = np.arange(int(bounds[0]), int(end_age) + 1, dtype=np.float64)
    return _differences_of_cumulative(knots, cumulative, ages)


def _separation_4a1(m0, sex):
    """Separation factor 4a1 of the 1-4 age group from the infant rate 1m0.

    Coale-Demeny (1983) rule as tabulated by Preston et al. (2001), Table 3.3:
    males ``1.651 - 2.816 m0`` if ``m0 < 0.107`` else ``1.352``;
    females ``1.522 - 1.518 m0`` if ``m0 < 0.107`` else ``1.361``.
    """
    m0 = np.asarray(m0, dtype=np.float64)
    if sex == 0:
        return np.where(m0 >= 0.107, 1.352, 1.651 - 2.816 * m0)
    return np.where(m0 >= 0.107, 1.361, 1.522 - 1.518 * m0)


def _constant_force_ax(m, n):
    """``na_x`` under a constant force of mortality m within [x, x+n): ``1/m - n/(e^{nm} - 1)``.

    Equals ``n/2 - n^2 m/12 + n^4 m^3/720 - ...`` (the series is used for small ``n m``), is
    always below ``1/m`` (so that ``nq_x < 1``) and tends to n/2 as m -> 0.
    """
    m = np.asarray(m, dtype=np.float64)
    nm = n * m
    small = nm < 1e-3
    safe = np.where(small, 1.0, m)
    exact = 1.0 / safe - n / np.expm1(np.where(small, 1.0, nm))
    series = n / 2.0 - n * nm / 12.0 + n * nm ** 3 / 720.0
    return np.where(small, series, exact)


def _qx_from_mx(m, n, a):
    """``nq_x = n m / (1 + (n - a) m)`` (Preston et al. 2001, eq. 3.11)."""
    return n * m / (1.0 + (n - a) * m)


def default_abridged_ax(ages, mx_abridged, sex):
    """Separation factors ``na_x`` for the closed groups of an abridged table.

    ``a_0``: Andreev-Kingkade (2015) rule on ``1m0`` (the rule the projection uses, see
    :func:`socsec.core.lifetable.infant_separation_factor`); ``4a1``: Coale-Demeny rule of
    Preston et al. (2001) Table 3.3; other groups: constant force of mortality within the
    group (:func:`_constant_force_ax`), which is ``n/2`` to within ``n^2 m / 12`` at low
    mortality but, unlike ``n/2``, keeps ``nq_x < 1`` when ``n m >= 2`` (WPP rates at 90-99 can
    exceed 0.4).  Returns (..., G - 1).
    """
    ages = _check_boundaries(ages, "ages")
    m = np.asarray(mx_abridged, dtype=np.float64)
    n = np.diff(ages)
    a = _constant_force_ax(m[..., :-1], n)
    if ages[0] == 0 and n[0] == 1:
        a[..., 0] = lt.infant_separation_factor(m[..., 0], sex)
        if len(n) > 1 and n[1] == 4:
            a[..., 1] = _separation_4a1(m[..., 0], sex)
    return a


def abridged_life_table_lx(ages, mx_abridged, sex, ax=None):
    """Survivors ``l_x`` (radix 1) of an abridged life table at the group starts ``ages``.

    ages : (G,) group starts, ``0, 1, 5, 10, ..., omega`` (last group open);
    mx_abridged : (..., G) central death rates ``nM_x`` per person-year;
    sex : 0 = male, 1 = female; ax : (..., G-1) separation factors ``na_x`` (years lived in
    the group by those who die in it), default :func:`default_abridged_ax`.

    ``nq_x = n m / (1 + (n - na_x) m)``, ``l_{x+n} = l_x (1 - nq_x)`` (Preston et al. 2001,
    ch. 3).  Returns (..., G).
    """
    ages = _check_boundaries(ages, "ages")
    m = np.asarray(mx_abridged, dtype=np.float64)
    if m.shape[-1:] != ages.shape:
        raise ValueError(f"mx_abridged has {m.shape[-1:]} ages, expected {ages.size}")
    if np.any(~np.isfinite(m)) or np.any(m < 0) or np.any(m[..., -1] <= 0):
        raise ValueError("death rates must be finite, non-negative, and positive in the open group")
    a = default_abridged_ax(ages, m, sex) if ax is None else np.asarray(ax, dtype=np.float64)
    q = _qx_from_mx(m[..., :-1], np.diff(ages), a)
    if np.any(q >= 1.0):
        raise ValueError("nq_x >= 1 in a closed group: separation factors too large for the rates")
    return np.concatenate([np.ones(m.shape[:-1] + (1,)), np.cumprod(1.0 - q, axis=-1)], axis=-1)


def _single_age_mx_from_lx(ages, lx, m):
    """Single-age m_x from boundary l_x by PCHIP of log l_x (see single_age_mx_from_abridged)."""
    omega = int(ages[-1])
    single = np.arange(omega + 1, dtype=np.float64)
    log_l = PchipInterpolator(ages, np.log(lx), axis=-1, extrapolate=False)(single)
    log_l[..., ages.astype(int)] = np.log(lx)
    q = -np.expm1(np.minimum(np.diff(log_l, axis=-1), 0.0))
    mx = q / (1.0 - 0.5 * q)
    mx[..., 0] = m[..., 0]
    return np.concatenate([mx, m[..., -1:]], axis=-1)


def single_age_mx_from_abridged(ages, mx_abridged, sex, max_iter=200, tol=1e-10):
    """Single-age central death rates ``m_x``, x = 0 .. omega, from an abridged schedule.

    Parameters
    ----------
    ages : (G,) group starts of the abridged schedule, ``0, 1, 5, 10, ..., omega`` (WPP:
        ``0, 1, 5, ..., 95, 100``); the last group ``omega+`` is open.
    mx_abridged : (..., G) central death rates per person-year (``nM_x``), any leading axes.
    sex : 0 = male, 1 = female (selects the a_0 and 4a1 rules).
    max_iter, tol : control of the separation-factor iteration (step 4): stop when no
        ``na_x`` changes by more than ``tol`` years.

    Returns
    -------
    (..., omega + 1) ``m_x`` per person-year for single ages 0..omega (omega open).

    Method
    ------
    1. Abridged life table (:func:`abridged_life_table_lx` with the separation factors of
       :func:`default_abridged_ax`): ``l_x`` at 0, 1, 5, ..., omega.
    2. PCHIP of ``log l_x`` through those points (monotone, so ``l`` never increases),
       evaluated at every whole age; ``q_x = 1 - l_{x+1} / l_x`` for x < omega.
    3. ``m_x = q_x / (1 - q_x / 2)`` (``a_x = 1/2``, as in the projection's single-age table)
       for 1 <= x < omega; ``m_0`` = the abridged ``1M_0`` (the projection rebuilds ``q_0``
       from it with the same Andreev-Kingkade a_0); ``m_omega`` = the abridged open-group rate.
    4. The separation factors are then replaced by those of the single-age table,
       ``na_x = (sum_{y=x}^{x+n-1} L_y - n l_{x+n}) / (l_x - l_{x+n})``, and steps 1-3 repeated
       until they no longer change (in the spirit of the estimates of na_x from the shape
       of the death distribution discussed by Preston et al. 2001, ch. 3).  Each step moves
       ``na_x`` 70% of the way to the new value: undamped steps can oscillate for extreme
       schedules (e.g. a hundredfold jump of the rate between neighbouring groups).  The
       WPP schedules need about 20 steps; a RuntimeWarning is issued if ``max_iter`` is
       reached.  At convergence the single-age table's group
       rates ``sum d_y / sum L_y`` equal the given ``nM_x``, so projected deaths by group
       agree with the source rates, and the abridged table (with the final ``na_x``) and the
       single-age table share ``l_x`` at every group boundary (to rounding).

    The life table used for the check is :func:`socsec.core.lifetable.life_table_reference`
    (``a_x = 1/2`` above age 0, Andreev-Kingkade ``a_0``, ``L_omega = l_omega / m_omega``).
    """
    ages = _check_boundaries(ages, "ages")
    if ages[0] != 0 or ages[1] != 1:
        raise ValueError("the abridged schedule must start with ages 0 and 1 (infant rate)")
    m = np.asarray(mx_abridged, dtype=np.float64)
    mx, _ = _single_age_mx_iterated(ages, m, sex, max_iter, tol)
    return mx


_DAMPING = 0.7


def _single_age_mx_iterated(ages, m, sex, max_iter, tol):
    """Steps 1-4 of :func:`single_age_mx_from_abridged`; returns ``(mx, final na_x)``."""
    n = np.diff(ages)
    a = default_abridged_ax(ages, m, sex)
    lead = m.shape[:-1]
    A = int(ages[-1]) + 1
    a0 = lt.infant_separation_factor(m[..., 0], sex)
    starts = ages[:-1].astype(int)
    mc = m[..., :-1]
    # separation factors must stay below 1/m for nq_x < 1 (and within [0, n])
    upper = np.minimum(n, np.where(mc > 0, (1.0 - 1e-12) / np.where(mc > 0, mc, 1.0), n))
    for _ in range(max_iter):
        lx = abridged_life_table_lx(ages, m, sex, a)
        mx = _single_age_mx_from_lx(ages, lx, m)
        _, _, _, Lx, _, _ = lt.life_table_reference(mx.reshape(-1, A), np.reshape(a0, -1))
        L_group = np.add.reduceat(Lx[:, :-1], starts, axis=-1).reshape(lead + (len(n),))
        d_group = lx[..., :-1] - lx[..., 1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            a_new = np.where(d_group > 0, (L_group - n * lx[..., 1:]) / d_group, n / 2.0)
        a_new = np.clip(a_new, 0.0, upper)
        change = np.max(np.abs(a_new - a)) if a.size else 0.0
        a = a + _DAMPING * (a_new - a)
        if change < tol:
            break
    else:
        warnings.warn(f"single_age_mx_from_abridged: separation factors still changed by {change:.1e} "
                      f"after {max_iter} iterations; group rates are kept only approximately",
                      RuntimeWarning, stacklevel=3)
    lx = abridged_life_table_lx(ages, m, sex, a)
    return _single_age_mx_from_lx(ages, lx, m), a
