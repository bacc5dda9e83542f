"""The duplicate search's cache: the same findings with and without it, and a bad file ignored."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal.checking import engine, search_cache, similarity
from contentcal.checking.search_cache import CACHE_NAME, FORMAT, load_cache, save_cache
from contentcal.checking.similarity import Doc, SearchCache, find_duplicates
from contentcal.cli import cli

from .conftest import REPO
from .test_similarity import BASES, EDITS, shop_posts

EXAMPLE = REPO / "examples" / "batik-cikarang"
NOW = "2026-11-30T08:00"
PLATFORMS = ["instagram", "facebook", "x", "threads"]


def plan_docs(rng: random.Random, count: int) -> list[Doc]:
    """Posts of one shop, some of them cross-posted with an edit, on random platforms."""
    texts = shop_posts(count, seed=rng.randrange(1000))
    for _ in range(count // 3):
        texts[rng.randrange(count)] = rng.choice(EDITS)(rng.choice(BASES))
    return [Doc(f"p{index:03d}", rng.choice(PLATFORMS), text) for index, text in enumerate(texts)]


def edited(rng: random.Random, docs: list[Doc], edits: int) -> list[Doc]:
    """`docs` with random edits: copy changed, posts removed, added, moved to a platform."""
    docs = list(docs)
    for _ in range(edits):
        kind = rng.randrange(4)
        index = rng.randrange(len(docs))
        doc = docs[index]
        if kind == 0:
            docs[index] = Doc(doc.key, doc.group, rng.choice(EDITS)(doc.text))
        elif kind == 1 and len(docs) > 2:
            del docs[index]
        elif kind == 2:
            docs.append(Doc(f"n{rng.randrange(10**6):06d}", rng.choice(PLATFORMS), doc.text))
        else:
            docs[index] = Doc(doc.key, rng.choice(PLATFORMS), doc.text)
    unique = {doc.key: doc for doc in docs}
    return list(unique.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**6),
    count=st.integers(2, 60),
    rounds=st.integers(1, 3),
    threshold=st.sampled_from([0.84, 0.84, 0.7, 0.95]),
    same_group=st.booleans(),
)
def test_cached_search_finds_what_the_uncached_one_finds(
    seed: int,
    count: int,
    rounds: int,
    threshold: float,
    same_group: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Random plan, random edits between checks: the cached result is the uncached result.

    The cache goes through its file between checks, as ``contentcal check`` does.
    """
    rng = random.Random(seed)
    path = str(tmp_path_factory.mktemp("cache") / CACHE_NAME)
    docs = plan_docs(rng, count)
    for _ in range(rounds + 1):
        cache, warning = load_cache(path)
        assert warning is None
        cached = find_duplicates(docs, threshold=threshold, same_group=same_group, cache=cache)
        assert cached == find_duplicates(docs, threshold=threshold, same_group=same_group)
        save_cache(path, cache)
        docs = edited(rng, docs, rng.randint(1, 5))


def test_second_search_sketches_and_scores_only_what_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(3)
    docs = plan_docs(rng, 80)
    cache = SearchCache()
    first = find_duplicates(docs, cache=cache)
    assert cache.sketches
    assert cache.scores
    sketched: list[int] = []
    scored: list[int] = []
    real_sketch, real_score = similarity._sketch, similarity._score
    monkeypatch.setattr(
        similarity,
        "_sketch",
        lambda texts, *args: sketched.append(len(texts)) or real_sketch(texts, *args),
    )
    monkeypatch.setattr(similarity, "_score", lambda *args: scored.append(1) or real_score(*args))
    assert find_duplicates(docs, cache=cache) == first
    assert sum(sketched) == 0
    assert scored == []
    changed = [
        Doc(docs[0].key, docs[0].group, "Copy nobody else has, written just now."),
        *docs[1:],
    ]
    assert find_duplicates(changed, cache=cache) == find_duplicates(changed)
    assert sketched[1] == 1  # [0]: the search before, [2]: the uncached one
    # Afterwards the cache holds this search's entries only.
    find_duplicates(docs[:10], cache=cache)
    assert len(cache.sketches) <= 10


def test_file_round_trip(tmp_path: Path) -> None:
    cache = SearchCache()
    find_duplicates(plan_docs(random.Random(4), 50), cache=cache)
    path = str(tmp_path / "state" / CACHE_NAME)
    save_cache(path, cache)
    assert load_cache(path) == (cache, None)


def test_missing_file_is_an_empty_cache_without_warning(tmp_path: Path) -> None:
    assert load_cache(str(tmp_path / CACHE_NAME)) == (SearchCache(), None)


def _saved(tmp_path: Path) -> tuple[Path, bytes]:
    cache = SearchCache()
    find_duplicates(plan_docs(random.Random(5), 40), cache=cache)
    path = tmp_path / CACHE_NAME
    save_cache(str(path), cache)
    return path, path.read_bytes()


def _header(data: bytes) -> dict[str, object]:
    header: dict[str, object] = json.loads(data[: data.index(b"\n")])
    return header


