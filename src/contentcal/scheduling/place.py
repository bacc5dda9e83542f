"""Placement: every approved item lands in a posting slot a person can rely on.

:func:`schedule` is pure: the same plan and `now` give the same :class:`Schedule`.

Rules, in short:

* items with ``at`` keep it (a date without a time is an all-day entry);
* approved and scheduled items without ``at`` take the next free slot of their platform at
  or after `now`, in plan order (higher ``priority`` first), honouring ``min_gap``,
  blackouts and (when they block) public holidays — so appending an item never moves one
  already placed;
* ideas, drafts and items in review are the backlog; cancelled items are left out;
* placement looks `horizon` ahead of `now` (``[schedule] horizon``, default a year), and the
  window ``[start, end)`` only chooses which entries the schedule shows, so a weekly view
  and the full schedule always agree.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence

import attrs

from contentcal.errors import InvalidOptionError
from contentcal.model import (
    Blackout,
    ContentItem,
    HolidayMode,
    Plan,
    Platform,
    ScheduleSettings,
    Status,
)
from contentcal.model.moments import check_window
from contentcal.model.zones import UTC, get_zone, localize

__all__ = [
    "Entry",
    "Holiday",
    "ProblemKind",
    "Schedule",
    "ScheduleProblem",
    "UnplacedItem",
    "UnplacedReason",
    "schedule",
]


@attrs.frozen
class Entry:
    """An item at its time on its platform."""

    item: ContentItem
    """The content item."""

    platform: Platform
    """The platform it goes out on."""

    start: dt.datetime | dt.date
    """When it goes out: aware, in the platform's zone; a date for all-day items."""

    end: dt.datetime | dt.date
    """When its calendar block ends (the next day, exclusive, for all-day items)."""

    placed: bool
    """True when contentcal chose the slot; False when the item's ``at`` set it."""

    @property
    def all_day(self) -> bool:
        """Whether the entry has a date but no time."""
        return not isinstance(self.start, dt.datetime)

    def sort_key(self) -> tuple[dt.datetime, str, str]:
        """Chronological, then platform and item id (all-day entries first on their day)."""
        return (_instant(self.start, self.platform.timezone), self.platform.id, self.item.id)


class UnplacedReason(enum.StrEnum):
    """Why an item could not be placed."""

    NO_SLOTS = "no-slots"
    ALL_SLOTS_TAKEN = "all-slots-taken"
    BLACKOUT = "blackout"
    NO_TIME = "no-time"


@attrs.frozen
class UnplacedItem:
    """An item that should have a slot but did not get one."""

    item: ContentItem
    """The item."""

    reason: UnplacedReason
    """Why, as a stable code."""

    message: str
    """Why, in a sentence."""


class ProblemKind(enum.StrEnum):
    """Conflicts the schedule shows; ``check`` reports them as rules of the same name."""

    DOUBLE_BOOKED = "double-booked"
    IN_BLACKOUT = "in-blackout"
    PAST_NOT_PUBLISHED = "past-not-published"


@attrs.frozen
class ScheduleProblem:
    """A conflict in the schedule."""

    kind: ProblemKind
    """What kind of conflict."""

    item: ContentItem
    """The item with the problem (the later one, for a double booking)."""

    message: str
    """What is wrong, in a sentence."""

    other: ContentItem | None = None
    """The item it clashes with, for a double booking."""


@attrs.frozen
class Holiday:
    """A public holiday, shown in schedules (and blocking slots when configured)."""

    day: dt.date
    """The date."""

    name: str
    """Its name."""


@attrs.frozen
class Schedule:
    """The placed plan inside a window."""

    plan: Plan
    """The plan that was scheduled."""

    now: dt.datetime
    """The moment placement started from (aware)."""

    start: dt.datetime
    """Window start (aware, brand zone), inclusive."""

    end: dt.datetime
    """Window end (aware, brand zone), exclusive."""

    entries: tuple[Entry, ...]
    """Entries inside the window, chronological."""

    backlog: tuple[ContentItem, ...]
    """Ideas, drafts and items in review, in plan order."""

    unplaced: tuple[UnplacedItem, ...]
    """Items that should have a slot but got none, in plan order."""

    problems: tuple[ScheduleProblem, ...]
    """Conflicts among all entries (not only those in the window)."""

    slots: Mapping[str, int]
    """Per platform: how many slots fall inside the window (after blackouts)."""

    holidays: tuple[Holiday, ...] = ()
    """Public holidays inside the window."""

    all_entries: tuple[Entry, ...] = attrs.field(default=(), repr=False)
    """Every entry of the plan, also outside the window (chronological)."""


