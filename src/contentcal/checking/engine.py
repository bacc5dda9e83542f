"""The check engine: run the rules over a plan and report findings.

Rules live in :mod:`contentcal.checking.rules`; each has a stable code, a kebab-case name, a default
severity and a docstring that explains why it matters. This module selects and configures
them, runs them, applies per-item suppression, and renders the findings.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from contentcal.checking.rules import RULES, Context, Rule, Thresholds
from contentcal.collector import collector_paused
from contentcal.errors import (
    ContentcalError,
    InvalidOptionError,
    PlanError,
    Problem,
    Severity,
    escape_controls,
    escape_optional,
    escape_path,
)
from contentcal.files.fields import quote
from contentcal.files.validate import require_valid
from contentcal.hints import did_you_mean
from contentcal.model import Plan
from contentcal.model.bounds import check_date
from contentcal.model.settings import CheckSettings

if TYPE_CHECKING:
    from contentcal.checking.similarity import SearchCache

__all__ = [
    "CACHE_FROM",
    "LOAD_CODES",
    "CheckConfig",
    "CheckReport",
    "Finding",
    "check",
    "check_file",
    "render_json",
    "render_text",
]


@attrs.frozen
class Finding:
    """One thing `check` found, located as precisely as the input allows."""

    code: str
    """Stable code, e.g. ``CC101``; never reused for another meaning."""

    rule: str
    """Kebab-case rule name, e.g. ``same-copy-across-platforms``."""

    severity: Severity
    """error, warning or info (after configuration)."""

    message: str = attrs.field(converter=escape_controls)
    """What is wrong, in one sentence (control characters escaped)."""

    hint: str | None = attrs.field(default=None, converter=escape_optional)
    """How to fix it."""

    file: str | None = None
    """File the finding points into."""

    line: int | None = None
    """1-based line in `file`, where known."""

    column: int | None = None
    """1-based column, where known (syntax errors)."""

    path: str | None = attrs.field(default=None, converter=escape_path)
    """Key path such as ``items[3].pillar``, where known."""

    item: str | None = None
    """Id of the item concerned (the first one, for findings about several)."""

    platform: str | None = None
    """Id of the platform concerned."""

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape (keys sorted when dumped)."""
        return {
            "code": self.code,
            "column": self.column,
            "file": self.file,
            "hint": self.hint,
            "item": self.item,
            "line": self.line,
            "message": self.message,
            "path": self.path,
            "platform": self.platform,
            "rule": self.rule,
            "severity": str(self.severity),
        }

    def sort_key(self) -> tuple[Any, ...]:
        """Order: by file, then line, then rule and message (deterministic output)."""
        return (
            self.file or "",
            self.line if self.line is not None else 0,
            self.item or "",
            self.code,
            self.message,
        )


Progress = Callable[[int, int], None]
"""A progress callback: (steps done, steps in all)."""

LOAD_CODES: Mapping[str, str] = {
    "syntax-error": "CC001",
    "bad-encoding": "CC002",
    "file-not-found": "CC003",
    "file-unreadable": "CC004",
    "unknown-key": "CC005",
    "missing-field": "CC006",
    "plan-invalid": "CC007",
    "unknown-reference": "CC008",
    "duplicate-id": "CC009",
    "bad-slot": "CC010",
    "duplicate-result": "CC011",
    "rare-metric": "CC012",
    "limit-exceeded": "CC013",
    "unsafe-path": "CC014",
    "too-many-problems": "CC015",
}
"""Codes of the problems loading can report; they appear in `check` output like rules."""


def finding_from_problem(problem: Problem) -> Finding:
    """A load problem as a check finding (same location, message and hint)."""
    return Finding(
        code=LOAD_CODES.get(problem.code, "CC007"),
        rule=problem.code,
        severity=problem.severity,
        message=problem.message,
        hint=problem.hint,
        file=problem.file,
        line=problem.line,
        column=problem.column,
        path=problem.path,
    )


