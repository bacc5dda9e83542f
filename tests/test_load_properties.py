"""Properties of loading: valid plans load to the model they describe; junk never crashes."""

from __future__ import annotations

import datetime as dt
import tempfile
import zoneinfo
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentcal import load
from contentcal.errors import PlanError
from contentcal.model import Network, Status

ZONES = ["Asia/Jakarta", "Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"]
IDS = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
# Any text a person may type, minus surrogates (not encodable) and NUL-like controls that
# TOML forbids even escaped? tomlkit escapes them, so only surrogates are excluded.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """A valid plan as a TOML-ready dict."""
    networks = draw(
        st.lists(
            st.sampled_from([n.value for n in Network if n is not Network.OTHER]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    goal_ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    item_ids = draw(st.lists(IDS, min_size=0, max_size=12, unique=True))
    items = []
    for item_id in item_ids:
        item: dict[str, Any] = {
            "id": item_id,
            "platform": draw(st.sampled_from(networks)),
            "title": draw(TEXT.filter(str.strip)),
            "copy": draw(TEXT),
            "pillar": draw(st.sampled_from(["communication", "education"])),
            "goal": draw(st.sampled_from(goal_ids)),
            "status": draw(st.sampled_from([s.value for s in Status])),
        }
        if draw(st.booleans()):
            item["at"] = draw(
                st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 1, 1))
            ).replace(second=0, microsecond=0)
        items.append(item)
    return {
        "brand": {"name": draw(TEXT.filter(str.strip)), "timezone": draw(st.sampled_from(ZONES))},
        "goals": {goal_id: {"statement": draw(TEXT)} for goal_id in goal_ids},
        "platforms": {
            network: {"owner": draw(TEXT), "slots": ["MO,WE,FR 19:00"]} for network in networks
        },
        "items": items,
    }


def _write(text: str | bytes) -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / "plan.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@SETTINGS
@given(plans())
def test_generated_plans_load_to_the_model_they_describe(data: dict[str, Any]) -> None:
    """Every value written comes back: ids, texts, statuses, local times in the right zone."""
    plan = load(_write(tomlkit.dumps(data)))
    assert plan.brand.name == data["brand"]["name"].strip()
    assert [p.id for p in plan.platforms] == list(data["platforms"])
    assert all(p.network.value == p.id for p in plan.platforms)
    assert [item.id for item in plan.items] == [item["id"] for item in data["items"]]
    for raw, item in zip(data["items"], plan.items, strict=True):
        assert (item.title, item.copy, item.status.value) == (  # copy is kept verbatim
            raw["title"],
            raw["copy"],
            raw["status"],
        )
        assert item.owner == (data["platforms"][raw["platform"]]["owner"] or None)
        assert item.id == raw["id"]
        if "at" in raw:
            assert isinstance(item.at, dt.datetime)
            local = item.at.astimezone(zoneinfo.ZoneInfo(data["brand"]["timezone"]))
            # Wall time survives, except inside a DST gap where it moves forward.
            assert local.replace(tzinfo=None) >= raw["at"]
            assert local.replace(tzinfo=None) - raw["at"] <= dt.timedelta(hours=1)


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_plan_error_or_load(junk: bytes) -> None:
    """Bytes that are not a plan raise PlanError — never another exception."""
    try:
        load(_write(junk))
    except PlanError as error:
        assert error.problems
        assert all(problem.file for problem in error.problems)


TOML_VALUES = st.recursive(
    st.none().map(lambda _: "x")
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.dates()
    | st.datetimes(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "name", "x", "at", "slots", "0"]), children, max_size=3
        )
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "brand",
        "goals",
        "pillars",
        "platforms",
        "items",
        "include",
        "schedule",
        "feeds",
        "check",
        "x",
    ]
)


@SETTINGS
@given(st.dictionaries(KEYS, TOML_VALUES, max_size=6))
def test_random_toml_documents_raise_plan_error_or_load(document: dict[str, Any]) -> None:
    """Well-formed TOML of the wrong shape is a PlanError with located problems."""
    try:
        text = tomlkit.dumps(document)
    except Exception:  # tomlkit cannot write some shapes; not what this test is about
        return
    try:
        load(_write(text))
    except PlanError as error:
        assert error.problems
