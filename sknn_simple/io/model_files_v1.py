"""Reading model files of format version 1 (one hidden layer, before the depth redesign).

Version 1 stored a one-hidden-layer classifier field by field. Its parameter vector has the
layout of today's one-hidden-layer network (``[W1 | W2 | b1 | b2]``), so a version-1 file
becomes today's fitted values, which the estimator checks as it checks any model file
(``_restore_fitted``). Version 1 did not store the random stream: a model that continues
training after loading starts a new one from ``random_state``.
"""

from sklearn.utils import check_random_state

from ..training.history import HISTORY_KEYS
from .errors import ModelFileError as error
from .schema import CURVES, MAX_PARAMETERS, reserve
from .schema import get_field as get


def classifier_values_v1(archive, meta, metadata):
    """The parameters and fitted values of the classifier a version-1 file describes
    (``meta``, the part of its ``metadata`` that describes the classifier)."""
    d, h, k = (get(meta, key, int) for key in ("n_features_in", "n_hidden", "n_outputs"))
    if not (1 <= d < 2**31 and 1 <= h < 2**31 and 1 <= k < 2**31) or d * h + h * k > MAX_PARAMETERS:
        raise error("the network sizes are invalid")
    reserve(archive, metadata, (d, h, k), {name: name for name in CURVES if archive.has(name)})

    params = dict(get(meta, "params", dict))
    if "hidden_layer_size" not in params:
        raise error("the metadata lacks 'hidden_layer_size'")
    params["hidden_layer_sizes"] = (params.pop("hidden_layer_size"),)
    if isinstance(params.get("class_weight"), list):
        pairs = params["class_weight"]
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise error("the class_weight parameter is malformed")
        try:
            params["class_weight"] = {key: value for key, value in pairs}
        except TypeError:
            raise error("the class_weight parameter is malformed") from None
    n_classes = 2 if k == 1 else k
    optional = {}
    if archive.has("optimizer_state"):
        optional["optimizer"] = archive.read("optimizer_state", "f", ndim=2)
    validation = None, None
    if archive.has("validation_scores"):
        validation = (
            archive.read("validation_scores", "f", ndim=1),
            archive.read("validation_loss_curve", "f", ndim=1),
        )
    if get(meta, "history_keys", list) != list(HISTORY_KEYS):
        raise error("the history has unknown columns")
    mode = meta.get("monitor_mode")
    state = {
        "theta": archive.read("theta", "f", ndim=1),
        "learning_rate": get(meta, "learning_rate", float),
        "rng": check_random_state(params.get("random_state")).get_state(legacy=False),
        "dropout_rng": None,
        "order": None,
        "optimizer_solver": meta.get("optimizer_solver"),
        "optimizer": optional.get("optimizer"),
        "n_updates": get(meta, "n_updates", int),
        "t": get(meta, "t", int),
        "n_iter": get(meta, "n_iter", int),
        "loss": None if meta.get("loss") is None else get(meta, "loss", float),
        "loss_curve": archive.read("loss_curve", "f", ndim=1),
        "history": archive.read("history", "f", ndim=2),
        "seconds": get(meta, "training_seconds", float),
        "monitor_mode": mode,
        "no_improvement_count": get(meta, "no_improvement_count", int),
        "plateau_reference": get(meta, "plateau_reference", float),
        "best_loss": None if meta.get("best_loss") is None else get(meta, "best_loss", float),
        "validation_scores": validation[0],
        "validation_loss_curve": validation[1],
        "best_validation_score": None
        if meta.get("best_validation_score") is None
        else get(meta, "best_validation_score", float),
        "best_epoch": None,
    }
    if state["theta"].dtype.name != get(meta, "dtype", str):
        raise error("the weights' type does not match the metadata")
    fitted = {
        "n_features_in_": d,
        "n_outputs_": k,
        "out_activation_": get(meta, "out_activation", str),
        "classes_": archive.read("classes", "biufU", shape=(n_classes,)),
        "_class_weights": archive.read("class_weights", "f")
        if archive.has("class_weights")
        else None,
        "_layout": [d, h, k],
        "_state": state,
    }
    if archive.has("feature_names_in"):
        fitted["feature_names_in_"] = archive.read("feature_names_in", "U", shape=(d,))
    return params, fitted
