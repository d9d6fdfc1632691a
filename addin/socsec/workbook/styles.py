"""Cell styles of socsec workbooks (FAST/ICAEW habits: one input style, unlocked)."""

from openpyxl.styles import Alignment, Font, PatternFill, Protection

INPUT_FONT = Font(color="0000CC")
INPUT_FILL = PatternFill("solid", fgColor="FFF9D6")
UNLOCKED = Protection(locked=False)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
TITLE_FONT = Font(bold=True, size=12)
SHEET_TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="555555")
WRAP = Alignment(wrap_text=True, vertical="top")
NO_WRAP = Alignment(wrap_text=False)
OK_FONT = Font(bold=True, color="006100")
BAD_FONT = Font(bold=True, color="9C0006")


def style_input(cell):
    cell.font = INPUT_FONT
    cell.fill = INPUT_FILL
    cell.protection = UNLOCKED


def style_header(cell):
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
