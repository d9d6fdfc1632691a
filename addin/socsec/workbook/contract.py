"""Declaration of every workbook input and result (sheet, range name, shape, units, range).

Layout rules shared by every sheet (the look of a traditional PC spreadsheet model):

* Column A holds row labels (ages down the rows, or an indicator name); data start in
  column B, and on every time sheet column B is the first year of the table.
* Each table has four caption rows (title, description, units, source) followed by the
  table itself: a header row (years, anchor years or fixed labels) and the data rows.
  The workbook-scoped name (``in_...`` for inputs, ``out_...`` for results) covers the
  header row and the data rows, label column included, so the reader can check ages and
  years as well as values.
* Settings are single named cells on the Settings sheet.

Axis kinds (``rows``/``cols`` of a table):

``AGE``         single ages 0, 1, ..., omega; the last (open) label may be written "100+".
``FERTILE_AGE`` consecutive single ages of mother, e.g. 15..49.
``YEAR``        consecutive calendar years; the first must be the base year and the table
                must reach the final projection year (extra years to the right are ignored).
``ANCHOR``      strictly increasing calendar years (values in between are interpolated).
``GROUP_START`` strictly increasing first ages of age groups (each group runs to the next).
a tuple         fixed labels, e.g. ("male", "female"), matched without regard to case.
"""

from dataclasses import dataclass

AGE = "age"
FERTILE_AGE = "fertile_age"
YEAR = "year"
ANCHOR = "anchor year"
GROUP_START = "first age of group"

SEX_LABELS = ("male", "female")


@dataclass(frozen=True)
class Setting:
    """One named input cell on the Settings sheet."""

    name: str
    label: str
    kind: str  # "text", "int", "number" or "choice"
    units: str
    description: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    sheet: str = "Settings"


@dataclass(frozen=True)
class InputTable:
    """One input table: a named block of labelled rows and columns.

    ``low``/``high`` bound every value (inclusive unless ``low_open``/``high_open``);
    values above ``warn_high`` are accepted with a warning; ``required_if`` names a setting
    and the value that makes the table required (other tables are not read);
    ``number_format`` is the Excel format of the value cells.
    """

    name: str
    sheet: str
    title: str
    units: str
    rows: object
    cols: object
    description: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    required_if: tuple | None = None
    warn_high: float | None = None
    number_format: str = "General"


@dataclass(frozen=True)
class ResultTable:
    """One result table: rows labelled by age or indicator, years across the columns."""

    name: str
    sheet: str
    title: str
    units: str
    description: str


SETTINGS = (
    Setting("in_country", "Country", "text", "name", "Country or scheme name shown on every report."),
    Setting("in_base_year", "Base year", "int", "calendar year",
            "First projection year; the base population is at 1 January of this year.",
            low=1900, high=2300),
    Setting("in_final_year", "Final projection year", "int", "calendar year",
            "Last projection year; the projection gives the population up to 1 January of the "
            "following year.", low=1900, high=2450),
    Setting("in_migration_timing", "Migration timing", "choice", "option",
            "'even': half of each year's net migrants join at the start of the year and are "
            "exposed to that year's mortality, half at the end (default); 'end': all at the end "
            "of the year (UN ccmppWPP convention).", choices=("even", "end")),
    Setting("in_fertility_input", "Fertility input", "choice", "option",
            "'tfr_pattern': TFR by year times an age pattern given for anchor years (default); "
            "'asfr': age-specific fertility rates for every year (sheet Fertility ASFR).",
            choices=("tfr_pattern", "asfr")),
    Setting("in_mortality_kind", "Mortality input", "choice", "option",
            "'mx': central death rates; 'qx': one-year death probabilities (the open-age value "
            "is ignored and closed with the constant force implied by the age below).",
            choices=("mx", "qx")),
)

