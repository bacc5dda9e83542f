"""Stories as text: each spiral as where → how → when, with the gaps between its steps.

Formats: ``text`` (a terminal), ``markdown`` and ``json``. The JSON shape is a stable
contract (see ``docs/stories.md``): keys are sorted, times are ISO 8601 with their offset,
durations are whole minutes.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Sequence
from typing import Any

from contentcal.model import ContentItem, Plan
from contentcal.model.zones import day_text, get_zone
from contentcal.scheduling.stories import Spiral, SpiralStep
from contentcal.views.escaping import md_text, one_line

__all__ = ["Format", "render_stories", "to_json"]


class Format(enum.StrEnum):
    """Output formats of ``contentcal stories``."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def render_stories(
    spirals: Sequence[Spiral], *, plan: Plan, fmt: Format | str = Format.TEXT
) -> str:
    """Render `spirals` (from :func:`contentcal.scheduling.stories.spirals`) in a format.

    Times are shown in the brand's time zone.
    """
    fmt = Format(fmt)
    if fmt is Format.JSON:
        return json.dumps(to_json(spirals), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt is Format.MARKDOWN:
        return _markdown(spirals, plan)
    return _text(spirals, plan)


def duration_text(value: dt.timedelta) -> str:
    """A duration in days, hours and minutes: ``3d 3h``, ``12h``, ``45m``, ``0m``.

    >>> duration_text(dt.timedelta(days=2, hours=17))
    '2d 17h'
    """
    sign = "-" if value < dt.timedelta(0) else ""
    minutes = abs(int(value.total_seconds() // 60))
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}d" * bool(days), f"{hours}h" * bool(hours), f"{minutes}m" * bool(minutes)]
    return sign + (" ".join(part for part in parts if part) or "0m")


def _when(step: SpiralStep, zone: str) -> str:
    if step.start is None:
        return "no time yet" if step.item is not None else "no item yet"
    if isinstance(step.start, dt.datetime):
        local = step.start.astimezone(get_zone(zone))
        text = f"{day_text(local, year=True)} {local:%H:%M}"
    else:
        text = day_text(step.start, year=True) + " all day"
    return text + ("" if step.placed else " (pinned)")


def _how(step: SpiralStep) -> str:
    return _item_how(step.item) if step.item is not None else "—"


def _item_how(item: ContentItem) -> str:
    media = f"{item.media}: " if item.media else ""
    return f"{media}{item.title}"


def _start_text(start: dt.datetime | dt.date | None, zone: str) -> str:
    if start is None:
        return "no time yet"
    if isinstance(start, dt.datetime):
        local = start.astimezone(get_zone(zone))
        return f"{day_text(local, year=True)} {local:%H:%M}"
    return day_text(start, year=True) + " all day"


def _others(spiral: Spiral) -> list[tuple[ContentItem, dt.datetime | dt.date | None]]:
    starts = spiral.other_starts or (None,) * len(spiral.others)
    return list(zip(spiral.others, starts, strict=True))


def _gap(step: SpiralStep) -> str | None:
    if step.gap is None:
        return None
    text = f"{duration_text(step.gap)} after step {step.follows}"
    if step.least:
        text += f" (at least {duration_text(step.least)})"
    if not step.in_order:
        text += " — out of order"
    return text


def _heading(spiral: Spiral) -> str:
    story = spiral.story
    details = [
        f"{name} {value}"
        for name, value in (("goal", story.goal), ("pillar", story.pillar))
        if value
    ]
    # One line: a line break in a title never breaks the heading (docs/security.md).
    return one_line(f"{story.title} ({story.id})" + (f" — {', '.join(details)}" if details else ""))


def _text(spirals: Sequence[Spiral], plan: Plan) -> str:
    zone = plan.brand.timezone
    lines: list[str] = []
    if not spirals:
        return "The plan defines no stories; add [stories.<id>] with a title and steps.\n"
    for spiral in spirals:
        lines.append(_heading(spiral))
        if not spiral.steps:
            lines.append("  no steps: its versions go out in any order")
        for step in spiral.steps:
            gap = _gap(step)
            if gap:
                lines.append(f"     ↓ {gap}")
            lines.append(
                f"  {step.number}. {step.platform.name} → {_how(step)} → {_when(step, zone)}"
            )
        word = "also" if spiral.steps else "version"
        for item, start in _others(spiral):
            where = plan.platform(item.platform).name
            lines.append(f"  {word}: {where} → {_item_how(item)} → {_start_text(start, zone)}")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    # Inert Markdown: no HTML, links or emphasis from the plan, and one line per cell.
    return md_text(text)


def _markdown(spirals: Sequence[Spiral], plan: Plan) -> str:
    zone = plan.brand.timezone
    lines = [f"# Stories of {md_text(plan.brand.name)}", ""]
    if not spirals:
        lines.extend(["The plan defines no stories.", ""])
    for spiral in spirals:
        lines.extend([f"## {md_text(_heading(spiral))}", ""])
        if spiral.steps:
            lines.append("| Step | Where | How | When | After the step before |")
            lines.append("|---|---|---|---|---|")
            for step in spiral.steps:
                cells = (
                    str(step.number),
                    step.platform.name,
                    _how(step),
                    _when(step, zone),
                    _gap(step) or "",
                )
                lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
            lines.append("")
        else:
            lines.extend(["No steps: its versions go out in any order.", ""])
        for item, start in _others(spiral):
            word = "also" if spiral.steps else "version"
            when = _start_text(start, zone)
            item_id = one_line(item.id).replace("`", "'")  # a backtick would end the code span
            lines.append(
                f"- {word} `{item_id}` ({_cell(item.platform)}): {_cell(item.title)}, {when}"
            )
        if spiral.others:
            lines.append("")
    return "\n".join(lines)


def _minutes(value: dt.timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds() // 60)


def to_json(spirals: Sequence[Spiral]) -> list[dict[str, Any]]:
    """The stable JSON list of stories (see docs/stories.md for every key)."""
    return [
        {
            "story": spiral.story.id,
            "title": spiral.story.title,
            "goal": spiral.story.goal,
            "pillar": spiral.story.pillar,
            "steps": [
                {
                    "step": step.number,
                    "platform": step.platform.id,
                    "after_minutes": _minutes(step.after),
                    "item": step.item.id if step.item is not None else None,
                    "title": step.item.title if step.item is not None else None,
                    "media": str(step.item.media) if step.item and step.item.media else None,
                    "start": step.start.isoformat() if step.start is not None else None,
                    "placed": step.placed,
                    "follows": step.follows,
                    "gap_minutes": _minutes(step.gap),
                    "least_minutes": _minutes(step.least),
                    "in_order": step.in_order,
                }
                for step in spiral.steps
            ],
            "others": [item.id for item in spiral.others],
        }
        for spiral in spirals
    ]
