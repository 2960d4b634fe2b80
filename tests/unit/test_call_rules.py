"""The pure rules of step 3 without an app: durations, windows, start times, texts, hours."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from portal.calendar import slots
from portal.services.calls.rules import (
    BERLIN,
    DURATIONS,
    SEARCH_DAYS,
    blockers,
    check_duration,
    check_text,
    clean_contact,
    day_window,
    held_times,
    parse_start,
    warning_level,
    window,
    working_hours,
)
from portal.services.errors import Invalid

MONDAY = date(2027, 3, 1)


def test_only_the_offered_durations_are_taken():
    for minutes in DURATIONS:
        check_duration(minutes)
    for minutes in (0, 45, 240):
        with pytest.raises(Invalid, match="angebotene Dauer"):
            check_duration(minutes)


def test_the_search_window_is_the_next_ten_working_days_from_midnight_to_midnight():
    now = datetime(2027, 3, 5, 15, 0, tzinfo=BERLIN)  # a Friday afternoon
    days, start, end = window(now.astimezone(UTC))
    assert len(days) == SEARCH_DAYS and days[0] == date(2027, 3, 5)
    assert all(day.weekday() < 5 for day in days) and days[-1] == date(2027, 3, 18)
    assert start == datetime(2027, 3, 5, tzinfo=BERLIN)
    assert end == datetime(2027, 3, 19, tzinfo=BERLIN)
    # A Saturday starts with the Monday after.
    assert window(datetime(2027, 3, 6, 9, tzinfo=BERLIN))[0][0] == date(2027, 3, 8)


def test_the_day_window_is_the_berlin_day_of_the_moment_even_across_the_switch():
    late = datetime(2027, 3, 27, 23, 30, tzinfo=UTC)  # already Sunday 00:30 in Berlin
    days, start, end = day_window(late)
    assert days == [date(2027, 3, 28)]
    assert start == datetime(2027, 3, 28, tzinfo=BERLIN)
    # The day of the switch to summer time has 23 hours.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-04-01T10:00:00+02:00", datetime(2027, 4, 1, 8, tzinfo=UTC)),
        ("2027-04-01T08:00:00+00:00", datetime(2027, 4, 1, 8, tzinfo=UTC)),
        ("2027-04-01T10:00", datetime(2027, 4, 1, 8, tzinfo=UTC)),  # Berlin, summer time
        ("2027-01-14T10:00", datetime(2027, 1, 14, 9, tzinfo=UTC)),  # Berlin, winter time
        (datetime(2027, 1, 14, 10), datetime(2027, 1, 14, 9, tzinfo=UTC)),
        (datetime(2027, 1, 14, 10, tzinfo=BERLIN), datetime(2027, 1, 14, 9, tzinfo=UTC)),
    ],
)
def test_a_start_is_read_as_utc_and_without_offset_as_berlin_time(value, expected):
    moment = parse_start(value)
    assert moment == expected and moment.tzinfo == UTC


@pytest.mark.parametrize("value", ["gestern", "", "2027-13-01T10:00", "10:00"])
def test_a_start_that_is_no_time_is_refused(value):
    with pytest.raises(Invalid, match="Ungültiger Termin"):
        parse_start(value)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"video_url": "javascript:alert(1)"}, "https://"),
        ({"video_url": "ftp://x.example"}, "https://"),
        ({"video_url": "https://meet.example/a b"}, "ungültig"),
        ({"video_url": "https://meet.example/\r\nX-Evil: 1"}, "ungültig"),
        ({"video_url": "https://meet.example/räume"}, "ungültig"),
        ({"video_url": 'https://meet.example/"x"'}, "ungültig"),
        ({"video_url": "https://meet.example/" + "x" * 500}, "ungültig"),
        ({"location": "x" * 301}, "zu lang"),
        ({"agenda": "x" * 5001}, "zu lang"),
    ],
)
def test_bad_call_texts_are_refused(fields, message):
    values = {"location": "", "video_url": "", "agenda": ""} | fields
    with pytest.raises(Invalid, match=message):
        check_text(**values)


def test_good_call_texts_pass():
    check_text("Saxess, Raum 2", "https://meet.example/cpce?pin=42&room=7", "1. Vorstellung")
    check_text("x" * 300, "http://meet.example/" + "x" * 480, "x" * 5000)
    check_text("", "", "")


def test_a_contact_is_tidied():
    assert clean_contact("Carla  Kunde", " Carla@ACME.example ", " +49 30 1 ", "", "en") == {
        "name": "Carla Kunde",
        "email": "carla@acme.example",
        "phone": "+49 30 1",
        "role": None,
        "language": "en",
    }
    cut = clean_contact("Carla", "c@acme.example", "1" * 70, "r" * 130, "de")
    assert (len(cut["phone"]), len(cut["role"])) == (60, 120)


def test_a_bad_contact_names_every_bad_field():
    with pytest.raises(Invalid) as refused:
        clean_contact("X", "a@b", "", "", "fr")
    assert set(refused.value.fields) == {"name", "email", "language"}
    with pytest.raises(Invalid) as refused:
        clean_contact("Eve", "eve@x.example\r\nBcc: x@y.example", "", "", "de")
    assert set(refused.value.fields) == {"email"}
    with pytest.raises(Invalid):
        clean_contact("E" * 201, "eve@x.example", "", "", "de")


def test_working_hours_come_from_the_settings_or_default_to_weekdays_nine_to_five():
    assert working_hours(None) == slots.WorkingHours()
    settings = SimpleNamespace(
        weekdays="0, 1,3,x,", day_start=time(10), day_end=time(16), timezone="Europe/London"
    )
    assert working_hours(settings) == slots.WorkingHours(
        frozenset({0, 1, 3}), time(10), time(16), "Europe/London"
    )


def test_an_open_offer_holds_its_times_only_for_the_staff_it_invites():
    offer = SimpleNamespace(
        starts=["2027-03-01T09:00:00+00:00", "2027-03-02T13:00:00+00:00"],
        duration_minutes=90,
        participants=[{"user_id": 7, "contact_id": None}, {"user_id": None, "contact_id": 3}],
    )
    assert held_times(offer, 7) == [
        slots.Busy(datetime(2027, 3, 1, 9, tzinfo=UTC), datetime(2027, 3, 1, 10, 30, tzinfo=UTC)),
        slots.Busy(datetime(2027, 3, 2, 13, tzinfo=UTC), datetime(2027, 3, 2, 14, 30, tzinfo=UTC)),
    ]
    assert held_times(offer, 8) == []


def test_only_required_people_block_a_time_each_with_the_reason():
    ten = datetime(2027, 3, 1, 10, tzinfo=BERLIN)
    meeting = slots.Busy(ten, ten + timedelta(hours=1))
    people = [
        slots.Person("Leo", True, busy=(meeting,)),
        slots.Person("Ida", False, busy=(meeting,)),
        slots.Person("Anna", True, hours=slots.WorkingHours(start=time(11), end=time(17))),
        slots.Person("Carl", True),
    ]
    assert blockers(people, ten, ten + timedelta(hours=1)) == [
        "Leo (hat einen Termin)",
        "Anna (außerhalb der Arbeitszeit)",
    ]
    later = ten + timedelta(hours=2)
    assert blockers(people, later, later + timedelta(hours=1)) == []


@pytest.mark.parametrize(
    ("call_day", "today", "level"),
    [
        (date(2027, 3, 25), MONDAY, "pending"),
        (date(2027, 3, 11), MONDAY, "pending"),  # 8 working days ahead
        (date(2027, 3, 10), MONDAY, "soon"),  # 7
        (date(2027, 3, 5), MONDAY, "soon"),  # 4
        (date(2027, 3, 4), MONDAY, "urgent"),  # 3
        (date(2027, 3, 2), MONDAY, "urgent"),  # tomorrow
        (MONDAY, MONDAY, "overdue"),  # today
        (date(2027, 2, 26), MONDAY, "overdue"),  # already past
        (date(2027, 3, 8), date(2027, 3, 6), "urgent"),  # Saturday to Monday
    ],
)
def test_the_provisioning_warning_grows_as_the_call_day_nears(call_day, today, level):
    assert warning_level(call_day, today) == level
