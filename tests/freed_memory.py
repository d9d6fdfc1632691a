"""Control what freshly allocated, uninitialised scratch arrays contain (test helper).

``np.empty`` inside the projection kernel and its numpy twin returns recycled memory.  The
kernels once read one such cell before writing it, so their result depended on what the
previous owner of that memory left there (NaN births, intermittently); see
``test_population_identities.py::test_births_do_not_read_uninitialised_memory``.
``fill_freed_memory`` makes that content known so the regression test is deterministic:

* numpy recycles freed data buffers smaller than 1 KiB by exact size (``np.empty`` of the same
  size gets the most recently freed buffer), so freeing arrays of the scratch shape filled
  with ``value`` is enough for the numpy twin;
* numba's ``np.empty`` calls the C ``malloc``; on glibc, blocks freed just before are returned
  first for requests of the same size class, so freeing ``malloc`` blocks of every small size
  filled with ``value`` controls the numba kernel's scratch.  Skipped where the C library
  cannot be loaded (``available()`` is False).
"""

import ctypes
import ctypes.util

import numpy as np

try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
    _libc.malloc.restype = ctypes.c_void_p
    _libc.malloc.argtypes = [ctypes.c_size_t]
    _libc.free.argtypes = [ctypes.c_void_p]
except (OSError, AttributeError, TypeError):  # pragma: no cover - non-POSIX platforms
    _libc = None


def available() -> bool:
    return _libc is not None


def fill_freed_memory(value: float, shapes=(), max_bytes: int = 4096, copies: int = 12) -> None:
    """Leave freed numpy buffers of ``shapes`` and freed malloc blocks up to ``max_bytes`` filled with ``value``."""
    buffers = [np.full(shape, value) for shape in shapes for _ in range(copies)]
    del buffers
    if _libc is None:
        return
    pattern = np.full(max_bytes // 8 + 1, value).tobytes()
    blocks = []
    for size in range(16, max_bytes + 1, 16):
        for _ in range(copies):
            p = _libc.malloc(size)
            if p:
                ctypes.memmove(p, pattern, size)
                blocks.append(p)
    for p in reversed(blocks):
        _libc.free(p)
