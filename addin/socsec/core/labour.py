"""Labour force and employment by year, sex and single age (docs/methodology.md sections 8.1-8.5).

For year t, sex s and age x, with ``P`` the average population during the year
(mean of 1 January t and t+1):

* labour force ``LF = P x LFPR``;
* unemployment rate by age ``u_x = u_s,t x f_g(x),s x LF_s / sum_y LF_y f_g(y),s``: the
  relative age factors ``f`` of the age group of x, rescaled so that the unemployment rate of
  the whole labour force of that sex equals the input ``u_s,t`` (all factors 1: same rate at
  every age);
* unemployed ``U = LF u_x``, employed ``E = LF - U``;
* employees ``= E x employee share_s,t``; formal (covered) employment ``= E x formal share_s,t``.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def labour_force_kernel(population, lfpr, unemployment, age_factor, employee_share, formal_share,
                        labour_force, unemployed, employed, employees, formal):
    """Fill the labour-market stocks (numba kernel).

    population   : (n, 2, A) average population during each year (persons).
    lfpr         : (n, 2, A) labour-force participation rates.
    unemployment : (n, 2) unemployment rate of the labour force by sex.
    age_factor   : (2, A) relative unemployment by age (group factor expanded to single ages).
    employee_share, formal_share : (n, 2) shares of employment.
    labour_force, unemployed, employed, employees, formal : (n, 2, A) outputs (persons).
    """
    n, _, A = population.shape
    for t in range(n):
        for s in range(2):
            total = 0.0
            weighted = 0.0
            for x in range(A):
                lf = population[t, s, x] * lfpr[t, s, x]
                labour_force[t, s, x] = lf
                total += lf
                weighted += lf * age_factor[s, x]
            scale = unemployment[t, s] * total / weighted if weighted > 0.0 else 0.0
            for x in range(A):
                lf = labour_force[t, s, x]
                u = lf * age_factor[s, x] * scale
                unemployed[t, s, x] = u
                employed[t, s, x] = lf - u
                employees[t, s, x] = (lf - u) * employee_share[t, s]
                formal[t, s, x] = (lf - u) * formal_share[t, s]


def labour_force_reference(population, lfpr, unemployment, age_factor, employee_share, formal_share):
    """Numpy twin of :func:`labour_force_kernel`; returns (labour_force, unemployed, employed,
    employees, formal)."""
    labour_force = population * lfpr
    total = labour_force.sum(axis=2)
    weighted = (labour_force * age_factor[None]).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(weighted > 0.0, unemployment * total / weighted, 0.0)
    unemployed = labour_force * age_factor[None] * scale[:, :, None]
    employed = labour_force - unemployed
    return (labour_force, unemployed, employed, employed * employee_share[:, :, None],
            employed * formal_share[:, :, None])
