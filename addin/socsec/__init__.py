"""socsec: actuarial and financial valuation of national social security schemes.

The projection chain follows the ILO model family (population -> labour force ->
economy -> pension scheme -> financing).  See README.md and docs/methodology.md.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("socsec")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
