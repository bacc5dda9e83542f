"""Benchmark the feed writers on an agency-sized feed (issue "agency scale").

Writes the same 100,000-event calendar three ways and reports wall time and memory:

- ``contentcal``: :func:`contentcal.publishing.ics.write_ics`, the streaming writer;
- ``minimal``: a plain hand-written RFC 5545 writer (escape, fold, write per event), the
  yardstick the target is set against (contentcal within 1.5x of its time and memory);
- ``icalendar``: :func:`contentcal.publishing.ics.to_icalendar` then ``to_ical()``, the reference.

Each writer runs in a fresh process, once for time (best of ``--repeat``) and once under
tracemalloc for the peak memory the write itself allocates; the process's max RSS (input
included) is reported too. Output goes to a file in a temporary directory, so the bytes
written are not counted as memory.

    .venv/bin/python benchmarks/ics_bench.py            # 100,000 events
    .venv/bin/python benchmarks/ics_bench.py --events 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from contentcal.publishing.ics import FeedCalendar, FeedEvent, to_icalendar, write_ics

WRITERS = ("contentcal", "minimal", "icalendar")

_DESCRIPTION = (
    "Promo akhir tahun di Kopi Senja! Diskon 50% untuk semua biji kopi arabika Gayo dan "
    "robusta Temanggung ☕️, gratis ongkir ke seluruh Jabodetabek; berlaku sampai 31 "
    "Desember. Tag teman kamu yang paling butuh kafein 😴➡️😎 dan menangkan satu paket "
    "seduh manual (V60, kertas filter, 250 g biji pilihan).\nLink di bio 👉 kopisenja.id"
)


def build_calendar(count: int) -> FeedCalendar:
    """A calendar of `count` posts shaped like a busy agency's: text-heavy, UTF-8, alarms."""
    jakarta = dt.timezone(dt.timedelta(hours=7))
    first = dt.datetime(2026, 1, 5, 9, 0, tzinfo=jakarta)
    stamp = dt.datetime(2025, 12, 1, 10, 30, tzinfo=jakarta)
    pillars = ("promo", "edukasi", "komunitas", "di balik layar")
    networks = ("Instagram", "Facebook", "TikTok", "LinkedIn", "Blog")
    events = []
    for index in range(count):
        # An agency posts for many brands: 100,000 posts fill about a year.
        start = first + dt.timedelta(minutes=5 * index)
        network = networks[index % len(networks)]
        categories = (pillars[index % 4], network) + (("kampanye Q1",) if index % 3 == 0 else ())
        events.append(
            FeedEvent(
                uid=f"{index:08d}-5f1c-4b1e-9a8e-contentcal",
                start=start,
                end=start + dt.timedelta(minutes=30),
                summary=f"{network}: {pillars[index % 4]} #{index} — Kopi Senja",
                stamp=stamp + dt.timedelta(minutes=index % 500),
                description=f"{_DESCRIPTION} ({index})",
                categories=categories,
                url=f"https://app.example.com/brands/kopi-senja/posts/{index}",
                sequence=index % 3,
                alarm_before=dt.timedelta(minutes=15),
            )
        )
    return FeedCalendar(
        prodid="-//contentcal//contentcal 0.1//EN",
        name="Kopi Senja — semua kanal",
        uid="kopi-senja-all@contentcal",
        description="Rencana konten Kopi Senja",
        timezone="Asia/Jakarta",
        refresh=dt.timedelta(hours=1),
        source="https://app.example.com/feeds/kopi-senja.ics",
        events=events,
    )


# --- the yardstick: a minimal hand-written RFC 5545 writer --------------------------------


def _minimal_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _minimal_fold(line: str) -> bytes:
    data = line.encode()
    if len(data) <= 75:
        return data
    pieces = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, 74
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def _minimal_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def minimal_write(cal: FeedCalendar, out: BinaryIO) -> None:
    """What one writes by hand from RFC 5545: correct, unoptimised, one write per event."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_minimal_escape(cal.prodid)}",
        f"NAME:{_minimal_escape(cal.name)}",
        f"X-WR-CALNAME:{_minimal_escape(cal.name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:PT{cal.refresh.seconds // 3600}H",
        f"X-PUBLISHED-TTL:PT{cal.refresh.seconds // 3600}H",
    ]
    out.write(b"\r\n".join(_minimal_fold(line) for line in head) + b"\r\n")
    for event in cal.events:
        if not isinstance(event.start, dt.datetime) or not isinstance(event.end, dt.datetime):
            raise TypeError("the minimal writer only writes timed events")
        lines = [
            "BEGIN:VEVENT",
            f"UID:{_minimal_escape(event.uid)}",
            f"DTSTAMP:{_minimal_utc(event.stamp)}",
            f"DTSTART:{_minimal_utc(event.start)}",
            f"DTEND:{_minimal_utc(event.end)}",
            f"SUMMARY:{_minimal_escape(event.summary)}",
            f"DESCRIPTION:{_minimal_escape(event.description)}",
            "CATEGORIES:" + ",".join(_minimal_escape(name) for name in event.categories),
            f"URL:{event.url}",
            f"SEQUENCE:{event.sequence}",
            f"STATUS:{event.status.value}",
            f"LAST-MODIFIED:{_minimal_utc(event.stamp)}",
        ]
        if event.alarm_before is not None:
            minutes = int(event.alarm_before.total_seconds() // 60)
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{_minimal_escape(event.alarm_text)}",
                f"TRIGGER:-PT{minutes}M",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
        out.write(b"\r\n".join(_minimal_fold(line) for line in lines) + b"\r\n")
    out.write(b"END:VCALENDAR\r\n")


def icalendar_write(cal: FeedCalendar, out: BinaryIO) -> None:
    """The reference: build icalendar's object model, serialise it, write it."""
    out.write(to_icalendar(cal).to_ical())


