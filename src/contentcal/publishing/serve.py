"""Serve a site of iCalendar feeds over HTTP, rebuilding it when the plan changes.

The server is generic over how the feeds are built: give :class:`SiteCache` a ``build``
function returning a :class:`Site` (relative path -> bytes, plus a modification time) and a
``watched`` function naming the files the build reads. Every request serves the last good
build; at most once per ``check_interval`` a request looks at the watched files and rebuilds
when one changed. A broken edit is logged and the previous feeds stay online.

Only the standard library serves (:class:`http.server.ThreadingHTTPServer`): this is a small
business's own calendar feed, fetched by a handful of calendar clients a few times an hour.
The HTTP rules (strong ETags, ``If-None-Match`` before ``If-Modified-Since``, no ``Accept``
requirement, no ``Content-Disposition``) follow RFC 9110 and what calendar clients need.

Rebuilds happen off the request path, in one background thread: the request that notices a
change (or that the build's ``expires`` time has passed) starts it and is answered from the
last good build, like every request until the new build is ready.

Browsers on other origins may read everything (CORS ``*``: no cookies or credentials are
involved), clients that accept gzip get it, the number of connections is bounded and every
request has a deadline, so slow or many clients cannot pin the server's threads.

Nothing here prints: requests and rebuilds are logged to the ``contentcal.serve`` logger,
with control characters escaped and the token redacted.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import hmac
import ipaddress
import logging
import os
import re
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol, cast
from urllib.parse import unquote, urlsplit

import attrs

from contentcal.errors import ContentcalError, InvalidOptionError, PlanError
from contentcal.publishing.links import SubscribeLink, checked_base_url, subscribe_link

__all__ = [
    "TOKEN_ENV",
    "FeedServer",
    "Resource",
    "Site",
    "SiteCache",
    "StaticSite",
    "SubscribeLink",
    "exposure_warning",
    "make_server",
    "public_base_url",
    "read_token_file",
    "serve_forever",
    "subscribe_urls",
]

logger = logging.getLogger("contentcal.serve")

_ALLOWED_METHODS = "GET, HEAD, OPTIONS"

TOKEN_ENV = "CONTENTCAL_TOKEN"  # noqa: S105 - the name of a variable, not a secret
"""The environment variable ``contentcal serve`` reads the token from (never shown by ``ps``)."""

# Every response may be read by a page on any origin: the feeds are public to whoever holds
# the URL, and no cookie or credential is ever involved, so "*" gives nothing away.
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}
_PREFLIGHT = {
    "Access-Control-Allow-Methods": _ALLOWED_METHODS,
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since, Cache-Control",
    "Access-Control-Max-Age": "86400",
}
# Below this a gzip header and the extra header lines cost more than they save.
_GZIP_MIN_BYTES = 256

_CONTENT_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    # What a published site's pages may bring along (styles, scripts, icons, images).
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
}
_DEFAULT_CONTENT_TYPE = "application/octet-stream"
_COMPRESSIBLE = ("text/", "application/json", "application/xml", "image/svg+xml")

# What `secrets.token_urlsafe` produces; anything else would need escaping in printed URLs.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")
# Entity tags inside If-None-Match; an opaque tag may contain commas, so split by pattern.
_ENTITY_TAG_RE = re.compile(r'(?:W/)?("[^"]*")')
_ONE_SECOND = timedelta(seconds=1)


class Site(Protocol):
    """What a build produces: the files to serve and when their content last changed.

    A site may also have, and :class:`SiteCache` then uses:

    - ``expires``: an aware datetime (or None), the next instant at which building again
      could give other files with nothing edited (a slot passes, a day begins): the first
      request after it starts a rebuild;
    - ``files_for(base_url)``: the files whose bytes depend on the address they are served
      on (an index page with absolute subscribe links), rendered for that address;
    - ``complete()``: the rest of the build, returning the whole site. A build may hand
      over its quick part first (fresh feeds beside the previous build's pages): it is
      served at once, and the whole site replaces it as soon as ``complete`` returns.
    """

    @property
    def files(self) -> Mapping[str, bytes]:
        """Relative path -> body, e.g. ``all.ics``, ``platform/instagram.ics``, ``index.html``."""
        ...

    @property
    def last_modified(self) -> datetime:
        """Aware time of the newest change to any file; sent as ``Last-Modified``."""
        ...


def _frozen_files(files: Mapping[str, bytes]) -> Mapping[str, bytes]:
    return MappingProxyType(dict(files))


@attrs.frozen
class StaticSite:
    """A ready-made :class:`Site` value."""

    files: Mapping[str, bytes] = attrs.field(converter=_frozen_files)
    """Relative path -> body; copied so later changes to the caller's dict cannot leak in."""

    last_modified: datetime
    """Aware time of the newest change to any file."""


@attrs.frozen
class Resource:
    """One servable file of a build, with its validators computed once."""

    body: bytes
    """The exact bytes sent for a GET."""

    content_type: str
    """``Content-Type`` header value, chosen by the file's suffix."""

    etag: str
    """Strong entity tag: the quoted first 32 hex digits of the body's SHA-256."""

    last_modified: datetime
    """UTC, whole seconds; advances whenever the body changes while the server runs."""

    last_modified_http: str
    """`last_modified` as an HTTP date, ready for the header."""

    packed: _Packed | None = attrs.field(default=None, eq=False, repr=False)
    """How `gzip_body` is made: compressed on first use (see :class:`_Packed`); ``None``
    when the type does not compress or the body is too small to gain."""

    @property
    def gzip_body(self) -> bytes | None:
        """The body gzip-compressed (deterministically: no name, no time), or None when the
        type does not compress or compressing would not save anything.

        Compressed on first use, not when the build is published: a fresh feed is served
        at once, and a rebuild compresses only the bodies someone asks for.
        """
        return self.packed.get() if self.packed is not None else None

    @property
    def gzip_etag(self) -> str:
        """The gzip representation's own strong tag (RFC 9110 §8.8.3: one per encoding)."""
        return self.etag[:-1] + '-gzip"'


class _Packed:
    """A body's gzip form, made once on first use (thread-safe) and then kept."""

    def __init__(self, body: bytes) -> None:
        self._body: bytes | None = body
        self._packed: bytes | None = None
        self._lock = threading.Lock()

    def get(self) -> bytes | None:
        """The gzip bytes, or None when compressing would not save anything."""
        if self._body is not None:
            with self._lock:
                body = self._body
                if body is not None:
                    packed = gzip.compress(body, compresslevel=6, mtime=0)
                    # mtime=0 and no file name: the same body always gives the same bytes.
                    self._packed = packed if len(packed) < len(body) else None
                    self._body = None
        return self._packed


class SiteCache:
    """The last good build of a site, rebuilt when its files change or its time runs out.

    The first build happens in the constructor and any exception it raises propagates, so a
    caller never holds a cache without a site. Later rebuilds never raise: a
    :class:`~contentcal.errors.ContentcalError` (a broken edit) is logged as its one-line
    message, anything else with its traceback, once per change of the watched files, and the
    previous build keeps being served.

    A rebuild starts when a watched file changed, or when the build's ``expires`` time (see
    :class:`Site`) has passed: the schedule depends on the time, so a slot that passes moves
    an item with nothing edited. A rebuild that changes nothing keeps every ETag.

    Thread-safe. Readers never wait for each other or for a rebuild: with `background` (the
    default) the rebuild runs in its own thread and every request, including the one that
    noticed the change, gets the previous build until the new one is ready. Without it the
    request that notices the change builds, and only the other readers get the old build.
    """

    def __init__(
        self,
        build: Callable[[], Site],
        watched: Callable[[], Iterable[Path]],
        *,
        check_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        background: bool = True,
        wait_for_fix: bool = False,
    ) -> None:
        """Build the site once.

        Args:
            build: Returns the site; called again whenever a watched file changes or the
                site's ``expires`` time has passed.
            watched: Returns the files `build` reads; asked again at every check, so the set
                may change (a plan that starts including another file).
            check_interval: Minimum seconds between two looks at the watched files; stat
                calls are cheap, but not free on every request under load. Tests use 0.
            clock: Monotonic seconds for the throttle.
            now: Current aware time: compared with the site's ``expires``, and used to move
                ``Last-Modified`` forward when a body changed but the build's
                `last_modified` did not (see :class:`Resource`).
            background: Rebuild in a background thread (the server's way) instead of inside
                the request that noticed the change.
            wait_for_fix: When this first build raises a
                :class:`~contentcal.errors.ContentcalError` (a plan that does not load),
                start without a site instead: :attr:`failure` holds the error, the server
                answers ``503`` with it, and the site appears once a watched file changes
                and the build succeeds.

        Raises:
            ValueError: `check_interval` is negative, or the build has a naive
                `last_modified` or a file path that is not a clean relative path.
            Exception: Whatever `build` or `watched` raise on this first build (with
                `wait_for_fix`, only what is not a ContentcalError).
        """
        if check_interval < 0:
            raise ValueError(f"check_interval must be >= 0, not {check_interval!r}")
        self._build = build
        self._watched = watched
        self._check_interval = check_interval
        self._clock = clock
        self._now = now
        self._background = background
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        # Fingerprint before building: an edit made during the build is then seen as a change.
        before = _fingerprint(watched())
        self._watch_error: str | None = None
        self._failure: str | None = None
        site: Site
        try:
            site = build()
            complete = getattr(site, "complete", None)
            if complete is not None:
                site = complete()  # the first build is served whole
        except ContentcalError as exc:
            if not wait_for_fix:
                raise
            self._log_failure(exc)
            self._failure = _failure_text(exc)
            site = StaticSite(files={}, last_modified=datetime(1970, 1, 1, tzinfo=UTC))
        # The build may name more files (a plan's includes only show up once it is read);
        # fingerprint those now, so the first request does not take them for an edit.
        self._seen: _Fingerprint | None = _extend(before, watched())
        self._site = site
        self._resources = _resources(site, previous={}, now=now())
        self._expires = _expires(site)
        self._generation = 0
        self._linked: dict[str, tuple[int, Mapping[str, Resource]]] = {}
        self._linked_paths: tuple[int, frozenset[str]] | None = None
        self._linked_lock = threading.Lock()
        self._next_check = clock() + check_interval
        if self._failure is None:
            logger.info("built %d file(s)", len(self._resources))
        else:
            logger.warning("serving 503 until the plan is fixed")

    @property
    def failure(self) -> str | None:
        """Why there is no build yet (`wait_for_fix`): the located error, else None.

        Only ever set before the first good build; a later broken edit keeps the last good
        build and is only logged.
        """
        return self._failure

    @property
    def site(self) -> Site:
        """The last good build (no check for changes)."""
        return self._site

    @property
    def expires(self) -> datetime | None:
        """When the current build stops being right with nothing edited (None: never)."""
        return self._expires

    def resources(self) -> Mapping[str, Resource]:
        """Return the servable files, first starting a rebuild if one is due.

        The look at the watched files and the clock happens at most once per
        `check_interval`.
        """
        if self._clock() >= self._next_check and self._lock.acquire(blocking=False):
            try:
                # Another thread may have finished a check between our test and the acquire.
                if self._clock() >= self._next_check and not self._rebuilding():
                    self._check()
                    self._next_check = self._clock() + self._check_interval
            finally:
                self._lock.release()
        # One attribute read: a reader sees either the old or the new build, never a mix.
        return self._resources

    def linked(self, path: str, base_url: str) -> Resource | None:
        """`path` as served at `base_url` (for pages with absolute links), else as built.

        Keeps at most 16 addresses: the address comes from the request's ``Host`` header,
        which a client chooses.
        """
        resources = self.resources()
        site, generation = self._site, self._generation
        files_for = getattr(site, "files_for", None)
        if files_for is None or path not in resources:
            return resources.get(path)
        with self._linked_lock:
            known = self._linked_paths
            seen = self._linked.get(base_url)
        if known is not None and known[0] == generation and path not in known[1]:
            # A file whose bytes do not depend on the address (a feed): nothing to render.
            return resources.get(path)
        if seen is not None and seen[0] == generation:
            rendered = seen[1]
        else:
            # Validators continue from this address's previous rendering, as files do.
            previous = seen[1] if seen is not None else {}
            overrides = StaticSite(files=files_for(base_url), last_modified=site.last_modified)
            rendered = _resources(overrides, previous=previous, now=self._now())
            with self._linked_lock:
                if len(self._linked) >= 16 and base_url not in self._linked:
                    self._linked.clear()
                self._linked[base_url] = (generation, rendered)
                self._linked_paths = (generation, frozenset(rendered))
        return rendered.get(path, resources.get(path))

    def settle(self, timeout: float | None = None) -> bool:
        """Wait for a background rebuild in progress; return False if it is still running."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def _rebuilding(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def _check(self) -> None:
        try:
            fingerprint = _fingerprint(self._watched())
        except Exception as exc:
            message = str(exc)
            if message != self._watch_error:
                self._log_failure(exc)
                self._watch_error = message
            # Rebuild as soon as the watched files can be listed again.
            self._seen = None
            return
        self._watch_error = None
        expired = self._expires is not None and self._now() >= self._expires
        if fingerprint == self._seen and not expired:
            return
        self._seen = fingerprint
        if expired:
            # One try per expiry: a build that fails now is retried when a file changes.
            self._expires = None
        if self._background:
            self._worker = threading.Thread(
                target=self._rebuild, name="contentcal-rebuild", daemon=True
            )
            self._worker.start()
        else:
            self._rebuild()

    def _rebuild(self) -> None:
        site = self._publish(self._build)
        if site is not None:
            self._pack(self._resources)
        complete = getattr(site, "complete", None)
        if complete is not None:
            # The quick part (fresh feeds) is being served; now the rest (the pages).
            self._publish(complete)

    @staticmethod
    def _pack(resources: Mapping[str, Resource]) -> None:
        """Compress the new bodies now, after they are served: the first request for each
        then finds its gzip form ready (a request that comes sooner compresses it itself)."""
        for resource in resources.values():
            if resource.packed is not None:
                resource.packed.get()

    def _publish(self, build: Callable[[], Site]) -> Site | None:
        """Build, then serve the result; ``None`` (logged) when the build failed."""
        try:
            site = build()
            resources = _resources(site, previous=self._resources, now=self._now())
            expires = _expires(site)
        except Exception as exc:
            # Caught whole: in the background thread nothing else would log it.
            self._log_failure(exc)
            if self._failure is not None:
                self._failure = _failure_text(exc)  # still no good build: show the newest
            return None
        changed = sum(
            1
            for path, resource in resources.items()
            if path not in self._resources or self._resources[path].etag != resource.etag
        )
        # Order matters only for `site` readers; handlers read `_resources` alone.
        self._site = site
        self._generation += 1
        self._resources = resources
        self._expires = expires
        if self._failure is not None:
            self._failure = None
            logger.info("the plan loads again: built %d file(s)", len(resources))
            return site
        logger.info("rebuilt %d file(s), %d changed", len(resources), changed)
        return site

    @staticmethod
    def _log_failure(exc: Exception) -> None:
        if isinstance(exc, ContentcalError):
            # str() of a ContentcalError is already the located one-line message for the user.
            logger.error("%s", _printable(str(exc)))
        else:
            logger.error(
                "rebuilding the site failed; still serving the last good build", exc_info=exc
            )


def _failure_text(exc: Exception) -> str:
    """What a 503 says while there is no build: every located problem, escaped, bounded."""
    problems = getattr(exc, "problems", None)
    if isinstance(exc, PlanError) and problems:
        lines = [str(problem) for problem in problems[:50]]
        if len(problems) > 50:
            lines.append(f"... and {len(problems) - 50} more problems")
    else:
        lines = [str(exc) or type(exc).__name__]
    text = "\n".join(_printable(line)[:1000] for line in lines)
    return (
        "503 Service Unavailable: the plan could not be loaded, so there are no feeds yet.\n"
        "They appear here as soon as the plan is fixed.\n\n" + text + "\n"
    )


def _expires(site: Site) -> datetime | None:
    expires = getattr(site, "expires", None)
    if expires is None:
        return None
    if not isinstance(expires, datetime) or expires.utcoffset() is None:
        raise ValueError(f"site.expires must be a timezone-aware datetime, got {expires!r}")
    return expires


_Stat = tuple[int, int, int]
_Fingerprint = tuple[tuple[str, _Stat | None], ...]


def _fingerprint(paths: Iterable[Path]) -> _Fingerprint:
    entries: list[tuple[str, _Stat | None]] = []
    for name in sorted({os.fspath(path) for path in paths}):
        try:
            stat = Path(name).stat()
        except OSError:
            entries.append((name, None))
        else:
            # The inode catches editors that save by renaming a new file over the old one
            # within the same mtime tick and at the same size.
            entries.append((name, (stat.st_mtime_ns, stat.st_size, stat.st_ino)))
    return tuple(entries)


def _extend(before: _Fingerprint, paths: Iterable[Path]) -> _Fingerprint:
    """The fingerprint of `paths`, keeping `before`'s entries for the files it has."""
    known = dict(before)
    names = {os.fspath(path) for path in paths}
    fresh = _fingerprint(Path(name) for name in names if name not in known)
    kept = [(name, known[name]) for name in names if name in known]
    return tuple(sorted([*fresh, *kept]))


def _resources(
    site: Site, *, previous: Mapping[str, Resource], now: datetime
) -> Mapping[str, Resource]:
    site_modified = _whole_utc_seconds(site.last_modified, what="site.last_modified")
    now_seconds = _whole_utc_seconds(now, what="now()")
    result: dict[str, Resource] = {}
    for path, raw_body in site.files.items():
        _check_site_path(path)
        old = previous.get(path)
        if old is not None and raw_body is old.body:
            # The very bytes served before (a page kept from the last build): same tag.
            result[path] = old
            continue
        body = bytes(raw_body)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if old is None:
            modified = site_modified
        elif old.etag == etag:
            # Unchanged body: keep both validators stable so revalidation keeps answering 304.
            modified = old.last_modified
        elif site_modified > old.last_modified:
            modified = site_modified
        else:
            # The body changed but the build's time did not advance (a post was deleted, say):
            # a client revalidating with If-Modified-Since would get 304 and keep the old feed.
            modified = max(now_seconds, old.last_modified + _ONE_SECOND)
        content_type = _content_type(path)
        # An unchanged body need not be compressed again.
        unchanged = old is not None and old.etag == etag
        packed = old.packed if old is not None and unchanged else _packer(body, content_type)
        result[path] = Resource(
            body=body,
            content_type=content_type,
            etag=etag,
            last_modified=modified,
            last_modified_http=format_datetime(modified, usegmt=True),
            packed=packed,
        )
    return MappingProxyType(result)


def _packer(body: bytes, content_type: str) -> _Packed | None:
    if len(body) < _GZIP_MIN_BYTES or not content_type.startswith(_COMPRESSIBLE):
        return None
    return _Packed(body)


def _whole_utc_seconds(moment: datetime, *, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {moment!r}")
    # HTTP dates have whole seconds; comparing IMS against sub-second times would never match.
    return moment.astimezone(UTC).replace(microsecond=0)


def _check_site_path(path: str) -> None:
    segments = path.split("/")
    if (
        not path
        or "\\" in path
        or "\x00" in path
        or any(segment in {"", ".", ".."} for segment in segments)
    ):
        raise ValueError(f"site file path {path!r} is not a clean relative path")


def _content_type(path: str) -> str:
    return _CONTENT_TYPES.get(PurePosixPath(path).suffix.lower(), _DEFAULT_CONTENT_TYPE)


class FeedServer(ThreadingHTTPServer):
    """The HTTP server; create it with :func:`make_server`."""

    # socketserver's default listen backlog of 5 drops SYNs when a few dozen clients connect
    # at once; each dropped SYN costs the client a 1 s retransmit.
    request_queue_size = 128

    def __init__(
        self,
        cache: SiteCache,
        *,
        host: str,
        port: int,
        token: str | None,
        public_url: str | None = None,
        max_connections: int = 64,
        request_deadline: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cache = cache
        self.token = token
        self.public_url = public_url
        self.max_connections = max_connections
        self.request_deadline = request_deadline
        self.clock = clock
        self._slots = threading.BoundedSemaphore(max_connections)
        self._deadlines: dict[socket.socket, float] = {}
        self._deadlines_lock = threading.Lock()
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _FeedHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall for seconds on
        # machines without working reverse DNS; the name is only used in CGI variables.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = self.port

    @property
    def port(self) -> int:
        """The bound port (the real one when created with port 0)."""
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://host:port/`` plus ``<token>/``: the prefix of every file's URL."""
        host = str(self.server_address[0])
        if ":" in host:
            host = f"[{host}]"
        prefix = f"{self.token}/" if self.token else ""
        return f"http://{host}:{self.port}/{prefix}"

    def redact(self, text: str) -> str:
        """`text` with the token replaced by ``<token>`` and control characters escaped."""
        if self.token:
            text = text.replace(self.token, "<token>")
        return _printable(text)

    # --- bounded connections and deadlines ------------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        # Each connection holds a thread; past the limit, answer 503 right here (no thread)
        # instead of letting thousands of slow clients each pin one.
        if not self._slots.acquire(blocking=False):
            logger.warning(
                "%s: %d connections open; refused with 503",
                _printable(str(client_address[0])),
                self.max_connections,
            )
            _refuse(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.end_deadline(request)
            self._slots.release()

    def start_deadline(self, connection: socket.socket) -> None:
        """Give `connection` :attr:`request_deadline` seconds for its next request, in all."""
        with self._deadlines_lock:
            self._deadlines[connection] = self.clock() + self.request_deadline

    def end_deadline(self, connection: socket.socket) -> None:
        """Forget `connection`'s deadline (its request is answered or it is closed)."""
        with self._deadlines_lock:
            self._deadlines.pop(connection, None)

    def service_actions(self) -> None:
        """Cut off connections past their deadline (called by the serve loop, ~2 per second).

        A socket timeout alone bounds each read, not a request: a client sending one byte
        every few seconds would keep its thread forever.
        """
        now = self.clock()
        with self._deadlines_lock:
            late = [conn for conn, deadline in self._deadlines.items() if now >= deadline]
            for connection in late:
                del self._deadlines[connection]
        for connection in late:
            try:
                peer = connection.getpeername()
            except OSError:
                peer = ("?",)
            logger.info("%s: request deadline passed; connection closed", peer[0])
            with contextlib.suppress(OSError):
                # Wakes the handler thread blocked in recv/send; it then ends the connection.
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        # socketserver's default prints a traceback to stderr; a library must not print.
        if isinstance(sys.exc_info()[1], OSError):
            # The client went away mid-response (closed tab, timeout, cut off at its
            # deadline): nothing to fix here.
            logger.debug("connection from %s dropped", client_address, exc_info=True)
        else:
            logger.exception("error while handling a request from %s", client_address)


def _refuse(request: socket.socket) -> None:
    body = b"503 Service Unavailable\n"
    head = (
        "HTTP/1.1 503 Service Unavailable\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Retry-After: 5\r\nConnection: close\r\n\r\n"
    )
    with contextlib.suppress(OSError):
        request.settimeout(1.0)
        request.sendall(head.encode("ascii") + body)


_LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost"}


def exposure_warning(host: str, token: str | None) -> str | None:
    """A warning when `host` reaches beyond this machine and there is no token, else None.

    >>> exposure_warning("127.0.0.1", None) is None
    True
    >>> print(exposure_warning("0.0.0.0", None))  # doctest: +ELLIPSIS
    listening on 0.0.0.0 without a token: anyone who can reach it can read every feed; ...
    """
    if token:
        return None
    name = host.strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return None
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(name).is_loopback:
            return None
    return (
        f"listening on {host} without a token: anyone who can reach it can read every feed; "
        f"give a token (--token-file or {TOKEN_ENV}) and put the server behind an HTTPS "
        "proxy (see docs/serving.md)"
    )


def read_token_file(path: str | os.PathLike[str]) -> str:
    """The token kept in the file at `path` (surrounding white space, e.g. a final newline,
    removed).

    Raises:
        InvalidOptionError: The file cannot be read, or holds no usable token.
    """
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidOptionError(
            f"cannot read the token file {os.fspath(path)}: {reason}"
        ) from None
    if not _TOKEN_RE.fullmatch(text):
        raise InvalidOptionError(
            f"{os.fspath(path)}: the token must be one line of A-Z, a-z, 0-9, '_' and '-' "
            "(make one with: python3 -c 'import secrets; print(secrets.token_urlsafe())')"
        )
    return text


def make_server(
    cache: SiteCache,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    token: str | None = None,
    public_url: str | None = None,
    max_connections: int = 64,
    request_deadline: float = 30.0,
    clock: Callable[[], float] = time.monotonic,
) -> FeedServer:
    """Bind a server for `cache`'s files (it does not start serving; see :func:`serve_forever`).

    Args:
        cache: Where every request gets the current build.
        host: Address to bind; the default keeps the feeds on this machine. Any other
            address without a `token` logs the warning of :func:`exposure_warning`.
        port: TCP port; 0 picks a free one (read it back from :attr:`FeedServer.port`).
        token: When given, every file lives under ``/<token>/`` and any other path is 404,
            so the feed URL itself is the secret. URL-safe characters only
            (``secrets.token_urlsafe()``).
        public_url: The address clients use (behind a proxy, say), for the absolute links
            of pages that have them; the token is added when it is not already there.
            Without it, links use the request's ``Host``.
        max_connections: Connections served at once; more get ``503`` and are closed.
        request_deadline: Seconds a connection has for one whole request, from waiting for
            its first byte to the last byte of the answer; then it is closed.
        clock: Monotonic seconds, for the deadlines.

    Raises:
        ValueError: `token` is empty or has characters other than ``A-Z a-z 0-9 _ -``, or
            `public_url` is not an absolute http(s) URL, or a limit is not positive.
        OSError: The address cannot be bound (port in use, no permission).
    """
    if token is not None and not _TOKEN_RE.fullmatch(token):
        raise ValueError("token must be non-empty and use only A-Z, a-z, 0-9, '_' and '-'")
    if max_connections < 1 or request_deadline <= 0:
        raise ValueError("max_connections and request_deadline must be positive")
    if public_url is not None:
        public_url = public_base_url(public_url, token)
    warning = exposure_warning(host, token)
    if warning:
        logger.warning("%s", warning)
    return FeedServer(
        cache,
        host=host,
        port=port,
        token=token,
        public_url=public_url,
        max_connections=max_connections,
        request_deadline=request_deadline,
        clock=clock,
    )


def public_base_url(url: str, token: str | None) -> str:
    """The address files are served at behind `url`: ending in ``/``, with the token.

    >>> public_base_url("https://cal.example.com", "s3cret")
    'https://cal.example.com/s3cret/'
    >>> public_base_url("https://cal.example.com/s3cret/", "s3cret")
    'https://cal.example.com/s3cret/'

    Raises:
        InvalidOptionError: `url` is not an absolute http(s) URL (a ``ValueError``), with
            the message of every base URL check (``links.checked_base_url``).
    """
    url = checked_base_url(url)
    if token and not url.endswith(f"/{token}/"):
        url += f"{token}/"
    return url


def serve_forever(server: FeedServer, *, poll_interval: float = 0.5) -> None:
    """Serve until interrupted (Ctrl-C) or :meth:`FeedServer.shutdown`, then close the socket.

    Returns normally on KeyboardInterrupt, so the caller can say goodbye.
    """
    logger.info("serving on %s", server.redact(server.base_url))
    try:
        server.serve_forever(poll_interval=poll_interval)
    except KeyboardInterrupt:
        logger.info("interrupted; shutting down")
    finally:
        server.server_close()


def subscribe_urls(base_url: str, paths: Iterable[str]) -> list[SubscribeLink]:
    """Return the subscription links of each path under `base_url`, in the given order.

    Each is :func:`contentcal.publishing.feeds.subscribe_link`, the links ``index.html``
    shows.

    >>> link = subscribe_urls("https://cal.example.com/s3cret/", ["all.ics"])[0]
    >>> link.webcal
    'webcal://cal.example.com/s3cret/all.ics'
    >>> link.google
    'https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Fcal.example.com%2Fs3cret%2Fall.ics'

    Raises:
        InvalidOptionError: `base_url` is not an absolute http or https URL (it is a
            ``ValueError``).
    """
    return [subscribe_link(base_url, path) for path in paths]


class _Redirect(NamedTuple):
    location: str


def _route(target: str, token: str | None) -> str | _Redirect | None:
    """Map a request target to a site path ('' is the index), a redirect, or None (404).

    Never touches the file system: the result is only ever looked up in the build's mapping,
    so traversal cannot reach anything else. The checks here make that explicit.
    """
    path = target.partition("?")[0].partition("#")[0]
    if not path.startswith("/"):
        # Absolute form ("GET http://host/all.ics"), which RFC 9112 §3.2.2 says to accept.
        try:
            parts = urlsplit(path)
        except ValueError:  # e.g. "http://[x/": not a URL of ours
            return None
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            return None
        path = parts.path or "/"
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or "\x00" in decoded:
        return None
    segments = decoded.split("/")[1:]
    if token is not None:
        given = segments[0].encode() if segments else b""
        if not hmac.compare_digest(given, token.encode("ascii")):
            return None
        segments = segments[1:]
        if not segments:
            # "/<token>" without the slash: relative links in index.html would miss the token.
            return _Redirect(f"/{token}/")
    if segments == [""]:
        return ""
    if any(segment in {"", ".", ".."} for segment in segments):
        return None
    return "/".join(segments)


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    # Weak comparison (RFC 9110 §8.8.3.2): W/ prefixes do not matter, the opaque tags do.
    return etag in _ENTITY_TAG_RE.findall(if_none_match)


def _not_modified_since(values: list[str], modified: datetime) -> bool:
    # Ignore the field unless it is exactly one valid date (RFC 9110 §13.1.3).
    if len(values) != 1:
        return False
    try:
        since = parsedate_to_datetime(values[0])
    except (TypeError, ValueError, IndexError, OverflowError):
        # OverflowError: a year such as 99999999999999999999 (a fuzzer's, or a broken
        # client's); RFC 9110 says to ignore an invalid date, not to fail the request.
        return False
    if since.tzinfo is None:
        # parsedate_to_datetime returns naive for "-0000"; HTTP dates are always GMT.
        since = since.replace(tzinfo=UTC)
    return modified <= since


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _printable(text: str) -> str:
    r"""`text` safe for a log line: control and bidi characters as ``\xNN``/``\uNNNN``.

    >>> print(_printable("GET /\x1b[2J\r\nforged"))
    GET /\x1b[2J\x0d\x0aforged
    """
    return _CONTROL.sub(_escape_char, text)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _accepts_gzip(values: list[str]) -> bool:
    """Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3: q=0 means "not acceptable")."""
    gzip_q: float | None = None
    star_q: float | None = None
    for value in values:
        for part in value.split(","):
            name, _, params = part.strip().partition(";")
            quality = 1.0
            for param in params.split(";"):
                key, _, number = param.strip().partition("=")
                if key.strip().lower() == "q":
                    try:
                        quality = float(number)
                    except ValueError:
                        quality = 0.0
            name = name.strip().lower()
            if name in {"gzip", "x-gzip"}:
                gzip_q = quality
            elif name == "*":
                star_q = quality
    if gzip_q is not None:
        return gzip_q > 0
    return star_q is not None and star_q > 0


_HOST_RE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?"
)


class _FeedHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 for keep-alive: calendar clients and benchmarks reuse the connection.
    protocol_version = "HTTP/1.1"
    server_version = "contentcal"
    # Headers and body go out in two writes; with Nagle the second waits for a delayed ACK.
    disable_nagle_algorithm = True
    # Idle keep-alive connections must not hold a thread forever; each read and write is
    # bounded by this, and a whole request by the server's request_deadline.
    timeout = 30

    def version_string(self) -> str:
        # The default adds the Python version, which tells a scanner more than a client needs.
        return self.server_version

    def handle_one_request(self) -> None:
        server = cast(FeedServer, self.server)
        server.start_deadline(self.connection)
        try:
            super().handle_one_request()
        finally:
            server.end_deadline(self.connection)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_OPTIONS(self) -> None:
        """CORS preflight (and plain OPTIONS): 204 with what a page may ask for."""
        server = cast(FeedServer, self.server)
        if self._has_request_body():
            self.close_connection = True
        target = self._raw_target()
        if target != "*" and _route(target, server.token) is None:
            self._send_plain(HTTPStatus.NOT_FOUND)
            return
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", _ALLOWED_METHODS)
        for name, value in {**_CORS, **_PREFLIGHT}.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def _method_not_allowed(self) -> None:
        # We never read a request body, so it would be parsed as the next request.
        self.close_connection = True
        self._send_plain(HTTPStatus.METHOD_NOT_ALLOWED, extra={"Allow": _ALLOWED_METHODS})

    # The registered methods that modify or probe resources. Unregistered methods keep the
    # base class's 501 Not Implemented, which RFC 9110 §9.1 prescribes for them.
    do_POST = do_PUT = do_DELETE = do_PATCH = do_TRACE = do_CONNECT = (  # noqa: N815
        _method_not_allowed
    )

    def _serve(self, *, send_body: bool) -> None:
        server = cast(FeedServer, self.server)
        if self._has_request_body():
            self.close_connection = True
        route = _route(self._raw_target(), server.token)
        if isinstance(route, _Redirect):
            self._send_plain(HTTPStatus.PERMANENT_REDIRECT, extra={"Location": route.location})
            return
        resource = None
        if route is not None:
            resource = server.cache.linked(route or "index.html", self._public_base(server))
            failure = server.cache.failure
            if resource is None and failure is not None:
                # No build yet (the plan does not load): say why, to whoever holds the URL.
                self._send_plain(
                    HTTPStatus.SERVICE_UNAVAILABLE, extra={"Retry-After": "10"}, text=failure
                )
                return
        if resource is None:
            self._send_plain(HTTPStatus.NOT_FOUND)
            return
        gzipped = resource.gzip_body is not None and _accepts_gzip(
            self.headers.get_all("Accept-Encoding") or []
        )
        etag = resource.gzip_etag if gzipped else resource.etag
        if self._is_not_modified(resource, etag):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._send_validators(resource, etag)
            self.end_headers()
            return
        body = resource.gzip_body if gzipped and resource.gzip_body is not None else resource.body
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", resource.content_type)
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self._send_validators(resource, etag)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _public_base(self, server: FeedServer) -> str:
        """The address this request reached us at: --base-url, else Host, else our socket."""
        if server.public_url is not None:
            return server.public_url
        host = (self.headers.get("Host") or "").strip()
        if not _HOST_RE.fullmatch(host):
            return server.base_url
        forwarded = (self.headers.get("X-Forwarded-Proto") or "").strip().lower()
        scheme = forwarded if forwarded in {"http", "https"} else "http"
        prefix = f"{server.token}/" if server.token else ""
        return f"{scheme}://{host}/{prefix}"

    def _is_not_modified(self, resource: Resource, etag: str) -> bool:
        # RFC 9110 §13.2.2: If-None-Match decides whenever present; If-Modified-Since only
        # counts without it.
        if_none_match = self.headers.get_all("If-None-Match")
        if if_none_match:
            return _etag_matches(",".join(if_none_match), etag)
        since = self.headers.get_all("If-Modified-Since")
        return since is not None and _not_modified_since(since, resource.last_modified)

    def _send_validators(self, resource: Resource, etag: str) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", resource.last_modified_http)
        self.send_header("Cache-Control", "no-cache")
        if resource.gzip_body is not None:
            # The answer depends on Accept-Encoding: caches must keep one copy per encoding.
            self.send_header("Vary", "Accept-Encoding")
        for name, value in _CORS.items():
            self.send_header(name, value)

    def _send_plain(
        self,
        status: HTTPStatus,
        *,
        extra: Mapping[str, str] | None = None,
        text: str | None = None,
    ) -> None:
        body = (text or f"{status.value} {status.phrase}\n").encode("utf-8", "backslashreplace")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Access-Control-Allow-Origin", "*")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _raw_target(self) -> str:
        # parse_request collapses a leading "//" in self.path (an open-redirect fix for
        # SimpleHTTPRequestHandler); route on what the client sent so every empty segment
        # is treated alike.
        words = self.requestline.split()
        return words[1] if len(words) >= 2 else self.path

    def _has_request_body(self) -> bool:
        length = self.headers.get("Content-Length", "0").strip()
        return length not in {"", "0"} or "Transfer-Encoding" in self.headers

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if logger.isEnabledFor(logging.INFO):
            server = cast(FeedServer, self.server)
            status = code.value if isinstance(code, HTTPStatus) else code
            # The request line is the client's text: escaped, so it cannot move the cursor
            # or forge lines in a terminal, and without the token, which is the secret.
            logger.info(
                '%s "%s" %s', self.address_string(), server.redact(self.requestline), status
            )

    def log_message(self, format: str, *args: object) -> None:
        # The base class writes errors (bad request lines, timeouts) to stderr.
        server = cast(FeedServer, self.server)
        logger.info("%s %s", self.address_string(), server.redact(format % args))
