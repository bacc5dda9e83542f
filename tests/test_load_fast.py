"""The loader's fast way for item tables gives exactly what the general way gives.

`PlanBuilder` converts an item table by the compiled steps of its key order (one per CSV
header), remembers the converted values of category-like texts and checks ordinary text
inline; on anything unusual it falls back to the general, field-by-field conversion that
locates every problem. These properties load random item files both ways and compare.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal import load
from contentcal.errors import PlanError
from contentcal.files import build, readers
from contentcal.files.build import PlanBuilder
from contentcal.files.dialect import DELIMITERS, delimiter_of
from contentcal.files.fields import Problems
from contentcal.files.readers import Readers
from contentcal.model import Brand, ContentItem, Plan, Platform, Source, Story

PLAN = """\
include = ["items/*"]

[brand]
name = "Kopi Senja"
timezone = "Asia/Jakarta"

[goals.sales]
statement = "Sell more"

[platforms.instagram]
owner = "Sari"
slots = ["daily 19:00"]

[platforms.tiktok]
network = "tiktok"
timezone = "Europe/Berlin"
slots = ["daily 12:00"]

[stories.launch]
title = "Launch"
goal = "sales"
steps = [{ platform = "instagram" }, { platform = "tiktok", after = "1d" }]
"""

# Per field: values that convert and values that do not (as JSON gives them; CSV gets str()).
CELLS: dict[str, list[Any]] = {
    "platform": ["instagram", " tiktok ", "tiktok", "facebook", "", 7],
    "title": ["Promo", "  Promo  ", "Kopi ☕ pagi", "\ud800 broken", "", "  ", True],
    "pillar": ["education", "communication ", "edu", "", None],
    "goal": ["sales", "sale", "", 3],
    "copy": ["", "  spaced copy  ", "Halo 👋", "bad \udfff", 1.5, ["a"]],
    "media": ["image", "Short_Video", "carousel", "hologram", "", 2],
    "status": ["approved", "Draft", "idea", "done-ish", ""],
    "owner": ["Budi", " Budi ", "", False],
    "story": ["launch", "", "nope"],
    "tags": ["promo, kopi", "promo,,", ["promo", " kopi "], "", 5],
    "duration": ["30m", "1h30m", "PT2H", "forever", ""],
    "priority": ["2", " -1 ", 3, True, "many", ""],
    "at": ["2027-01-04T19:00", "2027-01-04", "2027-01-04T19:00Z", "tomorrow", "", "2027-02-30"],
    "updated": ["2027-01-01T08:00", "2027-01-01", ""],
    "evergreen": ["yes", "no", True, "maybe", ""],
    "repeat_after": ["6w", "0d", ""],
    "times": ["3", "0", ""],
    "until": ["2027-06-30", "June", ""],
    "ignore": ["posting-gap", "no-such-rule", ""],
    "link": ["https://example.com", ""],
    "colour": ["red"],
}
OPTIONAL = [key for key in CELLS if key not in ("platform", "title")]

# Per field: only values that convert and resolve, so that the plan loads and its values
# (not only its problems) are compared. The evergreen fields need one another: left out.
GOOD_CELLS: dict[str, list[Any]] = {
    "platform": ["instagram", " tiktok ", "tiktok"],
    "title": ["Promo", "  Promo  ", "Kopi ☕ pagi", 7],
    "pillar": ["education", "communication ", ""],
    "goal": ["sales", ""],
    "copy": ["", "  spaced copy  ", "Halo 👋", 1.5],
    "media": ["image", "Short_Video", "carousel", ""],
    "status": ["approved", "Draft", "idea", ""],
    "owner": ["Budi", " Budi ", ""],
    "story": ["launch", "", "nope"],
    "tags": ["promo, kopi", "promo,,", ["promo", " kopi "], ""],
    "duration": ["30m", "1h30m", "PT2H", ""],
    "priority": ["2", " -1 ", 3, ""],
    "at": ["2027-01-04T19:00", "2027-01-04", "2027-01-04T19:00Z", ""],
    "updated": ["2027-01-01T08:00", ""],
    "evergreen": ["no", "", False],
    "ignore": ["posting-gap", ""],
    "ignore_reason": ["checked", ""],
    "notes": ["ask Budi", "", "  "],
    "link": ["https://example.com", ""],
}
GOOD_OPTIONAL = [key for key in GOOD_CELLS if key not in ("platform", "title")]


@st.composite
def item_tables(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few items, mostly sharing one key order (as a CSV file's rows do)."""
    extra = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=6))
    keys = ["id", "platform", "title", *extra]
    if draw(st.booleans()):
        keys = draw(st.permutations(keys))
    tables = []
    for index in range(draw(st.integers(min_value=1, max_value=8))):
        row_keys = keys if draw(st.integers(0, 4)) else [k for k in keys if k != "title"]
        table = {key: draw(st.sampled_from(CELLS[key])) for key in row_keys if key != "id"}
        table["id"] = draw(st.sampled_from([f"item-{index}", f" item-{index} ", "item-0", ""]))
        tables.append({key: table[key] for key in row_keys})
    return tables


