"""Insured population and pensioners of a pension scheme, one year at a time (methods.md section 4).

Axis order ``(sex, age, service)``; ages 0..omega (open group), service 0..omega completed
years of credited service.  Stocks are at 1 January; every flow of the year is an output.

Insured persons (:func:`insured_step_kernel`), for each sex, age x and service s at the start
of the year, with independent decrements applied in this order (fractions of the stock):

* actives A: death ``q``; invalidity ``i`` of the survivors; retirement ``r`` of those still
  there; lapse to inactive ``l`` of the rest.  ``r = 1`` from the exit age on; ``r = r_normal``
  from the normal retirement age (whatever the service: those not entitled leave with a grant,
  decided by the caller); ``r = r_early`` between the early and the normal retirement age for
  those with at least ``min_service`` years; 0 otherwise.  The remaining actives age one year
  and gain a year of service with probability ``density`` (the fraction of the year
  contributed), so expected service grows by ``density`` exactly.
* inactive insured N: death ``q``; from the normal retirement age all survivors leave
  (pension or grant, decided by the caller); below it a share ``reentry`` of the survivors
  becomes active again (service kept); the rest age one year with their service frozen.

Pensioners of one type (:func:`pensioners_step_kernel`): number and total annual amount by
sex and age; deaths ``q`` and other exits ``e`` (remarriage, orphans reaching the age limit);
survivors age one year; new awards of the year are added at their age at the end of the
year; every amount is then indexed by ``1 + indexation`` (pensions are revalued on 1 January).
"""

import numpy as np
from numba import njit


@njit(cache=True)
def insured_step_kernel(active, inactive, q, invalidity, retire_early, retire_normal, lapse, reentry,
                        density, early_age, normal_age, exit_age, min_service,
                        active_next, inactive_next, dead_active, dead_inactive, invalid, retired_active,
                        left_inactive, lapsed, reentered):
    """One year of the insured population (numba kernel).

    active, inactive          : (2, A, S) persons at 1 January by sex, age, completed service.
    q, invalidity, lapse, reentry, density : (2, A) rates by sex and age.
    retire_early, retire_normal : (2,) retirement rates of the eligible before / from the normal age.
    early_age, normal_age, exit_age : (2,) int ages; min_service : int years for early retirement.
    active_next, inactive_next : (2, A, S) outputs, persons at 1 January of the next year
                                 (before new entrants), by age and service at that date.
    dead_active, dead_inactive, invalid, retired_active, left_inactive, lapsed, reentered :
        (2, A, S) outputs, flows by age and service at the start of the year.
    """
    _, A, S = active.shape
    omega = A - 1
    active_next[:] = 0.0
    inactive_next[:] = 0.0
    for g in range(2):
        for x in range(A):
            x1 = x + 1 if x < omega else omega
            for s in range(S):
                a = active[g, x, s]
                if x >= exit_age[g]:
                    r = 1.0
                elif x >= normal_age[g]:
                    r = retire_normal[g]
                elif x >= early_age[g] and s >= min_service:
                    r = retire_early[g]
                else:
                    r = 0.0
                d = a * q[g, x]
                i = (a - d) * invalidity[g, x]
                ret = (a - d - i) * r
                lp = (a - d - i - ret) * lapse[g, x]
                stay = a - d - i - ret - lp
                dead_active[g, x, s] = d
                invalid[g, x, s] = i
                retired_active[g, x, s] = ret
                lapsed[g, x, s] = lp
                s1 = s + 1 if s < S - 1 else s
                active_next[g, x1, s1] += stay * density[g, x]
                active_next[g, x1, s] += stay * (1.0 - density[g, x])

                n = inactive[g, x, s]
                dn = n * q[g, x]
                dead_inactive[g, x, s] = dn
                if x >= normal_age[g]:
                    left_inactive[g, x, s] = n - dn
                    reentered[g, x, s] = 0.0
                else:
                    left_inactive[g, x, s] = 0.0
                    back = (n - dn) * reentry[g, x]
                    reentered[g, x, s] = back
                    active_next[g, x1, s] += back
                    inactive_next[g, x1, s] += n - dn - back
                inactive_next[g, x1, s] += lp


def insured_step_reference(active, inactive, q, invalidity, retire_early, retire_normal, lapse, reentry,
                           density, early_age, normal_age, exit_age, min_service):
    """Numpy twin of :func:`insured_step_kernel`; returns (active_next, inactive_next, dead_active,
    dead_inactive, invalid, retired_active, left_inactive, lapsed, reentered)."""
    _, A, S = active.shape
    ages = np.arange(A)[None, :, None]
    service = np.arange(S)[None, None, :]
    early, normal, exit_ = (np.asarray(v)[:, None, None] for v in (early_age, normal_age, exit_age))
    r = np.where(ages >= exit_, 1.0,
                 np.where(ages >= normal, np.asarray(retire_normal)[:, None, None],
                          np.where((ages >= early) & (service >= min_service),
                                   np.asarray(retire_early)[:, None, None], 0.0)))
    d = active * q[:, :, None]
    i = (active - d) * invalidity[:, :, None]
    ret = (active - d - i) * r
    lp = (active - d - i - ret) * lapse[:, :, None]
    stay = active - d - i - ret - lp
    dn = inactive * q[:, :, None]
    at_normal = np.broadcast_to(ages >= normal, inactive.shape)
    left = np.where(at_normal, inactive - dn, 0.0)
    back = np.where(at_normal, 0.0, (inactive - dn) * reentry[:, :, None])
    remain = np.where(at_normal, 0.0, inactive - dn - back)

    def age_one_year(stock):
        out = np.zeros_like(stock)
        out[:, 1:] = stock[:, :-1]
        out[:, -1] += stock[:, -1]
        return out

    gain = stay * density[:, :, None]
    keep = stay * (1.0 - density[:, :, None])
    shifted = np.zeros_like(gain)
    shifted[:, :, 1:] = gain[:, :, :-1]
    shifted[:, :, -1] += gain[:, :, -1]
    active_next = age_one_year(shifted + keep + back)
    inactive_next = age_one_year(remain + lp)
    return active_next, inactive_next, d, dn, i, ret, left, lp, back


@njit(cache=True)
def pensioners_step_kernel(number, amount, q, exit_rate, new_number, new_amount, indexation,
                           number_next, amount_next, deaths, exits):
    """One year of one type of pensioners (numba kernel).

    number, amount   : (2, A) pensioners at 1 January and their total annual pension.
    q, exit_rate     : (2, A) death probability and other exit rate (of the survivors).
    new_number, new_amount : (2, A) awards of the year (number, total annual amount at award),
                             by age at the end of the year.
    indexation       : revaluation of pensions in payment on 1 January of the next year.
    number_next, amount_next : (2, A) outputs at 1 January of the next year.
    deaths, exits    : (2, A) outputs, by age at the start of the year.
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
    number_next = new_number.copy()
    amount_next = new_amount.copy()
    number_next[:, 1:] += kept[:, :-1]
    number_next[:, -1] += kept[:, -1]
    amount_next[:, 1:] += kept_amount[:, :-1]
    amount_next[:, -1] += kept_amount[:, -1]
    return number_next, amount_next * (1.0 + indexation), deaths, exits
