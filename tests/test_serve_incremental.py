"""`serve` rebuilds feeds first, then pages, and ends where a fresh build would.

After an edit, :class:`~contentcal.publishing.pipeline.SiteBuilder` hands over the fresh
feeds beside the previous pages (:class:`~contentcal.publishing.pipeline.FeedsFirst`),
which :class:`~contentcal.publishing.serve.SiteCache` serves at once; ``complete()``
renders the pages. Whatever the edits, the feeds served first and the whole site served
after are byte for byte what a fresh build of the edited plan gives.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal.files.readers import Readers
from contentcal.publishing import feeds, ics
from contentcal.publishing.ics import FeedCalendar
from contentcal.publishing.pipeline import FeedsFirst, SiteBuilder
from contentcal.publishing.serve import SiteCache

EXAMPLE = Path(__file__).parent.parent / "examples" / "batik-cikarang"
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
ITEMS = Path("items") / "december.csv"

EDITS = st.one_of(
    st.tuples(st.just("title"), st.integers(0, 30), st.sampled_from(["Baru", "Edited ✨"])),
    st.tuples(st.just("status"), st.integers(0, 30), st.sampled_from(["draft", "approved"])),
    st.tuples(st.just("at"), st.integers(0, 30), st.sampled_from(["", "2026-12-09 19:00"])),
    st.tuples(st.just("delete"), st.integers(0, 30), st.just("")),
    st.tuples(st.just("copy"), st.integers(0, 30), st.just("")),
)


def _apply(plan_dir: Path, edit: tuple[str, int, str], serial: int) -> None:
    """One edit of the item file, as a person would make it in a spreadsheet."""
    path = plan_dir / ITEMS
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    kind, index, value = edit
    row = body[index % len(body)]
    if kind == "delete" and len(body) > 1:
        body.remove(row)
    elif kind == "copy":
        body.append([*row])
        body[-1][header.index("id")] = f"copy-{serial}"
        body[-1][header.index("story")] = ""
    elif kind in header:
        row[header.index(kind)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    path.write_text(out.getvalue(), encoding="utf-8")


def _feeds(files: Mapping[str, bytes]) -> dict[str, bytes]:
    return {path: body for path, body in files.items() if path.endswith(".ics")}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDITS, min_size=1, max_size=3))
def test_edits_served_incrementally_equal_a_fresh_build(edits: list[tuple[str, int, str]]) -> None:
    """After each edit the quick feeds, and then the whole site, are byte-identical to a
    fresh build of the edited plan (from the same saved feed state)."""
    with tempfile.TemporaryDirectory() as name:
        plan_dir = Path(name) / "batik"
        shutil.copytree(EXAMPLE, plan_dir)
        # Results name items by id; a deleted item would leave them dangling.
        toml = plan_dir / "plan.toml"
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace('results = ["results/*.csv"]', ""), encoding="utf-8")
        plan = str(plan_dir / "plan.toml")
        builder = SiteBuilder(plan, clock=lambda: NOW, save_state=True)
        builder.build()
        for serial, edit in enumerate(edits):
            _apply(plan_dir, edit, serial)
            quick = builder.build()
            assert isinstance(quick, FeedsFirst)
            whole = quick.complete()
            fresh = SiteBuilder(plan, clock=lambda: NOW, save_state=True).build()
            assert _feeds(quick.files) == _feeds(fresh.files)
            assert dict(whole.files) == dict(fresh.files)


def test_the_cache_serves_fresh_feeds_before_the_pages(tmp_path: Path) -> None:
    """The cache serves the quick part of a rebuild (the edited feed with the pages of the
    build before) and then the whole site; the first build is served whole."""
    plan_dir = tmp_path / "batik"
    shutil.copytree(EXAMPLE, plan_dir)
    builder = SiteBuilder(str(plan_dir / "plan.toml"), clock=lambda: NOW)
    served: list[dict[str, bytes]] = []
    original = SiteCache._publish

    def publish(self: SiteCache, build: object) -> object:
        site = original(self, build)  # type: ignore[arg-type]
        served.append({path: r.body for path, r in self.resources().items()})
        return site

    cache = SiteCache(builder.build, builder.watched, check_interval=0, background=False)
    first = {path: r.body for path, r in cache.resources().items()}
    assert any(path.startswith("post/") for path in first)
    SiteCache._publish = publish  # type: ignore[method-assign]
    try:
        _apply(plan_dir, ("title", 0, "Judul baru"), 0)
        cache.resources()
    finally:
        SiteCache._publish = original  # type: ignore[method-assign]
    quick, whole = served
    assert b"Judul baru" in quick["all.ics"]
    assert quick["all.ics"] == whole["all.ics"]
    edited = [path for path in first if path.startswith("post/") and first[path] != whole[path]]
    assert edited, "a post page shows the new title once the pages are rendered"
    assert all(quick[path] == first[path] for path in edited)


PLAN_EDITS = st.sampled_from(
    [
        # The plan-level values a post's event shows: each must reach every event.
        ("Grow the Instagram following", "Grow the Instagram audience"),
        ('color = "steelblue"', 'color = "tomato"'),
        ('handle = "@batikcikarang"', 'handle = "@batik.cikarang"'),
        ('title = "Hari Ibu"', 'title = "Hari Ibu 2026"'),
        (
            'title = "Akses awal Diskon Akhir Tahun untuk pelanggan"',
            'title = "Akses awal diskon untuk pelanggan"',
        ),
        ("[brand]\n", '[feeds]\nalarm = "15m"\nreply_events = false\n\n[brand]\n'),
        ('name = "Batik Cikarang"', 'name = "Batik Cikarang"\nid = "batik-ckr"'),
    ]
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(EDITS, PLAN_EDITS), min_size=1, max_size=4))
def test_plan_and_item_edits_served_incrementally_equal_a_fresh_build(
    edits: list[tuple[str, int, str] | tuple[str, str]],
) -> None:
    """Edits of the plan's goals, pillars, platforms, stories, brand and feed settings, and
    of items (a story's item names its other steps), reach every event they show in: the
    feeds equal a fresh build's."""
    with tempfile.TemporaryDirectory() as name:
        plan_dir = Path(name) / "batik"
        shutil.copytree(EXAMPLE, plan_dir)
        toml = plan_dir / "plan.toml"
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace('results = ["results/*.csv"]', ""), encoding="utf-8")
        plan = str(toml)
        builder = SiteBuilder(plan, clock=lambda: NOW, save_state=True)
        builder.build()
        for serial, edit in enumerate(edits):
            if len(edit) == 2:
                old, new = edit
                text = toml.read_text(encoding="utf-8")
                toml.write_text(text.replace(old, new, 1), encoding="utf-8")
            else:
                _apply(plan_dir, edit, serial)
            quick = builder.build()
            assert isinstance(quick, FeedsFirst)
            fresh = SiteBuilder(plan, clock=lambda: NOW, save_state=True).build()
            assert _feeds(quick.files) == _feeds(fresh.files)
            quick.complete()


