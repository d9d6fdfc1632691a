"""The SOCSEC_ worksheet functions: called directly (as on Linux) and through xlwings' own Windows
calling path (socsec.excel.xlcall: argument conversion, the call, return conversion), against the
core to 1e-12; every function has a bad-input test; the committed VBA wrapper module is what
xlwings generates today."""

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

import socsec.excel.udfs as udfs
from socsec.excel import xlcall
from socsec.model import actuarial as act
from socsec.model.overrides import apply_overrides
from socsec.model.population import PopulationAssumptions, project_population
from socsec.model.valuation import run_valuation
from workbook_fixtures import make_workbook, small_inputs
from xlwings_fake import fake_book

VBA_DIR = Path(__file__).resolve().parents[1] / "addin" / "socsec" / "excel" / "vba"
TOL = 1e-12
Q = np.concatenate([0.001 + 0.0002 * np.exp(0.085 * np.arange(100)), [1.0]]).clip(max=1.0)
Q_COLUMN = [[float(q)] for q in Q]
YEARS = 30
EXPENDITURE = [100.0 * 1.06 ** t for t in range(YEARS)]
EARNINGS = [1000.0 * 1.045 ** t for t in range(YEARS)]
CONTRIBUTIONS = [0.12 * s for s in EARNINGS]


@pytest.fixture(scope="module")
def excel():
    """The UDF module as Excel gets it (xlwings' Windows decorators applied)."""
    return xlcall.decorated_udfs()


@pytest.fixture(autouse=True)
def fresh_caches():
    udfs.clear_caches()
    yield
    udfs.clear_caches()


def as_com(grid):
    """A range as pywin32 delivers it: a tuple of row tuples (a scalar for one cell)."""
    rows = tuple(tuple(row) for row in grid)
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows


def via_excel(module, name, *args, caller=None):
    """Call through xlwings' call_udf; ranges given as lists of rows become Range arguments."""
    converted = [xlcall.RangeArg(as_com(a)) if isinstance(a, list) else a for a in args]
    return xlcall.call(module, name, *converted, caller=caller)


def scalar(result):
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=TOL, atol=0)


# --- metadata -----------------------------------------------------------------------------------

def test_every_udf_is_described_for_the_function_wizard(excel):
    names = xlcall.udf_names(excel)
    assert names == sorted(["SOCSEC_LIFE_TABLE", "SOCSEC_LIFE_EXPECTANCY", "SOCSEC_ANNUITY", "SOCSEC_PV",
                            "SOCSEC_GAP", "SOCSEC_SCALED_PREMIUM", "SOCSEC_RESERVE",
                            "SOCSEC_PROJECT_POPULATION", "SOCSEC_INDICATOR"])
    for name in names:
        info = getattr(excel, name).__xlfunc__
        assert info["category"] == "socsec" and not info["volatile"], name
        assert 20 < len(info["ret"]["doc"]) <= 255 and "\n" not in info["ret"]["doc"], name
        for arg in info["args"]:
            if arg["name"] == "caller":
                continue
            assert not arg["doc"].startswith("Positional argument"), f"{name}: {arg['name']} has no description"
            assert len(arg["doc"]) <= 255, f"{name}: {arg['name']}"


# --- actuarial functions: direct, through Excel's path, bad input ------------------------------

def test_life_table(excel):
    want = act.life_table_columns(Q, "qx")
    table = np.column_stack([want[k] for k in ("l", "d", "L", "T", "e")])
    close(udfs.SOCSEC_LIFE_TABLE(Q_COLUMN), table)
    close(via_excel(excel, "SOCSEC_LIFE_TABLE", Q_COLUMN, xlcall.MISSING), table)
    mx = [[0.01], [0.02], [0.3]]
    close(via_excel(excel, "SOCSEC_LIFE_TABLE", mx, "mx")[2][4], act.life_table_columns([0.01, 0.02, 0.3], "mx")["e"][2])


