"""The published site's pages, without a browser: what they say, and how they are written.

Rendering is pure (views/site.py); writing rewrites only pages whose bytes changed
(publishing/site.py); serve serves the pages with the feeds' ETag/304 behaviour. What a
browser shows is in tests/test_site_browser.py.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import shutil
import threading
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path

import attrs
import jinja2
import pytest
import regex
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal.checking.engine import check
from contentcal.cli import cli
from contentcal.files.load import load
from contentcal.model import ContentItem, Network
from contentcal.model.zones import get_zone
from contentcal.networks.limits import Limit, network_info
from contentcal.publishing.pipeline import SiteBuilder, publish_feeds
from contentcal.publishing.serve import FeedServer, SiteCache, make_server, serve_forever
from contentcal.scheduling.place import narrow, schedule
from contentcal.views import site as views_site
from contentcal.views.site import (
    CalendarNote,
    _by_week,
    _segments,
    cut_point,
    post_paths,
    render_site,
    site_schedule,
    site_window,
)

from .conftest import EXAMPLE, MINIMAL_PLAN, NOW, REPO, WriteFiles

PLAN = load(EXAMPLE)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    """The example's pages at NOW (no findings: the example is clean)."""
    return render_site(site_schedule(PLAN, now=NOW))


# --- which pages -----------------------------------------------------------------------------


def test_the_site_covers_the_feed_window_in_months_and_iso_weeks() -> None:
    """30 days back and 180 ahead of 30 Nov 2026: October 2026 to May 2027, W44 to W22."""
    window = site_window(PLAN, now=NOW)
    assert [f"{month:%Y-%m}" for month in window.months] == [
        "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05",
    ]  # fmt: skip
    assert (window.weeks[0], window.weeks[-1], len(window.weeks)) == (
        dt.date(2026, 10, 26),
        dt.date(2027, 5, 24),
        31,
    )
    assert (window.start, window.end) == (dt.date(2026, 10, 1), dt.date(2027, 6, 1))


def test_pages_come_in_order_months_weeks_posts(pages: dict[str, str]) -> None:
    """An explicit, ordered list of files: 8 months, 31 weeks, a page per placed post."""
    kinds = [path.split("/")[0] for path in pages]
    assert kinds == ["month"] * 8 + ["week"] * 31 + ["post"] * 38
    assert "post/year-end-sale-ig.html" in pages


def test_post_paths_are_safe_and_unique_whatever_the_ids() -> None:
    """Ids that are unsafe as file names, or equal but for case, get a slug and a hash."""
    items = [
        ContentItem(id=item_id, platform="instagram", title="t")
        for item_id in ("batik-care", "Batik-Care", "../etc/passwd", "kopi susu", "☕")
    ]
    paths = post_paths(items)
    assert paths["batik-care"] == "post/batik-care.html"
    assert re.fullmatch(r"post/batik-care-[0-9a-f]{10}\.html", paths["Batik-Care"])
    assert re.fullmatch(r"post/etc-passwd-[0-9a-f]{10}\.html", paths["../etc/passwd"])
    assert re.fullmatch(r"post/kopi-susu-[0-9a-f]{10}\.html", paths["kopi susu"])
    assert re.fullmatch(r"post/item-[0-9a-f]{10}\.html", paths["☕"])
    assert len(set(paths.values())) == 5


# --- determinism and rewriting ------------------------------------------------------------------


