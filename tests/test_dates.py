"""Dates and times as people type them: every date option reads ISO 8601 the same way,
refuses mistakes with one example, and never ends in a traceback (issue #10)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from contentcal.cli import cli
from contentcal.errors import InvalidOptionError
from contentcal.model.moments import check_window, parse_iso_week, parse_moment

from .conftest import EXAMPLE, MINIMAL_PLAN

PLAN = str(EXAMPLE)
EXAMPLE_TEXT = "(e.g. 2026-12-01, 2026-12-01T08:00 or 2026-12-01T01:00Z)"
OUTSIDE = "is outside the dates contentcal plans for (1900-01-01 to 2999-12-31)"
NOT_ISO = f"is not an ISO 8601 date or date-time {EXAMPLE_TEXT}"
DAY_RANGE = "day is out of range for month"
HOUR_RANGE = "hour must be in 0..23"
JAKARTA = dt.timezone(dt.timedelta(hours=7))


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), prog_name="contentcal")
    return result.exit_code, result.stdout, result.stderr


# --- the parser ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("2026-12-01T08:00", dt.datetime(2026, 12, 1, 8, 0)),
        ("2026-12-01 08:00", dt.datetime(2026, 12, 1, 8, 0)),
        ("2026-12-01t08:00:30", dt.datetime(2026, 12, 1, 8, 0, 30)),
        ("2026-12-01T08:00:30.25", dt.datetime(2026, 12, 1, 8, 0, 30, 250000)),
        ("2026-12-01T01:00Z", dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)),
        ("2026-12-01T01:00z", dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)),
        ("2026-12-01T08:00+07:00", dt.datetime(2026, 12, 1, 8, 0, tzinfo=JAKARTA)),
        ("2026-12-01T08:00+0700", dt.datetime(2026, 12, 1, 8, 0, tzinfo=JAKARTA)),
        ("2026-12-01T08:00+07", dt.datetime(2026, 12, 1, 8, 0, tzinfo=JAKARTA)),
        (
            "2026-12-01T08:00:00-03:30",
            dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone(-dt.timedelta(hours=3, minutes=30))),
        ),
        ("  2026-12-01  ", dt.date(2026, 12, 1)),
    ],
)
def test_iso_8601_forms_people_type(text: str, expected: dt.date) -> None:
    """A date, a wall time (with or without seconds), an instant with Z or an offset."""
    value = parse_moment(text)
    assert value == expected
    assert type(value) is type(expected)
    if isinstance(value, dt.datetime) and isinstance(expected, dt.datetime):
        assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"a date or date-time is needed, got nothing {EXAMPLE_TEXT}"),
        ("01/12/2026", f"'01/12/2026' {NOT_ISO}"),
        ("tomorrow", f"'tomorrow' {NOT_ISO}"),
        ("2026-12-01T8:00", f"'2026-12-01T8:00' {NOT_ISO}"),
        ("2026-02-30", f"'2026-02-30' is not a real date: {DAY_RANGE} {EXAMPLE_TEXT}"),
        ("2026-12-01T25:00", f"'2026-12-01T25:00' is not a real time: {HOUR_RANGE} {EXAMPLE_TEXT}"),
        (
            "2026-12-01T08:00+25:00",
            "'2026-12-01T08:00+25:00' is not a real time: offset +25:00 is not between -23:59 "
            f"and +23:59 {EXAMPLE_TEXT}",
        ),
        ("0001-01-01", "'0001-01-01' " + OUTSIDE),
        ("9999-12-31", "'9999-12-31' " + OUTSIDE),
    ],
)  # fmt: skip
def test_mistakes_say_what_is_wrong_with_one_example(text: str, message: str) -> None:
    """No strftime codes: what was wrong, and one example of what works."""
    with pytest.raises(InvalidOptionError) as caught:
        parse_moment(text)
    assert str(caught.value) == message
    assert "%" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-W53", "'2027-W53' is not an ISO week; write it like 2026-W50"),
        ("9999-W52", "'9999-W52' " + OUTSIDE),
        ("0001-W01", "'0001-W01' " + OUTSIDE),
    ],
)  # fmt: skip
def test_weeks_outside_the_calendar_are_refused(text: str, message: str) -> None:
    """A week the year lacks, or one too close to the calendar's ends."""
    with pytest.raises(InvalidOptionError, match=r"^'") as caught:
        parse_iso_week(text)
    assert str(caught.value) == message


