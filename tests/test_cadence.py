"""Posting slots: reading cadences and RRULEs, expanding them, and daylight saving."""

from __future__ import annotations

import calendar
import doctest
import pickle
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from contentcal.errors import ContentcalError
from contentcal.model.zones import get_zone
from contentcal.scheduling.cadence import CadenceError, SlotRule, describe, parse_slot, slot_times

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cadence.md"
JAKARTA = ZoneInfo("Asia/Jakarta")
BERLIN = ZoneInfo("Europe/Berlin")
ALL_DAYS = (0, 1, 2, 3, 4, 5, 6)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def expand(texts: Sequence[str], zone: str, start: datetime, end: datetime) -> list[datetime]:
    return slot_times([parse_slot(text) for text in texts], timezone=zone, start=start, end=end)


def iso(slots: Sequence[datetime]) -> list[str]:
    return [slot.isoformat() for slot in slots]


# --- Reading cadences --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "weekdays", "times"),
    [
        ("MO,WE,FR 19:00", (0, 2, 4), (time(19),)),
        ("daily 08:30", ALL_DAYS, (time(8, 30),)),
        ("weekdays 12:00", (0, 1, 2, 3, 4), (time(12),)),
        ("weekends 10:00", (5, 6), (time(10),)),
        ("TU,TH 09:00 17:30", (1, 3), (time(9), time(17, 30))),
        ("tu,th 17:30 09:00", (1, 3), (time(9), time(17, 30))),
        ("mon,wed 9:00", (0, 2), (time(9),)),
        ("Monday, Wednesday 9:00", (0, 2), (time(9),)),
        ("mondays 7:05", (0,), (time(7, 5),)),
        ("SA 10:00", (5,), (time(10),)),
        ("every day 9:00", ALL_DAYS, (time(9),)),
        ("Every weekday 9:00", (0, 1, 2, 3, 4), (time(9),)),
        ("MO-FR 08:00", (0, 1, 2, 3, 4), (time(8),)),
        ("fri-mon 08:00", (0, 4, 5, 6), (time(8),)),
        ("19:00", ALL_DAYS, (time(19),)),
        ("  MO  WE,FR   0:00 23:59 ", (0, 2, 4), (time(0), time(23, 59))),
        ("MO,MO 19:00 19:00", (0,), (time(19),)),
        ("MO - FR 8:00", (0, 1, 2, 3, 4), (time(8),)),
        ("daily at 8:30", ALL_DAYS, (time(8, 30),)),
        ("Tue, Thu at 09:00 and 17:30", (1, 3), (time(9), time(17, 30))),
    ],
)
def test_cadences_parse_to_days_and_times(
    text: str, weekdays: tuple[int, ...], times: tuple[time, ...]
) -> None:
    """Each written form gives its days (0 = Monday) and sorted unique times."""
    assert parse_slot(text) == SlotRule(text=text, weekdays=weekdays, times=times)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The week of Monday 1 June 2026, in a zone without daylight saving.
        ("MO,WE,FR 19:00", ["06-01T19:00", "06-03T19:00", "06-05T19:00"]),
        ("daily 08:30", [f"06-0{day}T08:30" for day in range(1, 8)]),
        ("weekdays 12:00", [f"06-0{day}T12:00" for day in range(1, 6)]),
        ("weekends 10:00", ["06-06T10:00", "06-07T10:00"]),
        ("TU,TH 09:00 17:30", ["06-02T09:00", "06-02T17:30", "06-04T09:00", "06-04T17:30"]),
        ("mon,wed 9:00", ["06-01T09:00", "06-03T09:00"]),
        ("SA 10:00", ["06-06T10:00"]),
        ("every day 9:00", [f"06-0{day}T09:00" for day in range(1, 8)]),
        ("SU 23:59", ["06-07T23:59"]),
    ],
)
def test_cadences_expand_to_their_slots(text: str, expected: list[str]) -> None:
    """A week of each cadence gives exactly the slots the text promises."""
    start = datetime(2026, 6, 1, tzinfo=JAKARTA)
    slots = expand([text], "Asia/Jakarta", start, start + timedelta(days=7))
    assert iso(slots) == [f"2026-{stamp}:00+07:00" for stamp in expected]


