"""Pension block: each rule moves the results the right way, and no scheme input is silently
ignored (issue 4, Done when: levers; no input silently ignored).

Levers, on ``small_scheme`` (ages 0..30+, 2030-2039): higher accrual -> higher expenditure;
higher retirement age -> fewer old-age pensioners; higher contribution rate -> higher
contributions, the same benefits; wage indexation -> more expenditure than price indexation
when real wages grow; lower ceiling -> lower insurable earnings.

No input ignored: every field of SchemeRules (the five method options included), of
SchemeAssumptions and of SchemeData, and every calibration figure, is changed on its own and some
result (summary, calibration table, stocks or insurable wages) must move by more than 1e-9 of
its scale.  Rules and behaviour given by year are changed from 2034 on only (a phase-in): the
results of 2030-2033 must then stay exactly as they were.  Where the small scheme gives an input
no chance to act, the baseline of that case is adapted (stated in the case):

* the base percentage of two-tier accrual acts only when the number of base years is positive;
* the reference period acts only with reference earnings "last_years";
* coverage anchor years act only when the coverage differs between anchors;
* the coverage phase-in acts only when the coverage differs from that of the base data.

The share of inactive insured and pensioners abroad enters only the checks against the population
(their values are among the results compared).

Two inputs act by design only through a summary of them (test_inputs_used_only_through_a_summary):
the salary scale is normalised (its level does not matter, only its shape), and the base-year
average earnings of the actives count only through their active-weighted mean (the age/sex
profile of projected wages is the salary scale's).
"""

from dataclasses import fields, replace

import numpy as np
import pytest

from socsec.model.example_jordan import jordan_inputs
from socsec.model.pension import CALIBRATION_ROWS, SchemeAssumptions, SchemeData, SchemeRules
from socsec.model.valuation import run_valuation
from workbook_fixtures import small_inputs, small_scheme

N, A, K = 10, 31, 4  # years, ages, first year of a phase-in (2034)


def run(pension=None, **economy):
    return run_valuation(small_inputs(economy=economy or None, pension=pension or small_scheme()))


def with_(pension, **changes):
    """A copy of ``pension`` with changes named rules__x, assumptions__x, data__x or actual__key."""
    blocks = {"rules": {}, "assumptions": {}, "data": {}}
    actual = dict(pension.actual)
    for key, value in changes.items():
        block, name = key.split("__")
        if block == "actual":
            actual[name] = value
        else:
            blocks[block][name] = value
    return replace(pension, rules=replace(pension.rules, **blocks["rules"]),
                   assumptions=replace(pension.assumptions, **blocks["assumptions"]),
                   data=replace(pension.data, **blocks["data"]), actual=actual)


def from_k(array, new):
    """``array`` (by year) with ``new(old)`` from year K on."""
    out = np.array(array, copy=True)
    out[K:] = new(out[K:])
    return out


# --------------------------------------------------------------------------- levers

@pytest.fixture(scope="module")
def base():
    return run().pension.summary


def test_higher_accrual_raises_expenditure(base):
    higher = run(with_(small_scheme(), rules__accrual_rate=np.full(N, 0.03))).pension.summary
    for column in ("expenditure_old_age", "expenditure_invalidity", "benefit_expenditure", "total_expenditure"):
        assert np.all(higher[column] > base[column]), column
    assert np.all(higher["average_award_old_age"] > base["average_award_old_age"])
    assert np.array_equal(higher["pensioners_old_age"], base["pensioners_old_age"])  # same people


def test_higher_retirement_age_means_fewer_old_age_pensioners():
    """Normal age 25 -> 27 in small_scheme with no minimum service (with the 5 years of
    small_scheme, the two extra years let many recent entrants qualify, and 2036 then has more
    old-age pensioners, not fewer: the lever is the age, so the test removes that effect), and
    normal and early ages + 2 in the Jordan example (15 years needed), every year of 2025-2100."""
    pension = with_(small_scheme(), rules__min_service_old_age=np.zeros(N))
    base = run(pension).pension.summary
    later = run(with_(pension, rules__normal_age=np.full((N, 2), 27))).pension.summary
    assert later["pensioners_old_age"].iloc[0] == base["pensioners_old_age"].iloc[0]  # base-year data
    assert np.all(later["pensioners_old_age"].iloc[1:] < base["pensioners_old_age"].iloc[1:])
    assert np.all(later["awards_old_age"].cumsum() < base["awards_old_age"].cumsum())  # postponed, not lost

    jordan = jordan_inputs()
    rules = jordan.pension.rules
    later_rules = replace(rules, normal_age=rules.normal_age + 2, early_age=rules.early_age + 2)
    base = run_valuation(jordan).pension.summary
    later = run_valuation(replace(jordan, pension=replace(jordan.pension, rules=later_rules))).pension.summary
    assert np.all(later["pensioners_old_age"].iloc[1:] < base["pensioners_old_age"].iloc[1:])
    assert later["expenditure_old_age"].sum() < base["expenditure_old_age"].sum()


