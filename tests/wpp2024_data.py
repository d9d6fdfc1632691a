"""Reading the WPP 2024 extract files whole (the outside reference of the country tests)."""

from pathlib import Path

import pandas as pd

from socsec.model import example_jordan

#: Small extract for the tests: the Ghana rows of the WPP 2024 files (tests/data/wpp2024_ghana/README.md).
GHANA = Path(__file__).resolve().parent / "data" / "wpp2024_ghana"


def read_wpp(name: str, folder=None) -> pd.DataFrame:
    """A WPP 2024 extract file as read (ages as text); default folder: the example's bundled extract."""
    return pd.read_csv(Path(folder or example_jordan.data_folder()) / name, dtype={"age": str})


def july_totals(folder, iso3) -> pd.Series:
    """WPP 1 July totals (persons) of a country by year from the 5-year population file."""
    pop5 = read_wpp("wpp2024_pop5_july1.csv", folder)
    return pop5[pop5["iso3"] == iso3].groupby("year")[["popM", "popF"]].sum().sum(axis=1) * 1000.0
