"""Population inputs of any country from a UN World Population Prospects 2024 extract.

The extract is a folder of CSV files in the layout of ``docs/wpp_extract.md`` (the example's own
copy, for Jordan, is ``socsec/data/wpp2024_jordan``); :func:`read_country` loads the rows of one
country (ISO3 code) and says clearly what is missing.  :func:`population_inputs` turns them into
the population block's inputs (:class:`socsec.model.population.PopulationInputs`) for a base year
and a final year, so that socsec's own projection reproduces the WPP 2024 medium variant closely
using only WPP's published 5-year and annual series (tests/test_example_vs_wpp.py and
tests/test_country.py measure it).

Projection years ``base_year .. final_year`` (population at 1 January of ``base_year .. final_year
+ 1``).  Units: persons (WPP thousands x 1000), rates per person-year, TFR children per woman.

* **Base population, 1 January of the base year** (:func:`base_population`).  WPP's "1 July" 5-year
  groups of year Y are by construction the mean of the single-year populations at 31 December Y-1
  and 31 December Y -- exactly socsec's ``population_midyear`` of Y.  The groups are graduated to
  single ages 0..99 and 100+ (:func:`socsec.model.graduation.graduate_counts`), moved back half a
  year along cohorts (:func:`shift_half_year_back`), corrected twice so that socsec's one-year
  projection reproduces that mid-year population by age (this puts back the deaths and emigrants of
  the first half-year, which matter at the oldest ages), and scaled by sex to the WPP totals at
  31 December of the year before (``popM_dec31``, ``popF_dec31``).  Hence the base year must be a
  year of the 5-year population file (a year ending in 0 or 5) whose previous year has those totals
  (2024 onwards): 2025, 2030, ...
* **Fertility.**  ``fertility_input = "tfr_pattern"``: TFR of each calendar year from the annual
  file; age pattern = percent of TFR by 5-year group (pasfr) of each 5-year period from the one
  centred at or before the base year (2020-2025 for 2025) to the last, graduated to single ages
  15..49 (:func:`socsec.model.graduation.graduate_rates`, zero at exact ages 15 and 50), anchored at
  the period's ``year_mid``; the model interpolates linearly.
* **Sex ratio at birth** of each calendar year from the annual file.
* **Mortality** (:func:`mortality_tables`).  ``mortality_kind = "mx"``: the abridged central death
  rates (0, 1-4, 5-9, ..., 95-99, 100+) of each 5-year period starting in or after the base year
  turned into single-age rates 0..100 by sex
  (:func:`socsec.model.graduation.single_age_mx_from_abridged`), then re-centred on calendar years:
  the anchor years are the base year, the periods' ``year_mid`` inside the projection and the final
  year, and the table of anchor year t is the log-linear inter/extrapolation of the period tables
  (centred on the exact times ``year_mid``) at t + 0.5.  For base year 2025 this leaves out the
  period 2020-2025 (COVID-19 excess mortality of 2020-2021).  The model interpolates log m_x
  linearly between anchors.
* **Net migrants** of each calendar year by sex and single age 0..100 (100+) from the WPP 2024
  annual projection file (:func:`net_migrants`), **age at the end of the year** and
  ``migration_timing = "end"`` (all migrants added at the end of the year, not exposed to the year's
  mortality and fertility): the UN ccmppWPP convention, the one the WPP 2019 single-age inputs state
  explicitly.  Evidence for WPP 2024 (tests/test_example_vs_wpp.py, on Jordan): with this
  convention births of 2025 (a year with 303 thousand net emigrants) match WPP within 0.05% and the
  5-year age groups of 2030-2100 within about 0.1% (sum of absolute differences over total); with
  timing "even" births of 2025 come out 2.2% low, and re-indexing the file's ages as the ccmppWPP
  "even" convention worsens the age groups.

The keyword arguments of :func:`population_inputs` select these alternatives, for comparison only.
"""

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from socsec.errors import InputError, Problem
from socsec.model.graduation import graduate_counts, graduate_rates, single_age_mx_from_abridged
from socsec.model.population import PopulationInputs, project_population

