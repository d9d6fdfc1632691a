"""The backend-neutral writer the result layer draws with, and its openpyxl implementation.

Result sheets, the Checks sheet, the Cover stamp and the Log row are written by
:mod:`socsec.workbook.results` through a handful of block operations, so the same code fills
an .xlsx file (``socsec run``: :class:`OpenpyxlWriter`) and the workbook open in Excel (the
macro: ``socsec.excel.book.XlwingsWriter``, one Excel call per block):

``sheet_names()``                        sheets in workbook order
``named_range(name)``                    where a workbook-scoped name points (RangeRef) or None
``reset_sheet(title)``                   an empty sheet of that title (created at the end if missing)
``remove_sheet(title)`` / ``ensure_sheet(title)`` / ``move_to_end(title)``
``write(sheet, row, col, values, style)``  a 2-D block of values (None = empty cell, text
                                         starting with "=" = formula, :class:`Text` = text whatever
                                         it begins with) with its top-left cell at
                                         (row, col), 1-based, in one operation; ``style`` one of
                                         :data:`STYLES` or None
``number_format(sheet, row, col, n_rows, n_cols, fmt)``  Excel number format of a block
``define_name(name, sheet, min_row, min_col, max_row, max_col)``  workbook-scoped name
``column_widths(sheet, {column: width})``, ``freeze_panes(sheet, cell)``, ``protect(sheet)``
``row_height(sheet, row, points)``       height of one row
``print_setup(sheet, setup)``            page setup (:class:`socsec.workbook.printing.PrintSetup`)
``last_row(sheet)``                      last used row (0 for an empty sheet)

Styles are named, not objects, so each backend renders them its own way.
"""

from typing import Protocol

from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from socsec.workbook import styles
from socsec.workbook.book import RangeRef, named_range_of

STYLES = ("sheet_title", "title", "note", "header", "column_header", "input", "ok", "bad")


class Text(str):
    """Text that is written as text, never as a formula, whatever it begins with: what users typed
    (file names, scenario names, messages quoting cells) cannot become a live formula in a cell."""


def texts(values) -> list:
    """A row of values with every string marked as :class:`Text` (numbers and None unchanged)."""
    return [Text(v) if isinstance(v, str) else v for v in values]


class BookWriter(Protocol):
    def sheet_names(self) -> list[str]: ...
    def named_range(self, name: str) -> RangeRef | None: ...
    def reset_sheet(self, title: str) -> None: ...
    def remove_sheet(self, title: str) -> None: ...
    def ensure_sheet(self, title: str) -> bool: ...
    def move_to_end(self, title: str) -> None: ...
    def write(self, sheet: str, row: int, col: int, values, style: str | None = None) -> None: ...
    def number_format(self, sheet: str, row: int, col: int, n_rows: int, n_cols: int, fmt: str) -> None: ...
    def define_name(self, name: str, sheet: str, min_row: int, min_col: int, max_row: int, max_col: int) -> None: ...
    def column_widths(self, sheet: str, widths: dict) -> None: ...
    def freeze_panes(self, sheet: str, cell: str) -> None: ...
    def protect(self, sheet: str) -> None: ...
    def print_setup(self, sheet: str, setup) -> None: ...
    def row_height(self, sheet: str, row: int, points: float) -> None: ...
    def last_row(self, sheet: str) -> int: ...
    def draw_charts(self, valuation) -> None: ...


def reference(sheet: str, min_row: int, min_col: int, max_row: int, max_col: int) -> str:
    """Absolute A1 reference with the sheet name quoted, e.g. ``'Results labour'!$A$8:$BY$21``."""
    quoted = sheet.replace("'", "''")
    return (f"'{quoted}'!${get_column_letter(min_col)}${min_row}:"
            f"${get_column_letter(max_col)}${max_row}")


def grouped_rows(formats: list) -> list[tuple[int, int, str]]:
    """Runs of equal formats: (first index, count, format)."""
    runs = []
    for i, fmt in enumerate(formats):
        if runs and runs[-1][2] == fmt and runs[-1][0] + runs[-1][1] == i:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1, fmt)
        else:
            runs.append((i, 1, fmt))
    return runs


