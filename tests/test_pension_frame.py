"""The pension scheme inside the demographic frame (docs/methodology.md sections 9 and 14.1).

* Every check of the frame holds on the example in every year, and each one fails, naming its worst
  cell, when one cell of a valid valuation is made to break it (the checks are computed from the
  arrays of the projection, so a violation is constructed by editing one of them).
* Coverage by age drives who is insured at each age: a lower coverage of one age band changes the
  actives of that band and of no other age (the balancing fills or empties every age to its target).
* The coverage moves from the base data's to the input's over the phase-in years, linearly.
* The example's base year is no break: old-age awards of 2025 within 35% of those of 2026; base
  data consistent with the example's own coverage, orphan age limit and population by age.
* Nobody is insured below the minimum working age, and the spreading of grouped data respects it.
"""

from dataclasses import replace

from pathlib import Path

import numpy as np
import pytest

from socsec.model.economy import project_economy
from socsec.model.example_jordan import jordan_inputs
from socsec.model.pension import base_pensioners, project_pension, spread_insured
from socsec.model.population import project_population
from socsec.model.valuation import pension_checks, run_valuation
from workbook_fixtures import small_inputs, small_scheme

FRAME_CHECKS = ("Actives within employment", "Nobody insured below the minimum working age",
                "Pensioners within the population: old-age", "Pensioners within the population: invalidity",
                "Pensioners within the population: survivors", "Pensioners within the population: orphans",
                "Old-age and invalidity pensioners within the population",
                "Insured and own pensioners within the population", "Contributor-years paid = service credited",
                "Credited service conserved", "Insured persons conserved", "Pensioners reconcile")


@pytest.fixture(scope="module")
def example():
    return run_valuation(jordan_inputs())


def test_every_frame_check_holds_on_the_example(example):
    checks = {c.name: c for c in example.checks}
    for name in FRAME_CHECKS:
        assert checks[name].ok, (name, checks[name].value, checks[name].where)
    # the bounds are used, not idle: the tightest cells are close to them
    assert checks["Actives within employment"].value == pytest.approx(0.7, abs=0.3)
    assert example.master_ok


def test_base_year_is_not_a_break(example):
    s = example.pension.summary
    awards = s["awards_old_age"].to_numpy()
    assert abs(awards[0] / awards[1] - 1.0) <= 0.35, awards[:3]
    # no jump of the actives on 1 January of the second year (coverage of the base data = the input's)
    for column in ("actives_male", "actives_female"):
        growth = s[column].iloc[1] / s[column].iloc[0] - 1.0
        assert abs(growth) < 0.05, (column, growth)


def test_example_base_data_agree_with_its_assumptions(example):
    """Actives = coverage of the first anchor x employed at every working age below the early retirement
    age; no inactive insured at or above the normal age; orphans below the orphan age limit; no age
    with more pensioners of a type than people."""
    inputs = example.inputs.pension
    actives = example.pension.actives_by_age[0]
    employed = example.economy.employed[0]
    for g in range(2):
        coverage = inputs.assumptions.coverage[0, g, 30]
        ratio = actives[g, 15:55] / employed[g, 15:55]
        # grouped data spread within 5-year groups in proportion to the employed: the coverage of the group
        np.testing.assert_allclose(ratio, coverage, rtol=0.05)
    assert example.pension.inactive_by_age[0, :, int(inputs.rules.normal_age[0, 0]):].max() == 0.0
    limit = int(inputs.rules.orphan_age_limit[0])
    assert example.pension.pensioners[0, 3, :, limit:].max() == 0.0
    assert (example.pension.pensioners[0] <= example.population.population[0][None]).all()


def one_cell(array, t, g, x, value):
    out = np.array(array, copy=True)
    out[t, g, x] = value
    return out


