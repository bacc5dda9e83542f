"""The ``contentcal`` command line: a thin layer over the library.

Each command parses its options, makes one library call and formats the result. Errors
from the library become messages in exactly one place, :meth:`_Group.invoke`.

Exit codes: 0 success, 1 the plan has errors (or another contentcal error), 2 usage error.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from contentcal.errors import ContentcalError, PlanError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_PLAN_ERRORS = 1
EXIT_USAGE = 2


class _Group(click.Group):
    """Turns every ContentcalError into a located message on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PlanError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            count = len(exc.problems)
            if count > 1:
                click.echo(f"{count} problems in the plan", err=True)
            ctx.exit(EXIT_PLAN_ERRORS)
        except ContentcalError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_PLAN_ERRORS)


def _version() -> str:
    from importlib.metadata import version  # noqa: PLC0415 - only for --version

    return version("contentcal")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="contentcal", message="%(prog)s %(version)s")
def cli() -> None:
    """Turn a social-media strategy into a checked editorial calendar.

    Keep your plan in one TOML file (goals, pillars, platforms, content items; more items
    in CSV or JSON lines files it includes). Then check it, see the week, and publish
    calendar feeds your team subscribes to.
    """


def _plan_argument(function: F) -> F:
    return click.argument("plan", type=click.Path(dir_okay=False, path_type=str), metavar="PLAN")(
        function
    )


def _now_option(function: F) -> F:
    return click.option(
        "--now",
        type=click.DateTime(
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        ),
        default=None,
        help="Pretend it is this moment (in the brand's time zone); default: the real time.",
    )(function)


@cli.command()
@_plan_argument
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts (a stable list of finding objects).",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option(
    "--select",
    multiple=True,
    metavar="RULE",
    help="Only run these rules (name or code); repeatable.",
)
@click.option(
    "--ignore", multiple=True, metavar="RULE", help="Skip these rules (name or code); repeatable."
)
@_now_option
def check(
    plan: str,
    output_format: str,
    strict: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    now: dt.datetime | None,
) -> None:
    """Check PLAN and report every problem with its file, line and a fix.

    Finds load errors (bad syntax, unknown keys, unknown platforms, pillars and goals,
    duplicate ids, bad dates) and the plan's rule findings. Exits 1 when there is an
    error (with --strict: any warning), 0 otherwise.
    """
    from contentcal import check as checking  # noqa: PLC0415 - lazy: heavy rule modules

    report = checking.check_file(plan, now=_aware_now(now), select=select, ignore=ignore)
    if output_format == "json":
        click.echo(checking.render_json(report))
    else:
        click.echo(checking.render_text(report), nl=False)
    if report.fails(strict=strict):
        sys.exit(EXIT_PLAN_ERRORS)


def _aware_now(now: dt.datetime | None) -> dt.datetime:
    """The clock is read here, at the edge; a naive `--now` is the brand's wall time."""
    return now if now is not None else dt.datetime.now(dt.UTC)


def main() -> None:
    """Entry point of the ``contentcal`` console script."""
    cli(prog_name="contentcal")
