"""How a socsec workbook reads on screen and on paper.

* Column widths fit what the cells show: the width of a column is the longest text its cells
  display in their number format (Excel shows "###" in a column narrower than a number), plus a
  margin; column A fits the longest row label, so no label is cut.
* Large money amounts are shown in millions: a money row whose largest absolute value is at
  least :data:`MILLIONS_FROM` gets the number format :data:`MILLIONS_FORMAT` (Excel and
  LibreOffice divide by 10^6 for display only: the cell keeps the full value, which charts,
  formulas and the CSV files use) and its label says so ("... (JOD million)").
* Every sheet has a page setup (:class:`PrintSetup`): landscape when wide, fitted to one page
  wide, the header row of its first table repeated on each page, a header with the country, the
  sheet and the scenario and a footer with the page number.

Widths are in Excel's unit, the width of one digit of the default font (11-point Calibri).
"""

import re
from dataclasses import dataclass

from socsec.formats import MONEY_UNITS, excel_format

MILLIONS_FORMAT = "#,##0.0,,"
MILLIONS_FROM = 1e7  # money rows reaching 10 million are shown in millions (10.0 and more)
MARGIN = 2.0  # characters of padding added to the widest text of a column
BOLD = 1.1  # bold text (headers) is about 10% wider than regular text
HEADER_LINE = 14  # characters per line of a wrapped column header
LINE_POINTS = 15.0  # height of one line of 11-point text, in points
MAX_WIDTH = 120.0  # widest column (row labels), Excel's limit is 255


def shown(value, number_format: str = "General") -> str:
    """The text a cell shows for ``value`` in ``number_format`` (trailing commas scale by 1000 each,
    as in Excel); text as it is, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    scale = len(number_format) - len(number_format.rstrip(","))
    return excel_format(float(value) / 1000.0 ** scale, number_format.rstrip(",") or "General")


def width_of(text: str, bold: bool = False) -> float:
    """Column width that shows ``text`` whole (longest line), with :data:`MARGIN`."""
    longest = max((len(line) for line in str(text).splitlines()), default=0)
    return min(MAX_WIDTH, longest * (BOLD if bold else 1.0) + MARGIN)


def header_width(text: str) -> float:
    """Width of a column header wrapped over lines of about :data:`HEADER_LINE` characters (its longest
    word whole)."""
    longest_word = max((len(word) for word in text.split()), default=0)
    return width_of("x" * min(len(text), max(HEADER_LINE, longest_word)), bold=True)


def header_lines(text: str) -> int:
    """Lines a column header takes when wrapped (:func:`header_width`)."""
    import math
    return max(1, math.ceil(len(text) / max(HEADER_LINE, max((len(w) for w in text.split()), default=0))))


def widen(widths: dict, col: int, width: float):
    """Keep in ``widths`` (column -> width) the larger of the stored and the given width."""
    widths[col] = max(widths.get(col, 0.0), width)


def money_row(label: str, number_format: str, values, currency: str) -> tuple[str, str]:
    """(label, format) of a result row: a money row (label with "(currency units)") whose largest
    absolute value reaches :data:`MILLIONS_FROM` is shown in millions of ``currency``."""
    import numpy as np
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite)]
    if MONEY_UNITS in label and finite.size and finite.max() >= MILLIONS_FROM:
        return label.replace(MONEY_UNITS, f"({currency or 'currency units'}, millions)"), MILLIONS_FORMAT
    return label, number_format


def money_pattern(label: str) -> re.Pattern:
    """A contract label of a money row, matching its display in millions too (for lookups by label)."""
    return re.compile(re.escape(label).replace(re.escape(MONEY_UNITS), r"\((?:currency units|[^()]*, millions)\)")
                      + "$")


@dataclass(frozen=True)
class PrintSetup:
    """Page setup of one sheet.  ``title_row``: the row repeated at the top of every page (0: none);
    ``area``: the print area (A1 reference without the sheet, "" for the used range);
    ``header``: (left, centre, right) header texts; Excel codes such as &A (sheet), &P (page), &N
    (pages), &D (date) are allowed."""

    landscape: bool
    title_row: int = 0
    area: str = ""
    header: tuple = ("", "&A", "")
    footer: tuple = ("&D", "", "Page &P of &N")


def page_header(country: str, scenario: str | None) -> tuple:
    """(left, centre, right) header: country, sheet name, scenario."""
    return (_escaped(country or ""), "&A", _escaped(f"Scenario: {scenario}") if scenario else "")


def _escaped(text: str) -> str:
    """Text in a header: "&" is a code there, written "&&"."""
    return text.replace("&", "&&")


def setup_for(n_cols: int, header: tuple, title_row: int = 0, area: str = "") -> PrintSetup:
    """Landscape when more than 6 columns are used."""
    return PrintSetup(landscape=n_cols > 6, title_row=title_row, area=area, header=header)


def apply_openpyxl(ws, setup: PrintSetup):
    """Write ``setup`` into an openpyxl worksheet."""
    ws.page_setup.orientation = "landscape" if setup.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if setup.title_row:
        ws.print_title_rows = f"{setup.title_row}:{setup.title_row}"
    if setup.area:
        ws.print_area = setup.area
    for part, text in zip((ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right), setup.header):
        part.text = text or None
    for part, text in zip((ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right), setup.footer):
        part.text = text or None


def setup_sheets(workbook, header: tuple, skip=()):
    """Page setup of every sheet of an openpyxl workbook but ``skip`` (sheets set up as they are written):
    fitted to one page wide, landscape when wide."""
    for ws in workbook.worksheets:
        if ws.title not in skip:
            apply_openpyxl(ws, setup_for(ws.max_column, header))
