"""The faster terminal table of ``week`` and ``schedule`` against the code it replaced.

Column widths were measured character by character, and cutting measured every longer
start again (quadratic); the new code takes ASCII text as one column a character and keeps
a running total. These tests keep the old functions as references and ask for the same
answers on any text, wide and combining characters included.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from contentcal.views import week as week_view
from contentcal.views.escaping import one_line


def _reference_width(text: str) -> int:
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )


def _reference_cut(text: str, width: int) -> str:
    cut = text[:1]
    for char in text[1:]:
        if _reference_width(cut + char) > width:
            break
        cut += char
    return cut


def _reference_fit(text: str, width: int) -> str:
    text = one_line(text)
    if _reference_width(text) > width:
        cut = ""
        for char in text:
            if _reference_width(cut + char) > width - 1:
                break
            cut += char
        if not text[len(cut)].isspace():
            head = cut.rpartition(" ")[0].rstrip()
            if head and _reference_width(head) * 2 >= width:
                cut = head
        text = cut.rstrip() + "…"
    return text + " " * (width - _reference_width(text))


# ASCII, wide (CJK, emoji), combining marks and spaces, mixed in any order.
_CHARS = st.sampled_from([*"ab Z-.,'", "漢", "字", "😀", "é", "e\u0301", "\u0301", " ", "ß"])
texts = st.lists(_CHARS, max_size=60).map("".join) | st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60
)


@given(texts)
def test_width_matches_the_reference(text: str) -> None:
    assert week_view._width(text) == _reference_width(text)


@given(texts, st.integers(1, 40))
def test_cut_matches_the_reference(text: str, width: int) -> None:
    assert week_view._cut(text, width) == _reference_cut(text, width)


@given(texts, st.integers(1, 40))
def test_fit_matches_the_reference(text: str, width: int) -> None:
    assert week_view._fit(text, width) == _reference_fit(text, width)


def _reference_wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    line = ""
    for word in one_line(text).split():
        if line and _reference_width(line) + 1 + _reference_width(word) <= width:
            line += " " + word
            continue
        if line:
            lines.append(line)
        line = (indent if lines else "") + word
        while _reference_width(line) > width:
            head = _reference_cut(line, width)
            lines.append(head)
            line = indent + line[len(head) :]
    if line:
        lines.append(line)
    return lines


@given(texts, st.integers(4, 40))
def test_wrap_matches_the_reference(text: str, width: int) -> None:
    assert week_view._wrap(text, width) == _reference_wrap(text, width)
