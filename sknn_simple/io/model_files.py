"""Model files: arrays and JSON metadata in a NumPy ``.npz`` archive, and nothing that executes.

A file holds one fitted estimator of this package, alone or behind ``StandardScaler`` steps in a
:class:`~sklearn.pipeline.Pipeline`, and either of those optionally inside a
:class:`~sklearn.compose.TransformedTargetRegressor` whose transformer is a ``StandardScaler``
(how a regressor's targets are scaled: the optional ``"target"`` entry). What is stored is
generic: the estimator's parameters (``get_params()``) and its fitted values
(``_fitted_values()``: the fitted attributes and the training state as plain values), encoded
by :func:`_encode` into JSON, with every array in an entry of its own. Every entry is a plain
numeric or fixed-width-text array; the metadata is UTF-8 JSON stored as bytes.

Loading never unpickles (``allow_pickle=False``). It bounds how much it reads before reading it
(the metadata, and all arrays together, by what a model of the declared size can need), checks
the format, the version, every array's digest, declared type and shape *before* reading its
data, and hands the decoded values to the estimator, which checks each one
(``_restore_fitted``). So a truncated, tampered, foreign, oversized or newer-format file raises
:class:`ModelFileError` and nothing else.

Format versions: 2 (this one) stores any number of hidden layers and the whole training state;
files of version 1 (one hidden layer, written before the depth redesign) still load.
"""

import hashlib
import io
import json
import math
import os
import zipfile
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

FORMAT = "sknn_simple model"
FORMAT_VERSION = 2
_METADATA = "metadata"
_CHECKSUM = "metadata_sha256"
#: Largest metadata entry: parameters, scalars and digests take a few kB; a class_weight dict
#: of 100,000 classes fits too.
MAX_METADATA_BYTES = 4 * 2**20
#: Arrays beyond the parameters, the feature names and the labels: curves, random state.
ARRAY_ALLOWANCE_BYTES = 8 * 2**20


#: Largest network a file may describe: 2 GB of float64 weights.
MAX_PARAMETERS = 2**28


class ModelFileError(ValueError):
    """A file is not a readable sknn_simple model (the message says why)."""


def _estimator_classes():
    """The estimators a model file can hold, by class name."""
    from .._classifier import SimpleMLPClassifier
    from .._regressor import SimpleMLPRegressor

    return {cls.__name__: cls for cls in (SimpleMLPClassifier, SimpleMLPRegressor)}


# --- plain values <-> JSON with array entries ----------------------------------------------------
#
# JSON holds None, booleans, integers, finite floats, strings and lists as they are. Anything
# else is an object with one key saying what it is: {"float": "inf"}, {"tuple": [...]},
# {"object": {name: value, ...}} (a dict whose keys are all text), {"dict": [[key, value], ...]}
# (any other dict), {"numpy": "int64", "value": 3}, {"array": "entry name"},
# {"object_array": "entry name"} (an array of str held as text), {"RandomState": {...}}.


def _encode(value, name, arrays):
    """``value`` as JSON; arrays go to ``arrays[entry]``. TypeError for what cannot be stored."""
    if isinstance(value, np.generic):  # first: np.str_ is a str, np.float64 a float
        if not isinstance(value, (np.bool_, np.integer, np.floating, np.str_)):
            raise TypeError(f"{name}: cannot store a NumPy {type(value).__name__}")
        return {
            "numpy": value.dtype.name if not isinstance(value, np.str_) else "str_",
            "value": _encode(value.item(), name, arrays),
        }
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "O":
            if not all(isinstance(item, str) for item in value.ravel().tolist()):
                raise TypeError(f"{name}: cannot store an object array that is not all text")
            arrays[name] = value.astype(str)
            return {"object_array": name}
        if value.dtype.kind not in "biufU" or value.dtype.names is not None:
            raise TypeError(f"{name}: cannot store an array of {value.dtype}")
        arrays[name] = value
        return {"array": name}
    if isinstance(value, list):
        return [_encode(item, f"{name}.{i}", arrays) for i, item in enumerate(value)]
    if isinstance(value, tuple):
        return {"tuple": [_encode(item, f"{name}.{i}", arrays) for i, item in enumerate(value)]}
    if isinstance(value, dict) and all(type(key) is str for key in value):
        return {"object": _encode_fields(value, name, arrays)}
    if isinstance(value, dict):
        return {
            "dict": [
                [_encode(key, f"{name}.key{i}", arrays), _encode(item, f"{name}.{i}", arrays)]
                for i, (key, item) in enumerate(value.items())
            ]
        }
    if isinstance(value, np.random.RandomState):
        return {"RandomState": _encode(value.get_state(legacy=False), name, arrays)}
    raise TypeError(
        f"{name}: cannot store a value of type {type(value).__name__} in a model file; use "
        "pickle or skops for models that hold other objects."
    )


