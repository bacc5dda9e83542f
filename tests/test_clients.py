"""Real subscribing clients read what ``contentcal serve`` serves (issue #11).

Each client gets the feed the way a subscriber's copy would, from the server on 127.0.0.1
(the real :class:`~contentcal.publishing.pipeline.SiteBuilder`, clock fixed at NOW):

- vdirsyncer's ``http`` storage syncs it into a filesystem vdir, and khal lists that vdir;
- a mirror script copies it event by event into Radicale through the ``caldav`` client;
- node-ical fetches it from its URL;
- libical (Debian's ``gir1.2-ical-3.0``) parses it.

What each client ends up with is compared with the schedule: event count, UIDs (where the
client keeps them) and UTC instants. Then the plan is edited (one post moved, another
deleted) and the client syncs again: the moved event has its UID with SEQUENCE + 1, the
deleted one is gone.

The Python clients come with the dev extra, the npm ones from ``python -m
tests.interop.setup``; missing ones make these tests fail with that command, not skip.
libical needs Debian packages, which ``.ci/run`` installs where it can
(``CONTENTCAL_REQUIRE_LIBICAL=1`` then makes its absence a failure); elsewhere that one
test is skipped with the command to run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest

from contentcal.files.load import load
from contentcal.publishing.feeds import build_calendar, load_state, state_path
from contentcal.publishing.pipeline import SiteBuilder
from contentcal.publishing.serve import SiteCache, make_server, serve_forever
from contentcal.scheduling.place import schedule
from tests.interop import setup

from .conftest import EXAMPLE, NOW
from .test_feeds import uid_of

BIN = Path(sys.executable).parent
MOVED = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
DELETED = uid_of("Batik Cikarang", "whatsapp", "year-end-sale-wa")
DELETED_REPLY = uid_of("Batik Cikarang", "whatsapp", "year-end-sale-wa", "reply")


@attrs.frozen
class Seen:
    """One event as a client holds it: the comparable part."""

    start: dt.datetime | dt.date
    """UTC instant (whole seconds), or a date for an all-day event."""

    end: dt.datetime | dt.date
    """Same form as `start`."""

    sequence: int
    """SEQUENCE, 0 when absent."""


def utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def seen_from_icalendar(event: Any) -> tuple[str, Seen]:
    """A VEVENT read by icalendar (for what a client stored): UID and its Seen."""

    def moment(value: dt.datetime | dt.date) -> dt.datetime | dt.date:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC)
        return value

    return str(event["UID"]), Seen(
        start=moment(event["DTSTART"].dt),
        end=moment(event["DTEND"].dt),
        sequence=int(event.get("SEQUENCE", 0)),
    )


class Served:
    """A copy of the example plan behind a real server, and what its schedule says."""

    def __init__(self, folder: Path) -> None:
        shutil.copytree(EXAMPLE.parent, folder)
        self.plan = folder / "plan.toml"
        # save_state: `expected` reads the state the server's builds used.
        builder = SiteBuilder(str(self.plan), clock=lambda: NOW, save_state=True)
        # Rebuilt inside the request after an edit, so a client's next sync sees it.
        cache = SiteCache(
            builder.build, builder.watched, check_interval=0, now=lambda: NOW, background=False
        )
        self.server = make_server(cache, port=0)
        self.thread = threading.Thread(
            target=serve_forever, args=(self.server,), kwargs={"poll_interval": 0.05}
        )
        self.thread.start()
        self.url = f"{self.server.base_url}all.ics"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)

    def feed(self) -> bytes:
        with urllib.request.urlopen(self.url, timeout=30) as response:  # noqa: S310 - loopback
            data: bytes = response.read()
        return data

    def expected(self) -> dict[str, tuple[str, Seen]]:
        """UID -> (summary, Seen) of ``all.ics`` per the schedule and the saved feed state.

        Call it after a client synced: the server saved the state its build used.
        """
        plan = load(self.plan)
        state, _ = load_state(state_path(plan))
        calendar, _ = build_calendar(schedule(plan, now=NOW), state=state)
        result = {}
        for event in calendar.events:
            start, end = event.start, event.end
            if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
                start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
            result[event.uid] = (event.summary, Seen(start, end, event.sequence))
        return result

    def edit(self) -> None:
        """Move hari-ibu-fb three hours later and delete year-end-sale-wa from the plan
        (with the result row measured on it, which would otherwise name an unknown item)."""
        text = self.plan.read_text(encoding="utf-8")
        moved = text.replace("at = 2026-12-22T12:00:00", "at = 2026-12-22T15:00:00")
        start = moved.index('[[items]]\nid = "year-end-sale-wa"')
        end = moved.index("[[items]]", start + 1)
        self.plan.write_text(moved[:start] + moved[end:], encoding="utf-8")
        results = self.plan.parent / "results" / "december.csv"
        if results.is_file():
            rows = results.read_text(encoding="utf-8").splitlines(keepends=True)
            kept = [row for row in rows if ",year-end-sale-wa," not in row]
            results.write_text("".join(kept), encoding="utf-8")
            touch_later(results)
        touch_later(self.plan)


def touch_later(path: Path) -> None:
    """Move mtime a whole second on, so coarse file-system timestamps still differ."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path / "batik")
    try:
        yield server
    finally:
        server.stop()


