"""Stories as spirals: where each story enters, how it moves on, and when.

:func:`spirals` schedules a plan and reads each ``[stories.<id>]`` back as a :class:`Spiral`:
its steps in order, the version (item) of each step, when it goes out and how long after
the step before. :mod:`contentcal.views.stories` renders them; ``docs/stories.md`` is the
user's guide.
"""

from __future__ import annotations

import datetime as dt

import attrs

from contentcal.model import ContentItem, Plan, Platform, Status, Story
from contentcal.scheduling.place import Entry, Schedule, schedule, story_versions

__all__ = ["Spiral", "SpiralStep", "spirals"]


@attrs.frozen
class SpiralStep:
    """One step of a spiral, with its version and time if it has them."""

    number: int
    """1-based position in the story's steps."""

    platform: Platform
    """Where the story goes at this step."""

    after: dt.timedelta
    """Least time after the previous step's post, as planned."""

    item: ContentItem | None
    """The story's version on this platform; ``None`` when it has none yet."""

    start: dt.datetime | dt.date | None
    """When the version first goes out, in the platform's zone; ``None`` without a time."""

    placed: bool
    """True when contentcal chose the time; False when the version's ``at`` set it."""

    gap: dt.timedelta | None
    """Elapsed time since the nearest earlier step with a time; ``None`` for the first."""

    follows: int | None
    """Number of the step `gap` is measured from."""

    least: dt.timedelta
    """Least `gap` the plan asks for: the offsets from step `follows` up to this one."""

    @property
    def in_order(self) -> bool:
        """Whether this step keeps the story's order and offset (True without a time)."""
        return self.gap is None or self.gap >= self.least


@attrs.frozen
class Spiral:
    """A story read from the schedule."""

    story: Story
    """The story as the plan defines it."""

    steps: tuple[SpiralStep, ...]
    """Its steps in order (empty for a story that only groups versions)."""

    others: tuple[ContentItem, ...]
    """Versions outside the steps: a story without steps lists all its items here."""

    other_starts: tuple[dt.datetime | dt.date | None, ...] = ()
    """When each of `others` first goes out (in its platform's zone), ``None`` without a time."""


def spirals(plan: Plan, *, now: dt.datetime, placed: Schedule | None = None) -> tuple[Spiral, ...]:
    """Every story of `plan`, in plan order, with its steps placed from `now`.

    `placed` reuses a schedule already made from the same plan and `now`. A naive `now`
    is the brand's wall time.
    """
    if placed is None:
        placed = schedule(plan, now=now)
    first_posts: dict[str, Entry] = {
        entry.item.id: entry for entry in placed.all_entries if entry.occurrence == 1
    }
    versions = story_versions(plan)
    result = []
    for story in plan.stories:
        steps: list[SpiralStep] = []
        previous: tuple[int, dt.datetime] | None = None
        pending = dt.timedelta(0)  # offsets since the last step with a time
        for index, step in enumerate(story.steps):
            if index:
                pending += step.after
            item = versions.get((story.id, step.platform))
            entry = first_posts.get(item.id) if item is not None else None
            instant = entry.instant if entry is not None else None
            gap = follows = None
            least = step.after
            if instant is not None and previous is not None:
                follows, gap, least = previous[0], instant - previous[1], pending
            steps.append(
                SpiralStep(
                    number=index + 1,
                    platform=plan.platform(step.platform),
                    after=step.after,
                    item=item,
                    start=entry.start if entry is not None else None,
                    placed=entry.placed if entry is not None else False,
                    gap=gap,
                    follows=follows,
                    least=least,
                )
            )
            if instant is not None:
                previous, pending = (index + 1, instant), dt.timedelta(0)
        in_steps = {step.item.id for step in steps if step.item is not None}
        others = tuple(
            item
            for item in plan.items
            if item.story == story.id
            and item.id not in in_steps
            and item.status is not Status.CANCELLED
        )
        result.append(
            Spiral(
                story=story,
                steps=tuple(steps),
                others=others,
                other_starts=tuple(
                    first_posts[item.id].start if item.id in first_posts else None
                    for item in others
                ),
            )
        )
    return tuple(result)