def test_a_week_without_the_dash_reads_too() -> None:
    """2026W50 is ISO 8601's basic form of 2026-W50."""
    assert parse_iso_week("2026w50") == dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 12, 20), dt.date(2026, 12, 10)),
        (dt.date(2026, 12, 10), dt.date(2026, 12, 10)),
        (dt.datetime(2026, 12, 10, 9, tzinfo=JAKARTA), dt.datetime(2026, 12, 10, 1, tzinfo=dt.UTC)),
    ],
)
def test_reversed_and_empty_windows_are_refused(start: dt.date, end: dt.date) -> None:
    """The end is exclusive, so it must come after the start (09:00+07:00 is 02:00Z)."""
    with pytest.raises(InvalidOptionError, match=r"^the end \(.*\) must be after the start"):
        check_window(start, end)


# --- every date option on the command line ---------------------------------------------------

INSTANTS = [
    "2026-11-30T08:00",
    "2026-11-30 08:00",
    "2026-11-30T08:00:00",
    "2026-11-30T08:00+07:00",
    "2026-11-30T01:00Z",
    "2026-11-30T01:00:00Z",
    "2026-11-29T20:00-05:00",
]


@pytest.mark.parametrize("now", INSTANTS)
def test_now_means_the_same_moment_in_every_form(runner: CliRunner, now: str) -> None:
    """08:00 Jakarta, 01:00Z and 20:00-05:00 the day before are one instant: same week."""
    expected = run(runner, "week", PLAN, "--week", "2026-W50", "--now", INSTANTS[0])
    assert run(runner, "week", PLAN, "--week", "2026-W50", "--now", now) == expected
    assert expected[0] == 0


def test_a_date_alone_for_now_is_midnight_in_the_brand_zone(runner: CliRunner) -> None:
    """--now 2026-11-30 is 2026-11-30T00:00 in Asia/Jakarta."""
    assert run(runner, "check", PLAN, "--now", "2026-11-30") == run(
        runner, "check", PLAN, "--now", "2026-11-30T00:00+07:00"
    )


def test_start_takes_a_date_time(runner: CliRunner) -> None:
    """`schedule --start` accepts a date-time, not only a date (it used to refuse one)."""
    code, out, err = run(
        runner,
        "schedule",
        PLAN,
        "--start",
        "2026-12-07T12:00",
        "--end",
        "2026-12-08",
        "--now",
        "2026-11-30T08:00",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    entries = json.loads(out)["entries"]
    assert [entry["start"] for entry in entries] == ["2026-12-07T19:00:00+07:00"]


def test_an_instant_start_of_week_is_the_brand_day(runner: CliRunner) -> None:
    """`week --start 2026-12-06T20:00Z` is Monday 7 December in Jakarta."""
    code, out, _ = run(
        runner, "week", PLAN, "--start", "2026-12-06T20:00Z", "--now", "2026-11-30T08:00"
    )
    assert code == 0
    assert out.startswith("Batik Cikarang — week 2026-W50, Mon 07 Dec 2026")


@pytest.mark.parametrize(
    "args",
    [
        ["schedule", PLAN, "--start", "2026-12-20", "--end", "2026-12-10"],
        ["schedule", PLAN, "--start", "2026-12-10", "--end", "2026-12-10"],
        ["schedule", PLAN, "--start", "2026-12-10T10:00", "--end", "2026-12-10T09:00"],
        ["schedule", PLAN, "--end", "2026-11-01"],
        ["ics", PLAN, "--start", "2026-12-20", "--end", "2026-12-10"],
        ["ics", PLAN, "--start", "2026-12-10", "--end", "2026-12-10"],
    ],
    ids=lambda args: " ".join(args[2:]) + f" ({args[0]})",
)
def test_a_reversed_or_empty_window_is_a_usage_error(
    runner: CliRunner, args: list[str], example_copy: str
) -> None:
    """Exit 2 and one line, in every command that takes a window."""
    code, out, err = run(runner, args[0], example_copy, *args[2:], "--now", "2026-11-30T08:00")
    assert (code, out) == (2, "")
    assert err.startswith("error: the end (")
    assert "must be after the start (" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["week", PLAN, "--week", "9999-W52"],
            "error: '9999-W52' " + OUTSIDE + "\n",
        ),
        (
            ["check", PLAN, "--now", "0001-01-01"],
            "error: --now: '0001-01-01' " + OUTSIDE + "\n",
        ),
        (
            ["schedule", PLAN, "--end", "9999-12-31"],
            "error: --end: '9999-12-31' " + OUTSIDE + "\n",
        ),
        (
            ["schedule", PLAN, "--now", "2026/12/01"],
            f"error: --now: '2026/12/01' {NOT_ISO}\n",
        ),
    ],
)  # fmt: skip
def test_dates_outside_the_calendar_are_clear_errors(
    runner: CliRunner, args: list[str], message: str
) -> None:
    """The issue's tracebacks (9999-W52, 0001-01-01, 9999-12-31) are one-line usage errors."""
    assert run(runner, *args) == (2, "", message)