def test_higher_contribution_rate_raises_contributions_only(base):
    higher = run(with_(small_scheme(), rules__contribution_rate=np.full(N, 0.15))).pension.summary
    np.testing.assert_allclose(higher["contributions"], base["contributions"] * 0.15 / 0.12, rtol=1e-14)
    for column in ("benefit_expenditure", "expenditure_old_age", "grants", "pensioners", "insurable_earnings"):
        assert np.array_equal(higher[column], base[column]), column
    # administrative expenses are 3% of contributions in small_scheme: they follow the contributions
    np.testing.assert_allclose(higher["administrative_expenses"], base["administrative_expenses"] * 1.25, rtol=1e-14)


def test_wage_indexation_costs_more_than_price_indexation_when_real_wages_grow():
    macro = run().economy.macro
    assert np.all(macro["real_wage_growth"].iloc[1:] > 0.01)
    prices = run(with_(small_scheme(), rules__indexation_wage_weight=np.zeros(N))).pension.summary
    wages = run(with_(small_scheme(), rules__indexation_wage_weight=np.ones(N))).pension.summary
    # pensions are indexed on 1 January: the base year is the same, every later year costs more
    assert wages["benefit_expenditure"].iloc[0] == pytest.approx(prices["benefit_expenditure"].iloc[0], rel=1e-14)
    for column in ("expenditure_old_age", "expenditure_invalidity", "expenditure_survivors", "benefit_expenditure"):
        assert np.all(wages[column].iloc[1:] > prices[column].iloc[1:]), column
    assert np.array_equal(wages["pensioners"], prices["pensioners"])


def test_lower_ceiling_lowers_insurable_earnings(base):
    lower = run(with_(small_scheme(), rules__earnings_ceiling=np.full(N, 15000.0))).pension.summary
    for column in ("insurable_earnings", "average_insurable_earnings", "contributions"):
        assert np.all(lower[column] < base[column]), column
    assert np.array_equal(lower["actives"], base["actives"])


# --------------------------------------------------------------------------- no input ignored

def double(v):
    return v * 2.0


def phased(block, name, new, baseline=None):
    """A case changing ``block.name`` (by year) to ``new(old)`` from year K on."""
    return (baseline or {}, {f"{block}__{name}": lambda b: from_k(getattr(b, name), new)})


def changed(block, name, new, baseline=None):
    """A case replacing ``block.name`` by ``new(block)``."""
    return (baseline or {}, {f"{block}__{name}": new})


