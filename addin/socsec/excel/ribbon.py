"""The actions of the socsec ribbon tab (the add-in ``socsec.xlam``, :mod:`socsec.excel.addin`).

Each button's callback runs ``RunPython "import socsec.excel.ribbon as r; r.run('<button id>')"``;
xlwings calls Python for the active workbook (``xw.Book.caller()``), which is the one the user sees
when pressing a ribbon button.  Every problem is one message box (never an exception, which would
make xlwings' runner show a traceback as a second dialog).

``run_valuation``  the Run macro on the active workbook (:func:`socsec.excel.macros.run_valuation_macro`)
``run_scenarios``  ``socsec run FILE --compare`` on the saved file: a new results workbook
                   ``FILE_results.xlsx`` with every scenario, opened in Excel
``check_inputs``   read and check every input of the active workbook; a message lists the problems
``sensitivity``    ``socsec sensitivity FILE`` on the saved file: each parameter of the Sensitivity sheet
                   at its low and high value, tornado charts in ``FILE_sensitivity.xlsx``, opened in Excel
``report``         ``socsec report FILE --compare`` on the saved file: the draft valuation report
                   with its scenarios, opened in Word
``open_results``   open ``FILE_results.xlsx`` of the last comparison
"""

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from socsec.excel import macros


def run(action: str):
    """Excel entry point of the ribbon: do ``action`` (a button id of socsec.excel.addin.BUTTONS)."""
    import xlwings as xw

    book = xw.Book.caller()
    ui = macros.ExcelUI(book.app)
    if action == "run_valuation":
        return macros.run_valuation_macro()  # shows its own messages
    if action not in ACTIONS:
        ui.alert(f"socsec: no action {action!r} (the add-in is newer or older than the socsec package: run the "
                 "installer again)", "socsec", critical=True)
        return None
    try:
        return ACTIONS[action](book, ui)
    except Exception as exc:  # one message box, never a traceback
        ui.status(None)
        ui.alert(f"socsec stopped with an internal error:\n{type(exc).__name__}: {exc}\n\nRun `socsec doctor` in a "
                 "terminal for the installation.", "socsec: internal error", critical=True)
        return None


def check_inputs(book, ui) -> str:
    """Read and check the inputs of ``book``: "OK" or "INPUT ERRORS", with a message either way."""
    from socsec.errors import InputError
    from socsec.excel.book import XlwingsBook
    from socsec.workbook.reader import read_inputs
    ui.status("socsec: reading and checking the inputs ...")
    try:
        read = read_inputs(XlwingsBook(book))
    except InputError as exc:
        ui.status(None)
        ui.alert(f"{len(exc.problems)} problem(s) in the inputs:\n\n{macros.problems_text(tuple(exc.problems))}",
                 "socsec: input problems", critical=True)
        return "INPUT ERRORS"
    ui.status(None)
    warnings = f"\n\nAccepted with {len(read.warnings)} warning(s):\n\n{macros.problems_text(read.warnings)}" \
        if read.warnings else ""
    ui.alert(f"Every input of '{book.name}' is readable and within its limits.{warnings}", "socsec: inputs OK")
    return "OK"


def saved_file(book, ui) -> Path | None:
    """The file of ``book`` on disk, or None (and a message) if it has none yet."""
    path = Path(book.fullname)
    if not path.is_file():
        ui.alert(f"'{book.name}' has not been saved as a file: save it (the comparison and the report read the saved "
                 "file), then press the button again.", "socsec: save the workbook first", critical=True)
        return None
    return path


def results_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}_results.xlsx")


def _socsec(args: list, ui, title: str) -> bool:
    """Run a socsec command (as typed in a terminal) in this process; on failure its message in a box."""
    from socsec.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    if code != 0:
        ui.alert((err.getvalue() or out.getvalue()).strip()[:3000] or f"socsec {args[0]} failed (exit code {code})",
                 title, critical=True)
    return code == 0


def _on_saved_file(book, ui, command: list, output: Path, status: str, title: str, show) -> Path | None:
    """Run ``socsec COMMAND... FILE -o OUTPUT`` on the saved file of ``book`` (status text while it runs),
    then ``show(output)``; None if the workbook is not saved or the command failed (one message)."""
    path = saved_file(book, ui)
    if path is None:
        return None
    out = output(path)
    ui.status(status)
    done = _socsec([command[0], str(path), *command[1:], "-o", str(out)], ui, title)
    ui.status(None)
    if done:
        show(out)
    return out if done else None


def run_scenarios(book, ui) -> Path | None:
    return _on_saved_file(book, ui, ["run", "--compare"], results_path,
                          "socsec: valuing every scenario of the saved file ...", "socsec: scenario comparison",
                          lambda out: open_in_excel(book, out))


def sensitivity(book, ui) -> Path | None:
    return _on_saved_file(book, ui, ["sensitivity"], lambda path: path.with_name(f"{path.stem}_sensitivity.xlsx"),
                          "socsec: valuing each parameter of the Sensitivity sheet at its low and high value ...",
                          "socsec: sensitivity", lambda out: open_in_excel(book, out))


def report(book, ui) -> Path | None:
    return _on_saved_file(book, ui, ["report", "--compare"], lambda path: path.with_name(f"{path.stem}_report.docx"),
                          "socsec: writing the valuation report with its scenarios ...", "socsec: report",
                          lambda out: open_document(out))


def open_results(book, ui) -> Path | None:
    path = saved_file(book, ui)
    if path is None:
        return None
    out = results_path(path)
    if not out.is_file():
        ui.alert(f"There is no {out.name} next to '{book.name}' yet: press Compare scenarios first.",
                 "socsec: no results workbook", critical=True)
        return None
    open_in_excel(book, out)
    return out


def open_in_excel(book, path: Path):
    """Open ``path`` in the Excel of ``book``."""
    book.app.books.open(str(path))


def open_document(path: Path):
    """Open ``path`` with the program the system gives its type (Word for .docx)."""
    if sys.platform.startswith("win"):
        os.startfile(str(path))  # noqa: S606 - the user's own report
    else:
        subprocess.Popen(["open", str(path)])


ACTIONS = {"check_inputs": check_inputs, "run_scenarios": run_scenarios, "sensitivity": sensitivity,
           "report": report, "open_results": open_results}
