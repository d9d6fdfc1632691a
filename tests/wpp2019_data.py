"""Loaders for the UN WPP 2019 Canada test data in ``tests/data/wpp2019`` (see its README).

Only files inside the repository are read.  Arrays use the model's axis order
``(year, sex, age)`` with sex 0 = male, 1 = female and ages 0..100 (100 = 100+).
"""

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "data" / "wpp2019"
SEX = {"male": 0, "female": 1}
BASE_YEAR = 1950
N_YEARS = 70  # projection years 1950..2019
A = 101  # ages 0..100+


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"wpp2019_ccmpp_{name}.csv")


def _by_year_sex_age(df: pd.DataFrame, column: str, n_years: int) -> np.ndarray:
    out = np.full((n_years, 2, A), np.nan)
    out[df["year"] - BASE_YEAR, df["sex"].map(SEX), df["age"]] = df[column]
    assert not np.isnan(out).any(), f"{column}: missing cells"
    return out


@cache
def canada():
    """Dict of numpy arrays with every UN input and output used by the tests."""
    base = read("base_pop_1950")
    base_pop = np.full((2, A), np.nan)
    base_pop[base["sex"].map(SEX), base["age"]] = base["pop"]

    lt = read("lifetables_1x1")
    columns = {c: _by_year_sex_age(lt, c, N_YEARS) for c in ("mx", "ax", "qx", "lx", "dx", "Lx", "Sx", "Tx", "ex")}

    fert = read("asfr_1x1")
    asfr = np.zeros((N_YEARS, A))  # zero outside the UN's ages 10-54
    asfr[fert["year"] - BASE_YEAR, fert["age"]] = fert["asfr"]

    param = read("srb_migparam").sort_values("year")
    assert (param["year"].to_numpy() == np.arange(BASE_YEAR, BASE_YEAR + N_YEARS)).all()
    assert set(param["mig_assumption"]) == {"end"} and set(param["mig_type"]) == {"counts"}

    mig = _by_year_sex_age(read("netmig_1x1"), "net_migrants", N_YEARS)
    out_pop = _by_year_sex_age(read("canada_output_pop_1x1"), "pop", N_YEARS + 1)

    totals = read("canada_output_totals")
    flows = {}
    for column in ("births", "deaths", "net_migrants"):
        arr = np.full((N_YEARS, 3), np.nan)  # male, female, both
        for j, sex in enumerate(("male", "female", "both")):
            sel = totals[totals["sex"] == sex].sort_values("year")
            assert (sel["year"].to_numpy() == np.arange(BASE_YEAR, BASE_YEAR + N_YEARS)).all()
            arr[:, j] = sel[column].to_numpy()
        flows[column] = arr

    return dict(base_pop=base_pop, asfr=asfr, srb=param["srb"].to_numpy(dtype=float),
                net_migrants=mig, un_pop=out_pop, infant_ax=columns["ax"][:, :, 0],
                lt=columns, **{f"un_{k}": v for k, v in flows.items()})
