"""Reading the WPP 2024 extract files whole (the outside reference of the country tests)."""

from pathlib import Path

import pandas as pd

from socsec.model import example_jordan

#: Small extract for the tests: the Ghana rows of the WPP 2024 files (tests/data/wpp2024_ghana/README.md).
GHANA = Path(__file__).resolve().parent / "data" / "wpp2024_ghana"


def read_wpp(name: str, folder=None) -> pd.DataFrame:
    """A WPP 2024 extract file as read (ages as text); default folder: the example's bundled extract."""
    return pd.read_csv(Path(folder or example_jordan.data_folder()) / name, dtype={"age": str})
