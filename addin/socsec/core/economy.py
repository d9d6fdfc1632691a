"""Macroeconomic frame by year: prices, wages, GDP, interest (docs/methodology.md section 8.6).

Rates of year t describe the change from year t-1 to year t (annual averages) or, for the
investment return, the return earned during year t.  Levels of the base year are inputs;
indices equal 1 in the base year, and the base-year rates only enter the base year's growth
figures (they describe the change into the base year).

* average wage growth ``1 + w_t = (1 + productivity_t)(1 + deflator inflation_t)(1 + wage-share
  change_t)`` (option "wage_share"), or an input path (option "direct");
* nominal return ``i_t`` (input), or ``1 + i_t = (1 + real return_t)(1 + CPI inflation_t)``;
  real return ``1 + r_t = (1 + i_t) / (1 + CPI inflation_t)``;
* real GDP at base-year prices ``Y_t = Y_base x (E_t / E_base) x prod_{k=base+1..t} (1 + productivity_k)``
  with E total employment, so ``1 + real GDP growth = (1 + productivity)(1 + employment growth)``;
  nominal GDP ``= Y_t x deflator index_t``;
* average wage ``= wage_base x wage index_t``; real wage growth ``(1 + w_t) / (1 + CPI inflation_t) - 1``.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def macro_kernel(productivity, cpi_inflation, deflator_inflation, wage_growth, employment, base_gdp,
                 base_wage, cpi_index, deflator_index, wage_index, real_gdp, nominal_gdp, average_wage):
    """Indices and levels by year (numba kernel).

    productivity, cpi_inflation, deflator_inflation, wage_growth : (n,) rates per year.
    employment : (n,) total employment (persons).  base_gdp, base_wage : base-year levels.
    cpi_index, deflator_index, wage_index, real_gdp, nominal_gdp, average_wage : (n,) outputs.
    """
    n = productivity.shape[0]
    productivity_index = 1.0
    for t in range(n):
        if t == 0:
            cpi_index[t] = 1.0
            deflator_index[t] = 1.0
            wage_index[t] = 1.0
        else:
            cpi_index[t] = cpi_index[t - 1] * (1.0 + cpi_inflation[t])
            deflator_index[t] = deflator_index[t - 1] * (1.0 + deflator_inflation[t])
            wage_index[t] = wage_index[t - 1] * (1.0 + wage_growth[t])
            productivity_index *= 1.0 + productivity[t]
        real_gdp[t] = base_gdp * employment[t] / employment[0] * productivity_index
        nominal_gdp[t] = real_gdp[t] * deflator_index[t]
        average_wage[t] = base_wage * wage_index[t]


def macro_reference(productivity, cpi_inflation, deflator_inflation, wage_growth, employment, base_gdp,
                    base_wage):
    """Numpy twin of :func:`macro_kernel`; returns (cpi_index, deflator_index, wage_index,
    real_gdp, nominal_gdp, average_wage)."""
    def index(rates):
        growth = np.concatenate([[1.0], 1.0 + np.asarray(rates[1:], dtype=np.float64)])
        return np.cumprod(growth)

    cpi_index, deflator_index, wage_index = index(cpi_inflation), index(deflator_inflation), index(wage_growth)
    real_gdp = base_gdp * employment / employment[0] * index(productivity)
    return cpi_index, deflator_index, wage_index, real_gdp, real_gdp * deflator_index, base_wage * wage_index
