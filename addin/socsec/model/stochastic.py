"""Stochastic valuation: many valuations on random paths of the main assumptions (docs/methodology.md
section 11.7).

Each assumption ``v`` (:data:`VARIABLES`) deviates from its deterministic path by a first-order
autoregressive process started at 0 before the base year::

    e_v(t) = phi_v e_v(t-1) + sigma_v z_v(t),    e_v(-1) = 0,    t = 0 .. n-1

where the innovations ``z(t)`` are standard normal, independent from year to year and correlated across
assumptions within a year with the correlation matrix ``R`` (``z = L u``, ``L L' = R``, ``u`` independent
standard normal).  Closed forms used by the tests: ``E e(t) = 0``, ``Var e(t) = sigma^2 (1 - phi^(2(t+1))) /
(1 - phi^2)``, ``Cov(e(t), e(t+1)) = phi Var e(t)``.  This is the structure of the stochastic model of the
US Social Security Trustees Report (Appendix V.E: autoregressive time series for fertility, mortality
improvement, immigration, productivity, inflation, unemployment and the real interest rate) and of the
stochastic appendix of Canada's CPP actuarial reports.

How a deviation enters the inputs (:func:`stochastic_inputs`):

* fertility: TFR(t) x exp(e) (the age-specific rates scaled alike with fertility input 'asfr');
* mortality improvement: death rates m_x(t) x exp(-(e(0) + ... + e(t))) at every age and sex, e = the extra
  yearly fall of log death rates (positive: faster improvement), so mortality levels follow an integrated
  process (q_x inputs capped at 1);
* net migration: net migrants of year t at every age and sex x (1 + e);
* productivity growth: + e;  inflation: + e to both the CPI and the GDP deflator inflation;
* real investment return: + e to the real return (with a nominal return input the nominal return is
  (1 + real + e)(1 + CPI inflation of the run) - 1, so the inflation of the run passes into it);
* unemployment: + e to the rate of both sexes, kept within [0, 0.99].

Every run draws from its own random stream, spawned from the seed (``numpy.random.SeedSequence(seed)
.spawn(runs)``), so the results do not depend on the number of workers or on the chunking.  Runs are
valued in chunks (in this process, or on Dask workers: :func:`run_stochastic`); a chunk returns only the
key series and indicators of its runs (:data:`SERIES`, :func:`summary_names`), about 3 kB a run for a
76-year projection, never the full tables.
"""

import logging
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from socsec.model.frozen import read_only
from socsec.model.population import interpolate_log_mortality

VARIABLES = ("fertility", "mortality_improvement", "net_migration", "productivity_growth", "inflation",
             "real_investment_return", "unemployment")
PERCENTILES = (2.5, 10.0, 50.0, 90.0, 97.5)
SERIES = ("paygo_cost_rate", "reserve_ratio", "reserve_end", "demographic_ratio", "population")
SUMMARY_HORIZONS = (25, 50, 75)
SUMMARY_INDICATORS = ("gap", "gap_equivalent_contribution_rate", "actuarial_balance")
UNEMPLOYMENT_CAP = 0.99
# runs per task when not given (chunk_size): about TASKS_PER_WORKER tasks for each worker, of CHUNK_RANGE runs
TASKS_PER_WORKER = 8
CHUNK_RANGE = (25, 250)


@dataclass(frozen=True)
class Processes:
    """The autoregressive processes of :data:`VARIABLES` (in that order): ``autoregression`` (V,) phi,
    each in (-1, 1); ``innovation_sd`` (V,) sigma >= 0, in the units of the deviation; ``correlation``
    (V, V) of the innovations, symmetric, unit diagonal, positive semi-definite."""

    autoregression: np.ndarray
    innovation_sd: np.ndarray
    correlation: np.ndarray

    def loadings(self) -> np.ndarray:
        """L with L L' = R, from the eigen-decomposition (R may be singular: perfectly correlated
        innovations); negative eigenvalues of rounding size are set to 0."""
        values, vectors = np.linalg.eigh(np.asarray(self.correlation, dtype=np.float64))
        return vectors * np.sqrt(np.clip(values, 0.0, None))


