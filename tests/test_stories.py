"""Stories as spirals and evergreen items: loading, placement, views, feeds and pinning.

The placement rules under test (``docs/stories.md``, ``docs/scheduling.md``):

* a story's step takes its platform's first free slot at or after the previous step's post
  plus its ``after`` (elapsed time, so a clock change is no excuse), in order, pinned steps
  keep their time and the later steps follow them;
* an evergreen item's repeats fill the slots left once every other item is placed, each at
  least ``repeat_after`` after the one before, never in a blackout, until ``times``,
  ``until`` or the horizon; each repeat has its own occurrence number (and so its own UID).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from contentcal import load, schedule
from contentcal.checking.engine import CheckConfig, check
from contentcal.cli import cli
from contentcal.errors import PlanError
from contentcal.files.pin import apply_pins, pin
from contentcal.model import Blackout, Media, Plan, ScheduleSettings, Status, Story, StoryStep
from contentcal.model.zones import get_zone, localize
from contentcal.publishing.feeds import build_calendar
from contentcal.scheduling.place import Entry, Schedule
from contentcal.scheduling.stories import spirals
from contentcal.views.stories import render_stories
from contentcal.views.week import entry_label

from .conftest import MINIMAL_PLAN, NOW, WriteFiles
from .test_feeds import uid_of
from .test_schedule import jakarta, make_item, make_plan, make_platform

DAY = dt.timedelta(days=1)


def sale(*steps: tuple[str, str | None]) -> Story:
    """A story 'sale' with (platform, after) steps; after in days, e.g. '2d'."""
    return Story(
        id="sale",
        title="Year-end sale",
        steps=tuple(
            StoryStep(platform=platform, after=_days(after) if after else dt.timedelta(0))
            for platform, after in steps
        ),
    )


def _days(text: str) -> dt.timedelta:
    return dt.timedelta(days=int(text.removesuffix("d")))


THREE = (
    make_platform("whatsapp", slots=["FR 16:00"]),
    make_platform("instagram", slots=["MO,WE,FR 19:00"]),
    make_platform("facebook", slots=["TU,TH 12:00"]),
)


def story_plan(*items: Any, story: Story | None = None, **fields: Any) -> Plan:
    plan = make_plan(*items, platforms=fields.pop("platforms", THREE), **fields)
    return attrs.evolve(
        plan, stories=(story or sale(("whatsapp", None), ("instagram", "2d"), ("facebook", "1d")),)
    )


def when(result: Schedule, key: str) -> dt.datetime | dt.date:
    (entry,) = [entry for entry in result.all_entries if entry.key == key]
    return entry.start


def utc(entry: Entry) -> dt.datetime:
    assert isinstance(entry.start, dt.datetime)
    return entry.start.astimezone(dt.UTC)


# --- loading -------------------------------------------------------------------------------------

STORY_PLAN = (
    MINIMAL_PLAN
    + """
[platforms.whatsapp]
owner = "Dewi"
slots = ["FR 16:00"]

[stories.gayo]
title = "Gayo launch"
goal = "sales"
pillar = "communication"
steps = [{ platform = "whatsapp" }, { platform = "instagram", after = "2d" }]

[[items]]
id = "gayo-wa"
platform = "whatsapp"
title = "Regulars first"
story = "gayo"