@attrs.frozen
class CheckConfig:
    """Which rules run, at what severity, with which thresholds."""

    select: frozenset[str] = frozenset()
    """Only these rules (names or codes); empty means all."""

    ignore: frozenset[str] = frozenset()
    """Rules (names or codes) that never run."""

    severity: Mapping[str, Severity] = attrs.field(factory=dict)
    """Severity overrides by rule name or code."""

    thresholds: Thresholds = attrs.field(factory=Thresholds)
    """Numbers the rules compare against."""

    @classmethod
    def from_settings(
        cls,
        settings: CheckSettings | None,
        *,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
    ) -> CheckConfig:
        """Build from a plan's typed ``[check]`` settings plus command-line selections.

        The settings were validated when the plan was loaded (or by
        :func:`contentcal.validate`); only `select` and `ignore` are checked here. Raises
        :class:`~contentcal.errors.InvalidOptionError` for an unknown rule in them.
        """
        settings = settings or CheckSettings()
        known = {rule.name for rule in RULES} | {rule.code for rule in RULES}
        for option, values in (("--select", select), ("--ignore", ignore)):
            for value in values:
                if value not in known:
                    # A bad option is a usage error (exit 2), not a problem of the plan.
                    raise InvalidOptionError(
                        f"{option}: unknown rule {quote(value)}; {rule_hint(str(value))}"
                    )
        return cls(
            select=frozenset(select) | settings.select,
            ignore=frozenset(ignore) | settings.ignore,
            severity=settings.severity,
            thresholds=settings.thresholds,
        )

    def active(self, rule: Rule) -> bool:
        """Whether `rule` runs under this configuration."""
        if self.select and rule.name not in self.select and rule.code not in self.select:
            return False
        return rule.name not in self.ignore and rule.code not in self.ignore

    def severity_of(self, rule: Rule) -> Severity:
        """The rule's severity after overrides."""
        return self.severity.get(rule.name) or self.severity.get(rule.code) or rule.severity


def rule_hint(value: str) -> str:
    """A hint for an unknown rule name: the closest rule, or where to find them all."""
    otherwise = "see docs/rules.md for every rule's name and code"
    return (
        did_you_mean(value, sorted(rule.name for rule in RULES), otherwise=otherwise) or otherwise
    )


def check(
    plan: Plan,
    *,
    now: dt.datetime,
    config: CheckConfig | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    cache: SearchCache | None = None,
) -> list[Finding]:
    """Run every active rule over `plan` and return the findings, sorted.

    `now` is an aware date-time (a naive one is read as the brand's wall time); it decides
    what is in the past. Items that suppress a rule with ``ignore = [...]`` get no finding
    from it. `progress`, if given, is called with (rules done, rules to run) after each rule.

    `workers` is how many processes the duplicate search may use on large plans (20,000
    to 250,000 items with copy; larger ones use one, to bound memory); the default, 1,
    starts none. More than one starts a process
    pool, which on Windows and macOS re-imports your script in each worker: guard its entry
    point with ``if __name__ == "__main__":``. The findings are the same for any `workers`.

    With a `cache` (:class:`~contentcal.checking.similarity.SearchCache`) the duplicate search
    reuses the sketches and scores in it and leaves this check's in it; the findings are the
    same with or without one (see ``contentcal.checking.search_cache`` for its file).

    Raises :class:`~contentcal.errors.InvalidOptionError` when `workers` is less than 1.
    """
    if workers < 1:
        raise InvalidOptionError(f"workers must be at least 1, got {workers}")
    require_valid(plan)
    check_date(now, "now")  # rules shift `now` by days and weeks; this keeps that in range
    config = config or CheckConfig.from_settings(plan.check_settings)
    context = Context(
        plan=plan, now=now, thresholds=config.thresholds, workers=workers, search_cache=cache
    )
    findings = []
    active = [rule for rule in RULES if config.active(rule)]
    # The rules make many objects (the schedule, the duplicate search's sets and lists)
    # and no reference cycles; the collector would walk the loaded plan again and again.
    with collector_paused():
        for done, rule in enumerate(active, start=1):
            severity = config.severity_of(rule)
            for raw in rule.function(context):
                item = plan.item(raw.item) if raw.item is not None else None
                if item is not None and (rule.name in item.ignore or rule.code in item.ignore):
                    continue
                source = item.source if item is not None else None
                findings.append(
                    Finding(
                        code=rule.code,
                        rule=rule.name,
                        severity=severity,
                        message=raw.message,
                        hint=raw.hint,
                        file=raw.file or (source.file if source else plan.source),
                        line=raw.line if raw.file else (source.line if source else None),
                        path=raw.path or (source.path if source else None),
                        item=raw.item,
                        platform=raw.platform,
                    )
                )
            if progress is not None:
                progress(done, len(active))
    return sorted(findings, key=Finding.sort_key)


