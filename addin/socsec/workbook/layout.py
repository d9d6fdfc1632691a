"""Writing contract tables (shared by the builder and the result writer, on any backend).

A table is written as four caption rows (title, description, units, source) and then the
block: header row + data rows with labels in column A.  The workbook-scoped name covers the
block (header and labels included).  :func:`put_table` draws through the backend-neutral
writer (:mod:`socsec.workbook.writer`); :func:`write_table` is the openpyxl form used by the
builder, with data validation on inputs.
"""

import numpy as np
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from socsec.workbook.printing import LINE_POINTS, header_lines, header_width, shown, widen, width_of
from socsec.workbook.writer import OpenpyxlWriter, grouped_rows

CAPTION_ROWS = 4


def define_name(wb, name: str, sheet: str, min_row: int, min_col: int, max_row: int, max_col: int):
    OpenpyxlWriter(wb).define_name(name, sheet, min_row, min_col, max_row, max_col)


def cell_values(values) -> list:
    """A float array as a list of rows of Python floats, None where NaN or infinite (an empty cell: a cell
    cannot hold them; the results checks report them)."""
    array = np.asarray(values, dtype=float)
    cells = array.astype(object)
    cells[~np.isfinite(array)] = None
    return cells.tolist()


def put_table(writer, sheet: str, row: int, name: str, title: str, description: str, units: str,
              source: str | None, corner: str, row_labels, col_labels, values, is_input: bool,
              number_format="General", widths: dict | None = None) -> int:
    """Write one table through a :class:`~socsec.workbook.writer.BookWriter` starting at ``row``;
    return the first free row after it (one blank row).  Each part (captions, header row, row
    labels, values) is one block; ``number_format`` is one Excel format for every value cell,
    or a list with one per row (runs of equal formats are one operation).  ``widths`` (column ->
    width), if given, is widened to what the header, the labels and the values show
    (:mod:`socsec.workbook.printing`)."""
    formats = [number_format] * len(row_labels) if isinstance(number_format, str) else list(number_format)
    if widths is not None:
        fit_widths(widths, corner, row_labels, col_labels, values, formats)
    writer.write(sheet, row, 1, [[title]], "title")
    writer.write(sheet, row + 1, 1, [[description]], "note")
    writer.write(sheet, row + 2, 1, [["Units:", units], ["Source:", source or ""]])
    if is_input:
        writer.write(sheet, row + 3, 2, [[source or ""]], "input")
    top = row + CAPTION_ROWS
    writer.write(sheet, top, 1, [[corner] + list(col_labels)], "column_header")
    lines = max((header_lines(str(head)) for head in col_labels), default=1)
    if lines > 1:
        writer.row_height(sheet, top, LINE_POINTS * lines)
    if len(row_labels):
        writer.write(sheet, top + 1, 1, [[label] for label in row_labels], "header")
        cells = cell_values(values)
        if cells and cells[0]:
            writer.write(sheet, top + 1, 2, cells, "input" if is_input else None)
            for first, count, fmt in grouped_rows(formats):
                writer.number_format(sheet, top + 1 + first, 2, count, len(cells[0]), fmt)
    last_row, last_col = top + len(row_labels), 1 + len(col_labels)
    writer.define_name(name, sheet, top, 1, last_row, last_col)
    return last_row + 2


def fit_widths(widths: dict, corner: str, row_labels, col_labels, values, formats: list):
    """Widen ``widths`` (column -> width) so that the table's labels and values show whole: column A
    the corner and row labels, each value column its values in their row's format and its header
    (wrapped on several lines, :func:`~socsec.workbook.printing.header_width`)."""
    widen(widths, 1, max((width_of(str(t), bold=True) for t in (corner, *row_labels)), default=0.0))
    cells = cell_values(values) if len(row_labels) else []
    for j, head in enumerate(col_labels):
        shown_widths = (width_of(shown(line[j], fmt)) for line, fmt in zip(cells, formats) if j < len(line))
        widen(widths, 2 + j, max([header_width(str(head)), *shown_widths]))


def write_table(ws, row: int, name: str, title: str, description: str, units: str, source: str | None,
                corner: str, row_labels, col_labels, values, is_input: bool, number_format="General",
                bounds: tuple | None = None, widths: dict | None = None) -> int:
    """:func:`put_table` on an openpyxl worksheet, plus data validation of input values within
    ``bounds`` (low, high); return the first free row after the table."""
    next_row = put_table(OpenpyxlWriter(ws.parent), ws.title, row, name, title, description, units, source,
                         corner, row_labels, col_labels, values, is_input, number_format, widths)
    top = row + CAPTION_ROWS
    last_row, last_col = top + len(row_labels), 1 + len(col_labels)
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
    return next_row


def table_widths(first: float = 34.0, others: float = 11.0, n_cols: int = 2) -> dict:
    """Column widths of a table sheet: column A ``first``, columns B .. ``n_cols + 1`` ``others``."""
    return {1: first, **{j: others for j in range(2, n_cols + 2)}}


def set_widths(ws, first: float = 34.0, others: float = 11.0, n_cols: int = 2):
    OpenpyxlWriter(ws.parent).column_widths(ws.title, table_widths(first, others, n_cols))
