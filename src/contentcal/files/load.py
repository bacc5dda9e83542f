"""Plan files → :class:`~contentcal.model.Plan`, with every problem located.

A plan is one TOML file that may include item files: CSV exported from a spreadsheet, JSON
lines written by a script, or more TOML with ``[[items]]``. Loading never stops at the first
problem: it collects all of them, each with its file, line (where the format tells us), key
path and a hint, and raises one :class:`~contentcal.errors.PlanError`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import glob
import io
import json
import math
import os
import re
import reprlib
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from contentcal.errors import PlanError, PlanFileNotFoundError, Problem
from contentcal.files.atomic import finish_interrupted, journal_for
from contentcal.files.regular import NotRegularError, TooLargeError, read_regular
from contentcal.model import (
    DEFAULT_PILLARS,
    Account,
    Blackout,
    Brand,
    ContentItem,
    FeedSettings,
    Goal,
    HolidayMode,
    Horizon,
    Limits,
    Media,
    Network,
    Pillar,
    Plan,
    Platform,
    ScheduleSettings,
    Source,
    Status,
)
from contentcal.model.bounds import EARLIEST, LATEST, LONGEST
from contentcal.model.zones import get_zone, localize, suggest_zone

__all__ = ["ITEM_FIELDS", "load", "parse_duration"]


_SettingsT = TypeVar("_SettingsT", ScheduleSettings, FeedSettings)


class _ConversionError(ValueError):
    """A value could not be converted; carries the message and a fix hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# --- quoting foreign content ----------------------------------------------------------------


