"""Find posts whose copy is the same, or nearly the same, as another post's.

The "different platform, different content" rule needs two answers about a plan's posts:

* :func:`exact_groups` -- posts whose copy is identical once :func:`normalize` has removed
  what does not make copy different (case, links, @mentions, #hashtags, emoji, punctuation);
* :func:`near_duplicate_pairs` -- pairs that are not identical after normalisation but whose
  :func:`similarity` reaches a threshold (typos, swapped words, a sentence moved, "Link in
  bio!" added).

The two never overlap: a pair whose normalised copy is identical is only in an exact group.
:func:`find_duplicates` returns both from one pass over the posts.

The near-duplicate search does not compare all pairs. It sketches every post with
one-permutation MinHash over word pairs, buckets the sketches by LSH bands and scores only
pairs that share a bucket. Lines that many posts share (a shop's greeting and sign-off) only
fill the sketch where a post has nothing of its own, pairs from crowded buckets need a
second band to agree and over-full buckets are skipped, so the work grows linearly with the
number of posts. ``docs/similarity.md`` explains the choices and gives the measured
precision, recall and speed.
"""

from __future__ import annotations

import array
import contextlib
import functools
import hashlib
import itertools
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
from rapidfuzz import fuzz

from contentcal.collector import collector_paused
from contentcal.errors import ContentcalError

if TYPE_CHECKING:
    import concurrent.futures

__all__ = [
    "DEFAULT_THRESHOLD",
    "Doc",
    "Duplicates",
    "Match",
    "SearchCache",
    "SimilarityError",
    "exact_groups",
    "find_duplicates",
    "near_duplicate_pairs",
    "normalize",
    "similarity",
]

DEFAULT_THRESHOLD: Final = 0.84
"""Similarity from which two posts are near-duplicates; tuned on the labelled corpus."""

# Scores within rounding of the threshold are computed exactly, so that a reported match and
# `similarity` agree to the last of the three decimals.
_ROUNDING: Final = 0.0005


class SimilarityError(ContentcalError, ValueError):
    """Input a search cannot work with: duplicate keys, a threshold or worker count out of range."""


@attrs.frozen
class Doc:
    """One post to compare."""

    key: str
    """The caller's unique id for the post, e.g. a plan item id; results name posts by it."""

    group: str
    """Where the post goes, normally the platform; the cross-platform rule compares groups."""

    text: str
    """The copy exactly as written; normalisation happens inside the search."""


@attrs.frozen
class Match:
    """Two posts whose copy is nearly the same."""

    a: str
    """Key of one post; always sorts before `b`."""

    b: str
    """Key of the other post."""

    similarity: float
    """How alike the two copies are, from 0 to 1, rounded to 3 decimals (see `similarity`)."""


@attrs.frozen
class Duplicates:
    """Everything :func:`find_duplicates` found."""

    exact: list[list[str]]
    """Keys of posts with identical normalised copy, as :func:`exact_groups` returns them."""

    near: list[Match]
    """Near-duplicate pairs, as :func:`near_duplicate_pairs` returns them."""


ALGORITHM: Final = "2026-12-03"
"""Names this version of normalising, sketching and scoring; a cache made by another is unused.

Change it whenever a change to this module can change a sketch or a score.
"""


@attrs.define
class SearchCache:
    """What a duplicate search computed, keyed by content hash, for the next search to reuse.

    Pass one to :func:`find_duplicates` as `cache`: it reads what the entries already hold
    and, when it returns, holds the entries of this search only (so entries of copy that is
    gone are dropped). The findings are the same with or without a cache, and with any
    entries in it: a sketch is reused only for the same normalised text and the same
    boilerplate, a score only for the same two cleaned texts in the same order and the same
    threshold. ``contentcal.checking.search_cache`` reads and writes it as a file.
    """

    boilerplate: bytes = b""
    """Digest of the boilerplate the sketches were made with; other boilerplate: unused."""

    threshold: float = 0.0
    """The threshold the scores were computed for; another threshold: scores unused."""

    sketches: dict[bytes, bytes] = attrs.field(factory=dict)
    """16-byte digest of a normalised text -> its ``_BINS`` bin values (``array('Q')`` bytes)."""

    scores: dict[bytes, int] = attrs.field(factory=dict)
    """Digests of two cleaned texts, in scoring order -> the rounded score times 1,000."""


# --- normalisation ---------------------------------------------------------------------------
#
# Normalising 100,000 posts one by one costs seconds of interpreter overhead. Instead each post
# is only stripped of emoji and other symbols on its own; then all posts are joined into one
# string, separated by a record separator, and every later step is a single C-level pass over
# that string: lower(), str.replace, two literal-first regular expressions and a byte table.

_RECORD: Final = "\x1e"
_RECORD_JOIN: Final = "\n\x1e\n"  # the line breaks stop \S+ and \w+ at the record boundary

_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")

