"""Placement: every approved item lands in a posting slot a person can rely on.

:func:`schedule` is pure: the same plan and `now` give the same :class:`Schedule`.

Rules, in short:

* items with ``at`` keep it (a date without a time is an all-day entry);
* approved and scheduled items without ``at`` take the next free slot of their platform at
  or after `now`, in plan order (higher ``priority`` first), honouring ``min_gap``,
  blackouts and (when they block) public holidays — so appending an item never moves one
  already placed;
* a story's versions follow its steps: each step takes its platform's first free slot at
  or after the previous step's post + the step's ``after`` (elapsed time); a pinned
  version keeps its time and the later steps follow it (``docs/stories.md``);
* evergreen items are posted again: once every other item is placed, each repeat takes the
  first free slot at least ``repeat_after`` after the previous occurrence, until ``times``
  or ``until`` or the horizon ends it (``docs/scheduling.md``, "Evergreen posts");
* ideas, drafts and items in review are the backlog; cancelled items are left out;
* placement looks `horizon` ahead of `now` (``[schedule] horizon``, default a year), and the
  window ``[start, end)`` only chooses which entries the schedule shows, so a weekly view
  and the full schedule always agree.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from contentcal.collector import collector_paused
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
from contentcal.model.bounds import EARLIEST, LATEST, check_date, clamp_add
from contentcal.model.moments import check_window
from contentcal.model.zones import UTC, aware, get_zone, localize, offset_text

__all__ = [
    "Entry",
    "Holiday",
    "ProblemKind",
    "Schedule",
    "ScheduleProblem",
    "UnplacedItem",
    "UnplacedReason",
    "entry_instant",
    "narrow",
    "next_change",
    "schedule",
    "story_versions",
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

    occurrence: int = 1
    """Which time the item goes out: 1 for the first, 2, 3, ... for an evergreen's repeats."""

    @classmethod
    def of(
        cls,
        item: ContentItem,
        platform: Platform,
        at: dt.datetime | dt.date,
        *,
        default_duration: dt.timedelta,
        placed: bool,
        occurrence: int = 1,
    ) -> Entry:
        """The entry of `item` at `at` on `platform`: the one place an entry is built.

        A timed start is converted to the platform's zone and ends after the item's
        ``duration`` (or `default_duration`) of elapsed time; a date is an all-day entry
        ending the next day.
        """
        start: dt.datetime | dt.date
        end: dt.datetime | dt.date
        if isinstance(at, dt.datetime):
            zone = get_zone(platform.timezone)
            start = aware(at, zone).astimezone(zone)
            # Elapsed time, not wall time: a post at 02:50 on the night clocks fall back
            # lasts 15 minutes, not an hour and 15 (aware + timedelta in one zone is wall
            # arithmetic).
            end = (start.astimezone(UTC) + (item.duration or default_duration)).astimezone(zone)
        else:
            start, end = at, at + dt.timedelta(days=1)
        return cls(
            item=item,
            platform=platform,
            start=start,
            end=end,
            placed=placed,
            occurrence=occurrence,
        )

    @property
    def status(self) -> Status:
        """The status of this occurrence: an evergreen repeat of a published post is scheduled.

        The item's status describes its first showing; a repeat has not gone out just because
        the first one did.
        """
        if self.occurrence > 1 and self.item.status is Status.PUBLISHED:
            return Status.SCHEDULED
        return self.item.status

    @property
    def all_day(self) -> bool:
        """Whether the entry has a date but no time."""
        return not isinstance(self.start, dt.datetime)

    @property
    def key(self) -> str:
        """Unique within a schedule: the item id, with ``#<n>`` for an evergreen's repeat n."""
        return self.item.id if self.occurrence == 1 else f"{self.item.id}#{self.occurrence}"

    @property
    def instant(self) -> dt.datetime:
        """When the entry starts, in UTC; an all-day entry from its local midnight."""
        return _instant(self.start, self.platform.timezone)

    def sort_key(self) -> tuple[dt.datetime, str, str, int]:
        """Chronological, then platform, item id and occurrence (all-day entries first)."""
        return (
            self.instant,
            self.platform.id,
            self.item.id,
            self.occurrence,
        )


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

    Raises :class:`~contentcal.errors.PlanError` with every problem of an invalid plan (see
    :func:`contentcal.validate`), :class:`~contentcal.errors.OptionalDependencyError`
    when the plan asks for public holidays and the ``holidays`` extra is not installed, and
    :class:`~contentcal.errors.InvalidOptionError` when `now`, `start` or `end` lies outside
    the years contentcal works in (see :mod:`contentcal.model.bounds`), or when the window is
    reversed, empty or longer than ten years.
    """
    # Placing makes a few objects per item (entries, instants), none in a reference cycle,
    # on top of the plan's: the cycle collector would walk the whole heap again and again
    # and free nothing (a quarter of placing 100k items).
    with collector_paused():
        return _schedule(plan, now=now, start=start, end=end)


def _schedule(
    plan: Plan,
    *,
    now: dt.datetime,
    start: dt.datetime | dt.date | None,
    end: dt.datetime | dt.date | None,
) -> Schedule:
    # The validation pass lives with the loader's field specs; a loaded plan skips it.
    from contentcal.files.validate import require_valid  # noqa: PLC0415

    require_valid(plan)
    for what, moment in (("now", now), ("the start", start), ("the end", end)):
        if moment is not None:
            check_date(moment, what)
    brand_zone = get_zone(plan.brand.timezone)
    settings = plan.schedule_settings
    # The plan's cap applies to plans built in code too; clamp_add never overflows.
    horizon = min(settings.horizon, dt.timedelta(days=plan.limits.horizon_days))
    try:
        now = aware(now, brand_zone)
        window_start = (
            aware(start, brand_zone)
            if start is not None
            else aware(now.astimezone(brand_zone).date(), brand_zone)
        )
        window_end = (
            aware(end, brand_zone) if end is not None else window_start + dt.timedelta(weeks=8)
        )
        horizon_end = clamp_add(now, horizon)
        # Slots are expanded in UTC; a window at the calendar's edge must survive that too.
        (max(window_end, horizon_end) + dt.timedelta(days=2)).astimezone(UTC)
        (min(window_start, now) - dt.timedelta(days=2)).astimezone(UTC)
    except OverflowError:
        raise InvalidOptionError(
            f"the dates asked for (now {now}, start {start}, end {end}) reach past the "
            f"calendar's range; use dates between {EARLIEST.year} and {LATEST.year}"
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
    waiting: list[ContentItem] = []
    unplaced: list[UnplacedItem] = []
    for item in plan.items:
        if not item.status.is_placed:
            if item.status.is_backlog:
                backlog.append(item)
            continue  # cancelled items are left out
        platform = plan.platform(item.platform)
        if item.at is not None:
            fixed[platform.id].append(
                Entry.of(item, platform, item.at, default_duration=settings.duration, placed=False)
            )
        elif not item.status.takes_slot:
            unplaced.append(
                UnplacedItem(
                    item,
                    UnplacedReason.NO_TIME,
                    f"item {item.id!r} is published but has no time; add at = ... "
                    "with when it went out",
                )
            )
            continue
        else:
            waiting.append(item)
        for number, repeat in enumerate(item.repeat_at if item.evergreen else (), start=2):
            fixed[platform.id].append(
                Entry.of(
                    item,
                    platform,
                    repeat,
                    default_duration=settings.duration,
                    placed=False,
                    occurrence=number,
                )
            )

    entries: list[Entry] = []
    problems: list[ScheduleProblem] = []
    slot_counts: dict[str, int] = {}
    lanes: dict[str, _Lane] = {}
    for platform in plan.platforms:
        blackouts = plan.brand.blackout + platform.blackout
        platform_fixed = sorted(fixed[platform.id], key=Entry.sort_key)
        problems.extend(_fixed_problems(platform, platform_fixed, blackouts, blocking, now))
        entries.extend(platform_fixed)
        zone = get_zone(platform.timezone)
        most = plan.limits.slots_per_day
        window_slots = _free_days(
            _slot_times(platform, window_start, window_end, most), zone, blackouts, blocking
        )
        slot_counts[platform.id] = len(window_slots)
        lanes[platform.id] = _Lane(
            platform=platform,
            slots=functools.partial(
                _lane_slots, platform, now, horizon_end, blackouts, blocking, most
            ),
            taken=sorted(
                entry.start.astimezone(UTC)
                for entry in platform_fixed
                if isinstance(entry.start, dt.datetime)
            ),
            zone=zone,
        )

    placer = _Placer(plan=plan, lanes=lanes, settings=settings, fixed=fixed)
    queue = sorted(waiting, key=lambda item: -item.priority)  # stable: plan order within
    placer.place_all(queue)
    placer.repeat_evergreen()
    unplaced.extend(placer.unplaced)

    if unplaced:
        order = {item.id: index for index, item in enumerate(plan.items)}
        unplaced.sort(key=lambda unplaced_item: order[unplaced_item.item.id])
    # Entry.sort_key, with the instants of placed entries already known in UTC: converting
    # every start again was a fifth of placing.
    keyed = [
        ((entry.instant, entry.platform.id, entry.item.id, entry.occurrence), entry)
        for entry in entries
    ]
    keyed.extend(
        ((instant, entry.platform.id, entry.item.id, entry.occurrence), entry)
        for instant, entry in placer.placed
    )
    keyed.sort(key=_first)
    entries = [entry for _, entry in keyed]
    start_utc, end_utc = window_start.astimezone(UTC), window_end.astimezone(UTC)
    shown = tuple(entry for key, entry in keyed if start_utc <= key[0] < end_utc)
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


def narrow(
    placed: Schedule,
    *,
    start: dt.datetime | dt.date,
    end: dt.datetime | dt.date,
    entries: Sequence[Entry] | None = None,
) -> Schedule:
    """`placed` seen through the window ``[start, end)``: nothing moves, nothing is re-placed.

    The result equals ``schedule(placed.plan, now=placed.now, start=start, end=end)`` when
    the new window lies inside `placed`'s (public holidays are only known there), at the
    cost of counting slots instead of placing every item again: the site's week pages use
    it once per week. Dates are midnight in the brand's zone.

    `entries`, when given, are the entries of ``placed.all_entries`` that start inside the
    window (by :func:`entry_instant`), in their order: a caller narrowing to many windows
    sorts every entry into its window once instead of scanning them all for each.
    """
    plan = placed.plan
    brand_zone = get_zone(plan.brand.timezone)
    window_start, window_end = aware(start, brand_zone), aware(end, brand_zone)
    start_utc, end_utc = window_start.astimezone(UTC), window_end.astimezone(UTC)
    first_day, last_day = window_start.date(), (window_end - dt.timedelta(microseconds=1)).date()
    holidays = tuple(h for h in placed.holidays if first_day <= h.day <= last_day)
    blocking = (
        frozenset(holiday.day for holiday in holidays)
        if plan.schedule_settings.holiday_mode is HolidayMode.BLOCK
        else frozenset()
    )
    slot_counts = {
        platform.id: len(
            _free_days(
                _slot_times(platform, window_start, window_end),
                get_zone(platform.timezone),
                plan.brand.blackout + platform.blackout,
                blocking,
            )
        )
        for platform in plan.platforms
    }
    return attrs.evolve(
        placed,
        start=window_start,
        end=window_end,
        entries=tuple(
            entry
            for entry in placed.all_entries
            if start_utc <= _instant(entry.start, entry.platform.timezone) < end_utc
        )
        if entries is None
        else tuple(entries),
        slots=slot_counts,
        holidays=holidays,
    )


def _first(
    pair: tuple[tuple[dt.datetime, str, str, int], Entry],
) -> tuple[dt.datetime, str, str, int]:
    return pair[0]


def entry_instant(entry: Entry) -> dt.datetime:
    """When `entry` starts as a UTC instant, as :func:`narrow` compares it with a window."""
    return _instant(entry.start, entry.platform.timezone)


def _instant(value: dt.datetime | dt.date, zone_name: str) -> dt.datetime:
    """A comparable UTC instant; an all-day date counts from its local midnight."""
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC)
    return aware(value, zone_name).astimezone(UTC)


@attrs.define
class _Lane:
    """One platform's slots during placement: which are free, which instants are taken."""

    platform: Platform
    slots: Callable[[], tuple[list[dt.datetime], list[dt.datetime]]]
    """Computes (all slots, free slots) from now to the horizon; called on first use."""

    taken: list[dt.datetime]
    """Sorted UTC instants of every timed entry on the platform so far."""

    zone: dt.tzinfo
    """The platform's zone, which its slots are in."""

    position: int = 0
    """Slots before this index are of no use to any item without a 'not before' time."""

    @functools.cached_property
    def _expanded(self) -> tuple[list[dt.datetime], list[dt.datetime], list[dt.datetime]]:
        all_slots, free_slots = self.slots()
        return all_slots, free_slots, [slot.astimezone(UTC) for slot in free_slots]

    @property
    def all_slots(self) -> list[dt.datetime]:
        return self._expanded[0]

    @property
    def free_slots(self) -> list[dt.datetime]:
        return self._expanded[1]

    def take(
        self, not_before: dt.datetime | None = None, before: dt.datetime | None = None
    ) -> tuple[dt.datetime, dt.datetime] | None:
        """Take the earliest free slot at or after `not_before` (and before `before`).

        Returns the slot (in the platform's zone) and its UTC instant.

        Without `not_before`, the scan starts where the last such scan stopped: every
        slot it passed is taken or too close to a taken one for good, since entries are
        only ever added. So placing n items is linear in slots + n.
        """
        gap = self.platform.min_gap or dt.timedelta(0)
        _, free_slots, free_utc = self._expanded
        moving = not_before is None
        index = self.position
        if not_before is not None:
            index = max(index, bisect.bisect_left(free_utc, not_before.astimezone(UTC)))
        while index < len(free_slots):
            instant = free_utc[index]
            if before is not None and instant >= before:
                break
            index += 1
            if moving:
                self.position = index
            if _clashes(instant, self.taken, gap):
                continue
            bisect.insort(self.taken, instant)
            return free_slots[index - 1], instant
        return None