class _ShortRepr(reprlib.Repr):
    """``repr`` that never quotes more than a short excerpt of what it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.maxstring = self.maxother = self.maxlong = 40
        self.maxlevel, self.maxlist, self.maxdict = 2, 4, 4

    def repr_int(self, x: int, level: int) -> str:
        # repr() of an int over 4,300 digits raises ValueError.
        return repr(x) if x.bit_length() <= 128 else "a very large number"

    def repr_str(self, x: str, level: int) -> str:
        return repr(x[:40] + "…") if len(x) > 40 else repr(x)


_SHORT_REPR = _ShortRepr()


def _quote(raw: object) -> str:
    """How a message quotes a value from the user's files: at most a short excerpt,
    control characters and lone surrogates escaped."""
    return _SHORT_REPR.repr(raw)


_SURROGATE = re.compile("[\ud800-\udfff]")


# --- value converters -------------------------------------------------------------------------
#
# Each converter takes the raw value as TOML, JSON or CSV gives it (CSV always gives str) and
# returns the model value or raises _ConversionError with a hint that shows the expected form.


def _text(raw: object) -> str:
    if isinstance(raw, str):
        if _SURROGATE.search(raw):
            raise _ConversionError(
                f"{_quote(raw)} holds a lone surrogate (an unpaired \\ud800-\\udfff escape), "
                "which is not text",
                "fix the \\u escapes in this value (emoji need both halves of the pair)",
            )
        return raw
    if isinstance(raw, float) and not math.isfinite(raw):
        raise _ConversionError(f"expected text, got {raw!r}", 'put the value in quotes, e.g. "..."')
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 128:
        raise _ConversionError("expected text, got a very large number", "put it in quotes")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _ConversionError(
            f"expected text, got {_kind(raw)}", 'put the value in quotes, e.g. "..."'
        )
    return str(raw)


def _identifier(raw: object) -> str:
    value = _text(raw).strip()
    if not value:
        raise _ConversionError("must not be empty")
    return value


def _integer(raw: object) -> int:
    if isinstance(raw, bool):
        raise _ConversionError(f"expected a whole number, got {_kind(raw)}")
    if isinstance(raw, int):
        if abs(raw) > _LARGEST_INTEGER:
            raise _ConversionError(
                f"{_quote(raw)} is too large", f"use a whole number up to {_LARGEST_INTEGER:,}"
            )
        return raw
    if isinstance(raw, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", raw):
        return int(raw)
    raise _ConversionError(f"expected a whole number, got {_quote(raw)}", "e.g. 2")


_LARGEST_INTEGER = 999_999_999


def _number(raw: object) -> float:
    if isinstance(raw, bool):
        raise _ConversionError(f"expected a number, got {_kind(raw)}")
    value: float | None = None
    if isinstance(raw, int | float):
        try:
            value = float(raw)
        except OverflowError:  # an int too large for a float
            value = math.inf
    elif isinstance(raw, str) and len(raw) <= 100:
        with contextlib.suppress(ValueError):
            value = float(raw.replace("_", "").strip())
    if value is not None:
        if math.isfinite(value):
            return value
        raise _ConversionError(
            f"expected a finite number, got {_quote(raw)}", "use an ordinary number, e.g. 2000"
        )
    raise _ConversionError(f"expected a number, got {_quote(raw)}", "e.g. 2000")


def _share(raw: object) -> float:
    if isinstance(raw, str) and raw.strip().endswith("%"):
        value = _number(raw.strip()[:-1]) / 100
    else:
        value = _number(raw)
    if not 0 <= value <= 1:
        raise _ConversionError(
            f"share must be between 0 and 1, got {value:g}", "e.g. share = 0.4 or '40%'"
        )
    return value


def _text_list(raw: object) -> tuple[str, ...]:
    if isinstance(raw, str):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if isinstance(raw, list):
        return tuple(_text(value).strip() for value in raw if _text(value).strip())
    raise _ConversionError(f"expected a list, got {_kind(raw)}", 'e.g. ["promo", "batik"]')


def _date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        raise _ConversionError("expected a date without a time", "e.g. 2027-03-31")
    if isinstance(raw, dt.date):
        return _in_range(raw)
    if isinstance(raw, str):
        try:
            day = dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
        else:
            return _in_range(day)
    raise _ConversionError(
        f"expected a date, got {_quote(raw)}", "write dates as YYYY-MM-DD, e.g. 2027-03-31"
    )


def _in_range(day: dt.date) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise _ConversionError(
            f"the date {day.isoformat()} is out of range",
            f"contentcal works with dates from {EARLIEST.isoformat()} to {LATEST.isoformat()}",
        )
    return day


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
    if len(value) > 100:
        raise ValueError(f"unknown duration {_quote(text)}")
    iso = _ISO_DURATION.fullmatch(value)
    seconds: float
    if iso and value.upper() not in ("P", "PT") and not value.upper().endswith("T"):
        units = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
        seconds = sum(int(number) * units[key] for key, number in iso.groupdict().items() if number)
    else:
        compact = value.replace(" ", "")
        if not compact or _DURATION_PART.sub("", compact) != "":
            raise ValueError(f"unknown duration {_quote(text)}")
        seconds = sum(
            float(number) * _UNIT_SECONDS[unit.lower()]
            for number, unit in _DURATION_PART.findall(compact)
        )
    # Compared before timedelta() sees it: a huge count would overflow there.
    if not seconds <= LONGEST.total_seconds():
        raise ValueError(f"duration {_quote(text)} is longer than {LONGEST.days // 365} years")
    return dt.timedelta(seconds=seconds)


def _duration(raw: object) -> dt.timedelta:
    if isinstance(raw, str):
        try:
            return parse_duration(raw)
        except ValueError as exc:
            if "longer than" in str(exc):
                raise _ConversionError(str(exc), "use a shorter duration") from None
    raise _ConversionError(
        f"expected a duration, got {_quote(raw)}", 'write e.g. "90m", "2h", "1d", "1h30m" or "PT2H"'
    )


def _zone_name(raw: object) -> str:
    name = _identifier(raw)
    if len(name) > 64:  # IANA names are at most about 30 characters
        raise _ConversionError(
            f"unknown time zone {_quote(name)}",
            "use an IANA name such as 'Asia/Jakarta' or 'Europe/Berlin'",
        )
    try:
        get_zone(name)
    except ValueError:
        raise _ConversionError(f"unknown time zone {_quote(name)}", suggest_zone(name)) from None
    return name


def _choice(
    enum_type: Any, noun: str, aliases: Mapping[str, str] | None = None
) -> Callable[[object], Any]:
    names = [member.value for member in enum_type]

    def convert(raw: object) -> Any:
        value = _identifier(raw).lower().replace("_", "-")
        if aliases and value in aliases:
            value = aliases[value]
        try:
            return enum_type(value)
        except ValueError:
            raise _ConversionError(
                f"unknown {noun} {_quote(value)}", _did_you_mean(value, names)
            ) from None

    return convert


_NETWORK_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "gmb": "google-business"}


def _blackouts(raw: object) -> tuple[Blackout, ...]:
    entries = raw if isinstance(raw, list) else [raw]
    result = []
    for entry in entries:
        reason = None
        dates: object = entry
        if isinstance(entry, dict):
            unknown = set(entry) - {"dates", "date", "reason"}
            if unknown:
                raise _ConversionError(
                    f"unknown key {_quote(sorted(unknown)[0])} in a blackout",
                    'write { dates = "2026-12-24..2026-12-26", reason = "Christmas" }',
                )
            dates = entry.get("dates", entry.get("date"))
            reason = _text(entry["reason"]) if "reason" in entry else None
        if isinstance(dates, dt.date) and not isinstance(dates, dt.datetime):
            first = last = dates
        elif isinstance(dates, str) and dates.strip():
            first_text, _, last_text = dates.partition("..")
            first = _date(first_text)
            last = _date(last_text) if last_text.strip() else first
        else:
            raise _ConversionError(
                f"expected a date or a range of dates, got {_quote(dates)}",
                'write "2026-12-25" or "2026-12-24..2026-12-26"',
            )
        if last < first:
            raise _ConversionError(
                f"blackout range ends before it starts: {first}..{last}", "swap the two dates"
            )
        result.append(Blackout(first=first, last=last, reason=reason))
    return tuple(result)


def _kind(raw: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list"}
    if isinstance(raw, dict):
        return "a table"
    if isinstance(raw, dt.datetime):
        return "a date-time"
    if isinstance(raw, dt.date):
        return "a date"
    return names.get(type(raw), type(raw).__name__)


def _did_you_mean(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]!r}?"
    if len(choices) <= 16:
        return "use one of: " + ", ".join(choices)
    return "see the plan-file reference for the allowed names"


# --- field specifications ---------------------------------------------------------------------


@attrs.frozen
class _Field:
    convert: Callable[[object], Any]
    required: bool = False


_BRAND_FIELDS = {
    "name": _Field(_identifier, required=True),
    "timezone": _Field(_zone_name, required=True),
    "url": _Field(_text),
    "domain": _Field(_text),
    "blackout": _Field(_blackouts),
}
_GOAL_FIELDS = {
    "statement": _Field(_text, required=True),
    "metric": _Field(_text),
    "baseline": _Field(_number),
    "target": _Field(_number),
    "due": _Field(_date),
    "horizon": _Field(_choice(Horizon, "horizon")),
    "owner": _Field(_text),
    "relevance": _Field(_text),
}
_PILLAR_FIELDS = {
    "description": _Field(_text),
    "share": _Field(_share),
    "color": _Field(_text),
}
_PLATFORM_FIELDS = {
    "network": _Field(_choice(Network, "network", _NETWORK_ALIASES)),
    "handle": _Field(_text),
    "owner": _Field(_text),
    "purpose": _Field(_text),
    "account": _Field(_choice(Account, "account type")),
    "slots": _Field(lambda raw: raw),  # validated one by one below, to locate each slot
    "timezone": _Field(_zone_name),
    "respond_within": _Field(_duration),
    "min_gap": _Field(_duration),
    "blackout": _Field(_blackouts),
    "limits": _Field(lambda raw: raw),  # validated below: a table of whole numbers
}

_SCHEDULE_FIELDS = {
    "duration": _Field(_duration),
    "horizon": _Field(_duration),
    "holidays": _Field(_identifier),
    "subdivision": _Field(_identifier),
    "holiday_mode": _Field(_choice(HolidayMode, "holiday mode")),
}


def _boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    raise _ConversionError(
        f"expected true or false, got {_quote(raw)}", "write true or false, unquoted"
    )


def _alarm(raw: object) -> dt.timedelta | None:
    if raw is False:
        return None
    return _duration(raw)


def _url(raw: object) -> str:
    value = _identifier(raw)
    if not re.match(r"https?://[^/\s]+", value):
        raise _ConversionError(
            f"expected an http(s) URL, got {_quote(value)}",
            'e.g. base_url = "https://example.com/cal/"',
        )
    return value if value.endswith("/") else value + "/"


_FEED_FIELDS = {
    "past": _Field(_duration),
    "ahead": _Field(_duration),
    "alarm": _Field(_alarm),
    "reply_events": _Field(_boolean),
    "include_backlog": _Field(_boolean),
    "refresh": _Field(_duration),
    "base_url": _Field(_url),
    "state_file": _Field(_identifier),
}


def _limit(most: int) -> Callable[[object], int]:
    def convert(raw: object) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= most:
            raise _ConversionError(
                f"expected a whole number from 1 to {most:,}, got {_quote(raw)}",
                "see docs/security.md for the defaults",
            )
        return raw

    return convert


_LIMIT_FIELDS = {
    "allow_outside": _Field(_boolean),
    "file_bytes": _Field(_limit(2**40)),
    "rows": _Field(_limit(10**9)),
    "columns": _Field(_limit(10_000)),
    # Parsers recurse once per level; past a few hundred Python's stack runs out.
    "nesting": _Field(_limit(200)),
    "patterns": _Field(_limit(10**6)),
    "files": _Field(_limit(10**7)),
    "slots_per_day": _Field(_limit(1440)),
    "horizon_days": _Field(_limit(LONGEST.days)),
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
)
"""Every field an item may have, in the order documented (and used for CSV headers)."""

_ITEM_FIELDS = {
    "id": _Field(_identifier, required=True),
    "platform": _Field(_identifier, required=True),
    "title": _Field(_text, required=True),
    "pillar": _Field(_identifier),
    "goal": _Field(_identifier),
    "copy": _Field(_text),
    "media": _Field(_choice(Media, "media kind")),
    "link": _Field(_text),
    "at": _Field(lambda raw: raw),  # needs the platform's zone: converted after references
    "duration": _Field(_duration),
    "status": _Field(_choice(Status, "status")),
    "owner": _Field(_text),
    "story": _Field(_identifier),
    "tags": _Field(_text_list),
    "notes": _Field(_text),
    "updated": _Field(lambda raw: raw),  # needs a zone, like `at`
    "priority": _Field(_integer),
    "ignore": _Field(_text_list),
    "ignore_reason": _Field(_text),
}
assert tuple(_ITEM_FIELDS) == ITEM_FIELDS  # noqa: S101 - one list of names, checked at import

_TOP_LEVEL = (
    "include",
    "brand",
    "goals",
    "pillars",
    "platforms",
    "items",
    "check",
    "feeds",
    "schedule",
    "limits",
)
_SETTINGS_TABLES = ("check",)


# --- locating lines in TOML -------------------------------------------------------------------


class _TomlLines:
    """Best-effort map from key paths to line numbers in a TOML text.

    tomllib does not report positions, so we scan the text for table headers and keys. It is
    only used for messages and item sources, never to read values.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")

    def __init__(self, text: str) -> None:
        self._lines: dict[str, int] = {}
        self.item_lines: list[int] = []
        table = ""
        counters: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = ".".join(part.strip().strip('"') for part in header.group(2).split("."))
                if header.group(1) == "[[":
                    index = counters.get(name, 0)
                    counters[name] = index + 1
                    table = f"{name}[{index}]"
                    if name == "items":
                        self.item_lines.append(number)
                else:
                    table = name
                self._lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                path = key.group(1).strip('"')
                self._lines.setdefault(f"{table}.{path}" if table else path, number)

    def line(self, path: str) -> int | None:
        """Line of `path` or of its closest enclosing table; ``None`` when unknown."""
        while path:
            if path in self._lines:
                return self._lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                break
            path = path[:cut]
        return self._lines.get(path)


