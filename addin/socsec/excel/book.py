"""The book interface and the result writer over a live xlwings Book (the workbook open in Excel).

:class:`XlwingsBook` answers the reader's three questions (sheet names, where a name points,
the values of a range) with one Excel call per named range; :class:`XlwingsWriter` implements
:class:`socsec.workbook.writer.BookWriter` with one Excel call per block (plus one per style or
number-format run).  Differences from the file writer, because the workbook is the user's:

* an existing result sheet is cleared in place, not deleted and re-created, so its position,
  its frozen panes and every reference to it from other sheets and charts survive;
* frozen panes of new sheets are left as Excel makes them (xlwings has no freeze call);
* the charts are drawn from blocks of values on the Charts sheet (:mod:`socsec.excel.charts`),
  through xlwings' chart API, where the file writer references the result tables;
* sheet protection uses the native object (``api``), best effort on macOS.
"""

import sys

from openpyxl.workbook.defined_name import DefinedName

from socsec.workbook import styles
from socsec.workbook.book import RangeRef, range_of
from socsec.workbook.writer import Text, reference


def parse_refers_to(text, sheets) -> RangeRef | None:
    """RangeRef of a name's formula such as ``='Base population'!$A$10:$C$111``; None if it is
    not one rectangular range on one of ``sheets``."""
    if not isinstance(text, str) or not text.startswith("="):
        return None
    try:
        destinations = list(DefinedName("x", attr_text=text[1:]).destinations)
    except Exception:  # a constant, a formula or #REF!
        return None
    if len(destinations) != 1:
        return None
    sheet, ref = destinations[0]
    sheet = sheet.replace("''", "'")  # openpyxl leaves the quote of a quoted sheet name doubled
    if sheet not in sheets:
        return None
    return range_of(sheet, ref)  # whole rows or columns reach the sheet's edge: the reader refuses them


def _names(book, sheets) -> dict:
    """Workbook-scoped names (lower case) -> RangeRef, read once (two Excel calls per name)."""
    out = {}
    for name in book.names:
        key = name.name
        if "!" in key:  # sheet-scoped
            continue
        try:
            ref = parse_refers_to(name.refers_to, sheets)
        except Exception:
            continue
        if ref is not None:
            out[key.lower()] = ref
    return out


class XlwingsBook:
    """The reader's book interface over an xlwings Book.

    Names are read once, on first use (Excel matches names without regard to case, so do we);
    :meth:`read` gives the values Excel shows (formulas as calculated), cell errors as text
    such as ``#N/A`` so the reader can report them.
    """

    def __init__(self, book):
        self.book = book
        self._sheets = None
        self._names = None

    @property
    def full_name(self) -> str:
        return self.book.fullname

    def sheet_names(self) -> list[str]:
        if self._sheets is None:
            self._sheets = [sheet.name for sheet in self.book.sheets]
        return list(self._sheets)

    def named_range(self, name: str) -> RangeRef | None:
        if self._names is None:
            self._names = _names(self.book, set(self.sheet_names()))
        return self._names.get(name.lower())

    def read(self, ref: RangeRef) -> list[list]:
        rng = self.book.sheets[ref.sheet].range((ref.min_row, ref.min_col), (ref.max_row, ref.max_col))
        return rng.options(ndim=2, err_to_str=True).value

    def writer(self) -> "XlwingsWriter":
        return XlwingsWriter(self.book)


def _excel_value(value):
    """A value as Excel is given it: :class:`~socsec.workbook.writer.Text` gets Excel's text prefix ``'``
    (not shown in the cell), so Excel keeps it as typed: it would read "=..." as a formula, and
    "2026-12-06 03:15:09" (a run time), "1e5" or "3/4" as a date or a number."""
    if isinstance(value, Text):
        return "'" + value
    return value


def _hex(color) -> str | None:
    rgb = getattr(color, "rgb", None)
    return f"#{rgb[-6:]}" if isinstance(rgb, str) else None


def _excel_style(font, fill=None, alignment=None) -> dict:
    """A named style as xlwings properties, taken from the openpyxl styles (one source of truth)."""
    return {"bold": bool(font.b), "italic": bool(font.i), "size": float(font.sz) if font.sz else None,
            "font_color": _hex(font.color), "fill": _hex(fill.fgColor) if fill is not None else None,
            "wrap": bool(alignment is not None and alignment.wrap_text)}


XL_STYLES = {
    "sheet_title": _excel_style(styles.SHEET_TITLE_FONT),
    "title": _excel_style(styles.TITLE_FONT),
    "note": _excel_style(styles.NOTE_FONT),
    "header": _excel_style(styles.HEADER_FONT, styles.HEADER_FILL),
    "column_header": _excel_style(styles.HEADER_FONT, styles.HEADER_FILL, styles.WRAP),
    "input": _excel_style(styles.INPUT_FONT, styles.INPUT_FILL),
    "ok": _excel_style(styles.OK_FONT),
    "bad": _excel_style(styles.BAD_FONT),
}


def _native(obj, windows: str, mac: str, *args):
    """Call a method of the native object (pywin32 on Windows, appscript on macOS)."""
    api = obj.api
    method = getattr(api, windows if sys.platform.startswith("win") or hasattr(api, windows) else mac)
    return method(*args)


