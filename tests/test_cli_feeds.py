"""The feed commands: ``contentcal ics`` and ``contentcal feeds``.

Exit code, stdout and stderr are pinned for good and bad input alike. Every run passes
``--now`` (a naive time is the brand's wall time: 08:00 in Jakarta is tests.conftest.NOW).
"""

from __future__ import annotations

import datetime as dt
import doctest
import os
import re
import shutil
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from contentcal.cli import cli
from contentcal.files.load import load
from contentcal.publishing.feeds import FeedState, build_calendar, build_site
from contentcal.publishing.ics import ics_bytes
from contentcal.publishing.pipeline import site_pages
from contentcal.scheduling.place import schedule
from contentcal.views.site import site_schedule
from tests.feedlint import lint
from tests.interop.parsers import parse_with_ical, parse_with_icaljs, parse_with_vobject

from .conftest import EXAMPLE, MINIMAL_PLAN, NOW, REPO, WriteFiles
from .test_feeds import uid_of, unfold, vevents

PLAN = "batik/plan.toml"
STATE = Path("batik") / ".contentcal" / "feed-state.json"
AT_NOW = ("--now", "2026-11-30T08:00")
LATER = ("--now", "2026-11-30T11:00")

SITE_LISTING = (
    "site/all.ics\n"
    "site/platform/instagram.ics\n"
    "site/platform/facebook.ics\n"
    "site/platform/whatsapp.ics\n"
    "site/owner/budi.ics\n"
    "site/owner/sari.ics\n"
    "site/index.html\n"
)
PAGES_LISTING = (
    "site/review.html\n"
    "site/month/*.html (8 pages, 8 written)\n"
    "site/week/*.html (31 pages, 31 written)\n"
    "site/post/*.html (38 pages, 38 written)\n"
)
"""The site's pages after the feeds: the review page, then one line per folder (a first run
writes them all)."""


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example at tmp_path/batik; the working directory is tmp_path."""
    shutil.copytree(EXAMPLE.parent, tmp_path / "batik")
    monkeypatch.chdir(tmp_path)
    return Path(PLAN)


def run(runner: CliRunner, *args: str) -> Result:
    """Invoke contentcal; exceptions other than exits are bugs, so let them through."""
    return runner.invoke(cli, list(args), catch_exceptions=False)


def expected_feed(**window: str) -> bytes:
    """The example's feed at NOW built in memory, without any state."""
    from contentcal.publishing.feeds import FeedWindow

    calendar, _ = build_calendar(schedule(load(PLAN), now=NOW), window=FeedWindow(**window))
    return ics_bytes(calendar)


def assert_usage_error(result: Result, message: str) -> None:
    """Exit 2, nothing on stdout, exactly one line on stderr: no traceback."""
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: {message}\n")


# --- contentcal ics --------------------------------------------------------------------------


def test_ics_prints_the_feed_on_stdout(runner: CliRunner, example: Path) -> None:
    """The first run: the whole feed, bytes as built in memory, nothing on stderr.

    With --now the state is not written (issue #16): a pretend time must not reach later
    feeds.
    """
    result = run(runner, "ics", PLAN, *AT_NOW)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout_bytes == expected_feed()
    assert result.stdout_bytes.count(b"\r\nBEGIN:VEVENT\r\n") == 99
    assert lint(result.stdout_bytes) == []
    assert not STATE.parent.exists()


def test_ics_twice_gives_the_same_bytes_and_leaves_the_state(
    runner: CliRunner, example: Path
) -> None:
    """Same plan, same --now: identical output; the state file is not rewritten."""
    first = run(runner, "ics", PLAN, *AT_NOW, "--save-state")
    os.utime(STATE, ns=(10**18, 10**18))
    second = run(runner, "ics", PLAN, *AT_NOW)
    later = run(runner, "ics", PLAN, *LATER)
    assert second.stdout_bytes == first.stdout_bytes
    assert later.stdout_bytes == first.stdout_bytes
    assert STATE.stat().st_mtime_ns == 10**18


