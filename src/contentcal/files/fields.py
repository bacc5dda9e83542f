"""One table of fields, and the converters that turn raw values into model values.

Every reader (TOML plan, CSV, JSON lines, included TOML) hands raw tables to
:mod:`contentcal.files.build`, which converts them here, field by field. A converter takes
the raw value as TOML, JSON or CSV gives it (CSV always gives text) and returns the model
value, or raises :class:`ConversionError` with a hint that shows the expected form.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import re
import reprlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from contentcal import hints
from contentcal.errors import Problem, Severity
from contentcal.model import (
    Account,
    Blackout,
    HolidayMode,
    Horizon,
    Media,
    Network,
    Status,
)
from contentcal.model.bounds import EARLIEST, LATEST, LONGEST
from contentcal.model.settings import MAX_THRESHOLD_DAYS, Thresholds
from contentcal.model.zones import aware, get_zone, suggest_zone
from contentcal.publishing.links import is_base_url


class ConversionError(ValueError):
    """A value could not be converted; carries the message and a fix hint."""

    def __init__(self, message: str, hint: str | None = None, code: str = "plan-invalid") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code


class ManyConversionsError(ConversionError):
    """Several keys of one table-valued field failed; each is reported at its own path."""

    def __init__(self, errors: list[tuple[str, ConversionError]]) -> None:
        super().__init__(errors[0][1].message, errors[0][1].hint, errors[0][1].code)
        self.errors = errors


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
        return bounded_repr(x, 40)


def bounded_repr(text: str, limit: int) -> str:
    r"""``repr(text)``, cut (with ``…``) so that it holds at most `limit` characters between
    its quotes *as escaped*: forty ESC characters are 160 characters once escaped.

    >>> bounded_repr("spring-sale", 40)
    "'spring-sale'"
    >>> print(bounded_repr("\x1b" * 40, 12))
    '\x1b\x1b\x1b…'
    """
    whole = repr(text)
    if len(whole) <= limit + 2:
        return whole
    low, high = 0, min(len(text), limit)  # the longest prefix whose repr fits
    while low < high:
        middle = (low + high + 1) // 2
        if len(repr(text[:middle] + "…")) <= limit + 3:
            low = middle
        else:
            high = middle - 1
    return repr(text[:low] + "…")


_SHORT_REPR = _ShortRepr()


def quote(raw: object) -> str:
    """How a message quotes a value from the user's files: at most a short excerpt, with
    control characters and lone surrogates escaped (a file's content is not echoed whole)."""
    return _SHORT_REPR.repr(raw)


NAME_LIMIT = 80
"""How much of a name the plan defines (an item, goal, platform or story id) a message quotes:
real ids run longer than a value's excerpt (``pangkas-rambut-rembulan-google-business-00041``)
and are shown whole up to this; a longer one is cut like any excerpt."""


def quote_name(raw: object) -> str:
    """:func:`quote` for an id the plan defines: whole up to :data:`NAME_LIMIT` characters.

    >>> quote_name("pangkas-rambut-rembulan-google-business-00041")
    "'pangkas-rambut-rembulan-google-business-00041'"
    >>> len(quote_name("x" * 500))
    83
    """
    if not isinstance(raw, str):
        return quote(raw)
    return bounded_repr(raw, NAME_LIMIT)


def excerpt(raw: object) -> str:
    r""":func:`quote_name` without the quotes, for a name inside other text (``[stories.x]``).

    >>> excerpt("spring-sale")
    'spring-sale'
    >>> print(excerpt("a\x1b[2J"))
    a\x1b[2J
    """
    quoted = quote_name(str(raw))
    return quoted[1:-1]


SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: text decoded from JSON escapes may hold one, and it is not text."""
LARGEST_INTEGER = 999_999_999


# --- value converters -------------------------------------------------------------------------
#
# Each converter takes the raw value as TOML, JSON or CSV gives it (CSV always gives str) and
# returns the model value or raises ConversionError with a hint that shows the expected form.


def text(raw: object) -> str:
    if isinstance(raw, str):
        if SURROGATE.search(raw):
            raise ConversionError(
                f"{quote(raw)} holds a lone surrogate (an unpaired \\ud800-\\udfff escape), "
                "which is not text",
                "fix the \\u escapes in this value (emoji need both halves of the pair)",
            )
        return raw
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ConversionError(f"expected text, got {raw!r}", 'put the value in quotes, e.g. "..."')
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 128:
        raise ConversionError("expected text, got a very large number", "put it in quotes")
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
        if abs(raw) > LARGEST_INTEGER:
            raise ConversionError(
                f"{quote(raw)} is too large", f"use a whole number up to {LARGEST_INTEGER:,}"
            )
        return raw
    if isinstance(raw, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", raw):
        return int(raw)
    raise ConversionError(f"expected a whole number, got {quote(raw)}", "e.g. 2")


def number(raw: object) -> float:
    if isinstance(raw, bool):
        raise ConversionError(f"expected a number, got {kind(raw)}")
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
        raise ConversionError(
            f"expected a finite number, got {quote(raw)}", "use an ordinary number, e.g. 2000"
        )
    raise ConversionError(f"expected a number, got {quote(raw)}", "e.g. 2000")


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
    if isinstance(raw, list | tuple):
        return tuple(text(value).strip() for value in raw if text(value).strip())
    raise ConversionError(f"expected a list, got {kind(raw)}", 'e.g. ["promo", "batik"]')


def date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        raise ConversionError("expected a date without a time", "e.g. 2027-03-31")
    if isinstance(raw, dt.date):
        return in_range(raw)
    if isinstance(raw, str):
        try:
            day = dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
        else:
            return in_range(day)
    raise ConversionError(
        f"expected a date, got {quote(raw)}", "write dates as YYYY-MM-DD, e.g. 2027-03-31"
    )


def in_range(day: dt.date) -> dt.date:
    """`day`, or a ConversionError when it lies outside the years contentcal works in."""
    if not EARLIEST <= day <= LATEST:
        raise ConversionError(
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
        raise ValueError(f"unknown duration {quote(text)}")
    iso = _ISO_DURATION.fullmatch(value)
    seconds: float
    if iso and value.upper() not in ("P", "PT") and not value.upper().endswith("T"):
        units = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
        seconds = sum(int(number) * units[key] for key, number in iso.groupdict().items() if number)
    else:
        compact = value.replace(" ", "")
        if not compact or _DURATION_PART.sub("", compact) != "":
            raise ValueError(f"unknown duration {quote(text)}")
        seconds = sum(
            float(number) * _UNIT_SECONDS[unit.lower()]
            for number, unit in _DURATION_PART.findall(compact)
        )
    # Compared before timedelta() sees it: a huge count would overflow there.
    if not seconds <= LONGEST.total_seconds():
        raise ValueError(f"duration {quote(text)} is longer than {LONGEST.days // 365} years")
    return dt.timedelta(seconds=seconds)


def duration(raw: object) -> dt.timedelta:
    if isinstance(raw, dt.timedelta):
        return raw  # a plan built in code
    if isinstance(raw, str):
        try:
            return parse_duration(raw)
        except ValueError as exc:
            if "longer than" in str(exc):
                raise ConversionError(str(exc), "use a shorter duration") from None
    raise ConversionError(
        f"expected a duration, got {quote(raw)}", 'write e.g. "90m", "2h", "1d", "1h30m" or "PT2H"'
    )


def zone_name(raw: object) -> str:
    name = identifier(raw)
    if len(name) > 64:  # IANA names are at most about 30 characters
        raise ConversionError(
            f"unknown time zone {quote(name)}",
            "use an IANA name such as 'Asia/Jakarta' or 'Europe/Berlin'",
        )
    try:
        get_zone(name)
    except ValueError:
        raise ConversionError(f"unknown time zone {quote(name)}", suggest_zone(name)) from None
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
            raise ConversionError(
                f"unknown {noun} {quote(value)}", did_you_mean(value, names)
            ) from None

    return convert


NETWORK_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "gmb": "google-business"}


def blackouts(raw: object) -> tuple[Blackout, ...]:
    entries = raw if isinstance(raw, list | tuple) else [raw]
    result = []
    for entry in entries:
        if isinstance(entry, Blackout):  # a plan built in code
            entry = {"dates": f"{entry.first}..{entry.last}", "reason": entry.reason}
            if entry["reason"] is None:
                del entry["reason"]
        reason = None
        dates: object = entry
        if isinstance(entry, dict):
            unknown = set(entry) - {"dates", "date", "reason"}
            if unknown:
                raise ConversionError(
                    f"unknown key {quote(sorted(unknown)[0])} in a blackout",
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
                f"expected a date or a range of dates, got {quote(dates)}",
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
    if isinstance(raw, dt.timedelta):
        return "a duration"
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
    raise ConversionError(
        f"expected true or false, got {quote(raw)}", "write true or false, unquoted"
    )


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
    """An absolute http(s) URL without white space, ending in ``/`` (feeds land inside it)."""
    value = identifier(raw)
    if not is_base_url(value):
        raise ConversionError(
            f"expected an absolute http(s) URL without spaces, got {quote(value)}",
            'e.g. base_url = "https://example.com/cal/"',
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


def limit(most: int) -> Callable[[object], int]:
    """A converter for one ``[limits]`` number: a whole number from 1 to `most`."""

    def convert(raw: object) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= most:
            raise ConversionError(
                f"expected a whole number from 1 to {most:,}, got {quote(raw)}",
                "see docs/security.md for the defaults",
            )
        return raw

    return convert


LIMIT_FIELDS = {
    "allow_outside": Field(boolean),
    "file_bytes": Field(limit(2**40)),
    "rows": Field(limit(10**9)),
    "columns": Field(limit(10_000)),
    # Parsers recurse once per level; past a few hundred Python's stack runs out.
    "nesting": Field(limit(200)),
    "patterns": Field(limit(10**6)),
    "files": Field(limit(10**7)),
    "slots_per_day": Field(limit(1440)),
    "horizon_days": Field(limit(LONGEST.days)),
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
    "ignore": Field(lambda raw: rule_names(raw)),
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
    "limits",
)
SETTINGS_TABLES: tuple[str, ...] = ()
"""Tables kept raw in ``Plan.settings`` for parts that convert their own (none today)."""


# --- the [check] table ---------------------------------------------------------------------------


@functools.cache
def _known_rules() -> tuple[frozenset[str], tuple[str, ...]]:
    """Every rule name and code, and the names alone (for hints)."""
    # Rule names are data of the check part; imported on first use, so loading a plan
    # without [check] or `ignore` does not pay for the rules module.
    from contentcal.checking.rules import RULES  # noqa: PLC0415

    names = tuple(sorted(rule.name for rule in RULES))
    return frozenset(names) | {rule.code for rule in RULES}, names


def rule_hint(value: str) -> str:
    """A hint for an unknown rule: the closest name, or where every rule is listed."""
    otherwise = "see docs/rules.md for every rule's name and code"
    return hints.did_you_mean(value, _known_rules()[1], otherwise=otherwise) or otherwise


def rule_names(raw: object) -> tuple[str, ...]:
    """Rule names or codes, as a list or comma-separated text; unknown ones are refused."""
    names = text_list(raw)
    known, _ = _known_rules()
    for name in names:
        if name not in known:
            raise ConversionError(f"unknown rule {name!r}", rule_hint(name), "unknown-key")
    return names


def severities(raw: object) -> dict[str, Severity]:
    """A table of rule name or code → ``error``, ``warning`` or ``info``."""
    if not isinstance(raw, Mapping):
        raise ConversionError(
            f"expected a table of rule = severity, got {kind(raw)}",
            'e.g. severity = { "posting-gap" = "info" }',
        )
    known, _ = _known_rules()
    result = {}
    errors = []
    for name, level in raw.items():
        if name not in known:
            errors.append(
                (name, ConversionError(f"unknown rule {name!r}", rule_hint(name), "unknown-key"))
            )
        elif level not in Severity._value2member_map_:
            errors.append(
                (name, ConversionError(f"unknown severity {level!r}", "use error, warning or info"))
            )
        else:
            result[str(name)] = Severity(level)
    if errors:
        raise ManyConversionsError(errors)
    return result


def _threshold(name: str, default: Any) -> Callable[[object], Any]:
    """The converter of one threshold: a share from 0 to 1, a day count or a count."""
    # Shares are fractions; day counts stay within what dates can hold (and what a schedule
    # can compute quickly); other counts are whole numbers. The schedule rules' window cannot
    # be empty (an empty window is refused like a reversed one), so it starts at one day.
    minimum = 1 if name == "window_days" else 0
    if isinstance(default, float):
        expected, maximum = "a number from 0 to 1", 1.0
    elif name.endswith("_days"):
        expected = f"a whole number of days from {minimum} to {MAX_THRESHOLD_DAYS}"
        maximum = MAX_THRESHOLD_DAYS
    else:
        expected, maximum = "a whole number, 0 or more", float("inf")

    def convert(raw: object) -> Any:
        if (
            isinstance(raw, bool)
            or not isinstance(raw, int | float)
            or not minimum <= raw <= maximum
            or (isinstance(default, int) and isinstance(raw, float) and not raw.is_integer())
        ):
            raise ConversionError(
                f"check.{name} must be {expected}, got {raw!r}", f"the default is {default}"
            )
        return type(default)(raw)

    return convert


THRESHOLD_FIELDS = {
    field.name: Field(_threshold(field.name, field.default)) for field in attrs.fields(Thresholds)
}
CHECK_FIELDS = {
    "select": Field(rule_names),
    "ignore": Field(rule_names),
    "severity": Field(severities),
    **THRESHOLD_FIELDS,
    # Thresholds may be spelt with dashes, like rule names (near-duplicate = 0.9).
    **{name.replace("_", "-"): field for name, field in THRESHOLD_FIELDS.items() if "_" in name},
}


MOMENT_PATTERN = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)


def moment(raw: object, zone_name: str, *, allow_date: bool) -> dt.datetime | dt.date:
    """Convert an ``at``/``updated`` value; local times belong to `zone_name`."""
    hint = "write e.g. 2026-12-02T19:00 (the platform's local time) or 2026-12-02T12:00Z (UTC)"
    if isinstance(raw, str):
        match = MOMENT_PATTERN.fullmatch(raw.strip()) if len(raw) <= 100 else None
        if not match:
            raise ConversionError(f"expected a date-time, got {quote(raw)}", hint)
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
            raise ConversionError(f"not a real date or time: {quote(raw)}", hint) from None
    if isinstance(raw, dt.date):
        # Checked before any zone conversion, which overflows near year 1 and 9999.
        in_range(raw.date() if isinstance(raw, dt.datetime) else raw)
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
    if not isinstance(entries, list | tuple):  # a tuple: a plan built in code
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


MOST_PROBLEMS = 1000
"""Problems kept per load: a broken million-row file gives one screen, not a million lines."""


class Problems:
    """Collects located problems while a plan is read, converted and resolved.

    Keeps the first :data:`MOST_PROBLEMS`; :meth:`all` adds one line saying how many more.
    """

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.dropped = 0
        self.file: str | None = None

    def all(self) -> list[Problem]:
        """The problems kept, and a last one counting those left out."""
        if not self.dropped:
            return list(self.items)
        return [
            *self.items,
            Problem(
                f"{self.dropped} more problems not shown",
                file=self.file,
                hint="fix the ones above first",
                code="too-many-problems",
            ),
        ]

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
        if len(self.items) >= MOST_PROBLEMS:
            self.dropped += 1
            return
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

    def keep(self, problem: Problem) -> None:
        """Record a problem made earlier (a :class:`~contentcal.files.load.Loader` telling
        again what an unchanged file had), as :meth:`add` would have."""
        if len(self.items) >= MOST_PROBLEMS:
            self.dropped += 1
            return
        self.items.append(problem)

    def __bool__(self) -> bool:
        return bool(self.items)
