"""contentcal: a small business's social-media strategy as a checked editorial calendar.

Plans:
    load(path), loads(text) -> Plan; dump(plan) -> TOML text; validate(plan) -> [Problem].
    The model: Plan, Brand, Goal, Pillar, Platform, ContentItem, Blackout, the settings
    (ScheduleSettings, FeedSettings, CheckSettings, Thresholds) and the vocabularies
    (Network, Media, Status, Account, Horizon, HolidayMode).
Checking:
    check(plan, now=...) -> [Finding].
Scheduling and views:
    schedule(plan, now=...) -> Schedule of Entry; week(plan, now=...) -> WeekView;
    render_week(view, fmt=...) -> text, Markdown, CSV or JSON.
Reviewing:
    review(plan, as_of=...) -> Review of goals' progress (Result, Action, ReviewSettings);
    render_review(...) -> a report.
Publishing:
    feed(schedule) -> icalendar.Calendar; write_feeds(schedule, out_dir) -> files.
Errors:
    ContentcalError, PlanError (with .problems), PlanFileNotFoundError, OutputError,
    OptionalDependencyError.

The public API is re-exported here and imported lazily, so ``contentcal --help`` does not
pay for icalendar or rapidfuzz; ``dir(contentcal)`` and ``help(contentcal)`` list all of it.

>>> import contentcal
>>> plan = contentcal.load("examples/batik-cikarang/plan.toml")
>>> plan.brand.name
'Batik Cikarang'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contentcal.checking.engine import Finding, check
    from contentcal.errors import (
        ContentcalError,
        FileChangedError,
        OptionalDependencyError,
        OutputError,
        PlanError,
        PlanFileNotFoundError,
        Problem,
        Severity,
    )
    from contentcal.files.dump import dump
    from contentcal.files.load import load, loads
    from contentcal.files.validate import validate
    from contentcal.model import (
        Account,
        Blackout,
        Brand,
        ContentItem,
        FeedSettings,
        Goal,
        HolidayMode,
        Horizon,
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
    from contentcal.model.settings import CheckSettings, Thresholds
    from contentcal.publishing.feeds import feed, write_feeds
    from contentcal.reviewing.compute import Review, review
    from contentcal.scheduling.place import Entry, Schedule, schedule
    from contentcal.views.review import render_review
    from contentcal.views.week import WeekView, render_week, week

__all__ = [
    "Account",
    "Action",
    "Blackout",
    "Brand",
    "CheckSettings",
    "ContentItem",
    "ContentcalError",
    "Entry",
    "FeedSettings",
    "FileChangedError",
    "Finding",
    "Goal",
    "HolidayMode",
    "Horizon",
    "Media",
    "Network",
    "OptionalDependencyError",
    "OutputError",
    "Pillar",
    "Plan",
    "PlanError",
    "PlanFileNotFoundError",
    "Platform",
    "Problem",
    "Result",
    "Review",
    "ReviewSettings",
    "Schedule",
    "ScheduleSettings",
    "Severity",
    "Source",
    "Status",
    "Story",
    "StoryStep",
    "Thresholds",
    "WeekView",
    "__version__",
    "check",
    "dump",
    "feed",
    "load",
    "loads",
    "render_review",
    "render_week",
    "review",
    "schedule",
    "validate",
    "week",
    "write_feeds",
]

_HOMES = {
    "ContentcalError": "errors",
    "FileChangedError": "errors",
    "OptionalDependencyError": "errors",
    "OutputError": "errors",
    "PlanError": "errors",
    "PlanFileNotFoundError": "errors",
    "Problem": "errors",
    "Severity": "errors",
    "Finding": "checking.engine",
    "check": "checking.engine",
    "load": "files.load",
    "loads": "files.load",
    "dump": "files.dump",
    "validate": "files.validate",
    "CheckSettings": "model.settings",
    "Thresholds": "model.settings",
    "Entry": "scheduling.place",
    "week": "views.week",
    "render_week": "views.week",
    "WeekView": "views.week",
    "Schedule": "scheduling.place",
    "schedule": "scheduling.place",
    "feed": "publishing.feeds",
    "write_feeds": "publishing.feeds",
    "Review": "reviewing.compute",
    "review": "reviewing.compute",
    "render_review": "views.review",
    **dict.fromkeys(("Action", "Result", "ReviewSettings"), "model.results"),
    **dict.fromkeys(
        (
            "Account",
            "Blackout",
            "Brand",
            "ContentItem",
            "FeedSettings",
            "Goal",
            "HolidayMode",
            "Horizon",
            "Media",
            "Network",
            "Pillar",
            "Plan",
            "Platform",
            "ScheduleSettings",
            "Source",
            "Status",
            "Story",
            "StoryStep",
        ),
        "model",
    ),
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415

        return version("contentcal")
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'contentcal' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"contentcal.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # The API is imported lazily, so the module's own namespace does not show it yet.
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})
