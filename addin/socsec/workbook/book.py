"""The small "book" interface the reader works on, and its .xlsx file backend (openpyxl).

A book answers three questions: which sheets exist, where a workbook-scoped name points,
and what values a rectangular range holds.  The Excel add-in supplies the same interface
over a live xlwings Book, so validation and reading are shared by both paths.
"""

from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from socsec.errors import InputError, Problem


@dataclass(frozen=True)
class RangeRef:
    """A rectangular range on one sheet (1-based rows and columns, inclusive)."""

    sheet: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def address(self, row_offset: int = 0, col_offset: int = 0) -> str:
        """A1 address of the cell at the given offsets from the top-left corner."""
        return f"{get_column_letter(self.min_col + col_offset)}{self.min_row + row_offset}"

    @property
    def n_rows(self) -> int:
        return self.max_row - self.min_row + 1

    @property
    def n_cols(self) -> int:
        return self.max_col - self.min_col + 1


class FileBook:
    """Read-only view of an .xlsx/.xlsm file (cached cell values, formulas not evaluated)."""

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError([Problem(str(self.path), "file not found")])
        try:
            self._wb = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # any failure to parse the file means it is not a usable workbook
            raise InputError([Problem(str(self.path), "is not an Excel workbook (.xlsx/.xlsm) or is damaged "
                                                      f"({type(exc).__name__}: {exc})")]) from exc

    def close(self):
        self._wb.close()

    def sheet_names(self) -> list[str]:
        return list(self._wb.sheetnames)

    def named_range(self, name: str) -> RangeRef | None:
        """Where a workbook-scoped name points, or None if it is missing or not one range."""
        defined = self._wb.defined_names.get(name)
        if defined is None:
            return None
        destinations = list(defined.destinations)
        if len(destinations) != 1:
            return None
        sheet, ref = destinations[0]
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        return RangeRef(sheet, min_row, min_col, max_row, max_col)

    def read(self, ref: RangeRef) -> list[list]:
        """Values of the range as a list of rows (None for empty cells)."""
        ws = self._wb[ref.sheet]
        try:
            rows = [list(r) for r in ws.iter_rows(min_row=ref.min_row, max_row=ref.max_row,
                                                   min_col=ref.min_col, max_col=ref.max_col,
                                                   values_only=True)]
        except Exception as exc:  # a damaged sheet part inside the file
            raise InputError([Problem(f"sheet '{ref.sheet}'", "cannot be read: the workbook is damaged "
                                                              f"({type(exc).__name__}: {exc})")]) from exc
        width = ref.n_cols
        rows = [r + [None] * (width - len(r)) for r in rows]
        rows += [[None] * width for _ in range(ref.n_rows - len(rows))]
        return rows
