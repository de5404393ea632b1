"""Tuning on a Dask cluster (extra ``dask``): a real LocalCluster of 2 worker processes."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local_cluster:
        yield local_cluster
    # the context manager shut the cluster down, also when a test failed


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600], y[:600]


def search():
    return GridSearchCV(
        make_pipeline(StandardScaler(), SimpleMLPClassifier(max_iter=30, random_state=0)),
        {
            "simplemlpclassifier__hidden_layer_sizes": [16, 64],
            "simplemlpclassifier__alpha": [1e-4, 1e-1],
        },
        cv=3,
    )


def test_grid_search_on_the_cluster_matches_the_local_run(cluster, digits):
    X, y = digits
    local = search().fit(X, y)
    with distributed.Client(cluster) as client, joblib.parallel_backend("dask"):
        remote = search().fit(X, y)
        # the work really ran on the cluster's two worker processes
        assert len(client.scheduler_info()["workers"]) == 2
    assert remote.best_params_ == local.best_params_
    for key in ("mean_test_score", "std_test_score", "split0_test_score"):
        np.testing.assert_allclose(remote.cv_results_[key], local.cv_results_[key], rtol=1e-12)


def test_cli_tune_on_a_dask_scheduler(cluster, tmp_path, capsys):
    import csv

    from sknn_simple.cli.main import main

    X, y = load_digits(return_X_y=True)
    path = tmp_path / "digits.csv"
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([f"p{i}" for i in range(64)] + ["digit"])
        writer.writerows(
            [[*row, label] for row, label in zip(X[:400].tolist(), y[:400], strict=True)]
        )
    grid = tmp_path / "grid.json"
    grid.write_text('{"hidden_layer_sizes": [8, 32], "max_iter": [20]}')
    code = main(
        [
            "tune",
            str(path),
            "--target",
            "digit",
            "--grid",
            str(grid),
            "--cv",
            "2",
            "--dask-scheduler",
            cluster.scheduler_address,
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"running on the Dask cluster at {cluster.scheduler_address} (2 workers)" in out
    assert "#1: accuracy" in out


def test_dask_ml_incremental_uses_partial_fit(cluster, digits):
    dask_ml_wrappers = pytest.importorskip("dask_ml.wrappers")
    da = pytest.importorskip("dask.array")
    X, y = digits
    X = X / 16
    with distributed.Client(cluster):
        model = dask_ml_wrappers.Incremental(
            SimpleMLPClassifier(32, learning_rate_init=0.01, random_state=0), scoring="accuracy"
        )
        X_d, y_d = da.from_array(X, chunks=150), da.from_array(y, chunks=150)
        for _ in range(15):
            model.partial_fit(X_d, y_d, classes=np.unique(y))
        assert model.estimator_.n_iter_ == 1 and model.estimator_.t_ == 15 * len(X)
        assert model.score(X_d, y_d) > 0.85
