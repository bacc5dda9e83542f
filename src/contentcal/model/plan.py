"""The plan model: immutable values for a brand's strategy and its content items.

Everything here is an ``attrs.frozen`` class; change a value with ``attrs.evolve``.
Raw input never reaches these constructors directly: :mod:`contentcal.files.load` converts and
validates it first and reports every problem with its location.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from contentcal.model.settings import CheckSettings

if TYPE_CHECKING:
    from contentcal.errors import Problem
    from contentcal.model.results import Action, Result, ReviewSettings


def _frozen_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy, so frozen values stay frozen (anything else is left for validate)."""
    return MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


def _to_tuple(value: Any) -> Any:
    """Lists become tuples, so plans built in code compare equal to loaded ones."""
    return tuple(value) if isinstance(value, list) else value


def _lenient(enum_type: type[enum.StrEnum], value: Any) -> Any:
    """A known value's text becomes the enum member; anything else stays as it is.

    Unknown values are not refused here: :func:`contentcal.validate` reports them with their
    key path and a hint, together with every other problem of the plan.
    """
    if isinstance(value, str) and not isinstance(value, enum_type):
        try:
            return enum_type(value)
        except ValueError:
            return value
    return value


class Network(enum.StrEnum):
    """The social networks and channels contentcal knows (a closed vocabulary)."""

    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    LINKEDIN = "linkedin"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    THREADS = "threads"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    PINTEREST = "pinterest"
    BLOG = "blog"
    NEWSLETTER = "newsletter"
    WHATSAPP = "whatsapp"
    GOOGLE_BUSINESS = "google-business"
    OTHER = "other"

    @property
    def display_name(self) -> str:
        """How people write the network's name (``LinkedIn``, ``X``, ``Google Business``)."""
        return _NETWORK_NAMES[self]


_NETWORK_NAMES = {
    Network.FACEBOOK: "Facebook",
    Network.INSTAGRAM: "Instagram",
    Network.X: "X",
    Network.LINKEDIN: "LinkedIn",
    Network.YOUTUBE: "YouTube",
    Network.TIKTOK: "TikTok",
    Network.THREADS: "Threads",
    Network.BLUESKY: "Bluesky",
    Network.MASTODON: "Mastodon",
    Network.PINTEREST: "Pinterest",
    Network.BLOG: "Blog",
    Network.NEWSLETTER: "Newsletter",
    Network.WHATSAPP: "WhatsApp",
    Network.GOOGLE_BUSINESS: "Google Business",
    Network.OTHER: "Other",
}


class Media(enum.StrEnum):
    """What kind of post an item is."""

    TEXT = "text"
    IMAGE = "image"
    CAROUSEL = "carousel"
    VIDEO = "video"
    SHORT_VIDEO = "short-video"
    STORY = "story"
    LINK = "link"
    DOCUMENT = "document"
    LIVE = "live"


class Status(enum.StrEnum):
    """Where an item is in its life, from idea to published."""

    IDEA = "idea"
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @property
    def is_backlog(self) -> bool:
        """Ideas, drafts and items in review wait in the backlog and are not placed."""
        return self in (Status.IDEA, Status.DRAFT, Status.REVIEW)

    @property
    def is_placed(self) -> bool:
        """Approved, scheduled and published items have a place in the schedule.

        They are the schedule's entries and the feeds' confirmed events; the backlog is
        tentative and cancelled items are left out.
        """
        return self in (Status.APPROVED, Status.SCHEDULED, Status.PUBLISHED)

    @property
    def takes_slot(self) -> bool:
        """Approved and scheduled items without a time take their platform's next free slot.

        (A published item without a time is an error, not a candidate for a slot.)
        """
        return self in (Status.APPROVED, Status.SCHEDULED)


class Horizon(enum.StrEnum):
    """Whether a goal is short or long term."""

    SHORT = "short"
    LONG = "long"


class Account(enum.StrEnum):
    """The kind of account a platform entry uses."""

    BUSINESS = "business"
    PERSONAL = "personal"


def _horizon(value: Any) -> Any:
    return _lenient(Horizon, value)


def _network(value: Any) -> Any:
    return _lenient(Network, value)


def _account(value: Any) -> Any:
    return _lenient(Account, value)


def _media(value: Any) -> Any:
    return _lenient(Media, value)


def _status(value: Any) -> Any:
    return _lenient(Status, value)


