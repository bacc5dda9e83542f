"""The subscription server, exercised over a real socket on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from contentcal.errors import PlanError, Problem
from contentcal.publishing.serve import (
    FeedServer,
    SiteCache,
    StaticSite,
    SubscribeLink,
    make_server,
    serve_forever,
    subscribe_urls,
)

MODIFIED = datetime(2026, 10, 29, 16, 0, 0, 123456, tzinfo=UTC)
MODIFIED_HTTP = "Thu, 29 Oct 2026 16:00:00 GMT"
FEED = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n"
INDEX = b"<!doctype html><title>feeds</title>"
FILES = {
    "all.ics": FEED,
    "platform/instagram.ics": FEED.replace(b"test", b"instagram"),
    "index.html": INDEX,
}
TOKEN = "Zq3-x_9kPw"  # noqa: S105 - a fixed test token, not a credential


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def static_cache(files: Mapping[str, bytes] = FILES) -> SiteCache:
    site = StaticSite(files=files, last_modified=MODIFIED)
    return SiteCache(lambda: site, lambda: [], check_interval=0)


class Response:
    """What a test needs from one exchange, read before the connection is reused."""

    def __init__(self, raw: http.client.HTTPResponse) -> None:
        self.status = raw.status
        self.headers = dict(raw.getheaders())
        self.body = raw.read()


def fetch(
    server: FeedServer,
    target: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request(method, target, headers=dict(headers or {}))
        return Response(connection.getresponse())
    finally:
        connection.close()


@pytest.fixture
def start() -> Iterator[Callable[..., FeedServer]]:
    """Start servers on free ports in background threads; always shut them down."""
    running: list[tuple[FeedServer, threading.Thread]] = []

    def _start(cache: SiteCache, *, token: str | None = None, **options: Any) -> FeedServer:
        server = make_server(cache, port=0, token=token, **options)
        thread = threading.Thread(
            target=serve_forever, args=(server,), kwargs={"poll_interval": 0.01}, daemon=True
        )
        thread.start()
        running.append((server, thread))
        return server

    yield _start
    for server, thread in running:
        server.shutdown()
        thread.join(timeout=5)
        assert not thread.is_alive()


def bump_mtime(path: Path) -> None:
    """Move mtime a whole second on, so coarse file-system timestamps still differ."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


# --- responses and headers ---------------------------------------------------------------


def test_get_feed_has_exact_headers(start: Callable[..., FeedServer]) -> None:
    """A feed is served with calendar type, strong ETag, second-precision date, no disposition."""
    server = start(static_cache())

    response = fetch(server, "/all.ics")

    assert response.status == 200
    assert response.body == FEED
    parsedate_to_datetime(response.headers.pop("Date"))
    assert response.headers == {
        "Server": "contentcal",
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Length": str(len(FEED)),
        "ETag": etag_of(FEED),
        "Last-Modified": MODIFIED_HTTP,
        "Cache-Control": "no-cache",
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag, Last-Modified",
        "X-Content-Type-Options": "nosniff",
    }


def test_root_serves_index_html(start: Callable[..., FeedServer]) -> None:
    """``/`` is the index page, typed as HTML."""
    server = start(static_cache())

    response = fetch(server, "/")

    assert (response.status, response.body) == (200, INDEX)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["ETag"] == etag_of(INDEX)


def test_nested_path_is_served(start: Callable[..., FeedServer]) -> None:
    """Files in folders of the site are reachable by their relative path."""
    server = start(static_cache())

    response = fetch(server, "/platform/instagram.ics")

    assert (response.status, response.body) == (200, FILES["platform/instagram.ics"])


@pytest.mark.parametrize("accept", [None, "*/*", "text/calendar", "application/json"])
def test_accept_header_does_not_matter(
    start: Callable[..., FeedServer], accept: str | None
) -> None:
    """Google sends no Accept header and others send anything: always 200 with the feed."""
    server = start(static_cache())

    response = fetch(server, "/all.ics", headers={"Accept": accept} if accept else None)

    assert (response.status, response.body) == (200, FEED)


@pytest.mark.parametrize("target", ["/all.ics?x=1", "/all.ics?", "/all.ics?a=1&b=%2e%2e"])
def test_query_string_is_ignored(start: Callable[..., FeedServer], target: str) -> None:
    """Cache-busting query strings get the same feed."""
    server = start(static_cache())

    response = fetch(server, target)

    assert (response.status, response.body) == (200, FEED)


def test_head_sends_headers_without_body(start: Callable[..., FeedServer]) -> None:
    """HEAD has GET's headers; no body bytes follow, so the connection stays usable."""
    server = start(static_cache())
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("HEAD", "/all.ics")
        head = Response(connection.getresponse())
        # Any stray body bytes would be read as the start of this next response.
        connection.request("GET", "/index.html")
        after = Response(connection.getresponse())
    finally:
        connection.close()

    assert head.status == 200
    assert head.body == b""
    assert head.headers["Content-Length"] == str(len(FEED))
    assert head.headers["ETag"] == etag_of(FEED)
    assert head.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert (after.status, after.body) == (200, INDEX)


def test_unknown_path_is_404(start: Callable[..., FeedServer]) -> None:
    """Paths outside the site's mapping are 404 with a short plain body."""
    server = start(static_cache())

    response = fetch(server, "/nope.ics")

    assert response.status == 404
    assert response.body == b"404 Not Found\n"
    assert "ETag" not in response.headers


def test_root_without_index_is_404(start: Callable[..., FeedServer]) -> None:
    """A site without index.html has nothing at ``/``."""
    server = start(static_cache({"all.ics": FEED}))

    assert fetch(server, "/").status == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "TRACE"])
def test_other_methods_are_405_with_allow(start: Callable[..., FeedServer], method: str) -> None:
    """Anything but GET/HEAD/OPTIONS is refused, says what is allowed, closes the connection."""
    server = start(static_cache())

    response = fetch(server, "/all.ics", method=method, headers={"Content-Length": "0"})

    assert response.status == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["Connection"] == "close"


def test_post_body_does_not_become_the_next_request(start: Callable[..., FeedServer]) -> None:
    """The unread body of a refused POST must not be parsed as a request on the same socket."""
    server = start(static_cache())
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("POST", "/all.ics", body=b"GET /all.ics HTTP/1.1\r\n\r\n")
        refused = Response(connection.getresponse())
        # http.client reconnects because the server announced Connection: close.
        connection.request("GET", "/all.ics")
        served = Response(connection.getresponse())
    finally:
        connection.close()

    assert refused.status == 405
    assert (served.status, served.body) == (200, FEED)


