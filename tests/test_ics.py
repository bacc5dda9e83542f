"""The feed wire layer: exact lines for every pitfall, and the fast writer == icalendar."""

from __future__ import annotations

import datetime as dt
import doctest
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

import contentcal.publishing.ics
from contentcal.errors import ContentcalError
from contentcal.publishing.ics import (
    EventStatus,
    FeedCalendar,
    FeedEvent,
    FeedValueError,
    _fold,
    clean_category,
    clean_text,
    ics_bytes,
    to_icalendar,
    write_ics,
)
from tests.interop.strategies import feed_calendars, hostile_text

JAKARTA = ZoneInfo("Asia/Jakarta")
STAMP = dt.datetime(2026, 11, 1, 9, 30, tzinfo=JAKARTA)


def event(**changes: object) -> FeedEvent:
    """A plain timed event; `changes` override its fields."""
    fields: dict[str, object] = {
        "uid": "post-1@contentcal",
        "start": dt.datetime(2026, 12, 7, 19, 0, tzinfo=JAKARTA),
        "end": dt.datetime(2026, 12, 7, 19, 30, tzinfo=JAKARTA),
        "summary": "Instagram: promo akhir tahun",
        "stamp": STAMP,
    }
    fields.update(changes)
    return FeedEvent(**fields)  # type: ignore[arg-type]


def calendar(*events: FeedEvent, **changes: object) -> FeedCalendar:
    """A minimal calendar holding `events`; `changes` override its fields."""
    fields: dict[str, object] = {
        "prodid": "-//contentcal//contentcal 0.1//EN",
        "name": "Kopi Senja",
        "uid": "calendar-1@contentcal",
        "events": events,
    }
    fields.update(changes)
    return FeedCalendar(**fields)  # type: ignore[arg-type]


def lines(cal: FeedCalendar) -> list[str]:
    """The physical lines of the feed, after checking both writers agree on the bytes."""
    data = ics_bytes(cal)
    assert data == to_icalendar(cal).to_ical()
    assert data.endswith(b"\r\n")
    return data.decode().split("\r\n")[:-1]


def event_lines(cal: FeedCalendar) -> list[str]:
    """The physical lines between the first BEGIN:VEVENT and its END:VEVENT."""
    all_lines = lines(cal)
    begin = all_lines.index("BEGIN:VEVENT")
    return all_lines[begin + 1 : all_lines.index("END:VEVENT", begin)]


# --- golden -------------------------------------------------------------------------------


GOLDEN = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//contentcal//contentcal 0.1//EN\r\n"
    "DESCRIPTION:Posts for Instagram\\, Facebook\\; and the blog\r\n"
    "X-WR-CALDESC:Posts for Instagram\\, Facebook\\; and the blog\r\n"
    "NAME:Kopi Senja\r\n"
    "X-WR-CALNAME:Kopi Senja\r\n"
    "COLOR:saddlebrown\r\n"
    "LAST-MODIFIED:20261101T023000Z\r\n"
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"
    "SOURCE;VALUE=URI:https://example.com/feeds/kopi.ics\r\n"
    "UID:calendar-1@contentcal\r\n"
    "URL:https://example.com/kopi\r\n"
    "X-PUBLISHED-TTL:PT1H\r\n"
    "X-WR-TIMEZONE:Asia/Jakarta\r\n"
    "BEGIN:VEVENT\r\n"
    "SUMMARY:Instagram: promo akhir tahun\r\n"
    "DTSTART:20261207T120000Z\r\n"
    "DTEND:20261207T123000Z\r\n"
    "DTSTAMP:20261101T023000Z\r\n"
    "UID:post-1@contentcal\r\n"
    "SEQUENCE:2\r\n"
    "CATEGORIES:promo,Sale autumn\r\n"
    "COLOR:teal\r\n"
    "DESCRIPTION:Diskon 50%\\nGratis ongkir\r\n"
    "LAST-MODIFIED:20261101T023000Z\r\n"
    "STATUS:CONFIRMED\r\n"
    "URL:https://example.com/p/1\r\n"
    "BEGIN:VALARM\r\n"
    "ACTION:DISPLAY\r\n"
    "DESCRIPTION:Post now: promo akhir tahun\r\n"
    "TRIGGER:-PT15M\r\n"
    "END:VALARM\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "SUMMARY:Blog: resep kopi susu\r\n"
    "DTSTART;VALUE=DATE:20261208\r\n"
    "DTEND;VALUE=DATE:20261209\r\n"
    "DTSTAMP:20261101T023000Z\r\n"
    "UID:post-2@contentcal\r\n"
    "SEQUENCE:0\r\n"
    "LAST-MODIFIED:20261101T023000Z\r\n"
    "STATUS:TENTATIVE\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def golden_calendar() -> FeedCalendar:
    """Every field used once: the calendar GOLDEN spells out."""
    return calendar(
        event(
            description="Diskon 50%\r\nGratis ongkir",
            categories=("promo", "Sale, autumn"),
            color="Teal",
            url="https://example.com/p/1",
            sequence=2,
            alarm_before=dt.timedelta(minutes=15),
            alarm_text="Post now: promo akhir tahun",
        ),
        FeedEvent(
            uid="post-2@contentcal",
            start=dt.date(2026, 12, 8),
            end=dt.date(2026, 12, 9),
            summary="Blog: resep kopi susu",
            stamp=STAMP,
            status=EventStatus.TENTATIVE,
        ),
        description="Posts for Instagram, Facebook; and the blog",
        timezone="Asia/Jakarta",
        color="saddlebrown",
        source="https://example.com/feeds/kopi.ics",
        url="https://example.com/kopi",
        last_modified=STAMP,
    )


