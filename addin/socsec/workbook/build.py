"""Build an input workbook (a country, the example country or an empty template) from the contract.

``socsec workbook build country ISO3 --wpp DIR`` writes the workbook of any country of a UN WPP 2024
extract (:mod:`socsec.model.country`); ``socsec workbook build example`` writes
workbooks/jordan_example.xlsx, the same for Jordan from the data kept in the package with the
example's own labour, macro and scheme figures (:mod:`socsec.model.example_jordan`);
``socsec workbook build template`` writes workbooks/template.xlsx for a new country, every
input cell empty (the reader lists what is still to be filled in).
"""

from dataclasses import fields
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

import socsec
from socsec.atomic import save_workbook
from socsec.model.economy import EconomyInputs
from socsec.model.finance import FinanceInputs
from socsec.model.pension import PensionInputs, SchemeAssumptions, SchemeData, SchemeRules
from socsec.model.inputs import ModelInputs
from socsec.model.population import PopulationInputs
from socsec.workbook import layout, printing, results, styles
from socsec.workbook.batch_inputs import add_batch_sheets
from socsec.workbook.contract import (ALL_SETTINGS, INPUT_SHEETS, INPUT_TABLES, PLACEHOLDERS, SCENARIO_COLUMNS,
                                      SCENARIO_ROWS, SCENARIOS_RANGE, SCENARIOS_SHEET)
from socsec.workbook.instructions import instruction_lines, workbook_sheets
from socsec.workbook.tables import blocks_of, settings_of

def build_workbook(inputs: ModelInputs, path, sources: dict | None = None, cover_notes: tuple = (),
                   scenarios: tuple = ()) -> Path:
    """Write an input workbook for ``inputs`` (and the scenarios of the Scenarios sheet) to ``path``
    atomically; return the path."""
    sources = sources or {}
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    _cover(cover, cover_notes, inputs.population.country)
    _instructions(wb.create_sheet("Instructions"))
    values, blocks = settings_of(inputs), blocks_of(inputs)
    for sheet in INPUT_SHEETS:
        ws = wb.create_sheet(sheet)
        ws.cell(1, 1, sheet).font = styles.SHEET_TITLE_FONT
        row, widths = 3, {}
        settings = [spec for spec in ALL_SETTINGS if spec.sheet == sheet]
        if settings:
            row = _settings(ws, row, settings, values, sources, widths)
        for spec in (t for t in INPUT_TABLES if t.sheet == sheet):
            block = blocks[spec.name]
            bounds = None if spec.low is None and spec.high is None else (spec.low, spec.high)
            row = layout.write_table(
                ws, row, spec.name, spec.title, spec.description, spec.units, sources.get(spec.name),
                _corner(spec), block.row_labels, block.col_labels, block.values, is_input=True,
                number_format=spec.number_format, bounds=bounds, widths=widths)
        if sheet == "Settings":
            for col, width in zip("ABCDE", (30, max(16, widths.get(2, 0.0)), 14, 80, 50)):
                ws.column_dimensions[col].width = width
        else:
            base = layout.table_widths(n_cols=ws.max_column)
            layout.OpenpyxlWriter(wb).column_widths(sheet, {col: max(base.get(col, 0.0), widths.get(col, 0.0))
                                                            for col in base | widths})
            ws.freeze_panes = "B1"
    _scenarios(wb.create_sheet(SCENARIOS_SHEET), scenarios)
    add_batch_sheets(wb)
    results.create_result_sheets(wb)
    printing.setup_sheets(wb, printing.page_header(inputs.population.country, None),
                          skip=results.RESULT_SHEETS + (results.CHECKS_SHEET, results.LOG_SHEET))
    return save_workbook(wb, path)


