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

from contentcal.collector import collector_paused
from contentcal.errors import PlanError
from contentcal.files.atomic import finish_interrupted, journal_for
from contentcal.files.build import PlanBuilder, mark_valid
from contentcal.files.fields import ITEM_FIELDS, Problems, parse_duration
from contentcal.files.readers import RawTable, Readers, TomlLines, nested_deeper
from contentcal.model import Plan

__all__ = ["ITEM_FIELDS", "load", "loads", "parse_duration"]


def load(path: str | os.PathLike[str]) -> Plan:
    """Load a plan file and everything it includes.

    Raises :class:`~contentcal.errors.PlanError` listing every problem found (with file,
    line, key path and a hint), or its subclass
    :class:`~contentcal.errors.PlanFileNotFoundError` when `path` does not exist.
    """
    plan_path = os.fspath(path)
    # A pin killed between its renames is completed before anything reads the files.
    finish_interrupted(journal_for(plan_path))
    problems = Problems()
    problems.file = plan_path
    readers = Readers(problems, root=os.path.dirname(plan_path) or ".")
    text = readers.read_text(plan_path, is_plan=True)
    if text is None:
        raise PlanError(problems.all())
    return _from_text(text, plan_path, problems, readers)


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
    text: str, plan_path: str, problems: Problems, readers: Readers, *, base: str | None = None
) -> Plan:
    with collector_paused():
        return _build(text, plan_path, problems, readers, base=base)


def _build(
    text: str, plan_path: str, problems: Problems, readers: Readers, *, base: str | None = None
) -> Plan:
    data = readers.parse_toml(text, plan_path)
    if data is None:
        raise PlanError(problems.all())
    lines = TomlLines(text)
    builder = PlanBuilder(problems, base_dir=base)
    # [limits] first: it says how much of everything else may be read, and from where.
    readers.limits = builder.limits_table(data, plan_path, lines)
    if nested_deeper(data, readers.limits.nesting):
        readers.nesting_problem(plan_path)
        raise PlanError(problems.all())
    plan = builder.build(
        data, _item_tables(readers, data, plan_path, lines, base), file=plan_path, lines=lines
    )
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