def test_the_same_plan_gives_the_same_bytes(pages: dict[str, str]) -> None:
    """Rendering again (a new schedule, same now) gives identical pages."""
    assert render_site(site_schedule(load(EXAMPLE), now=NOW)) == pages


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example in tmp_path/batik; the working directory is tmp_path."""
    shutil.copytree(EXAMPLE.parent, tmp_path / "batik")
    monkeypatch.chdir(tmp_path)
    return Path("batik/plan.toml")


def test_a_republish_of_the_same_plan_rewrites_no_page(example: Path) -> None:
    """Second run: every page is left as it was, modification time included."""
    first = publish_feeds(load(example), now=NOW, out_dir="site")
    assert first.rewritten == first.pages
    for page in first.pages:
        os.utime(Path("site") / page, ns=(10**18, 10**18))
    second = publish_feeds(load(example), now=NOW, out_dir="site")
    assert (second.pages, second.rewritten) == (first.pages, ())
    assert {(Path("site") / page).stat().st_mtime_ns for page in first.pages} == {10**18}


def test_an_edit_rewrites_only_the_pages_that_show_it(example: Path) -> None:
    """A new title: its post, its month and week, the posts that link to it by title
    (previous and next); nothing else."""
    publish_feeds(load(example), now=NOW, out_dir="site")
    text = (example.parent / "items" / "december.csv").read_text(encoding="utf-8")
    (example.parent / "items" / "december.csv").write_text(
        text.replace(",Arti motif kawung,", ",Makna motif kawung,"), encoding="utf-8"
    )
    result = publish_feeds(load(example), now=NOW, out_dir="site")
    assert result.rewritten == (
        "month/2026-12.html",
        "week/2026-W51.html",
        "post/school-sizes-fb.html",  # the post before it links to it by title
        "post/kawung-meaning-ig.html",
        "post/kids-in-batik-fb.html",  # and the one after it
    )
    assert "Makna motif kawung" in (Path("site") / "post/kawung-meaning-ig.html").read_text()


def test_feeds_twice_says_nothing_was_written(example: Path) -> None:
    """The CLI's page lines count what it wrote: all pages, then none."""
    runner = CliRunner()
    args = ["feeds", str(example), "--out", "site", "--now", "2026-11-30T08:00"]
    runner.invoke(cli, args, catch_exceptions=False)
    again = runner.invoke(cli, args, catch_exceptions=False)
    assert again.stdout.splitlines()[-3:] == [
        "site/month/*.html (8 pages, 0 written)",
        "site/week/*.html (31 pages, 0 written)",
        "site/post/*.html (38 pages, 0 written)",
    ]


# --- month pages --------------------------------------------------------------------------------


def cells(page: str) -> dict[str, str]:
    """Day cell HTML by date."""
    found = re.findall(r'<td class="day[^"]*" data-date="([0-9-]+)">(.*?)</td>', page, re.S)
    return dict(found)


def test_a_month_is_a_monday_to_sunday_grid_of_its_days(pages: dict[str, str]) -> None:
    """December 2026 starts on a Tuesday: one empty Monday before it, 31 day cells."""
    page = pages["month/2026-12.html"]
    days = cells(page)
    assert list(days) == [f"2026-12-{day:02d}" for day in range(1, 32)]
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.index('<td class="day outside">') < first_row.index('data-date="2026-12-01"')
    assert page.count('scope="col"') == 8  # the week column and Mon..Sun
    assert '<a href="../week/2026-W50.html" aria-label="Week 2026-W50">W50</a>' in page


def test_a_chip_shows_time_platform_title_pillar_colour_and_status_as_a_word(
    pages: dict[str, str],
) -> None:
    """Status is a label (not only a colour); the pillar's colour is a style variable."""
    chip = cells(pages["month/2026-12.html"])["2026-12-21"]
    assert 'data-item="hari-ibu-ig"' in chip
    assert 'style="--pillar: goldenrod"' in chip
    assert '<time class="time" datetime="2026-12-21T19:00:00+07:00">19:00</time>' in chip
    assert '<span class="platform">Instagram</span>' in chip
    assert 'href="../post/hari-ibu-ig.html" dir="auto">Batik Ibu: kain yang diwariskan</a>' in chip
    assert '<span class="status status-scheduled">scheduled</span>' in chip


def test_blackout_days_are_marked_with_their_reason(pages: dict[str, str]) -> None:
    """Brand blackouts on every platform; a platform's own blackout names the platform."""
    december, january = cells(pages["month/2026-12.html"]), cells(pages["month/2027-01.html"])
    assert '<p class="mark blackout" dir="auto">No posts (blackout)</p>' in december["2026-12-25"]
    assert "No Facebook posts: Budi on leave" in december["2026-12-31"]
    assert "No posts: Tahun Baru" in january["2027-01-01"]
    assert "No posts: Tahun Baru" in january["2027-01-02"]
    assert "chip" not in december["2026-12-25"]