# --- Reading RRULEs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0",
            "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0",
        ),
        ("RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=9", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9"),
        ("rrule:freq=weekly;byday=mo;byhour=9;", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9"),
        ("FREQ=WEEKLY; BYDAY=MO, TH; BYHOUR=9", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9"),
    ],
)
def test_rrules_are_kept_normalised(text: str, rule: str) -> None:
    """An RRULE is stored upper case, without prefix, spaces or empty parts."""
    assert parse_slot(text) == SlotRule(text=text, rrule=rule)


def test_dtstart_and_until_are_read_apart_from_the_rule() -> None:
    """DTSTART is a local wall time; UNTIL leaves the rule and keeps its kind."""
    text = "DTSTART:20260105T090000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20261231T170000Z"
    assert parse_slot(text) == SlotRule(
        text=text,
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        dtstart=datetime(2026, 1, 5, 9),
        until=utc(2026, 12, 31, 17),
    )
    assert parse_slot("FREQ=DAILY;BYHOUR=9;UNTIL=20261231").until == datetime(
        2026, 12, 31, 23, 59, 59
    )
    assert parse_slot("FREQ=DAILY;BYHOUR=9;UNTIL=20261231T180000").until == datetime(
        2026, 12, 31, 18
    )


def wib(month: int, day: int, hour: int, minute: int = 0) -> str:
    return datetime(2026, month, day, hour, minute, tzinfo=JAKARTA).isoformat()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0", [wib(1, 5, 9), wib(2, 2, 9), wib(3, 2, 9)]),
        (
            "RRULE:FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=16",
            [wib(1, 30, 16), wib(2, 27, 16), wib(3, 27, 16)],
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=17",
            [wib(1, 30, 17), wib(2, 27, 17), wib(3, 31, 17)],
        ),
        (
            "freq=monthly;bymonthday=1,-1;byhour=10",
            [
                wib(month, day, 10)
                for month, day in ((1, 1), (1, 31), (2, 1), (2, 28), (3, 1), (3, 31))
            ],
        ),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=14;BYHOUR=8;BYMINUTE=15", [wib(2, 14, 8, 15)]),
        (
            "DTSTART:20260105T090000 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            [
                wib(month, day, 9)
                for month, day in ((1, 5), (1, 19), (2, 2), (2, 16), (3, 2), (3, 16), (3, 30))
            ],
        ),
        (
            "DTSTART:20260105T093000\nRRULE:FREQ=DAILY;COUNT=3",
            [wib(1, 5, 9, 30), wib(1, 6, 9, 30), wib(1, 7, 9, 30)],
        ),
        (
            "DTSTART:20260110 RRULE:FREQ=MONTHLY;BYHOUR=12",
            [wib(1, 10, 12), wib(2, 10, 12), wib(3, 10, 12)],
        ),
        (
            "DTSTART:20260301T180000 RRULE:FREQ=WEEKLY",
            [wib(3, day, 18) for day in (1, 8, 15, 22, 29)],
        ),
        ("FREQ=DAILY;BYHOUR=9;UNTIL=20260103", [wib(1, 1, 9), wib(1, 2, 9), wib(1, 3, 9)]),
        ("FREQ=DAILY;BYHOUR=9;UNTIL=20260103T090000", [wib(1, 1, 9), wib(1, 2, 9), wib(1, 3, 9)]),
        # 09:00 WIB is 02:00 UTC, one second after this UNTIL on 3 January.
        ("FREQ=DAILY;BYHOUR=9;UNTIL=20260103T015959Z", [wib(1, 1, 9), wib(1, 2, 9)]),
    ],
)
def test_rrules_expand_to_their_slots(text: str, expected: list[str]) -> None:
    """The first quarter of 2026 holds exactly the occurrences RFC 5545 defines."""
    start = datetime(2026, 1, 1, tzinfo=JAKARTA)
    slots = expand([text], "Asia/Jakarta", start, datetime(2026, 4, 1, tzinfo=JAKARTA))
    assert iso(slots) == expected


def test_bysetpos_counts_whole_weeks_when_the_window_starts_midweek() -> None:
    """The first of Sunday/Monday in a Monday week is Monday, whichever day a window opens.

    Expanding from the window's first day would count a partial week Wednesday–Sunday and
    wrongly pick that Sunday.
    """
    rule = "FREQ=WEEKLY;BYDAY=SU,MO;BYSETPOS=1;BYHOUR=9"
    start = datetime(2026, 6, 3, tzinfo=JAKARTA)  # a Wednesday
    assert iso(expand([rule], "Asia/Jakarta", start, start + timedelta(days=7))) == [wib(6, 8, 9)]


def test_week_start_ignores_the_process_wide_calendar_setting() -> None:
    """dateutil's WKST default is calendar.firstweekday(); rules must not depend on it."""
    rule = "FREQ=WEEKLY;BYDAY=SU,MO;BYSETPOS=1;BYHOUR=9"
    start = datetime(2026, 6, 1, tzinfo=JAKARTA)
    calendar.setfirstweekday(calendar.SUNDAY)
    try:
        slots = expand([rule], "Asia/Jakarta", start, start + timedelta(days=14))
    finally:
        calendar.setfirstweekday(calendar.MONDAY)
    assert iso(slots) == [wib(6, 1, 9), wib(6, 8, 9)]


# --- Describing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("MO,WE,FR 19:00", "Mon, Wed, Fri at 19:00"),
        ("daily 08:30", "Daily at 08:30"),
        ("mo-fr 12:00", "Weekdays at 12:00"),
        ("SU,SA 10:00", "Weekends at 10:00"),
        ("TU,TH 09:00 17:30", "Tue, Thu at 09:00 and 17:30"),
        ("SA 08:00 12:00 17:30", "Sat at 08:00, 12:00 and 17:30"),
        ("FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0", "Monthly on the first Monday at 09:00"),
        (
            "FREQ=MONTHLY;BYDAY=-1FR,-2TU;BYHOUR=16",
            "Monthly on the last Friday and the 2nd-to-last Tuesday at 16:00",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=-1,1;BYHOUR=10", "Monthly on the 1st and last day at 10:00"),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24;BYHOUR=18", "Yearly in Dec on the 24th at 18:00"),
        (
            "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9,17;BYMINUTE=0,30",
            "Weekly on Mon, Thu at 09:00, 09:30, 17:00 and 17:30",
        ),
        (
            "DTSTART:20260105T090000 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            "Every 2 weeks on Mon at 09:00, from 2026-01-05",
        ),
        (
            "DTSTART:20260105T093000 RRULE:FREQ=DAILY;COUNT=3",
            "Daily at 09:30, from 2026-01-05, 3 times",
        ),
        ("FREQ=DAILY;BYHOUR=9;UNTIL=20261231", "Daily at 09:00, until 2026-12-31 23:59"),
        (
            "FREQ=DAILY;BYHOUR=9;UNTIL=20261231T170000Z",
            "Daily at 09:00, until 2026-12-31 17:00 UTC",
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=17",
            "RRULE FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=17",
        ),
    ],
)
def test_describe_reads_a_rule_in_words(text: str, reading: str) -> None:
    """Schedules show each rule in words; RRULEs without a short reading show the rule."""
    assert describe(parse_slot(text)) == reading