@attrs.frozen
class CheckReport:
    """The result of checking a plan file: findings, and what was checked."""

    plan_file: str
    """The plan file as named."""

    findings: tuple[Finding, ...]
    """Every finding, sorted by file, line and item."""

    items: int | None = None
    """Number of items checked (``None`` when the plan did not load)."""

    platforms: int | None = None
    """Number of platforms checked (``None`` when the plan did not load)."""

    warnings: tuple[str, ...] = ()
    """Problems that did not change the findings, e.g. a duplicate-search cache not used."""

    def count(self, severity: Severity) -> int:
        """How many findings have `severity`."""
        return sum(1 for finding in self.findings if finding.severity is severity)

    def fails(self, *, strict: bool = False) -> bool:
        """Whether the check fails: any error, or with `strict` any warning too."""
        failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        return any(finding.severity in failing for finding in self.findings)


CACHE_FROM = 10_000
"""Items a plan needs before ``check_file(cache=True)`` keeps a duplicate-search cache.

Below it the whole search takes well under a second, less than reading and writing a cache
would save.
"""


def check_file(
    path: str | os.PathLike[str],
    *,
    now: dt.datetime,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    progress: Progress | None = None,
    workers: int = 1,
    cache: bool = False,
) -> CheckReport:
    """Load and check a plan file; load problems come back as findings, not exceptions.

    `workers` is passed on to :func:`check`. With `cache`, a plan of at least
    :data:`CACHE_FROM` items keeps its duplicate search's work in the plan's state folder
    (``duplicate-search.cache`` next to the feed state) and reuses it on the next check; an
    unusable cache file is ignored with a report warning and rewritten.

    Raises :class:`~contentcal.errors.PlanFileNotFoundError` only when the plan file itself
    does not exist (there is nothing to report on).
    """
    from contentcal.errors import PlanFileNotFoundError  # noqa: PLC0415
    from contentcal.files.load import load  # noqa: PLC0415

    name = os.fspath(path)
    try:
        plan = load(name)
        config = CheckConfig.from_settings(plan.check_settings, select=select, ignore=ignore)
    except PlanFileNotFoundError:
        raise
    except PlanError as exc:
        findings = sorted((finding_from_problem(p) for p in exc.problems), key=Finding.sort_key)
        return CheckReport(plan_file=name, findings=tuple(findings))
    warnings: list[str] = []
    search_cache = None
    if cache and len(plan.items) >= CACHE_FROM:
        from contentcal.checking import search_cache as cache_file  # noqa: PLC0415

        # Where publishing.feeds.state_path puts the feed state, without importing feeds.
        state = os.path.join(os.path.dirname(plan.source or "."), plan.feed_settings.state_file)
        cache_name = cache_file.cache_path(os.path.normpath(state))
        search_cache, warning = cache_file.load_cache(cache_name)
        warnings.extend([warning] if warning else [])
    findings = check(
        plan, now=now, config=config, progress=progress, workers=workers, cache=search_cache
    )
    if search_cache is not None:
        try:
            cache_file.save_cache(cache_name, search_cache)
        except ContentcalError as exc:  # a read-only plan folder still gets its findings
            warnings.append(f"the duplicate-search cache was not saved: {exc}")
    if plan.warnings:  # problems that did not stop loading, e.g. a result given twice
        findings = sorted(
            [*findings, *(finding_from_problem(p) for p in plan.warnings)], key=Finding.sort_key
        )
    return CheckReport(
        plan_file=name,
        findings=tuple(findings),
        items=len(plan.items),
        platforms=len(plan.platforms),
        warnings=tuple(warnings),
    )


def render_text(report: CheckReport) -> str:
    """Findings grouped by file and item, then a summary line.

    Each finding reads ``file:line: path: severity: message (hint) [rule]``.
    """
    lines = []
    current_file: str | None = None
    for finding in report.findings:
        if finding.file != current_file and current_file is not None:
            lines.append("")
        current_file = finding.file
        where = escape_controls(finding.file or report.plan_file)  # a file name may be hostile
        if finding.line is not None:
            where += f":{finding.line}"
            if finding.column is not None:
                where += f":{finding.column}"
        if finding.path:
            where += f": {finding.path}"
        text = f"{where}: {finding.severity}: {finding.message}"
        if finding.hint:
            text += f" ({finding.hint})"
        lines.append(f"{text} [{finding.rule}]")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    infos = report.count(Severity.INFO)
    summary = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    if infos:
        summary += f", {_plural(infos, 'note')}"
    if report.items is not None:
        summary += (
            f" in {_plural(report.items, 'item')} on {_plural(report.platforms or 0, 'platform')}"
        )
    else:
        summary += "; the plan could not be loaded"
    if lines:
        lines.append("")
    lines.append(f"{report.plan_file}: {summary}")
    return "\n".join(lines) + "\n"


def render_json(report: CheckReport) -> str:
    """The findings as a JSON list of objects with sorted keys (a stable contract)."""
    return json.dumps(
        [finding.to_dict() for finding in report.findings],
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
