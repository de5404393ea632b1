"""The one error of reading a model file."""


class ModelFileError(ValueError):
    """A file is not a readable sknn_simple model (the message says why).

    Raised by :func:`~sknn_simple.load` for a file that is not a complete, consistent model
    file of a format this version reads: not an archive, an entry missing, too large or not
    matching its digest, a model's state that does not add up. A subclass of ``ValueError``.

    See Also
    --------
    sknn_simple.load : Read a model file.

    Examples
    --------
    >>> import os, tempfile
    >>> from sknn_simple import ModelFileError, load
    >>> path = os.path.join(tempfile.mkdtemp(), "notes.npz")
    >>> with open(path, "w") as f:
    ...     _ = f.write("not a model")
    >>> try:
    ...     load(path)
    ... except ModelFileError as error:
    ...     print("not a sknn_simple model file" in str(error))
    True
    """
