"""The worked example country: labour-market and macroeconomic assumptions for Jordan.

ILLUSTRATIVE assumptions, chosen to be of the right order of magnitude for Jordan and to be
easy to follow; each table's Source cell says where its level comes from and what to replace
it with (the national statistics office's labour force survey, the national accounts, the
central bank).  Money in Jordanian dinars (JOD).

* Participation: a smooth age profile (a plateau between a rise in the early twenties and a
  decline after 50) scaled so that about 60% of men and 14% of women aged 15+ are in the
  labour force in 2025 -- the order of magnitude of ILO modelled estimates (ILOSTAT) for
  Jordan; female participation (15+) rises to about 19% by 2075 in the illustrative path.
* Unemployment: about 18% (men) and 30% (women) in 2025, the order of magnitude of the
  Department of Statistics' recent survey rates, falling linearly to 9% and 14% by 2050 and
  constant after; young people (15-24) at 1.7-1.9 times the average rate of their sex
  (relative factors 2.0 at 15-24, 1.2 at 25-34, 0.8-0.5 above 35).
* Employees: 84% (men) and 95% (women) of employment; formal employment 50% (men) and 65%
  (women), rising to 65% and 75% by 2075 (illustrative formalisation path).
* Macro: labour productivity growth 1.0% (2025) rising to 1.5% a year from 2035; CPI and GDP
  deflator inflation 2.5% (2025) easing to 2.0% from 2030 (recent inflation under the
  dinar's peg to the US dollar); no change in the wage share; nominal investment return
  5.5% a year (a real return of about 3% in 2025 and 3.4% from 2030).
* Base year: nominal GDP 2025 of 40 billion JOD (2024 was roughly 38 billion JOD, grown by
  the assumed real growth and inflation); average annual wage 6,600 JOD (about 550 JOD a
  month, the order of magnitude of reported average monthly wages of paid employees).
"""

import numpy as np

from socsec.model.economy import EconomyInputs

OMEGA = 100
MIN_WORKING_AGE = 15  # ILO Minimum Age Convention, 1973 (No. 138), Art. 2(3)
LFPR_YEARS = np.array([2025, 2050, 2075])
UNEMPLOYMENT_AGE_STARTS = np.array([15, 25, 35, 45, 55, 65])
UNEMPLOYMENT_AGE_FACTORS = np.array([[2.0, 2.0], [1.2, 1.2], [0.8, 0.8], [0.6, 0.6], [0.5, 0.5], [0.5, 0.5]])


def participation_profile(peak: float, rise_mid: float, fall_mid: float, width: float = 3.0) -> np.ndarray:
    """Smooth participation by single age 0..OMEGA: a plateau ``peak`` between two logistic
    steps centred on ``rise_mid`` (entry) and ``fall_mid`` (exit); zero below 15."""
    ages = np.arange(OMEGA + 1) + 0.5
    profile = peak / (1.0 + np.exp(-(ages - rise_mid) / width)) / (1.0 + np.exp((ages - fall_mid) / width))
    profile[:15] = 0.0
    return profile


def jordan_economy_inputs(years=None) -> EconomyInputs:
    """Labour and macro assumptions of the example (see the module docstring)."""
    years = np.arange(2025, 2101) if years is None else np.asarray(years)
    n = len(years)
    lfpr = np.stack([
        np.stack([participation_profile(0.86, 20.0, 58.0), participation_profile(0.29, 22.0, 45.0)]),
        np.stack([participation_profile(0.86, 20.5, 60.0), participation_profile(0.36, 22.0, 50.0)]),
        np.stack([participation_profile(0.86, 21.0, 62.0), participation_profile(0.40, 22.0, 53.0)]),
    ])

    def path(start, end, start_year, end_year):
        return np.interp(years, [start_year, end_year], [start, end])

    unemployment = np.column_stack([path(0.18, 0.09, 2025, 2050), path(0.30, 0.14, 2025, 2050)])
    productivity = path(0.010, 0.015, 2025, 2035)
    inflation = path(0.025, 0.020, 2025, 2030)
    wage_share_change = np.zeros(n)
    return EconomyInputs(
        currency="JOD",
        base_gdp=40.0e9,
        base_average_wage=6600.0,
        wage_growth_input="wage_share",
        return_input="nominal",
        lfpr_years=LFPR_YEARS.copy(),
        lfpr=lfpr,
        unemployment=unemployment,
        unemployment_age_starts=UNEMPLOYMENT_AGE_STARTS.copy(),
        unemployment_age_factors=UNEMPLOYMENT_AGE_FACTORS.copy(),
        employee_share=np.column_stack([np.full(n, 0.84), np.full(n, 0.95)]),
        formal_share=np.column_stack([path(0.50, 0.65, 2025, 2075), path(0.65, 0.75, 2025, 2075)]),
        productivity_growth=productivity,
        cpi_inflation=inflation,
        deflator_inflation=inflation.copy(),
        wage_share_change=wage_share_change,
        # shown for the 'direct' option: the same path as the wage-share rule gives
        wage_growth=(1.0 + productivity) * (1.0 + inflation) * (1.0 + wage_share_change) - 1.0,
        investment_return=np.full(n, 0.055),
        min_working_age=MIN_WORKING_AGE,
    )


SOURCES = {
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
}
