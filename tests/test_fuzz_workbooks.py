"""Fuzz test (issue 13): hypothesis mutations of a workbook, run through ``socsec run``.

Mutations: cell values of every kind (numbers of every size and sign, text including formula signs,
empty cells, booleans) in and around the input tables and settings, rows inserted and deleted in
input sheets, names deleted or pointed elsewhere (whole columns, a whole sheet, another sheet),
sheets deleted or renamed.  Each run must end with exit code 0, 2 or 3 (never 1, never a traceback);
every problem of an exit 2 names the file and a sheet; the input file is unchanged; the folder holds
nothing but the input and, after exit 0 or 3, the results workbook; the process's peak memory stays
below 2 GB.

The default run mutates the small test country (about 100 cases, fast); the run marked slow mutates
the example workbook (Jordan, 2025-2100) in at least 1,000 cases and prints the distribution of exit
codes (``python -m pytest -m slow tests/test_fuzz_workbooks.py -s``).  The tests' hypothesis profile is
derandomized (the same cases on every run), so ``--hypothesis-seed`` does not change them; the run is split
over processes with ``SOCSEC_FUZZ_SEED``: ``SOCSEC_FUZZ_EXAMPLES=500 SOCSEC_FUZZ_SEED=K python -m pytest -m slow
tests/test_fuzz_workbooks.py -s`` in two shells with different seeds K makes 1,000 cases.  With
``SOCSEC_FUZZ_RECORD=FILE`` each run appends a digest of its mutations to FILE, so that the distinct cases of
several processes can be counted.
"""

import collections
import hashlib
import os
import resource
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from socsec.cli import main
from socsec.workbook.contract import ALL_SETTINGS, INPUT_SHEETS, INPUT_TABLES, SCENARIOS_RANGE
from workbook_fixtures import make_workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx"
NAMES = tuple(s.name for s in ALL_SETTINGS) + tuple(t.name for t in INPUT_TABLES) + (SCENARIOS_RANGE,)
MEMORY_LIMIT_KB = 2 * 1024 * 1024
CODES: collections.Counter = collections.Counter()
FAILURES: list = []

values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -1.0, 1e-300, 1e300, -1e300, 1e308, 2.5, 25.0, 100.0, -0.9999999, 1e15, 0.5]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12),
    st.sampled_from(["=1+1", "+A1", "-2", "@SUM(A1)", "(country name)", "100+", "male", "TFR", "#N/A", " ", "2030"]),
)

cell_edit = st.tuples(st.just("cell"), st.sampled_from(NAMES), st.integers(0, 130), st.integers(0, 90), values)
row_edit = st.tuples(st.sampled_from(["insert_rows", "delete_rows"]), st.sampled_from(INPUT_SHEETS),
                     st.integers(1, 250), st.integers(1, 3))
name_edit = st.tuples(st.just("name"), st.sampled_from(NAMES),
                      st.sampled_from(["delete", "$A:$C", "$3:$9", "$A$1:$XFD$1048576", "other sheet", "one cell",
                                       "shorter", "longer"]))
sheet_edit = st.tuples(st.sampled_from(["delete_sheet", "rename_sheet"]),
                       st.sampled_from(INPUT_SHEETS + ("Cover", "Scenarios", "Checks", "Log", "Instructions")))
mutations = st.lists(st.one_of(cell_edit, cell_edit, cell_edit, row_edit, name_edit, sheet_edit),
                     min_size=1, max_size=3)


def _bounds(wb, name):
    defined = wb.defined_names.get(name)
    if defined is None:
        return None
    destinations = list(defined.destinations)
    if len(destinations) != 1 or destinations[0][0] not in wb.sheetnames:
        return None
    sheet, ref = destinations[0]
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    if None in (min_col, min_row, max_col, max_row):
        return None
    return sheet, min_row, min_col, max_row, max_col


def _rename(wb, name, sheet, reference):
    del wb.defined_names[name]
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{reference}")


