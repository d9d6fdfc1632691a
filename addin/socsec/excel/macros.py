"""The Run macro: the whole valuation chain on the workbook open in Excel.

Excel calls :func:`run_valuation_macro` (a button or ``RunPython "import socsec.excel.macros as m;
m.run_valuation_macro()"``).  Everything it does is in :func:`run_in_book`, which takes a book
(the reader's interface), a writer and a user interface, so the tests run exactly this logic on
.xlsx files (``FileBook`` + ``OpenpyxlWriter``) and on an xlwings Book:

1. read and validate every input block (one Excel call per named range) with the Python API
   (:func:`socsec.api.read_book`);
2. on bad input: a message box listing the problems (sheet and cell) and a Log row; no other
   cell of the workbook is touched;
3. value the model (:meth:`socsec.api.Model.run`, as ``socsec run`` does);
4. write each result block in one call (screen updating and calculation paused meanwhile),
   stamp the Cover (versions, time, input hash, master check) and append a Log row;
5. report progress in Excel's status bar and leave the closing message there ("done in ... s,
   checks OK"); after input errors or a failure, give the status bar back to Excel.
"""

import time
from contextlib import contextmanager
from dataclasses import dataclass

from socsec.errors import InputError
from socsec.workbook import results as res

MAX_PROBLEMS_SHOWN = 15
LOG_MESSAGE_LIMIT = 30000  # an Excel cell holds at most 32767 characters
FILE_TYPE = "socsec workbook (inputs and results of the last run in Excel)"


@dataclass(frozen=True)
class MacroOutcome:
    """What a run of the macro did: ``status`` "OK", "CHECKS FAILED", "INPUT ERRORS", "NOT RUN" (another
    workbook is active, or it is no socsec workbook) or "INTERNAL ERROR"."""

    status: str
    problems: tuple = ()
    warnings: tuple = ()
    seconds: float = 0.0
    valuation: object = None


class SilentUI:
    """No Excel: status messages and alerts are collected (tests, batch use)."""

    def __init__(self):
        self.statuses: list = []
        self.alerts: list = []

    def status(self, text: str | None) -> None:
        self.statuses.append(text)

    def alert(self, text: str, title: str, critical: bool = False) -> None:
        self.alerts.append((title, text, critical))

    @contextmanager
    def batch(self):
        yield


class ExcelUI:
    """Status bar, message boxes and paused screen updating of an xlwings App."""

    def __init__(self, app):
        self.app = app

    def status(self, text: str | None) -> None:
        self.app.status_bar = text if text else False  # False gives the status bar back to Excel

    def alert(self, text: str, title: str, critical: bool = False) -> None:
        self.app.alert(text, title=title, mode="critical" if critical else "info")

    @contextmanager
    def batch(self):
        """Screen updating off and manual calculation while writing, restored afterwards."""
        app = self.app
        updating, calculation = app.screen_updating, app.calculation
        app.screen_updating = False
        app.calculation = "manual"
        try:
            yield
        finally:
            app.calculation = calculation
            app.screen_updating = updating


def versions() -> str:
    import sys

    import numba
    import numpy
    import openpyxl
    import pandas

    import socsec
    text = (f"socsec {socsec.__version__}; python {sys.version.split()[0]}; numpy {numpy.__version__}; "
            f"pandas {pandas.__version__}; numba {numba.__version__}; openpyxl {openpyxl.__version__}")
    try:
        import xlwings
        text += f"; xlwings {xlwings.__version__}"
    except ImportError:
        pass
    return text


def problems_text(problems, limit: int = MAX_PROBLEMS_SHOWN) -> str:
    lines = [f"- {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more (all are in the Log sheet)")
    return "\n".join(lines)


