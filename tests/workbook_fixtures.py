"""Small valid input workbooks for the workbook and command-line tests."""

from dataclasses import replace

import numpy as np
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from socsec.model.economy import EconomyInputs
from socsec.model.inputs import ModelInputs
from socsec.model.population import PopulationInputs
from socsec.workbook.build import build_workbook


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


def small_inputs(economy: dict | None = None, **overrides) -> ModelInputs:
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
    return ModelInputs(replace(inputs, **overrides), small_economy(n, omega, **(economy or {})))


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
