"""The example country (Jordan) projected by socsec against the UN WPP 2024 medium variant.

Outside reference: the WPP 2024 figures kept in the package (socsec/data/wpp2024_jordan,
the same files the inputs are built from).  WPP's "1 July" population of year t is the mean
of its populations at 31 Dec t-1 and 31 Dec t, i.e. socsec's ``population_midyear`` of t.
Run with ``pytest -s`` to see the measured deviations.
"""

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from socsec.model import example_jordan as ej
from socsec.model import wpp
from wpp2024_data import read_wpp
from socsec.model.graduation import single_age_mx_from_abridged
from socsec.model.population import PopulationInputs, compute_life_tables, project_population
from socsec.workbook.contract import ALL_SETTINGS, INPUT_TABLES

# Acceptance tolerances on the total population at 1 July (relative)
TOLERANCE = {2030: 0.01, 2050: 0.01, 2075: 0.02, 2100: 0.02}


def project(**options):
    return project_population(ej.jordan_population_inputs(**options).to_assumptions())


@pytest.fixture(scope="module")
def projection():
    return project()


@pytest.fixture(scope="module")
def wpp_july():
    """WPP 1 July population by year, sex and 5-year group (persons), (years -> (2, 21))."""
    pop5 = read_wpp("wpp2024_pop5_july1.csv")
    return {int(y): wpp.sorted_by_age(g)[["popM", "popF"]].to_numpy(dtype=float).T * 1000.0
            for y, g in pop5.groupby("year")}


@pytest.fixture(scope="module")
def annual():
    return read_wpp("wpp2024_annual_indicators.csv").set_index("year")


def midyear_groups(projection, year):
    i = year - projection.years[0]
    mid = 0.5 * (projection.population[i] + projection.population[i + 1])
    return np.add.reduceat(mid, wpp.POP5_STARTS, axis=1)


def test_inputs_shape_and_choices():
    inputs = ej.jordan_population_inputs()
    assert isinstance(inputs, PopulationInputs)
    assert (inputs.country, inputs.base_year, inputs.final_year) == ("Jordan", 2025, 2100)
    n = 76
    assert inputs.base_population.shape == (2, 101)
    assert inputs.tfr.shape == inputs.srb.shape == (n,)
    assert inputs.net_migrants.shape == (n, 2, 101)
    assert inputs.fertility_input == "tfr_pattern" and inputs.asfr is None
    np.testing.assert_array_equal(inputs.fertility_ages, np.arange(15, 50))
    np.testing.assert_array_equal(inputs.fertility_pattern_years, np.arange(2023, 2099, 5))
    np.testing.assert_allclose(inputs.fertility_pattern.sum(axis=1), 100.0)
    assert inputs.mortality_kind == "mx"
    np.testing.assert_array_equal(inputs.mortality_years, np.r_[2025, np.arange(2028, 2099, 5), 2100])
    assert inputs.mortality.shape == (17, 2, 101) and np.all(inputs.mortality > 0)
    assert inputs.migration_timing == "end"
    assert np.all(inputs.base_population >= 0)
    declared = {spec.name for spec in ALL_SETTINGS + INPUT_TABLES}
    assert set(ej.jordan_sources()) == declared, "every workbook input of the example has a source"
    assert all(isinstance(v, str) and v and "\n" not in v for v in ej.jordan_sources().values())


def test_inputs_match_the_wpp_figures(annual):
    inputs = ej.jordan_population_inputs()
    years = list(range(2025, 2101))
    np.testing.assert_allclose(inputs.tfr, annual.loc[years, "tfr"])
    np.testing.assert_allclose(inputs.srb, annual.loc[years, "srb"])
    np.testing.assert_allclose(inputs.net_migrants.sum(axis=(1, 2)), annual.loc[years, "net_migrants"] * 1000,
                               atol=60)  # file rounded to 1 person per age and sex
    dec31 = annual.loc[2024, ["popM_dec31", "popF_dec31"]].to_numpy(dtype=float) * 1000
    np.testing.assert_allclose(inputs.base_population.sum(axis=1), dec31, rtol=1e-12)


def test_data_is_read_from_the_package():
    root = Path(resources.files("socsec")).resolve()
    data = Path(resources.files("socsec").joinpath(ej.DATA_DIR)).resolve()
    assert data.is_relative_to(root)
    for module in (ej, wpp):
        assert "shared" not in Path(module.__file__).read_text()


def test_period_life_expectancy_of_the_single_age_tables():
    """e0 of the single-age tables made from the abridged WPP rates vs WPP's period e0."""
    mx = read_wpp("wpp2024_mx5_period.csv")
    e0 = read_wpp("wpp2024_period5_tfr_srb_e0.csv").set_index("period")
    periods = sorted(mx["period"].unique())
    tables = np.array([[single_age_mx_from_abridged(wpp.MX_AGES, wpp.sorted_by_age(mx[mx["period"] == p])[c]
                                                    .to_numpy(dtype=float), s)
                        for s, c in enumerate(("mxM", "mxF"))] for p in periods])
    from socsec.core.lifetable import infant_separation_factor
    ax0 = np.stack([infant_separation_factor(tables[:, s, 0], s) for s in (0, 1)], axis=1)
    ours = compute_life_tables(tables, ax0).ex[:, :, 0]
    diff = ours - e0.loc[periods, ["e0M", "e0F"]].to_numpy(dtype=float)
    print("\ne0 single-age table - WPP period e0 (years), male / female:")
    for p, (dm, df) in zip(periods, diff):
        if p >= "2020":
            print(f"  {p}: {dm:+.3f} {df:+.3f}")
    print(f"  all periods 1950-2100: max |diff| = {np.abs(diff).max():.3f}")
    assert np.abs(diff).max() < 0.05


