"""Every rule `check` runs: a fixture that fails it, and the cases where it must stay quiet.

Each registered rule has a plan in ``tests/fixtures/rules/<rule-name>.toml`` that breaks it,
and ``FAILING[<rule-name>]`` lists the exact findings that plan gives: code, severity, file,
line, key path, item, platform, message and hint. A new rule without both fails
:func:`test_every_rule_has_a_failing_fixture`. The quiet cases edit a fixture as little as
possible (a replacement or two) to show what makes the finding go away.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contentcal import load
from contentcal.checking.engine import CheckConfig, Finding, check
from contentcal.checking.rules import RULES, Thresholds
from contentcal.errors import Severity

from .conftest import NOW, WriteFiles

FIXTURES = Path(__file__).parent / "fixtures" / "rules"

ERROR, WARNING = Severity.ERROR, Severity.WARNING
X_LIMIT = (
    "shorten it; the limit is as of 2026-11-01, https://docs.x.com/fundamentals/counting-characters"
)


def fixture(name: str) -> str:
    """The text of a rule's fixture plan."""
    return (FIXTURES / f"{name}.toml").read_text(encoding="utf-8")


def edited(name: str, *changes: tuple[str, str]) -> str:
    """A fixture with each ``(old, new)`` replaced; `old` must occur exactly once."""
    text = fixture(name)
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}.toml"
        text = text.replace(old, new)
    return text


def run(
    write_files: WriteFiles, text: str, rule: str, *, thresholds: Thresholds | None = None
) -> list[Finding]:
    """Findings of one rule for a plan saved as ``plan.toml``, checked at NOW."""
    plan = load(write_files({"plan.toml": text}))
    config = CheckConfig(select=frozenset({rule}), thresholds=thresholds or Thresholds())
    return check(plan, now=NOW, config=config)


def platform_finding(
    code: str, rule: str, line: int, platform: str, message: str, hint: str
) -> Finding:
    """A warning about a platform's table in plan.toml."""
    return Finding(
        code=code,
        rule=rule,
        severity=WARNING,
        message=message,
        hint=hint,
        file="plan.toml",
        line=line,
        path=f"platforms.{platform}",
        platform=platform,
    )


