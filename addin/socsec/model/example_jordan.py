"""The worked example country: population inputs for Jordan from UN WPP 2024.

The data are the Jordan rows of UN World Population Prospects 2024 files kept in the package
(``socsec/data/wpp2024_jordan``, see its README for sources, units and timing).  They are
turned into the population block's inputs (:class:`socsec.model.population.PopulationInputs`)
as below; :func:`jordan_sources` gives a one-line summary per table for the workbook.
The aim is an example that reproduces the WPP 2024 medium variant closely with socsec's
own projection (tests/test_example_vs_wpp.py measures it), using only WPP's published
5-year and annual series.

Base year 2025, projection years 2025..2100 (population at 1 January 2025 .. 2101).
Units: persons (WPP thousands x 1000), rates per person-year, TFR children per woman.

* **Base population, 1 January 2025** (:func:`base_population`).  WPP's "1 July 2025" 5-year
  groups are by construction the mean of the single-year populations at 31 December 2024
  and 31 December 2025 -- exactly socsec's ``population_midyear`` of 2025.  The groups are
  graduated to single ages 0..99 and 100+ (:func:`socsec.model.graduation.graduate_counts`),
  moved back half a year along cohorts (:func:`shift_half_year_back`), corrected twice so
  that socsec's one-year projection reproduces that mid-year population by age (this puts
  back the deaths and emigrants of the first half-year, which matter at the oldest ages),
  and scaled by sex to the WPP totals at 31 December 2024 (``popM_dec31``, ``popF_dec31``).
* **Fertility.**  ``fertility_input = "tfr_pattern"``: TFR of each calendar year 2025..2100
  from the annual file; age pattern = percent of TFR by 5-year group (pasfr) of each 5-year
  period 2020-2025 .. 2095-2100, graduated to single ages 15..49
  (:func:`socsec.model.graduation.graduate_rates`, zero at exact ages 15 and 50), anchored at
  the period's ``year_mid`` (2023, 2028, ..., 2098); the model interpolates linearly.
* **Sex ratio at birth** of each calendar year from the annual file.
* **Mortality** (:func:`mortality_tables`).  ``mortality_kind = "mx"``: the abridged central
  death rates (0, 1-4, 5-9, ..., 95-99, 100+) of each 5-year period 2025-2030 .. 2095-2100
  turned into single-age rates 0..100 by sex
  (:func:`socsec.model.graduation.single_age_mx_from_abridged`), then re-centred on calendar
  years: the anchor years are 2025, 2028, 2033, ..., 2098, 2100 and the table of anchor
  year t is the log-linear inter/extrapolation of the period tables (centred on the exact
  times ``year_mid``) at t + 0.5.  The period 2020-2025 is not used (COVID-19 excess
  mortality of 2020-2021).  The model interpolates log m_x linearly between anchors.
* **Net migrants** of each calendar year by sex and single age 0..100 (100+) from the WPP
  2024 annual projection file (:func:`net_migrants`), **age at the end of the year** and
  ``migration_timing = "end"`` (all migrants added at the end of the year, not exposed to
  the year's mortality and fertility): the UN ccmppWPP convention, the one the WPP 2019
  single-age inputs state explicitly.  Evidence for WPP 2024 (tests/test_example_vs_wpp.py):
  with this convention births of 2025 (a year with 303 thousand net emigrants) match WPP
  within 0.05% and the 5-year age groups of 2030-2100 within about 0.1% (sum of absolute
  differences over total); with timing "even" births of 2025 come out 2.2% low, and
  re-indexing the file's ages as the ccmppWPP "even" convention worsens the age groups.

The keyword arguments of :func:`jordan_population_inputs` select these alternatives, for
comparison only.
"""

from dataclasses import replace
from importlib import resources

import numpy as np
import pandas as pd

from socsec.model.example_jordan_economy import SOURCES as ECONOMY_SOURCES
from socsec.model.example_jordan_economy import jordan_economy_inputs
from socsec.model.example_jordan_scheme import SOURCES as SCHEME_SOURCES
from socsec.model.economy import project_economy
from socsec.model.example_jordan_scheme import jordan_finance_inputs, jordan_scheme_inputs
from socsec.model.graduation import graduate_counts, graduate_rates, single_age_mx_from_abridged
from socsec.model.inputs import ModelInputs
from socsec.model.population import PopulationInputs, project_population

COUNTRY = "Jordan"
ISO3 = "JOR"
BASE_YEAR = 2025
FINAL_YEAR = 2100
OMEGA = 100
FERTILITY_AGES = np.arange(15, 50)
DATA_PACKAGE = "socsec"
DATA_DIR = "data/wpp2024_jordan"

