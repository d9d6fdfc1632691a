"""Insured population and pensioners of a pension scheme (docs/methodology.md section 9): the
projection in two numba kernels, each with a numpy twin that runs the yearly steps below one after
another.

1. :func:`project_insured_kernel` (twin :func:`project_insured_reference`): the insured persons,
   their flows and the exits that give rise to benefits, by sex, age and service.  No rule of
   benefits enters it.
2. :func:`project_benefits_kernel` (twin :func:`project_benefits_reference`): wages, reference
   earnings, awards, grants and pensioners from those exits.

A what-if change to a rule of benefits alone (accrual, indexation, minimum pension, ceiling, ...)
re-runs the second pass only.  The runs of a stochastic valuation, which change everything, project
the two passes year by year in one kernel instead, :func:`project_pension_serial` (twin
:func:`project_pension_reference`: the two twins one after the other), so that each year's exits stay
in the core's cache.

Axis order ``(sex, age, service)``; ages 0..omega (open group), service 0..omega completed years of
credited service.  Stocks are at 1 January, ages are ages last birthday at that date (as in the
population block); every flow of the year is an output.

Timing of the insured of age x on 1 January of year t (they reach exact age x + 1 during the year,
on average at mid-year):

* **deaths** with the scheme's death probability of the population block's basis (a person aged x
  on 1 January survives to 1 January t + 1 with the population survival ratio S_{x+1}, times the
  scheme's mortality factor; ``model.pension.death_probabilities``);
* **invalidity** at mid-year (age x + 1/2);
* **retirement and the claim of inactive insured** at the birthday, on the age attained x + 1:
  the normal rate from the normal age, everyone from the exit age, the early rate between the
  early and the normal age for those whose service at the birthday, s + density / 2 on average,
  reaches the minimum service (:func:`retirement_rates`);
* **lapses and re-entries** at mid-year;
* **service**: an active who stays the whole year is credited ``density`` years on average, one
  who leaves or re-enters during the year half of it (``density / 2``); as service is counted in
  whole years, a stayer gains one year with probability ``density`` and a leaver or re-entrant with
  probability ``density / 2`` (:func:`cell_destinations`), so contributor-years paid equal service
  credited in every cell;
* **balancing** on 31 December, age by age (:func:`balance_age`): actives of age y on 1 January t + 1
  are brought to their target (coverage x employed of age y): below it, at the ages where entry is
  open (from the minimum working age to below the early retirement age), first the inactive insured
  of that age become active again (with their service), then new entrants with no service make up
  the rest, so that nobody enters the scheme a second time; above it (at every age), the excess
  moves to inactive.

Pensioners of one type (:func:`pensioners_step_kernel`): number and total annual amount by sex and
age; deaths ``q`` and other exits ``e`` (remarriage, orphans reaching the age limit); survivors
age one year; new awards of the year are added at their age at the end of the year; every amount is
then indexed by ``1 + indexation`` (pensions are revalued on 1 January).
"""

import math
from enum import IntEnum

import numpy as np
from numba import njit, prange


class Flow(IntEnum):
    """Rows of the insured pass's output ``by_age`` (n + 1, len(Flow), 2, A), by sex and by age on
    1 January of the year (ENTRANTS and TO_INACTIVE: age on 1 January of the next year, when they
    happen; ACTIVES and INACTIVE of row n: the stocks after the last year)."""

    DEAD_ACTIVE = 0
    DEAD_INACTIVE = 1
    INVALID = 2
    RETIRED_ACTIVE = 3
    LEFT_INACTIVE = 4  # inactive insured who claim at the normal age (deferred pension or grant)
    LAPSED = 5
    REENTERED = 6
    ACTIVES_END = 7  # stayers and re-entrants at the end of the year, before the balancing
    CREDITED = 8  # years of service credited during the year
    ENTRANTS = 9  # new entrants of 31 December
    TO_INACTIVE = 10  # actives above the target moved to inactive on 31 December
    REACTIVATED = 11  # inactive insured made active on 31 December to meet the target
    ACTIVES = 12  # actives on 1 January
    INACTIVE = 13  # inactive insured on 1 January


FLOW_NAMES = tuple(f.name.lower() for f in Flow)[:Flow.REENTERED + 1]  # the flows of the insured step


class Exit(IntEnum):
    """Last axis of the exits that give rise to benefits (by service at the exit)."""

    RETIRED_ACTIVE = 0
    LEFT_INACTIVE = 1
    INVALID = 2
    DEAD = 3  # actives and inactive insured


EXIT_NAMES = tuple(e.name.lower() for e in Exit)


class Total(IntEnum):
    """Columns of the insured pass's output ``totals`` (n + 1, len(Total))."""

    SERVICE = 0  # years of credited service of the actives and inactive on 1 January
    EXIT_SERVICE = 1  # years of service at the exit of those who leave the insured during the year
    LOWEST = 2  # smallest cell of the actives or inactive on 1 January (negative: a bug)


YEAR_SEX_DTYPE = np.dtype([  # (years, 2): by projection year and sex
    ("early_age", "i8"), ("normal_age", "i8"), ("exit_age", "i8"),
    ("retire_early", "f8"), ("retire_normal", "f8"),
    ("min_service", "f8"),  # years of service for an old-age pension (early retirement needs them)
    ("entry_from", "i8"), ("entry_to", "i8"),  # new entrants of 31 December at ages entry_from .. entry_to - 1
])
AGE_DTYPE = np.dtype([  # (2, A): by sex and age, the same every year
    ("invalidity", "f8"), ("lapse", "f8"), ("reentry", "f8"), ("density", "f8"), ("salary", "f8"),
    ("spouse_probability", "f8"), ("orphans_per_death", "f8"),
])


# fastmath flags of the loops that add up products: a multiplication and the addition that follows it may be
# fused (one rounding instead of two) and the sign of zero ignored; no assumption on NaN or infinity, and no
# reassociation: every sum is taken in the written order.  With reassociation allowed (about 5% faster), the
# compiler vectorized the sums differently in different compilations of the same function (inlined in
# another caller, compiled in this process or loaded from numba's cache), so that the last digits of a
# stochastic run depended on the process that valued it.  With these flags the one-thread and parallel kernels,
# and the year-by-year kernel, give the same numbers bit for bit.
FUSED = {"nsz", "contract"}

# The small helpers called for every row (age) of every year are inlined by numba (``inline="always"``): called
# as functions, with their arrays passed as structures whose references are counted, they took about 9% of the
# time of the pension kernel of a stochastic run of the example.  An inlined helper takes the fastmath flags of
# its caller, so the loops compiled with FUSED (spread_cells, row_awards) stay functions.


@njit(cache=True, inline="always")
def stock_row(t, keep_all):
    """Row of the stock arrays holding 1 January of projection year t (t = 0: the base year): row t
    when every year is kept; else row 0 for the base year and rows 1 and 2 in turn for the others."""
    return t if keep_all or t == 0 else 1 + (t - 1) % 2


@njit(cache=True, inline="always")
def retirement_rates(x, ys, density):
    """Retirement rates of the actives aged x on 1 January (they reach x + 1 during the year):
    (rate of those not entitled to retire early, rate of those entitled, lowest service entitled).

    Age attained a = x + 1: a >= exit age: 1 for all; a >= normal age: the normal rate for all;
    a >= early age: the early rate for those whose service at the birthday, s + density / 2 on
    average, is at least the minimum service, i.e. s >= ceil(min service - density / 2); else 0.
    """
    attained = x + 1
    if attained >= ys.exit_age:
        return 1.0, 1.0, 0
    if attained >= ys.normal_age:
        return ys.retire_normal, ys.retire_normal, 0
    if attained >= ys.early_age:
        return 0.0, ys.retire_early, max(int(math.ceil(ys.min_service - 0.5 * density)), 0)
    return 0.0, 0.0, 0


@njit(cache=True, inline="always")
def active_shares(q, invalidity, retire, lapse):
    """Shares of the actives of a cell who, in one year, die, become invalid, retire, lapse and stay,
    the decrements applied one after the other, each to what is left, in that order:
    q, (1 - q) i, (1 - q)(1 - i) r, (1 - q)(1 - i)(1 - r) l, (1 - q)(1 - i)(1 - r)(1 - l) (they add up to 1)."""
    alive = 1.0 - q
    valid = alive * (1.0 - invalidity)
    staying = valid * (1.0 - retire)
    return q, alive * invalidity, valid * retire, staying * lapse, staying * (1.0 - lapse)


@njit(cache=True, inline="always")
def inactive_shares(q, reentry, claims):
    """Shares of the inactive insured of a cell who, in one year, die, claim, re-enter and remain: q; the
    survivors 1 - q all claim when ``claims`` (they reach the normal age), else (1 - q) reentry become active
    again and (1 - q)(1 - reentry) remain (they add up to 1)."""
    alive = 1.0 - q
    if claims:
        return q, alive, 0.0, 0.0
    return q, 0.0, alive * reentry, alive * (1.0 - reentry)


@njit(cache=True, inline="always")
def cell_destinations(q, invalidity, retire, lapse, reentry, claims, stay_gain, move_gain):
    """Where one active and one inactive insured of a cell go in one year: four 6-tuples (actives and
    inactive of 1 January next, then the exits by :class:`Exit`): (active, same service), (inactive, same
    service), (active, one year more), (inactive, one year more).

    Shares as :func:`active_shares` and :func:`inactive_shares`; an active who stays gains a year of
    service with probability ``stay_gain`` (the density), one who leaves or re-enters during the year
    with ``move_gain`` (half the density); lapses join the inactive insured, re-entrants the actives;
    deaths and claims of inactive insured keep their service.  Expected service credited = stayers x
    stay_gain + (deaths, invalidity, retirements and lapses of actives, re-entries) x move_gain.  With both
    probabilities 0 everyone keeps their service (the last service year, which keeps its gains)."""
    dead, invalid, retired, lapsed, stayers = active_shares(q, invalidity, retire, lapse)
    dead_inactive, claimed, back, remain = inactive_shares(q, reentry, claims)
    keep, move = 1.0 - stay_gain, 1.0 - move_gain
    active_keep = (stayers * keep, lapsed * move, retired * move, 0.0, invalid * move, dead * move)
    inactive_keep = (back * move, remain, 0.0, claimed, 0.0, dead_inactive)
    active_gain = (stayers * stay_gain, lapsed * move_gain, retired * move_gain, 0.0, invalid * move_gain,
                   dead * move_gain)
    inactive_gain = (back * move_gain, 0.0, 0.0, 0.0, 0.0, 0.0)
    return active_keep, inactive_keep, active_gain, inactive_gain


# the destinations of :func:`cell_destinations` that are 0 whatever the rates, by tuple (active who keeps
# the service, inactive who keeps it, active who gains a year, inactive who gains a year), as positions in
# the 6-tuple: an active never claims as an inactive insured; an inactive insured never retires as an active
# nor becomes invalid; an inactive who gains a year has re-entered.  :func:`spread_cells` does not multiply
# them (a third of its products)
NEVER = ((3,), (2, 4), (3,), (1, 2, 3, 4, 5))


