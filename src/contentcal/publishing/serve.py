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

Nothing here prints: requests and rebuilds are logged to the ``contentcal.publishing.serve`` logger.
"""

from __future__ import annotations

import hashlib
import hmac
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
from typing import NamedTuple, Protocol, cast
from urllib.parse import unquote, urlsplit

import attrs

from contentcal.errors import ContentcalError
from contentcal.publishing.links import SubscribeLink, subscribe_link

__all__ = [
    "FeedServer",
    "Resource",
    "Site",
    "SiteCache",
    "StaticSite",
    "SubscribeLink",
    "make_server",
    "serve_forever",
    "subscribe_urls",
]

logger = logging.getLogger("contentcal.serve")

_ALLOWED_METHODS = "GET, HEAD"

_CONTENT_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}
_DEFAULT_CONTENT_TYPE = "application/octet-stream"

# What `secrets.token_urlsafe` produces; anything else would need escaping in printed URLs.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")
# Entity tags inside If-None-Match; an opaque tag may contain commas, so split by pattern.
_ENTITY_TAG_RE = re.compile(r'(?:W/)?("[^"]*")')
_ONE_SECOND = timedelta(seconds=1)


class Site(Protocol):
    """What a build produces: the files to serve and when their content last changed."""

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


class SiteCache:
    """The last good build of a site, rebuilt when the files it was built from change.

    The first build happens in the constructor and any exception it raises propagates, so a
    caller never holds a cache without a site. Later rebuilds never raise: a
    :class:`~contentcal.errors.ContentcalError` (a broken edit) is logged as its one-line
    message, anything else with its traceback, once per change of the watched files, and the
    previous build keeps being served.

    Thread-safe. Readers never wait for each other or for a rebuild in progress: while one
    request rebuilds, the others get the previous build.
    """

    def __init__(
        self,
        build: Callable[[], Site],
        watched: Callable[[], Iterable[Path]],
        *,
        check_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Build the site once.

        Args:
            build: Returns the site; called again whenever a watched file changes.
            watched: Returns the files `build` reads; asked again at every check, so the set
                may change (a plan that starts including another file).
            check_interval: Minimum seconds between two looks at the watched files; stat
                calls are cheap, but not free on every request under load. Tests use 0.
            clock: Monotonic seconds for the throttle.
            now: Current aware time; only used to move ``Last-Modified`` forward when a body
                changed but the build's `last_modified` did not (see :class:`Resource`).

        Raises:
            ValueError: `check_interval` is negative, or the build has a naive
                `last_modified` or a file path that is not a clean relative path.
            Exception: Whatever `build` or `watched` raise on this first build.
        """
        if check_interval < 0:
            raise ValueError(f"check_interval must be >= 0, not {check_interval!r}")
        self._build = build
        self._watched = watched
        self._check_interval = check_interval
        self._clock = clock
        self._now = now
        self._lock = threading.Lock()
        # Fingerprint before building: an edit made during the build is then seen as a change.
        self._seen: _Fingerprint | None = _fingerprint(watched())
        self._watch_error: str | None = None
        site = build()
        self._site = site
        self._resources = _resources(site, previous={}, now=now())
        self._next_check = clock() + check_interval
        logger.info("built %d file(s)", len(self._resources))

    @property
    def site(self) -> Site:
        """The last good build (no check for changes)."""
        return self._site

    def resources(self) -> Mapping[str, Resource]:
        """Return the servable files, first rebuilding if a watched file changed.

        The look at the watched files happens at most once per `check_interval`.
        """
        if self._clock() >= self._next_check and self._lock.acquire(blocking=False):
            try:
                # Another thread may have finished a check between our test and the acquire.
                if self._clock() >= self._next_check:
                    self._check()
                    self._next_check = self._clock() + self._check_interval
            finally:
                self._lock.release()
        # One attribute read: a reader sees either the old or the new build, never a mix.
        return self._resources

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
        if fingerprint == self._seen:
            return
        self._seen = fingerprint
        try:
            site = self._build()
            resources = _resources(site, previous=self._resources, now=self._now())
        except Exception as exc:
            self._log_failure(exc)
            return
        # Order matters only for `site` readers; handlers read `_resources` alone.
        self._site = site
        self._resources = resources
        logger.info("rebuilt %d file(s)", len(resources))

    @staticmethod
    def _log_failure(exc: Exception) -> None:
        if isinstance(exc, ContentcalError):
            # str() of a ContentcalError is already the located one-line message for the user.
            logger.error("%s", exc)
        else:
            logger.error(
                "rebuilding the site failed; still serving the last good build", exc_info=exc
            )


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


