"""A small driver for the system's headless Chromium over the DevTools protocol.

Only what the site's browser tests need: open a page, wait for it to load, run JavaScript
and read the result, emulate a screen size or print media, take a PNG screenshot. It uses
Debian's ``chromium`` (or ``chromium-browser``/``google-chrome`` on PATH, or
``$CONTENTCAL_CHROMIUM``) and never downloads a browser. Every wait is bounded.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import websocket

SETUP_HINT = "install Debian's chromium (apt-get install -y chromium); .ci/run does it"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 60.0
"""Seconds any single browser step may take before the test fails (a hung browser)."""


class BrowserSetupError(RuntimeError):
    """No Chromium to run, or it did not start."""


class BrowserError(RuntimeError):
    """The browser reported an error for a command or a script."""


def find_chromium() -> str:
    """The Chromium binary to run; raise BrowserSetupError naming how to get one."""
    override = os.environ.get("CONTENTCAL_CHROMIUM")
    if override:
        return override
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserSetupError(f"no Chromium on PATH ({', '.join(CANDIDATES)}): {SETUP_HINT}")


class Browser:
    """One headless Chromium process and one page (tab) driven through it."""

    def __init__(self, binary: str, profile: Path) -> None:
        arguments = [
            binary,
            "--headless=new",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--hide-scrollbars",
            "--mute-audio",
            "--font-render-hinting=none",
            "about:blank",
        ]
        if os.geteuid() == 0:
            arguments.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        self.process = subprocess.Popen(
            arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self._ids = itertools.count(1)
        self._events: list[str] = []  # events that arrived while waiting for an answer
        try:
            self.socket = websocket.create_connection(
                self._page_socket_url(profile), timeout=TIMEOUT, suppress_origin=True
            )
        except BaseException:
            self.close()
            raise
        self.command("Page.enable")
        self.command("Runtime.enable")

    def _page_socket_url(self, profile: Path) -> str:
        # Chromium writes the port it chose into DevToolsActivePort once it listens.
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not port_file.is_file() or len(port_file.read_text().split()) < 2:
            if self.process.poll() is not None:
                raise BrowserSetupError(
                    f"Chromium exited with {self.process.returncode}: "
                    f"{(self.process.stderr.read() if self.process.stderr else '')[-500:]}"
                )
            if time.monotonic() > deadline:
                raise BrowserSetupError(f"Chromium did not start within {TIMEOUT:.0f} s")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                    targets = json.load(r)
            except OSError:
                targets = []
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return str(pages[0]["webSocketDebuggerUrl"])
            if time.monotonic() > deadline:
                raise BrowserSetupError("Chromium started but shows no page to drive")
            time.sleep(0.05)

    def command(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result (events meanwhile are dropped)."""
        message_id = next(self._ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            if "method" in message:
                self._events.append(message["method"])
        raise BrowserError(f"{method}: no answer within {TIMEOUT:.0f} s")

    def _wait_for(self, event: str) -> None:
        if event in self._events:  # it came before the command's answer
            return
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            if message.get("method") == event:
                return
        raise BrowserError(f"no {event} within {TIMEOUT:.0f} s")

    def open(self, url: str) -> None:
        """Load `url` and wait for its load event."""
        self._events.clear()
        result = self.command("Page.navigate", url=url)
        if result.get("errorText"):
            raise BrowserError(f"cannot open {url}: {result['errorText']}")
        self._wait_for("Page.loadEventFired")

    def evaluate(self, expression: str, *, await_promise: bool = False) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable values)."""
        result = self.command(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=await_promise,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"script failed: {text}")
        return result["result"].get("value")

    def viewport(self, width: int, height: int, *, mobile: bool = False) -> None:
        """Emulate a screen `width` × `height` CSS pixels (a phone when `mobile`)."""
        self.command(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def media(self, media: str) -> None:
        """Emulate a CSS media type: ``print`` or ``screen`` (``""`` resets)."""
        self.command("Emulation.setEmulatedMedia", media=media)

    def screenshot(self, path: Path, *, full_page: bool = True) -> None:
        """Write a PNG of the page (the whole page when `full_page`) to `path`."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = self.command("Page.captureScreenshot", **params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        """Stop the browser (this process only) and wait for it."""
        with contextlib.suppress(Exception):
            self.socket.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stderr:
            self.process.stderr.close()


@contextlib.contextmanager
def browser() -> Iterator[Browser]:
    """A headless Chromium with a throw-away profile, stopped afterwards."""
    binary = find_chromium()
    profile = tempfile.mkdtemp(prefix="contentcal-chromium-")
    try:
        instance = Browser(binary, Path(profile))
        try:
            yield instance
        finally:
            instance.close()
    finally:
        _remove_profile(profile)


def _remove_profile(profile: str) -> None:
    """Remove the profile folder. Chromium's helper processes (crash handler, GPU) can still
    write into it for a moment after the browser itself exited, which made a plain removal
    fail now and then with "Directory not empty"; retry briefly, then leave it to /tmp."""
    for _ in range(20):
        try:
            shutil.rmtree(profile)
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)
        else:
            return
    shutil.rmtree(profile, ignore_errors=True)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