[[items]]
id = "gayo-ig"
platform = "instagram"
title = "Gayo is here"
pillar = "education"
story = "gayo"
"""
)


def test_a_story_loads_with_its_steps_and_lends_goal_and_pillar(write_files: WriteFiles) -> None:
    """[stories.<id>]: title, goal, pillar, ordered steps; versions inherit what they lack."""
    plan = load(write_files({"plan.toml": STORY_PLAN}))
    assert plan.story("gayo") == Story(
        id="gayo",
        title="Gayo launch",
        goal="sales",
        pillar="communication",
        steps=(StoryStep("whatsapp"), StoryStep("instagram", after=2 * DAY)),
    )
    assert (plan.item("gayo-wa").goal, plan.item("gayo-wa").pillar) == ("sales", "communication")
    # The Instagram version sets its own pillar, which wins.
    assert (plan.item("gayo-ig").goal, plan.item("gayo-ig").pillar) == ("sales", "education")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '{ platform = "instagram", after = "2d" }]',
            '{ platform = "instagram", after = "2d" }, { platform = "tiktok" }]',
            "plan.toml:26: stories.gayo.steps[2].platform: step 3: unknown platform 'tiktok' "
            "(define [platforms.tiktok] or use one of: instagram, whatsapp)",
        ),
        (
            '{ platform = "instagram", after = "2d" }]',
            '{ platform = "instagram", after = "2d" }, { platform = "whatsapp" }]',
            "plan.toml:26: stories.gayo.steps[2].platform: step 3: platform 'whatsapp' is already "
            "step 1 (a story visits each platform once; remove one of the two steps)",
        ),
        (
            '[{ platform = "whatsapp" }',
            '[{ platform = "whatsapp", after = "1d" }',
            "plan.toml:26: stories.gayo.steps[0].after: the first step has no step before it to "
            "wait for (remove after from the first step; give the first item at = ... to choose "
            "when the story starts)",
        ),
        (
            'after = "2d"',
            'after = "two days"',
            "plan.toml:26: stories.gayo.steps[1].after: expected a duration, got 'two days' "
            '(write e.g. "90m", "2h", "1d", "1h30m" or "PT2H")',
        ),
        (
            'after = "2d"',
            'after = "2d", wait = "1d"',
            "plan.toml:26: stories.gayo.steps[1].wait: unknown key 'wait' in step 2 "
            "(use one of: platform, after)",
        ),
        (
            'steps = [{ platform = "whatsapp" }, { platform = "instagram", after = "2d" }]',
            'steps = "whatsapp, instagram"',
            "plan.toml:26: stories.gayo.steps: steps must be a list of steps, got text "
            '(e.g. steps = [{ platform = "whatsapp" }, { platform = "instagram", after = "2d" }])',
        ),
        (
            'goal = "sales"\npillar',
            'goal = "sale"\npillar',
            "plan.toml:24: stories.gayo.goal: story 'gayo': unknown goal 'sale' "
            "(did you mean 'sales'?)",
        ),
        (
            'title = "Gayo launch"\n',
            "",
            "plan.toml:22: stories.gayo.title: story 'gayo' has no 'title' (add title = ...)",
        ),
    ],
)
def test_a_broken_story_is_a_located_load_problem(
    write_files: WriteFiles, old: str, new: str, message: str
) -> None:
    """Unknown or repeated step platforms, an offset on the first step, bad values: each
    problem names file, line, key path and a fix."""
    assert STORY_PLAN.count(old) == 1
    with pytest.raises(PlanError) as caught:
        load(write_files({"plan.toml": STORY_PLAN.replace(old, new)}))
    assert [str(problem) for problem in caught.value.problems] == [message]


def test_an_unknown_story_still_loads(write_files: WriteFiles) -> None:
    """A story was a free label before [stories]; the unknown-story rule reports it instead."""
    plan = load(
        write_files({"plan.toml": STORY_PLAN.replace('story = "gayo"\n', 'story = "gayoo"\n', 1)})
    )
    assert plan.item("gayo-wa").story == "gayoo"
    assert plan.item("gayo-wa").pillar is None  # nothing to inherit from


EVERGREEN = (
    MINIMAL_PLAN
    + """
