"""Loading the measuring part of a plan: results files, ``[[actions]]`` and ``[review]``.

Good input first (CSV with a BOM and ``;``, JSON lines, inline results, time zones), then
bad input for every file and key: each problem pinned with file, line, key path, message
and hint, and nothing half-loaded.
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from contentcal import load
from contentcal.cli import cli
from contentcal.errors import PlanError, Severity
from contentcal.model import Action, Result, ReviewSettings, Source
from contentcal.reviewing.compute import review

from .conftest import WriteFiles

PLAN = """\
results = ["results/*"]

[brand]
name = "Toko Kopi"
timezone = "Asia/Jakarta"

[goals.sales]
statement = "Sell more coffee beans online"
metric = "orders per week"
baseline = 10
target = 25
start = 2026-10-01
due = 2027-06-30

[platforms.instagram]
owner = "Dewi"
slots = ["MO,WE,FR 19:00"]

[[items]]
id = "gayo-ig"
platform = "instagram"
title = "Gayo"
"""
"""A plan whose results live in results/; the tests add files and tables to it."""


def problems(write_files: WriteFiles, files: dict[str, str | bytes]) -> list[str]:
    """Every problem loading PLAN plus `files` gives, as the CLI prints them."""
    plan = write_files({"plan.toml": PLAN, **files})
    with pytest.raises(PlanError) as error:
        load(plan)
    return [str(problem) for problem in error.value.problems]


# --- good input --------------------------------------------------------------------------------


def test_a_spreadsheet_export_with_bom_and_semicolons(write_files: WriteFiles) -> None:
    """BOM, ';', empty cells, date-times in the brand's zone or with an offset: local days."""
    text = (
        "date;goal;platform;item;metric;value\n"
        "2026-11-01;sales;;;orders per week;11\n"
        "2026-11-01T23:30;;instagram;;followers;1250\n"
        "2026-11-01T20:00Z;;;gayo-ig;reach;1.5e3\n"
    )
    plan = load(
        write_files({"plan.toml": PLAN, "results/nov.csv": b"\xef\xbb\xbf" + text.encode()})
    )
    assert plan.results == (
        Result(date=dt.date(2026, 11, 1), metric="orders per week", value=11, goal="sales"),
        Result(date=dt.date(2026, 11, 1), metric="followers", value=1250, platform="instagram"),
        Result(date=dt.date(2026, 11, 2), metric="reach", value=1500, item="gayo-ig"),
    )
    assert plan.results[0].source == Source(file="results/nov.csv", line=2)


def test_json_lines_and_inline_results(write_files: WriteFiles) -> None:
    """A script writes JSON lines; a few results may sit in the plan itself."""
    plan = load(
        write_files(
            {
                "plan.toml": PLAN.replace(
                    'results = ["results/*"]',
                    'results = ["results/*", { date = 2026-10-15, goal = "sales", '
                    'metric = "Orders per week", value = 10.5 }]',
                ),
                "results/a.jsonl": '{"date": "2026-11-08", "item": "gayo-ig", "metric": '
                '"likes", "value": 40}\n\n',
            }
        )
    )
    # The goal's metric is matched without regard to case and spelled as the goal spells it.
    assert plan.results == (
        Result(date=dt.date(2026, 10, 15), metric="orders per week", value=10.5, goal="sales"),
        Result(date=dt.date(2026, 11, 8), metric="likes", value=40, item="gayo-ig"),
    )


def test_the_same_fact_twice_is_a_warning_and_the_later_row_wins(
    write_files: WriteFiles,
) -> None:
    """(date, thing, metric) twice: one warning with both places; 'Reach' is 'reach'."""
    plan = load(
        write_files(
            {
                "plan.toml": PLAN,
                "results/a.csv": "date,item,metric,value\n2026-11-01,gayo-ig,reach,100\n"
                "2026-11-01,gayo-ig,Reach,120\n",
            }
        )
    )
    assert plan.results == (
        Result(date=dt.date(2026, 11, 1), metric="reach", value=120, item="gayo-ig"),
    )
    assert [(str(w), w.severity, w.code) for w in plan.warnings] == [
        (
            "results/a.csv:3: item 'gayo-ig' has a second 'reach' for 2026-11-01; the later "
            "row wins (the first is at results/a.csv:2; delete the row that is wrong)",
            Severity.WARNING,
            "duplicate-result",
        )
    ]


