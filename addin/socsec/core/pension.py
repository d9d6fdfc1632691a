"""Insured population and pensioners of a pension scheme (methods.md section 4): the projection in
two numba kernels, each with a numpy twin that runs the yearly steps below one after another.

1. :func:`project_insured_kernel` (twin :func:`project_insured_reference`): the insured persons,
   their flows and the exits that give rise to benefits, by sex, age and service.  No rule of
   benefits enters it.
2. :func:`project_benefits_kernel` (twin :func:`project_benefits_reference`): wages, reference
   earnings, awards, grants and pensioners from those exits.

A what-if change to a rule of benefits alone (accrual, indexation, minimum pension, ceiling, ...)
re-runs the second pass only.

Axis order ``(sex, age, service)``; ages 0..omega (open group), service 0..omega completed
years of credited service.  Stocks are at 1 January; every flow of the year is an output.

Insured persons (:func:`insured_step_reference`), for each sex, age x and service s at the start
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


def insured_step_reference(active, inactive, q, invalidity, retire_early, retire_normal, lapse, reentry,
                           density, early_age, normal_age, exit_age, min_service):
    """One year of the insured population (numpy; a step of :func:`project_insured_reference`).

    active, inactive          : (2, A, S) persons at 1 January by sex, age, completed service.
    q, invalidity, lapse, reentry, density : (2, A) rates by sex and age.
    retire_early, retire_normal : (2,) retirement rates of the eligible before / from the normal age.
    early_age, normal_age, exit_age : (2,) int ages; min_service : years for early retirement.
    Returns (active_next, inactive_next) at 1 January of the next year (before new entrants), by
    age and service at that date, and the flows (dead_active, dead_inactive, invalid,
    retired_active, left_inactive, lapsed, reentered) by age and service at the start of the year,
    each (2, A, S).
    """
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


# yearly totals of each pension type (last axis of type_totals_kernel's output)
TYPE_TOTALS = ("pensioners", "in_payment", "awards", "awarded", "deaths", "exits", "paid", "average_pensioners")


@njit(cache=True)
def type_totals_kernel(number, amount, new_number, new_amount, deaths, exits, out):
    """Yearly totals of each pension type over sex and age (numba kernel; twin
    :func:`type_totals_reference`).

    number, amount : (n + 1, 4, 2, A) pensioners at 1 January and their annual pensions in payment;
    new_number, new_amount, deaths, exits : (n, 4, 2, A) the flows of each year.
    out (n, 4, 8), by :data:`TYPE_TOTALS`: pensioners and amounts in payment at 1 January, awards and
    their amount, deaths, other exits, pensions paid (amounts in payment less half a year of those who
    die or leave, at the average pension of their cell, plus half a year of the awards) and the
    average number of pensioners (the same, by persons).
    """
    n, types, _, A = new_number.shape
    out[:] = 0.0
    for t in range(n):
        for k in range(types):
            o = out[t, k]
            for g in range(2):
                for x in range(A):
                    p, m = number[t, k, g, x], amount[t, k, g, x]
                    leaving = deaths[t, k, g, x] + exits[t, k, g, x]
                    o[0] += p
                    o[1] += m
                    o[2] += new_number[t, k, g, x]
                    o[3] += new_amount[t, k, g, x]
                    o[4] += deaths[t, k, g, x]
                    o[5] += exits[t, k, g, x]
                    o[6] += m - 0.5 * leaving * m / p if p > 0.0 else m
            o[6] += 0.5 * o[3]
            o[7] = o[0] - 0.5 * (o[4] + o[5]) + 0.5 * o[2]


def type_totals_reference(number, amount, new_number, new_amount, deaths, exits):
    """Numpy twin of :func:`type_totals_kernel`; returns the (n, 4, 8) totals."""
    with np.errstate(divide="ignore", invalid="ignore"):
        average_in_payment = np.where(number[:-1] > 0, amount[:-1] / number[:-1], 0.0)
    by_type = lambda values: values.sum(axis=(2, 3))  # noqa: E731
    pensioners, awards, died, left = by_type(number[:-1]), by_type(new_number), by_type(deaths), by_type(exits)
    awarded = by_type(new_amount)
    paid = by_type(amount[:-1] - 0.5 * (deaths + exits) * average_in_payment) + 0.5 * awarded
    average = pensioners - 0.5 * (died + left) + 0.5 * awards
    return np.stack([pensioners, by_type(amount[:-1]), awards, awarded, died, left, paid, average], axis=-1)


@njit(cache=True)
def _accrued(service, rate, base_percent, base_years):
    """Pension as a share of reference earnings: base percent pro rata over the first base
    years plus ``rate`` per further year."""
    base = 0.0
    if base_years > 0.0:
        base = base_percent * min(service, base_years) / base_years
    return base + rate * max(service - base_years, 0.0)


def awards_reference(retired_active, left_inactive, invalid, dead, diag, h_now, periods,
                     revaluation, wage, normal_age, min_old, min_invalidity, min_survivors, accrual_rate,
                     base_percent, base_years, min_pension, max_pension, early_reduction, late_increment,
                     service_credit, grant_per_year):
    """New pensions, entitled deaths and grants of one year from the exits of the insured by sex, age
    and service (2, A, S): retirements of actives, inactive reaching the normal age, invalidity and
    deaths of actives and inactive (numpy; a step of :func:`project_benefits_reference`).

    Reference earnings of a cell (sex g, age x, service s) with m = periods[s] years:
    ``ref = revaluation x (diag[h_now, g, x] - diag[h_now - m, g, x - m]) / m`` where diag holds
    prefix sums along cohort diagonals of insurable wage / revaluation index (0 before age 0).
    Old-age pension ``clamp(accrued(s) x ref) x (1 - reduction x years early + increment x years
    late)``; deferred pension of inactive insured at the normal age: the same without early
    reduction; invalidity pension and potential pension of an entitled death:
    ``clamp(accrued(s + credit) x ref)`` with credit = years to the normal age if ``service_credit``.
    ``clamp`` applies the minimum and (if > 0) maximum pension.  Exits without entitlement get a
    grant ``grant_per_year x s x wage[g, x]``.

    Returns (2, A) old_number, old_amount, inv_number, inv_amount by age at the END of the year;
    death_number, death_pension by age at the start; grants (2,): number, amount.
    """
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


def flow_totals_reference(active, dead_active, dead_inactive, invalid, retired_active, left_inactive, lapsed,
                          reentered, density):
    """Totals of one year's insured flows (numpy; a step of :func:`project_insured_reference`).

    Returns by_age (7, 2, A), each flow of :func:`insured_step_reference` (dead_active,
    dead_inactive, invalid, retired_active, left_inactive, lapsed, reentered) summed over service,
    and totals (2,): years of service of all exits (deaths, invalidity, retirements, inactive
    reaching the normal age) and years credited to the actives who stay (stayers x density).
    """
    flows = (dead_active, dead_inactive, invalid, retired_active, left_inactive, lapsed, reentered)
    by_age = np.stack([f.sum(axis=2) for f in flows])
    service = np.arange(active.shape[2])
    exits = dead_active + dead_inactive + invalid + retired_active + left_inactive
    stayers = (active - dead_active - invalid - retired_active - lapsed).sum(axis=2)
    return by_age, np.array([float((exits * service).sum()), float((stayers * density).sum())])


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
    """Average insurable wage of an active by sex and age (2, A) in one year (numpy).

    The gross wage ``average_wage x salary[g, x] / norm``, with ``norm`` the salary scale averaged
    over the actives by sex and age (2, A) at 1 January (the plain mean of the scale when there is
    none), so that the actives' mean gross wage is ``average_wage``; then the ceiling and floor of
    :func:`clipped_lognormal_mean_reference`.
    """
    weights = actives
    total = weights.sum()
    norm = np.sum(weights * salary) / total if total > 0 else np.mean(salary)
    return clipped_lognormal_mean_reference(average_wage * salary / norm, cv, floor, ceiling)


# Inputs of the projection kernels, as numpy structured arrays (numba reads them as records).
YEAR_DTYPE = np.dtype([  # one record per projection year
    ("average_wage", "f8"),  # mean gross wage of the actives (currency units a year)
    ("earnings_floor", "f8"), ("earnings_ceiling", "f8"),  # levels of the year (0 = none)
    ("revaluation_index", "f8"),  # index of the revaluation of past earnings (wages, prices or none)
    ("reference_period", "i8"),  # years averaged for reference earnings; 0 = the whole career
    ("min_service_old_age", "f8"), ("min_service_invalidity", "f8"), ("min_service_survivors", "f8"),
    ("accrual_rate", "f8"), ("accrual_base_percent", "f8"), ("accrual_base_years", "f8"),
    ("min_pension", "f8"), ("max_pension", "f8"),  # money of the year (0 = no maximum)
    ("early_reduction", "f8"), ("late_increment", "f8"), ("grant_per_year", "f8"),
    ("widow_share", "f8"), ("orphan_share", "f8"), ("full_orphan_share", "f8"), ("survivors_cap", "f8"),
    ("orphan_age_limit", "i8"),
    ("indexation_next", "f8"),  # revaluation of pensions in payment on 1 January of the next year
])
YEAR_SEX_DTYPE = np.dtype([  # (years, 2): by projection year and sex
    ("early_age", "i8"), ("normal_age", "i8"), ("exit_age", "i8"),
    ("retire_early", "f8"), ("retire_normal", "f8"),
    ("target_next", "f8"),  # actives wanted at 1 January of the next year (coverage x employed)
])
AGE_DTYPE = np.dtype([  # (2, A): by sex and age, the same every year
    ("invalidity", "f8"), ("lapse", "f8"), ("reentry", "f8"), ("density", "f8"), ("salary", "f8"),
    ("entrant_share", "f8"),  # age distribution of new entrants (sums to 1 over ages)
    ("spouse_probability", "f8"), ("orphans_per_death", "f8"),
])
SEX_DTYPE = np.dtype([  # (2,): by sex
    ("remarriage", "f8"), ("spouse_age_difference", "f8"), ("orphan_age_gap", "f8"),
])
# death probabilities q (years, 4, 2, A): insured, old-age pensioners, invalidity pensioners, population;
# pensioners of type k (old-age, invalidity, survivors, orphans) die with q[:, PENSIONER_MORTALITY[k]]
PENSIONER_MORTALITY = (1, 2, 3, 3)


@njit(cache=True)
def stock_row(t, keep_all):
    """Row of the stock arrays holding 1 January of projection year t (t = 0: the base year): row t
    when every year is kept; else row 0 for the base year and rows 1 and 2 in turn for the others."""
    return t if keep_all or t == 0 else 1 + (t - 1) % 2


EXIT_NAMES = ("retired_active", "left_inactive", "invalid", "dead")  # last axis of ``exits``


def exits_by_cell(exits, tops):
    """Exits of one year by sex, age and service (2, A, S, 4) from the packed ``exits`` of that year
    (cells, 4) and its ``tops`` (2, A): the rows (g, x) one after another, each with the service
    years 0 .. tops[g, x]; cells above ``tops`` are 0."""
    A = tops.shape[1]
    out = np.zeros((2, A, A, exits.shape[-1]))
    occupied = np.arange(A)[None, None, :] <= tops[:, :, None]
    out[occupied] = exits[:occupied.sum()]
    return out


@njit(cache=True)
def project_insured_kernel(year_sex, rates, min_service, q, actives, inactive, exits, tops, flows_by_age,
                           flow_totals, entrants, to_inactive, actives_end, flows, insured_by_age, service_years,
                           lowest):
    """The insured persons of the scheme, year after year (numba kernel; twin
    :func:`project_insured_reference`): the first of the two passes of the projection, which the
    rules of benefits do not enter (:func:`project_benefits_kernel` is the second).

    Each year t: the insured step (:func:`insured_step_reference`) and its flow totals
    (:func:`flow_totals_reference`) in one pass over the occupied (age, service) cells, keeping the
    exits that give rise to benefits; then the balancing of the actives of 1 January t + 1 to
    ``target_next`` (new entrants with no service, or a move of the excess to inactive, pro rata).

    Inputs: year_sex (n, 2) YEAR_SEX_DTYPE, rates (2, A) AGE_DTYPE, min_service (n,) years of service
    for early retirement, q (n, 4, 2, A) death probabilities (row 0, the insured's, is read).  Stocks
    hold the base year in row 0: actives, inactive (n + 1, 2, A, S), or (3, 2, A, S) to keep only the
    base year and two working rows (:func:`stock_row`), whose cells above the tops hold anything.

    Outputs: tops (n, 2, A) a bound on the highest service with someone of sex g and age x on
    1 January t (-1: nobody; cells above are empty); exits (n, 2 A S, 4) retirements of actives,
    inactive reaching the normal age, invalidity and deaths (actives and inactive) of the cells of
    1 January t up to the tops, packed: the rows (g, x) one after another, each with its service
    years 0 .. tops[t, g, x] (:func:`exits_by_cell`), the rest unwritten; flows_by_age (n, 7, 2, A)
    and flow_totals (n, 2) as :func:`flow_totals_reference`; entrants, to_inactive, actives_end
    (actives at the year's end before entrants and moves) (n, 2, A); flows (n, 7, 2, A, S) every flow
    by service, or an array with 0 rows to skip them; and the totals of the stocks of each 1 January
    (n + 1 rows): insured_by_age (n + 1, 2, 2, A) actives and inactive by sex and age, service_years
    (n + 1, 2) their years of credited service, lowest (n + 1, 2) their smallest cell.
    """
    n = year_sex.shape[0]
    A = actives.shape[2]
    S = actives.shape[3]
    omega = A - 1
    keep_flows = flows.shape[0] == n
    keep_all = actives.shape[0] == n + 1
    top = np.full((2, A), -1, np.int64)
    for g in range(2):
        for x in range(A):
            for s in range(S):
                if actives[0, g, x, s] != 0.0 or inactive[0, g, x, s] != 0.0:
                    top[g, x] = s
    top_next = np.empty((2, A), np.int64)
    for t in range(n):
        now, after = stock_row(t, keep_all), stock_row(t + 1, keep_all)
        a0, n0, a1, n1 = actives[now], inactive[now], actives[after], inactive[after]
        if keep_all:
            a1[:] = 0.0
            n1[:] = 0.0
        else:  # a working row: zero the cells this year writes, service up to top + 1 of the age before
            for g in range(2):
                for x in range(A):
                    extent = top[g, x - 1] + 2 if x > 0 else 1
                    if x == omega:
                        extent = max(extent, top[g, x] + 2)
                    for s in range(min(max(extent, 1), S)):
                        a1[g, x, s] = 0.0
                        n1[g, x, s] = 0.0
        if keep_flows:
            flows[t] = 0.0
        tops[t] = top
        top_next[:] = -1
        min_old = min_service[t]
        cell = 0  # the first packed cell of the row (g, x)
        exit_years = 0.0
        credits = 0.0
        # totals of the stocks of 1 January t, by state: years of service and smallest cell (cells above
        # the tops are 0)
        years_active = years_inactive = 0.0
        low_active = low_inactive = 0.0 if top.min() < S - 1 else np.inf
        actives_end[t] = 0.0
        for g in range(2):
            ys = year_sex[t, g]
            retire_early = ys.retire_early
            for x in range(A):
                x1 = x + 1 if x < omega else omega
                r = rates[g, x]
                qx = q[t, 0, g, x]
                if x >= ys.exit_age:
                    retire, early_band = 1.0, False
                elif x >= ys.normal_age:
                    retire, early_band = ys.retire_normal, False
                else:
                    retire, early_band = 0.0, x >= ys.early_age
                density, invalidity, lapse, reentry = r.density, r.invalidity, r.lapse, r.reentry
                dead_active = dead_inactive = invalid = retired = left_inactive = lapsed = reentered = 0.0
                stayers = 0.0
                persons_active = persons_inactive = 0.0
                a_row, n_row, a_next, n_next = a0[g, x], n0[g, x], a1[g, x1], n1[g, x1]  # by service
                last = top[g, x]
                cell_exits = exits[t, cell:cell + last + 1]
                cell += last + 1
                high = -1  # highest service written in a_next / n_next
                gain = 0.0  # stayers of service s - 1 who gained a year: they land on s
                for s in range(last + 1):
                    a = a_row[s]
                    m0 = n_row[s]
                    if a == 0.0 and m0 == 0.0:
                        cell_exits[s, :] = 0.0
                        if gain != 0.0:
                            a_next[s] += gain
                            high = s
                            gain = 0.0
                        continue
                    persons_active += a
                    persons_inactive += m0
                    years_active += s * a
                    years_inactive += s * m0
                    low_active = min(low_active, a)
                    low_inactive = min(low_inactive, m0)
                    rr = retire_early if early_band and s >= min_old else retire
                    d = a * qx
                    i = (a - d) * invalidity
                    ret = (a - d - i) * rr
                    lp = (a - d - i - ret) * lapse
                    stay = a - d - i - ret - lp
                    dn = m0 * qx
                    if x >= ys.normal_age:
                        left, back, remain = m0 - dn, 0.0, 0.0
                    else:
                        left = 0.0
                        back = (m0 - dn) * reentry
                        remain = m0 - dn - back
                    if s < S - 1:
                        a_next[s] += gain + stay * (1.0 - density) + back
                        gain = stay * density
                    else:  # the last service year keeps the gain
                        a_next[s] += gain + stay * density + stay * (1.0 - density) + back
                        gain = 0.0
                    n_next[s] += remain + lp
                    high = s
                    dead_active += d
                    dead_inactive += dn
                    invalid += i
                    retired += ret
                    left_inactive += left
                    lapsed += lp
                    reentered += back
                    exit_years += s * (d + dn + i + ret + left)
                    stayers += stay
                    cell_exits[s, 0] = ret
                    cell_exits[s, 1] = left
                    cell_exits[s, 2] = i
                    cell_exits[s, 3] = d + dn
                    if keep_flows:
                        flows[t, 0, g, x, s] = d
                        flows[t, 1, g, x, s] = dn
                        flows[t, 2, g, x, s] = i
                        flows[t, 3, g, x, s] = ret
                        flows[t, 4, g, x, s] = left
                        flows[t, 5, g, x, s] = lp
                        flows[t, 6, g, x, s] = back
                if gain != 0.0:
                    a_next[last + 1] += gain
                    high = last + 1
                top_next[g, x1] = max(top_next[g, x1], high)
                for k, total in enumerate((dead_active, dead_inactive, invalid, retired, left_inactive, lapsed,
                                           reentered)):
                    flows_by_age[t, k, g, x] = total
                credits += stayers * density
                actives_end[t, g, x1] += stayers + reentered  # the row's actives at the year's end
                insured_by_age[t, 0, g, x] = persons_active
                insured_by_age[t, 1, g, x] = persons_inactive
        flow_totals[t, 0] = exit_years
        flow_totals[t, 1] = credits
        service_years[t, 0], service_years[t, 1] = years_active, years_inactive
        lowest[t, 0], lowest[t, 1] = low_active, low_inactive

        # balance the actives of 1 January t + 1 to the target: entrants, or the excess to inactive
        for g in range(2):
            have = 0.0
            for x in range(A):
                have += actives_end[t, g, x]
            goal = year_sex[t, g].target_next
            entrants[t, g] = 0.0
            to_inactive[t, g] = 0.0
            if have < goal:
                for x in range(A):
                    e = (goal - have) * rates[g, x].entrant_share
                    entrants[t, g, x] = e
                    a1[g, x, 0] += e
                    if e != 0.0:
                        top_next[g, x] = max(top_next[g, x], 0)
            elif have > 0.0:
                share = (have - goal) / have
                for x in range(A):
                    moved = 0.0
                    for s in range(top_next[g, x] + 1):
                        excess = a1[g, x, s] * share
                        moved += excess
                        a1[g, x, s] -= excess
                        n1[g, x, s] += excess
                    to_inactive[t, g, x] = moved
        top[:] = top_next
    last = stock_row(n, keep_all)
    _stock_totals(actives[last], inactive[last], top, insured_by_age[n], service_years[n], lowest[n])


@njit(cache=True)
def project_benefits_kernel(year, normal_age, rates, sex, q, earnings_cv, service_credit, history, actives_by_age,
                            exits, tops, diag, pensioners, amount, wages, awards_number, awards_amount,
                            pensioner_deaths, pensioner_exits, grants):
    """Wages, awards and pensioners of the scheme, year after year, from the insured persons of
    :func:`project_insured_kernel` (numba kernel; twin :func:`project_benefits_reference`): the second
    pass of the projection, the only one the rules of benefits enter.

    Reference earnings use ``diag``, prefix sums along cohort diagonals (:func:`push_cohort_sums`):
    rows 1 .. H (H = len(history)) are the H years before the base year, whose insurable wage is
    that of the base year times ``history[h]``; row H + t + 1 adds year t's wage / revaluation index.

    Each year t: insurable wages (:func:`insurable_wage_reference`) and ``diag[H + t + 1]`` (with the
    history rows first when t = 0); the awards, entitled deaths and grants (:func:`awards_reference`)
    of the exits of the year, in one pass over the occupied (age, service) cells; survivors' awards
    from the entitled deaths of the insured and of old-age and invalidity pensioners
    (:func:`survivors_kernel`); the pensioners of each type (:func:`pensioners_step_kernel`).

    Inputs: year (n,) YEAR_DTYPE, normal_age (n, 2) int, rates (2, A) AGE_DTYPE, sex (2,) SEX_DTYPE,
    q (n, 4, 2, A), history (H,), and from :func:`project_insured_kernel`: actives_by_age (at least n,
    2, A) actives at 1 January, tops (n, 2, A) and the packed exits (n, cells, 4).  Pensioners
    and amounts hold the base year in row 0; every other cell of every output is written: diag
    (H + n + 1, 2, A) (row 0 is 0: nothing before the first year); pensioners, amount (n + 1, 4, 2, A);
    wages (n, 2, A); awards_number, awards_amount, pensioner_deaths, pensioner_exits (n, 4, 2, A);
    grants (n, 2) number and amount.
    """
    n = year.shape[0]
    A = tops.shape[2]
    S = A
    omega = A - 1
    h0 = history.shape[0]
    salary = rates.salary
    mean_salary = 0.0
    for g in range(2):
        for x in range(A):
            mean_salary += salary[g, x]
    mean_salary /= 2 * A
    gross = np.empty((2, A))
    death_number = np.empty((2, A))
    death_pension = np.empty((2, A))
    exit_rate = np.zeros((4, 2, A))
    accrued_share = np.empty(S + max(normal_age.max(), 0) + 1)  # by s + credit, credit <= normal age
    for t in range(n):
        y = year[t]
        awards_number[t] = 0.0
        awards_amount[t] = 0.0
        grants[t] = 0.0
        death_number[:] = 0.0
        death_pension[:] = 0.0

        # insurable wages, and the cohort-diagonal sums of wage / revaluation index
        total = 0.0
        weighted = 0.0
        for g in range(2):
            for x in range(A):
                c = actives_by_age[t, g, x]
                total += c
                weighted += c * salary[g, x]
        norm = weighted / total if total > 0.0 else mean_salary
        for g in range(2):
            for x in range(A):
                gross[g, x] = y.average_wage * salary[g, x] / norm
        clipped_lognormal_mean_kernel(gross, earnings_cv, y.earnings_floor, y.earnings_ceiling, wages[t])
        if t == 0:
            diag[0] = 0.0
            for h in range(h0):
                for g in range(2):
                    diag[h + 1, g, 0] = wages[0, g, 0] * history[h]
                    for x in range(1, A):
                        diag[h + 1, g, x] = wages[0, g, x] * history[h] + diag[h, g, x - 1]
        h_now = h0 + t + 1
        revaluation = y.revaluation_index
        for g in range(2):
            diag[h_now, g, 0] = wages[t, g, 0] / revaluation
            for x in range(1, A):
                diag[h_now, g, x] = wages[t, g, x] / revaluation + diag[h_now - 1, g, x - 1]

        # the awards of the insured who leave
        min_old, min_invalidity = y.min_service_old_age, y.min_service_invalidity
        min_survivors = y.min_service_survivors
        accrual_rate, base_percent, base_years = y.accrual_rate, y.accrual_base_percent, y.accrual_base_years
        min_pension, max_pension, grant_per_year = y.min_pension, y.max_pension, y.grant_per_year
        reference_period = y.reference_period
        for k in range(accrued_share.shape[0]):  # accrued share of reference earnings by years of service
            accrued_share[k] = _accrued(k, accrual_rate, base_percent, base_years)
        cell = 0  # the first packed cell of the row (g, x)
        for g in range(2):
            nra = float(normal_age[t, g])
            for x in range(A):
                x1 = x + 1 if x < omega else omega
                early_years = max(nra - x, 0.0)
                late_years = max(x - nra, 0.0)
                adjust = max(1.0 - y.early_reduction * early_years + y.late_increment * late_years, 0.0)
                deferred_adjust = max(1.0 + y.late_increment * late_years, 0.0)
                credit = int(early_years) if service_credit else 0  # whole years (ages are whole)
                wage = wages[t, g, x]
                last = tops[t, g, x]
                cell_exits = exits[t, cell:cell + last + 1]
                cell += last + 1
                old_number = old_amount = invalid_number = invalid_amount = 0.0
                dead_number = dead_pension = grant_number = grant_amount = 0.0
                for s in range(last + 1):
                    ret, left, i, dead = cell_exits[s, 0], cell_exits[s, 1], cell_exits[s, 2], cell_exits[s, 3]
                    if ret == 0.0 and left == 0.0 and i == 0.0 and dead == 0.0:
                        continue
                    m = max(s, 1)
                    if reference_period > 0:
                        m = min(m, reference_period)
                    past = diag[max(h_now - m, 0), g, x - m] if x - m >= 0 else 0.0
                    ref = revaluation * (diag[h_now, g, x] - past) / m
                    grant = grant_per_year * s * wage
                    base_pension = max(accrued_share[s] * ref, min_pension)
                    potential = max(accrued_share[s + credit] * ref, min_pension)
                    if max_pension > 0.0:
                        base_pension = min(base_pension, max_pension)
                        potential = min(potential, max_pension)
                    if s >= min_old:
                        old_number += ret + left
                        old_amount += ret * base_pension * adjust + left * base_pension * deferred_adjust
                    else:
                        grant_number += ret + left
                        grant_amount += (ret + left) * grant
                    if s >= min_invalidity:
                        invalid_number += i
                        invalid_amount += i * potential
                    else:
                        grant_number += i
                        grant_amount += i * grant
                    if s >= min_survivors:
                        dead_number += dead
                        dead_pension += dead * potential
                    else:
                        grant_number += dead
                        grant_amount += dead * grant
                awards_number[t, 0, g, x1] += old_number
                awards_amount[t, 0, g, x1] += old_amount
                awards_number[t, 1, g, x1] += invalid_number
                awards_amount[t, 1, g, x1] += invalid_amount
                death_number[g, x] += dead_number
                death_pension[g, x] += dead_pension
                grants[t, 0] += grant_number
                grants[t, 1] += grant_amount

        # survivors of entitled insured and of old-age and invalidity pensioners; pensioners
        for g in range(2):
            for x in range(A):
                death_number[g, x] += pensioners[t, 0, g, x] * q[t, 1, g, x]
                death_pension[g, x] += amount[t, 0, g, x] * q[t, 1, g, x]
                death_number[g, x] += pensioners[t, 1, g, x] * q[t, 2, g, x]
                death_pension[g, x] += amount[t, 1, g, x] * q[t, 2, g, x]
        survivors_kernel(death_number, death_pension, rates.spouse_probability, rates.orphans_per_death,
                         sex.spouse_age_difference, sex.orphan_age_gap, y.widow_share, y.orphan_share,
                         y.full_orphan_share, y.survivors_cap, y.orphan_age_limit,
                         awards_number[t, 2], awards_amount[t, 2], awards_number[t, 3], awards_amount[t, 3])
        for g in range(2):
            for x in range(A):
                exit_rate[2, g, x] = sex[g].remarriage
                exit_rate[3, g, x] = 1.0 if x >= y.orphan_age_limit - 1 else 0.0
        for k in range(4):
            pensioners_step_kernel(pensioners[t, k], amount[t, k], q[t, PENSIONER_MORTALITY[k]], exit_rate[k],
                                   awards_number[t, k], awards_amount[t, k], y.indexation_next,
                                   pensioners[t + 1, k], amount[t + 1, k], pensioner_deaths[t, k],
                                   pensioner_exits[t, k])


@njit(cache=True)
def _stock_totals(active, inactive, top, by_age, service_years, lowest):
    """Totals of one 1 January's insured stocks (2, A, S) whose cells above ``top[g, x]`` are 0:
    by_age (2, 2, A) persons by state (actives, inactive), sex and age; service_years (2,) years of
    service of each state; lowest (2,) smallest cell of each state."""
    A = active.shape[1]
    for k in range(2):
        stock = active if k == 0 else inactive
        years = 0.0
        low = 0.0 if top.min() < stock.shape[2] - 1 else np.inf  # cells above top are 0
        for g in range(2):
            for x in range(A):
                persons = 0.0
                for s in range(top[g, x] + 1):
                    v = stock[g, x, s]
                    persons += v
                    years += s * v
                    low = min(low, v)
                by_age[k, g, x] = persons
        service_years[k] = years
        lowest[k] = low


def push_cohort_sums(diag, h, insurable):
    """diag[h + 1] = the cohort-diagonal prefix sums of ``insurable`` (2, A) on top of diag[h]:
    diag[h + 1, g, 0] = insurable[g, 0]; diag[h + 1, g, x] = insurable[g, x] + diag[h, g, x - 1]."""
    diag[h + 1, :, 0] = insurable[:, 0]
    diag[h + 1, :, 1:] = insurable[:, 1:] + diag[h, :, :-1]


def highest_service(active, inactive):
    """(2, A) the highest service with someone of each sex and age (-1: nobody) in stocks (2, A, S)."""
    occupied = (active != 0.0) | (inactive != 0.0)
    S = active.shape[2]
    return np.where(occupied.any(axis=2), S - 1 - np.argmax(occupied[:, :, ::-1], axis=2), -1)


def project_insured_reference(year_sex, rates, min_service, q, actives, inactive, exits, tops, flows_by_age,
                              flow_totals, entrants, to_inactive, actives_end, flows, insured_by_age, service_years,
                              lowest):
    """Numpy twin of :func:`project_insured_kernel`, with the same arguments and outputs (it fills
    them; ``tops`` is the exact highest service, so the packing of ``exits`` may differ but not
    :func:`exits_by_cell`): a loop over the years calling the numpy steps of this module one after
    another."""
    n = year_sex.shape[0]
    service = np.arange(actives.shape[3])
    keep_all = actives.shape[0] == n + 1
    for t in range(n):
        ys = year_sex[t]
        a0, n0 = actives[stock_row(t, keep_all)], inactive[stock_row(t, keep_all)]
        tops[t] = highest_service(a0, n0)
        a1, n1, *cells = insured_step_reference(
            a0, n0, q[t, 0], rates["invalidity"], ys["retire_early"], ys["retire_normal"],
            rates["lapse"], rates["reentry"], rates["density"], ys["early_age"], ys["normal_age"], ys["exit_age"],
            int(np.ceil(min_service[t])))
        dead_active, dead_inactive, invalid, retired_active, left_inactive, _, _ = cells
        by_cell = np.stack([retired_active, left_inactive, invalid, dead_active + dead_inactive], axis=-1)
        occupied = service[None, None, :] <= tops[t][:, :, None]
        exits[t, :occupied.sum()] = by_cell[occupied]
        flows_by_age[t], flow_totals[t] = flow_totals_reference(a0, *cells, rates["density"])
        if flows.shape[0] == n:
            flows[t] = cells
        actives_end[t] = a1.sum(axis=2)
        entrants[t] = 0.0
        to_inactive[t] = 0.0
        for g in range(2):
            have, goal = a1[g].sum(), ys["target_next"][g]
            if have < goal:
                entrants[t, g] = (goal - have) * rates["entrant_share"][g]
                a1[g, :, 0] += entrants[t, g]
            elif have > 0:
                excess = a1[g] * ((have - goal) / have)
                to_inactive[t, g] = excess.sum(axis=1)
                a1[g] -= excess
                n1[g] += excess
        for k, stock in enumerate((a0, n0)):
            insured_by_age[t, k], service_years[t, k] = stock.sum(axis=2), (stock * service).sum()
            lowest[t, k] = stock.min()
        after = stock_row(t + 1, keep_all)
        actives[after], inactive[after] = a1, n1
    last = stock_row(n, keep_all)
    for k, stock in enumerate((actives[last], inactive[last])):
        insured_by_age[n, k], service_years[n, k] = stock.sum(axis=2), (stock * service).sum()
        lowest[n, k] = stock.min()


def project_benefits_reference(year, normal_age, rates, sex, q, earnings_cv, service_credit, history, actives_by_age,
                               exits, tops, diag, pensioners, amount, wages, awards_number, awards_amount,
                               pensioner_deaths, pensioner_exits, grants):
    """Numpy twin of :func:`project_benefits_kernel`, with the same arguments and outputs (it fills
    them): a loop over the years calling the numpy steps of this module one after another."""
    n, h0 = year.shape[0], history.shape[0]
    A = tops.shape[2]
    ages, service = np.arange(A), np.arange(A)
    exit_rate = np.zeros((4, 2, A))
    exit_rate[2] = sex["remarriage"][:, None]
    for t in range(n):
        y = year[t]
        wages[t] = insurable_wage_reference(actives_by_age[t], rates["salary"], y["average_wage"], earnings_cv,
                                            y["earnings_floor"], y["earnings_ceiling"])
        if t == 0:
            diag[0] = 0.0
            for h in range(h0):
                push_cohort_sums(diag, h, wages[0] * history[h])
        push_cohort_sums(diag, h0 + t, wages[t] / y["revaluation_index"])
        retired_active, left_inactive, invalid, dead = np.moveaxis(exits_by_cell(exits[t], tops[t]), -1, 0)
        periods = np.maximum(service, 1)
        if y["reference_period"] > 0:
            periods = np.minimum(periods, y["reference_period"])
        old_n, old_amt, inv_n, inv_amt, deaths_n, deaths_base, grants[t] = awards_reference(
            retired_active, left_inactive, invalid, dead, diag, h0 + t + 1, periods,
            y["revaluation_index"], wages[t], normal_age[t].astype(np.float64), y["min_service_old_age"],
            y["min_service_invalidity"], y["min_service_survivors"], y["accrual_rate"], y["accrual_base_percent"],
            y["accrual_base_years"], y["min_pension"], y["max_pension"], y["early_reduction"], y["late_increment"],
            service_credit, y["grant_per_year"])
        awards_number[t, 0], awards_amount[t, 0], awards_number[t, 1], awards_amount[t, 1] = \
            old_n, old_amt, inv_n, inv_amt
        for k in (0, 1):  # deaths of old-age and invalidity pensioners leave survivors too
            deaths_n = deaths_n + pensioners[t, k] * q[t, PENSIONER_MORTALITY[k]]
            deaths_base = deaths_base + amount[t, k] * q[t, PENSIONER_MORTALITY[k]]
        awards_number[t, 2], awards_amount[t, 2], awards_number[t, 3], awards_amount[t, 3] = survivors_reference(
            deaths_n, deaths_base, rates["spouse_probability"], rates["orphans_per_death"],
            sex["spouse_age_difference"], sex["orphan_age_gap"], y["widow_share"], y["orphan_share"],
            y["full_orphan_share"], y["survivors_cap"], int(y["orphan_age_limit"]))
        exit_rate[3] = (ages[None, :] >= y["orphan_age_limit"] - 1).astype(float)
        for k in range(4):
            pensioners[t + 1, k], amount[t + 1, k], pensioner_deaths[t, k], pensioner_exits[t, k] = \
                pensioners_step_reference(pensioners[t, k], amount[t, k], q[t, PENSIONER_MORTALITY[k]],
                                          exit_rate[k], awards_number[t, k], awards_amount[t, k],
                                          y["indexation_next"])
