"""Command line: ``socsec run``, ``socsec report``, ``socsec solve``, ``socsec workbook build``,
``socsec sensitivity``, ``socsec stochastic``, ``socsec warmup``, ``socsec bench``, ``socsec doctor``,
``socsec excel vba``.

Exit codes: 0 success; 2 bad input or usage (message names file, sheet and cell), or a command whose
extra is not installed (the message names it: :mod:`socsec.extras`); 3 results written but
a check failed (see the Checks sheet); 4 the results cannot be written where asked (output path or
environment: a folder where a file is expected, no permission, a full disk); 1 internal error;
130 interrupted.  ``--debug`` shows the traceback of any error.
"""

import argparse
import shlex
import sys
import time
from pathlib import Path

from socsec.extras import MissingExtra, require

EXAMPLE_PATH = Path("workbooks") / "jordan_example.xlsx"
TEMPLATE_PATH = Path("workbooks") / "template.xlsx"
_WRITTEN: list = []  # what the current run has written so far (for a truthful message when interrupted)


def _progress(message: str):
    print(message, file=sys.stderr, flush=True)


def _announce_compilation():
    """Before the first projection on a machine: say that numba compiles the kernels once (its on-disk
    cache is empty or stale), which takes 20-60 s with no other sign of life."""
    from socsec.excel.doctor import kernel_cache_state
    try:
        cached, missing, _ = kernel_cache_state()
    except Exception:  # the cache state is unknown: nothing to announce
        return
    if missing:
        _progress(f"First run: compiling the numerical core once ({len(missing)} of {len(cached) + len(missing)} "
                  "kernels, about 20-60 s; later runs reuse the compiled code; `socsec warmup` does it ahead) ...")


def _projecting(message: str):
    """The progress line before a projection, after the notice of a first compilation."""
    _announce_compilation()
    _progress(message)


def default_output(input_path: Path) -> Path:
    return input_path.with_name(f"{input_path.stem}_results{input_path.suffix or '.xlsx'}")


def check_output_file(out_path: Path, in_path: Path, default: bool):
    """Before anything is projected: the results workbook may be written at ``out_path``.  Usage problems
    (the input itself, not .xlsx/.xlsm, an existing file that is not a socsec results workbook) are input
    errors; a path that cannot be written (a folder, no permission) is an OutputError."""
    from socsec.errors import InputError, OutputError, Problem
    from socsec.workbook import results as res

    if in_path.exists() and out_path.exists() and out_path.resolve() == in_path.resolve():
        raise InputError([Problem(str(out_path), "the output must be a new file: a run never "
                                                 "overwrites its input workbook")])
    if out_path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError([Problem(str(out_path), "the output must be an .xlsx or .xlsm file")])
    if out_path.is_dir():
        raise OutputError(f"{out_path} is a folder: give the name of the results workbook")
    if out_path.exists() and not res.is_results_workbook(out_path):
        hint = "choose another name with -o" if default else "choose another name"
        raise InputError([Problem(str(out_path), f"exists and is not a socsec results workbook (never replaced); "
                                                 f"{hint}")])
    _check_writable(out_path.parent)


def check_csv_folder(folder: Path, out_path: Path, files: tuple = ()):
    """Before anything is projected: the CSV set may replace ``folder`` as a whole (it is new, empty or
    holds only an earlier CSV set and the results workbook ``out_path``), is not the current folder, and
    its parent folder can be written.  ``files``: the names of the set (default: those of ``socsec run``)."""
    from socsec.errors import OutputError

    if folder.exists() and not folder.is_dir():
        raise OutputError(f"--csv {folder}: is a file, not a folder")
    if folder.is_dir():
        if Path.cwd().resolve().is_relative_to(folder.resolve()):
            raise OutputError(f"--csv {folder}: is the current folder (or holds it); the CSV set replaces its folder "
                              "as a whole: choose a new folder")
        from socsec.api import CSV_FILES

        mine = set(files or CSV_FILES) | ({out_path.name} if out_path.resolve().parent == folder.resolve() else set())
        others = sorted(p.name for p in folder.iterdir() if p.name not in mine)
        if others:
            raise OutputError(f"--csv {folder}: the folder holds other files ({', '.join(others[:5])}"
                              f"{', ...' if len(others) > 5 else ''}); the CSV set replaces the folder as a whole: "
                              "choose a new or empty folder")
    _check_writable(folder.parent)


def _check_writable(folder: Path):
    """The nearest existing folder on the way to ``folder`` is a folder socsec may write into."""
    import tempfile

    from socsec.errors import OutputError

    existing = folder.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"cannot write into {folder}: {existing} is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write into {existing}: {exc.strerror or exc}") from None


