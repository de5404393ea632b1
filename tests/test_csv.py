"""Reading CSV files for the command line: labels as written, encodings, line numbers, memory."""

import csv
import io
import re
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sknn_simple.cli import csv_files as _csv
from sknn_simple.cli.csv_files import DataFileError, read_features


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def table_text(header, rows):
    """``header`` and ``rows`` as CSV text, quoted where needed, as the csv module writes it."""
    f = io.StringIO()
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return f.getvalue()


# --- labels: kept exactly as written unless all are canonical integers ---------------------------


@pytest.mark.parametrize(
    "labels, expected",
    [
        (["01", "1"], ["01", "1"]),  # were one class
        (["1_0", "10"], ["1_0", "10"]),  # int() accepts underscores
        (["+1", "1"], ["+1", "1"]),
        (["+1", "-1"], ["+1", "-1"]),
        (["1.0", "2.0"], ["1.0", "2.0"]),  # decimals stay text
        (["-0", "0"], ["-0", "0"]),
        (["0", "1", "-3"], [0, 1, -3]),  # all canonical: integers
        (["9223372036854775808", "0"], ["9223372036854775808", "0"]),  # beyond int64: text
    ],
)
def test_labels_that_look_like_numbers_keep_their_spelling(tmp_path, labels, expected):
    path = write(tmp_path, table_text(["x", "y"], [[i, label] for i, label in enumerate(labels)]))
    _, y, _ = read_features(path, target="y")
    assert y.tolist() == expected
    assert y.dtype.kind == ("i" if isinstance(expected[0], int) else "U")
    assert len(np.unique(y)) == len(set(labels))


INT_LIKE = st.integers(-(2**70), 2**70).flatmap(
    lambda n: st.sampled_from(
        [str(n), f"+{n}", f"0{n}", f"{n}.0", f"{n}_0", f" {n} ", f"{n}e0", str(float(n))]
    )
)
LABEL = st.one_of(
    INT_LIKE,
    st.integers(-5, 5).map(str),
    st.text(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        min_size=1,
        max_size=6,
    ),
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(labels=st.lists(LABEL, min_size=1, max_size=8).filter(lambda ls: all(s.strip() for s in ls)))
def test_every_label_is_read_back_as_written(tmp_path_factory, labels):
    """Property: ``str(label)`` is the cell as written (less surrounding spaces), for every
    label; the labels are integers exactly when every one is a canonical int64."""
    path = write(
        tmp_path_factory.mktemp("labels"),
        table_text(["x", "y"], [[i, label] for i, label in enumerate(labels)]),
    )
    _, y, _ = read_features(path, target="y")
    written = [label.strip() for label in labels]
    assert [str(v) for v in y.tolist()] == written
    canonical = all(_csv.canonical_int(label) is not None for label in written)
    assert y.dtype.kind == ("i" if canonical else "U")
    assert len(np.unique(y)) == len(set(written))  # one class per distinct spelling


def test_canonical_int_is_the_inverse_of_str():
    for value in [0, 7, -3, 2**63 - 1, -(2**63)]:
        assert _csv.canonical_int(str(value)) == value
    for text in ["01", "+1", "1_0", "-0", " 1", "1.0", "1e3", "", "١", "2**3", str(2**63)]:
        assert _csv.canonical_int(text) is None


# --- every empty or bad cell: rejected, with its column and the line it is on in the file --------


def test_an_empty_label_is_rejected_with_its_line(tmp_path):
    path = write(tmp_path, "a,y\n1,0\n2,\n3,1\n")
    with pytest.raises(DataFileError, match=r"column 'y' is empty on line 3"):
        read_features(path, target="y")


BAD_CELLS = {
    "": "is empty on line",
    "  ": "is empty on line",
    "red": "has the non-numeric value 'red' on line",
    "1e400": "is '1e400' on line",
    "nan": "is 'nan' on line",
    "-inf": "is '-inf' on line",
}


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    n_rows=st.integers(1, 6),
    n_features=st.integers(1, 3),
    where=st.tuples(st.integers(0, 5), st.integers(0, 3)),
    cell=st.sampled_from(list(BAD_CELLS)),
    blank_lines=st.lists(st.integers(0, 5), max_size=3),
    multiline_row=st.integers(0, 5),
)
def test_every_bad_cell_is_reported_at_its_line_in_the_file(
    tmp_path_factory, n_rows, n_features, where, cell, blank_lines, multiline_row
):
    """Any bad cell, feature or label, on any row, with blank lines and a quoted cell holding
    line breaks before it: the error names its column and the line the row starts on."""
    row, column = where[0] % n_rows, where[1] % (n_features + 1)
    header = [f"x{j}" for j in range(n_features)] + ["y"]
    if column == n_features and cell.strip():
        cell = ""  # any text is a valid label: only an empty one is bad
    text, line, start_of_row = ",".join(header) + "\n", 2, None
    for i in range(n_rows):
        cells = [f"{i}.5"] * n_features + [f"class {i % 2}"]
        if i == multiline_row % n_rows:
            cells[-1] = '"a\nlabel\non 3 lines"'
        if i == row:
            cells[column] = cell
        blanks = "\n" * blank_lines.count(i)
        start_of_row = line + len(blanks) if i == row else start_of_row
        record = blanks + ",".join(cells) + "\n"
        text, line = text + record, line + record.count("\n")
    path = write(tmp_path_factory.mktemp("cells"), text)
    with pytest.raises(DataFileError) as error:
        read_features(path, target="y")
    message = str(error.value)
    assert f"column {header[column]!r} " in message
    assert BAD_CELLS[cell] + f" {start_of_row}" in message
    assert len(message.splitlines()) == 1


