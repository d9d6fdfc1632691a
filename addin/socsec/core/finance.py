"""Scaled premiums of the financing block (docs/methodology.md section 10.4), compiled: the indicators
table of every valuation has two sets (on insurable earnings, and on the legislated basis).

Periods of ``period`` years follow each other from the first year (the last may be shorter).  With
mid-year flows the reserve at the start of year t of a period is affine in the period's rate c,
``F_t = alpha_t + beta_t c``: ``alpha_{t+1} = alpha_t (1 + i_t) - B_t (1 + i_t)^(1/2)``,
``beta_{t+1} = beta_t (1 + i_t) + S_t (1 + i_t)^(1/2)`` from ``alpha = F_start``, ``beta = 0``.  The
period's condition on its last year b is then linear in c and solved exactly:

* level reserve over year b, ``F_{b+1} = F_b``;
* or, with a target ratio k, ``F_{b+1} = k X_b(c)`` with the expenditure affine in c too,
  ``X_b(c) = X_b + c X'_b`` (``X'`` = 0 but on the legislated basis, where expenses follow contributions).

The next period starts from the reserve so reached.  A period whose condition fixes no rate (its slope
in c is not positive: no earnings, or an interest rate so negative that contributions cannot raise the
reserve) and the periods after it (whose starting reserve is then unknown) get NaN.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def scaled_rates_kernel(cost, earnings, interest, period, initial_reserve, target_ratio, expenditure,
                        expenditure_slope, out):
    """The scaled rate c of each period (module docstring) into ``out`` (periods,) (numba kernel; twin
    :func:`scaled_rates_reference`).  ``cost`` B and ``earnings`` S (n,): what contributions must pay and
    what they are charged on; ``interest`` (n,); ``target_ratio`` k, NaN for the level condition;
    ``expenditure`` X and ``expenditure_slope`` X' (n,).  Returns the index of the first period whose
    condition fixes no rate (-1: none); after a period without a finite rate every period is NaN."""
    n = cost.shape[0]
    reserve = initial_reserve
    k = 0
    for start in range(0, n, period):
        last = min(start + period, n) - 1
        alpha, beta = reserve, 0.0
        for t in range(start, last):
            growth, half = 1.0 + interest[t], math.sqrt(1.0 + interest[t])
            alpha, beta = alpha * growth - cost[t] * half, beta * growth + earnings[t] * half
        growth, half = 1.0 + interest[last], math.sqrt(1.0 + interest[last])
        end_alpha = alpha * growth - cost[last] * half
        end_beta = beta * growth + earnings[last] * half
        if math.isnan(target_ratio):
            slope, level = end_beta - beta, alpha - end_alpha
        else:
            slope = end_beta - target_ratio * expenditure_slope[last]
            level = target_ratio * expenditure[last] - end_alpha
        if not slope > 0.0:  # no rate (or NaN inputs, which are not reported as such)
            out[k:] = math.nan
            return k if slope <= 0.0 else -1
        out[k] = level / slope
        if not math.isfinite(out[k]):  # the periods after start from an unknown reserve
            out[k + 1:] = math.nan
            return -1
        reserve = end_alpha + end_beta * out[k]
        k += 1
    return -1


def scaled_rates_reference(cost, earnings, interest, period, initial_reserve, target_ratio, expenditure,
                           expenditure_slope):
    """Twin of :func:`scaled_rates_kernel` in another form: the reserve of each period rolled forward year by
    year (``F_{t+1} = F_t (1 + i_t) + (c S_t - B_t)(1 + i_t)^(1/2)``, numpy over the two rates c = 0 and
    c = 1 at once), the condition's value at c = 0 and its slope from the two; returns (out, first)."""
    n = len(cost)
    starts = range(0, n, period)
    out = np.full(len(starts), np.nan)
    reserve = float(initial_reserve)
    rates = np.array([0.0, 1.0])
    for k, start in enumerate(starts):
        last = min(start + period, n) - 1
        F = np.full(2, reserve)
        for t in range(start, last + 1):
            before = F
            F = F * (1.0 + interest[t]) + (rates * earnings[t] - cost[t]) * np.sqrt(1.0 + interest[t])
        if np.isnan(target_ratio):
            condition = F - before  # F_{b+1} - F_b
        else:
            condition = F - target_ratio * (expenditure[last] + rates * expenditure_slope[last])
        slope = condition[1] - condition[0]
        if not slope > 0.0:
            return out, (k if slope <= 0.0 else -1)
        out[k] = -condition[0] / slope
        if not np.isfinite(out[k]):
            return out, -1
        reserve = float(F[0] + out[k] * (F[1] - F[0]))
    return out, -1
