"""Weekly schedules: golden output per format, the JSON contract, filters and bad options.

Golden files live in ``tests/golden/week/``. After an intended change to the output,
regenerate them with::

    CONTENTCAL_REGENERATE=1 .venv/bin/pytest tests/test_views.py

which rewrites each golden file from the current output (the tests then compare against
what they just wrote, so they pass); review the diff with ``git diff tests/golden`` before
committing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from contentcal import load, schedule
from contentcal.cli import cli
from contentcal.errors import InvalidOptionError
from contentcal.views import week as week_view
from contentcal.views.week import Format, iso_week_start, render_week, select, week

from .conftest import EXAMPLE, NOW, REPO, WriteFiles

GOLDEN = Path(__file__).parent / "golden" / "week"
REGENERATE = os.environ.get("CONTENTCAL_REGENERATE") == "1"
EXAMPLE_ARG = "examples/batik-cikarang/plan.toml"
WEEK_50 = ["week", EXAMPLE_ARG, "--week", "2026-W50", "--now", "2026-11-30T08:00"]


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands name the example as a user in the repository would (relative path)."""
    monkeypatch.chdir(REPO)


@pytest.fixture
def english_holidays(monkeypatch: pytest.MonkeyPatch) -> None:
    """The holidays package names holidays in the locale's language; pin it to English."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGUAGE", "en_US")


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args))


def ok(runner: CliRunner, *args: str) -> str:
    """Run a command that must succeed silently on stderr; return its stdout."""
    result = run(runner, *args)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


def row(when: str, title: str, pillar: str, goal: str, status: str, owner: str) -> str:
    """A table row as documented: two spaces, then columns of 18, 30, 13, 15, 9 and 8."""
    return f"  {when:<18} {title:<30} {pillar:<13} {goal:<15} {status:<9} {owner}".rstrip()


def columns(line: str) -> int:
    """Terminal columns of `line`: wide (W, F) characters take two, combining marks none."""
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in line
    )


# --- golden files --------------------------------------------------------------------------------

GOLDEN_FILES = {
    "table": "table.txt",
    "markdown": "markdown.md",
    "csv": "csv.csv",
    "json": "json.json",
}


@pytest.mark.parametrize("fmt", list(GOLDEN_FILES))
def test_week_matches_golden(runner: CliRunner, fmt: str) -> None:
    """The example's week 2026-W50 in each format is byte for byte the golden file."""
    result = run(runner, *WEEK_50, "--format", fmt)
    assert (result.exit_code, result.stderr) == (0, "")
    path = GOLDEN / GOLDEN_FILES[fmt]
    if REGENERATE:
        path.write_bytes(result.stdout_bytes)
    assert result.stdout_bytes == path.read_bytes()


def test_golden_csv_has_crlf_rows_and_one_row_per_entry() -> None:
    """CSV is what spreadsheets expect: CRLF line ends, a header, one row per entry."""
    data = (GOLDEN / "csv.csv").read_bytes()
    rows = data.split(b"\r\n")
    assert rows[0] == (
        b"date,time,timezone,platform,network,item,title,pillar,goal,status,owner,story,start,end,"
        b"occurrence"
    )
    assert rows[-1] == b""
    assert len(rows) == 1 + 8 + 1
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_the_docs_show_the_golden_table() -> None:
    """docs/scheduling.md shows the week command with exactly the golden output."""
    page = (REPO / "docs" / "scheduling.md").read_text(encoding="utf-8")
    command = "$ contentcal week " + " ".join(WEEK_50[1:]) + "\n"
    block = page.split("```console\n" + command, 1)[1].split("```", 1)[0]
    assert block == (GOLDEN / "table.txt").read_text(encoding="utf-8")


# --- the JSON contract ---------------------------------------------------------------------------

