"""The command line, driven through main(argv) and the installed console script."""

import csv
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_iris

from sknn_simple import load
from sknn_simple._cli import main


@pytest.fixture
def iris_csv(tmp_path):
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    path = tmp_path / "iris.csv"
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        writer.writerows([[*row, name] for row, name in zip(X.tolist(), names, strict=True)])
    return path


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_fit_predict_info_round_trip(iris_csv, tmp_path, capsys):
    model_path = tmp_path / "iris.npz"
    code, out, _ = run(
        [
            "fit",
            iris_csv,
            "--target",
            "species",
            "--param",
            "hidden_layer_sizes=[20,10]",
            "--param",
            "solver=lbfgs",
            "--param",
            "random_state=0",
            "-o",
            model_path,
        ],
        capsys,
    )
    assert code == 0 and "saved the model" in out
    model = load(model_path)
    assert model[-1].hidden_layer_sizes == [20, 10] and model[-1].solver == "lbfgs"
    assert type(model[0]).__name__ == "StandardScaler"  # a scaler in front by default

    out_csv = tmp_path / "predictions.csv"
    code, out, _ = run(["predict", model_path, iris_csv, "-o", out_csv], capsys)
    assert code == 0
    with open(out_csv) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["prediction"] and len(rows) == 151
    accuracy = np.mean(
        [r[0] for r in rows[1:]] == np.repeat(["setosa", "versicolor", "virginica"], 50)
    )
    assert accuracy > 0.95

    code, out, _ = run(["predict", model_path, iris_csv, "--proba"], capsys)
    lines = out.strip().splitlines()
    assert lines[0] == "proba_setosa,proba_versicolor,proba_virginica"
    assert np.allclose([sum(map(float, line.split(","))) for line in lines[1:]], 1.0)

    code, out, _ = run(["info", model_path], capsys)
    assert code == 0
    assert "4 inputs -> 20 relu -> 10 relu -> 3 softmax outputs (343 parameters" in out
    assert "sepal_length, sepal_width, petal_length, petal_width" in out


def test_tune_prints_ranked_candidates_and_saves_the_best(iris_csv, tmp_path, capsys):
    grid = tmp_path / "grid.json"
    grid.write_text(
        json.dumps({"hidden_layer_sizes": [[5], [20]], "solver": ["lbfgs"], "random_state": [0]})
    )
    code, out, _ = run(
        [
            "tune",
            iris_csv,
            "--target",
            "species",
            "--grid",
            grid,
            "--cv",
            3,
            "-o",
            tmp_path / "best.npz",
        ],
        capsys,
    )
    assert code == 0
    assert "2 candidates x 3 folds" in out and "#1: accuracy" in out
    assert (tmp_path / "best.npz").exists()


def test_benchmark_on_a_csv(iris_csv, capsys):
    code, out, _ = run(["benchmark", iris_csv, "--target", "species", "--cv", 3], capsys)
    assert code == 0
    for name in ("SimpleMLPClassifier", "MLPClassifier", "LogisticRegression"):
        assert name in out
    assert "+/-" in out


BAD_INPUTS = {
    "missing file": (
        ["fit", "{tmp}/nope.csv", "--target", "y", "-o", "{tmp}/m.npz"],
        "no such file",
    ),
    "empty file": (
        ["fit", "{tmp}/empty.csv", "--target", "y", "-o", "{tmp}/m.npz"],
        "the file is empty",
    ),
    "ragged rows": (
        ["fit", "{tmp}/ragged.csv", "--target", "y", "-o", "{tmp}/m.npz"],
        "line 3 has 2 fields, the header has 3",
    ),
    "unknown target": (
        ["fit", "{iris}", "--target", "colour", "-o", "{tmp}/m.npz"],
        "no column 'colour'",
    ),
    "non-numeric feature": (
        ["fit", "{tmp}/text.csv", "--target", "y", "-o", "{tmp}/m.npz"],
        "column 'colour' has the non-numeric value 'red' on line 2",
    ),
    "missing value": (
        ["fit", "{tmp}/hole.csv", "--target", "y", "-o", "{tmp}/m.npz"],
        "column 'b' is empty on line 3",
    ),
    "unknown parameter": (
        ["fit", "{iris}", "--target", "species", "--param", "size=3", "-o", "{tmp}/m.npz"],
        "SimpleMLPClassifier has no such parameter",
    ),
    "invalid parameter value": (
        [
            "fit",
            "{iris}",
            "--target",
            "species",
            "--param",
            "activation=softmax",
            "-o",
            "{tmp}/m.npz",
        ],
        "'activation' parameter of SimpleMLPClassifier must be",
    ),
    "model file that is not one": (["info", "{iris}"], "not a sknn_simple model file"),
    "missing model": (["predict", "{tmp}/none.npz", "{iris}"], "No such file"),
    "bad grid": (
        ["tune", "{iris}", "--target", "species", "--grid", "{tmp}/empty.csv"],
        "not valid JSON",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_gets_one_line_and_an_exit_code(case, iris_csv, tmp_path, capsys):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "ragged.csv").write_text("a,b,y\n1,2,0\n3,4\n")
    (tmp_path / "text.csv").write_text("colour,b,y\nred,2,0\nblue,3,1\n")
    (tmp_path / "hole.csv").write_text("a,b,y\n1,2,0\n3,,1\n")
    argv, expected = BAD_INPUTS[case]
    argv = [a.format(tmp=tmp_path, iris=iris_csv) for a in argv]
    code, out, err = run(argv, capsys)
    assert code != 0
    assert expected in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_usage_errors_exit_with_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["fit"])
    assert exit_info.value.code == 2
    assert "required" in capsys.readouterr().err


