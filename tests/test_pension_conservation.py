"""Pension block: conservation identities every year, kernels against their numpy twins, and the
two engines against each other (issue 4, Done when: conservation tests; docs/methodology.md section 9.11).

Identities, for each projection year t, each sex and each age at the end of the year (the
stocks at 1 January t+1), with all flows read from ``PensionProjection.flows`` (by age and service;
``project_pension(..., detail=True)`` where the option exists; flows by age at the start of the
year are moved one age up, the open age collects ages omega-1 and omega):

* actives   A(t+1) = A(t) - deaths - invalidity - retirements - lapses + re-entries
                     + new entrants - moves to inactive + reactivations;
* inactive  N(t+1) = N(t) - deaths - retirements (from the normal age) - re-entries + lapses
                     + moves to inactive - reactivations;
* service   sum s (A + N)(t+1) = sum s (A + N)(t) + credits - service of the exits, with the credits
            recomputed here as stayers x density + (deaths, invalidity, retirements and lapses of
            actives, and re-entries) x density / 2 (stayers = actives - deaths - invalidity -
            retirements - lapses; moves keep their service, entrants have none), and the service of
            the exits their service on 1 January plus density / 2 for the actives among them;
* pensioners of each type: P(t+1) = P(t) - deaths - other exits + awards (summary columns);
* amounts of each type: with mid-year awards and exits and indexation on 1 January,
  amount(t+1) / (1 + indexation) = 2 x paid(t) - amount(t) (paid = expenditure of the type);
* no stock or flow negative; actives at 1 January never above the employed of their sex.

Residuals are relative to the size of the stock of the year (at least 1 person); tolerance
1e-9.  Twins and engines: 1e-12 relative to the largest absolute value of each array.
"""

import inspect
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from socsec.core import pension as kp
from socsec.model.economy import project_economy
from socsec.model.example_jordan import jordan_inputs
from socsec.model.pension import PENSION_TYPES, SchemeAssumptions, SchemeData, SchemeRules, project_pension
from socsec.model.population import project_population
from socsec.model.valuation import pension_checks
from workbook_fixtures import small_inputs, small_scheme

RTOL = 1e-9
TWIN_RTOL = 1e-12
WORST = {}  # name -> worst residual seen (printed with -s)


def note(name, value):
    WORST[name] = max(WORST.get(name, 0.0), float(value))
    return value


def up_one_age(flow):
    """(..., 2, A) by age at the start of the year -> by age at the end (open age keeps its own)."""
    out = np.zeros_like(flow)
    out[..., 1:] = flow[..., :-1]
    out[..., -1] += flow[..., -1]
    return out


class Run:
    """Population, economy and pension projection of ``inputs``, with every flow of the insured
    by age and service (``detail=True`` where project_pension offers the option)."""

    def __init__(self, inputs, engine="numba"):
        self.inputs = inputs
        self.population = project_population(inputs.population.to_assumptions(), engine=engine)
        self.economy = project_economy(inputs.economy, self.population, engine=engine)
        detail = {"detail": True} if "detail" in inspect.signature(project_pension).parameters else {}
        self.pension = project_pension(inputs.pension, self.population, self.economy, engine=engine, **detail)


