"""``--task auto``: whether a target column asks for classification or regression.

The rule: a target is a regression target when every value is a number and it has more than
:data:`MAX_CLASSES` distinct values, unless they are all integers with at least
:data:`ROWS_PER_CLASS` rows each on average (many classes in much data: 100 digit-like codes in
50,000 rows stay classes). Text labels make it classification.

A few cells must not decide it. A column of numbers with a missing or mistyped cell (``nan``,
``N/A``, ``1,5``) is a regression target with a bad cell, not 200 classes; a column of integer
codes with one ``2.5`` is not a regression target. When the cells that are not like the others
would flip the decision, :func:`choose_task` raises :class:`UnclearTarget`, naming them, so the
command can report them rather than guess.
"""

import numpy as np

MAX_CLASSES = 20
ROWS_PER_CLASS = 20
#: The exceptions among integers that ``UnclearTarget`` reports are at most one row, or this
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
        If the cells that are not finite numbers (when most are numbers of a regression
        target), or not integers (when the others are integer codes of classes), decide it.
    """
    values, numeric = finite_numbers(y)
    if numeric.all():
        return _by_numbers(values)
    n_numbers = int(numeric.sum())
    if n_numbers <= len(values) / 2:
        return "classification", "the target holds text"
    task, reason = _by_numbers(values[numeric])
    if task == "classification":  # numbered classes and some named ones
        return "classification", "the target holds text"
    raise UnclearTarget(
        np.flatnonzero(~numeric),
        f"{n_numbers} of its {len(values)} values are numbers ({reason}), and these are not "
        "finite numbers",
        "fill in or remove those rows for regression, or pass --task classification if the "
        "column holds class labels",
    )


def _by_numbers(values):
    """``(task, reason)`` of the rule for a column of finite numbers; UnclearTarget if the few
    values that are not integers are all that makes it regression."""
    distinct = np.unique(values)
    if len(distinct) <= MAX_CLASSES:
        return "classification", f"the target has {len(distinct)} distinct values"
    if _classes_of_integers(distinct, len(values)):
        return "classification", (
            f"the target has {len(distinct)} distinct integers, {ROWS_PER_CLASS} or more rows "
            "each on average"
        )
    fraction = values != np.round(values)
    integers = values[~fraction]
    if 0 < fraction.sum() <= max(1, FEW * len(values)) and (
        len(np.unique(integers)) <= MAX_CLASSES
        or _classes_of_integers(np.unique(integers), len(values))
    ):
        raise UnclearTarget(
            np.flatnonzero(fraction),
            f"{len(integers)} of its {len(values)} values are integers, {len(np.unique(integers))}"
            " distinct ones (class labels?), and these are not",
            "pass --task classification or --task regression (or fix those rows)",
        )
    return "regression", f"the target has {len(distinct)} distinct numbers"


def _classes_of_integers(distinct, n_rows):
    """Whether ``distinct`` values are integers with ``ROWS_PER_CLASS`` rows each on average."""
    return bool((distinct == np.round(distinct)).all()) and (
        len(distinct) * ROWS_PER_CLASS <= n_rows
    )


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
