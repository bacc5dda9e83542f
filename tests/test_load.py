"""Loading plans: the happy paths of every file format, and every class of bad input."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from contentcal import load
from contentcal.errors import PlanError, PlanFileNotFoundError, Problem
from contentcal.files.load import parse_duration
from contentcal.model import Media, Network, Status

from .conftest import EXAMPLE, MINIMAL_PLAN, WriteFiles

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")

ITEM = """
[[items]]
id = "{id}"
platform = "instagram"
pillar = "education"
goal = "sales"
title = "Roast day"
"""


def problems_of(path: object) -> list[Problem]:
    with pytest.raises(PlanError) as caught:
        load(str(path))
    return list(caught.value.problems)


def only_problem(path: object) -> Problem:
    problems = problems_of(path)
    assert len(problems) == 1, problems
    return problems[0]


# --- good input ------------------------------------------------------------------------------


def test_example_loads_with_every_part() -> None:
    """The bundled example has 3 platforms, 4 pillars, 2 goals and items from TOML and CSV."""
    plan = load(EXAMPLE)
    assert plan.brand.name == "Batik Cikarang"
    assert [p.id for p in plan.platforms] == ["instagram", "facebook", "whatsapp"]
    assert len(plan.pillars) == 4
    assert len(plan.goals) == 2
    assert len(plan.items) >= 30
    files = {item.source.file for item in plan.items if item.source}
    assert any(f.endswith("plan.toml") for f in files)
    assert any(f.endswith(".csv") for f in files)


def test_minimal_plan_gets_defaults(write_files: WriteFiles) -> None:
    """No pillars means the four of the method; network comes from the platform id."""
    plan = load(write_files({"plan.toml": MINIMAL_PLAN + ITEM.format(id="a")}))
    assert [p.id for p in plan.pillars] == [
        "communication",
        "collaboration",
        "education",
        "entertainment",
    ]
    platform = plan.platform("instagram")
    assert platform.network is Network.INSTAGRAM
    assert platform.timezone == "Asia/Jakarta"
    assert platform.respond_within == dt.timedelta(hours=2)
    item = plan.item("a")
    assert item.status is Status.APPROVED
    assert item.owner == "Dewi"  # the platform's owner
    assert item.source is not None
    assert (item.source.file, item.source.line) == ("plan.toml", 18)


def test_naive_times_are_local_to_the_platform_zone(write_files: WriteFiles) -> None:
    """A date-time without offset is wall time in the platform's zone, not the brand's."""
    plan_text = MINIMAL_PLAN + 'timezone = "Europe/Berlin"\n' + ITEM.format(id="a")
    plan_text += "at = 2026-12-02T19:00:00\n"
    plan = load(write_files({"plan.toml": plan_text}))
    at = plan.item("a").at
    assert isinstance(at, dt.datetime)
    assert at.astimezone(dt.UTC) == dt.datetime(2026, 12, 2, 18, 0, tzinfo=dt.UTC)


def test_offsets_and_dates_are_kept(write_files: WriteFiles) -> None:
    """An explicit offset wins over the zone; a bare date is an all-day item."""
    text = MINIMAL_PLAN + ITEM.format(id="a") + 'at = "2026-12-02T12:00Z"\n'
    text += ITEM.format(id="b") + "at = 2026-12-03\n"
    plan = load(write_files({"plan.toml": text}))
    assert plan.item("a").at == dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    assert plan.item("b").at == dt.date(2026, 12, 3)


def test_csv_from_a_spreadsheet(write_files: WriteFiles) -> None:
    """BOM, semicolons, multi-line quoted cells, header in any case, empty cells unset."""
    csv_bytes = (
        "\ufeffID;Platform;Title;Pillar;Goal;Copy;Media;At;Tags\r\n"
        'b1;instagram;First;education;sales;"Line one;\r\nline ""two""";carousel;'
        "2026-12-04 19:00;kopi, roast\r\n"
        "b2;instagram;Second;;sales;;;;\r\n"
    ).encode()
    plan = load(
        write_files(
            {
                "plan.toml": 'include = ["items/*.csv"]\n' + MINIMAL_PLAN,
                "items/batch.csv": csv_bytes,
            }
        )
    )
    first, second = plan.item("b1"), plan.item("b2")
    assert first.copy == 'Line one;\r\nline "two"'
    assert first.media is Media.CAROUSEL
    assert first.tags == ("kopi", "roast")
    assert first.at == dt.datetime(2026, 12, 4, 19, 0, tzinfo=JAKARTA)
    assert (second.pillar, second.media, second.at) == (None, None, None)
    assert second.source is not None
    assert second.source.line == 4