def test_the_duplicate_warning_reaches_check_and_review(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """check lists it as CC011; review prints it on stderr and still reviews."""
    plan = write_files(
        {
            "plan.toml": PLAN + '\n[review]\nwhen = "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9"\n',
            "results/a.csv": "date,goal,metric,value\n2026-11-27,sales,orders per week,11\n"
            "2026-11-27,sales,orders per week,12\n",
        }
    )
    checked = runner.invoke(cli, ["check", str(plan), "--now", "2026-11-30T08:00"])
    assert "results/a.csv:3: warning: goal 'sales' has a second 'orders per week'" in checked.stdout
    assert "[duplicate-result]" in checked.stdout
    reviewed = runner.invoke(
        cli, ["review", str(plan), "--as-of", "2026-11-30", "--format", "json"]
    )
    assert reviewed.exit_code == 0
    assert reviewed.stderr.startswith("warning: results/a.csv:3: goal 'sales' has a second")
    assert '"value": 12.0' in reviewed.stdout


def test_actions_and_review(write_files: WriteFiles) -> None:
    """[[actions]] with and without done; [review] with its default duration."""
    plan = load(
        write_files(
            {
                "plan.toml": PLAN.replace('results = ["results/*"]\n', "")
                + '\n[review]\nwhen = "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9"\nowner = "Dewi"\n'
                '\n[[actions]]\nid = "bio-link"\ngoal = "sales"\nwhat = "Shop link in the bio"\n'
                'owner = "Dewi"\ndue = 2026-11-20\ndone = 2026-11-18\n'
                '\n[[actions]]\nid = "tasting"\nwhat = "Film a tasting"\ndue = 2026-12-15\n',
            }
        )
    )
    assert plan.review == ReviewSettings(when="FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9", owner="Dewi")
    assert plan.review.duration == dt.timedelta(hours=1)
    assert plan.actions == (
        Action(
            id="bio-link",
            what="Shop link in the bio",
            due=dt.date(2026, 11, 20),
            owner="Dewi",
            goal="sales",
            done=dt.date(2026, 11, 18),
        ),
        Action(id="tasting", what="Film a tasting", due=dt.date(2026, 12, 15)),
    )
    assert plan.actions[1].source == Source(file="plan.toml", line=35, path="actions[1]")


# --- bad results --------------------------------------------------------------------------------


def test_bad_rows_are_each_located_with_a_fix(write_files: WriteFiles) -> None:
    """Locale numbers are refused with the way to write them; references get a did-you-mean."""
    assert problems(
        write_files,
        {
            "results/a.csv": "date,goal,item,metric,value\n"
            '2026-11-01,sales,,orders per week,"1,350"\n'
            "2026-11-02,sales,,orders per week,1.350\n"
            '2026-11-03,sales,,orders per week,"2,5"\n'
            "2026-11-04,sales,,order per week,12\n"
            "2026-11-05,sale,,orders per week,12\n"
            "2026-11-06,,gayo,reach,12\n"
            "2026-11-07,,,reach,12\n"
            "2026-11-31,sales,,orders per week,12\n"
            ",sales,,orders per week,\n"
            "2026-11-08,sales,,orders per week,lots\n",
        },
    ) == [
        "results/a.csv:2: value: '1,350' is not a plain number (write 1350; write numbers "
        "without thousands separators and with a dot for decimals)",
        "results/a.csv:3: value: '1.350' could be 1350 or 1.35 (write 1350 or 1.35; write "
        "numbers without thousands separators and with a dot for decimals)",
        "results/a.csv:4: value: '2,5' is not a plain number (write 2.5; write numbers "
        "without thousands separators and with a dot for decimals)",
        "results/a.csv:5: metric: goal 'sales' is measured in 'orders per week', not "
        "'order per week' (did you mean 'orders per week'?)",
        "results/a.csv:6: goal: unknown goal 'sale' (did you mean 'sales'?)",
        "results/a.csv:7: item: unknown item 'gayo' (did you mean 'gayo-ig'?)",
        "results/a.csv:8: goal: the row does not say what was measured (fill in goal, "
        "platform or item)",
        "results/a.csv:9: date: expected a date, got '2026-11-31' (write 2026-12-31, or "
        "2026-12-31T20:00 (brand's time) or 2026-12-31T13:00Z)",
        "results/a.csv:10: date: no date (write the day it was measured, e.g. 2026-12-31)",
        "results/a.csv:10: value: no value (write the measured number, e.g. 1350)",
        "results/a.csv:11: value: expected a number, got 'lots' (e.g. 1350 or 4.5)",
    ]


def test_a_bad_header(write_files: WriteFiles) -> None:
    """Unknown columns get a did-you-mean; missing ones say what the header needs."""
    assert problems(write_files, {"results/a.csv": "datum,goal,metrik,value\n"}) == [
        "results/a.csv:1: column 1: unknown column 'datum' (did you mean 'date'?)",
        "results/a.csv:1: column 3: unknown column 'metrik' (did you mean 'metric'?)",
        "results/a.csv:1: the results file has no 'date' or 'metric' column (the header needs "
        "date, metric, value and one of goal, platform, item)",
    ]
    assert problems(write_files, {"results/a.csv": "date,metric,value\n"}) == [
        "results/a.csv:1: the results file has no goal, platform or item column (add a column "
        "that says what was measured: goal, platform or item)",
    ]
    assert problems(write_files, {"results/a.csv": ""}) == [
        "results/a.csv: the results file is empty (add a header row: "
        "date,metric,value,goal,platform,item)",
    ]


def test_a_thousands_comma_in_a_comma_file_splits_the_row(write_files: WriteFiles) -> None:
    """1,350 unquoted in a ',' file is two cells: the message says how to write it."""
    assert problems(
        write_files,
        {"results/a.csv": "date,goal,metric,value\n2026-11-01,sales,orders per week,1,350\n"},
    ) == [
        "results/a.csv:2: row has 5 cells but the header has 4 columns (a number like 1,350 "
        "splits into two cells; write 1350)",
    ]


def test_bad_json_lines(write_files: WriteFiles) -> None:
    """Invalid JSON, a line that is not an object, an unknown key."""
    assert problems(
        write_files,
        {
            "results/a.jsonl": "{bad\n[1]\n"
            '{"date": "2026-11-01", "goal": "sales", "metric": "orders per week", "valeu": 1}\n'
        },
    ) == [
        "results/a.jsonl:1:2: invalid JSON: Expecting property name enclosed in double quotes "
        "(each line must be one JSON object)",
        'results/a.jsonl:2: a result must be a JSON object, got a list (write e.g. {"date": '
        '"2026-12-31", "item": "...", "metric": "reach", "value": 1350})',
        "results/a.jsonl:3: valeu: unknown key 'valeu' in a result (did you mean 'value'?)",
    ]


def test_bad_results_key(write_files: WriteFiles) -> None:
    """The results key: not a list, an empty entry, a file that is not there, a bad type."""

    def with_results(value: str) -> list[str]:
        text = PLAN.replace('results = ["results/*"]', f"results = {value}")
        with pytest.raises(PlanError) as error:
            load(write_files({"plan.toml": text, "notes.txt": "x"}))
        return [str(problem) for problem in error.value.problems]

    assert with_results("3") == [
        "plan.toml:1: results: results must be a list of file names, got a number (e.g. "
        'results = ["results/*.csv"])'
    ]
    assert with_results('["", "missing.csv", "notes.txt", "none/*.csv"]') == [
        "plan.toml:1: results[0]: a results entry must be a file name, a pattern or a table, "
        "got '' (e.g. results = [\"results/*.csv\"])",
        "plan.toml:1: results[1]: results file 'missing.csv' does not exist (looked for "
        "missing.csv; paths are relative to the plan file)",
        "plan.toml:1: results[2]: cannot read results from 'notes.txt': unknown file type "
        "(results files end in .csv or .jsonl (JSON lines))",
        "plan.toml:1: results[3]: results pattern 'none/*.csv' matches no results file "
        "(looked for none/*.csv; results files end in .csv or .jsonl)",
    ]
    assert with_results('[{ date = 2026-11-01, goal = "sales", metrc = "x", value = 1 }]') == [
        "plan.toml:1: results[0].metrc: unknown key 'metrc' in a result (did you mean 'metric'?)"
    ]
    assert with_results(
        '[{ date = 2026-11-01, goal = "sales", metric = "orders per week", value = "1.350" }]'
    ) == [
        "plan.toml:1: results[0].value: '1.350' could be 1350 or 1.35 (write 1350 or 1.35; "
        "write numbers without thousands separators and with a dot for decimals)"
    ]


def test_a_broken_item_is_reported_once_not_again_in_its_results(
    write_files: WriteFiles,
) -> None:
    """Regression: results naming an item with its own problem repeated it as unknown."""
    assert problems(
        write_files,
        {
            "plan.toml": PLAN + 'pillar = "edu"\n',
            "results/a.csv": "date,item,metric,value\n2026-11-01,gayo-ig,reach,1\n",
        },
    ) == [
        "plan.toml:23: items[0].pillar: item 'gayo-ig': unknown pillar 'edu' (did you mean "
        "'education'?)"
    ]


# --- bad actions and review ---------------------------------------------------------------------


def test_bad_actions(write_files: WriteFiles) -> None:
    """Every problem of every action, each at its key: nothing half-loaded."""
    text = (
        PLAN.replace('results = ["results/*"]\n', "")
        + '\n[[actions]]\nid = "a"\ngoal = "sale"\nwhat = "w"\ndue = "soon"\n'
        '\n[[actions]]\nid = "a"\nwhat = "w"\ndue = 2026-12-01\ndone = 2026-12-01T10:00:00\n'
        'colour = "red"\n'
        '\n[[actions]]\nwhat = "w"\n'
    )
    with pytest.raises(PlanError) as error:
        load(write_files({"plan.toml": text}))
    assert [str(problem) for problem in error.value.problems] == [
        "plan.toml:27: actions[0].due: expected a date, got 'soon' (write dates as YYYY-MM-DD, "
        "e.g. 2027-03-31)",
        "plan.toml:25: actions[0].goal: action 'a': unknown goal 'sale' (did you mean 'sales'?)",
        "plan.toml:33: actions[1].done: expected a date without a time (e.g. 2027-03-31)",
        "plan.toml:34: actions[1].colour: unknown key 'colour' in action 'a' (use one of: id, "
        "goal, what, owner, due, done)",
        "plan.toml:30: actions[1].id: duplicate action id 'a' (already used by actions[0]; ids "
        "must be unique)",
        "plan.toml:36: actions[2].id: actions[2] has no 'id' (add id = ...)",
        "plan.toml:36: actions[2].due: actions[2] has no 'due' (add due = ...)",
    ]


def test_actions_must_be_tables(write_files: WriteFiles) -> None:
    """actions = "..." instead of [[actions]]."""
    text = PLAN.replace('results = ["results/*"]', 'actions = "call Dewi"')
    with pytest.raises(PlanError) as error:
        load(write_files({"plan.toml": text}))
    assert [str(problem) for problem in error.value.problems] == [
        "plan.toml:1: actions: actions must be written as [[actions]] tables, got text (start "
        "each action with a line [[actions]])"
    ]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            'when = "every monday"',
            "plan.toml:24: review.when: no time in 'every monday' (add one or more 24-hour "
            'times after the days, e.g. "MO,WE,FR 19:00")',
        ),
        (
            'when = "FREQ=MONTHLY;BYDAY=1MO"',
            "plan.toml:24: review.when: RRULE 'FREQ=MONTHLY;BYDAY=1MO' gives no time of day "
            '(add BYHOUR (and BYMINUTE), e.g. "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0")',
        ),
        (
            'when = "MO 09:00"\nduraton = "1h"',
            "plan.toml:25: review.duraton: unknown key 'duraton' in [review] (did you mean "
            "'duration'?)",
        ),
        (
            'when = "MO 09:00"\nduration = "an hour"',
            "plan.toml:25: review.duration: expected a duration, got 'an hour' (write e.g. "
            '"90m", "2h", "1d", "1h30m" or "PT2H")',
        ),
        ('owner = "Dewi"', "plan.toml:23: review.when: [review] has no 'when' (add when = ...)"),
    ],
)
def test_bad_review(write_files: WriteFiles, table: str, expected: str) -> None:
    """[review]: its rhythm is read like a posting slot, with the slot's messages."""
    text = PLAN.replace('results = ["results/*"]\n', "") + f"\n[review]\n{table}\n"
    with pytest.raises(PlanError) as error:
        load(write_files({"plan.toml": text}))
    assert [str(problem) for problem in error.value.problems] == [expected]


