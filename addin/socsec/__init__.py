"""socsec: actuarial and financial valuation of national social security schemes.

The projection chain follows the ILO model family (population -> labour force ->
economy -> pension scheme -> financing).  See README.md and docs/methodology.md.
"""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


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
