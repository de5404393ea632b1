"""The command line, driven through main(argv) and the installed console script."""

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris

from sknn_simple import SimpleMLPClassifier, SimpleMLPRegressor, load, save
from sknn_simple.cli.commands import COMMANDS, _frame
from sknn_simple.cli.csv_files import read_features
from sknn_simple.cli.main import main
from sknn_simple.cli.parser import build_parser
from sknn_simple.cli.task import UnclearTarget, choose_task


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
            "alpha=0.01",
            "--param",
            "solver=lbfgs",
            "--random-state",
            "3",
            "-o",
            model_path,
        ],
        capsys,
    )
    assert code == 0 and "saved the model" in out
    model = load(model_path)
    assert model[-1].hidden_layer_sizes == [20, 10] and model[-1].solver == "lbfgs"
    assert model[-1].alpha == 0.01 and model[-1].random_state == 3
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
    assert lines[0] == "prediction,proba_setosa,proba_versicolor,proba_virginica"
    assert [line.split(",")[0] for line in lines[1:]] == [r[0] for r in rows[1:]]
    assert np.allclose([sum(map(float, line.split(",")[1:])) for line in lines[1:]], 1.0)

    code, out, _ = run(["info", model_path], capsys)
    assert code == 0
    assert "4 inputs -> 20 relu -> 10 relu -> 3 softmax outputs (343 parameters" in out
    assert "sepal_length, sepal_width, petal_length, petal_width" in out


