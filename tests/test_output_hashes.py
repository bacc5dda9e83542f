"""Speed work changes nothing a user sees: the same bytes out of every command.

The SHA-256 of what `check`, `schedule`, `week`, `ics` and `feeds` print or write (the
feed state included), for the
bundled example and for two plans from ``benchmarks/generate.py``, is compared with
``tests/golden/output-hashes.json``. Those hashes were computed by the code *before* the
optimisations of issue 14 (building each feed event once, the bounded duplicate search,
the loader's caches), so any optimisation that changes a byte, a finding or a score fails
here.

When a change is *meant* to change the output, regenerate the file and say why in the
commit::

    CONTENTCAL_UPDATE_HASHES=1 .venv/bin/python -m pytest -q tests/test_output_hashes.py
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentcal.cli import cli

from .conftest import EXAMPLE, REPO

GOLDEN = REPO / "tests" / "golden" / "output-hashes.json"
GENERATOR = REPO / "benchmarks" / "generate.py"
UPDATE = os.environ.get("CONTENTCAL_UPDATE_HASHES") == "1"

# (name, items, platforms): small enough for every CI run, big enough that the duplicate
# search blocks, buckets and scores hundreds of candidates and the feeds hold a year.
GENERATED = (("generated-1000", 1000, 12), ("generated-2500", 2500, 30))

COMMANDS: dict[str, list[str]] = {
    "check": ["check", "--format", "json"],
    "schedule": ["schedule", "--format", "json", "--start", "{start}", "--end", "{end}"],
    "week": ["week", "--format", "json"],
    "ics": ["ics", "--start", "{start}", "--end", "{end}"],
    "feeds": ["feeds", "--out", "{out}", "--base-url", "https://example.com/cal", "-q"],
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str, str, str]]:
    """name -> (plan folder, --now, --start, --end)."""
    base = tmp_path_factory.mktemp("plans")
    found = {"example": (EXAMPLE.parent, "2026-11-30T08:00", "2026-11-01", "2027-03-01")}
    for name, items, platforms in GENERATED:
        out = base / name
        subprocess.run(
            [
                *(sys.executable, str(GENERATOR), "--items", str(items)),
                *("--platforms", str(platforms), "--out", str(out)),
            ],
            check=True,
            capture_output=True,
        )
        now = json.loads((out / "manifest.json").read_text())["now"]
        found[name] = (out, now, "2026-11-01", "2028-01-10")
    return found


def _outputs(plan_dir: Path, now: str, start: str, end: str, work: Path) -> dict[str, str]:
    """SHA-256 of each command's stdout (and of each file `feeds` writes)."""
    hashes: dict[str, str] = {}
    for command, template in COMMANDS.items():
        copy = work / command
        shutil.copytree(plan_dir, copy, ignore=shutil.ignore_patterns(".contentcal"))
        out = work / f"{command}-out"
        args = [part.format(start=start, end=end, out=out) for part in template]
        result = CliRunner().invoke(
            cli, [*args[:1], str(copy / "plan.toml"), *args[1:], "--now", now]
        )
        assert result.exit_code in (0, 1), result.output
        hashes[command] = _sha(result.stdout_bytes.replace(str(copy).encode(), b"PLAN"))
        for path in sorted((copy / ".contentcal").glob("*")):
            hashes[f"{command}:state:{path.name}"] = _sha(path.read_bytes())
        if command == "feeds":
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    name = path.relative_to(out).as_posix()
                    # Post pages name the plan's files by their (temporary) path.
                    data = path.read_bytes().replace(str(copy).encode(), b"PLAN")
                    hashes[f"feeds:{name}"] = _sha(data)
    return hashes


@pytest.mark.parametrize("name", ["example", *(name for name, _, _ in GENERATED)])
def test_outputs_are_byte_identical_to_before(
    name: str, plans: dict[str, tuple[Path, str, str, str]], tmp_path: Path
) -> None:
    plan_dir, now, start, end = plans[name]
    hashes = _outputs(plan_dir, now, start, end, tmp_path)
    golden = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    if UPDATE:
        golden[name] = hashes
        GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    assert hashes == golden[name]
