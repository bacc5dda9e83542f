"""Starting a plan from an empty folder, in the order of the Social Ladder.

The field research contentcal grew from climbs a *Social Ladder* of four steps:
**strategy** (the business and its SMART goals), **presence** (what it gives its audience:
the content pillars), **tools** (the few platforms it is on, each with a purpose, an owner
and a handle) and **conversation** (how often it posts and how fast it answers).
``contentcal init`` asks its questions in that order; this module holds everything but the
questions themselves: defaults and suggestions, the SMART audit and the owner warning
shown while answering, the text of the commented ``plan.toml`` and the starter CSV, and
writing them without ever overwriting.

>>> import datetime as dt
>>> answers = default_answers(today=dt.date(2026, 12, 1))
>>> [platform.id for platform in answers.platforms], answers.goals[0].due
(['instagram'], datetime.date(2027, 3, 1))
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.resources
import io
import os
import re
from collections.abc import Iterable, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

import attrs

from contentcal.errors import ContentcalError, InvalidOptionError, OutputError
from contentcal.files.atomic import write_atomic
from contentcal.files.load import ITEM_FIELDS
from contentcal.model import (
    DEFAULT_PILLARS,
    Account,
    Brand,
    Goal,
    Media,
    Network,
    Pillar,
    Plan,
    Platform,
)
from contentcal.networks.honeycomb import honeycomb
from contentcal.networks.limits import network_info

__all__ = [
    "EXAMPLE_NAME",
    "PLAN_FILE",
    "STARTER_CSV",
    "Answers",
    "PlanExistsError",
    "Started",
    "copy_example",
    "default_answers",
    "default_pillars",
    "ensure_free",
    "example_dir",
    "goal_from_answers",
    "next_commands",
    "owner_warnings",
    "parse_networks",
    "parse_pillars",
    "parse_response_time",
    "parse_slots",
    "parse_timezone",
    "plan_text",
    "slug",
    "smart_audit",
    "start_plan",
    "starter_csv",
    "suggested_platform",
]

PLAN_FILE: Final = "plan.toml"
"""The plan file `init` writes, and the one commands use when no PLAN is given."""

STARTER_CSV: Final = "items/first-items.csv"
"""The starter item file, relative to the plan."""

EXAMPLE_NAME: Final = "batik-cikarang"
"""The bundled example plan."""


class PlanExistsError(OutputError, FileExistsError):
    """`init` found a plan where it would write one; nothing was written."""


@attrs.frozen
class Answers:
    """Everything `init` asks, in the Social Ladder's order."""

    brand: Brand
    """Strategy: the business's name and time zone."""

    goals: tuple[Goal, ...]
    """Strategy: one or two SMART goals."""

    pillars: tuple[Pillar, ...]
    """Presence: the content pillars and their target shares."""

    platforms: tuple[Platform, ...]
    """Tools and conversation: each platform's purpose, owner, handle, account type,
    posting slots and response time."""


@attrs.frozen
class Started:
    """What `start_plan` or `copy_example` wrote."""

    directory: str
    """The folder the plan is in, as given."""

    files: tuple[str, ...]
    """Files written, relative to `directory`."""

    plan: str
    """The plan file, as a path to pass to other commands."""


def slug(text: str) -> str:
    """A lower-case id for `text`: ``"Grow followers!"`` -> ``grow-followers``.

    >>> slug("Batik Cikarang")
    'batik-cikarang'
    """
    words = re.findall(r"[0-9a-z]+", text.lower())
    return "-".join(words)[:40].strip("-") or "goal"


def default_pillars() -> tuple[Pillar, ...]:
    """The four pillars of *The Social Media Bible*, with equal target shares."""
    return tuple(
        Pillar(id=pillar_id, description=description, share=0.25, color=color)
        for pillar_id, description, color in DEFAULT_PILLARS
    )