def test_ics_shows_a_moved_post_with_a_new_sequence(runner: CliRunner, example: Path) -> None:
    """Edit the plan between runs: SEQUENCE:1 and the new time; other posts unchanged."""
    first = run(runner, "ics", PLAN, *AT_NOW, "--save-state").stdout_bytes
    text = example.read_text(encoding="utf-8")
    old = 'at = 2026-12-22T12:00:00\nstory = "hari-ibu"'
    example.write_text(text.replace(old, old.replace("12:00", "15:00")), encoding="utf-8")
    second = run(runner, "ics", PLAN, *LATER).stdout_bytes
    post = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb")
    reply = uid_of("Batik Cikarang", "facebook", "hari-ibu-fb", "reply")
    lines = unfold(vevents(second)[post])
    assert lines[2:5] == [
        "DTSTART:20261222T080000Z",
        "DTEND:20261222T081500Z",
        "DTSTAMP:20261130T040000Z",
    ]
    assert "SEQUENCE:1" in lines
    old_events, new_events = vevents(first), vevents(second)
    assert {uid for uid in new_events if new_events[uid] != old_events[uid]} == {post, reply}


def test_ics_writes_a_file_with_o(runner: CliRunner, example: Path) -> None:
    """-o: the same bytes in the file, a one-line note on stderr, no temporary file left."""
    result = run(runner, "ics", PLAN, "-o", "feed.ics", *AT_NOW)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "wrote feed.ics (99 events)\n",
    )
    assert Path("feed.ics").read_bytes() == expected_feed()
    assert sorted(os.listdir(".")) == ["batik", "feed.ics"]


def test_ics_replaces_an_existing_file(runner: CliRunner, example: Path) -> None:
    """An older feed at the -o path is replaced whole."""
    Path("feed.ics").write_bytes(b"old" * 100_000)
    result = run(runner, "ics", PLAN, "-o", "feed.ics", "--platform", "whatsapp", *AT_NOW)
    assert result.stderr == "wrote feed.ics (8 events)\n"
    assert Path("feed.ics").read_bytes() == expected_feed(platform="whatsapp")


def test_ics_into_a_missing_folder_fails_cleanly(runner: CliRunner, example: Path) -> None:
    """A located one-line error and exit 1; nothing is created."""
    result = run(runner, "ics", PLAN, "-o", "missing/feed.ics", *AT_NOW)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: cannot write missing/feed.ics: No such file or directory\n",
    )
    assert not Path("missing").exists()


@pytest.mark.parametrize(
    ("option", "name", "count"),
    [
        (("--platform", "whatsapp"), "NAME:Batik Cikarang — WhatsApp", 8),
        (("--owner", "Budi"), "NAME:Batik Cikarang — Budi", 41),
        (("--owner", "budi"), "NAME:Batik Cikarang — Budi", 41),
        (("--pillar", "education"), "NAME:Batik Cikarang — education", 24),
    ],
)
def test_ics_filters(
    runner: CliRunner, example: Path, option: tuple[str, str], name: str, count: int
) -> None:
    """One platform's, one person's (any case) or one pillar's posts, named so."""
    result = run(runner, "ics", PLAN, *option, *AT_NOW)
    assert result.exit_code == 0
    lines = unfold(result.stdout_bytes)
    assert name in lines
    assert lines.count("BEGIN:VEVENT") == count


def test_ics_platform_feed_is_the_same_calendar_as_the_published_one(
    runner: CliRunner, example: Path
) -> None:
    """Regression: ics --platform had all.ics's calendar UID and SOURCE."""
    base = ("--base-url", "https://cal.example.com/batik/")
    alone = run(runner, "ics", PLAN, "--platform", "instagram", *base, *AT_NOW).stdout_bytes
    run(runner, "feeds", PLAN, "--out", "site", *base, *AT_NOW)
    assert alone == Path("site/platform/instagram.ics").read_bytes()
    assert "SOURCE;VALUE=URI:https://cal.example.com/batik/platform/instagram.ics" in unfold(alone)


