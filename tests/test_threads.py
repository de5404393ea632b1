"""The same seed gives the same model whatever the machine is doing (issue 28).

The BLAS thread count changes the rounding of matrix products, so a fit chooses it from
inputs that are the same at every run (``sknn_simple/training/threads.py``): the size of its
largest product, the limit in place and concurrent fits, never a timing. These tests fit the
same model on a quiet machine, while another process or thread multiplies matrices, and under
``threadpool_limits(1)``, and compare the weights bit for bit where the guarantee of
``docs/performance.rst`` ("Reproducible fits") says they are equal.
"""

import subprocess
import sys
import threading
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

from sknn_simple import SimpleMLPClassifier
from sknn_simple.training import threads

SOLVERS = ["sgd", "adam", "lbfgs", "newton-cg"]


@contextmanager
def busy_process():
    """Another process multiplying matrices on every core for the duration of the block."""
    code = "import numpy as np\na = np.ones((1500, 1500))\nwhile True:\n    a @ a\n"
    process = subprocess.Popen([sys.executable, "-c", code])
    try:
        yield
    finally:
        process.kill()
        process.wait()


@contextmanager
def busy_thread():
    """A thread of this process multiplying matrices for the duration of the block."""
    stop = threading.Event()

    def work():
        a = np.ones((600, 600))
        while not stop.is_set():
            a @ a

    thread = threading.Thread(target=work)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def numpy_threads():
    return [
        lib["num_threads"]
        for lib in threadpool_info()
        if lib["user_api"] == "blas" and "numpy" in lib["filepath"]
    ]


def weights(X, y, **params):
    model = SimpleMLPClassifier(random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return model.coefs_ + model.intercepts_


def assert_bit_identical(a, b):
    for x, z in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, z)


@pytest.fixture(scope="module")
def medium():
    """Largest products between 8 million (the old rule's 'small') and LARGE_PRODUCT: the
    size at which the timing trial decided the thread count before."""
    X, y = make_classification(3000, 200, n_informative=30, n_classes=3, random_state=0)
    return X, y


def medium_params(solver):
    full_batch = solver in ("lbfgs", "newton-cg")
    # 3000 x 200 x 60 = 36 million multiply-adds per full-batch product, 1000 x 200 x 60 = 12
    # million per mini-batch product
    return dict(
        hidden_layer_sizes=(60,),
        solver=solver,
        batch_size=1000,
        max_iter=12 if full_batch else 3,
        alpha=1e-2,
        tol=1e-12,
    )


def test_the_medium_problem_lies_between_the_rules():
    X_rows, n_features, hidden, batch = 3000, 200, 60, 1000
    for rows in (X_rows, batch):
        work = threads.largest_product(rows, [n_features, hidden, 3])
        assert 8_000_000 <= work < threads.LARGE_PRODUCT


@pytest.mark.parametrize("solver", SOLVERS)
def test_busy_or_quiet_and_one_thread_give_bit_identical_weights(medium, solver):
    X, y = medium
    params = medium_params(solver)
    quiet = weights(X, y, **params)
    with busy_process():
        busy = weights(X, y, **params)
    with busy_thread():
        busy_here = weights(X, y, **params)
    with threadpool_limits(1):
        single = weights(X, y, **params)
    assert_bit_identical(quiet, busy)
    assert_bit_identical(quiet, busy_here)
    assert_bit_identical(quiet, single)


def test_large_products_keep_the_threads_and_ignore_the_load():
    """Above LARGE_PRODUCT the threads in place are kept: a busy machine still gives the same
    weights; one thread gives weights that differ at most in rounding (the documented
    difference)."""
    X, y = make_classification(4000, 1000, n_informative=40, n_classes=2, random_state=1)
    params = dict(hidden_layer_sizes=(64,), solver="lbfgs", max_iter=3, tol=0)
    assert threads.largest_product(4000, [1000, 64, 1]) >= threads.LARGE_PRODUCT
    quiet = weights(X, y, **params)
    with busy_process():
        busy = weights(X, y, **params)
    with threadpool_limits(1):
        single = weights(X, y, **params)
    assert_bit_identical(quiet, busy)
    for a, b in zip(quiet, single, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("limit", [2, 3])
def test_the_rule_depends_on_the_size_only(limit):
    with threadpool_limits(limit, user_api="blas"):
        before = numpy_threads()
        with threads.blas_threads(threads.LARGE_PRODUCT - 1):
            assert numpy_threads() == [1] * len(before)
        with threads.blas_threads(threads.LARGE_PRODUCT):
            assert numpy_threads() == before
        with threads.prediction_threads(threads.LARGE_PRODUCT - 1):
            assert numpy_threads() == [1] * len(before)
        with threads.prediction_threads(threads.LARGE_PRODUCT):
            assert numpy_threads() == before
        assert numpy_threads() == before


def test_a_second_fit_at_the_same_time_runs_on_one_thread():
    with threadpool_limits(2, user_api="blas"):
        with threads.blas_threads(threads.LARGE_PRODUCT):
            assert numpy_threads() == [2] * len(numpy_threads())
            with threads.blas_threads(threads.LARGE_PRODUCT):
                assert numpy_threads() == [1] * len(numpy_threads())
        assert numpy_threads() == [2] * len(numpy_threads())
