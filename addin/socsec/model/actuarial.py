"""Actuarial function library: life tables, annuities, present values, GAP, scaled premiums, reserves.

Plain functions on plain numbers (docs/methodology.md sections 3 and 10), used by the Excel UDFs
(``SOCSEC_...``) and by the financing block.  Conventions shared by every function:

* Year ``t = 0, 1, ..., n-1`` runs from time ``t`` to ``t + 1`` (time 0 = 1 January of the
  first year).  Stocks (reserves) are at the start or end of a year; flows (contributions,
  expenditure, insurable earnings) happen during the year.
* ``interest`` is an annual effective rate (0.05 = 5%), either one number for every year or
  one value per year (``i_t``).  Discount factors: ``v_t = 1 / (1 + i_t)``;
  ``D_t = v_0 v_1 ... v_{t-1}`` discounts from time ``t`` to time 0 (``D_0 = 1``);
  mid-year flows of year ``t`` are discounted with ``D_t v_t^(1/2)``.
* Mid-year cash flows (docs/methodology.md section 10.2): a flow ``X_t`` spread evenly over year ``t``
  earns half a year of interest, ``((1 + i_t)^(1/2) - 1) X_t``.
* Rows are counted from 1, as in a worksheet: "row 57" of a q_x column starting at age 0 is
  age 56.  Bad input raises :class:`ValueError` saying what is wrong and where.
"""

import math
import numbers

import numpy as np

from socsec.core import lifetable as lt
from socsec.core.finance import scaled_rates_kernel

TIMINGS = ("mid", "start", "end")
RATE_KINDS = ("qx", "mx")


# --- validation helpers ---------------------------------------------------------------------

def _vector(values, name: str, min_length: int = 1) -> np.ndarray:
    """A 1-D float array of finite numbers; raise ValueError naming the first bad row."""
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be numbers, found text {values!r}")
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu" and values.ndim == 1 and len(values) >= min_length:
        out = values.astype(np.float64)  # numeric arrays (the model's own series): checked at once
        bad = np.flatnonzero(~np.isfinite(out))
        if len(bad):
            raise ValueError(f"{name} must be finite numbers (row {bad[0] + 1}: found {out[bad[0]]})")
        return out
    array = np.asarray(values, dtype=object)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one row or one column of numbers, found shape {array.shape}")
    if len(array) < min_length:
        raise ValueError(f"{name} must have at least {min_length} value{'s' if min_length > 1 else ''}, "
                         f"found {len(array)}")
    out = np.empty(len(array))
    for k, value in enumerate(array):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            found = "an empty cell" if value is None else (f"text {value!r}" if isinstance(value, str)
                                                            else repr(value))
            raise ValueError(f"{name} must be numbers (row {k + 1}: found {found})")
        if not math.isfinite(float(value)):
            raise ValueError(f"{name} must be finite numbers (row {k + 1}: found {float(value)})")
        out[k] = float(value)
    return out


