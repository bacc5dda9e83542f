"""Publishing: plan file → feeds on disk, on stdout, or behind the server.

These functions tie loading, scheduling and feed building to the feed-state file beside the
plan. They always read it (stamps stay stable), and write it only when asked with
``save_state=True`` — and then only when it changed, so an unchanged plan leaves every
file, state included, untouched. They take `now` explicitly; only the CLI reads the clock,
and it asks to save the state only when `now` is the real time (no ``--now``) or the user
says ``--save-state``. A saved state never holds a stamp later than `written_at`, the real
time of the run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import attrs

from contentcal.collector import collector_paused
from contentcal.errors import PlanError
from contentcal.files.atomic import remove_stale_temporaries_of
from contentcal.files.build import known_valid, mark_valid
from contentcal.files.load import Loader
from contentcal.files.site import manifest_for
from contentcal.model import Plan
from contentcal.model.bounds import check_date, clamp_add
from contentcal.model.moments import check_window
from contentcal.model.zones import UTC, aware, get_zone
from contentcal.publishing.feeds import (
    FeedMemo,
    FeedState,
    FeedWindow,
    Site,
    _write_feeds,
    build_calendar,
    build_site,
    load_state,
    state_path,
)
from contentcal.publishing.feeds import save_state as write_state
from contentcal.publishing.ics import ics_bytes
from contentcal.scheduling.place import Schedule, schedule

__all__ = [
    "FeedsFirst",
    "Published",
    "SiteBuilder",
    "iter_site_pages",
    "publish_feed",
    "publish_feeds",
    "site_pages",
]

logger = logging.getLogger("contentcal.publish")


@attrs.frozen
class Published:
    """What a publishing run produced."""

    files: tuple[str, ...]
    """Every file of the published site (relative to the output folder): feeds, pages and
    ``index.html``, whether rewritten or unchanged; ``()`` for stdout."""

    body: bytes = b""
    """The feed's bytes, for a single feed."""

    warnings: tuple[str, ...] = ()
    """Things the user should know (e.g. a corrupt state file that was rebuilt)."""

    events: int = 0
    """Number of events in the feed(s) written."""

    pages: tuple[str, ...] = ()
    """The site's month, week and post pages among `files` (relative paths)."""

    rewritten: tuple[str, ...] = ()
    """The pages whose bytes changed and were written; the others were left untouched."""


def _window_settings(
    plan: Plan,
    now: dt.datetime,
    start: dt.date | dt.datetime | None,
    end: dt.date | dt.datetime | None,
) -> Plan:
    settings = plan.feed_settings
    zone = get_zone(plan.brand.timezone)
    for what, day in (("the start", start), ("the end", end)):
        if day is not None:
            check_date(day, what)
    first = aware(start, zone) if start is not None else None
    last = aware(end, zone) if end is not None else None
    if first is not None or last is not None:
        # The window asked for, as the feed will have it: a given end against the plan's
        # start too. The plan's own window was checked with the plan.
        check_window(
            first if first is not None else clamp_add(now, -settings.past),
            last if last is not None else clamp_add(now, settings.ahead),
        )
    # `past` and `ahead` are offsets from `now`; they go negative when the whole window
    # lies in the future (start after now) or in the past (end before now).
    if first is not None:
        settings = attrs.evolve(settings, past=now - first)
    if last is not None:
        settings = attrs.evolve(settings, ahead=last - now)
    windowed = attrs.evolve(plan, feed_settings=settings)
    if known_valid(plan):
        # Only the feed window changed (durations computed here): no need to check the
        # whole plan again when it is scheduled.
        mark_valid(windowed)
    return windowed


def _aware(plan: Plan, now: dt.datetime) -> dt.datetime:
    check_date(now, "now")  # before any zone conversion, which overflows near year 1 and 9999
    return aware(now, plan.brand.timezone)


def _save_if_changed(path: str, old: FeedState, new: FeedState) -> None:
    if new != old:
        write_state(path, new)
    else:
        remove_stale_temporaries_of(path)  # a killed run's leftovers go even so


def _written_at(now: dt.datetime, written_at: dt.datetime | None, save: bool) -> dt.datetime | None:
    """The cap on stamps: only a run that saves the state needs one (defaults to `now`)."""
    if not save:
        return None
    return aware(written_at, UTC) if written_at is not None else now


