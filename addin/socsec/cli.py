"""Command line: ``socsec run``, ``socsec report``, ``socsec solve``, ``socsec workbook build``,
``socsec warmup``, ``socsec bench``, ``socsec doctor``, ``socsec excel vba``.

Exit codes: 0 success; 2 bad input or usage (message names file, sheet and cell); 3 results written but
a check failed (see the Checks sheet); 4 the results cannot be written where asked (output path or
environment: a folder where a file is expected, no permission, a full disk); 1 internal error;
130 interrupted.  ``--debug`` shows the traceback of any error.
"""

import argparse
import shlex
import sys
import time
from pathlib import Path

EXAMPLE_PATH = Path("workbooks") / "jordan_example.xlsx"
TEMPLATE_PATH = Path("workbooks") / "template.xlsx"
CSV_FILES = ("population.csv", "demography_summary.csv", "labour_summary.csv", "labour_by_age.csv", "macro.csv",
             "pension_summary.csv", "pension_stocks.csv", "pension_service.csv", "calibration.csv", "financing.csv",
             "replacement_rates.csv", "indicators.csv", "scenarios.csv", "checks.csv", "run_info.csv")
_WRITTEN: list = []  # what the current run has written so far (for a truthful message when interrupted)


def _progress(message: str):
    print(message, file=sys.stderr, flush=True)


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


def check_csv_folder(folder: Path, out_path: Path):
    """Before anything is projected: the CSV set may replace ``folder`` as a whole (it is new, empty or
    holds only an earlier CSV set and the results workbook ``out_path``), is not the current folder, and
    its parent folder can be written."""
    from socsec.errors import OutputError

    if folder.exists() and not folder.is_dir():
        raise OutputError(f"--csv {folder}: is a file, not a folder")
    if folder.is_dir():
        if Path.cwd().resolve().is_relative_to(folder.resolve()):
            raise OutputError(f"--csv {folder}: is the current folder (or holds it); the CSV set replaces its folder "
                              "as a whole: choose a new folder")
        mine = set(CSV_FILES) | ({out_path.name} if out_path.resolve().parent == folder.resolve() else set())
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
    from socsec.errors import InputError, OutputError
    from socsec.workbook import results as res

    started = time.perf_counter()
    _WRITTEN.clear()
    in_path = Path(args.workbook)
    out_path = Path(args.output) if args.output else default_output(in_path)
    check_output_file(out_path, in_path, default=not args.output)
    if args.csv:
        check_csv_folder(Path(args.csv), out_path)
    _progress(f"Reading {in_path} ...")
    from socsec.workbook.reader import open_and_read
    try:
        read, book = open_and_read(in_path)
    except InputError as exc:  # report the --set and --scenario problems with those of the workbook
        raise InputError(exc.problems + set_problems(args.set)) from None
    population = read.inputs.population
    pairs, warnings = run_options(read, args, in_path.name)
    chosen = [s for s in read.scenarios if args.compare or s.name == args.scenario]
    _progress(f"Projecting {population.country} {population.base_year}-{population.final_year}"
              f"{' and ' + str(len(chosen)) + ' scenario(s)' if chosen else ''} ...")
    import numpy as np

    import socsec
    from socsec.model.scenarios import BASE, run_scenarios
    from socsec.model.valuation import inputs_hash
    with np.errstate(all="ignore"):  # overflowing or undefined results are failed checks, not console noise
        compared = run_scenarios(read.inputs, chosen, engine=args.engine, extra=pairs)
    valuation = compared[args.scenario or BASE]
    if read.scenarios and not args.compare:
        _progress(f"The Scenarios sheet has {len(read.scenarios)} scenario(s): --compare values them all "
                  "and writes the comparison (sheet Results scenarios, scenarios.csv with --csv)")
    inputs = valuation.inputs
    projected = time.perf_counter()
    _progress(f"Writing {out_path} ...")
    info = res.RunInfo(
        time_utc=res.utc_now(), input_file=str(in_path), output_file=str(out_path),
        versions=_versions(), input_hash=inputs_hash(inputs), options=valuation.options(),
        seconds=projected - started, master_ok=valuation.master_ok,
        message=_message(valuation, warnings), scenario=args.scenario or BASE,
        overrides=overrides_text(compared, args.scenario, chosen, pairs), command=command_line(args),
        warnings=tuple(str(w) for w in warnings))
    try:
        if args.csv:  # first: the CSV set replaces its folder as a whole, which may be the workbook's
            _progress(f"Writing CSV files to {args.csv} ...")
            write_csv_tables(valuation, Path(args.csv), compared, info)
            _WRITTEN.append(f"{args.csv} ({len(CSV_FILES)} CSV files)")
        res.write_results_workbook(book.workbook, out_path, valuation, info, compared if args.compare else None,
                                   extents=read.extents)
        _WRITTEN.append(str(out_path))
    except OSError as exc:
        raise OutputError(f"could not write {exc.filename or out_path}: {exc.strerror or exc}") from None
    summary = valuation.population.summary
    pop = valuation.population.population.sum(axis=(1, 2))
    labour = valuation.economy.labour_summary
    cost = valuation.pension.summary["paygo_cost_rate"]
    print(f"socsec {socsec.__version__}: {population.country} {population.base_year}-{population.final_year}: "
          f"population {pop[0] / 1e6:.3f} M (1 Jan {population.base_year}) -> {pop[-1] / 1e6:.3f} M "
          f"(1 Jan {population.final_year + 1}), TFR {summary['tfr'].iloc[0]:.2f}, employment "
          f"{labour['employed'].iloc[0] / 1e6:.3f} M -> {labour['employed'].iloc[-1] / 1e6:.3f} M, PAYG cost "
          f"rate {_percent(cost.iloc[0])} -> {_percent(cost.iloc[-1])}; {_verdict(valuation, warnings)}; results in "
          f"{out_path} ({time.perf_counter() - started:.1f} s)")
    if not valuation.master_ok:
        for check in valuation.checks:
            if not check.ok:
                where = f"; worst: {check.where}" if check.where else ""
                print(f"WARNING: check failed: {check.name}: {check.value:g} ({check.description}{where})",
                      file=sys.stderr)
        return 3
    return 0


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


