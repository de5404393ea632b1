"""sknn_simple: neural networks (multilayer perceptrons) in NumPy, for scikit-learn.

The public names are imported from their modules on first use (PEP 562), so ``import
sknn_simple`` and the command line's ``--help`` do not pay for importing scikit-learn.
"""

import importlib

from ._version import __version__ as __version__  # (re-exported)

#: Each public name, and the module that defines it.
_PUBLIC = {
    "SimpleMLPClassifier": "._classifier",
    "MLPClassifier": "._classifier",
    "SimpleMLPRegressor": "._regressor",
    "MLPRegressor": "._regressor",
    "DivergenceError": ".exceptions",
    "HiddenFeatures": "._features",
    "TrainingCurveDisplay": "._display",
    "ModelFileError": ".io.model_files",
    "load": ".io.model_files",
    "save": ".io.model_files",
}

__all__ = sorted([*_PUBLIC, "__version__"])


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value


def __dir__():
    return sorted({*globals(), *_PUBLIC})
