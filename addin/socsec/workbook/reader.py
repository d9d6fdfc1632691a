"""Read and validate the inputs of a workbook (any book backend).

Every problem is reported with its sheet and cell, what was expected and what was found;
all problems (cells, tables, the Scenarios sheet, checks between tables) are gathered in one
pass and raised together as one :class:`~socsec.errors.InputError`.  Before a table is read,
its name must lie within the contract's shape (:func:`socsec.workbook.contract.axis_limit`);
years, anchor years, ages or groups typed next to a table are read with it, anything else typed
right of or below a table is an error naming the cells; rows and columns with fixed labels are
matched by label.  Plausible ranges (:data:`socsec.workbook.contract.PLAUSIBLE`) give warnings,
one per table row, or refuse impossible magnitudes.
"""

import functools
import math
import numbers
from dataclasses import dataclass, field, replace

import numpy as np

from socsec import bounds
from socsec.errors import InputError, Problem
from socsec.model.inputs import ModelInputs
from socsec.workbook.book import EXCEL_COLS, EXCEL_ROWS, FileBook, RangeRef
from socsec.workbook.contract import (AGE, ALL_SETTINGS, EXTENDABLE_AXES, FERTILE_AGE, GROUP_START, INPUT_TABLES,
                                      FIELD_ROWS, PLACEHOLDERS, PLAUSIBLE, RETIREMENT_ROWS, RULE_ROWS, SCENARIO_COLUMNS,
                                      SCENARIO_MAX_ROWS, SCENARIOS_RANGE, YEAR, InputTable, Setting, axis_limit, row_of)
from socsec.workbook.tables import Block, inputs_from

MAX_PROBLEMS_PER_TABLE = 8


@dataclass(frozen=True)
class ReadResult:
    """Validated inputs, the scenarios of the Scenarios sheet, the warnings found while reading
    (accepted, but worth a look) and the ranges of tables read beyond their names (name -> RangeRef)."""

    inputs: ModelInputs
    warnings: tuple
    scenarios: tuple = ()
    extents: dict = field(default_factory=dict)


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
            from socsec.workbook.contract import STOCHASTIC_TABLES
            sheet = next((t.sheet for t in INPUT_TABLES + STOCHASTIC_TABLES if t.name == table), "Scenarios")
            self.problems.append(Problem(f"sheet '{sheet}', table {table}",
                                         f"... and {extra} more problems in this table"))


@dataclass(frozen=True)
class Located:
    """A table's range as read, with its data rows and columns in the declared order:
    ``address(r, c)`` is the cell of the r-th row and c-th column (0: header row / label column),
    wherever fixed-label rows or columns actually are on the sheet."""

    ref: RangeRef
    rows_at: tuple  # offset from the header row of each data row, in declared order
    cols_at: tuple  # offset from the label column of each data column, in declared order

    @property
    def sheet(self) -> str:
        return self.ref.sheet

    @property
    def n_rows(self) -> int:
        return 1 + len(self.rows_at)

    @property
    def n_cols(self) -> int:
        return 1 + len(self.cols_at)

    def address(self, row: int = 0, col: int = 0) -> str:
        r = self.rows_at[row - 1] if 0 < row <= len(self.rows_at) else row
        c = self.cols_at[col - 1] if 0 < col <= len(self.cols_at) else col
        return self.ref.address(r, c)


def _where(ref, row: int = 0, col: int = 0) -> str:
    return f"sheet '{ref.sheet}', cell {ref.address(row, col)}"


def _row_cell(ref, i: int, k: int) -> str:
    """Where the k-th value (from 0) of the i-th row (from 0) of a table is."""
    return _where(ref, 1 + i, 1 + k)


def _span(ref: RangeRef) -> str:
    return f"{ref.sheet}!{ref.address()}:{ref.address(ref.n_rows - 1, ref.n_cols - 1)}"


def _named(name: str, sheet: str, ref: RangeRef | None = None) -> str:
    """Where a problem with a whole name is: "sheet 'S', name in_x (S!A5:C20)"."""
    return f"sheet '{sheet}', name {name}" + (f" ({_span(ref)})" if ref is not None else "")


