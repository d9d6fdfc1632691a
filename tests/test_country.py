"""`socsec workbook build country ISO3 --wpp DIR`: a runnable workbook for a country of a WPP 2024 extract.

Outside reference: the WPP 2024 files themselves (a Ghana extract in tests/data/wpp2024_ghana), read here
with pandas, independently of socsec.model.wpp.  The check of every country of a full extract is slow and
needs the folder: ``SOCSEC_WPP_DIR=/path/to/wpp python -m pytest -m slow tests/test_country.py``.
"""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from socsec.cli import main
from socsec.model.wpp import read_country
from socsec.workbook.reader import read_workbook
from wpp2024_data import GHANA, july_totals, read_wpp

TOLERANCE = {2030: 0.01, 2050: 0.01, 2075: 0.02, 2100: 0.02}  # 1 July totals against WPP 2024 medium


@pytest.fixture(scope="module")
def ghana(ghana_run):
    """The Ghana workbook built by the command, and its run's CSV folder (tests/conftest.py)."""
    return ghana_run


def deviations(csv_folder, wpp_folder, iso3) -> dict:
    """Relative deviation of socsec's mid-year population (mean of 1 January of t and t+1) from WPP's 1 July."""
    ours = pd.read_csv(Path(csv_folder) / "demography_summary.csv").set_index("year")["population_midyear"]
    ref = july_totals(wpp_folder, iso3)
    return {year: ours[year] / ref[year] - 1.0 for year in TOLERANCE}


def test_ghana_builds_and_runs_with_every_check_ok(ghana):
    _, csv = ghana
    checks = pd.read_csv(csv / "checks.csv")
    assert len(checks) > 10 and checks["ok"].all(), checks[~checks["ok"]]
    info = pd.read_csv(csv / "run_info.csv").set_index("item")["value"]
    assert info["master check"] == "OK"


def test_ghana_base_population_is_the_wpp_total_at_31_december(ghana):
    """Base population by sex = WPP popM_dec31 / popF_dec31 of 2024 (thousands x 1000), read from the file."""
    book, _ = ghana
    inputs = read_workbook(book).inputs
    annual = read_wpp("wpp2024_annual_indicators.csv", GHANA).set_index("year")
    expected = annual.loc[2024, ["popM_dec31", "popF_dec31"]].to_numpy(dtype=float) * 1000.0
    np.testing.assert_allclose(inputs.population.base_population.sum(axis=1), expected, rtol=1e-9)
    years = list(range(2025, 2101))
    np.testing.assert_allclose(inputs.population.tfr, annual.loc[years, "tfr"], rtol=1e-12)
    mig = read_wpp("wpp2024_netmig1_annual_proj.csv", GHANA)
    total = mig[mig["year"].between(2025, 2100)].groupby("year")[["migM", "migF"]].sum().sum(axis=1) * 1000.0
    np.testing.assert_allclose(inputs.population.net_migrants.sum(axis=(1, 2)), total.to_numpy(), atol=1e-6)


def test_ghana_projection_follows_wpp(ghana):
    _, csv = ghana
    for year, dev in deviations(csv, GHANA, "GHA").items():
        assert abs(dev) < TOLERANCE[year], f"{year}: {100 * dev:+.2f}%"