def test_golden_feed_bytes() -> None:
    """Both writers produce exactly the golden feed (CRLF, order, UTC, escaping, alarm)."""
    cal = golden_calendar()
    assert ics_bytes(cal) == GOLDEN.encode()
    assert to_icalendar(cal).to_ical() == GOLDEN.encode()


def test_write_ics_streams_the_same_bytes() -> None:
    """write_ics writes ics_bytes to any binary file object."""
    out = io.BytesIO()
    write_ics(golden_calendar(), out)
    assert out.getvalue() == GOLDEN.encode()


def test_same_values_same_bytes() -> None:
    """No clock, no random UID: building twice gives identical bytes."""
    assert ics_bytes(golden_calendar()) == ics_bytes(golden_calendar())
    assert to_icalendar(golden_calendar()).to_ical() == to_icalendar(golden_calendar()).to_ical()


# --- calendar-level pitfalls --------------------------------------------------------------


def test_no_method_and_version_and_prodid_lead() -> None:
    """A subscription feed is a snapshot: no METHOD; VERSION and PRODID come first."""
    all_lines = lines(calendar(event()))
    assert all_lines[:3] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//contentcal//contentcal 0.1//EN",
    ]
    assert not [line for line in all_lines if line.startswith("METHOD")]


@pytest.mark.parametrize(
    ("refresh", "value"),
    [
        (dt.timedelta(hours=1), "PT1H"),
        (dt.timedelta(minutes=15), "PT15M"),
        (dt.timedelta(days=1), "P1D"),
        (dt.timedelta(weeks=1), "P7D"),
        (dt.timedelta(days=1, hours=2, seconds=5), "P1DT2H0M5S"),
    ],
)
def test_refresh_interval_has_value_duration_and_ttl_is_a_duration(
    refresh: dt.timedelta, value: str
) -> None:
    """icalendar alone drops VALUE=DURATION and writes an X- timedelta as 1:00:00."""
    all_lines = lines(calendar(refresh=refresh))
    assert f"REFRESH-INTERVAL;VALUE=DURATION:{value}" in all_lines
    assert f"X-PUBLISHED-TTL:{value}" in all_lines


def test_calendar_name_and_description_are_escaped_text() -> None:
    """icalendar treats NAME and X-WR-* as UNKNOWN and would write them unescaped."""
    all_lines = lines(calendar(name="Kopi, Teh; \\ Susu\nBaru", description="a,b"))
    assert "NAME:Kopi\\, Teh\\; \\\\ Susu\\nBaru" in all_lines
    assert "X-WR-CALNAME:Kopi\\, Teh\\; \\\\ Susu\\nBaru" in all_lines
    assert "DESCRIPTION:a\\,b" in all_lines
    assert "X-WR-CALDESC:a\\,b" in all_lines


