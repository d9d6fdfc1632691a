"""The report as a Word document (python-docx): plain styles, the built-in heading styles (Word's
navigation pane lists them), tables that fit an A4 page, figures as PNG images, no macros.

The document's properties say what produced it (``category`` :data:`DRAFT_MARKER`; the input
file and hash, the run time and socsec's version in ``comments``, at most 255 characters);
:func:`is_untouched_draft` uses them to tell a draft socsec wrote from one someone has since
edited and saved, which is never replaced.
"""

import io
import re

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from socsec.atomic import atomic_path
from socsec.report.blocks import Figure, Subheading, Table

DRAFT_MARKER = "socsec valuation report draft"
AUTHOR = "socsec"
PAGE_WIDTH_CM, PAGE_HEIGHT_CM, MARGIN_CM = 21.0, 29.7, 2.0
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM
BODY_PT, TABLE_PT, NOTE_PT = 10, 8, 8
YEAR_COLUMN_CM = 1.3  # a calendar year in 8 points and the cell margins


def new_document(title: str, subtitle: str, properties: dict) -> docx.Document:
    """An empty A4 document with the title page lines and the core properties set."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    document.styles["Normal"].font.size = Pt(BODY_PT)
    document.add_heading(title, level=0)
    document.add_paragraph(subtitle)
    core = document.core_properties
    core.title, core.subject, core.category = title, subtitle, DRAFT_MARKER
    core.author = core.last_modified_by = AUTHOR
    core.revision = 1
    core.comments = "\n".join(f"{key}: {value}" for key, value in properties.items())
    return document


def add_sections(document, sections):
    """Each section as a level-1 heading "k. title" on a new page (but the first), followed by its
    blocks; tables and figures are numbered within their section ("Table 3.2", "Figure 5.1",
    "Table A.1" in the annex)."""
    for k, section in enumerate(sections, start=1):
        number = "A" if section.title == "Annex" else str(k)
        heading = document.add_heading(f"{k}. {section.title}", level=1)
        heading.paragraph_format.page_break_before = k > 1
        counts = {"Table": 0, "Figure": 0}
        for block in section.blocks:
            if isinstance(block, Subheading):
                document.add_heading(block.text, level=2)
            elif isinstance(block, Table):
                counts["Table"] += 1
                add_table(document, f"Table {number}.{counts['Table']}", block)
            elif isinstance(block, Figure):
                counts["Figure"] += 1
                add_figure(document, f"Figure {number}.{counts['Figure']}", block)
            else:
                document.add_paragraph(block)


def _caption(document, text: str):
    paragraph = document.add_paragraph(text, style="Caption")
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _note(document, text: str):
    paragraph = document.add_paragraph()
    paragraph.add_run(text).font.size = Pt(NOTE_PT)
    paragraph.paragraph_format.space_after = Pt(10)


def _row_property(row, name: str):
    """Set a true/false property of a table row: ``w:tblHeader`` (repeated at the top of each page
    the table runs on), ``w:cantSplit`` (kept whole on one page)."""
    marker = OxmlElement(name)
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def column_widths(table: Table) -> list[float]:
    """Widths (cm) of the columns: in proportion to the table's weights; by default, for a table
    by year a year column of :data:`YEAR_COLUMN_CM` and the others equal, otherwise a label column
    as wide as two others (at least 40% of the text width)."""
    n = len(table.header)
    if not table.weights and table.header[0] == "Year":
        return [YEAR_COLUMN_CM] + [(TEXT_WIDTH_CM - YEAR_COLUMN_CM) / (n - 1)] * (n - 1)
    weights = table.weights or ((max(2.0, 0.67 * (n - 1)),) + (1.0,) * (n - 1))
    return [TEXT_WIDTH_CM * w / sum(weights) for w in weights]


def add_table(document, number: str, table: Table):
    _caption(document, f"{number}. {table.caption}")
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = column_widths(table)
    for column, width in zip(grid.columns, widths):  # the table grid (LibreOffice reads it) and each cell (Word)
        column.width = Cm(width)
    for i, cells in enumerate((table.header,) + tuple(table.rows)):
        row = grid.rows[i]
        _row_property(row, "w:cantSplit")
        for j, (cell, text) in enumerate(zip(row.cells, cells)):
            cell.width = Cm(widths[j])
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(str(text))
            run.font.size = Pt(TABLE_PT)
            run.bold = i == 0
            if j > 0 and i > 0 and _numeric(str(text)):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _row_property(grid.rows[0], "w:tblHeader")
    if table.note:
        _note(document, table.note)
    else:
        document.add_paragraph()


NUMBER = re.compile(r"^(-?[\d,]*\.?\d+%?( [A-Z]{3} million)?|\u2013|none)$")


def _numeric(text: str) -> bool:
    """A cell that holds one number (right-aligned): digits with separators, a sign, a percent sign
    or a currency in millions; or the dash of a missing value."""
    return bool(NUMBER.match(text))


def add_figure(document, number: str, figure: Figure):
    document.add_picture(io.BytesIO(figure.png), width=Cm(TEXT_WIDTH_CM))
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _caption(document, f"{number}. {figure.caption}").paragraph_format.keep_with_next = bool(figure.note)
    if figure.note:
        _note(document, figure.note)


def save(document, path):
    """Save atomically: a reader never sees half a file, a failure leaves the old file as it was."""
    with atomic_path(path) as tmp:
        document.save(str(tmp))


def is_untouched_draft(path) -> bool:
    """True if ``path`` is a report socsec wrote that no one has saved since (Word and LibreOffice
    set the last author and raise the revision when they save)."""
    try:
        core = docx.Document(str(path)).core_properties
    except Exception:  # not a Word document, or damaged
        return False
    return core.category == DRAFT_MARKER and core.last_modified_by == AUTHOR and core.revision == 1