FAILING: dict[str, list[Finding]] = {
    # --- goals ---------------------------------------------------------------------------
    "missing-goal": [
        Finding(
            code="CC101",
            rule="missing-goal",
            severity=ERROR,
            message="item 'roast-day' serves no goal",
            hint="add goal = ... (goals: sales)",
            file="plan.toml",
            line=20,
            path="items[0]",
            item="roast-day",
            platform="instagram",
        )
    ],
    "missing-pillar": [
        Finding(
            code="CC102",
            rule="missing-pillar",
            severity=ERROR,
            message="item 'roast-day' belongs to no pillar",
            hint="add pillar = ... (pillars: communication, collaboration, education, "
            "entertainment)",
            file="plan.toml",
            line=20,
            path="items[0]",
            item="roast-day",
            platform="instagram",
        )
    ],
    "goal-not-smart": [
        Finding(
            code="CC103",
            rule="goal-not-smart",
            severity=WARNING,
            message="goal 'famous' is not SMART: missing M (measurable), A (attainable), "
            "T (timely)",
            hint="add metric = ..., target = ..., due = YYYY-MM-DD",
            file="plan.toml",
            line=20,
            path="goals.famous",
        )
    ],
    "goal-past-due": [
        Finding(
            code="CC104",
            rule="goal-past-due",
            severity=WARNING,
            message="goal 'launch' was due on 2026-10-31 but 2 unpublished items still serve it",
            hint="review the result against the target, then set a new goal or due date",
            file="plan.toml",
            line=24,
            path="goals.launch.due",
        )
    ],
    "goal-without-items": [
        Finding(
            code="CC105",
            rule="goal-without-items",
            severity=WARNING,
            message="no item serves goal 'reviews'",
            hint="plan content for it, or drop the goal",
            file="plan.toml",
            line=20,
            path="goals.reviews",
        )
    ],
    # --- the Social Tool Matrix ----------------------------------------------------------
    "platform-without-owner": [
        platform_finding(
            "CC111",
            "platform-without-owner",
            20,
            "facebook",
            "platform 'facebook' has no owner",
            'add owner = "..." — one person who keeps it up to date',
        )
    ],
    "platform-without-purpose": [
        platform_finding(
            "CC112",
            "platform-without-purpose",
            20,
            "facebook",
            "platform 'facebook' has no purpose",
            'add purpose = "..." — what this platform does for the business',
        )
    ],
    "platform-without-response-time": [
        platform_finding(
            "CC113",
            "platform-without-response-time",
            20,
            "facebook",
            "platform 'facebook' sets no response time",
            'add respond_within = "2h" — customers wait for answers',
        )
    ],
    "personal-account": [
        platform_finding(
            "CC114",
            "personal-account",
            20,
            "facebook",
            "platform 'facebook' is a personal account",
            "move the business to a business account; keep personal and business apart",
        )
    ],
    "too-many-platforms-per-owner": [
        platform_finding(
            "CC115",
            "too-many-platforms-per-owner",
            32,
            "tiktok",
            "Dewi owns 4 platforms (instagram, facebook, x, tiktok); more than 3 is hard to "
            "keep up",
            "choose fewer platforms or share the work; you need not be everywhere",
        )
    ],
    "no-slots": [
        Finding(
            code="CC116",
            rule="no-slots",
            severity=ERROR,
            message="platform 'facebook' has no slots but 2 items without a time wait for one "
            "(first: 'workshop-fb')",
            hint='add slots = ["MO,WE,FR 19:00"] or give each item an at = ... time',
            file="plan.toml",
            line=20,
            path="platforms.facebook",
            platform="facebook",
        )
    ],
    # --- the schedule --------------------------------------------------------------------
    "double-booked": [
        Finding(
            code="CC201",
            rule="double-booked",
            severity=ERROR,
            message="items 'gayo-ig' and 'toraja-ig' on instagram are 2 h apart; the minimum "
            "gap is 4 h",
            hint="move one of them, or lower the platform's min_gap",
            file="plan.toml",
            line=30,
            path="items[1]",
            item="toraja-ig",
            platform="instagram",
        )
    ],
    "in-blackout": [
        Finding(
            code="CC202",
            rule="in-blackout",
            severity=ERROR,
            message="item 'christmas-ig' is set for 2026-12-25 on instagram, which is Natal",
            hint="move the item to another day, or change the blackout",
            file="plan.toml",
            line=21,
            path="items[0]",
            item="christmas-ig",
            platform="instagram",
        ),
        Finding(
            code="CC202",
            rule="in-blackout",
            severity=ERROR,
            message="item 'new-year-ig' is set for 2026-12-31 on instagram, which is a "
            "blackout day",
            hint="move the item to another day, or change the blackout",
            file="plan.toml",
            line=30,
            path="items[1]",
            item="new-year-ig",
            platform="instagram",
        ),
    ],
    "past-not-published": [
        Finding(
            code="CC203",
            rule="past-not-published",
            severity=WARNING,
            message="item 'friday-ig' was due at 2026-11-27 19:00 +07:00 but is approved, "
            "not published",
            hint='set status = "published" if it went out, or give it a new time',
            file="plan.toml",
            line=20,
            path="items[0]",
            item="friday-ig",
            platform="instagram",
        )
    ],
    "unplaced": [
        Finding(
            code="CC204",
            rule="unplaced",
            severity=WARNING,
            message="item 'fourth-ig' could not be placed: all slots of 'instagram' ahead are "
            "taken; add slots or move items",
            hint="add slots to the platform, free a slot, or give the item an at = ... time",
            file="plan.toml",
            line=54,
            path="items[3]",
            item="fourth-ig",
            platform="instagram",
        ),
        Finding(
            code="CC204",
            rule="unplaced",
            severity=WARNING,
            message="item 'december-fb' could not be placed: every slot of 'facebook' ahead "
            "falls in a blackout",
            hint="add slots to the platform, free a slot, or give the item an at = ... time",
            file="plan.toml",
            line=62,
            path="items[4]",
            item="december-fb",
            platform="facebook",
        ),
        Finding(
            code="CC204",
            rule="unplaced",
            severity=WARNING,
            message="item 'old-post-ig' could not be placed: item 'old-post-ig' is published "
            "but has no time; add at = ... with when it went out",
            hint="add at = ... with the time it went out",
            file="plan.toml",
            line=69,
            path="items[5]",
            item="old-post-ig",
            platform="instagram",
        ),
    ],
    "posting-gap": [
        platform_finding(
            "CC205",
            "posting-gap",
            14,
            "instagram",
            "nothing is planned on 'instagram' for 23 days after 2026-12-04",
            "plan content for the gap, or post less often but regularly",
        )
    ],
    "cadence-not-met": [
        platform_finding(
            "CC206",
            "cadence-not-met",
            14,
            "instagram",
            "'instagram' fills 5 of its 12 slots in the next 28 days (42%, expected at least 50%)",
            "plan more items, remove slots, or drop the platform — you need not be everywhere",
        )
    ],
    "pillar-mix-off-target": [
        Finding(
            code="CC121",
            rule="pillar-mix-off-target",
            severity=WARNING,
            message="pillar 'education' has 80% of the next 28 days' posts (4 of 5); its "
            "target is 50%",
            hint="rebalance the items, or change the target share",
            file="plan.toml",
            line=21,
            path="pillars.education.share",
        ),
        Finding(
            code="CC121",
            rule="pillar-mix-off-target",
            severity=WARNING,
            message="pillar 'entertainment' has 0% of the next 28 days' posts (0 of 5); its "
            "target is 30%",
            hint="rebalance the items, or change the target share",
            file="plan.toml",
            line=24,
            path="pillars.entertainment.share",
        ),
    ],
    # --- network limits ------------------------------------------------------------------
    "text-too-long": [
        Finding(
            code="CC301",
            rule="text-too-long",
            severity=ERROR,
            message="item 'gayo-x' has 281 weighted characters of copy; X allows 280",
            hint=X_LIMIT,
            file="plan.toml",
            line=32,
            path="items[0]",
            item="gayo-x",
            platform="x",
        ),
        Finding(
            code="CC301",
            rule="text-too-long",
            severity=ERROR,
            message="item 'gayo-cjk-x' has 282 weighted characters of copy; X allows 280",
            hint=X_LIMIT,
            file="plan.toml",
            line=48,
            path="items[2]",
            item="gayo-cjk-x",
            platform="x",
        ),
        Finding(
            code="CC301",
            rule="text-too-long",
            severity=ERROR,
            message="item 'gayo-bsky' has 301 characters of copy; Bluesky allows 300",
            hint="shorten it; the limit is as of 2026-11-01, https://github.com/bluesky-social/"
            "atproto/blob/main/lexicons/app/bsky/feed/post.json",
            file="plan.toml",
            line=64,
            path="items[4]",
            item="gayo-bsky",
            platform="bluesky",
        ),
        Finding(
            code="CC301",
            rule="text-too-long",
            severity=ERROR,
            message="item 'gayo-mastodon' has 501 characters of copy; Mastodon allows 500",
            hint="shorten it; the limit is as of 2026-11-01, "
            "https://docs.joinmastodon.org/entities/Instance",
            file="plan.toml",
            line=80,
            path="items[6]",
            item="gayo-mastodon",
            platform="mastodon",
        ),
    ],
    "title-too-long": [
        Finding(
            code="CC302",
            rule="title-too-long",
            severity=ERROR,
            message="item 'gayo-yt' has a title of 101 characters; YouTube allows 100",
            hint="shorten it; the limit is as of 2026-11-01, "
            "https://developers.google.com/youtube/v3/docs/videos",
            file="plan.toml",
            line=20,
            path="items[0]",
            item="gayo-yt",
            platform="youtube",
        )
    ],
    "too-many-hashtags": [
        Finding(
            code="CC303",
            rule="too-many-hashtags",
            severity=WARNING,
            message="item 'gayo-ig' has 6 hashtags; Instagram allows 5",
            hint="keep the 5 that matter most (as of 2026-11-01, https://www.socialsamosa.com/"
            "news-2/instagram-hashtags-five-per-post-10923075)",
            file="plan.toml",
            line=20,
            path="items[0]",
            item="gayo-ig",
            platform="instagram",
        )
    ],
    "media-required": [
        Finding(
            code="CC304",
            rule="media-required",
            severity=ERROR,
            message="item 'hours-ig' has media = 'text', but Instagram needs an image or a video",
            hint="set media to one of: carousel, image, live, short-video, story, video "
            "(and prepare it)",
            file="plan.toml",
            line=26,
            path="items[0]",
            item="hours-ig",
            platform="instagram",
        ),
        Finding(
            code="CC304",
            rule="media-required",
            severity=ERROR,
            message="item 'quote-ig' has no media, but Instagram needs an image or a video",
            hint="set media to one of: carousel, image, live, short-video, story, video "
            "(and prepare it)",
            file="plan.toml",
            line=34,
            path="items[1]",
            item="quote-ig",
            platform="instagram",
        ),
        Finding(
            code="CC304",
            rule="media-required",
            severity=ERROR,
            message="item 'brewing-yt' has no media, but YouTube needs a video",
            hint="set media to one of: live, short-video, video (and prepare it)",
            file="plan.toml",
            line=49,
            path="items[3]",
            item="brewing-yt",
            platform="youtube",
        ),
    ],
    "media-not-fit-network": [
        Finding(
            code="CC305",
            rule="media-not-fit-network",
            severity=WARNING,
            message="item 'poster-yt' is an image post, which YouTube does not take",
            hint="make it one of: live, short-video, video",
            file="plan.toml",
            line=26,
            path="items[0]",
            item="poster-yt",
            platform="youtube",
        ),
        Finding(
            code="CC305",
            rule="media-not-fit-network",
            severity=WARNING,
            message="item 'price-list-x' is a document post, which X does not take",
            hint="make it one of: carousel, image, link, live, short-video, text, video",
            file="plan.toml",
            line=34,
            path="items[1]",
            item="price-list-x",
            platform="x",
        ),
    ],
    # --- different platform, different content -----------------------------------------
    "same-copy-across-platforms": [
        Finding(
            code="CC401",
            rule="same-copy-across-platforms",
            severity=ERROR,
            message="the same copy is planned on 3 platforms: 'gayo-ig' (instagram), "
            "'gayo-fb' (facebook), 'gayo-x' (x)",
            hint="write each platform its own version: its audience, its length, its call "
            "to action",
            file="plan.toml",
            line=32,
            path="items[0]",
            item="gayo-ig",
            platform="instagram",
        )
    ],
    "near-duplicate-across-platforms": [
        Finding(
            code="CC402",
            rule="near-duplicate-across-platforms",
            severity=WARNING,
            message="item 'gayo-fb' (facebook) is 94% the same as 'gayo-ig' (instagram)",
            hint='rewrite it for its platform, or add ignore = ["near-duplicate-across-platforms"]'
            " with a reason",
            file="plan.toml",
            line=35,
            path="items[1]",
            item="gayo-fb",
            platform="facebook",
        )
    ],
    "mirrored-platform": [
        platform_finding(
            "CC403",
            "mirrored-platform",
            20,
            "facebook",
            "2 of 2 items on 'facebook' repeat another platform's copy (100%)",
            "give it its own content, or drop it: you need not be everywhere",
        )
    ],
    "repeated-copy-on-platform": [
        Finding(
            code="CC404",
            rule="repeated-copy-on-platform",
            severity=WARNING,
            message="item 'gayo-again-ig' repeats the copy of 'gayo-ig' on 'instagram' "
            "30 days later",
            hint="space repeats more than 30 days apart, or change the text "
            "(X rejects duplicate posts)",
            file="plan.toml",
            line=30,
            path="items[1]",
            item="gayo-again-ig",
            platform="instagram",
        )
    ],
    # --- stories -------------------------------------------------------------------------
    "unknown-story": [
        Finding(
            code="CC601",
            rule="unknown-story",
            severity=WARNING,
            message="item 'gayo-ig' is in story 'gayo-lauch', which the plan does not define",
            hint="did you mean 'gayo-launch'?",
            file="plan.toml",
            line=39,
            path="items[1]",
            item="gayo-ig",
            platform="instagram",
        )
    ],
    "story-step-without-item": [
        Finding(
            code="CC602",
            rule="story-step-without-item",
            severity=WARNING,
            message="step 2 of story 'gayo-launch' (instagram) has no item",
            hint='add an item with story = "gayo-launch" and platform = "instagram", or '
            "remove the step",
            file="plan.toml",
            line=32,
            path="stories.gayo-launch.steps[1]",
        )
    ],
    "story-item-not-in-steps": [
        Finding(
            code="CC603",
            rule="story-item-not-in-steps",
            severity=WARNING,
            message="item 'gayo-fb' is in story 'gayo-launch', but the story's steps do not go "
            "to 'facebook'",
            hint='add { platform = "facebook", after = "1d" } to the steps of '
            "[stories.gayo-launch], or remove story from the item",
            file="plan.toml",
            line=53,
            path="items[2]",
            item="gayo-fb",
            platform="facebook",
        ),
        Finding(
            code="CC603",
            rule="story-item-not-in-steps",
            severity=WARNING,
            message="item 'gayo-reel-ig' is a second version of story 'gayo-launch' on "
            "'instagram'; 'gayo-ig' is its step there",
            hint="a story has one version per platform: give this item its own story, or "
            "remove story from it",
            file="plan.toml",
            line=61,
            path="items[3]",
            item="gayo-reel-ig",
            platform="instagram",
        ),
    ],
    "spiral-out-of-order": [
        Finding(
            code="CC604",
            rule="spiral-out-of-order",
            severity=WARNING,
            message="step 2 of story 'gayo-launch' (instagram, 'gayo-ig') goes out at "
            "2026-12-02 19:00, before step 1 (whatsapp, 'gayo-wa') at 2026-12-04 16:00",
            hint="move it to 2026-12-06 16:00 or later, or remove its at = ... so it follows "
            "the story",
            file="plan.toml",
            line=40,
            path="items[1]",
            item="gayo-ig",
            platform="instagram",
        )
    ],
    "too-many-stories-at-once": [
        Finding(
            code="CC605",
            rule="too-many-stories-at-once",
            severity=Severity.INFO,
            message="5 stories are active in the four weeks from 2026-11-30: advent, gayo, "
            "toraja, kintamani, flores",
            hint="the method runs three or four spirals at a time; start story 'flores' later "
            "so each story gets its audience's attention",
            file="plan.toml",
            line=50,
            path="stories.flores",
        )
    ],
    # --- measuring and reviewing -------------------------------------------------------
    "goal-off-track": [
        Finding(
            code="CC501",
            rule="goal-off-track",
            severity=WARNING,
            message="goal 'sales' is behind: progress 7%, expected 30% by now",
            hint="at this pace: 12.7 by 30 Jun 2027 (target 25); decide a corrective action "
            "with an owner and a due date in [[actions]]",
            file="plan.toml",
            line=12,
            path="goals.sales",
        )
    ],
    "goal-without-results": [
        Finding(
            code="CC502",
            rule="goal-without-results",
            severity=WARNING,
            message="goal 'sales' has no result since 2026-11-02",
            hint="measure 'orders per week' and add a row to a results file: "
            "date, goal = sales, metric, value",
            file="plan.toml",
            line=7,
            path="goals.sales",
        )
    ],
    "action-overdue": [
        Finding(
            code="CC503",
            rule="action-overdue",
            severity=WARNING,
            message="action 'shop-link' was due on 2026-11-20 and is still open (owner: Dewi)",
            hint="ask Dewi to do it, or set done = YYYY-MM-DD or a new due date",
            file="plan.toml",
            line=18,
            path="actions[0]",
        )
    ],
    "action-without-owner": [
        Finding(
            code="CC504",
            rule="action-without-owner",
            severity=WARNING,
            message="action 'tasting-video' has no owner",
            hint='add owner = "..." (the person who will do it)',
            file="plan.toml",
            line=18,
            path="actions[0]",
        )
    ],
    "review-missing": [
        Finding(
            code="CC505",
            rule="review-missing",
            severity=WARNING,
            message="the plan has 1 goal but no [review]",
            hint='add [review] with when = "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9" and an owner',
            file="plan.toml",
            path="review",
        )
    ],
}
"""The exact findings each rule's fixture gives (only that rule selected, at NOW)."""


