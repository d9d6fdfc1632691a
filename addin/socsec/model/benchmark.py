"""Benchmark: numba core against the numpy reference twins, measured side by side in one run.

``socsec bench`` prints, for the example country (Jordan, ages 0-100+) over a 100-year horizon
(2025-2124: its 2100 assumptions held constant after 2100, :func:`socsec.model.horizon.extend_horizon`), the median
time of each step with both engines and their ratio (the model code around the kernels, such
as interpolation and the pandas result tables, is the same for both engines).  Speed targets are read from these
ratios and absolute figures, never from timed tests.
"""

import statistics
import time

import numba
import numpy as np

from socsec.core import lifetable as lt
from socsec.core import population as cp
from socsec.model.horizon import extend_horizon
from socsec.model.pension import one_thread, project_pension
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


def _peak_mb() -> float:
    """Peak resident memory of this process so far (MB; Linux and macOS report ru_maxrss in kB and bytes)."""
    import resource
    import sys
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def run_stochastic_benchmark(runs: int = 100, workers: int | None = None, repeats: int = 5,
                             dask_runs: int | None = None) -> str:
    """``socsec bench --stochastic``: the example (76 years) valued on ``runs`` random paths of the
    assumptions (the Stochastic sheet's defaults, seed 1) in this process with the numba core and with the
    numpy reference twins, side by side, and on ``dask_runs`` paths (default ``runs``) with ``workers`` on a
    dask.distributed LocalCluster, in the chunks ``socsec stochastic`` makes for them; the median single full
    valuation of each engine; runs per minute, the time 10,000 runs would take at that pace and the peak
    memory of each process."""
    from socsec.model.example_jordan import jordan_inputs
    from socsec.model.stochastic import default_processes, run_stochastic

    inputs, processes = jordan_inputs(), default_processes()
    n = len(inputs.population.years)
    single = {engine: _median_seconds(lambda e=engine: run_valuation(inputs, e), repeats)
              for engine in ("numba", "numpy")}
    with one_thread():
        single_one_thread = _median_seconds(lambda: run_valuation(inputs), repeats)
    batch = {}
    for engine in ("numba", "numpy"):
        run_stochastic(inputs, processes, 2, 1, engine=engine)  # compile and warm outside the timing
        start = time.perf_counter()
        run_stochastic(inputs, processes, runs, 1, engine=engine)
        batch[engine] = time.perf_counter() - start
    lines = [f"socsec stochastic benchmark: {inputs.population.country}, {n} years, {runs} runs (seed 1)",
             f"{'what':52s} {'numba':>10s} {'numpy':>10s} {'speed-up':>9s}",
             f"{'single full valuation (ms, median of ' + str(repeats) + ')':52s} {single['numba'] * 1e3:10.1f} "
             f"{single['numpy'] * 1e3:10.1f} {single['numpy'] / single['numba']:8.1f}x",
             f"{'  the same, pension kernels on one thread (ms)':52s} {single_one_thread * 1e3:10.1f} {'':10s} "
             f"{single['numpy'] / single_one_thread:8.1f}x   (numba threads: {numba.get_num_threads()}, "
             f"{numba.threading_layer()} layer)",
             f"{f'{runs} runs in this process (s)':52s} {batch['numba']:10.2f} {batch['numpy']:10.2f} "
             f"{batch['numpy'] / batch['numba']:8.1f}x",
             f"{'runs per minute, this process':52s} {60 * runs / batch['numba']:10.0f} "
             f"{60 * runs / batch['numpy']:10.0f}",
             f"{'10,000 runs at that pace (s)':52s} {1e4 * batch['numba'] / runs:10.0f} "
             f"{1e4 * batch['numpy'] / runs:10.0f}",
             f"peak memory of this process: {_peak_mb():.0f} MB",
             *_run_by_block(inputs, processes, repeats)]
    if workers:
        lines += _dask_lines(inputs, processes, dask_runs or runs, workers, batch["numba"] / runs)
    return "\n".join(lines)


