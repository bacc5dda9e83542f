"""The measuring part of a plan: ``results = [...]`` files, ``[[actions]]`` and ``[review]``.

Called by :mod:`contentcal.files.load` once goals, platforms and items are known, so every
reference can be checked and located (file, line, column name) with a "did you mean".
Results files are CSV (BOM, ``,`` or ``;`` as a delimiter, like item files) or JSON lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from contentcal.errors import Problem, Severity
from contentcal.files.build import same_kind, type_problem
from contentcal.files.build import unknown_reference_hint as _unknown_reference_hint
from contentcal.files.fields import ConversionError as _ConversionError
from contentcal.files.fields import Field as _Field
from contentcal.files.fields import date as _date
from contentcal.files.fields import did_you_mean as _did_you_mean
from contentcal.files.fields import duration as _duration
from contentcal.files.fields import identifier as _identifier
from contentcal.files.fields import kind as _kind
from contentcal.files.fields import moment as _moment
from contentcal.files.fields import quote as _quote
from contentcal.files.fields import text as _text
from contentcal.files.readers import RESULTS_FILES, Readers
from contentcal.files.readers import TomlLines as _TomlLines
from contentcal.hints import closest
from contentcal.model import Brand, Goal, Platform, Source
from contentcal.model.results import Action, Result, ReviewSettings
from contentcal.model.zones import get_zone

if TYPE_CHECKING:
    from contentcal.files.build import PlanBuilder

__all__ = ["RESULT_COLUMNS", "Measured", "load_measured", "result_value"]

RESULT_COLUMNS: tuple[str, ...] = ("date", "metric", "value", "goal", "platform", "item")
"""The columns a results file may have, in the documented order."""

_REQUIRED_COLUMNS = ("date", "metric", "value")
_THINGS = ("goal", "platform", "item")

_ACTION_FIELDS = {
    "id": _Field(_identifier, required=True),
    "goal": _Field(_identifier),
    "what": _Field(_text, required=True),
    "owner": _Field(_text),
    "due": _Field(_date, required=True),
    "done": _Field(_date),
}
_REVIEW_FIELDS = {
    "when": _Field(_text, required=True),
    "owner": _Field(_text),
    "duration": _Field(_duration),
}

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DOT_GROUPS = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+")
_NUMBER_HINT = "write numbers without thousands separators and with a dot for decimals"


def result_value(raw: object) -> float:
    """A result's value. ``1,350`` and ``1.350`` are refused, not guessed: in Indonesia
    ``1.350`` is one thousand three hundred and fifty, elsewhere one and a third.

    >>> result_value("1350")
    1350.0
    >>> result_value("1,350")
    Traceback (most recent call last):
    ...
    contentcal.files.fields.ConversionError: '1,350' is not a plain number
    """
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise _ConversionError(f"expected a number, got {_kind(raw)}", "e.g. 1350")
    if not isinstance(raw, str):
        return float(raw)
    shown = raw.strip()
    text = shown.replace("_", "")
    if "," in text:
        whole, _, fraction = text.partition(",")
        if re.fullmatch(r"\d{3}(,\d{3})*", fraction) and "." not in text:
            fix = text.replace(",", "")
        else:
            fix = whole.replace(".", "") + "." + fraction
        raise _ConversionError(
            f"{_quote(shown)} is not a plain number", f"write {fix}; {_NUMBER_HINT}"
        )
    if _DOT_GROUPS.fullmatch(text):
        whole_number = text.replace(".", "")
        if text.count(".") > 1:
            raise _ConversionError(
                f"{_quote(shown)} is not a plain number", f"write {whole_number}; {_NUMBER_HINT}"
            )
        decimal = text.rstrip("0").rstrip(".")
        raise _ConversionError(
            f"{_quote(shown)} could be {whole_number} or {decimal}",
            f"write {whole_number} or {decimal}; {_NUMBER_HINT}",
        )
    if _PLAIN_NUMBER.fullmatch(text):
        return float(text)
    raise _ConversionError(f"expected a number, got {_quote(shown)}", "e.g. 1350 or 4.5")


@attrs.frozen
class Measured:
    """What the measuring part of a plan holds."""

    results: tuple[Result, ...] = ()
    actions: tuple[Action, ...] = ()
    review: ReviewSettings | None = None
    warnings: tuple[Problem, ...] = ()


class _Loader:
    """What this module needs from the plan's builder: its problems, converter and reader."""

    def __init__(self, builder: PlanBuilder, plan_path: str) -> None:
        self.problem = builder.problems.add
        self.fields = builder.convert_table
        # The plan's [limits] and folder: results are held to them like item files.
        self.base_dir = builder.base_dir
        self.strict = builder.strict
        root = self.base_dir if self.base_dir is not None else os.path.dirname(plan_path)
        self.readers = Readers(builder.problems, limits=builder.caps, root=root or ".")
        self.read_text = self.readers.read_text


