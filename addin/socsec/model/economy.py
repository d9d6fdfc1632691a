"""Labour force (ILO-LAB) and macroeconomic frame (ILO-ECO): inputs, orchestration, results.

Kernels: :mod:`socsec.core.labour` and :mod:`socsec.core.economy` (formulas there and in
docs/methodology.md).  The labour block works on the average population of each year, the
mean of the projected populations at 1 January t and t+1.
"""

import functools
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from socsec.core import economy as ce
from socsec.core import labour as cl
from socsec.model.population import SEXES, PopulationProjection, interpolate_linear
from socsec.model.fields import FRAME, RETURN, declare
from socsec.model.frozen import freeze_arrays, lock_arrays

WAGE_GROWTH_INPUTS = ("wage_share", "direct")
RETURN_INPUTS = ("nominal", "real")


def _macro(label: str, step: str = FRAME):
    """A row of the table in_macro: a rate per year."""
    return declare(label, "rate per year", -1.0, None, step=step, table="in_macro", number_format="0.00%",
                   yearly=True, low_open=True)


@dataclass(frozen=True)
class EconomyInputs:
    """Labour-market and macroeconomic assumptions as entered (one field per workbook table).

    n = number of projection years (base..final), A = number of single ages (as the population).

    currency               : currency of money amounts (text).
    base_gdp               : nominal GDP of the base year (currency units per year).
    base_average_wage      : average annual wage of employees in the base year (currency units).
    wage_growth_input      : "wage_share" (wage growth from productivity, deflator and wage-share
                             change) or "direct" (the average wage growth row is used).
    return_input           : "nominal" or "real": how the investment return row is to be read.
    lfpr_years             : (k,) anchor years of the participation rates.
    lfpr                   : (k, 2, A) labour-force participation rates by anchor year, sex, age.
    unemployment           : (n, 2) unemployment rate of the labour force by year and sex.
    unemployment_age_starts: (g,) first ages of the age groups of the relative unemployment factors.
    unemployment_age_factors: (g, 2) relative unemployment by age group and sex (1 = average).
    employee_share         : (n, 2) employees as a share of employment.
    formal_share           : (n, 2) formal (covered) employment as a share of employment.
    productivity_growth, cpi_inflation, deflator_inflation, wage_share_change, wage_growth,
    investment_return      : (n,) rates per year (0.02 = 2%).
    min_working_age        : the youngest age at which anyone works or is insured (years);
                             participation rates are 0 below it.
    """

    currency: str
    base_gdp: float = declare(None, "currency units per year", 0.0, None, low_open=True)  # setting in_base_gdp
    base_average_wage: float = declare(None, "currency units per year", 0.0, None, low_open=True)  # in_base_wage
    wage_growth_input: str
    return_input: str = declare(None, "option", step=RETURN)  # a setting (in_return_input)
    lfpr_years: np.ndarray
    lfpr: np.ndarray
    unemployment: np.ndarray = declare(None, "share of the labour force", 0.0, 1.0, high_open=True,
                                       yearly=True)  # (n, 2), table in_unemployment
    unemployment_age_starts: np.ndarray
    unemployment_age_factors: np.ndarray
    employee_share: np.ndarray = declare(None, "share of employment", 0.0, 1.0, yearly=True)  # (n, 2)
    formal_share: np.ndarray = declare(None, "share of employment", 0.0, 1.0, yearly=True)  # (n, 2)
    # the rows of the table in_macro, in this order
    productivity_growth: np.ndarray = _macro("productivity growth")
    cpi_inflation: np.ndarray = _macro("CPI inflation")
    deflator_inflation: np.ndarray = _macro("GDP deflator inflation")
    wage_share_change: np.ndarray = _macro("wage share change")
    wage_growth: np.ndarray = _macro("average wage growth")
    investment_return: np.ndarray = _macro("investment return", step=RETURN)
    min_working_age: int = 15

    def average_wage_growth(self) -> np.ndarray:
        """w_t: from productivity, deflator and wage share, or the direct path (see core.economy)."""
        if self.wage_growth_input == "direct":
            return np.asarray(self.wage_growth, dtype=np.float64)
        return ((1.0 + self.productivity_growth) * (1.0 + self.deflator_inflation)
                * (1.0 + self.wage_share_change) - 1.0)

    def nominal_return(self) -> np.ndarray:
        if self.return_input == "nominal":
            return np.asarray(self.investment_return, dtype=np.float64)
        return (1.0 + self.investment_return) * (1.0 + self.cpi_inflation) - 1.0

    def age_factor(self, n_ages: int) -> np.ndarray:
        """(2, A) relative unemployment factor of each single age (its group's factor)."""
        starts = np.asarray(self.unemployment_age_starts, dtype=int)
        group = np.clip(np.searchsorted(starts, np.arange(n_ages), side="right") - 1, 0, len(starts) - 1)
        return np.ascontiguousarray(np.asarray(self.unemployment_age_factors, dtype=np.float64)[group].T)

    def __post_init__(self):
        freeze_arrays(self)


