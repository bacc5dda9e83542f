"""Pinning: placed times written back into TOML, CSV and JSON lines, touching nothing else."""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal import load, schedule
from contentcal.cli import cli
from contentcal.errors import OutputError, PlanError
from contentcal.files.pin import apply_pins, pin
from contentcal.scheduling.place import Schedule

from .conftest import MINIMAL_PLAN, NOW, REPO, WriteFiles

NOW_ARG = "2026-11-30T08:00"

PLAN = """\
# Toko Kopi: the plan.
include = ["items/*.csv", "items/*.jsonl"]  # spreadsheets and scripts

[brand]
name    = "Toko Kopi"        # aligned values
timezone = 'Asia/Jakarta'
blackout = [ "2026-12-25", { dates = "2027-01-01..2027-01-02", reason = "Tahun Baru" } ]

[platforms.instagram]
owner = "Dewi"
slots = [
  "MO,WE,FR 19:00",  # evenings
]
min_gap = "4h"
limits = { text = 2000 }


[[items]]
id = "roast"          # the first item
platform = "instagram"
title = "Roast day"
tags = ["kopi",
        "roast"]

# Story: beans. The next item is pinned already.

[[items]]
  id = "beans"
  platform = "instagram"
  title = \"\"\"Beans
of the month\"\"\"
  at = 2026-12-02T19:00:00

[[items]]
\tid = "brew"   \n\tplatform = "instagram"
\ttitle = "Brew guide"
\t# a note that ends brew's table

[[items]]
id = "idea"
platform = "instagram"
title = "Someday"
status = "idea"
"""
"""Comments after values and on their own, aligned and tab-indented keys, inline tables,
multi-line strings and arrays, blank lines, an item already pinned, a backlog item."""

CSV_WITH_AT = (
    "\ufeffid;platform;title;copy;at;status\r\n"
    'c1;instagram;"Cold brew; iced";"Line one\r\nline ""two""";;approved\r\n'
    "c2;instagram;Pinned;;2026-12-09 19:00;\r\n"
    "\r\n"
    'c3;instagram;Late;"";"";\r\n'
    "c4;instagram;Short\r\n"
).encode()
"""A spreadsheet export: BOM, semicolons, CRLF, a quoted cell with the delimiter, a
multi-line quoted cell, an existing `at` (empty, quoted empty, set, missing), a blank row."""

CSV_WITHOUT_AT = (
    "\ufeffid;platform;title;copy;status\r\n"
    'c1;instagram;"Cold brew; iced";"Line one\r\nline ""two""";\r\n'
    "\r\n"
    "c3;instagram;Late;;\r\n"
    "c5;instagram;Someday;;idea\r\n"
).encode()

JSONL = (
    b'{"id":"j1","platform":"instagram","title":"Json\\u2028one"}\r\n'
    b"\r\n"
    b'{"id": "j2", "platform": "instagram", "title": "Dua", "at": "2026-12-16T19:00"}\r\n'
    b'{"id": "j3", "platform": "instagram", "title": "Tiga", "status": "draft"}\r\n'
)
"""JSON lines with CRLF, a blank line, compact and spaced lines, an escaped LINE SEPARATOR."""


def write_plan(write_files: WriteFiles, csv: bytes = CSV_WITH_AT) -> Path:
    return write_files({"plan.toml": PLAN, "items/a.csv": csv, "items/b.jsonl": JSONL})


def placed(result: Schedule) -> list[tuple[str, str, str]]:
    """(item, start, end) of every entry, in UTC: what must not change when pinning."""
    return [
        (
            entry.item.id,
            _utc(entry.start),
            _utc(entry.end),
        )
        for entry in result.all_entries
    ]


