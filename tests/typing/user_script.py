"""A user's script written against contentcal's documented API; mypy --strict must pass.

tests/test_api.py type-checks this file and runs it. Everything here is what
docs/python.md shows: nothing private, no casts, no ignores.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import zoneinfo
from pathlib import Path

import attrs
import icalendar

import contentcal


def build() -> contentcal.Plan:
    """A plan made from objects, the way a script that manages many brands would."""
    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")
    return contentcal.Plan(
        brand=contentcal.Brand(name="Kopi Senja", timezone="Asia/Jakarta"),
        goals=[
            contentcal.Goal(
                id="orders",
                statement="More online orders from office workers",
                metric="orders per week",
                baseline=10,
                target=25,
                due=dt.date(2027, 6, 30),
            )
        ],
        platforms=[
            contentcal.Platform(
                id="instagram",
                network=contentcal.Network.INSTAGRAM,
                timezone="Asia/Jakarta",
                owner="Sari",
                purpose="Show new roasts",
                slots=["MO,WE,FR 19:00"],
                respond_within=dt.timedelta(hours=2),
            )
        ],
        items=[
            contentcal.ContentItem(
                id="gayo",
                platform="instagram",
                title="Gayo is back",
                pillar="education",
                goal="orders",
                copy="Fruity and bright, roasted every Monday.",
                at=dt.datetime(2026, 12, 2, 19, 0, tzinfo=jakarta),
            )
        ],
    )


def main() -> int:
    plan = build()
    problems: list[contentcal.Problem] = contentcal.validate(plan)
    if problems:
        for problem in problems:
            sys.stderr.write(f"{problem}\n")
        return 1
    item = attrs.evolve(plan.item("gayo"), title="Gayo: fresh this week")
    plan = attrs.evolve(plan, items=(item,))
    now = dt.datetime(2026, 11, 30, 8, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
    findings: list[contentcal.Finding] = contentcal.check(plan, now=now)
    errors = [finding for finding in findings if finding.severity is contentcal.Severity.ERROR]
    placed: contentcal.Schedule = contentcal.schedule(plan, now=now)
    entries: tuple[contentcal.Entry, ...] = placed.entries
    view: contentcal.WeekView = contentcal.week(plan, now=now, iso_week="2026-W49")
    text: str = contentcal.render_week(view, fmt="markdown")
    calendar: icalendar.Calendar = contentcal.feed(placed, owner="Sari")
    with tempfile.TemporaryDirectory() as folder:
        written, _state = contentcal.write_feeds(placed, Path(folder))
    again = contentcal.loads(contentcal.dump(plan))
    try:
        contentcal.load(Path("no-such-plan.toml"))
    except contentcal.PlanFileNotFoundError as exc:
        missing = exc.problems[0].code
    sys.stdout.write(
        f"{len(errors)} errors, {len(entries)} entries, {len(text) > 0}, "
        f"{len(calendar.walk('VEVENT'))} events, {len(written)} files, {again == plan}, "
        f"{missing}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
