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