def _snake(name: str) -> str:
    """A COM property name as AppleScript (appscript) spells it: FitToPagesWide -> fit_to_pages_wide."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


class XlwingsWriter:
    """:class:`socsec.workbook.writer.BookWriter` over an xlwings Book: one Excel call per block."""

    def __init__(self, book):
        self.book = book

    def _sheet(self, title: str):
        return self.book.sheets[title]

    def _range(self, sheet: str, row: int, col: int, n_rows: int, n_cols: int):
        return self._sheet(sheet).range((row, col), (row + n_rows - 1, col + n_cols - 1))

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def named_range(self, name: str) -> RangeRef | None:
        names = self.book.names
        if name not in names:
            return None
        return parse_refers_to(names[name].refers_to, set(self.sheet_names()))

    def reset_sheet(self, title: str) -> None:
        """Clear an existing sheet in place (contents and formats), or add it at the end."""
        if title in self.sheet_names():
            sheet = self._sheet(title)
            self._unprotect(sheet)
            sheet.clear()
        else:
            self.book.sheets.add(title, after=self.book.sheets[-1])

    def remove_sheet(self, title: str) -> None:
        if title in self.sheet_names():
            self._sheet(title).delete()

    def ensure_sheet(self, title: str) -> bool:
        if title in self.sheet_names():
            return False
        self.book.sheets.add(title, after=self.book.sheets[-1])
        return True

    def move_to_end(self, title: str) -> None:
        last = self.book.sheets[-1]
        if last.name != title:
            self._sheet(title).move(after=last)

    def write(self, sheet: str, row: int, col: int, values, style: str | None = None) -> None:
        if not values or not values[0]:
            return
        rng = self._range(sheet, row, col, len(values), len(values[0]))
        rng.value = [[_excel_value(v) for v in line] for line in values]
        if style:
            self._style(rng, XL_STYLES[style])

    @staticmethod
    def _style(rng, style: dict) -> None:
        """Only what differs from Excel's Normal style (blocks are written on cleared cells)."""
        font = rng.font
        if style["bold"]:
            font.bold = True
        if style["italic"]:
            font.italic = True
        if style["size"] and style["size"] != 11:
            font.size = style["size"]
        if style["font_color"]:
            font.color = style["font_color"]
        if style["fill"]:
            rng.color = style["fill"]
        if style["wrap"]:
            rng.wrap_text = True

    def number_format(self, sheet: str, row: int, col: int, n_rows: int, n_cols: int, fmt: str) -> None:
        self._range(sheet, row, col, n_rows, n_cols).number_format = fmt

    def define_name(self, name: str, sheet: str, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
        self.book.names.add(name, "=" + reference(sheet, min_row, min_col, max_row, max_col))

    def column_widths(self, sheet: str, widths: dict) -> None:
        """One call per run of adjacent columns of equal width."""
        ws = self._sheet(sheet)
        runs = []
        for col in sorted(widths):
            if runs and runs[-1][1] == col - 1 and runs[-1][2] == widths[col]:
                runs[-1] = (runs[-1][0], col, widths[col])
            else:
                runs.append((col, col, widths[col]))
        for first, last, width in runs:
            ws.range((1, first), (1, last)).column_width = width

    def freeze_panes(self, sheet: str, cell: str) -> None:
        """Not available through xlwings; panes of a sheet cleared in place are kept."""

    def protect(self, sheet: str) -> None:
        try:
            _native(self._sheet(sheet), "Protect", "protect_worksheet")  # AppleScript: protect worksheet
        except Exception:  # protection is a convenience, never a reason to fail a run
            pass

    def row_height(self, sheet: str, row: int, points: float) -> None:
        self._sheet(sheet).range((row, 1)).row_height = points

    def print_setup(self, sheet: str, setup) -> None:
        """Page setup through the native PageSetup object (Windows: with printer communication off, so
        the properties are sent in one go; macOS: the AppleScript properties of the same names)."""
        page = self._sheet(sheet).page_setup
        if setup.area:
            page.print_area = setup.area
        title_rows = f"${setup.title_row}:${setup.title_row}" if setup.title_row else ""
        texts = dict(zip(("LeftHeader", "CenterHeader", "RightHeader", "LeftFooter", "CenterFooter", "RightFooter"),
                         (*setup.header, *setup.footer)))
        values = {"Zoom": False, "FitToPagesWide": 1, "FitToPagesTall": False, "PrintTitleRows": title_rows, **texts}
        try:
            if sys.platform.startswith("win") or hasattr(page.api, "FitToPagesWide"):
                app = self.book.app.api
                app.PrintCommunication = False
                try:
                    page.api.Orientation = 2 if setup.landscape else 1  # xlLandscape, xlPortrait
                    for key, value in values.items():
                        setattr(page.api, key, value)
                finally:
                    app.PrintCommunication = True
            else:
                from appscript import k as kw
                page.api.page_orientation.set(kw.landscape if setup.landscape else kw.portrait)
                for key, value in values.items():
                    getattr(page.api, _snake(key)).set(value)
        except Exception:  # the page setup is a convenience, never a reason to fail a run
            pass

    @staticmethod
    def _unprotect(sheet) -> None:
        try:
            _native(sheet, "Unprotect", "unprotect")
        except Exception:
            pass

    def draw_charts(self, valuation) -> None:
        """The Charts sheet with native Excel charts (:mod:`socsec.excel.charts`)."""
        from socsec.excel.charts import draw_charts
        draw_charts(self.book, self, valuation)

    def last_row(self, sheet: str) -> int:
        used = self._sheet(sheet).used_range
        last = used.last_cell
        if last.row == 1 and last.column == 1 and used.value is None:
            return 0
        return last.row
