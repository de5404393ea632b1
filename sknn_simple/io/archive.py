"""The archive of a model file: a NumPy ``.npz`` (a zip of ``.npy`` entries), read with every
size checked before it is trusted, and written whole or not at all.

Reading (:class:`Archive`) trusts no size a file declares until it is checked: each entry must
lie within the file's real length and be compressed at most :data:`MAX_COMPRESSION` times;
an array's header must account for exactly the entry's size; and all arrays together must fit
the budget the model's declared sizes allow (:meth:`Archive.reserve`). Only then is an entry
read, its SHA-256 digest compared, and its data turned into an array, never unpickled.

The same reader runs over the entries :func:`~sknn_simple.io.model_files.save` is about to
write (:class:`Entries`), so that save refuses what load would refuse, and
:func:`write_archive` writes them through :func:`~sknn_simple.io.atomic.replacing`.
"""

import hashlib
import io
import math
import os
import zipfile

import numpy as np

from .atomic import replacing

#: The most an entry may be compressed (this package writes them uncompressed).
MAX_COMPRESSION = 64


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


class Entries:
    """Entries about to be written (name -> ``.npy`` bytes), read as a zip file's would be.

    It offers what :class:`Archive` uses of a :class:`zipfile.ZipFile`: ``infolist``, ``open``
    and ``read``, with the sizes an uncompressed archive of these entries declares.
    """

    def __init__(self, entries):
        self.entries = {f"{name}.npy": raw for name, raw in entries.items()}
        self.length = sum(len(raw) for raw in self.entries.values())

    def infolist(self):
        infos, offset = [], 0
        for filename, raw in self.entries.items():
            info = zipfile.ZipInfo(filename)
            info.file_size = info.compress_size = len(raw)
            info.header_offset, offset = offset, offset + len(raw)
            infos.append(info)
        return infos

    def open(self, info):
        return io.BytesIO(self.entries[info.filename])

    def read(self, info):
        return self.entries[info.filename]


class Archive:
    """Reads verified arrays: sizes first, then the digest, then the data.

    Parameters
    ----------
    archive : zipfile.ZipFile or Entries
        What to read.
    length : int
        The file's real length in bytes: no entry may claim to lie beyond it.
    copy : bool, default=True
        Return arrays of their own (writable); False returns read-only views of the entries'
        bytes (save's check of its own entries, which are discarded afterwards).
    """

    def __init__(self, archive, length, copy=True):
        self.archive, self.copy = archive, copy
        self.members = {info.filename: info for info in archive.infolist()}
        for info in self.members.values():
            if info.header_offset + info.compress_size > length:
                raise ModelFileError(
                    f"the entry {info.filename!r} claims more bytes than the file has"
                )
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

    def declared(self, name, kinds="biufU", shape=None, ndim=None):
        """``(shape, dtype)`` that the array ``name``'s header declares, checked against the
        entry's size and the expected ``kinds``, ``shape`` or ``ndim``; its data is not read."""
        info = self._info(name)
        with self.archive.open(info) as f:
            declared_shape, dtype, header_size, _ = _read_header(f, name)
        _check_array(name, declared_shape, dtype, kinds, shape, ndim)
        if header_size + math.prod(declared_shape) * dtype.itemsize != info.file_size:
            raise ModelFileError(f"the entry {name!r} is not the size its header declares")
        return tuple(declared_shape), dtype

    def read(self, name, kinds="biufU", shape=None, ndim=None):
        """Array ``name`` whose dtype kind is in ``kinds`` and whose shape is as given: its
        header is checked first (:meth:`declared`) and charged to the budget, then the whole
        entry is read and its digest compared."""
        if not isinstance(self.digests.get(name), str):
            raise ModelFileError(f"the entry {name!r} has no digest")
        declared_shape, dtype = self.declared(name, kinds, shape, ndim)
        nbytes = math.prod(declared_shape) * dtype.itemsize
        if self.budget is None or nbytes > self.budget:
            raise ModelFileError(f"the entry {name!r} is larger than this model can need")
        self.budget -= nbytes
        self.unread.discard(name)
        raw = self.archive.read(self._info(name))
        if hashlib.sha256(raw).hexdigest() != self.digests[name]:
            raise ModelFileError(f"the entry {name!r} is corrupted (digest mismatch)")
        return self.array(raw, name, kinds, shape, ndim)

    def array(self, raw, name, kinds="biufU", shape=None, ndim=None):
        """The array that the ``.npy`` bytes ``raw`` of entry ``name`` hold, checked as
        :meth:`declared` checks a header."""
        f = io.BytesIO(raw)
        declared_shape, dtype, header_size, fortran_order = _read_header(f, name)
        _check_array(name, declared_shape, dtype, kinds, shape, ndim)
        count = math.prod(declared_shape)
        if count * dtype.itemsize > len(raw) - header_size:
            raise ModelFileError(f"the entry {name!r} is truncated")
        if self.copy:
            f.seek(0)
            return np.lib.format.read_array(f, allow_pickle=False)
        array = np.frombuffer(raw, dtype=dtype, count=count, offset=header_size)
        return array.reshape(declared_shape, order="F" if fortran_order else "C")


def _read_header(f, name):
    """``(shape, dtype, header size, fortran order)`` of the ``.npy`` data starting in ``f``."""
    version = np.lib.format.read_magic(f)
    if version not in _HEADER_READERS:
        raise ModelFileError(f"the entry {name!r} has an unknown array format {version}")
    declared_shape, fortran_order, dtype = _HEADER_READERS[version](f)
    return declared_shape, dtype, f.tell(), fortran_order


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


def npy_bytes(array):
    """``array`` as the bytes of a ``.npy`` file."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def file_length(f):
    """The length in bytes of the open, seekable file ``f`` (its position is kept)."""
    position = f.tell()
    try:
        return f.seek(0, os.SEEK_END)
    finally:
        f.seek(position)


def write_archive(path, entries):
    """Write ``entries`` (name -> ``.npy`` bytes) as a standard ``.npz`` archive.

    ``path`` is a path, replaced only once the whole archive is on the disk, or an open
    binary file, written as it is.
    """
    if not isinstance(path, (str, os.PathLike)):
        _write_zip(path, entries)
        return
    with replacing(path) as f:
        _write_zip(f, entries)


def _write_zip(f, entries):
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, raw in entries.items():
            archive.writestr(f"{name}.npy", raw)
