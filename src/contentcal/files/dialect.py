"""The CSV dialect of item files, shared by the loader and ``schedule --pin``.

Spreadsheets export CSV with a comma, a semicolon (where the comma is the decimal mark) or a
tab; the header row names item fields, in any case and with spaces for underscores.
"""

from __future__ import annotations

__all__ = ["DELIMITERS", "column_key", "delimiter_of"]

DELIMITERS = (";", ",", "\t")
"""The delimiters an item file may use; the header row decides which."""


def delimiter_of(text: str) -> str:
    """The delimiter of a CSV text: the one its header row uses most.

    >>> delimiter_of("id;platform;title\\n")
    ';'
    >>> delimiter_of("id,platform,title")
    ','
    """
    end = text.find("\n")  # not split("\n", 1): that copies the whole rest of the file
    first_line = text if end < 0 else text[:end]
    return max(DELIMITERS, key=first_line.count)


def column_key(name: str) -> str:
    """The item field a header cell names: ``" Ignore Reason"`` → ``ignore_reason``.

    >>> column_key(" Ignore Reason")
    'ignore_reason'
    """
    return name.strip().lower().replace(" ", "_")
