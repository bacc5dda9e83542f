"""Feeds: what every event and calendar carries, change tracking, file names, interop.

Library level: plans are loaded (or built) in memory and feeds built with
:func:`contentcal.publishing.feeds.build_site` and an explicit state, so nothing here touches the
state file beside a plan (``tests/test_publish.py`` does that). Feeds are compared as
exact text; "byte-identical" means exactly that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import example as hypothesis_example
from hypothesis import strategies as st

from contentcal.errors import InvalidOptionError, OutputError, PlanError
from contentcal.files.load import load
from contentcal.model import (
    Brand,
    ContentItem,
    FeedSettings,
    Goal,
    Network,
    Pillar,
    Plan,
    Platform,
    Status,
)
from contentcal.model.zones import get_zone, localize
from contentcal.publishing import feeds
from contentcal.publishing.feeds import (
    FeedState,
    FeedWindow,
    Site,
    build_calendar,
    build_site,
    feed,
    feed_paths,
    load_state,
    owner_slug,
    save_state,
    subscribe_links,
    write_feeds,
)
from contentcal.publishing.ics import clean_category, clean_text, ics_bytes
from contentcal.publishing.serve import subscribe_urls
from contentcal.scheduling.place import Schedule, schedule
from tests.feedlint import lint
from tests.interop.parsers import (
    FeedRejectedError,
    ParsedEvent,
    parse_many_with_icaljs,
    parse_with_ical,
    parse_with_vobject,
)
from tests.interop.strategies import HAZARDS, hostile_text

from .conftest import EXAMPLE, MINIMAL_PLAN, NOW, WriteFiles

LATER = NOW + dt.timedelta(hours=3)
"""A second run's `now`: 11:00 in Jakarta (04:00Z), before the first slot of the example,
so every placed item keeps its slot (later, unpinned items that were not posted move on)."""

NOW_STAMP = "20261130T010000Z"
LATER_STAMP = "20261130T040000Z"

ITEM = """
[[items]]
id = "wash"
platform = "instagram"
pillar = "education"
goal = "sales"
title = "3 ways to wash batik"
copy = "Cold water, no wringing; dry in the shade."
link = "https://tokokopi.example/wash"
at = 2026-12-02T19:00:00
"""

EMPTY_FEED_PROBLEM = "line 1: VCALENDAR has no component (RFC 5545 §3.6 wants at least one)"
"""What the lint says about a feed without events (a known, accepted deviation)."""


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Plan:
    """The bundled example plan, loaded once: its posts only.

    Review meetings and goal and action due dates are tested in test_review_feeds.py.
    """
    plan = load(EXAMPLE)
    return attrs.evolve(plan, feed_settings=attrs.evolve(plan.feed_settings, review_events=False))


def build(plan: Plan, *, now: dt.datetime = NOW, state: FeedState | None = None) -> Site:
    """Every feed of `plan` at `now`, stamped from `state`."""
    return build_site(schedule(plan, now=now), state=state)


def unfold(data: bytes | str) -> list[str]:
    """The content lines of a feed (RFC 5545 §3.1 unfolding)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def vevents(data: bytes) -> dict[str, bytes]:
    """Each VEVENT's exact bytes (folded, with CRLFs) by UID, in feed order."""
    # Anchored at physical line starts: a folded value never starts a physical line
    # (continuations start with a space), so "END:VEVENT" inside copy cannot end a block.
    blocks = re.findall(rb"^BEGIN:VEVENT\r\n.*?^END:VEVENT\r\n", data, re.DOTALL | re.MULTILINE)
    result = {}
    for block in blocks:
        (uid,) = [line[4:] for line in unfold(block) if line.startswith("UID:")]
        assert uid not in result, uid
        result[uid] = block
    return result


def event_lines(data: bytes, uid: str) -> list[str]:
    """The unfolded content lines of one event."""
    return unfold(vevents(data)[uid])


def header(data: bytes) -> str:
    """Everything before the first event (or before END:VCALENDAR)."""
    text = data.decode("utf-8")
    return text.split("BEGIN:VEVENT\r\n")[0].split("END:VCALENDAR\r\n")[0]


def uid_of(brand: str, platform: str, item: str, kind: str = "post", occurrence: int = 1) -> str:
    """The UID contentcal gives an item's post (or reply) event, computed independently.

    An evergreen item's repeats (occurrence 2, 3, ...) add their number; the first post
    keeps the UID an item always had.
    """
    name = f"{brand}\x1f{platform}\x1f{item}\x1f{kind}"
    if occurrence != 1:
        name += f"\x1f{occurrence}"
    return f"{uuid.uuid5(feeds.NAMESPACE, name)}@contentcal"


def minimal(write_files: WriteFiles, extra: str = ITEM, head: str = "") -> Plan:
    """MINIMAL_PLAN (Toko Kopi, Instagram kept by Dewi) with `head` tables and `extra` items."""
    return load(write_files({"plan.toml": MINIMAL_PLAN + head + extra}))


def assert_others_kept_or_moved(old: dict[str, bytes], new: dict[str, bytes]) -> set[str]:
    """Every event in both feeds is byte-identical, or moved: new start and SEQUENCE:1.

    Removing or cancelling a pinned post frees its slot, so posts placed after it may move
    up; nothing else may change. Returns the UIDs that moved.
    """
    moved = set()
    for uid in set(old) & set(new):
        if new[uid] != old[uid]:
            before, after = event_lines(old[uid], uid), event_lines(new[uid], uid)
            assert after[2] != before[2], uid
            assert "SEQUENCE:1" in after, uid
            moved.add(uid)
    return moved


def with_item(plan: Plan, item_id: str, **changes: Any) -> Plan:
    """`plan` with one item changed (or removed when `changes` is ``{"remove": True}``)."""
    if changes.get("remove"):
        # Its measured results go with it: a result of an unknown item is an invalid plan.
        return attrs.evolve(
            plan,
            items=tuple(i for i in plan.items if i.id != item_id),
            results=tuple(r for r in plan.results if r.item != item_id),
        )
    items = tuple(attrs.evolve(i, **changes) if i.id == item_id else i for i in plan.items)
    assert items != plan.items, f"no change to {item_id}"
    return attrs.evolve(plan, items=items)


# --- one event: what it carries -----------------------------------------------------------


WASH_POST = (
    "BEGIN:VEVENT\r\n"
    "SUMMARY:[Instagram] 3 ways to wash batik\r\n"
    "DTSTART:20261202T120000Z\r\n"
    "DTEND:20261202T121500Z\r\n"
    "DTSTAMP:20261130T010000Z\r\n"
    "UID:116a0971-e39d-5043-99bb-7696f2596705@contentcal\r\n"
    "SEQUENCE:0\r\n"
    "CATEGORIES:instagram,education,sales\r\n"
    "COLOR:darkorange\r\n"
    "DESCRIPTION:Cold water\\, no wringing\\; dry in the shade.\\n\\nPillar: educat\r\n"
    " ion\\nGoal: Sell more coffee beans online (sales)\\nPlatform: Instagram\\nOwn\r\n"
    " er: Dewi\\nStatus: approved\\nLink: https://tokokopi.example/wash\\nItem: was\r\n"
    " h\r\n"
    "LAST-MODIFIED:20261130T010000Z\r\n"
    "STATUS:CONFIRMED\r\n"
    "URL:https://tokokopi.example/wash\r\n"
    "BEGIN:VALARM\r\n"
    "ACTION:DISPLAY\r\n"
    "DESCRIPTION:Post on Instagram: 3 ways to wash batik\r\n"
    "TRIGGER:-PT15M\r\n"
    "END:VALARM\r\n"
    "END:VEVENT\r\n"
)

WASH_REPLY = (
    "BEGIN:VEVENT\r\n"
    "SUMMARY:Reply to comments on [Instagram] 3 ways to wash batik\r\n"
    "DTSTART:20261202T140000Z\r\n"
    "DTEND:20261202T141500Z\r\n"
    "DTSTAMP:20261130T010000Z\r\n"
    "UID:7348a29d-a584-5f8b-841a-3ad76224b970@contentcal\r\n"
    "SEQUENCE:0\r\n"
    "CATEGORIES:instagram,education,sales,reply\r\n"
    "COLOR:darkorange\r\n"
    "DESCRIPTION:Answer every comment and question on this post within 2 hours \r\n"
    " of posting.\\n\\nCold water\\, no wringing\\; dry in the shade.\\n\\nPillar: edu\r\n"
    " cation\\nGoal: Sell more coffee beans online (sales)\\nPlatform: Instagram\\n\r\n"
    " Owner: Dewi\\nStatus: approved\\nLink: https://tokokopi.example/wash\\nItem: \r\n"
    " wash\r\n"
    "LAST-MODIFIED:20261130T010000Z\r\n"
    "STATUS:CONFIRMED\r\n"
    "URL:https://tokokopi.example/wash\r\n"
    "BEGIN:VALARM\r\n"
    "ACTION:DISPLAY\r\n"
    "DESCRIPTION:Reply to comments on Instagram: 3 ways to wash batik\r\n"
    "TRIGGER:-PT15M\r\n"
    "END:VALARM\r\n"
    "END:VEVENT\r\n"
)