OMEGA = 100
FERTILITY_AGES = np.arange(15, 50)
THOUSAND = 1000.0
#: Abridged ages of the WPP death rates: 0, 1, 5, 10, ..., 95, 100 (open).
MX_AGES = np.r_[0, 1, np.arange(5, OMEGA + 1, 5)]
#: First ages of the WPP 5-year population groups: 0, 5, ..., 95, 100 (open).
POP5_STARTS = np.arange(0, OMEGA + 1, 5)
#: First ages of the WPP fertility groups 15-19 .. 45-49.
PASFR_STARTS = np.arange(15, 50, 5)

#: The files of an extract that the inputs are made from, with the columns read from each.
FILES = {
    "pop5": ("wpp2024_pop5_july1.csv", ("iso3", "country", "country_code", "year", "age", "popM", "popF")),
    "mx5": ("wpp2024_mx5_period.csv", ("iso3", "period", "year_mid", "age", "mxM", "mxF")),
    "pasfr5": ("wpp2024_pasfr5_period.csv", ("iso3", "period", "year_mid", "age", "pasfr")),
    "mig1": ("wpp2024_netmig1_annual_proj.csv", ("iso3", "year", "age", "migM", "migF")),
    "annual": ("wpp2024_annual_indicators.csv", ("iso3", "year", "tfr", "srb", "popM_dec31", "popF_dec31")),
}
ATTRIBUTION = ("United Nations, DESA, Population Division (2024). World Population Prospects 2024. "
               "CC BY 3.0 IGO (http://creativecommons.org/licenses/by/3.0/igo/)")


@dataclass(frozen=True)
class WppCountry:
    """The WPP 2024 rows of one country: ``tables`` keyed as :data:`FILES` (ages as text)."""

    iso3: str
    name: str
    loc_id: int
    folder: Path
    tables: dict

    def annual(self, column: str, years) -> np.ndarray:
        """A column of the annual file for calendar ``years``."""
        frame = self.tables["annual"].set_index("year")
        return frame.loc[list(years), column].to_numpy(dtype=np.float64)


def _ranges(values) -> str:
    """Sorted integers as short runs: 1950, 1955, ..., 2100 -> '1950-2100 (every 5 years)'."""
    values = sorted({int(v) for v in values})
    if len(values) <= 3:
        return ", ".join(map(str, values)) or "none"
    steps = set(np.diff(values))
    if len(steps) == 1:
        step = steps.pop()
        return f"{values[0]}-{values[-1]}" + ("" if step == 1 else f" (every {step} years)")
    return ", ".join(map(str, values))


def read_country(folder, iso3: str) -> WppCountry:
    """The rows of country ``iso3`` in the WPP 2024 extract ``folder``.

    Every problem is reported at once (:class:`socsec.errors.InputError`): a folder or file that is
    missing, a column missing from a file, a country not in a file (with the countries it holds).
    """
    folder = Path(folder)
    iso3 = iso3.strip().upper()
    if not folder.is_dir():
        raise InputError([Problem(str(folder), "not a folder: expected the folder of the UN WPP 2024 extract "
                                               "files (layout: docs/wpp_extract.md)")])
    problems, tables = [], {}
    for key, (name, columns) in FILES.items():
        path = folder / name
        if not path.is_file():
            problems.append(Problem(str(path), "missing: expected this file of the WPP 2024 extract "
                                               "(layout: docs/wpp_extract.md)"))
            continue
        frame = pd.read_csv(path, dtype={"age": str, "iso3": str})
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            problems.append(Problem(str(path), f"missing column(s) {', '.join(absent)}; found "
                                               f"{', '.join(map(str, frame.columns))}"))
            continue
        rows = frame[frame["iso3"] == iso3]
        if rows.empty:
            found = ", ".join(sorted(frame["iso3"].dropna().unique())) or "no country"
            problems.append(Problem(str(path), f"no rows for country {iso3}; countries found: {found}"))
            continue
        tables[key] = rows.reset_index(drop=True)
    if problems:
        raise InputError(problems)
    first = tables["pop5"].iloc[0]
    return WppCountry(iso3, str(first["country"]), int(first["country_code"]), folder, tables)


def available_base_years(country: WppCountry) -> list[int]:
    """Base years the extract supports: a 1 July population by 5-year group, the totals at 31 December
    of the year before, single-age net migration of the year, and at least two mortality periods
    starting in or after it."""
    annual = country.tables["annual"].dropna(subset=["popM_dec31", "popF_dec31"])
    starts = sorted({int(p.split("-")[0]) for p in country.tables["mx5"]["period"]})
    return sorted(int(y) for y in set(country.tables["pop5"]["year"])
                  if (y - 1) in set(annual["year"]) and y in set(country.tables["mig1"]["year"])
                  and sum(s >= y for s in starts) >= 2)


