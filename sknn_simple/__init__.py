"""sknn_simple: a one-hidden-layer neural network classifier in NumPy, for scikit-learn."""

from ._classifier import SimpleMLPClassifier

__version__ = "0.1.0"

__all__ = ["SimpleMLPClassifier", "__version__"]
