"""The socsec add-in (addin/socsec.xlam) opened as the zip file it is: an Office add-in with a VBA project,
a "socsec" ribbon tab whose buttons reach functions of the package, the add-in's own xlwings settings;
regenerated from xlwings' template and compared with the committed file; and the ribbon's actions run on
the stand-in for Excel."""

import importlib
import re
import zipfile
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook

from socsec.excel import addin, ribbon, xlcall
from workbook_fixtures import make_workbook
from xlwings_fake import fake_book

UI = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.fixture(scope="module")
def parts():
    with zipfile.ZipFile(addin.ADDIN_PATH) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_the_committed_addin_is_what_socsec_excel_addin_makes(parts):
    fresh = addin.addin_parts()
    assert parts["customUI/customUI.xml"] == fresh["customUI/customUI.xml"], "run `socsec excel addin` and commit"
    assert addin.module_source(parts["xl/vbaProject.bin"]) == addin.module_source(fresh["xl/vbaProject.bin"])
    assert parts == fresh, "addin/socsec.xlam differs from what `socsec excel addin` makes: run it and commit"


def test_an_office_add_in_with_a_vba_project_and_its_ribbon(parts):
    types = parts["[Content_Types].xml"].decode()
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types and "vbaProject" in types
    rels = parts["_rels/.rels"].decode()
    assert re.search(r'Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" '
                     r'Target="customUI/customUI.xml"', rels)
    assert parts["xl/vbaProject.bin"][:8] == bytes.fromhex("d0cf11e0a1b11ae1")
    ui = ET.fromstring(parts["customUI/customUI.xml"])
    [tab] = ui.iter(f"{UI}tab")
    assert tab.get("label") == "socsec"
    buttons = list(tab.iter(f"{UI}button"))
    assert [b.get("id") for b in buttons] == [ident for ident, *_ in addin.BUTTONS]
    assert [b.get("label") for b in buttons] == ["Run valuation", "Compare scenarios", "Check inputs",
                                                 "Sensitivity", "Valuation report", "Open results"]
    assert {b.get("onAction") for b in buttons} == {"RibbonMyAddin.RunMain"}


def test_every_button_reaches_a_function_of_the_package(parts):
    """RunMain passes the button's id to the Python function its RunPython command names."""
    source = addin.module_source(parts["xl/vbaProject.bin"])
    assert source.startswith('Attribute VB_Name = "RibbonMyAddin"\r\nSub RunMain(control As IRibbonControl)\r\n')
    command = re.search(r'RunPython "(.*)"\r\n', source).group(1)
    module, function = re.fullmatch(r"""import (\S+) as r; r\.(\w+)\('" & control\.Id & "'\)""", command).groups()
    entry = getattr(importlib.import_module(module), function)
    assert entry is ribbon.run
    assert {ident for ident, *_ in addin.BUTTONS} == {"run_valuation"} | set(ribbon.ACTIONS)


def test_only_the_ribbon_module_of_xlwings_template_is_changed(parts):
    """Every other stream of the VBA project is xlwings' own, and the project carries no compiled code
    (version 0xFFFF): Excel compiles the source it reads."""
    with zipfile.ZipFile(addin.template_path()) as z:
        template = addin.CompoundFile(z.read("xl/vbaProject.bin"))
    ours = addin.CompoundFile(parts["xl/vbaProject.bin"])
    for stream in ("_VBA_PROJECT", "dir", "PROJECT", "PROJECTwm", "xlwings", "Dictionary", "ThisWorkbook", "Sheet2"):
        assert ours.read(stream) == template.read(stream), stream
    assert ours.read("_VBA_PROJECT")[2:4] == b"\xff\xff"
    offset = addin.module_offset(addin.decompress(ours.read("dir")), "RibbonMyAddin")
    assert ours.read("RibbonMyAddin")[:offset] == template.read("RibbonMyAddin")[:offset]