def test_optional_calendar_lines_are_left_out() -> None:
    """None and empty optional fields write no line at all."""
    assert lines(calendar()) == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//contentcal//contentcal 0.1//EN",
        "NAME:Kopi Senja",
        "X-WR-CALNAME:Kopi Senja",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "UID:calendar-1@contentcal",
        "X-PUBLISHED-TTL:PT1H",
        "END:VCALENDAR",
    ]


# --- event-level pitfalls -----------------------------------------------------------------


def test_timed_event_is_written_in_utc_from_any_zone() -> None:
    """19:00 in Jakarta is 12:00Z; an end in another zone is converted too."""
    new_york = ZoneInfo("America/New_York")
    got = event_lines(
        calendar(
            event(
                start=dt.datetime(2026, 12, 7, 19, 0, tzinfo=JAKARTA),
                end=dt.datetime(2026, 12, 7, 8, 0, tzinfo=new_york),
            )
        )
    )
    assert got[1:3] == ["DTSTART:20261207T120000Z", "DTEND:20261207T130000Z"]


def test_sub_second_times_are_floored_to_the_second() -> None:
    """iCalendar has whole seconds; both writers floor, like icalendar does."""
    got = event_lines(
        calendar(
            event(
                start=dt.datetime(2026, 12, 7, 12, 0, 0, 999999, tzinfo=dt.UTC),
                end=dt.datetime(2026, 12, 7, 12, 0, 1, 1, tzinfo=dt.UTC),
                stamp=dt.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=dt.UTC),
            )
        )
    )
    assert got[1:4] == [
        "DTSTART:20261207T120000Z",
        "DTEND:20261207T120001Z",
        "DTSTAMP:19691231T235959Z",
    ]


def test_all_day_event_uses_value_date_and_exclusive_end() -> None:
    """All-day items are DATE values; a one-day item ends the next day."""
    got = event_lines(calendar(event(start=dt.date(2026, 12, 31), end=dt.date(2027, 1, 1))))
    assert got[1:3] == ["DTSTART;VALUE=DATE:20261231", "DTEND;VALUE=DATE:20270101"]


def test_stamp_is_dtstamp_and_last_modified_in_utc() -> None:
    """The post's last edit is both DTSTAMP and LAST-MODIFIED, always with Z."""
    got = event_lines(calendar(event(stamp=dt.datetime(2026, 1, 1, 6, 59, 59, tzinfo=JAKARTA))))
    assert "DTSTAMP:20251231T235959Z" in got
    assert "LAST-MODIFIED:20251231T235959Z" in got


def test_event_lines_in_icalendar_order_with_optional_fields_left_out() -> None:
    """Lines follow icalendar's canonical order; empty description, no alarm: no lines."""
    assert event_lines(calendar(event())) == [
        "SUMMARY:Instagram: promo akhir tahun",
        "DTSTART:20261207T120000Z",
        "DTEND:20261207T123000Z",
        "DTSTAMP:20261101T023000Z",
        "UID:post-1@contentcal",
        "SEQUENCE:0",
        "LAST-MODIFIED:20261101T023000Z",
        "STATUS:CONFIRMED",
    ]


@pytest.mark.parametrize(
    ("before", "trigger"),
    [
        (dt.timedelta(minutes=15), "TRIGGER:-PT15M"),
        (dt.timedelta(hours=1, seconds=30), "TRIGGER:-PT1H0M30S"),
        (dt.timedelta(days=1), "TRIGGER:-P1D"),
        (dt.timedelta(0), "TRIGGER:P0D"),
    ],
)
def test_alarm_is_a_display_valarm(before: dt.timedelta, trigger: str) -> None:
    """alarm_before becomes ACTION:DISPLAY, DESCRIPTION and a negative TRIGGER."""
    got = event_lines(calendar(event(alarm_before=before)))
    alarm = got[got.index("BEGIN:VALARM") :]
    assert alarm == [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:Instagram: promo akhir tahun",
        trigger,
        "END:VALARM",
    ]


def test_events_keep_the_order_given() -> None:
    """Events are written in the given order, not sorted by time or UID."""
    later = event(uid="b", start=dt.date(2027, 1, 2), end=dt.date(2027, 1, 3))
    earlier = event(uid="a", start=dt.date(2026, 1, 2), end=dt.date(2026, 1, 3))
    uids = [line for line in lines(calendar(later, earlier)) if line.startswith("UID:")]
    assert uids == ["UID:calendar-1@contentcal", "UID:b", "UID:a"]


