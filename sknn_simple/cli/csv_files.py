"""Reading and writing the command line's CSV files, with one-line errors (no pandas needed).

Every problem with a file is reported as ``PATH: what is wrong`` (:func:`file_problem`), and
every problem with a cell names its column and the line of the file it is on.

Labels are kept exactly as written (as text, surrounding spaces removed), unless every label is a
plain integer in its one canonical form (``0``, ``7``, ``-3``; not ``01``, ``+1``, ``1_0`` or
``1.0``), in which case they are integers. Decimal numbers stay text: ``1.0`` and ``1.00`` are
different labels, and each is predicted back as written. A regression target
(``numeric_target=True``) is read like a feature: finite numbers.

Features are parsed row by row into blocks of float64 rows, joined once at the end, so that the
peak memory of :func:`read_features` is about twice the size of the array it returns.
"""

import contextlib
import csv
import errno
import os

import numpy as np

#: Features are parsed into blocks of about this many bytes before being joined into one array.
BLOCK_BYTES = 2**18

_INT64 = np.iinfo(np.int64)


class DataFileError(ValueError):
    """A file that cannot be read or written as asked (the message says what and where)."""


def file_problem(path, exc):
    """One wording for every file error: ``PATH: what is wrong`` (from an ``OSError``)."""
    if isinstance(exc, FileNotFoundError):
        what = "no such file"
    elif isinstance(exc, IsADirectoryError):
        what = "is a directory, not a file"
    elif isinstance(exc, PermissionError):
        what = "permission denied"
    else:
        what = (exc.strerror or errno.errorcode.get(exc.errno, type(exc).__name__)).lower()
    return f"{path}: {what}"


def check_input(path):
    """Raise DataFileError unless ``path`` is a file that can be read."""
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise DataFileError(file_problem(path, exc)) from None


def check_output(path, inputs=()):
    """Raise DataFileError unless ``path`` can be written without overwriting one of ``inputs``."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise DataFileError(f"{path}: is a directory, not a file")
    if not os.path.isdir(directory):
        raise DataFileError(f"{path}: no such directory {directory}; create it first")
    if not os.access(directory, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise DataFileError(f"{path}: permission denied")
    for source in inputs:
        if source is not None and same_file(path, source):
            raise DataFileError(
                f"{path}: is also an input of this command; write the output to another file"
            )


def same_file(a, b):
    """Whether the paths ``a`` and ``b`` name one file (the same path if either is missing)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.abspath(a) == os.path.abspath(b)