# --- Errors ------------------------------------------------------------------------------

DAYS_HINT = 'write days as MO TU WE TH FR SA SU, e.g. "MO,WE,FR 19:00"'
TIME_HINT = 'write times as 24-hour HH:MM, e.g. "MO,WE,FR 19:00"'
RRULE_EXAMPLE = '"FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0"'
RRULE_HINT = f"write an RFC 5545 RRULE, e.g. {RRULE_EXAMPLE}"
FREQ_HINT = f"start it with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY, e.g. {RRULE_EXAMPLE}"
DTSTART_HINT = (
    'put a local DTSTART before the rule, e.g. "DTSTART:20260105T090000 '
    'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"'
)


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("MX 19:00", "unknown day 'MX' in 'MX 19:00'", DAYS_HINT),
        ("MO-XY 19:00", "unknown day 'MO-XY' in 'MO-XY 19:00'", DAYS_HINT),
        ("MO 25:00", "bad time '25:00' in 'MO 25:00': hours go from 0 to 23", TIME_HINT),
        ("MO 24:00", "bad time '24:00' in 'MO 24:00': hours go from 0 to 23", TIME_HINT),
        ("MO 19:60", "bad time '19:60' in 'MO 19:60': minutes go from 00 to 59", TIME_HINT),
        ("MO 7pm", "bad time '7pm' in 'MO 7pm'", TIME_HINT),
        ("MO 19.00", "bad time '19.00' in 'MO 19.00'", TIME_HINT),
        ("MO 19:00 pm", "unexpected 'pm' after the times in 'MO 19:00 pm'", TIME_HINT),
        (
            "MO 19:00 WE 20:00",
            "day 'WE' after the times in 'MO 19:00 WE 20:00'",
            "write the days first, then the times; one entry per group of days, "
            'e.g. "MO,WE,FR 19:00"',
        ),
        (
            "",
            "empty slot entry",
            f'write days and times such as "MO,WE,FR 19:00", or an RRULE such as {RRULE_EXAMPLE}',
        ),
        (
            "  ",
            "empty slot entry",
            f'write days and times such as "MO,WE,FR 19:00", or an RRULE such as {RRULE_EXAMPLE}',
        ),
        (
            "MO,WE,FR",
            "no time in 'MO,WE,FR'",
            'add one or more 24-hour times after the days, e.g. "MO,WE,FR 19:00"',
        ),
        (
            "daily",
            "no time in 'daily'",
            'add one or more 24-hour times after the days, e.g. "MO,WE,FR 19:00"',
        ),
        ("RRULE:blah", "'BLAH' is not a NAME=VALUE part in 'RRULE:blah'", RRULE_HINT),
        ("RRULE:", "RRULE 'RRULE:' has no parts", RRULE_HINT),
        ("BYDAY=MO;BYHOUR=9", "RRULE 'BYDAY=MO;BYHOUR=9' has no FREQ", FREQ_HINT),
        (
            "FREQ=FORTNIGHTLY;BYHOUR=9",
            "unknown FREQ 'FORTNIGHTLY' in 'FREQ=FORTNIGHTLY;BYHOUR=9'",
            FREQ_HINT,
        ),
        (
            "FREQ=HOURLY",
            "FREQ=HOURLY in 'FREQ=HOURLY' repeats more often than daily",
            "use FREQ=DAILY and list the times with BYHOUR and BYMINUTE, "
            'e.g. "FREQ=DAILY;BYHOUR=9,13,17;BYMINUTE=0"',
        ),
        (
            "FREQ=DAILY;BYHOUR=9;FOO=1",
            "unknown RRULE part 'FOO' in 'FREQ=DAILY;BYHOUR=9;FOO=1'",
            "use FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY, "
            f"BYHOUR, BYMINUTE, BYSECOND, BYSETPOS, WKST; e.g. {RRULE_EXAMPLE}",
        ),
        (
            "FREQ=DAILY;BYHOUR=9;BYHOUR=10",
            "RRULE part 'BYHOUR' given twice in 'FREQ=DAILY;BYHOUR=9;BYHOUR=10'",
            RRULE_HINT,
        ),
        (
            "FREQ=DAILY;BYHOUR=25",
            "bad BYHOUR '25' in 'FREQ=DAILY;BYHOUR=25': use whole numbers from 0 to 23",
            RRULE_HINT,
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=0;BYHOUR=9",
            "bad BYMONTHDAY '0' in 'FREQ=MONTHLY;BYMONTHDAY=0;BYHOUR=9': "
            "use whole numbers from 1 to 31 or -31 to -1",
            RRULE_HINT,
        ),
        (
            "FREQ=DAILY;INTERVAL=0;BYHOUR=9",
            "bad INTERVAL '0' in 'FREQ=DAILY;INTERVAL=0;BYHOUR=9': use a whole number from 1",
            RRULE_HINT,
        ),
        (
            "FREQ=WEEKLY;BYDAY=XX;BYHOUR=9",
            "bad BYDAY 'XX' in 'FREQ=WEEKLY;BYDAY=XX;BYHOUR=9'",
            "write days as MO TU WE TH FR SA SU, with an optional position such as 1MO or -1FR, "
            f"e.g. {RRULE_EXAMPLE}",
        ),
        (
            "FREQ=WEEKLY;BYDAY=1MO;BYHOUR=9",
            "BYDAY '1MO' has a position, which needs FREQ=MONTHLY or FREQ=YEARLY, "
            "in 'FREQ=WEEKLY;BYDAY=1MO;BYHOUR=9'",
            f"drop the number or change FREQ, e.g. {RRULE_EXAMPLE}",
        ),
        (
            "FREQ=DAILY",
            "RRULE 'FREQ=DAILY' gives no time of day",
            f"add BYHOUR (and BYMINUTE), e.g. {RRULE_EXAMPLE}",
        ),
        (
            "DTSTART:20260105 RRULE:FREQ=DAILY",
            "RRULE 'DTSTART:20260105 RRULE:FREQ=DAILY' gives no time of day",
            f"add BYHOUR (and BYMINUTE), e.g. {RRULE_EXAMPLE}",
        ),
        (
            "FREQ=WEEKLY;BYHOUR=9",
            "FREQ=WEEKLY in 'FREQ=WEEKLY;BYHOUR=9' does not say on which days",
            f"add BYDAY or BYMONTHDAY, e.g. {RRULE_EXAMPLE}",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9",
            "INTERVAL=2 in 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9' "
            "needs a DTSTART to count from",
            DTSTART_HINT,
        ),
        (
            "FREQ=DAILY;COUNT=5;BYHOUR=9",
            "COUNT in 'FREQ=DAILY;COUNT=5;BYHOUR=9' needs a DTSTART to count from",
            DTSTART_HINT,
        ),
        (
            "FREQ=DAILY;COUNT=5;UNTIL=20261231;BYHOUR=9",
            "RRULE 'FREQ=DAILY;COUNT=5;UNTIL=20261231;BYHOUR=9' has both COUNT and UNTIL",
            "keep only one of them",
        ),
        (
            "FREQ=DAILY;BYHOUR=9;UNTIL=2026-12-31",
            "bad UNTIL '2026-12-31' in 'FREQ=DAILY;BYHOUR=9;UNTIL=2026-12-31'",
            f"write UNTIL as YYYYMMDD or YYYYMMDDTHHMMSS[Z], e.g. {RRULE_EXAMPLE}",
        ),
        (
            "DTSTART:20261305T090000 RRULE:FREQ=DAILY",
            "bad DTSTART '20261305T090000' in 'DTSTART:20261305T090000 RRULE:FREQ=DAILY'",
            DTSTART_HINT,
        ),
        (
            "DTSTART;TZID=Europe/Berlin:20260105T090000 RRULE:FREQ=DAILY",
            "DTSTART in 'DTSTART;TZID=Europe/Berlin:20260105T090000 RRULE:FREQ=DAILY' "
            "has a time zone",
            "write it as local time; slots use the platform's zone, e.g. "
            '"DTSTART:20260105T090000 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"',
        ),
        (
            "DTSTART:20260105T090000Z RRULE:FREQ=DAILY",
            "DTSTART in 'DTSTART:20260105T090000Z RRULE:FREQ=DAILY' has a time zone",
            "write it as local time; slots use the platform's zone, e.g. "
            '"DTSTART:20260105T090000 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"',
        ),
        (
            "EXDATE:20260101T090000 RRULE:FREQ=DAILY;BYHOUR=9",
            "unsupported 'EXDATE' in 'EXDATE:20260101T090000 RRULE:FREQ=DAILY;BYHOUR=9'",
            "a slot entry is one RRULE with an optional DTSTART; skip dates with blackout days "
            "instead",
        ),
        (
            "RRULE:FREQ=DAILY;BYHOUR=9 RRULE:FREQ=DAILY;BYHOUR=10",
            "more than one RRULE in 'RRULE:FREQ=DAILY;BYHOUR=9 RRULE:FREQ=DAILY;BYHOUR=10'",
            "write each rule as its own slot entry",
        ),
        (
            "DTSTART:20260105T090000",
            "no RRULE in 'DTSTART:20260105T090000'",
            RRULE_HINT,
        ),
    ],
)
def test_bad_entries_say_what_is_wrong_and_how_to_write_them(
    text: str, message: str, hint: str
) -> None:
    """Each class of mistake has its own message and a hint with the right syntax."""
    with pytest.raises(CadenceError) as caught:
        parse_slot(text)
    assert (caught.value.message, caught.value.hint) == (message, hint)
    assert str(caught.value) == f"{message}; {hint}"


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;BYHOUR=9",
        "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31;BYHOUR=9",
        "FREQ=MONTHLY;BYDAY=6MO;BYHOUR=9",
        "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2;BYHOUR=9",
        "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO;BYMONTH=6;BYHOUR=9",
    ],
)
def test_rules_that_never_meet_are_refused_instead_of_searched_forever(text: str) -> None:
    """dateutil would scan to year 9999 for such a rule on every expansion."""
    with pytest.raises(CadenceError) as caught:
        parse_slot(text)
    assert caught.value.message == f"RRULE {text!r} never gives a slot"
    assert caught.value.hint == (
        "check that its BY... parts can all hold on one real date "
        "(BYMONTH=2 with BYMONTHDAY=30 cannot)"
    )


