"""What a model file must hold, and how much of it a reader may read.

The format's name and version, the metadata's entries (:func:`read_metadata`, checked before
anything else is read), one typed getter for its values (:func:`get_field`), and the budget of
array bytes a model may take, derived from the sizes and epochs it declares
(:func:`array_budget`, :func:`reserve`). ``model_files.py`` and ``model_files_v1.py`` both read
through these; neither imports the other's internals.
"""

import hashlib
import json

import numpy as np

from ..training.history import HISTORY_KEYS
from .errors import ModelFileError

FORMAT = "sknn_simple model"
FORMAT_VERSION = 2
METADATA = "metadata"
CHECKSUM = "metadata_sha256"
#: Largest metadata entry: parameters, scalars and digests take a few kB; a class_weight dict
#: of 100,000 classes fits too.
MAX_METADATA_BYTES = 4 * 2**20
#: Largest network a file may describe: 2 GiB of float64 weights.
MAX_PARAMETERS = 2**28

# What the arrays of a model may take (array_budget), beyond its weights and optimizer arrays:
#: for the name of each input and the label and class weights of each output (1,024 characters)
TEXT_BYTES = 4 * 2**10
#: for each layer (hidden_layer_sizes given as an array)
LAYER_BYTES = 8
#: for each epoch: the loss curve, the history's row, the validation score and loss (float64)
EPOCH_BYTES = 8 * (1 + len(HISTORY_KEYS) + 2)
#: for the rest: the random stream's state (2.5 kB) and small parameter arrays
FIXED_BYTES = 64 * 2**10


def read_metadata(archive):
    if not archive.has(METADATA) or not archive.has(CHECKSUM):
        raise ModelFileError("not a sknn_simple model file (no metadata entry)")
    raw = archive.array(archive.raw(METADATA, limit=MAX_METADATA_BYTES), METADATA, "u", ndim=1)
    checksum = archive.array(archive.raw(CHECKSUM, limit=1024), CHECKSUM, "u", shape=(32,))
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
    expected = {f"{name}.npy" for name in (*digests, METADATA, CHECKSUM)}
    if set(archive.members) != expected:
        raise ModelFileError(
            "the archive's entries do not match its metadata (entries missing or added)"
        )
    archive.digests = digests
    archive.unread = set(digests)
    return metadata


def get_field(mapping, key, kind):
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


def array_budget(sizes, n_epochs=0, n_scalers=0):
    """Return the bytes the arrays of a model may take, from the sizes its file declares.

    :func:`load` reserves this much before reading a file's arrays, so a file that declares a
    small network cannot make it read gigabytes.

    Parameters
    ----------
    sizes : sequence of int
        The layers' sizes, inputs first and outputs last.
    n_epochs : int, default=0
        The epochs its curves record.
    n_scalers : int, default=0
        The ``StandardScaler`` steps in front of it.

    Returns
    -------
    int
        The weights and the optimizer's arrays (two more copies for Adam, float64 at most);
        :data:`TEXT_BYTES` for the name of each input (in the pipeline and the network) and
        the label and class weights of each output; the statistics of the scalers and of a
        target scaler; :data:`LAYER_BYTES` a layer; :data:`EPOCH_BYTES` an epoch; and
        :data:`FIXED_BYTES` for the random state and small arrays.

    See Also
    --------
    size_problem : Whether a network is too large for a model file at all.

    Examples
    --------
    >>> from sknn_simple.io.model_files import array_budget
    >>> array_budget([64, 100, 10]) > 3 * 8 * (64 * 100 + 100 + 100 * 10 + 10)
    True
    """
    d, k = sizes[0], sizes[-1]
    statistics = 3 * 8 * (n_scalers * d + k)  # mean_, scale_, var_ of each column
    return (
        3 * 8 * _n_parameters(sizes)
        + TEXT_BYTES * (2 * d + max(k, 2))
        + statistics
        + LAYER_BYTES * len(sizes)
        + EPOCH_BYTES * n_epochs
        + FIXED_BYTES
    )


def _n_parameters(sizes):
    """Weights and biases of a network with layers of these sizes."""
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=False))


def size_problem(sizes):
    """Say why a network with layers of these sizes cannot be in a model file, if it cannot.

    A model file holds at most :data:`MAX_PARAMETERS` weights and biases (2 GiB of float64):
    :func:`save` refuses a larger network, :func:`load` a file that declares one, and the
    command line checks the sizes before it trains.

    Parameters
    ----------
    sizes : sequence of int
        The layers' sizes, inputs first and outputs last.

    Returns
    -------
    str or None
        What is wrong, for an error message; None if a model file can hold the network.

    See Also
    --------
    array_budget : The bytes a model file's arrays may take.

    Examples
    --------
    >>> from sknn_simple.io.model_files import size_problem
    >>> size_problem([64, 100, 10]) is None
    True
    >>> size_problem([100_000, 100_000, 10])
    'a network of 10,001,100,010 parameters is more than a model file holds (268,435,456)'
    """
    n = _n_parameters(sizes)
    if n > MAX_PARAMETERS:
        return f"a network of {n:,} parameters is more than a model file holds ({MAX_PARAMETERS:,})"
    return None


def declared_sizes(fitted):
    """The layers' sizes a file declares, checked enough to compute its array budget."""
    sizes = fitted.get("_layout")
    if not (
        isinstance(sizes, list)
        and len(sizes) >= 2
        and all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n < 2**31 for n in sizes)
    ):
        raise ModelFileError("the layers' sizes are missing or invalid")
    problem = size_problem(sizes)
    if problem is not None:
        raise ModelFileError(problem)
    return sizes


#: The curves of the training state, whose lengths are the number of epochs.
CURVES = ("loss_curve", "history", "validation_scores", "validation_loss_curve")


def curve_entries(fitted):
    """The entries that hold the training state's curves, by name (those the metadata names)."""
    state = fitted.get("_state")
    values = state.get("object") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return {}
    entries = {}
    for name in CURVES:
        reference = values.get(name)
        if isinstance(reference, dict) and isinstance(reference.get("array"), str):
            entries[name] = reference["array"]
    return entries


def declared_epochs(archive, entries):
    """The epochs the curves in ``entries`` (:data:`CURVES` -> entry name) record, from their
    headers alone, checked consistent: the history has one row an epoch of the loss curve, and
    the validation curves (which restart when what is watched changes) at most as many."""
    if "loss_curve" not in entries:
        return 0
    (n_epochs,), _ = archive.declared(entries["loss_curve"], "f", ndim=1)
    if "history" in entries:
        archive.declared(entries["history"], "f", shape=(n_epochs, len(HISTORY_KEYS)))
    for name in ("validation_scores", "validation_loss_curve"):
        if name in entries:
            (n,), _ = archive.declared(entries[name], "f", ndim=1)
            if n > n_epochs:
                raise ModelFileError(
                    f"the entry {entries[name]!r} has {n} entries, more than the {n_epochs} "
                    "epochs of the loss curve"
                )
    return n_epochs


def reserve(archive, metadata, sizes, curves):
    """Allow ``archive`` to read what a model of the sizes and epochs it declares can need."""
    pipeline = metadata.get("pipeline")
    scalers = pipeline.get("scalers") if isinstance(pipeline, dict) else None
    n_scalers = len(scalers) if isinstance(scalers, list) else 0
    archive.reserve(array_budget(sizes, declared_epochs(archive, curves), n_scalers))
