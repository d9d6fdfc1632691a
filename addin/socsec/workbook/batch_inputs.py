"""The input sheets of the batch commands: Sensitivity (``socsec sensitivity``) and Stochastic (``socsec
stochastic``), built into the example and the template with their documented defaults, and read with
every problem named by sheet and cell.

The other commands do not read these sheets; a workbook without them cannot run the batch command
that needs one (the message says where to copy the sheet from).
"""

import numpy as np
from openpyxl.worksheet.datavalidation import DataValidation

from socsec.errors import InputError, Problem
from socsec.workbook import layout, styles
from socsec.workbook.contract import (SENSITIVITY_COLUMNS, SENSITIVITY_MAX_ROWS, SENSITIVITY_RANGE, SENSITIVITY_ROWS,
                                      SENSITIVITY_SHEET, STOCHASTIC_SHEET, STOCHASTIC_TABLES)

STOCHASTIC_SOURCE = ("socsec defaults, illustrative (orders of magnitude of the yearly volatility of these series in "
                     "middle-income countries, not estimates for this country): estimate phi and sigma from the "
                     "country's own series (the US Trustees Report, Appendix V.E, fits such models to history)")


def add_batch_sheets(wb):
    """Append the Sensitivity and Stochastic input sheets, with the defaults, to a workbook being built."""
    from socsec.model.sensitivity import DEFAULT_SENSITIVITY
    from socsec.model.stochastic import default_processes

    _sensitivity_sheet(wb.create_sheet(SENSITIVITY_SHEET), DEFAULT_SENSITIVITY)
    _stochastic_sheet(wb.create_sheet(STOCHASTIC_SHEET), default_processes())


def _sensitivity_sheet(ws, rows):
    ws.cell(1, 1, SENSITIVITY_SHEET).font = styles.SHEET_TITLE_FONT
    ws.cell(2, 1, "`socsec sensitivity` values the workbook with each parameter at its low and at its high value, "
                  "everything else at the base, and reports the key indicators with a tornado chart. Parameters: "
                  "the names listed on the Scenarios sheet (e.g. tfr_shift adds to the TFR of every year).").font = \
        styles.NOTE_FONT
    top = 4
    for j, head in enumerate(("#",) + SENSITIVITY_COLUMNS, start=1):
        styles.style_header(ws.cell(top, j, head))
    for i in range(SENSITIVITY_ROWS):
        ws.cell(top + 1 + i, 1, i + 1)
        for j, value in enumerate(rows[i] if i < len(rows) else (None,) * len(SENSITIVITY_COLUMNS), start=2):
            styles.style_input(ws.cell(top + 1 + i, j, value))
    layout.define_name(ws.parent, SENSITIVITY_RANGE, ws.title, top, 1, top + SENSITIVITY_ROWS,
                       1 + len(SENSITIVITY_COLUMNS))
    rule = DataValidation(type="decimal", operator="between", formula1="-1e30", formula2="1e30",
                          showErrorMessage=True, errorTitle="socsec input", error="enter a number")
    rule.add(f"C{top + 1}:D{top + SENSITIVITY_ROWS}")
    ws.add_data_validation(rule)
    for col, width in zip("ABCDE", (5, 30, 10, 10, 90)):
        ws.column_dimensions[col].width = width


def _stochastic_sheet(ws, processes):
    ws.cell(1, 1, STOCHASTIC_SHEET).font = styles.SHEET_TITLE_FONT
    ws.cell(2, 1, "`socsec stochastic` values the workbook on random yearly paths of these assumptions around "
                  "their deterministic paths (the other sheets); see docs/methodology.md, section 11.7.").font = \
        styles.NOTE_FONT
    processes_spec, correlations_spec = STOCHASTIC_TABLES
    row = 4
    for spec, values in ((processes_spec, np.column_stack([processes.autoregression, processes.innovation_sd])),
                         (correlations_spec, processes.correlation)):
        row = layout.write_table(ws, row, spec.name, spec.title, spec.description, spec.units, STOCHASTIC_SOURCE,
                                 "assumption", spec.rows, spec.cols, values, is_input=True,
                                 number_format=spec.number_format, bounds=(-1.0 if spec.low is None else spec.low,
                                                                           10.0 if spec.high is None else spec.high))
    layout.set_widths(ws, first=26, others=14, n_cols=len(correlations_spec.cols))