# --- conditional requests ----------------------------------------------------------------


@pytest.mark.parametrize(
    "if_none_match",
    [
        etag_of(FEED),
        "W/" + etag_of(FEED),
        f'"other", {etag_of(FEED)}',
        f'"a,b", W/"x", {etag_of(FEED)}',
        "*",
    ],
)
def test_matching_if_none_match_is_304(
    start: Callable[..., FeedServer], if_none_match: str
) -> None:
    """Weak comparison over a list, and ``*``, answer 304 with validators and no body."""
    server = start(static_cache())

    response = fetch(server, "/all.ics", headers={"If-None-Match": if_none_match})

    assert response.status == 304
    assert response.body == b""
    assert response.headers["ETag"] == etag_of(FEED)
    assert response.headers["Last-Modified"] == MODIFIED_HTTP
    assert response.headers["Cache-Control"] == "no-cache"


def test_revalidation_with_etag_from_a_previous_200(start: Callable[..., FeedServer]) -> None:
    """The round trip a client makes: GET, then revalidate with the ETag it was given."""
    server = start(static_cache())

    first = fetch(server, "/all.ics")
    second = fetch(server, "/all.ics", headers={"If-None-Match": first.headers["ETag"]})

    assert (first.status, second.status) == (200, 304)
    assert second.headers["ETag"] == first.headers["ETag"]


@pytest.mark.parametrize("if_none_match", ['"stale"', "", "garbage", etag_of(FEED)[:-2] + '"'])
def test_non_matching_if_none_match_is_200(
    start: Callable[..., FeedServer], if_none_match: str
) -> None:
    """A different, empty or unparsable If-None-Match gets the full feed."""
    server = start(static_cache())

    response = fetch(server, "/all.ics", headers={"If-None-Match": if_none_match})

    assert (response.status, response.body) == (200, FEED)


def test_if_none_match_wins_over_if_modified_since(start: Callable[..., FeedServer]) -> None:
    """With If-None-Match present, If-Modified-Since is ignored in both directions."""
    server = start(static_cache())
    future = "Fri, 01 Jan 2100 00:00:00 GMT"
    past = "Mon, 01 Jan 2001 00:00:00 GMT"

    stale_tag = fetch(
        server, "/all.ics", headers={"If-None-Match": '"stale"', "If-Modified-Since": future}
    )
    fresh_tag = fetch(
        server, "/all.ics", headers={"If-None-Match": etag_of(FEED), "If-Modified-Since": past}
    )

    assert (stale_tag.status, stale_tag.body) == (200, FEED)
    assert fresh_tag.status == 304


@pytest.mark.parametrize(
    ("if_modified_since", "status"),
    [
        ("Thu, 29 Oct 2026 15:59:59 GMT", 200),
        (MODIFIED_HTTP, 304),
        ("Thu, 29 Oct 2026 16:00:01 GMT", 304),
        ("Thu, 29 Oct 2026 17:00:00 +0100", 304),
        ("Thursday, 29-Oct-26 16:00:00 GMT", 304),  # RFC 850, obsolete but still allowed
        ("Thursday, 29-Oct-26 15:59:59 GMT", 200),
        ("Thu Oct 29 16:00:00 2026", 304),  # asctime, which carries no zone: GMT
        ("yesterday", 200),
        ("", 200),
        ("Thu, 32 Oct 2026 16:00:00 GMT", 200),
    ],
)
def test_if_modified_since_compares_dates(
    start: Callable[..., FeedServer], if_modified_since: str, status: int
) -> None:
    """Only a parsed date at or after Last-Modified is 304; garbage is ignored, never 304."""
    server = start(static_cache())

    response = fetch(server, "/all.ics", headers={"If-Modified-Since": if_modified_since})

    assert response.status == status
    assert response.body == (FEED if status == 200 else b"")


def test_head_revalidation_is_304(start: Callable[..., FeedServer]) -> None:
    """Conditional HEAD answers like conditional GET."""
    server = start(static_cache())

    response = fetch(server, "/all.ics", method="HEAD", headers={"If-None-Match": etag_of(FEED)})

    assert response.status == 304


# --- traversal and tokens ----------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../all.ics",
        "/platform/../all.ics",
        "/platform/%2e%2e/all.ics",
        "/platform/%2E%2E%2Fall.ics",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/../../../../etc/passwd",
        "/./all.ics",
        "/platform\\..\\all.ics",
        "/platform%5c..%5call.ics",
        "//all.ics",
        "/%2fall.ics",
        "/platform//instagram.ics",
        "/all.ics/",
        "/all.ics%00",
        "/all.ics%00.html",
        "/%ff%fe",
        "/etc/passwd",
        "http://127.0.0.1/../all.ics",
        "file:///etc/passwd",
    ],
)
def test_traversal_never_escapes_the_mapping(start: Callable[..., FeedServer], target: str) -> None:
    """Dot segments, encoded slashes, backslashes, NUL and empty segments are all 404."""
    server = start(static_cache())

    response = fetch(server, target)

    assert response.status == 404
    assert response.body == b"404 Not Found\n"


def test_absolute_form_target_is_accepted(start: Callable[..., FeedServer]) -> None:
    """RFC 9112 requires accepting ``GET http://host/path``; only the path counts."""
    server = start(static_cache())

    response = fetch(server, f"http://127.0.0.1:{server.port}/all.ics?x=1")

    assert (response.status, response.body) == (200, FEED)


@pytest.mark.parametrize(
    ("target", "body"),
    [
        (f"/{TOKEN}/all.ics", FEED),
        (f"/{TOKEN}/platform/instagram.ics", FILES["platform/instagram.ics"]),
        (f"/{TOKEN}/", INDEX),
        (f"/{TOKEN}/all.ics?x=1", FEED),
    ],
)
def test_token_serves_under_its_prefix(
    start: Callable[..., FeedServer], target: str, body: bytes
) -> None:
    """With a token, the site lives under ``/<token>/``."""
    server = start(static_cache(), token=TOKEN)

    response = fetch(server, target)

    assert (response.status, response.body) == (200, body)


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/all.ics",
        "/index.html",
        "/platform/instagram.ics",
        f"/{TOKEN[:-1]}/all.ics",
        f"/{TOKEN}x/all.ics",
        f"/{TOKEN.lower()}/all.ics",
        f"/x/{TOKEN}/all.ics",
        f"/{TOKEN}/../all.ics",
        f"//{TOKEN}/all.ics",
    ],
)
def test_missing_or_wrong_token_is_404(start: Callable[..., FeedServer], target: str) -> None:
    """No token, a wrong one, or a near miss: 404, not 403, so the feed's existence stays hidden."""
    server = start(static_cache(), token=TOKEN)

    response = fetch(server, target)

    assert response.status == 404
    assert response.body == b"404 Not Found\n"


