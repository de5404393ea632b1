"""Small offline intersphinx inventories for the objects these docs link to.

The documentation must build without internet access (CI machines have none), so instead of
downloading the full ``objects.inv`` of NumPy, SciPy and scikit-learn, ``conf.py`` writes these
small ones, in Sphinx's inventory format, pointing at the same pages of the real sites.
"""

import os
import zlib

SKLEARN = "modules/generated/{0}.html#{0}"
NUMPY = "reference/generated/{0}.html#{0}"
SCIPY = "reference/generated/{0}.html#{0}"

OBJECTS = {
    "sklearn": (
        "https://scikit-learn.org/stable/",
        SKLEARN,
        {
            "py:class": [
                "sklearn.neural_network.MLPClassifier",
                "sklearn.neural_network.MLPRegressor",
                "sklearn.compose.TransformedTargetRegressor",
                "sklearn.base.RegressorMixin",
                "sklearn.pipeline.Pipeline",
                "sklearn.model_selection.GridSearchCV",
                "sklearn.model_selection.RandomizedSearchCV",
                "sklearn.model_selection.HalvingGridSearchCV",
                "sklearn.model_selection.StratifiedKFold",
                "sklearn.preprocessing.StandardScaler",
                "sklearn.linear_model.LogisticRegression",
                "sklearn.ensemble.HistGradientBoostingClassifier",
                "sklearn.calibration.CalibratedClassifierCV",
                "sklearn.calibration.CalibrationDisplay",
                "sklearn.base.BaseEstimator",
                "sklearn.base.ClassifierMixin",
            ],
            "py:function": [
                "sklearn.model_selection.cross_val_score",
                "sklearn.model_selection.cross_validate",
                "sklearn.model_selection.train_test_split",
                "sklearn.utils.estimator_checks.check_estimator",
                "sklearn.utils.estimator_checks.parametrize_with_checks",
                "sklearn.metrics.log_loss",
                "sklearn.base.clone",
                "sklearn.set_config",
                "sklearn.utils.class_weight.compute_class_weight",
                "sklearn.datasets.load_digits",
            ],
        },
    ),
    "numpy": (
        "https://numpy.org/doc/stable/",
        NUMPY,
        {
            "py:class": ["numpy.ndarray", "numpy.random.RandomState"],
            "py:function": ["numpy.load", "numpy.savez", "numpy.matmul", "numpy.logaddexp"],
        },
    ),
    "scipy": (
        "https://docs.scipy.org/doc/scipy/",
        SCIPY,
        {
            "py:function": [
                "scipy.optimize.minimize",
                "scipy.special.expit",
                "scipy.special.logsumexp",
            ],
            "py:class": ["scipy.sparse.csr_matrix", "scipy.sparse.csr_array"],
        },
    ),
}


#: Labels of scikit-learn's docs that inherited docstrings refer to.
SKLEARN_LABELS = {
    "accuracy_score": "modules/model_evaluation.html#accuracy-score",
    "r2_score": "modules/model_evaluation.html#r2-score",
}


def write_inventories(folder):
    """Write ``<project>.inv`` files into ``folder``; return intersphinx_mapping entries."""
    os.makedirs(folder, exist_ok=True)
    mapping = {}
    for project, (url, pattern, roles) in OBJECTS.items():
        lines = [
            f"{name} {role} 1 {pattern.format(name)} -"
            for role, names in roles.items()
            for name in names
        ]
        if project == "sklearn":
            lines += [
                f"{label} std:label -1 {uri} {label}" for label, uri in SKLEARN_LABELS.items()
            ]
        header = (
            f"# Sphinx inventory version 2\n# Project: {project}\n# Version: \n"
            "# The remainder of this file is compressed using zlib.\n"
        ).encode()
        path = os.path.join(folder, f"{project}.inv")
        with open(path, "wb") as f:
            f.write(header + zlib.compress("\n".join(lines).encode() + b"\n"))
        mapping[project] = (url, path)
    return mapping
