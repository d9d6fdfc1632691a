"""Annual cohort-component projection by single age and sex (docs/methodology.md section 6).

Axis order ``(year, sex, age)``; sex 0 = male, 1 = female; ages ``0 .. omega`` with
``omega`` the open group.  Population stocks are at 1 January; flows happen during the year.
Net migrants ``M[t, s, x]`` are indexed by age at the END of year t.

One step, year t -> t+1, for each sex (Preston, Heuveline & Guillot 2001, ch. 6;
UN ccmppWPP conventions):

1. Start-of-year population ``P' = P_t`` (timing "end"), or with timing "even"
   ``P'_{x-1} = P_{x-1} + M_x / 2`` for ``1 <= x < omega`` and ``P'_omega = P_omega + M_omega / 2``
   (half of the year's migrants join their cohort at the start and are exposed to a full
   year of mortality; the other half is added at the end).
2. Survivors ``N_x = P'_{x-1} S_x`` (1 <= x < omega), ``N_omega = (P'_{omega-1} + P'_omega) S_omega``.
3. Births ``B = sum_x f_x (W'_x + W^N_x) / 2`` (female exposure = mean of start and
   survivors); ``B^f = B / (1 + SRB)``, ``B^m = B - B^f``.
4. Age 0 at year end ``N_0 = (B^s + M_0 / 2) S_0`` ("even") or ``B^s S_0`` ("end").
5. Deaths ``D^s = sum P' + B^s (+ M_0 / 2) - sum N``; ``P_{t+1} = N + M / 2`` ("even") or ``N + M`` ("end").
   Hence ``P_{t+1} = P_t + B - D + M`` exactly.
"""

from enum import IntEnum

import numpy as np
from numba import njit

MIGRATION_TIMINGS = ("even", "end")


@njit(cache=True)
def project_population_kernel(base_pop, asfr, srb, surv, net_migrants, even_migration,
                              pop, births, deaths):
    """Project the population year by year (numba kernel).

    base_pop     : (2, A) persons at 1 January of the base year.
    asfr         : (n, A) births per woman per year by age of mother (zero outside 15-49).
    srb          : (n,)   sex ratio at birth, males per female.
    surv         : (n, 2, A) survival ratios S (see ``core.lifetable``).
    net_migrants : (n, 2, A) net migrants during year t by age at the end of the year.
    even_migration : True for timing "even", False for "end".
    pop    : (n + 1, 2, A) output, population at 1 January of each year.
    births : (n, 2) output, live births in year t by sex of the child.
    deaths : (n, 2) output, deaths in year t by sex (including deaths of migrants in the year).
    """
    n = asfr.shape[0]
    A = base_pop.shape[1]
    omega = A - 1
    start = np.empty((2, A))
    surv_pop = np.empty((2, A))
    pop[0, :, :] = base_pop
    share = 0.5 if even_migration else 0.0
    for t in range(n):
        for s in range(2):
            for x in range(A):
                start[s, x] = pop[t, s, x]
            for x in range(1, omega):
                start[s, x - 1] += share * net_migrants[t, s, x]
            start[s, omega] += share * net_migrants[t, s, omega]
            surv_pop[s, 0] = 0.0  # filled with the surviving births below
            for x in range(1, omega):
                surv_pop[s, x] = start[s, x - 1] * surv[t, s, x]
            surv_pop[s, omega] = (start[s, omega - 1] + start[s, omega]) * surv[t, s, omega]
        total_births = 0.0
        for x in range(A):
            total_births += asfr[t, x] * 0.5 * (start[1, x] + surv_pop[1, x])
        female_births = total_births / (1.0 + srb[t])
        births[t, 0] = total_births - female_births
        births[t, 1] = female_births
        for s in range(2):
            entering = births[t, s] + share * net_migrants[t, s, 0]
            surv_pop[s, 0] = entering * surv[t, s, 0]
            died = entering
            for x in range(A):
                died += start[s, x] - surv_pop[s, x]
            deaths[t, s] = died
            for x in range(A):
                pop[t + 1, s, x] = surv_pop[s, x] + (1.0 - share) * net_migrants[t, s, x]


def project_population_reference(base_pop, asfr, srb, surv, net_migrants, even_migration):
    """Numpy twin of :func:`project_population_kernel`; returns ``(pop, births, deaths)``."""
    n, A = asfr.shape
    pop = np.empty((n + 1, 2, A))
    births = np.empty((n, 2))
    deaths = np.empty((n, 2))
    pop[0] = base_pop
    share = 0.5 if even_migration else 0.0
    for t in range(n):
        mig = net_migrants[t]
        start = pop[t].copy()
        start[:, :-2] += share * mig[:, 1:-1]
        start[:, -1] += share * mig[:, -1]
        survivors = np.zeros((2, A))  # age 0 is filled with the surviving births below
        survivors[:, 1:-1] = start[:, :-2] * surv[t, :, 1:-1]
        survivors[:, -1] = (start[:, -2] + start[:, -1]) * surv[t, :, -1]
        total = np.sum(asfr[t] * 0.5 * (start[1] + survivors[1]))
        births[t, 1] = total / (1.0 + srb[t])
        births[t, 0] = total - births[t, 1]
        entering = births[t] + share * mig[:, 0]
        survivors[:, 0] = entering * surv[t, :, 0]
        deaths[t] = entering + start.sum(axis=1) - survivors.sum(axis=1)
        pop[t + 1] = survivors + (1.0 - share) * mig
    return pop, births, deaths


