"""The input checks of ``sknn_simple/_validation.py``: encodings, class weights, sample weights,
and error messages read whole (what they say after the first words too)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.utils.class_weight import compute_class_weight

from sknn_simple._validation import (
    check_sample_weight,
    class_weight_table,
    encode_targets,
    regression_targets,
    weigh_by_class,
)


def test_balanced_binary_weights_are_scikit_learns():
    """Binary targets are encoded as one 0/1 column: their two classes are still balanced as
    compute_class_weight balances them, and each sample gets its class's weight."""
    y = np.array(["b", "a", "a", "a", "b", "a", "a"])
    classes = np.unique(y)
    Y = encode_targets(y, classes, multilabel=False)
    assert Y.shape == (7, 1)
    table = class_weight_table("balanced", classes, Y, None, False)
    expected = compute_class_weight("balanced", classes=classes, y=y)
    np.testing.assert_allclose(table, expected, rtol=1e-15)
    weights = weigh_by_class(table, Y, None, np.float64)
    np.testing.assert_allclose(weights, expected[(y == "b").astype(int)], rtol=1e-15)


def test_balanced_multilabel_weights_multiply_each_labels_balanced_weights():
    """With three labels, a sample's weight is the product over the labels of the balanced
    weight of its 0 or 1 in that label (each label balanced as compute_class_weight does)."""
    Y = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1], [0, 0, 0]])
    table = class_weight_table("balanced", np.arange(3), Y, None, True)
    assert table.shape == (3, 2)
    for label in range(3):
        expected = compute_class_weight("balanced", classes=np.array([0, 1]), y=Y[:, label])
        np.testing.assert_allclose(table[label], expected, rtol=1e-15)
    weights = weigh_by_class(table, Y, np.full(6, 2.0), np.float64)
    expected = [2.0 * np.prod([table[j, Y[i, j]] for j in range(3)]) for i in range(6)]
    np.testing.assert_allclose(weights, expected, rtol=1e-15)


def test_a_sparse_multilabel_indicator_is_encoded_as_the_dense_one():
    Y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
    for indicator in (sp.csr_matrix(Y), sp.csc_matrix(Y)):
        encoded = encode_targets(indicator, np.arange(3), multilabel=True)
        assert encoded.dtype == np.uint8
        np.testing.assert_array_equal(encoded, Y)


def test_a_scalar_sample_weight_weighs_every_sample_alike():
    for scalar in (3, 2.5, np.float32(0.5)):
        weight = check_sample_weight(scalar, 4, np.float32)
        assert weight.dtype == np.float32
        np.testing.assert_array_equal(weight, np.full(4, scalar, dtype=np.float32))


def test_the_number_error_names_the_first_value_that_is_not_a_number():
    y = np.array(["1.5", "2", "low", "high"], dtype=object)
    with pytest.raises(ValueError) as caught:
        regression_targets(y, np.float64)
    assert str(caught.value) == (
        "y must hold numbers: a regressor predicts numeric targets, and y holds 'low'. For "
        "class labels use SimpleMLPClassifier."
    )


@pytest.mark.parametrize("name", ["y", "y_val"])
def test_the_unknown_class_error_gives_the_advice_for_its_argument(name):
    classes = np.array([0, 1, 2])
    with pytest.raises(ValueError) as caught:
        encode_targets(np.array([0, 5, 1, 7, 5]), classes, False, name=name)
    advice = (
        "Pass every class to the first partial_fit call (classes=...), or train a new model."
        if name == "y"
        else "y_val may only hold classes that y has."
    )
    assert str(caught.value) == (
        f"{name} contains classes the model does not know: [5, 7]; its classes are "
        f"[0, 1, 2]. {advice}"
    )
