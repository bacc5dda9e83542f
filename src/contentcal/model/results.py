"""Measuring: what actually happened (results), what the team will do about it (actions),
and when it looks at both (the review rhythm).

These are the KPI matrix, the corrective actions and the periodic review of the method,
as ``attrs.frozen`` values; :mod:`contentcal.files.load` makes them from the plan's
``results = [...]`` files, ``[[actions]]`` and ``[review]``.
"""

from __future__ import annotations

import datetime as dt

import attrs

from contentcal.model.plan import Source

__all__ = ["Action", "Result", "ReviewSettings"]


@attrs.frozen
class Result:
    """One measured value: a row of a results file."""

    date: dt.date
    """The local day (brand's zone) the value was measured."""

    metric: str
    """What was measured, e.g. ``Instagram followers`` or ``reach``."""

    value: float
    """The measured number."""

    goal: str | None = None
    """The goal it counts toward (when `metric` is that goal's metric)."""

    platform: str | None = None
    """The platform it was measured on."""

    item: str | None = None
    """The content item it belongs to (a post's own numbers: reach, likes, saves...)."""

    source: Source | None = attrs.field(default=None, eq=False)
    """The file and line it came from; not part of equality."""

    @property
    def thing(self) -> tuple[str | None, str | None, str | None]:
        """What was measured: (goal, platform, item); two rows with the same thing,
        date and metric say the same fact twice."""
        return (self.goal, self.platform, self.item)


@attrs.frozen
class Action:
    """A corrective action decided at a review: what, who, by when."""

    id: str
    """Unique id (``[[actions]]`` entries are matched by it across reviews)."""

    what: str
    """What will be done, in a sentence."""

    due: dt.date
    """The day it must be done by."""

    owner: str | None = None
    """Who does it; an action without one is a wish (`check` says so)."""

    goal: str | None = None
    """The goal it corrects, if any."""

    done: dt.date | None = None
    """When it was done; ``None`` while it is open."""

    source: Source | None = attrs.field(default=None, eq=False)
    """Where it was defined; not part of equality."""

    def is_open(self, today: dt.date) -> bool:
        """Whether it is still open on `today` (not done, or done only later)."""
        return self.done is None or self.done > today

    def is_overdue(self, today: dt.date) -> bool:
        """Open on `today` and due before it."""
        return self.is_open(today) and self.due < today


@attrs.frozen
class ReviewSettings:
    """The plan's ``[review]`` table: the rhythm of review meetings."""

    when: str
    """A cadence or RRULE like a platform slot, e.g. ``"FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9"``."""

    owner: str | None = None
    """Who runs the review (their feed gets the meetings)."""

    duration: dt.timedelta = dt.timedelta(hours=1)
    """How long a meeting lasts."""
