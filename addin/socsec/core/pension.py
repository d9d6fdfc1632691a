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

import math

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
    for out in (active_next, inactive_next, dead_active, dead_inactive, invalid, retired_active,
                left_inactive, lapsed, reentered):
        out[:] = 0.0
    for g in range(2):
        for x in range(A):
            x1 = x + 1 if x < omega else omega
            for s in range(S):
                if active[g, x, s] == 0.0 and inactive[g, x, s] == 0.0:
                    continue  # most (age, service) cells are empty: service <= age - 15
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


@njit(cache=True)
def _accrued(service, rate, base_percent, base_years):
    """Pension as a share of reference earnings: base percent pro rata over the first base
    years plus ``rate`` per further year."""
    base = 0.0
    if base_years > 0.0:
        base = base_percent * min(service, base_years) / base_years
    return base + rate * max(service - base_years, 0.0)


@njit(cache=True)
def awards_kernel(retired_active, left_inactive, invalid, dead_active, dead_inactive, diag, h_now, periods,
                  revaluation, wage, normal_age, min_old, min_invalidity, min_survivors, accrual_rate,
                  base_percent, base_years, min_pension, max_pension, early_reduction, late_increment,
                  service_credit, grant_per_year,
                  old_number, old_amount, inv_number, inv_amount, death_number, death_pension, grants):
    """New pensions, entitled deaths and grants of one year from the flows of the insured (numba kernel).

    Reference earnings of a cell (sex g, age x, service s) with m = periods[s] years:
    ``ref = revaluation x (diag[h_now, g, x] - diag[h_now - m, g, x - m]) / m`` where diag holds
    prefix sums along cohort diagonals of insurable wage / revaluation index (0 before age 0).
    Old-age pension ``clamp(accrued(s) x ref) x (1 - reduction x years early + increment x years
    late)``; deferred pension of inactive insured at the normal age: the same without early
    reduction; invalidity pension and potential pension of an entitled death:
    ``clamp(accrued(s + credit) x ref)`` with credit = years to the normal age if ``service_credit``.
    ``clamp`` applies the minimum and (if > 0) maximum pension.  Exits without entitlement get a
    grant ``grant_per_year x s x wage[g, x]``.

    Outputs (2, A): old_number/old_amount and inv_number/inv_amount by age at the END of the
    year; death_number/death_pension by age at the start; grants (2,): number, amount.
    """
    _, A, S = retired_active.shape
    omega = A - 1
    grants[0] = 0.0
    grants[1] = 0.0
    for g in range(2):
        for x in range(A):
            old_number[g, x] = 0.0
            old_amount[g, x] = 0.0
            inv_number[g, x] = 0.0
            inv_amount[g, x] = 0.0
            death_number[g, x] = 0.0
            death_pension[g, x] = 0.0
    for g in range(2):
        nra = normal_age[g]
        for x in range(A):
            x1 = x + 1 if x < omega else omega
            early_years = max(nra - x, 0.0)
            late_years = max(x - nra, 0.0)
            adjust = max(1.0 - early_reduction * early_years + late_increment * late_years, 0.0)
            deferred_adjust = max(1.0 + late_increment * late_years, 0.0)
            credit = early_years if service_credit else 0.0
            for s in range(S):
                ret = retired_active[g, x, s]
                left = left_inactive[g, x, s]
                inv = invalid[g, x, s]
                dead = dead_active[g, x, s] + dead_inactive[g, x, s]
                if ret == 0.0 and left == 0.0 and inv == 0.0 and dead == 0.0:
                    continue
                m = periods[s]
                past = 0.0
                if x - m >= 0:
                    past = diag[max(h_now - m, 0), g, x - m]
                ref = revaluation * (diag[h_now, g, x] - past) / m
                grant = grant_per_year * s * wage[g, x]
                base_pension = max(_accrued(s, accrual_rate, base_percent, base_years) * ref, min_pension)
                if max_pension > 0.0:
                    base_pension = min(base_pension, max_pension)
                potential = max(_accrued(s + credit, accrual_rate, base_percent, base_years) * ref, min_pension)
                if max_pension > 0.0:
                    potential = min(potential, max_pension)
                if s >= min_old:
                    old_number[g, x1] += ret + left
                    old_amount[g, x1] += ret * base_pension * adjust + left * base_pension * deferred_adjust
                else:
                    grants[0] += ret + left
                    grants[1] += (ret + left) * grant
                if s >= min_invalidity:
                    inv_number[g, x1] += inv
                    inv_amount[g, x1] += inv * potential
                else:
                    grants[0] += inv
                    grants[1] += inv * grant
                if s >= min_survivors:
                    death_number[g, x] += dead
                    death_pension[g, x] += dead * potential
                else:
                    grants[0] += dead
                    grants[1] += dead * grant


