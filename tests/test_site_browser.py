"""The published site in a real browser: headless Chromium loads the example's pages.

What a person sees is asserted from the rendered DOM: each day cell of a month holds exactly
the posts ``contentcal week --format json`` gives for that day, a week page has a column
per platform with the week's posts, a post page shows the copy, no page scrolls sideways on
a 390-pixel phone, nothing loads from the network, and axe-core finds no serious or critical
accessibility problem. Screenshots go to ``artifacts/screenshots/`` (kept by CI, ignored by
git); the ones in ``docs/img/`` are compared loosely and rewritten with
``CONTENTCAL_UPDATE_SCREENSHOTS=1``.

Needs Debian's ``chromium`` and axe-core, which ``python -m tests.interop.setup`` installs
outside the checkout with the other npm packages; ``.ci/run`` installs both. Without them
these tests fail (never skip) with a message saying so.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentcal.cli import cli
from contentcal.files.load import load
from tests.browser.cdp import Browser, browser, png_size
from tests.interop.setup import installed

from .conftest import EXAMPLE, REPO, WriteFiles

NOW = "2026-11-30T08:00"
SCREENSHOTS = REPO / "artifacts" / "screenshots"
DOCS_IMAGES = REPO / "docs" / "img"
PHONE = 390


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example published with ``contentcal feeds --out`` into a scratch folder."""
    root = tmp_path_factory.mktemp("published")
    shutil.copytree(EXAMPLE.parent, root / "batik")
    result = CliRunner().invoke(
        cli,
        ["feeds", str(root / "batik" / "plan.toml"), "--out", str(root / "site"), "--now", NOW],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def chrome() -> Iterator[Browser]:
    """One headless Chromium for the whole module (starting one costs a second)."""
    with browser() as instance:
        instance.viewport(1280, 900)
        yield instance


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script, as locked in tests/interop/package-lock.json.

    pytest installs nothing: a missing axe-core fails here naming the set-up command.
    """
    return (installed("axe-core") / "axe.min.js").read_text(encoding="utf-8")


def pages(site: Path, folder: str) -> list[Path]:
    """The site's pages in one folder, sorted."""
    return sorted((site / folder).glob("*.html"))


def week_json(plan: Path, iso_week: str) -> dict[str, object]:
    """What ``contentcal week PLAN --week W --format json`` prints, parsed."""
    result = CliRunner().invoke(
        cli,
        ["week", str(plan), "--week", iso_week, "--format", "json", "--now", NOW],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


DAY_CELLS = """
[...document.querySelectorAll('td.day[data-date]')].map(cell => [
  cell.dataset.date,
  [...cell.querySelectorAll('li.chip')].map(chip => chip.dataset.item),
])
"""


def test_each_day_cell_holds_exactly_the_posts_week_json_gives(site: Path, chrome: Browser) -> None:
    """Every day of every month page: the same posts, in the same order, as ``week``."""
    plan = site.parent / "batik" / "plan.toml"
    weeks: dict[str, dict[str, object]] = {}
    checked_days = checked_posts = 0
    for page in pages(site, "month"):
        chrome.open(page.as_uri())
        cells = chrome.evaluate(DAY_CELLS)
        assert cells, page.name
        expected: dict[str, list[str]] = defaultdict(list)
        for week in sorted({d.isocalendar()[:2] for d in map(_date, (c[0] for c in cells))}):
            iso_week = f"{week[0]}-W{week[1]:02d}"
            if iso_week not in weeks:
                weeks[iso_week] = week_json(plan, iso_week)
            for entry in weeks[iso_week]["entries"]:  # type: ignore[attr-defined]
                expected[entry["start"][:10]].append(entry["item"])
        for day, items in cells:
            assert items == expected.get(day, []), f"{page.name} {day}"
            checked_days += 1
            checked_posts += len(items)
    assert checked_days == 243  # every day of October 2026 to May 2027
    assert checked_posts == 44  # 38 posts, evergreen ones more than once


def _date(text: str) -> object:
    import datetime as dt

    return dt.date.fromisoformat(text)


COLUMNS = """
[...document.querySelectorAll('section.column')].map(column => [
  column.dataset.platform,
  [...column.querySelectorAll('li.chip')].map(chip => chip.dataset.item),
  column.querySelector('p').textContent,
])
"""


def test_each_week_page_has_a_column_per_platform_with_its_posts(
    site: Path, chrome: Browser
) -> None:
    """Columns in plan order; each holds that platform's posts of the week and slot count."""
    plan = site.parent / "batik" / "plan.toml"
    for page in pages(site, "week"):
        data = week_json(plan, page.stem)
        chrome.open(page.as_uri())
        columns = chrome.evaluate(COLUMNS)
        assert [platform for platform, _, _ in columns] == ["instagram", "facebook", "whatsapp"]
        slots = {row["platform"]: row for row in data["slots"]}  # type: ignore[attr-defined]
        for platform, items, line in columns:
            entries = data["entries"]
            assert items == [e["item"] for e in entries if e["platform"] == platform]  # type: ignore[attr-defined]
            filled, available = slots[platform]["filled"], slots[platform]["available"]
            assert line.endswith(f"{filled} of {available} slots filled"), (page.name, line)


COPY_TEXT = """
(() => {
  const copy = document.querySelector('article.post > .post-copy').cloneNode(true);
  copy.querySelectorAll('.cut').forEach(marker => marker.remove());
  return copy.textContent;
})()
"""


def test_each_post_page_shows_the_copy(site: Path, chrome: Browser) -> None:
    """The copy, line breaks and all, is on the post page (cut markers aside)."""
    plan = load(site.parent / "batik" / "plan.toml")
    shown = pages(site, "post")
    assert len(shown) == 38
    for page in shown:
        item = plan.item(page.stem)
        chrome.open(page.as_uri())
        assert chrome.evaluate("document.querySelector('h1').textContent") == item.title
        assert chrome.evaluate(COPY_TEXT) == item.copy.strip(), page.name


def test_x_and_bluesky_cut_markers_sit_where_those_networks_cut(
    site: Path, chrome: Browser
) -> None:
    """A 353-character Instagram caption: X and Bluesky markers, text before them fits."""
    chrome.open((site / "post" / "year-end-sale-ig.html").as_uri())
    markers = chrome.evaluate(
        "[...document.querySelectorAll('article.post > .post-copy .cut')]"
        ".map(marker => marker.textContent)"
    )
    assert markers == ["✂ X cuts here", "✂ Bluesky cuts here"]


PAGE_FACTS = """
({
  width: document.documentElement.scrollWidth,
  scripts: document.scripts.length,
  loaded: performance.getEntriesByType('resource').map(entry => entry.name),
})
"""


def test_no_page_scrolls_sideways_on_a_phone_or_loads_anything(site: Path, chrome: Browser) -> None:
    """At 390 CSS pixels every page fits its width; no page has a script or a subresource."""
    every = sorted(site.rglob("*.html"))
    assert len(every) == 79  # index, review, 8 months, 31 weeks, 38 posts
    chrome.viewport(PHONE, 844, mobile=True)
    try:
        for page in every:
            chrome.open(page.as_uri())
            facts = chrome.evaluate(PAGE_FACTS)
            assert facts == {"width": PHONE, "scripts": 0, "loaded": []}, page.name
    finally:
        chrome.viewport(1280, 900)


AXE_RUN = """
axe.run(document, {resultTypes: ['violations']}).then(result => result.violations
  .filter(violation => ['serious', 'critical'].includes(violation.impact))
  .map(violation => `${violation.id}: ${violation.help} at ` +
       violation.nodes.slice(0, 3).map(node => node.target.join(' ')).join(', ')))
"""


def audit(chrome: Browser, axe_source: str, page: Path) -> list[str]:
    """axe-core's serious and critical violations on `page`."""
    chrome.open(page.as_uri())
    chrome.evaluate(axe_source)
    result: list[str] = chrome.evaluate(AXE_RUN, await_promise=True)
    return result


def test_axe_finds_no_serious_or_critical_violation(
    site: Path, chrome: Browser, axe_source: str
) -> None:
    """The index, every month, some weeks and the story posts, on a desktop and a phone."""
    chosen = [
        site / "index.html",
        site / "review.html",
        *pages(site, "month"),
        *(site / "week" / f"{week}.html" for week in ("2026-W44", "2026-W50", "2026-W53")),
        *(site / "post" / f"{item}.html" for item in ("year-end-sale-ig", "hari-ibu-fb")),
    ]
    for page in chosen:
        assert audit(chrome, axe_source, page) == [], page.name
    chrome.viewport(PHONE, 844, mobile=True)
    try:
        for page in (site / "month" / "2026-12.html", site / "post" / "batik-care-ig.html"):
            assert audit(chrome, axe_source, page) == [], f"{page.name} at {PHONE} px"
    finally:
        chrome.viewport(1280, 900)


def test_printing_hides_navigation_and_keeps_week_columns_side_by_side(
    site: Path, chrome: Browser
) -> None:
    """The week page is what the team pins on the wall: columns stay in one row on paper."""
    chrome.media("print")
    try:
        chrome.open((site / "week" / "2026-W50.html").as_uri())
        assert chrome.evaluate("getComputedStyle(document.querySelector('nav')).display") == (
            "none"
        )
        tops = chrome.evaluate(
            "[...document.querySelectorAll('section.column')].map(c => c.offsetTop)"
        )
        assert len(tops) == 3
        assert len(set(tops)) == 1
    finally:
        chrome.media("")


HOSTILE = """\
[brand]
name = "Kedai <b>Kopi</b> & \\"Teh\\""
timezone = "Asia/Jakarta"

[platforms.instagram]
owner = "O'Brien <script>alert(1)</script>"
slots = ["MO 19:00"]

[[items]]
id = "hostile"
platform = "instagram"
pillar = "education"
title = "<script>document.title = 'pwned'</script> مرحبا بالعالم 🎉"
copy = "\\"><img src=x onerror=\\"document.title='pwned'\\"> #kopi https://example.com/?a=1&b=<2>"
story = "s<i>"
status = "approved"
at = 2026-12-07T19:00:00
"""


def test_hostile_text_is_shown_as_text_and_never_runs(
    write_files: WriteFiles, tmp_path: Path, chrome: Browser
) -> None:
    """Markup, quotes, RTL and emoji in titles, copy and names appear literally."""
    plan = write_files({"plan.toml": HOSTILE})
    result = CliRunner().invoke(
        cli, ["feeds", str(plan), "--out", str(tmp_path / "out"), "--now", NOW]
    )
    assert result.exit_code == 0, result.output
    loaded = load(plan)
    item = loaded.item("hostile")
    for page in ("post/hostile.html", "month/2026-12.html", "week/2026-W50.html"):
        chrome.open((tmp_path / "out" / page).as_uri())
        assert chrome.evaluate("document.querySelectorAll('script, img, b, i').length") == 0
        assert chrome.evaluate("document.title") != "pwned"  # what the script would set
        assert chrome.evaluate("document.body.textContent").count(item.title) >= 1, page
    chrome.open((tmp_path / "out" / "post" / "hostile.html").as_uri())
    assert chrome.evaluate(COPY_TEXT) == item.copy
    assert chrome.evaluate("document.querySelector('h1').textContent") == item.title


SHOTS = (
    ("month.png", "month/2026-12.html", 1280),
    ("week.png", "week/2026-W50.html", 1280),
    ("post.png", "post/year-end-sale-ig.html", 1280),
    ("month-phone.png", "month/2026-12.html", PHONE),
)
"""(file name, page, screen width); the phone shot is one screenful, the others whole pages."""


def test_screenshots_of_a_month_a_week_and_a_post(site: Path, chrome: Browser) -> None:
    """Written to artifacts/screenshots/ for people to look at; docs/img/ compared loosely.

    Fonts differ between machines, so the docs' images must only match in width and
    roughly in height; ``CONTENTCAL_UPDATE_SCREENSHOTS=1`` rewrites them.
    """
    update = os.environ.get("CONTENTCAL_UPDATE_SCREENSHOTS") == "1"
    for name, page, width in SHOTS:
        phone = width == PHONE
        chrome.viewport(width, 844 if phone else 900, mobile=phone)
        try:
            chrome.open((site / page).as_uri())
            chrome.screenshot(SCREENSHOTS / name, full_page=not phone)
        finally:
            chrome.viewport(1280, 900)
        taken = (SCREENSHOTS / name).read_bytes()
        shot_width, shot_height = png_size(taken)
        assert shot_width == width, name
        if update:
            DOCS_IMAGES.mkdir(exist_ok=True)
            (DOCS_IMAGES / name).write_bytes(taken)
        docs_width, docs_height = png_size((DOCS_IMAGES / name).read_bytes())
        assert docs_width == shot_width, name
        assert 0.75 < shot_height / docs_height < 1.33, (name, shot_height, docs_height)


def test_the_audit_catches_a_real_violation(
    tmp_path: Path, chrome: Browser, axe_source: str
) -> None:
    """The harness itself works: an image without alt text is a critical violation."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><title>x</title><main><img src="data:,"></main></html>',
        encoding="utf-8",
    )
    found = audit(chrome, axe_source, page)
    assert [violation.split(":")[0] for violation in found] == ["image-alt"]
