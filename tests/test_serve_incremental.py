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
from collections.abc import Mapping
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
