"""Numbers as an actuarial report and the results workbook write them (no dependency beyond Python).

Rates and shares as percentages with two decimals (``17.00%``), replacement rates with one;
money in millions of the currency with thousands separators (``1,580.9``); persons as whole
numbers with thousands separators; calendar years as whole years.  A missing value (NaN) is
shown as an en dash.
"""

import math
import re

MONEY_UNITS = "(currency units)"  # how the contract's labels mark money amounts
MISSING = "\u2013"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(value, decimals: int = 2) -> str:
    """0.1234 -> '12.34%'."""
    return MISSING if _missing(value) else f"{100.0 * value:,.{decimals}f}%"


def millions(value, decimals: int = 1) -> str:
    """Currency units -> millions with thousands separators: 1580892000 -> '1,580.9'."""
    return MISSING if _missing(value) else f"{value / 1e6:,.{decimals}f}"


def whole(value) -> str:
    """Persons and other counts: 1234567.4 -> '1,234,567'."""
    return MISSING if _missing(value) else f"{value:,.0f}"


def decimal(value, decimals: int = 2) -> str:
    """Ratios, years of expenditure, life expectancies: 0.4567 -> '0.46'."""
    return MISSING if _missing(value) else f"{value:,.{decimals}f}"


def year(value, none: str = MISSING) -> str:
    """A calendar year (NaN: ``none``, e.g. 'never')."""
    return none if _missing(value) else str(int(value))


def excel_format(value, number_format: str) -> str:
    """``value`` as an Excel number format of the workbook contract shows it: ``0.00%``, ``0.0%``,
    ``#,##0``, ``0``, ``0.00``, ``0.000``, ``General``."""
    if _missing(value):
        return MISSING
    if number_format == "General":
        return f"{value:g}"
    decimals = len(re.search(r"(?:\.(0*))?%?$", number_format).group(1) or "")
    if number_format.endswith("%"):
        return percent(value, decimals)
    return f"{value:,.{decimals}f}" if "," in number_format else f"{value:.{decimals}f}"


def money_label(label: str, currency: str) -> str:
    """A contract label of a money amount with the report's unit: '... (currency units)' ->
    '... (JOD million)'."""
    return label.replace(MONEY_UNITS, f"({currency} million)")


def is_money(label: str) -> bool:
    return MONEY_UNITS in label
