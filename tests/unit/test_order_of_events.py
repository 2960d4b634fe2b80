"""The pure rules of the order of events, without an app: begun, the call's day in Berlin, the
protocol's date, and a time a call can already have taken place at."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.services import order_of_events as events

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # Friday 4 December, 10:00 in Berlin


def test_a_call_has_begun_from_its_start_on():
    assert events.begun(NOW, NOW)
    assert events.begun(NOW - timedelta(seconds=1), NOW)
    assert not events.begun(NOW + timedelta(seconds=1), NOW)


def test_the_calls_day_is_its_day_in_berlin():
    # 23:30 UTC on 8 December is already 9 December in Berlin (UTC+1 in winter).
    assert events.call_day(datetime(2026, 12, 8, 23, 30, tzinfo=UTC)) == date(2026, 12, 9)
    assert events.call_day(datetime(2026, 7, 1, 21, 59, tzinfo=UTC)) == date(2026, 7, 1)
    assert events.call_day(datetime(2026, 7, 1, 22, 0, tzinfo=UTC)) == date(2026, 7, 2)


@pytest.mark.parametrize(
    ("held_on", "starts_at", "problem"),
    [
        (date(2026, 12, 3), NOW - timedelta(days=1), None),  # yesterday's call
        (date(2026, 12, 4), NOW - timedelta(minutes=1), None),  # began a minute ago
        # The case: on 4 December, the call booked for 9 December.
        (date(2026, 12, 9), datetime(2026, 12, 9, 9, 0, tzinfo=UTC), events.FUTURE),
        (date(2026, 12, 4), datetime(2026, 12, 9, 9, 0, tzinfo=UTC), events.NOT_BEGUN),
        (date(2026, 12, 4), NOW + timedelta(hours=2), events.NOT_BEGUN),  # later today
        (date(2026, 12, 2), NOW - timedelta(days=1), events.OTHER_DAY),
        (date(2026, 12, 3), None, events.NO_CALL),
        (date(2026, 12, 5), None, events.FUTURE),
    ],
)
def test_the_protocols_date_is_the_begun_calls_day_and_not_in_the_future(
    held_on, starts_at, problem
):
    assert events.held_on_problem(held_on, starts_at, NOW) == problem


def test_the_future_is_measured_in_berlin():
    # 23:30 UTC on 4 December is 5 December in Berlin: that day is today there.
    late = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    call = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    assert events.held_on_problem(date(2026, 12, 5), call, late) is None


def test_a_call_took_place_in_the_past_and_after_the_acceptance():
    accepted = NOW - timedelta(days=5)
    assert events.past_start_problem(NOW - timedelta(days=1), NOW, accepted) is None
    assert events.past_start_problem(accepted, NOW, accepted) is None
    assert events.past_start_problem(NOW, NOW, accepted) == "future"
    assert events.past_start_problem(NOW + timedelta(days=5), NOW, accepted) == "future"
    assert events.past_start_problem(accepted - timedelta(minutes=1), NOW, accepted) == (
        "too_early"
    )
    assert events.past_start_problem(NOW - timedelta(days=400), NOW, None) is None