def run_in_book(book, writer, ui=None, name: str | None = None, engine: str = "numba") -> MacroOutcome:
    """Validate, run and write the results into ``book`` through ``writer``.

    ``book``: the reader's interface (``sheet_names``, ``named_range``, ``read``); ``writer``: a
    :class:`~socsec.workbook.writer.BookWriter` on the same workbook; ``ui``: status bar and message
    boxes (default :class:`SilentUI`); ``name``: the workbook's name for the Log (default
    ``book.full_name``, or the file's path).  Input cells are never written.
    """
    from dataclasses import replace

    from socsec.api import read_book

    ui = ui or SilentUI()
    name = name or getattr(book, "full_name", None) or str(getattr(book, "path", "") or "workbook")
    started = time.perf_counter()
    try:
        ui.status("socsec: reading and checking the inputs (1/3) ...")
        try:
            model = read_book(book, name)
        except InputError as exc:
            problems = tuple(exc.problems)
            seconds = time.perf_counter() - started
            message = f"{len(problems)} input problem{'s' if len(problems) != 1 else ''}: " + "; ".join(
                str(p) for p in problems)
            info = res.RunInfo(time_utc=res.utc_now(), input_file=name, output_file="(nothing written)",
                               versions=versions(), input_hash="", options="", seconds=seconds, master_ok=False,
                               message=message[:LOG_MESSAGE_LIMIT])
            res.log_run(writer, info, status="INPUT ERRORS")
            ui.alert(f"socsec found {len(problems)} problem{'s' if len(problems) != 1 else ''} in the inputs; "
                     f"nothing was calculated and no input was changed.\n\n{problems_text(problems)}",
                     "socsec: input problems", critical=True)
            ui.status(None)
            return MacroOutcome("INPUT ERRORS", problems=problems, seconds=seconds)
        population = model.inputs.population
        ui.status(f"socsec: projecting {population.country} {population.base_year}-{population.final_year} "
                  "(2/3) ...")
        run = model.run(engine=engine)
        valuation, warnings = run.result, tuple(str(w) for w in model.warnings)
        ui.status("socsec: writing the results (3/3) ...")
        message = "all checks passed" if valuation.master_ok else "some checks failed: see Checks"
        if warnings:
            message += f"; {len(warnings)} warning(s): " + "; ".join(warnings)
        with ui.batch():
            for table, ref in model.extents.items():  # tables read beyond their names: the names follow
                writer.define_name(table, ref.sheet, ref.min_row, ref.min_col, ref.max_row, ref.max_col)
            res.write_result_sheets(writer, valuation, warnings, scenario="base")
            try:
                writer.draw_charts(valuation)
            except Exception as exc:  # the results stand without their charts; the Log says why
                message += f"; charts not drawn ({type(exc).__name__}: {exc})"
            info = replace(run.run_info(name, "SocsecRun (Excel macro)"), seconds=time.perf_counter() - started,
                           message=message[:LOG_MESSAGE_LIMIT])
            res.stamp_cover(writer, info, file_type=FILE_TYPE,
                            master=res.master_text(valuation.checks, True, info.warnings),
                            country=valuation.inputs.population.country)
            res.log_run(writer, info)
        seconds = time.perf_counter() - started
        status = "OK" if valuation.master_ok else "CHECKS FAILED"
        if not valuation.master_ok:
            failed = [c for c in valuation.checks if not c.ok]
            ui.alert("Results written, but some consistency checks failed (see the Checks sheet):\n\n"
                     + "\n".join(f"- {c.name}: {c.value:g} ({c.description})" for c in failed),
                     "socsec: checks failed", critical=True)
        elif model.warnings:
            ui.alert("Results written. Inputs accepted with warnings:\n\n" + problems_text(model.warnings),
                     "socsec: warnings")
        # the last message stays in the status bar (until the next macro gives it back to Excel)
        ui.status(f"socsec: done in {seconds:.1f} s, checks {'OK' if valuation.master_ok else 'FAILED'}")
        return MacroOutcome(status, warnings=tuple(model.warnings), seconds=seconds, valuation=valuation)
    except BaseException:
        ui.status(None)
        raise


def run_valuation_macro(book_name: str | None = None):
    """Excel entry point: run the valuation of the calling workbook and write its results.

    xlwings' RunPython calls Python for the *active* workbook (``xw.Book.caller()``); ``book_name`` is the
    workbook whose macro was started (the VBA passes ``ThisWorkbook.Name``): when another workbook is
    active, nothing is written and the message says which to activate.  Every problem is one message box
    and the function returns normally: an exception would make xlwings' runner show a second dialog
    with the traceback."""
    import xlwings as xw

    from socsec.excel.book import XlwingsBook, XlwingsWriter

    book = xw.Book.caller()
    ui = ExcelUI(book.app)
    if book_name and book.name != book_name:
        ui.alert(f"The socsec macro of '{book_name}' was started while '{book.name}' is the active workbook: "
                 f"nothing was done. Activate '{book_name}' and run it again.", "socsec: another workbook is active",
                 critical=True)
        return MacroOutcome("NOT RUN")
    xl_book = XlwingsBook(book)
    if xl_book.named_range("in_country") is None:
        ui.alert(f"'{book.name}' is not a socsec workbook (it has no input named in_country): nothing was done. "
                 "Open or activate a socsec workbook (workbooks/template.xlsx) and run again.",
                 "socsec: not a socsec workbook", critical=True)
        return MacroOutcome("NOT RUN")
    try:
        return run_in_book(xl_book, XlwingsWriter(book), ui)
    except Exception as exc:  # never a traceback in Excel's face: one message box
        ui.status(None)
        ui.alert(f"socsec stopped with an internal error:\n{type(exc).__name__}: {exc}\n\n"
                 "Run `socsec doctor` in a terminal, or `socsec --debug run THIS_FILE.xlsx` for details.",
                 "socsec: internal error", critical=True)
        return MacroOutcome("INTERNAL ERROR")
