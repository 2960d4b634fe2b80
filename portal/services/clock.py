"""The portal's working-day calendar, built from the HOLIDAY_STATE setting."""

from functools import lru_cache

from flask import current_app

from portal.workdays import WorkCalendar


def work_calendar() -> WorkCalendar:
    """Working days of the configured German state (HOLIDAY_STATE, default Saxony)."""
    return _calendar(current_app.config.get("HOLIDAY_STATE", "SN"))


@lru_cache(maxsize=4)
def _calendar(state: str) -> WorkCalendar:
    # One calendar per state: its holidays are computed once per process, not per job run.
    return WorkCalendar(state=state)