def _describe(value) -> str:
    if value is None:
        return "an empty cell"
    if isinstance(value, str):
        return f"text {value[:60]!r}" + ("..." if len(value) > 60 else "")
    if isinstance(value, int) and not isinstance(value, bool) and _as_number(value) is None:
        return f"a number of {len(str(abs(value)))} digits, too large for the model"
    return repr(value)


def _as_number(value):
    """The float value of a numeric cell, or None (bools, text, non-finite or huge numbers are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        value = float(value)
    except OverflowError:  # an integer beyond the range of a float
        return None
    return value if math.isfinite(value) else None


def _as_int(value):
    number = _as_number(value)
    if number is None or number != int(number):
        return None
    return int(number)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _one_cell(book, name: str, sheet: str, what: str, out: _Collector):
    """The range a name points to, if it is one cell (a setting); else None and a problem."""
    ref = book.named_range(name)
    if ref is None:
        out.add(_named(name, sheet), f"missing: expected a cell named '{name}' ({what})")
        return None
    if ref.n_rows != 1 or ref.n_cols != 1:
        out.add(_named(name, ref.sheet, ref), f"expected one cell ({what}), found a range of {ref.n_rows} x "
                                               f"{ref.n_cols} cells: correct the name (Formulas > Name Manager)")
        return None
    return ref


def _read_setting(book, spec: Setting, out: _Collector):
    ref = _one_cell(book, spec.name, spec.sheet, f"{spec.label} on sheet '{spec.sheet}'", out)
    if ref is None:
        return None
    value = book.read(ref)[0][0]
    where = f"{_where(ref)} ({spec.label})"
    if spec.kind == "text":
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or str(value).strip() == "":
            out.add(where, f"expected a name, found {_describe(value)}")
            return None
        if str(value).strip() == PLACEHOLDERS.get(spec.name):
            out.add(where, f"still the template's placeholder {value!r}: type the {spec.label.lower()}")
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


def _match_labels(spec: InputTable, want: tuple, got: list, where_of, what: str, out: _Collector):
    """Offsets of the declared labels ``want`` among the labels found (matched without regard to case
    or order); a label that is not declared, found twice or missing is a problem.  A position
    without a label is skipped (the caller checks that it holds nothing)."""
    keys = {label.lower(): label for label in want}
    found: dict[str, int] = {}
    for k, label in enumerate(got):
        if _is_empty(label):
            continue
        key = str(label).strip().lower()
        if key not in keys:
            out.add(where_of(k), f"{_describe(label)} is not a {what} of {spec.title}; its {what}s are: "
                                 f"{', '.join(want)}", spec.name)
        elif key in found:
            out.add(where_of(k), f"{what} '{keys[key]}' appears twice (first at {where_of(found[key])})", spec.name)
        else:
            found[key] = k
    missing = [label for label in want if label.lower() not in found]
    if missing:
        out.add(_named(spec.name, spec.sheet), f"missing {what}(s): {', '.join(missing)}", spec.name)
        return None
    return [found[label.lower()] for label in want]


def _check_row_labels(spec: InputTable, ref: RangeRef, labels: list, out: _Collector):
    """Row labels (column A of the block): ages, fertile ages or fixed labels; returns (labels, offsets)."""
    if isinstance(spec.rows, tuple):
        at = _match_labels(spec, spec.rows, labels, lambda k: _where(ref, 1 + k, 0), "row", out)
        return (tuple(spec.rows), at) if at is not None else (None, None)
    every = list(range(len(labels)))
    if spec.rows == GROUP_START:
        groups = _increasing_integers(spec, ref, labels, out, by_row=True, what="first ages of age groups")
        return groups, every
    ages = []
    for i, got in enumerate(labels):
        age = _parse_age(got, last=(i == len(labels) - 1 and spec.rows == AGE))
        if age is None:
            out.add(_where(ref, 1 + i, 0), f"expected an age (whole number), found {_describe(got)}",
                    spec.name)
            return None, None
        ages.append(age)
    first = 0 if spec.rows == AGE else ages[0] if ages else 0
    expected = list(range(first, first + len(ages)))
    if ages != expected:
        bad = next(i for i, (a, e) in enumerate(zip(ages, expected)) if a != e)
        out.add(_where(ref, 1 + bad, 0),
                f"ages must be consecutive single years starting at {first}: expected {expected[bad]}, "
                f"found {ages[bad]}", spec.name)
        return None, None
    if spec.rows == AGE and len(ages) < 3:
        out.add(_named(spec.name, ref.sheet), "expected at least ages 0, 1 and an open group",
                spec.name)
        return None, None
    if spec.rows == FERTILE_AGE and (ages[0] < 10 or ages[-1] > 55):
        out.add(_where(ref, 1, 0), f"fertile ages must lie within 10..55, found {ages[0]}..{ages[-1]}",
                spec.name)
        return None, None
    return tuple(ages), every


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
        out.add(_named(spec.name, ref.sheet), f"expected at least one row of {what}", spec.name)
        return None
    return tuple(values)


def _check_col_labels(spec: InputTable, ref: RangeRef, labels: list, out: _Collector):
    """Column labels (header row of the block): years, anchor years or fixed labels; returns (labels, offsets)."""
    every = list(range(len(labels)))
    if spec.cols == GROUP_START:
        groups = _increasing_integers(spec, ref, labels, out, by_row=False, what="first years of service groups")
        return groups, every
    if isinstance(spec.cols, tuple):
        at = _match_labels(spec, spec.cols, labels, lambda k: _where(ref, 0, 1 + k), "column", out)
        return (tuple(spec.cols), at) if at is not None else (None, None)
    years = []
    for j, got in enumerate(labels):
        year = _as_int(got)
        if year is None:
            out.add(_where(ref, 0, 1 + j), f"expected a year in the header, found {_describe(got)}",
                    spec.name)
            return None, None
        years.append(year)
    if not years:
        out.add(_named(spec.name, ref.sheet), "expected at least one year column", spec.name)
        return None, None
    for j in range(1, len(years)):
        step_ok = years[j] == years[j - 1] + 1 if spec.cols == YEAR else years[j] > years[j - 1]
        if not step_ok:
            what = "consecutive years" if spec.cols == YEAR else "strictly increasing anchor years"
            out.add(_where(ref, 0, 1 + j), f"expected {what}: after {years[j - 1]} found {years[j]}",
                    spec.name)
            return None, None
    return tuple(years), every


def _check_values(spec: InputTable, ref: Located, rows: list, out: _Collector) -> np.ndarray:
    """Every value cell: a number within the table's legal range (``rows`` in declared order)."""
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
            values[i, j] = number
    return values


