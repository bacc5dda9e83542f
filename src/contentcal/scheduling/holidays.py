"""Public holidays by country, through the optional ``holidays`` package.

Install with ``pip install 'contentcal[holidays]'``. Without it, a plan that asks for
holidays gets a clear error saying exactly that.
"""

from __future__ import annotations

import datetime as dt

from contentcal.errors import OptionalDependencyError, PlanError, Problem

__all__ = ["public_holidays"]

INSTALL_HINT = "pip install 'contentcal[holidays]'"


def public_holidays(
    country: str,
    *,
    subdivision: str | None,
    first: dt.date,
    last: dt.date,
    file: str | None = None,
) -> list[tuple[dt.date, str]]:
    """Holidays of `country` (ISO 3166 code) between `first` and `last`, inclusive, sorted.

    Raises :class:`~contentcal.errors.OptionalDependencyError` when the ``holidays`` package
    is missing, and :class:`~contentcal.errors.PlanError` for an unknown country or
    subdivision.
    """
    try:
        import holidays  # noqa: PLC0415 - optional extra, imported only when asked for
    except ImportError:
        raise OptionalDependencyError(
            "the plan asks for public holidays ([schedule] holidays = ...) but the "
            f"'holidays' package is not installed; install it with: {INSTALL_HINT}"
        ) from None
    years = list(range(first.year, last.year + 1))
    try:
        # Names in English whatever the machine's locale, so schedules are reproducible.
        calendar = holidays.country_holidays(
            country, subdiv=subdivision, years=years, language="en_US"
        )
    except NotImplementedError:
        raise PlanError(
            [
                Problem(
                    f"no public holidays known for country {country!r}"
                    + (f", subdivision {subdivision!r}" if subdivision else ""),
                    file=file,
                    path="schedule.holidays",
                    hint="use an ISO 3166 country code such as 'ID', 'DE' or 'US'",
                )
            ]
        ) from None
    return sorted((day, str(name)) for day, name in calendar.items() if first <= day <= last)


def subdivisions(country: str) -> tuple[bool, tuple[str, ...]] | None:
    """Whether `country` has known public holidays, and its subdivisions (or every country).

    ``(True, subdivisions)`` for a known country, ``(False, countries)`` for an unknown one,
    ``None`` when the ``holidays`` package is not installed (it cannot be told).
    """
    try:
        import holidays  # noqa: PLC0415 - optional extra, imported only when asked for
    except ImportError:
        return None
    supported = holidays.list_supported_countries()
    if country in supported:
        return True, tuple(supported[country])
    return False, tuple(sorted(supported))
