"""The setup call against real servers on 127.0.0.1: Radicale (CalDAV and ICS feed) and aiosmtpd.

Leo (project lead) reads and writes Alice's Radicale calendar over CalDAV, Ida (architect) Bob's;
Anna (partner) publishes an ICS feed, which Radicale serves as well. Their passwords are sealed
in the vault, as the portal stores them. 127.0.0.1 is an internal address: the fixtures admit it
through CALENDAR_ALLOWED_HOSTS, as an operator would for an internal calendar server. The portal
writes calendars only in the worker's "calendars" job, which the tests run with write_calendars().
"""

import re
import time as clock
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from caldav.lib.error import NotFoundError
from icalendar import Calendar
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal import vault, worker
from portal.calendar import sources
from portal.calendar.guard import Policy
from portal.extensions import db
from portal.models import CalendarWrite, OutboxMessage, User, utcnow
from portal.models.call import CANCELLED
from portal.models.outbox import PENDING, SENT
from portal.services import calendar_sync, calls, links
from portal.services.calls import Invitee
from portal.services.calls.rules import BERLIN
from portal.services.errors import Conflict
from tests.conftest import login
from tests.helpers import deliver
from tests.radicale_server import (  # noqa: F401
    RadicaleServer,
    free_port,
    radicale,
    running_radicale,
)
from tests.smtp_server import Recorder as SmtpRecorder
from tests.test_calendar_sources import vcalendar
from tests.test_calls import (  # noqa: F401 - fixtures
    ANNA,
    CARLA,
    IDA,
    LEO,
    ORGANIZER,
    assert_event,
    assert_mime_layout,
    book,
    carla,
    completion,
    event_of,
    future_days,
    hours_of,
    invitations,
    lara,
    last_mail_id,
    mails,
    new_order,
    order,
    required,
    team,
    the_call,
)

FORMAT = "%Y%m%dT%H%M%S"


# ---------------------------------------------------------------- calendars


def connect(session, user: User, source: str, url: str, username="", password=None) -> None:
    """Point a staff member's calendar settings at a server; the password goes into the vault."""
    settings = hours_of(session, user)
    settings.source, settings.url, settings.username = source, url, username or None
    if password is not None:
        secret = vault.seal(session, password, "caldav_password")
        session.flush()
        settings.password_id = secret.id
    session.commit()


def busy(server, user: str, url: str, uid: str, start: datetime, end: datetime, *extra) -> None:
    """Store one event (Berlin wall-clock times) in a user's Radicale calendar."""
    server.add_event(
        url,
        user,
        vcalendar(
            uid,
            f"DTSTART;TZID=Europe/Berlin:{start.astimezone(BERLIN).strftime(FORMAT)}",
            f"DTEND;TZID=Europe/Berlin:{end.astimezone(BERLIN).strftime(FORMAT)}",
            "SUMMARY:Termin",
            *extra,
        ),
    )


def stored(server, user: str, url: str, uid: str) -> Calendar | None:
    """The event with this UID as the user's calendar holds it, or None."""
    with server.client(user) as client:
        try:
            return Calendar.from_ical(client.calendar(url=url).event_by_uid(uid).data)
        except NotFoundError:
            return None


def write_calendars(session) -> str:
    """Run the worker's calendar job once, as `flask work` does; its one-line summary."""
    return worker.run_once(session, {"calendars": worker.JOBS["calendars"]})["calendars"]


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN)


def two_days() -> tuple[date, date]:
    """Two consecutive future working days (Monday to Thursday and the day after)."""
    first = next(day for day in future_days(6) if day.weekday() <= 3)
    return first, first + timedelta(days=1)


@pytest.fixture
def local_calendars(app):
    """The operator's allow-list admits the calendar servers on 127.0.0.1."""
    app.config["CALENDAR_ALLOWED_HOSTS"] = "127.0.0.1"


@pytest.fixture
def alice(radicale, session, world, order, local_calendars):  # noqa: F811
    """Leo's calendar: a new collection of Alice's, read and written over CalDAV."""
    url = radicale.make_calendar("alice")
    connect(session, world.lead, "caldav", url, "alice", "alice-secret")
    return url


@pytest.fixture
def bob(radicale, session, world, order, local_calendars):  # noqa: F811
    """Ida's calendar: a new collection of Bob's, read and written over CalDAV."""
    url = radicale.make_calendar("bob")
    connect(session, world.architect, "caldav", url, "bob", "bob-secret")
    return url


