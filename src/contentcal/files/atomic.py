"""Atomic file writes that never clobber: a failed run never leaves a half-written file behind.

contentcal writes only *regular files*. Before a write it looks at what is at the path:

* nothing, or a regular file: written through a temporary file and one rename;
* a symbolic link: the write goes *through* the link to its target (the link stays a link);
* a device, FIFO, socket or directory: refused with :class:`~contentcal.errors.OutputError`;
* a read-only file, or a file with more than one hard link: refused (replacing it would
  silently bypass the protection, or split the links so the others keep the old content).

A replaced file keeps its permission bits and, where the system allows, its owner and group.
With `expected`, the file must still hold exactly those bytes (what the caller read) when the
rename happens; otherwise :class:`~contentcal.errors.FileChangedError` is raised and nothing is
written, so a teammate's edit is never lost.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from contentcal.errors import FileChangedError, OutputError

__all__ = [
    "JOURNAL_NAME",
    "MISSING",
    "TEMP_SUFFIX",
    "atomic_writer",
    "check_writable",
    "finish_interrupted",
    "journal_for",
    "remove_stale_temporaries",
    "resolve_target",
    "write_all",
    "write_atomic",
    "write_if_changed",
]

TEMP_SUFFIX = ".contentcal-tmp"
"""Every temporary file contentcal creates ends in this, so leftovers can be found."""

MISSING = b"\0contentcal: no file\0"
"""Pass as `expected` to require that the file does not exist yet."""

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    # Still a link after resolving: a loop of links that leads to no file.
    (stat.S_ISLNK, "a symbolic link that leads to no file (a loop)"),
)


def resolve_target(path: str | os.PathLike[str]) -> str:
    """The file a write to `path` lands in: `path` itself, or the end of its symlink chain.

    Raises :class:`~contentcal.errors.OutputError` for a symlink loop.
    """
    target = os.fspath(path)
    if not os.path.islink(target):
        return target
    try:
        return os.path.realpath(target, strict=False)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop on older Pythons
        raise OutputError(
            f"cannot write {target}: cannot follow the symbolic link ({exc})"
        ) from None


def check_writable(path: str, shown: str | None = None) -> os.stat_result | None:
    """Refuse what contentcal must not replace; return the file's status (``None``: no file).

    `shown` is the name used in messages (the path the user gave, before symlinks).
    """
    name = shown or path
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"cannot write {name}: {exc.strerror or exc}") from None
    for test, kind in _KINDS:
        if test(status.st_mode):
            raise OutputError(
                f"cannot write {name}: it is {kind}, not a regular file; "
                "contentcal only writes regular files (name a file path instead)"
            )
    if status.st_mode & 0o222 == 0 or not os.access(path, os.W_OK):
        raise OutputError(
            f"cannot write {name}: the file is read-only; make it writable "
            "(chmod u+w) if it should be replaced"
        )
    if status.st_nlink > 1:
        raise OutputError(
            f"cannot write {name}: it has {status.st_nlink} hard links, and replacing it "
            "would leave the other names with the old content; write to a path with one link"
        )
    return status


@contextlib.contextmanager
def atomic_writer(
    path: str | os.PathLike[str],
    *,
    expected: bytes | None = None,
    temp_dir: str | os.PathLike[str] | None = None,
) -> Iterator[BinaryIO]:
    """Open a temporary file; on success it replaces `path` in one rename.

    `expected`: the bytes the caller read from `path` (or :data:`MISSING`); the file is only
    replaced if it still holds them. `temp_dir`: where the temporary file lives (same file
    system as `path`; default: beside it), e.g. outside a published site folder.

    Raises :class:`~contentcal.errors.OutputError` when `path` is not a regular file, is
    read-only, or its folder is missing or not writable, and
    :class:`~contentcal.errors.FileChangedError` when `expected` no longer matches. On any
    error the temporary file is removed and `path` is untouched.
    """
    shown = os.fspath(path)
    target = resolve_target(shown)
    status = check_writable(target, shown)
    directory = os.fspath(temp_dir) if temp_dir is not None else os.path.dirname(target) or "."
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=TEMP_SUFFIX, dir=directory
        )
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _copy_metadata(temporary, status, shown)
        if expected is not None:
            _check_unchanged(target, expected, shown)
        # The status may have changed while we wrote (someone made it a FIFO, read-only...).
        check_writable(target, shown)
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
        raise


def _copy_metadata(temporary: str, status: os.stat_result | None, shown: str) -> None:
    if status is None:
        os.chmod(temporary, 0o666 & ~_umask())  # what open() would have given a new file
        return
    os.chmod(temporary, stat.S_IMODE(status.st_mode))
    mine = os.stat(temporary)
    if (mine.st_uid, mine.st_gid) != (status.st_uid, status.st_gid):
        try:
            os.chown(temporary, status.st_uid, status.st_gid)
        except PermissionError:
            raise OutputError(
                f"cannot write {shown}: it belongs to another user or group, and a "
                "replacement would not; write it as its owner"
            ) from None


def _check_unchanged(target: str, expected: bytes, shown: str) -> None:
    try:
        with open(target, "rb") as stream:
            current: bytes | None = stream.read(len(expected) + 1)
    except FileNotFoundError:
        current = None
    if current is None and expected is MISSING:
        return
    if current != expected:
        raise FileChangedError(shown)


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    current = os.umask(0o022)
    os.umask(current)
    return current


_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}" + re.escape(TEMP_SUFFIX) + "$")
_OLD_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")


def remove_stale_temporaries(folder: str | os.PathLike[str], names: set[str] | None = None) -> int:
    """Delete temporary files an interrupted run left in `folder`; return how many.

    Only files named like contentcal's temporaries are touched. With `names`, only
    temporaries of those file names (``.all.ics.x1y2z3.tmp`` belongs to ``all.ics``) go, which
    also catches the ``.tmp`` names older versions used.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        ours = bool(_TEMPORARY.match(name))
        if names is not None:
            owner = name[1:].rsplit(".", 2)[0] if name.startswith(".") else ""
            ours = (ours or bool(_OLD_TEMPORARY.match(name))) and owner in names
        if not ours or not entry.is_file(follow_symlinks=False):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed += 1
    return removed


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | Callable[[BinaryIO], None],
    *,
    expected: bytes | None = None,
    temp_dir: str | os.PathLike[str] | None = None,
) -> None:
    """Write `data` (bytes, or a function that streams into the file) to `path` atomically.

    See :func:`atomic_writer` for `expected`, `temp_dir` and what is refused.
    """
    with atomic_writer(path, expected=expected, temp_dir=temp_dir) as stream:
        if isinstance(data, bytes):
            stream.write(data)
        else:
            data(stream)


