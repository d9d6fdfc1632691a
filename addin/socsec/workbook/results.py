"""Result sheets, Checks, Log and the Cover stamp of a results workbook (openpyxl).

A headless run never changes the user's file: :func:`write_results_workbook` loads the
input workbook, (re)creates the result sheets, stamps the Cover, appends a Log row and
saves everything under a NEW name, atomically.
"""

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from socsec.atomic import save_workbook
from socsec.workbook import charts, layout, styles
from socsec.workbook.contract import (DEMOGRAPHY_ROWS, LABOUR_ROWS, MACRO_ROWS, PENSION_ROWS, RESULT_SHEETS,
                                      result_table)
from socsec.workbook.tables import age_labels

CHECKS_SHEET = "Checks"
LOG_SHEET = "Log"
LOG_HEADER = ("Run time (UTC)", "Input file", "Output file", "Status", "Message", "Seconds",
              "Input hash", "Versions")
STAMP = (("cov_last_run", "Last run (UTC)"), ("cov_versions", "Package versions"),
         ("cov_input_hash", "Input hash (SHA-256)"), ("cov_options", "Timing options"),
         ("cov_master_check", "Master check"))
RESULTS_MARKER = "socsec results workbook"


@dataclass(frozen=True)
class RunInfo:
    """What the Cover stamp and the Log row record about a run."""

    time_utc: str
    input_file: str
    output_file: str
    versions: str
    input_hash: str
    options: str
    seconds: float
    master_ok: bool
    message: str


# Summary result tables: (range name, rows (column, label, format), valuation -> DataFrame).
SUMMARY_TABLES = (
    ("out_demography", DEMOGRAPHY_ROWS, lambda v: v.population.summary),
    ("out_labour", LABOUR_ROWS, lambda v: v.economy.labour_summary),
    ("out_macro", MACRO_ROWS, lambda v: v.economy.macro),
    ("out_pension", PENSION_ROWS, lambda v: v.pension.summary),
)


def create_result_sheets(wb, valuation=None):
    """(Re)create the result and Checks sheets (and Log if missing); fill them from ``valuation``."""
    for title in RESULT_SHEETS + (CHECKS_SHEET,):
        if title in wb.sheetnames:
            del wb[title]
    sheets = {title: wb.create_sheet(title) for title in RESULT_SHEETS}
    for ws in sheets.values():
        ws.cell(1, 1, ws.title).font = styles.SHEET_TITLE_FONT
        ws.cell(2, 1, "Master check:")
        ws.cell(2, 2, "=chk_master")
        if valuation is None:
            ws.cell(3, 1, "No results yet: run `socsec run` on this workbook.").font = styles.NOTE_FONT
        ws.freeze_panes = "B1"
    if valuation is not None:
        for name, rows, frame_of in SUMMARY_TABLES:
            spec = result_table(name)
            _fill_summary(sheets[spec.sheet], spec, rows, frame_of(valuation))
        _fill_population(sheets[result_table("out_pop_total").sheet], valuation.population)
        _fill_calibration(sheets[result_table("out_calibration").sheet], valuation.pension.calibration)
    for ws in sheets.values():
        layout.set_widths(ws, first=46, n_cols=ws.max_column)
        ws.protection.sheet = True  # protected without a password: results are not typed over
    _write_checks(wb, valuation.checks if valuation else (), valuation is not None)
    charts.add_charts(wb, valuation)  # after the result sheets are filled; removes the Charts sheet if no results
    if LOG_SHEET not in wb.sheetnames:
        log = wb.create_sheet(LOG_SHEET)
        for j, head in enumerate(LOG_HEADER, start=1):
            styles.style_header(log.cell(1, j, head))
        log.column_dimensions["A"].width = 22
        log.column_dimensions["E"].width = 60
    else:  # keep the Log last
        wb.move_sheet(LOG_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LOG_SHEET))


def _fill_summary(ws, spec, rows, frame):
    values = np.array([frame[key].to_numpy(dtype=float) for key, _, _ in rows])
    layout.write_table(ws, 4, spec.name, spec.title, spec.description, spec.units, "socsec projection",
                       "indicator \\ year", [label for _, label, _ in rows], [int(y) for y in frame["year"]],
                       values, is_input=False, number_format=[fmt for _, _, fmt in rows])