def by_uid(expected: dict[str, tuple[str, Seen]]) -> dict[str, Seen]:
    return {uid: seen for uid, (_, seen) in expected.items()}


def assert_edit_seen(before: dict[str, Seen], after: dict[str, Seen]) -> None:
    """The moved post kept its UID with SEQUENCE + 1 and a new start; the deleted one left."""
    assert after[MOVED].sequence == before[MOVED].sequence + 1
    assert after[MOVED].start == dt.datetime(2026, 12, 22, 8, 0, tzinfo=dt.UTC)
    assert before[MOVED].start == dt.datetime(2026, 12, 22, 5, 0, tzinfo=dt.UTC)
    assert DELETED in before
    assert DELETED_REPLY in before
    assert DELETED not in after
    assert DELETED_REPLY not in after


def run(*command: str | Path, **options: Any) -> subprocess.CompletedProcess[str]:
    """Run a client; its output is part of the failure message when it fails."""
    completed = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        stdin=subprocess.DEVNULL,
        **options,
    )
    assert completed.returncode == 0, (command, completed.stdout, completed.stderr)
    return completed


def client(name: str) -> Path:
    """A console script of the dev extra, next to this Python."""
    path = BIN / name
    assert path.is_file(), (
        f"{name} is not installed next to {sys.executable}: "
        "pip install -e '.[dev,holidays]' installs it"
    )
    return path


# --- vdirsyncer (http storage -> filesystem vdir) and khal --------------------------------------


class Vdirsyncer:
    """A vdirsyncer pair from the served feed into a vdir, and khal over that vdir."""

    def __init__(self, folder: Path, url: str) -> None:
        self.vdir = folder / "vdir"
        self.vdir.mkdir(parents=True)
        self.config = folder / "vdirsyncer.conf"
        self.config.write_text(
            f'[general]\nstatus_path = "{folder / "status"}/"\n\n'
            '[pair feed]\na = "feed_remote"\nb = "feed_local"\ncollections = null\n'
            'conflict_resolution = "a wins"\n\n'
            f'[storage feed_remote]\ntype = "http"\nurl = "{url}"\n\n'
            f'[storage feed_local]\ntype = "filesystem"\npath = "{self.vdir}/"\n'
            'fileext = ".ics"\n',
            encoding="utf-8",
        )
        self.khal_config = folder / "khal.conf"
        self.khal_config.write_text(
            f"[calendars]\n[[feed]]\npath = {self.vdir}/\ntype = calendar\n\n"
            "[locale]\nlocal_timezone = UTC\ndefault_timezone = UTC\ntimeformat = %H:%M\n"
            "dateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
            "datetimeformat = %Y-%m-%dT%H:%M\nlongdatetimeformat = %Y-%m-%dT%H:%M\n\n"
            f"[sqlite]\npath = {folder / 'khal.db'}\n",
            encoding="utf-8",
        )
        run(client("vdirsyncer"), "-c", self.config, "discover")

    def sync(self) -> list[tuple[str, Seen]]:
        """Sync, then read every item vdirsyncer stored: (summary, Seen), sorted."""
        run(client("vdirsyncer"), "-c", self.config, "sync")
        stored = []
        for path in sorted(self.vdir.glob("*.ics")):
            calendar = icalendar.Calendar.from_ical(path.read_bytes())
            (event,) = calendar.walk("VEVENT")
            stored.append((str(event["SUMMARY"]), seen_from_icalendar(event)[1]))
        return sorted(stored, key=repr)

    def khal(self) -> list[tuple[str, str, str]]:
        """What ``khal list`` shows for the next year and a half: (title, start, end), sorted."""
        listed = run(
            client("khal"),
            "-c",
            self.khal_config,
            "list",
            "--once",
            "--day-format",
            "",
            "--format",
            "{title}\t{start-long}\t{end-long}",
            "2026-10-01",
            "540d",
        )
        return sorted(tuple(line.split("\t")) for line in listed.stdout.splitlines() if line)  # type: ignore[misc]


