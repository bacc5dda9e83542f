"""Temporary files of killed runs: recognisable, removed by the next write, never a live one's.

A run killed between writing its temporary file and the rename leaves the temporary behind.
The next write of the same target removes it, but only when no live process still writes it
(its writer's lock is free and its pid is gone, or it has not changed for STALE_AFTER).
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from contentcal import load
from contentcal.cli import cli
from contentcal.files.atomic import (
    STALE_AFTER,
    TEMP_SUFFIX,
    remove_stale_temporaries,
    write_atomic,
)
from contentcal.publishing.pipeline import publish_feed, publish_feeds

from .conftest import MINIMAL_PLAN, NOW, WriteFiles

DEAD_PID = 4_194_305
"""Above Linux's largest pid_max (2**22): no process ever has this id."""

NOW_ARG = "--now=2026-11-30T08:00"

# A child that starts an atomic write, says so, and then waits: for a kill, or to finish.
WRITER = textwrap.dedent(
    """
    import sys
    from contentcal.files.atomic import write_atomic

    def stream(out):
        out.write(b"half of the child's feed")
        out.flush()
        print("writing", flush=True)
        sys.stdin.readline()  # the parent kills us here, or lets us finish
        out.write(b" and the rest")

    write_atomic(sys.argv[1], stream)
    """
)


def start_writer(target: Path) -> subprocess.Popen[str]:
    """A child process in the middle of an atomic write of `target`."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "writing\n"
    return child


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


def test_a_killed_ics_run_leaves_a_temporary_the_next_run_removes(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """SIGKILL between temp write and rename; the next `ics -o` of that file cleans up."""
    plan = write_files({"plan.toml": MINIMAL_PLAN})
    child = start_writer(Path("out.ics"))
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    [left] = temporaries(Path())
    assert left == f".out.ics.{child.pid}-{left.split('-', 1)[1]}"
    assert not Path("out.ics").exists()

    result = runner.invoke(cli, ["ics", str(plan), NOW_ARG, "-o", "out.ics"])

    assert result.exit_code == 0, result.output
    assert temporaries(Path()) == []
    assert Path("out.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_live_writers_temporary_is_never_removed(write_files: WriteFiles) -> None:
    """A concurrent write of the same file leaves the live child's temporary alone."""
    write_files({"plan.toml": MINIMAL_PLAN})
    child = start_writer(Path("out.ics"))
    try:
        [theirs] = temporaries(Path())
        write_atomic("out.ics", b"ours")  # sweeps this target's leftovers first
        assert temporaries(Path()) == [theirs]
        assert Path("out.ics").read_bytes() == b"ours"
        # Aged past STALE_AFTER it is still kept: its writer holds the lock.
        os.utime(theirs, (0, 0))
        assert remove_stale_temporaries(".", {"out.ics"}) == 0
    finally:
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.close()
        assert child.wait(timeout=30) == 0
    assert Path("out.ics").read_bytes() == b"half of the child's feed and the rest"
    assert temporaries(Path()) == []


def test_the_feed_state_temporary_goes_even_when_the_state_is_unchanged(
    write_files: WriteFiles,
) -> None:
    """The state is only written when it changes; a killed write's leftover goes anyway."""
    plan = write_files({"plan.toml": MINIMAL_PLAN})
    publish_feed(load(plan), now=NOW, save_state=True)
    state = Path(".contentcal/feed-state.json")
    before = state.read_bytes()
    leftover = state.parent / f".feed-state.json.{DEAD_PID}-abc123{TEMP_SUFFIX}"
    leftover.write_bytes(b"{half")
    publish_feed(load(plan), now=NOW, save_state=True)
    assert state.read_bytes() == before
    assert not leftover.exists()


def test_pin_and_feeds_out_remove_their_leftovers(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """`schedule --pin` and `feeds --out` (state, manifest, staging) clean up after a kill."""
    plan = write_files(
        {
            "plan.toml": 'include = ["items.csv"]\n' + MINIMAL_PLAN,
            "items.csv": "id,title,platform,status\npromo,New roast,instagram,approved\n",
        }
    )
    leftovers = [
        Path(f".items.csv.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}"),
        Path(f".contentcal/.published.json.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}"),
        Path(f".site.contentcal-staging/.all.ics.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}"),
    ]
    for path in leftovers:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"partial")
    kept = Path(f".notes.txt.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}")  # not a file these commands write
    kept.write_bytes(b"someone else's")

    pinned = runner.invoke(cli, ["schedule", str(plan), NOW_ARG, "--pin"])
    assert pinned.exit_code == 0, pinned.output
    assert not leftovers[0].exists()
    published = runner.invoke(cli, ["feeds", str(plan), "--out", "site", "--save-state", NOW_ARG])
    assert published.exit_code == 0, published.output
    assert not [path for path in leftovers if path.exists()]
    assert kept.exists()
    assert not [p for p in Path("site").rglob("*") if p.name.startswith(".")]


# --- which files a sweep removes: exactly the stale temporaries of the target -------------