def check_identities(run, label=""):
    """Assert every identity of the module docstring; return the worst residuals."""
    p, eco = run.pension, run.economy
    f = p.flows
    A, N = p.actives, p.inactive  # (n + 1, 2, A, S)
    S = A.shape[3]
    a_age, n_age = A.sum(axis=3), N.sum(axis=3)  # (n + 1, 2, A)
    by_age = {k: f[k].sum(axis=3) for k in ("dead_active", "dead_inactive", "invalid", "retired_active",
                                            "left_inactive", "lapsed", "reentered")}
    for name, value in getattr(p, "by_age", {}).items():  # the flows by age kept without detail
        want = f[name].sum(axis=3) if name in by_age else f[name] if name in f else None
        if want is not None:
            np.testing.assert_allclose(value, want, rtol=1e-13, atol=1e-13 * max(np.abs(want).max(), 1.0),
                                       err_msg=f"{label}: by_age[{name}]")
    scale = np.maximum((a_age + n_age)[:-1].sum(axis=2), 1.0)[:, :, None]  # (n, 2, 1) stock of the sex

    # actives and inactive by sex and age at the end of the year
    a_expected = up_one_age(a_age[:-1] - by_age["dead_active"] - by_age["invalid"] - by_age["retired_active"]
                            - by_age["lapsed"] + by_age["reentered"]) + f["entrants"] - f["to_inactive"] \
        + f["reactivated"]
    n_expected = up_one_age(n_age[:-1] - by_age["dead_inactive"] - by_age["left_inactive"] - by_age["reentered"]
                            + by_age["lapsed"]) + f["to_inactive"] - f["reactivated"]
    worst_a = note("actives by sex and age", np.max(np.abs(a_age[1:] - a_expected) / scale))
    worst_n = note("inactive by sex and age", np.max(np.abs(n_age[1:] - n_expected) / scale))
    assert worst_a <= RTOL, f"{label}: actives do not reconcile ({worst_a:.2e})"
    assert worst_n <= RTOL, f"{label}: inactive insured do not reconcile ({worst_n:.2e})"

    # every person of the year is somewhere: totals, including the summary columns
    s = p.summary
    exits = s["deaths_actives"] + s["deaths_inactive"] + s["invalidity_exits"] + s["retirements_actives"] \
        + s["retirements_inactive"]
    total = (A + N).sum(axis=(1, 2, 3))
    residual = total[1:] - (total[:-1] + s["new_entrants"].to_numpy() - exits.to_numpy())
    worst_total = note("insured totals (summary)", np.max(np.abs(residual) / np.maximum(total[:-1], 1.0)))
    assert worst_total <= RTOL, f"{label}: insured totals do not reconcile ({worst_total:.2e})"

    # credited service: a whole year's density for the stayers, half of it for those who leave or re-enter
    stay = A[:-1] - f["dead_active"] - f["invalid"] - f["retired_active"] - f["lapsed"]
    density = run.inputs.pension.assumptions.density[None, :, :, None]
    active_exits = f["dead_active"] + f["invalid"] + f["retired_active"]
    credits = (stay * density + (active_exits + f["lapsed"] + f["reentered"]) * density / 2).sum(axis=(1, 2, 3))
    service = np.arange(S)
    exits_cells = active_exits + f["dead_inactive"] + f["left_inactive"]
    exit_years = (exits_cells * service + active_exits * density / 2).sum(axis=(1, 2, 3))
    years_start = ((A + N)[:-1] * service).sum(axis=(1, 2, 3))
    years_end = ((A + N)[1:] * service).sum(axis=(1, 2, 3))
    residual = years_end - (years_start + credits - exit_years)
    worst_service = note("credited service", np.max(np.abs(residual) / np.maximum(years_start + credits, 1.0)))
    assert worst_service <= RTOL, f"{label}: credited service does not reconcile ({worst_service:.2e})"
    credited = f["credited"].sum(axis=(1, 2))
    worst_credits = note("credits output", np.max(np.abs(credited - credits) / np.maximum(credits, 1.0)))
    assert worst_credits <= RTOL, f"{label}: the credited service is not as recomputed ({worst_credits:.2e})"
    worst_exit = note("service of the exits", np.max(np.abs(p.by_age["exit_service"] - exit_years)
                                                      / np.maximum(exit_years, 1.0)))
    assert worst_exit <= RTOL, f"{label}: the service of the exits is not as recomputed ({worst_exit:.2e})"

    # pensioners and their amounts, each type
    macro = eco.macro
    weight = run.inputs.pension.rules.indexation_wage_weight
    index_rate = weight * macro["average_wage_growth"].to_numpy() + (1 - weight) * macro["cpi_inflation"].to_numpy()
    index_next = np.r_[index_rate[1:], index_rate[-1]]  # applied on 1 January of t + 1
    for k, kind in enumerate(PENSION_TYPES):
        number = p.pensioners[:, k].sum(axis=(1, 2))
        expected = number[:-1] - s[f"deaths_{kind}"] - s[f"other_exits_{kind}"] + s[f"awards_{kind}"]
        worst_p = note("pensioners", np.max(np.abs(number[1:] - expected.to_numpy()) / np.maximum(number[1:], 1.0)))
        assert worst_p <= RTOL, f"{label}: {kind} pensioners do not reconcile ({worst_p:.2e})"
        amount = p.pension_amount[:, k].sum(axis=(1, 2))
        expected = 2.0 * s[f"expenditure_{kind}"].to_numpy() - amount[:-1]
        worst_m = note("pension amounts", np.max(np.abs(amount[1:] / (1 + index_next) - expected)
                                                 / np.maximum(amount[1:], 1.0)))
        assert worst_m <= RTOL, f"{label}: {kind} amounts do not reconcile with expenditure ({worst_m:.2e})"

    # signs, and the scheme inside the demographic frame cell by cell (the checks of every run)
    for name, array in [("actives", A), ("inactive", N), ("pensioners", p.pensioners),
                        ("pension amounts", p.pension_amount), *f.items()]:
        assert np.min(array) >= 0.0, f"{label}: negative {name} ({np.min(array):.3g})"
    employed_next = np.concatenate([eco.employed[1:], eco.employed[-1:]])  # 1 January t + 1 has t + 1's target
    assert np.all(a_age[1:] <= employed_next * (1 + 1e-12) + 1e-9), f"{label}: actives above the employed"
    failed = [c for c in pension_checks(p, eco, run.population, run.inputs.pension.assumptions) if not c.ok]
    assert not failed, f"{label}: {failed}"
    return WORST


