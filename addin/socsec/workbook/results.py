"""Result sheets, Checks, Log and the Cover stamp of a results workbook.

Everything is drawn through the backend-neutral writer (:mod:`socsec.workbook.writer`):
:func:`write_result_sheets`, :func:`stamp_cover` and :func:`log_run` serve both the headless
run (openpyxl, an .xlsx file) and the Excel macro (xlwings, the open workbook).  A headless
run never changes the user's file: :func:`write_results_workbook` loads the input workbook,
(re)creates the result sheets, stamps the Cover, appends a Log row and saves everything under
a NEW name, atomically.
"""

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from openpyxl import load_workbook

from socsec.atomic import save_workbook
from socsec.model.finance import sustainability_statement
from socsec.workbook import layout, printing
from socsec.workbook.audit import AUDIT_SHEET, write_audit_sheet
from socsec.workbook.contract import (ALL_SETTINGS, DEMOGRAPHY_ROWS, FINANCING_RESULT_ROWS, INPUT_TABLES,
                                      LABOUR_ROWS, MACRO_ROWS, PENSION_ROWS, REPLACEMENT_COLUMNS, RESULT_SHEETS,
                                      indicator_label, result_table)
from socsec.workbook.contract import SENSITIVITY_RESULT_SHEET, STOCHASTIC_RESULT_SHEET
from socsec.workbook.tables import age_labels
from socsec.workbook.writer import OpenpyxlWriter, Text, grouped_rows, texts

CHECKS_SHEET = "Checks"
LOG_SHEET = "Log"
LOG_HEADER = ("Run time (UTC)", "Input file", "Output file", "Status", "Message", "Seconds",
              "Input hash", "Versions", "Scenario", "Overrides", "Input warnings", "Command")
STAMP = (("cov_last_run", "Last run (UTC)"), ("cov_versions", "Package versions"),
         ("cov_input_hash", "Input hash (SHA-256)"), ("cov_options", "Timing options"),
         ("cov_master_check", "Master check"), ("cov_scenario", "Scenario"), ("cov_overrides", "Overrides"),
         ("cov_command", "Command"), ("cov_warnings", "Input warnings"))
RESULTS_MARKER = "socsec results workbook"
COUNTRY_NAME = "cov_country"  # the Country cell of the Cover, a value stamped by each run
SCENARIOS_RESULT_SHEET = "Results scenarios"
CELL_TEXT_LIMIT = 30000  # an Excel cell holds at most 32767 characters


@dataclass(frozen=True)
class RunInfo:
    """What the Cover stamp and the Log row record about a run: when, from which file into which, with
    which versions, inputs (hash), scenario and overrides (each with its value), the command, the
    master check and the input warnings."""

    time_utc: str
    input_file: str
    output_file: str
    versions: str
    input_hash: str
    options: str
    seconds: float
    master_ok: bool
    message: str
    scenario: str = "base"
    overrides: str = "none"
    command: str = ""
    warnings: tuple = ()


def provenance(info: RunInfo) -> list[tuple[str, object]]:
    """(item, value) of everything a run records about itself (run_info.csv, the Cover stamp)."""
    return [("run time (UTC)", info.time_utc), ("input file", info.input_file), ("output", info.output_file),
            ("command", info.command), ("scenario", info.scenario), ("overrides", info.overrides),
            ("input hash (SHA-256)", info.input_hash), ("versions", info.versions), ("timing options", info.options),
            ("master check", "OK" if info.master_ok else "FAILED"), ("message", info.message),
            ("input warnings", len(info.warnings))] + [("input warning", w) for w in info.warnings]


def _warnings_text(info: RunInfo) -> str:
    return ("; ".join(info.warnings) or "none")[:CELL_TEXT_LIMIT]


# Summary result tables: (range name, rows (column, label, format), valuation -> DataFrame).
SUMMARY_TABLES = (
    ("out_demography", DEMOGRAPHY_ROWS, lambda v: v.population.summary),
    ("out_labour", LABOUR_ROWS, lambda v: v.economy.labour_summary),
    ("out_macro", MACRO_ROWS, lambda v: v.economy.macro),
    ("out_pension", PENSION_ROWS, lambda v: v.pension.summary),
    ("out_financing", FINANCING_RESULT_ROWS, lambda v: v.finance.yearly),
)