@dataclass(frozen=True)
class EconomyProjection:
    """Labour-market stocks (n, 2, A) and the macro table by year."""

    years: np.ndarray
    average_population: np.ndarray
    lfpr: np.ndarray
    labour_force: np.ndarray
    unemployed: np.ndarray
    employed: np.ndarray
    employees: np.ndarray
    formal: np.ndarray
    labour_columns: dict = field(repr=False)  # the labour summary by year: column name -> (n,) read-only array
    macro_columns: dict = field(repr=False)  # the macro table by year: column name -> (n,) read-only array
    min_working_age: int = 15  # of the inputs: nobody works or is insured below it

    def __post_init__(self):
        lock_arrays(self)  # shared by the valuations that reuse this block

    @functools.cached_property
    def labour_summary(self) -> pd.DataFrame:
        """The labour summary (made on first use from :attr:`labour_columns`)."""
        return pd.DataFrame(self.labour_columns)

    @functools.cached_property
    def macro(self) -> pd.DataFrame:
        """The macro table (made on first use from :attr:`macro_columns`: a valuation that writes no
        result table does not need it)."""
        return pd.DataFrame(self.macro_columns)

    def column(self, name: str) -> np.ndarray:
        """Column ``name`` of the macro table (:attr:`macro_columns`)."""
        return self.macro_columns[name]

    def by_age_frame(self) -> pd.DataFrame:
        """Long table ``year, sex, age`` with population (average of the year) and labour stocks."""
        n, _, A = self.labour_force.shape
        index = pd.MultiIndex.from_product([self.years, SEXES, np.arange(A)], names=["year", "sex", "age"])
        data = {name: getattr(self, name).reshape(-1) for name in
                ("average_population", "labour_force", "employed", "unemployed", "employees", "formal")}
        data["participation_rate"] = self.lfpr.reshape(-1)
        return pd.DataFrame(data, index=index).reset_index()


