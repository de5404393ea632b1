"""Model files: arrays and JSON metadata in a NumPy ``.npz`` archive, and nothing that executes.

A file holds one fitted :class:`~sknn_simple.SimpleMLPClassifier`, alone or behind
``StandardScaler`` steps in a :class:`~sklearn.pipeline.Pipeline`. Every entry is a plain
numeric or fixed-width-text array; the metadata is UTF-8 JSON stored as bytes. Loading never
unpickles (``allow_pickle=False``); it checks the format, the version, every array's declared
type and shape *before* reading it, and then the consistency of the whole model, so a truncated,
tampered, foreign or newer-format file raises :class:`ModelFileError` and nothing else.
"""

import hashlib
import io
import json
import math
import os
import zipfile

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

FORMAT = "sknn_simple model"
FORMAT_VERSION = 1
_METADATA = "metadata"
_CHECKSUM = "metadata_sha256"
#: Largest archive member read, in bytes: far above any model this package trains in memory.
MAX_ARRAY_BYTES = 2**31


class ModelFileError(ValueError):
    """A file is not a readable sknn_simple model (the message says why)."""


# --- writing -------------------------------------------------------------------------------------


def save(model, path):
    """Write a fitted model to ``path``, a portable file of arrays and JSON metadata.

    Parameters
    ----------
    model : SimpleMLPClassifier or Pipeline
        A fitted classifier, or a fitted Pipeline of ``StandardScaler`` steps followed by one.
    path : str or path-like or file-like
        Where to write. The format is a NumPy ``.npz`` archive; no pickle is involved.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn.datasets import load_iris
    >>> from sknn_simple import SimpleMLPClassifier, save, load
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SimpleMLPClassifier(solver="lbfgs", random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.npz")
    >>> save(model, path)
    >>> (load(path).predict(X) == model.predict(X)).all()
    np.True_
    """
    from ._classifier import SimpleMLPClassifier

    scalers, net = _split_pipeline(model)
    if not isinstance(net, SimpleMLPClassifier):
        raise TypeError(
            "save() writes a SimpleMLPClassifier, or a Pipeline of StandardScaler steps ending "
            f"with one; got {type(model).__name__}. Use pickle or skops for other objects."
        )
    check_is_fitted(net)
    arrays, net_meta = _classifier_state(net)
    step_names = []
    if scalers and getattr(model, "feature_names_in_", None) is not None:
        arrays["pipeline_feature_names_in"] = np.asarray(model.feature_names_in_, dtype=str)
    for i, (name, scaler) in enumerate(scalers):
        check_is_fitted(scaler)
        step_names.append(name)
        for attr in ("mean_", "scale_", "var_"):
            value = getattr(scaler, attr)
            if value is not None:
                arrays[f"scaler{i}_{attr}"] = np.asarray(value)
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_version": _package_version(),
        "pipeline": None
        if model is net
        else {
            "steps": step_names + [model.steps[-1][0]],
            "scalers": [_scaler_params(s) for _, s in scalers],
        },
        "classifier": net_meta,
    }
    entries = {name: _npy_bytes(array) for name, array in arrays.items()}
    metadata["digests"] = {name: hashlib.sha256(raw).hexdigest() for name, raw in entries.items()}
    text = json.dumps(metadata).encode("utf-8")
    entries[_METADATA] = _npy_bytes(np.frombuffer(text, dtype=np.uint8))
    entries[_CHECKSUM] = _npy_bytes(np.frombuffer(hashlib.sha256(text).digest(), np.uint8))
    # A standard .npz archive (np.load reads it), written entry by entry.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, raw in entries.items():
            archive.writestr(f"{name}.npy", raw)


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def _split_pipeline(model):
    if isinstance(model, Pipeline):
        *front, (_, last) = model.steps
        if not all(isinstance(step, StandardScaler) for _, step in front):
            raise TypeError(
                "save() supports Pipelines of StandardScaler steps followed by a "
                "SimpleMLPClassifier; this one has "
                f"{[type(step).__name__ for _, step in model.steps]}."
            )
        return front, last
    return [], model


