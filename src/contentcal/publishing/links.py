"""Subscribe links: the https, webcal and Google Calendar addresses of a published feed.

The one place they are made: ``index.html`` (:mod:`contentcal.publishing.feeds`), the
server (:mod:`contentcal.publishing.serve`) and ``contentcal serve`` all call
:func:`subscribe_link`, so they agree on every URL and raise the same error for a bad base
URL. Only the standard library: the server imports it without the iCalendar stack.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import NamedTuple

from contentcal.errors import InvalidOptionError

__all__ = ["SubscribeLink", "checked_base_url", "is_base_url", "subscribe_link"]

_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]")


def is_base_url(text: str) -> bool:
    """Whether `text` can be the public address of a published folder: an absolute http(s)
    URL without white space or control characters. The one rule for the plan's
    ``base_url`` and the ``--base-url`` option.

    >>> is_base_url("https://example.com/cal/"), is_base_url("webcal://x/")
    (True, False)
    >>> is_base_url("http://[oops/")  # a broken IPv6 address: urlsplit raises on it
    False
    """
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        return False
    return (
        parts.scheme.lower() in {"http", "https"}
        and bool(parts.netloc)
        and not _UNSAFE.search(text)
    )


def checked_base_url(base_url: str) -> str:
    """`base_url` checked and ending in ``/``, so feed paths land inside it, not beside it.

    Raises :class:`~contentcal.errors.InvalidOptionError` unless it is an absolute
    http(s) URL without white space.
    """
    if not is_base_url(base_url):
        raise InvalidOptionError(
            f"base URL must be an absolute http(s) URL, got {base_url!r} "
            "(e.g. https://example.com/calendar/)"
        )
    return base_url if base_url.endswith("/") else base_url + "/"


class SubscribeLink(NamedTuple):
    """The ways to subscribe to one feed."""

    path: str
    """The file's path in the site, e.g. ``platform/instagram.ics``."""

    url: str
    """The plain http(s) URL (Outlook on the web wants https)."""

    webcal: str
    """The same URL with the ``webcal://`` scheme: opens the subscribe dialog (Apple, Outlook)."""

    google: str
    """A link that opens Google Calendar's "add by URL" for the feed."""


def subscribe_link(base_url: str, path: str) -> SubscribeLink:
    """The links to subscribe to the feed at `path` below `base_url`: the one place they are made.

    `path` is percent-encoded; `base_url` may end in ``/`` or not. ``index.html``,
    :func:`contentcal.publishing.serve.subscribe_urls` and ``contentcal serve`` all use it.

    >>> link = subscribe_link("https://cal.example.com/batik", "owner/sari.ics")
    >>> link.webcal
    'webcal://cal.example.com/batik/owner/sari.ics'

    Raises :class:`~contentcal.errors.InvalidOptionError` (a ``ValueError``) unless
    `base_url` is an absolute http(s) URL without white space.
    """
    base = checked_base_url(base_url)
    quoted = urllib.parse.quote(path, safe="/")
    scheme = urllib.parse.urlsplit(base).scheme
    webcal = "webcal" + base[len(scheme) :] + quoted
    return SubscribeLink(
        path=path,
        url=base + quoted,
        webcal=webcal,
        google="https://calendar.google.com/calendar/r?cid=" + urllib.parse.quote(webcal, safe=""),
    )