def test_the_add_in_carries_its_own_settings(parts):
    """xlwings' VBA in the file reads the sheet PROJECT_NAME.conf of the add-in before the user's files: the
    interpreter of socsec's environment, the workbook's folder kept off the Python path (OneDrive)."""
    xlwings_vba = addin.module_source(parts["xl/vbaProject.bin"], "xlwings")
    assert 'Public Const PROJECT_NAME As String = "myaddin"' in xlwings_vba
    assert 'SheetExists(ThisWorkbook, PROJECT_NAME & ".conf")' in xlwings_vba
    assert 'name="myaddin.conf"' in parts["xl/workbook.xml"].decode()
    sheet = ET.fromstring(parts["xl/worksheets/sheet1.xml"])
    ns = {"m": addin.SHEET_NS}
    cells = {c.get("r"): "".join(c.itertext()) for c in sheet.iterfind(".//m:c", ns)}
    keys = {cells[f"A{r}"].upper(): cells.get(f"B{r}", "") for r in range(1, 11)}
    assert keys["INTERPRETER_WIN"] == r"%LOCALAPPDATA%\socsec\venv\Scripts\pythonw.exe"
    assert keys["INTERPRETER_MAC"] == "$HOME/.socsec/venv/bin/python" and " " not in keys["INTERPRETER_MAC"]
    assert keys["ADD_WORKBOOK_TO_PYTHONPATH"] == "False"
    assert "A11" not in cells  # xlwings reads down to the first empty cell


def test_compression_round_trip_and_xlwings_own_source():
    text = ("Attribute VB_Name = \"X\"\r\n" + "Sub A()\r\nEnd Sub\r\n" * 20).encode()
    assert addin.decompress(addin.literal_container(text)) == text
    with zipfile.ZipFile(addin.template_path()) as z:
        source = addin.module_source(z.read("xl/vbaProject.bin"))  # xlwings' compressed (copy tokens) source
    assert "mymodule & \".main()\"" in source
    reachable = {3 + n + -(-n // 8) for n in range(190, 300)}  # sizes of literal containers of n bytes
    for size in sorted(reachable):
        assert len(addin.literal_container(addin.fitted_source(addin.RIBBON_MODULE_LINES, size))) == size
    with pytest.raises(ValueError, match="cannot be stored in 150 bytes"):
        addin.fitted_source(addin.RIBBON_MODULE_LINES, 150)


# --- the ribbon's actions on the stand-in for Excel ---------------------------------------------------

@pytest.fixture
def active(monkeypatch, tmp_path):
    """The small test country's workbook saved in a folder of its own, active in the stand-in Excel."""
    import xlwings
    path = make_workbook(tmp_path / "country.xlsx")
    wb = load_workbook(path)
    book = fake_book(wb, str(path))
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: book))
    opened = []
    monkeypatch.setattr(ribbon, "open_in_excel", lambda book, p: opened.append(p))
    monkeypatch.setattr(ribbon, "open_document", lambda p: opened.append(p))
    with xlcall.excel_engine():
        yield book, wb, path, opened


def test_check_inputs_says_ok_in_one_message(active):
    book, wb, _, _ = active
    assert ribbon.run("check_inputs") == "OK"
    [(title, text, mode)] = book.impl.app.alerts
    assert title == "socsec: inputs OK" and "country.xlsx" in text and mode == "info"


def test_run_valuation_writes_into_the_active_workbook(active):
    book, wb, _, _ = active
    assert ribbon.run("run_valuation").status == "OK"
    assert wb["Checks"]["B2"].value == "OK"


def test_compare_scenarios_writes_and_opens_the_results_workbook(active):
    book, _, path, opened = active
    out = ribbon.run("run_scenarios")
    assert out == path.with_name("country_results.xlsx") and out.is_file() and opened == [out]
    assert ribbon.run("open_results") == out and opened == [out, out]
    assert not book.impl.app.alerts


def test_sensitivity_writes_the_tornado_workbook_and_report_the_word_draft(active):
    book, _, path, opened = active
    out = ribbon.run("sensitivity")
    assert out == path.with_name("country_sensitivity.xlsx") and out.is_file() and opened == [out]
    assert "Results sensitivity" in load_workbook(out, read_only=True).sheetnames
    draft = ribbon.run("report")
    assert draft == path.with_name("country_report.docx") and draft.is_file() and opened == [out, draft]
    assert not book.impl.app.alerts


def test_an_unsaved_workbook_or_an_unknown_button_is_one_message(active, monkeypatch):
    book, _, path, _ = active
    book.impl.fullname = str(path.with_name("Book1"))  # never saved
    assert ribbon.run("run_scenarios") is None
    assert ribbon.run("no_such_button") is None
    assert [title for title, _, _ in book.impl.app.alerts] == ["socsec: save the workbook first", "socsec"]
