"""Numbers, dates and forecasts written as people read them (reports, findings, feeds)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from contentcal.model.zones import day_text

if TYPE_CHECKING:  # the feeds use the words without the review itself
    from contentcal.reviewing.compute import GoalReview

__all__ = ["day", "forecast_words", "number", "percent"]


def number(value: float) -> str:
    """A number for people: thousands separators, fewer decimals the larger it is.

    >>> number(1720.4), number(2000.0), number(18.07), number(4.25)
    ('1,720', '2,000', '18.1', '4.25')
    """
    if abs(value) >= 100 or float(value).is_integer():
        return f"{round(value):,}"
    decimals = 1 if abs(value) >= 10 else 2
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def percent(value: float | None) -> str:
    """A share as a whole percentage, ``-`` when unknown."""
    return "-" if value is None else f"{round(value * 100)}%"


def day(value: dt.date) -> str:
    """``31 Mar 2027`` (English whatever the locale: :func:`~contentcal.model.zones.day_text`)."""
    return day_text(value, weekday=False, year=True)


def forecast_words(review: GoalReview) -> str | None:
    """The forecast as people say it: ``at this pace: 1,720 by 31 Mar 2027 (target 2,000)``."""
    goal = review.goal
    if review.forecast is None or goal.due is None:
        return None
    target = f" (target {number(goal.target)})" if goal.target is not None else ""
    return f"at this pace: {number(review.forecast)} by {day(goal.due)}{target}"
