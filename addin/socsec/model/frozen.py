"""Read-only arrays in the frozen input and result dataclasses.

Blocks of the chain are reused between valuations by the identity of their inputs
(:mod:`socsec.model.chain`, :mod:`socsec.cache`): that is sound only if no one changes an input
array in place.  Each input dataclass calls :func:`freeze_arrays` after construction, so a write into
one of its arrays raises ``ValueError: assignment destination is read-only`` instead of silently changing
a result computed before.  Each result dataclass (the projection of a block) calls
:func:`lock_arrays`: its arrays, shared by the valuations that reuse the block, cannot be changed
either.
"""

import dataclasses
import functools

import numpy as np


def freeze_arrays(instance) -> None:
    """Replace every writable numpy array field of the (frozen) dataclass ``instance`` by a read-only copy;
    arrays that are read-only already (those of another instance, passed on by ``dataclasses.replace``)
    are kept as they are, so unchanged fields stay the very same objects (and so do arrays passed through
    :func:`read_only`)."""
    for name in field_names(type(instance)):
        value = getattr(instance, name)
        if isinstance(value, np.ndarray) and value.flags.writeable:
            value = value.copy()
            value.setflags(write=False)
            object.__setattr__(instance, name, value)


def read_only(array: np.ndarray) -> np.ndarray:
    """``array``, made read-only in place: for an array just computed for a new input dataclass and kept by
    no one else, which :func:`freeze_arrays` then keeps without a copy (the inputs of each stochastic run)."""
    array.setflags(write=False)
    return array


@functools.cache
def field_names(cls) -> tuple:
    """The names of the fields of dataclass ``cls`` (looked up once per class)."""
    return tuple(field.name for field in dataclasses.fields(cls))


def lock_arrays(instance) -> None:
    """Make every numpy array field of the (frozen) dataclass ``instance``, and every array value of its
    dict fields, read-only in place (results: made for this instance, so no copy is needed)."""
    for name in field_names(type(instance)):
        value = getattr(instance, name)
        for array in (value.values() if isinstance(value, dict) else (value,)):
            if isinstance(array, np.ndarray):
                array.setflags(write=False)
