"""Rebuilding the served site after an edit renders only the feeds whose events changed."""

from __future__ import annotations

import attrs
import pytest

from contentcal import load, schedule
from contentcal.publishing import feeds
from contentcal.publishing.feeds import build_site

from .conftest import EXAMPLE, NOW


def _retitled(plan: feeds.Plan, index: int) -> feeds.Plan:
    items = list(plan.items)
    items[index] = attrs.evolve(items[index], title=items[index].title + " (edited)")
    return attrs.evolve(plan, items=tuple(items))


def test_a_rebuild_renders_only_the_changed_feeds_and_gives_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = load(EXAMPLE)
    first = build_site(schedule(plan, now=NOW))
    placed = schedule(plan, now=NOW)
    # An item outside a story: a story step names its other steps in their descriptions.
    edited_index = next(
        i for i, entry in enumerate(placed.entries) if entry.item.owner and not entry.item.story
    )
    edited = placed.entries[edited_index].item
    index = plan.items.index(edited)
    changed = schedule(_retitled(plan, index), now=NOW)

    rendered: list[feeds.FeedCalendar] = []
    real = feeds.ics_bytes

    def counting(calendar: feeds.FeedCalendar) -> bytes:
        rendered.append(calendar)
        return real(calendar)

    monkeypatch.setattr(feeds, "ics_bytes", counting)
    incremental = build_site(changed, state=first.state, previous=first)
    by_id = {id(calendar): path for path, calendar in incremental.calendars.items()}
    rendered_paths = sorted(by_id[id(calendar)] for calendar in rendered)
    monkeypatch.setattr(feeds, "ics_bytes", real)
    full = build_site(changed, state=first.state)

    assert incremental.files == full.files
    assert rendered_paths == sorted(
        [
            "all.ics",
            f"platform/{edited.platform}.ics",
            f"owner/{feeds.owner_slug(edited.owner)}.ics",
        ]
    )
    assert len(full.files) > len(rendered_paths) + 1  # other feeds were reused


def test_a_rebuild_without_changes_renders_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    placed = schedule(load(EXAMPLE), now=NOW)
    first = build_site(placed)
    monkeypatch.setattr(feeds, "ics_bytes", lambda calendar: pytest.fail("rendered again"))
    again = build_site(placed, state=first.state, previous=first)
    assert again.files == first.files