def test_holidays_are_marked(write_files: WriteFiles) -> None:
    """With [schedule] holidays, the day says which holiday it is."""
    text = EXAMPLE.read_text(encoding="utf-8") + '\n[schedule]\nholidays = "ID"\n'
    plan_path = write_files({"plan.toml": text})
    for folder in ("items", "results"):
        shutil.copytree(EXAMPLE.parent / folder, plan_path.parent / folder)
    december = cells(render_site(site_schedule(load(plan_path), now=NOW))["month/2026-12.html"])
    assert (
        '<p class="mark holiday">Holiday: <span dir="auto">Christmas Day</span></p>'
        in (december["2026-12-25"])
    )


def test_today_is_marked(pages: dict[str, str]) -> None:
    """The day of `now` in the brand's zone, and only that one."""
    november = pages["month/2026-11.html"]
    assert november.count("(today)") == 1
    assert '<td class="day today" data-date="2026-11-30">' in november


def test_calendar_notes_appear_on_their_day_and_week() -> None:
    """Review meetings and due dates (from the review feature) plug in as notes."""
    notes = [
        CalendarNote(
            at=dt.datetime(2026, 12, 9, 10, 0, tzinfo=NOW.tzinfo),
            label="Monthly review <December>",
            kind="review",
            href="review.html",
        ),
        CalendarNote(at=dt.date(2027, 3, 31), label="Goal due: followers-q1", kind="goal-due"),
    ]
    pages = render_site(
        site_schedule(PLAN, now=NOW), notes=notes, links=[("review.html", "Review")]
    )
    day = cells(pages["month/2026-12.html"])["2026-12-09"]
    assert '<li class="note note-review">' in day
    assert '<time datetime="2026-12-09T10:00:00+07:00">10:00</time>' in day
    assert '<a href="../review.html" dir="auto">Monthly review &lt;December&gt;</a>' in day
    assert "Goal due: followers-q1" in cells(pages["month/2027-03.html"])["2027-03-31"]
    assert "Wed 9 Dec 2026 10:00" in pages["week/2026-W50.html"]
    assert '<li><a href="../review.html">Review</a></li>' in pages["post/hari-ibu-ig.html"]


# --- week pages ---------------------------------------------------------------------------------


def test_a_week_page_has_the_footer_facts_week_prints(pages: dict[str, str]) -> None:
    """Pillar mix against targets and the backlog, as in `contentcal week`."""
    page = pages["week/2026-W50.html"]
    assert (
        '<li dir="auto">Pillar mix: communication 4 (50%, target 30%), education 2 (25%, '
        "target 30%), entertainment 1 (12%, target 20%), collaboration 1 (12%, target 20%)</li>"
    ) in page
    assert '<li dir="auto">Backlog: 4 items not ready (2 draft, 2 idea)</li>' in page
    instagram = page.split('data-platform="instagram"')[1].split("</p>")[0]
    assert re.sub("<[^>]+>", "", instagram).endswith("@batikcikarang · Sari · 4 of 4 slots filled")
    assert 'style="--columns: 3"' in page


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.integers(min_value=0, max_value=200), days=st.integers(min_value=1, max_value=40))
def test_narrow_equals_scheduling_that_window(first: int, days: int) -> None:
    """One placement narrowed to a window = scheduling the plan for that window."""
    full = site_schedule(PLAN, now=NOW)
    start = dt.date(2026, 10, 1) + dt.timedelta(days=first)
    end = start + dt.timedelta(days=days)
    assert narrow(full, start=start, end=end) == schedule(PLAN, now=NOW, start=start, end=end)


ZONES = ["Asia/Jakarta", "Europe/Berlin", "America/New_York", "Pacific/Chatham", "UTC"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    brand=st.sampled_from(ZONES),
    platform=st.sampled_from(ZONES),
    hours=st.integers(min_value=-24 * 200, max_value=24 * 200),
)
def test_sorting_entries_into_weeks_once_equals_narrowing_each_week(
    brand: str, platform: str, hours: int
) -> None:
    """The week pages narrow with entries sorted into weeks in one pass (_by_week): the same
    entries as narrow's own scan, across zones and DST changes, so the same pages."""
    plan = attrs.evolve(
        PLAN,
        brand=attrs.evolve(PLAN.brand, timezone=brand),
        platforms=tuple(
            attrs.evolve(each, timezone=platform) if index % 2 else each
            for index, each in enumerate(PLAN.platforms)
        ),
    )
    now = NOW + dt.timedelta(hours=hours)
    placed = site_schedule(plan, now=now)
    weeks = site_window(plan, now=now).weeks
    zone = get_zone(brand)
    for monday, entries in zip(weeks, _by_week(placed, weeks, zone), strict=True):
        end = monday + dt.timedelta(weeks=1)
        assert narrow(placed, start=monday, end=end, entries=entries) == narrow(
            placed, start=monday, end=end
        )