@st.composite
def good_item_tables(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Items that load, sharing one key order (as a CSV file's rows do)."""
    extra = draw(st.lists(st.sampled_from(GOOD_OPTIONAL), unique=True, max_size=10))
    keys = ["id", "platform", "title", *extra]
    if draw(st.booleans()):
        keys = draw(st.permutations(keys))
    tables = []
    for index in range(draw(st.integers(min_value=1, max_value=8))):
        table = {key: draw(st.sampled_from(GOOD_CELLS[key])) for key in keys if key != "id"}
        table["id"] = draw(st.sampled_from([f"item-{index}", f" item-{index} "]))
        tables.append({key: table[key] for key in keys})
    return tables


def _load_both_ways(folder: Path) -> tuple[object, object]:
    """The outcome the fast ways give (each must agree), and the general way's."""

    def outcome() -> object:
        try:
            plan = load(folder / "plan.toml")
        except PlanError as exc:
            return [str(problem) for problem in exc.problems]
        return _comparable(plan)

    fast = outcome()
    # Every row through code generated for its key order, not only rows past the first.
    with mock.patch.object(build, "_COMPILE_AFTER", 0):
        assert outcome() == fast
    # Items made by the model's own constructor, converters and all.
    with mock.patch.object(build, "_make_item", _constructed):
        assert outcome() == fast
    with mock.patch.object(PlanBuilder, "_fast_item", return_value=None):
        general = outcome()
    return fast, general


def _constructed(values: dict[str, Any], source: Source) -> ContentItem:
    return ContentItem(**values, source=source)


def _comparable(plan: Plan) -> object:
    """The plan with each item's source (which equality leaves out) and the type of each
    item value (equality takes ``"image"`` for ``Media.IMAGE``)."""
    return plan, [
        (item.source, [type(getattr(item, field.name)) for field in attrs.fields(ContentItem)])
        for item in plan.items
    ]


def _write(folder: Path, name: str, text: str) -> None:
    (folder / "items").mkdir(exist_ok=True)
    (folder / "items" / name).write_text(text, encoding="utf-8", errors="surrogatepass")


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(item_tables())
def test_json_lines_items_load_the_same_both_ways(tables: list[dict[str, Any]]) -> None:
    """Every JSON lines item file gives the same plan, or the same problems, both ways."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "plan.toml").write_text(PLAN, encoding="utf-8")
        _write(folder, "items.jsonl", "\n".join(json.dumps(table) for table in tables) + "\n")
        fast, general = _load_both_ways(folder)
    assert fast == general


@SETTINGS
@given(item_tables(), st.booleans())
def test_csv_items_load_the_same_both_ways(
    tables: list[dict[str, Any]], repeat_column: bool
) -> None:
    """Every CSV item file (also with a repeated or unknown column, short and long rows)
    gives the same plan, or the same problems, both ways."""
    header = list(tables[0])
    if repeat_column:
        header.append(header[-1])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for table in tables:
        writer.writerow([str(value) for value in table.values()])
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "plan.toml").write_text(PLAN, encoding="utf-8")
        _write(folder, "items.csv", out.getvalue())
        fast, general = _load_both_ways(folder)
    assert fast == general


@SETTINGS
@given(good_item_tables(), st.booleans())
def test_item_values_load_the_same_both_ways(tables: list[dict[str, Any]], as_csv: bool) -> None:
    """Items that load have the same values, of the same types, and the same sources,
    whichever way they are converted and made."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "plan.toml").write_text(PLAN, encoding="utf-8")
        if as_csv:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(list(tables[0]))
            for table in tables:
                writer.writerow([str(value) for value in table.values()])
            _write(folder, "items.csv", out.getvalue())
        else:
            lines = [json.dumps(table) for table in tables]
            _write(folder, "items.jsonl", "\n".join(lines) + "\n")
        fast, general = _load_both_ways(folder)
    assert not isinstance(fast, list), fast  # it loaded: values were compared
    assert fast == general


@pytest.mark.parametrize("collector_on", [True, False])
def test_loading_leaves_the_cycle_collector_as_it_found_it(
    tmp_path: Path, collector_on: bool
) -> None:
    """The loader pauses the cycle collector while it builds; afterwards, also after a
    broken plan, the collector is on exactly when it was on before."""
    (tmp_path / "plan.toml").write_text(PLAN, encoding="utf-8")
    _write(tmp_path, "items.csv", "id,platform,title\na,instagram,Promo\nb,nowhere,Promo\n")
    was = gc.isenabled()
    try:
        if not collector_on:
            gc.disable()
        with pytest.raises(PlanError):
            load(tmp_path / "plan.toml")
        assert gc.isenabled() is collector_on
    finally:
        if was:
            gc.enable()


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["instagram", "tiktok", "nowhere"]),
            st.sampled_from([None, "Budi"]),
            st.sampled_from([None, "launch", "nope"]),
            st.sampled_from([None, "own-goal"]),
            st.sampled_from([None, "own-pillar"]),
        ),
        max_size=8,
    )
)
def test_a_plan_fills_in_owners_and_story_defaults(
    rows: list[tuple[str, str | None, str | None, str | None, str | None]],
) -> None:
    """A plan built in code gives an item without an owner its platform's owner, and a
    version of a story without a goal or pillar the story's; it keeps what an item sets,
    and items with nothing to fill in stay the same objects."""
    items = tuple(
        ContentItem(
            id=f"item-{index}",
            platform=platform,
            title="Promo",
            owner=owner,
            story=story,
            goal=goal,
            pillar=pillar,
        )
        for index, (platform, owner, story, goal, pillar) in enumerate(rows)
    )
    plan = Plan(
        brand=Brand(name="Kopi Senja", timezone="Asia/Jakarta"),
        platforms=(
            Platform(id="instagram", network="instagram", timezone="UTC", owner="Sari"),
            Platform(id="tiktok", network="tiktok", timezone="UTC"),
        ),
        stories=(Story(id="launch", title="Launch", goal="sales", pillar="education"),),
        items=items,
    )
    for given_item, item in zip(items, plan.items, strict=True):
        launched = given_item.story == "launch"
        assert item.owner == (
            given_item.owner or ("Sari" if given_item.platform == "instagram" else None)
        )
        assert item.goal == (given_item.goal or ("sales" if launched else None))
        assert item.pillar == (given_item.pillar or ("education" if launched else None))
        if item == given_item:
            assert item is given_item


