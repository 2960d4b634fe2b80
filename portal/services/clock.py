"""The process's clock as configured: the working calendar and the deadlines of the settings."""

from datetime import datetime
from functools import lru_cache

from flask import current_app

from portal.deadlines import Deadlines, from_settings
from portal.models import utcnow
from portal.process import DEFAULT_DEADLINES, PENDING, StepState, derive
from portal.workdays import WorkCalendar


def deadlines() -> Deadlines:
    """The due rules with the numbers and the holiday state of the app's settings."""
    config = current_app.config
    names = sorted(k for k in config if k.startswith("DUE_"))
    return _deadlines(tuple((k, str(config[k])) for k in names), config["HOLIDAY_STATE"])


def work_calendar() -> WorkCalendar:
    """Working days of the configured German state (HOLIDAY_STATE, default Saxony)."""
    return deadlines().calendar


@lru_cache(maxsize=8)
def _deadlines(settings: tuple[tuple[str, str], ...], state: str) -> Deadlines:
    # Cached per distinct settings, so that the holiday tables are built once per process.
    return from_settings(DEFAULT_DEADLINES.rules, dict(settings), state)


def progress(order, now: datetime | None = None) -> list[StepState]:
    """The order's steps as derive() sees them under the configured deadlines."""
    return derive(order, order.completions, now or utcnow(), deadlines())


def due_soon(states: list[StepState], now: datetime | None = None) -> set[str]:
    """Keys of the steps not yet overdue but due within DUE_SOON_WORKING_DAYS working days."""
    now = now or utcnow()
    rules = deadlines()
    return {
        s.step.key for s in states if s.due and s.status in PENDING and rules.is_soon(s.due, now)
    }
