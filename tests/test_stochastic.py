"""`socsec stochastic`: the AR(1) sampler against its closed forms, reproducibility whatever the chunking
or the number of Dask workers, zero volatility = the deterministic valuation, the command's files."""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from socsec.cli import main
from socsec.model.pension import PensionBuffers, one_thread
from socsec.model.stochastic import (PERCENTILES, SERIES, VARIABLES, Processes, autoregressive_paths,
                                     chunk_deviations, chunk_size, default_processes, deterministic_death_rates, deviations,
                                     key_results, run_seeds, run_stochastic, stochastic_inputs, value_chunk)
from socsec.model.valuation import run_valuation
from socsec.workbook.contract import STOCHASTIC_RESULT_SHEET, STOCHASTIC_TABLES
from workbook_fixtures import cell_of, edit, make_workbook, small_inputs

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx"
Q = [f"p{q:g}" for q in PERCENTILES]


def test_the_ar1_draws_have_the_closed_form_moments():
    """E e(t) = 0, Var e(t) = sigma^2 (1 - phi^(2(t+1))) / (1 - phi^2), Cov(e(t), e(t+1)) = phi Var e(t),
    Cov(e_i(0), e_j(0)) = rho sigma_i sigma_j; each within 4.5 standard errors of its estimate over N draws
    (the mean: sqrt(Var / N); a variance: Var sqrt(2 / N); a covariance of two normal variables:
    sqrt((Var_a Var_b + Cov^2) / N))."""
    phi = np.array([0.8, 0.3, 0.5, 0.5, 0.6, -0.4, 0.9])
    sigma = np.array([0.03, 0.01, 0.3, 0.01, 0.02, 0.05, 0.01])
    correlation = np.eye(7)
    correlation[3, 6] = correlation[6, 3] = -0.6
    processes = Processes(phi, sigma, correlation)
    n, draws = 6, 20000
    rng = np.random.default_rng(2024)
    e = np.stack([deviations(rng, processes, n) for _ in range(draws)])  # (N, V, n)
    t = np.arange(n)
    var = sigma[:, None] ** 2 * (1 - phi[:, None] ** (2 * (t + 1))) / (1 - phi[:, None] ** 2)
    mean = e.mean(axis=0)
    assert np.all(np.abs(mean) < 4.5 * np.sqrt(var / draws))
    sample_var = e.var(axis=0)
    assert np.all(np.abs(sample_var - var) < 4.5 * var * np.sqrt(2 / draws))
    cov = phi[:, None] * var[:, :-1]
    sample_cov = ((e[:, :, :-1] - mean[:, :-1]) * (e[:, :, 1:] - mean[:, 1:])).mean(axis=0)
    se = np.sqrt((var[:, :-1] * var[:, 1:] + cov ** 2) / draws)
    assert np.all(np.abs(sample_cov - cov) < 4.5 * se)
    cross = -0.6 * sigma[3] * sigma[6]
    sample_cross = np.mean((e[:, 3, 0] - mean[3, 0]) * (e[:, 6, 0] - mean[6, 0]))
    assert abs(sample_cross - cross) < 4.5 * np.sqrt((var[3, 0] * var[6, 0] + cross ** 2) / draws)