def _utc(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value.isoformat()


def pin_files(plan_path: Path | str) -> None:
    apply_pins(pin(schedule(load(plan_path), now=NOW)))


AT_LINE = re.compile(r"\s*at = \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00")


# --- TOML -------------------------------------------------------------------------------------


def test_toml_only_gains_at_lines(write_files: WriteFiles) -> None:
    """Outside the added `at = ...` lines the plan is byte for byte what it was."""
    plan_path = write_plan(write_files)
    pin_files(plan_path)
    after = plan_path.read_text(encoding="utf-8")
    matcher = difflib.SequenceMatcher(a=PLAN.splitlines(), b=after.splitlines(), autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    assert [tag for tag, *_ in changes] == ["insert", "insert"]
    added = [line for _, _, _, start, end in changes for line in after.splitlines()[start:end]]
    assert all(AT_LINE.fullmatch(line) for line in added), added
    assert after.endswith('status = "idea"\n')


def test_toml_at_goes_after_the_last_key_with_its_indentation(write_files: WriteFiles) -> None:
    """`at` follows the item's last key, indented like it, before the comments that
    follow (they usually introduce the next item).

    Regression: `at` was appended below those comments and without the indentation.
    """
    pin_files(write_plan(write_files))
    lines = Path("plan.toml").read_text(encoding="utf-8").splitlines()
    assert lines[20:26] == [
        'title = "Roast day"',
        'tags = ["kopi",',
        '        "roast"]',
        "at = 2026-11-30T19:00:00",
        "",
        "# Story: beans. The next item is pinned already.",
    ]
    assert lines[35:40] == [
        '\tid = "brew"   ',
        '\tplatform = "instagram"',
        '\ttitle = "Brew guide"',
        "\tat = 2026-12-04T19:00:00",
        "\t# a note that ends brew's table",
    ]


def test_toml_items_as_inline_tables_get_at_inside_the_braces(write_files: WriteFiles) -> None:
    """Items written as an array of inline tables keep that form; only the line of the
    pinned item changes."""
    text = (
        "items = [\n"
        '  { id = "a", platform = "instagram", title = "A" },  # first\n'
        '  { id = "b", platform = "instagram", title = "B", status = "idea" },\n'
        "]\n\n" + MINIMAL_PLAN
    )
    plan_path = write_files({"plan.toml": text})
    pin_files(plan_path)
    assert plan_path.read_text(encoding="utf-8") == text.replace(
        'title = "A" },', 'title = "A", at = 2026-11-30T19:00:00},'
    )


def test_toml_without_trailing_newline(write_files: WriteFiles) -> None:
    """A file whose last item ends without a newline gets `at` on a line of its own."""
    text = MINIMAL_PLAN + '\n[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "A"'
    plan_path = write_files({"plan.toml": text})
    pin_files(plan_path)
    assert plan_path.read_text(encoding="utf-8") == text + "\nat = 2026-11-30T19:00:00\n"


# --- CSV --------------------------------------------------------------------------------------


def test_csv_with_an_at_column_changes_only_at_cells(write_files: WriteFiles) -> None:
    """BOM, delimiter, quoting and CRLF stay; empty `at` cells get the local time, a short
    row gets the missing cells, set cells and the blank row are left alone."""
    pin_files(write_plan(write_files))
    assert (
        Path("items/a.csv").read_bytes()
        == (
            "\ufeffid;platform;title;copy;at;status\r\n"
            'c1;instagram;"Cold brew; iced";"Line one\r\n'
            'line ""two""";2026-12-07T19:00;approved\r\n'
            "c2;instagram;Pinned;;2026-12-09 19:00;\r\n"
            "\r\n"
            'c3;instagram;Late;"";2026-12-11T19:00;\r\n'
            "c4;instagram;Short;;2026-12-14T19:00\r\n"
        ).encode()
    )


def test_csv_without_an_at_column_gets_one(write_files: WriteFiles) -> None:
    """The header gains `at`; each row gains its cell (after a multi-line cell's last
    line), left empty for a row that is not pinned; the blank row stays blank."""
    pin_files(write_plan(write_files, csv=CSV_WITHOUT_AT))
    assert (
        Path("items/a.csv").read_bytes()
        == (
            "\ufeffid;platform;title;copy;status;at\r\n"
            'c1;instagram;"Cold brew; iced";"Line one\r\nline ""two""";;2026-12-07T19:00\r\n'
            "\r\n"
            "c3;instagram;Late;;;2026-12-09T19:00\r\n"
            "c5;instagram;Someday;;idea;\r\n"
        ).encode()
    )


def test_csv_with_commas_and_lf(write_files: WriteFiles) -> None:
    """A plain comma-separated LF file with no BOM stays that way."""
    csv = 'id,platform,title,at\na,instagram,A,\nb,instagram,"B, too",\n'
    plan_path = write_files({"plan.toml": 'include = ["a.csv"]\n' + MINIMAL_PLAN, "a.csv": csv})
    pin_files(plan_path)
    assert Path("a.csv").read_bytes() == (
        b"id,platform,title,at\n"
        b"a,instagram,A,2026-11-30T19:00\n"
        b'b,instagram,"B, too",2026-12-02T19:00\n'
    )


# --- JSON lines -------------------------------------------------------------------------------


def test_jsonl_rewrites_only_the_pinned_lines(write_files: WriteFiles) -> None:
    """The pinned item's line is re-serialised with `at` last; other lines and CRLF stay.

    Regression: U+2028 was written raw, which splits the line for the loader; it stays
    escaped.
    """
    pin_files(write_plan(write_files))
    assert Path("items/b.jsonl").read_bytes() == (
        b'{"id": "j1", "platform": "instagram", "title": "Json\\u2028one", '
        b'"at": "2026-12-18T19:00"}\r\n' + JSONL.split(b"\r\n", 1)[1]
    )
    assert load("plan.toml").item("j1").title == "Json\u2028one"


# --- the round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize("csv", [CSV_WITH_AT, CSV_WITHOUT_AT], ids=["at-column", "no-at-column"])
def test_pin_then_schedule_is_a_no_op_and_pinning_again_changes_nothing(
    write_files: WriteFiles, csv: bytes
) -> None:
    """After pinning, every entry is where it was, now from `at`; a second pin is empty."""
    plan_path = write_plan(write_files, csv=csv)
    before = schedule(load(plan_path), now=NOW)
    result = pin(before)
    assert result.pinned == sum(entry.placed for entry in before.all_entries)
    apply_pins(result)
    snapshot = {path: path.read_bytes() for path in Path().rglob("*.*")}
    after = schedule(load(plan_path), now=NOW)
    assert placed(after) == placed(before)
    assert not any(entry.placed for entry in after.all_entries)
    assert (after.problems, after.unplaced) == ((), ())
    again = pin(after)
    assert (again.changes, again.pinned, again.diff()) == ((), 0, "")
    apply_pins(again)
    assert {path: path.read_bytes() for path in Path().rglob("*.*")} == snapshot


def test_pin_covers_items_placed_outside_the_window(write_files: WriteFiles) -> None:
    """Pinning follows placement, not the window shown: every placed item is pinned."""
    plan_path = write_plan(write_files)
    week = schedule(load(plan_path), now=NOW, start=dt.date(2026, 11, 30), end=dt.date(2026, 12, 1))
    assert [entry.item.id for entry in week.entries] == ["roast"]
    result = pin(week)
    assert [(Path(change.file).as_posix(), change.items) for change in result.changes] == [
        ("items/a.csv", ("c1", "c3", "c4")),
        ("items/b.jsonl", ("j1",)),
        ("plan.toml", ("roast", "brew")),
    ]
    assert result.pinned == 6


def test_pinned_times_keep_their_instant_across_dst(write_files: WriteFiles) -> None:
    """A 02:30 slot on the autumn night pins as 02:30 (its first occurrence, as it loads
    back); on the spring night, moved out of the gap, it pins as 03:00."""
    text = MINIMAL_PLAN.replace('timezone = "Asia/Jakarta"', 'timezone = "Europe/Berlin"')
    text = text.replace(
        'slots = ["MO,WE,FR 19:00"]',
        'slots = ["FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=25;BYHOUR=2;BYMINUTE=30", '
        '"FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=28;BYHOUR=2;BYMINUTE=30"]',
    )
    for item_id in ("autumn", "spring"):
        text += f'\n[[items]]\nid = "{item_id}"\nplatform = "instagram"\ntitle = "T"\n'
    plan_path = write_files({"plan.toml": text})
    now = dt.datetime(2026, 10, 24, 12)
    before = schedule(load(plan_path), now=now)
    assert [(entry.item.id, _iso(entry.start)) for entry in before.all_entries] == [
        ("autumn", "2026-10-25T02:30:00+02:00"),
        ("spring", "2027-03-28T03:00:00+02:00"),
    ]
    apply_pins(pin(before))
    assert plan_path.read_text(encoding="utf-8").endswith(
        'title = "T"\nat = 2026-10-25T02:30:00\n\n[[items]]\nid = "spring"\n'
        'platform = "instagram"\ntitle = "T"\nat = 2027-03-28T03:00:00\n'
    )
    assert placed(schedule(load(plan_path), now=now)) == placed(before)


def _iso(value: dt.datetime | dt.date) -> str:
    return value.isoformat()


# --- the command line ----------------------------------------------------------------------------


def file_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args))


