"""What a section of the report is made of, independent of Word: paragraphs, sub-headings,
tables of formatted text and figures (PNG images).  :mod:`socsec.report.document` draws them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Subheading:
    text: str


@dataclass(frozen=True)
class Table:
    """A table of text: ``header`` (one cell per column), ``rows`` (the first cell of each row is its
    label); ``note`` goes below it (units, sources); ``weights``: the relative widths of the
    columns (default: a narrow label column for tables by year, otherwise a wide one)."""

    caption: str
    header: tuple
    rows: tuple
    note: str = ""
    weights: tuple = ()


@dataclass(frozen=True)
class Figure:
    caption: str
    png: bytes
    note: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple  # str (a paragraph), Subheading, Table or Figure
