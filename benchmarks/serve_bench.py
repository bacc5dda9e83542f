"""Load-test the subscription server with wrk: full GETs and 304 revalidations.

Serves a ~1 MB feed (2,000 fake events) from ``contentcal.publishing.serve`` on 127.0.0.1 and runs
``wrk`` twice against it: plain GETs, then GETs carrying the feed's ETag in If-None-Match.
Needs ``wrk`` on PATH (Debian/Ubuntu: ``apt-get install wrk``).

    .venv/bin/python benchmarks/serve_bench.py [--connections 50] [--duration 10]
        [--threads 2] [--access-log]

``--access-log`` turns on the INFO access log (to a file in a temp dir) to show its cost.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from contentcal.publishing.serve import (
    FeedServer,
    SiteCache,
    StaticSite,
    make_server,
    serve_forever,
)

EVENTS = 2000
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def fake_feed(events: int = EVENTS) -> bytes:
    """A plausible feed: folded-length descriptions, UTC times, one VEVENT per post."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//contentcal//bench//EN"]
    for number in range(events):
        start = START + timedelta(hours=7 * number)
        stamp = start.strftime("%Y%m%dT%H%M%SZ")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{number:08d}-5b1c-5d4e-9f0a-contentcal",
            f"DTSTAMP:{stamp}",
            f"LAST-MODIFIED:{stamp}",
            f"DTSTART:{stamp}",
            "DURATION:PT30M",
            f"SUMMARY:Instagram reel #{number}: autumn sale teaser",
            "DESCRIPTION:Pillar: promotion. Goal: awareness. Caption draft: Our autumn ",
            " sale starts Friday\\, with 20% off all knitwear. Link in bio. #autumn #sal",
            " e #knitwear #smallbusiness",
            "CATEGORIES:promotion,instagram",
            "STATUS:CONFIRMED",
            "SEQUENCE:0",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def run_wrk(url: str, args: argparse.Namespace, script: Path | None) -> tuple[float, str, str]:
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}s",
        "--latency",
    ]
    if script is not None:
        command.append(f"--script={script}")
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if rate is None or p50 is None or p99 is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output:
        print(output)
    return float(rate.group(1)), p50.group(1), p99.group(1)


def status_of(server: FeedServer, headers: dict[str, str]) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", "/all.ics", headers=headers)
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--access-log", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk not found on PATH (apt-get install wrk)", file=sys.stderr)
        return 2

    body = fake_feed()
    site = StaticSite(files={"all.ics": body}, last_modified=START)
    # The default throttle, as in real use: a stat() of the watched plan at most every 0.5 s.
    with tempfile.TemporaryDirectory() as scratch:
        plan = Path(scratch) / "plan.toml"
        plan.write_text("# bench\n")
        if args.access_log:
            handler = logging.FileHandler(Path(scratch) / "access.log")
            logging.getLogger("contentcal.serve").addHandler(handler)
            logging.getLogger("contentcal.serve").setLevel(logging.INFO)
        cache = SiteCache(lambda: site, lambda: [plan])
        server = make_server(cache, host="127.0.0.1", port=0)
        thread = threading.Thread(target=serve_forever, args=(server,), daemon=True)
        thread.start()
        try:
            etag = cache.resources()["all.ics"].etag
            # Check that the requests wrk will make get the answers we think we measure.
            checks = [status_of(server, {}), status_of(server, {"If-None-Match": etag})]
            if checks != [(200, len(body)), (304, 0)]:
                raise RuntimeError(f"unexpected (status, length) answers: {checks}")

            script = Path(scratch) / "revalidate.lua"
            script.write_text(f"wrk.headers[\"If-None-Match\"] = '{etag}'\n")
            url = f"http://127.0.0.1:{server.port}/all.ics"
            print(
                f"body {len(body):,} bytes, {EVENTS} events; wrk {args.threads} threads, "
                f"{args.connections} connections, {args.duration} s each; "
                f"access log {'on' if args.access_log else 'off'}"
            )
            for label, lua in (("full GET 200", None), ("revalidate 304", script)):
                rate, p50, p99 = run_wrk(url, args, lua)
                print(f"{label:>15}: {rate:10,.0f} req/s   p50 {p50:>9}   p99 {p99:>9}")
        finally:
            server.shutdown()
            thread.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
