"""socsec worksheet functions (xlwings UDFs), category "socsec" in Excel's Insert Function dialog.

=====================================  ===================================================================
``SOCSEC_LIFE_TABLE(rates, [kind])``     l, d, L, T, e by age (5 columns, radix 1) from q_x (default) or m_x
``SOCSEC_LIFE_EXPECTANCY(qx, age)``      e_x at a whole age
``SOCSEC_ANNUITY(qx, age, interest, [indexation], [payments_per_year])``   annuity-due factor
``SOCSEC_PV(values, interest, [timing])``  present value at the start of the first year (mid/start/end)
``SOCSEC_GAP(expenditure, insurable_earnings, interest, [initial_reserve], [target_reserve])``
``SOCSEC_SCALED_PREMIUM(expenditure, insurable_earnings, interest, period_years, [initial_reserve])``
``SOCSEC_RESERVE(contributions, expenditure, interest, [initial_reserve])``  reserve at each year end
``SOCSEC_PROJECT_POPULATION(base_population, mx_male, mx_female, asfr, srb, ...)``  totals by year
``SOCSEC_INDICATOR(chk_inputs, name, [horizon], [override_1, value_1, ...])``  one result of this workbook's model
=====================================  ===================================================================

Formulas, units and timing: :mod:`socsec.model.actuarial` (each function there is what the UDF
computes) and :mod:`socsec.model.overrides` (the override names).  Conventions:

* ranges arrive as 2-D arrays (rows of cells); a yearly series or a q_x column is one row or
  one column; interest is one number or one value per year;
* results that are series come back in the orientation of the input (a row for rows), tables
  as arrays that spill in Excel 365;
* a problem comes back as short cell text ``SOCSEC: ...`` saying what to fix, never a traceback;
* the heavy functions (life table, population projection, indicator) are memoised on a hash of
  their inputs; SOCSEC_INDICATOR also keeps the workbook's base inputs and unaffected blocks.

On Windows, xlwings registers the functions (``UDF Modules = socsec.excel.udfs``); on other
systems the decorators do nothing and these are plain Python functions.
"""

import functools
import math
import numbers
import time

import numpy as np
import xlwings as xw

from socsec import cache
from socsec.cache import Store, digest
from socsec.model import actuarial as act

CATEGORY = "socsec"
ERROR_PREFIX = "SOCSEC: "
MAX_ERROR_LENGTH = 255


# --- plumbing ---------------------------------------------------------------------------------

def error_text(message: str) -> str:
    """One line of cell text: ``SOCSEC: message`` (at most 255 characters)."""
    text = ERROR_PREFIX + " ".join(str(message).split())
    return text if len(text) <= MAX_ERROR_LENGTH else text[:MAX_ERROR_LENGTH - 3] + "..."


def _guarded(fn):
    """Return problems as cell text instead of raising; a result that is not a finite number (overflow,
    undefined) is a problem too, never shown as a number."""
    @functools.wraps(fn)
    def wrapper(*args):
        try:
            with np.errstate(all="ignore"):  # an overflow is reported as cell text, not a console warning
                return _finite(fn(*args))
        except ValueError as exc:  # bad input, explained by the library
            return error_text(exc)
        except Exception as exc:  # an internal error: still a short text, never a traceback
            return error_text(f"internal error ({type(exc).__name__}: {exc}); run socsec doctor")
    return wrapper


def _finite(result):
    """``result`` unchanged if every number in it is finite (None, text and whole numbers pass); otherwise
    ValueError saying where."""
    values = np.asarray(result, dtype=object).ravel() if isinstance(result, (list, tuple, np.ndarray)) else [result]
    for k, value in enumerate(values):
        if isinstance(value, (list, tuple)):
            _finite(value)
        elif isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isfinite(float(value)):
            where = "" if len(values) == 1 else f" (value {k + 1} of the result)"
            raise ValueError(f"the result is not a finite number{where}: it overflows or is undefined for these "
                             "arguments; check their size and units")
    return result