def test_cadence_error_is_a_contentcal_value_error_that_pickles() -> None:
    """Callers catch it as ContentcalError or ValueError; it survives process pools."""
    with pytest.raises(CadenceError) as caught:
        parse_slot("MX 19:00")
    error = caught.value
    assert isinstance(error, ContentcalError)
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.message, copy.hint, str(copy)) == (error.message, error.hint, str(error))


# --- Expanding ---------------------------------------------------------------------------


def test_several_rules_merge_into_one_sorted_list_without_repeats() -> None:
    """Slots from cadences and RRULEs at the same instant count once."""
    start = datetime(2026, 6, 1, tzinfo=JAKARTA)
    slots = expand(
        ["daily 19:00", "MO,WE 19:00 20:00", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=19,21"],
        "Asia/Jakarta",
        start,
        start + timedelta(days=3),
    )
    assert iso(slots) == [
        wib(month, day, hour)
        for month, day, hour in (
            (6, 1, 19),
            (6, 1, 20),
            (6, 1, 21),
            (6, 2, 19),
            (6, 3, 19),
            (6, 3, 20),
        )
    ]


def test_window_is_half_open_and_may_be_given_in_any_zone() -> None:
    """A slot at `start` is in, a slot at `end` is out; the result is in the platform's zone."""
    start = utc(2027, 1, 4, 18)  # 19:00 in Berlin
    slots = expand(["daily 19:00"], "Europe/Berlin", start, start + timedelta(days=2))
    assert iso(slots) == ["2027-01-04T19:00:00+01:00", "2027-01-05T19:00:00+01:00"]
    assert all(slot.tzinfo is get_zone("Europe/Berlin") for slot in slots)


def test_a_start_in_the_second_half_of_a_fold_is_compared_as_an_instant() -> None:
    """02:30 CET (fold=1) comes after 02:45 CEST although its wall time is earlier."""
    start = datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN, fold=1)  # 01:30 UTC
    slots = expand(["daily 02:45 03:00"], "Europe/Berlin", start, utc(2027, 11, 1, 2))
    assert iso(slots) == ["2027-10-31T03:00:00+01:00", "2027-11-01T02:45:00+01:00"]


