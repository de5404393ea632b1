"""Model files: what a file holds and how it becomes an estimator again (``save``, ``load``).

A file holds one fitted estimator of this package, alone or behind ``StandardScaler`` steps in a
:class:`~sklearn.pipeline.Pipeline`, and either of those optionally inside a
:class:`~sklearn.compose.TransformedTargetRegressor` whose transformer is a ``StandardScaler``
(how a regressor's targets are scaled: the optional ``"target"`` entry). What is stored is
generic: the estimator's parameters (``get_params()``) and its fitted values
(``_fitted_values()``: the fitted attributes and the training state as plain values), encoded
into JSON by ``codec.py``, with every array in an entry of its own. Every entry is a plain
numeric or fixed-width-text array; the metadata is UTF-8 JSON stored as bytes.

Loading never unpickles (``allow_pickle=False``). It bounds how much it reads before reading it
(``archive.py``: the metadata within :data:`MAX_METADATA_BYTES`, all arrays together within
:func:`array_budget` of the sizes the file declares and checks consistent), checks the format,
the version, every array's digest, declared type and shape *before* reading its data, and hands
the decoded values to the estimator, which checks each one (``_restore_fitted``). So a
truncated, tampered, foreign, oversized or newer-format file raises :class:`ModelFileError` and
nothing else.

Saving runs the same checks over the entries it is about to write, so it never writes a file
that load would refuse, and it replaces the file only once the new one is whole on the disk
(``atomic.py``): a failed save leaves the previous file as it was.

Format versions: 2 (this one) stores any number of hidden layers and the whole training state;
files of version 1 (one hidden layer, written before the depth redesign) still load.
"""

import hashlib
import json
import math
import os
import zipfile

import numpy as np
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from .._version import __version__
from .archive import Archive, Entries, ModelFileError, file_length, npy_bytes, write_archive
from .codec import decode_fields, encode_fields
from .schema import (
    CHECKSUM,
    FORMAT,
    FORMAT_VERSION,
    MAX_METADATA_BYTES,
    METADATA,
    array_budget,
    curve_entries,
    declared_sizes,
    get_field,
    read_metadata,
    reserve,
    size_problem,
)

__all__ = ["ModelFileError", "array_budget", "load", "save", "size_problem"]


def _estimator_classes():
    """The estimators a model file can hold, by class name."""
    from .._classifier import MLPClassifier, SimpleMLPClassifier
    from .._regressor import MLPRegressor, SimpleMLPRegressor

    classes = (SimpleMLPClassifier, SimpleMLPRegressor, MLPClassifier, MLPRegressor)
    return {cls.__name__: cls for cls in classes}


# --- writing -------------------------------------------------------------------------------------


def save(model, path):
    """Write a fitted model to ``path``, a portable file of arrays and JSON metadata.

    The file holds the estimator's parameters and what its fit produced (weights, curves,
    history), each array as a ``.npy`` entry with its digest, and the rest as JSON. It works
    across versions of Python, NumPy and scikit-learn, and :func:`load` reads it without
    unpickling anything.

    Parameters
    ----------
    model : SimpleMLPClassifier, SimpleMLPRegressor, Pipeline or TransformedTargetRegressor
        A fitted estimator of this package, or a fitted Pipeline of ``StandardScaler`` steps
        followed by one; for a regressor, either of them may be wrapped in a fitted
        ``TransformedTargetRegressor(..., transformer=StandardScaler())``.
    path : str or path-like or file-like
        Where to write. The format is a NumPy ``.npz`` archive; no pickle is involved.

    Raises
    ------
    TypeError
        If the model, or one of its parameters, cannot be stored (the message says which).

    See Also
    --------
    load : Read the model back.

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
    target, model = _split_target_scaler(model)
    scalers, net = _split_pipeline(model)
    classes = _estimator_classes()
    if type(net).__name__ not in classes or not isinstance(net, classes[type(net).__name__]):
        raise TypeError(
            f"save() writes a {' or '.join(classes)}, or a Pipeline of StandardScaler steps "
            f"ending with one; got {type(model).__name__}. Use pickle or skops for other objects."
        )
    check_is_fitted(net)
    problem = size_problem(net._layout.sizes)
    if problem is not None:
        raise ValueError(f"save() cannot write this model: {problem}. Use pickle or skops for it.")
    arrays = {}
    estimator = {
        "class": type(net).__name__,
        "params": encode_fields(net.get_params(), "params", arrays),
        "fitted": encode_fields(net._fitted_values(), "fitted", arrays),
    }
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
        "package_version": __version__,
        "target": None if target is None else _target_params(target, arrays),
        "pipeline": None
        if model is net
        else {
            "steps": step_names + [model.steps[-1][0]],
            "scalers": [_scaler_params(s) for _, s in scalers],
        },
        "estimator": estimator,
    }
    entries = {name: npy_bytes(array) for name, array in arrays.items()}
    metadata["digests"] = {name: hashlib.sha256(raw).hexdigest() for name, raw in entries.items()}
    text = json.dumps(metadata, allow_nan=False).encode("utf-8")
    if len(text) > MAX_METADATA_BYTES:
        raise TypeError(
            f"the model's description takes {len(text)} bytes, more than a model file holds "
            f"({MAX_METADATA_BYTES}); a class_weight dict with this many classes cannot be "
            "stored: use pickle or skops."
        )
    entries[METADATA] = npy_bytes(np.frombuffer(text, dtype=np.uint8))
    entries[CHECKSUM] = npy_bytes(np.frombuffer(hashlib.sha256(text).digest(), np.uint8))
    try:  # what load will do with the file: it must give the model back
        written = Entries(entries)
        _read(written, written.length, copy=False)
    except ModelFileError as exc:
        raise ValueError(
            f"save() cannot write this model: load() would refuse the file ({exc}). "
            "Use pickle or skops for it."
        ) from None
    write_archive(path, entries)


def _split_target_scaler(wrapper):
    """``(TransformedTargetRegressor or None, the model it wraps)``."""
    if not isinstance(wrapper, TransformedTargetRegressor):
        return None, wrapper
    check_is_fitted(wrapper)
    if not isinstance(wrapper.transformer_, StandardScaler) or wrapper.func is not None:
        raise TypeError(
            "save() supports a TransformedTargetRegressor whose transformer is a "
            f"StandardScaler; this one has {type(wrapper.transformer_).__name__}."
        )
    return wrapper, wrapper.regressor_


def _target_params(wrapper, arrays):
    """The target scaler's description; its statistics go to ``arrays``."""
    scaler = wrapper.transformer_
    for attr in ("mean_", "scale_", "var_"):
        value = getattr(scaler, attr)
        if value is not None:
            arrays[f"target_scaler_{attr}"] = np.asarray(value)
    return {"scaler": _scaler_params(scaler), "training_dim": int(wrapper._training_dim)}


