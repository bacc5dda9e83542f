"""Pinning: write placed times back into the files the items came from.

After pinning, each placed item carries ``at = ...`` (the platform's local wall time) in its
own file, so the calendar no longer shifts when items are added or the plan is scheduled on
another day. Only the changed values are touched:

* TOML files are edited with tomlkit, which keeps comments, order and formatting;
* CSV files keep their delimiter, quoting, line endings and BOM; only the ``at`` cells
  change (an ``at`` column is appended when the file has none);
* JSON lines files get the one line of each changed item rewritten.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from contentcal.errors import PlanError, Problem
from contentcal.files.atomic import journal_for, write_all, write_atomic
from contentcal.files.dialect import column_key, delimiter_of
from contentcal.files.regular import NotRegularError, TooLargeError, read_regular
from contentcal.model.zones import get_zone
from contentcal.scheduling.place import Entry, Schedule

__all__ = ["FileChange", "PinResult", "apply_pins", "pin"]


@attrs.frozen
class FileChange:
    """New contents for one file."""

    file: str
    """The file, as the plan names it."""

    before: str
    """Its text now."""

    after: str
    """Its text with the pinned times."""

    items: tuple[str, ...]
    """Ids of the items pinned in this file."""

    encoding: str = "utf-8"
    """``utf-8-sig`` when the file starts with a BOM (kept on write)."""

    def diff(self) -> str:
        """A unified diff of the change."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.file}",
                tofile=f"b/{self.file}",
            )
        )


@attrs.frozen
class PinResult:
    """What pinning would change."""

    changes: tuple[FileChange, ...]
    """One change per file that gets new times."""

    plan_file: str | None = None
    """The plan file; its folder's ``.contentcal/`` holds the journal of a pin in progress."""

    @property
    def pinned(self) -> int:
        """How many items get a time."""
        return sum(len(change.items) for change in self.changes)

    def diff(self) -> str:
        """Unified diff of every file."""
        return "".join(change.diff() for change in self.changes)


def pin(schedule: Schedule) -> PinResult:
    """Compute the file edits that give every placed item its time; writes nothing.

    Raises :class:`~contentcal.errors.PlanError` when a file changed since it was loaded
    in a way that hides an item.
    """
    by_file: dict[str, list[Entry]] = defaultdict(list)
    repeats: dict[str, list[Entry]] = defaultdict(list)
    for entry in schedule.all_entries:
        if entry.placed and entry.item.source is not None:
            if entry.occurrence == 1:
                by_file[entry.item.source.file].append(entry)
            else:
                repeats[entry.item.id].append(entry)
    # An evergreen item's repeats are pinned together in `repeat_at`: the ones pinned
    # before, then the placed ones (which always come after them), in order.
    repeat_values: dict[str, dict[str, list[dt.datetime]]] = defaultdict(dict)
    for item_id, entries in repeats.items():
        item = entries[0].item
        assert item.source is not None  # noqa: S101 - only entries with a source are kept
        zone = get_zone(entries[0].platform.timezone)
        pinned = [moment.astimezone(zone).replace(tzinfo=None) for moment in item.repeat_at]
        placed = [_local(entry) for entry in sorted(entries, key=lambda e: e.occurrence)]
        repeat_values[item.source.file][item_id] = pinned + placed
    changes = []
    for file in sorted(set(by_file) | set(repeat_values)):
        entries = by_file.get(file, [])
        repeat_times = repeat_values.get(file, {})
        raw = _read(file)
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        before = raw.decode(encoding)
        values = {entry.item.id: _local_text(entry) for entry in entries}
        suffix = Path(file).suffix.lower()
        if suffix == ".csv":
            after = _pin_csv(before, values, file)
            if repeat_times:
                after = _pin_csv(
                    after,
                    {
                        item_id: ",".join(f"{moment:%Y-%m-%dT%H:%M}" for moment in times)
                        for item_id, times in repeat_times.items()
                    },
                    file,
                    column="repeat_at",
                )
        elif suffix in (".jsonl", ".ndjson"):
            after = _pin_jsonl(before, values, file)
            if repeat_times:
                after = _pin_jsonl(
                    after,
                    {
                        item_id: [f"{moment:%Y-%m-%dT%H:%M}" for moment in times]
                        for item_id, times in repeat_times.items()
                    },
                    file,
                    key="repeat_at",
                )
        else:
            after = _pin_toml(before, entries, file, repeat_times)
        item_ids = [entry.item.id for entry in entries]
        item_ids += [item_id for item_id in repeat_times if item_id not in item_ids]
        changes.append(
            FileChange(
                file=file,
                before=before,
                after=after,
                items=tuple(item_ids),
                encoding=encoding,
            )
        )
    return PinResult(changes=tuple(changes), plan_file=schedule.plan.source)