# Illustrative defaults (orders of magnitude of the yearly volatility of these series in middle-income
# countries, not estimates for any country): (phi, sigma) by variable, and the correlations of the
# innovations: productivity with unemployment -0.4 (Okun's law), inflation with the real return -0.3.
DEFAULT_PARAMETERS = {
    "fertility": (0.8, 0.03, "log TFR: 3% a year, persistent (stationary sd 5%)"),
    "mortality_improvement": (0.3, 0.01, "1% a year of extra fall in death rates, cumulated"),
    "net_migration": (0.5, 0.3, "30% of the year's net migrants"),
    "productivity_growth": (0.5, 0.01, "1 percentage point"),
    "inflation": (0.6, 0.01, "1 percentage point"),
    "real_investment_return": (0.2, 0.05, "5 percentage points (a balanced portfolio)"),
    "unemployment": (0.7, 0.01, "1 percentage point"),
}
DEFAULT_CORRELATIONS = {("productivity_growth", "unemployment"): -0.4, ("inflation", "real_investment_return"): -0.3}


def default_processes() -> Processes:
    """The documented defaults (:data:`DEFAULT_PARAMETERS`, :data:`DEFAULT_CORRELATIONS`)."""
    correlation = np.eye(len(VARIABLES))
    for (a, b), rho in DEFAULT_CORRELATIONS.items():
        i, j = VARIABLES.index(a), VARIABLES.index(b)
        correlation[i, j] = correlation[j, i] = rho
    return Processes(np.array([DEFAULT_PARAMETERS[v][0] for v in VARIABLES]),
                     np.array([DEFAULT_PARAMETERS[v][1] for v in VARIABLES]), correlation)


def innovations(rng: np.random.Generator, processes: Processes, n: int, loadings: np.ndarray | None = None):
    """(n, V) sigma_v z_v(t) of one run, z(t) = L u(t) with u(t) drawn from ``rng`` (n x V standard normal
    numbers, year after year); ``loadings``: ``processes.loadings()`` (computed when not given)."""
    if loadings is None:
        loadings = processes.loadings()
    sigma = np.asarray(processes.innovation_sd, dtype=np.float64)
    return (rng.standard_normal((n, len(sigma))) @ loadings.T) * sigma


def autoregressive_paths(phi, shocks: np.ndarray) -> np.ndarray:
    """(..., V, n) e_v(t) = phi_v e_v(t-1) + shock_v(t), e_v(-1) = 0, from ``shocks`` (..., n, V): one run's
    or a chunk's (leading run axis), the recursion taken once over the years for all of them."""
    phi = np.asarray(phi, dtype=np.float64)
    e = np.empty(shocks.shape[:-2] + (shocks.shape[-1], shocks.shape[-2]))
    previous = np.zeros(shocks.shape[:-2] + (shocks.shape[-1],))
    for t in range(shocks.shape[-2]):
        previous = phi * previous + shocks[..., t, :]
        e[..., t] = previous
    return e


def deviations(rng: np.random.Generator, processes: Processes, n: int) -> np.ndarray:
    """(V, n) deviations e_v(t) of one run (the recursion of the module docstring)."""
    return autoregressive_paths(processes.autoregression, innovations(rng, processes, n))


def chunk_deviations(seeds, processes: Processes, n: int) -> np.ndarray:
    """(runs, V, n): :func:`deviations` of the run of each SeedSequence of ``seeds`` (the same numbers),
    the loadings and the recursion computed once for the chunk."""
    loadings = processes.loadings()
    shocks = np.stack([innovations(np.random.default_rng(seed), processes, n, loadings) for seed in seeds])
    return autoregressive_paths(processes.autoregression, shocks)


def deterministic_death_rates(inputs) -> np.ndarray:
    """The deterministic mortality input (m_x or q_x, as typed) of every projection year (n, 2, A): its
    anchor years interpolated (:func:`~socsec.model.population.interpolate_log_mortality`).  The same for
    every run: a chunk computes it once."""
    pop = inputs.population
    return interpolate_log_mortality(pop.mortality_years, pop.mortality, pop.years)


