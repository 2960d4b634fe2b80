"""Working days: weekdays that are no public holiday in one German state, in Europe/Berlin.

Pure: no Flask, no database. Deadlines (portal/deadlines.py) and reminders count in working
days; the holidays come from the `holidays` library, never from a hand-written list.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of a German state (ISO 3166-2 code without "DE-", e.g. "SN" for Saxony)."""

    state: str = "SN"
    zone: ZoneInfo = field(default=BERLIN)

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays("DE", subdiv=self.state)

    def holiday_name(self, day: date) -> str | None:
        """The public holiday on this day, or None."""
        return self._holidays.get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def shift(self, day: date, count: int) -> date:
        """The working day `count` working days after `day` (before it when negative).

        Zero gives `day` itself when it is a working day, else the next working day.
        """
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        if remaining == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.between(end, start)
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=offset))
        )

    def local_date(self, moment: datetime) -> date:
        """The calendar day of an aware moment in this calendar's zone."""
        return moment.astimezone(self.zone).date()

    def end_of(self, day: date) -> datetime:
        """The last moment of a local day, as the aware UTC instant at which the next one starts."""
        start_next = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)
        return start_next.astimezone(UTC)
