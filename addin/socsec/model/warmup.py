"""Compile every numba kernel once so that the first call in Excel or the CLI is fast.

Kernels are compiled with ``cache=True``: the compiled code is stored next to the package
(numba's cache, keyed by the source file) and reused by later processes.  The installer runs
``socsec warmup`` once.
"""

import numpy as np

from socsec.model.economy import EconomyInputs, project_economy
from socsec.model.population import PopulationAssumptions, project_population


def tiny_assumptions(n_years: int = 3, omega: int = 70) -> tuple[PopulationAssumptions, EconomyInputs]:
    """A small, valid problem that calls every kernel with the argument types of a real run."""
    A = omega + 1
    asfr = np.zeros((n_years, A))
    asfr[:, 20:40] = 0.1
    population = PopulationAssumptions(
        base_year=2000, base_population=np.full((2, A), 100.0), asfr=asfr,
        srb=np.full(n_years, 1.05), mx=np.full((n_years, 2, A), 0.05),
        net_migrants=np.ones((n_years, 2, A)), migration_timing="even")
    rates = np.full(n_years, 0.02)
    economy = EconomyInputs(
        currency="", base_gdp=1e9, base_average_wage=1e4, wage_growth_input="wage_share",
        return_input="nominal", lfpr_years=np.array([2000]), lfpr=np.full((1, 2, A), 0.5),
        unemployment=np.full((n_years, 2), 0.05), unemployment_age_starts=np.array([15]),
        unemployment_age_factors=np.ones((1, 2)), employee_share=np.full((n_years, 2), 0.8),
        formal_share=np.full((n_years, 2), 0.6), productivity_growth=rates, cpi_inflation=rates,
        deflator_inflation=rates, wage_share_change=rates * 0, wage_growth=rates, investment_return=rates)
    return population, economy


def warm_up():
    population, economy = tiny_assumptions()
    project_economy(economy, project_population(population, engine="numba"), engine="numba")
