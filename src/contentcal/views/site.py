"""The published site's pages: month grids, per-platform weeks and a page per post.

Pure functions from a :class:`~contentcal.scheduling.place.Schedule` (plus ``check``
findings and dated *calendar notes*, such as review meetings) to HTML text. Every page is
static and self-contained: one file with its styles inline, no script, nothing loaded from
the network, links relative to the site's folder, so it works from ``file://`` as well as
from any static host. User text (titles, copy, names) goes through Jinja2 templates with
autoescape, never through string concatenation.

The same schedule, findings and notes give the same bytes: nothing here reads the clock
or the machine's zone; times are shown in the brand's zone.

>>> import datetime as dt, contentcal
>>> plan = contentcal.load("examples/batik-cikarang/plan.toml")
>>> now = dt.datetime(2026, 11, 30, 8, 0)
>>> pages = render_site(site_schedule(plan, now=now))
>>> [path for path in pages if path.startswith("month/")]
['month/2026-10.html', 'month/2026-11.html', 'month/2026-12.html', 'month/2027-01.html', \
'month/2027-02.html', 'month/2027-03.html', 'month/2027-04.html', 'month/2027-05.html']
>>> pages["post/hari-ibu-ig.html"].count("Batik Ibu: kain yang diwariskan") > 0
True
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import regex

from contentcal.errors import ContentcalError
from contentcal.model import ContentItem, Network, Plan, Platform
from contentcal.model.zones import UTC, aware, get_zone, localize
from contentcal.networks.counting import grapheme_ends, hashtag_count
from contentcal.networks.limits import Counting, Limit, network_info
from contentcal.scheduling.place import Entry, Schedule, entry_instant, narrow, schedule
from contentcal.views.week import footer, select

if TYPE_CHECKING:
    import jinja2

    from contentcal.checking.engine import Finding

__all__ = [
    "CalendarNote",
    "SiteWindow",
    "cut_point",
    "iter_site",
    "post_paths",
    "render_site",
    "site_schedule",
    "site_window",
]


@attrs.frozen
class CalendarNote:
    """A dated entry of the month page that is not a post: a review meeting, a due date.

    The review feature hands its meetings, goal due dates and action due dates to
    :func:`render_site` as notes; any other dated reminder fits too.
    """

    at: dt.datetime | dt.date
    """When: an aware date-time (shown with its time) or a date (all day)."""

    label: str
    """What to show, e.g. ``Monthly review`` or ``Goal due: followers-q1``."""

    kind: str = "note"
    """A short word for styling and grouping: ``review``, ``goal-due``, ``action-due``."""

    href: str | None = None
    """A page of the site to link to, relative to the site's folder (``review.html``)."""


@attrs.frozen
class SiteWindow:
    """Which months and weeks the site has pages for, and the days a schedule must cover."""

    months: tuple[dt.date, ...]
    """First day of every month that overlaps the feed window."""

    weeks: tuple[dt.date, ...]
    """Monday of every ISO week that overlaps the feed window."""

    start: dt.date
    """First day shown on any page (a Monday or the 1st of a month)."""

    end: dt.date
    """Day after the last day shown on any page."""


