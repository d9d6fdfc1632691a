"""Population block (ILO-POP): assumptions, orchestration and labelled results.

The numerical work happens in :mod:`socsec.core.lifetable` and :mod:`socsec.core.population`;
this module prepares the per-year input arrays (mortality interpolation between anchor years,
fertility from a TFR path and an age pattern), calls the kernels and labels the output.
Formulas: docs/methodology.md sections 3-7, which map them to code and sheets.
"""

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from socsec.core import lifetable as lt
from socsec.core.anchors import interpolate_rows
from socsec.core import population as cp
from socsec.core.population import Summary
from socsec.model.fields import declare
from socsec.model.frozen import freeze_arrays, lock_arrays

SEXES = ("male", "female")
ENGINES = ("numba", "numpy")


@dataclass(frozen=True)
class PopulationAssumptions:
    """Every input of the population projection, one value per projection year.

    Years ``base_year .. base_year + n - 1`` are projection years (flows); the projection
    gives the population at 1 January of ``base_year .. base_year + n``.

    base_population : (2, A) persons at 1 January of ``base_year`` by sex and age 0..omega
                      (omega = A - 1 is the open age group).
    asfr            : (n, A) age-specific fertility rates, births per woman per year, by age
                      of mother (zero outside the fertile ages).
    srb             : (n,) sex ratio at birth, males per female birth.
    mx              : (n, 2, A) central death rates per person-year.
    net_migrants    : (n, 2, A) net migrants (persons) during the year, by age at year end.
    migration_timing: "even" (half at the start, half at the end of the year) or "end".
    infant_ax       : (n, 2) infant separation factor a_0, or None for the Andreev-Kingkade
                      (2015) rule applied to m_0.
    """

    base_year: int
    base_population: np.ndarray
    asfr: np.ndarray
    srb: np.ndarray
    mx: np.ndarray
    net_migrants: np.ndarray
    migration_timing: str = "even"
    infant_ax: np.ndarray | None = None
    country: str = ""

    def __post_init__(self):
        n, A = self.asfr.shape
        expected = {
            "base_population": (2, A),
            "srb": (n,),
            "mx": (n, 2, A),
            "net_migrants": (n, 2, A),
        }
        if self.infant_ax is not None:
            expected["infant_ax"] = (n, 2)
        for name, shape in expected.items():
            if np.shape(getattr(self, name)) != shape:
                raise ValueError(f"{name} has shape {np.shape(getattr(self, name))}, expected {shape}")
        if self.migration_timing not in cp.MIGRATION_TIMINGS:
            raise ValueError(f"migration_timing must be one of {cp.MIGRATION_TIMINGS}, "
                             f"got {self.migration_timing!r}")
        if A < 3:
            raise ValueError("at least three ages (0, 1 and an open group) are needed")

    @property
    def n_years(self) -> int:
        return self.asfr.shape[0]

    @property
    def omega(self) -> int:
        return self.asfr.shape[1] - 1

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.base_year, self.base_year + self.n_years)

    def infant_separation(self) -> np.ndarray:
        """a_0 by year and sex: the input, or the Andreev-Kingkade rule on m_0."""
        if self.infant_ax is not None:
            return np.asarray(self.infant_ax, dtype=np.float64)
        return np.stack([lt.infant_separation_factor(self.mx[:, s, 0], s) for s in (0, 1)], axis=1)


def _every_year(anchor_years, years) -> bool:
    """Whether the anchor years are the projection years themselves, in order."""
    return len(anchor_years) == len(years) and bool(np.all(np.asarray(anchor_years) == np.asarray(years)))


def interpolate_log_mortality(anchor_years, mx_anchors, years):
    """Death rates for every year from tables given for anchor years.

    ``log m_{x,t}`` is interpolated linearly between the two surrounding anchor years and
    held constant before the first and after the last anchor (docs/methodology.md section 4;
    ``core.anchors``); anchors given for exactly the projection years are those years' rates, as
    typed (a copy).  anchor_years: (k,) increasing; mx_anchors: (k, ...) positive; returns (len(years), ...).
    """
    if _every_year(anchor_years, years):
        return np.array(mx_anchors, dtype=np.float64)
    return np.exp(interpolate_rows(anchor_years, np.log(np.asarray(mx_anchors, dtype=np.float64)), years))