def test_empty_rules_or_windows_give_no_slots() -> None:
    """Nothing to expand is not an error."""
    start = utc(2027, 1, 1)
    assert slot_times([], timezone="Europe/Berlin", start=start, end=utc(2028, 1, 1)) == []
    assert expand(["daily 09:00"], "Europe/Berlin", start, start) == []
    assert expand(["daily 09:00"], "Europe/Berlin", start, start - timedelta(days=1)) == []


def test_naive_window_and_unknown_zone_are_refused() -> None:
    """A naive bound has no instant; a zone must be an IANA name."""
    rules = [parse_slot("daily 09:00")]
    with pytest.raises(ValueError, match=r"^start must be an aware datetime, got datetime\."):
        slot_times(rules, timezone="UTC", start=datetime(2027, 1, 1), end=utc(2027, 2, 1))
    with pytest.raises(ValueError, match=r"^end must be an aware datetime"):
        slot_times(rules, timezone="UTC", start=utc(2027, 1, 1), end=datetime(2027, 2, 1))
    with pytest.raises(ValueError, match=r"^unknown time zone 'Mars/Olympus'$"):
        slot_times(rules, timezone="Mars/Olympus", start=utc(2027, 1, 1), end=utc(2027, 2, 1))


# --- Daylight saving ---------------------------------------------------------------------