_MEMOS = {name: Store(size) for name, size in (("life_table", 256), ("population", 64), ("indicator", 20000))}


def clear_caches():
    """Forget every memoised result and every workbook's cached inputs (:func:`socsec.cache.clear`)."""
    cache.clear()


def _grid(value, name: str) -> list:
    """A range argument as a list of rows (a single value becomes a 1 x 1 grid)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(row) for row in value]


def _series(value, name: str) -> tuple[list, bool]:
    """A one-row or one-column range as a flat list, and whether it was a row."""
    grid = _grid(value, name)
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    if n_rows == 0 or n_cols == 0:
        raise ValueError(f"{name} is empty")
    if n_rows > 1 and n_cols > 1:
        raise ValueError(f"{name} must be one row or one column (found {n_rows} x {n_cols} cells)")
    is_row = n_rows == 1 and n_cols > 1
    return (grid[0] if is_row else [row[0] for row in grid]), is_row


def _rates(value, name: str = "interest"):
    """Interest: one number, or a one-row/one-column range of yearly rates."""
    if isinstance(value, (list, tuple, np.ndarray)):
        values, _ = _series(value, name)
        return values[0] if len(values) == 1 else values
    return value


def _text(value, name: str, default: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, found {value!r}")
    return value.strip().lower()


def _shaped(values, is_row: bool) -> list:
    """A result series in the orientation of the input."""
    values = [float(v) for v in values]
    return [values] if is_row else [[v] for v in values]


# --- actuarial functions ----------------------------------------------------------------------

@xw.func(category=CATEGORY)
@xw.arg("rates", ndim=2, doc="One column (or row) of q_x (or m_x) for ages 0, 1, ..., the last value "
                             "closing the table.")
@xw.arg("kind", doc='"qx" (default): one-year death probabilities; "mx": central death rates.')
@_guarded
def SOCSEC_LIFE_TABLE(rates, kind="qx"):
    """Life table from age 0: columns l, d, L, T, e (radix 1), one row per age, from q_x (closing) or m_x."""
    values, _ = _series(rates, "rates")
    kind = _text(kind, "kind", "qx")

    def compute():
        cols = act.life_table_columns(values, kind)
        return np.column_stack([cols[k] for k in ("l", "d", "L", "T", "e")])
    return _MEMOS["life_table"].get(digest("life_table", values, kind), compute).copy()


@xw.func(category=CATEGORY)
@xw.arg("qx", ndim=2, doc="One column of q_x for ages 0, 1, ...; the last value closes the table.")
@xw.arg("age", doc="Whole age (years).")
@_guarded
def SOCSEC_LIFE_EXPECTANCY(qx, age):
    """Complete life expectancy e_x (years) at a whole age, from a column of q_x starting at age 0."""
    values, _ = _series(qx, "qx")
    return act.life_expectancy(values, age)


@xw.func(category=CATEGORY)
@xw.arg("qx", ndim=2, doc="One column of q_x for ages 0, 1, ...; the last value closes the table.")
@xw.arg("age", doc="Whole age at the first payment (years).")
@xw.arg("interest", doc="Annual interest rate, e.g. 0.04.")
@xw.arg("indexation", doc="Annual growth of the payments, e.g. 0.02 (default 0).")
@xw.arg("payments_per_year", doc="Payments per year, in advance (default 1; 12 = monthly).")
@_guarded
def SOCSEC_ANNUITY(qx, age, interest, indexation=0.0, payments_per_year=1):
    """Life annuity-due factor at age x for 1 a year: sum of v'^k kp_x, v' = (1+g)/(1+i); m-thly: minus (m-1)/(2m)."""
    values, _ = _series(qx, "qx")
    return act.annuity_due(values, age, interest, 0.0 if indexation is None else indexation,
                           1 if payments_per_year is None else payments_per_year)


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="One row or column of amounts, one per year.")
@xw.arg("interest", ndim=2, doc="Annual interest rate, or one rate per year.")
@xw.arg("timing", doc='"mid" (default): spread over each year; "start" or "end" of each year.')
@_guarded
def SOCSEC_PV(values, interest, timing="mid"):
    """Present value at the start of the first year of one amount per year (mid-year, start or end of year)."""
    series, _ = _series(values, "values")
    return act.present_value(series, _rates(interest), _text(timing, "timing", "mid"))


@xw.func(category=CATEGORY)
@xw.arg("expenditure", ndim=2, doc="Benefit and administrative expenditure, one per year.")
@xw.arg("insurable_earnings", ndim=2, doc="Insurable earnings, one per year (same length).")
@xw.arg("interest", ndim=2, doc="Annual interest rate, or one rate per year.")
@xw.arg("initial_reserve", doc="Reserve at the start of the first year (default 0).")
@xw.arg("target_reserve", doc="Reserve wanted at the end of the last year (default 0).")
@_guarded
def SOCSEC_GAP(expenditure, insurable_earnings, interest, initial_reserve=0.0, target_reserve=0.0):
    """General average premium: PV(expenditure) - reserve + PV(target), over PV(insurable earnings); mid-year flows."""
    B, _ = _series(expenditure, "expenditure")
    S, _ = _series(insurable_earnings, "insurable_earnings")
    return act.general_average_premium(B, S, _rates(interest), _zero(initial_reserve), _zero(target_reserve))


def _zero(value):
    return 0.0 if value is None or (isinstance(value, str) and not value.strip()) else value


@xw.func(category=CATEGORY)
@xw.arg("expenditure", ndim=2, doc="Benefit and administrative expenditure, one per year.")
@xw.arg("insurable_earnings", ndim=2, doc="Insurable earnings, one per year (same length).")
@xw.arg("interest", ndim=2, doc="Annual interest rate, or one rate per year.")
@xw.arg("period_years", doc="Length of each period of equilibrium (years), e.g. 10.")
@xw.arg("initial_reserve", doc="Reserve at the start of the first year (default 0).")
@_guarded
def SOCSEC_SCALED_PREMIUM(expenditure, insurable_earnings, interest, period_years, initial_reserve=0.0):
    """Scaled premiums, one per period: the rate at which income = outgo in the period's last year."""
    B, is_row = _series(expenditure, "expenditure")
    S, _ = _series(insurable_earnings, "insurable_earnings")
    premiums = act.scaled_premiums(B, S, _rates(interest), period_years, _zero(initial_reserve))
    return _shaped(premiums, is_row)