# --- the registry ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [rule.name for rule in RULES])
def test_every_rule_has_a_failing_fixture(name: str) -> None:
    """A registered rule without a fixture and expected findings fails here, by name."""
    assert (FIXTURES / f"{name}.toml").is_file(), f"add tests/fixtures/rules/{name}.toml"
    assert FAILING.get(name), f"add the findings of {name}.toml to FAILING[{name!r}]"


def test_no_fixture_without_a_rule() -> None:
    """Fixtures and expectations name only registered rules (a renamed rule leaves none behind)."""
    names = {rule.name for rule in RULES}
    assert {path.stem for path in FIXTURES.glob("*.toml")} == names
    assert set(FAILING) == names


def test_codes_and_names_are_unique_and_well_formed() -> None:
    """Codes are CCnnn, names kebab-case, both unique; every rule has a one-line summary."""
    assert len({rule.code for rule in RULES}) == len(RULES)
    assert len({rule.name for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"CC[1-9]\d\d", rule.code), rule.code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), rule.name
        assert rule.summary.endswith("."), rule.name


# --- each rule fails its fixture ---------------------------------------------------------------


@pytest.mark.parametrize("name", [rule.name for rule in RULES])
def test_rule_fails_its_fixture(write_files: WriteFiles, name: str) -> None:
    """The fixture gives exactly the listed findings: location, severity, message and hint."""
    assert run(write_files, fixture(name), name) == FAILING[name]