#: Abridged ages of the WPP death rates: 0, 1, 5, 10, ..., 95, 100 (open).
MX_AGES = np.r_[0, 1, np.arange(5, OMEGA + 1, 5)]
#: First ages of the WPP 5-year population groups: 0, 5, ..., 95, 100 (open).
POP5_STARTS = np.arange(0, OMEGA + 1, 5)
#: First ages of the WPP fertility groups 15-19 .. 45-49.
PASFR_STARTS = np.arange(15, 50, 5)
THOUSAND = 1000.0


def read_wpp(name: str) -> pd.DataFrame:
    """One of the packaged WPP 2024 Jordan tables (``name`` without directory), as read."""
    path = resources.files(DATA_PACKAGE).joinpath(DATA_DIR, name)
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"age": str})


def _age_start(label) -> int:
    """First age of a WPP age label: '0-4' -> 0, '100+' -> 100, '5' -> 5."""
    return int(str(label).split("-")[0].rstrip("+"))


def _sorted_by_age(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(_start=frame["age"].map(_age_start)).sort_values("_start")


def _periods(frame: pd.DataFrame, first="2020-2025", last="2095-2100") -> list[str]:
    periods = sorted(frame["period"].unique())
    return periods[periods.index(first): periods.index(last) + 1]


def _annual(column: str, years) -> np.ndarray:
    annual = read_wpp("wpp2024_annual_indicators.csv").set_index("year")
    return annual.loc[list(years), column].to_numpy(dtype=np.float64)


def midyear_population(year: int = BASE_YEAR) -> np.ndarray:
    """WPP '1 July' 5-year groups of ``year`` graduated to single ages 0..100, persons, (2, 101)."""
    pop5 = read_wpp("wpp2024_pop5_july1.csv")
    rows = _sorted_by_age(pop5[pop5["year"] == year])
    groups = rows[["popM", "popF"]].to_numpy(dtype=np.float64).T * THOUSAND
    if not np.array_equal(rows["_start"].to_numpy(), POP5_STARTS):
        raise ValueError(f"unexpected age groups in wpp2024_pop5_july1.csv for {year}")
    return graduate_counts(POP5_STARTS, groups, OMEGA)


def shift_half_year_back(midyear: np.ndarray) -> np.ndarray:
    """Single-age counts moved half a year back along cohorts (linear in the input).

    ``P(x) = (M(x) + M(x+1)) / 2`` for x < omega - 1, where M are the counts half a year
    later (last axis = age, omega open): the people aged x at the earlier date are aged x
    or x+1 half a year later, about half and half.  At the top, the people aged omega-1 or
    over at the earlier date are ``M(omega-1)/2`` plus the open group ``M(omega)``; a quarter
    of the open group (those who turned omega in the half year) is given to omega-1:
    ``P(omega-1) = M(omega-1)/2 + M(omega)/4``, ``P(omega) = 3 M(omega)/4``.  Deaths, migration
    and the youngest half-year of births (the total is ``sum M - M(0)/2``) are not accounted
    for: :func:`base_population` corrects for them.
    """
    m = np.asarray(midyear, dtype=np.float64)
    out = np.empty_like(m)
    out[..., :-2] = 0.5 * (m[..., :-2] + m[..., 1:-1])
    out[..., -2] = 0.5 * m[..., -2] + 0.25 * m[..., -1]
    out[..., -1] = 0.75 * m[..., -1]
    return out


def _totals_dec31(year: int) -> np.ndarray:
    """WPP population by sex at 31 December of ``year`` (= 1 January of year + 1), persons."""
    return np.array([_annual("popM_dec31", [year])[0], _annual("popF_dec31", [year])[0]]) * THOUSAND


def base_population(inputs: PopulationInputs | None = None, corrections: int = 2) -> np.ndarray:
    """Population at 1 January of the base year by sex and age 0..100, persons, (2, 101).

    WPP's "1 July" population of the base year is the mean of the populations at 1 January
    of the base year and of the next year (see the data README), i.e. exactly the model's
    ``population_midyear`` of the base year.  The base population is chosen so that the
    model reproduces it:

    1. ``P = shift_half_year_back(M)`` with M the graduated WPP mid-year population;
    2. ``corrections`` times: project one year with ``inputs`` (the other assumptions of the
       base year), take the mid-year population ``(P_t + P_{t+1}) / 2`` of the model and add the
       shortfall against M, moved back half a year in the same way:
       ``P <- P + shift_half_year_back(M - midyear(P))``.  This restores the people who die
       or migrate in the first half of the year (about 7% at ages 85-89, 10-20% at 90+);
       the smoothing in ``shift_half_year_back`` keeps the correction free of age-to-age
       oscillations (an exact inversion would amplify the kinks of the graduation);
    3. scale by sex to the WPP totals at 31 December of the year before (annual file).

    With ``inputs`` None or ``corrections = 0`` only steps 1 and 3 are done.
    """
    target = midyear_population(BASE_YEAR)
    pop = shift_half_year_back(target)
    if inputs is not None and corrections > 0:
        one_year = replace(inputs, final_year=inputs.base_year,
                           tfr=inputs.tfr[:1], srb=inputs.srb[:1],
                           net_migrants=inputs.net_migrants[:1],
                           asfr=None if inputs.asfr is None else inputs.asfr[:1])
        for _ in range(corrections):
            run = project_population(replace(one_year, base_population=pop).to_assumptions(),
                                     engine="numpy")
            midyear = 0.5 * (run.population[0] + run.population[1])
            pop = np.maximum(pop + shift_half_year_back(target - midyear), 0.0)
    totals = _totals_dec31(BASE_YEAR - 1)
    return pop * (totals / pop.sum(axis=1))[:, None]


def fertility_pattern() -> tuple[np.ndarray, np.ndarray]:
    """(anchor years (k,), single-age pattern (k, 35) in percent of TFR, ages 15..49)."""
    pasfr = read_wpp("wpp2024_pasfr5_period.csv")
    years, rows = [], []
    for period in _periods(pasfr):
        g = _sorted_by_age(pasfr[pasfr["period"] == period])
        if not np.array_equal(g["_start"].to_numpy(), PASFR_STARTS):
            raise ValueError(f"unexpected fertility age groups for {period}")
        years.append(int(g["year_mid"].iloc[0]))
        # pasfr = percent of TFR born in the 5-year group; per year of age: pasfr / 5
        rows.append(graduate_rates(PASFR_STARTS, g["pasfr"].to_numpy(dtype=np.float64) / 5.0, 50))
    pattern = np.array(rows)
    return np.array(years), pattern * (100.0 / pattern.sum(axis=1, keepdims=True))


def period_mortality_tables(first="2020-2025") -> tuple[np.ndarray, np.ndarray]:
    """WPP period death rates as single-age tables: (year_mid (j,), m_x (j, 2, 101)).

    One table per 5-year period ``first`` .. 2095-2100, converted by sex with
    :func:`socsec.model.graduation.single_age_mx_from_abridged`.  A period "2025-2030" runs
    from 1 July 2025 to 30 June 2030; its ``year_mid`` 2028 is its centre as an exact time
    (1 January 2028).
    """
    mx = read_wpp("wpp2024_mx5_period.csv")
    years, tables = [], []
    for period in _periods(mx, first=first):
        g = _sorted_by_age(mx[mx["period"] == period])
        if not np.array_equal(g["_start"].to_numpy(), MX_AGES):
            raise ValueError(f"unexpected mortality age groups for {period}")
        years.append(int(g["year_mid"].iloc[0]))
        tables.append([single_age_mx_from_abridged(MX_AGES, g[col].to_numpy(dtype=np.float64), s)
                       for s, col in enumerate(("mxM", "mxF"))])
    return np.array(years), np.array(tables)


def log_linear_at(centres, tables, times) -> np.ndarray:
    """Tables at exact ``times`` by log-linear inter- or extrapolation between ``centres``.

    Between two centres log m is linear; before the first (after the last) centre the line
    through the first (last) two is continued.  centres: (j,) increasing exact times;
    tables: (j, ...) positive; returns (len(times), ...).
    """
    centres = np.asarray(centres, dtype=np.float64)
    log_m = np.log(np.asarray(tables, dtype=np.float64))
    out = []
    for t in np.asarray(times, dtype=np.float64):
        k = int(np.clip(np.searchsorted(centres, t, side="right") - 1, 0, len(centres) - 2))
        w = (t - centres[k]) / (centres[k + 1] - centres[k])
        out.append(np.exp((1.0 - w) * log_m[k] + w * log_m[k + 1]))
    return np.array(out)


def mortality_tables(recentre: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Mortality anchors for the inputs: (anchor years (j,), m_x (j, 2, 101)).

    ``recentre`` True (default): anchors are the base year, the ``year_mid`` of the periods
    2025-2030 .. 2095-2100 and the final year (2025, 2028, 2033, ..., 2098, 2100).  The table
    of anchor year t is meant for calendar year t, i.e. centred on t + 0.5; it is obtained
    from the period tables (centred on the exact times ``year_mid``) by :func:`log_linear_at`
    at t + 0.5 (for 2025 and 2100 by extrapolation from the two nearest periods, over 2.5
    years).  The period 2020-2025 is
    left out: it contains the COVID-19 excess mortality of 2020-2021 (period e0 74.6 / 79.1
    years against 75.9 / 80.3 for calendar year 2024 in the annual file).

    ``recentre`` False: the period tables 2020-2025 .. 2095-2100 as they are, anchored at
    their ``year_mid`` (2023, 2028, ..., 2098) -- half a year late for calendar years and
    with COVID-affected mortality at the start (kept for comparison).
    """
    if not recentre:
        return period_mortality_tables("2020-2025")
    centres, tables = period_mortality_tables("2025-2030")
    anchors = np.concatenate([[BASE_YEAR], centres, [FINAL_YEAR]])
    return anchors, log_linear_at(centres, tables, anchors + 0.5)


def ccmpp_even_to_end_of_year_age(migrants: np.ndarray) -> np.ndarray:
    """Re-index net migrants from the UN ccmppWPP "even" convention to age at year end.

    UN: of the M_x migrants of age x, half join at the start of the year at age x (and are
    aged x+1 at the end), half at the end at age x.  socsec: migrants by age at the end of
    the year.  Hence ``M'_0 = M_0 / 2``, ``M'_x = (M_{x-1} + M_x) / 2`` for 1 <= x < omega,
    ``M'_omega = M_{omega-1} / 2 + M_omega`` (last axis = age; totals unchanged).
    """
    m = np.asarray(migrants, dtype=np.float64)
    out = 0.5 * m
    out[..., 1:] += 0.5 * m[..., :-1]
    out[..., -1] += 0.5 * m[..., -1]
    return out


def net_migrants(years, convention: str = "end") -> np.ndarray:
    """Net migrants (len(years), 2, 101), persons, by age at the end of the year.

    ``convention``: "end" (default, see the module docstring) takes the WPP age as the age at
    the end of the year; "ccmpp_even" reads it as the ccmppWPP "even" age (half of the
    migrants counted at the start of the year at that age) and re-indexes with
    :func:`ccmpp_even_to_end_of_year_age` (kept for the comparison in the tests).
    """
    mig = read_wpp("wpp2024_netmig1_annual_proj.csv")
    mig = mig[mig["year"].isin(list(years))].assign(age=lambda f: f["age"].astype(int))
    out = np.zeros((len(years), 2, OMEGA + 1))
    for s, col in enumerate(("migM", "migF")):
        wide = mig.pivot(index="year", columns="age", values=col)
        out[:, s, :] = wide.loc[list(years), list(range(OMEGA + 1))].to_numpy(dtype=np.float64)
    out *= THOUSAND
    if convention == "ccmpp_even":
        return ccmpp_even_to_end_of_year_age(out)
    if convention == "end":
        return out
    raise ValueError(f"unknown migration age convention {convention!r}")


def jordan_population_inputs(base: str = "calibrated", recentre_mortality: bool = True,
                             migration_ages: str = "end",
                             migration_timing: str = "end") -> PopulationInputs:
    """Population inputs of the example country (Jordan, UN WPP 2024 medium variant).

    The defaults are the documented choices of this module's docstring.  The keyword
    arguments select the alternatives compared in tests/test_example_vs_wpp.py:
    ``base`` "calibrated" (:func:`base_population` with corrections) or "shifted" (half-year
    cohort shift and scaling only); ``recentre_mortality`` (see :func:`mortality_tables`);
    ``migration_ages`` (see :func:`net_migrants`); ``migration_timing`` "even" or "end".
    """
    if base not in ("calibrated", "shifted"):
        raise ValueError(f"base must be 'calibrated' or 'shifted', got {base!r}")
    years = np.arange(BASE_YEAR, FINAL_YEAR + 1)
    pattern_years, pattern = fertility_pattern()
    mortality_years, mortality = mortality_tables(recentre_mortality)
    inputs = PopulationInputs(
        country=COUNTRY,
        base_year=BASE_YEAR,
        final_year=FINAL_YEAR,
        base_population=np.zeros((2, OMEGA + 1)),
        fertility_input="tfr_pattern",
        fertility_ages=FERTILITY_AGES.copy(),
        tfr=_annual("tfr", years),
        fertility_pattern_years=pattern_years,
        fertility_pattern=pattern,
        asfr=None,
        srb=_annual("srb", years),
        mortality_kind="mx",
        mortality_years=mortality_years,
        mortality=mortality,
        net_migrants=net_migrants(years, migration_ages),
        migration_timing=migration_timing,
    )
    pop = base_population(inputs if base == "calibrated" else None)
    return replace(inputs, base_population=pop)


#: Notes for the example workbook's Cover sheet (one paragraph each).
COVER_NOTES = (
    "Worked example: Jordan, base year 2025 (1 January), projection to 2100. Population inputs "
    "derived from UN World Population Prospects 2024, medium variant; labour-market and "
    "macroeconomic assumptions ILLUSTRATIVE (see each Source cell).",
    "Source: United Nations, DESA, Population Division (2024). World Population Prospects 2024. "
    "CC BY 3.0 IGO (http://creativecommons.org/licenses/by/3.0/igo/). Data reshaped/filtered to "
    "Jordan; 5-year groups graduated to single ages (see the Source cells and "
    "socsec/model/example_jordan.py).",
    "With these inputs socsec reproduces the WPP 2024 total population at 1 July within 0.1% up "
    "to 2100, births within 0.2% and the population by 5-year age group within about 0.1% "
    "(tests/test_example_vs_wpp.py).",
)

_WPP = "UN WPP 2024 medium variant"


def jordan_sources() -> dict[str, str]:
    """One-line source / rationale per workbook input (keys = contract names: settings and tables).

    Describes the default inputs of :func:`jordan_population_inputs` and the illustrative
    labour and macro assumptions of :mod:`socsec.model.example_jordan_economy`.
    """
    pattern = (f"{_WPP}, percent of TFR by 5-year age group (pasfr) of each period 2020-2025 .. "
               "2095-2100, graduated to single ages by PCHIP of cumulative shares (zero at 15 and 50), "
               "anchored at the periods' mid-years")
    mortality = (f"{_WPP}, abridged death rates by period to single ages (abridged life table, PCHIP of "
                 "log l_x, group rates kept), re-centred on calendar years: anchors 2025, 2028 .. 2098 "
                 "(period mid-years), 2100; 2020-2025 left out (COVID-19 excess mortality)")
    migration = (f"{_WPP}, net migrants by calendar year and single age 0-100+, age at the end of the "
                 "year (UN ccmppWPP convention); thousands x 1000")
    return {
        "in_country": ("Jordan (UN LocID 400); United Nations, DESA, Population Division (2024). "
                       "World Population Prospects 2024, CC BY 3.0 IGO; data reshaped/filtered"),
        "in_base_year": "2025: first projection year of WPP 2024 (base population at 1 Jan 2025)",
        "in_final_year": "2100: last year of the WPP 2024 projections",
        "in_migration_timing": ("end: all net migrants added at the end of the year, as in the UN "
                                "projection (reproduces WPP births and ages best)"),
        "in_fertility_input": "tfr_pattern: annual TFR x age pattern (percent of TFR) at anchor years",
        "in_mortality_kind": "mx: central death rates",
        "in_base_pop": (f"{_WPP}, 5-year groups at 1 July 2025 graduated by PCHIP of cumulative counts, "
                        "moved back half a year along cohorts and corrected so the model reproduces them "
                        "as its mid-2025 population, scaled by sex to the WPP totals at 31 Dec 2024; "
                        "thousands x 1000"),
        "in_tfr": f"{_WPP}, TFR by calendar year (annual indicators)",
        "in_srb": f"{_WPP}, sex ratio at birth by calendar year (annual indicators)",
        "in_fert_pattern": pattern,
        "in_asfr": "Not used (fertility input tfr_pattern): shows the rates implied by TFR x pattern",
        "in_mort_male": mortality,
        "in_mort_female": mortality,
        "in_mig_male": migration,
        "in_mig_female": migration,
        **ECONOMY_SOURCES,
        **SCHEME_SOURCES,
    }


def jordan_inputs() -> ModelInputs:
    """Every input of the example: WPP-based population, illustrative labour/macro assumptions, and the
    illustrative scheme, whose base-year data are drawn from the base year's population, employment
    and life table (:func:`socsec.model.example_jordan_scheme.jordan_scheme_inputs`)."""
    population = jordan_population_inputs()
    economy = jordan_economy_inputs(population.years)
    projected = project_population(population.to_assumptions())
    employed = project_economy(economy, projected).employed[0]
    return ModelInputs(population, economy,
                       jordan_scheme_inputs(population.years, employed, projected.population[0],
                                            projected.life_tables.lx[0]),
                       jordan_finance_inputs(population.years))