def _within_limits(name: str, ref: RangeRef, max_rows: int, max_cols: int, what: str, out: _Collector) -> bool:
    """A name no larger than its table can be (checked before any cell is read)."""
    if ref.n_rows <= max_rows and ref.n_cols <= max_cols:
        return True
    whole = " (whole rows or columns)" if ref.n_rows == EXCEL_ROWS or ref.n_cols == EXCEL_COLS else ""
    out.add(_named(name, ref.sheet, ref), f"covers {ref.n_rows:,} rows x {ref.n_cols:,} columns{whole}; {what} "
                                           f"has at most {max_rows} rows x {max_cols} columns: correct the name "
                                           "(Formulas > Name Manager)")
    return False


def _leading(values: list) -> int:
    """Number of non-empty values at the start of a list."""
    return next((k for k, v in enumerate(values) if _is_empty(v)), len(values))


def _extended(book, spec: InputTable, ref: RangeRef) -> RangeRef:
    """The table's range grown over labels typed next to its name: year, anchor-year or group columns
    right of the header row, age or group rows below the label column (up to the contract's limit)."""
    if spec.cols in EXTENDABLE_AXES:
        last = min(ref.min_col + axis_limit(spec.cols), EXCEL_COLS)
        if ref.max_col < last:
            header = book.read(RangeRef(ref.sheet, ref.min_row, ref.max_col + 1, ref.min_row, last))[0]
            ref = replace(ref, max_col=ref.max_col + _leading(header))
    if spec.rows in EXTENDABLE_AXES:
        last = min(ref.min_row + axis_limit(spec.rows), EXCEL_ROWS)
        if ref.max_row < last:
            labels = [row[0] for row in book.read(RangeRef(ref.sheet, ref.max_row + 1, ref.min_col, last,
                                                           ref.min_col))]
            ref = replace(ref, max_row=ref.max_row + _leading(labels))
    return ref