VIOLATIONS = {
    # check -> how one cell of a valid small valuation is broken (valuation -> (pension, economy, population))
    "Actives within employment": lambda v: (replace(v.pension, insured=replace(
        v.pension.insured, actives_by_age=one_cell(v.pension.actives_by_age, 3, 1, 20,
                                                   2.0 * v.economy.employed[3, 1, 20]))), v.economy, v.population),
    "Nobody insured below the minimum working age": lambda v: (replace(v.pension, insured=replace(
        v.pension.insured, inactive_by_age=one_cell(v.pension.inactive_by_age, 4, 0, 12, 3.0))),
        v.economy, v.population),
    "Pensioners within the population: survivors": lambda v: (replace(
        v.pension, pensioners=np.where(np.arange(4)[None, :, None, None] == 2,
                                       v.pension.pensioners + 2.0 * v.population.population[:, None],
                                       v.pension.pensioners)), v.economy, v.population),
    "Old-age and invalidity pensioners within the population": lambda v: (replace(
        v.pension, pensioners=v.pension.pensioners + np.where(
            np.arange(4)[None, :, None, None] < 2, 0.6 * v.population.population[:, None], 0.0)),
        v.economy, v.population),
    "Insured and own pensioners within the population": lambda v: (v.pension, v.economy, replace(
        v.population, population=one_cell(v.population.population, 5, 0, 22, 1.0))),
    "Contributor-years paid = service credited": lambda v: (replace(v.pension, by_age={
        **v.pension.by_age, "credited": one_cell(v.pension.by_age["credited"], 2, 0, 20,
                                                 v.pension.by_age["credited"][2, 0, 20] + 5)}),
        v.economy, v.population),
}


@pytest.mark.parametrize("name", list(VIOLATIONS))
def test_each_frame_check_fails_on_a_constructed_violation(name):
    valuation = run_valuation(small_inputs())
    assert valuation.master_ok
    pension, economy, population = VIOLATIONS[name](valuation)
    checks = {c.name: c for c in pension_checks(pension, economy, population, valuation.inputs.pension.assumptions)}
    assert not checks[name].ok, name
    failed = [c.name for c in checks.values() if not c.ok]
    assert name in failed
    assert checks[name].where.startswith("20"), checks[name].where  # year, sex, age of the worst cell


def test_the_checks_name_the_worst_cell():
    valuation = run_valuation(small_inputs())
    pension, economy, population = VIOLATIONS["Actives within employment"](valuation)
    check = next(c for c in pension_checks(pension, economy, population, valuation.inputs.pension.assumptions)
                 if c.name == "Actives within employment")
    assert check.where.startswith("2033, female, age 20:"), check.where
    assert check.value == pytest.approx(2.0, rel=1e-12)


def test_abroad_share_is_left_out_of_the_population_checks():
    """Pensioners above the population pass once the share living abroad brings them below it."""
    valuation = run_valuation(small_inputs())
    pension = replace(valuation.pension, pensioners=valuation.pension.pensioners
                      + np.where(np.arange(4)[None, :, None, None] == 2, 0.5 * valuation.population.population[:, None],
                                 0.0) * 3.0)
    name = "Pensioners within the population: survivors"
    assumptions = valuation.inputs.pension.assumptions
    failing = {c.name: c.ok for c in pension_checks(pension, valuation.economy, valuation.population, assumptions)}
    abroad = replace(assumptions, abroad_share=np.array([0.9, 0.9]))
    passing = {c.name: c.ok for c in pension_checks(pension, valuation.economy, valuation.population, abroad)}
    assert not failing[name] and passing[name]


def project(inputs):
    population = project_population(inputs.population.to_assumptions())
    economy = project_economy(inputs.economy, population)
    return population, economy, project_pension(inputs.pension, population, economy)


def test_coverage_of_one_age_band_changes_that_band_only():
    """A lower coverage at ages 18-20 changes the actives of those ages in every year after the base year
    and of no other age below the early retirement age (23 in the small scheme): each of those ages is
    brought to its own target on 31 December (inactive insured reactivated or new entrants below it,
    moves to inactive above it).  The documented effect of the balancing: from the early retirement
    age on, where nobody enters, the actives are the survivors of the age before who do not retire,
    and who may retire early depends on their service; the band changes the service of those reaching
    that age (more of them come back from inactive with their service), so those ages move a little."""
    inputs = small_inputs()
    assume = inputs.pension.assumptions
    band = np.zeros(31, dtype=bool)
    band[18:21] = True
    early = int(inputs.pension.rules.early_age[0, 0])
    lower = replace(inputs, pension=replace(inputs.pension, assumptions=replace(
        assume, coverage=assume.coverage * np.where(band, 0.6, 1.0))))
    _, economy, before = project(inputs)
    _, _, after = project(lower)
    a, b = before.actives_by_age[1:], after.actives_by_age[1:]
    others = ~band & (np.arange(31) < early)
    np.testing.assert_allclose(b[:, :, others], a[:, :, others], rtol=1e-12, atol=1e-9)
    assert (b[:, :, band] < a[:, :, band] * 0.7).all()
    target = 0.5 * 0.6 * np.concatenate([economy.employed[1:], economy.employed[-1:]])[:, :, band]
    np.testing.assert_allclose(b[:, :, band], target, rtol=1e-12)