# --- and stays quiet where it must -------------------------------------------------------------

QUIET: list[tuple[str, str, tuple[tuple[str, str], ...]]] = [
    (
        "missing-goal",
        "a cancelled item needs no goal",
        (('media = "image"', 'media = "image"\nstatus = "cancelled"'),),
    ),
    (
        "missing-pillar",
        "a cancelled item needs no pillar",
        (('media = "image"', 'media = "image"\nstatus = "cancelled"'),),
    ),
    (
        "goal-not-smart",
        "metric, target and due date make it SMART",
        (
            (
                'statement = "Become famous in Bekasi"',
                'statement = "Become famous in Bekasi"\nmetric = "followers"\ntarget = 2000\n'
                "due = 2027-03-31",
            ),
        ),
    ),
    (
        "goal-past-due",
        "a goal due today is not past due",
        (("due = 2026-10-31", "due = 2026-11-30"),),
    ),
    (
        "goal-past-due",
        "a past goal whose items are all published is done",
        (
            ('title = "The Gayo story"', 'title = "The Gayo story"\nstatus = "published"'),
            ('status = "draft"', 'status = "published"'),
        ),
    ),
    (
        "goal-without-items",
        "an idea serving the goal is enough",
        (
            (
                'title = "Roast day"\nmedia = "image"\n',
                'title = "Roast day"\nmedia = "image"\n\n[[items]]\nid = "review-us"\n'
                'platform = "instagram"\npillar = "collaboration"\ngoal = "reviews"\n'
                'title = "Review us"\nstatus = "idea"\n',
            ),
        ),
    ),
    (
        "platform-without-owner",
        "a platform with an owner",
        (("[platforms.facebook]\n", '[platforms.facebook]\nowner = "Budi"\n'),),
    ),
    (
        "platform-without-purpose",
        "a platform with a purpose",
        (("[platforms.facebook]\n", '[platforms.facebook]\npurpose = "Groups"\n'),),
    ),
    (
        "platform-without-response-time",
        "a platform with a response time",
        (("[platforms.facebook]\n", '[platforms.facebook]\nrespond_within = "1d"\n'),),
    ),
    (
        "personal-account",
        "a business account",
        (('account = "personal"', 'account = "business"'),),
    ),
    (
        "too-many-platforms-per-owner",
        "three platforms for one person are fine",
        (
            (
                'owner = "Dewi"\npurpose = "Show brewing videos"',
                'owner = "Budi"\npurpose = "Show brewing videos"',
            ),
        ),
    ),
    (
        "no-slots",
        "items with a time need no slot; ideas wait in the backlog",
        (
            ('title = "Cupping workshop"', 'title = "Cupping workshop"\nat = 2026-12-03'),
            (
                'title = "Which beans for which brewer"',
                'title = "Which beans for which brewer"\nstatus = "draft"',
            ),
        ),
    ),
    (
        "double-booked",
        "exactly the minimum gap apart",
        (("at = 2026-12-02T21:00:00", "at = 2026-12-02T23:00:00"),),
    ),
    (
        "in-blackout",
        "the day after the blackout",
        (
            ("at = 2026-12-25T19:00:00", "at = 2026-12-27T19:00:00"),
            ("at = 2026-12-31\n", "at = 2027-01-01\n"),
        ),
    ),
    (
        "past-not-published",
        "a past post marked published",
        (('title = "Friday latte art"', 'title = "Friday latte art"\nstatus = "published"'),),
    ),
    (
        "posting-gap",
        "a post in the middle of the month closes the gap",
        (('title = "Kintamani is back"', 'title = "Kintamani is back"\nat = 2026-12-15T19:00:00'),),
    ),
    (
        "cadence-not-met",
        "six items fill half of the twelve slots",
        (
            (
                'title = "December hours"\nmedia = "image"\n',
                'title = "December hours"\nmedia = "image"\n\n[[items]]\nid = "six-ig"\n'
                'platform = "instagram"\npillar = "education"\ngoal = "sales"\ntitle = "Six"\n'
                'media = "image"\n',
            ),
        ),
    ),
    (
        "pillar-mix-off-target",
        "ten points off target is within the tolerance",
        (
            (
                'pillar = "education"\ngoal = "sales"\ntitle = "Kintamani is back"',
                'pillar = "entertainment"\ngoal = "sales"\ntitle = "Kintamani is back"',
            ),
            (
                'pillar = "education"\ngoal = "sales"\ntitle = "Brewing guide"',
                'pillar = "entertainment"\ngoal = "sales"\ntitle = "Brewing guide"',
            ),
        ),
    ),
    (
        "title-too-long",
        "a title of exactly 100 characters",
        (("with grind sizes and timing", "with grind size and timing"),),
    ),
    (
        "too-many-hashtags",
        "five hashtags on Instagram",
        ((" #roastery", ""),),
    ),
    (
        "media-required",
        "an image on Instagram, a video on YouTube",
        (
            ('media = "text"', 'media = "image"'),
            ('title = "Quote of the week"', 'title = "Quote of the week"\nmedia = "carousel"'),
            ('title = "Brewing guide"', 'title = "Brewing guide"\nmedia = "short-video"'),
        ),
    ),
    (
        "media-not-fit-network",
        "a video on YouTube, an image on X",
        (
            (
                'title = "Workshop poster"\nmedia = "image"',
                'title = "Workshop poster"\nmedia = "video"',
            ),
            ('media = "document"', 'media = "image"'),
        ),
    ),
    (
        "same-copy-across-platforms",
        "each platform gets its own Gayo text",
        (
            (
                "Our new GAYO roast is here!! Fruity, bright and roasted fresh every Monday in "
                "Cikarang #kopi",
                "Parents: Gayo is mild enough for a first coffee. Ask us at the PTA bazaar.",
            ),
            (
                "Our new Gayo roast is here! Fruity, bright and roasted fresh every Monday in "
                "Cikarang. https://tokokopi.co.id/gayo",
                "Gayo is back: 250 g for Rp 90.000. https://tokokopi.co.id/gayo",
            ),
        ),
    ),
    (
        "near-duplicate-across-platforms",
        "the Facebook text is rewritten for its audience",
        (
            (
                "Our new Gayo roast is here! Fruity, bright and roasted fresh every Monday in "
                "Cikarang. Order today from the link below.",
                "Parents of Cikarang: a gentle Gayo for the weekend, ask us at the PTA bazaar.",
            ),
        ),
    ),
    (
        "repeated-copy-on-platform",
        "31 days later is no longer a repeat",
        (("at = 2027-01-01T19:00:00", "at = 2027-01-02T19:00:00"),),
    ),
    ("unknown-story", "the typo is fixed", (('story = "gayo-lauch"', 'story = "gayo-launch"'),)),
    (
        "story-step-without-item",
        "the step without an item is removed",
        (('  { platform = "instagram", after = "1d" },\n', ""),),
    ),
    (
        "story-item-not-in-steps",
        "Facebook joins the steps; the reel tells its own story",
        (
            (
                '{ platform = "instagram", after = "1d" }]',
                '{ platform = "instagram", after = "1d" }, { platform = "facebook" }]',
            ),
            ('story = "gayo-launch"\ncopy = "Thirty', 'copy = "Thirty'),
        ),
    ),
    (
        "spiral-out-of-order",
        "Instagram is pinned two days after WhatsApp",
        (("at = 2026-12-02T19:00:00", "at = 2026-12-07T19:00:00"),),
    ),
    (
        "spiral-out-of-order",
        "Instagram is not pinned and follows the story",
        (("at = 2026-12-02T19:00:00\n", ""),),
    ),
    (
        "too-many-stories-at-once",
        "one of the five stories starts after the other four's four weeks",
        (('story = "flores"\n', 'story = "flores"\nat = 2027-01-04T19:00:00\n'),),
    ),
    (
        "goal-off-track",
        "a result close to the planned line is on track",
        (("value = 11 }", "value = 15 }"),),
    ),
    (
        "goal-off-track",
        "a goal that reached its target is achieved, not behind",
        (("value = 11 }", "value = 25 }"),),
    ),
    (
        "goal-without-results",
        "one result since the last review is enough",
        (
            (
                "[brand]",
                'results = [{ date = 2026-11-27, goal = "sales", metric = "orders per week", '
                "value = 12 }]\n\n[brand]",
            ),
        ),
    ),
    (
        "goal-without-results",
        "a goal that starts later needs no result yet",
        (("start = 2026-10-01", "start = 2026-12-01"),),
    ),
    (
        "action-overdue",
        "a done action is not overdue",
        (("due = 2026-11-20", "due = 2026-11-20\ndone = 2026-11-19"),),
    ),
    ("action-overdue", "due today is not overdue yet", (("due = 2026-11-20", "due = 2026-11-30"),)),
    (
        "action-without-owner",
        "an owner",
        (("due = 2026-12-15", 'due = 2026-12-15\nowner = "Dewi"'),),
    ),
    (
        "review-missing",
        "a review rhythm",
        (
            (
                "due = 2027-06-30",
                'due = 2027-06-30\n\n[review]\nwhen = "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9"',
            ),
        ),
    ),
]
"""(rule, what makes it quiet, replacements in its fixture): each must give no finding."""