def _message(valuation, warnings) -> str:
    text = "all checks passed" if valuation.master_ok else "some checks failed: see Checks"
    return text + (f"; {len(warnings)} input warning(s)" if warnings else "")


def command_line(args) -> str:
    """The command as typed (program name and arguments), for the Cover and the Log."""
    return " ".join(["socsec"] + [shlex.quote(a) for a in args.argv])


def overrides_text(compared: dict, scenario: str | None, chosen, pairs) -> str:
    """Every override of the main result with its value: the scenario's, then ``--set``."""
    own = next((s.overrides for s in chosen if s.name == scenario), ()) if scenario else ()
    listing = ([f"{name}={value:g} (scenario {scenario})" for name, value in own]
               + [f"{name}={value:g} (--set)" for name, value in pairs])
    return "; ".join(listing) or "none"


def run_options(read, args, file_name: str) -> tuple:
    """Check ``--set`` and ``--scenario`` together, and the inputs every override makes, as strictly as the
    workbook (all problems in one InputError, before projecting); print the warnings (once per table row);
    return the ``--set`` pairs and every warning."""
    from socsec.errors import InputError
    from socsec.model.overrides import apply_overrides
    from socsec.model.scenarios import scenario_inputs
    from socsec.workbook.reader import check_overridden

    pairs, problems = (), []
    try:
        pairs = parse_set(args.set, read.inputs)
    except InputError as exc:
        problems += exc.problems
    try:
        check_scenario(args.scenario, read.scenarios, file_name)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    chosen = [s for s in read.scenarios if getattr(args, "compare", False) or s.name == args.scenario]
    variants = {}
    if pairs:
        variants["--set " + " ".join(f"{n}={v:g}" for n, v in pairs)] = apply_overrides(read.inputs, pairs)
    for scenario in chosen:
        variants[f"{file_name}, sheet 'Scenarios', scenario '{scenario.name}'"] = scenario_inputs(
            read.inputs, scenario, pairs)
    warnings = read.warnings + check_overridden(read.inputs, variants)
    for warning in warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    return pairs, warnings


