"""Orchestration of the model chain (today: the population block) and its consistency checks."""

import hashlib
from dataclasses import dataclass, fields

import numpy as np

from socsec.model.population import PopulationInputs, PopulationProjection, project_population

ACCOUNTING_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Check:
    """One consistency check of a run: worst value found against its tolerance."""

    name: str
    value: float
    tolerance: float
    ok: bool
    description: str


@dataclass(frozen=True)
class Valuation:
    inputs: PopulationInputs
    population: PopulationProjection
    checks: tuple

    @property
    def master_ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def options(self) -> str:
        """The timing conventions used, printed with the results."""
        return (f"migration timing: {self.inputs.migration_timing}; mortality input: "
                f"{self.inputs.mortality_kind}; fertility input: {self.inputs.fertility_input}; "
                "stocks at 1 January, flows during the calendar year")


def run_valuation(inputs: PopulationInputs, engine: str = "numba") -> Valuation:
    """Run every block of the chain on ``inputs`` and check the results."""
    projection = project_population(inputs.to_assumptions(), engine=engine)
    return Valuation(inputs, projection, population_checks(projection))


def population_checks(projection: PopulationProjection) -> tuple:
    """Accounting identity, non-negative stocks and births (methods.md section 2, step 6)."""
    pop = projection.population
    start, end = pop[:-1].sum(axis=2), pop[1:].sum(axis=2)
    residual = end - (start + projection.births - projection.deaths + projection.net_migrants)
    accounting = float(np.max(np.abs(residual) / np.maximum(np.abs(end), 1.0)))
    negative = float(-min(pop.min(), 0.0))
    n_negative = int((pop < 0).sum())
    return (
        Check("Population accounting identity", accounting, ACCOUNTING_TOLERANCE,
              accounting <= ACCOUNTING_TOLERANCE,
              "max over years and sexes of |P(t+1) - (P(t) + births - deaths + net migration)| / P(t+1)"),
        Check("No negative population", negative, 0.0, n_negative == 0,
              f"most negative cell (persons); {n_negative} negative cells: emigration exceeds the "
              "population of some ages, lower the emigration assumption"),
        Check("No negative births", float(-min(projection.births.min(), 0.0)), 0.0,
              bool((projection.births >= 0).all()), "most negative births (persons)"),
    )


def inputs_hash(inputs: PopulationInputs) -> str:
    """SHA-256 of every input value (stable across file formats and cell styles)."""
    digest = hashlib.sha256()
    for f in fields(inputs):
        value = getattr(inputs, f.name)
        digest.update(f.name.encode())
        if isinstance(value, np.ndarray):
            digest.update(np.ascontiguousarray(value, dtype=np.float64).tobytes())
            digest.update(str(value.shape).encode())
        else:
            digest.update(repr(value).encode())
    return digest.hexdigest()