def cmd_run(args) -> int:
    from socsec.errors import OutputError

    started = time.perf_counter()
    _WRITTEN.clear()
    in_path = Path(args.workbook)
    out_path = Path(args.output) if args.output else default_output(in_path)
    check_output_file(out_path, in_path, default=not args.output)
    if args.csv:
        check_csv_folder(Path(args.csv), out_path)
    _progress(f"Reading {in_path} ...")
    model, pairs = load_with_options(in_path, args)
    population = model.inputs.population
    import socsec
    valuation = valued(model, pairs, args, lambda chosen: _projecting(
        f"Projecting {population.country} {population.base_year}-{population.final_year}"
        f"{' and ' + str(len(chosen)) + ' scenario(s)' if chosen else ''} ..."))
    if model.scenarios and not args.compare:
        _progress(f"The Scenarios sheet has {len(model.scenarios)} scenario(s): --compare values them all "
                  "and writes the comparison (sheet Results scenarios, scenarios.csv with --csv)")
    _progress(f"Writing {out_path} ...")
    info = valuation.run_info(out_path, command=command_line(args))
    try:
        if args.csv:  # first: the CSV set replaces its folder as a whole, which may be the workbook's
            _progress(f"Writing CSV files to {args.csv} ...")
            valuation.to_csv(Path(args.csv), info)
            _WRITTEN.append(f"{args.csv} ({len(socsec.api.CSV_FILES)} CSV files)")
        valuation.to_excel(out_path, info)
        _WRITTEN.append(str(out_path))
    except OSError as exc:
        raise OutputError(f"could not write {exc.filename or out_path}: {exc.strerror or exc}") from None
    result = valuation.result
    summary = result.population.summary
    pop = result.population.population.sum(axis=(1, 2))
    labour = result.economy.labour_summary
    cost = result.pension.summary["paygo_cost_rate"]
    print(f"socsec {socsec.__version__}: {population.country} {population.base_year}-{population.final_year}: "
          f"population {pop[0] / 1e6:.3f} M (1 Jan {population.base_year}) -> {pop[-1] / 1e6:.3f} M "
          f"(1 Jan {population.final_year + 1}), TFR {summary['tfr'].iloc[0]:.2f}, employment "
          f"{labour['employed'].iloc[0] / 1e6:.3f} M -> {labour['employed'].iloc[-1] / 1e6:.3f} M, PAYG cost "
          f"rate {_percent(cost.iloc[0])} -> {_percent(cost.iloc[-1])}; {_verdict(result, valuation.warnings)}; "
          f"results in {out_path} ({time.perf_counter() - started:.1f} s)")
    if not result.master_ok:
        for check in result.checks:
            if not check.ok:
                where = f"; worst: {check.where}" if check.where else ""
                print(f"WARNING: check failed: {check.name}: {check.value:g} ({check.description}{where})",
                      file=sys.stderr)
        return 3
    return 0


def load_with_options(in_path: Path, args) -> tuple:
    """The validated model of the workbook (:func:`socsec.load`) and the ``--set`` pairs; problems of the
    workbook and of ``--set`` are reported together."""
    from socsec import api
    from socsec.errors import InputError

    try:
        model = api.load(in_path)
    except InputError as exc:
        raise InputError(exc.problems + set_problems(args.set)) from None
    problems = [p for p in (model.unknown_scenario(getattr(args, "scenario", None)),) if p]
    pairs = ()
    try:
        pairs = parse_set(args.set)
    except InputError as exc:
        problems = exc.problems + problems
    if problems:
        raise InputError(problems)
    return model, pairs


def valued(model, pairs: tuple, args, on_checked=None):
    """The valuation of the base or ``--scenario`` (with ``--compare`` every scenario) with the ``--set``
    overrides, after checking them and the inputs they make (``on_checked(chosen)`` then); the input
    warnings printed once each."""
    valuation = model.run_overrides(pairs, args.scenario, getattr(args, "compare", False), args.engine, "--set",
                                    on_checked)
    for warning in valuation.warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    return valuation


def _percent(value: float) -> str:
    """A rate for the summary line; an absurd or undefined one is named, not printed with 40 digits."""
    import math
    if not math.isfinite(value):
        return "not computable"
    return f"{value:.1%}" if abs(value) < 100 else f"{value:.3g} (over 10,000%)"


def _verdict(valuation, warnings) -> str:
    if not valuation.master_ok:
        return "checks FAILED"
    return f"checks passed with {len(warnings)} input warning(s) (see the Log)" if warnings else "checks OK"