def test_life_expectancy(excel):
    for age in (0, 65, 100):
        want = act.life_expectancy(Q, age)
        close(udfs.SOCSEC_LIFE_EXPECTANCY(Q_COLUMN, age), want)
        close(scalar(via_excel(excel, "SOCSEC_LIFE_EXPECTANCY", Q_COLUMN, float(age))), want)


def test_annuity(excel):
    want = act.annuity_due(Q, 65, 0.04, 0.02, 12)
    close(udfs.SOCSEC_ANNUITY(Q_COLUMN, 65, 0.04, 0.02, 12), want)
    close(scalar(via_excel(excel, "SOCSEC_ANNUITY", Q_COLUMN, 65.0, 0.04, 0.02, 12.0)), want)
    close(scalar(via_excel(excel, "SOCSEC_ANNUITY", Q_COLUMN, 65.0, 0.04, xlcall.MISSING, xlcall.MISSING)),
          act.annuity_due(Q, 65, 0.04))
    row = [[float(q) for q in Q]]  # a q_x row works as well as a column
    close(scalar(via_excel(excel, "SOCSEC_ANNUITY", row, 65.0, 0.04, xlcall.MISSING, xlcall.MISSING)),
          act.annuity_due(Q, 65, 0.04))


def test_present_value(excel):
    rates = [[0.03 + 0.001 * t for t in range(YEARS)]]
    for timing in ("mid", "start", "end"):
        want = act.present_value(EXPENDITURE, rates[0], timing)
        close(udfs.SOCSEC_PV([EXPENDITURE], rates, timing), want)
        close(scalar(via_excel(excel, "SOCSEC_PV", [EXPENDITURE], [[r] for r in rates[0]], timing)), want)
    close(scalar(via_excel(excel, "SOCSEC_PV", [EXPENDITURE], 0.05, xlcall.MISSING)),
          act.present_value(EXPENDITURE, 0.05))


def test_gap(excel):
    want = act.general_average_premium(EXPENDITURE, EARNINGS, 0.05, 300.0, 1000.0)
    close(udfs.SOCSEC_GAP([[b] for b in EXPENDITURE], [[s] for s in EARNINGS], 0.05, 300.0, 1000.0), want)
    close(scalar(via_excel(excel, "SOCSEC_GAP", [[b] for b in EXPENDITURE], [EARNINGS], 0.05, 300.0, 1000.0)), want)
    close(scalar(via_excel(excel, "SOCSEC_GAP", [EXPENDITURE], [EARNINGS], 0.05, xlcall.MISSING, xlcall.MISSING)),
          act.general_average_premium(EXPENDITURE, EARNINGS, 0.05))


def test_scaled_premium_keeps_orientation(excel):
    want = act.scaled_premiums(EXPENDITURE, EARNINGS, 0.05, 10, 500.0)
    column = via_excel(excel, "SOCSEC_SCALED_PREMIUM", [[b] for b in EXPENDITURE], [[s] for s in EARNINGS], 0.05,
                       10.0, 500.0)
    close([r[0] for r in column], want)
    row = udfs.SOCSEC_SCALED_PREMIUM([EXPENDITURE], [EARNINGS], 0.05, 10, 500.0)
    assert len(row) == 1 and len(row[0]) == 3
    close(row[0], want)


def test_reserve(excel):
    want = act.reserve_roll_forward(CONTRIBUTIONS, EXPENDITURE, 0.05, 2000.0)
    close([r[0] for r in udfs.SOCSEC_RESERVE([[c] for c in CONTRIBUTIONS], [[b] for b in EXPENDITURE], 0.05, 2000.0)],
          want)
    close(via_excel(excel, "SOCSEC_RESERVE", [CONTRIBUTIONS], [EXPENDITURE], 0.05, 2000.0)[0], want)
    close(via_excel(excel, "SOCSEC_RESERVE", [CONTRIBUTIONS], [EXPENDITURE], 0.05, xlcall.MISSING)[0],
          act.reserve_roll_forward(CONTRIBUTIONS, EXPENDITURE, 0.05))


