"""The range of dates and durations contentcal works in, so date arithmetic never overflows.

Python's dates end at year 1 and year 9999, and an aware time near either end overflows as
soon as it is converted to another zone. A social-media calendar has no use for either end,
so every moment that enters the core (``at`` in a plan, ``now``, a view's start and end) must
lie between :data:`EARLIEST` and :data:`LATEST`, and every duration (``[schedule] horizon``,
``[feeds] ahead``, ``min_gap``...) is at most :data:`LONGEST`. With those bounds, any moment
plus or minus any duration stays far inside what Python can represent.
"""

from __future__ import annotations

import datetime as dt

from contentcal.errors import InvalidOptionError

__all__ = ["EARLIEST", "LATEST", "LONGEST", "check_date", "check_days", "clamp_add"]

EARLIEST = dt.date(1900, 1, 1)
"""The first day contentcal accepts."""

LATEST = dt.date(2999, 12, 31)
"""The last day contentcal accepts."""

LONGEST = dt.timedelta(days=36525)
"""The longest duration contentcal accepts (100 years)."""

_FIRST = dt.datetime(1800, 1, 1, tzinfo=dt.UTC)
_LAST = dt.datetime(3200, 1, 1, tzinfo=dt.UTC)


def check_date(value: dt.date, what: str) -> None:
    """Raise :class:`~contentcal.errors.InvalidOptionError` when `value` is out of range.

    `what` names the value in the message, e.g. ``"--now"`` or ``"the start"``.

    >>> check_date(dt.date(9999, 12, 31), "now")
    Traceback (most recent call last):
    ...
    contentcal.errors.InvalidOptionError: now 9999-12-31 is out of range; use a date from ...
    """
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise InvalidOptionError(
            f"{what} {day.isoformat()} is out of range; "
            f"use a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}"
        )


def check_days(days: int, what: str = "days", *, most: int = LONGEST.days) -> None:
    """Raise :class:`~contentcal.errors.InvalidOptionError` unless ``1 <= days <= most``."""
    if not 1 <= days <= most:
        raise InvalidOptionError(f"{what} must be from 1 to {most}, got {days}")


def clamp_add(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """``moment + delta`` for an aware `moment`, with `delta` held to :data:`LONGEST` either
    way and the result inside years 1800..3200, instead of overflowing (for library callers
    that build settings without the loader's checks)."""
    delta = max(-LONGEST, min(delta, LONGEST))
    utc = moment.astimezone(dt.UTC)
    room_after, room_before = _LAST - utc, _FIRST - utc
    if delta > room_after:
        return _LAST.astimezone(moment.tzinfo)
    if delta < room_before:
        return _FIRST.astimezone(moment.tzinfo)
    return moment + delta
