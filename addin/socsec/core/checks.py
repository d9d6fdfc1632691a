"""Kernels of the consistency checks made on every valuation (docs/methodology.md section 14.1;
the checks themselves: :mod:`socsec.model.valuation`).

The pension scheme inside its demographic frame (active insured within the employed, pensioners
within the population, nobody insured below the minimum working age, no negative stock) is checked
in one pass over the cells (year, sex, age): for each bound, the largest share of its limit a cell
reaches, where, and how many cells exceed the limit beyond the tolerance.
"""

import math
from enum import IntEnum

import numpy as np
from numba import njit


class Frame(IntEnum):
    """The checks of :func:`scheme_frame_kernel`, in the order of its outputs: a stock against its limit
    cell by cell (the old-age to orphans pensioners in the order of ``model.pension.PENSION_TYPES``),
    and last the insured below the minimum working age (persons, not a share)."""

    ACTIVES_IN_EMPLOYMENT = 0  # actives / employed
    OLD_AGE = 1  # pensioners of the type living in the country / population
    INVALIDITY = 2
    SURVIVORS = 3
    ORPHANS = 4
    OWN_PENSIONERS = 5  # (old-age + invalidity pensioners) living in the country / population
    INSURED_AND_OWN = 6  # (actives + inactive and own pensioners living in the country) / population
    YOUNG_INSURED = 7  # actives + inactive below the minimum working age (persons)


WORST, PERSONS, LIMIT = 0, 1, 2  # columns of the worst cell of each check: value, persons and limit there


@njit(cache=True)
def share_of_limit(persons, limit):
    """persons / limit where the limit is positive, else infinite where persons are positive and 0 where
    they are not (NaN where the division gives NaN)."""
    if limit > 0.0:
        return persons / limit
    if persons > 0.0:
        return math.inf
    return 0.0


@njit(cache=True)
def _take_worst(j, value, persons, limit, cell, worst, cells):
    """Keep ``value`` (with its persons and limit) of flat cell ``cell`` as check j's worst if it is, in
    numpy.argmax's order: the first largest value, and the first NaN above all."""
    best = worst[j, WORST]
    if cells[j] < 0 or (not math.isnan(best) and (value > best or math.isnan(value))):
        worst[j, WORST], worst[j, PERSONS], worst[j, LIMIT], cells[j] = value, persons, limit, cell


@njit(cache=True)
def _bound(j, persons, limit, cell, tolerance, worst, cells, over):
    """One cell of bound j: its share of the limit (:func:`share_of_limit`) and whether it is over the
    limit, persons > limit + tolerance x max(limit, 1)."""
    _take_worst(j, share_of_limit(persons, limit), persons, limit, cell, worst, cells)
    if persons > limit + tolerance * max(limit, 1.0):
        over[j] += 1


