"""Output never depends on the machine: tz database, zone abbreviations, locale (issue #16)."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import re
import shutil
import time
import zoneinfo
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentcal.cli import cli
from contentcal.model import zones
from contentcal.model.zones import aware, get_zone, offset_text

from .conftest import REPO

WEEK_50 = ["week", "examples/batik-cikarang/plan.toml", "--week", "2026-W50"]
NOW_OPTION = ["--now", "2026-11-30T08:00"]


@pytest.fixture
def fake_system_zones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine whose tz database says Asia/Jakarta is UTC (an outdated or broken copy)."""
    import tzdata

    utc = Path(tzdata.__file__).parent / "zoneinfo" / "UTC"
    (tmp_path / "Asia").mkdir()
    shutil.copy(utc, tmp_path / "Asia" / "Jakarta")
    zoneinfo.reset_tzpath(to=[str(tmp_path)])
    zoneinfo.ZoneInfo.clear_cache()
    get_zone.cache_clear()
    yield
    zoneinfo.reset_tzpath()
    zoneinfo.ZoneInfo.clear_cache()
    get_zone.cache_clear()


@pytest.mark.usefixtures("fake_system_zones")
def test_zones_come_from_tzdata_before_the_machines_database() -> None:
    """zoneinfo alone would read the machine's copy first; get_zone reads the tzdata wheel."""
    moment = dt.datetime(2026, 11, 30, 8, 0)
    assert zoneinfo.ZoneInfo("Asia/Jakarta").utcoffset(moment) == dt.timedelta(0)
    assert get_zone("Asia/Jakarta").utcoffset(moment) == dt.timedelta(hours=7)


@pytest.mark.usefixtures("fake_system_zones")
def test_the_weekly_schedule_ignores_the_machines_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The golden week comes out byte for byte, though this machine's Jakarta is UTC."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, [*WEEK_50, *NOW_OPTION])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (REPO / "tests" / "golden" / "week" / "table.txt").read_bytes()


def test_a_zone_pickles_and_copies_by_name() -> None:
    """Times of a plan can be pickled (process pools) and deep-copied like zoneinfo's own."""
    moment = aware(dt.datetime(2026, 11, 30, 8, 0), "Asia/Jakarta")
    copied = pickle.loads(pickle.dumps(moment))  # noqa: S301 - our own bytes
    assert copied.tzinfo is get_zone("Asia/Jakarta")
    assert copy.deepcopy(moment).tzinfo is get_zone("Asia/Jakarta")
    assert repr(get_zone("Asia/Jakarta")) == "zoneinfo.ZoneInfo(key='Asia/Jakarta')"
    assert str(get_zone("Asia/Jakarta")) == "Asia/Jakarta"


@pytest.mark.parametrize("name", ["Asia", "../etc/passwd", "/etc/localtime", "", "Nope/Zone"])
def test_a_folder_or_a_path_is_not_a_zone(name: str) -> None:
    """Regression: "Asia" (a folder of the database) raised IsADirectoryError, not ValueError."""
    with pytest.raises(ValueError, match=f"^{re.escape(f'unknown time zone {name!r}')}$"):
        get_zone(name)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Jakarta", "+07:00"),
        ("Asia/Kathmandu", "+05:45"),
        ("America/St_Johns", "-03:30"),
        ("UTC", "+00:00"),
    ],
)
def test_offsets_are_numeric(zone: str, expected: str) -> None:
    """+07:00, never WIB: abbreviations differ between tz database versions."""
    assert offset_text(aware(dt.datetime(2026, 11, 30, 8, 0), zone)) == expected


def test_offset_text_refuses_a_naive_time() -> None:
    """A naive time has no offset to show."""
    with pytest.raises(ValueError, match=r"^a naive time has no offset$"):
        offset_text(dt.datetime(2026, 11, 30, 8, 0))


def test_no_locale_or_abbreviation_reaches_strftime(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every format the schedule, week, check and ics print is locale- and zone-name-free.

    ``%a``, ``%b`` (LC_TIME) and ``%Z`` (tz database) are refused by a strftime stand-in;
    datetime.strftime goes through time.strftime, so any use would fail these commands.
    """
    real = time.strftime

    def strict(format: str, *args: object) -> str:
        for code in ("%a", "%A", "%b", "%B", "%p", "%c", "%x", "%X", "%Z"):
            assert code not in format, f"{code} depends on the machine: {format!r}"
        return real(format, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(time, "strftime", strict)
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    shutil.copytree(REPO / "docs" / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    plan = "examples/batik-cikarang/plan.toml"
    commands = [
        [*WEEK_50, *NOW_OPTION, "--format", fmt] for fmt in ("table", "markdown", "csv", "json")
    ]
    commands += [
        ["schedule", plan, "--now", "2027-01-20T08:00"],
        ["check", "docs/examples/rules-demo/plan.toml", "--now", "2027-01-20T08:00"],
        ["ics", plan, *NOW_OPTION],
        *(["review", plan, "--as-of", "2027-01-04", "--format", f] for f in ("text", "markdown")),
        *(["stories", plan, *NOW_OPTION, "--format", f] for f in ("text", "markdown")),
    ]
    for command in commands:
        result = runner.invoke(cli, command, catch_exceptions=False)
        assert result.exit_code in (0, 1), (command, result.output)


def test_past_items_are_reported_with_a_numeric_offset() -> None:
    """The past-not-published message shows +07:00 where it showed the abbreviation WIB."""
    from contentcal.scheduling import place

    moment = aware(dt.datetime(2026, 11, 29, 19, 0), "Asia/Jakarta")
    assert place._show(moment) == "2026-11-29 19:00 +07:00"
    assert place._show(moment.date()) == "2026-11-29"
    assert zones.offset_text(moment.astimezone(dt.UTC)) == "+00:00"


@pytest.mark.parametrize("from_folder", [True, False], ids=["tzdata-folder", "importlib-resources"])
def test_tzdata_zones_are_the_same_read_from_the_folder_or_as_a_resource(
    from_folder: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tzdata folder is read directly (no importlib.resources imports at start-up);
    a tzdata that is no folder (a zip) is read through importlib.resources, with one result."""
    from contentcal.model import zones

    if not from_folder:
        monkeypatch.setattr(zones, "_tzdata_folder", lambda: None)
    berlin = zones._from_tzdata("Europe/Berlin")
    assert berlin is not None
    assert berlin.key == "Europe/Berlin"
    reference = zoneinfo.ZoneInfo.no_cache("Europe/Berlin")
    for month in range(1, 13):
        moment = dt.datetime(2027, month, 28, 2, 30)
        assert berlin.utcoffset(moment) == reference.utcoffset(moment)
    assert zones._from_tzdata("Europe") is None  # a folder of the database
    assert zones._from_tzdata("Nowhere/Atlantis") is None