def project_economy(inputs: EconomyInputs, population: PopulationProjection,
                    engine: str = "numba") -> EconomyProjection:
    """Labour force by age and sex, then the macro frame driven by total employment."""
    years = population.years
    pop = population.population
    n, A = len(years), pop.shape[2]
    average = np.ascontiguousarray(0.5 * (pop[:-1] + pop[1:]))
    lfpr = np.ascontiguousarray(interpolate_linear(inputs.lfpr_years, inputs.lfpr, years))
    unemployment = np.ascontiguousarray(inputs.unemployment, dtype=np.float64)
    age_factor = inputs.age_factor(A)
    shares = (np.ascontiguousarray(inputs.employee_share, dtype=np.float64),
              np.ascontiguousarray(inputs.formal_share, dtype=np.float64))
    if engine == "numba":
        stocks = [np.empty((n, 2, A)) for _ in range(5)]
        cl.labour_force_kernel(average, lfpr, unemployment, age_factor, *shares, *stocks)
    else:
        stocks = cl.labour_force_reference(average, lfpr, unemployment, age_factor, *shares)
    labour_force, unemployed, employed, employees, formal = stocks

    wage_growth = inputs.average_wage_growth()
    emp_sex = employed.sum(axis=2)
    employment = emp_sex.sum(axis=1)
    args = (np.asarray(inputs.productivity_growth, dtype=np.float64),
            np.asarray(inputs.cpi_inflation, dtype=np.float64),
            np.asarray(inputs.deflator_inflation, dtype=np.float64), wage_growth, employment,
            float(inputs.base_gdp), float(inputs.base_average_wage))
    if engine == "numba":
        levels = [np.empty(n) for _ in range(6)]
        ce.macro_kernel(*args, *levels)
    else:
        levels = ce.macro_reference(*args)
    cpi_index, deflator_index, wage_index, real_gdp, nominal_gdp, average_wage = levels

    lf_sex = labour_force.sum(axis=2)
    lf_15_64, average_15_64 = labour_force[:, :, 15:65].sum(axis=2), average[:, :, 15:65].sum(axis=2)
    employees_total = employees.sum(axis=(1, 2))
    labour_summary = {
        "year": years,
        "population_average": average.sum(axis=(1, 2)),
        "labour_force": lf_sex.sum(axis=1),
        "labour_force_male": lf_sex[:, 0],
        "labour_force_female": lf_sex[:, 1],
        "employed": employment,
        "employed_male": emp_sex[:, 0],
        "employed_female": emp_sex[:, 1],
        "unemployed": unemployed.sum(axis=(1, 2)),
        "unemployment_rate": unemployed.sum(axis=(1, 2)) / lf_sex.sum(axis=1),
        "participation_15_64_male": lf_15_64[:, 0] / average_15_64[:, 0],
        "participation_15_64_female": lf_15_64[:, 1] / average_15_64[:, 1],
        "employees": employees_total,
        "formal_employment": formal.sum(axis=(1, 2)),
    }
    employment_growth = np.concatenate(([np.nan], employment[1:] / employment[:-1] - 1.0))
    cpi = np.asarray(inputs.cpi_inflation, dtype=np.float64)
    macro = {
        "year": years,
        "productivity_growth": inputs.productivity_growth,
        "employment_growth": employment_growth,
        "real_gdp_growth": np.concatenate(([np.nan], real_gdp[1:] / real_gdp[:-1] - 1.0)),
        "real_gdp": real_gdp,
        "nominal_gdp": nominal_gdp,
        "gdp_deflator_inflation": inputs.deflator_inflation,
        "gdp_deflator_index": deflator_index,
        "cpi_inflation": cpi,
        "cpi_index": cpi_index,
        "average_wage": average_wage,
        "average_wage_growth": wage_growth,
        "real_wage_growth": (1.0 + wage_growth) / (1.0 + cpi) - 1.0,
        "wage_index": wage_index,
        "wage_bill": average_wage * employees_total,
        "labour_share": average_wage * employees_total / nominal_gdp,
        **return_columns(inputs),
    }
    return EconomyProjection(years, average, lfpr, labour_force, unemployed, employed, employees, formal,
                             labour_summary, macro, int(inputs.min_working_age))


def return_columns(inputs: EconomyInputs) -> dict:
    """Nominal investment return i, real return (1 + i) / (1 + CPI inflation) - 1 and i minus wage
    growth of each year: the only columns of the macro table the investment return changes."""
    nominal = inputs.nominal_return()
    cpi = np.asarray(inputs.cpi_inflation, dtype=np.float64)
    return {"nominal_return": nominal, "real_return": (1.0 + nominal) / (1.0 + cpi) - 1.0,
            "return_minus_wage_growth": nominal - inputs.average_wage_growth()}


def with_investment_return(economy: EconomyProjection, inputs: EconomyInputs) -> EconomyProjection:
    """The projection with the return columns of the macro table (:func:`return_columns`) of
    ``inputs``, whose other fields are those the projection was made with."""
    return replace(economy, macro_columns={**economy.macro_columns, **return_columns(inputs)})
