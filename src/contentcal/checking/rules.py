"""The rules `contentcal check` runs, each tied to a failure the field research found.

A rule is a function from a :class:`Context` to raw findings, registered with a stable
code, a kebab-case name and a default severity. Its docstring's first line is its summary;
``docs/rules.md`` documents every registered rule (a test enforces it).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import attrs

from contentcal.errors import Severity

# Messages quote ids the plan defines: whole up to NAME_LIMIT characters, escaped.
from contentcal.files.fields import excerpt
from contentcal.files.fields import quote_name as quote
from contentcal.hints import did_you_mean
from contentcal.model import Account, ContentItem, Plan, Status
from contentcal.model.settings import Thresholds
from contentcal.model.zones import aware, get_zone

if TYPE_CHECKING:
    from contentcal.checking.similarity import SearchCache
    from contentcal.networks.limits import Limit, NetworkInfo
    from contentcal.scheduling.place import Schedule

__all__ = ["RULES", "Context", "RawFinding", "Rule", "Thresholds"]


@attrs.frozen
class RawFinding:
    """What a rule reports; the engine adds code, rule name, severity and item location."""

    message: str
    """What is wrong."""

    hint: str | None = None
    """How to fix it."""

    item: str | None = None
    """The item concerned; its source gives file and line unless `file` is set."""

    platform: str | None = None
    """The platform concerned."""

    file: str | None = None
    """Explicit file (for findings about the plan rather than an item)."""

    line: int | None = None
    """Explicit line in `file`."""

    path: str | None = None
    """Explicit key path, e.g. ``goals.followers-q1``."""


@attrs.frozen
class Context:
    """Everything a rule may look at; derived data is computed once, on first use."""

    plan: Plan
    """The plan being checked."""

    now: dt.datetime
    """The present moment (aware; a naive value is the brand's wall time)."""

    thresholds: Thresholds = attrs.field(factory=Thresholds)
    """Configured thresholds."""

    workers: int = 1
    """Most processes the duplicate search may start (1: none, stay in this process)."""

    @functools.cached_property
    def aware_now(self) -> dt.datetime:
        """`now` as an aware date-time."""
        return aware(self.now, self.plan.brand.timezone)

    network_infos: dict[str, NetworkInfo] = attrs.field(factory=dict, eq=False, repr=False)
    """Network knowledge per platform id, filled on first use."""

    copies: list[_Copies] = attrs.field(factory=list, eq=False, repr=False)
    """The duplicate search, run once on first use by the content rules."""

    search_cache: SearchCache | None = attrs.field(default=None, eq=False, repr=False)
    """The duplicate search's cache: read, and refilled, by the search (None: no cache)."""

    @functools.cached_property
    def order(self) -> dict[str, int]:
        """Each item's position in the plan."""
        return {item.id: index for index, item in enumerate(self.plan.items)}

    @functools.cached_property
    def live_items(self) -> tuple[ContentItem, ...]:
        """Items that are not cancelled."""
        return tuple(item for item in self.plan.items if item.status is not Status.CANCELLED)

    @functools.cached_property
    def schedule(self) -> Schedule:
        """The plan placed from `now`, with a window of `window_days` days."""
        from contentcal.scheduling.place import schedule  # noqa: PLC0415 - only schedule rules need it

        start = self.aware_now
        return schedule(
            self.plan,
            now=start,
            start=start,
            end=start + dt.timedelta(days=self.thresholds.window_days),
        )

    @functools.cached_property
    def plan_lines(self) -> Mapping[str, int]:
        """Line of each table header and key of the plan file, read once per check."""
        return _plan_lines(self.plan.source)

    def plan_line(self, path: str) -> tuple[str | None, int | None]:
        """File and best-known line of a key path in the plan file."""
        return self.plan.source, _line_of(self.plan_lines, path)


def _plan_lines(source: str | None) -> Mapping[str, int]:
    """Line of each ``[table]`` header and ``key =`` of a plan file, by key path.

    Best effort, for locating plan-level findings: tomllib reports no positions, so this is
    the loader's own scanner (:class:`~contentcal.files.readers.TomlLines`), one for the
    whole package. Read afresh on every call (not cached by name: the same file name can
    hold another plan a moment later).
    """
    if source is None:
        return {}
    from pathlib import Path  # noqa: PLC0415

    from contentcal.files.readers import TomlLines  # noqa: PLC0415 - only for plan findings

    try:
        text = Path(source).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    return TomlLines(text).lines


def _line_of(lines: Mapping[str, int], path: str) -> int | None:
    """Line of `path`, else of its closest enclosing key or table; ``None`` when unknown."""
    while path:
        if path in lines:
            return lines[path]
        path = path.rpartition(".")[0]
    return None


RuleFunction = Callable[[Context], Iterable[RawFinding]]


@attrs.frozen
class Rule:
    """A registered rule."""

    code: str
    """Stable code such as ``CC101``."""

    name: str
    """Kebab-case name, e.g. ``missing-goal``."""

    severity: Severity
    """Default severity."""

    function: RuleFunction
    """Produces the raw findings."""

    @property
    def summary(self) -> str:
        """First line of the rule function's docstring."""
        return (self.function.__doc__ or "").strip().splitlines()[0]


RULES: list[Rule] = []
"""Every rule, in registration (and documentation) order."""


def rule(code: str, name: str, severity: Severity) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function."""

    def register(function: RuleFunction) -> RuleFunction:
        RULES.append(Rule(code=code, name=name, severity=severity, function=function))
        return function

    return register


# --- strategy audit: goals ---------------------------------------------------------------------


@rule("CC101", "missing-goal", Severity.ERROR)
def missing_goal(context: Context) -> Iterator[RawFinding]:
    """Content that serves no business goal."""
    for item in context.live_items:
        if item.goal is None:
            goals = ", ".join(goal.id for goal in context.plan.goals) or "none defined yet"
            yield RawFinding(
                f"item {quote(item.id)} serves no goal",
                hint=f"add goal = ... (goals: {goals})",
                item=item.id,
                platform=item.platform,
            )


@rule("CC102", "missing-pillar", Severity.ERROR)
def missing_pillar(context: Context) -> Iterator[RawFinding]:
    """Content that belongs to no content pillar."""
    pillars = ", ".join(pillar.id for pillar in context.plan.pillars)
    for item in context.live_items:
        if item.pillar is None:
            yield RawFinding(
                f"item {quote(item.id)} belongs to no pillar",
                hint=f"add pillar = ... (pillars: {pillars})",
                item=item.id,
                platform=item.platform,
            )


_SMART_WORDS = {
    "S": "specific",
    "M": "measurable",
    "A": "attainable",
    "R": "relevant",
    "T": "timely",
}
_SMART_FIX = {
    "S": "statement = ...",
    "M": "metric = ...",
    "A": "target = ...",
    "R": "relevance = ...",
    "T": "due = YYYY-MM-DD",
}


@rule("CC103", "goal-not-smart", Severity.WARNING)
def goal_not_smart(context: Context) -> Iterator[RawFinding]:
    """A goal that cannot be measured: no metric, no target or no due date."""
    for goal in context.plan.goals:
        missing = goal.missing_smart()
        if missing:
            file, line = context.plan_line(f"goals.{goal.id}")
            words = ", ".join(f"{letter} ({_SMART_WORDS[letter]})" for letter in missing)
            yield RawFinding(
                f"goal {quote(goal.id)} is not SMART: missing {words}",
                hint="add " + ", ".join(_SMART_FIX[letter] for letter in missing),
                file=file,
                line=line,
                path=f"goals.{goal.id}",
            )


@rule("CC104", "goal-past-due", Severity.WARNING)
def goal_past_due(context: Context) -> Iterator[RawFinding]:
    """A goal whose due date has passed while items still point to it."""
    today = context.aware_now.astimezone(get_zone(context.plan.brand.timezone)).date()
    users: dict[str, list[str]] = defaultdict(list)
    for item in context.live_items:
        if item.goal is not None and item.status is not Status.PUBLISHED:
            users[item.goal].append(item.id)
    for goal in context.plan.goals:
        if goal.due is not None and goal.due < today and users.get(goal.id):
            file, line = context.plan_line(f"goals.{goal.id}.due")
            count = len(users[goal.id])
            yield RawFinding(
                f"goal {quote(goal.id)} was due on {goal.due} but {count} unpublished "
                f"{'items still serve' if count != 1 else 'item still serves'} it",
                hint="review the result against the target, then set a new goal or due date",
                file=file,
                line=line,
                path=f"goals.{goal.id}.due",
            )


@rule("CC105", "goal-without-items", Severity.WARNING)
def goal_without_items(context: Context) -> Iterator[RawFinding]:
    """A goal no content serves."""
    used = {item.goal for item in context.live_items}
    for goal in context.plan.goals:
        if goal.id not in used:
            file, line = context.plan_line(f"goals.{goal.id}")
            yield RawFinding(
                f"no item serves goal {quote(goal.id)}",
                hint="plan content for it, or drop the goal",
                file=file,
                line=line,
                path=f"goals.{goal.id}",
            )


# --- strategy audit: the Social Tool Matrix ------------------------------------------------------


def _platform_finding(context: Context, platform_id: str, message: str, hint: str) -> RawFinding:
    file, line = context.plan_line(f"platforms.{platform_id}")
    return RawFinding(
        message,
        hint=hint,
        platform=platform_id,
        file=file,
        line=line,
        path=f"platforms.{platform_id}",
    )


@rule("CC111", "platform-without-owner", Severity.WARNING)
def platform_without_owner(context: Context) -> Iterator[RawFinding]:
    """A platform nobody is responsible for."""
    for platform in context.plan.platforms:
        if not platform.owner:
            yield _platform_finding(
                context,
                platform.id,
                f"platform {quote(platform.id)} has no owner",
                'add owner = "..." — one person who keeps it up to date',
            )


@rule("CC112", "platform-without-purpose", Severity.WARNING)
def platform_without_purpose(context: Context) -> Iterator[RawFinding]:
    """A platform the brand is on without saying why."""
    for platform in context.plan.platforms:
        if not platform.purpose:
            yield _platform_finding(
                context,
                platform.id,
                f"platform {quote(platform.id)} has no purpose",
                'add purpose = "..." — what this platform does for the business',
            )


@rule("CC113", "platform-without-response-time", Severity.WARNING)
def platform_without_response_time(context: Context) -> Iterator[RawFinding]:
    """A platform with no promise of how fast questions get an answer."""
    for platform in context.plan.platforms:
        if platform.respond_within is None:
            yield _platform_finding(
                context,
                platform.id,
                f"platform {quote(platform.id)} sets no response time",
                'add respond_within = "2h" — customers wait for answers',
            )


@rule("CC114", "personal-account", Severity.WARNING)
def personal_account(context: Context) -> Iterator[RawFinding]:
    """A personal account used for the business."""
    for platform in context.plan.platforms:
        if platform.account is Account.PERSONAL:
            yield _platform_finding(
                context,
                platform.id,
                f"platform {quote(platform.id)} is a personal account",
                "move the business to a business account; keep personal and business apart",
            )


@rule("CC115", "too-many-platforms-per-owner", Severity.WARNING)
def too_many_platforms_per_owner(context: Context) -> Iterator[RawFinding]:
    """One person owns more platforms than they can keep up."""
    limit = context.thresholds.platforms_per_owner
    owned: dict[str, list[str]] = defaultdict(list)
    for platform in context.plan.platforms:
        if platform.owner:
            owned[platform.owner].append(platform.id)
    for owner, platform_ids in sorted(owned.items()):
        if len(platform_ids) > limit:
            yield _platform_finding(
                context,
                platform_ids[limit],
                f"{owner} owns {len(platform_ids)} platforms ({', '.join(platform_ids)}); "
                f"more than {limit} is hard to keep up",
                "choose fewer platforms or share the work; you need not be everywhere",
            )


@rule("CC116", "no-slots", Severity.ERROR)
def no_slots(context: Context) -> Iterator[RawFinding]:
    """Items waiting for a slot on a platform that has no slots."""
    waiting: Counter[str] = Counter()
    first: dict[str, str] = {}
    for item in context.live_items:
        if item.at is None and item.status.takes_slot:
            waiting[item.platform] += 1
            first.setdefault(item.platform, item.id)
    for platform in context.plan.platforms:
        if not platform.slots and waiting[platform.id]:
            count = waiting[platform.id]
            yield _platform_finding(
                context,
                platform.id,
                f"platform {quote(platform.id)} has no slots but {count} "
                f"{'items' if count != 1 else 'item'} without a time "
                f"{'wait' if count != 1 else 'waits'} for one "
                f"(first: {quote(first[platform.id])})",
                'add slots = ["MO,WE,FR 19:00"] or give each item an at = ... time',
            )


# --- schedule rules ----------------------------------------------------------------------------


def _problems(context: Context, kind: str) -> Iterator[RawFinding]:
    for problem in context.schedule.problems:
        if problem.kind == kind:
            yield RawFinding(
                problem.message,
                hint=_PROBLEM_HINTS[kind],
                item=problem.item.id,
                platform=problem.item.platform,
            )


_PROBLEM_HINTS = {
    "double-booked": "move one of them, or lower the platform's min_gap",
    "in-blackout": "move the item to another day, or change the blackout",
    "past-not-published": 'set status = "published" if it went out, or give it a new time',
}


@rule("CC201", "double-booked", Severity.ERROR)
def double_booked(context: Context) -> Iterator[RawFinding]:
    """Two posts on one platform closer together than its ``min_gap``."""
    return _problems(context, "double-booked")


@rule("CC202", "in-blackout", Severity.ERROR)
def in_blackout(context: Context) -> Iterator[RawFinding]:
    """A post set for a blackout day (or a blocking public holiday)."""
    return _problems(context, "in-blackout")


@rule("CC203", "past-not-published", Severity.WARNING)
def past_not_published(context: Context) -> Iterator[RawFinding]:
    """A post whose time has passed but that is not marked published."""
    return _problems(context, "past-not-published")


# A published item without a time needs its time, not more slots.
_UNPLACED_HINTS = {"no-time": "add at = ... with the time it went out"}


@rule("CC204", "unplaced", Severity.WARNING)
def unplaced(context: Context) -> Iterator[RawFinding]:
    """An approved item that found no slot, with the reason."""
    for entry in context.schedule.unplaced:
        yield RawFinding(
            f"item {quote(entry.item.id)} could not be placed: {entry.message}",
            hint=_UNPLACED_HINTS.get(
                entry.reason,
                "add slots to the platform, free a slot, or give the item an at = ... time",
            ),
            item=entry.item.id,
            platform=entry.item.platform,
        )


@rule("CC205", "posting-gap", Severity.WARNING)
def posting_gap(context: Context) -> Iterator[RawFinding]:
    """A platform that stays silent for too long inside the window."""
    schedule = context.schedule
    limit = dt.timedelta(days=context.thresholds.posting_gap_days)
    times: dict[str, list[dt.datetime]] = defaultdict(list)
    for entry in schedule.entries:
        if isinstance(entry.start, dt.datetime):
            times[entry.platform.id].append(entry.start)
    for platform in context.plan.platforms:
        if not platform.slots:
            continue
        points = [schedule.start, *sorted(times[platform.id]), schedule.end]
        gap, after = max((b - a, a) for a, b in itertools.pairwise(points))
        if gap > limit:
            zone = get_zone(platform.timezone)
            yield _platform_finding(
                context,
                platform.id,
                f"nothing is planned on {quote(platform.id)} for {gap.days} days after "
                f"{after.astimezone(zone):%Y-%m-%d}",
                "plan content for the gap, or post less often but regularly",
            )


@rule("CC206", "cadence-not-met", Severity.WARNING)
def cadence_not_met(context: Context) -> Iterator[RawFinding]:
    """A platform whose items fill too few of its slots: choose fewer platforms."""
    schedule = context.schedule
    used = Counter(
        entry.platform.id for entry in schedule.entries if isinstance(entry.start, dt.datetime)
    )
    wanted = context.thresholds.cadence_fill
    for platform in context.plan.platforms:
        available = schedule.slots.get(platform.id, 0)
        if available and used[platform.id] / available < wanted:
            yield _platform_finding(
                context,
                platform.id,
                f"{quote(platform.id)} fills {used[platform.id]} of its {available} slots in the "
                f"next {context.thresholds.window_days} days ({used[platform.id] / available:.0%}"
                f", expected at least {wanted:.0%})",
                "plan more items, remove slots, or drop the platform — you need not be everywhere",
            )


@rule("CC121", "pillar-mix-off-target", Severity.WARNING)
def pillar_mix_off_target(context: Context) -> Iterator[RawFinding]:
    """A pillar's share of the posts strays too far from its target share."""
    counts = Counter(entry.item.pillar for entry in context.schedule.entries if entry.item.pillar)
    total = sum(counts.values())
    if not total:
        return
    tolerance = context.thresholds.pillar_tolerance
    for pillar in context.plan.pillars:
        if pillar.share is None:
            continue
        actual = counts[pillar.id] / total
        if abs(actual - pillar.share) > tolerance + 1e-9:
            file, line = context.plan_line(f"pillars.{pillar.id}.share")
            yield RawFinding(
                f"pillar {quote(pillar.id)} has {actual:.0%} of the next "
                f"{context.thresholds.window_days} days' posts ({counts[pillar.id]} of {total}); "
                f"its target is {pillar.share:.0%}",
                hint="rebalance the items, or change the target share",
                file=file,
                line=line,
                path=f"pillars.{pillar.id}.share",
            )


# --- network limits ------------------------------------------------------------------------------


def _network_info(context: Context, platform_id: str) -> NetworkInfo:
    # Called for every item by five rules (490,000 times at 100,000 items): the lookup
    # comes first, the import only for a platform not seen yet.
    found = context.network_infos.get(platform_id)
    if found is None:
        from contentcal.networks.limits import network_info  # noqa: PLC0415 - loads networks.toml

        platform = context.plan.platform(platform_id)
        found = context.network_infos[platform_id] = network_info(
            platform.network, platform.limits or None
        )
    return found


def _limit_hint(limit: Limit) -> str:
    return f"shorten it; the limit is {limit.provenance}"


@rule("CC301", "text-too-long", Severity.ERROR)
def text_too_long(context: Context) -> Iterator[RawFinding]:
    """Copy longer than the network allows, counted the network's own way."""
    for item in context.live_items:
        if not item.copy:
            continue
        for limit in _network_info(context, item.platform).text:
            size = limit.measure(item.copy)
            if size > limit.value:
                yield RawFinding(
                    f"item {quote(item.id)} has {size} {limit.counting.unit} of copy; "
                    f"{context.plan.platform(item.platform).name} allows {limit.value}",
                    hint=_limit_hint(limit),
                    item=item.id,
                    platform=item.platform,
                )


@rule("CC302", "title-too-long", Severity.ERROR)
def title_too_long(context: Context) -> Iterator[RawFinding]:
    """A title longer than the network's title field (YouTube, Pinterest)."""
    for item in context.live_items:
        limit = _network_info(context, item.platform).title
        if limit is not None and (size := limit.measure(item.title)) > limit.value:
            yield RawFinding(
                f"item {quote(item.id)} has a title of {size} {limit.counting.unit}; "
                f"{context.plan.platform(item.platform).name} allows {limit.value}",
                hint=_limit_hint(limit),
                item=item.id,
                platform=item.platform,
            )


@rule("CC303", "too-many-hashtags", Severity.WARNING)
def too_many_hashtags(context: Context) -> Iterator[RawFinding]:
    """More hashtags than the network allows or rewards."""
    for item in context.live_items:
        limit = _network_info(context, item.platform).hashtags
        if limit is not None and item.copy and (count := limit.measure(item.copy)) > limit.value:
            yield RawFinding(
                f"item {quote(item.id)} has {count} hashtags; "
                f"{context.plan.platform(item.platform).name} allows {limit.value}",
                hint=f"keep the {limit.value} that matter most ({limit.provenance})",
                item=item.id,
                platform=item.platform,
            )


_VISUAL = frozenset({"image", "carousel", "video", "short-video", "story", "live"})


@rule("CC304", "media-required", Severity.ERROR)
def media_required(context: Context) -> Iterator[RawFinding]:
    """A post without an image or video on a network that needs one."""
    for item in context.live_items:
        info = _network_info(context, item.platform)
        if info.media_required and (item.media is None or item.media.value not in _VISUAL):
            name = context.plan.platform(item.platform).name
            stated = "no media" if item.media is None else f"media = {quote(item.media.value)}"
            fits = sorted(media.value for media in info.media if media.value in _VISUAL)
            needs = "an image or a video" if {"image", "carousel"} & set(fits) else "a video"
            yield RawFinding(
                f"item {quote(item.id)} has {stated}, but {name} needs {needs}",
                hint=f"set media to one of: {', '.join(fits)} (and prepare it)",
                item=item.id,
                platform=item.platform,
            )


def _article(word: str) -> str:
    return "an" if word[:1] in {"a", "e", "i", "o", "u"} else "a"


@rule("CC305", "media-not-fit-network", Severity.WARNING)
def media_not_fit_network(context: Context) -> Iterator[RawFinding]:
    """A kind of post the network does not take (an image on YouTube, a document on X)."""
    for item in context.live_items:
        info = _network_info(context, item.platform)
        if item.media is None or info.accepts(item.media):
            continue
        if info.media_required and item.media.value not in _VISUAL:
            continue  # media-required already says so, as an error
        fits = ", ".join(sorted(media.value for media in info.media))
        yield RawFinding(
            f"item {quote(item.id)} is {_article(item.media.value)} {item.media.value} post, which "
            f"{context.plan.platform(item.platform).name} does not take",
            hint=f"make it one of: {fits}",
            item=item.id,
            platform=item.platform,
        )


# --- different platform, different content -----------------------------------------------------


@attrs.frozen
class _Copies:
    """Duplicate copy among the plan's live items, found once per check."""

    exact: tuple[tuple[str, ...], ...]
    """Groups of item ids with identical normalised copy (any platforms), in plan order."""

    near: tuple[tuple[str, str, float], ...]
    """(earlier item, later item, similarity) across platforms, in plan order."""


PARALLEL_FROM = 20_000
# Above this, one process: forked workers share the loaded plan copy-on-write, but the parent
# and the workers touch its pages (reference counts), so at 1M posts the three processes
# held 7.2 GB together against 5.3 GB for one; memory is the limit there, not wall time.
PARALLEL_UP_TO = 250_000
"""Copies needed before the duplicate search uses more than one process."""


def _copies(context: Context) -> _Copies:
    cached = context.copies
    if cached:
        return cached[0]
    from contentcal.checking.similarity import DEFAULT_THRESHOLD, Doc, find_duplicates  # noqa: PLC0415

    docs = [
        Doc(key=item.id, group=item.platform, text=item.copy)
        for item in context.live_items
        if item.copy.strip()
    ]
    threshold = context.thresholds.near_duplicate or DEFAULT_THRESHOLD
    # More processes pay off only on large plans (process start-up costs ~0.1 s), and only
    # when the caller allowed them: on spawn platforms a worker re-imports the caller's
    # script, so the library never starts one unasked.
    workers = context.workers if PARALLEL_FROM <= len(docs) <= PARALLEL_UP_TO else 1
    found = find_duplicates(
        docs, threshold=min(threshold, 1.0), workers=workers, cache=context.search_cache
    )
    order = context.order
    exact = tuple(tuple(sorted(group, key=order.__getitem__)) for group in found.exact)
    near = []
    for match in found.near:
        first, second = sorted((match.a, match.b), key=order.__getitem__)
        near.append((first, second, match.similarity))
    result = _Copies(exact=tuple(sorted(exact, key=lambda g: order[g[0]])), near=tuple(near))
    cached.append(result)
    return result


def _names(item_ids: Iterable[str], context: Context) -> str:
    plan = context.plan
    return ", ".join(f"{quote(item_id)} ({plan.item(item_id).platform})" for item_id in item_ids)


@rule("CC401", "same-copy-across-platforms", Severity.ERROR)
def same_copy_across_platforms(context: Context) -> Iterator[RawFinding]:
    """The same text posted on two or more platforms: different platform, different content."""
    plan = context.plan
    for group in _copies(context).exact:
        platforms = {plan.item(item_id).platform for item_id in group}
        if len(platforms) < 2:
            continue
        yield RawFinding(
            f"the same copy is planned on {len(platforms)} platforms: {_names(group, context)}"
            + _in_story(group, context),
            hint="write each platform its own version: its audience, its length, its call "
            "to action",
            item=group[0],
            platform=plan.item(group[0]).platform,
        )


@rule("CC402", "near-duplicate-across-platforms", Severity.WARNING)
def near_duplicate_across_platforms(context: Context) -> Iterator[RawFinding]:
    """Nearly the same text on two platforms (a few words or hashtags changed)."""
    plan = context.plan
    for first, second, score in _copies(context).near:
        yield RawFinding(
            f"item {quote(second)} ({plan.item(second).platform}) is {score:.0%} the same as "
            f"{quote(first)} ({plan.item(first).platform})" + _in_story((first, second), context),
            hint="rewrite it for its platform, or add ignore = "
            '["near-duplicate-across-platforms"] with a reason',
            item=second,
            platform=plan.item(second).platform,
        )


@rule("CC403", "mirrored-platform", Severity.WARNING)
def mirrored_platform(context: Context) -> Iterator[RawFinding]:
    """A platform that mostly repeats another platform's content."""
    plan = context.plan
    copies = _copies(context)
    mirrored: dict[str, set[str]] = defaultdict(set)
    for group in copies.exact:
        for item_id in group:
            home = plan.item(item_id).platform
            if any(plan.item(other).platform != home for other in group):
                mirrored[home].add(item_id)
    for first, second, _ in copies.near:
        mirrored[plan.item(first).platform].add(first)
        mirrored[plan.item(second).platform].add(second)
    totals = Counter(item.platform for item in context.live_items if item.copy.strip())
    share = context.thresholds.mirrored_share
    for platform in plan.platforms:
        total, repeated = totals[platform.id], len(mirrored[platform.id])
        if total >= 2 and repeated / total >= share:
            yield _platform_finding(
                context,
                platform.id,
                f"{repeated} of {total} items on {quote(platform.id)} repeat another platform's "
                f"copy ({repeated / total:.0%})",
                "give it its own content, or drop it: you need not be everywhere",
            )


@rule("CC404", "repeated-copy-on-platform", Severity.WARNING)
def repeated_copy_on_platform(context: Context) -> Iterator[RawFinding]:
    """The same text again on the same platform within a few weeks."""
    plan = context.plan
    days = context.thresholds.repeat_days
    # Every occurrence counts: an evergreen item's own repeats are spaced by its
    # repeat_after on purpose and are never compared with each other, but another item
    # with the same copy is compared with each of them.
    when: dict[str, list[dt.datetime]] = defaultdict(list)
    for entry in context.schedule.all_entries:
        if isinstance(entry.start, dt.datetime):
            when[entry.item.id].append(entry.start)
    for group in _copies(context).exact:
        by_platform: dict[str, list[tuple[dt.datetime, str]]] = defaultdict(list)
        for item_id in group:
            for start in when.get(item_id, ()):
                by_platform[plan.item(item_id).platform].append((start, item_id))
        for platform_id, posts in sorted(by_platform.items()):
            reported: set[tuple[str, str]] = set()
            for (first, earlier), (second, later) in itertools.pairwise(sorted(posts)):
                gap = second - first
                if earlier == later or (earlier, later) in reported:
                    continue
                if gap <= dt.timedelta(days=days):
                    reported.add((earlier, later))
                    yield RawFinding(
                        f"item {quote(later)} repeats the copy of {quote(earlier)} on "
                        f"{quote(platform_id)} "
                        f"{gap.days} days later" + _in_story((earlier, later), context),
                        hint=f"space repeats more than {days} days apart, or change the text "
                        "(X rejects duplicate posts)",
                        item=later,
                        platform=platform_id,
                    )


def _in_story(item_ids: Iterable[str], context: Context) -> str:
    """``; all are versions of story 'x'`` when the items share a story, else nothing."""
    stories = {context.plan.item(item_id).story for item_id in item_ids}
    if len(stories) != 1 or None in stories:
        return ""
    (story,) = stories
    return (
        f"; they are versions of story {quote(story)}, which should tell one idea in "
        "different words"
    )


# --- stories (Social Viral Spirals) ---------------------------------------------------------------


def _story_finding(context: Context, path: str, message: str, hint: str) -> RawFinding:
    file, line = context.plan_line(path)
    return RawFinding(message, hint=hint, file=file, line=line, path=path)


@rule("CC601", "unknown-story", Severity.WARNING)
def unknown_story(context: Context) -> Iterator[RawFinding]:
    """An item names a story the plan does not define, so it has no steps to follow."""
    known = [story.id for story in context.plan.stories]
    for item in context.live_items:
        if item.story is None or item.story in known:
            continue
        hint = did_you_mean(
            item.story,
            known,
            otherwise=f'define [stories.{excerpt(item.story)}] with title = "..." and its steps',
        )
        yield RawFinding(
            f"item {quote(item.id)} is in story {quote(item.story)}, which the plan does not "
            "define",
            hint=hint,
            item=item.id,
            platform=item.platform,
        )


@rule("CC602", "story-step-without-item", Severity.WARNING)
def story_step_without_item(context: Context) -> Iterator[RawFinding]:
    """A story's step on a platform that has no version of the story."""
    from contentcal.scheduling.place import story_versions  # noqa: PLC0415

    versions = story_versions(context.plan)
    for story in context.plan.stories:
        for index, step in enumerate(story.steps):
            if (story.id, step.platform) not in versions:
                yield _story_finding(
                    context,
                    f"stories.{story.id}.steps[{index}]",
                    f"step {index + 1} of story {quote(story.id)} ({step.platform}) has no item",
                    f'add an item with story = "{story.id}" and platform = '
                    f'"{step.platform}", or remove the step',
                )


@rule("CC603", "story-item-not-in-steps", Severity.WARNING)
def story_item_not_in_steps(context: Context) -> Iterator[RawFinding]:
    """An item in a story on a platform the story's steps do not visit (or visit already)."""
    from contentcal.scheduling.place import story_versions  # noqa: PLC0415

    versions = story_versions(context.plan)
    for item in context.live_items:
        if item.story is None:
            continue
        try:
            story = context.plan.story(item.story)
        except KeyError:
            continue  # unknown-story says so
        if not story.steps:
            continue  # a story without steps only groups its versions: no spiral to join
        if story.step_of(item.platform) is None:
            yield RawFinding(
                f"item {quote(item.id)} is in story {quote(story.id)}, but the story's steps "
                "do not "
                f"go to {quote(item.platform)}",
                hint=f'add {{ platform = "{item.platform}", after = "1d" }} to the steps of '
                f"[stories.{excerpt(story.id)}], or remove story from the item",
                item=item.id,
                platform=item.platform,
            )
        elif versions[(story.id, item.platform)] is not item:
            first = versions[(story.id, item.platform)]
            yield RawFinding(
                f"item {quote(item.id)} is a second version of story {quote(story.id)} on "
                f"{quote(item.platform)}; {quote(first.id)} is its step there",
                hint="a story has one version per platform: give this item its own story, "
                "or remove story from it",
                item=item.id,
                platform=item.platform,
            )


def _story_times(context: Context) -> dict[str, list[tuple[int, str, dt.datetime]]]:
    """Per story: (step index, item id, UTC instant) of each step whose version has a time."""
    from contentcal.scheduling.place import story_versions  # noqa: PLC0415

    versions = story_versions(context.plan)
    first_posts: dict[str, dt.datetime] = {}
    for entry in context.schedule.all_entries:
        if entry.occurrence == 1:
            first_posts[entry.item.id] = entry.instant
    result: dict[str, list[tuple[int, str, dt.datetime]]] = {}
    for story in context.plan.stories:
        steps = []
        for index, step in enumerate(story.steps):
            version = versions.get((story.id, step.platform))
            if version is not None and version.id in first_posts:
                steps.append((index, version.id, first_posts[version.id]))
        result[story.id] = steps
    return result


def _local_text(context: Context, instant: dt.datetime) -> str:
    return f"{instant.astimezone(get_zone(context.plan.brand.timezone)):%Y-%m-%d %H:%M}"


@rule("CC604", "spiral-out-of-order", Severity.WARNING)
def spiral_out_of_order(context: Context) -> Iterator[RawFinding]:
    """A story's step goes out before the previous step, or sooner after it than its offset."""
    story_times = _story_times(context)
    for story in context.plan.stories:
        for (before_index, before_id, before), (index, item_id, when) in itertools.pairwise(
            story_times[story.id]
        ):
            # Steps without a time in between add their offsets, as in placement.
            offset = sum(
                (step.after for step in story.steps[before_index + 1 : index + 1]),
                dt.timedelta(0),
            )
            if when >= before + offset:
                continue
            platform = story.steps[index].platform
            if when < before:
                message = (
                    f"step {index + 1} of story {quote(story.id)} ({platform}, "
                    f"{quote(item_id)}) goes out "
                    f"at {_local_text(context, when)}, before step {before_index + 1} "
                    f"({story.steps[before_index].platform}, {quote(before_id)}) at "
                    f"{_local_text(context, before)}"
                )
            else:
                message = (
                    f"step {index + 1} of story {quote(story.id)} ({platform}, "
                    f"{quote(item_id)}) goes out "
                    f"at {_local_text(context, when)}, sooner than {_duration_text(offset)} "
                    f"after step {before_index + 1} ({story.steps[before_index].platform}, "
                    f"{quote(before_id)}) at {_local_text(context, before)}"
                )
            yield RawFinding(
                message,
                hint=f"move it to {_local_text(context, before + offset)} or later, or remove "
                "its at = ... so it follows the story",
                item=item_id,
                platform=platform,
            )


def _duration_text(value: dt.timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = (
        f"{days}d" if days else "",
        f"{hours}h" if hours else "",
        f"{minutes}m" * bool(minutes),
    )
    return "".join(parts) or "0m"


_STORY_WINDOW = dt.timedelta(weeks=4)
_STORIES_AT_ONCE = 4


@rule("CC605", "too-many-stories-at-once", Severity.INFO)
def too_many_stories_at_once(context: Context) -> Iterator[RawFinding]:
    """More than four spirals running in the same four weeks: each gets too little attention.

    A story is active from its first step's post to its last step's; stories without steps
    only group versions and are not counted.
    """
    spans = sorted(
        (min(when for *_, when in times), max(when for *_, when in times), story_id)
        for story_id, times in _story_times(context).items()
        if times
    )
    firsts = [first for first, _, _ in spans]
    earlier_ends: list[dt.datetime] = []  # sorted ends of the spans before the current one
    reported_until: dt.datetime | None = None
    for index, (start, last, _) in enumerate(spans):
        end = start + _STORY_WINDOW
        # Active in [start, end): earlier spans still running at `start`, and the spans
        # that begin before `end`. Counting with bisect keeps the rule near-linear.
        count = index - bisect.bisect_left(earlier_ends, start)
        count += bisect.bisect_left(firsts, end) - index
        bisect.insort(earlier_ends, last)
        if count <= _STORIES_AT_ONCE or (reported_until is not None and start < reported_until):
            continue
        active = [
            (first, story_id) for first, last, story_id in spans if first < end and last >= start
        ]
        reported_until = end
        latest = max(active)[1]
        names = ", ".join(story_id for _, story_id in sorted(active))
        yield _story_finding(
            context,
            f"stories.{latest}",
            f"{len(active)} stories are active in the four weeks from "
            f"{_local_text(context, start)[:10]}: {names}",
            f"the method runs three or four spirals at a time; start story {quote(latest)} later "
            "so each story gets its audience's attention",
        )


# The review family lives in its own module; importing it registers its rules here.
from contentcal.checking import review_rules as _review_rules  # noqa: E402, F401
