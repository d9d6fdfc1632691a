"""Input arrays are read-only (issue 18): blocks reused by the identity of their inputs can never see them
changed in place, and unchanged fields stay the very same objects through overrides."""

from dataclasses import fields

import numpy as np
import pytest

from socsec.model.overrides import apply_overrides
from workbook_fixtures import small_inputs


def input_parts(inputs):
    return (inputs.population, inputs.economy, inputs.pension.data, inputs.pension.rules,
            inputs.pension.assumptions, inputs.finance)


def test_every_input_array_is_read_only():
    inputs = small_inputs()
    arrays = [(type(part).__name__, f.name, getattr(part, f.name)) for part in input_parts(inputs)
              for f in fields(part) if isinstance(getattr(part, f.name), np.ndarray)]
    assert len(arrays) > 30
    for owner, name, array in arrays:
        assert not array.flags.writeable, (owner, name)
    with pytest.raises(ValueError, match="read-only"):
        inputs.pension.rules.contribution_rate[0] = 0.5


def test_the_callers_array_is_copied_not_frozen():
    tfr = np.linspace(2.4, 2.0, 10)
    inputs = small_inputs(tfr=tfr)
    tfr[0] = 9.0  # the caller may still change its own array: the inputs keep what was given
    assert tfr.flags.writeable and inputs.population.tfr[0] == 2.4


def test_overrides_keep_every_unchanged_array_the_same_object():
    inputs = small_inputs()
    changed = apply_overrides(inputs, {"contribution_rate": 0.2})
    assert changed.pension.rules.contribution_rate is not inputs.pension.rules.contribution_rate
    assert changed.pension.rules.accrual_rate is inputs.pension.rules.accrual_rate
    assert changed.population.tfr is inputs.population.tfr and changed.economy is inputs.economy


def test_every_result_array_is_read_only():
    """The blocks' projections are shared by the valuations that reuse them: their arrays (and the
    arrays in their dict fields) cannot be changed in place either."""
    from socsec.model.valuation import run_valuation
    valuation = run_valuation(small_inputs())
    blocks = (valuation.population, valuation.economy, valuation.pension, valuation.pension.insured,
              valuation.finance)
    arrays = []
    for block in blocks:
        for f in fields(block):
            value = getattr(block, f.name)
            for key, array in (value.items() if isinstance(value, dict) else [(None, value)]):
                if isinstance(array, np.ndarray):
                    arrays.append((type(block).__name__, f.name, key, array))
    assert len(arrays) > 20
    for owner, name, key, array in arrays:
        assert not array.flags.writeable, (owner, name, key)
    with pytest.raises(ValueError, match="read-only"):
        valuation.pension.pensioners[0, 0, 0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        valuation.economy.column("nominal_gdp")[0] = 0.0


def test_a_stochastic_runs_inputs_are_read_only_and_its_own_arrays_not_copied():
    """``read_only`` arrays (made for one stochastic run) are kept by the inputs as they are; the run's inputs
    are read-only like any others, and the fields a run does not move stay the deterministic objects."""
    from socsec.model.frozen import read_only
    from socsec.model.stochastic import default_processes, deviations, stochastic_inputs
    inputs = small_inputs()
    mine = read_only(np.linspace(2.4, 2.0, len(inputs.population.years)))
    assert small_inputs(tfr=mine).population.tfr is mine
    n = len(inputs.population.years)
    run = stochastic_inputs(inputs, deviations(np.random.default_rng(3), default_processes(), n))
    for part in input_parts(run):
        for f in fields(part):
            value = getattr(part, f.name)
            assert not (isinstance(value, np.ndarray) and value.flags.writeable), (type(part).__name__, f.name)
    assert run.population.tfr is not inputs.population.tfr and run.population.srb is inputs.population.srb
    assert run.economy.unemployment is not inputs.economy.unemployment and run.pension is inputs.pension
