"""Weekly per-platform schedules: pure functions from a Schedule to text.

Formats: ``table`` (a terminal 100 columns wide), ``markdown``, ``csv`` and ``json``.
The JSON shape is a stable contract (see ``docs/scheduling.md``): keys are sorted, times
are ISO 8601 with their offset.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from contentcal.errors import InvalidOptionError
from contentcal.model import ContentItem, Plan
from contentcal.model.bounds import check_date, check_days
from contentcal.model.moments import parse_iso_week
from contentcal.model.zones import aware, day_text, get_zone, suggest_zone
from contentcal.scheduling.place import Entry, Schedule, ScheduleProblem, schedule
from contentcal.views.escaping import csv_text, md_link, md_text, one_line

__all__ = [
    "Agenda",
    "Format",
    "WeekView",
    "agenda",
    "entry_label",
    "footer",
    "iso_week_start",
    "render_week",
    "select",
    "week",
]


class Format(enum.StrEnum):
    """Output formats of the weekly schedule."""

    TABLE = "table"
    MARKDOWN = "markdown"
    CSV = "csv"
    JSON = "json"


TABLE_WIDTH = 100

MOST_DAYS = 3660
"""The longest view (ten years): a longer one is a typo, and would take minutes to draw."""


def iso_week_start(week: str) -> dt.date:
    """Monday of an ISO week written ``2026-W50``; raise ``ValueError`` when malformed.

    >>> iso_week_start("2026-W50")
    datetime.date(2026, 12, 7)
    """
    return parse_iso_week(week)


@attrs.frozen
class WeekView:
    """A schedule narrowed to some platforms or one owner, shown in one time zone."""

    schedule: Schedule
    """The schedule (its window is the view's window)."""

    entries: tuple[Entry, ...]
    """The entries shown."""

    platforms: tuple[str, ...]
    """Platform ids shown, in plan order."""

    timezone: str
    """Zone in which times are shown."""

    owner: str | None = None
    """The person the view is narrowed to (its backlog, unplaced items and problems too)."""

    _shown: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """`platforms` as a set: a plan may have a thousand, and every backlog item is looked up."""

    @_shown.default
    def _shown_default(self) -> frozenset[str]:
        return frozenset(self.platforms)

    def shows(self, item: ContentItem) -> bool:
        """Whether `item` belongs in this view: on a shown platform and, if set, the owner's."""
        return item.platform in self._shown and (
            self.owner is None or (item.owner or "").casefold() == self.owner.casefold()
        )


def select(
    schedule: Schedule,
    *,
    platforms: Sequence[str] = (),
    owner: str | None = None,
    timezone: str | None = None,
) -> WeekView:
    """Narrow `schedule` to `platforms` (ids) and/or `owner`, shown in `timezone`.

    Raises :class:`~contentcal.errors.InvalidOptionError` naming the unknown platform or zone.
    """
    plan = schedule.plan
    known = [platform.id for platform in plan.platforms]
    for platform_id in platforms:
        if platform_id not in known:
            raise InvalidOptionError(
                f"unknown platform {platform_id!r}; the plan has: {', '.join(known)}"
            )
    chosen = tuple(p for p in known if not platforms or p in platforms)
    zone = timezone or plan.brand.timezone
    try:
        get_zone(zone)
    except ValueError:
        raise InvalidOptionError(f"unknown time zone {zone!r}; {suggest_zone(zone)}") from None
    wanted_owner = owner.casefold() if owner else None
    chosen_set = frozenset(chosen)
    entries = tuple(
        entry
        for entry in schedule.entries
        if entry.platform.id in chosen_set
        and (wanted_owner is None or (entry.item.owner or "").casefold() == wanted_owner)
    )
    if wanted_owner is not None:
        chosen = tuple(
            p
            for p in chosen
            if (plan.platform(p).owner or "").casefold() == wanted_owner
            or any(entry.platform.id == p for entry in entries)
        )
    return WeekView(
        schedule=schedule, entries=entries, platforms=chosen, timezone=zone, owner=owner or None
    )


def week(
    plan: Plan,
    *,
    now: dt.datetime,
    iso_week: str | None = None,
    start: dt.date | dt.datetime | None = None,
    days: int = 7,
    platforms: Sequence[str] = (),
    owner: str | None = None,
    timezone: str | None = None,
) -> WeekView:
    """Schedule `plan` and narrow it to one week (or `days` days) for display.

    The window starts on the Monday of `iso_week` (``2026-W50``), or on `start`, or by
    default on the Monday of `now`'s ISO week in the brand's time zone. A naive `now` is
    the brand's wall time. Raises :class:`~contentcal.errors.InvalidOptionError` for a
    malformed week, a non-positive `days`, an unknown platform or time zone.
    """
    if iso_week is not None and start is not None:
        raise InvalidOptionError("give either a week or a start date, not both")
    if days < 1:
        raise InvalidOptionError(f"days must be at least 1, got {days}")
    check_days(days, "days", most=MOST_DAYS)
    check_date(now, "now")
    brand_zone = get_zone(plan.brand.timezone)
    aware_now = aware(now, brand_zone)
    if iso_week is not None:
        first = iso_week_start(iso_week)
        check_date(first, "the week")
    elif isinstance(start, dt.datetime):
        # An instant (with an offset) is a day in the brand's zone; a wall time is its day.
        first = (start.astimezone(brand_zone) if start.tzinfo else start).date()
    elif start is not None:
        first = start
        check_date(first, "the start")
    else:
        today = aware_now.astimezone(brand_zone).date()
        first = today - dt.timedelta(days=today.weekday())
    placed = schedule(plan, now=aware_now, start=first, end=first + dt.timedelta(days=days))
    return select(placed, platforms=platforms, owner=owner, timezone=timezone)


def render_week(view: WeekView, *, fmt: Format | str = Format.TABLE, raw: bool = False) -> str:
    """Render a week (or any window) in one of the :class:`Format` s.

    CSV cells that a spreadsheet would run as a formula get a leading ``'`` unless `raw`
    (see :mod:`contentcal.views.escaping`); Markdown never carries HTML or non-http(s) links.
    """
    fmt = Format(fmt)
    if fmt is Format.JSON:
        return json.dumps(to_json(view), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt is Format.CSV:
        return _csv(view, raw=raw)
    if fmt is Format.MARKDOWN:
        return _markdown(view)
    return _table(view)


# --- data shared by every format ----------------------------------------------------------------


def _local(value: dt.datetime | dt.date, zone: str) -> dt.datetime | dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(get_zone(zone))
    return value


def _when(entry: Entry, zone: str) -> str:
    start = _local(entry.start, zone)
    if isinstance(start, dt.datetime):
        return f"{day_text(start)} {start:%H:%M}"
    return day_text(start) + " all day"


def _iso(value: dt.datetime | dt.date, zone: str) -> str:
    return _local(value, zone).isoformat()


def entry_label(entry: Entry, plan: Plan) -> str | None:
    """Where an entry stands in its story or as a repeat, e.g. ``step 2 of 3 · Year-end sale``.

    ``None`` for an entry that is neither a step of a story with steps nor an evergreen item.
    """
    parts = []
    item = entry.item
    if item.story is not None:
        try:
            story = plan.story(item.story)
        except KeyError:
            story = None
        if story is not None:
            step = story.step_of(item.platform)
            if story.steps and step is not None:
                parts.append(f"step {step + 1} of {len(story.steps)} · {story.title}")
            else:
                parts.append(f"story · {story.title}")
    if item.evergreen:
        of = f" of {item.times}" if item.times is not None else ""
        parts.append(f"evergreen, showing {entry.occurrence}{of}")
    return " · ".join(parts) or None


def _pillar_mix(view: WeekView) -> list[tuple[str, int, float, float | None]]:
    """(pillar, count, actual share, target share) for every pillar of the plan."""
    counts = Counter(entry.item.pillar for entry in view.entries if entry.item.pillar)
    total = sum(counts.values())
    return [
        (pillar.id, counts[pillar.id], counts[pillar.id] / total if total else 0.0, pillar.share)
        for pillar in view.schedule.plan.pillars
    ]


def _slots(view: WeekView) -> list[tuple[str, int, int]]:
    """(platform, entries on slots, slots available) per shown platform."""
    used = Counter(entry.platform.id for entry in view.entries if not entry.all_day)
    return [(p, used[p], view.schedule.slots.get(p, 0)) for p in view.platforms]


@attrs.frozen
class Agenda:
    """A review meeting or an open action's due date inside the view's window."""

    kind: str
    """``review`` or ``action``."""

    start: dt.datetime | dt.date
    """The meeting's start (aware), or the action's due date."""

    end: dt.datetime | dt.date
    """The meeting's end, or the day after the due date."""

    title: str
    """What it is."""

    owner: str | None
    """Who runs the review or does the action."""

    action: str | None = None
    """The action's id."""


def agenda(view: WeekView) -> list[Agenda]:
    """Review meetings and open actions due in the window (the owner's, with `owner`)."""
    schedule = view.schedule
    plan = schedule.plan
    zone = get_zone(plan.brand.timezone)
    found: list[Agenda] = []
    if plan.review is not None:
        from contentcal.reviewing.meetings import review_times  # noqa: PLC0415

        title = f"Review: {plan.brand.name} social media"
        found.extend(
            Agenda("review", start, start + plan.review.duration, title, plan.review.owner)
            for start in review_times(plan, start=schedule.start, end=schedule.end)
        )
    today = schedule.now.astimezone(zone).date()
    first = schedule.start.astimezone(zone).date()
    last = (schedule.end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    found.extend(
        Agenda(
            "action",
            action.due,
            action.due + dt.timedelta(days=1),
            action.what,
            action.owner,
            action.id,
        )
        for action in plan.actions
        if action.is_open(today) and first <= action.due <= last
    )
    if view.owner is not None:
        found = [a for a in found if (a.owner or "").casefold() == view.owner.casefold()]

    def order(entry: Agenda) -> str:
        start = entry.start
        return start.isoformat() if isinstance(start, dt.datetime) else f"{start.isoformat()}T"

    return sorted(found, key=order)


def _agenda_when(entry: Agenda, zone: str) -> str:
    start = _local(entry.start, zone)
    if isinstance(start, dt.datetime):
        return f"{day_text(start)} {start:%H:%M}"
    return day_text(start)


def to_json(view: WeekView) -> dict[str, Any]:
    """The stable JSON object of a week (see docs/scheduling.md for every key)."""
    schedule, zone = view.schedule, view.timezone
    return {
        "start": schedule.start.isoformat(),
        "end": schedule.end.isoformat(),
        "timezone": zone,
        "entries": [
            {
                "item": entry.item.id,
                "platform": entry.platform.id,
                "network": str(entry.platform.network),
                "start": _iso(entry.start, zone),
                "end": _iso(entry.end, zone),
                "all_day": entry.all_day,
                "placed": entry.placed,
                "title": entry.item.title,
                "pillar": entry.item.pillar,
                "goal": entry.item.goal,
                "status": str(entry.status),
                "owner": entry.item.owner,
                "story": entry.item.story,
                "occurrence": entry.occurrence,
                "label": entry_label(entry, view.schedule.plan),
                "copy": entry.item.copy,
                "media": str(entry.item.media) if entry.item.media else None,
                "link": entry.item.link,
            }
            for entry in view.entries
        ],
        "backlog": [_item_json(item) for item in schedule.backlog if view.shows(item)],
        "unplaced": [
            {
                **_item_json(unplaced.item),
                "reason": str(unplaced.reason),
                "message": unplaced.message,
            }
            for unplaced in schedule.unplaced
            if view.shows(unplaced.item)
        ],
        "problems": [
            {
                "kind": str(problem.kind),
                "item": problem.item.id,
                "other": problem.other.id if problem.other else None,
                "message": problem.message,
            }
            for problem in schedule.problems
            if _shows_problem(view, problem)
        ],
        "holidays": [
            {"date": holiday.day.isoformat(), "name": holiday.name} for holiday in schedule.holidays
        ],
        "pillar_mix": [
            {"pillar": pillar, "count": count, "share": round(share, 3), "target": target}
            for pillar, count, share, target in _pillar_mix(view)
        ],
        "slots": [
            {"platform": platform, "filled": filled, "available": available}
            for platform, filled, available in _slots(view)
        ],
        "agenda": [
            {
                "kind": entry.kind,
                "start": _iso(entry.start, zone),
                "end": _iso(entry.end, zone),
                "title": entry.title,
                "owner": entry.owner,
                "action": entry.action,
            }
            for entry in agenda(view)
        ],
    }


def _shows_problem(view: WeekView, problem: ScheduleProblem) -> bool:
    return view.shows(problem.item) or (problem.other is not None and view.shows(problem.other))


def _item_json(item: Any) -> dict[str, Any]:
    return {
        "item": item.id,
        "platform": item.platform,
        "title": item.title,
        "pillar": item.pillar,
        "goal": item.goal,
        "status": str(item.status),
        "owner": item.owner,
    }


def _heading(view: WeekView) -> str:
    schedule = view.schedule
    first = schedule.start.astimezone(get_zone(view.timezone))
    last = (schedule.end - dt.timedelta(microseconds=1)).astimezone(get_zone(view.timezone))
    days = (schedule.end - schedule.start).days
    span = f"{day_text(first, year=True)} – {day_text(last, year=True)}"
    iso_year, iso_week, iso_day = first.date().isocalendar()
    label = f"week {iso_year}-W{iso_week:02d}, " if iso_day == 1 and days == 7 else ""
    return f"{one_line(schedule.plan.brand.name)} — {label}{span} ({view.timezone})"


# --- table (terminal) ----------------------------------------------------------------------------


def _char_width(char: str) -> int:
    """Terminal columns of one character: 0 combining, 2 wide (CJK, most emoji), else 1."""
    return (
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
    )


_CHAR_WIDTHS: dict[str, int] = {}
"""Widths of the non-ASCII characters seen so far: a table has few distinct ones."""


def _width(text: str) -> int:
    # ASCII has no combining and no wide characters: one column each. Most titles are
    # ASCII, and a 100k-entry schedule measures half a million cells.
    if text.isascii():
        return len(text)
    widths = _CHAR_WIDTHS
    total = 0
    for char in text:
        width = widths.get(char)
        if width is None:
            width = widths[char] = _char_width(char)
        total += width
    return total


def _cut(text: str, width: int) -> str:
    """The longest start of `text` that fits `width` columns (at least one character)."""
    # Widths add up character by character, so a running total equals measuring every
    # longer start again (which made cutting quadratic).
    used = _width(text[:1])
    end = 1
    for char in text[1:]:
        used += _width(char)
        if used > width:
            break
        end += 1
    return text[:end]


def _wrap(text: str, width: int = TABLE_WIDTH, indent: str = "  ") -> list[str]:
    """Wrap `text` at spaces into lines of at most `width` terminal columns.

    Unlike :func:`textwrap.wrap` this counts columns, not characters: wide characters
    (CJK, most emoji) take two. Words longer than a line are cut.
    """
    lines: list[str] = []
    line = ""
    for word in one_line(text).split():
        if line and _width(line) + 1 + _width(word) <= width:
            line += " " + word
            continue
        if line:
            lines.append(line)
        line = (indent if lines else "") + word
        while _width(line) > width:
            head = _cut(line, width)
            lines.append(head)
            line = indent + line[len(head) :]
    if line:
        lines.append(line)
    return lines


def _fit(text: str, width: int) -> str:
    """Cut `text` to `width` terminal columns (with …) and pad it to exactly `width`.

    The cut falls at a word boundary ("Diskon Akhir Tahun…", not "Diskon Akhir Tahun untu…")
    unless that would keep less than half the column, as with one very long word.
    """
    text = one_line(text)
    if _width(text) > width:
        if text.isascii():
            end = max(width - 1, 0)  # one column a character
        else:
            used, end = 0, 0
            for char in text:
                used += _width(char)
                if used > width - 1:
                    break
                end += 1
        cut = text[:end]
        if not text[len(cut)].isspace():
            head = cut.rpartition(" ")[0].rstrip()
            if head and _width(head) * 2 >= width:
                cut = head
        text = cut.rstrip() + "…"
    return text + " " * (width - _width(text))


def _by_platform(view: WeekView) -> dict[str, list[Entry]]:
    """The view's entries by platform id, each in the view's (chronological) order."""
    grouped: dict[str, list[Entry]] = {}
    for entry in view.entries:
        grouped.setdefault(entry.platform.id, []).append(entry)
    return grouped


# Two spaces, six columns and five separators make exactly TABLE_WIDTH; "when" fits
# "Fri 25 Dec all day".
_COLUMNS = (("when", 18), ("title", 30), ("pillar", 13), ("goal", 15), ("status", 9), ("owner", 8))


def _table(view: WeekView) -> str:
    plan, zone = view.schedule.plan, view.timezone
    lines = [*_wrap(_heading(view)), ""]
    slots = {platform: (filled, available) for platform, filled, available in _slots(view)}
    by_platform = _by_platform(view)
    for platform_id in view.platforms:
        platform = plan.platform(platform_id)
        filled, available = slots[platform_id]
        who = " · ".join(part for part in (platform.handle, platform.owner) if part)
        head = f"{platform.name}" + (f" ({who})" if who else "")
        if platform.name.casefold() != platform.id.casefold():
            head = f"{platform.id}: {head}"
        lines.extend(_wrap(f"{head} — {filled} of {available} slots filled"))
        entries = by_platform.get(platform_id, [])
        if not entries:
            lines.append("  (nothing planned)")
        for entry in entries:
            item = entry.item
            cells = (
                _when(entry, zone),
                item.title,
                item.pillar or "-",
                item.goal or "-",
                str(entry.status),
                item.owner or "-",
            )
            row = "  " + " ".join(
                _fit(cell, width) for cell, (_, width) in zip(cells, _COLUMNS, strict=True)
            )
            lines.append(row.rstrip())
            label = entry_label(entry, plan)
            if label:
                # Under the title: which step of which story, or which showing of a repeat.
                indent = " " * (2 + _COLUMNS[0][1] + 1)
                lines.append(indent + _fit(label, TABLE_WIDTH - len(indent)).rstrip())
        lines.append("")
    for line in _footer(view):
        lines.extend(_wrap(line))
    return "\n".join(lines).rstrip("\n") + "\n"


def footer(view: WeekView) -> list[str]:
    """The lines under a week as ``week`` prints them: pillar mix against targets, holidays,
    backlog, unplaced items and problems (the site's week pages show the same facts)."""
    return _footer(view)


def _footer(view: WeekView) -> list[str]:
    schedule = view.schedule
    mix = []
    for pillar, count, share, target in _pillar_mix(view):
        text = f"{pillar} {count} ({share:.0%}"
        text += f", target {target:.0%})" if target is not None else ")"
        mix.append(text)
    lines = ["Pillar mix: " + (", ".join(mix) if mix else "no pillars")]
    for event in agenda(view):
        who = f" ({event.owner})" if event.owner else ""
        label = "Review" if event.kind == "review" else "Action due"
        title = event.title.removeprefix("Review: ")
        lines.append(f"{label}: {_agenda_when(event, view.timezone)} {title}{who}")
    if schedule.holidays:
        lines.append(
            "Holidays: " + ", ".join(f"{day_text(h.day)} {h.name}" for h in schedule.holidays)
        )
    backlog = [item for item in schedule.backlog if view.shows(item)]
    if backlog:
        counts = Counter(str(item.status) for item in backlog)
        lines.append(
            f"Backlog: {len(backlog)} item{'s' if len(backlog) != 1 else ''} not ready ("
            + ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
            + ")"
        )
    unplaced = [u for u in schedule.unplaced if view.shows(u.item)]
    for entry in unplaced:
        lines.append(f"Unplaced: {entry.item.id}: {entry.message}")
    for problem in schedule.problems:
        if _shows_problem(view, problem):
            lines.append(f"Problem: {problem.message} [{problem.kind}]")
    return lines


# --- markdown and csv ----------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return md_text(text)


def _markdown(view: WeekView) -> str:
    plan, zone = view.schedule.plan, view.timezone
    lines = [f"# {md_text(_heading(view))}", ""]
    slots = {platform: (filled, available) for platform, filled, available in _slots(view)}
    by_platform = _by_platform(view)
    for platform_id in view.platforms:
        platform = plan.platform(platform_id)
        filled, available = slots[platform_id]
        lines.append(f"## {md_text(platform.name)} — {filled} of {available} slots filled")
        lines.append("")
        entries = by_platform.get(platform_id, [])
        if not entries:
            lines.extend(["Nothing planned.", ""])
            continue
        lines.append("| When | Title | Pillar | Goal | Status | Owner |")
        lines.append("|---|---|---|---|---|---|")
        for entry in entries:
            item = entry.item
            label = entry_label(entry, plan)
            cells = (
                _md_cell(_when(entry, zone)),
                md_link(item.title, item.link) + (f" ({md_text(label)})" if label else ""),
                _md_cell(item.pillar or ""),
                _md_cell(item.goal or ""),
                _md_cell(str(entry.status)),
                _md_cell(item.owner or ""),
            )
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines.extend(f"- {md_text(line)}" for line in _footer(view))
    return "\n".join(lines) + "\n"


CSV_COLUMNS = (
    "date",
    "time",
    "timezone",
    "platform",
    "network",
    "item",
    "title",
    "pillar",
    "goal",
    "status",
    "owner",
    "story",
    "start",
    "end",
    "occurrence",
    "copy",
    "media",
    "link",
)
"""Header of the CSV format, one row per entry; `copy`, `media` and `link` come last so a
spreadsheet export carries the whole post."""


def _csv(view: WeekView, *, raw: bool = False) -> str:
    return csv_text(CSV_COLUMNS, _csv_rows(view.entries, view.timezone), raw=raw)


def _csv_rows(entries: Iterable[Entry], zone: str) -> Iterable[list[str]]:
    for entry in entries:
        start = _local(entry.start, zone)
        item = entry.item
        yield [
            start.strftime("%Y-%m-%d"),
            start.strftime("%H:%M") if isinstance(start, dt.datetime) else "",
            zone,
            entry.platform.id,
            str(entry.platform.network),
            item.id,
            item.title,
            item.pillar or "",
            item.goal or "",
            str(entry.status),
            item.owner or "",
            item.story or "",
            _iso(entry.start, zone),
            _iso(entry.end, zone),
            str(entry.occurrence),
            item.copy,
            str(item.media) if item.media else "",
            item.link or "",
        ]
