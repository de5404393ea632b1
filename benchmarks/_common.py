"""Shared helpers of the benchmarks: alternating repeated timings, medians, tables.

Timings on a shared machine are noisy, so every comparison runs the contenders in the same
process, alternating (A, B, A, B, ...), several times, and reports medians and the median of the
per-round ratios rather than single times.
"""

import contextlib
import statistics
import subprocess
import sys
import time
import warnings

from sklearn.exceptions import ConvergenceWarning

#: Every script's ``--smoke``: CI runs each script so, to check that it still runs against the
#: package as it is now (a renamed function it patches, a changed registry entry).
SMOKE_HELP = "run in seconds on tiny data, to check that the script works (numbers mean nothing)"


def timed(fn):
    """Run ``fn()`` once with ConvergenceWarnings silenced; return (seconds, result)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result


def alternate(contenders, repeats):
    """Time each ``contenders[name]()`` ``repeats`` times, round-robin.

    Returns ``{name: [seconds, ...]}`` and ``{name: last result}``.
    """
    times = {name: [] for name in contenders}
    results = {}
    for round_index in range(repeats):
        names = list(contenders)
        if round_index % 2:  # alternate who goes first, too
            names.reverse()
        for name in names:
            seconds, results[name] = timed(contenders[name])
            times[name].append(seconds)
    return times, results


def median_ratio(numerator, denominator):
    """Median over rounds of numerator[i] / denominator[i]."""
    return statistics.median(a / b for a, b in zip(numerator, denominator, strict=True))


def print_table(rows, columns):
    """Print ``rows`` (a list of dicts) as a fixed-width table with the given column order."""
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in columns))


#: What the busy machine runs: another process multiplying matrices with NumPy's default threads.
BUSY_CODE = "import numpy as np\na = np.ones((1500, 1500))\nwhile True:\n    a @ a\n"


@contextlib.contextmanager
def busy_machine(busy):
    """While the block runs, keep the cores busy with another process if ``busy`` (--busy).

    A machine shared with other jobs, made repeatable: the thread choice of a fit must do well
    on a quiet and on a busy machine, and give the same model on both.
    """
    if not busy:
        yield
        return
    process = subprocess.Popen([sys.executable, "-c", BUSY_CODE])
    try:
        yield
    finally:
        process.kill()
        process.wait()