def awards_reference(retired_active, left_inactive, invalid, dead_active, dead_inactive, diag, h_now, periods,
                     revaluation, wage, normal_age, min_old, min_invalidity, min_survivors, accrual_rate,
                     base_percent, base_years, min_pension, max_pension, early_reduction, late_increment,
                     service_credit, grant_per_year):
    """Numpy twin of :func:`awards_kernel`; returns (old_number, old_amount, inv_number, inv_amount,
    death_number, death_pension, grants)."""
    _, A, S = retired_active.shape
    ages = np.arange(A)
    service = np.arange(S).astype(float)
    periods = np.asarray(periods)
    x_minus = ages[:, None] - periods[None, :]
    past = np.where(x_minus[None] >= 0,
                    diag[np.clip(h_now - periods, 0, None)[None, None, :], np.arange(2)[:, None, None],
                         np.clip(x_minus, 0, None)[None]], 0.0)
    ref = revaluation * (diag[h_now][:, :, None] - past) / periods[None, None, :]

    def accrued(s):
        base = base_percent * np.minimum(s, base_years) / base_years if base_years > 0 else 0.0
        return base + accrual_rate * np.maximum(s - base_years, 0.0)

    def clamp(p):
        p = np.maximum(p, min_pension)
        return np.minimum(p, max_pension) if max_pension > 0 else p

    nra = np.asarray(normal_age, dtype=float)[:, None, None]
    x = ages[None, :, None].astype(float)
    early_years = np.maximum(nra - x, 0.0)
    late_years = np.maximum(x - nra, 0.0)
    adjust = np.maximum(1.0 - early_reduction * early_years + late_increment * late_years, 0.0)
    deferred_adjust = np.maximum(1.0 + late_increment * late_years, 0.0)
    credit = early_years if service_credit else 0.0
    s = service[None, None, :]
    base_pension = clamp(accrued(s) * ref)
    potential = clamp(accrued(s + credit) * ref)
    grant = grant_per_year * s * wage[:, :, None]
    ok_old, ok_inv, ok_surv = s >= min_old, s >= min_invalidity, s >= min_survivors
    dead = dead_active + dead_inactive

    def by_end_age(v):
        out = np.zeros_like(v)
        out[:, 1:] = v[:, :-1]
        out[:, -1] += v[:, -1]
        return out

    old_number = by_end_age(((retired_active + left_inactive) * ok_old).sum(axis=2))
    old_amount = by_end_age((ok_old * base_pension * (retired_active * adjust + left_inactive * deferred_adjust))
                            .sum(axis=2))
    inv_number = by_end_age((invalid * ok_inv).sum(axis=2))
    inv_amount = by_end_age((invalid * ok_inv * potential).sum(axis=2))
    death_number = (dead * ok_surv).sum(axis=2)
    death_pension = (dead * ok_surv * potential).sum(axis=2)
    no_right = (retired_active + left_inactive) * ~ok_old + invalid * ~ok_inv + dead * ~ok_surv
    grants = np.array([no_right.sum(), (no_right * grant).sum()])
    return old_number, old_amount, inv_number, inv_amount, death_number, death_pension, grants


@njit(cache=True)
def survivors_kernel(death_number, death_pension, spouse_probability, orphans_per_death, spouse_age_difference,
                     orphan_age_gap, widow_share, orphan_share, full_orphan_share, cap, orphan_age_limit,
                     widow_number, widow_amount, orphan_number, orphan_amount):
    """New widow(er)s' and orphans' pensions from entitled deaths (numba kernel).

    death_number, death_pension : (2, A) deaths by sex and age at the start of the year and the sum
                                  of the (actual or potential) pensions of the deceased.
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
def flow_totals_kernel(active, dead_active, dead_inactive, invalid, retired_active, left_inactive, lapsed,
                       reentered, density, by_age, totals):
    """Totals of one year's insured flows (numba kernel).

    by_age : (7, 2, A) output, each flow of :func:`insured_step_kernel` (dead_active, dead_inactive,
             invalid, retired_active, left_inactive, lapsed, reentered) summed over service.
    totals : (2,) output, years of service of all exits (deaths, invalidity, retirements, inactive
             reaching the normal age), and years credited to the actives who stay
             (stayers x density).
    """
    _, A, S = active.shape
    exit_years = 0.0
    credits = 0.0
    for g in range(2):
        for x in range(A):
            sums = np.zeros(7)
            stayers = 0.0
            for s in range(S):
                d, dn, i, r = dead_active[g, x, s], dead_inactive[g, x, s], invalid[g, x, s], retired_active[g, x, s]
                left, lp, back = left_inactive[g, x, s], lapsed[g, x, s], reentered[g, x, s]
                sums[0] += d
                sums[1] += dn
                sums[2] += i
                sums[3] += r
                sums[4] += left
                sums[5] += lp
                sums[6] += back
                exit_years += s * (d + dn + i + r + left)
                stayers += active[g, x, s] - d - i - r - lp
            for k in range(7):
                by_age[k, g, x] = sums[k]
            credits += stayers * density[g, x]
    totals[0] = exit_years
    totals[1] = credits


def flow_totals_reference(active, dead_active, dead_inactive, invalid, retired_active, left_inactive, lapsed,
                          reentered, density):
    """Numpy twin of :func:`flow_totals_kernel`; returns (by_age, totals)."""
    flows = (dead_active, dead_inactive, invalid, retired_active, left_inactive, lapsed, reentered)
    by_age = np.stack([f.sum(axis=2) for f in flows])
    service = np.arange(active.shape[2])
    exits = dead_active + dead_inactive + invalid + retired_active + left_inactive
    stayers = (active - dead_active - invalid - retired_active - lapsed).sum(axis=2)
    return by_age, np.array([float((exits * service).sum()), float((stayers * density).sum())])


@njit(cache=True)
def normal_cdf_kernel(z, out):
    """Standard normal distribution function Phi(z) = erfc(-z / sqrt 2) / 2 of a 2-D array (numba kernel)."""
    rows, cols = z.shape
    for r in range(rows):
        for c in range(cols):
            out[r, c] = 0.5 * math.erfc(-z[r, c] / math.sqrt(2.0))


def normal_cdf_reference(z):
    """Twin of :func:`normal_cdf_kernel` (plain Python erfc, element by element)."""
    z = np.asarray(z, dtype=np.float64)
    return np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in z.ravel()]).reshape(z.shape)
