"""The list of rules `check` runs, for people (`contentcal rules`) and scripts (JSON).

So that ``--select`` and ``--ignore`` are usable without the docs site: every rule's stable
code, name, default severity and a one-line summary (the first line of its docstring).
"""

from __future__ import annotations

import json

from contentcal.checking.rules import RULES

__all__ = ["render_rules_json", "render_rules_text", "rules_table"]


def rules_table() -> list[dict[str, str]]:
    """Every rule in documentation order, as ``code``, ``name``, ``severity``, ``summary``.

    >>> rules_table()[0]["code"], rules_table()[0]["summary"]
    ('CC101', 'Content that serves no business goal.')
    """
    return [
        {
            "code": rule.code,
            "name": rule.name,
            "severity": str(rule.severity),
            # Docstrings mark code RST-style; people and JSON get Markdown's single quotes.
            "summary": rule.summary.replace("``", "`"),
        }
        for rule in RULES
    ]


def render_rules_text(rows: list[dict[str, str]] | None = None) -> str:
    """One aligned line per rule: code, name, severity, summary."""
    rows = rules_table() if rows is None else rows
    name_width = max((len(row["name"]) for row in rows), default=0)
    lines = [
        f"{row['code']}  {row['name']:<{name_width}}  {row['severity']:<7}  {row['summary']}"
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def render_rules_json(rows: list[dict[str, str]] | None = None) -> str:
    """The rules as a JSON list of objects with sorted keys (a stable contract)."""
    rows = rules_table() if rows is None else rows
    return json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