def test_token_without_trailing_slash_redirects(start: Callable[..., FeedServer]) -> None:
    """``/<token>`` redirects to ``/<token>/`` so the index's relative links keep the token."""
    server = start(static_cache(), token=TOKEN)

    response = fetch(server, f"/{TOKEN}")

    assert response.status == 308
    assert response.headers["Location"] == f"/{TOKEN}/"


def test_base_url_includes_port_and_token(start: Callable[..., FeedServer]) -> None:
    """The base URL is what the CLI prints; it must name the bound port and the token."""
    with_token = start(static_cache(), token=TOKEN)
    without = start(static_cache())

    assert with_token.port != 0
    assert with_token.base_url == f"http://127.0.0.1:{with_token.port}/{TOKEN}/"
    assert without.base_url == f"http://127.0.0.1:{without.port}/"


@pytest.mark.parametrize("token", ["", "a/b", "tok en", "ä", "..", "a?b"])
def test_unusable_token_is_refused(token: str) -> None:
    """Tokens must be URL-safe, or the printed subscription URLs would not work."""
    with pytest.raises(ValueError, match="token must be non-empty"):
        make_server(static_cache(), port=0, token=token)


# --- rebuilding --------------------------------------------------------------------------


class PlanOnDisk:
    """A build that reads a file, the way the real feed builder reads the plan."""

    def __init__(self, path: Path, *, modified: datetime = MODIFIED) -> None:
        self.path = path
        self.modified = modified
        self.builds = 0

    def build(self) -> StaticSite:
        self.builds += 1
        text = self.path.read_bytes()
        if text.startswith(b"BROKEN"):
            raise PlanError([Problem("unknown pillar 'edu'", file="plan.toml", line=3)])
        if text.startswith(b"CRASH"):
            raise RuntimeError("bug in the builder")
        return StaticSite(files={"all.ics": text}, last_modified=self.modified)

    def watched(self) -> list[Path]:
        return [self.path]

    def write(self, body: bytes) -> None:
        self.path.write_bytes(body)
        bump_mtime(self.path)


def test_edit_is_served_after_the_throttle(
    tmp_path: Path, start: Callable[..., FeedServer]
) -> None:
    """Changing a watched file changes body, ETag and Last-Modified on the next request."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"one")
    server = start(SiteCache(plan.build, plan.watched, background=False, check_interval=0))
    before = fetch(server, "/all.ics")

    plan.write(b"two")  # same size: only the mtime tells
    after = fetch(server, "/all.ics")
    revalidated = fetch(server, "/all.ics", headers={"If-None-Match": before.headers["ETag"]})

    assert (before.body, after.body) == (b"one", b"two")
    assert after.headers["ETag"] == etag_of(b"two") != before.headers["ETag"]
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        before.headers["Last-Modified"]
    )
    assert (revalidated.status, revalidated.body) == (200, b"two")


def test_unchanged_files_are_not_rebuilt(tmp_path: Path) -> None:
    """Without a change in (mtime, size), requests reuse the build."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"one")
    cache = SiteCache(plan.build, plan.watched, background=False, check_interval=0)

    for _ in range(5):
        cache.resources()

    assert plan.builds == 1


def test_checks_are_throttled(tmp_path: Path) -> None:
    """A change is picked up only once `check_interval` has passed since the last look."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"one")
    clock = [100.0]
    cache = SiteCache(
        plan.build, plan.watched, background=False, check_interval=1.0, clock=lambda: clock[0]
    )

    plan.write(b"two")
    clock[0] += 0.999
    within = cache.resources()["all.ics"].body
    clock[0] += 0.001
    after = cache.resources()["all.ics"].body

    assert (within, after) == (b"one", b"two")
    assert plan.builds == 2


def test_readers_do_not_wait_for_a_rebuild(tmp_path: Path) -> None:
    """While one request rebuilds, the others are answered from the previous build."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"one")
    building = threading.Event()
    release = threading.Event()

    def slow_build() -> StaticSite:
        if plan.builds:
            building.set()
            assert release.wait(timeout=5)
        return plan.build()

    cache = SiteCache(slow_build, plan.watched, background=False, check_interval=0)
    plan.write(b"two")
    with ThreadPoolExecutor(max_workers=1) as pool:
        rebuilding = pool.submit(lambda: cache.resources()["all.ics"].body)
        assert building.wait(timeout=5)
        during = cache.resources()["all.ics"].body
        release.set()
        rebuilt = rebuilding.result(timeout=5)

    assert (during, rebuilt) == (b"one", b"two")
    assert cache.resources()["all.ics"].body == b"two"


def test_appearing_and_disappearing_files_trigger_rebuilds(tmp_path: Path) -> None:
    """A watched file that is created or deleted counts as a change."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"one")
    extra = tmp_path / "include.toml"
    cache = SiteCache(plan.build, lambda: [plan.path, extra], background=False, check_interval=0)

    extra.write_bytes(b"x")
    cache.resources()
    extra.unlink()
    cache.resources()

    assert plan.builds == 3


def test_broken_edit_keeps_last_good_site_and_logs_once(
    tmp_path: Path, start: Callable[..., FeedServer], caplog: pytest.LogCaptureFixture
) -> None:
    """A PlanError during rebuild is logged once as its located message; the old feed stays."""
    caplog.set_level(logging.INFO, logger="contentcal.serve")
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"good")
    server = start(SiteCache(plan.build, plan.watched, background=False, check_interval=0))

    plan.write(b"BROKEN")
    during = [fetch(server, "/all.ics") for _ in range(3)]
    plan.write(b"fixed")
    after = fetch(server, "/all.ics")

    assert [(r.status, r.body) for r in during] == [(200, b"good")] * 3
    assert (after.status, after.body) == (200, b"fixed")
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in errors] == ["plan.toml:3: unknown pillar 'edu'"]
    assert errors[0].name == "contentcal.serve"


def test_each_broken_edit_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Two different broken saves are two changes, so two log lines."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"good")
    cache = SiteCache(plan.build, plan.watched, background=False, check_interval=0)

    plan.write(b"BROKEN")
    cache.resources()
    plan.write(b"BROKEN again")
    cache.resources()
    cache.resources()

    assert [r.levelno for r in caplog.records if r.name == "contentcal.serve"].count(
        logging.ERROR
    ) == 2
    assert cache.resources()["all.ics"].body == b"good"


def test_unexpected_rebuild_error_keeps_serving_with_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in the builder is logged with its traceback rather than taking the feeds down."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"good")
    cache = SiteCache(plan.build, plan.watched, background=False, check_interval=0)

    plan.write(b"CRASH")
    body = cache.resources()["all.ics"].body

    assert body == b"good"
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "bug in the builder"


def test_first_build_error_propagates(tmp_path: Path) -> None:
    """Without a good site there is nothing to serve: the caller (the CLI) reports it."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"BROKEN")

    with pytest.raises(PlanError, match=r"^plan.toml:3: unknown pillar 'edu'$"):
        SiteCache(plan.build, plan.watched)


