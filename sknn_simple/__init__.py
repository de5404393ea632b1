"""sknn_simple: neural networks (multilayer perceptrons) in NumPy, for scikit-learn."""

from ._classifier import SimpleMLPClassifier
from ._regressor import SimpleMLPRegressor
from .exceptions import DivergenceError
from .io.model_files import ModelFileError, load, save

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "ModelFileError",
    "SimpleMLPClassifier",
    "SimpleMLPRegressor",
    "__version__",
    "load",
    "save",
]
