"""``validate(plan)``: every check the loader runs, on a plan built in code.

A plan made from the attrs classes is turned back into the raw tables a plan file would
hold and goes through the same pass as a loaded one (:mod:`contentcal.files.build`), in
strict mode: besides references, unique ids, shares and zones, every value must already be
a model value (an aware ``datetime`` for ``at``, a ``Network`` for ``network``...). Problems
are located by key path, ``items[3].platform``, and by file and line for items that were
loaded from a file.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from contentcal.errors import PlanError, Problem
from contentcal.files import fields
from contentcal.files.build import PlanBuilder, known_valid, mark_valid
from contentcal.files.fields import Problems
from contentcal.files.readers import RawTable, TomlLines, fixed_line, no_lines
from contentcal.model import (
    Brand,
    ContentItem,
    FeedSettings,
    Goal,
    Pillar,
    Plan,
    Platform,
    ScheduleSettings,
    Story,
    StoryStep,
)
from contentcal.model.results import Action, Result, ReviewSettings
from contentcal.model.settings import CheckSettings, Thresholds

__all__ = ["require_valid", "validate"]

_IN_CODE = "<plan>"
"""The file name problems of a plan built in code carry."""


def validate(plan: Plan) -> list[Problem]:
    """Every problem of `plan`, located by key path; an empty list when it is valid.

    Runs the checks loading a plan file runs: known references (platform, pillar, goal),
    unique ids, shares between 0 and 1, known time zones, slots, limits, settings, rule
    names, and the type of every value.

    >>> import contentcal
    >>> plan = contentcal.Plan(
    ...     brand=contentcal.Brand(name="Kopi Senja", timezone="Asia/Jakarta"),
    ...     items=[contentcal.ContentItem(id="a", platform="tiktok", title="Hello")],
    ... )
    >>> [problem] = contentcal.validate(plan)
    >>> problem.path, problem.message
    ('items[0].platform', "item 'a': unknown platform 'tiktok'")
    """
    if known_valid(plan):
        return []
    problems = Problems()
    file = plan.source or _IN_CODE
    data = _tables(plan, problems, file)
    items = list(_item_tables(plan, problems, file))
    PlanBuilder(problems, strict=True).build(data, items, file=file, lines=TomlLines(""))
    if not problems:
        mark_valid(plan)
    return problems.items


def require_valid(plan: Plan) -> None:
    """Raise :class:`~contentcal.errors.PlanError` with every problem unless `plan` is valid."""
    if not isinstance(plan, Plan):
        raise PlanError(
            [Problem(f"expected a Plan, got {fields.kind(plan)}", hint="build it with Plan(...)")]
        )
    problems = validate(plan)
    if problems:
        raise PlanError(problems)


def _values(
    value: Any, problems: Problems, file: str, path: str, *, leave: Sequence[str] = ()
) -> dict[str, Any]:
    """The set fields of an attrs value as a raw table (``None`` means not set).

    A value equal to its default is left out, as a plan file would leave the key out.
    ``None`` is only "not set" for a field typed ``... | None``; anywhere else (a required
    field, a list, a number with a default) it is reported as a problem.
    """
    table = {}
    for field in attrs.fields(type(value)):
        if not field.init or field.name in leave:
            continue
        current = getattr(value, field.name)
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if current is not None and _is_default(current, default):
            continue  # like a key left out of a plan file
        if current is not None:
            table[field.name] = current
        elif not _optional(field):
            required = field.default is attrs.NOTHING
            problems.add(
                f"{field.name} is None",
                file=file,
                path=f"{path}.{field.name}" if path else field.name,
                hint="give it a value" if required else "leave it out to get its default",
                code="missing-field" if required else "plan-invalid",
            )
    return table


def _is_default(value: object, default: object) -> bool:
    """Whether `value` is its field's default (of the same type: ``False`` is not ``0``)."""
    try:
        return type(value) is type(default) and bool(value == default)
    except Exception:  # junk whose == raises (or is no bool) is not a default
        return False


def _optional(field: attrs.Attribute[Any]) -> bool:
    """Whether the field's type admits ``None`` (``alarm: timedelta | None``)."""
    annotation = field.type
    if isinstance(annotation, str):  # postponed annotations (``from __future__``)
        return annotation.replace(" ", "").endswith("|None") or annotation == "None"
    return type(None) in typing.get_args(annotation)


