"""Schedule → iCalendar subscription feeds: one for the plan, per platform and per owner.

The events carry stable UIDs (uuid5 of the brand id — see :func:`brand_id` —, platform and
item id), UTC times, and stamps from a small *feed state* kept beside the plan
(``.contentcal/feed-state.json``): an unchanged item keeps its DTSTAMP/LAST-MODIFIED and
SEQUENCE, so an unchanged plan gives byte-identical feeds; an edited item gets the new
stamp, and SEQUENCE goes up when its start or end moves — which is what makes calendar
apps show the edit. The state also records the brand id, and forgets events gone for
longer than the feed's ``past`` window.

:func:`feed` returns an :class:`icalendar.Calendar` (the reference object model);
:func:`write_feeds` and :func:`build_site` use the streaming writer in
:mod:`contentcal.publishing.ics`, which produces the same bytes much faster.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import json
import operator
import os
import re
import unicodedata
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

import attrs

from contentcal.collector import collector_paused
from contentcal.errors import InvalidOptionError, OutputError
from contentcal.files.atomic import write_atomic
from contentcal.files.regular import NotRegularError, TooLargeError, read_regular
from contentcal.files.site import SiteWriter
from contentcal.model import ContentItem, FeedSettings, Plan, Platform
from contentcal.model.bounds import clamp_add
from contentcal.model.zones import UTC, get_zone, localize
from contentcal.publishing.ics import (
    EventStatus,
    EventTexts,
    FeedCalendar,
    FeedEvent,
    _check_duration,
    _check_uri,
    _clean_categories,
    _clean_event,
    _to_int,
    clean_text,
    ics_bytes,
    to_icalendar,
    write_ics,
)
from contentcal.publishing.links import SubscribeLink, checked_base_url, subscribe_link
from contentcal.publishing.review_events import OwnedEvent, review_events
from contentcal.scheduling.place import Entry, Schedule, next_change

if TYPE_CHECKING:
    import icalendar  # only `feed` returns its object model (publishing/ics.py says why)

__all__ = [
    "FeedMemo",
    "FeedState",
    "FeedWindow",
    "Site",
    "SubscribeLink",
    "brand_id",
    "build_calendar",
    "build_site",
    "feed",
    "feed_paths",
    "feeds_expire",
    "load_state",
    "owner_slug",
    "save_state",
    "stamp_events",
    "subscribe_link",
    "subscribe_links",
    "write_feeds",
]

PRODID = "-//contentcal//contentcal editorial calendar//EN"
NAMESPACE = uuid.UUID("6f1c1c3e-8b0e-5d4a-9a57-0c0d3ea1f0b7")
"""Namespace of every UID contentcal writes (uuid5), fixed forever."""

STATE_VERSION = 1


# --- the state that makes stamps stable --------------------------------------------------------


@attrs.frozen
class StateEntry:
    """What the state file remembers about one event."""

    fingerprint: str
    """Hash of everything the event shows."""

    sequence: int
    """SEQUENCE last published."""

    modified: dt.datetime
    """DTSTAMP/LAST-MODIFIED last published (UTC)."""

    start: str
    """Start last published (ISO), to tell a move from another edit."""

    end: str
    """End last published (ISO)."""

    gone: dt.datetime | None = None
    """When the event left the feeds (UTC); None while it is in them.

    The entry is kept for the feed's ``past`` window after that, so an item put back
    soon continues its SEQUENCE, and is then forgotten.
    """


def _utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc_parse(text: object) -> dt.datetime:
    moment = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("naive time in state")
    return moment.astimezone(UTC)


@attrs.frozen
class FeedState:
    """Per UID: fingerprint, sequence and last change. Commit it with the plan."""

    entries: Mapping[str, StateEntry] = attrs.field(factory=dict)
    """State by event UID."""

    brand: str | None = None
    """The brand id in the UIDs: the plan's ``[brand] id``, or the name the first saved
    run found (so renaming the brand keeps every UID)."""

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys) so the file diffs cleanly in git."""
        events = {}
        for uid, entry in sorted(self.entries.items()):
            event: dict[str, object] = {
                "fingerprint": entry.fingerprint,
                "sequence": entry.sequence,
                "modified": _utc_text(entry.modified),
                "start": entry.start,
                "end": entry.end,
            }
            if entry.gone is not None:
                event["gone"] = _utc_text(entry.gone)
            events[uid] = event
        data: dict[str, object] = {"version": STATE_VERSION, "events": events}
        if self.brand is not None:
            data["brand"] = self.brand
        return json.dumps(data, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> FeedState:
        """Parse the state file; raise ``ValueError`` when it is not a valid state."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise ValueError("unknown state format")
        events = data.get("events")
        if not isinstance(events, dict):
            raise ValueError("no events table")
        brand = data.get("brand")
        if brand is not None and (not isinstance(brand, str) or not brand.strip()):
            raise ValueError(f"bad brand id {brand!r} in state")
        entries = {}
        for uid, raw in events.items():
            modified = _utc_parse(raw["modified"])
            gone = _utc_parse(raw["gone"]) if raw.get("gone") is not None else None
            sequence = raw["sequence"]
            # A SEQUENCE the writer would refuse (negative, not a whole number) must make the
            # state "corrupt" here, not fail the whole feed later.
            if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0:
                raise ValueError(f"bad sequence {sequence!r} in state")
            entries[str(uid)] = StateEntry(
                fingerprint=str(raw["fingerprint"]),
                sequence=sequence,
                modified=modified,
                start=str(raw["start"]),
                end=str(raw["end"]),
                gone=gone,
            )
        return cls(entries=entries, brand=brand)


def state_path(plan: Plan) -> str:
    """Where the plan's feed state lives (relative paths are relative to the plan file)."""
    base = os.path.dirname(plan.source or ".")
    return os.path.normpath(os.path.join(base, plan.feed_settings.state_file))


STATE_BYTES = 256 * 1024 * 1024
"""The largest feed state file read (about a million events)."""


def load_state(path: str) -> tuple[FeedState, str | None]:
    """Read the state file; a missing one is empty, a corrupt one is empty plus a warning."""
    try:
        data = read_regular(path, STATE_BYTES)
    except FileNotFoundError:
        return FeedState(), None
    except OSError as exc:
        return FeedState(), f"{path}: cannot read the feed state ({exc.strerror}); rebuilding it"
    except (NotRegularError, TooLargeError):
        data = b""  # a FIFO, a device or a huge file is no state of ours: corrupt
    try:
        # Decoding belongs here: invalid UTF-8 (UnicodeDecodeError is a ValueError) is just
        # another kind of corrupt file. OverflowError: a time that has no UTC equivalent.
        # RecursionError: JSON nested thousands deep.
        return FeedState.from_json(data.decode("utf-8")), None
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        return FeedState(), (
            f"{path}: the feed state is corrupt; rebuilding it "
            "(subscribers may see every event as edited once)"
        )


def save_state(path: str, state: FeedState) -> None:
    """Write the state file atomically (creating its folder).

    Raises :class:`~contentcal.errors.OutputError` when it cannot be written.
    """
    _make_folder_for(path)
    write_atomic(path, state.to_json().encode())


def _make_folder_for(path: str) -> None:
    """Create `path`'s folder; raise OutputError (not a bare OSError) when that fails."""
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


# --- events --------------------------------------------------------------------------------------


@attrs.frozen
class _Draft:
    """An event before stamping: what it shows, and who it belongs to."""

    event: FeedEvent
    item: ContentItem
    platform: Platform
    updated: dt.datetime | None


def brand_id(plan: Plan, state: FeedState | None = None) -> str:
    """The brand's id in event and calendar UIDs.

    The plan's ``[brand] id`` when set; else the id the feed state recorded on its first
    save; else the brand's name (so a plan published before ids existed keeps its UIDs).
    """
    if plan.brand.id is not None:
        return plan.brand.id
    if state is not None and state.brand is not None:
        return state.brand
    return plan.brand.name


def _uid(
    brand: str, platform_id: str, item_id: str, kind: str = "post", occurrence: int = 1
) -> str:
    name = f"{brand}\x1f{platform_id}\x1f{item_id}\x1f{kind}"
    if occurrence != 1:
        # An evergreen item's repeats are events of their own; the first keeps the UID it
        # had before the item became evergreen.
        name += f"\x1f{occurrence}"
    return f"{_uuid5_text(name)}@contentcal"


_NAMESPACE_BYTES: Final = NAMESPACE.bytes


def _uuid5_text(name: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, name))``, the same text without building a UUID object.

    RFC 4122 §4.3 as :func:`uuid.uuid5` computes it: the first 16 octets of the SHA-1 of
    namespace and name, with the version (5) in the high nibble of octet 6 and the variant
    (binary 10) in the top bits of octet 8. A UID is made for every event of every build,
    so the object and its integer arithmetic were a visible part of building a feed.
    """
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])  # noqa: S324 - RFC 4122 names SHA-1
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _summary(platform: Platform, title: str) -> str:
    return f"[{platform.name}] {title}"


def _description(
    plan: Plan,
    entry: Entry,
    versions: Mapping[tuple[str, str], ContentItem] | None = None,
    story: str | _Unknown | None = None,
) -> str:
    """The event's description; `story` is :func:`_story_text`'s when it is known."""
    item, platform, occurrence = entry.item, entry.platform, entry.occurrence
    parts = []
    if item.copy.strip():
        parts.append(item.copy.strip())
    details = []
    if item.pillar:
        details.append(f"Pillar: {item.pillar}")
    if item.goal:
        try:
            details.append(f"Goal: {plan.goal(item.goal).statement} ({item.goal})")
        except KeyError:
            details.append(f"Goal: {item.goal}")
    details.append(
        f"Platform: {platform.name}" + (f" {platform.handle}" if platform.handle else "")
    )
    if item.owner:
        details.append(f"Owner: {item.owner}")
    details.append(f"Status: {entry.status}")
    if item.media:
        details.append(f"Media: {item.media}")
    if item.link:
        details.append(f"Link: {item.link}")
    details.append(f"Item: {item.id}")
    parts.append("\n".join(details))
    if item.evergreen and item.repeat_after is not None:
        limit = f" of {item.times}" if item.times is not None else ""
        parts.append(
            f"Evergreen: showing {occurrence}{limit}, at least "
            f"{_duration_words(item.repeat_after)} after the one before"
        )
    if isinstance(story, _Unknown):
        story = _story_text(plan, item, versions)
    if story:
        parts.append(story)
    return "\n\n".join(parts)


def _story_text(
    plan: Plan, item: ContentItem, versions: Mapping[tuple[str, str], ContentItem] | None = None
) -> str | None:
    """The story an item belongs to and its other steps, e.g. for a feed description."""
    from contentcal.scheduling.place import story_versions  # noqa: PLC0415

    if item.story is None:
        return None
    try:
        story = plan.story(item.story)
    except KeyError:
        return f"Story: {item.story}"
    step = story.step_of(item.platform)
    if not story.steps or step is None:
        return f"Story: {story.title} ({story.id})"
    versions = versions if versions is not None else story_versions(plan)
    lines = [f"Story: {story.title} ({story.id}), step {step + 1} of {len(story.steps)}"]
    for index, other in enumerate(story.steps):
        version = versions.get((story.id, other.platform))
        name = plan.platform(other.platform).name
        after = f", at least {_duration_words(other.after)} after step {index}" if index else ""
        what = f"{version.title} ({version.id})" if version is not None else "no item yet"
        marker = "this post" if index == step else what
        lines.append(f"{index + 1}. {name}{after}: {marker}")
    return "\n".join(lines)


def _color(plan: Plan, item: ContentItem) -> str | None:
    from contentcal.publishing.ics import CSS_COLOR_NAMES  # noqa: PLC0415 - same module, avoids a cycle

    if item.pillar is None:
        return None
    try:
        color = plan.pillar(item.pillar).color
    except KeyError:
        return None
    return color.lower() if color and color.lower() in CSS_COLOR_NAMES else None


Shown = tuple[str, str, str]
"""What the feed state compares of an event: its :func:`_fingerprint`, start and end
(ISO text)."""


class _Unknown:
    """Marks a value not computed yet."""


_UNKNOWN: Final = _Unknown()


@attrs.frozen
class _Post:
    """One entry's drafts as a build made them, for the next build to reuse."""

    key: tuple[str, str, int]
    """Platform id, item id and occurrence: where the next build looks it up."""

    entry: Entry
    story: str | None
    """:func:`_story_text` of the entry's item (it depends on other items too)."""

    drafts: tuple[_Draft, ...]
    fingerprints: tuple[Shown, ...]
    """Each draft's event as the feed state sees it (see :data:`Shown`)."""


