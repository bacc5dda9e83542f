"""Building feed events fast gives the same values, digests and feeds as the plain way.

The feed builder makes each post's event once (:func:`contentcal.publishing.ics._clean_event`
instead of ``FeedEvent(...)``), writes UIDs without ``uuid.UUID`` objects, formats the
fingerprint in one call, stamps fresh drafts in place and groups events by feed once. Each
shortcut is compared here with the code it replaces; ``tests/test_output_hashes.py`` checks
the bytes of whole commands.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from typing import TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contentcal.collector import collector_paused
from contentcal.errors import InvalidOptionError
from contentcal.files.load import load
from contentcal.model import Plan
from contentcal.model.zones import get_zone
from contentcal.publishing import feeds
from contentcal.publishing.feeds import FeedState, FeedWindow, feed_paths
from contentcal.publishing.ics import EventStatus, FeedEvent, FeedValueError, _clean_event
from contentcal.publishing.pipeline import publish_feed
from contentcal.scheduling.place import Schedule, schedule
from tests.interop.strategies import hostile_text

from .conftest import EXAMPLE, NOW, REPO

GENERATOR = REPO / "benchmarks" / "generate.py"

UTC = dt.UTC
T = TypeVar("T")


@pytest.fixture(scope="module", params=["example", "generated"])
def placed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Schedule:
    """The bundled example (reply events, stories) and a generated plan (all-day items,
    drafts, many owners), scheduled."""
    if request.param == "example":
        return schedule(load(EXAMPLE), now=NOW)
    out = tmp_path_factory.mktemp("plan") / "generated"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--items", "600", "--platforms", "8", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    now = dt.datetime.fromisoformat(json.loads((out / "manifest.json").read_text())["now"])
    plan = load(out / "plan.toml")
    return schedule(plan, now=now.replace(tzinfo=get_zone(plan.brand.timezone)))


def _reference_fingerprint(event: FeedEvent) -> str:
    """The fingerprint as first defined: ``attrs.asdict`` of an unstamped copy, sorted."""
    unstamped = attrs.evolve(event, stamp=dt.datetime(2000, 1, 1, tzinfo=UTC), sequence=0)
    shown = sorted(attrs.asdict(unstamped, recurse=False).items())
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:32]


def _plain_event(event: FeedEvent) -> FeedEvent:
    """`event` made again through FeedEvent's converters and validators."""
    return FeedEvent(**attrs.asdict(event, recurse=False))


# --- UIDs ------------------------------------------------------------------------------------


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_uuid5_text_is_uuid5(name: str) -> None:
    assert feeds._uuid5_text(name) == str(uuid.uuid5(feeds.NAMESPACE, name))


def test_uuid5_text_refuses_a_lone_surrogate_like_uuid5() -> None:
    with pytest.raises(UnicodeEncodeError):
        uuid.uuid5(feeds.NAMESPACE, "a\ud800")
    with pytest.raises(UnicodeEncodeError):
        feeds._uuid5_text("a\ud800")


# --- events made once ------------------------------------------------------------------------


def test_every_post_event_equals_the_one_feed_event_makes(placed: Schedule) -> None:
    stamped = feeds._stamp_all(placed, FeedState())
    assert len(stamped.drafts) > 10
    kinds = {
        "all-day": any(not isinstance(d.event.start, dt.datetime) for d in stamped.drafts),
        "reply": any("reply" in d.event.categories for d in stamped.drafts),
        "tentative": any(d.event.status is EventStatus.TENTATIVE for d in stamped.drafts),
        "url": any(d.event.url is not None for d in stamped.drafts),
    }
    assert kinds["url"]
    assert kinds["reply"] or kinds["all-day"]
    for draft in stamped.drafts:
        assert draft.event == _plain_event(draft.event)


def test_clean_event_sets_every_field_of_feed_event() -> None:
    start = dt.datetime(2027, 1, 4, 1, tzinfo=UTC)
    values = {
        "uid": "u@contentcal",
        "start": start,
        "end": start + dt.timedelta(minutes=30),
        "summary": "s",
        "stamp": start,
        "description": "d",
        "categories": ("a", "b"),
        "color": "red",
        "status": EventStatus.TENTATIVE,
        "url": "https://example.com/",
        "sequence": 3,
        "alarm_before": dt.timedelta(minutes=15),
        "alarm_text": "t",
    }
    assert list(values) == [field.name for field in attrs.fields(FeedEvent)]
    assert _clean_event(*values.values()) == FeedEvent(**values)  # type: ignore[arg-type]


def test_clean_event_still_checks_start_and_end() -> None:
    start = dt.datetime(2027, 1, 4, 1, tzinfo=UTC)
    with pytest.raises(FeedValueError, match="end must be at least a second after start"):
        _clean_event(
            "u", start, start, "s", start, "", (), None, EventStatus.CONFIRMED, None, 0, None, "s"
        )
    naive = dt.datetime(2027, 1, 4, 1)
    with pytest.raises(FeedValueError, match="start must be time-zone aware"):
        _clean_event(
            "u", naive, start, "s", start, "", (), None, EventStatus.CONFIRMED, None, 0, None, "s"
        )


# --- fingerprints ----------------------------------------------------------------------------


