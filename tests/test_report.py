"""`socsec report`: the draft valuation report (.docx) read back.

The numbers expected in the executive summary are formatted here from the valuation object (the
indicators table, the yearly financing table, the replacement rates, the checks of the same inputs
valued again), never parsed from what the report wrote; every number in the summary must be one
of them.  The LibreOffice conversion to PDF is in tests/test_libreoffice.py.
"""

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import docx
import numpy as np
import pytest

from socsec.cli import main
from socsec.errors import InputError
from socsec.model.horizon import truncate_horizon
from socsec.model.valuation import run_valuation
from socsec.report import check_report_path
from socsec.report.document import new_document, save
from socsec.report.sections import scenarios_section
from socsec.report.summary import executive_summary
from socsec.workbook.reader import read_workbook
from workbook_fixtures import cell_of, edit

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx"
SECTIONS = ("Executive summary", "The scheme", "Demographic and economic context and assumptions",
            "Base-year data and calibration", "Projection results", "Financing indicators",
            "Scenarios and sensitivity", "Annex")
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?%?")


@pytest.fixture(scope="module")
def report(example_report):
    return docx.Document(str(example_report))


@pytest.fixture(scope="module")
def valuation():
    return run_valuation(read_workbook(EXAMPLE).inputs)


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def section_text(document, number: int) -> list[str]:
    """The paragraphs of section ``number`` (between its level-1 heading and the next)."""
    inside, found = False, []
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1":
            inside = paragraph.text.startswith(f"{number}. ")
        elif inside and paragraph.text.strip():
            found.append(paragraph.text)
    return found


def pct(value, decimals=2) -> str:
    return f"{100 * value:.{decimals}f}%"


def test_report_has_the_eight_sections_six_tables_and_four_figures(report, example_report):
    assert headings(report, 1) == [f"{k}. {title}" for k, title in enumerate(SECTIONS, start=1)]
    assert len(report.tables) >= 6
    images = [shape for shape in report.inline_shapes]
    assert len(images) >= 4
    with zipfile.ZipFile(example_report) as z:
        names = z.namelist()
        pngs = [n for n in names if n.startswith("word/media/")]
        assert len(pngs) == len(images) and all(z.read(n)[:8] == b"\x89PNG\r\n\x1a\n" for n in pngs)
        assert not any("vbaProject" in n for n in names)  # no macros
    core = report.core_properties
    assert core.category == "socsec valuation report draft" and "input hash" in core.comments


def expected_summary_numbers(valuation) -> list[list[str]]:
    """The numbers of each paragraph of the executive summary, in order, formatted from the
    valuation: percentages with 2 decimals (1 for replacement rates), ratios with 2."""
    finance = valuation.finance
    yearly = finance.yearly
    years = yearly["year"].to_numpy()
    base, last, n = int(years[0]), int(years[-1]), len(years)

    def at(column, year):
        return float(yearly.loc[yearly["year"] == year, column].iloc[0])

    def gaps(name):
        return [x for h in (25, 50, 75) for x in (pct(finance.indicator(name, h)), str(h), str(base),
                                                   str(base + h - 1))]

    ends = [base + 24, base + 49, base + 74, last]
    reserve = [f"{finance.indicator('reserve_ratio_first_year', 1):.2f}", str(base)]
    reserve += [x for y in ends for x in (f"{at('reserve_ratio', y):.2f}", str(y))]
    reserve += [f"{finance.indicator('minimum_reserve_ratio', n):.2f}",
                str(int(years[np.argmin(yearly['reserve_ratio'].to_numpy())]))]
    crossover = finance.indicator("crossover_year", n)
    assert not np.isnan(crossover) and np.isnan(finance.indicator("depletion_year", n))  # the example's case
    rates = finance.replacement
    reference = rates[(rates["service"] == 30) & rates["career"].str.contains("average earner")]
    by_year = reference.pivot_table(index="year", columns="sex", values="replacement_rate", sort=True)
    same = all(pct(m, 1) == pct(f, 1) for m, f in zip(by_year["male"], by_year["female"]))
    replacement = ["30"] + [x for y, r in by_year.iterrows()
                            for x in ((pct(r["male"], 1),) if same else (pct(r["male"], 1), pct(r["female"], 1)))
                            + (str(y),)]
    replacement += ["102", pct(rates["ilo_c102"].iloc[0], 1), "128", pct(rates["ilo_c128"].iloc[0], 1)]
    return [
        ["1", str(base), str(last)],
        [pct(finance.indicator("paygo_cost_rate_first_year", 1)), str(base),
         pct(finance.indicator("paygo_cost_rate_last_year", n)), str(last),
         pct(at("contribution_rate", base)), str(base), pct(at("contribution_rate", last)), str(last)],
        [f"{at('demographic_ratio', base):.2f}", str(base), f"{at('demographic_ratio', last):.2f}", str(last)],
        gaps("gap"),
        [f"{valuation.inputs.finance.target_ratio:.2f}"] + gaps("gap_with_target"),
        gaps("gap_equivalent_contribution_rate"),
        reserve,
        [str(int(crossover)), str(last)],
        replacement,
        [str(len(valuation.checks))],
    ]