def test_tune_prints_ranked_candidates_and_saves_the_best(iris_csv, tmp_path, capsys):
    grid = tmp_path / "grid.json"
    grid.write_text(
        json.dumps(
            {
                "hidden_layer_sizes": [[5], [5, 5]],
                "alpha": [1e-4, 1e-2],
                "solver": ["lbfgs"],
                "max_iter": [50],
            }
        )
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
    assert "4 candidates x 3 folds" in out and "#1: accuracy" in out
    assert (tmp_path / "best.npz").exists()


def test_benchmark_on_a_csv(iris_csv, capsys):
    code, out, _ = run(["benchmark", iris_csv, "--target", "species", "--cv", 3], capsys)
    assert code == 0
    for name in ("SimpleMLPClassifier", "MLPClassifier", "LogisticRegression"):
        assert name in out
    assert "+/-" in out


@pytest.fixture
def diabetes_csv(tmp_path):
    X, y = load_diabetes(return_X_y=True)
    path = tmp_path / "diabetes.csv"
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([f"x{i}" for i in range(10)] + ["progression"])
        writer.writerows([[*row, target] for row, target in zip(X.tolist(), y, strict=True)])
    return path


def test_regression_fit_predict_info_tune(diabetes_csv, tmp_path, capsys):
    """A numeric target of 214 distinct values: --task auto trains a regressor, whose target
    is standardized too (and predicted back in its own units)."""
    model_path = tmp_path / "diabetes.npz"
    argv = ["fit", diabetes_csv, "--target", "progression", "-o", model_path]
    code, out, _ = run([*argv, "--param", "alpha=1", "--param", "hidden_layer_sizes=[16]"], capsys)
    assert code == 0
    assert "task: regression (the target has 214 distinct numbers" in out
    assert "a numeric target (mean 152.1, standard deviation 77.01)" in out
    assert float(out.split("training R² ")[1].split()[0]) > 0.5
    model = load(model_path)
    assert type(model).__name__ == "TransformedTargetRegressor"
    assert isinstance(model.regressor_[-1], SimpleMLPRegressor) and model.regressor_[-1].alpha == 1

    code, out, _ = run(["predict", model_path, diabetes_csv], capsys)
    lines = out.strip().splitlines()
    assert code == 0 and lines[0] == "prediction" and len(lines) == 443
    predicted = np.array([float(line) for line in lines[1:]])
    X, _, columns = read_features(diabetes_csv, target="progression")
    np.testing.assert_array_equal(predicted, model.predict(_frame(X, columns)))
    assert 25 < np.median(predicted) < 346  # in the target's own units

    code, out, _ = run(["info", model_path], capsys)
    assert "StandardScaler -> SimpleMLPRegressor, targets standardized" in out
    assert "10 inputs -> 16 relu -> 1 identity outputs" in out
    assert "regression: 1 output(s), loss='squared_error'" in out

    grid = tmp_path / "grid.json"
    grid.write_text(json.dumps({"alpha": [1, 10], "solver": ["lbfgs"], "max_iter": [50]}))
    code, out, _ = run(
        ["tune", diabetes_csv, "--target", "progression", "--grid", grid, "--cv", 3], capsys
    )
    assert code == 0 and "2 candidates x 3 folds" in out and "#1: R² 0." in out


@pytest.mark.parametrize(
    "y, task",
    [
        (np.array(["a", "b", "c"] * 20), "classification"),  # text
        (np.arange(60) % 20 + 0.5, "classification"),  # 20 distinct numbers
        (np.arange(60) % 21 + 0.5, "regression"),  # 21, not all integers
        (np.arange(420) % 21, "classification"),  # 21 integers, 20 rows each
        (np.arange(419) % 21, "regression"),  # 21 integers, fewer than 20 rows each
        (np.array([f"{v:.2f}" for v in np.linspace(0, 1, 30)]), "regression"),  # numbers as text
        (np.array(["nan", "a"] + [str(v) for v in range(1)]), "classification"),  # mostly text
        (np.array(["n/a"] + [str(v % 10) for v in range(30)]), "classification"),  # 10 classes
    ],
)
def test_auto_task_rule(y, task):
    assert choose_task(y)[0] == task


NUMBERS = [f"{v:.3f}" for v in np.linspace(0, 10, 200)]  # a regression target
CODES = [str(v % 30) for v in range(700)]  # 30 integer classes, 20 or more rows each


@pytest.mark.parametrize(
    "y, rows, without",
    [
        (NUMBERS[:57] + ["nan"] + NUMBERS[58:], [57], "regression"),  # one missing cell
        (
            NUMBERS[:3] + ["N/A"] + NUMBERS[4:150] + ["1,5", "inf"] + NUMBERS[152:],
            [3, 150, 151],
            "regression",
        ),
        (["NA"] * 90 + NUMBERS[90:], list(range(90)), "regression"),  # most are still numbers
        (CODES[:400] + ["2.5"] + CODES[401:], [400], "classification"),  # a fraction
        (CODES + ["2.5"] * 3, [700, 701, 702], "classification"),  # three of them
        ([str(v % 20) for v in range(300)] + ["190"], [300], "classification"),  # a 21st value
    ],
)
def test_a_few_cells_do_not_decide_the_task(y, rows, without):
    """One bad cell flipped the rule: a missing value in a column of numbers made it text
    (200 classes); a fraction among integer codes, or a mistyped 21st code, made them numbers.
    The rule names those cells instead; without them, it decides."""
    with pytest.raises(UnclearTarget) as unclear:
        choose_task(np.array(y))
    assert unclear.value.rows.tolist() == rows
    assert choose_task(np.delete(np.array(y), rows))[0] == without


@pytest.mark.parametrize("command", ["fit", "tune"])
@pytest.mark.parametrize("missing", ["nan", "N/A", "inf", "1,5"])
def test_auto_reports_a_missing_cell_of_a_numeric_target(command, missing, files, capsys):
    rng = np.random.RandomState(0)
    lines = [f"{a:.4f},{3 * a + i / 1000:.6f}" for i, a in enumerate(rng.normal(size=200))]
    lines[57] = lines[57].split(",")[0] + f',"{missing}"'
    assert len({line.split(",")[1] for line in lines}) == 200  # 199 distinct numbers
    path = files["tmp"] / "numbers.csv"
    path.write_text("a,y\n" + "\n".join(lines) + "\n")
    argv = {
        "fit": ["fit", str(path), "--target", "y", "-o", "{tmp}/m.npz"],
        "tune": ["tune", str(path), "--target", "y", "--grid", "{grid}", "-o", "{tmp}/m.npz"],
    }[command]
    err = run_error(argv, files, capsys)
    assert err.strip().splitlines() == [
        f"sknn-simple {command}: error: {path}: --task auto cannot tell the task of column 'y': "
        f"199 of its 200 values are numbers (the target has 199 distinct numbers), and these "
        f"are not finite numbers: line 59 ({missing!r}); fill in or remove those rows for "
        "regression, or pass --task classification if the column holds class labels"
    ]


def test_task_errors_are_one_line_before_any_work(diabetes_csv, files, capsys):
    bad = files["tmp"] / "bad_target.csv"
    bad.write_text("a,y\n1,2.5\n2,high\n3,4\n")
    out = "{tmp}/m.npz"
    for argv, expected in [
        (
            ["fit", str(bad), "--target", "y", "--task", "regression", "-o", out],
            "column 'y' has the non-numeric value 'high' on line 3; a regression target must be "
            "numbers (for class labels use --task classification)",
        ),
        (
            ["fit", str(diabetes_csv), "--target", "progression", "--param", "class_weight={}"]
            + ["-o", out],
            "--param: SimpleMLPRegressor has no parameter 'class_weight' (--task auto chose "
            "regression: the target has 214 distinct numbers; pass --task classification",
        ),
        (
            ["fit", "{data}", "--target", "y", "--param", "scoring=r3", "-o", out],
            "scoring='r3' is not a scorer: use 'loss', a name from "
            "sklearn.metrics.get_scorer_names()",
        ),
        (  # before the task is settled: one line, both estimators having the rule
            ["fit", str(diabetes_csv), "--target", "progression", "--param", "scoring=roc_aux"]
            + ["-o", out],
            "or a callable scorer(estimator, X, y); did you mean 'roc_auc'?",
        ),
        (["predict", "{model}", "{data}", "--proba"], None),
    ]:
        if expected is None:  # a regression model asked for probabilities
            model = files["tmp"] / "regression.npz"
            save(SimpleMLPRegressor(max_iter=1).fit(np.eye(2), [0.0, 1.0]), model)
            argv = ["predict", str(model), str(files["tmp"] / "two.csv"), "--proba"]
            (files["tmp"] / "two.csv").write_text("a,b\n1,2\n")
            expected = "is a regression model, which predicts numbers, not probabilities"
        err = run_error(argv, files, capsys)
        assert _fill(expected, {"tmp": str(files["tmp"])}) in err, err
        assert len(err.strip().splitlines()) == 1


def test_task_classification_treats_numbers_as_classes(diabetes_csv, tmp_path, capsys):
    argv = ["fit", diabetes_csv, "--target", "progression", "--task", "classification"]
    code, out, _ = run([*argv, "--param", "max_iter=1", "-o", tmp_path / "m.npz"], capsys)
    assert code == 0 and "task: classification (--task)" in out and "214 classes" in out


@pytest.fixture
def files(tmp_path, iris_csv, capsys):
    """Paths of every kind of file the commands read, good and bad, by name."""
    paths = {"tmp": tmp_path, "iris": iris_csv}
    texts = {
        "data": "a,b,y\n" + "".join(f"{i % 7}.5,{i % 3},{i % 3}\n" for i in range(30)),
        "empty": "",
        "ragged": "a,b,y\n1,2,0\n3,4\n",
        "text": "colour,b,y\nred,2,0\nblue,3,1\n",
        "hole": "a,b,y\n1,2,0\n3,,1\n",
        "no label": "a,b,y\n1,2,0\n3,4,\n5,6,1\n",
        "header only": "a,b,y\n",
        "only target": "y\n0\n1\n",
        "duplicate": "a,a,y\n1,2,0\n3,4,1\n",
        "infinite": "a,b,y\n1,2,0\n1e999,4,1\n",
        "nul": "a,b,y\n1,2\x00,0\n",
        "grid": json.dumps({"alpha": [1e-4, 1e-2], "max_iter": [2]}),
        "grid list": "[1, 2]",
        "grid unknown": json.dumps({"size": [1]}),
        "grid bad values": json.dumps({"alpha": [-1, 0.1], "activation": ["softmax"]}),
        "grid bad weight": json.dumps({"class_weight": [{"7": 2}]}),
    }
    for name, text in texts.items():
        paths[name] = tmp_path / f"{name.replace(' ', '_')}.txt"
        paths[name].write_text(text, encoding="utf-8")
    paths["latin1"] = tmp_path / "latin1.csv"
    paths["latin1"].write_bytes("a,y\n1,caf\xe9\n".encode("latin-1"))
    paths["model"] = tmp_path / "model.npz"
    fit = ["fit", paths["data"], "--target", "y", "--param", "max_iter=2", "-o", paths["model"]]
    assert main([str(a) for a in fit]) == 0
    paths["nonames"] = tmp_path / "nonames.npz"
    X, y = load_iris(return_X_y=True)
    save(SimpleMLPClassifier(max_iter=2).fit(X, y), paths["nonames"])
    capsys.readouterr()
    return paths


# Every error path that is not about a file argument (those are generated from the parser below),
# with what the one line on stderr must say.
BAD_INPUTS = {
    "empty file": (["fit", "{empty}", "--target", "y", "-o", "{tmp}/m.npz"], "the file is empty"),
    "header only": (
        ["fit", "{header only}", "--target", "y", "-o", "{tmp}/m.npz"],
        "there is a header but no data rows",
    ),
    "ragged rows": (
        ["fit", "{ragged}", "--target", "y", "-o", "{tmp}/m.npz"],
        "line 3 has 2 fields, the header has 3",
    ),
    "duplicate column": (
        ["fit", "{duplicate}", "--target", "y", "-o", "{tmp}/m.npz"],
        "the header must name every column once",
    ),
    "not UTF-8": (
        ["fit", "{latin1}", "--target", "y", "-o", "{tmp}/m.npz"],
        "not a UTF-8 text file",
    ),
    "NUL byte": (
        ["fit", "{nul}", "--target", "y", "-o", "{tmp}/m.npz"],
        # Python 3.10's csv module refuses a NUL byte itself; 3.11's reads it as a character
        "malformed CSV (line contains NUL)"
        if sys.version_info < (3, 11)
        else "column 'b' has the non-numeric value '2\\x00' on line 2",
    ),
    "unknown target": (
        ["fit", "{iris}", "--target", "colour", "-o", "{tmp}/m.npz"],
        "no column 'colour'",
    ),
    "no feature columns": (
        ["fit", "{only target}", "--target", "y", "-o", "{tmp}/m.npz"],
        "there are no feature columns besides 'y'",
    ),
    "non-numeric feature": (
        ["fit", "{text}", "--target", "y", "-o", "{tmp}/m.npz"],
        "column 'colour' has the non-numeric value 'red' on line 2",
    ),
    "missing value": (
        ["fit", "{hole}", "--target", "y", "-o", "{tmp}/m.npz"],
        "column 'b' is empty on line 3",
    ),
    "infinite value": (
        ["fit", "{infinite}", "--target", "y", "-o", "{tmp}/m.npz"],
        "column 'a' is '1e999' on line 3; features must be finite numbers",
    ),
    "missing label": (
        ["fit", "{no label}", "--target", "y", "-o", "{tmp}/m.npz"],
        "column 'y' is empty on line 3",
    ),
    "unknown parameter": (
        ["fit", "{iris}", "--target", "species", "--param", "size=3", "-o", "{tmp}/m.npz"],
        "neither SimpleMLPClassifier nor SimpleMLPRegressor has such a parameter",
    ),
    "parameter without a value": (
        ["fit", "{iris}", "--target", "species", "--param", "alpha", "-o", "{tmp}/m.npz"],
        "expected name=value",
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
        "'activation' parameter of SimpleMLPClassifier and SimpleMLPRegressor must be",
    ),
    "random_state as a parameter": (
        ["fit", "{data}", "--target", "y", "--param", "random_state=1", "-o", "{tmp}/m.npz"],
        "use --random-state 1 instead",
    ),
    "class_weight for a label that is not in the data": (
        [
            "fit",
            "{data}",
            "--target",
            "y",
            "--param",
            'class_weight={"00": 2}',
            "-o",
            "{tmp}/m.npz",
        ],
        "class_weight names '00', which is not a label of the data; the labels are 0, 1, 2",
    ),
    "model file that is not one": (["info", "{iris}"], "not a sknn_simple model file"),
    "predict: columns missing": (
        ["predict", "{model}", "{iris}"],
        "the model needs the columns ['a', 'b'], which are missing",
    ),
    "predict: wrong number of columns": (
        ["predict", "{nonames}", "{data}"],
        "3 columns, the model expects 4 features; it was fitted without column names, so give "
        "it only its feature columns, in order",
    ),
    "grid not JSON": (
        ["tune", "{iris}", "--target", "species", "--grid", "{empty}"],
        "not valid JSON",
    ),
    "grid not an object of lists": (
        ["tune", "{iris}", "--target", "species", "--grid", "{grid list}"],
        "expected an object of parameter lists",
    ),
    "grid with an unknown parameter": (
        ["tune", "{iris}", "--target", "species", "--grid", "{grid unknown}"],
        "neither SimpleMLPClassifier nor SimpleMLPRegressor has a parameter 'size'",
    ),
    "grid with bad values: one line each": (
        ["tune", "{iris}", "--target", "species", "--grid", "{grid bad values}"],
        "The 'alpha' parameter of SimpleMLPClassifier and SimpleMLPRegressor must be a float in "
        "the range [0.0, inf). Got -1 instead.\n"
        "sknn-simple tune: error: {grid bad values}: The 'activation' parameter of "
        "SimpleMLPClassifier and SimpleMLPRegressor must be",
    ),
    "grid with a class_weight for a label not in the data": (
        ["tune", "{data}", "--target", "y", "--grid", "{grid bad weight}"],
        "class_weight names '7', which is not a label of the data",
    ),
    "more folds than rows of any class": (
        ["tune", "{data}", "--target", "y", "--grid", "{grid}", "--cv", "11"],
        "n_splits=11 cannot be greater than the number of members in each class",
    ),
}


def run_error(argv, files, capsys):
    """Run a command that must fail; check what every error path shares, return stderr."""
    argv = [_fill(a, {name: str(path) for name, path in files.items()}) for a in argv]
    before = _snapshot(files["tmp"])
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 1
    lines = err.strip("\n").split("\n")
    assert all(line.startswith(f"sknn-simple {argv[0]}: error: ") for line in lines), err
    assert "Traceback" not in err
    assert out == ""  # found before any work began
    assert _snapshot(files["tmp"]) == before  # no file written, none overwritten
    return err


def _fill(text, names):
    for name, value in names.items():
        text = text.replace("{" + name + "}", value)
    return text


def _snapshot(directory):
    return {p.relative_to(directory): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_gets_one_line_and_an_exit_code(case, files, capsys):
    argv, expected = BAD_INPUTS[case]
    err = run_error(argv, files, capsys)
    assert _fill(expected, {n: str(p) for n, p in files.items()}) in err
    assert len(err.strip().splitlines()) == 1 + expected.count("\n")


# --- every file argument of every command: generated from the parser -----------------------------

# One valid command line per command; the placeholders are files that exist.
VALID = {
    "demo": ["demo", "--out", "{tmp}/demo.npz", "--plot", "{tmp}/curves.png"],
    "fit": ["fit", "{data}", "--target", "y", "-o", "{tmp}/fitted.npz"],
    "predict": ["predict", "{model}", "{data}", "--proba", "-o", "{tmp}/predictions.csv"],
    "info": ["info", "{model}", "--plot", "{tmp}/curves.png"],
    "tune": ["tune", "{data}", "--target", "y", "--grid", "{grid}", "-o", "{tmp}/best.npz"],
    "benchmark": ["benchmark", "{data}", "--target", "y", "--cv", "2"],
}
INPUT_FILES = {"data", "model", "grid"}
OUTPUT_FILES = {"output", "out", "plot"}
NOT_FILES = {"help", "target", "param", "no_scaler", "random_state", "proba", "cv", "n_jobs"}
NOT_FILES |= {"dask_scheduler", "task"}


def _subparsers():
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return parser, commands.choices


def test_every_argument_is_classified_and_every_command_has_a_valid_line():
    parser, subparsers = _subparsers()
    assert set(VALID) == set(subparsers) == set(COMMANDS)
    for name, subparser in subparsers.items():
        dests = {action.dest for action in subparser._actions}
        assert dests <= INPUT_FILES | OUTPUT_FILES | NOT_FILES, (name, dests)
        parsed = vars(parser.parse_args(VALID[name]))
        for dest in dests & (INPUT_FILES | OUTPUT_FILES):
            assert parsed[dest] is not None, f"{name}: VALID does not use {dest}"


def _file_cases():
    """(command, argv, expected message) for each way each file argument can be wrong."""
    parser, subparsers = _subparsers()
    for command, argv in VALID.items():
        parsed = vars(parser.parse_args(argv))
        inputs = [parsed[d] for d in sorted(INPUT_FILES) if parsed.get(d)]
        outputs = [parsed[d] for d in sorted(OUTPUT_FILES) if parsed.get(d)]

        def replace(old, new, argv=argv):
            return [new if a == old else a for a in argv]

        for path in inputs:
            yield (
                f"{command} {path} missing",
                replace(path, "{tmp}/nope"),
                "{tmp}/nope: no such file",
            )
            yield (
                f"{command} {path} a directory",
                replace(path, "{tmp}/folder"),
                "{tmp}/folder: is a directory, not a file",
            )
        for path in outputs:
            yield (
                f"{command} {path} in a missing directory",
                replace(path, "{tmp}/nodir/x"),
                "{tmp}/nodir/x: no such directory",
            )
            yield (
                f"{command} {path} a directory",
                replace(path, "{tmp}/folder"),
                "{tmp}/folder: is a directory, not a file",
            )
            for source in inputs:
                yield (
                    f"{command} {path} is the input {source}",
                    replace(path, source),
                    f"{source}: is also an input of this command",
                )
        if command == "demo":
            yield (
                "demo --plot is --out",
                replace("{tmp}/curves.png", "{tmp}/demo.npz"),
                "{tmp}/demo.npz: is also --out",
            )


FILE_CASES = {name: (argv, expected) for name, argv, expected in _file_cases()}


def test_every_command_has_file_cases():
    assert {name.split()[0] for name in FILE_CASES} == set(COMMANDS)
    assert len(FILE_CASES) >= 25


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_every_file_argument_is_checked_before_the_work(case, files, capsys):
    """Missing inputs, directories, outputs in a missing directory or overwriting an input:
    one line, ``PATH: what is wrong``, before any work (nothing printed, nothing written)."""
    (files["tmp"] / "folder").mkdir()
    argv, expected = FILE_CASES[case]
    err = run_error(argv, files, capsys)
    assert _fill(expected, {n: str(p) for n, p in files.items()}) in err
    assert len(err.strip().splitlines()) == 1


# --- parameter values: every one the estimator rejects is rejected before any work --------------


def _json_bad_values():
    from tests.test_bad_input import BAD_PARAMETERS  # every parameter, with values it rejects

    for name, values in BAD_PARAMETERS.items():
        for value in values:
            yield f"{name}={json.dumps(value)}", name, json.loads(json.dumps(value))


BAD_VALUES = {case: (name, value) for case, name, value in _json_bad_values()}


@pytest.mark.parametrize("command", ["fit", "tune"])
@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_every_bad_parameter_value_is_rejected_before_any_work(case, command, files, capsys):
    name, value = BAD_VALUES[case]
    with pytest.raises(ValueError, match=f"'{name}' parameter"):  # the premise, as JSON gives it
        SimpleMLPClassifier(**{name: value})._validate_params()
    if command == "fit":
        argv = ["fit", "{data}", "--target", "y", "--param", case, "-o", "{tmp}/m.npz"]
    else:
        grid = files["tmp"] / "grid_case.json"
        grid.write_text(json.dumps({name: [value]}))
        argv = ["tune", "{data}", "--target", "y", "--grid", str(grid), "-o", "{tmp}/best.npz"]
    err = run_error(argv, files, capsys)
    if command == "fit" and name == "random_state":
        assert "use --random-state" in err
    else:
        assert f"The '{name}' parameter of SimpleMLPClassifier" in err
        # before the data is read, either estimator is possible: the message names both
        assert ("SimpleMLPRegressor" in err) == (name in SimpleMLPRegressor().get_params())
    assert len(err.strip().splitlines()) == 1


def test_auto_reports_a_code_that_stands_out(files, capsys):
    path = files["tmp"] / "codes.csv"
    codes = [v % 20 for v in range(300)]
    codes[123] = 190  # mistyped: a 21st value among 20 classes of 15 rows
    path.write_text("a,y\n" + "".join(f"{i},{code}\n" for i, code in enumerate(codes)))
    err = run_error(["fit", str(path), "--target", "y", "-o", "{tmp}/m.npz"], files, capsys)
    assert err.strip().splitlines() == [
        f"sknn-simple fit: error: {path}: --task auto cannot tell the task of column 'y': "
        "without these rows its other 299 values would be classes (the target has 20 "
        "distinct values): line 125 (190); pass --task classification or --task regression, "
        "or fix those rows"
    ]


# --- parameter values: the package's own rules too, before the data is read ------------------

# (--param values, the line's expected words): what only the package (not scikit-learn's
# validation) rejects, which the commands found only after reading the CSV.
OWN_RULES = {
    "a float size": (["hidden_layer_sizes=[10.0]"], "hidden_layer_sizes=[10.0]: the sizes of"),
    "a zero size": (["hidden_layer_sizes=[0]"], "hidden_layer_sizes=[0]: the sizes of"),
    "a negative size": (["hidden_layer_sizes=[5, -2]"], "hidden_layer_sizes=[5, -2]: the sizes"),
    "a nested size": (["hidden_layer_sizes=[[5]]"], "hidden_layer_sizes=[[5]]: the sizes of"),
    "a huge size": (
        ["hidden_layer_sizes=[100000000000]"],
        "hidden_layer_sizes=[100000000000]: with one input and one output, a network of "
        "300,000,000,001 parameters is more than a model file holds (268,435,456)",
    ),
    "two huge layers": (
        ["hidden_layer_sizes=[100000, 100000]"],
        "a network of 10,000,400,001 parameters is more than a model file holds",
    ),
    "dropout without a stochastic solver": (
        ['solver="lbfgs"', "dropout=0.5"],
        "dropout=0.5 needs a stochastic solver",
    ),
    "early stopping with nothing held out": (
        ["early_stopping=true", "validation_fraction=0"],
        "validation_fraction=0 holds out none",
    ),
}


def _data_must_not_be_read(monkeypatch):
    def read_features(*args, **kwargs):
        raise AssertionError("the data was read before the parameters were checked")

    monkeypatch.setattr("sknn_simple.cli.commands.read_features", read_features)


@pytest.mark.parametrize("command", ["fit", "tune"])
@pytest.mark.parametrize("case", list(OWN_RULES))
def test_the_package_rules_are_checked_before_the_data_is_read(
    case, command, files, capsys, monkeypatch
):
    pairs, expected = OWN_RULES[case]
    _data_must_not_be_read(monkeypatch)
    if command == "fit":
        params = [arg for pair in pairs for arg in ("--param", pair)]
        argv = ["fit", "{data}", "--target", "y", *params, "-o", "{tmp}/m.npz"]
    else:
        grid = files["tmp"] / "grid_case.json"
        pairs = [pair.split("=", 1) for pair in pairs]
        grid.write_text(json.dumps({name: [json.loads(value)] for name, value in pairs}))
        argv = ["tune", "{data}", "--target", "y", "--grid", str(grid), "-o", "{tmp}/best.npz"]
    err = run_error(argv, files, capsys)
    assert expected in err and len(err.strip().splitlines()) == 1, err


def test_tune_refuses_mixed_losses_before_the_data_is_read(files, capsys, monkeypatch):
    _data_must_not_be_read(monkeypatch)
    grid = files["tmp"] / "losses.json"
    grid.write_text(json.dumps({"loss": ["poisson", "squared_error"]}))
    err = run_error(["tune", "{data}", "--target", "y", "--grid", str(grid)], files, capsys)
    assert "loss: tune 'poisson' and 'squared_error' separately" in err


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["demo", "--out", "", "--random-state", "99999999999"], "from 0 to 4294967295 or none"),
        (["demo", "--out", "", "--random-state", "-1"], "from 0 to 4294967295 or none"),
        (
            ["fit", "{data}", "--target", "y", "-o", "m.npz", "--random-state", "4294967296"],
            "from 0 to 4294967295 or none, got '4294967296'",
        ),
        (["tune", "{data}", "--target", "y", "--grid", "{grid}", "--n-jobs", "0"], "--n-jobs must"),
    ],
)
def test_option_values_are_usage_errors_before_any_work(argv, expected, files, capsys, monkeypatch):
    """The seed's range (demo started training before refusing it) and --n-jobs 0."""
    _data_must_not_be_read(monkeypatch)
    monkeypatch.setattr("sknn_simple.cli.demo.load_digits", _data_must_not_be_read)
    argv = [_fill(a, {name: str(path) for name, path in files.items()}) for a in argv]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2 and out == "" and expected in err


