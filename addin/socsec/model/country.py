"""A complete, runnable country workbook's inputs from UN WPP 2024 data (``socsec workbook build country``).

:func:`country_workbook` assembles, for one country of a WPP 2024 extract (:mod:`socsec.model.wpp`):

1. the population inputs and their sources (UN WPP 2024 medium variant, :func:`socsec.model.wpp.population_inputs`);
2. the labour-force and economy inputs of an :class:`~socsec.model.illustrative_economy.EconomyProfile`,
   by default :func:`~socsec.model.illustrative_economy.generic_profile` (money in US dollars from a
   generic GDP per head, the average wage from GDP per employed person);
3. the illustrative scheme of a :class:`~socsec.model.illustrative_scheme.SchemeProfile`, by default
   :func:`~socsec.model.illustrative_scheme.generic_scheme_profile` (scaled to the country's
   population, employment and wages); its base-year data are drawn from the base year's employment,
   population and life table;
4. the Cover notes and the scenarios of the Scenarios sheet.

The worked example (Jordan) is this function with the bundled extract and the example's own profiles
(:func:`socsec.model.example_jordan.example_workbook`).
"""

from dataclasses import dataclass

from socsec.model.economy import project_economy
from socsec.model.illustrative_economy import EconomyProfile, economy_inputs, generic_profile
from socsec.model.illustrative_scheme import (SCENARIOS, SchemeProfile, finance_inputs, generic_scheme_profile,
                                              scheme_inputs)
from socsec.model.inputs import ModelInputs
from socsec.model.population import project_population
from socsec.model.scenarios import Scenario
from socsec.model.wpp import ATTRIBUTION, WppCountry, population_inputs, population_sources


@dataclass(frozen=True)
class CountryWorkbook:
    """What :func:`socsec.workbook.build.build_workbook` needs for a country."""

    inputs: ModelInputs
    sources: dict
    cover_notes: tuple
    scenarios: tuple


def generic_cover_notes(country: WppCountry, base_year: int, final_year: int) -> tuple[str, ...]:
    """Cover notes of a country workbook built with the generic defaults."""
    return (
        f"{country.name} ({country.iso3}), base year {base_year} (1 January), projection to {final_year}. "
        "Population inputs derived from UN World Population Prospects 2024, medium variant. Labour-market, "
        "macroeconomic and scheme inputs are ILLUSTRATIVE generic defaults, not data of the country: replace "
        "them with national data (each Source cell says what it is; docs/adapting.md says where to find them).",
        f"Source: {ATTRIBUTION}. Data reshaped/filtered to {country.name}; 5-year groups graduated to single "
        "ages (see the Source cells and socsec/model/wpp.py).",
    )


def country_scenarios(tfr_base: float) -> tuple[Scenario, ...]:
    """The illustrative scheme's scenarios; the fertility scenario is 1.6 children per woman if the base
    year's TFR is above it (low fertility), else 2.1 (replacement)."""
    out = []
    for name, overrides in SCENARIOS:
        if name == "low_fertility" and tfr_base <= 1.6:
            name, overrides = "replacement_fertility", (("tfr", 2.1),)
        out.append(Scenario(name, overrides))
    return tuple(out)


def country_workbook(country: WppCountry, base_year: int = 2025, final_year: int = 2100,
                     economy: EconomyProfile | None = None, scheme: SchemeProfile | None = None,
                     cover_notes: tuple | None = None) -> CountryWorkbook:
    """Every input of a country workbook (see the module docstring); ``economy``, ``scheme`` and
    ``cover_notes`` None: the generic defaults."""
    population = population_inputs(country, base_year, final_year)
    years = population.years
    projected = project_population(population.to_assumptions())
    if economy is None:  # the generic wage needs the employment, which does not depend on the wage
        first = economy_inputs(generic_profile(population.base_population.sum()), years)
        employed = project_economy(first, projected).employed[0]
        economy = generic_profile(population.base_population.sum(), employed.sum())
    labour = economy_inputs(economy, years)
    employed = project_economy(labour, projected).employed[0]
    wage = labour.base_average_wage
    lx = projected.life_tables.lx[0]
    if scheme is None:
        scheme = generic_scheme_profile(projected.population[0], employed, lx, wage, population.net_migrants[0])
    inputs = ModelInputs(population, labour,
                         scheme_inputs(scheme, years, employed, projected.population[0], lx, wage),
                         finance_inputs(scheme, years))
    sources = {**population_sources(country, population), **economy.sources, **scheme.sources}
    notes = generic_cover_notes(country, base_year, final_year) if cover_notes is None else cover_notes
    return CountryWorkbook(inputs, sources, notes, country_scenarios(float(population.tfr[0])))