def test_identities_small_scheme():
    for engine in ("numba", "numpy"):
        check_identities(Run(small_inputs(), engine), f"small scheme, {engine}")


def test_identities_hold_when_actives_move_to_inactive():
    """Coverage falling by half in 2033 makes the survivors exceed the target: the excess moves
    A -> N on 31 December with its service (the other branch of the balancing)."""
    A = 31
    coverage = np.stack([np.full((2, A), 0.5), np.full((2, A), 0.5), np.full((2, A), 0.2)])
    pension = small_scheme(assumptions=dict(coverage_years=np.array([2030, 2032, 2033]), coverage=coverage))
    run = Run(small_inputs(pension=pension))
    assert run.pension.summary["moved_to_inactive"].iloc[2] > 100
    check_identities(run, "falling coverage")


def random_scheme(rng, n=10, omega=30):
    """A random but valid variant of ``small_scheme``: groups, base data, rules with phase-ins,
    behaviour, family and every option drawn at random."""
    A = omega + 1
    ages = np.arange(A)
    years = np.arange(n)
    age_starts = np.unique(np.r_[0, 15, rng.choice(np.arange(16, omega), size=rng.integers(1, 5), replace=False)])
    service_starts = np.unique(np.r_[0, rng.choice(np.arange(1, 15), size=rng.integers(0, 4), replace=False)])
    age_ends = np.r_[age_starts[1:] - 1, omega]
    feasible = (service_starts[None, :] <= age_ends[:, None] - 15) & (age_starts[:, None] >= 15)
    shape = (2, len(age_starts), len(service_starts))
    actives = rng.uniform(0, 1, shape) * feasible * (rng.random(shape) < 0.8)
    actives[:, np.argmax(age_starts >= 15), 0] += 0.1  # someone to set the wage level
    inactive = rng.uniform(0, 1, shape) * feasible * (rng.random(shape) < 0.6)
    # inside the frame of small_inputs: the persons of a (age group, service group) cell go to the ages
    # of the group where that service is possible, at most 25% (actives) and 20% (inactive) of their
    # population shared among the service groups
    people = small_inputs().population.base_population
    room = np.zeros(shape)
    for i, (a, b) in enumerate(zip(age_starts, age_ends)):
        for j, s0 in enumerate(service_starts):
            usable = np.arange(a, b + 1)[np.arange(a, b + 1) - 15 >= s0]
            room[:, i, j] = people[:, usable].sum(axis=1) / len(service_starts)
    actives = 0.25 * room * actives
    inactive = 0.2 * room * inactive
    earnings = rng.uniform(5000, 20000, (len(age_starts), 2))
    pension_starts = np.unique(np.r_[0, rng.choice(np.arange(1, omega), size=rng.integers(1, 5), replace=False)])
    pensioners = rng.uniform(0, 80, (len(pension_starts), 4, 2)) * (rng.random((len(pension_starts), 4, 2)) < 0.7)
    average = rng.uniform(300, 6000, (len(pension_starts), 4, 2))
    data = SchemeData(age_starts, service_starts, actives, inactive, earnings, pension_starts, pensioners, average)

    def by_year(lo, hi, integer=False):  # a phase-in: one value, then another from a random year
        a, b = rng.uniform(lo, hi, 2)
        out = np.where(years < rng.integers(0, n + 1), a, b)
        return np.round(out).astype(int) if integer else out

    normal = np.column_stack([by_year(20, 28, True), by_year(20, 28, True)])
    early = normal - rng.integers(0, 4, (n, 2))
    rules = SchemeRules(
        contribution_rate=by_year(0.05, 0.3), normal_age=normal, early_age=early,
        min_service_old_age=by_year(0, 8, True).astype(float), min_service_invalidity=by_year(0, 5, True).astype(float),
        min_service_survivors=by_year(0, 5, True).astype(float), accrual_rate=by_year(0.005, 0.03),
        accrual_base_percent=by_year(0, 0.3), accrual_base_years=by_year(0, 8, True).astype(float),
        early_reduction=by_year(0, 0.1), late_increment=by_year(0, 0.1), min_pension=by_year(0, 3000),
        max_pension=by_year(0, 1, True) * rng.uniform(4000, 20000), earnings_ceiling=by_year(0, 1, True)
        * rng.uniform(10000, 50000), earnings_floor=by_year(0, 1, True) * rng.uniform(0, 8000),
        reference_years=by_year(1, 10, True).astype(float), widow_share=by_year(0, 0.8),
        orphan_share=by_year(0, 0.4), full_orphan_share=by_year(0, 0.5), survivors_cap=by_year(0.3, 1.5),
        orphan_age_limit=by_year(3, 15, True).astype(float), grant_per_year=by_year(0, 0.3),
        admin_share_contributions=by_year(0, 0.05), admin_share_benefits=by_year(0, 0.05),
        indexation_wage_weight=by_year(0, 1),
        reference_earnings=str(rng.choice(["career_average", "last_years"])),
        revaluation=str(rng.choice(["wages", "prices", "none"])),
        ceiling_indexation=str(rng.choice(["wages", "prices"])),
        invalidity_service_credit=bool(rng.integers(0, 2)), earnings_cv=float(rng.choice([0.0, rng.uniform(0, 1)])))
    working = (ages >= 15) & (ages < 29)
    assume = SchemeAssumptions(
        coverage_years=np.array([2030, 2030 + int(rng.integers(1, n))]),
        coverage=rng.uniform(0.05, 1.0, (2, 2, 1)) * np.ones((2, 2, A)),
        density=rng.uniform(0, 1, (2, A)),
        salary_scale=rng.uniform(0.5, 2.0, (2, A)), invalidity=rng.uniform(0, 0.05, (2, A)) * working,
        lapse=rng.uniform(0, 0.3, (2, A)) * working, reentry=rng.uniform(0, 0.3, (2, A)) * working,
        retire_early=rng.uniform(0, 1, (n, 2)), retire_normal=rng.uniform(0, 1, (n, 2)),
        exit_age=np.minimum(normal + rng.integers(0, 5, (n, 2)), omega),
        # at least the population's mortality: a cohort insured in full could otherwise outlive its population
        mortality_factor=rng.uniform(1.0, 2.0, (3, 2)), spouse_probability=rng.uniform(0, 1, (2, A)),
        spouse_age_difference=rng.integers(-5, 6, 2).astype(float), orphans_per_death=rng.uniform(0, 2, (2, A)),
        orphan_age_gap=rng.integers(15, 35, 2).astype(float), remarriage=rng.uniform(0, 0.2, 2),
        coverage_phase_in=int(rng.integers(0, 5)), abroad_share=rng.uniform(0, 0.3, 2))
    return replace(small_scheme(n, omega), data=data, rules=rules, assumptions=assume)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["numba", "numpy"]))