def test_an_edit_makes_and_renders_again_only_what_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one title is edited, only that post's events are made again, only the feeds
    it is in are rendered again, and only its events in them are written again (once
    for all three); the unchanged item file is not read again."""
    plan_dir = tmp_path / "batik"
    shutil.copytree(EXAMPLE, plan_dir)
    builder = SiteBuilder(str(plan_dir / "plan.toml"), clock=lambda: NOW)
    before = builder.build()
    made: list[str] = []
    rendered: list[str] = []
    written: list[str] = []
    parsed: list[str] = []
    clean_event, ics_bytes, item_file = feeds._clean_event, feeds.ics_bytes, Readers.item_file
    iter_text = ics._iter_text

    def spy_event(uid: str, *args: object) -> object:
        made.append(uid)
        return clean_event(uid, *args)  # type: ignore[arg-type]

    def spy_bytes(calendar: FeedCalendar, texts: object = None) -> bytes:
        rendered.append(calendar.relcalid or "")
        return ics_bytes(calendar, texts)  # type: ignore[arg-type]

    def spy_text(calendar: FeedCalendar, texts: ics.EventTexts | None = None) -> Iterator[str]:
        known = set(texts or ())
        yield from iter_text(calendar, texts)
        # Posts and their replies; the review's events are stamped anew by every build.
        posts = [e for e in calendar.events if not e.summary.startswith(REVIEW_SUMMARIES)]
        written.extend(e.summary for e in posts if id(e) not in known)

    def spy_file(self: Readers, file: str, content: bytes | None = None) -> object:
        parsed.append(Path(file).name)
        return item_file(self, file, content)

    monkeypatch.setattr(feeds, "_clean_event", spy_event)
    monkeypatch.setattr(feeds, "ics_bytes", spy_bytes)
    monkeypatch.setattr(ics, "_iter_text", spy_text)
    monkeypatch.setattr(Readers, "item_file", spy_file)
    _apply(plan_dir, ("title", 0, "Judul baru"), 0)
    quick = builder.build()
    assert isinstance(quick, FeedsFirst)
    changed = sorted(p for p in _feeds(quick.files) if quick.files[p] != before.files[p])
    assert changed == ["all.ics", "owner/sari.ics", "platform/instagram.ics"]
    assert len(rendered) == len(changed)
    assert len(made) == 1  # the post (its reply event is made from it)
    assert sorted(set(written)) == [
        "Reply to comments on [Instagram] Judul baru",
        "[Instagram] Judul baru",
    ]
    assert len(written) == 2  # written once, shared by the three feeds
    assert parsed == ["december.csv"]


REVIEW_SUMMARIES = ("Review: ", "Goal due: ", "Action due: ")


@pytest.mark.parametrize(
    "edit",
    [
        # A story step's item: the other steps' events name it.
        (
            'title = "Akses awal Diskon Akhir Tahun untuk pelanggan"',
            'title = "Akses awal diskon untuk pelanggan"',
        ),
        ('title = "Hari Ibu"', 'title = "Hari Ibu 2026"'),
        ('color = "steelblue"', 'color = "tomato"'),
    ],
)
def test_an_edit_reaches_the_other_posts_that_show_it(
    tmp_path: Path, edit: tuple[str, str]
) -> None:
    """An edit shown in other posts' events (a story step's title, a story's, a pillar's
    colour) gives those posts new events, as a fresh build does."""
    plan_dir = tmp_path / "batik"
    shutil.copytree(EXAMPLE, plan_dir)
    toml = plan_dir / "plan.toml"
    builder = SiteBuilder(str(toml), clock=lambda: NOW)
    before = builder.build()
    text = toml.read_text(encoding="utf-8")
    assert edit[0] in text
    toml.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    quick = builder.build()
    fresh = SiteBuilder(str(toml), clock=lambda: NOW).build()
    assert _feeds(quick.files) == _feeds(fresh.files) != _feeds(before.files)
