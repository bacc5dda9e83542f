"""Tests for contentcal.networks.counting: each network's own way of measuring a post."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import regex
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contentcal.networks import counting
from contentcal.networks.counting import (
    MASTODON_URL_LENGTH,
    X_MAX_WEIGHTED_LENGTH,
    X_URL_LENGTH,
    char_length,
    grapheme_ends,
    grapheme_length,
    hashtag_count,
    mastodon_length,
    threads_length,
    utf8_length,
    x_is_valid,
    x_weighted_length,
)

# twitter-text's conformance data (Apache-2.0), vendored with its licence so that a fresh
# clone runs these tests with nothing beside it (tests/data/twitter-text/README.md).
CONFORMANCE = Path(__file__).resolve().parent / "data" / "twitter-text" / "validate.yml"
MISSING = "missing"


def _conformance_cases(section: str) -> list[Any]:
    """One parameter per case of `section`; a single failing one if the data is missing.

    A missing file or an empty section must fail the run, never skip it.
    """
    if not CONFORMANCE.is_file():
        return [pytest.param(MISSING, id=f"{section}-data-missing")]
    cases = yaml.safe_load(CONFORMANCE.read_text(encoding="utf-8"))["tests"].get(section) or []
    if not cases:
        return [pytest.param(MISSING, id=f"{section}-section-missing")]
    return [
        pytest.param(case, id=f"{index:02d} {case['description']}")
        for index, case in enumerate(cases)
    ]


def _check_conformance(case: Any) -> None:
    if case == MISSING:
        pytest.fail(
            f"twitter-text conformance data not found or empty: {CONFORMANCE} "
            "(it is vendored in tests/data/twitter-text/)"
        )
    expected = case["expected"]
    actual = {
        "weightedLength": x_weighted_length(case["text"]),
        "valid": x_is_valid(case["text"]),
    }
    assert actual == {"weightedLength": expected["weightedLength"], "valid": expected["valid"]}


@pytest.mark.parametrize("case", _conformance_cases("WeightedTweetsWithDiscountedEmojiCounterTest"))
def test_twitter_text_v3_conformance(case: Any) -> None:
    """Every twitter-text v3 case (weighted, URLs 23, emoji 2) gives its length and validity."""
    _check_conformance(case)


@pytest.mark.parametrize("case", _conformance_cases("UnicodeDirectionalMarkerCounterTest"))
def test_twitter_text_directional_marker_conformance(case: Any) -> None:
    """U+FFFE/U+FFFF make a post invalid; directional marks around a URL do not."""
    _check_conformance(case)


# --- X ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Batik tulis", 11),
        ("日本語", 6),
        ("Ünïcödé Latin, Кириллица, עברית, العربية", 40),
        ("“quotes” – dash … ellipsis", 27),  # … (U+2026) is outside the weight-1 ranges
        ("e\u0301", 1),  # NFC first: e + combining acute is one é
        ("😷", 2),
        ("👨‍👩‍👧‍👦", 2),
        ("🙋🏽", 2),
        ("🇮🇩", 2),
        ("🏴󠁧󠁢󠁳󠁣󠁴󠁿", 2),
        ("1️⃣", 2),
        ("#⃣", 2),
        ("©", 1),  # © defaults to text: an emoji only with U+FE0F
        ("©️", 2),
        ("❤️", 2),
        ("⌚︎", 4),  # U+FE0E asks for text: watch (2) and the selector (2)
        ("🌈\ufe0f", 4),  # 🌈 has no text form; the stray U+FE0F counts on its own
    ],
)
def test_x_weighted_length_weighs_characters_and_emoji(text: str, expected: int) -> None:
    """Latin, Cyrillic, Hebrew, Arabic and most punctuation count 1; CJK and emoji 2."""
    assert x_weighted_length(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://batikcikarang.example.com/koleksi/2027?warna=biru", X_URL_LENGTH),
        ("HTTPS://EXAMPLE.COM", X_URL_LENGTH),
        ("example.com", X_URL_LENGTH),
        ("Pesan di www.batik.co.id!", 9 + X_URL_LENGTH + 1),
        ("t.co/abc", X_URL_LENGTH),
        ("https://t.co/abc/more", X_URL_LENGTH + 5),  # a t.co link ends after its slug
        ("example.com/Primer_(film)", X_URL_LENGTH),
        # twitter-text's pattern ends a path segment in parentheses only if they stand alone
        ("example.com/a,(x)", X_URL_LENGTH + 4),
        ("ftp://example.com", 17),  # not a linked scheme, and "/example.com" is not bare
        ("sari@batik.com", 14),  # an e-mail address is not a link
        ("example.notatld", 15),
        ("a" * 64 + ".com", 68),  # a DNS label has at most 63 characters
        ("http://☃.net/", X_URL_LENGTH),
        ("a.b\nexample.com", 4 + X_URL_LENGTH),
    ],
)
def test_x_weighted_length_counts_every_url_as_23(text: str, expected: int) -> None:
    """Links count 23 whatever their length, with or without a scheme, if the domain is real."""
    assert x_weighted_length(text) == expected


def test_x_weighted_length_counts_each_url_separately() -> None:
    """Two links and the text between them: 23 + 6 + 23."""
    assert x_weighted_length("https://a.example.com/1 atau https://b.example.com/2") == 52


def test_x_is_valid_accepts_exactly_280() -> None:
    """280 weighted characters is the limit, 281 is over it."""
    assert (x_is_valid("a" * X_MAX_WEIGHTED_LENGTH), x_is_valid("a" * 281)) == (True, False)
    assert (x_is_valid("日" * 140), x_is_valid("日" * 141)) == (True, False)


@pytest.mark.parametrize("text", ["", " ", "\n\t "])
def test_x_is_valid_rejects_blank_posts(text: str) -> None:
    """An empty or blank post is not a post (twitter-text's Java parser trims first)."""
    assert x_is_valid(text) is False


@pytest.mark.parametrize("char", ["\ufffe", "\ufeff", "\uffff"])
def test_x_is_valid_rejects_invalid_characters(char: str) -> None:
    """twitter-text 3 rejects the non-characters and the byte-order mark."""
    assert x_is_valid(f"halo{char}") is False


def test_x_is_valid_allows_directional_formatting() -> None:
    """U+202A-U+202E and U+2066-U+2069 are fine in twitter-text 3 (they weigh 2)."""
    assert x_is_valid("\u202aSelamat\u202c \u2067datang\u2069") is True


def test_x_every_pictograph_joins_a_zwj_sequence() -> None:
    """Any pictograph, joined to itself with ZWJ, is one emoji sequence weighing 2.

    Regression guard for the shortcut that skips runs of heavy characters: a pictograph the
    shortcut missed would count 2 + 1 + 2. (© and ® weigh 1 and need U+FE0F to be emoji.)
    """
    pictograph = regex.compile(r"\p{Extended_Pictographic}")
    missed = [
        f"U+{code:04X}"
        for code in range(0x2000, 0x110000)
        if pictograph.match(chr(code)) and x_weighted_length(f"{chr(code)}\u200d{chr(code)}") != 2
    ]
    assert missed == []
    assert x_weighted_length("©\ufe0f\u200d®\ufe0f") == 2


# --- the other units ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Merdeka", 7),
        ("🇮🇩 Merdeka", 9),
        ("👨‍👩‍👧‍👦", 1),
        ("e\u0301", 1),
        ("\r\n", 1),
        ("한국어", 3),
        ("\u1100\u1161\u11a8", 1),  # Hangul jamo L V T make one syllable
        ("क्षत्रिय", 3),  # Devanagari conjuncts
    ],
)
def test_grapheme_length_counts_what_readers_see(text: str, expected: int) -> None:
    """Extended grapheme clusters: a flag, a family or an accented letter is one."""
    assert grapheme_length(text) == expected