class FeedMemo:
    """What the last build of a plan's feeds made, for the next build to reuse (``serve``).

    A post's events depend on its schedule entry (the item, its platform, start, end and
    occurrence), on the item's story and on the plan's brand, goals, pillars, platforms,
    stories and feed settings. When all of these are equal to the last build's, the
    post's drafts and their fingerprints are taken from then instead of being made again;
    any change to the plan-level values forgets everything. The feeds are the same bytes
    as a build without the memo (tests/test_serve_incremental.py checks it).
    """

    def __init__(self) -> None:
        self._context: tuple[object, ...] | None = None
        self._posts: dict[tuple[str, str, int], _Post] = {}
        self.reused = 0
        """How many entries the last build took from the one before."""

        self.made = 0
        """How many entries the last build made drafts for."""

        self.calendars: dict[str, _MadeCalendar] = {}
        """Each feed's calendar by path (see :func:`_calendar`)."""

        self.texts: EventTexts = {}
        """Each event's text in a feed, for the feeds rendered again (see :func:`ics_bytes`)."""

    def posts_for(self, context: tuple[object, ...]) -> Mapping[tuple[str, str, int], _Post]:
        """The remembered posts, when they were made in this `context`."""
        if context != self._context:
            return {}
        return self._posts

    def remember(
        self, context: tuple[object, ...], posts: dict[tuple[str, str, int], _Post]
    ) -> None:
        """Keep `posts` (those of a build that succeeded) for the next build."""
        self._context = context
        self._posts = posts


def _draft_context(
    plan: Plan, settings: FeedSettings, default: dt.timedelta, brand: str
) -> tuple[object, ...]:
    """Everything besides its entry and story that a post's drafts depend on."""
    return (
        brand,
        plan.goals,
        plan.pillars,
        plan.platforms,
        plan.stories,
        settings.alarm,
        settings.reply_events,
        default,
    )


_Made = _Post | tuple[tuple[str, str, int], Entry, str | None, int, int]
"""An entry's post in a build: reused, or made (key, entry, story, first and last draft)."""


