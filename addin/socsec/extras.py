"""The optional parts of socsec (the extras of ``pyproject.toml``) and the one check a command makes
before it uses one.

The base install (``python -m pip install .``) runs the command line: ``socsec run``, ``solve``,
``sensitivity``, ``stochastic`` in one process, ``doctor``. The extras add:

* ``[excel]``  xlwings: the Excel macros, ribbon and worksheet functions, ``socsec excel ...``;
* ``[report]`` python-docx and matplotlib: ``socsec report``;
* ``[prep]``   scipy: data preparation (graduation of UN WPP data), ``socsec workbook build``,
  ``socsec warmup`` and ``socsec bench`` (which value the example built from the bundled WPP data);
* ``[dask]``   dask.distributed: ``socsec stochastic --workers / --scheduler``;
* ``[test]``   all of them with pytest, hypothesis and ruff.

A command that needs a missing extra stops with :class:`MissingExtra`, which the command line prints
as one line naming the extra to install (exit code 2), never a traceback.
"""

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Extra:
    modules: tuple[str, ...]  # what the code imports (tests/test_extras.py: each comes from the extra's packages)
    purpose: str  # what it is for, as socsec doctor shows it


EXTRAS = {
    "excel": Extra(("xlwings",), "the Excel macros and worksheet functions"),
    "report": Extra(("docx", "matplotlib"), "socsec report"),
    "prep": Extra(("scipy",), "data preparation: socsec workbook build, warmup, bench"),
    "dask": Extra(("dask.distributed",), "socsec stochastic --workers / --scheduler"),
}


class MissingExtra(Exception):
    """A command needs an extra that is not installed; the message says how to install it."""


def install_command(*extras: str) -> str:
    """The pip command that adds ``extras`` to this installation at the tested versions, run in the socsec
    folder (pip keeps the installed socsec and adds the packages of the extras)."""
    target = f'"socsec[{",".join(extras)}]"' if extras else "socsec"
    return f"python -m pip install {target} -c constraints.txt"


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that do not import here."""
    missing = []
    for module in EXTRAS[extra].modules:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    return missing


def require(extra: str, command: str) -> None:
    """Raise :class:`MissingExtra` if a module of ``extra`` is missing; ``command`` is what needs it
    (e.g. ``socsec report``)."""
    missing = missing_modules(extra)
    if missing:
        raise MissingExtra(f"{command} needs the [{extra}] extra: {install_command(extra)}")
