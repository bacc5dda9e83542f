"""validate(plan): plans built in code get every check a loaded plan gets (issue #10)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contentcal
from contentcal import (
    Brand,
    CheckSettings,
    ContentItem,
    FeedSettings,
    Goal,
    Network,
    Pillar,
    Plan,
    PlanError,
    Platform,
    ScheduleSettings,
    Status,
    Thresholds,
)

from .conftest import MINIMAL_PLAN, NOW, WriteFiles

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def plan_with(*items: ContentItem, **changes: Any) -> Plan:
    """The conftest's minimal plan, built in code, with `items`."""
    values: dict[str, Any] = {
        "brand": Brand(name="Toko Kopi", timezone="Asia/Jakarta"),
        "goals": (
            Goal(
                id="sales",
                statement="Sell more coffee beans online",
                metric="orders per week",
                baseline=10,
                target=25,
                due=dt.date(2027, 6, 30),
            ),
        ),
        "platforms": (
            Platform(
                id="instagram",
                network=Network.INSTAGRAM,
                timezone="Asia/Jakarta",
                owner="Dewi",
                purpose="Show new roasts",
                respond_within=dt.timedelta(hours=2),
                slots=("MO,WE,FR 19:00",),
            ),
        ),
        "items": items,
    }
    values.update(changes)
    return Plan(**values)


def item(**changes: Any) -> ContentItem:
    values: dict[str, Any] = {
        "id": "a",
        "platform": "instagram",
        "title": "Roast day",
        "pillar": "education",
        "goal": "sales",
    }
    values.update(changes)
    return ContentItem(**values)


def problems(plan: Plan) -> list[str]:
    return [str(problem) for problem in contentcal.validate(plan)]


# --- a valid plan ------------------------------------------------------------------------------


def test_a_valid_plan_has_no_problems() -> None:
    """The minimal plan with one good item validates clean; check and schedule run."""
    plan = plan_with(item())
    assert contentcal.validate(plan) == []
    contentcal.check(plan, now=NOW)
    contentcal.schedule(plan, now=NOW)


def test_a_code_built_plan_equals_the_loaded_one(write_files: WriteFiles) -> None:
    """Defaults live in the model: the four pillars and the platform's owner on the item."""
    text = MINIMAL_PLAN + '\n[[items]]\nid = "a"\nplatform = "instagram"\n'
    text += 'pillar = "education"\ngoal = "sales"\ntitle = "Roast day"\n'
    loaded = contentcal.load(write_files({"plan.toml": text}))
    built = plan_with(item())
    assert built == loaded
    assert [pillar.id for pillar in built.pillars] == [
        "communication",
        "collaboration",
        "education",
        "entertainment",
    ]
    assert built.item("a").owner == "Dewi"


def test_owner_feeds_of_a_code_built_plan_are_not_empty() -> None:
    """The issue's symptom: the owner feed of a plan built in code held no posts."""
    plan = plan_with(item(at=dt.datetime(2026, 12, 2, 19, 0, tzinfo=JAKARTA)))
    calendar = contentcal.feed(contentcal.schedule(plan, now=NOW), owner="Dewi")
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")][:1] == [
        "[Instagram] Roast day"
    ]


def test_enum_fields_accept_their_text() -> None:
    """``network="instagram"`` used to raise AttributeError later; now it is the enum."""
    platform = Platform(id="ig", network="instagram", timezone="Asia/Jakarta")  # type: ignore[arg-type]
    assert platform.network is Network.INSTAGRAM
    assert ContentItem(id="a", platform="ig", title="t", status="draft").status is Status.DRAFT  # type: ignore[arg-type]


def test_lists_become_tuples() -> None:
    """Lists given in code compare equal to the tuples the loader makes."""
    plan = plan_with(*[item()], goals=[])
    assert plan.items == (plan.item("a"),)
    assert plan.goals == ()


# --- the invalid plans -----------------------------------------------------------------


def test_unknown_platform_is_a_plan_error_not_a_key_error() -> None:
    """check() on an item of an unknown platform raised ``KeyError: 'tiktok'``."""
    plan = plan_with(item(platform="tiktok"))
    with pytest.raises(PlanError) as caught:
        contentcal.check(plan, now=NOW)
    assert [str(problem) for problem in caught.value.problems] == [
        "<plan>: items[0].platform: item 'a': unknown platform 'tiktok' "
        "(define [platforms.tiktok] or use one of: instagram)"
    ]