def test_identities_random_schemes(seed, engine):
    rng = np.random.default_rng(seed)
    check_identities(Run(small_inputs(pension=random_scheme(rng)), engine), f"seed {seed}")


# --------------------------------------------------------------------------- kernels and twins

def assert_close(got, want, name):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, name
    scale = max(np.abs(want).max(initial=0.0), np.finfo(float).tiny)
    err = np.abs(got - want).max(initial=0.0) / scale
    assert err <= TWIN_RTOL, f"{name}: relative difference {err:.2e}"
    note("twins and engines", err)


@st.composite
def pensioner_inputs(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    A = draw(st.integers(2, 40))
    rng = np.random.default_rng(seed)
    number = rng.uniform(0, 1e4, (2, A)) * (rng.random((2, A)) < 0.7)
    amount = number * rng.uniform(100, 5000, (2, A))
    q = rng.uniform(0, 1, (2, A))
    q[:, -1] = 1.0
    exit_rate = rng.uniform(0, 1, (2, A)) * (rng.random((2, A)) < 0.5)
    new_number = rng.uniform(0, 100, (2, A)) * (rng.random((2, A)) < 0.5)
    new_amount = new_number * rng.uniform(100, 5000, (2, A))
    return number, amount, q, exit_rate, new_number, new_amount, float(rng.uniform(-0.05, 0.2))


@settings(max_examples=40, deadline=None)
@given(pensioner_inputs())
def test_pensioners_kernel_equals_twin(args):
    A = args[0].shape[1]
    out = [np.full((2, A), np.nan) for _ in range(4)]
    kp.pensioners_step_kernel(*args, *out)
    for name, got, ref in zip(("number_next", "amount_next", "deaths", "exits"), out,
                              kp.pensioners_step_reference(*args)):
        assert_close(got, ref, name)


def test_death_probabilities_by_hand():
    """One year, ages 0-2 (2 the open group): survival ratios S_1 = 0.99, S_2 = 0.5 (T_2 / T_1) for
    males; the person aged 0 dies with 1 - S_1 = 0.01, aged 1 with 1 - S_2 = 0.5, the open group with
    1 - S_2 = 0.5; insured x 2, old-age pensioners x 3 (1.5 capped at 1), invalidity x 1; females: a
    ratio above 1 (rounding of a table) gives 0, NaN stays NaN."""
    survival = np.array([[[1.0, 0.99, 0.5], [1.0, 1.0000001, np.nan]]])
    factor = np.array([[2.0, 1.0], [3.0, 1.0], [1.0, 1.0]])
    q = np.full((1, 4, 2, 3), -1.0)
    kp.death_probabilities_kernel(survival, factor, q)
    males = q[0, :, 0]
    np.testing.assert_allclose(males[3], [0.01, 0.5, 0.5], rtol=1e-13)  # the population's
    np.testing.assert_allclose(males[0], [0.02, 1.0, 1.0], rtol=1e-13)  # insured: 2 x, at most 1
    np.testing.assert_allclose(males[1], [0.03, 1.0, 1.0], rtol=1e-13)  # old-age: 3 x, at most 1
    np.testing.assert_allclose(males[2], males[3], rtol=0)
    assert q[0, 3, 1, 0] == 0.0 and np.isnan(q[0, :, 1, 1]).all() and np.isnan(q[0, :, 1, 2]).all()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(2, 30))