def _with_fringe(book, ref: RangeRef) -> tuple[list, list]:
    """One read of the range with the column right of it and the row below it: (the range's values, the
    fringe as (address, value) pairs of its non-empty cells)."""
    right, below = ref.max_col < EXCEL_COLS, ref.max_row < EXCEL_ROWS
    raw = book.read(replace(ref, max_col=ref.max_col + right, max_row=ref.max_row + below))
    fringe = []
    if right:
        fringe += [(ref.address(i, ref.n_cols), row[-1]) for i, row in enumerate(raw[:ref.n_rows])]
    if below:
        fringe += [(ref.address(ref.n_rows, j), v) for j, v in enumerate(raw[-1][:ref.n_cols])]
    values = [row[:ref.n_cols] for row in raw[:ref.n_rows]]
    return values, [(address, v) for address, v in fringe if not _is_empty(v)]


def _check_fringe(ref: RangeRef, cells: list, title: str, name: str, out: _Collector):
    """Nothing typed in the column right of a table or the row below it (``cells``: the non-empty ones):
    values there belong to no table (a column or row shifted against the labels, or data beyond the name)."""
    if cells:
        listing = ", ".join(address for address, _ in cells[:6]) + (f" and {len(cells) - 6} more" if len(cells) > 6
                                                                     else "")
        out.add(f"sheet '{ref.sheet}', cell {cells[0][0]}",
                f"{len(cells)} value(s) next to {title} ({name}, {_span(ref)}) belong to no table ({listing}; "
                f"first: {_describe(cells[0][1])}): a column or row shifted against the labels, or values beyond "
                "the table; move them into the table or delete them", name)


def _read_table(book, spec: InputTable, out: _Collector) -> tuple[Block | None, Located | None]:
    ref = book.named_range(spec.name)
    if ref is None:
        out.add(_named(spec.name, spec.sheet), f"missing: expected a range named '{spec.name}' on sheet "
                                     f"'{spec.sheet}' ({spec.title})")
        return None, None
    if ref.n_rows < 2 or ref.n_cols < 2:
        out.add(_named(spec.name, ref.sheet, ref),
                "expected a header row and a label column around the data")
        return None, None
    if not _within_limits(spec.name, ref, 1 + axis_limit(spec.rows), 1 + axis_limit(spec.cols), spec.title, out):
        return None, None
    raw, fringe = _with_fringe(book, ref)
    labels_beyond = [address for address, _ in fringe if (spec.cols in EXTENDABLE_AXES and address == ref.address(
        0, ref.n_cols)) or (spec.rows in EXTENDABLE_AXES and address == ref.address(ref.n_rows, 0))]
    if labels_beyond:  # years, ages or groups typed next to the table: read them with it (rare: a second read)
        ref = _extended(book, spec, ref)
        raw, fringe = _with_fringe(book, ref)
    _check_fringe(ref, fringe, spec.title, spec.name, out)
    rows, rows_at = _check_row_labels(spec, ref, [r[0] for r in raw[1:]], out)
    cols, cols_at = _check_col_labels(spec, ref, raw[0][1:], out)
    if rows is None or cols is None:
        out.finish_table(spec.name)
        return None, None
    located = Located(ref, tuple(1 + i for i in rows_at), tuple(1 + j for j in cols_at))
    _check_unlabelled(spec, ref, raw, set(rows_at), set(cols_at), out)
    values = _check_values(spec, located, [[raw[1 + i][1 + j] for j in cols_at] for i in rows_at], out)
    out.finish_table(spec.name)
    return Block(rows, cols, values), located


