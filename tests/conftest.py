"""Test configuration: make ``socsec`` importable from the source tree when it is not installed."""

import sys
from pathlib import Path

try:
    import socsec  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "addin"))