def _missing(sheet: str, file_name: str) -> InputError:
    return InputError([Problem(f"{file_name}, sheet '{sheet}'", "missing: this command reads it; copy the sheet "
                                                                 "from workbooks/template.xlsx (documented defaults) "
                                                                 "and adapt it")])


def read_sensitivity(book, base_inputs, file_name: str) -> tuple:
    """The rows of the Sensitivity table (:class:`~socsec.model.sensitivity.SensitivityRow`), checked: a
    known parameter, numbers it accepts as low and high, each parameter once, at least one row, and the
    inputs each value makes valid by every rule of the workbook.  All problems in one InputError, each
    with its sheet and cell."""
    from socsec.model.overrides import OverrideError, apply_overrides
    from socsec.model.sensitivity import SensitivityRow
    from socsec.workbook.reader import _Collector, _where, check_overridden, free_rows, override_value

    out = _Collector()
    table = free_rows(book, SENSITIVITY_RANGE, SENSITIVITY_COLUMNS, SENSITIVITY_MAX_ROWS, "the Sensitivity table", out)
    if table is None and not out.problems:
        raise _missing(SENSITIVITY_SHEET, file_name)
    ref, found = table if table is not None else (None, ())
    rows, first_row, variants = [], {}, {}
    for i, (parameter, low, high, source) in found:
        checked = [override_value(parameter, value, _where(ref, i, 1), _where(ref, i, j), out)
                   for j, value in ((2, low), (3, high))]
        if None in checked:
            continue
        name = checked[0][0].name
        if name in first_row:
            out.add(_where(ref, i, 1), f"{name} is already on row {first_row[name]}: give each parameter once")
            continue
        first_row[name] = ref.address(i, 1)
        row = SensitivityRow(name, checked[0][1], checked[1][1], "" if source is None else str(source).strip())
        for side, column in (("low", 2), ("high", 3)):
            where = f"sheet '{ref.sheet}', cell {ref.address(i, column)} ({name} = {getattr(row, side):g})"
            try:
                variants[where] = apply_overrides(base_inputs, {name: getattr(row, side)})
            except OverrideError as exc:
                out.add(where, str(exc))
        rows.append(row)
    if ref is not None and not rows and not out.problems:
        out.add(_where(ref, 1, 1), "expected at least one parameter with its low and high values")
    problems = out.problems
    if not problems:
        try:
            check_overridden(base_inputs, variants)
        except InputError as exc:
            problems = exc.problems
    if problems:
        raise InputError([Problem(f"{file_name}, {p.where}", p.message) for p in problems])
    return tuple(rows)


def read_stochastic(book, file_name: str):
    """The :class:`~socsec.model.stochastic.Processes` of the Stochastic sheet, checked: every cell a number
    within its range, the correlations symmetric with 1 on the diagonal and positive semi-definite."""
    from socsec.model.stochastic import Processes
    from socsec.workbook.reader import _Collector, _read_table, _where

    processes_spec, correlations_spec = STOCHASTIC_TABLES
    if book.named_range(processes_spec.name) is None and book.named_range(correlations_spec.name) is None:
        raise _missing(STOCHASTIC_SHEET, file_name)
    out = _Collector()
    processes, _ = _read_table(book, processes_spec, out)
    before = len(out.problems)
    correlations, located = _read_table(book, correlations_spec, out)
    if correlations is not None and len(out.problems) == before:  # every cell a number within [-1, 1]
        r = correlations.values
        for i, j in zip(*np.nonzero(np.abs(r - r.T) > 1e-12)):
            if i < j:
                out.add(_where(located, 1 + i, 1 + j), f"the correlations must be symmetric: {r[i, j]:g} here, "
                                                        f"{r[j, i]:g} at {located.address(1 + j, 1 + i)}")
        for i in np.flatnonzero(r.diagonal() != 1.0):
            out.add(_where(located, 1 + i, 1 + i), f"a correlation with itself must be 1, found {r[i, i]:g}")
        if len(out.problems) == before and np.linalg.eigvalsh(r).min() < -1e-10:
            out.add(f"sheet '{located.sheet}', cells {located.address(1, 1)}:"
                    f"{located.address(len(r), len(r))}", "the correlations are not consistent (the matrix is "
                    f"not positive semi-definite: smallest eigenvalue {np.linalg.eigvalsh(r).min():.3g}); "
                    "lower the largest correlations")
    if out.problems:
        raise InputError([Problem(f"{file_name}, {p.where}", p.message) for p in out.problems])
    return Processes(processes.values[:, 0].copy(), processes.values[:, 1].copy(), correlations.values.copy())