POPULATION_INPUTS = (
    InputTable("in_base_pop", "Base population", "Population at 1 January of the base year",
               "persons", AGE, SEX_LABELS,
               "Resident population by single age (last row: open age group) and sex.",
               low=0.0),
    InputTable("in_tfr", "Fertility", "Total fertility rate", "children per woman", ("TFR",), YEAR,
               "Average number of children a woman would have at the year's age-specific rates.",
               low=0.0, high=15.0, required_if=("in_fertility_input", "tfr_pattern")),
    InputTable("in_srb", "Fertility", "Sex ratio at birth", "males per female birth", ("SRB",), YEAR,
               "Male live births per female live birth.", low=0.8, high=1.3),
    InputTable("in_fert_pattern", "Fertility", "Age pattern of fertility",
               "percent of TFR", FERTILE_AGE, ANCHOR,
               "Share of the TFR at each age of mother for anchor years; each column is rescaled "
               "to 100% and interpolated linearly between anchor years (constant outside).",
               low=0.0, high=100.0, required_if=("in_fertility_input", "tfr_pattern")),
    InputTable("in_asfr", "Fertility ASFR", "Age-specific fertility rates",
               "births per woman per year", FERTILE_AGE, YEAR,
               "Used only when Fertility input is 'asfr'.", low=0.0, high=1.0,
               required_if=("in_fertility_input", "asfr")),
    InputTable("in_mort_male", "Mortality", "Mortality rates, males", "per person-year (mx) or probability (qx)",
               AGE, ANCHOR,
               "m_x or q_x (see Settings) for anchor years; log-linear interpolation between "
               "anchor years, constant outside. Give every year to use them as they are.",
               low=0.0, high=2.0, low_open=True, high_open=True),
    InputTable("in_mort_female", "Mortality", "Mortality rates, females", "per person-year (mx) or probability (qx)",
               AGE, ANCHOR, "As for males.", low=0.0, high=2.0, low_open=True, high_open=True),
    InputTable("in_mig_male", "Migration", "Net migrants, males", "persons per year", AGE, YEAR,
               "Immigrants minus emigrants during the year, by age at the end of the year."),
    InputTable("in_mig_female", "Migration", "Net migrants, females", "persons per year", AGE, YEAR,
               "As for males."),
)

POPULATION_RESULTS = (
    ResultTable("out_demography", "Results demography", "Demographic summary", "see labels",
                "Stocks at 1 January, flows and indicators of each projection year."),
    ResultTable("out_pop_total", "Results population", "Population at 1 January, both sexes", "persons",
                "Projected population by single age."),
    ResultTable("out_pop_male", "Results population", "Population at 1 January, males", "persons",
                "Projected population by single age."),
    ResultTable("out_pop_female", "Results population", "Population at 1 January, females", "persons",
                "Projected population by single age."),
)

# Rows of model.population.demographic_summary: column -> (label, Excel number format).
DEMOGRAPHY_ROWS = (
    ("population", "Population at 1 January, total (persons)", "#,##0"),
    ("population_male", "Population at 1 January, males (persons)", "#,##0"),
    ("population_female", "Population at 1 January, females (persons)", "#,##0"),
    ("population_midyear", "Mid-year population (persons)", "#,##0"),
    ("births", "Live births (persons)", "#,##0"),
    ("births_male", "Live births, males (persons)", "#,##0"),
    ("births_female", "Live births, females (persons)", "#,##0"),
    ("deaths", "Deaths (persons)", "#,##0"),
    ("deaths_male", "Deaths, males (persons)", "#,##0"),
    ("deaths_female", "Deaths, females (persons)", "#,##0"),
    ("net_migration", "Net migration (persons)", "#,##0"),
    ("net_migration_male", "Net migration, males (persons)", "#,##0"),
    ("net_migration_female", "Net migration, females (persons)", "#,##0"),
    ("e0_male", "Life expectancy at birth, males (years)", "0.00"),
    ("e0_female", "Life expectancy at birth, females (years)", "0.00"),
    ("e65_male", "Life expectancy at 65, males (years)", "0.00"),
    ("e65_female", "Life expectancy at 65, females (years)", "0.00"),
    ("tfr", "Total fertility rate (children per woman)", "0.0000"),
    ("nrr", "Net reproduction rate (daughters per woman)", "0.0000"),
    ("mean_age_childbearing", "Mean age at childbearing (years)", "0.00"),
    ("srb", "Sex ratio at birth (males per female)", "0.0000"),
    ("old_age_dependency_65_20_64", "Old-age dependency ratio 65+ / 20-64", "0.0000"),
    ("old_age_dependency_65_15_64", "Old-age dependency ratio 65+ / 15-64", "0.0000"),
    ("total_dependency_20_64", "Total dependency ratio (0-19 + 65+) / 20-64", "0.0000"),
    ("median_age", "Median age at 1 January (years)", "0.00"),
    ("crude_birth_rate", "Crude birth rate (per 1000)", "0.00"),
    ("crude_death_rate", "Crude death rate (per 1000)", "0.00"),
)