def _month_after(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def site_window(plan: Plan, *, now: dt.datetime) -> SiteWindow:
    """The months and ISO weeks overlapping the feed window ``[now - past, now + ahead)``.

    Dates are in the brand's zone; a naive `now` is the brand's wall time.
    """
    zone = get_zone(plan.brand.timezone)
    now = now if now.tzinfo is not None else localize(now, zone)
    settings = plan.feed_settings
    first_day = (now - settings.past).astimezone(zone).date()
    last_day = (now + settings.ahead - dt.timedelta(microseconds=1)).astimezone(zone).date()
    last_day = max(last_day, first_day)
    months = []
    month = first_day.replace(day=1)
    while month <= last_day:
        months.append(month)
        month = _month_after(month)
    weeks = []
    monday = first_day - dt.timedelta(days=first_day.weekday())
    while monday <= last_day:
        weeks.append(monday)
        monday += dt.timedelta(weeks=1)
    return SiteWindow(
        months=tuple(months),
        weeks=tuple(weeks),
        start=min(months[0], weeks[0]),
        end=max(_month_after(months[-1]), weeks[-1] + dt.timedelta(weeks=1)),
    )


def site_schedule(plan: Plan, *, now: dt.datetime) -> Schedule:
    """`plan` scheduled at `now` with a window covering every page of the site.

    The window only decides which entries and holidays the schedule shows; placement is
    the same as for the feeds and for ``contentcal week``.
    """
    window = site_window(plan, now=now)
    return schedule(plan, now=now, start=window.start, end=window.end)


# --- file names ---------------------------------------------------------------------------------

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def post_paths(items: Iterable[ContentItem]) -> dict[str, str]:
    """Item id → its page, ``post/<id>.html``; ids unsafe as file names get a slug and a hash.

    Two ids that differ only in case never share a file (macOS and Windows fold case).
    """
    paths: dict[str, str] = {}
    taken: set[str] = set()
    for item in items:
        if item.id in paths:
            continue
        name = item.id if _SAFE_NAME.fullmatch(item.id) else ""
        if not name or name.casefold() in taken:
            digest = hashlib.sha256(item.id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
            name = f"{_slug(item.id) or 'item'}-{digest}"
        taken.add(name.casefold())
        paths[item.id] = f"post/{name}.html"
    return paths


def _month_path(first: dt.date) -> str:
    return f"month/{first:%Y-%m}.html"


def _iso_week(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _week_path(monday: dt.date) -> str:
    return f"week/{_iso_week(monday)}.html"


# --- lengths and cuts ---------------------------------------------------------------------------


def cut_point(
    text: str, limits: Sequence[Limit], boundaries: Sequence[int] | None = None
) -> int | None:
    """Where a network keeping `limits` would cut `text`: the offset after the last
    grapheme that fits, or ``None`` when the whole text fits.

    >>> from contentcal.networks.limits import network_info
    >>> x = network_info(Network.X).text
    >>> cut_point("short", x) is None, cut_point("é" * 300, x)
    (True, 280)

    `boundaries` are the grapheme ends of `text`
    (:func:`~contentcal.networks.counting.grapheme_ends`), when the caller has them already.
    """
    if not limits or all(limit.allows(text) for limit in limits):
        return None
    ends = grapheme_ends(text) if boundaries is None else boundaries
    low, high = 0, len(ends)  # ends[:low] fit; ends[high:] do not
    while low < high:
        middle = (low + high) // 2
        if _prefix_fits(text, ends[middle], middle + 1, limits):
            low = middle + 1
        else:
            high = middle
    return ends[low - 1] if low else 0


def _prefix_fits(text: str, end: int, graphemes: int, limits: Sequence[Limit]) -> bool:
    """Whether ``text[:end]``, its first `graphemes` grapheme clusters, keeps every limit.

    Its graphemes and characters are known without counting: a cluster's end depends only
    on what comes before it, so the prefix's clusters are the text's first ones.
    """
    prefix = None
    for limit in limits:
        if limit.counting is Counting.GRAPHEMES:
            size = graphemes
        elif limit.counting is Counting.CHARACTERS:
            size = end
        else:
            prefix = text[:end] if prefix is None else prefix
            size = limit.measure(prefix)
        if size > limit.value:
            return False
    return True


# --- copy as the network shows it ---------------------------------------------------------------

_TOKEN = regex.compile(
    r"(?P<link>https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])"
    r"|(?P<tag>(?<![\p{L}\p{M}\p{Nd}_&])#[\p{L}\p{M}\p{Nd}_]*\p{L}[\p{L}\p{M}\p{Nd}_]*)"
    r"|(?P<mention>(?<![\p{L}\p{Nd}_/])@[A-Za-z0-9_][A-Za-z0-9_.]*[A-Za-z0-9_]|@[A-Za-z0-9_])",
    regex.IGNORECASE,
)


def _segments(text: str, cuts: Sequence[tuple[int, str]] = ()) -> list[dict[str, str]]:
    """`text` as segments for the copy template: text, link, tag, mention and cut markers.

    A cut inside a link, hashtag or mention is shown before it (the network would drop the
    whole entity).
    """
    tokens: list[tuple[int, int, str]] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            tokens.append((position, match.start(), "text"))
        kind = match.lastgroup or "text"
        tokens.append((match.start(), match.end(), kind))
        position = match.end()
    if position < len(text):
        tokens.append((position, len(text), "text"))
    pending = sorted(cuts)
    segments: list[dict[str, str]] = []
    for start, end, kind in tokens:
        at = start
        while pending and pending[0][0] < end:
            offset, label = pending.pop(0)
            if kind == "text" and offset > at:
                segments.append({"kind": "text", "text": text[at:offset]})
                at = offset
            segments.append({"kind": "cut", "text": label})
        if at < end:
            segments.append({"kind": kind, "text": text[at:end]})
    segments.extend({"kind": "cut", "text": label} for _, label in pending)
    return segments


# --- view models --------------------------------------------------------------------------------

_COLOR = re.compile(r"[A-Za-z]{3,30}|#[0-9A-Fa-f]{3,8}")


def _pillar_color(plan: Plan, pillar_id: str | None) -> str | None:
    if pillar_id is None:
        return None
    try:
        color = plan.pillar(pillar_id).color
    except KeyError:
        return None
    # Only a colour name or a hex colour reaches the style attribute: nothing else of CSS.
    return color if color and _COLOR.fullmatch(color) else None


def _local(value: dt.datetime | dt.date, zone: dt.tzinfo) -> dt.datetime | dt.date:
    return value.astimezone(zone) if isinstance(value, dt.datetime) else value


def _day(value: dt.datetime | dt.date, zone: dt.tzinfo) -> dt.date:
    local = _local(value, zone)
    return local.date() if isinstance(local, dt.datetime) else local


def _clock(value: dt.datetime | dt.date, zone: dt.tzinfo) -> str:
    local = _local(value, zone)
    return f"{local:%H:%M}" if isinstance(local, dt.datetime) else "all day"


def _when(value: dt.datetime | dt.date, zone: dt.tzinfo) -> str:
    local = _local(value, zone)
    day = f"{local:%a} {local.day} {local:%b %Y}"
    return f"{day} {local:%H:%M}" if isinstance(local, dt.datetime) else f"{day}, all day"


def _iso(value: dt.datetime | dt.date, zone: dt.tzinfo) -> str:
    return _local(value, zone).isoformat()


class _Order:
    """A sequence of item ids with a constant-time position lookup."""

    def __init__(self, ids: Iterable[str]) -> None:
        self._ids = list(ids)
        self._positions = {item_id: index for index, item_id in enumerate(self._ids)}

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index: int) -> str:
        return self._ids[index]

    def index(self, item_id: str) -> int:
        return self._positions[item_id]


@attrs.frozen
class _Context:
    """What every page needs, computed once per site."""

    placed: Schedule
    zone: dt.tzinfo
    window: SiteWindow
    posts: Mapping[str, str]
    findings: Mapping[str, Sequence[Finding]]
    notes: Mapping[dt.date, Sequence[CalendarNote]]
    links: Sequence[tuple[str, str]]
    entries: Sequence[Entry]
    first_entry: Mapping[str, Entry]
    """Item id → its first entry in the site."""
    order: _Order
    """Item ids in the order of their first entries (for previous/next links)."""
    stories: Mapping[str, Sequence[ContentItem]]
    """Story → its items in plan order."""
    days: Mapping[dt.date, Sequence[Entry]]
    """Day in the brand's zone → its entries (of `entries`, in their order)."""
    weeks: Sequence[Sequence[Entry]]
    """For each of the window's weeks, the schedule's entries :func:`narrow` shows in it."""

    @property
    def plan(self) -> Plan:
        return self.placed.plan


def _chip(context: _Context, entry: Entry) -> dict[str, Any]:
    item = entry.item
    return {
        "item": item.id,
        "platform_id": entry.platform.id,
        "platform": entry.platform.name,
        "title": item.title,
        "time": _clock(entry.start, context.zone),
        "when": _when(entry.start, context.zone),
        "datetime": _iso(entry.start, context.zone),
        "pillar": item.pillar,
        "color": _pillar_color(context.plan, item.pillar),
        "status": str(item.status),
        "owner": item.owner or entry.platform.owner,
        "href": context.posts.get(item.id),
    }


def _note(note: CalendarNote, zone: dt.tzinfo) -> dict[str, Any]:
    return {
        "label": note.label,
        "kind": note.kind.replace("-", " "),
        "css": re.sub(r"[^a-z0-9-]+", "-", note.kind.lower()),
        "time": _clock(note.at, zone),
        "datetime": _iso(note.at, zone),
        "href": note.href,
    }


def _blackouts(plan: Plan, day: dt.date) -> list[str]:
    marks = [
        f"No posts: {blackout.reason}" if blackout.reason else "No posts (blackout)"
        for blackout in plan.brand.blackout
        if blackout.covers(day)
    ]
    for platform in plan.platforms:
        for blackout in platform.blackout:
            if blackout.covers(day):
                reason = f": {blackout.reason}" if blackout.reason else ""
                marks.append(f"No {platform.name} posts{reason}")
    return marks


def _page(context: _Context, path: str, title: str, **extra: Any) -> dict[str, Any]:
    depth = path.count("/")
    return {
        "root": "../" * depth,
        "brand": context.plan.brand.name,
        "page_title": title,
        "timezone": context.plan.brand.timezone,
        "links": context.links,
        **extra,
    }


def _month_page(context: _Context, index: int) -> str:
    window = context.window
    first = window.months[index]
    after = _month_after(first)
    plan, zone = context.plan, context.zone
    today = context.placed.now.astimezone(zone).date()
    by_day: dict[dt.date, Sequence[Entry]] = defaultdict(list)
    by_day.update((day, posts) for day, posts in context.days.items() if first <= day < after)
    holidays = {holiday.day: holiday.name for holiday in context.placed.holidays}
    weeks_shown = set(window.weeks)
    rows = []
    monday = first - dt.timedelta(days=first.weekday())
    while monday < after:
        days = []
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            inside = first <= day < after
            days.append(
                {
                    "inside": inside,
                    "date": day.isoformat(),
                    "number": day.day,
                    "weekday": f"{day:%a}",
                    "label": f"{day:%A} {day.day} {day:%B %Y}",
                    "today": day == today,
                    "holiday": holidays.get(day) if inside else None,
                    "blackouts": _blackouts(plan, day) if inside else [],
                    "posts": [_chip(context, entry) for entry in by_day[day]] if inside else [],
                    "notes": (
                        [_note(note, zone) for note in context.notes.get(day, ())] if inside else []
                    ),
                }
            )
        rows.append(
            {
                "week": _iso_week(monday),
                "href": _week_path(monday) if monday in weeks_shown else None,
                "days": days,
            }
        )
        monday += dt.timedelta(weeks=1)
    name = f"{calendar.month_name[first.month]} {first.year}"
    months = window.months
    nav = {
        "previous": (
            (_month_path(months[index - 1]), f"{months[index - 1]:%B %Y}") if index else None
        ),
        "next": (
            (_month_path(months[index + 1]), f"{months[index + 1]:%B %Y}")
            if index + 1 < len(months)
            else None
        ),
    }
    pillars = [
        {"id": pillar.id, "color": _pillar_color(plan, pillar.id), "share": pillar.share}
        for pillar in plan.pillars
    ]
    count = sum(len(posts) for posts in by_day.values())
    path = _month_path(first)
    return _render(
        "month.html",
        _page(
            context,
            path,
            f"{name} — {plan.brand.name}",
            month=name,
            rows=rows,
            nav=nav,
            pillars=pillars,
            count=count,
        ),
    )


def _week_page(context: _Context, index: int) -> str:
    monday = context.window.weeks[index]
    plan, zone = context.plan, context.zone
    view = select(
        narrow(
            context.placed,
            start=monday,
            end=monday + dt.timedelta(weeks=1),
            entries=context.weeks[index],
        )
    )
    slots = view.schedule.slots
    columns = []
    by_platform: dict[str, list[Entry]] = defaultdict(list)
    for entry in view.entries:
        by_platform[entry.platform.id].append(entry)
    for platform_id in view.platforms:
        platform = plan.platform(platform_id)
        entries = by_platform[platform_id]
        filled = sum(1 for entry in entries if not entry.all_day)
        columns.append(
            {
                "id": platform.id,
                "name": platform.name,
                "handle": platform.handle,
                "owner": platform.owner,
                "filled": filled,
                "available": slots.get(platform_id, 0),
                "posts": [_chip(context, entry) for entry in entries],
            }
        )
    notes = [
        {**_note(note, zone), "when": _when(note.at, zone)}
        for offset in range(7)
        for note in context.notes.get(monday + dt.timedelta(days=offset), ())
    ]
    weeks = context.window.weeks
    sunday = monday + dt.timedelta(days=6)
    months = sorted({monday.replace(day=1), sunday.replace(day=1)} & set(context.window.months))
    nav = {
        "previous": (
            (_week_path(weeks[index - 1]), f"Week {_iso_week(weeks[index - 1])}") if index else None
        ),
        "next": (
            (_week_path(weeks[index + 1]), f"Week {_iso_week(weeks[index + 1])}")
            if index + 1 < len(weeks)
            else None
        ),
        "months": [(_month_path(month), f"{month:%B %Y}") for month in months],
    }
    span = f"{monday:%a} {monday.day} {monday:%b} – {sunday:%a} {sunday.day} {sunday:%b %Y}"
    path = _week_path(monday)
    return _render(
        "week.html",
        _page(
            context,
            path,
            f"Week {_iso_week(monday)} — {plan.brand.name}",
            week=_iso_week(monday),
            span=span,
            columns=columns,
            facts=footer(view),
            notes=notes,
            nav=nav,
        ),
    )


def _lengths(item: ContentItem, platform: Platform, copy: str) -> dict[str, Any]:
    try:
        info = network_info(platform.network, platform.limits)
    except ContentcalError:
        info = network_info(platform.network)
    rows = []
    for limit in info.text:
        size = limit.measure(copy)
        rows.append(_limit_row("Text", limit, size))
    if info.title is not None:
        rows.append(_limit_row("Title", info.title, info.title.measure(item.title)))
    if info.hashtags is not None:
        rows.append(_limit_row("Hashtags", info.hashtags, hashtag_count(copy)))
    cuts = []
    boundaries = grapheme_ends(copy)  # once per post: segmenting graphemes is the slow part
    own_cut = cut_point(copy, info.text, boundaries)
    if own_cut is not None and platform.network not in (Network.X, Network.BLUESKY):
        cuts.append((own_cut, platform.name))
    shown_cuts = []
    for network in (Network.X, Network.BLUESKY):
        limits = network_info(network).text
        offset = cut_point(copy, limits, boundaries)
        summary = " and ".join(f"{limit.value:,} {limit.counting.unit}" for limit in limits)
        shown_cuts.append(
            {
                "network": network.display_name,
                "limits": summary,
                "cut": offset,
                "kept": _tail(copy[:offset]) if offset is not None else None,
                "dropped": (
                    len(boundaries) - bisect.bisect_right(boundaries, offset)
                    if offset is not None
                    else 0
                ),
            }
        )
        if offset is not None:
            cuts.append((offset, network.display_name))
    markers = [(offset, f"✂ {name} cuts here") for offset, name in cuts]
    return {
        "network": platform.name,
        "rows": rows,
        "cuts": shown_cuts,
        "segments": _segments(copy, markers),
        "media_ok": item.media is None or info.accepts(item.media),
        "media_required": info.media_required,
    }


def _tail(text: str, size: int = 40) -> str:
    """The last `size` characters of `text`, with an ellipsis when some were left out."""
    return text if len(text) <= size else "…" + text[-size:].lstrip()


def _limit_row(what: str, limit: Limit, size: int) -> dict[str, Any]:
    return {
        "what": what,
        "size": size,
        "limit": limit.value,
        "unit": limit.counting.unit,
        "fits": size <= limit.value,
        "source": limit.source if limit.source.startswith("https://") else None,
        "provenance": limit.provenance,
        "verified": limit.verified,
    }


def _post_page(context: _Context, item: ContentItem, entries: Sequence[Entry]) -> str:
    plan, zone = context.plan, context.zone
    platform = entries[0].platform
    copy = item.copy.strip()
    goal: dict[str, str | None] | None = None
    if item.goal:
        try:
            goal = {"id": item.goal, "statement": plan.goal(item.goal).statement}
        except KeyError:
            goal = {"id": item.goal, "statement": None}
    versions = []
    if item.story:
        for other in context.stories.get(item.story, ()):
            if other.id == item.id:
                continue
            try:
                other_platform = plan.platform(other.platform)
            except KeyError:
                continue
            other_entry = context.first_entry.get(other.id)
            versions.append(
                {
                    "title": other.title,
                    "platform": other_platform.name,
                    "status": str(other.status),
                    "when": _when(other_entry.start, zone) if other_entry else None,
                    "href": context.posts.get(other.id),
                    "segments": _segments(other.copy.strip()),
                    "length": _first_length(other_platform, other.copy.strip()),
                }
            )
    findings = [
        {
            "severity": str(finding.severity),
            "rule": finding.rule,
            "code": finding.code,
            "message": finding.message,
            "hint": finding.hint,
            "where": _where(finding),
        }
        for finding in context.findings.get(item.id, ())
    ]
    first = entries[0]
    monday = _day(first.start, zone) - dt.timedelta(days=_day(first.start, zone).weekday())
    month = _day(first.start, zone).replace(day=1)
    order = context.order
    position = order.index(item.id)
    neighbours = [
        (context.posts[order[other]], context.first_entry[order[other]].item.title, label)
        for other, label in ((position - 1, "previous"), (position + 1, "next"))
        if 0 <= other < len(order)
    ]
    nav = {
        "week": (_week_path(monday), f"Week {_iso_week(monday)}")
        if monday in context.window.weeks
        else None,
        "month": (_month_path(month), f"{month:%B %Y}") if month in context.window.months else None,
        "neighbours": neighbours,
    }
    path = context.posts[item.id]
    return _render(
        "post.html",
        _page(
            context,
            path,
            f"{item.title} — {plan.brand.name}",
            item=item,
            chip=_chip(context, first),
            times=[_when(entry.start, zone) for entry in entries],
            platform={"name": platform.name, "handle": platform.handle},
            goal=goal,
            owner=item.owner or platform.owner,
            media=str(item.media) if item.media else None,
            link=item.link if item.link and re.match(r"https?://", item.link) else None,
            raw_link=item.link,
            lengths=_lengths(item, platform, copy),
            versions=versions,
            findings=findings,
            nav=nav,
        ),
    )


def _first_length(platform: Platform, copy: str) -> str | None:
    try:
        limits = network_info(platform.network, platform.limits).text
    except ContentcalError:
        return None
    if not limits:
        return None
    limit = limits[0]
    return f"{limit.measure(copy):,} of {limit.value:,} {limit.counting.unit}"


def _where(finding: Finding) -> str | None:
    if finding.file is None:
        return finding.path
    where = finding.file + (f":{finding.line}" if finding.line is not None else "")
    return where + (f" ({finding.path})" if finding.path else "")


# --- templates ----------------------------------------------------------------------------------


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2  # noqa: PLC0415 - only publishing renders pages; `contentcal week` never pays

    class Environment(jinja2.Environment):
        """Looks up ``row.size`` in a dict (every view model here) without first failing to
        find a ``size`` attribute: about a hundred lookups per page. The same result: a dict
        has no attributes but its methods, which still go the usual way."""

        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
                try:
                    return obj[attribute]
                except KeyError:
                    pass
            return super().getattr(obj, attribute)

    return Environment(
        loader=jinja2.PackageLoader("contentcal.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Package data does not change while we run; skip a stat() per page.
        auto_reload=False,
    )


_DICT_ATTRIBUTES = frozenset(dir(dict))


def _render(template: str, values: Mapping[str, Any]) -> str:
    return _environment().get_template(template).render(**values)


# --- the site -----------------------------------------------------------------------------------


def render_site(
    placed: Schedule,
    *,
    findings: Iterable[Finding] = (),
    notes: Iterable[CalendarNote] = (),
    links: Sequence[tuple[str, str]] = (),
) -> dict[str, str]:
    """Every page of the site: relative path → HTML, months first, then weeks, then posts.

    `placed` should come from :func:`site_schedule` (its window must cover the site's
    months and weeks, or entries and holidays at the edges are missing). `findings` are
    ``check`` findings; each shows on its item's page. `notes` appear on the month and week
    pages of their day. `links` are extra (href, text) pairs for every page's navigation,
    relative to the site's folder, e.g. ``("review.html", "Review")``.

    :func:`iter_site` gives the same pages one at a time, for a site too large to hold.
    """
    return dict(iter_site(placed, findings=findings, notes=notes, links=links))


def iter_site(
    placed: Schedule,
    *,
    findings: Iterable[Finding] = (),
    notes: Iterable[CalendarNote] = (),
    links: Sequence[tuple[str, str]] = (),
) -> Iterator[tuple[str, str]]:
    """The pages of :func:`render_site`, as (path, HTML) pairs in the same order, each
    rendered only when it is asked for: memory does not grow with the number of pages.

    The arguments are read when the first page is asked for.
    """
    plan = placed.plan
    zone = get_zone(plan.brand.timezone)
    window = site_window(plan, now=placed.now)
    start = localize(dt.datetime.combine(window.start, dt.time()), zone)
    end = localize(dt.datetime.combine(window.end, dt.time()), zone)
    entries = [entry for entry in placed.all_entries if start <= _instant(entry, zone) < end]
    by_item: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_item[entry.item.id].append(entry)
    stories: dict[str, list[ContentItem]] = defaultdict(list)
    for item in plan.items:
        if item.story:
            stories[item.story].append(item)
    by_finding: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.item is not None:
            by_finding[finding.item].append(finding)
    by_day: dict[dt.date, list[CalendarNote]] = defaultdict(list)
    for note in sorted(notes, key=lambda note: (_iso(note.at, zone), note.kind, note.label)):
        by_day[_day(note.at, zone)].append(note)
    context = _Context(
        placed=placed,
        zone=zone,
        window=window,
        posts=post_paths(entry.item for entry in entries),
        findings=by_finding,
        notes=by_day,
        links=tuple(links),
        entries=tuple(entries),
        first_entry={item_id: item_entries[0] for item_id, item_entries in by_item.items()},
        order=_Order(by_item),
        stories=stories,
        days=_by_day(entries, zone),
        weeks=_by_week(placed, window.weeks, zone),
    )
    for index, month in enumerate(window.months):
        yield _month_path(month), _month_page(context, index)
    for index, monday in enumerate(window.weeks):
        yield _week_path(monday), _week_page(context, index)
    for item_id, item_entries in by_item.items():
        yield context.posts[item_id], _post_page(context, item_entries[0].item, item_entries)


def _by_day(entries: Iterable[Entry], zone: dt.tzinfo) -> dict[dt.date, list[Entry]]:
    days: dict[dt.date, list[Entry]] = defaultdict(list)
    for entry in entries:
        days[_day(entry.start, zone)].append(entry)
    return days


def _by_week(placed: Schedule, weeks: Sequence[dt.date], zone: dt.tzinfo) -> list[list[Entry]]:
    """The entries :func:`narrow` shows in each week, sorted into their weeks in one pass."""
    if not weeks:
        return []
    mondays = [*weeks, weeks[-1] + dt.timedelta(weeks=1)]
    # Consecutive Mondays: a week ends where the next begins; an entry falls into at most one.
    bounds = [aware(monday, zone).astimezone(UTC) for monday in mondays]
    if any(
        later != monday + dt.timedelta(weeks=1) for monday, later in itertools.pairwise(mondays)
    ):
        raise ValueError("the site's weeks must follow each other")
    found: list[list[Entry]] = [[] for _ in weeks]
    for entry in placed.all_entries:
        index = bisect.bisect_right(bounds, entry_instant(entry)) - 1
        if 0 <= index < len(weeks):
            found[index].append(entry)
    return found


def _instant(entry: Entry, zone: dt.tzinfo) -> dt.datetime:
    if isinstance(entry.start, dt.datetime):
        return entry.start
    return localize(dt.datetime.combine(entry.start, dt.time()), zone)


def index_links(pages: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """The index page's links to the site: ``{"months": [(path, text)], "weeks": [...],
    "review": [...]}``."""
    months, weeks, review = [], [], []
    for path in pages:
        if path == "review.html":
            review.append((path, "The latest review of goals and results"))
        name = path.rsplit("/", 1)[-1].removesuffix(".html")
        if path.startswith("month/"):
            first = dt.date.fromisoformat(name + "-01")
            months.append((path, f"{calendar.month_name[first.month]} {first.year}"))
        elif path.startswith("week/"):
            weeks.append((path, name))
    return {"months": months, "weeks": weeks, "review": review}