def publish_feed(
    plan: Plan,
    *,
    now: dt.datetime,
    window: FeedWindow | None = None,
    start: dt.date | dt.datetime | None = None,
    end: dt.date | dt.datetime | None = None,
    base_url: str | None = None,
    use_state: bool = True,
    save_state: bool = False,
    written_at: dt.datetime | None = None,
) -> Published:
    """One feed's bytes (``all`` or filtered by `window`), stamped from the feed state.

    `start`/`end` override the ``[feeds]`` window (dates in the brand's zone; `end` is
    exclusive). `use_state=False` ignores the state file (every stamp is `now`).
    `save_state=True` writes the updated state (when it changed); pass `written_at`, the
    real time of the run, when `now` is not: no saved stamp is later than it.

    Raises :class:`~contentcal.errors.InvalidOptionError` when `end` is not after
    `start`, or for an unknown platform, owner or pillar in `window`, and
    :class:`~contentcal.errors.OutputError` when the state cannot be saved.
    """
    now = _aware(plan, now)
    keep_gone = plan.feed_settings.past
    plan = _window_settings(plan, now, start, end)
    path = state_path(plan)
    state, warning = load_state(path) if use_state else (FeedState(), None)
    save = use_state and save_state
    with collector_paused():  # schedule, events and bytes: many objects, no cycles
        placed = schedule(plan, now=now)
        calendar, new_state = build_calendar(
            placed,
            window=window or FeedWindow(),
            state=state,
            base_url=base_url or plan.feed_settings.base_url,
            written_at=_written_at(now, written_at, save),
            keep_gone=keep_gone,
        )
        body = ics_bytes(calendar)
    if save:
        _save_if_changed(path, state, new_state)
    return Published(
        files=(),
        body=body,
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
    save_state: bool = False,
    written_at: dt.datetime | None = None,
    pages: bool = True,
) -> Published:
    """Write ``all.ics``, ``platform/*.ics``, ``owner/*.ics``, the site's pages
    (``month/*.html``, ``week/*.html``, ``post/*.html``) and ``index.html``.

    Pages are written only when their bytes changed. With ``pages=False`` only the feeds
    and ``index.html`` are written, and no ``check`` runs (the post pages show its
    findings): an agency's plan of a million posts would otherwise write a million pages.
    Pages an earlier run published there are then removed with `save_state`, like any
    file that is no longer part of the site. `progress` is passed on to
    :func:`~contentcal.publishing.feeds.write_feeds`; `save_state` and `written_at` are as
    in :func:`publish_feed`. `events` counts the events in the feeds (all of them are in
    ``all.ics``). With `save_state`, the manifest of what was published
    (``.contentcal/published.json``, state like the feed state) is updated too, and files
    published before that are gone from the site (pages included) are deleted.

    Raises :class:`~contentcal.errors.OutputError` when the folder cannot be written.
    """
    from contentcal.views.site import site_schedule  # noqa: PLC0415 - `ics` needs no site

    now = _aware(plan, now)
    path = state_path(plan)
    state, warning = load_state(path)
    # One placement for feeds and pages: the site's window only widens what is shown.
    placed = site_schedule(plan, now=now)
    # The check runs first (its peak memory is gone before the feeds'); each page is then
    # rendered, written and dropped in turn.
    page_stream = iter_site_pages(placed) if pages else iter(())
    with collector_paused():  # every event of every feed: many objects, no cycles
        written, new_state, events, page_paths = _write_feeds(
            placed,
            out_dir,
            state=state,
            base_url=base_url,
            progress=progress,
            written_at=_written_at(now, written_at, save_state),
            pages=page_stream,
            manifest=manifest_for(plan.source) if save_state and plan.source else None,
        )
    if save_state:
        _save_if_changed(path, state, new_state)
    warnings = [warning] if warning else []
    if not (base_url or plan.feed_settings.base_url):
        warnings.append(
            "index.html has relative links only; for subscribe links pass --base-url URL "
            "(the address the folder is published at) or set base_url under [feeds]"
        )
    page_set = set(page_paths)
    feeds = [path for path in written if path not in page_set]  # the feeds, then index
    return Published(
        files=(*feeds[:-1], *page_paths, *feeds[-1:]),
        warnings=tuple(warnings),
        events=events,
        pages=tuple(page_paths),
        rewritten=tuple(path for path in written if path in page_set),
    )


def site_pages(placed: Schedule) -> dict[str, bytes]:
    """The site's pages, with the plan's ``check`` findings on each post page and, for a
    plan that measures, the review page and the review's dates on the calendar.

    The findings follow the plan's ``[check]`` table, which was validated with the plan.
    """
    return dict(iter_site_pages(placed))


def iter_site_pages(placed: Schedule) -> Iterator[tuple[str, bytes]]:
    """The pages of :func:`site_pages` in the same order, as (path, bytes) pairs rendered
    one at a time. The check and the review run now; each page when it is asked for."""
    from contentcal.checking.engine import check  # noqa: PLC0415 - rules load only to publish
    from contentcal.publishing.site import iter_pages, review_parts  # noqa: PLC0415 - as above

    plan = placed.plan
    findings = check(plan, now=placed.now)
    notes, review_page = review_parts(placed)
    links = [(path, "Review") for path in review_page]
    pages = iter_pages(placed, findings=findings, notes=notes, links=links)
    return itertools.chain(pages, review_page.items())