def check_years(country: WppCountry, base_year: int, final_year: int):
    """Raise :class:`InputError` if the extract cannot give the inputs of ``base_year .. final_year``,
    listing the years found."""
    problems = []
    where = f"{country.folder} ({country.iso3})"
    bases = available_base_years(country)
    if base_year not in bases:
        problems.append(Problem(where, f"base year {base_year} is not available: a base year needs the 1 July "
                                       f"population of {FILES['pop5'][0]} (years found: "
                                       f"{_ranges(country.tables['pop5']['year'])}), the totals at 31 December "
                                       f"of the year before in {FILES['annual'][0]} (found for "
                                       f"{_ranges(country.tables['annual'].dropna(subset=['popM_dec31'])['year'])})"
                                       f" and two mortality periods from it; possible base years: "
                                       f"{_ranges(bases)}"))
    annual = country.tables["annual"].dropna(subset=["tfr", "srb"])
    last = min(int(annual["year"].max()), int(country.tables["mig1"]["year"].max()))
    if not base_year < final_year <= last:
        problems.append(Problem(where, f"final year {final_year} is not available: expected a year after the base "
                                       f"year {base_year} and at most {last} (TFR and sex ratio at birth found for "
                                       f"{_ranges(annual['year'])}, net migration by age for "
                                       f"{_ranges(country.tables['mig1']['year'])})"))
    if problems:
        raise InputError(problems)


def _age_start(label) -> int:
    """First age of a WPP age label: '0-4' -> 0, '100+' -> 100, '5' -> 5."""
    return int(str(label).split("-")[0].rstrip("+"))


