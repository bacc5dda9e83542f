"""Placement: slots, order, gaps, blackouts, holidays, DST and the conflicts a schedule shows.

Plans are built in memory from the model classes (the loader has its own tests); a few
tests go through ``load`` to show the whole path from a plan file to a placed item.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import zoneinfo
from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentcal import load, schedule
from contentcal.errors import OptionalDependencyError, PlanError
from contentcal.model import (
    Blackout,
    Brand,
    ContentItem,
    HolidayMode,
    Network,
    Plan,
    Platform,
    ScheduleSettings,
    Status,
)
from contentcal.model.zones import get_zone, localize
from contentcal.scheduling.cadence import parse_slot, slot_times
from contentcal.scheduling.place import (
    Entry,
    Holiday,
    ProblemKind,
    Schedule,
    UnplacedReason,
)

from .conftest import EXAMPLE, MINIMAL_PLAN, NOW, WriteFiles

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
UTC = dt.UTC


def jakarta(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall time in Jakarta (no DST there, so tzinfo= is exact)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def make_platform(
    platform_id: str = "instagram",
    *,
    slots: Sequence[str] = ("MO,WE,FR 19:00",),
    timezone: str = "Asia/Jakarta",
    min_gap: dt.timedelta | None = None,
    blackout: Sequence[Blackout] = (),
) -> Platform:
    return Platform(
        id=platform_id,
        network=Network.OTHER,
        timezone=timezone,
        slots=tuple(slots),
        min_gap=min_gap,
        blackout=tuple(blackout),
    )


def make_item(item_id: str, platform: str = "instagram", **fields: Any) -> ContentItem:
    fields.setdefault("title", item_id.upper())
    return ContentItem(id=item_id, platform=platform, **fields)


def make_plan(
    *items: ContentItem,
    platforms: Sequence[Platform] = (),
    blackout: Sequence[Blackout] = (),
    timezone: str = "Asia/Jakarta",
    settings: ScheduleSettings | None = None,
) -> Plan:
    return Plan(
        brand=Brand(name="Toko Kopi", timezone=timezone, blackout=tuple(blackout)),
        platforms=tuple(platforms) or (make_platform(),),
        items=items,
        schedule_settings=settings or ScheduleSettings(),
    )


def starts(result: Schedule) -> list[tuple[str, str]]:
    """(item id, ISO start) of every entry of the plan, chronological."""
    return [(entry.item.id, _iso(entry.start)) for entry in result.all_entries]


def _iso(value: dt.datetime | dt.date) -> str:
    return value.isoformat()


def problems(result: Schedule) -> list[tuple[str, str, str | None, str]]:
    return [
        (str(p.kind), p.item.id, p.other.id if p.other else None, p.message)
        for p in result.problems
    ]


def unplaced(result: Schedule) -> list[tuple[str, str, str]]:
    return [(u.item.id, str(u.reason), u.message) for u in result.unplaced]


# --- placement ---------------------------------------------------------------------------------


def test_items_without_at_take_the_next_free_slots_in_plan_order() -> None:
    """Approved and scheduled items fill the slots from `now` on, one each, in plan order."""
    plan = make_plan(make_item("a"), make_item("b", status=Status.SCHEDULED), make_item("c"))
    result = schedule(plan, now=NOW)
    assert starts(result) == [
        ("a", "2026-11-30T19:00:00+07:00"),
        ("b", "2026-12-02T19:00:00+07:00"),
        ("c", "2026-12-04T19:00:00+07:00"),
    ]
    assert [entry.placed for entry in result.all_entries] == [True, True, True]
    assert result.unplaced == ()
    assert result.problems == ()


def test_placed_entries_last_the_default_or_the_item_duration() -> None:
    """A placed post occupies [schedule] duration (15 minutes unless set) or its own."""
    plan = make_plan(
        make_item("a"),
        make_item("b", duration=dt.timedelta(hours=1)),
        settings=ScheduleSettings(duration=dt.timedelta(minutes=30)),
    )
    first, second = schedule(plan, now=NOW).all_entries
    assert (first.start, first.end) == (jakarta(2026, 11, 30, 19), jakarta(2026, 11, 30, 19, 30))
    assert (second.start, second.end) == (jakarta(2026, 12, 2, 19), jakarta(2026, 12, 2, 20))


def test_a_slot_at_exactly_now_is_free_and_a_past_one_is_not() -> None:
    """Placement starts at `now`, inclusive: 19:00 sharp still gets Monday's 19:00 slot."""
    plan = make_plan(make_item("a"))
    at_slot = schedule(plan, now=jakarta(2026, 11, 30, 19, 0))
    just_after = schedule(plan, now=jakarta(2026, 11, 30, 19, 1))
    assert starts(at_slot) == [("a", "2026-11-30T19:00:00+07:00")]
    assert starts(just_after) == [("a", "2026-12-02T19:00:00+07:00")]


def test_a_naive_now_is_the_brands_wall_time() -> None:
    """`now` without a zone means the brand's wall clock, here Jakarta."""
    plan = make_plan(make_item("a"))
    result = schedule(plan, now=dt.datetime(2026, 11, 30, 19, 30))
    assert result.now == jakarta(2026, 11, 30, 19, 30)
    assert starts(result) == [("a", "2026-12-02T19:00:00+07:00")]


def test_items_with_at_keep_it_even_off_slot() -> None:
    """An explicit time wins: it is not moved to a slot and is not marked as placed."""
    plan = make_plan(make_item("fixed", at=jakarta(2026, 12, 1, 10, 15)), make_item("free"))
    result = schedule(plan, now=NOW)
    assert starts(result) == [
        ("free", "2026-11-30T19:00:00+07:00"),
        ("fixed", "2026-12-01T10:15:00+07:00"),
    ]
    fixed = result.all_entries[1]
    assert fixed.placed is False
    assert fixed.end == jakarta(2026, 12, 1, 10, 30)


def test_an_explicit_time_is_shown_in_the_platforms_zone() -> None:
    """An `at` given in UTC is the same instant, expressed in the platform's zone."""
    plan = make_plan(make_item("a", at=dt.datetime(2026, 12, 1, 3, 0, tzinfo=UTC)))
    (entry,) = schedule(plan, now=NOW).all_entries
    assert _iso(entry.start) == "2026-12-01T10:00:00+07:00"


def test_a_date_without_time_is_an_all_day_entry_that_takes_no_slot() -> None:
    """`at = 2026-11-30` is all day, ends the next day (exclusive) and leaves slots free."""
    plan = make_plan(make_item("day", at=dt.date(2026, 11, 30)), make_item("a"))
    result = schedule(plan, now=NOW)
    day, placed = result.all_entries
    assert (day.item.id, day.start, day.end, day.all_day) == (
        "day",
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 1),
        True,
    )
    assert (placed.item.id, placed.start) == ("a", jakarta(2026, 11, 30, 19))


