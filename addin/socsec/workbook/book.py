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


EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384  # the largest sheet Excel has


def range_of(sheet: str, ref: str) -> RangeRef | None:
    """RangeRef of an A1 reference such as ``$A$10:$C$111``; whole columns (``A:C``) or rows (``3:5``)
    reach the sheet's edge (the reader then refuses them as too large); None if it is not a range."""
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return None
    return RangeRef(sheet, min_row or 1, min_col or 1, max_row or EXCEL_ROWS, max_col or EXCEL_COLS)


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
    return range_of(sheet, ref)


# Limits checked before a workbook file is loaded (a file beyond them is refused as bad input):
MAX_PART_BYTES = 48 * 2**20  # uncompressed size of one part (a sheet's XML, the shared strings)
MAX_TOTAL_BYTES = 160 * 2**20  # uncompressed size of every part together
MAX_CELLS = 1_500_000  # cells stored in all sheets together (the example has about 100 thousand)
MAX_PARTS = 2000


def check_file_limits(path: Path):
    """Refuse, before loading, a file whose parts or cells exceed the limits above (a workbook holding
    a hundred million cells, or gigabytes of XML, would exhaust the memory of the machine).  The
    sizes are those the zip directory declares (a part cannot unpack to more); the cells are counted
    by streaming each sheet's XML."""
    import zipfile

    def refuse(message):
        raise InputError([Problem(str(path), message)])
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        refuse(f"is not an Excel workbook (.xlsx/.xlsm) or is damaged ({type(exc).__name__}: {exc})")
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            refuse(f"holds {len(parts)} parts, more than a workbook of this model needs ({MAX_PARTS})")
        for part in parts:
            if part.file_size > MAX_PART_BYTES:
                refuse(f"part {part.filename} unpacks to {part.file_size / 2**20:.0f} MB, above the limit of "
                       f"{MAX_PART_BYTES / 2**20:.0f} MB: remove what is not an input of the model")
        total = sum(part.file_size for part in parts)
        if total > MAX_TOTAL_BYTES:
            refuse(f"unpacks to {total / 2**20:.0f} MB, above the limit of {MAX_TOTAL_BYTES / 2**20:.0f} MB")
        cells = 0
        for part in parts:
            if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                cells += _count_cells(archive, part)
                if cells > MAX_CELLS:
                    refuse(f"holds more than {MAX_CELLS:,} cells (at {part.filename}): remove what is not an "
                           "input of the model")


def _count_cells(archive, part) -> int:
    """Number of ``<c`` cell elements in a sheet's XML, streamed in chunks (no XML tree is built)."""
    count, tail = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<c ") + data.count(b"<c>")
            tail = data[-3:]
            count -= tail.count(b"<c ") + tail.count(b"<c>")  # counted again with the next chunk
    return count + tail.count(b"<c ") + tail.count(b"<c>")


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
        self._used: dict = {}  # sheet -> (last used row, last used column), found once
        if not self.path.is_file():
            raise InputError([Problem(str(self.path), "file not found")])
        check_file_limits(self.path)
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
        """Values of the range as a list of rows (None for empty cells and for formulas).  Cells
        beyond the sheet's used area are None without being created (reading around a table
        leaves the workbook as it was)."""
        ws = self.workbook[ref.sheet]
        if ref.sheet not in self._used:
            self._used[ref.sheet] = (ws.max_row, ws.max_column)
        used_rows, used_cols = self._used[ref.sheet]
        last_row, last_col = min(ref.max_row, used_rows), min(ref.max_col, used_cols)
        rows = []
        if ref.min_row <= last_row and ref.min_col <= last_col:
            for row in ws.iter_rows(min_row=ref.min_row, max_row=last_row, min_col=ref.min_col, max_col=last_col):
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
                rows.append(values + [None] * (ref.n_cols - len(values)))
        return rows + [[None] * ref.n_cols for _ in range(ref.n_rows - len(rows))]
