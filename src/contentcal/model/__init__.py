"""The plan model: immutable attrs values for goals, pillars, platforms and content items.

Everything else in contentcal reads these values; nothing here reads files or the clock.
:mod:`contentcal.model.zones` is the one place that makes naive wall-clock times aware.
"""

from contentcal.model.plan import (
    DEFAULT_PILLARS,
    Account,
    Blackout,
    Brand,
    ContentItem,
    FeedSettings,
    Goal,
    HolidayMode,
    Horizon,
    Limits,
    Media,
    Network,
    Pillar,
    Plan,
    Platform,
    ScheduleSettings,
    Source,
    Status,
    Story,
    StoryStep,
)
from contentcal.model.results import Action, Result, ReviewSettings

__all__ = [
    "DEFAULT_PILLARS",
    "Account",
    "Action",
    "Blackout",
    "Brand",
    "ContentItem",
    "FeedSettings",
    "Goal",
    "HolidayMode",
    "Horizon",
    "Limits",
    "Media",
    "Network",
    "Pillar",
    "Plan",
    "Platform",
    "Result",
    "ReviewSettings",
    "ScheduleSettings",
    "Source",
    "Status",
    "Story",
    "StoryStep",
]