def _scaler_params(scaler):
    return {
        "with_mean": bool(scaler.with_mean),
        "with_std": bool(scaler.with_std),
        "n_features_in": int(scaler.n_features_in_),
        "n_samples_seen": _number(np.max(scaler.n_samples_seen_)),
    }


def _number(x):
    """A JSON-safe float: non-finite values become strings."""
    x = float(x)
    return x if math.isfinite(x) else str(x)


def _classifier_state(net):
    """Arrays and JSON metadata of a fitted classifier."""
    params = net.get_params()
    random_state = params["random_state"]
    params["random_state"] = random_state if isinstance(random_state, int) else None
    if isinstance(params["class_weight"], dict):
        params["class_weight"] = [
            [k.item() if isinstance(k, np.generic) else k, float(v)]
            for k, v in params["class_weight"].items()
        ]
    arrays = {
        "theta": net._theta,
        "classes": np.asarray(net.classes_),
        "loss_curve": np.asarray(net.loss_curve_, dtype=np.float64),
    }
    if getattr(net, "feature_names_in_", None) is not None:
        arrays["feature_names_in"] = np.asarray(net.feature_names_in_, dtype=str)
    if net._optimizer_state is not None:
        arrays["optimizer_state"] = net._optimizer_state
    if net._class_weights is not None:
        arrays["class_weights"] = net._class_weights
    if net.validation_scores_ is not None:
        arrays["validation_scores"] = np.asarray(net.validation_scores_, dtype=np.float64)
        arrays["validation_loss_curve"] = np.asarray(net.validation_loss_curve_, dtype=np.float64)
    from ._monitor import HISTORY_KEYS

    arrays["history"] = np.array(
        [[r[key] for key in HISTORY_KEYS] for r in net.history_], dtype=np.float64
    ).reshape(-1, len(HISTORY_KEYS))
    meta = {
        "params": params,
        "n_features_in": int(net.n_features_in_),
        "n_hidden": int(net._n_hidden),
        "n_outputs": int(net.n_outputs_),
        "out_activation": net.out_activation_,
        "dtype": net._theta.dtype.name,
        "n_iter": int(net.n_iter_),
        "t": int(net.t_),
        "loss": _number(net.loss_) if hasattr(net, "loss_") else None,
        "best_loss": None if net.best_loss_ is None else _number(net.best_loss_),
        "best_validation_score": None
        if net.best_validation_score_ is None
        else _number(net.best_validation_score_),
        "monitor_mode": None if net._monitor_mode is None else list(net._monitor_mode),
        "optimizer_solver": net._optimizer_solver,
        "n_updates": int(net._n_updates),
        "learning_rate": _number(net._learning_rate),
        "no_improvement_count": int(net._no_improvement_count),
        "plateau_reference": _number(net._plateau_reference),
        "training_seconds": _number(net._training_seconds),
        "history_keys": list(HISTORY_KEYS),
    }
    return arrays, meta


def _package_version():
    from . import __version__

    return __version__


# --- reading -------------------------------------------------------------------------------------


def load(path):
    """Read a model written by :func:`save`.

    Parameters
    ----------
    path : str or path-like or file-like
        The model file.

    Returns
    -------
    model : SimpleMLPClassifier or Pipeline
        The fitted model, predicting exactly as the saved one did.

    Raises
    ------
    ModelFileError
        If the file is not a complete, consistent sknn_simple model file of a format this
        version can read. No content of the file is ever executed.
    """
    where = os.fspath(path) if isinstance(path, (str, os.PathLike)) else "model file"
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ModelFileError(
            f"{where}: not a sknn_simple model file (not a valid archive: {exc})."
        ) from None
    try:
        with archive:
            return _load_archive(_Archive(archive))
    except ModelFileError as exc:
        raise ModelFileError(f"{where}: {exc}") from None
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        OverflowError,
        MemoryError,
        UnicodeError,
        AttributeError,
    ) as exc:
        raise ModelFileError(
            f"{where}: damaged model file ({type(exc).__name__}: {exc})."
        ) from None