@xw.func(category=CATEGORY)
@xw.arg("contributions", ndim=2, doc="Contribution income, one per year.")
@xw.arg("expenditure", ndim=2, doc="Benefit and administrative expenditure, one per year.")
@xw.arg("interest", ndim=2, doc="Annual interest rate, or one rate per year.")
@xw.arg("initial_reserve", doc="Reserve at the start of the first year (default 0).")
@_guarded
def SOCSEC_RESERVE(contributions, expenditure, interest, initial_reserve=0.0):
    """Reserve at the end of each year: F(t+1) = F(t)(1+i) + (C - B)(1+i)^0.5 (mid-year cash flows)."""
    C, is_row = _series(contributions, "contributions")
    B, _ = _series(expenditure, "expenditure")
    return _shaped(act.reserve_roll_forward(C, B, _rates(interest), _zero(initial_reserve)), is_row)


# --- population projection --------------------------------------------------------------------

POPULATION_HEADER = ("year", "population 1 Jan", "males", "females", "births", "deaths", "net migration")


def _matrix(value, name: str, n_rows: int | None = None) -> np.ndarray:
    """A numeric table (rows x columns) with every cell a finite number."""
    grid = _grid(value, name)
    out = np.empty((len(grid), len(grid[0]) if grid else 0))
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            if isinstance(cell, bool) or not isinstance(cell, numbers.Real) or not math.isfinite(float(cell)):
                found = "an empty cell" if cell is None else (f"text {cell!r}" if isinstance(cell, str) else repr(cell))
                raise ValueError(f"{name} must be numbers (row {i + 1}, column {j + 1}: found {found})")
            out[i, j] = float(cell)
    if n_rows is not None and out.shape[0] != n_rows:
        raise ValueError(f"{name} must have {n_rows} rows (one per age of the base population), found {out.shape[0]}")
    return out