def _lane_slots(
    platform: Platform,
    now: dt.datetime,
    horizon_end: dt.datetime,
    blackouts: Sequence[Blackout],
    blocking: frozenset[dt.date],
    most: int,
) -> tuple[list[dt.datetime], list[dt.datetime]]:
    all_slots = _slot_times(platform, now, horizon_end, most)
    return all_slots, _free_days(all_slots, get_zone(platform.timezone), blackouts, blocking)


@attrs.define
class _Placer:
    """Places the waiting items: in order, stories after their previous step, then repeats."""

    plan: Plan
    lanes: dict[str, _Lane]
    settings: ScheduleSettings
    fixed: Mapping[str, list[Entry]]
    placed: list[tuple[dt.datetime, Entry]] = attrs.Factory(list)
    """The entries placed, each with its UTC instant."""

    unplaced: list[UnplacedItem] = attrs.Factory(list)
    times: dict[str, dt.datetime] = attrs.Factory(dict)
    """UTC instant of each item's first post, once known (pinned or placed)."""

    pending: dict[str, list[ContentItem]] = attrs.Factory(dict)
    """Story versions waiting for the version of an earlier step, by that version's id."""

    queued: set[str] = attrs.Factory(set)
    """Ids of items still to be placed."""

    versions: Mapping[tuple[str, str], ContentItem] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.versions = story_versions(self.plan)
        for platform_entries in self.fixed.values():
            for entry in platform_entries:
                if entry.occurrence == 1:
                    self.times[entry.item.id] = entry.instant

    def place_all(self, queue: Sequence[ContentItem]) -> None:
        self.queued = {item.id for item in queue}
        for item in queue:
            self.place(item)

    def place(self, item: ContentItem) -> None:
        not_before: dt.datetime | None = None
        why = ""
        if item.story is not None:  # only a story's version can wait for another
            waits_for, not_before, why = _follows(
                self.plan, self.versions, item, self.times, self.queued
            )
            if waits_for is not None:
                self.pending.setdefault(waits_for, []).append(item)
                return
        self.queued.discard(item.id)
        lane = self.lanes[item.platform]
        taken = lane.take(not_before)
        if taken is None:
            failed = _why_unplaced(lane.platform, item, lane.all_slots, lane.free_slots)
            if not_before is not None and lane.free_slots and why:
                failed = attrs.evolve(
                    failed,
                    message=f"no free slot of {lane.platform.id!r} from "
                    f"{_show(not_before.astimezone(get_zone(lane.platform.timezone)))} "
                    f"to the horizon, {why}",
                )
            self.unplaced.append(failed)
        else:
            slot, instant = taken
            self.times[item.id] = instant
            self.placed.append(
                (
                    instant,
                    _placed_entry(
                        item, lane.platform, lane.zone, slot, instant, self.settings.duration
                    ),
                )
            )
        if self.pending:
            for follower in self.pending.pop(item.id, ()):
                self.place(follower)

    def repeat_evergreen(self) -> None:
        """Give each evergreen item its repeats, in plan order, in the slots left free."""
        for item in self.plan.items:
            if not item.evergreen or item.repeat_after is None or item.id not in self.times:
                continue
            lane = self.lanes[item.platform]
            zone = get_zone(lane.platform.timezone)
            last = max([self.times[item.id], *(at.astimezone(UTC) for at in item.repeat_at)])
            before = (
                aware(item.until + dt.timedelta(days=1), zone) if item.until is not None else None
            )
            occurrence = 1 + len(item.repeat_at)
            while item.times is None or occurrence < item.times:
                taken = lane.take(last + item.repeat_after, before)
                if taken is None:
                    break
                slot, last = taken
                occurrence += 1
                entry = _placed_entry(
                    item, lane.platform, lane.zone, slot, last, self.settings.duration, occurrence
                )
                self.placed.append((last, entry))