def test_fixed_items_take_their_slot_from_placement() -> None:
    """A slot holding an item with `at` is skipped; the waiting item takes the next one."""
    plan = make_plan(make_item("free"), make_item("fixed", at=jakarta(2026, 11, 30, 19)))
    assert starts(schedule(plan, now=NOW)) == [
        ("fixed", "2026-11-30T19:00:00+07:00"),
        ("free", "2026-12-02T19:00:00+07:00"),
    ]


def test_higher_priority_is_placed_first_and_ties_keep_plan_order() -> None:
    """Priority sorts the queue; among equal priorities plan order decides (stable)."""
    plan = make_plan(
        make_item("low", priority=-1),
        make_item("first"),
        make_item("urgent", priority=5),
        make_item("second"),
    )
    assert starts(schedule(plan, now=NOW)) == [
        ("urgent", "2026-11-30T19:00:00+07:00"),
        ("first", "2026-12-02T19:00:00+07:00"),
        ("second", "2026-12-04T19:00:00+07:00"),
        ("low", "2026-12-07T19:00:00+07:00"),
    ]


def test_ideas_drafts_and_reviews_are_the_backlog() -> None:
    """Backlog items are listed in plan order and never placed, even with an `at`."""
    plan = make_plan(
        make_item("idea", status=Status.IDEA),
        make_item("a"),
        make_item("draft", status=Status.DRAFT, at=jakarta(2026, 12, 1, 9)),
        make_item("review", status=Status.REVIEW),
    )
    result = schedule(plan, now=NOW)
    assert [item.id for item in result.backlog] == ["idea", "draft", "review"]
    assert starts(result) == [("a", "2026-11-30T19:00:00+07:00")]


def test_published_items_keep_their_time_even_in_the_past_or_a_blackout() -> None:
    """A published post is history: no past-not-published, no in-blackout problem."""
    plan = make_plan(
        make_item("old", status=Status.PUBLISHED, at=jakarta(2026, 11, 27, 19)),
        make_item("holiday", status=Status.PUBLISHED, at=jakarta(2026, 12, 25, 19)),
        blackout=[Blackout(dt.date(2026, 12, 25), dt.date(2026, 12, 25))],
    )
    result = schedule(plan, now=NOW, start=dt.date(2026, 11, 23))
    assert starts(result) == [
        ("old", "2026-11-27T19:00:00+07:00"),
        ("holiday", "2026-12-25T19:00:00+07:00"),
    ]
    assert result.problems == ()


def test_a_published_item_without_time_is_unplaced() -> None:
    """Published means it went out: contentcal will not invent when, it asks for `at`."""
    plan = make_plan(make_item("gone", status=Status.PUBLISHED))
    result = schedule(plan, now=NOW)
    assert result.all_entries == ()
    assert unplaced(result) == [
        (
            "gone",
            "no-time",
            "item 'gone' is published but has no time; add at = ... with when it went out",
        )
    ]


def test_cancelled_items_are_left_out_and_free_their_slot() -> None:
    """A cancelled item is nowhere: not an entry, not backlog, not unplaced, blocks nothing."""
    plan = make_plan(
        make_item("dropped", status=Status.CANCELLED, at=jakarta(2026, 11, 30, 19)),
        make_item("dropped-too", status=Status.CANCELLED),
        make_item("a"),
    )
    result = schedule(plan, now=NOW)
    assert starts(result) == [("a", "2026-11-30T19:00:00+07:00")]
    assert (result.backlog, result.unplaced, result.problems) == ((), (), ())


def test_min_gap_skips_slots_too_close_to_the_last_post() -> None:
    """With min_gap 4 h, 12:00 is skipped after 09:00; 13:00, exactly 4 h later, is used."""
    platform = make_platform(slots=["daily 09:00 12:00 13:00"], min_gap=dt.timedelta(hours=4))
    plan = make_plan(*(make_item(name) for name in "abcd"), platforms=[platform])
    assert starts(schedule(plan, now=jakarta(2026, 12, 1))) == [
        ("a", "2026-12-01T09:00:00+07:00"),
        ("b", "2026-12-01T13:00:00+07:00"),
        ("c", "2026-12-02T09:00:00+07:00"),
        ("d", "2026-12-02T13:00:00+07:00"),
    ]


def test_min_gap_is_kept_around_fixed_items_on_both_sides() -> None:
    """Slots closer than min_gap before or after an item with `at` are not used."""
    platform = make_platform(slots=["daily 09:00 12:00 15:00"], min_gap=dt.timedelta(hours=3))
    plan = make_plan(
        make_item("fixed", at=jakarta(2026, 12, 1, 11)),
        make_item("a"),
        make_item("b"),
        platforms=[platform],
    )
    # 09:00 is 2h before 11:00 and 12:00 is 1h after: both too close; 15:00 is 4h after.
    assert starts(schedule(plan, now=jakarta(2026, 12, 1))) == [
        ("fixed", "2026-12-01T11:00:00+07:00"),
        ("a", "2026-12-01T15:00:00+07:00"),
        ("b", "2026-12-02T09:00:00+07:00"),
    ]


def test_brand_blackout_days_and_ranges_remove_slots() -> None:
    """Brand blackouts (a single day and a range) hold for every platform."""
    plan = make_plan(
        make_item("a"),
        make_item("b"),
        make_item("c"),
        blackout=[
            Blackout(dt.date(2026, 11, 30), dt.date(2026, 11, 30)),
            Blackout(dt.date(2026, 12, 3), dt.date(2026, 12, 7), reason="stock-taking"),
        ],
    )
    assert starts(schedule(plan, now=NOW)) == [
        ("a", "2026-12-02T19:00:00+07:00"),
        ("b", "2026-12-09T19:00:00+07:00"),
        ("c", "2026-12-11T19:00:00+07:00"),
    ]


def test_platform_blackout_holds_for_that_platform_only() -> None:
    """A platform's own blackout leaves the other platforms' slots alone."""
    leave = Blackout(dt.date(2026, 11, 30), dt.date(2026, 12, 2), reason="Budi on leave")
    plan = make_plan(
        make_item("fb", platform="facebook"),
        make_item("ig"),
        platforms=[make_platform(), make_platform("facebook", blackout=[leave])],
    )
    assert starts(schedule(plan, now=NOW)) == [
        ("ig", "2026-11-30T19:00:00+07:00"),
        ("fb", "2026-12-04T19:00:00+07:00"),
    ]


