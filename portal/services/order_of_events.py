"""Pure rules of the order of events: the call first, then its record, approval and package.

A setup call is recorded as held, dated in its protocol and approved only once it has begun;
a call that took place earlier is moved there first, never before its order was accepted.
Plain values in, plain values out: no Flask, no session. tests/unit/test_order_of_events.py
tests them.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

# Why a protocol's call date is refused (None: it is the call's own date, and the call began).
NO_CALL, NOT_BEGUN, FUTURE, OTHER_DAY = "no_call", "not_begun", "future", "other_day"


def begun(starts_at: datetime, now: datetime) -> bool:
    """Whether a call starting at `starts_at` has begun at `now` (both aware)."""
    return starts_at <= now


def call_day(starts_at: datetime) -> date:
    """The calendar day of a call in Europe/Berlin, as its protocol records it."""
    return starts_at.astimezone(BERLIN).date()


def held_on_problem(held_on: date, starts_at: datetime | None, now: datetime) -> str | None:
    """Why `held_on` cannot be the protocol's call date, or None when it can.

    `starts_at` is the booked call's start (None: no call booked). The date must not lie in the
    future, the call must have begun, and the date must be the call's day in Berlin.
    """
    if held_on > now.astimezone(BERLIN).date():
        return FUTURE
    if starts_at is None:
        return NO_CALL
    if not begun(starts_at, now):
        return NOT_BEGUN
    if held_on != call_day(starts_at):
        return OTHER_DAY
    return None


def past_start_problem(start: datetime, now: datetime, earliest: datetime | None) -> str | None:
    """Why `start` cannot be the time a call already took place, or None when it can.

    It must lie before now ("future") and not before `earliest`, the order's acceptance
    ("too_early"): the call cannot have happened before the order it belongs to was accepted.
    """
    if start >= now:
        return "future"
    if earliest is not None and start < earliest:
        return "too_early"
    return None
