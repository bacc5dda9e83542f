"""One table of fields, and the converters that turn raw values into model values.

Every reader (TOML plan, CSV, JSON lines, included TOML) hands raw tables to
:mod:`contentcal.files.build`, which converts them here, field by field. A converter takes
the raw value as TOML, JSON or CSV gives it (CSV always gives text) and returns the model
value, or raises :class:`ConversionError` with a hint that shows the expected form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from contentcal import hints
from contentcal.errors import Problem
from contentcal.model import (
    Account,
    Blackout,
    HolidayMode,
    Horizon,
    Media,
    Network,
    Status,
)
from contentcal.model.zones import aware, get_zone, suggest_zone


class ConversionError(ValueError):
    """A value could not be converted; carries the message and a fix hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# --- value converters -------------------------------------------------------------------------
#
# Each converter takes the raw value as TOML, JSON or CSV gives it (CSV always gives str) and
# returns the model value or raises ConversionError with a hint that shows the expected form.


def text(raw: object) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ConversionError(
            f"expected text, got {kind(raw)}", 'put the value in quotes, e.g. "..."'
        )
    return str(raw)


def identifier(raw: object) -> str:
    value = text(raw).strip()
    if not value:
        raise ConversionError("must not be empty")
    return value


def integer(raw: object) -> int:
    if isinstance(raw, bool):
        raise ConversionError(f"expected a whole number, got {kind(raw)}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", raw):
        return int(raw)
    raise ConversionError(f"expected a whole number, got {raw!r}", "e.g. 2")


def number(raw: object) -> float:
    if isinstance(raw, bool):
        raise ConversionError(f"expected a number, got {kind(raw)}")
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.replace("_", "").strip())
        except ValueError:
            pass
    raise ConversionError(f"expected a number, got {raw!r}", "e.g. 2000")


def share(raw: object) -> float:
    if isinstance(raw, str) and raw.strip().endswith("%"):
        value = number(raw.strip()[:-1]) / 100
    else:
        value = number(raw)
    if not 0 <= value <= 1:
        raise ConversionError(
            f"share must be between 0 and 1, got {value:g}", "e.g. share = 0.4 or '40%'"
        )
    return value


def text_list(raw: object) -> tuple[str, ...]:
    if isinstance(raw, str):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if isinstance(raw, list):
        return tuple(text(value).strip() for value in raw if text(value).strip())
    raise ConversionError(f"expected a list, got {kind(raw)}", 'e.g. ["promo", "batik"]')


def date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        raise ConversionError("expected a date without a time", "e.g. 2027-03-31")
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ConversionError(
        f"expected a date, got {raw!r}", "write dates as YYYY-MM-DD, e.g. 2027-03-31"
    )


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|min|s)", re.IGNORECASE)
_ISO_DURATION = re.compile(
    r"P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "min": 60, "s": 1}


def parse_duration(text: str) -> dt.timedelta:
    """Parse ``90m``, ``2h``, ``1d``, ``1h30m`` or ISO 8601 ``PT2H``; raise ``ValueError``.

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_duration("PT2H")
    datetime.timedelta(seconds=7200)
    """
    value = text.strip()
    iso = _ISO_DURATION.fullmatch(value)
    if iso and value.upper() not in ("P", "PT") and not value.upper().endswith("T"):
        parts = {key: int(number) for key, number in iso.groupdict().items() if number}
        return dt.timedelta(
            weeks=parts.get("w", 0),
            days=parts.get("d", 0),
            hours=parts.get("h", 0),
            minutes=parts.get("m", 0),
            seconds=parts.get("s", 0),
        )
    compact = value.replace(" ", "")
    if compact and _DURATION_PART.sub("", compact) == "":
        seconds = sum(
            float(number) * _UNIT_SECONDS[unit.lower()]
            for number, unit in _DURATION_PART.findall(compact)
        )
        return dt.timedelta(seconds=seconds)
    raise ValueError(f"unknown duration {text!r}")


def duration(raw: object) -> dt.timedelta:
    if isinstance(raw, str):
        try:
            return parse_duration(raw)
        except ValueError:
            pass
    raise ConversionError(
        f"expected a duration, got {raw!r}", 'write e.g. "90m", "2h", "1d", "1h30m" or "PT2H"'
    )


def zone_name(raw: object) -> str:
    name = identifier(raw)
    try:
        get_zone(name)
    except ValueError:
        raise ConversionError(f"unknown time zone {name!r}", suggest_zone(name)) from None
    return name


def choice(
    enum_type: Any, noun: str, aliases: Mapping[str, str] | None = None
) -> Callable[[object], Any]:
    names = [member.value for member in enum_type]

    def convert(raw: object) -> Any:
        value = identifier(raw).lower().replace("_", "-")
        if aliases and value in aliases:
            value = aliases[value]
        try:
            return enum_type(value)
        except ValueError:
            raise ConversionError(f"unknown {noun} {value!r}", did_you_mean(value, names)) from None

    return convert


NETWORK_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "gmb": "google-business"}


