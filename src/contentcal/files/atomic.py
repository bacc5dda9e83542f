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

Temporary files are named ``.<target name>.<pid>-<random>.contentcal-tmp`` and locked
(``flock``) by their writer for as long as it writes. A run killed between writing and the
rename leaves one behind; the next write of the same target removes it
(:func:`remove_stale_temporaries`), but only once it is sure no live process still writes it:
the lock is free (a killed process holds no lock) *and* either the pid in its name is no
longer running, or the file has not changed for :data:`STALE_AFTER` seconds (a reused pid,
a writer on another machine, or a name from an older version without a pid).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO, NamedTuple

from contentcal.errors import FileChangedError, OutputError
from contentcal.files.regular import NotRegularError, TooLargeError, read_regular

if sys.platform != "win32":  # elsewhere the pid and the age decide alone
    import fcntl

__all__ = [
    "JOURNAL_NAME",
    "MISSING",
    "STALE_AFTER",
    "TEMP_SUFFIX",
    "Staged",
    "atomic_writer",
    "check_writable",
    "commit_staged",
    "discard_staged",
    "finish_interrupted",
    "holds",
    "journal_for",
    "remove_stale_temporaries",
    "remove_stale_temporaries_of",
    "resolve_target",
    "stage_atomic",
    "write_all",
    "write_atomic",
    "write_if_changed",
]

TEMP_SUFFIX = ".contentcal-tmp"
"""Every temporary file contentcal creates ends in this, so leftovers can be found."""

STALE_AFTER = 600.0
"""Seconds without a change after which an unlocked temporary whose writer cannot be told
dead (its pid is running again, or unknown) counts as left behind."""

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
    sweep: bool = True,
) -> Iterator[BinaryIO]:
    """Open a temporary file; on success it replaces `path` in one rename.

    `expected`: the bytes the caller read from `path` (or :data:`MISSING`); the file is only
    replaced if it still holds them. `temp_dir`: where the temporary file lives (same file
    system as `path`; default: beside it), e.g. outside a published site folder. `sweep`:
    first remove what killed runs left of this target's temporaries there (a caller writing
    many files into one folder sweeps it once itself and passes False).

    Raises :class:`~contentcal.errors.OutputError` when `path` is not a regular file, is
    read-only, or its folder is missing or not writable, and
    :class:`~contentcal.errors.FileChangedError` when `expected` no longer matches. On any
    error the temporary file is removed and `path` is untouched.
    """
    shown = os.fspath(path)
    target = resolve_target(shown)
    status = check_writable(target, shown)
    directory = os.fspath(temp_dir) if temp_dir is not None else os.path.dirname(target) or "."
    if sweep:
        remove_stale_temporaries(directory, {os.path.basename(target)})
    descriptor, temporary = _make_temporary(target, directory, shown)
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
    finally:
        _release(temporary)


# Temporaries this process is writing right now. Their flock already keeps other processes
# off; this set covers the instant between creating a file and locking it, and a temporary
# left by an earlier process that had the same pid (a container's pid 1, say).
_WRITING: set[str] = set()
_WRITING_LOCK = threading.Lock()


def _make_temporary(target: str, directory: str, shown: str) -> tuple[int, str]:
    """Create, lock and register a temporary file for `target` in `directory`."""
    with _WRITING_LOCK:
        try:
            descriptor, temporary = tempfile.mkstemp(
                prefix=f".{os.path.basename(target)}.{os.getpid()}-",
                suffix=TEMP_SUFFIX,
                dir=directory,
            )
        except OSError as exc:
            raise OutputError(f"cannot write {shown}: {exc.strerror}") from None
        _WRITING.add(os.path.abspath(temporary))
    if sys.platform != "win32":
        # Held until the descriptor closes, which a killed process does too.
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return descriptor, temporary


def _release(temporary: str) -> None:
    with _WRITING_LOCK:
        _WRITING.discard(os.path.abspath(temporary))


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
    current: bytes | None
    try:
        # Never open() for reading what may have become a FIFO meanwhile: it would block.
        current = read_regular(target, len(expected))
    except FileNotFoundError:
        current = None
    except (OSError, NotRegularError, TooLargeError):
        raise FileChangedError(shown) from None
    if current is None and expected is MISSING:
        return
    if current != expected:
        raise FileChangedError(shown)


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    current = os.umask(0o022)
    os.umask(current)
    return current


# .<owner>.<pid>-<random>.contentcal-tmp; <random> is tempfile's (letters, digits, "_").
_TEMPORARY = re.compile(
    r"^\.(?P<owner>.+)\.(?:(?P<pid>[0-9]{1,10})-)?[A-Za-z0-9_]{6,}" + re.escape(TEMP_SUFFIX) + "$"
)
# What versions before the suffix wrote: .<owner>.<random>.tmp
_OLD_TEMPORARY = re.compile(r"^\.(?P<owner>.+)\.[A-Za-z0-9_]{6,}\.tmp$")