def _post_key(entry: Entry) -> tuple[str, str, int]:
    return (entry.platform.id, entry.item.id, entry.occurrence)


def _drafts(
    plan: Plan,
    entries: Iterable[Entry],
    settings: FeedSettings,
    default: dt.timedelta,
    brand: str,
    known: Mapping[tuple[str, str, int], _Post] | None = None,
    made: list[_Made] | None = None,
    fingerprints: list[Shown | None] | None = None,
) -> list[_Draft]:
    """The drafts of every entry's events. With `known` (the last build's posts, see
    :class:`FeedMemo`), an entry equal to a known one takes its drafts; the fingerprint of
    each draft goes to `fingerprints` (``None`` when made now), and each entry to `made`:
    the known post it reused, or (key, entry, story text, first and last draft index + 1)
    when made now."""
    from contentcal.scheduling.place import story_versions  # noqa: PLC0415

    versions = story_versions(plan)
    drafts: list[_Draft] = []
    # Each post's event is made once, from values converted here as FeedEvent's converters
    # would (see _clean_event); the few distinct categories, colours and alarms once each.
    alarm = settings.alarm
    alarm_checked = alarm is None
    category_cache: dict[tuple[str, ...], tuple[str, ...]] = {}
    color_cache: dict[str | None, str | None] = {}
    for entry in entries:
        item, platform = entry.item, entry.platform
        story: str | _Unknown | None = _UNKNOWN
        if known is not None:
            story = _story_text(plan, item, versions) if item.story is not None else None
            key = _post_key(entry)
            remembered = known.get(key)
            if remembered is not None and remembered.story == story and remembered.entry == entry:
                if not alarm_checked and alarm is not None and isinstance(entry.start, dt.datetime):
                    _check_duration(None, _ALARM_FIELD, alarm)  # as for a draft made now
                    alarm_checked = True
                drafts.extend(remembered.drafts)
                if fingerprints is not None:
                    fingerprints.extend(remembered.fingerprints)
                if made is not None:
                    made.append(remembered)
                continue
        first = len(drafts)
        description = _description(plan, entry, versions, story)
        status = EventStatus.CONFIRMED if entry.status.is_placed else EventStatus.TENTATIVE
        categories = tuple(value for value in (platform.id, item.pillar, item.goal) if value)
        cleaned = category_cache.get(categories)
        if cleaned is None:
            cleaned = category_cache[categories] = _clean_categories(categories)
        if item.pillar in color_cache:
            color = color_cache[item.pillar]
        else:
            color = color_cache[item.pillar] = _color(plan, item)
        url = _event_url(item.link)
        if url is not None:
            _check_uri(None, _URL_FIELD, url)
        alarm_text = f"Post on {platform.name}: {item.title}"
        start: dt.datetime | dt.date = entry.start
        end: dt.datetime | dt.date = entry.end
        timed = False
        if isinstance(start, dt.datetime):
            timed = True
            if not alarm_checked and alarm is not None:  # as FeedEvent: on the first timed event
                _check_duration(None, _ALARM_FIELD, alarm)
                alarm_checked = True
            start = start.astimezone(UTC)
            assert isinstance(end, dt.datetime)  # noqa: S101 - timed entries end timed
            end = end.astimezone(UTC)
        post = _clean_event(
            _uid(brand, platform.id, item.id, occurrence=entry.occurrence),
            start,
            end,
            clean_text(_summary(platform, item.title)),
            _UNSTAMPED,  # replaced when stamped
            clean_text(description),
            cleaned,
            color,
            status,
            url,
            0,
            alarm if timed else None,
            clean_text(alarm_text),
        )
        drafts.append(_Draft(post, item, platform, item.updated))
        if settings.reply_events and platform.respond_within and isinstance(start, dt.datetime):
            reply_start = start + platform.respond_within
            reply = attrs.evolve(
                post,
                uid=_uid(brand, platform.id, item.id, "reply", entry.occurrence),
                start=reply_start,
                end=reply_start + default,
                summary=f"Reply to comments on {_summary(platform, item.title)}",
                description=(
                    f"Answer every comment and question on this post within "
                    f"{_duration_words(platform.respond_within)} of posting.\n\n" + description
                ),
                categories=(*categories, "reply"),
                alarm_text=f"Reply to comments on {platform.name}: {item.title}",
            )
            drafts.append(_Draft(reply, item, platform, item.updated))
        if fingerprints is not None:
            fingerprints.extend([None] * (len(drafts) - first))
        if made is not None:
            assert not isinstance(story, _Unknown)  # noqa: S101 - known is given with made
            made.append((key, entry, story, first, len(drafts)))
    return drafts


_ALARM_FIELD: Final = attrs.fields(FeedEvent).alarm_before
_URL_FIELD: Final = attrs.fields(FeedEvent).url

_URI_UNSAFE = re.compile("[\x00-\x20\x7f\ufeff]")


def _event_url(link: str | None) -> str | None:
    """The item's link as a URL property, or None when it is not an http(s) link.

    URI values cannot be escaped on the wire, so white space and control characters
    (a space pasted into a link, say) are percent-encoded instead of failing the feed.
    """
    if link is None:
        return None
    link = re.sub("[\ud800-\udfff]", "", link.strip())
    if not re.match(r"https?://", link, re.IGNORECASE):
        return None
    return _URI_UNSAFE.sub(lambda match: urllib.parse.quote(match.group(), safe=""), link)