WRITE: dict[str, Callable[[FeedCalendar, BinaryIO], None]] = {
    "contentcal": write_ics,
    "minimal": minimal_write,
    "icalendar": icalendar_write,
}


# --- one measurement in this process ------------------------------------------------------


def measure(writer: str, count: int, mode: str, repeat: int) -> dict[str, object]:
    """Time (best of `repeat`) or trace one writer; returns a JSON-able result."""
    cal = build_calendar(count)
    write = WRITE[writer]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "feed.ics"
        result: dict[str, object] = {"writer": writer, "mode": mode}
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if mode == "time":
            best_wall = best_cpu = float("inf")
            for _ in range(repeat):
                with path.open("wb") as out:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    write(cal, out)
                    best_cpu = min(best_cpu, time.process_time() - started_cpu)
                    best_wall = min(best_wall, time.perf_counter() - started)
            # CPU time is the steadier number on a machine shared with other work.
            result["seconds"] = best_cpu
            result["wall_seconds"] = best_wall
        else:
            tracemalloc.start()
            with path.open("wb") as out:
                write(cal, out)
            result["traced_peak_bytes"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        result["max_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["rss_before_write_kib"] = rss_before
        data = path.read_bytes()
        result["bytes"] = len(data)
        result["sha256"] = hashlib.sha256(data).hexdigest()
    return result


def run(writer: str, count: int, mode: str, repeat: int) -> dict[str, object]:
    """Measure in a fresh interpreter so one writer's garbage cannot inflate another's."""
    command = [
        sys.executable,
        __file__,
        "--one",
        writer,
        "--mode",
        mode,
        "--events",
        str(count),
        "--repeat",
        str(repeat),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", choices=WRITERS, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("time", "memory"), default="time")
    parser.add_argument(
        "--skip-icalendar",
        action="store_true",
        help="leave out the reference, which takes minutes and ~2 GiB at 100,000 events",
    )
    arguments = parser.parse_args()
    if arguments.one:
        print(
            json.dumps(measure(arguments.one, arguments.events, arguments.mode, arguments.repeat))
        )
        return

    rows = {}
    for writer in WRITERS:
        if writer == "icalendar" and arguments.skip_icalendar:
            continue
        # The reference takes minutes at this size: once is enough to see the gap.
        repeat = 1 if writer == "icalendar" else arguments.repeat
        timed = run(writer, arguments.events, "time", repeat)
        traced = run(writer, arguments.events, "memory", 1)
        rows[writer] = (timed, traced)
    print(f"{arguments.events:,} events, best of {arguments.repeat}; fresh process per row")
    print(
        f"{'writer':<11} {'CPU s':>8} {'x minimal':>9} {'wall s':>8} {'traced peak MiB':>16} "
        f"{'x minimal':>9} {'RSS before MiB':>15} {'max RSS MiB':>12} {'output MiB':>11}"
    )
    base_time = float(rows["minimal"][0]["seconds"])  # type: ignore[arg-type]
    base_peak = int(rows["minimal"][1]["traced_peak_bytes"])  # type: ignore[call-overload]
    for writer, (timed, traced) in rows.items():
        seconds = float(timed["seconds"])  # type: ignore[arg-type]
        peak = int(traced["traced_peak_bytes"])  # type: ignore[call-overload]
        print(
            f"{writer:<11} {seconds:>8.2f} {seconds / base_time:>9.2f} "
            f"{float(timed['wall_seconds']):>8.2f} {peak / 2**20:>16.2f} "  # type: ignore[arg-type]
            f"{peak / base_peak:>9.2f} {int(timed['rss_before_write_kib']) / 1024:>15.0f} "  # type: ignore[call-overload]
            f"{int(timed['max_rss_kib']) / 1024:>12.0f} {int(timed['bytes']) / 2**20:>11.1f}"  # type: ignore[call-overload]
        )
    if "icalendar" in rows:
        same = rows["contentcal"][0]["sha256"] == rows["icalendar"][0]["sha256"]
        print(f"contentcal bytes == icalendar bytes: {same}")


if __name__ == "__main__":
    main()
