"""One "did you mean" rule for every part of contentcal (issue #16)."""

from __future__ import annotations

import pytest

from contentcal.checking.engine import CheckConfig
from contentcal.errors import InvalidOptionError
from contentcal.files.fields import did_you_mean as field_hint
from contentcal.hints import SUGGESTION_CUTOFF, closest, did_you_mean
from contentcal.model.zones import suggest_zone


@pytest.mark.parametrize(
    ("typed", "choices", "expected"),
    [
        ("instgram", ["instagram", "facebook"], "instagram"),  # a typo
        ("edu", ["communication", "education"], "education"),  # an abbreviation
        ("EDU", ["communication", "education"], "education"),  # in any case
        ("ed", ["education"], None),  # two letters are too few to guess from
        ("nope", ["unplaced", "posting-gap"], None),  # half alike is not alike
        ("tiktok", ["instagram", "facebook"], None),
    ],
)
def test_closest(typed: str, choices: list[str], expected: str | None) -> None:
    """Typos and abbreviations are suggested; unrelated words are not."""
    assert closest(typed, choices) == expected


def test_one_cutoff() -> None:
    """The cutoff is difflib's own default, stated once."""
    assert SUGGESTION_CUTOFF == 0.6
    assert did_you_mean("zzz", ["instagram"]) is None
    assert did_you_mean("zzz", ["instagram"], otherwise="x") == "x"


def test_every_part_suggests_the_same_way() -> None:
    """Fields, zones and rule options give the same answer for the same kind of typo."""
    assert field_hint("pilar", ["pillar", "platform"]) == "did you mean 'pillar'?"
    assert suggest_zone("Asia/Jakrta") == "did you mean 'Asia/Jakarta'?"
    with pytest.raises(InvalidOptionError, match=r"did you mean 'posting-gap'\?"):
        CheckConfig.from_settings(None, select=["posting-gapp"])
    with pytest.raises(InvalidOptionError, match=r"see docs/rules.md"):
        CheckConfig.from_settings(None, select=["nope"])