def test_ics_start_and_end(runner: CliRunner, example: Path) -> None:
    """--start/--end are days in the brand's zone; --end is exclusive."""
    result = run(runner, "ics", PLAN, "--start", "2026-12-21", "--end", "2026-12-23", *AT_NOW)
    starts = [line for line in unfold(result.stdout_bytes) if line.startswith("DTSTART")]
    assert starts == [
        "DTSTART:20261221T120000Z",
        "DTSTART:20261221T140000Z",
        "DTSTART:20261222T050000Z",
        "DTSTART:20261222T090000Z",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--platform", "tiktok"),
            "unknown platform 'tiktok'; the plan has: instagram, facebook, whatsapp",
        ),
        (
            ("--pillar", "edu"),
            "unknown pillar 'edu'; the plan has: communication, education, entertainment, "
            "collaboration",
        ),
        (("--owner", "Sary"), "unknown owner 'Sary'; the plan has: Budi, Sari"),
        (
            ("--start", "2026-12-05", "--end", "2026-12-01"),
            "the end (2026-12-01) must be after the start (2026-12-05)",
        ),
        (
            ("--base-url", "cal.example.com"),
            "base URL must be an absolute http(s) URL, got 'cal.example.com' "
            "(e.g. https://example.com/calendar/)",
        ),
        (  # regression: urlsplit raised ValueError here, a traceback
            ("--base-url", "http://[oops/"),
            "base URL must be an absolute http(s) URL, got 'http://[oops/' "
            "(e.g. https://example.com/calendar/)",
        ),
    ],
)
def test_ics_bad_options_are_one_line_usage_errors(
    runner: CliRunner, example: Path, args: tuple[str, ...], message: str
) -> None:
    """Exit 2, one line, no traceback, and no state written."""
    assert_usage_error(run(runner, "ics", PLAN, *args, *AT_NOW), message)
    assert not STATE.exists()


def test_ics_bad_date_is_a_usage_error_with_an_example(runner: CliRunner, example: Path) -> None:
    """A date that is not a real date: what was wrong and one example, exit 2."""
    result = run(runner, "ics", PLAN, "--start", "2026-13-01", *AT_NOW)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "error: --start: '2026-13-01' is not a real date: month must be in 1..12 "
        "(e.g. 2026-12-01, 2026-12-01T08:00 or 2026-12-01T01:00Z)\n",
    )


def test_ics_of_a_missing_plan(runner: CliRunner, example: Path) -> None:
    """The plan file is not there: exit 1 and a hint."""
    result = run(runner, "ics", "nope.toml", *AT_NOW)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: nope.toml: plan file not found (check the path; a plan is a .toml file)\n",
    )


def test_ics_of_a_broken_plan_says_where(runner: CliRunner, example: Path) -> None:
    """An unknown pillar: file, line, key path and a suggestion; no feed, no state."""
    text = example.read_text(encoding="utf-8")
    old = 'id = "batik-care-ig"\nplatform = "instagram"\npillar = "education"'
    example.write_text(text.replace(old, old.replace('"education"', '"edu"')), encoding="utf-8")
    result = run(runner, "ics", PLAN, *AT_NOW)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: batik/plan.toml:363: items[10].pillar: item 'batik-care-ig': unknown pillar "
        "'edu' (did you mean 'education'?)\n",
    )
    assert not STATE.exists()


def test_ics_rebuilds_a_corrupt_state_with_a_warning(runner: CliRunner, example: Path) -> None:
    """The warning on stderr, the feed of a first run on stdout, exit 0."""
    STATE.parent.mkdir()
    STATE.write_text("{ this is not json", encoding="utf-8")
    result = run(runner, "ics", PLAN, *AT_NOW, "--save-state")
    assert (result.exit_code, result.stderr) == (
        0,
        "warning: batik/.contentcal/feed-state.json: the feed state is corrupt; rebuilding it "
        "(subscribers may see every event as edited once)\n",
    )
    assert result.stdout_bytes == expected_feed()
    assert run(runner, "ics", PLAN, *AT_NOW).stderr == ""