def interpolate_linear(anchor_years, values, years):
    """Values for every year, linear between anchor years, constant outside them (``core.anchors``;
    anchors given for exactly the projection years are returned as they are, a copy)."""
    if _every_year(anchor_years, years):
        return np.array(values, dtype=np.float64)
    return interpolate_rows(anchor_years, values, years)


def asfr_from_tfr_and_pattern(tfr, pattern_years, pattern, years):
    """Age-specific fertility = TFR_t x age pattern_t.

    pattern: (k, ages) relative fertility by age for the anchor years ``pattern_years``
    (any scale: each anchor row is normalised to sum to one, e.g. percent of TFR);
    interpolated linearly between anchors and normalised again.  Returns (n, ages).
    """
    pattern = np.asarray(pattern, dtype=np.float64)
    pattern = pattern / pattern.sum(axis=1, keepdims=True)
    shares = interpolate_linear(pattern_years, pattern, years)
    shares /= shares.sum(axis=1, keepdims=True)
    return np.asarray(tfr, dtype=np.float64)[:, None] * shares


FERTILITY_INPUTS = ("tfr_pattern", "asfr")
MORTALITY_KINDS = ("mx", "qx")


@dataclass(frozen=True)
class PopulationInputs:
    """The population block's inputs as the actuary enters them (one field per workbook table).

    Projection years are ``base_year .. final_year`` (n = final_year - base_year + 1).

    base_population         : (2, A) persons at 1 January of base_year, ages 0..omega (omega open).
    fertility_input         : "tfr_pattern" (TFR by year x age pattern for anchor years) or "asfr".
    fertility_ages          : (F,) consecutive ages of mother, e.g. 15..49.
    tfr                     : (n,) total fertility rate, children per woman (used with "tfr_pattern").
    fertility_pattern_years : (k,) increasing anchor years of the age pattern.
    fertility_pattern       : (k, F) age pattern of fertility, percent of TFR (rows sum to 100).
    asfr                    : (n, F) births per woman per year (used with "asfr"), or None.
    srb                     : (n,) sex ratio at birth, males per female.
    mortality_kind          : "mx" (central death rates) or "qx" (death probabilities).
    mortality_years         : (j,) increasing anchor years of the mortality tables (every
                              projection year, or fewer: log-linear interpolation in between).
    mortality               : (j, 2, A) m_x or q_x by anchor year, sex and age.
    net_migrants            : (n, 2, A) net migrants by year, sex and age at the end of the year.
    migration_timing        : "even" or "end".
    """

    country: str
    base_year: int
    final_year: int
    base_population: np.ndarray
    fertility_input: str
    fertility_ages: np.ndarray
    tfr: np.ndarray = declare(None, "children per woman", 0.0, 15.0, yearly=True)  # (n,), table in_tfr
    fertility_pattern_years: np.ndarray
    fertility_pattern: np.ndarray
    asfr: np.ndarray | None = declare(None, "births per woman", yearly=True)  # (n, fertile ages) or None
    srb: np.ndarray = declare(None, "males per female birth", 0.8, 1.3, yearly=True)  # (n,), table in_srb
    mortality_kind: str
    mortality_years: np.ndarray
    mortality: np.ndarray
    net_migrants: np.ndarray = declare(None, "persons", yearly=True)  # (n, 2, A)
    migration_timing: str = "even"

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.base_year, self.final_year + 1)

    def to_assumptions(self) -> PopulationAssumptions:
        """Expand anchors to one value per projection year (see the interpolation helpers)."""
        years = self.years
        A = self.base_population.shape[1]
        rates = (asfr_from_tfr_and_pattern(self.tfr, self.fertility_pattern_years,
                                           self.fertility_pattern, years)
                 if self.fertility_input == "tfr_pattern" else np.asarray(self.asfr, dtype=np.float64))
        asfr = np.zeros((len(years), A))
        ages = np.asarray(self.fertility_ages, dtype=int)
        asfr[:, ages] = rates
        mortality = np.asarray(self.mortality, dtype=np.float64)
        infant_ax = None
        if self.mortality_kind == "qx":
            # a_0 from the q_0 version of the rule, kept for the life table so that it gives back
            # the q_0 typed in at every anchor year (linear in between)
            q0 = mortality[:, :, 0]
            ax0 = np.stack([lt.infant_separation_factor_from_q0(q0[:, s], s) for s in (0, 1)], axis=1)
            mortality = lt.mx_from_qx(mortality, ax0)
            infant_ax = interpolate_linear(self.mortality_years, ax0, years)
        mx = interpolate_log_mortality(self.mortality_years, mortality, years)
        return PopulationAssumptions(
            base_year=int(self.base_year),
            base_population=np.asarray(self.base_population, dtype=np.float64),
            asfr=asfr,
            srb=np.array(self.srb, dtype=np.float64),  # a writable copy: one kernel signature for every source
            mx=mx,
            net_migrants=np.asarray(self.net_migrants, dtype=np.float64),
            migration_timing=self.migration_timing,
            infant_ax=infant_ax,
            country=self.country,
        )

    def __post_init__(self):
        freeze_arrays(self)


