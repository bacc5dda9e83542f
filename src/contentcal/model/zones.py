"""Time zones: validated lookup and the wall-clock rules for gaps and folds.

A local time that does not exist (the hour skipped when clocks spring forward) moves to the
first valid instant after the gap; an ambiguous local time (the hour repeated when clocks fall
back) means its first occurrence. Both slots and explicit ``at`` times follow these rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import zoneinfo
from typing import Any

from contentcal.hints import did_you_mean

UTC = dt.UTC


_ZONE_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")


class _TzdataZone(zoneinfo.ZoneInfo):
    """A zone read from the ``tzdata`` package; pickles and copies by its name.

    (``ZoneInfo.from_file`` zones refuse to pickle; this one unpickles to :func:`get_zone`.)
    """

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (get_zone, (str(self.key),))

    def __repr__(self) -> str:
        return f"zoneinfo.ZoneInfo(key={self.key!r})"


@functools.lru_cache(maxsize=512)
def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """Return the IANA zone `name`; raise ``ValueError`` with a suggestion when unknown.

    The zone comes from the ``tzdata`` package (a dependency) when it has it, and only
    otherwise from the machine's tz database: ``zoneinfo`` alone prefers the system's
    files, whose version differs between machines (and with it, rarely, an offset), so the
    same plan could give different bytes on two machines.
    """
    if isinstance(name, str) and _ZONE_KEY.fullmatch(name) and ".." not in name:
        zone = _from_tzdata(name)
        if zone is not None:
            return zone
    try:
        return zoneinfo.ZoneInfo(name)
    # OSError: a folder of the database such as "Asia" (IsADirectoryError, not NotFound).
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:
        raise ValueError(f"unknown time zone {name[:60]!r}") from exc


@functools.cache
def _tzdata_folder() -> str | None:
    """The folder of the installed ``tzdata`` package, when it is a folder on disk.

    Opening its files directly is what ``importlib.resources`` does for such a package, but
    ``importlib.resources`` costs ~10 ms of imports (zipfile among them) in every process.
    """
    import importlib.util  # noqa: PLC0415 - imported at start-up by Python already

    spec = importlib.util.find_spec("tzdata")
    if spec is None or not spec.origin:
        return None
    folder = os.path.dirname(spec.origin)
    return folder if os.path.isdir(folder) else None


def _from_tzdata(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        folder = _tzdata_folder()
        if folder is not None:
            with open(os.path.join(folder, "zoneinfo", *name.split("/")), "rb") as data:
                return _TzdataZone.from_file(data, key=name)
        import importlib.resources  # noqa: PLC0415 - tzdata in a zip file, or not installed

        resource = importlib.resources.files("tzdata").joinpath("zoneinfo", *name.split("/"))
        with resource.open("rb") as data:
            return _TzdataZone.from_file(data, key=name)
    except (ImportError, OSError, ValueError):
        # No tzdata, no such zone in it (or a folder such as "Asia"): ask zoneinfo.
        return None


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


def aware(moment: dt.datetime | dt.date, zone: str | dt.tzinfo) -> dt.datetime:
    """`moment` as an aware date-time: the one place a naive time gets its zone.

    An aware `moment` is returned unchanged; a naive one is wall time in `zone` (an IANA
    name or a tzinfo), with :func:`localize`'s rules for gaps and folds; a date means its
    midnight there. Scheduling, publishing, checking and the views all call this, so a
    naive ``now`` means the same moment everywhere.

    >>> aware(dt.datetime(2026, 11, 30, 8, 0), "Asia/Jakarta").isoformat()
    '2026-11-30T08:00:00+07:00'
    >>> aware(dt.date(2026, 11, 30), "Asia/Jakarta").isoformat()
    '2026-11-30T00:00:00+07:00'
    >>> aware(dt.datetime(2026, 11, 30, 1, 0, tzinfo=UTC), "Asia/Jakarta").isoformat()
    '2026-11-30T01:00:00+00:00'
    """
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    if moment.tzinfo is not None:
        return moment
    return localize(moment, get_zone(zone) if isinstance(zone, str) else zone)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(value: dt.date, *, weekday: bool = True, year: bool = False) -> str:
    """``Mon 07 Dec`` (``weekday``, ``year`` add or drop parts): English, whatever the locale.

    The one place contentcal names days and months. ``%a`` and ``%b`` follow the process's
    ``LC_TIME``, so a script that calls ``locale.setlocale`` would change the bytes of every
    schedule and review.

    >>> day_text(dt.date(2026, 12, 7))
    'Mon 07 Dec'
    >>> day_text(dt.date(2027, 3, 31), weekday=False, year=True)
    '31 Mar 2027'
    """
    text = f"{value.day:02d} {_MONTHS[value.month - 1]}"
    if weekday:
        text = f"{_WEEKDAYS[value.weekday()]} {text}"
    return f"{text} {value.year}" if year else text


def offset_text(moment: dt.datetime) -> str:
    """`moment`'s UTC offset as ``+07:00`` (``+05:45``, ``-03:30``; ``+00:00`` for UTC).

    What contentcal prints instead of a zone abbreviation such as ``WIB``: offsets are the
    same on every machine, abbreviations depend on the tz database's version.

    >>> offset_text(aware(dt.datetime(2026, 11, 29, 19, 0), "Asia/Jakarta"))
    '+07:00'
    >>> offset_text(aware(dt.datetime(2026, 11, 29, 19, 0), "America/St_Johns"))
    '-03:30'
    """
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("a naive time has no offset")
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


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