# Literal-first alternatives, so the engine skips ahead to 'h', 'w', '#' or '@'.
_LINKS_AND_TAGS: Final = re.compile(r"https?://\S+|www\.\S+|#\w+|@\w+(?:[.-]\w+)*")

# A dot and a top-level domain mark a bare domain ("kopisenja.id/menu", "bit.ly/x").
_TLD_HIT: Final = re.compile(
    r"\.(?:com|net|org|id|co|io|me|ly|gl|ee|gg|to|my|sg|shop|store|app|link|site|online|info"
    r"|biz|coffee|studio)\b"
)

# ASCII letters and digits stay; '!', '?' and line breaks end a sentence; every other ASCII
# byte becomes a space. Bytes >= 0x80 belong to UTF-8 sequences of kept letters and pass.
_ASCII_TABLE: Final = bytes(
    byte
    if byte >= 0x80 or byte in b"\n\x1e" or chr(byte).isalnum()
    else 0x0A
    if byte in b"!?"
    else 0x20
    for byte in range(256)
)

# Keycap emoji ("1\ufe0f\u20e3") and emoji presentation selectors are marks, but not words.
_EMOJI_MARKS: Final = frozenset([*map(chr, range(0xFE00, 0xFE10)), "\u20e3"])

_KEEP: Final = 0
_SPACE: Final = 1
_DELETE: Final = 2


@functools.cache
def _symbol_action(char: str) -> int:
    """What to do with a non-ASCII character before NFKC."""
    category = unicodedata.category(char)
    if category == "Cf":
        # Zero-width joiners, soft hyphens, emoji tags: deleted before NFKC, so nothing
        # removed later can leave two characters that would compose.
        return _DELETE
    if char in _EMOJI_MARKS:
        return _SPACE
    if category[0] in "LNM" or unicodedata.normalize("NFKC", char) != char:
        # Letters, and symbols NFKC rewrites ('！' -> '!', '…' -> '...'), wait for NFKC.
        return _KEEP
    return _SPACE


@functools.cache
def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM" and char not in _EMOJI_MARKS


def _fold(text: str) -> str:
    """Strip symbols and format characters; casefold and NFKC what is left if not ASCII."""
    if _RECORD in text:
        text = text.replace(_RECORD, " ")
    if text.isascii():
        return text
    for char in set(_NON_ASCII.findall(text)):
        action = _symbol_action(char)
        if action != _KEEP:
            text = text.replace(char, " " if action == _SPACE else "")
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    for char in set(_NON_ASCII.findall(text)):
        if not _is_word_char(char):
            text = text.replace(char, " ")
    return text


def _address_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the whitespace-separated tokens that hold an e-mail address or a bare domain.

    Finds the rare literal hits ('.id', '@' right after a letter or digit) and widens each
    to its token, instead of running an address pattern at every position.
    """
    hits = [match.start() for match in _TLD_HIT.finditer(text)]
    at = text.find("@", 1)
    while at != -1:
        if text[at - 1].isalnum():
            hits.append(at)
        at = text.find("@", at + 1)
    spans: list[tuple[int, int]] = []
    for hit in sorted(hits):
        if spans and hit < spans[-1][1]:
            continue
        line_start = text.rfind("\n", 0, hit) + 1
        start = max(line_start, text.rfind(" ", line_start, hit) + 1)
        ends = [end for end in (text.find(" ", hit), text.find("\n", hit)) if end != -1]
        spans.append((start, min(ends, default=len(text))))
    return spans


def _clean_joined(text: str) -> str:
    """Remove addresses, links, tags and ASCII punctuation from a lowercased joined text."""
    text = text.replace("\t", " ").replace(". ", "\n")
    spans = _address_spans(text)
    if spans:
        starts = [start for start, _ in spans] + [len(text)]
        ends = [0] + [end for _, end in spans]
        text = " ".join([text[end:start] for end, start in zip(ends, starts, strict=True)])
    text = _LINKS_AND_TAGS.sub(" ", text)
    return text.encode().translate(_ASCII_TABLE).decode()


def _clean(texts: Sequence[str]) -> list[str]:
    """Each text reduced to words, spaces and sentence breaks ('\\n'), in input order.

    ``" ".join(cleaned.split())`` is the normalised text; its lines are the sentences.
    """
    folded = list(map(_fold, texts))
    # Posts that are ASCII after folding (nearly all) are joined on their own, because a
    # single non-ASCII character makes Python store the whole joined string four times wider.
    plain = [index for index, text in enumerate(folded) if text.isascii()]
    wide = [index for index, text in enumerate(folded) if not text.isascii()]
    cleaned = [""] * len(folded)
    for indices, lower in ((plain, True), (wide, False)):
        if not indices:
            continue
        joined = _RECORD_JOIN.join([folded[index] for index in indices])
        # Wide texts are casefolded already; lower() would undo casefold for a few scripts.
        parts = _clean_joined(joined.lower() if lower else joined).split(_RECORD)
        for index, part in zip(indices, parts, strict=True):
            cleaned[index] = part
    return cleaned


def _sentences(cleaned: str) -> list[str]:
    return [" ".join(words) for line in cleaned.split("\n") if (words := line.split())]


def normalize(text: str) -> str:
    """Return `text` reduced to what makes copy different, for comparison only.

    Casefolds, applies Unicode NFKC, removes URLs, bare domains, e-mail addresses, @mentions,
    #hashtags, emoji and punctuation, and collapses whitespace to single spaces. Letters,
    digits and combining marks of every script stay. ``normalize(normalize(t))`` is
    ``normalize(t)``.
    """
    return " ".join(_clean([text])[0].split())


# --- scoring ---------------------------------------------------------------------------------

_CHANCE: Final = 0.5
"""Edit-distance ratio two unrelated posts in one language reach by chance; scored as 0."""


@attrs.frozen
class _Copy:
    """A post's copy as the scorer sees it."""

    sentences: tuple[str, ...]
    """Normalised sentences in order."""

    normalized: str
    """The sentences joined with spaces, which is ``normalize(text)``."""

    length: int = 0
    """Characters in all sentences (spaces between them not counted)."""

    distinct: frozenset[str] | None = None
    """The sentences as a set, when no sentence occurs twice; else None."""

    @classmethod
    def from_cleaned(cls, cleaned: str) -> _Copy:
        sentences = tuple(_sentences(cleaned))
        distinct = frozenset(sentences)
        return cls(
            sentences,
            " ".join(sentences),
            sum(map(len, sentences)),
            distinct if len(distinct) == len(sentences) else None,
        )