def _render(style: str):
    """(font, fill, protection, alignment) of a named style for openpyxl (None: leave as is)."""
    return {
        "sheet_title": (styles.SHEET_TITLE_FONT, None, None, None),
        "title": (styles.TITLE_FONT, None, None, None),
        "note": (styles.NOTE_FONT, None, None, None),
        "header": (styles.HEADER_FONT, styles.HEADER_FILL, None, None),
        "column_header": (styles.HEADER_FONT, styles.HEADER_FILL, None, styles.WRAP),
        "input": (styles.INPUT_FONT, styles.INPUT_FILL, styles.UNLOCKED, None),
        "ok": (styles.OK_FONT, None, None, None),
        "bad": (styles.BAD_FONT, None, None, None),
    }[style]


class OpenpyxlWriter:
    """:class:`BookWriter` over an openpyxl Workbook (cell by cell: a file has no call cost)."""

    def __init__(self, workbook):
        self.workbook = workbook

    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def named_range(self, name: str) -> RangeRef | None:
        return named_range_of(self.workbook, name)

    def reset_sheet(self, title: str) -> None:
        """Delete the sheet if present and create it anew at the end."""
        self.remove_sheet(title)
        self.workbook.create_sheet(title)

    def remove_sheet(self, title: str) -> None:
        if title in self.workbook.sheetnames:
            del self.workbook[title]

    def ensure_sheet(self, title: str) -> bool:
        if title in self.workbook.sheetnames:
            return False
        self.workbook.create_sheet(title)
        return True

    def move_to_end(self, title: str) -> None:
        names = self.workbook.sheetnames
        self.workbook.move_sheet(title, offset=len(names) - 1 - names.index(title))

    def write(self, sheet: str, row: int, col: int, values, style: str | None = None) -> None:
        ws = self.workbook[sheet]
        font, fill, protection, alignment = _render(style) if style else (None, None, None, None)
        for i, line in enumerate(values):
            for j, value in enumerate(line):
                cell = ws.cell(row + i, col + j, value)
                if isinstance(value, Text):
                    cell.value, cell.data_type = str(value), "s"  # openpyxl would take "=..." for a formula
                if font is not None:
                    cell.font = font
                if fill is not None:
                    cell.fill = fill
                if protection is not None:
                    cell.protection = protection
                if alignment is not None:
                    cell.alignment = alignment

    def number_format(self, sheet: str, row: int, col: int, n_rows: int, n_cols: int, fmt: str) -> None:
        ws = self.workbook[sheet]
        for r in range(row, row + n_rows):
            for c in range(col, col + n_cols):
                ws.cell(r, c).number_format = fmt

    def define_name(self, name: str, sheet: str, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
        wb = self.workbook
        if name in wb.defined_names:
            del wb.defined_names[name]
        ref = reference(sheet, min_row, min_col, max_row, max_col)
        wb.defined_names[name] = DefinedName(name, attr_text=ref)

    def column_widths(self, sheet: str, widths: dict) -> None:
        ws = self.workbook[sheet]
        for col, width in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width

    def freeze_panes(self, sheet: str, cell: str) -> None:
        self.workbook[sheet].freeze_panes = cell

    def protect(self, sheet: str) -> None:
        self.workbook[sheet].protection.sheet = True  # no password: results are not typed over by mistake

    def row_height(self, sheet: str, row: int, points: float) -> None:
        self.workbook[sheet].row_dimensions[row].height = points

    def print_setup(self, sheet: str, setup) -> None:
        from socsec.workbook.printing import apply_openpyxl
        apply_openpyxl(self.workbook[sheet], setup)

    def draw_charts(self, valuation) -> None:
        """The Charts sheet (:func:`socsec.workbook.charts.add_charts`, over the result tables)."""
        from socsec.workbook.charts import add_charts
        add_charts(self.workbook, valuation)

    def last_row(self, sheet: str) -> int:
        ws = self.workbook[sheet]
        return ws.max_row if ws.max_row > 1 or ws.cell(1, 1).value is not None else 0
