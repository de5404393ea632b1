"""Writing a file whole or not at all: a failed write leaves the previous file as it was.

:func:`replacing` writes to a new temporary file in the target's directory, flushes it to the
disk (``fsync``) and renames it over the target (``os.replace``, atomic on POSIX and Windows).
If anything fails first (a full disk, an interruption, an error of the code writing), the
temporary file is removed and the target, if there was one, is untouched.
"""

import contextlib
import os
import secrets
import stat


@contextlib.contextmanager
def replacing(path, mode="wb", **open_args):
    """Open a temporary file that replaces ``path`` once the ``with`` block succeeds.

    ``mode`` and ``open_args`` are those of :func:`open` for writing (``"wb"``, or ``"w"`` with
    ``encoding`` and ``newline``). A symbolic link is written through, as :func:`open` would.
    The new file gets the permissions of the one it replaces, or the usual ones of a new file.
    """
    target = os.path.realpath(path)
    try:
        temporary, f = _create_beside(target, mode, open_args)
    except OSError as exc:  # no such directory, permission denied: say it of the caller's file
        exc.filename, exc.filename2 = path, None
        raise
    try:
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError) and exc.filename == temporary:
            exc.filename, exc.filename2 = path, None  # the caller's file, not the temporary
        raise
    _sync_directory(os.path.dirname(target))


def _create_beside(target, mode, open_args):
    """``(path, open file)`` of a new, hidden file in ``target``'s directory."""
    directory, name = os.path.split(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temporary, flags, 0o666)  # 0o666 less the umask, as open() gives
        except FileExistsError:  # (a name drawn twice: draw again)
            continue
        try:
            return temporary, os.fdopen(fd, mode, **open_args)
        except BaseException:
            os.close(fd)
            os.unlink(temporary)
            raise


def _sync_directory(directory):
    """Make the rename itself durable (POSIX; Windows has no handle on a directory to sync)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse to sync a directory: the rename is done anyway
        pass
    finally:
        os.close(fd)