def parse_pillars(text: str) -> tuple[Pillar, ...]:
    """Read pillars typed as ``education=0.4, communication=0.3, fun`` (share optional).

    A default pillar keeps its description and colour. Empty text means the four defaults.

    >>> [(p.id, p.share) for p in parse_pillars("education=0.4, fun")]
    [('education', 0.4), ('fun', None)]

    Raises:
        InvalidOptionError: a share that is not a number between 0 and 1, shares adding up
            to more than 1, a repeated or malformed id.
    """
    if not text.strip():
        return default_pillars()
    known = {pillar_id: (description, color) for pillar_id, description, color in DEFAULT_PILLARS}
    pillars: list[Pillar] = []
    for part in text.split(","):
        if not part.strip():
            continue
        name, _, share_text = part.strip().partition("=")
        share_text = share_text.strip()
        pillar_id = slug(name) if name.strip() else ""
        if not pillar_id or pillar_id != name.strip().lower():
            raise InvalidOptionError(
                f"pillar {name.strip()!r} is not an id; use lower-case letters, digits and "
                "dashes, e.g. education=0.4"
            )
        share: float | None = None
        if share_text:
            try:
                share = float(share_text)
            except ValueError:
                share = -1.0
            if not 0 <= share <= 1:
                raise InvalidOptionError(
                    f"pillar {pillar_id!r}: share {share_text!r} must be a number between 0 "
                    "and 1, e.g. education=0.4"
                )
        if any(pillar.id == pillar_id for pillar in pillars):
            raise InvalidOptionError(f"pillar {pillar_id!r} is given twice")
        description, color = known.get(pillar_id, (None, None))
        pillars.append(Pillar(id=pillar_id, description=description, share=share, color=color))
    total = sum(pillar.share or 0 for pillar in pillars)
    if total > 1.0001:
        raise InvalidOptionError(
            f"the pillar shares add up to {total:g}; they must add up to 1 at most"
        )
    return tuple(pillars)


def smart_audit(goal: Goal) -> list[str]:
    """What a goal still lacks to be SMART, one sentence per letter, for `init` to show.

    >>> for reason in smart_audit(Goal(id="g", statement="Grow", metric="followers")):
    ...     print(reason)
    A: no target, so nobody can tell whether it was reached
    T: no due date, so it never becomes urgent
    """
    reasons = {
        "S": "S: no statement of what should happen",
        "M": "M: no metric, so progress cannot be measured",
        "A": "A: no target, so nobody can tell whether it was reached",
        "R": "R: nothing ties it to the business",
        "T": "T: no due date, so it never becomes urgent",
    }
    audit = [reasons[letter] for letter in goal.missing_smart()]
    if (
        goal.target is not None
        and goal.baseline is not None
        and goal.target <= goal.baseline
        and "A" not in goal.missing_smart()
    ):
        audit.append(
            f"A: the target ({goal.target:g}) is not above the baseline ({goal.baseline:g})"
        )
    return audit


def suggested_platform(network: Network, *, brand: str, owner: str, timezone: str) -> Platform:
    """A platform on `network` with contentcal's suggestions filled in.

    The purpose comes from what the network is built for (its honeycomb), the slots from
    its suggested rhythm, the response time is a day, the account a business account.
    """
    comb = honeycomb(network)
    purposes = {
        "identity": "show who we are and what we stand for",
        "conversations": "answer questions and talk with customers",
        "sharing": "show our products and work to new people",
        "presence": "be found and reached when people are nearby",
        "relationships": "keep in touch with customers and partners",
        "reputation": "collect reviews and recommendations",
        "groups": "gather a community around what we do",
    }
    handle = "@" + slug(brand).replace("-", "")
    return Platform(
        id=network.value,
        network=network,
        timezone=timezone,
        handle=handle,
        owner=owner or None,
        purpose=purposes[comb.primary.value],
        account=Account.BUSINESS,
        slots=comb.slots,
        respond_within=dt.timedelta(hours=24),
    )


