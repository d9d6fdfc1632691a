"""Extend a valuation's projection period, holding the assumptions of the last year constant, or
shorten it.

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


def _with_yearly(inputs: ModelInputs, final_year: int, transform) -> ModelInputs:
    """``inputs`` with every field of :data:`YEARLY_FIELDS` passed through ``transform`` and the
    final year set."""
    blocks = {"population": inputs.population, "economy": inputs.economy, "pension.rules": inputs.pension.rules,
              "pension.assumptions": inputs.pension.assumptions, "finance": inputs.finance}
    changed = {path: replace(block, **{name: transform(getattr(block, name)) for name in YEARLY_FIELDS[path]})
               for path, block in blocks.items()}
    pension = replace(inputs.pension, rules=changed["pension.rules"], assumptions=changed["pension.assumptions"])
    return ModelInputs(replace(changed["population"], final_year=final_year), changed["economy"], pension,
                       changed["finance"])


def extend_horizon(inputs: ModelInputs, final_year: int) -> ModelInputs:
    """The same inputs projected to ``final_year`` (>= the current final year)."""
    extra = final_year - inputs.population.final_year
    if extra < 0:
        raise ValueError(f"final_year {final_year} is before the current final year {inputs.population.final_year}")
    return _with_yearly(inputs, final_year, lambda values: _hold_last(values, extra))


def truncate_horizon(inputs: ModelInputs, final_year: int) -> ModelInputs:
    """The same inputs projected only to ``final_year`` (from the base year to the current final
    year).  The projection is causal (a year's results depend on earlier years only, and the
    annuity factors of a year on that year's tables), so every result of the years kept is that of
    the longer projection, except those defined over the whole horizon (the GAP of the full horizon
    in every row of the yearly financing table) and those that look at the year after the last (the
    new entrants and moves to inactive of the last year, on its 31 December, fill the next year's
    coverage target)."""
    population = inputs.population
    if not population.base_year <= final_year <= population.final_year:
        raise ValueError(f"final_year {final_year} is outside the projection {population.base_year}-"
                         f"{population.final_year}")
    years = final_year - population.base_year + 1
    return _with_yearly(inputs, final_year, lambda values: None if values is None else np.asarray(values)[:years])