# --- post pages ---------------------------------------------------------------------------------


def test_a_post_page_shows_facts_lengths_and_the_storys_other_versions(
    pages: dict[str, str],
) -> None:
    """Instagram caption: its length by Instagram's counting, X and Bluesky cuts, versions."""
    page = pages["post/year-end-sale-ig.html"]
    assert '<h1 dir="auto">Diskon Akhir Tahun: 5 kemeja di bawah 200 ribu</h1>' in page
    assert 'Text on Instagram: 353 of 2,200 characters — <span class="fits">fits</span>' in page
    assert "Hashtags on Instagram: 4 of 5 hashtags" in page
    assert 'On X (280 weighted characters): <span class="over">too long</span>' in page
    assert 'On Bluesky (300 characters and 3,000 bytes): <span class="over">' in page
    assert '<span class="cut" role="note">✂ X cuts here</span>' in page
    assert '<span class="tag">#BatikCikarang</span>' in page
    assert "Grow the Instagram following among young office workers in Bekasi" in page
    versions = page.split("The same story on other platforms")[1]
    assert 'WhatsApp: <a href="../post/year-end-sale-wa.html"' in versions
    assert 'Facebook: <a href="../post/year-end-sale-fb.html"' in versions
    assert "429 of 63,206 characters" in versions
    assert "None: <code>contentcal check</code> finds nothing" in page


def test_a_post_page_shows_its_check_findings(tmp_path: Path) -> None:
    """An X post one character too long: the finding, its fix and where it is."""
    fixture = REPO / "tests" / "fixtures" / "rules" / "text-too-long.toml"
    plan = load(fixture)
    from contentcal.checking.engine import check

    now = dt.datetime(2026, 11, 30, 8, 0)
    findings = check(plan, now=now)
    pages = render_site(site_schedule(plan, now=now), findings=findings)
    page = pages["post/gayo-x.html"]
    ours = [finding for finding in findings if finding.item == "gayo-x"]
    assert ours
    for finding in ours:
        assert finding.message.replace("'", "&#39;") in page
    assert '<div class="finding error">' in page or '<div class="finding warning">' in page
    assert "Text on X: 281 of 280 weighted characters" in page
    assert "over by 1" in page


def test_links_in_the_copy_are_links_and_the_rest_is_text() -> None:
    """http(s) links become anchors; hashtags and mentions are marked; nothing else."""
    assert _segments("Lihat https://batik.example/a. #Batik @sari javascript:x") == [
        {"kind": "text", "text": "Lihat "},
        {"kind": "link", "text": "https://batik.example/a"},
        {"kind": "text", "text": ". "},
        {"kind": "tag", "text": "#Batik"},
        {"kind": "text", "text": " "},
        {"kind": "mention", "text": "@sari"},
        {"kind": "text", "text": " javascript:x"},
    ]


@given(st.text(max_size=80), st.lists(st.integers(min_value=0, max_value=80), max_size=3))
def test_segments_keep_every_character_in_order(text: str, offsets: list[int]) -> None:
    """Whatever the text and cut points, the segments' text is the text, cuts added."""
    cuts = [(min(offset, len(text)), "cut") for offset in offsets]
    segments = _segments(text, cuts)
    assert "".join(s["text"] for s in segments if s["kind"] != "cut") == text
    assert sum(1 for s in segments if s["kind"] == "cut") == len(cuts)


LIMITS = {network: network_info(network).text for network in (Network.X, Network.BLUESKY)}