def test_a_plan_that_never_loaded_is_served_as_503_until_fixed(
    tmp_path: Path, start: Callable[..., FeedServer], caplog: pytest.LogCaptureFixture
) -> None:
    """wait_for_fix: the server starts, every page says why (503), the fix is served."""
    caplog.set_level(logging.INFO, logger="contentcal.serve")
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"BROKEN")
    cache = SiteCache(
        plan.build, plan.watched, background=False, check_interval=0, wait_for_fix=True
    )
    server = start(cache, token="s3cret")  # noqa: S106 - a test token

    feed, index, stranger = (fetch(server, t) for t in ("/s3cret/all.ics", "/s3cret/", "/all.ics"))
    plan.write(b"BROKEN again")
    still = fetch(server, "/s3cret/all.ics")
    plan.write(b"fixed")
    fixed = fetch(server, "/s3cret/all.ics")

    expected = (
        "503 Service Unavailable: the plan could not be loaded, so there are no feeds yet.\n"
        "They appear here as soon as the plan is fixed.\n\n"
        "plan.toml:3: unknown pillar 'edu'\n"
    )
    assert (feed.status, feed.body.decode()) == (503, expected)
    assert feed.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert feed.headers["Retry-After"] == "10"
    assert (index.status, index.body) == (503, feed.body)
    assert stranger.status == 404  # without the token, nothing about the plan
    assert still.status == 503
    assert (fixed.status, fixed.body) == (200, b"fixed")
    assert cache.failure is None
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == ["plan.toml:3: unknown pillar 'edu'"] * 2  # once per change


def test_a_broken_first_build_still_raises_without_wait_for_fix(tmp_path: Path) -> None:
    """wait_for_fix only tolerates located errors; a bug in the builder still propagates."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"CRASH")

    with pytest.raises(RuntimeError, match="bug in the builder"):
        SiteCache(plan.build, plan.watched, wait_for_fix=True)


def test_last_modified_advances_when_body_changes_but_site_time_does_not(
    tmp_path: Path,
) -> None:
    """Deleting a post can leave the newest edit time unchanged; IMS clients must still refetch."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"two posts")
    now = MODIFIED + timedelta(days=3, microseconds=5)
    cache = SiteCache(plan.build, plan.watched, background=False, check_interval=0, now=lambda: now)

    plan.write(b"one post")
    changed = cache.resources()["all.ics"]
    plan.write(b"one post")  # touched, same bytes
    touched = cache.resources()["all.ics"]

    assert changed.last_modified == MODIFIED.replace(microsecond=0) + timedelta(days=3)
    assert touched.last_modified == changed.last_modified
    assert plan.builds == 3


def test_site_time_is_used_when_it_advances(tmp_path: Path) -> None:
    """A build whose own time moves forward is served with exactly that time."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"one")
    cache = SiteCache(plan.build, plan.watched, background=False, check_interval=0)

    plan.modified = MODIFIED + timedelta(hours=1)
    plan.write(b"two")

    assert cache.resources()["all.ics"].last_modified_http == "Thu, 29 Oct 2026 17:00:00 GMT"


def test_naive_last_modified_is_refused() -> None:
    """A naive time cannot become an HTTP date without guessing a zone."""
    site = StaticSite(files={"all.ics": FEED}, last_modified=datetime(2026, 10, 29))

    with pytest.raises(ValueError, match=r"site\.last_modified must be timezone-aware"):
        SiteCache(lambda: site, lambda: [])


@pytest.mark.parametrize("path", ["/all.ics", "../all.ics", "a//b.ics", "a\\b.ics", "", "./a"])
def test_unclean_site_paths_are_refused(path: str) -> None:
    """A builder bug that names a file outside the site fails loudly at build time."""
    site = StaticSite(files={path: FEED}, last_modified=MODIFIED)

    with pytest.raises(ValueError, match="is not a clean relative path"):
        SiteCache(lambda: site, lambda: [])


# --- concurrency, logging, shutdown ------------------------------------------------------


def test_concurrent_clients_get_identical_bodies(start: Callable[..., FeedServer]) -> None:
    """20 keep-alive clients x 10 requests each all get the full, identical feed."""
    big = FEED * 2000
    server = start(static_cache({"all.ics": big}))

    def client(_: int) -> list[tuple[int, bytes]]:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            results = []
            for _ in range(10):
                connection.request("GET", "/all.ics")
                response = connection.getresponse()
                results.append((response.status, response.read()))
            return results
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = [item for batch in pool.map(client, range(20)) for item in batch]

    assert len(results) == 200
    assert all(result == (200, big) for result in results)


def test_requests_are_logged_not_printed(
    start: Callable[..., FeedServer],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The access log goes to the contentcal.serve logger at INFO; stderr stays empty."""
    caplog.set_level(logging.INFO, logger="contentcal.serve")
    server = start(static_cache())

    fetch(server, "/all.ics")
    fetch(server, "/missing")

    access = [r.getMessage() for r in caplog.records if r.name == "contentcal.serve"]
    assert '127.0.0.1 "GET /all.ics HTTP/1.1" 200' in access
    assert '127.0.0.1 "GET /missing HTTP/1.1" 404' in access
    assert capfd.readouterr().err == ""