def _tables(plan: Plan, problems: Problems, file: str) -> dict[str, Any]:
    """The plan-file tables `plan` stands for; wrong types and duplicate ids are reported."""
    data: dict[str, Any] = {}
    if isinstance(plan.brand, Brand):
        data["brand"] = _values(plan.brand, problems, file, "brand")
    else:
        _wrong_type(problems, file, "brand", plan.brand, "Brand")
    for name, collection, cls in (
        ("goals", plan.goals, Goal),
        ("pillars", plan.pillars, Pillar),
        ("platforms", plan.platforms, Platform),
    ):
        tables: dict[str, Any] = {}
        for index, value in enumerate(_sequence(problems, file, name, collection)):
            if not isinstance(value, cls):
                _wrong_type(problems, file, f"{name}[{index}]", value, cls.__name__)
            elif not isinstance(value.id, str):
                _wrong_type(problems, file, f"{name}[{index}].id", value.id, "text")
            elif value.id in tables:
                problems.add(
                    f"duplicate {name[:-1]} id {value.id!r}",
                    file=file,
                    path=f"{name}[{index}].id",
                    hint=f"ids must be unique; rename one of the {name}",
                    code="duplicate-id",
                )
            else:
                tables[value.id] = _values(
                    value, problems, file, f"{name}.{value.id}", leave=("id",)
                )
        data[name] = tables
    settings: tuple[tuple[str, object, type], ...] = (
        ("schedule", plan.schedule_settings, ScheduleSettings),
        ("feeds", plan.feed_settings, FeedSettings),
    )
    for table, setting, setting_type in settings:
        if isinstance(setting, setting_type):
            data[table] = _values(setting, problems, file, table)
        else:
            _wrong_type(problems, file, table, setting, setting_type.__name__)
    _stories(plan, problems, file, data)
    _measured(plan, problems, file, data)
    check = plan.check_settings
    if not isinstance(check, CheckSettings):
        _wrong_type(problems, file, "check", check, "CheckSettings")
    elif not isinstance(check.thresholds, Thresholds):
        _wrong_type(problems, file, "check.thresholds", check.thresholds, "Thresholds")
    else:
        data["check"] = {
            "select": _listed(check.select),
            "ignore": _listed(check.ignore),
            "severity": dict(check.severity)
            if isinstance(check.severity, Mapping)
            else check.severity,
            **_values(check.thresholds, problems, file, "check"),
        }
    return data


def _stories(plan: Plan, problems: Problems, file: str, data: dict[str, Any]) -> None:
    """``[stories.<id>]`` tables, each step as the inline table a plan file holds."""
    tables: dict[str, Any] = {}
    for index, story in enumerate(_sequence(problems, file, "stories", plan.stories)):
        if not isinstance(story, Story):
            _wrong_type(problems, file, f"stories[{index}]", story, "Story")
            continue
        if not isinstance(story.id, str) or story.id in tables:
            problems.add(
                f"duplicate story id {story.id!r}",
                file=file,
                path=f"stories[{index}].id",
                hint="ids must be unique; rename one of the stories",
                code="duplicate-id",
            )
            continue
        path = f"stories.{story.id}"
        table = _values(story, problems, file, path, leave=("id", "steps"))
        steps = []
        for number, step in enumerate(_sequence(problems, file, f"{path}.steps", story.steps)):
            if isinstance(step, StoryStep):
                steps.append(_values(step, problems, file, f"{path}.steps[{number}]"))
            else:
                _wrong_type(problems, file, f"{path}.steps[{number}]", step, "StoryStep")
        table["steps"] = steps
        tables[story.id] = table
    if tables:
        data["stories"] = tables


def _measured(plan: Plan, problems: Problems, file: str, data: dict[str, Any]) -> None:
    """Results (as inline tables), ``[[actions]]`` and ``[review]`` in `data`."""
    rows = []
    for index, result in enumerate(_sequence(problems, file, "results", plan.results)):
        if isinstance(result, Result):
            rows.append(_values(result, problems, file, f"results[{index}]", leave=("source",)))
        else:
            _wrong_type(problems, file, f"results[{index}]", result, "Result")
    if rows:
        data["results"] = rows
    actions = []
    for index, action in enumerate(_sequence(problems, file, "actions", plan.actions)):
        if isinstance(action, Action):
            actions.append(_values(action, problems, file, f"actions[{index}]", leave=("source",)))
        else:
            _wrong_type(problems, file, f"actions[{index}]", action, "Action")
    if actions:
        data["actions"] = actions
    if isinstance(plan.review, ReviewSettings):
        data["review"] = _values(plan.review, problems, file, "review")
    elif plan.review is not None:
        _wrong_type(problems, file, "review", plan.review, "ReviewSettings")


def _item_tables(plan: Plan, problems: Problems, file: str) -> Iterator[RawTable]:
    """Each item as the raw table a reader would give, located where it came from."""
    for index, item in enumerate(_sequence(problems, file, "items", plan.items)):
        if not isinstance(item, ContentItem):
            _wrong_type(problems, file, f"items[{index}]", item, "ContentItem")
            continue
        table = _values(item, problems, file, f"items[{index}]", leave=("source",))
        source = item.source
        if source is not None and source.file:
            line_of = fixed_line(source.line) if source.line is not None else no_lines
            yield RawTable(
                table=table,
                file=source.file,
                path=source.path or f"items[{index}]",
                line=source.line,
                line_of=line_of,
            )
        else:
            yield RawTable(
                table=table, file=file, path=f"items[{index}]", line=None, line_of=no_lines
            )


def _listed(values: object) -> object:
    """A set of names as the list a plan file would hold (anything else as it is)."""
    return sorted(values, key=str) if isinstance(values, frozenset) else values


def _sequence(problems: Problems, file: str, name: str, values: object) -> tuple[Any, ...]:
    if isinstance(values, tuple):
        return values
    _wrong_type(problems, file, name, values, "tuple")
    return ()


def _wrong_type(problems: Problems, file: str, path: str, value: object, expected: str) -> None:
    problems.add(
        f"expected a {expected}, got {fields.kind(value)}",
        file=file,
        path=path,
        hint=f"build it with {expected}(...)" if expected[0].isupper() else None,
    )
