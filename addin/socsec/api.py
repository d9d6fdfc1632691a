"""The Python face of socsec: load a workbook (or inputs built in Python), run it, read the results.

    import socsec
    model = socsec.load("workbooks/jordan_example.xlsx")   # read and validate; socsec.InputError if bad
    base = model.run()                                      # the base valuation
    reform = model.run(contribution_rate=0.25)              # override names as on the Scenarios sheet
    reform.indicator("gap", 50)                             # one indicator over a horizon (years)
    reform.table("financing")                               # a result table, indexed by year

The command line (``socsec run``) and this module share every step: the same validation (the workbook
reader's rules, also for inputs built in Python and for the inputs an override makes), the same chain
(:mod:`socsec.model.scenarios`), the same writers.  See README.md, section "Python".
"""

from __future__ import annotations

import difflib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from socsec.errors import InputError, Problem

#: The result tables by name (``Valuation.table``) and the CSV file each is written to (``to_csv``).
TABLES = ("population", "demography_summary", "labour_summary", "labour_by_age", "macro", "pension_summary",
          "pension_stocks", "pension_service", "calibration", "financing", "replacement_rates", "indicators",
          "scenarios", "checks", "run_info")
CSV_FILES = tuple(f"{name}.csv" for name in TABLES)
_INDEX = ("year", "sex", "age", "service")  # the index columns of a table, where it has them


def load(path) -> Model:
    """Read and validate the workbook at ``path`` (every input, the Scenarios sheet); raise
    :class:`socsec.InputError` with every problem (file, sheet and cell) if it cannot be valued."""
    from socsec.workbook.reader import open_and_read

    read, book = open_and_read(Path(path))
    return Model(read.inputs, scenarios=read.scenarios, warnings=read.warnings, source=Path(path), book=book,
                 extents=read.extents)


def read_book(book, name: str | None = None) -> Model:
    """Read and validate the inputs of an open workbook ``book`` (the reader's interface: the workbook in
    Excel for the macros and worksheet functions, :class:`socsec.excel.book.XlwingsBook`); ``name``: the
    workbook's name for what the results record.  Raise :class:`socsec.InputError` as :func:`load`."""
    from socsec.workbook.reader import read_inputs

    read = read_inputs(book)
    return Model(read.inputs, scenarios=read.scenarios, warnings=read.warnings, source=name, extents=read.extents)


@dataclass(frozen=True, eq=False)
class Model:
    """Validated inputs of one valuation (:class:`socsec.model.inputs.ModelInputs`) with the scenarios of
    their workbook.  Made by :func:`load`, or from inputs built in Python with :meth:`from_inputs`."""

    inputs: object
    scenarios: tuple = ()
    warnings: tuple = ()
    source: Path | str | None = None  # the file, or the name of the workbook open in Excel
    book: object = field(default=None, repr=False)
    extents: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_inputs(cls, inputs, scenarios: tuple = ()) -> Model:
        """A model of inputs built in Python, validated with every rule of the workbook reader
        (:class:`socsec.InputError` naming the sheet and the table or row of every problem)."""
        from socsec.workbook.reader import validate_inputs

        return cls(inputs, scenarios=tuple(scenarios), warnings=validate_inputs(inputs))

    def validate(self) -> tuple:
        """Check the inputs as the workbook reader checks a workbook; raise :class:`socsec.InputError`
        with every problem, return the warnings (values legal but worth a look)."""
        from socsec.workbook.reader import validate_inputs

        return validate_inputs(self.inputs)

    @property
    def scenario_names(self) -> tuple:
        return tuple(s.name for s in self.scenarios)

    def unknown_scenario(self, scenario: str | None) -> Problem | None:
        """The problem of a scenario name that is not on the Scenarios sheet (with the closest names)."""
        if not scenario or scenario in self.scenario_names:
            return None
        close = difflib.get_close_matches(scenario, self.scenario_names, n=3, cutoff=0.5)
        listing = (f"closest: {', '.join(close)}" if close else f"scenarios on the sheet: "
                   f"{', '.join(self.scenario_names)}" if self.scenario_names else "the sheet has no scenario")
        return Problem(self._scenarios_sheet(), f"no scenario named {scenario!r}; {listing}")

    def _scenarios_sheet(self) -> str:
        return f"{Path(self.source).name}, sheet 'Scenarios'" if self.source else "scenarios"

    def run(self, scenario: str | None = None, compare: bool = False, engine: str = "numba",
            **overrides) -> Valuation:
        """Value the base (or the ``scenario`` named, from the Scenarios sheet) with ``overrides`` applied
        after the scenario's own (names as on the Scenarios sheet, e.g. ``contribution_rate=0.25``).
        ``compare``: also value every scenario of the sheet (``Valuation.compared``).  The inputs every
        override makes are validated first; a problem raises :class:`socsec.InputError`."""
        return self.run_overrides(tuple(overrides.items()), scenario, compare, engine)

    def run_overrides(self, pairs: tuple, scenario: str | None = None, compare: bool = False,
                      engine: str = "numba", label: str = "override", on_checked=None) -> Valuation:
        """:meth:`run` with the overrides as (name, value) pairs; ``label`` names where they come from in
        messages and in what the results record (``--set`` on the command line); ``on_checked(chosen)`` is
        called once the options are checked, before projecting (the command line's progress message)."""
        import numpy as np

        from socsec.model.scenarios import BASE, run_scenarios

        started = time.perf_counter()
        chosen, warnings = self.checked_options(scenario, pairs, compare, label)
        if on_checked:
            on_checked(chosen)
        with np.errstate(all="ignore"):  # overflowing or undefined results are failed checks, not noise
            valued = run_scenarios(self.inputs, chosen, engine=engine, extra=pairs)
        own = next((s.overrides for s in chosen if s.name == scenario), ()) if scenario else ()
        return Valuation(valued[scenario or BASE], valued, compare, self, scenario or BASE, tuple(own), tuple(pairs),
                         label, self.warnings + warnings, time.perf_counter() - started)

    def checked_options(self, scenario: str | None, pairs: tuple, compare: bool = False,
                        label: str = "override") -> tuple:
        """The scenarios to value and the warnings the overrides add, after checking the scenario name, the
        override names and values and the inputs they make (one :class:`socsec.InputError` for all)."""
        from socsec.model.overrides import OverrideError, apply_overrides
        from socsec.model.scenarios import scenario_inputs
        from socsec.workbook.reader import check_overridden

        where = self._scenarios_sheet()
        problems = [p for p in (self.unknown_scenario(scenario),) if p]
        try:
            apply_overrides(self.inputs, pairs)
        except OverrideError as exc:
            problems.append(Problem(label, str(exc)))
        if problems:
            raise InputError(problems)
        chosen = [s for s in self.scenarios if compare or s.name == scenario]
        variants = {}
        if pairs:
            variants[f"{label} " + " ".join(f"{n}={v:g}" for n, v in pairs)] = apply_overrides(self.inputs, pairs)
        for one in chosen:
            variants[f"{where}, scenario '{one.name}'"] = scenario_inputs(self.inputs, one, pairs)
        return chosen, check_overridden(self.inputs, variants)