def test_blackouts_are_local_days_of_the_platform() -> None:
    """For a platform in another zone, a blackout day is that platform's calendar day."""
    berlin = make_platform("berlin", slots=["daily 23:30"], timezone="Europe/Berlin")
    plan = make_plan(
        make_item("a", platform="berlin"),
        platforms=[berlin],
        blackout=[Blackout(dt.date(2026, 12, 1), dt.date(2026, 12, 1))],
    )
    # 1 Dec 23:30 in Berlin is 2 Dec in Jakarta, but it is 1 Dec where the post goes out.
    assert starts(schedule(plan, now=jakarta(2026, 12, 1, 8))) == [
        ("a", "2026-12-02T23:30:00+01:00"),
    ]


def test_slots_only_reach_the_horizon() -> None:
    """Placement looks [schedule] horizon ahead; items beyond it are unplaced."""
    plan = make_plan(
        make_item("a"),
        make_item("b"),
        make_item("c"),
        settings=ScheduleSettings(horizon=dt.timedelta(days=3)),
    )
    result = schedule(plan, now=NOW)
    assert starts(result) == [
        ("a", "2026-11-30T19:00:00+07:00"),
        ("b", "2026-12-02T19:00:00+07:00"),
    ]
    assert unplaced(result) == [
        (
            "c",
            "all-slots-taken",
            "all slots of 'instagram' ahead are taken; add slots or move items",
        )
    ]


def test_unplaced_reason_no_slots() -> None:
    """A platform without slots can only take items with a time."""
    plan = make_plan(make_item("a", platform="blog"), platforms=[make_platform("blog", slots=())])
    assert unplaced(schedule(plan, now=NOW)) == [
        (
            "a",
            "no-slots",
            "platform 'blog' has no slots; add slots = [...] or give the item a time",
        )
    ]


def test_unplaced_reason_no_slots_before_the_horizon() -> None:
    """Slots that all ended before `now` are no slots, not slots that are taken.

    Regression: this was reported as all-slots-taken, which sends people looking for the
    items that took them.
    """
    platform = make_platform("blog", slots=["FREQ=DAILY;BYHOUR=9;UNTIL=20200101"])
    plan = make_plan(make_item("a", platform="blog"), platforms=[platform])
    assert unplaced(schedule(plan, now=NOW)) == [
        (
            "a",
            "no-slots",
            "platform 'blog' has no slots between now and the horizon; add slots, extend "
            "[schedule] horizon or give the item a time",
        )
    ]


def test_unplaced_reason_blackout() -> None:
    """Every slot before the horizon in a blackout: the reason says so."""
    plan = make_plan(
        make_item("a"),
        blackout=[Blackout(dt.date(2026, 11, 1), dt.date(2026, 12, 31), reason="renovation")],
        settings=ScheduleSettings(horizon=dt.timedelta(days=14)),
    )
    assert unplaced(schedule(plan, now=NOW)) == [
        ("a", "blackout", "every slot of 'instagram' ahead falls in a blackout"),
    ]


def test_unplaced_items_are_listed_in_plan_order() -> None:
    """Unplaced items of several platforms come back in the order of the plan."""
    plan = make_plan(
        make_item("x", platform="blog"),
        make_item("gone", status=Status.PUBLISHED),
        make_item("y", platform="blog"),
        platforms=[make_platform(), make_platform("blog", slots=())],
    )
    assert [u.item.id for u in schedule(plan, now=NOW).unplaced] == ["x", "gone", "y"]


# --- the window ---------------------------------------------------------------------------------


def test_window_defaults_to_eight_weeks_from_today() -> None:
    """Without start and end the window is `now`'s day (brand zone) plus eight weeks."""
    result = schedule(make_plan(), now=NOW)
    assert (result.start, result.end) == (jakarta(2026, 11, 30), jakarta(2027, 1, 25))


def test_window_shows_some_entries_and_placement_sees_all() -> None:
    """start/end choose what is shown; placement is the same, so views always agree."""
    plan = make_plan(*(make_item(name) for name in "abcd"))
    full = schedule(plan, now=NOW)
    week = schedule(plan, now=NOW, start=dt.date(2026, 12, 2), end=dt.date(2026, 12, 5))
    assert [entry.item.id for entry in week.entries] == ["b", "c"]
    assert week.all_entries == full.all_entries
    assert (week.start, week.end) == (jakarta(2026, 12, 2), jakarta(2026, 12, 5))


def test_window_end_is_exclusive() -> None:
    """An entry at the window's end belongs to the next window."""
    plan = make_plan(make_item("a"))
    before = schedule(plan, now=NOW, start=dt.date(2026, 11, 30), end=jakarta(2026, 11, 30, 19))
    after = schedule(plan, now=NOW, start=jakarta(2026, 11, 30, 19), end=dt.date(2026, 12, 1))
    assert (before.entries, [entry.item.id for entry in after.entries]) == ((), ["a"])


def test_slot_counts_are_per_platform_inside_the_window_after_blackouts() -> None:
    """Slots count for the weekly "N of M slots filled", blackout days excluded."""
    plan = make_plan(
        platforms=[
            make_platform(),
            make_platform(
                "facebook",
                slots=["TU,TH 12:00", "SU 09:00"],
                blackout=[Blackout(dt.date(2026, 12, 10), dt.date(2026, 12, 10))],
            ),
            make_platform("blog", slots=()),
        ]
    )
    result = schedule(plan, now=NOW, start=dt.date(2026, 12, 7), end=dt.date(2026, 12, 14))
    assert dict(result.slots) == {"instagram": 3, "facebook": 2, "blog": 0}


def test_the_example_places_every_approved_item() -> None:
    """The bundled example: 38 first posts and 6 evergreen repeats, nothing unplaced.

    36 items go out from `now`; the two evergreen items went out in November and come
    back: the Instagram size guide twice more (times = 3), the Facebook group-order post
    every four weeks until 31 March (four more).
    """
    result = schedule(load(EXAMPLE), now=NOW)
    assert len(result.all_entries) == 44
    assert [entry.key for entry in result.all_entries if entry.occurrence > 1] == [
        "group-order-steps-fb#2",
        "size-guide-ig#2",
        "group-order-steps-fb#3",
        "size-guide-ig#3",
        "group-order-steps-fb#4",
        "group-order-steps-fb#5",
    ]
    assert (result.unplaced, result.problems) == ((), ())
    assert [item.id for item in result.backlog] == [
        "batik-care-wa",
        "reels-motif-series-ig",
        "live-qna-fb",
        "jababeka-motif-ig",
    ]
    assert starts(result)[:5] == [
        ("size-guide-ig", "2026-11-18T19:00:00+07:00"),
        ("group-order-steps-fb", "2026-11-22T09:00:00+07:00"),
        ("uniform-showcase-ig", "2026-11-30T19:00:00+07:00"),
        ("december-hours-fb", "2026-12-01T12:00:00+07:00"),
        ("december-collection-ig", "2026-12-02T19:00:00+07:00"),
    ]