def schedule(
    plan: Plan,
    *,
    now: dt.datetime,
    start: dt.datetime | dt.date | None = None,
    end: dt.datetime | dt.date | None = None,
) -> Schedule:
    """Place the plan's items and return the schedule for the window ``[start, end)``.

    `now` must be given (a naive value is the brand's wall time). `start` and `end` may be
    dates (midnight in the brand's zone) or date-times; they default to `now`'s day and
    eight weeks after it.

    Raises :class:`~contentcal.errors.OptionalDependencyError` when the plan asks for
    public holidays and the ``holidays`` extra is not installed, and
    :class:`~contentcal.errors.InvalidOptionError` when the window is reversed or empty, or
    reaches past the calendar's range.
    """
    brand_zone = get_zone(plan.brand.timezone)
    settings = plan.schedule_settings
    try:
        now = _aware(now, brand_zone)
        window_start = (
            _aware(start, brand_zone)
            if start is not None
            else _aware(now.astimezone(brand_zone).date(), brand_zone)
        )
        window_end = (
            _aware(end, brand_zone) if end is not None else window_start + dt.timedelta(weeks=8)
        )
        horizon_end = now + settings.horizon
        # Slots are expanded in UTC; a window at the calendar's edge must survive that too.
        (max(window_end, horizon_end) + dt.timedelta(days=2)).astimezone(UTC)
        (min(window_start, now) - dt.timedelta(days=2)).astimezone(UTC)
    except OverflowError:
        raise InvalidOptionError(
            f"the dates asked for (now {now}, start {start}, end {end}) reach past the "
            "calendar's range; use dates between 1900 and 8999"
        ) from None
    check_window(window_start, window_end)
    holidays = _holidays(plan, min(window_start, now), max(window_end, horizon_end))
    blocking = (
        frozenset(holiday.day for holiday in holidays)
        if settings.holiday_mode is HolidayMode.BLOCK
        else frozenset()
    )

    backlog: list[ContentItem] = []
    fixed: dict[str, list[Entry]] = {platform.id: [] for platform in plan.platforms}
    waiting: dict[str, list[ContentItem]] = {platform.id: [] for platform in plan.platforms}
    unplaced: list[UnplacedItem] = []
    for item in plan.items:
        if item.status is Status.CANCELLED:
            continue
        if item.status.is_backlog:
            backlog.append(item)
            continue
        platform = plan.platform(item.platform)
        if item.at is not None:
            fixed[platform.id].append(_entry(item, platform, item.at, settings.duration, False))
        elif item.status is Status.PUBLISHED:
            unplaced.append(
                UnplacedItem(
                    item,
                    UnplacedReason.NO_TIME,
                    f"item {item.id!r} is published but has no time; add at = ... "
                    "with when it went out",
                )
            )
        else:
            waiting[platform.id].append(item)

    entries: list[Entry] = []
    problems: list[ScheduleProblem] = []
    slot_counts: dict[str, int] = {}
    placed_ids: dict[str, Entry] = {}
    for platform in plan.platforms:
        blackouts = plan.brand.blackout + platform.blackout
        platform_fixed = sorted(fixed[platform.id], key=Entry.sort_key)
        problems.extend(_fixed_problems(platform, platform_fixed, blackouts, blocking, now))
        entries.extend(platform_fixed)
        zone = get_zone(platform.timezone)
        window_slots = _free_days(
            _slot_times(platform, window_start, window_end), zone, blackouts, blocking
        )
        slot_counts[platform.id] = len(window_slots)
        queue = sorted(waiting[platform.id], key=lambda item: -item.priority)  # stable
        if not queue:
            continue
        all_slots = _slot_times(platform, now, horizon_end)
        free_slots = _free_days(all_slots, zone, blackouts, blocking)
        placed, failed = _place(platform, queue, all_slots, free_slots, platform_fixed, settings)
        for entry in placed:
            placed_ids[entry.item.id] = entry
        entries.extend(placed)
        unplaced.extend(failed)

    order = {item.id: index for index, item in enumerate(plan.items)}
    unplaced.sort(key=lambda unplaced_item: order[unplaced_item.item.id])
    entries.sort(key=Entry.sort_key)
    start_utc, end_utc = window_start.astimezone(UTC), window_end.astimezone(UTC)
    shown = tuple(
        entry
        for entry in entries
        if start_utc <= _instant(entry.start, entry.platform.timezone) < end_utc
    )
    first_day, last_day = window_start.date(), (window_end - dt.timedelta(microseconds=1)).date()
    return Schedule(
        plan=plan,
        now=now,
        start=window_start,
        end=window_end,
        entries=shown,
        backlog=tuple(backlog),
        unplaced=tuple(unplaced),
        problems=tuple(problems),
        slots=slot_counts,
        holidays=tuple(h for h in holidays if first_day <= h.day <= last_day),
        all_entries=tuple(entries),
    )