def test_jsonl_and_toml_includes_keep_plan_order(write_files: WriteFiles) -> None:
    """Items come in plan order: the plan's own, then each include in the listed order."""
    plan = load(
        write_files(
            {
                "plan.toml": 'include = ["bulk.jsonl", "extra.toml"]\n'
                + MINIMAL_PLAN
                + ITEM.format(id="own"),
                "bulk.jsonl": '{"id": "j1", "platform": "instagram", "title": "J"}\n\n'
                '{"id": "j2", "platform": "instagram", "title": "K", "tags": ["x"]}\n',
                "extra.toml": ITEM.format(id="t1"),
            }
        )
    )
    assert [item.id for item in plan.items] == ["own", "j1", "j2", "t1"]
    j2 = plan.item("j2")
    assert j2.tags == ("x",)
    assert j2.source is not None
    assert j2.source.line == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", dt.timedelta(minutes=90)),
        ("2h", dt.timedelta(hours=2)),
        ("1d", dt.timedelta(days=1)),
        ("1h30m", dt.timedelta(hours=1, minutes=30)),
        ("PT2H", dt.timedelta(hours=2)),
        ("P1DT30M", dt.timedelta(days=1, minutes=30)),
        ("1w", dt.timedelta(weeks=1)),
    ],
)
def test_durations(text: str, expected: dt.timedelta) -> None:
    """Every documented duration form parses to the expected length."""
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "2", "PT", "P", "two hours", "2x", "1h-30m"])
def test_bad_durations_raise(text: str) -> None:
    """Anything else is rejected, never guessed."""
    with pytest.raises(ValueError, match="unknown duration"):
        parse_duration(text)


# --- bad input: one test per class -------------------------------------------------------------


def test_malformed_toml_names_line_and_column(write_files: WriteFiles) -> None:
    """A TOML syntax error reports file, line and column."""
    problem = only_problem(write_files({"plan.toml": '[brand]\nname = "x\ntimezone = 1\n'}))
    assert (problem.file, problem.line, problem.column) == ("plan.toml", 2, 10)
    assert problem.message.startswith("invalid TOML: ")
    assert problem.code == "syntax-error"


def test_malformed_csv_names_the_row(write_files: WriteFiles) -> None:
    """An unterminated quote in CSV points at the row where it starts."""
    problems = problems_of(
        write_files(
            {
                "plan.toml": 'include = ["a.csv"]\n' + MINIMAL_PLAN,
                "a.csv": 'id,platform,title\nx,instagram,ok\ny,instagram,"broken\n',
            }
        )
    )
    assert [(p.file, p.line, p.code) for p in problems] == [("a.csv", 3, "syntax-error")]
    assert "invalid CSV" in problems[0].message


def test_malformed_json_line(write_files: WriteFiles) -> None:
    """A broken JSON line is reported with line and column; the other lines still load."""
    problems = problems_of(
        write_files(
            {
                "plan.toml": 'include = ["a.jsonl"]\n' + MINIMAL_PLAN,
                "a.jsonl": '{"id": "x", "platform": "instagram", "title": "X"}\n{"id": \n',
            }
        )
    )
    assert [(p.file, p.line, p.column) for p in problems] == [("a.jsonl", 2, 8)]
    assert problems[0].message.startswith("invalid JSON: ")


def test_unknown_key_suggests_the_right_one(write_files: WriteFiles) -> None:
    """A typo in a key gets a did-you-mean and the key's own line."""
    text = MINIMAL_PLAN + ITEM.format(id="a") + 'pilar = "education"\n'
    problem = only_problem(write_files({"plan.toml": text}))
    assert str(problem) == (
        "plan.toml:24: items[0].pilar: unknown key 'pilar' in item 'a' (did you mean 'pillar'?)"
    )


