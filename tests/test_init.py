"""`contentcal init`: a plan from an empty folder in the Social Ladder's order (issue #10)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal.cli import cli
from contentcal.errors import InvalidOptionError
from contentcal.files.load import ITEM_FIELDS, load
from contentcal.model import Goal, Network
from contentcal.networks.honeycomb import Block, honeycomb
from contentcal.starting import init as starting

from .conftest import EXAMPLE, REPO

EXAMPLE_DIR = EXAMPLE.parent

NOW = ["--now", "2026-12-01"]
NEXT_STEPS = (
    "next:\n"
    "  contentcal check plan.toml\n"
    "  contentcal week plan.toml\n"
    "  contentcal feeds plan.toml --out site\n"
)
SHARE_RANGE = "must be a number between 0 and 1, e.g. education=0.4"
ID_RULE = "use lower-case letters, digits and dashes, e.g. education=0.4"


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), input=stdin, prog_name="contentcal")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to start in."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(runner: CliRunner, plan: str) -> tuple[int, str, str]:
    return run(runner, "check", plan, *NOW)


# --- unattended: --yes and flags -------------------------------------------------------------


def test_yes_writes_a_plan_that_checks_without_errors(runner: CliRunner, here: Path) -> None:
    """`init --yes` in an empty folder: two files, the next three commands, a clean check."""
    assert run(runner, "init", "--yes", *NOW) == (
        0,
        "wrote plan.toml\n"
        "wrote items/first-items.csv\n"
        "next:\n"
        "  contentcal check plan.toml\n"
        "  contentcal week plan.toml\n"
        "  contentcal feeds plan.toml --out site\n",
        "",
    )
    code, out, _ = check(runner, "plan.toml")
    assert code == 0
    assert out.endswith("plan.toml: 0 errors, 2 warnings in 1 item on 1 platform\n")


def test_the_plan_loads_with_the_answers(runner: CliRunner, here: Path) -> None:
    """Every flag lands in the plan; the SMART goal, pillars and platforms are as asked."""
    code, _, err = run(
        runner,
        "init",
        "shop",
        "--yes",
        "--name",
        "Kopi Senja",
        "--timezone",
        "Asia/Jakarta",
        "--goal",
        "Win regulars among office workers",
        "--metric",
        "repeat orders per week",
        "--baseline",
        "5",
        "--target",
        "20",
        "--due",
        "2027-06-30",
        "--pillars",
        "education=0.5, communication=0.3, fun=0.2",
        "--networks",
        "ig, whatsapp",
        "--owner",
        "Dewi",
        "--owner",
        "Budi",
        "--purpose",
        "Show the roasts",
        "--purpose",
        "Take orders",
        "--handle",
        "@kopisenja",
        "--handle",
        "+62 812 0000",
        "--slots",
        "MO,WE,FR 19:00 | SA 10:00",
        "--slots",
        "FR 16:00",
        "--respond-within",
        "2h",
        "--respond-within",
        "30m",
        *NOW,
    )
    assert (code, err) == (0, "")
    plan = load("shop/plan.toml")
    assert (plan.brand.name, plan.brand.timezone) == ("Kopi Senja", "Asia/Jakarta")
    (goal,) = plan.goals
    assert goal.id == "win-regulars-among"
    assert (goal.metric, goal.baseline, goal.target, goal.due) == (
        "repeat orders per week",
        5,
        20,
        dt.date(2027, 6, 30),
    )
    assert goal.missing_smart() == ()
    assert [(pillar.id, pillar.share) for pillar in plan.pillars] == [
        ("education", 0.5),
        ("communication", 0.3),
        ("fun", 0.2),
    ]
    instagram, whatsapp = plan.platforms
    assert (instagram.id, instagram.owner, instagram.purpose, instagram.handle) == (
        "instagram",
        "Dewi",
        "Show the roasts",
        "@kopisenja",
    )
    assert instagram.slots == ("MO,WE,FR 19:00", "SA 10:00")
    assert instagram.respond_within == dt.timedelta(hours=2)
    assert (whatsapp.owner, whatsapp.slots, whatsapp.respond_within) == (
        "Budi",
        ("FR 16:00",),
        dt.timedelta(minutes=30),
    )
    assert [item.id for item in plan.items] == ["hello-instagram", "hello-whatsapp"]
    # Measuring closes the loop: a monthly review, run by the first platform's owner.
    assert plan.review is not None
    assert plan.review.owner == "Dewi"
    assert check(runner, "shop/plan.toml")[0] == 0


def test_the_plan_shows_every_unasked_field_with_its_default(runner: CliRunner, here: Path) -> None:
    """Fields init did not ask about appear commented out with the value contentcal uses."""
    run(runner, "init", "--yes", *NOW)
    text = (here / "plan.toml").read_text(encoding="utf-8")
    for line in (
        '# url = "https://example.com"          # default: none',
        '# duration = "15m"                      # how long a post occupies the calendar',
        '# horizon = "365d"                      # how far ahead items are placed',
        '# past = "30d"',
        '# ahead = "180d"',
        '# alarm = "15m"                         # reminder before each post; false for none',
        "# reply_events = true",
        "# include_backlog = false",
        '# state_file = ".contentcal/feed-state.json"',
        '# min_gap = "0m"                        # least time between two posts',
        "Declaring any\n# pillar replaces all four",
    ):
        assert line in text, line
    # The Social Ladder's steps, in order.
    steps = [text.index(step) for step in ("1. Strategy", "2. Presence", "3. Tools")]
    assert steps == sorted(steps)


def test_uncommenting_the_defaults_changes_nothing(runner: CliRunner, here: Path) -> None:
    """The commented settings are real defaults: uncommented, the plan loads the same."""
    run(runner, "init", "--yes", *NOW)
    text = (here / "plan.toml").read_text(encoding="utf-8")
    settings = text[text.index("# [schedule]") :]
    uncommented = "\n".join(
        line[2:].split("  #")[0]
        for line in settings.splitlines()
        if line.startswith("# ") and "holidays" not in line and "base_url" not in line
    )
    (here / "plan.toml").write_text(text + "\n" + uncommented + "\n", encoding="utf-8")
    assert tomllib.loads(uncommented)["feeds"]["past"] == "30d"
    before = load(here / "plan.toml")
    assert before.feed_settings == type(before.feed_settings)()
    assert before.schedule_settings == type(before.schedule_settings)()


def test_the_starter_csv_header_is_the_loaders(runner: CliRunner, here: Path) -> None:
    """The header is exactly ITEM_FIELDS; the starter rows are ideas (backlog)."""
    run(runner, "init", "--yes", "--networks", "instagram, facebook", *NOW)
    rows = list(csv.reader(io.StringIO((here / "items/first-items.csv").read_text("utf-8"))))
    assert tuple(rows[0]) == ITEM_FIELDS
    assert [row[ITEM_FIELDS.index("status")] for row in rows[1:]] == ["idea", "idea"]


def test_an_existing_plan_is_never_overwritten(runner: CliRunner, here: Path) -> None:
    """Exit 1, a message, and nothing written (the old plan and folder stay as they were)."""
    (here / "plan.toml").write_text("# mine\n", encoding="utf-8")
    assert run(runner, "init", "--yes", *NOW) == (
        1,
        "",
        "error: plan.toml already exists; contentcal init never overwrites a plan "
        "(choose an empty folder, or edit the plan that is there)\n",
    )
    assert (here / "plan.toml").read_text(encoding="utf-8") == "# mine\n"
    assert sorted(path.name for path in here.iterdir()) == ["plan.toml"]


def test_an_existing_plan_stops_init_before_any_question(runner: CliRunner, here: Path) -> None:
    """Nobody answers ten questions to be told the folder is taken."""
    (here / "shop").mkdir()
    (here / "shop" / "plan.toml").write_text("", encoding="utf-8")
    code, out, err = run(runner, "init", "shop", stdin="")
    assert (code, out) == (1, "")
    assert err.startswith("error: shop/plan.toml already exists")


def test_example_also_never_overwrites(runner: CliRunner, here: Path) -> None:
    """`init --example` into a folder with a plan: exit 1, nothing copied."""
    (here / "plan.toml").write_text("", encoding="utf-8")
    code, _, err = run(runner, "init", "--example")
    assert code == 1
    assert "already exists" in err
    assert not (here / "items").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timezone", "Asia/Jakrta"], "unknown time zone 'Asia/Jakrta'; did you mean"),
        (["--networks", "instagam"], "unknown network 'instagam' (did you mean 'instagram'?)"),
        (["--networks", "x, twitter"], "network 'x' is given twice"),
        (["--pillars", "education=2"], f"pillar 'education': share '2' {SHARE_RANGE}"),
        (["--pillars", "a=0.6, b=0.6"], "the pillar shares add up to 1.2; they must add up to 1"),
        (["--pillars", "Edu Cation"], f"pillar 'Edu Cation' is not an id; {ID_RULE}"),
        (["--slots", "MX 10:00"], "posting slot 'MX 10:00': "),
        (["--respond-within", "soon"], "response time 'soon': unknown duration 'soon'"),
        (["--due", "2027-03-31T10:00"], "'2027-03-31T10:00': a due date is a day, e.g. 2027-03-31"),
    ],
)  # fmt: skip
def test_bad_flags_are_usage_errors_and_write_nothing(
    runner: CliRunner, here: Path, args: list[str], message: str
) -> None:
    """A bad answer given as a flag: exit 2, what was wrong with an example, no files."""
    if args[0] == "--due":
        args = ["--goal", "Grow", *args]
    code, out, err = run(runner, "init", "--yes", *args, *NOW)
    assert (code, out) == (2, ""), err
    assert err.startswith(f"error: {message}")
    assert list(here.iterdir()) == []


def test_a_goal_that_is_not_smart_is_audited_as_it_is_given(runner: CliRunner, here: Path) -> None:
    """A goal without a metric: init says which SMART letter is missing (and still writes)."""
    code, _, err = run(runner, "init", "--yes", "--goal", "Be famous", "--metric", "", *NOW)
    assert code == 0
    assert err == (
        "  goal 'be-famous' is not SMART yet: M: no metric, so progress cannot be measured\n"
    )


def test_one_owner_of_too_many_platforms_is_warned_like_check_does(
    runner: CliRunner, here: Path
) -> None:
    """Four platforms for one person: the same warning `check` gives, while answering."""
    code, _, err = run(
        runner, "init", "--yes", "--networks", "instagram, facebook, tiktok, x", *NOW
    )
    assert code == 0
    warning = "Me owns 4 platforms (instagram, facebook, tiktok, x); more than 3 is hard to keep up"
    assert err == (
        f"warning: {warning} (choose fewer platforms or share the work; you need not be "
        "everywhere)\n"
    )
    _, out, _ = check(runner, "plan.toml")
    assert warning in out


# --- interactive ------------------------------------------------------------------------------


ANSWERS = "\n".join(
    [
        "Kopi Senja",  # name
        "Asia/Jakrta",  # a typo: asked again
        "Asia/Jakarta",
        "Win regulars among office workers",  # goal 1
        "",  # metric: the suggested one
        "20",
        "5",  # a target below the baseline
        "2027-06-30",
        "y",  # a second goal
        "Sell beans online",
        "orders",
        "0",
        "40",
        "2027-12-31",
        "",  # the four pillars
        "instagram, whatsapp",
        "",  # instagram purpose: the suggestion
        "Dewi",
        "",
        "",
        "Answer questions",  # whatsapp purpose
        "",  # owner: Dewi again
        "",
        "",
        "MO,WE 19:00",  # instagram slots
        "2h",
        "",  # whatsapp: the suggested slot
        "",
        "",
    ]
)


def test_questions_follow_the_social_ladder(runner: CliRunner, here: Path) -> None:
    """Strategy, presence, tools, conversation: in that order, with the honeycomb shown."""
    code, out, err = run(runner, "init", *NOW, stdin=ANSWERS)
    assert code == 0, err
    # (click 8.2's test runner also echoes the typed input to stdout; a terminal does not.)
    assert out.endswith("wrote plan.toml\nwrote items/first-items.csv\n" + NEXT_STEPS)
    steps = [
        err.index(step)
        for step in (
            "Step 1 of 4, strategy",
            "Business name",
            "Time zone",
            "Goal 1: what should happen?",
            "Step 2 of 4, presence",
            "Pillars and target shares",
            "Step 3 of 4, tools",
            "Networks (comma-separated)",
            "Owner (who keeps it up?)",
            "Step 4 of 4, conversation",
            "Instagram: posting slots",
            "Instagram: answer questions within",
        )
    ]
    assert steps == sorted(steps)
    assert "  unknown time zone 'Asia/Jakrta'; did you mean 'Asia/Jakarta'?\n" in err
    assert (
        "  goal 'win-regulars-among' is not SMART yet: "
        "A: the target (5) is not above the baseline (20)\n"
    ) in err
    assert "goal 'sell-beans-online' is SMART" in err
    assert (
        "  whatsapp         built for conversations; also presence, relationships, groups\n" in err
    )
    plan = load("plan.toml")
    assert [goal.id for goal in plan.goals] == ["win-regulars-among", "sell-beans-online"]
    assert [pillar.id for pillar in plan.pillars] == [
        "communication",
        "collaboration",
        "education",
        "entertainment",
    ]
    assert [(p.id, p.owner, p.slots) for p in plan.platforms] == [
        ("instagram", "Dewi", ("MO,WE 19:00",)),
        ("whatsapp", "Dewi", ("FR 16:00",)),
    ]
    assert plan.platform("whatsapp").purpose == "Answer questions"
    assert check(runner, "plan.toml")[0] == 0


# --- the library ------------------------------------------------------------------------------


def test_every_network_has_a_sourced_honeycomb_and_a_rhythm_that_parses() -> None:
    """Each network's reading is dated and sourced, and its suggested slots are valid."""
    from contentcal.scheduling.cadence import parse_slot

    for network in Network:
        comb = honeycomb(network)
        assert comb.source
        assert comb.as_of <= dt.date(2026, 12, 31)
        assert comb.primary not in comb.strong
        assert comb.slots, network
        for slot in comb.slots:
            parse_slot(slot)


