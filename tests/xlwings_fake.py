"""A stand-in for Excel behind xlwings' public objects, for tests on Linux.

``fake_book(openpyxl_workbook)`` returns a real ``xlwings.Book`` whose engine objects (the
``impl`` layer that pywin32 provides on Windows) are small classes over an openpyxl workbook.
Everything above the impl layer is xlwings' own code (``Book``, ``Sheet``, ``Range``, ``Names``,
value conversion with the Windows cleaning rules from ``socsec.excel.xlcall``), so code written
against xlwings' API (socsec.excel.book) runs unchanged.  COM behaviour mirrored: values read
as floats, text or None (a scalar for one cell, a tuple of rows otherwise); "" written empties
a cell; names are workbook-scoped formulas.  ``calls`` counts the Excel calls by kind.
"""

import collections
import copy
import datetime as dt
import types

import xlwings
from xlwings.base_classes import _UNSET
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from socsec.excel import xlcall


def _com(value):
    if isinstance(value, bool) or value is None or isinstance(value, (str, dt.datetime)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def excel_reads(value):
    """What Excel makes of a value written through COM's Range.Value: text after the prefix ' stays text
    (the prefix is not part of the value); other text that reads as a date or a number becomes one, as if
    typed (e.g. a run time "2026-12-06 03:15:09" becomes a date)."""
    if not isinstance(value, str) or value.startswith("="):
        return value
    if value.startswith("'"):
        return value[1:]
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), fmt)
        except ValueError:
            pass
    try:
        return float(value.replace(",", "")) if value.strip() and value.strip()[0] in "0123456789.-+" else value
    except ValueError:
        return value


class FakeApp:
    def __init__(self, engine_impl):
        self.engine = engine_impl
        self.pid = 4242
        self.status_bar = False
        self.screen_updating = True
        self.calculation = "automatic"
        self.alerts = []
        self.status_history = []
        self.api = types.SimpleNamespace()

    def __setattr__(self, name, value):
        if name == "status_bar" and hasattr(self, "status_history"):
            self.status_history.append(value)
        super().__setattr__(name, value)

    def alert(self, prompt, title, buttons, mode, callback):
        self.alerts.append((title, prompt, mode))
        return "ok"


class FakeBook:
    def __init__(self, workbook, fullname, engine_impl):
        self.wb = workbook
        self.fullname = fullname
        self.name = fullname.rsplit("/", 1)[-1]
        self.app = FakeApp(engine_impl)
        self.calls = collections.Counter()
        self.charts = collections.defaultdict(list)  # sheet name -> FakeChart, in creation order
        self.page_setups = {}  # sheet name -> PageSetup properties
        self.sheets = FakeSheets(self)
        self.names = FakeNames(self)
        self.api = types.SimpleNamespace()


class FakeSheets:
    def __init__(self, book):
        self.book = book
        self.api = None

    def _wb(self):
        return self.book.wb

    def __len__(self):
        return len(self._wb().sheetnames)

    def __iter__(self):
        return iter([FakeSheet(self.book, title) for title in self._wb().sheetnames])

    def __contains__(self, key):
        return key in self._wb().sheetnames

    def __call__(self, name_or_index):
        names = self._wb().sheetnames
        if isinstance(name_or_index, int):
            return FakeSheet(self.book, names[name_or_index - 1])
        for title in names:
            if title.lower() == str(name_or_index).lower():
                return FakeSheet(self.book, title)
        raise KeyError(name_or_index)

    def add(self, before=None, after=None, name=None):
        self.book.calls["sheet_add"] += 1
        wb = self._wb()
        index = len(wb.sheetnames)
        if before is not None:
            index = wb.sheetnames.index(before.name)
        elif after is not None:
            index = wb.sheetnames.index(after.name) + 1
        ws = wb.create_sheet(name or f"Sheet{len(wb.sheetnames) + 1}", index=index)
        return FakeSheet(self.book, ws.title)


class _SheetApi:
    def __init__(self, sheet):
        self.sheet = sheet

    def Protect(self, *args, **kwargs):
        self.sheet.book.calls["protect"] += 1
        self.sheet.ws.protection.sheet = True

    def Unprotect(self, *args, **kwargs):
        self.sheet.book.calls["unprotect"] += 1
        self.sheet.ws.protection.sheet = False