BAD_CALLS = [
    ("SOCSEC_LIFE_TABLE", ([[0.1], [1.3], [1.0]],), "qx must be between 0 and 1 (row 2, age 1: found 1.3)"),
    ("SOCSEC_LIFE_TABLE", ([[0.1], [0.2]], "lx"), "kind must be one of qx, mx"),
    ("SOCSEC_LIFE_EXPECTANCY", ([[0.1], ["n/a"], [1.0]], 0.0), "qx must be numbers (row 2: found text 'n/a')"),
    ("SOCSEC_LIFE_EXPECTANCY", ([[0.1], [0.2], [1.0]], 5.0), "age must be a whole number between 0 and 2"),
    ("SOCSEC_ANNUITY", ([[0.1, 0.2], [0.3, 1.0]], 0.0, 0.04), "qx must be one row or one column (found 2 x 2"),
    ("SOCSEC_ANNUITY", ([[0.1], [None], [1.0]], 0.0, 0.04), "row 2: found an empty cell"),
    ("SOCSEC_ANNUITY", ([[0.1], [0.2], [1.0]], 0.0, -1.5), "interest and indexation must be above -1"),
    ("SOCSEC_PV", ([[1.0, 2.0]], 0.05, "later"), "timing must be one of mid, start, end"),
    ("SOCSEC_PV", ([[1.0, 2.0]], [[0.05, 0.04, 0.03]]), "one value per year (2), found 3"),
    ("SOCSEC_GAP", ([[1.0, 2.0]], [[10.0, 20.0, 30.0]], 0.05), "expenditure has 2, insurable_earnings has 3"),
    ("SOCSEC_GAP", ([[1.0, 2.0]], [[0.0, 0.0]], 0.05), "insurable_earnings must not all be zero"),
    ("SOCSEC_SCALED_PREMIUM", ([[1.0, 2.0]], [[10.0, 20.0]], 0.05, 0.0), "period_years must be a whole number"),
    ("SOCSEC_SCALED_PREMIUM", ([[1.0, 2.0]], [[10.0, 20.0]], 0.05, None), "period_years must be a number"),
    ("SOCSEC_RESERVE", ([[1.0, 2.0]], [[1.0]], 0.05), "contributions has 2, expenditure has 1"),
    ("SOCSEC_RESERVE", ([[1.0, 2.0]], [[1.0, 1.0]], 0.05, "lots"), "initial_reserve must be a number"),
]


@pytest.mark.parametrize("name,args,needle", BAD_CALLS)
def test_bad_input_comes_back_as_short_cell_text(excel, name, args, needle):
    direct = getattr(udfs, name)(*args)
    assert isinstance(direct, str) and direct.startswith("SOCSEC: ") and needle in direct, direct
    assert len(direct) <= 255 and "Traceback" not in direct and "\n" not in direct
    padded = list(args) + [xlcall.MISSING] * (len(getattr(excel, name).__xlfunc__["args"]) - len(args))
    assert scalar(via_excel(excel, name, *padded)) == direct


def test_internal_errors_are_short_text_too(monkeypatch):
    monkeypatch.setattr(act, "present_value", lambda *a: 1 / 0)
    text = udfs.SOCSEC_PV([[1.0]], 0.05)
    assert text.startswith("SOCSEC: internal error (ZeroDivisionError") and "Traceback" not in text


# --- population projection ------------------------------------------------------------------------

def population_args(n=5, omega=30):
    ages = np.arange(omega + 1)
    base = np.stack([np.linspace(5000, 1000, omega + 1), np.linspace(5200, 1300, omega + 1)], axis=1)
    mx = 0.002 * np.exp(0.09 * ages)
    asfr = np.array([0.02, 0.08, 0.1, 0.09, 0.06, 0.03, 0.01])
    migration = np.full((omega + 1, n), 10.0)
    return base, np.outer(mx * 1.1, np.ones(n)), np.outer(mx, np.ones(n)), asfr, migration


