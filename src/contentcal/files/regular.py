"""Reading only regular files, and only so much of them.

A path in a plan may name a FIFO (opening it waits forever for a writer), a device such as
``/dev/zero`` (reading it never ends) or a huge file. :func:`read_regular` refuses all three
before reading a byte more than allowed.
"""

from __future__ import annotations

import os
import stat

__all__ = ["NotRegularError", "TooLargeError", "read_regular"]


class NotRegularError(Exception):
    """The path is not a regular file; `kind` says what it is ('a FIFO (named pipe)')."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class TooLargeError(Exception):
    """The file is larger than allowed."""


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def read_regular(file: str, most: int) -> bytes:
    """Read a regular file of at most `most` bytes; never block on a FIFO or read a device.

    Raises OSError (FileNotFoundError...), NotRegularError or TooLargeError.
    """
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = next((name for test, name in _FILE_KINDS if test(status.st_mode)), "special")
            raise NotRegularError(kind)
        if status.st_size > most:
            raise TooLargeError
        # Sized by the file, not by `most` (read(n) reserves n bytes); a file that grows
        # while we read is read on, up to the limit.
        chunks = [stream.read(status.st_size + 1)]
        size = len(chunks[0])
        while size <= most and len(chunks[-1]) > 0 and size > status.st_size:
            chunks.append(stream.read(min(1 << 20, most + 1 - size)))
            size += len(chunks[-1])
        if size > most:
            raise TooLargeError
        return b"".join(chunks)