[[items]]
id = "tips"
platform = "instagram"
title = "Brewing tips"
evergreen = true
repeat_after = "6w"
times = 3
until = 2027-06-30
repeat_at = [2027-01-20T19:00:00]
"""
)


def test_evergreen_fields_load(write_files: WriteFiles) -> None:
    """evergreen, repeat_after, times, until and pinned repeat_at (local wall times)."""
    item = load(write_files({"plan.toml": EVERGREEN})).item("tips")
    assert (item.evergreen, item.repeat_after, item.times, item.until) == (
        True,
        dt.timedelta(weeks=6),
        3,
        dt.date(2027, 6, 30),
    )
    assert item.repeat_at == (jakarta(2027, 1, 20, 19),)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'repeat_after = "6w"\n',
            "",
            "plan.toml:18: items[0].repeat_after: item 'tips': is evergreen but has no "
            'repeat_after (add repeat_after = "6w" (the least time between two of its posts))',
        ),
        (
            "evergreen = true\n",
            "",
            "plan.toml:22: items[0].repeat_after: item 'tips': sets repeat_after but is not "
            "evergreen (add evergreen = true, or remove repeat_after)",
        ),
        (
            "times = 3",
            "times = 0",
            "plan.toml:24: items[0].times: expected a count of 1 or more, got 0 (e.g. times = 3)",
        ),
        (
            'repeat_after = "6w"',
            'repeat_after = "0d"',
            "plan.toml:23: items[0].repeat_after: expected a duration above zero, got '0d' "
            '(e.g. "6w")',
        ),
        (
            "evergreen = true",
            'evergreen = "sometimes"',
            "plan.toml:22: items[0].evergreen: expected true or false, got 'sometimes' "
            "(write true or false, unquoted)",
        ),
        (
            "repeat_at = [2027-01-20T19:00:00]",
            "repeat_at = [2027-03-20T19:00:00, 2027-01-20T19:00:00]",
            "plan.toml:26: items[0].repeat_at: item 'tips': repeat times must be in order, but "
            "2027-01-20 19:00 comes after 2027-03-20 19:00 (list the repeats from the first to "
            "the last)",
        ),
        (
            "repeat_at = [2027-01-20T19:00:00]",
            "repeat_at = [2027-01-20]",
            "plan.toml:26: items[0].repeat_at: item 'tips': expected a date-time, got a date "
            "(write e.g. 2026-12-02T19:00 (the platform's local time) or 2026-12-02T12:00Z (UTC))",
        ),
    ],
)
def test_broken_evergreen_fields_are_located(
    write_files: WriteFiles, old: str, new: str, message: str
) -> None:
    """Each evergreen mistake is one problem at the key to fix (a wrong value is not also
    reported as missing)."""
    assert EVERGREEN.count(old) == 1
    with pytest.raises(PlanError) as caught:
        load(write_files({"plan.toml": EVERGREEN.replace(old, new)}))
    assert [str(problem) for problem in caught.value.problems][:1] == [message]
    # Without evergreen = true, each of its four keys is reported where it is.
    assert len(caught.value.problems) == (4 if old == "evergreen = true\n" else 1)


def test_evergreen_fields_in_a_csv_file(write_files: WriteFiles) -> None:
    """A spreadsheet writes TRUE and a list of repeats in one cell, separated by commas."""
    plan = load(
        write_files(
            {
                "plan.toml": 'include = ["items.csv"]\n' + MINIMAL_PLAN,
                "items.csv": "id,platform,title,evergreen,repeat_after,repeat_at\n"
                'tips,instagram,Tips,TRUE,4w,"2027-01-20T19:00, 2027-02-17T19:00"\n',
            }
        )
    )
    item = plan.item("tips")
    assert item.evergreen
    assert item.repeat_at == (jakarta(2027, 1, 20, 19), jakarta(2027, 2, 17, 19))


# --- placing a spiral -----------------------------------------------------------------------------


def test_steps_are_placed_in_order_at_least_their_offsets_apart() -> None:
    """WhatsApp first (Fri 4 Dec 16:00); Instagram 2 days later or after; Facebook a day after.

    Plan order does not matter: the Instagram version comes first in the plan and still
    waits for WhatsApp; a regular item after it takes the slot the story left free.
    """
    result = schedule(
        story_plan(
            make_item("sale-ig", story="sale"),
            make_item("filler-ig"),
            make_item("sale-fb", "facebook", story="sale"),
            make_item("sale-wa", "whatsapp", story="sale"),
        ),
        now=NOW,
    )
    assert when(result, "sale-wa") == jakarta(2026, 12, 4, 16)
    assert when(result, "sale-ig") == jakarta(2026, 12, 7, 19)  # Sun 6 Dec 16:00 + next slot
    assert when(result, "sale-fb") == jakarta(2026, 12, 10, 12)  # Tue 8 Dec 12:00 < Mon 8 19:00+1d
    assert when(result, "filler-ig") == jakarta(2026, 11, 30, 19)


def test_a_pinned_first_step_leads_and_the_later_steps_follow() -> None:
    """WhatsApp pinned on Fri 11 Dec: Instagram waits until Sun 13 Dec 16:00, so Mon 14."""
    result = schedule(
        story_plan(
            make_item("sale-wa", "whatsapp", story="sale", at=jakarta(2026, 12, 11, 16)),
            make_item("sale-ig", story="sale"),
            make_item("sale-fb", "facebook", story="sale"),
        ),
        now=NOW,
    )
    assert when(result, "sale-ig") == jakarta(2026, 12, 14, 19)
    assert when(result, "sale-fb") == jakarta(2026, 12, 17, 12)


def test_a_pinned_later_step_keeps_its_time_even_out_of_order() -> None:
    """A pinned step is never moved; check reports the broken order (spiral-out-of-order)."""
    result = schedule(
        story_plan(
            make_item("sale-wa", "whatsapp", story="sale"),
            make_item("sale-ig", story="sale", at=jakarta(2026, 12, 2, 19)),
            make_item("sale-fb", "facebook", story="sale"),
        ),
        now=NOW,
    )
    assert when(result, "sale-ig") == jakarta(2026, 12, 2, 19)
    assert when(result, "sale-wa") == jakarta(2026, 12, 4, 16)
    # Facebook follows the step before it, Instagram, as pinned: Thu 3 Dec 19:00 or later.
    assert when(result, "sale-fb") == jakarta(2026, 12, 8, 12)


def test_a_missing_step_is_skipped_and_its_offset_still_counts() -> None:
    """No Instagram version: Facebook waits 2 + 1 days after WhatsApp (Fri 4 Dec 16:00)."""
    result = schedule(
        story_plan(
            make_item("sale-wa", "whatsapp", story="sale"),
            make_item("sale-fb", "facebook", story="sale"),
        ),
        now=NOW,
    )
    assert when(result, "sale-fb") == jakarta(2026, 12, 8, 12)  # Mon 7 Dec 16:00 → Tue 12:00


def test_a_step_in_the_backlog_counts_as_missing() -> None:
    """A draft version has no time: the next step follows the step before the draft."""
    result = schedule(
        story_plan(
            make_item("sale-wa", "whatsapp", story="sale"),
            make_item("sale-ig", story="sale", status=Status.DRAFT),
            make_item("sale-fb", "facebook", story="sale"),
        ),
        now=NOW,
    )
    assert [item.id for item in result.backlog] == ["sale-ig"]
    assert when(result, "sale-fb") == jakarta(2026, 12, 8, 12)


def test_a_step_whose_slot_falls_in_a_blackout_takes_the_next_free_one() -> None:
    """Mon 7 Dec is a blackout on Instagram: the step goes out on Wed 9 Dec instead."""
    platforms = (
        THREE[0],
        make_platform(
            "instagram",
            slots=["MO,WE,FR 19:00"],
            blackout=[Blackout(dt.date(2026, 12, 7), dt.date(2026, 12, 7))],
        ),
        THREE[2],
    )
    result = schedule(
        story_plan(
            make_item("sale-wa", "whatsapp", story="sale"),
            make_item("sale-ig", story="sale"),
            make_item("sale-fb", "facebook", story="sale"),
            platforms=platforms,
        ),
        now=NOW,
    )
    assert when(result, "sale-ig") == jakarta(2026, 12, 9, 19)
    # Thu 10 Dec 12:00 is only 17 hours after Wed 19:00: Facebook waits until Tue 15 Dec.
    assert when(result, "sale-fb") == jakarta(2026, 12, 15, 12)


def test_offsets_are_elapsed_time_across_a_clock_change() -> None:
    """Berlin springs forward on Sun 29 Mar 2026: Sat 19:00 + 1d is Sun 20:00 local.

    The daily 19:00 slot on Sunday is only 23 hours after Saturday's, so the second step
    waits until Monday 19:00 (real time, like min_gap, not wall-clock time).
    """
    berlin = get_zone("Europe/Berlin")
    platforms = (
        make_platform("whatsapp", slots=["daily 19:00"], timezone="Europe/Berlin"),
        make_platform("instagram", slots=["daily 19:00"], timezone="Europe/Berlin"),
        make_platform("facebook", slots=["daily 19:00"], timezone="Europe/Berlin"),
    )
    saturday = localize(dt.datetime(2026, 3, 28, 19), berlin)
    result = schedule(
        story_plan(
            make_item("sale-wa", "whatsapp", story="sale", at=saturday),
            make_item("sale-ig", story="sale"),
            platforms=platforms,
            timezone="Europe/Berlin",
            story=sale(("whatsapp", None), ("instagram", "1d")),
        ),
        now=localize(dt.datetime(2026, 3, 27, 8), berlin),
    )
    step = when(result, "sale-ig")
    assert step == localize(dt.datetime(2026, 3, 30, 19), berlin)
    assert isinstance(step, dt.datetime)
    assert step.astimezone(dt.UTC) - saturday.astimezone(dt.UTC) == dt.timedelta(hours=47)


def test_a_step_after_the_horizon_is_unplaced_with_the_story_named() -> None:
    """The horizon ends before Instagram may follow: the reason names the story and steps."""
    result = schedule(
        story_plan(
            make_item("sale-wa", "whatsapp", story="sale"),
            make_item("sale-ig", story="sale"),
            settings=ScheduleSettings(horizon=dt.timedelta(days=6)),
            story=sale(("whatsapp", None), ("instagram", "2d")),
        ),
        now=NOW,
    )
    assert [(u.item.id, str(u.reason), u.message) for u in result.unplaced] == [
        (
            "sale-ig",
            "all-slots-taken",
            "no free slot of 'instagram' from 2026-12-06 16:00 +07:00 to the horizon, when step 2 "
            "of story 'sale' may follow step 1",
        )
    ]


def test_appending_an_item_moves_no_step() -> None:
    """Append-stable: a new item at the end takes a free slot; every story step stays."""
    items = [
        make_item("sale-ig", story="sale"),
        make_item("a-ig"),
        make_item("sale-wa", "whatsapp", story="sale"),
        make_item("sale-fb", "facebook", story="sale"),
        make_item("b-ig"),
    ]
    before = schedule(story_plan(*items), now=NOW)
    after = schedule(
        story_plan(*items, make_item("new-ig"), make_item("new-fb", "facebook")), now=NOW
    )
    kept = [entry for entry in after.all_entries if not entry.item.id.startswith("new")]
    assert kept == list(before.all_entries)


def test_a_story_without_steps_only_groups_its_versions() -> None:
    """No steps, no order: versions are placed like any other item."""
    result = schedule(
        story_plan(
            make_item("sale-ig", story="sale"),
            make_item("sale-wa", "whatsapp", story="sale"),
            story=Story(id="sale", title="Year-end sale"),
        ),
        now=NOW,
    )
    assert when(result, "sale-ig") == jakarta(2026, 11, 30, 19)


# --- evergreen ------------------------------------------------------------------------------------


def evergreen(item_id: str = "tips", **fields: Any) -> Any:
    fields.setdefault("repeat_after", dt.timedelta(weeks=2))
    return make_item(item_id, evergreen=True, **fields)


def test_repeats_fill_free_slots_at_least_repeat_after_apart() -> None:
    """First post Mon 30 Nov; repeats two weeks later each (times = 3: first + two)."""
    result = schedule(make_plan(evergreen(times=3)), now=NOW)
    assert [(entry.key, entry.start) for entry in result.all_entries] == [
        ("tips", jakarta(2026, 11, 30, 19)),
        ("tips#2", jakarta(2026, 12, 14, 19)),
        ("tips#3", jakarta(2026, 12, 28, 19)),
    ]
    assert [entry.occurrence for entry in result.all_entries] == [1, 2, 3]


def test_regular_items_are_placed_before_any_repeat() -> None:
    """Repeats only take what is left: the regular items keep the slots they would have."""
    regular = [make_item(f"post-{n}") for n in range(6)]
    alone = schedule(make_plan(*regular), now=NOW)
    result = schedule(make_plan(evergreen(times=2), *regular), now=NOW)
    assert when(result, "tips") == jakarta(2026, 11, 30, 19)  # its first post is regular
    # The six posts after it take 2 to 14 Dec; the repeat may go out from 14 Dec 19:00 on
    # and takes the first slot none of them took: Wed 16 Dec.
    assert [entry.start for entry in result.all_entries if entry.item.id.startswith("post")] == [
        jakarta(2026, 12, day, 19) for day in (2, 4, 7, 9, 11, 14)
    ]
    assert when(result, "tips#2") == jakarta(2026, 12, 16, 19)
    # Without the evergreen item the six posts start on 30 Nov: only the first post of an
    # evergreen item competes like a regular item, never its repeats.
    assert alone.all_entries[0].start == jakarta(2026, 11, 30, 19)


def test_repeats_stop_at_until_and_skip_blackouts() -> None:
    """until = 31 Dec; 14 Dec is a blackout, so the first repeat goes out on Wed 16 Dec."""
    plan = make_plan(
        evergreen(until=dt.date(2026, 12, 31)),
        blackout=[Blackout(dt.date(2026, 12, 14), dt.date(2026, 12, 14))],
    )
    result = schedule(plan, now=NOW)
    assert [(entry.key, entry.start) for entry in result.all_entries] == [
        ("tips", jakarta(2026, 11, 30, 19)),
        ("tips#2", jakarta(2026, 12, 16, 19)),
        ("tips#3", jakarta(2026, 12, 30, 19)),
    ]


def test_a_published_evergreen_post_comes_back_from_now_on() -> None:
    """Posted in October: the next repeat is the first free slot at or after now."""
    result = schedule(
        make_plan(evergreen(status=Status.PUBLISHED, at=jakarta(2026, 10, 5, 19), times=2)),
        now=NOW,
    )
    assert when(result, "tips#2") == jakarta(2026, 11, 30, 19)


def test_a_repeat_of_a_published_post_is_scheduled_not_published() -> None:
    """The item's status is its first showing's: its repeats have not gone out yet.

    The week, the feeds (description and STATUS) and the JSON all show "scheduled" for a
    repeat of a published post, and the first showing stays "published".
    """
    from contentcal.publishing.feeds import feed
    from contentcal.views.week import render_week, week

    plan = make_plan(evergreen(status=Status.PUBLISHED, at=jakarta(2026, 10, 5, 19), times=2))
    result = schedule(plan, now=NOW)
    assert [(entry.key, entry.status) for entry in result.all_entries] == [
        ("tips", Status.PUBLISHED),
        ("tips#2", Status.SCHEDULED),
    ]
    view = week(plan, now=NOW)
    rows = json.loads(render_week(view, fmt="json"))["entries"]
    assert [(row["occurrence"], row["status"]) for row in rows] == [(2, "scheduled")]
    repeat = next(
        event
        for event in feed(result).walk("VEVENT")
        if "Status: scheduled" in str(event["DESCRIPTION"])
    )
    assert str(repeat["STATUS"]) == "CONFIRMED"
    assert str(repeat["DTSTART"].dt.astimezone(dt.UTC)) == "2026-11-30 12:00:00+00:00"


def test_pinned_repeats_keep_their_times_and_new_ones_follow() -> None:
    """repeat_at pins occurrence 2; occurrence 3 comes two weeks after it."""
    result = schedule(
        make_plan(evergreen(times=3, repeat_at=(jakarta(2026, 12, 21, 19),))),
        now=NOW,
    )
    assert [(entry.key, entry.start, entry.placed) for entry in result.all_entries] == [
        ("tips", jakarta(2026, 11, 30, 19), True),
        ("tips#2", jakarta(2026, 12, 21, 19), False),
        ("tips#3", jakarta(2027, 1, 4, 19), True),
    ]


def test_pinning_writes_the_repeats_into_repeat_at(write_files: WriteFiles) -> None:
    """schedule --pin: `at` for the first post, `repeat_at` for the repeats; then stable."""
    path = write_files(
        {
            "plan.toml": MINIMAL_PLAN
            + '\n[[items]]\nid = "tips"\nplatform = "instagram"\ntitle = "Tips"\n'
            'evergreen = true\nrepeat_after = "2w"\ntimes = 3\n'
        }
    )
    placed = schedule(load(path), now=NOW)
    result = pin(placed)
    assert result.diff().splitlines()[-2:] == [
        "+at = 2026-11-30T19:00:00",
        "+repeat_at = [2026-12-14T19:00:00, 2026-12-28T19:00:00]",
    ]
    apply_pins(result)
    again = schedule(load(path), now=NOW)
    assert [(e.key, e.start, e.placed) for e in again.all_entries] == [
        (e.key, e.start, False) for e in placed.all_entries
    ]
    assert pin(again).changes == ()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "items.csv",
            "id,platform,title,evergreen,repeat_after,times\ntips,instagram,Tips,true,2w,3\n",
            "id,platform,title,evergreen,repeat_after,times,at,repeat_at\n"
            'tips,instagram,Tips,true,2w,3,2026-11-30T19:00,"2026-12-14T19:00,2026-12-28T19:00"\n',
        ),
        (
            "items.jsonl",
            '{"id": "tips", "platform": "instagram", "title": "Tips", "evergreen": true, '
            '"repeat_after": "2w", "times": 3}\n',
            '{"id": "tips", "platform": "instagram", "title": "Tips", "evergreen": true, '
            '"repeat_after": "2w", "times": 3, "at": "2026-11-30T19:00", '
            '"repeat_at": ["2026-12-14T19:00", "2026-12-28T19:00"]}\n',
        ),
    ],
)
def test_pinning_repeats_in_csv_and_json_lines(
    write_files: WriteFiles, name: str, content: str, expected: str
) -> None:
    """Both item files get repeat_at in their own form, and load back the same times."""
    path = write_files({"plan.toml": f'include = ["{name}"]\n' + MINIMAL_PLAN, name: content})
    placed = schedule(load(path), now=NOW)
    apply_pins(pin(placed))
    assert Path(name).read_text(encoding="utf-8") == expected
    again = schedule(load(path), now=NOW)
    assert [(e.key, e.start) for e in again.all_entries] == [
        (e.key, e.start) for e in placed.all_entries
    ]


def test_each_occurrence_is_its_own_feed_event() -> None:
    """UID = item + occurrence; the first keeps the UID of a plain item; descriptions say so."""
    result = schedule(make_plan(evergreen(times=2)), now=NOW)
    calendar, _ = build_calendar(result)
    uids = [event.uid for event in calendar.events if "reply" not in event.categories]
    assert uids == [
        uid_of("Toko Kopi", "instagram", "tips"),
        uid_of("Toko Kopi", "instagram", "tips", "post", 2),
    ]
    assert [event.description.split("\n\n")[-1] for event in calendar.events] == [
        "Evergreen: showing 1 of 2, at least 14 days after the one before",
        "Evergreen: showing 2 of 2, at least 14 days after the one before",
    ]


# --- the rules that know evergreen items ---------------------------------------------------------


def rule_findings(plan: Plan, rule: str) -> list[str]:
    config = CheckConfig(select=frozenset({rule}))
    return [finding.message for finding in check(plan, now=NOW, config=config)]


def test_an_evergreen_items_own_repeats_are_no_repeat_finding() -> None:
    """Two weeks apart is below repeat_days (30), but that is what repeat_after asked for."""
    plan = make_plan(evergreen(times=3, copy="Three ways to brew Gayo at home."))
    assert rule_findings(plan, "repeated-copy-on-platform") == []


def test_another_item_with_the_same_copy_is_compared_with_every_showing() -> None:
    """A copy of the evergreen post, 9 days after its second showing, is a repeat."""
    copy = "Three ways to brew Gayo at home."
    plan = make_plan(
        evergreen(times=2, copy=copy),
        make_item("copy-ig", copy=copy, at=jakarta(2026, 12, 23, 19)),
    )
    assert rule_findings(plan, "repeated-copy-on-platform") == [
        "item 'copy-ig' repeats the copy of 'tips' on 'instagram' 9 days later"
    ]


def test_cadence_not_met_counts_evergreen_showings() -> None:
    """One item alone fills 1 of 12 slots; as evergreen every week, it fills 4 of 12."""
    one = make_item("tips")
    assert rule_findings(make_plan(one), "cadence-not-met") == [
        "'instagram' fills 1 of its 12 slots in the next 28 days (8%, expected at least 50%)"
    ]
    weekly = evergreen(repeat_after=dt.timedelta(weeks=1))
    assert rule_findings(make_plan(weekly), "cadence-not-met") == [
        "'instagram' fills 4 of its 12 slots in the next 28 days (33%, expected at least 50%)"
    ]


def test_duplicate_copy_inside_a_story_names_the_story() -> None:
    """Versions carry one idea, not one text: the finding says which story they tell."""
    copy = "The year-end sale starts on Monday: 20% off all stamped batik."
    plan = story_plan(
        make_item("sale-wa", "whatsapp", story="sale", copy=copy),
        make_item("sale-ig", story="sale", copy=copy),
    )
    assert rule_findings(plan, "same-copy-across-platforms") == [
        "the same copy is planned on 2 platforms: 'sale-wa' (whatsapp), 'sale-ig' (instagram); "
        "they are versions of story 'sale', which should tell one idea in different words"
    ]


# --- what people see -----------------------------------------------------------------------------


def test_the_week_labels_steps_and_showings() -> None:
    """ "step 2 of 3 · Year-end sale" under a version; "evergreen, showing 2 of 3" on a repeat."""
    result = schedule(
        story_plan(
            make_item("sale-wa", "whatsapp", story="sale"),
            make_item("sale-ig", story="sale"),
            evergreen(times=3),
        ),
        now=NOW,
    )
    labels = {entry.key: entry_label(entry, result.plan) for entry in result.all_entries}
    assert labels == {
        "sale-wa": "step 1 of 3 · Year-end sale",
        "sale-ig": "step 2 of 3 · Year-end sale",
        "tips": "evergreen, showing 1 of 3",
        "tips#2": "evergreen, showing 2 of 3",
        "tips#3": "evergreen, showing 3 of 3",
    }


def test_stories_text_shows_where_how_when_and_the_gaps() -> None:
    """Each step: platform → media and title → time; between steps the gap and its least."""
    plan = story_plan(
        make_item(
            "sale-wa", "whatsapp", story="sale", title="Regulars first", at=jakarta(2026, 12, 4, 16)
        ),
        make_item("sale-ig", story="sale", title="Five shirts"),
    )
    assert render_stories(spirals(plan, now=NOW), plan=plan) == (
        "Year-end sale (sale)\n"
        "  1. whatsapp → Regulars first → Fri 04 Dec 2026 16:00 (pinned)\n"
        "     ↓ 3d 3h after step 1 (at least 2d)\n"
        "  2. instagram → Five shirts → Mon 07 Dec 2026 19:00\n"
        "  3. facebook → — → no item yet\n"
    )


def test_stories_command_json(runner: CliRunner, write_files: WriteFiles) -> None:
    """`contentcal stories --format json`: one object per story, steps with minutes."""
    plan = write_files({"plan.toml": STORY_PLAN})
    result = runner.invoke(
        cli, ["stories", str(plan), "--now", "2026-11-30T08:00", "--format", "json"]
    )
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert data == [
        {
            "story": "gayo",
            "title": "Gayo launch",
            "goal": "sales",
            "pillar": "communication",
            "others": [],
            "steps": [
                {
                    "step": 1,
                    "platform": "whatsapp",
                    "after_minutes": 0,
                    "item": "gayo-wa",
                    "title": "Regulars first",
                    "media": None,
                    "start": "2026-12-04T16:00:00+07:00",
                    "placed": True,
                    "follows": None,
                    "gap_minutes": None,
                    "least_minutes": 0,
                    "in_order": True,
                },
                {
                    "step": 2,
                    "platform": "instagram",
                    "after_minutes": 2880,
                    "item": "gayo-ig",
                    "title": "Gayo is here",
                    "media": None,
                    "start": "2026-12-07T19:00:00+07:00",
                    "placed": True,
                    "follows": 1,
                    "gap_minutes": 4500,
                    "least_minutes": 2880,
                    "in_order": True,
                },
            ],
        }
    ]


def test_stories_command_rejects_an_unknown_format(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """A format it does not have is a usage error (exit 2), not a traceback."""
    plan = write_files({"plan.toml": STORY_PLAN})
    result = runner.invoke(cli, ["stories", str(plan), "--format", "csv"])
    assert result.exit_code == 2
    assert "'csv' is not one of 'text', 'markdown', 'json'" in result.stderr


def test_stories_command_on_a_broken_plan_says_where(
    runner: CliRunner, write_files: WriteFiles
) -> None:
    """A load problem is a located message and exit 1."""
    plan = write_files(
        {"plan.toml": STORY_PLAN.replace('{ platform = "whatsapp" }', '{ platform = "wa" }')}
    )
    result = runner.invoke(cli, ["stories", str(plan)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: plan.toml:26: stories.gayo.steps[0].platform: step 1: unknown platform 'wa' "
        "(define [platforms.wa] or use one of: instagram, whatsapp)\n"
    )


# --- properties ----------------------------------------------------------------------------------

SLOT_CHOICES = ("daily 19:00", "MO,WE,FR 19:00", "TU,TH 12:00", "SA,SU 10:00", "FR 16:00")
ZONES = ("Asia/Jakarta", "Europe/Berlin", "America/New_York")


@st.composite
def spiral_plans(draw: st.DrawFn) -> tuple[Plan, dt.datetime]:
    """Three platforms in random zones and slots, two stories over them, regular and
    evergreen items in random order, some pinned; `now` around a clock change."""
    zone = draw(st.sampled_from(ZONES))
    platforms = tuple(
        make_platform(
            name,
            slots=[draw(st.sampled_from(SLOT_CHOICES))],
            timezone=draw(st.sampled_from(ZONES)),
            min_gap=draw(st.sampled_from((None, dt.timedelta(hours=4)))),
        )
        for name in ("a", "b", "c")
    )
    stories = []
    for story_id in ("s1", "s2"):
        order = draw(st.permutations(["a", "b", "c"]))
        count = draw(st.integers(1, 3))
        stories.append(
            Story(
                id=story_id,
                title=story_id,
                steps=tuple(
                    StoryStep(
                        platform=platform,
                        after=dt.timedelta(hours=draw(st.sampled_from((0, 12, 24, 48, 100))))
                        if index
                        else dt.timedelta(0),
                    )
                    for index, platform in enumerate(order[:count])
                ),
            )
        )
    now = localize(
        dt.datetime(2027, 3, draw(st.integers(1, 30)), draw(st.integers(0, 23))), get_zone(zone)
    )
    items = []
    for number in range(draw(st.integers(2, 12))):
        platform = draw(st.sampled_from(("a", "b", "c")))
        fields: dict[str, Any] = {"story": draw(st.sampled_from((None, "s1", "s2")))}
        if draw(st.integers(0, 5)) == 0:
            fields["at"] = now + dt.timedelta(hours=draw(st.integers(-48, 400)))
        if draw(st.integers(0, 3)) == 0:
            fields["evergreen"] = True
            fields["repeat_after"] = dt.timedelta(days=draw(st.integers(1, 20)))
            fields["times"] = draw(st.sampled_from((None, 2, 4)))
        items.append(make_item(f"i{number}", platform, **fields))
    plan = make_plan(
        *items,
        platforms=platforms,
        timezone=zone,
        settings=ScheduleSettings(horizon=dt.timedelta(days=60)),
    )
    return attrs.evolve(plan, stories=tuple(stories)), now


@settings(max_examples=150, deadline=None)
@given(spiral_plans())
def test_property_placed_steps_keep_order_and_offsets(case: tuple[Plan, dt.datetime]) -> None:
    """In every schedule, each step contentcal placed is at least its offsets after the
    nearest earlier step with a time, in real time."""
    plan, now = case
    result = schedule(plan, now=now)
    first = {entry.item.id: entry for entry in result.all_entries if entry.occurrence == 1}
    for spiral in spirals(plan, now=now, placed=result):
        for step in spiral.steps:
            if step.gap is None or step.item is None or not first[step.item.id].placed:
                continue
            assert step.gap >= step.least, (spiral.story.id, step.number)


@settings(max_examples=150, deadline=None)
@given(spiral_plans())
def test_property_evergreen_showings_are_repeat_after_apart(case: tuple[Plan, dt.datetime]) -> None:
    """An evergreen item's showings on its platform are at least repeat_after apart, never
    in the past, numbered 1, 2, 3 ... in time order, and no more than `times`."""
    plan, now = case
    result = schedule(plan, now=now)
    for item in plan.items:
        if not item.evergreen:
            continue
        showings = [entry for entry in result.all_entries if entry.item.id == item.id]
        assert [entry.occurrence for entry in showings] == list(range(1, len(showings) + 1))
        assert item.times is None or len(showings) <= item.times
        assert item.repeat_after is not None
        for earlier, later in itertools.pairwise(showings):
            assert utc(later) - utc(earlier) >= item.repeat_after
            if later.placed:
                assert utc(later) >= now.astimezone(dt.UTC)


def test_stories_markdown_has_a_table_per_spiral() -> None:
    """Markdown: a heading per story, a table of its steps, and its other versions."""
    plan = story_plan(
        make_item("sale-wa", "whatsapp", story="sale", title="Regulars | first"),
        make_item("sale-ig", story="sale", title="Five shirts", media=Media.CAROUSEL),
        make_item("sale-li", "facebook", story="sale", title="Families", status=Status.DRAFT),
        story=sale(("whatsapp", None), ("instagram", "2d")),
    )
    assert render_stories(spirals(plan, now=NOW), plan=plan, fmt="markdown") == (
        "# Stories of Toko Kopi\n"
        "\n"
        "## Year-end sale (sale)\n"
        "\n"
        "| Step | Where | How | When | After the step before |\n"
        "|---|---|---|---|---|\n"
        "| 1 | whatsapp | Regulars \\| first | Fri 04 Dec 2026 16:00 |  |\n"
        "| 2 | instagram | carousel: Five shirts | Mon 07 Dec 2026 19:00 "
        "| 3d 3h after step 1 (at least 2d) |\n"
        "\n"
        "- also `sale-li` (facebook): Families, no time yet\n"
    )


def test_stories_of_a_plan_without_stories() -> None:
    """Nothing to show is said in words, with how to start one."""
    plan = make_plan(make_item("tips"))
    assert render_stories(spirals(plan, now=NOW), plan=plan) == (
        "The plan defines no stories; add [stories.<id>] with a title and steps.\n"
    )
    assert render_stories(spirals(plan, now=NOW), plan=plan, fmt="json") == "[]\n"


@settings(max_examples=100, deadline=None)
@given(spiral_plans(), st.sampled_from(("a", "b", "c")))
def test_property_appending_an_item_moves_no_first_post(
    case: tuple[Plan, dt.datetime], platform: str
) -> None:
    """Append-stable with stories: an item added at the end of the plan never moves another
    item's first post (story steps included); only evergreen repeats may make way."""
    plan, now = case
    before = schedule(plan, now=now)
    extra = make_item("appended", platform)
    after = schedule(attrs.evolve(plan, items=(*plan.items, extra)), now=now)

    def firsts(result: Schedule) -> list[Entry]:
        return [e for e in result.all_entries if e.occurrence == 1 and e.item.id != "appended"]

    assert firsts(after) == firsts(before)


