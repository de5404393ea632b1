"""How many BLAS threads a fit uses.

Three effects make the default thread settings slow for a small network:

* the matrix products of a mini-batch are small (digits: 200 x 64 times 64 x 100): waking and
  synchronizing a second thread costs as much as the product itself;
* on a busy machine a BLAS thread that waits for a core stalls every product: on a shared
  2-core machine, training steps of MNIST-sized batches were measured 8 times slower with two
  threads than with one, while on the idle machine two threads were 1.5 times faster;
* NumPy and SciPy wheels each bundle their own OpenBLAS. SciPy's L-BFGS-B calls SciPy's copy
  for its vector operations, and its idle threads spin and take the cores from NumPy's threads
  doing the matrix products (measured: L-BFGS fits 3 times slower on 2 cores).

So during ``fit``, every BLAS library other than NumPy's gets one thread, and NumPy's gets one
thread when a step's largest product is small, or when a short trial (a few evaluations of one
training step, without updating anything) runs faster on one thread than on the current setting.
The current setting is otherwise kept, so a limit set by the user, or by joblib inside a
``GridSearchCV(n_jobs=...)`` worker, is never raised; everything is restored when ``fit`` returns.
"""

import os
import time
from contextlib import ExitStack, contextmanager

from threadpoolctl import ThreadpoolController

#: Below this many multiply-adds in ``X_batch @ W1``, one thread is as fast as several.
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


def _limit(libraries, n_threads):
    return (
        _get_controller()
        .select(filepath=[lib.filepath for lib in libraries])
        .limit(limits=n_threads)
    )


def _seconds(trial):
    start = time.perf_counter()
    trial()
    return time.perf_counter() - start


def one_thread_is_faster(libraries, trial, repeats=3):
    """Time ``trial`` on one thread and on the current setting, alternating; True if one wins."""
    trial()  # warm-up: first calls pay for page faults and thread start-up
    one = current = float("inf")
    for _ in range(repeats):
        with _limit(libraries, 1):
            one = min(one, _seconds(trial))
        current = min(current, _seconds(trial))
    return one <= current


@contextmanager
def blas_threads(work, trial):
    """Choose BLAS threads for the block.

    Parameters
    ----------
    work : int
        Multiply-adds of the largest matrix product of one training step.
    trial : callable
        Runs one training step's products without side effects; timed to compare settings.
    """
    blas = [lib for lib in _get_controller().lib_controllers if lib.user_api == "blas"]
    numpy_blas = [lib for lib in blas if _is_numpy_blas(lib)] or blas
    others = [lib for lib in blas if lib not in numpy_blas]
    with ExitStack() as stack:
        if others:
            stack.enter_context(_limit(others, 1))
        several = any(lib.num_threads > 1 for lib in numpy_blas)
        if several and (work < SMALL_PRODUCT or one_thread_is_faster(numpy_blas, trial)):
            stack.enter_context(_limit(numpy_blas, 1))
        del trial  # release its arrays for the rest of the fit
        yield