ECONOMY_SETTINGS = (
    Setting("in_currency", "Currency", "text", "code", "Currency of every money amount (e.g. JOD).",
            sheet="Economy"),
    Setting("in_base_gdp", "Nominal GDP of the base year", "number", "currency units per year",
            "Gross domestic product at current prices of the base year.", low=0.0, sheet="Economy"),
    Setting("in_base_wage", "Average annual wage of the base year", "number", "currency units per year",
            "Average annual gross wage of employees in the base year.", low=0.0, sheet="Economy"),
    Setting("in_wage_growth_input", "Wage growth input", "choice", "option",
            "'wage_share': 1 + wage growth = (1 + productivity growth)(1 + GDP deflator inflation)"
            "(1 + wage share change) (default); 'direct': use the row 'average wage growth'.",
            choices=("wage_share", "direct"), sheet="Economy"),
    Setting("in_return_input", "Investment return input", "choice", "option",
            "'nominal': the row 'investment return' is the nominal return; 'real': it is the return "
            "above CPI inflation, 1 + nominal = (1 + real)(1 + CPI inflation).",
            choices=("nominal", "real"), sheet="Economy"),
)

MACRO_INPUT_ROWS = ("productivity growth", "CPI inflation", "GDP deflator inflation", "wage share change",
                    "average wage growth", "investment return")

ECONOMY_INPUTS = (
    InputTable("in_lfpr_male", "Labour force", "Labour-force participation rates, males", "share of population",
               AGE, ANCHOR, "Labour force / average population of the year by age, for anchor years; linear "
               "interpolation between anchor years, constant outside.", low=0.0, high=1.0,
               number_format="0.0%"),
    InputTable("in_lfpr_female", "Labour force", "Labour-force participation rates, females",
               "share of population", AGE, ANCHOR, "As for males.", low=0.0, high=1.0, number_format="0.0%"),
    InputTable("in_unemployment", "Labour force", "Unemployment rate", "share of the labour force",
               SEX_LABELS, YEAR, "Unemployed / labour force, by sex.", low=0.0, high=1.0, high_open=True,
               number_format="0.0%"),
    InputTable("in_unemp_age_factors", "Labour force", "Relative unemployment by age group",
               "ratio to the average rate", GROUP_START, SEX_LABELS,
               "Unemployment rate of each age group relative to the sex's average (1 everywhere: "
               "the same rate at every age); rescaled so the average equals the unemployment rate "
               "row. Each group runs from its first age to the next group's.", low=0.0, number_format="0.00"),
    InputTable("in_employee_share", "Labour force", "Employees in employment", "share of employment",
               SEX_LABELS, YEAR, "Employees (wage earners) / employed persons.", low=0.0, high=1.0,
               number_format="0.0%"),
    InputTable("in_formal_share", "Labour force", "Formal (covered) employment", "share of employment",
               SEX_LABELS, YEAR, "Formally employed / employed persons: the share the scheme can cover.",
               low=0.0, high=1.0, number_format="0.0%"),
    InputTable("in_macro", "Economy", "Macroeconomic assumptions", "rate per year (0.02 = 2%)",
               MACRO_INPUT_ROWS, YEAR,
               "Growth from the previous year to this year (returns: earned during the year). "
               "'average wage growth' is used only when Wage growth input is 'direct'.",
               low=-1.0, low_open=True, warn_high=0.5, number_format="0.00%"),
)

