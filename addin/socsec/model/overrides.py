"""Named scalar input overrides: one registry for Excel's SOCSEC_INDICATOR, ``--set NAME=VALUE``
and the Scenarios sheet.

An override is a name (``tfr``, ``investment_return``, ...) that sets, or scales, one input
of :class:`~socsec.model.inputs.ModelInputs` with one number, for every projection year (and
every age and sex it covers).  :func:`apply_overrides` returns new inputs that differ from the
base in exactly the fields the named overrides declare, and nowhere else.

Registering a new override (e.g. in the pension or financing block's module)::

    from socsec.model.inputs import FIELDS
    from socsec.model.overrides import register, set_everywhere

    register("contribution_rate", set_everywhere(FIELDS.pension.rules.contribution_rate),
             description="legislated contribution rate of every projection year")

``set_everywhere(field)`` replaces every element of the array of ``field`` (a
:class:`~socsec.model.fields.FieldPath` of ModelInputs, e.g. ``FIELDS.economy.cpi_inflation``) with
the value, within the units, bounds and whole-number rule the field declares
(:mod:`socsec.model.fields`), unless the registration gives its own; ``scale(field)`` multiplies it;
any function ``setter(inputs, value) -> inputs`` may be registered instead (with ``fields`` naming
what it may change).  :func:`describe` lists the registry (name, units,
bounds, description), for the README and the UDF help.
"""

import difflib
import math
import numbers
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from socsec import bounds
from socsec.model.fields import FieldPath
from socsec.model.inputs import CHAIN, FIELDS, ModelInputs


class OverrideError(ValueError):
    """An unknown override name or a value it does not accept; the message says which and why."""


@dataclass(frozen=True)
class Override:
    """One named scalar override.

    name        : lower-case identifier (matched without regard to case, '-' or ' ' read as '_').
    setter      : ``setter(inputs, value) -> ModelInputs``.
    fields      : the inputs it may change (FieldPath, e.g. ``FIELDS.population.tfr``).
    block       : first block of the chain it affects (``population``, ``economy``, ``pension``, ...):
                  results of the blocks before it do not change.
    units, description: what it sets, for users.
    low, high   : accepted values (inclusive unless ``low_open``/``high_open``).
    whole       : whole numbers only.
    """

    name: str
    setter: Callable
    fields: tuple
    block: str
    units: str
    description: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    whole: bool = False  # whole numbers only (the field's declaration: ages, years)

    def rule(self) -> str:
        return bounds.rule(self.low, self.high, self.low_open, self.high_open)

    def accepts(self, value: float) -> bool:
        return bounds.within(value, self.low, self.high, self.low_open, self.high_open)


_REGISTRY: dict[str, Override] = {}


def normalise(name) -> str:
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


def register(name: str, setter: Callable, *, description: str, units: str | None = None, fields: tuple | None = None,
             block: str | None = None, low=None, high=None, low_open=False, high_open=False) -> Override:
    """Add an override to the registry (a name may be registered once).

    ``fields`` defaults to the ``fields`` attribute of setters made by :func:`set_everywhere`,
    :func:`scale` and :func:`shift`; ``block`` to the block of the first field.  A setter of
    :func:`set_everywhere` takes its units and accepted values from its field's declaration when the
    registration gives none.
    """
    key = normalise(name)
    if key in _REGISTRY:
        raise ValueError(f"override {key!r} is already registered")
    fields = tuple(fields if fields is not None else setter.fields)
    declared = getattr(setter, "declared", None)
    if declared is not None and units is None and low is None and high is None:
        units = declared.units
        low, high, low_open, high_open = declared.bounds().values()
    if units is None:
        raise ValueError(f"override {key!r}: units are needed")
    whole = any(f.spec is not None and f.spec.whole for f in fields)
    override = Override(key, setter, fields, block or fields[0].block, units, description,
                        low, high, low_open, high_open, whole)
    _REGISTRY[key] = override
    return override


def _accepted(field: FieldPath) -> dict:
    """The units and accepted values ``field`` declares, as arguments of :func:`register` (an override
    that sets part of a field, or a field through a setter of its own)."""
    return {"units": field.spec.units, **field.spec.bounds()}


def _register_fields(*rows):
    """Register a :func:`set_everywhere` override of each (name, field, description): units, accepted
    values and whole numbers as the field declares them."""
    for name, field, description in rows:
        register(name, set_everywhere(field), description=description)


def registry() -> dict[str, Override]:
    """Every registered override by name (a copy)."""
    return dict(_REGISTRY)


