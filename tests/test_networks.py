"""Tests for contentcal.networks.limits: the packaged network facts and a plan's overrides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest

from contentcal.errors import ContentcalError
from contentcal.model import Media, Network
from contentcal.networks.limits import (
    LIMIT_KINDS,
    PLAN_OVERRIDE,
    Counting,
    Limit,
    LimitOverrideError,
    NetworkDataError,
    NetworkInfo,
    network_info,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "networks.md"
AS_OF = dt.date(2026, 11, 1)


def _limits(info: NetworkInfo) -> list[tuple[str, Limit]]:
    kinds = [("text", limit) for limit in info.text]
    kinds += [(kind, limit) for kind in ("title", "hashtags") if (limit := getattr(info, kind))]
    return kinds


# --- the packaged facts ----------------------------------------------------------------------


def test_x_text_limit_is_280_weighted_with_its_source() -> None:
    """The brief's example entry, value for value."""
    assert network_info(Network.X).text == (
        Limit(
            value=280,
            counting=Counting.X_WEIGHTED,
            as_of=AS_OF,
            source="https://docs.x.com/fundamentals/counting-characters",
        ),
    )


def test_bluesky_limits_graphemes_and_bytes_at_once() -> None:
    """Bluesky's lexicon enforces 300 graphemes *and* 3,000 bytes."""
    text = network_info(Network.BLUESKY).text
    assert [(limit.value, limit.counting) for limit in text] == [
        (300, Counting.GRAPHEMES),
        (3000, Counting.UTF8_BYTES),
    ]


@pytest.mark.parametrize(
    ("network", "value", "unit"),
    [
        (Network.MASTODON, 500, Counting.MASTODON),
        (Network.THREADS, 500, Counting.THREADS),
        (Network.INSTAGRAM, 2200, Counting.CHARACTERS),
        (Network.LINKEDIN, 3000, Counting.CHARACTERS),
        (Network.TIKTOK, 2200, Counting.CHARACTERS),
        (Network.PINTEREST, 500, Counting.CHARACTERS),
        (Network.FACEBOOK, 63206, Counting.CHARACTERS),
        (Network.GOOGLE_BUSINESS, 1500, Counting.CHARACTERS),
        (Network.YOUTUBE, 5000, Counting.UTF8_BYTES),
    ],
)
def test_text_limits(network: Network, value: int, unit: Counting) -> None:
    """Each network's text limit and how it is counted, from the research notes."""
    assert [(limit.value, limit.counting) for limit in network_info(network).text] == [
        (value, unit)
    ]


@pytest.mark.parametrize(
    ("network", "title", "hashtags"),
    [
        (Network.YOUTUBE, 100, 15),
        (Network.PINTEREST, 100, None),
        (Network.INSTAGRAM, None, 5),
        (Network.THREADS, None, 1),
        (Network.TIKTOK, None, 5),
        (Network.X, None, None),
    ],
)
def test_title_and_hashtag_limits(
    network: Network, title: int | None, hashtags: int | None
) -> None:
    """Titles exist on YouTube and Pinterest; hashtag caps where a network sets one."""
    info = network_info(network)
    assert (
        info.title.value if info.title else None,
        info.hashtags.value if info.hashtags else None,
    ) == (title, hashtags)


def test_tiktok_hashtag_cap_is_marked_unverified() -> None:
    """A single secondary source reports TikTok's cap; every other value is verified."""
    unverified = [
        (network, kind)
        for network in Network
        for kind, limit in _limits(network_info(network))
        if not limit.verified
    ]
    assert unverified == [(Network.TIKTOK, "hashtags")]


def test_media_is_required_exactly_where_the_research_says() -> None:
    """Instagram, TikTok, YouTube and Pinterest take no text-only posts."""
    required = {network for network in Network if network_info(network).media_required}
    assert required == {Network.INSTAGRAM, Network.TIKTOK, Network.YOUTUBE, Network.PINTEREST}


