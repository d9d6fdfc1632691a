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
