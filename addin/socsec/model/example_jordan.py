"""The worked example country, Jordan: data only, built by the country code path.

``socsec workbook build example`` is ``socsec workbook build country JOR`` on the UN WPP 2024 extract
kept in the package (``socsec/data/wpp2024_jordan``, the Jordan rows of the files described in
docs/wpp_extract.md), base year 2025, projection to 2100 -- with, instead of the generic defaults, the
two profiles below, of the right order of magnitude for Jordan:

The two profiles are data, with their units and sources: ``socsec/data/profiles/jordan.toml``.

* :data:`ECONOMY` (ILLUSTRATIVE labour-market and macro assumptions, money in Jordanian dinars):
  participation a smooth age profile scaled so that about 60% of men and 14% of women aged 15+ are in
  the labour force in 2025 (the order of magnitude of ILO modelled estimates, ILOSTAT), female
  participation rising to about 19% by 2075; unemployment about 18% (men) and 30% (women) in 2025, the
  order of magnitude of the Department of Statistics' recent survey rates, falling linearly to 9% and
  14% by 2050; employees 84% (men) and 95% (women) of employment; formal employment 50% and 65% rising
  to 65% and 75% by 2075; productivity growth 1.0% rising to 1.5% from 2035; CPI and GDP deflator
  inflation 2.5% easing to 2.0% from 2030 (the dinar's peg to the US dollar); nominal return 5.5%; base
  GDP 40 billion JOD (2024 was roughly 38 billion); average wage 6,600 JOD a year (about 550 a month).
* :data:`SCHEME` (the ILLUSTRATIVE scheme, not the rules or data of Jordan's Social Security
  Corporation): coverage of the employed 53% (men) and 60% (women) in 2025 rising to 65% and 70% by
  2075; 0.8 million inactive insured (13.5% women); 280 thousand old-age, 40 thousand invalidity, 90
  thousand widow(er) and 40 thousand orphan pensions; minimum pension 1,800 JOD and ceiling 60,000 JOD
  a year; reserve 12 billion JOD (about 8 years of expenditure); illustrative base-year accounts.

With these inputs socsec reproduces the WPP 2024 total population at 1 July within 0.1% up to 2100
(tests/test_example_vs_wpp.py).
"""

from importlib import resources
from pathlib import Path

from socsec.model.country import CountryWorkbook, country_workbook
from socsec.model.inputs import ModelInputs
from socsec.model.population import PopulationInputs
from socsec.model.profiles import read_profile
from socsec.model.wpp import WppCountry, population_inputs, read_country

ISO3 = "JOR"
BASE_YEAR = 2025
FINAL_YEAR = 2100
DATA_DIR = "data/wpp2024_jordan"
PROFILE = "data/profiles/jordan.toml"

#: The example's economy and scheme profiles and Cover notes, with their units and sources (the data file).
_PROFILE = read_profile(resources.files("socsec").joinpath(PROFILE))
ECONOMY, SCHEME, COVER_NOTES = _PROFILE.economy, _PROFILE.scheme, _PROFILE.cover_notes


def data_folder() -> Path:
    """The folder of the bundled WPP 2024 extract (Jordan rows)."""
    return Path(str(resources.files("socsec").joinpath(DATA_DIR)))


def bundled_country() -> WppCountry:
    """Jordan's rows of the bundled extract."""
    return read_country(data_folder(), ISO3)


def example_workbook() -> CountryWorkbook:
    """The example: the country workbook of Jordan with the example's profiles and notes."""
    return country_workbook(bundled_country(), BASE_YEAR, FINAL_YEAR, ECONOMY, SCHEME, COVER_NOTES)


def jordan_inputs() -> ModelInputs:
    """Every input of the example (:func:`example_workbook`)."""
    return example_workbook().inputs


def jordan_population_inputs(**options) -> PopulationInputs:
    """The example's population inputs; ``options`` select the alternatives of
    :func:`socsec.model.wpp.population_inputs` (for comparison)."""
    return population_inputs(bundled_country(), BASE_YEAR, FINAL_YEAR, **options)


def jordan_sources() -> dict[str, str]:
    """The Source cell of every workbook input of the example (keys = contract names)."""
    return example_workbook().sources