DEFAULT_PILLARS: tuple[tuple[str, str, str], ...] = (
    ("communication", "Talk with your audience: news, answers, behind the scenes.", "royalblue"),
    (
        "collaboration",
        "Work with customers and partners: reposts, questions, co-creation.",
        "seagreen",
    ),
    ("education", "Teach something useful about your products or craft.", "darkorange"),
    ("entertainment", "Stories, humour and moments people enjoy and share.", "orchid"),
)
"""The four pillars of *The Social Media Bible*: id, description, colour."""


def default_pillars() -> tuple[Pillar, ...]:
    """The four pillars of *The Social Media Bible*, the pillars of a plan that names none."""
    return tuple(
        Pillar(id=pillar_id, description=description, color=color)
        for pillar_id, description, color in DEFAULT_PILLARS
    )


@attrs.frozen
class Source:
    """Where a value came from, so findings and pinning can point back to it."""

    file: str
    """The file as the user named it (relative to the working directory when possible)."""

    line: int | None = None
    """1-based line of the item's first line, where the format lets us know it."""

    path: str | None = None
    """Key path of the item inside its file, e.g. ``items[3]`` or ``row 5``."""


@attrs.frozen
class Blackout:
    """Days on which nothing is posted (inclusive range of local dates)."""

    first: dt.date
    """First day without posts."""

    last: dt.date
    """Last day without posts (equal to `first` for a single day)."""

    reason: str | None = None
    """Why, e.g. ``Lebaran``; shown in schedules."""

    def covers(self, day: dt.date) -> bool:
        """Whether `day` falls inside this blackout."""
        return self.first <= day <= self.last


@attrs.frozen
class Brand:
    """The business the plan is for."""

    name: str
    """Display name, used in feed titles and schedules."""

    timezone: str
    """IANA time-zone name such as ``Asia/Jakarta``; the default for every platform."""

    url: str | None = None
    """The brand's website."""

    domain: str | None = None
    """The brand's domain, e.g. ``batikcikarang.id``."""

    blackout: tuple[Blackout, ...] = attrs.field(default=(), converter=_to_tuple)
    """Days without any posts on any platform."""

    id: str | None = None
    """Stable id of the brand in event UIDs, so renaming the business keeps every UID.

    Without it, the first run that saves the feed state records the brand's name of that
    day as the id (in the state file) and later runs keep using it.
    """


@attrs.frozen
class Goal:
    """A SMART business goal that content items serve."""

    id: str
    """Key of the goal in the plan (``[goals.<id>]``)."""

    statement: str
    """What should happen, in a sentence (the *specific* part)."""

    metric: str | None = None
    """What is measured, e.g. ``followers`` (the *measurable* part)."""

    baseline: float | None = None
    """The metric's value when the goal was set."""

    target: float | None = None
    """The value to reach (the *attainable* part, judged against the baseline)."""

    due: dt.date | None = None
    """When the target must be reached (the *timely* part)."""

    horizon: Horizon = attrs.field(default=Horizon.SHORT, converter=_horizon)
    """Short or long term."""

    owner: str | None = None
    """Who answers for the goal."""

    relevance: str | None = None
    """Why the goal matters to the business (the *relevant* part)."""

    start: dt.date | None = None
    """When the baseline was measured; with it, a review knows where the goal should be."""

    @property
    def decreasing(self) -> bool:
        """Whether the goal is to bring the metric down (reply time from 10 h to 2 h)."""
        return self.baseline is not None and self.target is not None and self.target < self.baseline

    def missing_smart(self) -> tuple[str, ...]:
        """Return the SMART letters this goal cannot show, e.g. ``("M", "T")``.

        S needs a statement, M a metric, A a target, R a statement tied to the business
        (a statement is enough; `relevance` makes it explicit), T a due date.
        """
        missing = []
        if not self.statement.strip():
            missing.append("S")
        if not self.metric:
            missing.append("M")
        if self.target is None:
            missing.append("A")
        if not (self.statement.strip() or self.relevance):
            missing.append("R")
        if self.due is None:
            missing.append("T")
        return tuple(missing)


@attrs.frozen
class Pillar:
    """A content pillar: a theme a share of the content should serve."""

    id: str
    """Key of the pillar in the plan (``[pillars.<id>]``)."""

    description: str | None = None
    """What belongs in this pillar."""

    share: float | None = None
    """Target share of all content, between 0 and 1."""

    color: str | None = None
    """A CSS colour name used in feeds and schedules."""


