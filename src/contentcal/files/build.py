"""The one place that turns raw tables into model values, collecting every problem.

Readers (:mod:`contentcal.files.readers`) find the raw tables; this module converts them
field by field through the specs in :mod:`contentcal.files.fields`, resolves references
(platforms, pillars, goals), checks unique ids and gives times their zones. Every problem is
recorded with its file, line, key path and a hint; nothing stops at the first one.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from contentcal import hints
from contentcal.files import fields
from contentcal.files.fields import Problems
from contentcal.files.readers import RawTable, TomlLines, inside
from contentcal.model import (
    DEFAULT_PILLARS,
    Brand,
    ContentItem,
    FeedSettings,
    Goal,
    Limits,
    Network,
    Pillar,
    Plan,
    Platform,
    ScheduleSettings,
    Source,
    Story,
    StoryStep,
)
from contentcal.model.settings import CheckSettings, Thresholds

_SettingsT = TypeVar("_SettingsT", ScheduleSettings, FeedSettings)


_VALID: dict[int, weakref.ref[Plan]] = {}
"""Plans known to be valid (built here from checked values), by identity.

A plan is immutable, so once valid it stays valid; ``attrs.evolve`` makes a new plan, which
is validated again. Held weakly: a plan that is gone leaves the registry.
"""


def mark_valid(plan: Plan) -> None:
    """Remember that `plan` passed validation, so later stages need not repeat it."""
    key = id(plan)
    _VALID[key] = weakref.ref(plan, lambda _ref: _VALID.pop(key, None))


def known_valid(plan: Plan) -> bool:
    """Whether `plan` itself (not an equal copy) is known to be valid."""
    ref = _VALID.get(id(plan))
    return ref is not None and ref() is plan


@attrs.define
class RawItem:
    """An item's converted fields before references and times are resolved."""

    values: dict[str, Any]
    raw_at: object
    raw_updated: object
    raw_repeat_at: object
    given: frozenset[str]
    """The keys the table had, also those whose value could not be converted."""

    source: Source
    path: str
    line_of: Callable[[str], int | None]


