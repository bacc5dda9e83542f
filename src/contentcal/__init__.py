"""contentcal: a small business's social-media strategy as a checked editorial calendar.

The public API is re-exported here and imported lazily, so ``contentcal --help`` does not
pay for icalendar or rapidfuzz.

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
        OptionalDependencyError,
        OutputError,
        PlanError,
        PlanFileNotFoundError,
        Problem,
        Severity,
    )
    from contentcal.files.load import load
    from contentcal.model import (
        Account,
        Blackout,
        Brand,
        ContentItem,
        Goal,
        Horizon,
        Media,
        Network,
        Pillar,
        Plan,
        Platform,
        Source,
        Status,
        Story,
        StoryStep,
    )
    from contentcal.model.results import Action, Result, ReviewSettings
    from contentcal.publishing.feeds import feed, write_feeds
    from contentcal.reviewing.compute import Review, review
    from contentcal.scheduling.place import Schedule, schedule
    from contentcal.views.review import render_review

__all__ = [
    "Account",
    "Action",
    "Blackout",
    "Brand",
    "ContentItem",
    "ContentcalError",
    "Finding",
    "Goal",
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
    "Severity",
    "Source",
    "Status",
    "Story",
    "StoryStep",
    "__version__",
    "check",
    "feed",
    "load",
    "render_review",
    "review",
    "schedule",
    "write_feeds",
]

_HOMES = {
    "ContentcalError": "errors",
    "OptionalDependencyError": "errors",
    "OutputError": "errors",
    "PlanError": "errors",
    "PlanFileNotFoundError": "errors",
    "Problem": "errors",
    "Severity": "errors",
    "Finding": "checking.engine",
    "check": "checking.engine",
    "load": "files.load",
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
            "Goal",
            "Horizon",
            "Media",
            "Network",
            "Pillar",
            "Plan",
            "Platform",
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