CONTRACT_PLAN = """\
[brand]
name = "Toko Kopi"
timezone = "Asia/Jakarta"
blackout = [{ dates = "2026-12-24", reason = "Christmas Eve" }]

[schedule]
holidays = "ID"

[pillars.education]
share = 0.5

[pillars.entertainment]

[platforms.instagram]
owner = "Dewi"
handle = "@tokokopi"
slots = ["MO,WE,FR 19:00"]
min_gap = "4h"

[platforms.blog]
owner = "Adi"

[[items]]
id = "roast"
platform = "instagram"
title = "Roast day"
pillar = "education"
story = "roasting"

[[items]]
id = "eve"
platform = "instagram"
title = "Malam Natal"
at = 2026-12-24

[[items]]
id = "clash-a"
platform = "instagram"
title = "Clash A"
pillar = "entertainment"
at = 2026-12-23T18:00:00

[[items]]
id = "clash-b"
platform = "instagram"
title = "Clash B"
at = 2026-12-23T19:00:00

[[items]]
id = "idea"
platform = "instagram"
title = "Someday"
status = "idea"

[[items]]
id = "blog-post"
platform = "blog"
title = "Brewing guide"

[[items]]
id = "late"
platform = "instagram"
title = "Too late"
at = 2026-12-20T19:00:00
"""
"""Every list of the JSON object non-empty: entries (timed and all-day), backlog, unplaced,
problems of each kind, holidays and pillars with and without a target."""

CONTRACT_WEEK = ["--week", "2026-W52", "--now", "2026-12-21T08:00"]

TOP_KEYS = {
    "agenda",
    "backlog",
    "end",
    "entries",
    "holidays",
    "pillar_mix",
    "problems",
    "slots",
    "start",
    "timezone",
    "unplaced",
}
ENTRY_KEYS = {
    "all_day",
    "end",
    "goal",
    "item",
    "network",
    "owner",
    "pillar",
    "placed",
    "platform",
    "start",
    "status",
    "story",
    "title",
    "occurrence",
    "label",
}
BACKLOG_KEYS = {"goal", "item", "owner", "pillar", "platform", "status", "title"}
UNPLACED_KEYS = BACKLOG_KEYS | {"reason", "message"}
PROBLEM_KEYS = {"item", "kind", "message", "other"}
HOLIDAY_KEYS = {"date", "name"}
PILLAR_KEYS = {"count", "pillar", "share", "target"}
SLOT_KEYS = {"available", "filled", "platform"}


def contract_json(runner: CliRunner, write_files: WriteFiles, *extra: str) -> Any:
    plan = write_files({"plan.toml": CONTRACT_PLAN})
    return json.loads(ok(runner, "week", str(plan), *CONTRACT_WEEK, "--format", "json", *extra))