def sorted_by_age(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by the first age of their age label (column ``_start``)."""
    return frame.assign(_start=frame["age"].map(_age_start)).sort_values("_start")


def midyear_population(country: WppCountry, year: int) -> np.ndarray:
    """WPP '1 July' 5-year groups of ``year`` graduated to single ages 0..100, persons, (2, 101)."""
    pop5 = country.tables["pop5"]
    rows = sorted_by_age(pop5[pop5["year"] == year])
    groups = rows[["popM", "popF"]].to_numpy(dtype=np.float64).T * THOUSAND
    if not np.array_equal(rows["_start"].to_numpy(), POP5_STARTS):
        raise InputError([Problem(f"{FILES['pop5'][0]} ({country.iso3}, {year})",
                                  "expected the age groups 0-4, 5-9, ..., 95-99, 100+")])
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


def totals_dec31(country: WppCountry, year: int) -> np.ndarray:
    """WPP population by sex at 31 December of ``year`` (= 1 January of year + 1), persons, (2,)."""
    return np.array([country.annual("popM_dec31", [year])[0], country.annual("popF_dec31", [year])[0]]) * THOUSAND


def base_population(country: WppCountry, base_year: int, inputs: PopulationInputs | None = None,
                    corrections: int = 2) -> np.ndarray:
    """Population at 1 January of the base year by sex and age 0..100, persons, (2, 101).

    WPP's "1 July" population of the base year is the mean of the populations at 1 January
    of the base year and of the next year (see docs/wpp_extract.md), i.e. exactly the model's
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
    target = midyear_population(country, base_year)
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
    totals = totals_dec31(country, base_year - 1)
    return pop * (totals / pop.sum(axis=1))[:, None]


def _periods(frame: pd.DataFrame) -> pd.DataFrame:
    """(period, year_mid) of a period file, in time order."""
    return frame[["period", "year_mid"]].drop_duplicates().sort_values("year_mid").reset_index(drop=True)


def fertility_pattern(country: WppCountry, base_year: int, final_year: int) -> tuple[np.ndarray, np.ndarray]:
    """(anchor years (k,), single-age pattern (k, 35) in percent of TFR, ages 15..49).

    The periods from the last one centred at or before the base year to the first one centred at or
    after the final year (or the last period of the file)."""
    pasfr = country.tables["pasfr5"]
    periods = _periods(pasfr)
    first = periods.index[periods["year_mid"] <= base_year].max()
    after = periods.index[periods["year_mid"] >= final_year]
    last = after.min() if len(after) else periods.index.max()
    years, rows = [], []
    for period, year_mid in periods.loc[(0 if np.isnan(first) else first):last].itertuples(index=False):
        g = sorted_by_age(pasfr[pasfr["period"] == period])
        if not np.array_equal(g["_start"].to_numpy(), PASFR_STARTS):
            raise InputError([Problem(f"{FILES['pasfr5'][0]} ({country.iso3}, {period})",
                                      "expected the age groups 15-19, ..., 45-49")])
        years.append(int(year_mid))
        # pasfr = percent of TFR born in the 5-year group; per year of age: pasfr / 5
        rows.append(graduate_rates(PASFR_STARTS, g["pasfr"].to_numpy(dtype=np.float64) / 5.0, 50))
    pattern = np.array(rows)
    return np.array(years), pattern * (100.0 / pattern.sum(axis=1, keepdims=True))


def period_mortality_tables(country: WppCountry, first_year: int) -> tuple[np.ndarray, np.ndarray]:
    """WPP period death rates as single-age tables: (year_mid (j,), m_x (j, 2, 101)).

    One table per 5-year period centred at or after ``first_year - 2`` (the period starting in
    ``first_year`` or later; with ``first_year`` = 2020: 2020-2025 .. 2095-2100), converted by sex with
    :func:`socsec.model.graduation.single_age_mx_from_abridged`.  A period "2025-2030" runs from
    1 July 2025 to 30 June 2030; its ``year_mid`` 2028 is its centre as an exact time (1 January 2028).
    """
    mx = country.tables["mx5"]
    years, tables = [], []
    for period, year_mid in _periods(mx).itertuples(index=False):
        if int(period.split("-")[0]) < first_year:
            continue
        g = sorted_by_age(mx[mx["period"] == period])
        if not np.array_equal(g["_start"].to_numpy(), MX_AGES):
            raise InputError([Problem(f"{FILES['mx5'][0]} ({country.iso3}, {period})",
                                      "expected the abridged ages 0, 1, 5, 10, ..., 95, 100+")])
        years.append(int(year_mid))
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


def mortality_tables(country: WppCountry, base_year: int, final_year: int,
                     recentre: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Mortality anchors for the inputs: (anchor years (j,), m_x (j, 2, 101)).

    ``recentre`` True (default): anchors are the base year, the ``year_mid`` of the periods starting in or
    after the base year that lie strictly inside the projection, and the final year (base 2025, final 2100:
    2025, 2028, 2033, ..., 2098, 2100).  The table of anchor year t is meant for calendar year t, i.e.
    centred on t + 0.5; it is obtained from the period tables (centred on the exact times ``year_mid``) by
    :func:`log_linear_at` at t + 0.5 (for the base and final years by inter- or extrapolation from the
    nearest periods).  The period before the base year is left out: for 2025 it is 2020-2025, which
    contains the COVID-19 excess mortality of 2020-2021 (Jordan: period e0 74.6 / 79.1 years against
    75.9 / 80.3 for calendar year 2024 in the annual file).

    ``recentre`` False: the period tables from the one centred at or before the base year, as they are,
    anchored at their ``year_mid`` (base 2025: 2023, 2028, ..., 2098) -- half a year late for calendar
    years and, for 2025, with COVID-affected mortality at the start (kept for comparison).
    """
    if not recentre:
        return period_mortality_tables(country, base_year - 5)
    centres, tables = period_mortality_tables(country, base_year)
    inside = centres[(centres > base_year) & (centres < final_year)]
    anchors = np.concatenate([[base_year], inside, [final_year]])
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


def net_migrants(country: WppCountry, years, convention: str = "end") -> np.ndarray:
    """Net migrants (len(years), 2, 101), persons, by age at the end of the year.

    ``convention``: "end" (default, see the module docstring) takes the WPP age as the age at
    the end of the year; "ccmpp_even" reads it as the ccmppWPP "even" age (half of the
    migrants counted at the start of the year at that age) and re-indexes with
    :func:`ccmpp_even_to_end_of_year_age` (kept for the comparison in the tests).
    """
    mig = country.tables["mig1"]
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


def population_inputs(country: WppCountry, base_year: int, final_year: int, base: str = "calibrated",
                      recentre_mortality: bool = True, migration_ages: str = "end",
                      migration_timing: str = "end") -> PopulationInputs:
    """Population inputs of ``country`` for ``base_year .. final_year`` (UN WPP 2024 medium variant).

    The defaults are the documented choices of this module's docstring.  The keyword
    arguments select the alternatives compared in tests/test_example_vs_wpp.py:
    ``base`` "calibrated" (:func:`base_population` with corrections) or "shifted" (half-year
    cohort shift and scaling only); ``recentre_mortality`` (see :func:`mortality_tables`);
    ``migration_ages`` (see :func:`net_migrants`); ``migration_timing`` "even" or "end".
    """
    if base not in ("calibrated", "shifted"):
        raise ValueError(f"base must be 'calibrated' or 'shifted', got {base!r}")
    check_years(country, base_year, final_year)
    years = np.arange(base_year, final_year + 1)
    pattern_years, pattern = fertility_pattern(country, base_year, final_year)
    mortality_years, mortality = mortality_tables(country, base_year, final_year, recentre_mortality)
    inputs = PopulationInputs(
        country=country.name,
        base_year=base_year,
        final_year=final_year,
        base_population=np.zeros((2, OMEGA + 1)),
        fertility_input="tfr_pattern",
        fertility_ages=FERTILITY_AGES.copy(),
        tfr=country.annual("tfr", years),
        fertility_pattern_years=pattern_years,
        fertility_pattern=pattern,
        asfr=None,
        srb=country.annual("srb", years),
        mortality_kind="mx",
        mortality_years=mortality_years,
        mortality=mortality,
        net_migrants=net_migrants(country, years, migration_ages),
        migration_timing=migration_timing,
    )
    pop = base_population(country, base_year, inputs if base == "calibrated" else None)
    return replace(inputs, base_population=pop)


def population_sources(country: WppCountry, inputs: PopulationInputs) -> dict[str, str]:
    """One-line source per population input of the workbook (keys = contract names)."""
    wpp = "UN WPP 2024 medium variant"
    base, final = inputs.base_year, inputs.final_year
    pattern_years, mortality_years = inputs.fertility_pattern_years, inputs.mortality_years
    pattern = (f"{wpp}, percent of TFR by 5-year age group (pasfr) of each period centred in "
               f"{pattern_years[0]} .. {pattern_years[-1]}, graduated to single ages by PCHIP of cumulative "
               "shares (zero at 15 and 50), anchored at the periods' mid-years")
    mortality = (f"{wpp}, abridged death rates by period to single ages (abridged life table, PCHIP of log l_x, "
                 f"group rates kept), re-centred on calendar years: anchors {mortality_years[0]}, "
                 f"{mortality_years[1]} .. {mortality_years[-2]} (period mid-years), {mortality_years[-1]}; "
                 f"periods before {base} left out")
    migration = (f"{wpp}, net migrants by calendar year and single age 0-100+, age at the end of the year "
                 "(UN ccmppWPP convention); thousands x 1000")
    return {
        "in_country": (f"{country.name} (UN LocID {country.loc_id}); United Nations, DESA, Population Division "
                       "(2024). World Population Prospects 2024, CC BY 3.0 IGO; data reshaped/filtered"),
        "in_base_year": f"{base}: base population at 1 Jan {base} from the WPP 2024 1 July {base} population",
        "in_final_year": f"{final}: last projection year (WPP 2024 projects to 2100)",
        "in_migration_timing": ("end: all net migrants added at the end of the year, as in the UN "
                                "projection (reproduces WPP births and ages best)"),
        "in_fertility_input": "tfr_pattern: annual TFR x age pattern (percent of TFR) at anchor years",
        "in_mortality_kind": "mx: central death rates",
        "in_base_pop": (f"{wpp}, 5-year groups at 1 July {base} graduated by PCHIP of cumulative counts, moved "
                        f"back half a year along cohorts and corrected so the model reproduces them as its "
                        f"mid-{base} population, scaled by sex to the WPP totals at 31 Dec {base - 1}; "
                        "thousands x 1000"),
        "in_tfr": f"{wpp}, TFR by calendar year (annual indicators)",
        "in_srb": f"{wpp}, sex ratio at birth by calendar year (annual indicators)",
        "in_fert_pattern": pattern,
        "in_asfr": "Not used (fertility input tfr_pattern): shows the rates implied by TFR x pattern",
        "in_mort_male": mortality,
        "in_mort_female": mortality,
        "in_mig_male": migration,
        "in_mig_female": migration,
    }
