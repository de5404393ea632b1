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
thread when a step's largest product is small, when a short trial (a few evaluations of one
training step, without updating anything) runs faster on one thread than on the current
setting, or when another fit runs at the same time in another thread of the process. The
current setting is otherwise kept, so a limit set by the user, or by joblib inside a
``GridSearchCV(n_jobs=...)`` worker, is never raised.

Thread limits are process-wide, so fits running at the same time in several threads (joblib's
threading backend, ``threading.Thread``) share them: the first fit to start records every
library's setting, and the last one to finish restores it. A fit never restores what another
fit set, so no limit outlives the fits.
"""

import os
import threading
import time
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

#: Below this many multiply-adds in the largest product of a step, one thread is as fast as several.
SMALL_PRODUCT = 8_000_000
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


def _seconds(trial):
    start = time.perf_counter()
    trial()
    return time.perf_counter() - start


def one_thread_is_faster(libraries, trial, repeats=3):
    """Time ``trial`` on one thread and on the current setting, alternating; True if one wins."""
    trial()  # warm-up: first calls pay for page faults and thread start-up
    current_threads = [lib.num_threads for lib in libraries]
    one = current = float("inf")
    for _ in range(repeats):
        for lib in libraries:
            _set_threads(lib, 1)
        one = min(one, _seconds(trial))
        for lib, n in zip(libraries, current_threads, strict=True):
            _set_threads(lib, n)
        current = min(current, _seconds(trial))
    return one <= current


@contextmanager
def blas_threads(work, trial):
    """Choose BLAS threads for the block; restore them when the last running fit ends.

    Parameters
    ----------
    work : int
        Multiply-adds of the largest matrix product of one training step.
    trial : callable
        Runs one training step's products without side effects; timed to compare settings.
    """
    blas, numpy_blas = _blas_libraries()
    others = [lib for lib in blas if lib not in numpy_blas]
    with _lock:
        concurrent = _start(blas)
        try:
            for lib in others:
                _set_threads(lib, 1)
            several = any(lib.num_threads > 1 for lib in numpy_blas)
            if several and (
                concurrent or work < SMALL_PRODUCT or one_thread_is_faster(numpy_blas, trial)
            ):
                for lib in numpy_blas:
                    _set_threads(lib, 1)
        except BaseException:
            _finish()
            raise
    del trial  # release its arrays for the rest of the fit
    try:
        yield
    finally:
        with _lock:
            _finish()


@contextmanager
def prediction_threads(work):
    """One NumPy BLAS thread for a prediction whose largest product is small.

    The small-product rule of :func:`blas_threads`, without a trial and for NumPy's library
    only. Nothing is done (not even taking the lock) when the products are large, so small
    that OpenBLAS runs them on one thread anyway (a few rows), or NumPy already runs one
    thread; otherwise the bookkeeping takes about 20 microseconds. Like a fit, a prediction
    restores the setting it found unless another fit or prediction still runs, whose end
    restores it.
    """
    if not SINGLE_THREADED_ANYWAY <= work < SMALL_PRODUCT:
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
