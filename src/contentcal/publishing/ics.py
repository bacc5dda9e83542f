"""The wire layer of contentcal's subscription feeds: feed values in, RFC 5545 bytes out.

:class:`FeedCalendar` and :class:`FeedEvent` are the values a feed is made of; everything
from them to bytes lives here. There are two ways to bytes and they produce the same ones:

- :func:`to_icalendar` builds an :class:`icalendar.Calendar`, the reference that callers who
  want an object model get;
- :func:`write_ics` / :func:`ics_bytes` stream the same bytes without building that object
  model, fast enough for agency-sized feeds (100,000 events in a second or two, about 45
  times faster than icalendar and faster than a plain hand-written writer).

The wire rules (see ``docs/ics-wire.md``): CRLF line ends, UTF-8, lines folded at 75 octets
exactly where icalendar folds them, RFC 5545 TEXT escaping, timed events in UTC, all-day
events as ``VALUE=DATE``, ``DTSTAMP`` = ``LAST-MODIFIED`` = the caller's stamp in UTC, no
``METHOD``, no clock and no random UID anywhere: the same values always give the same bytes.

Text that cannot be written as iCalendar TEXT is cleaned when a value is made (see
:func:`clean_text`), so both writers only ever see text they can write.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import operator
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, Final

import attrs

from contentcal.errors import ContentcalError
from contentcal.model.zones import get_zone

if TYPE_CHECKING:
    # Only the object model (`to_icalendar`) needs icalendar: the fast writer below does
    # not, so `ics`, `feeds` and `serve` do not pay for importing it (about a third of
    # the start-up of `ics` on a shop's plan).
    import icalendar
    from icalendar.prop import vCategory, vText

__all__ = [
    "CSS_COLOR_NAMES",
    "EventStatus",
    "FeedCalendar",
    "FeedEvent",
    "FeedValueError",
    "clean_category",
    "clean_text",
    "ics_bytes",
    "to_icalendar",
    "write_ics",
]


class FeedValueError(ContentcalError, ValueError):
    """A feed value cannot be written as a valid iCalendar feed (the message says why)."""


class EventStatus(enum.StrEnum):
    """The ``STATUS`` values a feed event may carry.

    ``CANCELLED`` is deliberately missing: Google removes such events from subscriptions and
    Apple strikes them through, so a withdrawn post is dropped from the feed instead.
    """

    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"


# The CSS3 colour keywords plus CSS4's rebeccapurple: RFC 7986 §5.9 says COLOR is a CSS3
# colour *name*, so hex values and typos are rejected rather than passed to clients.
CSS_COLOR_NAMES: Final = frozenset(
    """
    aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
    blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk
    crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki
    darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
    darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue
    dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
    gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
    lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
    lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen
    lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen
    magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
    mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
    mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
    palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
    powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
    seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
    steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
    yellowgreen
    """.split()  # noqa: SIM905 -- 148 names read better as words than as quoted literals
)

# RFC 5545 §3.3.11 TEXT admits HTAB and LF (written as \n) but no other C0 control and no
# DEL; lone surrogates cannot be encoded as UTF-8 at all. CR is folded into LF before this
# runs, so a Windows line break stays one line break. U+FEFF goes too: icalendar decodes
# every value as utf-8-sig, so a value starting with it silently loses it, and readers that
# sniff for a byte-order mark may do the same anywhere (U+2060 is the word joiner to use).
_UNWRITABLE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufeff]")
_URI_FORBIDDEN: Final = re.compile("[\x00-\x20\x7f\ud800-\udfff\ufeff]")


def clean_text(text: str) -> str:
    """Return `text` as iCalendar TEXT can carry it.

    ``CRLF`` and lone ``CR`` become ``LF`` (one line break each); every other C0 control
    character except TAB, ``DEL`` (U+007F), lone surrogates and U+FEFF (the byte-order
    mark) are dropped. Everything else, including emoji, ZWJ sequences, combining marks and
    ``U+2028``, is kept as it is.

    >>> clean_text("Promo\\r\\nakhir\\x00 tahun\\x1b")
    'Promo\\nakhir tahun'

    Raises:
        TypeError: `text` is not a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNWRITABLE.sub("", text)