def _fill_calibration(ws, calibration):
    """The calibration table below the pension summary: projected, actual, ratio."""
    spec = result_table("out_calibration")
    values = calibration[["projected", "actual", "ratio"]].to_numpy(dtype=float)
    layout.write_table(ws, ws.max_row + 2, spec.name, spec.title, spec.description, spec.units,
                       "socsec projection; actual figures from Scheme data", "item",
                       list(calibration["label"]), ["projected", "actual", "ratio"], values, is_input=False,
                       number_format="#,##0")
    for row in ws.iter_rows(min_row=ws.max_row - len(values) + 1, max_row=ws.max_row, min_col=4, max_col=4):
        row[0].number_format = "0.000"  # the ratio column


def _fill_population(ws, projection):
    pop = projection.population
    years = [int(projection.years[0]) + k for k in range(pop.shape[0])]
    labels = age_labels(pop.shape[2] - 1)
    row = 4
    for name, data in (("out_pop_total", pop.sum(axis=1)), ("out_pop_male", pop[:, 0]),
                       ("out_pop_female", pop[:, 1])):
        spec = result_table(name)
        row = layout.write_table(ws, row, spec.name, spec.title, spec.description, spec.units,
                                 "socsec projection", "age \\ year", labels, years, data.T,
                                 is_input=False, number_format="#,##0")


def _write_checks(wb, checks, has_run: bool):
    ws = wb.create_sheet(CHECKS_SHEET)
    ws.cell(1, 1, "Checks").font = styles.SHEET_TITLE_FONT
    ws.cell(2, 1, "Master check")
    master = "not run" if not has_run else ("OK" if all(c.ok for c in checks) else "FAILED")
    cell = ws.cell(2, 2, master)
    cell.font = styles.OK_FONT if master == "OK" else styles.BAD_FONT
    layout.define_name(wb, "chk_master", CHECKS_SHEET, 2, 2, 2, 2)
    for j, head in enumerate(("Check", "Worst value", "Tolerance", "Status", "What it checks"), start=1):
        styles.style_header(ws.cell(4, j, head))
    for i, check in enumerate(checks, start=5):
        ws.cell(i, 1, check.name)
        ws.cell(i, 2, float(check.value))
        ws.cell(i, 3, float(check.tolerance))
        status = ws.cell(i, 4, "OK" if check.ok else "FAILED")
        status.font = styles.OK_FONT if check.ok else styles.BAD_FONT
        ws.cell(i, 5, check.description)
    for col, width in zip("ABCDE", (34, 14, 12, 10, 90)):
        ws.column_dimensions[col].width = width
    ws.protection.sheet = True


def write_cover_stamp(wb, info: RunInfo | None):
    """Write the run stamp (or 'not run yet') into the named cells below the Cover notes."""
    ws = wb["Cover"]
    if "cov_last_run" in wb.defined_names:
        dest = list(wb.defined_names["cov_last_run"].destinations)[0][1]
        first = range_boundaries(dest.replace("$", ""))[1]
    else:
        first = ws.max_row + 2
    values = {
        "cov_last_run": info.time_utc if info else "not run yet",
        "cov_versions": info.versions if info else "",
        "cov_input_hash": info.input_hash if info else "",
        "cov_options": info.options if info else "",
        "cov_master_check": ("OK" if info.master_ok else "FAILED") if info else "not run",
    }
    for k, (name, label) in enumerate(STAMP):
        ws.cell(first + k, 1, label)
        ws.cell(first + k, 2, values[name])
        layout.define_name(wb, name, "Cover", first + k, 2, first + k, 2)
    ws.cell(first + len(STAMP), 1, "File type")
    ws.cell(first + len(STAMP), 2, RESULTS_MARKER if info else "socsec input workbook")


def is_results_workbook(path) -> bool:
    """True if ``path`` is a results workbook written by socsec (safe to replace)."""
    try:
        wb = load_workbook(path, read_only=True)
        try:
            ws = wb["Cover"]
            return any(row[1] == RESULTS_MARKER for row in ws.iter_rows(max_col=2, values_only=True)
                       if len(row) > 1)
        finally:
            wb.close()
    except Exception:
        return False


def write_results_workbook(workbook, output_path, valuation, info: RunInfo) -> Path:
    """Fill the results into ``workbook`` (the loaded input workbook), stamp the Cover, append a
    Log row and save it under ``output_path`` atomically.  The input file is not touched."""
    create_result_sheets(workbook, valuation)
    write_cover_stamp(workbook, info)
    append_log(workbook, info)
    return save_workbook(workbook, output_path)


def append_log(wb, info: RunInfo):
    ws = wb[LOG_SHEET]
    ws.append([info.time_utc, info.input_file, info.output_file,
               "OK" if info.master_ok else "CHECKS FAILED", info.message, round(info.seconds, 3),
               info.input_hash, info.versions])


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
