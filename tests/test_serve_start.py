"""`contentcal serve` on a plan that does not load: it starts, says why, and serves the fix.

A real server process and real HTTP requests: the way a user meets it after a bad edit made
while the server was down.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import MINIMAL_PLAN

PLAN = 'include = ["items.csv"]\n' + MINIMAL_PLAN
GOOD_ITEMS = "id,title,platform,status\npromo,New roast,instagram,approved\n"
BAD_ITEMS = "id,title,platform,status\npromo,New roast,instagram,\x1b[2Jmaybe\n"


def get(port: int, target: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for(port: int, target: str, status: int) -> bytes:
    """Poll until `target` answers `status` (bounded: 30 s); return the body."""
    deadline = time.monotonic() + 30
    while True:
        got, body = get(port, target)
        if got == status:
            return body
        assert time.monotonic() < deadline, (got, body)
        time.sleep(0.2)


def touch_later(path: Path, text: str) -> None:
    """Write `text` with an mtime a second on, so coarse timestamps still differ."""
    before = path.stat().st_mtime
    path.write_text(text, encoding="utf-8")
    os.utime(path, (before + 1, before + 1))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_serve_starts_on_a_broken_plan_and_serves_the_fix(tmp_path: Path) -> None:
    """503 with the located, escaped error; the fix is served; a later bad edit keeps it."""
    (tmp_path / "plan.toml").write_text(PLAN, encoding="utf-8")
    items = tmp_path / "items.csv"
    items.write_text(BAD_ITEMS, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "contentcal", "serve", "plan.toml", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    # Drain the log all along: a full pipe would block the server's next log line.
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")))
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"on http://127\.0\.0\.1:(\d+)/", "".join(lines))):
            assert time.monotonic() < deadline, lines
            time.sleep(0.05)
        port = int(found.group(1))

        status, broken = get(port, "/all.ics")
        index_status, index = get(port, "/")
        touch_later(items, GOOD_ITEMS)
        fixed = wait_for(port, "/all.ics", 200)
        touch_later(tmp_path / "plan.toml", "[brand\n")
        kept: set[tuple[int, bytes]] = set()
        for _ in range(4):  # each more than the check interval apart: the edit is seen
            time.sleep(0.7)
            kept.add(get(port, "/all.ics"))

        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        process.kill()
        process.wait()
        reader.join(timeout=10)

    text = broken.decode()
    assert status == 503
    assert text.startswith("503 Service Unavailable: the plan could not be loaded")
    assert "items.csv:2: items[0].status: " in text
    assert "\\x1b[2jmaybe" in text
    assert "\x1b" not in text
    assert (index_status, index) == (503, broken)
    assert fixed.startswith(b"BEGIN:VCALENDAR")
    assert b"New roast" in fixed
    assert kept == {(200, fixed)}
    log = "".join(lines)
    assert "does not load yet; every feed answers 503" in log
    assert log.count("items.csv:2: items[0].status") == 1  # logged once, not per request
    assert "the plan loads again" in log
    assert "plan.toml:1" in log  # the later broken edit is logged...
    assert process.returncode == 0  # ...and Ctrl-C ends it normally
    assert "Traceback" not in log