def test_unknown_csv_column(write_files: WriteFiles) -> None:
    """A CSV column that is not an item field is named with its position."""
    problem = only_problem(
        write_files(
            {
                "plan.toml": 'include = ["a.csv"]\n' + MINIMAL_PLAN,
                "a.csv": "id,platform,title,tittle\nx,instagram,X,\n",
            }
        )
    )
    assert str(problem) == "a.csv:1: column 4: unknown column 'tittle' (did you mean 'title'?)"


def test_wrong_type(write_files: WriteFiles) -> None:
    """A value of the wrong type says what was expected and what came."""
    text = MINIMAL_PLAN.replace("target = 25", 'target = "lots"')
    problem = only_problem(write_files({"plan.toml": text}))
    assert (problem.line, problem.path) == (9, "goals.sales.target")
    assert problem.message == "expected a number, got 'lots'"


def test_missing_required_field(write_files: WriteFiles) -> None:
    """An item without a title is reported at the item with the field's path."""
    text = MINIMAL_PLAN + ITEM.format(id="a").replace('title = "Roast day"\n', "")
    problem = only_problem(write_files({"plan.toml": text}))
    assert str(problem) == (
        "plan.toml:18: items[0].title: item 'a' has no 'title' (add title = ...)"
    )


@pytest.mark.parametrize(
    ("field", "value", "message", "hint"),
    [
        ("platform", "instagam", "unknown platform 'instagam'", "did you mean 'instagram'?"),
        ("pillar", "edu", "unknown pillar 'edu'", "did you mean 'education'?"),
        ("goal", "sale", "unknown goal 'sale'", "did you mean 'sales'?"),
    ],
)
def test_unknown_reference(
    write_files: WriteFiles, field: str, value: str, message: str, hint: str
) -> None:
    """Items must point at a platform, pillar and goal the plan defines."""
    text = MINIMAL_PLAN + ITEM.format(id="a").replace(f'{field} = "', f'{field} = "{value}" #', 1)
    problem = only_problem(write_files({"plan.toml": text}))
    assert problem.message == f"item 'a': {message}"
    assert problem.hint == hint
    assert problem.path == f"items[0].{field}"
    assert problem.code == "unknown-reference"


def test_duplicate_id_across_files(write_files: WriteFiles) -> None:
    """The second use of an id is reported and points back at the first."""
    problem = only_problem(
        write_files(
            {
                "plan.toml": 'include = ["more.csv"]\n' + MINIMAL_PLAN + ITEM.format(id="dup"),
                "more.csv": "id,platform,title\nok,instagram,X\ndup,instagram,Y\n",
            }
        )
    )
    assert (problem.file, problem.line, problem.path) == ("more.csv", 3, "items[1].id")
    assert problem.hint == "already used at plan.toml:19; ids must be unique across all files"


def test_invalid_time_zone(write_files: WriteFiles) -> None:
    """A wrong zone name gets a close IANA name as the hint."""
    text = MINIMAL_PLAN.replace("Asia/Jakarta", "Asia/Jakrta")
    problem = only_problem(write_files({"plan.toml": text}))
    assert str(problem) == (
        "plan.toml:3: brand.timezone: unknown time zone 'Asia/Jakrta' "
        "(did you mean 'Asia/Jakarta'?)"
    )


def test_unparsable_date_and_duration(write_files: WriteFiles) -> None:
    """Both problems are reported in one run, each at its own line."""
    text = MINIMAL_PLAN.replace("due = 2027-06-30", 'due = "30/06/2027"').replace(
        'respond_within = "2h"', 'respond_within = "two hours"'
    )
    problems = problems_of(write_files({"plan.toml": text}))
    assert [(p.line, p.path, p.message) for p in problems] == [
        (10, "goals.sales.due", "expected a date, got '30/06/2027'"),
        (15, "platforms.instagram.respond_within", "expected a duration, got 'two hours'"),
    ]
    assert problems[1].hint == 'write e.g. "90m", "2h", "1d", "1h30m" or "PT2H"'