def test_appending_an_item_to_the_example_moves_nobody() -> None:
    """A new approved item at the end of the plan takes a free slot; the rest stay put."""
    plan = load(EXAMPLE)
    before = schedule(plan, now=NOW)
    extra = make_item("extra", title="Late addition", platform="instagram")
    after = schedule(attrs.evolve(plan, items=(*plan.items, extra)), now=NOW)
    # Evergreen repeats take what is left after every item is placed, so only they may
    # make way; every item's own post stays where it was.
    assert [
        entry for entry in after.all_entries if entry.item.id != "extra" and entry.occurrence == 1
    ] == [entry for entry in before.all_entries if entry.occurrence == 1]
    (added,) = [entry for entry in after.all_entries if entry.item.id == "extra"]
    # The last placed Instagram post is on Wed 30 Dec; 1 and 2 Jan are a brand blackout
    # and Mon 4 Jan belongs to new-year-ig, so the new item gets Wed 6 Jan ...
    assert added.start == jakarta(2027, 1, 6, 19)
    # ... which the size guide's second showing had; it moves to the next free slot.
    (repeat,) = [entry for entry in after.all_entries if entry.key == "size-guide-ig#2"]
    assert repeat.start == jakarta(2027, 1, 8, 19)


def test_appending_an_item_with_at_can_displace_an_unpinned_one() -> None:
    """The flip side, and why `schedule --pin` exists: an explicit time wins its slot."""
    plan = make_plan(make_item("a"))
    later = make_plan(make_item("a"), make_item("b", at=jakarta(2026, 11, 30, 19)))
    assert starts(schedule(plan, now=NOW)) == [("a", "2026-11-30T19:00:00+07:00")]
    assert starts(schedule(later, now=NOW)) == [
        ("b", "2026-11-30T19:00:00+07:00"),
        ("a", "2026-12-02T19:00:00+07:00"),
    ]


def test_same_input_same_schedule() -> None:
    """Placement is a pure function of the plan and `now`."""
    plan = load(EXAMPLE)
    assert schedule(plan, now=NOW) == schedule(load(EXAMPLE), now=NOW)


# --- conflicts -------------------------------------------------------------------------------


def test_double_booked_when_fixed_items_are_closer_than_min_gap() -> None:
    """Two items with `at` 1 h apart on a platform with a 4 h gap: the later one is flagged."""
    platform = make_platform(min_gap=dt.timedelta(hours=4))
    plan = make_plan(
        make_item("late", at=jakarta(2026, 12, 1, 11)),
        make_item("early", at=jakarta(2026, 12, 1, 10)),
        platforms=[platform],
    )
    assert problems(schedule(plan, now=NOW)) == [
        (
            "double-booked",
            "late",
            "early",
            "items 'early' and 'late' on instagram are 1 h apart; the minimum gap is 4 h",
        )
    ]


def test_double_booked_at_the_same_minute_without_min_gap() -> None:
    """Without min_gap only the very same instant is a double booking."""
    plan = make_plan(
        make_item("a", at=jakarta(2026, 12, 1, 10)),
        make_item("b", at=jakarta(2026, 12, 1, 10)),
        make_item("c", at=jakarta(2026, 12, 1, 10, 1)),
        make_item("other", platform="facebook", at=jakarta(2026, 12, 1, 10)),
        platforms=[make_platform(), make_platform("facebook")],
    )
    assert problems(schedule(plan, now=NOW)) == [
        ("double-booked", "b", "a", "items 'a' and 'b' on instagram are 0 min apart"),
    ]


def test_min_gap_message_reads_hours_and_minutes() -> None:
    """Gaps read as minutes, hours, or both."""
    platform = make_platform(min_gap=dt.timedelta(days=1))
    plan = make_plan(
        make_item("a", at=jakarta(2026, 12, 1, 10)),
        make_item("b", at=jakarta(2026, 12, 1, 12, 30)),
        platforms=[platform],
    )
    assert [p[3] for p in problems(schedule(plan, now=NOW))] == [
        "items 'a' and 'b' on instagram are 2 h 30 min apart; the minimum gap is 24 h"
    ]


def test_in_blackout_names_the_reason_or_says_blackout_day() -> None:
    """An explicit time on a blackout day is kept, and flagged with the blackout's reason."""
    plan = make_plan(
        make_item("xmas", at=jakarta(2026, 12, 25, 19)),
        make_item("eve", at=dt.date(2026, 12, 24)),
        blackout=[
            Blackout(dt.date(2026, 12, 25), dt.date(2026, 12, 25), reason="Christmas"),
            Blackout(dt.date(2026, 12, 24), dt.date(2026, 12, 24)),
        ],
    )
    assert problems(schedule(plan, now=NOW)) == [
        (
            "in-blackout",
            "eve",
            None,
            "item 'eve' is set for 2026-12-24 on instagram, which is a blackout day",
        ),
        (
            "in-blackout",
            "xmas",
            None,
            "item 'xmas' is set for 2026-12-25 on instagram, which is Christmas",
        ),
    ]


def test_in_blackout_of_the_platform() -> None:
    """Platform blackouts count too, on that platform only."""
    leave = Blackout(dt.date(2026, 12, 31), dt.date(2026, 12, 31), reason="Budi on leave")
    plan = make_plan(
        make_item("fb", platform="facebook", at=jakarta(2026, 12, 31, 12)),
        make_item("ig", at=jakarta(2026, 12, 31, 19)),
        platforms=[make_platform(), make_platform("facebook", blackout=[leave])],
    )
    assert problems(schedule(plan, now=NOW)) == [
        (
            "in-blackout",
            "fb",
            None,
            "item 'fb' is set for 2026-12-31 on facebook, which is Budi on leave",
        )
    ]


