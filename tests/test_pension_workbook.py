"""Bad inputs on the pension sheets (Scheme data, Scheme rules, Scheme assumptions) through
``socsec run`` (issue 4, Done when: bad-input tests for the new sheets).

As in test_workbook_cli.py, each case asserts exit code 2, a message naming the sheet and the
cell and what is wrong, the input file unchanged, no traceback and no output left behind.
"""

import shutil

import pytest

from socsec.workbook.contract import RATE_COLUMNS, RULE_ROWS
from test_workbook_cli import run_bad
from workbook_fixtures import cell_of, edit, make_workbook

RULE = {field: 1 + i for i, (_, field, *_) in enumerate(RULE_ROWS)}  # data row of each rule
RATE = {field: 1 + j for j, (_, field, *_) in enumerate(RATE_COLUMNS)}  # data column of each rate


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_workbook(tmp_path_factory.mktemp("template") / "in.xlsx")


@pytest.fixture
def book(template, tmp_path):
    return shutil.copy(template, tmp_path / "in.xlsx")


def set_cell(book, name, row, col, value):
    sheet, cell = cell_of(book, name, row, col)
    edit(book, {(sheet, cell): value})
    return sheet, cell


@pytest.mark.parametrize("sex,age", [("male", 30), ("female", 26)])
def test_early_retirement_age_above_normal_age(book, capsys, sex, age):
    sheet, cell = set_cell(book, "in_rules", RULE[f"early_age_{sex}"], 4, age)  # 2033
    err = run_bad(book, capsys)
    assert f"sheet 'Scheme rules', cell {cell}" in err
    assert f"early retirement age ({age}) must not be above the normal retirement age (25) of 2033" in err


@pytest.mark.parametrize("name", ["in_actives_male", "in_inactive_female"])
def test_service_impossible_at_the_age(book, capsys, name):
    # row 2: ages 15-19; column 2: 5-9 years of service (the data start at 15 at the earliest)
    sheet, cell = set_cell(book, name, 2, 2, 10)
    err = run_bad(book, capsys)
    assert f"sheet 'Scheme data', cell {cell}" in err
    assert "10 persons aged 15-19 cannot have 5 or more years of service" in err


@pytest.mark.parametrize("name,value", [("in_scheme_rates_male", 1.2), ("in_scheme_rates_female", -0.1)])
def test_density_outside_zero_one(book, capsys, name, value):
    sheet, cell = set_cell(book, name, 21, RATE["density"], value)  # age 20
    err = run_bad(book, capsys)
    assert f"sheet 'Scheme assumptions', cell {cell}" in err
    assert f"density must be between 0 and 1, found {value:g}" in err


def test_contribution_rate_above_one(book, capsys):
    sheet, cell = set_cell(book, "in_rules", RULE["contribution_rate"], 2, 1.5)  # 2031
    err = run_bad(book, capsys)
    assert f"sheet 'Scheme rules', cell {cell}" in err
    assert "contribution rate must be between 0 and 1, found 1.5" in err


@pytest.mark.parametrize("name", ["in_inactive_male", "in_inactive_female"])
def test_inactive_age_groups_must_equal_the_actives(book, capsys, name):
    set_cell(book, name, 3, 0, 21)  # age group 20 -> 21
    err = run_bad(book, capsys)
    assert "sheet 'Scheme data'" in err
    assert f"the age groups (first column) of {name} must equal those of in_actives_male" in err


def test_group_mismatch_names_the_differing_label(book, capsys):
    sheet, cell = set_cell(book, "in_inactive_male", 3, 0, 21)
    err = run_bad(book, capsys)
    assert f"sheet 'Scheme data', cell {cell}" in err
    assert "20" in err and "21" in err


def test_non_numeric_pensioner_count(book, capsys):
    sheet, cell = set_cell(book, "in_pensioners", 3, 1, "many")  # age group 25, old-age men
    err = run_bad(book, capsys)
    assert f"sheet 'Scheme data', cell {cell}" in err
    assert "expected a number (persons), found text 'many'" in err