@contextlib.contextmanager
def reading(path):
    """``path`` open as UTF-8 text (a byte-order mark is skipped); read errors as DataFileError.

    The one wording of the command line's errors in reading a text file (a CSV, a grid).
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            yield f
    except OSError as exc:
        raise DataFileError(file_problem(path, exc)) from None
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not a UTF-8 text file") from None
    except csv.Error as exc:
        raise DataFileError(f"{path}: malformed CSV ({exc})") from None


def _header(reader, path):
    """The column names of the first non-blank line."""
    for row in reader:
        if row:
            header = [name.strip() for name in row]
            if len(set(header)) != len(header) or "" in header:
                raise DataFileError(f"{path}: the header must name every column once: {header}")
            return header
    raise DataFileError(f"{path}: the file is empty")


def _records(reader, path, width):
    """``(line, row)`` for each non-blank row, ``line`` being where the row starts in the file."""
    next_line = reader.line_num + 1
    for row in reader:
        line, next_line = next_line, reader.line_num + 1
        if not row:  # a blank line
            continue
        if len(row) != width:
            raise DataFileError(
                f"{path}: line {line} has {len(row)} fields, the header has {width}"
            )
        yield line, row


def _bad_cell(path, column, text, line, target=False):
    """The error for a feature cell (or regression target) that is not a finite number."""
    if text.strip() == "":
        return DataFileError(
            f"{path}: column {column!r} is empty on line {line}; fill in missing values first"
        )
    what = "a regression target must be" if target else "features must be"
    try:
        float(text)
    except ValueError:
        return DataFileError(
            f"{path}: column {column!r} has the non-numeric value {text!r} on line {line}; "
            + (
                f"{what} numbers (for class labels use --task classification)"
                if target
                else f"{what} numbers (encode categories first, e.g. one-hot)"
            )
        )
    return DataFileError(
        f"{path}: column {column!r} is {text!r} on line {line}; {what} finite numbers"
    )


def _check_cells(row, index, header, path, line, target=None):
    """Raise the error of the first cell of ``row[index]`` that is not a finite number
    (``target``: the index of the target column among them)."""
    for i in index:
        try:
            value = float(row[i])
        except ValueError:
            raise _bad_cell(path, header[i], row[i], line, i == target) from None
        if value - value != 0.0:  # inf or nan
            raise _bad_cell(path, header[i], row[i], line, i == target)


def read_features(path, target=None, columns=None, numeric_target=False):
    """``(X, y, feature_names)`` from a CSV file.

    ``target`` names the label column (``y`` is None without it). ``columns``, if given, are
    the feature columns to use, in that order (a model's ``feature_names_in_``); otherwise every
    column but the target. ``X`` is float64; ``y`` holds integers if every label is a canonical
    integer, else the labels as written (see the module docstring); with ``numeric_target``,
    float64 numbers (a regression target), every one checked like a feature.
    """
    with reading(path) as f:
        reader = csv.reader(f)
        header = _header(reader, path)
        if target is not None and target not in header:
            raise DataFileError(
                f"{path}: no column {target!r}; the columns are {', '.join(header)}"
            )
        if columns is None:
            columns = [name for name in header if name != target]
        missing = [name for name in columns if name not in header]
        if missing:
            raise DataFileError(f"{path}: the model needs the columns {missing}, which are missing")
        if not columns:
            raise DataFileError(f"{path}: there are no feature columns besides {target!r}")
        index = [header.index(name) for name in columns]
        label_index = None if target is None else header.index(target)
        target_index = None  # a numeric target is parsed as the last "feature"
        if numeric_target and label_index is not None:
            index, label_index, target_index = [*index, label_index], None, label_index

        block_rows = max(1, BLOCK_BYTES // (8 * len(index)))
        X_blocks, code_blocks = [], []
        codes_of = {}  # label text -> its code, in order of appearance
        filled = block_rows
        for line, row in _records(reader, path, len(header)):
            if filled == block_rows:  # start a new block
                X_block = np.empty((block_rows, len(index)))  # (block_rows, n_features)
                code_block = np.empty(block_rows, dtype=np.int32)  # < 2**31 classes
                X_blocks.append(X_block)
                code_blocks.append(code_block)
                filled = 0
            try:
                values = [float(row[i]) for i in index]
            except ValueError:
                values = None
            total = 0.0 if values is None else sum(values)
            if values is None or total - total != 0.0:  # a cell is not a number, or inf or nan
                # (a sum can overflow harmlessly)
                _check_cells(row, index, header, path, line, target_index)
            X_block[filled] = values
            if label_index is not None:
                label = row[label_index].strip()
                if not label:
                    raise DataFileError(
                        f"{path}: column {target!r} is empty on line {line}; every row needs a "
                        "label (remove the row or fill in its label)"
                    )
                code_block[filled] = codes_of.setdefault(label, len(codes_of))
            filled += 1
    if not X_blocks:
        raise DataFileError(f"{path}: there is a header but no data rows")
    X_blocks[-1], code_blocks[-1] = X_blocks[-1][:filled], code_blocks[-1][:filled]
    X = X_blocks[0] if len(X_blocks) == 1 else np.concatenate(X_blocks)
    del X_blocks
    if numeric_target and target is not None:
        return X[:, :-1], X[:, -1].copy(), list(columns)
    y = None
    if label_index is not None:
        codes = code_blocks[0] if len(code_blocks) == 1 else np.concatenate(code_blocks)
        y = _classes(list(codes_of))[codes]
    return X, y, list(columns)


def line_numbers(path, rows):
    """The line of the file ``path`` on which each of the data ``rows`` starts (0-based row
    indices, as :func:`read_features` counts them, in increasing order)."""
    wanted, lines = set(rows), {}
    with reading(path) as f:
        reader = csv.reader(f)
        header = _header(reader, path)
        for row, (line, _) in enumerate(_records(reader, path, len(header))):
            if row in wanted:
                lines[row] = line
                if len(lines) == len(wanted):
                    break
    return [lines[row] for row in rows]


def canonical_int(text):
    """The int64 that ``text`` writes in its canonical form (``str(value) == text``), else None."""
    try:
        value = int(text)
    except ValueError:
        return None
    if str(value) != text or not _INT64.min <= value <= _INT64.max:
        return None
    return value


def _classes(labels):
    """The distinct labels, as int64 if every one is a canonical integer, else as text."""
    as_int = [canonical_int(label) for label in labels]
    if None in as_int:
        return np.array(labels, dtype=str)
    return np.array(as_int, dtype=np.int64)


def write_table(f, header, rows):
    """Write ``rows`` under ``header`` as CSV to the open text file ``f``."""
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