def test_a_post_event_carries_every_field_of_its_item(write_files: WriteFiles) -> None:
    """SUMMARY [Platform] title; copy, then pillar, goal, owner, status, link; UTC times.

    19:00 in Jakarta (UTC+7) is 12:00Z; the default 15-minute block, alarm and pillar
    colour (education: darkorange) apply.
    """
    site = build(minimal(write_files))
    events = vevents(site.files["all.ics"])
    assert list(events) == [
        uid_of("Toko Kopi", "instagram", "wash"),
        uid_of("Toko Kopi", "instagram", "wash", "reply"),
    ]
    assert next(iter(events.values())).decode() == WASH_POST


def test_respond_within_adds_a_reply_event_after_the_post(write_files: WriteFiles) -> None:
    """respond_within = "2h": "Reply to comments on ..." at 21:00 Jakarta, 14:00Z."""
    site = build(minimal(write_files))
    assert list(vevents(site.files["all.ics"]).values())[1].decode() == WASH_REPLY


def test_the_uid_scheme_is_pinned(example: Plan) -> None:
    """UIDs must never change between versions: subscribers would see every post twice."""
    events = vevents(build(example).files["all.ics"])
    assert "df703e49-1b15-56ef-9b67-421ac78a5cad@contentcal" in events
    assert uid_of("Batik Cikarang", "instagram", "batik-care-ig") == (
        "df703e49-1b15-56ef-9b67-421ac78a5cad@contentcal"
    )
    assert set(events) == {
        uid_of("Batik Cikarang", entry.platform.id, entry.item.id, kind, entry.occurrence)
        for entry in schedule(example, now=NOW).all_entries
        for kind in ("post", "reply")
    }
    assert uid_of("Batik Cikarang", "instagram", "size-guide-ig", "post", 2) in events


def test_uids_do_not_depend_on_time_or_order(example: Plan) -> None:
    """Moving an item, reversing the item order, or a later run: the same UIDs."""
    first = set(vevents(build(example).files["all.ics"]))
    moved = with_item(example, "hari-ibu-fb", at=dt.datetime(2026, 12, 22, 15, tzinfo=NOW.tzinfo))
    reversed_plan = attrs.evolve(example, items=tuple(reversed(example.items)))
    assert set(vevents(build(moved).files["all.ics"])) == first
    assert set(vevents(build(reversed_plan).files["all.ics"])) == first
    assert set(vevents(build(example, now=LATER).files["all.ics"])) <= first


def test_uids_carry_no_personal_data(example: Plan) -> None:
    """A UID is a name-based UUID at contentcal: no owner, brand, handle or item id in it."""
    data = build(example).files["all.ics"]
    for uid in vevents(data):
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
            r"@contentcal",
            uid,
        ), uid
    uids = " ".join(vevents(data)).casefold()
    for private in ("sari", "budi", "batik", "cikarang", "instagram", "care", "@", "+62"):
        assert private not in uids.replace("@contentcal", ""), private


def test_two_brands_with_the_same_item_ids_get_different_uids(example: Plan) -> None:
    """An agency's two clients both have "batik-care-ig": their events must not collide."""
    other = attrs.evolve(example, brand=attrs.evolve(example.brand, name="Batik Bekasi"))
    assert not set(vevents(build(example).files["all.ics"])) & set(
        vevents(build(other).files["all.ics"])
    )


def test_an_item_with_a_date_but_no_time_is_all_day(write_files: WriteFiles) -> None:
    """VALUE=DATE, DTEND the next day (exclusive); no alarm and no reply event at 00:00."""
    plan = minimal(write_files, ITEM.replace("2026-12-02T19:00:00", "2026-12-22"))
    data = build(plan).files["all.ics"]
    uid = uid_of("Toko Kopi", "instagram", "wash")
    assert list(vevents(data)) == [uid]
    lines = event_lines(data, uid)
    assert lines[2:5] == [
        "DTSTART;VALUE=DATE:20261222",
        "DTEND;VALUE=DATE:20261223",
        f"DTSTAMP:{NOW_STAMP}",
    ]
    assert not any(line.startswith(("BEGIN:VALARM", "TRIGGER")) for line in lines)


DST_PLAN = """
[brand]
name = "Toko Kopi"
timezone = "Asia/Jakarta"

[platforms.instagram]
timezone = "America/New_York"
respond_within = "2h"

[feeds]
include_backlog = true

[[items]]
id = "fold"
platform = "instagram"
title = "The second 01:30 of the night clocks fall back"
at = 2026-11-01T01:30:00-05:00

[[items]]
id = "spring"
platform = "instagram"
title = "Two hours across the spring-forward gap"
at = 2027-03-14T01:30:00
duration = "2h"

[[items]]
id = "draft"
platform = "instagram"
title = "A draft across the gap"
status = "draft"
at = 2027-03-14T01:00:00
duration = "2h"
"""


def test_posts_across_a_dst_change_last_their_real_duration(write_files: WriteFiles) -> None:
    """New York: end = start + duration in elapsed time, for placed and backlog items.

    Regression (backlog): a draft's end was start + duration in wall time, an hour short
    across the spring-forward gap. The fall-back case once failed the whole feed.
    """
    data = build(load(write_files({"plan.toml": DST_PLAN}))).files["all.ics"]
    times = [line for line in unfold(data) if line.startswith(("SUMMARY", "DTSTART", "DTEND"))]
    assert times == [
        "SUMMARY:[Instagram] The second 01:30 of the night clocks fall back",
        "DTSTART:20261101T063000Z",
        "DTEND:20261101T064500Z",
        "SUMMARY:Reply to comments on [Instagram] The second 01:30 of the night clocks fall back",
        "DTSTART:20261101T083000Z",
        "DTEND:20261101T084500Z",
        "SUMMARY:[Instagram] A draft across the gap",
        "DTSTART:20270314T060000Z",
        "DTEND:20270314T080000Z",
        "SUMMARY:Reply to comments on [Instagram] A draft across the gap",
        "DTSTART:20270314T080000Z",
        "DTEND:20270314T081500Z",
        "SUMMARY:[Instagram] Two hours across the spring-forward gap",
        "DTSTART:20270314T063000Z",
        "DTEND:20270314T083000Z",
        "SUMMARY:Reply to comments on [Instagram] Two hours across the spring-forward gap",
        "DTSTART:20270314T083000Z",
        "DTEND:20270314T084500Z",
    ]


def test_timed_events_are_utc_and_the_brand_zone_is_only_a_hint(example: Plan) -> None:
    """Every DTSTART/DTEND ends in Z; X-WR-TIMEZONE names the brand's zone; no TZID."""
    data = build(example).files["all.ics"]
    lines = unfold(data)
    times = [line for line in lines if line.startswith(("DTSTART", "DTEND"))]
    assert len(times) == 2 * 88
    assert all(re.fullmatch(r"DT(START|END):\d{8}T\d{6}Z", line) for line in times)
    assert "X-WR-TIMEZONE:Asia/Jakarta" in lines
    assert b"TZID" not in data
    assert b"VTIMEZONE" not in data


@pytest.mark.parametrize(
    ("color", "expected"),
    [
        ('color = "steelblue"', ["COLOR:steelblue"]),
        ('color = "SteelBlue"', ["COLOR:steelblue"]),
        ('color = "#4682b4"', []),
        ('color = "steel blue"', []),
        ('description = "no colour set"', []),
    ],
)
def test_color_is_the_pillars_css_name_or_nothing(
    write_files: WriteFiles, color: str, expected: list[str]
) -> None:
    """RFC 7986 COLOR is a CSS colour name: hex values and typos are left out, not sent."""
    plan = minimal(write_files, head=f"\n[pillars.education]\n{color}\n")
    lines = event_lines(build(plan).files["all.ics"], uid_of("Toko Kopi", "instagram", "wash"))
    assert [line for line in lines if line.startswith("COLOR")] == expected


