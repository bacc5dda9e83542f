"""Options people use every day: `rules`, the one --format vocabulary, PLAN omitted, and
shell completion from the plan (issue #10)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from contentcal.checking.rules import RULES
from contentcal.cli import cli
from contentcal.files.load import load

from .conftest import EXAMPLE

AT = ["--now", "2026-11-30T08:00"]


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), prog_name="contentcal", env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def batik(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example as ./plan.toml in an otherwise empty folder."""
    shutil.copytree(EXAMPLE.parent, tmp_path / "batik")
    monkeypatch.chdir(tmp_path / "batik")
    monkeypatch.delenv("CONTENTCAL_PLAN", raising=False)
    return tmp_path / "batik"


# --- contentcal rules -------------------------------------------------------------------------


def test_rules_lists_every_rule_with_code_severity_and_summary(runner: CliRunner) -> None:
    """One line per rule, in documentation order; usable for --select and --ignore."""
    code, out, err = run(runner, "rules")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == len(RULES)
    assert lines[0] == (
        "CC101  missing-goal                     error    Content that serves no business goal."
    )
    assert lines[11] == (
        "CC201  double-booked                    error    "
        "Two posts on one platform closer together than its `min_gap`."
    )
    for line, rule in zip(lines, RULES, strict=True):
        assert line.split()[:3] == [rule.code, rule.name, str(rule.severity)]


