"""The ``contentcal`` command line: a thin layer over the library.

Each command parses its options, makes one library call and formats the result. Errors
from the library become messages in exactly one place, :meth:`_Group.invoke`.

Exit codes: 0 success, 1 the plan has errors (or another contentcal error), 2 usage error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pathlib
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
        except OverflowError:
            # Last line of defence: option dates are range-checked when parsed, but a plan's
            # own settings (a horizon of centuries) can still push a date off the calendar.
            click.echo(
                "error: a date falls outside the calendar (before year 1 or after 9999); "
                "use dates between 1900 and 2999 and shorter horizons",
                err=True,
            )
            ctx.exit(EXIT_USAGE)


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


class _Moment(click.ParamType):  # type: ignore[type-arg] # not generic at runtime in older clicks
    """ISO 8601 dates and date-times, read by the library's one parser.

    A mistake is a usage error in contentcal's own words (exit 2): what was wrong, and one
    example. With `as_datetime`, a bare date means its midnight.
    """

    name = "moment"

    def __init__(self, *, as_datetime: bool = False) -> None:
        self.as_datetime = as_datetime

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date | dt.datetime:
        if isinstance(value, dt.date):
            moment: dt.date | dt.datetime = value
        else:
            from contentcal.errors import InvalidOptionError  # noqa: PLC0415
            from contentcal.model.moments import parse_moment  # noqa: PLC0415

            try:
                moment = parse_moment(str(value))
            except InvalidOptionError as exc:
                name = param.opts[0] if param is not None and param.opts else "value"
                raise InvalidOptionError(f"{name}: {exc}") from None
        if self.as_datetime and not isinstance(moment, dt.datetime):
            return dt.datetime.combine(moment, dt.time())
        return moment


_MOMENT_HELP = "ISO 8601: 2026-12-01, 2026-12-01T08:00 (brand's time zone) or 2026-12-01T01:00Z"


def _resolve_plan(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """PLAN, or $CONTENTCAL_PLAN, or ./plan.toml, saying which when it was not given."""
    from contentcal.errors import InvalidOptionError  # noqa: PLC0415

    source = ctx.get_parameter_source(param.name or "plan")
    if ctx.resilient_parsing or source is click.core.ParameterSource.COMMANDLINE:
        return value
    if source is click.core.ParameterSource.ENVIRONMENT:
        click.echo(f"using {value} (from $CONTENTCAL_PLAN)", err=True)
        return value
    import os  # noqa: PLC0415

    if not os.path.exists(value):
        raise InvalidOptionError(
            f"no PLAN given and there is no {value} here; name the plan file, set "
            "CONTENTCAL_PLAN, or start one with `contentcal init`"
        )
    click.echo(f"using {value} (no PLAN given)", err=True)
    return value


def _plan_argument(function: F) -> F:
    return click.argument(
        "plan",
        type=click.Path(dir_okay=False, path_type=str),
        metavar="[PLAN]",
        required=False,
        default="plan.toml",
        envvar="CONTENTCAL_PLAN",
        callback=_resolve_plan,
    )(function)


def _now_option(function: F) -> F:
    return click.option(
        "--now",
        type=_Moment(as_datetime=True),
        default=None,
        metavar="DATETIME",
        help="Pretend it is this moment, e.g. 2026-12-01T08:00 (brand's time zone) or "
        "2026-12-01T01:00Z; default: now.",
    )(function)


def _plan_values(ctx: click.Context, kind: str) -> list[str]:
    """Platform ids or owners of the plan on the command line, for shell completion."""
    import os  # noqa: PLC0415

    from contentcal.errors import ContentcalError  # noqa: PLC0415
    from contentcal.files.load import load  # noqa: PLC0415

    path = ctx.params.get("plan") or os.environ.get("CONTENTCAL_PLAN") or "plan.toml"
    try:
        plan = load(path)
    except (ContentcalError, OSError):
        return []
    if kind == "platform":
        return [platform.id for platform in plan.platforms]
    owners = {platform.owner for platform in plan.platforms if platform.owner}
    owners |= {item.owner for item in plan.items if item.owner}
    return sorted(owners)


def _complete_platforms(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    return [
        click.shell_completion.CompletionItem(value)
        for value in _plan_values(ctx, "platform")
        if value.startswith(incomplete)
    ]


def _complete_owners(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    return [
        click.shell_completion.CompletionItem(value)
        for value in _plan_values(ctx, "owner")
        if value.lower().startswith(incomplete.lower())
    ]


class _FormatChoice(click.Choice):  # type: ignore[type-arg] # not generic at runtime in older clicks
    """The one `--format` vocabulary: ``text`` is for people everywhere.

    ``table`` (the old word of `week` and `schedule`) is still read, as ``text``.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.lower() == "table" and "text" in self.choices:
            value = "text"
        return super().convert(value, param, ctx)