def test_the_published_honeycombs_are_the_papers() -> None:
    """Facebook, LinkedIn and YouTube follow Kietzmann et al. (2011); the rest say they don't."""
    assert honeycomb(Network.FACEBOOK).primary is Block.RELATIONSHIPS
    assert honeycomb(Network.LINKEDIN).blocks == (
        Block.IDENTITY,
        Block.RELATIONSHIPS,
        Block.REPUTATION,
    )
    assert honeycomb(Network.YOUTUBE).primary is Block.SHARING
    published = {network for network in Network if honeycomb(network).verified}
    assert published == {Network.FACEBOOK, Network.LINKEDIN, Network.YOUTUBE}
    for network in published:
        assert "10.1016/j.bushor.2011.01.005" in honeycomb(network).source


def test_smart_audit_flags_a_target_not_above_the_baseline() -> None:
    """A target at or below the baseline is not an attainable improvement."""
    goal = Goal(
        id="g", statement="Grow", metric="followers", baseline=100, target=50, due=dt.date.max
    )
    assert starting.smart_audit(goal) == ["A: the target (50) is not above the baseline (100)"]


def test_parse_pillars_keeps_the_default_descriptions() -> None:
    """A default pillar named by id keeps its description and colour."""
    (education,) = starting.parse_pillars("education=1")
    assert education.description == "Teach something useful about your products or craft."
    assert education.color == "darkorange"


