"""sknn_simple: neural network classifiers (multilayer perceptrons) in NumPy, for scikit-learn."""

from ._classifier import SimpleMLPClassifier
from .io.model_files import ModelFileError, load, save

__version__ = "0.1.0"

__all__ = ["ModelFileError", "SimpleMLPClassifier", "__version__", "load", "save"]