@settings(max_examples=60)
@given(
    st.sampled_from([Network.X, Network.BLUESKY]),
    st.lists(
        st.sampled_from(["a", " ", "é", "日", "🎉", "👍🏽", "#", "https://x.co ", "\n"]),
        max_size=400,
    ).map("".join),
)
def test_the_cut_point_keeps_the_longest_start_that_fits(network: Network, text: str) -> None:
    """The start up to the cut fits; one grapheme more does not; no cut when all fits."""
    limits = LIMITS[network]
    cut = cut_point(text, limits)
    if all(limit.allows(text) for limit in limits):
        assert cut is None
        return
    assert cut is not None
    assert all(limit.allows(text[:cut]) for limit in limits)
    from contentcal.networks.counting import grapheme_ends

    longer = [end for end in grapheme_ends(text) if end > cut]
    assert longer
    assert not all(limit.allows(text[: longer[0]]) for limit in limits)


def test_user_text_is_escaped_everywhere(write_files: WriteFiles) -> None:
    """No page contains markup from titles, copy, names or ids; no page has a script."""
    plan_path = write_files(
        {
            "plan.toml": """\
            [brand]
            name = "<script>x</script>"
            timezone = "Asia/Jakarta"

            [pillars.education]
            color = "red;background:url(https://evil.example/)"

            [platforms.instagram]
            owner = "<img src=x onerror=alert(1)>"
            handle = "\\" onmouseover=\\"alert(1)"
            slots = ["MO 19:00"]

            [[items]]
            id = "<b>id</b>"
            platform = "instagram"
            pillar = "education"
            title = "</title><script>alert(1)</script>"
            copy = "<script>alert(1)</script> \\"'&"
            link = "javascript:alert(1)"
            at = 2026-12-07T19:00:00
            """
        }
    )
    pages = render_site(site_schedule(load(plan_path), now=NOW))
    for path, page in pages.items():
        assert "<script" not in page, path
        assert "<img" not in page, path
        assert "<b>" not in page, path
        assert "evil.example" not in page, path  # the colour is not a colour: left out
        assert 'href="javascript' not in page, path
        assert '" onmouseover="' not in page, path
    post = next(page for path, page in pages.items() if path.startswith("post/"))
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in post


def _cut_point_before(text: str, limits: Sequence[Limit]) -> int | None:
    """cut_point as it was before it knew a prefix's graphemes without counting them."""
    if not limits or all(limit.allows(text) for limit in limits):
        return None
    ends = [match.end() for match in regex.finditer(r"\X", text)]
    low, high = 0, len(ends)
    while low < high:
        middle = (low + high) // 2
        if all(limit.allows(text[: ends[middle]]) for limit in limits):
            low = middle + 1
        else:
            high = middle
    return ends[low - 1] if low else 0


EVERY_TEXT_LIMIT = [network_info(network).text for network in Network] + [
    network_info(Network.MASTODON).with_overrides({"text": 40}).text,
    network_info(Network.BLUESKY).with_overrides({"text": 30}).text,
    network_info(Network.X).with_overrides({"text": 25}).text,
    network_info(Network.INSTAGRAM).with_overrides({"text": 35}).text,
    network_info(Network.YOUTUBE).with_overrides({"text": 60}).text,
    network_info(Network.THREADS).with_overrides({"text": 45}).text,
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(EVERY_TEXT_LIMIT),
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "a",
                    " ",
                    "é",
                    "e\u0301",
                    "日",
                    "🎉",
                    "👍🏽",
                    "🇮🇩",
                    "👨‍👩‍👧",
                    "\r\n",
                    "\r",
                    "\n",
                    "\u0600",
                    "\u200d",
                    "#tag",
                    "@sari",
                    "https://x.co ",
                    "x.co",
                    "각",
                    "क्ष",
                ]
            ),
            st.characters(),
        ),
        max_size=80,
    ).map("".join),
    st.integers(min_value=1, max_value=10),
)
def test_the_cut_point_equals_the_counting_one(
    limits: tuple[Limit, ...], part: str, times: int
) -> None:
    """For every network's limits (and overrides), the cut is the one found by counting
    each prefix's graphemes (the function before it knew them)."""
    text = part * times  # long enough to be cut, with its features all along
    assert cut_point(text, limits) == _cut_point_before(text, limits)


# --- serving ------------------------------------------------------------------------------------


