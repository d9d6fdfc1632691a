"""Accepted ranges of input values, shared by the workbook reader and the input overrides."""


def within(value: float, low=None, high=None, low_open: bool = False, high_open: bool = False) -> bool:
    """True if ``value`` lies in the range (bounds inclusive unless open; None: no bound)."""
    if low is not None and (value <= low if low_open else value < low):
        return False
    if high is not None and (value >= high if high_open else value > high):
        return False
    return True


def rule(low=None, high=None, low_open: bool = False, high_open: bool = False) -> str:
    """The range in words for messages, e.g. ">= 0 and < 2"; "any number" without bounds."""
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    return " and ".join(parts) or "any number"
