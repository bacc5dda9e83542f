"""When the team reviews: the ``[review]`` rhythm expanded into meeting times."""

from __future__ import annotations

import datetime as dt

from contentcal.model import Plan
from contentcal.model.zones import aware, get_zone

__all__ = ["PERIOD_DAYS", "period_start", "review_times"]

PERIOD_DAYS = 28
"""How far back a review looks when the plan has no earlier review date."""

_LOOK_BACK = dt.timedelta(days=400)
"""How far back the previous review is searched (a yearly rhythm still finds one)."""


def review_times(plan: Plan, *, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The review meetings of `plan` in ``[start, end)``, aware in the brand's zone.

    Empty when the plan has no ``[review]`` table.
    """
    if plan.review is None:
        return []
    from contentcal.scheduling.cadence import parse_slot, slot_times  # noqa: PLC0415 - dateutil

    return slot_times(
        [parse_slot(plan.review.when)], timezone=plan.brand.timezone, start=start, end=end
    )


def period_start(plan: Plan, as_of: dt.date) -> dt.date:
    """The first day a review on `as_of` looks at: the previous review's day, or 28 days back.

    The previous review is the last meeting on a day before `as_of`, so a review held on
    its own day looks back to the one before.
    """
    zone = get_zone(plan.brand.timezone)
    end = aware(as_of, zone)  # local midnight, by the rules for gaps
    times = review_times(plan, start=end - _LOOK_BACK, end=end)
    if times:
        return times[-1].astimezone(zone).date()
    return as_of - dt.timedelta(days=PERIOD_DAYS)