@pytest.mark.parametrize(
    ("status", "backlog", "expected"),
    [
        ("approved", False, "STATUS:CONFIRMED"),
        ("scheduled", False, "STATUS:CONFIRMED"),
        ("published", False, "STATUS:CONFIRMED"),
        ("approved", True, "STATUS:CONFIRMED"),
        ("idea", True, "STATUS:TENTATIVE"),
        ("draft", True, "STATUS:TENTATIVE"),
        ("review", True, "STATUS:TENTATIVE"),
        ("idea", False, None),
        ("draft", False, None),
        ("review", False, None),
        ("cancelled", False, None),
        ("cancelled", True, None),
    ],
)
def test_status_follows_the_item(
    write_files: WriteFiles, status: str, backlog: bool, expected: str | None
) -> None:
    """Confirmed when approved or later; backlog TENTATIVE only when asked; cancelled absent."""
    head = f"\n[feeds]\ninclude_backlog = {str(backlog).lower()}\n"
    plan = minimal(write_files, ITEM + f'status = "{status}"\n', head=head)
    data = build(plan).files["all.ics"]
    if expected is None:
        assert vevents(data) == {}
    else:
        assert len(vevents(data)) == 2  # the post and its reply event
        for uid in vevents(data):
            assert expected in event_lines(data, uid)
    assert b"CANCELLED" not in data


def test_a_cancelled_item_leaves_the_feed_without_a_trace(example: Plan) -> None:
    """Cancelling drops the events (Google hides CANCELLED, Apple strikes them through)."""
    before = build(example)
    cancelled = with_item(example, "hari-ibu-fb", status=Status.CANCELLED)
    after = build(cancelled, state=before.state)
    gone = {uid_of("Batik Cikarang", "facebook", "hari-ibu-fb", k) for k in ("post", "reply")}
    old, new = vevents(before.files["all.ics"]), vevents(after.files["all.ics"])
    assert set(old) - set(new) == gone
    assert set(new) < set(old)
    # The story's other version lists its steps: its Facebook step now has no item yet.
    story = {uid_of("Batik Cikarang", "instagram", "hari-ibu-ig", k) for k in ("post", "reply")}
    for uid in story:
        assert b"no item yet" in new[uid].replace(b"\r\n ", b""), uid
    assert_others_kept_or_moved(
        {uid: old[uid] for uid in set(old) - story}, {uid: new[uid] for uid in set(new) - story}
    )
    assert b"CANCELLED" not in after.files["all.ics"]


@pytest.mark.parametrize(
    ("setting", "trigger"),
    [
        ("", "TRIGGER:-PT15M"),
        ('alarm = "30m"', "TRIGGER:-PT30M"),
        ('alarm = "1h"', "TRIGGER:-PT1H"),
    ],
)
def test_a_display_alarm_reminds_before_each_post(
    write_files: WriteFiles, setting: str, trigger: str
) -> None:
    """Default 15 minutes before; [feeds] alarm changes it, for posts and reply events."""
    plan = minimal(write_files, head=f"\n[feeds]\n{setting}\n")
    data = build(plan).files["all.ics"]
    for uid in vevents(data):
        lines = event_lines(data, uid)
        alarm = lines[lines.index("BEGIN:VALARM") :]
        assert alarm[0:2] == ["BEGIN:VALARM", "ACTION:DISPLAY"]
        assert alarm[3:] == [trigger, "END:VALARM", "END:VEVENT"]


def test_alarm_false_removes_the_alarm(write_files: WriteFiles) -> None:
    """[feeds] alarm = false: no VALARM anywhere."""
    plan = minimal(write_files, head="\n[feeds]\nalarm = false\n")
    data = build(plan).files["all.ics"]
    assert len(vevents(data)) == 2
    assert b"VALARM" not in data
    assert b"TRIGGER" not in data


def test_calendar_uid_setting_from_the_plan_file(write_files: WriteFiles) -> None:
    """[feeds] calendar_uid = true in the file writes the calendar UID; a string is refused
    with the file, line, key and a fix."""
    plan = minimal(write_files, head="\n[feeds]\ncalendar_uid = true\n")
    head = build(plan).files["all.ics"].split(b"BEGIN:VEVENT")[0]
    assert b"\r\nUID:" in head
    with pytest.raises(PlanError) as caught:
        minimal(write_files, head='\n[feeds]\ncalendar_uid = "yes"\n')
    message = str(caught.value)
    assert "feeds.calendar_uid" in message
    assert "expected true or false, got 'yes'" in message


def test_reply_events_false_turns_them_off(write_files: WriteFiles) -> None:
    """[feeds] reply_events = false: only the post."""
    plan = minimal(write_files, head="\n[feeds]\nreply_events = false\n")
    data = build(plan).files["all.ics"]
    assert list(vevents(data)) == [uid_of("Toko Kopi", "instagram", "wash")]
    assert b"Reply to comments" not in data


def test_no_reply_event_without_respond_within(write_files: WriteFiles) -> None:
    """A platform without respond_within has nothing to follow up."""
    text = MINIMAL_PLAN.replace('respond_within = "2h"\n', "") + ITEM
    data = build(load(write_files({"plan.toml": text}))).files["all.ics"]
    assert list(vevents(data)) == [uid_of("Toko Kopi", "instagram", "wash")]


def test_reply_event_waits_respond_within_in_the_example(example: Plan) -> None:
    """Each platform's own respond_within: Instagram 2 h, Facebook 4 h, WhatsApp 1 h."""
    data = build(example).files["all.ics"]
    for entry in schedule(example, now=NOW).all_entries:
        assert isinstance(entry.start, dt.datetime)
        reply = uid_of(
            "Batik Cikarang", entry.platform.id, entry.item.id, "reply", entry.occurrence
        )
        start = (entry.start + entry.platform.respond_within).astimezone(dt.UTC)  # type: ignore[operator]
        assert event_lines(data, reply)[2:4] == [
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + dt.timedelta(minutes=15):%Y%m%dT%H%M%SZ}",
        ]


# --- the calendar ---------------------------------------------------------------------------


INSTAGRAM_HEADER = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//contentcal//contentcal editorial calendar//EN\r\n"
    "DESCRIPTION:Editorial calendar of Batik Cikarang: posts on Instagram\\, kep\r\n"
    " t by Sari.\r\n"
    "X-WR-CALDESC:Editorial calendar of Batik Cikarang: posts on Instagram\\, ke\r\n"
    " pt by Sari.\r\n"
    "NAME:Batik Cikarang — Instagram\r\n"
    "X-WR-CALNAME:Batik Cikarang — Instagram\r\n"
    "LAST-MODIFIED:20261130T010000Z\r\n"
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"
    "SOURCE;VALUE=URI:https://cal.example.com/batik/platform/instagram.ics\r\n"
    "URL:https://cal.example.com/batik/index.html\r\n"
    "X-PUBLISHED-TTL:PT1H\r\n"
    "X-WR-RELCALID:c46cf55c-6c2f-58da-8a14-1f8a1eecdf20\r\n"
    "X-WR-TIMEZONE:Asia/Jakarta\r\n"
)


def test_the_calendar_header_names_and_describes_the_feed(example: Plan) -> None:
    """NAME + X-WR-CALNAME, DESCRIPTION + X-WR-CALDESC, refresh hints, SOURCE, URL, RELCALID."""
    site = build_site(schedule(example, now=NOW), base_url="https://cal.example.com/batik/")
    assert header(site.files["platform/instagram.ics"]) == INSTAGRAM_HEADER


def test_no_calendar_level_uid_by_default(example: Plan) -> None:
    """Regression (issue #11): vdirsyncer takes each event's identity from the first UID line
    and copies calendar properties into every event, so a calendar UID collapses the feed."""
    for path, data in build(example).files.items():
        if path.endswith(".ics"):
            head = data.split(b"BEGIN:VEVENT", 1)[0]
            assert b"\r\nUID:" not in head, path
            assert b"\r\nX-WR-RELCALID:" in head, path


def test_calendar_uid_is_opt_in(example: Plan) -> None:
    """`calendar_uid = true` writes the calendar's UID, the same value as X-WR-RELCALID."""
    settings = attrs.evolve(example.feed_settings, calendar_uid=True)
    site = build(attrs.evolve(example, feed_settings=settings))
    head = header(site.files["platform/instagram.ics"])
    assert "UID:c46cf55c-6c2f-58da-8a14-1f8a1eecdf20\r\n" in head
    assert "X-WR-RELCALID:c46cf55c-6c2f-58da-8a14-1f8a1eecdf20\r\n" in head