def _placed_entry(
    item: ContentItem,
    platform: Platform,
    zone: dt.tzinfo,
    slot: dt.datetime,
    instant: dt.datetime,
    default_duration: dt.timedelta,
    occurrence: int = 1,
) -> Entry:
    """``Entry.of(item, platform, slot, placed=True, ...)`` for a slot whose UTC instant is
    known: one conversion instead of three for each of the (many) placed entries."""
    if slot.tzinfo is not zone:  # slots come in the platform's zone; anything else, the long way
        return Entry.of(
            item,
            platform,
            slot,
            default_duration=default_duration,
            placed=True,
            occurrence=occurrence,
        )
    return Entry(
        item=item,
        platform=platform,
        start=slot,
        end=(instant + (item.duration or default_duration)).astimezone(zone),
        placed=True,
        occurrence=occurrence,
    )


def _follows(
    plan: Plan,
    versions: Mapping[tuple[str, str], ContentItem],
    item: ContentItem,
    times: Mapping[str, dt.datetime],
    queued: set[str],
) -> tuple[str | None, dt.datetime | None, str]:
    """What a story version waits for: (version still to place, not-before time, why).

    The previous step is the nearest earlier step whose version has a time; steps without
    a version (missing, in the backlog, unplaced) are skipped and their offsets add up.
    """
    if item.story is None:
        return None, None, ""
    try:
        story = plan.story(item.story)
    except KeyError:
        return None, None, ""
    step = story.step_of(item.platform)
    if step is None or versions.get((story.id, item.platform)) is not item:
        return None, None, ""
    offset = story.steps[step].after
    for earlier in range(step - 1, -1, -1):
        version = versions.get((story.id, story.steps[earlier].platform))
        if version is not None:
            if version.id in times:
                why = f"when step {step + 1} of story {story.id!r} may follow step {earlier + 1}"
                return None, times[version.id] + offset, why
            if version.id in queued:
                return version.id, None, ""
        offset += story.steps[earlier].after
    return None, None, ""


