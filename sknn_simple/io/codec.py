"""Plain values as JSON: parameters and fitted values, with every array in an entry of its own.

:func:`encode` turns a value into JSON, putting each array into ``arrays`` under a name of its
own, and raises TypeError for what it cannot store; :func:`decode` is its inverse over a
:class:`~sknn_simple.io.archive.Archive`, and raises ModelFileError for any JSON it did not
write.
"""

import math
from numbers import Integral

import numpy as np

from .archive import ModelFileError

# JSON holds None, booleans, integers, finite floats, strings and lists as they are. Anything
# else is an object with one key saying what it is: {"float": "inf"}, {"tuple": [...]},
# {"object": {name: value, ...}} (a dict whose keys are all text), {"dict": [[key, value], ...]}
# (any other dict), {"numpy": "int64", "value": 3}, {"array": "entry name"},
# {"object_array": "entry name"} (an array of str held as text), {"RandomState": {...}}.


def encode(value, name, arrays):
    """``value`` as JSON; arrays go to ``arrays[entry]``. TypeError for what cannot be stored."""
    if isinstance(value, np.generic):  # first: np.str_ is a str, np.float64 a float
        if not isinstance(value, (np.bool_, np.integer, np.floating, np.str_)):
            raise TypeError(f"{name}: cannot store a NumPy {type(value).__name__}")
        return {
            "numpy": value.dtype.name if not isinstance(value, np.str_) else "str_",
            "value": encode(value.item(), name, arrays),
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
        return [encode(item, f"{name}.{i}", arrays) for i, item in enumerate(value)]
    if isinstance(value, tuple):
        return {"tuple": [encode(item, f"{name}.{i}", arrays) for i, item in enumerate(value)]}
    if isinstance(value, dict) and all(type(key) is str for key in value):
        return {"object": encode_fields(value, name, arrays)}
    if isinstance(value, dict):
        return {
            "dict": [
                [encode(key, f"{name}.key{i}", arrays), encode(item, f"{name}.{i}", arrays)]
                for i, (key, item) in enumerate(value.items())
            ]
        }
    if isinstance(value, np.random.RandomState):
        return {"RandomState": encode(value.get_state(legacy=False), name, arrays)}
    raise TypeError(
        f"{name}: cannot store a value of type {type(value).__name__} in a model file; use "
        "pickle or skops for models that hold other objects."
    )


def encode_fields(mapping, prefix, arrays):
    """A JSON object of named values (parameters, fitted attributes), each encoded."""
    return {name: encode(value, f"{prefix}.{name}", arrays) for name, value in mapping.items()}


def decode_fields(encoded, archive):
    """The named values of :func:`encode_fields`, each decoded."""
    if not isinstance(encoded, dict):
        raise ModelFileError("the estimator's description is malformed")
    return {name: decode(value, archive) for name, value in encoded.items()}


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


def decode(value, archive, depth=0):
    """The inverse of :func:`encode`, reading arrays from ``archive``; ModelFileError if bad."""
    if depth > 20:
        raise ModelFileError("the metadata is nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode(item, archive, depth + 1) for item in value]
    if not isinstance(value, dict) or len(value) not in (1, 2):
        raise ModelFileError("the metadata holds a value of unknown form")
    (tag, content), *rest = value.items()
    if tag == "float" and content in ("inf", "-inf", "nan") and not rest:
        return float(content)
    if tag == "tuple" and isinstance(content, list) and not rest:
        return tuple(decode(item, archive, depth + 1) for item in content)
    if tag == "object" and isinstance(content, dict) and not rest:
        return {key: decode(item, archive, depth + 1) for key, item in content.items()}
    if tag == "dict" and isinstance(content, list) and not rest:
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in content):
            raise ModelFileError("the metadata holds a malformed mapping")
        items = [(decode(k, archive, depth + 1), decode(v, archive, depth + 1)) for k, v in content]
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
            return np.dtype(content if content != "str_" else "U").type(decode(inner, archive))
        except (ValueError, OverflowError, TypeError):
            raise ModelFileError("the metadata holds a malformed NumPy number") from None
    if tag in ("array", "object_array") and isinstance(content, str) and not rest:
        array = archive.read(content)
        return array.astype(object) if tag == "object_array" else array
    if tag == "RandomState" and not rest:
        state = decode(content, archive, depth + 1)
        rng = np.random.RandomState()
        try:
            rng.set_state(state)
        except (ValueError, TypeError, KeyError):
            raise ModelFileError("the metadata holds a malformed random state") from None
        return rng
    raise ModelFileError(f"the metadata holds a value of unknown form ({tag!r})")
