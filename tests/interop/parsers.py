"""Read a feed with independent parsers and report what each one understood.

Each ``parse_with_*`` function takes feed bytes and returns, per VEVENT in order, a
:class:`ParsedEvent` holding what that parser read: the UID, start and end as a UTC
instant (or a date for all-day events) and the text fields. A parser that rejects the
feed raises :class:`FeedRejectedError` naming itself and its reason.

- ``ical`` (PyPI, strict, pydantic-based; used by Home Assistant) -- it silently invents a
  missing UID, DTSTAMP or PRODID and returns an empty calendar for a truncated stream, so
  :func:`check_required_properties` reads the raw text first;
- ``vobject`` with ``validate(raiseException=True)``;
- ``ical.js`` (npm, Mozilla's, used by Thunderbird) through node, many feeds per process
  because starting node costs more than parsing a feed. It is installed outside the
  checkout by ``python -m tests.interop.setup`` (see :mod:`tests.interop.setup`).

Real subscribing clients (vdirsyncer and khal, Radicale through caldav, node-ical, libical)
are driven by tests/test_clients.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import vobject
from ical.calendar_stream import IcsCalendarStream

from tests.interop import setup
from tests.interop.setup import InteropSetupError as InteropSetupError

HERE = Path(__file__).resolve().parent


class FeedRejectedError(Exception):
    """A parser refused the feed; the message starts with the parser's name."""


@attrs.frozen
class ParsedEvent:
    """One VEVENT as a parser read it."""

    uid: str
    """The UID, unescaped."""

    start: dt.datetime | dt.date
    """DTSTART as an aware UTC datetime, or a date for an all-day event."""

    end: dt.datetime | dt.date
    """DTEND, in the same form as `start`."""

    summary: str
    """SUMMARY, unescaped ("" when absent)."""

    description: str
    """DESCRIPTION, unescaped ("" when absent)."""

    categories: tuple[str, ...]
    """Every CATEGORIES value in order."""


def _decode(parser: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FeedRejectedError(f"{parser}: not UTF-8 ({error})") from error


def _instant(value: object) -> dt.datetime | dt.date:
    """A parser's start/end value in the comparable form; floating times stay naive."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is None else value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"not a date or datetime: {value!r}")


# --- raw structure ------------------------------------------------------------------------

_UNFOLD = re.compile(r"\r?\n[ \t]")
_REQUIRED = {"VCALENDAR": ("VERSION", "PRODID"), "VEVENT": ("UID", "DTSTAMP", "DTSTART")}


def check_required_properties(data: bytes) -> None:
    """Raise FeedRejectedError unless the raw text has BEGIN/END balanced and required properties.

    This is what `ical` would otherwise paper over: it fills in UID, DTSTAMP and PRODID.
    """
    text = _UNFOLD.sub("", _decode("raw", data))
    stack: list[tuple[str, set[str]]] = []
    seen_calendar = False
    for number, line in enumerate(re.split(r"\r?\n", text), start=1):
        if not line:
            continue
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        value = line.partition(":")[2].upper()
        if name == "BEGIN":
            stack.append((value, set()))
            seen_calendar = seen_calendar or value == "VCALENDAR"
        elif name == "END":
            if not stack or stack[-1][0] != value:
                raise FeedRejectedError(f"raw: line {number}: END:{value} does not close a BEGIN")
            component, properties = stack.pop()
            for required in _REQUIRED.get(component, ()):
                if required not in properties:
                    raise FeedRejectedError(
                        f"raw: {component} ending on line {number} has no {required}"
                    )
        elif stack:
            stack[-1][1].add(name)
    if stack:
        raise FeedRejectedError(f"raw: {stack[-1][0]} is never closed (truncated feed?)")
    if not seen_calendar:
        raise FeedRejectedError("raw: no VCALENDAR")


# --- the parsers --------------------------------------------------------------------------


def parse_with_ical(data: bytes) -> list[ParsedEvent]:
    """Read the feed with `ical` after the raw required-property check."""
    text = _decode("ical", data)
    check_required_properties(data)
    try:
        calendar = IcsCalendarStream.calendar_from_ics(text)
    except Exception as error:  # ical raises pydantic and its own errors alike
        raise FeedRejectedError(f"ical: {type(error).__name__}: {error}") from error
    return [
        ParsedEvent(
            uid=str(event.uid),
            start=_instant(event.dtstart),
            end=_instant(event.dtend),
            summary=event.summary or "",
            description=event.description or "",
            categories=tuple(event.categories),
        )
        for event in calendar.events
    ]


def parse_with_vobject(data: bytes) -> list[ParsedEvent]:
    """Read the feed with vobject and run its validation with exceptions on."""
    text = _decode("vobject", data)
    try:
        calendar = vobject.readOne(text)
        calendar.validate(raiseException=True)
        events = list(calendar.contents.get("vevent", []))
        parsed = []
        for event in events:
            contents = event.contents
            categories: list[str] = []
            for line in contents.get("categories", []):
                categories.extend(line.value)
            parsed.append(
                ParsedEvent(
                    uid=event.uid.value,
                    start=_instant(event.dtstart.value),
                    end=_instant(event.dtend.value),
                    summary=contents["summary"][0].value if "summary" in contents else "",
                    description=(
                        contents["description"][0].value if "description" in contents else ""
                    ),
                    categories=tuple(categories),
                )
            )
    except Exception as error:  # vobject raises many unrelated exception types
        raise FeedRejectedError(f"vobject: {type(error).__name__}: {error}") from error
    return parsed


def _icaljs_value(value: dict[str, object]) -> dt.datetime | dt.date:
    kind, raw = value["kind"], value["value"]
    if kind == "date" and isinstance(raw, str):
        return dt.date.fromisoformat(raw)
    if kind == "utc" and isinstance(raw, int | float):
        return dt.datetime.fromtimestamp(raw, dt.UTC)
    raise ValueError(f"unexpected ical.js time {value!r}")


def parse_many_with_icaljs(feeds: Sequence[bytes]) -> list[list[ParsedEvent] | FeedRejectedError]:
    """Read every feed with ical.js in one node process; a rejection is returned, not raised.

    Raises:
        InteropSetupError: node or ical.js is missing.
        RuntimeError: the node script itself failed.
    """
    node = setup.node()
    payload = json.dumps([base64.b64encode(feed).decode("ascii") for feed in feeds])
    completed = subprocess.run(
        [node, str(setup.script("icaljs_parse.mjs"))],
        input=payload,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"ical.js script failed ({completed.returncode}): {completed.stderr}")
    results: list[list[ParsedEvent] | FeedRejectedError] = []
    for result in json.loads(completed.stdout):
        if "error" in result:
            results.append(FeedRejectedError(f"ical.js: {result['error']}"))
            continue
        results.append(
            [
                ParsedEvent(
                    uid=event["uid"],
                    start=_icaljs_value(event["start"]),
                    end=_icaljs_value(event["end"]),
                    summary=event["summary"],
                    description=event["description"],
                    categories=tuple(event["categories"]),
                )
                for event in result["events"]
            ]
        )
    return results


def parse_with_icaljs(data: bytes) -> list[ParsedEvent]:
    """Read one feed with ical.js (see :func:`parse_many_with_icaljs` for many)."""
    (result,) = parse_many_with_icaljs([data])
    if isinstance(result, FeedRejectedError):
        raise result
    return result


PARSERS: dict[str, Callable[[bytes], list[ParsedEvent]]] = {
    "ical": parse_with_ical,
    "vobject": parse_with_vobject,
    "ical.js": parse_with_icaljs,
}
"""Every independent parser by name, each taking one feed."""