def test_project_population_equals_the_core(excel):
    n, omega = 5, 30
    base, mx_m, mx_f, asfr, migration = population_args(n, omega)
    rates = np.zeros((n, omega + 1))
    rates[:, 15:22] = asfr
    core = project_population(PopulationAssumptions(
        base_year=2030, base_population=base.T, asfr=rates, srb=np.full(n, 1.05),
        mx=np.stack([mx_m.T, mx_f.T], axis=1), net_migrants=np.stack([migration.T, migration.T], axis=1)))
    args = (base.tolist(), mx_m.tolist(), mx_f.tolist(), [[a] for a in asfr], 1.05, migration.tolist(),
            migration.tolist(), 2030, 15, "even")
    direct = udfs.SOCSEC_PROJECT_POPULATION(*args)
    excel_result = via_excel(excel, "SOCSEC_PROJECT_POPULATION", *[float(a) if isinstance(a, int) else a for a in args])
    for table in (direct, excel_result):
        assert table[0] == list(udfs.POPULATION_HEADER)
        body = np.array([[np.nan if v in (None, "") else v for v in row] for row in table[1:]], dtype=float)
        close(body[:, 0], np.arange(2030, 2030 + n + 1))
        close(body[:, 1], core.population.sum(axis=(1, 2)))
        close(body[:, 2], core.population[:, 0].sum(axis=1))
        close(body[:-1, 4], core.births.sum(axis=1))
        close(body[:-1, 5], core.deaths.sum(axis=1))
        close(body[:-1, 6], core.net_migrants.sum(axis=1))
        assert np.isnan(body[-1, 4])  # no flows after the last 1 January
    assert excel_result[-1][4] == ""  # an empty cell in Excel


def test_project_population_is_memoised():
    base, mx_m, mx_f, asfr, _ = population_args()
    args = (base.tolist(), mx_m.tolist(), mx_f.tolist(), [[a] for a in asfr], 1.05)
    memo = udfs._MEMOS["population"]
    udfs.SOCSEC_PROJECT_POPULATION(*args)
    udfs.SOCSEC_PROJECT_POPULATION(*args)
    assert (memo.misses, memo.hits) == (1, 1)
    udfs.SOCSEC_PROJECT_POPULATION(*args[:4], 1.06)
    assert memo.misses == 2


@pytest.mark.parametrize("change,needle", [
    (lambda a: (a[0][:, :1].tolist(),) + a[1:], "base_population must have 2 columns (males, females)"),
    (lambda a: (a[0].tolist(), a[1][:-1].tolist()) + a[2:], "mx_male must have 31 rows"),
    (lambda a: (a[0].tolist(), a[1].tolist(), a[2][:, :3].tolist()) + a[3:],
     "mx_female must have one column per projection year (5) or a single column"),
    (lambda a: (a[0].tolist(), a[1].tolist(), a[2].tolist(), [["x"]] * 7) + a[4:], "asfr must be numbers (row 1"),
    (lambda a: a[:4] + ("many",), "srb must be numbers"),
])
def test_project_population_bad_input(excel, change, needle):
    base, mx_m, mx_f, asfr, _ = population_args()
    args = change((base, mx_m, mx_f, [[a] for a in asfr], 1.05))
    args = tuple(a.tolist() if isinstance(a, np.ndarray) else a for a in args)
    text = udfs.SOCSEC_PROJECT_POPULATION(*args)
    assert isinstance(text, str) and text.startswith("SOCSEC: ") and needle in text, text
    padded = list(args) + [xlcall.MISSING] * (10 - len(args))
    assert scalar(via_excel(excel, "SOCSEC_PROJECT_POPULATION", *padded)) == text


# --- SOCSEC_INDICATOR ----------------------------------------------------------------------------

@pytest.fixture
def book_path(tmp_path):
    return make_workbook(tmp_path / "in.xlsx")