def mutate(path: Path, edits):
    """Apply the mutations to the workbook file (as a user or another program might)."""
    wb = load_workbook(path)
    for edit in edits:
        kind = edit[0]
        if kind == "cell":
            _, name, row, col, value = edit
            where = _bounds(wb, name)
            if where is None:
                continue
            sheet, top, left, bottom, right = where
            r, c = top + row % (bottom - top + 2), left + col % (right - left + 2)  # the table and its fringe
            cell = wb[sheet].cell(r, c)
            if not isinstance(cell, MergedCell):  # a merged cell (Cover notes) cannot be typed into
                cell.value = value
        elif kind in ("insert_rows", "delete_rows") and edit[1] in wb.sheetnames:
            getattr(wb[edit[1]], kind)(edit[2], edit[3])
        elif kind == "name" and edit[1] in wb.defined_names:
            _, name, how = edit
            where = _bounds(wb, name)
            if how == "delete" or where is None:
                del wb.defined_names[name]
                continue
            sheet, top, left, bottom, right = where
            other = next(s for s in wb.sheetnames if s != sheet)
            first, last, wider = (get_column_letter(c) for c in (left, right, right + 2))
            reference = {"other sheet": None, "one cell": f"$A${top}",
                         "shorter": f"${first}${top}:${last}${max(top, bottom - 1)}",
                         "longer": f"${first}${top}:${wider}${bottom + 3}"}.get(how, how)
            _rename(wb, name, other if reference is None else sheet,
                    f"${first}${top}:${last}${bottom}" if reference is None else reference)
        elif kind == "delete_sheet" and edit[1] in wb.sheetnames and len(wb.sheetnames) > 1:
            del wb[edit[1]]
        elif kind == "rename_sheet" and edit[1] in wb.sheetnames:
            wb[edit[1]].title = edit[1][:20] + " (2)"
    wb.save(path)


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_run(base: Path, edits, capsys):
    folder = Path(tempfile.mkdtemp(prefix="socsec-fuzz-"))
    try:
        path = folder / "in.xlsx"
        shutil.copy(base, path)
        mutate(path, edits)
        before = digest(path)
        code = main(["run", str(path)])
        captured = capsys.readouterr()
        CODES[code] += 1
        assert code in (0, 2, 3), f"exit {code} for {edits}: {captured.err[-2000:]}"
        assert "Traceback" not in captured.err
        assert digest(path) == before, "the input file changed"
        left = sorted(p.name for p in folder.iterdir())
        assert left == (["in.xlsx", "in_results.xlsx"] if code in (0, 3) else ["in.xlsx"]), left
        if code == 2:
            problems = [line for line in captured.err.splitlines() if line.startswith("  - ")]
            assert problems
            for line in problems:
                assert "in.xlsx" in line and "sheet '" in line, f"problem without file and sheet: {line} ({edits})"
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < MEMORY_LIMIT_KB
        if sum(CODES.values()) % 100 == 0:  # progress of a long run (shown with pytest -s, past capsys)
            with capsys.disabled():
                print(f"fuzz: {sum(CODES.values())} runs, exit codes {dict(sorted(CODES.items()))}", flush=True)
    except AssertionError:
        FAILURES.append(edits)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    return make_workbook(tmp_path_factory.mktemp("fuzz") / "base.xlsx")


# no shrinking: a failing mutation is reported as generated (shrinking whole-workbook runs takes hours)
COMMON = dict(deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])


@settings(max_examples=100, **COMMON)
@given(edits=mutations)
def test_mutated_workbooks_end_with_exit_0_2_or_3(small_book, edits, capsys):
    check_run(small_book, edits, capsys)


FUZZ_SEED = os.environ.get("SOCSEC_FUZZ_SEED")  # a shard of the slow run (None: the derandomized cases)


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("SOCSEC_FUZZ_EXAMPLES", "1000")), derandomize=FUZZ_SEED is None,
          **COMMON)
@(seed(int(FUZZ_SEED)) if FUZZ_SEED else (lambda test: test))
@given(edits=mutations)
def test_mutated_example_workbooks_end_with_exit_0_2_or_3(edits, capsys):
    record = os.environ.get("SOCSEC_FUZZ_RECORD")
    if record:  # one line per case: the distinct cases of several processes can be counted
        with open(record, "a") as out:
            out.write(hashlib.sha256(repr(edits).encode()).hexdigest() + "\n")
    check_run(EXAMPLE, edits, capsys)


def teardown_module():
    """The distribution of exit codes over the runs of this module (shown with ``pytest -s``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nfuzz: exit codes {dict(sorted(CODES.items()))} over {sum(CODES.values())} runs; peak memory "
          f"{peak:.0f} MB; failing mutations: {FAILURES or 'none'}")
