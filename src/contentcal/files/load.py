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
from collections.abc import Iterator
from typing import Any

import attrs

from contentcal.errors import PlanError
from contentcal.files.build import PlanBuilder, mark_valid
from contentcal.files.fields import ITEM_FIELDS, Problems, parse_duration
from contentcal.files.readers import RawTable, Readers, TomlLines
from contentcal.model import Plan

__all__ = ["ITEM_FIELDS", "load", "loads", "parse_duration"]


def load(path: str | os.PathLike[str]) -> Plan:
    """Load a plan file and everything it includes.

    Raises :class:`~contentcal.errors.PlanError` listing every problem found (with file,
    line, key path and a hint), or its subclass
    :class:`~contentcal.errors.PlanFileNotFoundError` when `path` does not exist.
    """
    plan_path = os.fspath(path)
    problems = Problems()
    text = Readers(problems).read_text(plan_path, is_plan=True)
    if text is None:
        raise PlanError(problems.items)
    return _from_text(text, plan_path, problems)


def loads(text: str, *, base_dir: str | os.PathLike[str] | None = None) -> Plan:
    """Load a plan from TOML text, e.g. one written by :func:`contentcal.dump`.

    Included item files are looked up in `base_dir` (the working directory when ``None``).
    Problems name the file ``<string>``; the plan's ``source`` is ``None``. Raises
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
    plan = attrs.evolve(_from_text(text, _STRING, Problems(), base=base), source=None)
    mark_valid(plan)
    return plan


_STRING = "<string>"
"""The file name of a plan given as text."""


def _from_text(text: str, plan_path: str, problems: Problems, *, base: str | None = None) -> Plan:
    readers = Readers(problems)
    data = readers.parse_toml(text, plan_path)
    if data is None:
        raise PlanError(problems.items)
    lines = TomlLines(text)
    plan = PlanBuilder(problems, base_dir=base).build(
        data, _item_tables(readers, data, plan_path, lines, base), file=plan_path, lines=lines
    )
    if plan is None:
        raise PlanError(problems.items)
    return plan


def _item_tables(
    readers: Readers, data: dict[str, Any], plan_path: str, lines: TomlLines, base: str | None
) -> Iterator[RawTable]:
    """The plan's own ``[[items]]``, then each included file's, read lazily in that order."""
    yield from readers.toml_items(data, plan_path, lines)
    for include in readers.includes(data, plan_path, lines, base=base):
        yield from readers.item_file(include)
