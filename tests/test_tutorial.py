"""docs/tutorial.md cannot drift: every exercise is run here as the tutorial says, and each figure its
answer prints is computed again from the program's output and looked for in that answer.

An answer is the paragraph that starts ``**Answer N.**``; ``ANSWERS[N]`` computes the figures (as text,
formatted as in the tutorial) that answer N must contain; a failure says what the program gives.
"""

import contextlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from socsec.cli import main
from wpp2024_data import GHANA, july_totals

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.md"
EXAMPLE = ROOT / "workbooks" / "jordan_example.xlsx"


def pct(x, digits=1) -> str:
    return f"{100 * x:.{digits}f}%"


def millions(x) -> str:
    return f"{x / 1e6:.3f} million"


def answer_paragraphs(text: str) -> dict[int, str]:
    """``{N: paragraph}`` for every ``**Answer N.**`` paragraph of the tutorial."""
    found = re.findall(r"\*\*Answer (\d+)\.\*\*(.*?)(?=\n\s*\n|\Z)", text, flags=re.S)
    return {int(n): " ".join(body.split()) for n, body in found}


class Runs:
    """The runs of the exercises, each made once, in a temporary folder (current directory)."""

    def __init__(self, folder: Path, ghana_run=None):
        self.folder = folder
        self.ghana_run = ghana_run
        self._cache = {}

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def base(self) -> Path:
        """Exercise 1: ``socsec run workbooks/jordan_example.xlsx -o base.xlsx --csv base --compare``."""
        def make():
            assert main(["run", str(EXAMPLE), "-o", str(self.folder / "base.xlsx"), "--csv",
                         str(self.folder / "base"), "--compare"]) == 0
            return self.folder / "base"
        return self._once("base", make)

    def csv(self, name) -> pd.DataFrame:
        return pd.read_csv(self.base() / name)

    def scenario(self, indicator, horizon, scenario="base") -> float:
        frame = self.csv("scenarios.csv")
        row = frame[(frame["indicator"] == indicator) & (frame["horizon"] == horizon)]
        return float(row[scenario].iloc[0])

    def yearly(self, name, column, year) -> float:
        frame = self.csv(name)
        return float(frame.loc[frame["year"] == year, column].iloc[0])

    def solved(self) -> str:
        """Exercise 6: ``socsec solve workbooks/jordan_example.xlsx --target min_reserve_ratio --horizon 50``."""
        def make():
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                assert main(["solve", str(EXAMPLE), "--target", "min_reserve_ratio", "--horizon", "50"]) == 0
            return out.getvalue()
        return self._once("solve", make)

    def ghana(self) -> Path:
        """Exercise 7: Ghana built from the test extract and run (the session's run, tests/conftest.py)."""
        return self.ghana_run[1]

    def calibrated(self) -> Path:
        """Exercise 8: the average old-age pensions of Scheme data x 1.10, run again."""
        def make():
            from openpyxl import load_workbook
            from socsec.workbook.contract import PENSIONER_COLUMNS
            wb = load_workbook(EXAMPLE)
            sheet, ref = next(iter(wb.defined_names["in_pension_amounts"].destinations))
            ws = wb[sheet]
            cells = ws[ref.replace("$", "")]
            header = [c.value for c in cells[0]]
            for row in cells[1:]:
                for cell, label in zip(row, header):
                    if label in PENSIONER_COLUMNS[:2]:  # old-age, males and females
                        cell.value = cell.value * 1.10
            wb.save(self.folder / "calibrated.xlsx")
            assert main(["run", str(self.folder / "calibrated.xlsx"), "--csv", str(self.folder / "cal")]) == 0
            return self.folder / "cal"
        return self._once("calibrated", make)


def calibration_ratio(folder: Path, item: str) -> float:
    frame = pd.read_csv(folder / "calibration.csv")
    return float(frame.loc[frame["item"] == item, "ratio"].iloc[0])