# --- encodings and layouts that spreadsheets write: all read as the same table -------------------

HEADER, ROWS = ["a", "b", "label"], [["1.5", "-2", "cat"], ["3", "4e-1", "dog"], ["0", "7", "cat"]]


def _plain(text):
    return text.encode("utf-8")


LAYOUTS = {
    "plain": _plain,
    "UTF-8 byte-order mark (Excel)": lambda text: b"\xef\xbb\xbf" + _plain(text),
    "CRLF line ends": lambda text: _plain(text.replace("\n", "\r\n")),
    "byte-order mark and CRLF": lambda text: b"\xef\xbb\xbf" + _plain(text.replace("\n", "\r\n")),
    "no final line break": lambda text: _plain(text.rstrip("\n")),
    "blank lines": lambda text: _plain(text.replace("\n", "\n\n")),
    "every cell quoted": lambda text: _plain(
        "\n".join(",".join(f'"{c}"' for c in line.split(",")) for line in text.splitlines())
    ),
    "spaces around names and labels": lambda text: _plain(
        text.replace(",", " , ").replace("\n", " \n")
    ),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_of_one_table_reads_the_same(tmp_path, layout):
    path = tmp_path / "table.csv"
    path.write_bytes(LAYOUTS[layout](table_text(HEADER, ROWS)))
    X, y, columns = read_features(path, target="label")
    assert columns == ["a", "b"]
    assert X.tolist() == [[1.5, -2.0], [3.0, 0.4], [0.0, 7.0]]
    assert y.tolist() == ["cat", "dog", "cat"]


def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbflabel,a\n0,1.5\n1,2.5\n")
    X, y, columns = read_features(path, target="label")
    assert columns == ["a"] and y.tolist() == [0, 1]


# --- many blocks: the same numbers as an independent reader --------------------------------------


@pytest.mark.parametrize("n_rows", [1, 63, 64, 65, 200])
def test_reading_in_blocks_gives_the_numbers_of_loadtxt(tmp_path, monkeypatch, n_rows):
    monkeypatch.setattr(_csv, "BLOCK_BYTES", 8 * 3 * 16)  # blocks of 16 rows of 3 features
    rng = np.random.default_rng(n_rows)
    X = rng.normal(size=(n_rows, 3)) * 10.0 ** rng.integers(-5, 5, size=(n_rows, 3))
    labels = rng.integers(0, 4, n_rows)
    path = write(
        tmp_path,
        table_text(
            ["a", "b", "c", "y"],
            [[*map(repr, row), label] for row, label in zip(X.tolist(), labels, strict=True)],
        ),
    )
    X_read, y, _ = read_features(path, target="y")
    assert np.array_equal(
        X_read, np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 1, 2), ndmin=2)
    )
    assert X_read.dtype == np.float64 and X_read.flags.c_contiguous
    assert np.array_equal(y, labels)