def test_without_a_base_url_there_is_no_source_or_url(example: Plan) -> None:
    """SOURCE and URL need to know where the feed lives; everything else is the same."""
    data = build(example).files["platform/instagram.ics"]
    expected = "".join(
        line + "\r\n"
        for line in INSTAGRAM_HEADER.split("\r\n")[:-1]
        if not line.startswith(("SOURCE", "URL"))
    )
    assert header(data) == expected


def test_feeds_never_carry_method(example: Plan) -> None:
    """METHOD would turn a subscription snapshot into an iTIP message (RFC 5546)."""
    for path, data in build(example).files.items():
        assert not any(line.startswith("METHOD") for line in unfold(data)), path


@pytest.mark.parametrize(
    ("refresh", "expected"),
    [('"6h"', "PT6H"), ('"1d"', "P1D"), ('"90m"', "PT1H30M")],
)
def test_refresh_is_configurable(write_files: WriteFiles, refresh: str, expected: str) -> None:
    """[feeds] refresh sets REFRESH-INTERVAL (with VALUE=DURATION) and X-PUBLISHED-TTL."""
    plan = minimal(write_files, head=f"\n[feeds]\nrefresh = {refresh}\n")
    lines = unfold(build(plan).files["all.ics"])
    assert f"REFRESH-INTERVAL;VALUE=DURATION:{expected}" in lines
    assert f"X-PUBLISHED-TTL:{expected}" in lines


def test_calendar_uids_are_stable_and_one_per_feed(example: Plan) -> None:
    """Each feed keeps its own identity (X-WR-RELCALID) across runs and plan edits."""

    def calendar_uids(site: Site) -> dict[str, str]:
        return {
            path: next(line for line in unfold(header(data)) if line.startswith("X-WR-RELCALID:"))
            for path, data in site.files.items()
            if path.endswith(".ics")
        }

    first = calendar_uids(build(example))
    assert len(set(first.values())) == len(first) == 6
    assert first["platform/instagram.ics"] == "X-WR-RELCALID:c46cf55c-6c2f-58da-8a14-1f8a1eecdf20"
    edited = with_item(example, "hari-ibu-fb", title="Selamat Hari Ibu!")
    assert calendar_uids(build(edited, now=LATER)) == first


def test_feed_returns_the_reference_object_model(example: Plan) -> None:
    """feed() is an icalendar.Calendar whose bytes are the streamed feed's."""
    placed = schedule(example, now=NOW)
    calendar, _ = build_calendar(placed, window=FeedWindow(platform="whatsapp"))
    reference = feed(placed, platform="whatsapp")
    assert reference.to_ical() == ics_bytes(calendar)
    assert reference.to_ical() == build(example).files["platform/whatsapp.ics"]


def test_a_feed_made_alone_is_the_same_calendar_as_the_published_one(example: Plan) -> None:
    """Regression: every window made alone had all.ics's calendar UID and SOURCE.

    A platform or owner window is the published feed of that path (owner in any case);
    a pillar window, which is not published, still gets a calendar UID of its own.
    """
    placed = schedule(example, now=NOW)
    base = "https://cal.example.com/batik/"
    site = build_site(placed, base_url=base)
    for window, path in [
        (FeedWindow(), "all.ics"),
        (FeedWindow(platform="facebook"), "platform/facebook.ics"),
        (FeedWindow(owner="sari"), "owner/sari.ics"),
    ]:
        calendar, _ = build_calendar(placed, window=window, base_url=base)
        assert calendar.source == base + path
        assert ics_bytes(calendar) == site.files[path], path
    pillar, _ = build_calendar(placed, window=FeedWindow(pillar="education"), base_url=base)
    assert pillar.source == base + "pillar/education.ics"
    others = {
        next(line for line in unfold(header(data)) if line.startswith("X-WR-RELCALID:"))
        for path, data in site.files.items()
        if path.endswith(".ics")
    }
    assert pillar.relcalid is not None
    assert f"X-WR-RELCALID:{pillar.relcalid}" not in others
    assert len(others) == 6


# --- change tracking -----------------------------------------------------------------------


def test_an_unchanged_plan_gives_byte_identical_feeds(example: Plan) -> None:
    """Two builds, the second from the first's state and later: every file is identical."""
    first = build(example)
    second = build(example, now=NOW + dt.timedelta(hours=3), state=first.state)
    assert second.files == first.files
    assert second.state == first.state
    assert second.last_modified == dt.datetime(2026, 11, 30, 1, tzinfo=dt.UTC)


def _stamp_and_sequence(data: bytes, uid: str) -> list[str]:
    return [
        line
        for line in event_lines(data, uid)
        if line.startswith(("DTSTAMP", "LAST-MODIFIED", "SEQUENCE"))
    ]


def test_moving_an_item_raises_sequence_and_touches_nothing_else(example: Plan) -> None:
    """Same UID, SEQUENCE 1, stamps = now; every other event is byte for byte the same."""
    first = build(example)
    moved = with_item(example, "hari-ibu-fb", at=dt.datetime(2026, 12, 22, 15, tzinfo=NOW.tzinfo))
    second = build(moved, now=LATER, state=first.state)
    post = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
    reply = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb", "reply")
    old, new = vevents(first.files["all.ics"]), vevents(second.files["all.ics"])
    assert list(new) == list(old)
    for uid in (post, reply):
        assert _stamp_and_sequence(new[uid], uid) == [
            f"DTSTAMP:{LATER_STAMP}",
            "SEQUENCE:1",
            f"LAST-MODIFIED:{LATER_STAMP}",
        ]
    assert event_lines(new[post], post)[2:4] == [
        "DTSTART:20261222T080000Z",
        "DTEND:20261222T081500Z",
    ]
    assert {u: b for u, b in new.items() if u not in (post, reply)} == {
        u: b for u, b in old.items() if u not in (post, reply)
    }
    assert f"LAST-MODIFIED:{LATER_STAMP}" in unfold(header(second.files["all.ics"]))
    # Moving it again: the sequence keeps counting.
    third = build(with_item(moved, "hari-ibu-fb", at=dt.date(2026, 12, 22)), state=second.state)
    assert "SEQUENCE:2" in event_lines(third.files["all.ics"], post)


def test_editing_only_the_copy_restamps_without_a_new_sequence(example: Plan) -> None:
    """An edit that does not move the post: SEQUENCE stays 0, DTSTAMP becomes now."""
    first = build(example)
    edited = with_item(example, "batik-care-ig", copy="Tips baru: jemur di tempat teduh.")
    second = build(edited, now=LATER, state=first.state)
    post = uid_of("Batik Cikarang", "instagram", "batik-care-ig")
    old, new = vevents(first.files["all.ics"]), vevents(second.files["all.ics"])
    assert _stamp_and_sequence(new[post], post) == [
        f"DTSTAMP:{LATER_STAMP}",
        "SEQUENCE:0",
        f"LAST-MODIFIED:{LATER_STAMP}",
    ]
    assert "Tips baru: jemur di tempat teduh." in new[post].decode()
    changed = {u for u in new if new[u] != old[u]}
    assert changed == {post, uid_of("Batik Cikarang", "instagram", "batik-care-ig", "reply")}


def test_removing_an_item_removes_its_uids(example: Plan) -> None:
    """Subscribers drop UIDs missing from the next fetch; nothing else changes."""
    first = build(example)
    second = build(with_item(example, "motif-quiz-ig", remove=True), state=first.state)
    old, new = vevents(first.files["all.ics"]), vevents(second.files["all.ics"])
    assert set(old) - set(new) == {
        uid_of("Batik Cikarang", "instagram", "motif-quiz-ig", kind) for kind in ("post", "reply")
    }
    assert set(new) < set(old)
    # The Instagram posts placed after it move up a slot; the rest stay byte-identical.
    moved = assert_others_kept_or_moved(old, new)
    # Ten posts and the size guide's two repeats, each with its reply event.
    assert len(moved) == 24


def test_an_items_own_updated_time_wins_as_the_stamp(example: Plan) -> None:
    """updated = 2026-11-20 10:00 Jakarta: DTSTAMP 03:00Z, first build and after a move."""
    updated = dt.datetime(2026, 11, 20, 10, tzinfo=NOW.tzinfo)
    plan = with_item(example, "hari-ibu-fb", updated=updated)
    first = build(plan)
    moved = with_item(plan, "hari-ibu-fb", at=dt.datetime(2026, 12, 22, 15, tzinfo=NOW.tzinfo))
    second = build(moved, now=LATER, state=first.state)
    for site, sequence in ((first, "SEQUENCE:0"), (second, "SEQUENCE:1")):
        for kind in ("post", "reply"):
            uid = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb", kind)
            assert _stamp_and_sequence(site.files["all.ics"], uid) == [
                "DTSTAMP:20261120T030000Z",
                sequence,
                "LAST-MODIFIED:20261120T030000Z",
            ]