def _scalar(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        found = "nothing" if value is None else (f"text {value!r}" if isinstance(value, str) else repr(value))
        raise ValueError(f"{name} must be a number, found {found}")
    return float(value)


def _rates(interest, n: int, name: str = "interest") -> np.ndarray:
    """Interest as one value per year: a number (every year) or n values; each above -1."""
    if np.ndim(interest) == 0 and not isinstance(interest, (list, tuple)):
        rates = np.full(n, _scalar(interest, name))
    else:
        rates = _vector(interest, name)
        if len(rates) == 1:
            rates = np.full(n, rates[0])
        elif len(rates) != n:
            raise ValueError(f"{name} must be one number or one value per year ({n}), found {len(rates)} values")
    bad = np.flatnonzero(rates <= -1.0)
    if len(bad):
        raise ValueError(f"{name} must be above -1 (row {bad[0] + 1}: found {rates[bad[0]]:g})")
    return rates


def _same_length(**series):
    lengths = {name: len(values) for name, values in series.items()}
    if len(set(lengths.values())) > 1:
        listing = ", ".join(f"{name} has {length}" for name, length in lengths.items())
        raise ValueError(f"the yearly series must have the same number of values: {listing}")


def _whole(value, name: str, low: int, high: int | None = None) -> int:
    number = _scalar(value, name)
    if number != int(number) or number < low or (high is not None and number > high):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be a whole number {limit}, found {number:g}")
    return int(number)


def discount_factors(interest, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(D, D_mid)``: ``D[t]`` discounts time ``t`` to time 0 (t = 0..n, ``D[0] = 1``);
    ``D_mid[t] = D[t] (1 + i_t)^(-1/2)`` discounts the middle of year ``t`` (t = 0..n-1)."""
    rates = _rates(interest, n)
    D = np.concatenate([[1.0], np.cumprod(1.0 / (1.0 + rates))])
    return D, D[:-1] / np.sqrt(1.0 + rates)


# --- life tables and annuities (docs/methodology.md section 3) ---------------------------------------

def _qx_column(qx, name: str = "qx") -> np.ndarray:
    q = _vector(qx, name, min_length=2)
    bad = np.flatnonzero((q < 0.0) | (q > 1.0))
    if len(bad):
        k = bad[0]
        raise ValueError(f"{name} must be between 0 and 1 (row {k + 1}, age {k}: found {q[k]:g})")
    if q[-1] <= 0.0:
        raise ValueError(f"{name}: the last value closes the table and must be above 0 "
                         f"(row {len(q)}, age {len(q) - 1}: found {q[-1]:g})")
    return q


def life_table_columns(rates, kind: str = "qx", infant_ax: float = 0.5) -> dict:
    """Single-age life table from a column of q_x (or m_x) for ages 0, 1, ..., omega.

    Returns a dict of arrays ``l, d, L, T, e`` (and ``q``, ``m``), radix ``l_0 = 1``:
    ``l_{x+1} = l_x (1 - q_x)``, ``d_x = l_x q_x``, ``L_x = l_{x+1} + a_x d_x`` with
    ``a_x = 0.5`` above age 0 and ``a_0 = infant_ax``, ``T_x = sum_{y>=x} L_y``,
    ``e_x = T_x / l_x`` (complete expectation of life, years).  Computed by the core kernel
    :func:`socsec.core.lifetable.life_table_reference` (twin of the numba kernel).

    kind "mx": central death rates per person-year, each > 0 at the last age; the open group
    omega gets ``L_omega = l_omega / m_omega``.
    kind "qx": one-year death probabilities in [0, 1]; converted to the m_x that give back
    the same q_x (``m_x = q_x / (1 - (1 - a_x) q_x)``).  The last value closes the table: the
    open group keeps dying at the rate ``q_omega`` each year, which gives
    ``L_omega = l_omega (1 - q_omega / 2) / q_omega`` (``l_omega / 2`` when ``q_omega = 1``),
    consistent with :func:`annuity_due`.
    """
    if kind not in RATE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(RATE_KINDS)}, found {kind!r}")
    a0 = _scalar(infant_ax, "infant_ax")
    if not 0.0 <= a0 <= 1.0:
        raise ValueError(f"infant_ax must be between 0 and 1, found {a0:g}")
    if kind == "qx":
        q = _qx_column(rates)
        a = np.full(len(q), 0.5)
        a[0] = a0
        m = q / (1.0 - (1.0 - a) * q)
    else:
        m = _vector(rates, "mx", min_length=2)
        bad = np.flatnonzero(m < 0.0)
        if len(bad):
            k = bad[0]
            raise ValueError(f"mx must be at least 0 (row {k + 1}, age {k}: found {m[k]:g})")
        if m[-1] <= 0.0:
            raise ValueError(f"mx: the last value (open age group) must be above 0 "
                             f"(row {len(m)}, age {len(m) - 1}: found {m[-1]:g})")
    qx, lx, dx, Lx, Tx, ex = (c[0] for c in lt.life_table_reference(m[None, :], np.array([a0])))
    if kind == "qx":
        qx = q.copy()  # the kernel sets the open group to 1; keep the closing value as given
    return {"q": qx, "m": m, "l": lx, "d": dx, "L": Lx, "T": Tx, "e": ex}


def _age(age, omega: int) -> int:
    return _whole(age, "age", 0, omega)


def life_expectancy(qx, age) -> float:
    """Complete expectation of life ``e_x`` (years) at whole ``age`` from a q_x column
    (ages 0..omega, last value closes the table); see :func:`life_table_columns`."""
    columns = life_table_columns(qx, "qx")
    return float(columns["e"][_age(age, len(columns["e"]) - 1)])


def annuity_due(qx, age, interest, indexation=0.0, payments_per_year=1) -> float:
    """Whole-life annuity-due factor at whole ``age`` for 1 per year (docs/methodology.md section 10.6).

    qx: one-year death probabilities for ages 0..omega (row 1 = age 0); the last value
    closes the table: above omega the rate ``q_omega`` applies every year.
    interest ``i`` and indexation ``g``: annual rates (one number each); payments grow with
    ``g`` and are discounted with ``v' = (1 + g) / (1 + i)``.

    Annual payments, at the start of each year of age, the first at exact age x::

        a''_x = sum_{k>=0} v'^k kp_x,  kp_x = prod_{j=x}^{x+k-1} (1 - q_j)

    the sum beyond omega in closed form, ``v'^(omega-x) (omega-x)p_x / (1 - v'(1 - q_omega))``.
    With ``m = payments_per_year`` > 1 (1/m per instalment, in advance) the two-term
    Woolhouse approximation is returned: ``a''^(m)_x = a''_x - (m - 1) / (2m)``.  The
    correction is not multiplied by a discount factor: it is the half-year shift of the
    payments of the first year, paid for sure; the third Woolhouse term
    ``-(m^2 - 1) / (12 m^2) (delta' + mu_x)`` (delta' = ln(1/v')) is not included.
    """
    q = _qx_column(qx)
    omega = len(q) - 1
    x = _age(age, omega)
    i = _scalar(interest, "interest")
    g = _scalar(indexation, "indexation")
    if i <= -1.0 or g <= -1.0:
        raise ValueError(f"interest and indexation must be above -1, found {i:g} and {g:g}")
    m = _whole(payments_per_year, "payments_per_year", 1, 365)
    v = (1.0 + g) / (1.0 + i)
    tail_ratio = v * (1.0 - q[-1])
    if tail_ratio >= 1.0:
        raise ValueError(f"the annuity does not converge: (1 + indexation) / (1 + interest) x (1 - q at the "
                         f"last age) = {tail_ratio:g} must be below 1")
    survival = np.concatenate([[1.0], np.cumprod(1.0 - q[x:omega])])  # kp_x, k = 0 .. omega - x
    powers = v ** np.arange(omega - x + 1)
    value = float(np.sum(powers[:-1] * survival[:-1]) + powers[-1] * survival[-1] / (1.0 - tail_ratio))
    return value - (m - 1) / (2.0 * m)


# --- present values, premiums and reserves (docs/methodology.md section 10) ------------------------

def present_value(values, interest, timing: str = "mid") -> float:
    """Present value at time 0 (start of the first year) of one amount per year.

    timing "mid" (default): amounts spread evenly over year t, discounted with ``D_t v_t^(1/2)``;
    "start": paid at time t, ``D_t``; "end": paid at time t + 1, ``D_{t+1}``.
    interest: one number, or one rate per year (``v_t`` from the year's own rate).
    """
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {', '.join(TIMINGS)}, found {timing!r}")
    x = _vector(values, "values")
    D, D_mid = discount_factors(interest, len(x))
    weights = {"mid": D_mid, "start": D[:-1], "end": D[1:]}[timing]
    return float(np.sum(weights * x))


def _flows(expenditure, insurable_earnings):
    B = _vector(expenditure, "expenditure")
    S = _vector(insurable_earnings, "insurable_earnings")
    _same_length(expenditure=B, insurable_earnings=S)
    bad = np.flatnonzero(S < 0.0)
    if len(bad):
        raise ValueError(f"insurable_earnings must be at least 0 (row {bad[0] + 1}: found {S[bad[0]]:g})")
    return B, S


def general_average_premium(expenditure, insurable_earnings, interest, initial_reserve=0.0,
                            target_reserve=0.0) -> float:
    """General average premium (GAP) of yearly series over their whole length n (docs/methodology.md 10.4).

    ``GAP = [sum_t D_t v_t^(1/2) B_t - F_0 + D_n F*] / sum_t D_t v_t^(1/2) S_t``

    with B = expenditure (benefits and administration), S = insurable earnings, both spread
    evenly over each year; F_0 = reserve at time 0; F* = target reserve at time n (end of the
    last year).  Charging GAP x S_t every year with :func:`reserve_roll_forward` ends exactly
    on F*; if B_t / S_t is constant, GAP equals it for any interest.  Result: a share of
    insurable earnings (0.12 = 12%).
    """
    B, S = _flows(expenditure, insurable_earnings)
    D, D_mid = discount_factors(interest, len(B))
    return discounted_premium(B, S, D, D_mid, _scalar(initial_reserve, "initial_reserve"),
                              _scalar(target_reserve, "target_reserve"))


def discounted_premium(B, S, D, D_mid, initial_reserve: float, target_reserve: float) -> float:
    """The GAP formula of :func:`general_average_premium` for checked series B and S of length h and
    discount factors D (h + 1 values) and D_mid (h values) of :func:`discount_factors` (their first
    h + 1 and h values are those of any longer horizon with the same first rates)."""
    if np.sum(D_mid * S) <= 0.0:
        raise ValueError("insurable_earnings must not all be zero")
    return float(premiums_by_horizon(B, S, D, D_mid, [len(B)], initial_reserve, target_reserve)[0])


def premiums_by_horizon(B, S, D, D_mid, horizons, initial_reserve: float, target_reserves=0.0) -> np.ndarray:
    """The GAP formula of :func:`general_average_premium` over the first h years of B and S, for each h of
    ``horizons`` at once (the present values are running sums: ``PV_h(B) = sum_{t<h} D_t v_t^(1/2) B_t``):
    ``(PV_h(B) - F_0 + D_h F*_h) / PV_h(S)``, NaN where PV_h(S) is not positive.  D and D_mid as in
    :func:`discounted_premium`; ``target_reserves``: F* of each horizon, or one for all."""
    last = np.asarray(horizons, dtype=np.int64) - 1
    pv_b, pv_s = np.cumsum(D_mid * B)[last], np.cumsum(D_mid * S)[last]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pv_s > 0.0, (pv_b - initial_reserve + D[last + 1] * target_reserves) / pv_s, np.nan)


def reserve_roll_forward(contributions, expenditure, interest, initial_reserve=0.0) -> np.ndarray:
    """Reserve at the end of each year with mid-year cash flows (docs/methodology.md section 10.2).

    ``I_t = i_t F_t + ((1 + i_t)^(1/2) - 1)(C_t - B_t)``, ``F_{t+1} = F_t + C_t + I_t - B_t``;
    returns ``F_1 .. F_n`` (currency units at 31 December of each year), F_0 = initial_reserve.
    contributions C and expenditure B: amounts during each year (B includes administration).
    """
    C = _vector(contributions, "contributions")
    B = _vector(expenditure, "expenditure")
    _same_length(contributions=C, expenditure=B)
    rates = _rates(interest, len(C))
    F = _scalar(initial_reserve, "initial_reserve")
    out = np.empty(len(C))
    for t in range(len(C)):
        income = rates[t] * F + (math.sqrt(1.0 + rates[t]) - 1.0) * (C[t] - B[t])
        F = F + C[t] + income - B[t]
        out[t] = F
    return out


def _undefined_premium(period: int, start: int, last: int, earnings, last_rate: float, when: str) -> str:
    """Why the scaled premium of a period has no value: no insurable earnings, or an interest rate so
    negative that contributions cannot raise the reserve."""
    where = f"scaled premium of period {period} (rows {start + 1}-{last + 1}) is undefined"
    if not any(v > 0.0 for v in earnings):
        return f"{where}: no contribution income {when} (zero insurable earnings)"
    return (f"{where}: with the interest rate of its last year ({last_rate:g}) the contributions of the period "
            "cannot raise the reserve (the interest lost on them exceeds them); check the interest rates")


def scaled_premiums(expenditure, insurable_earnings, interest, period_years, initial_reserve=0.0,
                    target_ratio=None, undefined: str = "raise") -> np.ndarray:
    """Scaled premiums: one constant contribution rate per period of equilibrium (docs/methodology.md 10.4).

    Periods of ``period_years`` years follow each other from the first year (the last period may
    be shorter).  For each period in turn the rate ``pi`` is such that in the period's last year
    b contributions plus investment income equal expenditure::

        pi S_b + i_b F_b + ((1 + i_b)^(1/2) - 1)(pi S_b - B_b) = B_b

    so the reserve stays level over year b (``F_{b+1} = F_b``).  ``F_b`` depends on ``pi`` through
    the years before b, rolled forward as in :func:`reserve_roll_forward`; being linear in
    ``pi``, the condition is solved exactly.  The next period starts from the reserve so
    reached.  Returns one rate per period (share of insurable earnings).

    Variant ``target_ratio`` = k (years of expenditure): instead, the reserve at the end of each
    period equals k times the expenditure of its last year, ``F_{b+1} = k B_b``.

    A period whose condition fixes no rate (no insurable earnings in it, or an interest rate of its last
    year so negative that ``S_b (1 + i_b)^(1/2) + i_b beta <= 0``, where ``beta`` is the reserve that a rate
    of 1 has built up by year b: a higher rate would then not help to keep the reserve level) raises
    ValueError saying why; with ``undefined="nan"`` that period and the periods after it (whose starting
    reserve is then unknown) are NaN instead, and the periods before keep their rates.
    """
    B, S = _flows(expenditure, insurable_earnings)
    n = len(B)
    rates = _rates(interest, n)
    length = _whole(period_years, "period_years", 1)
    target = None if target_ratio is None else _scalar(target_ratio, "target_ratio")
    premiums, first = scaled_rates(B, S, rates, length, _scalar(initial_reserve, "initial_reserve"), target)
    if first >= 0 and undefined != "nan":
        start = first * length
        last = min(start + length, n) - 1
        raise ValueError(_undefined_premium(first + 1, start, last, S[start:last + 1], rates[last], "in the period")
                         if target is not None else
                         _undefined_premium(first + 1, start, last, S[last:last + 1], rates[last], "in its last year"))
    return premiums


def scaled_rates(cost, earnings, interest, period: int, initial_reserve: float, target_ratio: float | None,
                 expenditure=None, expenditure_slope=None) -> tuple[np.ndarray, int]:
    """The scaled rate of each period of ``period`` years (``core.finance.scaled_rates_kernel``): constant in
    the period, it keeps the reserve level over the period's last year, or with ``target_ratio`` k ends the
    period at k x the expenditure of that year (``expenditure``, and ``expenditure_slope`` its change per
    unit of the rate; by default the cost and 0); NaN for a period whose condition fixes no rate and the
    periods after it.  Returns (rates, index of the first period whose condition fixes no rate, -1 for
    none).  On insurable earnings these are the scaled premiums (:func:`scaled_premiums`); on the
    legislated basis (``model.finance.LegislatedBasis``) the contribution rates in force equivalent to
    them."""
    n = len(cost)
    out = np.empty(-(-n // period))
    series = lambda values: np.array(values, dtype=np.float64)  # noqa: E731 (writable copies: one kernel signature)
    first = scaled_rates_kernel(series(cost), series(earnings), series(interest), int(period), float(initial_reserve),
                                math.nan if target_ratio is None else float(target_ratio),
                                series(cost if expenditure is None else expenditure),
                                np.zeros(n) if expenditure_slope is None else series(expenditure_slope), out)
    return out, int(first)