def test_fingerprints_of_the_example_match_the_reference(placed: Schedule) -> None:
    stamped = feeds._stamp_all(placed, FeedState())
    for event in stamped.events.values():
        expected = _reference_fingerprint(event)
        assert feeds._fingerprint(event) == expected
        assert stamped.state.entries[event.uid].fingerprint == expected


texts = hostile_text()


@given(
    summary=texts,
    description=texts,
    alarm_text=texts,
    categories=st.lists(st.sampled_from(["{", "}", "{0}", "{!r}", "a'b", 'q"', "é"]), max_size=3),
    url=st.none() | st.just("https://example.com/{x}"),
    all_day=st.booleans(),
    sequence=st.integers(0, 5),
)
def test_fingerprint_matches_the_reference_for_any_text(
    summary: str,
    description: str,
    alarm_text: str,
    categories: list[str],
    url: str | None,
    all_day: bool,
    sequence: int,
) -> None:
    start: dt.datetime | dt.date = dt.datetime(2027, 1, 4, 1, 30, tzinfo=UTC)
    end: dt.datetime | dt.date = dt.datetime(2027, 1, 4, 2, tzinfo=UTC)
    if all_day:
        start, end = dt.date(2027, 1, 4), dt.date(2027, 1, 5)
    event = FeedEvent(
        uid="u{}@contentcal",
        start=start,
        end=end,
        summary=summary,
        stamp=dt.datetime(2027, 1, 1, tzinfo=UTC),
        description=description,
        categories=tuple(categories),
        url=url,
        sequence=sequence,
        alarm_before=None if all_day else dt.timedelta(minutes=15),
        alarm_text=alarm_text,
    )
    assert feeds._fingerprint(event) == _reference_fingerprint(event)


# --- stamping --------------------------------------------------------------------------------


def test_stamp_events_leaves_the_callers_drafts_alone(placed: Schedule) -> None:
    drafts = [d.event for d in feeds._stamp_all(placed, FeedState()).drafts]
    unstamped = [attrs.evolve(event, stamp=dt.datetime(2001, 1, 1, tzinfo=UTC)) for event in drafts]
    before = [attrs.asdict(event, recurse=False) for event in unstamped]
    events, _ = feeds.stamp_events(unstamped, state=FeedState(), now=NOW)
    assert [attrs.asdict(event, recurse=False) for event in unstamped] == before
    assert all(a is not b for a, b in zip(events, unstamped, strict=True))


def test_stamping_in_place_gives_what_stamping_copies_gives(placed: Schedule) -> None:
    stamped = feeds._stamp_all(placed, FeedState())
    later = schedule(placed.plan, now=NOW + dt.timedelta(days=3))
    again = feeds._stamp_all(later, stamped.state)
    fresh = feeds._drafts(
        later.plan,
        again.entries,
        later.plan.feed_settings,
        later.plan.schedule_settings.duration,
        again.brand,
    )
    events, state = feeds.stamp_events(
        [d.event for d in fresh] + [extra.event for extra in again.extras],
        state=stamped.state,
        now=later.now,
        updated={d.event.uid: d.updated for d in fresh},
        keep_gone=later.plan.feed_settings.past,
    )
    assert {event.uid: event for event in events} == dict(again.events)
    assert attrs.evolve(state, brand=again.brand) == again.state


# --- one pass to group events by feed --------------------------------------------------------


def _windows(plan: Plan, placed: Schedule) -> list[FeedWindow]:
    windows = [window for _, window in feed_paths(plan, placed.all_entries)]
    windows += [FeedWindow(pillar=pillar.id) for pillar in plan.pillars]
    windows += [FeedWindow(owner=""), FeedWindow(owner="NOBODY"), FeedWindow(platform="x")]
    windows += [
        FeedWindow(platform=platform.id, owner=platform.owner, pillar=pillar)
        for platform in plan.platforms
        for pillar in (None, plan.pillars[0].id)
    ]
    windows += [FeedWindow(owner=w.owner.upper()) for w in windows if w.owner]
    return windows


def test_every_window_gets_the_events_it_admits_in_draft_order(placed: Schedule) -> None:
    stamped = feeds._stamp_all(placed, FeedState())
    for window in _windows(placed.plan, placed):
        expected = tuple(
            stamped.events[d.event.uid] for d in stamped.drafts if window.admits(d.item)
        )
        assert feeds._window_events(stamped, window) == expected, window


# --- the collector ---------------------------------------------------------------------------


def test_publishing_pauses_the_collector_and_switches_it_on_again() -> None:
    plan = load(EXAMPLE)
    seen = []

    def spy() -> None:
        seen.append(gc.isenabled())

    assert gc.isenabled()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(feeds, "_calendar", _spying(feeds._calendar, spy))
        publish_feed(plan, now=NOW, use_state=False)
    assert seen == [False]
    assert gc.isenabled()
    with pytest.raises(InvalidOptionError, match="unknown platform"):
        publish_feed(plan, now=NOW, use_state=False, window=FeedWindow(platform="nope"))
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def _spying(function: Callable[..., T], spy: Callable[..., None]) -> Callable[..., T]:
    def wrapper(*args: object, **kwargs: object) -> T:
        spy()
        return function(*args, **kwargs)

    return wrapper
