"""``sknn-simple benchmark``: cross-validated accuracy and fit time, side by side."""

import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .._classifier import SimpleMLPClassifier
from .csv_files import read_features

EMBEDDED = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
}


def contenders():
    return {
        "SimpleMLPClassifier": SimpleMLPClassifier(random_state=0),
        "MLPClassifier": MLPClassifier(random_state=0),
        "LogisticRegression": LogisticRegression(max_iter=1000),
    }


def run_benchmark(data=None, target=None, cv=5):
    """Print accuracy (mean +/- std over ``cv`` folds) and fit time; returns the exit code."""
    if data is None:
        problems = {name: loader(return_X_y=True) for name, loader in EMBEDDED.items()}
    else:
        X, y, _ = read_features(data, target=target)
        problems = {data: (X, y)}
    folds = StratifiedKFold(cv, shuffle=True, random_state=0)
    print(f"{cv}-fold cross-validation, each model after a StandardScaler; fit time per fold")
    print(f"{'data':14s} {'model':21s} {'accuracy':>17s} {'fit time':>10s}")
    for name, (X, y) in problems.items():
        for label, model in contenders().items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                result = cross_validate(make_pipeline(StandardScaler(), model), X, y, cv=folds)
            scores = result["test_score"]
            print(
                f"{name[:14]:14s} {label:21s} {np.mean(scores):8.4f} +/- {np.std(scores):.4f}"
                f" {np.mean(result['fit_time']):9.3f}s"
            )
    return 0