@attrs.define
class _Context:
    loader: _Loader
    brand: Brand | None
    goals: Mapping[str, Goal]
    platforms: Mapping[str, Platform]
    items: Mapping[str, object]
    goal_ids: Mapping[str, object]
    """Every goal key of the plan, including goals with problems of their own."""
    warnings: list[Problem] = attrs.field(factory=list)
    inline: list[tuple[str, dict[str, Any]]] = attrs.field(factory=list)

    @property
    def zone_name(self) -> str:
        return self.brand.timezone if self.brand else "UTC"


def load_measured(
    builder: PlanBuilder,
    data: dict[str, Any],
    plan_path: str,
    lines: _TomlLines,
    *,
    brand: Brand | None,
    goals: Mapping[str, Goal],
    platforms: Mapping[str, Platform],
    item_ids: Iterable[str],
) -> Measured:
    """Read ``results``, ``[[actions]]`` and ``[review]``; problems go to `builder`'s.

    `item_ids` are the ids of every item read, including those with problems of their
    own, so one broken item is reported once, not again in every result that names it.
    """
    loader = _Loader(builder, plan_path)
    context = _Context(
        loader=loader,
        brand=brand,
        goals=goals,
        platforms=platforms,
        items=dict.fromkeys(item_ids),
        goal_ids={**dict.fromkeys(_keys(data.get("goals"))), **goals},
    )
    results: list[Result] = []
    files = _result_files(context, data, plan_path, lines)
    # A few results may sit in the plan itself: results = [{ date = ..., ... }].
    for path, table in context.inline:
        line = lines.line("results")
        unknown = [key for key in table if key not in RESULT_COLUMNS]
        for key in unknown:
            loader.problem(
                f"unknown key {_quote(key)} in a result",
                file=plan_path,
                line=line,
                path=f"{path}.{key}",
                hint=_did_you_mean(key, RESULT_COLUMNS),
                code="unknown-key",
            )
        if not unknown:
            result = _result(context, table, plan_path, line, path, inline=True)
            if result is not None:
                results.append(result)
    for file in files:
        results.extend(_result_file(context, file))
    return Measured(
        results=_latest_wins(context, _warn_rare_metrics(context, results)),
        actions=_actions(context, data, plan_path, lines),
        review=_review(context, data, plan_path, lines),
        warnings=tuple(context.warnings),
    )


def _keys(tables: object) -> list[str]:
    return [key for key in tables if isinstance(key, str)] if isinstance(tables, dict) else []


# --- results ----------------------------------------------------------------------------------


def _result_files(
    context: _Context, data: dict[str, Any], plan_path: str, lines: _TomlLines
) -> list[str]:
    raw = data.get("results", [])
    patterns = [raw] if isinstance(raw, str) else raw
    problem = context.loader.problem
    example = 'e.g. results = ["results/*.csv"]'
    if not isinstance(patterns, list):
        problem(
            f"results must be a list of file names, got {_kind(raw)}",
            file=plan_path,
            line=lines.line("results"),
            path="results",
            hint=example,
        )
        return []
    readers = context.loader.readers
    if len(patterns) > readers.limits.patterns:
        problem(
            f"results has {len(patterns):,} entries; at most {readers.limits.patterns:,} "
            "are allowed",
            file=plan_path,
            line=lines.line("results"),
            path="results",
            hint="use patterns such as results/*.csv, or raise patterns in [limits]",
            code="limit-exceeded",
        )
        return []
    entries = []
    for index, pattern in enumerate(patterns):
        path = f"results[{index}]"
        if isinstance(pattern, dict):
            context.inline.append((path, pattern))
            continue
        if not isinstance(pattern, str) or not pattern.strip():
            problem(
                f"a results entry must be a file name, a pattern or a table, got {_quote(pattern)}",
                file=plan_path,
                line=lines.line("results"),
                path=path,
                hint=example,
            )
            continue
        entries.append((path, pattern))
    base = context.loader.base_dir
    if base is None:
        base = os.path.dirname(plan_path)
    return readers.listed_files(entries, RESULTS_FILES, base, plan_path, lines.line("results"))