def _scenarios(ws, scenarios):
    """The Scenarios sheet: rows (scenario, parameter, value) and the list of parameters."""
    from socsec.model.overrides import describe

    ws.cell(1, 1, SCENARIOS_SHEET).font = styles.SHEET_TITLE_FONT
    ws.cell(2, 1, "Each row sets one parameter of one scenario (a scenario may have several rows); every "
                  "other input is the base (the other sheets). `socsec run --compare` projects every scenario and "
                  "compares them; `socsec run --scenario NAME` makes one the main result.").font = styles.NOTE_FONT
    top = 4
    for j, head in enumerate(("#",) + SCENARIO_COLUMNS, start=1):
        styles.style_header(ws.cell(top, j, head))
    rows = [(scenario.name, name, value) for scenario in scenarios for name, value in scenario.overrides]
    for i in range(SCENARIO_ROWS):
        ws.cell(top + 1 + i, 1, i + 1)
        for j, value in enumerate(rows[i] if i < len(rows) else (None, None, None), start=2):
            styles.style_input(ws.cell(top + 1 + i, j, value))
    layout.define_name(ws.parent, SCENARIOS_RANGE, ws.title, top, 1, top + SCENARIO_ROWS, 4)
    params = describe()
    styles.style_header(ws.cell(top, 6, "parameter"))
    styles.style_header(ws.cell(top, 7, "units"))
    styles.style_header(ws.cell(top, 8, "accepted values"))
    styles.style_header(ws.cell(top, 9, "what it sets"))
    for i, (name, units, rule, description) in enumerate(params, start=top + 1):
        ws.cell(i, 6, name)
        ws.cell(i, 7, units)
        ws.cell(i, 8, rule)
        ws.cell(i, 9, description)
    rule = DataValidation(type="list", formula1=f"=$F${top + 1}:$F${top + len(params)}", showErrorMessage=True,
                          errorTitle="socsec input", error="choose a parameter from the list on the right")
    rule.add(f"C{top + 1}:C{top + SCENARIO_ROWS}")
    ws.add_data_validation(rule)
    for col, width in zip("ABCDEFGHI", (5, 24, 28, 12, 3, 30, 28, 22, 70)):
        ws.column_dimensions[col].width = width


def _corner(spec) -> str:
    """Label of the top-left cell of a table: what the rows and the columns are."""
    from socsec.workbook.contract import GROUP_START, SEX_LABELS

    rows = {GROUP_START: "first age of group"}.get(spec.rows, spec.rows) if isinstance(spec.rows, str) else ""
    cols = ({GROUP_START: "first year of service group"}.get(spec.cols, spec.cols) if isinstance(spec.cols, str)
            else "sex" if spec.cols == SEX_LABELS else "")
    return f"{rows} \\ {cols}" if rows and cols else (rows or cols or "item")


def _cover(ws, notes: tuple, country: str):
    ws.cell(1, 1, "socsec: actuarial valuation of a social security scheme").font = styles.SHEET_TITLE_FONT
    ws.cell(3, 1, "Country")
    ws.cell(3, 2, country)  # a value (readable without a calculation engine), stamped again by each run
    layout.define_name(ws.parent, results.COUNTRY_NAME, ws.title, 3, 2, 3, 2)
    ws.cell(4, 1, "Model")
    ws.cell(4, 2, f"socsec {socsec.__version__}: population, labour force, economy, pension scheme, financing")
    row = 6
    for note in notes:
        ws.cell(row, 1, note).alignment = styles.WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = 45
        row += 1
    results.write_cover_stamp(ws.parent, None)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 60


def _instructions(ws):
    for i, line in enumerate(instruction_lines(workbook_sheets()), start=1):
        cell = ws.cell(i, 1, line)
        cell.alignment = styles.WRAP
        if i == 1:
            cell.font = styles.SHEET_TITLE_FONT
    ws.column_dimensions["A"].width = 120


def _settings(ws, row: int, specs, values: dict, sources: dict, widths: dict) -> int:
    """A block of named setting cells (label, value, units, description, source); return next row;
    ``widths`` (column -> width) is widened to show the labels and values whole."""
    for j, head in enumerate(("Setting", "Value", "Units", "Description", "Source"), start=1):
        styles.style_header(ws.cell(row, j, head))
    for i, spec in enumerate(specs, start=row + 1):
        ws.cell(i, 1, spec.label)
        value = values[spec.name]
        cell = ws.cell(i, 2, None if isinstance(value, float) and np.isnan(value) else value)
        styles.style_input(cell)
        if spec.kind == "number":
            cell.number_format = "#,##0"
        printing.widen(widths, 1, printing.width_of(spec.label))
        printing.widen(widths, 2, printing.width_of(printing.shown(cell.value, cell.number_format)))
        ws.cell(i, 3, spec.units)
        ws.cell(i, 4, spec.description).alignment = styles.WRAP if ws.title == "Settings" else styles.NO_WRAP
        styles.style_input(ws.cell(i, 5, sources.get(spec.name, "")))
        layout.define_name(ws.parent, spec.name, ws.title, i, 2, i, 2)
        rule = _validation(spec)
        rule.add(cell.coordinate)
        ws.add_data_validation(rule)
    return row + len(specs) + 2


def _validation(spec) -> DataValidation:
    """Excel data validation matching the reader's rule for one setting."""
    common = dict(showErrorMessage=True, errorTitle="socsec input")
    if spec.kind == "choice":
        return DataValidation(type="list", formula1='"' + ",".join(spec.choices) + '"',
                              error=f"{spec.label}: choose one of {', '.join(spec.choices)}", **common)
    if spec.kind == "int":
        return DataValidation(type="whole", operator="between", formula1=str(int(spec.low)),
                              formula2=str(int(spec.high)),
                              error=f"{spec.label}: enter a whole number from {int(spec.low)} to {int(spec.high)}",
                              **common)
    if spec.kind == "number":
        return DataValidation(type="decimal", operator="greaterThan", formula1=str(spec.low or 0),
                              error=f"{spec.label}: enter a positive number", **common)
    return DataValidation(type="textLength", operator="greaterThan", formula1="0",
                          error=f"{spec.label}: enter a name", **common)


