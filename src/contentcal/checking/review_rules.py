"""The review family (CC5xx): measure each goal, review on a rhythm, act on what falls behind.

The method's last step is the one small businesses skip most. These rules notice when a
goal falls behind, when nobody measures it, when a corrective action is late or has nobody
to do it, and when a plan with goals has no review rhythm at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from contentcal.checking.rules import Context, RawFinding, rule
from contentcal.errors import Severity

# Messages quote ids the plan defines: whole up to NAME_LIMIT characters, escaped.
from contentcal.files.fields import quote_name as quote
from contentcal.model import Action
from contentcal.model.zones import get_zone

__all__: list[str] = []


def _today(context: Context) -> dt.date:
    return context.aware_now.astimezone(get_zone(context.plan.brand.timezone)).date()


def _action_finding(context: Context, action: Action, message: str, hint: str) -> RawFinding:
    source = action.source
    if source is not None:
        return RawFinding(message, hint=hint, file=source.file, line=source.line, path=source.path)
    file, line = context.plan_line("actions")
    return RawFinding(message, hint=hint, file=file, line=line, path="actions")


@rule("CC501", "goal-off-track", Severity.WARNING)
def goal_off_track(context: Context) -> Iterator[RawFinding]:
    """A goal whose progress trails where it should be by now by more than 10 points."""
    if not context.plan.results:
        return  # a goal is behind only on a result; a plan that measures nothing skips the import
    from contentcal.reviewing.compute import (  # noqa: PLC0415
        GoalStatus,
        goal_review,
        results_by_goal,
    )
    from contentcal.reviewing.words import forecast_words, percent  # noqa: PLC0415

    today = _today(context)
    by_goal = results_by_goal(context.plan.results)
    for goal in context.plan.goals:
        result = goal_review(goal, by_goal.get(goal.id, ()), today)
        if result.status is not GoalStatus.BEHIND:
            continue
        file, line = context.plan_line(f"goals.{goal.id}")
        pace = forecast_words(result)
        yield RawFinding(
            f"goal {quote(goal.id)} is behind: progress {percent(result.progress)}, "
            f"expected {percent(result.expected)} by now",
            hint=(f"{pace}; " if pace else "")
            + "decide a corrective action with an owner and a due date in [[actions]]",
            file=file,
            line=line,
            path=f"goals.{goal.id}",
        )


@rule("CC502", "goal-without-results", Severity.WARNING)
def goal_without_results(context: Context) -> Iterator[RawFinding]:
    """A goal that has started has no result since the last review (or in 28 days)."""
    from contentcal.reviewing.meetings import period_start  # noqa: PLC0415

    today = _today(context)
    since = period_start(context.plan, today)
    measured = {
        result.goal
        for result in context.plan.results
        if result.goal is not None and since <= result.date <= today
    }
    for goal in context.plan.goals:
        if goal.metric is None or goal.start is None or goal.start >= today:
            continue
        if goal.id in measured:
            continue
        file, line = context.plan_line(f"goals.{goal.id}")
        yield RawFinding(
            f"goal {quote(goal.id)} has no result since {since}",
            hint=f"measure {quote(goal.metric)} and add a row to a results file: "
            f"date, goal = {goal.id}, metric, value",
            file=file,
            line=line,
            path=f"goals.{goal.id}",
        )


@rule("CC503", "action-overdue", Severity.WARNING)
def action_overdue(context: Context) -> Iterator[RawFinding]:
    """A corrective action past its due date and not done."""
    today = _today(context)
    for action in context.plan.actions:
        if action.is_overdue(today):
            who = action.owner or "nobody"
            yield _action_finding(
                context,
                action,
                f"action {quote(action.id)} was due on {action.due} and is still open "
                f"(owner: {who})",
                f"ask {who} to do it, or set done = YYYY-MM-DD or a new due date"
                if action.owner
                else "give it an owner, then do it or set a new due date",
            )


@rule("CC504", "action-without-owner", Severity.WARNING)
def action_without_owner(context: Context) -> Iterator[RawFinding]:
    """A corrective action nobody is named to do."""
    for action in context.plan.actions:
        if not (action.owner or "").strip():
            yield _action_finding(
                context,
                action,
                f"action {quote(action.id)} has no owner",
                'add owner = "..." (the person who will do it)',
            )


@rule("CC505", "review-missing", Severity.WARNING)
def review_missing(context: Context) -> Iterator[RawFinding]:
    """Goals, but no review rhythm to look at them."""
    if context.plan.goals and context.plan.review is None:
        file = context.plan.source
        yield RawFinding(
            f"the plan has {len(context.plan.goals)} "
            f"goal{'s' if len(context.plan.goals) != 1 else ''} but no [review]",
            hint='add [review] with when = "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9" and an owner',
            file=file,
            path="review",
        )