def stochastic_inputs(inputs, e: np.ndarray, death_rates: np.ndarray | None = None):
    """The inputs of one run: each assumption moved by its deviation path ``e`` (V, n) as the module
    docstring says; ``death_rates``: :func:`deterministic_death_rates` of ``inputs`` (computed when not
    given).  Zero deviations give back the deterministic values (up to rounding of a nominal investment
    return, split into its real part and inflation and put together again)."""
    fertility, mortality, migration, productivity, inflation, real_return, unemployment = e
    pop, eco = inputs.population, inputs.economy
    years = pop.years
    if death_rates is None:
        death_rates = deterministic_death_rates(inputs)
    rates = death_rates * np.exp(-np.cumsum(mortality))[:, None, None]
    if pop.mortality_kind == "qx":
        rates = np.minimum(rates, 1.0)
    if pop.fertility_input == "asfr":
        fertility_fields = {"asfr": np.asarray(pop.asfr, dtype=np.float64) * np.exp(fertility)[:, None]}
    else:
        fertility_fields = {"tfr": np.asarray(pop.tfr, dtype=np.float64) * np.exp(fertility)}
    migrants = np.asarray(pop.net_migrants, dtype=np.float64) * (1.0 + migration)[:, None, None]
    cpi = np.asarray(eco.cpi_inflation, dtype=np.float64)
    if eco.return_input == "real":
        investment_return = np.asarray(eco.investment_return, dtype=np.float64) + real_return
    else:
        real = (1.0 + np.asarray(eco.investment_return, dtype=np.float64)) / (1.0 + cpi) - 1.0
        investment_return = (1.0 + real + real_return) * (1.0 + cpi + inflation) - 1.0
    # every array below is made for this run only: locked in place, not copied by the inputs' freezing
    population = replace(pop, mortality_years=years, mortality=read_only(rates), net_migrants=read_only(migrants),
                         **{name: read_only(values) for name, values in fertility_fields.items()})
    economy = replace(eco, productivity_growth=read_only(np.asarray(eco.productivity_growth, dtype=np.float64)
                                                         + productivity),
                      cpi_inflation=read_only(cpi + inflation),
                      deflator_inflation=read_only(np.asarray(eco.deflator_inflation, dtype=np.float64) + inflation),
                      investment_return=read_only(investment_return),
                      unemployment=read_only(np.clip(np.asarray(eco.unemployment, dtype=np.float64)
                                                     + unemployment[:, None], 0.0, UNEMPLOYMENT_CAP)))
    return replace(inputs, population=population, economy=economy)


def summary_names(n: int) -> tuple:
    """(indicator, horizon, units) of the per-run summary values for a projection of ``n`` years."""
    horizons = tuple(h for h in SUMMARY_HORIZONS if h <= n)
    share = "share of insurable earnings"
    return (tuple((name, h, share) for name in SUMMARY_INDICATORS for h in horizons)
            + tuple(("reserve_depleted", h, "probability (share of runs)") for h in horizons)
            + (("checks_failed", n, "share of runs"),))


def key_results(valuation) -> tuple[np.ndarray, np.ndarray]:
    """(SERIES (S, n), summary values (K,)) of one valuation: the yearly key series and, per
    :func:`summary_names`, the indicators, 1.0 if the reserve is negative at the end of some year of the
    horizon (else 0.0), and 1.0 if a check failed."""
    finance = valuation.finance
    columns = finance.columns
    n = len(columns["year"])
    people = valuation.population.population.sum(axis=(1, 2))[:n]  # 1 January of each projection year
    series = np.array([np.broadcast_to(np.asarray(columns[s], dtype=np.float64), (n,)) if s != "population"
                       else people for s in SERIES])
    reserve = np.asarray(columns["reserve_end"], dtype=np.float64)
    values = []
    for name, h, _ in summary_names(n):
        if name == "reserve_depleted":
            values.append(float(np.any(reserve[:h] < 0.0)))
        elif name == "checks_failed":
            values.append(0.0 if valuation.master_ok else 1.0)
        else:
            values.append(finance.indicator(name, h))
    return series, np.array(values)