# --- the loader -------------------------------------------------------------------------------


@attrs.define
class _RawItem:
    """An item's converted fields before references and times are resolved."""

    values: dict[str, Any]
    raw_at: object
    raw_updated: object
    source: Source
    path: str
    line_of: Callable[[str], int | None]


_MOST_PROBLEMS = 1000
"""Problems kept per load; a broken million-row file gives one screen, not a million lines."""


def _depth(value: object, limit: int) -> bool:
    """Whether `value` nests lists and tables more than `limit` deep (iteratively: a
    recursive walk would itself overflow the stack on the inputs this guards against)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        current, level = stack.pop()
        children = (
            current.values()
            if isinstance(current, dict)
            else current
            if isinstance(current, list)
            else ()
        )
        for child in children:
            if isinstance(child, dict | list):
                if level + 1 > limit:
                    return True
                stack.append((child, level + 1))
    return False


class _Loader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.dropped = 0
        self.caps = Limits()
        self.root = "."
        self.plan_path = ""

    def error(self) -> PlanError:
        """The PlanError for everything found (the first problems, and how many more)."""
        problems = list(self.problems)
        if self.dropped:
            problems.append(
                Problem(
                    f"{self.dropped} more problems not shown",
                    file=self.plan_path,
                    hint="fix the ones above first",
                    code="too-many-problems",
                )
            )
        return PlanError(problems)

    def problem(
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
        if len(self.problems) >= _MOST_PROBLEMS:
            self.dropped += 1
            return
        self.problems.append(
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

    def fields(
        self,
        table: object,
        spec: Mapping[str, _Field],
        *,
        file: str,
        path: str,
        line_of: Callable[[str], int | None],
        what: str,
    ) -> dict[str, Any] | None:
        """Convert a table by `spec`; report unknown, missing and invalid keys."""
        if not isinstance(table, dict):
            self.problem(
                f"{what} must be a table, got {_kind(table)}",
                file=file,
                line=line_of(path),
                path=path,
                hint=f"write it as [{path}] with keys below it",
            )
            return None
        values: dict[str, Any] = {}
        for key, raw in table.items():
            key_path = f"{path}.{key}"
            field = spec.get(key)
            if field is None:
                self.problem(
                    f"unknown key {_quote(key)} in {what}",
                    file=file,
                    line=line_of(key_path),
                    path=key_path,
                    hint=_did_you_mean(key, list(spec)),
                    code="unknown-key",
                )
                continue
            if raw == "" and not field.required:
                continue  # an empty spreadsheet cell means "not set"
            try:
                values[key] = field.convert(raw)
            except _ConversionError as exc:
                self.problem(
                    exc.message, file=file, line=line_of(key_path), path=key_path, hint=exc.hint
                )
        for key, field in spec.items():
            if field.required and key not in table:
                self.problem(
                    f"{what} has no {_quote(key)}",
                    file=file,
                    line=line_of(path),
                    path=f"{path}.{key}",
                    hint=f"add {key} = ...",
                    code="missing-field",
                )
        return values

    # -- plan file --

    def load(self, plan_path: str) -> Plan:
        self.plan_path = plan_path
        # A pin killed between its renames is completed before anything reads the files.
        finish_interrupted(journal_for(plan_path))
        self.root = os.path.realpath(os.path.dirname(plan_path) or ".")
        text = self.read_text(plan_path, is_plan=True)
        if text is None:
            raise self.error()
        data = self.parse_toml(text, plan_path)
        if data is None:
            raise self.error()
        lines = _TomlLines(text)
        if "limits" in data:
            values = self.fields(
                data["limits"],
                _LIMIT_FIELDS,
                file=plan_path,
                path="limits",
                line_of=lines.line,
                what="[limits]",
            )
            self.caps = Limits(**values) if values else Limits()
        if _depth(data, self.caps.nesting):
            self.nesting_problem(plan_path)
            raise self.error()

        for key in data:
            if key not in _TOP_LEVEL:
                self.problem(
                    f"unknown top-level key {_quote(key)}",
                    file=plan_path,
                    line=lines.line(key),
                    path=key,
                    hint=_did_you_mean(key, _TOP_LEVEL),
                    code="unknown-key",
                )

        brand = self.brand(data, plan_path, lines)
        goals = self.goals(data, plan_path, lines)
        pillars = self.pillars(data, plan_path, lines)
        platforms = self.platforms(data, plan_path, lines, brand)

        raw_items = list(self.toml_items(data, plan_path, lines, top_level=True))
        for include in self.includes(data, plan_path, lines):
            raw_items.extend(self.item_file(include))

        settings: dict[str, Mapping[str, Any]] = {}
        for name in _SETTINGS_TABLES:
            if name in data:
                if isinstance(data[name], dict):
                    settings[name] = data[name]
                else:
                    self.problem(
                        f"[{name}] must be a table, got {_kind(data[name])}",
                        file=plan_path,
                        line=lines.line(name),
                        path=name,
                    )

        schedule_settings = self.settings_table(
            data, "schedule", _SCHEDULE_FIELDS, ScheduleSettings, plan_path, lines
        )
        feed_settings = self.settings_table(
            data, "feeds", _FEED_FIELDS, FeedSettings, plan_path, lines
        )
        items = self.resolve_items(raw_items, brand, goals, pillars, platforms)
        self.check_horizon(schedule_settings, plan_path, lines)
        self.check_state_file(feed_settings, plan_path, lines, raw_items)
        if self.problems or brand is None:
            raise self.error()
        return Plan(
            brand=brand,
            goals=tuple(goals.values()),
            pillars=tuple(pillars.values()),
            platforms=tuple(platforms.values()),
            items=items,
            schedule_settings=schedule_settings,
            feed_settings=feed_settings,
            settings=settings,
            source=plan_path,
            limits=self.caps,
        )

    def nesting_problem(self, file: str, line: int | None = None) -> None:
        self.problem(
            f"tables and lists are nested more than {self.caps.nesting} deep",
            file=file,
            line=line,
            hint="a plan never needs this; if yours does, raise nesting in [limits]",
            code="limit-exceeded",
        )

    def check_horizon(self, settings: ScheduleSettings, file: str, lines: _TomlLines) -> None:
        most = self.caps.horizon_days
        if settings.horizon > dt.timedelta(days=most):
            self.problem(
                f"the horizon is longer than {most} days",
                file=file,
                line=lines.line("schedule.horizon"),
                path="schedule.horizon",
                hint="plan at most a few years ahead, or raise horizon_days in [limits]",
                code="limit-exceeded",
            )

    def check_state_file(
        self, settings: FeedSettings, file: str, lines: _TomlLines, raw_items: list[_RawItem]
    ) -> None:
        """The feed state must be a .json file of its own, inside the plan's folder."""
        name = settings.state_file
        full = os.path.normpath(os.path.join(os.path.dirname(file), name))
        real = os.path.realpath(full)
        inputs = {os.path.realpath(file)} | {os.path.realpath(raw.source.file) for raw in raw_items}
        report = None
        if not name.lower().endswith(".json"):
            report = "the feed state file must end in .json"
        elif real in inputs:
            report = "the feed state file would overwrite a plan or item file"
        elif not self.caps.allow_outside and not _inside(real, self.root):
            report = "the feed state file is outside the plan's folder"
        if report:
            self.problem(
                f"{report}: {_quote(name)}",
                file=file,
                line=lines.line("feeds.state_file"),
                path="feeds.state_file",
                hint='e.g. state_file = ".contentcal/feed-state.json"; '
                "set allow_outside = true in [limits] to keep it elsewhere",
                code="unsafe-path",
            )

    def settings_table(
        self,
        data: dict[str, Any],
        name: str,
        spec: Mapping[str, _Field],
        settings_type: type[_SettingsT],
        file: str,
        lines: _TomlLines,
    ) -> _SettingsT:
        """A settings table such as ``[schedule]`` converted by `spec`; defaults when absent."""
        if name not in data:
            return settings_type()
        values = self.fields(
            data[name], spec, file=file, path=name, line_of=lines.line, what=f"[{name}]"
        )
        return settings_type(**values) if values else settings_type()

    def read_text(self, file: str, *, is_plan: bool = False, line: int | None = None) -> str | None:
        most = Limits().file_bytes if is_plan else self.caps.file_bytes
        try:
            data = read_regular(file, most)
        except NotRegularError as exc:
            if exc.kind == "a directory":
                self.problem(
                    "is a directory, not a file", file=file, hint="name the plan's .toml file"
                )
            else:
                self.problem(
                    f"is {exc.kind}, not a regular file",
                    file=file,
                    hint="contentcal only reads regular files; name a file",
                    code="file-unreadable",
                )
            return None
        except TooLargeError:
            self.problem(
                f"is larger than {most:,} bytes",
                file=file,
                hint="split it into several files, or raise file_bytes in [limits]"
                + (" (the plan file itself is always held to the default)" if is_plan else ""),
                code="limit-exceeded",
            )
            return None
        except FileNotFoundError:
            if is_plan:
                raise PlanFileNotFoundError(
                    [
                        Problem(
                            "plan file not found",
                            file=file,
                            hint="check the path; a plan is a .toml file",
                            code="file-not-found",
                        )
                    ]
                ) from None
            self.problem(
                "file not found", file=file, hint="check the include path", code="file-not-found"
            )
            return None
        except IsADirectoryError:
            self.problem("is a directory, not a file", file=file, hint="name the plan's .toml file")
            return None
        except OSError as exc:
            self.problem(f"cannot be read: {exc.strerror}", file=file, code="file-unreadable")
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad_line = data[: exc.start].count(b"\n") + 1
            self.problem(
                "is not valid UTF-8 text",
                file=file,
                line=bad_line,
                hint="save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
                code="bad-encoding",
            )
            return None

    def parse_toml(self, text: str, file: str) -> dict[str, Any] | None:
        try:
            return tomllib.loads(text)
        except RecursionError:
            self.nesting_problem(file)
            return None
        except ValueError as exc:
            if not isinstance(exc, tomllib.TOMLDecodeError):
                # int() refuses numbers over 4,300 digits with a plain ValueError.
                self.problem(
                    "invalid TOML: a number is too long",
                    file=file,
                    hint="numbers in a plan have at most a few digits",
                    code="syntax-error",
                )
                return None
            message = str(exc)
            where = re.search(r"\(at line (\d+), column (\d+)\)", message)
            line = column = None
            if where:
                line, column = int(where.group(1)), int(where.group(2))
                message = message[: where.start()].strip()
            elif "(at end of document)" in message:
                line = text.count("\n") + 1
                message = message.replace("(at end of document)", "").strip()
            self.problem(
                f"invalid TOML: {message[:1].lower() + message[1:]}",
                file=file,
                line=line,
                column=column,
                hint="see https://toml.io for the syntax; strings need quotes",
                code="syntax-error",
            )
            return None

    def brand(self, data: dict[str, Any], file: str, lines: _TomlLines) -> Brand | None:
        if "brand" not in data:
            self.problem(
                "the plan has no [brand] table",
                file=file,
                line=1,
                path="brand",
                hint='add [brand] with name = "..." and timezone = "Asia/Jakarta"',
                code="missing-field",
            )
            return None
        values = self.fields(
            data["brand"],
            _BRAND_FIELDS,
            file=file,
            path="brand",
            line_of=lines.line,
            what="[brand]",
        )
        if values is None or "name" not in values or "timezone" not in values:
            return None
        return Brand(**values)

    def keyed(
        self, data: dict[str, Any], name: str, file: str, lines: _TomlLines
    ) -> Iterator[tuple[str, object]]:
        tables = data.get(name, {})
        if not isinstance(tables, dict):
            self.problem(
                f"{name} must be tables like [{name}.<id>], got {_kind(tables)}",
                file=file,
                line=lines.line(name),
                path=name,
            )
            return
        for key, table in tables.items():
            if not key.strip():
                self.problem(
                    f"a key in [{name}] is empty", file=file, line=lines.line(name), path=name
                )
                continue
            yield key, table

    def goals(self, data: dict[str, Any], file: str, lines: _TomlLines) -> dict[str, Goal]:
        goals = {}
        for key, table in self.keyed(data, "goals", file, lines):
            values = self.fields(
                table,
                _GOAL_FIELDS,
                file=file,
                path=f"goals.{key}",
                line_of=lines.line,
                what=f"goal {_quote(key)}",
            )
            if values is not None and "statement" in values:
                goals[key] = Goal(id=key, **values)
        return goals

    def pillars(self, data: dict[str, Any], file: str, lines: _TomlLines) -> dict[str, Pillar]:
        if "pillars" not in data:
            return {
                pillar_id: Pillar(id=pillar_id, description=description, color=color)
                for pillar_id, description, color in DEFAULT_PILLARS
            }
        pillars = {}
        for key, table in self.keyed(data, "pillars", file, lines):
            values = self.fields(
                table,
                _PILLAR_FIELDS,
                file=file,
                path=f"pillars.{key}",
                line_of=lines.line,
                what=f"pillar {_quote(key)}",
            )
            if values is not None:
                pillars[key] = Pillar(id=key, **values)
        return pillars

    def platforms(
        self, data: dict[str, Any], file: str, lines: _TomlLines, brand: Brand | None
    ) -> dict[str, Platform]:
        platforms = {}
        for key, table in self.keyed(data, "platforms", file, lines):
            path = f"platforms.{key}"
            values = self.fields(
                table,
                _PLATFORM_FIELDS,
                file=file,
                path=path,
                line_of=lines.line,
                what=f"platform {_quote(key)}",
            )
            if values is None:
                continue
            ok = True
            if "network" not in values:
                alias = _NETWORK_ALIASES.get(key.lower(), key.lower())
                if alias in Network._value2member_map_:
                    values["network"] = Network(alias)
                elif isinstance(table, dict) and "network" not in table:
                    ok = False
                    self.problem(
                        f"platform {_quote(key)} does not say which network it is on",
                        file=file,
                        line=lines.line(path),
                        path=f"{path}.network",
                        hint=f'add network = "instagram" (or another network); '
                        f"{_did_you_mean(key.lower(), [n.value for n in Network])}",
                        code="missing-field",
                    )
                else:
                    ok = False
            if "slots" in values:
                values["slots"] = self.slots(values["slots"], file, path, lines)
                self.check_slots_per_day(values["slots"], file, path, lines)
            if "limits" in values:
                values["limits"] = self.limits(values["limits"], file, path, lines)
            timezone = values.pop("timezone", None) or (brand.timezone if brand else "UTC")
            if ok:
                platforms[key] = Platform(id=key, timezone=timezone, **values)
        return platforms

    def slots(self, raw: object, file: str, path: str, lines: _TomlLines) -> tuple[str, ...]:
        from contentcal.scheduling.cadence import CadenceError, parse_slot  # noqa: PLC0415 - keep start-up light

        entries = [raw] if isinstance(raw, str) else raw
        if not isinstance(entries, list):
            self.problem(
                f"slots must be a list of texts, got {_kind(raw)}",
                file=file,
                line=lines.line(f"{path}.slots"),
                path=f"{path}.slots",
                hint='e.g. slots = ["MO,WE,FR 19:00", "SA 10:00"]',
            )
            return ()
        result = []
        for index, entry in enumerate(entries):
            slot_path = f"{path}.slots[{index}]"
            if not isinstance(entry, str):
                self.problem(
                    f"a slot must be text, got {_kind(entry)}",
                    file=file,
                    line=lines.line(f"{path}.slots"),
                    path=slot_path,
                    hint='e.g. "MO,WE,FR 19:00"',
                )
                continue
            try:
                parse_slot(entry)
            except CadenceError as exc:
                self.problem(
                    exc.message,
                    file=file,
                    line=lines.line(f"{path}.slots"),
                    path=slot_path,
                    hint=exc.hint,
                    code="bad-slot",
                )
                continue
            result.append(entry)
        return tuple(result)

    def check_slots_per_day(
        self, slots: Sequence[str], file: str, path: str, lines: _TomlLines
    ) -> None:
        from contentcal.scheduling.cadence import parse_slot  # noqa: PLC0415 - cached, parsed above

        most = self.caps.slots_per_day
        count = sum(_slots_per_day(parse_slot(text)) for text in slots)
        if count > most:
            self.problem(
                f"the slots give up to {count:,} posting times a day; at most {most} are allowed",
                file=file,
                line=lines.line(f"{path}.slots"),
                path=f"{path}.slots",
                hint="a platform needs a few slots a day; raise slots_per_day in [limits] "
                "if yours needs more",
                code="limit-exceeded",
            )

    def limits(self, raw: object, file: str, path: str, lines: _TomlLines) -> dict[str, int]:
        if not isinstance(raw, dict):
            self.problem(
                f"limits must be a table of whole numbers, got {_kind(raw)}",
                file=file,
                line=lines.line(f"{path}.limits"),
                path=f"{path}.limits",
                hint="e.g. limits = { text = 1000 }",
            )
            return {}
        from contentcal.networks.limits import LIMIT_KINDS  # noqa: PLC0415 - only plans with limits

        result = {}
        for key, value in raw.items():
            if key not in LIMIT_KINDS:
                self.problem(
                    f"unknown limit {_quote(key)}",
                    file=file,
                    line=lines.line(f"{path}.limits"),
                    path=f"{path}.limits.{key}",
                    hint=_did_you_mean(key, LIMIT_KINDS),
                    code="unknown-key",
                )
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                self.problem(
                    f"limit {_quote(key)} must be a positive whole number, got {_quote(value)}",
                    file=file,
                    line=lines.line(f"{path}.limits"),
                    path=f"{path}.limits.{key}",
                    hint="e.g. limits = { text = 1000 }",
                )
                continue
            result[key] = value
        return result

    def includes(self, data: dict[str, Any], plan_path: str, lines: _TomlLines) -> list[str]:
        raw = data.get("include", [])
        patterns = [raw] if isinstance(raw, str) else raw
        if not isinstance(patterns, list):
            self.problem(
                f"include must be a list of file names, got {_kind(raw)}",
                file=plan_path,
                line=lines.line("include"),
                path="include",
                hint='e.g. include = ["items/*.csv"]',
            )
            return []
        caps = self.caps
        if len(patterns) > caps.patterns:
            self.problem(
                f"include has {len(patterns):,} entries; at most {caps.patterns:,} are allowed",
                file=plan_path,
                line=lines.line("include"),
                path="include",
                hint="use patterns such as items/*.csv, or raise patterns in [limits]",
                code="limit-exceeded",
            )
            return []
        base = os.path.dirname(plan_path)
        files: list[str] = []
        seen: set[str] = set()  # a set: thousands of patterns must not cost quadratic time
        for index, pattern in enumerate(patterns):
            path = f"include[{index}]"
            if not isinstance(pattern, str) or not pattern.strip():
                self.problem(
                    f"an include must be a file name or pattern, got {_quote(pattern)}",
                    hint='e.g. include = ["items/*.csv"]',
                    file=plan_path,
                    line=lines.line("include"),
                    path=path,
                )
                continue
            full = os.path.normpath(os.path.join(base, pattern))
            if not caps.allow_outside and not _inside(
                os.path.realpath(_fixed_part(full)), self.root
            ):
                self.problem(
                    f"include {_quote(pattern)} is outside the plan's folder",
                    hint="move the file into the plan's folder (or below it), or set "
                    "allow_outside = true in [limits] if you trust the whole path",
                    code="unsafe-path",
                    file=plan_path,
                    line=lines.line("include"),
                    path=path,
                )
                continue
            if glob.has_magic(pattern):
                matches = []
                for match in glob.iglob(full, recursive=True):
                    # Not isfile(): a FIFO or device that matches is reported, not skipped.
                    if not os.path.isdir(match) and _is_item_file(match):
                        matches.append(match)
                    if len(seen) + len(matches) > caps.files:
                        break
                if not matches:
                    self.problem(
                        f"include pattern {_quote(pattern)} matches no item file",
                        hint=f"looked for {full}; item files end in .csv, .jsonl or .toml",
                        code="file-not-found",
                        file=plan_path,
                        line=lines.line("include"),
                        path=path,
                    )
                candidates = sorted(matches)
            elif not os.path.lexists(full):
                self.problem(
                    f"included file {_quote(pattern)} does not exist",
                    hint=f"looked for {full}; paths are relative to the plan file",
                    code="file-not-found",
                    file=plan_path,
                    line=lines.line("include"),
                    path=path,
                )
                continue
            elif not _is_item_file(full):
                self.problem(
                    f"cannot include {_quote(pattern)}: unknown file type",
                    hint="item files end in .csv, .jsonl (JSON lines) or .toml",
                    file=plan_path,
                    line=lines.line("include"),
                    path=path,
                )
                continue
            else:
                candidates = [full]
            for candidate in candidates:
                if candidate in seen:
                    continue
                if not caps.allow_outside and not _inside(os.path.realpath(candidate), self.root):
                    self.problem(
                        f"{_quote(candidate)} leads outside the plan's folder "
                        "(a symbolic link or a folder link)",
                        hint="copy the file into the plan's folder, or set allow_outside = true "
                        "in [limits] if you trust where it leads",
                        code="unsafe-path",
                        file=plan_path,
                        line=lines.line("include"),
                        path=path,
                    )
                    continue
                seen.add(candidate)
                files.append(candidate)
                if len(files) > caps.files:
                    self.problem(
                        f"the includes match more than {caps.files:,} files",
                        hint="include fewer, larger files, or raise files in [limits]",
                        code="limit-exceeded",
                        file=plan_path,
                        line=lines.line("include"),
                        path=path,
                    )
                    return files[: caps.files]
        return files

    def item_file(self, file: str) -> list[_RawItem]:
        text = self.read_text(file)
        if text is None:
            return []
        suffix = Path(file).suffix.lower()
        if suffix == ".csv":
            return list(self.csv_items(text, file))
        if suffix in (".jsonl", ".ndjson"):
            return list(self.jsonl_items(text, file))
        data = self.parse_toml(text, file)
        if data is None:
            return []
        if _depth(data, self.caps.nesting):
            self.nesting_problem(file)
            return []
        lines = _TomlLines(text)
        for key in data:
            if key != "items":
                self.problem(
                    f"an included TOML file may only hold [[items]], found {_quote(key)}",
                    file=file,
                    line=lines.line(key),
                    path=key,
                    hint="move brand, goals, pillars and platforms into the main plan file",
                    code="unknown-key",
                )
        return list(self.toml_items(data, file, lines, top_level=False))

    def toml_items(
        self, data: dict[str, Any], file: str, lines: _TomlLines, *, top_level: bool
    ) -> Iterator[_RawItem]:
        items = data.get("items", [])
        if not isinstance(items, list):
            self.problem(
                f"items must be written as [[items]] tables, got {_kind(items)}",
                file=file,
                line=lines.line("items"),
                path="items",
                hint="start each item with a line [[items]]",
            )
            return
        for index, table in enumerate(items):
            path = f"items[{index}]"
            line = lines.item_lines[index] if index < len(lines.item_lines) else lines.line(path)
            item = self.item(table, file, path, line, lines.line)
            if item is not None:
                yield item

    def csv_items(self, text: str, file: str) -> Iterator[_RawItem]:
        first_line = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first_line.count)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            self.problem("the CSV file is empty", file=file, hint="add a header row of item fields")
            return
        except csv.Error as exc:
            self.problem(f"invalid CSV: {exc}", file=file, line=1, code="syntax-error")
            return
        if len(header) > self.caps.columns:
            self.problem(
                f"the header has {len(header):,} columns; at most {self.caps.columns:,} "
                "are allowed",
                file=file,
                line=1,
                hint="an item file needs one column per item field; raise columns in [limits] "
                "if you really need more",
                code="limit-exceeded",
            )
            return
        columns: list[str | None] = []
        for position, name in enumerate(header, start=1):
            key = name.strip().lower().replace(" ", "_")
            if not key:
                columns.append(None)
                continue
            if key not in _ITEM_FIELDS:
                self.problem(
                    f"unknown column {_quote(name.strip())}",
                    file=file,
                    line=1,
                    path=f"column {position}",
                    hint=_did_you_mean(key, ITEM_FIELDS),
                    code="unknown-key",
                )
                columns.append(None)
                continue
            columns.append(key)
        index = 0
        previous_end = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                self.problem(
                    f"invalid CSV: {exc}",
                    file=file,
                    line=previous_end + 1,
                    hint="check the quotes in this row; a cell with a line break must be quoted",
                    code="syntax-error",
                )
                return
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if index >= self.caps.rows:
                self._too_many_rows(file, start)
                return
            if len(row) > len(columns):
                self.problem(
                    f"row has {len(row)} cells but the header has {len(columns)} columns",
                    file=file,
                    line=start,
                    path=f"items[{index}]",
                    hint="quote cells that contain the delimiter "
                    f"{delimiter!r}, or add a column name to the header",
                )
            table = {
                key: cell.strip() if key != "copy" else cell
                for key, cell in zip(columns, row, strict=False)
                if key is not None
            }
            item = self.item(table, file, f"items[{index}]", start, _fixed_line(start))
            index += 1
            if item is not None:
                yield item

    def _too_many_rows(self, file: str, line: int) -> None:
        self.problem(
            f"the file has more than {self.caps.rows:,} items",
            file=file,
            line=line,
            hint="split it into several files, or raise rows in [limits]",
            code="limit-exceeded",
        )

    def jsonl_items(self, text: str, file: str) -> Iterator[_RawItem]:
        index = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if index >= self.caps.rows:
                self._too_many_rows(file, number)
                return
            try:
                table = json.loads(line)
            except json.JSONDecodeError as exc:
                self.problem(
                    f"invalid JSON: {exc.msg}",
                    file=file,
                    line=number,
                    column=exc.colno,
                    hint="each line must be one JSON object",
                    code="syntax-error",
                )
                continue
            except RecursionError:
                self.nesting_problem(file, number)
                continue
            except ValueError:  # int() refuses numbers over 4,300 digits
                self.problem(
                    "invalid JSON: a number is too long",
                    file=file,
                    line=number,
                    hint="numbers in an item have at most a few digits",
                    code="syntax-error",
                )
                continue
            if _depth(table, self.caps.nesting):
                self.nesting_problem(file, number)
                continue
            path = f"items[{index}]"
            index += 1
            item = self.item(table, file, path, number, _fixed_line(number))
            if item is not None:
                yield item

    def item(
        self,
        table: object,
        file: str,
        path: str,
        line: int | None,
        line_of: Callable[[str], int | None],
    ) -> _RawItem | None:
        label = path
        if isinstance(table, dict) and isinstance(table.get("id"), str) and table["id"].strip():
            label = f"item {_quote(table['id'].strip())}"
        values = self.fields(table, _ITEM_FIELDS, file=file, path=path, line_of=line_of, what=label)
        if values is None or any(key not in values for key in ("id", "platform", "title")):
            return None
        assert isinstance(table, dict)  # noqa: S101 - fields() returned None otherwise
        return _RawItem(
            values=values,
            raw_at=values.pop("at", None),
            raw_updated=values.pop("updated", None),
            source=Source(file=file, line=line, path=path),
            path=path,
            line_of=line_of,
        )

    def resolve_items(
        self,
        raw_items: list[_RawItem],
        brand: Brand | None,
        goals: Mapping[str, Goal],
        pillars: Mapping[str, Pillar],
        platforms: Mapping[str, Platform],
    ) -> tuple[ContentItem, ...]:
        seen: dict[str, Source] = {}
        items = []
        for raw in raw_items:
            values = raw.values
            file, path = raw.source.file, raw.path
            item_id = values["id"]
            ok = True

            def report(key: str, message: str, hint: str | None, code: str) -> None:
                self.problem(
                    f"item {_quote(item_id)}: {message}",  # noqa: B023 - used within this iteration
                    file=file,  # noqa: B023
                    line=raw.line_of(f"{path}.{key}"),  # noqa: B023
                    path=f"{path}.{key}",  # noqa: B023
                    hint=hint,
                    code=code,
                )

            if item_id in seen:
                first = seen[item_id]
                where = first.file + (f":{first.line}" if first.line else "")
                report(
                    "id",
                    f"duplicate id {_quote(item_id)}",
                    f"already used at {where}; ids must be unique across all files",
                    "duplicate-id",
                )
                ok = False
            else:
                seen[item_id] = raw.source
            platform = platforms.get(values["platform"])
            if platform is None:
                report(
                    "platform",
                    f"unknown platform {_quote(values['platform'])}",
                    _unknown_reference_hint(values["platform"], platforms, "platforms"),
                    "unknown-reference",
                )
                ok = False
            for key, known, table in (("pillar", pillars, "pillars"), ("goal", goals, "goals")):
                if key in values and values[key] not in known:
                    report(
                        key,
                        f"unknown {key} {_quote(values[key])}",
                        _unknown_reference_hint(values[key], known, table),
                        "unknown-reference",
                    )
                    ok = False
            zone_name = platform.timezone if platform else (brand.timezone if brand else "UTC")
            for key, raw_value in (("at", raw.raw_at), ("updated", raw.raw_updated)):
                if raw_value is None:
                    continue
                try:
                    values[key] = _moment(raw_value, zone_name, allow_date=key == "at")
                except _ConversionError as exc:
                    report(key, exc.message, exc.hint, "plan-invalid")
                    ok = False
            if ok:
                if "owner" not in values and platform is not None and platform.owner:
                    values["owner"] = platform.owner
                items.append(ContentItem(**values, source=raw.source))
        return tuple(items)


