"""The command line: exit codes, stdout/stderr separation, no tracebacks, version and help."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from contentcal.cli import cli

from .conftest import EXAMPLE, MINIMAL_PLAN, WriteFiles


def test_version(runner: CliRunner) -> None:
    """--version prints the installed version."""
    from importlib.metadata import version

    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"contentcal {version('contentcal')}\n"


def test_help_lists_every_command(runner: CliRunner) -> None:
    """--help names each command with its one-line summary."""
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("check", "schedule", "week", "ics", "feeds", "serve"):
        assert f"  {name} " in result.stdout


def test_check_on_a_clean_plan(runner: CliRunner) -> None:
    """The bundled example has no errors: exit 0 and a summary line on stdout."""
    result = runner.invoke(cli, ["check", str(EXAMPLE), "--now", "2026-11-30T08:00"])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(" in 43 items on 3 platforms\n")
    assert result.stdout.splitlines()[-1].startswith(f"{EXAMPLE}: 0 errors, ")
    assert result.stderr == ""


def test_check_reports_plan_errors_on_stdout_and_exits_1(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """Findings are the command's result (stdout); the exit code says the plan has errors."""
    plan = write_files({"plan.toml": MINIMAL_PLAN.replace("Asia/Jakarta", "Asia/Jakrta")})
    result = runner.invoke(cli, ["check", str(plan)])
    assert result.exit_code == 1
    assert result.stdout == (
        "plan.toml:3: brand.timezone: error: unknown time zone 'Asia/Jakrta' "
        "(did you mean 'Asia/Jakarta'?) [plan-invalid]\n"
        "\n"
        "plan.toml: 1 error, 0 warnings; the plan could not be loaded\n"
    )
    assert result.stderr == ""


def test_check_json_is_a_sorted_list_of_findings(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """--format json gives the stable keys for every finding."""
    plan = write_files({"plan.toml": MINIMAL_PLAN.replace('"2h"', '"soon"')})
    result = runner.invoke(cli, ["check", str(plan), "--format", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert findings == [
        {
            "code": "CC007",
            "column": None,
            "file": "plan.toml",
            "hint": 'write e.g. "90m", "2h", "1d", "1h30m" or "PT2H"',
            "item": None,
            "line": 15,
            "message": "expected a duration, got 'soon'",
            "path": "platforms.instagram.respond_within",
            "platform": None,
            "rule": "plan-invalid",
            "severity": "error",
        }
    ]


def test_missing_plan_file_is_one_line_on_stderr(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """A plan that does not exist: a clear message on stderr, nothing on stdout, exit 1."""
    write_files({"other.toml": ""})
    for command in (["check"], ["week"], ["schedule"], ["ics"]):
        result = runner.invoke(cli, [*command, "plan.toml"])
        assert result.exit_code == 1, command
        assert result.stdout == ""
        assert result.stderr == (
            "error: plan.toml: plan file not found (check the path; a plan is a .toml file)\n"
        )


def test_plan_errors_in_other_commands_go_to_stderr(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """week, schedule and ics report load problems on stderr with a count, exit 1."""
    plan = write_files({"plan.toml": MINIMAL_PLAN + "\n[[items]]\nid = 1\n"})
    result = runner.invoke(cli, ["week", str(plan)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: plan.toml:18: items[0].platform: items[0] has no 'platform' (add platform = ...)",
        "error: plan.toml:18: items[0].title: items[0] has no 'title' (add title = ...)",
        "2 problems in the plan",
    ]


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    """Bad options are click's usage errors: exit 2, message on stderr."""
    result = runner.invoke(cli, ["week", str(EXAMPLE), "--week", "2026-50"])
    assert result.exit_code == 2
    assert result.stderr == "error: '2026-50' is not an ISO week; write it like 2026-W50\n"
    result = runner.invoke(cli, ["check", str(EXAMPLE), "--format", "xml"])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_garbage_plan_never_shows_a_traceback(runner: CliRunner, write_files: WriteFiles) -> None:
    """Binary junk as a plan is a located problem, not a crash."""
    plan = write_files({"plan.toml": b"\x00\xff\xfe garbage \x80"})
    result = runner.invoke(cli, ["check", str(plan)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stdout.startswith("plan.toml:1: error: is not valid UTF-8 text")


def test_python_dash_m_runs_the_cli() -> None:
    """`python -m contentcal` is the same program as the console script."""
    result = subprocess.run(
        [sys.executable, "-m", "contentcal", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "Turn a social-media strategy into a checked editorial calendar." in result.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long runs draw click's bar on stderr in a terminal; --quiet or a pipe draws none."""
    from contentcal import cli as cli_module

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli_module._progress("checking", quiet=False) as progress:
        assert progress is not None
        progress(1, 2)
        progress(2, 2)
    assert "checking" in terminal.getvalue()
    assert "100%" in terminal.getvalue()
    with cli_module._progress("checking", quiet=True) as progress:
        assert progress is None
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with cli_module._progress("checking", quiet=False) as progress:
        assert progress is None