def set_problems(assignments) -> list:
    """Problems of ``--set NAME=VALUE`` that need no inputs (syntax, unknown names, values out of range)."""
    from socsec.errors import InputError

    try:
        parse_set(assignments, None)
    except InputError as exc:
        return exc.problems
    return []


def parse_set(assignments, inputs) -> tuple:
    """The ``--set NAME=VALUE`` pairs, checked against the override registry (input errors); with
    ``inputs``, also applied to them (an override may refuse a value for these inputs)."""
    from socsec.errors import InputError, Problem
    from socsec.model.overrides import OverrideError, apply_overrides, checked_values

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
        if inputs is not None:
            apply_overrides(inputs, pairs)
        else:
            checked_values(pairs)
    except OverrideError as exc:
        problems.append(Problem("--set", str(exc)))
    if problems:
        raise InputError(problems)
    return tuple(pairs)


def check_scenario(scenario: str | None, scenarios, file_name: str):
    """An unknown ``--scenario`` name is an input error listing the closest names."""
    import difflib

    from socsec.errors import InputError, Problem

    names = [s.name for s in scenarios]
    if scenario and scenario not in names:
        close = difflib.get_close_matches(scenario, names, n=3, cutoff=0.5)
        listing = f"closest: {', '.join(close)}" if close else (
            f"scenarios on the sheet: {', '.join(names)}" if names else "the sheet has no scenario")
        raise InputError([Problem(f"{file_name}, sheet 'Scenarios'", f"no scenario named {scenario!r}; {listing}")])


def write_csv_tables(valuation, folder: Path, compared: dict | None = None, info=None):
    """One long-format CSV per result table, the scenario comparison and ``run_info.csv`` (what produced
    them), written into a temporary folder that then replaces ``folder`` as a whole (:data:`CSV_FILES`)."""
    import pandas as pd

    from socsec.atomic import atomic_folder, write_csv
    from socsec.model.scenarios import comparison_table, indicators_table

    projection, economy, pension = valuation.population, valuation.economy, valuation.pension
    compared = compared or {"base": valuation}

    def service_frame():
        if pension.actives.shape[0] > 1:
            return pension.service_frame()
        from socsec.model.pension import project_pension  # valuations keep the stocks by service of the base year
        return project_pension(valuation.inputs.pension, projection, economy, service_stocks=True).service_frame()

    tables = {
        "population.csv": projection.population_frame, "demography_summary.csv": lambda: projection.summary,
        "labour_summary.csv": lambda: economy.labour_summary, "labour_by_age.csv": economy.by_age_frame,
        "macro.csv": lambda: economy.macro, "pension_summary.csv": lambda: pension.summary,
        "pension_stocks.csv": pension.stock_frame, "pension_service.csv": service_frame,
        "calibration.csv": lambda: pension.calibration, "financing.csv": lambda: valuation.finance.yearly,
        "replacement_rates.csv": lambda: valuation.finance.replacement,
        "indicators.csv": lambda: indicators_table(compared), "scenarios.csv": lambda: comparison_table(compared),
        "checks.csv": lambda: pd.DataFrame([c.__dict__ for c in valuation.checks]),
        "run_info.csv": lambda: pd.DataFrame(run_info_rows(info), columns=["item", "value"]),
    }
    assert tuple(tables) == CSV_FILES
    with atomic_folder(folder) as tmp:
        for name, frame in tables.items():
            write_csv(frame(), tmp / name)


def run_info_rows(info) -> list:
    """(item, value) rows saying what produced a set of results: the Cover stamp and the Log row in one."""
    from socsec.workbook.results import provenance
    return provenance(info) if info is not None else []


def _versions() -> str:
    import numba
    import numpy
    import openpyxl
    import pandas

    import socsec
    return (f"socsec {socsec.__version__}; python {sys.version.split()[0]}; numpy {numpy.__version__}; "
            f"pandas {pandas.__version__}; numba {numba.__version__}; openpyxl {openpyxl.__version__}")