# (zone, local day, slot time, the instant in UTC, how it reads locally)
DST_CASES = [
    # Europe/Berlin: forward 02:00 -> 03:00 on the last Sunday of March, back 03:00 -> 02:00
    # on the last Sunday of October, both at 01:00 UTC.
    ("Europe/Berlin", date(2026, 3, 29), "02:30", utc(2026, 3, 29, 1), "2026-03-29T03:00:00+02:00"),
    ("Europe/Berlin", date(2027, 3, 28), "02:30", utc(2027, 3, 28, 1), "2027-03-28T03:00:00+02:00"),
    ("Europe/Berlin", date(2027, 3, 28), "02:00", utc(2027, 3, 28, 1), "2027-03-28T03:00:00+02:00"),
    (
        "Europe/Berlin",
        date(2027, 3, 28),
        "01:59",
        utc(2027, 3, 28, 0, 59),
        "2027-03-28T01:59:00+01:00",
    ),
    ("Europe/Berlin", date(2027, 3, 28), "03:00", utc(2027, 3, 28, 1), "2027-03-28T03:00:00+02:00"),
    (
        "Europe/Berlin",
        date(2026, 10, 25),
        "02:30",
        utc(2026, 10, 25, 0, 30),
        "2026-10-25T02:30:00+02:00",
    ),
    (
        "Europe/Berlin",
        date(2027, 10, 31),
        "02:00",
        utc(2027, 10, 31, 0),
        "2027-10-31T02:00:00+02:00",
    ),
    (
        "Europe/Berlin",
        date(2027, 10, 31),
        "03:00",
        utc(2027, 10, 31, 2),
        "2027-10-31T03:00:00+01:00",
    ),
    # America/New_York: forward 02:00 -> 03:00 in March, back 02:00 -> 01:00 in November.
    (
        "America/New_York",
        date(2026, 3, 8),
        "02:30",
        utc(2026, 3, 8, 7),
        "2026-03-08T03:00:00-04:00",
    ),
    (
        "America/New_York",
        date(2027, 3, 14),
        "02:00",
        utc(2027, 3, 14, 7),
        "2027-03-14T03:00:00-04:00",
    ),
    (
        "America/New_York",
        date(2026, 11, 1),
        "01:30",
        utc(2026, 11, 1, 5, 30),
        "2026-11-01T01:30:00-04:00",
    ),
    (
        "America/New_York",
        date(2027, 11, 7),
        "01:00",
        utc(2027, 11, 7, 5),
        "2027-11-07T01:00:00-04:00",
    ),
    (
        "America/New_York",
        date(2027, 11, 7),
        "02:00",
        utc(2027, 11, 7, 7),
        "2027-11-07T02:00:00-05:00",
    ),
    # Australia/Sydney, southern hemisphere: back 03:00 -> 02:00 on the first Sunday of April,
    # forward 02:00 -> 03:00 on the first Sunday of October; UTC is still the day before.
    (
        "Australia/Sydney",
        date(2026, 10, 4),
        "02:30",
        utc(2026, 10, 3, 16),
        "2026-10-04T03:00:00+11:00",
    ),
    (
        "Australia/Sydney",
        date(2027, 10, 3),
        "02:00",
        utc(2027, 10, 2, 16),
        "2027-10-03T03:00:00+11:00",
    ),
    (
        "Australia/Sydney",
        date(2026, 4, 5),
        "02:30",
        utc(2026, 4, 4, 15, 30),
        "2026-04-05T02:30:00+11:00",
    ),
    (
        "Australia/Sydney",
        date(2027, 4, 4),
        "02:00",
        utc(2027, 4, 3, 15),
        "2027-04-04T02:00:00+11:00",
    ),
    (
        "Australia/Sydney",
        date(2027, 4, 4),
        "03:00",
        utc(2027, 4, 3, 17),
        "2027-04-04T03:00:00+10:00",
    ),
    # Asia/Jakarta has no daylight saving: the other zones' transition nights are plain.
    (
        "Asia/Jakarta",
        date(2026, 3, 29),
        "02:30",
        utc(2026, 3, 28, 19, 30),
        "2026-03-29T02:30:00+07:00",
    ),
    (
        "Asia/Jakarta",
        date(2026, 10, 4),
        "02:30",
        utc(2026, 10, 3, 19, 30),
        "2026-10-04T02:30:00+07:00",
    ),
    (
        "Asia/Jakarta",
        date(2027, 10, 31),
        "02:30",
        utc(2027, 10, 30, 19, 30),
        "2027-10-31T02:30:00+07:00",
    ),
    # Australia/Lord_Howe moves by 30 minutes: 02:00 -> 02:30 in October, 02:00 -> 01:30 in April.
    (
        "Australia/Lord_Howe",
        date(2026, 10, 4),
        "02:15",
        utc(2026, 10, 3, 15, 30),
        "2026-10-04T02:30:00+11:00",
    ),
    (
        "Australia/Lord_Howe",
        date(2027, 10, 3),
        "02:00",
        utc(2027, 10, 2, 15, 30),
        "2027-10-03T02:30:00+11:00",
    ),
    (
        "Australia/Lord_Howe",
        date(2026, 4, 5),
        "01:45",
        utc(2026, 4, 4, 14, 45),
        "2026-04-05T01:45:00+11:00",
    ),
    # America/Santiago changes at midnight: the gap is the first hour of the day.
    (
        "America/Santiago",
        date(2026, 9, 6),
        "00:30",
        utc(2026, 9, 6, 4),
        "2026-09-06T01:00:00-03:00",
    ),
    (
        "America/Santiago",
        date(2026, 4, 4),
        "23:30",
        utc(2026, 4, 5, 2, 30),
        "2026-04-04T23:30:00-03:00",
    ),
]


@pytest.mark.parametrize(("zone", "day", "clock", "instant", "local"), DST_CASES)
def test_gaps_move_to_the_first_instant_after_and_folds_take_the_first_occurrence(
    zone: str, day: date, clock: str, instant: datetime, local: str
) -> None:
    """A daily slot on a transition night lands on the exact instant the rules define."""
    slots = expand(
        [f"daily {clock}"], zone, instant - timedelta(hours=6), instant + timedelta(hours=6)
    )
    assert [slot.astimezone(UTC) for slot in slots] == [instant]
    assert iso(slots) == [local]
    assert slots[0].date() == day


def test_slots_in_one_gap_become_one_slot() -> None:
    """02:00, 02:30 and 03:00 on the spring-forward night are all 03:00 CEST."""
    slots = expand(
        ["daily 01:30 02:00 02:30 03:00 03:30"],
        "Europe/Berlin",
        utc(2027, 3, 27, 23),
        utc(2027, 3, 28, 23),
    )
    assert iso(slots) == [
        "2027-03-28T01:30:00+01:00",
        "2027-03-28T03:00:00+02:00",
        "2027-03-28T03:30:00+02:00",
    ]


def test_a_gap_slot_from_an_rrule_follows_the_same_rule() -> None:
    """RRULE wall times are localised exactly like cadence times."""
    slots = expand(
        ["FREQ=DAILY;BYHOUR=2;BYMINUTE=30"],
        "America/New_York",
        utc(2026, 3, 7, 12),
        utc(2026, 3, 9, 12),
    )
    assert iso(slots) == ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]