def create_result_sheets(wb, valuation=None, warnings: tuple = ()):
    """(Re)create the result and Checks sheets (and Log if missing) of an openpyxl workbook; fill
    them from ``valuation``; add the charts."""
    writer = OpenpyxlWriter(wb)
    write_result_sheets(writer, valuation, warnings)
    writer.draw_charts(valuation)  # after the result sheets are filled; removes the Charts sheet if no results


def write_result_sheets(writer, valuation=None, warnings: tuple = (), scenario: str | None = None):
    """(Re)create the result and Checks sheets (and Log if missing) through any
    :class:`~socsec.workbook.writer.BookWriter`; fill them from ``valuation`` (None: empty result
    sheets saying there are no results yet); ``warnings``: the input warnings, listed on Checks;
    ``scenario``: the scenario named in the page header.  Each block is one writer operation; the
    master check is written as a value (readable without a calculation engine), columns are as wide
    as what they show and every sheet has its page setup (:mod:`socsec.workbook.printing`)."""
    master = master_text(valuation.checks if valuation else (), valuation is not None, warnings)
    widths = {title: {1: printing.width_of("Master check:") + 4} for title in RESULT_SHEETS}
    for title in RESULT_SHEETS:
        writer.reset_sheet(title)
        writer.write(title, 1, 1, [[title]], "sheet_title")
        writer.write(title, 2, 1, [["Master check:"]])
        writer.write(title, 2, 2, [[master]], "ok" if master == "OK" else "bad")
        if valuation is None:
            writer.write(title, 3, 1, [["No results yet: run `socsec run` on this workbook."]], "note")
        writer.freeze_panes(title, "B1")
    if valuation is not None:
        currency = valuation.inputs.economy.currency
        next_row = dict.fromkeys(RESULT_SHEETS, 4)
        for name, rows, frame_of in SUMMARY_TABLES:
            spec = result_table(name)
            next_row[spec.sheet] = _fill_summary(writer, spec, rows, frame_of(valuation), next_row[spec.sheet],
                                                 currency, widths[spec.sheet])
        sheet = result_table("out_pop_total").sheet
        _fill_population(writer, sheet, valuation.population, widths[sheet])
        spec = result_table("out_calibration")
        _fill_calibration(writer, spec, valuation.pension.calibration, next_row[spec.sheet], widths[spec.sheet])
        sheet = result_table("out_indicators").sheet
        _fill_indicators(writer, sheet, valuation.finance, currency, widths[sheet])
        writer.write(sheet, 3, 1, [[sustainability_statement(valuation.finance,
                                                            int(valuation.finance.yearly["year"].iloc[-1]))]], "note")
    header = printing.page_header(valuation.inputs.population.country if valuation else "", scenario)
    for title in RESULT_SHEETS:
        writer.column_widths(title, widths[title])
        title_row = 4 + layout.CAPTION_ROWS if valuation is not None and title in REPEATED_HEADER else 0
        writer.print_setup(title, printing.setup_for(max(widths[title]), header, title_row))
        writer.protect(title)  # protected without a password: results are not typed over
    _write_checks(writer, valuation.checks if valuation else (), valuation is not None, warnings)
    writer.print_setup(CHECKS_SHEET, printing.setup_for(6, header))
    write_audit_sheet(writer, valuation, header)
    if not _ensure_log(writer):
        writer.move_to_end(LOG_SHEET)  # keep the Log last
    writer.print_setup(LOG_SHEET, printing.setup_for(len(LOG_HEADER), header))


# Result sheets whose tables all have the years across: their first header row is repeated on each page.
REPEATED_HEADER = ("Results demography", "Results population", "Results labour", "Results economy",
                   "Results financing")


def _ensure_log(writer) -> bool:
    """Create the Log sheet with its header if missing; True if it was created."""
    if not writer.ensure_sheet(LOG_SHEET):
        return False
    writer.write(LOG_SHEET, 1, 1, [list(LOG_HEADER)], "header")
    writer.column_widths(LOG_SHEET, {1: 22, 5: 60})
    return True