def test_subscribe_urls() -> None:
    """https, webcal and Google links for each path, with the path percent-encoded."""
    links = subscribe_urls("https://cal.example.com/s3cret", ["all.ics", "owner/sári.ics"])

    assert links == [
        SubscribeLink(
            path="all.ics",
            url="https://cal.example.com/s3cret/all.ics",
            webcal="webcal://cal.example.com/s3cret/all.ics",
            google="https://calendar.google.com/calendar/r?cid="
            "webcal%3A%2F%2Fcal.example.com%2Fs3cret%2Fall.ics",
        ),
        SubscribeLink(
            path="owner/sári.ics",
            url="https://cal.example.com/s3cret/owner/s%C3%A1ri.ics",
            webcal="webcal://cal.example.com/s3cret/owner/s%C3%A1ri.ics",
            google="https://calendar.google.com/calendar/r?cid="
            "webcal%3A%2F%2Fcal.example.com%2Fs3cret%2Fowner%2Fs%25C3%25A1ri.ics",
        ),
    ]


def test_subscribe_urls_from_local_http_base() -> None:
    """The local base URL keeps its port; webcal replaces the http scheme."""
    (link,) = subscribe_urls("http://127.0.0.1:8080/", ["all.ics"])

    assert link.url == "http://127.0.0.1:8080/all.ics"
    assert link.webcal == "webcal://127.0.0.1:8080/all.ics"


@pytest.mark.parametrize("base", ["cal.example.com/", "ftp://cal.example.com/", "https:///x"])
def test_subscribe_urls_needs_absolute_http_base(base: str) -> None:
    """A base without scheme or host cannot make a link anyone can subscribe to."""
    with pytest.raises(ValueError, match="base URL must be an absolute http"):
        subscribe_urls(base, ["all.ics"])


SERVE_UNTIL_INTERRUPTED = """
import logging, sys
from datetime import UTC, datetime
from contentcal.publishing.serve import SiteCache, StaticSite, make_server, serve_forever

logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")
site = StaticSite(files={"all.ics": b"feed"}, last_modified=datetime(2026, 1, 1, tzinfo=UTC))
server = make_server(SiteCache(lambda: site, lambda: []), port=0)
sys.stdout.write(f"{server.port}\\n")
sys.stdout.flush()
serve_forever(server, poll_interval=0.05)
sys.stdout.write("returned\\n")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_returns_normally() -> None:
    """Ctrl-C ends serve_forever without a traceback, so the CLI can say goodbye."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE_UNTIL_INTERRUPTED],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/all.ics")
        assert connection.getresponse().read() == b"feed"
        connection.close()

        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=5)
    finally:
        process.kill()
        process.wait()

    assert process.returncode == 0
    assert stdout == "returned\n"
    assert "contentcal.serve INFO interrupted; shutting down" in stderr
    assert "Traceback" not in stderr


# --- issue #11: what browsers and polling clients need --------------------------------------

BIG = FEED * 200  # large enough to be worth compressing


def test_cors_on_feeds_index_and_errors(start: Callable[..., FeedServer]) -> None:
    """Pages on any origin may read feeds and the index, and see the validators."""
    server = start(static_cache())
    for target in ("/all.ics", "/", "/missing"):
        response = fetch(server, target, headers={"Origin": "https://shop.example"})
        assert response.headers["Access-Control-Allow-Origin"] == "*", target
    response = fetch(server, "/all.ics")
    assert response.headers["Access-Control-Expose-Headers"] == "ETag, Last-Modified"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_options_preflight_is_204(start: Callable[..., FeedServer]) -> None:
    """A preflight gets 204 with the methods and the conditional headers a page may send."""
    server = start(static_cache())
    response = fetch(
        server,
        "/all.ics",
        method="OPTIONS",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert (response.status, response.body) == (204, b"")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == (
        "If-None-Match, If-Modified-Since, Cache-Control"
    )
    assert response.headers["Access-Control-Max-Age"] == "86400"
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_options_on_a_missing_path_or_without_the_token_is_404(
    start: Callable[..., FeedServer],
) -> None:
    """OPTIONS tells no more than GET does about what exists."""
    server = start(static_cache(), token=TOKEN)
    assert fetch(server, "/all.ics", method="OPTIONS").status == 404
    assert fetch(server, f"/{TOKEN}/all.ics", method="OPTIONS").status == 204


def gunzip(data: bytes) -> bytes:
    import gzip

    return gzip.decompress(data)


def test_gzip_when_accepted(start: Callable[..., FeedServer]) -> None:
    """gzip for a client that accepts it: own ETag, Vary, the same bytes once decoded."""
    server = start(static_cache({"all.ics": BIG}))
    plain = fetch(server, "/all.ics")
    packed = fetch(server, "/all.ics", headers={"Accept-Encoding": "gzip, deflate"})

    assert "Content-Encoding" not in plain.headers
    assert plain.body == BIG
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.body) < len(BIG) // 10
    assert gunzip(packed.body) == BIG
    assert plain.headers["Vary"] == packed.headers["Vary"] == "Accept-Encoding"
    assert plain.headers["ETag"] == etag_of(BIG)
    assert packed.headers["ETag"] == etag_of(BIG)[:-1] + '-gzip"'
    # Deterministic: the same body always compresses to the same bytes.
    again = fetch(server, "/all.ics", headers={"Accept-Encoding": "gzip"})
    assert again.body == packed.body


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("*", True),
        ("br, *;q=0.1", True),
        ("x-gzip", True),
        ("gzip;q=0", False),
        ("*, gzip;q=0", False),
        ("identity", False),
        ("br", False),
        ("", False),
        ("gzip;q=bogus", False),
    ],
)
def test_gzip_only_when_acceptable(
    start: Callable[..., FeedServer], accept: str, gzipped: bool
) -> None:
    """Accept-Encoding is read with its q-values (RFC 9110 §12.5.3); q=0 means never."""
    server = start(static_cache({"all.ics": BIG}))
    response = fetch(server, "/all.ics", headers={"Accept-Encoding": accept})
    assert ("Content-Encoding" in response.headers) is gzipped
    assert (gunzip(response.body) if gzipped else response.body) == BIG


