"""Review reports: pure functions from a :class:`~contentcal.reviewing.compute.Review` to text.

Formats: ``text`` (a terminal), ``markdown`` (a wiki or chat), ``json`` (a stable contract
with sorted keys, documented in ``docs/reviewing.md``) and ``html`` (one self-contained page
with a chart per goal: no network, no external script or font).
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import json
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from contentcal.errors import InvalidOptionError
from contentcal.model.zones import day_text
from contentcal.reviewing.compute import GoalReview, GoalStatus, Review
from contentcal.reviewing.words import day, forecast_words, number, percent
from contentcal.views.escaping import md_text, one_line

__all__ = ["ReviewFormat", "goal_summary", "render_review", "review_dict"]


class ReviewFormat(enum.StrEnum):
    """Output formats of a review."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"


def goal_summary(review: GoalReview) -> str:
    """One line per goal: ``followers-q1: behind, 1,480 Instagram followers (progress 35%)``."""
    goal = review.goal
    text = f"{goal.id}: {review.status}"
    if review.latest is not None:
        text += f", {number(review.latest.value)} {goal.metric} on {day(review.latest.date)}"
        if review.progress is not None:
            text += f" (progress {percent(review.progress)}"
            if review.expected is not None:
                text += f", expected {percent(review.expected)}"
            text += ")"
    return text


def _goal_lines(review: GoalReview, esc: Callable[[str], str] = one_line) -> list[str]:
    goal = review.goal
    lines = []
    target = ""
    if goal.target is not None:
        target = f", target {number(goal.target)}"
        if goal.due is not None:
            target += f" by {day(goal.due)}"
    baseline = f"baseline {number(goal.baseline)}" if goal.baseline is not None else "no baseline"
    if goal.start is not None:
        baseline += f" on {day(goal.start)}"
    latest = (
        f"{number(review.latest.value)} on {day(review.latest.date)}"
        if review.latest is not None
        else "no result yet"
    )
    lines.append(f"{esc(goal.metric or 'no metric')}: {latest} ({baseline}{target})")
    parts = [f"progress {percent(review.progress)}"]
    if review.expected is not None:
        parts.append(f"expected {percent(review.expected)}")
    words = forecast_words(review)
    if words:
        parts.append(words)
    lines.append(" · ".join(parts))
    return lines


def _metric_columns(review: Review) -> tuple[str, ...]:
    return review.what_works.metrics


# --- text and Markdown -------------------------------------------------------------------------

TEXT_WIDTH = 100
"""Text lines wrap at this many columns, continuing two columns further in."""