@attrs.frozen
class FeedsFirst:
    """The quick part of a rebuild for ``serve``: fresh feeds and index beside the previous
    build's pages. :class:`~contentcal.publishing.serve.SiteCache` serves it at once, then
    calls `complete` for the whole site."""

    files: Mapping[str, bytes]
    """Relative path → body: the fresh feeds, the previous pages, the index."""

    last_modified: dt.datetime
    """The newest stamp of any event."""

    expires: dt.datetime | None
    """When building again could give other feeds with nothing edited."""

    files_for: Callable[[str], Mapping[str, bytes]] | None = attrs.field(eq=False, repr=False)
    """The index page for a base URL (see :class:`~contentcal.publishing.feeds.Site`)."""

    complete: Callable[[], Site] = attrs.field(eq=False, repr=False)
    """Renders the pages and returns the whole site."""


class SiteBuilder:
    """Builds the served site from a plan file; knows which files to watch for changes."""

    def __init__(
        self,
        plan_path: str,
        *,
        clock: Callable[[], dt.datetime],
        base_url: str | None = None,
        save_state: bool = False,
    ) -> None:
        """`clock` gives `now` for each build; `save_state` writes the feed state after
        each build that changed it (only sensible when `clock` is the real clock)."""
        self.plan_path = plan_path
        self.clock = clock
        self.base_url = base_url
        self.save_state = save_state
        # Without saving, the state lives on in memory from one build to the next, so an
        # edit while serving still shows as an edit (a new SEQUENCE for a move).
        self._state: FeedState | None = None
        self._watched: list[Path] = [Path(plan_path)]
        self._loader = Loader()
        """Keeps what each item file gave, so an edit reads again only the file edited."""
        self._memo = FeedMemo()
        """Keeps each post's events, so an edit makes again only the events edited."""
        self._last: Site | None = None
        self._pages: dict[str, bytes] = {}
        """The pages of the last whole build, served beside fresh feeds until new ones are."""

    def build(self) -> Site | FeedsFirst:
        """Load, schedule and render every feed; raises PlanError for a broken plan.

        The first build is whole. After that, the feeds come first: the result is a
        :class:`FeedsFirst` (the fresh feeds beside the previous build's pages), whose
        ``complete()`` renders the pages, which take most of the time (the check, a page
        per post), and returns the whole site.
        """
        from contentcal.views.site import site_schedule  # noqa: PLC0415 - as publish_feeds

        try:
            plan = self._loader.load(self.plan_path)
        except PlanError as exc:
            # Watch the files the problems are in too (an item file named by the plan is
            # only known once the plan loads), so fixing one is seen as a change.
            named = {p.file for p in exc.problems if p.file and not p.file.startswith("<")}
            folders = {os.path.dirname(name) or "." for name in named}
            known = {os.fspath(path) for path in self._watched}
            self._watched = [Path(p) for p in sorted(known | named | folders)]
            raise
        sources = {item.source.file for item in plan.items if item.source is not None}
        # Results files too: a new result changes the review meetings' descriptions.
        sources |= {r.source.file for r in plan.results if r.source is not None}
        folders = {os.path.dirname(source) or "." for source in sources}
        self._watched = [Path(p) for p in sorted({self.plan_path, *sources, *folders})]
        path = state_path(plan)
        if self.save_state or self._state is None:
            state, warning = load_state(path)
            if warning:
                logger.warning("%s", warning)
        else:
            state = self._state
        now = _aware(plan, self.clock())
        placed = site_schedule(plan, now=now)
        if self._last is None:
            return self._whole(placed, state, path, now, saved=state, previous=None)
        feeds = build_site(
            placed,
            state=state,
            base_url=self.base_url,
            written_at=now if self.save_state else None,
            pages=self._pages,
            previous=self._last,
            memo=self._memo,
        )
        if self.save_state:
            _save_if_changed(path, state, feeds.state)
        self._state = feeds.state
        return FeedsFirst(
            files=feeds.files,
            last_modified=feeds.last_modified,
            expires=feeds.expires,
            files_for=feeds.files_for,
            complete=lambda: self._whole(
                placed, state, path, now, saved=feeds.state, previous=feeds
            ),
        )

    def _whole(
        self,
        placed: Schedule,
        state: FeedState,
        path: str,
        now: dt.datetime,
        *,
        saved: FeedState,
        previous: Site | None,
    ) -> Site:
        """The whole site: feeds (stamped from `state`, reusing the bytes of `previous`'s
        equal feeds) and pages; `saved` is the state on disk."""
        pages = site_pages(placed)
        site = build_site(
            placed,
            state=state,
            base_url=self.base_url,
            written_at=now if self.save_state else None,
            pages=pages,
            previous=previous,
            memo=self._memo,
        )
        if self.save_state:
            _save_if_changed(path, saved, site.state)
        self._state = site.state
        self._last = site  # unchanged feeds of the next build reuse these bytes
        self._pages = pages
        return site

    def watched(self) -> list[Path]:
        """The plan, its item files and their folders (new include files show up there)."""
        return list(self._watched)
