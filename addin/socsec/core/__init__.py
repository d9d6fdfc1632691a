"""Numerical kernels: numpy arrays in, arrays out, numba ``@njit``; no I/O, no pandas.

Each kernel ``name_kernel`` has a numpy reference twin ``name_reference`` in the same
module; tests hold the two equal.  Kernels write into caller-owned arrays.
"""
