"""``--task auto``: whether a target column asks for classification or regression.

The rule: a target is a regression target when every value is a number and it has more than
:data:`MAX_CLASSES` distinct values, unless they are all integers with at least
:data:`ROWS_PER_CLASS` rows each on average (many classes in much data: 100 digit-like codes in
50,000 rows stay classes). Text labels make it classification.

A few cells must not decide it. A column of numbers with a missing or mistyped cell (``nan``,
``N/A``, ``1,5``) is a regression target with a bad cell, not 200 classes; integer codes with
one ``2.5``, or 20 codes with one mistyped ``190``, are not a regression target. When the cells
that are not like the others decide, :func:`choose_task` raises :class:`UnclearTarget`, naming
them, so that the command reports them rather than guess.
"""

import numpy as np

MAX_CLASSES = 20
ROWS_PER_CLASS = 20
#: The cells that stand out, which ``UnclearTarget`` reports, are at most one row or this
#: fraction of the rows (more, and the column is taken for what it is).
FEW = 0.01


class UnclearTarget(ValueError):
    """A few cells decide ``--task auto``: ``rows`` (their indices) and why they stand out.

    ``what`` says what the other rows hold and ``advice`` what to do, each a phrase.
    """

    def __init__(self, rows, what, advice):
        super().__init__(f"{what}; {advice}")
        self.rows, self.what, self.advice = rows, what, advice


def choose_task(y):
    """``(task, reason)`` for ``--task auto``, from the target column as read (see above).

    Raises
    ------
    UnclearTarget
        If most values are numbers of a regression target and some cells are not finite
        numbers; or if a few numbers (at most one row, or :data:`FEW` of them) make it a
        regression target: fractions among integers, or values no other row has, without
        which the column is classes.
    """
    values, numeric = finite_numbers(y)
    if numeric.sum() <= len(values) / 2:
        return "classification", "the target holds text"
    numbers = values[numeric]
    task, reason = _by_numbers(numbers)
    if task == "classification":  # (numbered classes, and maybe some named ones)
        return (task, reason) if numeric.all() else (task, "the target holds text")
    if not numeric.all():
        raise UnclearTarget(
            np.flatnonzero(~numeric),
            f"{len(numbers)} of its {len(values)} values are numbers ({reason}), and these "
            "are not finite numbers",
            "fill in or remove those rows for regression, or pass --task classification if "
            "the column holds class labels",
        )
    rows = _standing_out(numbers)
    if 0 < len(rows) <= max(1, FEW * len(numbers)):
        rest, rest_reason = _by_numbers(np.delete(numbers, rows))
        if rest == "classification":
            raise UnclearTarget(
                rows,
                f"without these rows its other {len(numbers) - len(rows)} values would be "
                f"classes ({rest_reason})",
                "pass --task classification or --task regression, or fix those rows",
            )
    return task, reason


def _by_numbers(values):
    """``(task, reason)`` of the rule for a column of finite numbers."""
    distinct = np.unique(values)
    if len(distinct) <= MAX_CLASSES:
        return "classification", f"the target has {len(distinct)} distinct values"
    if (distinct == np.round(distinct)).all() and len(distinct) * ROWS_PER_CLASS <= len(values):
        return "classification", (
            f"the target has {len(distinct)} distinct integers, {ROWS_PER_CLASS} or more rows "
            "each on average"
        )
    return "regression", f"the target has {len(distinct)} distinct numbers"


def _standing_out(values):
    """The rows whose value no other row has, or is a fraction while most are integers."""
    _, index, counts = np.unique(values, return_inverse=True, return_counts=True)
    fraction = values != np.round(values)
    alone = counts[index] == 1
    return np.flatnonzero(alone | fraction if fraction.mean() <= FEW else alone)


def finite_numbers(y):
    """``(values, numeric)``: ``y`` as float64 (NaN where a cell is not a number) and whether
    each cell is a finite number."""
    if y.dtype.kind in "iu":
        return y.astype(np.float64), np.ones(len(y), dtype=bool)
    try:
        values = y.astype(np.float64)
    except ValueError:
        values = np.array([_number(cell) for cell in y.tolist()], dtype=np.float64)
    return values, np.isfinite(values)


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return np.nan
