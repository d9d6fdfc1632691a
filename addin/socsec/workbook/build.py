"""Build an input workbook (example country or empty template) from the contract.

``socsec workbook build example`` writes workbooks/socsec_example_jordan.xlsx from the
UN WPP 2024 data kept in the package; ``socsec workbook build template`` writes an empty
template for a new country (zeros to be replaced; the reader rejects nothing in its shape).
"""

from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

import socsec
from socsec.atomic import save_workbook
from socsec.model.population import PopulationInputs
from socsec.workbook import layout, results, styles
from socsec.workbook.contract import POPULATION_INPUTS, SETTINGS
from socsec.workbook.tables import blocks_of, settings_of

INSTRUCTIONS = (
    "How to use this workbook",
    "",
    "1. Inputs are the blue-on-yellow cells on the sheets Settings, Base population, Fertility, "
    "Fertility ASFR, Mortality and Migration. Each table states its units; write where each figure "
    "comes from in its Source cell.",
    "2. Years run across the columns, starting in column B with the base year on every time sheet; "
    "single ages run down the rows, the last row being the open age group (e.g. 100+).",
    "3. To run without Excel: `socsec run THIS_FILE.xlsx` writes a NEW results workbook next to this "
    "one (this file is never changed) and, with --csv DIR, one CSV file per result table.",
    "4. Results: 'Results demography' (summary by year) and 'Results population' (by age and sex). "
    "The Checks sheet lists the consistency checks; the master check is shown on every result sheet.",
    "5. Mortality and the fertility age pattern are given for anchor years: values in between are "
    "interpolated (log-linear for death rates, linear for the fertility pattern) and held constant "
    "outside. Give every year to use the rates as they are.",
    "6. Timing: population at 1 January; births, deaths and migration during the calendar year; "
    "net migrants by age at the end of the year. See docs/methodology.md for every formula.",
)


def build_workbook(inputs: PopulationInputs, path, sources: dict | None = None,
                   cover_notes: tuple = ()) -> Path:
    """Write an input workbook for ``inputs`` to ``path`` atomically; return the path."""
    sources = sources or {}
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    _cover(cover, inputs.country, cover_notes)
    _instructions(wb.create_sheet("Instructions"))
    _settings(wb.create_sheet("Settings"), settings_of(inputs), sources)
    blocks = blocks_of(inputs)
    sheets = {}
    for spec in POPULATION_INPUTS:
        if spec.sheet not in sheets:
            ws = wb.create_sheet(spec.sheet)
            ws.cell(1, 1, spec.sheet).font = styles.SHEET_TITLE_FONT
            sheets[spec.sheet] = [ws, 3]
        ws, row = sheets[spec.sheet]
        block = blocks[spec.name]
        corner = _corner(spec)
        bounds = None if spec.low is None and spec.high is None else (spec.low, spec.high)
        sheets[spec.sheet][1] = layout.write_table(
            ws, row, spec.name, spec.title, spec.description, spec.units, sources.get(spec.name),
            corner, block.row_labels, block.col_labels, block.values, is_input=True, bounds=bounds)
    for ws, _ in sheets.values():
        layout.set_widths(ws, n_cols=ws.max_column)
        ws.freeze_panes = "B1"
    results.create_result_sheets(wb)
    return save_workbook(wb, path)


def _corner(spec) -> str:
    rows = spec.rows if isinstance(spec.rows, str) else ""
    cols = spec.cols if isinstance(spec.cols, str) else "sex"
    return f"{rows} \\ {cols}" if rows else cols


def _cover(ws, country: str, notes: tuple):
    ws.cell(1, 1, "socsec: actuarial valuation of a social security scheme").font = styles.SHEET_TITLE_FONT
    ws.cell(3, 1, "Country")
    ws.cell(3, 2, "=in_country")
    ws.cell(4, 1, "Model")
    ws.cell(4, 2, f"socsec {socsec.__version__} (population block, ILO-POP method)")
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
    for i, line in enumerate(INSTRUCTIONS, start=1):
        cell = ws.cell(i, 1, line)
        cell.alignment = styles.WRAP
        if i == 1:
            cell.font = styles.SHEET_TITLE_FONT
    ws.column_dimensions["A"].width = 120


def _settings(ws, values: dict, sources: dict):
    ws.cell(1, 1, "Settings").font = styles.SHEET_TITLE_FONT
    for j, head in enumerate(("Setting", "Value", "Units", "Description", "Source"), start=1):
        styles.style_header(ws.cell(3, j, head))
    for i, spec in enumerate(SETTINGS, start=4):
        ws.cell(i, 1, spec.label)
        cell = ws.cell(i, 2, values[spec.name])
        styles.style_input(cell)
        ws.cell(i, 3, spec.units)
        ws.cell(i, 4, spec.description).alignment = styles.WRAP
        styles.style_input(ws.cell(i, 5, sources.get(spec.name, "")))
        layout.define_name(ws.parent, spec.name, ws.title, i, 2, i, 2)
        if spec.kind == "choice":
            rule = DataValidation(type="list", formula1='"' + ",".join(spec.choices) + '"',
                                  showErrorMessage=True, errorTitle="socsec input",
                                  error=f"{spec.label}: choose one of {', '.join(spec.choices)}")
            rule.add(cell.coordinate)
            ws.add_data_validation(rule)
        elif spec.kind == "int":
            rule = DataValidation(type="whole", operator="between", formula1=str(int(spec.low)),
                                  formula2=str(int(spec.high)), showErrorMessage=True,
                                  errorTitle="socsec input", error=f"{spec.label}: enter a year")
            rule.add(cell.coordinate)
            ws.add_data_validation(rule)
    for col, width in zip("ABCDE", (26, 16, 14, 80, 50)):
        ws.column_dimensions[col].width = width


def template_inputs(base_year: int = 2025, final_year: int = 2100, omega: int = 100,
                    anchor_years=(2025,)) -> PopulationInputs:
    """An empty country: every table present, every value cell empty, to be filled in."""
    n, A = final_year - base_year + 1, omega + 1
    ages = np.arange(15, 50)
    k = len(anchor_years)
    return PopulationInputs(
        country="(country name)", base_year=base_year, final_year=final_year,
        base_population=np.full((2, A), np.nan), fertility_input="tfr_pattern", fertility_ages=ages,
        tfr=np.full(n, np.nan), fertility_pattern_years=np.asarray(anchor_years),
        fertility_pattern=np.full((k, len(ages)), np.nan), asfr=np.full((n, len(ages)), np.nan),
        srb=np.full(n, np.nan), mortality_kind="mx", mortality_years=np.asarray(anchor_years),
        mortality=np.full((k, 2, A), np.nan), net_migrants=np.full((n, 2, A), np.nan),
        migration_timing="even")