def _ratio(left: str, right: str, cutoff: float = 0.0) -> float:
    """Edit-distance similarity, 0..1; 0 if below `cutoff`."""
    total = len(left) + len(right)
    if 2 * min(len(left), len(right)) < cutoff * total:
        return 0.0  # no edit-distance ratio can reach the cutoff with lengths this different
    # ratio scores edits in place; token_sort_ratio forgives words that moved.
    return (
        max(
            fuzz.ratio(left, right, score_cutoff=cutoff * 100),
            fuzz.token_sort_ratio(left, right, score_cutoff=cutoff * 100),
        )
        / 100
    )


def _beyond_chance(ratio: float) -> float:
    """Map a ratio to 0 at what unrelated text reaches by chance and 1 at identical."""
    return max(0.0, (ratio - _CHANCE) / (1 - _CHANCE))


_PAIRING_MARGIN: Final = 0.2
"""Pair sentences only if the joined comparison is at most this far below the cutoff.

Pairing (every differing sentence against every other) is most of the search's time, and
almost every candidate the blocking proposes fails the joined comparison by far. Pairing
adds to the joined score what moved or split sentences cost it; on the labelled corpus and
on generated plans of up to 100,000 posts no pair whose joined score is more than 0.2 below
the threshold reaches it by pairing (docs/performance.md). `similarity` (cutoff 0) always
pairs, so its score is exact.
"""


def _score(left: _Copy, right: _Copy, cutoff: float = 0.0) -> float:
    """Similarity of two copies; a result below `cutoff` may be an underestimate.

    Sentences both copies contain verbatim count as the same. The sentences that differ count
    by how alike they are beyond chance, seen two ways, of which the better counts: paired
    (each edited sentence with its closest counterpart, so an added "Link in bio!" costs only
    its own length) and joined (all of them as one text, so a sentence split differently is
    not punished). A shared greeting and sign-off around two different messages thus count
    only for their share of the copy, while a typo costs only what it changes.
    """
    if left.normalized == right.normalized:
        return 1.0
    total = left.length + right.length
    if left.distinct is not None and right.distinct is not None:
        # No sentence twice on either side (nearly all candidates): what the multiset
        # arithmetic below gives, in the same order, without building three Counters.
        shared_set = left.distinct & right.distinct
        if shared_set:
            same = 2 * sum(map(len, shared_set))
            left_rest = [sentence for sentence in left.sentences if sentence not in shared_set]
            right_rest = [sentence for sentence in right.sentences if sentence not in shared_set]
        else:
            same = 0
            left_rest, right_rest = list(left.sentences), list(right.sentences)
    else:
        left_counts, right_counts = Counter(left.sentences), Counter(right.sentences)
        shared = left_counts & right_counts
        same = 2 * sum(len(sentence) * count for sentence, count in shared.items())
        left_rest = list((left_counts - shared).elements())
        right_rest = list((right_counts - shared).elements())
    if not left_rest or not right_rest:
        return same / total  # one copy is the other plus whole sentences, or reordered
    rest = total - same
    # The rest must reach this share of "alike" for the whole to come within _PAIRING_MARGIN
    # of the cutoff; below it the joined score is 0, and pairing is not tried.
    hopeful = max(0.0, ((cutoff - _PAIRING_MARGIN) * total - same) / rest)
    joined = _beyond_chance(
        _ratio(" ".join(left_rest), " ".join(right_rest), _CHANCE + (1 - _CHANCE) * hopeful)
    )
    best = same + rest * joined
    # A zero from a cutoff above chance means the joined text is more than the margin short:
    # pairing its sentences would not reach the cutoff either (measured, see _PAIRING_MARGIN).
    if (len(left_rest) > 1 or len(right_rest) > 1) and (joined > 0.0 or hopeful == 0.0):
        pairs = sorted(
            (
                (_ratio(a, b, _CHANCE), i, j)
                for i, a in enumerate(left_rest)
                for j, b in enumerate(right_rest)
            ),
            reverse=True,
        )
        paired: float = same
        left_used: set[int] = set()
        right_used: set[int] = set()
        for ratio, i, j in pairs:
            if ratio <= _CHANCE:
                break
            if i not in left_used and j not in right_used:
                left_used.add(i)
                right_used.add(j)
                paired += (len(left_rest[i]) + len(right_rest[j])) * _beyond_chance(ratio)
        best = max(best, paired)
    return best / total