def test_ics_when_the_state_folder_is_blocked(runner: CliRunner, example: Path) -> None:
    """Regression: a file named .contentcal gave a traceback; now a located error."""
    STATE.parent.write_text("not a folder", encoding="utf-8")
    result = run(runner, "ics", PLAN, *AT_NOW, "--save-state")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: cannot write batik/.contentcal/feed-state.json: File exists\n",
    )


def test_hostile_copy_through_the_command_line(runner: CliRunner, write_files: WriteFiles) -> None:
    """TOML text with fake content lines, escapes, emoji and CJK: structure intact."""
    copy = (
        "Diskon 50%, gratis ongkir; C:\\\\New\\\\folder\\r\\nEND:VEVENT\\nBEGIN:VCALENDAR\\n"
        "東京 🇮🇩 👩\\u200d👩\\u200d👧 " + "é" * 40
    )
    item = (
        '\n[[items]]\nid = "x"\nplatform = "instagram"\ntitle = "A; b, c \\\\ d"\n'
        f'copy = "{copy}"\nat = 2026-12-02T19:00:00\n'
    )
    plan = write_files({"plan.toml": MINIMAL_PLAN + item})
    result = run(runner, "ics", str(plan), *AT_NOW)
    assert result.exit_code == 0
    data = result.stdout_bytes
    assert lint(data) == []
    assert unfold(data).count("BEGIN:VEVENT") == 2
    expected_copy = (
        "Diskon 50%, gratis ongkir; C:\\New\\folder\nEND:VEVENT\nBEGIN:VCALENDAR\n"
        "東京 🇮🇩 👩\u200d👩\u200d👧 " + "é" * 40
    )
    for parse in (parse_with_ical, parse_with_vobject, parse_with_icaljs):
        post, reply = parse(data)
        assert post.summary == "[Instagram] A; b, c \\ d", parse.__name__
        assert post.description.startswith(expected_copy + "\n\nPlatform: Instagram\n"), (
            parse.__name__
        )
        assert reply.summary == "Reply to comments on [Instagram] A; b, c \\ d"


# --- contentcal feeds -----------------------------------------------------------------------


NO_BASE_URL = (
    "warning: index.html has relative links only; for subscribe links pass --base-url URL "
    "(the address the folder is published at) or set base_url under [feeds]\n"
)


def test_feeds_without_a_base_url_names_the_flag(runner: CliRunner, example: Path) -> None:
    """Regression (issue #11): the user learns which flag gives subscribe links; with it,
    or with base_url in the plan, nothing is said."""
    result = run(runner, "feeds", PLAN, "--out", "site", *AT_NOW)
    assert (result.exit_code, result.stderr) == (0, NO_BASE_URL)
    result = run(
        runner, "feeds", PLAN, "--out", "site", "--base-url", "https://x.example/", *AT_NOW
    )
    assert (result.exit_code, result.stderr) == (0, "")


def test_feeds_writes_the_site_and_lists_it(runner: CliRunner, example: Path) -> None:
    """Every feed and index.html listed on stdout in order, then the pages per folder; the
    same bytes as in memory."""
    result = run(runner, "feeds", PLAN, "--out", "site/", *AT_NOW)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        SITE_LISTING + PAGES_LISTING,
        NO_BASE_URL,
    )
    placed = site_schedule(load(PLAN), now=NOW)
    site = build_site(placed, pages=site_pages(placed))
    for path, data in site.files.items():
        assert (Path("site") / path).read_bytes() == data, path
    assert sorted(str(p.relative_to("site")) for p in Path("site").rglob("*") if p.is_file()) == (
        sorted(site.files)
    )