def remove_stale_temporaries(
    folder: str | os.PathLike[str],
    names: set[str] | None = None,
    *,
    now: float | None = None,
) -> int:
    """Delete temporary files that killed runs left in `folder`; return how many.

    Only files named like contentcal's temporaries are touched, and only those no live
    process is still writing (see the module's docstring). With `names`, only temporaries
    of those file names (``.all.ics.123-x1y2z3.contentcal-tmp`` belongs to ``all.ics``) go,
    which also catches the ``.tmp`` names older versions used. `now` (seconds since the
    epoch, default the clock) is what a temporary's age is measured against.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    # Cheap first look: a folder may hold thousands of files, and almost none are ours (a
    # temporary of one of `names` starts with ".<name>."; the owner is checked below).
    # Not a startswith() over every name: with a million names and files that is 10**12.
    for entry in entries:
        if not entry.name.startswith("."):
            continue
        match = _TEMPORARY.match(entry.name)
        if match is None and names is not None:
            match = _OLD_TEMPORARY.match(entry.name)
        if match is None or (names is not None and match.group("owner") not in names):
            continue
        pid = match.groupdict().get("pid")
        if _is_stale(entry.path, int(pid) if pid else None, now):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


def remove_stale_temporaries_of(path: str | os.PathLike[str]) -> int:
    """Delete what killed runs left of `path`'s temporaries beside it; return how many.

    For a command that would write `path` but finds nothing changed: the leftovers of a
    killed run still go, as they would with the write.
    """
    try:
        target = resolve_target(path)
    except OutputError:
        return 0
    return remove_stale_temporaries(os.path.dirname(target) or ".", {os.path.basename(target)})


def _is_stale(path: str, pid: int | None, now: float | None) -> bool:
    """Whether the temporary at `path` was left by a writer that is gone (False: keep it)."""
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        descriptor = os.open(path, flags)
    except OSError:
        return False  # a link, gone already, or unreadable: not ours to judge
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return False
        if sys.platform != "win32":
            try:
                fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # its writer holds the lock: alive
            except OSError:
                pass  # a file system without locks: the pid and the age decide
            else:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
    with _WRITING_LOCK:
        if os.path.abspath(path) in _WRITING:
            return False  # this process is writing it
    if pid is not None and pid != os.getpid() and not _running(pid):
        return True
    if pid == os.getpid():
        return True  # not one of ours in flight: an earlier process's with our pid
    age = (time.time() if now is None else now) - status.st_mtime
    return age >= STALE_AFTER


def _running(pid: int) -> bool:
    """Whether a process with this id runs on this machine (False only when surely not)."""
    if pid <= 0:
        return True  # 0 and negatives name process groups, not a process: cannot tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # EPERM: it runs as another user; anything else: cannot tell
    return True


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | Callable[[BinaryIO], None],
    *,
    expected: bytes | None = None,
    temp_dir: str | os.PathLike[str] | None = None,
    sweep: bool = True,
) -> None:
    """Write `data` (bytes, or a function that streams into the file) to `path` atomically.

    See :func:`atomic_writer` for `expected`, `temp_dir`, `sweep` and what is refused.
    """
    with atomic_writer(path, expected=expected, temp_dir=temp_dir, sweep=sweep) as stream:
        if isinstance(data, bytes):
            stream.write(data)
        else:
            data(stream)


def write_if_changed(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    temp_dir: str | os.PathLike[str] | None = None,
    sweep: bool = True,
) -> bool:
    """Write `data` to `path` atomically unless the file already holds exactly these bytes.

    Returns whether it wrote. An unchanged file keeps its modification time, so a static
    host, rsync or a browser cache sees that nothing changed. Raises
    :class:`~contentcal.errors.OutputError` like :func:`write_atomic`.
    """
    if holds(path, data):
        return False
    write_atomic(path, data, temp_dir=temp_dir, sweep=sweep)
    return True


def holds(path: str | os.PathLike[str], data: bytes) -> bool:
    """Whether `path` is a regular file holding exactly `data` (False when it cannot be read)."""
    try:
        return read_regular(os.fspath(path), len(data)) == data
    except (OSError, NotRegularError, TooLargeError):
        return False  # missing, unreadable or not a file: write it (what is refused fails clearly)


# --- many files, each atomic, synced together -----------------------------------------------------


class Staged(NamedTuple):
    """A file written to its temporary, waiting for :func:`commit_staged`."""

    temporary: str
    target: str
    shown: str


def stage_atomic(
    path: str | os.PathLike[str],
    data: bytes | Callable[[BinaryIO], None],
    *,
    temp_dir: str | os.PathLike[str] | None = None,
) -> Staged:
    """The first half of :func:`write_atomic` (without sweeping): `data` goes to a temporary
    file, which is closed but neither synced nor renamed yet; :func:`commit_staged` does
    both for many files at once, :func:`discard_staged` drops them.

    Between the two the temporary is unlocked, but it is registered as being written by
    this process, its name holds this (live) pid and it is fresh, so no sweep removes it
    (see :func:`remove_stale_temporaries`). Raises like :func:`atomic_writer`.
    """
    shown = os.fspath(path)
    target = resolve_target(shown)
    status = check_writable(target, shown)
    directory = os.fspath(temp_dir) if temp_dir is not None else os.path.dirname(target) or "."
    descriptor, temporary = _make_temporary(target, directory, shown)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            if isinstance(data, bytes):
                stream.write(data)
            else:
                data(stream)
            if _syncfs() is None:
                # No syncfs to write a batch out at once (not Linux): each file is synced
                # here, while it is open for writing (Windows syncs only such a handle).
                stream.flush()
                os.fsync(stream.fileno())
        _copy_metadata(temporary, status, shown)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        _release(temporary)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
        raise
    return Staged(temporary, target, shown)


def commit_staged(staged: Sequence[Staged]) -> None:
    """Make every staged temporary durable, then rename each over its file.

    The same promise as :func:`write_atomic` for each file (its new bytes are on disk
    before the rename makes them visible), for a fraction of the cost: one ``syncfs`` of
    the file system first (Linux) writes every temporary out at once, so the ``fsync`` of
    each that follows finds nothing left to write and only reports an error a write met.
    (Elsewhere :func:`stage_atomic` synced each file before closing it.) On an error, no
    file that was not renamed yet changes and every temporary left is removed; the error
    is raised as :class:`~contentcal.errors.OutputError`.
    """
    done = 0
    try:
        if _syncfs() is not None:  # elsewhere stage_atomic synced each file already
            _sync_folders({os.path.dirname(item.temporary) or "." for item in staged})
            for item in staged:
                try:
                    _fsync_file(item.temporary)
                except OSError as exc:
                    raise OutputError(f"cannot write {item.shown}: {exc.strerror or exc}") from None
        for item in staged:
            # The status may have changed since the temporary was made (a FIFO, read-only...).
            check_writable(item.target, item.shown)
            try:
                os.replace(item.temporary, item.target)
            except OSError as exc:
                raise OutputError(f"cannot write {item.shown}: {exc.strerror or exc}") from None
            _release(item.temporary)
            done += 1
    except BaseException:
        discard_staged(staged[done:])
        raise


def discard_staged(staged: Iterable[Staged]) -> None:
    """Remove staged temporaries that will not be committed."""
    for item in staged:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(item.temporary)
        _release(item.temporary)


def _fsync_file(path: str) -> None:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """Linux's ``syncfs(fd)``: write out every dirty page of one file system and wait."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # noqa: PLC0415 - only writers of many files need it

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


