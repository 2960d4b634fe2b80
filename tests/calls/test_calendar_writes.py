"""Staff calendars written by the worker against a real Radicale server, and what the page says.

The request never writes a calendar: it records what each must show, and the worker's
"calendars" job writes it, retries a server that is down, and follows every later change.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.calendar import sources
from portal.calendar.guard import Policy
from portal.extensions import db
from portal.models import CalendarWrite, utcnow
from portal.models.call import CANCELLED
from portal.services import calendar_sync, calls
from portal.services.calls import Invitee
from portal.services.errors import Conflict
from tests.calls.calendars import (
    berlin,
    busy,
    calendar_line,
    connect,
    make_due,
    stored,
    two_days,
    write_calendars,
)
from tests.calls.support import (
    ANNA,
    CARLA,
    IDA,
    LEO,
    assert_event,
    book,
    completion,
    event_of,
    invitations,
    mails,
    new_order,
    required,
    team,
    the_call,
)
from tests.conftest import login
from tests.radicale_server import free_port, running_radicale


def test_the_booked_event_is_written_to_the_calendars_and_follows_every_change(
    radicale,
    session,
    world,
    order,
    carla,
    alice,
    bob,
    lara,
):
    first, second = two_days()
    book(session, world, order, berlin(first, 10), team(world, carla))
    call = the_call(session, order)
    assert stored(radicale, "alice", alice, call.uid) is None  # the request wrote nothing
    assert write_calendars(session) == "2 written"
    everyone = required(LEO, ANNA, IDA, CARLA)
    for user, url in (("alice", alice), ("bob", bob)):
        cal = stored(radicale, user, url, call.uid)
        # Stored as a calendar keeps it: no METHOD, otherwise the invitation that was mailed.
        assert_event(cal, method=None, call=call, people=everyone, status="CONFIRMED")
    # Now busy in Ida's calendar for every other customer's search.
    assert sources.caldav_busy(
        bob,
        "bob",
        "bob-secret",
        berlin(first, 0),
        berlin(second, 0),
        policy=Policy.parse("127.0.0.1"),
    ) == [sources.Busy(berlin(first, 10), berlin(first, 11))]
    beta = new_order(session, world, code="BETA", lead=lara)
    with pytest.raises(Conflict, match="Ida"):
        book(
            session,
            world,
            beta,
            berlin(first, 10),
            [Invitee(user_id=lara.id), Invitee(user_id=world.architect.id)],
        )

    # Moved without Ida: Leo's copy is updated in place, Ida's removed.
    book(session, world, order, berlin(second, 14), team(world, carla, architect=False))
    call = the_call(session, order)
    assert write_calendars(session) == "2 written"
    cal = stored(radicale, "alice", alice, call.uid)
    assert_event(cal, method=None, call=call, people=required(LEO, ANNA, CARLA), status="CONFIRMED")
    assert event_of(cal)["SEQUENCE"] == 1
    with radicale.client("alice") as client:
        assert len(client.calendar(url=alice).events()) == 1  # no duplicate
    assert stored(radicale, "bob", bob, call.uid) is None

    calls.cancel(session, world.partner, order.id)
    assert stored(radicale, "alice", alice, call.uid) is not None  # until the worker runs
    assert write_calendars(session) == "1 written"
    assert stored(radicale, "alice", alice, call.uid) is None
    assert write_calendars(session) == ""  # nothing due any more


def test_an_unreachable_calendar_gives_a_clear_message_and_loses_nothing(
    radicale,
    client,
    session,
    world,
    order,
    carla,
    local_calendars,
):
    connect(
        session, world.lead, "caldav", f"http://127.0.0.1:{free_port()}/leo/", "leo", "leo-pw-7"
    )
    wrong = radicale.make_calendar("bob")
    connect(session, world.architect, "caldav", wrong, "bob", "not-bobs-password")

    found = calls.search(session, world.partner, order.id, team(world, carla), 60)
    assert len(found.warnings) == 2
    leo, ida = found.warnings
    assert leo.startswith("Der Kalender von Leo konnte nicht gelesen werden")
    assert "Der Kalender-Server ist nicht erreichbar (ausgeschaltet oder Adresse falsch)." in leo
    assert "Ida" in ida and "Zugriff verweigert: Benutzername oder Passwort falsch" in ida
    assert "not-bobs-password" not in ida and "leo-pw-7" not in leo  # no secrets in messages
    assert found.slots  # working hours and portal bookings still count

    login(client, world.partner)
    start = found.slots[3].start
    form = {
        "duration": "60",
        "architect": str(world.architect.id),
        "contact": str(carla.id),
        "start": start.isoformat(),
    }
    response = client.post(f"/orders/{order.id}/call/book", data=form)
    page = client.get(response.location).get_data(as_text=True)
    assert "Der Setup Call ist gebucht" in page and "flash-warning" not in page
    assert calendar_line(page, "Leo") == "ausstehend: wird im Hintergrund eingetragen"
    assert calendar_line(page, "Ida") == "ausstehend: wird im Hintergrund eingetragen"
    assert calendar_line(page, "Anna") == (
        "kein CalDAV-Kalender verbunden; nur die Einladung per E-Mail"
    )
    # Nothing lost: the call, every invitation and the completed step are stored.
    call = the_call(session, order)
    assert call.starts_at == start and len(call.participants) == 4
    assert set(invitations(mails(session))) == {LEO, ANNA, IDA, CARLA}
    assert completion(session, order) is not None

    assert write_calendars(session) == "2 failing"
    page = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    leo, ida = calendar_line(page, "Leo"), calendar_line(page, "Ida")
    assert leo.startswith("Eintragen fehlgeschlagen Der Kalender-Server ist nicht erreichbar")
    assert ida.startswith("Eintragen fehlgeschlagen Zugriff verweigert")
    assert "Nächster Versuch" in leo and "Nächster Versuch" in ida
    assert "korrigiert jede Person selbst unter „Mein Kalender“" in page
    assert "leo-pw-7" not in page and "not-bobs-password" not in page

    calls.cancel(session, world.partner, order.id)
    assert the_call(session, order).status == CANCELLED
    page = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    assert calendar_line(page, "Leo") == "ausstehend: wird im Hintergrund entfernt"
    assert write_calendars(session) == "2 failing"
    page = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    assert calendar_line(page, "Ida").startswith("Entfernen fehlgeschlagen Zugriff verweigert")


def test_a_call_moved_while_the_calendar_server_is_down_reaches_it_when_it_is_back(
    client,
    session,
    world,
    order,
    carla,
    local_calendars,
):
    with running_radicale() as server:  # its own server: this test stops it
        url = server.make_calendar("alice")
        connect(session, world.lead, "caldav", url, "alice", "alice-secret")
        first, second = two_days()
        book(session, world, order, berlin(first, 10), team(world, carla))
        assert write_calendars(session) == "1 written"
        uid = the_call(session, order).uid

        server.stop()
        login(client, world.partner)
        form = {
            "duration": "60",
            "architect": str(world.architect.id),
            "contact": str(carla.id),
            "start": berlin(second, 14).isoformat(),
        }
        response = client.post(f"/orders/{order.id}/call/book", data=form)
        assert response.status_code == 302
        page = client.get(response.location).get_data(as_text=True)
        assert "Der Setup Call ist gebucht" in page
        assert calendar_line(page, "Leo") == "ausstehend: wird im Hintergrund eingetragen"
        row = session.scalar(select(CalendarWrite))
        assert (row.state, row.attempts) == ("pending", 0)  # the request did not try to write

        assert write_calendars(session) == "1 failing"
        page = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
        line = calendar_line(page, "Leo")
        assert line.startswith("Eintragen fehlgeschlagen Der Kalender-Server ist nicht erreichbar")
        assert "Nächster Versuch" in line
        assert write_calendars(session) == ""  # backing off: not due again yet

        server.start()
        make_due(session)
        assert write_calendars(session) == "1 written"
        event = event_of(stored(server, "alice", url, uid))
        assert (event.start, event["SEQUENCE"]) == (berlin(second, 14), 1)
        with server.client("alice") as dav:
            assert len(dav.calendar(url=url).events()) == 1  # no stale event at the old time
        page = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
        assert calendar_line(page, "Leo").startswith("eingetragen am ")


def test_moving_the_call_by_30_minutes_is_not_blocked_by_its_own_event(
    radicale,
    session,
    world,
    order,
    carla,
    alice,
):
    first, _second = two_days()
    book(session, world, order, berlin(first, 10), team(world, carla))
    assert write_calendars(session) == "1 written"
    # Anna's ICS feed is Leo's calendar, so the call's event is in both a CalDAV calendar and a feed.
    connect(session, world.partner, "ics", alice.replace("http://", "http://alice:alice-secret@"))
    busy(radicale, "alice", alice, "leo-real", berlin(first, 12), berlin(first, 13))

    found = calls.search(
        session, world.partner, order.id, team(world, carla), 60, now=berlin(first, 0)
    )
    assert found.warnings == []
    starts = [slot.start for slot in found.slots if slot.start.date() == first]
    assert berlin(first, 10) in starts and berlin(first, 10, 30) in starts
    assert berlin(first, 12) not in starts  # a real appointment still blocks
    book(session, world, order, berlin(first, 10, 30), team(world, carla))
    with pytest.raises(Conflict, match=r"Leo \(hat einen Termin\); Anna \(hat einen Termin\)"):
        book(session, world, order, berlin(first, 12, 30), team(world, carla))

    assert write_calendars(session) == "1 written"
    call = the_call(session, order)
    assert event_of(stored(radicale, "alice", alice, call.uid)).start == berlin(first, 10, 30)


def test_a_move_while_the_worker_writes_is_written_in_the_next_pass(
    radicale,
    client,
    session,
    world,
    order,
    carla,
    alice,
    monkeypatch,
):
    first, second = two_days()
    book(session, world, order, berlin(first, 10), team(world, carla))
    real_put = sources.put_event

    def put_while_the_call_is_moved(*args, **kwargs):
        monkeypatch.setattr(sources, "put_event", real_put)
        book(session, world, order, berlin(second, 14), team(world, carla))
        real_put(*args, **kwargs)  # the 10:00 state, read before the move

    monkeypatch.setattr(sources, "put_event", put_while_the_call_is_moved)
    assert write_calendars(session) == "1 superseded"
    call = the_call(session, order)
    assert event_of(stored(radicale, "alice", alice, call.uid)).start == berlin(first, 10)
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    assert calendar_line(page, "Leo") == "ausstehend: wird im Hintergrund eingetragen"

    assert write_calendars(session) == "1 written"
    assert event_of(stored(radicale, "alice", alice, call.uid)).start == berlin(second, 14)


def test_a_second_worker_skips_a_calendar_being_written_until_the_lease_ends(
    session,
    world,
    order,
    local_calendars,
):
    connect(session, world.lead, "caldav", f"http://127.0.0.1:{free_port()}/leo/", "leo", "pw")
    first, _second = two_days()
    book(session, world, order, berlin(first, 10), team(world))
    with Session(db.engine) as one, Session(db.engine) as two:
        claimed = calendar_sync._claim(one, utcnow(), [])
        assert claimed is not None
        assert calendar_sync._claim(two, utcnow(), []) is None
        # The first worker died while writing: after its lease another one takes the row over.
        later = utcnow() + calendar_sync.LEASE + timedelta(seconds=1)
        assert calendar_sync._claim(two, later, []) == claimed


def test_a_corrected_password_is_written_at_the_next_pass(
    radicale,
    client,
    runner,
    session,
    world,
    order,
    carla,
    local_calendars,
):
    url = radicale.make_calendar("alice")
    connect(session, world.lead, "caldav", url, "alice", "typo-secret")
    first, _second = two_days()
    book(session, world, order, berlin(first, 10), team(world, carla))
    result = runner.invoke(args=["work"])
    assert result.exit_code == 0 and "calendars: 1 failing" in result.output, result.output

    login(client, world.lead)
    fields = {
        "weekdays": ["0", "1", "2", "3", "4"],
        "day_start": "09:00",
        "day_end": "17:00",
        "timezone": "Europe/Berlin",
        "source": "caldav",
        "url": url,
        "username": "alice",
        "password": "alice-secret",
    }
    assert client.post("/account/calendar", data=fields).status_code == 302
    result = runner.invoke(args=["work"])  # due at once, not after the back-off
    assert "calendars: 1 written" in result.output, result.output
    assert stored(radicale, "alice", url, the_call(session, order).uid) is not None


def test_a_calendar_connected_after_the_booking_gets_the_upcoming_call(
    radicale,
    client,
    session,
    world,
    order,
    carla,
    local_calendars,
):
    first, _second = two_days()
    book(session, world, order, berlin(first, 10), team(world, carla))
    assert write_calendars(session) == ""  # nobody has a CalDAV calendar yet
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    assert calendar_line(page, "Leo").startswith("kein CalDAV-Kalender verbunden")

    url = radicale.make_calendar("alice")
    login(client, world.lead)
    fields = {
        "weekdays": ["0", "1", "2", "3", "4"],
        "day_start": "09:00",
        "day_end": "17:00",
        "timezone": "Europe/Berlin",
        "source": "caldav",
        "url": url,
        "username": "alice",
        "password": "alice-secret",
    }
    assert client.post("/account/calendar", data=fields).status_code == 302
    assert write_calendars(session) == "1 written"
    call = the_call(session, order)
    assert event_of(stored(radicale, "alice", url, call.uid)).start == berlin(first, 10)

    # Without a CalDAV calendar there is nothing the portal writes or reports as pending.
    fields |= {"source": "none", "url": "", "username": "", "password": ""}
    assert client.post("/account/calendar", data=fields).status_code == 302
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    assert calendar_line(page, "Leo").startswith("kein CalDAV-Kalender verbunden")


def test_a_removed_participant_sharing_the_calendar_does_not_delete_the_call(
    radicale,
    session,
    world,
    order,
    carla,
    alice,
):
    # Leo and Ida keep the team calendar together.
    connect(session, world.architect, "caldav", alice, "alice", "alice-secret")
    first, second = two_days()
    book(session, world, order, berlin(first, 10), team(world, carla))
    assert write_calendars(session) == "2 written"
    book(session, world, order, berlin(second, 14), team(world, carla, architect=False))
    assert write_calendars(session) == "1 written"  # Leo's update; no delete for Ida
    call = the_call(session, order)
    assert event_of(stored(radicale, "alice", alice, call.uid)).start == berlin(second, 14)
