"""Command line: ``socsec run``, ``socsec report``, ``socsec solve``, ``socsec workbook build``,
``socsec warmup``, ``socsec bench``, ``socsec doctor``, ``socsec excel vba``.

Exit codes: 0 success; 2 bad input or usage (message names file, sheet and cell);
3 results written but a consistency check failed (see the Checks sheet); 1 internal error.
``--debug`` shows the traceback of any error.
"""

import argparse
import sys
import time
from pathlib import Path

EXAMPLE_PATH = Path("workbooks") / "jordan_example.xlsx"
TEMPLATE_PATH = Path("workbooks") / "template.xlsx"


def _progress(message: str):
    print(message, file=sys.stderr, flush=True)


def default_output(input_path: Path) -> Path:
    return input_path.with_name(f"{input_path.stem}_results{input_path.suffix or '.xlsx'}")


def cmd_run(args) -> int:
    from socsec.errors import InputError, Problem
    from socsec.workbook import results as res

    started = time.perf_counter()
    in_path = Path(args.workbook)
    out_path = Path(args.output) if args.output else default_output(in_path)
    if in_path.exists() and out_path.exists() and out_path.resolve() == in_path.resolve():
        raise InputError([Problem(str(out_path), "the output must be a new file: a run never "
                                                 "overwrites its input workbook")])
    if out_path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError([Problem(str(out_path), "the output must be an .xlsx or .xlsm file")])
    if not args.output and out_path.exists() and not res.is_results_workbook(out_path):
        raise InputError([Problem(str(out_path), "exists and is not a socsec results workbook; "
                                                 "choose another name with -o")])
    _progress(f"Reading {in_path} ...")
    from socsec.workbook.reader import open_and_read
    read, book = open_and_read(in_path)
    population = read.inputs.population
    pairs = run_options(read, args, in_path.name)
    chosen = [s for s in read.scenarios if args.compare or s.name == args.scenario]
    _progress(f"Projecting {population.country} {population.base_year}-{population.final_year}"
              f"{' and ' + str(len(chosen)) + ' scenario(s)' if chosen else ''} ...")
    import socsec
    from socsec.model.scenarios import BASE, run_scenarios
    from socsec.model.valuation import inputs_hash
    compared = run_scenarios(read.inputs, chosen, engine=args.engine, extra=pairs)
    valuation = compared[args.scenario or BASE]
    if read.scenarios and not args.compare:
        _progress(f"The Scenarios sheet has {len(read.scenarios)} scenario(s): --compare values them all "
                  "and writes the comparison (scenarios.csv with --csv)")
    inputs = valuation.inputs
    projected = time.perf_counter()
    _progress(f"Writing {out_path} ...")
    info = res.RunInfo(
        time_utc=res.utc_now(), input_file=str(in_path), output_file=str(out_path),
        versions=_versions(), input_hash=inputs_hash(inputs), options=valuation.options(),
        seconds=projected - started, master_ok=valuation.master_ok,
        message="all checks passed" if valuation.master_ok else "some checks failed: see Checks")
    res.write_results_workbook(book.workbook, out_path, valuation, info)
    if args.csv:
        _progress(f"Writing CSV files to {args.csv} ...")
        write_csv_tables(valuation, Path(args.csv), compared)
    summary = valuation.population.summary
    pop = valuation.population.population.sum(axis=(1, 2))
    labour = valuation.economy.labour_summary
    print(f"socsec {socsec.__version__}: {population.country} {population.base_year}-{population.final_year}: "
          f"population {pop[0] / 1e6:.3f} M (1 Jan {population.base_year}) -> {pop[-1] / 1e6:.3f} M "
          f"(1 Jan {population.final_year + 1}), TFR {summary['tfr'].iloc[0]:.2f}, employment "
          f"{labour['employed'].iloc[0] / 1e6:.3f} M -> {labour['employed'].iloc[-1] / 1e6:.3f} M, PAYG cost "
          f"rate {valuation.pension.summary['paygo_cost_rate'].iloc[0]:.1%} -> "
          f"{valuation.pension.summary['paygo_cost_rate'].iloc[-1]:.1%}; checks "
          f"{'OK' if valuation.master_ok else 'FAILED'}; results in {out_path} "
          f"({time.perf_counter() - started:.1f} s)")
    if not valuation.master_ok:
        for check in valuation.checks:
            if not check.ok:
                where = f"; worst: {check.where}" if check.where else ""
                print(f"WARNING: check failed: {check.name}: {check.value:g} ({check.description}{where})",
                      file=sys.stderr)
        return 3
    return 0


