"""ONNX export through skl2onnx (optional extra ``onnx``).

Importing this module registers converters for :class:`~sknn_simple.SimpleMLPClassifier` and
:class:`~sknn_simple.SimpleMLPRegressor` with skl2onnx, so that ``skl2onnx.to_onnx`` converts
either estimator alone and inside a Pipeline::

    import sknn_simple.onnx  # registers the converter (also: sknn_simple.onnx.register())
    from skl2onnx import to_onnx
    onx = to_onnx(pipeline, X[:1].astype("float32"), options={"zipmap": False})

The graph computes exactly the network of :func:`sknn_simple.core.network.forward`, at any
depth: for each hidden layer ``MatMul(W_l) + b_l`` and its activation's graph (``ACTIVATIONS[...]
.onnx``: one operator, or a few for gelu and silu), then
``MatMul(W_{L+1}) + b_{L+1}`` and the output head's operator (``HEADS[...].onnx_op``). For the
classifier: softmax, or sigmoids for binary (``[sigmoid(-z), sigmoid(z)]``) and multilabel
models; labels are the arg-max class (multilabel: probability above 0.5); the usual skl2onnx
classifier options apply (``zipmap``, ``nocl``, ``output_class_labels``). For the regressor:
one output ``variable`` of shape (n, n_outputs), the last layer itself (squared error: the
identity head has no operator: squared error, Huber, pinball) or its ``Exp`` (Poisson).
"""

import numpy as np

try:
    from skl2onnx import update_registered_converter
except ImportError as exc:  # the optional extra is not installed: say which one
    raise type(exc)(
        f'sknn_simple.onnx needs skl2onnx ({exc}): pip install "sknn_simple[onnx]"', name=exc.name
    ) from exc
from skl2onnx.common._apply_operation import apply_add, apply_cast, apply_concat, apply_reshape
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    guess_proto_type,
)
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes
from skl2onnx.common.utils import check_input_and_output_numbers
from skl2onnx.proto import onnx_proto
from sklearn.utils.validation import check_is_fitted

from ._classifier import MLPClassifier, SimpleMLPClassifier
from ._params import hidden_activations
from ._regressor import MLPRegressor, SimpleMLPRegressor
from .core.activations import Op, layer_activations
from .core.heads import HEADS

__all__ = ["register"]


def _multilabel(model):
    """Whether a fitted classifier predicts several labels: a sigmoid per output, more than one
    output (binary classification has one), read from its public fitted attributes."""
    return model.out_activation_ == "logistic" and model.n_outputs_ > 1


def _shape_calculator(operator):
    calculate_linear_classifier_output_shapes(operator)
    model = operator.raw_operator
    if _multilabel(model):  # labels: one 0/1 column per label
        n = operator.inputs[0].get_first_dimension()
        operator.outputs[0].set_type(Int64TensorType(shape=[n, model.n_outputs_]))


def _regressor_shape_calculator(operator):
    """One output, (n, n_outputs), of the input's float type."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    check_is_fitted(operator.raw_operator)  # not an AttributeError about n_outputs_
    tensor = operator.inputs[0].type
    kind = DoubleTensorType if isinstance(tensor, DoubleTensorType) else FloatTensorType
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].set_type(kind([n, operator.raw_operator.n_outputs_]))


def _dense(scope, container, x, W, b, dtype, out=None):
    """``x @ W + b`` as ONNX nodes, written to ``out`` if given; returns the output's name."""
    W_name, b_name = scope.get_unique_variable_name("W"), scope.get_unique_variable_name("b")
    product = scope.get_unique_variable_name("xW")
    total = scope.get_unique_variable_name("z") if out is None else out
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


#: Operators onnxruntime computes in float32 only: a float64 graph casts around them (their
#: results then carry float32's 1e-7 relative rounding).
FLOAT32_ONLY = frozenset({"Elu", "Erf", "Softplus"})


def _graph(scope, container, op, x, dtype):
    """The nodes of an activation's expression ``op`` (see ``Op``) applied to ``x``; returns
    the output's name. Numbers become scalar constants of the graph's float type."""
    inputs = []
    for arg in op.inputs:
        if isinstance(arg, Op):
            inputs.append(_graph(scope, container, arg, x, dtype))
        elif arg == "x":
            inputs.append(x)
        else:
            constant = scope.get_unique_variable_name("c")
            container.add_initializer(constant, dtype, [], [float(arg)])
            inputs.append(constant)
    single = op.type in FLOAT32_ONLY and dtype == onnx_proto.TensorProto.DOUBLE
    if single:
        inputs = [_cast(scope, container, name, onnx_proto.TensorProto.FLOAT) for name in inputs]
    out = scope.get_unique_variable_name(op.type.lower())
    container.add_node(
        op.type, inputs, out, name=scope.get_unique_operator_name(op.type), **dict(op.attributes)
    )
    return _cast(scope, container, out, dtype) if single else out