def test_every_number_of_the_executive_summary_is_a_result_of_the_run(report, valuation):
    paragraphs = section_text(report, 1)
    assert [NUMBER.findall(text) for text in paragraphs] == expected_summary_numbers(valuation)
    assert "(the crossover year)" in paragraphs[7] and "not exhausted" in paragraphs[7]


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_after(document, caption_start: str):
    """The table that follows the caption paragraph starting with ``caption_start``."""
    body = document.element.body
    for k, element in enumerate(body):
        if element.tag.endswith("}p") and "".join(element.itertext()).startswith(caption_start):
            following = body[k + 1]
            assert following.tag.endswith("}tbl")
            return next(t for t in document.tables if t._tbl is following)
    raise AssertionError(f"no caption {caption_start!r}")


def test_gap_and_scenario_tables_hold_the_indicators(report, valuation):
    finance = valuation.finance
    gap = cells(table_after(report, "Table 6.1."))
    assert gap[0] == ["Period", "General average premium", "General average premium with target reserve",
                      "Legislated contribution rate equivalent to the GAP (with collection, subsidy and expense "
                      "rules)"]
    rows = {row[0].split(" ")[0]: row[1:] for row in gap[1:]}
    for h in (10, 25, 50, 75, 76):
        assert rows[str(h)] == [pct(finance.indicator(name, h))
                                for name in ("gap", "gap_with_target", "gap_equivalent_contribution_rate")]
    scenarios = cells(table_after(report, "Table 7.2."))
    names = ["base"] + [s.name for s in read_workbook(EXAMPLE).scenarios]
    assert scenarios[0] == ["Indicator"] + names
    gap50 = next(row for row in scenarios if row[0] == "General average premium, 50 years")
    assert gap50[1] == pct(finance.indicator("gap", 50))


def test_projection_table_by_year(report, valuation):
    flows = cells(table_after(report, "Table 5.2."))
    yearly = valuation.finance.yearly.set_index("year")
    years = [int(row[0]) for row in flows[1:]]
    assert years == list(range(2025, 2100, 5)) + [2100]
    row = dict(zip(flows[0], flows[years.index(2050) + 1]))
    assert row["Expenditure (JOD million)"] == f"{yearly.at[2050, 'expenditure'] / 1e6:,.1f}"
    assert row["Expenditure, % of insurable earnings (PAYG cost rate)"] == pct(yearly.at[2050, "paygo_cost_rate"])


def test_a_short_projection_without_scenarios():
    """The example over 10 years: the GAP of its longest horizon in the summary; without
    scenarios, section 7 says there is nothing to compare."""
    valuation = run_valuation(truncate_horizon(read_workbook(EXAMPLE).inputs, 2034))
    summary = " ".join(executive_summary(valuation))
    assert f"{pct(valuation.finance.indicator('gap', 10))} over 10 years (2025\u20132034)" in summary
    assert "defines no scenario" in scenarios_section({}, (), None)[0]


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_bad_input_as_for_socsec_run(tmp_path, capsys):
    """Exit 2, every problem with its sheet and cell (the same lines as `socsec run`), nothing written."""
    book = tmp_path / "bad.xlsx"
    shutil.copyfile(EXAMPLE, book)
    first, second = cell_of(book, "in_lfpr_male", 30, 1), cell_of(book, "in_macro", 6, 3)
    edit(book, {first: 1.2, second: -1.0})
    before, existing = digest(book), set(tmp_path.iterdir())
    assert main(["report", str(book), "-o", str(tmp_path / "out.docx")]) == 2
    err = capsys.readouterr().err
    assert main(["run", str(book), "-o", str(tmp_path / "out.xlsx")]) == 2
    run_err = capsys.readouterr().err
    problems = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(problems) == 2 and problems == [line for line in run_err.splitlines() if line.startswith("  - ")]
    for sheet, cell in (first, second):
        assert f"sheet '{sheet}', cell {cell}" in err
    assert "Traceback" not in err and "nothing was written" in err
    assert set(tmp_path.iterdir()) == existing and digest(book) == before


def test_bad_options_exit_2(tmp_path, capsys):
    assert main(["report", str(EXAMPLE), "-o", str(tmp_path / "report.xlsx")]) == 2
    assert "must be a .docx file" in capsys.readouterr().err
    assert main(["report", str(EXAMPLE), "-o", str(tmp_path / "r.docx"), "--scenario", "nosuch",
                 "--set", "contribution_rate=2"]) == 2
    err = capsys.readouterr().err
    assert "no scenario named 'nosuch'" in err and "contribution_rate" in err
    assert not (tmp_path / "r.docx").exists()


def test_the_default_name_never_replaces_an_edited_draft(tmp_path):
    draft = tmp_path / "in_report.docx"
    save(new_document("Title", "Subtitle", {"input hash": "abc"}), draft)
    check_report_path(draft, named=False)  # a draft as socsec wrote it may be replaced
    edited = docx.Document(str(draft))
    edited.add_paragraph("The actuary's own text.")
    edited.core_properties.last_modified_by, edited.core_properties.revision = "An Actuary", 2
    edited.save(str(draft))
    with pytest.raises(InputError, match="may hold your edits"):
        check_report_path(draft, named=False)
    other = tmp_path / "notes.docx"
    docx.Document().save(str(other))
    with pytest.raises(InputError, match="not a socsec report draft"):
        check_report_path(other, named=False)
    check_report_path(other, named=True)  # named with -o: the user asked for that file