def _fill_summary(writer, spec, rows, frame, row: int, currency: str, widths: dict) -> int:
    """One summary table (indicators down, years across), large money amounts in millions; return the
    next free row."""
    values = np.array([frame[key].to_numpy(dtype=float) for key, _, _ in rows])
    years = [int(y) for y in frame["year"]]
    shown = [printing.money_row(label, fmt, line, currency) for (_, label, fmt), line in zip(rows, values)]
    return layout.put_table(writer, spec.sheet, row, spec.name, spec.title, spec.description, spec.units,
                            "socsec projection", "indicator \\ year", [label for label, _ in shown], years,
                            values, is_input=False, number_format=[fmt for _, fmt in shown], widths=widths)


def _fill_calibration(writer, spec, calibration, row: int, widths: dict):
    """The calibration table below the pension summary: projected, actual, ratio."""
    values = calibration[["projected", "actual", "ratio"]].to_numpy(dtype=float)
    next_row = layout.put_table(writer, spec.sheet, row, spec.name, spec.title, spec.description, spec.units,
                                "socsec projection; actual figures from Scheme data", "item",
                                list(calibration["label"]), ["projected", "actual", "ratio"], values,
                                is_input=False, number_format="#,##0", widths=widths)
    if len(values):
        writer.number_format(spec.sheet, next_row - 1 - len(values), 4, len(values), 1, "0.000")  # the ratio


def _fill_indicators(writer, sheet: str, finance, currency: str, widths: dict):
    """The Indicators sheet: the financing indicators, then the replacement rates."""
    spec = result_table("out_indicators")
    table = finance.indicators
    labelled = [printing.money_row(*indicator_label(name, int(h)), [value], currency)
                for name, h, value in zip(table["indicator"], table["horizon"], table["value"])]
    row = layout.put_table(writer, sheet, 4, spec.name, spec.title, spec.description, spec.units,
                           "socsec projection", "indicator", [label for label, _ in labelled], ["value"],
                           table[["value"]].to_numpy(dtype=float), is_input=False,
                           number_format=[fmt for _, fmt in labelled], widths=widths)
    # one block again, saying why a cell has no number: an event that never happens, or no value
    column = [[float(value) if np.isfinite(value) else no_value_text(name, value)]
              for name, value in zip(table["indicator"], table["value"])]
    writer.write(sheet, 4 + layout.CAPTION_ROWS + 1, 2, column)
    printing.widen(widths, 2, max(printing.width_of(text) for [text] in column if isinstance(text, str))
                   if any(isinstance(text, str) for [text] in column) else 0.0)
    spec = result_table("out_replacement")
    rates = finance.replacement
    labels = [f"{career}, {sex}, {year}" for career, sex, year in zip(rates["career"], rates["sex"], rates["year"])]
    columns = [label for _, label, _ in REPLACEMENT_COLUMNS]
    values = rates[[name for name, _, _ in REPLACEMENT_COLUMNS]].to_numpy(dtype=float)
    layout.put_table(writer, sheet, row, spec.name, spec.title, spec.description, spec.units, "socsec projection",
                     "career, sex, year of retirement", labels, columns, values, is_input=False,
                     number_format="0.0%", widths=widths)
    first_data_row = row + layout.CAPTION_ROWS + 1
    for j, (_, _, fmt) in enumerate(REPLACEMENT_COLUMNS):
        if fmt != "0.0%" and len(values):
            writer.number_format(sheet, first_data_row, 2 + j, len(values), 1, fmt)
            printing.widen(widths, 2 + j, max(printing.width_of(printing.shown(v, fmt)) for v in values[:, j]))


def no_value_text(indicator: str, value: float) -> str:
    """What an indicator without a number shows: "never" (a depletion or crossover that does not happen
    within the projection) or "not computable" (undefined or overflowing: a failed check)."""
    from socsec.model.results_checks import NEVER
    return "never" if indicator in NEVER and np.isnan(value) else "not computable"


def _fill_population(writer, sheet: str, projection, widths: dict):
    """Population by age, both sexes, males, females."""
    pop = projection.population
    years = [int(projection.years[0]) + k for k in range(pop.shape[0])]
    labels = age_labels(pop.shape[2] - 1)
    row = 4
    for name, data in (("out_pop_total", pop.sum(axis=1)), ("out_pop_male", pop[:, 0]),
                       ("out_pop_female", pop[:, 1])):
        spec = result_table(name)
        row = layout.put_table(writer, sheet, row, spec.name, spec.title, spec.description, spec.units,
                               "socsec projection", "age \\ year", labels, years, data.T,
                               is_input=False, number_format="#,##0", widths=widths)