@pytest.mark.parametrize(
    ("name", "changes"),
    [(name, changes) for name, _, changes in QUIET],
    ids=[f"{name}: {why}" for name, why, _ in QUIET],
)
def test_rule_stays_quiet(
    write_files: WriteFiles, name: str, changes: tuple[tuple[str, str], ...]
) -> None:
    """The smallest change that fixes the fixture silences the rule completely."""
    assert run(write_files, edited(name, *changes), name) == []


# --- details of single rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("goal", "missing", "fix"),
    [
        ('statement = "S"\nmetric = "followers"\ntarget = 2000', "T (timely)", "due = YYYY-MM-DD"),
        ('statement = "S"\ntarget = 2000\ndue = 2027-03-31', "M (measurable)", "metric = ..."),
        (
            'statement = "S"\nmetric = "followers"\ndue = 2027-03-31',
            "A (attainable)",
            "target = ...",
        ),
        (
            'statement = "S"\ndue = 2027-03-31',
            "M (measurable), A (attainable)",
            "metric = ..., target = ...",
        ),
        (
            'statement = " "\nmetric = "followers"\ntarget = 2000\ndue = 2027-03-31',
            "S (specific), R (relevant)",
            "statement = ..., relevance = ...",
        ),
        (
            'statement = " "\nrelevance = "R"\nmetric = "followers"\ntarget = 2000\n'
            "due = 2027-03-31",
            "S (specific)",
            "statement = ...",
        ),
    ],
)
def test_goal_not_smart_names_the_missing_letters(
    write_files: WriteFiles, goal: str, missing: str, fix: str
) -> None:
    """The message names exactly the SMART letters a goal cannot show, and how to add each."""
    text = edited("goal-not-smart", ('statement = "Become famous in Bekasi"', goal))
    [finding] = run(write_files, text, "goal-not-smart")
    assert finding.message == f"goal 'famous' is not SMART: missing {missing}"
    assert finding.hint == f"add {fix}"


