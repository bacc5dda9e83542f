"""Every message that quotes a plan or a file quotes a short, escaped excerpt of it.

Plans whose names and texts are long and full of control characters, bidi overrides and lone
surrogates: every load problem, every check finding, and what the CLI prints stays short and
never holds a raw control character (which could clear a terminal or forge a line).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal import check, load
from contentcal.cli import cli
from contentcal.errors import PlanError

from .conftest import NOW

# What a terminal or a log would act on: C0/C1 controls, DEL, line/paragraph separators,
# bidi overrides and isolates.
RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LONGEST = 600  # characters per message + hint: a few quoted excerpts of 40, and the prose

NASTY = st.sampled_from(["\x1b[2J", "\r", "\n", "\x00", "\ud800", "\udfff", "\u202e", "\x85", "\t"])
HOSTILE = st.lists(st.one_of(NASTY, st.text(max_size=30)), max_size=20).map("".join)
LONG = st.builds(lambda head, tail: head * 50 + tail, st.sampled_from("a\x1b\u202e"), HOSTILE)
VALUE = st.one_of(HOSTILE, LONG)


def toml_string(value: str) -> str:
    # JSON's escapes of control characters are TOML's; everything else stays raw UTF-8.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def plan_text(name: str, pillar: str, goal: str, owner: str) -> str:
    return f"""\
include = ["items.jsonl"]

[brand]
name = {toml_string(name)}
timezone = "Asia/Jakarta"

[goals.{toml_string(goal)}]
statement = "Sell more coffee beans online"
metric = "orders per week"
baseline = 10
target = 25
due = 2027-06-30

[pillars.{toml_string(pillar)}]
description = "x"
share = 0.5

[platforms.instagram]
owner = {toml_string(owner)}
purpose = "Show new roasts"
respond_within = "2h"
slots = ["MO,WE,FR 19:00"]
"""


def assert_short_and_escaped(messages: list[str]) -> None:
    for message in messages:
        assert len(message) <= LONGEST, message
        assert not RAW_CONTROL.search(message), ascii(message)
        assert not re.search("[\ud800-\udfff]", message), ascii(message)


NO_SURROGATE = VALUE.map(lambda text: re.sub("[\ud800-\udfff]", "?", text))


@st.composite
def hostile_plans(draw: st.DrawFn) -> tuple[tuple[str, str, str, str], list[dict[str, str]]]:
    """A plan whose names are hostile but valid (TOML cannot hold a surrogate), and items
    that mostly refer to them correctly, so that both loading and `check` get to speak."""
    name, pillar, goal, owner = (draw(NO_SURROGATE.filter(str.strip)) for _ in range(4))
    items = []

    def rarely(good: str) -> str:  # now and then a wrong reference: a load problem
        return draw(VALUE) if draw(st.integers(0, 15)) == 0 else good

    for index in range(draw(st.integers(1, 3))):
        item = {
            "id": rarely(f"post-{index}"),
            "title": draw(NO_SURROGATE.filter(str.strip)),
            "platform": rarely("instagram"),
            "status": draw(st.sampled_from(["approved", "idea", "published"])),
            "pillar": rarely(pillar),
            "goal": rarely(goal),
        }
        for key in ("copy", "story", "owner"):  # free text: findings quote it
            if draw(st.booleans()):
                item[key] = draw(NO_SURROGATE)
        for key in ("at", "media", "link"):
            if draw(st.integers(0, 9)) == 0:
                item[key] = draw(VALUE)
        if draw(st.integers(0, 19)) == 0:
            item.pop("id")  # a missing key, too
        items.append(item)
    return (name, pillar, goal, owner), items


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=hostile_plans())
def test_every_message_quotes_a_short_escaped_excerpt(
    case: tuple[tuple[str, str, str, str], list[dict[str, str]]],
) -> None:
    """Load problems, findings and CLI output: bounded, no raw control characters."""
    plan, items = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        path.write_text(plan_text(*plan), encoding="utf-8")
        lines = "".join(json.dumps(item, ensure_ascii=True) + "\n" for item in items)
        (Path(folder) / "items.jsonl").write_text(lines, encoding="utf-8")
        messages: list[str] = []
        try:
            loaded = load(path)
        except PlanError as error:
            messages += [p.message + (p.hint or "") for p in error.problems]
        else:
            findings = check(loaded, now=NOW)
            messages += [f.message + (f.hint or "") for f in findings]
        assert_short_and_escaped(messages)

        result = CliRunner().invoke(cli, ["check", str(path), "--now", "2026-11-30T08:00"])
        assert result.exit_code in {0, 1}, result.output
        for line in (result.stdout + result.stderr).splitlines():
            assert not RAW_CONTROL.search(line), ascii(line)
            # file:line: path (at most 160): severity: message (hint) [rule]
            assert len(line) <= len(str(path)) + 160 + LONGEST + 60, line


def test_a_hostile_story_name_is_quoted_short_and_escaped_in_the_hint(tmp_path: Path) -> None:
    """The hint `define [stories.<name>]` used to carry the raw name: ESC and all."""
    story = "\x1b[2J" + "s" * 200
    (tmp_path / "plan.toml").write_text(plan_text("Toko", "edu", "sales", "Dewi"), "utf-8")
    item = {"id": "post-1", "title": "t", "platform": "instagram", "status": "idea"}
    item |= {"pillar": "edu", "goal": "sales", "story": story}
    (tmp_path / "items.jsonl").write_text(json.dumps(item) + "\n", encoding="utf-8")

    [finding] = [f for f in check(load(tmp_path / "plan.toml"), now=NOW) if "story" in f.message]

    shown = "\\x1b[2J" + "s" * 73 + "…"
    assert finding.message == f"item 'post-1' is in story '{shown}', which the plan does not define"
    assert finding.hint == f'define [stories.{shown}] with title = "..." and its steps'


def test_problem_and_finding_escape_whatever_code_built_them() -> None:
    """The last line of defence: a Problem or Finding never holds a raw control character."""
    from contentcal.checking.engine import Finding
    from contentcal.errors import Problem, Severity

    problem = Problem("bad \x1b[2J", file="a\rb.csv", path="items[0].\u202e", hint="x\x00")
    finding = Finding("CC1", "r", Severity.ERROR, "m\x85", hint="h\u2028", path="p\x7f")

    assert str(problem) == "a\\x0db.csv: items[0].\\u202e: bad \\x1b[2J (x\\x00)"
    assert (finding.message, finding.hint, finding.path) == ("m\\x85", "h\\u2028", "p\\x7f")