class FakeSheet:
    def __init__(self, book, title):
        self.book = book
        self.name = title

    @property
    def ws(self):
        return self.book.wb[self.name]

    @property
    def api(self):
        return _SheetApi(self)

    @property
    def charts(self):
        return FakeCharts(self)

    @property
    def index(self):
        return self.book.wb.sheetnames.index(self.name) + 1

    def range(self, cell1, cell2=None):
        def corner(cell):
            if isinstance(cell, FakeRange):
                return cell.row, cell.column, cell.last_row, cell.last_column
            if isinstance(cell, tuple):
                return cell[0], cell[1], cell[0], cell[1]
            min_col, min_row, max_col, max_row = range_boundaries(cell.replace("$", ""))
            return min_row, min_col, max_row, max_col
        r1, c1, r2, c2 = corner(cell1)
        if cell2 is not None:
            _, _, r2, c2 = corner(cell2)
        return FakeRange(self, r1, c1, r2, c2)

    def clear(self):
        self.book.calls["clear"] += 1
        ws = self.ws
        for row in ws.iter_rows():
            for cell in row:
                cell.value = None
                cell.style = "Normal"

    def delete(self):
        self.book.calls["sheet_delete"] += 1
        del self.book.wb[self.name]

    def move(self, before=None, after=None):
        self.book.calls["sheet_move"] += 1
        wb = self.book.wb
        target = before or after
        offset = wb.sheetnames.index(target.name) - wb.sheetnames.index(self.name) + (0 if before else 1)
        if offset > 0 and before is None:
            offset -= 1
        wb.move_sheet(self.name, offset=offset)

    @property
    def page_setup(self):
        return FakePageSetup(self)

    @property
    def used_range(self):
        ws = self.ws
        return FakeRange(self, 1, 1, max(ws.max_row, 1), max(ws.max_column, 1))


class FakePageSetup:
    """Excel's PageSetup object of a sheet (Windows property names), kept on the book."""

    DEFAULTS = dict(Orientation=1, Zoom=100, FitToPagesWide=1, FitToPagesTall=1, PrintTitleRows="", LeftHeader="",
                    CenterHeader="", RightHeader="", LeftFooter="", CenterFooter="", RightFooter="")

    def __init__(self, sheet):
        setups = sheet.book.page_setups
        if sheet.name not in setups:
            setups[sheet.name] = types.SimpleNamespace(PrintArea="", **self.DEFAULTS)
        self.api = setups[sheet.name]

    @property
    def print_area(self):
        return self.api.PrintArea or None

    @print_area.setter
    def print_area(self, value):
        self.api.PrintArea = value or ""


class FakeCharts:
    """Chart objects of a sheet, kept on the book (what Excel's ChartObjects would hold)."""

    def __init__(self, sheet):
        self.sheet = sheet

    def _list(self):
        return self.sheet.book.charts[self.sheet.name]

    def __len__(self):
        return len(self._list())

    def __iter__(self):
        return iter(list(self._list()))

    def add(self, left, top, width, height, chart_type=None, source=None, plot_by=None, name=None, anchor=None,
            style=None):
        self.sheet.book.calls["chart_add"] += 1
        chart = FakeChart(self, name or f"Chart {len(self._list()) + 1}", chart_type, source, plot_by,
                          (anchor.row, anchor.column) if anchor is not None else None, (left, top, width, height))
        # Excel moves and sizes a chart with its cells: the widths when it is placed are what it spans
        chart.widths_when_placed = {k: d.width for k, d in self.sheet.ws.column_dimensions.items()}
        self._list().append(chart)
        return chart


class FakeAxis:
    def __init__(self):
        self.settings = {}

    def set(self, **kwargs):
        self.settings.update({k: v for k, v in kwargs.items() if v is not _UNSET})


class FakeLegend:
    def __init__(self):
        self.position, self.visible = None, True


class FakeChart:
    """What a test can ask of a chart: type, source and x-axis ranges, title, axis settings."""

    def __init__(self, charts, name, chart_type, source, plot_by, anchor, box):
        self.charts, self.name, self.chart_type, self.plot_by = charts, name, chart_type, plot_by
        self.source, self.anchor, self.box = source, anchor, box
        self.x_values, self.title = None, None
        self.value_axis, self.category_axis, self.legend = FakeAxis(), FakeAxis(), FakeLegend()

    def set_x_axis_values(self, source):
        self.x_values = source

    def delete(self):
        self.charts.sheet.book.calls["chart_delete"] += 1
        self.charts._list().remove(self)