def describe() -> list[tuple[str, str, str, str]]:
    """(name, units, accepted values, description) of every override, sorted by name."""
    return [(o.name, o.units, o.rule(), o.description) for o in sorted(_REGISTRY.values(), key=lambda o: o.name)]


def lookup(name) -> Override:
    """The override called ``name``; an unknown name raises OverrideError listing the closest names."""
    key = normalise(name)
    if key in _REGISTRY:
        return _REGISTRY[key]
    close = difflib.get_close_matches(key, list(_REGISTRY), n=4, cutoff=0.5)
    hint = (f"closest valid names: {', '.join(close)}" if close
            else f"valid names: {', '.join(sorted(_REGISTRY))}")
    raise OverrideError(f"unknown input override {str(name).strip()!r}; {hint}")


def _number(override: Override, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        found = "nothing" if value is None else (f"text {value!r}" if isinstance(value, str) else repr(value))
        raise OverrideError(f"{override.name} must be a number ({override.units}), found {found}")
    value = float(value)
    if override.whole and value != int(value):
        raise OverrideError(f"{override.name} must be a whole number ({override.units}), found {value:g}")
    if not override.accepts(value):
        raise OverrideError(f"{override.name} must be {override.rule()} ({override.units}), found {value:g}")
    return value


def checked_values(pairs) -> list:
    """(Override, value) of each (name, value) pair; unknown names or unacceptable values raise
    :class:`OverrideError` naming every problem."""
    problems, resolved = [], []
    for name, value in pairs:
        try:
            override = lookup(name)
            resolved.append((override, _number(override, value)))
        except OverrideError as exc:
            problems.append(str(exc))
    if problems:
        raise OverrideError("; ".join(problems))
    return resolved


def apply_overrides(inputs: ModelInputs, overrides: Mapping | Iterable) -> ModelInputs:
    """New inputs with each named override applied in turn (a mapping or (name, value) pairs).

    Only the fields each override declares change; every other field is the very same object
    as in ``inputs``.  Unknown names or unacceptable values raise :class:`OverrideError` naming
    every problem.
    """
    pairs = list(overrides.items()) if isinstance(overrides, Mapping) else list(overrides)
    for override, value in checked_values(pairs):
        inputs = override.setter(inputs, value)
    return inputs


def first_block(names: Iterable) -> str | None:
    """The earliest block of the chain (:data:`CHAIN`) changed by the named overrides; None for none.

    A block not in the chain counts as the first (nothing can be reused)."""
    blocks = [lookup(name).block for name in names]
    if not blocks:
        return None
    return min(blocks, key=lambda b: CHAIN.index(b) if b in CHAIN else -1)


# --- setters -------------------------------------------------------------------------------------

def set_everywhere(field: FieldPath, index=None) -> Callable:
    """Setter: every element of the array of ``field`` (or of ``array[index]``) becomes the value (whole
    numbers stay integers)."""
    def setter(inputs, value):
        original = field.get(inputs)
        if np.ndim(original) == 0:
            return field.replace(inputs, float(value))
        whole = np.asarray(original).dtype.kind == "i"  # ages stay integers (checked whole by the registry)
        array = np.array(original, dtype=np.int64 if whole else np.float64)
        if index is None:
            array[...] = value
        else:
            array[index] = value
        return field.replace(inputs, array)
    setter.fields = (field,)
    setter.declared = field.spec if index is None else None
    return setter


def scale(field: FieldPath, high: float | None = None, what: str = "") -> Callable:
    """Setter: the array of ``field`` times the value; with ``high``, no element may end above it."""
    def setter(inputs, value):
        array = np.asarray(field.get(inputs), dtype=np.float64) * value
        if high is not None and np.any(array > high):
            raise OverrideError(f"{what or field} times {value:g} goes above {high:g} "
                                f"(largest {np.max(array):g}): use a smaller factor")
        return field.replace(inputs, array)
    setter.fields = (field,)
    return setter


def shift(field: FieldPath, low: float | None = None, high: float | None = None, what: str = "") -> Callable:
    """Setter: the value added to every element of the array of ``field``; no element may end below
    ``low`` or above ``high`` (default: the field's declared bounds; the override then raises
    OverrideError naming the extreme)."""
    declared = field.spec
    low = declared.low if low is None and declared is not None else low
    high = declared.high if high is None and declared is not None else high

    def setter(inputs, value):
        original = np.asarray(field.get(inputs))
        array = original + (int(value) if original.dtype.kind == "i" else value)
        if low is not None and np.any(array < low):
            raise OverrideError(f"{what or field} plus {value:g} goes below {low:g} (lowest {np.min(array):g}): "
                                "use a smaller change")
        if high is not None and np.any(array > high):
            raise OverrideError(f"{what or field} plus {value:g} goes above {high:g} (largest {np.max(array):g}): "
                                "use a smaller change")
        return field.replace(inputs, array)
    setter.fields = (field,)
    return setter


def _tfr(inputs, value):
    """TFR of every year; with ASFR input, the ASFR of each year rescaled to that total."""
    population = inputs.population
    if population.fertility_input == "asfr":
        asfr = np.asarray(population.asfr, dtype=np.float64)
        totals = asfr.sum(axis=1, keepdims=True)
        if np.any(totals <= 0):
            raise OverrideError("tfr: the age-specific fertility rates of some year sum to zero and cannot be "
                                "rescaled")
        return FIELDS.population.asfr.replace(inputs, asfr * (value / totals))
    return set_everywhere(FIELDS.population.tfr)(inputs, value)


def _tfr_shift(inputs, value):
    """TFR of every year plus the value; with ASFR input, each year's rates rescaled to their total plus
    the value (a total below 0 is refused)."""
    population = inputs.population
    totals = (np.asarray(population.asfr, dtype=np.float64).sum(axis=1)
              if population.fertility_input == "asfr" else np.asarray(population.tfr, dtype=np.float64))
    if np.any(totals + value < 0):
        raise OverrideError(f"tfr_shift: the total fertility of some year plus {value:g} goes below 0 "
                            f"(lowest {np.min(totals):g}): use a smaller change")
    if population.fertility_input == "asfr":
        asfr = np.asarray(population.asfr, dtype=np.float64)
        if np.any(totals <= 0):
            raise OverrideError("tfr_shift: the age-specific fertility rates of some year sum to zero and cannot "
                                "be rescaled")
        return FIELDS.population.asfr.replace(inputs, asfr * ((totals + value) / totals)[:, None])
    return FIELDS.population.tfr.replace(inputs, totals + value)


def _mortality_scale(inputs, value):
    high = 1.0 if inputs.population.mortality_kind == "qx" else None
    return scale(FIELDS.population.mortality, high, "death probabilities q_x")(inputs, value)


_SEX = {"male": 0, "female": 1}

register("tfr", _tfr, fields=(FIELDS.population.tfr, FIELDS.population.asfr), **_accepted(FIELDS.population.tfr),
         description="total fertility rate of every projection year (with fertility input 'asfr': the "
                     "age-specific rates of each year rescaled to this total)")
register("srb", set_everywhere(FIELDS.population.srb),
         description="sex ratio at birth of every projection year")
register("mortality_scale", _mortality_scale, fields=(FIELDS.population.mortality,), units="factor", low=0.0,
         low_open=True, description="multiplies the mortality rates (m_x or q_x as entered) of every anchor "
                                    "year, age and sex; 0.9 = 10% lower mortality")
register("net_migration_scale", scale(FIELDS.population.net_migrants), units="factor",
         description="multiplies the net migrants of every year, age and sex; 0 = no migration")
_register_fields(
    ("productivity_growth", FIELDS.economy.productivity_growth,
     "labour productivity growth of every projection year"),
    ("cpi_inflation", FIELDS.economy.cpi_inflation,
     "CPI inflation of every projection year"),
    ("gdp_deflator_inflation", FIELDS.economy.deflator_inflation,
     "GDP deflator inflation of every projection year"),
    ("wage_share_change", FIELDS.economy.wage_share_change,
     "change of the wage share of every projection year"),
    ("wage_growth", FIELDS.economy.wage_growth,
     "average wage growth of every projection year (used only when Wage growth input is 'direct')"),
    ("investment_return", FIELDS.economy.investment_return,
     "investment return of every projection year (nominal or real, as set by Investment return input)"),
    ("unemployment", FIELDS.economy.unemployment,
     "unemployment rate of both sexes, every projection year"),
)
for _sex, _k in _SEX.items():
    register(f"unemployment_{_sex}", set_everywhere(FIELDS.economy.unemployment, (slice(None), _k)),
             **_accepted(FIELDS.economy.unemployment),
             description=f"unemployment rate of {_sex}s, every projection year")


def _participation_scale(sex: int | None):
    def setter(inputs, value):
        lfpr = np.array(inputs.economy.lfpr, dtype=np.float64)
        sel = (slice(None),) if sex is None else (slice(None), sex)
        lfpr[sel] = lfpr[sel] * value
        if np.any(lfpr > 1.0):
            raise OverrideError(f"participation rates times {value:g} go above 1 (largest {np.max(lfpr):g}): "
                                "use a smaller factor")
        return FIELDS.economy.lfpr.replace(inputs, lfpr)
    setter.fields = (FIELDS.economy.lfpr,)
    return setter


register("participation_scale", _participation_scale(None), units="factor", low=0.0,
         description="multiplies the labour-force participation rates of every anchor year, age and sex")
for _sex, _k in _SEX.items():
    register(f"participation_scale_{_sex}", _participation_scale(_k), units="factor", low=0.0,
             description=f"multiplies the labour-force participation rates of {_sex}s")
_register_fields(
    ("employee_share", FIELDS.economy.employee_share,
     "employees as a share of employment, both sexes, every projection year"),
    ("formal_share", FIELDS.economy.formal_share,
     "formal (covered) employment as a share of employment, both sexes, every year"),
    ("base_gdp", FIELDS.economy.base_gdp,
     "nominal GDP of the base year"),
    ("base_wage", FIELDS.economy.base_average_wage,
     "average annual wage of employees in the base year"),
)


# --- pension scheme and financing ------------------------------------------------------------------

# units, bounds and whole numbers as the fields declare them (SchemeRules, SchemeAssumptions, FinanceInputs)
_register_fields(
    ("contribution_rate", FIELDS.pension.rules.contribution_rate,
     "legislated contribution rate of every projection year"),
    ("normal_retirement_age", FIELDS.pension.rules.normal_age,
     "normal retirement age of both sexes in every projection year"),
    ("accrual_rate", FIELDS.pension.rules.accrual_rate,
     "accrual rate per year of service beyond the base years"),
    ("pension_indexation_wage_weight", FIELDS.pension.rules.indexation_wage_weight,
     "weight of wage growth in the indexation of pensions in payment"),
    ("earnings_ceiling", FIELDS.pension.rules.earnings_ceiling,
     "insurable earnings ceiling of every year, at base-year level"),
    ("minimum_pension", FIELDS.pension.rules.min_pension,
     "minimum pension of every year, at base-year level"),
    ("coverage", FIELDS.pension.assumptions.coverage,
     "coverage of the employed at every age, sex and anchor year"),
    ("density", FIELDS.pension.assumptions.density,
     "density of contributions at every age and sex"),
    ("initial_reserve", FIELDS.finance.initial_reserve,
     "reserve at 1 January of the base year"),
    ("collection_rate", FIELDS.finance.collection_rate,
     "collection rate of every year"),
    ("state_subsidy_share", FIELDS.finance.subsidy_share,
     "state subsidy as a share of expenditure, every year"),
)


# --- changes from the values as entered (sensitivity tests: one table of defaults for any country) ----

register("tfr_shift", _tfr_shift, fields=(FIELDS.population.tfr, FIELDS.population.asfr), units="children per woman",
         low=-3.0, high=5.0, description="added to the total fertility rate of every projection year (with "
                                            "fertility input 'asfr': each year's rates rescaled to that total)")
register("productivity_growth_shift", shift(FIELDS.economy.productivity_growth, -1.0), units="rate per year",
         low=-0.1, high=0.1, description="added to the labour productivity growth of every projection year")
register("cpi_inflation_shift", shift(FIELDS.economy.cpi_inflation, -1.0), units="rate per year", low=-0.1, high=0.1,
         description="added to the CPI inflation of every projection year")
register("investment_return_shift", shift(FIELDS.economy.investment_return, -1.0), units="rate per year", low=-0.1,
         high=0.1, description="added to the investment return of every projection year (nominal or real, as "
                               "set by Investment return input)")
register("unemployment_shift", shift(FIELDS.economy.unemployment, 0.0, 1.0, "unemployment rates"),
         units="share of the labour force", low=-0.2, high=0.5,
         description="added to the unemployment rate of both sexes, every projection year")
register("coverage_scale", scale(FIELDS.pension.assumptions.coverage, 1.0, "coverage rates"), units="factor", low=0.0,
         description="multiplies the coverage of the employed at every age, sex and anchor year")
register("density_scale", scale(FIELDS.pension.assumptions.density, 1.0, "densities of contributions"), units="factor",
         low=0.0, description="multiplies the density of contributions at every age and sex")


register("normal_retirement_age_shift", shift(FIELDS.pension.rules.normal_age, what="the normal retirement age"),
         units="years (whole years)", low=-10, high=10,
         description="added to the normal retirement age of both sexes in every projection year")
