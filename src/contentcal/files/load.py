"""Plan files → :class:`~contentcal.model.Plan`, with every problem located.

A plan is one TOML file that may include item files: CSV exported from a spreadsheet, JSON
lines written by a script, or more TOML with ``[[items]]``. Loading never stops at the first
problem: it collects all of them, each with its file, line (where the format tells us), key
path and a hint, and raises one :class:`~contentcal.errors.PlanError`.

The work is split by part: :mod:`~contentcal.files.readers` has one reader per file kind,
:mod:`~contentcal.files.fields` the table of fields and their converters, and
:mod:`~contentcal.files.build` the one place that turns raw tables into model values. This
module only puts them in order.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from contentcal.collector import collector_paused
from contentcal.errors import PlanError, Problem
from contentcal.files.atomic import finish_interrupted, journal_for
from contentcal.files.build import PlanBuilder, RawItem, mark_valid
from contentcal.files.fields import ITEM_FIELDS, Problems, parse_duration
from contentcal.files.readers import RawTable, Readers, TomlLines, nested_deeper
from contentcal.model import (
    Brand,
    ContentItem,
    Goal,
    Limits,
    Pillar,
    Plan,
    Platform,
    Story,
)

__all__ = ["ITEM_FIELDS", "Loader", "load", "loads", "parse_duration"]


def load(path: str | os.PathLike[str]) -> Plan:
    """Load a plan file and everything it includes.

    Raises :class:`~contentcal.errors.PlanError` listing every problem found (with file,
    line, key path and a hint), or its subclass
    :class:`~contentcal.errors.PlanFileNotFoundError` when `path` does not exist.
    """
    return _load(path, None)


class Loader:
    """Loads plans again and again (as ``serve`` does after each edit), reusing what it
    read from every included item file whose bytes did not change.

    Each load reads the plan file and every included file as :func:`load` does, and gives
    the same plan or the same :class:`~contentcal.errors.PlanError`. An item file whose
    bytes (and the plan's ``[limits]``) are those of the last load is not parsed and
    converted again: its items, and the problems found in it, are taken from then. The
    bytes are compared, not the file's time stamps, which can hide an edit made within
    the same tick. The plan-level work (references, ids, times, settings) runs every time.
    """

    def __init__(self) -> None:
        self._files: dict[str, _ReadFile] = {}
        self._context: tuple[object, ...] | None = None
        """What the items of the last load were resolved against (brand, goals, ...)."""
        self._resolved: dict[int, tuple[RawItem, ContentItem]] = {}
        """By remembered item (its ``id``): the item it resolved to in the last load."""
        self._given: dict[int, RawItem] = {}
        """The remembered items this load handed to the builder, by ``id``."""
        self.reused: list[str] = []
        """The item files the last load took from the earlier one, in order."""

        self.parsed: list[str] = []
        """The item files the last load parsed and converted, in order."""

    def load(self, path: str | os.PathLike[str]) -> Plan:
        """:func:`load`, reusing the unchanged item files of the last load."""
        self.reused, self.parsed = [], []
        self._given = {}
        seen: set[str] = set()
        try:
            return _load(path, self, seen)
        finally:
            # Files no longer included are forgotten (a renamed file is read afresh).
            for name in set(self._files) - seen:
                del self._files[name]

    def _items(
        self, readers: Readers, builder: PlanBuilder, file: str, seen: set[str]
    ) -> Iterator[RawTable]:
        """The items of one included file as :class:`_Converted` tables: remembered when
        the file's bytes are those of the last load, else read and converted now."""
        data = readers.read_bytes(file)
        if data is None:
            return  # the problem is reported; a file that cannot be read is not remembered
        seen.add(file)
        problems = readers.problems
        known = self._files.get(file)
        if known is not None and known.limits == readers.limits and known.data == data:
            self.reused.append(file)
            for problem in known.problems:
                problems.keep(problem)
            for item in known.items:
                if item is not None:
                    self._given[id(item)] = item
                yield _Converted(item=item)
            return
        self.parsed.append(file)
        kept, dropped = len(problems.items), problems.dropped
        items: list[RawItem | None] = []
        for raw in readers.item_file(file, data):
            item = PlanBuilder.item_of(builder, raw)
            items.append(item)
            if item is not None:
                self._given[id(item)] = item
            yield _Converted(item=item)
        if problems.dropped == dropped:
            # Every problem of the file was kept, so it can be told again exactly.
            self._files[file] = _ReadFile(
                limits=readers.limits,
                data=data,
                items=tuple(items),
                problems=tuple(problems.items[kept:]),
            )
        else:
            self._files.pop(file, None)


@attrs.frozen
class _ReadFile:
    """What one item file gave: its bytes, under which limits, its items and problems."""

    limits: Limits
    data: bytes
    items: tuple[RawItem | None, ...]
    problems: tuple[Problem, ...]


@attrs.frozen
class _Converted(RawTable):
    """An item table a :class:`Loader` has converted already (``None``: it had problems)."""

    table: object = None
    file: str = ""
    path: str = ""
    line: int | None = None
    line_of: Any = None
    item: RawItem | None = None


def _copy(item: RawItem) -> RawItem:
    """A copy `resolve_items` may fill in (it adds to the values) without touching `item`."""
    return attrs.evolve(item, values=dict(item.values))


class _ReusingBuilder(PlanBuilder):
    """A builder fed by a :class:`Loader`: item tables arrive converted, and the items
    of unchanged files that resolved before resolve to the same items again."""

    def __init__(self, problems: Problems, *, base_dir: str | None, loader: Loader) -> None:
        super().__init__(problems, base_dir=base_dir)
        self.loader = loader

    def item_of(self, raw: RawTable) -> RawItem | None:
        if type(raw) is _Converted:
            return raw.item  # the loader's own: copied before anything changes it
        return super().item_of(raw)

    def resolve_items(
        self,
        raw_items: list[RawItem],
        brand: Brand | None,
        goals: Mapping[str, Goal],
        pillars: Mapping[str, Pillar],
        platforms: Mapping[str, Platform],
        stories: Mapping[str, Story],
    ) -> tuple[ContentItem, ...]:
        """:meth:`PlanBuilder.resolve_items`, reusing what the loader remembers.

        An item resolves to a value of its converted fields and of `brand`, `goals`,
        `pillars`, `platforms` and `stories` alone, except for the check that ids are
        unique. So when those are equal to the last load's and no id is used twice, a
        remembered item that resolved then (without a problem) resolves to the same
        :class:`~contentcal.model.ContentItem` now, and the same object is used; the
        others are resolved as always, in order, reporting their problems in order.
        """
        loader = self.loader
        context = (brand, goals, pillars, platforms, stories)
        given = loader._given
        known = loader._resolved if loader._context == context else {}
        ids = [raw.values["id"] for raw in raw_items]
        if len(set(ids)) != len(ids):
            known = {}  # a duplicate is reported where it is met: resolve them all
        fresh = [
            _copy(raw) if id(raw) in given else raw for raw in raw_items if id(raw) not in known
        ]
        templates = [raw for raw in raw_items if id(raw) not in known]
        kept, dropped = len(self.problems.items), self.problems.dropped
        resolved = super().resolve_items(fresh, brand, goals, pillars, platforms, stories)
        remembered = {key: known[key] for key in map(id, raw_items) if key in known}
        if len(self.problems.items) == kept and self.problems.dropped == dropped:
            # No problem: each item given resolved to one item, in order.
            remembered.update(
                (id(raw), (raw, item))
                for raw, item in zip(templates, resolved, strict=True)
                if id(raw) in given
            )
            made = iter(resolved)
            items = tuple(
                known[id(raw)][1] if id(raw) in known else next(made) for raw in raw_items
            )
        else:
            items = resolved  # the plan has problems: no plan is made of these
        loader._context, loader._resolved = context, remembered
        raw_items.clear()  # consumed, as the builder's own method does
        return items


def _load(
    path: str | os.PathLike[str], loader: Loader | None, seen: set[str] | None = None
) -> Plan:
    plan_path = os.fspath(path)
    # A pin killed between its renames is completed before anything reads the files.
    finish_interrupted(journal_for(plan_path))
    problems = Problems()
    problems.file = plan_path
    readers = Readers(problems, root=os.path.dirname(plan_path) or ".")
    text = readers.read_text(plan_path, is_plan=True)
    if text is None:
        raise PlanError(problems.all())
    return _from_text(text, plan_path, problems, readers, loader=loader, seen=seen)


def loads(text: str, *, base_dir: str | os.PathLike[str] | None = None) -> Plan:
    """Load a plan from TOML text, e.g. one written by :func:`contentcal.dump`.

    Included item files are looked up in `base_dir` (the working directory when ``None``),
    and stay inside it like a plan file's includes stay inside its folder. Problems name
    the file ``<string>``; the plan's ``source`` is ``None``. Raises
    :class:`~contentcal.errors.PlanError` listing every problem found.

    >>> plan = loads('''
    ... [brand]
    ... name = "Kopi Senja"
    ... timezone = "Asia/Jakarta"
    ... ''')
    >>> plan.brand.name, [pillar.id for pillar in plan.pillars][:2]
    ('Kopi Senja', ['communication', 'collaboration'])
    """
    base = os.fspath(base_dir) if base_dir is not None else ""
    problems = Problems()
    problems.file = _STRING
    readers = Readers(problems, root=base or ".")
    plan = _from_text(text, _STRING, problems, readers, base=base)
    plan = attrs.evolve(plan, source=None)
    mark_valid(plan)
    return plan


_STRING = "<string>"
"""The file name of a plan given as text."""


def _from_text(
    text: str,
    plan_path: str,
    problems: Problems,
    readers: Readers,
    *,
    base: str | None = None,
    loader: Loader | None = None,
    seen: set[str] | None = None,
) -> Plan:
    with collector_paused():
        return _build(text, plan_path, problems, readers, base=base, loader=loader, seen=seen)


def _build(
    text: str,
    plan_path: str,
    problems: Problems,
    readers: Readers,
    *,
    base: str | None = None,
    loader: Loader | None = None,
    seen: set[str] | None = None,
) -> Plan:
    data = readers.parse_toml(text, plan_path)
    if data is None:
        raise PlanError(problems.all())
    lines = TomlLines(text)
    builder = (
        PlanBuilder(problems, base_dir=base)
        if loader is None
        else _ReusingBuilder(problems, base_dir=base, loader=loader)
    )
    # [limits] first: it says how much of everything else may be read, and from where.
    readers.limits = builder.limits_table(data, plan_path, lines)
    if nested_deeper(data, readers.limits.nesting):
        readers.nesting_problem(plan_path)
        raise PlanError(problems.all())
    if loader is None:
        tables = _item_tables(readers, data, plan_path, lines, base)
    else:
        tables = _reused_tables(
            loader, readers, builder, data, plan_path, lines, set() if seen is None else seen
        )
    plan = builder.build(data, tables, file=plan_path, lines=lines)
    if plan is None:
        raise PlanError(problems.all())
    return plan


def _item_tables(
    readers: Readers, data: dict[str, Any], plan_path: str, lines: TomlLines, base: str | None
) -> Iterator[RawTable]:
    """The plan's own ``[[items]]``, then each included file's, read lazily in that order."""
    yield from readers.toml_items(data, plan_path, lines)
    for include in readers.includes(data, plan_path, lines, base=base):
        yield from readers.item_file(include)


def _reused_tables(
    loader: Loader,
    readers: Readers,
    builder: PlanBuilder,
    data: dict[str, Any],
    plan_path: str,
    lines: TomlLines,
    seen: set[str],
) -> Iterator[RawTable]:
    """:func:`_item_tables` through `loader`: the included files' items arrive converted."""
    yield from readers.toml_items(data, plan_path, lines)
    for include in readers.includes(data, plan_path, lines):
        yield from loader._items(readers, builder, include, seen)
