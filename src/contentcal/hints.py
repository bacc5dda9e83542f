"""The one "did you mean" helper, so every part suggests names the same way.

One cutoff for all of contentcal: a known name is suggested when it is at least 0.6 like the
unknown one (difflib's ratio, ``2 * matches / total length``, its own default), or when it
starts with what was typed (three letters or more). The first catches typos (``instgram``
→ ``instagram``), the second abbreviations (``edu`` → ``education``); together they leave
unrelated words alone (``nope`` suggests nothing rather than ``unplaced``).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["SUGGESTION_CUTOFF", "closest", "did_you_mean"]

SUGGESTION_CUTOFF = 0.6
"""How alike (0..1) a known name must be to an unknown one to be suggested."""


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The known name most like `value`, or ``None`` when none is alike enough.

    >>> closest("edu", ["communication", "education"])
    'education'
    >>> closest("tiktok", ["instagram", "facebook"]) is None
    True
    >>> closest("nope", ["unplaced", "posting-gap"]) is None
    True
    """
    known = list(choices)
    folded = value.strip().casefold()
    if len(folded) >= 3:
        starts = sorted(name for name in known if name.casefold().startswith(folded))
        if starts:
            return min(starts, key=len)
    import difflib  # noqa: PLC0415 - only when something is misspelt; keeps start-up light

    close = difflib.get_close_matches(value, known, n=1, cutoff=SUGGESTION_CUTOFF)
    return close[0] if close else None


def did_you_mean(value: str, choices: Iterable[str], *, otherwise: str | None = None) -> str | None:
    """``did you mean 'x'?`` for the closest known name, else `otherwise`.

    >>> did_you_mean("instgram", ["instagram", "facebook"])
    "did you mean 'instagram'?"
    >>> did_you_mean("zzz", ["instagram"], otherwise="use one of: instagram")
    'use one of: instagram'
    """
    match = closest(value, choices)
    if match is None:
        return otherwise
    # A known name may come from the plan: quote a short excerpt, like every message does.
    short = match[:40] + "…" if len(match) > 40 else match
    return f"did you mean {short!r}?"