@given(st.text(alphabet=st.sampled_from(";,\t\nab\r")))
def test_the_delimiter_is_found_in_the_first_line_without_copying_the_rest(text: str) -> None:
    """delimiter_of reads the header row by position; it picks what splitting picked."""
    assert delimiter_of(text) == max(DELIMITERS, key=text.split("\n", 1)[0].count)


CSV_PIECES = st.sampled_from(
    [
        *("id", "platform", "title", "copy", ",", ";", '"', '""', " ", "a", "☕"),
        *("\n", "\r", "\r\n", "\u2028", "\x85", "\x0c", "\ufeff"),
    ]
)


CELL = st.lists(CSV_PIECES, max_size=6).map("".join)
QUOTED_CELL = CELL.map(lambda cell: '"' + cell.replace('"', '""') + '"')
ROWS = st.lists(
    st.tuples(
        st.lists(st.one_of(QUOTED_CELL, st.sampled_from(["a", " b ", ""])), max_size=5),
        st.sampled_from(["\n", "\r\n", "\r"]),
    ),
    max_size=6,
).map(lambda rows: "".join(",".join(cells) + newline for cells, newline in rows))


@SETTINGS
@given(
    st.sampled_from(["", "id,platform,title,copy", "id;title;copy;platform"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.one_of(st.lists(CSV_PIECES, max_size=60).map("".join), ROWS),
    st.booleans(),
    st.integers(min_value=1, max_value=9),
)
def test_csv_rows_read_from_the_bytes_are_the_rows_of_the_text(
    header: str, newline: str, body: str, byte_order_mark: bool, chunk: int
) -> None:
    """Rows read from a CSV file's bytes (decoded again a few bytes at a time, so that a
    line, a CRLF or a character's bytes fall between two chunks) are the rows, lines and
    problems of its decoded text."""
    text = header + newline + body if header else body
    data = ("\ufeff" if byte_order_mark else "").encode() + text.encode()
    decoded = data.decode("utf-8-sig")

    def rows(raw: bytes | None) -> object:
        problems = Problems()
        found = [
            (table.table, table.path, table.line)
            for table in Readers(problems, root=".").csv_items(decoded, "items.csv", raw)
        ]
        return found, [str(problem) for problem in problems.all()]

    with mock.patch.object(readers, "_CSV_CHUNK", chunk):
        assert rows(data) == rows(None)