def test_stamps_without_state_are_now(example: Plan) -> None:
    """The first run (no state) stamps every event with now, to the second."""
    now = NOW + dt.timedelta(microseconds=999_999)
    data = build(example, now=now).files["all.ics"]
    stamps = {line for line in unfold(data) if line.startswith(("DTSTAMP", "LAST-MODIFIED"))}
    assert stamps == {f"DTSTAMP:{NOW_STAMP}", f"LAST-MODIFIED:{NOW_STAMP}"}


# --- the state file -------------------------------------------------------------------------


def test_the_state_is_sorted_json_that_reads_back(example: Plan) -> None:
    """Deterministic (sorted keys, one UID per entry) so it diffs cleanly in git."""
    state = build(example).state
    text = state.to_json()
    assert FeedState.from_json(text) == state
    data = json.loads(text)
    assert data["version"] == 1
    assert list(data["events"]) == sorted(data["events"])
    uid = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
    entry = data["events"][uid]
    assert entry == {
        "end": "2026-12-22T05:15:00+00:00",
        "fingerprint": entry["fingerprint"],
        "modified": "2026-11-30T01:00:00Z",
        "sequence": 0,
        "start": "2026-12-22T05:00:00+00:00",
    }
    assert re.fullmatch(r"[0-9a-f]{32}", entry["fingerprint"])
    assert text.endswith("}\n")


def test_a_missing_state_is_empty_without_a_warning(tmp_path: Path) -> None:
    """The first run of a plan: nothing to say."""
    assert load_state(str(tmp_path / "feed-state.json")) == (FeedState(), None)


GOOD_ENTRY = {
    "fingerprint": "0" * 32,
    "sequence": 3,
    "modified": "2026-11-30T01:00:00Z",
    "start": "2026-12-22T05:00:00+00:00",
    "end": "2026-12-22T05:15:00+00:00",
}


def _state_with(**changes: object) -> bytes:
    entry = {**GOOD_ENTRY, **changes}
    return json.dumps({"version": 1, "events": {"a@contentcal": entry}}).encode()


CORRUPT_STATES = {
    "empty file": b"",
    "not JSON": b"{not json",
    "invalid UTF-8": b'{"version": 1, "events": {"\xff": {}}}',
    "a byte-order mark": b"\xef\xbb\xbf" + _state_with(),
    "a list": b"[]",
    "another version": b'{"version": 2, "events": {}}',
    "no events table": b'{"version": 1}',
    "events as a list": b'{"version": 1, "events": []}',
    "an entry that is a string": b'{"version": 1, "events": {"a": "x"}}',
    "a missing key": json.dumps({"version": 1, "events": {"a": {"sequence": 0}}}).encode(),
    "a naive time": _state_with(modified="2026-11-30T01:00:00"),
    "an impossible time": _state_with(modified="2026-13-30T01:00:00Z"),
    "a time beyond year 9999 in UTC": _state_with(modified="9999-12-31T23:00:00-05:00"),
    "a negative sequence": _state_with(sequence=-1),
    "a sequence as text": _state_with(sequence="3"),
    "a sequence that is a bool": _state_with(sequence=True),
    "a fractional sequence": _state_with(sequence=1.5),
}


@pytest.mark.parametrize("content", CORRUPT_STATES.values(), ids=CORRUPT_STATES.keys())
def test_a_corrupt_state_is_rebuilt_with_a_warning(tmp_path: Path, content: bytes) -> None:
    """Never a crash: an empty state, and a warning saying what subscribers will see."""
    path = tmp_path / "feed-state.json"
    path.write_bytes(content)
    assert load_state(str(path)) == (
        FeedState(),
        f"{path}: the feed state is corrupt; rebuilding it "
        "(subscribers may see every event as edited once)",
    )


def test_an_unreadable_state_is_rebuilt_with_a_warning(tmp_path: Path) -> None:
    """A folder where the file should be: the reason from the system, then rebuild."""
    path = tmp_path / "feed-state.json"
    path.mkdir()
    assert load_state(str(path)) == (
        FeedState(),
        f"{path}: cannot read the feed state (Is a directory); rebuilding it",
    )


def test_a_negative_sequence_in_the_state_no_longer_fails_the_feed(example: Plan) -> None:
    """Regression: a matching UID with sequence -1 made the writer refuse the whole feed."""
    state = build(example).state
    uid = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
    data = json.loads(state.to_json())
    data["events"][uid]["sequence"] = -1
    with pytest.raises(ValueError, match=r"^bad sequence -1 in state$"):
        FeedState.from_json(json.dumps(data))


def test_save_state_creates_its_folder_and_leaves_no_temporary_file(
    example: Plan, tmp_path: Path
) -> None:
    """The folder is made on demand; the file is the JSON and nothing else is left over."""
    state = build(example).state
    path = tmp_path / ".contentcal" / "feed-state.json"
    save_state(str(path), state)
    assert path.read_text(encoding="utf-8") == state.to_json()
    assert os.listdir(path.parent) == ["feed-state.json"]
    assert load_state(str(path)) == (state, None)


def test_save_state_where_a_file_blocks_the_folder_is_an_output_error(tmp_path: Path) -> None:
    """Regression: a file named .contentcal gave a FileExistsError traceback."""
    (tmp_path / ".contentcal").write_text("not a folder", encoding="utf-8")
    path = tmp_path / ".contentcal" / "feed-state.json"
    with pytest.raises(OutputError, match=rf"^cannot write {re.escape(str(path))}: File exists$"):
        save_state(str(path), FeedState())


# --- which feeds, and their file names ------------------------------------------------------


def test_the_example_has_a_feed_per_platform_and_per_owner(example: Plan) -> None:
    """all.ics, three platforms, the two owners (Budi also owns an Instagram item)."""
    site = build(example)
    assert sorted(site.files) == [
        "all.ics",
        "index.html",
        "owner/budi.ics",
        "owner/sari.ics",
        "platform/facebook.ics",
        "platform/instagram.ics",
        "platform/whatsapp.ics",
    ]
    counts = {path: data.count(b"BEGIN:VEVENT") for path, data in site.files.items()}
    assert counts == {
        "all.ics": 88,
        "platform/instagram.ics": 42,
        "platform/facebook.ics": 38,
        "platform/whatsapp.ics": 8,
        "owner/budi.ics": 40,
        "owner/sari.ics": 48,
        "index.html": 0,
    }
    budi = vevents(site.files["owner/budi.ics"])
    assert uid_of("Batik Cikarang", "instagram", "uniform-showcase-ig") in budi
    assert set(budi) | set(vevents(site.files["owner/sari.ics"])) == set(
        vevents(site.files["all.ics"])
    )


def test_owner_feed_names_are_safe_slugs() -> None:
    """Accents folded, anything else a dash; a name without letters gets a hash."""
    assert owner_slug("Sari Dewi") == "sari-dewi"
    assert owner_slug("  Ömer Çelik ") == "omer-celik"
    assert owner_slug("Budi (Facebook)") == "budi-facebook"
    assert re.fullmatch(r"owner-[0-9a-f]{8}", owner_slug("東京"))
    assert owner_slug("東京") != owner_slug("大阪")


def _plan_with(platforms: Iterable[tuple[str, str | None]], owners: Iterable[str] = ()) -> Plan:
    platform_values = tuple(
        Platform(id=pid, network=Network.OTHER, timezone="Asia/Jakarta", owner=owner)
        for pid, owner in platforms
    )
    items = tuple(
        ContentItem(
            id=f"item-{number}",
            platform=platform_values[0].id,
            title=f"Post {number}",
            owner=owner,
            at=dt.datetime(2026, 12, 1 + number, 9, tzinfo=NOW.tzinfo),
        )
        for number, owner in enumerate(owners)
    )
    return Plan(
        brand=Brand(name="Toko", timezone="Asia/Jakarta"), platforms=platform_values, items=items
    )


def test_platform_ids_cannot_write_outside_the_folder(tmp_path: Path) -> None:
    """Regression: [platforms."../evil"] wrote ../evil.ics next to the output folder."""
    plan = _plan_with([("../evil", None), ("a b", None), ("Blog", None), ("blog", None)])
    paths = [path for path, _ in feed_paths(plan)]
    assert paths == [
        "all.ics",
        "platform/evil.ics",
        "platform/a-b.ics",
        "platform/Blog.ics",
        f"platform/blog-{hashlib.sha256(b'blog').hexdigest()[:8]}.ics",
    ]
    out = tmp_path / "site"
    written, _ = write_feeds(schedule(plan, now=NOW), out)
    assert sorted(written) == sorted([*paths, "index.html"])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*")) == sorted(
        f"site/{path}" for path in written
    )


