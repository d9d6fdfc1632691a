"""Illustrative labour-market and macroeconomic assumptions of a country workbook.

``socsec workbook build country`` fills the Labour force and Economy sheets with ILLUSTRATIVE
assumptions so that the workbook runs at once and shows the user what to replace: an
:class:`EconomyProfile` holds them as a few numbers (levels and linear paths), and
:func:`economy_inputs` turns a profile into the block's inputs for any projection period.  Paths
are set in years after the base year (e.g. unemployment moves linearly over the first 25 years and
is constant after), so the same profile serves any base year.

:func:`generic_profile` gives the defaults used for any country: round numbers of the order of a
world average, in US dollars, not data of the country (each Source cell says so and what to
replace it with: the labour force survey, the national accounts, the central bank).  The worked
example (Jordan, :mod:`socsec.model.example_jordan`) uses a profile of its own, of the right order
of magnitude for Jordan, through the same functions.
"""

from dataclasses import dataclass, field

import numpy as np

from socsec.model.economy import EconomyInputs

OMEGA = 100
MIN_WORKING_AGE = 15  # ILO Minimum Age Convention, 1973 (No. 138), Art. 2(3)
#: Years after the base year of the participation anchors (the base year, +25 and +50 years).
LFPR_OFFSETS = (0, 25, 50)
UNEMPLOYMENT_AGE_STARTS = np.array([15, 25, 35, 45, 55, 65])
UNEMPLOYMENT_AGE_FACTORS = np.array([[2.0, 2.0], [1.2, 1.2], [0.8, 0.8], [0.6, 0.6], [0.5, 0.5], [0.5, 0.5]])


@dataclass(frozen=True)
class EconomyProfile:
    """Illustrative labour and macro assumptions (rates per year, shares of 1, money per year).

    participation : per anchor of :data:`LFPR_OFFSETS`, ((peak, rise_mid, fall_mid) of men, (...) of
                    women) for :func:`participation_profile`.
    unemployment  : ((men, women) in the base year, (men, women) from 25 years later), linear between.
    formal_share  : ((men, women) in the base year, (men, women) 50 years later), linear between.
    productivity, inflation : (base year, later) reached after 10 and 5 years respectively.
    base_gdp, base_average_wage : money of the base year; None = :func:`generic_profile` sets them.
    sources       : Source cell text by contract name.
    """

    currency: str
    base_gdp: float
    base_average_wage: float
    participation: tuple
    unemployment: tuple
    employee_share: tuple
    formal_share: tuple
    productivity: tuple
    inflation: tuple
    investment_return: float
    sources: dict = field(default_factory=dict, repr=False)


def participation_profile(peak: float, rise_mid: float, fall_mid: float, width: float = 3.0) -> np.ndarray:
    """Smooth participation by single age 0..OMEGA: a plateau ``peak`` between two logistic
    steps centred on ``rise_mid`` (entry) and ``fall_mid`` (exit); zero below 15."""
    ages = np.arange(OMEGA + 1) + 0.5
    profile = peak / (1.0 + np.exp(-(ages - rise_mid) / width)) / (1.0 + np.exp((ages - fall_mid) / width))
    profile[:15] = 0.0
    return profile


def economy_inputs(profile: EconomyProfile, years) -> EconomyInputs:
    """The Labour force and Economy inputs of ``profile`` for the projection ``years`` (consecutive).

    Participation anchors later than the final year are left out (rates are constant after the last
    anchor); the wage-growth row shown for the 'direct' option is the path the wage-share rule gives:
    ``(1 + productivity)(1 + inflation)(1 + wage share change) - 1``.
    """
    years = np.asarray(years)
    base, n = int(years[0]), len(years)
    keep = [k for k, offset in enumerate(LFPR_OFFSETS) if base + offset <= years[-1]]
    lfpr = np.stack([np.stack([participation_profile(*profile.participation[k][s]) for s in (0, 1)])
                     for k in keep])

    def path(start, end, after):
        return np.interp(years, [base, base + after], [start, end])

    def by_sex(pair_start, pair_end, after):
        return np.column_stack([path(pair_start[s], pair_end[s], after) for s in (0, 1)])

    productivity = path(*profile.productivity, 10)
    inflation = path(*profile.inflation, 5)
    wage_share_change = np.zeros(n)
    return EconomyInputs(
        currency=profile.currency,
        base_gdp=profile.base_gdp,
        base_average_wage=profile.base_average_wage,
        wage_growth_input="wage_share",
        return_input="nominal",
        lfpr_years=base + np.array(LFPR_OFFSETS)[keep],
        lfpr=lfpr,
        unemployment=by_sex(*profile.unemployment, 25),
        unemployment_age_starts=UNEMPLOYMENT_AGE_STARTS.copy(),
        unemployment_age_factors=UNEMPLOYMENT_AGE_FACTORS.copy(),
        employee_share=np.column_stack([np.full(n, profile.employee_share[0]), np.full(n, profile.employee_share[1])]),
        formal_share=by_sex(*profile.formal_share, 50),
        productivity_growth=productivity,
        cpi_inflation=inflation,
        deflator_inflation=inflation.copy(),
        wage_share_change=wage_share_change,
        wage_growth=(1.0 + productivity) * (1.0 + inflation) * (1.0 + wage_share_change) - 1.0,
        investment_return=np.full(n, profile.investment_return),
        min_working_age=MIN_WORKING_AGE,
    )