def test_start_plan_needs_a_platform(tmp_path: Path) -> None:
    """A plan without platforms cannot check clean; the library refuses it."""
    answers = starting.default_answers(today=dt.date(2026, 12, 1), networks=())
    with pytest.raises(InvalidOptionError, match="at least one platform"):
        starting.start_plan(str(tmp_path), answers)


def test_special_characters_in_answers_survive_the_round_trip(tmp_path: Path) -> None:
    """Quotes, backslashes and non-Latin names are escaped in TOML and read back as typed."""
    answers = starting.default_answers(
        today=dt.date(2026, 12, 1), name='Toko "Kopi" \\ 珈琲', timezone="Asia/Tokyo"
    )
    starting.start_plan(str(tmp_path), answers)
    assert load(tmp_path / "plan.toml").brand.name == 'Toko "Kopi" \\ 珈琲'


# --- the bundled example ---------------------------------------------------------------------


def test_example_copies_the_bundled_plan(runner: CliRunner, here: Path) -> None:
    """`init --example DIR`: the Batik Cikarang plan, which checks clean."""
    code, out, err = run(runner, "init", "--example", "batik")
    assert (code, err) == (0, "")
    assert out == (
        "copied the example plan into batik\n"
        "next:\n"
        "  contentcal check batik/plan.toml\n"
        "  contentcal week batik/plan.toml\n"
        "  contentcal feeds batik/plan.toml --out batik/site\n"
    )
    assert load("batik/plan.toml").brand.name == "Batik Cikarang"
    assert sorted(str(path.relative_to("batik")) for path in Path("batik").rglob("*.*")) == sorted(
        str(path.relative_to(EXAMPLE_DIR)) for path in EXAMPLE_DIR.rglob("*.*")
    )
    code, out, _ = run(runner, "check", "batik/plan.toml", "--now", "2026-11-30T08:00")
    assert code == 0
    assert out.startswith("batik/plan.toml: 0 errors, ")