def khal_view(expected: dict[str, tuple[str, Seen]]) -> list[tuple[str, str, str]]:
    """The schedule as khal shows it in UTC (all-day events end on their last day)."""

    def show(value: dt.datetime | dt.date, *, end: bool = False) -> str:
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%dT%H:%M")
        return (value - dt.timedelta(days=1) if end else value).isoformat()

    return sorted(
        (summary, show(seen.start), show(seen.end, end=True)) for summary, seen in expected.values()
    )


def test_vdirsyncer_and_khal_keep_every_event(served: Served, tmp_path: Path) -> None:
    """Regression (issue #11): vdirsyncer kept 1 of 72 events. Now every event arrives at its
    instant, khal lists them all, and an edit arrives as one move and one deletion.

    vdirsyncer's http storage replaces each UID with a hash of the event's content (by
    design: feeds' UIDs are often unstable), so events are compared by what they show."""
    sync = Vdirsyncer(tmp_path / "vdirsyncer", served.url)
    stored = sync.sync()
    expected = served.expected()
    assert len(expected) > 72  # posts, reply events, review meetings and due dates
    assert stored == sorted(expected.values(), key=repr)
    assert sync.khal() == khal_view(expected)

    served.edit()
    stored = sync.sync()
    edited = served.expected()
    assert_edit_seen(by_uid(expected), by_uid(edited))
    assert len(edited) == len(expected) - 2  # the deleted post and its reply event
    assert stored == sorted(edited.values(), key=repr)
    assert sync.khal() == khal_view(edited)
    moved_summary, moved = edited[MOVED]
    assert (moved_summary, moved) in stored
    assert moved.sequence == 1