def test_review_of_an_invalid_plan_is_a_plan_error() -> None:
    """review() validates a code-built plan like check() and schedule() do."""
    plan = plan_with(item(platform="tiktok"))
    with pytest.raises(PlanError, match=r"items\[0\]\.platform"):
        contentcal.review(plan, as_of=dt.date(2026, 12, 31))


def test_an_at_string_is_located_with_the_expected_type() -> None:
    """An ``at`` string raised TypeError deep inside schedule()."""
    plan = plan_with(item(at="2026-12-02T19:00"))
    with pytest.raises(PlanError) as caught:
        contentcal.schedule(plan, now=NOW)
    [problem] = caught.value.problems
    assert (problem.path, problem.message, problem.hint) == (
        "items[0].at",
        "item 'a': expected a date-time, got text '2026-12-02T19:00'",
        "use an aware datetime.datetime",
    )


def test_a_naive_at_is_refused() -> None:
    """A naive date-time has no instant; the loader gives it the platform's zone, code must."""
    plan = plan_with(item(at=dt.datetime(2026, 12, 2, 19, 0)))
    assert problems(plan) == [
        "<plan>: items[0].at: item 'a': a date-time without a time zone "
        "(give it the platform's zone, e.g. tzinfo=zoneinfo.ZoneInfo('Asia/Jakarta'))"
    ]


def test_unknown_network_text_is_located() -> None:
    """An unknown network stays as given and validate() names it with a hint."""
    platform = Platform(id="ig", network="instgram", timezone="Asia/Jakarta")  # type: ignore[arg-type]
    plan = plan_with(platforms=(platform,))
    assert problems(plan) == [
        "<plan>: platforms.ig.network: unknown network 'instgram' (did you mean 'instagram'?)"
    ]


def test_every_problem_at_once() -> None:
    """Unknown pillar, duplicate id, a share of 1.7 and a bad zone: all reported, located."""
    plan = plan_with(
        item(pillar="edu"),
        item(title="Again"),
        pillars=(Pillar(id="education", share=1.7),),
        brand=Brand(name="Toko Kopi", timezone="Asia/Jakartaa"),
    )
    assert problems(plan) == [
        "<plan>: brand.timezone: unknown time zone 'Asia/Jakartaa' (did you mean 'Asia/Jakarta'?)",
        "<plan>: pillars.education.share: share must be between 0 and 1, got 1.7 "
        "(e.g. share = 0.4 or '40%')",
        "<plan>: items[0].pillar: item 'a': unknown pillar 'edu' (did you mean 'education'?)",
        "<plan>: items[1].id: item 'a': duplicate id 'a' "
        "(already used at <plan>; ids must be unique across all files)",
    ]


def test_wrong_types_are_named() -> None:
    """A number for a title, a string for a duration, a dict for an item."""
    plan = plan_with(
        item(title=5, duration="2h"),
        {"id": "b"},  # type: ignore[arg-type]
    )
    assert problems(plan) == [
        "<plan>: items[1]: expected a ContentItem, got a table (build it with ContentItem(...))",
        "<plan>: items[0].title: expected text, got a number 5 (use str values)",
        "<plan>: items[0].duration: expected a duration, got text '2h' (use a datetime.timedelta)",
    ]


def test_results_and_actions_are_validated_like_their_files() -> None:
    """A result's date as text, an unknown goal in an action: located like the rest."""
    plan = plan_with(
        results=[
            contentcal.Result(date="2026-12-01", metric="followers", value=1, platform="instagram")
        ],  # type: ignore[arg-type]
        actions=[contentcal.Action(id="x", what="Pin it", due=dt.date(2027, 1, 5), goal="salse")],
    )
    assert problems(plan) == [
        "<plan>: results[0].date: expected a date, got text '2026-12-01' (use a datetime.date)",
        "<plan>: actions[0].goal: action 'x': unknown goal 'salse' (did you mean 'sales'?)",
    ]


