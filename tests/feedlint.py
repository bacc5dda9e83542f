"""A lint for subscription feeds: what calendar clients trip over and no parser checks.

``lint(data)`` returns a list of problems (``"line 12: ..."``); an empty list means clean.
Parsers are lenient about exactly the things that make Google drop a whole feed update or
Outlook shift times, so this reads the bytes itself:

- CRLF line ends only, valid UTF-8, every physical line at most 75 octets;
- one VCALENDAR with ``VERSION:2.0`` and ``PRODID``, no ``METHOD``, at least one component;
- ``REFRESH-INTERVAL`` with ``VALUE=DURATION`` and ``X-PUBLISHED-TTL`` as RFC 5545 durations;
- per VEVENT: ``UID`` (unique in the feed), ``DTSTAMP`` in UTC, ``DTSTART``, not both
  ``DTEND`` and ``DURATION``, ``DTEND`` after ``DTSTART`` with the same value type, a valid
  ``STATUS``;
- no floating DATE-TIME, UTC for ``DTSTAMP``/``LAST-MODIFIED``/``CREATED``, every ``TZID``
  backed by a ``VTIMEZONE``;
- per VALARM: ``ACTION`` and ``TRIGGER``, and ``DESCRIPTION`` for a display alarm.
"""

from __future__ import annotations

import re

import attrs

MAX_OCTETS = 75
# RFC 5545 §3.3.6: "PT1H5S" is not a duration (an hour must be followed by minutes before
# seconds), which is why writers spell it "PT1H0M5S".
_TIME = r"T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S)"
DURATION = re.compile(rf"[+-]?P(?:\d+W|\d+D(?:{_TIME})?|{_TIME})")
DATE = re.compile(r"\d{8}")
DATE_TIME = re.compile(r"\d{8}T\d{6}Z?")
_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAM = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)')
_WITH_TIME = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")
_UTC_ONLY = ("DTSTAMP", "LAST-MODIFIED", "CREATED")
_EVENT_STATUSES = ("TENTATIVE", "CONFIRMED", "CANCELLED")


@attrs.frozen
class _Line:
    number: int
    name: str
    params: dict[str, str]
    value: str


@attrs.define
class _Component:
    name: str
    line: int
    properties: list[_Line] = attrs.Factory(list)
    children: list[_Component] = attrs.Factory(list)

    def all(self, name: str) -> list[_Line]:
        return [line for line in self.properties if line.name == name]

    def first(self, name: str) -> _Line | None:
        found = self.all(name)
        return found[0] if found else None


_PHYSICAL_LINE = re.compile(rb"([^\r\n]*)(\r\n|\n|\r|$)")


