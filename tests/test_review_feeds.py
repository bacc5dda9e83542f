"""Review meetings, goal due dates and open actions in the feeds and in the week.

The example reviews on the first Monday of each month at 09:00 (Sari), its Q1 goal is due
on 31 March 2027, and three actions are open on NOW (30 November 2026).
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from contentcal.cli import cli
from contentcal.files.load import load
from contentcal.model import Plan, Result
from contentcal.publishing import feeds
from contentcal.publishing.feeds import build_site
from contentcal.publishing.pipeline import SiteBuilder
from contentcal.scheduling.place import schedule
from contentcal.views.week import agenda, week
from tests.feedlint import lint

from .conftest import EXAMPLE, NOW, REPO
from .test_feeds import event_lines, unfold, vevents


def measuring_uid(*parts: str) -> str:
    """The UID of a measuring event, computed independently: uuid5 of brand and parts."""
    name = "\x1f".join(("Batik Cikarang", *parts))
    return f"{uuid.uuid5(feeds.NAMESPACE, name)}@contentcal"


REVIEW_DEC = measuring_uid("review", "2026-12-07")
GOAL_DUE = measuring_uid("goal", "followers-q1", "due")
ACTION_DUE = measuring_uid("action", "wa-quote-pin", "due")


@pytest.fixture(scope="module")
def example() -> Plan:
    """The bundled example, with its review, results and actions."""
    return load(EXAMPLE)


def site(plan: Plan, now: dt.datetime = NOW, state: feeds.FeedState | None = None) -> feeds.Site:
    """Every feed of `plan` at `now`."""
    return build_site(schedule(plan, now=now), state=state)


def test_the_review_meeting_is_in_all_and_in_the_owners_feed(example: Plan) -> None:
    """09:00 Jakarta is 02:00Z; an hour long; the description lists each goal's status."""
    files = site(example).files
    lines = event_lines(files["all.ics"], REVIEW_DEC)
    assert "DTSTART:20261207T020000Z" in lines
    assert "DTEND:20261207T030000Z" in lines
    assert "SUMMARY:Review: Batik Cikarang social media" in lines
    assert "CATEGORIES:review" in lines
    description, alarm = [line for line in lines if line.startswith("DESCRIPTION:")]
    assert alarm == "DESCRIPTION:Review: Batik Cikarang social media"
    assert description == (
        "DESCRIPTION:Goals on 30 Nov 2026:\\n- followers-q1: no-data\\n- uniform-orders: "
        "no-data\\n\\nOpen actions:\\n- Post one short video a week: in December the Reels "
        "reached two to three times more people than carousels (Sari\\, due 15 Jan 2027)\\n"
        "- Pin the four-step quote message in the WhatsApp Business catalogue (Budi\\, due "
        "22 Jan 2027)\\n- Ask three office communities in Jababeka and MM2100 to repost our "
        "Batik Friday photos (Sari\\, due 12 Feb 2027)\\n\\nThe full report: contentcal review "
        "PLAN"
    )
    assert REVIEW_DEC in vevents(files["owner/sari.ics"])
    assert REVIEW_DEC not in vevents(files["owner/budi.ics"])
    assert REVIEW_DEC not in vevents(files["platform/instagram.ics"])


def test_goal_and_action_due_dates_are_all_day_events(example: Plan) -> None:
    """The goal's due date to its owner, the action's to its owner; none on platform feeds."""
    files = site(example).files
    goal = event_lines(files["all.ics"], GOAL_DUE)
    assert "DTSTART;VALUE=DATE:20270331" in goal
    assert "DTEND;VALUE=DATE:20270401" in goal
    assert (
        "SUMMARY:Goal due: Grow the Instagram following among young office workers in Bekasi"
    ) in goal
    action = event_lines(files["all.ics"], ACTION_DUE)
    assert "DTSTART;VALUE=DATE:20270122" in action
    assert (
        "SUMMARY:Action due: Pin the four-step quote message in the WhatsApp Business catalogue"
    ) in action
    assert GOAL_DUE in vevents(files["owner/sari.ics"])
    assert ACTION_DUE in vevents(files["owner/budi.ics"])
    assert ACTION_DUE not in vevents(files["owner/sari.ics"])
    assert ACTION_DUE not in vevents(files["platform/whatsapp.ics"])


def test_every_feed_with_measuring_events_passes_the_lint(example: Plan) -> None:
    """The strict checker finds nothing in any feed of the example."""
    for path, data in site(example).files.items():
        if path.endswith(".ics"):
            assert lint(data) == [], path


