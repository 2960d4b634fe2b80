"""Searching free times: working hours, portal bookings, optional people, calendars read."""

from datetime import date, datetime, time, timedelta

import pytest

from portal import vault
from portal.services import calls
from portal.services.calls import Invitee
from portal.services.calls.rules import BERLIN
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.calls.calendars import berlin, busy, connect, two_days
from tests.calls.support import book, future_days, hours_of, new_order, team, the_call
from tests.helpers import place

# ---------------------------------------------------------------- searching


def test_search_combines_working_hours_portal_bookings_and_optional_people(
    session, world, order, lara
):
    monday = next(d for d in future_days(10) if d.weekday() == 0)
    now = datetime.combine(monday, time(0), BERLIN)
    leo = hours_of(session, world.lead)
    leo.weekdays, leo.day_start, leo.day_end = "0,1,2,3", time(10), time(16)  # Mon-Thu 10-16
    session.commit()
    # Ida is already in another customer's call on Monday 11:00-12:00.
    beta = new_order(session, world, code="BETA", lead=lara)
    book(
        session,
        world,
        beta,
        datetime.combine(monday, time(11), BERLIN),
        [Invitee(user_id=lara.id), Invitee(user_id=world.architect.id)],
    )

    found = calls.search(session, world.partner, order.id, team(world), 60, now=now)
    by_day: dict[date, list[str]] = {}
    for slot in found.slots:
        by_day.setdefault(slot.start.date(), []).append(slot.start.strftime("%H:%M"))
    assert found.warnings == []
    assert by_day[monday] == [
        "10:00",
        "12:00",
        "12:30",
        "13:00",
        "13:30",
        "14:00",
        "14:30",
        "15:00",
    ]
    assert all(day.weekday() < 4 for day in by_day)  # no Fridays: Leo does not work then
    assert len(by_day) == 8  # ten working days, two of them Fridays
    assert all(
        s.start.tzinfo == BERLIN and s.end - s.start == timedelta(hours=1) for s in found.slots
    )

    # With Ida optional, her busy time is only reported.
    found = calls.search(
        session, world.partner, order.id, team(world, optional=("architect",)), 60, now=now
    )
    monday_slots = {s.start.strftime("%H:%M"): s for s in found.slots if s.start.date() == monday}
    assert monday_slots["11:00"].optional_busy == ("Ida",)
    assert monday_slots["10:00"].optional_busy == ()


def test_search_refusals(session, world, order):
    with pytest.raises(Invalid, match="Dauer"):
        calls.search(session, world.partner, order.id, team(world), 45)
    with pytest.raises(Forbidden):
        calls.search(session, world.lead, order.id, team(world), 60)
    with pytest.raises(NotFound):
        calls.search(session, world.other_partner, order.id, team(world), 60)
    with pytest.raises(Invalid, match="Projektleiter"):
        calls.search(session, world.partner, order.id, team(world)[1:], 60)
    unaccepted = place(session, world, code="NEW")
    with pytest.raises(Conflict, match="angenommen"):
        calls.search(session, world.partner, unaccepted.id, team(world), 60)


def test_an_unreadable_calendar_password_is_a_warning_not_an_error(session, world, order):
    secret = vault.seal(session, "leo-secret", "caldav_password")
    session.flush()
    settings = hours_of(session, world.lead)
    settings.source, settings.url, settings.username = "caldav", "http://127.0.0.1:9/", "leo"
    settings.password_id = secret.id
    session.commit()
    secret.ciphertext = b"\0" * len(secret.ciphertext)  # tampered with: the vault refuses it
    session.commit()

    found = calls.search(session, world.partner, order.id, team(world), 60)
    assert len(found.warnings) == 1 and "Leo" in found.warnings[0]
    assert found.slots  # working hours still give the free times


# ---------------------------------------------------------------- against a real CalDAV server and an ICS feed


def test_busy_times_from_caldav_and_an_ics_feed_give_the_expected_free_slots(
    radicale,
    session,
    world,
    order,
    alice,
    bob,
):
    first, second = two_days()
    busy(radicale, "alice", alice, "leo-1", berlin(first, 10), berlin(first, 11))
    # Lunch on both days: a recurring event, expanded by the server.
    busy(
        radicale,
        "alice",
        alice,
        "leo-lunch",
        berlin(first, 12),
        berlin(first, 12, 30),
        "RRULE:FREQ=DAILY;COUNT=2",
    )
    busy(radicale, "bob", bob, "ida-1", berlin(first, 15), berlin(first, 17))
    # Anna's calendar comes as an ICS feed (Radicale serves a collection as one file).
    feed = radicale.make_calendar("bob")
    busy(radicale, "bob", feed, "anna-1", berlin(second, 9), berlin(second, 11))
    busy(
        radicale,
        "bob",
        feed,
        "anna-free",
        berlin(second, 14),
        berlin(second, 15),
        "TRANSP:TRANSPARENT",
    )
    connect(session, world.partner, "ics", feed.replace("http://", "http://bob:bob-secret@"))

    now = berlin(first, 0)
    found = calls.search(session, world.partner, order.id, team(world), 60, now=now)
    assert found.warnings == []
    per_day = {first: [], second: []}
    for slot in found.slots:
        if slot.start.date() in per_day:
            per_day[slot.start.date()].append(slot.start.strftime("%H:%M"))
    assert per_day[first] == ["09:00", "11:00", "12:30", "13:00", "13:30", "14:00"]
    assert per_day[second] == [
        "11:00",
        "12:30",
        "13:00",
        "13:30",
        "14:00",
        "14:30",
        "15:00",
        "15:30",
        "16:00",
    ]
    with pytest.raises(Conflict) as refused:
        book(session, world, order, berlin(first, 10, 30), team(world))
    assert refused.value.message == "Zu diesem Termin ist nicht jeder frei: Leo (hat einen Termin)"
    with pytest.raises(Conflict, match=r"Anna \(hat einen Termin\)"):
        book(session, world, order, berlin(second, 10), team(world))
    assert the_call(session, order) is None
