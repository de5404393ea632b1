"""Writes the format-1 model files kept as test data (run once, by sknn_simple 0.1 before the
depth redesign; kept to show how the files were made). The files, and the predictions of the
models that wrote them, are checked by tests/test_persistence.py: files written by an older
version must keep loading and predicting exactly as they did."""

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier, save


def main():
    X, y = load_digits(return_X_y=True)
    frame = pd.DataFrame(X, columns=[f"pixel_{i}" for i in range(64)])
    models = {
        # a pipeline with feature names, Adam's state (warm-startable), multiclass
        "v1_pipeline_adam": (
            make_pipeline(
                StandardScaler(),
                SimpleMLPClassifier(16, max_iter=5, random_state=0),
            ),
            frame,
            y,
        ),
        # float32, binary string labels, sgd, class weights, early stopping curves
        "v1_float32_sgd_binary": (
            SimpleMLPClassifier(
                12,
                solver="sgd",
                activation="tanh",
                class_weight={"high": 2.0},
                early_stopping=True,
                max_iter=8,
                random_state=1,
            ),
            (X / 16).astype(np.float32),
            np.where(y > 4, "high", "low"),
        ),
        # multilabel, lbfgs
        "v1_multilabel_lbfgs": (
            SimpleMLPClassifier(
                10, solver="lbfgs", activation="logistic", max_iter=20, random_state=2
            ),
            X / 16,
            np.c_[y > 4, y % 2 == 0, y % 3 == 0].astype(int),
        ),
    }
    for name, (model, X_fit, y_fit) in models.items():
        model.fit(X_fit, y_fit)
        save(model, f"{name}.npz")
        X_in = X_fit[:60]
        np.save(f"{name}_proba.npy", model.predict_proba(X_in))
        np.save(f"{name}_predict.npy", model.predict(X_in))


if __name__ == "__main__":
    main()