@attrs.frozen
class Platform:
    """One account of the brand on one network: a row of the Social Tool Matrix."""

    id: str
    """Key of the platform in the plan (``[platforms.<id>]``)."""

    network: Network = attrs.field(converter=_network)
    """Which network this account is on (its value, e.g. ``"instagram"``, is accepted)."""

    timezone: str
    """IANA zone of the posting slots (the brand's unless set)."""

    handle: str | None = None
    """The account name, e.g. ``@batikcikarang``."""

    owner: str | None = None
    """Who keeps the account up to date."""

    purpose: str | None = None
    """Why the brand is on this platform."""

    account: Account = attrs.field(default=Account.BUSINESS, converter=_account)
    """Business or personal account."""

    slots: tuple[str, ...] = attrs.field(default=(), converter=_to_tuple)
    """Posting slots as cadence strings (``"MO,WE,FR 19:00"``) or RRULEs."""

    respond_within: dt.timedelta | None = None
    """How fast comments and questions must get an answer."""

    min_gap: dt.timedelta | None = None
    """Least time between two posts on this platform."""

    blackout: tuple[Blackout, ...] = attrs.field(default=(), converter=_to_tuple)
    """Days without posts on this platform only."""

    limits: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen_map)
    """Per-platform overrides of the network's limits, e.g. ``{"text": 1000}``."""

    @property
    def name(self) -> str:
        """Display name: the network's name, or the id for ``other``."""
        if self.network is Network.OTHER:
            return self.id
        return self.network.display_name


@attrs.frozen
class ContentItem:
    """One piece of content for one platform."""

    id: str
    """Unique id across the whole plan (all included files)."""

    platform: str
    """Id of the platform it is posted on."""

    title: str
    """Short working title shown in calendars."""

    pillar: str | None = None
    """Id of the pillar it serves."""

    goal: str | None = None
    """Id of the goal it serves."""

    copy: str = ""
    """The text of the post."""

    media: Media | None = attrs.field(default=None, converter=_media)
    """What kind of post it is; ``None`` when not stated."""

    link: str | None = None
    """A link the post points to."""

    at: dt.datetime | dt.date | None = None
    """When it goes out: an aware date-time, a date (all-day), or ``None`` to take a slot."""

    duration: dt.timedelta | None = None
    """How long the post occupies the calendar (the plan's default when ``None``)."""

    status: Status = attrs.field(default=Status.APPROVED, converter=_status)
    """Where the item is in its life."""

    owner: str | None = None
    """Who is responsible; a plan gives an item without one its platform's owner."""

    story: str | None = None
    """Groups the versions of one idea across platforms."""

    tags: tuple[str, ...] = attrs.field(default=(), converter=_to_tuple)
    """Free labels."""

    notes: str | None = None
    """Internal notes, not published."""

    updated: dt.datetime | None = None
    """When the item was last edited (aware), if the user tracks it."""

    priority: int = 0
    """Higher priority items are placed first; equal priorities keep plan order."""

    ignore: tuple[str, ...] = attrs.field(default=(), converter=_to_tuple)
    """Check rules (names or codes) suppressed for this item."""

    ignore_reason: str | None = None
    """Why the rules in `ignore` do not apply to this item."""

    source: Source | None = attrs.field(default=None, eq=False)
    """Where the item was defined; not part of equality."""

    evergreen: bool = False
    """Posted again and again: each repeat fills a free slot `repeat_after` the one before."""

    repeat_after: dt.timedelta | None = None
    """Least time between two occurrences of an evergreen item on its platform."""

    times: int | None = None
    """How often an evergreen item goes out in all, the first time included; ``None``: no limit."""

    until: dt.date | None = None
    """Last day (the platform's local date) an evergreen occurrence may fall on."""

    repeat_at: tuple[dt.datetime, ...] = ()
    """Pinned times of the repeats (occurrences 2, 3, ...), aware, in order."""


@attrs.frozen
class StoryStep:
    """One step of a story's spiral: the platform it moves to, and how long after."""

    platform: str
    """Id of the platform of this step."""

    after: dt.timedelta = dt.timedelta(0)
    """Least time after the previous step's post (zero for the first step)."""


@attrs.frozen
class Story:
    """One idea told on several platforms in order: a Social Viral Spiral."""

    id: str
    """Key of the story in the plan (``[stories.<id>]``)."""

    title: str
    """What the story is about, shown in schedules and feeds (e.g. ``Year-end sale``)."""

    goal: str | None = None
    """Goal its items serve when they set none."""

    pillar: str | None = None
    """Pillar its items belong to when they set none."""

    steps: tuple[StoryStep, ...] = attrs.field(default=(), converter=_to_tuple)
    """Where the story enters first, then where it moves, in order."""

    def step_of(self, platform_id: str) -> int | None:
        """The 0-based index of the step on `platform_id`, or ``None`` when it has none."""
        for index, step in enumerate(self.steps):
            if step.platform == platform_id:
                return index
        return None