class _FontImpl:
    def __init__(self, rng):
        self.rng = rng

    def _set(self, **changes):
        self.rng.sheet.book.calls["font"] += 1
        for cell in self.rng.cells():
            font = copy.copy(cell.font)
            for key, value in changes.items():
                setattr(font, key, value)
            cell.font = font

    bold = property(lambda self: None, lambda self, v: self._set(b=v))
    italic = property(lambda self: None, lambda self, v: self._set(i=v))
    size = property(lambda self: None, lambda self, v: self._set(sz=v))
    color = property(lambda self: None, lambda self, v: self._set(color="FF" + v.lstrip("#").upper()))


class FakeRange:
    max_cells_per_read = None
    max_cells_per_write = None

    def __init__(self, sheet, row, column, last_row, last_column):
        self.sheet = sheet
        self.row, self.column, self.last_row, self.last_column = row, column, last_row, last_column
        self.options = {}
        self.api = types.SimpleNamespace(Locked=True)

    @property
    def shape(self):
        return self.last_row - self.row + 1, self.last_column - self.column + 1

    def __len__(self):
        rows, cols = self.shape
        return rows * cols

    def __call__(self, row, col=None):
        if col is None:
            rows, cols = self.shape
            row, col = (row - 1) // cols + 1, (row - 1) % cols + 1
        r, c = self.row + row - 1, self.column + col - 1
        return FakeRange(self.sheet, r, c, r, c)

    def cells(self):
        ws = self.sheet.ws
        for r in range(self.row, self.last_row + 1):
            for c in range(self.column, self.last_column + 1):
                yield ws.cell(r, c)

    @property
    def raw_value(self):
        self.sheet.book.calls["read"] += 1
        ws = self.sheet.ws
        rows = tuple(tuple(_com(ws.cell(r, c).value) for c in range(self.column, self.last_column + 1))
                     for r in range(self.row, self.last_row + 1))
        return rows[0][0] if self.shape == (1, 1) else rows

    @raw_value.setter
    def raw_value(self, data):
        self.sheet.book.calls["write"] += 1
        ws = self.sheet.ws
        if not isinstance(data, (list, tuple)):
            data = [[data] * self.shape[1]] * self.shape[0]
        for i, line in enumerate(data):
            for j, value in enumerate(line):
                ws.cell(self.row + i, self.column + j).value = None if value == "" else excel_reads(value)

    @property
    def number_format(self):
        return self.sheet.ws.cell(self.row, self.column).number_format

    @number_format.setter
    def number_format(self, fmt):
        self.sheet.book.calls["number_format"] += 1
        for cell in self.cells():
            cell.number_format = fmt

    @property
    def font(self):
        return _FontImpl(self)

    @property
    def color(self):
        return None

    @color.setter
    def color(self, value):
        self.sheet.book.calls["fill"] += 1
        for cell in self.cells():
            cell.fill = PatternFill("solid", fgColor="FF" + value.lstrip("#").upper())

    @property
    def column_width(self):
        return self.sheet.ws.column_dimensions[get_column_letter(self.column)].width

    @column_width.setter
    def column_width(self, width):
        self.sheet.book.calls["column_width"] += 1
        for c in range(self.column, self.last_column + 1):
            self.sheet.ws.column_dimensions[get_column_letter(c)].width = width


class FakeName:
    def __init__(self, book, name):
        self.book, self.name = book, name

    @property
    def refers_to(self):
        return "=" + self.book.wb.defined_names[self.name].attr_text

    def delete(self):
        del self.book.wb.defined_names[self.name]


class FakeNames:
    def __init__(self, book):
        self.book = book
        self.api = None

    def snapshot(self):
        self.book.calls["names"] += 1
        return [(name, FakeName(self.book, name)) for name in self.book.wb.defined_names]

    def __call__(self, name):
        for key in self.book.wb.defined_names:
            if key.lower() == name.lower():
                return FakeName(self.book, key)
        raise KeyError(name)

    def contains(self, name):
        return any(key.lower() == name.lower() for key in self.book.wb.defined_names)

    def add(self, name, refers_to):
        self.book.calls["name_add"] += 1
        wb = self.book.wb
        for key in list(wb.defined_names):
            if key.lower() == name.lower():
                del wb.defined_names[key]
        wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))
        return FakeName(self.book, name)


_ENGINE = None


def fake_book(workbook, fullname: str = "/fake/book.xlsx") -> xlwings.Book:
    """An ``xlwings.Book`` over an openpyxl workbook (the "excel" engine registered by the
    caller with ``socsec.excel.xlcall.excel_engine()`` while values are converted)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = xlcall.windows_engine_impl()
    return xlwings.Book(impl=FakeBook(workbook, fullname, _ENGINE))


def impl_of(book: xlwings.Book) -> FakeBook:
    return book.impl


__all__ = ["fake_book", "impl_of", "Font"]