def value_chunk(inputs, processes: Processes, seeds, engine: str = "numba") -> tuple[np.ndarray, np.ndarray]:
    """Value the runs of ``seeds`` (one SeedSequence each), every block and check of a full valuation,
    one run after another, with the draws (:func:`chunk_deviations`), the deterministic death rates and the
    arrays of the pension projection made once for the chunk
    (:meth:`~socsec.model.pension.PensionBuffers.for_batch`; each run's key results are taken before the next
    run): (runs, S, n) series and (runs, K) summaries.  The pension projection of a run is one kernel on the
    calling thread (:func:`socsec.model.pension.project_scheme_batch`), in this process as on a Dask worker:
    the parallelism of the runs is the chunks (the kernels on numba's threads give the same numbers)."""
    from socsec.model.pension import PensionBuffers
    from socsec.model.valuation import run_valuation

    n = len(inputs.population.years)
    buffers = PensionBuffers.for_batch(inputs)
    death_rates = deterministic_death_rates(inputs)
    series = np.empty((len(seeds), len(SERIES), n))
    summary = np.empty((len(seeds), len(summary_names(n))))
    with np.errstate(all="ignore"):
        for k, e in enumerate(chunk_deviations(seeds, processes, n)):  # overflows, NaN: failed checks
            run = stochastic_inputs(inputs, e, death_rates)
            series[k], summary[k] = key_results(run_valuation(run, engine, buffers=buffers))
    return series, summary


@dataclass(frozen=True)
class StochasticResults:
    """The key series and summaries of every run, in run order, and the deterministic valuation's."""

    years: np.ndarray
    series: np.ndarray  # (runs, S, n)
    summary: np.ndarray  # (runs, K)
    deterministic_series: np.ndarray  # (S, n)
    deterministic_summary: np.ndarray  # (K,)

    def percentiles(self) -> pd.DataFrame:
        """year, indicator, p2.5 .. p97.5 and the deterministic value, for each of :data:`SERIES`."""
        q = np.percentile(self.series, PERCENTILES, axis=0)  # (P, S, n)
        frames = []
        for s, name in enumerate(SERIES):
            frame = pd.DataFrame({"year": self.years, "indicator": name})
            for p, level in enumerate(PERCENTILES):
                frame[f"p{level:g}"] = q[p, s]
            frame["deterministic"] = self.deterministic_series[s]
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def summary_table(self) -> pd.DataFrame:
        """indicator, horizon, units, deterministic, mean, p2.5 .. p97.5 of each summary value over the
        runs (the mean of a 0/1 value is the probability: of depletion within the horizon, of a failed
        check)."""
        names = summary_names(len(self.years))
        q = np.percentile(self.summary, PERCENTILES, axis=0)  # (P, K)
        table = pd.DataFrame(names, columns=["indicator", "horizon", "units"])
        table["deterministic"] = self.deterministic_summary
        table["mean"] = self.summary.mean(axis=0)
        for p, level in enumerate(PERCENTILES):
            table[f"p{level:g}"] = q[p]
        return table


def chunk_size(runs: int, workers: int = 1) -> int:
    """Runs valued per task when the caller does not say: ``runs`` shared in about :data:`TASKS_PER_WORKER`
    tasks for each of ``workers``, within :data:`CHUNK_RANGE`.  Every task costs socsec's own process, which
    holds Dask's scheduler and client, about the same whatever its runs (on the example, 2 workers: 0.34-0.42 ms
    of CPU a run in chunks of 25, 0.17-0.28 ms in chunks of 200-400, taken from the cores the workers need),
    while the last tasks leave workers idle for up to one task: a few large tasks for many runs, enough of
    them to keep every worker busy until the end (docs/methodology.md section 11.7).  The results do not
    depend on it (each run draws from its own stream)."""
    low, high = CHUNK_RANGE
    return int(min(high, max(low, math.ceil(runs / (TASKS_PER_WORKER * max(workers, 1))))))


def run_seeds(seed: int, runs: int) -> list:
    """One SeedSequence per run, spawned from ``seed``: run k draws the same numbers whatever the chunk or
    the worker that values it."""
    return np.random.SeedSequence(seed).spawn(runs)


