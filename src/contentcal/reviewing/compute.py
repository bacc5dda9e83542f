"""A review of a plan on one day: each goal's progress, the actions, and what works.

:func:`review` is a pure function of the plan and `as_of`; renderers live in
:mod:`contentcal.views.review`. The arithmetic (``docs/reviewing.md``):

* ``progress`` = (latest - baseline) / (target - baseline), not clamped; a goal whose target
  is below its baseline (reply time from 10 h down to 2 h) works the same way, mirrored;
* ``expected`` = (as-of - start) / (due - start) in days, clamped to [0, 1];
* ``forecast`` = the least-squares line through (start, baseline) and every result on or
  before as-of, read at ``due``.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from contentcal.model import Action, Goal, Plan, Result, Status
from contentcal.model.bounds import check_date
from contentcal.model.zones import get_zone
from contentcal.reviewing.meetings import period_start

__all__ = [
    "BEHIND_MARGIN",
    "ActionReview",
    "GoalReview",
    "GoalStatus",
    "Group",
    "PillarShare",
    "Point",
    "Posting",
    "Review",
    "TopItems",
    "WhatWorks",
    "expected_share",
    "forecast_value",
    "goal_review",
    "progress_of",
    "results_by_goal",
    "review",
]

BEHIND_MARGIN = 0.10
"""A goal is behind when its progress trails the expected share by more than this."""


class GoalStatus(enum.StrEnum):
    """Where a goal stands on the review day."""

    ACHIEVED = "achieved"
    """The latest result reached the target."""

    MISSED = "missed"
    """The due date has passed and the target was not reached."""

    NO_DATA = "no-data"
    """No result yet."""

    BEHIND = "behind"
    """Progress trails the expected share by more than 10 points."""

    ON_TRACK = "on-track"
    """Everything else."""


@attrs.frozen
class Point:
    """A measured value on a day."""

    date: dt.date
    """The day."""

    value: float
    """The value."""


@attrs.frozen
class GoalReview:
    """One goal on the review day."""

    goal: Goal
    """The goal."""

    points: tuple[Point, ...]
    """Its results on or before the review day, oldest first."""

    latest: Point | None
    """The newest result on or before the review day."""

    progress: float | None
    """(latest - baseline) / (target - baseline), not clamped; ``None`` when unknown."""

    expected: float | None
    """Share of the goal's time gone by, 0 to 1; ``None`` without `start` and `due`."""

    status: GoalStatus
    """achieved, missed, no-data, behind or on-track."""

    forecast: float | None
    """The value at `due` at this pace; ``None`` without two points or a `start`."""


@attrs.frozen
class ActionReview:
    """A corrective action on the review day."""

    action: Action
    """The action."""

    overdue: bool
    """Open and due before the review day."""


@attrs.frozen
class Posting:
    """One platform's posts in the review period."""

    platform: str
    """Platform id."""

    planned: int
    """Posts whose time falls in the period (approved, scheduled or published)."""

    published: int
    """Of those, the published ones (status, or a result for the item)."""


@attrs.frozen
class PillarShare:
    """One pillar's part of the published posts, against its target."""

    pillar: str
    """Pillar id."""

    posts: int
    """Published posts of this pillar."""

    share: float | None
    """Their share of all published posts; ``None`` when nothing is published."""

    target: float | None
    """The pillar's target share, if it has one."""


