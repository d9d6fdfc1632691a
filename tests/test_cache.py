"""socsec.cache: the one content digest and the least-recently-used stores."""

import dataclasses

import numpy as np

from socsec import cache


@dataclasses.dataclass(frozen=True)
class Pair:
    a: np.ndarray
    b: dict


def test_equal_values_in_other_objects_give_the_same_digest():
    x = np.arange(6.0).reshape(2, 3)
    assert cache.digest(x, "tfr", 1.5) == cache.digest(x.copy(), "tfr", 1.5)
    assert cache.digest(Pair(x, {"k": 1.0, "j": None})) == cache.digest(Pair(x.copy(), {"j": None, "k": 1.0}))
    assert cache.digest(np.array([None, 1.0], dtype=object)) == cache.digest([None, 1.0])


def test_any_difference_changes_the_digest():
    x = np.arange(6.0).reshape(2, 3)
    variants = [x, x.reshape(3, 2), x.astype(np.float32), x.T.copy(), x + 1e-15 * (x == 5), (x,), [x],
                Pair(x, {"k": 1.0}), Pair(x, {"k": 1.0000000001}), 1, 1.0, "1", None, True]
    digests = {cache.digest(v) for v in variants}
    assert len(digests) == len(variants)


def test_store_keeps_the_most_recently_used():
    store = cache.Store(2)
    calls = []

    def compute(value):
        return lambda: calls.append(value) or value

    assert store.get("a", compute(1)) == 1 and store.get("b", compute(2)) == 2
    assert store.get("a", compute(99)) == 1  # a hit: "a" is now the most recently used
    store.get("c", compute(3))  # drops "b", the least recently used
    assert "a" in store and "c" in store and "b" not in store
    assert calls == [1, 2, 3] and (store.hits, store.misses) == (1, 3)
    cache.clear()
    assert len(store) == 0 and (store.hits, store.misses) == (0, 0)


def test_memoised_reuses_the_same_objects_and_equal_values():
    cache.clear()
    x = np.ones(3)
    counted = []

    def compute():
        counted.append(1)
        return float(x.sum())

    assert cache.memoised("test_sum", (x,), lambda: (x,), compute) == 3.0
    assert cache.memoised("test_sum", (x,), lambda: (x,), compute) == 3.0  # the same object
    y = x.copy()
    assert cache.memoised("test_sum", (y,), lambda: (y,), compute) == 3.0  # equal values, other object
    z = np.full(3, 2.0)
    assert cache.memoised("test_sum", (z,), lambda: (z,), lambda: float(z.sum())) == 6.0
    assert len(counted) == 1