def test_coverage_moves_from_the_base_data_over_the_phase_in():
    """Base data at 20% of the employed, coverage input 50%, phase-in 4 years: the actives of an age where
    entry is open are (0.2 + 0.3 x min(k / 4, 1)) x employed on 1 January of year k."""
    inputs = small_inputs()
    population = project_population(inputs.population.to_assumptions())
    economy = project_economy(inputs.economy, population)
    base = project_pension(inputs.pension, population, economy)
    data = inputs.pension.data
    scaled = replace(data, actives=data.actives * 0.4)  # the small scheme's data are at 50% in the base year
    pension = replace(inputs.pension, data=scaled,
                      assumptions=replace(inputs.pension.assumptions, coverage_phase_in=4))
    phased = project_pension(pension, population, economy)
    x = 17
    employed = economy.employed[:, :, x]
    c0 = phased.actives_by_age[0, :, x] / employed[0]
    np.testing.assert_allclose(c0, 0.4 * base.actives_by_age[0, :, x] / employed[0], rtol=1e-12)
    for k in range(1, 9):
        want = (c0 + (0.5 - c0) * min(k / 4, 1.0)) * employed[k]
        np.testing.assert_allclose(phased.actives_by_age[k, :, x], want, rtol=1e-12)
    # without a phase-in, the coverage input from the first 31 December on
    jump = project_pension(replace(pension, assumptions=replace(pension.assumptions, coverage_phase_in=0)),
                           population, economy)
    np.testing.assert_allclose(jump.actives_by_age[1, :, x], 0.5 * employed[1], rtol=1e-12)


def test_nobody_insured_below_the_minimum_working_age_and_spreading_respects_it():
    inputs = small_inputs(economy=dict(min_working_age=17))
    valuation = run_valuation(inputs)
    assert valuation.pension.actives_by_age[:, :, :17].max() == 0.0
    assert valuation.pension.inactive_by_age[:, :, :17].max() == 0.0
    assert next(c for c in valuation.checks if c.name == "Nobody insured below the minimum working age").ok
    # group 15-19 with 0-4 years of service: ages 17-19 only, at most age - 17 years of service
    counts = np.zeros((2, 3, 1))
    counts[:, 1, 0] = 60.0
    spread = spread_insured(np.array([0, 15, 20]), np.array([0]), counts, 30, 17, np.ones((2, 31)))
    assert spread[:, :17].sum() == 0.0
    # cells (17, 0), (18, 0-1), (19, 0-2): ages weighted equally, each age shared evenly over its service
    np.testing.assert_allclose(spread[0, 17, :1], 20.0)
    np.testing.assert_allclose(spread[0, 18, :2], 10.0)
    np.testing.assert_allclose(spread[0, 19, :3], 20.0 / 3.0)


def test_grouped_pensioners_are_spread_within_the_population_of_each_age():
    """A group of widows aged 25-30+ in proportion to the women of each age; orphans only below the
    orphan age limit (10 in the small scheme), though their group runs from 0 to 14."""
    inputs = small_inputs()
    population = inputs.population.base_population
    number, _, _ = base_pensioners(inputs.pension.data, 30, population, 10)
    group = number[2, 1, 25:]
    np.testing.assert_allclose(group / group.sum(), population[1, 25:] / population[1, 25:].sum(), rtol=1e-12)
    assert number[3, :, 10:15].max() == 0.0 and number[3, :, :10].sum() == pytest.approx(
        inputs.pension.data.pensioners[0, 3].sum(), rel=1e-12)


def test_a_member_below_the_minimum_working_age_in_the_data_is_refused():
    """Spreading cannot place service below the minimum working age: a group of 0-14 year-olds with
    service is refused with the group named."""
    counts = np.zeros((2, 2, 1))
    counts[0, 0, 0] = 5.0
    with pytest.raises(ValueError, match="ages 0-14"):
        spread_insured(np.array([0, 15]), np.array([0]), counts, 30, 15, np.ones((2, 31)))


