"""The one error of reading a model file."""


class ModelFileError(ValueError):
    """A file is not a readable sknn_simple model (the message says why)."""