@pytest.mark.parametrize(
    ("network", "kinds"),
    [
        (Network.YOUTUBE, {Media.VIDEO, Media.SHORT_VIDEO, Media.LIVE}),
        (Network.PINTEREST, {Media.IMAGE, Media.CAROUSEL, Media.VIDEO}),
        (Network.TIKTOK, {Media.VIDEO, Media.SHORT_VIDEO, Media.CAROUSEL, Media.LIVE}),
        (
            Network.INSTAGRAM,
            {
                Media.IMAGE,
                Media.CAROUSEL,
                Media.VIDEO,
                Media.SHORT_VIDEO,
                Media.STORY,
                Media.LIVE,
            },
        ),
        (Network.GOOGLE_BUSINESS, {Media.TEXT, Media.IMAGE, Media.LINK}),
    ],
)
def test_media_that_fit(network: Network, kinds: set[Media]) -> None:
    """The kinds of post each network can take."""
    assert network_info(network).media == kinds


@pytest.mark.parametrize(
    "network",
    [
        Network.X,
        Network.BLUESKY,
        Network.MASTODON,
        Network.THREADS,
        Network.FACEBOOK,
        Network.LINKEDIN,
    ],
)
def test_text_networks_accept_text_posts(network: Network) -> None:
    """The text-first networks take a post without media."""
    info = network_info(network)
    assert (info.accepts(Media.TEXT), info.media_required) == (True, False)


@pytest.mark.parametrize(
    "network", [Network.BLOG, Network.NEWSLETTER, Network.WHATSAPP, Network.OTHER]
)
def test_networks_with_nothing_known_accept_anything(network: Network) -> None:
    """Own channels get empty tables: no limits, no required media, every kind fits."""
    assert network_info(network) == NetworkInfo(network=network)
    assert network_info(network).media == frozenset(Media)


def test_every_value_is_dated_and_sourced() -> None:
    """Each limit and media rule says when it was checked and links where it comes from."""
    undated = [
        (network.value, kind)
        for network in Network
        for kind, limit in _limits(network_info(network))
        if limit.as_of != AS_OF or not limit.source.startswith("https://")
    ]
    undated += [
        (network.value, "media")
        for network in Network
        if (info := network_info(network)).media_source is not None
        and (info.media_as_of != AS_OF or not info.media_source.startswith("https://"))
    ]
    assert undated == []


def test_network_info_is_loaded_once() -> None:
    """The data file is read on first use and the same value is handed out after that."""
    assert network_info(Network.X) is network_info(Network.X)


# --- limits measure text ---------------------------------------------------------------------


def test_limit_measures_text_in_its_own_unit() -> None:
    """The same text measured by X (a link is 23) and by Bluesky (a link is as written)."""
    post = "Koleksi baru: https://batikcikarang.example.com/koleksi/2027"
    x_limit = network_info(Network.X).text[0]
    graphemes, utf8_bytes = network_info(Network.BLUESKY).text
    assert (x_limit.measure(post), graphemes.measure(post), utf8_bytes.measure("é")) == (37, 60, 2)


def test_limit_allows_text_up_to_its_value() -> None:
    """At the value is fine, one over is not."""
    limit = network_info(Network.X).text[0]
    assert (limit.allows("日" * 140), limit.allows("日" * 141)) == (True, False)


def test_hashtag_limit_counts_hashtags() -> None:
    """Instagram's cap is on hashtags, not characters."""
    limit = network_info(Network.INSTAGRAM).hashtags
    assert limit is not None
    assert (limit.measure("#a #b #c #d #e #f"), limit.allows("#a #b #c #d #e #f")) == (6, False)


@pytest.mark.parametrize(
    ("unit", "name"),
    [
        (Counting.X_WEIGHTED, "weighted characters"),
        (Counting.UTF8_BYTES, "bytes"),
        (Counting.HASHTAGS, "hashtags"),
        (Counting.GRAPHEMES, "characters"),
    ],
)
def test_counting_unit_names(unit: Counting, name: str) -> None:
    """Messages say "312 weighted characters", "3,120 bytes", "7 hashtags"."""
    assert unit.unit == name