def test_owners_differing_only_in_case_share_a_feed_and_slug_twins_get_two() -> None:
    """'Sari Dewi' and 'sari dewi' are one person; 'Sari-Dewi' someone else with her slug."""
    plan = _plan_with([("blog", "Sari Dewi")], owners=["sari dewi", "Sari-Dewi", "Budi"])
    placed = schedule(plan, now=NOW)
    windows = feed_paths(plan, placed.all_entries)
    twin = hashlib.sha256(b"Sari-Dewi").hexdigest()[:8]
    assert windows[2:] == [
        ("owner/budi.ics", FeedWindow(owner="Budi")),
        ("owner/sari-dewi.ics", FeedWindow(owner="Sari Dewi")),
        (f"owner/sari-dewi-{twin}.ics", FeedWindow(owner="Sari-Dewi")),
    ]
    site = build_site(placed)
    assert site.files["owner/sari-dewi.ics"].count(b"BEGIN:VEVENT") == 1
    assert site.files[f"owner/sari-dewi-{twin}.ics"].count(b"BEGIN:VEVENT") == 1


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (
            FeedWindow(platform="tiktok"),
            "unknown platform 'tiktok'; the plan has: instagram, facebook, whatsapp",
        ),
        (
            FeedWindow(pillar="edu"),
            "unknown pillar 'edu'; the plan has: communication, education, entertainment, "
            "collaboration",
        ),
        (FeedWindow(owner="Sary"), "unknown owner 'Sary'; the plan has: Budi, Sari"),
    ],
)
def test_an_unknown_filter_is_an_invalid_option(
    example: Plan, window: FeedWindow, message: str
) -> None:
    """A typo must not give a silently empty calendar that a team member subscribes to."""
    with pytest.raises(InvalidOptionError) as caught:
        build_calendar(schedule(example, now=NOW), window=window)
    assert str(caught.value) == message


def test_owner_filter_ignores_case(example: Plan) -> None:
    """--owner sari is Sari's feed."""
    placed = schedule(example, now=NOW)
    lower, _ = build_calendar(placed, window=FeedWindow(owner="sari"))
    assert len(lower.events) == 48
    assert {event.uid for event in lower.events} == set(
        vevents(build(example).files["owner/sari.ics"])
    )


def test_pillar_feed_has_only_that_pillar(example: Plan) -> None:
    """A pillar window: every event carries that pillar's category."""
    calendar, _ = build_calendar(schedule(example, now=NOW), window=FeedWindow(pillar="education"))
    assert calendar.name == "Batik Cikarang — education"
    assert len(calendar.events) == 24  # nine posts, the size guide 3 times, their replies
    assert all(event.categories[1] == "education" for event in calendar.events)


# --- index.html and links -------------------------------------------------------------------


def test_index_links_every_feed_three_ways(example: Plan) -> None:
    """webcal:// (Apple, Outlook), Google's cid= link and https://, as serve computes them."""
    base = "https://cal.example.com/batik/"
    site = build_site(schedule(example, now=NOW), base_url=base)
    page = site.files["index.html"].decode()
    feeds_ = sorted(path for path in site.files if path.endswith(".ics"))
    for link in subscribe_urls(base, feeds_):
        assert subscribe_links(base, link.path) == (link.url, link.webcal, link.google)
        assert f'<a href="{link.webcal}">Subscribe (Apple, Outlook)</a>' in page
        assert f'<a href="{link.google}">Add to Google Calendar</a>' in page
        assert f'<a href="{link.url}">{link.url}</a>' in page
    assert (
        "<tr><td>Batik Cikarang — WhatsApp</td><td>8</td><td>"
        '<a href="webcal://cal.example.com/batik/platform/whatsapp.ics">'
        "Subscribe (Apple, Outlook)</a> · "
        '<a href="https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Fcal.example.com'
        '%2Fbatik%2Fplatform%2Fwhatsapp.ics">Add to Google Calendar</a> · '
        '<a href="https://cal.example.com/batik/platform/whatsapp.ics">'
        "https://cal.example.com/batik/platform/whatsapp.ics</a></td></tr>"
    ) in page
    assert "These links are relative" not in page


def test_index_without_a_base_url_links_relatively(example: Plan) -> None:
    """Relative links and a note on how to get subscribe links."""
    page = build(example).files["index.html"].decode()
    assert '<tr><td>Batik Cikarang — Sari</td><td>48</td><td><a href="owner/sari.ics">' in page
    assert "webcal:" not in page
    assert "calendar.google.com" not in page
    assert (
        "<p>These links are relative. For subscribe links, pass the address the folder is "
        "published at: <code>contentcal feeds --base-url URL</code>, or <code>base_url</code> "
        "under <code>[feeds]</code> in the plan.</p>"
    ) in page


def test_a_base_url_without_a_trailing_slash_keeps_its_path(example: Plan) -> None:
    """Regression: https://cal.example.com/batik gave SOURCE https://cal.example.com/all.ics."""
    placed = schedule(example, now=NOW)
    with_slash = build_site(placed, base_url="https://cal.example.com/batik/")
    without = build_site(placed, base_url="https://cal.example.com/batik")
    assert without.files == with_slash.files
    assert subscribe_links("https://cal.example.com/batik", "all.ics")[0] == (
        "https://cal.example.com/batik/all.ics"
    )


@pytest.mark.parametrize(
    "base_url", ["cal.example.com/batik/", "ftp://cal.example.com/", "https://", "https://a b/"]
)
def test_a_base_url_must_be_an_absolute_http_url(example: Plan, base_url: str) -> None:
    """Anything else would make broken subscribe links, or break the feed itself."""
    with pytest.raises(InvalidOptionError) as caught:
        build_site(schedule(example, now=NOW), base_url=base_url)
    assert str(caught.value) == (
        f"base URL must be an absolute http(s) URL, got {base_url!r} "
        "(e.g. https://example.com/calendar/)"
    )


@given(
    st.one_of(
        st.text(),
        st.builds(
            "".join,
            st.lists(st.sampled_from(["http", "https", "://", "[", "]", ":", "/", "a", " "])),
        ),
    )
)
@hypothesis_example("http://[oops/")
def test_any_base_url_text_is_accepted_or_refused_never_a_crash(text: str) -> None:
    """Regression: urlsplit raised ValueError on a broken IPv6 host ("http://[oops/"), a
    traceback from --base-url and from base_url in the plan. Every text is now either a
    base URL ending in "/" or an InvalidOptionError, by the one rule both use."""
    from contentcal.publishing.links import checked_base_url, is_base_url

    try:
        checked = checked_base_url(text)
    except InvalidOptionError:
        assert not is_base_url(text)
    else:
        assert is_base_url(text)
        assert checked.endswith("/")


@pytest.mark.parametrize(
    ("link", "url"),
    [
        ("https://tokokopi.example/wash", ["URL:https://tokokopi.example/wash"]),
        ("  https://tokokopi.example/a b\t", ["URL:https://tokokopi.example/a%20b"]),
        ("HTTPS://tokokopi.example/x", ["URL:HTTPS://tokokopi.example/x"]),
        ("https://toko.example/\u200bdiskon", ["URL:https://toko.example/\u200bdiskon"]),
        ("tokokopi.example/wash", []),
        ("mailto:dewi@example.com", []),
    ],
)
def test_the_items_link_becomes_the_url(write_files: WriteFiles, link: str, url: list[str]) -> None:
    """Regression: a space in a link failed the whole feed; now it is percent-encoded.

    Only http(s) links become URL; every link stays readable in the DESCRIPTION.
    """
    plan = minimal(write_files, ITEM.replace("https://tokokopi.example/wash", link))
    data = build(plan).files["all.ics"]
    lines = event_lines(data, uid_of("Toko Kopi", "instagram", "wash"))
    assert [line for line in lines if line.startswith("URL")] == url
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert f"\\nLink: {link}\\nItem: wash" in description.replace("\\,", ",").replace("\\;", ";")


# --- the wire -------------------------------------------------------------------------------