# name -> (changes to small_scheme giving the baseline, changes giving the variant); by-year
# rules and behaviour change from year K on
CASES = {
    # rules, by year
    "rules.contribution_rate": phased("rules", "contribution_rate", lambda v: v + 0.03),
    "rules.normal_age": phased("rules", "normal_age", lambda v: v + 1),
    "rules.early_age": phased("rules", "early_age", lambda v: v - 1),
    "rules.min_service_old_age": phased("rules", "min_service_old_age", lambda v: v - 2),
    "rules.min_service_invalidity": phased("rules", "min_service_invalidity", lambda v: v + 3),
    "rules.min_service_survivors": phased("rules", "min_service_survivors", lambda v: v + 3),
    "rules.accrual_rate": phased("rules", "accrual_rate", lambda v: v + 0.01),
    "rules.accrual_base_percent": phased("rules", "accrual_base_percent", lambda v: v + 0.1,
                                         baseline=dict(rules__accrual_base_years=lambda r: np.full(N, 5.0))),
    "rules.accrual_base_years": phased("rules", "accrual_base_years", lambda v: v + 5),
    "rules.early_reduction": phased("rules", "early_reduction", double),
    "rules.late_increment": phased("rules", "late_increment", double),
    "rules.min_pension": phased("rules", "min_pension", lambda v: v * 3),
    "rules.max_pension": phased("rules", "max_pension", lambda v: v + 1500.0),
    "rules.earnings_ceiling": phased("rules", "earnings_ceiling", lambda v: v / 2),
    "rules.earnings_floor": phased("rules", "earnings_floor", lambda v: v + 15000.0),
    "rules.reference_years": phased("rules", "reference_years", lambda v: v - 3,
                                    baseline=dict(rules__reference_earnings=lambda r: "last_years")),
    "rules.widow_share": phased("rules", "widow_share", lambda v: v + 0.1),
    "rules.orphan_share": phased("rules", "orphan_share", lambda v: v + 0.1),
    "rules.full_orphan_share": phased("rules", "full_orphan_share", lambda v: v + 0.1),
    "rules.survivors_cap": phased("rules", "survivors_cap", lambda v: v * 0.3),
    "rules.orphan_age_limit": phased("rules", "orphan_age_limit", lambda v: v - 2),
    "rules.grant_per_year": phased("rules", "grant_per_year", double),
    "rules.admin_share_contributions": phased("rules", "admin_share_contributions", double),
    "rules.admin_share_benefits": phased("rules", "admin_share_benefits", lambda v: v + 0.02),
    "rules.indexation_wage_weight": phased("rules", "indexation_wage_weight", lambda v: v + 0.5),
    # rules, method options (settings on the Scheme rules sheet)
    "rules.reference_earnings": changed("rules", "reference_earnings", lambda r: "last_years"),
    "rules.revaluation=prices": changed("rules", "revaluation", lambda r: "prices"),
    "rules.revaluation=none": changed("rules", "revaluation", lambda r: "none"),
    "rules.ceiling_indexation": changed("rules", "ceiling_indexation", lambda r: "prices"),
    "rules.invalidity_service_credit": changed("rules", "invalidity_service_credit", lambda r: False),
    "rules.earnings_cv": changed("rules", "earnings_cv", lambda r: 0.2),
    # behaviour and family
    "assumptions.coverage_years": changed(
        "assumptions", "coverage_years", lambda a: np.array([2030, 2037]),
        baseline=dict(assumptions__coverage_years=lambda a: np.array([2030, 2035]),
                      assumptions__coverage=lambda a: np.stack([np.full((2, A), 0.5), np.full((2, A), 0.7)]))),
    "assumptions.coverage": changed("assumptions", "coverage", lambda a: a.coverage * 1.2),
    "assumptions.density": changed("assumptions", "density", lambda a: a.density * 0.8),
    "assumptions.coverage_phase_in": changed("assumptions", "coverage_phase_in", lambda a: 4,
                                             baseline=dict(assumptions__coverage=lambda a: a.coverage * 1.3)),
    "assumptions.abroad_share": changed("assumptions", "abroad_share", lambda a: np.array([0.1, 0.2])),
    "assumptions.salary_scale": changed("assumptions", "salary_scale", lambda a: np.ones((2, A))),
    "assumptions.invalidity": changed("assumptions", "invalidity", lambda a: a.invalidity * 2),
    "assumptions.lapse": changed("assumptions", "lapse", lambda a: a.lapse * 2),
    "assumptions.reentry": changed("assumptions", "reentry", lambda a: a.reentry * 2),
    "assumptions.retire_early": phased("assumptions", "retire_early", double),
    "assumptions.retire_normal": phased("assumptions", "retire_normal", lambda v: v * 0.5),
    "assumptions.exit_age": phased("assumptions", "exit_age", lambda v: v - 1),
    **{f"assumptions.mortality_factor[{kind}]": changed(
        "assumptions", "mortality_factor", lambda a, k=k: a.mortality_factor * np.eye(3)[k][:, None] * 0.3
                                        + a.mortality_factor)
       for k, kind in enumerate(("insured", "old-age", "invalidity"))},
    "assumptions.spouse_probability": changed("assumptions", "spouse_probability",
                                              lambda a: a.spouse_probability * 1.3),
    "assumptions.spouse_age_difference": changed("assumptions", "spouse_age_difference",
                                                 lambda a: a.spouse_age_difference * 2),
    "assumptions.orphans_per_death": changed("assumptions", "orphans_per_death", lambda a: a.orphans_per_death * 2),
    "assumptions.orphan_age_gap": changed("assumptions", "orphan_age_gap", lambda a: a.orphan_age_gap + 2),
    "assumptions.remarriage": changed("assumptions", "remarriage", lambda a: a.remarriage * 3),
    # base-year data
    "data.age_starts": changed("data", "age_starts", lambda d: np.array([0, 15, 22, 25])),
    "data.service_starts": changed("data", "service_starts", lambda d: np.array([0, 4, 10])),
    "data.actives": changed("data", "actives", lambda d: d.actives * np.array([1.0, 1.5])[:, None, None]),
    "data.inactive": changed("data", "inactive", lambda d: d.inactive * np.array([1.0, 1.5])[:, None, None]),
    "data.active_earnings": changed("data", "active_earnings", lambda d: d.active_earnings * 1.1),
    "data.pensioner_age_starts": changed("data", "pensioner_age_starts", lambda d: np.array([0, 16, 25])),
    "data.pensioners": changed("data", "pensioners", lambda d: d.pensioners * 1.5),
    "data.average_pension": changed("data", "average_pension", lambda d: d.average_pension * 1.5),
    # calibration figures
    **{f"actual.{key}": ({}, {f"actual__{key}": lambda p, key=key: p[key] * 2})
       for key, _ in CALIBRATION_ROWS},
}
BY_YEAR = {"rules." + f.name for f in fields(SchemeRules) if f.type is np.ndarray} | {
    "assumptions.retire_early", "assumptions.retire_normal", "assumptions.exit_age"}


