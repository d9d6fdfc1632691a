"""socsec: actuarial and financial valuation of national social security schemes.

The projection chain follows the ILO model family (population -> labour force ->
economy -> pension scheme -> financing).  See README.md and docs/methodology.md.

    model = socsec.load("workbooks/jordan_example.xlsx")  # socsec.InputError if the workbook is bad
    valuation = model.run(contribution_rate=0.25)
    valuation.indicator("gap", 50), valuation.table("financing")
"""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from socsec.errors import InputError

__all__ = ["InputError", "Model", "Valuation", "__version__", "load"]


def _source_version() -> str:
    """The version in pyproject.toml, for a source tree used without installing it."""
    import tomllib

    try:
        with open(Path(__file__).resolve().parents[2] / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0.0.0+unknown"


try:
    __version__ = version("socsec")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = _source_version()


def __getattr__(name: str):
    """``socsec.load``, ``socsec.Model`` and ``socsec.Valuation`` from :mod:`socsec.api`, imported on first use
    (``import socsec`` stays light: the command line reads only the version from it)."""
    if name in ("load", "Model", "Valuation"):
        from socsec import api
        return getattr(api, name)
    raise AttributeError(f"module 'socsec' has no attribute {name!r}")