def _result_file(context: _Context, file: str) -> list[Result]:
    text = context.loader.read_text(file)
    if text is None:
        return []
    rows = (
        _csv_rows(context, text, file)
        if file.lower().endswith(".csv")
        else _jsonl_rows(context, text, file)
    )
    results = []
    for index, (line, row) in enumerate(rows):
        result = _result(context, row, file, line, f"row {index + 1}")
        if result is not None:
            results.append(result)
    return results


def _csv_rows(context: _Context, text: str, file: str) -> Iterator[tuple[int, dict[str, str]]]:
    problem = context.loader.problem
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        problem(
            "the results file is empty",
            file=file,
            hint="add a header row: " + ",".join(RESULT_COLUMNS),
        )
        return
    except csv.Error as exc:
        problem(f"invalid CSV: {exc}", file=file, line=1, code="syntax-error")
        return
    limits = context.loader.readers.limits
    if len(header) > limits.columns:
        problem(
            f"the header has {len(header):,} columns; at most {limits.columns:,} are allowed",
            file=file,
            line=1,
            hint="a results file needs one column per result field; raise columns in "
            "[limits] if you really need more",
            code="limit-exceeded",
        )
        return
    rows = 0
    columns: list[str | None] = []
    for position, name in enumerate(header, start=1):
        key = name.strip().lower().replace(" ", "_")
        if not key:
            columns.append(None)
        elif key not in RESULT_COLUMNS:
            problem(
                f"unknown column {_quote(name.strip())}",
                file=file,
                line=1,
                path=f"column {position}",
                hint=_did_you_mean(key, RESULT_COLUMNS),
                code="unknown-key",
            )
            columns.append(None)
        else:
            columns.append(key)
    missing = [key for key in _REQUIRED_COLUMNS if key not in columns]
    if missing:
        problem(
            f"the results file has no {' or '.join(repr(key) for key in missing)} column",
            file=file,
            line=1,
            hint="the header needs date, metric, value and one of goal, platform, item",
            code="missing-field",
        )
        return
    if not any(key in columns for key in _THINGS):
        problem(
            "the results file has no goal, platform or item column",
            file=file,
            line=1,
            hint="add a column that says what was measured: goal, platform or item",
            code="missing-field",
        )
        return
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem(
                f"invalid CSV: {exc}",
                file=file,
                line=previous_end + 1,
                hint="check the quotes in this row",
                code="syntax-error",
            )
            return
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if rows > limits.rows:
            context.loader.readers.too_many_rows(file, start)
            return
        if len(row) > len(columns):
            problem(
                f"row has {len(row)} cells but the header has {len(columns)} columns",
                file=file,
                line=start,
                hint=f"a number like 1{delimiter}350 splits into two cells; write 1350",
            )
            continue
        yield (
            start,
            {key: cell.strip() for key, cell in zip(columns, row, strict=False) if key is not None},
        )


def _jsonl_rows(context: _Context, text: str, file: str) -> Iterator[tuple[int, dict[str, Any]]]:
    readers = context.loader.readers
    for number, row in readers.json_lines(text, file, noun="a result"):
        if not isinstance(row, dict):
            context.loader.problem(
                f"a result must be a JSON object, got {_kind(row)}",
                file=file,
                line=number,
                hint='write e.g. {"date": "2026-12-31", "item": "...", "metric": "reach", '
                '"value": 1350}',
            )
            continue
        unknown = [key for key in row if key not in RESULT_COLUMNS]
        for key in unknown:
            context.loader.problem(
                f"unknown key {_quote(key)} in a result",
                file=file,
                line=number,
                path=key,
                hint=_did_you_mean(key, RESULT_COLUMNS),
                code="unknown-key",
            )
        if unknown:
            continue
        yield number, row