def _slot_times(
    platform: Platform, start: dt.datetime, end: dt.datetime, most: int = 1440
) -> list[dt.datetime]:
    if not platform.slots or end <= start:
        return []
    from contentcal.scheduling.cadence import most_per_day, parse_slot, slot_times  # noqa: PLC0415 - dateutil is heavy

    rules = [parse_slot(text) for text in platform.slots]
    # The loader holds plans to [limits] slots_per_day; a plan built in code is held here,
    # before expanding: every minute for years would take minutes and gigabytes.
    per_day = sum(most_per_day(rule) for rule in rules)
    if per_day > most:
        raise InvalidOptionError(
            f"platform {platform.id!r} has up to {per_day} slots a day; at most {most} are "
            "allowed (raise slots_per_day in [limits])"
        )
    return slot_times(rules, timezone=platform.timezone, start=start, end=end)


def _free_days(
    slots: Sequence[dt.datetime],
    zone: dt.tzinfo,
    blackouts: Sequence[Blackout],
    blocking: frozenset[dt.date],
) -> list[dt.datetime]:
    if not blackouts and not blocking:
        return list(slots)
    # Slots come a few a day, in order: ask about each day once.
    free: list[dt.datetime] = []
    last_day: dt.date | None = None
    blocked = False
    for slot in slots:
        day = slot.astimezone(zone).date()
        if day != last_day:
            last_day, blocked = day, _blocked(day, blackouts, blocking)
        if not blocked:
            free.append(slot)
    return free


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
        if item.status is not Status.PUBLISHED and entry.instant < now:
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