# --- Properties --------------------------------------------------------------------------

ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Jakarta",
    "Australia/Lord_Howe",
    "America/Santiago",
)
# Every transition of those zones in 2026-2027 (as UTC instants), for windows around them.
TRANSITIONS = {
    "Europe/Berlin": (
        utc(2026, 3, 29, 1), utc(2026, 10, 25, 1), utc(2027, 3, 28, 1), utc(2027, 10, 31, 1),
    ),
    "America/New_York": (
        utc(2026, 3, 8, 7), utc(2026, 11, 1, 6), utc(2027, 3, 14, 7), utc(2027, 11, 7, 6),
    ),
    "Australia/Sydney": (
        utc(2026, 4, 4, 16), utc(2026, 10, 3, 16), utc(2027, 4, 3, 16), utc(2027, 10, 2, 16),
    ),
    "Australia/Lord_Howe": (
        utc(2026, 4, 4, 15), utc(2026, 10, 3, 15, 30),
        utc(2027, 4, 3, 15), utc(2027, 10, 2, 15, 30),
    ),
    "America/Santiago": (
        utc(2026, 4, 5, 3), utc(2026, 9, 6, 4), utc(2027, 4, 4, 3), utc(2027, 9, 5, 4),
    ),
}  # fmt: skip
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NIGHT_TIMES = [time(0), time(0, 30), time(1, 30), time(1, 45), time(2), time(2, 15), time(2, 30)]
NIGHT_TIMES += [time(2, 59), time(3), time(23, 30), time(23, 59)]
RRULES = (
    "FREQ=DAILY;BYHOUR=2;BYMINUTE=30",
    "FREQ=WEEKLY;BYDAY=SU;BYHOUR=0,2,3;BYMINUTE=0,30",
    "FREQ=MONTHLY;BYDAY=1SU;BYHOUR=2",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=17",
    "DTSTART:20251229T023000 RRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=SA,SU",
    "DTSTART:20260301T010000 RRULE:FREQ=DAILY;INTERVAL=2;BYHOUR=1,2;BYMINUTE=45",
    "FREQ=DAILY;BYHOUR=9;UNTIL=20270101T000000Z",
)

Cadence = tuple[str, frozenset[int], tuple[time, ...]]


@st.composite
def cadences(draw: st.DrawFn) -> Cadence:
    """A cadence text together with the days and times it asks for."""
    days = draw(
        st.one_of(st.frozensets(st.integers(0, 6), min_size=1), st.just(frozenset(ALL_DAYS)))
    )
    times = draw(
        st.lists(
            st.one_of(
                st.sampled_from(NIGHT_TIMES),
                st.sampled_from(NIGHT_TIMES),  # twice: transitions happen at night
                st.builds(time, st.integers(0, 23), st.integers(0, 59)),
            ),
            min_size=1,
            max_size=4,
        )
    )
    lower = draw(st.booleans())
    words = [code.lower() if lower else code for code in (DAY_CODES[day] for day in sorted(days))]
    if len(days) == 7 and draw(st.booleans()):
        words = ["daily"]
    text = ",".join(words) + " " + " ".join(f"{moment:%H:%M}" for moment in times)
    return text, days, tuple(times)


Scenario = tuple[str, datetime, datetime]


@st.composite
def scenarios(draw: st.DrawFn, max_days: int = 20) -> Scenario:
    """A zone and a window, mostly spanning one of its transitions, bounds in any zone."""
    zone = draw(st.sampled_from(ZONES))
    transitions = TRANSITIONS.get(zone, ())
    if transitions and draw(st.integers(0, 2)):
        middle = draw(st.sampled_from(transitions))
        start = middle - draw(st.timedeltas(timedelta(hours=3), timedelta(days=2)))
        end = middle + draw(st.timedeltas(timedelta(hours=3), timedelta(days=max_days)))
    else:
        start = draw(
            st.datetimes(datetime(2025, 6, 1), datetime(2028, 6, 1), timezones=st.just(UTC))
        )
        end = start + draw(st.timedeltas(timedelta(0), timedelta(days=max_days)))
    views = st.sampled_from((*ZONES, "UTC"))
    return zone, start.astimezone(ZoneInfo(draw(views))), end.astimezone(ZoneInfo(draw(views)))


def localize_by_walking(wall: datetime, zone: ZoneInfo) -> datetime:
    """An independent reading of the DST rules: step out of a gap a minute at a time."""
    while True:
        aware = wall.replace(tzinfo=zone)  # fold=0 is the first occurrence
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
            return aware
        wall += timedelta(minutes=1)


def brute_force(
    rules: Sequence[Cadence], zone_name: str, start: datetime, end: datetime
) -> list[datetime]:
    zone = ZoneInfo(zone_name)
    day = start.astimezone(zone).date() - timedelta(days=1)
    found: set[datetime] = set()
    while day <= end.astimezone(zone).date():
        for _, days, times in rules:
            for moment in times if day.weekday() in days else ():
                slot = localize_by_walking(datetime.combine(day, moment), zone)
                if start <= slot < end:
                    found.add(slot.astimezone(UTC))
        day += timedelta(days=1)
    return sorted(found)


@settings(max_examples=100, deadline=None)
@given(st.lists(cadences(), min_size=1, max_size=3), scenarios())
def test_slot_times_agree_with_a_brute_force_reading(
    rules: list[Cadence], scenario: Scenario
) -> None:
    """The fast path gives exactly what localising every wall time one by one gives."""
    slots = expand([text for text, _, _ in rules], *scenario)
    assert [slot.astimezone(UTC) for slot in slots] == brute_force(rules, *scenario)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from([rule for rule in RRULES if "UNTIL" not in rule]), scenarios(max_days=60))