class Summary(IntEnum):
    """Rows of :func:`summary_kernel`'s output (len(Summary), n): the sums of the demographic summary, by year."""

    POPULATION = 0  # persons on 1 January, both sexes
    MALE = 1
    FEMALE = 2
    MIDYEAR = 3  # mean of 1 January t and t + 1
    YOUNG = 4  # below 20 on 1 January
    OLD = 5  # 65 and over
    AGED_20_64 = 6
    AGED_15_64 = 7
    NET_MIGRANTS_MALE = 8
    NET_MIGRANTS_FEMALE = 9
    TFR = 10  # sum of f_x
    NRR = 11  # sum f_x L^F_x / (1 + SRB)
    MEAN_AGE_CHILDBEARING = 12  # sum (x + 0.5) f_x / TFR, NaN without births
    MEDIAN_AGE = 13  # on 1 January, linear within each year of age


@njit(cache=True)
def summary_kernel(pop, asfr, female_Lx, srb, net_migrants, out):
    """The sums of :class:`Summary` for each year t of ``pop`` (n + 1, 2, A) into ``out`` (len(Summary), n)
    (numba kernel; twin :func:`summary_reference`): ``asfr`` (n, A) f_x, ``female_Lx`` (n, A) the female
    person-years L^F_x (radix 1), ``srb`` (n,), ``net_migrants`` (n, 2, A).  Median age: the age x where
    the running sum over ages first reaches half the population, plus (half - persons below x) / persons
    at x (persons at x taken as 1 when 0)."""
    n, A = asfr.shape[0], pop.shape[2]
    for t in range(n):
        male = female = young = old = aged_20_64 = aged_15_64 = 0.0
        for x in range(A):
            both = pop[t, 0, x] + pop[t, 1, x]
            male += pop[t, 0, x]
            female += pop[t, 1, x]
            if x < 20:
                young += both
            if x >= 65:
                old += both
            if 20 <= x < 65:
                aged_20_64 += both
            if 15 <= x < 65:
                aged_15_64 += both
        next_male = next_female = mig_male = mig_female = tfr = nrr = weighted = 0.0
        for x in range(A):
            next_male += pop[t + 1, 0, x]
            next_female += pop[t + 1, 1, x]
            mig_male += net_migrants[t, 0, x]
            mig_female += net_migrants[t, 1, x]
            tfr += asfr[t, x]
            nrr += asfr[t, x] * female_Lx[t, x]
            weighted += asfr[t, x] * (x + 0.5)
        out[Summary.POPULATION, t] = male + female
        out[Summary.MALE, t], out[Summary.FEMALE, t] = male, female
        out[Summary.MIDYEAR, t] = 0.5 * (male + female + next_male + next_female)
        out[Summary.YOUNG, t], out[Summary.OLD, t] = young, old
        out[Summary.AGED_20_64, t], out[Summary.AGED_15_64, t] = aged_20_64, aged_15_64
        out[Summary.NET_MIGRANTS_MALE, t], out[Summary.NET_MIGRANTS_FEMALE, t] = mig_male, mig_female
        out[Summary.TFR, t], out[Summary.NRR, t] = tfr, nrr / (1.0 + srb[t])
        out[Summary.MEAN_AGE_CHILDBEARING, t] = weighted / tfr if tfr > 0.0 else np.nan
        total, below, x = 0.0, 0.0, 0
        for k in range(A):
            total += pop[t, 0, k] + pop[t, 1, k]
        half = total / 2.0
        running = 0.0
        for x in range(A):
            below = running
            running += pop[t, 0, x] + pop[t, 1, x]
            if running >= half:
                break
        inside = pop[t, 0, x] + pop[t, 1, x]
        out[Summary.MEDIAN_AGE, t] = x + (half - below) / (inside if inside > 0.0 else 1.0)


def summary_reference(pop, asfr, female_Lx, srb, net_migrants) -> np.ndarray:
    """Numpy twin of :func:`summary_kernel`; returns ``out``."""
    n = len(asfr)
    ages = np.arange(asfr.shape[1])
    by_sex = pop.sum(axis=2)  # (n + 1, 2)
    every = by_sex.sum(axis=1)
    both = pop[:-1].sum(axis=1)  # (n, A)
    mig = net_migrants.sum(axis=2)
    tfr = asfr.sum(axis=1)
    out = np.empty((len(Summary), n))
    out[Summary.POPULATION], out[Summary.MALE], out[Summary.FEMALE] = every[:-1], by_sex[:-1, 0], by_sex[:-1, 1]
    out[Summary.MIDYEAR] = 0.5 * (every[:-1] + every[1:])
    out[Summary.YOUNG], out[Summary.OLD] = both[:, :20].sum(axis=1), both[:, 65:].sum(axis=1)
    out[Summary.AGED_20_64], out[Summary.AGED_15_64] = both[:, 20:65].sum(axis=1), both[:, 15:65].sum(axis=1)
    out[Summary.NET_MIGRANTS_MALE], out[Summary.NET_MIGRANTS_FEMALE] = mig[:, 0], mig[:, 1]
    out[Summary.TFR] = tfr
    out[Summary.NRR] = (asfr * female_Lx).sum(axis=1) / (1.0 + srb)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[Summary.MEAN_AGE_CHILDBEARING] = np.where(tfr > 0, (asfr * (ages + 0.5)).sum(axis=1) / tfr, np.nan)
    cum = np.cumsum(both, axis=1)
    half = cum[:, -1] / 2.0
    idx = np.argmax(cum >= half[:, None], axis=1)  # the age holding the median
    rows = np.arange(n)
    below = np.where(idx > 0, cum[rows, idx - 1], 0.0)  # persons younger than that age
    inside = both[rows, idx]
    out[Summary.MEDIAN_AGE] = idx + (half - below) / np.where(inside > 0, inside, 1.0)
    return out