def master_text(checks, has_run: bool, warnings: tuple = ()) -> str:
    """The master check: "not run", "FAILED", "OK" or "OK, with N input warnings"."""
    if not has_run:
        return "not run"
    if not all(c.ok for c in checks):
        return "FAILED"
    return f"OK, with {len(warnings)} input warning(s)" if warnings else "OK"


def _write_checks(writer, checks, has_run: bool, warnings: tuple = ()):
    writer.reset_sheet(CHECKS_SHEET)
    writer.write(CHECKS_SHEET, 1, 1, [["Checks"]], "sheet_title")
    writer.write(CHECKS_SHEET, 2, 1, [["Master check"]])
    master = master_text(checks, has_run, warnings)
    writer.write(CHECKS_SHEET, 2, 2, [[master]], "ok" if master == "OK" else "bad")
    writer.define_name("chk_master", CHECKS_SHEET, 2, 2, 2, 2)
    writer.write(CHECKS_SHEET, 3, 1, [["Input fingerprint", fingerprint_formula()]])
    writer.define_name(FINGERPRINT_NAME, CHECKS_SHEET, 3, 2, 3, 2)
    writer.write(CHECKS_SHEET, 4, 1, [["Check", "Worst value", "Tolerance", "Status", "What it checks",
                                       "Worst cell"]], "header")
    status = ["OK" if check.ok else "FAILED" for check in checks]
    if checks:
        writer.write(CHECKS_SHEET, 5, 1, [[check.name, _number(check.value), float(check.tolerance), state,
                                           Text(check.description), Text(check.where)]
                                          for check, state in zip(checks, status)])
        for first, count, state in grouped_rows(status):
            writer.write(CHECKS_SHEET, 5 + first, 4, [[state]] * count, "ok" if state == "OK" else "bad")
    if warnings:
        row = 6 + len(checks)
        writer.write(CHECKS_SHEET, row, 1, [["Input warnings (accepted values outside the usual range)", None, None,
                                             "Status", "Where and what"]], "header")
        writer.write(CHECKS_SHEET, row + 1, 1, [[f"Input warning {k}", None, None, "WARNING", Text(str(w))]
                                                for k, w in enumerate(warnings, start=1)])
        writer.write(CHECKS_SHEET, row + 1, 4, [["WARNING"]] * len(warnings), "bad")
    writer.column_widths(CHECKS_SHEET, dict(zip(range(1, 7), (34, 14, 12, 10, 90, 60))))
    writer.protect(CHECKS_SHEET)


def _number(value: float):
    """A float for a cell; an infinite or undefined value as text (a cell cannot hold it as a number)."""
    import math
    value = float(value)
    return value if math.isfinite(value) else Text("not computable" if math.isnan(value) else f"{value}")


FINGERPRINT_NAME = "chk_inputs"


def fingerprint_formula() -> str:
    """Excel formula whose value changes whenever any input changes: every setting, then for each
    input table the sum of its numbers weighted by position and their count.  The worksheet
    function SOCSEC_INDICATOR reads this one cell to know whether its cached inputs are current
    (Excel recalculates it as inputs change); it is a check of the inputs, not model logic."""
    settings = '&"|"&'.join(spec.name for spec in ALL_SETTINGS)
    tables = '&"|"&'.join(f"SUMPRODUCT(ROW({t.name})*1024+COLUMN({t.name}),{t.name})&\"/\"&COUNT({t.name})"
                          for t in INPUT_TABLES)
    return f'={settings}&"|"&{tables}'


def write_cover_stamp(wb, info: RunInfo | None):
    """Write the run stamp (or 'not run yet') into the named cells below the Cover notes (openpyxl)."""
    stamp_cover(OpenpyxlWriter(wb), info)


