"""The exception family and the located problem value every error carries.

Everything contentcal raises on purpose derives from :class:`ContentcalError`.
Subclasses also inherit the closest builtin (``ValueError``, ``OSError``) so callers that
already catch those keep working.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

import attrs

# What a terminal or a log would act on: C0/C1 controls, DEL, line and paragraph separators,
# bidi overrides and isolates, and lone surrogates (which cannot even be printed).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def escape_controls(text: str) -> str:
    r"""`text` with control characters, bidi overrides and lone surrogates escaped.

    Every problem and finding passes its message, hint and key path through this, so no
    quoted name or value can move a cursor, forge a line or reorder what a terminal shows,
    whichever code built the message.

    >>> print(escape_controls("unknown pillar 'edu\x1b[2J'"))
    unknown pillar 'edu\x1b[2J'
    """
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_escape_char, text)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_optional(text: str | None) -> str | None:
    """:func:`escape_controls`, passing None through (an attrs converter)."""
    return None if text is None else escape_controls(text)


def escape_path(path: str | None) -> str | None:
    """A key path escaped like a message and cut at 160 characters (its keys are the plan's)."""
    if path is None:
        return None
    path = escape_controls(path)
    return path if len(path) <= 160 else path[:159] + "…"


class Severity(enum.StrEnum):
    """How bad a problem or finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Problem:
    """One located problem in a user's input."""

    message: str = attrs.field(converter=escape_controls)
    """What is wrong, as one sentence without the location (control characters escaped)."""

    file: str | None = None
    """The file the problem is in, as the user named it (relative paths stay relative)."""

    line: int | None = None
    """1-based line in `file`, where the file format lets us know it."""

    column: int | None = None
    """1-based column, where known."""

    path: str | None = attrs.field(default=None, converter=escape_path)
    """Key path inside the file, e.g. ``items[3].pillar`` or ``platforms.instagram.slots[0]``."""

    hint: str | None = attrs.field(default=None, converter=escape_optional)
    """How to fix it, e.g. ``did you mean 'education'?``."""

    code: str = "plan-invalid"
    """Stable machine-readable code of the problem class."""

    severity: Severity = Severity.ERROR
    """Load problems are errors unless stated otherwise."""

    def location(self) -> str:
        """Return ``file:line: path`` with whatever parts are known."""
        head = escape_controls(self.file) if self.file else "<plan>"  # a name may be hostile
        if self.line is not None:
            head += f":{self.line}"
            if self.column is not None:
                head += f":{self.column}"
        if self.path:
            head += f": {self.path}"
        return head

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_dict(self) -> dict[str, object]:
        """The stable JSON shape: keys ``file line path severity code message hint``."""
        return {
            "code": self.code,
            "file": self.file,
            "hint": self.hint,
            "line": self.line,
            "message": self.message,
            "path": self.path,
            "severity": str(self.severity),
        }


class ContentcalError(Exception):
    """Root of every error contentcal raises on purpose."""


class PlanError(ContentcalError, ValueError):
    """A plan could not be loaded; `problems` holds every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        first = str(self.problems[0]) if self.problems else "invalid plan"
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        super().__init__(first + more)


class PlanFileNotFoundError(PlanError, FileNotFoundError):
    """The plan file itself does not exist."""


class InvalidOptionError(ContentcalError, ValueError):
    """An option given to a library function or command is not valid (unknown platform...)."""


class OptionalDependencyError(ContentcalError, ImportError):
    """A feature needs an extra that is not installed; the message says how to install it."""


class OutputError(ContentcalError, OSError):
    """A result could not be written (permission, missing directory, full disk)."""


class FileChangedError(OutputError):
    """A file changed on disk after contentcal read it, so it was not overwritten.

    `file` names it. Nothing was written: run the command again to start from the new
    content (your teammate's edit is kept).
    """

    def __init__(self, file: str) -> None:
        self.file = file
        super().__init__(
            f"{file} changed on disk while contentcal was working on it; nothing was written "
            "(run the command again to include the change)"
        )
