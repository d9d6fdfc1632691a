"""Extend a valuation's projection period, holding the assumptions of the last year constant.

Long-term valuations often run past the end of the available projections (UN WPP ends in 2100):
every input given by projection year keeps the value of the last year; inputs given for anchor
years are already constant after their last anchor.
"""

from dataclasses import replace

import numpy as np

from socsec.model.inputs import ModelInputs

# Inputs with one value per projection year (first axis), block by block.
YEARLY_FIELDS = {
    "population": ("tfr", "asfr", "srb", "net_migrants"),
    "economy": ("unemployment", "employee_share", "formal_share", "productivity_growth", "cpi_inflation",
                "deflator_inflation", "wage_share_change", "wage_growth", "investment_return"),
    "pension.rules": ("contribution_rate", "normal_age", "early_age", "min_service_old_age",
                      "min_service_invalidity", "min_service_survivors", "accrual_rate", "accrual_base_percent",
                      "accrual_base_years", "early_reduction", "late_increment", "min_pension", "max_pension",
                      "earnings_ceiling", "earnings_floor", "reference_years", "widow_share", "orphan_share",
                      "full_orphan_share", "survivors_cap", "orphan_age_limit", "grant_per_year",
                      "admin_share_contributions", "admin_share_benefits", "indexation_wage_weight"),
    "pension.assumptions": ("retire_early", "retire_normal", "exit_age"),
    "finance": ("subsidy_share", "subsidy_amount", "collection_rate"),
}


def _hold_last(values, extra: int):
    if values is None:
        return None
    values = np.asarray(values)
    return np.concatenate([values, np.repeat(values[-1:], extra, axis=0)], axis=0)


def extend_horizon(inputs: ModelInputs, final_year: int) -> ModelInputs:
    """The same inputs projected to ``final_year`` (>= the current final year)."""
    population = inputs.population
    extra = final_year - population.final_year
    if extra < 0:
        raise ValueError(f"final_year {final_year} is before the current final year {population.final_year}")
    blocks = {"population": inputs.population, "economy": inputs.economy, "pension.rules": inputs.pension.rules,
              "pension.assumptions": inputs.pension.assumptions, "finance": inputs.finance}
    extended = {path: replace(block, **{name: _hold_last(getattr(block, name), extra)
                                        for name in YEARLY_FIELDS[path]})
                for path, block in blocks.items()}
    pension = replace(inputs.pension, rules=extended["pension.rules"], assumptions=extended["pension.assumptions"])
    return ModelInputs(replace(extended["population"], final_year=final_year), extended["economy"], pension,
                       extended["finance"])