def test_death_probabilities_kernel_equals_twin(seed, n, A):
    """Random survival ratios (some above 1, some 0, some NaN) and mortality factors (some above 1)."""
    rng = np.random.default_rng(seed)
    survival = rng.uniform(0.0, 1.05, (n, 2, A))
    survival[rng.random((n, 2, A)) < 0.05] = np.nan
    survival[rng.random((n, 2, A)) < 0.05] = 0.0
    factor = rng.uniform(0.5, 3.0, (3, 2))
    q = np.full((n, 4, 2, A), -1.0)
    kp.death_probabilities_kernel(survival, factor, q)
    np.testing.assert_array_equal(q, kp.death_probabilities_reference(survival, factor))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(2, 30))
def test_type_totals_kernel_equals_twin(seed, n, A):
    """Yearly totals by pension type, with empty cells (no pensioner, or leavers of an empty cell)."""
    rng = np.random.default_rng(seed)
    cells = lambda rows: rng.uniform(0, 1e3, (rows, 4, 2, A)) * (rng.random((rows, 4, 2, A)) < 0.7)  # noqa: E731
    number, new_number = cells(n + 1), cells(n)
    in_payment = np.stack([number, number * rng.uniform(100, 5000, number.shape)], axis=1)
    awards = np.stack([new_number, new_number * rng.uniform(100, 5000, new_number.shape)], axis=1)
    leaving = np.stack([cells(n) * 0.01, cells(n) * 0.01], axis=1)
    out = np.full((n, 4, len(kp.TYPE_TOTALS)), np.nan)
    kp.type_totals_kernel(in_payment, awards, leaving, out)
    assert_close(out, kp.type_totals_reference(in_payment, awards, leaving), "type totals")


def kernel_arguments(inputs, detail, service_stocks, rng=None):
    """The arguments project_pension passes to the two projection kernels for ``inputs``.  With ``rng``:
    base-year insured in every (age, service) cell, feasible or not, so that the highest service year
    (which keeps the year gained) and gaps in service occur."""
    population = project_population(inputs.population.to_assumptions())
    economy = project_economy(inputs.economy, population)
    seen = {}

    def spy(name, kernel):
        def run(*args):
            if name == "insured" and rng is not None:
                for stock in args[INSURED_OUTPUTS:INSURED_OUTPUTS + 2]:
                    stock[0] = rng.uniform(0, 50, stock[0].shape) * (rng.random(stock[0].shape) < 0.7)
            seen[name] = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
            kernel(*args)
        return run

    with pytest.MonkeyPatch.context() as patch:
        for name in ("insured", "benefits"):
            for attr in (f"project_{name}_kernel", f"project_{name}_serial"):  # whichever numba's threads choose
                patch.setattr(kp, attr, spy(name, getattr(kp, attr)))
        if rng is not None:  # the base year is replaced after the room for the exits is set: room for any base
            patch.setattr(kp, "exit_capacity", lambda n, tops: n * tops.shape[1] ** 2)
        project_pension(inputs.pension, population, economy, detail=detail, service_stocks=service_stocks)
    return seen["insured"], seen["benefits"]