@njit(cache=True, fastmath=FUSED)
def spread_cells(lo, hi, keep_active, keep_inactive, gain_active, gain_inactive, active, inactive, active_next,
                 inactive_next, x1, exits, first):
    """Service years lo .. hi - 1 of one row (sex, age) for one year: into year s of the actives and inactive
    of 1 January next (added) and of the exits (written) come the persons of cell s who keep their service
    and those of cell s - 1 who gain a year, by the destinations of :func:`cell_destinations` (the same for
    every cell of lo .. hi - 1, and for every cell s - 1; those of :data:`NEVER`, always 0, are left out).
    ``active``, ``inactive``: the row's persons of 1 January padded by one empty cell at each end (cell s at
    s + 1); ``active_next``, ``inactive_next``: the stocks of 1 January next of the sex (A, S), row ``x1`` (the
    age next); ``exits`` (cells, 4): the sex's packed exits, cell s of the row at ``first + s``.  Rows and cells
    are given by index, not as views, which numba would count references to: a view a row is about 7% of
    the time of a projection of the example.  Returns sum s x exits of cell s."""
    ka, kn, kr, _, ki, kd = keep_active
    ma, mn, _, ml, _, md = keep_inactive
    ga, gn, gr, _, gi, gd = gain_active
    ba = gain_inactive[0]
    exit_years = 0.0
    for s in range(lo, hi):
        a, m, a_up, m_up = active[s + 1], inactive[s + 1], active[s], inactive[s]
        active_next[x1, s] += a * ka + m * ma + a_up * ga + m_up * ba
        inactive_next[x1, s] += a * kn + m * mn + a_up * gn
        retired = a * kr + a_up * gr
        left = m * ml
        invalid = a * ki + a_up * gi
        dead = a * kd + m * md + a_up * gd
        exits[first + s, Exit.RETIRED_ACTIVE] = retired
        exits[first + s, Exit.LEFT_INACTIVE] = left
        exits[first + s, Exit.INVALID] = invalid
        exits[first + s, Exit.DEAD] = dead
        exit_years += s * (retired + left + invalid + dead)
    return exit_years


@njit(cache=True, inline="always")
def copy_cells(active, inactive, x, lo, hi, active_out, inactive_out):
    """Copy service years lo .. hi - 1 of row ``x`` of ``active`` and ``inactive`` (A, S) into ``active_out`` and
    ``inactive_out`` one cell up (cell s at s + 1); return (actives, inactive insured, years of service
    sum s (A + N), smallest cell) of those years (np.inf: none)."""
    actives = waiting = years = 0.0
    low = np.inf
    for s in range(lo, hi):
        a, m = active[x, s], inactive[x, s]
        active_out[s + 1], inactive_out[s + 1] = a, m
        actives += a
        waiting += m
        years += s * (a + m)
        low = min(low, min(a, m))
    return actives, waiting, years, low


@njit(cache=True, inline="always")
def load_row(active, inactive, x, top, entitled_from, active_out, inactive_out):
    """Copy the service years 0 .. top of row (age) ``x`` of one sex's stocks of 1 January, ``active`` and
    ``inactive`` (A, S), into ``active_out`` and ``inactive_out`` padded by an empty cell at each end (cell s at
    s + 1, as :func:`spread_cells` reads them); return their sums: (actives of service below ``entitled_from``, actives
    of service ``entitled_from`` or more, inactive insured, years of service sum s (A + N), smallest cell)."""
    active_out[0] = inactive_out[0] = 0.0
    active_out[top + 2] = inactive_out[top + 2] = 0.0
    split = min(max(entitled_from, 0), top + 1)
    below, waiting_below, years_below, low_below = copy_cells(active, inactive, x, 0, split, active_out, inactive_out)
    above, waiting, years, low = copy_cells(active, inactive, x, split, top + 1, active_out, inactive_out)
    return below, above, waiting_below + waiting, years_below + years, min(low_below, low)


@njit(cache=True, inline="always")
def balance_age(active, inactive, y, top, target, entry_open, have, waiting):
    """Bring the actives of one sex and age ``y`` on 1 January (row y of ``active`` and ``inactive`` (A, S), by
    service, cells 0 .. top) to ``target``; ``have`` and ``waiting``: the actives and inactive insured of the
    age (the sums of its cells, up to rounding: :func:`project_insured_sex` knows them from the flows of the
    year, without adding the cells up again).  Below the target and ``entry_open``: the inactive insured of the
    age become active again, the same share of every service cell, up to the difference (or all of them), and
    new entrants with no service make up the rest.  Above it: the same share of every active service cell
    moves to inactive.  Returns (entrants, moved to inactive, reactivated)."""
    if have < target:
        if not entry_open:
            return 0.0, 0.0, 0.0
        back = min(target - have, waiting)
        if back > 0.0:
            share = back / waiting
            for s in range(top + 1):
                moved = inactive[y, s] * share
                inactive[y, s] -= moved
                active[y, s] += moved
        active[y, 0] += target - have - back
        return target - have - back, 0.0, back
    if have <= 0.0 or have == target:
        return 0.0, 0.0, 0.0
    share = (have - target) / have
    moved = 0.0
    for s in range(top + 1):
        excess = active[y, s] * share
        moved += excess
        active[y, s] -= excess
        inactive[y, s] += excess
    return 0.0, moved, 0.0


@njit(cache=True, inline="always")
def row_exit_cells(top, S):
    """Number of packed exit cells of one row (sex, age) whose highest service on 1 January is ``top``:
    service at the exit runs from 0 to top + 1 (a leaver may gain a year), at most S - 1 = omega; 0 for an
    empty row (top -1)."""
    return min(top + 2, S) if top >= 0 else 0


def exit_cells(tops):
    """:func:`row_exit_cells` of each (sex, age) row (2, A) (numpy)."""
    S = tops.shape[-1]
    return np.where(tops >= 0, np.minimum(tops + 2, S), 0)


def exit_starts(tops):
    """(2, n + 1) the first packed exit cell of each sex and year and, last, the number of cells written for
    that sex, from the ``tops`` (n, 2, A) of the years: each sex's exits are packed year after year, each
    year's rows x one after another with :func:`exit_cells` cells."""
    by_year = exit_cells(tops).sum(axis=2).T  # (2, n)
    return np.concatenate([np.zeros((2, 1), np.int64), np.cumsum(by_year, axis=1)], axis=1)


def exit_capacity(n, base_tops):
    """Packed exit cells of one sex enough for ``n`` years from the base year's ``base_tops`` (2, A): a row
    (g, x) has at most min(x + M + 2, S) cells in any year, M = the largest excess of service over age in
    the base year (at least 0), as service grows by at most one year a year with age and new entrants start
    at 0 (at the open age omega = S - 1 the bound is S)."""
    A = base_tops.shape[1]
    ages = np.arange(A)
    excess = max(int((base_tops - ages[None, :]).max()), 0)
    return n * int(np.minimum(ages + excess + 2, A).sum())


def exits_by_cell(exits, tops, first):
    """Exits of one year by sex, age and service at the exit (2, A, S, 4) from the packed ``exits``
    (2, cells, 4), that year's ``tops`` (2, A) and first cell of each sex ``first`` (2,)
    (:func:`exit_starts`): each sex's rows x one after another, each with the service years
    0 .. min(tops[g, x] + 1, omega); other cells are 0."""
    A = tops.shape[1]
    out = np.zeros((2, A, A, exits.shape[-1]))
    occupied = np.arange(A)[None, None, :] < exit_cells(tops)[:, :, None]
    for g in range(2):
        out[g][occupied[g]] = exits[g, first[g]:first[g] + occupied[g].sum()]
    return out


# --- base-year data by single age and service --------------------------------------------------------

def _group_end(starts, k: int, last: int) -> int:
    """Last value of group ``k`` of ``starts`` (the next group's start - 1; the last group ends at ``last``)."""
    return starts[k + 1] - 1 if k + 1 < len(starts) else last


_group_end_numba = njit(cache=True)(_group_end)


@njit(cache=True)
def spread_insured_kernel(age_starts, service_starts, counts, min_age, weights, out):
    """Persons by age group x service group ``counts`` (2, groups, service groups) -> ``out`` (2, A, S) by
    single age and year of service (filled, zero on entry), the rule of :func:`spread_insured_reference`;
    returns -1, or the index ``i * service groups + j`` of the first non-empty group without a feasible cell.
    ``weights`` (2, A) float."""
    omega = out.shape[1] - 1
    n_service = len(service_starts)
    for i in range(len(age_starts)):
        a0, a1 = age_starts[i], _group_end_numba(age_starts, i, omega)
        for j in range(n_service):
            s0, s1 = service_starts[j], _group_end_numba(service_starts, j, omega)
            if counts[0, i, j] == 0.0 and counts[1, i, j] == 0.0:
                continue
            usable = 0
            for x in range(a0, a1 + 1):
                if min(s1, x - min_age) >= s0:
                    usable += 1
            if usable == 0:
                return i * n_service + j
            for g in range(2):
                total = 0.0
                for x in range(a0, a1 + 1):
                    if min(s1, x - min_age) >= s0:
                        total += weights[g, x]
                for x in range(a0, a1 + 1):
                    top = min(s1, x - min_age)
                    if top < s0:
                        continue
                    share = weights[g, x] / total if total > 0.0 else 1.0 / usable
                    per_cell = share * counts[g, i, j] / (top - s0 + 1)
                    for s in range(s0, top + 1):
                        out[g, x, s] += per_cell
    return -1


def spread_insured_reference(age_starts, service_starts, counts, min_age, weights, out) -> int:
    """numpy twin of :func:`spread_insured_kernel`, group by group: the feasible cells of a group are its
    (age, service) pairs with service <= age - ``min_age``; its count goes to its ages with a feasible cell
    in proportion to ``weights`` (equal shares where they are all 0), and evenly over the feasible service
    years of each age."""
    omega = out.shape[1] - 1
    for i, a0 in enumerate(age_starts):
        ages = np.arange(a0, _group_end(age_starts, i, omega) + 1)
        for j, s0 in enumerate(service_starts):
            totals = counts[:, i, j]
            if not totals.any():
                continue
            tops = np.minimum(_group_end(service_starts, j, omega), ages - min_age)  # highest feasible service
            usable = tops >= s0
            if not usable.any():
                return i * len(service_starts) + j
            w = np.where(usable[None, :], weights[:, ages], 0.0)
            total = w.sum(axis=1, keepdims=True)
            share = np.where(total > 0, w / np.where(total > 0, total, 1.0), usable / usable.sum())
            for k in np.flatnonzero(usable):
                out[:, ages[k], s0:tops[k] + 1] += (share[:, k] * totals / (tops[k] - s0 + 1))[:, None]
    return -1


@njit(cache=True, inline="always")
def highest_written(active, inactive, top, entitled_from, other, entitled, S):
    """Highest service year of 1 January next that :func:`spread_cells` gave someone from one row with
    cells 0 .. ``top`` (padded): the highest occupied cell h, or h + 1 when some of h gain a year (below
    the last service year); -1 for an empty row.  ``other``, ``entitled``: the destinations of the cells
    below and from ``entitled_from``."""
    h = top
    while h >= 0 and active[h + 1] == 0.0 and inactive[h + 1] == 0.0:
        h -= 1
    if h < 0 or h == S - 1:
        return h
    gain = entitled[2] if h >= entitled_from else other[2]
    a, m = active[h + 1], inactive[h + 1]
    if a * gain[0] + m * other[3][0] != 0.0 or a * gain[1] != 0.0:
        return h + 1
    return h


@njit(cache=True)
def cell_flows(active, inactive, top, entitled_from, q, rates, retire_other, retire_entitled, claims, out):
    """The flows of FLOW_NAMES of one row (sex, age), cells 0 .. ``top`` (padded as in :func:`spread_cells`)
    into ``out`` (7, S): the cell's persons times the shares of :func:`active_shares` and
    :func:`inactive_shares`."""
    for s in range(top + 1):
        a, m = active[s + 1], inactive[s + 1]
        retire = retire_entitled if s >= entitled_from else retire_other
        d, i, ret, lp, _ = active_shares(q, rates.invalidity, retire, rates.lapse)
        dn, left, back, _ = inactive_shares(q, rates.reentry, claims)
        out[0, s], out[1, s], out[2, s], out[3, s] = a * d, m * dn, a * i, a * ret
        out[4, s], out[5, s], out[6, s] = m * left, a * lp, m * back


