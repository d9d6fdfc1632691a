"""Read and validate the population inputs of a workbook (any book backend).

Every problem is reported with its sheet and cell, what was expected and what was found;
all problems are gathered and raised together as one :class:`~socsec.errors.InputError`.
"""

import math
import numbers

import numpy as np

from dataclasses import dataclass

from socsec import bounds
from socsec.errors import InputError, Problem
from socsec.model.inputs import ModelInputs
from socsec.workbook.book import FileBook, RangeRef
from socsec.workbook.contract import (AGE, ALL_SETTINGS, FERTILE_AGE, GROUP_START, INPUT_TABLES, RULE_ROWS,
                                      SCENARIO_COLUMNS, SCENARIOS_RANGE, YEAR, InputTable, Setting)
from socsec.workbook.tables import Block, inputs_from

MAX_PROBLEMS_PER_TABLE = 8


@dataclass(frozen=True)
class ReadResult:
    """Validated inputs, the scenarios of the Scenarios sheet and the warnings found while reading
    (accepted, but worth a look)."""

    inputs: ModelInputs
    warnings: tuple
    scenarios: tuple = ()


class _Collector:
    """Gathers problems, at most a few per table, with a count of the rest, and warnings."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self._per_table: dict[str, int] = {}

    def add(self, where: str, message: str, table: str | None = None):
        if table is not None:
            count = self._per_table.get(table, 0) + 1
            self._per_table[table] = count
            if count > MAX_PROBLEMS_PER_TABLE:
                return
        self.problems.append(Problem(where, message))

    def finish_table(self, table: str):
        extra = self._per_table.get(table, 0) - MAX_PROBLEMS_PER_TABLE
        if extra > 0:
            self.problems.append(Problem(f"table {table}", f"... and {extra} more problems in this table"))


def _where(ref: RangeRef, row: int = 0, col: int = 0) -> str:
    return f"sheet '{ref.sheet}', cell {ref.address(row, col)}"


def _describe(value) -> str:
    if value is None:
        return "an empty cell"
    if isinstance(value, str):
        return f"text {value!r}"
    return repr(value)


def _as_number(value):
    """The float value of a numeric cell, or None (bools and text are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _as_int(value):
    number = _as_number(value)
    if number is None or number != int(number):
        return None
    return int(number)


def _read_setting(book, spec: Setting, out: _Collector):
    ref = book.named_range(spec.name)
    if ref is None:
        out.add(f"name {spec.name}", f"missing: expected a cell named '{spec.name}' on sheet "
                                     f"'{spec.sheet}' ({spec.label})")
        return None
    value = book.read(ref)[0][0]
    where = f"{_where(ref)} ({spec.label})"
    if spec.kind == "text":
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or str(value).strip() == "":
            out.add(where, f"expected a name, found {_describe(value)}")
            return None
        return str(value).strip()
    if spec.kind == "choice":
        text = str(value).strip().lower() if value is not None else ""
        if text not in spec.choices:
            out.add(where, f"expected one of {', '.join(spec.choices)}, found {_describe(value)}")
            return None
        return text
    if spec.kind == "number":
        number = _as_number(value)
        if number is None:
            out.add(where, f"expected a number ({spec.units}), found {_describe(value)}")
            return None
        if spec.low is not None and (number <= spec.low if spec.low_open else number < spec.low):
            rule = "above" if spec.low_open else "at least"
            out.add(where, f"expected a number {rule} {spec.low:g} ({spec.units}), found {number:g}")
            return None
        if spec.high is not None and number > spec.high:
            out.add(where, f"expected a number at most {spec.high:g} ({spec.units}), found {number:g}")
            return None
        return number
    number = _as_int(value)
    if number is None:
        out.add(where, f"expected a whole number ({spec.units}), found {_describe(value)}")
        return None
    if (spec.low is not None and number < spec.low) or (spec.high is not None and number > spec.high):
        out.add(where, f"expected a {spec.units} between {spec.low:g} and {spec.high:g}, found {number}")
        return None
    return number


def _parse_age(value, last: bool):
    if last and isinstance(value, str) and value.strip().endswith("+"):
        value = value.strip()[:-1]
        try:
            value = int(value)
        except ValueError:
            return None
    return _as_int(value)


def _check_row_labels(spec: InputTable, ref: RangeRef, labels: list, out: _Collector):
    """Row labels (column A of the block): ages, fertile ages or fixed labels."""
    if isinstance(spec.rows, tuple):
        for i, (want, got) in enumerate(zip(spec.rows, labels)):
            if str(got).strip().lower() != want.lower():
                out.add(_where(ref, 1 + i, 0), f"expected row label '{want}', found {_describe(got)}",
                        spec.name)
        if len(labels) != len(spec.rows):
            out.add(f"name {spec.name} ({ref.sheet})",
                    f"expected {len(spec.rows)} data row(s), found {len(labels)}", spec.name)
        return tuple(spec.rows)
    if spec.rows == GROUP_START:
        return _increasing_integers(spec, ref, labels, out, by_row=True, what="first ages of age groups")
    ages = []
    for i, got in enumerate(labels):
        age = _parse_age(got, last=(i == len(labels) - 1 and spec.rows == AGE))
        if age is None:
            out.add(_where(ref, 1 + i, 0), f"expected an age (whole number), found {_describe(got)}",
                    spec.name)
            return None
        ages.append(age)
    first = 0 if spec.rows == AGE else ages[0] if ages else 0
    expected = list(range(first, first + len(ages)))
    if ages != expected:
        bad = next(i for i, (a, e) in enumerate(zip(ages, expected)) if a != e)
        out.add(_where(ref, 1 + bad, 0),
                f"ages must be consecutive single years starting at {first}: expected {expected[bad]}, "
                f"found {ages[bad]}", spec.name)
        return None
    if spec.rows == AGE and len(ages) < 3:
        out.add(f"name {spec.name} ({ref.sheet})", "expected at least ages 0, 1 and an open group",
                spec.name)
        return None
    if spec.rows == FERTILE_AGE and (ages[0] < 10 or ages[-1] > 55):
        out.add(_where(ref, 1, 0), f"fertile ages must lie within 10..55, found {ages[0]}..{ages[-1]}",
                spec.name)
        return None
    return tuple(ages)


def _increasing_integers(spec, ref, labels, out, by_row: bool, what: str):
    """Strictly increasing whole numbers (group starts down the rows)."""
    values = []
    for k, got in enumerate(labels):
        number = _as_int(got)
        where = _where(ref, 1 + k, 0) if by_row else _where(ref, 0, 1 + k)
        if number is None or number < 0:
            out.add(where, f"expected a whole number ({what}), found {_describe(got)}", spec.name)
            return None
        if values and number <= values[-1]:
            out.add(where, f"expected strictly increasing {what}: after {values[-1]} found {number}", spec.name)
            return None
        values.append(number)
    if not values:
        out.add(f"name {spec.name} ({ref.sheet})", f"expected at least one row of {what}", spec.name)
        return None
    return tuple(values)


def _check_col_labels(spec: InputTable, ref: RangeRef, labels: list, out: _Collector):
    """Column labels (header row of the block): years, anchor years or fixed labels."""
    if spec.cols == GROUP_START:
        return _increasing_integers(spec, ref, labels, out, by_row=False, what="first years of service groups")
    if isinstance(spec.cols, tuple):
        if [str(v).strip().lower() if v is not None else None for v in labels] != list(spec.cols):
            out.add(_where(ref, 0, 1), f"expected column headers {', '.join(spec.cols)}, found "
                                       f"{', '.join(_describe(v) for v in labels)}", spec.name)
            return None
        return tuple(spec.cols)
    years = []
    for j, got in enumerate(labels):
        year = _as_int(got)
        if year is None:
            out.add(_where(ref, 0, 1 + j), f"expected a year in the header, found {_describe(got)}",
                    spec.name)
            return None
        years.append(year)
    if not years:
        out.add(f"name {spec.name} ({ref.sheet})", "expected at least one year column", spec.name)
        return None
    for j in range(1, len(years)):
        step_ok = years[j] == years[j - 1] + 1 if spec.cols == YEAR else years[j] > years[j - 1]
        if not step_ok:
            what = "consecutive years" if spec.cols == YEAR else "strictly increasing anchor years"
            out.add(_where(ref, 0, 1 + j), f"expected {what}: after {years[j - 1]} found {years[j]}",
                    spec.name)
            return None
    return tuple(years)


def _check_values(spec: InputTable, ref: RangeRef, rows: list, out: _Collector) -> np.ndarray:
    values = np.full((len(rows), len(rows[0]) if rows else 0), np.nan)
    empty = [(i, j) for i, row in enumerate(rows) for j, cell in enumerate(row) if cell is None]
    if len(empty) > MAX_PROBLEMS_PER_TABLE:  # one message for many empty cells (e.g. a new template)
        (i0, j0), (i1, j1) = empty[0], empty[-1]
        out.add(f"sheet '{ref.sheet}', cells {ref.address(1, 1)}:{ref.address(ref.n_rows - 1, ref.n_cols - 1)}",
                f"{len(empty)} empty cells in {spec.title} (first {ref.address(1 + i0, 1 + j0)}, last "
                f"{ref.address(1 + i1, 1 + j1)}): expected numbers ({spec.units})", spec.name)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            number = _as_number(cell)
            where = _where(ref, 1 + i, 1 + j)
            if number is None:
                if cell is not None or len(empty) <= MAX_PROBLEMS_PER_TABLE:
                    out.add(where, f"expected a number ({spec.units}), found {_describe(cell)}", spec.name)
                continue
            if spec.item_bounds:  # one (low, high) per row or per column, inclusive
                k = i if spec.bounds_by == "row" else j
                lo_k, hi_k = spec.item_bounds[k]
                if number < lo_k or number > hi_k:
                    label = (spec.rows if spec.bounds_by == "row" else spec.cols)[k]
                    out.add(where, f"{label} must be between {lo_k:g} and {hi_k:g}, found {number:g}", spec.name)
                    continue
            if not bounds.within(number, spec.low, spec.high, spec.low_open, spec.high_open):
                rule = bounds.rule(spec.low, spec.high, spec.low_open, spec.high_open)
                out.add(where, f"{spec.title} must be {rule} ({spec.units}), found {number:g}", spec.name)
                continue
            if spec.warn_high is not None and number > spec.warn_high:
                label = spec.rows[i] if isinstance(spec.rows, tuple) else spec.title
                out.warnings.append(Problem(where, f"{label} of {number:.1%} a year is above "
                                                   f"{spec.warn_high:.0%}: accepted, but check it"))
            values[i, j] = number
    return values


def _read_table(book, spec: InputTable, out: _Collector) -> Block | None:
    ref = book.named_range(spec.name)
    if ref is None:
        out.add(f"name {spec.name}", f"missing: expected a range named '{spec.name}' on sheet "
                                     f"'{spec.sheet}' ({spec.title})")
        return None
    if ref.n_rows < 2 or ref.n_cols < 2:
        out.add(f"name {spec.name} ({ref.sheet}!{ref.address()})",
                "expected a header row and a label column around the data")
        return None
    raw = book.read(ref)
    rows = _check_row_labels(spec, ref, [r[0] for r in raw[1:]], out)
    cols = _check_col_labels(spec, ref, raw[0][1:], out)
    values = _check_values(spec, ref, [r[1:] for r in raw[1:]], out)
    out.finish_table(spec.name)
    if rows is None or cols is None:
        return None
    return Block(rows, cols, values)


def _cross_checks(settings: dict, blocks: dict[str, Block], refs: dict[str, RangeRef], out: _Collector):
    """Checks between tables: projection period, open age, anchors, fertility ages."""
    base, final = settings.get("in_base_year"), settings.get("in_final_year")
    if base is not None and final is not None and final < base:
        out.add("sheet 'Settings' (Final projection year)",
                f"must not be before the base year {base}, found {final}")
        return
    for name, block in blocks.items():
        ref = refs[name]
        if isinstance(block.col_labels[0], int) and name in _YEAR_TABLES and base is not None:
            first, last = block.col_labels[0], block.col_labels[-1]
            if first != base:
                out.add(_where(ref, 0, 1), f"the first year column must be the base year {base}, found {first}")
            elif final is not None and last < final:
                out.add(_where(ref, 0, len(block.col_labels)),
                        f"the table stops at {last} but the projection runs to {final}: add year columns "
                        f"up to {final} or reduce the final projection year")
    omegas = {name: len(b.row_labels) - 1 for name, b in blocks.items() if name in _AGE_TABLES}
    if len(set(omegas.values())) > 1:
        listing = ", ".join(f"{n} to {o}+" for n, o in omegas.items())
        out.add("age tables", f"all age tables must end at the same open age group; found {listing}")
    elif omegas:
        omega = next(iter(omegas.values()))
        for name in ("in_fert_pattern", "in_asfr"):
            if name in blocks and blocks[name].row_labels[-1] >= omega:
                out.add(_where(refs[name], len(blocks[name].row_labels), 0),
                        f"fertile ages must end below the open age group {omega}+, "
                        f"found {blocks[name].row_labels[-1]}")
    for male, female in (("in_mort_male", "in_mort_female"), ("in_lfpr_male", "in_lfpr_female")):
        if male in blocks and female in blocks and blocks[male].col_labels != blocks[female].col_labels:
            out.add(_where(refs[female], 0, 1), f"the anchor years of {female} must equal those of {male}")
    for name in ("in_lfpr_male", "in_lfpr_female"):
        block = blocks.get(name)
        if block is not None and base is not None and final is not None:
            for j, year in enumerate(block.col_labels):
                if not base <= year <= final:
                    out.add(_where(refs[name], 0, 1 + j),
                            f"anchor years must lie inside the projection period {base}-{final}, found {year}")
    for name in ("in_mort_male", "in_mort_female"):
        block = blocks.get(name)
        if block is not None and settings.get("in_mortality_kind") == "qx":
            above_one = np.argwhere(block.values[:-1] > 1.0)
            for i, j in above_one[:MAX_PROBLEMS_PER_TABLE]:
                out.add(_where(refs[name], 1 + i, 1 + j),
                        f"a death probability q_x must be at most 1, found {block.values[i, j]:g}")
    _pension_checks(settings, blocks, refs, out)
    pattern = blocks.get("in_fert_pattern")
    if pattern is not None:
        sums = np.nansum(pattern.values, axis=0)
        for j, total in enumerate(sums):
            if not total > 0:
                out.add(_where(refs["in_fert_pattern"], 0, 1 + j),
                        "the fertility pattern of this anchor year sums to zero: expected percentages summing to 100")


def _pension_checks(settings: dict, blocks: dict[str, Block], refs: dict[str, RangeRef], out: _Collector):
    """Scheme tables: same groups where they must agree, service possible at each age, early <= normal age."""
    def same_labels(first, second, axis):
        if first not in blocks or second not in blocks:
            return
        want = blocks[first].row_labels if axis == "row" else blocks[first].col_labels
        got = blocks[second].row_labels if axis == "row" else blocks[second].col_labels
        if want == got:
            return
        k = next((k for k, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
        where = _where(refs[second], 1 + k, 0) if axis == "row" else _where(refs[second], 0, 1 + k)
        what = "age groups (first column)" if axis == "row" else "service groups (header row)"
        expected = want[k] if k < len(want) else "no further group"
        found = got[k] if k < len(got) else "no further group"
        out.add(where, f"the {what} of {second} must equal those of {first}: expected {expected}, found {found}")

    for other in ("in_actives_female", "in_inactive_male", "in_inactive_female", "in_active_earnings"):
        same_labels("in_actives_male", other, "row")
    for other in ("in_actives_female", "in_inactive_male", "in_inactive_female"):
        same_labels("in_actives_male", other, "col")
    same_labels("in_pensioners", "in_pension_amounts", "row")
    same_labels("in_coverage_male", "in_coverage_female", "col")
    min_age = settings.get("in_min_working_age")
    for name in ("in_actives_male", "in_actives_female", "in_inactive_male", "in_inactive_female"):
        block = blocks.get(name)
        if block is None or min_age is None:
            continue
        age_ends = [b - 1 for b in block.row_labels[1:]] + [None]
        for i, j in np.argwhere(block.values > 0):
            oldest = age_ends[i]
            if oldest is not None and block.col_labels[j] > oldest - min_age:
                out.add(_where(refs[name], 1 + i, 1 + j),
                        f"{block.values[i, j]:g} persons aged {block.row_labels[i]}-{oldest} cannot have "
                        f"{block.col_labels[j]} or more years of service (service starts at the minimum "
                        f"working age, {min_age})")
    for name in ("in_lfpr_male", "in_lfpr_female"):
        block = blocks.get(name)
        if block is None or min_age is None:
            continue
        for i, j in np.argwhere(block.values[:min_age] > 0)[:MAX_PROBLEMS_PER_TABLE]:
            out.add(_where(refs[name], 1 + i, 1 + j),
                    f"participation must be 0 below the minimum working age {min_age} (sheet 'Labour force'), "
                    f"found {block.values[i, j]:g} at age {block.row_labels[i]}")
    rules = blocks.get("in_rules")
    if rules is not None:
        labels = [label for label, *_ in RULE_ROWS]
        retirement = blocks.get("in_retirement")
        if retirement is not None and retirement.col_labels == rules.col_labels:
            for k, sex in enumerate(("males", "females")):
                exit_age = retirement.values[4 + k]
                normal = rules.values[labels.index(f"normal retirement age, {sex}")]
                for j in np.flatnonzero(exit_age < normal)[:MAX_PROBLEMS_PER_TABLE]:
                    out.add(_where(refs["in_retirement"], 5 + k, 1 + j),
                            f"the age by which every active leaves ({exit_age[j]:g}) must not be below the normal "
                            f"retirement age ({normal[j]:g}) of {retirement.col_labels[j]}")
        for sex in ("males", "females"):
            early = rules.values[labels.index(f"early retirement age, {sex}")]
            normal = rules.values[labels.index(f"normal retirement age, {sex}")]
            for j in np.flatnonzero(early > normal)[:MAX_PROBLEMS_PER_TABLE]:
                out.add(_where(refs["in_rules"], 1 + labels.index(f"early retirement age, {sex}"), 1 + j),
                        f"the early retirement age ({early[j]:g}) must not be above the normal retirement age "
                        f"({normal[j]:g}) of {rules.col_labels[j]}")


_YEAR_TABLES = {t.name for t in INPUT_TABLES if t.cols == YEAR}
_AGE_TABLES = {t.name for t in INPUT_TABLES if t.rows == AGE}


def read_inputs(book) -> ReadResult:
    """Validate and read every input of ``book``; raise InputError listing all problems."""
    out = _Collector()
    sheets = set(book.sheet_names())
    settings = {}
    for spec in ALL_SETTINGS:
        if spec.sheet not in sheets:
            continue
        settings[spec.name] = _read_setting(book, spec, out)
    blocks, refs = {}, {}
    missing_sheets = sorted({t.sheet for t in INPUT_TABLES if _needed(t, settings)} - sheets
                            | ({s.sheet for s in ALL_SETTINGS} - sheets))
    for sheet in missing_sheets:
        out.add(f"sheet '{sheet}'", "missing: the workbook must contain this input sheet")
    for spec in INPUT_TABLES:
        if spec.sheet in missing_sheets or not _needed(spec, settings):
            continue
        block = _read_table(book, spec, out)
        if block is not None:
            blocks[spec.name] = block
            refs[spec.name] = book.named_range(spec.name)
    if not out.problems:
        _cross_checks(settings, blocks, refs, out)
    if out.problems:
        raise InputError(out.problems)
    return ReadResult(inputs_from(settings, blocks), tuple(out.warnings))


def _needed(spec: InputTable, settings: dict) -> bool:
    if spec.required_if is None:
        return True
    name, value = spec.required_if
    return settings.get(name) == value


def read_scenarios(book, where_prefix: str = "") -> list:
    """Scenarios of the Scenarios sheet: rows (scenario, parameter, value), blank rows skipped.

    A scenario is every row with its name, in order of first appearance.  Unknown parameters
    are reported with the closest valid names; every problem is reported together.
    """
    from socsec.model.overrides import OverrideError, lookup
    from socsec.model.scenarios import BASE, Scenario

    ref = book.named_range(SCENARIOS_RANGE)
    if ref is None:
        return []  # a workbook without a Scenarios sheet has only the base
    out = _Collector()
    raw = book.read(ref)
    if [str(v).strip().lower() if v is not None else None for v in raw[0][1:4]] != list(SCENARIO_COLUMNS):
        out.add(_where(ref, 0, 1), f"expected column headers {', '.join(SCENARIO_COLUMNS)}")
        raise InputError(out.problems)
    scenarios: dict[str, list] = {}
    for i, row in enumerate(raw[1:], start=1):
        name, parameter, value = (row + [None] * 4)[1:4]
        if name is None and parameter is None and value is None:
            continue
        label = str(name).strip() if name is not None else ""
        if not label:
            out.add(_where(ref, i, 1), "expected a scenario name, found an empty cell")
            continue
        if label.lower() == BASE:
            out.add(_where(ref, i, 1), f"'{BASE}' is the name of the inputs as entered: choose another name")
            continue
        try:
            lookup(str(parameter) if parameter is not None else "")
        except OverrideError as exc:
            out.add(_where(ref, i, 2), str(exc))
            continue
        number = _as_number(value)
        if number is None:
            out.add(_where(ref, i, 3), f"expected a number for {parameter}, found {_describe(value)}")
            continue
        override = lookup(str(parameter))
        if not override.accepts(number):
            out.add(_where(ref, i, 3), f"{override.name} must be {override.rule()} ({override.units}), found {number:g}")
            continue
        if "whole" in override.units and number != int(number):
            out.add(_where(ref, i, 3), f"{override.name} must be a whole number ({override.units}), found {number:g}")
            continue
        scenarios.setdefault(label, []).append((str(parameter).strip(), number))
    if out.problems:
        raise InputError([Problem(f"{where_prefix}{p.where}", p.message) for p in out.problems])
    return [Scenario(name, tuple(pairs)) for name, pairs in scenarios.items()]


def open_and_read(path) -> tuple[ReadResult, FileBook]:
    """Read and validate the inputs of an .xlsx/.xlsm file; return them with the loaded book
    (formulas kept, ready to be copied into a results workbook).  Problems and warnings name
    the file too.  Input cells holding formulas are read as the values Excel last saved."""
    book = FileBook(path)
    try:
        try:
            result = read_inputs(book)
        except InputError:
            if not book.formula_cells:
                raise
        if book.formula_cells:  # read the values Excel saved for the formula cells
            result = read_inputs(FileBook(path, formulas=False, formula_cells=frozenset(book.formula_cells)))
    except InputError as exc:
        raise InputError([Problem(f"{book.path.name}, {p.where}", p.message) for p in exc.problems]) from None
    warnings = tuple(Problem(f"{book.path.name}, {w.where}", w.message) for w in result.warnings)
    scenarios = tuple(read_scenarios(book, f"{book.path.name}, "))
    return ReadResult(result.inputs, warnings, scenarios), book


def read_workbook(path) -> ReadResult:
    """Read and validate the inputs of an .xlsx/.xlsm file (see :func:`open_and_read`)."""
    return open_and_read(path)[0]
