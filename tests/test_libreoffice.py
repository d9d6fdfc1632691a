"""The committed workbooks and a results workbook written by `socsec run` open in LibreOffice
Calc (headless), every formula recalculates without an error value, and the charts survive; the
report written by `socsec report` converts to PDF in LibreOffice Writer.

LibreOffice loads each file with "recalculate on load: always" (a throw-away user profile),
so the formulas are evaluated by LibreOffice, not read back from values cached in the file,
and saves it again as .xlsx; the tests then read the values and charts LibreOffice wrote.
Skipped when `soffice` is not on PATH, unless SOCSEC_REQUIRE_LIBREOFFICE=1 (.ci/run installs Debian's
libreoffice-calc and libreoffice-writer and sets it, so CI cannot pass by skipping them).
"""

import html
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

from socsec.cli import main
from socsec.workbook.contract import RESULT_SHEETS

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
REQUIRED = os.environ.get("SOCSEC_REQUIRE_LIBREOFFICE") == "1"  # set by .ci/run: CI must not skip these
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not REQUIRED, reason="LibreOffice is not installed (no `soffice` on PATH): "
                                             "apt-get install libreoffice-calc libreoffice-writer to run these "
                                             "tests; .ci/run does")
ERROR_VALUES = ("#REF!", "#NAME?", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def stale_workbook(path: Path) -> Path:
    """A workbook whose formula =A1*3 carries a wrong cached value (999): proves the recalculation."""
    wb = Workbook()
    wb.active["A1"], wb.active["B1"] = 2, "=A1*3"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(r"(<f>A1\*3</f>)(<v>[^<]*</v>|<v\s*/>)?", r"\1<v>999</v>",
                                               sheet).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """{name: (original, converted by LibreOffice)} for the committed workbooks, a results
    workbook of the example and the stale-formula probe; one LibreOffice start for all."""
    assert SOFFICE, "SOCSEC_REQUIRE_LIBREOFFICE=1 but there is no `soffice` on PATH (apt-get install libreoffice-calc)"
    tmp = tmp_path_factory.mktemp("libreoffice")
    results = tmp / "jordan_example_results.xlsx"
    assert main(["run", str(WORKBOOKS / "jordan_example.xlsx"), "-o", str(results)]) == 0
    scenario = tmp / "jordan_example_low_return.xlsx"
    assert main(["run", str(WORKBOOKS / "jordan_example.xlsx"), "--scenario", "low_return", "-o", str(scenario)]) == 0
    originals = {"jordan_example": WORKBOOKS / "jordan_example.xlsx", "template": WORKBOOKS / "template.xlsx",
                 "results": results, "scenario": scenario, "stale": stale_workbook(tmp / "stale.xlsx")}
    profile = tmp / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    out = tmp / "out"
    started = time.perf_counter()
    done = subprocess.run([SOFFICE, "--headless", "--norestore", "--nologo",
                           f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "xlsx",
                           "--outdir", str(out), *map(str, originals.values())],
                          capture_output=True, text=True, timeout=600)
    print(f"LibreOffice converted {len(originals)} workbooks in {time.perf_counter() - started:.1f} s")
    converted = {name: (path, out / path.name) for name, path in originals.items()}
    missing = [str(c) for _, c in converted.values() if not c.exists()]
    assert not missing, f"LibreOffice wrote no {missing}: {done.stdout} {done.stderr}"
    return converted


def test_libreoffice_recalculates_on_load(converted):
    _, probe = converted["stale"]
    assert load_workbook(probe, data_only=True).active["B1"].value == 6  # not the stale 999


@pytest.mark.parametrize("name", ["jordan_example", "template", "results", "scenario"])
def test_every_formula_evaluates_without_error(converted, name):
    original, result = converted[name]
    formulas = load_workbook(original)
    values = load_workbook(result, data_only=True)
    assert values.sheetnames == formulas.sheetnames
    bad, count = [], 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                count += 1
                value = values[ws.title][cell.coordinate].value
                if value is None or (isinstance(value, str) and value.startswith(ERROR_VALUES)):
                    bad.append(f"{ws.title}!{cell.coordinate} {cell.value} -> {value!r}")
    assert count > 0
    assert not bad, "formulas with error values in LibreOffice:\n" + "\n".join(bad[:20])
    country = values["Settings"].cell(*_named_cell(formulas, "in_country")).value
    assert values["Cover"]["B3"].value == formulas["Cover"]["B3"].value == country  # a value, no formula
    master = "OK" if name in ("results", "scenario") else "not run"
    result_sheets = [s for s in values.sheetnames if s in RESULT_SHEETS]
    assert len(result_sheets) == len(RESULT_SHEETS)
    for sheet in result_sheets:
        assert values[sheet]["B2"].value == formulas[sheet]["B2"].value == master, sheet


def _named_cell(wb, name):
    from openpyxl.utils import range_boundaries
    _, ref = next(iter(wb.defined_names[name].destinations))
    col, row, _, _ = range_boundaries(ref.replace("$", ""))
    return row, col


def charts_by_sheet(path) -> dict:
    """{sheet name: [chart XML, ...]} through workbook -> sheet -> drawing -> chart relations."""
    from xml.etree import ElementTree as ET

    def rels(z, part):
        p = PurePosixPath(part)
        name = f"{p.parent}/_rels/{p.name}.rels"
        if name not in z.namelist():
            return {}
        return {r.get("Id"): str(PurePosixPath(_resolve(p.parent, r.get("Target"))))
                for r in ET.fromstring(z.read(name)).findall("rel:Relationship", NS)}

    found = {}
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        book_rels = rels(z, "xl/workbook.xml")
        for sheet in book.find("m:sheets", NS):
            part = book_rels[sheet.get(f"{{{NS['r']}}}id")]
            for drawing in rels(z, part).values():
                if "/drawings/" in drawing:
                    charts = [c for c in rels(z, drawing).values() if "/charts/" in c]
                    found.setdefault(sheet.get("name"), []).extend(z.read(c).decode() for c in sorted(charts))
    return found


def _resolve(base: PurePosixPath, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = list(base.parts)
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def references(chart_xml: str) -> list:
    """Cell references of a chart's series (titles, categories, values) in order, unescaped and
    without $ and quotes (LibreOffice writes 'Charts'!$A$88 as Charts!$A$88)."""
    refs = [html.unescape(f) for f in re.findall(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", chart_xml)]
    return [r.replace("$", "").replace("'", "") for r in refs if "!" in r]


def test_charts_survive_with_the_same_references_and_the_result_values(converted):
    original, result = converted["results"]
    before, after = charts_by_sheet(original), charts_by_sheet(result)
    assert list(before) == ["Charts"] and list(after) == ["Charts"]
    assert len(after["Charts"]) == len(before["Charts"]) >= 6
    assert sorted(map(references, after["Charts"])) == sorted(map(references, before["Charts"]))
    # LibreOffice stores the values it plotted: the 2025 pyramid's female series is the 2025 column
    pyramid = next(x for x in after["Charts"] if "Population pyramid 2025" in x)
    females = pyramid.split("<c:ser>")[1]
    ref = next(r for r in references(females) if "!B" in r)
    cached = [float(v) for v in re.findall(r"<c:v>([^<]*)</c:v>", females.split("<c:val>")[1].split("</c:val>")[0])]
    sheet, cells = ref.rsplit("!", 1)
    first, last = (int(re.sub(r"\D", "", c)) for c in cells.split(":"))
    ws = load_workbook(original, data_only=True)[sheet]
    expected = [ws[f"B{r}"].value for r in range(first, last + 1)]
    assert len(cached) == len(expected) == 101 and cached == pytest.approx(expected, rel=1e-12)


def test_template_and_example_have_no_charts(converted):
    for name in ("jordan_example", "template"):
        assert charts_by_sheet(converted[name][1]) == {}


def test_the_report_converts_to_pdf(example_report, tmp_path):
    """The draft report (`socsec report --compare` on the example) converts to PDF: exit 0, a PDF
    file of at least 10 pages (8 sections, each from a new page, and the tables and figures)."""
    assert SOFFICE, "SOCSEC_REQUIRE_LIBREOFFICE=1 but there is no `soffice` on PATH (apt-get install libreoffice-writer)"
    profile = tmp_path / "profile"
    done = subprocess.run([SOFFICE, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(example_report)],
                          capture_output=True, text=True, timeout=600)
    pdf = tmp_path / f"{example_report.stem}.pdf"
    assert done.returncode == 0 and pdf.exists(), f"LibreOffice wrote no PDF: {done.stdout} {done.stderr}"
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert data.startswith(b"%PDF-") and pages >= 10, pages


PDFTOTEXT = shutil.which("pdftotext")
MAX_RESULT_PAGES = 150


@pytest.fixture(scope="module")
def results_pdf(converted, tmp_path_factory):
    """(results workbook, the text of its PDF page by page) as LibreOffice prints it (`--convert-to pdf`,
    the page setup written by socsec), the text by poppler's pdftotext -layout."""
    assert PDFTOTEXT or not REQUIRED, "SOCSEC_REQUIRE_LIBREOFFICE=1 but there is no pdftotext (apt-get install poppler-utils)"
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    results, _ = converted["results"]
    tmp = tmp_path_factory.mktemp("pdf")
    done = subprocess.run([SOFFICE, "--headless", "--norestore", "--nologo",
                           f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--convert-to", "pdf",
                           "--outdir", str(tmp), str(results)], capture_output=True, text=True, timeout=600)
    pdf = tmp / f"{results.stem}.pdf"
    assert pdf.exists(), f"LibreOffice wrote no PDF: {done.stdout} {done.stderr}"
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return results, text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def test_the_results_workbook_prints_without_hashes_on_few_pages(results_pdf):
    """No cell shows "###" (a number wider than its column) and the whole workbook prints on at most
    150 pages (it printed 514 pages with 1,471 "###" runs before columns were fitted and pages set up)."""
    _, pages = results_pdf
    hashes = [(k, line.strip()[:120]) for k, page in enumerate(pages, start=1) for line in page.splitlines()
              if "###" in line]
    assert not hashes, f"{len(hashes)} printed lines show ###, first: {hashes[:5]}"
    print(f"the results workbook prints on {len(pages)} pages")
    assert 20 <= len(pages) <= MAX_RESULT_PAGES


def test_every_row_label_and_the_page_header_print_whole(results_pdf):
    """Every row label of every result table appears whole in the printed text, and each page of a
    result sheet carries the header: country, sheet name and scenario."""
    results, pages = results_pdf
    wb = load_workbook(results)
    printed = " ".join(" ".join(page.split()) for page in pages)
    labels = []
    for name, defined in wb.defined_names.items():
        if not name.startswith("out_"):
            continue
        sheet, ref = next(iter(defined.destinations))
        block = wb[sheet][ref.replace("$", "")]
        labels += [(sheet, " ".join(str(row[0].value).split())) for row in block[1:] if row[0].value is not None]
    assert len(labels) > 500
    cut = [(sheet, label) for sheet, label in labels if label not in printed]
    assert not cut, f"{len(cut)} row labels are not printed whole, e.g. {cut[:5]}"
    country = wb["Settings"].cell(*_named_cell(wb, "in_country")).value
    for sheet in RESULT_SHEETS:
        on_pages = [p for p in pages if " ".join(p.split()[:6]).startswith(f"{country} {sheet}")]
        assert on_pages and all("Scenario: base" in p.splitlines()[0] for p in on_pages), sheet


def test_cover_and_master_checks_read_as_values_without_excel(converted):
    """openpyxl with data_only (no calculation engine) reads the country, the master check and the
    run stamp on the Cover, and the master check on every result sheet, as values."""
    results, _ = converted["results"]
    wb = load_workbook(results, data_only=True)
    cover = wb["Cover"]
    country = wb["Settings"].cell(*_named_cell(wb, "in_country")).value
    assert cover.cell(*_named_cell(wb, "cov_country")).value == country == "Jordan"
    assert cover.cell(*_named_cell(wb, "cov_master_check")).value == "OK"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cover.cell(*_named_cell(wb, "cov_last_run")).value)
    for sheet in RESULT_SHEETS:
        assert wb[sheet]["B2"].value == "OK", sheet


@pytest.mark.parametrize("name", ["results", "scenario"])
def test_formula_audit_recalculated_by_libreoffice_equals_the_core(converted, name):
    """The Formula audit sheet's formulas, evaluated by LibreOffice, give the socsec core's reserve, reserve
    ratio, PAYG cost rate and GAP by horizon to 1e-9 (the example, and its scenario low_return); the
    discount factors equal an independent product of the returns."""
    from socsec.workbook.audit import AUDIT_SHEET, COLUMNS, FIRST_ROW

    original, result = converted[name]
    formulas, values = load_workbook(original)[AUDIT_SHEET], load_workbook(result, data_only=True)[AUDIT_SHEET]
    headers = [header for header, _, _ in COLUMNS]

    def column(prefix):
        [j] = [j for j, header in enumerate(headers, start=1) if header.startswith(prefix)]
        return j
    assert formulas.cell(FIRST_ROW, column("reserve at 31 December F + N + I")).value.startswith("=")
    rows = range(FIRST_ROW, FIRST_ROW + 200)
    years = [values.cell(r, 1).value for r in rows if isinstance(values.cell(r, 1).value, int)]
    assert len(years) == 76
    def col(header):
        return np.array([values.cell(FIRST_ROW + k, column(header)).value for k in range(len(years))], dtype=float)
    np.testing.assert_allclose(col("reserve at 31 December F + N + I"),
                               col("reserve at 31 December, socsec core"), rtol=1e-9)
    assert np.abs(col("reserve at 31 December F + N + I")).max() > 1e9  # the example's reserve, in currency units
    financing = load_workbook(original, data_only=True)["Results financing"]
    by_label = {row[0].value: [c.value for c in row[1:1 + len(years)]] for row in financing.iter_rows(min_row=9)
                if row[0].value}
    np.testing.assert_allclose(col("reserve ratio F(end) / X"), by_label["Reserve ratio (years of expenditure)"],
                               rtol=1e-9)
    np.testing.assert_allclose(col("PAYG cost rate X / S"), by_label["PAYG cost rate"], rtol=1e-9)
    returns = col("nominal investment return i")
    end = np.cumprod(1.0 / (1.0 + returns))
    np.testing.assert_allclose(col("discount factor, end of year"), end, rtol=1e-12)
    np.testing.assert_allclose(col("discount factor, mid-year"),
                               np.concatenate([[1.0], end[:-1]]) / np.sqrt(1.0 + returns), rtol=1e-12)
    gaps = [(values.cell(r, 2).value, values.cell(r, 3).value) for r in range(FIRST_ROW + len(years), values.max_row + 1)
            if str(values.cell(r, 1).value).startswith("GAP over")]
    assert len(gaps) == 5
    for formula, core in gaps:
        assert formula == pytest.approx(core, rel=1e-9, abs=1e-12)
