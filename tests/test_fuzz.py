"""Fuzzing: no input ever produces a traceback (issue 15).

Over 10,000 generated cases per run: mutated plan text, mutated CSV and JSON lines item
files, plans full of extreme values (dates near year 1 and 9999, huge durations and numbers,
strings with lone surrogates and control characters) and extreme command-line option values.
Each case either works or fails with a contentcal error whose problems are located (a file,
and a line or key path where the format has them); on the command line it exits 0, 1 or 2
with a message and never a traceback.

Derandomized in CI through the ``ci`` profile (tests/conftest.py), so a red build replays.
The library is called directly where possible (and CliRunner, not a subprocess, for the
CLI) to keep the whole suite well under two minutes on a small machine.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import shutil
import tempfile

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal import load
from contentcal.cli import cli
from contentcal.errors import ContentcalError, PlanError
from contentcal.files.pin import pin
from contentcal.publishing.pipeline import publish_feed
from contentcal.reviewing.compute import review
from contentcal.scheduling.place import schedule
from contentcal.views.week import render_week, select

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

PLAN = """\
include = ["items.csv", "items.jsonl"]
results = ["results.csv", "results.jsonl"]

[brand]
name = "Toko Kopi"
timezone = "Asia/Jakarta"
blackout = ["2026-12-25", { dates = "2027-01-01..2027-01-02", reason = "Tahun Baru" }]

[goals.sales]
statement = "Sell more coffee beans online"
metric = "orders per week"
baseline = 10
target = 25
due = 2027-06-30

[pillars.education]
share = 0.4

[platforms.instagram]
owner = "Dewi"
slots = ["MO,WE,FR 19:00", "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0"]
respond_within = "2h"
min_gap = "4h"
limits = { text = 2000 }

[schedule]
horizon = "90d"
duration = "30m"

[feeds]
past = "30d"
ahead = "180d"

[[items]]
id = "roast"
platform = "instagram"
pillar = "education"
goal = "sales"
title = "Roast day"
tags = ["kopi", "roast"]

[[items]]
id = "beans"
platform = "instagram"
title = "Beans of the month"
at = 2026-12-02T19:00:00
priority = 2
"""

CSV = (
    "id,platform,title,pillar,at,status,copy\r\n"
    'c1,instagram,"Cold brew, iced",education,,approved,"Line one\r\nline two"\r\n'
    "c2,instagram,Pinned,,2026-12-09 19:00,approved,\r\n"
)

JSONL = (
    '{"id": "j1", "platform": "instagram", "title": "Json one", "status": "approved"}\n'
    '{"id": "j2", "platform": "instagram", "title": "Dua", "at": "2026-12-16T19:00"}\n'
)

RESULTS_CSV = "date,goal,item,metric,value\r\n2026-11-27,sales,,orders per week,11\r\n"
RESULTS_JSONL = '{"date": "2026-11-08", "item": "roast", "metric": "reach", "value": 1350}\n'

HOSTILE = [
    "[" * 300,
    "]" * 50,
    "9" * 4400,
    '"\\ud800"',
    "\\ud800",
    "\x00",
    "\x1b[2J",
    "\r",
    "\u2028",
    '"99999999999w"',
    '"P99999999999999D"',
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "9999-12-31",
    "-1",
    "1e400",
    "nan",
    "inf",
    '"' + "A/" * 150 + '"',
    '"../../etc/*.csv"',
    '"/usr/**/*.csv"',
    "\n[limits]\nnesting = 1\n",
    "\n[limits]\nrows = 1\n",
    '\n[feeds]\nstate_file = "plan.toml"\n',
    "\n[[items]]\n",
    "=HYPERLINK(1)",
    '"FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;'
    'BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20"',
    "{",
    '"',
    ",",
    ";",
    "\t",
]

_FOLDER = tempfile.mkdtemp(prefix="contentcal-fuzz-")
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)

BUDGETS = {"plan": 3000, "csv": 2500, "jsonl": 2500, "extreme": 1500, "cli": 600}
"""Examples per run of each fuzz test: 10,100 in all."""


def fuzz(kind: str) -> settings:
    return settings(
        max_examples=BUDGETS[kind],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


_WRITTEN: dict[str, bytes] = {}
"""What each file in the fuzz folder holds now: a file is only rewritten when it changes,
which halves the suite's time (most cases change one file of five)."""


def write(name: str, data: str | bytes) -> str:
    path = os.path.join(_FOLDER, name)
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if _WRITTEN.get(name) != raw or not os.path.exists(path):
        with open(path, "wb") as stream:
            stream.write(raw)
        _WRITTEN[name] = raw
    return path