def _duration_words(value: dt.timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day{'s' if days != 1 else ''}"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


_UNSTAMPED: Final = dt.datetime(2000, 1, 1, tzinfo=UTC)
_EVENT_FIELDS: Final = tuple(sorted(field.name for field in attrs.fields(FeedEvent)))


def _fingerprint_text(names: Sequence[str]) -> str:
    """The `repr` of ``[(name, value), ...]`` with a ``{}`` for each value to show.

    ``repr`` of a list of pairs is ``[`` + the pairs' ``repr`` joined by ``, `` + ``]``, and
    a pair's is ``(`` + ``repr(name)`` + ``, `` + ``repr(value)`` + ``)``: so formatting
    each value with ``!r`` into this text gives exactly the bytes of ``repr(shown)``.
    """
    pairs = []
    for name in names:
        if name == "stamp":
            shown = repr(_UNSTAMPED).replace("{", "{{").replace("}", "}}")
        elif name == "sequence":
            shown = repr(0)
        else:
            shown = "{!r}"
        pairs.append(f"({name!r}, {shown})")
    return "[" + ", ".join(pairs) + "]"


_SHOWN_FIELDS: Final = tuple(name for name in _EVENT_FIELDS if name not in ("stamp", "sequence"))
_FINGERPRINT_FORMAT: Final = _fingerprint_text(_EVENT_FIELDS)
_shown_values: Final = operator.attrgetter(*_SHOWN_FIELDS)


def _fingerprint(event: FeedEvent) -> str:
    """A digest of what the event shows, whatever its stamp and sequence.

    The same digest as ``attrs.asdict`` of the event with a fixed stamp and sequence 0,
    fields sorted by name, which is what the feed-state files hold; but read straight from
    the fields instead of building and validating a copy, and formatted in one call
    (:func:`_fingerprint_text`; tests/test_feeds.py checks it against the ``repr``).
    """
    text = _FINGERPRINT_FORMAT.format(*_shown_values(event))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


_STAMP_FIELD: Final = attrs.fields(FeedEvent).stamp
_SEQUENCE_FIELD: Final = attrs.fields(FeedEvent).sequence


def _stamped(event: FeedEvent, stamp: dt.datetime, sequence: int) -> FeedEvent:
    """``attrs.evolve(event, stamp=stamp, sequence=sequence)`` without re-validating the rest.

    Every other field was converted and validated when `event` was made; only the two new
    values are checked, with the event's own converter and validators.
    """
    sequence = _to_int(sequence)  # the converter of FeedEvent.sequence
    if _STAMP_FIELD.validator is not None:
        _STAMP_FIELD.validator(event, _STAMP_FIELD, stamp)
    if _SEQUENCE_FIELD.validator is not None:
        _SEQUENCE_FIELD.validator(event, _SEQUENCE_FIELD, sequence)
    copy = object.__new__(FeedEvent)
    for name in _EVENT_FIELDS:
        object.__setattr__(copy, name, getattr(event, name))
    object.__setattr__(copy, "stamp", stamp)
    object.__setattr__(copy, "sequence", sequence)
    return copy


def _stamp_in_place(event: FeedEvent, stamp: dt.datetime, sequence: int) -> FeedEvent:
    """Set a fresh draft's stamp and sequence (checked as in :func:`_stamped`); return it."""
    sequence = _to_int(sequence)
    if _STAMP_FIELD.validator is not None:
        _STAMP_FIELD.validator(event, _STAMP_FIELD, stamp)
    if _SEQUENCE_FIELD.validator is not None:
        _SEQUENCE_FIELD.validator(event, _SEQUENCE_FIELD, sequence)
    object.__setattr__(event, "stamp", stamp)
    object.__setattr__(event, "sequence", sequence)
    return event


def _iso(value: dt.datetime | dt.date) -> str:
    return value.isoformat()


def stamp_events(
    drafts: Sequence[FeedEvent],
    *,
    state: FeedState,
    now: dt.datetime,
    updated: Mapping[str, dt.datetime | None] | None = None,
    latest: dt.datetime | None = None,
    keep_gone: dt.timedelta | None = None,
) -> tuple[list[FeedEvent], FeedState]:
    """Give each event its DTSTAMP and SEQUENCE from `state`; return events and new state.

    Unchanged events keep their stamp and sequence; changed ones get `now` (or the item's
    own `updated` time when set) and, when their start or end moved, sequence + 1.

    `latest` is the real time of the run: no stamp is later than it (a run with a pretend
    `now` in the future must not leave future stamps behind). Events that are gone are
    marked with the time they left and kept, so a re-added item continues its sequence;
    with `keep_gone`, entries gone for longer than that are dropped.
    """
    return _stamp_events(
        drafts,
        state=state,
        now=now,
        updated=updated,
        latest=latest,
        keep_gone=keep_gone,
        in_place=0,
    )


def _stamp_events(
    drafts: Sequence[FeedEvent],
    *,
    state: FeedState,
    now: dt.datetime,
    updated: Mapping[str, dt.datetime | None] | None,
    latest: dt.datetime | None,
    keep_gone: dt.timedelta | None,
    in_place: int,
    fingerprints: list[Shown | None] | None = None,
) -> tuple[list[FeedEvent], FeedState]:
    """:func:`stamp_events`; the first `in_place` drafts get their stamp and sequence set
    on themselves instead of on a copy.

    Only for drafts nobody else holds yet (the ones :func:`_stamp_all` just made): a feed
    then holds one object per event instead of a draft and a stamped copy.

    `fingerprints` holds, for the first drafts, each one's fingerprint, start and end as
    the state keeps them when known (a draft an earlier build made and stamped, see
    :class:`FeedMemo`) and ``None`` for a draft made now; the ``None`` are filled in. A
    known draft is not stamped in place: it is used as it is when its stamp and sequence
    stay, else copied; and when the state's entry stays too, it is kept as it is.
    """
    now_utc = now.astimezone(UTC).replace(microsecond=0)
    cap = latest.astimezone(UTC).replace(microsecond=0) if latest is not None else None

    def capped(moment: dt.datetime) -> dt.datetime:
        return moment if cap is None or moment <= cap else cap

    clock = capped(now_utc)
    updated = updated or {}
    entries = dict(state.entries)
    events = []
    shown = set()
    known = len(fingerprints) if fingerprints is not None else 0
    for index, draft in enumerate(drafts):
        shown.add(draft.uid)
        listed = fingerprints is not None and index < known
        remembered = fingerprints[index] if fingerprints is not None and listed else None
        if remembered is None:
            remembered = (_fingerprint(draft), _iso(draft.start), _iso(draft.end))
            if fingerprints is not None and listed:
                fingerprints[index] = remembered
            own_fingerprint = False
        else:
            own_fingerprint = True
        fingerprint, start, end = remembered
        previous = entries.get(draft.uid)
        own = updated.get(draft.uid)
        if previous is not None and previous.fingerprint == fingerprint:
            sequence, modified = previous.sequence, previous.modified
        else:
            moved = previous is not None and (previous.start, previous.end) != (start, end)
            sequence = (
                previous.sequence + 1
                if moved and previous is not None
                else (previous.sequence if previous is not None else 0)
            )
            modified = now_utc
        if own is not None:
            modified = own.astimezone(UTC).replace(microsecond=0)
        modified = capped(modified)
        if not (
            previous is not None
            and previous.gone is None
            and previous.fingerprint == fingerprint
            and previous.sequence == sequence
            and previous.modified == modified
            and previous.start == start
            and previous.end == end
        ):
            entries[draft.uid] = StateEntry(
                fingerprint=fingerprint, sequence=sequence, modified=modified, start=start, end=end
            )
        if own_fingerprint:
            if draft.stamp == modified and draft.sequence == sequence:
                events.append(draft)  # stamped so by an earlier build: nothing changes
            else:
                events.append(_stamped(draft, modified, sequence))
        elif index < in_place:
            events.append(_stamp_in_place(draft, modified, sequence))
        else:
            events.append(_stamped(draft, modified, sequence))
    for uid, entry in list(entries.items()):
        if uid in shown:
            continue
        gone = clock if entry.gone is None else entry.gone
        if keep_gone is not None and clock - gone > max(keep_gone, dt.timedelta(0)):
            del entries[uid]
            continue
        # Gone entries heal too: a state poisoned by a pretend future holds no future time.
        entries[uid] = attrs.evolve(entry, modified=capped(entry.modified), gone=capped(gone))
    return events, FeedState(entries=entries, brand=state.brand)


# --- calendars ----------------------------------------------------------------------------------


@attrs.frozen
class FeedWindow:
    """Which feed: all posts, or one platform's, one owner's, one pillar's."""

    platform: str | None = None
    """Only this platform id."""

    owner: str | None = None
    """Only items this person owns (compared case-insensitively)."""

    pillar: str | None = None
    """Only this pillar id."""

    def admits(self, item: ContentItem) -> bool:
        """Whether `item` belongs in this feed."""
        if self.platform is not None and item.platform != self.platform:
            return False
        if self.owner is not None and (item.owner or "").casefold() != self.owner.casefold():
            return False
        return self.pillar is None or item.pillar == self.pillar


def owner_slug(name: str) -> str:
    """A file-name-safe slug of an owner's name: ``Sari Dewi`` → ``sari-dewi``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if slug:
        return slug
    return "owner-" + hashlib.sha256(name.encode()).hexdigest()[:8]


def _entries_for_feeds(schedule: Schedule, settings: FeedSettings) -> list[Entry]:
    """Entries within the feed window around `now`, plus backlog with a time if asked."""
    plan = schedule.plan
    # Clamped: settings built in code skip the loader's 100-year cap on durations.
    first = clamp_add(schedule.now, -settings.past)
    last = clamp_add(schedule.now, settings.ahead)
    chosen = [entry for entry in schedule.all_entries if first <= entry.instant < last]
    if settings.include_backlog:
        for item in schedule.backlog:
            if item.at is None:
                continue
            entry = Entry.of(
                item,
                plan.platform(item.platform),
                item.at,
                default_duration=plan.schedule_settings.duration,
                placed=False,
            )
            if first <= entry.instant < last:
                chosen.append(entry)
        chosen.sort(key=Entry.sort_key)
    return chosen


def _feed_title(plan: Plan, window: FeedWindow) -> tuple[str, str]:
    brand = plan.brand.name
    if window.platform is not None:
        platform = plan.platform(window.platform)
        owner = f", kept by {platform.owner}" if platform.owner else ""
        return (
            f"{brand} — {platform.name}",
            f"Editorial calendar of {brand}: posts on {platform.name}{owner}.",
        )
    if window.owner is not None:
        return (
            f"{brand} — {window.owner}",
            f"Editorial calendar of {brand}: {window.owner}'s posts.",
        )
    if window.pillar is not None:
        return (
            f"{brand} — {window.pillar}",
            f"Editorial calendar of {brand}: {window.pillar} posts.",
        )
    return f"{brand} — all posts", f"Editorial calendar of {brand}: every planned post."


def _base_url(base_url: str | None) -> str | None:
    """:func:`checked_base_url`, passing None through."""
    return None if base_url is None else checked_base_url(base_url)


def _validate_window(plan: Plan, window: FeedWindow) -> FeedWindow:
    """`window` with the owner spelled as in the plan; raise InvalidOptionError for typos."""
    known = [platform.id for platform in plan.platforms]
    if window.platform is not None and window.platform not in known:
        raise InvalidOptionError(
            f"unknown platform {window.platform!r}; the plan has: {', '.join(known)}"
        )
    pillars = [pillar.id for pillar in plan.pillars]
    if window.pillar is not None and window.pillar not in pillars:
        raise InvalidOptionError(
            f"unknown pillar {window.pillar!r}; the plan has: {', '.join(pillars)}"
        )
    if window.owner is not None:
        # A typo must not give a silently empty calendar that someone subscribes to.
        owners: dict[str, str] = {}
        for name in [p.owner for p in plan.platforms] + [item.owner for item in plan.items]:
            if name:
                owners.setdefault(name.casefold(), name)
        for name in _measuring_owners(plan):
            owners.setdefault(name.casefold(), name)
        if window.owner.casefold() not in owners:
            raise InvalidOptionError(
                f"unknown owner {window.owner!r}; the plan has: "
                f"{', '.join(sorted(owners.values(), key=str.casefold)) or 'no owners'}"
            )
        # "--owner sari" is Sari's feed, named as in the plan (the same bytes as owner/sari.ics).
        window = attrs.evolve(window, owner=owners[window.owner.casefold()])
    return window


@attrs.frozen
class _Stamped:
    """Every event of the plan's feeds, stamped once and shared by all feeds."""

    events: Mapping[str, FeedEvent]
    entries: tuple[Entry, ...]
    drafts: tuple[_Draft, ...]
    state: FeedState
    brand: str
    extras: tuple[OwnedEvent, ...] = ()
    """Review meetings and goal and action due dates: all.ics and their owner's feed."""

    groups: dict[str, dict[str | None, list[FeedEvent]]] = attrs.field(
        factory=dict, eq=False, repr=False
    )
    """The posts' events by platform id and by case-folded owner, in draft order; made on
    first use by :func:`_window_events`, so that each feed does not test every event."""


def _window_events(stamped: _Stamped, window: FeedWindow) -> tuple[FeedEvent, ...]:
    """The stamped posts `window` admits, in the order of the drafts.

    A feed of one platform or one owner (every feed :func:`feed_paths` lists) is read from
    groups made in one pass over the drafts, the same members in the same order as testing
    each draft with :meth:`FeedWindow.admits`; other windows test each draft.
    """
    events = stamped.events
    if window.pillar is not None or (window.platform is not None and window.owner is not None):
        return tuple(events[d.event.uid] for d in stamped.drafts if window.admits(d.item))
    if window.platform is None and window.owner is None:
        return tuple(events[draft.event.uid] for draft in stamped.drafts)
    groups = stamped.groups
    if not groups:
        by_platform: dict[str | None, list[FeedEvent]] = {}
        by_owner: dict[str | None, list[FeedEvent]] = {}
        for draft in stamped.drafts:
            event = events[draft.event.uid]
            item = draft.item
            by_platform.setdefault(item.platform, []).append(event)
            by_owner.setdefault((item.owner or "").casefold(), []).append(event)
        groups["platform"] = by_platform
        groups["owner"] = by_owner
    if window.platform is not None:
        return tuple(groups["platform"].get(window.platform, ()))
    assert window.owner is not None  # noqa: S101 - the cases above
    return tuple(groups["owner"].get(window.owner.casefold(), ()))


def _stamp_all(
    schedule: Schedule,
    state: FeedState,
    *,
    written_at: dt.datetime | None = None,
    keep_gone: dt.timedelta | None = None,
    memo: FeedMemo | None = None,
) -> _Stamped:
    plan = schedule.plan
    settings = plan.feed_settings
    brand = brand_id(plan, state)
    entries = tuple(_entries_for_feeds(schedule, settings))
    default = plan.schedule_settings.duration
    context = _draft_context(plan, settings, default, brand) if memo is not None else ()
    made: list[_Made] | None = [] if memo is not None else None
    fingerprints: list[Shown | None] | None = [] if memo is not None else None
    drafts = _drafts(
        plan,
        entries,
        settings,
        default,
        brand,
        known=memo.posts_for(context) if memo is not None else None,
        made=made,
        fingerprints=fingerprints,
    )
    extras = (
        tuple(
            review_events(
                plan,
                now=schedule.now,
                first=clamp_add(schedule.now, -settings.past),
                last=clamp_add(schedule.now, settings.ahead),
                brand=brand,
            )
        )
        if settings.review_events
        else ()
    )
    # The posts' drafts were made just now and only for this: they are stamped in place.
    # The extras come from review_events, so they get stamped copies as before.
    events, new_state = _stamp_events(
        [draft.event for draft in drafts] + [extra.event for extra in extras],
        state=state,
        now=schedule.now,
        updated={draft.event.uid: draft.updated for draft in drafts},
        latest=written_at,
        keep_gone=settings.past if keep_gone is None else keep_gone,
        in_place=len(drafts),
        fingerprints=fingerprints,
    )
    if memo is not None:
        _remember(memo, context, entries, drafts, made or [], fingerprints or [])
    return _Stamped(
        events={event.uid: event for event in events},
        entries=entries,
        drafts=tuple(drafts),
        state=attrs.evolve(new_state, brand=brand),
        brand=brand,
        extras=extras,
    )


def _remember(
    memo: FeedMemo,
    context: tuple[object, ...],
    entries: Sequence[Entry],
    drafts: Sequence[_Draft],
    made: Sequence[_Made],
    fingerprints: Sequence[Shown | None],
) -> None:
    """Keep this build's posts in `memo`: the reused ones as they were, the new ones made."""
    posts: dict[tuple[str, str, int], _Post] = {}
    fresh = 0
    for post in made:
        if isinstance(post, _Post):
            posts[post.key] = post
            continue
        key, entry, story, first, last = post
        posts[key] = _Post(
            key=key,
            entry=entry,
            story=story,
            drafts=tuple(drafts[first:last]),
            fingerprints=tuple(shown for shown in fingerprints[first:last] if shown is not None),
        )
        fresh += 1
    memo.reused = len(entries) - fresh
    memo.made = fresh
    memo.remember(context, posts)


@attrs.frozen
class _MadeCalendar:
    """One feed's calendar as a build made it, with what it was made from."""

    posts: tuple[FeedEvent, ...]
    extras: tuple[FeedEvent, ...]
    events: tuple[FeedEvent, ...]
    """`posts` and `extras` in the feed's order."""

    values: tuple[object, ...]
    """The calendar's other values, as given to :class:`FeedCalendar`."""

    calendar: FeedCalendar


def _same(first: Sequence[FeedEvent], second: Sequence[FeedEvent]) -> bool:
    """Whether the two hold the very same event objects in the same order."""
    return len(first) == len(second) and all(map(operator.is_, first, second))


def _calendar(
    schedule: Schedule,
    stamped: _Stamped,
    window: FeedWindow,
    path: str,
    base_url: str | None,
    memo: FeedMemo | None = None,
) -> FeedCalendar:
    """The feed's calendar. With `memo`, a calendar whose events are the very events of
    the last build's (and its other values equal) is that build's calendar, not a new one;
    with only its posts the same, the order of posts and extras is not sorted again."""
    plan = schedule.plan
    name, description = _feed_title(plan, window)
    calendar_id = str(uuid.uuid5(NAMESPACE, f"{stamped.brand}\x1fcalendar\x1f{path}"))
    posts = events = _window_events(stamped, window)
    extras: tuple[FeedEvent, ...] = ()
    last = memo.calendars.get(path) if memo is not None else None
    if window.platform is None and window.pillar is None:
        extras = tuple(
            stamped.events[extra.event.uid]
            for extra in stamped.extras
            if window.owner is None or (extra.owner or "").casefold() == window.owner.casefold()
        )
        if extras:
            if last is not None and _same(last.posts, posts) and last.extras == extras:
                # Equal extras (stamped anew by each build) sort where they sorted before.
                same = dict(zip(map(id, last.extras), extras, strict=True))
                events = tuple(same.get(id(event), event) for event in last.events)
            else:
                events = tuple(sorted(events + extras, key=_event_order))
    values = (
        name,
        # The calendar's identity is its URL (and X-WR-RELCALID); a calendar-level UID is
        # opt-in because vdirsyncer collapses a feed that has one into a single event.
        calendar_id if plan.feed_settings.calendar_uid else None,
        calendar_id,
        description,
        plan.brand.timezone,
        plan.feed_settings.refresh,
        subscribe_link(base_url, path).url if base_url else None,
        urllib.parse.urljoin(base_url, "index.html") if base_url else None,
    )
    if last is not None and last.values == values and _same(last.events, events):
        calendar = last.calendar
    else:
        calendar = FeedCalendar(
            prodid=PRODID,
            name=values[0],
            uid=values[1],
            relcalid=values[2],
            events=events,
            description=values[3],
            timezone=values[4],
            refresh=values[5],
            source=values[6],
            url=values[7],
            last_modified=max((event.stamp for event in events), default=None),
        )
    if memo is not None:
        memo.calendars[path] = _MadeCalendar(posts, extras, events, values, calendar)
    return calendar


def build_calendar(
    schedule: Schedule,
    *,
    window: FeedWindow | None = None,
    state: FeedState | None = None,
    base_url: str | None = None,
    path: str | None = None,
    written_at: dt.datetime | None = None,
    keep_gone: dt.timedelta | None = None,
) -> tuple[FeedCalendar, FeedState]:
    """The feed values for one window of `schedule`, and the updated feed state.

    `path` is where the feed is published below `base_url`; it names the calendar (its UID)
    and its SOURCE, and defaults to the window's path in :func:`feed_paths`, so a feed
    made alone is the same calendar as that feed made by :func:`write_feeds`.

    `written_at` is the real time of the run (default: the schedule's `now`): no stamp
    is later than it, so saving the returned state after a run with a pretend `now` in
    the future cannot put future stamps into later feeds.
    `keep_gone` is how long the state remembers events that left the feeds (default: the
    plan's ``[feeds] past``).

    Raises :class:`~contentcal.errors.InvalidOptionError` for an unknown platform, owner or
    pillar, or a bad `base_url`.
    """
    window = _validate_window(schedule.plan, window or FeedWindow())
    base_url = _base_url(base_url)
    if path is None:
        path = _window_path(schedule, window)
    with collector_paused():
        stamped = _stamp_all(
            schedule, state or FeedState(), written_at=written_at, keep_gone=keep_gone
        )
        return _calendar(schedule, stamped, window, path, base_url), stamped.state


def feed(
    schedule: Schedule,
    *,
    platform: str | None = None,
    owner: str | None = None,
    pillar: str | None = None,
    state: FeedState | None = None,
    base_url: str | None = None,
) -> icalendar.Calendar:
    """The feed as an :class:`icalendar.Calendar` (the reference object model).

    Filters by `platform` id, `owner` name or `pillar` id. `state` keeps stamps stable
    between runs (see :func:`load_state`); without it every event is stamped with the
    schedule's `now`.
    """
    calendar, _ = build_calendar(
        schedule,
        window=FeedWindow(platform=platform, owner=owner, pillar=pillar),
        state=state,
        base_url=base_url,
    )
    return to_icalendar(calendar)


def feed_paths(plan: Plan, entries: Iterable[Entry] = ()) -> list[tuple[str, FeedWindow]]:
    """Every feed `write_feeds` writes: ``all.ics``, one per platform, one per owner.

    File names are safe whatever the ids and names are (a platform id such as ``../x``
    must not write outside the folder) and never shared by two feeds.
    """
    paths = [("all.ics", FeedWindow())]
    taken: set[str] = set()
    for platform in plan.platforms:
        file_name = _file_name(platform.id, platform.id, taken)
        paths.append((f"platform/{file_name}.ics", FeedWindow(platform=platform.id)))
    # Owners are matched case-insensitively (FeedWindow.admits), so "Sari" and "sari" are
    # one feed; "Sari Dewi" and "Sari-Dewi" are two people with one slug, so two files.
    owners: dict[str, str] = {}
    for name in [p.owner for p in plan.platforms] + [e.item.owner for e in entries]:
        if name:
            owners.setdefault(name.casefold(), name)
    for name in _measuring_owners(plan):
        owners.setdefault(name.casefold(), name)
    taken = set()
    named = [
        (_file_name(owners[key], owner_slug(owners[key]), taken), owners[key])
        for key in sorted(owners)
    ]
    paths.extend((f"owner/{slug}.ics", FeedWindow(owner=name)) for slug, name in sorted(named))
    return paths


def _measuring_owners(plan: Plan) -> list[str]:
    """People the measuring events belong to: who runs the review, owns a goal or an action."""
    names = [plan.review.owner] if plan.review is not None else []
    names += [goal.owner for goal in plan.goals if goal.due is not None]
    names += [action.owner for action in plan.actions]
    return [name for name in names if name]


def _event_order(event: FeedEvent) -> str:
    """Chronological, all-day events first on their day; a stable sort keeps posts' order."""
    start = event.start
    return start.isoformat() if isinstance(start, dt.datetime) else f"{start.isoformat()}T"


def _window_path(schedule: Schedule, window: FeedWindow) -> str:
    """The path :func:`feed_paths` gives `window`; a path of its own for other windows."""

    def key(candidate: FeedWindow) -> FeedWindow:
        owner = candidate.owner.casefold() if candidate.owner is not None else None
        return attrs.evolve(candidate, owner=owner)

    for path, candidate in feed_paths(schedule.plan, schedule.all_entries):
        if key(candidate) == key(window):
            return path
    # Pillar feeds and combined filters are not written by write_feeds; still give each
    # window its own name, so two different calendars never share a UID.
    parts = [
        f"{kind}/{_file_name(value, owner_slug(value) if kind == 'owner' else value, set())}"
        for kind, value in (
            ("platform", window.platform),
            ("owner", window.owner),
            ("pillar", window.pillar),
        )
        if value is not None
    ]
    return "/".join(parts) + ".ics"


_SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def _file_name(name: str, preferred: str, taken: set[str]) -> str:
    """`preferred` when it is a safe, unused file name; else a slug made unique by a hash."""
    slug = preferred if _SAFE_FILE_NAME.fullmatch(preferred) else owner_slug(name)
    # casefold: "Instagram" and "instagram" are one file on macOS and Windows.
    if slug.casefold() in taken:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
        slug = f"{slug}-{digest[:8]}"
    taken.add(slug.casefold())
    return slug


@attrs.frozen
class Site:
    """Every feed and the index page, as bytes by relative path (what `serve` serves)."""

    files: Mapping[str, bytes]
    """Relative path → body."""

    last_modified: dt.datetime
    """The newest stamp of any event (or `now` for a plan with no events)."""

    state: FeedState = attrs.field(repr=False, default=FeedState())
    """The feed state after this build (save it to keep stamps stable)."""

    expires: dt.datetime | None = None
    """The first instant after which building again, with nothing edited, could give other
    files (see :func:`feeds_expire`); ``serve`` rebuilds on the first request after it."""

    files_for: Callable[[str], Mapping[str, bytes]] | None = attrs.field(
        default=None, eq=False, repr=False
    )
    """Renders the files whose links depend on where the site is served (``index.html``)
    for a base URL; ``serve`` uses it to show absolute subscribe links."""

    calendars: Mapping[str, FeedCalendar] = attrs.field(repr=False, eq=False, factory=dict)
    """The feed values each ``.ics`` body was rendered from, so a later build can reuse it."""


def build_site(
    schedule: Schedule,
    *,
    state: FeedState | None = None,
    base_url: str | None = None,
    written_at: dt.datetime | None = None,
    pages: Mapping[str, bytes] | None = None,
    previous: Site | None = None,
    memo: FeedMemo | None = None,
) -> Site:
    """Render every feed and the index page in memory.

    `written_at` is the real time of the run (default: the schedule's `now`): no stamp
    is later than it, so saving the returned state after a run with a pretend `now` in
    the future cannot put future stamps into later feeds.
    `pages` (the site's month, week and post pages, see
    :func:`contentcal.publishing.pipeline.site_pages`) are served too and linked from the
    index.

    With `previous` (the last build, as ``serve`` keeps it), a feed whose calendar is equal
    to the one `previous` rendered keeps its bytes instead of being rendered again: after an
    edit only the feeds whose events changed are rendered. The result is the same bytes.
    With `memo` (kept from build to build, see :class:`FeedMemo`), the events of posts that
    did not change are not made again either.

    Raises :class:`~contentcal.errors.InvalidOptionError` for a bad `base_url`.
    """
    # The plan's base_url was checked when the plan was loaded or validated; only an
    # explicit `base_url` argument needs checking here.
    base_url = _base_url(base_url) or schedule.plan.feed_settings.base_url
    stamped = _stamp_all(schedule, state or FeedState(), written_at=written_at, memo=memo)
    files: dict[str, bytes] = {}
    calendars = []
    for path, window in feed_paths(schedule.plan, stamped.entries):
        calendar = _calendar(schedule, stamped, window, path, base_url, memo)
        calendars.append((path, calendar))
        if previous is not None and previous.calendars.get(path) == calendar:
            files[path] = previous.files[path]
        else:
            files[path] = ics_bytes(calendar) if memo is None else ics_bytes(calendar, memo.texts)
    if memo is not None:
        memo.calendars = {path: memo.calendars[path] for path, _ in calendars}
        # Only the texts of this build's events are kept: the others cannot come back.
        texts = memo.texts
        memo.texts = {key: texts[key] for key in map(id, stamped.events.values()) if key in texts}
    files.update(pages or {})
    files["index.html"] = _index_html(schedule.plan, calendars, base_url, pages or ()).encode()
    stamps = [event.stamp for event in stamped.events.values()]
    last = max(stamps, default=schedule.now.astimezone(UTC).replace(microsecond=0))

    def files_for(served_at: str) -> Mapping[str, bytes]:
        # The configured base URL wins: it is where subscribers should point, even when
        # this server is reached through another name.
        link_base = base_url or checked_base_url(served_at)
        index = _index_html(schedule.plan, calendars, link_base, pages or ())
        return {"index.html": index.encode()}

    return Site(
        files=files,
        last_modified=last,
        state=stamped.state,
        expires=feeds_expire(schedule),
        files_for=files_for,
        calendars=dict(calendars),
    )


def feeds_expire(schedule: Schedule) -> dt.datetime:
    """The first instant after which the feeds of `schedule` can differ with nothing edited.

    That is :func:`~contentcal.scheduling.place.next_change` (a slot passes, an item's time
    passes, the day turns in the brand's zone), or earlier when an event (a post, a review
    meeting) enters or leaves the ``[feeds]`` window (``past`` behind and ``ahead`` of now),
    or a day turns at one of the window's ends (goal and action due dates are days).
    """
    settings = schedule.plan.feed_settings
    now = schedule.now.astimezone(UTC)
    soonest = next_change(schedule)
    step = dt.timedelta(microseconds=1)
    instants = [entry.instant for entry in schedule.all_entries]
    if settings.include_backlog:
        for item in schedule.backlog:
            if isinstance(item.at, dt.datetime):
                instants.append(item.at.astimezone(UTC))
            elif item.at is not None:
                zone = get_zone(schedule.plan.platform(item.platform).timezone)
                instants.append(dt.datetime.combine(item.at, dt.time(), tzinfo=zone))
    if settings.review_events and schedule.plan.review is not None:
        from contentcal.reviewing.meetings import review_times  # noqa: PLC0415 - as review_events

        # Meetings inside the window, and the ones about to enter it at its far end.
        instants.extend(
            moment.astimezone(UTC)
            for moment in review_times(
                schedule.plan,
                start=now - settings.past,
                end=now + settings.ahead + (soonest - now),
            )
        )
    for instant in instants:
        for edge in (instant + settings.past, instant - settings.ahead):
            if now <= edge < soonest:
                soonest = edge + step
    # Goal and action due dates are whole days, compared with the days of the window's ends.
    zone = get_zone(schedule.plan.brand.timezone)
    for end in (now - settings.past, now + settings.ahead):
        next_day = end.astimezone(zone).date() + dt.timedelta(days=1)
        turns = localize(dt.datetime.combine(next_day, dt.time()), zone).astimezone(UTC)
        soonest = min(soonest, now + (turns - end))
    return soonest


def write_feeds(
    schedule: Schedule,
    out_dir: str | os.PathLike[str],
    *,
    state: FeedState | None = None,
    base_url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    written_at: dt.datetime | None = None,
    pages: Mapping[str, bytes] | Iterable[tuple[str, bytes]] | None = None,
    manifest: str | os.PathLike[str] | None = None,
) -> tuple[list[str], FeedState]:
    """Write every feed and ``index.html`` into `out_dir`, each file atomically.

    `pages` are the site's month, week and post pages by relative path (see
    :func:`contentcal.publishing.site.build_pages`), or (path, bytes) pairs made one at a
    time (:func:`contentcal.publishing.site.iter_pages`): each is written after the feeds,
    only when its bytes changed, and the index links them.
    With a `manifest` file (:func:`~contentcal.files.site.manifest_for` the plan), files
    published there before that are no longer part of the site (a removed platform's
    feed, a page that left the window) are deleted and the manifest is updated; see
    :mod:`contentcal.files.site`.
    Returns the written paths (relative to `out_dir`) and the updated feed state.
    `progress`, if given, is called with (feeds written, feeds in all) after each feed.
    `written_at` is the real time of the run (default: the schedule's `now`): no stamp
    is later than it, so saving the returned state after a run with a pretend `now` in
    the future cannot put future stamps into later feeds.
    Raises :class:`~contentcal.errors.OutputError` when a file cannot be written and
    :class:`~contentcal.errors.InvalidOptionError` for a bad `base_url`.
    """
    written, state, _, _ = _write_feeds(
        schedule,
        out_dir,
        state=state,
        base_url=base_url,
        progress=progress,
        written_at=written_at,
        pages=pages,
        manifest=manifest,
    )
    return written, state


def _write_feeds(
    schedule: Schedule,
    out_dir: str | os.PathLike[str],
    *,
    state: FeedState | None,
    base_url: str | None,
    progress: Callable[[int, int], None] | None,
    written_at: dt.datetime | None,
    pages: Mapping[str, bytes] | Iterable[tuple[str, bytes]] | None = None,
    manifest: str | os.PathLike[str] | None = None,
) -> tuple[list[str], FeedState, int, list[str]]:
    """:func:`write_feeds`, also returning the number of stamped events (what ``all.ics``
    holds) and the paths of the pages. `pages` may be (path, bytes) pairs made one at a
    time (see :func:`contentcal.publishing.site.iter_pages`): each is written and dropped
    before the next is asked for, so a million pages need no more memory than one; the
    feeds' events are dropped before the first page."""
    # The plan's base_url was checked when the plan was loaded or validated; only an
    # explicit `base_url` argument needs checking here.
    base_url = _base_url(base_url) or schedule.plan.feed_settings.base_url
    stamped = _stamp_all(schedule, state or FeedState(), written_at=written_at)
    written = []
    # Only what the index shows of each feed: the calendars themselves (every event of
    # every feed) are dropped once written, before the pages.
    feeds: list[tuple[str, _FeedRow]] = []
    paths = feed_paths(schedule.plan, stamped.entries)
    site = SiteWriter(out_dir, manifest=manifest)
    try:
        for path, window in paths:
            calendar = _calendar(schedule, stamped, window, path, base_url)
            feeds.append((path, _FeedRow(calendar.name, len(calendar.events))))
            site.write(path, functools.partial(write_ics, calendar))
            del calendar
            written.append(path)
            if progress is not None:
                progress(len(written), len(paths))
        state, events = stamped.state, len(stamped.events)
        del stamped  # every event of every feed: not needed for the pages
        page_paths = []
        for path, data in pages.items() if isinstance(pages, Mapping) else pages or ():
            page_paths.append(path)
            if site.write(path, data, unless_unchanged=True):
                written.append(path)
        site.write("index.html", _index_html(schedule.plan, feeds, base_url, page_paths).encode())
        written.append("index.html")
        site.finish()
    except BaseException:
        site.discard()  # what was not committed yet: no temporaries left behind
        raise
    return written, state, events, page_paths


@attrs.frozen
class _FeedRow:
    """What the index shows of a feed: its name and how many events it has."""

    name: str
    count: int


def subscribe_links(base_url: str, path: str) -> tuple[str, str, str]:
    """(https URL, webcal URL, Google Calendar "add by URL" link) of a feed.

    The same links as :func:`subscribe_link`, as a plain tuple.
    """
    link = subscribe_link(base_url, path)
    return link.url, link.webcal, link.google


def _pages_html(pages: Iterable[str]) -> str:
    """The index's links to the month and week pages ('' when the site has none)."""
    from contentcal.views.site import index_links  # noqa: PLC0415 - only when there are pages

    escape = html.escape
    links = index_links(pages)
    if not links["months"] and not links["weeks"]:
        return ""
    parts = ["<h2>The calendar</h2>\n"]
    for kind, title in (("review", "Review"), ("months", "Months"), ("weeks", "Weeks")):
        if links[kind]:
            items = "".join(
                f'<li><a href="{escape(path)}">{escape(text)}</a></li>'
                for path, text in links[kind]
            )
            parts.append(f'<h3>{title}</h3>\n<ul class="pages">{items}</ul>\n')
    return "".join(parts) + "<h2>Subscribe</h2>\n"


def _index_html(
    plan: Plan,
    calendars: Sequence[tuple[str, FeedCalendar | _FeedRow]],
    base_url: str | None,
    pages: Iterable[str] = (),
) -> str:
    escape = html.escape
    rows = []
    for path, calendar in calendars:
        count = calendar.count if isinstance(calendar, _FeedRow) else len(calendar.events)
        if base_url:
            https, webcal, google = subscribe_links(base_url, path)
            links = (
                f'<a href="{escape(webcal)}">Subscribe (Apple, Outlook)</a> · '
                f'<a href="{escape(google)}">Add to Google Calendar</a> · '
                f'<a href="{escape(https)}">{escape(https)}</a>'
            )
        else:
            links = f'<a href="{escape(path)}">{escape(path)}</a>'
        rows.append(f"<tr><td>{escape(calendar.name)}</td><td>{count}</td><td>{links}</td></tr>")
    note = (
        ""
        if base_url
        else "<p>These links are relative. For subscribe links, pass the address the folder "
        "is published at: <code>contentcal feeds --base-url URL</code>, or "
        "<code>base_url</code> under <code>[feeds]</code> in the plan.</p>"
    )
    title = escape(f"{plan.brand.name} — calendar feeds")
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "overflow-wrap:anywhere;"
        "padding:0 1rem}td,th{padding:.3rem .6rem;text-align:left;vertical-align:top}"
        "ul.pages{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}"
        "</style>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n"
        f"{_pages_html(pages)}"
        "<p>Subscribe to a feed in your calendar app; it updates itself. Google Calendar "
        "refreshes subscriptions every few hours and cannot be made faster.</p>\n"
        f"{note}"
        "<table>\n<tr><th>Feed</th><th>Events</th><th>Links</th></tr>\n"
        + "\n".join(rows)
        + "\n</table>\n</body>\n</html>\n"
    )
