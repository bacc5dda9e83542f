"""The docs are executable: console examples run, every command and rule is documented."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentcal.cli import cli

from .conftest import REPO

DOCS = sorted((REPO / "docs").glob("*.md"))
CONSOLE = re.compile(r"```console\n(.*?)```", re.DOTALL)


def console_examples() -> list[tuple[str, int, str, str]]:
    """(page, block number, command, expected output) of every ``$ contentcal`` example."""
    examples = []
    for page in [*DOCS, REPO / "README.md"]:
        for number, block in enumerate(CONSOLE.findall(page.read_text(encoding="utf-8"))):
            command, *output = block.split("\n")
            if command.startswith("$ contentcal "):
                examples.append((page.name, number, command[2:], "\n".join(output)))
    return examples


@pytest.mark.parametrize(
    ("page", "number", "command", "expected"),
    console_examples(),
    ids=lambda value: str(value)[:40],
)
def test_console_example(
    page: str,
    number: int,
    command: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each ``$ contentcal ...`` block in the docs prints exactly what the page shows.

    Commands run in a scratch folder holding copies of examples/ and docs/examples/, so
    they may write files.
    """
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    shutil.copytree(REPO / "docs" / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, shlex.split(command)[1:], prog_name="contentcal", catch_exceptions=False
    )
    shown = result.stdout + result.stderr
    assert shown == expected, f"{page} console block {number}: {command}"


def test_docs_have_console_examples() -> None:
    """The harness above finds the examples it is meant to run (guards a broken regex)."""
    pages = {page for page, *_ in console_examples()}
    assert {"tutorial.md", "cli.md", "errors.md"} <= pages


def test_every_command_is_documented() -> None:
    """docs/cli.md has a section for every command the CLI offers."""
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"## `contentcal {name}`" in text, name


def test_every_docs_page_is_in_the_nav() -> None:
    """mkdocs.yml lists every page (an orphan page is a page nobody finds)."""
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in DOCS:
        assert f": {page.name}" in nav, page.name


def test_readme_main_job_runs() -> None:
    """The README's first command ends in the main job; that job runs on the example."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.DOTALL)
    install, tests = blocks[0].strip(), blocks[1].strip()
    assert "pip install -e ." in install
    assert tests.endswith("python -m pytest")
    job = install.split("&& ")[-1]
    assert job.startswith(".venv/bin/contentcal week examples/batik-cikarang/plan.toml")
    result = CliRunner().invoke(cli, shlex.split(job)[1:], prog_name="contentcal")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Batik Cikarang — week 2026-W50, Mon 07 Dec 2026")