class _Archive:
    """Reads verified arrays: digest first, then declared type and shape, then the data."""

    def __init__(self, archive):
        self.archive = archive
        self.members = {info.filename: info for info in archive.infolist()}
        self.digests = {}

    def has(self, name):
        return f"{name}.npy" in self.members

    def raw(self, name):
        """The bytes of entry ``name`` (zipfile checks their CRC-32)."""
        info = self.members.get(f"{name}.npy")
        if info is None:
            raise ModelFileError(f"the entry {name!r} is missing")
        if info.file_size > MAX_ARRAY_BYTES:
            raise ModelFileError(f"the entry {name!r} is implausibly large")
        return self.archive.read(info)

    def read(self, name, kinds, shape=None, ndim=None, raw=None):
        """Array ``name`` whose dtype kind is in ``kinds`` and whose shape is as given."""
        if raw is None:
            raw = self.raw(name)
            if hashlib.sha256(raw).hexdigest() != self.digests.get(name):
                raise ModelFileError(f"the entry {name!r} is corrupted (digest mismatch)")
        f = io.BytesIO(raw)
        version = np.lib.format.read_magic(f)
        if version not in _HEADER_READERS:
            raise ModelFileError(f"the entry {name!r} has an unknown array format {version}")
        declared_shape, _, dtype = _HEADER_READERS[version](f)
        if dtype.hasobject or dtype.kind not in kinds or dtype.names is not None:
            raise ModelFileError(f"the entry {name!r} has the unexpected type {dtype}")
        if shape is not None and tuple(declared_shape) != tuple(shape):
            raise ModelFileError(
                f"the entry {name!r} has shape {declared_shape}, expected {tuple(shape)}"
            )
        if ndim is not None and len(declared_shape) != ndim:
            raise ModelFileError(
                f"the entry {name!r} has {len(declared_shape)} dimensions, expected {ndim}"
            )
        if math.prod(declared_shape) * dtype.itemsize > len(raw):
            raise ModelFileError(f"the entry {name!r} is truncated")
        f.seek(0)
        array = np.lib.format.read_array(f, allow_pickle=False)
        if array.dtype.kind in "fc" and not np.isfinite(array).all() and name in _FINITE:
            raise ModelFileError(f"the entry {name!r} holds infinite or NaN values")
        return array


_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
#: Entries that must hold finite numbers.
_FINITE = {"theta", "optimizer_state", "class_weights"}
_FLOAT = "f"
_LABELS = "biufU"  # bool, int, unsigned, float, text: never objects


def _load_archive(archive):
    metadata = _read_metadata(archive)
    net = _load_classifier(archive, metadata["classifier"])
    pipeline = metadata.get("pipeline")
    if pipeline is None:
        return net
    names, scaler_params = _get(pipeline, "steps", list), _get(pipeline, "scalers", list)
    if len(names) != len(scaler_params) + 1 or not all(isinstance(n, str) for n in names):
        raise ModelFileError("the pipeline description is inconsistent")
    steps = [
        (name, _load_scaler(archive, i, params, net.n_features_in_))
        for i, (name, params) in enumerate(zip(names, scaler_params, strict=False))
    ]
    if steps and archive.has("pipeline_feature_names_in"):
        names_in = archive.read("pipeline_feature_names_in", "U", shape=(net.n_features_in_,))
        steps[0][1].feature_names_in_ = names_in.astype(object)
    return Pipeline([*steps, (names[-1], net)])