@pytest.mark.parametrize("joiner", ["\u0301", "\u200d", "\U0001f3fd", "\ufe0f", "\u3099"])
def test_grapheme_length_fast_path_agrees_for_every_bmp_character(joiner: str) -> None:
    """Each BMP character followed by a joining mark counts as Unicode segmentation says.

    Regression guard for the shortcut that treats printable Latin, CJK and kana as
    clusters of their own without segmenting them.
    """
    text = "".join(chr(code) + joiner for code in range(0x20, 0x10000) if code not in (0x0D,))
    assert grapheme_length(text) == len(regex.findall(r"\X", text))


def test_grapheme_length_fast_path_agrees_with_prepended_characters() -> None:
    """An Arabic number sign (Prepend) joins the character after it, even a Latin one."""
    text = "".join("\u0600" + chr(code) for code in range(0x20, 0x3000))
    assert grapheme_length(text) == len(regex.findall(r"\X", text))


def _ends_by_segmenting(text: str) -> list[int]:
    """The reference: Unicode segmentation of the whole text."""
    return [match.end() for match in regex.finditer(r"\X", text)]


@pytest.mark.parametrize("joiner", ["\u0301", "\u200d", "\U0001f3fd", "\ufe0f", "\u3099", ""])
def test_grapheme_ends_agree_for_every_bmp_character(joiner: str) -> None:
    """The chunked segmentation gives the whole text's cluster ends, as grapheme_length's
    count does, around every BMP character (CR and LF included)."""
    text = "".join(chr(code) + joiner for code in range(0x0, 0x10000))
    assert grapheme_ends(text) == _ends_by_segmenting(text)
    assert grapheme_ends("".join("\u0600" + chr(code) for code in range(0x20, 0x3000))) == (
        _ends_by_segmenting("".join("\u0600" + chr(code) for code in range(0x20, 0x3000)))
    )