def stamp_cover(writer, info: RunInfo | None, file_type: str | None = None, master: str | None = None,
                country: str | None = None):
    """The run stamp (or 'not run yet') in the named cells below the Cover notes, one block; a Cover
    sheet deleted or renamed by the user is made anew; ``country`` (if given) into the Cover's
    Country cell (:data:`COUNTRY_NAME`), as a value.

    ``file_type`` (default: the results-workbook marker after a run) is what the "File type" row
    says; a run in Excel writes into the user's own workbook, which must not carry the marker
    (``socsec run`` replaces only files that carry it).  ``master``: the master check's text
    (default OK / FAILED)."""
    writer.ensure_sheet("Cover")
    ref = writer.named_range("cov_last_run")
    first = ref.min_row if ref is not None and ref.sheet == "Cover" else writer.last_row("Cover") + 2
    values = stamp_values(info, master)
    block = [[label, Text(values[name])] for name, label in STAMP]
    block.append(["File type", file_type or (RESULTS_MARKER if info else "socsec input workbook")])
    writer.write("Cover", first, 1, block)
    for k, (name, _) in enumerate(STAMP):
        writer.define_name(name, "Cover", first + k, 2, first + k, 2)
    at = writer.named_range(COUNTRY_NAME)
    if country is not None and at is not None and at.sheet == "Cover":
        writer.write("Cover", at.min_row, at.min_col, [[Text(country)]])


def stamp_values(info: RunInfo | None, master: str | None = None) -> dict:
    """The value of each Cover stamp cell (:data:`STAMP`) for a run (None: not run yet)."""
    if info is None:
        return {name: "" for name, _ in STAMP} | {"cov_last_run": "not run yet", "cov_master_check": "not run"}
    return {"cov_last_run": info.time_utc, "cov_versions": info.versions, "cov_input_hash": info.input_hash,
            "cov_options": info.options, "cov_master_check": master or ("OK" if info.master_ok else "FAILED"),
            "cov_scenario": info.scenario, "cov_overrides": info.overrides, "cov_command": info.command,
            "cov_warnings": _warnings_text(info)}


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


def write_results_workbook(workbook, output_path, valuation, info: RunInfo, compared: dict | None = None,
                           extents: dict | None = None, extra_sheet=None) -> Path:
    """Fill the results into ``workbook`` (the loaded input workbook), stamp the Cover, append a
    Log row and save it under ``output_path`` atomically.  The input file is not touched.
    ``compared``: valuations by scenario name for the sheet Results scenarios (None: no such sheet);
    ``extents``: ranges of input tables read beyond their names, whose names are widened to match;
    ``extra_sheet(workbook)``: writes the result sheet of a batch command (sensitivity, stochastic)."""
    writer = OpenpyxlWriter(workbook)
    for name, ref in (extents or {}).items():
        writer.define_name(name, ref.sheet, ref.min_row, ref.min_col, ref.max_row, ref.max_col)
    write_result_sheets(writer, valuation, info.warnings, info.scenario)
    writer.draw_charts(valuation)
    for stale in (SCENARIOS_RESULT_SHEET, SENSITIVITY_RESULT_SHEET, STOCHASTIC_RESULT_SHEET):  # of an earlier run
        writer.remove_sheet(stale)
    if compared:
        from socsec.workbook.scenario_sheet import write_scenarios_sheet
        write_scenarios_sheet(workbook, compared, master_text(valuation.checks, True, info.warnings))
        writer.move_to_end(LOG_SHEET)
    if extra_sheet is not None:
        extra_sheet(workbook)
        writer.move_to_end(LOG_SHEET)
    country = valuation.inputs.population.country
    stamp_cover(writer, info, master=master_text(valuation.checks, True, info.warnings), country=country)
    append_log(workbook, info)
    printing.setup_sheets(workbook, printing.page_header(country, info.scenario),
                          skip=RESULT_SHEETS + (CHECKS_SHEET, LOG_SHEET, AUDIT_SHEET))
    return save_workbook(workbook, output_path)


def append_log(wb, info: RunInfo):
    """Append the Log row of a run (openpyxl)."""
    log_run(OpenpyxlWriter(wb), info)


def log_run(writer, info: RunInfo, status: str | None = None):
    """Append one Log row (the Log sheet is created if missing; its header is brought up to date);
    ``status`` defaults to OK / CHECKS FAILED from the master check.  Text is written as text."""
    if not _ensure_log(writer):
        writer.write(LOG_SHEET, 1, 1, [list(LOG_HEADER)], "header")
    status = status or ("OK" if info.master_ok else "CHECKS FAILED")
    row = [info.time_utc, info.input_file, info.output_file, status, info.message[:CELL_TEXT_LIMIT],
           round(info.seconds, 3), info.input_hash, info.versions, info.scenario, info.overrides,
           _warnings_text(info), info.command]
    writer.write(LOG_SHEET, writer.last_row(LOG_SHEET) + 1, 1, [texts(row)])


def utc_now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