def test_feeds_no_pages_writes_the_same_feeds_and_no_page(runner: CliRunner, example: Path) -> None:
    """--no-pages: the same feeds byte for byte, an index without page links, no pages; and
    with --save-state the pages an earlier run published are removed (they would go stale),
    while a file contentcal did not publish stays."""
    from contentcal.checking import engine

    run(runner, "feeds", PLAN, "--out", "site", *AT_NOW, "--save-state")
    Path("site/post/mine.txt").write_text("not contentcal's")
    feeds = {path: Path(path).read_bytes() for path in SITE_LISTING.split()[:-1]}
    with pytest.MonkeyPatch.context() as patch:  # the post pages are what needs check
        patch.setattr(engine, "check", lambda *a, **k: pytest.fail("check ran"))
        result = run(runner, "feeds", PLAN, "--out", "site", *AT_NOW, "--save-state", "--no-pages")
    assert (result.exit_code, result.stdout, result.stderr) == (0, SITE_LISTING, NO_BASE_URL)
    assert {path: Path(path).read_bytes() for path in feeds} == feeds
    left = sorted(str(p.relative_to("site")) for p in Path("site").rglob("*") if p.is_file())
    assert left == sorted(
        [*(p.removeprefix("site/") for p in SITE_LISTING.split()), "post/mine.txt"]
    )
    index = Path("site/index.html").read_text()
    assert "month/" not in index
    assert "review.html" not in index


def test_feeds_twice_is_byte_identical(runner: CliRunner, example: Path) -> None:
    """Same --now (or a later one that moves nothing): every file the same; state kept."""
    run(runner, "feeds", PLAN, "--out", "one", *AT_NOW, "--save-state")
    os.utime(STATE, ns=(10**18, 10**18))
    run(runner, "feeds", PLAN, "--out", "two", *AT_NOW)
    run(runner, "feeds", PLAN, "--out", "three", *LATER)
    for path in SITE_LISTING.replace("site/", "").split():
        one = (Path("one") / path).read_bytes()
        assert (Path("two") / path).read_bytes() == one, path
        assert (Path("three") / path).read_bytes() == one, path
    assert STATE.stat().st_mtime_ns == 10**18


def test_feeds_index_without_a_base_url_links_relatively(runner: CliRunner, example: Path) -> None:
    """Relative links work from the folder itself; no webcal or Google links."""
    run(runner, "feeds", PLAN, "--out", "site", *AT_NOW)
    page = Path("site/index.html").read_text(encoding="utf-8")
    for path in SITE_LISTING.replace("site/", "").split()[:-1]:
        assert f'<a href="{path}">{path}</a>' in page
    assert "webcal" not in page
    assert "calendar.google.com" not in page


@pytest.mark.parametrize(
    "base_url", ["https://cal.example.com/batik/", "https://cal.example.com/batik"]
)
def test_feeds_index_with_a_base_url_has_subscribe_links(
    runner: CliRunner, example: Path, base_url: str
) -> None:
    """webcal://, https:// and Google's cid= link for every feed, with or without a slash."""
    result = run(runner, "feeds", PLAN, "--out", "site", "--base-url", base_url, *AT_NOW)
    assert result.exit_code == 0
    page = Path("site/index.html").read_text(encoding="utf-8")
    for path in SITE_LISTING.replace("site/", "").split()[:-1]:
        https = f"https://cal.example.com/batik/{path}"
        webcal = f"webcal://cal.example.com/batik/{path}"
        google = "https://calendar.google.com/calendar/r?cid=" + urllib.parse.quote(webcal, "")
        assert f'<a href="{webcal}">Subscribe (Apple, Outlook)</a>' in page, path
        assert f'<a href="{google}">Add to Google Calendar</a>' in page, path
        assert f'<a href="{https}">{https}</a>' in page, path
        assert f"SOURCE;VALUE=URI:{https}" in unfold((Path("site") / path).read_bytes())
    assert (
        "https://calendar.google.com/calendar/r?cid="
        "webcal%3A%2F%2Fcal.example.com%2Fbatik%2Fowner%2Fsari.ics"
    ) in page