def similarity(left: str, right: str) -> float:
    """How alike two posts' copy is, from 0 (unrelated) to 1 (identical after `normalize`).

    Sentences both posts contain word for word count fully; the rest counts by its
    edit-distance similarity beyond what unrelated text reaches by chance. Rounded to 3
    decimals; this is the score :func:`near_duplicate_pairs` compares with its threshold.
    """
    left_cleaned, right_cleaned = _clean([left, right])
    return round(_score(_Copy.from_cleaned(left_cleaned), _Copy.from_cleaned(right_cleaned)), 3)


# --- search ----------------------------------------------------------------------------------

_BIN_MASK: Final = 0xF
_BINS: Final = _BIN_MASK + 1
_ALL_BINS: Final = frozenset(range(_BINS))
_BANDS: Final = _BINS // 2
_BOILERPLATE_POSTS: Final = 16
"""A line in more distinct posts than this is boilerplate, sketched only where nothing else is."""
_FEW_PAIRS: Final = 2 * _BINS
"""A post with fewer word pairs of its own than this is sketched by its words too."""
_WORD_TIER: Final = 1 << 32
"""Set on a word's hash (all hashes are below 2**32), so that word pairs sort first."""
_BOILERPLATE_TIER: Final = 1 << 33
"""Set on a boilerplate shingle's hash, so it sorts after everything of the post's own."""
_SMALL_BUCKET: Final = 4
"""Pairs from a bucket of more posts than this must meet in a second band as well."""
_BUCKET_CAP: Final = 64
"""A bucket with more posts than this shares only common phrases and is not paired."""
_MIN_SHARED_BINS: Final = 5
"""Bins two sketches must agree in before their posts are scored.

The blocking proposes about 36 candidates per accepted pair on templated copy; most share
one band (two bins) of boilerplate and little else. Pairs that reach the threshold agree in
6 to 16 bins on generated plans of 100,000 posts and in 5 to 16 on the labelled corpus;
rejected candidates mostly in 2 to 5 (docs/similarity.md). Scoring is the search's costliest
step, so this check (a few operations on two 1,024-bit integers, ``_differing_bins``) comes
first.
"""
_SLICES: Final = 16
"""How many slices the work is cut into when it runs on a process pool."""


def _probe_order(bin_: int) -> tuple[int, ...]:
    others = set(range(_BINS)) - {bin_}
    # Multiplying by an odd 64-bit constant (the golden ratio) scatters the order.
    return tuple(sorted(others, key=lambda other: (bin_ * 64 + other) * 0x9E3779B97F4A7C15 % 2**64))


# For each bin, the order in which an empty bin borrows another bin's value ("optimal
# densification"). A fixed pseudo-random order, rather than "the next bin", keeps the two
# bins of one band from copying the same value and turning a band into a single shingle.
_PROBES: Final = tuple(map(_probe_order, range(_BINS)))


class _WordHashes(dict[str, int]):
    """Word -> stable 32-bit hash; Python's own ``hash(str)`` is salted per process."""

    def __missing__(self, word: str) -> int:
        value = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
        self[word] = value
        return value


def _shingles(
    words: list[str], word_hashes: _WordHashes, boilerplate: frozenset[int] = frozenset()
) -> set[int]:
    """Hashes of each pair of neighbouring words and, for posts with little of their own, words.

    A pair is ``a ^ b`` of its words' hashes: one C-level operation per word, and it does not
    care which of the two words comes first. Words are a tier lower (``_WORD_TIER`` set), so
    they only hold a bin in which the post has no word pair; they give short messages, where
    a typo changes a large share of the pairs, a sketch that survives a typo. Word pairs in
    `boilerplate` are demoted further (``_BOILERPLATE_TIER``) and do not count as the post's;
    words in it are left out.
    """
    singles = list(map(word_hashes.__getitem__, words))
    shingles = set(map(operator.xor, singles, singles[1:]))
    shingles.discard(0)  # a word next to itself; every post with "promo promo" shares it
    # intersection() walks the smaller set, the post's.
    shared = shingles.intersection(boilerplate)
    if len(shingles) - len(shared) < _FEW_PAIRS:
        # Only the post's own words: boilerplate words add nothing its demoted pairs lack.
        tiered = set(map(operator.or_, singles, itertools.repeat(_WORD_TIER)))
        shingles.update(tiered.difference(boilerplate))
    if shared:
        shingles.difference_update(shared)
        shingles.update(map(operator.or_, shared, itertools.repeat(_BOILERPLATE_TIER)))
    return shingles