def test_adding_a_missing_steps_version_moves_the_steps_after_it() -> None:
    """The flip side: writing the version a step lacked changes the story, so the step after
    it now waits for the new version (Instagram, then a day for Facebook)."""
    items = [
        make_item("sale-wa", "whatsapp", story="sale"),
        make_item("sale-fb", "facebook", story="sale"),
    ]
    before = schedule(story_plan(*items), now=NOW)
    after = schedule(story_plan(*items, make_item("sale-ig", story="sale")), now=NOW)
    assert when(before, "sale-fb") == jakarta(2026, 12, 8, 12)
    assert when(after, "sale-ig") == jakarta(2026, 12, 7, 19)
    assert when(after, "sale-fb") == jakarta(2026, 12, 10, 12)


def test_too_many_stories_counts_spirals_once_per_crowded_four_weeks() -> None:
    """Five one-step spirals in December and five in March: two notes. Stories without
    steps are not spirals and never count."""
    stories = [Story(id=f"s{n}", title=f"S{n}", steps=(StoryStep("instagram"),)) for n in range(10)]
    stories.append(Story(id="label", title="Only a label"))
    items = [
        make_item(
            f"i{n}",
            story=f"s{n}",
            at=jakarta(2026 if n < 5 else 2027, 12 if n < 5 else 3, 1 + n, 19),
        )
        for n in range(10)
    ]
    items += [make_item("label-ig", story="label", at=jakarta(2026, 12, 2, 10))]
    plan = attrs.evolve(make_plan(*items), stories=tuple(stories))
    assert rule_findings(plan, "too-many-stories-at-once") == [
        "5 stories are active in the four weeks from 2026-12-01: s0, s1, s2, s3, s4",
        "5 stories are active in the four weeks from 2027-03-06: s5, s6, s7, s8, s9",
    ]
    # Four spirals at a time is what the method asks for: no note.
    fewer = attrs.evolve(plan, items=tuple(i for i in plan.items if i.id not in ("i0", "i9")))
    assert rule_findings(fewer, "too-many-stories-at-once") == []
