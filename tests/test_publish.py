"""Publishing: plan file → feeds, with the feed-state file beside the plan read and written.

Also the subscription server end to end with the real builder: the bytes it serves are
the bytes ``contentcal feeds`` writes, an edit shows up, a broken edit does not take the
feeds down. (HTTP details are unit-tested in tests/test_serve.py.)
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contentcal.cli import cli
from contentcal.errors import InvalidOptionError, OutputError
from contentcal.files import atomic as files_atomic
from contentcal.files import site as files_site
from contentcal.files.atomic import TEMP_SUFFIX, Staged
from contentcal.files.load import load
from contentcal.publishing.feeds import (
    FeedState,
    FeedWindow,
    build_calendar,
    build_site,
    write_feeds,
)
from contentcal.publishing.ics import ics_bytes
from contentcal.publishing.pipeline import (
    Published,
    SiteBuilder,
    iter_site_pages,
    publish_feed,
    publish_feeds,
    site_pages,
)
from contentcal.publishing.serve import FeedServer, SiteCache, make_server, serve_forever
from contentcal.scheduling.place import schedule
from contentcal.views.site import site_schedule

from .conftest import EXAMPLE, MINIMAL_PLAN, NOW, WriteFiles
from .test_feeds import LATER, LATER_STAMP, uid_of, unfold, vevents

STATE = Path("batik") / ".contentcal" / "feed-state.json"
CORRUPT_WARNING = (
    f"{STATE}: the feed state is corrupt; rebuilding it "
    "(subscribers may see every event as edited once)"
)
NOW_ARGS = ("--now", "2026-11-30T08:00")
HARI_IBU_FB = 'at = 2026-12-22T12:00:00\nstory = "hari-ibu"'
HARI_IBU_FB_MOVED = 'at = 2026-12-22T15:00:00\nstory = "hari-ibu"'


@pytest.fixture
def plan_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example in tmp_path/batik, with the working directory at tmp_path."""
    shutil.copytree(EXAMPLE.parent, tmp_path / "batik")
    monkeypatch.chdir(tmp_path)
    return Path("batik") / "plan.toml"


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there once) and move mtime a whole second on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def age(path: Path) -> int:
    """Set `path`'s mtime to a fixed old time and return it (ns), to see any rewrite."""
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return path.stat().st_mtime_ns


# --- publish_feed: one feed, state read and written -------------------------------------------


def test_publish_feed_returns_the_feed_and_writes_the_state(plan_path: Path) -> None:
    """The first run: the same bytes as building in memory, and the state beside the plan."""
    result = publish_feed(load(plan_path), now=NOW, save_state=True)
    calendar, state = build_calendar(schedule(load(plan_path), now=NOW))
    assert result == Published(files=(), body=ics_bytes(calendar), warnings=(), events=99)
    assert STATE.read_text(encoding="utf-8") == state.to_json()
    assert sorted(os.listdir(STATE.parent)) == ["feed-state.json"]


def test_an_unchanged_plan_leaves_feed_and_state_untouched(plan_path: Path) -> None:
    """Byte-identical feed on the next run; the state file is not even rewritten."""
    first = publish_feed(load(plan_path), now=NOW, save_state=True)
    mtime = age(STATE)
    content = STATE.read_bytes()
    second = publish_feed(load(plan_path), now=LATER, save_state=True)
    assert second == first
    assert STATE.stat().st_mtime_ns == mtime
    assert STATE.read_bytes() == content


def test_a_moved_item_updates_the_state(plan_path: Path) -> None:
    """Moving hari-ibu-fb in the file: SEQUENCE 1 now, and remembered for the next run."""
    publish_feed(load(plan_path), now=NOW, save_state=True)
    edit(plan_path, HARI_IBU_FB, HARI_IBU_FB_MOVED)
    moved = publish_feed(load(plan_path), now=LATER, save_state=True)
    uid = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
    lines = unfold(vevents(moved.body)[uid])
    assert "SEQUENCE:1" in lines
    assert f"DTSTAMP:{LATER_STAMP}" in lines
    entry = json.loads(STATE.read_text(encoding="utf-8"))["events"][uid]
    assert (entry["sequence"], entry["modified"]) == (1, "2026-11-30T04:00:00Z")
    assert (
        publish_feed(load(plan_path), now=LATER + dt.timedelta(hours=1), save_state=True) == moved
    )