@dataclass(frozen=True, eq=False)
class Valuation:
    """One valuation (:class:`socsec.model.valuation.Valuation` in ``result``) with what produced it."""

    result: object
    valued: dict  # every valuation made, by scenario name: the base and the scenario or scenarios chosen
    compare: bool  # every scenario of the sheet was valued to be compared side by side
    model: Model
    scenario: str
    scenario_overrides: tuple
    overrides: tuple
    override_label: str
    warnings: tuple
    seconds: float

    @property
    def compared(self) -> dict | None:
        """The valuations of every scenario by name, the base first, when the run compared them."""
        return self.valued if self.compare else None

    @property
    def master_ok(self) -> bool:
        """Every check of the run holds (the Checks sheet's master check)."""
        return self.result.master_ok

    @property
    def checks(self) -> list:
        return list(self.result.checks)

    @property
    def indicators(self) -> pd.DataFrame:
        """Every financing indicator: indicator, horizon (years), value, units."""
        return self.result.finance.indicators

    def indicator(self, name: str, horizon: int) -> float:
        """The value of indicator ``name`` (as in the ``indicator`` column of :attr:`indicators`, e.g.
        ``"gap"``) over ``horizon`` years; an unknown name or horizon is a KeyError listing the valid ones."""
        try:
            return self.result.finance.indicator(name.lower(), int(horizon))
        except KeyError:
            table = self.indicators
            names = sorted(set(table["indicator"]))
            if name.lower() not in names:
                close = difflib.get_close_matches(name.lower(), names, n=3)
                raise KeyError(f"no indicator {name!r}; closest: {', '.join(close) or 'none'}") from None
            horizons = sorted(set(table.loc[table["indicator"] == name.lower(), "horizon"]))
            raise KeyError(f"indicator {name!r} has no horizon {horizon}; horizons: {horizons}") from None

    def table(self, name: str) -> pd.DataFrame:
        """A result table (one of :data:`TABLES`), indexed by ``year`` and, where the table has them, by
        ``sex``, ``age`` and ``service``; the same figures as ``socsec run --csv``."""
        frames = self._frames()
        if name not in frames:
            close = difflib.get_close_matches(name, TABLES, n=3)
            raise KeyError(f"no table {name!r}; closest: {', '.join(close) or 'none'}; tables: {', '.join(TABLES)}")
        frame = frames[name]()
        index = [c for c in _INDEX if c in frame.columns]
        return frame.set_index(index) if index else frame

    def _frames(self) -> dict:
        """Table name -> function making its frame in long form (index columns as columns)."""
        from socsec.model.scenarios import comparison_table, indicators_table
        from socsec.workbook.results import provenance

        valuation = self.result
        projection, economy, pension = valuation.population, valuation.economy, valuation.pension
        compared = self.valued

        def service_frame():
            if pension.actives.shape[0] > 1:
                return pension.service_frame()
            from socsec.model.pension import project_pension  # valuations keep the service stocks of the base year
            return project_pension(valuation.inputs.pension, projection, economy, service_stocks=True).service_frame()

        return {
            "population": projection.population_frame, "demography_summary": lambda: projection.summary,
            "labour_summary": lambda: economy.labour_summary, "labour_by_age": economy.by_age_frame,
            "macro": lambda: economy.macro, "pension_summary": lambda: pension.summary,
            "pension_stocks": pension.stock_frame, "pension_service": service_frame,
            "calibration": lambda: pension.calibration, "financing": lambda: valuation.finance.yearly,
            "replacement_rates": lambda: valuation.finance.replacement,
            "indicators": lambda: indicators_table(compared), "scenarios": lambda: comparison_table(compared),
            "checks": lambda: pd.DataFrame([c.__dict__ for c in valuation.checks]),
            "run_info": lambda: pd.DataFrame(provenance(self.run_info()), columns=["item", "value"]),
        }

    def run_info(self, output: Path | str = "", command: str = "") -> object:
        """What produced these results (the Cover stamp, the Log row, ``run_info.csv``)."""
        from socsec.cache import digest
        from socsec.workbook import results as res

        listing = ([f"{n}={v:g} (scenario {self.scenario})" for n, v in self.scenario_overrides]
                   + [f"{n}={v:g} ({self.override_label})" for n, v in self.overrides])
        text = "all checks passed" if self.master_ok else "some checks failed: see Checks"
        return res.RunInfo(
            time_utc=res.utc_now(), input_file=str(self.model.source or "inputs built in Python"),
            output_file=str(output), versions=versions(), input_hash=digest(self.result.inputs),
            options=self.result.options(), seconds=self.seconds, master_ok=self.master_ok,
            message=text + (f"; {len(self.warnings)} input warning(s)" if self.warnings else ""),
            scenario=self.scenario, overrides="; ".join(listing) or "none",
            command=command or "Python: socsec.load(...).run(...)", warnings=tuple(str(w) for w in self.warnings))

    def to_csv(self, folder, info=None) -> Path:
        """Write every table as ``FOLDER/<table>.csv`` (:data:`CSV_FILES`), into a temporary folder that then
        replaces ``folder`` as a whole (old and new files are never mixed)."""
        from socsec.atomic import atomic_folder, write_csv
        from socsec.workbook.results import provenance

        frames = self._frames()
        frames["run_info"] = lambda: pd.DataFrame(provenance(info or self.run_info()), columns=["item", "value"])
        with atomic_folder(Path(folder)) as tmp:
            for name in TABLES:
                write_csv(frames[name](), tmp / f"{name}.csv")
        return Path(folder)

    def to_excel(self, path, info=None) -> Path:
        """Write a NEW results workbook at ``path`` (the inputs, result sheets, Checks, Cover stamp and Log
        row), atomically; an existing file is replaced only if it is a socsec results workbook."""
        from socsec.workbook import results as res

        path = Path(path)
        if path.exists() and not res.is_results_workbook(path):
            raise InputError([Problem(str(path), "exists and is not a socsec results workbook (never replaced)")])
        workbook, extents = self._input_workbook()
        return res.write_results_workbook(workbook, path, self.result, info or self.run_info(path), self.compared,
                                          extents=extents)

    def _input_workbook(self) -> tuple:
        """The loaded input workbook to fill, and the extents of its tables; for inputs built in Python, a
        workbook the builder lays out from them."""
        if self.model.book is not None:
            return self.model.book.workbook, self.model.extents
        import tempfile

        from socsec.workbook.build import build_workbook
        from socsec.workbook.reader import open_and_read

        with tempfile.TemporaryDirectory(prefix="socsec-") as folder:
            path = build_workbook(self.model.inputs, Path(folder) / "inputs.xlsx", scenarios=self.model.scenarios)
            read, book = open_and_read(path)
        return book.workbook, read.extents


def versions() -> str:
    """The versions of socsec, Python and the core packages (for what a results file records)."""
    import numba
    import numpy
    import openpyxl

    import socsec
    return (f"socsec {socsec.__version__}; python {sys.version.split()[0]}; numpy {numpy.__version__}; "
            f"pandas {pd.__version__}; numba {numba.__version__}; openpyxl {openpyxl.__version__}")