class HolidayMode(enum.StrEnum):
    """What public holidays do to the schedule."""

    BLOCK = "block"
    """No slot falls on a public holiday (like a blackout)."""

    SHOW = "show"
    """Holidays only appear as context in schedules."""


def _holiday_mode(value: Any) -> Any:
    return _lenient(HolidayMode, value)


@attrs.frozen
class ScheduleSettings:
    """The plan's ``[schedule]`` table."""

    duration: dt.timedelta = dt.timedelta(minutes=15)
    """How long a post occupies the calendar when the item sets no duration."""

    horizon: dt.timedelta = dt.timedelta(days=365)
    """How far ahead of `now` items are placed in slots."""

    holidays: str | None = None
    """ISO country code for public holidays, e.g. ``ID``; needs ``contentcal[holidays]``."""

    subdivision: str | None = None
    """Optional subdivision (province, state) for the holidays, e.g. ``JK``."""

    holiday_mode: HolidayMode = attrs.field(default=HolidayMode.SHOW, converter=_holiday_mode)
    """Whether holidays block slots or only show as context."""


@attrs.frozen
class FeedSettings:
    """The plan's ``[feeds]`` table: what the iCalendar feeds contain."""

    past: dt.timedelta = dt.timedelta(days=30)
    """How far back from `now` the feeds reach."""

    ahead: dt.timedelta = dt.timedelta(days=180)
    """How far ahead of `now` the feeds reach."""

    alarm: dt.timedelta | None = dt.timedelta(minutes=15)
    """Reminder before each post; ``None`` (``alarm = false``) for none."""

    reply_events: bool = True
    """Add a "Reply to comments" event at post time + the platform's ``respond_within``."""

    include_backlog: bool = False
    """Also show ideas, drafts and items in review that have a time, as TENTATIVE."""

    review_events: bool = True
    """Add review meetings (``[review]``), goal due dates and open actions' due dates."""

    refresh: dt.timedelta = dt.timedelta(hours=1)
    """How often clients should fetch (REFRESH-INTERVAL and X-PUBLISHED-TTL)."""

    base_url: str | None = None
    """Where the feeds are published, e.g. ``https://example.com/calendar/``."""

    state_file: str = ".contentcal/feed-state.json"
    """Where change tracking is kept, relative to the plan file (commit it with the plan)."""

    calendar_uid: bool = False
    """Also write a calendar-level ``UID`` (RFC 7986). Off by default: vdirsyncer keeps only
    one event of a feed that has one (see docs/subscribing.md)."""


@attrs.frozen
class Limits:
    """The plan's ``[limits]`` table: how much input contentcal accepts, and from where.

    The defaults are generous for a real plan and stop a hostile or broken one early, with a
    clear error instead of hours of work or gigabytes of memory. Raise a limit in the plan
    when a real plan needs more (see docs/security.md).
    """

    allow_outside: bool = False
    """Let includes and the feed state file lie outside the plan's folder (after symlinks)."""

    file_bytes: int = 64 * 1024 * 1024
    """Largest file read (the plan file itself is always held to the default)."""

    rows: int = 1_000_000
    """Most rows in one CSV file, or lines in one JSON lines file."""

    columns: int = 64
    """Most columns in a CSV header."""

    nesting: int = 32
    """Deepest nesting of tables and lists in TOML and JSON."""

    patterns: int = 256
    """Most ``include`` entries (and ``results`` entries)."""

    files: int = 10_000
    """Most files all ``include`` patterns may match together (and all ``results`` ones)."""

    slots_per_day: int = 96
    """Most posting slots one platform may have on one day."""

    horizon_days: int = 3660
    """Longest ``[schedule] horizon``, in days (ten years)."""


def _index(values: tuple[Any, ...]) -> Mapping[str, Any]:
    # Tolerates values of the wrong type, so validate() can report them instead of a crash.
    return MappingProxyType(
        {value.id: value for value in values if isinstance(getattr(value, "id", None), str)}
    )


def _with_defaults(items: Any, platforms: Mapping[str, Any], stories: Mapping[str, Any]) -> Any:
    """`items` with the model's defaults filled in where an item leaves them out.

    An item without an owner gets its platform's owner; a version of a story without a goal
    or pillar gets the story's. Items that need nothing are kept as they are (not copied).
    """
    if not isinstance(items, tuple):
        return items
    filled = []
    changed = False
    for item in items:
        if isinstance(item, ContentItem):
            if item.owner is not None and item.story is None:
                filled.append(item)  # nothing to fill in (the usual case for loaded items)
                continue
            defaults: dict[str, Any] = {}
            if item.owner is None and isinstance(item.platform, str):
                owner = getattr(platforms.get(item.platform), "owner", None)
                if isinstance(owner, str):
                    defaults["owner"] = owner
            story = stories.get(item.story) if isinstance(item.story, str) else None
            for key in ("goal", "pillar"):
                value = getattr(story, key, None)
                if getattr(item, key) is None and isinstance(value, str):
                    defaults[key] = value
            if defaults:
                item = attrs.evolve(item, **defaults)
                changed = True
        filled.append(item)
    return tuple(filled) if changed else items