def blackouts(raw: object) -> tuple[Blackout, ...]:
    entries = raw if isinstance(raw, list) else [raw]
    result = []
    for entry in entries:
        reason = None
        dates: object = entry
        if isinstance(entry, dict):
            unknown = set(entry) - {"dates", "date", "reason"}
            if unknown:
                raise ConversionError(
                    f"unknown key {sorted(unknown)[0]!r} in a blackout",
                    'write { dates = "2026-12-24..2026-12-26", reason = "Christmas" }',
                )
            dates = entry.get("dates", entry.get("date"))
            reason = text(entry["reason"]) if "reason" in entry else None
        if isinstance(dates, dt.date) and not isinstance(dates, dt.datetime):
            first = last = dates
        elif isinstance(dates, str) and dates.strip():
            first_text, _, last_text = dates.partition("..")
            first = date(first_text)
            last = date(last_text) if last_text.strip() else first
        else:
            raise ConversionError(
                f"expected a date or a range of dates, got {dates!r}",
                'write "2026-12-25" or "2026-12-24..2026-12-26"',
            )
        if last < first:
            raise ConversionError(
                f"blackout range ends before it starts: {first}..{last}", "swap the two dates"
            )
        result.append(Blackout(first=first, last=last, reason=reason))
    return tuple(result)


def kind(raw: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list"}
    if isinstance(raw, dict):
        return "a table"
    if isinstance(raw, dt.datetime):
        return "a date-time"
    if isinstance(raw, dt.date):
        return "a date"
    return names.get(type(raw), type(raw).__name__)


def did_you_mean(value: str, choices: Sequence[str]) -> str:
    """A hint for an unknown name: the closest choice, else the choices (or the docs)."""
    if len(choices) <= 16:
        otherwise = "use one of: " + ", ".join(choices)
    else:
        otherwise = "see the plan-file reference for the allowed names"
    return hints.did_you_mean(value, choices, otherwise=otherwise) or otherwise


# --- field specifications ---------------------------------------------------------------------


@attrs.frozen
class Field:
    convert: Callable[[object], Any]
    required: bool = False


BRAND_FIELDS = {
    "name": Field(identifier, required=True),
    "timezone": Field(zone_name, required=True),
    "url": Field(text),
    "domain": Field(text),
    "blackout": Field(blackouts),
    "id": Field(identifier),
}
GOAL_FIELDS = {
    "statement": Field(text, required=True),
    "metric": Field(text),
    "baseline": Field(number),
    "target": Field(number),
    "due": Field(date),
    "horizon": Field(choice(Horizon, "horizon")),
    "owner": Field(text),
    "relevance": Field(text),
    "start": Field(date),
}
PILLAR_FIELDS = {
    "description": Field(text),
    "share": Field(share),
    "color": Field(text),
}
PLATFORM_FIELDS = {
    "network": Field(choice(Network, "network", NETWORK_ALIASES)),
    "handle": Field(text),
    "owner": Field(text),
    "purpose": Field(text),
    "account": Field(choice(Account, "account type")),
    "slots": Field(lambda raw: raw),  # validated one by one below, to locate each slot
    "timezone": Field(zone_name),
    "respond_within": Field(duration),
    "min_gap": Field(duration),
    "blackout": Field(blackouts),
    "limits": Field(lambda raw: raw),  # validated below: a table of whole numbers
}

STORY_FIELDS = {
    "title": Field(text, required=True),
    "goal": Field(identifier),
    "pillar": Field(identifier),
    "steps": Field(lambda raw: raw),  # validated step by step in build, to locate each step
}
STEP_FIELDS = {
    "platform": Field(identifier, required=True),
    "after": Field(duration),
}

SCHEDULE_FIELDS = {
    "duration": Field(duration),
    "horizon": Field(duration),
    "holidays": Field(identifier),
    "subdivision": Field(identifier),
    "holiday_mode": Field(choice(HolidayMode, "holiday mode")),
}


def boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    raise ConversionError(f"expected true or false, got {raw!r}", "write true or false, unquoted")


def flag(raw: object) -> bool:
    """A yes/no value; spreadsheets and JSON scripts write it as text too."""
    if isinstance(raw, str) and raw.strip().lower() in _FLAG_WORDS:
        return _FLAG_WORDS[raw.strip().lower()]
    return boolean(raw)


_FLAG_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def positive_duration(raw: object) -> dt.timedelta:
    value = duration(raw)
    if value <= dt.timedelta(0):
        raise ConversionError(f"expected a duration above zero, got {raw!r}", 'e.g. "6w"')
    return value


def count(raw: object) -> int:
    value = integer(raw)
    if value < 1:
        raise ConversionError(f"expected a count of 1 or more, got {value}", "e.g. times = 3")
    return value


def alarm(raw: object) -> dt.timedelta | None:
    if raw is False:
        return None
    return duration(raw)


def url(raw: object) -> str:
    value = identifier(raw)
    if not re.match(r"https?://[^/\s]+", value):
        raise ConversionError(
            f"expected an http(s) URL, got {value!r}", 'e.g. base_url = "https://example.com/cal/"'
        )
    return value if value.endswith("/") else value + "/"


FEED_FIELDS = {
    "past": Field(duration),
    "ahead": Field(duration),
    "alarm": Field(alarm),
    "reply_events": Field(boolean),
    "include_backlog": Field(boolean),
    "review_events": Field(boolean),
    "refresh": Field(duration),
    "base_url": Field(url),
    "state_file": Field(identifier),
    "calendar_uid": Field(boolean),
}

ITEM_FIELDS: tuple[str, ...] = (
    "id",
    "platform",
    "title",
    "pillar",
    "goal",
    "copy",
    "media",
    "link",
    "at",
    "duration",
    "status",
    "owner",
    "story",
    "tags",
    "notes",
    "updated",
    "priority",
    "ignore",
    "ignore_reason",
    "evergreen",
    "repeat_after",
    "times",
    "until",
    "repeat_at",
)
"""Every field an item may have, in the order documented (and used for CSV headers)."""

ITEM_SPEC = {
    "id": Field(identifier, required=True),
    "platform": Field(identifier, required=True),
    "title": Field(text, required=True),
    "pillar": Field(identifier),
    "goal": Field(identifier),
    "copy": Field(text),
    "media": Field(choice(Media, "media kind")),
    "link": Field(text),
    "at": Field(lambda raw: raw),  # needs the platform's zone: converted after references
    "duration": Field(duration),
    "status": Field(choice(Status, "status")),
    "owner": Field(text),
    "story": Field(identifier),
    "tags": Field(text_list),
    "notes": Field(text),
    "updated": Field(lambda raw: raw),  # needs a zone, like `at`
    "priority": Field(integer),
    "ignore": Field(text_list),
    "ignore_reason": Field(text),
    "evergreen": Field(flag),
    "repeat_after": Field(positive_duration),
    "times": Field(count),
    "until": Field(date),
    "repeat_at": Field(lambda raw: raw),  # needs the platform's zone, like `at`
}
assert tuple(ITEM_SPEC) == ITEM_FIELDS  # noqa: S101 - one list of names, checked at import

TOP_LEVEL = (
    "include",
    "brand",
    "goals",
    "pillars",
    "platforms",
    "items",
    "check",
    "feeds",
    "schedule",
    "stories",
    "results",
    "actions",
    "review",
)
SETTINGS_TABLES = ("check",)


MOMENT_PATTERN = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)


