"""``history_``: one record per epoch or iteration, stored as a table of numbers.

A fit may run for hundreds of thousands of epochs (``partial_fit`` on a stream), so the records
are not kept as dicts (about 360 bytes each) but as one row of :data:`HISTORY_KEYS` float64
values (56 bytes) in a growing buffer. :class:`History` presents the rows as the records the
docs promise: a read-only sequence of dicts, so ``history_[-1]["loss"]``, ``len(history_)``,
iteration, comparison with a list of dicts and ``pandas.DataFrame(model.history_)`` all work
as with a list.
"""

import array
import math
import operator
from collections.abc import Sequence

import numpy as np

#: Keys of each record of ``history_``, the columns of its table.
HISTORY_KEYS = (
    "epoch",
    "loss",
    "validation_loss",
    "validation_score",
    "learning_rate",
    "gradient_norm",
    "seconds",
)
_WIDTH = len(HISTORY_KEYS)


class History(Sequence):
    """The records of every epoch, one dict per epoch, stored as float64 rows.

    Parameters
    ----------
    table : array-like of shape (n_epochs, len(HISTORY_KEYS)), default=()
        The records so far, one row each, columns in the order of :data:`HISTORY_KEYS`.

    Notes
    -----
    A record is ``{key: value}`` for every key of :data:`HISTORY_KEYS`: ``epoch`` an int,
    the others floats, NaN (``numpy.nan``) where a value does not apply.

    Examples
    --------
    >>> history = History()
    >>> history.append({"epoch": 1, "loss": 0.5})
    >>> len(history), history[-1]["epoch"], history[-1]["loss"]
    (1, 1, 0.5)
    >>> history.to_array().shape
    (1, 7)
    """

    __slots__ = ("_values",)

    def __init__(self, table=()):
        rows = np.asarray(table, dtype=np.float64).reshape(-1, _WIDTH)
        self._values = array.array("d", np.ascontiguousarray(rows).tobytes())

    def append(self, record):
        """Add the record of one epoch (a mapping; a key it lacks is NaN)."""
        self._values.extend([float(record.get(key, math.nan)) for key in HISTORY_KEYS])

    def __delitem__(self, index):
        """Drop the records from ``n`` on (``del history[n:]``), what undoing a call needs;
        the records before stay as they were, so no other deletion is offered."""
        if not (isinstance(index, slice) and index.stop is None and index.step in (None, 1)):
            raise TypeError("only the last records can be removed: del history[n:]")
        start = index.indices(len(self))[0]
        del self._values[start * _WIDTH :]

    def to_array(self):
        """The records as a new float64 array of shape (n_epochs, len(HISTORY_KEYS))."""
        return np.frombuffer(self._values, dtype=np.float64).reshape(-1, _WIDTH).copy()

    def copy(self):
        """An independent copy (appending to one leaves the other as it was)."""
        twin = History.__new__(History)
        twin._values = array.array("d", self._values)
        return twin

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (History, (self.to_array(),))

    def __len__(self):
        return len(self._values) // _WIDTH

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n, i = len(self), operator.index(index)
        if not -n <= i < n:
            raise IndexError("history index out of range")
        start = (i % n) * _WIDTH
        return _record(self._values[start : start + _WIDTH])

    def __eq__(self, other):
        if isinstance(other, History):
            return np.array_equal(self.to_array(), other.to_array(), equal_nan=True)
        if isinstance(other, (list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable, as a list

    def __repr__(self):
        return repr(list(self))


def _record(row):
    """One row as a record: the epoch as an int, NaN as the one object ``numpy.nan`` (so that
    records compare equal where they hold NaN, as records built with ``numpy.nan`` do)."""
    record = {
        key: value if value == value else np.nan
        for key, value in zip(HISTORY_KEYS, row, strict=True)
    }
    if math.isfinite(record["epoch"]):
        record["epoch"] = int(record["epoch"])
    return record