def test_provenance() -> None:
    """A packaged limit cites its date and source; an override says so."""
    assert network_info(Network.X).text[0].provenance == (
        "as of 2026-11-01, https://docs.x.com/fundamentals/counting-characters"
    )
    assert network_info(Network.X, {"text": 25000}).text[0].provenance == "plan override"


# --- overrides -------------------------------------------------------------------------------


def test_override_replaces_value_and_keeps_counting() -> None:
    """A Mastodon server with 1,000 characters: still counted the Mastodon way."""
    info = network_info(Network.MASTODON, {"text": 1000})
    assert info.text == (
        Limit(value=1000, counting=Counting.MASTODON, as_of=None, source=PLAN_OVERRIDE),
    )


def test_override_does_not_change_the_shared_value() -> None:
    """Overrides make a new value; the next plan still sees Mastodon's 500."""
    network_info(Network.MASTODON, {"text": 1000})
    assert network_info(Network.MASTODON).text[0].value == 500


def test_override_of_bluesky_text_keeps_the_byte_limit() -> None:
    """Only the first text limit is replaced; 3,000 bytes still apply."""
    text = network_info(Network.BLUESKY, {"text": 250}).text
    assert [(limit.value, limit.counting, limit.source == PLAN_OVERRIDE) for limit in text] == [
        (250, Counting.GRAPHEMES, True),
        (3000, Counting.UTF8_BYTES, False),
    ]


def test_override_adds_limits_a_network_lacks() -> None:
    """A blog with a 120-character title and 10 hashtags; X with a hashtag cap."""
    blog = network_info(Network.BLOG, {"text": 5000, "title": 120, "hashtags": 10})
    assert [(kind, limit.value, limit.counting) for kind, limit in _limits(blog)] == [
        ("text", 5000, Counting.CHARACTERS),
        ("title", 120, Counting.CHARACTERS),
        ("hashtags", 10, Counting.HASHTAGS),
    ]


def test_override_of_an_unverified_limit_is_verified() -> None:
    """The plan's own number is what its author knows to be true."""
    limit = network_info(Network.TIKTOK, {"hashtags": 3}).hashtags
    assert limit == Limit(value=3, counting=Counting.HASHTAGS, as_of=None, source=PLAN_OVERRIDE)


def test_empty_overrides_change_nothing() -> None:
    """No overrides: the packaged value itself."""
    assert network_info(Network.X, {}) is network_info(Network.X)


def test_unknown_override_is_rejected_with_the_known_kinds() -> None:
    """A typo in a plan's limits names the limits that exist."""
    with pytest.raises(LimitOverrideError) as excinfo:
        network_info(Network.X, {"characters": 1000})
    assert str(excinfo.value) == "unknown limit 'characters' for X; known: text, title, hashtags"


@pytest.mark.parametrize("value", [0, -5, True, 2.5, "1000"])
def test_override_must_be_a_positive_whole_number(value: Any) -> None:
    """Zero, negatives, booleans, fractions and strings are not limits."""
    with pytest.raises(LimitOverrideError) as excinfo:
        network_info(Network.LINKEDIN, {"text": value})
    assert str(excinfo.value) == (
        f"limit 'text' for LinkedIn must be a positive whole number, got {value!r}"
    )


def test_override_error_is_a_contentcal_value_error() -> None:
    """Callers may catch it as ContentcalError or as ValueError."""
    assert issubclass(LimitOverrideError, ContentcalError)
    assert issubclass(LimitOverrideError, ValueError)


def test_limit_kinds_are_the_overridable_fields() -> None:
    """The loader validates plan keys against this tuple; each names a NetworkInfo field."""
    assert LIMIT_KINDS == ("text", "title", "hashtags")
    assert set(LIMIT_KINDS) <= {field.name for field in attrs.fields(NetworkInfo)}


# --- reading networks.toml -------------------------------------------------------------------

