"""The input checks of ``sknn_simple/_validation.py``: encodings, class weights, sample weights,
and error messages read whole (what they say after the first words too)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.utils.class_weight import compute_class_weight

from sknn_simple._validation import (
    check_sample_weight,
    check_targets,
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


def test_a_column_of_targets_is_one_target_with_scikit_learns_warning():
    """A (n, 1) y is 1-d targets, with the DataConversionWarning scikit-learn gives, for
    class labels and for a regressor's targets; sparse and text-number targets are floats."""
    from sklearn.exceptions import DataConversionWarning

    labels = np.array([[0], [2], [1], [2]])
    with pytest.warns(DataConversionWarning):
        y, kind = check_targets(labels)
    assert kind == "multiclass"
    np.testing.assert_array_equal(y, [0, 2, 1, 2])
    with pytest.warns(DataConversionWarning):
        Y = regression_targets(np.array([[1.5], [2.0], [-1.0]]), np.float32)
    assert Y.shape == (3, 1) and Y.dtype == np.float32
    np.testing.assert_array_equal(Y[:, 0], [1.5, 2.0, -1.0])
    Y = regression_targets(sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 2.0]])), np.float64)
    np.testing.assert_array_equal(Y, [[1.0, 0.0], [0.0, 2.0]])
    Y = regression_targets(np.array(["1.5", "-2"], dtype=object), np.float64)
    np.testing.assert_array_equal(Y, [[1.5], [-2.0]])


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_errors_about_targets_name_the_argument():
    with pytest.raises(ValueError, match="Input y_val contains NaN"):
        check_targets(np.array([0.5, np.nan, 1.0]), "y_val")
    with pytest.raises(ValueError) as caught:
        check_targets(np.array([[0, 1, 2], [1, 2, 0]]), "y_val")
    assert str(caught.value) == (
        "Unsupported target type 'multiclass-multioutput': y_val must hold class labels (one "
        "column) or a 0/1 multilabel indicator matrix."
    )
    with pytest.raises(ValueError) as caught:
        check_targets(np.array(["a", "b", None], dtype=object), "y")
    assert str(caught.value) == (
        "y contains None: every sample needs a class label. Drop the rows without one (or, to "
        "learn from them too, mark them -1 and use "
        "sklearn.semi_supervised.SelfTrainingClassifier)."
    )
    with pytest.raises(ValueError, match=r"\(e.g. 'b' and 3\)"):
        check_targets(np.array(["b", "a", 3], dtype=object))
    with pytest.raises(ValueError, match=r"^y contains classes .* first partial_fit call"):
        encode_targets(np.array([0, 5]), np.array([0, 1]), False)  # the default name: y
    for name in ("y", "y_val"):
        with pytest.raises(ValueError) as caught:
            encode_targets(np.ones((4, 2), dtype=int), np.arange(3), True, name=name)
        end = " (those of y)." if name == "y_val" else "."
        assert str(caught.value) == f"{name} has 2 labels; the model has 3{end}"


def test_encoded_targets_are_bytes():
    for y, classes in (([0, 1, 1], [0, 1]), ([2, 0, 1], [0, 1, 2])):
        assert encode_targets(np.array(y), np.array(classes), False).dtype == np.uint8


def test_two_classes_of_small_positive_weight_are_enough():
    """Weights need not be at least 1: two classes of weight 0.25 each are two classes."""
    from sknn_simple._validation import check_enough_classes

    Y = np.array([[0], [1], [0]], dtype=np.uint8)
    check_enough_classes(Y, np.array([0.25, 0.25, 0.0]), False)  # does not raise
    with pytest.raises(ValueError) as caught:
        check_enough_classes(Y, np.array([0.0, 0.25, 0.0]), False)
    assert str(caught.value) == (
        "Only 1 class has samples with positive weight; a classifier needs samples of at "
        "least 2 classes."
    )


def test_balanced_weights_of_a_class_without_weight_are_zero_without_warnings():
    """A class (or a label's 0s or 1s) of total weight 0 gets weight 0, silently; one of small
    positive weight gets its balanced weight; sample weights count like repeated rows."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Y = np.eye(3, dtype=np.uint8)[[0, 0, 1, 2]]
        table = class_weight_table("balanced", np.arange(3), Y, np.array([1, 1, 0.5, 0]), False)
        np.testing.assert_allclose(table, [2.5 / 4, 2.5 / 1, 0.0], rtol=1e-15)
        Y = np.array([[1, 0], [1, 1], [1, 0]], dtype=np.uint8)  # label 0 never 0
        weight = np.array([2.0, 1.0, 0.5])
        table = class_weight_table("balanced", np.arange(2), Y, weight, True)
    repeated = np.repeat(Y, [4, 2, 1], axis=0)  # the weights times 2, as rows
    np.testing.assert_allclose(table[0], [0.0, 1.0], rtol=1e-15)
    expected = compute_class_weight("balanced", classes=np.array([0, 1]), y=repeated[:, 1])
    np.testing.assert_allclose(table[1], expected, rtol=1e-15)


def test_a_class_weight_dict_keeps_every_finite_weight_and_defaults_to_one():
    classes = np.array([0, 1, 2])
    Y = np.eye(3, dtype=np.uint8)[[0, 1, 2]]
    table = class_weight_table({0: 0.0, 2: 0.5}, classes, Y, None, False)
    np.testing.assert_array_equal(table, [0.0, 1.0, 0.5])
    weights = weigh_by_class(table, Y, None, np.float32)
    assert weights.dtype == np.float32
    with pytest.raises(ValueError, match=r"not in the data: \[5, 'a'\]; the classes are"):
        class_weight_table({"a": 1.0, 5: 1.0}, classes, Y, None, False)
    with pytest.raises(ValueError) as caught:
        class_weight_table({1: -1.0}, classes, Y, None, False)
    assert str(caught.value) == (
        "class_weight[1] is -1.0; class weights must be finite numbers >= 0 (the weight of "
        "every sample of that class is multiplied by it)."
    )
    with pytest.raises(ValueError) as caught:
        class_weight_table({0: 1.0}, classes, Y, None, True)
    assert str(caught.value) == (
        "For multilabel targets class_weight must be 'balanced' (each label's two classes "
        "balanced, the weights multiplied over labels) or None; use sample_weight for "
        "anything else."
    )


@pytest.mark.parametrize(
    "labels",
    [[1, 2, 3, 1], [0.5, 1.5, 0.5, 1.5], [True, False, True, False], [1, 2.5, np.int64(3), 1]],
)
def test_numbers_in_an_object_array_are_told_to_be_converted(labels):
    """Labels that are all numbers, held as Python objects, get the advice to convert them."""
    with pytest.raises(ValueError, match=r"y holds numbers in an array of Python objects"):
        check_targets(np.array(labels, dtype=object))


@pytest.mark.parametrize(
    "labels, message",
    [
        # scikit-learn >= 1.7 refuses bytes; 1.6 reads them as sequences, as it does tuples
        ([b"a", b"b", b"a", b"b"], "bytes|legacy multi-label"),
        ([(1,), (2,), (1,), (2,)], "legacy multi-label"),
    ],
)
def test_an_object_array_of_other_things_is_not_called_numbers(labels, message):
    """Labels in an object array that are neither text nor numbers (bytes, tuples) are not
    numbers: scikit-learn's own message says what they are, and the advice about numbers,
    which would mislead, is not given."""
    y = np.empty(len(labels), dtype=object)
    y[:] = labels
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn 1.6 on bytes labels
        with pytest.raises((TypeError, ValueError), match=message) as caught:
            check_targets(y)
    assert "holds numbers" not in str(caught.value)