def clean_category(name: str) -> str:
    """Return a category name without commas, trailing backslashes and outer white space.

    A comma separates categories on the wire and strict parsers (``ical``) split
    ``Sale\\, autumn`` in two even when it is escaped, so ``"Sale, autumn"`` becomes
    ``"Sale autumn"``. ical.js (Thunderbird) takes any comma after a backslash for an
    escaped one, so a name ending in ``\\`` would swallow the next category: those
    backslashes go too.

    >>> clean_category(" Sale, autumn ,")
    'Sale autumn'
    >>> clean_category("C:\\\\")
    'C:'
    """
    if type(name) is str:  # a str subclass could change what it cleans to
        cached = _CLEAN_CATEGORIES.get(name)
        if cached is not None:
            return cached
    parts = (part.strip() for part in clean_text(name).split(","))
    cleaned = " ".join(part for part in parts if part)
    while cleaned.endswith("\\"):
        cleaned = cleaned.rstrip("\\").rstrip()
    if type(name) is str and len(_CLEAN_CATEGORIES) < _CACHE_LIMIT:
        _CLEAN_CATEGORIES[name] = cleaned
    return cleaned


# A feed has a few distinct categories (platforms, pillars, goals) on thousands of events.
_CLEAN_CATEGORIES: dict[str, str] = {}


def _clean_categories(names: Iterable[str]) -> tuple[str, ...]:
    if isinstance(names, str):
        raise TypeError("categories must be a sequence of names, not one string")
    cleaned = (clean_category(name) for name in names)
    return tuple(name for name in cleaned if name)


def _clean_color(color: str | None) -> str | None:
    return None if color is None else color.strip().lower()


def _to_int(value: int) -> int:
    if isinstance(value, bool):
        raise TypeError("expected an int, got a bool")
    return int(operator.index(value))


_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _check_not_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value:
        raise FeedValueError(f"{attribute.name} must not be empty (after cleaning)")


def _check_aware(instance: object, attribute: attrs.Attribute[Any], value: dt.datetime) -> None:
    if not isinstance(value, dt.datetime):
        raise FeedValueError(f"{attribute.name} must be a datetime, got {value!r}")
    if value.utcoffset() is None:
        raise FeedValueError(
            f"{attribute.name} must be time-zone aware (a naive datetime has no instant): "
            f"{value.isoformat()}"
        )
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise FeedValueError(
            f"{attribute.name} is outside the years 1–9999 in UTC: {value.isoformat()}"
        ) from None


def _check_duration(instance: object, attribute: attrs.Attribute[Any], value: dt.timedelta) -> None:
    if not isinstance(value, dt.timedelta):
        raise FeedValueError(f"{attribute.name} must be a timedelta, got {value!r}")
    if value.microseconds:
        raise FeedValueError(f"{attribute.name} must be whole seconds, got {value}")
    if value < dt.timedelta(0):
        raise FeedValueError(f"{attribute.name} must not be negative, got {value}")


def _check_positive_duration(
    instance: object, attribute: attrs.Attribute[dt.timedelta], value: dt.timedelta
) -> None:
    _check_duration(instance, attribute, value)
    if not value:
        raise FeedValueError(f"{attribute.name} must be longer than zero")


