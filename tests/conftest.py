"""Test configuration: make ``socsec`` importable from the source tree when it is not installed."""

import sys
from pathlib import Path

try:
    import socsec  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "addin"))


from hypothesis import settings  # noqa: E402

# The same examples on every run (CI and developers): a failure is reproducible, never a coin toss.
settings.register_profile("socsec", derandomize=True)
settings.load_profile("socsec")


import pytest  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx"


@pytest.fixture(scope="session")
def example_report(tmp_path_factory):
    """The report of the example with every scenario compared (`socsec report --compare`), written
    once for the test session: its path."""
    from socsec.cli import main

    path = tmp_path_factory.mktemp("report") / "report.docx"
    assert main(["report", str(EXAMPLE), "-o", str(path), "--compare"]) == 0
    return path


@pytest.fixture(scope="session")
def ghana_run(tmp_path_factory):
    """Ghana built from the test extract and run, once for the test session, as tutorial exercise 7 says:
    `socsec workbook build country GHA --wpp tests/data/wpp2024_ghana -o GHA.xlsx`, `socsec run GHA.xlsx
    --csv gha`; (workbook path, CSV folder)."""
    from socsec.cli import main
    from wpp2024_data import GHANA

    folder = tmp_path_factory.mktemp("ghana")
    book = folder / "GHA.xlsx"
    assert main(["workbook", "build", "country", "GHA", "--wpp", str(GHANA), "-o", str(book)]) == 0
    assert main(["run", str(book), "--csv", str(folder / "gha")]) == 0
    return book, folder / "gha"