INSURED_OUTPUTS = 4  # arguments of project_insured_kernel from ``actives`` on are outputs (stock row 0 is an input)
BENEFITS_OUTPUTS = 10  # arguments of project_benefits_kernel from ``diag`` on (in_payment: row 0 in)


def run_twins(kernel, reference, args, first_output, based):
    """Outputs of the kernel and of its twin on copies of ``args``, every output cell pre-filled with
    NaN except row 0 of the outputs at positions ``based`` (the base year, an input)."""
    runs = []
    for driver in (kernel, reference):
        copied = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
        for k in range(first_output, len(copied)):
            if copied[k].dtype.kind == "f":
                target = copied[k][1:] if k in based else copied[k]
                target[...] = np.nan
            else:
                copied[k][...] = -99
        driver(*copied)
        runs.append(dict(zip(inspect.signature(kernel).parameters, copied)))
    return runs


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans(), st.booleans(), st.booleans())
def test_insured_kernel_writes_every_output_and_equals_twin(seed, detail, service_stocks, dense):
    """The insured kernel against its numpy twin on random schemes, every output pre-filled with NaN
    (so a cell the kernel forgets shows), with and without every year's stocks by service and the flows
    by service.  The kernel's ``tops`` are a bound on the occupied service years, never below the exact
    ones of the twin: their packed exits differ, not the exits by cell (core.pension.exits_by_cell)."""
    rng = np.random.default_rng(seed)
    args, _ = kernel_arguments(small_inputs(pension=random_scheme(rng)), detail, service_stocks,
                               rng if dense else None)
    got, want = run_twins(kp.project_insured_kernel, kp.project_insured_reference, args, INSURED_OUTPUTS,
                          (INSURED_OUTPUTS, INSURED_OUTPUTS + 1))
    assert (got["tops"] >= want["tops"]).all() and (got["tops"] >= -1).all()
    starts, want_starts = kp.exit_starts(got["tops"]), kp.exit_starts(want["tops"])
    for g in range(2):
        assert not np.isnan(got["exits"][g, :starts[g, -1]]).any(), "exits: cells left unwritten"
    for t in range(len(got["tops"])):
        assert_close(kp.exits_by_cell(got["exits"], got["tops"][t], starts[:, t]),
                     kp.exits_by_cell(want["exits"], want["tops"][t], want_starts[:, t]), "exits")
    if not (detail or service_stocks):  # rows 1 and 2 are working rows: the totals below hold what they held
        for name in ("actives", "inactive"):
            got[name], want[name] = got[name][:1], want[name][:1]
    for name in list(got)[INSURED_OUTPUTS:]:
        if name not in ("exits", "tops"):
            assert not np.isnan(got[name]).any(), f"{name}: cells left unwritten"
            assert_close(got[name], want[name], name)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_benefits_kernel_writes_every_output_and_equals_twin(seed, dense):
    """The benefits kernel against its numpy twin on the insured of random schemes, every output
    pre-filled with NaN; the packed exits after the last cell written are NaN too, so that neither
    may read them."""
    rng = np.random.default_rng(seed)
    _, args = kernel_arguments(small_inputs(pension=random_scheme(rng)), False, False, rng if dense else None)
    names = list(inspect.signature(kp.project_benefits_kernel).parameters)
    exits, tops = args[names.index("exits")], args[names.index("tops")]
    for g, written in enumerate(kp.exit_starts(tops)[:, -1]):
        exits[g, written:] = np.nan
    got, want = run_twins(kp.project_benefits_kernel, kp.project_benefits_reference, args, BENEFITS_OUTPUTS,
                          (BENEFITS_OUTPUTS + 1,))
    for name in names[BENEFITS_OUTPUTS:]:
        assert not np.isnan(got[name]).any(), f"{name}: cells left unwritten"
        assert_close(got[name], want[name], name)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