def _within_contract(table: str, values: np.ndarray, name: str):
    """Every value within the legal range (and below the refusal bound) the workbook reader applies to the
    input table ``table`` of the contract (:mod:`socsec.workbook.contract`): the same rule in a cell as
    in a workbook."""
    from socsec import bounds
    from socsec.workbook.contract import PLAUSIBLE, input_table

    spec = input_table(table)
    rule = PLAUSIBLE.get(table)
    high = rule.refuse_high if rule is not None and rule.refuse_high is not None else None
    for (i, j), value in np.ndenumerate(values):
        if not bounds.within(value, spec.low, spec.high, spec.low_open, spec.high_open) or (
                high is not None and value > high):
            limits = bounds.rule(spec.low, spec.high if high is None else high, spec.low_open, spec.high_open)
            raise ValueError(f"{name} must be {limits} ({spec.units}) (row {i + 1}, column {j + 1}: found {value:g})")


def _by_year(table: np.ndarray, name: str, n: int) -> np.ndarray:
    """(rows, n): a table with n year columns, or one column used for every year."""
    if table.shape[1] == n:
        return table
    if table.shape[1] == 1:
        return np.repeat(table, n, axis=1)
    raise ValueError(f"{name} must have one column per projection year ({n}) or a single column, "
                     f"found {table.shape[1]}")


def project_population_table(base_population, mx_male, mx_female, asfr, srb, net_migrants_male=None,
                             net_migrants_female=None, base_year=0, first_fertile_age=15,
                             migration_timing="even") -> np.ndarray:
    """The computation behind SOCSEC_PROJECT_POPULATION: (n + 1) x 7 numbers, rows = years
    base .. base + n (stocks at 1 January; flows of the year, NaN in the last row)."""
    from socsec.model.population import PopulationAssumptions, project_population

    base = _matrix(base_population, "base_population")
    if base.shape[1] != 2:
        raise ValueError(f"base_population must have 2 columns (males, females), found {base.shape[1]}")
    A = base.shape[0]
    if A < 3:
        raise ValueError("base_population must have at least 3 rows (ages 0, 1 and an open age group)")
    male, female = _matrix(mx_male, "mx_male", A), _matrix(mx_female, "mx_female", A)
    fert = _matrix(asfr, "asfr")
    births_ratio = _matrix(srb, "srb")
    for table, values, name in (("in_base_pop", base, "base_population"), ("in_asfr", fert, "asfr"),
                                ("in_srb", births_ratio, "srb"), ("in_mort_male", male, "mx_male"),
                                ("in_mort_female", female, "mx_female")):
        _within_contract(table, values, name)
    migration = [None if m is None or m == "" else _matrix(m, name, A)
                 for m, name in ((net_migrants_male, "net_migrants_male"),
                                 (net_migrants_female, "net_migrants_female"))]
    if births_ratio.shape[0] > 1 and births_ratio.shape[1] == 1:
        births_ratio = births_ratio.T
    if births_ratio.shape[0] != 1:
        raise ValueError("srb must be one number or one row/column of yearly values")
    n = max([male.shape[1], female.shape[1], fert.shape[1], births_ratio.shape[1]]
            + [m.shape[1] for m in migration if m is not None])
    first = act._whole(first_fertile_age, "first_fertile_age", 10, 55)
    if first + fert.shape[0] > A - 1:
        raise ValueError(f"asfr rows (ages {first}-{first + fert.shape[0] - 1}) must end below the open age group "
                         f"{A - 1}+")
    rates = np.zeros((n, A))
    rates[:, first:first + fert.shape[0]] = _by_year(fert, "asfr", n).T
    mx = np.stack([_by_year(male, "mx_male", n).T, _by_year(female, "mx_female", n).T], axis=1)
    if np.any(mx <= 0):
        raise ValueError("mx_male and mx_female must be above 0 at every age")
    mig = np.stack([np.zeros((n, A)) if m is None else _by_year(m, name, n).T
                    for m, name in zip(migration, ("net_migrants_male", "net_migrants_female"))], axis=1)
    timing = _text(migration_timing, "migration_timing", "even")
    year0 = act._whole(0 if base_year is None or base_year == "" else base_year, "base_year", 0, 3000)
    assumptions = PopulationAssumptions(base_year=year0, base_population=base.T.copy(), asfr=rates,
                                        srb=_by_year(births_ratio, "srb", n)[0].copy(), mx=mx, net_migrants=mig,
                                        migration_timing=timing)
    projection = project_population(assumptions)
    pop = projection.population
    flows = np.full((n + 1, 3), np.nan)
    flows[:n, 0] = projection.births.sum(axis=1)
    flows[:n, 1] = projection.deaths.sum(axis=1)
    flows[:n, 2] = projection.net_migrants.sum(axis=1)
    return np.column_stack([np.arange(year0, year0 + n + 1), pop.sum(axis=(1, 2)), pop[:, 0].sum(axis=1),
                            pop[:, 1].sum(axis=1), flows])