def test_generic_inputs_are_marked_illustrative(ghana):
    book, _ = ghana
    wb = load_workbook(book, read_only=True)
    try:
        economy = [v for sheet in ("Labour force", "Economy") for row in wb[sheet].iter_rows(values_only=True)
                   for v in row if isinstance(v, str)]
        cover = [v for row in wb["Cover"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
        settings = [v for row in wb["Settings"].iter_rows(values_only=True) for v in row]
    finally:
        wb.close()
    assert "Ghana" in settings
    assert sum("ILLUSTRATIVE generic default" in v for v in economy) == 10  # every economy and labour figure (not the options)
    assert any("ILLUSTRATIVE generic defaults" in v for v in cover)
    assert any("CC BY 3.0 IGO" in v for v in cover)


def test_a_missing_country_lists_the_countries_found(tmp_path, capsys):
    code = main(["workbook", "build", "country", "XYZ", "--wpp", str(GHANA), "-o", str(tmp_path / "x.xlsx")])
    err = capsys.readouterr().err
    assert code == 2
    assert "no rows for country XYZ; countries found: GHA" in err
    assert "Traceback" not in err and not (tmp_path / "x.xlsx").exists()


def test_a_missing_year_lists_the_years_found(tmp_path, capsys):
    code = main(["workbook", "build", "country", "gha", "--wpp", str(GHANA), "--base-year", "2023",
                 "--final-year", "2110", "-o", str(tmp_path / "x.xlsx")])
    err = capsys.readouterr().err
    assert code == 2
    assert "base year 2023 is not available" in err and "possible base years: 2025-2090 (every 5 years)" in err
    assert "final year 2110 is not available" in err and "at most 2100" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_a_missing_file_or_folder_is_named(tmp_path, capsys):
    assert main(["workbook", "build", "country", "GHA", "--wpp", str(tmp_path / "nowhere")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["workbook", "build", "country", "GHA", "--wpp", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("missing: expected this file") == 5 and "wpp2024_pop5_july1.csv" in err


def test_an_existing_workbook_is_never_replaced(tmp_path, capsys):
    book = tmp_path / "GHA.xlsx"
    book.write_bytes(b"the user's work")
    assert main(["workbook", "build", "country", "GHA", "--wpp", str(GHANA), "-o", str(book)]) == 2
    assert "never replaces a file" in capsys.readouterr().err
    assert book.read_bytes() == b"the user's work"


def test_country_options_belong_to_build_country(capsys):
    assert main(["workbook", "build", "example", "GHA"]) == 2
    assert "are for 'build country'" in capsys.readouterr().err


def test_a_shorter_period_and_later_base_year(tmp_path):
    """Base 2030, final 2060: anchors stay inside the period, the base population is WPP's at 31 Dec 2029."""
    book = tmp_path / "g.xlsx"
    assert main(["workbook", "build", "country", "GHA", "--wpp", str(GHANA), "--base-year", "2030",
                 "--final-year", "2060", "-o", str(book)]) == 0
    inputs = read_workbook(book).inputs
    assert (inputs.population.base_year, inputs.population.final_year) == (2030, 2060)
    assert inputs.economy.lfpr_years.tolist() == [2030, 2055]
    assert inputs.population.mortality_years[0] == 2030 and inputs.population.mortality_years[-1] == 2060
    annual = read_wpp("wpp2024_annual_indicators.csv", GHANA).set_index("year")
    np.testing.assert_allclose(inputs.population.base_population.sum(),
                               annual.loc[2029, ["popM_dec31", "popF_dec31"]].sum() * 1000.0, rtol=1e-9)


def test_the_example_is_the_country_code_path():
    """No Jordan-specific code: the example module holds data and calls the country builder."""
    import socsec.model.example_jordan as ej
    source = Path(ej.__file__).read_text()
    assert "country_workbook(bundled_country(), BASE_YEAR, FINAL_YEAR, ECONOMY, SCHEME, COVER_NOTES)" in source
    assert read_country(ej.data_folder(), "JOR").name == "Jordan"


WPP_DIR = os.environ.get("SOCSEC_WPP_DIR")


@pytest.mark.slow
@pytest.mark.skipif(not WPP_DIR, reason="set SOCSEC_WPP_DIR to the folder of a full WPP 2024 extract")
def test_every_country_of_the_extract(tmp_path):
    """Every country of the extract builds, runs with exit 0, and its 1 July totals are within 1% of WPP in
    2030 and 2050 and within 2% in 2075 and 2100; prints the table of deviations."""
    countries = sorted(read_wpp("wpp2024_pop5_july1.csv", WPP_DIR)["iso3"].unique())
    lines, failures = [], []
    for iso3 in countries:
        book = tmp_path / f"{iso3}.xlsx"
        assert main(["workbook", "build", "country", iso3, "--wpp", WPP_DIR, "-o", str(book)]) == 0
        code = main(["run", str(book), "--csv", str(tmp_path / iso3)])
        devs = deviations(tmp_path / iso3, WPP_DIR, iso3)
        lines.append(f"{iso3}  exit {code}  " + "  ".join(f"{y}: {100 * d:+.3f}%" for y, d in devs.items()))
        failures += [iso3] * (code != 0 or any(abs(d) >= TOLERANCE[y] for y, d in devs.items()))
    print("\n" + "\n".join(lines))
    assert not failures, failures