def run_stochastic(inputs, processes: Processes, runs: int, seed: int, workers: int | None = None,
                   scheduler: str | None = None, chunk: int | None = None, engine: str = "numba",
                   progress=None) -> StochasticResults:
    """Value ``runs`` random paths of the assumptions around ``inputs``, in chunks of ``chunk`` runs (None:
    :func:`chunk_size` for the workers): in this process, or with ``workers`` on a dask.distributed
    LocalCluster (one single-threaded worker process each), or on the Dask cluster whose scheduler is at
    ``scheduler``.  ``progress(done, runs)`` is called as chunks complete.  The results are in run order, so
    they do not depend on the workers or the chunking."""
    from socsec.model.valuation import run_valuation

    seeds = run_seeds(seed, runs)
    n = len(inputs.population.years)
    series = np.empty((runs, len(SERIES), n))
    summary = np.empty((runs, len(summary_names(n))))
    done = 0

    def place(start, result):
        nonlocal done
        part_series, part_summary = result
        series[start:start + len(part_series)], summary[start:start + len(part_series)] = part_series, part_summary
        done += len(part_series)
        if progress is not None:
            progress(done, runs)

    if workers is None and scheduler is None:
        chunk = chunk or chunk_size(runs)
        for start in range(0, runs, chunk):
            place(start, value_chunk(inputs, processes, seeds[start:start + chunk], engine))
    else:
        for start, result in _on_dask(inputs, processes, seeds, chunk, engine, workers, scheduler):
            place(start, result)
    with np.errstate(all="ignore"):
        deterministic = key_results(run_valuation(inputs, engine=engine))
    return StochasticResults(inputs.population.years, series, summary, *deterministic)


# Dask settings of socsec's LocalCluster (measured on the example, 2 cores: a run took 25 ms on a worker
# with Dask's defaults, 23 ms with these, 21-22 ms in a plain process): its statistical profiler samples the
# task's stack every 10 ms and its event loops check their own health every 20 ms, both in competition
# with the runs for the GIL and the cores; a socsec task is a chunk of runs, whose own progress is shown
WORKER_SETTINGS = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s"}


def local_cluster(workers: int):
    """A dask.distributed LocalCluster of ``workers`` single-threaded worker processes, with
    :data:`WORKER_SETTINGS` and without Dask's default ``MALLOC_TRIM_THRESHOLD_`` for them: setting it fixes
    glibc's threshold for serving allocations by fresh memory maps, so every array above 128 kB a run
    allocates is mapped and its pages touched anew (about 10% of the time of a run of the example); a run's
    memory is bounded anyway (a chunk reuses its pension arrays)."""
    import dask
    from dask.distributed import LocalCluster

    environ = {key: value for key, value in dask.config.get("distributed.nanny.pre-spawn-environ").items()
               if key != "MALLOC_TRIM_THRESHOLD_"}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ, **WORKER_SETTINGS}):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                            silence_logs=logging.CRITICAL)


def _on_dask(inputs, processes, seeds, chunk, engine, workers, scheduler):
    """(start, chunk result) as the chunks complete on a LocalCluster of ``workers`` processes
    (:func:`local_cluster`) or on the cluster at ``scheduler`` (``chunk`` None: :func:`chunk_size` for the
    cluster's workers)."""
    from dask.distributed import Client

    cluster = local_cluster(workers) if scheduler is None else None
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            shared = client.scatter(inputs, broadcast=True, hash=False)  # sent to every worker once
            chunk = chunk or chunk_size(len(seeds), len(client.scheduler_info()["workers"]))
            yield from chunks_on(client, shared, processes, seeds, chunk, engine)
    finally:
        if cluster is not None:
            cluster.close()


def chunks_on(client, shared, processes, seeds, chunk, engine):
    """(first run, chunk result) of every chunk of ``chunk`` runs, valued on the Dask ``client``'s cluster,
    as they complete; ``shared``: the inputs scattered to the workers."""
    from dask.distributed import as_completed

    futures = {client.submit(value_chunk, shared, processes, seeds[start:start + chunk], engine, pure=False): start
               for start in range(0, len(seeds), chunk)}
    for future, result in as_completed(futures, with_results=True):
        yield futures[future], result
