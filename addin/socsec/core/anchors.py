"""Inputs given for anchor years, made into one row per projection year (docs/methodology.md sections
3.3 and 4): each year's row is a weighted mean of the rows of the anchors around it,

    v_t = (1 - w_t) v_{Y_k} + w_t v_{Y_{k+1}},   w_t = (t - Y_k) / (Y_{k+1} - Y_k)  for Y_k <= t < Y_{k+1},

the first anchor's row before it and the last anchor's from it on (no extrapolation).  Death rates are
interpolated so in their logarithm (the rows hold ln m; the caller takes exp of the result).

:func:`interpolate_rows_kernel` (numba) makes the rows; its twin :func:`interpolate_rows_reference`
finds the anchors and weights of every year first (:func:`anchor_weights`), then the rows.
"""

import numpy as np
from numba import njit


def anchor_weights(anchor_years, years) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lower, upper, weight) for each year of ``years``: the indexes of the anchors Y_k <= t < Y_{k+1}
    around it (both the first anchor before it, both the last from it on) and the weight w_t of the upper
    one, (t - Y_k) / (Y_{k+1} - Y_k) (0 when the two are the same anchor).  ``anchor_years`` increasing."""
    anchors, t = np.asarray(anchor_years, dtype=np.float64), np.asarray(years, dtype=np.float64)
    last = len(anchors) - 1
    lower = np.clip(np.searchsorted(anchors, t, side="right") - 1, 0, last)
    upper = np.minimum(lower + 1, last)
    span = anchors[upper] - anchors[lower]
    weight = np.clip((t - anchors[lower]) / np.where(span > 0.0, span, 1.0), 0.0, 1.0) * (span > 0.0)
    return lower, upper, weight


@njit(cache=True)
def interpolate_rows_kernel(anchors, years, rows, out):
    """``out[t] = (1 - w_t) rows[k] + w_t rows[k + 1]`` with Y_k <= t < Y_{k+1} the anchors around year t
    and w_t = (t - Y_k) / (Y_{k+1} - Y_k), ``rows[0]`` before the first anchor and the last row from the
    last on (numba kernel; twin :func:`interpolate_rows_reference`).  ``anchors`` (k,) increasing and
    ``years`` (n,) floats; ``rows`` (k, m); ``out`` (n, m)."""
    last = anchors.shape[0] - 1
    for t in range(years.shape[0]):
        lo = 0
        while lo < last and anchors[lo + 1] <= years[t]:
            lo += 1
        hi = min(lo + 1, last)
        w = 0.0
        if anchors[hi] > anchors[lo]:
            w = min(max((years[t] - anchors[lo]) / (anchors[hi] - anchors[lo]), 0.0), 1.0)
        for c in range(rows.shape[1]):
            out[t, c] = (1.0 - w) * rows[lo, c] + w * rows[hi, c]


def interpolate_rows_reference(anchor_years, years, rows) -> np.ndarray:
    """Numpy twin of :func:`interpolate_rows_kernel`; returns ``out``."""
    lower, upper, weight = anchor_weights(anchor_years, years)
    w = weight[:, None]
    return (1.0 - w) * rows[lower] + w * rows[upper]


def interpolate_rows(anchor_years, values, years) -> np.ndarray:
    """``values`` (anchors, ...) interpolated to one row per year of ``years``: (len(years), ...)."""
    values = np.array(values, dtype=np.float64)  # copies: writable arrays, one signature of the kernel
    out = np.empty((len(years), values[0].size))
    interpolate_rows_kernel(np.array(anchor_years, dtype=np.float64), np.array(years, dtype=np.float64),
                            values.reshape(len(values), -1), out)
    return out.reshape((len(years),) + values.shape[1:])
