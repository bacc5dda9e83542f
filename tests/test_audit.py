"""Regressions from the strict audit of issue #15: each names the class it closes.

Special files where contentcal keeps its own state (the pin journal, the publishing
manifest, a page it compares before rewriting) must never hang a run: a FIFO opened for
reading waits forever for a writer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentcal import load
from contentcal.cli import cli
from contentcal.files.atomic import write_if_changed
from contentcal.files.site import SiteWriter
from contentcal.publishing.pipeline import publish_feeds

from .conftest import MINIMAL_PLAN, NOW, WriteFiles

REPO = Path(__file__).resolve().parents[1]
NOW_ARG = "--now=2026-11-30T08:00"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")


def test_a_fifo_as_the_pin_journal_does_not_hang_every_command(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """load() finishes interrupted pins first; a FIFO in the journal's place is ignored."""
    plan = write_files({"plan.toml": MINIMAL_PLAN})
    Path(".contentcal").mkdir()
    os.mkfifo(".contentcal/pin-journal.json")

    result = runner.invoke(cli, ["check", str(plan), NOW_ARG])

    assert result.exit_code == 0, result.output
    assert Path(".contentcal/pin-journal.json").is_fifo()  # not ours: left alone


def test_a_fifo_as_the_manifest_is_refused_not_waited_for(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """`feeds --out --save-state` reads the manifest first; a FIFO there is a clear error."""
    plan = write_files({"plan.toml": MINIMAL_PLAN})
    Path(".contentcal").mkdir()
    os.mkfifo(".contentcal/published.json")

    result = runner.invoke(cli, ["feeds", str(plan), "--out", "site", "--save-state", NOW_ARG])

    assert result.exit_code == 1
    assert result.stderr == (
        "error: cannot write .contentcal/published.json: it is a FIFO (named pipe), not a "
        "regular file; contentcal only writes regular files (name a file path instead)\n"
    )


def test_a_fifo_in_the_published_folder_is_refused_not_waited_for(
    write_files: WriteFiles,
) -> None:
    """Pages are compared with what is there before rewriting; a FIFO is never opened."""
    plan = write_files({"plan.toml": MINIMAL_PLAN})
    publish_feeds(load(plan), now=NOW, out_dir="site")
    os.unlink("site/index.html")
    os.mkfifo("site/index.html")

    with pytest.raises(OSError, match=r"site/index\.html: it is a FIFO"):
        write_if_changed("site/index.html", b"<html>")
    with pytest.raises(OSError, match="it is a FIFO"):
        SiteWriter("site").write("index.html", b"<html>", unless_unchanged=True)


def test_ci_runs_the_fuzz_suite_derandomized() -> None:
    """The CI script sets CI, which loads the derandomized hypothesis profile."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    tests_at = script.index(".venv/bin/python -m pytest\n")
    assert 'export CI="${CI:-1}"' in script[:tests_at]
    conftest = (REPO / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert 'register_profile("ci", derandomize=True' in conftest