def test_the_recursion_by_hand_and_a_chunk_of_runs_draws_each_runs_numbers():
    """e(t) = phi e(t-1) + shock(t) by hand: phi 0.5 and -1/2 on the shocks 1, 0, 0, 2 give 1, 0.5, 0.25,
    2.125 and 1, -0.5, 0.25, 1.875; a chunk's deviations are, bit for bit, those of each run alone."""
    shocks = np.array([[1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [2.0, 2.0]])  # (n, V)
    np.testing.assert_array_equal(autoregressive_paths([0.5, -0.5], shocks),
                                  [[1.0, 0.5, 0.25, 2.125], [1.0, -0.5, 0.25, 1.875]])
    processes = default_processes()
    seeds = run_seeds(11, 4)
    chunk = chunk_deviations(seeds, processes, 9)
    assert chunk.shape == (4, len(VARIABLES), 9)
    for k, seed in enumerate(seeds):
        np.testing.assert_array_equal(chunk[k], deviations(np.random.default_rng(seed), processes, 9))


def test_a_runs_mortality_starts_from_the_interpolated_deterministic_rates():
    """Given or not, the deterministic death rates are the anchors interpolated log-linearly (anchors 2030
    and 2035: the rates of 2030 as typed, those of 2031 m_2030^0.8 m_2035^0.2), and a run with deviations e
    moves them by exp(-(e(0) + ... + e(t)))."""
    inputs = small_inputs()
    pop = inputs.population
    assert list(pop.mortality_years) == [2030, 2035] and pop.years[0] == 2030
    rates = deterministic_death_rates(inputs)
    np.testing.assert_allclose(rates[0], pop.mortality[0], rtol=1e-14)
    np.testing.assert_allclose(rates[1], pop.mortality[0] ** 0.8 * pop.mortality[1] ** 0.2, rtol=1e-13)
    n = len(pop.years)
    e = np.zeros((len(VARIABLES), n))
    e[VARIABLES.index("mortality_improvement")] = 0.01
    moved = stochastic_inputs(inputs, e, rates).population
    assert list(moved.mortality_years) == list(pop.years)
    np.testing.assert_allclose(moved.mortality, rates * np.exp(-0.01 * np.arange(1, n + 1))[:, None, None],
                               rtol=1e-14)
    np.testing.assert_array_equal(stochastic_inputs(inputs, e).population.mortality, moved.mortality)


def test_zero_volatility_gives_the_deterministic_valuation():
    inputs = small_inputs()
    quiet = Processes(np.full(7, 0.5), np.zeros(7), np.eye(7))
    results = run_stochastic(inputs, quiet, runs=3, seed=1)
    for k in range(3):
        np.testing.assert_allclose(results.series[k], results.deterministic_series, rtol=1e-12, atol=0)
        np.testing.assert_allclose(results.summary[k], results.deterministic_summary, rtol=1e-12, atol=0)
    deterministic = run_valuation(inputs).finance.columns["paygo_cost_rate"]
    np.testing.assert_array_equal(results.deterministic_series[SERIES.index("paygo_cost_rate")], deterministic)


def test_each_deviation_reaches_its_assumption():
    """A unit deviation path of one variable moves exactly the inputs the module docstring names."""
    inputs = small_inputs()
    n = len(inputs.population.years)
    e = np.zeros((len(VARIABLES), n))
    e[VARIABLES.index("productivity_growth")] = 0.01
    e[VARIABLES.index("inflation")] = 0.02
    e[VARIABLES.index("net_migration")] = 0.5
    e[VARIABLES.index("mortality_improvement"), 0] = 0.1
    moved = stochastic_inputs(inputs, e)
    eco, base = moved.economy, inputs.economy
    np.testing.assert_allclose(eco.productivity_growth, base.productivity_growth + 0.01)
    np.testing.assert_allclose(eco.cpi_inflation, base.cpi_inflation + 0.02)
    np.testing.assert_allclose(eco.deflator_inflation, base.deflator_inflation + 0.02)
    real = (1 + base.investment_return) / (1 + base.cpi_inflation)  # the real return is kept (nominal input)
    np.testing.assert_allclose((1 + eco.investment_return) / (1 + eco.cpi_inflation), real)
    np.testing.assert_allclose(moved.population.net_migrants, 1.5 * inputs.population.net_migrants)
    mx = moved.population.to_assumptions().mx
    np.testing.assert_allclose(mx, inputs.population.to_assumptions().mx * np.exp(-0.1), rtol=1e-12)
    np.testing.assert_array_equal(eco.unemployment, base.unemployment)


def test_chunking_does_not_change_the_results():
    inputs, processes = small_inputs(), default_processes()
    whole = run_stochastic(inputs, processes, runs=7, seed=11, chunk=7)
    for chunk in (1, 3):
        parts = run_stochastic(inputs, processes, runs=7, seed=11, chunk=chunk)
        np.testing.assert_array_equal(parts.series, whole.series)
        np.testing.assert_array_equal(parts.summary, whole.summary)
    other = run_stochastic(inputs, processes, runs=7, seed=12, chunk=7)
    assert not np.array_equal(other.series, whole.series)


def test_stochastic_runs_use_the_one_thread_pension_kernels(monkeypatch):
    """Every run of a chunk projects its scheme on one thread (the two passes year by year), never with the
    kernels on numba's threads (the parallelism of the runs is the chunks; the kernels on numba's threads
    give the same numbers); numba's threads are as they were after the chunk.  A single valuation uses the kernels on numba's threads when numba has two or
    more, the one-thread ones inside ``one_thread``."""
    import numba

    from socsec.core import pension as kp
    from socsec.model.pension import pension_drivers

    def refuse(*args):
        raise AssertionError("a stochastic run called a pension kernel on numba's threads")

    inputs, processes = small_inputs(), default_processes()
    threads = numba.get_num_threads()
    with monkeypatch.context() as patch:
        patch.setattr(kp, "project_insured_kernel", refuse)
        patch.setattr(kp, "project_benefits_kernel", refuse)
        series, _ = value_chunk(inputs, processes, run_seeds(3, 2))
    assert np.isfinite(series).all() and numba.get_num_threads() == threads
    with one_thread():
        assert pension_drivers("numba") == (kp.project_insured_serial, kp.project_benefits_serial)
    assert numba.get_num_threads() == threads
    if threads > 1:
        assert pension_drivers("numba") == (kp.project_insured_kernel, kp.project_benefits_kernel)
    assert pension_drivers("numpy") == (kp.project_insured_reference, kp.project_benefits_reference)


def test_runs_sharing_the_pension_buffers_equal_valuations_of_their_own():
    """A chunk values its runs one after another in the same pension arrays (PensionBuffers.for_batch, the two
    passes of the pension projection year by year): each run's results equal, bit for bit, those of a valuation
    of the run alone with arrays of its own, and those of a valuation without them (the two passes one after
    the other): bit for bit with numba (the same steps), up to rounding with numpy, with both engines (the pension kernels on one thread as in a chunk); the runs
    differ from one another, so nothing of an earlier run is left in the shared arrays."""
    inputs, processes = small_inputs(), default_processes()
    n = len(inputs.population.years)
    seeds = run_seeds(9, 4)
    for engine in ("numba", "numpy"):
        series, summary = value_chunk(inputs, processes, seeds, engine)
        for k, seed in enumerate(seeds):
            run = stochastic_inputs(inputs, deviations(np.random.default_rng(seed), processes, n))
            with one_thread():
                alone = run_valuation(run, engine, buffers=PensionBuffers.for_batch(inputs))
                two_passes = run_valuation(run, engine)
            np.testing.assert_array_equal(series[k], key_results(alone)[0])
            np.testing.assert_array_equal(summary[k], key_results(alone)[1])
            if engine == "numba":
                np.testing.assert_array_equal(series[k], key_results(two_passes)[0])
                np.testing.assert_array_equal(summary[k], key_results(two_passes)[1])
            np.testing.assert_allclose(series[k], key_results(two_passes)[0], rtol=1e-12, atol=0)
            np.testing.assert_allclose(summary[k], key_results(two_passes)[1], rtol=1e-12, atol=1e-15)
        assert not np.array_equal(series[0], series[1])
    A = np.shape(inputs.population.base_population)[-1]
    with pytest.raises(ValueError, match="buffers made for"):
        PensionBuffers(n + 1, A).insured_arrays(n, A)


def test_a_valuation_of_a_batch_projects_the_scheme_year_by_year():
    """With batch buffers the chain projects the insured with their benefits (project_scheme_batch): the
    insured block is the scheme's, without the exits of every year, which project_benefits then refuses; the
    flows by service (detail) are not available in a batch."""
    from socsec.model.chain import LazyValuation
    from socsec.model.pension import project_benefits

    inputs = small_inputs()
    run = LazyValuation(inputs, buffers=PensionBuffers.for_batch(inputs))
    assert run.insured is run.scheme.insured and run.insured.exits is None
    with pytest.raises(ValueError, match="year by year"):
        project_benefits(run.insured, inputs.pension, run.population, run.economy)
    with pytest.raises(ValueError, match="detail"):
        LazyValuation(inputs, detail=True, buffers=PensionBuffers.for_batch(inputs))


def test_one_or_two_dask_workers_give_the_results_of_this_process():
    inputs, processes = small_inputs(), default_processes()
    here = run_stochastic(inputs, processes, runs=6, seed=5, chunk=2)
    for workers, chunk in ((1, 2), (2, 2), (2, None)):  # None: chunk_size for the cluster's workers
        there = run_stochastic(inputs, processes, runs=6, seed=5, chunk=chunk, workers=workers)
        np.testing.assert_array_equal(there.series, here.series)
        np.testing.assert_array_equal(there.summary, here.summary)


def test_local_workers_keep_glibcs_own_memory_thresholds_and_run_without_dasks_profiler():
    """The LocalCluster's workers start without Dask's default MALLOC_TRIM_THRESHOLD_ (which fixes glibc's
    mmap threshold: every large array of a run mapped afresh), without Dask's statistical profiler and with a
    slower event-loop health check (WORKER_SETTINGS), and with Dask's other settings; this process keeps
    Dask's own."""
    import dask
    from dask.distributed import Client

    from socsec.model.stochastic import WORKER_SETTINGS, local_cluster

    def worker_view():  # what a worker process sees (a closure: sent to the worker by value)
        return ({key: os.environ.get(key) for key in ("MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS")},
                {key: dask.config.get(key) for key in WORKER_SETTINGS})

    with local_cluster(1) as cluster, Client(cluster) as client:
        seen = client.run(worker_view)
    ((environ, settings),) = seen.values()
    assert environ["MALLOC_TRIM_THRESHOLD_"] is None
    assert environ["OMP_NUM_THREADS"] == str(dask.config.get("distributed.nanny.pre-spawn-environ")["OMP_NUM_THREADS"])
    assert "MALLOC_TRIM_THRESHOLD_" in dask.config.get("distributed.nanny.pre-spawn-environ")  # Dask's own, untouched
    assert settings == {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s"}
    assert dask.config.get("distributed.worker.profile.enabled") is True  # this process: Dask's default


def run_example(tmp_path, runs: int, *extra) -> tuple[pd.DataFrame, pd.DataFrame, Path]:
    out, csv = tmp_path / "st.xlsx", tmp_path / "csv"
    assert main(["stochastic", str(EXAMPLE), "--runs", str(runs), "--seed", "7", "-o", str(out), "--csv", str(csv),
                 *extra]) == 0
    return pd.read_csv(csv / "stochastic_percentiles.csv"), pd.read_csv(csv / "stochastic_summary.csv"), out


def check_example(percentiles, summary):
    """Percentiles ordered; the median PAYG cost rate of the final year within 10% of the deterministic one;
    probabilities between 0 and 1."""
    assert list(percentiles.columns) == ["year", "indicator"] + Q + ["deterministic"]
    assert set(percentiles["indicator"]) == set(SERIES)
    values = percentiles[Q].to_numpy()
    assert np.all(np.diff(values, axis=1) >= 0)
    final = percentiles[(percentiles["indicator"] == "paygo_cost_rate")].iloc[-1]
    assert final["p50"] == pytest.approx(final["deterministic"], rel=0.10)
    assert {"gap", "gap_equivalent_contribution_rate", "actuarial_balance", "reserve_depleted"} <= set(
        summary["indicator"])
    assert set(summary.loc[summary["indicator"] == "gap", "horizon"]) == {25, 50, 75}
    depleted = summary[summary["indicator"] == "reserve_depleted"]["mean"]
    assert depleted.between(0, 1).all() and depleted.is_monotonic_increasing


def test_example_command_writes_ordered_percentiles_and_fan_charts(tmp_path):
    """One short run of the command (reproducibility: the chunking and workers tests above, and the slow
    test below with the issue's 400 runs)."""
    percentiles, summary, out = run_example(tmp_path, 16)
    check_example(percentiles, summary)
    ws = load_workbook(out)[STOCHASTIC_RESULT_SHEET]
    assert len(ws._charts) == len(SERIES)
    assert all(chart.tagname == "lineChart" and len(chart.series) == len(Q) + 1 for chart in ws._charts)


@pytest.mark.slow
def test_example_400_runs_identical_twice_and_on_two_workers(tmp_path):
    """The issue's check: --runs 400 --seed 7 twice and with --workers 2."""
    first, summary, _ = run_example(tmp_path / "a", 400)
    second, _, _ = run_example(tmp_path / "b", 400)
    workers, _, _ = run_example(tmp_path / "c", 400, "--workers", "2")
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    pd.testing.assert_frame_equal(first, workers, check_exact=True)
    check_example(first, summary)


def test_bad_processes_are_named_by_cell(tmp_path, capsys):
    path = make_workbook(tmp_path / "in.xlsx")
    processes, correlations = (spec.name for spec in STOCHASTIC_TABLES)
    phi = cell_of(path, processes, 1, 1)
    asymmetric = cell_of(path, correlations, 4, 7)
    edit(path, {phi: 1.2, asymmetric: 0.1})
    code = main(["stochastic", str(path), "--runs", "2"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"sheet 'Stochastic', cell {phi[1]}" in err and "autoregression must be between" in err
    assert f"cell {asymmetric[1]}" in err and "symmetric" in err


def test_inconsistent_correlations_are_refused(tmp_path, capsys):
    path = make_workbook(tmp_path / "in.xlsx")
    correlations = STOCHASTIC_TABLES[1].name
    changes = {}
    for i, j, rho in ((1, 2, 0.9), (1, 3, 0.9), (2, 3, -0.9)):  # no three variables can be so correlated
        changes[cell_of(path, correlations, i, j)] = rho
        changes[cell_of(path, correlations, j, i)] = rho
    edit(path, changes)
    assert main(["stochastic", str(path), "--runs", "2"]) == 2
    assert "not positive semi-definite" in capsys.readouterr().err


def test_bad_options_are_usage_errors(capsys):
    assert main(["stochastic", str(EXAMPLE), "--runs", "0", "--seed", "-1"]) == 2
    err = capsys.readouterr().err
    assert "--runs" in err and "--seed" in err


def test_bench_dask_runs_needs_the_workers(capsys):
    """`socsec bench --dask-runs` means runs on Dask workers: alone, or not a positive number, it is a usage
    error, not silently ignored."""
    assert main(["bench", "--stochastic", "--dask-runs", "10"]) == 2
    assert "--dask-runs" in capsys.readouterr().err
    assert main(["bench", "--stochastic", "--workers", "2", "--dask-runs", "0"]) == 2
    assert "--dask-runs" in capsys.readouterr().err
    assert main(["bench", "--dask-runs", "-1"]) == 2  # both problems, at once
    err = capsys.readouterr().err
    assert "used only with --stochastic --workers" in err and "at least 1, found -1" in err


@pytest.mark.parametrize("runs, workers, chunk", [
    (10000, 2, 250),  # 10000 / 16 = 625, at most 250
    (2000, 2, 125),  # 2000 / 16
    (2001, 2, 126),  # rounded up: no ninth small chunk per worker
    (400, 2, 25),  # 400 / 16
    (100, 2, 25),  # 100 / 16 = 6.25, at least 25
    (3, 1, 25),
    (100000, 64, 196),  # 100000 / 512 = 195.3
    (5000, 0, 250),  # a cluster without workers yet counts as one
])
def test_default_chunks_are_about_eight_per_worker_of_25_to_250_runs(runs, workers, chunk):
    assert chunk_size(runs, workers) == chunk


def test_the_benchmark_times_every_step_of_a_run():
    """`socsec bench --stochastic` shows where one run's time goes: the draws, the run's inputs, each step of
    the chain in its order (the insured made with the scheme, as in a batch) and the checks, each with a time
    of at least 0 (no timing is asserted)."""
    from socsec.model.benchmark import _run_by_block
    from socsec.model.chain import STEPS

    lines = _run_by_block(small_inputs(), default_processes(), 2)
    parts = [line.split() for line in lines[1:]]
    steps = [{"insured": "insured and scheme (one kernel, year by year)",
              "scheme": "scheme (made with the insured)"}.get(name, name) for name in STEPS]
    assert [" ".join(p[:-1]) for p in parts] == ["draws (a chunk's, per run)", "inputs", *steps, "checks"]
    assert all(float(p[-1]) >= 0.0 for p in parts)