def test_busy_times_from_caldav_and_an_ics_feed_give_the_expected_free_slots(
    radicale,  # noqa: F811
    session,
    world,
    order,  # noqa: F811
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


def test_the_booked_event_is_written_to_the_calendars_and_follows_every_change(
    radicale,  # noqa: F811
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
    alice,
    bob,
    lara,  # noqa: F811
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


def test_the_pick_is_checked_against_the_calendars_at_that_moment(
    radicale,  # noqa: F811
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
    alice,
):
    first, second = two_days()
    offered = [berlin(first, 9), berlin(first, 11), berlin(second, 14)]
    offer = calls.offer(
        session,
        world.partner,
        order.id,
        invitees=team(world, carla),
        starts=[t.isoformat() for t in offered],
        duration=60,
    )
    # Leo accepts another meeting at the first offered time, in his own calendar.
    busy(radicale, "alice", alice, "leo-meanwhile", berlin(first, 9), berlin(first, 10))

    result = calls.pick(session, order, offer.id, offered[0].isoformat(), "Carla Kunde")
    assert not result.booked and [s.start for s in result.fresh] == offered[1:]
    result = calls.pick(session, order, offer.id, offered[2].isoformat(), "Carla Kunde")
    assert result.booked
    call = the_call(session, order)
    assert call.starts_at == offered[2]
    assert write_calendars(session) == "1 written"
    cal = stored(radicale, "alice", alice, call.uid)
    assert_event(
        cal, method=None, call=call, people=required(LEO, ANNA, IDA, CARLA), status="CONFIRMED"
    )


def calendar_line(page: str, name: str) -> str:
    """What the planning page says about one person's calendar, as plain text."""
    found = re.search(rf"<dt>{name}[^<]*</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, f"no calendar line for {name}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def make_due(session) -> None:
    """Let the back-off time pass: every calendar write is due now."""
    session.execute(update(CalendarWrite).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    session.commit()


def test_an_unreachable_calendar_gives_a_clear_message_and_loses_nothing(
    radicale,  # noqa: F811
    client,
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
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
    order,  # noqa: F811
    carla,  # noqa: F811
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
    radicale,  # noqa: F811
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
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
    radicale,  # noqa: F811
    client,
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
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
    order,  # noqa: F811
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
    radicale,  # noqa: F811
    client,
    runner,
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
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
    radicale,  # noqa: F811
    client,
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
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
    radicale,  # noqa: F811
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
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


# ---------------------------------------------------------------- SMTP


class Recorder(SmtpRecorder):
    """The shared recorder, plus taking what arrived since the last look, parsed."""

    def take(self) -> list[tuple[list[str], EmailMessage]]:
        """The envelopes received since the last take: (recipients, parsed message)."""
        taken, self.envelopes = self.envelopes, []
        for envelope in taken:
            assert envelope.mail_from == ORGANIZER.removeprefix("mailto:")
        return [
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
            for envelope in taken
        ]


@pytest.fixture
def recorder_class():
    return Recorder


def received(recorder: Recorder) -> dict[str, tuple[EmailMessage, Calendar]]:
    """Recipient -> (invitation, its calendar): one envelope per message, one per recipient."""
    found = {}
    for recipients, message in recorder.take():
        assert len(recipients) == 1 and recipients == [str(message["To"])]
        part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
        if part is None:
            continue  # questionnaire links
        assert recipients[0] not in found, f"two invitations to {recipients[0]}"
        found[recipients[0]] = (message, Calendar.from_ical(part.get_payload(decode=True)))
    return found


def test_every_attendee_receives_booking_change_and_cancellation_over_smtp(
    start_smtp,
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
):
    smtp = start_smtp()
    first, second = two_days()
    before = last_mail_id(session)
    book(session, world, order, berlin(first, 10), team(world, carla))
    call = the_call(session, order)
    assert smtp.envelopes == []  # the booking only queued; the worker sends
    deliver(session)
    got = received(smtp)
    assert set(got) == {LEO, ANNA, IDA, CARLA}
    for _message, cal in got.values():
        assert_event(
            cal,
            method="REQUEST",
            call=call,
            people=required(LEO, ANNA, IDA, CARLA),
            status="CONFIRMED",
        )
    for message, _cal in got.values():
        assert_mime_layout(message, "REQUEST")
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id > before))
    assert {row.status for row in rows} == {SENT}

    book(session, world, order, berlin(second, 15), team(world, carla, architect=False))
    call = the_call(session, order)
    deliver(session)
    got = received(smtp)
    assert set(got) == {LEO, ANNA, IDA, CARLA}
    for address in (LEO, ANNA, CARLA):
        message, cal = got[address]
        assert_mime_layout(message, "REQUEST")
        assert_event(
            cal, method="REQUEST", call=call, people=required(LEO, ANNA, CARLA), status="CONFIRMED"
        )
    message, cal = got[IDA]
    assert_mime_layout(message, "CANCEL")
    assert (cal["METHOD"], str(event_of(cal)["UID"]), event_of(cal)["SEQUENCE"]) == (
        "CANCEL",
        call.uid,
        1,
    )

    calls.cancel(session, world.partner, order.id)
    call = the_call(session, order)
    deliver(session)
    got = received(smtp)
    assert set(got) == {LEO, ANNA, CARLA}
    for message, cal in got.values():
        assert_mime_layout(message, "CANCEL")
        assert_event(
            cal, method="CANCEL", call=call, people=required(LEO, ANNA, CARLA), status="CANCELLED"
        )


def test_questionnaire_links_go_out_over_smtp_with_the_first_booking(
    start_smtp,
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
):
    smtp = start_smtp()
    first, _second = two_days()
    book(session, world, order, berlin(first, 10), team(world, carla))
    deliver(session)
    to_carla = [message for recipients, message in smtp.take() if recipients == [CARLA]]
    assert len(to_carla) == 2
    mail_ = next(m for m in to_carla if m.get_content_type() == "multipart/alternative")
    text = mail_.get_body(("plain",)).get_content()
    assert text.count("http://127.0.0.1:5000/r/") == 2
    tokens = re.findall(r"/r/([A-Za-z0-9_-]{43})\b", text)
    assert len(tokens) == 2 and all(links.redeem(session, t) for t in tokens)


def test_a_hanging_mail_server_never_holds_up_the_booking_the_worker_delivers_later(
    app,
    client,
    runner,
    session,
    world,
    order,  # noqa: F811
    carla,  # noqa: F811
    silent_smtp,  # after the order: its confirmation is not part of this test
    start_smtp,
):
    """A server that accepts connections and never answers: the booking (4 invitations and
    the links, 5 mails) returns at once and says the mails are queued; the worker delivers
    once the server behaves."""
    app.config["SMTP_TIMEOUT"] = 10  # inside a request, 5 mails could wait 5 × 10 s
    login(client, world.partner)
    first, _second = two_days()
    before = last_mail_id(session)
    form = {
        "duration": "60",
        "architect": str(world.architect.id),
        "contact": str(carla.id),
        "start": berlin(first, 10).isoformat(),
    }
    started = clock.monotonic()
    response = client.post(f"/orders/{order.id}/call/book", data=form)
    elapsed = clock.monotonic() - started
    # Generous for a busy machine, and still less than a single SMTP timeout.
    assert elapsed < app.config["SMTP_TIMEOUT"], f"the booking took {elapsed:.1f} s"
    body = client.get(response.location).get_data(as_text=True)
    assert "Der Setup Call ist gebucht; die Einladungen sind zum Versand eingereiht." in body
    call = the_call(session, order)
    assert call is not None and completion(session, order) is not None
    session.expire_all()
    waiting = session.scalars(select(OutboxMessage).where(OutboxMessage.id > before)).all()
    assert len(waiting) == 5  # 4 invitations, 1 links
    assert {(row.status, row.attempts) for row in waiting} == {(PENDING, 0)}

    # The worker waits on the hanging server instead; the mails stay queued.
    app.config["SMTP_TIMEOUT"] = 0.5
    assert deliver(session) == "5 retry"
    session.expire_all()
    assert all("timed out" in row.last_error for row in waiting)

    silent_smtp()
    smtp = start_smtp()
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.status == PENDING)):
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
    session.commit()
    result = runner.invoke(args=["work"])
    assert result.exit_code == 0 and "outbox: 5 sent" in result.output, result.output
    assert len(smtp.envelopes) == 5
    got = received(smtp)
    assert set(got) == {LEO, ANNA, IDA, CARLA}
    for message, cal in got.values():
        assert_mime_layout(message, "REQUEST")
        assert_event(
            cal,
            method="REQUEST",
            call=call,
            people=required(LEO, ANNA, IDA, CARLA),
            status="CONFIRMED",
        )
    assert "outbox: nothing due" in runner.invoke(args=["work"]).output  # exactly once
    assert smtp.envelopes == []
