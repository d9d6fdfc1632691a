"""Orchestration of the model chain (population -> labour force and economy) and its checks."""

import hashlib
from dataclasses import dataclass, fields

import numpy as np

from socsec.model.economy import EconomyProjection, project_economy
from socsec.model.inputs import ModelInputs
from socsec.model.population import PopulationProjection, project_population

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
    inputs: ModelInputs
    population: PopulationProjection
    economy: EconomyProjection
    checks: tuple

    @property
    def master_ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def options(self) -> str:
        """The timing conventions used, printed with the results."""
        pop, eco = self.inputs.population, self.inputs.economy
        return (f"migration timing: {pop.migration_timing}; mortality input: {pop.mortality_kind}; "
                f"fertility input: {pop.fertility_input}; wage growth: {eco.wage_growth_input}; "
                f"investment return: {eco.return_input}; stocks at 1 January, flows during the "
                "calendar year; labour force on the average population of the year")


def run_valuation(inputs: ModelInputs, engine: str = "numba") -> Valuation:
    """Run every block of the chain on ``inputs`` and check the results."""
    population = project_population(inputs.population.to_assumptions(), engine=engine)
    economy = project_economy(inputs.economy, population, engine=engine)
    return Valuation(inputs, population, economy, population_checks(population) + economy_checks(economy))


def population_checks(projection: PopulationProjection) -> tuple:
    """Accounting identity, non-negative stocks and births (methods.md section 2, step 6)."""
    pop = projection.population
    start, end = pop[:-1].sum(axis=2), pop[1:].sum(axis=2)
    residual = end - (start + projection.births - projection.deaths + projection.net_migrants)
    accounting = float(np.max(np.abs(residual) / np.maximum(np.abs(end), 1.0)))
    negative = float(max(-pop.min(), 0.0))
    n_negative = int((pop < 0).sum())
    births_negative = float(max(-projection.births.min(), 0.0))
    return (
        Check("Population accounting identity", accounting, ACCOUNTING_TOLERANCE,
              accounting <= ACCOUNTING_TOLERANCE,
              "max over years and sexes of |P(t+1) - (P(t) + births - deaths + net migration)| / P(t+1)"),
        Check("No negative population", negative, 0.0, n_negative == 0,
              "largest deficit of one age, sex and year (persons); " +
              (f"{n_negative} negative cells: emigration exceeds the population of some ages, lower the "
               "emigration assumption" if n_negative else "no negative cell")),
        Check("No negative births", births_negative, 0.0, births_negative == 0.0,
              "largest negative number of births of one sex and year (persons)"),
    )


def economy_checks(economy: EconomyProjection) -> tuple:
    """Labour force = employed + unemployed; unemployment never above the labour force."""
    scale = np.maximum(np.abs(economy.labour_force), 1.0)
    identity = float(np.max(np.abs(economy.labour_force - economy.employed - economy.unemployed) / scale))
    excess = float(max(np.max(economy.unemployed - economy.labour_force), 0.0))
    return (
        Check("Labour force = employed + unemployed", identity, ACCOUNTING_TOLERANCE,
              identity <= ACCOUNTING_TOLERANCE, "max relative residual over years, sexes and ages"),
        Check("Unemployment within the labour force", excess, 0.0, excess == 0.0,
              "largest excess of unemployed over the labour force at one age (persons): the relative "
              "unemployment factors push the rate above 100% at some ages; lower them"),
    )


def inputs_hash(inputs: ModelInputs) -> str:
    """SHA-256 of every input value (stable across file formats and cell styles)."""
    digest = hashlib.sha256()
    for block in (inputs.population, inputs.economy):
        for f in fields(block):
            value = getattr(block, f.name)
            digest.update(f.name.encode())
            if isinstance(value, np.ndarray):
                digest.update(np.ascontiguousarray(value, dtype=np.float64).tobytes())
                digest.update(str(value.shape).encode())
            else:
                digest.update(repr(value).encode())
    return digest.hexdigest()
