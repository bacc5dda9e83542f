"""What contentcal knows about each network: its limits, how each is counted, what media fit.

The facts live in the package data file ``networks.toml``, each value dated (``as_of``) and
sourced, because networks change them; this module reads that file once, on first use, into
immutable values. A plan may replace a limit for its own platform (a Mastodon server with
1,000 characters, an X Premium account), see :func:`network_info`.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import attrs

from contentcal.errors import ContentcalError
from contentcal.model import Media, Network
from contentcal.networks import counting

__all__ = [
    "LIMIT_KINDS",
    "PLAN_OVERRIDE",
    "Counting",
    "Limit",
    "LimitOverrideError",
    "NetworkDataError",
    "NetworkInfo",
    "network_info",
]

LIMIT_KINDS: Final = ("text", "title", "hashtags")
"""The limits a plan may override: ``[platforms.NAME] limits = { text = 1000 }``."""

PLAN_OVERRIDE: Final = "plan override"
"""The `source` of a limit that a plan set, instead of a URL."""


class LimitOverrideError(ContentcalError, ValueError):
    """A plan's limit override names an unknown limit or is not a positive whole number."""


class NetworkDataError(ContentcalError, ValueError):
    """The packaged ``networks.toml`` is malformed (a bug in contentcal, not in a plan)."""


class Counting(enum.StrEnum):
    """How a network counts the length of a text, one unit per function in `counting`."""

    X_WEIGHTED = "x-weighted"
    GRAPHEMES = "graphemes"
    UTF8_BYTES = "utf8-bytes"
    MASTODON = "mastodon"
    THREADS = "threads"
    CHARACTERS = "characters"
    HASHTAGS = "hashtags"

    def measure(self, text: str) -> int:
        """The size of `text` in this unit, e.g. 23 for any lone URL in ``x-weighted``."""
        return _MEASURES[self](text)

    @property
    def unit(self) -> str:
        """The unit's name for messages: ``312 weighted characters (limit 280)``."""
        return _UNITS[self]


_MEASURES: Final[Mapping[Counting, Callable[[str], int]]] = MappingProxyType(
    {
        Counting.X_WEIGHTED: counting.x_weighted_length,
        Counting.GRAPHEMES: counting.grapheme_length,
        Counting.UTF8_BYTES: counting.utf8_length,
        Counting.MASTODON: counting.mastodon_length,
        Counting.THREADS: counting.threads_length,
        Counting.CHARACTERS: counting.char_length,
        Counting.HASHTAGS: counting.hashtag_count,
    }
)

_UNITS: Final[Mapping[Counting, str]] = MappingProxyType(
    {
        Counting.X_WEIGHTED: "weighted characters",
        Counting.GRAPHEMES: "characters",
        Counting.UTF8_BYTES: "bytes",
        Counting.MASTODON: "characters",
        Counting.THREADS: "characters",
        Counting.CHARACTERS: "characters",
        Counting.HASHTAGS: "hashtags",
    }
)


@attrs.frozen
class Limit:
    """One maximum a network sets, with the unit it is counted in and where it comes from."""

    value: int
    """The largest size allowed, in `counting` units (280 for X's text)."""

    counting: Counting
    """How the size of a text is counted for this limit."""

    as_of: dt.date | None
    """When the value was last checked against its source; ``None`` for a plan override."""

    source: str
    """Where the value comes from: a URL, or :data:`PLAN_OVERRIDE`."""

    verified: bool = True
    """False when only a single secondary source reports the value; treat it as a hint."""

    def measure(self, text: str) -> int:
        """The size of `text` as this limit counts it."""
        return self.counting.measure(text)

    def allows(self, text: str) -> bool:
        """Whether `text` is within the limit."""
        return self.measure(text) <= self.value

    @property
    def provenance(self) -> str:
        """``as of 2026-11-01, https://…`` or ``plan override``, for reports and docs."""
        if self.as_of is None:
            return self.source
        return f"as of {self.as_of.isoformat()}, {self.source}"

    @classmethod
    def from_toml(cls, raw: object, path: str) -> Limit:
        """Build a limit from one table of ``networks.toml``; `path` locates it in errors.

        Raises:
            NetworkDataError: a key is missing, unknown or of the wrong type.
        """
        table = _table(raw, path)
        _only_keys(table, {"limit", "counting", "as_of", "source", "verified"}, path)
        value = table.get("limit")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise NetworkDataError(f"{path}.limit must be a positive whole number")
        try:
            unit = Counting(str(table.get("counting")))
        except ValueError:
            known = ", ".join(Counting)
            raise NetworkDataError(f"{path}.counting must be one of {known}") from None
        verified = table.get("verified", True)
        if not isinstance(verified, bool):
            raise NetworkDataError(f"{path}.verified must be true or false")
        return cls(
            value=value,
            counting=unit,
            as_of=_date(table, path),
            source=_source(table, path),
            verified=verified,
        )