@njit(cache=True)
def _sex_exit_cells(top, S):
    """The packed exit cells of one sex and year whose tops are ``top`` (A,), service 0 .. S - 1:
    :func:`row_exit_cells` summed."""
    cells = 0
    for x in range(top.shape[0]):
        cells += row_exit_cells(top[x], S)
    return cells


@njit(cache=True, parallel=True)
def project_insured_kernel(year_sex, target, rates, q, actives, inactive, exits, tops, by_age, totals, flows):
    """The insured persons of the scheme, year after year (numba kernel; twin
    :func:`project_insured_reference`): the first of the two passes of the projection, which the
    rules of benefits do not enter (:func:`project_benefits_kernel` is the second).

    The two sexes are projected side by side, on numba's threads (:func:`project_insured_sex`, which
    says what a year does; the sexes share nothing in this pass), then the yearly totals added up
    (:func:`insured_totals`).  :func:`project_insured_serial` does the same on the calling thread only,
    with the same results bit for bit (:data:`FUSED`).

    Inputs: year_sex (n, 2) YEAR_SEX_DTYPE; target (n, 2, A) actives wanted on 1 January t + 1;
    rates (2, A) AGE_DTYPE; q (n, 2, A) the insured's death probabilities.  Stocks hold the base
    year in row 0: actives, inactive (n + 1, 2, A, S), or (3, 2, A, S) to keep only the base year and
    two working rows (:func:`stock_row`), whose cells above the tops hold anything.

    Outputs (every cell written): tops (n, 2, A) a bound on the highest service with someone of sex
    g and age x on 1 January t (-1: nobody; cells above are empty); exits (2, cells, 4) by
    :class:`Exit`, of the cells of 1 January t by service at the exit, each sex's packed year after
    year, each year's rows x one after another with :func:`exit_cells` cells (:func:`exit_starts`,
    :func:`exits_by_cell`), the rest unwritten (at least :func:`exit_capacity` cells; fewer: ValueError);
    by_age (n + 1, len(Flow), 2, A) by :class:`Flow`; totals (n + 1, len(Total)) by :class:`Total`;
    flows (n, 7, 2, A, S) the flows of FLOW_NAMES by service at 1 January, or 0 rows to skip them.
    """
    by_sex, top_end, enough = insured_by_sex(year_sex.shape[0], actives.shape[2], totals.shape[1])
    for g in prange(2):
        enough[g] = project_insured_sex(g, year_sex, target, rates, q, actives, inactive, exits[g], tops, by_age,
                                        by_sex[g], top_end[g], flows)
    insured_totals(enough, by_sex, top_end, actives, inactive, by_age, totals)


@njit(cache=True)
def project_insured_serial(year_sex, target, rates, q, actives, inactive, exits, tops, by_age, totals, flows):
    """:func:`project_insured_kernel` on the calling thread only, one sex after the other (for the runs of
    a stochastic chunk, whose parallelism is the runs): the same arguments and results.
    A function of its own, not the kernel's code compiled without ``parallel``: numba's on-disk cache keys
    compiled code by the function's source, not by that option."""
    by_sex, top_end, enough = insured_by_sex(year_sex.shape[0], actives.shape[2], totals.shape[1])
    for g in range(2):
        enough[g] = project_insured_sex(g, year_sex, target, rates, q, actives, inactive, exits[g], tops, by_age,
                                        by_sex[g], top_end[g], flows)
    insured_totals(enough, by_sex, top_end, actives, inactive, by_age, totals)


@njit(cache=True)
def insured_by_sex(n, A, columns):
    """What :func:`project_insured_sex` returns for each sex to :func:`insured_totals`: its yearly totals
    (2, n, columns), its tops of the last 1 January (2, A) and whether its exits had room (2,)."""
    return np.empty((2, n, columns)), np.empty((2, A), np.int64), np.empty(2, np.bool_)


@njit(cache=True)
def insured_totals(enough, by_sex, top_end, actives, inactive, by_age, totals):
    """The yearly totals of :func:`project_insured_kernel` from those of each sex ``by_sex`` (2, n, len(Total)):
    service and service of the exits added, the smallest cell the smaller; the last 1 January's from its
    stocks (:func:`_stock_totals`, ``top_end`` (2, A) their tops).  ValueError if a sex's exits found too
    few packed cells (``enough`` false)."""
    if not (enough[0] and enough[1]):
        raise ValueError("exits: too few packed cells (core.pension.exit_capacity)")
    n = by_sex.shape[1]
    for t in range(n):
        totals[t, Total.SERVICE] = by_sex[0, t, Total.SERVICE] + by_sex[1, t, Total.SERVICE]
        totals[t, Total.EXIT_SERVICE] = by_sex[0, t, Total.EXIT_SERVICE] + by_sex[1, t, Total.EXIT_SERVICE]
        totals[t, Total.LOWEST] = min(by_sex[0, t, Total.LOWEST], by_sex[1, t, Total.LOWEST])
    last = stock_row(n, actives.shape[0] == n + 1)
    by_age[n] = 0.0
    _stock_totals(actives[last], inactive[last], top_end, by_age[n], totals[n])


@njit(cache=True)
def project_insured_sex(g, year_sex, target, rates, q, actives, inactive, exits, tops, by_age, totals, top_end,
                        flows):
    """The insured persons of sex ``g``, year after year, for :func:`project_insured_kernel` (arguments as
    there but ``exits`` (cells, 4) this sex's, ``totals`` (n, len(Total)) this sex's and ``top_end`` (A,) its
    tops of the last 1 January); writes only sex g's cells.  Returns False if ``exits`` has too few cells.
    Each year is :func:`insured_year`, its exits packed after those of the year before."""
    state = insured_state(g, actives, inactive)
    cell = 0  # the first packed exit cell of the year
    for t in range(year_sex.shape[0]):
        cell = insured_year(g, t, cell, year_sex, target, rates, q, actives, inactive, exits, tops, by_age, totals,
                            flows, state)
        if cell < 0:
            return False
    top_end[:] = state[0]
    return True


@njit(cache=True)
def insured_state(g, actives, inactive):
    """What :func:`insured_year` carries from one year to the next for sex ``g`` and the rows it works in:
    (tops (A,) of 1 January, first those of the base year in ``actives[0]``, ``inactive[0]``; the tops of
    1 January next; the actives and inactive of 1 January next by age before the balancing (A,); one row's
    actives and inactive of 1 January padded by an empty cell at each end (S + 2,))."""
    A, S = actives.shape[2], actives.shape[3]
    top = np.full(A, -1, np.int64)
    for x in range(A):
        for s in range(S):
            if actives[0, g, x, s] != 0.0 or inactive[0, g, x, s] != 0.0:
                top[x] = s
    return top, np.empty(A, np.int64), np.empty(A), np.empty(A), np.zeros(S + 2), np.zeros(S + 2)


@njit(cache=True)
def insured_year(g, t, cell, year_sex, target, rates, q, actives, inactive, exits, tops, by_age, totals, flows,
                 state):
    """Year t of the insured persons of sex ``g`` (:func:`project_insured_sex`; ``state``: :func:`insured_state`,
    updated to 1 January t + 1): its exits packed from cell ``cell`` of ``exits``; returns the cell after
    them, or -1 if ``exits`` has too few cells.

    Row (age) after row of 1 January: the shares of a person of the row who die,
    become invalid, retire, lapse, claim, re-enter or stay and gain a year of service or not
    (:func:`retirement_rates`, :func:`active_shares`, :func:`inactive_shares`, :func:`cell_destinations`:
    the same for every service year of the row but for the entitlement to early retirement and the last
    service year); the row's persons by service times those shares, aged to 1 January t + 1, and the
    exits by service at the exit (:func:`load_row`, :func:`spread_cells`); its flows by age from its sums
    times the shares; then the balancing of every age to ``target[t]`` (:func:`balance_age`).
    """
    n = year_sex.shape[0]
    A = actives.shape[2]
    S = actives.shape[3]
    omega = A - 1
    keep_flows = flows.shape[0] == n
    keep_all = actives.shape[0] == n + 1
    top, top_next, actives_next, inactive_next, row_active, row_inactive = state
    now, after = stock_row(t, keep_all), stock_row(t + 1, keep_all)
    a0, n0, a1, n1 = actives[now, g], inactive[now, g], actives[after, g], inactive[after, g]
    if keep_all:
        a1[:] = 0.0
        n1[:] = 0.0
    else:  # a working row: zero the cells this year writes, service up to top + 1 of the age before
        for x in range(A):
            extent = top[x - 1] + 2 if x > 0 else 1
            if x == omega:
                extent = max(extent, top[x] + 2)
            for s in range(min(max(extent, 1), S)):
                a1[x, s] = 0.0
                n1[x, s] = 0.0
    if keep_flows:
        flows[t, :, g] = 0.0
    tops[t, g] = top
    if cell + _sex_exit_cells(top, S) > exits.shape[0]:
        return -1
    top_next[:] = -1
    actives_next[:] = 0.0
    inactive_next[:] = 0.0
    by_age[t, :, g] = 0.0
    years = exit_years = 0.0
    low = 0.0 if top.min() < S - 1 else np.inf  # cells above the tops are 0
    ys = year_sex[t, g]
    for x in range(A):
        last = top[x]
        if last < 0:  # nobody of this sex and age on 1 January
            continue
        x1 = x + 1 if x < omega else omega
        r = rates[g, x]
        qx = q[t, g, x]
        density = r.density
        half = 0.5 * density  # credit of a leaver or re-entrant (half a year at the density)
        retire_other, retire_entitled, entitled_from = retirement_rates(x, ys, density)
        claims = x + 1 >= ys.normal_age  # inactive insured claim at the birthday
        width = row_exit_cells(last, S)
        row_first = cell
        cell += width
        below, above, waiting, row_years, row_low = load_row(a0, n0, x, last, entitled_from,
                                                             row_active, row_inactive)
        years += row_years
        low = min(low, row_low)
        other = cell_destinations(qx, r.invalidity, retire_other, r.lapse, r.reentry, claims, density, half)
        entitled = cell_destinations(qx, r.invalidity, retire_entitled, r.lapse, r.reentry, claims, density,
                                     half)
        # service years of one kind of cell s and of cell s - 1: below the entitlement to early
        # retirement, the first year entitled, the years entitled, the last service year
        first, second = min(entitled_from, S - 1), min(entitled_from + 1, S - 1)
        for lo, hi, keep, gain in ((0, first, other, other), (first, second, entitled, other),
                                   (second, S - 1, entitled, entitled)):
            if min(lo, width) < min(hi, width):
                exit_years += spread_cells(min(lo, width), min(hi, width), keep[0], keep[1], gain[2],
                                           gain[3], row_active, row_inactive, a1, n1, x1, exits, row_first)
        if width == S:  # the last service year keeps its gains
            keep = cell_destinations(qx, r.invalidity, retire_entitled if S - 1 >= entitled_from
                                     else retire_other, r.lapse, r.reentry, claims, 0.0, 0.0)
            gain = entitled if S - 2 >= entitled_from else other
            exit_years += spread_cells(S - 1, S, keep[0], keep[1], gain[2], gain[3], row_active, row_inactive,
                                       a1, n1, x1, exits, row_first)
        top_next[x1] = max(top_next[x1], highest_written(row_active, row_inactive, last, entitled_from,
                                                         other, entitled, S))
        if keep_flows:
            cell_flows(row_active, row_inactive, last, entitled_from, qx, r, retire_other, retire_entitled,
                       claims, flows[t, :, g, x])
        dead, invalid, retired_other, lapsed_other, stay_other = active_shares(
            qx, r.invalidity, retire_other, r.lapse)
        _, _, retired_entitled, lapsed_entitled, stay_entitled = active_shares(
            qx, r.invalidity, retire_entitled, r.lapse)
        _, claim, back, remain = inactive_shares(qx, r.reentry, claims)
        persons = below + above
        reentered = waiting * back
        lapsed = below * lapsed_other + above * lapsed_entitled
        stayers = below * stay_other + above * stay_entitled
        dead_active, invalids = persons * dead, persons * invalid
        retired = below * retired_other + above * retired_entitled
        by_age[t, Flow.ACTIVES, g, x], by_age[t, Flow.INACTIVE, g, x] = persons, waiting
        by_age[t, Flow.DEAD_ACTIVE, g, x], by_age[t, Flow.DEAD_INACTIVE, g, x] = dead_active, waiting * qx
        by_age[t, Flow.INVALID, g, x] = invalids
        by_age[t, Flow.RETIRED_ACTIVE, g, x] = retired
        by_age[t, Flow.LEFT_INACTIVE, g, x] = waiting * claim
        by_age[t, Flow.LAPSED, g, x] = lapsed
        by_age[t, Flow.REENTERED, g, x] = reentered
        by_age[t, Flow.ACTIVES_END, g, x] = stayers + reentered
        by_age[t, Flow.CREDITED, g, x] = stayers * density + (dead_active + invalids + retired + lapsed
                                                             + reentered) * half
        actives_next[x1] += stayers + reentered
        inactive_next[x1] += lapsed + waiting * remain
    totals[t, Total.SERVICE] = years
    totals[t, Total.EXIT_SERVICE] = exit_years
    totals[t, Total.LOWEST] = low

    # 31 December: every age brought to its target of 1 January t + 1
    for y in range(A):
        entry_open = ys.entry_from <= y < ys.entry_to
        if top_next[y] < 0 and not (entry_open and target[t, g, y] > 0.0):
            continue
        entrants, moved, back = balance_age(a1, n1, y, max(top_next[y], 0), target[t, g, y], entry_open,
                                            actives_next[y], inactive_next[y])
        by_age[t, Flow.ENTRANTS, g, y] = entrants
        by_age[t, Flow.TO_INACTIVE, g, y] = moved
        by_age[t, Flow.REACTIVATED, g, y] = back
        if entrants > 0.0:
            top_next[y] = max(top_next[y], 0)
    top[:] = top_next
    return cell