def command_line(args) -> str:
    """The command as typed (program name and arguments), for the Cover and the Log."""
    return " ".join(["socsec"] + [shlex.quote(a) for a in args.argv])


def set_problems(assignments) -> list:
    """Problems of ``--set NAME=VALUE`` that need no inputs (syntax, unknown names, values out of range)."""
    from socsec.errors import InputError

    try:
        parse_set(assignments)
    except InputError as exc:
        return exc.problems
    return []


def parse_set(assignments) -> tuple:
    """The ``--set NAME=VALUE`` pairs, checked against the override registry (names, values in range):
    input errors.  The inputs each override makes are checked when the model is run."""
    from socsec.errors import InputError, Problem
    from socsec.model.overrides import OverrideError, checked_values

    pairs, problems = [], []
    for text in assignments or ():
        name, sep, value = text.partition("=")
        try:
            if not sep:
                raise ValueError
            pairs.append((name.strip(), float(value)))
        except ValueError:
            problems.append(Problem(f"--set {text}", "expected NAME=VALUE with a number as VALUE"))
    try:
        checked_values(pairs)
    except OverrideError as exc:
        problems.append(Problem("--set", str(exc)))
    if problems:
        raise InputError(problems)
    return tuple(pairs)


SENSITIVITY_CSV_FILES = ("sensitivity.csv", "run_info.csv")
STOCHASTIC_CSV_FILES = ("stochastic_percentiles.csv", "stochastic_summary.csv", "run_info.csv")


def _batch_output(args, suffix: str, files: tuple) -> tuple[Path, Path]:
    """(input, results workbook) paths of a batch command, checked before anything is valued as for
    ``socsec run`` (default output ``IN_{suffix}.xlsx``); the CSV folder too."""
    in_path = Path(args.workbook)
    out_path = Path(args.output) if args.output else in_path.with_name(f"{in_path.stem}_{suffix}.xlsx")
    check_output_file(out_path, in_path, default=not args.output)
    if args.csv:
        check_csv_folder(Path(args.csv), out_path, files)
    return in_path, out_path


def _write_batch(args, in_path, out_path, model, valuation, message, sheet, tables: dict):
    """Write the results workbook (the base valuation's result sheets and the batch command's ``sheet``)
    and, with ``--csv``, the CSV files ``tables`` (name -> DataFrame) and run_info.csv, atomically."""
    import dataclasses

    import pandas as pd

    from socsec.atomic import atomic_folder, write_csv
    from socsec.errors import OutputError
    from socsec.workbook import results as res

    _WRITTEN.clear()
    info = dataclasses.replace(valuation.run_info(out_path, command=command_line(args)), message=message)
    _progress(f"Writing {out_path} ...")
    try:
        if args.csv:
            with atomic_folder(Path(args.csv)) as tmp:
                for name, frame in tables.items():
                    write_csv(frame, tmp / name)
                write_csv(pd.DataFrame(res.provenance(info), columns=["item", "value"]), tmp / "run_info.csv")
            _WRITTEN.append(f"{args.csv} ({len(tables) + 1} CSV files)")
        res.write_results_workbook(model.book.workbook, out_path, valuation.result, info, extents=model.extents,
                                   extra_sheet=sheet)
        _WRITTEN.append(str(out_path))
    except OSError as exc:
        raise OutputError(f"could not write {exc.filename or out_path}: {exc.strerror or exc}") from None


