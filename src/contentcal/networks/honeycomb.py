"""What each network is good at (the honeycomb's building blocks) and a starting rhythm.

The facts live in the package data file ``honeycomb.toml`` beside ``networks.toml``, each
entry dated and sourced. The honeycomb (Kietzmann et al., 2011) describes a network by seven
functional building blocks; a business picks networks whose blocks match what it wants to
do (talk with customers: conversations; be found nearby: presence). ``contentcal init``
shows them when you choose platforms.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import importlib.resources
import tomllib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from contentcal.model import Network
from contentcal.networks.limits import NetworkDataError

__all__ = ["Block", "Honeycomb", "honeycomb"]


class Block(enum.StrEnum):
    """The seven functional building blocks of social media."""

    IDENTITY = "identity"
    CONVERSATIONS = "conversations"
    SHARING = "sharing"
    PRESENCE = "presence"
    RELATIONSHIPS = "relationships"
    REPUTATION = "reputation"
    GROUPS = "groups"

    @property
    def meaning(self) -> str:
        """What the block is about, in a few words."""
        return _MEANINGS[self]


_MEANINGS = {
    Block.IDENTITY: "who people are: profiles, names, faces",
    Block.CONVERSATIONS: "talking with people: comments, replies, messages",
    Block.SHARING: "passing content on: posts, photos, videos",
    Block.PRESENCE: "being reachable now and nearby: status, location",
    Block.RELATIONSHIPS: "staying connected: friends, followers, contacts",
    Block.REPUTATION: "standing and trust: reviews, likes, endorsements",
    Block.GROUPS: "communities: groups, channels, lists",
}


@attrs.frozen
class Honeycomb:
    """One network's building blocks and a suggested starting rhythm."""

    network: Network
    """The network described."""

    primary: Block
    """The block the network is built around."""

    strong: tuple[Block, ...]
    """Other blocks it serves well, in order of strength."""

    as_of: dt.date
    """When the reading was last checked."""

    source: str
    """Where the reading comes from (URL, or a note that it is contentcal's own)."""

    verified: bool
    """False when the reading is contentcal's own, not a published one."""

    slots: tuple[str, ...]
    """A suggested starting rhythm as cadence strings (contentcal's default, not research)."""

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The primary block, then the strong ones."""
        return (self.primary, *self.strong)

    def describe(self) -> str:
        """One line for people: ``built for sharing; also identity, relationships``."""
        also = f"; also {', '.join(self.strong)}" if self.strong else ""
        return f"built for {self.primary}{also}"


def _parse(network: Network, raw: object) -> Honeycomb:
    path = f"honeycomb.toml: {network.value}"
    if not isinstance(raw, dict):
        raise NetworkDataError(f"{path} must be a table")
    table: dict[str, Any] = raw
    unknown = sorted(set(table) - {"primary", "strong", "as_of", "source", "verified", "slots"})
    if unknown:
        raise NetworkDataError(f"{path}: unknown key {unknown[0]!r}")
    try:
        primary = Block(table["primary"])
        strong = tuple(Block(block) for block in table.get("strong", []))
    except (KeyError, ValueError, TypeError) as exc:
        raise NetworkDataError(f"{path}: bad building block ({exc})") from None
    as_of = table.get("as_of")
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise NetworkDataError(f"{path}.as_of must be a date")
    source = table.get("source")
    if not isinstance(source, str) or not source:
        raise NetworkDataError(f"{path}.source must say where the reading comes from")
    slots = table.get("slots", [])
    if not isinstance(slots, list) or not all(isinstance(slot, str) for slot in slots):
        raise NetworkDataError(f"{path}.slots must be a list of cadence strings")
    verified = table.get("verified", True)
    if not isinstance(verified, bool):
        raise NetworkDataError(f"{path}.verified must be true or false")
    return Honeycomb(
        network=network,
        primary=primary,
        strong=strong,
        as_of=as_of,
        source=source,
        verified=verified,
        slots=tuple(slots),
    )


@functools.cache
def _catalogue() -> Mapping[Network, Honeycomb]:
    text = (
        importlib.resources.files("contentcal.networks")
        .joinpath("honeycomb.toml")
        .read_text("utf-8")
    )
    raw = tomllib.loads(text)
    missing = [network.value for network in Network if network.value not in raw]
    if missing:
        raise NetworkDataError(f"honeycomb.toml: no table for {missing[0]!r}")
    return MappingProxyType({network: _parse(network, raw[network.value]) for network in Network})


def honeycomb(network: Network) -> Honeycomb:
    """What `network` is good at and a suggested rhythm.

    >>> from contentcal.model import Network
    >>> comb = honeycomb(Network.LINKEDIN)
    >>> comb.describe(), comb.verified
    ('built for identity; also relationships, reputation', True)

    Raises:
        NetworkDataError: the packaged ``honeycomb.toml`` is malformed (a contentcal bug).
    """
    return _catalogue()[network]
