"""Reminder thresholds in Saxon working days, the digest's hour, and who answers for a step."""

from datetime import datetime

import pytest

from portal.models import Role
from portal.process import STEPS
from portal.services.reminders import rules
from portal.workdays import BERLIN, WorkCalendar

SAXONY = WorkCalendar("SN")
BERLIN_STATE = WorkCalendar("BE")
# Friday 20 Nov 2026, 10:00 Berlin; Wednesday 18 Nov is Buss- und Bettag, a holiday in Saxony only.
CALL = datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)


def at(day: int, hour: int = 8, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(9, 23), None),  # Monday: 8 working days before
        (at(10, 0), 7),  # Tuesday 10 Nov: 7 working days (the weekend and 18 Nov skipped)
        (at(13), 7),
        (at(16, 23), 7),  # Monday 16 Nov: still 3 working days before
        (at(17, 0), 2),  # Tuesday 17 Nov: 2 working days, the holiday between does not count
        (at(19), 2),
        (at(20, 9), 2),  # the call's day, before it starts
        (at(20, 10), None),  # the call has started
        (at(21), None),
    ],
)
def test_thresholds_count_saxon_working_days(now, expected):
    assert rules.threshold_reached(CALL, now, (7, 2), SAXONY) == expected


def test_without_the_saxon_holiday_each_threshold_is_a_day_later():
    assert rules.threshold_reached(CALL, at(10), (7, 2), BERLIN_STATE) is None
    assert rules.threshold_reached(CALL, at(11), (7, 2), BERLIN_STATE) == 7
    assert rules.threshold_reached(CALL, at(17), (7, 2), BERLIN_STATE) == 7
    assert rules.threshold_reached(CALL, at(18), (7, 2), BERLIN_STATE) == 2


def test_a_day_past_several_thresholds_gives_only_the_nearest():
    """A worker that was down for a week sends one reminder, for the latest threshold."""
    assert rules.threshold_reached(CALL, at(19), (7, 5, 2), SAXONY) == 2
    assert rules.threshold_reached(CALL, at(12), (7, 5, 2), SAXONY) == 5


def test_reminder_keys_name_order_call_day_and_threshold():
    call_day = CALL.date()
    assert rules.reminder_key(12, call_day, 7) == "order:12:questionnaires:2026-11-20:t7"
    assert rules.reminder_key(12, call_day, 7).startswith(rules.reminder_prefix(12, call_day))
    assert rules.digest_key(at(7, month=12).date()) == "digest:2026-12-07"


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (at(7, 6, month=12), False),  # Monday before 7:00
        (at(7, 7, month=12), True),
        (at(7, 23, month=12), True),
        (at(5, 9, month=12), False),  # Saturday
        (at(18, 9), False),  # Buss- und Bettag
        (at(25, 9, month=12), False),  # Christmas
    ],
)
def test_the_digest_goes_out_on_working_days_from_its_hour(now, due):
    assert rules.digest_due(now, 7, SAXONY) is due


def test_every_step_that_can_be_late_has_someone_responsible():
    keys = {step.key for step in STEPS}
    assert set(rules.RESPONSIBLE) <= keys
    # The order exists once placed; offering services is optional: neither can be overdue.
    assert keys - set(rules.RESPONSIBLE) == {"order", "offer_services"}
    assert rules.responsible("accept") == rules.BACK_OFFICE
    assert rules.responsible("approve_protocol") == rules.PROJECT_LEAD
    assert rules.responsible("answer_questionnaires") == rules.PARTNER_STAFF
    for step in STEPS:
        audience = rules.responsible(step.key)
        if audience == rules.PARTNER_STAFF and step.actors:
            assert Role.PARTNER_STAFF in step.actors, step.key