@attrs.frozen
class Plan:
    """A brand's whole strategy: goals, pillars, platforms and content items."""

    brand: Brand
    """The business."""

    goals: tuple[Goal, ...] = attrs.field(default=(), converter=_to_tuple)
    """SMART goals, in file order."""

    pillars: tuple[Pillar, ...] = attrs.field(factory=default_pillars, converter=_to_tuple)
    """Content pillars, in file order; the four of :data:`DEFAULT_PILLARS` unless given."""

    platforms: tuple[Platform, ...] = attrs.field(default=(), converter=_to_tuple)
    """Platforms (accounts), in file order."""

    items: tuple[ContentItem, ...] = attrs.field(default=(), converter=_to_tuple)
    """Content items in plan order: the plan's own ``[[items]]`` first, then each include.

    An item without an owner gets its platform's owner when the plan is made.
    """

    stories: tuple[Story, ...] = attrs.field(default=(), converter=_to_tuple)
    """Stories (spirals), in file order."""

    schedule_settings: ScheduleSettings = attrs.field(factory=ScheduleSettings)
    """Placement settings from the ``[schedule]`` table."""

    feed_settings: FeedSettings = attrs.field(factory=FeedSettings)
    """Feed settings from the ``[feeds]`` table."""

    check_settings: CheckSettings = attrs.field(factory=CheckSettings)
    """Which rules run and with which thresholds, from the ``[check]`` table."""

    settings: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict, converter=_frozen_map)
    """Raw tables of parts that convert their own settings (none of contentcal's do)."""

    source: str | None = attrs.field(default=None, eq=False)
    """The plan file, as the user named it; not part of equality."""

    results: tuple[Result, ...] = attrs.field(default=(), converter=_to_tuple)
    """Measured values from the ``results = [...]`` files, in file order."""

    actions: tuple[Action, ...] = attrs.field(default=(), converter=_to_tuple)
    """Corrective actions from ``[[actions]]``, in file order."""

    review: ReviewSettings | None = None
    """The review rhythm from ``[review]``; ``None`` when the plan has none."""

    warnings: tuple[Problem, ...] = attrs.field(default=(), eq=False)
    """Problems found while loading that did not stop it (e.g. a result given twice)."""

    limits: Limits = attrs.field(factory=Limits)
    """Input limits from the ``[limits]`` table."""

    _goals: Mapping[str, Goal] = attrs.field(init=False, eq=False, repr=False)
    _pillars: Mapping[str, Pillar] = attrs.field(init=False, eq=False, repr=False)
    _platforms: Mapping[str, Platform] = attrs.field(init=False, eq=False, repr=False)
    _items: Mapping[str, ContentItem] = attrs.field(init=False, eq=False, repr=False)
    _stories: Mapping[str, Story] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Lookups are derived once; the plan is immutable so they never go stale.
        object.__setattr__(self, "_goals", _index(self.goals))
        object.__setattr__(self, "_pillars", _index(self.pillars))
        object.__setattr__(self, "_platforms", _index(self.platforms))
        object.__setattr__(self, "_stories", _index(self.stories))
        items = _with_defaults(self.items, self._platforms, self._stories)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "_items", _index(self.items))

    def goal(self, goal_id: str) -> Goal:
        """Return the goal with this id; raise ``KeyError`` when there is none."""
        return self._goals[goal_id]

    def pillar(self, pillar_id: str) -> Pillar:
        """Return the pillar with this id; raise ``KeyError`` when there is none."""
        return self._pillars[pillar_id]

    def platform(self, platform_id: str) -> Platform:
        """Return the platform with this id; raise ``KeyError`` when there is none."""
        return self._platforms[platform_id]

    def item(self, item_id: str) -> ContentItem:
        """Return the item with this id; raise ``KeyError`` when there is none."""
        return self._items[item_id]

    def story(self, story_id: str) -> Story:
        """Return the story with this id; raise ``KeyError`` when there is none."""
        return self._stories[story_id]

    def items_on(self, platform_id: str) -> tuple[ContentItem, ...]:
        """Items of one platform, in plan order."""
        return tuple(item for item in self.items if item.platform == platform_id)