def _resources(
    site: Site, *, previous: Mapping[str, Resource], now: datetime
) -> Mapping[str, Resource]:
    site_modified = _whole_utc_seconds(site.last_modified, what="site.last_modified")
    now_seconds = _whole_utc_seconds(now, what="now()")
    result: dict[str, Resource] = {}
    for path, raw_body in site.files.items():
        _check_site_path(path)
        body = bytes(raw_body)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        old = previous.get(path)
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
        result[path] = Resource(
            body=body,
            content_type=_content_type(path),
            etag=etag,
            last_modified=modified,
            last_modified_http=format_datetime(modified, usegmt=True),
        )
    return MappingProxyType(result)


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

    def __init__(self, cache: SiteCache, *, host: str, port: int, token: str | None) -> None:
        self.cache = cache
        self.token = token
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

    def handle_error(self, request: object, client_address: object) -> None:
        # socketserver's default prints a traceback to stderr; a library must not print.
        if isinstance(sys.exc_info()[1], ConnectionError):
            # The client went away mid-response (closed tab, timeout): nothing to fix here.
            logger.debug("connection from %s dropped", client_address, exc_info=True)
        else:
            logger.exception("error while handling a request from %s", client_address)


def make_server(
    cache: SiteCache, *, host: str = "127.0.0.1", port: int = 8080, token: str | None = None
) -> FeedServer:
    """Bind a server for `cache`'s files (it does not start serving; see :func:`serve_forever`).

    Args:
        cache: Where every request gets the current build.
        host: Address to bind; the default keeps the feeds on this machine.
        port: TCP port; 0 picks a free one (read it back from :attr:`FeedServer.port`).
        token: When given, every file lives under ``/<token>/`` and any other path is 404,
            so the feed URL itself is the secret. URL-safe characters only
            (``secrets.token_urlsafe()``).

    Raises:
        ValueError: `token` is empty or has characters other than ``A-Z a-z 0-9 _ -``.
        OSError: The address cannot be bound (port in use, no permission).
    """
    if token is not None and not _TOKEN_RE.fullmatch(token):
        raise ValueError("token must be non-empty and use only A-Z, a-z, 0-9, '_' and '-'")
    return FeedServer(cache, host=host, port=port, token=token)


def serve_forever(server: FeedServer, *, poll_interval: float = 0.5) -> None:
    """Serve until interrupted (Ctrl-C) or :meth:`FeedServer.shutdown`, then close the socket.

    Returns normally on KeyboardInterrupt, so the caller can say goodbye.
    """
    logger.info("serving on %s", server.base_url)
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
        parts = urlsplit(path)
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
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        # parsedate_to_datetime returns naive for "-0000"; HTTP dates are always GMT.
        since = since.replace(tzinfo=UTC)
    return modified <= since


class _FeedHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 for keep-alive: calendar clients and benchmarks reuse the connection.
    protocol_version = "HTTP/1.1"
    server_version = "contentcal"
    # Headers and body go out in two writes; with Nagle the second waits for a delayed ACK.
    disable_nagle_algorithm = True
    # Idle keep-alive connections must not hold a thread forever.
    timeout = 30

    def version_string(self) -> str:
        # The default adds the Python version, which tells a scanner more than a client needs.
        return self.server_version

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _method_not_allowed(self) -> None:
        # We never read a request body, so it would be parsed as the next request.
        self.close_connection = True
        self._send_plain(HTTPStatus.METHOD_NOT_ALLOWED, extra={"Allow": _ALLOWED_METHODS})

    # The registered methods that modify or probe resources. Unregistered methods keep the
    # base class's 501 Not Implemented, which RFC 9110 §9.1 prescribes for them.
    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = (  # noqa: N815
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
            resource = server.cache.resources().get(route or "index.html")
        if resource is None:
            self._send_plain(HTTPStatus.NOT_FOUND)
            return
        if self._is_not_modified(resource):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._send_validators(resource)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(resource.body)))
        self._send_validators(resource)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            self.wfile.write(resource.body)

    def _is_not_modified(self, resource: Resource) -> bool:
        # RFC 9110 §13.2.2: If-None-Match decides whenever present; If-Modified-Since only
        # counts without it.
        if_none_match = self.headers.get_all("If-None-Match")
        if if_none_match:
            return _etag_matches(",".join(if_none_match), resource.etag)
        since = self.headers.get_all("If-Modified-Since")
        return since is not None and _not_modified_since(since, resource.last_modified)

    def _send_validators(self, resource: Resource) -> None:
        self.send_header("ETag", resource.etag)
        self.send_header("Last-Modified", resource.last_modified_http)
        self.send_header("Cache-Control", "no-cache")

    def _send_plain(
        self,
        status: HTTPStatus,
        *,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        body = f"{status.value} {status.phrase}\n".encode("ascii")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
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
            status = code.value if isinstance(code, HTTPStatus) else code
            logger.info('%s "%s" %s', self.address_string(), self.requestline, status)

    def log_message(self, format: str, *args: object) -> None:
        # The base class writes errors (bad request lines, timeouts) to stderr.
        logger.info("%s %s", self.address_string(), format % args)
