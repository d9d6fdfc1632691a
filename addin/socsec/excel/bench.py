"""``socsec bench --udf``: SOCSEC_INDICATOR as an Excel what-if Data Table calls it.

A 20 x 20 Data Table recalculates one formula ``=SOCSEC_INDICATOR(chk_inputs, name, horizon, o1, v1, o2, v2)``
400 times, each time with another pair of override values.  This benchmark times those 400 calls
with warm caches (kernels compiled, the workbook's base inputs read and its base blocks computed,
as after the first recalculation), for grids whose overrides reach different blocks of the chain:
the blocks before the first one an override changes are reused, later ones recomputed
(:mod:`socsec.model.chain`: a contribution rate reuses the scheme's persons and pensions; an
accrual rate reuses the insured persons and re-projects wages, awards and pensioners; a coverage
re-projects both).

What is timed is the Python side of the function (``socsec.excel.udfs.indicator_value`` on the
example workbook, as called by the UDF), one call after the other, as Excel calls them (the pension
kernels of a call project the two sexes on numba's threads, :func:`socsec.model.pension.pension_drivers`;
the header says how many); Excel's own call overhead (COM, xlwings' conversion, about a millisecond a
call) comes on top.  ``through_xlwings=True`` also times one grid through xlwings' own calling code
(``socsec.excel.xlcall``).
"""

import time
import types

import numba
import numpy as np

from socsec.excel import udfs

# (label, indicator, horizon, (override, values), (override, values)); values: 20 each (n x n).
GRIDS = (
    ("population block: dependency ratio in 50 years vs TFR x migration", "old_age_dependency_65_20_64", 50,
     ("tfr", (1.4, 3.3)), ("net_migration_scale", (0.0, 2.0))),
    ("economy block: nominal GDP in 25 years vs productivity x CPI", "nominal_gdp", 25,
     ("productivity_growth", (0.0, 0.04)), ("cpi_inflation", (0.01, 0.06))),
    ("financing block: GAP over 50 years vs initial reserve x collection rate", "gap", 50,
     ("initial_reserve", (0.0, 2.0e10)), ("collection_rate", (0.8, 1.0))),
    ("economy and financing blocks: GAP over 50 years vs investment return x initial reserve", "gap", 50,
     ("investment_return", (0.02, 0.08)), ("initial_reserve", (0.0, 2.0e10))),
    ("pension contributions and financing: GAP over 50 years vs contribution rate x investment return", "gap", 50,
     ("contribution_rate", (0.10, 0.25)), ("investment_return", (0.02, 0.08))),
    ("pension benefits re-projected, insured persons reused: GAP over 50 years vs accrual rate x indexation "
     "(wage weight)", "gap", 50, ("accrual_rate", (0.01, 0.025)), ("pension_indexation_wage_weight", (0.0, 1.0))),
    ("pension scheme re-projected, insured persons and benefits: GAP over 50 years vs coverage x density",
     "gap", 50, ("coverage", (0.3, 0.9)), ("density", (0.6, 1.0))),
)


def grid(first, second, size: int) -> list:
    (name1, (lo1, hi1)), (name2, (lo2, hi2)) = first, second
    return [((name1, float(a)), (name2, float(b))) for a in np.linspace(lo1, hi1, size)
            for b in np.linspace(lo2, hi2, size)]


def run_udf_benchmark(path, size: int = 20, through_xlwings: bool = False, rounds: int = 1) -> str:
    """Text report: the time of ``size`` x ``size`` calls of each grid; with ``rounds`` > 1 each grid
    is timed that many times from cold caches (warmed again each time) and the report gives the
    fastest round (the one other work on the machine slowed least) and every round."""
    calls = size * size
    lines = [f"SOCSEC_INDICATOR benchmark: {path}, {size} x {size} = {calls} calls per grid, warm caches, calls one "
             f"after the other (numba threads: {numba.get_num_threads()})"
             + (f", fastest of {rounds} rounds" if rounds > 1 else "")]
    for label, name, horizon, first, second in GRIDS:
        results = []
        for _ in range(rounds):
            udfs.clear_caches()
            results.append(udfs.bench_indicator(path, name, grid(first, second, size), horizon))
        result = min(results, key=lambda r: r["seconds"])
        times = ", ".join(f"{r['seconds']:.2f}" for r in results)
        every = f"; rounds {times} s" if rounds > 1 else ""
        lines.append(f"{label}:\n    {calls} calls {result['seconds']:.2f} s ({result['seconds'] / calls * 1e3:.1f} ms "
                     f"a call){every}; warm-up {result['warm_up']:.2f} s; values {min(result['values']):.6g} .. "
                     f"{max(result['values']):.6g}")
    if through_xlwings:
        lines.append(_through_xlwings(path, size))
    return "\n".join(lines)


def _through_xlwings(path, size: int) -> str:
    """The economy grid through xlwings' call_udf (argument and return conversion), the first argument a
    stand-in for the cell chk_inputs of the workbook open in Excel, whose inputs are the file's; also
    the COM round trips a call makes (counted as xlwings' Windows engine makes them)."""
    from socsec.excel import xlcall

    module = xlcall.decorated_udfs()
    module._BOOKS.clear()
    source = udfs.FileSource(path)

    class Workbook:  # the calling workbook: its full name and Excel; its inputs come from the file
        fullname = str(source.path)

        @property
        def app(self):
            return types.SimpleNamespace(engine=xlcall._FakeWindowsRange.engine, pid=0)

    class FileBacked(module.XlwingsSource):
        def inputs(self):
            return source.inputs()

    module.XlwingsSource = FileBacked
    label, name, horizon, first, second = GRIDS[1]  # the economy grid
    cells = grid(first, second, size)
    fingerprint = xlcall.RangeArg(f"file|{source.fingerprint()}", book=Workbook())
    xlcall.call(module, "SOCSEC_INDICATOR", fingerprint, name, float(horizon))
    fingerprint.com_calls = 0
    started = time.perf_counter()
    for (o1, v1), (o2, v2) in cells:
        xlcall.call(module, "SOCSEC_INDICATOR", fingerprint, name, float(horizon), o1, v1, o2, v2)
    seconds = time.perf_counter() - started
    return (f"through xlwings' calling code (conversion in and out), {label}:\n    {len(cells)} calls "
            f"{seconds:.2f} s ({seconds / len(cells) * 1e3:.1f} ms a call); COM round trips "
            f"{fingerprint.com_calls / len(cells):g} a call (inputs unchanged: xlwings' conversion of the argument "
            "chk_inputs and of its value, whatever the size of the workbook)")