@njit(cache=True)
def scheme_frame_kernel(actives, inactive, pensioners, amounts, people, employed, resident, min_age, tolerance,
                        worst, cells, over):
    """The checks of :class:`Frame` in one pass over the cells (numba kernel; twin
    :func:`scheme_frame_reference`).  ``actives``, ``inactive``, ``people`` (n + 1, 2, A) on 1 January;
    ``pensioners``, ``amounts`` (n + 1, 4, 2, A) number and annual amount by pension type; ``employed``
    (n, 2, A); ``resident`` (2,) the share of inactive insured and pensioners living in the country.
    Writes, for each check j: ``worst[j]`` (a row of (len(Frame), 3)), the largest share of the limit (or
    the most persons below the minimum working age) and the persons and limit (0) of that cell;
    ``cells[j]``, its flat index in (years, 2, A) (in (n + 1, 2, min_age) for the young insured; -1 for no
    cell); ``over[j]``, the cells beyond the limit: persons > limit + tolerance x max(limit, 1), or
    persons > 0 below the minimum working age.  Returns the lowest number or amount of pensioners in any
    cell (NaN cells left out; infinite for none)."""
    n1, _, A = actives.shape
    worst[:, :] = 0.0
    cells[:] = -1
    over[:] = 0
    lowest = math.inf
    for t in range(n1):
        for g in range(2):
            r = resident[g]
            for x in range(A):
                cell = (t * 2 + g) * A + x
                a, m, p = actives[t, g, x], inactive[t, g, x], people[t, g, x]
                if t < n1 - 1:
                    _bound(Frame.ACTIVES_IN_EMPLOYMENT, a, employed[t, g, x], cell, tolerance, worst, cells, over)
                for k in range(4):
                    _bound(Frame.OLD_AGE + k, pensioners[t, k, g, x] * r, p, cell, tolerance, worst, cells, over)
                    if pensioners[t, k, g, x] < lowest:
                        lowest = pensioners[t, k, g, x]
                    if amounts[t, k, g, x] < lowest:
                        lowest = amounts[t, k, g, x]
                own = pensioners[t, 0, g, x] + pensioners[t, 1, g, x]
                _bound(Frame.OWN_PENSIONERS, own * r, p, cell, tolerance, worst, cells, over)
                _bound(Frame.INSURED_AND_OWN, a + (m + own) * r, p, cell, tolerance, worst, cells, over)
                if x < min_age:
                    _take_worst(Frame.YOUNG_INSURED, a + m, a + m, 0.0, (t * 2 + g) * min_age + x, worst, cells)
                    if a + m > 0.0:
                        over[Frame.YOUNG_INSURED] += 1
    return lowest


def worst_share_reference(persons, limit, tolerance):
    """((largest share, persons, limit), flat index of its first cell, cells over the limit) of ``persons``
    against ``limit`` (numpy; one bound of :func:`scheme_frame_reference`); an empty array gives
    ((0, 0, 0), -1, 0)."""
    persons, limit = np.broadcast_arrays(np.asarray(persons, dtype=np.float64), np.asarray(limit, dtype=np.float64))
    if persons.size == 0:
        return (0.0, 0.0, 0.0), -1, 0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.divide(persons, limit, out=np.where(persons > 0, np.inf, 0.0), where=limit > 0)
    where = int(np.argmax(share))
    over = int(np.count_nonzero(persons > limit + tolerance * np.maximum(limit, 1.0)))
    return (float(share.ravel()[where]), float(persons.ravel()[where]), float(limit.ravel()[where])), where, over


def scheme_frame_reference(actives, inactive, pensioners, amounts, people, employed, resident, min_age, tolerance):
    """Numpy twin of :func:`scheme_frame_kernel`, each check over whole arrays: returns (worst, cells, over,
    lowest), the kernel's three outputs and its value.  The young insured's cell is a flat index in
    (n + 1, 2, min_age)."""
    resident = np.asarray(resident, dtype=np.float64)[None, :, None]
    own = pensioners[:, 0] + pensioners[:, 1]
    n = len(employed)
    bounds = [(actives[:n], employed), *((pensioners[:, k] * resident, people) for k in range(4)),
              (own * resident, people), (actives + (inactive + own) * resident, people)]
    found = [worst_share_reference(persons, limit, tolerance) for persons, limit in bounds]
    young = (actives + inactive)[:, :, :min_age]
    if young.size:
        cell = int(np.argmax(young))
        most = float(young.ravel()[cell])
        found.append(((most, most, 0.0), cell, int(np.count_nonzero(young > 0.0))))
    else:
        found.append(((0.0, 0.0, 0.0), -1, 0))
    worst, cells, over = (np.array(column, dtype=dtype) for column, dtype in
                          zip(zip(*found), (np.float64, np.int64, np.int64)))
    lowest = float(np.fmin.reduce(np.concatenate([pensioners.ravel(), amounts.ravel()]), initial=math.inf))
    return worst, cells, over, lowest