TARGET = "all.ics"
OLD = 10.0  # seconds since the epoch: older than STALE_AFTER for any `now` below
LIVE_PID = os.getppid()  # the test runner's parent: running, and not this process

KINDS = {
    # kind: (file name, stale?)
    "dead pid": (f".{TARGET}.{DEAD_PID}-{{r}}{TEMP_SUFFIX}", True),
    "live pid, young": (f".{TARGET}.{LIVE_PID}-{{r}}{TEMP_SUFFIX}", False),
    "live pid, old": (f".{TARGET}.{LIVE_PID}-{{r}}{TEMP_SUFFIX}", True),
    "no pid, young": (f".{TARGET}.{{r}}{TEMP_SUFFIX}", False),
    "no pid, old": (f".{TARGET}.{{r}}{TEMP_SUFFIX}", True),
    "old version, old": (f".{TARGET}.{{r}}.tmp", True),
    "dead pid, locked": (f".{TARGET}.{DEAD_PID}-{{r}}{TEMP_SUFFIX}", False),
    "other target": (f".feed.ics.{DEAD_PID}-{{r}}{TEMP_SUFFIX}", False),
    "prefix of target": (f".all.{DEAD_PID}-{{r}}{TEMP_SUFFIX}", False),
    "no dot": (f"{TARGET}.{DEAD_PID}-{{r}}{TEMP_SUFFIX}", False),
    "the target": (TARGET, False),
    "plain file": ("{r}.txt", False),
    "folder named like one": (f".{TARGET}.{DEAD_PID}-{{r}}{TEMP_SUFFIX}", False),
    "link named like one": (f".{TARGET}.{DEAD_PID}-{{r}}{TEMP_SUFFIX}", False),
}


@settings(max_examples=60, deadline=None)
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from(sorted(KINDS)),
            st.text("abcdefghijklmnopqrstuvwxyz0123456789_", min_size=6, max_size=10),
        ),
        max_size=12,
        unique_by=lambda entry: entry[1],
    )
)
def test_a_sweep_removes_exactly_the_stale_temporaries(entries: list[tuple[str, str]]) -> None:
    """Whatever is in the folder, only this target's temporaries of dead writers go."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        outside = folder / "outside"
        outside.mkdir()
        (outside / "precious").write_bytes(b"keep")
        expected_gone: set[str] = set()
        locks: list[int] = []
        for kind, random in entries:
            pattern, stale = KINDS[kind]
            path = folder / pattern.format(r=random)
            if path.exists() or path.is_symlink():
                continue
            if kind == "folder named like one":
                path.mkdir()
            elif kind == "link named like one":
                path.symlink_to(outside / "precious")
            else:
                path.write_bytes(b"partial")
            if kind.endswith("old") and not kind.startswith("other"):
                os.utime(path, (OLD, OLD))
            if kind == "dead pid, locked":
                descriptor = os.open(path, os.O_RDONLY)
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                locks.append(descriptor)
            if stale:
                expected_gone.add(path.name)
        before = {p.name for p in folder.iterdir()}
        try:
            removed = remove_stale_temporaries(folder, {TARGET}, now=OLD + STALE_AFTER)
        finally:
            for descriptor in locks:
                os.close(descriptor)
        after = {p.name for p in folder.iterdir()}
        assert before - after == expected_gone
        assert removed == len(expected_gone)
        assert (outside / "precious").read_bytes() == b"keep"


def test_a_concurrent_feeds_runs_staged_file_is_left_alone(write_files: WriteFiles) -> None:
    """The staging folder is swept whole at the start of a run: never a live run's file."""
    plan = write_files({"plan.toml": MINIMAL_PLAN})
    staging = Path(".site.contentcal-staging")
    staging.mkdir()
    live = staging / f".all.ics.{LIVE_PID}-l1v3ly{TEMP_SUFFIX}"
    dead = staging / f".all.ics.{DEAD_PID}-d3adly{TEMP_SUFFIX}"
    for path in (live, dead):
        path.write_bytes(b"partial")
    descriptor = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # what a writer holds while it writes
        os.utime(live, (0, 0))
        publish_feeds(load(plan), now=NOW, out_dir="site")
        assert temporaries(staging) == [live.name]
    finally:
        os.close(descriptor)


def test_a_sweep_of_many_names_removes_only_theirs(tmp_path: Path) -> None:
    """Given many names (a published folder's files), only temporaries of those names go,
    also where one name is the start of another, and whatever else the folder holds stays."""
    names = {f"post-{number}.html" for number in range(2000)} | {"a", "a.b"}
    gone = [
        f".post-7.html.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}",
        f".a.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}",
        f".a.b.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}",
        ".a.b.k1ll3d.tmp",
    ]
    kept = [
        f".a.c.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}",
        f".post-2000.html.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}",
        f"post-7.html.{DEAD_PID}-k1ll3d{TEMP_SUFFIX}",
        ".hidden",
        *sorted(names)[:50],
    ]
    for name in gone + kept:
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (OLD, OLD))
    assert remove_stale_temporaries(tmp_path, names, now=OLD + STALE_AFTER) == len(gone)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(kept)