def _result(
    context: _Context,
    row: dict[str, Any],
    file: str,
    line: int | None,
    label: str,
    *,
    inline: bool = False,
) -> Result | None:
    """One result from a row; `label` is ``row 3`` in a file, ``results[0]`` in the plan."""
    loader = context.loader
    ok = True

    def report(key: str, message: str, hint: str | None, code: str = "plan-invalid") -> None:
        nonlocal ok
        ok = False
        # A file row is located by its line; the column names the cell.
        path = f"{label}.{key}" if inline else key
        loader.problem(message, file=file, line=line, path=path, hint=hint, code=code)

    values: dict[str, Any] = {}
    for key in _REQUIRED_COLUMNS:
        raw = row.get(key)
        if raw is None or raw == "":
            report(key, f"no {key}", _REQUIRED_HINTS[key], "missing-field")
    for key in _THINGS:
        raw = row.get(key)
        if raw is None or raw == "":
            continue
        try:
            values[key] = _identifier(raw)
        except _ConversionError as exc:
            report(key, exc.message, exc.hint)
    if not ok:
        return None
    if not any(key in values for key in _THINGS):
        report(
            "goal",
            "the row does not say what was measured",
            "fill in goal, platform or item",
            "missing-field",
        )
    try:
        moment = _moment(row["date"], context.zone_name, allow_date=True)
        if isinstance(moment, dt.datetime):
            moment = moment.astimezone(get_zone(context.zone_name)).date()
        values["date"] = moment
    except _ConversionError:
        report(
            "date",
            f"expected a date, got {_quote(row['date'])}",
            "write 2026-12-31, or 2026-12-31T20:00 (brand's time) or 2026-12-31T13:00Z",
        )
    try:
        values["value"] = result_value(row["value"])
    except _ConversionError as exc:
        report("value", exc.message, exc.hint)
    try:
        values["metric"] = _identifier(row["metric"])
    except _ConversionError as exc:
        report("metric", exc.message, exc.hint)
    references: tuple[tuple[str, Mapping[str, Any], str], ...] = (
        ("goal", context.goal_ids, "goals"),
        ("platform", context.platforms, "platforms"),
        ("item", context.items, "items"),
    )
    for key, known, table in references:
        if key in values and values[key] not in known:
            hint = (
                _did_you_mean(values[key], sorted(known))
                if key == "item" and known
                else _unknown_reference_hint(values[key], known, table)
            )
            report(key, f"unknown {key} {_quote(values[key])}", hint, "unknown-reference")
    goal = context.goals.get(values.get("goal", ""))
    if goal is not None and "metric" in values:
        expected = goal.metric
        if expected is None:
            report(
                "goal",
                f"goal {_quote(goal.id)} has no metric to measure",
                f"add metric = ... to [goals.{goal.id}]",
            )
        elif values["metric"].casefold() == expected.casefold():
            values["metric"] = expected
        elif closest(values["metric"], [expected]) is not None:
            # Another metric of the goal's (reach, say) is fine and does not count toward
            # it; one a typo away from the goal's own is a mistake that would go unnoticed.
            report(
                "metric",
                f"goal {goal.id!r} is measured in {expected!r}, not {values['metric']!r}",
                f"did you mean {_quote(expected)}?",
            )
    if loader.strict:  # a plan built in code: values must already be model values
        for key, value in values.items():
            if not same_kind(row[key], value):
                report(key, *type_problem(row[key], value))
    if not ok:
        return None
    return Result(**values, source=Source(file=file, line=line))


_REQUIRED_HINTS = {
    "date": "write the day it was measured, e.g. 2026-12-31",
    "metric": "write what was measured, e.g. the goal's metric or reach",
    "value": "write the measured number, e.g. 1350",
}


def _edits(first: str, second: str) -> int:
    """The Levenshtein distance: letters to insert, delete or change."""
    previous = list(range(len(second) + 1))
    for row, left in enumerate(first, start=1):
        current = [row]
        for column, right in enumerate(second, start=1):
            current.append(
                min(previous[column] + 1, current[-1] + 1, previous[column - 1] + (left != right))
            )
        previous = current
    return previous[-1]


def _warn_rare_metrics(context: _Context, results: list[Result]) -> list[Result]:
    """A metric written once, a typo away from one used more often: warn.

    Item and platform metrics are free (whatever the network exports), so this is a
    warning with a "did you mean", not an error. A typo is one letter off (two in names of
    eight letters or more): ``reech`` for ``reach``, not ``page followers`` for
    ``Instagram followers``.
    """
    counts: dict[str, int] = {}
    for result in results:
        counts[result.metric.casefold()] = counts.get(result.metric.casefold(), 0) + 1
    common = {name for name, count in counts.items() if count > 1}
    common |= {goal.metric.casefold() for goal in context.goals.values() if goal.metric}
    for result in results:
        name = result.metric.casefold()
        if counts[name] != 1 or name in common or result.source is None:
            continue
        allowed = 2 if len(name) >= 8 else 1
        near = sorted(other for other in common if _edits(name, other) <= allowed)
        if near:
            context.warnings.append(
                Problem(
                    f"metric {_quote(result.metric)} is used only here",
                    file=result.source.file,
                    line=result.source.line,
                    path="metric",
                    hint=f"did you mean {_quote(near[0])}?",
                    code="rare-metric",
                    severity=Severity.WARNING,
                )
            )
    return results