def test_past_not_published() -> None:
    """An approved or scheduled item whose time has passed should have been published."""
    plan = make_plan(
        make_item("late", at=jakarta(2026, 11, 29, 19)),
        make_item("queued", status=Status.SCHEDULED, at=jakarta(2026, 11, 30, 7, 59)),
        make_item("on-time", at=jakarta(2026, 11, 30, 8)),
    )
    assert problems(schedule(plan, now=NOW)) == [
        (
            "past-not-published",
            "late",
            None,
            "item 'late' was due at 2026-11-29 19:00 +07:00 but is approved, not published",
        ),
        (
            "past-not-published",
            "queued",
            None,
            "item 'queued' was due at 2026-11-30 07:59 +07:00 but is scheduled, not published",
        ),
    ]


def test_problems_cover_the_whole_plan_not_only_the_window() -> None:
    """Conflicts outside the window are still reported (a weekly view must not hide them)."""
    plan = make_plan(make_item("late", at=jakarta(2026, 11, 29, 19)))
    result = schedule(plan, now=NOW, start=dt.date(2027, 1, 4), end=dt.date(2027, 1, 11))
    assert result.entries == ()
    assert [p.kind for p in result.problems] == [ProblemKind.PAST_NOT_PUBLISHED]


# --- holidays ---------------------------------------------------------------------------------


@pytest.fixture
def english_holidays(monkeypatch: pytest.MonkeyPatch) -> None:
    """The holidays package names holidays in the locale's language; pin it to English."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGUAGE", "en_US")


def holiday_plan(mode: HolidayMode, *items: ContentItem) -> Plan:
    platform = make_platform(slots=["FR 19:00"])
    return make_plan(
        *items,
        platforms=[platform],
        settings=ScheduleSettings(holidays="ID", holiday_mode=mode),
    )


@pytest.mark.usefixtures("english_holidays")
def test_holidays_block_removes_slots_on_public_holidays() -> None:
    """holiday_mode = "block": no slot on Christmas or New Year's Day (both Fridays)."""
    plan = holiday_plan(HolidayMode.BLOCK, make_item("a"), make_item("b"))
    result = schedule(
        plan, now=jakarta(2026, 12, 19), start=dt.date(2026, 12, 21), end=dt.date(2027, 1, 4)
    )
    assert starts(result) == [
        ("a", "2027-01-08T19:00:00+07:00"),
        ("b", "2027-01-15T19:00:00+07:00"),
    ]
    assert result.holidays == (
        Holiday(dt.date(2026, 12, 25), "Christmas Day"),
        Holiday(dt.date(2027, 1, 1), "New Year's Day"),
    )
    assert dict(result.slots) == {"instagram": 0}


@pytest.mark.usefixtures("english_holidays")
def test_holidays_show_lists_them_and_keeps_the_slots() -> None:
    """holiday_mode = "show" (the default): context only, placement ignores holidays."""
    plan = holiday_plan(HolidayMode.SHOW, make_item("a"))
    result = schedule(
        plan, now=jakarta(2026, 12, 19), start=dt.date(2026, 12, 21), end=dt.date(2027, 1, 4)
    )
    assert starts(result) == [("a", "2026-12-25T19:00:00+07:00")]
    assert [holiday.day for holiday in result.holidays] == [
        dt.date(2026, 12, 25),
        dt.date(2027, 1, 1),
    ]
    assert dict(result.slots) == {"instagram": 2}
    assert result.problems == ()


@pytest.mark.usefixtures("english_holidays")
def test_an_explicit_time_on_a_blocking_holiday_is_in_blackout() -> None:
    """With "block", a fixed item on a holiday is flagged like any blackout day."""
    plan = holiday_plan(HolidayMode.BLOCK, make_item("xmas", at=jakarta(2026, 12, 25, 10)))
    assert problems(schedule(plan, now=jakarta(2026, 12, 19))) == [
        (
            "in-blackout",
            "xmas",
            None,
            "item 'xmas' is set for 2026-12-25 on instagram, which is a public holiday",
        )
    ]


def test_holidays_from_the_plan_file(write_files: WriteFiles) -> None:
    """[schedule] holidays/holiday_mode in TOML reach placement (the whole path)."""
    text = MINIMAL_PLAN + '\n[schedule]\nholidays = "ID"\nholiday_mode = "block"\n'
    text += '\n[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "A"\n'
    plan = load(write_files({"plan.toml": text}))
    result = schedule(plan, now=jakarta(2026, 12, 24, 8))
    # Fri 25 Dec is Christmas: the next slot is Mon 28 Dec.
    assert starts(result) == [("a", "2026-12-28T19:00:00+07:00")]


def test_holidays_without_the_extra_say_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """No `holidays` package: an OptionalDependencyError (an ImportError) with the pip line."""
    monkeypatch.setitem(sys.modules, "holidays", None)
    plan = holiday_plan(HolidayMode.SHOW, make_item("a"))
    with pytest.raises(OptionalDependencyError) as caught:
        schedule(plan, now=NOW)
    assert isinstance(caught.value, ImportError)
    assert str(caught.value) == (
        "the plan asks for public holidays ([schedule] holidays = ...) but the 'holidays' "
        "package is not installed; install it with: pip install 'contentcal[holidays]'"
    )


def test_plans_without_holidays_never_need_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """The optional package is only imported when the plan asks for holidays."""
    monkeypatch.setitem(sys.modules, "holidays", None)
    assert starts(schedule(make_plan(make_item("a")), now=NOW)) == [
        ("a", "2026-11-30T19:00:00+07:00")
    ]


def test_unknown_holiday_country_is_a_located_load_error(write_files: WriteFiles) -> None:
    """A country the package does not know fails loading at its line, not scheduling (#16)."""
    text = MINIMAL_PLAN + '\n[schedule]\nholidays = "XX"\n'
    with pytest.raises(PlanError) as caught:
        load(write_files({"plan.toml": text}))
    (problem,) = caught.value.problems
    assert str(problem) == (
        "plan.toml:19: schedule.holidays: no public holidays known for country 'XX' "
        "(use an ISO 3166 country code such as 'ID', 'DE' or 'US')"
    )


def test_unknown_holiday_subdivision_is_a_located_load_error(write_files: WriteFiles) -> None:
    """A province the country does not have is refused with the known ones as a hint."""
    text = MINIMAL_PLAN + '\n[schedule]\nholidays = "ID"\nsubdivision = "JKT"\n'
    with pytest.raises(PlanError) as caught:
        load(write_files({"plan.toml": text}))
    (problem,) = caught.value.problems
    assert (problem.path, problem.line, problem.message) == (
        "schedule.subdivision",
        20,
        "no public holidays known for subdivision 'JKT' of 'ID'",
    )


# --- DST: gaps and folds, end to end -------------------------------------------------------------

