"""loads() and dump(): plans as text both ways, with a round trip property (issue #10)."""

from __future__ import annotations

import datetime as dt
import string
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contentcal
from contentcal import (
    Account,
    Action,
    Blackout,
    Brand,
    CheckSettings,
    ContentItem,
    FeedSettings,
    Goal,
    HolidayMode,
    Horizon,
    Media,
    Network,
    Pillar,
    Plan,
    PlanError,
    Platform,
    Result,
    ReviewSettings,
    ScheduleSettings,
    Severity,
    Status,
    Story,
    StoryStep,
    Thresholds,
)
from contentcal.files.dump import dump_items_csv, format_duration
from contentcal.files.fields import parse_duration
from contentcal.model.plan import default_pillars
from contentcal.model.zones import get_zone, localize

from .conftest import EXAMPLE, WriteFiles

ZONES = ("Asia/Jakarta", "Europe/Berlin", "America/New_York", "UTC", "Australia/Sydney")
RULE_NAMES = ("posting-gap", "missing-goal", "CC101", "near-duplicate-across-platforms")


# --- examples ------------------------------------------------------------------------------------


def test_loads_reads_a_plan_from_text() -> None:
    """The same text gives the same plan as load() of a file holding it."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert contentcal.loads(text, base_dir=EXAMPLE.parent) == contentcal.load(EXAMPLE)


def test_loads_locates_problems_in_the_string() -> None:
    """Problems name ``<string>`` and the line, like a file's."""
    with pytest.raises(PlanError) as caught:
        contentcal.loads('[brand]\nname = "x"\ntimezone = "Mars/Base"\n')
    assert [str(problem) for problem in caught.value.problems] == [
        "<string>:3: brand.timezone: unknown time zone 'Mars/Base' "
        "(use an IANA name such as 'Asia/Jakarta' or 'Europe/Berlin')"
    ]


def test_dump_of_the_example_loads_back_equal() -> None:
    """The bundled example (TOML and CSV items, blackouts, settings) survives a round trip."""
    plan = contentcal.load(EXAMPLE)
    assert contentcal.loads(contentcal.dump(plan)) == plan


def test_dump_with_items_in_a_csv_file(write_files: WriteFiles) -> None:
    """``items_file``: the TOML includes the CSV, which dump_items_csv() writes."""
    plan = contentcal.load(EXAMPLE)
    text = contentcal.dump(plan, items_file="items.csv")
    assert text.startswith('include = ["items.csv"]\n')
    assert "[[items]]" not in text
    path = write_files({"plan.toml": text, "items.csv": dump_items_csv(plan)})
    assert contentcal.load(path) == plan


def test_dump_writes_what_a_person_would() -> None:
    """Defaults are left out; durations read 2h; the item's inherited owner is not repeated."""
    plan = Plan(
        brand=Brand(name="Kopi Senja", timezone="Asia/Jakarta"),
        platforms=[
            Platform(
                id="instagram",
                network=Network.INSTAGRAM,
                timezone="Asia/Jakarta",
                owner="Sari",
                respond_within=dt.timedelta(hours=2),
                slots=["MO,WE,FR 19:00"],
            )
        ],
        items=[
            ContentItem(
                id="a",
                platform="instagram",
                title="Roast day",
                pillar="education",
                at=dt.datetime(2026, 12, 2, 19, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta")),
            )
        ],
    )
    assert contentcal.dump(plan) == (
        "[brand]\n"
        'name = "Kopi Senja"\n'
        'timezone = "Asia/Jakarta"\n'
        "\n"
        "[platforms.instagram]\n"
        'network = "instagram"\n'
        'owner = "Sari"\n'
        'slots = ["MO,WE,FR 19:00"]\n'
        'respond_within = "2h"\n'
        "\n"
        "[[items]]\n"
        'id = "a"\n'
        'platform = "instagram"\n'
        'title = "Roast day"\n'
        'pillar = "education"\n'
        "at = 2026-12-02T19:00:00\n"
    )


def test_dump_refuses_an_invalid_plan() -> None:
    """Only a valid plan is written back; the problems say why."""
    plan = Plan(
        brand=Brand(name="x", timezone="UTC"),
        items=[ContentItem(id="a", platform="tiktok", title="t")],
    )
    with pytest.raises(PlanError, match=r"items\[0\]\.platform"):
        contentcal.dump(plan)


def test_no_pillars_is_not_the_default_pillars() -> None:
    """An empty pillar list is written as an empty [pillars] table, not left out."""
    plan = Plan(brand=Brand(name="x", timezone="UTC"), pillars=())
    assert "[pillars]" in contentcal.dump(plan)
    assert contentcal.loads(contentcal.dump(plan)).pillars == ()


@pytest.mark.parametrize(
    "value",
    [
        dt.timedelta(0),
        dt.timedelta(minutes=90),
        dt.timedelta(days=8, seconds=3),
        dt.timedelta(microseconds=500),
    ],
)
def test_durations_read_back(value: dt.timedelta) -> None:
    """format_duration writes what parse_duration reads."""
    assert parse_duration(format_duration(value)) == value


# --- the round trip property ---------------------------------------------------------------------

# Text as the loader keeps it: CSV cells and ids are stripped, and an empty cell means unset.
WORDS = (
    st.text(string.ascii_letters + string.digits + " -_éü東京🎉\"'\\", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
IDS = st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=8)
TAGS = st.text(string.ascii_lowercase, min_size=1, max_size=6)
COPY = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
DURATIONS = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=60)).map(
    lambda value: dt.timedelta(seconds=int(value.total_seconds()))
)
DAYS = st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31))


