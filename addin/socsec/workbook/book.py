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


def named_range_of(workbook, name: str) -> RangeRef | None:
    """Where a workbook-scoped name of an openpyxl workbook points: one rectangular range on an
    existing sheet, or None (missing name, a formula or constant, several areas, no such sheet)."""
    defined = workbook.defined_names.get(name)
    if defined is None:
        return None
    try:
        destinations = list(defined.destinations)
    except Exception:  # a name that is a formula or a constant, not a range
        return None
    if len(destinations) != 1:
        return None
    sheet, ref = destinations[0]
    sheet = sheet.replace("''", "'")
    if sheet not in workbook.sheetnames:
        return None
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return RangeRef(sheet, min_row, min_col, max_row, max_col)


class _Uncalculated:
    """Marks a formula cell whose value was never calculated and saved (e.g. written by a script)."""

    def __repr__(self):
        return "a formula with no saved value (open and save the workbook in Excel, or type the value)"


UNCALCULATED = _Uncalculated()


class FileBook:
    """View of an .xlsx/.xlsm file through openpyxl.

    ``formulas=True`` (the default) loads the workbook as it is, formulas kept, so that the
    same object can be copied into a results workbook; a formula cell then has no value here
    and is counted in ``formula_cells`` (the reader then reads the file again with
    ``formulas=False``, which gives the values Excel last calculated and saved).
    """

    def __init__(self, path, formulas: bool = True, formula_cells: frozenset = frozenset()):
        self.path = Path(path)
        self.formula_cells: set = set()  # (sheet, row, column) of formula cells read so far
        self._known_formulas = formula_cells
        if not self.path.is_file():
            raise InputError([Problem(str(self.path), "file not found")])
        try:
            self.workbook = load_workbook(self.path, data_only=not formulas,
                                          keep_vba=self.path.suffix.lower() == ".xlsm")
        except Exception as exc:  # any failure to parse the file means it is not a usable workbook
            raise InputError([Problem(str(self.path), "is not an Excel workbook (.xlsx/.xlsm) or is damaged "
                                                      f"({type(exc).__name__}: {exc})")]) from exc

    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def named_range(self, name: str) -> RangeRef | None:
        """Where a workbook-scoped name points, or None if it is missing or not one range."""
        return named_range_of(self.workbook, name)

    def read(self, ref: RangeRef) -> list[list]:
        """Values of the range as a list of rows (None for empty cells and for formulas)."""
        ws = self.workbook[ref.sheet]
        rows = []
        for row in ws.iter_rows(min_row=ref.min_row, max_row=ref.max_row, min_col=ref.min_col,
                                max_col=ref.max_col):
            values = []
            for cell in row:
                position = (ref.sheet, cell.row, cell.column)
                if cell.data_type == "f":
                    self.formula_cells.add(position)
                    values.append(None)
                elif cell.value is None and position in self._known_formulas:
                    values.append(UNCALCULATED)
                else:
                    values.append(cell.value)
            rows.append(values)
        return rows
