"""Posting slots: cadence strings and RRULEs expanded into wall-clock instants.

Each entry of a platform's ``slots`` is one of

* a *cadence*: days, then 24-hour times, written without a manual: ``"MO,WE,FR 19:00"``,
  ``"daily 08:30"``, ``"weekdays 12:00"``, ``"TU,TH 09:00 17:30"``;
* an RFC 5545 *RRULE*, optionally after a local ``DTSTART``:
  ``"FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0"``.

:func:`parse_slot` reads an entry into a :class:`SlotRule`, :func:`slot_times` expands rules
into aware instants and :func:`describe` reads a rule back in words. Slots are wall-clock
times in the platform's zone; a time skipped when clocks spring forward moves to the first
instant after the gap, and a time repeated when clocks fall back means its first occurrence
(the rules of :func:`contentcal.model.zones.localize`). ``docs/cadence.md`` is the user's guide.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping, Sequence

import attrs
from dateutil.rrule import rrulestr

from contentcal.errors import ContentcalError
from contentcal.model.zones import UTC, get_zone, localize

__all__ = ["CadenceError", "SlotRule", "describe", "most_per_day", "parse_slot", "slot_times"]


class CadenceError(ContentcalError, ValueError):
    """A ``slots`` entry is neither a cadence nor an RRULE contentcal can expand.

    `message` says what is wrong and quotes the entry; `hint` says how to write it, with an
    example. The loader reports both at the entry's location, e.g.
    ``platforms.instagram.slots[1]``; ``str()`` joins them with ``"; "``.
    """

    def __init__(self, message: str, hint: str) -> None:
        # Both go to Exception so the error pickles and reprs with everything it knows.
        super().__init__(message, hint)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}"


@attrs.frozen
class SlotRule:
    """One parsed ``slots`` entry: the text as written and what is needed to expand it.

    Make one with :func:`parse_slot`. A cadence fills `weekdays` and `times`; an RRULE fills
    `rrule` and, when given, `dtstart` and `until`.
    """

    text: str
    """The entry as written, e.g. ``"MO,WE,FR 19:00"``."""

    weekdays: tuple[int, ...] = ()
    """A cadence's days, sorted, ``0`` being Monday as in ``datetime.date.weekday()``."""

    times: tuple[dt.time, ...] = ()
    """A cadence's wall-clock times, sorted and unique."""

    rrule: str | None = None
    """An RRULE's parts in upper case, without the ``RRULE:`` prefix and without ``UNTIL``."""

    dtstart: dt.datetime | None = None
    """Naive local wall time an RRULE counts ``INTERVAL`` and ``COUNT`` from, if given."""

    until: dt.datetime | None = None
    """An RRULE's last allowed slot, inclusive: naive is local wall time, aware an instant."""


# ---------------------------------------------------------------------------------------
# Cadences

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_FULL = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EVERY_DAY = tuple(range(7))
_WEEKDAYS = (0, 1, 2, 3, 4)
_WEEKEND = (5, 6)

