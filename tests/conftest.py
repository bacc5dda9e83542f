"""Shared fixtures: a CLI runner and a helper that writes plan files into a temp dir."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

# CI explores the same examples on every run (a red build is then reproducible and never a
# coin toss); local runs keep exploring new ones and remember failures in .hypothesis/.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "batik-cikarang" / "plan.toml"
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
"""A fixed 'now' (Monday morning in Jakarta, the day before the example starts)."""

MINIMAL_PLAN = """\
[brand]
name = "Toko Kopi"
timezone = "Asia/Jakarta"

[goals.sales]
statement = "Sell more coffee beans online"
metric = "orders per week"
baseline = 10
target = 25
due = 2027-06-30

[platforms.instagram]
owner = "Dewi"
purpose = "Show new roasts"
respond_within = "2h"
slots = ["MO,WE,FR 19:00"]
"""


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stdout and stderr apart."""
    return CliRunner()


WriteFiles = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def write_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WriteFiles:
    """Write files ({name: text (dedented) or bytes}) into a temp dir and chdir there.

    Returns the path of the first file, so tests read ``plan = write_files(...)``. Paths in
    messages then read as the user would type them (``plan.toml``, ``items/a.csv``).
    """
    monkeypatch.chdir(tmp_path)

    def write(files: dict[str, str | bytes]) -> Path:
        first = None
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
            first = first or path
        assert first is not None
        return first.relative_to(tmp_path)

    return write