def _check_unlabelled(spec: InputTable, ref: RangeRef, raw: list, rows_at: set, cols_at: set, out: _Collector):
    """Rows or columns without a label inside a fixed-label table (e.g. a row inserted) must be empty."""
    for i in range(len(raw) - 1):
        for j in range(len(raw[0]) - 1):
            if (i not in rows_at or j not in cols_at) and not _is_empty(raw[1 + i][1 + j]):
                what = "row" if i not in rows_at else "column"
                out.add(_where(ref, 1 + i, 1 + j), f"{_describe(raw[1 + i][1 + j])} in a {what} without a label "
                                                   f"inside {spec.title}: label the {what} or delete it", spec.name)


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
        listing = ", ".join(f"{n} (sheet '{refs[n].sheet}') to {o}+" for n, o in omegas.items())
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
            if not total > 0 and not np.isnan(pattern.values[:, j]).any():  # empty cells are reported already
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
        def rule(field):
            return rules.values[row_of(RULE_ROWS, field)]

        retirement = blocks.get("in_retirement")
        if retirement is not None and retirement.col_labels == rules.col_labels:
            for sex in ("male", "female"):
                row = row_of(RETIREMENT_ROWS, f"exit_age_{sex}")
                exit_age, normal = retirement.values[row], rule(f"normal_age_{sex}")
                for j in np.flatnonzero(exit_age < normal)[:MAX_PROBLEMS_PER_TABLE]:
                    out.add(_where(refs["in_retirement"], 1 + row, 1 + j),
                            f"the age by which every active leaves ({exit_age[j]:g}) must not be below the normal "
                            f"retirement age ({normal[j]:g}) of {retirement.col_labels[j]}")
        for sex in ("male", "female"):
            early, normal = rule(f"early_age_{sex}"), rule(f"normal_age_{sex}")
            for j in np.flatnonzero(early > normal)[:MAX_PROBLEMS_PER_TABLE]:
                out.add(_where(refs["in_rules"], 1 + row_of(RULE_ROWS, f"early_age_{sex}"), 1 + j),
                        f"the early retirement age ({early[j]:g}) must not be above the normal retirement age "
                        f"({normal[j]:g}) of {rules.col_labels[j]}")


_YEAR_TABLES = {t.name for t in INPUT_TABLES if t.cols == YEAR}
_AGE_TABLES = {t.name for t in INPUT_TABLES if t.rows == AGE}


def read_inputs(book) -> ReadResult:
    """Validate and read every input of ``book`` and its Scenarios sheet; raise InputError listing
    all problems (cells, tables, scenarios and checks between tables, in one pass)."""
    out = _Collector()
    sheets = set(book.sheet_names())
    settings = {}
    blocks, refs = {}, {}
    for spec in ALL_SETTINGS:
        if spec.sheet not in sheets:
            continue
        settings[spec.name] = _read_setting(book, spec, out)
        if settings[spec.name] is not None:
            refs[spec.name] = book.named_range(spec.name)
    missing_sheets = sorted({t.sheet for t in INPUT_TABLES if _needed(t, settings)} - sheets
                            | ({s.sheet for s in ALL_SETTINGS} - sheets))
    for sheet in missing_sheets:
        out.add(f"sheet '{sheet}'", "missing: the workbook must contain this input sheet")
    extents = {}
    for spec in INPUT_TABLES:
        if spec.sheet in missing_sheets or not _needed(spec, settings):
            continue
        block, located = _read_table(book, spec, out)
        if block is not None:
            blocks[spec.name] = block
            refs[spec.name] = located
            if located.ref != book.named_range(spec.name):
                extents[spec.name] = located.ref
    scenarios = _read_scenarios(book, out)
    _cross_checks(settings, blocks, refs, out)
    _plausibility(settings, blocks, refs, out)
    if out.problems:
        raise InputError(out.problems)
    return ReadResult(inputs_from(settings, blocks), tuple(out.warnings), tuple(scenarios), extents)


def _needed(spec: InputTable, settings: dict) -> bool:
    if spec.required_if is None:
        return True
    name, value = spec.required_if
    return settings.get(name) == value


# --- plausibility ------------------------------------------------------------------------------------

