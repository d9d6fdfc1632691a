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
a tuple         fixed labels, e.g. ("male", "female"), matched without regard to case.
"""

from dataclasses import dataclass

AGE = "age"
FERTILE_AGE = "fertile_age"
YEAR = "year"
ANCHOR = "anchor year"

SEX_LABELS = ("male", "female")


@dataclass(frozen=True)
class Setting:
    """One named input cell on the Settings sheet."""

    name: str
    label: str
    kind: str  # "text", "int" or "choice"
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
    ``required_if`` names a setting and the value that makes the table required (tables
    not required are still validated for shape when present, never read otherwise).
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

# Rows of the demographic summary: column of model.population.demographic_summary -> label.
DEMOGRAPHY_ROWS = (
    ("population", "Population at 1 January, total (persons)"),
    ("population_male", "Population at 1 January, males (persons)"),
    ("population_female", "Population at 1 January, females (persons)"),
    ("population_midyear", "Mid-year population (persons)"),
    ("births", "Live births (persons)"),
    ("births_male", "Live births, males (persons)"),
    ("births_female", "Live births, females (persons)"),
    ("deaths", "Deaths (persons)"),
    ("deaths_male", "Deaths, males (persons)"),
    ("deaths_female", "Deaths, females (persons)"),
    ("net_migration", "Net migration (persons)"),
    ("net_migration_male", "Net migration, males (persons)"),
    ("net_migration_female", "Net migration, females (persons)"),
    ("e0_male", "Life expectancy at birth, males (years)"),
    ("e0_female", "Life expectancy at birth, females (years)"),
    ("e65_male", "Life expectancy at 65, males (years)"),
    ("e65_female", "Life expectancy at 65, females (years)"),
    ("tfr", "Total fertility rate (children per woman)"),
    ("nrr", "Net reproduction rate (daughters per woman)"),
    ("mean_age_childbearing", "Mean age at childbearing (years)"),
    ("srb", "Sex ratio at birth (males per female)"),
    ("old_age_dependency_65_20_64", "Old-age dependency ratio 65+ / 20-64"),
    ("old_age_dependency_65_15_64", "Old-age dependency ratio 65+ / 15-64"),
    ("total_dependency_20_64", "Total dependency ratio (0-19 + 65+) / 20-64"),
    ("median_age", "Median age at 1 January (years)"),
    ("crude_birth_rate", "Crude birth rate (per 1000)"),
    ("crude_death_rate", "Crude death rate (per 1000)"),
)

INPUT_SHEETS = ("Settings", "Base population", "Fertility", "Fertility ASFR", "Mortality", "Migration")
RESULT_SHEETS = ("Results demography", "Results population")


def setting(name: str) -> Setting:
    return next(s for s in SETTINGS if s.name == name)


def input_table(name: str) -> InputTable:
    return next(t for t in POPULATION_INPUTS if t.name == name)