def _with_header(data: bytes, **changes: object) -> bytes:
    header = {**_header(data), **changes}
    return json.dumps(header).encode() + data[data.index(b"\n") :]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data + b"\0", id="extra byte"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="body edited"),
        pytest.param(lambda data: b'{"entries": []}\n', id="foreign json"),
        pytest.param(lambda data: b"\xff\xfe garbage", id="not utf-8"),
        pytest.param(lambda data: b"[" * 100_000, id="no header line"),
        pytest.param(lambda data: _with_header(data, format="other"), id="other format"),
        pytest.param(lambda data: _with_header(data, algorithm="1999-01-01"), id="other version"),
        pytest.param(lambda data: _with_header(data, threshold=2.0), id="bad threshold"),
        pytest.param(lambda data: _with_header(data, threshold=1), id="threshold not a float"),
        pytest.param(lambda data: _with_header(data, sketches=-1), id="negative count"),
        pytest.param(lambda data: _with_header(data, scores=True), id="count not a number"),
        pytest.param(lambda data: _with_header(data, boilerplate="zz" * 16), id="bad digest"),
        pytest.param(lambda data: _with_header(data, checksum="0" * 32), id="bad checksum"),
    ],
)
def test_unusable_file_is_ignored_with_a_warning(tmp_path: Path, spoil: object) -> None:
    path, data = _saved(tmp_path)
    path.write_bytes(spoil(data))  # type: ignore[operator]
    cache, warning = load_cache(str(path))
    assert cache == SearchCache()
    assert warning == (
        f"{path}: the duplicate-search cache is corrupt or from another version; "
        "not used, rebuilding it"
    )


def test_sketch_value_out_of_range_is_refused(tmp_path: Path) -> None:
    """A file with a valid checksum but values no sketch can hold is not ours: refused."""
    path, data = _saved(tmp_path)
    header = _header(data)
    body = bytearray(data[data.index(b"\n") + 1 :])
    body[int(header["sketches"]) * 16 + 7] = 0xFF  # type: ignore[call-overload]
    header["checksum"] = search_cache._checksum(bytes(body))
    path.write_bytes(json.dumps(header).encode() + b"\n" + bytes(body))
    assert load_cache(str(path))[0] == SearchCache()


def test_oversized_file_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, data = _saved(tmp_path)
    monkeypatch.setattr(search_cache, "CACHE_BYTES", len(data) - 1)
    cache, warning = load_cache(str(path))
    assert cache == SearchCache()
    assert warning is not None
    assert "larger than 0 MiB; not used (delete it)" in warning


def test_directory_or_fifo_is_ignored(tmp_path: Path) -> None:
    folder = tmp_path / CACHE_NAME
    folder.mkdir()
    assert load_cache(str(folder)) == (
        SearchCache(),
        f"{folder}: cannot read the duplicate-search cache (Is a directory)",
    )
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert (
        load_cache(str(fifo))[1]
        == f"{fifo}: the duplicate-search cache is a FIFO (named pipe); not used"
    )


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def plan_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example plan, cached like a large one (the cache starts at CACHE_FROM items)."""
    monkeypatch.setattr(engine, "CACHE_FROM", 1)
    copy = tmp_path / "plan"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns(".contentcal"))
    return copy


def _check(plan: Path, *options: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["check", str(plan / "plan.toml"), "--format", "json", "--now", NOW, *options]
    )
    return result.exit_code, result.stdout, result.stderr


def test_check_keeps_a_cache_and_finds_the_same(plan_copy: Path) -> None:
    cache = plan_copy / ".contentcal" / CACHE_NAME
    uncached = _check(plan_copy, "--no-cache")
    assert not cache.exists()
    first = _check(plan_copy)
    assert cache.exists()
    assert _header(cache.read_bytes())["format"] == FORMAT
    second = _check(plan_copy)
    assert uncached == first == second
    assert uncached[2] == ""


def test_check_warns_about_a_corrupt_cache_and_replaces_it(plan_copy: Path) -> None:
    expected = _check(plan_copy, "--no-cache")
    cache = plan_copy / ".contentcal" / CACHE_NAME
    cache.parent.mkdir()
    cache.write_bytes(b"not a cache")
    code, stdout, stderr = _check(plan_copy)
    assert (code, stdout) == expected[:2]
    assert stderr == (
        f"warning: {cache}: the duplicate-search cache is corrupt or from another version; "
        "not used, rebuilding it\n"
    )
    assert _header(cache.read_bytes())["format"] == FORMAT
    assert _check(plan_copy) == expected


def test_small_plans_keep_no_cache(tmp_path: Path) -> None:
    copy = tmp_path / "plan"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns(".contentcal"))
    _check(copy)
    assert not (copy / ".contentcal" / CACHE_NAME).exists()


def test_unwritable_cache_is_a_warning_not_a_failure(plan_copy: Path) -> None:
    expected = _check(plan_copy, "--no-cache")
    (plan_copy / ".contentcal").write_text("a file where the state folder should be")
    code, stdout, stderr = _check(plan_copy)
    assert (code, stdout) == expected[:2]
    assert "warning: the duplicate-search cache was not saved: " in stderr