def _sync_folders(folders: Iterable[str]) -> None:
    """One ``syncfs`` per file system the `folders` are on (Linux only)."""
    syncfs = _syncfs()
    if syncfs is None:
        return
    devices = set()
    for folder in sorted(folders):
        try:
            descriptor = os.open(folder, os.O_RDONLY)
        except OSError:
            continue  # each file's fsync still syncs it
        try:
            device = os.fstat(descriptor).st_dev
            if device not in devices:
                devices.add(device)
                syncfs(descriptor)  # an error shows in the fsync of the file it hit
        finally:
            os.close(descriptor)


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
            descriptor, temporary = _make_temporary(target, os.path.dirname(target), shown)
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
            _release(temporary)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write: {exc.strerror or exc}") from None
        raise
    try:
        finish_interrupted(journal)
    finally:
        for temporary, _ in pending:
            _release(temporary)


def finish_interrupted(journal: str | os.PathLike[str]) -> bool:
    """Complete the renames a killed :func:`write_all` recorded in `journal`; True if any.

    Raises :class:`~contentcal.errors.OutputError` when a rename still fails (the journal is
    kept, so the next run tries again).
    """
    import json  # noqa: PLC0415

    journal = os.fspath(journal)
    try:
        text = read_regular(journal, 1_000_000)
    except (FileNotFoundError, NotADirectoryError, NotRegularError):
        return False  # no journal; or a FIFO or device someone put there: never ours to read
    except TooLargeError:
        text = b""  # not a journal contentcal wrote: dropped below, like a garbled one
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
