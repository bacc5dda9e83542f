"""The ``contentcal`` command line: a thin layer over the library.

Each command parses its options, makes one library call and formats the result. Errors
from the library become messages in exactly one place, :meth:`_Group.invoke`.

Exit codes: 0 success, 1 the plan has errors (or another contentcal error), 2 usage error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_PLAN_ERRORS = 1
EXIT_USAGE = 2


class _Group(click.Group):
    """Turns every ContentcalError into a located message on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        # Imported here, not at the top: `contentcal --help` never gets this far, and
        # start-up time is part of the CLI's contract (docs/performance.md).
        from contentcal.errors import (  # noqa: PLC0415
            ContentcalError,
            InvalidOptionError,
            PlanError,
        )

        try:
            return super().invoke(ctx)
        except InvalidOptionError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
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


@click.group(
    name="contentcal", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(
    package_name="contentcal", prog_name="contentcal", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Turn a social-media strategy into a checked editorial calendar.

    Keep your plan in one TOML file (goals, pillars, platforms, content items; more items
    in CSV or JSON lines files it includes). Then check it, see the week, and publish
    calendar feeds your team subscribes to.
    """


def _quiet_option(function: F) -> F:
    return click.option(
        "-q", "--quiet", is_flag=True, help="No progress bar (there is none when not a terminal)."
    )(function)


@contextlib.contextmanager
def _progress(label: str, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing click's bar on stderr, or None when nobody watches."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None
    with contextlib.ExitStack() as stack:

        def update(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = stack.enter_context(
                    click.progressbar(length=total, label=label, file=sys.stderr)
                )
            bar.update(done - bar.pos)

        yield update


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
        metavar="DATETIME",
        help="Pretend it is this moment, e.g. 2026-12-01T08:00 (brand's time zone); default: now.",
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
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    metavar="N",
    help="Processes the duplicate search may use on plans with 20,000+ items; 1 for none.",
)
@_now_option
@_quiet_option
def check(
    plan: str,
    output_format: str,
    strict: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int,
    now: dt.datetime | None,
    quiet: bool,
) -> None:
    """Check PLAN and report every problem with its file, line and a fix.

    Finds load errors (bad syntax, unknown keys, unknown platforms, pillars and goals,
    duplicate ids, bad dates) and the plan's rule findings. Exits 1 when there is an
    error (with --strict: any warning), 0 otherwise.
    """
    from contentcal.checking import engine as checking  # noqa: PLC0415 - lazy: heavy rule modules

    with _progress("checking", quiet) as progress:
        report = checking.check_file(
            plan,
            now=_aware_now(now),
            select=select,
            ignore=ignore,
            progress=progress,
            workers=jobs,
        )
    if output_format == "json":
        click.echo(checking.render_json(report))
    else:
        click.echo(checking.render_text(report), nl=False)
    if report.fails(strict=strict):
        sys.exit(EXIT_PLAN_ERRORS)


def _date_option(name: str, help_text: str) -> Callable[[F], F]:
    return click.option(
        name,
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        metavar="DATE",
        help=help_text,
    )


@cli.command(name="schedule")
@_plan_argument
@_date_option("--start", "First day shown (default: today in the brand's time zone).")
@_date_option("--end", "Day after the last day shown (default: eight weeks after --start).")
@_now_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for scripts (same contract as `week --format json`).",
)
@click.option(
    "--pin",
    is_flag=True,
    help="Write each placed time back into its file as at = ... (keeps comments and layout).",
)
@click.option("--dry-run", is_flag=True, help="With --pin: show the diff and write nothing.")
def schedule_command(
    plan: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    now: dt.datetime | None,
    output_format: str,
    pin: bool,
    dry_run: bool,
) -> None:
    """Place PLAN's approved items in their platforms' slots and show the result.

    Items with a time keep it; approved items without one take the next free slot at or
    after --now, in plan order. Shows what goes where, the backlog (ideas, drafts, items
    in review) and what could not be placed, with the reason. With --pin, the placed
    times are written into the plan's files so they stay put.
    """
    from contentcal.files import pin as pinning  # noqa: PLC0415 - lazy: scheduling pulls dateutil
    from contentcal.files.load import load  # noqa: PLC0415
    from contentcal.scheduling.place import schedule  # noqa: PLC0415
    from contentcal.views import week as views  # noqa: PLC0415

    if dry_run and not pin:
        raise click.UsageError("--dry-run only makes sense with --pin")
    loaded = load(plan)
    placed = schedule(
        loaded,
        now=_aware_now(now),
        start=start.date() if start else None,
        end=end.date() if end else None,
    )
    if pin:
        result = pinning.pin(placed)
        if dry_run:
            click.echo(result.diff(), nl=False)
            click.echo(
                f"would pin {_count(result.pinned, 'item')} in "
                f"{_count(len(result.changes), 'file')}",
                err=True,
            )
        else:
            pinning.apply_pins(result)
            click.echo(
                f"pinned {_count(result.pinned, 'item')} in {_count(len(result.changes), 'file')}",
                err=True,
            )
        return
    click.echo(views.render_week(views.select(placed), fmt=output_format), nl=False)


@cli.command()
@_plan_argument
@click.option("--week", "iso_week", metavar="YYYY-Www", help="ISO week to show, e.g. 2026-W50.")
@_date_option("--start", "First day to show instead of a week's Monday.")
@click.option(
    "--days", type=click.IntRange(min=1), default=7, show_default=True, help="How many days."
)
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    metavar="ID",
    help="Only this platform (its id in the plan); repeatable.",
)
@click.option("--owner", metavar="NAME", help="Only items this person is responsible for.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "markdown", "csv", "json"]),
    default="table",
    show_default=True,
    help="table for a terminal, markdown for a wiki or chat, csv for a spreadsheet, "
    "json for scripts.",
)
@click.option(
    "--tz", "timezone", metavar="ZONE", help="Show times in this IANA zone (default: the brand's)."
)
@click.option(
    "--raw",
    is_flag=True,
    help="With --format csv: write cells exactly as in the plan. Without it, a cell starting "
    "with = + - @ gets a leading ' so a spreadsheet never runs it as a formula.",
)
@_now_option
def week(
    plan: str,
    iso_week: str | None,
    start: dt.datetime | None,
    days: int,
    platforms: tuple[str, ...],
    owner: str | None,
    output_format: str,
    timezone: str | None,
    raw: bool,
    now: dt.datetime | None,
) -> None:
    """Print PLAN's weekly schedule, grouped per platform.

    Default: the current ISO week in the brand's time zone. Each entry shows the local
    date and time, title, pillar, goal, status and owner; the footer shows the pillar mix
    against its targets, slots filled per platform, the backlog and anything unplaced.
    """
    from contentcal.files.load import load  # noqa: PLC0415
    from contentcal.views import week as views  # noqa: PLC0415 - lazy: scheduling pulls dateutil

    view = views.week(
        load(plan),
        now=_aware_now(now),
        iso_week=iso_week,
        start=start.date() if start else None,
        days=days,
        platforms=platforms,
        owner=owner,
        timezone=timezone,
    )
    click.echo(views.render_week(view, fmt=output_format, raw=raw), nl=False)


def _save_state_option(function: F) -> F:
    return click.option(
        "--save-state/--no-save-state",
        default=None,
        help="Write the feed state beside the plan (.contentcal/feed-state.json) "
        "[default: only without --now, so a pretend time never reaches later feeds].",
    )(function)


def _state_saving(now: dt.datetime | None, save_state: bool | None) -> dict[str, Any]:
    """Whether to save the feed state, and the real time of this run (read at the edge)."""
    return {
        "save_state": save_state if save_state is not None else now is None,
        "written_at": dt.datetime.now(dt.UTC),
    }


@cli.command()
@_plan_argument
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a wiki or chat, json for scripts.",
)
@_now_option
def stories(plan: str, output_format: str, now: dt.datetime | None) -> None:
    """Show each story of PLAN as a spiral: where it enters, how it moves on, and when.

    Every step shows its platform, its version (media and title) and its time, placed
    from --now or pinned, with the time since the step before and the least time the
    story asks for. Stories are defined in [stories.<id>] tables (see docs/stories.md).
    """
    from contentcal.files.load import load  # noqa: PLC0415
    from contentcal.scheduling.stories import spirals  # noqa: PLC0415 - lazy: pulls dateutil
    from contentcal.views.stories import render_stories  # noqa: PLC0415

    loaded = load(plan)
    found = spirals(loaded, now=_aware_now(now))
    click.echo(render_stories(found, plan=loaded, fmt=output_format), nl=False)


@cli.command()
@_plan_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=str),
    default=None,
    help="Write the feed to this file (atomically) instead of stdout.",
)
@click.option("--platform", metavar="ID", help="Only this platform's posts.")
@click.option("--owner", metavar="NAME", help="Only posts this person owns.")
@click.option("--pillar", metavar="ID", help="Only posts of this pillar.")
@_date_option("--start", "First day in the feed (default: [feeds] past, 30 days back).")
@_date_option("--end", "Day after the last one in the feed (default: [feeds] ahead, 180 days).")
@click.option("--base-url", metavar="URL", help="Where the feed is published (SOURCE/URL).")
@_now_option
@_save_state_option
def ics(
    plan: str,
    output: str | None,
    platform: str | None,
    owner: str | None,
    pillar: str | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    base_url: str | None,
    now: dt.datetime | None,
    save_state: bool | None,
) -> None:
    """Print PLAN's iCalendar feed (or write it with -o), for calendar apps to import.

    Times are in UTC, UIDs stay the same for an item's whole life, and stamps come from
    the feed state beside the plan (.contentcal/feed-state.json), so an unchanged plan
    gives the same bytes on every run. With --now the state is read but not written
    (unless --save-state).
    """
    from contentcal.files.atomic import write_atomic  # noqa: PLC0415
    from contentcal.files.load import load  # noqa: PLC0415
    from contentcal.publishing.feeds import FeedWindow  # noqa: PLC0415 - lazy: icalendar is heavy
    from contentcal.publishing.pipeline import publish_feed  # noqa: PLC0415

    result = publish_feed(
        load(plan),
        now=_aware_now(now),
        window=FeedWindow(platform=platform, owner=owner, pillar=pillar),
        start=start.date() if start else None,
        end=end.date() if end else None,
        base_url=base_url,
        **_state_saving(now, save_state),
    )
    _warn(result.warnings)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(result.body)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, result.body)
        click.echo(f"wrote {output} ({result.events} events)", err=True)


@cli.command()
@_plan_argument
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=str),
    help="Folder to write the feeds and index.html into (created if missing).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Public URL of that folder; needed for subscribe links in index.html.",
)
@_now_option
@_save_state_option
@_quiet_option
def feeds(
    plan: str,
    out_dir: str,
    base_url: str | None,
    now: dt.datetime | None,
    save_state: bool | None,
    quiet: bool,
) -> None:
    """Write every feed of PLAN and its calendar pages into a folder for static hosting.

    Writes all.ics, platform/<id>.ics, owner/<name>.ics and an index.html with webcal://,
    https:// and Google Calendar links for each feed. Each file is replaced atomically.
    Also writes the calendar as pages: month/<YYYY-MM>.html (a grid per month of the feed
    window), week/<YYYY-Www>.html (a column per platform) and post/<id>.html (the copy as
    the network shows it, its length, check findings and the story's other versions),
    and review.html when the plan measures; a page is rewritten only when it changed.
    The feed state beside the plan is updated, except with --now (unless --save-state).
    """
    from contentcal.files.load import load  # noqa: PLC0415 - lazy: icalendar is heavy
    from contentcal.publishing.pipeline import publish_feeds  # noqa: PLC0415

    with _progress("writing feeds", quiet) as progress:
        result = publish_feeds(
            load(plan),
            now=_aware_now(now),
            out_dir=out_dir,
            base_url=base_url,
            progress=progress,
            **_state_saving(now, save_state),
        )
    _warn(result.warnings)
    pages = set(result.pages)
    for path in result.files:
        if path not in pages:
            click.echo(f"{out_dir.rstrip('/')}/{path}")
    # Pages by folder, one line each: a site has dozens of them.
    for path in result.pages:
        if "/" not in path:  # review.html beside index.html
            click.echo(f"{out_dir.rstrip('/')}/{path}")
    for folder in dict.fromkeys(path.split("/", 1)[0] for path in result.pages if "/" in path):
        count = sum(1 for path in result.pages if path.startswith(f"{folder}/"))
        changed = sum(1 for path in result.rewritten if path.startswith(f"{folder}/"))
        click.echo(
            f"{out_dir.rstrip('/')}/{folder}/*.html ({_count(count, 'page')}, {changed} written)"
        )


@cli.command()
@_plan_argument
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--token",
    metavar="SECRET",
    envvar="CONTENTCAL_TOKEN",
    show_envvar=True,
    help="Serve feeds only under /SECRET/ (unguessable links for unreleased campaigns). "
    "Prefer the environment variable or --token-file: arguments are visible in `ps`.",
)
@click.option(
    "--token-file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=str),
    help="Read the token from FILE (one line) instead.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Public URL of the server (behind a proxy), for links; default: the request's Host.",
)
def serve(
    plan: str,
    host: str,
    port: int,
    token: str | None,
    token_file: str | None,
    base_url: str | None,
) -> None:
    """Serve PLAN's feeds over HTTP for calendar apps to subscribe to.

    Rebuilds the feeds in the background when the plan or its item files change, and when
    time moves the schedule (a slot passes, a day begins); a broken edit keeps the last good
    feeds online and logs the problem. Answers conditional requests (ETag, Last-Modified),
    compresses with gzip for clients that accept it, and allows pages on any origin to read
    the feeds (CORS). Warns when listening beyond this machine without a token. Stop with
    Ctrl-C.
    """
    import logging  # noqa: PLC0415 - lazy: only the server logs

    from contentcal.publishing import serve as serving  # noqa: PLC0415
    from contentcal.publishing.pipeline import SiteBuilder  # noqa: PLC0415

    if token_file is not None:
        if token is not None:
            from contentcal.errors import InvalidOptionError  # noqa: PLC0415 - lazy, as above

            raise InvalidOptionError(
                "give the token once: --token-file, or --token / CONTENTCAL_TOKEN, not both"
            )
        token = serving.read_token_file(token_file)
    # With the token: the feeds' SOURCE and the index's links must carry it. A bad URL is
    # the same error as in `feeds`, before anything is bound or written.
    public = serving.public_base_url(base_url, token) if base_url is not None else None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    # The real clock, so each build may save the feed state.
    builder = SiteBuilder(
        plan, clock=lambda: dt.datetime.now(dt.UTC), base_url=public, save_state=True
    )
    cache = serving.SiteCache(builder.build, builder.watched)
    try:
        server = serving.make_server(cache, host=host, port=port, token=token, public_url=public)
    except (OSError, ValueError) as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc}") from None
    click.echo(f"serving {plan} on {server.base_url} — Ctrl-C to stop", err=True)
    links_base = server.public_url or server.base_url
    for link in serving.subscribe_urls(links_base, sorted(cache.site.files)):
        if link.path.endswith(".ics"):
            click.echo(f"  {link.path}: {link.webcal}", err=True)
    serving.serve_forever(server)
    click.echo("stopped", err=True)


@cli.command(name="review")
@_plan_argument
@_date_option(
    "--as-of",
    "Review as of this day; later results are ignored (default: today in the brand's zone).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json", "html"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a wiki or chat, json for scripts (a stable "
    "contract), html for one self-contained page with a chart per goal.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=str),
    default=None,
    help="Write the review to this file (atomically) instead of stdout.",
)
def review_command(
    plan: str, as_of: dt.datetime | None, output_format: str, output: str | None
) -> None:
    """Review PLAN's goals against their results, with actions and what works.

    Per goal: the latest result, progress from baseline to target, where it should be by
    now, a status (achieved, missed, no-data, behind, on-track) and a forecast at this
    pace. Then open and overdue actions, posts planned against published per platform
    since the last review, the pillar mix, and the posts that work best per metric.
    """
    from contentcal.files.load import load  # noqa: PLC0415
    from contentcal.model.zones import get_zone  # noqa: PLC0415
    from contentcal.reviewing.compute import review  # noqa: PLC0415
    from contentcal.views.review import render_review  # noqa: PLC0415

    loaded = load(plan)
    _warn(tuple(str(problem) for problem in loaded.warnings))
    day = (
        as_of.date()
        if as_of is not None
        else _aware_now(None).astimezone(get_zone(loaded.brand.timezone)).date()
    )
    text = render_review(review(loaded, as_of=day), fmt=output_format)
    if output is None:
        click.echo(text, nl=False)
    else:
        from contentcal.files.atomic import write_atomic  # noqa: PLC0415

        write_atomic(output, text.encode())
        click.echo(f"wrote {output}", err=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def _aware_now(now: dt.datetime | None) -> dt.datetime:
    """The clock is read here, at the edge; a naive `--now` is the brand's wall time."""
    return now if now is not None else dt.datetime.now(dt.UTC)


def main() -> None:
    """Entry point of the ``contentcal`` console script."""
    cli(prog_name="contentcal")