# A Sunday slot on the night clocks change, in four zones (Jakarta has no DST: the control).
SPRING = [
    ("Europe/Berlin", "SU 02:30", dt.datetime(2027, 3, 27, 12), "2027-03-28T03:00:00+02:00"),
    ("America/New_York", "SU 02:30", dt.datetime(2027, 3, 13, 12), "2027-03-14T03:00:00-04:00"),
    ("Australia/Sydney", "SU 02:30", dt.datetime(2026, 10, 3, 12), "2026-10-04T03:00:00+11:00"),
    ("Asia/Jakarta", "SU 02:30", dt.datetime(2027, 3, 27, 12), "2027-03-28T02:30:00+07:00"),
]
AUTUMN = [
    ("Europe/Berlin", "SU 02:30", dt.datetime(2026, 10, 24, 12), "2026-10-25T02:30:00+02:00"),
    ("America/New_York", "SU 01:30", dt.datetime(2026, 10, 31, 12), "2026-11-01T01:30:00-04:00"),
    ("Australia/Sydney", "SU 02:30", dt.datetime(2027, 4, 3, 12), "2027-04-04T02:30:00+11:00"),
    ("Asia/Jakarta", "SU 02:30", dt.datetime(2026, 10, 24, 12), "2026-10-25T02:30:00+07:00"),
]


def dst_plan(zone: str, slot: str, *items: ContentItem) -> Plan:
    return make_plan(
        *(items or (make_item("a"),)),
        platforms=[make_platform(slots=[slot], timezone=zone)],
        timezone=zone,
    )


@pytest.mark.parametrize(("zone", "slot", "now", "expected"), SPRING, ids=[c[0] for c in SPRING])
def test_a_slot_in_the_spring_gap_moves_to_the_end_of_the_gap(
    zone: str, slot: str, now: dt.datetime, expected: str
) -> None:
    """02:30 does not exist that night: the post goes out at the first instant after."""
    (entry,) = schedule(dst_plan(zone, slot), now=now).all_entries
    assert _iso(entry.start) == expected


@pytest.mark.parametrize(("zone", "slot", "now", "expected"), AUTUMN, ids=[c[0] for c in AUTUMN])
def test_an_ambiguous_slot_takes_its_first_occurrence(
    zone: str, slot: str, now: dt.datetime, expected: str
) -> None:
    """The repeated hour happens twice; the slot is the first one (summer time)."""
    (entry,) = schedule(dst_plan(zone, slot), now=now).all_entries
    assert _iso(entry.start) == expected


def test_explicit_times_in_gaps_and_folds_follow_the_same_rules(write_files: WriteFiles) -> None:
    """`at` in the spring gap moves to its end; `at` in the autumn fold is the first one."""
    text = MINIMAL_PLAN.replace('timezone = "Asia/Jakarta"', 'timezone = "Europe/Berlin"')
    for item_id, at in (("spring", "2027-03-28T02:30"), ("autumn", "2026-10-25T02:30")):
        text += f'\n[[items]]\nid = "{item_id}"\nplatform = "instagram"\ntitle = "T"\n'
        text += f"at = {at}:00\n"
    result = schedule(load(write_files({"plan.toml": text})), now=dt.datetime(2026, 10, 1))
    assert starts(result) == [
        ("autumn", "2026-10-25T02:30:00+02:00"),
        ("spring", "2027-03-28T03:00:00+02:00"),
    ]


def test_min_gap_is_real_time_across_spring_forward() -> None:
    """01:00 and 03:30 on the spring night are 1 h 30 min apart, not 2 h 30 min.

    Regression: gaps were wall-clock differences, so a 2 h gap let both slots be used.
    """
    platform = make_platform(
        slots=["SU 01:00 03:30"], timezone="Europe/Berlin", min_gap=dt.timedelta(hours=2)
    )
    plan = make_plan(make_item("a"), make_item("b"), platforms=[platform])
    assert starts(schedule(plan, now=dt.datetime(2027, 3, 27, tzinfo=UTC))) == [
        ("a", "2027-03-28T01:00:00+01:00"),
        ("b", "2027-04-04T01:00:00+02:00"),
    ]


def test_min_gap_is_real_time_across_fall_back() -> None:
    """01:30 and 03:00 on the autumn night are 2 h 30 min apart: a 2 h gap allows both."""
    platform = make_platform(
        slots=["SU 01:30 03:00"], timezone="Europe/Berlin", min_gap=dt.timedelta(hours=2)
    )
    plan = make_plan(make_item("a"), make_item("b"), platforms=[platform])
    assert starts(schedule(plan, now=dt.datetime(2026, 10, 24, tzinfo=UTC))) == [
        ("a", "2026-10-25T01:30:00+02:00"),
        ("b", "2026-10-25T03:00:00+01:00"),
    ]


def test_double_booked_is_measured_in_real_time_across_dst() -> None:
    """Fixed items 01:00 and 03:30 on the spring night: 1 h 30 min apart, under 2 h."""
    platform = make_platform(timezone="Europe/Berlin", min_gap=dt.timedelta(hours=2))
    berlin = get_zone("Europe/Berlin")
    plan = make_plan(
        make_item("a", at=localize(dt.datetime(2027, 3, 28, 1, 0), berlin)),
        make_item("b", at=localize(dt.datetime(2027, 3, 28, 3, 30), berlin)),
        platforms=[platform],
    )
    assert [p[3] for p in problems(schedule(plan, now=dt.datetime(2027, 3, 1, tzinfo=UTC)))] == [
        "items 'a' and 'b' on instagram are 1 h 30 min apart; the minimum gap is 2 h"
    ]


def test_an_entry_lasts_its_duration_across_fall_back() -> None:
    """A 15-minute post at 02:50 on the autumn night ends at 02:05 (winter time).

    Regression: the end was computed on the wall clock, making the post 1 h 15 min long.
    """
    (entry,) = schedule(
        dst_plan("Europe/Berlin", "SU 02:50"), now=dt.datetime(2026, 10, 24, tzinfo=UTC)
    ).all_entries
    assert isinstance(entry.start, dt.datetime)
    assert isinstance(entry.end, dt.datetime)
    assert (entry.start.isoformat(), entry.end.isoformat()) == (
        "2026-10-25T02:50:00+02:00",
        "2026-10-25T02:05:00+01:00",
    )
    assert entry.end.astimezone(UTC) - entry.start.astimezone(UTC) == dt.timedelta(minutes=15)


# --- properties ------------------------------------------------------------------------------