def _run_by_block(inputs, processes, repeats: int) -> list:
    """Where the time of one stochastic run goes, numba engine, as in a chunk (the pension projection on one
    thread, :func:`socsec.model.pension.project_scheme_batch`): the draws (those of a chunk of ``repeats`` runs, per
    run), then, median over the runs, the run's inputs, each step of the chain
    (:data:`socsec.model.chain.STEPS`, computed in their order: a valuation of a batch makes the insured
    with the scheme, :func:`socsec.model.pension.project_scheme_batch`) and the checks; as in a chunk, the
    deterministic death rates and the pension arrays are made once for all the runs."""
    from socsec.model.chain import STEPS, LazyValuation
    from socsec.model.pension import PensionBuffers
    from socsec.model.stochastic import chunk_deviations, deterministic_death_rates, run_seeds, stochastic_inputs

    n = len(inputs.population.years)
    buffers = PensionBuffers.for_batch(inputs)
    death_rates = deterministic_death_rates(inputs)
    seeds = run_seeds(2, repeats + 1)
    start = time.perf_counter()
    draws = chunk_deviations(seeds, processes, n)
    medians = {"draws (a chunk's, per run)": (time.perf_counter() - start) / len(seeds) * 1e3}
    parts = ("inputs", *STEPS, "checks")
    times = {part: [] for part in parts}
    for k, e in enumerate(draws):
        stamps = [time.perf_counter()]
        run = LazyValuation(stochastic_inputs(inputs, e, death_rates), buffers=buffers)
        stamps.append(time.perf_counter())
        for name in STEPS:
            run.block(name)
            stamps.append(time.perf_counter())
        run.full()
        stamps.append(time.perf_counter())
        if k > 0:  # the first run touches the shared arrays for the first time
            for part, begin, end in zip(parts, stamps, stamps[1:]):
                times[part].append(end - begin)
    labels = {"insured": "insured and scheme (one kernel, year by year)", "scheme": "scheme (made with the insured)"}
    medians.update({labels.get(part, part): statistics.median(values) * 1e3 for part, values in times.items()})
    return ([f"one stochastic run by step (numba, pension kernels on one thread, ms, median of {repeats} runs): "
             f"total {sum(medians.values()):.1f}"]
            + [f"  {part:50s} {ms:10.2f}" for part, ms in medians.items()])


def _dask_lines(inputs, processes, runs: int, workers: int, here: float) -> list:
    """``runs`` runs on a LocalCluster of ``workers`` processes (numba), in chunks of
    :func:`~socsec.model.stochastic.chunk_size`: time with and without starting the cluster, against
    ``here`` seconds a run in this process, and the peak memory of each worker."""
    from dask.distributed import Client

    from socsec.model.stochastic import chunk_size, chunks_on, local_cluster, run_seeds

    start = time.perf_counter()
    with local_cluster(workers) as cluster, Client(cluster) as client:
        started = time.perf_counter()
        shared = client.scatter(inputs, broadcast=True, hash=False)
        list(chunks_on(client, shared, processes, run_seeds(2, 2 * workers), 1, "numba"))  # warm every worker
        warm = time.perf_counter()
        chunk = chunk_size(runs, workers)
        results = list(chunks_on(client, shared, processes, run_seeds(1, runs), chunk, "numba"))
        done = time.perf_counter()
        assert sum(len(part[0]) for _, part in results) == runs
        peaks = client.run(_peak_mb)
    seconds = done - warm
    return [f"{f'{runs} runs on {workers} Dask workers (s)':52s} {seconds:10.2f}   "
            f"({here * runs / seconds:.2f}x this process; chunks of {chunk} runs; cluster start "
            f"{started - start:.1f} s, warm-up {warm - started:.1f} s)",
            f"{'runs per minute, Dask':52s} {60 * runs / seconds:10.0f}",
            f"{'10,000 runs at that pace (s)':52s} {1e4 * seconds / runs:10.0f}",
            "peak memory of each worker: " + ", ".join(f"{mb:.0f} MB" for mb in peaks.values())]