# --- memory: about the size of the result, not of the text ---------------------------------------


def make_numeric_csv(path, n_rows, n_features, seed=0):
    """A generated file of ``n_rows`` rows of ``n_features`` numbers and an integer label."""
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as f:
        f.write(",".join([f"x{j}" for j in range(n_features)] + ["label"]) + "\n")
        for start in range(0, n_rows, 1000):
            block = rng.normal(size=(min(1000, n_rows - start), n_features))
            for row, label in zip(block, rng.integers(0, 5, len(block)), strict=True):
                f.write(",".join(f"{v:.6g}" for v in row) + f",{label}\n")
    return path


def peak_memory_of_reading(path):
    """Peak bytes traced while reading ``path``, and the bytes of the arrays returned."""
    tracemalloc.start()
    try:
        X, y, _ = read_features(path, target="label")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, X.nbytes, y.nbytes


def test_reading_a_csv_peaks_within_3_times_the_array(tmp_path):
    path = make_numeric_csv(tmp_path / "big.csv", n_rows=20_000, n_features=20)  # 3.7 MB
    peak, X_bytes, _ = peak_memory_of_reading(path)
    assert X_bytes == 20_000 * 20 * 8
    assert peak < 3 * X_bytes, f"peak {peak / X_bytes:.2f} x the array"


@pytest.mark.parametrize("n_rows, n_features", [(100_000, 1), (40_000, 5), (1_000, 400)])
def test_reading_peaks_within_3_times_the_arrays_whatever_the_shape(tmp_path, n_rows, n_features):
    """Narrow files, where the labels weigh as much as the features, and wide ones."""
    path = make_numeric_csv(tmp_path / "shape.csv", n_rows, n_features)
    peak, X_bytes, y_bytes = peak_memory_of_reading(path)
    assert peak < 3 * (X_bytes + y_bytes), f"peak {peak / (X_bytes + y_bytes):.2f} x the arrays"


if __name__ == "__main__":  # python tests/test_csv.py: the peak ratio on the generated file
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as directory:
        path = make_numeric_csv(Path(directory) / "big.csv", n_rows=20_000, n_features=20)
        peak, X_bytes, _ = peak_memory_of_reading(path)
        print(f"{path.stat().st_size / 1e6:.1f} MB file, {X_bytes / 1e6:.1f} MB array: ", end="")
        print(f"peak {peak / 1e6:.1f} MB = {peak / X_bytes:.2f} x the array")


# --- a regression target: numbers, checked like the features -------------------------------------


def test_a_numeric_target_is_read_as_numbers(tmp_path):
    path = write(tmp_path, "a,y,b\n1,2.5,3\n4,-1e3,6\n7, 8 ,9\n")
    X, y, columns = read_features(path, target="y", numeric_target=True)
    assert columns == ["a", "b"] and y.dtype == np.float64
    np.testing.assert_array_equal(X, [[1, 3], [4, 6], [7, 9]])
    np.testing.assert_array_equal(y, [2.5, -1000, 8])


@pytest.mark.parametrize(
    "cell, message",
    [
        (
            "high",
            "column 'y' has the non-numeric value 'high' on line 3; a regression target "
            "must be numbers (for class labels use --task classification)",
        ),
        ("inf", "column 'y' is 'inf' on line 3; a regression target must be finite numbers"),
        ("", "column 'y' is empty on line 3; fill in missing values first"),
    ],
)
def test_a_bad_numeric_target_names_its_line(tmp_path, cell, message):
    path = write(tmp_path, f"a,y\n1,2\n3,{cell}\n")
    with pytest.raises(DataFileError, match="^" + re.escape(f"{path}: {message}")):
        read_features(path, target="y", numeric_target=True)