def test_duplicate_platform_ids_are_reported() -> None:
    """Keyed tables make ids unique in a file; in code they must be checked."""
    platform = Platform(id="instagram", network=Network.INSTAGRAM, timezone="Asia/Jakarta")
    plan = plan_with(platforms=(platform, platform))
    assert problems(plan) == [
        "<plan>: platforms[1].id: duplicate platform id 'instagram' "
        "(ids must be unique; rename one of the platforms)"
    ]


def test_settings_are_validated_like_their_tables() -> None:
    """[schedule], [feeds] and [check] values built in code get the loader's checks."""
    plan = plan_with(
        schedule_settings=ScheduleSettings(holiday_mode="never"),  # type: ignore[arg-type]
        feed_settings=FeedSettings(base_url="https://exa mple.com"),
        check_settings=CheckSettings(
            ignore=frozenset({"posting-gapp"}), thresholds=Thresholds(repeat_days=-1)
        ),
    )
    assert problems(plan) == [
        "<plan>: check.ignore: unknown rule 'posting-gapp' (did you mean 'posting-gap'?)",
        "<plan>: check.repeat_days: check.repeat_days must be a whole number of days from 0 to "
        "3660, got -1 (the default is 30)",
        "<plan>: schedule.holiday_mode: unknown holiday mode 'never' (use one of: block, show)",
        "<plan>: feeds.base_url: expected an absolute http(s) URL without spaces, "
        "got 'https://exa mple.com' (e.g. base_url = \"https://example.com/cal/\")",
    ]


def test_an_evolved_loaded_item_is_located_in_its_file(write_files: WriteFiles) -> None:
    """Items keep their source: a bad change is reported at the item's file and line."""
    text = MINIMAL_PLAN + '\n[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "Roast"\n'
    plan = contentcal.load(write_files({"plan.toml": text}))
    changed = attrs.evolve(plan.item("a"), platform="tiktok")
    plan = attrs.evolve(plan, items=(changed,))
    assert problems(plan) == [
        "plan.toml:18: items[0].platform: item 'a': unknown platform 'tiktok' "
        "(define [platforms.tiktok] or use one of: instagram)"
    ]


def test_a_plan_that_is_not_a_plan() -> None:
    """check() on something else says what it expected."""
    with pytest.raises(PlanError, match=r"expected a Plan, got a table"):
        contentcal.check({"brand": "x"}, now=NOW)  # type: ignore[arg-type]


# --- load errors that used to surface later (#16) ------------------------------------------------


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            '[feeds]\nbase_url = "https://exa mple.com"\n',
            "plan.toml:19: feeds.base_url: expected an absolute http(s) URL without spaces, "
            "got 'https://exa mple.com' (e.g. base_url = \"https://example.com/cal/\")",
        ),
        (  # regression: urlsplit raised ValueError on a broken IPv6 host (a traceback)
            '[feeds]\nbase_url = "http://[oops/"\n',
            "plan.toml:19: feeds.base_url: expected an absolute http(s) URL without spaces, "
            "got 'http://[oops/' (e.g. base_url = \"https://example.com/cal/\")",
        ),
        (
            '[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "t"\nignore = ["posting-gapp"]\n',
            "plan.toml:22: items[0].ignore: unknown rule 'posting-gapp' "
            "(did you mean 'posting-gap'?)",
        ),
        (
            '[check]\nseverity = { "posting-gap" = "fatal" }\n',
            "plan.toml:19: check.severity.posting-gap: unknown severity 'fatal' "
            "(use error, warning or info)",
        ),
    ],
)
def test_values_later_stages_rejected_are_load_errors(
    write_files: WriteFiles, table: str, expected: str
) -> None:
    """Base URLs, rule names in ``ignore`` and severities fail loading, at their line."""
    path = write_files({"plan.toml": MINIMAL_PLAN + "\n" + table})
    with pytest.raises(PlanError) as caught:
        contentcal.load(path)
    assert [str(problem) for problem in caught.value.problems] == [expected]


def test_check_json_prints_json_for_an_unknown_holiday_country(
    write_files: WriteFiles, runner: Any
) -> None:
    """`check --format json` printed no JSON when holidays failed at schedule time."""
    from contentcal.cli import cli

    path = write_files({"plan.toml": MINIMAL_PLAN + '\n[schedule]\nholidays = "XX"\n'})
    result = runner.invoke(
        cli, ["check", str(path), "--format", "json", "--now", "2026-11-30T08:00"]
    )
    assert result.exit_code == 1
    assert '"path": "schedule.holidays"' in result.stdout