def core_value(inputs, table_of, column, year):
    frame = table_of(run_valuation(inputs))
    return float(frame.loc[frame["year"] == year, column].iloc[0])


@pytest.mark.parametrize("name,horizon,overrides,table_of", [
    ("e0_female", 5, (), lambda v: v.population.summary),
    ("tfr", None, (("tfr", 1.7),), lambda v: v.population.summary),
    ("employed", 3, (("unemployment", 0.2), ("tfr", 2.9)), lambda v: v.economy.labour_summary),
    ("nominal_gdp", 9, (("productivity_growth", 0.03),), lambda v: v.economy.macro),
    ("paygo_cost_rate", 4, (("contribution_rate", 0.1), ("investment_return", 0.02)), lambda v: v.pension.summary),
])
def test_indicator_equals_a_full_valuation_with_the_overrides(book_path, name, horizon, overrides, table_of):
    source = udfs.FileSource(book_path)
    got = udfs.indicator_value(source, name, horizon, overrides)
    inputs = apply_overrides(small_inputs(), overrides)
    year = 2030 + (9 if horizon is None else horizon)
    close(got, core_value(inputs, table_of, name, year))


def test_financing_indicators_by_horizon(book_path):
    source = udfs.FileSource(book_path)
    table = run_valuation(apply_overrides(small_inputs(), {"initial_reserve": 5e6})).finance.indicators
    gap = table[table["indicator"] == "gap"]
    for horizon, value in zip(gap["horizon"], gap["value"]):
        close(udfs.indicator_value(source, "gap", int(horizon), (("initial_reserve", 5e6),)), value)
    close(udfs.indicator_value(source, "gap", None, (("initial_reserve", 5e6),)), gap["value"].iloc[-1])
    with pytest.raises(ValueError, match="gap is available for horizons 10 \\(years\\), not 7"):
        udfs.indicator_value(source, "gap", 7)


def test_indicator_reuses_blocks_the_overrides_do_not_touch(book_path):
    source = udfs.FileSource(book_path)
    udfs.indicator_value(source, "nominal_gdp", 5)
    state = udfs.book_state(source)
    udfs.indicator_value(source, "nominal_gdp", 5, (("cpi_inflation", 0.05),))
    variant = state.variant((("cpi_inflation", 0.05),))
    assert variant.population is state.lazy.population  # population not recomputed
    assert variant.economy is not state.lazy.economy
    assert "pension" not in variant.computed()  # an economy indicator never runs the pension block


def test_base_inputs_read_once_per_workbook_until_it_changes(book_path, monkeypatch):
    source = udfs.FileSource(book_path)
    reads = []
    real = source.inputs
    monkeypatch.setattr(source, "inputs", lambda: reads.append(1) or real())
    for k in range(5):
        udfs.indicator_value(source, "e0_male", k, (("mortality_scale", 1 + k / 10),))
    assert len(reads) == 1
    book = load_workbook(book_path)
    book["Settings"]["A1"] = "touched"  # a change that is not an input: re-read, same inputs, memo kept
    book.save(book_path)
    memo = udfs._MEMOS["indicator"]
    hits = memo.hits
    udfs.indicator_value(source, "e0_male", 0, (("mortality_scale", 1.0),))
    assert len(reads) == 2 and memo.hits == hits + 1


def fingerprint_cell(book, value="inputs|1"):
    """What Excel passes for the argument chk_inputs: a reference to that cell of ``book``, with the value
    Excel calculated for it."""
    return xlcall.RangeArg(value, book=book)