_DAY_WORDS: Mapping[str, int] = {
    **{
        word: index
        for index, name in enumerate(_DAY_FULL)
        for word in (name[:2].lower(), name[:3].lower(), name.lower(), name.lower() + "s")
    },
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
_GROUP_WORDS: Mapping[str, tuple[int, ...]] = {
    "daily": _EVERY_DAY,
    "day": _EVERY_DAY,
    "days": _EVERY_DAY,
    "weekday": _WEEKDAYS,
    "weekdays": _WEEKDAYS,
    "weekend": _WEEKEND,
    "weekends": _WEEKEND,
}

_SEPARATORS = re.compile(r"[\s,]+")
_SPACED_DASH = re.compile(r"\s*-\s*")
# Filler people write ("daily at 8:30", "09:00 and 17:30"); it also makes describe()'s
# output a valid cadence.
_FILLER = frozenset({"every", "at", "and"})
_TIME = re.compile(r"(\d{1,2}):(\d{2})")

_EXAMPLE = '"MO,WE,FR 19:00"'
_DAYS_HINT = f"write days as MO TU WE TH FR SA SU, e.g. {_EXAMPLE}"
_TIME_HINT = f"write times as 24-hour HH:MM, e.g. {_EXAMPLE}"
_NO_TIME_HINT = f"add one or more 24-hour times after the days, e.g. {_EXAMPLE}"
_ORDER_HINT = f"write the days first, then the times; one entry per group of days, e.g. {_EXAMPLE}"
_EMPTY_HINT = (
    f"write days and times such as {_EXAMPLE}, "
    'or an RRULE such as "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0"'
)


def _cadence_days(token: str, text: str) -> tuple[int, ...]:
    word = token.lower()
    if word in _GROUP_WORDS:
        return _GROUP_WORDS[word]
    if word in _DAY_WORDS:
        return (_DAY_WORDS[word],)
    first, dash, last = word.partition("-")
    if dash and first in _DAY_WORDS and last in _DAY_WORDS:
        # A range may wrap round the week: "FR-MO" is Friday to Monday.
        length = (_DAY_WORDS[last] - _DAY_WORDS[first]) % 7 + 1
        return tuple((_DAY_WORDS[first] + step) % 7 for step in range(length))
    raise CadenceError(f"unknown day {token!r} in {text!r}", _DAYS_HINT)


def _cadence_time(token: str, text: str) -> dt.time:
    match = _TIME.fullmatch(token)
    if match is None:
        raise CadenceError(f"bad time {token!r} in {text!r}", _TIME_HINT)
    hour, minute = int(match[1]), int(match[2])
    if hour > 23:
        raise CadenceError(f"bad time {token!r} in {text!r}: hours go from 0 to 23", _TIME_HINT)
    if minute > 59:
        raise CadenceError(f"bad time {token!r} in {text!r}: minutes go from 00 to 59", _TIME_HINT)
    return dt.time(hour, minute)


def _parse_cadence(text: str) -> SlotRule:
    tokens = _SEPARATORS.split(_SPACED_DASH.sub("-", text))
    days: set[int] = set()
    times: set[dt.time] = set()
    for token in tokens:
        if not token or token.lower() in _FILLER:
            continue
        if token[0].isdigit():
            times.add(_cadence_time(token, text))
        elif not times:
            days.update(_cadence_days(token, text))
        elif token.lower() in _DAY_WORDS or token.lower() in _GROUP_WORDS:
            raise CadenceError(f"day {token!r} after the times in {text!r}", _ORDER_HINT)
        else:
            raise CadenceError(f"unexpected {token!r} after the times in {text!r}", _TIME_HINT)
    if not times:
        raise CadenceError(f"no time in {text!r}", _NO_TIME_HINT)
    # Times alone ("19:00") are a daily slot: nothing else could be meant.
    return SlotRule(
        text=text, weekdays=tuple(sorted(days or _EVERY_DAY)), times=tuple(sorted(times))
    )


# ---------------------------------------------------------------------------------------
# RRULEs

_RRULE_EXAMPLE = '"FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0"'
_RRULE_HINT = f"write an RFC 5545 RRULE, e.g. {_RRULE_EXAMPLE}"
_FREQ_HINT = f"start it with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY, e.g. {_RRULE_EXAMPLE}"
_DTSTART_EXAMPLE = '"DTSTART:20260105T090000 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"'
_DTSTART_HINT = f"put a local DTSTART before the rule, e.g. {_DTSTART_EXAMPLE}"
_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_SUBDAILY = ("HOURLY", "MINUTELY", "SECONDLY")
_PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYMONTH",
    "BYWEEKNO",
    "BYYEARDAY",
    "BYMONTHDAY",
    "BYDAY",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
    "BYSETPOS",
    "WKST",
)
# Allowed magnitudes of each numeric list part, and whether it may count from the end.
_NUMBER_PARTS: Mapping[str, tuple[int, int, bool]] = {
    "BYSECOND": (0, 59, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
}
_DAY_SELECTORS = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")
_NUMBER = re.compile(r"[+-]?\d{1,4}")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_STAMP = re.compile(r"(\d{8})(?:T(\d{6})(Z?))?")
_SPACED_PUNCTUATION = re.compile(r"\s*([;,=:])\s*")
# Empty rules are looked for near the end of the calendar, where dateutil stops on its own;
# the Gregorian calendar repeats every 400 years, so nothing about the rule changes.
_PROBE_YEAR = 9900
_CYCLE_YEARS = 400


def _is_rrule(text: str) -> bool:
    return "=" in text or text.lstrip().upper().startswith(("RRULE", "DTSTART"))


def _split_parts(body: str, text: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for piece in body.split(";"):
        if not piece:
            continue  # a trailing ";" is common and harmless
        name, equals, value = piece.partition("=")
        if not equals or not name or not value:
            raise CadenceError(f"{piece!r} is not a NAME=VALUE part in {text!r}", _RRULE_HINT)
        if name not in _PARTS:
            raise CadenceError(
                f"unknown RRULE part {name!r} in {text!r}",
                f"use {', '.join(_PARTS)}; e.g. {_RRULE_EXAMPLE}",
            )
        if name in parts:
            raise CadenceError(f"RRULE part {name!r} given twice in {text!r}", _RRULE_HINT)
        parts[name] = value
    return parts


def _stamp(value: str, what: str, text: str, hint: str) -> tuple[dt.datetime, bool, bool]:
    """Read ``YYYYMMDD[THHMMSS[Z]]``: the date-time, whether it had a time, whether UTC."""
    match = _STAMP.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        day = dt.datetime.strptime(match[1], "%Y%m%d")  # noqa: DTZ007 - a local wall time
        clock = dt.datetime.strptime(match[2] or "000000", "%H%M%S")  # noqa: DTZ007 - ditto
    except ValueError:
        raise CadenceError(f"bad {what} {value!r} in {text!r}", hint) from None
    stamp = day.replace(hour=clock.hour, minute=clock.minute, second=clock.second)
    return stamp, match[2] is not None, bool(match[3])


def _check_numbers(name: str, value: str, text: str) -> None:
    low, high, signed = _NUMBER_PARTS[name]
    allowed = f"from {low} to {high}" + (f" or -{high} to -1" if signed else "")
    for item in value.split(","):
        number = int(item) if _NUMBER.fullmatch(item) else None
        if number is None or not (low <= abs(number) <= high) or (number < 0 and not signed):
            raise CadenceError(
                f"bad {name} {value!r} in {text!r}: use whole numbers {allowed}", _RRULE_HINT
            )


def _check_byday(value: str, frequency: str, text: str) -> None:
    for item in value.split(","):
        match = _BYDAY.fullmatch(item)
        if match is None or (match[1] is not None and not 1 <= abs(int(match[1])) <= 53):
            raise CadenceError(
                f"bad BYDAY {item!r} in {text!r}",
                f"write days as MO TU WE TH FR SA SU, with an optional position such as "
                f"1MO or -1FR, e.g. {_RRULE_EXAMPLE}",
            )
        if match[1] is not None and frequency not in ("MONTHLY", "YEARLY"):
            raise CadenceError(
                f"BYDAY {item!r} has a position, which needs FREQ=MONTHLY or FREQ=YEARLY, "
                f"in {text!r}",
                f"drop the number or change FREQ, e.g. {_RRULE_EXAMPLE}",
            )


def _check_parts(
    parts: Mapping[str, str], dtstart: dt.datetime | None, has_clock: bool, text: str
) -> None:
    frequency = parts.get("FREQ")
    if frequency is None:
        raise CadenceError(f"RRULE {text!r} has no FREQ", _FREQ_HINT)
    if frequency in _SUBDAILY:
        raise CadenceError(
            f"FREQ={frequency} in {text!r} repeats more often than daily",
            "use FREQ=DAILY and list the times with BYHOUR and BYMINUTE, e.g. "
            '"FREQ=DAILY;BYHOUR=9,13,17;BYMINUTE=0"',
        )
    if frequency not in _FREQUENCIES:
        raise CadenceError(f"unknown FREQ {frequency!r} in {text!r}", _FREQ_HINT)
    for name, value in parts.items():
        if name in _NUMBER_PARTS:
            _check_numbers(name, value, text)
        elif name in ("INTERVAL", "COUNT") and not (value.isdigit() and int(value) > 0):
            raise CadenceError(
                f"bad {name} {value!r} in {text!r}: use a whole number from 1", _RRULE_HINT
            )
        elif name == "BYDAY":
            _check_byday(value, frequency, text)
        elif name == "WKST" and value not in _DAY_CODES:
            raise CadenceError(f"bad WKST {value!r} in {text!r}", _DAYS_HINT)
    if "COUNT" in parts and "UNTIL" in parts:
        raise CadenceError(f"RRULE {text!r} has both COUNT and UNTIL", "keep only one of them")
    if dtstart is None:
        # Without DTSTART these would depend on which window is expanded; RFC 5545 takes
        # them from DTSTART, so ask for one rather than invent it.
        if "COUNT" in parts:
            raise CadenceError(f"COUNT in {text!r} needs a DTSTART to count from", _DTSTART_HINT)
        if int(parts.get("INTERVAL", "1")) != 1:
            raise CadenceError(
                f"INTERVAL={parts['INTERVAL']} in {text!r} needs a DTSTART to count from",
                _DTSTART_HINT,
            )
        if frequency != "DAILY" and not any(name in parts for name in _DAY_SELECTORS):
            raise CadenceError(
                f"FREQ={frequency} in {text!r} does not say on which days",
                f"add BYDAY or BYMONTHDAY, e.g. {_RRULE_EXAMPLE}",
            )
    if "BYHOUR" not in parts and not has_clock:
        raise CadenceError(
            f"RRULE {text!r} gives no time of day",
            f"add BYHOUR (and BYMINUTE), e.g. {_RRULE_EXAMPLE}",
        )


def _period_start(day: dt.date, frequency: str, week_start: int) -> dt.datetime:
    """Local midnight starting the RRULE period that holds `day`.

    Expanding from a period start keeps BYSETPOS counting whole weeks, months and years.
    """
    if frequency == "YEARLY":
        day = day.replace(month=1, day=1)
    elif frequency == "MONTHLY":
        day = day.replace(day=1)
    elif frequency == "WEEKLY":
        day -= dt.timedelta(days=(day.weekday() - week_start) % 7)
    return dt.datetime(day.year, day.month, day.day)  # noqa: DTZ001 - a local wall time


def _compile(rule: SlotRule, anchor: dt.datetime, *, counted: bool = True) -> Iterator[dt.datetime]:
    """Iterate the RRULE's naive wall times from `anchor` (its DTSTART)."""
    body = rule.rrule or ""
    if "WKST=" not in body:
        # dateutil would otherwise use calendar.firstweekday(), a process-wide setting.
        body += ";WKST=MO"
    if not counted:
        body = ";".join(part for part in body.split(";") if not part.startswith("COUNT="))
    return iter(rrulestr(body, dtstart=anchor))


def _anchor(rule: SlotRule, day: dt.date) -> dt.datetime:
    if rule.dtstart is not None:
        return rule.dtstart
    parts = _split_parts(rule.rrule or "", rule.text)
    return _period_start(day, parts["FREQ"], _DAY_CODES.index(parts.get("WKST", "MO")))


def _probe_anchor(rule: SlotRule) -> dt.datetime:
    if rule.dtstart is None:
        return _anchor(rule, dt.date(_PROBE_YEAR, 1, 1))
    cycles = max(0, (_PROBE_YEAR - 1 - rule.dtstart.year) // _CYCLE_YEARS)
    return rule.dtstart.replace(year=rule.dtstart.year + cycles * _CYCLE_YEARS)


def _parse_rrule(text: str) -> SlotRule:
    tidy = _SPACED_PUNCTUATION.sub(r"\1", text.strip()).upper()
    body: str | None = None
    dtstart: dt.datetime | None = None
    has_clock = False
    for line in tidy.split():
        # Bare parts ("FREQ=...") are the RRULE itself; others are NAME[;PARAMS]:VALUE.
        name, _, value = line.partition(":") if ":" in line else ("RRULE", "", line)
        head = name.split(";")[0]
        if head == "DTSTART":
            if dtstart is not None:
                raise CadenceError(f"more than one DTSTART in {text!r}", _DTSTART_HINT)
            zoned = "TZID=" in name or value.endswith("Z")
            if zoned:
                raise CadenceError(
                    f"DTSTART in {text!r} has a time zone",
                    f"write it as local time; slots use the platform's zone, "
                    f"e.g. {_DTSTART_EXAMPLE}",
                )
            dtstart, has_clock, _ = _stamp(value, "DTSTART", text, _DTSTART_HINT)
        elif head == "RRULE":
            if not value:
                raise CadenceError(f"RRULE {text!r} has no parts", _RRULE_HINT)
            if body is not None:
                raise CadenceError(
                    f"more than one RRULE in {text!r}", "write each rule as its own slot entry"
                )
            body = value
        else:
            raise CadenceError(
                f"unsupported {head!r} in {text!r}",
                "a slot entry is one RRULE with an optional DTSTART; "
                "skip dates with blackout days instead",
            )
    if body is None:
        raise CadenceError(f"no RRULE in {text!r}", _RRULE_HINT)
    parts = _split_parts(body, text)
    _check_parts(parts, dtstart, has_clock, text)
    until: dt.datetime | None = None
    if "UNTIL" in parts:
        until_hint = f"write UNTIL as YYYYMMDD or YYYYMMDDTHHMMSS[Z], e.g. {_RRULE_EXAMPLE}"
        until, until_has_clock, in_utc = _stamp(parts.pop("UNTIL"), "UNTIL", text, until_hint)
        if in_utc:
            until = until.replace(tzinfo=UTC)
        elif not until_has_clock:
            # A date alone means "up to and including that day", whatever the slot's time.
            until = until.replace(hour=23, minute=59, second=59)
    rule = SlotRule(
        text=text,
        rrule=";".join(f"{name}={value}" for name, value in parts.items()),
        dtstart=dtstart,
        until=until,
    )
    try:
        # A rule whose parts never meet (BYMONTH=2;BYMONTHDAY=30) would make dateutil search
        # to year 9999 on every expansion, so it is refused here, where it is cheap to tell.
        never = next(_compile(rule, _probe_anchor(rule), counted=False), None) is None
    except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
        raise CadenceError(f"invalid RRULE {text!r}: {exc}", _RRULE_HINT) from None
    if never:
        raise CadenceError(
            f"RRULE {text!r} never gives a slot",
            "check that its BY... parts can all hold on one real date "
            "(BYMONTH=2 with BYMONTHDAY=30 cannot)",
        )
    return rule


# ---------------------------------------------------------------------------------------
# Public API


def parse_slot(text: str) -> SlotRule:
    """Read one ``slots`` entry: a cadence such as ``"MO,WE,FR 19:00"`` or an RRULE.

    Cadence: days (``MO``, ``mon``, ``monday``, ranges such as ``MO-FR``, or ``daily``,
    ``weekdays``, ``weekends``), then one or more 24-hour ``H:MM`` times; case, commas and
    the words ``every``, ``at`` and ``and`` do not matter, so ``"Mon, Wed at 9:00"`` (what
    :func:`describe` writes) reads too. Times alone mean every day.

    RRULE: RFC 5545 parts with an optional ``RRULE:`` prefix, optionally after
    ``DTSTART:YYYYMMDDTHHMMSS`` (local time, no zone), e.g.
    ``"FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0"``. FREQ must be DAILY, WEEKLY, MONTHLY or
    YEARLY; the time of day comes from BYHOUR/BYMINUTE (minute 0 by default) or DTSTART.
    INTERVAL above 1 and COUNT need a DTSTART; UNTIL may be local, UTC (``Z``) or a date.

    Raises:
        CadenceError: the entry cannot be read; `message` and `hint` say why and how.
    """
    return _parse(text)


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> SlotRule:
    # Cached because the scheduler parses every platform's entries on every run, and an
    # RRULE costs a probe; rules are immutable, so sharing them is safe.
    if not text.strip():
        raise CadenceError("empty slot entry", _EMPTY_HINT)
    if _is_rrule(text):
        return _parse_rrule(text)
    return _parse_cadence(text)


def most_per_day(rule: SlotRule) -> int:
    """The most slots `rule` can give on one day: an upper bound, cheap to tell.

    >>> most_per_day(parse_slot("MO,WE,FR 9:00 19:00"))
    2
    >>> most_per_day(parse_slot("FREQ=DAILY;BYHOUR=9,13,17;BYMINUTE=0,30"))
    6
    """
    if rule.rrule is None:
        return len(rule.times)
    parts = dict(part.split("=", 1) for part in rule.rrule.split(";") if "=" in part)
    count = 1
    for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if name in parts:
            count *= len(set(parts[name].split(",")))
    return count


def slot_times(
    rules: Sequence[SlotRule], *, timezone: str, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """Every slot of `rules` in ``[start, end)``: sorted, unique, aware in `timezone`.

    Slots are wall-clock times in `timezone`. A slot that falls in a spring-forward gap moves
    to the first instant after the gap; one in a fall-back fold means its first occurrence.
    `start` and `end` may be in any zone.

    Raises:
        ValueError: `start` or `end` is naive, or `timezone` is not an IANA zone.
    """
    for name, moment in (("start", start), ("end", end)):
        if moment.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime, got {moment!r}")
    zone = get_zone(timezone)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    if not rules or end_utc <= start_utc:
        return []
    first_day = start_utc.astimezone(zone).toordinal()
    last_day = end_utc.astimezone(zone).toordinal()
    # One day of margin: a gap can push a late slot of the day before past midnight.
    first_ordinal = max(first_day - 1, 1)
    changes = _clock_change_days(timezone, first_ordinal, last_day)
    weekly = _weekly_deltas(tuple(rules))
    extra = _rrule_deltas(rules, zone, first_ordinal, last_day)
    # Days that need care: the window's edges, clock changes, and RRULE days. Every other
    # day is a plain copy of the week template, which is where nearly all slots come from.
    careful = sorted({first_ordinal, first_day, last_day, *changes, *extra})

    has_week = any(weekly)
    slots: list[dt.datetime] = []
    run_start = first_ordinal
    for ordinal in careful:
        if has_week:
            _copy_weeks(slots, weekly, zone, run_start, ordinal)
        run_start = ordinal + 1
        deltas = weekly[(ordinal + 6) % 7]
        if ordinal in extra:
            deltas = tuple(sorted(extra[ordinal].union(deltas)))
        if not deltas:
            continue
        if ordinal in changes:
            wall = _local_midnight(ordinal)
            moments = [localize(wall + delta, zone) for delta in deltas]
        else:
            midnight = _local_midnight(ordinal, zone)
            moments = [midnight + delta for delta in deltas]
        if first_day < ordinal < last_day and ordinal not in changes:
            slots.extend(moments)  # an RRULE day: wholly inside, nothing moved
            continue
        for moment in moments:
            # Several times in one gap land on the same instant; walls are visited in order
            # and localizing is monotonic, so comparing with the last slot is enough.
            if start_utc <= moment < end_utc and not (slots and moment <= slots[-1]):
                slots.append(moment)
    if has_week:
        _copy_weeks(slots, weekly, zone, run_start, last_day + 1)
    return slots


def describe(rule: SlotRule) -> str:
    """Read a rule in words for schedules and docs, e.g. ``"Mon, Wed, Fri at 19:00"``.

    RRULEs with parts that have no short reading (BYSETPOS, BYYEARDAY, BYWEEKNO, or BYDAY
    together with BYMONTHDAY) come back as ``"RRULE "`` and the rule.
    """
    if rule.rrule is None:
        return f"{_describe_days(rule.weekdays)} at {_and(_clock(t) for t in rule.times)}"
    return _describe_rrule(rule)


# ---------------------------------------------------------------------------------------
# Expansion

_ONE_WEEK = dt.timedelta(days=7)


@functools.lru_cache(maxsize=256)
def _clock_change_days(timezone: str, first_ordinal: int, last_ordinal: int) -> frozenset[int]:
    """The local days from `first_ordinal` to `last_ordinal` with a UTC offset change.

    Cached: the scheduler expands thousands of rules over the same zones and window.
    """
    zone = get_zone(timezone)
    offsets: list[dt.timedelta | None] = []
    for ordinal in range(first_ordinal, last_ordinal + 2):
        midnight = _local_midnight(ordinal, zone)
        first = midnight.utcoffset()
        second = zone.utcoffset(midnight.replace(fold=1))
        offsets.append(first if first == second else None)  # None: midnight itself moves
    # The same offset at both midnights means no change in between: no zone changes its
    # offset twice within one day.
    return frozenset(
        first_ordinal + index
        for index in range(len(offsets) - 1)
        if offsets[index] is None or offsets[index] != offsets[index + 1]
    )


def _local_midnight(ordinal: int, zone: dt.tzinfo | None = None) -> dt.datetime:
    """Midnight starting a local day; naive without `zone`."""
    day = dt.date.fromordinal(ordinal)
    # Positional arguments: several times faster than replace(tzinfo=...) on CPython 3.11.
    return dt.datetime(day.year, day.month, day.day, 0, 0, 0, 0, zone)


@functools.lru_cache(maxsize=1024)
def _week_steps(
    weekly: tuple[tuple[dt.timedelta, ...], ...], first_weekday: int
) -> tuple[dt.timedelta, ...]:
    """Offsets from a midnight to each slot of the 7 days from there; day one is `first_weekday`."""
    return tuple(
        dt.timedelta(days=index) + delta
        for index in range(7)
        for delta in weekly[(first_weekday + index) % 7]
    )


def _copy_weeks(
    slots: list[dt.datetime],
    weekly: tuple[tuple[dt.timedelta, ...], ...],
    zone: dt.tzinfo,
    first_ordinal: int,
    stop_ordinal: int,
) -> None:
    """Append the week template's slots for days `first_ordinal` up to `stop_ordinal`.

    Only for days inside the window without a clock change, where a slot is its local
    midnight plus its time: aware + timedelta is wall-clock arithmetic. This is the hot path
    (one addition per slot), so whole weeks go through one list comprehension.
    """
    if stop_ordinal <= first_ordinal:
        return
    steps = _week_steps(weekly, (first_ordinal + 6) % 7)
    base = _local_midnight(first_ordinal, zone)
    weeks, days = divmod(stop_ordinal - first_ordinal, 7)
    for _ in range(weeks):
        slots.extend([base + step for step in steps])
        base += _ONE_WEEK
    cut = bisect.bisect_left(steps, dt.timedelta(days=days))
    slots.extend([base + step for step in steps[:cut]])


def _delta(moment: dt.datetime | dt.time) -> dt.timedelta:
    return dt.timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second)


@functools.lru_cache(maxsize=1024)
def _weekly_deltas(rules: tuple[SlotRule, ...]) -> tuple[tuple[dt.timedelta, ...], ...]:
    """The cadences merged into one week: times after midnight for each weekday."""
    week: list[set[dt.timedelta]] = [set() for _ in range(7)]
    for rule in rules:
        if rule.rrule is None:
            deltas = [_delta(time) for time in rule.times]
            for weekday in rule.weekdays:
                week[weekday].update(deltas)
    return tuple(tuple(sorted(day)) for day in week)


def _rrule_deltas(
    rules: Sequence[SlotRule], zone: dt.tzinfo, first_ordinal: int, last_ordinal: int
) -> dict[int, set[dt.timedelta]]:
    """The RRULEs' times after midnight on days `first_ordinal` to `last_ordinal`, by day."""
    days: dict[int, set[dt.timedelta]] = {}
    for rule in rules:
        if rule.rrule is None:
            continue
        until = rule.until if rule.until is not None and rule.until.tzinfo is not None else None
        for ordinal, delta in _rrule_walls(rule, first_ordinal, last_ordinal):
            # An UNTIL instant needs the zone, so it is applied here, after the cache.
            if until is not None and localize(_local_midnight(ordinal) + delta, zone) > until:
                break
            days.setdefault(ordinal, set()).add(delta)
    return days


@functools.lru_cache(maxsize=1024)
def _rrule_walls(
    rule: SlotRule, first_ordinal: int, last_ordinal: int
) -> tuple[tuple[int, dt.timedelta], ...]:
    """An RRULE's wall times on local days `first_ordinal` to `last_ordinal`: (day, time).

    Cached: dateutil takes microseconds a slot, and plans repeat the same rules and windows.
    """
    low = dt.datetime.fromordinal(first_ordinal)
    high = dt.datetime.fromordinal(last_ordinal + 1)
    if rule.until is not None and rule.until.tzinfo is None:
        high = min(high, rule.until + dt.timedelta(microseconds=1))  # UNTIL is inclusive
    walls = []
    for wall in _compile(rule, _anchor(rule, low.date())):
        if wall >= high:
            break
        if wall >= low:
            walls.append((wall.toordinal(), _delta(wall)))
    return tuple(walls)


# ---------------------------------------------------------------------------------------
# Descriptions

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_POSITIONS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


def _and(words: Iterator[str] | Sequence[str]) -> str:
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _clock(moment: dt.time | dt.datetime) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def _describe_days(weekdays: tuple[int, ...]) -> str:
    named = {_EVERY_DAY: "Daily", _WEEKDAYS: "Weekdays", _WEEKEND: "Weekends"}
    return named.get(weekdays) or ", ".join(_DAY_SHORT[day] for day in weekdays)


def _nth(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def _position(number: int) -> str:
    if number in _POSITIONS:
        return _POSITIONS[number]
    return _nth(number) if number > 0 else f"{_nth(-number)}-to-last"


def _describe_rrule(rule: SlotRule) -> str:
    parts = _split_parts(rule.rrule or "", rule.text)
    plain = f"RRULE {rule.rrule}"
    if any(name in parts for name in ("BYSETPOS", "BYYEARDAY", "BYWEEKNO")) or (
        "BYDAY" in parts and "BYMONTHDAY" in parts
    ):
        words = [plain]
    else:
        unit, interval = _UNITS[parts["FREQ"]], int(parts.get("INTERVAL", "1"))
        words = [f"{parts['FREQ'].capitalize()}" if interval == 1 else f"Every {interval} {unit}s"]
        if "BYMONTH" in parts:
            words.append("in " + _and([_MONTHS[int(n) - 1] for n in parts["BYMONTH"].split(",")]))
        if "BYDAY" in parts:
            words.append("on " + _describe_byday(parts["BYDAY"]))
        if "BYMONTHDAY" in parts:
            # Days of the month first, then those counted from the end: "1st and last day".
            days = sorted(
                (int(n) for n in parts["BYMONTHDAY"].split(",")), key=lambda n: (n < 0, n)
            )
            words.append("on the " + _and([_position(n) if n < 0 else _nth(n) for n in days]))
            if days[-1] < 0:
                words.append("day")
        words.append("at " + _and(_rrule_clocks(parts, rule.dtstart)))
    tail = []
    if rule.dtstart is not None:
        tail.append(f"from {rule.dtstart:%Y-%m-%d}")
    if "COUNT" in parts:
        tail.append(f"{parts['COUNT']} times")
    if rule.until is not None:
        zone = " UTC" if rule.until.tzinfo is not None else ""
        tail.append(f"until {rule.until:%Y-%m-%d %H:%M}{zone}")
    return ", ".join([" ".join(words), *tail])


def _describe_byday(value: str) -> str:
    plain: list[str] = []
    positioned: list[str] = []
    for item in value.split(","):
        match = _BYDAY.fullmatch(item)
        if match is None:  # parse_slot checked every item; keep the raw text if not
            plain.append(item)
        elif match[1] is None:
            plain.append(_DAY_SHORT[_DAY_CODES.index(match[2])])
        else:
            day = _DAY_FULL[_DAY_CODES.index(match[2])]
            positioned.append(f"the {_position(int(match[1]))} {day}")
    return _and([*([", ".join(plain)] if plain else []), *positioned])


def _rrule_clocks(parts: Mapping[str, str], dtstart: dt.datetime | None) -> list[str]:
    def values(name: str, default: int) -> list[int]:
        return sorted({int(n) for n in parts[name].split(",")}) if name in parts else [default]

    start = dtstart or dt.datetime(2000, 1, 1)  # noqa: DTZ001 - only its clock is read
    return [
        _clock(dt.time(hour, minute, second))
        for hour in values("BYHOUR", start.hour)
        for minute in values("BYMINUTE", start.minute)
        for second in values("BYSECOND", start.second)
    ]
