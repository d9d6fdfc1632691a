"""Writing contract tables onto openpyxl worksheets (shared by the builder and the result writer).

A table is written as four caption rows (title, description, units, source) and then the
block: header row + data rows with labels in column A.  The workbook-scoped name covers the
block (header and labels included).
"""

import numpy as np
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from socsec.workbook import styles

CAPTION_ROWS = 4


def define_name(wb, name: str, sheet: str, min_row: int, min_col: int, max_row: int, max_col: int):
    ref = (f"'{sheet}'!${get_column_letter(min_col)}${min_row}:"
           f"${get_column_letter(max_col)}${max_row}")
    if name in wb.defined_names:
        del wb.defined_names[name]
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def write_table(ws, row: int, name: str, title: str, description: str, units: str, source: str | None,
                corner: str, row_labels, col_labels, values, is_input: bool, number_format="General",
                bounds: tuple | None = None) -> int:
    """Write one table starting at ``row``; return the first free row after it (one blank row).

    ``number_format`` is one Excel format for every value cell, or a list with one per row.
    """
    formats = [number_format] * len(row_labels) if isinstance(number_format, str) else list(number_format)
    ws.cell(row, 1, title).font = styles.TITLE_FONT
    ws.cell(row + 1, 1, description).font = styles.NOTE_FONT
    ws.cell(row + 2, 1, "Units:")
    ws.cell(row + 2, 2, units)
    ws.cell(row + 3, 1, "Source:")
    source_cell = ws.cell(row + 3, 2, source or "")
    if is_input:
        styles.style_input(source_cell)
    top = row + CAPTION_ROWS
    corner_cell = ws.cell(top, 1, corner)
    styles.style_header(corner_cell)
    for j, label in enumerate(col_labels):
        styles.style_header(ws.cell(top, 2 + j, label))
    values = np.asarray(values, dtype=float)
    for i, label in enumerate(row_labels):
        styles.style_header(ws.cell(top + 1 + i, 1, label))
        for j in range(values.shape[1]):
            value = values[i, j]
            cell = ws.cell(top + 1 + i, 2 + j, None if np.isnan(value) else float(value))
            cell.number_format = formats[i]
            if is_input:
                styles.style_input(cell)
    last_row, last_col = top + len(row_labels), 1 + len(col_labels)
    define_name(ws.parent, name, ws.title, top, 1, last_row, last_col)
    if is_input and bounds is not None and len(row_labels) and len(col_labels):
        low, high = bounds
        rule = DataValidation(type="decimal", operator="between" if high is not None else "greaterThanOrEqual",
                              formula1=str(-1e30 if low is None else low),
                              formula2=None if high is None else str(high), allow_blank=False,
                              showErrorMessage=True, errorTitle="socsec input",
                              error=f"{title}: enter a number" + (
                                  f" between {low:g} and {high:g}" if high is not None and low is not None else ""))
        rule.add(f"B{top + 1}:{get_column_letter(last_col)}{last_row}")
        ws.add_data_validation(rule)
    return last_row + 2


def set_widths(ws, first: float = 34.0, others: float = 11.0, n_cols: int = 2):
    ws.column_dimensions["A"].width = first
    for j in range(2, n_cols + 2):
        ws.column_dimensions[get_column_letter(j)].width = others
