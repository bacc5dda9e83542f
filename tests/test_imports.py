"""What each command imports: the start-up cost of a one-shop plan is mostly imports.

A shop's `check` or `ics` should take a few times the bare start-up of Python and the core
libraries (docs/performance.md). These tests pin the modules a command must not pull in
for a plan that does not need them, so a stray top-level import shows up as a failure here
rather than as a slower command nobody notices.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_PLAN

PLAN = (
    MINIMAL_PLAN
    + """
[pillars.roasts]
description = "New roasts and how they taste"

[[items]]
id = "flores"
platform = "instagram"
pillar = "roasts"
goal = "sales"
title = "Flores Bajawa is back"
copy = "Flores Bajawa is back: cocoa, brown sugar and a bright finish. Order by DM."
media = "image"
"""
)

PROBE = """\
import json, sys
from contentcal.cli import main
sys.argv = ["contentcal", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _imported(tmp_path: Path, *args: str) -> set[str]:
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args, str(plan), "--now", "2026-11-30T08:00"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "could not be loaded" not in done.stdout + done.stderr
    assert ": error:" not in done.stdout, done.stdout  # a good plan: the command did its job
    modules: set[str] = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "contentcal.files.load" in modules  # the probe did run the command
    return modules


@pytest.mark.parametrize(
    "module",
    [
        "contentcal.views.site",  # the site's pages
        "icalendar",  # the object model: contentcal writes the bytes itself
        "contentcal.checking.engine",  # `check`'s rules
        "contentcal.networks.counting",  # twitter-text counting and its patterns
        "regex",
        "contentcal.reviewing.compute",  # a plan without review meetings
        "concurrent.futures",
    ],
)
def test_ics_does_not_import(tmp_path: Path, module: str) -> None:
    assert module not in _imported(tmp_path, "ics")


@pytest.mark.parametrize(
    "module",
    [
        "contentcal.reviewing.compute",  # a goal can only be behind on a result
        "contentcal.views.site",
        "contentcal.publishing.feeds",
        "concurrent.futures",  # the pool starts only for large plans
    ],
)
def test_check_without_results_does_not_import(tmp_path: Path, module: str) -> None:
    assert module not in _imported(tmp_path, "check")


def test_check_with_results_still_reviews_goals(tmp_path: Path) -> None:
    """The shortcut above is only for plans that measure nothing: a goal behind its pace
    is still reported when there are results."""
    (tmp_path / "results.csv").write_text(
        "date,goal,metric,value\n2026-11-29,sales,orders per week,10\n", encoding="utf-8"
    )
    plan = tmp_path / "plan.toml"
    text = PLAN.replace("[brand]", 'results = ["results.csv"]\n\n[brand]', 1)
    text = text.replace("due = 2027-06-30", "start = 2026-01-01\ndue = 2027-06-30")
    plan.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "contentcal", "check", str(plan), "--now", "2026-11-30T08:00"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert "[goal-off-track]" in done.stdout + done.stderr, done.stdout + done.stderr