def _read_metadata(archive):
    if not archive.has(_METADATA) or not archive.has(_CHECKSUM):
        raise ModelFileError("not a sknn_simple model file (no metadata entry)")
    raw = archive.read(_METADATA, "u", ndim=1, raw=archive.raw(_METADATA))
    checksum = archive.read(_CHECKSUM, "u", shape=(32,), raw=archive.raw(_CHECKSUM))
    if raw.dtype != np.uint8 or checksum.dtype != np.uint8:
        raise ModelFileError("the metadata entry is not text")
    if hashlib.sha256(raw.tobytes()).digest() != checksum.tobytes():
        raise ModelFileError("the metadata is corrupted (checksum mismatch)")
    try:
        metadata = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"the metadata is not valid JSON ({exc})") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelFileError("not a sknn_simple model file (unknown format)")
    version = metadata.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ModelFileError(f"unknown format version {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"the file has format version {version}, written by sknn_simple "
            f"{metadata.get('package_version')!r}; this version reads up to {FORMAT_VERSION}. "
            "Upgrade sknn_simple to load it."
        )
    digests = metadata.get("digests")
    if not isinstance(digests, dict) or not all(isinstance(v, str) for v in digests.values()):
        raise ModelFileError("the metadata lacks the entries' digests")
    archive.digests = digests
    return metadata


def _get(mapping, key, kind):
    if not isinstance(mapping, dict) or key not in mapping:
        raise ModelFileError(f"the metadata lacks {key!r}")
    value = mapping[key]
    if kind is float:
        value = (
            float(value)
            if isinstance(value, (int, float, str)) and not isinstance(value, bool)
            else None
        )
        if value is None:
            raise ModelFileError(f"the metadata value {key!r} is not a number")
        return value
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise ModelFileError(f"the metadata value {key!r} is not of type {kind.__name__}")
    return value


def _optional(mapping, key, kind):
    return None if mapping.get(key) is None else _get(mapping, key, kind)