@pytest.fixture
def server(example: Path) -> Iterator[FeedServer]:
    """The example served by the real builder (clock fixed at NOW) on a free port."""
    builder = SiteBuilder(str(example), clock=lambda: NOW)
    cache = SiteCache(builder.build, builder.watched, check_interval=0)
    running = make_server(cache, host="127.0.0.1", port=0)
    thread = threading.Thread(
        target=serve_forever, args=(running,), kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    yield running
    running.shutdown()
    thread.join(timeout=5)
    assert not thread.is_alive()


def fetch(server: FeedServer, target: str, **headers: str) -> http.client.HTTPResponse:
    """One GET; the response with its body read."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("GET", target, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_serve_serves_the_pages_with_etags_and_304(server: FeedServer, example: Path) -> None:
    """The same bytes as `feeds --out` writes; a revalidation with the ETag gets 304."""
    written = publish_feeds(load(example), now=NOW, out_dir="site")
    for page in ("month/2026-12.html", "week/2026-W50.html", "post/hari-ibu-ig.html"):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        connection.request("GET", f"/{page}")
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert (response.status, body) == (200, (Path("site") / page).read_bytes()), page
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        again = fetch(server, f"/{page}", **{"If-None-Match": response.headers["ETag"]})
        assert again.status == 304
    assert len(written.pages) == 78


class _TextOf(HTMLParser):
    """Collects the text of the page's h1 and of the post's own copy, as a browser reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.title = ""
        self.copy = ""
        self.depth_in_copy = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if self.depth_in_copy:
            self.depth_in_copy += 1
        elif tag == "div" and "post-copy" in classes.split() and not self.copy:
            self.depth_in_copy = 1
        self.stack.append(tag if "cut" not in classes.split() else "cut")

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()
        if self.depth_in_copy:
            self.depth_in_copy -= 1
            if not self.depth_in_copy:
                self.copy += "\0"  # the first copy is the post's own; stop collecting

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "h1":
            self.title += data
        if self.depth_in_copy and "cut" not in self.stack and not self.copy.endswith("\0"):
            self.copy += data


SOME_TEXT = (
    st.lists(
        st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff", min_codepoint=32
        )
        | st.sampled_from(["<", ">", "&", '"', "'", "\n", "<script>", "&amp;", "#tag", "@sari"]),
        min_size=1,
        max_size=30,
    )
    .map("".join)
    .filter(lambda text: text.strip() == text and text.strip())
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=SOME_TEXT, copy=SOME_TEXT)
def test_any_title_and_copy_read_back_exactly_from_the_post_page(title: str, copy: str) -> None:
    """Whatever the text, an HTML parser reads the same title and copy back: all escaped."""
    item = attrs.evolve(PLAN.item("hari-ibu-ig"), title=title, copy=copy)
    plan = attrs.evolve(PLAN, items=tuple(item if i.id == item.id else i for i in PLAN.items))
    page = render_site(site_schedule(plan, now=NOW))["post/hari-ibu-ig.html"]
    parser = _TextOf()
    parser.feed(page)
    assert parser.title == title
    assert parser.copy.rstrip("\0") == copy


def test_the_index_links_every_month_and_week_before_the_feeds(example: Path) -> None:
    """index.html: months and weeks first (relative links), then the subscribe table."""
    publish_feeds(load(example), now=NOW, out_dir="site")
    index = (Path("site") / "index.html").read_text(encoding="utf-8")
    assert '<li><a href="month/2026-12.html">December 2026</a></li>' in index
    assert '<li><a href="week/2026-W50.html">2026-W50</a></li>' in index
    assert index.count('<a href="month/') == 8
    assert index.count('<a href="week/') == 31
    assert index.index("<h2>The calendar</h2>") < index.index("<h2>Subscribe</h2>")
    assert index.index("<h2>Subscribe</h2>") < index.index("<table>")


# --- the review on the calendar -----------------------------------------------------------------


