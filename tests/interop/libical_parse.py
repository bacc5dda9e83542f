"""Read a feed from stdin with libical (Debian's gir1.2-ical-3.0) and print its events as JSON.

Runs under the system interpreter (/usr/bin/python3 with python3-gi), not the project's
virtualenv: Debian builds the bindings for its own Python. Used by tests/test_clients.py.
``gi`` is imported in :func:`main` only, so the test run's doctest collection, which imports
every module under tests/, does not need it.
"""

import json
import sys
from typing import Any


def main() -> None:
    import gi

    gi.require_version("ICalGLib", "3.0")
    from gi.repository import ICalGLib

    utc = ICalGLib.Timezone.get_utc_timezone()
    vevent = ICalGLib.ComponentKind.VEVENT_COMPONENT

    def moment(value: Any) -> dict[str, object]:
        if value.is_date():
            day = f"{value.get_year():04d}-{value.get_month():02d}-{value.get_day():02d}"
            return {"date": day}
        return {"utc": value.as_timet_with_zone(utc), "is_utc": value.is_utc()}

    root = ICalGLib.Component.new_from_string(sys.stdin.buffer.read().decode("utf-8"))
    if root is None:
        raise SystemExit("libical could not parse the feed")
    events = []
    event = root.get_first_component(vevent)
    while event is not None:
        events.append(
            {
                "uid": event.get_uid(),
                "start": moment(event.get_dtstart()),
                "end": moment(event.get_dtend()),
                "sequence": event.get_sequence(),
                "summary": event.get_summary() or "",
            }
        )
        event = root.get_next_component(vevent)
    json.dump(events, sys.stdout)


if __name__ == "__main__":
    main()
