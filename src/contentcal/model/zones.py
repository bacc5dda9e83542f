"""Time zones: validated lookup and the wall-clock rules for gaps and folds.

A local time that does not exist (the hour skipped when clocks spring forward) moves to the
first valid instant after the gap; an ambiguous local time (the hour repeated when clocks fall
back) means its first occurrence. Both slots and explicit ``at`` times follow these rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from contentcal.hints import did_you_mean

UTC = dt.UTC


@functools.lru_cache(maxsize=512)
def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """Return the IANA zone `name`; raise ``ValueError`` with a suggestion when unknown."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@functools.lru_cache(maxsize=1)
def _all_zones() -> tuple[str, ...]:
    # available_timezones() walks the tz database on disk: do it once per process.
    return tuple(sorted(zoneinfo.available_timezones()))


def suggest_zone(name: str) -> str:
    """A hint for an unknown zone name: close IANA names, or an example."""
    zones = _all_zones()
    lowered = {zone.lower(): zone for zone in zones}
    exact = lowered.get(name.strip().lower().replace(" ", "_"))
    if exact:
        return f"did you mean {exact!r}?"
    otherwise = "use an IANA name such as 'Asia/Jakarta' or 'Europe/Berlin'"
    return did_you_mean(name, zones, otherwise=otherwise) or otherwise


def localize(naive: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Attach `zone` to a wall-clock time, resolving DST gaps and folds.

    A wall time inside a gap moves to the first instant after the gap; a wall time in a
    fold takes its first occurrence (``fold=0``).

    >>> import zoneinfo
    >>> berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    >>> localize(dt.datetime(2027, 3, 28, 2, 30), berlin).isoformat()
    '2027-03-28T03:00:00+02:00'
    >>> localize(dt.datetime(2027, 10, 31, 2, 30), berlin).isoformat()
    '2027-10-31T02:30:00+02:00'
    """
    aware = naive.replace(tzinfo=zone, fold=0)
    # A gap shows up as a wall time that does not survive a round trip through UTC.
    round_trip = aware.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) == naive:
        return aware
    return _end_of_gap(aware, zone)


def _end_of_gap(aware: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    # With fold=0 in a gap, zoneinfo uses the offset from before the transition, so this
    # instant is already past the transition; the transition itself is what we want.
    # Search back at most a day for the first instant with the new offset.
    after = aware.astimezone(UTC)
    new_offset = after.astimezone(zone).utcoffset()
    low = after - dt.timedelta(days=1)
    high = after
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == new_offset:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0).astimezone(zone)