def _plausibility(settings: dict, blocks: dict[str, Block], refs: dict, out: _Collector):
    """Each declared plausible range (:data:`~socsec.workbook.contract.PLAUSIBLE`) over the settings and
    tables read: one warning per table row (or table) outside it, an error per cell beyond its refusal
    bounds."""
    for key, rule in PLAUSIBLE.items():
        scale = 1.0
        if rule.per is not None:
            scale = settings.get(rule.per)
            if scale is None or not scale > 0:
                continue  # the reference amount is itself missing or wrong (reported already)
        for label, values, where_of, table in _plausibility_groups(key, settings, blocks, refs):
            _check_plausible(label, values, where_of, table, rule, scale, out)


def _plausibility_groups(key, settings: dict, blocks: dict[str, Block], refs: dict):
    """(label, values, cell of value k, table name) of each group a plausible range applies to: a setting,
    one row or column of a table, each row of a table with fixed row labels, or a whole table."""
    from socsec.workbook.contract import input_table, setting

    name, item = key if isinstance(key, tuple) else (key, None)
    if name in settings:
        ref_value = settings[name]
        if isinstance(ref_value, float):
            yield None, np.array([ref_value]), lambda k: f"{_where(refs[name])} ({setting(name).label})", None
        return
    block, ref = blocks.get(name), refs.get(name)
    if block is None:
        return
    spec = input_table(name)
    if item is not None:  # a row of a table of fields, found by its field
        i = row_of(FIELD_ROWS[name], item)
        yield block.row_labels[i], block.values[i], lambda k: _where(ref, 1 + i, 1 + k), name
        return
    if isinstance(spec.rows, tuple):
        for i, label in enumerate(block.row_labels):
            yield label, block.values[i], functools.partial(_row_cell, ref, i), name
        return
    n_cols = block.values.shape[1]
    yield spec.title, block.values.ravel(), lambda k: _where(ref, 1 + k // n_cols, 1 + k % n_cols), name


def _check_plausible(label: str, values: np.ndarray, where_of, table, rule, scale: float, out: _Collector):
    """Refuse values beyond the refusal bounds (per cell); warn once about values outside the usual range."""
    def outside(low, high):
        with np.errstate(invalid="ignore"):
            mask = np.zeros(values.shape, dtype=bool)
            if low is not None:
                mask |= values < low * scale
            if high is not None:
                mask |= values > high * scale
        return mask

    per = "" if rule.per is None else f" x the {rule.per.removeprefix('in_').replace('_', ' ')}"
    label = f"{label}: " if label else ""
    refused = outside(rule.refuse_low, rule.refuse_high)
    for k in np.flatnonzero(refused):
        out.add(where_of(k), f"{label}{values[k]:g} is beyond any plausible value "
                             f"({_range_text(rule.refuse_low, rule.refuse_high)}{per}){_hint(rule, values[k])}",
                table)
    unusual = np.flatnonzero(outside(rule.low, rule.high) & ~refused)
    if len(unusual):
        first, last = where_of(unusual[0]), where_of(unusual[-1])
        where = first if len(unusual) == 1 else f"{first} to {last.rsplit('cell ', 1)[-1]}"
        found = values[unusual]
        if len(found) == 1:
            shown = f"{found[0]:g}"
        elif found.min() == found.max():
            shown = f"{len(found)} values of {found[0]:g}"
        else:
            shown = f"{len(found)} values from {found.min():g} to {found.max():g}"
        out.warnings.append(Problem(where, f"{label}{shown}, outside the usual range "
                                           f"({_range_text(rule.low, rule.high)}{per}){_hint(rule, found[0])}; "
                                           "accepted, but check it"))


def _range_text(low, high) -> str:
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    return f"at least {low:g}" if low is not None else f"at most {high:g}"


def _hint(rule, value: float) -> str:
    """For a rate typed as a percentage: " -- did you mean 2.5% = 0.025?"."""
    if rule.percent and bounds.within(value / 100.0, rule.low, rule.high) and abs(value) >= 1:
        return f" -- did you mean {value:g}% = {value / 100:g}?"
    return ""


# --- the Scenarios sheet -----------------------------------------------------------------------------

def _read_scenarios(book, out: _Collector) -> list:
    """Scenarios of the Scenarios sheet: rows (scenario, parameter, value), blank rows skipped; rows
    typed below the name are read too (up to SCENARIO_MAX_ROWS).

    A scenario is every row with its name, in order of first appearance.  Unknown parameters
    are reported with the closest valid names.
    """
    from socsec.model.scenarios import BASE, Scenario

    table = free_rows(book, SCENARIOS_RANGE, SCENARIO_COLUMNS, SCENARIO_MAX_ROWS, "the Scenarios table", out)
    if table is None:
        return []  # a workbook without a Scenarios sheet has only the base
    ref, rows = table
    scenarios: dict[str, list] = {}
    for i, row in rows:
        name, parameter, value = row[:3]
        label = str(name).strip() if name is not None else ""
        if not label:
            out.add(_where(ref, i, 1), "expected a scenario name, found an empty cell")
            continue
        if label.lower() == BASE:
            out.add(_where(ref, i, 1), f"'{BASE}' is the name of the inputs as entered: choose another name")
            continue
        checked = override_value(parameter, value, _where(ref, i, 2), _where(ref, i, 3), out)
        if checked is not None:
            scenarios.setdefault(label, []).append((str(parameter).strip(), checked[1]))
    return [Scenario(name, tuple(pairs)) for name, pairs in scenarios.items()]


def free_rows(book, name: str, columns: tuple, max_rows: int, title: str, out: _Collector):
    """The range ``name`` (a header row "#, columns..." and free rows) and its non-blank rows as (offset
    from the header, [value of each column]); rows typed below the name are read too (up to
    ``max_rows``).  None if there is no such name or the table's shape is wrong (reported)."""
    ref = book.named_range(name)
    if ref is None:
        return None
    width = 1 + len(columns)
    if not _within_limits(name, ref, 1 + max_rows, width, title, out):
        return None
    if ref.n_rows < 1 or ref.n_cols < width:
        out.add(_named(name, ref.sheet, ref), f"expected {width} columns: #, {', '.join(columns)}")
        return None
    raw, fringe = _with_fringe(book, ref)
    last = min(ref.min_row + max_rows, EXCEL_ROWS)
    if any(address == ref.address(ref.n_rows, j) for address, _ in fringe for j in range(1, width)) and \
            ref.max_row < last:  # rows typed below the name: read them too
        below = book.read(RangeRef(ref.sheet, ref.max_row + 1, ref.min_col + 1, last, ref.max_col))
        filled = [k for k, row in enumerate(below) if any(not _is_empty(v) for v in row)]
        ref = replace(ref, max_row=ref.max_row + 1 + filled[-1])
        raw, fringe = _with_fringe(book, ref)
    _check_fringe(ref, fringe, title, name, out)
    if [str(v).strip().lower() if v is not None else None for v in raw[0][1:width]] != list(columns):
        out.add(_where(ref, 0, 1), f"expected column headers {', '.join(columns)}")
        return None
    rows = [(i, (row + [None] * width)[1:width]) for i, row in enumerate(raw[1:], start=1)]
    return ref, [(i, row) for i, row in rows if not all(_is_empty(v) for v in row)]


def override_value(parameter, value, where_parameter: str, where_value: str, out: _Collector):
    """(Override, number) of a parameter name and a cell value, or None with the problem reported: an
    unknown name (with the closest valid names), a value that is not a number or that the override does
    not accept (outside its bounds, a fraction of a whole-number parameter)."""
    from socsec.model.overrides import OverrideError, lookup

    try:
        override = lookup(str(parameter) if parameter is not None else "")
    except OverrideError as exc:
        out.add(where_parameter, str(exc))
        return None
    number = _as_number(value)
    if number is None:
        out.add(where_value, f"expected a number for {parameter}, found {_describe(value)}")
        return None
    if not override.accepts(number):
        out.add(where_value, f"{override.name} must be {override.rule()} ({override.units}), found {number:g}")
        return None
    if override.whole and number != int(number):
        out.add(where_value, f"{override.name} must be a whole number ({override.units}), found {number:g}")
        return None
    return override, number


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
    return replace(result, warnings=warnings), book


def read_workbook(path) -> ReadResult:
    """Read and validate the inputs of an .xlsx/.xlsm file (see :func:`open_and_read`)."""
    return open_and_read(path)[0]


# --- inputs made in Python (overrides) validated as a workbook's --------------------------------------

class _MemoryWriter:
    """The part of :class:`~socsec.workbook.writer.BookWriter` that :func:`~socsec.workbook.layout.put_table`
    uses, recording values and names in memory."""

    def __init__(self):
        self.cells: dict = {}  # sheet -> {(row, column): value}
        self.names: dict = {}

    def write(self, sheet, row, col, values, style=None):
        cells = self.cells.setdefault(sheet, {})
        for i, line in enumerate(values):
            for j, value in enumerate(line):
                cells[row + i, col + j] = value

    def number_format(self, *args):
        pass

    def row_height(self, *args):
        pass

    def define_name(self, name, sheet, min_row, min_col, max_row, max_col):
        self.names[name] = RangeRef(sheet, min_row, min_col, max_row, max_col)


class MemoryBook:
    """The reader's book interface over :class:`ModelInputs` laid out as the builder lays them out, in
    memory: inputs made in Python (a scenario's overrides, ``--set``) are validated exactly as a
    workbook's."""

    def __init__(self, inputs: ModelInputs):
        from socsec.workbook.contract import INPUT_SHEETS
        from socsec.workbook.layout import put_table
        from socsec.workbook.tables import blocks_of, settings_of

        writer = _MemoryWriter()
        values, blocks = settings_of(inputs), blocks_of(inputs)
        for sheet in INPUT_SHEETS:
            row = 1
            for spec in (s for s in ALL_SETTINGS if s.sheet == sheet):
                writer.write(sheet, row, 2, [[values[spec.name]]])
                writer.define_name(spec.name, sheet, row, 2, row, 2)
                row += 1
            for spec in (t for t in INPUT_TABLES if t.sheet == sheet):
                block = blocks[spec.name]
                row = put_table(writer, sheet, row + 1, spec.name, spec.title, "", spec.units, None, "",
                                block.row_labels, block.col_labels, block.values, is_input=True)
        self.cells, self.names = writer.cells, writer.names

    def sheet_names(self) -> list[str]:
        return list(self.cells)

    def named_range(self, name: str) -> RangeRef | None:
        return self.names.get(name)

    def read(self, ref: RangeRef) -> list[list]:
        cells = self.cells.get(ref.sheet, {})
        return [[cells.get((r, c)) for c in range(ref.min_col, ref.max_col + 1)]
                for r in range(ref.min_row, ref.max_row + 1)]


def validate_inputs(inputs: ModelInputs) -> tuple:
    """Validate inputs built in Python with every rule of the workbook reader: raise one InputError whose
    problems name the sheet and the table or row (there are no cells of a user's file), return the warnings."""
    try:
        found = read_inputs(MemoryBook(inputs)).warnings
    except InputError as exc:
        raise InputError([Problem(_without_cell(p.where), p.message) for p in exc.problems]) from None
    return tuple(Problem(_without_cell(w.where), w.message) for w in found)


def check_overridden(base: ModelInputs, variants: dict) -> tuple:
    """Validate inputs made by overriding ``base`` (``variants``: what, e.g. "scenario 'low_return'" or
    "--set ...", -> inputs) with every rule of the workbook reader; raise one InputError naming what and
    the table or row of every problem; return the warnings the overrides add (the base's are not
    repeated)."""
    def located(what, problems):
        return [Problem(what, f"{_without_cell(p.where)}: {p.message}") for p in problems]

    known = {(_without_cell(w.where), w.message) for w in read_inputs(MemoryBook(base)).warnings} if variants else ()
    problems, warnings = [], []
    for what, inputs in variants.items():
        try:
            found = read_inputs(MemoryBook(inputs)).warnings
        except InputError as exc:
            problems += located(what, exc.problems)
            continue
        warnings += located(what, (w for w in found if (_without_cell(w.where), w.message) not in known))
    if problems:
        raise InputError(problems)
    return tuple(warnings)


def _without_cell(where: str) -> str:
    """"sheet 'Economy', cell B12 (Currency)" -> "sheet 'Economy' (Currency)" (cells of the in-memory layout
    are not those of the user's workbook)."""
    import re
    return re.sub(r", cells? [A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?(?: to [A-Z]+[0-9]+)?", "", where)