@xw.func(category=CATEGORY)
@xw.arg("base_population", ndim=2, doc="Persons at 1 January by age (rows 0..omega, last = open group), 2 "
                                       "columns: males, females.")
@xw.arg("mx_male", ndim=2, doc="Male death rates m_x: one row per age, one column per year (or one column "
                               "for every year).")
@xw.arg("mx_female", ndim=2, doc="Female death rates m_x, as for males.")
@xw.arg("asfr", ndim=2, doc="Fertility rates by age of mother (rows from first_fertile_age), one column per "
                            "year or one column.")
@xw.arg("srb", ndim=2, doc="Sex ratio at birth (males per female): one number or one per year.")
@xw.arg("net_migrants_male", ndim=2, doc="Male net migrants by age at year end and year (optional; none if "
                                         "omitted).")
@xw.arg("net_migrants_female", ndim=2, doc="Female net migrants, as for males (optional).")
@xw.arg("base_year", doc="First projection year, shown in the year column (default 0).")
@xw.arg("first_fertile_age", doc="Age of mother of the first asfr row (default 15).")
@xw.arg("migration_timing", doc='"even" (default): half the migrants at the start of the year; "end".')
@_guarded
def SOCSEC_PROJECT_POPULATION(base_population, mx_male, mx_female, asfr, srb, net_migrants_male=None,
                              net_migrants_female=None, base_year=0, first_fertile_age=15,
                              migration_timing="even"):
    """Population projection, per year: 1 January population (total, men, women), births, deaths, migrants."""
    args = (base_population, mx_male, mx_female, asfr, srb, net_migrants_male, net_migrants_female, base_year,
            first_fertile_age, migration_timing)
    table = _MEMOS["population"].get(digest("population", *args), lambda: project_population_table(*args))
    rows = [[None if np.isnan(v) else float(v) for v in row] for row in table]
    for row in rows:
        row[0] = int(row[0])
    return [list(POPULATION_HEADER)] + rows


# --- indicators of the calling workbook's model -----------------------------------------------

def indicator_tables() -> dict:
    """Indicator name -> (result table name, valuation -> DataFrame): every column of the summary
    result tables (socsec.workbook.results.SUMMARY_TABLES), value by year."""
    from socsec.workbook.results import SUMMARY_TABLES

    out = {}
    for table, rows, frame_of in SUMMARY_TABLES:
        for key, _, _ in rows:
            out.setdefault(key.lower(), (table, key, frame_of))
    return out