ZONES = ("Asia/Jakarta", "Europe/Berlin", "America/New_York", "Australia/Sydney")
# The Sundays each zone changes its clocks (Jakarta, which never does, gets Berlin's).
CLOCK_CHANGES = {
    "Asia/Jakarta": (dt.date(2026, 10, 25), dt.date(2027, 3, 28)),
    "Europe/Berlin": (dt.date(2026, 10, 25), dt.date(2027, 3, 28)),
    "America/New_York": (dt.date(2026, 11, 1), dt.date(2027, 3, 14)),
    "Australia/Sydney": (dt.date(2026, 10, 4), dt.date(2027, 4, 4)),
}
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
GAPS = (None, dt.timedelta(minutes=30), dt.timedelta(hours=1), dt.timedelta(hours=2))
# Mostly items that wait for a slot, so that slots around the clock change get used.
STATUSES = (Status.APPROVED, Status.APPROVED, Status.APPROVED, Status.SCHEDULED, *Status)


@st.composite
def slot_entries(draw: st.DrawFn) -> str:
    """A cadence; half of them only in the small hours of Sunday, when clocks change."""
    if draw(st.booleans()):
        days, hours, least = ["SU"], st.integers(0, 4), 2
    else:
        days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
        hours, least = st.integers(0, 23), 1
    times = draw(
        st.lists(
            st.tuples(hours, st.sampled_from((0, 30))), min_size=least, max_size=4, unique=True
        )
    )
    return ",".join(days) + " " + " ".join(f"{hour}:{minute:02d}" for hour, minute in times)


@st.composite
def plans(draw: st.DrawFn) -> tuple[Plan, dt.datetime]:
    """A small plan (1–2 platforms, up to 10 items) and an aware `now` near a DST change."""
    brand_zone = draw(st.sampled_from(ZONES))
    change = draw(st.sampled_from(CLOCK_CHANGES[brand_zone]))
    start = dt.datetime.combine(change, dt.time()) - dt.timedelta(hours=draw(st.integers(1, 60)))
    now = localize(start, get_zone(brand_zone))
    platforms = []
    for index in range(draw(st.integers(1, 2))):
        blackout = tuple(
            Blackout(first, first + dt.timedelta(days=length))
            for first, length in draw(
                st.lists(
                    st.tuples(
                        st.dates(start.date(), start.date() + dt.timedelta(days=10)),
                        st.integers(0, 2),
                    ),
                    max_size=2,
                )
            )
        )
        platforms.append(
            Platform(
                id=f"p{index}",
                network=Network.OTHER,
                timezone=draw(st.sampled_from((brand_zone,) * 4 + ZONES)),
                slots=tuple(draw(st.lists(slot_entries(), max_size=2))),
                min_gap=draw(st.sampled_from(GAPS)),
                blackout=blackout,
            )
        )
    items = []
    for index in range(draw(st.integers(1, 10))):
        platform = draw(st.sampled_from(platforms))
        at: dt.datetime | dt.date | None = None
        kind = draw(st.sampled_from(("slot", "slot", "slot", "timed", "day")))
        if kind == "timed":
            wall = start + dt.timedelta(minutes=30 * draw(st.integers(-48, 14 * 48)))
            at = localize(wall, get_zone(platform.timezone))
        elif kind == "day":
            at = start.date() + dt.timedelta(days=draw(st.integers(-1, 10)))
        items.append(
            ContentItem(
                id=f"i{index}",
                platform=platform.id,
                title=f"Item {index}",
                at=at,
                status=draw(st.sampled_from(STATUSES)),
                priority=draw(st.integers(-1, 1)),
            )
        )
    horizon = dt.timedelta(days=draw(st.integers(2, 14)))
    plan = Plan(
        brand=Brand(name="P", timezone=brand_zone),
        platforms=tuple(platforms),
        items=tuple(items),
        schedule_settings=ScheduleSettings(horizon=horizon),
    )
    return plan, now


def _utc(entry: Entry) -> dt.datetime:
    assert isinstance(entry.start, dt.datetime)
    return entry.start.astimezone(UTC)


def _shape(result: Schedule) -> list[tuple[str, str, object, object]]:
    """What a person sees of each entry, independent of how it got its time."""
    return [
        (
            entry.item.id,
            entry.platform.id,
            entry.start.astimezone(UTC) if isinstance(entry.start, dt.datetime) else entry.start,
            entry.end.astimezone(UTC) if isinstance(entry.end, dt.datetime) else entry.end,
        )
        for entry in result.all_entries
    ]


@settings(max_examples=100, deadline=None)
@given(plans())
def test_property_no_placed_entry_is_closer_than_min_gap(case: tuple[Plan, dt.datetime]) -> None:
    """A placed entry keeps min_gap (real time) from every other timed entry on its platform;
    fixed entries that break it are exactly the double-booked problems."""
    plan, now = case
    result = schedule(plan, now=now)
    for platform in plan.platforms:
        gap = platform.min_gap or dt.timedelta(0)
        timed = [
            entry
            for entry in result.all_entries
            if entry.platform.id == platform.id and not entry.all_day
        ]
        for entry in timed:
            if not entry.placed:
                continue
            for other in timed:
                if other is not entry:
                    distance = abs(_utc(entry) - _utc(other))
                    assert distance >= gap
                    assert distance > dt.timedelta(0)
        fixed = [entry for entry in timed if not entry.placed]
        fixed.sort(key=Entry.sort_key)
        expected = {
            (later.item.id, earlier.item.id)
            for earlier, later in itertools.pairwise(fixed)
            if _utc(later) - _utc(earlier) < gap or _utc(later) == _utc(earlier)
        }
        reported = {
            (problem.item.id, problem.other.id)
            for problem in result.problems
            if problem.kind is ProblemKind.DOUBLE_BOOKED
            and problem.other is not None
            and problem.item.platform == platform.id
        }
        assert reported == expected


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(("Europe/Berlin", "America/New_York", "Australia/Sydney")),
    st.integers(0, 1),
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from((0, 30))), min_size=2, max_size=5, unique=True
    ),
    st.sampled_from((*GAPS[1:], dt.timedelta(minutes=90))),
    st.integers(2, 5),
)
def test_property_min_gap_holds_on_the_nights_clocks_change(
    zone: str,
    which: int,
    times: list[tuple[int, int]],
    gap: dt.timedelta,
    count: int,
) -> None:
    """Sunday slots in the small hours of a clock change, the day before as `now`: placed
    posts are min_gap apart in real time (wall clocks jump by an hour that night)."""
    change = CLOCK_CHANGES[zone][which]
    slot = "SU " + " ".join(f"{hour}:{minute:02d}" for hour, minute in times)
    platform = make_platform(slots=[slot], timezone=zone, min_gap=gap)
    plan = make_plan(
        *(make_item(f"i{n}") for n in range(count)), platforms=[platform], timezone=zone
    )
    now = localize(dt.datetime.combine(change, dt.time(12)) - dt.timedelta(days=1), get_zone(zone))
    instants = [_utc(entry) for entry in schedule(plan, now=now).all_entries]
    assert len(instants) == count
    assert all(later - earlier >= gap for earlier, later in itertools.pairwise(instants))