def _cast(scope, container, name, to):
    out = scope.get_unique_variable_name("cast")
    apply_cast(scope, name, out, container, to=to)
    return out


def _network(scope, operator, container, out=None):
    """The layers up to the logits ``Z_{L+1}`` (written to ``out`` if given); returns its name."""
    model = operator.raw_operator
    dtype = guess_proto_type(operator.inputs[0].type)
    if dtype != onnx_proto.TensorProto.DOUBLE:
        dtype = onnx_proto.TensorProto.FLOAT
    numpy_dtype = np.float64 if dtype == onnx_proto.TensorProto.DOUBLE else np.float32
    x = scope.get_unique_variable_name("x")
    apply_cast(scope, operator.inputs[0].full_name, x, container, to=dtype)

    layers = list(zip(model.coefs_, model.intercepts_, strict=True))
    # checked as predict checks it: one known name per hidden layer, or a clear error
    acts = layer_activations(hidden_activations(model.activation, len(layers) - 1), len(layers) - 1)
    for (W, b), act in zip(layers[:-1], acts, strict=True):  # A_l = f_l(A_{l-1} W_l + b_l)
        z = _dense(scope, container, x, W.astype(numpy_dtype), b.astype(numpy_dtype), dtype)
        x = _graph(scope, container, act.onnx, z, dtype)
    W, b = layers[-1]
    return _dense(scope, container, x, W.astype(numpy_dtype), b.astype(numpy_dtype), dtype, out)


def _regressor_converter(scope, operator, container):
    head = HEADS[operator.raw_operator.out_activation_]
    prediction = operator.outputs[0].full_name
    if head.onnx_op is None:  # the identity: the logits are the prediction
        _network(scope, operator, container, out=prediction)
        return
    container.add_node(
        head.onnx_op,
        _network(scope, operator, container),
        prediction,
        name=scope.get_unique_operator_name(head.onnx_op),
        **dict(head.onnx_attributes),
    )


def _converter(scope, operator, container):
    model = operator.raw_operator
    z = _network(scope, operator, container)
    proba = operator.outputs[1].full_name
    head = HEADS[model.out_activation_]
    if model.n_outputs_ == 1:  # binary: [sigmoid(-z), sigmoid(z)], as predict_proba
        negative = _unary(scope, container, head.onnx_op, _unary(scope, container, "Neg", z))
        apply_concat(
            scope, [negative, _unary(scope, container, head.onnx_op, z)], proba, container, axis=1
        )
    else:
        container.add_node(
            head.onnx_op,
            z,
            proba,
            name=scope.get_unique_operator_name(head.onnx_op),
            **dict(head.onnx_attributes),
        )

    label = operator.outputs[0].full_name
    if _multilabel(model):
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
    """Register this package's converters with skl2onnx.

    Importing :mod:`sknn_simple.onnx` calls it; calling it again is harmless. It registers
    both estimators under both their names (``MLPClassifier`` is ``SimpleMLPClassifier``
    under scikit-learn's name), so that ``skl2onnx.to_onnx`` converts them, alone or in a
    Pipeline.

    See Also
    --------
    skl2onnx.to_onnx : Convert a fitted model to ONNX.

    Examples
    --------
    >>> import numpy as np
    >>> from skl2onnx import to_onnx
    >>> from sknn_simple import SimpleMLPRegressor
    >>> from sknn_simple.onnx import register
    >>> register()
    >>> X = np.random.RandomState(0).rand(20, 3)
    >>> net = SimpleMLPRegressor(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0)
    >>> model = net.fit(X, X.sum(axis=1))
    >>> onx = to_onnx(model, X[:1].astype(np.float32))
    >>> [output.name for output in onx.graph.output]
    ['variable']
    """
    for classifier in (SimpleMLPClassifier, MLPClassifier):
        update_registered_converter(
            classifier,
            f"Sknn{classifier.__name__}",
            _shape_calculator,
            _converter,
            options={
                "zipmap": [True, False, "columns"],
                "nocl": [True, False],
                "output_class_labels": [False, True],
            },
        )
    for regressor in (SimpleMLPRegressor, MLPRegressor):
        update_registered_converter(
            regressor,
            f"Sknn{regressor.__name__}",
            _regressor_shape_calculator,
            _regressor_converter,
        )


register()