def test_rules_json_is_a_stable_sorted_list(runner: CliRunner) -> None:
    """`rules --format json`: objects with code, name, severity and summary, keys sorted."""
    code, out, _ = run(runner, "rules", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [row["code"] for row in data] == [rule.code for rule in RULES]
    assert data[0] == {
        "code": "CC101",
        "name": "missing-goal",
        "severity": "error",
        "summary": "Content that serves no business goal.",
    }
    assert out == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_every_listed_rule_is_accepted_by_select(runner: CliRunner) -> None:
    """What `rules` prints is what `check --select` takes."""
    _, out, _ = run(runner, "rules")
    first_code, first_name = out.split()[:2]
    for rule in (first_code, first_name):
        code, _, err = run(runner, "check", str(EXAMPLE), "--select", rule, *AT)
        assert (code, err) == (0, "")


# --- one --format vocabulary ----------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "week", "schedule", "stories", "review", "rules"])
def test_text_is_the_word_for_people_everywhere(runner: CliRunner, command: str) -> None:
    """Every command with --format takes `text` (the default) and `json`."""
    moment = ["--as-of", "2027-02-01"] if command == "review" else AT
    args = [command] if command == "rules" else [command, str(EXAMPLE), *moment]
    default = run(runner, *args)
    assert default[0] == 0
    assert run(runner, *args, "--format", "text") == default
    code, out, _ = run(runner, *args, "--format", "json")
    assert code == 0
    json.loads(out)


@pytest.mark.parametrize("command", ["week", "schedule"])
def test_table_still_means_text(runner: CliRunner, command: str) -> None:
    """The old word keeps working in scripts written before the vocabulary was one."""
    args = [command, str(EXAMPLE), *AT]
    assert run(runner, *args, "--format", "table") == run(runner, *args, "--format", "text")


def test_schedule_csv_carries_the_whole_post(runner: CliRunner) -> None:
    """`schedule --format csv` like `week`: copy, media and link make it the whole plan."""
    code, out, _ = run(runner, "schedule", str(EXAMPLE), *AT, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    _, entries, _ = run(runner, "schedule", str(EXAMPLE), *AT, "--format", "json")
    assert [row["item"] for row in rows] == [
        entry["item"] for entry in json.loads(entries)["entries"]
    ]
    plan = load(EXAMPLE)
    for row in rows:
        item = plan.item(row["item"])
        assert (row["copy"], row["media"], row["link"]) == (
            item.copy,
            str(item.media or ""),
            item.link or "",
        )
    assert list(rows[0])[-3:] == ["copy", "media", "link"]
    assert any("\n" in row["copy"] for row in rows)


def test_schedule_json_entries_carry_copy_media_and_link(runner: CliRunner) -> None:
    """The JSON entries have the post itself, not only its title."""
    _, out, _ = run(runner, "schedule", str(EXAMPLE), *AT, "--format", "json")
    plan = load(EXAMPLE)
    for entry in json.loads(out)["entries"]:
        item = plan.item(entry["item"])
        assert (entry["copy"], entry["media"], entry["link"]) == (
            item.copy,
            str(item.media) if item.media else None,
            item.link,
        )


# --- PLAN omitted -----------------------------------------------------------------------------


def test_plan_toml_here_is_used_and_named(runner: CliRunner, batik: Path) -> None:
    """No PLAN: ./plan.toml, and the command says so on stderr."""
    code, out, err = run(runner, "check", *AT)
    assert (code, err) == (0, "using plan.toml (no PLAN given)\n")
    assert out.startswith("plan.toml: 0 errors, 0 warnings in ")


def test_contentcal_plan_wins_over_the_folder(runner: CliRunner, batik: Path) -> None:
    """$CONTENTCAL_PLAN names the plan when PLAN is omitted; the command says so."""
    shutil.copytree(batik, batik.parent / "elsewhere")
    (batik / "plan.toml").unlink()
    env = {"CONTENTCAL_PLAN": "../elsewhere/plan.toml"}
    code, out, err = run(runner, "week", "--week", "2026-W50", *AT, env=env)
    assert (code, err) == (0, "using ../elsewhere/plan.toml (from $CONTENTCAL_PLAN)\n")
    assert out.startswith("Batik Cikarang — week 2026-W50")


def test_a_plan_argument_is_used_silently_even_with_the_variable(
    runner: CliRunner, batik: Path
) -> None:
    """An explicit PLAN beats $CONTENTCAL_PLAN and needs no note."""
    code, _, err = run(runner, "check", "plan.toml", *AT, env={"CONTENTCAL_PLAN": "nope.toml"})
    assert (code, err) == (0, "")


def test_no_plan_anywhere_is_a_usage_error_with_the_way_out(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty folder and no variable: exit 2, and how to give or start a plan."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTENTCAL_PLAN", raising=False)
    assert run(runner, "week", *AT) == (
        2,
        "",
        "error: no PLAN given and there is no plan.toml here; name the plan file, set "
        "CONTENTCAL_PLAN, or start one with `contentcal init`\n",
    )


@pytest.mark.parametrize(
    "command", ["check", "schedule", "week", "ics", "feeds", "serve", "stories", "review"]
)
def test_every_plan_command_documents_the_default(runner: CliRunner, command: str) -> None:
    """--help shows PLAN as optional."""
    _, out, _ = run(runner, command, "--help")
    assert f"Usage: contentcal {command} [OPTIONS] [PLAN]" in out


# --- shell completion ------------------------------------------------------------------------


def complete(args: list[str], incomplete: str) -> list[str]:
    completion = ShellComplete(cli, {}, "contentcal", "_CONTENTCAL_COMPLETE")
    return [item.value for item in completion.get_completions(args, incomplete)]


def test_platform_ids_complete_from_the_plan_given(batik: Path) -> None:
    """`week plan.toml --platform <TAB>` offers the plan's platform ids."""
    assert complete(["week", "plan.toml", "--platform"], "") == [
        "instagram",
        "facebook",
        "whatsapp",
    ]
    assert complete(["ics", "plan.toml", "--platform"], "f") == ["facebook"]


def test_owners_complete_from_the_default_plan(batik: Path) -> None:
    """`week --owner <TAB>` with ./plan.toml offers the plan's owners (any case)."""
    assert complete(["week", "--owner"], "") == ["Budi", "Sari"]
    assert complete(["week", "--owner"], "s") == ["Sari"]


def test_completion_without_a_plan_offers_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No plan, or a broken one: no suggestions, and no error in the shell."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTENTCAL_PLAN", raising=False)
    assert complete(["week", "--platform"], "") == []
    (tmp_path / "plan.toml").write_text("[brand\n", encoding="utf-8")
    assert complete(["week", "--owner"], "") == []