def _check_color(instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and value not in CSS_COLOR_NAMES:
        raise FeedValueError(f"{attribute.name} must be a CSS colour name, got {value!r}")


def _check_uri(instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise FeedValueError(f"{attribute.name} must be a str, got {value!r}")
    # URI values are written verbatim (RFC 5545 §3.3.13 has no escaping for them), so white
    # space or a control character would end or corrupt the content line.
    if not value or _URI_FORBIDDEN.search(value):
        raise FeedValueError(
            f"{attribute.name} must be a non-empty URI without spaces or control "
            f"characters, got {value!r}"
        )


def _check_timezone(instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is None:
        return
    try:
        get_zone(value)
    except ValueError:
        raise FeedValueError(
            f"{attribute.name} must be an IANA time zone name, got {value!r}"
        ) from None


def _check_sequence(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise FeedValueError(f"{attribute.name} must be 0 or more, got {value}")


def _wire_seconds(moment: dt.datetime) -> int:
    """The instant as whole seconds since the epoch, as the wire (and icalendar) floors it."""
    delta = moment - _EPOCH
    return delta.days * 86400 + delta.seconds


def _check_start(
    instance: FeedEvent, attribute: attrs.Attribute[Any], value: dt.datetime | dt.date
) -> None:
    if isinstance(value, dt.datetime):
        _check_aware(instance, attribute, value)
    elif not isinstance(value, dt.date):
        raise FeedValueError(f"start must be a datetime or a date, got {value!r}")


def _check_end(
    instance: FeedEvent, attribute: attrs.Attribute[Any], value: dt.datetime | dt.date
) -> None:
    start = instance.start
    if isinstance(start, dt.datetime):
        if not isinstance(value, dt.datetime):
            raise FeedValueError("end must be a datetime because start is one")
        _check_aware(instance, attribute, value)
        # Compared as written: two instants within the same second would show DTEND = DTSTART.
        if _wire_seconds(value) <= _wire_seconds(start):
            raise FeedValueError(
                f"end must be at least a second after start: "
                f"{start.isoformat()} .. {value.isoformat()}"
            )
    else:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise FeedValueError("end must be a date because start is one (an all-day event)")
        if value <= start:
            raise FeedValueError(
                "end of an all-day event is exclusive and must be after start "
                f"(a one-day event ends the next day): {start} .. {value}"
            )


def _check_unique_uids(
    instance: FeedCalendar, attribute: attrs.Attribute[Any], value: tuple[FeedEvent, ...]
) -> None:
    seen: set[str] = set()
    for index, event in enumerate(value):
        if not isinstance(event, FeedEvent):
            raise FeedValueError(f"events[{index}] must be a FeedEvent, got {event!r}")
        if event.uid in seen:
            raise FeedValueError(f"events[{index}]: duplicate UID {event.uid!r}")
        seen.add(event.uid)


@attrs.frozen(kw_only=True)
class FeedEvent:
    """One post as a ``VEVENT`` of a subscription feed."""

    uid: str = attrs.field(converter=clean_text, validator=_check_not_empty)
    """Stable, unique ``UID`` of the post: the same post has the same UID on every fetch."""

    start: dt.datetime | dt.date = attrs.field(validator=_check_start)
    """Aware datetime of a timed event (written in UTC), or a date for an all-day event."""

    end: dt.datetime | dt.date = attrs.field(validator=_check_end)
    """Same type as `start` and after it; an all-day event's end date is exclusive."""

    summary: str = attrs.field(converter=clean_text)
    """The title clients show (``SUMMARY``); may be empty."""

    stamp: dt.datetime = attrs.field(validator=_check_aware)
    """The post's last edit, aware; written in UTC as both ``DTSTAMP`` and ``LAST-MODIFIED``."""

    description: str = attrs.field(default="", converter=clean_text)
    """Body text (``DESCRIPTION``); omitted from the feed when empty."""

    categories: tuple[str, ...] = attrs.field(default=(), converter=_clean_categories)
    """``CATEGORIES`` in order; commas are replaced and empty names dropped on the way in."""

    color: str | None = attrs.field(default=None, converter=_clean_color, validator=_check_color)
    """A CSS colour name (``COLOR``, RFC 7986), lower-cased; None for the calendar's colour."""

    status: EventStatus = attrs.field(default=EventStatus.CONFIRMED, converter=EventStatus)
    """``CONFIRMED`` for scheduled posts, ``TENTATIVE`` for ones still in draft."""

    url: str | None = attrs.field(default=None, validator=_check_uri)
    """Where the post or its draft can be seen (``URL``), or None."""

    sequence: int = attrs.field(default=0, converter=_to_int, validator=_check_sequence)
    """``SEQUENCE``: 0, then raised by the caller whenever the post's time changes."""

    alarm_before: dt.timedelta | None = attrs.field(
        default=None, validator=attrs.validators.optional(_check_duration)
    )
    """A display alarm this long before start (``TRIGGER:-PT15M``), or None for no alarm."""

    alarm_text: str = attrs.field(converter=clean_text)
    """What the alarm shows; defaults to the summary (``attrs.evolve`` keeps the old text)."""

    @alarm_text.default
    def _alarm_text_default(self) -> str:
        return self.summary


_FEED_EVENT_FIELDS: Final = attrs.fields(FeedEvent)
_NEW: Final = object.__new__
_SET: Final = object.__setattr__


def _clean_event(
    uid: str,
    start: dt.datetime | dt.date,
    end: dt.datetime | dt.date,
    summary: str,
    stamp: dt.datetime,
    description: str,
    categories: tuple[str, ...],
    color: str | None,
    status: EventStatus,
    url: str | None,
    sequence: int,
    alarm_before: dt.timedelta | None,
    alarm_text: str,
) -> FeedEvent:
    """A :class:`FeedEvent` from values its converters already made, without running them.

    For feeds built from a schedule, where each event is made once per post: the caller
    passes what ``FeedEvent(...)`` would store — text through :func:`clean_text`,
    categories through :func:`_clean_categories`, a colour from :data:`CSS_COLOR_NAMES`,
    an :class:`EventStatus`, a URL and an alarm that passed their validators, a sequence of
    0 or more, an aware stamp. Start and end are still checked here (the one rule that
    relates two fields). The result equals ``FeedEvent(...)`` of the same values
    (tests/test_feeds.py compares them on generated plans).
    """
    event = _NEW(FeedEvent)
    _SET(event, "uid", uid)
    _SET(event, "start", start)
    _SET(event, "end", end)
    _SET(event, "summary", summary)
    _SET(event, "stamp", stamp)
    _SET(event, "description", description)
    _SET(event, "categories", categories)
    _SET(event, "color", color)
    _SET(event, "status", status)
    _SET(event, "url", url)
    _SET(event, "sequence", sequence)
    _SET(event, "alarm_before", alarm_before)
    _SET(event, "alarm_text", alarm_text)
    if (
        type(start) is dt.datetime
        and type(end) is dt.datetime
        and start.tzinfo is dt.UTC
        and end.tzinfo is dt.UTC
    ):
        # Aware and already in UTC: _check_aware cannot fail, only the order can.
        if _wire_seconds(end) <= _wire_seconds(start):
            _check_end(event, _FEED_EVENT_FIELDS.end, end)  # raises with its message
    else:
        _check_start(event, _FEED_EVENT_FIELDS.start, start)
        _check_end(event, _FEED_EVENT_FIELDS.end, end)
    return event


def _event_tuple(events: Iterable[FeedEvent]) -> tuple[FeedEvent, ...]:
    return tuple(events)


@attrs.frozen(kw_only=True)
class FeedCalendar:
    """A whole subscription feed: one ``VCALENDAR`` with its events in the order given."""

    prodid: str = attrs.field(converter=clean_text, validator=_check_not_empty)
    """``PRODID``, e.g. ``-//contentcal//contentcal 0.1//EN``."""

    name: str = attrs.field(converter=clean_text, validator=_check_not_empty)
    """Calendar name, written as ``NAME`` (RFC 7986) and ``X-WR-CALNAME`` (older clients)."""

    uid: str | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(clean_text),
        validator=attrs.validators.optional(_check_not_empty),
    )
    """The calendar's own ``UID`` (RFC 7986 §5.3), or None (the default) to write none.

    Off by default: vdirsyncer copies calendar properties into every event it stores and
    takes an event's identity from the first ``UID`` line, so a calendar-level UID collapses
    the whole feed into one event there (pimutils/vdirsyncer#1222).
    """

    relcalid: str | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(clean_text),
        validator=attrs.validators.optional(_check_not_empty),
    )
    """The calendar's identity as ``X-WR-RELCALID`` (Apple's name for it), or None."""

    events: tuple[FeedEvent, ...] = attrs.field(
        default=(), converter=_event_tuple, validator=_check_unique_uids
    )
    """The events, each UID once; an empty feed is allowed (see ``docs/ics-wire.md``)."""

    description: str = attrs.field(default="", converter=clean_text)
    """Written as ``DESCRIPTION`` and ``X-WR-CALDESC``; both omitted when empty."""

    timezone: str | None = attrs.field(default=None, validator=_check_timezone)
    """IANA name for ``X-WR-TIMEZONE``, a display hint only: every time is written in UTC."""

    refresh: dt.timedelta = attrs.field(
        default=dt.timedelta(hours=1), validator=_check_positive_duration
    )
    """How often clients should refetch: ``REFRESH-INTERVAL`` and ``X-PUBLISHED-TTL``."""

    color: str | None = attrs.field(default=None, converter=_clean_color, validator=_check_color)
    """A CSS colour name for the calendar (``COLOR``), or None."""

    source: str | None = attrs.field(default=None, validator=_check_uri)
    """The feed's own URL (``SOURCE;VALUE=URI``), or None."""

    url: str | None = attrs.field(default=None, validator=_check_uri)
    """A page about the calendar for people (``URL``), or None."""

    last_modified: dt.datetime | None = attrs.field(
        default=None, validator=attrs.validators.optional(_check_aware)
    )
    """When the feed last changed, aware (``LAST-MODIFIED`` in UTC), or None."""


# ---------------------------------------------------------------------------------------
# The reference: an icalendar object model.


def _escape_text(text: str) -> str:
    # icalendar's own escaping first turns the two characters "\N" into a line break, which
    # corrupts text such as "C:\New" (it comes back as "C:" + newline + "ew"). The rest of
    # its rules, in its order, are RFC 5545 §3.3.11.
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


@functools.cache
def _text_type() -> type[vText]:
    """vText with RFC 5545 escaping that leaves a literal backslash-N alone (made on first
    use, so that importing this module does not import icalendar)."""
    from icalendar.prop import vText  # noqa: PLC0415 - see TYPE_CHECKING above

    class _Text(vText):
        __slots__ = ()

        def to_ical(self) -> bytes:
            return _escape_text(str(self)).encode("utf-8")

    return _Text


def _categories(names: tuple[str, ...]) -> vCategory:
    from icalendar.prop import vCategory  # noqa: PLC0415 - see TYPE_CHECKING above

    value = vCategory([])
    # vCategory re-wraps each name in a plain vText, which would bring the "\N" rewrite back.
    text = _text_type()
    value.cats = [text(name) for name in names]
    return value


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _event_component(event: FeedEvent) -> icalendar.Event:
    import icalendar  # noqa: PLC0415 - see TYPE_CHECKING above
    from icalendar.prop import vUri  # noqa: PLC0415

    _Text = _text_type()  # noqa: N806 - a class
    component = icalendar.Event()
    component.add("SUMMARY", _Text(event.summary))
    if isinstance(event.start, dt.datetime) and isinstance(event.end, dt.datetime):
        component.add("DTSTART", _utc(event.start))
        component.add("DTEND", _utc(event.end))
    else:
        component.add("DTSTART", event.start)
        component.add("DTEND", event.end)
    stamp = _utc(event.stamp)
    component.add("DTSTAMP", stamp)
    component.add("UID", _Text(event.uid))
    component.add("SEQUENCE", event.sequence)
    if event.categories:
        component.add("CATEGORIES", _categories(event.categories))
    if event.color is not None:
        component.add("COLOR", _Text(event.color))
    if event.description:
        component.add("DESCRIPTION", _Text(event.description))
    component.add("LAST-MODIFIED", stamp)
    component.add("STATUS", _Text(event.status.value))
    if event.url is not None:
        component.add("URL", vUri(event.url))
    if event.alarm_before is not None:
        alarm = icalendar.Alarm()
        alarm.add("ACTION", _Text("DISPLAY"))
        alarm.add("DESCRIPTION", _Text(event.alarm_text))
        alarm.add("TRIGGER", -event.alarm_before)
        component.add_component(alarm)
    return component


def to_icalendar(cal: FeedCalendar) -> icalendar.Calendar:
    """Build the feed as an :class:`icalendar.Calendar`.

    ``to_icalendar(cal).to_ical()`` is byte for byte what :func:`ics_bytes` returns; use
    this when you need the object model and :func:`write_ics` when you need speed. Nothing
    here reads the clock or invents a UID.

    TEXT values are :class:`icalendar.prop.vText` subclasses that escape per RFC 5545
    without icalendar's rewrite of a literal ``\\N`` into a line break.
    """
    import icalendar  # noqa: PLC0415 - see TYPE_CHECKING above
    from icalendar.prop import vDuration, vUri  # noqa: PLC0415

    _Text = _text_type()  # noqa: N806 - a class
    calendar = icalendar.Calendar()
    calendar.add("VERSION", _Text("2.0"))
    calendar.add("PRODID", _Text(cal.prodid))
    # icalendar reads NAME and the X-WR-* names as UNKNOWN values and would write commas,
    # semicolons and backslashes in them unescaped; they are TEXT, so say so.
    calendar.add("NAME", _Text(cal.name))
    calendar.add("X-WR-CALNAME", _Text(cal.name))
    if cal.description:
        calendar.add("DESCRIPTION", _Text(cal.description))
        calendar.add("X-WR-CALDESC", _Text(cal.description))
    if cal.uid is not None:
        calendar.add("UID", _Text(cal.uid))
    if cal.relcalid is not None:
        calendar.add("X-WR-RELCALID", _Text(cal.relcalid))
    if cal.timezone is not None:
        calendar.add("X-WR-TIMEZONE", _Text(cal.timezone))
    # icalendar 7.3 leaves out VALUE=DURATION, which RFC 7986 §5.7 requires and strict
    # parsers (ical) reject the whole file without.
    calendar.add("REFRESH-INTERVAL", cal.refresh, parameters={"VALUE": "DURATION"})
    # A bare timedelta on an X- property would be written as "1:00:00".
    calendar.add("X-PUBLISHED-TTL", vDuration(cal.refresh))
    if cal.color is not None:
        calendar.add("COLOR", _Text(cal.color))
    if cal.source is not None:
        calendar.add("SOURCE", vUri(cal.source), parameters={"VALUE": "URI"})
    if cal.url is not None:
        calendar.add("URL", vUri(cal.url))
    if cal.last_modified is not None:
        calendar.add("LAST-MODIFIED", _utc(cal.last_modified))
    for event in cal.events:
        calendar.add_component(_event_component(event))
    return calendar


# ---------------------------------------------------------------------------------------
# The fast writer. It must produce exactly the bytes above; tests/test_ics.py checks that
# on generated calendars, so any change here or in icalendar shows up as a failing test.

# icalendar folds before a character that would bring a line to 75 octets or more, so a
# physical line holds at most 74 octets of content (plus the leading space when folded).
_FOLD_AT: Final = 74
# Not a multibyte fold point: ASCII never occurs inside a UTF-8 sequence.
_BACKSLASH: Final = 0x5C
_CARET: Final = 0x5E
# Events per chunk handed to `out.write` (about 8 KiB): far fewer calls than one per line
# for unbuffered outputs, while the writer's own memory stays around a quarter of a MiB
# whatever the feed's size (measured: benchmarks/ics_bench.py).
_CHUNK_EVENTS: Final = 8
# Formatted days, times of day and category lines are cached by value; the limit keeps the
# caches small for a feed whose values are all distinct.
_CACHE_LIMIT: Final = 4096


def _fold(line: str) -> str:
    r"""Fold a content line the way icalendar 7.3's ``_foldline`` does, without its per-char loop.

    Each physical line gets at most 74 octets of content, cut only between UTF-8
    characters; a cut that would leave ``\`` or ``^`` at the end of a line moves that
    character to the next one (icalendar issue #1501: some clients unfold escapes badly).
    """
    if line.isascii():
        if len(line) <= _FOLD_AT:
            return line
        pieces: list[str] = []
        start = 0
        rest = len(line)
        while rest - start > _FOLD_AT:
            end = start + _FOLD_AT
            if line[end - 1] in "\\^":
                end -= 1
            pieces.append(line[start:end])
            start = end
        pieces.append(line[start:])
        return "\r\n ".join(pieces)
    # No character is longer than four octets, so eighteen characters always fit.
    if len(line) <= _FOLD_AT // 4:
        return line
    data = line.encode()
    size = len(data)
    if size <= _FOLD_AT:
        return line
    chunks: list[bytes] = []
    start = 0
    while size - start > _FOLD_AT:
        end = start + _FOLD_AT
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        if data[end - 1] in (_BACKSLASH, _CARET):
            end -= 1
        chunks.append(data[start:end])
        start = end
    chunks.append(data[start:])
    return b"\r\n ".join(chunks).decode()


def _escape(text: str) -> str:
    # Values are cleaned on construction, so no CR can reach here.
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _text_line(name: str, value: str) -> str:
    return _fold(f"{name}:{_escape(value)}") + "\r\n"


def _duration(delta: dt.timedelta) -> str:
    """``delta`` as icalendar's vDuration writes it (no weeks; days, then T, H, M, S)."""
    sign = ""
    if delta.days < 0:
        sign = "-"
        delta = -delta
    time_part = ""
    if delta.seconds:
        hours, remainder = divmod(delta.seconds, 3600)
        minutes, seconds = divmod(remainder, 60)
        time_part = "T"
        if hours:
            time_part += f"{hours}H"
        if minutes or (hours and seconds):
            time_part += f"{minutes}M"
        if seconds:
            time_part += f"{seconds}S"
    if delta.days == 0 and time_part:
        return f"{sign}P{time_part}"
    return f"{sign}P{delta.days}D{time_part}"


def _date_text(day: dt.date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def _utc_text(moment: dt.datetime) -> str:
    utc = _utc(moment)
    return f"{_date_text(utc)}T{utc:%H%M%S}Z"


class _EpochDays(dict[int, str]):
    """Days since 1970-01-01 → ``YYYYMMDD``, computed once per distinct day."""

    def __missing__(self, days: int) -> str:
        text = _date_text(_EPOCH + dt.timedelta(days=days))
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[days] = text
        return text


class _DayTimes(dict[int, str]):
    """Seconds since midnight → ``THHMMSSZ``, computed once per distinct time of day."""

    def __missing__(self, seconds: int) -> str:
        hours, remainder = divmod(seconds, 3600)
        minutes, second = divmod(remainder, 60)
        text = f"T{hours:02}{minutes:02}{second:02}Z"
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[seconds] = text
        return text


def _calendar_head(cal: FeedCalendar) -> str:
    lines = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", _text_line("PRODID", cal.prodid)]
    if cal.description:
        lines.append(_text_line("DESCRIPTION", cal.description))
        lines.append(_text_line("X-WR-CALDESC", cal.description))
    lines.append(_text_line("NAME", cal.name))
    lines.append(_text_line("X-WR-CALNAME", cal.name))
    if cal.color is not None:
        lines.append(f"COLOR:{cal.color}\r\n")
    if cal.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{_utc_text(cal.last_modified)}\r\n")
    refresh = _duration(cal.refresh)
    lines.append(f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}\r\n")
    if cal.source is not None:
        lines.append(_fold(f"SOURCE;VALUE=URI:{cal.source}") + "\r\n")
    if cal.uid is not None:
        lines.append(_text_line("UID", cal.uid))
    if cal.url is not None:
        lines.append(_fold(f"URL:{cal.url}") + "\r\n")
    lines.append(f"X-PUBLISHED-TTL:{refresh}\r\n")
    if cal.relcalid is not None:
        lines.append(_text_line("X-WR-RELCALID", cal.relcalid))
    if cal.timezone is not None:
        lines.append(_text_line("X-WR-TIMEZONE", cal.timezone))
    return "".join(lines)


EventTexts = dict[int, tuple[FeedEvent, str]]
"""Each event's text by the event's ``id`` (with the event, which keeps the id its own)."""


def _iter_text(cal: FeedCalendar, texts: EventTexts | None = None) -> Iterator[str]:
    """The feed as a few large strings (a header, then chunks of events).

    With `texts`, an event found there (the same object) is not written again, and each
    event written is added: an event's text depends on the event alone.
    """
    yield _calendar_head(cal)
    # Everything the loop touches is a local: this runs once per event.
    days = _EpochDays()
    times = _DayTimes()
    epoch = _EPOCH
    fold = _fold
    escape = _escape
    datetime_type = dt.datetime
    category_lines: dict[tuple[str, ...], str] = {}
    color_lines: dict[str | None, str] = {None: ""}
    triggers: dict[dt.timedelta, str] = {}
    chunk: list[str] = []
    append = chunk.append
    for event in cal.events:
        if texts is not None:
            known = texts.get(id(event))
            if known is not None and known[0] is event:
                append(known[1])
                if len(chunk) >= _CHUNK_EVENTS:
                    yield "".join(chunk)
                    chunk.clear()
                continue
        start = event.start
        end = event.end
        if isinstance(start, datetime_type) and isinstance(end, datetime_type):
            first = start - epoch
            last = end - epoch
            when = (
                f"DTSTART:{days[first.days]}{times[first.seconds]}\r\n"
                f"DTEND:{days[last.days]}{times[last.seconds]}\r\n"
            )
        else:
            when = (
                f"DTSTART;VALUE=DATE:{_date_text(start)}\r\nDTEND;VALUE=DATE:{_date_text(end)}\r\n"
            )
        edited = event.stamp - epoch
        stamp = days[edited.days] + times[edited.seconds]
        summary = escape(event.summary)

        categories = event.categories
        if not categories:
            category_line = ""
        else:
            category_line = category_lines.get(categories, "")
            if not category_line:
                category_line = fold("CATEGORIES:" + ",".join(map(escape, categories))) + "\r\n"
                if len(category_lines) >= _CACHE_LIMIT:
                    category_lines.clear()
                category_lines[categories] = category_line

        color_line = color_lines.get(event.color)
        if color_line is None:
            color_line = color_lines[event.color] = f"COLOR:{event.color}\r\n"

        description = event.description
        description_line = (
            fold("DESCRIPTION:" + escape(description)) + "\r\n" if description else ""
        )
        url = event.url
        url_line = "" if url is None else fold("URL:" + url) + "\r\n"

        before = event.alarm_before
        if before is None:
            alarm = ""
        else:
            trigger = triggers.get(before)
            if trigger is None:
                trigger = triggers[before] = _duration(-before)
            # The default alarm text is the summary object itself: skip escaping it twice.
            alarm_text = summary if event.alarm_text is event.summary else escape(event.alarm_text)
            alarm = (
                f"BEGIN:VALARM\r\nACTION:DISPLAY\r\n{fold('DESCRIPTION:' + alarm_text)}\r\n"
                f"TRIGGER:{trigger}\r\nEND:VALARM\r\n"
            )

        text = (
            f"BEGIN:VEVENT\r\n{fold('SUMMARY:' + summary)}\r\n{when}DTSTAMP:{stamp}\r\n"
            f"{fold('UID:' + escape(event.uid))}\r\nSEQUENCE:{event.sequence}\r\n"
            f"{category_line}{color_line}{description_line}LAST-MODIFIED:{stamp}\r\n"
            f"STATUS:{event.status.value}\r\n{url_line}{alarm}END:VEVENT\r\n"
        )
        append(text)
        if texts is not None:
            texts[id(event)] = (event, text)
        if len(chunk) >= _CHUNK_EVENTS:
            yield "".join(chunk)
            chunk.clear()
    append("END:VCALENDAR\r\n")
    yield "".join(chunk)


def write_ics(cal: FeedCalendar, out: BinaryIO) -> None:
    """Write the feed to `out` as UTF-8 bytes, streaming it in chunks of events.

    The bytes are exactly ``to_icalendar(cal).to_ical()``; only a chunk of events is held
    in memory at a time, so the writer's own footprint does not grow with the feed.

    Raises:
        OSError: whatever `out.write` raises.
    """
    write = out.write
    for text in _iter_text(cal):
        write(text.encode())


def ics_bytes(cal: FeedCalendar, texts: EventTexts | None = None) -> bytes:
    """Return the whole feed as bytes; the same bytes as ``to_icalendar(cal).to_ical()``.

    `texts` keeps each event's text for the next call (see :func:`_iter_text`): ``serve``
    writes again only the events that changed since its last build.
    """
    return b"".join(text.encode() for text in _iter_text(cal, texts))
