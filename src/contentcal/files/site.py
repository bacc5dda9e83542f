"""Writing a published folder: every file atomically, temporaries outside it, stale files gone.

A folder that ``contentcal feeds --out`` writes is usually served as it is (a web server, a
static host). So:

* temporary files live in a *staging* folder beside it (``.<name>.contentcal-staging``), where
  they are never served; when that folder cannot be made (the parent is not writable) they
  go to ``.contentcal/staging`` beside the manifest if that is on the same file system, and
  only otherwise sit (hidden) beside their file. Leftovers of a killed run are removed on
  the next run either way, never one that a live process is still writing;
* a manifest beside the plan (``.contentcal/published.json``, next to the feed state) records
  what contentcal published in each folder; a file published before that is no longer part
  of the site (the feed of a platform or owner that was removed) is deleted, one file at a
  time. Nothing the manifest does not list is ever deleted, and the published folder holds
  exactly the site (no manifest or temporary file is ever served). The manifest is state:
  callers pass it only when they save state (not for a preview with a pretend `now`).
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import stat
from collections.abc import Callable, Iterable
from typing import BinaryIO

from contentcal.errors import OutputError
from contentcal.files.atomic import (
    Staged,
    commit_staged,
    discard_staged,
    holds,
    remove_stale_temporaries,
    remove_stale_temporaries_of,
    stage_atomic,
    write_atomic,
)
from contentcal.files.regular import NotRegularError, TooLargeError, read_regular

__all__ = ["SiteWriter", "manifest_for"]

BATCH_FILES = 1000
"""Files written to their temporaries before one sync makes them durable and they are renamed."""

BATCH_BYTES = 64_000_000
"""Bytes of a batch after which it is synced and renamed even with fewer files."""


def manifest_for(plan_file: str | os.PathLike[str]) -> str:
    """Where a plan's publishing manifest lives: ``.contentcal/published.json`` beside it."""
    return os.path.join(os.path.dirname(os.fspath(plan_file)), ".contentcal", "published.json")


def _by_folder(paths: Iterable[str]) -> dict[str, set[str]]:
    """Relative paths grouped by folder: folder → the file names in it (one pass)."""
    folders: dict[str, set[str]] = {}
    for path in paths:
        folder, name = posixpath.split(path)
        folders.setdefault(folder, set()).add(name)
    return folders


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _relative(path: str) -> str | None:
    """`path` as a clean relative POSIX path inside the folder, or None if it is not one."""
    if not path or "\\" in path or "\0" in path or path.startswith("/"):
        return None
    clean = posixpath.normpath(path)
    if clean == "." or clean.startswith("../") or clean == "..":
        return None
    return clean