def test_indicator_through_excel_with_the_fingerprint_cell(excel, book_path):
    """The first argument is the cell chk_inputs (Excel knows the dependency and recalculates the function
    after an input changes); a call whose fingerprint is cached costs a few COM round trips, whatever the
    size of the workbook, and lists no names and reads no inputs."""
    wb = load_workbook(book_path)
    book = fake_book(wb, str(book_path))
    cell = fingerprint_cell(book)
    got = scalar(via_excel(excel, "SOCSEC_INDICATOR", cell, "e0_female", 5.0, "mortality_scale", 0.9))
    want = core_value(apply_overrides(small_inputs(), {"mortality_scale": 0.9}), lambda v: v.population.summary,
                      "e0_female", 2035)
    close(got, want)
    calls, cell.com_calls = dict(book.impl.calls), 0
    for scale in (0.8, 0.7, 0.6):
        via_excel(excel, "SOCSEC_INDICATOR", cell, "e0_female", 5.0, "mortality_scale", scale)
    assert dict(book.impl.calls) == calls  # no names listed, no range read: the workbook is not touched
    assert cell.com_calls / 3 <= MAX_COM_CALLS_PER_CELL
    # an input changes: Excel recalculates the fingerprint and passes its new value; the inputs are read again
    from workbook_fixtures import cell_of
    sheet, ref = cell_of(book_path, "in_tfr", 1, 1)
    wb[sheet][ref] = 1.2
    got = scalar(via_excel(excel, "SOCSEC_INDICATOR", fingerprint_cell(book, "inputs|2"), "tfr", 0.0))
    assert got == pytest.approx(1.2, rel=1e-14)
    assert book.impl.calls["names"] == calls["names"] + 1


MAX_COM_CALLS_PER_CELL = 8  # xlwings' conversion of the range argument (sheet, workbook, Excel) and of its value


def test_indicator_needs_no_early_bound_com(excel, book_path, monkeypatch):
    """Without pywin32's cache of early-bound classes a COM object has no CLSID: xlwings' ``caller`` argument
    (ComRange) fails there; SOCSEC_INDICATOR takes no caller, so it works."""
    monkeypatch.setattr(xlcall._FakeWindowsRange, "early_bound", False)
    caller_range = xlcall._FakeWindowsRange(xlcall.RangeArg(1.0))
    with pytest.raises(AttributeError):
        getattr(caller_range.api, "CLSID")  # noqa: B009 - what xlwings.udfs.ComRange reads for a caller argument
    assert "caller" not in [a["name"] for a in excel.SOCSEC_INDICATOR.__xlfunc__["args"]]
    book = fake_book(load_workbook(book_path), str(book_path))
    got = scalar(via_excel(excel, "SOCSEC_INDICATOR", fingerprint_cell(book), "tfr", 0.0))
    assert isinstance(got, float)


@pytest.mark.parametrize("args,needle", [
    (("e0_femal", 5.0), "unknown indicator 'e0_femal'; closest: e0_female"),
    (("e0_female", 50.0), "horizon must be a whole number between 0 and 9"),
    (("e0_female", 5.0, "tfrr", 2.0), "unknown input override 'tfrr'; closest valid names: tfr"),
    (("e0_female", 5.0, "tfr", "two"), "tfr must be a number (children per woman), found text 'two'"),
    (("e0_female", 5.0, 3.0, 2.0), "override 1: expected the name of an input"),
    (("", ), "name must be the name of an indicator"),
])
def test_indicator_bad_input(excel, book_path, args, needle):
    wb = load_workbook(book_path)
    cell = fingerprint_cell(fake_book(wb, str(book_path)))
    text = scalar(via_excel(excel, "SOCSEC_INDICATOR", cell, *args))
    assert text.startswith("SOCSEC: ") and needle in text, text


def test_indicator_with_bad_workbook_inputs(excel, book_path):
    from workbook_fixtures import cell_of
    sheet, cell = cell_of(book_path, "in_srb", 1, 2)
    wb = load_workbook(book_path)
    wb[sheet][cell] = "x"
    book = fake_book(wb, str(book_path))
    text = scalar(via_excel(excel, "SOCSEC_INDICATOR", fingerprint_cell(book, "inputs|srb x"), "tfr"))
    assert "the workbook's inputs have 1 problem(s)" in text and f"cell {cell}" in text
    assert udfs.SOCSEC_INDICATOR(None, "tfr").startswith("SOCSEC: the first argument must be the cell chk_inputs")
    text = scalar(via_excel(excel, "SOCSEC_INDICATOR", fingerprint_cell(book, 3.0), "tfr"))
    assert text.startswith("SOCSEC: the first argument must be the cell chk_inputs") and "holds 3.0" in text