def test_one_thread_kernels_equal_the_parallel_ones(seed, detail, dense):
    """The kernels that project the two sexes side by side on numba's threads and their one-thread versions
    (used by the runs of a stochastic chunk) write the same cells (the NaN-prefilled cells they leave are the
    same) with the same numbers, bit for bit: the same steps, every sum taken in the written order (their
    ``fastmath`` flags allow no reassociation)."""
    rng = np.random.default_rng(seed)
    insured, benefits = kernel_arguments(small_inputs(pension=random_scheme(rng)), detail, detail,
                                         rng if dense else None)
    for (parallel, serial), args, first, based in (
            ((kp.project_insured_kernel, kp.project_insured_serial), insured, INSURED_OUTPUTS,
             (INSURED_OUTPUTS, INSURED_OUTPUTS + 1)),
            ((kp.project_benefits_kernel, kp.project_benefits_serial), benefits, BENEFITS_OUTPUTS,
             (BENEFITS_OUTPUTS + 1,))):
        got, want = run_twins(parallel, serial, args, first, based)
        for name in list(got)[first:]:  # NaN where both left the prefilled NaN, a number equal to the bit elsewhere
            np.testing.assert_array_equal(got[name], want[name], err_msg=f"{parallel.__name__}: {name}")


def year_by_year_arguments(insured, benefits):
    """The arguments of ``core.pension.project_pension_serial`` from those the two passes were given
    (:func:`kernel_arguments`, without the stocks of every year): the insured kernel's, its packed exits
    replaced by room for one year's (A x S cells a sex), then the benefits kernel's but its year_sex, actives
    by age, exits and tops; and the positions of the outputs (row 0 of actives, inactive and in_payment is
    the base year, an input)."""
    names = list(inspect.signature(kp.project_benefits_kernel).parameters)
    A = insured[4].shape[2]
    args = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in insured]
    args[6] = np.empty((2, A * A, len(kp.Exit)))
    args += [np.array(benefits[names.index(name)], copy=True) for name in
             ("year", "sex", "q", "other_exits", "history", "diag", "in_payment", "wages", "awards", "leaving",
              "grants")]
    outputs = [name for name in inspect.signature(kp.project_pension_serial).parameters][INSURED_OUTPUTS:11]
    outputs += ["diag", "in_payment", "wages", "awards", "leaving", "grants"]
    return args, outputs


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_year_by_year_kernel_writes_every_output_and_equals_the_two_passes(seed, dense):
    """The kernel that projects the two passes year by year (the runs of a stochastic chunk) against its numpy
    twin and against the one-thread kernels of the two passes run one after the other, on random schemes,
    every output pre-filled with NaN (so a cell it forgets shows): the twin's numbers up to rounding, the two-pass
    kernels' bit for bit (the same steps, every sum taken in the written order: no reassociation).  Its tops
    bound the twin's; its exits hold one year's only (the last), so only the packed exits of the two-pass
    kernel are compared with the twin's, in the test of the insured kernel."""
    rng = np.random.default_rng(seed)
    insured, benefits = kernel_arguments(small_inputs(pension=random_scheme(rng)), False, False,
                                         rng if dense else None)
    args, outputs = year_by_year_arguments(insured, benefits)
    names = list(inspect.signature(kp.project_pension_serial).parameters)
    runs = []
    for driver in (kp.project_pension_serial, kp.project_pension_reference, "two passes"):
        copied = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
        for name in outputs:
            out = copied[names.index(name)]
            if out.dtype.kind != "f":
                out[...] = -99
            else:
                (out[1:] if name in ("actives", "inactive", "in_payment") else out)[...] = np.nan
        if driver == "two passes":
            got = dict(zip(names, copied))
            packed = np.array(insured[6], copy=True)
            kp.project_insured_serial(*copied[:6], packed, *copied[7:11])
            kp.project_benefits_serial(got["year"], got["year_sex"], got["rates"], got["sex"], got["q"],
                                       got["other_exits"], got["history"], got["by_age"][:, kp.Flow.ACTIVES],
                                       packed, got["tops"], got["diag"], got["in_payment"], got["wages"],
                                       got["awards"], got["leaving"], got["grants"])
        else:
            driver(*copied)
        runs.append(dict(zip(names, copied)))
    got, want, two = runs
    assert (got["tops"] >= want["tops"]).all()
    np.testing.assert_array_equal(got["tops"], two["tops"])
    for name in outputs:
        if name in ("exits", "tops"):
            continue
        kept = slice(0, 1) if name in ("actives", "inactive") else slice(None)  # rows 1, 2: working rows
        assert not np.isnan(got[name][kept]).any(), f"{name}: cells left unwritten"
        assert_close(got[name][kept], want[name][kept], f"{name} (twin)")
        np.testing.assert_array_equal(got[name][kept], two[name][kept], err_msg=f"{name} (two passes)")