# --- text ---------------------------------------------------------------------------------


def test_text_escaping_follows_rfc_5545() -> None:
    """Backslash, semicolon, comma and newline are escaped; colon and quotes are not."""
    got = event_lines(calendar(event(summary='a\\b;c,d\ne: "f"')))
    assert got[0] == 'SUMMARY:a\\\\b\\;c\\,d\\ne: "f"'


def test_literal_backslash_n_survives() -> None:
    """Regression: icalendar's vText turns the characters "\\N" into a line break."""
    got = event_lines(calendar(event(summary="C:\\New folder", categories=["\\N"])))
    assert got[0] == "SUMMARY:C:\\\\New folder"
    assert "CATEGORIES:\\\\N" in got


def test_content_lines_inside_text_stay_inside_the_value() -> None:
    """A fake END:VEVENT in text is escaped onto the same content line."""
    got = event_lines(calendar(event(description="a\nEND:VEVENT\r\nBEGIN:VCALENDAR")))
    assert "DESCRIPTION:a\\nEND:VEVENT\\nBEGIN:VCALENDAR" in got


def test_control_characters_are_dropped_and_cr_becomes_lf() -> None:
    """Controls other than TAB and LF cannot be TEXT: dropped; CR and CRLF become one LF."""
    value = FeedEvent(
        uid="u\x00",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 1, 2),
        summary="a\x07b\x1b[0m\x7f\tc\rd\r\ne\x0bf\ud800g",
        stamp=STAMP,
    )
    assert value.uid == "u"
    assert value.summary == "ab[0m\tc\nd\nefg"
    assert event_lines(calendar(value))[0] == "SUMMARY:ab[0m\tc\\nd\\nefg"


def test_clean_text_keeps_unicode_that_is_valid_text() -> None:
    """Emoji, ZWJ sequences, CJK, combining marks and U+2028 are not controls: kept."""
    text = "👩\u200d👩\u200d👧 東京 e\u0301 a\u2028b \x85 \u2060"
    assert clean_text(text) == text


def test_byte_order_marks_are_dropped() -> None:
    """Regression: icalendar decodes values as utf-8-sig and ate a leading U+FEFF."""
    assert event(summary="\ufeffPromo\ufeff").summary == "Promo"


def test_categories_never_contain_commas() -> None:
    """Commas are category separators on the wire (and strict parsers split on \\,)."""
    value = event(categories=["Sale, autumn", " promo ", ",", "", "a;b"])
    assert value.categories == ("Sale autumn", "promo", "a;b")
    assert clean_category("x,,y ,z") == "x y z"
    assert "CATEGORIES:Sale autumn,promo,a\\;b" in event_lines(calendar(value))


def test_categories_never_end_with_a_backslash() -> None:
    """Regression: ical.js read "a\\\\,b" as one category "a\\,b" (any comma after a
    backslash counts as escaped there), so trailing backslashes are dropped."""
    names = ["a\\", "b \\\\ ", "\\", "c\\d", "e\\ \\"]
    assert event(categories=names).categories == ("a", "b", "c\\d", "e")


def test_alarm_text_defaults_to_the_summary_and_is_cleaned() -> None:
    """The alarm shows the post's title unless told otherwise."""
    assert event(summary="Hi\r").alarm_text == "Hi\n"
    assert event(alarm_text="x\x00y").alarm_text == "xy"


# --- folding ------------------------------------------------------------------------------


def test_ascii_line_of_74_octets_is_not_folded_and_75_is() -> None:
    """icalendar folds before the octet that would make 75, so 74 is the content limit."""
    fits = "x" * (74 - len("SUMMARY:"))
    assert event_lines(calendar(event(summary=fits)))[0] == "SUMMARY:" + fits
    got = event_lines(calendar(event(summary=fits + "y")))
    assert got[:2] == ["SUMMARY:" + fits, " y"]


def test_fold_never_splits_a_utf8_character() -> None:
    """A 2-octet character that would cross octet 74 moves to the next line whole."""
    summary = "x" * 65 + "é" * 5  # "SUMMARY:" + 65 = 73 octets, then é needs 2
    got = event_lines(calendar(event(summary=summary)))
    assert got[:2] == ["SUMMARY:" + "x" * 65, " ééééé"]
    emoji = "😀" * 40
    folded = event_lines(calendar(event(summary=emoji)))[:3]
    assert [len(line.encode()) for line in folded] == [72, 73, 25]
    assert "".join(line.removeprefix(" ") for line in folded) == "SUMMARY:" + emoji


