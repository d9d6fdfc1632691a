"""Named input overrides (socsec.model.overrides): each changes exactly the inputs it names."""

import dataclasses

import numpy as np
import pytest

from socsec.model import overrides as ov
from socsec.model.inputs import FIELDS
from socsec.model.valuation import run_valuation
from workbook_fixtures import leaves, small_inputs, valid_override_value


def changed_fields(before, after) -> set:
    old, new = dict(leaves(before)), dict(leaves(after))
    assert old.keys() == new.keys()
    changed = set()
    for key in old:
        if old[key] is new[key]:
            continue
        if isinstance(old[key], np.ndarray) or isinstance(new[key], np.ndarray):
            same = np.shape(old[key]) == np.shape(new[key]) and np.array_equal(old[key], new[key], equal_nan=True)
        else:
            same = old[key] == new[key]
        assert not same, f"{key} was replaced by an equal copy: unchanged fields must stay the same object"
        changed.add(key)
    return changed


@pytest.mark.parametrize("name", sorted(ov.registry()))
def test_each_override_changes_exactly_its_fields(name):
    base = small_inputs()
    o = ov.lookup(name)
    after = ov.apply_overrides(base, {name: valid_override_value(o)})
    changed = changed_fields(base, after)
    assert changed, f"{name} changed nothing"
    declared = {str(f) for f in o.fields}
    assert changed <= declared, f"{name} changed {changed - declared} beyond its declared fields"
    assert o.block in {f.block for f in o.fields}
    assert o.description and o.units


def test_base_inputs_are_not_modified():
    base = small_inputs()
    snapshot = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in leaves(base)}
    ov.apply_overrides(base, {name: valid_override_value(o) for name, o in ov.registry().items()})
    for key, value in leaves(base):
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, snapshot[key], err_msg=key)


def test_values_reach_the_results():
    base = small_inputs()
    valuation = run_valuation(ov.apply_overrides(base, [("TFR", 1.6), ("investment return", 0.031),
                                                        ("unemployment_female", 0.2)]))
    np.testing.assert_allclose(valuation.population.summary["tfr"], 1.6, rtol=1e-14)
    np.testing.assert_allclose(valuation.economy.macro["nominal_return"], 0.031, rtol=0)
    inputs = valuation.inputs.economy
    np.testing.assert_array_equal(inputs.unemployment[:, 1], 0.2)
    np.testing.assert_array_equal(inputs.unemployment[:, 0], base.economy.unemployment[:, 0])


def test_tfr_with_asfr_input_rescales_each_year():
    base = small_inputs()
    asfr = np.outer(np.linspace(2.0, 2.5, 10), np.array([1, 2, 3, 3, 2, 1, 0.5])) / 12.5
    base = dataclasses.replace(base, population=dataclasses.replace(base.population, fertility_input="asfr",
                                                                    asfr=asfr))
    after = ov.apply_overrides(base, {"tfr": 1.8})
    assert changed_fields(base, after) == {"population.asfr"}
    np.testing.assert_allclose(after.population.asfr.sum(axis=1), 1.8, rtol=1e-14)
    np.testing.assert_allclose(after.population.asfr / after.population.asfr[:, :1], asfr / asfr[:, :1], rtol=1e-14)


def test_scale_overrides_multiply():
    base = small_inputs()
    after = ov.apply_overrides(base, {"mortality_scale": 0.8, "net_migration_scale": 0.0})
    np.testing.assert_allclose(after.population.mortality, 0.8 * base.population.mortality, rtol=1e-15)
    assert not after.population.net_migrants.any()


@pytest.mark.parametrize("overrides,needle", [
    ({"tfrr": 2}, "unknown input override 'tfrr'; closest valid names: tfr"),
    ({"invest_return": 0.03}, "investment_return"),
    ({"unemployment_men": 0.1}, "closest valid names: unemployment_male"),
    ({"zzzzzz": 1}, "valid names: accrual_rate, base_gdp, base_wage"),
    ({"tfr": "two"}, "tfr must be a number (children per woman), found text 'two'"),
    ({"tfr": None}, "found nothing"),
    ({"srb": 2.0}, "srb must be >= 0.8 and <= 1.3 (males per female birth), found 2"),
    ({"investment_return": -1}, "investment_return must be > -1"),
    ({"unemployment": 1.0}, "must be >= 0 and < 1"),
    ({"participation_scale_male": 5.0}, "participation rates times 5 go above 1"),
])
def test_bad_overrides_are_explained(overrides, needle):
    with pytest.raises(ov.OverrideError) as info:
        ov.apply_overrides(small_inputs(), overrides)
    assert needle in str(info.value)


