"""The Instructions sheet of a socsec workbook, generated from the workbook contract.

Every sheet of the workbook is listed in workbook order with what it holds: the settings and
input tables of each input sheet (title and units, as declared in
:mod:`socsec.workbook.contract`), the result tables of each result sheet, and the sheets made by
a run (Charts, Checks, Log).  A sheet added to the contract is listed without editing this text.
"""

from socsec.workbook.contract import (ALL_SETTINGS, INPUT_SHEETS, INPUT_TABLES, RESULT_SHEETS, RESULT_TABLES,
                                      SCENARIOS_SHEET, SENSITIVITY_RESULT_SHEET, SENSITIVITY_SHEET,
                                      STOCHASTIC_RESULT_SHEET, STOCHASTIC_SHEET, STOCHASTIC_TABLES)

HOW_TO = (
    "Inputs are the blue-on-yellow cells. Each table states its units; write where each figure comes from in "
    "its Source cell. Years run across the columns from the base year in column B; single ages (or the first "
    "age of each group) run down the rows, the last row being the open age group (e.g. 100+).",
    "Anchor years (mortality, fertility pattern, assumptions by age): values in between are interpolated and "
    "held constant outside; give every year to use the values as they are. To add an anchor year, type it in the "
    "header cell right of the table's last column and fill the column below: it is read with the table. Anything "
    "else typed next to a table is an error naming the cells.",
    "In Excel with the socsec add-in: the socsec tab runs the valuation, the scenario comparison, the input "
    "check and the sensitivity on this workbook; results are written into this workbook's result sheets.",
    "Without Excel: `socsec run THIS_FILE.xlsx` writes a NEW results workbook next to this one (this file is "
    "never changed) and, with --csv DIR, one CSV file per result table at full precision.",
    "Timing: stocks at 1 January, flows during the calendar year. docs/methodology.md gives every formula.",
)
OTHER_SHEETS = {
    "Cover": "what this workbook is, the country, and the stamp of the last run (time, versions, input hash, "
             "scenario, master check).",
    "Instructions": "this sheet.",
    SCENARIOS_SHEET: "scenarios for comparison: one row per changed parameter (scenario, parameter, value); the "
                     "list of parameters, their units and accepted values is on the right.",
    SENSITIVITY_SHEET: "input of `socsec sensitivity`: one row per parameter (a name of the Scenarios sheet) with its "
                       "low and high value and their source; each is valued with everything else at the base.",
    STOCHASTIC_SHEET: "input of `socsec stochastic`: " + "; ".join(f"{t.title} ({t.units})" for t in STOCHASTIC_TABLES)
                      + ".",
    "Charts": "charts of the main results (written by a run).",
    "Results scenarios": "(written by `socsec run --compare`) the financing indicators and series of every scenario.",
    SENSITIVITY_RESULT_SHEET: "(written by `socsec sensitivity`) each indicator at the low and high value of each "
                              "parameter.",
    STOCHASTIC_RESULT_SHEET: "(written by `socsec stochastic`) percentiles of the indicators over the simulated paths "
                             "and the probability of depletion.",
    "Formula audit": "the financing chain of the last run as live Excel formulas over its yearly cash flows "
                     "(contributions, reserve roll-forward, reserve ratio, PAYG cost rate, discount factors, GAP by "
                     "horizon), each compared with the socsec core (written by a run).",
    "Checks": "the consistency checks of the last run, each with its worst value, tolerance and status; the "
              "master check; the input warnings.",
    "Log": "one row per run: time, files, status, message, input hash, versions, scenario and overrides.",
}


def sheet_lines(sheet: str) -> list[str]:
    """What one sheet holds, as lines of the Instructions sheet."""
    if sheet in INPUT_SHEETS:
        settings = [f"{s.label} ({s.units})" for s in ALL_SETTINGS if s.sheet == sheet]
        tables = [f"{t.title} ({t.units})" for t in INPUT_TABLES if t.sheet == sheet]
        parts = ([f"settings: {'; '.join(settings)}"] if settings else []) + (
            [f"tables: {'; '.join(tables)}"] if tables else [])
        return [f"{sheet} (input): " + ". ".join(parts) + "."]
    if sheet in RESULT_SHEETS:
        tables = [f"{t.title} ({t.units})" for t in RESULT_TABLES if t.sheet == sheet]
        return [f"{sheet} (result): {'; '.join(tables)}."]
    return [f"{sheet}: {OTHER_SHEETS[sheet]}"] if sheet in OTHER_SHEETS else []


def instruction_lines(sheets) -> list[str]:
    """The lines of the Instructions sheet for a workbook with ``sheets`` (in workbook order)."""
    lines = ["How to use this workbook", ""]
    lines += [f"{k}. {text}" for k, text in enumerate(HOW_TO, start=1)]
    lines += ["", "The sheets of this workbook"]
    for sheet in sheets:
        lines += sheet_lines(sheet)
    return lines


def workbook_sheets() -> tuple:
    """Sheets of a workbook in the order the builder and a run make them."""
    return ("Cover", "Instructions", *INPUT_SHEETS, SCENARIOS_SHEET, SENSITIVITY_SHEET, STOCHASTIC_SHEET, "Charts",
            *RESULT_SHEETS, "Checks", "Formula audit", "Results scenarios", SENSITIVITY_RESULT_SHEET,
            STOCHASTIC_RESULT_SHEET, "Log")