def apply_pins(result: PinResult) -> None:
    """Write every change, all files or none.

    Each file must still hold exactly what :func:`pin` read: a file a teammate edited
    meanwhile raises :class:`~contentcal.errors.FileChangedError` naming it, and nothing is
    written. A run killed half-way through the renames is completed by the next
    :func:`~contentcal.load` of the plan (see :func:`~contentcal.files.atomic.write_all`).
    Raises :class:`~contentcal.errors.OutputError` when a file cannot be written.
    """
    if not result.changes:
        return
    if len(result.changes) == 1:  # one rename is all or nothing already: no journal needed
        change = result.changes[0]
        write_atomic(
            change.file,
            change.after.encode(change.encoding),
            expected=change.before.encode(change.encoding),
        )
        return
    anchor = result.plan_file or result.changes[0].file
    write_all(
        [
            (
                change.file,
                change.after.encode(change.encoding),
                change.before.encode(change.encoding),
            )
            for change in result.changes
        ],
        journal=journal_for(anchor),
    )


def _read(file: str) -> bytes:
    """The item file as it is now; it was a regular file when loaded and must still be one."""
    try:
        return read_regular(file, 2**40)
    except (OSError, NotRegularError, TooLargeError) as exc:
        why = f"it is {exc.kind}" if isinstance(exc, NotRegularError) else "it cannot be read"
        raise PlanError(
            [
                Problem(
                    f"cannot pin: {why}",
                    file=file,
                    hint="the file changed while contentcal ran; run the command again",
                )
            ]
        ) from None


def _local(entry: Entry) -> dt.datetime:
    assert isinstance(entry.start, dt.datetime)  # noqa: S101 - placed entries are timed
    return entry.start.astimezone(get_zone(entry.platform.timezone)).replace(tzinfo=None)


def _local_text(entry: Entry) -> str:
    return _local(entry).strftime("%Y-%m-%dT%H:%M")


def _missing(file: str, item_ids: Iterable[str]) -> PlanError:
    return PlanError(
        [
            Problem(
                f"cannot pin item {item_id!r}: it is no longer in the file",
                file=file,
                hint="the file changed while contentcal ran; run the command again",
            )
            for item_id in item_ids
        ]
    )


# --- TOML ----------------------------------------------------------------------------------------


def _pin_toml(
    text: str,
    entries: Sequence[Entry],
    file: str,
    repeats: Mapping[str, list[dt.datetime]] | None = None,
) -> str:
    import tomlkit  # noqa: PLC0415 - only pinning needs it

    repeats = repeats or {}
    try:
        document = tomlkit.parse(text)
    except (ValueError, RecursionError, tomlkit.exceptions.TOMLKitError):
        raise _missing(file, [entry.item.id for entry in entries]) from None
    items = document.get("items", [])
    by_id = {str(table.get("id", "")).strip(): table for table in items if hasattr(table, "get")}
    missing = [entry.item.id for entry in entries if entry.item.id not in by_id]
    missing += [item_id for item_id in repeats if item_id not in by_id and item_id not in missing]
    if missing:
        raise _missing(file, missing)
    for entry in entries:
        _set_at(tomlkit, by_id[entry.item.id], _local(entry))
    for item_id, times in repeats.items():
        _set_at(tomlkit, by_id[item_id], times, key="repeat_at")
    result: str = tomlkit.dumps(document)
    if "\r\n" in text:
        # tomlkit writes the lines it adds with "\n"; a CRLF file stays CRLF throughout.
        result = re.sub(r"(?<!\r)\n", "\r\n", result)
    return result