@settings(max_examples=300)
@given(
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
                    "\r",
                    "\n",
                    "\u0600",
                    "\u200d",
                    "\ufe0f",
                    "각",
                    "\u1100",
                    "\u1161",
                    "\u11a8",
                    "ก",
                    "\u0e33",
                    "क्ष",
                ]
            ),
            st.characters(),
        ),
        max_size=60,
    ).map("".join)
)
def test_grapheme_ends_are_the_segmentation_of_the_whole_text(text: str) -> None:
    """Any text: the cluster ends of the whole text, and as many as grapheme_length."""
    assert grapheme_ends(text) == _ends_by_segmenting(text)
    assert len(grapheme_ends(text)) == grapheme_length(text)


@pytest.mark.parametrize(("text", "expected"), [("abc", 3), ("café", 5), ("日本", 6), ("👋", 4)])
def test_utf8_length_counts_bytes(text: str, expected: int) -> None:
    """UTF-8: ASCII 1 byte, é 2, CJK 3, emoji 4."""
    assert utf8_length(text) == expected


def test_char_length_counts_code_points() -> None:
    """A family emoji is 7 code points; an accented letter written decomposed is 2."""
    assert (char_length("👨‍👩‍👧‍👦"), char_length("e\u0301"), char_length("batik")) == (7, 2, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Halo 👋", 9),
        ("❤️", 6),  # U+2764 (3 bytes) and U+FE0F (3 bytes)
        ("🇮🇩", 8),
        ("café", 4),  # not an emoji: one per character
        ("1️⃣", 7),
        ("©", 1),  # text presentation is not an emoji
    ],
)
def test_threads_length_counts_emoji_by_their_bytes(text: str, expected: int) -> None:
    """Meta: "emojis are counted as the number of UTF-8 bytes"."""
    assert threads_length(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Halo @sari", 10),
        ("Halo @sari@batik.social", 10),  # the domain of a mention is free
        ("Halo @Sari_B@mastodon.example.org!", 13),
        ("tulis ke sari@batik.com", 23),  # an e-mail address is not a mention
        ("https://batikcikarang.example.com/koleksi/2027", MASTODON_URL_LENGTH),
        ("lihat batik.example.com", 23),  # without a scheme Mastodon does not shorten
        ("gemini://batik.example.com/katalog", MASTODON_URL_LENGTH),
        ("https://id.wikipedia.org/wiki/Batik_(kain)", MASTODON_URL_LENGTH),
        ("https://ja.wikipedia.org/wiki/日本", MASTODON_URL_LENGTH),  # any letter in a path
        ("Baca https://batik.example.com/katalog.", 5 + MASTODON_URL_LENGTH + 1),
        ("👨‍👩‍👧‍👦 🇮🇩", 3),  # grapheme clusters
    ],
)
def test_mastodon_length_shortens_links_and_mention_domains(text: str, expected: int) -> None:
    """Mastodon: URLs with a scheme count 23, @user@domain counts as @user, graphemes."""
    assert mastodon_length(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#batik #Cikarang", 2),
        ("#batik, #tulis! #cap.", 3),
        ("#2027", 0),  # no letter
        ("C# dan F#", 0),  # glued to a word
        ("a&#39;b", 0),  # an HTML entity
        ("#batik#tulis", 0),  # run together: neither counts
        ("#️⃣", 0),  # keycap emoji
        ("#바틱 #батик", 2),
        ("＃全角", 1),
    ],
)
def test_hashtag_count(text: str, expected: int) -> None:
    """Hashtags as twitter-text finds them."""
    assert hashtag_count(text) == expected


# --- properties ------------------------------------------------------------------------------