def _aware(value: dt.datetime | dt.date, zone: dt.tzinfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        return localize(value, zone)
    return value


def _instant(value: dt.datetime | dt.date, zone_name: str) -> dt.datetime:
    """A comparable UTC instant; an all-day date counts from its local midnight."""
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC)
    return localize(dt.datetime.combine(value, dt.time()), get_zone(zone_name)).astimezone(UTC)


def _entry(
    item: ContentItem,
    platform: Platform,
    at: dt.datetime | dt.date,
    default_duration: dt.timedelta,
    placed: bool,
) -> Entry:
    if isinstance(at, dt.datetime):
        zone = get_zone(platform.timezone)
        start = at.astimezone(zone)
        # Elapsed time, not wall time: a post at 02:50 on the night clocks fall back lasts
        # 15 minutes, not an hour and 15 (aware + timedelta in one zone is wall arithmetic).
        end: dt.datetime | dt.date = (
            start.astimezone(UTC) + (item.duration or default_duration)
        ).astimezone(zone)
        return Entry(item=item, platform=platform, start=start, end=end, placed=placed)
    return Entry(
        item=item, platform=platform, start=at, end=at + dt.timedelta(days=1), placed=placed
    )


def _slot_times(platform: Platform, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    if not platform.slots or end <= start:
        return []
    from contentcal.scheduling.cadence import parse_slot, slot_times  # noqa: PLC0415 - dateutil is heavy

    rules = [parse_slot(text) for text in platform.slots]
    return slot_times(rules, timezone=platform.timezone, start=start, end=end)


def _free_days(
    slots: Sequence[dt.datetime],
    zone: dt.tzinfo,
    blackouts: Sequence[Blackout],
    blocking: frozenset[dt.date],
) -> list[dt.datetime]:
    if not blackouts and not blocking:
        return list(slots)
    return [
        slot for slot in slots if not _blocked(slot.astimezone(zone).date(), blackouts, blocking)
    ]


def _blocked(day: dt.date, blackouts: Sequence[Blackout], blocking: frozenset[dt.date]) -> bool:
    return day in blocking or any(blackout.covers(day) for blackout in blackouts)


def _fixed_problems(
    platform: Platform,
    fixed: Sequence[Entry],
    blackouts: Sequence[Blackout],
    blocking: frozenset[dt.date],
    now: dt.datetime,
) -> Iterable[ScheduleProblem]:
    zone = get_zone(platform.timezone)
    gap = platform.min_gap or dt.timedelta(0)
    previous: Entry | None = None
    for entry in fixed:
        item = entry.item
        day = (
            entry.start.astimezone(zone).date()
            if isinstance(entry.start, dt.datetime)
            else entry.start
        )
        if item.status is not Status.PUBLISHED and _blocked(day, blackouts, blocking):
            reason = next((b.reason for b in blackouts if b.covers(day) and b.reason), None) or (
                "a public holiday" if day in blocking else "a blackout day"
            )
            yield ScheduleProblem(
                ProblemKind.IN_BLACKOUT,
                item,
                f"item {item.id!r} is set for {day} on {platform.id}, which is {reason}",
            )
        if item.status is not Status.PUBLISHED and _instant(entry.start, platform.timezone) < now:
            yield ScheduleProblem(
                ProblemKind.PAST_NOT_PUBLISHED,
                item,
                f"item {item.id!r} was due at {_show(entry.start)} but is {item.status}, "
                "not published",
            )
        if not entry.all_day:
            if previous is not None:
                assert isinstance(previous.start, dt.datetime)  # noqa: S101 - timed entries only
                assert isinstance(entry.start, dt.datetime)  # noqa: S101
                # Subtracting two times of one zone gives wall time; gaps are real time.
                distance = entry.start.astimezone(UTC) - previous.start.astimezone(UTC)
                if distance < gap or distance == dt.timedelta(0):
                    yield ScheduleProblem(
                        ProblemKind.DOUBLE_BOOKED,
                        item,
                        f"items {previous.item.id!r} and {item.id!r} on {platform.id} are "
                        f"{_show_gap(distance)} apart"
                        + (f"; the minimum gap is {_show_gap(gap)}" if gap else ""),
                        other=previous.item,
                    )
            previous = entry


def _place(
    platform: Platform,
    queue: Sequence[ContentItem],
    all_slots: Sequence[dt.datetime],
    free_slots: Sequence[dt.datetime],
    fixed: Sequence[Entry],
    settings: ScheduleSettings,
) -> tuple[list[Entry], list[UnplacedItem]]:
    """Give each queued item the earliest free slot; one forward pass over the slots.

    Each item takes the earliest slot that no earlier placement blocks, so later items can
    only land later: a single pointer suffices and placement is linear in slots + items.
    """
    gap = platform.min_gap or dt.timedelta(0)
    taken = sorted(
        entry.start.astimezone(UTC) for entry in fixed if isinstance(entry.start, dt.datetime)
    )
    placed: list[Entry] = []
    failed: list[UnplacedItem] = []
    position = 0
    last: dt.datetime | None = None
    for item in queue:
        slot = None
        while position < len(free_slots):
            candidate = free_slots[position]
            position += 1
            # In UTC: within one zone, subtraction ignores a DST change in between.
            if last is not None and candidate.astimezone(UTC) - last.astimezone(UTC) < gap:
                continue
            if _clashes(candidate.astimezone(UTC), taken, gap):
                continue
            slot = candidate
            break
        if slot is None:
            failed.append(_why_unplaced(platform, item, all_slots, free_slots))
            continue
        last = slot
        placed.append(_entry(item, platform, slot, settings.duration, True))
    return placed, failed


def _clashes(instant: dt.datetime, taken: Sequence[dt.datetime], gap: dt.timedelta) -> bool:
    index = bisect.bisect_left(taken, instant)
    if index < len(taken) and (taken[index] - instant < gap or taken[index] == instant):
        return True
    return index > 0 and instant - taken[index - 1] < gap


def _why_unplaced(
    platform: Platform,
    item: ContentItem,
    all_slots: Sequence[dt.datetime],
    free_slots: Sequence[dt.datetime],
) -> UnplacedItem:
    if not platform.slots:
        return UnplacedItem(
            item,
            UnplacedReason.NO_SLOTS,
            f"platform {platform.id!r} has no slots; add slots = [...] or give the item a time",
        )
    if not all_slots:
        return UnplacedItem(
            item,
            UnplacedReason.NO_SLOTS,
            f"platform {platform.id!r} has no slots between now and the horizon; add slots, "
            "extend [schedule] horizon or give the item a time",
        )
    if not free_slots:
        return UnplacedItem(
            item,
            UnplacedReason.BLACKOUT,
            f"every slot of {platform.id!r} ahead falls in a blackout",
        )
    return UnplacedItem(
        item,
        UnplacedReason.ALL_SLOTS_TAKEN,
        f"all slots of {platform.id!r} ahead are taken; add slots or move items",
    )


def _show(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return value.isoformat()


def _show_gap(gap: dt.timedelta) -> str:
    minutes = int(gap.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _holidays(plan: Plan, start: dt.datetime, end: dt.datetime) -> tuple[Holiday, ...]:
    settings = plan.schedule_settings
    if settings.holidays is None:
        return ()
    from contentcal.scheduling.holidays import public_holidays  # noqa: PLC0415 - optional extra

    return tuple(
        Holiday(day=day, name=name)
        for day, name in public_holidays(
            settings.holidays,
            subdivision=settings.subdivision,
            first=start.date(),
            last=end.date(),
            file=plan.source,
        )
    )