@attrs.frozen
class NetworkInfo:
    """Everything contentcal knows about posting on one network."""

    network: Network
    """The network this describes."""

    text: tuple[Limit, ...] = ()
    """Limits on the post text; all apply at once (Bluesky: 300 graphemes and 3,000 bytes).
    Empty when nothing is known."""

    title: Limit | None = None
    """Limit on a separate title field (YouTube, Pinterest), if the network has one."""

    hashtags: Limit | None = None
    """The most hashtags a post may carry, where the network caps them."""

    media_required: bool = False
    """Whether every post needs an image or video (Instagram, TikTok, YouTube, Pinterest)."""

    media: frozenset[Media] = frozenset(Media)
    """The kinds of post that fit the network; all kinds where nothing is known."""

    media_as_of: dt.date | None = None
    """When `media_required` and `media` were last checked; ``None`` when nothing is known."""

    media_source: str | None = None
    """Where `media_required` and `media` come from."""

    def accepts(self, media: Media) -> bool:
        """Whether a post of kind `media` fits this network."""
        return media in self.media

    def with_overrides(self, overrides: Mapping[str, int]) -> NetworkInfo:
        """This info with a plan's limits in place of the network's.

        `overrides` maps a kind from :data:`LIMIT_KINDS` to a positive whole number. An
        override of ``text`` replaces the first text limit and keeps its counting; the
        others still apply (a Bluesky post stays within 3,000 bytes). A limit the network
        does not have is added, counted in characters (hashtags: in hashtags).

        Raises:
            LimitOverrideError: an unknown kind, or a value that is not a positive integer.
        """
        changes: dict[str, Any] = {}
        for kind, value in overrides.items():
            if kind not in LIMIT_KINDS:
                known = ", ".join(LIMIT_KINDS)
                raise LimitOverrideError(
                    f"unknown limit {kind!r} for {self.network.display_name}; known: {known}"
                )
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise LimitOverrideError(
                    f"limit {kind!r} for {self.network.display_name} must be a positive"
                    f" whole number, got {value!r}"
                )
            if kind == "text":
                first, *rest = self.text or (None,)
                changes["text"] = (_overridden(first, value, Counting.CHARACTERS), *rest)
            elif kind == "title":
                changes["title"] = _overridden(self.title, value, Counting.CHARACTERS)
            else:
                changes["hashtags"] = _overridden(self.hashtags, value, Counting.HASHTAGS)
        return attrs.evolve(self, **changes)

    @classmethod
    def from_toml(cls, network: Network, raw: object) -> NetworkInfo:
        """Build a network's info from its table in ``networks.toml``.

        Raises:
            NetworkDataError: the table does not have the documented shape.
        """
        path = network.value
        table = _table(raw, path)
        _only_keys(table, {"text", "title", "hashtags", "media"}, path)
        raw_text = table.get("text", [])
        text_tables = raw_text if isinstance(raw_text, list) else [raw_text]
        changes: dict[str, Any] = {
            "text": tuple(
                Limit.from_toml(
                    item, f"{path}.text[{index}]" if len(text_tables) > 1 else f"{path}.text"
                )
                for index, item in enumerate(text_tables)
            )
        }
        for kind in ("title", "hashtags"):
            if kind in table:
                changes[kind] = Limit.from_toml(table[kind], f"{path}.{kind}")
        if "media" in table:
            changes.update(_media_from_toml(table["media"], f"{path}.media"))
        return cls(network=network, **changes)