def test_console_script_and_module_run(iris_csv, tmp_path):
    script = shutil.which("sknn-simple")
    commands = [[sys.executable, "-m", "sknn_simple"]]
    if script is not None:
        commands.append([script])
    for command in commands:
        done = subprocess.run(
            [*command, "info", str(iris_csv)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 1
        assert "not a sknn_simple model file" in done.stderr and "Traceback" not in done.stderr
        version = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, timeout=120
        )
        assert version.returncode == 0 and version.stdout.startswith("sknn-simple ")


def test_demo_runs_and_saves(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["demo", "--out", "digits.npz"], capsys)
    assert code == 0
    assert "4. test: accuracy" in out and "5. tuning" in out and "saved the tuned model" in out
    accuracy = float(out.split("4. test: accuracy ")[1].split()[0])
    assert accuracy > 0.95
    assert load(tmp_path / "digits.npz").predict(np.zeros((1, 64))).shape == (1,)


# --- fuzzing the CSV input -----------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CELL = st.one_of(
    st.integers(-5, 5).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "a", "red", "1e400", "nan", "inf", "-0", "1,5", '"', "\\", "é"]),
    st.text(max_size=4),
)


@st.composite
def csv_texts(draw):
    """A valid data set, then 0 to 3 corruptions of it."""
    n_rows, n_features = draw(st.integers(2, 10)), draw(st.integers(1, 3))
    table = [[f"x{i}" for i in range(n_features)] + ["y"]]
    table += [
        [repr(draw(st.floats(-10, 10))) for _ in range(n_features)] + [str(row % 2)]
        for row in range(n_rows)
    ]
    for _ in range(draw(st.integers(0, 3))):
        row = draw(st.integers(0, len(table) - 1))
        kind = draw(
            st.sampled_from(["cell", "drop field", "extra field", "drop row", "duplicate header"])
        )
        if kind == "cell":
            table[row][draw(st.integers(0, len(table[row]) - 1))] = draw(CELL)
        elif kind == "drop field" and table[row]:
            table[row].pop()
        elif kind == "extra field":
            table[row].append(draw(CELL))
        elif kind == "drop row":
            table.pop(row)
        elif kind == "duplicate header" and len(table[0]) > 1:
            table[0][0] = table[0][-1]
    text = "\n".join(",".join(row) for row in table)
    if draw(st.integers(0, 4)) == 0:
        text = text[: draw(st.integers(0, len(text)))]  # truncated
    return text


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=csv_texts(), binary=st.integers(0, 9).map(lambda draw: draw == 0))
def test_fuzzed_csv_files_fit_or_fail_in_one_line(tmp_path, capsys, text, binary):
    path = tmp_path / "fuzz.csv"
    if binary:
        path.write_bytes(text.encode("utf-16"))  # not UTF-8
    else:
        path.write_text(text, encoding="utf-8")
    code = main(
        ["fit", str(path), "--target", "y", "--param", "max_iter=2", "-o", str(tmp_path / "m.npz")]
    )
    _, err = capsys.readouterr()
    assert code in (0, 1)
    if code == 1:
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_csv_generator_makes_usable_and_broken_files(tmp_path, capsys):
    """The fuzzer's files are not all rejected early: some train a model, some fail."""
    from hypothesis import find

    def exit_code(text):
        path = tmp_path / "probe.csv"
        path.write_text(text, encoding="utf-8")
        code = main(
            [
                "fit",
                str(path),
                "--target",
                "y",
                "--param",
                "max_iter=2",
                "-o",
                str(tmp_path / "probe.npz"),
            ]
        )
        capsys.readouterr()
        return code

    settings_ = settings(max_examples=100, database=None, derandomize=True)
    assert exit_code(find(csv_texts(), lambda text: exit_code(text) == 0, settings=settings_)) == 0
    assert exit_code(find(csv_texts(), lambda text: exit_code(text) == 1, settings=settings_)) == 1