def cmd_solve(args) -> int:
    """Solve for one parameter (bisection) and print the value, the target reached, the iterations."""
    from socsec.errors import InputError, Problem
    from socsec.model.overrides import OverrideError
    from socsec.model.scenarios import SolveError, scenario_inputs, solve_for
    from socsec.workbook.reader import read_workbook

    in_path = Path(args.workbook)
    read = read_workbook(in_path)
    pairs, _ = run_options(read, args, in_path.name)
    level = args.level if args.level is not None else (1.0 if args.target == "min_reserve_ratio" else 0.0)
    scenario = next((s for s in read.scenarios if s.name == args.scenario), None)
    inputs = scenario_inputs(read.inputs, scenario, pairs)
    horizon = args.horizon or len(inputs.population.years)
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
    from socsec.model.scenarios import BASE, run_scenarios
    from socsec.model.valuation import inputs_hash
    from socsec.report import ReportContext, check_report_path, default_report_path, input_sources, write_report
    from socsec.workbook import results as res
    from socsec.workbook.reader import open_and_read

    started = time.perf_counter()
    in_path = Path(args.workbook)
    out_path = Path(args.output) if args.output else default_report_path(in_path)
    check_report_path(out_path, named=bool(args.output))
    _progress(f"Reading {in_path} ...")
    read, book = open_and_read(in_path)
    pairs, warnings = run_options(read, args, in_path.name)
    chosen = [s for s in read.scenarios if args.compare or s.name == args.scenario]
    _progress(f"Projecting{' and ' + str(len(chosen)) + ' scenario(s)' if chosen else ''} ...")
    import numpy as np
    with np.errstate(all="ignore"):  # overflowing or undefined results are failed checks, not console noise
        compared = run_scenarios(read.inputs, chosen, engine=args.engine, extra=pairs)
    valuation = compared[args.scenario or BASE]
    info = res.RunInfo(
        time_utc=res.utc_now(), input_file=str(in_path), output_file=str(out_path), versions=_report_versions(),
        input_hash=inputs_hash(valuation.inputs), options=valuation.options(),
        seconds=time.perf_counter() - started, master_ok=valuation.master_ok,
        message="all checks passed" if valuation.master_ok else "some checks failed: see the Annex",
        scenario=args.scenario or BASE, overrides=overrides_text(compared, args.scenario, chosen, pairs),
        command=command_line(args), warnings=tuple(str(w) for w in warnings))
    _progress(f"Writing {out_path} ...")
    context = ReportContext(valuation, info, in_path.name, tuple(read.scenarios),
                            compared if args.compare else {}, input_sources(book), args.scenario)
    write_report(out_path, context)
    print(f"report of {read.inputs.population.country} {read.inputs.population.base_year}-"
          f"{read.inputs.population.final_year}: checks {'OK' if valuation.master_ok else 'FAILED'}; written to "
          f"{out_path} ({time.perf_counter() - started:.1f} s)")
    return 0 if valuation.master_ok else 3


def _report_versions() -> str:
    import docx
    import matplotlib
    return f"{_versions()}; python-docx {docx.__version__}; matplotlib {matplotlib.__version__}"


def cmd_build(args) -> int:
    from socsec.workbook.build import build_workbook, template_inputs

    if args.which == "example":
        from socsec.model.example_jordan import COVER_NOTES, jordan_inputs, jordan_sources
        from socsec.model.example_jordan_scheme import SCENARIOS
        from socsec.model.scenarios import Scenario
        path = build_workbook(jordan_inputs(), args.output or EXAMPLE_PATH, sources=jordan_sources(),
                              cover_notes=COVER_NOTES, scenarios=tuple(Scenario(*s) for s in SCENARIOS))
    else:
        path = build_workbook(template_inputs(), args.output or TEMPLATE_PATH,
                              cover_notes=("Empty template: fill in every blue-on-yellow input cell and "
                                           "state its source.",))
    print(f"wrote {path}")
    return 0


