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

from socsec.model.economy import EconomyInputs
from socsec.model.fields import sheet_rows, spec_of
from socsec.model.finance import FinanceInputs
from socsec.model.pension import SchemeAssumptions, SchemeRules
from socsec.model.population import PopulationInputs

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
    low_open: bool = True  # "number" settings: low itself excluded


def _setting_bounds(cls, name: str) -> dict:
    """``low``, ``high`` and ``low_open`` of a number setting, as its input field declares them
    (socsec.model.fields; a setting's upper bound is inclusive)."""
    bounds = spec_of(cls, name).bounds()
    if bounds.pop("high_open"):
        raise ValueError(f"{cls.__name__}.{name}: a setting's upper bound is inclusive")
    return bounds


@dataclass(frozen=True)
class InputTable:
    """One input table: a named block of labelled rows and columns.

    ``low``/``high`` bound every value (inclusive unless ``low_open``/``high_open``);
    ``required_if`` names a setting and the value that makes the table required (other tables
    are not read); ``number_format`` is the Excel format of the value cells.  Plausible ranges
    (warnings, refusals of impossible magnitudes) are declared in :data:`PLAUSIBLE`.
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
    number_format: str = "General"
    bounds_by: str | None = None  # "row" or "col": item_bounds gives (low, high) per row / column
    item_bounds: tuple = ()


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
               **spec_of(PopulationInputs, "tfr").bounds(), required_if=("in_fertility_input", "tfr_pattern")),
    InputTable("in_srb", "Fertility", "Sex ratio at birth", "males per female birth", ("SRB",), YEAR,
               "Male live births per female live birth.", **spec_of(PopulationInputs, "srb").bounds()),
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
            "Gross domestic product at current prices of the base year.",
            **_setting_bounds(EconomyInputs, "base_gdp"), sheet="Economy"),
    Setting("in_base_wage", "Average annual wage of the base year", "number", "currency units per year",
            "Average annual gross wage of employees in the base year.",
            **_setting_bounds(EconomyInputs, "base_average_wage"), sheet="Economy"),
    Setting("in_wage_growth_input", "Wage growth input", "choice", "option",
            "'wage_share': 1 + wage growth = (1 + productivity growth)(1 + GDP deflator inflation)"
            "(1 + wage share change) (default); 'direct': use the row 'average wage growth'.",
            choices=("wage_share", "direct"), sheet="Economy"),
    Setting("in_return_input", "Investment return input", "choice", "option",
            "'nominal': the row 'investment return' is the nominal return; 'real': it is the return "
            "above CPI inflation, 1 + nominal = (1 + real)(1 + CPI inflation).",
            choices=("nominal", "real"), sheet="Economy"),
    Setting("in_min_working_age", "Minimum working age", "int", "years",
            "Youngest age at which anyone works or is insured (e.g. the general minimum age of ILO "
            "Convention No. 138, 15): participation rates must be 0 below it and nobody is insured below it.",
            low=10, high=25, sheet="Labour force"),
)

MACRO_FIELD_ROWS = sheet_rows(EconomyInputs, "in_macro")  # (label, EconomyInputs field, low, high, format)
MACRO_INPUT_ROWS = tuple(row[0] for row in MACRO_FIELD_ROWS)

ECONOMY_INPUTS = (
    InputTable("in_lfpr_male", "Labour force", "Labour-force participation rates, males", "share of population",
               AGE, ANCHOR, "Labour force / average population of the year by age, for anchor years; linear "
               "interpolation between anchor years, constant outside.", low=0.0, high=1.0,
               number_format="0.0%"),
    InputTable("in_lfpr_female", "Labour force", "Labour-force participation rates, females",
               "share of population", AGE, ANCHOR, "As for males.", low=0.0, high=1.0, number_format="0.0%"),
    InputTable("in_unemployment", "Labour force", "Unemployment rate", "share of the labour force",
               SEX_LABELS, YEAR, "Unemployed / labour force, by sex.",
               **spec_of(EconomyInputs, "unemployment").bounds(), number_format="0.0%"),
    InputTable("in_unemp_age_factors", "Labour force", "Relative unemployment by age group",
               "ratio to the average rate", GROUP_START, SEX_LABELS,
               "Unemployment rate of each age group relative to the sex's average (1 everywhere: "
               "the same rate at every age); rescaled so the average equals the unemployment rate "
               "row. Each group runs from its first age to the next group's.", low=0.0, number_format="0.00"),
    InputTable("in_employee_share", "Labour force", "Employees in employment", "share of employment",
               SEX_LABELS, YEAR, "Employees (wage earners) / employed persons.",
               **spec_of(EconomyInputs, "employee_share").bounds(), number_format="0.0%"),
    InputTable("in_formal_share", "Labour force", "Formal (covered) employment", "share of employment",
               SEX_LABELS, YEAR, "Formally employed / employed persons: the share the scheme can cover.",
               **spec_of(EconomyInputs, "formal_share").bounds(), number_format="0.0%"),
    InputTable("in_macro", "Economy", "Macroeconomic assumptions", "rate per year (0.02 = 2%)",
               MACRO_INPUT_ROWS, YEAR,
               "Growth from the previous year to this year (returns: earned during the year). "
               "'average wage growth' is used only when Wage growth input is 'direct'.",
               **spec_of(EconomyInputs, "productivity_growth").bounds(), number_format="0.00%"),  # as every row
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

# --- pension scheme (ILO-PENS) -------------------------------------------------------------

PENSIONER_COLUMNS = ("old-age male", "old-age female", "invalidity male", "invalidity female",
                     "survivors male", "survivors female", "orphans male", "orphans female")

# The rows and columns of the scheme's tables, (label, field, low, high, Excel format), as the fields of
# SchemeRules and SchemeAssumptions declare them (socsec.model.fields): a field shown on several rows
# gives one per row (``normal_age_male``, ``mortality_factor_insured``); rows are found by field
# (:func:`row_of`), never by position or label.
RULE_ROWS = sheet_rows(SchemeRules, "in_rules")
RATE_COLUMNS = sheet_rows(SchemeAssumptions, "in_scheme_rates")  # of in_scheme_rates_<sex>
RETIREMENT_ROWS = sheet_rows(SchemeAssumptions, "in_retirement")  # by year
FACTOR_ROWS = sheet_rows(SchemeAssumptions, "in_scheme_factors")  # by sex in columns


def row_of(rows: tuple, field: str) -> int:
    """Index (from 0) of the row of ``rows`` (RULE_ROWS, RETIREMENT_ROWS, FACTOR_ROWS) holding ``field``."""
    return next(i for i, row in enumerate(rows) if row[1] == field)


# Rows of in_calibration: (key of PensionInputs.actual and of the calibration table, label on the sheet)
CALIBRATION_INPUT_ROWS = (
    ("contributions", "contributions due"), ("expenditure_old_age", "old-age pensions paid"),
    ("expenditure_invalidity", "invalidity pensions paid"), ("expenditure_survivors", "survivors' pensions paid"),
    ("grants", "lump-sum grants paid"), ("pensioners_old_age", "old-age pensioners"),
    ("pensioners_invalidity", "invalidity pensioners"), ("pensioners_survivors", "survivors' pensioners"))
CALIBRATION_LABELS = tuple(label for _, label in CALIBRATION_INPUT_ROWS)

PENSION_SETTINGS = (
    Setting("in_reference_earnings", "Reference earnings", "choice", "option",
            "'career_average': average insurable wage over the whole credited career (revalued as "
            "below); 'last_years': average of the last n years (row 'reference period').",
            choices=("career_average", "last_years"), sheet="Scheme rules"),
    Setting("in_revaluation", "Revaluation of past earnings", "choice", "option",
            "Index used to bring past insurable wages to the award year: wages, prices or none.",
            choices=("wages", "prices", "none"), sheet="Scheme rules"),
    Setting("in_ceiling_indexation", "Indexation of ceiling, floor", "choice", "option",
            "Index applied to the base-year earnings ceiling and floor.", choices=("wages", "prices"),
            sheet="Scheme rules"),
    Setting("in_invalidity_credit", "Invalidity service credit", "choice", "option",
            "'yes': invalidity pensions count the years up to the normal retirement age as service.",
            choices=("yes", "no"), sheet="Scheme rules"),
    Setting("in_earnings_cv", "Spread of individual earnings", "number", "coefficient of variation",
            "Coefficient of variation of individual earnings around the age average (lognormal); used "
            "for the effect of the ceiling and floor (0: everyone earns the average).", low=0.0, high=5.0,
            low_open=False, sheet="Scheme rules"),
    Setting("in_coverage_phase_in", "Coverage phase-in", "int", "years",
            "Years over which the coverage of the employed moves linearly from that of the base-year scheme "
            "data (actives / employed by age) to the coverage tables below (0: the tables from the first year).",
            low=0, high=50, sheet="Scheme assumptions"),
)

PENSION_INPUTS = (
    InputTable("in_actives_male", "Scheme data", "Active contributors, males", "persons", GROUP_START,
               GROUP_START, "Active insured at 1 January of the base year by age group (rows, first age) "
               "and group of completed years of service (columns, first year). Use groups of one for single "
               "ages/years. A group is shared among its ages in proportion to the employed of the base year and "
               "evenly over the feasible years of service (service <= age - minimum working age).",
               low=0.0, number_format="#,##0"),
    InputTable("in_actives_female", "Scheme data", "Active contributors, females", "persons", GROUP_START,
               GROUP_START, "As for males.", low=0.0, number_format="#,##0"),
    InputTable("in_inactive_male", "Scheme data", "Inactive insured, males", "persons", GROUP_START, GROUP_START,
               "Insured persons not contributing at 1 January of the base year, credits kept; same groups "
               "as the actives, shared among the ages of a group in proportion to the population.", low=0.0,
               number_format="#,##0"),
    InputTable("in_inactive_female", "Scheme data", "Inactive insured, females", "persons", GROUP_START,
               GROUP_START, "As for males.", low=0.0, number_format="#,##0"),
    InputTable("in_active_earnings", "Scheme data", "Average insurable earnings of actives",
               "currency units per year", GROUP_START, SEX_LABELS,
               "Average annual insurable earnings by age group of the actives (same age groups); the level "
               "of the projected average wage starts from their active-weighted mean.", low=0.0,
               number_format="#,##0"),
    InputTable("in_pensioners", "Scheme data", "Pensioners in payment", "persons", GROUP_START, PENSIONER_COLUMNS,
               "Pensioners at 1 January of the base year by age group (first age), type and sex; a group is "
               "shared among its ages in proportion to the population (orphans: below the orphan age limit).",
               low=0.0,
               number_format="#,##0"),
    InputTable("in_pension_amounts", "Scheme data", "Average pension in payment", "currency units per year",
               GROUP_START, PENSIONER_COLUMNS, "Average annual pension of the pensioners above (same groups).",
               low=0.0, number_format="#,##0"),
    InputTable("in_calibration", "Scheme data", "Base-year accounts (for calibration)", "currency units / persons",
               CALIBRATION_LABELS, ("actual",), "The scheme's actual figures of the base year; the results "
               "compare them with the projection of the base year (Results pension, calibration table).",
               low=0.0, number_format="#,##0"),
    InputTable("in_rules", "Scheme rules", "Scheme rules by year", "see labels", tuple(r[0] for r in RULE_ROWS),
               YEAR, "Legal parameters of each year (enter phase-ins year by year). Money amounts at base-year "
               "level: minimum and maximum pension are indexed like pensions in payment, ceiling and floor "
               "as set above.", bounds_by="row", item_bounds=tuple((r[2], r[3]) for r in RULE_ROWS),
               number_format=tuple(r[4] for r in RULE_ROWS)),
    InputTable("in_coverage_male", "Scheme assumptions", "Coverage of the employed, males", "share of employed",
               AGE, ANCHOR, "Active contributors / employed persons by age for anchor years (linear in between, "
               "constant outside), reached from the base data's own coverage over the phase-in years. On "
               "31 December the actives of each age are brought to this share of the employed: inactive insured "
               "made active again, then new entrants (from the minimum working age to below the early retirement "
               "age), or moves to inactive (at every age).",
               low=0.0, high=1.0, number_format="0.0%"),
    InputTable("in_coverage_female", "Scheme assumptions", "Coverage of the employed, females", "share of employed",
               AGE, ANCHOR, "As for males.", low=0.0, high=1.0, number_format="0.0%"),
    InputTable("in_scheme_rates_male", "Scheme assumptions", "Behaviour and family by age, males", "see columns",
               AGE, tuple(c[0] for c in RATE_COLUMNS),
               "Density: fraction of the year an active contributes (and is credited); salary scale: relative "
               "earnings; invalidity, lapse (active to inactive) and re-entry: yearly rates; spouse probability "
               "and orphans per death: by age of the deceased.",
               bounds_by="col", item_bounds=tuple((c[2], c[3]) for c in RATE_COLUMNS), number_format="0.0000"),
    InputTable("in_scheme_rates_female", "Scheme assumptions", "Behaviour and family by age, females", "see columns",
               AGE, tuple(c[0] for c in RATE_COLUMNS), "As for males.", bounds_by="col",
               item_bounds=tuple((c[2], c[3]) for c in RATE_COLUMNS), number_format="0.0000"),
    InputTable("in_retirement", "Scheme assumptions", "Retirement behaviour by year", "rate per year / age",
               tuple(r[0] for r in RETIREMENT_ROWS), YEAR,
               "Yearly retirement rates of actives: before the normal age only those entitled retire; from it "
               "those without entitlement leave with a grant; everyone leaves at the exit age.",
               bounds_by="row", item_bounds=tuple((r[2], r[3]) for r in RETIREMENT_ROWS), number_format="0.00"),
    InputTable("in_scheme_factors", "Scheme assumptions", "Mortality factors and family", "see labels",
               tuple(r[0] for r in FACTOR_ROWS), SEX_LABELS,
               "Mortality factors multiply the population death probabilities; the spouse and orphan age "
               "gaps place survivors' pensioners by age; remarriage ends widow(er)s' pensions; the share "
               "abroad is left out when the checks compare insured and pensioners with the population.",
               bounds_by="row", item_bounds=tuple((r[2], r[3]) for r in FACTOR_ROWS), number_format="0.00"),
)

PENSION_RESULTS = (
    ResultTable("out_pension", "Results pension", "Pension scheme by year", "see labels",
                "Insured, pensioners, awards, exits, earnings, contributions and expenditure of each year."),
    ResultTable("out_calibration", "Results pension", "Calibration: base year projected against the accounts",
                "see labels", "Projected figures of the base year, the actual figures entered on Scheme data "
                "and their ratio (1 = the projection reproduces the accounts)."),
)

PENSION_ROWS = (
    ("actives", "Active contributors at 1 January", "#,##0"),
    ("actives_male", "Active contributors, males", "#,##0"),
    ("actives_female", "Active contributors, females", "#,##0"),
    ("inactive", "Inactive insured at 1 January", "#,##0"),
    ("new_entrants", "New entrants", "#,##0"),
    ("moved_to_inactive", "Actives above coverage moved to inactive", "#,##0"),
    ("reactivated", "Inactive insured made active to meet coverage", "#,##0"),
    ("lapses", "Lapses, active to inactive", "#,##0"),
    ("reentries", "Re-entries, inactive to active", "#,##0"),
    ("deaths_actives", "Deaths of actives", "#,##0"),
    ("deaths_inactive", "Deaths of inactive insured", "#,##0"),
    ("invalidity_exits", "Invalidity exits of actives", "#,##0"),
    ("retirements_actives", "Retirements of actives", "#,##0"),
    ("retirements_inactive", "Inactive insured reaching the normal age", "#,##0"),
    ("grants_number", "Lump-sum grants (exits without entitlement)", "#,##0"),
    ("pensioners_old_age", "Old-age pensioners at 1 January", "#,##0"),
    ("pensioners_invalidity", "Invalidity pensioners at 1 January", "#,##0"),
    ("pensioners_survivors", "Widow(er)s at 1 January", "#,##0"),
    ("pensioners_orphans", "Orphans at 1 January", "#,##0"),
    ("awards_old_age", "New old-age pensions", "#,##0"),
    ("awards_invalidity", "New invalidity pensions", "#,##0"),
    ("awards_survivors", "New widow(er)s' pensions", "#,##0"),
    ("awards_orphans", "New orphans' pensions", "#,##0"),
    ("average_insurable_earnings", "Average insurable earnings per active (currency units)", "#,##0"),
    ("insurable_earnings", "Insurable earnings (currency units)", "#,##0"),
    ("contributions", "Contributions (currency units)", "#,##0"),
    ("expenditure_old_age", "Old-age pensions paid (currency units)", "#,##0"),
    ("expenditure_invalidity", "Invalidity pensions paid (currency units)", "#,##0"),
    ("expenditure_survivors", "Widow(er)s' pensions paid (currency units)", "#,##0"),
    ("expenditure_orphans", "Orphans' pensions paid (currency units)", "#,##0"),
    ("grants", "Lump-sum grants paid (currency units)", "#,##0"),
    ("administrative_expenses", "Administrative expenses (currency units)", "#,##0"),
    ("total_expenditure", "Total expenditure (currency units)", "#,##0"),
    ("demographic_ratio", "Demographic ratio (pensioners / actives)", "0.000"),
    ("average_pension_old_age", "Average old-age pension (currency units)", "#,##0"),
    ("average_pension_invalidity", "Average invalidity pension (currency units)", "#,##0"),
    ("average_pension_survivors", "Average widow(er)'s pension (currency units)", "#,##0"),
    ("average_pension_orphans", "Average orphan's pension (currency units)", "#,##0"),
    ("benefit_ratio", "Benefit ratio (average pension / average insurable earnings)", "0.000"),
    ("paygo_cost_rate", "PAYG cost rate (expenditure / insurable earnings)", "0.00%"),
)

# --- financing and indicators ------------------------------------------------------------------

FINANCE_SETTINGS = (
    Setting("in_initial_reserve", "Reserve at 1 January of the base year", "number", "currency units",
            "Market value of the scheme's reserve (investment fund) at the start of the projection.",
            **_setting_bounds(FinanceInputs, "initial_reserve"), sheet="Financing"),
    Setting("in_scaled_period", "Scaled premium: period of equilibrium", "int", "years",
            "Length of each period with a constant contribution rate (scaled premium method).",
            low=1, high=50, sheet="Financing"),
    Setting("in_scaled_variant", "Scaled premium: condition", "choice", "option",
            "'last_year_balance': contributions and investment income equal expenditure in the last year "
            "of each period; 'reserve_ratio': the reserve at the end of each period equals the target "
            "reserve below.", choices=("last_year_balance", "reserve_ratio"), sheet="Financing"),
    Setting("in_target_ratio", "Target reserve", "number", "years of expenditure",
            "Reserve wanted at the end of the period for the GAP with target and the summarised cost "
            "rates (1 = one year of expenditure).", low=0.0, high=50.0, low_open=False, sheet="Financing"),
)

FINANCING_ROWS = sheet_rows(FinanceInputs, "in_financing")  # (label, FinanceInputs field, low, high, format)
# the tables whose rows are fields (socsec.model.fields): table -> its rows, found by field with row_of
FIELD_ROWS = {"in_macro": MACRO_FIELD_ROWS, "in_rules": RULE_ROWS, "in_retirement": RETIREMENT_ROWS,
              "in_scheme_factors": FACTOR_ROWS, "in_financing": FINANCING_ROWS}

FINANCE_INPUTS = (
    InputTable("in_financing", "Financing", "Financing by year", "see labels", tuple(r[0] for r in FINANCING_ROWS),
               YEAR, "State subsidy (a share of total expenditure plus a fixed amount) and the share of due "
               "contributions actually collected.", bounds_by="row",
               item_bounds=tuple((r[2], r[3]) for r in FINANCING_ROWS),
               number_format=tuple(r[4] for r in FINANCING_ROWS)),
)

FINANCE_RESULTS = (
    ResultTable("out_financing", "Results financing", "Financing and reserve by year", "see labels",
                "Contributions collected, subsidy, investment income, expenditure, reserve and ratios."),
    ResultTable("out_indicators", "Indicators", "Financing indicators", "see units",
                "PAYG cost rate, general average premium (GAP) by horizon, scaled premiums, summarised "
                "income and cost rates, actuarial balance, balance sheet, depletion and crossover years."),
    ResultTable("out_replacement", "Indicators", "Theoretical replacement rates of stylised careers",
                "pension / reference wage", "Pension at the normal retirement age of the year (salary scale and "
                "density of the scheme) over the career's level times the economy's average wage, or times the "
                "insured's average insurable earnings, at award and after 10 and 20 years in payment; against "
                "ILO Conventions 102 (40%) and 128 (45%) after 30 years, in proportion from 15 years."),
)

# Labels of the indicators table (model.finance indicators): name -> (label, Excel number format)
INDICATOR_LABELS = {
    "depletion_year": ("Year the reserve is exhausted (never: not within the projection)", "0"),
    "crossover_year": ("First year contributions and subsidy fall below expenditure (never: not within the projection)",
                       "0"),
    "paygo_cost_rate_first_year": ("PAYG cost rate, base year", "0.00%"),
    "paygo_cost_rate_last_year": ("PAYG cost rate, last year", "0.00%"),
    "gap": ("General average premium, {h} years", "0.00%"),
    "gap_with_target": ("General average premium with target reserve, {h} years", "0.00%"),
    "gap_equivalent_contribution_rate": ("Legislated contribution rate equivalent to the GAP (with collection, "
                                         "subsidy and expense rules), {h} years", "0.00%"),
    "scaled_premium": ("Scaled premium, {h}-year period from {start}", "0.00%"),
    "scaled_premium_equivalent": ("Legislated contribution rate equivalent to the scaled premium, {h}-year "
                                  "period from {start}", "0.00%"),
    "summarised_income_rate": ("Summarised income rate, {h} years", "0.00%"),
    "summarised_cost_rate": ("Summarised cost rate, {h} years", "0.00%"),
    "actuarial_balance": ("Actuarial balance, {h} years", "0.00%"),
    "balance_sheet_assets": ("Balance sheet: assets (reserve + PV contributions), {h} years", "#,##0"),
    "balance_sheet_liabilities": ("Balance sheet: liabilities (PV expenditure), {h} years", "#,##0"),
    "balance_sheet_closing_liability": ("Balance sheet: closing liability (PV of the capital value of the pensions "
                                        "in payment after the last year), {h} years", "#,##0"),
    "balance_sheet_balance": ("Balance sheet: assets - liabilities - closing liability, {h} years", "#,##0"),
    "balance_sheet_ratio": ("Balance sheet: assets / (liabilities + closing liability), {h} years", "0.000"),
    "annual_balance_last_year": ("Annual balance of the last year (contributions and subsidy less expenditure, "
                                 "share of insurable earnings)", "0.00%"),
    "annual_balance_change": ("Change of the annual balance over the last {h} years (trend at the end)", "0.00%"),
    "reserve_ratio_last_year": ("Reserve ratio at the end of the last year (years of expenditure)", "0.00"),
    "contribution_rate_last_year": ("Legislated contribution rate of the last year", "0.00%"),
    "reserve_falls_at_the_end": ("Reserve falls in the last {h} years (1 = yes: not sustainable beyond the "
                                 "horizon at the legislated rate)", "0"),
    "accrued_liability_insured_base_year": ("Accrued rights of the insured at 1 January of the base year, capital "
                                            "value (currency units)", "#,##0"),
    "funding_ratio_base_year": ("Funding ratio at 1 January of the base year (reserve / pensions in payment and "
                                "accrued rights)", "0.000"),
    "funding_ratio_pensions_in_payment_first_year": ("Funding ratio of pensions in payment, 1 January of the base "
                                                     "year (reserve / their capital value)", "0.000"),
    "terminal_funding_rate_first_year": ("Terminal funding rate, base year (capital value of new awards / "
                                         "insurable earnings)", "0.00%"),
    "reserve_ratio_first_year": ("Reserve ratio at the end of the base year (years of expenditure)", "0.00"),
    "minimum_reserve_ratio": ("Lowest reserve ratio over the projection (years of expenditure)", "0.00"),
}


def indicator_label(name: str, horizon: int) -> tuple[str, str]:
    """Label and Excel format of one row of the indicators table."""
    if name.startswith("scaled_premium_equivalent_"):
        label, fmt = INDICATOR_LABELS["scaled_premium_equivalent"]
        return label.format(h=horizon, start=name.rsplit("_", 1)[1]), fmt
    if name.startswith("scaled_premium_"):
        label, fmt = INDICATOR_LABELS["scaled_premium"]
        return label.format(h=horizon, start=name.rsplit("_", 1)[1]), fmt
    label, fmt = INDICATOR_LABELS[name]
    return label.format(h=horizon), fmt


FINANCING_RESULT_ROWS = (
    ("insurable_earnings", "Insurable earnings (currency units)", "#,##0"),
    ("contribution_rate", "Contribution rate", "0.00%"),
    ("contributions_due", "Contributions due (currency units)", "#,##0"),
    ("contributions", "Contributions collected (currency units)", "#,##0"),
    ("state_subsidy", "State subsidy (currency units)", "#,##0"),
    ("investment_income", "Investment income (currency units)", "#,##0"),
    ("expenditure", "Expenditure incl. administration (currency units)", "#,##0"),
    ("reserve_end", "Reserve at 31 December (currency units)", "#,##0"),
    ("reserve_ratio", "Reserve ratio (years of expenditure)", "0.00"),
    ("paygo_cost_rate", "PAYG cost rate", "0.00%"),
    ("general_average_premium", "General average premium, full horizon (cost basis: full collection, expenses "
     "at the legislated rate)", "0.00%"),
    ("gap_equivalent_contribution_rate", "Legislated contribution rate equivalent to the GAP, full horizon", "0.00%"),
    ("demographic_ratio", "Demographic ratio (pensioners / actives)", "0.000"),
    ("benefit_ratio", "Benefit ratio (average pension / average insurable earnings)", "0.000"),
    ("nominal_return", "Nominal investment return", "0.00%"),
    ("expenditure_percent_gdp", "Expenditure, % of GDP", "0.00%"),
    ("contributions_percent_gdp", "Contributions, % of GDP", "0.00%"),
    ("liability_pensions_in_payment", "Capital value of pensions in payment at 1 January (currency units)", "#,##0"),
    ("liability_old_age_pensions", "  of which old-age pensions (currency units)", "#,##0"),
    ("liability_invalidity_pensions", "  of which invalidity pensions (currency units)", "#,##0"),
    ("liability_survivors_pensions", "  of which widow(er)s' pensions, remarriage allowed for (currency units)",
     "#,##0"),
    ("liability_orphans_pensions", "  of which orphans' pensions, to the orphan age limit (currency units)", "#,##0"),
    ("funding_ratio_pensions_in_payment", "Funding ratio of pensions in payment (reserve at 1 January / their "
                                          "capital value)", "0.000"),
    ("terminal_funding_rate", "Terminal funding rate (capital value of new awards / insurable earnings)", "0.00%"),
)

# Columns of the replacement-rate table on the Indicators sheet: (column of the table, label, Excel format)
REPLACEMENT_COLUMNS = (
    ("normal_retirement_age", "normal retirement age", "0"),
    ("service", "years of contributions", "0.0"),
    ("pension", "pension at award (currency units a year)", "#,##0"),
    ("replacement_rate", "at award, economy's average wage", "0.0%"),
    ("replacement_rate_10_years", "after 10 years, economy's average wage", "0.0%"),
    ("replacement_rate_20_years", "after 20 years, economy's average wage", "0.0%"),
    ("replacement_rate_insured", "at award, insured's average insurable earnings", "0.0%"),
    ("replacement_rate_insured_10_years", "after 10 years, insured's earnings", "0.0%"),
    ("replacement_rate_insured_20_years", "after 20 years, insured's earnings", "0.0%"),
    ("ilo_c102", "ILO C102 minimum for this service", "0.0%"),
    ("ilo_c128", "ILO C128 minimum for this service", "0.0%"),
)

# Scenarios sheet: free rows of (scenario, parameter, value); blank rows are ignored.
SCENARIOS_RANGE = "in_scenarios"
SCENARIOS_SHEET = "Scenarios"
SCENARIO_COLUMNS = ("scenario", "parameter", "value")
SCENARIO_ROWS = 40  # rows offered by the template

ALL_SETTINGS = SETTINGS + ECONOMY_SETTINGS + PENSION_SETTINGS + FINANCE_SETTINGS
INPUT_TABLES = POPULATION_INPUTS + ECONOMY_INPUTS + PENSION_INPUTS + FINANCE_INPUTS
RESULT_TABLES = POPULATION_RESULTS + ECONOMY_RESULTS + PENSION_RESULTS + FINANCE_RESULTS
INPUT_SHEETS = ("Settings", "Base population", "Fertility", "Fertility ASFR", "Mortality", "Migration",
                "Labour force", "Economy", "Scheme data", "Scheme rules", "Scheme assumptions", "Financing")
RESULT_SHEETS = ("Indicators", "Results demography", "Results population", "Results labour", "Results economy",
                 "Results pension", "Results financing")


# --- extents: how far the reader looks ------------------------------------------------------------

MAX_OMEGA = 130  # highest open age group a workbook may use
# Most labels an axis of each kind may have; a name covering more is refused before anything is read.
AXIS_LIMITS = {AGE: MAX_OMEGA + 1, FERTILE_AGE: 46, YEAR: 551, ANCHOR: 551, GROUP_START: MAX_OMEGA + 1}
FIXED_LABEL_SLACK = 20  # rows or columns beyond a fixed-label axis a name may cover (inserted rows are named)
SCENARIO_MAX_ROWS = 1000  # rows the reader follows down the Scenarios sheet
# Axes that may grow beyond their name when labels are typed next to it (more years, anchors, ages, groups):
# the reader reads them; anything else typed right of or below a table is an error naming the cells.
EXTENDABLE_AXES = (AGE, FERTILE_AGE, YEAR, ANCHOR, GROUP_START)


def axis_limit(axis) -> int:
    """Most labels the reader accepts on an axis of a table (fixed labels: the declared ones plus slack)."""
    return len(axis) + FIXED_LABEL_SLACK if isinstance(axis, tuple) else AXIS_LIMITS[axis]


# --- plausibility: legal but unusual values --------------------------------------------------------

@dataclass(frozen=True)
class Plausible:
    """Plausible range of one input, inside its legal range.

    A value outside [``low``, ``high``] is accepted with a warning (one per table row, on the Log and
    Checks sheets and the console); outside [``refuse_low``, ``refuse_high``] it is an input error
    (a magnitude no country has).  ``per`` names a setting whose value multiplies the four bounds
    (money amounts as multiples of the base-year wage or GDP).  ``percent``: a rate that may have
    been typed as a percentage; the message then asks "did you mean v% = v/100?".
    """

    low: float | None = None
    high: float | None = None
    refuse_low: float | None = None
    refuse_high: float | None = None
    per: str | None = None
    percent: bool = False


# Key: a setting or table name, or (table name, field) for one row of a table of FIELD_ROWS.
PLAUSIBLE = {
    "in_base_wage": Plausible(refuse_high=1e13),
    "in_base_gdp": Plausible(1e3, 1e10, 10, 1e12, per="in_base_wage"),
    "in_initial_reserve": Plausible(None, 5.0, None, 100.0, per="in_base_gdp"),
    "in_earnings_cv": Plausible(0.0, 2.0),
    "in_base_pop": Plausible(refuse_high=1e10),
    "in_mig_male": Plausible(-1e7, 1e7, -1e10, 1e10),
    "in_mig_female": Plausible(-1e7, 1e7, -1e10, 1e10),
    "in_tfr": Plausible(0.8, 8.0),
    "in_macro": Plausible(-0.1, 0.3, -0.9, 10.0, percent=True),
    "in_unemployment": Plausible(0.0, 0.5),
    "in_active_earnings": Plausible(None, 20.0, None, 1000.0, per="in_base_wage"),
    "in_pension_amounts": Plausible(None, 5.0, None, 1000.0, per="in_base_wage"),
    "in_actives_male": Plausible(refuse_high=1e10),
    "in_actives_female": Plausible(refuse_high=1e10),
    "in_inactive_male": Plausible(refuse_high=1e10),
    "in_inactive_female": Plausible(refuse_high=1e10),
    "in_pensioners": Plausible(refuse_high=1e10),
    ("in_rules", "contribution_rate"): Plausible(0.0, 0.5),
    ("in_rules", "accrual_rate"): Plausible(0.0, 0.04),
    ("in_rules", "min_pension"): Plausible(None, 2.0, None, 1000.0, per="in_base_wage"),
    ("in_rules", "max_pension"): Plausible(None, 20.0, None, 1000.0, per="in_base_wage"),
    ("in_rules", "earnings_ceiling"): Plausible(None, 20.0, None, 1000.0, per="in_base_wage"),
    ("in_rules", "earnings_floor"): Plausible(None, 2.0, None, 1000.0, per="in_base_wage"),
    ("in_financing", "subsidy_amount"): Plausible(None, 0.2, None, 100.0, per="in_base_gdp"),
}

# Text the template holds until the user types the real value: refused as input.
PLACEHOLDERS = {"in_country": "(country name)", "in_currency": "(currency)"}


def setting(name: str) -> Setting:
    return next(s for s in ALL_SETTINGS if s.name == name)


def input_table(name: str) -> InputTable:
    return next(t for t in INPUT_TABLES if t.name == name)


def result_table(name: str) -> ResultTable:
    return next(t for t in RESULT_TABLES if t.name == name)


# --- sensitivity and stochastic valuation (sheets read only by `socsec sensitivity` / `socsec stochastic`) --

# Sensitivity sheet: free rows of (parameter, low, high, source): each parameter (a Scenarios-sheet name)
# is valued at its low and at its high value, everything else at the base; blank rows are ignored.
SENSITIVITY_SHEET = "Sensitivity"
SENSITIVITY_RANGE = "in_sensitivity"
SENSITIVITY_COLUMNS = ("parameter", "low", "high", "source")
SENSITIVITY_ROWS = 20  # rows offered by the template
SENSITIVITY_MAX_ROWS = 200  # rows the reader follows down the Sensitivity sheet
SENSITIVITY_RESULT_SHEET = "Results sensitivity"

# Stochastic sheet: one autoregressive process per assumption and the correlations of their innovations.
STOCHASTIC_SHEET = "Stochastic"
STOCHASTIC_VARIABLES = ("fertility", "mortality improvement", "net migration", "productivity growth",
                        "inflation", "real investment return", "unemployment")
STOCHASTIC_RESULT_SHEET = "Results stochastic"
STOCHASTIC_TABLES = (
    InputTable("in_stochastic_processes", STOCHASTIC_SHEET, "Autoregressive processes of the assumptions",
               "autoregression: none; innovation sd: units of the deviation (see docs/methodology.md)",
               STOCHASTIC_VARIABLES, ("autoregression", "innovation sd"),
               "Deviation of each assumption from its deterministic path: e(t) = autoregression x e(t-1) + "
               "innovation sd x z(t), e = 0 before the base year. Fertility: log of the TFR; mortality "
               "improvement: yearly fall of log death rates (cumulated); net migration: relative to the "
               "deterministic migrants; productivity growth, inflation (CPI and GDP deflator), real investment "
               "return and unemployment: added to the rate.",
               bounds_by="col", item_bounds=((-0.999, 0.999), (0.0, 10.0)), number_format="0.000"),
    InputTable("in_stochastic_correlations", STOCHASTIC_SHEET, "Correlations of the innovations", "correlation",
               STOCHASTIC_VARIABLES, STOCHASTIC_VARIABLES,
               "Correlation of the innovations z(t) of two assumptions in the same year: symmetric, 1 on the "
               "diagonal, positive semi-definite.", low=-1.0, high=1.0, number_format="0.00"),
)