def test_goal_past_due_counts_one_item_in_the_singular(write_files: WriteFiles) -> None:
    """Drafts still serve a goal; published items do not. One item reads as one."""
    text = edited(
        "goal-past-due",
        ('title = "The Gayo story"', 'title = "The Gayo story"\nstatus = "published"'),
    )
    [finding] = run(write_files, text, "goal-past-due")
    assert finding.message == (
        "goal 'launch' was due on 2026-10-31 but 1 unpublished item still serves it"
    )


def test_goal_without_items_counts_no_cancelled_item(write_files: WriteFiles) -> None:
    """A cancelled item does not serve its goal."""
    text = edited(
        "goal-without-items",
        (
            'goal = "sales"\ntitle = "Roast day"',
            'goal = "reviews"\ntitle = "Roast day"\nstatus = "cancelled"',
        ),
    )
    assert [f.message for f in run(write_files, text, "goal-without-items")] == [
        "no item serves goal 'sales'",
        "no item serves goal 'reviews'",
    ]


def test_no_slots_counts_one_item_in_the_singular(write_files: WriteFiles) -> None:
    """The count and the first waiting item follow plan order."""
    text = edited(
        "no-slots", ('title = "Cupping workshop"', 'title = "Cupping workshop"\nstatus = "review"')
    )
    [finding] = run(write_files, text, "no-slots")
    assert finding.message == (
        "platform 'facebook' has no slots but 1 item without a time waits for one "
        "(first: 'beans-fb')"
    )