def test_total_population_at_1_july(projection, wpp_july):
    """Acceptance: totals within 1% in 2030 and 2050, within 2% in 2075 and 2100."""
    s = projection.summary.set_index("year")
    lines, failures = [], []
    for year in (2025, 2030, 2035, 2040, 2050, 2060, 2075, 2090, 2100):
        ours = s.loc[year, "population_midyear"]
        ref = wpp_july[year].sum()
        dev = ours / ref - 1.0
        lines.append(f"  {year}: socsec {ours / 1e3:10.1f}  WPP {ref / 1e3:10.1f} thousand  {100 * dev:+.3f}%")
        if year in TOLERANCE and abs(dev) > TOLERANCE[year]:
            failures.append(year)
    print("\nJordan, total population at 1 July, socsec vs WPP 2024 medium variant:")
    print("\n".join(lines))
    assert not failures, f"deviation above tolerance in {failures}:\n" + "\n".join(lines)


def test_base_year_midyear_population_by_age_is_reproduced(projection, wpp_july):
    """The calibrated base population gives back WPP's mid-2025 groups (below age 90)."""
    ours = midyear_groups(projection, 2025)
    np.testing.assert_allclose(ours[:, :18], wpp_july[2025][:, :18], rtol=2e-3)
    np.testing.assert_allclose(ours.sum(), wpp_july[2025].sum(), rtol=2e-4)


def test_population_by_age_group_stays_close(projection, wpp_july):
    """Sum of absolute differences over 5-year groups and sexes, relative to the total."""
    rows = []
    for year in (2030, 2050, 2075, 2100):
        ours, ref = midyear_groups(projection, year), wpp_july[year]
        l1 = np.abs(ours - ref).sum() / ref.sum()
        worst = np.max(np.abs(ours / ref - 1.0)[:, :18])  # groups 0-4 .. 85-89
        rows.append((year, l1, worst))
    print("\nage structure vs WPP: year, sum|diff|/total, max relative diff in a group below 90")
    for year, l1, worst in rows:
        print(f"  {year}: {100 * l1:.3f}%  {100 * worst:.2f}%")
    assert all(l1 < 0.003 for _, l1, _ in rows)
    assert all(worst < 0.01 for _, _, worst in rows)


def test_flows_and_stocks_by_calendar_year(projection, annual):
    """Births, deaths, e0 and 1 January totals against the WPP annual indicators."""
    s = projection.summary.set_index("year")
    years = list(range(2025, 2101))
    births = s.loc[years, "births"] / (annual.loc[years, "births"] * 1000) - 1
    deaths = s.loc[years, "deaths"] / (annual.loc[years, "deaths"] * 1000) - 1
    e0 = np.c_[s.loc[years, "e0_male"] - annual.loc[years, "e0M"], s.loc[years, "e0_female"] - annual.loc[years, "e0F"]]
    jan = projection.population.sum(axis=(1, 2))  # 1 Jan 2025 .. 2101 = WPP 31 Dec 2024 .. 2100
    dec31 = (annual.loc[2024:2100, "popM_dec31"] + annual.loc[2024:2100, "popF_dec31"]).to_numpy() * 1000
    jan_dev = jan / dec31 - 1
    print("\nannual indicators vs WPP: max |relative deviation| (year)")
    for name, dev in (("births", births), ("deaths", deaths)):
        print(f"  {name}: {100 * dev.abs().max():.2f}% ({dev.abs().idxmax()}), 2025 {100 * dev[2025]:+.2f}%")
    print(f"  e0 male/female: max |diff| {np.abs(e0).max(axis=0).round(3)} years, mean {e0.mean(axis=0).round(3)}")
    print(f"  population at 1 January: max |dev| {100 * np.abs(jan_dev).max():.3f}%")
    assert births.abs().max() < 0.005
    assert deaths.abs().max() < 0.01
    assert np.abs(e0).max() < 0.1
    assert np.abs(jan_dev).max() < 0.005


def test_migration_convention_evidence(projection, annual, wpp_july):
    """WPP's migrants are added at year end by age at year end: other readings fit worse.

    2025 has 303 thousand net emigrants, so the timing shows in that year's births; the age
    reading shows in the age structure.
    """
    def scores(run):
        s = run.summary.set_index("year")
        b2025 = s.loc[2025, "births"] / (annual.loc[2025, "births"] * 1000) - 1
        l1 = np.mean([np.abs(midyear_groups(run, y) - wpp_july[y]).sum() / wpp_july[y].sum()
                      for y in (2030, 2050, 2075, 2100)])
        return b2025, l1

    chosen = scores(projection)
    even_timing = scores(project(migration_timing="even"))
    even_ages = scores(project(migration_ages="ccmpp_even"))
    print("\nmigration convention: births 2025 dev, mean sum|diff|/total by age group 2030-2100")
    for name, (b, l1) in (("ages at year end, added at end (chosen)", chosen),
                          ("ages at year end, timing even", even_timing),
                          ("ccmppWPP 'even' ages, added at end", even_ages)):
        print(f"  {name:42s} {100 * b:+.2f}%  {100 * l1:.3f}%")
    assert abs(chosen[0]) < 0.002
    assert abs(even_timing[0]) > 5 * abs(chosen[0])
    assert even_ages[1] > 2 * chosen[1]