def test_rrule_slots_agree_with_dateutil_from_a_fixed_start(text: str, scenario: Scenario) -> None:
    """Whatever the window, an RRULE gives dateutil's wall times, localised by the DST rules.

    Rules without DTSTART are started on 1 January 2025, a month start before every window.
    """
    zone_name, start, end = scenario
    zone = ZoneInfo(zone_name)
    dtstart = None if text.startswith("DTSTART") else datetime(2025, 1, 1)
    walls = rrulestr(text, dtstart=dtstart)
    last_wall = datetime.combine(end.astimezone(zone).date() + timedelta(days=1), time())
    expected = sorted(
        {
            slot.astimezone(UTC)
            for wall in walls.between(datetime(2025, 1, 1), last_wall, inc=True)
            if start <= (slot := localize_by_walking(wall, zone)) < end
        }
    )
    slots = expand([text], zone_name, start, end)
    assert [slot.astimezone(UTC) for slot in slots] == expected


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(sorted(TRANSITIONS)).flatmap(
        lambda zone: st.tuples(st.just(zone), st.sampled_from(TRANSITIONS[zone]))
    ),
    st.lists(
        st.builds(time, st.sampled_from([0, 1, 2, 3, 22, 23]), st.integers(0, 59)),
        min_size=1,
        max_size=6,
    ),
)
def test_transition_nights_agree_with_a_brute_force_reading(
    transition: tuple[str, datetime], times: list[time]
) -> None:
    """Many times of night around each transition land where walking the clock puts them."""
    zone, instant = transition
    rule: Cadence = (
        "daily " + " ".join(f"{t:%H:%M}" for t in times),
        frozenset(ALL_DAYS),
        tuple(times),
    )
    scenario = (zone, instant - timedelta(days=1), instant + timedelta(days=1))
    slots = expand([rule[0]], *scenario)
    assert [slot.astimezone(UTC) for slot in slots] == brute_force([rule], *scenario)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(cadences(), min_size=1, max_size=3),
    st.lists(st.sampled_from(RRULES), max_size=2),
    scenarios(),
)
def test_slots_are_sorted_unique_inside_the_window_and_in_the_platform_zone(
    rules: list[Cadence], rrules: list[str], scenario: Scenario
) -> None:
    """The scheduler relies on a sorted list of distinct instants within [start, end)."""
    zone, start, end = scenario
    slots = expand([text for text, _, _ in rules] + rrules, zone, start, end)
    instants = [slot.astimezone(UTC) for slot in slots]
    assert instants == sorted(set(instants))
    assert all(start <= slot < end for slot in slots)
    assert all(slot.tzinfo is get_zone(zone) and slot.fold == 0 for slot in slots)


@settings(max_examples=100, deadline=None)
@given(st.lists(cadences(), min_size=1, max_size=3), scenarios())
def test_each_slot_is_a_requested_wall_time_or_the_end_of_a_gap(
    rules: list[Cadence], scenario: Scenario
) -> None:
    """A slot reads as a time that was asked for, unless a gap swallowed that time.

    Then the slot is the transition itself (the offset grows at that instant) and some asked-for
    wall time lies inside the skipped stretch of the night.
    """
    zone = ZoneInfo(scenario[0])
    asked = {(day, moment) for _, days, times in rules for day in days for moment in times}
    for slot in expand([text for text, _, _ in rules], *scenario):
        wall = slot.replace(tzinfo=None)
        if (wall.weekday(), wall.time()) in asked:
            continue
        before = (slot.astimezone(UTC) - timedelta(seconds=1)).astimezone(zone)
        offset_before, offset_after = before.utcoffset(), slot.utcoffset()
        assert offset_before is not None
        assert offset_after is not None
        assert offset_before < offset_after
        gap_start = before.replace(tzinfo=None) + timedelta(seconds=1)
        swallowed = [
            datetime.combine(day, moment)
            for day in {gap_start.date(), wall.date()}
            for weekday, moment in asked
            if weekday == day.weekday()
        ]
        assert any(gap_start <= asked_wall < wall for asked_wall in swallowed)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(cadences(), max_size=2),
    st.lists(st.sampled_from(RRULES), max_size=2),
    scenarios(max_days=40),
    st.floats(0, 1),
)
def test_expanding_adjacent_windows_equals_expanding_their_union(
    rules: list[Cadence], rrules: list[str], scenario: Scenario, split: float
) -> None:
    """[a, b) + [b, c) == [a, c): no slot depends on where a window starts."""
    texts = [text for text, _, _ in rules] + rrules
    zone, start, end = scenario
    # Elapsed-time arithmetic: `start + delta` on an aware datetime adds wall-clock time,
    # which across a DST change would put `middle` after `end`.
    middle = (
        start.astimezone(UTC) + (end.astimezone(UTC) - start.astimezone(UTC)) * split
    ).astimezone(start.tzinfo)
    assert iso(expand(texts, zone, start, middle) + expand(texts, zone, middle, end)) == iso(
        expand(texts, zone, start, end)
    )


@settings(max_examples=100, deadline=None)
@given(cadences())
def test_a_cadence_description_reads_back_as_the_same_cadence(cadence: Cadence) -> None:
    """What a schedule footer shows can be pasted back into a plan."""
    text, days, times = cadence
    again = parse_slot(describe(parse_slot(text)))
    assert (again.weekdays, again.times) == (tuple(sorted(days)), tuple(sorted(set(times))))


# --- Documentation -----------------------------------------------------------------------


def test_the_cadence_guide_examples_run_as_written() -> None:
    """docs/cadence.md shows real output: its pycon examples pass as doctests."""
    result = doctest.testfile(str(DOCS), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
