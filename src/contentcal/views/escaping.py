"""Text from a plan, made safe for the format it is shown in.

Titles, names and owners come from whoever edits the plan (or the spreadsheet it includes),
and the outputs are opened by programs that act on what they read:

* **CSV** goes into spreadsheets, which run a cell starting with ``=``, ``+``, ``-`` or ``@``
  as a formula (``=HYPERLINK(...)``, ``+cmd|...``). Following OWASP's advice on CSV
  injection, such cells, and cells starting with a tab or carriage return, get a leading
  ``'``, which spreadsheets show as plain text. Programs that want the raw values opt out
  (``raw=True``; ``--raw`` on the command line).
* **Markdown** goes into wikis and chats that render HTML: ``<``, ``>`` and ``&`` become
  entities, Markdown's own punctuation is escaped, and only http(s) links are ever made.
* **One-line places** (a heading, a table row, a terminal line) never get a line break or a
  control character from the plan: whitespace runs become one space, control characters ``?``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

__all__ = ["csv_cell", "csv_text", "md_link", "md_text", "one_line"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat a cell as a formula (OWASP)."""


def csv_cell(value: str) -> str:
    """`value` as a spreadsheet shows it literally.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_cell("Batik care")
    'Batik care'
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]], *, raw: bool = False) -> str:
    """RFC 4180 CSV (CRLF line ends) with every cell guarded by :func:`csv_cell`.

    With `raw`, cells are written as they are, for programs rather than spreadsheets.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in (header, *rows):
        writer.writerow(row if raw else [csv_cell(cell) for cell in row])
    return out.getvalue()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` on one line: whitespace runs become one space, control characters ``?``.

    >>> one_line("Batik\\nCikarang\\x1b[2J")
    'Batik Cikarang?[2J'
    """
    return _CONTROL.sub("?", " ".join(text.split()))


_MD_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")


def md_text(text: str) -> str:
    """`text` as literal Markdown on one line: no HTML, no links, no emphasis, no breaks.

    >>> md_text('<img src=x onerror="alert(1)"> [click](javascript:alert(1))')
    '&lt;img src=x onerror="alert(1)"&gt; \\\\[click\\\\](javascript:alert(1))'
    """
    line = one_line(text)
    line = "".join(_MD_HTML.get(char, char) for char in line)
    return _MD_PUNCTUATION.sub(r"\\\1", line)


_SAFE_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)


def md_link(label: str, url: str | None) -> str:
    """A Markdown link to `url` when it is a plain http(s) URL, else the label alone.

    >>> md_link("Katalog", "https://batik.example/katalog")
    '[Katalog](<https://batik.example/katalog>)'
    >>> md_link("Click", "javascript:alert(1)")
    'Click'
    """
    text = md_text(label)
    if url is None or not _SAFE_URL.fullmatch(url.strip()):
        return text
    return f"[{text}](<{url.strip().replace(')', '%29').replace('(', '%28')}>)"