def _latest_wins(context: _Context, results: list[Result]) -> tuple[Result, ...]:
    """The same (date, thing, metric) twice: a warning, and the later row wins."""
    chosen: dict[tuple[Any, ...], Result] = {}
    spelling: dict[str, str] = {}
    for result in results:
        # "Reach" and "reach" are one metric, named as it was first written.
        metric = spelling.setdefault(result.metric.casefold(), result.metric)
        if metric != result.metric:
            result = attrs.evolve(result, metric=metric)
        key = (result.date, result.thing, result.metric.casefold())
        earlier = chosen.pop(key, None)
        if earlier is not None and earlier.source is not None and result.source is not None:
            what = next(
                f"{kind} {_quote(name)}"
                for kind, name in zip(_THINGS, result.thing, strict=True)
                if name
            )
            context.warnings.append(
                Problem(
                    f"{what} has a second {result.metric!r} for {result.date}; the later row wins",
                    file=result.source.file,
                    line=result.source.line,
                    hint=f"the first is at {earlier.source.file}:{earlier.source.line}; "
                    "delete the row that is wrong",
                    code="duplicate-result",
                    severity=Severity.WARNING,
                )
            )
        chosen[key] = result
    return tuple(sorted(chosen.values(), key=lambda result: result.date))


# --- actions and the review rhythm ------------------------------------------------------------


def _actions(
    context: _Context, data: dict[str, Any], file: str, lines: _TomlLines
) -> tuple[Action, ...]:
    raw = data.get("actions", [])
    loader = context.loader
    if not isinstance(raw, list):
        loader.problem(
            f"actions must be written as [[actions]] tables, got {_kind(raw)}",
            file=file,
            line=lines.line("actions"),
            path="actions",
            hint="start each action with a line [[actions]]",
        )
        return ()
    actions: list[Action] = []
    seen: dict[str, str] = {}
    for index, table in enumerate(raw):
        path = f"actions[{index}]"
        label = path
        if isinstance(table, dict) and isinstance(table.get("id"), str):
            label = f"action {_quote(table['id'].strip())}"
        values = loader.fields(
            table, _ACTION_FIELDS, file=file, path=path, line_of=lines.line, what=label
        )
        if values is None:
            continue
        ok = all(key in values for key in ("id", "what", "due"))
        if "id" in values and values["id"] in seen:
            loader.problem(
                f"duplicate action id {_quote(values['id'])}",
                file=file,
                line=lines.line(f"{path}.id"),
                path=f"{path}.id",
                hint=f"already used by {seen[values['id']]}; ids must be unique",
                code="duplicate-id",
            )
            ok = False
        elif "id" in values:
            seen[values["id"]] = path
        goal = values.get("goal")
        if goal is not None and goal not in context.goal_ids:
            loader.problem(
                f"{label}: unknown goal {_quote(goal)}",
                file=file,
                line=lines.line(f"{path}.goal"),
                path=f"{path}.goal",
                hint=_unknown_reference_hint(goal, context.goal_ids, "goals"),
                code="unknown-reference",
            )
            ok = False
        if ok:
            actions.append(
                Action(**values, source=Source(file=file, line=lines.line(path), path=path))
            )
    return tuple(actions)


def _review(
    context: _Context, data: dict[str, Any], file: str, lines: _TomlLines
) -> ReviewSettings | None:
    if "review" not in data:
        return None
    loader = context.loader
    values = loader.fields(
        data["review"],
        _REVIEW_FIELDS,
        file=file,
        path="review",
        line_of=lines.line,
        what="[review]",
    )
    if values is None or "when" not in values:
        return None
    from contentcal.scheduling.cadence import CadenceError, parse_slot  # noqa: PLC0415 - light start

    try:
        parse_slot(values["when"])
    except CadenceError as exc:
        loader.problem(
            exc.message,
            file=file,
            line=lines.line("review.when"),
            path="review.when",
            hint=exc.hint,
            code="bad-slot",
        )
        return None
    return ReviewSettings(**values)