def exercise(plan_path: str, *, pins: bool = True) -> None:
    """Load, and when that works, schedule, render, pin (without writing) and build a feed:
    nothing but contentcal errors with located problems may come out.

    `pins`: whether to compute the pin too (the costliest step; it matters most for the
    item files, whose lines pin rewrites).
    """
    try:
        plan = load(plan_path)
        placed = schedule(plan, now=NOW)
        view = select(placed)
        for fmt in ("table", "markdown", "csv", "json"):
            render_week(view, fmt=fmt)
        if pins:
            pin(placed)
        publish_feed(plan, now=NOW, use_state=False)
        review(plan, as_of=NOW.date())
    except PlanError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file, problem
            assert problem.message, problem
            str(problem).encode("utf-8", "backslashreplace")
    except ContentcalError as exc:
        assert str(exc)


def mutate(text: str, operations: list[tuple[int, int, int, str]]) -> str:
    """Apply (kind, position, length, payload) edits: delete, insert, replace, repeat a line."""
    for kind, position, length, payload in operations:
        at = position % (len(text) + 1)
        if kind == 0:
            text = text[:at] + text[at + length :]
        elif kind == 1:
            text = text[:at] + payload + text[at:]
        elif kind == 2:
            text = text[:at] + payload + text[at + length :]
        else:
            lines = text.split("\n")
            line = lines[position % len(lines)]
            lines.insert(position % len(lines), line)
            text = "\n".join(lines)
    return text


PAYLOADS = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=8),
    st.characters().map(str),
)
OPERATIONS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 10_000), st.integers(0, 40), PAYLOADS),
    min_size=1,
    max_size=4,
)


def write_inputs(**mutated: str) -> str:
    """Write the plan and its item and results files (some of them mutated)."""
    originals = {
        "items.csv": CSV,
        "items.jsonl": JSONL,
        "results.csv": RESULTS_CSV,
        "results.jsonl": RESULTS_JSONL,
        "plan.toml": PLAN,
    }
    for name, text in originals.items():
        write(name, mutated.get(name.replace(".", "_"), text))
    return os.path.join(_FOLDER, "plan.toml")


@fuzz("plan")
@given(operations=OPERATIONS)
def test_mutated_plan_text_never_crashes(operations: list[tuple[int, int, int, str]]) -> None:
    """Edits anywhere in a plan: deleted, inserted and duplicated text, hostile snippets."""
    exercise(write_inputs(plan_toml=mutate(PLAN, operations)), pins=False)


@fuzz("csv")
@given(operations=OPERATIONS, results=st.booleans())
def test_mutated_csv_never_crashes(
    operations: list[tuple[int, int, int, str]], results: bool
) -> None:
    """A spreadsheet export (items or results) broken in every way: quotes, delimiters,
    columns, encodings."""
    if results:
        exercise(write_inputs(results_csv=mutate(RESULTS_CSV, operations)), pins=False)
    else:
        exercise(write_inputs(items_csv=mutate(CSV, operations)))


@fuzz("jsonl")
@given(operations=OPERATIONS, results=st.booleans())
def test_mutated_jsonl_never_crashes(
    operations: list[tuple[int, int, int, str]], results: bool
) -> None:
    """A script's output (items or results) broken in every way: escapes, surrogates,
    nesting, huge numbers."""
    if results:
        exercise(write_inputs(results_jsonl=mutate(RESULTS_JSONL, operations)), pins=False)
    else:
        exercise(write_inputs(items_jsonl=mutate(JSONL, operations)))


# Numbers as literals (TOML and JSON spell them alike, but for nan and inf): a Python int
# over 4,300 digits cannot even be made from a string.
HUGE_INTS = st.integers(1, 6000).map(lambda digits: "9" * digits)
NUMBERS = st.one_of(
    st.integers().map(str),
    HUGE_INTS,
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "-0.0"]),
)
DURATIONS = st.one_of(
    st.builds(
        lambda number, unit: f"{number}{unit}",
        st.one_of(st.integers(0, 10**30).map(str), HUGE_INTS),
        st.sampled_from(["w", "d", "h", "m", "min", "s"]),
    ),
    st.builds(lambda number: f"P{number}D", st.integers(0, 10**30)),
    st.builds(lambda number: f"PT{number}S", st.integers(0, 10**30)),
    st.text(max_size=12),
)
MOMENTS = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59)),
    st.dates(),
)
STRINGS = st.text(
    st.characters(blacklist_categories=()), max_size=40
)  # surrogates and control characters included


