"""How many BLAS threads a fit or a prediction uses: a rule of sizes, never of timings.

The number of threads changes the result: OpenBLAS splits a matrix product differently on one
thread and on several, so the sums are rounded in another order (measured with NumPy's
OpenBLAS 0.3.31: ``(200 x 784) @ (784 x 100)`` differs in the last bits between one and two
threads). A second-order solver, or a long first-order run, amplifies those bits into another
model. So the thread count is chosen from inputs that are the same at every run of the same
fit: the size of its largest matrix product, the limit already in place (set by the user with
``threadpool_limits``, or by joblib in a worker) and whether another fit or prediction runs at
the same time in the process. It never depends on a timing or on the machine's load.

The rule, for NumPy's BLAS:

* one thread when the largest product of a step has fewer than :data:`LARGE_PRODUCT`
  multiply-adds. Below that size a second thread gains little on an idle machine and costs a
  great deal on a busy one: a BLAS thread that waits for a core stalls every product (measured
  on a 2-core machine with other jobs running: 14 times slower with two threads than with one
  at 16 million multiply-adds, 2.6 times at 78 million, equal at 750 million);
* one thread while another fit or prediction runs in another thread of the process (the limits
  are process-wide, and two fits each running two threads on two cores fight for them);
* otherwise the setting in place is kept, so a limit set by the user or by joblib is never
  raised.

Every BLAS library other than NumPy's gets one thread during ``fit``: NumPy and SciPy wheels each
bundle their own OpenBLAS, and the idle threads of SciPy's, which L-BFGS-B calls for its vector
operations, spin and take the cores from NumPy's (measured: L-BFGS fits 3 times slower on 2
cores).

Thread limits are process-wide, so fits running at the same time in several threads (joblib's
threading backend, ``threading.Thread``) share them: the first fit to start records every
library's setting, and the last one to finish restores it. A fit never restores what another
fit set, so no limit outlives the fits.
"""

import os
import threading
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

#: From this many multiply-adds in the largest product of a step, a fit or a prediction keeps
#: the BLAS threads in place; below it, it runs on one (see the module's docstring).
LARGE_PRODUCT = 256_000_000
#: Below this many, OpenBLAS runs a product on one thread by itself (its GEMM threshold,
#: SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD): no need to change anything.
SINGLE_THREADED_ANYWAY = 65_536 * 4

_controller = None
_libraries = None
_lock = threading.Lock()  # guards the two below, and every change of the limits
_active_fits = 0
_original = None  # [(library, num_threads)] before the first of the running fits started


def _blas_libraries():
    """``(every BLAS library, NumPy's)``, found once: inspecting them takes milliseconds."""
    global _controller, _libraries
    if _controller is None:
        _controller = ThreadpoolController()
        blas = [lib for lib in _controller.lib_controllers if lib.user_api == "blas"]
        _libraries = blas, [lib for lib in blas if _is_numpy_blas(lib)] or blas
    return _libraries


def _is_numpy_blas(library):
    folder = os.path.basename(os.path.dirname(library.filepath))
    return folder.startswith("numpy") or f"{os.sep}numpy{os.sep}" in library.filepath


def _set_threads(library, n_threads):
    """Set a library's thread count, then give up control of it.

    threadpoolctl >= 3.8 lets only one Python thread at a time change OpenBLAS's process-wide
    setting (the first to call it, until it releases control); releasing at once lets the fit
    that finishes last restore the setting from whichever thread it runs in.
    """
    if library.num_threads == n_threads:
        return
    library.set_num_threads(n_threads)
    release = getattr(library, "clear_controlling_thread", None)
    if release is not None:
        release()  # releases only what this thread holds


def largest_product(n_rows, sizes):
    """Multiply-adds of the largest matrix product of a pass over ``n_rows`` rows.

    Parameters
    ----------
    n_rows : int
        Rows in one pass (a mini-batch, the training set, or the rows to predict).
    sizes : sequence of int
        Units per layer, inputs first and outputs last.
    """
    return n_rows * max(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def one_thread(work, concurrent):
    """Whether NumPy's BLAS runs on one thread: the rule of the module's docstring."""
    return concurrent or work < LARGE_PRODUCT


@contextmanager
def blas_threads(work):
    """Choose BLAS threads for a fit's block; restore them when the last running fit ends.

    Parameters
    ----------
    work : int
        Multiply-adds of the largest matrix product of one training step
        (:func:`largest_product`).
    """
    blas, numpy_blas = _blas_libraries()
    others = [lib for lib in blas if lib not in numpy_blas]
    with _lock:
        concurrent = _start(blas)
        try:
            for lib in others:
                _set_threads(lib, 1)
            if one_thread(work, concurrent):
                for lib in numpy_blas:
                    _set_threads(lib, 1)
        except BaseException:
            _finish()
            raise
    try:
        yield
    finally:
        with _lock:
            _finish()


@contextmanager
def prediction_threads(work):
    """One NumPy BLAS thread for a prediction whose largest product is below the threshold.

    The size rule of :func:`blas_threads`, for NumPy's library only. Nothing is done (not even
    taking the lock) when the products are at least :data:`LARGE_PRODUCT`, so small that
    OpenBLAS runs them on one thread anyway (a few rows), or NumPy already runs one thread;
    otherwise the bookkeeping takes about 20 microseconds. Like a fit, a prediction restores
    the setting it found unless another fit or prediction still runs, whose end restores it.

    Parameters
    ----------
    work : int
        Multiply-adds of the prediction's largest matrix product (:func:`largest_product`).
    """
    if not SINGLE_THREADED_ANYWAY <= work < LARGE_PRODUCT:
        yield
        return
    blas, numpy_blas = _blas_libraries()
    if all(lib.num_threads == 1 for lib in numpy_blas):
        yield
        return
    with _lock:
        _start(blas)
        for lib in numpy_blas:
            _set_threads(lib, 1)
    try:
        yield
    finally:
        with _lock:
            _finish()


def _start(blas):
    """One more running fit or prediction; the first records every library's setting.

    Returns whether another was running already (call with the lock held).
    """
    global _active_fits, _original
    if _active_fits == 0:
        _original = [(lib, lib.num_threads) for lib in blas]
    _active_fits += 1
    return _active_fits > 1


def _finish():
    """One fit less; the last one restores every library's setting (call with the lock held)."""
    global _active_fits
    _active_fits -= 1
    if _active_fits == 0:
        for lib, n_threads in _original:
            _set_threads(lib, n_threads)
