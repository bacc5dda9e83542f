"""Atomic file writes: a failed run never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from contentcal.errors import OutputError

__all__ = ["atomic_writer", "write_atomic", "write_if_changed"]


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a temporary file beside `path`; on success it replaces `path` in one rename.

    An existing file keeps its permission bits. Raises
    :class:`~contentcal.errors.OutputError` when the directory is missing or not writable;
    on any error the temporary file is removed and `path` is untouched.
    """
    target = os.fspath(path)
    directory = os.path.dirname(target) or "."
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory
        )
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()  # what open() would have given a new file
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: str | os.PathLike[str], data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write `data` (bytes, or a function that streams into the file) to `path` atomically."""
    with atomic_writer(path) as stream:
        if isinstance(data, bytes):
            stream.write(data)
        else:
            data(stream)


def write_if_changed(path: str | os.PathLike[str], data: bytes) -> bool:
    """Write `data` to `path` atomically unless the file already holds exactly these bytes.

    Returns whether it wrote. An unchanged file keeps its modification time, so a static
    host, rsync or a browser cache sees that nothing changed. Raises
    :class:`~contentcal.errors.OutputError` like :func:`write_atomic`.
    """
    try:
        with open(path, "rb") as existing:
            if existing.read(len(data) + 1) == data:
                return False
    except OSError:
        pass  # missing or unreadable: write it (an unwritable place fails below, clearly)
    write_atomic(path, data)
    return True