def test_small_scheme_is_inside_the_frame():
    valuation = run_valuation(small_inputs(pension=small_scheme()))
    assert valuation.master_ok, [(c.name, c.where) for c in valuation.checks if not c.ok]


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_spreading_follows_the_hand_computed_cells_with_either_engine(engine):
    """A group 15-19 x service 0-4 with minimum age 17 and weights 1, 2, 3 for ages 17, 18, 19 (women:
    all weights 0, so equal shares): the 60 men go 10, 20, 30 to ages 17-19, each age evenly over its
    feasible service 0 .. age - 17; a group 20-30 x 5-30 of 11 women with zero weights: 11/9 to each of
    the ages 22-30 that can have 5 years of service."""
    counts = np.zeros((2, 3, 2))
    counts[0, 1, 0], counts[1, 1, 0], counts[1, 2, 1] = 60.0, 30.0, 11.0
    weights = np.zeros((2, 31))
    weights[0, 17:20] = (1.0, 2.0, 3.0)
    spread = spread_insured(np.array([0, 15, 20]), np.array([0, 5]), counts, 30, 17, weights, engine)
    np.testing.assert_allclose(spread[0, 17, :1], 10.0)
    np.testing.assert_allclose(spread[0, 18, :2], 10.0)
    np.testing.assert_allclose(spread[0, 19, :3], 10.0)
    np.testing.assert_allclose(spread[1, 17:20].sum(axis=1), 10.0)
    for x in range(22, 31):  # ages 22-30 (service 5 from age 22): one woman each, over service 5 .. x - 17
        np.testing.assert_allclose(spread[1, x, 5:x - 16], 11.0 / 9 / (x - 21))
    assert spread.sum() == pytest.approx(101.0, rel=1e-14) and spread[:, :17].sum() == 0.0


def test_spreading_kernel_equals_its_numpy_twin_on_the_example_and_random_groups():
    from socsec.api import load

    example = load(Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx").inputs
    data, population = example.pension.data, example.population.base_population
    cases = [(data.age_starts, data.service_starts, data.actives, population),
             (data.age_starts, data.service_starts, data.inactive, population)]
    rng = np.random.default_rng(5)
    for _ in range(20):
        ages = np.unique(np.concatenate([[0], rng.choice(np.arange(15, 80), 6, replace=False)]))
        service = np.unique(np.concatenate([[0], rng.choice(np.arange(1, 40), 3, replace=False)]))
        counts = rng.uniform(0, 100, (2, len(ages), len(service))) * (ages[None, :, None] >= 15 + service[None, None, :])
        weights = rng.uniform(0, 1, (2, 101)) * (rng.uniform(size=(2, 101)) > 0.2)
        cases.append((ages, service, counts, weights))
    for ages, service, counts, weights in cases:
        got = spread_insured(ages, service, counts, 100, 15, weights, "numba")
        want = spread_insured(ages, service, counts, 100, 15, weights, "numpy")
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-12)
        assert got.sum() == pytest.approx(np.sum(counts), rel=1e-12)


def _frame(kernel: bool, actives, inactive, pensioners, amounts, people, employed, resident, min_age):
    from socsec.core.checks import Frame, scheme_frame_kernel, scheme_frame_reference

    if not kernel:
        return scheme_frame_reference(actives, inactive, pensioners, amounts, people, employed, resident, min_age, 1e-9)
    worst, cells, over = np.empty((len(Frame), 3)), np.empty(len(Frame), np.int64), np.empty(len(Frame), np.int64)
    lowest = scheme_frame_kernel(actives, inactive, pensioners, amounts, people, employed, resident, min_age, 1e-9,
                                 worst, cells, over)
    return worst, cells, over, lowest


