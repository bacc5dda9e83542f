"""``dump(plan)``: a plan back as plan-file text, so ``loads(dump(plan)) == plan``.

The TOML is written the way the plan-file reference documents it: keyed tables for goals,
pillars and platforms, ``[[items]]`` for items (or a separate CSV file), results as inline
tables (``results = [{ date = ..., ... }]``), ``[[actions]]`` and ``[review]``, durations as
``"90m"``, times with their UTC offset. Values equal to their default are left out, so a
dumped plan reads like one written by hand: no ``[pillars]`` when they are the four
default pillars, no item ``owner`` when it is the platform's.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import tomlkit
import tomlkit.items

from contentcal.files.fields import ITEM_FIELDS
from contentcal.files.validate import require_valid
from contentcal.model import Blackout, ContentItem, Plan, Platform, Story
from contentcal.model.plan import default_pillars
from contentcal.model.settings import CheckSettings
from contentcal.model.zones import localize

__all__ = ["dump", "dump_items_csv", "format_duration"]


def format_duration(value: dt.timedelta) -> str:
    """A duration as the plan file writes it: ``"1h30m"``, ``"2d"``, ``"0s"``.

    >>> format_duration(dt.timedelta(minutes=90))
    '1h30m'
    >>> format_duration(dt.timedelta(days=1, seconds=1.5))
    '1d1.5s'
    """
    seconds = value.days * 86400 + value.seconds
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    if value.microseconds:
        parts.append(f"{seconds}.{value.microseconds:06d}".rstrip("0") + "s")
    elif seconds or not parts:
        parts.append(f"{seconds}s")
    return "".join(parts)


def _blackouts(values: Iterable[Blackout]) -> list[Any]:
    result: list[Any] = []
    for blackout in values:
        dates = (
            blackout.first.isoformat()
            if blackout.first == blackout.last
            else f"{blackout.first}..{blackout.last}"
        )
        if blackout.reason is None:
            result.append(dates)
        else:
            inline = tomlkit.inline_table()
            inline.update({"dates": dates, "reason": blackout.reason})
            result.append(inline)
    return result


def _plain(value: Any) -> Any:
    """A model value as TOML writes it."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    if isinstance(value, tuple | frozenset) and all(isinstance(v, Blackout) for v in value):
        return _blackouts(value) if value else []
    if isinstance(value, tuple | frozenset | set):
        return sorted(value) if not isinstance(value, tuple) else list(value)
    if isinstance(value, Mapping):
        inline = tomlkit.inline_table()
        inline.update({key: _plain(item) for key, item in value.items()})
        return inline
    return value


def _table(value: Any, *, leave: Iterable[str] = (), keep: Iterable[str] = ()) -> dict[str, Any]:
    """The fields of an attrs value that differ from their default (or are in `keep`)."""
    result = {}
    skipped, kept = set(leave), set(keep)
    for field in attrs.fields(type(value)):
        if not field.init or field.name in skipped:
            continue
        current = getattr(value, field.name)
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if field.name not in kept and (current is None or current == default):
            continue
        result[field.name] = _plain(current)
    return result


def _wall_time(value: Any, zone_name: str) -> Any:
    """`value` as the platform's wall time when that reads back as the same instant.

    The loader gives a time without offset the platform's zone, so ``19:00`` in the
    platform's zone is written as it is planned; other zones keep their offset.
    """
    if not isinstance(value, dt.datetime) or not isinstance(value.tzinfo, zoneinfo.ZoneInfo):
        return value
    if value.tzinfo.key != zone_name or value.fold:
        return value
    naive = value.replace(tzinfo=None)
    local = localize(naive, value.tzinfo)
    if local.replace(tzinfo=None) != naive or local.utcoffset() != value.utcoffset():
        return value  # a time inside a DST gap: only the offset says which instant
    return naive


def _item_table(plan: Plan, item: ContentItem) -> dict[str, Any]:
    platform = plan.platform(item.platform)
    table = _table(item, leave=("source",), keep=("id", "platform", "title"))
    if item.owner is not None and item.owner == platform.owner:
        del table["owner"]  # the model's default: the platform's owner
    for key in ("at", "updated"):
        if key in table:
            table[key] = _wall_time(table[key], platform.timezone)
    if "repeat_at" in table:
        table["repeat_at"] = [_wall_time(value, platform.timezone) for value in table["repeat_at"]]
    return table


def _platform_table(plan: Plan, platform: Platform) -> dict[str, Any]:
    table = _table(platform, leave=("id",), keep=("network",))
    if platform.timezone == plan.brand.timezone:
        del table["timezone"]  # the brand's zone is the default
    return table