class _BookState:
    """A workbook's base inputs and their lazy valuation (blocks computed once, shared by overrides)."""

    def __init__(self, fingerprint, inputs, inputs_hash):
        from socsec.model.chain import LazyValuation
        self.fingerprint = fingerprint
        self.inputs = inputs
        self.hash = inputs_hash
        self.lazy = LazyValuation(inputs)
        self.variants = Store(4)  # (overrides, final year) -> LazyValuation (a few: they hold arrays)
        self.shorter = Store(4)  # final year -> LazyValuation of the inputs projected to it
        self.resolved: dict = {}  # indicator name -> where it is found

    def variant(self, overrides: tuple, final_year: int | None = None):
        """The lazy valuation of the inputs with ``overrides``, projected to ``final_year`` (default:
        the workbook's final year; an earlier one projects fewer years, :func:`truncate_horizon`)."""
        from socsec.model.chain import LazyValuation
        from socsec.model.horizon import truncate_horizon
        from socsec.model.overrides import apply_overrides
        base = self.lazy
        if final_year is not None and final_year != self.inputs.population.final_year:
            base = self.shorter.get(final_year, lambda: LazyValuation(truncate_horizon(self.inputs, final_year)))
        if not overrides:
            return base
        return self.variants.get((overrides, final_year),
                                 lambda: LazyValuation(apply_overrides(base.inputs, overrides), base=base))


_BOOKS = Store(8)  # key of a source -> _BookState (keyed on fingerprints: each edit of the inputs adds one)


class FileSource:
    """A workbook file as the source of base inputs (headless use, tests, ``socsec bench --udf``)."""

    def __init__(self, path):
        from pathlib import Path
        self.path = Path(path)
        self.key = str(self.path.resolve())

    def fingerprint(self):
        stat = self.path.stat()
        return f"{stat.st_mtime_ns}:{stat.st_size}"

    def inputs(self):
        from socsec.api import load
        return load(self.path).inputs


class XlwingsSource:
    """The workbook in Excel whose input fingerprint cell (``chk_inputs`` on the Checks sheet) is
    ``cell``, an xlwings Range: SOCSEC_INDICATOR's first argument.

    The fingerprint is a formula over every input range that Excel recalculates when an input
    changes; passed as an argument, it makes Excel recalculate the function after it (a dependency
    Excel knows) and gives its current value with the call.  The cached base inputs are keyed on the
    fingerprint itself (equal fingerprints, equal inputs, whichever workbook): a call whose
    fingerprint is cached makes only the COM round trips of xlwings' conversion of the argument and
    of its value (``socsec bench --udf`` counts them); only a new fingerprint reads the workbook's
    names and inputs (:class:`XlwingsBook`).
    """

    def __init__(self, cell):
        if not hasattr(cell, "sheet"):
            raise ValueError("the first argument must be the cell chk_inputs of this workbook (the input fingerprint "
                             "on the Checks sheet), e.g. =SOCSEC_INDICATOR(chk_inputs, \"gap\", 50)")
        self.cell = cell
        self._fingerprint = None

    def fingerprint(self):
        if self._fingerprint is None:
            value = self.cell.value
            if not isinstance(value, str) or "|" not in value:
                raise ValueError(f"the first argument must be the cell chk_inputs (the input fingerprint on the "
                                 f"Checks sheet); it holds {value!r}")
            self._fingerprint = value
        return self._fingerprint

    @property
    def key(self) -> str:
        return "fingerprint:" + self.fingerprint()

    @property
    def workbook(self):
        return self.cell.sheet.book

    def inputs(self):
        from socsec.api import read_book
        from socsec.errors import InputError
        from socsec.excel.book import XlwingsBook
        try:
            return read_book(XlwingsBook(self.workbook)).inputs
        except InputError as exc:
            first = exc.problems[0]
            raise ValueError(f"the workbook's inputs have {len(exc.problems)} problem(s), first: {first}; run "
                             "the socsec macro for the full list") from None


