"""Placement's shortcuts against the long way round.

Placing builds each placed entry from the slot's UTC instant (one conversion instead of
three) and sorts entries by keys made from instants it already knows. These tests rebuild
every entry with :meth:`Entry.of`, sort with :meth:`Entry.sort_key` and choose the window's
entries by :attr:`Entry.instant`, and ask for exactly the same schedule, down to each
datetime's zone and fold.
"""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from contentcal import load, schedule
from contentcal.model import Plan, Status
from contentcal.model.zones import UTC
from contentcal.scheduling.place import Entry, Schedule

from .conftest import EXAMPLE, NOW
from .test_schedule import plans


def _exact(value: dt.datetime | dt.date) -> tuple[object, ...]:
    """A value with what == ignores for aware datetimes: zone, fold and the wall time."""
    if isinstance(value, dt.datetime):
        return (value.isoformat(), value.tzinfo, value.fold, value.astimezone(UTC))
    return (value,)


def _exact_entry(entry: Entry) -> tuple[object, ...]:
    return (
        entry.item.id,
        entry.platform.id,
        _exact(entry.start),
        _exact(entry.end),
        entry.placed,
        entry.occurrence,
    )


def _assert_the_long_way(result: Schedule) -> None:
    duration = result.plan.schedule_settings.duration
    for entry in result.all_entries:
        again = Entry.of(
            entry.item,
            entry.platform,
            entry.start,
            default_duration=duration,
            placed=entry.placed,
            occurrence=entry.occurrence,
        )
        assert again == entry
        assert _exact_entry(again) == _exact_entry(entry)
    assert list(result.all_entries) == sorted(result.all_entries, key=Entry.sort_key)
    start, end = result.start.astimezone(UTC), result.end.astimezone(UTC)
    assert list(result.entries) == [
        entry for entry in result.all_entries if start <= entry.instant < end
    ]


def _evergreen(plan: Plan, data: st.DataObject) -> Plan:
    """Some of `plan`'s items made evergreen, some with their own duration."""
    items = []
    for item in plan.items:
        # An evergreen item's first post needs a time, not only a date.
        if isinstance(item.at, dt.datetime | None) and data.draw(st.booleans()):
            item = attrs.evolve(
                item,
                evergreen=True,
                repeat_after=dt.timedelta(hours=data.draw(st.sampled_from((1, 5, 24, 50)))),
                times=data.draw(st.sampled_from((None, 2, 4))),
            )
        if data.draw(st.booleans()):
            item = attrs.evolve(
                item, duration=dt.timedelta(minutes=data.draw(st.sampled_from((1, 45, 90))))
            )
        items.append(item)
    return attrs.evolve(plan, items=tuple(items))


@settings(max_examples=100, deadline=None)
@given(plans(), st.data())
def test_placed_entries_equal_the_long_way(
    case: tuple[Plan, dt.datetime], data: st.DataObject
) -> None:
    plan, now = case
    plan = _evergreen(plan, data)
    start = now + dt.timedelta(hours=data.draw(st.integers(-48, 48)))
    result = schedule(plan, now=now, start=start, end=start + dt.timedelta(days=3))
    _assert_the_long_way(result)


def test_example_plan_equals_the_long_way() -> None:
    result = schedule(load(EXAMPLE), now=NOW)
    assert any(entry.placed for entry in result.all_entries)
    assert any(entry.occurrence > 1 for entry in result.all_entries)
    assert any(entry.item.status is Status.PUBLISHED for entry in result.all_entries)
    _assert_the_long_way(result)
