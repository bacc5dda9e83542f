"""Calendar events of the measuring habit: review meetings, goal due dates, action due dates.

They join the posts in ``all.ics`` and in their owner's feed, with stable UIDs and the same
change tracking (:func:`~contentcal.publishing.feeds.stamp_events`) as posts.
"""

from __future__ import annotations

import datetime as dt
import uuid

import attrs

from contentcal.model import Plan
from contentcal.model.zones import UTC, get_zone
from contentcal.publishing.ics import FeedEvent

__all__ = ["OwnedEvent", "review_events"]

_NAMESPACE = uuid.UUID("6f1c1c3e-8b0e-5d4a-9a57-0c0d3ea1f0b7")
"""The feeds' UID namespace (the same as :data:`contentcal.publishing.feeds.NAMESPACE`)."""

_UNSTAMPED = dt.datetime(2000, 1, 1, tzinfo=UTC)


@attrs.frozen
class OwnedEvent:
    """An event that is not a post, and whose feed it also goes to."""

    event: FeedEvent
    """The event, before stamping."""

    owner: str | None
    """The person whose feed gets it (besides ``all.ics``)."""


def _uid(brand: str, *parts: str) -> str:
    name = "\x1f".join((brand, *parts))
    return f"{uuid.uuid5(_NAMESPACE, name)}@contentcal"


def review_events(
    plan: Plan,
    *,
    now: dt.datetime,
    first: dt.datetime,
    last: dt.datetime,
    brand: str | None = None,
) -> list[OwnedEvent]:
    """Review meetings, goal due dates and open actions' due dates in ``[first, last)``.

    The meeting's description lists each goal's status as of `now` (the build), so a new
    result changes the event and calendar apps show the update. `brand` is the brand id
    in the UIDs (:func:`contentcal.publishing.feeds.brand_id`, which the feeds pass);
    without it, the plan's ``[brand] id`` or else its name.
    """
    brand = brand or plan.brand.id or plan.brand.name
    from contentcal.reviewing.words import day, number  # noqa: PLC0415 - only plans that measure

    zone = get_zone(plan.brand.timezone)
    today = now.astimezone(zone).date()
    events: list[OwnedEvent] = []
    if plan.review is not None:
        # Only a plan with review meetings needs the review itself (~13 ms to import).
        from contentcal.reviewing.compute import review  # noqa: PLC0415
        from contentcal.views.review import goal_summary  # noqa: PLC0415

        state = review(plan, as_of=today)
        lines = [f"Goals on {day(today)}:"]
        lines += [f"- {goal_summary(goal)}" for goal in state.goals] or ["- (no goals)"]
        open_actions = [a for a in state.actions if a.action.is_open(today)]
        if open_actions:
            lines.append("")
            lines.append("Open actions:")
            lines += [
                f"- {a.action.what} ({a.action.owner or 'no owner'}, due {day(a.action.due)}"
                + (", overdue)" if a.overdue else ")")
                for a in open_actions
            ]
        lines += ["", "The full report: contentcal review PLAN"]
        from contentcal.reviewing.meetings import review_times  # noqa: PLC0415

        for start in review_times(plan, start=first, end=last):
            begin = start.astimezone(UTC)
            events.append(
                OwnedEvent(
                    FeedEvent(
                        uid=_uid(brand, "review", start.astimezone(zone).date().isoformat()),
                        start=begin,
                        end=begin + plan.review.duration,
                        summary=f"Review: {plan.brand.name} social media",
                        stamp=_UNSTAMPED,
                        description="\n".join(lines),
                        categories=("review",),
                        alarm_before=plan.feed_settings.alarm,
                        alarm_text=f"Review: {plan.brand.name} social media",
                    ),
                    plan.review.owner,
                )
            )
    first_day, last_day = first.astimezone(zone).date(), last.astimezone(zone).date()
    for goal in plan.goals:
        if goal.due is None or not first_day <= goal.due < last_day:
            continue
        target = (
            f": {goal.metric} {number(goal.target)}"
            if goal.metric and goal.target is not None
            else ""
        )
        events.append(
            OwnedEvent(
                FeedEvent(
                    uid=_uid(brand, "goal", goal.id, "due"),
                    start=goal.due,
                    end=goal.due + dt.timedelta(days=1),
                    summary=f"Goal due: {goal.statement}",
                    stamp=_UNSTAMPED,
                    description=f"Goal {goal.id}{target}, from {number(goal.baseline)}."
                    if goal.baseline is not None
                    else f"Goal {goal.id}{target}.",
                    categories=("goal",),
                    alarm_text=f"Goal due: {goal.statement}",
                ),
                goal.owner,
            )
        )
    for action in plan.actions:
        if not action.is_open(today) or not first_day <= action.due < last_day:
            continue
        serves = f"\nGoal: {action.goal}" if action.goal else ""
        events.append(
            OwnedEvent(
                FeedEvent(
                    uid=_uid(brand, "action", action.id, "due"),
                    start=action.due,
                    end=action.due + dt.timedelta(days=1),
                    summary=f"Action due: {action.what}",
                    stamp=_UNSTAMPED,
                    description=(
                        f"Owner: {action.owner or 'nobody yet'}{serves}\nAction: {action.id}"
                    ),
                    categories=("action",),
                    alarm_text=f"Action due: {action.what}",
                ),
                action.owner,
            )
        )
    return events