def test_feeds_uses_the_plans_base_url(runner: CliRunner, example: Path) -> None:
    """[feeds] base_url in the plan stands in for --base-url."""
    text = example.read_text(encoding="utf-8")
    example.write_text(
        text + '\n[feeds]\nbase_url = "https://kalender.example/batik"\n', encoding="utf-8"
    )
    run(runner, "feeds", PLAN, "--out", "site", *AT_NOW)
    page = Path("site/index.html").read_text(encoding="utf-8")
    assert '<a href="webcal://kalender.example/batik/all.ics">' in page


def test_feeds_needs_out(runner: CliRunner, example: Path) -> None:
    """--out is required: click's usage error, exit 2."""
    result = run(runner, "feeds", PLAN, *AT_NOW)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Missing option '--out'."


def test_feeds_out_must_be_a_folder(runner: CliRunner, example: Path) -> None:
    """An existing file as --out: click's usage error, nothing overwritten."""
    Path("site").write_text("keep me", encoding="utf-8")
    result = run(runner, "feeds", PLAN, "--out", "site", *AT_NOW)
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[-1]
        == "Error: Invalid value for '--out': Directory 'site' is a file."
    )
    assert Path("site").read_text(encoding="utf-8") == "keep me"


def test_feeds_bad_base_url_is_a_usage_error(runner: CliRunner, example: Path) -> None:
    """A base URL that is not http(s): one line, exit 2, nothing written."""
    result = run(runner, "feeds", PLAN, "--out", "site", "--base-url", "webcal://x/", *AT_NOW)
    assert_usage_error(
        result,
        "base URL must be an absolute http(s) URL, got 'webcal://x/' "
        "(e.g. https://example.com/calendar/)",
    )
    assert not Path("site").exists()


def test_feeds_every_file_is_lint_clean(runner: CliRunner, example: Path) -> None:
    """CRLF, 75-octet lines, UTC times, no METHOD: the lint finds nothing in any feed."""
    run(runner, "feeds", PLAN, "--out", "site", "--base-url", "https://c.example/", *AT_NOW)
    for path in SITE_LISTING.split()[:-1]:
        assert lint(Path(path).read_bytes()) == [], path


# --- docs/subscribing.md --------------------------------------------------------------------

GUIDE = REPO / "docs" / "subscribing.md"
DOC_PAGES = {
    "index.md",
    "tutorial.md",
    "plan-file.md",
    "rules.md",
    "scheduling.md",
    "stories.md",
    "cadence.md",
    "networks.md",
    "similarity.md",
    "ics-wire.md",
    "serving.md",
    "cli.md",
    "errors.md",
    "performance.md",
}


def test_the_subscribing_guide_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its pycon examples pass as doctests, exactly (no whitespace normalising)."""
    monkeypatch.chdir(REPO)
    result = doctest.testfile(str(GUIDE), module_relative=False, report=False)
    assert (result.failed, result.attempted) == (0, 14)
    assert not (EXAMPLE.parent / ".contentcal").exists(), "a doc example wrote the state"


def test_the_subscribing_guide_shows_the_real_corrupt_state_warning(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warning quoted in the guide is what `contentcal ics` prints, word for word."""
    (quoted,) = re.findall(
        r"```text\n(warning: .*?corrupt.*?\n)```", GUIDE.read_text(encoding="utf-8")
    )
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    state = Path("examples/batik-cikarang/.contentcal/feed-state.json")
    state.parent.mkdir()
    state.write_text('{"version": 1, "events": [', encoding="utf-8")
    result = run(runner, "ics", "examples/batik-cikarang/plan.toml", *AT_NOW)
    assert (result.exit_code, result.stderr) == (0, quoted)


def test_the_subscribing_guide_shows_the_real_base_url_warning() -> None:
    """The --base-url hint quoted in the guide is what `contentcal feeds` prints."""
    (quoted,) = re.findall(
        r"```text\n(warning: index.html .*?\n)```", GUIDE.read_text(encoding="utf-8")
    )
    assert quoted == NO_BASE_URL


