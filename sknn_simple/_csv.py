"""Reading and writing the command line's CSV files, with one-line errors (no pandas needed)."""

import csv
import math

import numpy as np


class DataFileError(ValueError):
    """A CSV file that cannot be used as it is (the message says what and where)."""


def read_table(path):
    """Header and rows of a CSV file; every row must have as many fields as the header."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not a UTF-8 text file") from None
    except csv.Error as exc:
        raise DataFileError(f"{path}: malformed CSV ({exc})") from None
    rows = [row for row in rows if row]  # blank lines
    if not rows:
        raise DataFileError(f"{path}: the file is empty")
    header, body = [name.strip() for name in rows[0]], rows[1:]
    if not body:
        raise DataFileError(f"{path}: there is a header but no data rows")
    if len(set(header)) != len(header) or "" in header:
        raise DataFileError(f"{path}: the header must name every column once: {header}")
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataFileError(
                f"{path}: line {line} has {len(row)} fields, the header has {len(header)}"
            )
    return header, body


def _number(text, path, column, line):
    try:
        value = float(text)
    except ValueError:
        if text.strip() == "":
            raise DataFileError(
                f"{path}: column {column!r} is empty on line {line}; fill in missing values first"
            ) from None
        raise DataFileError(
            f"{path}: column {column!r} has the non-numeric value {text!r} on line {line}; "
            "features must be numbers (encode categories first, e.g. one-hot)"
        ) from None
    if not math.isfinite(value):
        raise DataFileError(
            f"{path}: column {column!r} is {text!r} on line {line}; features must be finite numbers"
        )
    return value


def read_features(path, target=None, columns=None):
    """``(X, y, feature_names)`` from a CSV file.

    ``target`` names the label column (``y`` is None without it). ``columns``, if given, are
    the feature columns to use, in that order (a model's ``feature_names_in_``); otherwise every
    column but the target.
    """
    header, body = read_table(path)
    if target is not None and target not in header:
        raise DataFileError(f"{path}: no column {target!r}; the columns are {', '.join(header)}")
    if columns is None:
        columns = [name for name in header if name != target]
    missing = [name for name in columns if name not in header]
    if missing:
        raise DataFileError(f"{path}: the model needs the columns {missing}, which are missing")
    if not columns:
        raise DataFileError(f"{path}: there are no feature columns besides {target!r}")
    index = [header.index(name) for name in columns]
    X = np.array(
        [
            [_number(row[i], path, header[i], line) for i in index]
            for line, row in enumerate(body, start=2)
        ]
    )
    y = None
    if target is not None:
        y = _labels([row[header.index(target)].strip() for row in body])
    return X, y, list(columns)


def _labels(values):
    """Labels as integers when they all are, else as text."""
    try:
        as_int = [int(v) for v in values]
    except ValueError:
        return np.array(values)
    return np.array(as_int)


def write_table(f, header, rows):
    """Write ``rows`` under ``header`` as CSV to the open text file ``f``."""
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
