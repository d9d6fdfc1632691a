"""The worked example country, Jordan: data only, built by the country code path.

``socsec workbook build example`` is ``socsec workbook build country JOR`` on the UN WPP 2024 extract
kept in the package (``socsec/data/wpp2024_jordan``, the Jordan rows of the files described in
docs/wpp_extract.md), base year 2025, projection to 2100 -- with, instead of the generic defaults, the
two profiles below, of the right order of magnitude for Jordan:

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
from socsec.model.illustrative_economy import EconomyProfile
from socsec.model.illustrative_scheme import DESIGN_SOURCES, ILLUSTRATIVE, SchemeProfile
from socsec.model.inputs import ModelInputs
from socsec.model.population import PopulationInputs
from socsec.model.wpp import WppCountry, population_inputs, read_country

ISO3 = "JOR"
BASE_YEAR = 2025
FINAL_YEAR = 2100
DATA_DIR = "data/wpp2024_jordan"

ECONOMY = EconomyProfile(
    currency="JOD", base_gdp=40.0e9, base_average_wage=6600.0,
    participation=(((0.86, 20.0, 58.0), (0.29, 22.0, 45.0)),
                   ((0.86, 20.5, 60.0), (0.36, 22.0, 50.0)),
                   ((0.86, 21.0, 62.0), (0.40, 22.0, 53.0))),
    unemployment=((0.18, 0.30), (0.09, 0.14)), employee_share=(0.84, 0.95),
    formal_share=((0.50, 0.65), (0.65, 0.75)), productivity=(0.010, 0.015), inflation=(0.025, 0.020),
    investment_return=0.055,
    sources={
        "in_currency": "Jordanian dinar",
        "in_min_working_age": ("15: the general minimum age of ILO Minimum Age Convention No. 138 (Art. 2(3)); the "
                               "participation rates of the example are 0 below it"),
        "in_base_gdp": ("Illustrative: 2024 nominal GDP was roughly 38 billion JOD (IMF World Economic Outlook "
                        "order of magnitude), grown by the assumed 2025 growth and inflation; replace with the "
                        "Department of Statistics national accounts figure"),
        "in_base_wage": ("Illustrative: about 550 JOD a month x 12, the order of magnitude of reported average "
                         "monthly wages of paid employees; replace with the official survey figure"),
        "in_wage_growth_input": "wage_share: wages follow productivity and the GDP deflator",
        "in_return_input": "nominal",
        "in_lfpr_male": ("Illustrative age profile scaled to about 60% participation of men 15+ in 2025 "
                         "(order of magnitude of ILO modelled estimates, ILOSTAT); later exit by 2075"),
        "in_lfpr_female": ("Illustrative age profile scaled to about 14% participation of women 15+ in 2025 "
                           "(ILO modelled estimates order of magnitude), rising to about 19% by 2075"),
        "in_unemployment": ("Illustrative: about 18% (men) and 30% (women) in 2025, order of magnitude of recent "
                            "Department of Statistics survey rates; falling to 9% / 14% by 2050"),
        "in_unemp_age_factors": "Illustrative: youth (15-24) unemployment 1.7-1.9 times the average",
        "in_employee_share": "Illustrative: most employment in Jordan is paid employment",
        "in_formal_share": "Illustrative: about half of male employment informal in 2025; formalisation to 2075",
        "in_macro": ("Illustrative long-run assumptions: productivity 1.0% rising to 1.5% (2035+); inflation "
                     "2.5% easing to 2.0% (2030+) under the US-dollar peg; wage share constant; nominal "
                     "return 5.5% (about 3-3.4% real)"),
    })

SCHEME = SchemeProfile(
    coverage=((0.53, 0.60), (0.65, 0.70)), inactive=0.8e6, inactive_female=0.135,
    pensioners=((280e3, 0.8, 67, 7, 0.45), (40e3, 0.75, 55, 9, 0.35), (90e3, 0.1, 65, 12, 0.30),
                (40e3, 0.5, 11, 4, 0.12)),
    min_pension=1800.0, ceiling=60000.0, initial_reserve=12.0e9,
    actual={"contributions": 1.55e9, "expenditure_old_age": 0.95e9, "expenditure_invalidity": 1.0e8,
            "expenditure_survivors": 2.05e8, "grants": 3.5e7, "pensioners_old_age": 300e3,
            "pensioners_invalidity": 41e3, "pensioners_survivors": 132e3},
    sources={
        **DESIGN_SOURCES,
        "in_actives_male": f"{ILLUSTRATIVE}: 1.3 million actives, ages around 38, service around 0.8 x (age - 22)",
        "in_actives_female": f"{ILLUSTRATIVE}: as for males, 13.5% of the actives",
        "in_inactive_male": f"{ILLUSTRATIVE}: as the actives with a lower past density",
        "in_inactive_female": f"{ILLUSTRATIVE}",
        "in_active_earnings": f"{ILLUSTRATIVE}: 65%-130% of the average wage of the Economy sheet",
        "in_pensioners": f"{ILLUSTRATIVE}: 280k old-age, 40k invalidity, 90k widow(er)s, 40k orphans",
        "in_pension_amounts": f"{ILLUSTRATIVE}: 45%, 35%, 30% and 12% of the average wage",
        "in_calibration": f"{ILLUSTRATIVE} accounts of the base year",
        "in_rules": (f"{ILLUSTRATIVE}: 20% contribution rising to 22%; retirement age 60 rising to 65 "
                     "(2030-2038); 1.75% accrual; 15 years minimum; survivors 50%/20%/30%; price indexation"),
        "in_coverage_male": f"{ILLUSTRATIVE}: 53% of employed men in 2025, 65% in 2075",
        "in_coverage_female": f"{ILLUSTRATIVE}: 60% of employed women in 2025, 70% in 2075",
        "in_initial_reserve": f"{ILLUSTRATIVE}: about 8 years of expenditure",
    })

#: Notes for the example workbook's Cover sheet (one paragraph each).
COVER_NOTES = (
    "Worked example: Jordan, base year 2025 (1 January), projection to 2100. Population inputs "
    "derived from UN World Population Prospects 2024, medium variant; labour-market and "
    "macroeconomic assumptions ILLUSTRATIVE (see each Source cell).",
    "Source: United Nations, DESA, Population Division (2024). World Population Prospects 2024. "
    "CC BY 3.0 IGO (http://creativecommons.org/licenses/by/3.0/igo/). Data reshaped/filtered to "
    "Jordan; 5-year groups graduated to single ages (see the Source cells and "
    "socsec/model/wpp.py).",
    "With these inputs socsec reproduces the WPP 2024 total population at 1 July within 0.1% up "
    "to 2100, births within 0.2% and the population by 5-year age group within about 0.1% "
    "(tests/test_example_vs_wpp.py).",
)


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