def book_state(source) -> _BookState:
    """The cached base of ``source`` (a workbook), re-read when its fingerprint or inputs change."""
    fingerprint = source.fingerprint()
    state = _BOOKS.find(source.key)
    if state is not None and fingerprint is not None and state.fingerprint == fingerprint:
        return state
    inputs = source.inputs()
    digest_ = digest(inputs)
    if state is not None and state.hash == digest_:
        state.fingerprint = fingerprint
        return state
    state = _BookState(fingerprint, inputs, digest_)
    _BOOKS.put(source.key, state)
    return state


NO_VALUE = "none"  # what SOCSEC_INDICATOR shows for an indicator without a value (e.g. a reserve never depleted)


def parse_indicator_args(args) -> tuple:
    """(horizon or None, ((override, value), ...)) from SOCSEC_INDICATOR's optional arguments:
    an odd count starts with the horizon; then name/value pairs (a pair with an empty name and value is
    skipped; a name without a value is an error, never dropped)."""
    args = list(args)
    while args and (args[-1] is None or args[-1] == ""):  # trailing empty arguments
        args.pop()
    starts_with_name = bool(args) and isinstance(args[0], str)  # no horizon given
    if args and isinstance(args[-1], str) and (len(args) % 2 == 1) == starts_with_name:
        raise ValueError(f"override {args[-1].strip()!r} has no value: its value cell is empty")
    horizon = None
    if len(args) % 2 == 1:
        horizon, args = args[0], args[1:]
    pairs = []
    for k in range(0, len(args), 2):
        name, value = args[k], args[k + 1]
        if name is None or (isinstance(name, str) and not name.strip()):
            continue
        if not isinstance(name, str):
            raise ValueError(f"override {k // 2 + 1}: expected the name of an input (text) before its value, "
                             f"found {name!r}")
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError(f"override {k // 2 + 1} ({name.strip()}) has no value: its value cell is empty")
        pairs.append((name, value))
    return horizon, tuple(pairs)


def _finance_sources(lazy) -> tuple:
    """(yearly table, long indicators table) of the financing block, if the chain has one."""
    finance = lazy.finance
    return finance.yearly, finance.indicators


def _resolve(state, key: str):
    """Where indicator ``key`` lives: ("yearly", frame_of, column) or ("horizon", horizons)."""
    tables = indicator_tables()
    if key in tables:
        _, column, frame_of = tables[key]
        return "yearly", frame_of, column
    try:
        yearly, long = _finance_sources(state.lazy)
    except AttributeError:  # no financing block
        yearly, long = None, None
    if yearly is not None and key in {c.lower() for c in yearly.columns if c != "year"}:
        column = next(c for c in yearly.columns if c.lower() == key)
        return "yearly", (lambda v: v.finance.yearly), column
    if long is not None:
        rows = long[long["indicator"].str.lower() == key]
        if len(rows):
            return "horizon", tuple(int(h) for h in rows["horizon"])
    import difflib
    known = set(tables) | ({c.lower() for c in yearly.columns if c != "year"} if yearly is not None else set()) | (
        set(long["indicator"].str.lower()) if long is not None else set())
    close = difflib.get_close_matches(key, sorted(known), n=4, cutoff=0.5)
    raise ValueError(f"unknown indicator {key!r}" + (f"; closest: {', '.join(close)}" if close
                                                   else "; see the row names of the result tables"))