def test_review_meetings_and_due_dates_are_on_the_calendar_and_link_the_review(
    example: Path,
) -> None:
    """The example measures: review.html is published, and its dates are calendar notes."""
    result = publish_feeds(load(example), now=NOW, out_dir="site")
    assert result.pages[-1] == "review.html"
    review = (Path("site") / "review.html").read_text(encoding="utf-8")
    assert "Batik Cikarang — review on 30 Nov 2026" in review
    january = cells((Path("site") / "month/2027-01.html").read_text(encoding="utf-8"))
    meeting = january["2027-01-04"]
    assert '<li class="note note-review">' in meeting
    assert '<time datetime="2027-01-04T09:00:00+07:00">09:00</time>' in meeting
    assert (
        '<a href="../review.html" dir="auto">Review: Batik Cikarang social media (Sari)</a>'
    ) in meeting
    assert '<li class="note note-action-due">' in january["2027-01-15"]
    assert '<span class="kind">action due:</span>' in january["2027-01-15"]
    march = cells((Path("site") / "month/2027-03.html").read_text(encoding="utf-8"))
    assert "Goal due: Grow the Instagram following" in march["2027-03-31"]
    week = (Path("site") / "week/2027-W01.html").read_text(encoding="utf-8")
    assert "Mon 4 Jan 2027 09:00" in week
    for page in ("month/2026-12.html", "week/2026-W50.html", "post/hari-ibu-ig.html"):
        text = (Path("site") / page).read_text(encoding="utf-8")
        assert '<li><a href="../review.html">Review</a></li>' in text, page
    index = (Path("site") / "index.html").read_text(encoding="utf-8")
    assert '<a href="review.html">The latest review of goals and results</a>' in index


def test_a_plan_that_does_not_measure_has_no_review_page(write_files: WriteFiles) -> None:
    """No [review] and no results: no review.html, and no page links to one."""
    plan_path = write_files({"plan.toml": MINIMAL_PLAN})
    result = publish_feeds(load(plan_path), now=NOW, out_dir="site")
    assert "review.html" not in result.pages
    assert not (Path("site") / "review.html").exists()
    june = (Path("site") / "month/2027-05.html").read_text(encoding="utf-8")
    assert "review.html" not in june


def test_review_events_false_keeps_the_dates_off_the_pages_too(example: Path) -> None:
    """Like the feeds: no meeting or due date on the calendar; the review page stays."""
    text = example.read_text(encoding="utf-8")
    example.write_text(text + "\n[feeds]\nreview_events = false\n", encoding="utf-8")
    result = publish_feeds(load(example), now=NOW, out_dir="site")
    assert "review.html" in result.pages
    for page in result.pages:
        assert 'class="note ' not in (Path("site") / page).read_text(encoding="utf-8"), page


def test_a_broken_check_table_stops_publishing_with_a_located_error(
    write_files: WriteFiles,
) -> None:
    """An unknown rule in [check] is a load error (one validation pass, issue #16): the site
    is not written half-checked, and the message names the file, line and the fix."""
    plan_path = write_files({"plan.toml": MINIMAL_PLAN + '\n[check]\nignore = ["no-such-rule"]\n'})
    result = CliRunner().invoke(
        cli,
        [
            *("feeds", str(plan_path), "--out", "site", "--now", "2026-11-30T08:00"),
            *("--base-url", "https://example.com/cal/"),
        ],
    )
    assert result.exit_code == 1
    assert "plan.toml:" in result.stderr
    assert "no-such-rule" in result.stderr
    assert "Traceback" not in result.stderr
    assert not Path("site").exists()


# --- the template environment -------------------------------------------------------------------


def _plain_environment() -> jinja2.Environment:
    """The pages' environment as Jinja makes it, without the faster dict lookup."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("contentcal.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def test_the_faster_dict_lookup_renders_what_plain_jinja_renders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every page of the example, with findings, notes and links, is the same text."""
    placed = site_schedule(PLAN, now=NOW)
    notes = [CalendarNote(at=dt.date(2026, 12, 1), label="Review", kind="review", href="r.html")]
    arguments = {
        "findings": check(PLAN, now=NOW),
        "notes": notes,
        "links": [("review.html", "Review")],
    }
    fast = render_site(placed, **arguments)
    monkeypatch.setattr(views_site, "_environment", _plain_environment)
    assert render_site(placed, **arguments) == fast


NAMES = st.sampled_from(["size", "items", "get", "copy", "keys", "values", "x", "__len__", "pop"])


@given(st.dictionaries(NAMES, st.integers()), NAMES)
def test_the_faster_dict_lookup_finds_what_jinja_finds(values: dict[str, int], name: str) -> None:
    """A key named like a dict method still loses to the method, as in Jinja; a missing key
    is undefined in both."""
    fast = views_site._environment().getattr(values, name)
    plain = _plain_environment().getattr(values, name)
    if isinstance(plain, jinja2.Undefined):
        assert isinstance(fast, jinja2.Undefined)
    else:
        assert fast == plain