def test_too_many_platforms_follows_the_threshold(write_files: WriteFiles) -> None:
    """With `platforms_per_owner = 4`, Dewi's four platforms are fine."""
    text = fixture("too-many-platforms-per-owner")
    assert run(write_files, text, "CC115", thresholds=Thresholds(platforms_per_owner=4)) == []


def test_double_booked_at_the_very_same_time_without_min_gap(write_files: WriteFiles) -> None:
    """Two posts at one moment clash even when the platform sets no minimum gap."""
    text = edited(
        "double-booked",
        ('min_gap = "4h"\n', ""),
        ("at = 2026-12-02T21:00:00", "at = 2026-12-02T19:00:00"),
    )
    [finding] = run(write_files, text, "double-booked")
    assert finding.message == "items 'gayo-ig' and 'toraja-ig' on instagram are 0 min apart"
    assert (finding.line, finding.item) == (29, "toraja-ig")


def test_past_not_published_holds_for_scheduled_items_too(write_files: WriteFiles) -> None:
    """'scheduled' is not 'published': a post in the past must say it went out."""
    text = edited(
        "past-not-published",
        ('title = "Friday latte art"', 'title = "Friday latte art"\nstatus = "scheduled"'),
    )
    [finding] = run(write_files, text, "past-not-published")
    assert finding.message == (
        "item 'friday-ig' was due at 2026-11-27 19:00 +07:00 but is scheduled, not published"
    )


