"""The published site's pages on disk: month, week and post pages beside the feeds.

:func:`build_pages` renders them (through :mod:`contentcal.views.site`) to bytes by
relative path; :func:`write_pages` writes them into the output folder, each atomically and
only when its bytes changed, and says which paths it wrote. The list of pages is explicit
(the keys of :func:`build_pages`, in order), so whatever keeps track of the published files
can take it from there.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from contentcal.errors import OutputError
from contentcal.files.atomic import write_if_changed
from contentcal.model.zones import get_zone
from contentcal.scheduling.place import Schedule
from contentcal.views.site import CalendarNote, render_site, site_window

if TYPE_CHECKING:
    from contentcal.checking.engine import Finding

__all__ = ["REVIEW_PAGE", "PagesWritten", "build_pages", "review_parts", "write_pages"]

REVIEW_PAGE = "review.html"
"""Where the review report goes in the site, beside ``index.html``."""

_NOTE_KINDS = {"review": "review", "goal": "goal-due", "action": "action-due"}
"""The review events' category → the kind of calendar note."""


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


def review_parts(placed: Schedule) -> tuple[list[CalendarNote], dict[str, bytes]]:
    """The review feature's part of the site: calendar notes and the review page.

    Notes are the review meetings (``[review]``), goals' due dates and open actions' due
    dates inside the site's months and weeks, as the feeds carry them (none with
    ``[feeds] review_events = false``). The review page
    (``review.html``: ``contentcal review --format html`` as of `now`'s day) is there when
    the plan measures, i.e. has a ``[review]`` rhythm or results; the notes then link to it.
    """
    from contentcal.publishing.review_events import review_events  # noqa: PLC0415
    from contentcal.reviewing.compute import review  # noqa: PLC0415 - only plans that measure
    from contentcal.views.review import render_review  # noqa: PLC0415

    plan = placed.plan
    zone = get_zone(plan.brand.timezone)
    window = site_window(plan, now=placed.now)
    today = placed.now.astimezone(zone).date()
    pages: dict[str, bytes] = {}
    if plan.review is not None or plan.results:
        pages[REVIEW_PAGE] = render_review(review(plan, as_of=today), fmt="html").encode()
    # `[feeds] review_events = false` keeps these dates off the pages as off the feeds.
    events = (
        review_events(
            plan,
            now=placed.now,
            first=dt.datetime.combine(window.start, dt.time(), tzinfo=zone),
            last=dt.datetime.combine(window.end, dt.time(), tzinfo=zone),
        )
        if plan.feed_settings.review_events
        else []
    )
    notes = [
        CalendarNote(
            at=owned.event.start,
            label=owned.event.summary + (f" ({owned.owner})" if owned.owner else ""),
            kind=_NOTE_KINDS.get(owned.event.categories[0], "note")
            if owned.event.categories
            else "note",
            href=REVIEW_PAGE if pages else None,
        )
        for owned in events
    ]
    return notes, pages


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