def _format_option(*choices: str, help_text: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "output_format",
        type=_FormatChoice(["text", *choices]),
        default="text",
        show_default=True,
        help=help_text,
    )


@cli.command()
@_plan_argument
@_format_option(
    "json", help_text="text for people, json for scripts (a stable list of finding objects)."
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
    help="Processes the duplicate search may use on plans of 20,000 to 250,000 items (larger "
    "ones use one, to save memory); 1 for none.",
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Keep the duplicate search's work in the plan's state folder (plans with 10,000+ "
    "items), so the next check redoes only what changed.",
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
    cache: bool,
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
            cache=cache,
        )
    _warn(report.warnings)
    if output_format == "json":
        click.echo(checking.render_json(report))
    else:
        click.echo(checking.render_text(report), nl=False)
    if report.fails(strict=strict):
        sys.exit(EXIT_PLAN_ERRORS)


def _date_option(name: str, help_text: str) -> Callable[[F], F]:
    return click.option(
        name,
        type=_Moment(),
        default=None,
        metavar="DATE",
        help=f"{help_text} {_MOMENT_HELP}.",
    )


@cli.command(name="schedule")
@_plan_argument
@_date_option("--start", "First day shown (default: today in the brand's time zone).")
@_date_option("--end", "Day after the last day shown (default: eight weeks after --start).")
@_now_option
@_format_option(
    "markdown",
    "csv",
    "json",
    help_text="text for people, markdown for a wiki or chat, csv for a spreadsheet, json for "
    "scripts (the same contracts as `week`).",
)
@click.option(
    "--pin",
    is_flag=True,
    help="Write each placed time back into its file as at = ... (keeps comments and layout).",
)
@click.option("--dry-run", is_flag=True, help="With --pin: show the diff and write nothing.")
def schedule_command(
    plan: str,
    start: dt.date | None,
    end: dt.date | None,
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
    placed = schedule(loaded, now=_aware_now(now), start=start, end=end)
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
    click.echo(views.render_week(views.select(placed), fmt=_view_format(output_format)), nl=False)


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
    shell_complete=_complete_platforms,
    help="Only this platform (its id in the plan); repeatable.",
)
@click.option(
    "--owner",
    metavar="NAME",
    shell_complete=_complete_owners,
    help="Only items this person is responsible for.",
)
@_format_option(
    "markdown",
    "csv",
    "json",
    help_text="text for a terminal, markdown for a wiki or chat, csv for a spreadsheet, "
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
    start: dt.date | None,
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
        start=start,
        days=days,
        platforms=platforms,
        owner=owner,
        timezone=timezone,
    )
    click.echo(views.render_week(view, fmt=_view_format(output_format), raw=raw), nl=False)


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
@_format_option(
    "markdown",
    "json",
    help_text="text for a terminal, markdown for a wiki or chat, json for scripts.",
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
@click.option(
    "--platform",
    metavar="ID",
    shell_complete=_complete_platforms,
    help="Only this platform's posts.",
)
@click.option(
    "--owner", metavar="NAME", shell_complete=_complete_owners, help="Only posts this person owns."
)
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
    start: dt.date | None,
    end: dt.date | None,
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
        start=start,
        end=end,
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
@click.option(
    "--pages/--no-pages",
    default=True,
    show_default=True,
    help="Also write the month, week and post pages (and review.html). --no-pages writes "
    "only the feeds and index.html (much faster on very large plans) and removes pages an "
    "earlier run published there.",
)
@_now_option
@_save_state_option
@_quiet_option
def feeds(
    plan: str,
    out_dir: str,
    base_url: str | None,
    pages: bool,
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
    and review.html when the plan measures; a page is rewritten only when it changed
    (--no-pages: feeds and index.html only). The feed state beside the plan is updated,
    except with --now (unless --save-state).
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
            pages=pages,
            **_state_saving(now, save_state),
        )
    _warn(result.warnings)
    page_paths = set(result.pages)
    for path in result.files:
        if path not in page_paths:
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
    feeds online and logs the problem. A plan that does not load at start still starts the
    server: it answers 503 with the error until the plan is fixed. Answers conditional
    requests (ETag, Last-Modified), compresses with gzip for clients that accept it, and
    allows pages on any origin to read the feeds (CORS). Warns when listening beyond this
    machine without a token. Stop with Ctrl-C.
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
    # A plan that does not load yet still starts the server: it answers 503 with the error
    # until the plan is fixed (an edit after a good build keeps the last good feeds).
    cache = serving.SiteCache(builder.build, builder.watched, wait_for_fix=True)
    try:
        server = serving.make_server(cache, host=host, port=port, token=token, public_url=public)
    except (OSError, ValueError) as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc}") from None
    click.echo(f"serving {plan} on {server.base_url} — Ctrl-C to stop", err=True)
    if cache.failure is not None:
        click.echo(
            f"{plan} does not load yet; every feed answers 503 with the error until it is "
            "fixed (see the log above)",
            err=True,
        )
    links_base = server.public_url or server.base_url
    for link in serving.subscribe_urls(links_base, sorted(cache.site.files)):
        if link.path.endswith(".ics"):
            click.echo(f"  {link.path}: {link.webcal}", err=True)
    serving.serve_forever(server)
    click.echo("stopped", err=True)


@cli.command(name="rules")
@_format_option("json", help_text="text for people, json for scripts (a stable list of objects).")
def rules_command(output_format: str) -> None:
    """List every rule `check` runs: code, name, default severity and what it finds.

    Use a code or a name with `check --select` and `check --ignore`, in a plan's
    [check] table, or in an item's ignore = [...].
    """
    from contentcal.checking import listing  # noqa: PLC0415 - lazy: the rules pull rapidfuzz

    if output_format == "json":
        click.echo(listing.render_rules_json(), nl=False)
    else:
        click.echo(listing.render_rules_text(), nl=False)


def _ask(value: Any, prompt: str, default: Any, yes: bool, **options: Any) -> Any:
    """A flag's value, else the default with --yes, else the answer to a prompt."""
    if value is not None:
        return value
    if yes:
        return default
    return click.prompt(prompt, default=default, err=True, **options)


def _ask_parsed(
    value: str | None, prompt: str, default: str, yes: bool, parse: Callable[[str], Any]
) -> Any:
    """Like `_ask`, but reads the text with a library parser; a prompt asks again on a
    mistake, a flag fails (exit 2) with the parser's message."""
    from contentcal.errors import InvalidOptionError  # noqa: PLC0415

    if value is not None or yes:
        return parse(value if value is not None else default)
    while True:
        answer = click.prompt(prompt, default=default, err=True)
        try:
            return parse(answer)
        except InvalidOptionError as exc:
            click.echo(f"  {exc}", err=True)


def _nth(values: tuple[Any, ...], index: int) -> Any:
    return values[index] if index < len(values) else None


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("-y", "--yes", is_flag=True, help="Take the default for every question not given.")
@click.option(
    "--example", is_flag=True, help="Copy the bundled example plan (Batik Cikarang) instead."
)
@click.option("--name", help="1. Strategy: the business's name.")
@click.option("--timezone", metavar="ZONE", help="1. Strategy: IANA time zone, e.g. Asia/Jakarta.")
@click.option(
    "--goal",
    "goals",
    multiple=True,
    metavar="TEXT",
    help="1. A goal: what should happen; repeat for a second.",
)
@click.option(
    "--metric", "metrics", multiple=True, help="1. What the goal measures (one per --goal)."
)
@click.option(
    "--baseline",
    "baselines",
    multiple=True,
    type=float,
    help="1. The metric today (one per --goal).",
)
@click.option(
    "--target", "targets", multiple=True, type=float, help="1. The value to reach (one per --goal)."
)
@click.option(
    "--due",
    "dues",
    multiple=True,
    metavar="DATE",
    help="1. When (one per --goal), e.g. 2027-03-31.",
)
@click.option(
    "--pillars",
    metavar="LIST",
    help="2. Presence: pillars with target shares, e.g. "
    "'education=0.4, communication=0.3, entertainment=0.3'.",
)
@click.option(
    "--networks",
    metavar="LIST",
    help="3. Tools: the networks to be on, e.g. 'instagram, whatsapp'.",
)
@click.option(
    "--purpose",
    "purposes",
    multiple=True,
    help="3. Why the brand is on each network (one per network, in order).",
)
@click.option(
    "--owner", "owners", multiple=True, help="3. Who keeps each platform up (one per network)."
)
@click.option(
    "--handle", "handles", multiple=True, help="3. Each platform's account name (one per network)."
)
@click.option(
    "--account",
    "accounts",
    multiple=True,
    type=click.Choice(["business", "personal"]),
    help="3. Each platform's account type (one per network).",
)
@click.option(
    "--slots",
    "slot_lists",
    multiple=True,
    metavar="SLOTS",
    help="4. Conversation: each platform's posting rhythm, slots separated by '|', "
    "e.g. 'MO,WE,FR 19:00 | SA 10:00'.",
)
@click.option(
    "--respond-within",
    "response_times",
    multiple=True,
    metavar="DURATION",
    help="4. How fast each platform answers questions, e.g. 2h (one per network).",
)
@_now_option
def init(
    directory: str,
    yes: bool,
    example: bool,
    name: str | None,
    timezone: str | None,
    goals: tuple[str, ...],
    metrics: tuple[str, ...],
    baselines: tuple[float, ...],
    targets: tuple[float, ...],
    dues: tuple[str, ...],
    pillars: str | None,
    networks: str | None,
    purposes: tuple[str, ...],
    owners: tuple[str, ...],
    handles: tuple[str, ...],
    accounts: tuple[str, ...],
    slot_lists: tuple[str, ...],
    response_times: tuple[str, ...],
    now: dt.datetime | None,
) -> None:
    """Start a plan in DIRECTORY (default: here), asking in the Social Ladder's order.

    \b
    1. strategy: the business, its time zone, one or two SMART goals
    2. presence: the content pillars and their target shares
    3. tools: the few networks to be on (showing what each is good at),
       each platform's purpose, owner, handle and account type
    4. conversation: each platform's posting slots and response time

    Writes a commented plan.toml and items/first-items.csv, then prints the next
    three commands. Every question has an option; --yes takes the suggestion for
    the rest. Never overwrites: an existing plan.toml is an error (exit 1).
    """
    import attrs  # noqa: PLC0415

    from contentcal.model import Account, Brand, Network  # noqa: PLC0415
    from contentcal.networks.honeycomb import Block, honeycomb  # noqa: PLC0415
    from contentcal.starting import init as starting  # noqa: PLC0415

    if example:
        started = starting.copy_example(directory)
        click.echo(f"copied the example plan into {directory}")
        _next_steps(starting.next_commands(started.plan))
        return
    starting.ensure_free(directory)
    today = _aware_now(now).date() if now is not None else dt.date.today()  # noqa: DTZ011 - the edge
    defaults = starting.default_answers(today=today)
    interactive = not yes

    def heading(text: str) -> None:
        if interactive:
            click.echo(f"\n{text}", err=True)

    heading("Step 1 of 4, strategy: the business and what it wants to reach")
    name = _ask(name, "Business name", defaults.brand.name, yes)

    zone_name = _ask_parsed(
        timezone, "Time zone (IANA, e.g. Asia/Jakarta)", "UTC", yes, starting.parse_timezone
    )
    defaults = starting.default_answers(today=today, name=name, timezone=zone_name)
    chosen_goals = _ask_goals(
        defaults.goals[0],
        yes=yes,
        statements=goals,
        metrics=metrics,
        baselines=baselines,
        targets=targets,
        dues=dues,
    )

    heading("Step 2 of 4, presence: what you give your audience (content pillars)")
    default_pillar_text = ", ".join(f"{pillar.id}={pillar.share:g}" for pillar in defaults.pillars)
    chosen_pillars = _ask_parsed(
        pillars, "Pillars and target shares", default_pillar_text, yes, starting.parse_pillars
    )

    heading("Step 3 of 4, tools: the few platforms to be on (fewer, done well, beats all)")
    if interactive:
        click.echo("What each network is built for (the honeycomb's building blocks):", err=True)
        for block in Block:
            click.echo(f"  {block.value}: {block.meaning}", err=True)
        for network in Network:
            if network is not Network.OTHER:
                click.echo(f"  {network.value:<16} {honeycomb(network).describe()}", err=True)
    chosen_networks = _ask_parsed(
        networks, "Networks (comma-separated)", "instagram", yes, starting.parse_networks
    )
    platforms: list[Any] = []
    for position, network in enumerate(chosen_networks):
        # The previous platform's owner is the likeliest owner of the next one.
        owner = platforms[-1].owner if platforms else _nth(owners, 0) or "Me"
        suggestion = starting.suggested_platform(
            network, brand=name, owner=owner or "Me", timezone=zone_name
        )
        if interactive:
            click.echo(f"{network.display_name}: {honeycomb(network).describe()}", err=True)
        platform = attrs.evolve(
            suggestion,
            purpose=_ask(
                _nth(purposes, position), "  Purpose (why be there?)", suggestion.purpose, yes
            ),
            owner=_ask(_nth(owners, position), "  Owner (who keeps it up?)", suggestion.owner, yes)
            or None,
            handle=_ask(_nth(handles, position), "  Handle", suggestion.handle, yes) or None,
            account=Account(
                _ask(
                    _nth(accounts, position),
                    "  Account type",
                    "business",
                    yes,
                    type=click.Choice(["business", "personal"]),
                )
            ),
        )
        platforms.append(platform)
    for warning in starting.owner_warnings(platforms, brand=Brand(name=name, timezone=zone_name)):
        click.echo(f"warning: {warning}", err=True)

    heading("Step 4 of 4, conversation: how often you post and how fast you answer")
    for position, platform in enumerate(platforms):
        label = platform.network.display_name
        slots = _ask_parsed(
            _nth(slot_lists, position),
            f"{label}: posting slots ('|' between them)",
            " | ".join(platform.slots),
            yes,
            starting.parse_slots,
        )
        respond = _ask_parsed(
            _nth(response_times, position),
            f"{label}: answer questions within",
            "24h",
            yes,
            starting.parse_response_time,
        )
        platforms[position] = attrs.evolve(platform, slots=slots, respond_within=respond)

    answers = starting.Answers(
        brand=Brand(name=name, timezone=zone_name),
        goals=tuple(chosen_goals),
        pillars=chosen_pillars,
        platforms=tuple(platforms),
    )
    started = starting.start_plan(directory, answers)
    for file in started.files:
        click.echo(f"wrote {pathlib.Path(directory) / file}")
    _next_steps(starting.next_commands(started.plan))


def _ask_goals(
    default: Any,
    *,
    yes: bool,
    statements: tuple[str, ...],
    metrics: tuple[str, ...],
    baselines: tuple[float, ...],
    targets: tuple[float, ...],
    dues: tuple[str, ...],
) -> list[Any]:
    """One or two SMART goals from flags or prompts, audited as they are answered."""
    from contentcal.starting import init as starting  # noqa: PLC0415

    if yes and not statements:
        return [default]
    chosen: list[Any] = []
    count = max(len(statements), 1)
    index = 0
    while index < count:
        first = index == 0
        goal = starting.goal_from_answers(
            statement=_ask(
                _nth(statements, index),
                f"Goal {index + 1}: what should happen?",
                default.statement if first else None,
                yes,
            ),
            metric=_ask(
                _nth(metrics, index),
                "  Metric (what is measured)",
                default.metric if first else "",
                yes,
            ),
            baseline=_ask(
                _nth(baselines, index), "  Baseline (the metric today)", 0, yes, type=float
            ),
            target=_ask(_nth(targets, index), "  Target", default.target, yes, type=float),
            due=_ask_parsed(
                _nth(dues, index),
                "  Due date (YYYY-MM-DD)",
                default.due.isoformat(),
                yes,
                _date_only,
            ),
            owner=None,  # not asked: the review owner then comes from the platforms
            taken=[goal.id for goal in chosen],
        )
        chosen.append(goal)
        audit = starting.smart_audit(goal)
        if audit:
            click.echo(f"  goal {goal.id!r} is not SMART yet: " + "; ".join(audit), err=True)
        elif not yes:
            click.echo(f"  goal {goal.id!r} is SMART", err=True)
        index += 1
        if (
            not yes
            and not statements
            and count == index == 1
            and click.confirm("Add a second goal?", default=False, err=True)
        ):
            count = 2
    return chosen


def _date_only(text: str) -> Any:
    from contentcal.errors import InvalidOptionError  # noqa: PLC0415
    from contentcal.model.moments import parse_moment  # noqa: PLC0415

    moment = parse_moment(text)
    if isinstance(moment, dt.datetime):
        raise InvalidOptionError(f"{text!r}: a due date is a day, e.g. 2027-03-31")
    return moment


def _next_steps(commands: tuple[str, ...]) -> None:
    click.echo("next:")
    for command in commands:
        click.echo(f"  {command}")


def _view_format(output_format: str) -> str:
    """The views' name for a `--format` word (they call the text for people a table)."""
    return "table" if output_format == "text" else output_format


@cli.command(name="review")
@_plan_argument
@_date_option(
    "--as-of",
    "Review as of this day; later results are ignored (default: today in the brand's zone).",
)
@_format_option(
    "markdown",
    "json",
    "html",
    help_text="text for a terminal, markdown for a wiki or chat, json for scripts (a stable "
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
    plan: str, as_of: dt.date | None, output_format: str, output: str | None
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
    # A date-time (with or without an offset) counts as its day in the brand's zone.
    day = (
        as_of
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
