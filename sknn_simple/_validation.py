"""Input checks of the estimator that scikit-learn's ``validate_data`` does not do.

Each raises a ``ValueError`` that names the argument at fault and says how to fix it.
"""

import math
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_array, column_or_1d

TARGET_TYPES = ("binary", "multiclass", "multilabel-indicator")


def check_targets(y, name="y"):
    """``y`` as class labels (1-D) or a multilabel indicator matrix, and its target type.

    ``name`` is the argument's name in the caller's call (``y``, ``y_val``), which every error
    message names.
    """
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    _check_label_values(y, name)
    target_type = type_of_target(y, input_name=name)
    if target_type not in TARGET_TYPES:
        try:
            check_classification_targets(y)  # scikit-learn's message for a regression target
        except ValueError as exc:
            raise ValueError(f"{name} must hold class labels: {exc}") from None
        raise ValueError(
            f"Unsupported target type {target_type!r}: {name} must hold class labels (one "
            "column) or a 0/1 multilabel indicator matrix."
        )
    return y, target_type


def _check_label_values(y, name):
    """Labels in an object array must be text, none of them None.

    scikit-learn sorts them to find the classes: None, or text mixed with numbers, would
    otherwise fail there with a comparison error; numbers in an object array with an
    'Unknown label type' that suggests a regression target.
    """
    if sp.issparse(y) or y.dtype.kind != "O":
        return
    values = y.ravel().tolist()
    if any(value is None for value in values):
        raise ValueError(
            f"{name} contains None: every sample needs a class label. Drop the rows without "
            "one (or, to learn from them too, mark them -1 and use "
            "sklearn.semi_supervised.SelfTrainingClassifier)."
        )
    text = [value for value in values if isinstance(value, str)]
    if text and len(text) < len(values):
        other = next(value for value in values if not isinstance(value, str))
        raise ValueError(
            f"{name} mixes text and other labels (e.g. {text[0]!r} and {other!r}); class "
            f"labels must be all text or all numbers: convert them, e.g. {name}.astype(str)."
        )
    if not text and values and all(isinstance(value, Real) for value in values):
        raise ValueError(
            f"Unknown label type: {name} holds numbers in an array of Python objects "
            f"(dtype=object), whose kind of labels scikit-learn cannot tell: convert it, e.g. "
            f"{name}.astype(int)."
        )


def regression_targets(y, dtype, name="y"):
    """Targets of a regressor as a float array of ``dtype``, shape (n, n_outputs).

    Any numeric ``y`` is a regression target, including one that looks like class labels
    (integers, booleans); text, NaN and infinity are refused, naming ``name``.
    """
    if sp.issparse(y):
        y = y.toarray()
    y = np.asarray(y)
    if y.dtype.kind not in "biufc":  # (check_array refuses complex numbers)
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            bad = next(v for v in y.ravel().tolist() if not _is_number(v))
            raise ValueError(
                f"{name} must hold numbers: a regressor predicts numeric targets, and {name} "
                f"holds {bad!r}. For class labels use SimpleMLPClassifier."
            ) from None
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)  # as MLPRegressor: a column vector is a 1-d target
    Y = check_array(y, ensure_2d=False, dtype=dtype, input_name=name)
    return Y[:, None] if Y.ndim == 1 else Y


def _is_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def encode_targets(y, classes, multilabel, name="y"):
    """0/1 bytes: one-hot rows (multiclass), one column (binary) or the indicator (multilabel).

    ``classes`` is sorted (as ``unique_labels`` returns it); ``name`` is the argument's name in
    the caller's call (``y``, or ``y_val``, whose classes must be those of ``y``).
    """
    if multilabel:
        if y.shape[1] != len(classes):
            raise ValueError(
                f"{name} has {y.shape[1]} labels; the model has {len(classes)}"
                + (" (those of y)." if name != "y" else ".")
            )
        return np.asarray(y.toarray() if sp.issparse(y) else y).astype(np.uint8)
    try:
        codes = np.searchsorted(classes, y).clip(max=len(classes) - 1)
        unseen = classes[codes] != y
    except TypeError:  # labels that don't compare with the classes (e.g. str and int)
        unseen = np.ones(len(y), dtype=bool)
    if unseen.any():
        advice = (
            "Pass every class to the first partial_fit call (classes=...), or train a new model."
            if name == "y"
            else f"{name} may only hold classes that y has."
        )
        raise ValueError(
            f"{name} contains classes the model does not know: "
            f"{unique_labels(y[unseen]).tolist()}; its classes are {classes.tolist()}. {advice}"
        )
    if len(classes) == 2:
        return (codes == 1).astype(np.uint8)[:, None]
    Y = np.zeros((len(y), len(classes)), dtype=np.uint8)
    Y[np.arange(len(y)), codes] = 1
    return Y


