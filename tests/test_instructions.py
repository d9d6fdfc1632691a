"""The Instructions sheet is generated from the workbook contract: it lists every sheet of the committed
workbooks and of a results workbook, each with what it holds."""

from pathlib import Path

from openpyxl import load_workbook

from socsec.workbook.audit import AUDIT_SHEET
from socsec.workbook.contract import INPUT_TABLES
from socsec.workbook.instructions import workbook_sheets

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"


def test_instructions_list_every_sheet_and_every_input_table():
    for name in ("template.xlsx", "jordan_example.xlsx"):
        wb = load_workbook(WORKBOOKS / name, read_only=True)
        lines = [row[0] for row in wb["Instructions"].iter_rows(values_only=True) if row and row[0]]
        for sheet in wb.sheetnames + [AUDIT_SHEET, "Charts"]:
            assert any(line.startswith(f"{sheet}:") or line.startswith(f"{sheet} (") for line in lines), (name, sheet)
        text = "\n".join(lines)
        assert all(t.title in text for t in INPUT_TABLES if t.sheet in wb.sheetnames), name
    assert set(load_workbook(WORKBOOKS / "template.xlsx", read_only=True).sheetnames) <= set(workbook_sheets())