def _bin_values(shingles: set[int]) -> list[int]:
    """The ``_BINS`` values of a one-permutation MinHash sketch.

    The low bits of a shingle's hash pick its bin, the smallest hash in a bin is the bin's
    value, and an empty bin borrows a filled bin's value. Everything per shingle runs in C
    (sorted, map, zip, dict); Python only loops over empty bins. Bins ``2k`` and ``2k + 1``
    make LSH band ``k`` (see ``_band_column``).
    """
    descending = sorted(shingles, reverse=True)
    # dict() keeps the last value per bin, which is the smallest.
    minima = dict(
        zip(map(operator.and_, descending, itertools.repeat(_BIN_MASK)), descending, strict=True)
    )
    if len(minima) < _BINS:
        filled = minima.copy()
        for bin_ in _ALL_BINS.difference(filled):
            minima[bin_] = filled[next(filter(filled.__contains__, _PROBES[bin_]))]
    return list(map(minima.__getitem__, range(_BINS)))


def _band_column(values: array.array[int], band: int) -> list[int]:
    """The key of LSH band `band` for every text: its two bins' values side by side; 0: none."""
    # Values are below 2**34 (all tiers), so a shift by 34 keeps a band's two apart.
    return list(
        map(
            operator.or_,
            map(operator.lshift, values[2 * band :: _BINS], itertools.repeat(34)),
            values[2 * band + 1 :: _BINS],
        )
    )


def _boilerplate(cleaned: Iterable[str]) -> frozenset[int]:
    """Shingles of the lines that occur more than ``_BOILERPLATE_POSTS`` times.

    Such lines are a shop's greeting, call to action and sign-off; in the sketches they would
    make every two posts of the shop a candidate. Lines are counted over distinct cleaned
    posts, so exact copies of one post do not turn its message into boilerplate.
    """
    lines = Counter(map(str.strip, "\n".join(set(cleaned)).split("\n")))
    word_hashes = _WordHashes()
    stop: set[int] = set()
    for line, count in lines.items():
        if count > _BOILERPLATE_POSTS and line:
            words = line.split()
            stop.update(_shingles(words, word_hashes))
            # Long lines get no word shingles from _shingles, but a short post quoting one has.
            stop.update(
                map(operator.or_, map(word_hashes.__getitem__, words), itertools.repeat(_WORD_TIER))
            )
    return frozenset(stop)


def _sketch(texts: Sequence[str], boilerplate: frozenset[int]) -> array.array[int]:
    """``_BINS`` MinHash values per normalised text, concatenated; all 0 for a text without words.

    Boilerplate is demoted, not dropped: it only holds a bin in which the post has nothing of
    its own. So a post that is nearly all boilerplate still has a sketch, while posts with
    enough of their own rarely meet in a bucket of their shop's sign-off, and when they do,
    that bucket is crowded and needs a second band to agree (see ``_bucket_pairs``). The
    values are kept in one flat array of 64-bit integers (8 bytes a value, not a Python int
    each), which is what keeps a million sketches small.
    """
    word_hashes = _WordHashes()
    values = array.array("Q")
    empty = [0] * _BINS
    for text in texts:
        shingles = _shingles(text.split(), word_hashes, boilerplate)
        values.extend(_bin_values(shingles) if shingles else empty)
    return values


def _shared_bins(values: array.array[int], left: int, right: int) -> int:
    """How many of the ``_BINS`` MinHash values of texts `left` and `right` are equal."""
    return sum(
        map(
            operator.eq,
            values[left * _BINS : (left + 1) * _BINS],
            values[right * _BINS : (right + 1) * _BINS],
        )
    )


