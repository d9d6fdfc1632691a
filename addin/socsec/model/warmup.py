"""Compile every numba kernel once so that the first call in Excel or the CLI is fast.

Kernels are compiled with ``cache=True``: the compiled code is stored next to the package
(numba's cache, keyed by the source file and the package version) and reused by later
processes.  The installer runs ``socsec warmup`` once.
"""

import numpy as np

from socsec.model.population import PopulationAssumptions, project_population


def tiny_assumptions(n_years: int = 3, omega: int = 10) -> PopulationAssumptions:
    """A small, valid projection problem that exercises every kernel signature."""
    A = omega + 1
    asfr = np.zeros((n_years, A))
    asfr[:, 3:6] = 0.5
    return PopulationAssumptions(
        base_year=2000, base_population=np.full((2, A), 100.0), asfr=asfr,
        srb=np.full(n_years, 1.05), mx=np.full((n_years, 2, A), 0.05),
        net_migrants=np.ones((n_years, 2, A)), migration_timing="even")


def warm_up():
    project_population(tiny_assumptions(), engine="numba")