def test_unparsable_item_time(write_files: WriteFiles) -> None:
    """A bad `at` in a CSV row names the row's line and the item."""
    problem = only_problem(
        write_files(
            {
                "plan.toml": 'include = ["a.csv"]\n' + MINIMAL_PLAN,
                "a.csv": "id,platform,title,at\nx,instagram,X,2026-13-01 19:00\n",
            }
        )
    )
    assert (problem.file, problem.line, problem.path) == ("a.csv", 2, "items[0].at")
    assert problem.message == "item 'x': not a real date or time: '2026-13-01 19:00'"


def test_missing_include_and_empty_glob(write_files: WriteFiles) -> None:
    """A missing file and a pattern that matches nothing are both reported."""
    text = 'include = ["nope.csv", "items/*.csv"]\n' + MINIMAL_PLAN
    problems = problems_of(write_files({"plan.toml": text}))
    assert [(p.line, p.path, p.message) for p in problems] == [
        (1, "include[0]", "included file 'nope.csv' does not exist"),
        (1, "include[1]", "include pattern 'items/*.csv' matches no item file"),
    ]


def test_missing_plan_file(write_files: WriteFiles) -> None:
    """A plan that does not exist raises the FileNotFoundError-compatible PlanError."""
    write_files({"other.toml": ""})
    with pytest.raises(PlanFileNotFoundError) as caught:
        load("plan.toml")
    assert isinstance(caught.value, FileNotFoundError)
    assert (
        str(caught.value)
        == "plan.toml: plan file not found (check the path; a plan is a .toml file)"
    )


def test_bad_slot_is_located(write_files: WriteFiles) -> None:
    """A cadence string that does not parse is located at its index in slots."""
    text = MINIMAL_PLAN.replace('slots = ["MO,WE,FR 19:00"]', 'slots = ["MO 19:00", "MX 19:00"]')
    problem = only_problem(write_files({"plan.toml": text}))
    assert (problem.line, problem.path, problem.code) == (
        16,
        "platforms.instagram.slots[1]",
        "bad-slot",
    )
    assert "MX" in problem.message
    assert problem.hint is not None
    assert "MO,WE,FR 19:00" in problem.hint


def test_invalid_utf8(write_files: WriteFiles) -> None:
    """A Latin-1 spreadsheet export gets a hint to save as UTF-8."""
    problem = only_problem(
        write_files(
            {
                "plan.toml": 'include = ["a.csv"]\n' + MINIMAL_PLAN,
                "a.csv": b"id,platform,title\nx,instagram,Caf\xe9\n",
            }
        )
    )
    assert (problem.file, problem.line, problem.code) == ("a.csv", 2, "bad-encoding")
    assert problem.hint == "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')"


def test_every_problem_is_collected(write_files: WriteFiles) -> None:
    """Loading does not stop at the first problem: all of them come back at once."""
    text = (
        MINIMAL_PLAN.replace("Asia/Jakarta", "Nowhere/City")
        + ITEM.format(id="a").replace("education", "edu")
        + ITEM.format(id="a")
        + "colour = 1\n"
    )
    codes = [p.code for p in problems_of(write_files({"plan.toml": text}))]
    assert sorted(codes) == ["duplicate-id", "plan-invalid", "unknown-key", "unknown-reference"]


def test_plan_error_message_counts_the_rest(write_files: WriteFiles) -> None:
    """str(PlanError) is the first problem plus how many more there are."""
    text = MINIMAL_PLAN + ITEM.format(id="a") + "x = 1\ny = 2\n"
    with pytest.raises(PlanError, match=r"\(and 1 more problem\)$"):
        load(str(write_files({"plan.toml": text})))


def test_brand_id_is_optional_and_loaded(write_files: WriteFiles) -> None:
    """[brand] id names the brand in feed UIDs; without it the model has None (issue #16)."""
    assert load(write_files({"plan.toml": MINIMAL_PLAN})).brand.id is None
    text = MINIMAL_PLAN.replace('name = "Toko Kopi"', 'name = "Toko Kopi"\nid = "toko-kopi"')
    assert load(write_files({"plan.toml": text})).brand.id == "toko-kopi"