def test_dry_run_shows_the_diff_and_writes_nothing(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """--pin --dry-run prints a unified diff of every file; bytes and mtimes stay."""
    write_plan(write_files)
    folder = Path.cwd()
    old = 1_600_000_000_000_000_000
    for path in folder.rglob("*.*"):
        os.utime(path, ns=(old, old))
    before = file_state(folder)
    result = run(runner, "schedule", "plan.toml", "--now", NOW_ARG, "--pin", "--dry-run")
    assert result.exit_code == 0
    assert result.stderr == "would pin 6 items in 3 files\n"
    # Bytes: the runner's .stdout turns CRLF into LF, and the CSV's CRLF must show.
    assert result.stdout_bytes == pin(schedule(load("plan.toml"), now=NOW)).diff().encode()
    assert result.stdout_bytes.decode().split("\n")[:6] == [
        "--- a/items/a.csv",
        "+++ b/items/a.csv",
        "@@ -1,7 +1,7 @@",
        " id;platform;title;copy;at;status\r",
        ' c1;instagram;"Cold brew; iced";"Line one\r',
        '-line ""two""";;approved\r',
    ]
    assert file_state(folder) == before


def test_pin_writes_every_file(runner: CliRunner, write_files: WriteFiles) -> None:
    """--pin writes the changes the dry run showed and reports how many on stderr."""
    write_plan(write_files)
    expected = {
        change.file: change.after for change in pin(schedule(load("plan.toml"), now=NOW)).changes
    }
    result = run(runner, "schedule", "plan.toml", "--now", NOW_ARG, "--pin")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "pinned 6 items in 3 files\n",
    )
    for file, text in expected.items():
        assert Path(file).read_bytes().decode("utf-8-sig") == text
    assert Path("items/a.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_failed_write_leaves_the_file_untouched_and_no_temp_file(
    runner: CliRunner, write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails the original stays and the temporary file is removed."""
    plan_path = write_files(
        {"plan.toml": MINIMAL_PLAN + '[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "A"\n'}
    )
    before = file_state(Path.cwd())

    def full_disk(source: str, target: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    result = run(runner, "schedule", str(plan_path), "--now", NOW_ARG, "--pin")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: cannot write plan.toml: No space left on device\n"
    assert file_state(Path.cwd()) == before


def test_a_failure_on_the_second_file_keeps_the_first_and_a_rerun_finishes(
    write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rename failing after the point of no return is recorded; the next load finishes it.

    (Before, each file was replaced on its own and a failure left the pin half-applied.)
    """
    write_plan(write_files)
    result = pin(schedule(load("plan.toml"), now=NOW))
    real_replace = os.replace
    calls = []

    def second_fails(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(errno.EACCES, "Permission denied")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(OutputError) as caught:
        apply_pins(result)
    assert isinstance(caught.value, OSError)
    assert str(caught.value) == (
        "cannot write items/a.csv: Permission denied; the files are recorded in "
        ".contentcal/pin-journal.json and the next run completes the change"
    )
    assert Path("items/b.jsonl").read_bytes() == JSONL
    monkeypatch.setattr(os, "replace", real_replace)
    rerun = pin(schedule(load("plan.toml"), now=NOW))
    assert rerun.changes == ()
    assert sorted(p.name for p in Path("items").iterdir()) == ["a.csv", "b.jsonl"]
    assert not Path(".contentcal").exists()


def test_an_item_removed_after_loading_is_a_plan_error(write_files: WriteFiles) -> None:
    """If a file changed under us, pinning refuses instead of guessing."""
    plan_path = write_plan(write_files)
    placed_plan = schedule(load(plan_path), now=NOW)
    Path("items/b.jsonl").write_bytes(JSONL.replace(b'"j1"', b'"j9"'))
    with pytest.raises(PlanError) as caught:
        pin(placed_plan)
    (problem,) = caught.value.problems
    assert str(problem) == (
        "items/b.jsonl: cannot pin item 'j1': it is no longer in the file "
        "(the file changed while contentcal ran; run the command again)"
    )


# --- the docs' example ------------------------------------------------------------------------


def test_the_docs_pinning_example_is_real(runner: CliRunner, write_files: WriteFiles) -> None:
    """docs/scheduling.md's plan, dry-run command and diff are what contentcal does."""
    page = (REPO / "docs" / "scheduling.md").read_text(encoding="utf-8")
    plan_text = page.split("```toml\n# plan.toml\n", 1)[1].split("```", 1)[0]
    command = page.split("```shell\n$ ", 1)[1].split("\n", 1)[0]
    diff = page.split("```diff\n", 1)[1].split("```", 1)[0]
    write_files({"plan.toml": "# plan.toml\n" + plan_text})
    result = run(runner, *command.split()[1:])
    assert (result.exit_code, result.stdout) == (0, diff)


# --- property: any small plan, any format -------------------------------------------------------


@st.composite
def item_files(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    """A format and a few items: some with a time, some waiting, some in the backlog."""
    fmt = draw(st.sampled_from(("toml", "csv", "jsonl")))
    items = []
    for index in range(draw(st.integers(1, 8))):
        item = {"id": f"i{index}", "platform": "instagram", "title": f"Item {index}"}
        kind = draw(st.sampled_from(("wait", "wait", "fixed", "idea")))
        if kind == "fixed":
            day = draw(st.integers(0, 13))
            item["at"] = (dt.date(2026, 11, 30) + dt.timedelta(days=day)).isoformat() + "T19:00"
        elif kind == "idea":
            item["status"] = "idea"
        items.append(item)
    return fmt, items


def render_items(fmt: str, items: list[dict[str, str]]) -> str:
    if fmt == "toml":
        return "".join(
            "\n[[items]]\n" + "".join(f'{key} = "{value}"\n' for key, value in item.items())
            for item in items
        )
    if fmt == "csv":
        rows = [
            f"{i['id']},{i['platform']},{i['title']},{i.get('status', '')},{i.get('at', '')}"
            for i in items
        ]
        return "\r\n".join(["id,platform,title,status,at", *rows]) + "\r\n"
    return "".join(json.dumps(item) + "\n" for item in items)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item_files())
def test_property_pin_round_trip_in_every_format(case: tuple[str, list[dict[str, str]]]) -> None:
    """For any small plan in any item format: pin, reload, schedule: same entries, nothing
    left to pin."""
    fmt, items = case
    with tempfile.TemporaryDirectory() as folder:
        plan_path = Path(folder) / "plan.toml"
        (plan_path.parent / f"items.{fmt}").write_text(render_items(fmt, items), encoding="utf-8")
        plan_path.write_text(f'include = ["items.{fmt}"]\n' + MINIMAL_PLAN, encoding="utf-8")
        before = schedule(load(plan_path), now=NOW)
        apply_pins(pin(before))
        after = schedule(load(plan_path), now=NOW)
        assert placed(after) == placed(before)
        assert not any(entry.placed for entry in after.all_entries)
        assert pin(after).changes == ()