def _encode_fields(mapping, prefix, arrays):
    """A JSON object of named values (parameters, fitted attributes), each encoded."""
    return {name: _encode(value, f"{prefix}.{name}", arrays) for name, value in mapping.items()}


def _decode_fields(encoded, archive):
    if not isinstance(encoded, dict):
        raise ModelFileError("the estimator's description is malformed")
    return {name: _decode(value, archive) for name, value in encoded.items()}


_NUMPY_SCALARS = {
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "str_",
}


def _decode(value, archive, depth=0):
    """The inverse of :func:`_encode`, reading arrays from ``archive``; ModelFileError if bad."""
    if depth > 20:
        raise ModelFileError("the metadata is nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_decode(item, archive, depth + 1) for item in value]
    if not isinstance(value, dict) or len(value) not in (1, 2):
        raise ModelFileError("the metadata holds a value of unknown form")
    (tag, content), *rest = value.items()
    if tag == "float" and content in ("inf", "-inf", "nan") and not rest:
        return float(content)
    if tag == "tuple" and isinstance(content, list) and not rest:
        return tuple(_decode(item, archive, depth + 1) for item in content)
    if tag == "object" and isinstance(content, dict) and not rest:
        return {key: _decode(item, archive, depth + 1) for key, item in content.items()}
    if tag == "dict" and isinstance(content, list) and not rest:
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in content):
            raise ModelFileError("the metadata holds a malformed mapping")
        items = [
            (_decode(k, archive, depth + 1), _decode(v, archive, depth + 1)) for k, v in content
        ]
        try:
            return dict(items)
        except TypeError:
            raise ModelFileError("the metadata holds a mapping with unhashable keys") from None
    if tag == "numpy" and content in _NUMPY_SCALARS and [k for k, _ in rest] == ["value"]:
        inner = rest[0][1]
        if not isinstance(inner, (bool, int, float, str)) and not (
            isinstance(inner, dict) and "float" in inner
        ):
            raise ModelFileError("the metadata holds a malformed NumPy number")
        try:
            return np.dtype(content if content != "str_" else "U").type(_decode(inner, archive))
        except (ValueError, OverflowError, TypeError):
            raise ModelFileError("the metadata holds a malformed NumPy number") from None
    if tag in ("array", "object_array") and isinstance(content, str) and not rest:
        array = archive.read(content)
        return array.astype(object) if tag == "object_array" else array
    if tag == "RandomState" and not rest:
        state = _decode(content, archive, depth + 1)
        rng = np.random.RandomState()
        try:
            rng.set_state(state)
        except (ValueError, TypeError, KeyError):
            raise ModelFileError("the metadata holds a malformed random state") from None
        return rng
    raise ModelFileError(f"the metadata holds a value of unknown form ({tag!r})")


# --- writing -------------------------------------------------------------------------------------