def _physical(data: bytes, problems: list[str]) -> list[tuple[int, str]]:
    """Check the bytes line by line; return (line number, text) of each physical line."""
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append("line 1: starts with a UTF-8 byte-order mark")
    lines: list[tuple[int, str]] = []
    position = 0
    number = 0
    while position < len(data):
        match = _PHYSICAL_LINE.match(data, position)
        assert match is not None  # the pattern matches the empty string
        raw, end = match.groups()
        position = match.end()
        number += 1
        if end == b"\n":
            problems.append(f"line {number}: bare LF (lines must end with CRLF)")
        elif end == b"\r":
            problems.append(f"line {number}: bare CR (lines must end with CRLF)")
        elif end == b"":
            problems.append(f"line {number}: the last line does not end with CRLF")
        if len(raw) > MAX_OCTETS:
            problems.append(f"line {number}: {len(raw)} octets, more than {MAX_OCTETS}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(f"line {number}: not valid UTF-8 ({error.reason} at {error.start})")
            text = raw.decode("utf-8", "replace")
        lines.append((number, text))
    return lines


def _content_lines(physical: list[tuple[int, str]], problems: list[str]) -> list[_Line]:
    unfolded: list[tuple[int, str]] = []
    for number, text in physical:
        if text[:1] in (" ", "\t") and unfolded:
            first, so_far = unfolded[-1]
            unfolded[-1] = (first, so_far + text[1:])
        elif text:
            unfolded.append((number, text))
    parsed: list[_Line] = []
    for number, text in unfolded:
        name_match = _NAME.match(text)
        if name_match is None:
            problems.append(f"line {number}: no property name: {text[:40]!r}")
            continue
        position = name_match.end()
        params: dict[str, str] = {}
        while position < len(text) and text[position] == ";":
            param = _PARAM.match(text, position)
            if param is None:
                break
            params[param.group(1).upper()] = param.group(2)
            position = param.end()
        if position >= len(text) or text[position] != ":":
            problems.append(f"line {number}: not a content line (no ':' after the name)")
            continue
        parsed.append(_Line(number, name_match.group().upper(), params, text[position + 1 :]))
    return parsed


def _tree(lines: list[_Line], problems: list[str]) -> list[_Component]:
    roots: list[_Component] = []
    stack: list[_Component] = []
    for line in lines:
        if line.name == "BEGIN":
            component = _Component(line.value.upper(), line.number)
            (stack[-1].children if stack else roots).append(component)
            stack.append(component)
        elif line.name == "END":
            if not stack or stack[-1].name != line.value.upper():
                problems.append(f"line {line.number}: END:{line.value} does not close a BEGIN")
                continue
            stack.pop()
        elif stack:
            stack[-1].properties.append(line)
        else:
            problems.append(f"line {line.number}: {line.name} outside any component")
    for component in stack:
        problems.append(f"line {component.line}: BEGIN:{component.name} is never closed")
    return roots


def _time_value(line: _Line, problems: list[str]) -> tuple[str, str] | None:
    """(kind, value) of a DATE or DATE-TIME property: kind is date, utc, zoned or floating."""
    value = line.value
    if line.params.get("VALUE", "").upper() == "DATE":
        if not DATE.fullmatch(value):
            problems.append(f"line {line.number}: {line.name} is not a DATE: {value!r}")
            return None
        return ("date", value)
    if not DATE_TIME.fullmatch(value):
        problems.append(f"line {line.number}: {line.name} is not a DATE-TIME: {value!r}")
        return None
    if value.endswith("Z"):
        return ("utc", value)
    if "TZID" in line.params:
        return ("zoned:" + line.params["TZID"], value)
    return ("floating", value)


def _check_times(component: _Component, zones: set[str], problems: list[str]) -> None:
    for line in component.properties:
        if "TZID" in line.params and line.params["TZID"].strip('"') not in zones:
            problems.append(
                f"line {line.number}: {line.name} uses TZID {line.params['TZID']} "
                "without a VTIMEZONE"
            )
        if line.name in _UTC_ONLY and not (
            DATE_TIME.fullmatch(line.value) and line.value.endswith("Z")
        ):
            problems.append(f"line {line.number}: {line.name} is not a UTC date-time")
        if line.name in _WITH_TIME and line.name not in ("EXDATE", "RDATE"):
            kind = _time_value(line, problems)
            if kind is not None and kind[0] == "floating":
                problems.append(f"line {line.number}: {line.name} is a floating time")


def _check_event(event: _Component, uids: dict[str, int], problems: list[str]) -> None:
    where = f"line {event.line}: VEVENT"
    for required in ("UID", "DTSTAMP", "DTSTART"):
        if event.first(required) is None:
            problems.append(f"{where} has no {required}")
    uid = event.first("UID")
    if uid is not None and event.first("RECURRENCE-ID") is None:
        if uid.value in uids:
            problems.append(
                f"line {uid.number}: UID {uid.value!r} already used on line {uids[uid.value]}"
            )
        else:
            uids[uid.value] = uid.number
    start, end = event.first("DTSTART"), event.first("DTEND")
    if end is not None and event.first("DURATION") is not None:
        problems.append(f"{where} has both DTEND and DURATION")
    if start is not None and end is not None:
        start_value = _time_value(start, [])
        end_value = _time_value(end, [])
        if start_value and end_value:
            if (start_value[0] == "date") != (end_value[0] == "date"):
                problems.append(f"line {end.number}: DTSTART and DTEND have different types")
            elif start_value[0] == end_value[0] and end_value[1] <= start_value[1]:
                problems.append(
                    f"line {end.number}: DTEND {end.value} is not after DTSTART {start.value}"
                )
    status = event.first("STATUS")
    if status is not None and status.value.upper() not in _EVENT_STATUSES:
        problems.append(f"line {status.number}: STATUS {status.value!r} is not valid for VEVENT")
    for alarm in event.children:
        if alarm.name != "VALARM":
            continue
        for required in ("ACTION", "TRIGGER"):
            if alarm.first(required) is None:
                problems.append(f"line {alarm.line}: VALARM has no {required}")
        action = alarm.first("ACTION")
        is_display = action is not None and action.value.upper() == "DISPLAY"
        if is_display and alarm.first("DESCRIPTION") is None:
            problems.append(f"line {alarm.line}: DISPLAY alarm has no DESCRIPTION")


def _check_calendar(calendar: _Component, problems: list[str]) -> None:
    where = f"line {calendar.line}: VCALENDAR"
    version = calendar.first("VERSION")
    if version is None:
        problems.append(f"{where} has no VERSION")
    elif version.value != "2.0":
        problems.append(f"line {version.number}: VERSION is {version.value!r}, not 2.0")
    if calendar.first("PRODID") is None:
        problems.append(f"{where} has no PRODID")
    method = calendar.first("METHOD")
    if method is not None:
        problems.append(
            f"line {method.number}: METHOD in a subscription feed (makes it an iTIP message)"
        )
    for refresh in calendar.all("REFRESH-INTERVAL"):
        if refresh.params.get("VALUE", "").upper() != "DURATION":
            problems.append(f"line {refresh.number}: REFRESH-INTERVAL without VALUE=DURATION")
        if not DURATION.fullmatch(refresh.value):
            problems.append(f"line {refresh.number}: REFRESH-INTERVAL is not a duration")
    for ttl in calendar.all("X-PUBLISHED-TTL"):
        if not DURATION.fullmatch(ttl.value):
            problems.append(f"line {ttl.number}: X-PUBLISHED-TTL {ttl.value!r} is not a duration")
    if not calendar.children:
        problems.append(f"{where} has no component (RFC 5545 §3.6 wants at least one)")
    zones = {
        line.value
        for zone in calendar.children
        if zone.name == "VTIMEZONE"
        for line in zone.all("TZID")
    }
    uids: dict[str, int] = {}
    for component in calendar.children:
        if component.name == "VTIMEZONE":
            continue
        _check_times(component, zones, problems)
        if component.name == "VEVENT":
            _check_event(component, uids, problems)


def lint(data: bytes) -> list[str]:
    """Return every problem found in the feed `data`; an empty list means none."""
    problems: list[str] = []
    roots = _tree(_content_lines(_physical(data, problems), problems), problems)
    calendars = [root for root in roots if root.name == "VCALENDAR"]
    if len(roots) != 1 or len(calendars) != 1:
        names = ", ".join(root.name for root in roots) or "nothing"
        problems.append(f"expected exactly one VCALENDAR, found {names}")
    for calendar in calendars:
        _check_calendar(calendar, problems)
    return problems
