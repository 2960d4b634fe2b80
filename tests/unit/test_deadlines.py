"""Working days of a German state and the process's due rules, without an app."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from portal.deadlines import HOURS, WORKING_DAYS, DueRule, from_settings, parse_amount
from portal.process import DEFAULT_DEADLINES, STEP_BY_KEY, StepStatus, derive, next_due
from portal.workdays import WorkCalendar

SAXONY = WorkCalendar("SN")


def berlin_midnight_after(day: date) -> datetime:
    return SAXONY.end_of(day)


def test_weekends_and_saxon_holidays_are_no_working_days():
    assert SAXONY.is_working_day(date(2026, 12, 4))  # a Friday
    assert not SAXONY.is_working_day(date(2026, 12, 5))  # Saturday
    # Buß- und Bettag is a holiday in Saxony only; Bavaria works that Wednesday.
    assert not SAXONY.is_working_day(date(2026, 11, 18))
    assert WorkCalendar("BY").is_working_day(date(2026, 11, 18))
    assert SAXONY.holiday_name(date(2026, 12, 25))


def test_shifting_skips_weekends_and_holidays_in_both_directions():
    assert SAXONY.shift(date(2026, 12, 4), 2) == date(2026, 12, 8)  # Fri + 2 = Tue
    assert SAXONY.shift(date(2026, 12, 23), 1) == date(2026, 12, 24)  # Christmas Eve is worked
    assert SAXONY.shift(date(2026, 12, 24), 1) == date(2026, 12, 28)  # over Christmas
    assert SAXONY.shift(date(2026, 11, 19), -1) == date(2026, 11, 17)  # back over Buß- und Bettag
    assert SAXONY.shift(date(2026, 12, 5), 0) == date(2026, 12, 7)  # Saturday: next working day
    assert SAXONY.between(date(2026, 12, 4), date(2026, 12, 8)) == 2


def completion(step, at=None, **details):
    return SimpleNamespace(step=step, completed_at=at, details=details)


ORDERED = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # Friday afternoon


@pytest.mark.parametrize(
    ("step", "completions", "due_day"),
    [
        # acceptance within 2 working days of the order
        ("accept", [completion("order", ORDERED)], date(2026, 12, 8)),
        # the call booked within 5 working days of acceptance
        ("schedule_call", [completion("accept", ORDERED)], date(2026, 12, 11)),
        # questionnaires 3 working days before the call (Wed 16 Dec -> Fri 11 Dec)
        (
            "answer_questionnaires",
            [completion("schedule_call", starts_at="2026-12-16T09:00:00+00:00")],
            date(2026, 12, 11),
        ),
        # CP Cloud 1 working day before the call (Monday call -> the Friday before)
        (
            "provision_cloud",
            [completion("schedule_call", starts_at="2026-12-14T09:00:00+00:00")],
            date(2026, 12, 11),
        ),
        # the protocol approved within 3 working days after the call
        (
            "approve_protocol",
            [completion("hold_call", starts_at="2026-12-22T09:00:00+00:00")],
            date(2026, 12, 28),  # 23, 24 (worked), then over Christmas to Monday
        ),
        # the package sent within 2 working days after approval
        ("send_package", [completion("approve_protocol", ORDERED)], date(2026, 12, 8)),
    ],
)
def test_each_due_rule_ends_with_the_local_day_it_lands_on(step, completions, due_day):
    done = {c.step: c for c in completions}
    assert DEFAULT_DEADLINES.due(step, done) == berlin_midnight_after(due_day)


def test_a_step_without_its_event_has_no_due_date():
    assert DEFAULT_DEADLINES.due("answer_questionnaires", {}) is None
    assert DEFAULT_DEADLINES.due("offer_services", {"hold_call": completion("hold_call")}) is None


def test_settings_change_the_numbers_and_may_count_in_hours():
    assert parse_amount("36h", name="DUE_ACCEPT") == (36, HOURS)
    assert parse_amount(" 4 ", name="DUE_ACCEPT") == (4, WORKING_DAYS)
    for bad in ("-2", "two", "3d", ""):
        with pytest.raises(ValueError, match="DUE_ACCEPT"):
            parse_amount(bad, name="DUE_ACCEPT")
    deadlines = from_settings(
        DEFAULT_DEADLINES.rules, {"DUE_ACCEPT": "36h", "DUE_PROVISION_CLOUD": "2"}, "SN"
    )
    done = {"order": completion("order", ORDERED)}
    assert deadlines.due("accept", done) == ORDERED + timedelta(hours=36)
    # The direction belongs to the rule: "2" for CP Cloud is still before the call.
    assert deadlines.rules["provision_cloud"] == DueRule(
        STEP_BY_KEY["provision_cloud"].due.anchor, 2, WORKING_DAYS, before=True
    )


def test_due_soon_and_the_end_of_the_week_are_derived_from_now():
    due = berlin_midnight_after(date(2026, 12, 8))  # Tuesday's end
    assert DEFAULT_DEADLINES.is_soon(due, datetime(2026, 12, 4, 12, tzinfo=UTC))  # Fri + 2 = Tue
    assert not DEFAULT_DEADLINES.is_soon(due, datetime(2026, 12, 3, 12, tzinfo=UTC))
    assert not DEFAULT_DEADLINES.is_soon(due, due + timedelta(seconds=1))  # overdue, not soon
    assert DEFAULT_DEADLINES.end_of_week(datetime(2026, 12, 9, 12, tzinfo=UTC)) == (
        berlin_midnight_after(date(2026, 12, 13))
    )


def test_the_next_due_step_is_the_open_one_due_first():
    order = SimpleNamespace(deployment="cp_cloud", project_lead_id=None)
    call = "2026-12-16T09:00:00+00:00"
    done = [
        completion("order", ORDERED),
        completion("accept", ORDERED),
        completion("schedule_call", ORDERED, starts_at=call),
    ]
    states = derive(order, done, ORDERED)
    first = next_due(states)
    assert first.step.key == "answer_questionnaires"  # 3 working days before beats 1
    assert first.status == StepStatus.OPEN
    assert next_due(derive(order, [], ORDERED)) is None