@njit(cache=True)
def _stock_totals(active, inactive, top, by_age, totals):
    """Totals of one 1 January's insured stocks (2, A, S) whose cells above ``top[g, x]`` are 0:
    by_age[Flow.ACTIVES] and [Flow.INACTIVE] (2, A); totals[Total.SERVICE] and [Total.LOWEST]."""
    A = active.shape[1]
    years = 0.0
    low = 0.0 if top.min() < active.shape[2] - 1 else np.inf
    for g in range(2):
        for x in range(A):
            persons_active = persons_inactive = 0.0
            for s in range(top[g, x] + 1):
                a, m = active[g, x, s], inactive[g, x, s]
                persons_active += a
                persons_inactive += m
                years += s * (a + m)
                low = min(low, a, m)
            by_age[Flow.ACTIVES, g, x] = persons_active
            by_age[Flow.INACTIVE, g, x] = persons_inactive
    totals[Total.SERVICE] = years
    totals[Total.EXIT_SERVICE] = 0.0
    totals[Total.LOWEST] = low


def retirement_rates_reference(year_sex, density, A, S):
    """Numpy twin of :func:`retirement_rates`: the retirement rate of every cell (2, A, S) of one year."""
    attained = np.arange(1, A + 1)[None, :, None]
    service = np.arange(S)[None, None, :]
    field = lambda name: np.asarray(year_sex[name])[:, None, None]  # noqa: E731
    entitled = service >= np.maximum(np.ceil(field("min_service") - 0.5 * density[:, :, None]), 0)
    return np.where(attained >= field("exit_age"), 1.0,
                    np.where(attained >= field("normal_age"), field("retire_normal"),
                             np.where((attained >= field("early_age")) & entitled, field("retire_early"), 0.0)))


def gain_a_year(persons, probability):
    """Numpy twin of the service credit of :func:`cell_destinations` over a whole stock (2, A, S): the
    stock by service after a share ``probability`` (2, A) of every cell gained a year (the last
    service year keeps its gains)."""
    gain = persons * probability[:, :, None]
    out = persons - gain
    out[:, :, 1:] += gain[:, :, :-1]
    out[:, :, -1] += gain[:, :, -1]
    return out


def age_one_year(stock):
    """A stock (2, A, ...) one year older: age x moves to x + 1; the open group stays in it."""
    out = np.zeros_like(stock)
    out[:, 1:] = stock[:, :-1]
    out[:, -1] += stock[:, -1]
    return out


def active_decrements_reference(a, q, invalidity, retire, lapse):
    """Numpy twin of :func:`active_shares` times the actives, over arrays (broadcast): (deaths, invalidity, retirements,
    lapses, stayers)."""
    survivors = a * (1.0 - q)
    valid = survivors * (1.0 - invalidity)
    staying = valid * (1.0 - retire)
    remaining = staying * (1.0 - lapse)
    return a - survivors, survivors - valid, valid - staying, staying - remaining, remaining


def inactive_decrements_reference(m, q, reentry, claims):
    """Numpy twin of :func:`inactive_shares` times the inactive insured, over arrays (``claims`` a boolean
    array broadcast with ``m``): (deaths, claims, re-entrants, remaining)."""
    dead = m * q
    survivors = m - dead
    back = np.where(claims, 0.0, survivors * reentry)
    return dead, np.where(claims, survivors, 0.0), back, np.where(claims, 0.0, survivors - back)


def insured_step_reference(active, inactive, q, rates, year_sex):
    """One year of the insured population before the balancing (numpy; a step of
    :func:`project_insured_reference`).

    active, inactive : (2, A, S) persons on 1 January by sex, age, completed service; q (2, A) the
    insured's death probabilities; rates (2, A) AGE_DTYPE; year_sex (2,) YEAR_SEX_DTYPE.
    Returns (active_next, inactive_next) on 1 January of the next year (2, A, S), the flows of
    FLOW_NAMES by cell of 1 January (7, 2, A, S), the exits by service at the exit (2, A, S, 4) and
    the credited service (2, A).
    """
    _, A, S = active.shape
    density = rates["density"]
    half = 0.5 * density
    r = retirement_rates_reference(year_sex, density, A, S)
    cell = lambda v: v[:, :, None]  # noqa: E731
    d, i, ret, lp, stay = active_decrements_reference(active, cell(q), cell(rates["invalidity"]), r,
                                                      cell(rates["lapse"]))
    claims = np.arange(1, A + 1)[None, :, None] >= np.asarray(year_sex["normal_age"])[:, None, None]
    dn, left, back, remain = inactive_decrements_reference(inactive, cell(q), cell(rates["reentry"]), claims)
    active_next = age_one_year(gain_a_year(stay, density) + gain_a_year(back, half))
    inactive_next = age_one_year(remain + gain_a_year(lp, half))
    exits = np.stack([gain_a_year(ret, half), left, gain_a_year(i, half), gain_a_year(d, half) + dn], axis=-1)
    credited = (stay * cell(density) + (d + i + ret + lp + back) * cell(half)).sum(axis=2)
    return active_next, inactive_next, np.stack([d, dn, i, ret, left, lp, back]), exits, credited


def balance_reference(active, inactive, target, year_sex):
    """Numpy twin of the balancing of :func:`project_insured_kernel` (:func:`balance_age` at every sex
    and age): modifies the stocks of 1 January (2, A, S) in place; returns (entrants, moved,
    reactivated) (2, A)."""
    A = active.shape[1]
    ages = np.arange(A)[None, :]
    entry_from, entry_to = (np.asarray(year_sex[name])[:, None] for name in ("entry_from", "entry_to"))
    entry_open = (ages >= entry_from) & (ages < entry_to)
    have, waiting = active.sum(axis=2), inactive.sum(axis=2)
    short = entry_open & (have < target)
    back = np.where(short, np.minimum(target - have, waiting), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        back_share = np.where(back > 0.0, back / np.where(waiting > 0.0, waiting, 1.0), 0.0)
        share = np.where((have > target) & (have > 0.0), (have - target) / np.where(have > 0.0, have, 1.0), 0.0)
    entrants = np.where(short, target - have - back, 0.0)
    returning = inactive * back_share[:, :, None]
    excess = active * share[:, :, None]
    active += returning - excess
    inactive += excess - returning
    active[:, :, 0] += entrants
    return entrants, excess.sum(axis=2), back


def highest_service(active, inactive):
    """(2, A) the highest service with someone of each sex and age (-1: nobody) in stocks (2, A, S)."""
    occupied = (active != 0.0) | (inactive != 0.0)
    S = active.shape[2]
    return np.where(occupied.any(axis=2), S - 1 - np.argmax(occupied[:, :, ::-1], axis=2), -1)


def project_insured_reference(year_sex, target, rates, q, actives, inactive, exits, tops, by_age, totals, flows):
    """Numpy twin of :func:`project_insured_kernel`, with the same arguments and outputs (it fills
    them; ``tops`` is the exact highest service, so the packing of ``exits`` may differ but not
    :func:`exits_by_cell`): a loop over the years calling :func:`insured_step_reference` and
    :func:`balance_reference`."""
    n = year_sex.shape[0]
    service = np.arange(actives.shape[3])
    keep_all = actives.shape[0] == n + 1

    def stock_totals(a, m, out, total):
        out[Flow.ACTIVES], out[Flow.INACTIVE] = a.sum(axis=2), m.sum(axis=2)
        total[Total.SERVICE] = ((a + m) * service).sum()
        total[Total.LOWEST] = min(a.min(), m.min())

    first = np.zeros(2, np.int64)  # the first packed exit cell of each sex in the year
    for t in range(n):
        a0, n0 = actives[stock_row(t, keep_all)], inactive[stock_row(t, keep_all)]
        tops[t] = highest_service(a0, n0)
        a1, n1, cells, by_exit, credited = insured_step_reference(a0, n0, q[t], rates, year_sex[t])
        occupied = service[None, None, :] < exit_cells(tops[t])[:, :, None]
        for g in range(2):
            exits[g, first[g]:first[g] + occupied[g].sum()] = by_exit[g][occupied[g]]
            first[g] += occupied[g].sum()
        by_age[t] = 0.0
        by_age[t, :len(FLOW_NAMES)] = cells.sum(axis=3)
        stayers = a0 - cells[Flow.DEAD_ACTIVE] - cells[Flow.INVALID] - cells[Flow.RETIRED_ACTIVE] - cells[Flow.LAPSED]
        by_age[t, Flow.ACTIVES_END] = (stayers + cells[Flow.REENTERED]).sum(axis=2)
        by_age[t, Flow.CREDITED] = credited
        if flows.shape[0] == n:
            flows[t] = cells
        by_age[t, Flow.ENTRANTS], by_age[t, Flow.TO_INACTIVE], by_age[t, Flow.REACTIVATED] = balance_reference(
            a1, n1, target[t], year_sex[t])
        stock_totals(a0, n0, by_age[t], totals[t])
        totals[t, Total.EXIT_SERVICE] = (by_exit.sum(axis=3) * service).sum()
        after = stock_row(t + 1, keep_all)
        actives[after], inactive[after] = a1, n1
    last = stock_row(n, keep_all)
    by_age[n] = 0.0
    stock_totals(actives[last], inactive[last], by_age[n], totals[n])
    totals[n, Total.EXIT_SERVICE] = 0.0


# --- the second pass: wages, awards and pensioners ---------------------------------------------------

YEAR_DTYPE = np.dtype([  # one record per projection year
    ("average_wage", "f8"),  # mean gross wage of the actives (currency units a year)
    ("earnings_floor", "f8"), ("earnings_ceiling", "f8"),  # levels of the year (0 = none)
    ("earnings_cv", "f8"),  # coefficient of variation of individual earnings (lognormal)
    ("revaluation_index", "f8"),  # index of the revaluation of past earnings (wages, prices or none)
    ("reference_period", "i8"),  # years averaged for reference earnings; 0 = the whole career
    ("min_service_old_age", "f8"), ("min_service_invalidity", "f8"), ("min_service_survivors", "f8"),
    ("accrual_rate", "f8"), ("accrual_base_percent", "f8"), ("accrual_base_years", "f8"),
    ("min_pension", "f8"), ("max_pension", "f8"),  # money of the year (0 = no maximum)
    ("early_reduction", "f8"), ("late_increment", "f8"), ("grant_per_year", "f8"),
    ("service_credit", "b1"),  # invalidity and death: service counted up to the normal age
    ("widow_share", "f8"), ("orphan_share", "f8"), ("full_orphan_share", "f8"), ("survivors_cap", "f8"),
    ("orphan_age_limit", "i8"),
    ("indexation_next", "f8"),  # revaluation of pensions in payment on 1 January of the next year
])
SEX_DTYPE = np.dtype([  # (2,): by sex
    ("spouse_age_difference", "f8"), ("orphan_age_gap", "f8"),
])
# death probabilities q (years, 4, 2, A): insured, old-age pensioners, invalidity pensioners, population;
# pensioners of type k (old-age, invalidity, survivors, orphans) die with q[:, PENSIONER_MORTALITY[k]]
PENSIONER_MORTALITY = (1, 2, 3, 3)


@njit(cache=True)
def death_probabilities_kernel(survival, factor, out):
    """The death probabilities q (n, 4, 2, A) into ``out`` (numba kernel; twin
    :func:`death_probabilities_reference`), from the population block's survival ratios ``survival``
    (n, 2, A; S_x = L_x / L_{x-1} for x < omega, S_omega = T_omega / T_{omega-1}) and the mortality
    factors ``factor`` (3, 2) of the insured, old-age and invalidity pensioners, by sex.

    The population's q^P = 1 - S_{x+1} (x < omega) and 1 - S_omega for the open group, kept within 0 - 1;
    q[:, k] = min(factor[k, g] x q^P, 1) for k < 3 and q[:, 3] = q^P (widow(er)s and orphans).  An
    undefined ratio (NaN) gives NaN, which the checks of the valuation report."""
    n, _, A = survival.shape
    for t in range(n):
        for g in range(2):
            for x in range(A):
                q = 1.0 - survival[t, g, min(x + 1, A - 1)]
                if q < 0.0:
                    q = 0.0
                elif q > 1.0:
                    q = 1.0
                for k in range(3):
                    scaled = factor[k, g] * q
                    out[t, k, g, x] = 1.0 if scaled > 1.0 else scaled
                out[t, 3, g, x] = q


def death_probabilities_reference(survival, factor) -> np.ndarray:
    """Numpy twin of :func:`death_probabilities_kernel`; returns q (n, 4, 2, A)."""
    q_population = np.empty_like(survival)
    q_population[..., :-1] = 1.0 - survival[..., 1:]
    q_population[..., -1] = 1.0 - survival[..., -1]
    q_population = np.clip(q_population, 0.0, 1.0)
    scaled = [np.minimum(q_population * factor[k][None, :, None], 1.0) for k in range(3)]
    return np.stack(scaled + [q_population], axis=1)


class Money(IntEnum):
    """Axis of the pensioners in payment and of the awards: persons and their total annual pension."""

    NUMBER = 0
    AMOUNT = 1


class Wage(IntEnum):
    """Axis of the wages of an active by sex and age: the gross wage and the insurable wage (its
    expectation within the ceiling and floor)."""

    GROSS = 0
    INSURABLE = 1


class Leaving(IntEnum):
    """Axis of the pensioners who leave during the year."""

    DEATHS = 0
    EXITS = 1  # remarriage of widow(er)s, orphans reaching the age limit


def normal_cdf_reference(z):
    """Standard normal distribution function Phi(z) of an array (plain Python erfc, element by
    element; the twin of the scalar ``_normal_cdf`` of the kernels)."""
    z = np.asarray(z, dtype=np.float64)
    return np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in z.ravel()]).reshape(z.shape)