def test_the_subscribing_guide_links_to_pages_of_the_docs() -> None:
    """Relative .md links only, each to a page of the documentation."""
    links = re.findall(r"\]\(([^)]+)\)", GUIDE.read_text(encoding="utf-8"))
    assert links
    assert set(links) <= DOC_PAGES, set(links) - DOC_PAGES


# --- contentcal serve (start-up only: serve_forever is replaced) ----------------------------

SERVE_TOKEN = "Zq3-x_9kPw"  # noqa: S105 - a fixed test token, not a credential


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """`contentcal serve` binds, prints its links and returns instead of serving forever;
    the servers it made are listed."""
    from contentcal.publishing import serve as serving

    servers: list[Any] = []

    def record(server: Any, **_: Any) -> None:
        servers.append(server)
        server.server_close()

    monkeypatch.setattr(serving, "serve_forever", record)
    return servers


@pytest.mark.usefixtures("no_serving")
def test_serve_reads_the_token_from_the_environment(runner: CliRunner, example: Path) -> None:
    """Issue #15: a token on the command line is visible in `ps`; CONTENTCAL_TOKEN is not."""
    result = runner.invoke(
        cli, ["serve", PLAN, "--port", "0"], env={"CONTENTCAL_TOKEN": SERVE_TOKEN}
    )
    assert result.exit_code == 0, result.output
    assert f"/{SERVE_TOKEN}/all.ics" in result.stderr


@pytest.mark.usefixtures("no_serving")
def test_serve_reads_the_token_from_a_file(runner: CliRunner, example: Path) -> None:
    """--token-file FILE: one line, the final newline ignored."""
    Path("token").write_text(SERVE_TOKEN + "\n", encoding="utf-8")
    result = run(runner, "serve", PLAN, "--port", "0", "--token-file", "token")
    assert result.exit_code == 0
    assert "  all.ics: webcal://127.0.0.1:" in result.stderr
    assert f"/{SERVE_TOKEN}/all.ics\n" in result.stderr


@pytest.mark.usefixtures("no_serving")
def test_serve_refuses_two_tokens(runner: CliRunner, example: Path) -> None:
    """A token file and a token: which one is meant? Say so instead of guessing."""
    Path("token").write_text(SERVE_TOKEN, encoding="utf-8")
    result = runner.invoke(
        cli,
        ["serve", PLAN, "--port", "0", "--token-file", "token"],
        env={"CONTENTCAL_TOKEN": "other"},
    )
    assert_usage_error(
        result, "give the token once: --token-file, or --token / CONTENTCAL_TOKEN, not both"
    )


@pytest.mark.usefixtures("no_serving")
def test_serve_with_an_unreadable_token_file_is_a_usage_error(
    runner: CliRunner, example: Path
) -> None:
    """The file, the reason, and no traceback."""
    result = run(runner, "serve", PLAN, "--port", "0", "--token-file", "missing")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: cannot read the token file missing: No such file or directory\n"
    )


