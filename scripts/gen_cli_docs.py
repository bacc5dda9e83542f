"""Regenerate docs/cli.md from the commands' own --help (run: python scripts/gen_cli_docs.py).

The test suite runs every console block of the page, so a stale page fails the tests; this
script is the one way to bring it up to date.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from contentcal.cli import cli

LIBRARY_CALLS = {
    "check": "contentcal.checking.engine.check_file(path, now=..., workers=...) → CheckReport; "
    "or contentcal.check(plan, now=...) → list[Finding]",
    "schedule": "contentcal.schedule(plan, now=..., start=..., end=...) → Schedule; "
    "pinning: contentcal.files.pin.pin(schedule) → PinResult, apply_pins(result)",
    "week": "contentcal.views.week.week(plan, now=..., iso_week=...) → WeekView; "
    "render_week(view, fmt=...) → str",
    "ics": "contentcal.publishing.pipeline.publish_feed(plan, now=..., window=FeedWindow(...), "
    "save_state=..., written_at=...); "
    "or contentcal.feed(schedule, platform=...) → icalendar.Calendar",
    "feeds": "contentcal.publishing.pipeline.publish_feeds(plan, now=..., out_dir=..., "
    "save_state=..., written_at=...); "
    "or contentcal.write_feeds(schedule, out_dir)",
    "stories": "contentcal.scheduling.stories.spirals(plan, now=...) → tuple[Spiral, ...]; "
    "contentcal.views.stories.render_stories(spirals, plan=plan, fmt=...) → str",
    "review": "contentcal.review(plan, as_of=...) → Review; "
    "contentcal.render_review(review, fmt=...) → str",
    "serve": "contentcal.publishing.serve.SiteCache("
    "SiteBuilder(path, clock=..., save_state=True).build, ...), "
    "make_server(cache), serve_forever(server)",
}

INTRO = """# Command line

Every command is a thin wrapper around one library call (shown under each command), so
anything the command line does, a script can do with `import contentcal`. Results go to
stdout, problems to stderr; exit codes are described in [errors and exit codes](errors.md).

This page is generated from the commands' `--help` by `python scripts/gen_cli_docs.py`, and
the tests run every example on it, so it always matches the installed program.
"""


def main() -> None:
    runner = CliRunner()
    parts = [INTRO]
    result = runner.invoke(cli, ["--help"])
    parts.append(f"```console\n$ contentcal --help\n{result.output}```\n")
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        parts.append(f"## `contentcal {name}`\n")
        parts.append(f"Library: `{LIBRARY_CALLS[name]}`\n")
        parts.append(f"```console\n$ contentcal {name} --help\n{result.output}```\n")
    target = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    target.write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