def test_the_wheel_ships_the_example_and_init_finds_it(tmp_path: Path) -> None:
    """Build the wheel, install it apart from the repository, copy the example, load it."""
    wheels = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(REPO)],
        check=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("contentcal-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "contentcal/examples/batik-cikarang/plan.toml" in names
    assert "contentcal/examples/batik-cikarang/items/december.csv" in names
    assert "contentcal/networks/honeycomb.toml" in names
    # Unpacked on its own (no repository around it), the package finds its example.
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from contentcal.starting.init import copy_example, example_dir;"
        "from contentcal.files.load import load;"
        "assert str(example_dir()).startswith(sys.argv[1]), example_dir();"
        "started = copy_example(sys.argv[2]);"
        "copied, original = load(started.plan), load(sys.argv[3]);"
        "print(copied.brand == original.brand, copied.items == original.items)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(site), str(tmp_path / "copy"), str(EXAMPLE)],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.stdout == "True True\n"


def test_the_docs_table_is_the_honeycomb_data() -> None:
    """docs/starting.md shows each network's blocks, slots and reading as the data has them."""
    text = (REPO / "docs" / "starting.md").read_text(encoding="utf-8")
    for network in Network:
        comb = honeycomb(network)
        slots = " · ".join(f"`{slot}`" for slot in comb.slots)
        reading = "Kietzmann et al. 2011" if comb.verified else "contentcal"
        row = (
            f"| {network.display_name} | {comb.primary} | {', '.join(comb.strong) or '—'} "
            f"| {slots} | {reading} |"
        )
        assert row in text, row


# Text as people type it: any script, quotes, backslashes, control characters; not blank.
typed_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda text: text.strip() != ""
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=typed_text, statement=typed_text, purpose=typed_text, owner=typed_text)
def test_any_typed_answer_survives_the_plan_file(
    tmp_path_factory: pytest.TempPathFactory, name: str, statement: str, purpose: str, owner: str
) -> None:
    """Property: whatever is typed, plan.toml is valid TOML and loads back to the answers."""
    folder = tmp_path_factory.mktemp("typed")
    answers = starting.default_answers(today=dt.date(2026, 12, 1), name=name, owner=owner)
    goal = starting.goal_from_answers(
        statement=statement, metric="m", baseline=0, target=1, due=dt.date(2027, 1, 1)
    )
    platform = attrs.evolve(answers.platforms[0], purpose=purpose)
    answers = attrs.evolve(answers, goals=(goal,), platforms=(platform,))
    starting.start_plan(str(folder), answers)
    plan = load(folder / "plan.toml")
    assert plan.brand.name == name.strip()
    assert plan.goals[0].statement == statement
    assert plan.platforms[0].purpose == purpose
    assert plan.platforms[0].owner == owner