def test_the_state_is_written_atomically(plan_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails half-way leaves the previous state whole and no temporary file."""
    publish_feed(load(plan_path), now=NOW, save_state=True)
    before = STATE.read_bytes()
    edit(plan_path, HARI_IBU_FB, HARI_IBU_FB_MOVED)

    def broken_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    # fileio writes through os.fsync before the rename; failing there is a full disk.
    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OutputError) as caught:
        publish_feed(load(plan_path), now=LATER, save_state=True)
    assert str(caught.value) == f"cannot write {STATE}: No space left on device"
    assert STATE.read_bytes() == before
    assert sorted(os.listdir(STATE.parent)) == ["feed-state.json"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"\xff\xfe",
        b'{"version": 1, "events": {"x": {"sequence": -1}}}',
        b'{"version": 1, "events": {}, "brand": 7}',
        b'{"version": 1, "events": {}, "brand": " "}',
    ],
)
def test_a_corrupt_state_is_rebuilt_with_a_warning(plan_path: Path, content: bytes) -> None:
    """The warning is returned (the CLI prints it); the feed is a first run's; state fixed."""
    STATE.parent.mkdir()
    STATE.write_bytes(content)
    result = publish_feed(load(plan_path), now=NOW, save_state=True)
    assert result.warnings == (CORRUPT_WARNING,)
    assert result.body == publish_feed(load(plan_path), now=NOW, use_state=False).body
    assert FeedState.from_json(STATE.read_text(encoding="utf-8")).entries
    assert publish_feed(load(plan_path), now=NOW, save_state=True).warnings == ()


def test_without_state_nothing_is_written(plan_path: Path) -> None:
    """use_state=False: every stamp is now, and no .contentcal folder appears."""
    result = publish_feed(load(plan_path), now=NOW, use_state=False)
    assert result.events == 99
    assert not STATE.parent.exists()


def test_the_state_file_setting_is_relative_to_the_plan(
    plan_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[feeds] state_file = "state/feeds.json" lands beside the plan, wherever we run."""
    text = plan_path.read_text(encoding="utf-8")
    plan_path.write_text(text + '\n[feeds]\nstate_file = "state/feeds.json"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "batik" / "items")
    publish_feed(load(Path("..") / "plan.toml"), now=NOW, save_state=True)
    assert (tmp_path / "batik" / "state" / "feeds.json").is_file()
    assert not (tmp_path / "batik" / ".contentcal").exists()


def test_a_naive_now_is_the_brands_wall_time(plan_path: Path) -> None:
    """2026-11-30 08:00 without a zone is 08:00 in Jakarta, the same as NOW."""
    naive = publish_feed(load(plan_path), now=dt.datetime(2026, 11, 30, 8), use_state=False)
    assert naive == publish_feed(load(plan_path), now=NOW, use_state=False)


def _starts(body: bytes) -> list[str]:
    return [line for line in unfold(body) if line.startswith("DTSTART")]


@pytest.mark.parametrize(
    ("start", "end", "first", "last", "count"),
    [
        # The example's monthly review (first Monday, 09:00 Jakarta) opens and closes the
        # window; goal and action due dates are all-day events (DTSTART;VALUE=DATE). The
        # evergreen posts add their November showings and their repeats until March.
        (None, None, "DTSTART:20261102T020000Z", "DTSTART:20270503T020000Z", 99),
        (dt.date(2027, 1, 1), None, "DTSTART:20270103T020000Z", "DTSTART:20270503T020000Z", 27),
        (None, dt.date(2026, 12, 2), "DTSTART:20261102T020000Z", "DTSTART:20261201T090000Z", 9),
        (
            dt.date(2026, 12, 21),
            dt.date(2026, 12, 23),
            "DTSTART:20261221T120000Z",
            "DTSTART:20261222T090000Z",
            4,
        ),
    ],
)
def test_start_and_end_choose_the_days(
    plan_path: Path,
    start: dt.date | None,
    end: dt.date | None,
    first: str,
    last: str,
    count: int,
) -> None:
    """Dates in the brand's zone, end exclusive; a start after now is no longer ignored.

    Regression: a start in the future (or an end in the past) was clamped to now.
    """
    body = publish_feed(load(plan_path), now=NOW, start=start, end=end, use_state=False).body
    starts = _starts(body)
    assert (starts[0], starts[-1], len(starts)) == (first, last, count)


def test_an_end_in_the_past_is_honoured(plan_path: Path) -> None:
    """Regression: --end before now was clamped to now and showed everything up to now."""
    body = publish_feed(
        load(plan_path),
        now=dt.datetime(2026, 12, 20, 8),
        start=dt.date(2026, 12, 1),
        end=dt.date(2026, 12, 2),
        use_state=False,
    ).body
    assert _starts(body) == ["DTSTART:20261201T050000Z", "DTSTART:20261201T090000Z"]


@pytest.mark.parametrize("end", [dt.date(2026, 12, 5), dt.date(2026, 12, 1)])
def test_an_end_not_after_the_start_is_an_invalid_option(plan_path: Path, end: dt.date) -> None:
    """An empty window is a mistake worth saying, not an empty feed."""
    with pytest.raises(InvalidOptionError) as caught:
        publish_feed(load(plan_path), now=NOW, start=dt.date(2026, 12, 5), end=end)
    assert str(caught.value) == f"the end ({end}) must be after the start (2026-12-05)"


def test_a_filtered_feed_still_keeps_the_whole_state(plan_path: Path) -> None:
    """--platform whatsapp writes stamps for every event, so the next full feed agrees."""
    only = publish_feed(
        load(plan_path), now=NOW, window=FeedWindow(platform="whatsapp"), save_state=True
    )
    assert only.events == 8
    assert len(json.loads(STATE.read_text(encoding="utf-8"))["events"]) == 99
    mtime = age(STATE)
    publish_feed(load(plan_path), now=LATER, save_state=True)
    assert STATE.stat().st_mtime_ns == mtime


# --- publish_feeds: the static site -----------------------------------------------------------


SITE_FILES = (
    "all.ics",
    "platform/instagram.ics",
    "platform/facebook.ics",
    "platform/whatsapp.ics",
    "owner/budi.ics",
    "owner/sari.ics",
    "index.html",
)


def test_publish_feeds_writes_every_file_as_built_in_memory(plan_path: Path) -> None:
    """Files on disk are exactly build_site's; the state is saved, and only once."""
    result = publish_feeds(
        load(plan_path),
        now=NOW,
        out_dir="site",
        base_url="https://cal.example.com/batik/",
        save_state=True,
    )
    assert result.files == (*SITE_FILES[:-1], *result.pages, "index.html")
    assert len(result.pages) == len(result.rewritten) == 78
    assert result.warnings == ()
    placed = site_schedule(load(plan_path), now=NOW)
    site = build_site(placed, base_url="https://cal.example.com/batik/", pages=site_pages(placed))
    for path in result.files:
        assert (Path("site") / path).read_bytes() == site.files[path], path
    assert STATE.read_text(encoding="utf-8") == site.state.to_json()
    mtime = age(STATE)
    publish_feeds(load(plan_path), now=LATER, out_dir="site", save_state=True)
    assert STATE.stat().st_mtime_ns == mtime
    assert (Path("site") / "all.ics").read_bytes() == build_site(
        schedule(load(plan_path), now=NOW)
    ).files["all.ics"]


def test_publish_feeds_into_an_unwritable_place_is_an_output_error(plan_path: Path) -> None:
    """Regression: a file where a folder should be raised a bare FileExistsError."""
    Path("site").write_text("in the way", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        publish_feeds(load(plan_path), now=NOW, out_dir="site")
    assert str(caught.value) == "cannot write site: File exists"
    Path("site").unlink()
    Path("site").mkdir()
    Path("site/platform").write_text("in the way", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        publish_feeds(load(plan_path), now=NOW, out_dir="site")
    assert str(caught.value) == "cannot write site/platform/instagram.ics: File exists"


# --- the server, end to end ---------------------------------------------------------------


def get(server: FeedServer, target: str) -> tuple[int, bytes]:
    """Status and body of one GET."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def serving(plan_path: Path) -> Iterator[Callable[[], FeedServer]]:
    """Start the real builder behind a server on a free port (clock fixed at NOW)."""
    servers: list[tuple[FeedServer, threading.Thread]] = []

    def start() -> FeedServer:
        builder = SiteBuilder(str(plan_path), clock=lambda: NOW)
        # Rebuilds inside the request: these tests look at what an edit does, not when.
        cache = SiteCache(
            builder.build, builder.watched, check_interval=0, now=lambda: NOW, background=False
        )
        server = make_server(cache, host="127.0.0.1", port=0)
        thread = threading.Thread(
            target=serve_forever, args=(server,), kwargs={"poll_interval": 0.01}, daemon=True
        )
        thread.start()
        servers.append((server, thread))
        return server

    yield start
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=5)
        assert not thread.is_alive()


def test_the_server_serves_what_contentcal_feeds_writes(
    serving: Callable[[], FeedServer], tmp_path: Path
) -> None:
    """Same plan, same now: GET /all.ics (and every other file) = the files on disk."""
    shutil.copytree(EXAMPLE.parent, tmp_path / "other")
    result = CliRunner().invoke(
        cli,
        ["feeds", "other/plan.toml", "--out", "site", *NOW_ARGS],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    server = serving()
    assert get(server, "/all.ics") == (200, (tmp_path / "site" / "all.ics").read_bytes())
    for path in SITE_FILES:
        if path != "index.html":
            assert get(server, f"/{path}") == (200, (tmp_path / "site" / path).read_bytes()), path
    # The served index has absolute subscribe links for the address it was asked at: the
    # page `feeds --base-url` writes for that address.
    base = f"http://127.0.0.1:{server.port}/"
    linked = CliRunner().invoke(
        cli,
        ["feeds", "other/plan.toml", "--out", "linked", "--base-url", base, *NOW_ARGS],
        catch_exceptions=False,
    )
    assert linked.exit_code == 0
    status, index = get(server, "/")
    assert status == 200
    assert index == (tmp_path / "linked" / "index.html").read_bytes()
    assert f'<a href="webcal://127.0.0.1:{server.port}/all.ics">'.encode() in index


def test_an_edit_is_served_on_the_next_request(
    serving: Callable[[], FeedServer], plan_path: Path
) -> None:
    """Move a post in the plan: the next GET has it at the new time, with SEQUENCE 1."""
    server = serving()
    status, before = get(server, "/platform/facebook.ics")
    assert status == 200
    edit(plan_path, HARI_IBU_FB, HARI_IBU_FB_MOVED)
    status, after = get(server, "/platform/facebook.ics")
    assert status == 200
    uid = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
    assert unfold(vevents(before)[uid])[2] == "DTSTART:20261222T050000Z"
    assert unfold(vevents(after)[uid])[2:4] == [
        "DTSTART:20261222T080000Z",
        "DTEND:20261222T081500Z",
    ]
    assert "SEQUENCE:1" in unfold(vevents(after)[uid])
    assert get(server, "/platform/facebook.ics") == (200, after)


def test_an_edit_to_an_included_file_is_served_too(
    serving: Callable[[], FeedServer], plan_path: Path
) -> None:
    """The item files (items/*.csv) are watched as well as plan.toml."""
    server = serving()
    _, before = get(server, "/all.ics")
    csv = plan_path.parent / "items" / "january.csv"
    edit(csv, "Senin pertama 2027: resolusi Jumat batik", "Senin pertama 2027: resolusi batik")
    _, after = get(server, "/all.ics")
    assert b"resolusi Jumat batik" in before
    assert b"resolusi Jumat batik" not in after
    assert b"SUMMARY:[Instagram] Senin pertama 2027: resolusi batik\r\n" in after


def test_a_broken_edit_keeps_the_last_good_feed_and_logs_where(
    serving: Callable[[], FeedServer], plan_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An unknown pillar: the old feed stays online, the log says file, line and fix."""
    server = serving()
    _, good = get(server, "/all.ics")
    broken = 'id = "batik-care-ig"\nplatform = "instagram"\npillar = "edu"'
    with caplog.at_level(logging.ERROR, logger="contentcal.serve"):
        edit(plan_path, broken.replace('"edu"', '"education"'), broken)
        assert get(server, "/all.ics") == (200, good)
        assert get(server, "/platform/instagram.ics")[0] == 200
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [
        f"{plan_path}:363: items[10].pillar: item 'batik-care-ig': unknown pillar 'edu' "
        "(did you mean 'education'?)"
    ]
    edit(plan_path, broken, broken.replace('"edu"', '"entertainment"'))
    _, fixed = get(server, "/all.ics")
    assert fixed != good
    uid = uid_of("Batik Cikarang", "instagram", "batik-care-ig")
    assert "CATEGORIES:instagram,entertainment,followers-q1" in unfold(vevents(fixed)[uid])


def test_time_moves_the_served_feeds_without_an_edit(plan_path: Path) -> None:
    """Regression (issue #11): the served feed went stale while time passed. The build knows
    when the schedule can next change (here: Monday's 19:00 Instagram slot passes); the first
    request after it starts a rebuild, and the moved post keeps its UID with SEQUENCE 1."""
    clock = [NOW]
    # An absolute path: the rebuild runs in another thread, which must not depend on the
    # working directory the test sets (and restores when it ends).
    builder = SiteBuilder(str(plan_path.resolve()), clock=lambda: clock[0])
    cache = SiteCache(builder.build, builder.watched, check_interval=0, now=lambda: clock[0])
    try:
        _time_moves(cache, clock)
    finally:
        assert cache.settle(timeout=60)


def _time_moves(cache: SiteCache, clock: list[dt.datetime]) -> None:
    first = cache.resources()
    expires = dt.datetime(2026, 11, 30, 12, 0, 0, 1, tzinfo=dt.UTC)
    assert cache.expires == expires

    clock[0] = expires - dt.timedelta(microseconds=1)
    assert cache.resources() is first  # not due: no rebuild at all

    clock[0] = expires
    assert cache.resources() is first  # due: the rebuild runs off the request path
    assert cache.settle(timeout=30)
    moved = cache.resources()

    # Monday's 19:00 Instagram slot (12:00 UTC) has passed: the posts queued there move on
    # (and story steps that follow them on other platforms), each keeping its UID with
    # SEQUENCE 1.
    before, after = vevents(first["all.ics"].body), vevents(moved["all.ics"].body)
    assert set(before) == set(after)
    changed = [uid for uid in after if after[uid] != before[uid]]
    assert changed
    for uid in changed:
        old, new = unfold(before[uid]), unfold(after[uid])
        assert old[2] != new[2], uid  # DTSTART
        assert "SEQUENCE:1" in new, uid
    passed = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC).strftime("DTSTART:%Y%m%dT%H%M%SZ")
    assert any(passed in unfold(before[uid]) for uid in changed)
    assert moved["all.ics"].etag != first["all.ics"].etag
    assert moved["platform/whatsapp.ics"].etag == first["platform/whatsapp.ics"].etag
    assert cache.expires == dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)  # midnight WIB


# --- the state cannot be poisoned (issue #16) -------------------------------------------------

FUTURE = dt.datetime(2027, 3, 1, 8, 0, tzinfo=NOW.tzinfo)
"""A pretend `now` three months ahead (the issue's `ics --now 2027-03-01`)."""
REAL = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
"""The real time of the run that saves the state (= NOW)."""
HARI_IBU_CONFIRMED = 'status = "approved"\nat = 2026-12-22T12:00:00'
HARI_IBU_CANCELLED = 'status = "cancelled"\nat = 2026-12-22T12:00:00'


def stamps(body: bytes) -> set[str]:
    return {line for line in unfold(body) if line.startswith(("DTSTAMP:", "LAST-MODIFIED:"))}


def test_without_save_state_nothing_is_written(plan_path: Path) -> None:
    """An explicit clock is every library call: the state is read, written only on request."""
    publish_feed(load(plan_path), now=NOW)
    publish_feeds(load(plan_path), now=NOW, out_dir="site")
    assert not STATE.parent.exists()
    publish_feed(load(plan_path), now=NOW, save_state=True)
    saved = STATE.read_bytes()
    edit(plan_path, HARI_IBU_FB, HARI_IBU_FB_MOVED)
    moved = publish_feed(load(plan_path), now=LATER)
    assert "SEQUENCE:1" in unfold(
        vevents(moved.body)[uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")]
    )
    assert STATE.read_bytes() == saved


def test_a_pretend_future_cannot_leave_future_stamps(plan_path: Path) -> None:
    """Regression: after ``ics --now 2027-03-01`` a real run published DTSTAMP:20270228T170000Z.

    Saving after a run with a pretend `now` caps every stamp at `written_at`, the real
    time; the next real run shows no stamp later than its own time.
    """
    preview = publish_feed(load(plan_path), now=FUTURE, save_state=True, written_at=REAL)
    assert stamps(preview.body) == {"DTSTAMP:20261130T010000Z", "LAST-MODIFIED:20261130T010000Z"}
    saved = FeedState.from_json(STATE.read_text(encoding="utf-8"))
    assert max(entry.modified for entry in saved.entries.values()) == REAL
    real_run = publish_feed(load(plan_path), now=LATER, save_state=True)
    assert max(stamps(real_run.body)) <= "LAST-MODIFIED:20261130T040000Z"
    assert all(
        line.endswith(("20261130T010000Z", "20261130T040000Z")) for line in stamps(real_run.body)
    )


def test_a_poisoned_state_heals_on_the_next_saving_run(plan_path: Path) -> None:
    """A state written by an older contentcal with future stamps is capped, not trusted."""
    poisoned = publish_feed(load(plan_path), now=FUTURE, save_state=True, written_at=FUTURE)
    assert stamps(poisoned.body) == {"DTSTAMP:20270301T010000Z", "LAST-MODIFIED:20270301T010000Z"}
    healed = publish_feed(load(plan_path), now=LATER, save_state=True)
    assert stamps(healed.body) == {"DTSTAMP:20261130T040000Z", "LAST-MODIFIED:20261130T040000Z"}
    saved = FeedState.from_json(STATE.read_text(encoding="utf-8"))
    assert max(entry.modified for entry in saved.entries.values()) <= LATER


def test_events_gone_longer_than_the_past_window_are_pruned(plan_path: Path) -> None:
    """A deleted post is remembered for [feeds] past (30 days), then forgotten.

    Regression: the state kept every entry forever.
    """
    publish_feed(load(plan_path), now=NOW, save_state=True)
    uid = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
    edit(plan_path, HARI_IBU_CONFIRMED, HARI_IBU_CANCELLED)
    publish_feed(load(plan_path), now=LATER, save_state=True)
    entry = json.loads(STATE.read_text(encoding="utf-8"))["events"][uid]
    assert entry["gone"] == "2026-11-30T04:00:00Z"
    publish_feed(load(plan_path), now=LATER + dt.timedelta(days=30), save_state=True)
    assert uid in json.loads(STATE.read_text(encoding="utf-8"))["events"]
    publish_feed(load(plan_path), now=LATER + dt.timedelta(days=30, seconds=1), save_state=True)
    assert uid not in json.loads(STATE.read_text(encoding="utf-8"))["events"]


def test_a_post_back_within_the_window_continues_its_sequence(plan_path: Path) -> None:
    """Cancelled, then moved and restored a week later: SEQUENCE 1, not a restart at 0."""
    publish_feed(load(plan_path), now=NOW, save_state=True)
    edit(plan_path, HARI_IBU_CONFIRMED, HARI_IBU_CANCELLED)
    publish_feed(load(plan_path), now=LATER, save_state=True)
    edit(plan_path, HARI_IBU_CANCELLED, HARI_IBU_CONFIRMED)
    edit(plan_path, HARI_IBU_FB, HARI_IBU_FB_MOVED)
    back = publish_feed(load(plan_path), now=LATER + dt.timedelta(days=7), save_state=True)
    uid = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
    assert "SEQUENCE:1" in unfold(vevents(back.body)[uid])
    assert "gone" not in json.loads(STATE.read_text(encoding="utf-8"))["events"][uid]


def test_counts_come_from_the_feeds_not_the_state(write_files: WriteFiles, tmp_path: Path) -> None:
    """Regression: publish_feeds reported len(state.entries): 2 events for a feed with 0."""
    item = '\n[[items]]\nid = "beans"\nplatform = "instagram"\ntitle = "New beans"\n'
    plan = write_files({"plan.toml": MINIMAL_PLAN + item + "at = 2026-12-02T19:00:00\n"})
    assert publish_feeds(load(plan), now=NOW, out_dir="site", save_state=True).events == 2
    (tmp_path / "plan.toml").write_text(MINIMAL_PLAN, encoding="utf-8")
    result = publish_feeds(load(plan), now=LATER, out_dir="site", save_state=True)
    assert result.events == Path("site/all.ics").read_bytes().count(b"BEGIN:VEVENT") == 0
    assert len(json.loads((tmp_path / ".contentcal/feed-state.json").read_text())["events"]) == 2
    assert publish_feed(load(plan), now=LATER).events == 0


# --- the brand id: renaming the business keeps every UID (issue #16) --------------------------


def rename(plan_path: Path, new_name: str) -> None:
    edit(plan_path, 'name = "Batik Cikarang"', f'name = "{new_name}"')


def test_the_first_saved_run_records_the_brand_id(plan_path: Path) -> None:
    """No [brand] id: the name of the first saved run is recorded, and today's UIDs stay."""
    result = publish_feed(load(plan_path), now=NOW, save_state=True)
    assert json.loads(STATE.read_text(encoding="utf-8"))["brand"] == "Batik Cikarang"
    assert uid_of("Batik Cikarang", "facebook", "hari-ibu-fb") in vevents(result.body)


def test_renaming_the_brand_changes_no_uid(plan_path: Path) -> None:
    """Regression: UIDs were hashed from [brand] name; a rename duplicated every event."""
    before = publish_feeds(load(plan_path), now=NOW, out_dir="before", save_state=True)
    rename(plan_path, "Batik Cikarang Jaya")
    after = publish_feeds(load(plan_path), now=LATER, out_dir="after", save_state=True)
    assert before.files == after.files
    for path in before.files:
        if path.endswith(".ics"):
            old = (Path("before") / path).read_bytes()
            new = (Path("after") / path).read_bytes()
            assert list(vevents(old)) == list(vevents(new)), path
            old_uid = next(line for line in unfold(old) if line.startswith("UID:"))
            assert old_uid == next(line for line in unfold(new) if line.startswith("UID:"))
    assert b"X-WR-CALNAME:Batik Cikarang Jaya" in (Path("after") / "all.ics").read_bytes()
    assert json.loads(STATE.read_text(encoding="utf-8"))["brand"] == "Batik Cikarang"


def test_an_explicit_brand_id_wins(plan_path: Path) -> None:
    """[brand] id = "..." names the UIDs, whatever the state or the name says."""
    publish_feed(load(plan_path), now=NOW, save_state=True)
    edit(plan_path, 'name = "Batik Cikarang"', 'name = "Batik Cikarang"\nid = "batik-cikarang"')
    result = publish_feed(load(plan_path), now=LATER, save_state=True)
    assert uid_of("batik-cikarang", "facebook", "hari-ibu-fb") in vevents(result.body)
    assert json.loads(STATE.read_text(encoding="utf-8"))["brand"] == "batik-cikarang"
    rename(plan_path, "Batik Jaya")
    renamed = publish_feed(load(plan_path), now=LATER, use_state=False)
    assert list(vevents(renamed.body)) == list(vevents(result.body))


def test_a_server_without_saving_remembers_edits_in_memory(plan_path: Path) -> None:
    """SiteBuilder with a fake clock writes no state, yet a move still raises SEQUENCE."""
    builder = SiteBuilder(str(plan_path), clock=lambda: NOW)
    builder.build()
    edit(plan_path, HARI_IBU_FB, HARI_IBU_FB_MOVED)
    site = builder.build()
    uid = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
    assert "SEQUENCE:1" in unfold(vevents(site.files["platform/facebook.ics"])[uid])
    assert not STATE.parent.exists()
    SiteBuilder(str(plan_path), clock=lambda: NOW, save_state=True).build()
    assert STATE.is_file()


# --- pages one at a time, files synced in batches ---------------------------------------------


def test_pages_are_rendered_one_at_a_time_and_written_as_the_dict(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """iter_site_pages gives site_pages' pairs in order; write_feeds hands each page to the
    writer before the next is rendered, and the files are the same as from the whole dict."""
    placed = site_schedule(load(plan_path), now=NOW)
    whole = site_pages(placed)
    assert list(iter_site_pages(placed)) == list(whole.items())
    seen: list[str] = []
    handed: list[str] = []
    write = files_site.SiteWriter.write

    def recorded(self: files_site.SiteWriter, path: str, *args: Any, **kwargs: Any) -> bool:
        handed.append(path)
        return write(self, path, *args, **kwargs)

    monkeypatch.setattr(files_site.SiteWriter, "write", recorded)

    def stream() -> Iterator[tuple[str, bytes]]:
        for path, data in iter_site_pages(placed):
            # The writer has every earlier page by now: nothing piles up.
            assert handed[-len(seen) :] == seen if seen else True
            seen.append(path)
            yield path, data

    streamed, _ = write_feeds(placed, "streamed", pages=stream())
    from_dict, _ = write_feeds(placed, "whole", pages=whole)
    assert streamed == from_dict
    assert seen == list(whole)
    for path in from_dict:
        assert (Path("streamed") / path).read_bytes() == (Path("whole") / path).read_bytes()


def test_a_page_that_fails_to_render_leaves_no_temporary(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files staged but not yet synced and renamed are removed when the run fails."""
    placed = site_schedule(load(plan_path), now=NOW)

    def broken() -> Iterator[tuple[str, bytes]]:
        yield "month/2026-12.html", b"a page"
        raise RuntimeError("a bug while rendering")

    with pytest.raises(RuntimeError):
        write_feeds(placed, "site", pages=broken())
    assert not list(Path(".").glob(f"**/*{TEMP_SUFFIX}"))
    assert not list(Path(".").glob(".site.contentcal-staging/*"))


def test_a_failed_sync_replaces_no_file_of_its_batch(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk met by the batch's sync: an OutputError naming the file, the published
    files keep their old bytes, and no temporary is left behind."""
    placed = site_schedule(load(plan_path), now=NOW)
    write_feeds(placed, "site", pages=site_pages(placed))
    before = {path: path.read_bytes() for path in Path("site").rglob("*") if path.is_file()}
    later = site_schedule(load(plan_path), now=LATER)

    def broken_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OutputError) as caught:
        write_feeds(later, "site", pages=site_pages(later))
    assert str(caught.value) == "cannot write site/all.ics: No space left on device"
    after = {path: path.read_bytes() for path in Path("site").rglob("*") if path.is_file()}
    assert after == before
    assert not list(Path(".").glob(f"**/*{TEMP_SUFFIX}"))
    assert not list(Path(".").glob(".site.contentcal-staging/*"))


def test_batches_commit_as_they_fill(plan_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With batches of 7 files, every file is still written once, with the same bytes."""
    placed = site_schedule(load(plan_path), now=NOW)
    pages = site_pages(placed)
    whole, _ = write_feeds(placed, "whole", pages=pages)
    monkeypatch.setattr(files_site, "BATCH_FILES", 7)
    syncs: list[int] = []
    commit = files_site.commit_staged

    def counted(staged: Sequence[Staged]) -> None:
        syncs.append(len(staged))
        commit(staged)

    monkeypatch.setattr(files_site, "commit_staged", counted)
    small, _ = write_feeds(placed, "small", pages=pages)
    assert small == whole
    assert sum(syncs) == len(whole)
    assert max(syncs) == 7
    for path in whole:
        assert (Path("small") / path).read_bytes() == (Path("whole") / path).read_bytes()


def test_without_syncfs_each_file_is_synced_while_open(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where there is no syncfs (not Linux), every file is fsynced through the handle that
    wrote it, before the rename; the files are the same, and a failed sync leaves the old."""
    placed = site_schedule(load(plan_path), now=NOW)
    pages = site_pages(placed)
    with_syncfs, _ = write_feeds(placed, "linux", pages=pages)
    monkeypatch.setattr(files_atomic, "_syncfs", lambda: None)
    synced: list[int] = []
    fsync = os.fsync

    def counted(descriptor: int) -> None:
        synced.append(descriptor)
        fsync(descriptor)

    monkeypatch.setattr(os, "fsync", counted)
    elsewhere, _ = write_feeds(placed, "elsewhere", pages=pages)
    assert elsewhere == with_syncfs
    assert len(synced) == len(elsewhere)
    for path in elsewhere:
        assert (Path("elsewhere") / path).read_bytes() == (Path("linux") / path).read_bytes()

    def broken_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    before = (Path("elsewhere") / "all.ics").read_bytes()
    later = site_schedule(load(plan_path), now=LATER)
    with pytest.raises(OutputError) as caught:
        write_feeds(later, "elsewhere", pages=site_pages(later))
    assert str(caught.value) == "cannot write elsewhere/all.ics: No space left on device"
    assert (Path("elsewhere") / "all.ics").read_bytes() == before
    assert not list(Path(".").glob(f"**/*{TEMP_SUFFIX}"))