@pytest.mark.usefixtures("no_serving")
def test_serve_beyond_loopback_without_a_token_warns(
    runner: CliRunner, example: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue #15: --host 0.0.0.0 without a token published every feed silently."""
    result = run(runner, "serve", PLAN, "--port", "0", "--host", "0.0.0.0")  # noqa: S104
    assert result.exit_code == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert warnings[0].startswith("listening on 0.0.0.0 without a token")


@pytest.mark.usefixtures("no_serving")
def test_serve_prints_links_for_the_base_url(runner: CliRunner, example: Path) -> None:
    """Behind a proxy the printed links are the public ones, with the token."""
    result = runner.invoke(
        cli,
        ["serve", PLAN, "--port", "0", "--base-url", "https://cal.example/batik"],
        env={"CONTENTCAL_TOKEN": SERVE_TOKEN},
    )
    assert result.exit_code == 0, result.output
    assert f"  all.ics: webcal://cal.example/batik/{SERVE_TOKEN}/all.ics\n" in result.stderr


def test_serve_base_url_and_token_make_the_feeds_links(
    runner: CliRunner, example: Path, no_serving: list[Any]
) -> None:
    """The feeds' SOURCE and the index's links are the public address with the token."""
    result = runner.invoke(
        cli,
        ["serve", PLAN, "--port", "0", "--base-url", "https://cal.example/batik"],
        env={"CONTENTCAL_TOKEN": SERVE_TOKEN},
    )
    assert result.exit_code == 0, result.output
    (server,) = no_serving
    base = f"https://cal.example/batik/{SERVE_TOKEN}/"
    index = server.cache.linked("index.html", "http://127.0.0.1/").body.decode()
    assert f'<a href="{base}all.ics">{base}all.ics</a>' in index
    feed = server.cache.site.files["all.ics"].decode()
    assert f"SOURCE;VALUE=URI:{base}all.ics\r\n" in feed


# --- the feed state and the clock (issue #16) ----------------------------------------------


@pytest.mark.parametrize("command", [["ics"], ["feeds", "--out", "site"]])
def test_a_pretend_now_writes_no_state(
    runner: CliRunner, example: Path, command: list[str]
) -> None:
    """--now is a preview: the state is read, never written (it would poison later feeds)."""
    result = run(runner, command[0], PLAN, *command[1:], "--now", "2027-03-01")
    assert result.exit_code == 0
    assert not STATE.parent.exists()
    result = run(runner, command[0], PLAN, *command[1:], *AT_NOW, "--save-state")
    assert result.exit_code == 0
    assert STATE.is_file()


@pytest.mark.parametrize("command", [["ics"], ["feeds", "--out", "site"]])
def test_the_real_clock_saves_the_state_with_no_stamp_after_it(
    runner: CliRunner, example: Path, command: list[str]
) -> None:
    """Without --now the run is real: the state is saved, stamped no later than the run."""
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert run(runner, command[0], PLAN, *command[1:]).exit_code == 0
    after = dt.datetime.now(dt.UTC)
    state = FeedState.from_json(STATE.read_text(encoding="utf-8"))
    assert state.entries
    assert all(before <= entry.modified <= after for entry in state.entries.values())
    assert state.brand == "Batik Cikarang"


def test_no_save_state_keeps_a_real_run_from_writing(runner: CliRunner, example: Path) -> None:
    """--no-save-state: a dry run at the real time."""
    assert run(runner, "ics", PLAN, "--no-save-state").exit_code == 0
    assert not STATE.parent.exists()


def test_a_future_now_saved_on_purpose_is_capped_at_the_real_time(
    runner: CliRunner, example: Path
) -> None:
    """--now 2027-03-01 --save-state: the feed and the state carry today's time, not March's."""
    result = run(runner, "ics", PLAN, "--now", "2027-03-01", "--save-state")
    after = dt.datetime.now(dt.UTC)
    stamps = {line[8:] for line in unfold(result.stdout_bytes) if line.startswith("DTSTAMP:")}
    assert stamps
    assert max(stamps) <= after.strftime("%Y%m%dT%H%M%SZ")
    state = FeedState.from_json(STATE.read_text(encoding="utf-8"))
    assert max(entry.modified for entry in state.entries.values()) <= after


def test_serve_with_a_bad_base_url_is_a_usage_error(runner: CliRunner, example: Path) -> None:
    """The same check and message as feeds and ics: subscribe links have one home."""
    result = run(runner, "serve", PLAN, "--port", "0", "--base-url", "https://a b/")
    assert_usage_error(
        result,
        "base URL must be an absolute http(s) URL, got 'https://a b/' "
        "(e.g. https://example.com/calendar/)",
    )
    feeds_result = run(runner, "feeds", PLAN, "--out", "site", "--base-url", "https://a b/")
    assert feeds_result.stderr == result.stderr
    assert not STATE.parent.exists()
