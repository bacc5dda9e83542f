"""Compare the duplicate search of two versions of contentcal on the same plans.

Runs ``find_duplicates`` as the duplicate rules call it (live items with copy, one process)
once with the code under ``--before`` (a ``src`` folder, e.g. from
``git archive main src | tar -x -C /tmp/before``) and once with this checkout, each in a
fresh interpreter, and reports whether the pickled results are byte-identical, with the CPU
time of each. With ``--cache`` the second version also runs twice with a search cache
(cold, then warm) and those results must be identical too.

    .venv/bin/python benchmarks/compare_duplicates.py --before /tmp/before/src \\
        /tmp/contentcal-bench/plan-1000-p50-s2027 /tmp/contentcal-bench/plan-10000-p50-s2027

Exit status 1 when any result differs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

_WORKER = r"""
import pickle, sys, time
import contentcal
from contentcal.checking.similarity import Doc, SearchCache, find_duplicates
from contentcal.model import Status

plan = contentcal.load(sys.argv[1] + "/plan.toml")
docs = [
    Doc(key=item.id, group=item.platform, text=item.copy)
    for item in plan.items
    if item.status is not Status.CANCELLED and item.copy.strip()
]
runs = [None] if sys.argv[3] == "0" else [None, SearchCache()]
out = []
for cache in runs:
    for _ in range(1 if cache is None else 2):
        started = time.process_time()
        found = find_duplicates(docs, cache=cache) if cache is not None else find_duplicates(docs)
        out.append((time.process_time() - started, pickle.dumps(found)))
pickle.dump(out, open(sys.argv[2], "wb"))
"""


def _run(src: Path, plan: Path, cache: bool, out: Path) -> list[tuple[float, bytes]]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run(
        [sys.executable, "-c", _WORKER, str(plan), str(out), "1" if cache else "0"],
        check=True,
        env=env,
    )
    import pickle  # noqa: PLC0415

    with out.open("rb") as stream:
        result: list[tuple[float, bytes]] = pickle.load(stream)  # noqa: S301 - our own file
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plans", nargs="+", type=Path, help="generated plan folders")
    parser.add_argument("--before", type=Path, required=True, help="the other version's src/")
    parser.add_argument("--cache", action="store_true", help="also compare cached runs")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        for plan in args.plans:
            before = _run(args.before, plan, False, Path(scratch) / "before.pkl")
            after = _run(SRC, plan, args.cache, Path(scratch) / "after.pkl")
            labels = ["after", "after, cache cold", "after, cache warm"]
            line = [f"{plan.name}: before {before[0][0]:.2f} s"]
            for label, (cpu, data) in zip(labels, after, strict=False):
                same = data == before[0][1]
                failed |= not same
                line.append(f"{label} {cpu:.2f} s {'identical' if same else 'DIFFERENT'}")
            print(", ".join(line))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
