"""Compile every numba kernel once so that the first call in Excel or the CLI is fast.

Kernels are compiled with ``cache=True``: the compiled code is stored next to the package
(numba's cache, keyed by the source file) and reused by later processes.  The installer runs
``socsec warmup`` once.  The warm-up values the example country with the numba engine, so every
kernel is compiled with the argument types of a real run: once with the pension kernels on numba's
threads, once with their one-thread versions, and once as a valuation of a batch (the two passes year by
year on one thread, which every run of a stochastic valuation uses,
:func:`socsec.model.stochastic.value_chunk`).
"""


def warm_up():
    from socsec.model.example_jordan import jordan_inputs
    from socsec.model.pension import PensionBuffers, one_thread
    from socsec.model.valuation import run_valuation

    inputs = jordan_inputs()
    run_valuation(inputs, engine="numba")
    with one_thread():
        run_valuation(inputs, engine="numba")
        run_valuation(inputs, engine="numba", buffers=PensionBuffers.for_batch(inputs))
