"""Measuring and reviewing: the arithmetic, the review of the example, and its formats.

Golden files live in ``tests/golden/review/`` (the example reviewed on 1 February 2027).
After an intended change to the output, regenerate them with::

    CONTENTCAL_REGENERATE=1 .venv/bin/pytest tests/test_review.py

and review ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import contentcal
from contentcal import load
from contentcal.cli import cli
from contentcal.errors import InvalidOptionError
from contentcal.model import Action, Goal, Result
from contentcal.reviewing.compute import (
    GoalStatus,
    Point,
    expected_share,
    forecast_value,
    goal_review,
    progress_of,
)
from contentcal.views.review import render_review

from .conftest import EXAMPLE, REPO, WriteFiles

GOLDEN = Path(__file__).parent / "golden" / "review"
REGENERATE = os.environ.get("CONTENTCAL_REGENERATE") == "1"
EXAMPLE_ARG = "examples/batik-cikarang/plan.toml"
FEBRUARY = ["review", EXAMPLE_ARG, "--as-of", "2027-02-01"]

FOLLOWERS = Goal(
    id="followers",
    statement="Grow Instagram followers",
    metric="followers",
    baseline=1200,
    target=2000,
    start=dt.date(2026, 12, 1),
    due=dt.date(2027, 3, 31),
)
"""An increasing goal: 120 days from 1,200 to 2,000."""

REPLY_TIME = Goal(
    id="reply-time",
    statement="Answer questions faster",
    metric="hours to first reply",
    baseline=10,
    target=2,
    start=dt.date(2026, 12, 1),
    due=dt.date(2027, 3, 31),
)
"""A decreasing goal: from 10 hours down to 2."""


def results(goal: Goal, *points: tuple[str, float]) -> list[Result]:
    """Results counting toward `goal`: (ISO date, value) pairs."""
    return [
        Result(date=dt.date.fromisoformat(day), metric=goal.metric or "", value=value, goal=goal.id)
        for day, value in points
    ]


# --- the arithmetic ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("goal", "value", "progress"),
    [
        (FOLLOWERS, 1200, 0.0),
        (FOLLOWERS, 1600, 0.5),
        (FOLLOWERS, 2000, 1.0),
        (FOLLOWERS, 2200, 1.25),  # not clamped: beyond the target
        (FOLLOWERS, 1100, -0.125),  # not clamped: below the baseline
        (REPLY_TIME, 10, 0.0),
        (REPLY_TIME, 6, 0.5),
        (REPLY_TIME, 2, 1.0),
        (REPLY_TIME, 1, 1.125),
        (REPLY_TIME, 12, -0.25),
    ],
)
def test_progress_goes_from_baseline_to_target_both_ways(
    goal: Goal, value: float, progress: float
) -> None:
    """progress = (latest - baseline) / (target - baseline); a decreasing goal is mirrored."""
    assert progress_of(goal, value) == pytest.approx(progress)


def test_progress_is_unknown_without_baseline_or_target_or_with_no_way_to_go() -> None:
    """No baseline, no target, or target equal to baseline: there is no scale."""
    assert progress_of(Goal(id="g", statement="s", target=10), 5) is None
    assert progress_of(Goal(id="g", statement="s", baseline=10), 5) is None
    assert progress_of(Goal(id="g", statement="s", baseline=10, target=10), 10) is None


@given(
    baseline=st.floats(-1e9, 1e9, allow_nan=False),
    distance=st.floats(-1e9, 1e9, allow_nan=False).filter(lambda d: abs(d) >= 1e-3),
)
def test_progress_is_zero_at_the_baseline_and_one_at_the_target(
    baseline: float, distance: float
) -> None:
    """For any increasing or decreasing goal: 0 at the baseline, 1 at the target."""
    goal = Goal(id="g", statement="s", baseline=baseline, target=baseline + distance)
    assert progress_of(goal, baseline) == 0
    assert progress_of(goal, baseline + distance) == pytest.approx(1, rel=1e-6)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-11-01", 0.0),  # before the start: clamped to 0
        ("2026-12-01", 0.0),  # at the start
        ("2027-01-30", 0.5),  # 60 of 120 days
        ("2027-03-31", 1.0),  # at the due date
        ("2027-05-01", 1.0),  # after the due date: clamped to 1
    ],
)
def test_expected_share_is_the_time_gone_by(as_of: str, expected: float) -> None:
    """expected = (as-of - start) / (due - start) in days, clamped to [0, 1]."""
    for goal in (FOLLOWERS, REPLY_TIME):
        assert expected_share(goal, dt.date.fromisoformat(as_of)) == expected


def test_expected_share_needs_a_start_and_a_due_date() -> None:
    """Without start (or due) nobody knows where the goal should be by now."""
    no_start = Goal(id="g", statement="s", baseline=1, target=2, due=dt.date(2027, 1, 1))
    assert expected_share(no_start, dt.date(2026, 12, 1)) is None
    no_due = Goal(id="g", statement="s", baseline=1, target=2, start=dt.date(2026, 1, 1))
    assert expected_share(no_due, dt.date(2026, 12, 1)) is None


def test_the_forecast_is_the_least_squares_line_read_at_due() -> None:
    """Points on a straight line forecast that line; scattered ones their best fit."""
    on_line = [Point(dt.date(2026, 12, 31), 1400), Point(dt.date(2027, 1, 30), 1600)]
    # (start, 1200), (+30 d, 1400), (+60 d, 1600): 20 a day (200 per 30 days); due is +120 d.
    assert forecast_value(FOLLOWERS, on_line) == pytest.approx(2000)
    scattered = [Point(dt.date(2026, 12, 11), 1300), Point(dt.date(2026, 12, 21), 1260)]
    # x = 0, 10, 20; y = 1200, 1300, 1260: slope 3 a day, mean (10, 1253.33); due x = 120.
    assert forecast_value(FOLLOWERS, scattered) == pytest.approx(1253.333333 + 3 * 110)
    falling = [Point(dt.date(2026, 12, 31), 8), Point(dt.date(2027, 1, 30), 6)]
    assert forecast_value(REPLY_TIME, falling) == pytest.approx(2)


def test_no_forecast_without_a_start_or_with_one_point() -> None:
    """A line needs two points; (start, baseline) is one of them."""
    no_start = Goal(id="g", statement="s", baseline=1, target=9, due=dt.date(2027, 1, 1))
    assert (
        forecast_value(no_start, [Point(dt.date(2026, 1, 1), 2), Point(dt.date(2026, 2, 1), 3)])
        is None
    )
    assert forecast_value(FOLLOWERS, []) is None
    assert forecast_value(FOLLOWERS, [Point(dt.date(2026, 12, 1), 1300)]) is None  # same day


@pytest.mark.parametrize(
    ("goal", "points", "as_of", "status"),
    [
        (FOLLOWERS, [], "2027-01-30", GoalStatus.NO_DATA),
        (FOLLOWERS, [("2027-01-29", 1600)], "2027-01-30", GoalStatus.ON_TRACK),
        (FOLLOWERS, [("2027-01-29", 1530)], "2027-01-30", GoalStatus.ON_TRACK),  # 41%: within 10
        (FOLLOWERS, [("2027-01-29", 1510)], "2027-01-30", GoalStatus.BEHIND),  # 39% < 40%
        (FOLLOWERS, [("2027-01-29", 2000)], "2027-01-30", GoalStatus.ACHIEVED),
        (FOLLOWERS, [("2027-03-31", 1990)], "2027-03-31", GoalStatus.ON_TRACK),  # at due
        (FOLLOWERS, [("2027-03-31", 1990)], "2027-04-01", GoalStatus.MISSED),  # after due
        (FOLLOWERS, [], "2027-04-01", GoalStatus.MISSED),
        (FOLLOWERS, [("2027-04-10", 2100)], "2027-04-15", GoalStatus.ACHIEVED),
        (REPLY_TIME, [("2027-01-29", 6)], "2027-01-30", GoalStatus.ON_TRACK),
        (REPLY_TIME, [("2027-01-29", 7.5)], "2027-01-30", GoalStatus.BEHIND),
        (REPLY_TIME, [("2027-01-29", 2)], "2027-01-30", GoalStatus.ACHIEVED),
        (REPLY_TIME, [("2027-01-29", 1.5)], "2027-01-30", GoalStatus.ACHIEVED),
        (REPLY_TIME, [("2027-03-30", 3)], "2027-04-02", GoalStatus.MISSED),
    ],
)
def test_status_on_increasing_and_decreasing_goals(
    goal: Goal, points: list[tuple[str, float]], as_of: str, status: GoalStatus
) -> None:
    """achieved, then missed, then no-data, then behind (more than 10 points), else on-track."""
    assert goal_review(goal, results(goal, *points), dt.date.fromisoformat(as_of)).status is status


def test_without_start_a_goal_is_never_behind_and_has_no_forecast() -> None:
    """No start: no expected share, so progress alone cannot make it behind."""
    goal = Goal(id="g", statement="s", metric="m", baseline=0, target=100, due=dt.date(2027, 6, 30))
    found = goal_review(
        goal, results(goal, ("2027-01-01", 1), ("2027-02-01", 2)), dt.date(2027, 6, 1)
    )
    assert (found.progress, found.expected, found.status, found.forecast) == (
        pytest.approx(0.02),
        None,
        GoalStatus.ON_TRACK,
        None,
    )


def test_results_after_as_of_and_of_other_metrics_are_ignored() -> None:
    """The review of an old day shows what that review showed then."""
    rows = [
        *results(FOLLOWERS, ("2026-12-31", 1400), ("2027-02-15", 1900)),
        Result(date=dt.date(2027, 1, 5), metric="reach", value=5000, goal="followers"),
    ]
    found = goal_review(FOLLOWERS, rows, dt.date(2027, 1, 10))
    assert found.latest == Point(dt.date(2026, 12, 31), 1400)
    assert found.points == (Point(dt.date(2026, 12, 31), 1400),)


def test_actions_are_open_overdue_or_done_on_the_review_day() -> None:
    """An action done after the review day was still open on it."""
    action = Action(id="a", what="w", due=dt.date(2027, 1, 22), done=dt.date(2027, 2, 3))
    assert action.is_open(dt.date(2027, 2, 1))
    assert action.is_overdue(dt.date(2027, 2, 1))
    assert not action.is_open(dt.date(2027, 2, 3))
    assert not action.is_overdue(dt.date(2027, 1, 22))  # due today is not late yet


# --- the example ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_review() -> contentcal.Review:
    """The example reviewed on Monday 1 February 2027, its second monthly review."""
    return contentcal.review(load(EXAMPLE), as_of=dt.date(2027, 2, 1))


def test_the_example_in_february(example_review: contentcal.Review) -> None:
    """Followers lag the plan; enquiries are ahead; one action is overdue."""
    followers, uniforms = example_review.goals
    assert followers.latest == Point(dt.date(2027, 1, 31), 1410)
    assert followers.progress == pytest.approx(210 / 800)
    assert followers.expected == pytest.approx(62 / 120)
    assert followers.status is GoalStatus.BEHIND
    assert followers.forecast == pytest.approx(1623.08, abs=0.01)
    assert uniforms.status is GoalStatus.ON_TRACK
    assert example_review.since == dt.date(2027, 1, 4)
    assert [(a.action.id, a.overdue) for a in example_review.actions] == [
        ("reels-weekly", False),
        ("wa-quote-pin", True),
        ("office-reposts", False),
    ]


def test_the_example_what_works(example_review: contentcal.Review) -> None:
    """Means per pillar and platform from each post's latest numbers; the top three."""
    works = example_review.what_works
    assert works.metrics == ("likes", "reach", "replies", "saves")
    top = {t.metric: t.items for t in works.top}
    assert top["reach"] == (
        ("hari-ibu-ig", 4620),
        ("uniform-showcase-ig", 3950),
        ("hari-ibu-fb", 1860),
    )
    instagram = next(group for group in works.platforms if group.id == "instagram")
    assert (instagram.posts, instagram.means["saves"]) == (8, pytest.approx(409 / 8))


