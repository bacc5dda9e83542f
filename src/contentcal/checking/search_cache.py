"""The duplicate search's cache file, so that re-checking a large plan pays for what changed.

``contentcal check`` keeps what the duplicate search computed (each distinct copy's MinHash
sketch and each candidate pair's score, keyed by content hash, see
:class:`~contentcal.checking.similarity.SearchCache`) in ``duplicate-search.cache`` in the
plan's state folder, next to the feed state. The next check sketches only copy that changed
and scores only pairs it has not scored; its findings are the same as without the file.

The file is user-writable input and is never trusted blindly: one that is not ours, made by
another version of the search, truncated, edited (its checksum no longer matches) or larger
than :data:`CACHE_BYTES` is ignored with a warning and replaced after the check.

The format is one line of JSON (format, algorithm, threshold, boilerplate digest, the
number of sketches and scores, the BLAKE2b checksum of the rest), then the sketches (a
16-byte digest and 16 little-endian 64-bit values each) and the scores (two 16-byte digests
and a little-endian 16-bit score in thousandths each).
"""

from __future__ import annotations

import array
import hashlib
import json
import math
import os
import sys

from contentcal.checking.similarity import ALGORITHM, SearchCache
from contentcal.errors import OutputError
from contentcal.files.atomic import write_atomic
from contentcal.files.regular import NotRegularError, TooLargeError, read_regular

__all__ = ["CACHE_BYTES", "CACHE_NAME", "FORMAT", "cache_path", "load_cache", "save_cache"]

FORMAT = "contentcal duplicate-search cache"
"""The first field of every cache file."""

CACHE_NAME = "duplicate-search.cache"
"""The cache's file name in the plan's state folder."""

CACHE_BYTES = 512 * 1024 * 1024
"""The largest cache file read (a million posts with their candidates need about 200 MiB)."""

_DIGEST = 16
_SKETCH = _DIGEST + 16 * 8
_SCORE = 2 * _DIGEST + 2
_HEADER_BYTES = 4096


def cache_path(state_file: str) -> str:
    """The cache file beside the plan's feed state file `state_file`."""
    return os.path.join(os.path.dirname(state_file), CACHE_NAME)


def _checksum(body: bytes | memoryview) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _parse(data: bytes) -> SearchCache | None:
    """The cache in `data`, or None when it is not a valid cache of this version."""
    if sys.byteorder != "little":  # pragma: no cover - the values are stored little-endian
        return None
    end = data.find(b"\n", 0, _HEADER_BYTES)
    if end == -1:
        return None
    header = json.loads(data[:end].decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None
    if header.get("algorithm") != ALGORITHM:
        return None
    threshold, boilerplate = header.get("threshold"), header.get("boilerplate")
    sketches, scores = header.get("sketches"), header.get("scores")
    if not (
        isinstance(threshold, float)
        and math.isfinite(threshold)
        and 0 < threshold <= 1
        and isinstance(boilerplate, str)
        and len(boilerplate) == 2 * _DIGEST
        and type(sketches) is int
        and type(scores) is int
        and sketches >= 0
        and scores >= 0
    ):
        return None
    body = memoryview(data)[end + 1 :]
    if len(body) != sketches * _SKETCH + scores * _SCORE or header.get("checksum") != _checksum(
        body
    ):
        return None
    cache = SearchCache(boilerplate=bytes.fromhex(boilerplate), threshold=threshold)
    values = array.array("Q")
    values.frombytes(body[sketches * _DIGEST : sketches * _SKETCH])
    if any(value >= 1 << 34 for value in values):  # every bin value is below 2**34
        return None
    width = 16 * 8
    raw = bytes(body[sketches * _DIGEST : sketches * _SKETCH])
    cache.sketches = {
        bytes(body[index * _DIGEST : (index + 1) * _DIGEST]): raw[
            index * width : (index + 1) * width
        ]
        for index in range(sketches)
    }
    start = sketches * _SKETCH
    thousandths = array.array("H")
    thousandths.frombytes(body[start + scores * 2 * _DIGEST :])
    if any(score > 1000 for score in thousandths):
        return None
    pair = 2 * _DIGEST
    cache.scores = {
        bytes(body[start + index * pair : start + (index + 1) * pair]): score
        for index, score in enumerate(thousandths)
    }
    if len(cache.sketches) != sketches or len(cache.scores) != scores:
        return None  # a key twice: not a file this module wrote
    return cache


def load_cache(path: str) -> tuple[SearchCache, str | None]:
    """Read the cache file; a missing one is empty, an unusable one is empty plus a warning."""
    try:
        data = read_regular(path, CACHE_BYTES)
    except FileNotFoundError:
        return SearchCache(), None
    except OSError as exc:
        return SearchCache(), f"{path}: cannot read the duplicate-search cache ({exc.strerror})"
    except NotRegularError as exc:
        return SearchCache(), f"{path}: the duplicate-search cache is {exc.kind}; not used"
    except TooLargeError:
        return SearchCache(), (
            f"{path}: the duplicate-search cache is larger than {CACHE_BYTES >> 20} MiB; "
            "not used (delete it)"
        )
    try:
        cache = _parse(data)
    except (ValueError, TypeError, RecursionError):  # UnicodeDecodeError is a ValueError
        cache = None
    if cache is None:
        return SearchCache(), (
            f"{path}: the duplicate-search cache is corrupt or from another version; "
            "not used, rebuilding it"
        )
    return cache, None


def save_cache(path: str, cache: SearchCache) -> None:
    """Write the cache file atomically (creating its folder); not on a big-endian machine.

    Raises :class:`~contentcal.errors.OutputError` when it cannot be written.
    """
    if sys.byteorder != "little":  # pragma: no cover - see _parse
        return
    keys = list(cache.sketches)
    scored = list(cache.scores)
    body = b"".join(
        [
            *keys,
            *map(cache.sketches.__getitem__, keys),
            *scored,
            array.array("H", map(cache.scores.__getitem__, scored)).tobytes(),
        ]
    )
    header = {
        "format": FORMAT,
        "algorithm": ALGORITHM,
        "threshold": float(cache.threshold) if cache.threshold else 1.0,
        "boilerplate": cache.boilerplate.hex() or "0" * 2 * _DIGEST,
        "sketches": len(keys),
        "scores": len(scored),
        "checksum": _checksum(body),
    }
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    write_atomic(path, json.dumps(header, sort_keys=True).encode() + b"\n" + body)