def test_a_calendar_level_uid_collapses_the_feed_in_vdirsyncer(
    served: Served, tmp_path: Path
) -> None:
    """Why ``calendar_uid`` is off by default: with it, vdirsyncer stores a single event."""
    text = served.plan.read_text(encoding="utf-8")
    served.plan.write_text(text + "\n[feeds]\ncalendar_uid = true\n", encoding="utf-8")
    stat = served.plan.stat()
    os.utime(served.plan, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert b"\r\nUID:" in served.feed().split(b"BEGIN:VEVENT")[0]

    stored = Vdirsyncer(tmp_path / "vdirsyncer", served.url).sync()

    assert len(stored) == 1


# --- Radicale through the caldav client -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """A Radicale CalDAV server on a free loopback port (any user, no password check)."""
    port = free_port()
    log = (tmp_path / "radicale.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--storage-filesystem-folder",
            str(tmp_path / "radicale"),
            "--auth-type",
            "none",
            "--logging-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,  # a file: a pipe nobody reads would fill up and stall the server
    )
    try:
        for _ in range(300):  # up to 30 s for it to listen
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    message = (tmp_path / "radicale.log").read_text(encoding="utf-8")
                    raise AssertionError(f"radicale exited: {message}") from None
                threading.Event().wait(0.1)
        else:
            raise AssertionError("radicale did not start listening within 30 s")
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def mirror(feed: bytes, calendar: Any) -> None:
    """What a feed-to-CalDAV mirror does: put every event, delete the ones that are gone."""
    parsed = icalendar.Calendar.from_ical(feed)
    present = set()
    for event in parsed.walk("VEVENT"):
        single = icalendar.Calendar()
        single.add("VERSION", "2.0")
        single.add("PRODID", str(parsed["PRODID"]))
        single.add_component(event)
        # caldav 3 raises SEQUENCE on every save unless told not to; a mirror must keep
        # the publisher's, or every sync looks like a move to the calendar's users.
        calendar.add_event(single.to_ical().decode("utf-8"), increase_seqno=False)
        present.add(str(event["UID"]))
    for stored in calendar.events():
        if str(stored.icalendar_component["UID"]) not in present:
            stored.delete()


def test_caldav_round_trip_into_radicale(served: Served, radicale: str) -> None:
    """Radicale (which validates every object) takes each event; read back through caldav,
    UIDs, instants and sequences are the schedule's, before and after an edit."""
    import caldav

    login = {"username": "editor", "password": "unused"}  # Radicale runs with --auth-type none
    with caldav.DAVClient(url=radicale, **login) as dav:
        calendar = dav.principal().make_calendar(name="Batik Cikarang", cal_id="batik")

        def stored() -> dict[str, Seen]:
            return dict(seen_from_icalendar(e.icalendar_component) for e in calendar.events())

        mirror(served.feed(), calendar)
        before = stored()
        expected = served.expected()
        assert before == by_uid(expected)
        assert len(before) == len(expected) > 72

        served.edit()
        mirror(served.feed(), calendar)
        after = stored()
        assert after == by_uid(served.expected())
        assert_edit_seen(before, after)


# --- node-ical -------------------------------------------------------------------------------


def node_ical(url: str) -> dict[str, Seen]:
    node = setup.node()
    completed = run(node, setup.script("nodeical_fetch.mjs"), url, env={**os.environ, "TZ": "UTC"})
    result = {}
    for event in json.loads(completed.stdout):
        start, end = utc(event["start"] / 1000), utc(event["end"] / 1000)
        if event["date"]:
            result[event["uid"]] = Seen(start.date(), end.date(), event["sequence"])
        else:
            result[event["uid"]] = Seen(start, end, event["sequence"])
    return result


def test_node_ical_fetches_the_feed(served: Served) -> None:
    """node-ical's fromURL, as a Node.js app subscribes: every UID at its instant."""
    before = node_ical(served.url)
    expected = served.expected()
    assert before == by_uid(expected)

    served.edit()
    after = node_ical(served.url)
    assert after == by_uid(served.expected())
    assert_edit_seen(before, after)


# --- libical ---------------------------------------------------------------------------------

SYSTEM_PYTHON = "/usr/bin/python3"
LIBICAL_SETUP = "apt-get install gir1.2-ical-3.0 python3-gi (Debian, Ubuntu; .ci/run does it)"


def libical_available() -> bool:
    if not Path(SYSTEM_PYTHON).is_file():
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    return probe.returncode == 0


def libical(feed: bytes) -> dict[str, Seen]:
    completed = subprocess.run(
        [SYSTEM_PYTHON, str(Path(__file__).parent / "interop" / "libical_parse.py")],
        input=feed,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    result = {}
    for event in json.loads(completed.stdout):

        def moment(value: dict[str, Any]) -> dt.datetime | dt.date:
            if "date" in value:
                return dt.date.fromisoformat(value["date"])
            assert value["is_utc"], value
            return utc(value["utc"])

        result[event["uid"]] = Seen(moment(event["start"]), moment(event["end"]), event["sequence"])
    return result


def test_libical_reads_the_feed(served: Served) -> None:
    """libical 3 (GNOME, Evolution) reads every UID at its UTC instant, before and after."""
    if not libical_available():
        if os.environ.get("CONTENTCAL_REQUIRE_LIBICAL"):
            pytest.fail(f"libical is required here but missing: {LIBICAL_SETUP}")
        pytest.skip(f"libical's Debian packages are not installed: {LIBICAL_SETUP}")
    before = libical(served.feed())
    expected = served.expected()
    assert before == by_uid(expected)

    served.edit()
    after = libical(served.feed())
    assert after == by_uid(served.expected())
    assert_edit_seen(before, after)