def test_fold_does_not_end_a_line_with_a_backslash_or_caret() -> None:
    """A \\ or ^ that would end a physical line goes to the next (icalendar #1501)."""
    got = event_lines(calendar(event(summary="x" * 65 + ";")))
    # "SUMMARY:" + 65 x = 73 octets, then "\;" would put the backslash at octet 74.
    assert got[:2] == ["SUMMARY:" + "x" * 65, " \\;"]
    caret = event_lines(calendar(event(summary="x" * 65 + "^^")))
    assert caret[:2] == ["SUMMARY:" + "x" * 65, " ^^"]


def test_every_physical_line_is_at_most_75_octets() -> None:
    """Long multibyte descriptions fold into lines of at most 75 octets, CRLF-joined."""
    data = ics_bytes(calendar(event(description="Ç😀東" * 400)))
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400) | hostile_text(max_parts=40))
def test_fold_matches_icalendars_foldline(text: str) -> None:
    """The fast fold is icalendar's _foldline, character for character."""
    line = "DESCRIPTION:" + text.replace("\r", "").replace("\n", "")
    assert _fold(line) == _foldline(line)


# --- the differential test ----------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feed_calendars())
def test_fast_writer_is_byte_identical_to_icalendar(cal: FeedCalendar) -> None:
    """For any calendar, ics_bytes == write_ics == to_icalendar(cal).to_ical()."""
    reference = to_icalendar(cal).to_ical()
    assert ics_bytes(cal) == reference
    out = io.BytesIO()
    write_ics(cal, out)
    assert out.getvalue() == reference


def test_streaming_across_chunks_matches_the_reference() -> None:
    """Hundreds of events are written in several chunks and still match the reference."""
    events = [
        event(
            uid=f"post-{index}",
            summary=f"Post {index} 😀",
            description="Diskon, gratis; ongkir\n" * (index % 7),
            categories=("promo", f"week {index % 52}"),
            alarm_before=dt.timedelta(minutes=index % 3 * 15) if index % 2 else None,
        )
        for index in range(700)
    ]
    cal = calendar(*events)
    writes: list[bytes] = []

    class Recorder(io.RawIOBase):
        def write(self, data: object) -> int:
            assert isinstance(data, bytes)
            writes.append(data)
            return len(data)

    write_ics(cal, Recorder())  # type: ignore[arg-type]
    assert len(writes) > 2
    assert b"".join(writes) == to_icalendar(cal).to_ical()


def test_to_icalendar_returns_an_icalendar_object() -> None:
    """Callers can keep working with the object model."""
    parsed = to_icalendar(golden_calendar())
    events = parsed.walk("VEVENT")
    assert [str(component["UID"]) for component in events] == [
        "post-1@contentcal",
        "post-2@contentcal",
    ]
    assert events[0].start == dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
    assert events[1].start == dt.date(2026, 12, 8)


# --- validation ---------------------------------------------------------------------------


NAIVE = dt.datetime(2026, 12, 7, 12, 0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"uid": ""}, "uid must not be empty"),
        ({"uid": "\x00\x01"}, "uid must not be empty"),
        ({"start": NAIVE, "end": NAIVE}, "start must be time-zone aware"),
        ({"start": "2026-12-07"}, "start must be a datetime or a date"),
        ({"end": dt.date(2026, 12, 8)}, "end must be a datetime because start is one"),
        (
            {"start": dt.date(2026, 12, 7), "end": dt.date(2026, 12, 7)},
            "end of an all-day event is exclusive",
        ),
        (
            {"start": dt.date(2026, 12, 7), "end": dt.datetime(2026, 12, 8, tzinfo=dt.UTC)},
            "end must be a date because start is one",
        ),
        (
            {
                "start": dt.datetime(2026, 12, 7, 12, 0, 0, 1, tzinfo=dt.UTC),
                "end": dt.datetime(2026, 12, 7, 12, 0, 0, 900000, tzinfo=dt.UTC),
            },
            "end must be at least a second after start",
        ),
        ({"stamp": NAIVE}, "stamp must be time-zone aware"),
        (
            {"stamp": dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))},
            "stamp is outside the years 1–9999 in UTC",
        ),
        ({"color": "#ff0000"}, "color must be a CSS colour name"),
        ({"url": "https://example.com/a b"}, "url must be a non-empty URI"),
        ({"url": ""}, "url must be a non-empty URI"),
        ({"url": "\ufeffhttps://example.com/"}, "url must be a non-empty URI"),
        ({"sequence": -1}, "sequence must be 0 or more"),
        ({"alarm_before": dt.timedelta(minutes=-5)}, "alarm_before must not be negative"),
        ({"alarm_before": dt.timedelta(seconds=0.5)}, "alarm_before must be whole seconds"),
        ({"status": "CANCELLED"}, "'CANCELLED' is not a valid EventStatus"),
    ],
)
def test_invalid_event_values_are_rejected(changes: dict[str, object], message: str) -> None:
    """Values that would make an invalid or misleading VEVENT never get built."""
    with pytest.raises(ValueError, match=message):
        event(**changes)


