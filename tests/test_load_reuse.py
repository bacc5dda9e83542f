"""The :class:`~contentcal.files.load.Loader` that ``serve`` keeps from build to build.

It reuses the items of item files whose bytes did not change; whatever the edits, each load
gives what a fresh :func:`~contentcal.files.load.load` gives: the same plan, or a
:class:`~contentcal.errors.PlanError` with the same problems in the same order.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal.errors import PlanError, Problem
from contentcal.files import fields
from contentcal.files.load import Loader, load
from contentcal.files.readers import Readers
from contentcal.model import Plan

EXAMPLE = Path(__file__).parent.parent / "examples" / "batik-cikarang"

FILES = ("items/december.csv", "items/january.csv", "items/extra.jsonl")

EDITS = st.one_of(
    # (what, which file, which line or value)
    st.tuples(st.just("title"), st.sampled_from(FILES), st.integers(1, 40)),
    st.tuples(st.just("same-size"), st.sampled_from(FILES), st.integers(1, 40)),
    st.tuples(st.just("bad-value"), st.sampled_from(FILES), st.integers(1, 40)),
    st.tuples(st.just("bad-platform"), st.sampled_from(FILES), st.integers(1, 40)),
    st.tuples(st.just("duplicate"), st.sampled_from(FILES), st.integers(1, 40)),
    st.tuples(st.just("unknown-column"), st.sampled_from(FILES), st.just(0)),
    # An id another (unchanged) file uses already.
    st.tuples(st.just("their-id"), st.just("items/extra.jsonl"), st.integers(0, 1)),
    st.tuples(st.just("not-utf8"), st.sampled_from(FILES), st.integers(1, 40)),
    st.tuples(st.just("broken-quote"), st.sampled_from(FILES), st.integers(1, 40)),
    st.tuples(st.just("empty"), st.sampled_from(FILES), st.just(0)),
    st.tuples(st.just("remove"), st.sampled_from(FILES), st.just(0)),
    st.tuples(st.just("restore"), st.sampled_from(FILES), st.just(0)),
    st.tuples(st.just("limits"), st.just("plan.toml"), st.integers(1, 3)),
    st.tuples(st.just("goal"), st.just("plan.toml"), st.integers(0, 1)),
    # What items resolve against: a platform's owner (an item's default owner), its zone.
    st.tuples(st.just("platform"), st.just("plan.toml"), st.integers(0, 1)),
)

PLATFORM_EDITS = (
    ('handle = "@batikcikarang"\nowner = "Sari"', 'handle = "@batikcikarang"\nowner = "Rina"'),
    ('handle = "@batikcikarang"\n', 'handle = "@batikcikarang"\ntimezone = "Asia/Makassar"\n'),
)

JSONL = [
    {"id": "extra-1", "platform": "instagram", "title": "Batik Friday", "pillar": "education"},
    {"id": "extra-2", "platform": "facebook", "title": "Workshop", "at": "2026-12-10 10:00"},
    {"id": "extra-3", "platform": "whatsapp", "title": "Catalogue", "status": "draft"},
]


def _plan_dir(root: Path) -> Path:
    plan_dir = root / "batik"
    shutil.copytree(EXAMPLE, plan_dir)
    toml = plan_dir / "plan.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'include = ["items/*.csv"]', 'include = ["items/*.csv", "items/*.jsonl"]'
    )
    toml.write_text(text, encoding="utf-8")
    lines = "".join(json.dumps(row) + "\n" for row in JSONL)
    (plan_dir / "items" / "extra.jsonl").write_text(lines, encoding="utf-8")
    return plan_dir


def _edit(plan_dir: Path, edit: tuple[str, str, int], original: dict[str, bytes]) -> None:
    """One edit, as a person or a broken export would make it."""
    kind, name, number = edit
    path = plan_dir / name
    if kind == "restore":
        path.write_bytes(original[name])
        return
    if kind == "remove":
        path.unlink(missing_ok=True)
        return
    if not path.exists():
        path.write_bytes(original[name])
    data = path.read_bytes()
    if kind == "empty":
        path.write_bytes(b"")
        return
    if kind == "limits":
        text = data.decode()
        if "[limits]" not in text:
            text += "\n[limits]\n"
        text = text.replace("[limits]\n", f"[limits]\nrows = {number * 10}\n", 1)
        path.write_text(text, encoding="utf-8")
        return
    if kind == "their-id":
        taken = ("motif-quiz-ig", "new-year-ig")[number]
        row = {"id": taken, "platform": "instagram", "title": "Again"}
        path.write_bytes(data + json.dumps(row).encode() + b"\n")
        return
    if kind == "platform":
        text = data.decode().replace(*PLATFORM_EDITS[number], 1)
        path.write_text(text, encoding="utf-8")
        return
    if kind == "goal":
        text = data.decode().replace("target = 2000", f"target = {2000 + number}", 1)
        path.write_text(text, encoding="utf-8")
        return
    lines = data.split(b"\n")
    if kind == "unknown-column":
        lines[0] = lines[0] + (b",colour" if name.endswith(".csv") else b"")
        if name.endswith(".jsonl"):
            lines[0] = lines[0].replace(b'{"id"', b'{"colour": "red", "id"', 1)
    else:
        index = 1 + number % max(1, len(lines) - 1)
        index = min(index, len(lines) - 1)
        line = lines[index]
        if kind == "title":
            line = line.replace(b"Batik", b"Batik baru", 1) if b"Batik" in line else line + b" "
        elif kind == "same-size":
            # The same length, written back within the same time stamp: only the bytes
            # tell the edit.
            line = line.replace(b"a", b"e", 1) if b"a" in line else line
        elif kind == "bad-value":
            line = line.replace(b"approved", b"sideways", 1).replace(b'"draft"', b'"maybe"', 1)
        elif kind == "bad-platform":
            line = line.replace(b"instagram", b"instagran", 1)
        elif kind == "duplicate":
            line = lines[1] if len(lines) > 1 else line
        elif kind == "not-utf8":
            line = line + b"\xff"
        elif kind == "broken-quote":
            line = b'"' + line
        lines[index] = line
    stat = path.stat() if kind == "same-size" else None
    path.write_bytes(b"\n".join(lines))
    if stat is not None:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _outcome(load_it: object) -> Plan | list[Problem]:
    try:
        return load_it()  # type: ignore[operator,no-any-return]
    except PlanError as exc:
        return list(exc.problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDITS, min_size=1, max_size=6))
def test_a_reusing_load_equals_a_fresh_load(edits: list[tuple[str, str, int]]) -> None:
    """After any edits, working or broken, the loader gives what a fresh load gives."""
    with tempfile.TemporaryDirectory() as name:
        plan_dir = _plan_dir(Path(name))
        original = {n: (plan_dir / n).read_bytes() for n in FILES}
        plan = str(plan_dir / "plan.toml")
        loader = Loader()
        assert _outcome(lambda: loader.load(plan)) == _outcome(lambda: load(plan))
        for edit in edits:
            _edit(plan_dir, edit, original)
            assert _outcome(lambda: loader.load(plan)) == _outcome(lambda: load(plan))


def test_only_the_edited_file_is_read_again(tmp_path: Path, monkeypatch: object) -> None:
    """An unchanged item file is neither parsed nor converted again; the edited one is."""
    plan_dir = _plan_dir(tmp_path)
    plan = str(plan_dir / "plan.toml")
    parsed: list[str] = []
    original = Readers.item_file

    def spy(self: Readers, file: str, content: bytes | None = None) -> object:
        parsed.append(os.path.relpath(file, plan_dir))
        return original(self, file, content)

    monkeypatch.setattr(Readers, "item_file", spy)  # type: ignore[attr-defined]
    loader = Loader()
    first = loader.load(plan)
    assert sorted(parsed) == sorted(FILES)
    parsed.clear()
    assert loader.load(plan) == first
    assert parsed == []
    assert len(loader.reused) == 3
    _edit(plan_dir, ("title", "items/january.csv", 3), {})
    edited = loader.load(plan)
    assert parsed == ["items/january.csv"]
    assert [os.path.relpath(f, plan_dir) for f in loader.parsed] == ["items/january.csv"]
    assert edited == load(plan) != first


def test_unchanged_items_are_the_same_objects(tmp_path: Path) -> None:
    """An item of an unchanged file resolves to the very item of the last load (items are
    immutable); those of the edited file and of the plan file itself are made anew. The
    remembered values are not changed by resolving: every load equals a fresh one."""
    plan_dir = _plan_dir(tmp_path)
    plan = str(plan_dir / "plan.toml")
    loader = Loader()
    first = loader.load(plan)
    second = loader.load(plan)
    assert first == second == load(plan)
    from_files = [i for i in first.items if str(i.source.file).endswith((".csv", ".jsonl"))]
    assert from_files
    same = {item.id for item in second.items if any(item is old for old in from_files)}
    assert same == {item.id for item in from_files}
    _edit(plan_dir, ("title", "items/january.csv", 3), {})
    third = loader.load(plan)
    assert third == load(plan)
    kept = {item.id for item in third.items if any(item is old for old in second.items)}
    january = {item.id for item in third.items if item.source.file.endswith("january.csv")}
    assert kept == same - january
    goal = plan_dir / "plan.toml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("target = 2000", "target = 2001"))
    fourth = loader.load(plan)
    assert fourth == load(plan)
    assert not any(item is old for item in fourth.items for old in third.items)


def test_problems_past_the_cap_are_counted_the_same(tmp_path: Path) -> None:
    """A file with more problems than are shown: the count of those left out is the same."""
    plan_dir = _plan_dir(tmp_path)
    rows = "".join(
        json.dumps({"id": f"x{n}", "platform": "instagram", "title": "t", "status": "x"}) + "\n"
        for n in range(fields.MOST_PROBLEMS + 50)
    )
    (plan_dir / "items" / "extra.jsonl").write_text(rows, encoding="utf-8")
    plan = str(plan_dir / "plan.toml")
    loader = Loader()
    for _ in range(2):
        fresh = _outcome(lambda: load(plan))
        assert isinstance(fresh, list)
        assert fresh[-1].code == "too-many-problems"
        assert _outcome(lambda: loader.load(plan)) == fresh
