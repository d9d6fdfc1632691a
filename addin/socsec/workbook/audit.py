"""The Formula audit sheet: the financing chain of a valuation as live Excel formulas.

The yearly cash flows of the valuation (insurable earnings, contributions due, collection rate,
state subsidy, expenditure, nominal investment return) and the reserve at 1 January of the base
year are written as values; everything the financing block computes from them is written as an
Excel formula over those cells, so a reviewer can follow each step and change an input in Excel:

* contributions collected ``C_t = due_t x collection rate_t``; net cash flow ``N_t = C_t + G_t - X_t``;
* reserve roll-forward with mid-year cash flows: ``I_t = i_t F_t + (sqrt(1 + i_t) - 1) N_t``,
  ``F_{t+1} = F_t + N_t + I_t`` (:func:`socsec.model.actuarial.reserve_roll_forward`);
* reserve ratio ``F_{t+1} / X_t``; PAYG cost rate ``X_t / S_t``;
* discount factors ``D_t = D_{t-1} / (1 + i_t)`` (end of year t) and ``D_{t-1} / sqrt(1 + i_t)`` (its
  middle) (:func:`socsec.model.actuarial.discount_factors`);
* the general average premium over h years ``GAP_h = (sum D_mid (X - G) - F_0) / sum D_mid S``
  (:func:`socsec.model.actuarial.discounted_premium`) for each horizon of the indicators table.

Next to the reserve and to each GAP the socsec core's value is written as a value with the
difference as a formula: in Excel (or LibreOffice) the differences are zero to rounding.  The sheet is
written through the backend-neutral writer, so a run in Excel gets it too.
"""

import numpy as np
from openpyxl.utils import get_column_letter

from socsec.workbook import printing

AUDIT_SHEET = "Formula audit"
FIRST_ROW = 7  # first row of the yearly table (header on the row above)
INITIAL_RESERVE_CELL = "$B$4"
MILLIONS = printing.MILLIONS_FORMAT
# (header, number format, formula of row r given the previous row p, or None for a value column)
COLUMNS = (
    ("year", "0", None),
    ("insurable earnings S (millions)", MILLIONS, None),
    ("contributions due (millions)", MILLIONS, None),
    ("collection rate", "0.00%", None),
    ("contributions collected C = due x collection rate (millions)", MILLIONS, "=C{r}*D{r}"),
    ("state subsidy G (millions)", MILLIONS, None),
    ("expenditure X incl. administration (millions)", MILLIONS, None),
    ("nominal investment return i", "0.00%", None),
    ("net cash flow N = C + G - X (millions)", MILLIONS, "=E{r}+F{r}-G{r}"),
    ("reserve at 1 January F (millions)", MILLIONS, "=L{p}"),
    ("investment income i F + (sqrt(1+i) - 1) N (millions)", MILLIONS, "=H{r}*J{r}+(SQRT(1+H{r})-1)*I{r}"),
    ("reserve at 31 December F + N + I (millions)", MILLIONS, "=J{r}+I{r}+K{r}"),
    ("reserve ratio F(end) / X (years)", "0.00", "=L{r}/G{r}"),
    ("PAYG cost rate X / S", "0.00%", "=G{r}/B{r}"),
    ("discount factor, end of year D = D(previous) / (1+i)", "0.000000", "=O{p}/(1+H{r})"),
    ("discount factor, mid-year D(previous) / sqrt(1+i)", "0.000000", "=O{p}/SQRT(1+H{r})"),
    ("reserve at 31 December, socsec core (millions)", MILLIONS, None),
    ("difference: formula - core", "0.000000", "=L{r}-Q{r}"),
)
FIRST_YEAR_FORMULAS = {"J": "=" + INITIAL_RESERVE_CELL, "O": "=1/(1+H{r})", "P": "=1/SQRT(1+H{r})"}


def audit_rows(valuation) -> list[list]:
    """The yearly table: values of the valuation and formulas, one list per year."""
    yearly = valuation.finance.yearly
    values = {"A": yearly["year"].astype(int).tolist(), "B": yearly["insurable_earnings"],
              "C": yearly["contributions_due"], "D": np.broadcast_to(valuation.inputs.finance.collection_rate,
                                                                      len(yearly)),
              "F": yearly["state_subsidy"], "G": yearly["expenditure"], "H": yearly["nominal_return"],
              "Q": yearly["reserve_end"]}
    rows = []
    for k in range(len(yearly)):
        r, line = FIRST_ROW + k, []
        for j, (_, _, formula) in enumerate(COLUMNS):
            letter = get_column_letter(j + 1)
            if formula is None:
                line.append(_number(values[letter][k]))
            elif k == 0 and letter in FIRST_YEAR_FORMULAS:
                line.append(FIRST_YEAR_FORMULAS[letter].format(r=r))
            else:
                line.append(formula.format(r=r, p=r - 1))
        rows.append(line)
    return rows


