"""Memo of computations that what-if tables repeat with the same inputs.

What-if tables (SOCSEC_INDICATOR, scenarios) re-run blocks of the chain many times where some
computations read inputs that do not change: the annuity factors and replacement rates of the
financing block (a new initial reserve or contribution rate leaves them as they are), the death
probabilities of the scheme (a new coverage leaves the population as it is).  :func:`memoised`
returns the value computed before for the same input values.
"""

import hashlib
from collections import OrderedDict

import numpy as np

_MEMO: OrderedDict = OrderedDict()  # (name, digest of the input values) -> value, the most recent last
_LAST: dict = {}  # name -> (the objects of the last call, value)
MEMO_SIZE = 24


def memoised(name: str, sources: tuple, parts, compute):
    """``compute()``, or its value for the same input values computed before.

    ``sources``: the objects the computation reads (the same objects as in the last call of
    ``name``: its value at once; inputs are never modified in place); ``parts()``: the values it
    reads (arrays, numbers, strings; the engine too), whose digest is the key otherwise, so a stored
    value is never used for other inputs.  Values are shared: callers do not modify them.
    """
    last = _LAST.get(name)
    if last is not None and len(last[0]) == len(sources) and all(a is b for a, b in zip(last[0], sources)):
        return last[1]
    digest = hashlib.blake2b(digest_size=20)
    for part in parts():
        if isinstance(part, np.ndarray):
            digest.update(f"{part.dtype}{part.shape}".encode())
            digest.update(np.ascontiguousarray(part).tobytes())
        else:
            digest.update(repr(part).encode())
        digest.update(b"|")
    key = (name, digest.digest())
    if key in _MEMO:
        _MEMO.move_to_end(key)
    else:
        _MEMO[key] = compute()
        if len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    _LAST[name] = (sources, _MEMO[key])
    return _MEMO[key]


def clear():
    """Forget every stored value (tests: a computation from an empty memo)."""
    _MEMO.clear()
    _LAST.clear()