def indicator_value(source, name, horizon=None, overrides=()) -> float:
    """One indicator of the valuation of ``source``'s inputs with ``overrides`` applied.

    ``name``: a row of a yearly result table (population, labour, macro, pension and financing
    summaries: e.g. ``e0_female``, ``employed``, ``nominal_gdp``, ``paygo_cost_rate``), whose value
    is taken in year base_year + ``horizon`` (default: the final projection year); or an
    indicator of the financing indicators table (e.g. ``gap``, ``actuarial_balance``), whose
    ``horizon`` is the table's number of years (e.g. GAP over 50 years; default: the longest).
    ``overrides``: (name, value) pairs of :mod:`socsec.model.overrides`, applied in order.
    """
    from socsec.model.overrides import lookup

    if not isinstance(name, str) or not name.strip():
        raise ValueError("name must be the name of an indicator, e.g. \"e0_female\"")
    key = name.strip().lower()
    overrides = tuple((lookup(o).name, v) for o, v in overrides)  # unknown names: closest valid ones
    state = book_state(source)
    population = state.inputs.population
    n_years = population.final_year - population.base_year + 1
    memo_key = digest("indicator", state.hash, key, horizon, [list(o) for o in overrides])

    def compute():
        if key not in state.resolved:
            state.resolved[key] = _resolve(state, key)
        where = state.resolved[key]
        if where[0] == "yearly":
            _, frame_of, column = where
            if horizon is None or horizon == "":
                steps = n_years - 1
            else:
                try:
                    steps = act._whole(horizon, "horizon", 0, n_years - 1)
                except ValueError as exc:
                    raise ValueError(f"{exc} (years after the base year; the projection runs "
                                     f"{population.base_year}-{population.final_year})") from None
            frame = frame_of(state.variant(overrides))
            row = np.flatnonzero(frame["year"].to_numpy() == population.base_year + steps)[0]
            return float(frame[column].to_numpy()[row])
        horizons = where[1]
        if horizon is None or horizon == "":
            wanted = max(horizons)
        else:
            wanted = act._whole(horizon, "horizon", 0)
            if wanted not in horizons:
                raise ValueError(f"{key} is available for horizons {', '.join(map(str, sorted(set(horizons))))} "
                                 f"(years), not {wanted}")
        # indicators over the first h years come from a projection of h years (the same numbers)
        final_year = population.base_year + wanted - 1 if key in state.lazy.finance.first_years else None
        return state.variant(overrides, final_year).finance.indicator(key, wanted)
    return _MEMOS["indicator"].get(memo_key, compute)


@xw.func(category=CATEGORY)
@xw.arg("inputs", "range", doc="The cell chk_inputs (Checks sheet): this workbook's input fingerprint, so that "
                               "Excel recalculates the function when an input changes.")
@xw.arg("name", doc='Indicator: a row of a result table, e.g. "e0_female", "nominal_gdp", "paygo_cost_rate", '
                    'or a financing indicator such as "gap".')
@xw.arg("args", doc='[horizon]: years after the base year (GAP etc.: years covered); default the last. Then '
                    'override names and values, e.g. 50, "tfr", 1.8.')
@_guarded
def SOCSEC_INDICATOR(inputs, name, *args):
    """Re-runs this workbook's model with input overrides and returns one indicator in year base + horizon."""
    horizon, overrides = parse_indicator_args(args)
    value = indicator_value(XlwingsSource(inputs), name, horizon, overrides)
    return indicator_cell(name, value)


def indicator_cell(name: str, value: float):
    """What SOCSEC_INDICATOR shows: the number; NO_VALUE for an event that never happens within the
    projection (e.g. the depletion of a reserve never depleted); an error text when the value is not
    computable (it overflows or is undefined for these inputs)."""
    from socsec.model.results_checks import NEVER
    if math.isnan(value) and str(name).strip().lower() in NEVER:
        return NO_VALUE
    if not math.isfinite(value):
        raise ValueError(f"{str(name).strip()} is not computable for these inputs (it overflows or is undefined); "
                         "run the socsec macro: the Checks sheet says which result fails")
    return value


def bench_indicator(path, name: str, overrides_grid, horizon=None) -> dict:
    """Time SOCSEC_INDICATOR's computation on a workbook file for each override set of a grid
    (as a Data Table would call it), caches warm for the base; returns timings and values."""
    source = FileSource(path)
    started = time.perf_counter()
    indicator_value(source, name, horizon)  # base inputs read, base blocks computed, kernels compiled
    warm = time.perf_counter() - started
    values, started = [], time.perf_counter()
    for overrides in overrides_grid:
        values.append(indicator_value(source, name, horizon, overrides))
    return {"seconds": time.perf_counter() - started, "warm_up": warm, "values": values}
