"""Publishing: plan file → feeds on disk, on stdout, or behind the server.

These functions tie loading, scheduling and feed building to the feed-state file beside the
plan, which they read and update (only when it changes, so an unchanged plan leaves every
file — state included — untouched). They take `now` explicitly; only the CLI reads the
clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path

import attrs

from contentcal.errors import InvalidOptionError
from contentcal.files.load import load
from contentcal.model import Plan
from contentcal.model.zones import get_zone, localize
from contentcal.publishing.feeds import (
    FeedState,
    FeedWindow,
    Site,
    build_calendar,
    build_site,
    load_state,
    save_state,
    state_path,
    write_feeds,
)
from contentcal.publishing.ics import ics_bytes
from contentcal.scheduling.place import schedule

__all__ = ["Published", "SiteBuilder", "publish_feed", "publish_feeds"]

logger = logging.getLogger("contentcal.publish")


@attrs.frozen
class Published:
    """What a publishing run produced."""

    files: tuple[str, ...]
    """Paths written (relative to the output folder), or ``()`` for stdout."""

    body: bytes = b""
    """The feed's bytes, for a single feed."""

    warnings: tuple[str, ...] = ()
    """Things the user should know (e.g. a corrupt state file that was rebuilt)."""

    events: int = 0
    """Number of events in the feed(s) written."""


def _window_settings(
    plan: Plan, now: dt.datetime, start: dt.date | None, end: dt.date | None
) -> Plan:
    settings = plan.feed_settings
    zone = get_zone(plan.brand.timezone)
    if start is not None and end is not None and end <= start:
        raise InvalidOptionError(f"the end ({end}) must be after the start ({start})")
    # `past` and `ahead` are offsets from `now`; they go negative when the whole window
    # lies in the future (start after now) or in the past (end before now).
    if start is not None:
        first = localize(dt.datetime.combine(start, dt.time()), zone)
        settings = attrs.evolve(settings, past=now - first)
    if end is not None:
        last = localize(dt.datetime.combine(end, dt.time()), zone)
        settings = attrs.evolve(settings, ahead=last - now)
    return attrs.evolve(plan, feed_settings=settings)


def _aware(plan: Plan, now: dt.datetime) -> dt.datetime:
    return now if now.tzinfo is not None else localize(now, get_zone(plan.brand.timezone))


def _save_if_changed(path: str, old: FeedState, new: FeedState) -> None:
    if new != old:
        save_state(path, new)


def publish_feed(
    plan: Plan,
    *,
    now: dt.datetime,
    window: FeedWindow | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    base_url: str | None = None,
    use_state: bool = True,
) -> Published:
    """One feed's bytes (``all`` or filtered by `window`), updating the feed state.

    `start`/`end` override the ``[feeds]`` window (dates in the brand's zone; `end` is
    exclusive). Raises :class:`~contentcal.errors.InvalidOptionError` when `end` is not
    after `start`, or for an unknown platform, owner or pillar in `window`.
    """
    now = _aware(plan, now)
    plan = _window_settings(plan, now, start, end)
    path = state_path(plan)
    state, warning = load_state(path) if use_state else (FeedState(), None)
    placed = schedule(plan, now=now)
    calendar, new_state = build_calendar(
        placed,
        window=window or FeedWindow(),
        state=state,
        base_url=base_url or plan.feed_settings.base_url,
    )
    if use_state:
        _save_if_changed(path, state, new_state)
    return Published(
        files=(),
        body=ics_bytes(calendar),
        warnings=(warning,) if warning else (),
        events=len(calendar.events),
    )


def publish_feeds(
    plan: Plan,
    *,
    now: dt.datetime,
    out_dir: str | os.PathLike[str],
    base_url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Published:
    """Write ``all.ics``, ``platform/*.ics``, ``owner/*.ics`` and ``index.html``.

    `progress` is passed on to :func:`~contentcal.publishing.feeds.write_feeds`.

    Raises :class:`~contentcal.errors.OutputError` when the folder cannot be written.
    """
    now = _aware(plan, now)
    path = state_path(plan)
    state, warning = load_state(path)
    placed = schedule(plan, now=now)
    written, new_state = write_feeds(
        placed, out_dir, state=state, base_url=base_url, progress=progress
    )
    _save_if_changed(path, state, new_state)
    return Published(
        files=tuple(written),
        warnings=(warning,) if warning else (),
        events=len(new_state.entries),
    )


class SiteBuilder:
    """Builds the served site from a plan file; knows which files to watch for changes."""

    def __init__(
        self,
        plan_path: str,
        *,
        clock: Callable[[], dt.datetime],
        base_url: str | None = None,
    ) -> None:
        self.plan_path = plan_path
        self.clock = clock
        self.base_url = base_url
        self._watched: list[Path] = [Path(plan_path)]
        self._last: Site | None = None

    def build(self) -> Site:
        """Load, schedule and render every feed; raises PlanError for a broken plan."""
        plan = load(self.plan_path)
        sources = {item.source.file for item in plan.items if item.source is not None}
        # Results files too: a new result changes the review meetings' descriptions.
        sources |= {r.source.file for r in plan.results if r.source is not None}
        folders = {os.path.dirname(source) or "." for source in sources}
        self._watched = [Path(p) for p in sorted({self.plan_path, *sources, *folders})]
        path = state_path(plan)
        state, warning = load_state(path)
        if warning:
            logger.warning("%s", warning)
        site = build_site(
            schedule(plan, now=_aware(plan, self.clock())),
            state=state,
            base_url=self.base_url,
            previous=self._last,
        )
        _save_if_changed(path, state, site.state)
        self._last = site  # unchanged feeds of the next build reuse these bytes
        return site

    def watched(self) -> list[Path]:
        """The plan, its item files and their folders (new include files show up there)."""
        return list(self._watched)
