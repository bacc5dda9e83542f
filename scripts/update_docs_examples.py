"""Rewrite the output of every ``$ contentcal ...`` console block in docs/ and README.md.

Run after changing what a command prints: ``python scripts/update_docs_examples.py``.
Commands run exactly as ``tests/test_docs.py`` runs them (in a scratch copy of examples/
and docs/examples/), and the tests then hold the pages to that output.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner

from contentcal.cli import cli

REPO = Path(__file__).resolve().parents[1]
CONSOLE = re.compile(r"```console\n(\$ contentcal [^\n]*)\n.*?```", re.DOTALL)


def run(command: str) -> str:
    """Output (stdout then stderr) of one command, run like the docs test runs it."""
    with tempfile.TemporaryDirectory() as scratch:
        # The same folder tests/test_docs.py lays out: empty for `init`, otherwise the
        # tutorial's `batik/` beside copies of examples/ and docs/examples/.
        if not command.startswith("contentcal init"):
            shutil.copytree(REPO / "examples", Path(scratch) / "examples")
            shutil.copytree(REPO / "examples" / "batik-cikarang", Path(scratch) / "batik")
            shutil.copytree(REPO / "docs" / "examples", Path(scratch) / "docs" / "examples")
        here = Path.cwd()
        os.chdir(scratch)
        saved = os.environ.pop("CONTENTCAL_PLAN", None)
        try:
            result = CliRunner().invoke(cli, shlex.split(command)[1:], prog_name="contentcal")
        finally:
            os.chdir(here)
            if saved is not None:
                os.environ["CONTENTCAL_PLAN"] = saved
    return result.stdout + result.stderr


def main() -> None:
    for page in [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]:
        text = page.read_text(encoding="utf-8")
        updated = CONSOLE.sub(
            lambda match: f"```console\n{match.group(1)}\n{run(match.group(1)[2:])}```", text
        )
        if updated != text:
            page.write_text(updated, encoding="utf-8")
            print(f"updated {page.relative_to(REPO)}")  # noqa: T201 - a script's report


if __name__ == "__main__":
    main()