class SiteWriter:
    """Writes one published folder; call :meth:`write` for each file, then :meth:`finish`.

    `manifest`: the manifest file (see :func:`manifest_for`); without one, nothing is ever
    deleted. Raises :class:`~contentcal.errors.OutputError` when the folder cannot be made or
    written.
    """

    def __init__(
        self, out_dir: str | os.PathLike[str], *, manifest: str | os.PathLike[str] | None = None
    ) -> None:
        self.out_dir = os.fspath(out_dir)
        self.manifest = os.fspath(manifest) if manifest is not None else None
        try:
            os.makedirs(self.out_dir, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot write {self.out_dir}: {exc.strerror or exc}") from None
        if not os.path.isdir(self.out_dir):
            raise OutputError(f"cannot write {self.out_dir}: it is not a folder")
        real = os.path.realpath(self.out_dir)
        self.staging: str | None = os.path.join(
            os.path.dirname(real), f".{os.path.basename(real)}.contentcal-staging"
        )
        try:
            os.makedirs(self.staging, exist_ok=True)
        except OSError:
            # e.g. a read-only parent: stage beside the manifest when a rename from there
            # works (same file system), else beside each file (hidden, but in the folder).
            self.staging = self._fallback_staging()
        # Keyed by the folder relative to the plan's (the manifest sits in the plan's
        # .contentcal/), so a checkout moved elsewhere still matches.
        self.key = (
            os.path.relpath(real, os.path.realpath(os.path.dirname(self.manifest) or ".") + "/..")
            if self.manifest is not None
            else ""
        )
        self.folders = self._read_manifest()
        self.previous = self.folders.get(self.key, [])
        self.written: list[str] = []
        self._batch: list[Staged] = []
        self._batch_bytes = 0
        if self.staging is not None:
            remove_stale_temporaries(self.staging)
        # Older versions (and the fallback) left temporaries beside the files they replace.
        folders = _by_folder(self.previous)
        for folder in sorted({*folders, ""}):
            names = folders.get(folder, set())
            remove_stale_temporaries(os.path.join(self.out_dir, folder), names or None)
        if self.manifest is not None:
            remove_stale_temporaries_of(self.manifest)  # written only when it changes

    def _fallback_staging(self) -> str | None:
        if self.manifest is None:
            return None
        staging = os.path.join(os.path.dirname(self.manifest) or ".", "staging")
        try:
            os.makedirs(staging, exist_ok=True)
            if os.stat(staging).st_dev == os.stat(self.out_dir).st_dev:
                return staging
            os.rmdir(staging)
        except OSError:
            pass
        return None

    def _inside(self, folder: str) -> bool:
        """Whether `folder` really is the published folder or below it (no link out)."""
        real, root = os.path.realpath(folder), os.path.realpath(self.out_dir)
        return real == root or real.startswith(root.rstrip(os.sep) + os.sep)

    def _read_manifest(self) -> dict[str, list[str]]:
        if self.manifest is None:
            return {}
        try:
            # Only a regular file: a FIFO put in its place must not hang the run.
            data = json.loads(read_regular(self.manifest, 10_000_000))
            folders = data["folders"]
        except (
            OSError,
            ValueError,
            KeyError,
            TypeError,
            RecursionError,
            NotRegularError,
            TooLargeError,
        ):
            return {}  # no manifest (or not ours): then nothing is ever deleted
        if not isinstance(folders, dict):
            return {}
        return {
            str(key): [
                clean for name in names if isinstance(name, str) and (clean := _relative(name))
            ]
            for key, names in folders.items()
            if isinstance(names, list)
        }

    def write(
        self,
        path: str,
        data: bytes | Callable[[BinaryIO], None],
        *,
        unless_unchanged: bool = False,
    ) -> bool:
        """Write `path` (relative, with ``/``) inside the folder, atomically; True if written.

        With `unless_unchanged` (and `data` as bytes), a file that already holds exactly
        these bytes is left alone, modification time included, so a static host, rsync or a
        browser cache sees that nothing changed; it is still part of the published site.
        """
        clean = _relative(path)
        if clean is None:
            raise OutputError(f"cannot write {path!r}: not a path inside {self.out_dir}")
        target = os.path.join(self.out_dir, *clean.split("/"))
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        if not self._inside(os.path.dirname(target)):
            raise OutputError(
                f"cannot write {target}: its folder is a link that leads out of {self.out_dir}"
            )
        self.written.append(clean)
        if unless_unchanged and isinstance(data, bytes) and holds(target, data):
            return False
        # The folders were swept of leftovers once, in the constructor: not again per file.
        try:
            staged = stage_atomic(target, data, temp_dir=self.staging)
        except BaseException:
            self.discard()
            raise
        self._batch.append(staged)
        self._batch_bytes += len(data) if isinstance(data, bytes) else _size(staged.temporary)
        if len(self._batch) >= BATCH_FILES or self._batch_bytes >= BATCH_BYTES:
            self.commit()
        return True

    def commit(self) -> None:
        """Sync the files written since the last commit and rename them into place (at
        once: one sync of the batch instead of one per file). :meth:`finish` commits too."""
        batch, self._batch, self._batch_bytes = self._batch, [], 0
        commit_staged(batch)

    def discard(self) -> None:
        """Drop the files written since the last commit (their old versions stay): for a
        run that fails before :meth:`finish`."""
        batch, self._batch, self._batch_bytes = self._batch, [], 0
        discard_staged(batch)

    def finish(self) -> list[str]:
        """Delete what was published before and is gone now; record the new manifest.

        Returns the removed paths. Deleting first means a run killed half-way still lists
        the files it did not get to in the old manifest, so the next run removes them.
        """
        self.commit()
        current = set(self.written)
        for folder, names in _by_folder(current).items():
            remove_stale_temporaries(os.path.join(self.out_dir, folder), names)
        removed = []
        for name in self.previous:
            if name in current:
                continue
            target = os.path.join(self.out_dir, *name.split("/"))
            try:
                status = os.lstat(target)
            except OSError:
                continue
            if not stat.S_ISREG(status.st_mode) or not self._inside(os.path.dirname(target)):
                continue  # a link or folder someone put there: not what we published
            with contextlib.suppress(OSError):
                os.unlink(target)
                removed.append(name)
            folder = os.path.dirname(target)
            while os.path.abspath(folder) != os.path.abspath(self.out_dir):
                try:
                    os.rmdir(folder)  # only succeeds when empty
                except OSError:
                    break
                folder = os.path.dirname(folder)
        if self.manifest is not None and current != set(self.previous):
            self.folders[self.key] = sorted(current)
            text = json.dumps({"folders": self.folders}, indent=1, sort_keys=True) + "\n"
            try:
                os.makedirs(os.path.dirname(self.manifest) or ".", exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot write {self.manifest}: {exc.strerror or exc}") from None
            write_atomic(self.manifest, text.encode())
        if self.staging is not None:
            with contextlib.suppress(OSError):
                os.rmdir(self.staging)  # only when empty: leave no trace beside the folder
        return removed