def _frozen_means(value: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Group:
    """Posts of one pillar or one platform, and the mean of each metric over them."""

    id: str
    """Pillar or platform id."""

    posts: int
    """Posts with at least one result."""

    means: Mapping[str, float] = attrs.field(converter=_frozen_means)
    """Mean per metric, over the posts that have it."""


@attrs.frozen
class TopItems:
    """The best posts by one metric."""

    metric: str
    """The metric."""

    items: tuple[tuple[str, float], ...]
    """Up to three (item id, value), best first."""


@attrs.frozen
class WhatWorks:
    """What the item results say works."""

    metrics: tuple[str, ...]
    """Every metric measured on items, sorted."""

    pillars: tuple[Group, ...]
    """Per pillar (plan order)."""

    platforms: tuple[Group, ...]
    """Per platform (plan order)."""

    top: tuple[TopItems, ...]
    """Per metric (sorted), the top three items."""


@attrs.frozen
class Review:
    """A plan reviewed on one day."""

    plan: Plan
    """The plan reviewed."""

    as_of: dt.date
    """The review day; results after it are ignored."""

    since: dt.date
    """First day of the period looked back on (the previous review, or 28 days back)."""

    goals: tuple[GoalReview, ...]
    """Each goal, in plan order."""

    actions: tuple[ActionReview, ...]
    """Open actions and those done in the period, by due date."""

    posting: tuple[Posting, ...]
    """Per platform: planned against published in the period (plan order)."""

    pillars: tuple[PillarShare, ...]
    """The pillar mix of published posts against the targets (plan order)."""

    what_works: WhatWorks
    """Per pillar and platform, the mean of each item metric; the top items."""


# --- the arithmetic ---------------------------------------------------------------------------


def progress_of(goal: Goal, value: float) -> float | None:
    """How far `value` is from the baseline towards the target: 0 at baseline, 1 at target.

    >>> progress_of(Goal(id="g", statement="s", baseline=1200, target=2000), 1600)
    0.5
    >>> progress_of(Goal(id="g", statement="s", baseline=10, target=2), 4)
    0.75
    """
    if goal.baseline is None or goal.target is None or goal.target == goal.baseline:
        return None
    return (value - goal.baseline) / (goal.target - goal.baseline)


def expected_share(goal: Goal, as_of: dt.date) -> float | None:
    """The share of the goal's time gone by on `as_of`, clamped to [0, 1]."""
    if goal.start is None or goal.due is None:
        return None
    if goal.due <= goal.start:
        return 1.0 if as_of >= goal.due else 0.0
    share = (as_of - goal.start).days / (goal.due - goal.start).days
    return min(1.0, max(0.0, share))


def _mean(values: list[float] | list[int]) -> float:
    # statistics.fmean's own arithmetic, without importing statistics (fractions, decimal:
    # ~5 ms of every `check` and feed of a plan with goals).
    return math.fsum(values) / len(values)


def forecast_value(goal: Goal, points: Iterable[Point]) -> float | None:
    """The least-squares line through (start, baseline) and `points`, read at `due`."""
    if goal.start is None or goal.due is None or goal.baseline is None:
        return None
    xs = [goal.start.toordinal(), *(point.date.toordinal() for point in points)]
    ys = [goal.baseline, *(point.value for point in points)]
    if len(xs) < 2 or len(set(xs)) < 2:  # a line needs two days
        return None
    mean_x, mean_y = _mean(xs), _mean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    return mean_y + slope * (goal.due.toordinal() - mean_x)


def _reached(goal: Goal, value: float) -> bool:
    if goal.target is None:
        return False
    return value <= goal.target if goal.decreasing else value >= goal.target


def results_by_goal(results: Iterable[Result]) -> dict[str, list[Result]]:
    """Results grouped by the goal they name (one pass, for plans with many results)."""
    grouped: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        if result.goal is not None:
            grouped[result.goal].append(result)
    return grouped


def goal_review(goal: Goal, results: Iterable[Result], as_of: dt.date) -> GoalReview:
    """`goal` on `as_of`, from the results that count toward it."""
    points = tuple(
        Point(result.date, result.value)
        for result in sorted(results, key=lambda result: result.date)
        if result.goal == goal.id and result.metric == goal.metric and result.date <= as_of
    )
    latest = points[-1] if points else None
    progress = progress_of(goal, latest.value) if latest else None
    expected = expected_share(goal, as_of)
    if latest is not None and _reached(goal, latest.value):
        status = GoalStatus.ACHIEVED
    elif goal.due is not None and as_of > goal.due:
        status = GoalStatus.MISSED
    elif latest is None:
        status = GoalStatus.NO_DATA
    elif progress is not None and expected is not None and progress < expected - BEHIND_MARGIN:
        status = GoalStatus.BEHIND
    else:
        status = GoalStatus.ON_TRACK
    return GoalReview(
        goal=goal,
        points=points,
        latest=latest,
        progress=progress,
        expected=expected,
        status=status,
        forecast=forecast_value(goal, points),
    )


# --- the rest of the review -------------------------------------------------------------------


def _days(plan: Plan) -> dict[str, dt.date]:
    """The local day of each post: its `at`, else the day of its first result.

    A post without `at` that has numbers was out by the day they were measured; posts
    with neither have no day (pin them with ``contentcal schedule --pin``).
    """
    zone = get_zone(plan.brand.timezone)
    days: dict[str, dt.date] = {}
    for result in plan.results:
        if result.item is not None and (result.item not in days or result.date < days[result.item]):
            days[result.item] = result.date
    for item in plan.items:
        if isinstance(item.at, dt.datetime):
            days[item.id] = item.at.astimezone(zone).date()
        elif item.at is not None:
            days[item.id] = item.at
    return days


def _published(plan: Plan, as_of: dt.date, days: Mapping[str, dt.date]) -> set[str]:
    """Items published on or before `as_of`: by status, or because they have a result."""
    measured = {result.item for result in plan.results if result.item and result.date <= as_of}
    published = set()
    for item in plan.items:
        day = days.get(item.id)
        if item.status is Status.CANCELLED or (day is not None and day > as_of):
            continue
        if item.status is Status.PUBLISHED or item.id in measured:
            published.add(item.id)
    return published


def _posting(
    plan: Plan,
    since: dt.date,
    as_of: dt.date,
    published: set[str],
    days: Mapping[str, dt.date],
) -> list[Posting]:
    rows = []
    for platform in plan.platforms:
        planned = [
            item
            for item in plan.items_on(platform.id)
            if item.status is not Status.CANCELLED
            and not item.status.is_backlog
            and item.id in days
            and since <= days[item.id] <= as_of
        ]
        rows.append(
            Posting(
                platform=platform.id,
                planned=len(planned),
                published=sum(1 for item in planned if item.id in published),
            )
        )
    return rows


def _pillars(plan: Plan, published: set[str]) -> list[PillarShare]:
    counts: dict[str | None, int] = defaultdict(int)
    for item in plan.items:
        if item.id in published:
            counts[item.pillar] += 1
    total = sum(counts.values())
    return [
        PillarShare(
            pillar=pillar.id,
            posts=counts[pillar.id],
            share=counts[pillar.id] / total if total else None,
            target=pillar.share,
        )
        for pillar in plan.pillars
    ]


def _what_works(plan: Plan, as_of: dt.date) -> WhatWorks:
    # An item measured twice (day 1, day 7) counts with its latest value per metric.
    latest: dict[str, dict[str, Result]] = defaultdict(dict)
    for result in plan.results:
        if result.item is None or result.date > as_of:
            continue
        known = latest[result.item].get(result.metric)
        if known is None or known.date <= result.date:
            latest[result.item][result.metric] = result
    values = {
        item_id: {metric: result.value for metric, result in by_metric.items()}
        for item_id, by_metric in latest.items()
    }
    metrics = tuple(sorted({metric for by_metric in values.values() for metric in by_metric}))

    def groups(ids: Iterable[str], key: str) -> tuple[Group, ...]:
        result = []
        for group_id in ids:
            members = [
                item_id for item_id in values if getattr(plan.item(item_id), key) == group_id
            ]
            if not members:
                continue
            means = {
                metric: _mean(numbers)
                for metric in metrics
                if (numbers := [values[m][metric] for m in members if metric in values[m]])
            }
            result.append(Group(id=group_id, posts=len(members), means=means))
        return tuple(result)

    order = {item.id: index for index, item in enumerate(plan.items)}
    top = tuple(
        TopItems(
            metric=metric,
            items=tuple(
                sorted(
                    ((item_id, by[metric]) for item_id, by in values.items() if metric in by),
                    key=lambda pair: (-pair[1], order[pair[0]]),
                )[:3]
            ),
        )
        for metric in metrics
    )
    return WhatWorks(
        metrics=metrics,
        pillars=groups((pillar.id for pillar in plan.pillars), "pillar"),
        platforms=groups((platform.id for platform in plan.platforms), "platform"),
        top=top,
    )


def _actions(plan: Plan, since: dt.date, as_of: dt.date) -> tuple[ActionReview, ...]:
    shown = [
        action
        for action in plan.actions
        if action.is_open(as_of) or (action.done is not None and since <= action.done)
    ]
    shown.sort(key=lambda action: (action.due, action.id))
    return tuple(ActionReview(action=a, overdue=a.is_overdue(as_of)) for a in shown)


def review(plan: Plan, *, as_of: dt.date) -> Review:
    """Review `plan` on `as_of` (a local date in the brand's zone).

    Results dated after `as_of` are ignored, so reviewing an old day gives what that
    review showed then. Nothing here reads the clock: the CLI passes today. A date-time
    counts as its day in the brand's zone (a naive one is the brand's wall time).

    Raises :class:`~contentcal.errors.PlanError` with every problem of an invalid plan (see
    :func:`contentcal.validate`).
    """
    # The validation pass lives with the loader's field specs; a loaded plan skips it.
    from contentcal.files.validate import require_valid  # noqa: PLC0415

    require_valid(plan)
    if isinstance(as_of, dt.datetime):
        if as_of.tzinfo is not None:
            as_of = as_of.astimezone(get_zone(plan.brand.timezone))
        as_of = as_of.date()
    check_date(as_of, "the review day")  # periods and forecasts shift it by weeks and months
    since = period_start(plan, as_of)
    by_goal = results_by_goal(plan.results)
    days = _days(plan)
    published = _published(plan, as_of, days)
    return Review(
        plan=plan,
        as_of=as_of,
        since=since,
        goals=tuple(goal_review(goal, by_goal.get(goal.id, ()), as_of) for goal in plan.goals),
        actions=_actions(plan, since, as_of),
        posting=tuple(_posting(plan, since, as_of, published, days)),
        pillars=tuple(_pillars(plan, published)),
        what_works=_what_works(plan, as_of),
    )
