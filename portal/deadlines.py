"""When each step is due, as data: a rule relative to another step's event, in working days or hours.

Pure: no Flask, no database. The rules sit on the steps in portal/process.py; their numbers are
settings (`DUE_<STEP>`, e.g. `DUE_ACCEPT=2` or `DUE_ACCEPT=36h`), read by `from_settings()`;
whether a step is due before or after its event belongs to the rule, not to the setting.
A due moment is never stored as a status: "due soon" and "overdue" are derived from it and now.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.workdays import WorkCalendar

WORKING_DAYS, HOURS = "working_days", "hours"


@dataclass(frozen=True)
class DueRule:
    """Due `amount` units after (or `before`) the event `anchor` of another step.

    `anchor` is (step key, "completed_at") for the moment that step was done, or (step key, a key
    of its completion details), e.g. ("schedule_call", "starts_at") for the booked call's start.
    """

    anchor: tuple[str, str]
    amount: int
    unit: str = WORKING_DAYS
    before: bool = False

    @property
    def offset(self) -> int:
        return -self.amount if self.before else self.amount


def parse_amount(text: str, *, name: str) -> tuple[int, str]:
    """A setting "2" (working days) or "36h" (hours); anything else is refused at start."""
    match = re.fullmatch(r"\s*(\d{1,3})\s*(h?)\s*", text or "")
    if not match:
        raise ValueError(f"{name} must be a number of working days (e.g. 2) or hours (e.g. 36h)")
    return int(match.group(1)), HOURS if match.group(2) else WORKING_DAYS


@dataclass(frozen=True)
class Deadlines:
    """The due rules of the process with their configured numbers, on one working calendar."""

    rules: dict[str, DueRule]
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    soon_working_days: int = 2

    def due(self, step_key: str, done: dict) -> datetime | None:
        """When step `step_key` is due, given the completions done so far by step key."""
        rule = self.rules.get(step_key)
        if rule is None or rule.anchor[0] not in done:
            return None
        anchor = event_moment(done[rule.anchor[0]], rule.anchor[1])
        return None if anchor is None else self.due_from(rule, anchor)

    def due_from(self, rule: DueRule, anchor: datetime) -> datetime:
        """Working days end with the local day they land on; hours count from the moment."""
        if rule.unit == HOURS:
            return anchor + timedelta(hours=rule.offset)
        day = self.calendar.shift(self.calendar.local_date(anchor), rule.offset)
        return self.calendar.end_of(day)

    def is_soon(self, due: datetime, now: datetime) -> bool:
        """Not yet overdue, but due within the next `soon_working_days` working days."""
        if due <= now:
            return False
        today = self.calendar.local_date(now)
        return due <= self.calendar.end_of(self.calendar.shift(today, self.soon_working_days))

    def end_of_week(self, now: datetime) -> datetime:
        """The end of the local calendar week (Sunday) that contains `now`."""
        today = self.calendar.local_date(now)
        return self.calendar.end_of(today + timedelta(days=6 - today.weekday()))


def event_moment(completion, key: str) -> datetime | None:
    """The moment of a step's event: its completion ("completed_at") or a time in its details."""
    if completion is None:
        return None
    if key == "completed_at":
        return completion.completed_at
    value = (completion.details or {}).get(key)
    return datetime.fromisoformat(value) if value else None


def from_settings(defaults: dict[str, DueRule], settings: dict, state: str = "SN") -> Deadlines:
    """Deadlines with each default rule's number replaced by its `DUE_<STEP>` setting, if set."""
    rules = {}
    for key, rule in defaults.items():
        name = f"DUE_{key.upper()}"
        if settings.get(name) not in (None, ""):
            amount, unit = parse_amount(str(settings[name]), name=name)
            rule = DueRule(rule.anchor, amount, unit, rule.before)
        rules[key] = rule
    soon = int(settings.get("DUE_SOON_WORKING_DAYS", 2))
    return Deadlines(rules, WorkCalendar(state), soon)
