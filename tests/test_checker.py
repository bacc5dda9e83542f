"""The check engine: choosing and configuring rules, suppressing findings, exit codes, output.

The rules themselves are tested in ``test_rules.py``; here the plan is mostly the docs' demo
of the field study's mistakes (``docs/examples/rules-demo/plan.toml``), whose findings are
pinned in :data:`DEMO_RULES`.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from contentcal import load
from contentcal.checking import engine, similarity
from contentcal.checking.engine import (
    LOAD_CODES,
    CheckConfig,
    CheckReport,
    Finding,
    check,
    check_file,
    render_json,
    render_text,
)
from contentcal.checking.rules import RULES, Thresholds
from contentcal.checking.similarity import DEFAULT_THRESHOLD
from contentcal.cli import cli
from contentcal.errors import PlanError, Severity

from .conftest import EXAMPLE, MINIMAL_PLAN, NOW, REPO, WriteFiles

DEMO = REPO / "docs" / "examples" / "rules-demo" / "plan.toml"
RULES_PAGE = REPO / "docs" / "rules.md"
FIXTURES = Path(__file__).parent / "fixtures" / "rules"
NOW_OPTION = ("--now", "2026-11-30T08:00")

DEMO_RULES = [
    "review-missing",
    "goal-not-smart",
    "personal-account",
    "platform-without-response-time",
    "posting-gap",
    "cadence-not-met",
    "too-many-platforms-per-owner",
    "posting-gap",
    "cadence-not-met",
    "same-copy-across-platforms",
    "missing-goal",
]
"""The rules the demo plan breaks at NOW, in output order (file, line, item, code)."""


def demo(write_files: WriteFiles, check_table: str = "") -> Path:
    """The demo plan as ``plan.toml`` in a temp dir, with an optional ``[check]`` table."""
    return write_files({"plan.toml": DEMO.read_text(encoding="utf-8") + check_table})


def rules_in(runner: CliRunner, plan: Path, *options: str) -> list[str]:
    """The rule of each finding `contentcal check` prints as JSON, in output order."""
    result = runner.invoke(cli, ["check", str(plan), *NOW_OPTION, "--format", "json", *options])
    assert result.stderr == ""
    return [finding["rule"] for finding in json.loads(result.stdout)]


# --- selecting rules ---------------------------------------------------------------------------


def test_the_demo_breaks_its_rules(runner: CliRunner, write_files: WriteFiles) -> None:
    """Without options every rule runs (the baseline of the selection tests below)."""
    assert rules_in(runner, demo(write_files)) == DEMO_RULES


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--select", "missing-goal"], ["missing-goal"]),
        (["--select", "CC101"], ["missing-goal"]),
        (
            ["--select", "CC206", "--select", "personal-account"],
            ["personal-account", "cadence-not-met", "cadence-not-met"],
        ),
        (
            ["--ignore", "posting-gap", "--ignore", "CC206"],
            [
                "review-missing",
                "goal-not-smart",
                "personal-account",
                "platform-without-response-time",
                "too-many-platforms-per-owner",
                "same-copy-across-platforms",
                "missing-goal",
            ],
        ),
        (["--select", "CC205", "--ignore", "posting-gap"], []),
    ],
)
def test_select_and_ignore_on_the_command_line(
    runner: CliRunner, write_files: WriteFiles, options: list[str], expected: list[str]
) -> None:
    """--select and --ignore take names or codes, repeat, and --ignore wins over --select."""
    assert rules_in(runner, demo(write_files), *options) == expected


def test_the_check_table_selects_ignores_and_adds_to_the_command_line(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """``[check] select``/``ignore`` work like the options; the options add to them."""
    plan = demo(write_files, '\n[check]\nselect = ["CC205", "missing-goal"]\nignore = ["CC101"]\n')
    assert rules_in(runner, plan) == ["posting-gap", "posting-gap"]
    assert rules_in(runner, plan, "--select", "personal-account") == [
        "personal-account",
        "posting-gap",
        "posting-gap",
    ]


def test_severity_can_be_changed_per_rule_by_name_or_code(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """``severity = {...}`` turns posting gaps into notes and personal accounts into errors."""
    plan = demo(
        write_files,
        '\n[check]\nselect = ["posting-gap", "personal-account"]\n'
        'severity = { "posting-gap" = "info", "CC114" = "error" }\n',
    )
    result = runner.invoke(cli, ["check", str(plan), *NOW_OPTION])
    assert result.exit_code == 1
    assert result.stdout == (
        "plan.toml:20: platforms.facebook: error: platform 'facebook' is a personal account "
        "(move the business to a business account; keep personal and business apart) "
        "[personal-account]\n"
        "plan.toml:28: platforms.x: info: nothing is planned on 'x' for 28 days after "
        "2026-11-30 (plan content for the gap, or post less often but regularly) [posting-gap]\n"
        "plan.toml:33: platforms.tiktok: info: nothing is planned on 'tiktok' for 22 days after "
        "2026-12-05 (plan content for the gap, or post less often but regularly) [posting-gap]\n"
        "\n"
        "plan.toml: 1 error, 0 warnings, 2 notes in 8 items on 4 platforms\n"
    )


def test_notes_never_fail_a_check_even_with_strict(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """A rule turned down to info is reported but fails neither check nor check --strict."""
    plan = demo(write_files, '\n[check]\nselect = ["posting-gap"]\nseverity = { CC205 = "info" }\n')
    for options in ([], ["--strict"]):
        result = runner.invoke(cli, ["check", str(plan), *NOW_OPTION, *options])
        assert result.exit_code == 0, options
        assert result.stdout.endswith(
            "plan.toml: 0 errors, 0 warnings, 2 notes in 8 items on 4 platforms\n"
        )


# --- thresholds --------------------------------------------------------------------------------


def test_thresholds_in_the_check_table(write_files: WriteFiles) -> None:
    """``repeat_days = 7``: the same Instagram text 30 days later is no longer a repeat."""
    text = (FIXTURES / "repeated-copy-on-platform.toml").read_text(encoding="utf-8")
    text += '\n[check]\nselect = ["repeated-copy-on-platform"]\n'
    plan = load(write_files({"plan.toml": text}))
    assert [finding.rule for finding in check(plan, now=NOW)] == ["repeated-copy-on-platform"]
    plan = load(write_files({"plan.toml": text + "repeat_days = 7\n"}))
    assert check(plan, now=NOW) == []
    assert plan.check_settings.thresholds == Thresholds(repeat_days=7)
    config = CheckConfig.from_settings(plan.check_settings)
    assert config.thresholds == Thresholds(repeat_days=7)


@pytest.mark.parametrize(
    ("threshold", "found"),
    [("0.9", ["near-duplicate-across-platforms"]), ("0.95", [])],
)
def test_near_duplicate_threshold_in_the_check_table(
    write_files: WriteFiles, threshold: str, found: list[str]
) -> None:
    """The 94% pair is a near-duplicate from 0.9 and not at 0.95; keys may use dashes."""
    text = (FIXTURES / "near-duplicate-across-platforms.toml").read_text(encoding="utf-8")
    plan = load(write_files({"plan.toml": text + f"\n[check]\nnear-duplicate = {threshold}\n"}))
    config = CheckConfig.from_settings(
        plan.check_settings, select=["near-duplicate-across-platforms"]
    )
    assert [finding.rule for finding in check(plan, now=NOW, config=config)] == found


def test_every_threshold_has_a_default_and_a_docstring() -> None:
    """The thresholds table in docs/rules.md is built from these; none may be undocumented."""
    for field in attrs.fields(Thresholds):
        assert isinstance(field.default, int | float), field.name
    assert Thresholds() == Thresholds(
        near_duplicate=0.0,
        mirrored_share=0.5,
        repeat_days=30,
        pillar_tolerance=0.10,
        platforms_per_owner=3,
        cadence_fill=0.5,
        posting_gap_days=14,
        window_days=28,
    )


# --- bad configuration -------------------------------------------------------------------------

BAD_CHECK_TABLE = """
[check]
select = ["missing-goal", "mising-pillar"]
ignore = "CC999"
severity = { "posting-gapp" = "info", "cadence-not-met" = "fatal" }
repeat_day = 7
near_duplicate = "high"
"""


def test_unknown_rules_and_keys_in_the_check_table_are_located(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """Each mistake in ``[check]`` is a finding with its line, key path and a did-you-mean."""
    plan = write_files({"plan.toml": MINIMAL_PLAN + BAD_CHECK_TABLE})
    result = runner.invoke(cli, ["check", str(plan), *NOW_OPTION])
    assert result.exit_code == 1
    assert result.stdout == (
        "plan.toml:19: check.select: error: unknown rule 'mising-pillar' "
        "(did you mean 'missing-pillar'?) [unknown-key]\n"
        "plan.toml:20: check.ignore: error: unknown rule 'CC999' "
        "(see docs/rules.md for every rule's name and code) [unknown-key]\n"
        "plan.toml:21: check.severity.posting-gapp: error: unknown rule 'posting-gapp' "
        "(did you mean 'posting-gap'?) [unknown-key]\n"
        "plan.toml:21: check.severity.cadence-not-met: error: unknown severity 'fatal' "
        "(use error, warning or info) [plan-invalid]\n"
        "plan.toml:22: check.repeat_day: error: unknown key 'repeat_day' in [check] "
        "(did you mean 'repeat_days'?) [unknown-key]\n"
        "plan.toml:23: check.near_duplicate: error: check.near_duplicate must be a number "
        "from 0 to 1, got 'high' (the default is 0.0) [plan-invalid]\n"
        "\n"
        "plan.toml: 6 errors, 0 warnings; the plan could not be loaded\n"
    )
    assert result.stderr == ""


def test_unknown_rule_on_the_command_line_is_a_usage_error(runner: CliRunner) -> None:
    """--select/--ignore with a rule that does not exist: exit 2, one line on stderr."""
    for option in ("--select", "--ignore"):
        result = runner.invoke(cli, ["check", str(EXAMPLE), *NOW_OPTION, option, "posting-gapp"])
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"error: {option}: unknown rule 'posting-gapp'; did you mean 'posting-gap'?\n"
        )


def test_check_table_problems_have_load_codes(write_files: WriteFiles) -> None:
    """In JSON, an unknown rule is CC005 like any unknown key; a bad value is CC007."""
    plan = write_files({"plan.toml": MINIMAL_PLAN + BAD_CHECK_TABLE})
    report = check_file(plan, now=NOW)
    assert {(f.rule, f.code) for f in report.findings} == {
        ("unknown-key", "CC005"),
        ("plan-invalid", "CC007"),
    }
    assert (report.items, report.platforms) == (None, None)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "window_days = -1",
            "check.window_days must be a whole number of days from 1 to 3660, got -1",
        ),
        (
            "window_days = 0",
            "check.window_days must be a whole number of days from 1 to 3660, got 0",
        ),
        (
            "repeat_days = 7.5",
            "check.repeat_days must be a whole number of days from 0 to 3660, got 7.5",
        ),
        (
            "posting_gap_days = 1e10",
            "check.posting_gap_days must be a whole number of days from 0 to 3660, "
            "got 10000000000.0",
        ),
        (
            "platforms_per_owner = 2.5",
            "check.platforms_per_owner must be a whole number, 0 or more, got 2.5",
        ),
        (
            "platforms_per_owner = true",
            "check.platforms_per_owner must be a whole number, 0 or more, got True",
        ),
        ("near_duplicate = 5", "check.near_duplicate must be a number from 0 to 1, got 5"),
        ("cadence_fill = nan", "check.cadence_fill must be a number from 0 to 1, got nan"),
        (
            'mirrored_share = "half"',
            "check.mirrored_share must be a number from 0 to 1, got 'half'",
        ),
    ],
)
def test_bad_threshold_values_are_rejected_not_guessed(
    write_files: WriteFiles, setting: str, message: str
) -> None:
    """Out of range, fractional where whole, or not a number: a located problem, never a crash."""
    plan = write_files({"plan.toml": MINIMAL_PLAN + f"\n[check]\n{setting}\n"})
    [finding] = check_file(plan, now=NOW).findings
    key = setting.split(" ")[0]
    assert (finding.message, finding.path, finding.line) == (message, f"check.{key}", 19)


@pytest.mark.parametrize(
    ("setting", "thresholds"),
    [
        ("repeat_days = 7.0", Thresholds(repeat_days=7)),
        ("window_days = 3660", Thresholds(window_days=3660)),
        ("cadence_fill = 1", Thresholds(cadence_fill=1.0)),
        ("platforms_per_owner = 0", Thresholds(platforms_per_owner=0)),
    ],
)
def test_threshold_values_at_the_edges_are_accepted(
    write_files: WriteFiles, setting: str, thresholds: Thresholds
) -> None:
    """A whole float is a whole number; the ends of each range are inside it."""
    plan = load(write_files({"plan.toml": MINIMAL_PLAN + f"\n[check]\n{setting}\n"}))
    config = CheckConfig.from_settings(plan.check_settings)
    assert config.thresholds == thresholds
    assert type(config.thresholds.repeat_days) is int


def test_a_bad_check_table_is_a_load_error(write_files: WriteFiles) -> None:
    """``[check]`` is converted when the plan loads, located like every other table (#16)."""
    path = write_files({"plan.toml": MINIMAL_PLAN + '\n[check]\nselect = "nope"\n'})
    with pytest.raises(PlanError) as caught:
        load(path)
    assert [str(problem) for problem in caught.value.problems] == [
        "plan.toml:19: check.select: unknown rule 'nope' "
        "(see docs/rules.md for every rule's name and code)"
    ]


# --- per-item suppression ----------------------------------------------------------------------

NEAR_DUPLICATES = """
[platforms.facebook]
owner = "Budi"
purpose = "Reach parents and community groups"
respond_within = "4h"
slots = ["TU,TH 12:00"]

[[items]]
id = "gayo-ig"
platform = "instagram"
pillar = "education"
goal = "sales"
title = "Gayo"
media = "image"
copy = "Our new Gayo roast is here! Fruity, bright and roasted fresh every Monday. Order now."

[[items]]
id = "gayo-fb"
platform = "facebook"
goal = "sales"
title = "Gayo"
copy = "Our new Gayo roast is here! Fruity, bright and roasted fresh every Monday. Order today."
{ignore}
[[items]]
id = "toraja-ig"
platform = "instagram"
pillar = "education"
goal = "sales"
title = "Toraja"
media = "image"
copy = "Toraja, roasted dark for slow Sunday mornings. Swipe to see the beans after the roaster."

[[items]]
id = "toraja-fb"
platform = "facebook"
pillar = "education"
goal = "sales"
title = "Toraja"
copy = "Toraja, roasted dark for slow Sunday mornings. Swipe to see the beans after roasting."
"""
ITEM_RULES = ["missing-pillar", "near-duplicate-across-platforms"]


def item_findings(write_files: WriteFiles, ignore: str) -> list[tuple[str | None, str]]:
    """(item, rule) of the per-item findings of the near-duplicates plan."""
    plan = load(write_files({"plan.toml": MINIMAL_PLAN + NEAR_DUPLICATES.format(ignore=ignore)}))
    config = CheckConfig(select=frozenset(ITEM_RULES))
    return [(f.item, f.rule) for f in check(plan, now=NOW, config=config)]


def test_without_ignore_both_pairs_are_reported(write_files: WriteFiles) -> None:
    """The baseline: two near-duplicate pairs, and gayo-fb also lacks a pillar."""
    assert item_findings(write_files, "") == [
        ("gayo-fb", "missing-pillar"),
        ("gayo-fb", "near-duplicate-across-platforms"),
        ("toraja-fb", "near-duplicate-across-platforms"),
    ]


@pytest.mark.parametrize("rule", ["near-duplicate-across-platforms", "CC402"])
def test_an_item_ignores_exactly_the_rule_it_names(write_files: WriteFiles, rule: str) -> None:
    """``ignore = [...]`` with a reason silences that rule for that item, nothing else."""
    ignore = f'ignore = ["{rule}"]\nignore_reason = "the partner page wants the same words"\n'
    assert item_findings(write_files, ignore) == [
        ("gayo-fb", "missing-pillar"),
        ("toraja-fb", "near-duplicate-across-platforms"),
    ]


def test_a_pair_is_silenced_on_the_item_the_finding_names(write_files: WriteFiles) -> None:
    """The finding is on the later item of a pair; ignoring on the earlier one changes nothing."""
    text = MINIMAL_PLAN + NEAR_DUPLICATES.format(ignore="").replace(
        'copy = "Our new Gayo roast is here! Fruity, bright and roasted fresh every Monday. '
        'Order now."',
        'copy = "Our new Gayo roast is here! Fruity, bright and roasted fresh every Monday. '
        'Order now."\nignore = ["near-duplicate-across-platforms"]',
    )
    plan = load(write_files({"plan.toml": text}))
    config = CheckConfig(select=frozenset(ITEM_RULES))
    assert [f.item for f in check(plan, now=NOW, config=config)] == [
        "gayo-fb",
        "gayo-fb",
        "toraja-fb",
    ]


# --- exit codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("check_table", "options", "exit_code"),
    [
        ("", [], 1),  # errors
        ('\n[check]\nselect = ["posting-gap"]\n', [], 0),  # warnings only
        ('\n[check]\nselect = ["posting-gap"]\n', ["--strict"], 1),  # warnings, strict
        ('\n[check]\nselect = ["no-slots"]\n', ["--strict"], 0),  # nothing found
    ],
)
def test_exit_codes(
    runner: CliRunner,
    write_files: WriteFiles,
    check_table: str,
    options: list[str],
    exit_code: int,
) -> None:
    """1 on errors; 0 on warnings only; 1 on warnings with --strict; 0 when all is well."""
    result = runner.invoke(
        cli, ["check", str(demo(write_files, check_table)), *NOW_OPTION, *options]
    )
    assert result.exit_code == exit_code
    assert result.stderr == ""


