"""One reader per file kind: the TOML plan, and the item files it includes (CSV, JSON lines,
TOML with ``[[items]]``).

Readers only read: they decode bytes, parse the format and hand each item on as a
:class:`RawTable` (the raw values with where they came from). Converting values into the
model is :mod:`contentcal.files.build`'s job, so every format is converted the same way.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from contentcal.errors import PlanFileNotFoundError, Problem
from contentcal.files import fields
from contentcal.files.dialect import column_key, delimiter_of
from contentcal.files.fields import Problems
from contentcal.files.regular import NotRegularError, TooLargeError, read_regular
from contentcal.model import Limits

LineOf = Callable[[str], int | None]
"""Maps a key path to its line in the file (``None`` when unknown)."""


@attrs.frozen
class RawTable:
    """One item as a reader found it, before conversion."""

    table: object
    """The raw values: a dict from TOML or JSON, or column → cell text from CSV."""

    file: str
    """The file it was read from."""

    path: str
    """Its key path in that file, e.g. ``items[3]``."""

    line: int | None
    """The line it starts on, where known."""

    line_of: LineOf
    """Where each of its keys is, for locating problems."""


# --- locating lines in TOML -------------------------------------------------------------------


class TomlLines:
    """Best-effort map from key paths to line numbers in a TOML text.

    tomllib does not report positions, so we scan the text for table headers and keys. It is
    only used for messages and item sources, never to read values.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")

    def __init__(self, text: str) -> None:
        self._lines: dict[str, int] = {}
        self.item_lines: list[int] = []
        table = ""
        counters: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = ".".join(part.strip().strip('"') for part in header.group(2).split("."))
                if header.group(1) == "[[":
                    index = counters.get(name, 0)
                    counters[name] = index + 1
                    table = f"{name}[{index}]"
                    if name == "items":
                        self.item_lines.append(number)
                else:
                    table = name
                self._lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                path = key.group(1).strip('"')
                self._lines.setdefault(f"{table}.{path}" if table else path, number)

    @property
    def lines(self) -> Mapping[str, int]:
        """The line of each table header and key found, by key path."""
        return self._lines

    def line(self, path: str) -> int | None:
        """Line of `path` or of its closest enclosing table; ``None`` when unknown."""
        while path:
            if path in self._lines:
                return self._lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                break
            path = path[:cut]
        return self._lines.get(path)


_CSV_CHUNK = 8192
"""Bytes of a CSV file decoded at a time (io.TextIOWrapper's default; tests try small
chunks, where a line, a CRLF or a character's bytes fall between two)."""


def no_lines(_path: str) -> int | None:
    """Line lookup for values that come from no file (plans built in code)."""
    return None


def fixed_line(line: int) -> LineOf:
    """Line lookup for formats where a whole item sits on known lines (CSV, JSON lines)."""

    def line_of(_path: str) -> int | None:
        return line

    return line_of


def nested_deeper(value: object, limit: int) -> bool:
    """Whether `value` nests lists and tables more than `limit` deep (iteratively: a
    recursive walk would itself overflow the stack on the inputs this guards against)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            children: Any = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        for child in children:
            if isinstance(child, dict | list):
                if level + 1 > limit:
                    return True
                stack.append((child, level + 1))
    return False


def inside(path: str, root: str) -> bool:
    """Whether the (real) `path` is `root` or below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _fixed_part(pattern: str) -> str:
    """The leading folders of a glob pattern before its first wildcard."""
    parts = pattern.split(os.sep)
    for index, part in enumerate(parts):
        if glob.has_magic(part):
            return os.sep.join(parts[:index]) or (os.sep if pattern.startswith(os.sep) else ".")
    return pattern


def is_item_file(name: str) -> bool:
    """Whether `name` has the suffix of a file that can hold items."""
    return Path(name).suffix.lower() in (".csv", ".jsonl", ".ndjson", ".toml")


def is_results_file(name: str) -> bool:
    """Whether `name` has the suffix of a file that can hold results."""
    return Path(name).suffix.lower() in (".csv", ".jsonl", ".ndjson")


@attrs.frozen
class FileList:
    """A list of file patterns in the plan (``include``, ``results``): which files it
    takes and the words its problems use. :meth:`Readers.listed_files` resolves it."""

    key: str
    """The plan's key, e.g. ``include``."""
    accepts: Callable[[str], bool]
    noun: str
    """One file of the list: ``item file``."""
    missing: str
    """A named file that does not exist: ``included file``."""
    unknown: str
    """A named file of another type, ``{}`` for its name: ``cannot include {}``."""
    suffixes: str
    suffixes_named: str
    plural: str
    """All its entries: ``includes``."""
    verb: str
    """How to ask for fewer files: ``include``."""


