"""Input checks of the estimator that scikit-learn's ``validate_data`` does not do.

Each raises a ``ValueError`` that names the argument at fault and says how to fix it.
"""

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import label_binarize
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_array, column_or_1d

TARGET_TYPES = ("binary", "multiclass", "multilabel-indicator")


def check_targets(y):
    """``y`` as class labels (1-D) or a multilabel indicator matrix, and its target type."""
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    target_type = type_of_target(y)
    if target_type not in TARGET_TYPES:
        raise ValueError(
            f"Unsupported target type {target_type!r}: y must hold class labels (one column) "
            "or a 0/1 multilabel indicator matrix."
        )
    return y, target_type


def encode_targets(y, classes, multilabel):
    """One-hot (multiclass), 0/1 column (binary) or indicator (multilabel) encoding of ``y``."""
    if multilabel:
        if y.shape[1] != len(classes):
            raise ValueError(
                f"y has {y.shape[1]} labels; the model was fitted with {len(classes)}."
            )
        return np.asarray(y.toarray() if sp.issparse(y) else y)
    unseen = np.setdiff1d(unique_labels(y), classes)
    if unseen.size:
        raise ValueError(
            f"y contains classes the model does not know: {unseen.tolist()}; its classes are "
            f"{classes.tolist()}. Pass every class to the first partial_fit call (classes=...), "
            "or train a new model."
        )
    return label_binarize(y, classes=classes)


def check_sample_weight(sample_weight, n_samples, dtype):
    """Validated ``sample_weight`` as a 1-D array of ``dtype``, or None."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, Real):
        sample_weight = np.full(n_samples, sample_weight)
    sample_weight = check_array(
        sample_weight, ensure_2d=False, dtype=dtype, input_name="sample_weight"
    )
    if sample_weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight has shape {sample_weight.shape}; it must have one weight per "
            f"sample, shape ({n_samples},)."
        )
    if (sample_weight < 0).any():
        raise ValueError(
            f"sample_weight has negative values (min {sample_weight.min()}); weights must be "
            "non-negative."
        )
    if not sample_weight.any():
        raise ValueError(
            "sample_weight is zero for every sample; give at least one sample a positive weight."
        )
    return sample_weight


def check_enough_classes(Y, sample_weight, multilabel):
    """A single-output classifier needs positive weight on at least two classes."""
    if multilabel:
        return
    weight = np.ones(Y.shape[0]) if sample_weight is None else sample_weight
    if Y.shape[1] == 1:
        per_class = np.array([weight @ (1 - Y[:, 0]), weight @ Y[:, 0]])
    else:
        per_class = weight @ Y
    if np.count_nonzero(per_class > 0) < 2:
        raise ValueError(
            "Only 1 class has samples with positive weight; a classifier needs samples of at "
            "least 2 classes."
        )