#: Generic GDP per head (US dollars of the base year): the order of magnitude of the world average
#: (about 13,000 USD in 2023, IMF World Economic Outlook); NOT the country's figure.
GENERIC_GDP_PER_HEAD = 13_000.0
#: Generic average wage of employees as a share of GDP per employed person (Jordan example: 0.41).
GENERIC_WAGE_TO_GDP_PER_WORKER = 0.4

_GENERIC = "ILLUSTRATIVE generic default, not data of the country"


def generic_profile(population: float, employed: float | None = None) -> EconomyProfile:
    """Generic illustrative assumptions for any country: money in US dollars with GDP =
    :data:`GENERIC_GDP_PER_HEAD` x ``population`` (persons at 1 January of the base year) and the average
    wage = :data:`GENERIC_WAGE_TO_GDP_PER_WORKER` x GDP / ``employed`` (the base year's employment under
    these assumptions; None: the wage is left at 0, for a first pass that computes the employment)."""
    gdp = float(round(GENERIC_GDP_PER_HEAD * population, -6))
    wage = 0.0 if employed is None else float(round(GENERIC_WAGE_TO_GDP_PER_WORKER * gdp / employed, -1))
    return EconomyProfile(
        currency="USD", base_gdp=gdp, base_average_wage=wage,
        participation=(((0.85, 20.0, 62.0), (0.55, 21.0, 57.0)),
                       ((0.85, 20.5, 63.0), (0.62, 21.0, 60.0)),
                       ((0.85, 21.0, 64.0), (0.68, 21.0, 62.0))),
        unemployment=((0.06, 0.07), (0.05, 0.055)), employee_share=(0.7, 0.75),
        formal_share=((0.55, 0.55), (0.70, 0.70)), productivity=(0.015, 0.015), inflation=(0.03, 0.02),
        investment_return=0.05, sources=generic_sources(gdp, wage))


def generic_sources(gdp: float, wage: float) -> dict[str, str]:
    """Source cells of the generic profile: what each figure is and what national data replace it."""
    return {
        "in_currency": f"{_GENERIC}: US dollars; use the national currency and convert every money input",
        "in_min_working_age": ("15: the general minimum age of ILO Minimum Age Convention No. 138 (Art. 2(3)); "
                               "participation is 0 below it"),
        "in_base_gdp": (f"{_GENERIC}: {GENERIC_GDP_PER_HEAD:,.0f} USD per head (order of magnitude of the world "
                        f"average) x the base population = {gdp:,.0f}; replace with the national accounts"),
        "in_base_wage": (f"{_GENERIC}: {GENERIC_WAGE_TO_GDP_PER_WORKER:.0%} of GDP per employed person = "
                         f"{wage:,.0f}; replace with the average wage of the labour force or establishment survey"),
        "in_wage_growth_input": "wage_share: wages follow productivity and the GDP deflator",
        "in_return_input": "nominal",
        "in_lfpr_male": (f"{_GENERIC}: smooth age profile, plateau 85% from the early twenties to the early "
                         "sixties; replace with the labour force survey (ILOSTAT modelled estimates)"),
        "in_lfpr_female": (f"{_GENERIC}: plateau 55% rising to 68% in 50 years; replace with the labour force "
                           "survey (ILOSTAT modelled estimates)"),
        "in_unemployment": f"{_GENERIC}: 6% (men) and 7% (women), 5% and 5.5% after 25 years; labour force survey",
        "in_unemp_age_factors": f"{_GENERIC}: youth (15-24) unemployment about twice the average",
        "in_employee_share": f"{_GENERIC}: 70% (men) and 75% (women) of employment; labour force survey",
        "in_formal_share": f"{_GENERIC}: 55% of employment formal, 70% after 50 years; labour force survey",
        "in_macro": (f"{_GENERIC}: productivity 1.5%; inflation 3% easing to 2% in 5 years; wage share constant; "
                     "nominal return 5%; replace with the national long-term assumptions"),
    }
