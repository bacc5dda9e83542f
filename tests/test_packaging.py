"""Packaging facts that CI relies on: floors that are tested, data that ships with the tests."""

from __future__ import annotations

import re
import tomllib

from .conftest import REPO

CONSTRAINTS = REPO / ".ci" / "constraints-lowest.txt"


def _floors() -> dict[str, str]:
    """Each runtime dependency (and the holidays extra) with its lower bound."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["holidays"]]:
        # A floor, and at most a known-bad ceiling (`<X`) whose reason pyproject states.
        match = re.fullmatch(
            r"([A-Za-z0-9_.-]+)>=([0-9][0-9A-Za-z.]*)(?:,<[0-9][0-9A-Za-z.]*)?", requirement
        )
        assert match, f"{requirement!r}: give every runtime dependency a >= floor"
        floors[match.group(1).lower()] = match.group(2)
    return floors


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def _same_version(floor: str, pin: str) -> bool:
    """``7.3`` and ``7.3.0`` are the same floor."""

    def parts(version: str) -> list[int]:
        numbers = [int(part) for part in version.split(".")]
        while numbers and numbers[-1] == 0:
            numbers.pop()
        return numbers

    return parts(floor) == parts(pin)


def test_the_lowest_job_tests_exactly_the_declared_floors() -> None:
    """.ci/run's "lowest" job installs these pins; they must be pyproject's floors.

    Otherwise a floor could be raised or lowered without the suite ever running against it
    (attrs>=23.1 was declared while 23.1 failed).
    """
    floors, pins = _floors(), _pins()
    assert sorted(pins) == sorted(floors)
    differing = {
        name: (floors[name], pins[name])
        for name in floors
        if not _same_version(floors[name], pins[name])
    }
    assert differing == {}


def test_ci_runs_the_lowest_job() -> None:
    """The second job exists and uses the constraints file."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "-c .ci/constraints-lowest.txt" in script


def test_third_party_test_data_is_vendored_with_its_licence() -> None:
    """A fresh clone runs every test: the twitter-text data and its Apache-2.0 licence."""
    folder = REPO / "tests" / "data" / "twitter-text"
    assert (folder / "validate.yml").stat().st_size > 50_000
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")
