"""The extras of pyproject.toml (socsec.extras): what each is for, and a command whose extra is missing
stops with one line naming it (exit 2), while the base install runs `socsec run`."""

import importlib.metadata as md
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from socsec.cli import main
from socsec.extras import EXTRAS, MissingExtra, require
from workbook_fixtures import make_workbook

REPO = Path(__file__).resolve().parents[1]
OPTIONAL = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def test_every_extra_of_pyproject_is_described_and_the_test_extra_takes_them_all():
    assert set(OPTIONAL) == set(EXTRAS) | {"test"}
    (itself,) = [Requirement(line) for line in OPTIONAL["test"] if Requirement(line).name == "socsec"]
    assert itself.extras == set(EXTRAS)


def test_the_modules_of_an_extra_come_from_its_packages():
    """What the code imports for an extra is installed by that extra, not by another or by the base."""
    providers = md.packages_distributions()
    for extra, described in EXTRAS.items():
        declared = {canonicalize_name(Requirement(line).name) for line in OPTIONAL[extra]}
        for module in described.modules:
            assert {canonicalize_name(d) for d in providers[module.split(".")[0]]} & declared, (extra, module)


def missing(monkeypatch, *modules):
    """Make ``modules`` fail to import, as when their extra is not installed."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


@pytest.mark.parametrize("argv,command,extra,blocked", [
    ("report book.xlsx", "socsec report", "report", ("docx",)),
    ("report book.xlsx", "socsec report", "report", ("matplotlib",)),
    ("warmup", "socsec warmup", "prep", ("scipy",)),
    ("workbook build example -o example.xlsx", "socsec workbook build example", "prep", ("scipy",)),
    ("workbook build country GHA --wpp wpp", "socsec workbook build country", "prep", ("scipy",)),
    ("bench", "socsec bench", "prep", ("scipy",)),
    ("bench --udf", "socsec bench --udf", "excel", ("xlwings",)),
    ("bench --stochastic --workers 2", "socsec bench --stochastic --workers", "dask", ("dask.distributed",)),
    ("stochastic book.xlsx --workers 2", "socsec stochastic --workers", "dask", ("dask.distributed",)),
    ("stochastic book.xlsx --scheduler tcp://127.0.0.1:1", "socsec stochastic --scheduler", "dask",
     ("dask.distributed",)),
    ("excel vba --check", "socsec excel vba", "excel", ("xlwings",)),
    ("excel addin -o socsec.xlam", "socsec excel addin", "excel", ("xlwings",)),
], ids=lambda v: v if isinstance(v, str) and " " in v else None)
def test_a_command_without_its_extra_says_which_to_install(monkeypatch, tmp_path, capsys, argv, command, extra,
                                                           blocked):
    monkeypatch.chdir(tmp_path)
    missing(monkeypatch, *blocked)
    assert main(argv.split()) == 2
    out, err = capsys.readouterr()
    assert err == f'{command} needs the [{extra}] extra: python -m pip install "socsec[{extra}]" -c constraints.txt\n'
    assert out == "" and list(tmp_path.iterdir()) == [], "nothing is done before the check"


def test_require_passes_when_the_extra_is_installed_and_names_it_when_not(monkeypatch):
    require("report", "socsec report")  # the test extra installs them all
    missing(monkeypatch, "matplotlib")
    with pytest.raises(MissingExtra, match=r"^socsec report needs the \[report\] extra: "):
        require("report", "socsec report")


BLOCKER = """
import sys
from importlib.abc import MetaPathFinder

class NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)

sys.meta_path.insert(0, NotInstalled())
from socsec.cli import main
print(main(["run", {book!r}, "-o", {out!r}]), main(["report", {book!r}]))
print(sorted(m for m in sys.modules if m.split(".")[0] in {blocked!r}))
"""


def test_the_base_install_runs_a_valuation_and_report_says_what_to_add(tmp_path):
    """Every package of the extras made unimportable (numba imports scipy only if it is there): `socsec run`
    writes its results, `socsec report` stops with the one-line message."""
    book, out = make_workbook(tmp_path / "small.xlsx"), tmp_path / "small_results.xlsx"
    blocked = {"xlwings", "scipy", "docx", "matplotlib", "dask", "distributed"}
    done = subprocess.run([sys.executable, "-c", BLOCKER.format(blocked=blocked, book=str(book), out=str(out))],
                          capture_output=True, text=True, timeout=600)
    codes, imported = done.stdout.splitlines()[-2:]
    assert codes == "0 2", done.stderr
    assert imported == "[]"
    assert out.is_file() and not (tmp_path / "small_report.docx").exists()
    assert done.stderr.splitlines()[-1] == ('socsec report needs the [report] extra: python -m pip install '
                                            '"socsec[report]" -c constraints.txt')
    assert "Traceback" not in done.stderr