def check_sample_weight(sample_weight, n_samples, dtype, name="sample_weight"):
    """Validated ``sample_weight`` as a 1-D array of ``dtype``, or None.

    ``name`` is the argument's name in the caller's call (``sample_weight``,
    ``sample_weight_val``), which every error message starts with.
    """
    if sample_weight is None:
        return None
    if isinstance(sample_weight, Real) and not isinstance(sample_weight, bool):
        sample_weight = np.full(n_samples, sample_weight)
    try:
        sample_weight = check_array(sample_weight, ensure_2d=False, dtype=dtype, input_name=name)
    except (ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0]
        raise ValueError(
            f"{name} must hold one finite, non-negative number per sample ({reason})."
        ) from None
    if sample_weight.shape != (n_samples,):
        raise ValueError(
            f"{name} has shape {sample_weight.shape}; it must have one weight per "
            f"sample, shape ({n_samples},)."
        )
    if (sample_weight < 0).any():
        raise ValueError(
            f"{name} has negative values (min {sample_weight.min()}); weights must be non-negative."
        )
    if not sample_weight.any():
        raise ValueError(
            f"{name} is zero for every sample; give at least one sample a positive weight."
        )
    return sample_weight


def class_codes(Y):
    """The class index of each row of single-output encoded targets (one-hot, or one 0/1 column)."""
    return Y.argmax(axis=1) if Y.shape[1] > 1 else (Y[:, 0] > 0.5).astype(np.intp)


def class_totals(Y, sample_weight):
    """The total sample weight of each class of single-output encoded targets."""
    weight = np.ones(Y.shape[0]) if sample_weight is None else sample_weight.astype(np.float64)
    positives = np.einsum("i,ij->j", weight, Y)  # without a float copy of the 0/1 bytes Y
    if Y.shape[1] == 1:
        return np.array([weight.sum() - positives[0], positives[0]])
    return positives


def check_enough_classes(Y, sample_weight, multilabel):
    """A single-output classifier needs positive weight on at least two classes."""
    if multilabel:
        return
    if np.count_nonzero(class_totals(Y, sample_weight) > 0) < 2:
        raise ValueError(
            "Only 1 class has samples with positive weight; a classifier needs samples of at "
            "least 2 classes."
        )


def class_weight_table(class_weight, classes, Y, sample_weight, multilabel):
    """The weight of each class: shape (n_classes,), or (n_labels, 2) for multilabel targets.

    ``"balanced"`` gives class ``c`` the weight ``W / (n * W_c)``, where ``W_c`` is the total
    sample weight of class ``c``, ``W`` that of all samples and ``n`` the number of classes with
    positive weight (for multilabel targets, separately for the 0s and 1s of each label). With
    unit sample weights this is scikit-learn's ``compute_class_weight("balanced")``; counting
    weight rather than rows keeps a sample of weight ``k`` equivalent to ``k`` copies of it.
    """
    if multilabel:
        if not (isinstance(class_weight, str) and class_weight == "balanced"):
            raise ValueError(
                "For multilabel targets class_weight must be 'balanced' (each label's two "
                "classes balanced, the weights multiplied over labels) or None; use "
                "sample_weight for anything else."
            )
        weight = np.ones(Y.shape[0]) if sample_weight is None else sample_weight.astype(float)
        ones = np.einsum("i,ij->j", weight, Y)  # (n_labels,) weight of the 1s of each label
        per_value = np.stack([weight.sum() - ones, ones], axis=1)  # (n_labels, 2)
        return _balanced(per_value)
    if isinstance(class_weight, dict):
        unknown = set(class_weight) - set(classes.tolist())
        if unknown:
            raise ValueError(
                f"class_weight has classes that are not in the data: {sorted(unknown, key=str)}"
                f"; the classes are {classes.tolist()}."
            )
        for label, value in class_weight.items():
            if (
                isinstance(value, (bool, np.bool_))
                or not isinstance(value, Real)
                or not (math.isfinite(value) and value >= 0)
            ):
                raise ValueError(
                    f"class_weight[{label!r}] is {value!r}; class weights must be finite "
                    "numbers >= 0 (the weight of every sample of that class is multiplied "
                    "by it)."
                )
        return np.array([float(class_weight.get(c, 1.0)) for c in classes.tolist()])
    return _balanced(class_totals(Y, sample_weight)[None, :])[0]


def _balanced(totals):
    """Row-wise ``W / (n * W_c)`` over the positive entries of ``totals`` (0 elsewhere)."""
    positive = totals > 0
    n_present = positive.sum(axis=1, keepdims=True)
    grand = totals.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(positive, grand / (n_present * totals), 0.0)


def weigh_by_class(table, Y, sample_weight, dtype):
    """``sample_weight`` (or ones) times the class weight of each sample, from its encoding."""
    if table.ndim == 2:  # multilabel: product over labels of the weight of each 0/1
        labels = np.arange(Y.shape[1])
        weights = np.prod(table[labels, (Y > 0.5).astype(np.intp)], axis=1)
    else:
        weights = table[class_codes(Y)]
    weights = weights.astype(dtype)
    return weights if sample_weight is None else weights * sample_weight
