"""Dates and times as people type them: ISO 8601, checked, with one example on a mistake.

Every date or time a person gives contentcal outside a plan file (``--now``, ``--start``,
``--end``, ``--week`` on the command line, or the same arguments from a script) goes through
this module, so every entry point accepts the same forms and answers a mistake the same way:

- a date: ``2026-12-01``;
- a date-time without an offset, with or without seconds: ``2026-12-01T08:00`` (a space
  instead of ``T`` works too) — a wall-clock time in the brand's time zone;
- a date-time with ``Z`` or an offset: ``2026-12-01T01:00Z``, ``2026-12-01T08:00+07:00`` —
  an instant, which contentcal converts to the brand's zone.

Dates must lie between :data:`EARLIEST` and :data:`LATEST`: schedules and feeds reach
months past the dates given, and those months must still be in the calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from contentcal.errors import InvalidOptionError

# The years contentcal works in have one home; re-exported for the option parser's callers.
from contentcal.model.bounds import EARLIEST, LATEST

__all__ = [
    "EARLIEST",
    "EXAMPLE",
    "LATEST",
    "LONGEST_WINDOW",
    "check_range",
    "check_window",
    "parse_iso_week",
    "parse_moment",
]

LONGEST_WINDOW: Final = dt.timedelta(days=3660)
"""The longest window a schedule or feed is computed for (ten years): every slot in it is
placed, so a typo such as ``--end 9026-12-01`` would otherwise run for minutes."""

EXAMPLE: Final = "e.g. 2026-12-01, 2026-12-01T08:00 or 2026-12-01T01:00Z"
"""The example every date mistake shows."""

_MOMENT: Final = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>[.,]\d+)?)?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)

_WEEK: Final = re.compile(r"(?P<year>\d{4})-?W(?P<week>\d{2})", re.IGNORECASE)


def parse_moment(text: str) -> dt.date | dt.datetime:
    """Read an ISO 8601 date or date-time as people type it.

    Returns a ``date`` for a date, a naive ``datetime`` for a wall-clock time (the caller's
    zone applies), an aware ``datetime`` for a time with ``Z`` or an offset.

    >>> parse_moment("2026-12-01")
    datetime.date(2026, 12, 1)
    >>> parse_moment("2026-12-01 08:00")
    datetime.datetime(2026, 12, 1, 8, 0)
    >>> parse_moment("2026-12-01T08:00:30+07:00").isoformat()
    '2026-12-01T08:00:30+07:00'
    >>> parse_moment("2026-12-01T01:00Z").isoformat()
    '2026-12-01T01:00:00+00:00'
    >>> parse_moment("01/12/2026")
    Traceback (most recent call last):
    ...
    contentcal.errors.InvalidOptionError: '01/12/2026' is not an ISO 8601 date or date-time ...

    Raises:
        InvalidOptionError: the text is not ISO 8601, not a real date or time, or outside
            :data:`EARLIEST` .. :data:`LATEST`. The message says which, with an example.
    """
    stripped = text.strip()
    if not stripped:
        raise InvalidOptionError(f"a date or date-time is needed, got nothing ({EXAMPLE})")
    match = _MOMENT.fullmatch(stripped)
    if match is None:
        raise InvalidOptionError(f"{text!r} is not an ISO 8601 date or date-time ({EXAMPLE})")
    try:
        day = dt.date.fromisoformat(match["date"])
    except ValueError as exc:
        raise InvalidOptionError(f"{text!r} is not a real date: {exc} ({EXAMPLE})") from None
    check_range(day, text)
    if match["hour"] is None:
        return day
    try:
        clock = dt.time(
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            round(float("0." + match["fraction"][1:]) * 1_000_000) if match["fraction"] else 0,
        )
        zone = _offset(match["offset"])
    except ValueError as exc:
        raise InvalidOptionError(f"{text!r} is not a real time: {exc} ({EXAMPLE})") from None
    return dt.datetime.combine(day, clock, tzinfo=zone)


def _offset(text: str | None) -> dt.tzinfo | None:
    if text is None:
        return None
    if text.upper() == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {text} is not between -23:59 and +23:59")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def check_range(day: dt.date, text: str | None = None) -> dt.date:
    """Return `day` when contentcal can plan around it; raise otherwise.

    Raises:
        InvalidOptionError: `day` is before :data:`EARLIEST` or after :data:`LATEST`.
    """
    if EARLIEST <= day <= LATEST:
        return day
    shown = repr(text) if text is not None else day.isoformat()
    raise InvalidOptionError(
        f"{shown} is outside the dates contentcal plans for "
        f"({EARLIEST.isoformat()} to {LATEST.isoformat()})"
    )


def parse_iso_week(text: str) -> dt.date:
    """The Monday of an ISO week written ``2026-W50`` (or ``2026W50``).

    >>> parse_iso_week("2026-W50")
    datetime.date(2026, 12, 7)

    Raises:
        InvalidOptionError: not an ISO week, a week the year does not have (``2026-W53``),
            or a week outside :data:`EARLIEST` .. :data:`LATEST`.
    """
    match = _WEEK.fullmatch(text.strip())
    if match is None:
        raise InvalidOptionError(f"{text!r} is not an ISO week; write it like 2026-W50")
    year, week = int(match["year"]), int(match["week"])
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise InvalidOptionError(f"{text!r} is not an ISO week; write it like 2026-W50") from None
    return check_range(monday, text)


def check_window(start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None) -> None:
    """Refuse a window whose end is not after its start (a reversed or empty window), or
    that is longer than :data:`LONGEST_WINDOW`.

    Dates compare as days; date-times as instants (naive ones as wall-clock times).

    >>> check_window(dt.date(2026, 12, 5), dt.date(2026, 12, 1))
    Traceback (most recent call last):
    ...
    contentcal.errors.InvalidOptionError: the end (2026-12-01) must be after the start (2026-12-05)

    Raises:
        InvalidOptionError: the window is reversed, empty or longer than ten years.
    """
    if start is None or end is None:
        return
    first, last = _comparable(start), _comparable(end)
    if first.tzinfo is None or last.tzinfo is None:
        first, last = first.replace(tzinfo=None), last.replace(tzinfo=None)
    if last <= first:
        raise InvalidOptionError(
            f"the end ({_shown(end)}) must be after the start ({_shown(start)})"
        )
    if last - first > LONGEST_WINDOW:
        raise InvalidOptionError(
            f"the window from {_shown(start)} to {_shown(end)} is longer than ten years; "
            f"ask for at most {LONGEST_WINDOW.days} days at a time"
        )


def _shown(value: dt.date | dt.datetime) -> str:
    """A date, or a date-time without the noise: ``2026-12-05``, ``2026-12-05T08:00+07:00``."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    return value.isoformat()


def _comparable(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())