def _set_at(
    tomlkit: Any, table: Any, value: dt.datetime | list[dt.datetime], key: str = "at"
) -> None:
    """Add ``at = value`` (or another `key`) right after the table's last key, indented like it.

    Plain assignment appends below the comments and blank lines that end the table, and
    those usually introduce the *next* item; the new line would sit under them.
    """
    container = table.value if isinstance(table, tomlkit.items.Table) else None
    # tomlkit has no public "insert after"; without it we fall back to appending.
    insert_after = getattr(container, "_insert_after", None)
    body: list[tuple[Any, Any]] = list(container.body) if container is not None else []
    keyed = [index for index, (key, _) in enumerate(body) if key is not None]
    if insert_after is None or key in table or not keyed or keyed[-1] == len(body) - 1:
        table[key] = value
        return
    last_key, last_item = body[keyed[-1]]
    item = tomlkit.item(value)
    item.trivia.indent = last_item.trivia.indent.rsplit("\n", 1)[-1]
    insert_after(last_key, key, item)


# --- CSV -----------------------------------------------------------------------------------------


@attrs.frozen
class _Record:
    """Character spans of one CSV record's cells, and where its line ending starts."""

    cells: tuple[tuple[int, int], ...]
    end: int


def _scan_csv(text: str, delimiter: str) -> list[_Record]:
    """Split CSV text into records with the exact span of every cell (quotes included)."""
    records = []
    position, length = 0, len(text)
    while position < length:
        cells = []
        while True:
            start = position
            if position < length and text[position] == '"':
                position += 1
                while position < length:
                    if text[position] == '"':
                        if position + 1 < length and text[position + 1] == '"':
                            position += 2
                            continue
                        position += 1
                        break
                    position += 1
            while position < length and text[position] not in (delimiter, "\n", "\r"):
                position += 1
            cells.append((start, position))
            if position < length and text[position] == delimiter:
                position += 1
                continue
            break
        records.append(_Record(cells=tuple(cells), end=position))
        if text.startswith("\r\n", position):
            position += 2
        elif position < length:
            position += 1
    return records


def _cell_text(text: str, span: tuple[int, int]) -> str:
    raw = text[span[0] : span[1]]
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        return raw[1:-1].replace('""', '"')
    return raw


def _pin_csv(text: str, values: Mapping[str, str], file: str, column: str = "at") -> str:
    delimiter = delimiter_of(text)
    values = {
        item_id: f'"{value}"' if delimiter in value else value for item_id, value in values.items()
    }
    records = _scan_csv(text, delimiter)
    header = [column_key(_cell_text(text, span)) for span in records[0].cells] if records else []
    if "id" not in header:  # the file changed since loading
        raise _missing(file, values)
    id_column = header.index("id")
    at_column = header.index(column) if column in header else None
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied back to front
    found = set()
    if at_column is None:
        if not values:
            return text
        edits.append((records[0].end, records[0].end, f"{delimiter}{column}"))
    for record in records[1:]:
        if len(record.cells) <= id_column:
            continue
        item_id = _cell_text(text, record.cells[id_column]).strip()
        value = values.get(item_id)
        if value is not None:
            found.add(item_id)
        if at_column is None:
            if any(text[start:end].strip() for start, end in record.cells):
                edits.append((record.end, record.end, f"{delimiter}{value or ''}"))
        elif value is not None:
            if at_column < len(record.cells):
                start, end = record.cells[at_column]
                edits.append((start, end, value))
            else:
                padding = delimiter * (at_column - len(record.cells) + 1)
                edits.append((record.end, record.end, f"{padding}{value}"))
    missing = [item_id for item_id in values if item_id not in found]
    if missing:
        raise _missing(file, missing)
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


# --- JSON lines ----------------------------------------------------------------------------------


# JSON allows these unescaped inside strings, but they end a line for str.splitlines (and
# for the loader): written raw, one item would become two broken lines.
_LINE_BREAKS = {ord(char): f"\\u{ord(char):04x}" for char in "\x85\u2028\u2029"}


def _pin_jsonl(text: str, values: Mapping[str, str | list[str]], file: str, key: str = "at") -> str:
    lines = text.splitlines(keepends=True)
    found = set()
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            continue  # the file changed since loading; a missing item is reported below
        if not isinstance(data, dict):
            continue
        item_id = str(data.get("id", "")).strip()
        if item_id in values:
            found.add(item_id)
            data[key] = values[item_id]
            ending = re.search(r"\r?\n$", line)
            dumped = json.dumps(data, ensure_ascii=False).translate(_LINE_BREAKS)
            lines[index] = dumped + (ending.group() if ending else "")
    missing = [item_id for item_id in values if item_id not in found]
    if missing:
        raise _missing(file, missing)
    return "".join(lines)