def default_answers(
    *,
    today: dt.date,
    name: str = "My Business",
    timezone: str = "UTC",
    networks: Sequence[Network] = (Network.INSTAGRAM,),
    owner: str = "Me",
) -> Answers:
    """What `init --yes` writes: one SMART goal due in three months, the four pillars, and
    one platform per network with contentcal's suggestions. `today` is the caller's date
    (the core never reads the clock)."""
    goal = Goal(
        id="followers",
        statement="Grow our following among the people we serve",
        metric="followers",
        baseline=0,
        target=100,
        due=_add_months(today, 3),
        owner=owner or None,
        relevance="Followers see our posts first and become customers.",
    )
    return Answers(
        brand=Brand(name=name, timezone=timezone),
        goals=(goal,),
        pillars=default_pillars(),
        platforms=tuple(
            suggested_platform(network, brand=name, owner=owner, timezone=timezone)
            for network in networks
        ),
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")  # pragma: no cover


def owner_warnings(platforms: Iterable[Platform], *, brand: Brand | None = None) -> list[str]:
    """What `check` would warn about who owns the platforms, as `init` shows it.

    Runs the very rule `check` runs (``too-many-platforms-per-owner``), so the two never
    disagree.
    """
    from contentcal.checking import rules  # noqa: PLC0415 - lazy: the rules pull rapidfuzz

    plan = Plan(brand=brand or Brand(name="-", timezone="UTC"), platforms=tuple(platforms))
    context = rules.Context(plan=plan, now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    return [
        f"{finding.message} ({finding.hint})" if finding.hint else finding.message
        for finding in rules.too_many_platforms_per_owner(context)
    ]


# --- the text of the files ---------------------------------------------------------------


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(char if char.isprintable() else _escape(char) for char in escaped)
    return f'"{escaped}"'


def _one_line(text: str) -> str:
    """`text` fit for a comment: control characters and line breaks become spaces."""
    return "".join(char if char.isprintable() else " " for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _toml_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _duration(value: dt.timedelta) -> str:
    """``2h``, ``90m``, ``1d``: the shortest form the loader reads back to `value`."""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _string_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_string(value) for value in values) + "]"


def plan_text(answers: Answers) -> str:
    """The commented ``plan.toml`` for `answers`.

    Every field `init` did not ask for is shown commented out with its default value, so
    the file documents itself; the sections follow the Social Ladder.
    """
    brand = answers.brand
    lines = [
        f"# {_one_line(brand.name)}: the social-media plan, started with `contentcal init`.",
        "#",
        "# A commented-out line shows a field you may set, with the value contentcal uses",
        "# while it stays commented out. Every field is described in docs/plan-file.md.",
        "",
        'include = ["items/*.csv"]   # more items, e.g. exported from a spreadsheet',
        '# results = ["results/*.csv"]  # what was measured (docs/reviewing.md); default: none',
        "",
        "# --- 1. Strategy: the business and its SMART goals --------------------------------",
        "",
        "[brand]",
        f"name = {_toml_string(brand.name)}",
        f"timezone = {_toml_string(brand.timezone)}",
        '# url = "https://example.com"          # default: none',
        '# domain = "example.com"               # default: none',
        '# blackout = []                        # days without posts, e.g. ["2026-12-25"]',
    ]
    for goal in answers.goals:
        lines += ["", f"[goals.{_toml_key(goal.id)}]"]
        lines.append(f"statement = {_toml_string(goal.statement)}")
        lines.append(
            f"metric = {_toml_string(goal.metric)}" if goal.metric else '# metric = "followers"'
        )
        lines.append(
            f"baseline = {_toml_number(goal.baseline)}"
            if goal.baseline is not None
            else "# baseline = 0"
        )
        lines.append(
            f"target = {_toml_number(goal.target)}" if goal.target is not None else "# target = 100"
        )
        lines.append(f"due = {goal.due.isoformat()}" if goal.due else "# due = 2027-03-31")
        lines.append(f'horizon = "{goal.horizon}"   # short or long term')
        lines.append(f"owner = {_toml_string(goal.owner)}" if goal.owner else "# owner = none")
        lines.append(
            f"relevance = {_toml_string(goal.relevance)}"
            if goal.relevance
            else '# relevance = "why the goal matters to the business"'
        )
    lines += [
        "",
        "# --- 2. Presence: what you give your audience, as content pillars -----------------",
        "# Without any [pillars.*] table the plan has the four default pillars (communication,",
        "# collaboration, education, entertainment) without target shares. Declaring any",
        "# pillar replaces all four: list every pillar you want.",
    ]
    for pillar in answers.pillars:
        lines += ["", f"[pillars.{_toml_key(pillar.id)}]"]
        lines.append(
            f"description = {_toml_string(pillar.description)}"
            if pillar.description
            else '# description = "what belongs in this pillar"'
        )
        lines.append(
            f"share = {_toml_number(pillar.share)}   # target share of all posts"
            if pillar.share is not None
            else "# share = none                        # target share of all posts, 0 to 1"
        )
        lines.append(
            f"color = {_toml_string(pillar.color)}"
            if pillar.color
            else "# color = none                        # a CSS colour name for calendars"
        )
    lines += [
        "",
        "# --- 3. Tools and 4. conversation: few platforms, each with a purpose, an owner,",
        "# a rhythm and a promise to answer within a time -----------------------------------",
    ]
    for platform in answers.platforms:
        comb = honeycomb(platform.network)
        reading = "a published reading" if comb.verified else "contentcal's own reading"
        lines += [
            "",
            f"# {platform.network.display_name}: {comb.describe()} ({reading}).",
            f"[platforms.{_toml_key(platform.id)}]",
            f'network = "{platform.network}"',
            f"purpose = {_toml_string(platform.purpose or '')}",
            f"owner = {_toml_string(platform.owner)}" if platform.owner else '# owner = "nobody"',
            f"handle = {_toml_string(platform.handle)}"
            if platform.handle
            else '# handle = "@yourname"',
            f'account = "{platform.account}"   # business or personal',
            f"slots = {_string_list(platform.slots)}   # see docs/cadence.md",
            f'respond_within = "{_duration(platform.respond_within)}"'
            if platform.respond_within
            else '# respond_within = "24h"               # how fast questions get an answer',
        ]
        if platform.timezone != brand.timezone:
            lines.append(f"timezone = {_toml_string(platform.timezone)}")
        else:
            lines.append(f"# timezone = {_toml_string(brand.timezone)}   # the brand's zone")
        lines += [
            '# min_gap = "0m"                        # least time between two posts',
            "# blackout = []                         # days without posts on this platform",
            "# limits = {}                           # e.g. { text = 1000 }; default: the network's",  # noqa: E501
        ]
    reviewer = next(
        (
            person
            for person in (*(g.owner for g in answers.goals), *(p.owner for p in answers.platforms))
            if person
        ),
        None,
    )
    lines += [
        "",
        "# --- Measuring: results against the goals, reviewed on a rhythm ---------------",
        "",
        "[review]",
        'when = "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9"   # the first Monday of each month, 09:00',
        f"owner = {_toml_string(reviewer)}" if reviewer else '# owner = "who runs the review"',
        '# duration = "1h"',
        "",
        "# Corrective actions from a review, each with an owner and a due date:",
        "# [[actions]]",
        '# id = "post-more-video"',
        '# what = "Post one short video a week"',
        "# due = 2027-01-31",
        f"# owner = {_toml_string(reviewer or 'someone')}",
    ]
    lines += [
        "",
        "# --- Content items ---------------------------------------------------------------",
        "# Items live in items/*.csv (one row each; the header names the fields). Items can",
        "# also be written here, one [[items]] table each:",
        "#",
        "# [[items]]",
        '# id = "first-post"',
        f'# platform = "{answers.platforms[0].id if answers.platforms else "instagram"}"',
        '# title = "Say hello"',
        "",
        "# --- Settings, shown with their defaults ----------------------------------------",
        "",
        "# [schedule]",
        '# duration = "15m"                      # how long a post occupies the calendar',
        '# horizon = "365d"                      # how far ahead items are placed',
        '# holidays = "ID"                       # default: none; public holidays of a country',
        '# holiday_mode = "show"                 # or "block": no posts on holidays',
        "",
        "# [feeds]",
        '# past = "30d"',
        '# ahead = "180d"',
        '# alarm = "15m"                         # reminder before each post; false for none',
        "# reply_events = true",
        "# include_backlog = false",
        '# refresh = "1h"',
        '# base_url = "https://example.com/cal/" # default: none',
        '# state_file = ".contentcal/feed-state.json"',
        "",
        "# [check]",
        "# ignore = []                           # rules to skip; `contentcal rules` lists them",
        "# platforms_per_owner = 3",
        "",
    ]
    return "\n".join(lines)


def _starter_media(network: Network) -> Media:
    info = network_info(network)
    for media in (Media.IMAGE, Media.TEXT, Media.SHORT_VIDEO, Media.VIDEO):
        if info.accepts(media):
            return media
    return next(iter(sorted(info.media)))


def starter_csv(answers: Answers) -> str:
    """The starter item file: the header the loader reads, and one idea per platform.

    The ideas are in the backlog (status ``idea``), so they wait for a slot only once you
    approve them.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ITEM_FIELDS)
    goal = answers.goals[0].id if answers.goals else ""
    pillar = answers.pillars[0].id if answers.pillars else ""
    for platform in answers.platforms:
        row = dict.fromkeys(ITEM_FIELDS, "")
        row.update(
            id=f"hello-{platform.id}",
            platform=platform.id,
            title=f"Say hello on {platform.name}: who we are and what we make",
            pillar=pillar,
            goal=goal,
            media=str(_starter_media(platform.network)),
            status="idea",
            notes="A first idea: write the copy, set status to approved, and it takes a slot.",
        )
        writer.writerow([row[field] for field in ITEM_FIELDS])
    return out.getvalue()


def _plan_path(directory: str) -> str:
    return PLAN_FILE if directory in ("", ".") else os.path.join(directory, PLAN_FILE)


def next_commands(plan: str) -> tuple[str, str, str]:
    """The three commands to run after `init`."""
    return (
        f"contentcal check {plan}",
        f"contentcal week {plan}",
        f"contentcal feeds {plan} --out {os.path.join(os.path.dirname(plan), 'site')}",
    )


def ensure_free(directory: str) -> None:
    """Refuse a folder that already has a plan (or the starter item file) in it.

    Raises:
        PlanExistsError: ``plan.toml`` or ``items/first-items.csv`` exists in `directory`.
    """
    base = Path(directory or ".")
    for name in (PLAN_FILE, STARTER_CSV):
        if (base / name).exists():
            raise PlanExistsError(
                f"{base / name} already exists; contentcal init never overwrites a plan "
                "(choose an empty folder, or edit the plan that is there)"
            )


def start_plan(directory: str, answers: Answers) -> Started:
    """Write ``plan.toml`` and the starter CSV into `directory` (created if missing).

    Never overwrites: when ``plan.toml`` or the starter CSV already exists, nothing is
    written.

    Raises:
        PlanExistsError: a plan (or the starter file) is already there.
        OutputError: a file could not be written.
    """
    if not answers.platforms:
        raise InvalidOptionError("a plan needs at least one platform, e.g. instagram")
    if not answers.goals:
        raise InvalidOptionError("a plan needs at least one goal")
    ensure_free(directory)
    base = Path(directory or ".")
    try:
        (base / "items").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {base / 'items'}: {exc.strerror or exc}") from None
    write_atomic(base / STARTER_CSV, starter_csv(answers).encode("utf-8"))
    write_atomic(base / PLAN_FILE, plan_text(answers).encode("utf-8"))
    return Started(directory=directory, files=(PLAN_FILE, STARTER_CSV), plan=_plan_path(directory))


def example_dir() -> Traversable:
    """The bundled example plan's folder.

    In an installed contentcal it is package data (``contentcal/examples/``); in a
    development checkout (an editable install) it is the repository's ``examples/``.

    Raises:
        ContentcalError: the example is in neither place (a broken installation).
    """
    packaged = importlib.resources.files("contentcal").joinpath("examples", EXAMPLE_NAME)
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "examples" / EXAMPLE_NAME
    if checkout.is_dir():
        return checkout
    raise ContentcalError(
        "the bundled example is missing from this installation; reinstall contentcal"
    )


def _copy_tree(source: Traversable, target: Path, prefix: str = "") -> list[str]:
    written: list[str] = []
    for entry in sorted(source.iterdir(), key=lambda entry: entry.name):
        name = f"{prefix}{entry.name}"
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            (target / entry.name).mkdir(exist_ok=True)
            written += _copy_tree(entry, target / entry.name, f"{name}/")
        else:
            write_atomic(target / entry.name, entry.read_bytes())
            written.append(name)
    return written


def copy_example(directory: str) -> Started:
    """Copy the bundled example plan (Batik Cikarang) into `directory`.

    Raises:
        PlanExistsError: `directory` already holds a ``plan.toml``; nothing is written.
        OutputError: a file could not be written.
    """
    ensure_free(directory)
    base = Path(directory or ".")
    source = example_dir()
    try:
        base.mkdir(parents=True, exist_ok=True)
        files = _copy_tree(source, base)
    except OSError as exc:
        raise OutputError(f"cannot copy the example into {base}: {exc}") from None
    return Started(directory=directory, files=tuple(files), plan=_plan_path(directory))


_ALIASES: Final = {"twitter": "x", "fb": "facebook", "ig": "instagram", "gmb": "google-business"}


def parse_networks(text: str) -> tuple[Network, ...]:
    """Read networks typed as ``instagram, facebook`` (``ig``, ``fb``, ``twitter`` work too).

    >>> parse_networks("ig, WhatsApp")
    (<Network.INSTAGRAM: 'instagram'>, <Network.WHATSAPP: 'whatsapp'>)

    Raises:
        InvalidOptionError: an unknown network (with the closest known one), a repeated one,
            or none at all.
    """
    import difflib  # noqa: PLC0415 - only for a mistake

    networks: list[Network] = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        name = _ALIASES.get(name, name)
        try:
            network = Network(name)
        except ValueError:
            known = [network.value for network in Network]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            raise InvalidOptionError(f"unknown network {part.strip()!r} ({hint})") from None
        if network in networks:
            raise InvalidOptionError(f"network {network.value!r} is given twice")
        networks.append(network)
    if not networks:
        raise InvalidOptionError("name at least one network, e.g. instagram")
    return tuple(networks)


def parse_slots(text: str) -> tuple[str, ...]:
    """Read posting slots typed as ``MO,WE,FR 19:00 | SA 10:00`` (``|`` between slots).

    Raises:
        InvalidOptionError: a slot that is not a cadence or RRULE, with the syntax.
    """
    from contentcal.scheduling.cadence import CadenceError, parse_slot  # noqa: PLC0415

    slots = tuple(part.strip() for part in text.split("|") if part.strip())
    for slot in slots:
        try:
            parse_slot(slot)
        except CadenceError as exc:
            raise InvalidOptionError(f"posting slot {slot!r}: {exc}") from None
    return slots


def parse_response_time(text: str) -> dt.timedelta:
    """Read a response time such as ``2h``, ``90m`` or ``1d``.

    Raises:
        InvalidOptionError: not a duration, with examples.
    """
    from contentcal.files.load import parse_duration  # noqa: PLC0415

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise InvalidOptionError(f"response time {text!r}: {exc}") from None


def goal_from_answers(
    *,
    statement: str,
    metric: str | None,
    baseline: float | None,
    target: float | None,
    due: dt.date | None,
    owner: str | None = None,
    taken: Iterable[str] = (),
) -> Goal:
    """A goal from what was typed; its id comes from the first words of the statement."""
    base = "-".join(slug(statement).split("-")[:3]) or "goal"
    goal_id, number = base, 2
    while goal_id in set(taken):
        goal_id, number = f"{base}-{number}", number + 1
    return Goal(
        id=goal_id,
        statement=statement,
        metric=metric or None,
        baseline=baseline,
        target=target,
        due=due,
        owner=owner or None,
    )


def parse_timezone(text: str) -> str:
    """Check an IANA time-zone name as typed; return it without surrounding spaces.

    Raises:
        InvalidOptionError: an unknown zone, with the closest known one.
    """
    from contentcal.model.zones import get_zone, suggest_zone  # noqa: PLC0415

    name = text.strip()
    try:
        get_zone(name)
    except ValueError:
        raise InvalidOptionError(f"unknown time zone {text!r}; {suggest_zone(text)}") from None
    return name