def test_stocks_by_service_kept_or_not_give_the_same_projection():
    """Keeping only the base year and two working rows of the stocks by service changes nothing else."""
    inputs = small_inputs(pension=random_scheme(np.random.default_rng(7)))
    population = project_population(inputs.population.to_assumptions())
    economy = project_economy(inputs.economy, population)
    for engine in ("numba", "numpy"):
        kept = project_pension(inputs.pension, population, economy, engine, service_stocks=True)
        lean = project_pension(inputs.pension, population, economy, engine)
        assert lean.actives.shape[0] == 1 and kept.actives.shape[0] == len(population.years) + 1
        np.testing.assert_array_equal(lean.actives[0], kept.actives[0])
        np.testing.assert_array_equal(lean.actives_by_age, kept.actives_by_age)
        np.testing.assert_array_equal(lean.service_years, kept.service_years)
        pd.testing.assert_frame_equal(lean.summary, kept.summary)
        np.testing.assert_allclose(kept.actives_by_age, kept.actives.sum(axis=3), rtol=1e-13)
        np.testing.assert_allclose(kept.service_years, ((kept.actives + kept.inactive) * np.arange(
            kept.actives.shape[3])).sum(axis=(1, 2, 3)), rtol=1e-13)


# --------------------------------------------------------------------------- engines

def assert_same_projection(a, b):
    pa, pb = a.pension, b.pension
    for name in ("actives", "inactive", "pensioners", "pension_amount", "insurable_wage", "actives_by_age",
                 "inactive_by_age", "service_years", "accrued_pension_base"):
        assert_close(getattr(pa, name), getattr(pb, name), name)
    for name in pa.flows:
        assert_close(pa.flows[name], pb.flows[name], f"flows[{name}]")
    for name in getattr(pa, "by_age", {}):
        assert_close(pa.by_age[name], pb.by_age[name], f"by_age[{name}]")
    for column in pa.summary.columns:
        want = pb.summary[column].to_numpy(dtype=float)
        got = pa.summary[column].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(got), np.isnan(want)), column
        assert_close(np.nan_to_num(got), np.nan_to_num(want), f"summary[{column}]")
    pd.testing.assert_frame_equal(pa.calibration, pb.calibration, rtol=TWIN_RTOL, atol=0)


def test_engines_agree_small_scheme():
    inputs = small_inputs()
    assert_same_projection(Run(inputs, "numba"), Run(inputs, "numpy"))


@pytest.fixture(scope="module")
def jordan():
    return jordan_inputs()


def test_engines_agree_jordan(jordan):
    numba, numpy = Run(jordan, "numba"), Run(jordan, "numpy")
    assert_same_projection(numba, numpy)
    check_identities(numba, "Jordan")


def test_report_worst_residuals():
    """Runs last in this module (pytest keeps file order): prints the worst residuals seen."""
    for name, value in WORST.items():
        print(f"worst residual, {name}: {value:.1e}")
        assert value <= RTOL


def test_room_for_the_packed_exits():
    """exit_capacity by hand: a row (g, x) holds at most min(x + M + 2, S) exit cells a year, M the largest
    excess of service over age in the base year (at least 0), each sex's rows in their own block; the
    kernels refuse too small an array rather than write past it."""
    tops = np.array([[-1, 0, 1, 2], [-1, -1, 0, 0]])  # no service above age: M = 0
    assert kp.exit_capacity(1, tops) == 2 + 3 + 4 + 4
    assert kp.exit_capacity(3, tops) == 3 * 13
    tops[0, 0] = 3  # 3 years of service at age 0: M = 3, every row may reach S = 4 cells
    assert kp.exit_capacity(1, tops) == 16
    args, _ = kernel_arguments(small_inputs(), False, False)
    args = list(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
    names = list(inspect.signature(kp.project_insured_kernel).parameters)
    args[names.index("exits")] = np.empty((2, 10, len(kp.Exit)))
    for kernel in (kp.project_insured_kernel, kp.project_insured_serial):
        with pytest.raises(ValueError, match="too few packed cells"):
            kernel(*args)
