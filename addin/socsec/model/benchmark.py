"""Benchmark: numba core against the numpy reference twins, measured side by side in one run.

``socsec bench`` prints, for the example country (Jordan, ages 0-100+) over a 100-year horizon
(2025-2124: its 2100 assumptions held constant after 2100, :func:`socsec.model.horizon.extend_horizon`), the median
time of each step with both engines and their ratio (the model code around the kernels, such
as interpolation and the pandas result tables, is the same for both engines).  Speed targets are read from these
ratios and absolute figures, never from timed tests.
"""

import statistics
import time

import numpy as np

from socsec.core import lifetable as lt
from socsec.core import population as cp
from socsec.model.horizon import extend_horizon
from socsec.model.pension import project_pension
from socsec.model.population import compute_life_tables, project_population
from socsec.model.valuation import run_valuation


HORIZON = 100  # years: the example (2025-2100) extended to 2124 with the 2100 assumptions held constant


def _median_seconds(fn, repeats: int) -> float:
    fn()  # compile or warm caches outside the timing
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_benchmark(repeats: int = 20) -> str:
    from socsec.model.example_jordan import jordan_inputs

    inputs = jordan_inputs()
    inputs = extend_horizon(inputs, inputs.population.base_year + HORIZON - 1)
    base = run_valuation(inputs)
    a = inputs.population.to_assumptions()
    ax0 = a.infant_separation()
    tables = compute_life_tables(a.mx, ax0)
    proj_args = (a.base_population, a.asfr, a.srb, tables.survival, a.net_migrants, True)
    n, A = a.n_years, a.omega + 1
    pop, births, deaths = np.empty((n + 1, 2, A)), np.empty((n, 2)), np.empty((n, 2))
    flat_m = np.ascontiguousarray(a.mx).reshape(2 * n, A)
    flat_a = np.ascontiguousarray(ax0).reshape(2 * n)
    cols = [np.empty_like(flat_m) for _ in range(6)]
    steps = [
        (f"life tables ({2 * n} schedules)",
         lambda: lt.life_table_kernel(flat_m, flat_a, *cols),
         lambda: lt.life_table_reference(flat_m, flat_a)),
        ("cohort-component projection",
         lambda: cp.project_population_kernel(*proj_args, pop, births, deaths),
         lambda: cp.project_population_reference(*proj_args)),
        ("whole population block (with summary)",
         lambda: project_population(a, "numba"),
         lambda: project_population(a, "numpy")),
        ("pension block (insured, awards, pensioners)",
         lambda: project_pension(inputs.pension, base.population, base.economy, "numba"),
         lambda: project_pension(inputs.pension, base.population, base.economy, "numpy")),
        ("full valuation (population to cash flows)",
         lambda: run_valuation(inputs, "numba"),
         lambda: run_valuation(inputs, "numpy")),
    ]
    lines = [f"socsec benchmark: {a.country}, {n} years, ages 0-{a.omega}+, median of {repeats} runs",
             f"{'step':46s} {'numba ms':>10s} {'numpy ms':>10s} {'speed-up':>9s}"]
    for name, fast, ref in steps:
        t_fast, t_ref = _median_seconds(fast, repeats), _median_seconds(ref, repeats)
        lines.append(f"{name:46s} {t_fast * 1e3:10.3f} {t_ref * 1e3:10.3f} {t_ref / t_fast:8.1f}x")
    return "\n".join(lines)
