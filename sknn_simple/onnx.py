"""ONNX export through skl2onnx (optional extra ``onnx``).

Importing this module registers a converter for :class:`~sknn_simple.SimpleMLPClassifier` with
skl2onnx, so that ``skl2onnx.to_onnx`` converts the estimator alone and inside a Pipeline::

    import sknn_simple.onnx  # registers the converter (also: sknn_simple.onnx.register())
    from skl2onnx import to_onnx
    onx = to_onnx(pipeline, X[:1].astype("float32"), options={"zipmap": False})

The graph computes exactly the network of :func:`sknn_simple._network.forward`:
``MatMul(W1) + b1`` -> hidden activation -> ``MatMul(W2) + b2`` -> softmax, or sigmoids for
binary (``[sigmoid(-z), sigmoid(z)]``) and multilabel models; labels are the arg-max class
(multilabel: probability above 0.5). The usual skl2onnx classifier options apply (``zipmap``,
``nocl``, ``output_class_labels``).
"""

import numpy as np

try:
    from skl2onnx import update_registered_converter
except ImportError as exc:  # the optional extra is not installed: say which one
    raise type(exc)(
        f'sknn_simple.onnx needs skl2onnx ({exc}): pip install "sknn_simple[onnx]"', name=exc.name
    ) from exc
from skl2onnx.common._apply_operation import apply_add, apply_cast, apply_concat, apply_reshape
from skl2onnx.common.data_types import Int64TensorType, guess_proto_type
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes
from skl2onnx.proto import onnx_proto

from ._classifier import SimpleMLPClassifier

__all__ = ["register"]

_ACTIVATIONS = {
    "identity": "Identity",
    "relu": "Relu",
    "sigmoid": "Sigmoid",
    "logistic": "Sigmoid",
    "tanh": "Tanh",
}


def _is_multilabel(model):
    return model.out_activation_ == "logistic" and model.n_outputs_ > 1


def _shape_calculator(operator):
    calculate_linear_classifier_output_shapes(operator)
    model = operator.raw_operator
    if _is_multilabel(model):  # labels: one 0/1 column per label
        n = operator.inputs[0].get_first_dimension()
        operator.outputs[0].set_type(Int64TensorType(shape=[n, model.n_outputs_]))


def _dense(scope, container, x, W, b, dtype):
    """``x @ W + b`` as ONNX nodes; returns the output's name."""
    W_name, b_name = scope.get_unique_variable_name("W"), scope.get_unique_variable_name("b")
    product, total = scope.get_unique_variable_name("xW"), scope.get_unique_variable_name("z")
    container.add_initializer(W_name, dtype, W.shape, W.ravel().tolist())
    container.add_initializer(b_name, dtype, [1, b.shape[0]], b.tolist())
    container.add_node(
        "MatMul", [x, W_name], product, name=scope.get_unique_operator_name("MatMul")
    )
    apply_add(scope, [product, b_name], total, container, broadcast=1)
    return total


def _unary(scope, container, op_type, x):
    out = scope.get_unique_variable_name(op_type.lower())
    container.add_node(op_type, x, out, name=scope.get_unique_operator_name(op_type))
    return out


def _converter(scope, operator, container):
    model = operator.raw_operator
    dtype = guess_proto_type(operator.inputs[0].type)
    if dtype != onnx_proto.TensorProto.DOUBLE:
        dtype = onnx_proto.TensorProto.FLOAT
    numpy_dtype = np.float64 if dtype == onnx_proto.TensorProto.DOUBLE else np.float32
    (W1, W2), (b1, b2) = model.coefs_, model.intercepts_
    x = scope.get_unique_variable_name("x")
    apply_cast(scope, operator.inputs[0].full_name, x, container, to=dtype)

    z1 = _dense(scope, container, x, W1.astype(numpy_dtype), b1.astype(numpy_dtype), dtype)
    a1 = _unary(scope, container, _ACTIVATIONS[model.activation], z1)
    z2 = _dense(scope, container, a1, W2.astype(numpy_dtype), b2.astype(numpy_dtype), dtype)
    proba = operator.outputs[1].full_name
    if model.out_activation_ == "softmax":
        container.add_node(
            "Softmax", z2, proba, axis=1, name=scope.get_unique_operator_name("Softmax")
        )
    elif model.n_outputs_ == 1:  # binary: [sigmoid(-z), sigmoid(z)], as predict_proba
        negative = _unary(scope, container, "Sigmoid", _unary(scope, container, "Neg", z2))
        apply_concat(
            scope, [negative, _unary(scope, container, "Sigmoid", z2)], proba, container, axis=1
        )
    else:
        container.add_node("Sigmoid", z2, proba, name=scope.get_unique_operator_name("Sigmoid"))

    label = operator.outputs[0].full_name
    if _is_multilabel(model):
        above = scope.get_unique_variable_name("above_half")
        container.add_node(
            "Binarizer",
            proba,
            above,
            threshold=0.5,
            op_domain="ai.onnx.ml",
            name=scope.get_unique_operator_name("Binarizer"),
        )
        apply_cast(scope, above, label, container, to=onnx_proto.TensorProto.INT64)
        return
    _labels_from_argmax(scope, container, model.classes_, proba, label)


def _labels_from_argmax(scope, container, classes, proba, label):
    if np.issubdtype(classes.dtype, np.number) or classes.dtype == np.bool_:
        class_type, values = onnx_proto.TensorProto.INT64, classes.astype(np.int64)
    else:
        class_type, values = onnx_proto.TensorProto.STRING, [str(c).encode() for c in classes]
    classes_name = scope.get_unique_variable_name("classes")
    container.add_initializer(classes_name, class_type, [len(classes)], list(values))
    argmax, picked = (
        scope.get_unique_variable_name("argmax"),
        scope.get_unique_variable_name("picked"),
    )
    container.add_node(
        "ArgMax", proba, argmax, axis=1, name=scope.get_unique_operator_name("ArgMax")
    )
    container.add_node(
        "ArrayFeatureExtractor",
        [classes_name, argmax],
        picked,
        op_domain="ai.onnx.ml",
        name=scope.get_unique_operator_name("ArrayFeatureExtractor"),
    )
    apply_reshape(scope, picked, label, container, desired_shape=(-1,))


def register():
    """Register the converter with skl2onnx (done on import; calling again is harmless)."""
    update_registered_converter(
        SimpleMLPClassifier,
        "SknnSimpleMLPClassifier",
        _shape_calculator,
        _converter,
        options={
            "zipmap": [True, False, "columns"],
            "nocl": [True, False],
            "output_class_labels": [False, True],
        },
    )


register()
