"""The published site's pages on disk: month, week and post pages beside the feeds.

:func:`build_pages` renders them (through :mod:`contentcal.views.site`) to bytes by
relative path. :func:`contentcal.publishing.feeds.write_feeds` writes them with the feeds
through one :class:`contentcal.files.site.SiteWriter`: each atomically, staged outside the
published folder, only when its bytes changed, and listed in the publishing manifest so a
page that leaves the window is removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from contentcal.model.zones import get_zone
from contentcal.scheduling.place import Schedule
from contentcal.views.site import CalendarNote, iter_site, site_window

if TYPE_CHECKING:
    from contentcal.checking.engine import Finding

__all__ = ["REVIEW_PAGE", "build_pages", "iter_pages", "review_parts"]

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
    return dict(iter_pages(placed, findings=findings, notes=notes, links=links))


def iter_pages(
    placed: Schedule,
    *,
    findings: Iterable[Finding] = (),
    notes: Iterable[CalendarNote] = (),
    links: Sequence[tuple[str, str]] = (),
) -> Iterator[tuple[str, bytes]]:
    """The pages of :func:`build_pages` one at a time, as (path, bytes) in the same order:
    each is rendered when asked for, so a writer holds one page at a time."""
    for path, text in iter_site(placed, findings=findings, notes=notes, links=links):
        yield path, text.encode("utf-8")


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
