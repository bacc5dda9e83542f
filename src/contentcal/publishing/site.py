"""The published site's pages on disk: month, week and post pages beside the feeds.

:func:`build_pages` renders them (through :mod:`contentcal.views.site`) to bytes by
relative path; :func:`write_pages` writes them into the output folder, each atomically and
only when its bytes changed, and says which paths it wrote. The list of pages is explicit
(the keys of :func:`build_pages`, in order), so whatever keeps track of the published files
can take it from there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from contentcal.errors import OutputError
from contentcal.files.atomic import write_if_changed
from contentcal.scheduling.place import Schedule
from contentcal.views.site import CalendarNote, render_site

if TYPE_CHECKING:
    from contentcal.checking.engine import Finding

__all__ = ["PagesWritten", "build_pages", "write_pages"]


def build_pages(
    placed: Schedule,
    *,
    findings: Iterable[Finding] = (),
    notes: Iterable[CalendarNote] = (),
    links: Sequence[tuple[str, str]] = (),
) -> dict[str, bytes]:
    """Every page of the site as UTF-8 bytes by relative path (months, weeks, posts).

    See :func:`contentcal.views.site.render_site` for the arguments.
    """
    pages = render_site(placed, findings=findings, notes=notes, links=links)
    return {path: text.encode("utf-8") for path, text in pages.items()}


@attrs.frozen
class PagesWritten:
    """What :func:`write_pages` did."""

    paths: tuple[str, ...]
    """Every page of the site, relative to the output folder, in the order given."""

    rewritten: tuple[str, ...]
    """The pages whose bytes changed (or were missing) and were written."""


def write_pages(pages: Mapping[str, bytes], out_dir: str | os.PathLike[str]) -> PagesWritten:
    """Write `pages` below `out_dir`, skipping every file that already has the same bytes.

    Raises :class:`~contentcal.errors.OutputError` when a folder or file cannot be written.
    """
    rewritten = []
    for path, data in pages.items():
        target = os.path.join(os.fspath(out_dir), path)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        if write_if_changed(target, data):
            rewritten.append(path)
    return PagesWritten(paths=tuple(pages), rewritten=tuple(rewritten))