@dataclass(frozen=True)
class LifeTables:
    """Period life tables by year and sex, each column (n, 2, A) with radix l_0 = 1."""

    qx: np.ndarray
    lx: np.ndarray
    dx: np.ndarray
    Lx: np.ndarray
    Tx: np.ndarray
    ex: np.ndarray
    survival: np.ndarray


def compute_life_tables(mx, ax0, engine="numba") -> LifeTables:
    """Life tables and survival ratios for mx (n, 2, A) and a_0 (n, 2)."""
    n, _, A = mx.shape
    flat_m = np.ascontiguousarray(mx, dtype=np.float64).reshape(2 * n, A)
    flat_a = np.ascontiguousarray(ax0, dtype=np.float64).reshape(2 * n)
    if engine == "numba":
        cols = [np.empty_like(flat_m) for _ in range(6)]
        lt.life_table_kernel(flat_m, flat_a, *cols)
        surv = np.empty_like(flat_m)
        lt.survival_ratios_kernel(cols[3], cols[4], surv)
    else:
        cols = list(lt.life_table_reference(flat_m, flat_a))
        surv = lt.survival_ratios_reference(cols[3], cols[4])
    shaped = [c.reshape(n, 2, A) for c in cols + [surv]]
    return LifeTables(*shaped)


@dataclass(frozen=True)
class PopulationProjection:
    """Projection output with labelled views.

    population : (n + 1, 2, A) persons at 1 January of ``years[0] .. years[-1] + 1``.
    births, deaths : (n, 2) persons during each projection year, by sex.
    net_migrants   : (n, 2) persons during each projection year, by sex.
    """

    assumptions: PopulationAssumptions
    population: np.ndarray
    births: np.ndarray
    deaths: np.ndarray
    life_tables: LifeTables
    summary_columns: dict = field(repr=False)  # the demographic summary: column name -> (n,) values

    def __post_init__(self):
        lock_arrays(self)  # shared by the valuations that reuse this block

    @functools.cached_property
    def summary(self) -> pd.DataFrame:
        """The demographic summary, one row per projection year (:func:`demographic_summary`; the table is
        made on first use from :attr:`summary_columns`)."""
        return pd.DataFrame(self.summary_columns)

    @property
    def years(self) -> np.ndarray:
        return self.assumptions.years

    @property
    def net_migrants(self) -> np.ndarray:
        return self.assumptions.net_migrants.sum(axis=2)

    def population_frame(self) -> pd.DataFrame:
        """Long table ``year, sex, age, population`` (population at 1 January of ``year``)."""
        n1, _, A = self.population.shape
        stock_years = np.arange(self.years[0], self.years[0] + n1)
        index = pd.MultiIndex.from_product([stock_years, SEXES, np.arange(A)],
                                           names=["year", "sex", "age"])
        return pd.DataFrame({"population": self.population.reshape(-1)}, index=index).reset_index()