def apply(pension, changes):
    """Evaluate the change functions on the block they change and apply them."""
    blocks = {"rules": pension.rules, "assumptions": pension.assumptions, "data": pension.data,
              "actual": pension.actual}
    return with_(pension, **{key: fn(blocks[key.split("__")[0]]) for key, fn in changes.items()})


def results(valuation):
    p = valuation.pension
    return {"summary": p.summary.drop(columns="year").to_numpy(dtype=float),
            "calibration": p.calibration[["projected", "actual", "ratio"]].to_numpy(dtype=float),
            "actives": p.actives, "inactive": p.inactive, "pensioners": p.pensioners,
            "pension amounts": p.pension_amount, "insurable wages": p.insurable_wage,
            "checks": np.array([c.value for c in valuation.checks])}


def differences(a, b):
    """Largest relative change of each result (NaN where both are NaN counts as equal)."""
    out = {}
    for name in a:
        x, y = np.nan_to_num(a[name], nan=-1.0), np.nan_to_num(b[name], nan=-1.0)
        out[name] = float(np.max(np.abs(x - y)) / max(np.max(np.abs(x)), 1e-300))
    return out


def test_every_scheme_input_has_a_case():
    names = {c.split("=")[0].split("[")[0] for c in CASES}
    expected = ({f"rules.{f.name}" for f in fields(SchemeRules)}
                | {f"assumptions.{f.name}" for f in fields(SchemeAssumptions)}
                | {f"data.{f.name}" for f in fields(SchemeData)} | {f"actual.{key}" for key, _ in CALIBRATION_ROWS})
    assert names == expected


@pytest.fixture(scope="module")
def baseline_cache():
    return {}


@pytest.mark.parametrize("case", list(CASES))
def test_no_scheme_input_is_silently_ignored(case, baseline_cache):
    base_changes, variant_changes = CASES[case]
    key = tuple(sorted(base_changes))
    if key not in baseline_cache:
        baseline = apply(small_scheme(), base_changes)
        baseline_cache[key] = (baseline, results(run(baseline)))
    baseline, before = baseline_cache[key]
    variant = apply(baseline, variant_changes)
    after = results(run(variant))
    moved = differences(before, after)
    assert max(moved.values()) > 1e-9, f"{case}: no result moved ({moved})"
    if case.split("[")[0] in BY_YEAR:  # a change from 2034 on leaves 2030-2033 exactly as they were
        early_before, early_after = before["summary"][:K], after["summary"][:K]
        assert np.array_equal(early_before, early_after, equal_nan=True), f"{case}: years before {2030 + K} moved"
        for name in ("actives", "inactive", "pensioners"):
            assert np.array_equal(before[name][:K], after[name][:K]), f"{case}: {name} before {2030 + K} moved"
        assert np.any(before["summary"][K:] != after["summary"][K:]), f"{case}: the summary of {2030 + K}+ did not move"


def test_inputs_used_only_through_a_summary():
    """By design: the salary scale is normalised to the active-weighted average wage, so only its
    shape matters; the base-year average earnings of actives set the wage level through their
    active-weighted mean only (their age/sex profile does not reach the projection)."""
    before = results(run())
    pension = small_scheme()
    scaled = with_(pension, assumptions__salary_scale=pension.assumptions.salary_scale * 2.5)
    totals = pension.data.actives.sum(axis=2).T  # (age groups, sex) persons
    shift = np.zeros_like(pension.data.active_earnings)
    shift[1, 0], shift[3, 1] = 2e6 / totals[1, 0], -2e6 / totals[3, 1]  # the same active-weighted sum
    reprofiled = with_(pension, data__active_earnings=pension.data.active_earnings + shift)
    for variant in (scaled, reprofiled):
        moved = differences(before, results(run(variant)))
        assert max(moved.values()) < 1e-12, moved