@pytest.mark.usefixtures("english_holidays")
def test_json_keys_are_exactly_the_documented_ones(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """The object and every kind of nested object have exactly the documented keys."""
    data = contract_json(runner, write_files)
    assert set(data) == TOP_KEYS
    for key, keys in (
        ("entries", ENTRY_KEYS),
        ("backlog", BACKLOG_KEYS),
        ("unplaced", UNPLACED_KEYS),
        ("problems", PROBLEM_KEYS),
        ("holidays", HOLIDAY_KEYS),
        ("pillar_mix", PILLAR_KEYS),
        ("slots", SLOT_KEYS),
    ):
        assert data[key], key
        assert [set(value) for value in data[key]] == [keys] * len(data[key]), key


@pytest.mark.usefixtures("english_holidays")
def test_json_values_for_a_week_with_everything(runner: CliRunner, write_files: WriteFiles) -> None:
    """The whole object for a plan with each kind of entry, problem and list."""
    entry = {"goal": None, "network": "instagram", "owner": "Dewi", "platform": "instagram"}
    entry |= {"status": "approved", "story": None, "occurrence": 1, "label": None}
    assert contract_json(runner, write_files) == {
        "start": "2026-12-21T00:00:00+07:00",
        "end": "2026-12-28T00:00:00+07:00",
        "timezone": "Asia/Jakarta",
        "entries": [
            entry
            | {
                "item": "roast",
                "title": "Roast day",
                "pillar": "education",
                "story": "roasting",
                "start": "2026-12-21T19:00:00+07:00",
                "end": "2026-12-21T19:15:00+07:00",
                "all_day": False,
                "placed": True,
            },
            entry
            | {
                "item": "clash-a",
                "title": "Clash A",
                "pillar": "entertainment",
                "start": "2026-12-23T18:00:00+07:00",
                "end": "2026-12-23T18:15:00+07:00",
                "all_day": False,
                "placed": False,
            },
            entry
            | {
                "item": "clash-b",
                "title": "Clash B",
                "pillar": None,
                "start": "2026-12-23T19:00:00+07:00",
                "end": "2026-12-23T19:15:00+07:00",
                "all_day": False,
                "placed": False,
            },
            entry
            | {
                "item": "eve",
                "title": "Malam Natal",
                "pillar": None,
                "start": "2026-12-24",
                "end": "2026-12-25",
                "all_day": True,
                "placed": False,
            },
        ],
        "backlog": [
            {
                "item": "idea",
                "platform": "instagram",
                "title": "Someday",
                "pillar": None,
                "goal": None,
                "status": "idea",
                "owner": "Dewi",
            }
        ],
        "unplaced": [
            {
                "item": "blog-post",
                "platform": "blog",
                "title": "Brewing guide",
                "pillar": None,
                "goal": None,
                "status": "approved",
                "owner": "Adi",
                "reason": "no-slots",
                "message": "platform 'blog' has no slots; add slots = [...] or give the item "
                "a time",
            }
        ],
        "problems": [
            {
                "kind": "past-not-published",
                "item": "late",
                "other": None,
                "message": "item 'late' was due at 2026-12-20 19:00 +07:00 but is approved, "
                "not published",
            },
            {
                "kind": "double-booked",
                "item": "clash-b",
                "other": "clash-a",
                "message": "items 'clash-a' and 'clash-b' on instagram are 1 h apart; "
                "the minimum gap is 4 h",
            },
            {
                "kind": "in-blackout",
                "item": "eve",
                "other": None,
                "message": "item 'eve' is set for 2026-12-24 on instagram, which is Christmas Eve",
            },
        ],
        "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
        "pillar_mix": [
            {"pillar": "education", "count": 1, "share": 0.5, "target": 0.5},
            {"pillar": "entertainment", "count": 1, "share": 0.5, "target": None},
        ],
        "slots": [
            {"platform": "instagram", "filled": 3, "available": 3},
            {"platform": "blog", "filled": 0, "available": 0},
        ],
        "agenda": [],
    }


def test_json_is_sorted_and_indented(runner: CliRunner) -> None:
    """Keys sorted at every level, two-space indent, a final newline."""
    text = ok(runner, *WEEK_50, "--format", "json")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_json_writes_non_ascii_as_is(runner: CliRunner, write_files: WriteFiles) -> None:
    """Titles in any script stay readable: UTF-8, no \\u escapes."""
    write_files(
        {
            "plan.toml": '[brand]\nname = "Kopi"\ntimezone = "Asia/Jakarta"\n'
            '[platforms.instagram]\nslots = ["MO 19:00"]\n'
            '[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "Kopi ☕ 珈琲"\n'
        }
    )
    text = ok(runner, "week", "plan.toml", "--now", "2026-11-30T08:00", "--format", "json")
    assert '"title": "Kopi ☕ 珈琲"' in text
    assert "\\u" not in text


ISO_WITH_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")


def test_json_times_are_iso_8601_with_offset_in_the_chosen_zone(runner: CliRunner) -> None:
    """Timed starts and ends carry the offset of --tz; the window keeps the brand's."""
    data = json.loads(ok(runner, *WEEK_50, "--format", "json", "--tz", "America/New_York"))
    assert data["timezone"] == "America/New_York"
    assert (data["start"], data["end"]) == (
        "2026-12-07T00:00:00+07:00",
        "2026-12-14T00:00:00+07:00",
    )
    times = [entry[key] for entry in data["entries"] for key in ("start", "end")]
    assert len(times) == 16
    assert all(ISO_WITH_OFFSET.fullmatch(value) for value in times), times
    assert all(value.endswith("-05:00") for value in times)
    assert data["entries"][0]["start"] == "2026-12-07T07:00:00-05:00"


# --- filters and options -----------------------------------------------------------------------


def test_platform_filter_keeps_plan_order_and_narrows_the_footer(runner: CliRunner) -> None:
    """--platform is repeatable; platforms show in plan order; mix and backlog follow."""
    text = ok(runner, *WEEK_50, "--platform", "whatsapp", "--platform", "instagram")
    assert text.splitlines() == [
        "Batik Cikarang — week 2026-W50, Mon 07 Dec 2026 – Sun 13 Dec 2026 (Asia/Jakarta)",
        "",
        "Instagram (@batikcikarang · Sari) — 4 of 4 slots filled",
        row(
            "Mon 07 Dec 19:00",
            "Diskon Akhir Tahun: 5 kemeja…",
            "communication",
            "followers-q1",
            "approved",
            "Sari",
        ),
        " " * 21 + "step 2 of 3 · Diskon Akhir Tahun",
        row(
            "Wed 09 Dec 19:00",
            "Kuis: tebak motif dari…",
            "entertainment",
            "followers-q1",
            "approved",
            "Sari",
        ),
        row(
            "Fri 11 Dec 19:00",
            "Kenalan dengan Pak Darto, 31…",
            "communication",
            "followers-q1",
            "approved",
            "Sari",
        ),
        row(
            "Sat 12 Dec 10:00",
            "OOTD kantor kiriman pelanggan",
            "collaboration",
            "followers-q1",
            "approved",
            "Sari",
        ),
        "",
        "WhatsApp (+62 812-0000-2026 · Sari) — 1 of 1 slots filled",
        row(
            "Fri 11 Dec 16:00",
            "Cara minta penawaran seragam…",
            "communication",
            "uniform-orders",
            "approved",
            "Sari",
        ),
        " " * 21 + "step 3 of 3 · Seragam batik",
        "",
        "Pillar mix: communication 3 (60%, target 30%), education 0 (0%, target 30%), "
        "entertainment 1 (20%,",
        "  target 20%), collaboration 1 (20%, target 20%)",
        "Review: Mon 07 Dec 09:00 Batik Cikarang social media (Sari)",
        "Backlog: 3 items not ready (2 draft, 1 idea)",
    ]


def test_owner_filter_narrows_entries_and_footer(runner: CliRunner) -> None:
    """--owner (any case) shows that person's entries and only their backlog.

    Regression: the backlog of every shown platform was listed, so Budi's view counted
    Sari's two Instagram ideas and drafts.
    """
    data = json.loads(
        ok(runner, *WEEK_50[:3], "2026-W49", *WEEK_50[4:], "--owner", "budi", "--format", "json")
    )
    assert [(e["item"], e["owner"]) for e in data["entries"]] == [
        ("uniform-showcase-ig", "Budi"),
        ("december-hours-fb", "Budi"),
        ("uniform-showcase-fb", "Budi"),
        ("cap-vs-tulis-fb", "Budi"),
    ]
    assert [item["item"] for item in data["backlog"]] == ["live-qna-fb"]
    assert data["slots"] == [
        {"platform": "instagram", "filled": 1, "available": 4},
        {"platform": "facebook", "filled": 3, "available": 3},
    ]
    table = ok(runner, *WEEK_50[:3], "2026-W49", *WEEK_50[4:], "--owner", "BUDI")
    assert table.endswith("Backlog: 1 item not ready (1 idea)\n")


def test_owner_with_nothing_planned_shows_no_platforms(runner: CliRunner) -> None:
    """Someone with no entries and no platform of their own gets an empty week."""
    assert ok(runner, *WEEK_50, "--owner", "nobody").splitlines() == [
        "Batik Cikarang — week 2026-W50, Mon 07 Dec 2026 – Sun 13 Dec 2026 (Asia/Jakarta)",
        "",
        "Pillar mix: communication 0 (0%, target 30%), education 0 (0%, target 30%), "
        "entertainment 0 (0%,",
        "  target 20%), collaboration 0 (0%, target 20%)",
    ]


def test_tz_shows_the_same_week_on_another_clock(runner: CliRunner) -> None:
    """--tz converts every time; the window stays the brand's week, so the heading spans
    Sunday 18:00 to Sunday 18:00 Berlin time and loses its week label."""
    text = ok(runner, *WEEK_50, "--tz", "Europe/Berlin", "--platform", "whatsapp")
    assert text.splitlines()[:4] == [
        "Batik Cikarang — Sun 06 Dec 2026 – Sun 13 Dec 2026 (Europe/Berlin)",
        "",
        "WhatsApp (+62 812-0000-2026 · Sari) — 1 of 1 slots filled",
        row(
            "Fri 11 Dec 10:00",
            "Cara minta penawaran seragam…",
            "communication",
            "uniform-orders",
            "approved",
            "Sari",
        ),
    ]


def test_start_and_days_choose_the_window(runner: CliRunner) -> None:
    """--start and --days show any run of days; blackouts leave WhatsApp no slot."""
    text = ok(
        runner,
        "week",
        EXAMPLE_ARG,
        "--start",
        "2026-12-24",
        "--days",
        "3",
        "--now",
        "2026-11-30T08:00",
        "--format",
        "markdown",
    )
    assert text == (
        "# Batik Cikarang — Thu 24 Dec 2026 – Sat 26 Dec 2026 (Asia/Jakarta)\n"
        "\n"
        "## Instagram — 1 of 1 slots filled\n"
        "\n"
        "| When | Title | Pillar | Goal | Status | Owner |\n"
        "|---|---|---|---|---|---|\n"
        "| Sat 26 Dec 10:00 | Teaser kelas membatik cap 16 Januari (step 1 of 3 · Workshop "
        "batik Januari) | collaboration "
        "| followers-q1 | approved | Sari |\n"
        "\n"
        "## Facebook — 1 of 1 slots filled\n"
        "\n"
        "| When | Title | Pillar | Goal | Status | Owner |\n"
        "|---|---|---|---|---|---|\n"
        "| Thu 24 Dec 12:00 | Hasil kelas membatik bulan November | collaboration "
        "| followers-q1 | approved | Budi |\n"
        "\n"
        "## WhatsApp — 0 of 0 slots filled\n"
        "\n"
        "Nothing planned.\n"
        "\n"
        "- Pillar mix: communication 0 (0%, target 30%), education 0 (0%, target 30%), "
        "entertainment 0 (0%, target 20%), collaboration 2 (100%, target 20%)\n"
        "- Backlog: 4 items not ready (2 draft, 2 idea)\n"
    )


def test_default_week_is_the_iso_week_of_now(runner: CliRunner) -> None:
    """Without --week or --start the week is the one `now` falls in (brand zone)."""
    text = ok(runner, "week", EXAMPLE_ARG, "--now", "2026-12-13T23:59")
    assert text.splitlines()[0] == (
        "Batik Cikarang — week 2026-W50, Mon 07 Dec 2026 – Sun 13 Dec 2026 (Asia/Jakarta)"
    )


def test_markdown_escapes_pipes_in_cells(write_files: WriteFiles) -> None:
    """A | in a title would break the table row; it is escaped."""
    plan_path = write_files(
        {
            "plan.toml": '[brand]\nname = "B"\ntimezone = "Asia/Jakarta"\n'
            '[platforms.instagram]\nslots = ["MO 19:00"]\n'
            '[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "Kopi | Teh"\n'
        }
    )
    text = render_week(week(load(plan_path), now=NOW), fmt="markdown")
    assert "| Mon 30 Nov 19:00 | Kopi \\| Teh |  |  | approved |  |\n" in text


# --- bad options -------------------------------------------------------------------------------


def assert_usage_error(result: Result, message: str) -> None:
    """Exit 2, one line on stderr, nothing on stdout, no traceback."""
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert (result.stdout, result.stderr) == ("", message + "\n")


def test_unknown_platform_is_a_usage_error(runner: CliRunner) -> None:
    """The message names the unknown id and lists the plan's platforms."""
    assert_usage_error(
        run(runner, *WEEK_50, "--platform", "tiktok"),
        "error: unknown platform 'tiktok'; the plan has: instagram, facebook, whatsapp",
    )


@pytest.mark.parametrize("value", ["2026-W99", "nonsense", "2027-W53", "2026-50", "W50", ""])
def test_bad_week_is_a_usage_error(runner: CliRunner, value: str) -> None:
    """Anything but YEAR-Www of a week that exists is refused with an example."""
    assert_usage_error(
        run(runner, "week", EXAMPLE_ARG, "--week", value, "--now", "2026-11-30T08:00"),
        f"error: {value!r} is not an ISO week; write it like 2026-W50",
    )


def test_week_and_start_together_are_a_usage_error(runner: CliRunner) -> None:
    """A week and a start date would contradict each other."""
    assert_usage_error(
        run(runner, *WEEK_50, "--start", "2026-12-01"),
        "error: give either a week or a start date, not both",
    )


@pytest.mark.parametrize(
    ("zone", "hint"),
    [
        ("europe/berlin", "did you mean 'Europe/Berlin'?"),
        ("Mars/Olympus_Mons", "use an IANA name such as 'Asia/Jakarta' or 'Europe/Berlin'"),
    ],
)
def test_unknown_tz_is_a_usage_error(runner: CliRunner, zone: str, hint: str) -> None:
    """Zone names are exact IANA names; the message suggests the close one."""
    assert_usage_error(
        run(runner, *WEEK_50, "--tz", zone), f"error: unknown time zone {zone!r}; {hint}"
    )


def test_days_must_be_positive(runner: CliRunner) -> None:
    """--days 0 is refused by the option itself."""
    result = run(runner, *WEEK_50, "--days", "0")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.endswith(
        "Error: Invalid value for '--days': 0 is not in the range x>=1.\n"
    )


def test_missing_plan_is_exit_1(runner: CliRunner, write_files: WriteFiles) -> None:
    """A plan that is not there is a plan error (exit 1), located."""
    write_files({"other.txt": ""})
    result = run(runner, "week", "plan.toml", "--now", "2026-11-30T08:00")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: plan.toml: plan file not found (check the path; a plan is a .toml file)\n"
    )