def _unknown_reference_hint(value: str, known: Mapping[str, Any], table: str) -> str:
    if not known:
        return f"the plan defines no {table}; add [{table}.{value}]"
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"define [{table}.{value}] or use one of: " + ", ".join(sorted(known)[:12])


_MOMENT = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)


def _moment(raw: object, zone_name: str, *, allow_date: bool) -> dt.datetime | dt.date:
    """Convert an ``at``/``updated`` value; local times belong to `zone_name`."""
    hint = "write e.g. 2026-12-02T19:00 (the platform's local time) or 2026-12-02T12:00Z (UTC)"
    if isinstance(raw, str):
        match = _MOMENT.fullmatch(raw.strip()) if len(raw) <= 100 else None
        if not match:
            raise _ConversionError(f"expected a date-time, got {_quote(raw)}", hint)
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
            raise _ConversionError(f"not a real date or time: {_quote(raw)}", hint) from None
    if isinstance(raw, dt.date):
        # Checked before any zone conversion, which overflows near year 1 and 9999.
        _in_range(raw.date() if isinstance(raw, dt.datetime) else raw)
    if isinstance(raw, dt.datetime):
        if raw.tzinfo is None:
            return localize(raw, get_zone(zone_name))
        return raw
    if isinstance(raw, dt.date):
        if allow_date:
            return raw
        raise _ConversionError("expected a date-time, got a date", hint)
    if isinstance(raw, dt.time):
        raise _ConversionError("expected a date and a time, got only a time", hint)
    raise _ConversionError(f"expected a date-time, got {_kind(raw)}", hint)