def test_scheme_frame_kernel_by_hand():
    """core.checks.scheme_frame_kernel on two years, ages 0-2, minimum working age 1, every cell inside its
    bounds but for these, made by hand: 4 actives against 2 employed (share 2, the first of two such cells),
    3 survivors of whom a third live abroad against a population of 0 (infinite share), 5 inactive insured
    aged 0 (4 persons in another cell aged 0 come later), a negative amount of -1, and a pensioner share
    of 1 + 1e-10 (within the tolerance: not over)."""
    from socsec.core.checks import LIMIT, PERSONS, WORST, Frame

    shape = (2, 2, 3)
    actives, inactive, people = np.zeros(shape), np.zeros(shape), np.full(shape, 10.0)
    pensioners, amounts = np.zeros((2, 4, 2, 3)), np.zeros((2, 4, 2, 3))
    employed = np.full((1, 2, 3), 2.0)
    actives[0, 1, 2] = actives[0, 0, 1] = 4.0  # (year 0, female, 2) comes after (year 0, male, 1)
    pensioners[1, 2, 0, 2], people[1, 0, 2] = 3.0, 0.0
    inactive[0, 1, 0], inactive[1, 0, 0] = 5.0, 4.0
    amounts[1, 3, 1, 1] = -1.0
    pensioners[0, 1, 1, 1], people[0, 1, 1] = 10.0 + 1e-9, 10.0
    resident = np.array([2.0 / 3.0, 1.0])
    worst, cells, over, lowest = _frame(True, actives, inactive, pensioners, amounts, people, employed, resident, 1)
    assert tuple(worst[Frame.ACTIVES_IN_EMPLOYMENT]) == (2.0, 4.0, 2.0)
    assert cells[Frame.ACTIVES_IN_EMPLOYMENT] == 1 and over[Frame.ACTIVES_IN_EMPLOYMENT] == 2  # (0, male, 1)
    assert worst[Frame.SURVIVORS, WORST] == np.inf and worst[Frame.SURVIVORS, PERSONS] == 2.0
    assert cells[Frame.SURVIVORS] == 3 * 2 + 2 and over[Frame.SURVIVORS] == 1  # (1, male, 2)
    assert worst[Frame.INVALIDITY, WORST] == pytest.approx(1.0 + 1e-10, rel=1e-15) and over[Frame.INVALIDITY] == 0
    assert tuple(worst[Frame.YOUNG_INSURED]) == (5.0, 5.0, 0.0)
    assert cells[Frame.YOUNG_INSURED] == 1 and over[Frame.YOUNG_INSURED] == 2  # (0, female, 0) in (2, 2, 1)
    # the invalidity pensioners fill (0, female, 1); the survivors, not own pensioners, are not counted there
    for j in (Frame.OWN_PENSIONERS, Frame.INSURED_AND_OWN):
        assert worst[j, WORST] == pytest.approx(1.0 + 1e-10, rel=1e-15) and worst[j, LIMIT] == 10.0
        assert cells[j] == 1 * 3 + 1 and over[j] == 0
    assert worst[Frame.OLD_AGE, WORST] == 0.0 and cells[Frame.OLD_AGE] == 0 and over[Frame.OLD_AGE] == 0
    assert lowest == -1.0


def test_scheme_frame_kernel_equals_its_twin_on_the_example_and_random_stocks(example):
    """core.checks.scheme_frame_kernel against its numpy twin: on the example's arrays, and on random stocks
    with zero limits, NaN, negative cells and ties (every output equal, NaN where NaN)."""
    p, e = example.pension, example.economy
    args = (p.actives_by_age, p.inactive_by_age, p.pensioners, p.pension_amount, example.population.population,
            e.employed, np.array([0.97, 0.99]), e.min_working_age)
    for got, want in zip(_frame(True, *args), _frame(False, *args)):
        np.testing.assert_equal(got, want)
    rng = np.random.default_rng(7)
    values, chances = [0.0, 1.0, 2.5, 7.0, np.nan, -1.0], [0.3, 0.2, 0.2, 0.2, 0.05, 0.05]
    for _ in range(200):
        n, A = int(rng.integers(1, 4)), int(rng.integers(1, 6))
        stock = lambda *shape: rng.choice(values, shape, p=chances)  # noqa: E731
        args = (stock(n + 1, 2, A), stock(n + 1, 2, A), stock(n + 1, 4, 2, A), stock(n + 1, 4, 2, A),
                stock(n + 1, 2, A), stock(n, 2, A), rng.uniform(0.5, 1.0, 2), int(rng.integers(0, A + 1)))
        for got, want in zip(_frame(True, *args), _frame(False, *args)):
            np.testing.assert_equal(got, want)