ECONOMY_RESULTS = (
    ResultTable("out_labour", "Results labour", "Labour market summary", "see labels",
                "Average population of the year, labour force, employment and unemployment."),
    ResultTable("out_macro", "Results economy", "Macroeconomic frame", "see labels",
                "GDP, prices, wages and returns by year."),
)

# Rows of model.economy labour_summary and macro: column -> (label, Excel number format).
LABOUR_ROWS = (
    ("population_average", "Average population of the year (persons)", "#,##0"),
    ("labour_force", "Labour force (persons)", "#,##0"),
    ("labour_force_male", "Labour force, males (persons)", "#,##0"),
    ("labour_force_female", "Labour force, females (persons)", "#,##0"),
    ("employed", "Employed (persons)", "#,##0"),
    ("employed_male", "Employed, males (persons)", "#,##0"),
    ("employed_female", "Employed, females (persons)", "#,##0"),
    ("unemployed", "Unemployed (persons)", "#,##0"),
    ("unemployment_rate", "Unemployment rate", "0.00%"),
    ("participation_15_64_male", "Participation rate 15-64, males", "0.00%"),
    ("participation_15_64_female", "Participation rate 15-64, females", "0.00%"),
    ("employees", "Employees (persons)", "#,##0"),
    ("formal_employment", "Formal employment (persons)", "#,##0"),
)
MACRO_ROWS = (
    ("productivity_growth", "Labour productivity growth", "0.00%"),
    ("employment_growth", "Employment growth", "0.00%"),
    ("real_gdp_growth", "Real GDP growth", "0.00%"),
    ("real_gdp", "Real GDP, base-year prices (currency units)", "#,##0"),
    ("nominal_gdp", "Nominal GDP (currency units)", "#,##0"),
    ("gdp_deflator_inflation", "GDP deflator inflation", "0.00%"),
    ("gdp_deflator_index", "GDP deflator index (base year = 1)", "0.0000"),
    ("cpi_inflation", "CPI inflation", "0.00%"),
    ("cpi_index", "CPI index (base year = 1)", "0.0000"),
    ("average_wage", "Average annual wage (currency units)", "#,##0"),
    ("average_wage_growth", "Average wage growth", "0.00%"),
    ("real_wage_growth", "Real wage growth", "0.00%"),
    ("wage_index", "Wage index (base year = 1)", "0.0000"),
    ("wage_bill", "Wage bill of employees (currency units)", "#,##0"),
    ("labour_share", "Labour share (wage bill / nominal GDP)", "0.00%"),
    ("nominal_return", "Nominal investment return", "0.00%"),
    ("real_return", "Real investment return", "0.00%"),
    ("return_minus_wage_growth", "Nominal return minus wage growth (i - w)", "0.00%"),
)

ALL_SETTINGS = SETTINGS + ECONOMY_SETTINGS
INPUT_TABLES = POPULATION_INPUTS + ECONOMY_INPUTS
RESULT_TABLES = POPULATION_RESULTS + ECONOMY_RESULTS
INPUT_SHEETS = ("Settings", "Base population", "Fertility", "Fertility ASFR", "Mortality", "Migration",
                "Labour force", "Economy")
RESULT_SHEETS = ("Results demography", "Results population", "Results labour", "Results economy")


def setting(name: str) -> Setting:
    return next(s for s in ALL_SETTINGS if s.name == name)


def input_table(name: str) -> InputTable:
    return next(t for t in INPUT_TABLES if t.name == name)


def result_table(name: str) -> ResultTable:
    return next(t for t in RESULT_TABLES if t.name == name)