def _fixed_line(line: int) -> Callable[[str], int | None]:
    """Line lookup for formats where a whole item sits on known lines (CSV, JSON lines)."""

    def line_of(_path: str) -> int | None:
        return line

    return line_of


def _slots_per_day(rule: Any) -> int:
    """The most times one slot entry can give on one day (an upper bound, cheap to tell)."""
    if rule.rrule is None:
        return len(rule.times)
    parts = dict(part.split("=", 1) for part in rule.rrule.split(";") if "=" in part)
    count = 1
    for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if name in parts:
            count *= len(set(parts[name].split(",")))
    return count


def _inside(path: str, root: str) -> bool:
    """Whether the (real) `path` is `root` or below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _fixed_part(pattern: str) -> str:
    """The leading folders of a glob pattern before its first wildcard."""
    parts = pattern.split(os.sep)
    for index, part in enumerate(parts):
        if glob.has_magic(part):
            return os.sep.join(parts[:index]) or (os.sep if pattern.startswith(os.sep) else ".")
    return pattern


def _is_item_file(name: str) -> bool:
    return Path(name).suffix.lower() in (".csv", ".jsonl", ".ndjson", ".toml")


def load(path: str | os.PathLike[str]) -> Plan:
    """Load a plan file and everything it includes.

    Raises :class:`~contentcal.errors.PlanError` listing every problem found (with file,
    line, key path and a hint), or its subclass
    :class:`~contentcal.errors.PlanFileNotFoundError` when `path` does not exist.
    """
    return _Loader().load(os.fspath(path))