class PlanBuilder:
    """Converts the tables of one plan file; problems go to `problems`."""

    def __init__(
        self,
        problems: Problems,
        *,
        strict: bool = False,
        base_dir: str | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.problems = problems
        self.strict = strict
        """Whether values must already be model values (a plan built in code, validated)."""
        self.base_dir = base_dir
        """Where files the plan names are found; the plan file's folder when ``None``."""
        self.caps = limits or Limits()
        """The plan's ``[limits]``: caps on slots and horizon, where the state file may go."""
        self._compiled: dict[tuple[str, ...], _CompiledItem | None] = {}
        """The conversion steps of each item key order met (one per CSV file header)."""
        self._memos: dict[str, dict[str, Any]] = {key: {} for key in _MEMO_FIELDS}
        """Converted values of the few distinct texts of category-like item fields."""
        self._moments: dict[tuple[str, str, bool], dt.datetime | dt.date] = {}
        """Converted ``at``/``updated`` texts by zone: slots repeat across platforms."""

    def limits_table(self, data: dict[str, Any], file: str, lines: TomlLines) -> Limits:
        """The plan's ``[limits]`` table (read first: it governs how the rest is read)."""
        if "limits" not in data:
            return Limits()
        values = self.convert_table(
            data["limits"],
            fields.LIMIT_FIELDS,
            file=file,
            path="limits",
            line_of=lines.line,
            what="[limits]",
        )
        self.caps = Limits(**values) if values else Limits()
        return self.caps

    def build(
        self, data: dict[str, Any], items: Iterable[RawTable], *, file: str, lines: TomlLines
    ) -> Plan | None:
        """The plan of a parsed plan file and its item tables; ``None`` after any problem.

        `items` is consumed in order after the plan's own tables are converted, so a lazy
        iterable reports file problems (includes) in the order a reader meets them.
        """
        self.top_level(data, file, lines)
        brand = self.brand(data, file, lines)
        goals = self.goals(data, file, lines)
        pillars = self.pillars(data, file, lines)
        platforms = self.platforms(data, file, lines, brand)
        stories = self.stories(data, file, lines, goals, pillars, platforms)
        raw_items = [item for item in map(self.item_of, items) if item is not None]

        check_settings = self.check_settings(data, file, lines)
        settings: dict[str, Mapping[str, Any]] = {}
        for name in fields.SETTINGS_TABLES:
            if name in data:
                if isinstance(data[name], dict):
                    settings[name] = data[name]
                else:
                    self.problems.add(
                        f"[{name}] must be a table, got {fields.kind(data[name])}",
                        file=file,
                        line=lines.line(name),
                        path=name,
                    )

        schedule_settings = self.settings_table(
            data, "schedule", fields.SCHEDULE_FIELDS, ScheduleSettings, file, lines
        )
        feed_settings = self.settings_table(
            data, "feeds", fields.FEED_FIELDS, FeedSettings, file, lines
        )
        item_ids = [raw.values["id"] for raw in raw_items]
        item_files = {raw.source.file for raw in raw_items}
        # Consumes raw_items: each item's raw values are gone once it is made.
        resolved = self.resolve_items(raw_items, brand, goals, pillars, platforms, stories)
        self.check_horizon(schedule_settings, file, lines)
        self.check_state_file(feed_settings, file, lines, item_files)
        from contentcal.files.measured import load_measured  # noqa: PLC0415 - avoids a cycle

        measured = load_measured(
            self,
            data,
            file,
            lines,
            brand=brand,
            goals=goals,
            platforms=platforms,
            item_ids=item_ids,
        )
        if self.problems or brand is None:
            return None
        plan = Plan(
            brand=brand,
            goals=tuple(goals.values()),
            pillars=tuple(pillars.values()),
            platforms=tuple(platforms.values()),
            items=resolved,
            stories=tuple(stories.values()),
            schedule_settings=schedule_settings,
            feed_settings=feed_settings,
            check_settings=check_settings,
            settings=settings,
            source=file,
            results=measured.results,
            actions=measured.actions,
            review=measured.review,
            warnings=measured.warnings,
            limits=self.caps,
        )
        mark_valid(plan)
        return plan

    def check_horizon(self, settings: ScheduleSettings, file: str, lines: TomlLines) -> None:
        """``[schedule] horizon`` may not exceed ``[limits] horizon_days``."""
        most = self.caps.horizon_days
        if settings.horizon > dt.timedelta(days=most):
            self.problems.add(
                f"the horizon is longer than {most} days",
                file=file,
                line=lines.line("schedule.horizon"),
                path="schedule.horizon",
                hint="plan at most a few years ahead, or raise horizon_days in [limits]",
                code="limit-exceeded",
            )

    def check_state_file(
        self, settings: FeedSettings, file: str, lines: TomlLines, item_files: set[str]
    ) -> None:
        """The feed state must be a .json file of its own, inside the plan's folder."""
        name = settings.state_file
        full = os.path.normpath(os.path.join(os.path.dirname(file), name))
        real = os.path.realpath(full)
        # realpath() once per file, not per item: a million items share a few files.
        inputs = {os.path.realpath(name) for name in {file, *item_files}}
        root = os.path.realpath(os.path.dirname(file) or ".")
        report = None
        if not name.lower().endswith(".json"):
            report = "the feed state file must end in .json"
        elif real in inputs:
            report = "the feed state file would overwrite a plan or item file"
        elif not self.caps.allow_outside and not inside(real, root):
            report = "the feed state file is outside the plan's folder"
        if report:
            self.problems.add(
                f"{report}: {fields.quote(name)}",
                file=file,
                line=lines.line("feeds.state_file"),
                path="feeds.state_file",
                hint='e.g. state_file = ".contentcal/feed-state.json"; '
                "set allow_outside = true in [limits] to keep it elsewhere",
                code="unsafe-path",
            )

    def check_slots_per_day(
        self, slots: Sequence[str], file: str, path: str, lines: TomlLines
    ) -> None:
        """A platform's slots may give at most ``[limits] slots_per_day`` times a day."""
        from contentcal.scheduling.cadence import most_per_day, parse_slot  # noqa: PLC0415

        most = self.caps.slots_per_day
        count = sum(most_per_day(parse_slot(text)) for text in slots)
        if count > most:
            self.problems.add(
                f"the slots give up to {count:,} posting times a day; at most {most} are allowed",
                file=file,
                line=lines.line(f"{path}.slots"),
                path=f"{path}.slots",
                hint="a platform needs a few slots a day; raise slots_per_day in [limits] "
                "if yours needs more",
                code="limit-exceeded",
            )

    def top_level(self, data: dict[str, Any], file: str, lines: TomlLines) -> None:
        """Report top-level keys the plan file may not have."""
        for key in data:
            if key not in fields.TOP_LEVEL:
                self.problems.add(
                    f"unknown top-level key {fields.quote(key)}",
                    file=file,
                    line=lines.line(key),
                    path=key,
                    hint=fields.did_you_mean(key, fields.TOP_LEVEL),
                    code="unknown-key",
                )

    def convert_table(
        self,
        table: object,
        spec: Mapping[str, fields.Field],
        *,
        file: str,
        path: str,
        line_of: Callable[[str], int | None],
        what: str,
    ) -> dict[str, Any] | None:
        """Convert a table by `spec`; report unknown, missing and invalid keys."""
        if not isinstance(table, dict):
            self.problems.add(
                f"{what} must be a table, got {fields.kind(table)}",
                file=file,
                line=line_of(path),
                path=path,
                hint=f"write it as [{path}] with keys below it",
            )
            return None
        values: dict[str, Any] = {}
        for key, raw in table.items():
            key_path = f"{path}.{key}"
            field = spec.get(key)
            if field is None:
                self.problems.add(
                    f"unknown key {fields.quote(key)} in {what}",
                    file=file,
                    line=line_of(key_path),
                    path=key_path,
                    hint=fields.did_you_mean(key, list(spec)),
                    code="unknown-key",
                )
                continue
            if raw == "" and not field.required and not self.strict:
                continue  # an empty spreadsheet cell means "not set" (in files, not code)
            try:
                values[key] = field.convert(raw)
            except fields.ConversionError as exc:
                located = (
                    exc.errors if isinstance(exc, fields.ManyConversionsError) else [("", exc)]
                )
                for subkey, error in located:
                    self.problems.add(
                        error.message,
                        file=file,
                        line=line_of(key_path),
                        path=f"{key_path}.{subkey}" if subkey else key_path,
                        hint=error.hint,
                        code=error.code,
                    )
                continue
            # A value passed through unchanged (times, slots) is checked where it is resolved.
            if self.strict and values[key] is not raw and not same_kind(raw, values[key]):
                message, hint = type_problem(raw, values[key])
                self.problems.add(
                    message, file=file, line=line_of(key_path), path=key_path, hint=hint
                )
        for key, field in spec.items():
            if field.required and key not in table:
                self.problems.add(
                    f"{what} has no {fields.quote(key)}",
                    file=file,
                    line=line_of(path),
                    path=f"{path}.{key}",
                    hint=f"add {key} = ...",
                    code="missing-field",
                )
        return values

    def settings_table(
        self,
        data: dict[str, Any],
        name: str,
        spec: Mapping[str, fields.Field],
        settings_type: type[_SettingsT],
        file: str,
        lines: TomlLines,
    ) -> _SettingsT:
        """A settings table such as ``[schedule]`` converted by `spec`; defaults when absent."""
        if name not in data:
            return settings_type()
        values = self.convert_table(
            data[name], spec, file=file, path=name, line_of=lines.line, what=f"[{name}]"
        )
        if values and values.get("holidays") is not None:
            self.holidays(values, file, lines)
        return settings_type(**values) if values else settings_type()

    def holidays(self, values: dict[str, Any], file: str, lines: TomlLines) -> None:
        """Report an unknown holiday country or subdivision now, not when scheduling."""
        from contentcal.scheduling.holidays import subdivisions  # noqa: PLC0415 - optional extra

        country, subdivision = values["holidays"], values.get("subdivision")
        known = subdivisions(country)
        if known is None:  # the `holidays` extra is missing: scheduling will say so
            return
        if not known[0]:
            self.problems.add(
                f"no public holidays known for country {country!r}",
                file=file,
                line=lines.line("schedule.holidays"),
                path="schedule.holidays",
                hint=hints.did_you_mean(country.upper(), known[1])
                or "use an ISO 3166 country code such as 'ID', 'DE' or 'US'",
            )
        elif subdivision is not None and subdivision not in known[1]:
            self.problems.add(
                f"no public holidays known for subdivision {subdivision!r} of {country!r}",
                file=file,
                line=lines.line("schedule.subdivision"),
                path="schedule.subdivision",
                hint=fields.did_you_mean(subdivision, known[1])
                if known[1]
                else f"the holidays data has no subdivisions of {country!r}; remove subdivision",
            )

    def check_settings(self, data: dict[str, Any], file: str, lines: TomlLines) -> CheckSettings:
        """The ``[check]`` table, converted like every other table; defaults when absent."""
        if "check" not in data:
            return CheckSettings()
        values = self.convert_table(
            data["check"],
            fields.CHECK_FIELDS,
            file=file,
            path="check",
            line_of=lines.line,
            what="[check]",
        )
        if not values:
            return CheckSettings()
        values = {key.replace("-", "_"): value for key, value in values.items()}
        return CheckSettings(
            select=values.pop("select", ()),
            ignore=values.pop("ignore", ()),
            severity=values.pop("severity", {}),
            thresholds=Thresholds(**values),
        )

    def brand(self, data: dict[str, Any], file: str, lines: TomlLines) -> Brand | None:
        if "brand" not in data:
            self.problems.add(
                "the plan has no [brand] table",
                file=file,
                line=1,
                path="brand",
                hint='add [brand] with name = "..." and timezone = "Asia/Jakarta"',
                code="missing-field",
            )
            return None
        values = self.convert_table(
            data["brand"],
            fields.BRAND_FIELDS,
            file=file,
            path="brand",
            line_of=lines.line,
            what="[brand]",
        )
        if values is None or "name" not in values or "timezone" not in values:
            return None
        return Brand(**values)

    def keyed(
        self, data: dict[str, Any], name: str, file: str, lines: TomlLines
    ) -> Iterator[tuple[str, object]]:
        tables = data.get(name, {})
        if not isinstance(tables, dict):
            self.problems.add(
                f"{name} must be tables like [{name}.<id>], got {fields.kind(tables)}",
                file=file,
                line=lines.line(name),
                path=name,
            )
            return
        for key, table in tables.items():
            if not key.strip():
                self.problems.add(
                    f"a key in [{name}] is empty", file=file, line=lines.line(name), path=name
                )
                continue
            yield key, table

    def goals(self, data: dict[str, Any], file: str, lines: TomlLines) -> dict[str, Goal]:
        goals = {}
        for key, table in self.keyed(data, "goals", file, lines):
            values = self.convert_table(
                table,
                fields.GOAL_FIELDS,
                file=file,
                path=f"goals.{key}",
                line_of=lines.line,
                what=f"goal {fields.quote(key)}",
            )
            if values is not None and "statement" in values:
                goals[key] = Goal(id=key, **values)
        return goals

    def pillars(self, data: dict[str, Any], file: str, lines: TomlLines) -> dict[str, Pillar]:
        if "pillars" not in data:
            return {
                pillar_id: Pillar(id=pillar_id, description=description, color=color)
                for pillar_id, description, color in DEFAULT_PILLARS
            }
        pillars = {}
        for key, table in self.keyed(data, "pillars", file, lines):
            values = self.convert_table(
                table,
                fields.PILLAR_FIELDS,
                file=file,
                path=f"pillars.{key}",
                line_of=lines.line,
                what=f"pillar {fields.quote(key)}",
            )
            if values is not None:
                pillars[key] = Pillar(id=key, **values)
        return pillars

    def platforms(
        self, data: dict[str, Any], file: str, lines: TomlLines, brand: Brand | None
    ) -> dict[str, Platform]:
        platforms = {}
        for key, table in self.keyed(data, "platforms", file, lines):
            path = f"platforms.{key}"
            values = self.convert_table(
                table,
                fields.PLATFORM_FIELDS,
                file=file,
                path=path,
                line_of=lines.line,
                what=f"platform {fields.quote(key)}",
            )
            if values is None:
                continue
            ok = True
            if "network" not in values:
                alias = fields.NETWORK_ALIASES.get(key.lower(), key.lower())
                if alias in Network._value2member_map_:
                    values["network"] = Network(alias)
                elif isinstance(table, dict) and "network" not in table:
                    ok = False
                    self.problems.add(
                        f"platform {fields.quote(key)} does not say which network it is on",
                        file=file,
                        line=lines.line(path),
                        path=f"{path}.network",
                        hint=f'add network = "instagram" (or another network); '
                        f"{fields.did_you_mean(key.lower(), [n.value for n in Network])}",
                        code="missing-field",
                    )
                else:
                    ok = False
            if "slots" in values:
                values["slots"] = self.slots(values["slots"], file, path, lines)
                self.check_slots_per_day(values["slots"], file, path, lines)
            if "limits" in values:
                values["limits"] = self.limits(values["limits"], file, path, lines)
            timezone = values.pop("timezone", None) or (brand.timezone if brand else "UTC")
            if ok:
                platforms[key] = Platform(id=key, timezone=timezone, **values)
        return platforms

    def slots(self, raw: object, file: str, path: str, lines: TomlLines) -> tuple[str, ...]:
        from contentcal.scheduling.cadence import CadenceError, parse_slot  # noqa: PLC0415 - keep start-up light

        entries = [raw] if isinstance(raw, str) else raw
        if not isinstance(entries, list | tuple):
            self.problems.add(
                f"slots must be a list of texts, got {fields.kind(raw)}",
                file=file,
                line=lines.line(f"{path}.slots"),
                path=f"{path}.slots",
                hint='e.g. slots = ["MO,WE,FR 19:00", "SA 10:00"]',
            )
            return ()
        result = []
        for index, entry in enumerate(entries):
            slot_path = f"{path}.slots[{index}]"
            if not isinstance(entry, str):
                self.problems.add(
                    f"a slot must be text, got {fields.kind(entry)}",
                    file=file,
                    line=lines.line(f"{path}.slots"),
                    path=slot_path,
                    hint='e.g. "MO,WE,FR 19:00"',
                )
                continue
            try:
                parse_slot(entry)
            except CadenceError as exc:
                self.problems.add(
                    exc.message,
                    file=file,
                    line=lines.line(f"{path}.slots"),
                    path=slot_path,
                    hint=exc.hint,
                    code="bad-slot",
                )
                continue
            result.append(entry)
        return tuple(result)

    def limits(self, raw: object, file: str, path: str, lines: TomlLines) -> dict[str, int]:
        if not isinstance(raw, Mapping):
            self.problems.add(
                f"limits must be a table of whole numbers, got {fields.kind(raw)}",
                file=file,
                line=lines.line(f"{path}.limits"),
                path=f"{path}.limits",
                hint="e.g. limits = { text = 1000 }",
            )
            return {}
        from contentcal.networks.limits import LIMIT_KINDS  # noqa: PLC0415 - only plans with limits

        result = {}
        for key, value in raw.items():
            if key not in LIMIT_KINDS:
                self.problems.add(
                    f"unknown limit {fields.quote(key)}",
                    file=file,
                    line=lines.line(f"{path}.limits"),
                    path=f"{path}.limits.{key}",
                    hint=fields.did_you_mean(key, LIMIT_KINDS),
                    code="unknown-key",
                )
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                self.problems.add(
                    f"limit {fields.quote(key)} must be a positive whole number, "
                    f"got {fields.quote(value)}",
                    file=file,
                    line=lines.line(f"{path}.limits"),
                    path=f"{path}.limits.{key}",
                    hint="e.g. limits = { text = 1000 }",
                )
                continue
            result[key] = value
        return result

    def stories(
        self,
        data: dict[str, Any],
        file: str,
        lines: TomlLines,
        goals: Mapping[str, Goal],
        pillars: Mapping[str, Pillar],
        platforms: Mapping[str, Platform],
    ) -> dict[str, Story]:
        stories = {}
        for key, table in self.keyed(data, "stories", file, lines):
            path = f"stories.{key}"
            values = self.convert_table(
                table,
                fields.STORY_FIELDS,
                file=file,
                path=path,
                line_of=lines.line,
                what=f"story {key!r}",
            )
            if values is None or "title" not in values:
                continue
            ok = True
            references = (("goal", goals, "goals"), ("pillar", pillars, "pillars"))
            for name, known, table_name in references:
                if name in values and values[name] not in known:
                    self.problems.add(
                        f"story {key!r}: unknown {name} {values[name]!r}",
                        file=file,
                        line=lines.line(f"{path}.{name}"),
                        path=f"{path}.{name}",
                        hint=unknown_reference_hint(values[name], known, table_name),
                        code="unknown-reference",
                    )
                    ok = False
            steps = self.steps(values.pop("steps", []), file, path, lines, platforms)
            if steps is None:
                ok = False
            if ok:
                stories[key] = Story(id=key, steps=steps or (), **values)
        return stories

    def steps(
        self,
        raw: object,
        file: str,
        path: str,
        lines: TomlLines,
        platforms: Mapping[str, Platform],
    ) -> tuple[StoryStep, ...] | None:
        """A story's steps in order; ``None`` when any step is wrong (each one reported)."""
        steps_path = f"{path}.steps"
        if not isinstance(raw, list):
            self.problems.add(
                f"steps must be a list of steps, got {fields.kind(raw)}",
                file=file,
                line=lines.line(steps_path),
                path=steps_path,
                hint='e.g. steps = [{ platform = "whatsapp" }, { platform = "instagram", '
                'after = "2d" }]',
            )
            return None
        steps: list[StoryStep] = []
        seen: dict[str, int] = {}
        ok = True
        for index, entry in enumerate(raw):
            step_path = f"{steps_path}[{index}]"
            values = self.convert_table(
                entry,
                fields.STEP_FIELDS,
                file=file,
                path=step_path,
                line_of=lines.line,
                what=f"step {index + 1}",
            )
            if values is None or "platform" not in values:
                ok = False
                continue
            platform_id = values["platform"]
            if platform_id not in platforms:
                self.problems.add(
                    f"step {index + 1}: unknown platform {platform_id!r}",
                    file=file,
                    line=lines.line(f"{step_path}.platform"),
                    path=f"{step_path}.platform",
                    hint=unknown_reference_hint(platform_id, platforms, "platforms"),
                    code="unknown-reference",
                )
                ok = False
            elif platform_id in seen:
                self.problems.add(
                    f"step {index + 1}: platform {platform_id!r} is already step "
                    f"{seen[platform_id] + 1}",
                    file=file,
                    line=lines.line(f"{step_path}.platform"),
                    path=f"{step_path}.platform",
                    hint="a story visits each platform once; remove one of the two steps",
                )
                ok = False
            elif index == 0 and values.get("after"):
                self.problems.add(
                    "the first step has no step before it to wait for",
                    file=file,
                    line=lines.line(f"{step_path}.after"),
                    path=f"{step_path}.after",
                    hint="remove after from the first step; give the first item at = ... "
                    "to choose when the story starts",
                )
                ok = False
            else:
                seen[platform_id] = index
                steps.append(StoryStep(**values))
        return tuple(steps) if ok else None

    def item(
        self,
        table: object,
        file: str,
        path: str,
        line: int | None,
        line_of: Callable[[str], int | None],
    ) -> RawItem | None:
        """Convert one item table the general way: every key looked up and checked, every
        problem located. It gives the same values as :meth:`_fast_item`, which
        :meth:`item_of` tries first and which leaves anything unusual to this."""
        label = path
        if isinstance(table, dict) and isinstance(table.get("id"), str) and table["id"].strip():
            label = f"item {fields.quote(table['id'].strip())}"
        values = self.convert_table(
            table, fields.ITEM_SPEC, file=file, path=path, line_of=line_of, what=label
        )
        if values is None or any(key not in values for key in ("id", "platform", "title")):
            return None
        assert isinstance(table, dict)  # noqa: S101 - fields() returned None otherwise
        return RawItem(
            values=values,
            raw_at=values.pop("at", None),
            raw_updated=values.pop("updated", None),
            raw_repeat_at=values.pop("repeat_at", None),
            given=frozenset(table),
            source=Source(file=file, line=line, path=path),
            path=path,
            line_of=line_of,
        )

    def _fast_item(
        self,
        table: dict[str, Any],
        file: str,
        path: str,
        line: int | None,
        line_of: Callable[[str], int | None],
    ) -> RawItem | None:
        """`table` converted by the compiled steps of its keys; ``None`` when the table has
        anything to report (an unknown or missing key, a value that does not convert), so
        that :meth:`item` converts it again the general way and reports it there.

        The first rows of a key order go through the steps one by one; from
        :data:`_COMPILE_AFTER` rows on, through Python code generated for that key order
        (:func:`_converter_factory`), which gives the same values.
        """
        keys = tuple(table)
        compiled = self._compiled.get(keys, _NOT_COMPILED)
        if compiled is _NOT_COMPILED:
            compiled = _compile_item_keys(keys, self._memos)
            if len(self._compiled) < _MOST_KEY_ORDERS:
                self._compiled[keys] = compiled
        if compiled is None:
            return None
        assert isinstance(compiled, _CompiledItem)  # noqa: S101 - for mypy
        if compiled.convert is None and compiled.rows >= _COMPILE_AFTER:
            compiled.convert = _converter(keys, self._memos)
        if compiled.convert is not None:
            return compiled.convert(table, file, path, line, line_of)
        compiled.rows += 1
        values: dict[str, Any] = {}
        surrogate = fields.SURROGATE.search
        try:
            for key, convert, memo, required in compiled.steps:
                raw = table[key]
                if raw == "" and not required:
                    continue  # an empty spreadsheet cell means "not set"
                if memo is not None and type(raw) is str:
                    value = memo.get(raw, _NOT_COMPILED)
                    if value is _NOT_COMPILED:
                        value = convert(raw)
                        if len(memo) < _MOST_MEMO:
                            memo[raw] = value
                    values[key] = value
                elif (
                    type(raw) is str and convert in _PLAIN and (raw.isascii() or not surrogate(raw))
                ):
                    # What fields.text and fields.identifier give, without the calls.
                    if convert is _TEXT:
                        values[key] = raw
                        continue
                    value = raw.strip()
                    if not value:
                        return None  # "must not be empty": reported the general way
                    values[key] = value
                else:
                    values[key] = convert(raw)
        except fields.ConversionError:
            return None
        return RawItem(
            values,
            values.pop("at", None),
            values.pop("updated", None),
            values.pop("repeat_at", None),
            compiled.given,
            Source(file, line, path),
            path,
            line_of,
        )

    def resolve_items(
        self,
        raw_items: list[RawItem],
        brand: Brand | None,
        goals: Mapping[str, Goal],
        pillars: Mapping[str, Pillar],
        platforms: Mapping[str, Platform],
        stories: Mapping[str, Story],
    ) -> tuple[ContentItem, ...]:
        """The items whose references and times resolve, in order; consumes `raw_items`."""
        seen: dict[str, Source] = {}
        items = []
        report = self._item_problem
        moment = self._moment
        strict = self.strict
        make = _make_item
        default_zone = brand.timezone if brand else "UTC"
        references = (("pillar", pillars, "pillars"), ("goal", goals, "goals"))
        # Taken from the end of the reversed list, so that each item's raw values (a dict
        # per item) are freed as soon as it is made, not held until the last one is.
        raw_items.reverse()
        while raw_items:
            raw = raw_items.pop()
            values = raw.values
            item_id = values["id"]
            ok = True
            first = seen.get(item_id)
            if first is not None:
                where = first.file + (f":{first.line}" if first.line else "")
                report(
                    raw,
                    "id",
                    f"duplicate id {fields.quote(item_id)}",
                    f"already used at {where}; ids must be unique across all files",
                    "duplicate-id",
                )
                ok = False
            else:
                seen[item_id] = raw.source
            platform = platforms.get(values["platform"])
            if platform is None:
                report(
                    raw,
                    "platform",
                    f"unknown platform {fields.quote(values['platform'])}",
                    unknown_reference_hint(values["platform"], platforms, "platforms"),
                    "unknown-reference",
                )
                ok = False
            for key, known, table in references:
                if key in values and values[key] not in known:
                    report(
                        raw,
                        key,
                        f"unknown {key} {fields.quote(values[key])}",
                        unknown_reference_hint(values[key], known, table),
                        "unknown-reference",
                    )
                    ok = False
            zone_name = platform.timezone if platform is not None else default_zone
            raw_value = raw.raw_at
            if raw_value is not None:
                try:
                    values["at"] = moment(raw_value, zone_name, allow_date=True)
                except fields.ConversionError as exc:
                    report(raw, "at", exc.message, exc.hint, "plan-invalid")
                    ok = False
                else:
                    if strict and not same_kind(raw_value, values["at"]):
                        report(raw, "at", *type_problem(raw_value, values["at"]), "plan-invalid")
                        ok = False
            raw_value = raw.raw_updated
            if raw_value is not None:
                try:
                    values["updated"] = moment(raw_value, zone_name, allow_date=False)
                except fields.ConversionError as exc:
                    report(raw, "updated", exc.message, exc.hint, "plan-invalid")
                    ok = False
                else:
                    if strict and not same_kind(raw_value, values["updated"]):
                        report(
                            raw,
                            "updated",
                            *type_problem(raw_value, values["updated"]),
                            "plan-invalid",
                        )
                        ok = False
            if raw.raw_repeat_at is not None and raw.raw_repeat_at != "":
                try:
                    values["repeat_at"] = fields.moments(raw.raw_repeat_at, zone_name)
                except fields.ConversionError as exc:
                    report(raw, "repeat_at", exc.message, exc.hint, "plan-invalid")
                    ok = False
            if not raw.given.isdisjoint(_EVERGREEN_KEYS):
                for problem in evergreen_problems(values, raw.given):
                    report(raw, *problem)
                    ok = False
            story = stories.get(values.get("story", ""))
            if story is not None:
                # A story's goal and pillar are its versions' unless a version sets its own.
                if "goal" not in values and story.goal is not None:
                    values["goal"] = story.goal
                if "pillar" not in values and story.pillar is not None:
                    values["pillar"] = story.pillar
            if ok:
                if "owner" not in values and platform is not None and platform.owner:
                    # The model's default (Plan gives an item its platform's owner), applied
                    # here too so that a large plan is not rebuilt item by item.
                    values["owner"] = platform.owner
                items.append(make(values, raw.source))
        return tuple(items)

    def _item_problem(
        self, raw: RawItem, key: str, message: str, hint: str | None, code: str
    ) -> None:
        """Report a problem with one key of an item being resolved."""
        self.problems.add(
            f"item {fields.quote(raw.values['id'])}: {message}",
            file=raw.source.file,
            line=raw.line_of(f"{raw.path}.{key}"),
            path=f"{raw.path}.{key}",
            hint=hint,
            code=code,
        )

    def _moment(self, raw: object, zone_name: str, *, allow_date: bool) -> dt.datetime | dt.date:
        """:func:`fields.moment`, remembered for texts (the same slot times recur)."""
        if self.strict or type(raw) is not str:
            return fields.moment(raw, zone_name, allow_date=allow_date)
        key = (raw, zone_name, allow_date)
        value = self._moments.get(key)
        if value is None:
            value = fields.moment(raw, zone_name, allow_date=allow_date)
            if len(self._moments) < _MOST_MEMO:
                self._moments[key] = value
        return value

    def item_of(self, raw: RawTable) -> RawItem | None:
        """Convert one item table a reader found."""
        table = raw.table
        if not self.strict and type(table) is dict:
            fast = self._fast_item(table, raw.file, raw.path, raw.line, raw.line_of)
            if fast is not None:
                return fast
        return self.item(table, raw.file, raw.path, raw.line, raw.line_of)


_NOT_COMPILED = object()
"""Marks a key order not compiled yet, and a value not converted yet."""

_MOST_KEY_ORDERS = 256
"""Key orders remembered per load: one per CSV header, a few for JSON lines and TOML."""

_MOST_MEMO = 4096
"""Distinct texts remembered per field: categories repeat, unique texts stop being kept."""

_MEMO_FIELDS = frozenset(
    {
        "platform",
        "pillar",
        "goal",
        "media",
        "status",
        "owner",
        "story",
        "tags",
        "duration",
        "priority",
        "ignore",
        "evergreen",
        "repeat_after",
        "times",
        "until",
    }
)
"""Item fields whose texts repeat from item to item: each distinct text is converted once,
and the items share the converted value (one string or tuple in memory, not one per item)."""

_EVERGREEN_KEYS = frozenset({"evergreen", "repeat_after", "times", "until", "repeat_at"})
"""The keys :func:`evergreen_problems` looks at: an item with none of them has nothing to
report there."""


_TEXT = fields.text
_PLAIN = (fields.text, fields.identifier)
"""Converters whose work on ordinary text (no lone surrogate) is done inline."""


_ItemConverter = Callable[
    [dict[str, Any], str, str, "int | None", Callable[[str], "int | None"]], "RawItem | None"
]
"""Converts the item tables of one key order: (table, file, path, line, line_of)."""

_POPPED = ("at", "updated", "repeat_at")
"""Keys whose raw values wait in :class:`RawItem` until the platform's zone is known."""


@attrs.define
class _CompiledItem:
    """How to convert the items of one key order (e.g. every row of one CSV file)."""

    steps: tuple[tuple[str, Callable[[object], Any], dict[str, Any] | None, bool], ...]
    """Per key: the key, its converter, its memo (``None``: not remembered), required."""

    given: frozenset[str]
    """The keys, shared by every item that has them."""

    rows: int = 0
    """Rows converted by the steps so far."""

    convert: _ItemConverter | None = None
    """The generated converter, once :data:`_COMPILE_AFTER` rows have been met."""


_COMPILE_AFTER = 1000
"""Rows of one key order after which its converter is generated. Generating costs about
0.5 ms and saves about 0.5 µs a row (measured on a 100k plan's CSV file), so it pays
after about 1,000 rows: a key order is generated once its rows have cost as much as
generating would have, and the files of small plans never are."""


def _compile_item_keys(
    keys: tuple[str, ...], memos: Mapping[str, dict[str, Any]]
) -> _CompiledItem | None:
    """The conversion steps for items with exactly these keys; ``None`` when a key is
    unknown or a required one is missing (the general way reports it)."""
    spec = fields.ITEM_SPEC
    if any(key not in spec for key in keys):
        return None
    if any(field.required and key not in keys for key, field in spec.items()):
        return None
    steps = tuple((key, spec[key].convert, memos.get(key), spec[key].required) for key in keys)
    return _CompiledItem(steps=steps, given=frozenset(keys))


def _converter(keys: tuple[str, ...], memos: Mapping[str, dict[str, Any]]) -> _ItemConverter:
    """The generated converter of one key order, with this load's memos."""
    factory = _CONVERTER_FACTORIES.get(keys)
    if factory is None:
        factory = _converter_factory(keys)
        if len(_CONVERTER_FACTORIES) < _MOST_KEY_ORDERS:
            _CONVERTER_FACTORIES[keys] = factory
    return factory(*(memos.get(key) for key in keys))


_CONVERTER_FACTORIES: dict[tuple[str, ...], Callable[..., _ItemConverter]] = {}
"""Generated converter code per key order, shared by every load of the process; each load
gives it its own memos."""


def _converter_factory(keys: tuple[str, ...]) -> Callable[..., _ItemConverter]:
    """Python source for one key order's converter, compiled: the steps of the general loop
    (see :meth:`PlanBuilder.convert_table`) unrolled per key, so a row pays no loop, no
    tuple unpacking and no test of which converter a key has.

    Per key, in the order of the table: an empty text of an optional key means "not set";
    a text of a remembered field is looked up in its memo (converted once per distinct
    text); ordinary text of a :func:`fields.text` or :func:`fields.identifier` field is
    taken (stripped, and refused when empty, for identifiers) without a call; anything else
    goes through the field's converter. A :class:`fields.ConversionError` (or an empty
    identifier) gives ``None``: the general way then reports it.
    """
    spec = fields.ITEM_SPEC
    namespace: dict[str, Any] = {
        "_RawItem": RawItem,
        "_Source": Source,
        "_ConversionError": fields.ConversionError,
        "_surrogate": fields.SURROGATE.search,
        "_NOT_COMPILED": _NOT_COMPILED,
        "_MOST_MEMO": _MOST_MEMO,
        "_given": frozenset(keys),
        "_str": str,
        "_len": len,
    }
    body = []
    for index, key in enumerate(keys):
        field = spec[key]
        namespace[f"_convert{index}"] = field.convert
        target = f"raw_{key}" if key in _POPPED else f"values[{key!r}]"
        step = [f"raw = table[{key!r}]"]
        indent = ""
        if not field.required:
            step.append('if not (raw == ""):')
            indent = "    "
        if key in _MEMO_FIELDS:
            memo = f"memo{index}"
            step += [
                f"{indent}if type(raw) is _str:",
                f"{indent}    value = {memo}.get(raw, _NOT_COMPILED)",
                f"{indent}    if value is _NOT_COMPILED:",
                f"{indent}        value = _convert{index}(raw)",
                f"{indent}        if _len({memo}) < _MOST_MEMO:",
                f"{indent}            {memo}[raw] = value",
                f"{indent}    {target} = value",
                f"{indent}else:",
                f"{indent}    {target} = _convert{index}(raw)",
            ]
        elif field.convert in _PLAIN:
            step.append(f"{indent}if type(raw) is _str and (raw.isascii() or not _surrogate(raw)):")
            if field.convert is _TEXT:
                step.append(f"{indent}    {target} = raw")
            else:
                step += [
                    f"{indent}    value = raw.strip()",
                    f"{indent}    if not value:",
                    f"{indent}        return None",
                    f"{indent}    {target} = value",
                ]
            step += [f"{indent}else:", f"{indent}    {target} = _convert{index}(raw)"]
        else:
            step.append(f"{indent}{target} = _convert{index}(raw)")
        body += step
    popped = [f"raw_{key} = None" for key in _POPPED]
    memo_parameters = ", ".join(f"memo{index}" for index in range(len(keys)))
    lines = [
        f"def factory({memo_parameters}):",
        "    def convert(table, file, path, line, line_of):",
        "        values = {}",
        *(f"        {line}" for line in popped),
        "        try:",
        *(f"            {line}" for line in body),
        "        except _ConversionError:",
        "            return None",
        "        return _RawItem(",
        "            values, raw_at, raw_updated, raw_repeat_at, _given,",
        "            _Source(file, line, path), path, line_of,",
        "        )",
        "    return convert",
    ]
    exec(compile("\n".join(lines), f"<item converter {','.join(keys)}>", "exec"), namespace)  # noqa: S102 - our own code, from the field table
    factory: Callable[..., _ItemConverter] = namespace["factory"]
    return factory


def _item_maker() -> Callable[[dict[str, Any], Source], ContentItem]:
    """A constructor of :class:`ContentItem` from values the loader converted, without the
    model's converters (they would return each value as it is: every loaded value already
    has its model type) and without keyword arguments: each slot is set directly.

    Plans built in code still go through ``ContentItem(...)`` and its converters.
    """
    item_fields = attrs.fields(ContentItem)
    unknown = set(fields.ITEM_SPEC) - {field.name for field in item_fields}
    if unknown:  # pragma: no cover - the constructor would refuse them; this would drop them
        raise TypeError(f"item fields without a ContentItem attribute: {sorted(unknown)}")
    namespace: dict[str, Any] = {"_new": object.__new__, "_ContentItem": ContentItem}
    lines = ["def make(values, source):", "    item = _new(_ContentItem)", "    get = values.get"]
    for field in item_fields:
        # Slots are data descriptors: their __set__ fills the slot, as attrs' __init__ does.
        namespace[f"_set_{field.name}"] = getattr(ContentItem, field.name).__set__
        if field.name == "source":
            lines.append("    _set_source(item, source)")
        elif field.default is attrs.NOTHING:
            lines.append(f"    _set_{field.name}(item, values[{field.name!r}])")
        else:
            if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                raise TypeError(f"ContentItem.{field.name} has a factory")  # pragma: no cover
            namespace[f"_default_{field.name}"] = field.default
            lines.append(f"    _set_{field.name}(item, get({field.name!r}, _default_{field.name}))")
    lines.append("    return item")
    exec(compile("\n".join(lines), "<ContentItem maker>", "exec"), namespace)  # noqa: S102 - our own code, from the model's fields
    make: Callable[[dict[str, Any], Source], ContentItem] = namespace["make"]
    return make


_make_item = _item_maker()
"""Makes a :class:`ContentItem` of converted values (every key one of its fields)."""


def same_kind(raw: object, converted: object) -> bool:
    """Whether a value given in code already has the type its field converts to.

    Containers are checked element by element by their converters; a whole number stands
    for a float; ``None`` means "not set".
    """
    if converted is None or isinstance(raw, list | tuple | set | frozenset | Mapping):
        return True
    if isinstance(converted, float) and isinstance(raw, int) and not isinstance(raw, bool):
        return True
    if isinstance(converted, dt.datetime) and isinstance(raw, dt.datetime):
        return raw.tzinfo is not None
    return type(raw) is type(converted)


def type_problem(raw: object, converted: object) -> tuple[str, str]:
    """Message and hint for a value of the wrong type in a plan built in code."""
    if isinstance(raw, dt.datetime) and raw.tzinfo is None:
        return (
            "a date-time without a time zone",
            "give it the platform's zone, e.g. tzinfo=zoneinfo.ZoneInfo('Asia/Jakarta')",
        )
    expected = fields.kind(converted)
    if isinstance(converted, enum.Enum):
        expected = f"a {type(converted).__name__}"
    return (
        f"expected {expected}, got {fields.kind(raw)} {raw!r}",
        f"use {_example(converted)}",
    )


def _example(value: object) -> str:
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, dt.datetime):
        return "an aware datetime.datetime"
    if isinstance(value, dt.date):
        return "a datetime.date"
    if isinstance(value, dt.timedelta):
        return "a datetime.timedelta"
    return f"{type(value).__name__} values"