GOOD_LIMIT = {"limit": 10, "counting": "characters", "as_of": AS_OF, "source": "https://a"}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"text": "280"}, "x.text must be a table"),
        ({"text": {**GOOD_LIMIT, "limit": 0}}, "x.text.limit must be a positive whole number"),
        (
            {"text": {**GOOD_LIMIT, "counting": "words"}},
            "x.text.counting must be one of x-weighted, graphemes, utf8-bytes, mastodon,"
            " threads, characters, hashtags",
        ),
        (
            {"text": {**GOOD_LIMIT, "as_of": "2026-11-01"}},
            "x.text.as_of must be a date such as 2026-11-01",
        ),
        (
            {"text": {**GOOD_LIMIT, "as_of": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)}},
            "x.text.as_of must be a date such as 2026-11-01",
        ),
        (
            {"text": {**GOOD_LIMIT, "source": ""}},
            "x.text.source must name where the value comes from",
        ),
        ({"text": {**GOOD_LIMIT, "verified": "no"}}, "x.text.verified must be true or false"),
        ({"text": {**GOOD_LIMIT, "limt": 3}}, "x.text: unknown key 'limt'"),
        ({"txt": GOOD_LIMIT}, "x: unknown key 'txt'"),
        (
            {"text": [GOOD_LIMIT, {**GOOD_LIMIT, "limit": -1}]},
            "x.text[1].limit must be a positive whole number",
        ),
        (
            {"media": {"kinds": ["reel"], "as_of": AS_OF, "source": "https://a"}},
            "x.media.kinds: 'reel' is not a valid Media",
        ),
        ({"media": {"required": "yes"}}, "x.media.required must be true or false"),
    ],
)
def test_malformed_network_data_is_reported_with_its_path(
    table: dict[str, Any], message: str
) -> None:
    """A broken networks.toml fails loudly, naming the key, instead of checking plans wrongly."""
    with pytest.raises(NetworkDataError) as excinfo:
        NetworkInfo.from_toml(Network.X, table)
    assert str(excinfo.value) == message


def test_network_data_reads_both_table_forms() -> None:
    """``[x.text]`` is one limit; ``[[x.text]]`` several."""
    one = NetworkInfo.from_toml(Network.X, {"text": GOOD_LIMIT})
    two = NetworkInfo.from_toml(Network.X, {"text": [GOOD_LIMIT, {**GOOD_LIMIT, "limit": 20}]})
    assert ([limit.value for limit in one.text], [limit.value for limit in two.text]) == (
        [10],
        [10, 20],
    )


# --- the documentation -----------------------------------------------------------------------


def _cell(limit: Limit | None) -> str:
    if limit is None:
        return "—"
    text = f"{limit.value:,} `{limit.counting.value}`"
    return text if limit.verified else f"{text} (unverified)"


def _limits_row(network: Network) -> str:
    info = network_info(network)
    text = " and ".join(_cell(limit) for limit in info.text) or "—"
    fits = (
        "any"
        if info.media == frozenset(Media)
        else ", ".join(media.value for media in Media if media in info.media)
    )
    needs = "yes" if info.media_required else "no"
    return (
        f"| {network.display_name} | {text} | {_cell(info.title)} | {_cell(info.hashtags)} "
        f"| {needs} | {fits} |"
    )


def _source_rows(network: Network) -> list[str]:
    info = network_info(network)
    rows = [
        f"| {network.display_name} | {kind} {limit.value:,} | {limit.as_of} | <{limit.source}> |"
        for kind, limit in _limits(info)
    ]
    if info.media_source:
        rows.append(
            f"| {network.display_name} | media | {info.media_as_of} | <{info.media_source}> |"
        )
    return rows


def test_docs_limits_table_matches_the_data() -> None:
    """docs/networks.md shows exactly the packaged limits, one row per network, in order."""
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    start = lines.index("| Network | Text | Title | Hashtags | Needs media | Fits |") + 2
    assert lines[start : start + len(Network)] == [_limits_row(network) for network in Network]
    assert not lines[start + len(Network)].startswith("|")


def test_docs_sources_table_matches_the_data() -> None:
    """Every value's date and source is listed on the page, and nothing else."""
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    start = lines.index("| Network | Value | As of | Source |") + 2
    expected = [row for network in Network for row in _source_rows(network)]
    assert lines[start : start + len(expected)] == expected
    assert not lines[start + len(expected)].startswith("|")