def gap_rows(valuation, last_row: int) -> list[tuple[int, list]]:
    """(horizon, [label, formula, core value, difference formula]) of each GAP of the indicators table."""
    table = valuation.finance.indicators
    gaps = table[table["indicator"] == "gap"]
    out = []
    for h, core in zip(gaps["horizon"].astype(int), gaps["value"]):
        end = FIRST_ROW + h - 1
        if end > last_row:
            continue
        d, x, g, s = (f"{col}{FIRST_ROW}:{col}{end}" for col in "PGFB")  # the columns over the first h years
        formula = f"=(SUMPRODUCT({d},{x})-SUMPRODUCT({d},{g})-{INITIAL_RESERVE_CELL})/SUMPRODUCT({d},{s})"
        out.append((h, [f"GAP over {h} years", formula, _number(core)]))
    return out


def _number(value):
    value = float(value)
    return value if np.isfinite(value) else None


def write_audit_sheet(writer, valuation, header: tuple = ("", "&A", ""), widths_of_header: float = 16.0):
    """(Re)create the Formula audit sheet through a :class:`~socsec.workbook.writer.BookWriter` (no
    valuation: no sheet); ``header``: the page header (:func:`socsec.workbook.printing.page_header`)."""
    if valuation is None:
        writer.remove_sheet(AUDIT_SHEET)
        return
    writer.reset_sheet(AUDIT_SHEET)
    writer.write(AUDIT_SHEET, 1, 1, [["Formula audit: the financing chain of this run as live formulas"]],
                 "sheet_title")
    writer.write(AUDIT_SHEET, 2, 1, [[
        "Blue columns hold the yearly cash flows of the valuation; every other column is an Excel formula over them "
        "(change a value to follow its effect). Money in millions of currency units (the cells hold full amounts). "
        "The differences from the socsec core are zero to rounding."]], "note")
    writer.write(AUDIT_SHEET, 4, 1, [["Reserve at 1 January of the base year F0",
                                      _number(valuation.inputs.finance.initial_reserve)]])
    writer.number_format(AUDIT_SHEET, 4, 2, 1, 1, MILLIONS)
    writer.write(AUDIT_SHEET, FIRST_ROW - 1, 1, [[name for name, _, _ in COLUMNS]], "column_header")
    writer.row_height(AUDIT_SHEET, FIRST_ROW - 1, printing.LINE_POINTS * 4)
    rows = audit_rows(valuation)
    writer.write(AUDIT_SHEET, FIRST_ROW, 1, rows)
    for j, (_, fmt, formula) in enumerate(COLUMNS):
        writer.number_format(AUDIT_SHEET, FIRST_ROW, j + 1, len(rows), 1, fmt)
        if formula is None and j > 0:
            writer.write(AUDIT_SHEET, FIRST_ROW, j + 1, [[line[j]] for line in rows], "input")
    last = FIRST_ROW + len(rows) - 1
    top = last + 3
    writer.write(AUDIT_SHEET, top - 1, 1, [["horizon", "GAP, formula", "GAP, socsec core", "difference"]],
                 "column_header")
    gaps = gap_rows(valuation, last)
    writer.write(AUDIT_SHEET, top, 1, [line + [f"=B{top + k}-C{top + k}"] for k, (_, line) in enumerate(gaps)])
    writer.number_format(AUDIT_SHEET, top, 2, len(gaps), 2, "0.0000%")
    writer.number_format(AUDIT_SHEET, top, 4, len(gaps), 1, "0.000E+00")
    widths = {1: printing.width_of("Reserve at 1 January of the base year F0")}
    widths.update({j: max(widths_of_header, printing.width_of(printing.shown(rows[-1][j - 1], fmt)))
                   for j, (_, fmt, _) in enumerate(COLUMNS, start=1) if j > 1 and not isinstance(rows[-1][j - 1], str)})
    widths.update({j: max(widths.get(j, 0.0), widths_of_header) for j in range(2, len(COLUMNS) + 1)})
    writer.column_widths(AUDIT_SHEET, widths)
    writer.print_setup(AUDIT_SHEET, printing.PrintSetup(landscape=True, title_row=FIRST_ROW - 1, header=header))
