"""Kernels of the consistency checks made on every valuation (docs/methodology.md section 14.1;
the checks themselves: :mod:`socsec.model.valuation`).

A stock bounded by another cell by cell (active insured within the employed, pensioners within the
population, ...) is checked in one pass over the cells: the largest share of its limit a cell
reaches, where, and how many cells exceed the limit beyond the tolerance.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def worst_share_kernel(persons, limit, tolerance):
    """(largest share, flat index of its first cell, cells over the limit) of ``persons`` against ``limit``
    (arrays of one shape, read flat; numba kernel): the share of a cell is persons / limit where the
    limit is positive, else infinite where persons are positive and 0 where they are not (NaN where the
    division gives NaN, and then the first NaN is the largest, as numpy.argmax has it); a cell is over
    the limit when persons > limit + ``tolerance`` x max(limit, 1).  An empty array gives (0, -1, 0)."""
    p, c = persons.ravel(), limit.ravel()
    best, where, over = 0.0, -1, 0
    for k in range(p.size):
        if c[k] > 0.0:
            share = p[k] / c[k]
        elif p[k] > 0.0:
            share = math.inf
        else:
            share = 0.0
        if where < 0 or (not math.isnan(best) and (share > best or math.isnan(share))):
            best, where = share, k
        if p[k] > c[k] + tolerance * max(c[k], 1.0):
            over += 1
    return best, where, over


def worst_share_reference(persons, limit, tolerance):
    """Numpy twin of :func:`worst_share_kernel`."""
    persons, limit = np.asarray(persons, dtype=np.float64), np.asarray(limit, dtype=np.float64)
    if persons.size == 0:
        return 0.0, -1, 0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.divide(persons, limit, out=np.where(persons > 0, np.inf, 0.0), where=limit > 0)
    where = int(np.argmax(share))
    over = int(np.count_nonzero(persons > limit + tolerance * np.maximum(limit, 1.0)))
    return float(share.ravel()[where]), where, over