def test_goal_start_must_be_a_date(write_files: WriteFiles) -> None:
    """start is a date like due."""
    text = PLAN.replace("start = 2026-10-01", 'start = "October"')
    with pytest.raises(PlanError) as error:
        load(write_files({"plan.toml": text, "results/a.csv": "date,goal,metric,value\n"}))
    assert [str(problem) for problem in error.value.problems] == [
        "plan.toml:12: goals.sales.start: expected a date, got 'October' (write dates as "
        "YYYY-MM-DD, e.g. 2027-03-31)"
    ]


def test_the_cli_shows_every_problem_and_exits_1(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """No traceback: each problem on stderr, a count, exit code 1."""
    plan = write_files(
        {
            "plan.toml": PLAN,
            "results/a.csv": 'date,goal,metric,value\n2026-11-01,sales,orders per week,"1,350"\n',
        }
    )
    result = runner.invoke(cli, ["review", str(plan), "--as-of", "2026-11-30"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: results/a.csv:2: value: '1,350' is not a plain number (write 1350; write "
        "numbers without thousands separators and with a dot for decimals)\n"
    )


def test_an_unknown_platform_gets_a_did_you_mean(write_files: WriteFiles) -> None:
    """Platforms are named by their id in the plan, like in item files."""
    assert problems(
        write_files,
        {"results/a.csv": "date,platform,metric,value\n2026-11-01,instgram,followers,500\n"},
    ) == ["results/a.csv:2: platform: unknown platform 'instgram' (did you mean 'instagram'?)"]


def test_a_metric_written_once_near_a_common_one_is_a_warning(write_files: WriteFiles) -> None:
    """'reech' once beside 'reach' twice: a did-you-mean, but the row still loads."""
    plan = load(
        write_files(
            {
                "plan.toml": PLAN,
                "results/a.csv": "date,item,metric,value\n2026-11-01,gayo-ig,reach,100\n"
                "2026-11-02,gayo-ig,reach,120\n2026-11-03,gayo-ig,reech,130\n"
                "2026-11-03,gayo-ig,shares,4\n",
            }
        )
    )
    assert len(plan.results) == 4
    assert [str(w) for w in plan.warnings] == [
        "results/a.csv:4: metric: metric 'reech' is used only here (did you mean 'reach'?)"
    ]


def test_review_events_must_be_true_or_false(write_files: WriteFiles) -> None:
    """[feeds] review_events takes true or false, unquoted."""
    text = PLAN.replace('results = ["results/*"]\n', "") + '\n[feeds]\nreview_events = "no"\n'
    with pytest.raises(PlanError) as error:
        load(write_files({"plan.toml": text}))
    assert [str(problem) for problem in error.value.problems] == [
        "plan.toml:24: feeds.review_events: expected true or false, got 'no' (write true or "
        "false, unquoted)"
    ]


def test_another_metric_of_a_goal_loads_but_does_not_count_toward_it(
    write_files: WriteFiles,
) -> None:
    """goal = sales with metric reach: kept (a supporting number), not the goal's progress."""
    plan = load(
        write_files(
            {
                "plan.toml": PLAN,
                "results/a.csv": "date,goal,metric,value\n2026-11-01,sales,website visits,300\n",
            }
        )
    )
    assert plan.results == (
        Result(date=dt.date(2026, 11, 1), metric="website visits", value=300, goal="sales"),
    )
    assert review(plan, as_of=dt.date(2026, 11, 30)).goals[0].latest is None


def test_a_broken_goal_is_reported_once_not_again_in_its_results(
    write_files: WriteFiles,
) -> None:
    """A goal without a statement is one problem; its results do not call it unknown."""
    text = PLAN.replace('statement = "Sell more coffee beans online"\n', "")
    assert problems(
        write_files,
        {
            "plan.toml": text,
            "results/a.csv": "date,goal,metric,value\n2026-11-01,sales,orders per week,11\n",
        },
    ) == [
        "plan.toml:7: goals.sales.statement: goal 'sales' has no 'statement' (add statement = ...)"
    ]


def test_results_files_are_held_to_the_files_limit_like_includes(write_files: WriteFiles) -> None:
    """include and results share one resolver: more results files than [limits] files is
    a located error naming the limit, not a silently shortened list."""
    header = "date,goal,metric,value\n"
    files = {
        f"results/{month}.csv": header + f"2026-{month}-01,sales,orders per week,11\n"
        for month in ("10", "11", "12")
    }
    limited = PLAN.replace("[brand]", "[limits]\nfiles = 2\n\n[brand]", 1)
    plan = write_files({"plan.toml": limited, **files})
    with pytest.raises(PlanError) as error:
        load(plan)
    assert [str(problem) for problem in error.value.problems] == [
        "plan.toml:1: results[0]: the results entries match more than 2 files "
        "(name fewer, larger files, or raise files in [limits])"
    ]