# --- any junk: a located problem, never a crash ----------------------------------------------

JUNK = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.timedeltas(),
    st.lists(st.text(max_size=3), max_size=2),
    st.tuples(st.integers()),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["instagram", "tiktok", "approved", "MO 19:00", "Asia/Jakarta", "posting-gap"]),
)


@st.composite
def junk_plans(draw: st.DrawFn) -> Plan:
    """The minimal valid plan with a few fields of its parts replaced by anything."""
    good = plan_with(item(), item(id="b", at=dt.datetime(2026, 12, 2, 19, 0, tzinfo=JAKARTA)))
    parts: dict[str, Any] = {
        "brand": good.brand,
        "goals": list(good.goals),
        "platforms": list(good.platforms),
        "items": list(good.items),
        "schedule_settings": good.schedule_settings,
        "feed_settings": good.feed_settings,
        "check_settings": good.check_settings,
    }
    single = {"brand", "schedule_settings", "feed_settings", "check_settings"}
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(sorted(parts)))
        target = parts[where] if where in single else draw(st.sampled_from(parts[where]))
        name = draw(st.sampled_from([field.name for field in attrs.fields(type(target))]))
        if name == "source":
            continue
        changed = attrs.evolve(target, **{name: draw(JUNK)})
        if where in single:
            parts[where] = changed
        else:
            parts[where] = [changed if value is target else value for value in parts[where]]
    return Plan(**parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk_plans())
def test_junk_plans_give_problems_not_crashes(plan: Plan) -> None:
    """validate() lists problems for anything; check() then raises PlanError or runs."""
    problems = contentcal.validate(plan)
    assert all(problem.path for problem in problems)
    try:
        contentcal.check(plan, now=NOW)
    except PlanError as error:
        assert list(error.problems) == problems
    else:
        assert problems == []


def test_every_model_field_has_a_field_spec() -> None:
    """validate() and dump() pass model fields by name through the loader's field specs.

    A field added to a model class needs a spec of the same name in files/fields.py (the
    one table of fields), or plans using it cannot be validated or written back.
    """
    from contentcal.files import fields

    tables = [
        (Brand, fields.BRAND_FIELDS),
        (Goal, fields.GOAL_FIELDS),
        (Pillar, fields.PILLAR_FIELDS),
        (Platform, fields.PLATFORM_FIELDS),
        (ContentItem, fields.ITEM_SPEC),
        (ScheduleSettings, fields.SCHEDULE_FIELDS),
        (FeedSettings, fields.FEED_FIELDS),
        (Thresholds, fields.CHECK_FIELDS),
        (contentcal.Story, fields.STORY_FIELDS),
        (contentcal.StoryStep, fields.STEP_FIELDS),
    ]
    keyed = {Goal, Pillar, Platform, contentcal.Story}  # their id is the [table.<id>] key
    for cls, spec in tables:
        names = {field.name for field in attrs.fields(cls) if field.init} - {"source"}
        if cls in keyed:
            names.discard("id")
        assert names <= set(spec), (cls.__name__, sorted(names - set(spec)))


def test_a_story_version_takes_the_storys_goal_in_code_too(write_files: WriteFiles) -> None:
    """A story's goal and pillar are its versions' default in the model, as when loading."""
    text = MINIMAL_PLAN + (
        '\n[stories.launch]\ntitle = "Launch"\ngoal = "sales"\npillar = "education"\n'
        'steps = [{ platform = "instagram" }]\n'
        '\n[[items]]\nid = "a"\nplatform = "instagram"\ntitle = "Roast day"\nstory = "launch"\n'
    )
    loaded = contentcal.load(write_files({"plan.toml": text}))
    story = contentcal.Story(
        id="launch",
        title="Launch",
        goal="sales",
        pillar="education",
        steps=[contentcal.StoryStep(platform="instagram")],
    )
    built = plan_with(
        ContentItem(id="a", platform="instagram", title="Roast day", story="launch"),
        stories=[story],
    )
    assert built.item("a").goal == "sales"
    assert built == loaded
    assert contentcal.validate(built) == []
