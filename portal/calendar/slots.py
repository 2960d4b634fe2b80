"""Setup-call availability: free slots from working hours and busy times; pure, no I/O.

All comparisons and arithmetic happen on UTC instants: Python compares and subtracts two
datetimes that share one tzinfo object by wall clock, which is wrong across a DST switch.
Local wall times are built per day with zoneinfo and converted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

BUSY = "busy"
OUTSIDE_HOURS = "outside working hours"


@dataclass(frozen=True)
class WorkingHours:
    """The weekdays (Monday = 0) and the local time window in which a person takes calls."""

    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(9, 0)
    end: time = time(17, 0)
    timezone: str = "Europe/Berlin"

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("working hours must start before they end on the same day")
        if not set(self.weekdays) <= set(range(7)):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        try:
            ZoneInfo(self.timezone)  # fail early, not when the first slot is computed
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc

    def contains(self, start: datetime, end: datetime) -> bool:
        """True if [start, end) lies inside one working day of this person, in their zone."""
        zone = ZoneInfo(self.timezone)
        local_day = start.astimezone(zone).date()
        if local_day.weekday() not in self.weekdays:
            return False
        opens = datetime.combine(local_day, self.start, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(local_day, self.end, tzinfo=zone).astimezone(UTC)
        return opens <= start.astimezone(UTC) and end.astimezone(UTC) <= closes


@dataclass(frozen=True)
class Busy:
    """A time during which someone is not available; aware, kept as UTC instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("busy times must be timezone-aware")
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))
        if not self.start < self.end:
            raise ValueError("a busy time must end after it starts")

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """True if this busy time shares any moment with [start, end)."""
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Person:
    """A call participant: required ones must be free, optional ones are only reported."""

    name: str
    required: bool
    hours: WorkingHours = field(default_factory=WorkingHours)
    busy: tuple[Busy, ...] = ()

    def is_busy(self, start: datetime, end: datetime) -> bool:
        """True if one of this person's busy times overlaps [start, end)."""
        return any(b.overlaps(start, end) for b in self.busy)

    def unavailable_reason(self, start: datetime, end: datetime) -> str | None:
        """Why this person cannot take a call in [start, end), or None if they can."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if not self.hours.contains(start, end):
            return OUTSIDE_HOURS
        if self.is_busy(start, end):
            return BUSY
        return None


@dataclass(frozen=True)
class Slot:
    """A bookable call time (in the display zone) and the optional people busy then.

    start and end share one tzinfo, so `end - start` is wall-clock time; across a DST
    switch compare or subtract their .astimezone(UTC) values.
    """

    start: datetime
    end: datetime
    optional_busy: tuple[str, ...] = ()

    @property
    def day(self) -> date:
        """The calendar day of the start in the display zone, for grouping slots by day."""
        return self.start.date()


class Unavailable(NamedTuple):
    """One person who cannot take a call at a given time, and why (BUSY or OUTSIDE_HOURS)."""

    name: str
    reason: str
    required: bool


def working_days(
    start_day: date, count: int = 10, holidays: Iterable[date] | None = None
) -> list[date]:
    """The first `count` days from start_day on that are Monday to Friday and not holidays."""
    skip = set(holidays or ())
    days: list[date] = []
    day = start_day
    while len(days) < count:
        if day.weekday() < 5 and day not in skip:
            days.append(day)
        day += timedelta(days=1)
    return days


def _day_starts(day: date, step: timedelta, zone: ZoneInfo) -> list[datetime]:
    """Candidate starts on one local day, every `step` on the wall clock, as UTC instants."""
    wall = datetime.combine(day, time(0))
    next_midnight = wall + timedelta(days=1)
    starts = []
    while wall < next_midnight:
        instant = wall.replace(tzinfo=zone).astimezone(UTC)
        # Wall times in the spring-forward gap do not exist; the round trip reveals them.
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            starts.append(instant)
        wall += step
    return starts


def free_slots(
    people: Sequence[Person],
    *,
    days: Sequence[date],
    duration: timedelta,
    step: timedelta = timedelta(minutes=30),
    now: datetime,
    zone: str = "Europe/Berlin",
) -> list[Slot]:
    """Slots of `duration` on `days` (display zone) when every required person can take the call."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if duration <= timedelta(0) or step <= timedelta(0):
        raise ValueError("duration and step must be positive")
    display = ZoneInfo(zone)
    required = [p for p in people if p.required]
    optional = [p for p in people if not p.required]
    slots = []
    for day in sorted(set(days)):
        for start in _day_starts(day, step, display):
            # The call lasts `duration` of real time, even if the clock jumps meanwhile.
            end = start + duration
            if start <= now or any(p.unavailable_reason(start, end) for p in required):
                continue
            busy = tuple(p.name for p in optional if p.unavailable_reason(start, end))
            slots.append(Slot(start.astimezone(display), end.astimezone(display), busy))
    return slots


def who_is_busy(people: Sequence[Person], start: datetime, end: datetime) -> list[Unavailable]:
    """Everyone who cannot take a call in [start, end) with the reason, in the given order."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    result = []
    for person in people:
        reason = person.unavailable_reason(start, end)
        if reason:
            result.append(Unavailable(person.name, reason, person.required))
    return result