def moment(raw: object, zone_name: str, *, allow_date: bool) -> dt.datetime | dt.date:
    """Convert an ``at``/``updated`` value; local times belong to `zone_name`."""
    hint = "write e.g. 2026-12-02T19:00 (the platform's local time) or 2026-12-02T12:00Z (UTC)"
    if isinstance(raw, str):
        match = MOMENT_PATTERN.fullmatch(raw.strip())
        if not match:
            raise ConversionError(f"expected a date-time, got {raw!r}", hint)
        try:
            if match.group(2) is None:
                raw = dt.date.fromisoformat(match.group(1))
            else:
                clock = match.group(2)
                if len(clock.split(":")[0]) == 1:
                    clock = "0" + clock
                offset = match.group(3) or ""
                offset = "+00:00" if offset.upper() == "Z" else offset
                raw = dt.datetime.fromisoformat(f"{match.group(1)}T{clock}{offset}")
        except ValueError:
            raise ConversionError(f"not a real date or time: {raw!r}", hint) from None
    if isinstance(raw, dt.datetime):
        return aware(raw, zone_name)
    if isinstance(raw, dt.date):
        if allow_date:
            return raw
        raise ConversionError("expected a date-time, got a date", hint)
    if isinstance(raw, dt.time):
        raise ConversionError("expected a date and a time, got only a time", hint)
    raise ConversionError(f"expected a date-time, got {kind(raw)}", hint)


def moments(raw: object, zone_name: str) -> tuple[dt.datetime, ...]:
    """Pinned repeat times: a list of date-times, or text with commas (a CSV cell)."""
    if isinstance(raw, str):
        entries: object = [part for part in raw.split(",") if part.strip()]
    else:
        entries = raw
    if not isinstance(entries, list):
        raise ConversionError(
            f"expected a list of date-times, got {kind(raw)}",
            "e.g. repeat_at = [2027-01-15T19:00, 2027-03-01T19:00]",
        )
    result: list[dt.datetime] = []
    for entry in entries:
        value = moment(entry, zone_name, allow_date=False)
        assert isinstance(value, dt.datetime)  # noqa: S101 - allow_date=False gives date-times
        if result and value <= result[-1]:
            raise ConversionError(
                f"repeat times must be in order, but {value:%Y-%m-%d %H:%M} comes after "
                f"{result[-1]:%Y-%m-%d %H:%M}",
                "list the repeats from the first to the last",
            )
        result.append(value)
    return tuple(result)


class Problems:
    """Collects located problems while a plan is read, converted and resolved."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(
        self,
        message: str,
        *,
        file: str | None,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
        hint: str | None = None,
        code: str = "plan-invalid",
    ) -> None:
        """Record one problem."""
        self.items.append(
            Problem(
                message=message,
                file=file,
                line=line,
                column=column,
                path=path,
                hint=hint,
                code=code,
            )
        )

    def __bool__(self) -> bool:
        return bool(self.items)