@settings(max_examples=100, deadline=None)
@given(plans())
def test_property_every_item_is_accounted_for_exactly_once(
    case: tuple[Plan, dt.datetime],
) -> None:
    """Approved/scheduled items without `at` are placed once (on a free slot ahead) or
    unplaced with a reason; the other statuses go where the rules say."""
    plan, now = case
    result = schedule(plan, now=now)
    entries = {entry.item.id: entry for entry in result.all_entries}
    assert len(entries) == len(result.all_entries)
    backlog = [item.id for item in result.backlog]
    unplaced_reasons = {u.item.id: u.reason for u in result.unplaced}
    assert len(unplaced_reasons) == len(result.unplaced)
    horizon_end = now + plan.schedule_settings.horizon
    for item in plan.items:
        where = (item.id in entries, item.id in backlog, item.id in unplaced_reasons)
        if item.status is Status.CANCELLED:
            assert where == (False, False, False)
        elif item.status.is_backlog:
            assert where == (False, True, False)
        elif item.at is not None:
            assert where == (True, False, False)
            assert entries[item.id].placed is False
        elif item.status is Status.PUBLISHED:
            assert where == (False, False, True)
            assert unplaced_reasons[item.id] is UnplacedReason.NO_TIME
        elif item.id in entries:
            assert where == (True, False, False)
            entry = entries[item.id]
            platform = plan.platform(item.platform)
            assert entry.placed is True
            assert now <= _utc(entry) < horizon_end
            slots = slot_times(
                [parse_slot(text) for text in platform.slots],
                timezone=platform.timezone,
                start=now,
                end=horizon_end,
            )
            assert _utc(entry) in {slot.astimezone(UTC) for slot in slots}
            day = _utc(entry).astimezone(get_zone(platform.timezone)).date()
            assert not any(b.covers(day) for b in (*plan.brand.blackout, *platform.blackout))
        else:
            assert where == (False, False, True)
            assert unplaced_reasons[item.id] in {
                UnplacedReason.NO_SLOTS,
                UnplacedReason.ALL_SLOTS_TAKEN,
                UnplacedReason.BLACKOUT,
            }


@settings(max_examples=100, deadline=None)
@given(plans(), st.data())
def test_property_appending_an_item_moves_nobody(
    case: tuple[Plan, dt.datetime], data: st.DataObject
) -> None:
    """A new item without `at` at the end of the plan (not outranking anyone) leaves every
    entry where it was and every unplaced item unplaced."""
    plan, now = case
    lowest = min((item.priority for item in plan.items), default=0)
    extra = ContentItem(
        id="extra",
        platform=data.draw(st.sampled_from([p.id for p in plan.platforms])),
        title="Extra",
        status=data.draw(st.sampled_from((Status.APPROVED, Status.SCHEDULED, Status.IDEA))),
        priority=lowest - data.draw(st.integers(0, 1)),
    )
    before = schedule(plan, now=now)
    after = schedule(attrs.evolve(plan, items=(*plan.items, extra)), now=now)
    assert [entry for entry in after.all_entries if entry.item.id != "extra"] == list(
        before.all_entries
    )
    assert [u for u in after.unplaced if u.item.id != "extra"] == list(before.unplaced)
    assert after.problems == before.problems


def pinned(result: Schedule) -> Plan:
    """The plan as `schedule --pin` leaves it: placed items get their local minute as `at`."""
    times = {}
    for entry in result.all_entries:
        if entry.placed:
            zone = get_zone(entry.platform.timezone)
            wall = _utc(entry).astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
            times[entry.item.id] = localize(wall, zone)
    return attrs.evolve(
        result.plan,
        items=tuple(
            attrs.evolve(item, at=times[item.id]) if item.id in times else item
            for item in result.plan.items
        ),
    )


@settings(max_examples=100, deadline=None)
@given(plans())
def test_property_pin_then_schedule_is_a_no_op(case: tuple[Plan, dt.datetime]) -> None:
    """Giving every placed item its time as `at` changes no entry, problem or unplaced item."""
    plan, now = case
    before = schedule(plan, now=now)
    after = schedule(pinned(before), now=now)
    assert _shape(after) == _shape(before)
    assert not any(entry.placed for entry in after.all_entries)
    assert problems(after) == problems(before)
    assert unplaced(after) == unplaced(before)
    assert [item.id for item in after.backlog] == [item.id for item in before.backlog]


@settings(max_examples=100, deadline=None)
@given(plans())
def test_property_same_input_same_schedule(case: tuple[Plan, dt.datetime]) -> None:
    """Scheduling twice, and from an equal copy of the plan, gives equal schedules."""
    plan, now = case
    copy = attrs.evolve(plan, items=tuple(attrs.evolve(item) for item in plan.items))
    assert schedule(plan, now=now) == schedule(copy, now=now)


# --- one home for statuses and naive times (issue #16) ---------------------------------------


@pytest.mark.parametrize(
    ("status", "backlog", "placed", "takes_slot"),
    [
        (Status.IDEA, True, False, False),
        (Status.DRAFT, True, False, False),
        (Status.REVIEW, True, False, False),
        (Status.APPROVED, False, True, True),
        (Status.SCHEDULED, False, True, True),
        (Status.PUBLISHED, False, True, False),
        (Status.CANCELLED, False, False, False),
    ],
)
def test_status_sets_are_properties_of_status(
    status: Status, backlog: bool, placed: bool, takes_slot: bool
) -> None:
    """Scheduler, rules and feeds ask the status, never keep their own set of statuses."""
    assert (status.is_backlog, status.is_placed, status.takes_slot) == (
        backlog,
        placed,
        takes_slot,
    )


def test_a_naive_now_means_the_same_moment_everywhere() -> None:
    """`aware` is the one place a naive time gets its zone, gaps and folds included."""
    from contentcal.model.zones import aware

    berlin = get_zone("Europe/Berlin")
    naive = dt.datetime(2027, 3, 28, 2, 30)  # in the spring-forward gap
    assert aware(naive, "Europe/Berlin") == localize(naive, berlin)
    assert aware(naive, berlin).isoformat() == "2027-03-28T03:00:00+02:00"
    already = dt.datetime(2027, 3, 28, 2, 30, tzinfo=dt.UTC)
    assert aware(already, berlin) is already