def test_gzip_revalidation_is_304_per_encoding(start: Callable[..., FeedServer]) -> None:
    """Each encoding revalidates with its own tag; the other encoding's tag is a miss."""
    server = start(static_cache({"all.ics": BIG}))
    gz = {"Accept-Encoding": "gzip"}
    packed = fetch(server, "/all.ics", headers=gz)
    plain = fetch(server, "/all.ics")

    hit = fetch(server, "/all.ics", headers={**gz, "If-None-Match": packed.headers["ETag"]})
    miss = fetch(server, "/all.ics", headers={**gz, "If-None-Match": plain.headers["ETag"]})
    by_date = fetch(server, "/all.ics", headers={**gz, "If-Modified-Since": MODIFIED_HTTP})

    assert (hit.status, hit.body) == (304, b"")
    assert hit.headers["ETag"] == packed.headers["ETag"]
    assert hit.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in hit.headers
    assert miss.status == 200
    assert gunzip(miss.body) == BIG
    assert by_date.status == 304


def test_small_or_binary_files_are_not_compressed(start: Callable[..., FeedServer]) -> None:
    """Below 256 bytes gzip costs more than it saves; unknown types are left alone."""
    server = start(static_cache({"all.ics": FEED, "logo.bin": BIG}))
    for target in ("/all.ics", "/logo.bin"):
        response = fetch(server, target, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in response.headers, target
        assert "Vary" not in response.headers, target


@pytest.mark.parametrize(
    "value",
    [
        "Thu, 01 Jan 99999999999999999999 00:00:00 GMT",
        "Thu, 99 Jan 2026 00:00:00 GMT",
        "Thu, 01 Jan 2026 25:61:00 GMT",
        "\x7f",
        "Thu, 01 Jan 10000 00:00:00 GMT",
    ],
)
def test_malformed_if_modified_since_is_ignored(
    start: Callable[..., FeedServer], caplog: pytest.LogCaptureFixture, value: str
) -> None:
    """Regression (issue #15): a year 99999999999999999999 dropped the connection with a
    logged traceback; RFC 9110 §13.1.3 says to ignore an invalid date."""
    server = start(static_cache())
    response = fetch(server, "/all.ics", headers={"If-Modified-Since": value})
    assert (response.status, response.body) == (200, FEED)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# --- the index links to where it is served ---------------------------------------------------


class LinkedSite:
    """A site whose index names the address it is served at."""

    files = {"all.ics": FEED, "index.html": b"relative"}  # noqa: RUF012 - a test double
    last_modified = MODIFIED

    def files_for(self, base_url: str) -> Mapping[str, bytes]:
        return {"index.html": f"links to {base_url}all.ics".encode()}


def test_index_links_to_the_host_it_was_asked_at(start: Callable[..., FeedServer]) -> None:
    """Without a base URL, links use the request's Host (and the token)."""
    site = LinkedSite()
    server = start(SiteCache(lambda: site, lambda: [], check_interval=0), token=TOKEN)
    asked = fetch(server, f"/{TOKEN}/", headers={"Host": "cal.example:8080"})
    forwarded = fetch(
        server,
        f"/{TOKEN}/",
        headers={"Host": "cal.example", "X-Forwarded-Proto": "https"},
    )
    assert asked.body == f"links to http://cal.example:8080/{TOKEN}/all.ics".encode()
    assert forwarded.body == f"links to https://cal.example/{TOKEN}/all.ics".encode()
    assert asked.headers["ETag"] == etag_of(asked.body)
    assert fetch(server, f"/{TOKEN}/all.ics").body == FEED


@pytest.mark.parametrize("host", ["evil.example/<script>", "a b", "", "x" * 300, "[::1"])
def test_a_strange_host_falls_back_to_the_server_address(
    start: Callable[..., FeedServer], host: str
) -> None:
    """Nothing but a host name and port from Host ever reaches the page."""
    site = LinkedSite()
    server = start(SiteCache(lambda: site, lambda: [], check_interval=0))
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.putrequest("GET", "/", skip_host=True)
        if host:
            connection.putheader("Host", host)
        connection.endheaders()
        body = connection.getresponse().read()
    finally:
        connection.close()
    assert body == f"links to {server.base_url}all.ics".encode()


def test_public_url_wins_over_host(start: Callable[..., FeedServer]) -> None:
    """Behind a proxy, --base-url is the address subscribers use; the token is added."""
    site = LinkedSite()
    server = start(
        SiteCache(lambda: site, lambda: [], check_interval=0),
        token=TOKEN,
        public_url="https://cal.example/batik",
    )
    response = fetch(server, f"/{TOKEN}/", headers={"Host": "127.0.0.1"})
    assert response.body == f"links to https://cal.example/batik/{TOKEN}/all.ics".encode()
    assert server.public_url == f"https://cal.example/batik/{TOKEN}/"


def test_renderings_per_address_are_bounded() -> None:
    """Host is chosen by the client: at most 16 renderings are kept."""
    site = LinkedSite()
    cache = SiteCache(lambda: site, lambda: [], check_interval=0)
    for number in range(40):
        resource = cache.linked("index.html", f"http://h{number}/")
        assert resource is not None
        assert resource.body == f"links to http://h{number}/all.ics".encode()
    assert len(cache._linked) <= 16


def test_feeds_are_not_rendered_per_address() -> None:
    """Only the files `files_for` returns depend on the address; a feed asked for under
    many Host names renders nothing more."""
    site = LinkedSite()
    calls = []

    def files_for(base_url: str) -> Mapping[str, bytes]:
        calls.append(base_url)
        return LinkedSite.files_for(site, base_url)

    site.files_for = files_for  # type: ignore[method-assign]
    cache = SiteCache(lambda: site, lambda: [], check_interval=0)
    assert cache.linked("index.html", "http://a/") is not None
    for number in range(20):
        resource = cache.linked("all.ics", f"http://h{number}/")
        assert resource is not None
        assert resource.body == FEED
    assert calls == ["http://a/"]


# --- rebuilds: in the background, and when time moves the schedule --------------------------


class Clocked:
    """A build whose output depends on an injected clock, like the real schedule."""

    def __init__(self, now: list[datetime], *, changes_at: datetime) -> None:
        self.now = now
        self.changes_at = changes_at
        self.builds = 0

    def build(self) -> StaticSite:
        self.builds += 1
        before = self.now[0] < self.changes_at
        body = b"slot upcoming" if before else b"slot passed"
        site = StaticSite(files={"all.ics": body}, last_modified=MODIFIED)
        # StaticSite has no expires; a Site may add one.
        return _Expiring(site, self.changes_at if before else None)


class _Expiring:
    def __init__(self, site: StaticSite, expires: datetime | None) -> None:
        self.files = site.files
        self.last_modified = site.last_modified
        self.expires = expires


def test_a_rebuild_happens_when_time_changes_the_schedule() -> None:
    """No file changes, but the build's `expires` passes: the next request rebuilds."""
    now = [MODIFIED]
    build = Clocked(now, changes_at=MODIFIED + timedelta(hours=2))
    cache = SiteCache(
        build.build, lambda: [], check_interval=0, now=lambda: now[0], background=False
    )
    assert cache.expires == MODIFIED + timedelta(hours=2)

    now[0] = MODIFIED + timedelta(hours=2) - timedelta(microseconds=1)
    before = cache.resources()["all.ics"].body
    now[0] = MODIFIED + timedelta(hours=2)
    after = cache.resources()["all.ics"].body

    assert (before, after, build.builds) == (b"slot upcoming", b"slot passed", 2)
    assert cache.expires is None
    cache.resources()
    assert build.builds == 2


def test_a_rebuild_that_changes_nothing_keeps_the_etag() -> None:
    """Time ran out but the files came out the same: validators stay, 304s keep coming."""
    now = [MODIFIED]

    def build() -> _Expiring:
        site = StaticSite(files={"all.ics": FEED}, last_modified=MODIFIED)
        return _Expiring(site, now[0] + timedelta(hours=1))

    cache = SiteCache(build, lambda: [], check_interval=0, now=lambda: now[0], background=False)
    first = cache.resources()["all.ics"]
    now[0] += timedelta(hours=1)
    second = cache.resources()["all.ics"]

    assert cache.expires == MODIFIED + timedelta(hours=2)  # it did rebuild
    assert (second.etag, second.last_modified_http) == (first.etag, first.last_modified_http)


def test_rebuilds_run_off_the_request_path(tmp_path: Path) -> None:
    """Background (the default): the request that notices an edit gets the last good build
    at once, like every request until the new build is ready."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"one")
    building = threading.Event()
    release = threading.Event()

    def slow_build() -> StaticSite:
        if plan.builds:
            building.set()
            assert release.wait(timeout=5)
        return plan.build()

    cache = SiteCache(slow_build, plan.watched, check_interval=0)
    plan.write(b"two")
    noticed = cache.resources()["all.ics"].body  # starts the rebuild, does not wait for it
    assert building.wait(timeout=5)
    during = [cache.resources()["all.ics"].body for _ in range(3)]
    release.set()
    assert cache.settle(timeout=5)

    assert (noticed, during) == (b"one", [b"one"] * 3)
    assert cache.resources()["all.ics"].body == b"two"
    assert plan.builds == 2  # the requests during the rebuild started no other


def test_a_broken_background_rebuild_keeps_the_last_good_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The error is logged (escaped), the old build stays, the next edit is picked up."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"good")
    cache = SiteCache(plan.build, plan.watched, check_interval=0)
    plan.write(b"BROKEN")
    cache.resources()
    assert cache.settle(timeout=5)
    assert cache.resources()["all.ics"].body == b"good"
    plan.write(b"fixed")
    cache.resources()
    assert cache.settle(timeout=5)
    assert cache.resources()["all.ics"].body == b"fixed"
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == ["plan.toml:3: unknown pillar 'edu'"]


# --- issue #15: a server that logs safely and cannot be pinned --------------------------------


def raw_exchange(server: FeedServer, data: bytes) -> bytes:
    """Send raw bytes, read until the server closes (or 5 s pass)."""
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_log_lines_escape_control_characters_and_redact_the_token(
    start: Callable[..., FeedServer], caplog: pytest.LogCaptureFixture
) -> None:
    """Regression (issue #15): ESC, CR and BS reached the log raw, with the token."""
    caplog.set_level(logging.INFO, logger="contentcal.serve")
    server = start(static_cache(), token=TOKEN)

    raw_exchange(
        server, f"GET /{TOKEN}/all.ics\x1b[2J\x08 HTTP/1.1\r\nConnection: close\r\n\r\n".encode()
    )
    raw_exchange(server, f"GET /{TOKEN}/\x85\xe2 HTTP/1.1\r\nConnection: close\r\n\r\n".encode())
    raw_exchange(server, f"GET /{TOKEN}/ HTTP/9\x1b\r\n\r\n".encode())

    lines = [r.getMessage() for r in caplog.records if r.name == "contentcal.serve"]
    assert '127.0.0.1 "GET /<token>/all.ics\\x1b[2J\\x08 HTTP/1.1" 404' in lines
    assert '127.0.0.1 "GET /<token>/Â\\x85Ã¢ HTTP/1.1" 400' in lines  # latin-1, as received
    assert any("HTTP/9\\x1b" in line for line in lines), lines
    for line in lines:
        assert TOKEN not in line
        assert not any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in line), line


def test_an_absolute_target_with_a_broken_host_is_404_not_a_crash(
    start: Callable[..., FeedServer], caplog: pytest.LogCaptureFixture
) -> None:
    """Regression: urlsplit raises ValueError on ``http://[oops/``; the request got no answer
    and a traceback reached the log. (Raw bytes: http.client refuses to send it.)"""
    caplog.set_level(logging.INFO, logger="contentcal.serve")
    server = start(static_cache())

    answer = raw_exchange(server, b"GET http://[oops/all.ics HTTP/1.1\r\nConnection: close\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 404 "), answer[:80]
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_the_serving_line_redacts_the_token(caplog: pytest.LogCaptureFixture) -> None:
    """Even the start-up line: logs are often kept where the feed URLs must not be."""
    caplog.set_level(logging.INFO, logger="contentcal.serve")
    server = make_server(static_cache(), port=0, token=TOKEN)
    thread = threading.Thread(target=serve_forever, args=(server,), daemon=True)
    thread.start()
    server.shutdown()
    thread.join(timeout=5)
    messages = [r.getMessage() for r in caplog.records]
    assert f"serving on http://127.0.0.1:{server.port}/<token>/" in messages
    assert not [m for m in messages if TOKEN in m]


@pytest.mark.parametrize(
    ("host", "token", "warns"),
    [
        ("127.0.0.1", None, False),
        ("::1", None, False),
        ("localhost", None, False),
        ("127.0.0.2", None, False),
        ("0.0.0.0", None, True),  # noqa: S104 - what is being tested
        ("::", None, True),
        ("192.168.1.10", None, True),
        ("cal.example", None, True),
        ("0.0.0.0", TOKEN, False),  # noqa: S104
    ],
)
def test_binding_beyond_loopback_without_a_token_warns(
    host: str, token: str | None, warns: bool
) -> None:
    """Issue #15: `--host 0.0.0.0` without a token gave no warning."""
    from contentcal.publishing.serve import exposure_warning

    warning = exposure_warning(host, token)
    assert (warning is not None) is warns
    if warning:
        assert warning == (
            f"listening on {host} without a token: anyone who can reach it can read every "
            "feed; give a token (--token-file or CONTENTCAL_TOKEN) and put the server behind "
            "an HTTPS proxy (see docs/serving.md)"
        )


def test_make_server_logs_the_exposure_warning(caplog: pytest.LogCaptureFixture) -> None:
    """The library logs it too, for servers started from Python."""
    server = make_server(static_cache(), host="0.0.0.0", port=0)  # noqa: S104
    server.server_close()
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert record.getMessage().startswith("listening on 0.0.0.0 without a token")


def test_token_file(tmp_path: Path) -> None:
    """One line of URL-safe characters; the final newline an editor adds is fine."""
    from contentcal.errors import InvalidOptionError
    from contentcal.publishing.serve import read_token_file

    good = tmp_path / "token"
    good.write_text(f"  {TOKEN}\n", encoding="utf-8")
    assert read_token_file(good) == TOKEN
    bad = tmp_path / "bad"
    bad.write_text("two words\n", encoding="utf-8")
    with pytest.raises(InvalidOptionError, match=r"bad: the token must be one line of A-Z"):
        read_token_file(bad)
    with pytest.raises(
        InvalidOptionError, match=r"cannot read the token file .*missing: No such file"
    ):
        read_token_file(tmp_path / "missing")


def test_connections_are_bounded(start: Callable[..., FeedServer]) -> None:
    """Regression (issue #15): 3,000 slow clients held 3,001 threads. Past the limit a
    connection gets 503 at once; a freed slot serves again."""
    server = start(static_cache(), max_connections=2)
    held = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=5) for _ in range(2)]
    try:
        for connection in held:  # keep-alive: each holds its slot after the answer
            connection.request("GET", "/all.ics")
            assert connection.getresponse().read() == FEED
        refused = raw_exchange(server, b"GET /all.ics HTTP/1.1\r\nHost: x\r\n\r\n")
        assert refused.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert b"Retry-After: 5\r\n" in refused
    finally:
        held[0].close()
    for _ in range(100):  # the freed slot shows up once the handler thread has ended
        response = raw_exchange(server, b"GET /all.ics HTTP/1.1\r\nConnection: close\r\n\r\n")
        if response.startswith(b"HTTP/1.1 200"):
            break
        threading.Event().wait(0.02)
    assert response.startswith(b"HTTP/1.1 200")
    held[1].close()