def wpp_july(year: int) -> float:
    return float(july_totals(GHANA, "GHA")[year])


ANSWERS = {
    1: lambda r: [millions(r.yearly("demography_summary.csv", "population", 2025)),
                  millions(r.csv("population.csv").query("year == 2101")["population"].sum()),
                     pd.read_csv(r.base() / "run_info.csv").set_index("item").loc["master check", "value"]],
    2: lambda r: [f"{r.yearly('demography_summary.csv', 'old_age_dependency_65_20_64', y):.3f}" for y in (2025, 2075)]
    + [f"{r.yearly('demography_summary.csv', 'e0_female', 2025):.1f}",
       f"{r.yearly('demography_summary.csv', 'tfr', 2100):.2f}"],
    3: lambda r: [pct(r.scenario("paygo_cost_rate_first_year", 1)), pct(r.scenario("paygo_cost_rate_last_year", 76)),
                     f"{r.scenario('crossover_year', 76):.0f}", pct(r.scenario("gap", 50)),
                     pct(r.scenario("gap_equivalent_contribution_rate", 50)),
                     pct(r.scenario("gap_equivalent_contribution_rate", 76))],
    4: lambda r: [pct(r.scenario("paygo_cost_rate_last_year", 76, "retirement_67")),
                     pct(r.scenario("gap", 50, "retirement_67")),
                     f"{100 * (r.scenario('gap', 50) - r.scenario('gap', 50, 'retirement_67')):.1f} points"],
    5: lambda r: [f"{r.scenario('depletion_year', 76, 'low_return'):.0f}", pct(r.scenario("gap", 50, "low_return")),
                     f"{r.scenario('depletion_year', 76, 'low_fertility'):.0f}",
                     pct(r.scenario("gap", 50, "low_fertility"))],
    6: lambda r: [re.search(r"contribution_rate = (\S+):", r.solved()).group(1),
                     re.search(r"found in (\d+) valuations", r.solved()).group(1) + " valuations"],
    7: lambda r: [millions(float(pd.read_csv(r.ghana() / "demography_summary.csv")["population"].iloc[0])),
                     pd.read_csv(r.ghana() / "run_info.csv").set_index("item").loc["master check", "value"]]
    + [f"{100 * (float(pd.read_csv(r.ghana() / 'demography_summary.csv').set_index('year').loc[y, 'population_midyear']) / wpp_july(y) - 1):+.2f}%"
       for y in (2050, 2100)],
    8: lambda r: [f"{calibration_ratio(r.base(), 'expenditure_old_age'):.3f}",
                     f"{calibration_ratio(r.calibrated(), 'expenditure_old_age'):.3f}",
                     pct(pd.read_csv(r.calibrated() / "indicators.csv")
                         .query("indicator == 'gap' and horizon == 50")["value"].iloc[0])],
    9: lambda r: [pct(r.yearly("replacement_rates.csv", "replacement_rate", 2025), 1),
                     pct(r.csv("replacement_rates.csv").query("year == 2025")["ilo_c102"].iloc[0], 0)],
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, ghana_run):
    return Runs(tmp_path_factory.mktemp("tutorial"), ghana_run)


def test_the_tutorial_has_8_to_12_exercises_each_with_an_answer_checked_here():
    text = TUTORIAL.read_text(encoding="utf-8")
    exercises = [int(n) for n in re.findall(r"^## Exercise (\d+)\b", text, flags=re.M)]
    assert 8 <= len(exercises) <= 12 and exercises == list(range(1, len(exercises) + 1))
    assert sorted(answer_paragraphs(text)) == exercises == sorted(ANSWERS)


@pytest.mark.parametrize("number", sorted(ANSWERS))
def test_answer(number, runs):
    paragraph = answer_paragraphs(TUTORIAL.read_text(encoding="utf-8"))[number]
    for figure in ANSWERS[number](runs):
        assert str(figure) in paragraph, f"exercise {number}: the program gives {figure!r}; the tutorial says: {paragraph}"