ITEM_FILES = FileList(
    key="include",
    accepts=is_item_file,
    noun="item file",
    missing="included file",
    unknown="cannot include {}",
    suffixes=".csv, .jsonl or .toml",
    suffixes_named=".csv, .jsonl (JSON lines) or .toml",
    plural="includes",
    verb="include",
)
RESULTS_FILES = FileList(
    key="results",
    accepts=is_results_file,
    noun="results file",
    missing="results file",
    unknown="cannot read results from {}",
    suffixes=".csv or .jsonl",
    suffixes_named=".csv or .jsonl (JSON lines)",
    plural="results entries",
    verb="name",
)


# --- the readers -------------------------------------------------------------------------------


class Readers:
    """Reads plan and item files, reporting every problem to `problems`."""

    def __init__(
        self, problems: Problems, *, limits: Limits | None = None, root: str = "."
    ) -> None:
        self.problems = problems
        self.limits = limits or Limits()
        """The plan's ``[limits]`` (set once the plan file is parsed)."""
        self.root = os.path.realpath(root)
        """The plan's folder after symlinks: includes must stay inside it."""

    def pattern_outside(self, full: str) -> bool:
        """Whether a (normalised) path or glob pattern leaves the plan's folder, judged by its
        folders before the first wildcard, so nothing outside is ever searched."""
        return not self.limits.allow_outside and not inside(
            os.path.realpath(_fixed_part(full)), self.root
        )

    def file_outside(self, path: str) -> bool:
        """Whether `path` leads outside the plan's folder once symlinks are followed."""
        return not self.limits.allow_outside and not inside(os.path.realpath(path), self.root)

    def nesting_problem(self, file: str, line: int | None = None) -> None:
        """Report a document nested deeper than the limit."""
        self.problems.add(
            f"tables and lists are nested more than {self.limits.nesting} deep",
            file=file,
            line=line,
            hint="a plan never needs this; if yours does, raise nesting in [limits]",
            code="limit-exceeded",
        )

    def read_text(self, file: str, *, is_plan: bool = False) -> str | None:
        """The decoded text of `file`; ``None`` (with a problem) when it cannot be read.

        A missing plan file raises :class:`~contentcal.errors.PlanFileNotFoundError`. Only
        regular files are read (a FIFO or a device is a problem, not a hang), and none larger
        than ``[limits] file_bytes`` (for the plan file itself: the default).
        """
        data = self.read_bytes(file, is_plan=is_plan)
        return None if data is None else self.decode(data, file)

    def read_bytes(self, file: str, *, is_plan: bool = False) -> bytes | None:
        """The bytes of `file`, read as :meth:`read_text` reads it; ``None`` (with a
        problem) when it cannot be read."""
        most = Limits().file_bytes if is_plan else self.limits.file_bytes
        try:
            return read_regular(file, most)
        except NotRegularError as exc:
            if exc.kind == "a directory":
                self.problems.add(
                    "is a directory, not a file", file=file, hint="name the plan's .toml file"
                )
            else:
                self.problems.add(
                    f"is {exc.kind}, not a regular file",
                    file=file,
                    hint="contentcal only reads regular files; name a file",
                    code="file-unreadable",
                )
            return None
        except TooLargeError:
            self.problems.add(
                f"is larger than {most:,} bytes",
                file=file,
                hint="split it into several files, or raise file_bytes in [limits]"
                + (" (the plan file itself is always held to the default)" if is_plan else ""),
                code="limit-exceeded",
            )
            return None
        except FileNotFoundError:
            if is_plan:
                raise PlanFileNotFoundError(
                    [
                        Problem(
                            "plan file not found",
                            file=file,
                            hint="check the path; a plan is a .toml file",
                            code="file-not-found",
                        )
                    ]
                ) from None
            self.problems.add(
                "file not found", file=file, hint="check the include path", code="file-not-found"
            )
            return None
        except IsADirectoryError:
            self.problems.add(
                "is a directory, not a file", file=file, hint="name the plan's .toml file"
            )
            return None
        except OSError as exc:
            self.problems.add(f"cannot be read: {exc.strerror}", file=file, code="file-unreadable")
            return None

    def decode(self, data: bytes, file: str) -> str | None:
        """`data` (read from `file`) as text (UTF-8, with or without a byte order mark);
        ``None`` (with a located problem) when it is not UTF-8."""
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad_line = data[: exc.start].count(b"\n") + 1
            self.problems.add(
                "is not valid UTF-8 text",
                file=file,
                line=bad_line,
                hint="save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
                code="bad-encoding",
            )
            return None

    def parse_toml(self, text: str, file: str) -> dict[str, Any] | None:
        """The TOML document in `text`; ``None`` (with a located problem) when invalid."""
        try:
            return tomllib.loads(text)
        except RecursionError:
            self.nesting_problem(file)
            return None
        except ValueError as exc:
            if not isinstance(exc, tomllib.TOMLDecodeError):
                # int() refuses numbers over 4,300 digits with a plain ValueError.
                self.problems.add(
                    "invalid TOML: a number is too long",
                    file=file,
                    hint="numbers in a plan have at most a few digits",
                    code="syntax-error",
                )
                return None
            message = str(exc)
            where = re.search(r"\(at line (\d+), column (\d+)\)", message)
            line = column = None
            if where:
                line, column = int(where.group(1)), int(where.group(2))
                message = message[: where.start()].strip()
            elif "(at end of document)" in message:
                line = text.count("\n") + 1
                message = message.replace("(at end of document)", "").strip()
            self.problems.add(
                f"invalid TOML: {message[:1].lower() + message[1:]}",
                file=file,
                line=line,
                column=column,
                hint="see https://toml.io for the syntax; strings need quotes",
                code="syntax-error",
            )
            return None

    def includes(
        self, data: dict[str, Any], plan_path: str, lines: TomlLines, *, base: str | None = None
    ) -> list[str]:
        """The item files the plan's ``include`` names, in order, each once.

        Patterns are relative to `base`, by default the plan file's folder. Patterns and the
        files they match must stay inside the plan's folder after symlinks unless
        ``[limits] allow_outside``; their number is limited by ``patterns`` and ``files``.
        """
        raw = data.get("include", [])
        patterns = [raw] if isinstance(raw, str) else raw
        if not isinstance(patterns, list):
            self.problems.add(
                f"include must be a list of file names, got {fields.kind(raw)}",
                file=plan_path,
                line=lines.line("include"),
                path="include",
                hint='e.g. include = ["items/*.csv"]',
            )
            return []
        caps = self.limits
        if len(patterns) > caps.patterns:
            self.problems.add(
                f"include has {len(patterns):,} entries; at most {caps.patterns:,} are allowed",
                file=plan_path,
                line=lines.line("include"),
                path="include",
                hint="use patterns such as items/*.csv, or raise patterns in [limits]",
                code="limit-exceeded",
            )
            return []
        entries = []
        for index, pattern in enumerate(patterns):
            if not isinstance(pattern, str) or not pattern.strip():
                self.problems.add(
                    f"an include must be a file name or pattern, got {fields.quote(pattern)}",
                    file=plan_path,
                    line=lines.line("include"),
                    path=f"include[{index}]",
                    hint='e.g. include = ["items/*.csv"]',
                )
                continue
            entries.append((f"include[{index}]", pattern))
        base = os.path.dirname(plan_path) if base is None else base
        return self.listed_files(entries, ITEM_FILES, base, plan_path, lines.line("include"))

    def listed_files(
        self,
        entries: Sequence[tuple[str, str]],
        kind: FileList,
        base: str,
        plan_path: str,
        line: int | None,
    ) -> list[str]:
        """The files that `entries` ((key path, pattern) pairs of the plan's `kind` list)
        name, in order, each once: the one resolver of ``include`` and ``results``.

        Patterns are relative to `base`. A pattern or a file outside the plan's folder
        (after symlinks) is refused unless ``[limits] allow_outside``; a glob stops at the
        ``files`` limit, and more files than that are reported and cut off.
        """
        caps = self.limits
        files: list[str] = []
        seen: set[str] = set()  # a set: thousands of patterns must not cost quadratic time
        for path, pattern in entries:
            full = os.path.normpath(os.path.join(base, pattern))

            def report(
                message: str, hint: str, code: str = "plan-invalid", path: str = path
            ) -> None:
                self.problems.add(
                    message, file=plan_path, line=line, path=path, hint=hint, code=code
                )

            if self.pattern_outside(full):
                # Refused before globbing: "/usr/**/*.csv" once ran for 42 minutes.
                report(
                    f"{kind.key} {fields.quote(pattern)} is outside the plan's folder",
                    "move the file into the plan's folder or below it, or set "
                    "allow_outside = true in [limits] if you trust the whole path",
                    "unsafe-path",
                )
                continue
            if glob.has_magic(pattern):
                matches = []
                for match in glob.iglob(full, recursive=True):
                    # Not isfile(): a FIFO or device that matches is reported, not skipped.
                    if not os.path.isdir(match) and kind.accepts(match):
                        matches.append(match)
                    if len(seen) + len(matches) > caps.files:
                        break
                if not matches:
                    report(
                        f"{kind.key} pattern {fields.quote(pattern)} matches no {kind.noun}",
                        f"looked for {full}; {kind.noun}s end in {kind.suffixes}",
                        "file-not-found",
                    )
                candidates = sorted(matches)
            elif not os.path.lexists(full):
                report(
                    f"{kind.missing} {fields.quote(pattern)} does not exist",
                    f"looked for {full}; paths are relative to the plan file",
                    "file-not-found",
                )
                continue
            elif not kind.accepts(full):
                report(
                    kind.unknown.format(fields.quote(pattern)) + ": unknown file type",
                    f"{kind.noun}s end in {kind.suffixes_named}",
                )
                continue
            else:
                candidates = [full]
            for candidate in candidates:
                if candidate in seen:
                    continue
                if self.file_outside(candidate):
                    report(
                        f"{fields.quote(candidate)} leads outside the plan's folder "
                        "(a symbolic link or a folder link)",
                        "copy the file into the plan's folder, or set allow_outside = true "
                        "in [limits] if you trust where it leads",
                        "unsafe-path",
                    )
                    continue
                seen.add(candidate)
                files.append(candidate)
                if len(files) > caps.files:
                    report(
                        f"the {kind.plural} match more than {caps.files:,} files",
                        f"{kind.verb} fewer, larger files, or raise files in [limits]",
                        "limit-exceeded",
                    )
                    return files[: caps.files]
        return files

    def item_file(self, file: str, content: bytes | None = None) -> Iterator[RawTable]:
        """The items of one included file, whatever its kind; `content` is its bytes when
        they were read already (:meth:`read_bytes`)."""
        raw_bytes = self.read_bytes(file) if content is None else content
        if raw_bytes is None:
            return
        text = self.decode(raw_bytes, file)
        suffix = Path(file).suffix.lower()
        # Only CSV rows are read from the bytes; other files do not hold them while read.
        csv_bytes = raw_bytes if suffix == ".csv" else None
        del raw_bytes
        if text is None:
            return
        if csv_bytes is not None:
            yield from self.csv_items(text, file, csv_bytes)
            return
        if suffix in (".jsonl", ".ndjson"):
            yield from self.jsonl_items(text, file)
            return
        data = self.parse_toml(text, file)
        if data is None:
            return
        if nested_deeper(data, self.limits.nesting):
            self.nesting_problem(file)
            return
        lines = TomlLines(text)
        for key in data:
            if key != "items":
                self.problems.add(
                    f"an included TOML file may only hold [[items]], found {fields.quote(key)}",
                    file=file,
                    line=lines.line(key),
                    path=key,
                    hint="move brand, goals, pillars and platforms into the main plan file",
                    code="unknown-key",
                )
        yield from self.toml_items(data, file, lines)

    def toml_items(self, data: dict[str, Any], file: str, lines: TomlLines) -> Iterator[RawTable]:
        """The ``[[items]]`` tables of a TOML document."""
        items = data.get("items", [])
        if not isinstance(items, list):
            self.problems.add(
                f"items must be written as [[items]] tables, got {fields.kind(items)}",
                file=file,
                line=lines.line("items"),
                path="items",
                hint="start each item with a line [[items]]",
            )
            return
        for index, table in enumerate(items):
            path = f"items[{index}]"
            line = lines.item_lines[index] if index < len(lines.item_lines) else lines.line(path)
            yield RawTable(table=table, file=file, path=path, line=line, line_of=lines.line)

    def csv_items(self, text: str, file: str, data: bytes | None = None) -> Iterator[RawTable]:
        """The rows of a CSV item file, keyed by the header's field names.

        With `data`, the bytes `text` was decoded from, the rows are read from the bytes:
        decoding them again chunk by chunk gives the same lines, and a line of a text with
        emoji is then not cut out of a buffer of four bytes a character (io.StringIO's).
        """
        delimiter = delimiter_of(text)
        if data is None:
            lines: Iterator[str] = io.StringIO(text, newline="")
        else:
            wrapper = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
            wrapper._CHUNK_SIZE = _CSV_CHUNK  # type: ignore[attr-defined]
            lines = wrapper
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            self.problems.add(
                "the CSV file is empty", file=file, hint="add a header row of item fields"
            )
            return
        except csv.Error as exc:
            self.problems.add(f"invalid CSV: {exc}", file=file, line=1, code="syntax-error")
            return
        if len(header) > self.limits.columns:
            self.problems.add(
                f"the header has {len(header):,} columns; at most {self.limits.columns:,} "
                "are allowed",
                file=file,
                line=1,
                hint="an item file needs one column per item field; raise columns in [limits] "
                "if you really need more",
                code="limit-exceeded",
            )
            return
        columns: list[str | None] = []
        for position, name in enumerate(header, start=1):
            key = column_key(name)
            if not key:
                columns.append(None)
                continue
            if key not in fields.ITEM_SPEC:
                self.problems.add(
                    f"unknown column {fields.quote(name.strip())}",
                    file=file,
                    line=1,
                    path=f"column {position}",
                    hint=fields.did_you_mean(key, fields.ITEM_FIELDS),
                    code="unknown-key",
                )
                columns.append(None)
                continue
            columns.append(key)
        # Without unknown, unnamed or repeated columns, rows become tables the fast way.
        plain_columns = tuple(key for key in columns if key is not None)
        if len(set(plain_columns)) != len(columns):
            plain_columns = ()
        copy_at = plain_columns.index("copy") if "copy" in plain_columns else None
        most_rows = self.limits.rows
        width = len(columns)
        next_row = reader.__next__
        index = 0
        previous_end = reader.line_num
        while True:
            try:
                row = next_row()
            except StopIteration:
                break
            except csv.Error as exc:
                self.problems.add(
                    f"invalid CSV: {exc}",
                    file=file,
                    line=previous_end + 1,
                    hint="check the quotes in this row; a cell with a line break must be quoted",
                    code="syntax-error",
                )
                return
            start, previous_end = previous_end + 1, reader.line_num
            if not (row and row[0].strip()) and not any(cell.strip() for cell in row):
                continue
            if index >= most_rows:
                self.too_many_rows(file, start)
                return
            if len(row) > width:
                self.problems.add(
                    f"row has {len(row)} cells but the header has {len(columns)} columns",
                    file=file,
                    line=start,
                    path=f"items[{index}]",
                    hint="quote cells that contain the delimiter "
                    f"{delimiter!r}, or add a column name to the header",
                )
            if plain_columns:
                # One C-level pass; the copy keeps its spaces (its position in the dict too).
                table = dict(zip(plain_columns, map(str.strip, row), strict=False))
                if copy_at is not None and copy_at < len(row):
                    table["copy"] = row[copy_at]
            else:
                table = {
                    key: cell.strip() if key != "copy" else cell
                    for key, cell in zip(columns, row, strict=False)
                    if key is not None
                }
            yield RawTable(table, file, f"items[{index}]", start, fixed_line(start))
            index += 1

    def too_many_rows(self, file: str, line: int) -> None:
        """Report a file with more rows than [limits] rows."""
        self.problems.add(
            f"the file has more than {self.limits.rows:,} items",
            file=file,
            line=line,
            hint="split it into several files, or raise rows in [limits]",
            code="limit-exceeded",
        )

    def json_lines(self, text: str, file: str, *, noun: str) -> Iterator[tuple[int, Any]]:
        """Each non-blank line of a JSON lines file, parsed: (line number, value).

        A line that is not JSON, holds a number too long or nests too deep is reported and
        skipped; past ``[limits] rows`` lines, reading stops with a problem. `noun` says
        what a line holds ("an item", "a result") in messages. Item and results files both
        read through here.
        """
        rows = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            rows += 1
            if rows > self.limits.rows:
                self.too_many_rows(file, number)
                return
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                self.problems.add(
                    f"invalid JSON: {exc.msg}",
                    file=file,
                    line=number,
                    column=exc.colno,
                    hint="each line must be one JSON object",
                    code="syntax-error",
                )
                continue
            except RecursionError:
                self.nesting_problem(file, number)
                continue
            except ValueError:  # int() refuses numbers over 4,300 digits
                self.problems.add(
                    "invalid JSON: a number is too long",
                    file=file,
                    line=number,
                    hint=f"numbers in {noun} have at most a few digits",
                    code="syntax-error",
                )
                continue
            if nested_deeper(value, self.limits.nesting):
                self.nesting_problem(file, number)
                continue
            yield number, value

    def jsonl_items(self, text: str, file: str) -> Iterator[RawTable]:
        """The objects of a JSON lines item file, one per line."""
        for index, (number, table) in enumerate(self.json_lines(text, file, noun="an item")):
            yield RawTable(
                table=table,
                file=file,
                path=f"items[{index}]",
                line=number,
                line_of=fixed_line(number),
            )
