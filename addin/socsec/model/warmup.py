"""Compile every numba kernel once so that the first call in Excel or the CLI is fast.

Kernels are compiled with ``cache=True``: the compiled code is stored next to the package
(numba's cache, keyed by the source file) and reused by later processes.  The installer runs
``socsec warmup`` once.  The warm-up values the example country with both engines' numba path,
so every kernel is compiled with the argument types of a real run.
"""


def warm_up():
    from socsec.model.example_jordan import jordan_inputs
    from socsec.model.valuation import run_valuation

    run_valuation(jordan_inputs(), engine="numba")