def test_seven_reviews_one_goal_and_three_actions_join_the_88_posts(example: Plan) -> None:
    """Window 31 Oct 2026 - 29 May 2027: reviews Nov to May; Q1 goal due; all three actions."""
    data = site(example).files["all.ics"]
    assert unfold(data).count("BEGIN:VEVENT") == 88 + 7 + 1 + 3
    assert unfold(data).count("SUMMARY:Review: Batik Cikarang social media") == 7


def test_a_done_action_leaves_the_feed(example: Plan) -> None:
    """On 13 January reels-weekly is done (12 Jan): no event for it any more."""
    now = dt.datetime(2027, 1, 13, 8, tzinfo=NOW.tzinfo)
    events = vevents(site(example, now=now).files["all.ics"])
    assert measuring_uid("action", "reels-weekly", "due") not in events
    assert ACTION_DUE in events


def test_a_new_result_updates_the_meeting_and_keeps_its_sequence(example: Plan) -> None:
    """Change tracking as for posts: new text, new stamp, same SEQUENCE; same plan, same bytes."""
    first = site(example)
    again = site(example, now=NOW + dt.timedelta(hours=5), state=first.state)
    assert again.files == first.files
    measured = attrs.evolve(
        example,
        results=(
            *example.results,
            Result(
                date=dt.date(2026, 11, 29),
                metric="Instagram followers",
                value=1210,
                goal="followers-q1",
            ),
        ),
    )
    later = NOW + dt.timedelta(days=1)
    changed = event_lines(site(measured, now=later, state=first.state).files["all.ics"], REVIEW_DEC)
    assert "DTSTAMP:20261201T010000Z" in changed
    assert "SEQUENCE:0" in changed
    assert any("followers-q1: on-track" in line for line in changed)


def test_a_moved_due_date_raises_the_sequence(example: Plan) -> None:
    """Moving an action's due date is a move: SEQUENCE goes up, like a moved post."""
    first = site(example)
    moved = attrs.evolve(
        example,
        actions=tuple(
            attrs.evolve(a, due=dt.date(2027, 1, 29)) if a.id == "wa-quote-pin" else a
            for a in example.actions
        ),
    )
    lines = event_lines(site(moved, state=first.state).files["all.ics"], ACTION_DUE)
    assert "SEQUENCE:1" in lines
    assert "DTSTART;VALUE=DATE:20270129" in lines


def test_review_events_can_be_turned_off(example: Plan) -> None:
    """[feeds] review_events = false: posts only."""
    quiet = attrs.evolve(
        example, feed_settings=attrs.evolve(example.feed_settings, review_events=False)
    )
    data = site(quiet).files["all.ics"]
    assert unfold(data).count("BEGIN:VEVENT") == 88  # posts, evergreen repeats included


def test_the_week_shows_the_review_and_the_actions_due(example: Plan) -> None:
    """Week 2027-W03: Budi's action is due on Friday 22 January."""
    view = week(example, now=NOW, iso_week="2027-W03")
    assert [(a.kind, a.start, a.owner, a.action) for a in agenda(view)] == [
        ("action", dt.date(2027, 1, 22), "Budi", "wa-quote-pin")
    ]
    first_week = week(example, now=NOW, iso_week="2027-W01")
    assert [(a.kind, str(a.start), a.owner) for a in agenda(first_week)] == [
        ("review", "2027-01-04 09:00:00+07:00", "Sari")
    ]
    assert agenda(week(example, now=NOW, iso_week="2027-W01", owner="budi")) == []


def test_the_week_command_lists_them_under_the_pillar_mix(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Table and Markdown name the action, its day and its owner."""
    monkeypatch.chdir(REPO)
    args = ["week", "examples/batik-cikarang/plan.toml", "--week", "2027-W03"]
    result = runner.invoke(cli, [*args, "--now", "2026-11-30T08:00", "--format", "markdown"])
    assert (
        "- Action due: Fri 22 Jan Pin the four-step quote message in the WhatsApp Business "
        "catalogue (Budi)\n"
    ) in result.stdout


def test_serve_watches_the_results_files(tmp_path: Path) -> None:
    """A new result must reach subscribers: the results files are watched like item files."""
    shutil.copytree(REPO / "examples" / "batik-cikarang", tmp_path / "batik")
    plan = tmp_path / "batik" / "plan.toml"
    builder = SiteBuilder(str(plan), clock=lambda: NOW)
    builder.build()
    assert tmp_path / "batik" / "results" / "january.csv" in builder.watched()
    assert tmp_path / "batik" / "results" in builder.watched()