def write_if_changed(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    temp_dir: str | os.PathLike[str] | None = None,
) -> bool:
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
    write_atomic(path, data, temp_dir=temp_dir)
    return True


# --- several files, all or nothing ---------------------------------------------------------------

JOURNAL_NAME = "pin-journal.json"


def journal_for(plan_file: str | os.PathLike[str]) -> str:
    """Where a multi-file write for a plan records its renames: ``.contentcal/`` beside it."""
    return os.path.join(os.path.dirname(os.fspath(plan_file)), ".contentcal", JOURNAL_NAME)


def write_all(
    writes: list[tuple[str, bytes, bytes | None]], *, journal: str | os.PathLike[str]
) -> None:
    """Replace several files so that either all of them change or none does.

    `writes` holds ``(path, data, expected)`` triples (`expected` as in
    :func:`atomic_writer`). Every new content is first written to a temporary file beside its
    target and every target is checked; then `journal` records the renames still to do, and
    the renames happen. A run killed after that point is completed by
    :func:`finish_interrupted` (which :func:`contentcal.load` calls), so the files never stay
    half old, half new.

    Raises :class:`~contentcal.errors.OutputError` or
    :class:`~contentcal.errors.FileChangedError`; then no file has changed.
    """
    import json  # noqa: PLC0415 - only multi-file writes need it

    journal = os.fspath(journal)
    finish_interrupted(journal)
    # Temporaries of a run killed before its journal was written are garbage: remove them.
    for shown, _, _ in writes:
        target = resolve_target(shown)
        remove_stale_temporaries(os.path.dirname(target) or ".", {os.path.basename(target)})
    pending: list[tuple[str, str]] = []  # (temporary, target)
    try:
        for shown, data, expected in writes:
            # Absolute: the journal must mean the same files whatever folder finishes it.
            target = os.path.abspath(resolve_target(shown))
            status = check_writable(target, shown)
            if expected is not None:
                _check_unchanged(target, expected, shown)
            directory = os.path.dirname(target)
            try:
                descriptor, temporary = tempfile.mkstemp(
                    prefix=f".{os.path.basename(target)}.", suffix=TEMP_SUFFIX, dir=directory
                )
            except OSError as exc:
                raise OutputError(f"cannot write {shown}: {exc.strerror}") from None
            pending.append((temporary, target))
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            _copy_metadata(temporary, status, shown)
        # Last look before the point of no return: nobody edited a file meanwhile.
        for shown, _, expected in writes:
            if expected is not None:
                _check_unchanged(resolve_target(shown), expected, shown)
        record = json.dumps({"renames": [list(pair) for pair in pending]}).encode()
        os.makedirs(os.path.dirname(journal) or ".", exist_ok=True)
        write_atomic(journal, record)
    except BaseException as exc:
        for temporary, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write: {exc.strerror or exc}") from None
        raise
    finish_interrupted(journal)


def finish_interrupted(journal: str | os.PathLike[str]) -> bool:
    """Complete the renames a killed :func:`write_all` recorded in `journal`; True if any.

    Raises :class:`~contentcal.errors.OutputError` when a rename still fails (the journal is
    kept, so the next run tries again).
    """
    import json  # noqa: PLC0415

    journal = os.fspath(journal)
    try:
        with open(journal, "rb") as stream:
            text = stream.read(1_000_000)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise OutputError(f"cannot read {journal}: {exc.strerror or exc}") from None
    try:
        renames = [(str(a), str(b)) for a, b in json.loads(text)["renames"]]
    except (ValueError, KeyError, TypeError, RecursionError):
        renames = []  # not ours to finish (written by hand, or truncated by a full disk)
    for temporary, target in renames:
        if not os.path.basename(temporary).endswith(TEMP_SUFFIX) or os.path.dirname(
            temporary
        ) != os.path.dirname(target):
            continue  # only ever move our own temporary files, which sit beside their target
        if os.path.exists(temporary):
            try:
                os.replace(temporary, target)
            except OSError as exc:
                shown = os.path.relpath(target)
                raise OutputError(
                    f"cannot write {target if shown.startswith('..') else shown}: "
                    f"{exc.strerror or exc}; the files are recorded in {journal} and the next "
                    "run completes the change"
                ) from None
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal)
    with contextlib.suppress(OSError):
        os.rmdir(os.path.dirname(journal) or ".")  # only if empty: leave no trace behind
    return True