def _load_classifier(archive, meta):
    from sklearn.utils._param_validation import InvalidParameterError

    from ._classifier import SimpleMLPClassifier
    from ._monitor import HISTORY_KEYS
    from ._network import Layout
    from ._optimizers import N_STATE_ARRAYS

    params = dict(_get(meta, "params", dict))
    if isinstance(params.get("class_weight"), list):
        pairs = params["class_weight"]
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise ModelFileError("the class_weight parameter is malformed")
        params["class_weight"] = {k: v for k, v in pairs}
    net = SimpleMLPClassifier()
    try:
        net.set_params(**params)
        net._validate_params()
    except (ValueError, TypeError, InvalidParameterError) as exc:
        raise ModelFileError(f"the saved parameters are invalid ({exc})") from None

    d, h, k = (_get(meta, key, int) for key in ("n_features_in", "n_hidden", "n_outputs"))
    if min(d, h, k) < 1 or d * h + h * k > MAX_ARRAY_BYTES:
        raise ModelFileError("the network sizes are invalid")
    out_activation = _get(meta, "out_activation", str)
    if not (out_activation == "logistic" or out_activation == "softmax" and k >= 3):
        raise ModelFileError("the output layer description is inconsistent")
    dtype = _get(meta, "dtype", str)
    if dtype not in ("float32", "float64"):
        raise ModelFileError(f"unsupported weight type {dtype!r}")
    layout = Layout(d, h, k)
    theta = archive.read("theta", _FLOAT, shape=(layout.size,))
    if theta.dtype.name != dtype:
        raise ModelFileError("the weights' type does not match the metadata")
    n_classes = 2 if k == 1 else k
    classes = archive.read("classes", _LABELS, shape=(n_classes,))
    if len(np.unique(classes)) != n_classes:
        raise ModelFileError("the class labels are not distinct")

    net.n_features_in_, net._n_hidden, net.n_outputs_ = d, h, k
    net.out_activation_, net.n_layers_, net.classes_ = out_activation, 3, classes
    net._theta = np.ascontiguousarray(theta)
    if archive.has("feature_names_in"):
        net.feature_names_in_ = archive.read("feature_names_in", "U", shape=(d,)).astype(object)
    net._optimizer_solver = _optional(meta, "optimizer_solver", str)
    net._optimizer_state = None
    if archive.has("optimizer_state"):
        if net._optimizer_solver not in N_STATE_ARRAYS:
            raise ModelFileError("the optimizer state has no known solver")
        n_buffers = N_STATE_ARRAYS[net._optimizer_solver]
        state = archive.read("optimizer_state", _FLOAT, shape=(n_buffers, layout.size))
        if state.dtype != theta.dtype:
            raise ModelFileError("the optimizer state's type does not match the weights")
        net._optimizer_state = np.ascontiguousarray(state)
    net._class_weights = None
    if archive.has("class_weights"):
        net._class_weights = archive.read("class_weights", _FLOAT)
        expected = (k, 2) if out_activation == "logistic" and k > 1 else (n_classes,)
        if net._class_weights.shape != expected:
            raise ModelFileError("the class weights do not match the classes")

    net.n_iter_, net.t_ = _get(meta, "n_iter", int), _get(meta, "t", int)
    net._n_updates = _get(meta, "n_updates", int)
    net._no_improvement_count = _get(meta, "no_improvement_count", int)
    net._learning_rate = _get(meta, "learning_rate", float)
    net._plateau_reference = _get(meta, "plateau_reference", float)
    net._training_seconds = _get(meta, "training_seconds", float)
    if meta.get("loss") is not None:
        net.loss_ = _get(meta, "loss", float)
    net.best_loss_ = _optional(meta, "best_loss", float)
    net.best_validation_score_ = _optional(meta, "best_validation_score", float)
    mode = meta.get("monitor_mode")
    if mode is not None and (
        not isinstance(mode, list) or len(mode) != 2 or not all(isinstance(m, bool) for m in mode)
    ):
        raise ModelFileError("the monitor description is malformed")
    net._monitor_mode = None if mode is None else tuple(mode)

    net.loss_curve_ = archive.read("loss_curve", _FLOAT, ndim=1).tolist()
    net.validation_scores_ = net.validation_loss_curve_ = None
    if archive.has("validation_scores"):
        net.validation_scores_ = archive.read("validation_scores", _FLOAT, ndim=1).tolist()
        net.validation_loss_curve_ = archive.read(
            "validation_loss_curve", _FLOAT, shape=(len(net.validation_scores_),)
        ).tolist()
    if _get(meta, "history_keys", list) != list(HISTORY_KEYS):
        raise ModelFileError("the history has unknown columns")
    history = archive.read("history", _FLOAT, ndim=2)
    if history.shape[1] != len(HISTORY_KEYS):
        raise ModelFileError("the history has the wrong number of columns")
    net.history_ = [dict(zip(HISTORY_KEYS, row, strict=True)) for row in history.tolist()]
    return net


def _load_scaler(archive, i, params, n_features):
    scaler = StandardScaler(
        with_mean=_get(params, "with_mean", bool), with_std=_get(params, "with_std", bool)
    )
    if _get(params, "n_features_in", int) != n_features:
        raise ModelFileError("a scaler's number of features does not match the classifier")
    scaler.n_features_in_ = n_features
    scaler.n_samples_seen_ = int(_get(params, "n_samples_seen", float))
    for attr in ("mean_", "scale_", "var_"):
        name = f"scaler{i}_{attr}"
        value = archive.read(name, _FLOAT, shape=(n_features,)) if archive.has(name) else None
        if value is not None and not np.isfinite(value).all():
            raise ModelFileError(f"the entry {name!r} holds infinite or NaN values")
        setattr(scaler, attr, value)
    if scaler.with_mean and scaler.mean_ is None or scaler.with_std and scaler.scale_ is None:
        raise ModelFileError("a scaler's statistics are missing")
    return scaler