# Pre-set in the template (the user may change them): the general minimum age for employment of the
# ILO Minimum Age Convention, 1973 (No. 138), Art. 2(3); and five years to move from the coverage of
# the base-year scheme data to the coverage typed in.
TEMPLATE_MIN_WORKING_AGE = 15
TEMPLATE_PHASE_IN = 5


def template_inputs(base_year: int = 2025, final_year: int = 2100, omega: int = 100,
                    anchor_years=(2025,)) -> ModelInputs:
    """An empty country: every table present, every value cell empty, to be filled in.

    Pre-set: the relative unemployment factors, to 1 (the same rate at every age); the minimum
    working age (:data:`TEMPLATE_MIN_WORKING_AGE`) and the coverage phase-in
    (:data:`TEMPLATE_PHASE_IN`).
    """
    n, A = final_year - base_year + 1, omega + 1
    ages = np.arange(15, 50)
    k = len(anchor_years)
    empty = np.full(n, np.nan)
    economy = EconomyInputs(
        currency=PLACEHOLDERS["in_currency"], base_gdp=np.nan, base_average_wage=np.nan, wage_growth_input="wage_share",
        return_input="nominal", lfpr_years=np.asarray(anchor_years), lfpr=np.full((k, 2, A), np.nan),
        unemployment=np.full((n, 2), np.nan), unemployment_age_starts=np.array([15, 25, 35, 45, 55, 65]),
        unemployment_age_factors=np.ones((6, 2)), employee_share=np.full((n, 2), np.nan),
        formal_share=np.full((n, 2), np.nan), productivity_growth=empty, cpi_inflation=empty,
        deflator_inflation=empty, wage_share_change=empty, wage_growth=empty, investment_return=empty,
        min_working_age=TEMPLATE_MIN_WORKING_AGE)
    A_groups, S_groups, P_groups = np.r_[0, np.arange(15, 100, 5)], np.arange(0, 51, 5), np.arange(0, 101, 5)
    nan = np.nan
    rule_fields = {f.name: np.full(n, nan) for f in fields(SchemeRules) if f.type is np.ndarray}
    rule_fields.update(normal_age=np.full((n, 2), nan), early_age=np.full((n, 2), nan))
    pension = PensionInputs(
        data=SchemeData(A_groups, S_groups, np.full((2, len(A_groups), len(S_groups)), nan),
                        np.full((2, len(A_groups), len(S_groups)), nan), np.full((len(A_groups), 2), nan),
                        P_groups, np.full((len(P_groups), 4, 2), nan), np.full((len(P_groups), 4, 2), nan)),
        rules=SchemeRules(**rule_fields),
        assumptions=SchemeAssumptions(
            coverage_years=np.asarray(anchor_years), coverage=np.full((k, 2, A), nan),
            **{name: np.full((2, A), nan) for name in ("density", "salary_scale", "invalidity", "lapse", "reentry",
                                                       "spouse_probability", "orphans_per_death")},
            retire_early=np.full((n, 2), nan), retire_normal=np.full((n, 2), nan), exit_age=np.full((n, 2), nan),
            mortality_factor=np.full((3, 2), nan), spouse_age_difference=np.full(2, nan),
            orphan_age_gap=np.full(2, nan), remarriage=np.full(2, nan), coverage_phase_in=TEMPLATE_PHASE_IN,
            abroad_share=np.full(2, nan)),
        actual={})
    return ModelInputs(PopulationInputs(
        country=PLACEHOLDERS["in_country"], base_year=base_year, final_year=final_year,
        base_population=np.full((2, A), np.nan), fertility_input="tfr_pattern", fertility_ages=ages,
        tfr=np.full(n, np.nan), fertility_pattern_years=np.asarray(anchor_years),
        fertility_pattern=np.full((k, len(ages)), np.nan), asfr=np.full((n, len(ages)), np.nan),
        srb=np.full(n, np.nan), mortality_kind="mx", mortality_years=np.asarray(anchor_years),
        mortality=np.full((k, 2, A), np.nan), net_migrants=np.full((n, 2, A), np.nan),
        migration_timing="even"), economy, pension,
        FinanceInputs(initial_reserve=nan, subsidy_share=empty, subsidy_amount=empty, collection_rate=empty))