def test_every_example_feed_follows_the_wire_rules(example: Plan) -> None:
    """CRLF only, at most 75 octets a line, and the feed lint finds nothing."""
    for path, data in build(example).files.items():
        if not path.endswith(".ics"):
            continue
        assert lint(data) == [], path
        lines = data.split(b"\r\n")
        assert lines[-1] == b""
        assert all(b"\n" not in line and b"\r" not in line for line in lines), path
        assert max(len(line) for line in lines) <= 75, path


HOSTILE_COPY = (
    "Diskon 50%, gratis ongkir; C:\\New\\folder\r\n"
    "END:VEVENT\n"
    "BEGIN:VCALENDAR\n"
    "DTSTART:19700101T000000Z\n"
    "\\n is not a newline, \\, is not a comma\n"
    "🇮🇩 👩\u200d👩\u200d👧\u200d👦 日本語のテキスト 東京 " + "é" * 40
)


def test_hostile_copy_never_changes_the_structure(write_files: WriteFiles) -> None:
    """Fake content lines, escapes, emoji and CJK stay text, read back exactly."""
    title = 'Jualan; "promo", akhir\\tahun\nEND:VCALENDAR 🎉'
    plan = minimal(write_files)
    plan = with_item(plan, "wash", title=title, copy=HOSTILE_COPY)
    data = build(plan).files["all.ics"]
    assert lint(data) == []
    lines = unfold(data)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert lines.count("END:VCALENDAR") == 1
    assert [line for line in lines if line.startswith("DTSTART")] == [
        "DTSTART:20261202T120000Z",
        "DTSTART:20261202T140000Z",
    ]
    summary = clean_text(f"[Instagram] {title}")
    description = clean_text(HOSTILE_COPY.strip())
    for parse in (parse_with_ical, parse_with_vobject):
        post, reply = parse(data)
        assert post.summary == summary
        assert post.description.startswith(description + "\n\nPillar: education\n")
        assert reply.summary == "Reply to comments on " + summary


# --- interop: independent parsers read exactly what we scheduled ------------------------------


Expected = dict[str, tuple[ContentItem, str, ParsedEvent]]
"""Per UID: the item, the event kind (post or reply) and what a parser must read."""


def expected_events(placed: Schedule) -> Expected:
    """Every event the feeds must hold, computed from the schedule's entries alone.

    The window is the plan's [feeds] one around `now`; backlog items with a time count
    when include_backlog is set. Times are UTC floored to the second, as written; an
    event lasts its entry's duration, and a reply event starts respond_within later.
    Descriptions are left empty here and checked separately.
    """
    plan = placed.plan
    settings = plan.feed_settings
    default = plan.schedule_settings.duration
    first, last = placed.now - settings.past, placed.now + settings.ahead
    moments: list[tuple[ContentItem, dt.datetime | dt.date, dt.timedelta, int]] = []
    for entry in placed.all_entries:
        if isinstance(entry.start, dt.datetime):
            assert isinstance(entry.end, dt.datetime)
            elapsed = entry.end.astimezone(dt.UTC) - entry.start.astimezone(dt.UTC)
            moments.append((entry.item, entry.start, elapsed, entry.occurrence))
        else:
            assert entry.end == entry.start + dt.timedelta(days=1)
            moments.append((entry.item, entry.start, dt.timedelta(days=1), entry.occurrence))
    if settings.include_backlog:
        for item in placed.backlog:
            if isinstance(item.at, dt.datetime):
                moments.append((item, item.at, item.duration or default, 1))
            elif isinstance(item.at, dt.date):
                moments.append((item, item.at, dt.timedelta(days=1), 1))

    def utc(value: dt.datetime) -> dt.datetime:
        return value.astimezone(dt.UTC).replace(microsecond=0)

    result: Expected = {}
    for item, start, duration, occurrence in moments:
        platform = plan.platform(item.platform)
        if isinstance(start, dt.datetime):
            instant = start
        else:
            instant = localize(dt.datetime.combine(start, dt.time()), get_zone(platform.timezone))
        if not first <= instant < last:
            continue
        categories = tuple(
            name
            for name in (clean_category(v) for v in (platform.id, item.pillar, item.goal) if v)
            if name
        )
        summary = clean_text(f"[{platform.name}] {item.title}")
        uid = uid_of(plan.brand.name, platform.id, item.id, "post", occurrence)
        if not isinstance(start, dt.datetime):
            event = ParsedEvent(uid, start, start + duration, summary, "", categories)
            result[uid] = (item, "post", event)
            continue
        begin = start.astimezone(dt.UTC)
        event = ParsedEvent(uid, utc(begin), utc(begin + duration), summary, "", categories)
        result[uid] = (item, "post", event)
        if settings.reply_events and platform.respond_within:
            reply_start = begin + platform.respond_within
            uid = uid_of(plan.brand.name, platform.id, item.id, "reply", occurrence)
            result[uid] = (
                item,
                "reply",
                ParsedEvent(
                    uid,
                    utc(reply_start),
                    utc(reply_start + default),
                    "Reply to comments on " + summary,
                    "",
                    (*categories, "reply"),
                ),
            )
    return result


def assert_reads_back(
    site: Site, expected: Expected, icaljs: dict[str, list[ParsedEvent] | FeedRejectedError]
) -> None:
    """Each parser reads every feed of `site` as `expected`: UIDs, UTC instants, text.

    all.ics holds exactly the expected events; a platform feed only that platform's, an
    owner feed only that owner's (case-insensitively). The lint finds nothing, except
    that a feed without events has no component (accepted: see the report in the docs).
    """
    for path, data in site.files.items():
        if not path.endswith(".ics"):
            continue
        count = unfold(data).count("BEGIN:VEVENT")
        assert lint(data) == ([] if count else [EMPTY_FEED_PROBLEM]), path
        from_js = icaljs[path]
        if isinstance(from_js, FeedRejectedError):
            raise AssertionError(f"{path}: {from_js}")
        readings = {
            "ical": parse_with_ical(data),
            "vobject": parse_with_vobject(data),
            "ical.js": from_js,
        }
        for parser, events in readings.items():
            assert len(events) == count, (path, parser)
            for event in events:
                item, kind, want = expected[event.uid]
                assert attrs.evolve(event, description="") == want, (path, parser)
                copy = clean_text(item.copy.strip())
                opening = (
                    "Answer every comment and question on this post within "
                    if kind == "reply"
                    else (copy + "\n\n" if item.copy.strip() else "")
                )
                assert event.description.startswith(opening), (path, parser)
                # The details end with the item's id; a story's steps or an evergreen's
                # showing may follow in paragraphs of their own.
                details = event.description.split("\n\n")
                assert f"\nItem: {item.id}" in event.description, (path, parser)
                assert any(part.endswith(f"\nItem: {item.id}") for part in details), path
            uids = {event.uid for event in events}
            if path == "all.ics":
                assert uids == set(expected), parser
            elif path.startswith("platform/"):
                assert len({expected[uid][0].platform for uid in uids}) <= 1, (path, parser)
            else:
                owners = {(expected[uid][0].owner or "").casefold() for uid in uids}
                assert len(owners) <= 1, (path, parser)
                assert "" not in owners, (path, parser)


def test_every_example_feed_reads_back_in_every_parser(example: Plan) -> None:
    """ical, vobject and ical.js read each event at exactly the instant scheduled."""
    placed = schedule(example, now=NOW)
    site = build_site(placed, base_url="https://cal.example.com/batik/")
    paths = [path for path in site.files if path.endswith(".ics")]
    icaljs = dict(zip(paths, parse_many_with_icaljs([site.files[p] for p in paths]), strict=True))
    expected = expected_events(placed)
    assert len(expected) == 88
    assert_reads_back(site, expected, icaljs)


ZONES = ("Asia/Jakarta", "Asia/Kathmandu", "America/New_York", "Pacific/Chatham", "UTC")
PLATFORM_IDS = ("instagram", "facebook", "whatsapp", "blog")
PILLAR_IDS = ("education", "Sale, autumn; \\ 50%", "東京 🎉")
LINKS = (
    None,
    "https://toko.example/p/1",
    "https://toko.example/a,b;c?x=1&y=2#frag",
    "https://toko.example/üñí/東京",
    "https://toko.example/with space",
    "mailto:owner@example.com",
)
STATUSES = tuple(Status)


def _non_empty(text: str) -> bool:
    return clean_text(text).strip() != ""