def render(fmt: str) -> str:
    """The example reviewed on 1 February 2027, through the CLI."""
    result = CliRunner().invoke(cli, [*FEBRUARY, "--format", fmt], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


GOLDEN_FILES = {
    "text": "text.txt",
    "markdown": "markdown.md",
    "json": "json.json",
    "html": "html.html",
}


@pytest.mark.parametrize("fmt", list(GOLDEN_FILES))
def test_review_matches_golden(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each format of the example's February review is byte for byte its golden file."""
    monkeypatch.chdir(REPO)
    path = GOLDEN / GOLDEN_FILES[fmt]
    if REGENERATE:
        path.write_text(render(fmt), encoding="utf-8")
    assert render(fmt) == path.read_text(encoding="utf-8")


def test_the_json_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    """Top-level, goal and action keys are exactly the documented ones; numbers are raw."""
    monkeypatch.chdir(REPO)
    data = json.loads(render("json"))
    assert set(data) == {"as_of", "since", "goals", "actions", "posting", "pillars", "what_works"}
    goal_keys = {"id", "statement", "metric", "baseline", "target", "start", "due", "latest"}
    goal_keys |= {"progress", "expected", "status", "forecast"}
    assert all(set(goal) == goal_keys for goal in data["goals"])
    action_keys = {"id", "goal", "what", "owner", "due", "done", "overdue"}
    assert all(set(action) == action_keys for action in data["actions"])
    assert data["goals"][0]["latest"] == {"date": "2027-01-31", "value": 1410.0}
    assert data["goals"][0]["progress"] == 0.2625
    assert data["goals"][0]["start"] == "2026-12-01"


def test_the_html_page_is_self_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    """No script, no stylesheet or font from elsewhere, no link to the network; a chart each."""
    monkeypatch.chdir(REPO)
    page = render("html")
    assert page.startswith("<!doctype html>")
    assert page.endswith("</html>\n")
    assert not re.search(r"<script|<link|@import|url\(|src=", page)
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"] * 2
    assert page.count("<svg") == 2
    assert 'class="plan"' in page
    assert 'class="forecast"' in page
    assert 'class="point"' in page


def test_render_review_is_a_pure_function(example_review: contentcal.Review) -> None:
    """The same review gives the same page; a bad format is a clear error."""
    assert contentcal.render_review(example_review, fmt="html") == render_review(
        example_review, fmt="html"
    )
    with pytest.raises(InvalidOptionError, match="unknown review format 'pdf'; use one of: text"):
        render_review(example_review, fmt="pdf")


def test_review_writes_a_file_with_o(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """-o writes atomically and says so on stderr."""
    monkeypatch.chdir(REPO)
    target = tmp_path / "review.html"
    result = CliRunner().invoke(cli, [*FEBRUARY, "--format", "html", "-o", str(target)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"wrote {target}\n")
    assert target.read_text(encoding="utf-8") == render("html")


def test_review_without_as_of_reviews_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default as-of is today in the brand's zone (read at the edge, in the CLI)."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["review", EXAMPLE_ARG, "--format", "json"])
    assert result.exit_code == 0, result.output
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    assert json.loads(result.stdout)["as_of"] in {today.isoformat(), str(today - dt.timedelta(1))}


def test_review_of_a_bad_as_of_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A date that is not ISO 8601: exit 2, what was wrong and an example, no traceback."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["review", EXAMPLE_ARG, "--as-of", "1 Feb"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --as-of: '1 Feb' is not an ISO 8601 date or date-time "
        "(e.g. 2026-12-01, 2026-12-01T08:00 or 2026-12-01T01:00Z)\n"
    )


def test_a_plan_without_anything_to_review(write_files: WriteFiles) -> None:
    """No goals, results, actions or item numbers: every section says so."""
    plan = write_files({"plan.toml": '[brand]\nname = "Toko"\ntimezone = "Asia/Jakarta"\n'})
    result = CliRunner().invoke(cli, ["review", str(plan), "--as-of", "2027-02-01"])
    assert result.exit_code == 0
    assert result.stdout == (
        "Toko — review on Mon 01 Feb 2027\n\nLooking back to Mon 04 Jan 2027.\n\nGoals\n"
        "The plan has no goals.\n\nActions\n  No open actions.\n\nPosting since 04 Jan 2027\n"
        "  platform  planned  published\n\nPillar mix of published posts\n"
        "  pillar         posts  share  target\n  communication      0      -       -\n"
        "  collaboration      0      -       -\n  education          0      -       -\n"
        "  entertainment      0      -       -\n\nWhat works\n"
        "  No item results yet: add rows with an item column to a results file.\n"
    )


def test_a_date_time_as_of_is_its_day_in_the_brands_zone() -> None:
    """31 Jan 20:00 UTC is already 1 February in Jakarta."""
    plan = load(EXAMPLE)
    moment = dt.datetime(2027, 1, 31, 20, 0, tzinfo=dt.UTC)
    assert contentcal.review(plan, as_of=moment).as_of == dt.date(2027, 2, 1)
    assert contentcal.review(plan, as_of=dt.datetime(2027, 1, 31, 23, 0)).as_of == dt.date(
        2027, 1, 31
    )


POSTING_PLAN = """\
results = [
  { date = 2027-01-20, item = "measured", metric = "reach", value = 900 },
  { date = 2027-01-12, item = "unpinned", metric = "reach", value = 300 },
  { date = 2027-01-12, item = "unpinned", metric = "likes", value = 30 },
  { date = 2027-01-26, item = "unpinned", metric = "reach", value = 500 },
]

[brand]
name = "Toko Kopi"
timezone = "Asia/Jakarta"

[pillars.education]
share = 0.5

[pillars.entertainment]
share = 0.5

[platforms.instagram]
slots = ["MO,WE,FR 19:00"]

[[items]]
id = "published"
platform = "instagram"
pillar = "education"
title = "Out, by status"
status = "published"
at = 2027-01-06T19:00:00

[[items]]
id = "measured"
platform = "instagram"
pillar = "education"
title = "Out, by its numbers"
at = 2027-01-08T19:00:00

[[items]]
id = "missed"
platform = "instagram"
pillar = "entertainment"
title = "Planned, not out"
at = 2027-01-11T19:00:00

[[items]]
id = "unpinned"
platform = "instagram"
pillar = "entertainment"
title = "No time, but numbers from 12 January"

[[items]]
id = "dropped"
platform = "instagram"
title = "Cancelled"
status = "cancelled"
at = 2027-01-13T19:00:00

[[items]]
id = "idea"
platform = "instagram"
title = "An idea with a date"
status = "idea"
at = 2027-01-15T19:00:00

[[items]]
id = "earlier"
platform = "instagram"
title = "Before the period"
status = "published"
at = 2026-12-01T19:00:00
"""


def test_posting_pillars_and_what_works_on_a_small_plan(write_files: WriteFiles) -> None:
    """Planned: approved to published with a day in the period; published: status or numbers."""
    plan = load(write_files({"plan.toml": POSTING_PLAN}))
    found = contentcal.review(plan, as_of=dt.date(2027, 1, 31))
    assert found.since == dt.date(2027, 1, 3)  # no [review]: 28 days back
    assert [(p.platform, p.planned, p.published) for p in found.posting] == [("instagram", 4, 3)]
    assert [(p.pillar, p.posts, p.share, p.target) for p in found.pillars] == [
        ("education", 2, 0.5, 0.5),
        ("entertainment", 1, 0.25, 0.5),
    ]
    works = found.what_works
    assert works.metrics == ("likes", "reach")
    # 'unpinned' counts with its latest reach (500, 26 January), not its first (300).
    assert [(g.id, g.posts, dict(g.means)) for g in works.pillars] == [
        ("education", 1, {"reach": 900}),
        ("entertainment", 1, {"likes": 30, "reach": 500}),
    ]
    assert [(t.metric, t.items) for t in works.top] == [
        ("likes", (("unpinned", 30),)),
        ("reach", (("measured", 900), ("unpinned", 500))),
    ]
    # On 10 January the numbers of the 20th do not exist yet: 'measured' is not out.
    early = contentcal.review(plan, as_of=dt.date(2027, 1, 10))
    assert [(p.planned, p.published) for p in early.posting] == [(2, 1)]


@given(
    values=st.one_of(
        st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=30),
        st.lists(st.integers(min_value=-(10**12), max_value=10**12), min_size=1, max_size=30),
    )
)
def test_mean_is_statistics_fmean_to_the_bit(values: list[float] | list[int]) -> None:
    """compute's own mean (no `statistics` import at start-up) gives fmean's float exactly."""
    import statistics

    from contentcal.reviewing.compute import _mean

    def outcome(mean: Any) -> str:
        try:
            return repr(mean(values))
        except OverflowError as exc:  # both sum with math.fsum
            return repr(exc)

    assert outcome(_mean) == outcome(statistics.fmean)
