"""Hypothesis strategies for feed values full of the text and time hazards a feed must survive.

Shared by tests/test_ics.py (the two writers agree) and tests/test_interop.py (independent
parsers read back what we wrote).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from contentcal.publishing.ics import (
    CSS_COLOR_NAMES,
    EventStatus,
    FeedCalendar,
    FeedEvent,
    clean_text,
)

# Every string here has broken some writer or parser somewhere: structure characters,
# escape look-alikes, fake content lines, characters Python's str.splitlines() treats as
# line ends, multibyte sequences and grapheme clusters that folding must not split.
HAZARDS = (
    "\n",
    "\r",
    "\r\n",
    "\n\n",
    ",",
    ";",
    ":",
    "\\",
    "\\\\",
    "\\n",
    "\\N",
    "\\,",
    "\\;",
    "^",
    "^n",
    '"',
    "'",
    "=",
    "\t",
    " ",
    "\nEND:VEVENT\n",
    "\r\nBEGIN:VCALENDAR\r\n",
    "END:VCALENDAR",
    "BEGIN:VEVENT",
    "DTSTART:19700101T000000Z",
    "\r\n ",
    "\x00",
    "\x07",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\u200d",
    "👩\u200d👩\u200d👧\u200d👦",
    "🏳️\u200d🌈",
    "🇮🇩",
    "👍🏽",
    "日本語のテキスト",
    "東京",
    "Promo akhir tahun: diskon 50%, gratis ongkir!",
    "Selamat Hari Raya Idul Fitri",
    "e\u0301",
    "a\u0308\u0301\u0323",
    "ﷺ",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "é" * 37,
    "€" * 25,
    "😀" * 19,
    "",
)

_POOL = st.one_of(
    st.sampled_from(HAZARDS),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
)


@st.composite
def hostile_text(draw: st.DrawFn, *, max_parts: int = 10) -> str:
    """Text mixing hazards; sometimes padded so a hazard lands on a fold boundary."""
    parts = draw(st.lists(_POOL, max_size=max_parts))
    text = "".join(parts)
    if draw(st.booleans()):
        # Lines fold after 74 octets (62 after "DESCRIPTION:", 66 after "SUMMARY:"), so
        # sweeping the padding walks every hazard across the first and second fold.
        padding = draw(st.integers(min_value=0, max_value=160))
        text = draw(st.sampled_from(("a", "é", "😀", "\\", "^"))) * padding + text
    return text


def _non_empty_text() -> st.SearchStrategy[str]:
    return hostile_text().filter(lambda text: clean_text(text) != "")


ZONES = (
    dt.UTC,
    ZoneInfo("Asia/Jakarta"),
    ZoneInfo("Asia/Kathmandu"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("Pacific/Chatham"),
    dt.timezone(dt.timedelta(hours=-3, minutes=-30)),
    dt.timezone(dt.timedelta(hours=14)),
)


def aware_datetimes(
    *, min_year: int = 1900, max_year: int = 2200
) -> st.SearchStrategy[dt.datetime]:
    """Aware datetimes in zones with odd offsets and DST, microseconds included."""
    return st.datetimes(
        min_value=dt.datetime(min_year, 1, 2),
        max_value=dt.datetime(max_year, 12, 30),
        timezones=st.sampled_from(ZONES),
    )


URLS = (
    "https://example.com/p/1",
    "https://example.com/a,b;c?x=1&y=2#frag",
    "https://example.com/" + "long-path-segment/" * 8 + "end",
    "https://contoh.co.id/promo/diskon-akhir-tahun?ref=kalender&utm_source=ics&utm_medium=feed",
    "https://example.com/üñí/東京",
    "mailto:owner@example.com",
    "https://example.com/with\\backslash^caret",
)


@st.composite
def feed_events(
    draw: st.DrawFn,
    *,
    uid_prefix: str,
    min_year: int = 1900,
    max_year: int = 2200,
) -> FeedEvent:
    """One event; `uid_prefix` makes UIDs unique within a calendar."""
    if draw(st.booleans()):
        start: dt.datetime | dt.date = draw(aware_datetimes(min_year=min_year, max_year=max_year))
        seconds = draw(st.integers(min_value=1, max_value=40 * 86400))
        end_zone = draw(st.sampled_from(ZONES))
        # Added in UTC: aware arithmetic in a DST zone is wall-clock arithmetic.
        end: dt.datetime | dt.date = (
            start.astimezone(dt.UTC) + dt.timedelta(seconds=seconds)
        ).astimezone(end_zone)
    else:
        start = draw(
            st.dates(min_value=dt.date(min_year, 1, 1), max_value=dt.date(max_year, 12, 1))
        )
        end = start + dt.timedelta(days=draw(st.integers(min_value=1, max_value=3)))
    alarm_before = draw(
        st.none()
        | st.sampled_from((dt.timedelta(0), dt.timedelta(minutes=15), dt.timedelta(days=1)))
        | st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30)).map(
            lambda delta: dt.timedelta(seconds=int(delta.total_seconds()))
        )
    )
    summary = draw(hostile_text())
    optional_alarm_text = draw(st.none() | hostile_text())
    extra = {} if optional_alarm_text is None else {"alarm_text": optional_alarm_text}
    return FeedEvent(
        uid=uid_prefix + draw(hostile_text(max_parts=3)),
        start=start,
        end=end,
        summary=summary,
        stamp=draw(aware_datetimes(min_year=min_year, max_year=max_year)),
        description=draw(hostile_text(max_parts=20)),
        categories=draw(st.lists(hostile_text(max_parts=3), max_size=4)),
        color=draw(st.none() | st.sampled_from(sorted(CSS_COLOR_NAMES))),
        status=draw(st.sampled_from(EventStatus)),
        url=draw(st.none() | st.sampled_from(URLS)),
        sequence=draw(st.integers(min_value=0, max_value=2**31 - 1)),
        alarm_before=alarm_before,
        **extra,
    )


@st.composite
def feed_calendars(
    draw: st.DrawFn,
    *,
    min_events: int = 0,
    max_events: int = 6,
    min_year: int = 1900,
    max_year: int = 2200,
) -> FeedCalendar:
    """A calendar with hostile metadata and up to `max_events` hostile events."""
    count = draw(st.integers(min_value=min_events, max_value=max_events))
    events = [
        draw(feed_events(uid_prefix=f"{index}-", min_year=min_year, max_year=max_year))
        for index in range(count)
    ]
    return FeedCalendar(
        prodid=draw(st.just("-//contentcal//contentcal 0.1//EN") | _non_empty_text()),
        name=draw(_non_empty_text()),
        uid=draw(_non_empty_text()),
        events=events,
        description=draw(hostile_text()),
        timezone=draw(st.none() | st.sampled_from(("Asia/Jakarta", "Europe/Berlin", "UTC"))),
        refresh=draw(
            st.sampled_from(
                (
                    dt.timedelta(hours=1),
                    dt.timedelta(minutes=15),
                    dt.timedelta(days=1),
                    dt.timedelta(days=1, hours=2, seconds=5),
                    dt.timedelta(seconds=1),
                    dt.timedelta(weeks=1),
                )
            )
        ),
        color=draw(st.none() | st.sampled_from(("teal", "rebeccapurple", "Navy"))),
        source=draw(st.none() | st.sampled_from(URLS)),
        url=draw(st.none() | st.sampled_from(URLS)),
        last_modified=draw(st.none() | aware_datetimes(min_year=min_year, max_year=max_year)),
    )