@njit(cache=True)
def _normal_cdf(z):
    """Standard normal distribution function Phi(z) = erfc(-z / sqrt 2) / 2."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


@njit(cache=True)
def clipped_lognormal_mean_kernel(mean, cv, floor, ceiling, out):
    """E[min(max(W, floor), ceiling)] for lognormal W of the given mean (2-D array) and coefficient of
    variation (numba kernel; ``out`` has the shape of ``mean``).

    sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2; for a bound c:
    P(W <= c) = Phi((ln c - mu) / sigma), E[W 1{W <= c}] = mean Phi((ln c - mu - sigma^2) / sigma).
    A bound of 0 means none.  cv = 0 gives min(max(mean, floor), ceiling); with cv > 0 a mean of 0
    or less gives 0.
    """
    rows, cols = mean.shape
    sigma = math.sqrt(math.log1p(cv * cv))
    for r in range(rows):
        for c in range(cols):
            m = mean[r, c]
            if cv <= 0.0:
                v = max(m, floor) if floor > 0.0 else m
                out[r, c] = min(v, ceiling) if ceiling > 0.0 else v
                continue
            if m <= 0.0:
                out[r, c] = 0.0
                continue
            mu = math.log(m) - 0.5 * sigma * sigma
            total = m
            if ceiling > 0.0:
                z = (math.log(ceiling) - mu) / sigma
                total = m * _normal_cdf(z - sigma) + ceiling * (1.0 - _normal_cdf(z))
            if floor > 0.0:
                z = (math.log(floor) - mu) / sigma
                total = total - m * _normal_cdf(z - sigma) + floor * _normal_cdf(z)
            out[r, c] = total


def clipped_lognormal_mean_reference(mean, cv, floor, ceiling):
    """Numpy twin of :func:`clipped_lognormal_mean_kernel` (any shape); returns the clipped means."""
    mean = np.asarray(mean, dtype=np.float64)
    if cv <= 0.0:
        out = np.maximum(mean, floor) if floor > 0 else mean.copy()
        return np.minimum(out, ceiling) if ceiling > 0 else out
    sigma = np.sqrt(np.log1p(cv * cv))
    mu = np.log(np.where(mean > 0, mean, 1.0)) - 0.5 * sigma * sigma

    def below(c):  # (P(W <= c), E[W 1{W <= c}])
        z = (np.log(c) - mu) / sigma
        return normal_cdf_reference(z), mean * normal_cdf_reference(z - sigma)

    total = mean.copy()
    if ceiling > 0:
        p, partial = below(ceiling)
        total = partial + ceiling * (1.0 - p)
    if floor > 0:
        p, partial = below(floor)
        total = total - partial + floor * p
    return np.where(mean > 0, total, 0.0)


def insurable_wage_reference(actives, salary, average_wage, cv, floor, ceiling):
    """Gross and insurable wages of an active by sex and age (2, 2, A), :class:`Wage`, in one year (numpy).

    The gross wage ``average_wage x salary[g, x] / norm``, with ``norm`` the salary scale averaged
    over the actives by sex and age (2, A) on 1 January (the plain mean of the scale when there is
    none), so that the actives' mean gross wage is ``average_wage``; the insurable wage is its mean
    within the ceiling and floor (:func:`clipped_lognormal_mean_reference`).
    """
    total = actives.sum()
    norm = np.sum(actives * salary) / total if total > 0 else np.mean(salary)
    gross = average_wage * salary / norm
    return np.stack([gross, clipped_lognormal_mean_reference(gross, cv, floor, ceiling)])


@njit(cache=True)
def accrued_share(service, rate, base_percent, base_years):
    """Pension as a share of reference earnings after ``service`` years (any real number >= 0): the base
    percent pro rata over the first base years plus ``rate`` per further year."""
    base = 0.0
    if base_years > 0.0:
        base = base_percent * min(service, base_years) / base_years
    return base + rate * max(service - base_years, 0.0)


@njit(cache=True)
def clamp_pension(pension, minimum, maximum):
    """The pension raised to the minimum and, when a maximum is set (> 0), lowered to it."""
    pension = max(pension, minimum)
    return min(pension, maximum) if maximum > 0.0 else pension


@njit(cache=True, inline="always")
def award_adjustments(x, normal_age, y, service_credit):
    """Adjustments of the awards of the insured aged x on 1 January (numba helper; twin inside
    :func:`awards_reference`): retirement and claims at the birthday, at the age attained x + 1;
    invalidity and deaths at mid-year, at x + 1/2.  Returns (factor of an active's old-age pension
    ``max(1 - reduction x years early + increment x years late, 0)``, factor of a deferred pension
    ``max(1 + increment x years late, 0)``, service credited to invalidity and death
    ``max(normal age - x - 1/2, 0)`` when ``service_credit``, else 0)."""
    attained = x + 1.0
    early_years = max(normal_age - attained, 0.0)
    late_years = max(attained - normal_age, 0.0)
    adjust = max(1.0 - y.early_reduction * early_years + y.late_increment * late_years, 0.0)
    deferred = max(1.0 + y.late_increment * late_years, 0.0)
    credit = max(normal_age - x - 0.5, 0.0) if service_credit else 0.0
    return adjust, deferred, credit


@njit(cache=True)
def cell_awards(retired, claimed, invalid, dead, service, pension, potential, grant, y):
    """Awards of the exits of one (sex, age, service) cell (numba helper; twin :func:`awards_reference`):
    ``pension`` and ``potential`` are the clamped pensions of :func:`awards_reference` before the
    retirement adjustments (``pension`` with ``service``, ``potential`` with the credited service),
    ``grant`` the lump sum of an exit without entitlement.  Returns (old-age awards, invalidity awards,
    entitled deaths, their potential pensions, grants), numbers: exits with at least the minimum
    service of their kind are entitled, the others get the grant; and the grants' amount.
    """
    old = retired + claimed if service >= y.min_service_old_age else 0.0
    disabled = invalid if service >= y.min_service_invalidity else 0.0
    entitled = dead if service >= y.min_service_survivors else 0.0
    without = (retired + claimed - old) + (invalid - disabled) + (dead - entitled)  # each term 0 or the exits
    return old, disabled, entitled, entitled * potential, without, without * grant


@njit(cache=True, inline="always")
def reference_earnings(diag, h_now, g, x, width, period, revaluation, out):
    """Reference earnings of the exits of sex g and age x with service s = 0 .. width - 1 into ``out``:
    revaluation x (diag[h_now, g, x] - diag[h_now - m, g, x - m]) / m, the average revalued insurable
    wage of the last m = max(s, 1) years (at most ``period`` when > 0) along the cohort's diagonal of
    ``diag`` (:func:`project_benefits_kernel`; 0 before age 0)."""
    now = diag[h_now, g, x]
    for s in range(width):
        m = max(s, 1)
        if period > 0:
            m = min(m, period)
        past = diag[max(h_now - m, 0), g, x - m] if x - m >= 0 else 0.0
        out[s] = revaluation * (now - past) / m


@njit(cache=True, fastmath=FUSED)
def row_awards(exits, first, width, ref, share, credit, adjust, deferred, wage, y, pension, potential):
    """Awards of the exits of one row (sex, age) by service at the exit, cells ``first`` .. first + width - 1 of
    the sex's packed ``exits`` (cells, 4) by :class:`Exit` (by index, not a view: :func:`spread_cells`), with the
    reference earnings ``ref`` (:func:`reference_earnings`) and the accrued share by whole years
    ``share``: first each cell's pension ``clamp_pension(share[s] x ref[s])`` and potential pension, with the
    service ``credit`` added, into ``pension`` and ``potential`` (at least width cells; a loop of its own,
    which the compiler can vectorize: about 0.2 ms less a valuation of the example), then each cell's awards
    by :func:`cell_awards` (grant ``grant_per_year x s x wage``), summed over the row: (old-age number, amount
    x ``adjust`` for actives and x ``deferred`` for inactive insured, invalidity number, amount, entitled
    deaths, their potential pensions, grants number, amount)."""
    lowest, highest = y.min_pension, y.max_pension  # the record's fields read once: the loop writes memory
    rate, base_percent, base_years = y.accrual_rate, y.accrual_base_percent, y.accrual_base_years
    for s in range(width):
        pension[s] = clamp_pension(share[s] * ref[s], lowest, highest)
        potential[s] = clamp_pension(accrued_share(s + credit, rate, base_percent, base_years) * ref[s], lowest,
                                     highest)
    old_number = old_amount = invalid_number = invalid_amount = 0.0
    dead_number = dead_pension = grant_number = grant_amount = 0.0
    for s in range(width):
        retired, left = exits[first + s, Exit.RETIRED_ACTIVE], exits[first + s, Exit.LEFT_INACTIVE]
        invalid, dead = exits[first + s, Exit.INVALID], exits[first + s, Exit.DEAD]
        old, disabled, entitled, entitled_pension, without, lump = cell_awards(
            retired, left, invalid, dead, s, pension[s], potential[s], y.grant_per_year * s * wage, y)
        old_number += old
        old_amount += pension[s] * (retired * adjust + left * deferred) if old > 0.0 else 0.0
        invalid_number += disabled
        invalid_amount += disabled * potential[s]
        dead_number += entitled
        dead_pension += entitled_pension
        grant_number += without
        grant_amount += lump
    return (old_number, old_amount, invalid_number, invalid_amount, dead_number, dead_pension, grant_number,
            grant_amount)


def award_adjustments_reference(ages, normal_age, y):
    """Numpy twin of :func:`award_adjustments` for every sex (normal_age (2,)) and age: (adjust, deferred,
    credit), each (2, A, 1)."""
    nra = np.asarray(normal_age, dtype=float)[:, None, None]
    attained = np.asarray(ages, dtype=float)[None, :, None] + 1.0
    early_years = np.maximum(nra - attained, 0.0)
    late_years = np.maximum(attained - nra, 0.0)
    adjust = np.maximum(1.0 - y["early_reduction"] * early_years + y["late_increment"] * late_years, 0.0)
    deferred = np.maximum(1.0 + y["late_increment"] * late_years, 0.0)
    credit = np.maximum(nra - attained + 0.5, 0.0) if y["service_credit"] else np.zeros_like(adjust)
    return adjust, deferred, credit


def awards_reference(exits, diag, h_now, periods, revaluation, wage, normal_age, y):
    """New pensions, entitled deaths and grants of one year from the exits of the insured by sex, age
    on 1 January and service at the exit (2, A, S, 4) by :class:`Exit` (numpy; a step of
    :func:`project_benefits_reference`).

    Reference earnings of a cell (sex g, age x, service s) with m = periods[s] years:
    ``ref = revaluation x (diag[h_now, g, x] - diag[h_now - m, g, x - m]) / m`` where diag holds
    prefix sums along cohort diagonals of insurable wage / revaluation index (0 before age 0).
    Old-age pension ``clamp(accrued(s) x ref) x adjust`` and deferred pension ``clamp(accrued(s) x
    ref) x deferred``; invalidity pension and potential pension of an entitled death:
    ``clamp(accrued(s + credit) x ref)`` (:func:`award_adjustments`).  ``clamp`` applies the minimum
    and (if > 0) maximum pension.  Exits without entitlement get a grant ``grant_per_year x s x
    wage[g, x]``.

    Returns (2, A) old_number, old_amount, inv_number, inv_amount by age at the END of the year;
    death_number, death_pension by age on 1 January; grants (2,): number, amount.
    """
    _, A, S, _ = exits.shape
    ages = np.arange(A)
    service = np.arange(S).astype(float)
    periods = np.asarray(periods)
    x_minus = ages[:, None] - periods[None, :]
    past = np.where(x_minus[None] >= 0,
                    diag[np.clip(h_now - periods, 0, None)[None, None, :], np.arange(2)[:, None, None],
                         np.clip(x_minus, 0, None)[None]], 0.0)
    ref = revaluation * (diag[h_now][:, :, None] - past) / periods[None, None, :]

    def accrued(s):
        base = y["accrual_base_percent"] * np.minimum(s, y["accrual_base_years"]) / y["accrual_base_years"] \
            if y["accrual_base_years"] > 0 else 0.0
        return base + y["accrual_rate"] * np.maximum(s - y["accrual_base_years"], 0.0)

    def clamp(p):
        p = np.maximum(p, y["min_pension"])
        return np.minimum(p, y["max_pension"]) if y["max_pension"] > 0 else p

    adjust, deferred_adjust, credit = award_adjustments_reference(ages, normal_age, y)
    s = service[None, None, :]
    base_pension = clamp(accrued(s) * ref)
    potential = clamp(accrued(s + credit) * ref)
    grant = y["grant_per_year"] * s * wage[:, :, None]
    ok_old = s >= y["min_service_old_age"]
    ok_inv = s >= y["min_service_invalidity"]
    ok_surv = s >= y["min_service_survivors"]
    retired, left, invalid, dead = (exits[..., e] for e in Exit)
    old_number = age_one_year(((retired + left) * ok_old).sum(axis=2))
    old_amount = age_one_year((ok_old * base_pension * (retired * adjust + left * deferred_adjust)).sum(axis=2))
    inv_number = age_one_year((invalid * ok_inv).sum(axis=2))
    inv_amount = age_one_year((invalid * ok_inv * potential).sum(axis=2))
    death_number = (dead * ok_surv).sum(axis=2)
    death_pension = (dead * ok_surv * potential).sum(axis=2)
    no_right = (retired + left) * ~ok_old + invalid * ~ok_inv + dead * ~ok_surv
    grants = np.array([no_right.sum(), (no_right * grant).sum()])
    return old_number, old_amount, inv_number, inv_amount, death_number, death_pension, grants


@njit(cache=True)
def survivors_kernel(death_number, death_pension, spouse_probability, orphans_per_death, spouse_age_difference,
                     orphan_age_gap, widow_share, orphan_share, full_orphan_share, cap, orphan_age_limit,
                     widow_number, widow_amount, orphan_number, orphan_amount):
    """New widow(er)s' and orphans' pensions from entitled deaths (numba kernel).

    death_number, death_pension : (2, A) deaths by sex and age on 1 January and the sum of the
                                  (actual or potential) pensions of the deceased.
    For a death of sex g at age x: a spouse with probability p (sex 1 - g, age x + 1 + difference
    at the end of the year) gets ``widow_share`` of the pension; ``orphans_per_death`` orphans
    (age x + 1 - gap, kept only below the age limit, half of each sex) each get
    ``p x orphan_share + (1 - p) x full_orphan_share``; the expected total is scaled down to
    ``cap`` when above it.  Outputs (2, A) by age at the end of the year (added to).
    """
    A = death_number.shape[1]
    omega = A - 1
    for g in range(2):
        for x in range(A):
            n = death_number[g, x]
            if n == 0.0 and death_pension[g, x] == 0.0:
                continue
            p = spouse_probability[g, x]
            orphans = orphans_per_death[g, x]
            per_orphan = p * orphan_share + (1.0 - p) * full_orphan_share
            total = p * widow_share + orphans * per_orphan
            scale = cap / total if total > cap else 1.0
            spouse_age = min(max(x + 1 + int(spouse_age_difference[g]), 0), omega)
            widow_number[1 - g, spouse_age] += n * p
            widow_amount[1 - g, spouse_age] += death_pension[g, x] * p * widow_share * scale
            orphan_age = min(max(x + 1 - int(orphan_age_gap[g]), 0), omega)
            if orphan_age < orphan_age_limit:
                for child in range(2):
                    orphan_number[child, orphan_age] += 0.5 * n * orphans
                    orphan_amount[child, orphan_age] += 0.5 * death_pension[g, x] * orphans * per_orphan * scale


def survivors_reference(death_number, death_pension, spouse_probability, orphans_per_death, spouse_age_difference,
                        orphan_age_gap, widow_share, orphan_share, full_orphan_share, cap, orphan_age_limit):
    """Numpy twin of :func:`survivors_kernel`; returns (widow_number, widow_amount, orphan_number,
    orphan_amount)."""
    A = death_number.shape[1]
    ages = np.arange(A)
    p, orphans = spouse_probability, orphans_per_death
    per_orphan = p * orphan_share + (1.0 - p) * full_orphan_share
    total = p * widow_share + orphans * per_orphan
    scale = np.where(total > cap, cap / np.where(total > 0, total, 1.0), 1.0)
    widow_number, widow_amount = np.zeros((2, A)), np.zeros((2, A))
    orphan_number, orphan_amount = np.zeros((2, A)), np.zeros((2, A))
    for g in range(2):
        spouse_age = np.clip(ages + 1 + int(spouse_age_difference[g]), 0, A - 1)
        np.add.at(widow_number[1 - g], spouse_age, death_number[g] * p[g])
        np.add.at(widow_amount[1 - g], spouse_age, death_pension[g] * p[g] * widow_share * scale[g])
        orphan_age = np.clip(ages + 1 - np.trunc(orphan_age_gap[g]).astype(int), 0, A - 1)
        young = orphan_age < orphan_age_limit
        for child in range(2):
            np.add.at(orphan_number[child], orphan_age[young], 0.5 * (death_number[g] * orphans[g])[young])
            np.add.at(orphan_amount[child], orphan_age[young],
                      0.5 * (death_pension[g] * orphans[g] * per_orphan[g] * scale[g])[young])
    return widow_number, widow_amount, orphan_number, orphan_amount


@njit(cache=True)
def pensioners_step_kernel(number, amount, q, exit_rate, new_number, new_amount, indexation,
                           number_next, amount_next, deaths, exits):
    """One year of one type of pensioners (numba kernel).

    number, amount   : (2, A) pensioners on 1 January and their total annual pension.
    q, exit_rate     : (2, A) death probability and other exit rate (of the survivors).
    new_number, new_amount : (2, A) awards of the year (number, total annual amount at award),
                             by age at the end of the year.
    indexation       : revaluation of pensions in payment on 1 January of the next year.
    number_next, amount_next : (2, A) outputs on 1 January of the next year.
    deaths, exits    : (2, A) outputs, by age on 1 January.
    """
    A = number.shape[1]
    omega = A - 1
    for g in range(2):
        for x in range(A):
            number_next[g, x] = new_number[g, x]
            amount_next[g, x] = new_amount[g, x]
        for x in range(A):
            x1 = x + 1 if x < omega else omega
            n = number[g, x]
            d = n * q[g, x]
            e = (n - d) * exit_rate[g, x]
            deaths[g, x] = d
            exits[g, x] = e
            if n > 0.0:
                keep = (n - d - e) / n
                number_next[g, x1] += n - d - e
                amount_next[g, x1] += amount[g, x] * keep
        for x in range(A):
            amount_next[g, x] *= 1.0 + indexation


def pensioners_step_reference(number, amount, q, exit_rate, new_number, new_amount, indexation):
    """Numpy twin of :func:`pensioners_step_kernel`; returns (number_next, amount_next, deaths, exits)."""
    deaths = number * q
    exits = (number - deaths) * exit_rate
    kept = number - deaths - exits
    with np.errstate(divide="ignore", invalid="ignore"):
        kept_amount = np.where(number > 0.0, amount * (kept / np.where(number > 0.0, number, 1.0)), 0.0)
    kept = np.where(number > 0.0, kept, 0.0)
    return (new_number + age_one_year(kept), (new_amount + age_one_year(kept_amount)) * (1.0 + indexation),
            deaths, exits)


@njit(cache=True, parallel=True)
def project_benefits_kernel(year, year_sex, rates, sex, q, other_exits, history, actives_by_age, exits, tops, diag,
                            in_payment, wages, awards, leaving, grants):
    """Wages, awards and pensioners of the scheme, year after year, from the insured persons of
    :func:`project_insured_kernel` (numba kernel; twin :func:`project_benefits_reference`): the second
    pass of the projection, the only one the rules of benefits enter.

    Reference earnings use ``diag``, prefix sums along cohort diagonals (:func:`push_cohort_sums`):
    rows 1 .. H (H = len(history)) are the H years before the base year, whose insurable wage is
    that of the base year times ``history[h]``; row H + t + 1 adds year t's wage / revaluation index.

    Each year t: insurable wages (:func:`insurable_wage_reference`) and ``diag[H + t + 1]`` (with the
    history rows first when t = 0); the awards, entitled deaths and grants (:func:`awards_reference`,
    :func:`award_adjustments`) of the exits of the year, in one pass over the packed cells; survivors'
    awards from the entitled deaths of the insured and of old-age and invalidity pensioners
    (:func:`survivors_kernel`); the pensioners of each type (:func:`pensioners_step_kernel`).  The wages
    and the awards of the insured who leave are made for the two sexes side by side, on numba's threads
    (:func:`project_awards_sex`; the sexes share only what :func:`awards_by_sex` makes first for both: the
    year's average salary scale over the actives and the accrued shares), then the survivors and
    pensioners year after year (:func:`project_pensioners`: survivors are of the other sex).
    :func:`project_benefits_serial` does the same on the calling thread only, with the same results up to
    rounding.

    Inputs: year (n,) YEAR_DTYPE, year_sex (n, 2) YEAR_SEX_DTYPE (the normal age is read), rates (2, A)
    AGE_DTYPE, sex (2,) SEX_DTYPE, q (n, 4, 2, A), other_exits (n, 4, 2, A) exit rates of the surviving
    pensioners other than death (remarriage, orphans reaching the age limit), history (H,), and from
    :func:`project_insured_kernel`: actives_by_age (at least n, 2, A) actives on 1 January, tops
    (n, 2, A) and the packed exits (2, cells, 4) (:func:`exit_starts`).  Outputs (every cell written;
    in_payment's row 0, the base year, is an input): diag (H + n + 1, 2, A) (row 0 is 0); in_payment
    (n + 1, 2, 4, 2, A) pensioners on 1 January and their annual pensions by :class:`Money`, type, sex and
    age; wages (n, 2, 2, A) by :class:`Wage`; awards (n, 2, 4, 2, A) by :class:`Money`; leaving
    (n, 2, 4, 2, A) by :class:`Leaving`; grants (n, 2) number and amount.
    """
    norms, shares, deaths, grants_by_sex = awards_by_sex(year, rates.salary, actives_by_age)
    for g in prange(2):
        project_awards_sex(g, year, year_sex, rates.salary, norms, shares, history, exits[g], tops, diag, wages,
                           awards, deaths, grants_by_sex[g])
    project_pensioners(year, rates, sex, q, other_exits, deaths, grants_by_sex, in_payment, awards, leaving, grants)


@njit(cache=True)
def project_benefits_serial(year, year_sex, rates, sex, q, other_exits, history, actives_by_age, exits, tops, diag,
                            in_payment, wages, awards, leaving, grants):
    """:func:`project_benefits_kernel` on the calling thread only, one sex after the other (for the runs of
    a stochastic chunk, whose parallelism is the runs): the same arguments and results."""
    norms, shares, deaths, grants_by_sex = awards_by_sex(year, rates.salary, actives_by_age)
    for g in range(2):
        project_awards_sex(g, year, year_sex, rates.salary, norms, shares, history, exits[g], tops, diag, wages,
                           awards, deaths, grants_by_sex[g])
    project_pensioners(year, rates, sex, q, other_exits, deaths, grants_by_sex, in_payment, awards, leaving, grants)


@njit(cache=True)
def project_pension_serial(year_sex, target, rates, q_insured, actives, inactive, exits, tops, by_age, totals, flows,
                           year, sex, q, other_exits, history, diag, in_payment, wages, awards, leaving, grants):
    """The two passes of the projection year by year on the calling thread, for the valuations of a batch (the
    runs of a stochastic chunk): each year t the insured of both sexes (:func:`insured_year`), the year's
    average of the salary scale over the actives of 1 January t (:func:`salary_scale_norm`), then the wages
    and awards of both sexes (:func:`awards_year`) from the exits of the year just packed; after the last
    year the pensioners (:func:`project_pensioners`).  The same results as :func:`project_insured_serial`
    followed by :func:`project_benefits_serial` (bit for bit: the same steps, :data:`FUSED`), without keeping
    the exits of every year: ``exits`` (2, cells, 4)
    holds one year's of each sex (at least A x S cells; fewer: ValueError), about 50 kB a sex for the
    example, which stay in the core's cache between the two steps of the year instead of 8 MB written by
    the first pass and read again by the second.

    Arguments: those of :func:`project_insured_kernel` (``q_insured`` its ``q``, the insured's death
    probabilities (n, 2, A)), then those of :func:`project_benefits_kernel` but ``year_sex`` (the first, whose
    normal age both read), the actives by age, the exits and the tops (made here).  Twin:
    :func:`project_pension_reference`.
    """
    n = year_sex.shape[0]
    A = actives.shape[2]
    salary = rates.salary
    by_sex, top_end, enough = insured_by_sex(n, A, totals.shape[1])
    insured = (insured_state(0, actives, inactive), insured_state(1, actives, inactive))
    norms, shares = np.empty(n), accrued_shares(year, A)
    deaths, grants_by_sex = np.empty((n, 2, 2, A)), np.empty((2, n, 2))
    rows = (np.empty(A), np.empty(A), np.empty(A))
    enough[:] = True
    for t in range(n):
        for g in range(2):
            if insured_year(g, t, 0, year_sex, target, rates, q_insured, actives, inactive, exits[g], tops, by_age,
                            by_sex[g], flows, insured[g]) < 0:
                enough[g] = False
        if not (enough[0] and enough[1]):
            break
        norms[t] = salary_scale_norm(salary, by_age[t, Flow.ACTIVES])
        for g in range(2):
            awards_year(g, t, 0, year, year_sex, salary, norms, shares, history, exits[g], tops, diag, wages, awards,
                        deaths, grants_by_sex[g], rows)
    for g in range(2):
        top_end[g] = insured[g][0]
    insured_totals(enough, by_sex, top_end, actives, inactive, by_age, totals)
    project_pensioners(year, rates, sex, q, other_exits, deaths, grants_by_sex, in_payment, awards, leaving, grants)


def project_pension_reference(year_sex, target, rates, q_insured, actives, inactive, exits, tops, by_age, totals,
                              flows, year, sex, q, other_exits, history, diag, in_payment, wages, awards, leaving,
                              grants):
    """Numpy twin of :func:`project_pension_serial`, with the same arguments and outputs:
    :func:`project_insured_reference` then :func:`project_benefits_reference`, the exits of every year packed
    in an array of its own (``exits`` is not used)."""
    n = year_sex.shape[0]
    packed = np.empty((2, exit_capacity(n, highest_service(actives[0], inactive[0])), len(Exit)))
    project_insured_reference(year_sex, target, rates, q_insured, actives, inactive, packed, tops, by_age, totals,
                              flows)
    project_benefits_reference(year, year_sex, rates, sex, q, other_exits, history, by_age[:, Flow.ACTIVES], packed,
                               tops, diag, in_payment, wages, awards, leaving, grants)


@njit(cache=True)
def awards_by_sex(year, salary, actives_by_age):
    """What :func:`project_awards_sex` reads and writes for each sex of :func:`project_benefits_kernel`, the
    same for both sexes made once: the yearly averages of the salary scale over the actives (n,)
    (:func:`salary_scale_norms`) and the accrued share of reference earnings of each year by whole years of
    service (n, A) (:func:`accrued_share`); and for :func:`project_pensioners` the entitled deaths of the
    insured (n, 2, 2, A: number and pensions, by sex and age) and the grants of each sex (2, n, 2)."""
    n, A = year.shape[0], salary.shape[1]
    return (salary_scale_norms(salary, actives_by_age, n), accrued_shares(year, A), np.empty((n, 2, 2, A)),
            np.empty((2, n, 2)))


@njit(cache=True)
def accrued_shares(year, A):
    """(n, A) the accrued share of reference earnings of each year by whole years of service 0 .. A - 1
    (:func:`accrued_share` with the year's accrual rules)."""
    n = year.shape[0]
    shares = np.empty((n, A))
    for t in range(n):
        y = year[t]
        for k in range(A):
            shares[t, k] = accrued_share(k, y.accrual_rate, y.accrual_base_percent, y.accrual_base_years)
    return shares


@njit(cache=True)
def salary_scale_norms(salary, actives_by_age, n):
    """(n,) the average of the salary scale ``salary`` (2, A) over the actives on 1 January of each year
    (``actives_by_age`` (at least n, 2, A)): :func:`salary_scale_norm` of each year."""
    norms = np.empty(n)
    for t in range(n):
        norms[t] = salary_scale_norm(salary, actives_by_age[t])
    return norms


@njit(cache=True)
def salary_scale_norm(salary, actives):
    """The average of the salary scale ``salary`` (2, A) over the actives of one 1 January (2, A), sum salary
    x actives / sum actives: the scale's value of a wage equal to the average wage; the plain average of the
    scale in a year without actives."""
    A = salary.shape[1]
    total = 0.0
    weighted = 0.0
    for g in range(2):
        for x in range(A):
            c = actives[g, x]
            total += c
            weighted += c * salary[g, x]
    if total > 0.0:
        return weighted / total
    mean_salary = 0.0
    for g in range(2):
        for x in range(A):
            mean_salary += salary[g, x]
    return mean_salary / (2 * A)


@njit(cache=True)
def project_awards_sex(g, year, year_sex, salary, norms, shares, history, exits, tops, diag, wages, awards, deaths,
                       grants):
    """For :func:`project_benefits_kernel`, sex ``g``'s share, year after year: its gross and insurable wages
    (the average wage x salary scale / ``norms[t]``; :func:`clipped_lognormal_mean_kernel`), its cohort
    diagonals of ``diag``, and the awards of its insured who leave (``exits`` (cells, 4): this sex's packed
    exits; ``shares[t]`` the accrued share by years of service, :func:`awards_by_sex`): old-age and
    invalidity awards into ``awards`` (types 0 and 1 at the age at the end of the year; every type of sex g
    is zeroed first), the number and pensions of the entitled deaths into ``deaths`` (n, 2, 2, A), the
    grants (number, amount) into ``grants`` (n, 2).  Writes only sex g's cells.  Each year is
    :func:`awards_year`, its exits packed after those of the year before."""
    A = tops.shape[2]
    rows = (np.empty(A), np.empty(A), np.empty(A))
    cell = 0  # the first packed exit cell of the year
    for t in range(year.shape[0]):
        cell = awards_year(g, t, cell, year, year_sex, salary, norms, shares, history, exits, tops, diag, wages, awards,
                           deaths, grants, rows)


@njit(cache=True)
def awards_year(g, t, cell, year, year_sex, salary, norms, shares, history, exits, tops, diag, wages, awards, deaths,
                grants, rows):
    """Year t of :func:`project_awards_sex` for sex ``g``: its exits packed from cell ``cell`` of ``exits``;
    ``rows``: three arrays (A,) it works in (a row's reference earnings by service at the exit, and its pensions,
    :func:`row_awards`).  Returns the cell after the year's exits."""
    A = tops.shape[2]
    omega = A - 1
    h0 = history.shape[0]
    ref, pension, potential = rows
    y = year[t]
    awards[t, :, :, g] = 0.0
    deaths[t, :, g] = 0.0
    grants[t] = 0.0

    # insurable wages, and the cohort-diagonal sums of wage / revaluation index
    gross, insurable = wages[t, Wage.GROSS, g], wages[t, Wage.INSURABLE, g]
    for x in range(A):
        gross[x] = y.average_wage * salary[g, x] / norms[t]
    clipped_lognormal_mean_kernel(wages[t, Wage.GROSS, g:g + 1], y.earnings_cv, y.earnings_floor,
                                  y.earnings_ceiling, wages[t, Wage.INSURABLE, g:g + 1])
    if t == 0:
        diag[0, g] = 0.0
        for h in range(h0):
            diag[h + 1, g, 0] = insurable[0] * history[h]
            for x in range(1, A):
                diag[h + 1, g, x] = insurable[x] * history[h] + diag[h, g, x - 1]
    h_now = h0 + t + 1
    revaluation = y.revaluation_index
    diag[h_now, g, 0] = insurable[0] / revaluation
    for x in range(1, A):
        diag[h_now, g, x] = insurable[x] / revaluation + diag[h_now - 1, g, x - 1]

    # the awards of the insured who leave, by service at the exit
    nra = float(year_sex[t, g].normal_age)
    share_t = shares[t]
    for x in range(A):
        x1 = x + 1 if x < omega else omega
        adjust, deferred, credit = award_adjustments(x, nra, y, y.service_credit)
        last = tops[t, g, x]
        width = row_exit_cells(last, A)
        row_first = cell
        cell += width
        if width == 0:
            continue
        reference_earnings(diag, h_now, g, x, width, y.reference_period, revaluation, ref)
        (old_number, old_amount, invalid_number, invalid_amount, dead_number, dead_pension, grant_number,
         grant_amount) = row_awards(exits, row_first, width, ref, share_t, credit, adjust, deferred, insurable[x], y,
                                    pension, potential)
        awards[t, Money.NUMBER, 0, g, x1] += old_number
        awards[t, Money.AMOUNT, 0, g, x1] += old_amount
        awards[t, Money.NUMBER, 1, g, x1] += invalid_number
        awards[t, Money.AMOUNT, 1, g, x1] += invalid_amount
        deaths[t, Money.NUMBER, g, x] += dead_number
        deaths[t, Money.AMOUNT, g, x] += dead_pension
        grants[t, 0] += grant_number
        grants[t, 1] += grant_amount
    return cell


@njit(cache=True)
def project_pensioners(year, rates, sex, q, other_exits, deaths, grants_by_sex, in_payment, awards, leaving, grants):
    """For :func:`project_benefits_kernel`, after the awards of the insured who leave (:func:`project_awards_sex`),
    year after year: the grants of the two sexes added up; survivors' awards from the entitled deaths of the
    insured (``deaths`` (n, 2, 2, A)) and of old-age and invalidity pensioners (:func:`survivors_kernel`); the
    pensioners of each type (:func:`pensioners_step_kernel`)."""
    n, A = year.shape[0], deaths.shape[3]
    death_number = np.empty((2, A))
    death_pension = np.empty((2, A))
    for t in range(n):
        y = year[t]
        grants[t, 0] = grants_by_sex[0, t, 0] + grants_by_sex[1, t, 0]
        grants[t, 1] = grants_by_sex[0, t, 1] + grants_by_sex[1, t, 1]
        number, amount = in_payment[t, Money.NUMBER], in_payment[t, Money.AMOUNT]
        for g in range(2):
            for x in range(A):
                death_number[g, x] = deaths[t, Money.NUMBER, g, x] + (number[0, g, x] * q[t, 1, g, x]
                                                                      + number[1, g, x] * q[t, 2, g, x])
                death_pension[g, x] = deaths[t, Money.AMOUNT, g, x] + (amount[0, g, x] * q[t, 1, g, x]
                                                                       + amount[1, g, x] * q[t, 2, g, x])
        survivors_kernel(death_number, death_pension, rates.spouse_probability, rates.orphans_per_death,
                         sex.spouse_age_difference, sex.orphan_age_gap, y.widow_share, y.orphan_share,
                         y.full_orphan_share, y.survivors_cap, y.orphan_age_limit,
                         awards[t, Money.NUMBER, 2], awards[t, Money.AMOUNT, 2], awards[t, Money.NUMBER, 3],
                         awards[t, Money.AMOUNT, 3])
        for k in range(4):
            pensioners_step_kernel(number[k], amount[k], q[t, PENSIONER_MORTALITY[k]], other_exits[t, k],
                                   awards[t, Money.NUMBER, k], awards[t, Money.AMOUNT, k], y.indexation_next,
                                   in_payment[t + 1, Money.NUMBER, k], in_payment[t + 1, Money.AMOUNT, k],
                                   leaving[t, Leaving.DEATHS, k], leaving[t, Leaving.EXITS, k])


def push_cohort_sums(diag, h, insurable):
    """diag[h + 1] = the cohort-diagonal prefix sums of ``insurable`` (2, A) on top of diag[h]:
    diag[h + 1, g, 0] = insurable[g, 0]; diag[h + 1, g, x] = insurable[g, x] + diag[h, g, x - 1]."""
    diag[h + 1, :, 0] = insurable[:, 0]
    diag[h + 1, :, 1:] = insurable[:, 1:] + diag[h, :, :-1]


def project_benefits_reference(year, year_sex, rates, sex, q, other_exits, history, actives_by_age, exits, tops, diag,
                               in_payment, wages, awards, leaving, grants):
    """Numpy twin of :func:`project_benefits_kernel`, with the same arguments and outputs (it fills
    them): a loop over the years calling the numpy steps of this module one after another."""
    n, h0 = year.shape[0], history.shape[0]
    A = tops.shape[2]
    service = np.arange(A)
    starts = exit_starts(tops)
    for t in range(n):
        y = year[t]
        wages[t] = insurable_wage_reference(actives_by_age[t], rates["salary"], y["average_wage"], y["earnings_cv"],
                                            y["earnings_floor"], y["earnings_ceiling"])
        if t == 0:
            diag[0] = 0.0
            for h in range(h0):
                push_cohort_sums(diag, h, wages[0, Wage.INSURABLE] * history[h])
        push_cohort_sums(diag, h0 + t, wages[t, Wage.INSURABLE] / y["revaluation_index"])
        periods = np.maximum(service, 1)
        if y["reference_period"] > 0:
            periods = np.minimum(periods, y["reference_period"])
        old_n, old_amt, inv_n, inv_amt, deaths_n, deaths_base, grants[t] = awards_reference(
            exits_by_cell(exits, tops[t], starts[:, t]), diag, h0 + t + 1, periods, y["revaluation_index"],
            wages[t, Wage.INSURABLE], year_sex[t]["normal_age"], y)
        awards[t] = 0.0
        awards[t, :, 0] = old_n, old_amt
        awards[t, :, 1] = inv_n, inv_amt
        number, amount = in_payment[t]
        for k in (0, 1):  # deaths of old-age and invalidity pensioners leave survivors too
            deaths_n = deaths_n + number[k] * q[t, PENSIONER_MORTALITY[k]]
            deaths_base = deaths_base + amount[k] * q[t, PENSIONER_MORTALITY[k]]
        widows, widow_amount, orphans, orphan_amount = survivors_reference(
            deaths_n, deaths_base, rates["spouse_probability"], rates["orphans_per_death"],
            sex["spouse_age_difference"], sex["orphan_age_gap"], y["widow_share"], y["orphan_share"],
            y["full_orphan_share"], y["survivors_cap"], int(y["orphan_age_limit"]))
        awards[t, :, 2] = widows, widow_amount
        awards[t, :, 3] = orphans, orphan_amount
        for k in range(4):
            (in_payment[t + 1, 0, k], in_payment[t + 1, 1, k], leaving[t, 0, k], leaving[t, 1, k]) = \
                pensioners_step_reference(number[k], amount[k], q[t, PENSIONER_MORTALITY[k]], other_exits[t, k],
                                          awards[t, 0, k], awards[t, 1, k], y["indexation_next"])


# yearly totals of each pension type (last axis of type_totals_kernel's output)
TYPE_TOTALS = ("pensioners", "in_payment", "awards", "awarded", "deaths", "exits", "paid", "average_pensioners")


@njit(cache=True)
def type_totals_kernel(in_payment, awards, leaving, out):
    """Yearly totals of each pension type over sex and age (numba kernel; twin
    :func:`type_totals_reference`).

    in_payment (n + 1, 2, 4, 2, A) pensioners on 1 January and their annual pensions in payment;
    awards, leaving (n, 2, 4, 2, A) the flows of each year (:class:`Money`, :class:`Leaving`).
    out (n, 4, 8), by :data:`TYPE_TOTALS`: pensioners and amounts in payment on 1 January, awards and
    their amount, deaths, other exits, pensions paid (amounts in payment less half a year of those who
    die or leave, at the average pension of their cell, plus half a year of the awards) and the
    average number of pensioners (the same, by persons).
    """
    n, _, types, _, A = awards.shape
    for t in range(n):
        for k in range(types):
            o = out[t, k]
            (o[0], o[1], o[2], o[3], o[4], o[5], o[6]) = _type_sums(
                in_payment[t, Money.NUMBER, k], in_payment[t, Money.AMOUNT, k], awards[t, Money.NUMBER, k],
                awards[t, Money.AMOUNT, k], leaving[t, Leaving.DEATHS, k], leaving[t, Leaving.EXITS, k])
            o[6] += 0.5 * o[3]
            o[7] = o[0] - 0.5 * (o[4] + o[5]) + 0.5 * o[2]


@njit(cache=True, fastmath=FUSED)
def _type_sums(number, amount, given, awarded, died, left):
    """Sums over sex and age (2, A) of one type and year for :func:`type_totals_kernel`: pensioners, amounts,
    awards, their amount, deaths, other exits, amounts less half a year of those who die or leave."""
    p_sum = m_sum = a_sum = w_sum = d_sum = e_sum = paid = 0.0
    for g in range(2):
        for x in range(number.shape[1]):
            p, m = number[g, x], amount[g, x]
            gone = died[g, x] + left[g, x]
            p_sum += p
            m_sum += m
            a_sum += given[g, x]
            w_sum += awarded[g, x]
            d_sum += died[g, x]
            e_sum += left[g, x]
            paid += m - 0.5 * gone * m / p if p > 0.0 else m
    return p_sum, m_sum, a_sum, w_sum, d_sum, e_sum, paid


def type_totals_reference(in_payment, awards, leaving):
    """Numpy twin of :func:`type_totals_kernel`; returns the (n, 4, 8) totals."""
    number, amount = in_payment[:-1, 0], in_payment[:-1, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        average_in_payment = np.where(number > 0, amount / number, 0.0)
    by_type = lambda values: values.sum(axis=(2, 3))  # noqa: E731
    died, left = leaving[:, 0], leaving[:, 1]
    pensioners, given, awarded = by_type(number), by_type(awards[:, 0]), by_type(awards[:, 1])
    paid = by_type(amount - 0.5 * (died + left) * average_in_payment) + 0.5 * awarded
    average = pensioners - 0.5 * (by_type(died) + by_type(left)) + 0.5 * given
    return np.stack([pensioners, by_type(amount), given, awarded, by_type(died), by_type(left), paid, average], axis=-1)