def project_population(assumptions: PopulationAssumptions, engine: str = "numba") -> PopulationProjection:
    """Run the cohort-component projection; ``engine`` "numba" (kernels) or "numpy" (reference twins)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    a = assumptions
    mx = np.ascontiguousarray(a.mx, dtype=np.float64)
    tables = compute_life_tables(mx, a.infant_separation(), engine)
    args = (np.ascontiguousarray(a.base_population, dtype=np.float64),
            np.ascontiguousarray(a.asfr, dtype=np.float64),
            np.ascontiguousarray(a.srb, dtype=np.float64),
            tables.survival,
            np.ascontiguousarray(a.net_migrants, dtype=np.float64),
            a.migration_timing == "even")
    if engine == "numba":
        n, A = a.n_years, a.omega + 1
        pop = np.empty((n + 1, 2, A))
        births = np.empty((n, 2))
        deaths = np.empty((n, 2))
        cp.project_population_kernel(*args, pop, births, deaths)
    else:
        pop, births, deaths = cp.project_population_reference(*args)
    summary = demographic_summary(a, pop, births, deaths, tables, engine)
    return PopulationProjection(a, pop, births, deaths, tables, summary)


def demographic_summary(a: PopulationAssumptions, pop, births, deaths, tables: LifeTables,
                        engine: str = "numba") -> dict:
    """One row per projection year, as column name -> (n,) values: stocks at 1 January, flows and
    indicators of the year (the sums over ages: ``core.population.summary_kernel``, or its twin
    ``summary_reference`` with the numpy engine).

    Crude rates are per 1000 of the mid-year population (mean of 1 January t and t+1).
    Dependency ratios and median age refer to 1 January.  TFR = sum f_x; NRR =
    sum f_x L^F_x / (1 + SRB) (radix 1); mean age at childbearing = sum (x + 0.5) f_x / TFR.
    """
    n = a.n_years
    args = (pop, np.ascontiguousarray(a.asfr, dtype=np.float64), np.ascontiguousarray(tables.Lx[:, 1, :]),
            np.asarray(a.srb, dtype=np.float64), np.ascontiguousarray(a.net_migrants, dtype=np.float64))
    if engine == "numba":
        sums = np.empty((len(Summary), n))
        cp.summary_kernel(*args, sums)
    else:
        sums = cp.summary_reference(*args)
    mid, old = sums[Summary.MIDYEAR], sums[Summary.OLD]
    born, died = births.sum(axis=1), deaths.sum(axis=1)
    e65 = tables.ex[:, :, 65] if a.omega > 65 else np.full((n, 2), np.nan)  # undefined in an open group
    return {
        "year": a.years,
        "population": sums[Summary.POPULATION],
        "population_male": sums[Summary.MALE],
        "population_female": sums[Summary.FEMALE],
        "population_midyear": mid,
        "births": born,
        "births_male": births[:, 0],
        "births_female": births[:, 1],
        "deaths": died,
        "deaths_male": deaths[:, 0],
        "deaths_female": deaths[:, 1],
        "net_migration": sums[Summary.NET_MIGRANTS_MALE] + sums[Summary.NET_MIGRANTS_FEMALE],
        "net_migration_male": sums[Summary.NET_MIGRANTS_MALE],
        "net_migration_female": sums[Summary.NET_MIGRANTS_FEMALE],
        "e0_male": tables.ex[:, 0, 0],
        "e0_female": tables.ex[:, 1, 0],
        "e65_male": e65[:, 0],
        "e65_female": e65[:, 1],
        "tfr": sums[Summary.TFR],
        "nrr": sums[Summary.NRR],
        "mean_age_childbearing": sums[Summary.MEAN_AGE_CHILDBEARING],
        "srb": a.srb,
        "old_age_dependency_65_20_64": old / sums[Summary.AGED_20_64],
        "old_age_dependency_65_15_64": old / sums[Summary.AGED_15_64],
        "total_dependency_20_64": (sums[Summary.YOUNG] + old) / sums[Summary.AGED_20_64],
        "median_age": sums[Summary.MEDIAN_AGE],
        "crude_birth_rate": 1000.0 * born / mid,
        "crude_death_rate": 1000.0 * died / mid,
    }