COUNTERS = [
    x_weighted_length,
    grapheme_length,
    utf8_length,
    char_length,
    threads_length,
    mastodon_length,
    hashtag_count,
]
# Arbitrary code points including lone surrogates, and pieces that exercise the URL, mention,
# emoji and hashtag paths far more often than random characters would.
ANY_CHAR = st.characters(blacklist_categories=())
PIECES = st.sampled_from(
    [
        " ",
        "\n",
        ".",
        "/",
        "@",
        "#",
        "https://",
        "example.com",
        "www.",
        ".co.id",
        "t.co/",
        "?q=1",
        "(x)",
        "@sari@batik.social",
        "\u200d",
        "\ufe0f",
        "\u20e3",
        "🇮",
        "🏽",
        "👨",
        "é",
        "e\u0301",
        "日本",
        "\u0600",
        "©",
    ]
)
TEXTS = st.lists(st.one_of(ANY_CHAR, PIECES), max_size=30).map("".join)


@pytest.mark.parametrize("counter", COUNTERS, ids=lambda counter: counter.__name__)
@given(text=TEXTS)
def test_counters_accept_any_text(counter: Any, text: str) -> None:
    """Every counter returns a whole number >= 0 for any text, lone surrogates included."""
    length = counter(text)
    assert isinstance(length, int)
    assert length >= 0


@pytest.mark.parametrize(
    "counter",
    [x_weighted_length, grapheme_length, utf8_length, char_length, threads_length, mastodon_length],
    ids=lambda counter: counter.__name__,
)
@given(first=TEXTS, second=TEXTS)
def test_lengths_add_up_across_a_line_break(counter: Any, first: str, second: str) -> None:
    """No URL, mention, emoji or cluster spans a line break, so lengths add up around one.

    The second part is measured with its line break in front: at the very start of a text,
    twitter-text links ``Àexample.com`` as ``À`` + ``example.com``, after a break as one
    link (the independent twitter-text-parser port agrees), so the break is part of its
    context. (Appending text in general can shorten an X post: ``example.c`` + ``om``.)
    """
    assume(not first.endswith("\r"))  # CR LF is one cluster
    joined = counter(f"{first}\n{second}")
    assert joined == counter(first) + counter(f"\n{second}")


@pytest.mark.parametrize(
    "counter", [grapheme_length, utf8_length, char_length], ids=lambda counter: counter.__name__
)
@given(first=TEXTS, second=TEXTS)
def test_appending_never_shortens(counter: Any, first: str, second: str) -> None:
    """More text is never fewer clusters, bytes or code points."""
    assert counter(first + second) >= counter(first)


@given(text=TEXTS)
def test_grapheme_length_agrees_with_unicode_segmentation(text: str) -> None:
    """The fast path gives the same count as segmenting everything with ``\\X``."""
    assert grapheme_length(text) == len(regex.findall(r"\X", text))


@given(text=st.text(alphabet=st.characters(max_codepoint=0x7F, blacklist_characters=".")))
def test_x_ascii_without_a_dot_counts_characters(text: str) -> None:
    """Without a dot there is no link, and every ASCII character weighs 1."""
    assert x_weighted_length(text) == len(text)


# --- the URL patterns compiled for the TLDs in use ---------------------------------------------
# counting compiles twitter-text's URL pattern with only the TLDs that follow a dot in the
# text instead of all 1,574 (~50 ms a process). These properties compare it with the full
# pattern, on text built around real TLDs in any case, Unicode ones and look-alikes included.
_SOME_TLDS = sorted(counting._TLDS)
_TLD_PIECES = st.builds(
    lambda tld, upper: "".join(
        char.upper() if flag else char for char, flag in zip(tld, upper, strict=False)
    ),
    st.sampled_from(_SOME_TLDS),
    st.lists(st.booleans(), min_size=20, max_size=20),
)
_URL_PIECES = st.sampled_from(
    [
        ".",
        "..",
        "/",
        ":",
        "://",
        "https://",
        "http://",
        "ipfs://",
        "xn--",
        "www",
        "-",
        "_",
        "@",
        "+",
        "?",
        "#",
        "(",
        ")",
        "=",
        "é",
        "ö",
        "İ",
        "\u212a",
        "ß",
        "Σ",
        "ς",
        "\u0131",
        " ",
        "\n",
        "8080",
        "t.co/",
        "example",
        "co.id",
        "\u3002",
        "日本",
        "рф",
        "ελ",
    ]
)
_DOMAINS = st.builds(
    lambda label, tld: f"{label}.{tld}",
    st.sampled_from(["example", "a", "b.example", "batik-kita", "xn--p1ai", "日本", "é", ""]),
    _TLD_PIECES,
)
URL_TEXTS = st.lists(
    st.one_of(_DOMAINS, _TLD_PIECES, _URL_PIECES, _DOMAINS, ANY_CHAR), max_size=25
).map("".join)