def test_feed_value_errors_belong_to_the_contentcal_family() -> None:
    """FeedValueError is both a ContentcalError and a ValueError."""
    with pytest.raises(FeedValueError) as caught:
        event(color="chartreuse-ish")
    assert isinstance(caught.value, ContentcalError)
    assert isinstance(caught.value, ValueError)


def test_bool_sequence_and_single_string_categories_are_type_errors() -> None:
    """True is not a sequence number and "a,b" is not a list of categories."""
    with pytest.raises(TypeError, match="expected an int, got a bool"):
        event(sequence=True)
    with pytest.raises(TypeError, match="categories must be a sequence of names"):
        event(categories="promo")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prodid": ""}, "prodid must not be empty"),
        ({"name": "\x07"}, "name must not be empty"),
        ({"uid": ""}, "uid must not be empty"),
        ({"timezone": "Mars/Olympus"}, "timezone must be an IANA time zone name"),
        ({"timezone": "../etc/passwd"}, "timezone must be an IANA time zone name"),
        ({"refresh": dt.timedelta(0)}, "refresh must be longer than zero"),
        ({"refresh": dt.timedelta(hours=-1)}, "refresh must not be negative"),
        ({"source": "webcal://x/a b.ics"}, "source must be a non-empty URI"),
        ({"last_modified": NAIVE}, "last_modified must be time-zone aware"),
        ({"color": "blurple"}, "color must be a CSS colour name"),
        ({"events": ("not an event",)}, "events\\[0\\] must be a FeedEvent"),
    ],
)
def test_invalid_calendar_values_are_rejected(changes: dict[str, object], message: str) -> None:
    """Calendar metadata is checked on construction too."""
    with pytest.raises(FeedValueError, match=message):
        calendar(**changes)


def test_duplicate_uids_are_rejected_with_their_position() -> None:
    """A UID must be unique in the feed; the error names the second occurrence."""
    with pytest.raises(FeedValueError, match=r"events\[2\]: duplicate UID 'a'"):
        calendar(event(uid="a"), event(uid="b"), event(uid="a\x00"))


def test_values_are_frozen_and_change_with_evolve() -> None:
    """Feed values are immutable; evolve re-runs the converters."""
    value = event()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        value.summary = "x"  # type: ignore[misc]
    assert attrs.evolve(value, summary="a\rb").summary == "a\nb"


# --- executable docs ----------------------------------------------------------------------

WIRE_DOC = Path(__file__).resolve().parents[1] / "docs" / "ics-wire.md"


def test_wire_doc_examples_run_exactly() -> None:
    """Every ```pycon block in docs/ics-wire.md passes as a doctest."""
    blocks = re.findall(r"```pycon\n(.*?)```", WIRE_DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks
    report = io.StringIO()
    runner = doctest.DocTestRunner()
    for number, block in enumerate(blocks):
        test = doctest.DocTestParser().get_doctest(
            block, {}, f"ics-wire.md block {number}", str(WIRE_DOC), 0
        )
        runner.run(test, out=report.write)
    assert runner.summarize(verbose=False).failed == 0, report.getvalue()


def test_module_docstring_examples_run() -> None:
    """The examples in contentcal.publishing.ics docstrings are right."""
    result = doctest.testmod(contentcal.publishing.ics, report=False)
    assert result.attempted > 0
    assert result.failed == 0