def test_a_plan_that_does_not_load_fails_with_its_problems_on_stdout(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """Load problems are findings too: exit 1, even when every rule is ignored."""
    plan = write_files({"plan.toml": MINIMAL_PLAN.replace('"2h"', '"soon"')})
    result = runner.invoke(cli, ["check", str(plan), "--ignore", "CC101"])
    assert result.exit_code == 1
    assert result.stdout.endswith("plan.toml: 1 error, 0 warnings; the plan could not be loaded\n")


# --- output ------------------------------------------------------------------------------------


def test_json_is_a_sorted_list_with_the_stable_keys(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """Each finding has exactly the documented keys, sorted; the list is in output order."""
    plan = demo(write_files)
    result = runner.invoke(
        cli,
        [
            "check",
            str(plan),
            *NOW_OPTION,
            "--format",
            "json",
            "--select",
            "CC101",
            "--select",
            "CC114",
        ],
    )
    assert result.exit_code == 1
    assert result.stdout == (
        json.dumps(
            [
                {
                    "code": "CC114",
                    "column": None,
                    "file": "plan.toml",
                    "hint": "move the business to a business account; keep personal and business "
                    "apart",
                    "item": None,
                    "line": 20,
                    "message": "platform 'facebook' is a personal account",
                    "path": "platforms.facebook",
                    "platform": "facebook",
                    "rule": "personal-account",
                    "severity": "warning",
                },
                {
                    "code": "CC101",
                    "column": None,
                    "file": "plan.toml",
                    "hint": "add goal = ... (goals: famous)",
                    "item": "latte-art-ig",
                    "line": 76,
                    "message": "item 'latte-art-ig' serves no goal",
                    "path": "items[4]",
                    "platform": "instagram",
                    "rule": "missing-goal",
                    "severity": "error",
                },
            ],
            indent=2,
        )
        + "\n"
    )


def test_text_groups_findings_by_file_and_ends_with_a_summary(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """Findings in an included CSV point at its row; a blank line separates the files."""
    plan = write_files(
        {
            "plan.toml": 'include = ["items/*.csv"]\n' + MINIMAL_PLAN + "\n[platforms.facebook]\n",
            "items/december.csv": "id,platform,title,pillar,goal,media\n"
            "roast-day,instagram,Roast day,education,sales,image\n"
            "brew-guide,instagram,Brew guide,education,,image\n",
        }
    )
    result = runner.invoke(
        cli, ["check", str(plan), *NOW_OPTION, "--select", "missing-goal", "--select", "CC111"]
    )
    assert result.exit_code == 1
    assert result.stdout == (
        "items/december.csv:3: items[1]: error: item 'brew-guide' serves no goal "
        "(add goal = ... (goals: sales)) [missing-goal]\n"
        "\n"
        "plan.toml:19: platforms.facebook: warning: platform 'facebook' has no owner "
        '(add owner = "..." — one person who keeps it up to date) [platform-without-owner]\n'
        "\n"
        "plan.toml: 1 error, 1 warning in 2 items on 2 platforms\n"
    )


def test_a_clean_plan_prints_only_the_summary(runner: CliRunner, write_files: WriteFiles) -> None:
    """Nothing found: one line, exit 0."""
    plan = demo(write_files, '\n[check]\nselect = ["no-slots"]\n')
    result = runner.invoke(cli, ["check", str(plan), *NOW_OPTION])
    assert (result.exit_code, result.stdout) == (
        0,
        "plan.toml: 0 errors, 0 warnings in 8 items on 4 platforms\n",
    )


def test_findings_sort_by_file_line_item_and_code() -> None:
    """The order does not depend on rule order: file, line, item, code, message."""

    def finding(code: str, file: str, line: int | None, item: str | None = None) -> Finding:
        return Finding(
            code=code,
            rule="r",
            severity=Severity.ERROR,
            message="m",
            file=file,
            line=line,
            item=item,
        )

    expected = [
        finding("CC301", "a.csv", 3, "b"),
        finding("CC101", "plan.toml", None),
        finding("CC101", "plan.toml", 9, "a"),
        finding("CC102", "plan.toml", 9, "a"),
        finding("CC101", "plan.toml", 9, "b"),
        finding("CC101", "plan.toml", 12),
    ]
    assert sorted(expected[::2] + expected[1::2], key=Finding.sort_key) == expected
    report = CheckReport(plan_file="plan.toml", findings=tuple(expected), items=1, platforms=1)
    assert [f["code"] for f in json.loads(render_json(report))] == [f.code for f in expected]
    assert render_text(report).splitlines()[-1] == (
        "plan.toml: 6 errors, 0 warnings in 1 item on 1 platform"
    )


def test_progress_is_reported_after_each_rule(write_files: WriteFiles) -> None:
    """progress(done, total) runs once per active rule, counting up to the total."""
    plan = load(demo(write_files))
    calls: list[tuple[int, int]] = []
    config = CheckConfig(ignore=frozenset({"CC101", "CC102"}))
    check(plan, now=NOW, config=config, progress=lambda done, total: calls.append((done, total)))
    total = len(RULES) - 2
    assert calls == [(done, total) for done in range(1, total + 1)]


# --- regressions -------------------------------------------------------------------------------


def test_plan_level_lines_are_read_for_each_plan_not_cached_by_file_name(
    write_files: WriteFiles,
) -> None:
    """Two plans both called plan.toml (or one plan edited) each get their own lines.

    The line map of plan-level findings was cached by file name, so a second plan.toml in
    the same process was reported with the first one's lines.
    """
    config = CheckConfig(select=frozenset({"goal-not-smart"}))
    text = MINIMAL_PLAN + '\n[goals.famous]\nstatement = "Be famous"\n'
    first = load(write_files({"plan.toml": text}))
    assert [f.line for f in check(first, now=NOW, config=config)] == [18]
    second = load(write_files({"plan.toml": "# a comment\n\n" + text}))
    assert [f.line for f in check(second, now=NOW, config=config)] == [20]


# --- the example and the field study -----------------------------------------------------------


@pytest.mark.parametrize(
    "now", ["2026-11-30T08:00", "2026-12-24T12:00", "2027-01-15T08:00", "2027-07-01T08:00"]
)
def test_the_bundled_example_has_no_errors(now: str) -> None:
    """Whenever it is checked, the example is a valid plan (warnings may come with time)."""
    moment = dt.datetime.fromisoformat(now)
    report = check_file(EXAMPLE, now=moment)
    assert [f for f in report.findings if f.severity is Severity.ERROR] == []
    assert report.items == 43  # 41 + the two evergreen items


def test_the_bundled_example_has_no_warnings_on_its_first_morning() -> None:
    """On 30 Nov 2026, 08:00 in Jakarta, the example is clean: its plan is the method's plan."""
    assert check_file(EXAMPLE, now=NOW).findings == ()


FIELD_STUDY = {
    "the same content on every platform": "same-copy-across-platforms",
    "content tied to no goal": "missing-goal",
    "personal and business accounts mixed": "personal-account",
    "questions that wait too long for an answer": "platform-without-response-time",
    "no target to measure against": "goal-not-smart",
    "tools chosen badly: everywhere at once": "too-many-platforms-per-owner",
    "more platforms than content": "cadence-not-met",
}
"""Each mistake the field study found in SMEs, and the rule that catches it."""


@pytest.mark.parametrize(("mistake", "rule"), FIELD_STUDY.items())
def test_each_mistake_of_the_field_study_is_reported_by_name(mistake: str, rule: str) -> None:
    """The demo plan makes every mistake; check names each with its rule."""
    report = check_file(DEMO, now=NOW)
    assert rule in {finding.rule for finding in report.findings}, mistake


# --- the rules page ----------------------------------------------------------------------------


def test_every_rule_has_a_section_in_the_rules_page() -> None:
    """docs/rules.md has a ``### `name` (CODE)`` heading per rule, in registration order."""
    text = RULES_PAGE.read_text(encoding="utf-8")
    headings = re.findall(r"^### `([a-z-]+)` \((CC\d+)\)$", text, re.MULTILINE)
    assert headings == [(rule.name, rule.code) for rule in RULES]


def test_every_threshold_and_load_code_is_in_the_rules_page() -> None:
    """The thresholds table names each field with its default; every load code is listed."""
    text = RULES_PAGE.read_text(encoding="utf-8")
    for field in attrs.fields(Thresholds):
        assert f"| `{field.name}` | `{field.default}` |" in text, field.name
    for name, code in LOAD_CODES.items():
        assert f"| `{name}` | {code} |" in text, name
    assert "(errors.md)" in text
    assert f"`0` means the tuned default, {DEFAULT_THRESHOLD}" in text


# --- processes: only when asked (issue #16) ---------------------------------------------------


def _workers_used(
    plan_path: Path, up_to: int = 10**9, **options: int
) -> tuple[list[int], list[Finding]]:
    """The `workers` the duplicate search got, on a plan counted as large (and as larger
    than the pool's limit when `up_to` is smaller than its number of posts)."""
    from contentcal.checking import rules, similarity

    seen: list[int] = []
    real = similarity.find_duplicates

    def spy(*args: object, workers: int = 1, **kwargs: object) -> object:
        seen.append(workers)
        return real(*args, workers=1, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "PARALLEL_FROM", 1)
        patch.setattr(rules, "PARALLEL_UP_TO", up_to)
        patch.setattr(similarity, "find_duplicates", spy)
        findings = check(load(plan_path), now=NOW, **options)  # type: ignore[arg-type]
    return seen, findings


def test_check_starts_no_process_unless_asked(write_files: WriteFiles) -> None:
    """Regression: check() started a 2-process pool by itself on large plans.

    On spawn platforms that re-imports the caller's script in each worker; the library now
    uses one process unless `workers` says otherwise.
    """
    plan = demo(write_files)
    default, findings = _workers_used(plan)
    asked, same = _workers_used(plan, workers=3)
    assert (default, asked) == ([1], [3])
    assert findings == same


def test_check_uses_one_process_above_the_pool_limit(write_files: WriteFiles) -> None:
    """Plans larger than PARALLEL_UP_TO search in one process whatever `workers` says:
    forked workers would each hold much of the plan (7.2 GB for three at 1M posts)."""
    plan = demo(write_files)
    asked, findings = _workers_used(plan, workers=3)
    capped, same = _workers_used(plan, up_to=1, workers=3)
    assert (asked, capped) == ([3], [1])
    assert findings == same


def test_check_refuses_fewer_than_one_worker(write_files: WriteFiles) -> None:
    """workers=0 is a usage error, not a silent fallback."""
    from contentcal.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError, match=r"^workers must be at least 1, got 0$"):
        check(load(demo(write_files)), now=NOW, workers=0)


def test_cli_jobs_reaches_the_duplicate_search(
    write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    """--jobs N is passed on; the CLI default is 2 (its own entry point is spawn-safe)."""
    from contentcal.checking import engine

    seen: list[int] = []
    real = engine.check

    def spy(*args: object, workers: int = 1, **kwargs: object) -> object:
        seen.append(workers)
        return real(*args, workers=workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check", spy)
    plan = str(demo(write_files))
    runner.invoke(cli, ["check", plan, "--now", "2026-11-30T08:00"])
    runner.invoke(cli, ["check", plan, "--jobs", "1", "--now", "2026-11-30T08:00"])
    bad = runner.invoke(cli, ["check", plan, "--jobs", "0"])
    assert seen == [2, 1]
    assert bad.exit_code == 2
    assert "Invalid value for '-j' / '--jobs': 0 is not in the range x>=1." in bad.stderr


# --- the collector ---------------------------------------------------------------------------


def test_checking_pauses_the_collector_and_switches_it_on_again() -> None:
    """The rules run with the cycle collector paused (it walked the loaded plan for seconds
    at 100,000 items), the duplicate search too when called on its own, and it is on again
    afterwards, also when the search raises."""
    seen: list[bool] = []
    rule = attrs.evolve(RULES[0], function=lambda context: seen.append(gc.isenabled()) or ())
    assert gc.isenabled()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "RULES", [rule])
        check(load(DEMO), now=dt.datetime(2026, 11, 30, 8, 0))
    assert seen == [False]
    assert gc.isenabled()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(similarity, "_clean", lambda texts: seen.append(gc.isenabled()) or 1 / 0)
        with pytest.raises(ZeroDivisionError):
            similarity.find_duplicates([similarity.Doc("a", "x", "halo")])
    assert seen == [False, False]
    assert gc.isenabled()
