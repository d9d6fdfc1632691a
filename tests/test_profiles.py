"""Country profiles as data (issue 18): the example's labour, macro and scheme figures are read from
socsec/data/profiles/jordan.toml, and `socsec workbook build country --profile FILE` reads a user's file."""

import tomllib
from importlib import resources

import pytest

from socsec.cli import main
from socsec.errors import InputError
from socsec.model import example_jordan
from socsec.model.profiles import read_profile
from socsec.workbook.reader import read_workbook
from wpp2024_data import GHANA

JORDAN = resources.files("socsec").joinpath("data/profiles/jordan.toml")


def test_the_example_reads_its_figures_from_the_data_file():
    raw = tomllib.loads(JORDAN.read_text(encoding="utf-8"))
    inputs = example_jordan.jordan_inputs()
    assert inputs.economy.currency == raw["economy"]["currency"] == "JOD"
    assert inputs.economy.base_gdp == raw["economy"]["base_gdp"] == 40.0e9
    assert inputs.finance.initial_reserve == raw["scheme"]["initial_reserve"] == 12.0e9
    assert inputs.pension.actual["contributions"] == raw["scheme"]["actual"]["contributions"]
    assert example_jordan.jordan_sources()["in_base_gdp"] == raw["economy"]["sources"]["in_base_gdp"]


def test_a_country_built_with_a_profile_takes_its_figures(tmp_path):
    book = tmp_path / "gha.xlsx"
    assert main(["workbook", "build", "country", "GHA", "--wpp", str(GHANA), "--profile", str(JORDAN),
                 "-o", str(book)]) == 0
    inputs = read_workbook(book).inputs
    assert inputs.population.country == "Ghana"
    assert (inputs.economy.currency, inputs.economy.base_average_wage) == ("JOD", 6600.0)
    assert inputs.finance.initial_reserve == 12.0e9


def test_every_problem_of_a_profile_is_named_at_once(tmp_path, capsys):
    text = JORDAN.read_text(encoding="utf-8")
    bad = (text.replace("investment_return = 0.055", "investment_retrun = 0.055")
           .replace("min_pension = 1800.0", 'min_pension = true')
           .replace("[cover]", "[extras]\nx = 1\n\n[cover]"))
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_profile(path)
    messages = [str(p) for p in caught.value.problems]
    assert any("bad.toml, [economy]" in m and "missing investment_return" in m for m in messages)
    assert any("unknown investment_retrun" in m for m in messages)
    assert any("[scheme] min_pension" in m and "True" in m for m in messages)
    assert any("unknown tables extras" in m for m in messages)
    assert main(["workbook", "build", "country", "GHA", "--wpp", str(GHANA), "--profile", str(path),
                 "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "bad.toml" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()