def _overridden(limit: Limit | None, value: int, default: Counting) -> Limit:
    return Limit(
        value=value,
        counting=limit.counting if limit else default,
        as_of=None,
        source=PLAN_OVERRIDE,
    )


def _media_from_toml(raw: object, path: str) -> dict[str, Any]:
    table = _table(raw, path)
    _only_keys(table, {"required", "kinds", "as_of", "source"}, path)
    required = table.get("required", False)
    if not isinstance(required, bool):
        raise NetworkDataError(f"{path}.required must be true or false")
    raw_kinds = table.get("kinds", [media.value for media in Media])
    if not isinstance(raw_kinds, list):
        raise NetworkDataError(f"{path}.kinds must be a list of media kinds")
    try:
        kinds = frozenset(Media(kind) for kind in raw_kinds)
    except ValueError as exc:
        raise NetworkDataError(f"{path}.kinds: {exc}") from None
    return {
        "media_required": required,
        "media": kinds,
        "media_as_of": _date(table, path),
        "media_source": _source(table, path),
    }


def _table(raw: object, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise NetworkDataError(f"{path} must be a table")
    return raw


def _only_keys(table: dict[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise NetworkDataError(f"{path}: unknown key {unknown[0]!r}")


def _date(table: dict[str, Any], path: str) -> dt.date:
    value = table.get("as_of")
    # tomllib gives a bare TOML date as date and a date-time as datetime; only a date is meant.
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise NetworkDataError(f"{path}.as_of must be a date such as 2026-11-01")
    return value


def _source(table: dict[str, Any], path: str) -> str:
    value = table.get("source")
    if not isinstance(value, str) or not value:
        raise NetworkDataError(f"{path}.source must name where the value comes from")
    return value


@functools.cache
def _catalogue() -> Mapping[Network, NetworkInfo]:
    # Read once per process, on first use: importing contentcal stays cheap.
    beside = Path(__file__).with_name("networks.toml")
    if beside.is_file():  # as importlib.resources reads it, without its ~10 ms of imports
        text = beside.read_text("utf-8")
    else:
        import importlib.resources  # noqa: PLC0415 - installed in a zip file

        text = (
            importlib.resources.files("contentcal.networks")
            .joinpath("networks.toml")
            .read_text("utf-8")
        )
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise NetworkDataError(f"networks.toml: {exc}") from None
    unknown = sorted(set(raw) - {network.value for network in Network})
    if unknown:
        raise NetworkDataError(f"networks.toml: unknown network {unknown[0]!r}")
    missing = [network.value for network in Network if network.value not in raw]
    if missing:
        raise NetworkDataError(f"networks.toml: no table for {missing[0]!r}")
    return MappingProxyType(
        {network: NetworkInfo.from_toml(network, raw[network.value]) for network in Network}
    )


def network_info(network: Network, overrides: Mapping[str, int] | None = None) -> NetworkInfo:
    """What contentcal knows about `network`, with a plan's `overrides` applied.

    `overrides` is a platform's ``limits`` table from a plan, e.g. ``{"text": 1000}``; see
    :meth:`NetworkInfo.with_overrides`.

    >>> from contentcal.model import Network
    >>> info = network_info(Network.MASTODON, {"text": 1000})
    >>> info.text[0].value, info.text[0].counting, info.text[0].provenance
    (1000, <Counting.MASTODON: 'mastodon'>, 'plan override')

    Raises:
        LimitOverrideError: an override names an unknown limit or is not a positive integer.
    """
    info = _catalogue()[network]
    return info.with_overrides(overrides) if overrides else info