def test_demo_refuses_a_plot_format_before_the_work(files, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setattr("sknn_simple.cli.demo.load_digits", _data_must_not_be_read)
    err = run_error(["demo", "--out", "", "--plot", "{tmp}/curves.xyz"], files, capsys)
    assert "curves.xyz: matplotlib cannot draw .xyz files; name it .png, or one of" in err


# --- parsing: nothing nests or grows without bound -----------------------------------------------

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("where", ["--param", "grid"])
@pytest.mark.parametrize(
    "value, expected",
    [
        (DEEP, "nested more than 8 levels deep"),
        ("[" * 9 + "1" + "]" * 9, "nested more than 8 levels deep"),
        ('{"a": ' * 3000 + "1" + "}" * 3000, "nested more than 8 levels deep"),
        ("1" * 5000, "not a valid value (Exceeds the limit (4300"),  # "digits)" since 3.11
    ],
)
def test_a_value_that_would_exhaust_the_parser_is_one_line(where, value, expected, files, capsys):
    """5,000 nested brackets raised an uncaught RecursionError."""
    if where == "--param":
        argv = ["fit", "{data}", "--target", "y", "--param", f"alpha={value}", "-o", "m.npz"]
    else:
        grid = files["tmp"] / "deep.json"
        grid.write_text('{"alpha": [' + value + "]}")
        argv = ["tune", "{data}", "--target", "y", "--grid", str(grid)]
    err = run_error(argv, files, capsys)
    assert expected in err and len(err.strip().splitlines()) == 1, err


def test_a_grid_too_large_to_search_is_one_line(files, capsys):
    grid = files["tmp"] / "big.json"
    grid.write_text(json.dumps({"alpha": list(range(1000)), "tol": list(range(1000))}))
    err = run_error(["tune", "{data}", "--target", "y", "--grid", str(grid)], files, capsys)
    assert "1,000,000 candidates (the product of the lists' lengths), more than a search" in err
    grid.write_text('{"alpha": [' + "0.1, " * 300_000 + "0.1]}")
    err = run_error(["tune", "{data}", "--target", "y", "--grid", str(grid)], files, capsys)
    assert "larger than 1 MiB; a grid is a small JSON object" in err


# --- info: every parameter, whatever its type ----------------------------------------------------


@pytest.mark.parametrize(
    "params, shown",
    [
        (
            dict(hidden_layer_sizes=np.array([5, 3])),
            "{'hidden_layer_sizes': [5, 3], 'max_iter': 5}",
        ),
        (
            dict(alpha=np.float64(1e-3), batch_size=np.int64(10), max_iter=np.int32(5)),
            "{'alpha': 0.001, 'batch_size': 10, 'max_iter': 5}",
        ),
        (
            dict(hidden_layer_sizes=[100], n_iter_no_change=np.inf, activation=np.str_("tanh")),
            "{'activation': 'tanh', 'max_iter': 5, 'n_iter_no_change': inf}",
        ),
        (
            dict(class_weight={np.int64(0): np.float32(2.0)}, random_state=np.int64(3)),
            "{'class_weight': {0: 2.0}, 'max_iter': 5, 'random_state': 3}",
        ),
        (dict(random_state=np.random.RandomState(0)), "'random_state': RandomState(MT19937)"),
    ],
)
def test_info_describes_parameters_of_any_type(params, shown, tmp_path, capsys):
    """hidden_layer_sizes=np.array([5, 3]) made info exit 1 ("truth value of an array")."""
    X, y = load_iris(return_X_y=True)
    model = SimpleMLPClassifier(max_iter=5).set_params(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save(model.fit(X, y % 2), tmp_path / "m.npz")
    code, out, err = run(["info", tmp_path / "m.npz"], capsys)
    assert code == 0, err
    assert shown in out.splitlines()[-1]


def test_info_says_a_regressor_loss_and_solver_given_as_numpy_text(tmp_path, capsys):
    model = SimpleMLPRegressor(loss=np.str_("poisson"), solver=np.str_("lbfgs"), max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save(model.fit(np.eye(3), [1.0, 2.0, 3.0]), tmp_path / "m.npz")
    code, out, _ = run(["info", tmp_path / "m.npz"], capsys)
    assert code == 0 and "loss='poisson'" in out and "solver='lbfgs'" in out


# --- outputs: whole or not at all ----------------------------------------------------------------


@pytest.mark.parametrize("command", ["predict", "fit"])
def test_a_failed_write_leaves_the_previous_output_intact(command, files, capsys, monkeypatch):
    """A full disk while writing predictions or a model: the old file stays, whole."""
    import errno
    import zipfile

    output = files["tmp"] / ("out.csv" if command == "predict" else "out.npz")
    output.write_bytes(b"the previous output\n")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    if command == "predict":

        def write_table(f, header, rows):
            f.write(",".join(header) + "\n")
            full()

        monkeypatch.setattr("sknn_simple.cli.commands.write_table", write_table)
        argv = ["predict", files["model"], files["data"], "-o", output]
    else:
        real_writestr = zipfile.ZipFile.writestr

        def writestr(self, name, data, *args, **kwargs):
            real_writestr(self, name, data, *args, **kwargs)
            full()

        monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)
        argv = ["fit", files["data"], "--target", "y", "--param", "max_iter=2", "-o", output]
    before = sorted(p.name for p in files["tmp"].iterdir())
    code, _, err = run(argv, capsys)
    assert code == 1 and "No space left on device" in err
    assert output.read_bytes() == b"the previous output\n"
    assert sorted(p.name for p in files["tmp"].iterdir()) == before  # no temporary file left


# --- tune: a failed fit is an error, never a ranked nan or a saved model ------------------------


@pytest.mark.parametrize(
    "grid, failing",
    [
        ({"class_weight": [None, {"0": 0, "1": 0}], "max_iter": [3]}, "some fits"),
        ({"class_weight": [{"0": 0, "1": 0}], "max_iter": [3]}, "every fit"),
    ],
)
def test_tune_with_failing_fits_fails_in_one_line_and_saves_nothing(grid, failing, files, capsys):
    """A fit that fails on the data (class weights that leave one class with weight)."""
    path = files["tmp"] / "failing.json"
    path.write_text(json.dumps(grid))
    argv = ["tune", "{data}", "--target", "y", "--grid", str(path), "--cv", "2"]
    err = run_error([*argv, "-o", "{tmp}/best.npz"], files, capsys)
    assert "the search failed, so nothing was ranked or saved: ValueError: Only 1 class" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("failing_call", range(7))  # 3 candidates x 2 folds, then the refit
def test_a_failure_in_any_fit_of_a_search_is_one_line(failing_call, files, capsys, monkeypatch):
    calls = []
    fit = SimpleMLPClassifier.fit

    def fit_that_fails_once(self, *args, **kwargs):
        calls.append(self.alpha)
        if len(calls) == failing_call + 1:
            raise RuntimeError(f"injected failure in fit {failing_call}")
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(SimpleMLPClassifier, "fit", fit_that_fails_once)
    path = files["tmp"] / "three.json"
    path.write_text(json.dumps({"alpha": [1e-4, 1e-3, 1e-2], "max_iter": [2]}))
    argv = ["tune", "{data}", "--target", "y", "--grid", str(path), "--cv", "2"]
    err = run_error([*argv, "-o", "{tmp}/best.npz"], files, capsys)
    assert f"RuntimeError: injected failure in fit {failing_call}" in err
    assert len(err.strip().splitlines()) == 1
    assert len(calls) == failing_call + 1  # the search stopped at the failure


def test_a_network_too_large_for_memory_is_one_line(files, capsys, monkeypatch):
    """No MemoryError traceback: the error names hidden_layer_sizes and the network's size."""

    def no_memory(layout, *args, **kwargs):
        raise MemoryError(f"Unable to allocate for an array with shape ({layout.size},)")

    monkeypatch.setattr("sknn_simple._base.init_params", no_memory)
    argv = ["fit", str(files["data"]), "--target", "y", "-o", str(files["tmp"] / "m.npz")]
    code = main([*argv, "--param", "hidden_layer_sizes=[10000,10000]"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.strip().splitlines() == [
        "sknn-simple fit: error: hidden_layer_sizes=(10000, 10000): a network of "
        "100,070,003 weights (0.7 GiB in float64) does not fit in memory, and training "
        "needs several times that; use smaller hidden layers."
    ]
    assert not (files["tmp"] / "m.npz").exists()


@pytest.mark.parametrize(
    "solver, unit",
    [("adam", "epochs"), ("sgd", "epochs"), ("lbfgs", "iterations"), ("newton-cg", "iterations")],
)
def test_fit_counts_epochs_or_iterations_as_the_solver_does(solver, unit, files, capsys):
    argv = ["fit", str(files["data"]), "--target", "y", "-o", str(files["tmp"] / "m.npz")]
    assert main([*argv, "--param", f"solver={solver}", "--param", "max_iter=3"]) == 0
    assert re.search(rf"^trained 3 {unit} in ", capsys.readouterr().out, re.MULTILINE)


# --- class_weight from the command line: keys are labels as written ------------------------------

LABEL_SETS = {
    "integers": ["0", "1", "2"],
    "negative integers": ["-1", "0", "1"],
    "text": ["cat", "dog", "emu"],
    "integers with leading zeros": ["00", "01", "1"],
    "decimals": ["0.5", "1.0", "1.5"],
}


@pytest.mark.parametrize("command", ["fit", "tune"])
@pytest.mark.parametrize("labels", list(LABEL_SETS))
def test_class_weight_keys_are_the_labels_as_written(labels, command, tmp_path, capsys):
    labels = LABEL_SETS[labels]
    data = tmp_path / "data.csv"
    data.write_text(
        "a,b,y\n" + "".join(f"{i % 5},{i % 3},{labels[i % 3]}\n" for i in range(30)),
        encoding="utf-8",
    )
    weight = {labels[1]: 3.0}
    model_path = tmp_path / "model.npz"
    if command == "fit":
        argv = ["fit", data, "--target", "y", "--param", f"class_weight={json.dumps(weight)}"]
        argv += ["--param", "max_iter=2"]
    else:
        grid = tmp_path / "grid.json"
        grid.write_text(json.dumps({"class_weight": [weight], "max_iter": [2]}))
        argv = ["tune", data, "--target", "y", "--grid", grid, "--cv", 2]
    code, _, err = run([*argv, "-o", model_path], capsys)
    assert code == 0, err
    net = load(model_path)[-1]
    (weighted,) = [c for c in net.classes_.tolist() if str(c) == labels[1]]
    assert net.class_weight == {weighted: 3.0}


# --- --random-state, and help for every option ---------------------------------------------------


def test_tune_twice_ranks_the_same_way(files, capsys):
    grid = files["tmp"] / "seeded.json"
    grid.write_text(json.dumps({"alpha": [1e-4, 1e-1, 1.0], "max_iter": [3]}))
    argv = ["tune", files["data"], "--target", "y", "--grid", grid, "--cv", 3]
    first, second = run(argv, capsys), run(argv, capsys)
    assert first[0] == 0 and first == second
    other = run([*argv, "--random-state", 7], capsys)
    assert other[0] == 0 and other[1] != first[1]  # the seed reaches the weights and the folds


def test_training_commands_take_a_random_state_that_defaults_to_0(files, capsys):
    parser = build_parser()
    for command in ("fit", "tune", "demo"):
        assert parser.parse_args(VALID[command]).random_state == 0
        assert parser.parse_args([*VALID[command], "--random-state", "5"]).random_state == 5
        assert parser.parse_args([*VALID[command], "--random-state", "none"]).random_state is None
    model_path = files["tmp"] / "seeded.npz"
    argv = ["fit", files["data"], "--target", "y", "--param", "max_iter=3", "-o", model_path]
    assert run(argv, capsys)[0] == 0
    first = load(model_path)
    assert first[-1].random_state == 0
    assert run(argv, capsys)[0] == 0
    for a, b in zip(load(model_path)[-1].coefs_, first[-1].coefs_, strict=True):
        assert np.array_equal(a, b)


def test_every_option_of_every_command_has_help():
    parser, subparsers = _subparsers()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {a.dest for a in commands._choices_actions if a.help} == set(COMMANDS)
    for name, command in [("sknn-simple", parser), *subparsers.items()]:
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
        command.format_help()  # every %(default)s and the like can be formatted


# --- predict: the predicted labels always, probabilities with --proba ----------------------------


@pytest.fixture
def models(files, tmp_path, capsys):
    """Models of each kind, with a CSV to predict: integer, text and multilabel targets."""
    text = tmp_path / "text_labels.csv"
    names = ["01", "1", "+1"]
    text.write_text("a,b,y\n" + "".join(f"{i % 5},{i % 3},{names[i % 3]}\n" for i in range(30)))
    assert main(["fit", str(text), "--target", "y", "-o", str(tmp_path / "text.npz")]) == 0
    X, y = load_iris(return_X_y=True)
    save(SimpleMLPClassifier(max_iter=5).fit(X, np.c_[y == 0, y == 2]), tmp_path / "multi.npz")
    features = tmp_path / "features.csv"  # the model has no column names: features only
    features.write_text("a,b,c,d\n" + "".join(",".join(map(str, row)) + "\n" for row in X))
    capsys.readouterr()
    return {
        "integer labels": (files["model"], files["data"]),
        "text labels": (tmp_path / "text.npz", text),
        "multilabel": (tmp_path / "multi.npz", features),
    }


@pytest.mark.parametrize("destination", ["stdout", "file"])
@pytest.mark.parametrize("proba", [False, True])
@pytest.mark.parametrize("kind", ["integer labels", "text labels", "multilabel"])
def test_predict_writes_the_predictions_and_with_proba_the_probabilities(
    kind, proba, destination, models, tmp_path, capsys
):
    from sknn_simple.cli.commands import _features_of, _frame
    from sknn_simple.cli.csv_files import read_features

    model_path, data = models[kind]
    out_csv = tmp_path / "out.csv"
    argv = ["predict", model_path, data] + (["--proba"] if proba else [])
    code, out, err = run(argv + (["-o", out_csv] if destination == "file" else []), capsys)
    assert code == 0, err
    rows = list(csv.reader(open(out_csv) if destination == "file" else out.splitlines()))

    model = load(model_path)
    net, columns = _features_of(model)
    X, _, columns = read_features(data, columns=columns)
    X = (
        X
        if columns is None or getattr(model, "feature_names_in_", None) is None
        else _frame(X, columns)
    )
    predicted = model.predict(X)
    label_columns = [f"label_{c}" for c in net.classes_] if predicted.ndim == 2 else ["prediction"]
    proba_columns = [f"proba_{c}" for c in net.classes_] if proba else []
    assert rows[0] == label_columns + proba_columns
    n = len(label_columns)
    written = [row[:n] for row in rows[1:]]
    assert written == [[str(v) for v in np.atleast_1d(p).tolist()] for p in predicted]
    if proba:
        P = np.array([[float(v) for v in row[n:]] for row in rows[1:]])
        assert np.allclose(P, model.predict_proba(X), rtol=1e-5, atol=1e-6)
        if predicted.ndim == 1:  # the written label is the most probable class
            assert [r[0] for r in written] == [str(c) for c in net.classes_[P.argmax(axis=1)]]


def test_labels_are_predicted_back_as_written(tmp_path, capsys):
    labels = ["01", "1", "+1", "1_0", "10"]
    data = tmp_path / "data.csv"
    data.write_text(
        "a,y\n" + "".join(f"{10 * (i % 5) + i % 2},{labels[i % 5]}\n" for i in range(50))
    )
    argv = ["fit", data, "--target", "y", "--param", "solver=lbfgs", "-o", tmp_path / "m.npz"]
    assert run(argv, capsys)[0] == 0
    assert load(tmp_path / "m.npz")[-1].classes_.tolist() == sorted(labels)
    code, out, _ = run(["predict", tmp_path / "m.npz", data], capsys)
    assert code == 0
    assert out.splitlines()[1:] == [labels[i % 5] for i in range(50)]


def test_a_csv_saved_by_excel_trains(tmp_path, capsys):
    data = tmp_path / "excel.csv"
    rows = "".join(f"{i % 2},{i % 4}.5,{i % 3}\r\n" for i in range(20))
    data.write_bytes(b"\xef\xbb\xbf" + ("label,a,b\r\n" + rows).encode("utf-8"))
    code, out, err = run(["fit", data, "--target", "label", "-o", tmp_path / "m.npz"], capsys)
    assert code == 0, err
    assert "2 features (a, b), 2 classes" in out


# --- optional dependencies: missing ones are named, with the extra to install, before the work ---

BLOCK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r} or name.startswith({module!r} + "."):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Block())
"""

OPTIONAL = {
    "onnx export": ("skl2onnx", "onnx", "import sknn_simple.onnx"),
    "demo --plot": (
        "matplotlib",
        "plot",
        "from sknn_simple.cli.main import main; sys.exit(main(['demo', '--out', '', '--plot', "
        "{plot!r}]))",
    ),
    "tune --dask-scheduler": (
        "dask",
        "dask",
        "from sknn_simple.cli.main import main; sys.exit(main(['tune', {data!r}, '--target', 'y', "
        "'--grid', {grid!r}, '--dask-scheduler', 'tcp://127.0.0.1:1']))",
    ),
}


@pytest.mark.parametrize("feature", list(OPTIONAL))
def test_a_missing_optional_dependency_names_its_extra_before_the_work(feature, files):
    from importlib.metadata import metadata

    module, extra, code = OPTIONAL[feature]
    assert extra in metadata("sknn_simple").get_all("Provides-Extra")
    paths = {"plot": files["tmp"] / "c.png", "data": files["data"], "grid": files["grid"]}
    code = code.format(**{name: str(path) for name, path in paths.items()})
    done = subprocess.run(
        [sys.executable, "-c", BLOCK.format(module=module) + code],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert f'pip install "sknn_simple[{extra}]"' in done.stderr.strip().splitlines()[-1]
    if feature == "onnx export":  # the import fails, saying what to install
        assert (
            done.stderr.strip()
            .splitlines()[-1]
            .startswith(
                "ModuleNotFoundError: sknn_simple.onnx needs skl2onnx (No module named 'skl2onnx')"
            )
        )
    else:  # the command line: one line, no traceback
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (files["tmp"] / "c.png").exists()


def test_fit_and_predict_work_without_pandas(files):
    """Without pandas the model has no column names: predict takes the feature columns only."""
    features = files["tmp"] / "features.csv"
    features.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in open(files["data"])))
    code = BLOCK.format(module="pandas") + (
        "from sknn_simple.cli.main import main\n"
        "assert main(['fit', {data!r}, '--target', 'y', '-o', {model!r}]) == 0\n"
        "assert main(['predict', {model!r}, {features!r}, '--proba', '-o', {out!r}]) == 0\n"
        "assert main(['predict', {model!r}, {data!r}]) == 1  # the target column too\n"
        "assert 'pandas' not in sys.modules\n"
    ).format(
        data=str(files["data"]),
        features=str(features),
        model=str(files["tmp"] / "p.npz"),
        out=str(files["tmp"] / "p.csv"),
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (files["tmp"] / "p.csv").read_text().startswith("prediction,proba_0,proba_1,proba_2\n")


def test_usage_errors_exit_with_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["fit"])
    assert exit_info.value.code == 2
    assert "required" in capsys.readouterr().err


def test_console_script_and_module_run(iris_csv, tmp_path):
    """Every way to start the command line runs it (the module of the console script too)."""
    script = shutil.which("sknn-simple")
    modules = ("sknn_simple", "sknn_simple.cli.main")
    commands = [[sys.executable, "-m", module] for module in modules]
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


def test_a_reader_that_stops_early_is_no_error(tmp_path):
    """``sknn-simple predict ... | head -1``: the closed pipe ends the command quietly."""
    model, data = tmp_path / "m.npz", tmp_path / "rows.csv"
    save(SimpleMLPRegressor(max_iter=1).fit(np.eye(2), [0.0, 1.0]), model)
    data.write_text("a,b\n" + "0.5,1.5\n" * 20000)  # more output than a pipe holds
    command = [sys.executable, "-m", "sknn_simple", "predict", str(model), str(data)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout.readline() == "prediction\n"
        process.stdout.close()
        stderr = process.stderr.read()
        process.wait(timeout=120)
    assert "Broken pipe" not in stderr and "Traceback" not in stderr, stderr


def test_demo_runs_and_saves(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["demo", "--out", "digits.npz", "--plot", "curves.png"], capsys)
    assert code == 0
    assert "4. test: accuracy" in out and "5. tuning" in out and "saved the tuned model" in out
    assert (tmp_path / "curves.png").read_bytes().startswith(b"\x89PNG")
    accuracy = float(out.split("4. test: accuracy ")[1].split()[0])
    assert accuracy > 0.95
    assert load(tmp_path / "digits.npz").predict(np.zeros((1, 64))).shape == (1,)


def test_regression_demo_runs_and_saves(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["demo", "--task", "regression"], capsys)
    assert code == 0 and "validation R²" in out and "5. tuning" in out
    r2 = float(out.split("4. test: R² ")[1].split(",")[0])
    assert r2 > 0.4  # diabetes: linear models reach about 0.45 on this split
    model = load(tmp_path / "sknn_simple_diabetes.npz")  # the default name of this demo
    assert model.predict(np.zeros((1, 10))).shape == (1,)


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
