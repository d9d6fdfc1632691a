"""The one cache of socsec: a content digest and least-recently-used stores keyed on it.

What-if tools value the same inputs again and again: the Excel functions (a Data Table calls
SOCSEC_INDICATOR once per cell) and the blocks of the chain whose inputs an override leaves as
they are (the annuity factors of the financing block under a new contribution rate, the death
probabilities of the scheme under a new coverage).  Everything they keep lives in a
:class:`Store` of this module, keyed on :func:`digest` of the values a computation reads, so a
stored value is never used for other inputs.  Input arrays are read-only
(:mod:`socsec.model.frozen`), which is what makes a digest taken once stay true.

* :func:`digest`: SHA-256 of values: arrays (dtype, shape and bytes), dataclass instances (field
  by field), mappings, sequences, numbers, text and None; equal values give equal digests
  whatever object holds them.
* :class:`Store`: least-recently-used mapping (cachetools.LRUCache) with hit and miss counts;
  :func:`clear` empties every store.
* :func:`memoised`: a model computation stored under its name and the digest of its inputs,
  returned at once when called again with the very same input objects.
"""

import dataclasses
import functools
import hashlib
import weakref
from collections.abc import Mapping

import numpy as np
from cachetools import LRUCache

_STORES: weakref.WeakSet = weakref.WeakSet()  # every store alive, for clear()


class Store:
    """Values by key, the least recently used dropped beyond ``size``; ``hits`` and ``misses`` count
    the calls of :meth:`get` (tests and ``socsec bench``)."""

    def __init__(self, size: int):
        self.data = LRUCache(maxsize=size)
        self.hits = self.misses = 0
        _STORES.add(self)

    def get(self, key, compute):
        """The value stored under ``key``, or ``compute()`` stored under it."""
        try:
            value = self.data[key]
        except KeyError:
            self.misses += 1
            value = self.data[key] = compute()
            return value
        self.hits += 1
        return value

    def find(self, key, default=None):
        """The value stored under ``key`` (made the most recently used), or ``default``; not counted."""
        return self.data.get(key, default)

    def put(self, key, value):
        self.data[key] = value

    def __contains__(self, key) -> bool:
        return key in self.data

    def __iter__(self):
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def clear(self):
        self.data.clear()
        self.hits = self.misses = 0


def clear():
    """Empty every store (tests: a computation from empty caches; ``socsec bench``: cold timings)."""
    for store in _STORES:
        store.clear()
    _LAST.clear()


@functools.lru_cache(maxsize=64)
def _dtype_name(dtype) -> str:
    """str(dtype), made once per dtype (numpy builds the name anew on every call)."""
    return str(dtype)


def digest(*parts) -> str:
    """SHA-256 (hex) of ``parts``: arrays by dtype, shape and bytes; dataclass instances field by
    field; mappings by sorted items; lists and tuples item by item; anything else by type and repr."""
    h = hashlib.sha256()

    def feed(value):
        if isinstance(value, np.ndarray) and value.dtype == object:  # cells as Excel gives them
            feed(value.tolist())
        elif isinstance(value, np.ndarray):
            h.update(f"A{_dtype_name(value.dtype)}{value.shape}".encode())
            h.update(np.ascontiguousarray(value).tobytes())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            h.update(f"D{type(value).__name__}(".encode())
            for f in dataclasses.fields(value):
                h.update(f.name.encode() + b"=")
                feed(getattr(value, f.name))
            h.update(b")")
        elif isinstance(value, Mapping):
            h.update(b"{")
            for key in sorted(value, key=repr):
                feed(key)
                feed(value[key])
            h.update(b"}")
        elif isinstance(value, (list, tuple)):
            h.update(b"[" if isinstance(value, list) else b"(")
            for item in value:
                feed(item)
            h.update(b"]")
        else:
            h.update(type(value).__name__.encode() + b":" + repr(value).encode() + b";")
    for part in parts:
        feed(part)
    return h.hexdigest()


_MODEL = Store(24)  # computations of the model chain, by (name, digest of their inputs)
_LAST: dict = {}  # name -> (the input objects of the last call, value)


def _same_source(a, b) -> bool:
    """``a`` is ``b``, or both are numpy arrays of the same dtype, shape and values (a block recomputed on
    the same inputs gives equal arrays that are new objects: comparing them is cheaper than a digest)."""
    return a is b or (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                      and a.shape == b.shape and bool(np.array_equal(a, b)))


def memoised(name: str, sources: tuple, parts, compute):
    """``compute()``, or its value for the same input values computed before.

    ``sources``: the objects the computation reads; called again with the very same objects (inputs
    are read-only) or arrays equal to the last call's, the last value comes back at once.  ``parts()``:
    the values it reads (arrays, numbers, text, the engine), whose :func:`digest` is the key otherwise.
    Values are shared: callers do not modify them.
    """
    last = _LAST.get(name)
    if last is not None and len(last[0]) == len(sources) and all(map(_same_source, last[0], sources)):
        return last[1]
    value = _MODEL.get((name, digest(*parts())), compute)
    _LAST[name] = (sources, value)
    return value
