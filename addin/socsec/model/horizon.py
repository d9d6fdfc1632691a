"""Extend a valuation's projection period, holding the assumptions of the last year constant, or
shorten it.

Long-term valuations often run past the end of the available projections (UN WPP ends in 2100):
every input given by projection year keeps the value of the last year; inputs given for anchor
years are already constant after their last anchor.
"""

from dataclasses import fields, is_dataclass, replace

import numpy as np

from socsec.model.fields import yearly_fields
from socsec.model.inputs import ModelInputs

def _hold_last(values, extra: int):
    if values is None:
        return None
    values = np.asarray(values)
    return np.concatenate([values, np.repeat(values[-1:], extra, axis=0)], axis=0)


def _with_yearly(inputs: ModelInputs, final_year: int, transform) -> ModelInputs:
    """``inputs`` with every field declared by projection year (:func:`socsec.model.fields.yearly_fields`,
    in every block) passed through ``transform`` and the final year set."""
    def changed(block):
        yearly = yearly_fields(type(block))
        values = {}
        for f in fields(block):
            value = getattr(block, f.name)
            if f.name in yearly:
                values[f.name] = transform(value)
            elif is_dataclass(value):
                values[f.name] = changed(value)
        return replace(block, **values)
    result = changed(inputs)
    return replace(result, population=replace(result.population, final_year=final_year))


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