def cmd_warmup(args) -> int:
    """Compile (or load from numba's cache) every kernel once."""
    started = time.perf_counter()
    from socsec.model.warmup import warm_up
    warm_up()
    print(f"numba kernels ready ({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_bench(args) -> int:
    if args.udf:
        from socsec.excel.bench import run_udf_benchmark
        print(run_udf_benchmark(args.workbook, size=args.size, through_xlwings=args.xlwings, rounds=args.rounds))
        return 0
    from socsec.model.benchmark import run_benchmark
    print(run_benchmark(repeats=args.repeats))
    return 0


def cmd_doctor(args) -> int:
    from socsec.excel.doctor import report, run_checks
    text, code = report(run_checks())
    print(text)
    return code


def cmd_excel_vba(args) -> int:
    """Write (or with --check compare) the VBA module xlwings generates for socsec.excel.udfs."""
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
    run.add_argument("--engine", choices=("numba", "numpy"), default="numba",
                     help="numerical engine: numba kernels (default) or the numpy reference twins")
    run.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    run.set_defaults(func=cmd_run)

    report = sub.add_parser("report", help="value a workbook and write a draft valuation report (.docx)")
    report.add_argument("workbook", help="input or results workbook (.xlsx/.xlsm); never modified")
    report.add_argument("-o", "--output", help="report (.docx; default: INPUT_report.docx next to the input, "
                                               "never replacing a draft someone has edited)")
    report.add_argument("--scenario", metavar="NAME", help="report on this scenario of the Scenarios sheet")
    report.add_argument("--compare", action="store_true",
                        help="also value every scenario of the Scenarios sheet and compare them in section 7")
    report.add_argument("--set", metavar="NAME=VALUE", action="append", help="override one input (repeatable)")
    report.add_argument("--engine", choices=("numba", "numpy"), default="numba", help=argparse.SUPPRESS)
    report.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
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
    solve.add_argument("--engine", choices=("numba", "numpy"), default="numba", help=argparse.SUPPRESS)
    solve.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    solve.set_defaults(func=cmd_solve)

    workbook = sub.add_parser("workbook", help="workbook utilities")
    wsub = workbook.add_subparsers(dest="action", required=True)
    build = wsub.add_parser("build", help="generate the example country workbook or an empty template")
    build.add_argument("which", choices=("example", "template"))
    build.add_argument("-o", "--output", help=f"path (default {EXAMPLE_PATH} or {TEMPLATE_PATH})")
    build.set_defaults(func=cmd_build)

    warm = sub.add_parser("warmup", help="compile every numba kernel into the cache")
    warm.set_defaults(func=cmd_warmup)

    bench = sub.add_parser("bench", help="time the numba core against the numpy reference, side by side; "
                                         "--udf: SOCSEC_INDICATOR in a 20 x 20 Data Table")
    bench.add_argument("--repeats", type=int, default=20, help="runs of each step, whose median is shown (default 20)")
    bench.add_argument("--udf", action="store_true", help="time 400 SOCSEC_INDICATOR calls with different overrides")
    bench.add_argument("--workbook", default=str(EXAMPLE_PATH), help=f"workbook for --udf (default {EXAMPLE_PATH})")
    bench.add_argument("--size", type=int, default=20, help="Data Table size for --udf (default 20: 400 calls)")
    bench.add_argument("--xlwings", action="store_true", help="--udf: also time calls through xlwings' calling code")
    bench.add_argument("--rounds", type=int, default=1,
                       help="--udf: time each grid this many times and show the fastest and every round (default 1)")
    bench.set_defaults(func=cmd_bench)

    doctor = sub.add_parser("doctor", help="check the installation for Excel and the command line; says what to fix")
    doctor.set_defaults(func=cmd_doctor)

    excel = sub.add_parser("excel", help="Excel add-in utilities")
    esub = excel.add_subparsers(dest="action", required=True)
    vba = esub.add_parser("vba", help="regenerate addin/socsec/excel/vba/socsec_udfs.bas (the VBA wrappers "
                                      "xlwings generates for the SOCSEC_ functions)")
    vba.add_argument("--check", action="store_true", help="only compare; exit 3 if the committed file is stale")
    vba.set_defaults(func=cmd_excel_vba)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    from socsec.errors import InputError, OutputError
    try:
        return args.func(args)
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