def test_a_horizon_past_the_calendar_is_an_error_not_a_traceback(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan's own horizon of millennia is a located load error (at most 100 years)."""
    monkeypatch.chdir(tmp_path)
    text = MINIMAL_PLAN + '\n[schedule]\nhorizon = "1000000d"\n'
    (tmp_path / "plan.toml").write_text(text, encoding="utf-8")
    code, out, err = run(runner, "schedule", "plan.toml", "--now", "2999-06-01")
    assert (code, out) == (1, "")
    assert err.startswith("error: plan.toml:")
    assert "schedule.horizon: duration '1000000d' is longer than 100 years" in err
    assert err.count("\n") == 1


DATE_OPTIONS = [
    ("check", "--now"),
    ("week", "--now"),
    ("week", "--start"),
    ("week", "--week"),
    ("schedule", "--now"),
    ("schedule", "--start"),
    ("schedule", "--end"),
    ("ics", "--start"),
    ("ics", "--end"),
    ("review", "--as-of"),
]

option_values = st.one_of(
    st.text(max_size=30),
    st.builds(
        "{:04d}-{:02d}-{:02d}".format,
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
    st.builds(
        "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}{}".format,
        st.integers(0, 9999),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 25),
        st.integers(0, 61),
        st.sampled_from(["", "Z", "+07:00", "-12:00", "+14:00", ":30", "+99"]),
    ),
    st.builds("{:04d}-W{:02d}".format, st.integers(0, 9999), st.integers(0, 54)),
)


@pytest.fixture(scope="module")
def example_copy(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the example, since `ics` writes its feed state beside the plan."""
    folder = tmp_path_factory.mktemp("example")
    shutil.copytree(EXAMPLE.parent, folder / "batik")
    return str(folder / "batik" / "plan.toml")


@settings(max_examples=60, deadline=None)
@given(choice=st.sampled_from(DATE_OPTIONS), value=option_values)
def test_any_option_value_gives_a_result_or_a_message_never_a_traceback(
    example_copy: str, choice: tuple[str, str], value: str
) -> None:
    """Property: whatever is typed into a date option, the command exits 0, 1 or 2 and any
    error is one `error:` line (or click's usage message), never a Python traceback."""
    command, option = choice
    args = [command, example_copy, option, value]
    if option != "--now":
        args += ["--now", "2026-11-30T08:00"]
    result = CliRunner().invoke(cli, args, prog_name="contentcal")
    assert result.exception is None or isinstance(result.exception, SystemExit), value
    assert result.exit_code in (0, 1, 2), (value, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith(("error: ", "Usage: ")), result.stderr


def test_a_feed_reaching_past_the_calendar_is_a_message_not_a_traceback(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan's [feeds] ahead of millennia is a located load error, not a traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.toml").write_text(
        MINIMAL_PLAN + '\n[feeds]\nahead = "3000000d"\n', encoding="utf-8"
    )
    code, out, err = run(runner, "ics", "plan.toml", "--now", "2026-12-01")
    assert (code, out) == (1, "")
    assert err.startswith("error: plan.toml:")
    assert "feeds.ahead: duration '3000000d' is longer than 100 years" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["schedule", "--end", "2999-12-31"],
            "error: the window from 2026-11-30 to 2999-12-31 is longer than ten years; "
            "ask for at most 3660 days at a time\n",
        ),
        (
            ["schedule", "--start", "2026-01-01", "--end", "2036-01-10"],
            "error: the window from 2026-01-01 to 2036-01-10 is longer than ten years; "
            "ask for at most 3660 days at a time\n",
        ),
        (
            ["ics", "--start", "1900-01-01"],
            "error: the window from 1900-01-01 to 2027-05-29T08:00+07:00 is longer than ten "
            "years; ask for at most 3660 days at a time\n",
        ),
    ],
)
def test_a_window_of_centuries_is_refused_not_computed_for_minutes(
    runner: CliRunner, example_copy: str, args: list[str], message: str
) -> None:
    """Every slot of a window is placed, so a typo like --end 2999-12-31 is a usage error."""
    assert run(runner, args[0], example_copy, *args[1:], "--now", "2026-11-30T08:00") == (
        2,
        "",
        message,
    )


def test_ten_years_is_still_a_window(runner: CliRunner, example_copy: str) -> None:
    """The longest window is accepted: 3660 days."""
    code, _, err = run(
        runner, "schedule", example_copy, "--start", "2026-01-01", "--end", "2036-01-09",
        "--now", "2026-11-30T08:00", "--format", "json",
    )  # fmt: skip
    assert (code, err) == (0, "")
