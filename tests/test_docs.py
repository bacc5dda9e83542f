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

    Commands run in a scratch folder, never in the repository. ``contentcal init`` starts
    from an empty one, as the reader does; every other command finds what the reader has
    after the tutorial's first step (``batik/``, from ``contentcal init --example batik``)
    and copies of examples/ and docs/examples/, so they may write files.
    """
    if not command.startswith("contentcal init"):
        shutil.copytree(REPO / "examples", tmp_path / "examples")
        shutil.copytree(REPO / "examples" / "batik-cikarang", tmp_path / "batik")
        shutil.copytree(REPO / "docs" / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTENTCAL_PLAN", raising=False)
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


def test_readme_main_job_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README installs, moves to an empty folder outside the clone, and runs the main
    job there from `init --example`, never writing into the repository."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.DOTALL)
    install, tests = blocks[0].strip(), blocks[1].strip()
    assert "pip install -e ." in install
    assert install.endswith("cd ~/plans")
    assert tests.endswith("python -m pytest")
    commands = [block.split("\n")[0] for block in CONSOLE.findall(readme)]
    assert commands[:2] == [
        "$ contentcal init --example batik",
        "$ contentcal week batik/plan.toml --week 2026-W50 --now 2026-11-30T08:00 "
        "--platform whatsapp",
    ]
    monkeypatch.chdir(tmp_path)
    for command in commands[:2]:
        result = CliRunner().invoke(cli, shlex.split(command)[2:], prog_name="contentcal")
        assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Batik Cikarang — week 2026-W50, Mon 07 Dec 2026")


def test_readme_plan_works_when_pasted_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's "plan in one page", saved alone as plan.toml, checks without errors, and
    its comment on pillars says what the loader does: declaring any replaces the four."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (excerpt,) = re.findall(r"```toml\n(.*?)```", readme, re.DOTALL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTENTCAL_PLAN", raising=False)
    (tmp_path / "plan.toml").write_text(excerpt, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--now", "2026-11-30T08:00"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("plan.toml: 0 errors, ")
    assert "Declaring any\n# pillar replaces all four" in excerpt
    from contentcal import load

    one_pillar = excerpt.replace("communication = { share = 0.3 }\n", "")
    (tmp_path / "plan.toml").write_text(one_pillar, encoding="utf-8")
    assert "communication" not in [pillar.id for pillar in load("plan.toml").pillars]