def test_a_slow_client_is_cut_off_at_the_deadline(start: Callable[..., FeedServer]) -> None:
    """Regression (issue #15): a client trickling bytes outlived the 30 s socket timeout.
    The deadline is for the whole request; the clock is injected, nothing sleeps."""
    import socket

    clock = [1000.0]
    server = start(static_cache(), request_deadline=30.0, clock=lambda: clock[0])
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(b"GET /all.ics HTTP/1.1\r\n")
        for _ in range(500):  # until the handler has started the request's clock
            if server._deadlines:
                break
            threading.Event().wait(0.01)
        assert list(server._deadlines.values()) == [1030.0]
        connection.sendall(b"X-Slow: 1\r\n")
        clock[0] += 29.0
        connection.sendall(b"X-Slow: 2\r\n")  # still within the deadline
        clock[0] += 1.0
        # The serve loop checks deadlines every poll (10 ms here): the server closes.
        assert connection.recv(65536) == b""


def test_a_request_within_its_deadline_is_answered(start: Callable[..., FeedServer]) -> None:
    """Each request on a keep-alive connection gets a fresh deadline."""
    clock = [1000.0]
    server = start(static_cache(), request_deadline=30.0, clock=lambda: clock[0])
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        for _ in range(3):
            connection.request("GET", "/all.ics")
            assert connection.getresponse().read() == FEED
            clock[0] += 20.0
    finally:
        connection.close()