def test_every_problem_is_listed_together():
    with pytest.raises(ov.OverrideError) as info:
        ov.apply_overrides(small_inputs(), [("tfrr", 2), ("srb", 9)])
    assert "tfrr" in str(info.value) and "srb must be" in str(info.value)


def test_qx_mortality_cannot_be_scaled_above_one():
    base = small_inputs()
    qx = np.full_like(base.population.mortality, 0.6)
    base = dataclasses.replace(base, population=dataclasses.replace(base.population, mortality_kind="qx",
                                                                    mortality=qx))
    with pytest.raises(ov.OverrideError, match="death probabilities q_x times 2 goes above 1"):
        ov.apply_overrides(base, {"mortality_scale": 2.0})


def test_a_block_registers_its_own_override(monkeypatch):
    monkeypatch.setattr(ov, "_REGISTRY", dict(ov._REGISTRY))
    cpi = FIELDS.economy.cpi_inflation
    ov.register("cpi_plus", lambda inputs, value: ov.set_everywhere(cpi)(inputs, value + 0.01),
                fields=(cpi,), units="rate per year", description="test only")
    after = ov.apply_overrides(small_inputs(), {"cpi_plus": 0.02})
    np.testing.assert_allclose(after.economy.cpi_inflation, 0.03)
    assert ov.lookup("CPI-plus").block == "economy"
    with pytest.raises(ValueError, match="already registered"):
        ov.register("cpi_plus", ov.set_everywhere(cpi), units="", description="")
    assert ("cpi_plus", "rate per year", "any number", "test only") in ov.describe()


def test_first_block_of_the_chain():
    assert ov.first_block([]) is None
    assert ov.first_block(["investment_return", "cpi_inflation"]) == "economy"
    assert ov.first_block(["investment_return", "tfr"]) == "population"


def test_a_field_is_named_by_its_declaration_never_by_a_string():
    """FIELDS checks each name against the input dataclasses when it is used: a misspelt field is an
    AttributeError at once, not a silent no-op at run time."""
    assert str(FIELDS.pension.rules.normal_age) == "pension.rules.normal_age"
    assert FIELDS.pension.rules.normal_age.block == "pension"
    with pytest.raises(AttributeError, match="no field 'normal_retirement_age'"):
        FIELDS.pension.rules.normal_retirement_age  # noqa: B018


def test_rule_overrides_take_units_bounds_and_whole_numbers_from_the_field():
    """The rules declare their units, bounds and whole numbers once (SchemeRules); the overrides that set
    them accept what the Scheme rules sheet accepts: normal_retirement_age 15 to 100, whole years."""
    o = ov.lookup("normal_retirement_age")
    assert (o.low, o.high, o.whole, o.units) == (15, 100, True, "age (whole years)")
    with pytest.raises(ov.OverrideError, match="whole number"):
        ov.apply_overrides(small_inputs(), {"normal_retirement_age": 62.5})
    with pytest.raises(ov.OverrideError, match="<= 100"):
        ov.apply_overrides(small_inputs(), {"normal_retirement_age": 101})
    after = ov.apply_overrides(small_inputs(), {"normal_retirement_age": 63})
    assert after.pension.rules.normal_age.dtype.kind == "i" and (after.pension.rules.normal_age == 63).all()
    shifted = ov.apply_overrides(small_inputs(), {"normal_retirement_age_shift": 2})
    assert shifted.pension.rules.normal_age.dtype.kind == "i"
    np.testing.assert_array_equal(shifted.pension.rules.normal_age, small_inputs().pension.rules.normal_age + 2)
    with pytest.raises(ov.OverrideError, match="goes above 100"):
        ov.apply_overrides(small_inputs(), {"normal_retirement_age": 95, "normal_retirement_age_shift": 10})