def toml_value(value: object) -> str:
    """A TOML literal for generated values (strings via JSON escapes, which TOML shares)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if value != value
            else "inf"
            if value == float("inf")
            else ("-inf" if value == float("-inf") else repr(value))
        )
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


@st.composite
def extreme_plans(draw: st.DrawFn) -> tuple[str, str]:
    """A plan (TOML) and a JSON lines file whose values are drawn from the extremes."""
    at = draw(MOMENTS)
    lines = [
        'include = ["extreme.jsonl"]',
        "[brand]",
        f"name = {toml_value(draw(STRINGS))}",
        f"timezone = {toml_value(draw(st.one_of(st.sampled_from(['Asia/Jakarta', 'UTC', 'Pacific/Kiritimati', 'America/Adak']), STRINGS)))}",  # noqa: E501
        f"blackout = [{toml_value(draw(st.dates()))}]",
        "[goals.g]",
        f"statement = {toml_value(draw(STRINGS))}",
        f"baseline = {draw(NUMBERS)}",
        f"target = {draw(NUMBERS)}",
        f"due = {toml_value(draw(st.dates()))}",
        "[platforms.instagram]",
        f"min_gap = {toml_value(draw(DURATIONS))}",
        f"respond_within = {toml_value(draw(DURATIONS))}",
        'slots = ["daily 09:00"]',
        "[schedule]",
        f"horizon = {toml_value(draw(DURATIONS))}",
        f"duration = {toml_value(draw(DURATIONS))}",
        "[feeds]",
        f"ahead = {toml_value(draw(DURATIONS))}",
        f"past = {toml_value(draw(DURATIONS))}",
        "[[items]]",
        'id = "a"',
        'platform = "instagram"',
        f"title = {toml_value(draw(STRINGS))}",
        f"at = {toml_value(at)}",
        f"priority = {draw(NUMBERS)}",
    ]
    plan = "\n".join(lines) + "\n"
    item = {
        "id": draw(STRINGS),
        "platform": "instagram",
        "title": draw(STRINGS),
        "at": draw(st.one_of(MOMENTS.map(lambda moment: moment.isoformat()), STRINGS)),
        "duration": draw(DURATIONS),
    }
    # ensure_ascii: lone surrogates become \\ud800 escapes, as a script would write them.
    number = draw(NUMBERS).replace("nan", "NaN").replace("inf", "Infinity")
    jsonl = json.dumps(item, ensure_ascii=True)[:-1] + f', "priority": {number}}}\n'

    return plan, jsonl


@fuzz("extreme")
@given(files=extreme_plans())
def test_extreme_values_never_crash(files: tuple[str, str]) -> None:
    """Dates near year 1 and 9999, durations and numbers past every limit, odd strings."""
    plan, jsonl = files
    write("extreme.jsonl", jsonl)
    exercise(write("extreme.toml", plan))


CLI_PLAN = PLAN.replace('include = ["items.csv", "items.jsonl"]\n', "")
DATE_TEXT = st.one_of(
    MOMENTS.map(lambda moment: moment.isoformat()[:16]),
    MOMENTS.map(lambda moment: moment.isoformat()[:10]),
    st.text(max_size=20),
)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(["week", "schedule", "ics", "check", "feeds", "review"]))
    args = [command, os.path.join(_FOLDER, "cli.toml")]
    options: dict[str, list[st.SearchStrategy[str]]] = {
        "week": [
            st.just("--now"),
            st.just("--days"),
            st.just("--week"),
            st.just("--start"),
            st.just("--tz"),
            st.just("--format"),
        ],
        "schedule": [st.just("--now"), st.just("--start"), st.just("--end")],
        "ics": [st.just("--now"), st.just("--start"), st.just("--end"), st.just("--platform")],
        "check": [st.just("--now"), st.just("--select")],
        "feeds": [st.just("--now"), st.just("--base-url")],
        "review": [st.just("--as-of"), st.just("--format")],
    }
    for _ in range(draw(st.integers(1, 3))):
        option = draw(st.one_of(*options[command]))
        if option == "--days":
            value = draw(st.one_of(st.integers().map(str), HUGE_INTS))
        elif option == "--week":
            value = draw(
                st.one_of(
                    st.builds(
                        lambda year, week: f"{year:04d}-W{week:02d}",
                        st.integers(0, 9999),
                        st.integers(0, 60),
                    ),
                    st.text(max_size=12),
                )
            )
        elif option == "--format":
            value = draw(st.sampled_from(["table", "markdown", "csv", "json", "html", "xml"]))
        elif option in ("--tz", "--platform", "--select", "--base-url"):
            value = draw(st.one_of(STRINGS.filter(lambda text: "\x00" not in text), st.just("UTC")))
        else:
            value = draw(DATE_TEXT)
        args += [option, value]
    if command == "feeds":
        args += ["--out", os.path.join(_FOLDER, "site")]
    return args


@fuzz("cli")
@given(args=command_lines())
def test_cli_option_values_never_crash(args: list[str]) -> None:
    """Every option value a user (or a script gone wrong) may pass: exit 0, 1 or 2."""
    write("cli.toml", CLI_PLAN)
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code)
    assert "Traceback" not in result.stderr
    if result.exit_code:  # says why: an error on stderr, or check's findings on stdout
        assert (result.stderr + result.stdout).strip(), args


def test_the_suite_runs_at_least_ten_thousand_cases() -> None:
    """The issue asks for at least 10,000 cases per run."""
    assert sum(BUDGETS.values()) >= 10_000