def cmd_sensitivity(args) -> int:
    """One parameter at a time to its low and high value (Sensitivity sheet): sensitivity.csv and the sheet
    Results sensitivity with tornado charts (:mod:`socsec.model.sensitivity`)."""
    import numpy as np

    from socsec import api
    from socsec.model.sensitivity import run_sensitivity
    from socsec.workbook.batch_inputs import read_sensitivity
    from socsec.workbook.batch_results import write_sensitivity_sheet

    started = time.perf_counter()
    in_path, out_path = _batch_output(args, "sensitivity", SENSITIVITY_CSV_FILES)
    _progress(f"Reading {in_path} ...")
    model = api.load(in_path)
    rows = read_sensitivity(model.book, model.inputs, in_path.name)
    _progress(f"Valuing {len(rows)} parameter(s) at their low and high values ({2 * len(rows) + 1} valuations) ...")
    valuation = model.run(engine=args.engine)
    for warning in valuation.warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    with np.errstate(all="ignore"):
        table, failed = run_sensitivity(model.inputs, rows, engine=args.engine)
    for (parameter, side), names in failed.items():
        print(f"WARNING: {parameter} at its {side} value: check(s) failed: {', '.join(names)}", file=sys.stderr)
    message = (f"sensitivity of {len(rows)} parameter(s); " + ("all checks passed" if valuation.master_ok and
               not failed else f"checks failed in {len(failed) + (not valuation.master_ok)} valuation(s)"))
    _write_batch(args, in_path, out_path, model, valuation, message,
                 lambda wb: write_sensitivity_sheet(wb, table, rows), {"sensitivity.csv": table})
    print(f"sensitivity of {len(rows)} parameter(s) on {len(table) // max(len(rows), 1)} key indicators: "
          f"{'checks OK' if valuation.master_ok and not failed else 'checks FAILED'}; results in {out_path} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0 if valuation.master_ok and not failed else 3


def cmd_stochastic(args) -> int:
    """Random paths of the assumptions (Stochastic sheet), valued here or on Dask: stochastic_percentiles.csv,
    stochastic_summary.csv and the sheet Results stochastic with fan charts (:mod:`socsec.model.stochastic`)."""
    from socsec import api
    from socsec.errors import InputError, Problem
    from socsec.model.stochastic import run_stochastic
    from socsec.workbook.batch_inputs import read_stochastic
    from socsec.workbook.batch_results import write_stochastic_sheet

    if args.workers or args.scheduler:
        require("dask", f"socsec stochastic {'--workers' if args.workers else '--scheduler'}")
    problems = [Problem(f"--{name}", f"expected a whole number of at least 1, found {value}")
                for name, value in (("runs", args.runs), ("chunk", args.chunk), ("workers", args.workers))
                if value is not None and value < 1]
    if args.seed < 0:
        problems.append(Problem("--seed", f"expected a whole number of at least 0, found {args.seed}"))
    if problems:
        raise InputError(problems)
    started = time.perf_counter()
    in_path, out_path = _batch_output(args, "stochastic", STOCHASTIC_CSV_FILES)
    _progress(f"Reading {in_path} ...")
    model = api.load(in_path)
    processes = read_stochastic(model.book, in_path.name)
    where = (f"on {args.workers} Dask worker(s)" if args.workers else
             f"on the Dask cluster at {args.scheduler}" if args.scheduler else "in this process")
    _progress(f"Valuing {args.runs} runs (seed {args.seed}) {where} ...")
    valuation = model.run(engine=args.engine)
    for warning in valuation.warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    results = run_stochastic(model.inputs, processes, args.runs, args.seed, workers=args.workers,
                             scheduler=args.scheduler, chunk=args.chunk, engine=args.engine, progress=_progress_bar)
    summary = results.summary_table()
    failed_runs = int(round(float(summary.loc[summary["indicator"] == "checks_failed", "mean"].iloc[0]) * args.runs))
    if failed_runs:
        print(f"WARNING: a check failed in {failed_runs} of {args.runs} runs (extreme paths: see checks_failed in "
              "stochastic_summary.csv)", file=sys.stderr)
    message = f"stochastic: {args.runs} runs, seed {args.seed}; " + (
        "all checks passed" if valuation.master_ok else "some checks failed: see Checks") + (
        f"; checks failed in {failed_runs} run(s)" if failed_runs else "")
    _write_batch(args, in_path, out_path, model, valuation, message,
                 lambda wb: write_stochastic_sheet(wb, results, args.runs, args.seed),
                 {"stochastic_percentiles.csv": results.percentiles(), "stochastic_summary.csv": summary})
    print(f"stochastic valuation: {args.runs} runs, seed {args.seed}, {where}; "
          f"{'checks OK' if valuation.master_ok else 'checks FAILED'}; results in {out_path} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0 if valuation.master_ok else 3


def _progress_bar(done: int, total: int):
    """A progress bar on the error stream, redrawn in place: [#####.....] done/total runs."""
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done >= total else ""
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} runs", end=end, file=sys.stderr, flush=True)


def cmd_solve(args) -> int:
    """Solve for one parameter (bisection) and print the value, the target reached, the iterations."""
    from socsec.errors import InputError, Problem
    from socsec.model.overrides import OverrideError
    from socsec.model.scenarios import SolveError, scenario_inputs, solve_for

    in_path = Path(args.workbook)
    model, pairs = load_with_options(in_path, args)
    _, warnings = model.checked_options(args.scenario, pairs, label="--set")
    for warning in model.warnings + warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    level = args.level if args.level is not None else (1.0 if args.target == "min_reserve_ratio" else 0.0)
    scenario = next((s for s in model.scenarios if s.name == args.scenario), None)
    inputs = scenario_inputs(model.inputs, scenario, pairs)
    horizon = args.horizon or len(inputs.population.years)
    _announce_compilation()
    _progress(f"Solving for {args.parameter} ({args.target}, {horizon} years) ...")
    try:
        solution = solve_for(inputs, args.parameter, args.target, horizon, level=level, low=args.low,
                             high=args.high, tolerance=args.tolerance, engine=args.engine)
    except (SolveError, OverrideError) as exc:
        raise InputError([Problem("solve", str(exc))]) from None
    what = ("lowest reserve ratio" if args.target == "min_reserve_ratio" else
            "(reserve + PV income - PV expenditure) / PV insurable earnings")
    print(f"{args.parameter} = {solution.value:.6g}: {what} over {horizon} years = {solution.achieved:.6g} "
          f"(target >= {level:g}), found in {solution.iterations} valuations")
    return 0


def cmd_report(args) -> int:
    """Value the workbook (base, ``--scenario``, ``--compare``, ``--set`` as for ``socsec run``) and
    write the draft valuation report (:mod:`socsec.report`)."""
    import dataclasses

    require("report", "socsec report")
    from socsec.report import ReportContext, check_report_path, default_report_path, input_sources, write_report

    started = time.perf_counter()
    in_path = Path(args.workbook)
    out_path = Path(args.output) if args.output else default_report_path(in_path)
    check_report_path(out_path, named=bool(args.output))
    _progress(f"Reading {in_path} ...")
    model, pairs = load_with_options(in_path, args)
    valuation = valued(model, pairs, args, lambda chosen: _projecting(
        f"Projecting{' and ' + str(len(chosen)) + ' scenario(s)' if chosen else ''} ..."))
    result = valuation.result
    info = dataclasses.replace(
        valuation.run_info(out_path, command=command_line(args)), versions=_report_versions(),
        message="all checks passed" if result.master_ok else "some checks failed: see the Annex")
    _progress(f"Writing {out_path} ...")
    context = ReportContext(result, info, in_path.name, tuple(model.scenarios), valuation.compared or {},
                            input_sources(model.book), args.scenario)
    write_report(out_path, context)
    population = model.inputs.population
    print(f"report of {population.country} {population.base_year}-{population.final_year}: checks "
          f"{'OK' if result.master_ok else 'FAILED'}; written to {out_path} ({time.perf_counter() - started:.1f} s)")
    return 0 if result.master_ok else 3


def _report_versions() -> str:
    import docx
    import matplotlib

    from socsec.api import versions
    return f"{versions()}; python-docx {docx.__version__}; matplotlib {matplotlib.__version__}"


def cmd_build(args) -> int:
    from socsec.errors import InputError, Problem
    from socsec.workbook.build import build_workbook, template_inputs

    if args.which != "template":
        require("prep", f"socsec workbook build {args.which}")
    if args.which == "country":
        path = _build_country(args)
    elif args.iso3 or args.wpp or args.base_year or args.final_year:
        raise InputError([Problem("socsec workbook build", f"ISO3, --wpp, --base-year and --final-year are for "
                                                           f"'build country', not 'build {args.which}'")])
    elif args.which == "example":
        from socsec.model.example_jordan import example_workbook
        made = example_workbook()
        path = build_workbook(made.inputs, args.output or EXAMPLE_PATH, sources=made.sources,
                              cover_notes=made.cover_notes, scenarios=made.scenarios)
    else:
        path = build_workbook(template_inputs(), args.output or TEMPLATE_PATH,
                              cover_notes=("Empty template: fill in every blue-on-yellow input cell and "
                                           "state its source.",))
    print(f"wrote {path}")
    return 0


def _build_country(args) -> Path:
    """``socsec workbook build country ISO3 --wpp DIR``: a runnable workbook for any country of a WPP 2024
    extract; an existing file is never replaced (it may hold the user's work)."""
    from socsec.errors import InputError, Problem
    from socsec.model.country import country_workbook
    from socsec.model.wpp import read_country
    from socsec.workbook.build import build_workbook

    problems = []
    if not args.iso3:
        problems.append(Problem("socsec workbook build country", "expected the ISO3 code of the country, e.g. GHA"))
    if not args.wpp:
        problems.append(Problem("socsec workbook build country", "expected --wpp DIR, the folder of the UN WPP 2024 "
                                                                 "extract files (docs/wpp_extract.md)"))
    out = Path(args.output or f"{(args.iso3 or 'country').upper()}.xlsx")
    if out.suffix.lower() != ".xlsx":
        problems.append(Problem(str(out), "expected a workbook name ending in .xlsx"))
    if out.exists():
        problems.append(Problem(str(out), "exists: a new country workbook never replaces a file (it may hold your "
                                          "work); give another name with -o or move the file"))
    profile = None
    if args.profile:
        from socsec.model.profiles import read_profile
        try:
            profile = read_profile(args.profile)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    country = read_country(args.wpp, args.iso3)
    _announce_compilation()
    _progress(f"Building the inputs of {country.name} ({country.iso3}) from {args.wpp}"
              f"{' with the profile ' + args.profile if profile else ''} ...")
    made = country_workbook(country, args.base_year or 2025, args.final_year or 2100,
                            *((profile.economy, profile.scheme, profile.cover_notes) if profile else ()))
    return build_workbook(made.inputs, out, sources=made.sources, cover_notes=made.cover_notes,
                          scenarios=made.scenarios)


def cmd_warmup(args) -> int:
    """Compile (or load from numba's cache) every kernel once."""
    require("prep", "socsec warmup")
    started = time.perf_counter()
    from socsec.model.warmup import warm_up
    warm_up()
    print(f"numba kernels ready ({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_bench(args) -> int:
    from socsec.errors import InputError, Problem

    require("excel" if args.udf else "prep", f"socsec bench{' --udf' if args.udf else ''}")
    problems = []  # every problem of the options at once
    if args.dask_runs is not None and not (args.stochastic and args.workers):
        problems.append(Problem("--dask-runs", "used only with --stochastic --workers K"))
    if args.dask_runs is not None and args.dask_runs < 1:
        problems.append(Problem("--dask-runs", f"expected a whole number of at least 1, found {args.dask_runs}"))
    if problems:
        raise InputError(problems)
    if args.stochastic and args.workers:
        require("dask", "socsec bench --stochastic --workers")
    if args.udf:
        from socsec.excel.bench import run_udf_benchmark
        print(run_udf_benchmark(args.workbook, size=args.size, through_xlwings=args.xlwings, rounds=args.rounds))
        return 0
    if args.stochastic:
        from socsec.model.benchmark import run_stochastic_benchmark
        print(run_stochastic_benchmark(runs=args.runs, workers=args.workers, repeats=args.repeats,
                                       dask_runs=args.dask_runs))
        return 0
    from socsec.model.benchmark import run_benchmark
    print(run_benchmark(repeats=args.repeats))
    return 0


def cmd_doctor(args) -> int:
    from socsec.excel.doctor import report, run_checks
    text, code = report(run_checks())
    print(text)
    return code


def cmd_excel_addin(args) -> int:
    """Write socsec.xlam (:mod:`socsec.excel.addin`)."""
    require("excel", "socsec excel addin")
    from socsec.excel import addin
    print(f"wrote {addin.build_addin(args.output or addin.ADDIN_PATH)}")
    return 0


def cmd_excel_vba(args) -> int:
    """Write (or with --check compare) the VBA module xlwings generates for socsec.excel.udfs."""
    require("excel", "socsec excel vba")
    from socsec.excel import xlcall
    text, _ = xlcall.generate_vba()
    path = xlcall.VBA_MODULE_PATH
    if args.check:
        current = path.read_bytes().decode("utf-8") if path.exists() else None
        if current != text:
            print(f"{path} differs from what xlwings generates: run `socsec excel vba`", file=sys.stderr)
            return 3
        print(f"{path} is current")
        return 0
    from socsec.atomic import atomic_path
    with atomic_path(path) as tmp:
        tmp.write_bytes(text.encode("utf-8"))
    print(f"wrote {path}")
    return 0


def _engine_and_debug(parser, engine_help=argparse.SUPPRESS):
    """The options every valuing command takes: ``--engine`` (numba kernels or the numpy reference twins;
    hidden unless ``engine_help``) and ``--debug`` after the command (as before it: the traceback)."""
    parser.add_argument("--engine", choices=("numba", "numpy"), default="numba", help=engine_help)
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socsec", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show the traceback of any error")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="validate a workbook, project, write a new results workbook")
    run.add_argument("workbook", help="input workbook (.xlsx/.xlsm); never modified")
    run.add_argument("-o", "--output", help="results workbook (default: INPUT_results.xlsx next to the input)")
    run.add_argument("--csv", metavar="DIR", help="also write one long-format CSV per result table")
    run.add_argument("--scenario", metavar="NAME", help="make this scenario of the Scenarios sheet the main result")
    run.add_argument("--compare", action="store_true",
                     help="also value every scenario of the Scenarios sheet and compare them side by side "
                          "(indicators.csv and scenarios.csv with --csv)")
    run.add_argument("--set", metavar="NAME=VALUE", action="append",
                     help="override one input for this run (repeatable), e.g. --set contribution_rate=0.2")
    _engine_and_debug(run, "numerical engine: numba kernels (default) or the numpy reference twins")
    run.set_defaults(func=cmd_run)

    report = sub.add_parser("report", help="value a workbook and write a draft valuation report (.docx)")
    report.add_argument("workbook", help="input or results workbook (.xlsx/.xlsm); never modified")
    report.add_argument("-o", "--output", help="report (.docx; default: INPUT_report.docx next to the input, "
                                               "never replacing a draft someone has edited)")
    report.add_argument("--scenario", metavar="NAME", help="report on this scenario of the Scenarios sheet")
    report.add_argument("--compare", action="store_true",
                        help="also value every scenario of the Scenarios sheet and compare them in section 7")
    report.add_argument("--set", metavar="NAME=VALUE", action="append", help="override one input (repeatable)")
    _engine_and_debug(report)
    report.set_defaults(func=cmd_report)

    solve = sub.add_parser("solve", help="find the value of one parameter that meets a financing target")
    solve.add_argument("workbook", help="input workbook (.xlsx/.xlsm); never modified")
    solve.add_argument("--parameter", default="contribution_rate",
                       help="a parameter of the Scenarios sheet list (default contribution_rate)")
    solve.add_argument("--target", choices=("min_reserve_ratio", "gap_equilibrium"), default="min_reserve_ratio",
                       help="min_reserve_ratio: reserve ratio >= LEVEL every year of the horizon; "
                            "gap_equilibrium: income covers expenditure over the horizon")
    solve.add_argument("--level", type=float,
                       help="min_reserve_ratio: the reserve ratio to keep, years of expenditure (default 1); "
                            "gap_equilibrium: the surplus to keep, share of insurable earnings (default 0)")
    solve.add_argument("--horizon", type=int, help="years from the base year (default: all)")
    solve.add_argument("--low", type=float, help="lower end of the search (default: the parameter's bound)")
    solve.add_argument("--high", type=float, help="upper end of the search (default: the parameter's bound)")
    solve.add_argument("--tolerance", type=float, default=1e-6, help="width of the final interval")
    solve.add_argument("--scenario", metavar="NAME", help="solve on top of this scenario")
    solve.add_argument("--set", metavar="NAME=VALUE", action="append", help="override one input (repeatable)")
    _engine_and_debug(solve)
    solve.set_defaults(func=cmd_solve)

    sens = sub.add_parser("sensitivity", help="each parameter of the Sensitivity sheet at its low and high value: "
                                              "sensitivity.csv and tornado charts")
    sens.add_argument("workbook", help="input workbook (.xlsx/.xlsm) with a Sensitivity sheet; never modified")
    sens.add_argument("-o", "--output", help="results workbook (default: INPUT_sensitivity.xlsx next to the input)")
    sens.add_argument("--csv", metavar="DIR", help="also write sensitivity.csv and run_info.csv into DIR")
    _engine_and_debug(sens)
    sens.set_defaults(func=cmd_sensitivity)

    stoch = sub.add_parser("stochastic", help="valuations on random paths of the assumptions (Stochastic sheet): "
                                              "percentiles, probability of depletion, fan charts")
    stoch.add_argument("workbook", help="input workbook (.xlsx/.xlsm) with a Stochastic sheet; never modified")
    stoch.add_argument("--runs", type=int, default=1000, help="number of random runs (default 1000)")
    stoch.add_argument("--seed", type=int, default=0, help="seed of the random streams (default 0): the same seed "
                                                         "gives the same results whatever the workers or chunks")
    where = stoch.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="run on a dask.distributed LocalCluster of K worker processes")
    where.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask cluster of this scheduler "
                                                             "(e.g. tcp://10.0.0.5:8786)")
    stoch.add_argument("--chunk", type=int, help="runs valued per task (default: about 8 tasks per worker, "
                                                  "25 to 250 runs each)")
    stoch.add_argument("-o", "--output", help="results workbook (default: INPUT_stochastic.xlsx next to the input)")
    stoch.add_argument("--csv", metavar="DIR", help="also write stochastic_percentiles.csv, stochastic_summary.csv "
                                                   "and run_info.csv into DIR")
    _engine_and_debug(stoch)
    stoch.set_defaults(func=cmd_stochastic)

    workbook = sub.add_parser("workbook", help="workbook utilities")
    wsub = workbook.add_subparsers(dest="action", required=True)
    build = wsub.add_parser("build", help="generate a country workbook from UN WPP 2024 data, the example "
                                          "country workbook or an empty template")
    build.add_argument("which", choices=("country", "example", "template"))
    build.add_argument("iso3", nargs="?", help="country: ISO3 code of the country (e.g. GHA)")
    build.add_argument("--wpp", help="country: folder of the UN WPP 2024 extract files (docs/wpp_extract.md)")
    build.add_argument("--base-year", type=int, help="country: base year (default 2025; a year ending in 0 or 5)")
    build.add_argument("--final-year", type=int, help="country: final projection year (default 2100)")
    build.add_argument("--profile", help="country: TOML file of the country's labour, macro and scheme figures "
                                         "(format of socsec/data/profiles/jordan.toml; default: generic "
                                         "illustrative figures)")
    build.add_argument("-o", "--output", help=f"path (default ISO3.xlsx, {EXAMPLE_PATH} or {TEMPLATE_PATH}); a "
                                              "country workbook never replaces an existing file")
    build.set_defaults(func=cmd_build)

    warm = sub.add_parser("warmup", help="compile every numba kernel into the cache")
    warm.set_defaults(func=cmd_warmup)

    bench = sub.add_parser("bench", help="time the numba core against the numpy reference, side by side; "
                                         "--udf: SOCSEC_INDICATOR in a 20 x 20 Data Table")
    bench.add_argument("--repeats", type=int, default=20,
                       help="runs of each step (--stochastic: of the single valuation and of the run by step), whose "
                            "median is shown (default 20)")
    bench.add_argument("--udf", action="store_true", help="time 400 SOCSEC_INDICATOR calls with different overrides")
    bench.add_argument("--workbook", default=str(EXAMPLE_PATH), help=f"workbook for --udf (default {EXAMPLE_PATH})")
    bench.add_argument("--size", type=int, default=20, help="Data Table size for --udf (default 20: 400 calls)")
    bench.add_argument("--xlwings", action="store_true", help="--udf: also time calls through xlwings' calling code")
    bench.add_argument("--rounds", type=int, default=1,
                       help="--udf: time each grid this many times and show the fastest and every round (default 1)")
    bench.add_argument("--stochastic", action="store_true",
                       help="time stochastic runs of the example with the numba core and the numpy reference, "
                            "side by side (and on Dask with --workers)")
    bench.add_argument("--runs", type=int, default=100, help="--stochastic: runs of each engine (default 100)")
    bench.add_argument("--workers", type=int, help="--stochastic: also time the runs on a LocalCluster of K workers")
    bench.add_argument("--dask-runs", type=int, help="--stochastic --workers: runs on the LocalCluster (default: "
                                                     "--runs), e.g. 10000 to time the target itself")
    bench.set_defaults(func=cmd_bench)

    doctor = sub.add_parser("doctor", help="check the installation for Excel and the command line; says what to fix")
    doctor.set_defaults(func=cmd_doctor)

    excel = sub.add_parser("excel", help="Excel add-in utilities")
    esub = excel.add_subparsers(dest="action", required=True)
    vba = esub.add_parser("vba", help="regenerate addin/socsec/excel/vba/socsec_udfs.bas (the VBA wrappers "
                                      "xlwings generates for the SOCSEC_ functions)")
    vba.add_argument("--check", action="store_true", help="only compare; exit 3 if the committed file is stale")
    vba.set_defaults(func=cmd_excel_vba)
    xlam = esub.add_parser("addin", help="regenerate addin/socsec.xlam, the socsec add-in with its ribbon tab, from "
                                         "xlwings' own custom add-in")
    xlam.add_argument("-o", "--output", type=Path, help="where to write it (default addin/socsec.xlam)")
    xlam.set_defaults(func=cmd_excel_addin)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    from socsec.errors import InputError, OutputError
    try:
        return args.func(args)
    except MissingExtra as exc:
        print(exc, file=sys.stderr)
        return 2
    except InputError as exc:
        if args.debug:
            raise
        problems = exc.problems
        print(f"socsec: {len(problems)} input problem{'s' if len(problems) != 1 else ''}; nothing was written:",
              file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    except OutputError as exc:
        if args.debug:
            raise
        print(f"socsec: cannot write the results: {exc}; {_written_text()}", file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        print(f"socsec: interrupted; {_written_text()}", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: short message, traceback with --debug
        if args.debug:
            raise
        print(f"socsec: internal error: {type(exc).__name__}: {exc} (run again with --debug for details); "
              f"{_written_text()}", file=sys.stderr)
        return 1


def _written_text() -> str:
    """What the run wrote before it stopped (temporaries are removed; nothing is half-written)."""
    if not _WRITTEN:
        return "nothing was written"
    return "written before it stopped: " + ", ".join(_WRITTEN) + " (complete files); nothing else"


if __name__ == "__main__":
    sys.exit(main())