@st.composite
def hostile_plans(draw: st.DrawFn) -> Plan:
    """Plans whose every free-text field is hostile, with pinned, placed and all-day items."""
    text = hostile_text()
    zone = st.sampled_from(ZONES)
    platform_ids = draw(
        st.lists(st.sampled_from(PLATFORM_IDS), min_size=1, max_size=3, unique=True)
    )
    platforms = tuple(
        Platform(
            id=pid,
            network=Network(pid),
            timezone=draw(zone),
            owner=draw(st.none() | text.filter(_non_empty)),
            handle=draw(st.none() | text),
            slots=draw(st.sampled_from(((), ("MO,WE,FR 19:00",), ("daily 09:30",)))),
            respond_within=draw(
                st.sampled_from(
                    (None, dt.timedelta(hours=2), dt.timedelta(minutes=90), dt.timedelta(days=1))
                )
            ),
        )
        for pid in platform_ids
    )
    pillars = tuple(
        Pillar(id=pid, color=draw(st.sampled_from((None, "SteelBlue", "goldenrod", "#ff0000"))))
        for pid in PILLAR_IDS
    )
    moments = st.datetimes(
        min_value=dt.datetime(2026, 11, 10),
        max_value=dt.datetime(2027, 4, 30),
        timezones=st.sampled_from(ZONES).map(get_zone),
    )
    items = tuple(
        ContentItem(
            id=f"item-{number}",
            platform=draw(st.sampled_from(platform_ids)),
            title=draw(text),
            pillar=draw(st.none() | st.sampled_from(PILLAR_IDS)),
            goal=draw(st.none() | st.just("sales")),
            copy=draw(hostile_text(max_parts=20)),
            link=draw(st.sampled_from(LINKS)),
            at=draw(st.none() | moments | st.dates(dt.date(2026, 11, 10), dt.date(2027, 4, 30))),
            duration=draw(
                st.none() | st.sampled_from((dt.timedelta(minutes=1), dt.timedelta(hours=2)))
            ),
            status=draw(st.sampled_from(STATUSES)),
            owner=draw(st.none() | text.filter(_non_empty)),
            updated=draw(st.none() | moments),
        )
        for number in range(draw(st.integers(min_value=1, max_value=6)))
    )
    return Plan(
        # A brand's name may be hostile but not blank: validate() refuses a blank one.
        brand=Brand(name=draw(text.filter(_non_empty).filter(str.strip)), timezone=draw(zone)),
        goals=(Goal(id="sales", statement=draw(text)),),
        pillars=pillars,
        platforms=platforms,
        items=items,
        feed_settings=FeedSettings(
            alarm=draw(st.sampled_from((None, dt.timedelta(minutes=15), dt.timedelta(hours=1)))),
            reply_events=draw(st.booleans()),
            include_backlog=draw(st.booleans()),
        ),
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hostile_plans())
def test_hostile_plans_read_back_in_every_parser(plan: Plan) -> None:
    """Every feed of a hostile plan: lint-clean, and each parser reads what we scheduled."""
    placed = schedule(plan, now=NOW)
    site = build_site(placed, base_url="https://cal.example.com/x/")
    paths = [path for path in site.files if path.endswith(".ics")]
    icaljs = dict(zip(paths, parse_many_with_icaljs([site.files[p] for p in paths]), strict=True))
    assert_reads_back(site, expected_events(placed), icaljs)
    again = build_site(
        schedule(plan, now=NOW), state=site.state, base_url="https://cal.example.com/x/"
    )
    assert again.files == site.files


def test_the_hazards_are_the_shared_ones() -> None:
    """The plans above draw from the interop harness's hazard list (END:VEVENT and all)."""
    assert "\nEND:VEVENT\n" in HAZARDS
    assert "日本語のテキスト" in HAZARDS


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@hypothesis_example(
    start=dt.datetime(2026, 11, 25), fraction=0.99999
)  # a slot passed at 12:00:00.57
@given(
    start=st.datetimes(min_value=dt.datetime(2026, 11, 25), max_value=dt.datetime(2027, 1, 10)),
    fraction=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_the_feeds_stay_the_same_until_they_expire(
    example: Plan, start: dt.datetime, fraction: float
) -> None:
    """Building at any instant in [now, expires) gives the same bytes as building at now,
    so a server that rebuilds only after `expires` never serves a stale feed."""
    now = start.replace(tzinfo=dt.UTC)
    site = build_site(schedule(example, now=now))
    assert site.expires is not None
    assert now < site.expires <= now + dt.timedelta(days=1, hours=1)
    # In whole microseconds, strictly before `expires` (float rounding could reach it).
    span = (site.expires - now) // dt.timedelta(microseconds=1)
    later = now + dt.timedelta(microseconds=min(int(span * fraction), span - 1))
    again = build_site(schedule(example, now=later), state=site.state)
    assert again.files == site.files


# --- one home for entries and links (issue #16) ----------------------------------------------


def test_backlog_entries_keep_the_entry_zone_invariant(write_files: WriteFiles) -> None:
    """Regression: the feeds built their own backlog entries, ending in UTC, not the zone.

    Every entry is built by ``Entry.of``: start and end in the platform's zone.
    """
    plan = load(write_files({"plan.toml": DST_PLAN}))
    placed = schedule(plan, now=NOW)
    (draft,) = [
        entry
        for entry in feeds._entries_for_feeds(placed, plan.feed_settings)
        if entry.item.id == "draft"
    ]
    new_york = get_zone("America/New_York")
    assert isinstance(draft.start, dt.datetime)
    assert isinstance(draft.end, dt.datetime)
    assert (draft.start.tzinfo, draft.end.tzinfo) == (new_york, new_york)
    assert draft.end.isoformat() == "2027-03-14T04:00:00-04:00"  # two real hours
    assert draft.placed is False


def test_index_links_and_serve_links_fail_alike() -> None:
    """One implementation: the same error class and message from feeds and serve."""
    with pytest.raises(InvalidOptionError) as from_feeds:
        subscribe_links("https://a b/", "all.ics")
    with pytest.raises(InvalidOptionError) as from_serve:
        subscribe_urls("https://a b/", ["all.ics"])
    assert (
        str(from_feeds.value)
        == str(from_serve.value)
        == (
            "base URL must be an absolute http(s) URL, got 'https://a b/' "
            "(e.g. https://example.com/calendar/)"
        )
    )


def test_subscribe_links_keep_an_upper_case_scheme_out_of_webcal() -> None:
    """Regression: ``HTTPS://`` passed the check but gave ``HTTPS://`` as the webcal link."""
    url, webcal, _ = subscribe_links("HTTPS://cal.example.com/batik", "all.ics")
    assert (url, webcal) == (
        "HTTPS://cal.example.com/batik/all.ics",
        "webcal://cal.example.com/batik/all.ics",
    )


# --- the state over many runs: invariants (issue #16) -----------------------------------------

_EPOCH = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)


def _event(uid: int, hour: int) -> Any:
    from contentcal.publishing.ics import FeedEvent

    start = _EPOCH + dt.timedelta(hours=hour)
    return FeedEvent(
        uid=f"u{uid}",
        start=start,
        end=start + dt.timedelta(minutes=15),
        summary=f"post {uid}",
        stamp=_EPOCH,
    )


_RUNS = st.lists(
    st.tuples(
        st.dictionaries(st.integers(0, 5), st.integers(0, 3), max_size=6),  # uid -> hour
        st.integers(-200, 200),  # pretend now, hours from the epoch
        st.integers(0, 100),  # real time, hours from the epoch
    ),
    min_size=1,
    max_size=8,
)


@given(runs=_RUNS)
@settings(max_examples=150, deadline=None)
def test_the_state_never_holds_the_future_and_forgets_what_is_long_gone(
    runs: list[tuple[dict[int, int], int, int]],
) -> None:
    """Over any series of runs (pretend clocks, real clocks, posts coming and going):

    no stamp or mark is later than the real time of the run that made it, every event
    shown is in the state and not marked gone, and nothing gone longer than the window
    is kept.
    """
    keep = dt.timedelta(hours=30)
    state = FeedState()
    for shown, pretend, real in runs:
        now = _EPOCH + dt.timedelta(hours=pretend)
        written_at = _EPOCH + dt.timedelta(hours=real)
        drafts = [_event(uid, hour) for uid, hour in sorted(shown.items())]
        events, state = feeds.stamp_events(
            drafts, state=state, now=now, latest=written_at, keep_gone=keep
        )
        assert all(event.stamp <= written_at for event in events)
        assert all(entry.modified <= written_at for entry in state.entries.values())
        clock = min(now, written_at)
        for uid, entry in state.entries.items():
            if uid in {event.uid for event in events}:
                assert entry.gone is None
            else:
                assert entry.gone is not None
                assert entry.gone <= written_at
                assert clock - entry.gone <= keep
        assert {event.uid for event in events} <= set(state.entries)
        assert FeedState.from_json(state.to_json()) == state