def story_versions(plan: Plan) -> dict[tuple[str, str], ContentItem]:
    """Each (story, platform)'s version: the story's first item there that is not cancelled."""
    versions: dict[tuple[str, str], ContentItem] = {}
    for item in plan.items:
        if item.story is not None and item.status is not Status.CANCELLED:
            versions.setdefault((item.story, item.platform), item)
    return versions


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
    """``2026-11-29 19:00 +07:00``: a numeric offset, never a zone abbreviation.

    Abbreviations (``%Z``) come from the tz database in use and differ between versions
    and machines (``WIB`` or ``+07``), so messages would too.
    """
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M} {offset_text(value)}"
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


def next_change(placed: Schedule) -> dt.datetime:
    """The first instant after which scheduling again could place something differently.

    Placement depends on ``now``: a slot that passes is no longer free, an item whose time
    passes is in the past, and the day (the default window) turns at midnight in the
    brand's zone. The answer is the earliest of the next slot of any platform, the next
    entry start (each plus one microsecond: at that very instant it is still upcoming) and
    the next local midnight, so it is never more than a day away. A server rebuilds after it; until
    then, scheduling with a later ``now`` gives the same placement.
    """
    now = placed.now
    zone = get_zone(placed.plan.brand.timezone)
    local = now.astimezone(zone)
    midnight = localize(
        dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time()), zone
    ).astimezone(UTC)
    candidates = [midnight]
    step = dt.timedelta(microseconds=1)
    for platform in placed.plan.platforms:
        slots = _slot_times(platform, now, midnight + step)
        if slots:
            candidates.append(slots[0].astimezone(UTC) + step)
    now_utc = now.astimezone(UTC)
    for entry in placed.all_entries:
        start = _instant(entry.start, entry.platform.timezone)
        if now_utc <= start < midnight:
            candidates.append(start + step)
    return min(candidates)
