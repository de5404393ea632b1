"""How many BLAS threads a fit uses.

Two effects make the default thread settings slow for a small network:

* a matrix product of a mini-batch is small (digits: 200 x 64 times 64 x 100): waking and
  synchronizing a second thread costs as much as the product, and on a busy machine a thread
  that waits for a core stalls every step;
* NumPy and SciPy wheels each bundle their own OpenBLAS. SciPy's L-BFGS-B calls SciPy's copy
  for its vector operations, whose idle threads keep spinning and steal the cores from NumPy's
  threads doing the matrix products (measured: 3x slower L-BFGS fits on 2 cores).

So during ``fit`` the estimator gives NumPy's BLAS one thread when the largest product of a step
is small, and leaves it as it is otherwise (so a limit set by the user or by joblib in a
``GridSearchCV(n_jobs=...)`` worker is never raised), and gives every other BLAS library one
thread. Settings are restored when ``fit`` returns.
"""

import os
from contextlib import ExitStack, contextmanager

from threadpoolctl import ThreadpoolController

#: Below this many multiply-adds in ``X_batch @ W1`` one thread is as fast as several.
SMALL_PRODUCT = 8_000_000

_controller = None


def _get_controller():
    global _controller
    if _controller is None:  # inspecting the loaded libraries takes milliseconds: do it once
        _controller = ThreadpoolController()
    return _controller


def _is_numpy_blas(library):
    folder = os.path.basename(os.path.dirname(library.filepath))
    return folder.startswith("numpy") or f"{os.sep}numpy{os.sep}" in library.filepath


@contextmanager
def blas_threads(rows, n_features, n_hidden):
    """Set BLAS threads for products of ``rows`` rows by an ``(n_features, n_hidden)`` matrix."""
    blas = [lib for lib in _get_controller().lib_controllers if lib.user_api == "blas"]
    numpy_blas = [lib for lib in blas if _is_numpy_blas(lib)] or blas
    others = [lib for lib in blas if lib not in numpy_blas]
    with ExitStack() as stack:
        if others:
            stack.enter_context(_limit(others, 1))
        if rows * n_features * n_hidden < SMALL_PRODUCT:
            stack.enter_context(_limit(numpy_blas, 1))
        yield


def _limit(libraries, n_threads):
    return (
        _get_controller()
        .select(filepath=[lib.filepath for lib in libraries])
        .limit(limits=n_threads)
    )