def _story_table(story: Story) -> dict[str, Any]:
    table = _table(story, leave=("id", "steps"), keep=("title",))
    steps = tomlkit.array()
    for step in story.steps:
        inline = tomlkit.inline_table()
        inline.update(_table(step, keep=("platform",)))
        steps.append(inline)
    table["steps"] = steps
    return table


def _check_table(settings: CheckSettings) -> dict[str, Any]:
    table: dict[str, Any] = {}
    if settings.select:
        table["select"] = sorted(settings.select)
    if settings.ignore:
        table["ignore"] = sorted(settings.ignore)
    if settings.severity:
        table["severity"] = _plain({key: str(value) for key, value in settings.severity.items()})
    table.update(_table(settings.thresholds))
    return table


def _keyed(tables: Iterable[tuple[str, dict[str, Any]]]) -> tomlkit.items.Table:
    """``[name.<id>]`` tables; an empty ``[name]`` when there are none (no pillars)."""
    result = tomlkit.table()
    for key, table in tables:
        result[key] = table
    if len(result):
        result = _super(result)
    return result


def _super(table: tomlkit.items.Table) -> tomlkit.items.Table:
    """`table` written only as its sub-tables' headers (``[goals.x]``, not ``[goals]``)."""
    result = tomlkit.table(is_super_table=True)
    for key, value in table.items():
        result[key] = value
    return result


def dump(plan: Plan, *, items_file: str | None = None) -> str:
    """The plan as plan-file TOML; ``loads(dump(plan)) == plan``.

    With `items_file` (e.g. ``"items.csv"``), items are left out of the TOML and the plan
    includes that file instead: write :func:`dump_items_csv` to it, beside the plan.

    Raises :class:`~contentcal.errors.PlanError` for an invalid plan (see
    :func:`contentcal.validate`): only a valid plan can be written back.

    >>> import contentcal
    >>> plan = contentcal.Plan(brand=contentcal.Brand(name="Kopi Senja", timezone="Asia/Jakarta"))
    >>> print(contentcal.dump(plan), end="")
    [brand]
    name = "Kopi Senja"
    timezone = "Asia/Jakarta"
    """
    require_valid(plan)
    document = tomlkit.document()
    if items_file is not None:
        document["include"] = [items_file]
    document["brand"] = _table(plan.brand, keep=("name", "timezone"))
    if plan.goals:
        document["goals"] = _keyed(
            (goal.id, _table(goal, leave=("id",), keep=("statement",))) for goal in plan.goals
        )
    if plan.pillars != default_pillars():  # the four default pillars need no table
        document["pillars"] = _keyed(
            (pillar.id, _table(pillar, leave=("id",))) for pillar in plan.pillars
        )
    if plan.platforms:
        document["platforms"] = _keyed(
            (platform.id, _platform_table(plan, platform)) for platform in plan.platforms
        )
    if plan.stories:
        document["stories"] = _keyed((story.id, _story_table(story)) for story in plan.stories)
    for name, table in (
        ("schedule", _table(plan.schedule_settings)),
        ("feeds", _table(plan.feed_settings)),
        ("check", _check_table(plan.check_settings)),
    ):
        if name == "feeds" and plan.feed_settings.alarm is None:
            table["alarm"] = False  # "no reminder" is written as false
        if table:
            document[name] = table
    if plan.results:
        rows = tomlkit.array()
        rows.multiline(True)
        for result in plan.results:
            row = tomlkit.inline_table()
            row.update(_table(result, leave=("source",), keep=("date", "metric", "value")))
            rows.append(row)
        document["results"] = rows
    if plan.review is not None:
        document["review"] = _table(plan.review, keep=("when",))
    if plan.actions:
        actions = tomlkit.aot()
        for action in plan.actions:
            actions.append(_table(action, leave=("source",), keep=("id", "what", "due")))
        document["actions"] = actions
    if items_file is None and plan.items:
        items = tomlkit.aot()
        for item in plan.items:
            items.append(_item_table(plan, item))
        document["items"] = items
    return tomlkit.dumps(document)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(entry) for entry in value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def dump_items_csv(plan: Plan) -> str:
    """The plan's items as a CSV item file (comma-separated, a header of item fields).

    Only columns some item uses are written, in the documented order. Cells are written as
    the loader reads them: lists comma-separated, times as the platform's wall time (or with
    their UTC offset). Lines end in ``\r\n`` (RFC 4180); write the text with ``newline=""``.
    """
    require_valid(plan)
    rows = [_item_table(plan, item) for item in plan.items]
    columns = [name for name in ITEM_FIELDS if any(name in row for row in rows)]
    out = io.StringIO()
    # RFC 4180 line ends: the csv module then quotes a cell holding either \r or \n.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns or ["id", "platform", "title"])
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return out.getvalue()
