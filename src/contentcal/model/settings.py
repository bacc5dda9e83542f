"""Typed settings of the plan's ``[check]`` table.

The loader converts the table once, through the same field specs as every other table, so
the check engine receives these values and never reads raw TOML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from contentcal.errors import Severity

__all__ = ["MAX_THRESHOLD_DAYS", "CheckSettings", "Thresholds"]


MAX_THRESHOLD_DAYS = 3660
"""The largest day count a threshold may have: ten years."""


@attrs.frozen
class Thresholds:
    """Numbers the rules compare against; set in the plan's ``[check]`` table."""

    near_duplicate: float = 0.0
    """Similarity (0..1) from which two items on different platforms are near-duplicates.

    0 means "the similarity module's tuned default".
    """

    mirrored_share: float = 0.5
    """Share of a platform's items that duplicate another platform's before it is mirrored."""

    repeat_days: int = 30
    """Same copy again on one platform within this many days is a repeat."""

    pillar_tolerance: float = 0.10
    """How far (as a share, 0.10 = 10 points) a pillar's share may stray from its target."""

    platforms_per_owner: int = 3
    """More platforms than this for one person is too many."""

    cadence_fill: float = 0.5
    """A platform should fill at least this share of its slots in the window."""

    posting_gap_days: int = 14
    """A platform silent for more than this many days inside the window gets a warning."""

    window_days: int = 28
    """How far ahead of `now` the schedule rules look (days)."""


def _names(values: Iterable[str]) -> frozenset[str]:
    """A frozen set of names; anything else is left for :func:`contentcal.validate`."""
    if isinstance(values, str):
        return frozenset([values])
    if isinstance(values, list | tuple | set | frozenset):
        try:
            return frozenset(values)
        except TypeError:  # unhashable entries: validate() names them
            pass
    return values  # type: ignore[return-value]


def _severities(values: Mapping[str, Severity]) -> Mapping[str, Severity]:
    """A read-only copy; anything else is left for :func:`contentcal.validate`."""
    return MappingProxyType(dict(values)) if isinstance(values, Mapping) else values


@attrs.frozen
class CheckSettings:
    """The plan's ``[check]`` table: which rules run, at what severity, with which numbers."""

    select: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    """Only these rules (names or codes) run; empty means all."""

    ignore: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    """Rules (names or codes) that never run for this plan."""

    severity: Mapping[str, Severity] = attrs.field(factory=dict, converter=_severities)
    """Severity overrides by rule name or code, e.g. ``{"posting-gap": Severity.INFO}``."""

    thresholds: Thresholds = attrs.field(factory=Thresholds)
    """Numbers the rules compare against."""