def _split_pipeline(model):
    if isinstance(model, Pipeline):
        *front, (_, last) = model.steps
        if not all(isinstance(step, StandardScaler) for _, step in front):
            raise TypeError(
                "save() supports Pipelines of StandardScaler steps followed by an estimator of "
                f"this package; this one has {[type(step).__name__ for _, step in model.steps]}."
            )
        return front, last
    return [], model


def _scaler_params(scaler):
    return {
        "with_mean": bool(scaler.with_mean),
        "with_std": bool(scaler.with_std),
        "n_features_in": int(scaler.n_features_in_),
        "n_samples_seen": _finite_or_text(np.max(scaler.n_samples_seen_)),
    }


def _finite_or_text(x):
    """A JSON-safe float: non-finite values become strings."""
    x = float(x)
    return x if math.isfinite(x) else str(x)


# --- reading -------------------------------------------------------------------------------------


def load(path):
    """Read a model written by :func:`save`.

    Nothing in the file is executed: its format and version, the size, digest, type and shape
    of every array are checked before its data are read, then every field of the model's
    state, so a damaged or crafted file raises :class:`ModelFileError` instead of building a
    model that would fail later.

    Parameters
    ----------
    path : str or path-like or file-like
        The model file.

    Returns
    -------
    model : SimpleMLPClassifier, SimpleMLPRegressor or Pipeline
        The fitted model, predicting exactly as the saved one did.

    Raises
    ------
    ModelFileError
        If the file is not a complete, consistent sknn_simple model file of a format this
        version can read. No content of the file is ever executed.
    FileNotFoundError
        If there is no such file.

    See Also
    --------
    save : Write a model file.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_iris
    >>> from sknn_simple import SimpleMLPClassifier, load, save
    >>> X, y = load_iris(return_X_y=True)
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.npz")
    >>> save(SimpleMLPClassifier((10,), solver="lbfgs", random_state=0).fit(X, y), path)
    >>> model = load(path)
    >>> model.predict(X[:3])
    array([0, 0, 0])
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
    with archive:
        try:
            return _read(archive, length=file_length(archive.fp))
        except ModelFileError as exc:
            raise ModelFileError(f"{where}: {exc}") from None


def _read(archive, length, copy=True):
    """The model in ``archive`` (a ZipFile, or save's Entries) of ``length`` bytes; every
    problem a ModelFileError."""
    try:
        return _load_archive(Archive(archive, length, copy=copy))
    except ModelFileError:
        raise
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
        RecursionError,
        UnicodeError,
        AttributeError,
        NotImplementedError,  # zipfile: an unknown compression method
    ) as exc:
        raise ModelFileError(f"damaged model file ({type(exc).__name__}: {exc}).") from None


def _load_archive(archive):
    model = _load_model(archive)
    if archive.unread:
        raise ModelFileError(
            f"the archive has entries no part of the model uses: {sorted(archive.unread)}"
        )
    return model


def _load_model(archive):
    metadata = read_metadata(archive)
    if metadata["format_version"] == 1:
        from .._classifier import SimpleMLPClassifier
        from .model_files_v1 import classifier_values_v1

        params, fitted = classifier_values_v1(
            archive, get_field(metadata, "classifier", dict), metadata
        )
        net = _estimator(SimpleMLPClassifier, params, fitted)
    else:
        net = _load_estimator(archive, get_field(metadata, "estimator", dict), metadata)
    model = _load_pipeline(archive, metadata, net)
    target = metadata.get("target")
    return model if target is None else _load_target_scaler(archive, target, model, net)


def _load_target_scaler(archive, target, model, net):
    """``model`` in the TransformedTargetRegressor that ``target`` describes."""
    if not isinstance(net, _estimator_classes()["SimpleMLPRegressor"]):
        raise ModelFileError("only a regressor's targets can be scaled")
    dim = get_field(target, "training_dim", int)
    if dim not in (1, 2) or (dim == 1 and net.n_outputs_ != 1):
        raise ModelFileError("the target's number of dimensions does not match the outputs")
    params = get_field(target, "scaler", dict)
    scaler = _load_scaler(archive, "target_scaler", params, net.n_outputs_, "outputs")
    wrapper = TransformedTargetRegressor(regressor=clone(model), transformer=clone(scaler))
    # the fitted attributes TransformedTargetRegressor.fit sets
    wrapper.regressor_, wrapper.transformer_, wrapper._training_dim = model, scaler, dim
    if hasattr(model, "feature_names_in_"):
        wrapper.feature_names_in_ = model.feature_names_in_
    return wrapper


def _load_pipeline(archive, metadata, net):
    """``net``, or the Pipeline of scalers and ``net`` that ``metadata`` describes."""
    pipeline = metadata.get("pipeline")
    if pipeline is None:
        return net
    names, scaler_params = get_field(pipeline, "steps", list), get_field(pipeline, "scalers", list)
    if len(names) != len(scaler_params) + 1 or not all(isinstance(n, str) for n in names):
        raise ModelFileError("the pipeline description is inconsistent")
    steps = [
        (name, _load_scaler(archive, f"scaler{i}", params, net.n_features_in_))
        for i, (name, params) in enumerate(zip(names, scaler_params, strict=False))
    ]
    if steps and archive.has("pipeline_feature_names_in"):
        names_in = archive.read("pipeline_feature_names_in", "U", shape=(net.n_features_in_,))
        steps[0][1].feature_names_in_ = names_in.astype(object)
    return Pipeline([*steps, (names[-1], net)])


def _load_estimator(archive, meta, metadata):
    if set(meta) != {"class", "params", "fitted"}:
        raise ModelFileError("the estimator's description has unknown or missing entries")
    classes = _estimator_classes()
    cls = classes.get(meta.get("class"))
    if cls is None:
        raise ModelFileError(f"unknown estimator {meta.get('class')!r}")
    fitted = get_field(meta, "fitted", dict)
    reserve(archive, metadata, declared_sizes(fitted), curve_entries(fitted))
    params = decode_fields(get_field(meta, "params", dict), archive)
    return _estimator(cls, params, decode_fields(fitted, archive))


def _estimator(cls, params, fitted):
    """An estimator of class ``cls`` with these parameters and fitted values, each checked."""
    from sklearn.utils._param_validation import InvalidParameterError

    net = cls()
    try:
        net.set_params(**params)
        net._validate_params()
    except (ValueError, TypeError, InvalidParameterError) as exc:
        raise ModelFileError(f"the saved parameters are invalid ({exc})") from None
    try:
        net._restore_fitted(fitted)
    except ValueError as exc:
        raise ModelFileError(f"the fitted model is invalid: {exc}") from None
    return net


def _load_scaler(archive, prefix, params, n_features, of="features"):
    """The StandardScaler of ``n_features`` columns whose statistics are ``{prefix}_mean_``..."""
    scaler = StandardScaler(
        with_mean=get_field(params, "with_mean", bool), with_std=get_field(params, "with_std", bool)
    )
    if get_field(params, "n_features_in", int) != n_features:
        raise ModelFileError(f"a scaler's number of {of} does not match the network")
    scaler.n_features_in_ = n_features
    scaler.n_samples_seen_ = int(get_field(params, "n_samples_seen", float))
    for attr in ("mean_", "scale_", "var_"):
        name = f"{prefix}_{attr}"
        value = archive.read(name, "f", shape=(n_features,)) if archive.has(name) else None
        if value is not None and not np.isfinite(value).all():
            raise ModelFileError(f"the entry {name!r} holds infinite or NaN values")
        setattr(scaler, attr, value)
    # StandardScaler's scale_ is positive (a constant column gets 1) and its var_ non-negative:
    # anything else would make every prediction infinite, or one constant
    if scaler.scale_ is not None and not (scaler.scale_ > 0).all():
        raise ModelFileError(f"the entry '{prefix}_scale_' holds scales <= 0: no scaler has them")
    if scaler.var_ is not None and (scaler.var_ < 0).any():
        raise ModelFileError(f"the entry '{prefix}_var_' holds negative variances")
    if scaler.with_mean and scaler.mean_ is None or scaler.with_std and scaler.scale_ is None:
        raise ModelFileError("a scaler's statistics are missing")
    return scaler