@pytest.mark.parametrize("args,expected", [
    ((), (None, ())),
    ((50.0,), (50.0, ())),
    (("tfr", 1.8), (None, (("tfr", 1.8),))),
    ((50.0, "tfr", 1.8, None, None), (50.0, (("tfr", 1.8),))),
    ((50.0, "", 3.0, "srb", 1.05), (50.0, (("srb", 1.05),))),
])
def test_indicator_arguments(args, expected):
    assert udfs.parse_indicator_args(args) == expected


# --- the VBA wrapper module ------------------------------------------------------------------------

def test_committed_vba_module_is_what_xlwings_generates(excel):
    """The module xlwings' "Import Functions" writes into a workbook for socsec.excel.udfs, generated by
    xlwings' own import_udfs (socsec.excel.xlcall) and compared byte for byte (CRLF line ends)."""
    generated, options = xlcall.generate_vba(excel)
    committed = (VBA_DIR / "socsec_udfs.bas").read_bytes().decode("utf-8")
    assert committed == generated, ("addin/socsec/excel/vba/socsec_udfs.bas differs from what xlwings generates for "
                                    "socsec.excel.udfs: run `socsec excel vba` and commit the result")
    assert "\r\n" in committed and "\n" not in committed.replace("\r\n", "")
    assert {macro.split("!")[1] for macro, _ in options} == set(xlcall.udf_names(excel))
    assert all(o["Category"] == "socsec" for _, o in options)
    for name in xlcall.udf_names(excel):
        assert f"Function {name}(" in committed and f'"socsec.excel.udfs", "{name}"' in committed


def test_an_add_in_calls_its_functions_for_the_active_workbook(excel):
    generated, _ = xlcall.generate_vba(excel, "socsec.xlam")
    assert "ActiveWorkbook, Application.Caller" in generated and "ThisWorkbook" not in generated


def test_indicator_without_a_value_says_none(excel, book_path, monkeypatch):
    """E.g. the depletion year of a reserve that is never depleted: "none", not an empty cell."""
    wb = load_workbook(book_path)
    cell = fingerprint_cell(fake_book(wb, str(book_path)))
    source = udfs.FileSource(book_path)
    assert np.isnan(udfs.indicator_value(source, "depletion_year", None, (("initial_reserve", 1e12),)))
    got = via_excel(excel, "SOCSEC_INDICATOR", cell, "depletion_year", "initial_reserve", 1e12)
    assert scalar(got) == "none"


def test_gap_over_the_first_years_projects_only_those_years():
    """On the example (76 years), the GAP over 25 years with an override comes from a projection of
    25 years and equals that of a full valuation; the horizon of the full projection uses the base."""
    source = udfs.FileSource(Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx")
    overrides = (("accrual_rate", 0.015),)
    got = udfs.indicator_value(source, "gap", 25, overrides)
    state = udfs.book_state(source)
    base_year = state.inputs.population.base_year
    assert list(state.shorter) == [base_year + 24]
    assert state.variant(overrides, base_year + 24).inputs.population.final_year == base_year + 24
    table = run_valuation(apply_overrides(state.inputs, overrides)).finance.indicators
    want = table[(table["indicator"] == "gap") & (table["horizon"] == 25)]["value"].iloc[0]
    assert got == pytest.approx(want, rel=1e-13)
    n = state.inputs.population.final_year - base_year + 1
    full_gap = table[(table["indicator"] == "gap") & (table["horizon"] == n)]["value"].iloc[0]
    assert udfs.indicator_value(source, "gap", n, overrides) == pytest.approx(full_gap, rel=1e-13)
    assert list(state.shorter) == [base_year + 24]  # the full horizon needs no shorter projection