def evergreen_problems(
    values: Mapping[str, Any], given: frozenset[str]
) -> Iterator[tuple[str, str, str, str]]:
    """(key, message, hint, code) for evergreen fields that do not fit together.

    A key in `given` whose value was wrong is already reported; it is not missing too.
    """
    if "evergreen" in given and "evergreen" not in values:
        return
    if values.get("evergreen"):
        if "repeat_after" not in given:
            yield (
                "repeat_after",
                "is evergreen but has no repeat_after",
                'add repeat_after = "6w" (the least time between two of its posts)',
                "missing-field",
            )
        if "at" in values and not isinstance(values["at"], dt.datetime):
            yield (
                "at",
                "is evergreen, so its first post needs a time, not only a date",
                "write at = 2026-12-02T19:00, or remove at to take a slot",
                "plan-invalid",
            )
        return
    for key in ("repeat_after", "times", "until", "repeat_at"):
        if key in values:
            yield (
                key,
                f"sets {key} but is not evergreen",
                f"add evergreen = true, or remove {key}",
                "plan-invalid",
            )


def unknown_reference_hint(value: str, known: Mapping[str, Any], table: str) -> str:
    name = fields.excerpt(value)
    if not known:
        return f"the plan defines no {table}; add [{table}.{name}]"
    otherwise = f"define [{table}.{name}] or use one of: " + ", ".join(
        fields.excerpt(key) for key in sorted(known)[:12]
    )
    return hints.did_you_mean(value, known, otherwise=otherwise) or otherwise