def _bucket_pairs(values: array.array[int]) -> set[tuple[int, int]]:
    """Index pairs (i < j) of texts whose band keys meet in LSH buckets.

    A pair in a small bucket is a candidate. A bucket that many posts share holds common
    phrases, so a pair found only there must meet in a second band too; a bucket larger than
    ``_BUCKET_CAP`` is not paired at all, which bounds the work per bucket. Of those, only
    pairs that agree in at least ``_MIN_SHARED_BINS`` of the sketch's bins are candidates.
    """
    pairs: set[tuple[int, int]] = set()
    # Text -> the crowded buckets it is in, as (band, key); one per band at most.
    crowded: dict[int, list[tuple[int, int]]] = {}
    for band in range(_BANDS):
        column = _band_column(values, band)
        counts = Counter(column)
        shared = {key for key, count in counts.items() if 1 < count <= _BUCKET_CAP}
        shared.discard(0)
        del counts
        if not shared:
            continue
        buckets: dict[int, list[int]] = {}
        for index in itertools.compress(range(len(column)), map(shared.__contains__, column)):
            buckets.setdefault(column[index], []).append(index)
        for key, bucket in buckets.items():
            if len(bucket) <= _SMALL_BUCKET:
                pairs.update(itertools.combinations(bucket, 2))
            else:
                membership = (band, key)
                for index in bucket:
                    crowded.setdefault(index, []).append(membership)
    # Two texts meet in two crowded buckets exactly when they share a pair of buckets:
    # grouping texts by each pair of their buckets finds them without counting every pair
    # of every crowded bucket (millions at 100,000 posts).
    meetings: dict[tuple[tuple[int, int], tuple[int, int]], list[int]] = {}
    for index, memberships in crowded.items():
        if len(memberships) > 1:
            for both in itertools.combinations(memberships, 2):
                meetings.setdefault(both, []).append(index)
    del crowded
    for group in meetings.values():
        if len(group) > 1:
            pairs.update(itertools.combinations(sorted(group), 2))
    del meetings
    signatures = _signatures(values)
    most_different = _BINS - _MIN_SHARED_BINS
    return {
        (left, right)
        for left, right in pairs
        if _differing_bins(signatures[left] ^ signatures[right]) <= most_different
    }


# Each 64-bit lane of a 16-lane integer: all bits but the top one, and the top one.
_LANES: Final = sum(1 << (64 * lane) for lane in range(_BINS))
_LANE_LOW: Final = _LANES * ((1 << 63) - 1)
_LANE_TOP: Final = _LANES << 63


def _signatures(values: array.array[int]) -> list[int]:
    """Each text's ``_BINS`` values as one integer, bin ``k`` in bits ``64k`` to ``64k + 63``."""
    raw = values.tobytes()
    width = _BINS * values.itemsize
    return [
        int.from_bytes(raw[start : start + width], "little") for start in range(0, len(raw), width)
    ]


def _differing_bins(xor: int) -> int:
    """How many 64-bit lanes of `xor` (two signatures XORed) are not zero.

    ``_shared_bins`` is ``_BINS`` minus this, computed with a few operations on one
    1,024-bit integer instead of 16 comparisons in Python: adding ``2**63 - 1`` to a lane's
    low 63 bits carries into its top bit exactly when they are not all zero, and never
    into the next lane.
    """
    return (((xor & _LANE_LOW) + _LANE_LOW | xor) & _LANE_TOP).bit_count()


_T = TypeVar("_T")
_R = TypeVar("_R")