@functools.cache
def _full_url_pattern(syntax: Any) -> re.Pattern[str]:
    return re.compile(counting._url_regex(syntax, counting._tld(counting._TLDS)))


@functools.cache
def _full_ascii_domain() -> re.Pattern[str]:
    return re.compile(counting._ascii_domain_regex(counting._tld(counting._TLDS)))


def _full_url_spans(text: str, syntax: Any, *, bare: bool) -> list[tuple[int, int]]:
    """`_url_spans` as it was: the full TLD list in both patterns."""
    full = _full_url_pattern(syntax)
    full_ascii = _full_ascii_domain()
    with mock.patch.object(counting, "_ascii_domain", return_value=full_ascii):
        return [
            span
            for start, end in counting._url_regions(text)
            for match in full.finditer(text, start, end)
            for span in counting._url_span(match, bare=bare)
        ]


def _fewest_tlds_url_spans(text: str, syntax: Any, *, bare: bool) -> list[tuple[int, int]]:
    """`_url_spans` with patterns for exactly the TLDs after the text's dots, no more."""

    def ascii_domain(domain: str) -> Any:
        tlds = counting._tlds_after_dots(domain, 0, len(domain))
        return re.compile(counting._ascii_domain_regex(counting._tld(tlds)))

    spans = []
    with mock.patch.object(counting, "_ascii_domain", ascii_domain):
        for start, end in counting._url_regions(text):
            tlds = counting._tlds_after_dots(text, start, end)
            pattern = re.compile(counting._url_regex(syntax, counting._tld(tlds)))
            for match in pattern.finditer(text, start, end):
                spans.extend(counting._url_span(match, bare=bare))
    return spans


@pytest.mark.parametrize(
    ("syntax", "bare"),
    [(counting._X_URLS, True), (counting._MASTODON_URLS, False)],
    ids=["x", "mastodon"],
)
@settings(deadline=None)  # the first example compiles the full pattern (~50 ms, more when busy)
@given(text=URL_TEXTS)
def test_url_pattern_for_the_tlds_in_use_finds_what_the_full_one_does(
    syntax: Any, bare: bool, text: str
) -> None:
    """The same URLs, at the same places, with the fewest TLDs and as the module runs it."""
    expected = _full_url_spans(text, syntax, bare=bare)
    assert _fewest_tlds_url_spans(text, syntax, bare=bare) == expected
    assert list(counting._url_spans(text, syntax, bare=bare)) == expected


@settings(deadline=None)
@given(text=URL_TEXTS)
def test_ascii_domain_for_the_tlds_in_use_finds_what_the_full_one_does(text: str) -> None:
    full = _full_ascii_domain()
    tlds = counting._tlds_after_dots(text, 0, len(text))
    fewest = re.compile(counting._ascii_domain_regex(counting._tld(tlds)))
    assert [m.span() for m in fewest.finditer(text)] == [m.span() for m in full.finditer(text)]
    assert [m.span() for m in counting._ascii_domain(text).finditer(text)] == [
        m.span() for m in full.finditer(text)
    ]


def test_no_character_stands_for_two_tld_letters() -> None:
    """The case fold behind `_tlds_after_dots` maps each character to one TLD letter."""
    letters: dict[str, set[str]] = {}
    for char in {char for tld in counting._TLDS for char in tld}:
        for variant in counting._case_variants(char):
            letters.setdefault(variant, set()).add(char)
    assert {variant: chars for variant, chars in letters.items() if len(chars) > 1} == {}


def test_a_text_without_tlds_never_matches_a_url() -> None:
    """With no TLD after any dot, the pattern still finds punycode domains, nothing else."""
    pattern = re.compile(counting._url_regex(counting._X_URLS, counting._tld(())))
    assert pattern.search("see example.notatld and example.c") is None
    assert pattern.search("see example.xn--p1ai") is not None


@given(text=TEXTS)
def test_hashtag_count_is_the_tags_with_a_letter(text: str) -> None:
    """The ASCII shortcut counts what the Unicode letter search alone counts."""
    expected = sum(
        1 for match in counting._HASHTAG.finditer(text) if counting._LETTER.search(match["tag"])
    )
    assert hashtag_count(text) == expected
