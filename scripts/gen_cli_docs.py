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
    "init": "contentcal.starting.init.start_plan(directory, answers) → Started; "
    "default_answers(today=...), copy_example(directory)",
    "rules": "contentcal.checking.listing.rules_table() → list[dict]; "
    "render_rules_text(), render_rules_json()",
}

INTRO = """# Command line

Every command is a thin wrapper around one library call (shown under each command), so
anything the command line does, a script can do with `import contentcal`. Results go to
stdout, problems to stderr; exit codes are described in [errors and exit codes](errors.md).

This page is generated from the commands' `--help` by `python scripts/gen_cli_docs.py`, and
the tests run every example on it, so it always matches the installed program.
"""


OUTRO = """## Dates and times

Every date or time option (`--now`, `--start`, `--end`, `--week`, `init --due`) takes
ISO 8601, read the same way everywhere:

| you type | it means |
|---|---|
| `2026-12-01` | that day (for `--now`: its midnight) in the brand's time zone |
| `2026-12-01T08:00`, `2026-12-01 08:00`, `2026-12-01T08:00:30` | that wall-clock time in the brand's time zone |
| `2026-12-01T01:00Z`, `2026-12-01T08:00+07:00` | that instant, converted to the brand's time zone |
| `2026-W50` (`--week`) | the Monday to Sunday of that ISO week |

A mistake is a usage error (exit code 2) that says what was wrong and shows one example:

```console
$ contentcal week batik/plan.toml --now 01/12/2026
error: --now: '01/12/2026' is not an ISO 8601 date or date-time (e.g. 2026-12-01, 2026-12-01T08:00 or 2026-12-01T01:00Z)
```

A window's end is exclusive and must come after its start, and a window is at most ten
years (3660 days: every slot in it is placed); dates must lie between 1900-01-01 and
2999-12-31 (schedules and feeds reach months past the dates you give):

```console
$ contentcal schedule batik/plan.toml --start 2026-12-20 --end 2026-12-10
error: the end (2026-12-10) must be after the start (2026-12-20)
```

```console
$ contentcal week batik/plan.toml --week 9999-W52
error: '9999-W52' is outside the dates contentcal plans for (1900-01-01 to 2999-12-31)
```

## Which plan

Every command that reads a plan takes its path as PLAN. Without it, a command uses the
file named by the environment variable `CONTENTCAL_PLAN`, or else `plan.toml` in the
current folder, and says which on stderr (`using plan.toml (no PLAN given)`). With
neither, it stops with exit code 2 and tells you how to give or start a plan.

## Output formats

`--format` uses one vocabulary in every command: `text` is the output for people (the
default), `json` the stable one for scripts; `week` and `schedule` also offer `markdown`
and `csv`. (`table`, the old word for `text` in `week` and `schedule`, still works.)

## Shell completion

contentcal completes commands and options in bash, zsh and fish, and completes
`--platform` with the platform ids and `--owner` with the owners of the plan on the
command line (or of `$CONTENTCAL_PLAN`, or of `./plan.toml`). Turn it on once per shell:

| shell | add this line to |
|---|---|
| bash | `eval "$(_CONTENTCAL_COMPLETE=bash_source contentcal)"` in `~/.bashrc` |
| zsh | `eval "$(_CONTENTCAL_COMPLETE=zsh_source contentcal)"` in `~/.zshrc` |
| fish | `_CONTENTCAL_COMPLETE=fish_source contentcal \\| source` in `~/.config/fish/completions/contentcal.fish` |

Then `contentcal week plan.toml --platform <Tab>` offers `instagram`, `facebook`, ... and
`--owner <Tab>` the names of the people who own platforms or items.
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
    parts.append(OUTRO)
    target = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    target.write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
