"""Three array operations that are faster than NumPy's own spelling of them.

They matter because a training step of a small network is a handful of matrix products and
a few passes over the parameters: every temporary array and every pass saved shows up in the
time per epoch (see the Performance page).
"""

from functools import cache

import numpy as np
from scipy.linalg.blas import get_blas_funcs


@cache
def _blas_axpy(dtype):
    return get_blas_funcs("axpy", dtype=dtype)


def axpy(a, x, y):
    """``y += a * x`` in place: one pass and no temporary array (BLAS ``axpy``).

    ``x`` and ``y`` are 1-d arrays of the same floating dtype. NumPy would compute ``a * x``
    into a temporary first: a second pass, and for the parameter vector a second copy of it.
    """
    result = _blas_axpy(y.dtype)(x, y, a=a)
    if result is not y:  # SciPy copies a non-contiguous y instead of writing into it
        y[...] = result


def matmul_into(A, B, out):
    """``out[...] = A @ B`` for a C-ordered (row-major) or F-ordered (column-major) ``out``.

    NumPy hands a product to BLAS only if the output's rows are contiguous; a column-major
    ``out`` is written as ``out.T = B.T @ A.T``, whose rows are.
    """
    if out.ndim == 2 and out.strides[1] != out.itemsize:
        np.matmul(B.T, A.T, out=out.T)
    else:
        np.matmul(A, B, out=out)
    return out


def column_sums(M, out):
    """``out[...] = M.sum(axis=0)``, as the product ``ones @ M`` (BLAS).

    Twice as fast as NumPy's sum over the rows of a row-major ``M`` of a few hundred rows.
    """
    return np.matmul(_ones(M.shape[0], M.dtype), M, out=out)


@cache
def _ones(n, dtype):
    ones = np.ones(n, dtype=dtype)
    ones.flags.writeable = False
    return ones
