"""The library face: what ``import contentcal`` offers, and that it type-checks (issue #10)."""

from __future__ import annotations

import os
import pydoc
import subprocess
import sys
from pathlib import Path

import contentcal

from .conftest import REPO

USER_SCRIPT = Path(__file__).parent / "typing" / "user_script.py"


def test_dir_lists_the_public_api() -> None:
    """dir() showed only the lazy-import machinery; now it shows every public name."""
    names = [name for name in dir(contentcal) if not name.startswith("_")]
    assert names == sorted(name for name in contentcal.__all__ if not name.startswith("_"))
    for name in ("validate", "loads", "dump", "week", "render_week", "Entry", "WeekView"):
        assert name in names


def test_every_exported_name_resolves() -> None:
    """Each name in __all__ imports (the lazy table has no typo)."""
    for name in contentcal.__all__:
        assert getattr(contentcal, name) is not None, name


def test_help_documents_the_public_api() -> None:
    """help(contentcal) names the functions and classes, not just the module docstring."""
    text = pydoc.render_doc(contentcal, renderer=pydoc.plaintext)
    for name in ("validate", "loads", "dump", "check", "schedule", "render_week", "ContentItem"):
        assert f"\n    {name}" in text or f" {name}(" in text, name


def test_feed_is_typed_as_an_icalendar_calendar() -> None:
    """feed() returned Any to type checkers; its annotation is now icalendar.Calendar."""
    assert contentcal.feed.__annotations__["return"] == "icalendar.Calendar"


def test_a_user_script_passes_mypy_strict() -> None:
    """A script using only the documented API type-checks under mypy --strict."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            os.devnull,
            str(USER_SCRIPT),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found in 1 source file")


def test_the_user_script_runs(tmp_path: Path) -> None:
    """The same script runs: validate, evolve, check, schedule, week, feed, write, dump."""
    result = subprocess.run(
        [sys.executable, str(USER_SCRIPT)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 errors, 1 entries, True, 2 events, 4 files, True, file-not-found\n"