@pytest.mark.parametrize("options", [{"max_connections": 0}, {"request_deadline": 0}])
def test_limits_must_be_positive(options: dict[str, float]) -> None:
    """A server that can serve nobody is a configuration mistake."""
    with pytest.raises(ValueError, match="must be positive"):
        make_server(static_cache(), port=0, **options)  # type: ignore[arg-type]


def test_files_named_by_the_first_build_are_not_an_edit(tmp_path: Path) -> None:
    """A plan's includes are only known once it is read: the first request must not take
    them for a change (that rebuild used to race with the time-driven one)."""
    plan = PlanOnDisk(tmp_path / "plan.toml")
    plan.path.write_bytes(b"one")
    include = tmp_path / "items.csv"
    include.write_bytes(b"x")
    watched = [plan.path]

    def build() -> StaticSite:
        watched.append(include)  # the build discovers the include
        return plan.build()

    cache = SiteCache(build, lambda: list(watched), check_interval=0, background=False)
    cache.resources()
    assert plan.builds == 1
    include.write_bytes(b"xy")
    cache.resources()
    assert plan.builds == 2


def test_rebuilt_bodies_are_compressed_on_first_use_and_unchanged_ones_kept() -> None:
    """A rebuild publishes its bodies before compressing them; each gzip form is the
    body's (made once), and an unchanged body keeps its resource, gzip form and all."""
    big, other = BIG, BIG.replace(b"BEGIN", b"BEGUN", 1)
    sites = iter(
        [
            StaticSite(files={"all.ics": big, "x.ics": big}, last_modified=MODIFIED),
            StaticSite(files={"all.ics": other, "x.ics": big}, last_modified=MODIFIED),
        ]
    )
    paths = [Path(__file__)]
    versions = iter(range(100))
    cache = SiteCache(
        lambda: next(sites),
        lambda: paths,
        check_interval=0,
        background=False,
        clock=lambda: float(next(versions)),
    )
    first = dict(cache.resources())
    assert first["all.ics"].gzip_body is not None
    assert gunzip(first["all.ics"].gzip_body) == big
    paths.append(Path(__file__).parent)  # a new watched file: a rebuild
    second = dict(cache.resources())
    assert second["x.ics"] is first["x.ics"]
    assert second["all.ics"].packed is not first["all.ics"].packed
    assert second["all.ics"].gzip_body is not None
    assert gunzip(second["all.ics"].gzip_body) == other