def save(model, path):
    """Write a fitted model to ``path``, a portable file of arrays and JSON metadata.

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
    arrays = {}
    estimator = {
        "class": type(net).__name__,
        "params": _encode_fields(net.get_params(), "params", arrays),
        "fitted": _encode_fields(net._fitted_values(), "fitted", arrays),
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
        "package_version": _package_version(),
        "target": None if target is None else _target_params(target, arrays),
        "pipeline": None
        if model is net
        else {
            "steps": step_names + [model.steps[-1][0]],
            "scalers": [_scaler_params(s) for _, s in scalers],
        },
        "estimator": estimator,
    }
    entries = {name: _npy_bytes(array) for name, array in arrays.items()}
    metadata["digests"] = {name: hashlib.sha256(raw).hexdigest() for name, raw in entries.items()}
    text = json.dumps(metadata, allow_nan=False).encode("utf-8")
    if len(text) > MAX_METADATA_BYTES:
        raise TypeError(
            f"the model's description takes {len(text)} bytes, more than a model file holds "
            f"({MAX_METADATA_BYTES}); a class_weight dict with this many classes cannot be "
            "stored: use pickle or skops."
        )
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


def _package_version():
    from .. import __version__

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
    model : SimpleMLPClassifier, SimpleMLPRegressor or Pipeline
        The fitted model, predicting exactly as the saved one did.

    Raises
    ------
    ModelFileError
        If the file is not a complete, consistent sknn_simple model file of a format this
        version can read. No content of the file is ever executed.
    FileNotFoundError
        If there is no such file.
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
        RecursionError,
        UnicodeError,
        AttributeError,
        NotImplementedError,  # zipfile: an unknown compression method
    ) as exc:
        raise ModelFileError(
            f"{where}: damaged model file ({type(exc).__name__}: {exc})."
        ) from None


class _Archive:
    """Reads verified arrays: sizes first, then the digest, then the data.

    The sizes are those the archive and each array's header declare, checked before anything
    large is read or decompressed: the metadata within :data:`MAX_METADATA_BYTES`; each array
    only if its header's shape and type account for exactly its size in the archive, and all
    arrays together only within ``budget``, what a model of the declared layers can need
    (set by :meth:`reserve` once the metadata is read). No entry may be compressed more than
    :data:`MAX_COMPRESSION` times.
    """

    def __init__(self, archive):
        self.archive = archive
        self.members = {info.filename: info for info in archive.infolist()}
        self.digests = {}
        self.unread = set()  # entries listed in the metadata and not read yet
        self.budget = None

    def has(self, name):
        return f"{name}.npy" in self.members

    def reserve(self, budget):
        """Allow reading arrays of at most ``budget`` bytes, all together."""
        self.budget = budget

    def _info(self, name):
        info = self.members.get(f"{name}.npy")
        if info is None:
            raise ModelFileError(f"the entry {name!r} is missing")
        if info.flag_bits & 0x1:  # zipfile would ask for a password (a RuntimeError)
            raise ModelFileError(f"the entry {name!r} is encrypted")
        if info.file_size > MAX_COMPRESSION * info.compress_size + 2**16:
            raise ModelFileError(f"the entry {name!r} is compressed implausibly well")
        return info

    def raw(self, name, limit):
        """The bytes of the small entry ``name`` (zipfile checks their CRC-32)."""
        info = self._info(name)
        if info.file_size > limit:
            raise ModelFileError(f"the entry {name!r} is implausibly large")
        return self.archive.read(info)

    def read(self, name, kinds="biufU", shape=None, ndim=None, raw=None):
        """Array ``name`` whose dtype kind is in ``kinds`` and whose shape is as given.

        ``raw``: the bytes of an entry already read (the metadata); otherwise the header is
        read and checked first, then the whole entry and its digest.
        """
        if raw is None:
            if not isinstance(self.digests.get(name), str):
                raise ModelFileError(f"the entry {name!r} has no digest")
            info = self._info(name)
            with self.archive.open(info) as f:
                declared_shape, dtype, header_size = _read_header(f, name)
            _check_array(name, declared_shape, dtype, kinds, shape, ndim)
            nbytes = math.prod(declared_shape) * dtype.itemsize
            if header_size + nbytes != info.file_size:
                raise ModelFileError(f"the entry {name!r} is not the size its header declares")
            if self.budget is None or nbytes > self.budget:
                raise ModelFileError(f"the entry {name!r} is larger than this model can need")
            self.budget -= nbytes
            self.unread.discard(name)
            raw = self.archive.read(info)
            if hashlib.sha256(raw).hexdigest() != self.digests[name]:
                raise ModelFileError(f"the entry {name!r} is corrupted (digest mismatch)")
        f = io.BytesIO(raw)
        declared_shape, dtype, header_size = _read_header(f, name)
        _check_array(name, declared_shape, dtype, kinds, shape, ndim)
        if math.prod(declared_shape) * dtype.itemsize > len(raw) - header_size:
            raise ModelFileError(f"the entry {name!r} is truncated")
        f.seek(0)
        return np.lib.format.read_array(f, allow_pickle=False)


#: The most an entry may be compressed (this package writes them uncompressed).
MAX_COMPRESSION = 64


def _read_header(f, name):
    """``(shape, dtype, header size)`` of the ``.npy`` data that starts in file ``f``."""
    version = np.lib.format.read_magic(f)
    if version not in _HEADER_READERS:
        raise ModelFileError(f"the entry {name!r} has an unknown array format {version}")
    declared_shape, _, dtype = _HEADER_READERS[version](f)
    return declared_shape, dtype, f.tell()


def _check_array(name, declared_shape, dtype, kinds, shape, ndim):
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


_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


def _load_archive(archive):
    model = _load_model(archive)
    if archive.unread:
        raise ModelFileError(
            f"the archive has entries no part of the model uses: {sorted(archive.unread)}"
        )
    return model


def _load_model(archive):
    metadata = _read_metadata(archive)
    if metadata["format_version"] == 1:
        from .._classifier import SimpleMLPClassifier
        from .model_files_v1 import classifier_values_v1

        params, fitted = classifier_values_v1(archive, _get(metadata, "classifier", dict))
        net = _estimator(SimpleMLPClassifier, params, fitted)
    else:
        net = _load_estimator(archive, _get(metadata, "estimator", dict))
    model = _load_pipeline(archive, metadata, net)
    target = metadata.get("target")
    return model if target is None else _load_target_scaler(archive, target, model, net)


def _load_target_scaler(archive, target, model, net):
    """``model`` in the TransformedTargetRegressor that ``target`` describes."""
    if not isinstance(net, _estimator_classes()["SimpleMLPRegressor"]):
        raise ModelFileError("only a regressor's targets can be scaled")
    dim = _get(target, "training_dim", int)
    if dim not in (1, 2) or (dim == 1 and net.n_outputs_ != 1):
        raise ModelFileError("the target's number of dimensions does not match the outputs")
    params = _get(target, "scaler", dict)
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
    names, scaler_params = _get(pipeline, "steps", list), _get(pipeline, "scalers", list)
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


def _read_metadata(archive):
    if not archive.has(_METADATA) or not archive.has(_CHECKSUM):
        raise ModelFileError("not a sknn_simple model file (no metadata entry)")
    raw = archive.raw(_METADATA, limit=MAX_METADATA_BYTES)
    raw = archive.read(_METADATA, "u", ndim=1, raw=raw)
    checksum = archive.read(_CHECKSUM, "u", shape=(32,), raw=archive.raw(_CHECKSUM, limit=1024))
    if raw.dtype != np.uint8 or checksum.dtype != np.uint8:
        raise ModelFileError("the metadata entry is not text")
    if hashlib.sha256(raw.tobytes()).digest() != checksum.tobytes():
        raise ModelFileError("the metadata is corrupted (checksum mismatch)")
    try:
        metadata = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"the metadata is not valid JSON ({exc})") from None
    except RecursionError:
        raise ModelFileError("the metadata is nested too deeply") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelFileError("not a sknn_simple model file (unknown format)")
    version = metadata.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"unknown format version {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"the file has format version {version}, written by sknn_simple "
            f"{metadata.get('package_version')!r}; this version reads up to {FORMAT_VERSION}. "
            "Upgrade sknn_simple to load it."
        )
    known = {"format", "format_version", "package_version", "pipeline", "digests"}
    known.add("classifier" if version == 1 else "estimator")
    optional = {"target"} if version == 2 else set()  # (a regressor's target scaler)
    if not known <= set(metadata) <= known | optional:
        raise ModelFileError(
            f"the metadata has the entries {sorted(metadata)}; format {version} has {sorted(known)}"
            + (f" and optionally {sorted(optional)}" if optional else "")
        )
    digests = metadata.get("digests")
    if not isinstance(digests, dict) or not all(isinstance(v, str) for v in digests.values()):
        raise ModelFileError("the metadata lacks the entries' digests")
    expected = {f"{name}.npy" for name in (*digests, _METADATA, _CHECKSUM)}
    if set(archive.members) != expected:
        raise ModelFileError(
            "the archive's entries do not match its metadata (entries missing or added)"
        )
    archive.digests = digests
    archive.unread = set(digests)
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


def array_budget(sizes, itemsize=8):
    """Bytes the arrays of a model with layers of these ``sizes`` may take, all together.

    The weights and the optimizer's arrays (two more copies for Adam); 1 kB for the name of
    each input and the label of each output; and an allowance for the curves, the history
    and the random state (about 140,000 epochs).
    """
    n_parameters = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    return 3 * n_parameters * itemsize + 1024 * (sizes[0] + sizes[-1]) + ARRAY_ALLOWANCE_BYTES


def _declared_sizes(fitted):
    """The layers' sizes a file declares, checked enough to compute its array budget."""
    sizes = fitted.get("_layout")
    if not (
        isinstance(sizes, list)
        and 2 <= len(sizes) <= 1000
        and all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n < 2**31 for n in sizes)
    ):
        raise ModelFileError("the layers' sizes are missing or invalid")
    if sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=False)) > MAX_PARAMETERS:
        raise ModelFileError("the network is implausibly large")
    return sizes


def _load_estimator(archive, meta):
    if set(meta) != {"class", "params", "fitted"}:
        raise ModelFileError("the estimator's description has unknown or missing entries")
    classes = _estimator_classes()
    cls = classes.get(meta.get("class"))
    if cls is None:
        raise ModelFileError(f"unknown estimator {meta.get('class')!r}")
    fitted = _get(meta, "fitted", dict)
    archive.reserve(array_budget(_declared_sizes(fitted)))
    params = _decode_fields(_get(meta, "params", dict), archive)
    return _estimator(cls, params, _decode_fields(fitted, archive))


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
        with_mean=_get(params, "with_mean", bool), with_std=_get(params, "with_std", bool)
    )
    if _get(params, "n_features_in", int) != n_features:
        raise ModelFileError(f"a scaler's number of {of} does not match the network")
    scaler.n_features_in_ = n_features
    scaler.n_samples_seen_ = int(_get(params, "n_samples_seen", float))
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