def _wrapped(text: str, indent: str, more: str = "  ") -> list[str]:
    """`text` after `indent`, wrapped at spaces to TEXT_WIDTH columns, continuing `more`
    further in (no line for people to scroll sideways)."""
    return textwrap.wrap(
        text,
        width=TEXT_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + more,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, markdown: bool) -> list[str]:
    # Cells hold names from the plan: escaped, so no cell breaks its row or carries HTML.
    esc = md_text if markdown else one_line
    headers = [esc(cell) for cell in headers]
    rows = [[esc(cell) for cell in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(headers) + " |"]
        lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|")
        lines.extend("| " + " | ".join(row) + " |" for row in rows)
        return lines
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    out = []
    for row in (headers, *rows):
        cells = [
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def _render_words(review: Review, *, markdown: bool) -> str:
    plan = review.plan
    # Text from the plan is escaped for Markdown (no HTML, links or emphasis) and kept on
    # one line in both formats (a line break in a name never breaks a heading or a row).
    esc = md_text if markdown else one_line
    title = f"{esc(plan.brand.name)} — review on {day_text(review.as_of, year=True)}"
    lines = [f"# {title}" if markdown else title, ""]
    lines.append(f"Looking back to {day_text(review.since, year=True)}.")

    def heading(text: str) -> None:
        lines.extend(["", f"## {text}" if markdown else text, ""] if markdown else ["", text])

    heading("Goals")
    if not review.goals:
        lines.append("The plan has no goals.")
    for goal_review in review.goals:
        goal = goal_review.goal
        if markdown:
            lines.append(f"- **{esc(goal.id)}** ({goal_review.status}): {esc(goal.statement)}")
            lines.extend(f"  - {line}" for line in _goal_lines(goal_review, esc))
        else:
            title = f"{esc(goal.id)}  {goal_review.status}  {esc(goal.statement)}"
            lines.extend(_wrapped(title, "  ", more="    "))
            for line in _goal_lines(goal_review, esc):
                lines.extend(_wrapped(line, "    "))

    heading("Actions")
    if not review.actions:
        lines.append("No open actions." if markdown else "  No open actions.")
    for action_review in review.actions:
        action = action_review.action
        if action.done is not None and action.done <= review.as_of:
            state = f"done {day(action.done)}"
        else:
            state = "overdue" if action_review.overdue else "open"
        who = esc(action.owner or "no owner")
        serves = f" [{esc(action.goal)}]" if action.goal else ""
        text = (
            f"{esc(action.id)} ({state}): {esc(action.what)} — {who}, due {day(action.due)}{serves}"
        )
        lines.extend([f"- {text}"] if markdown else _wrapped(text, "  "))

    heading(f"Posting since {day(review.since)}")
    posting_rows = [
        [plan.platform(row.platform).name, str(row.planned), str(row.published)]
        for row in review.posting
    ]
    lines.extend(_table(["platform", "planned", "published"], posting_rows, markdown=markdown))

    heading("Pillar mix of published posts")
    pillar_rows = [
        [row.pillar, str(row.posts), percent(row.share), percent(row.target)]
        for row in review.pillars
    ]
    lines.extend(_table(["pillar", "posts", "share", "target"], pillar_rows, markdown=markdown))

    heading("What works")
    works = review.what_works
    if not works.metrics:
        lines.append(
            "No item results yet: add rows with an item column to a results file."
            if markdown
            else "  No item results yet: add rows with an item column to a results file."
        )
    else:
        for label, groups in (("pillar", works.pillars), ("platform", works.platforms)):
            rows = [
                [
                    group.id,
                    str(group.posts),
                    *(number(group.means[m]) if m in group.means else "-" for m in works.metrics),
                ]
                for group in groups
            ]
            headers = [label, "posts", *(f"mean {m}" for m in works.metrics)]
            lines.extend(_table(headers, rows, markdown=markdown))
            lines.append("")
        lines.extend(["Top posts:", ""] if markdown else ["Top posts:"])
        for top in works.top:
            best = ", ".join(f"{esc(item)} ({number(value)})" for item, value in top.items)
            metric = esc(top.metric)
            lines.append(f"- {metric}: {best}" if markdown else f"  {metric}: {best}")
    return "\n".join(lines).rstrip() + "\n"


# --- JSON -------------------------------------------------------------------------------------


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def review_dict(review: Review) -> dict[str, Any]:
    """The stable JSON shape of a review (see ``docs/reviewing.md``)."""
    works = review.what_works
    return {
        "as_of": review.as_of.isoformat(),
        "since": review.since.isoformat(),
        "goals": [
            {
                "id": g.goal.id,
                "statement": g.goal.statement,
                "metric": g.goal.metric,
                "baseline": g.goal.baseline,
                "target": g.goal.target,
                "start": _iso(g.goal.start),
                "due": _iso(g.goal.due),
                "latest": (
                    {"date": g.latest.date.isoformat(), "value": g.latest.value}
                    if g.latest is not None
                    else None
                ),
                "progress": g.progress,
                "expected": g.expected,
                "status": str(g.status),
                "forecast": g.forecast,
            }
            for g in review.goals
        ],
        "actions": [
            {
                "id": a.action.id,
                "goal": a.action.goal,
                "what": a.action.what,
                "owner": a.action.owner,
                "due": a.action.due.isoformat(),
                "done": _iso(a.action.done),
                "overdue": a.overdue,
            }
            for a in review.actions
        ],
        "posting": [
            {"platform": p.platform, "planned": p.planned, "published": p.published}
            for p in review.posting
        ],
        "pillars": [
            {"pillar": p.pillar, "posts": p.posts, "share": p.share, "target": p.target}
            for p in review.pillars
        ],
        "what_works": {
            "metrics": list(works.metrics),
            "pillars": [
                {"id": g.id, "posts": g.posts, "means": dict(g.means)} for g in works.pillars
            ],
            "platforms": [
                {"id": g.id, "posts": g.posts, "means": dict(g.means)} for g in works.platforms
            ],
            "top": {
                top.metric: [{"item": item, "value": value} for item, value in top.items]
                for top in works.top
            },
        },
    }


# --- HTML -------------------------------------------------------------------------------------

_STATUS_COLORS = {
    GoalStatus.ACHIEVED: "#1a7f37",
    GoalStatus.ON_TRACK: "#1a7f37",
    GoalStatus.BEHIND: "#bf8700",
    GoalStatus.MISSED: "#cf222e",
    GoalStatus.NO_DATA: "#6e7781",
}

_WIDTH, _HEIGHT, _PAD = 600, 220, 44
_RIGHT = 90
"""Room right of the chart for the target's label."""


def _chart(review: GoalReview) -> str:
    """An inline SVG: the planned line from baseline to target, the results, the forecast."""
    goal = review.goal
    escape = html.escape
    points = list(review.points)
    days = [point.date for point in points]
    if goal.start is not None:
        days.append(goal.start)
    if goal.due is not None:
        days.append(goal.due)
    values = [point.value for point in points]
    values += [v for v in (goal.baseline, goal.target, review.forecast) if v is not None]
    if len(set(days)) < 2 or len(set(values)) < 2:
        return '<p class="nochart">Not enough dates and values for a chart yet.</p>'
    first, last = min(days), max(days)
    low, high = min(values), max(values)
    span_x = (last - first).days
    span_y = high - low

    def x(value: dt.date) -> float:
        return round(_PAD + (value - first).days / span_x * (_WIDTH - _PAD - _RIGHT), 1)

    def y(value: float) -> float:
        return round(_HEIGHT - _PAD + -(value - low) / span_y * (_HEIGHT - 2 * _PAD), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'role="img" aria-label="{escape(goal.metric or goal.id)} over time">',
        f'<line x1="{_PAD}" y1="{_HEIGHT - _PAD}" x2="{_WIDTH - _RIGHT}" y2="{_HEIGHT - _PAD}" '
        'class="axis"/>',
        f'<text x="{_PAD}" y="{_HEIGHT - 14}" class="label">{escape(day(first))}</text>',
        f'<text x="{_WIDTH - _RIGHT}" y="{_HEIGHT - 14}" class="label end">'
        f"{escape(day(last))}</text>",
        f'<text x="6" y="{y(high) + 4}" class="label">{escape(number(high))}</text>',
        f'<text x="6" y="{y(low) + 4}" class="label">{escape(number(low))}</text>',
    ]
    if (
        goal.start is not None
        and goal.due is not None
        and goal.baseline is not None
        and goal.target is not None
    ):
        parts.append(
            f'<line x1="{x(goal.start)}" y1="{y(goal.baseline)}" x2="{x(goal.due)}" '
            f'y2="{y(goal.target)}" class="plan"><title>plan: {escape(number(goal.baseline))} '
            f"to {escape(number(goal.target))}</title></line>",
        )
        parts.append(
            f'<text x="{x(goal.due) + 4}" y="{y(goal.target) + 4}" class="label">'
            f"target {escape(number(goal.target))}</text>"
        )
    if review.forecast is not None and goal.due is not None and points:
        latest = points[-1]
        parts.append(
            f'<line x1="{x(latest.date)}" y1="{y(latest.value)}" x2="{x(goal.due)}" '
            f'y2="{y(review.forecast)}" class="forecast"><title>'
            f"{escape(forecast_words(review) or '')}</title></line>"
        )
    if len(points) > 1:
        path = " ".join(f"{x(p.date)},{y(p.value)}" for p in points)
        parts.append(f'<polyline points="{path}" class="measured"/>')
    parts.extend(
        f'<circle cx="{x(p.date)}" cy="{y(p.value)}" r="3.5" class="point">'
        f"<title>{escape(day(p.date))}: {escape(number(p.value))}</title></circle>"
        for p in points
    )
    parts.append("</svg>")
    parts.append(
        '<p class="legend"><span class="key measured-key"></span> measured '
        '<span class="key plan-key"></span> plan from baseline to target '
        '<span class="key forecast-key"></span> at this pace</p>'
    )
    return "\n".join(parts)


def _progress_bar(review: GoalReview) -> str:
    """Progress as a bar, with the expected share as a tick: seen, not read."""
    if review.progress is None:
        return ""
    width = round(min(1.0, max(0.0, review.progress)) * 100, 1)
    color = _STATUS_COLORS[review.status]
    tick = ""
    if review.expected is not None:
        tick = (
            f'<span class="expected" style="left:{round(review.expected * 100, 1)}%" '
            f'title="expected {percent(review.expected)}"></span>'
        )
    return (
        f'<div class="bar" title="progress {percent(review.progress)}">'
        f'<span class="fill" style="width:{width}%;background:{color}"></span>{tick}</div>'
    )


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    escape = html.escape
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table>\n<tr>{head}</tr>\n{body}\n</table>"


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;"
    "color:#1f2328}h1{font-size:1.6rem}section.goal{border:1px solid #d0d7de;border-radius:8px;"
    "padding:.8rem 1rem;margin:1rem 0}.status{display:inline-block;color:#fff;border-radius:1rem;"
    "padding:.1rem .6rem;font-size:.85rem;margin-left:.5rem}.bar{position:relative;height:.8rem;"
    "background:#eaeef2;border-radius:.4rem;margin:.5rem 0}.fill{position:absolute;left:0;top:0;"
    "bottom:0;border-radius:.4rem}.expected{position:absolute;top:-.25rem;bottom:-.25rem;"
    "width:2px;background:#1f2328}svg{width:100%;max-width:600px;height:auto}"
    ".axis{stroke:#8c959f}.plan{stroke:#8c959f;stroke-dasharray:6 4}"
    ".forecast{stroke:#0969da;stroke-dasharray:2 4;stroke-width:2}"
    ".measured{fill:none;stroke:#0969da;stroke-width:2}.point{fill:#0969da}"
    ".label{font-size:11px;fill:#57606a}.end{text-anchor:end}"
    ".legend{font-size:.8rem;color:#57606a}.key{display:inline-block;width:1.6rem;height:0;"
    "vertical-align:middle;margin-left:.6rem}.measured-key{border-top:2px solid #0969da}"
    ".plan-key{border-top:1px dashed #8c959f}.forecast-key{border-top:2px dotted #0969da}"
    "table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.25rem .6rem;text-align:left;"
    "border-bottom:1px solid #eaeef2}.overdue{color:#cf222e;font-weight:600}"
    # Narrower cells on a phone, so the page fits 390 pixels (the published site links it).
    "body{overflow-wrap:break-word}@media (max-width:40rem){td,th{padding:.25rem .3rem}}"
)


def _render_html(review: Review) -> str:
    escape = html.escape
    plan = review.plan
    title = f"{plan.brand.name} — review on {day(review.as_of)}"
    body = [f"<h1>{escape(title)}</h1>"]
    body.append(f"<p>Looking back to {escape(day(review.since))}.</p>")
    body.append("<h2>Goals</h2>")
    for goal_review in review.goals:
        goal = goal_review.goal
        color = _STATUS_COLORS[goal_review.status]
        body.append(
            f'<section class="goal" id="goal-{escape(goal.id)}">'
            f"<h3>{escape(goal.statement)}"
            f'<span class="status" style="background:{color}">{goal_review.status}</span></h3>'
        )
        body.append(_progress_bar(goal_review))
        body.extend(f"<p>{escape(line)}</p>" for line in _goal_lines(goal_review))
        body.append(_chart(goal_review))
        body.append("</section>")
    body.append("<h2>Actions</h2>")
    rows = []
    for action_review in review.actions:
        action = action_review.action
        if action.done is not None and action.done <= review.as_of:
            state = f"done {day(action.done)}"
        else:
            state = "overdue" if action_review.overdue else "open"
        rows.append(
            [state, action.what, action.owner or "no owner", day(action.due), action.goal or ""]
        )
    body.append(
        _html_table(["state", "what", "owner", "due", "goal"], rows).replace(
            "<td>overdue</td>", '<td class="overdue">overdue</td>'
        )
        if rows
        else "<p>No open actions.</p>"
    )
    body.append(f"<h2>Posting since {escape(day(review.since))}</h2>")
    body.append(
        _html_table(
            ["platform", "planned", "published"],
            [
                [plan.platform(p.platform).name, str(p.planned), str(p.published)]
                for p in review.posting
            ],
        )
    )
    body.append("<h2>Pillar mix of published posts</h2>")
    body.append(
        _html_table(
            ["pillar", "posts", "share", "target"],
            [[p.pillar, str(p.posts), percent(p.share), percent(p.target)] for p in review.pillars],
        )
    )
    body.append("<h2>What works</h2>")
    works = review.what_works
    if not works.metrics:
        body.append("<p>No item results yet.</p>")
    for label, groups in (("pillar", works.pillars), ("platform", works.platforms)):
        if not groups:
            continue
        body.append(
            _html_table(
                [label, "posts", *(f"mean {m}" for m in works.metrics)],
                [
                    [
                        g.id,
                        str(g.posts),
                        *(number(g.means[m]) if m in g.means else "-" for m in works.metrics),
                    ]
                    for g in groups
                ],
            )
        )
    if works.top:
        body.append(
            _html_table(
                ["metric", "top posts"],
                [
                    [t.metric, ", ".join(f"{item} ({number(v)})" for item, v in t.items)]
                    for t in works.top
                ],
            )
        )
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render_review(review: Review, *, fmt: ReviewFormat | str = ReviewFormat.TEXT) -> str:
    """Render a review as ``text``, ``markdown``, ``json`` or ``html`` (a full page).

    Pure: the same review gives the same text. Raises
    :class:`~contentcal.errors.InvalidOptionError` for an unknown format.
    """
    try:
        chosen = ReviewFormat(fmt)
    except ValueError:
        raise InvalidOptionError(
            f"unknown review format {fmt!r}; use one of: "
            + ", ".join(member.value for member in ReviewFormat)
        ) from None
    if chosen is ReviewFormat.JSON:
        return json.dumps(review_dict(review), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if chosen is ReviewFormat.HTML:
        return _render_html(review)
    return _render_words(review, markdown=chosen is ReviewFormat.MARKDOWN)