@st.composite
def blackouts(draw: st.DrawFn) -> tuple[Blackout, ...]:
    result = []
    for _ in range(draw(st.integers(0, 2))):
        first = draw(DAYS)
        last = first + dt.timedelta(days=draw(st.integers(0, 5)))
        result.append(Blackout(first=first, last=last, reason=draw(st.none() | WORDS)))
    return tuple(result)


@st.composite
def moments(draw: st.DrawFn, zone_name: str) -> dt.datetime:
    """A real instant: a wall time of the platform's zone as the loader reads it, or UTC.

    Python never finds a time inside a DST gap or fold equal to one in another zone
    (PEP 495), so such times could not compare equal after any round trip through text.
    """
    naive = draw(st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2028, 12, 31)))
    if draw(st.booleans()):
        return localize(naive, get_zone(zone_name))
    return naive.replace(tzinfo=dt.UTC)


@st.composite
def items_of(
    draw: st.DrawFn,
    item_id: str,
    platforms: tuple[Platform, ...],
    pillar_ids: list[str],
    goal_ids: list[str],
    story_ids: list[str],
) -> ContentItem:
    platform = draw(st.sampled_from(platforms))
    evergreen: dict[str, Any] = {}
    if draw(st.booleans()):
        first = draw(moments(platform.timezone))
        gaps = draw(st.lists(st.integers(1, 90), max_size=2))
        repeats = []
        for days in gaps:
            repeats.append((repeats[-1] if repeats else first) + dt.timedelta(days=days))
        evergreen = {
            "evergreen": True,
            "at": draw(st.none() | st.just(first)),
            "repeat_after": dt.timedelta(days=draw(st.integers(1, 60))),
            "times": draw(st.none() | st.integers(1, 9)),
            "until": draw(st.none() | DAYS),
            "repeat_at": tuple(repeats),
        }
    values = {
        "id": item_id,
        "platform": platform.id,
        "title": draw(WORDS),
        "pillar": draw(st.none() | st.sampled_from(pillar_ids)) if pillar_ids else None,
        "goal": draw(st.none() | st.sampled_from(goal_ids)) if goal_ids else None,
        "copy": draw(COPY),
        "media": draw(st.none() | st.sampled_from(Media)),
        "at": draw(st.none() | moments(platform.timezone) | DAYS),
        "duration": draw(st.none() | DURATIONS),
        "status": draw(st.sampled_from(Status)),
        "owner": draw(st.none() | WORDS),
        "tags": tuple(draw(st.lists(TAGS, max_size=3))),
        "updated": draw(st.none() | moments(platform.timezone)),
        "priority": draw(st.integers(-5, 5)),
        "ignore": tuple(draw(st.lists(st.sampled_from(RULE_NAMES), max_size=2, unique=True))),
        "story": draw(st.none() | st.sampled_from(story_ids)) if story_ids else None,
    }
    values.update(evergreen)
    return ContentItem(**values)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """Valid plans using every field, so each is written and read back."""
    zone = draw(st.sampled_from(ZONES))
    goals = tuple(
        Goal(
            id=goal_id,
            statement=draw(WORDS),
            metric=draw(st.none() | WORDS),
            baseline=draw(st.none() | st.integers(0, 10_000)),
            target=draw(st.none() | st.floats(0, 1e6, allow_nan=False)),
            due=draw(st.none() | DAYS),
            horizon=draw(st.sampled_from(Horizon)),
            owner=draw(st.none() | WORDS),
        )
        for goal_id in draw(st.lists(IDS, max_size=2, unique=True))
    )
    pillars = None
    if draw(st.booleans()):
        pillars = tuple(
            Pillar(
                id=pillar_id,
                share=draw(st.none() | st.floats(0, 1)),
                color=draw(st.none() | WORDS),
            )
            for pillar_id in draw(st.lists(IDS, max_size=3, unique=True))
        )
    platform_ids = draw(
        st.lists(st.sampled_from(list(Network)), min_size=1, max_size=3, unique=True)
    )
    platforms = tuple(
        Platform(
            id=network.value,
            network=network,
            timezone=draw(st.sampled_from(ZONES)),
            handle=draw(st.none() | WORDS),
            owner=draw(st.none() | WORDS),
            account=draw(st.sampled_from(Account)),
            slots=tuple(
                draw(
                    st.lists(
                        st.sampled_from(("MO,WE,FR 19:00", "daily 09:30", "SA 10:00")), max_size=2
                    )
                )
            ),
            respond_within=draw(st.none() | DURATIONS),
            blackout=draw(blackouts()),
            limits=draw(st.sampled_from(({}, {"text": 1000}))),
        )
        for network in platform_ids
    )
    pillar_ids = [pillar.id for pillar in (pillars if pillars is not None else default_pillars())]
    stories = tuple(
        Story(
            id=story_id,
            title=draw(WORDS),
            goal=draw(st.none() | st.sampled_from([goal.id for goal in goals])) if goals else None,
            pillar=draw(st.none() | st.sampled_from(pillar_ids)) if pillar_ids else None,
            steps=tuple(
                StoryStep(
                    platform=platform.id,
                    after=dt.timedelta(0) if number == 0 else draw(DURATIONS),
                )
                for number, platform in enumerate(platforms)
            ),
        )
        for story_id in draw(st.lists(IDS, max_size=2, unique=True))
    )
    items = tuple(
        draw(
            items_of(
                f"item-{number}",
                platforms,
                pillar_ids,
                [goal.id for goal in goals],
                [story.id for story in stories],
            )
        )
        for number in range(draw(st.integers(0, 4)))
    )
    extra = {} if pillars is None else {"pillars": pillars}
    # One platform result a day (a second row for the same day, thing and metric would be
    # "the later row wins", which no round trip can keep).
    results = tuple(
        Result(date=day, metric="followers", value=draw(st.integers(0, 10**6)), platform=pid)
        for pid in [platforms[0].id]
        for day in sorted(draw(st.sets(DAYS, max_size=3)))
    )
    actions = tuple(
        Action(
            id=f"action-{number}",
            what=draw(WORDS),
            due=draw(DAYS),
            owner=draw(st.none() | WORDS),
            goal=draw(st.none() | st.sampled_from([goal.id for goal in goals])) if goals else None,
            done=draw(st.none() | DAYS),
        )
        for number in range(draw(st.integers(0, 2)))
    )
    review = draw(
        st.none()
        | st.builds(
            ReviewSettings,
            when=st.sampled_from(("MO 09:00", "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9")),
            owner=st.none() | WORDS,
            duration=DURATIONS.filter(bool),
        )
    )
    return Plan(
        stories=stories,
        results=results,
        actions=actions,
        review=review,
        brand=Brand(name=draw(WORDS), timezone=zone, blackout=draw(blackouts())),
        goals=goals,
        platforms=platforms,
        items=items,
        schedule_settings=ScheduleSettings(
            duration=draw(DURATIONS), holiday_mode=draw(st.sampled_from(HolidayMode))
        ),
        feed_settings=FeedSettings(
            alarm=draw(st.none() | DURATIONS),
            reply_events=draw(st.booleans()),
            base_url=draw(st.none() | st.just("https://example.com/cal/")),
        ),
        check_settings=CheckSettings(
            ignore=frozenset(draw(st.lists(st.sampled_from(RULE_NAMES), max_size=2))),
            severity={"posting-gap": draw(st.sampled_from(Severity))},
            thresholds=Thresholds(repeat_days=draw(st.integers(0, 3660))),
        ),
        **extra,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_loads_of_dump_is_the_plan(plan: Plan) -> None:
    """load(dump(plan)) == plan for any valid plan, items inline."""
    assert contentcal.validate(plan) == []
    assert contentcal.loads(contentcal.dump(plan)) == plan


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_loads_of_dump_with_a_csv_is_the_plan(
    tmp_path_factory: pytest.TempPathFactory, plan: Plan
) -> None:
    """The same with the items in a CSV item file beside the plan."""
    folder: Path = tmp_path_factory.mktemp("plan")
    (folder / "items.csv").write_text(dump_items_csv(plan), encoding="utf-8", newline="")
    text = contentcal.dump(plan, items_file="items.csv")
    assert contentcal.loads(text, base_dir=folder) == plan


# --- bad input -------------------------------------------------------------------------------


def test_loads_reports_a_syntax_error_at_its_line() -> None:
    """Broken TOML text: the line and column in ``<string>``, like a file's."""
    with pytest.raises(PlanError) as caught:
        contentcal.loads('[brand]\nname = "x\n')
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.code) == ("<string>", 2, "syntax-error")


def test_loads_finds_includes_in_base_dir(write_files: WriteFiles) -> None:
    """Includes are relative to base_dir; a missing one says where it looked."""
    write_files({"items/a.csv": "id,platform,title\na,instagram,Hello\n"})
    text = (
        'include = ["items/*.csv"]\n[brand]\nname = "x"\ntimezone = "UTC"\n'
        '[platforms.instagram]\nnetwork = "instagram"\n'
    )
    assert [item.id for item in contentcal.loads(text, base_dir=".").items] == ["a"]
    with pytest.raises(PlanError) as caught:
        contentcal.loads(text, base_dir="elsewhere")
    [problem] = caught.value.problems
    assert problem.message == "include pattern 'items/*.csv' matches no item file"
    assert problem.hint is not None
    assert problem.hint.startswith("looked for elsewhere/items/*.csv")