def test_a_plan_limit_turns_the_mastodon_error_off(write_files: WriteFiles) -> None:
    """``limits = { text = 1000 }`` for a server with 1,000 characters: 501 are fine."""
    text = edited(
        "text-too-long", ('slots = ["WE 09:00"]', 'slots = ["WE 09:00"]\nlimits = { text = 1000 }')
    )
    findings = run(write_files, text, "text-too-long")
    assert [(f.item, f.line) for f in findings] == [
        ("gayo-x", 33),
        ("gayo-cjk-x", 49),
        ("gayo-bsky", 65),
    ]


def test_a_plan_limit_below_the_networks_is_counted_the_networks_way(
    write_files: WriteFiles,
) -> None:
    """An X limit of 279 still bills a link 23 characters; the hint names the plan."""
    text = edited(
        "text-too-long",
        ('slots = ["MO-FR 08:00"]', 'slots = ["MO-FR 08:00"]\nlimits = { text = 279 }'),
    )
    findings = run(write_files, text, "text-too-long")
    assert [(f.item, f.message, f.hint) for f in findings[:4]] == [
        (
            "gayo-x",
            "item 'gayo-x' has 281 weighted characters of copy; X allows 279",
            "shorten it; the limit is plan override",
        ),
        (
            "gayo-link-x",
            "item 'gayo-link-x' has 280 weighted characters of copy; X allows 279",
            "shorten it; the limit is plan override",
        ),
        (
            "gayo-cjk-x",
            "item 'gayo-cjk-x' has 282 weighted characters of copy; X allows 279",
            "shorten it; the limit is plan override",
        ),
        (
            "gayo-cjk-140-x",
            "item 'gayo-cjk-140-x' has 280 weighted characters of copy; X allows 279",
            "shorten it; the limit is plan override",
        ),
    ]
    assert [f.item for f in findings[4:]] == ["gayo-bsky", "gayo-mastodon"]


def test_media_not_fit_leaves_missing_media_to_media_required(write_files: WriteFiles) -> None:
    """A text post on Instagram is one error (media-required), not an error and a warning."""
    assert run(write_files, fixture("media-required"), "media-not-fit-network") == []


def test_same_copy_on_one_platform_is_a_repeat_not_a_cross_platform_copy(
    write_files: WriteFiles,
) -> None:
    """Two posts with one text on Instagram alone are repeated-copy's business."""
    text = fixture("repeated-copy-on-platform")
    assert run(write_files, text, "same-copy-across-platforms") == []
    assert run(write_files, text, "mirrored-platform") == []


@pytest.mark.parametrize(
    "rule", ["same-copy-across-platforms", "near-duplicate-across-platforms", "mirrored-platform"]
)
def test_a_story_told_differently_on_each_platform_is_no_duplicate(
    write_files: WriteFiles, rule: str
) -> None:
    """One idea with its own text per platform (a story) is what the method asks for."""
    text = fixture("same-copy-across-platforms")
    toraja = text[text.index('[[items]]\nid = "toraja-ig"') :]
    head = text[: text.index("[[items]]")]
    assert 'story = "toraja"' in toraja
    assert run(write_files, head + toraja, rule) == []


def test_near_duplicate_follows_the_threshold(write_files: WriteFiles) -> None:
    """At ``near_duplicate = 0.95`` the 94% pair is no longer reported; at 0.9 it is."""
    text = fixture("near-duplicate-across-platforms")
    rule = "near-duplicate-across-platforms"
    assert run(write_files, text, rule, thresholds=Thresholds(near_duplicate=0.95)) == []
    assert run(write_files, text, rule, thresholds=Thresholds(near_duplicate=0.9)) == FAILING[rule]


def test_mirrored_from_half_of_a_platforms_items(write_files: WriteFiles) -> None:
    """One of two Facebook posts copied is still a mirror; none of two is not."""
    hours = (
        'title = "hours-fb"\n'
        'copy = "December hours: open every day from 08:00, closed on Christmas Day."'
    )
    own_hours = 'title = "hours-fb"\ncopy = "Parents: our December hours, and where to park."'
    text = edited("mirrored-platform", (hours, own_hours))
    [finding] = run(write_files, text, "mirrored-platform")
    assert finding.message == "1 of 2 items on 'facebook' repeat another platform's copy (50%)"
    own_gayo = 'title = "gayo-fb"\ncopy = "Gayo for the weekend: ask us at the PTA bazaar."'
    gayo = (
        'title = "gayo-fb"\ncopy = "Our new Gayo roast is here! Fruity, bright and roasted fresh '
        'every Monday in Cikarang."'
    )
    text = edited("mirrored-platform", (hours, own_hours), (gayo, own_gayo))
    assert run(write_files, text, "mirrored-platform") == []
