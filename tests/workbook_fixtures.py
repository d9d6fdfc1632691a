"""Small valid input workbooks for the workbook and command-line tests."""

import dataclasses
from dataclasses import replace

import numpy as np
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from socsec.model.economy import EconomyInputs
from socsec.model.finance import FinanceInputs
from socsec.model.inputs import ModelInputs
from socsec.model.pension import PensionInputs, SchemeAssumptions, SchemeData, SchemeRules
from socsec.model.population import PopulationInputs
from socsec.workbook.build import build_workbook


def leaves(obj, path=""):
    """(dotted path, value) of every leaf field of nested dataclasses (inputs compared field by field)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from leaves(getattr(obj, f.name), f"{path}.{f.name}" if path else f.name)
    else:
        yield path, obj


def valid_override_value(spec) -> float:
    """A value inside the bounds of override ``spec`` (socsec.model.overrides.lookup): 37% of the way
    between them, just above the lower one when there is no upper one; whole when the units say so."""
    if spec.low is not None and spec.high is not None:
        value = spec.low + 0.37 * (spec.high - spec.low)
    elif spec.low is not None:
        value = max(spec.low, 0.0) + 0.0137
    else:
        value = 0.5
    return float(round(value)) if "whole" in spec.units else value


def small_economy(n: int = 10, omega: int = 30, **overrides) -> EconomyInputs:
    """Plausible labour and macro assumptions for ``small_inputs``."""
    ages = np.arange(omega + 1)
    profile = np.where((ages >= 15) & (ages < 65), 0.7, 0.0)
    economy = EconomyInputs(
        currency="TLD", base_gdp=1.0e9, base_average_wage=20000.0, wage_growth_input="wage_share",
        return_input="nominal", lfpr_years=np.array([2030, 2035]),
        lfpr=np.stack([np.stack([profile, 0.6 * profile]), np.stack([profile, 0.7 * profile])]),
        unemployment=np.column_stack([np.full(n, 0.06), np.full(n, 0.08)]),
        unemployment_age_starts=np.array([15, 25]), unemployment_age_factors=np.array([[2.0, 1.5], [1.0, 1.0]]),
        employee_share=np.full((n, 2), 0.8), formal_share=np.full((n, 2), 0.6),
        productivity_growth=np.full(n, 0.015), cpi_inflation=np.full(n, 0.02),
        deflator_inflation=np.full(n, 0.021), wage_share_change=np.full(n, 0.001),
        wage_growth=np.full(n, 0.036), investment_return=np.full(n, 0.05))
    return replace(economy, **overrides)


def small_scheme(n: int = 10, omega: int = 30, rules: dict | None = None, assumptions: dict | None = None,
                 **data_overrides) -> PensionInputs:
    """A small scheme for ages 0..30+: retirement at 25 (early 23), insured aged 15-29."""
    A = omega + 1
    ages = np.arange(A)
    age_starts, service_starts = np.array([0, 15, 20, 25]), np.array([0, 5, 10])
    actives = np.array([[[0, 0, 0], [900, 0, 0], [700, 300, 0], [400, 300, 100]],
                        [[0, 0, 0], [600, 0, 0], [500, 200, 0], [300, 200, 50]]], dtype=float)
    data = SchemeData(age_starts, service_starts, actives, 0.3 * actives,
                      np.array([[0, 0], [8000, 7000], [10000, 9000], [12000, 10000]], dtype=float),
                      np.array([0, 15, 25]), np.array([[[0, 0], [0, 0], [0, 0], [30, 30]],
                                                       [[0, 0], [10, 5], [5, 20], [0, 0]],
                                                       [[50, 40], [20, 10], [10, 60], [0, 0]]], dtype=float),
                      np.full((3, 4, 2), 3000.0))
    full = np.ones(n)
    rule_values = dict(
        contribution_rate=0.12 * full, normal_age=np.full((n, 2), 25), early_age=np.full((n, 2), 23),
        min_service_old_age=5 * full, min_service_invalidity=2 * full, min_service_survivors=2 * full,
        accrual_rate=0.02 * full, accrual_base_percent=0 * full, accrual_base_years=0 * full,
        early_reduction=0.05 * full, late_increment=0.02 * full, min_pension=1000 * full, max_pension=0 * full,
        earnings_ceiling=40000 * full, earnings_floor=0 * full, reference_years=5 * full, widow_share=0.5 * full,
        orphan_share=0.2 * full, full_orphan_share=0.3 * full, survivors_cap=full.copy(),
        orphan_age_limit=10 * full, grant_per_year=0.1 * full, admin_share_contributions=0.03 * full,
        admin_share_benefits=0 * full, indexation_wage_weight=0.5 * full, earnings_cv=0.5)
    rule_values.update(rules or {})
    in_work = ((ages >= 15) & (ages < 28)).astype(float)
    assumption_values = dict(
        coverage_years=np.array([2030]), coverage=np.full((1, 2, A), 0.5), density=np.full((2, A), 0.9),
        salary_scale=np.stack([0.8 + 0.02 * ages, 0.75 + 0.02 * ages]), invalidity=np.full((2, A), 0.002) * in_work,
        lapse=np.full((2, A), 0.05) * in_work, reentry=np.full((2, A), 0.1) * in_work,
        retire_early=np.full((n, 2), 0.3), retire_normal=np.full((n, 2), 0.8), exit_age=np.full((n, 2), 28),
        mortality_factor=np.array([[0.9, 0.9], [1.0, 1.0], [1.5, 1.5]]),
        spouse_probability=np.full((2, A), 0.6) * (ages >= 18), spouse_age_difference=np.array([-3.0, 3.0]),
        orphans_per_death=np.full((2, A), 0.5) * (ages >= 20), orphan_age_gap=np.array([18.0, 17.0]),
        remarriage=np.array([0.02, 0.01]))
    assumption_values.update(assumptions or {})
    actual = {"contributions": 3e6, "expenditure_old_age": 2e5, "expenditure_invalidity": 5e4,
              "expenditure_survivors": 1e5, "grants": 1e4, "pensioners_old_age": 60, "pensioners_invalidity": 40,
              "pensioners_survivors": 140}
    return replace(PensionInputs(data, SchemeRules(**rule_values), SchemeAssumptions(**assumption_values), actual),
                   **data_overrides)


def small_inputs(economy: dict | None = None, pension: PensionInputs | None = None, **overrides) -> ModelInputs:
    """A plausible small country: ages 0..30+, projection 2030-2039, Gompertz-like mortality."""
    omega, base, final = 30, 2030, 2039
    A, n = omega + 1, final - base + 1
    ages = np.arange(A)
    mx = 0.002 * np.exp(0.09 * ages)
    inputs = PopulationInputs(
        country="Testland", base_year=base, final_year=final,
        base_population=np.stack([np.linspace(5000, 1000, A), np.linspace(5200, 1300, A)]),
        fertility_input="tfr_pattern", fertility_ages=np.arange(5, 12) + 10,
        tfr=np.linspace(2.4, 2.0, n), fertility_pattern_years=np.array([2030, 2040]),
        fertility_pattern=np.array([[10, 20, 25, 20, 15, 7, 3], [8, 18, 26, 22, 16, 7, 3]], dtype=float),
        asfr=None, srb=np.full(n, 1.05), mortality_kind="mx", mortality_years=np.array([2030, 2035]),
        mortality=np.stack([np.stack([mx * 1.1, mx]), np.stack([mx, mx * 0.9])]),
        net_migrants=np.full((n, 2, A), 10.0), migration_timing="even")
    finance = FinanceInputs(initial_reserve=2e6, subsidy_share=np.zeros(n), subsidy_amount=np.zeros(n),
                            collection_rate=np.full(n, 0.97), scaled_period=5, target_ratio=1.0)
    return ModelInputs(replace(inputs, **overrides), small_economy(n, omega, **(economy or {})),
                       pension or small_scheme(n, omega), finance)


def make_workbook(path, **overrides):
    return build_workbook(small_inputs(**overrides), path, cover_notes=("Test workbook.",))


def cell_of(path, name: str, row: int = 0, col: int = 0) -> tuple[str, str]:
    """(sheet, A1 address) of the cell at offsets (row, col) from the top-left of a named range."""
    wb = load_workbook(path, read_only=True)
    sheet, ref = list(wb.defined_names[name].destinations)[0]
    wb.close()
    min_col, min_row, _, _ = range_boundaries(ref.replace("$", ""))
    from openpyxl.utils import get_column_letter
    return sheet, f"{get_column_letter(min_col + col)}{min_row + row}"


def edit(path, changes):
    """Apply {(sheet, address): value} to a workbook file in place."""
    wb = load_workbook(path)
    for (sheet, address), value in changes.items():
        wb[sheet][address] = value
    wb.save(path)