def test_holidays_without_the_extra_exit_1_with_the_install_line(
    runner: CliRunner, write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI turns OptionalDependencyError into one line and exit code 1."""
    monkeypatch.setitem(sys.modules, "holidays", None)
    plan = write_files({"plan.toml": CONTRACT_PLAN})
    result = run(runner, "week", str(plan), *CONTRACT_WEEK)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: the plan asks for public holidays ([schedule] holidays = ...) but the "
        "'holidays' package is not installed; install it with: pip install "
        "'contentcal[holidays]'\n"
    )


# --- the 100-column table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iso_week", ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53", "2027-W01"]
)
def test_every_week_of_the_example_fits_100_columns(runner: CliRunner, iso_week: str) -> None:
    """No line of the table is wider than a 100-column terminal."""
    text = ok(runner, "week", EXAMPLE_ARG, "--week", iso_week, "--now", "2026-11-30T08:00")
    assert max(columns(line) for line in text.splitlines()) <= 100


WIDE_PLAN = """\
[brand]
name = "Koperasi Pengrajin Batik Tulis dan Batik Cap Kabupaten Bekasi Raya Sejahtera"
timezone = "Asia/Jakarta"

[pillars."教育"]
share = 0.5

[pillars."エンタメ"]
share = 0.5

[platforms.weibo]
network = "other"
handle = "@koperasi-pengrajin-batik-tulis-dan-batik-cap-kabupaten-bekasi-raya-sejahtera"
owner = "Ibu Sri Wahyuningsih Purnamasari"
slots = ["daily 09:00"]

[platforms.blog]
network = "blog"

[[items]]
id = "shinsaku"
platform = "weibo"
title = "新作のバティック：伝統と現代のデザインが出会う特別なコレクション"
pillar = "教育"

[[items]]
id = "a"
platform = "weibo"
title = "Kain batik untuk acara keluarga"
pillar = "エンタメ"
at = 2026-12-02

[[items]]
id = "新しい投稿のアイデア-批判的なレビューを待っている-とても長い名前"
platform = "blog"
title = "Blog"

[[items]]
id = "{long_id}"
platform = "blog"
title = "Long id"
""".replace("{long_id}", "x" * 112)


def test_titles_are_cut_at_a_word_boundary() -> None:
    """Regression (issue #11): "Diskon Akhir Tahun untuk…" cut a word in half."""
    assert week_view._fit("Diskon Akhir Tahun untuk keluarga dan komunitas", 30) == (
        "Diskon Akhir Tahun untuk…     "
    )
    assert week_view._fit("Akses awal Diskon Akhir Tahun untuk pelanggan", 30) == (
        "Akses awal Diskon Akhir Tahun…"
    )
    # One long word keeps as much as fits: a word boundary would leave an almost empty cell.
    assert week_view._fit("Supercalifragilistic expialidocious", 12) == "Supercalifr…"
    assert week_view._fit("short", 8) == "short   "


def test_long_names_and_wide_characters_still_fit_100_columns(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """Long brand and handle, a long zone, CJK titles, pillars and ids: lines wrap at
    100 columns counting wide characters as two, and a word longer than a line is cut.

    Regression: the heading and platform lines were never wrapped, and the footer was
    wrapped by characters, so CJK text ran past the edge.
    """
    write_files({"plan.toml": WIDE_PLAN})
    text = ok(
        runner,
        "week",
        "plan.toml",
        "--now",
        "2026-11-30T08:00",
        "--start",
        "2026-11-30",
        "--tz",
        "America/Argentina/ComodRivadavia",
    )
    lines = text.splitlines()
    assert max(columns(line) for line in lines) <= 100
    assert lines[:7] == [
        "Koperasi Pengrajin Batik Tulis dan Batik Cap Kabupaten Bekasi Raya Sejahtera — "
        "Sun 29 Nov 2026 – Sun",
        "  06 Dec 2026 (America/Argentina/ComodRivadavia)",
        "",
        "weibo (@koperasi-pengrajin-batik-tulis-dan-batik-cap-kabupaten-bekasi-raya-sejahtera "
        "· Ibu Sri",
        "  Wahyuningsih Purnamasari) — 1 of 7 slots filled",
        "  Sun 29 Nov 23:00   新作のバティック：伝統と現代…  教育          -"
        "               approved  Ibu Sri…",
        "  Wed 02 Dec all day Kain batik untuk acara…        エンタメ      -"
        "               approved  Ibu Sri…",
    ]
    assert lines[-5:] == [
        "Unplaced: 新しい投稿のアイデア-批判的なレビューを待っている-とても長い名前: "
        "platform 'blog' has no",
        "  slots; add slots = [...] or give the item a time",
        "Unplaced:",
        "  " + "x" * 98,
        "  xxxxxxxxxxxxxx: platform 'blog' has no slots; add slots = [...] or give the item a time",
    ]


def test_all_day_entries_read_all_day_in_the_table(write_files: WriteFiles) -> None:
    """Regression: "Wed 02 Dec all day" is 18 columns and was cut to "Wed 02 Dec all d…"."""
    plan = load(
        write_files(
            {
                "plan.toml": '[brand]\nname = "B"\ntimezone = "Asia/Jakarta"\n'
                '[platforms.instagram]\nslots = ["MO 19:00"]\n'
                '[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "Sale"\nat = 2026-12-02\n'
            }
        )
    )
    text = render_week(week(plan, now=NOW), fmt=Format.TABLE)
    assert "  Wed 02 Dec all day Sale                           -             -" in text


# --- the library calls behind the commands ----------------------------------------------------


def test_render_week_takes_the_enum_or_its_value() -> None:
    """Format members and their strings are the same choice; other strings are refused."""
    view = week(load(EXAMPLE), now=NOW, iso_week="2026-W50")
    assert render_week(view, fmt=Format.CSV) == render_week(view, fmt="csv")
    with pytest.raises(ValueError, match="'pdf' is not a valid Format"):
        render_week(view, fmt="pdf")


def test_library_errors_are_invalid_option_errors() -> None:
    """The CLI's exit-2 errors are InvalidOptionError (a ValueError) from the library."""
    plan = load(EXAMPLE)
    with pytest.raises(InvalidOptionError, match=r"^days must be at least 1, got 0$"):
        week(plan, now=NOW, days=0)
    with pytest.raises(ValueError, match=r"^unknown platform 'tiktok'; the plan has: "):
        select(schedule(plan, now=NOW), platforms=["tiktok"])


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W50", dt.date(2026, 12, 7)),
        (" 2026-w50 ", dt.date(2026, 12, 7)),
        ("2026-W53", dt.date(2026, 12, 28)),
        ("2027-W01", dt.date(2027, 1, 4)),
    ],
)
def test_iso_week_start(text: str, monday: dt.date) -> None:
    """ISO weeks: lower case and spaces are fine; 2026 has a week 53, 2027-W01 starts 4 Jan."""
    assert iso_week_start(text) == monday


def test_week_view_of_the_library_matches_the_cli(runner: CliRunner) -> None:
    """`week()` + `render_week()` is exactly what the command prints."""
    view = week(load(EXAMPLE_ARG), now=dt.datetime(2026, 11, 30, 8), iso_week="2026-W50")
    assert render_week(view) == ok(runner, *WEEK_50)


# --- contentcal schedule -------------------------------------------------------------------------


def test_schedule_command_table_is_the_week_renderer(runner: CliRunner) -> None:
    """`schedule --start/--end` prints the same table as `week` for the same days."""
    scheduled = ok(
        runner,
        "schedule",
        EXAMPLE_ARG,
        "--now",
        "2026-11-30T08:00",
        "--start",
        "2026-12-21",
        "--end",
        "2026-12-28",
    )
    weekly = ok(runner, "week", EXAMPLE_ARG, "--now", "2026-11-30T08:00", "--week", "2026-W52")
    assert scheduled == weekly
    assert [line for line in scheduled.splitlines() if "step" not in line][2:5] == [
        "Instagram (@batikcikarang · Sari) — 3 of 3 slots filled",
        row(
            "Mon 21 Dec 19:00",
            "Batik Ibu: kain yang…",
            "entertainment",
            "followers-q1",
            "scheduled",
            "Sari",
        ),
        row(
            "Wed 23 Dec 19:00",
            "5 pertanyaan yang paling…",
            "education",
            "followers-q1",
            "approved",
            "Sari",
        ),
    ]


def test_schedule_command_json_defaults_to_eight_weeks(runner: CliRunner) -> None:
    """`schedule --format json`: the week contract, for today and the seven weeks after."""
    data = json.loads(
        ok(runner, "schedule", EXAMPLE_ARG, "--now", "2026-11-30T08:00", "--format", "json")
    )
    assert set(data) == TOP_KEYS
    assert (data["start"], data["end"]) == (
        "2026-11-30T00:00:00+07:00",
        "2027-01-25T00:00:00+07:00",
    )
    assert len(data["entries"]) == 38  # 36 items + 2 evergreen repeats in January
    assert {key for entry in data["entries"] for key in entry} == ENTRY_KEYS
    assert data["entries"][0]["item"] == "uniform-showcase-ig"
    assert data["slots"] == [
        {"platform": "instagram", "filled": 19, "available": 29},
        {"platform": "facebook", "filled": 15, "available": 23},
        {"platform": "whatsapp", "filled": 4, "available": 6},
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dry-run"], "Error: --dry-run only makes sense with --pin\n"),
        (
            ["--format", "csv"],
            "Error: Invalid value for '--format': 'csv' is not one of 'table', 'json'.\n",
        ),
    ],
)
def test_schedule_command_usage_errors(runner: CliRunner, args: list[str], message: str) -> None:
    """Options that make no sense are refused with exit 2 before anything is written."""
    result = run(runner, "schedule", EXAMPLE_ARG, "--now", "2026-11-30T08:00", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(message)