def run_options(read, args, file_name: str) -> tuple:
    """Print the reader's warnings; check ``--set`` and ``--scenario`` together (all problems in one
    InputError); return the ``--set`` pairs."""
    from socsec.errors import InputError

    for warning in read.warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
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
    return pairs


def parse_set(assignments, inputs) -> tuple:
    """The ``--set NAME=VALUE`` pairs, checked against the override registry (input errors)."""
    from socsec.errors import InputError, Problem
    from socsec.model.overrides import OverrideError, apply_overrides

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
        apply_overrides(inputs, pairs)
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


def write_csv_tables(valuation, folder: Path, compared: dict | None = None):
    """One long-format CSV per result table (and the scenario comparison)."""
    import pandas as pd

    from socsec.atomic import write_csv

    projection, economy = valuation.population, valuation.economy
    write_csv(projection.population_frame(), folder / "population.csv")
    write_csv(projection.summary, folder / "demography_summary.csv")
    write_csv(economy.labour_summary, folder / "labour_summary.csv")
    write_csv(economy.by_age_frame(), folder / "labour_by_age.csv")
    write_csv(economy.macro, folder / "macro.csv")
    pension = valuation.pension
    write_csv(pension.summary, folder / "pension_summary.csv")
    write_csv(pension.stock_frame(), folder / "pension_stocks.csv")
    if pension.actives.shape[0] == 1:  # valuations keep the stocks by service of the base year only
        from socsec.model.pension import project_pension
        pension = project_pension(valuation.inputs.pension, valuation.population, economy, service_stocks=True)
    write_csv(pension.service_frame(), folder / "pension_service.csv")
    write_csv(pension.calibration, folder / "calibration.csv")
    write_csv(valuation.finance.yearly, folder / "financing.csv")
    write_csv(valuation.finance.replacement, folder / "replacement_rates.csv")
    from socsec.model.scenarios import comparison_table, indicators_table
    compared = compared or {"base": valuation}
    write_csv(indicators_table(compared), folder / "indicators.csv")
    write_csv(comparison_table(compared), folder / "scenarios.csv")
    write_csv(pd.DataFrame([c.__dict__ for c in valuation.checks]), folder / "checks.csv")


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
    pairs = run_options(read, args, in_path.name)
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
    pairs = run_options(read, args, in_path.name)
    chosen = [s for s in read.scenarios if args.compare or s.name == args.scenario]
    _progress(f"Projecting{' and ' + str(len(chosen)) + ' scenario(s)' if chosen else ''} ...")
    compared = run_scenarios(read.inputs, chosen, engine=args.engine, extra=pairs)
    valuation = compared[args.scenario or BASE]
    info = res.RunInfo(
        time_utc=res.utc_now(), input_file=str(in_path), output_file=str(out_path), versions=_report_versions(),
        input_hash=inputs_hash(valuation.inputs), options=valuation.options(),
        seconds=time.perf_counter() - started, master_ok=valuation.master_ok,
        message="all checks passed" if valuation.master_ok else "some checks failed: see the Annex")
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
    from socsec.errors import InputError
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
    except KeyboardInterrupt:
        print("socsec: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: short message, traceback with --debug
        if args.debug:
            raise
        print(f"socsec: internal error: {type(exc).__name__}: {exc} (run again with --debug for details)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