def _map_slices(
    function: Callable[..., _R],
    items: Sequence[_T],
    *args: object,
    pool: concurrent.futures.Executor | None,
) -> list[_R]:
    """``function(slice, *args)`` for slices of `items`, on `pool` if there is one, in order."""
    if pool is None or len(items) < 2:
        return [function(items, *args)]
    # A few slices per worker even out workers that get less CPU on a busy machine.
    size = -(-len(items) // _SLICES)
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    return list(pool.map(function, slices, *(itertools.repeat(arg, len(slices)) for arg in args)))


def _spread(
    function: Callable[..., _R],
    items: Sequence[_T],
    *args: object,
    workers: int,
    pool: concurrent.futures.Executor | None,
) -> list[_R]:
    """``function(slice, *args)`` for slices of `items`, in order: on `workers` forked
    processes that inherit `items` and `args` (nothing pickled but the results) where the
    platform forks, else on `pool` (pickled) if there is one, else here."""
    if workers > 1 and pool is None and len(items) > 1 and _forks():
        return _map_forked(function, items, *args, workers=workers)
    return _map_slices(function, items, *args, pool=pool)


# What forked workers read: a function, its items and its arguments, by a token (searches
# in several threads each have their own). The workers inherit it when they are forked.
_FORKED: dict[int, tuple[Callable[..., Any], Sequence[Any], tuple[Any, ...]]] = {}
_TOKENS: Final = itertools.count()


def _map_forked(
    function: Callable[..., _R], items: Sequence[_T], *args: object, workers: int
) -> list[_R]:
    """``function(slice, *args)`` for slices of `items` on a pool of `workers` processes
    forked for this call, in order."""
    token = next(_TOKENS)
    _FORKED[token] = (function, items, args)
    try:
        with _process_pool(workers) as pool:
            size = -(-len(items) // _SLICES)
            starts = range(0, len(items), size)
            stops = [start + size for start in starts]
            return list(pool.map(_run_forked, itertools.repeat(token, len(starts)), starts, stops))
    finally:
        del _FORKED[token]


def _run_forked(token: int, start: int, stop: int) -> Any:
    """In a forked worker: the function of `token` on its slice ``start:stop``."""
    function, items, args = _FORKED[token]
    return function(items[start:stop], *args)


def _checked(docs: Iterable[Doc]) -> list[Doc]:
    docs = list(docs)
    keys = Counter(doc.key for doc in docs)
    repeated = sorted(key for key, count in keys.items() if count > 1)
    if repeated:
        listed = ", ".join(map(repr, repeated))
        raise SimilarityError(f"document keys must be unique; repeated: {listed}")
    return docs


def _group_by_text(cleaned: Iterable[str]) -> dict[str, list[int]]:
    by_text: dict[str, list[int]] = {}
    for index, text in enumerate(cleaned):
        normalized = " ".join(text.split())
        if normalized:
            by_text.setdefault(normalized, []).append(index)
    return by_text


def find_duplicates(
    docs: Iterable[Doc],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    same_group: bool = False,
    workers: int = 1,
    cache: SearchCache | None = None,
) -> Duplicates:
    """Exact groups and near-duplicate pairs of `docs`, normalising each post once.

    ``exact`` is what :func:`exact_groups` returns and ``near`` what
    :func:`near_duplicate_pairs` returns for the same arguments. With ``workers > 1``,
    normalising and sketching run in that many processes, and so does scoring where new
    processes are forked (Linux); the result is the same, and it pays off from some
    20,000 posts.

    With a `cache` (a :class:`SearchCache`, empty or from an earlier search) only posts whose
    normalised copy is not in it are sketched and only candidate pairs not in it are scored;
    the result is the same as without one, and afterwards `cache` holds this search's work.

    Raises :class:`SimilarityError` if two docs share a key, `threshold` is not in (0, 1] or
    `workers` is less than 1.
    """
    if not 0 < threshold <= 1:
        raise SimilarityError(f"threshold must be in (0, 1], not {threshold!r}")
    if workers < 1:
        raise SimilarityError(f"workers must be at least 1, not {workers!r}")
    docs = _checked(docs)
    # Sets, lists and tuples by the hundred thousand and no reference cycles: without the
    # pause the collector walks the caller's heap (a loaded plan) again and again.
    with collector_paused():
        return _search(docs, threshold, same_group, workers, cache)


def _search(
    docs: list[Doc], threshold: float, same_group: bool, workers: int, cache: SearchCache | None
) -> Duplicates:
    """`find_duplicates` for checked arguments."""
    with contextlib.ExitStack() as stack:
        # Where processes fork, each step forks its own workers, which inherit its input.
        pool = None
        if workers > 1 and not _forks():
            pool = stack.enter_context(_process_pool(workers))
        cleaned = list(
            itertools.chain.from_iterable(
                _spread(_clean, [doc.text for doc in docs], workers=workers, pool=pool)
            )
        )
        by_text = _group_by_text(cleaned)
        boilerplate = _boilerplate(cleaned)
        if cache is None:
            values = array.array("Q")
            for part in _spread(_sketch, list(by_text), boilerplate, workers=workers, pool=pool):
                values.extend(part)
        else:
            values = _cached_sketches(list(by_text), boilerplate, cache, workers, pool)
    exact = sorted(
        sorted(docs[i].key for i in indices) for indices in by_text.values() if len(indices) > 1
    )
    members = list(by_text.values())
    # Doc index pairs to score, from candidate pairs of texts: each doc of one with each of
    # the other, if their groups are as asked. Docs with one normalised text can differ in
    # punctuation and so in sentences; each pair is scored from its own two texts.
    tasks: list[tuple[int, int]] = []
    groups = [doc.group for doc in docs]
    for left, right in _bucket_pairs(values):
        for a in members[left]:
            for b in members[right]:
                if (groups[a] == groups[b]) == same_group:
                    tasks.append((a, b))
    cutoff = threshold - _ROUNDING
    if cache is None:
        scores = _scores(cleaned, tasks, cutoff, workers)
    else:
        known = cache.scores if cache.threshold == threshold else {}
        digests: dict[int, bytes] = {}

        def digest(index: int) -> bytes:
            found = digests.get(index)
            if found is None:
                found = digests[index] = _digest(cleaned[index])
            return found

        keys = [digest(a) + digest(b) for a, b in tasks]
        missing = [position for position, key in enumerate(keys) if key not in known]
        fresh = dict(
            zip(
                missing,
                _scores(cleaned, [tasks[position] for position in missing], cutoff, workers),
                strict=True,
            )
        )
        thousandths = [
            round(1000 * fresh[position]) if position in fresh else known[key]
            for position, key in enumerate(keys)
        ]
        cache.threshold = threshold
        cache.scores = dict(zip(keys, thousandths, strict=True))
        scores = [value / 1000 for value in thousandths]
    near: list[Match] = []
    for (a, b), score in zip(tasks, scores, strict=True):
        if score >= threshold:
            first, second = sorted((docs[a].key, docs[b].key))
            near.append(Match(first, second, score))
    near.sort(key=operator.attrgetter("a", "b"))
    return Duplicates(exact=exact, near=near)


_PARALLEL_SCORES: Final = 4_000
"""Pairs to score before scoring on a process pool pays for starting one."""


def _scores(
    cleaned: Sequence[str], tasks: Sequence[tuple[int, int]], cutoff: float, workers: int
) -> list[float]:
    """``round(_score(...), 3)`` of each pair of `tasks` (indices into `cleaned`), in order.

    On `workers` forked processes when there are many pairs and the platform forks (the
    workers inherit the texts and the pairs); otherwise here.
    """
    if workers < 2 or len(tasks) < _PARALLEL_SCORES or not _forks():
        return _score_tasks(tasks, cleaned, cutoff)
    # Each worker inherits its own empty `copies` and keeps it from one slice to the next.
    parts = _map_forked(_score_tasks, tasks, cleaned, cutoff, {}, workers=workers)
    return list(itertools.chain.from_iterable(parts))


def _score_tasks(
    tasks: Iterable[tuple[int, int]],
    cleaned: Sequence[str],
    cutoff: float,
    copies: dict[int, _Copy] | None = None,
) -> list[float]:
    """``round(_score(...), 3)`` of each pair, reusing and filling `copies` (index -> copy)."""
    copies = {} if copies is None else copies

    def copy(index: int) -> _Copy:
        found = copies.get(index)
        if found is None:
            found = copies[index] = _Copy.from_cleaned(cleaned[index])
        return found

    return [round(_score(copy(a), copy(b), cutoff), 3) for a, b in tasks]


def _forks() -> bool:
    """Whether new worker processes are forked (and so share what this process holds)."""
    import multiprocessing  # noqa: PLC0415 - lazy, like the pool

    return multiprocessing.get_start_method() == "fork"


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _cached_sketches(
    texts: list[str],
    boilerplate: frozenset[int],
    cache: SearchCache,
    workers: int,
    pool: concurrent.futures.Executor | None,
) -> array.array[int]:
    """`_sketch` of `texts`, reusing the sketches in `cache`; leaves only these in it."""
    stamp = _digest(" ".join(map(str, sorted(boilerplate))))
    known = cache.sketches if cache.boilerplate == stamp else {}
    keys = list(map(_digest, texts))
    missing = [index for index, key in enumerate(keys) if key not in known]
    made = array.array("Q")
    missing_texts = [texts[index] for index in missing]
    for part in _spread(_sketch, missing_texts, boilerplate, workers=workers, pool=pool):
        made.extend(part)
    width = _BINS * made.itemsize
    fresh = made.tobytes()
    sketches = {
        keys[index]: fresh[position * width : (position + 1) * width]
        for position, index in enumerate(missing)
    }
    sketches.update((key, known[key]) for key in keys if key not in sketches)
    cache.boilerplate, cache.sketches = stamp, sketches
    values = array.array("Q")
    values.frombytes(b"".join(map(sketches.__getitem__, keys)))
    return values


def exact_groups(docs: Iterable[Doc]) -> list[list[str]]:
    """Keys of posts whose copy is identical after :func:`normalize`, whatever their group.

    Each group has at least two keys, sorted; groups are sorted by their first key. Posts
    whose copy normalises to nothing (only emoji, hashtags or links) are in no group.

    Raises :class:`SimilarityError` if two docs share a key.
    """
    docs = _checked(docs)
    by_text = _group_by_text(_clean([doc.text for doc in docs]))
    return sorted(
        sorted(docs[i].key for i in indices) for indices in by_text.values() if len(indices) > 1
    )


def near_duplicate_pairs(
    docs: Iterable[Doc],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    same_group: bool = False,
    workers: int = 1,
) -> list[Match]:
    """Pairs of posts whose copy is nearly, but not exactly, the same.

    Reports pairs whose :func:`similarity` is at least `threshold`, except pairs whose
    normalised copy is identical: those are :func:`exact_groups`' business. With
    ``same_group=False`` (the cross-platform rule) only pairs from different groups are
    reported; with ``same_group=True`` only pairs from the same group are. `workers` is as
    for :func:`find_duplicates`.

    Candidates come from MinHash LSH blocking, so a pair above the threshold can be missed,
    rarely; ``docs/similarity.md`` has the recall measured on the labelled corpus and at
    100,000 posts. The blocking is tuned for thresholds of 0.7 and above.

    Returns matches sorted by ``(a, b)``. Raises :class:`SimilarityError` if two docs share
    a key, `threshold` is not in (0, 1] or `workers` is less than 1.
    """
    return find_duplicates(docs, threshold=threshold, same_group=same_group, workers=workers).near


def _process_pool(workers: int) -> concurrent.futures.Executor:
    """A pool of `workers` processes; imported here, since most checks never start one
    (the import costs every `check` about 5 ms)."""
    import concurrent.futures  # noqa: PLC0415 - lazy, see above

    return concurrent.futures.ProcessPoolExecutor(workers)
