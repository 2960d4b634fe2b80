"""The setup call: find a time, book, offer and pick, reschedule, cancel; invitations parsed back.

Every generated invitation is read back with the email package and icalendar. Times are a few
working days ahead of the real clock (the mail links and their expiry use it as well); the one
test that needs a fixed moment (the switch to summer time) freezes the clock of
portal.services.calls (utcnow in each of its modules that reads it).
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import current_app
from icalendar import Calendar
from sqlalchemy import func, select

from portal import vault
from portal.calendar import slots
from portal.models import (
    AuditEvent,
    CustomerContact,
    CustomerLink,
    OutboxMessage,
    Role,
    SetupCall,
    SlotOffer,
    StaffCalendar,
    StepCompletion,
    User,
)
from portal.models.call import BOOKED, CANCELLED
from portal.models.outbox import KEPT
from portal.services import calls, orders
from portal.services.calls import Invitee, availability, booking, pages, slot_offer
from portal.services.calls import mails as call_mails
from portal.services.calls.rules import BERLIN
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.links import hash_token
from tests.conftest import add_user, login
from tests.helpers import deliver, place

ORGANIZER = "mailto:onboarding@saxess.example"
AGENDA = (
    "1. Vorstellung\n2. Technischer Fragebogen; Antworten prüfen\n3. <b>Datenfluss</b> & Ablauf"
)
VIDEO = "https://meet.example/cpce-acme?pin=42&room=7"
LOCATION = "Saxess, Raum 2"


# ---------------------------------------------------------------- building blocks


# Fixed once per run, so that a test running across midnight keeps its days.
TOMORROW = datetime.now(BERLIN).date() + timedelta(days=1)


def future_days(count: int = 12) -> list[date]:
    """Working days from tomorrow (Berlin) on: every time on them lies ahead of the real clock."""
    return slots.working_days(TOMORROW, count)


def at(index: int, hour: int, minute: int = 0) -> datetime:
    """A Berlin wall-clock time on the index-th future working day."""
    return datetime.combine(future_days(index + 1)[index], time(hour, minute), BERLIN)


def give_hours(session, *users: User, **fields) -> None:
    """Working hours (default Mon-Fri 9-17 Berlin) for staff users."""
    for user in users:
        session.add(StaffCalendar(user_id=user.id, **fields))
    session.commit()


def new_order(session, world, code="ACME", deployment="cp_cloud", lead=None, partner=None):
    """An accepted order, its confirmation mail delivered; lead is its project lead."""
    order = place(session, world, code=code, deployment=deployment, partner=partner)
    orders.accept_order(session, world.backoffice, order.id, (lead or world.lead).id)
    deliver(session)
    return order


@pytest.fixture
def order(session, world):
    """An accepted CP Cloud order; lead, partner, architect and technician work Mon-Fri 9-17."""
    created = new_order(session, world)
    give_hours(session, world.lead, world.partner, world.architect, world.technician)
    return created


@pytest.fixture
def carla(session, world, order):
    """A German-speaking customer contact."""
    return calls.add_contact(
        session,
        world.partner,
        order.id,
        name="Carla  Kunde",
        email=" Carla@ACME.example ",
        phone="+49 30 123",
        role="IT-Leitung",
        language="de",
    )


@pytest.fixture
def chris(session, world, order):
    """An English-speaking customer contact."""
    return calls.add_contact(
        session,
        world.partner,
        order.id,
        name="Chris Customer",
        email="chris@acme.example",
        language="en",
    )


@pytest.fixture
def lara(session, world):
    """A second project lead with working hours, for a second order that does not involve Leo."""
    user = add_user(session, world.vendor_org, Role.PROJECT_LEAD, "lara@saxess.example")
    session.commit()
    give_hours(session, user)
    return user


def team(world, *contacts, architect=True, optional=()) -> list[Invitee]:
    """Leo (project lead) and Anna (partner), Ida (architect) and the given contacts."""
    people = [Invitee(user_id=world.lead.id), Invitee(user_id=world.partner.id)]
    if architect:
        people.append(Invitee(user_id=world.architect.id, required="architect" not in optional))
    return people + [Invitee(contact_id=c.id, required=c.email not in optional) for c in contacts]


def book(session, world, order, start, people, **fields) -> None:
    """Book as the partner with location, video link and agenda."""
    fields = {"duration": 60, "location": LOCATION, "video_url": VIDEO, "agenda": AGENDA} | fields
    calls.book(session, world.partner, order.id, invitees=people, start=start, **fields)


def last_mail_id(session) -> int:
    return session.scalar(select(func.max(OutboxMessage.id))) or 0


def mails(session, since: int = 0) -> list[EmailMessage]:
    """The messages queued after id `since` as the worker delivers them (.eml files without
    SMTP, secret links put in), parsed as the receiving side would."""
    deliver(session)
    session.expire_all()
    ids = session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.id > since).order_by(OutboxMessage.id)
    )
    folder = Path(current_app.config["MAIL_DIR"])
    return [
        message_from_string(next(folder.glob(f"{i}-*.eml")).read_text(), policy=policy.default)
        for i in ids
    ]


def calendar_part(message: EmailMessage) -> EmailMessage | None:
    return next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)


def invitations(messages: list[EmailMessage]) -> dict[str, Calendar]:
    """Recipient address -> the parsed calendar of each invitation among the messages."""
    found = {}
    for message in messages:
        part = calendar_part(message)
        if part is not None:
            assert message["To"] not in found, f"two invitations to {message['To']}"
            found[str(message["To"])] = Calendar.from_ical(part.get_payload(decode=True))
    return found


def plain_mails(messages: list[EmailMessage]) -> dict[str, list[EmailMessage]]:
    """Recipient -> the messages without a calendar (questionnaire links, offers)."""
    found: dict[str, list[EmailMessage]] = {}
    for message in messages:
        if calendar_part(message) is None:
            found.setdefault(str(message["To"]), []).append(message)
    return found


def text_of(message: EmailMessage, kind: str = "plain") -> str:
    return message.get_body((kind,)).get_content()


def event_of(cal: Calendar):
    (event,) = cal.walk("VEVENT")
    return event


def attendees(event) -> dict[str, dict]:
    """mailto address -> parameters of every ATTENDEE."""
    values = event.get("ATTENDEE")
    values = values if isinstance(values, list) else [values]
    return {str(v).removeprefix("mailto:"): dict(v.params) for v in values}


def assert_mime_layout(message: EmailMessage, method: str) -> None:
    """multipart/mixed [multipart/alternative [plain, html, calendar], invite.ics]."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    parts = alternative.get_payload()
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "text/calendar"]
    assert parts[2].get_param("method") == method
    assert parts[2].get_param("charset").upper() == "UTF-8"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_payload(decode=True) == parts[2].get_payload(decode=True)
    assert message["From"].addresses[0].addr_spec == ORGANIZER.removeprefix("mailto:")


def assert_berlin_zone(cal: Calendar) -> None:
    """One VTIMEZONE Europe/Berlin written as yearly rules (RRULE), no RDATE lists."""
    (zone,) = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    kinds = {}
    for part in zone.subcomponents:
        assert "RDATE" not in part
        rule = part["RRULE"]
        assert (rule["FREQ"], rule["BYDAY"]) == (["YEARLY"], ["-1SU"])
        kinds[part.name] = (rule["BYMONTH"], part["TZNAME"])
    assert kinds == {"DAYLIGHT": ([3], "CEST"), "STANDARD": ([10], "CET")}


def assert_event(
    cal: Calendar,
    *,
    method: str | None,
    call: SetupCall,
    people: dict[str, str],
    status: str,
) -> None:
    """Check every point of the issue; people maps address -> ROLE."""
    assert cal.get("METHOD") == method
    assert_berlin_zone(cal)
    event = event_of(cal)
    assert str(event["UID"]) == call.uid
    assert event["SEQUENCE"] == call.sequence
    stamp = event.decoded("DTSTAMP")
    assert stamp.utcoffset() == timedelta(0) and event["DTSTAMP"].to_ical().endswith(b"Z")
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=5)
    for key, moment in (("DTSTART", call.starts_at), ("DTEND", call.ends_at)):
        assert event[key].params["TZID"] == "Europe/Berlin"
        assert event.decoded(key) == moment
        # The wall-clock time as written must be the Berlin time of the instant.
        local = moment.astimezone(BERLIN).strftime("%Y%m%dT%H%M%S").encode()
        assert event[key].to_ical() == local
    assert str(event["ORGANIZER"]) == ORGANIZER
    assert str(event["STATUS"]) == status
    found = attendees(event)
    assert set(found) == set(people)
    for address, params in found.items():
        assert params["CN"]
        assert params["ROLE"] == people[address]
        assert (params["PARTSTAT"], params["RSVP"]) == ("NEEDS-ACTION", "TRUE")
    if call.video_url:
        assert str(event["URL"]) == call.video_url
    if call.location or call.video_url:
        assert str(event["LOCATION"]) == (call.location or call.video_url)
    else:
        assert "LOCATION" not in event and "URL" not in event
    assert str(event["DESCRIPTION"]) == call.agenda


def required(*addresses: str) -> dict[str, str]:
    return dict.fromkeys(addresses, "REQ-PARTICIPANT")


def the_call(session, order) -> SetupCall:
    session.expire_all()
    return session.scalar(select(SetupCall).where(SetupCall.order_id == order.id))


def completion(session, order) -> StepCompletion | None:
    session.expire_all()
    return session.scalar(
        select(StepCompletion).where(
            StepCompletion.order_id == order.id, StepCompletion.step == "schedule_call"
        )
    )


def tokens_in(message: EmailMessage) -> list[str]:
    return re.findall(r"/r/([A-Za-z0-9_-]{20,})", text_of(message))


def link_of(session, token: str) -> CustomerLink:
    return session.scalar(select(CustomerLink).where(CustomerLink.token_hash == hash_token(token)))


def hours_of(session, user: User) -> StaffCalendar:
    return session.scalar(select(StaffCalendar).where(StaffCalendar.user_id == user.id))


def history_on(body: str) -> str:
    """The call history on the order page."""
    return body.split("<summary>Verlauf</summary>", 1)[1].split("</details>", 1)[0]


LEO, ANNA, IDA = "leo@saxess.example", "anna@cp.example", "ida@saxess.example"
CARLA, CHRIS = "carla@acme.example", "chris@acme.example"


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


# ---------------------------------------------------------------- booking: the invitation


def test_booking_sends_every_participant_an_rfc_invitation_through_the_outbox(
    app, session, world, order, carla, tmp_path
):
    start = at(2, 10, 30)
    people = team(world, carla, optional=("architect",))
    book(session, world, order, start, people)

    call = the_call(session, order)
    assert (call.status, call.sequence) == (BOOKED, 0)
    assert (call.starts_at, call.ends_at) == (start, start + timedelta(hours=1))
    assert call.uid.endswith("@saxess.example") and len(call.uid) > 40
    assert [(p.user_id, p.contact_id, p.required) for p in call.participants] == [
        (world.lead.id, None, True),
        (world.partner.id, None, True),
        (world.architect.id, None, False),
        (None, carla.id, True),
    ]
    messages = mails(session)
    sent = invitations(messages)
    assert set(sent) == {LEO, ANNA, IDA, CARLA}  # one message per participant
    expected = required(LEO, ANNA, CARLA) | {IDA: "OPT-PARTICIPANT"}
    for cal in sent.values():
        assert_event(cal, method="REQUEST", call=call, people=expected, status="CONFIRMED")
    event = event_of(sent[CARLA])
    names = {address: params["CN"] for address, params in attendees(event).items()}
    assert names == {LEO: "Leo", ANNA: "Anna", IDA: "Ida", CARLA: "Carla Kunde"}
    # The organizer is the portal's sending address (MAIL_FROM), name included.
    assert f"{event['ORGANIZER'].params['CN']} <{ORGANIZER[7:]}>" == app.config["MAIL_FROM"]
    for message in messages:
        if calendar_part(message) is not None:
            assert_mime_layout(message, "REQUEST")
            assert len(message.get_all("To")) == 1
    # Written to the outbox (kept as .eml without SMTP_HOST), not sent around it.
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Einladung%")))
    assert {row.status for row in rows} == {KEPT}
    assert len(list((tmp_path / "mail").glob("*-einladung-setup-call-*.eml"))) == 4

    to_carla = next(m for m in messages if m["To"] == CARLA and calendar_part(m))
    assert to_carla["Subject"].startswith("Einladung: Setup Call CPCE – ACME GmbH")
    text, html = text_of(to_carla), text_of(to_carla, "html")
    for body in (text, html):
        assert "Guten Tag Carla Kunde" in body
        assert start.astimezone(BERLIN).strftime("%H:%M") in body
        assert LOCATION in body and VIDEO.split("?")[0] in body
    assert AGENDA in text
    assert "&lt;b&gt;Datenfluss&lt;/b&gt; &amp; Ablauf" in html and "<b>Datenfluss" not in html

    audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "call.booked"))
    assert audit.actor_label == ANNA and audit.payload["sequence"] == 0


def test_the_location_falls_back_to_the_video_link(session, world, order):
    book(session, world, order, at(1, 9), team(world), location="", agenda="")
    event = event_of(invitations(mails(session))[LEO])
    assert str(event["LOCATION"]) == VIDEO == str(event["URL"])
    assert str(event["DESCRIPTION"]) == ""


def test_a_call_booked_in_march_for_after_the_switch_to_summer_time_keeps_its_wall_clock(
    session, world, order, monkeypatch
):
    today = datetime.now(BERLIN).date()
    year = today.year
    while True:  # the next last Sunday of March that is more than a week away
        switch = date(year, 3, 31) - timedelta(days=(date(year, 3, 31).weekday() + 1) % 7)
        if switch - today > timedelta(days=7):
            break
        year += 1
    assert switch.weekday() == 6 and switch.month == 3
    now = datetime.combine(switch - timedelta(days=4), time(12), BERLIN)  # Wednesday, winter time
    for module in (availability, booking, call_mails, pages, slot_offer):
        monkeypatch.setattr(module, "utcnow", lambda: now.astimezone(UTC))

    found = calls.search(session, world.partner, order.id, team(world), 60, now=now)
    friday, monday = switch - timedelta(days=2), switch + timedelta(days=1)
    for day, utc_hour in ((friday, 8), (monday, 7)):
        day_slots = [s for s in found.slots if s.start.date() == day]
        assert [s.start.strftime("%H:%M") for s in day_slots][:3] == ["09:00", "09:30", "10:00"]
        assert day_slots[0].start.astimezone(UTC).hour == utc_hour

    tuesday_ten = datetime.combine(switch + timedelta(days=2), time(10), BERLIN)
    book(session, world, order, tuesday_ten, team(world))
    call = the_call(session, order)
    assert call.starts_at == tuesday_ten and call.starts_at.astimezone(UTC).hour == 8
    cal = invitations(mails(session))[LEO]
    assert_event(
        cal, method="REQUEST", call=call, people=required(LEO, ANNA, IDA), status="CONFIRMED"
    )
    event = event_of(cal)
    assert event["DTSTART"].to_ical().endswith(b"T100000")
    # The VTIMEZONE's own rules (not the reader's tz database) put it at +02:00, and the day
    # of booking at +01:00.
    zone = cal.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    wall = datetime.combine(tuesday_ten.date(), time(10), zone)
    assert wall.utcoffset() == timedelta(hours=2)
    assert wall.astimezone(UTC) == call.starts_at
    assert now.replace(tzinfo=zone).utcoffset() == timedelta(hours=1)
    assert "10:00" in text_of(mails(session)[-1])


def test_booking_completes_schedule_call_with_the_start(session, world, order):
    assert completion(session, order) is None
    start = at(1, 14)
    book(session, world, order, start, team(world))
    done = completion(session, order)
    assert done.details["starts_at"] == start.astimezone(UTC).isoformat()
    assert done.completed_by_id == world.partner.id
    assert done.details["call_id"] == the_call(session, order).id
    later = at(2, 9)
    book(session, world, order, later, team(world))
    assert completion(session, order).details["starts_at"] == later.astimezone(UTC).isoformat()


# ---------------------------------------------------------------- booking: refusals


def test_a_busy_required_participant_is_a_conflict_naming_who(session, world, order, lara):
    beta = new_order(session, world, code="BETA", lead=lara)
    start = at(1, 10)
    book(
        session, world, beta, start, [Invitee(user_id=lara.id), Invitee(user_id=world.architect.id)]
    )
    before = last_mail_id(session)

    with pytest.raises(Conflict) as refused:
        book(session, world, order, start + timedelta(minutes=30), team(world))
    assert refused.value.message == "Zu diesem Termin ist nicht jeder frei: Ida (hat einen Termin)"
    with pytest.raises(Conflict, match=r"Leo \(außerhalb der Arbeitszeit\).*Anna \(außerhalb"):
        book(session, world, order, at(1, 16, 30), team(world))
    assert the_call(session, order) is None and mails(session, before) == []

    # Optional people may be busy: they are invited anyway.
    book(session, world, order, start, team(world, optional=("architect",)))
    assert the_call(session, order).starts_at == start


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start": "gestern"}, "Ungültiger Termin"),
        ({"duration": 45}, "Dauer"),
        ({"video_url": "javascript:alert(1)"}, "https://"),
        ({"video_url": "https://meet.example/a b"}, "ungültig"),
        ({"video_url": "https://meet.example/\r\nX-Evil: 1"}, "ungültig"),
        ({"video_url": "https://meet.example/räume"}, "ungültig"),
        ({"video_url": "https://meet.example/" + "x" * 500}, "ungültig"),
        ({"location": "x" * 301}, "zu lang"),
        ({"agenda": "x" * 5001}, "zu lang"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(session, world, order, fields, message):
    fields = {"start": at(1, 10)} | fields
    before = last_mail_id(session)
    with pytest.raises(Invalid, match=message):
        book(session, world, order, people=team(world), **fields)
    assert the_call(session, order) is None and mails(session, before) == []


def test_a_time_in_the_past_is_refused(session, world, order):
    with pytest.raises(Invalid, match="Vergangenheit"):
        book(session, world, order, datetime.now(UTC) - timedelta(hours=1), team(world))
    assert the_call(session, order) is None


def test_strangers_are_refused_as_participants(session, world, order):
    other = new_order(session, world, code="OTHR", partner=world.other_partner)
    stranger = calls.add_contact(
        session, world.other_partner, other.id, name="Olga Other", email="olga@other.example"
    )
    for people in (
        team(world, stranger),  # a contact of another customer
        team(world) + [Invitee(user_id=world.other_partner.id)],  # another partner's staff
        team(world) + [Invitee(user_id=world.admin.id)],  # not a call role
        team(world) + [Invitee(user_id=9999)],
        team(world) + [Invitee(contact_id=9999)],
    ):
        with pytest.raises(Invalid, match="unbekannt"):
            book(session, world, order, at(1, 10), people)
    with pytest.raises(Invalid, match="Projektleiter"):
        book(session, world, order, at(1, 10), team(world)[1:])
    assert the_call(session, order) is None


def test_only_the_orders_partner_books(session, world, order):
    for actor in (world.lead, world.backoffice, world.architect, world.admin):
        with pytest.raises(Forbidden):
            calls.book(session, actor, order.id, invitees=team(world), start=at(1, 10), duration=60)
    with pytest.raises(NotFound):
        calls.book(
            session,
            world.other_partner,
            order.id,
            invitees=team(world),
            start=at(1, 10),
            duration=60,
        )
    with pytest.raises(Forbidden):
        calls.cancel(session, world.lead, order.id)
    with pytest.raises(NotFound):
        calls.cancel(session, world.other_partner, order.id)


# ---------------------------------------------------------------- links with the booking


def test_with_the_booking_the_contacts_get_both_questionnaire_links(session, world, order, carla):
    before = last_mail_id(session)
    book(session, world, order, at(1, 10), team(world, carla))
    (message,) = plain_mails(mails(session, before))[CARLA]
    assert message["Subject"] == "CPCE: Ihre Fragebögen zur Einrichtung"
    assert "Guten Tag Carla Kunde" in text_of(message)
    tokens = tokens_in(message)
    assert len(tokens) == 2
    assert {link_of(session, t).questionnaire for t in tokens} == {"technical", "business"}
    assert all(link_of(session, t).order_id == order.id for t in tokens)
    html = text_of(message, "html")
    assert all(f"/r/{t}" in html for t in tokens)
    # Moving the call sends no new links; staff staff get none at all.
    before = last_mail_id(session)
    book(session, world, order, at(2, 10), team(world, carla))
    assert plain_mails(mails(session, before)) == {}


def test_english_contacts_get_their_mails_in_english(session, world, order, chris):
    before = last_mail_id(session)
    # The agenda is the partner's own text and stays as typed, so it is English here.
    book(session, world, order, at(1, 10), team(world, chris), agenda="1. Welcome")
    messages = [m for m in mails(session, before) if m["To"] == CHRIS]
    assert len(messages) == 2
    for message in messages:
        body = text_of(message) + message["Subject"]
        assert "Chris Customer" in body
        for german in ("Guten Tag", "Fragebogen", "Fragebögen", "Einladung", "Grüße"):
            assert german not in body, (german, message["Subject"])


def test_english_contacts_get_english_dates(session, world, order, chris):
    start = at(1, 14)
    book(session, world, order, start, team(world, chris))
    message = next(m for m in mails(session) if m["To"] == CHRIS and calendar_part(m))
    assert "2:00\u202fPM" in message["Subject"] or "2:00 PM" in message["Subject"]


# ---------------------------------------------------------------- reschedule and cancel


def test_reschedule_keeps_the_uid_raises_sequence_and_cancels_for_removed_people(
    session, world, order, carla, chris
):
    book(session, world, order, at(1, 10), team(world, carla, chris))
    first = the_call(session, order)
    uid = first.uid
    before = last_mail_id(session)

    later = at(3, 13, 30)
    book(
        session, world, order, later, team(world, carla, architect=False), duration=90, location=""
    )
    call = the_call(session, order)
    assert (call.uid, call.sequence, call.starts_at) == (uid, 1, later)
    assert call.ends_at == later + timedelta(minutes=90)
    messages = mails(session, before)
    sent = invitations(messages)
    assert set(sent) == {LEO, ANNA, CARLA, IDA, CHRIS}
    for address in (LEO, ANNA, CARLA):
        assert_event(
            sent[address],
            method="REQUEST",
            call=call,
            people=required(LEO, ANNA, CARLA),
            status="CONFIRMED",
        )
    # RFC 5546 3.2.5: those taken off the call get a CANCEL that names them.
    for address in (IDA, CHRIS):
        cal = sent[address]
        assert cal["METHOD"] == "CANCEL"
        event = event_of(cal)
        assert (str(event["UID"]), event["SEQUENCE"]) == (uid, 1)
        assert str(event["STATUS"]) == "CANCELLED"
        assert set(attendees(event)) == {IDA, CHRIS}  # the removed ones, not those who stay
        message = next(m for m in messages if m["To"] == address)
        assert_mime_layout(message, "CANCEL")
        expected = "no longer expected" if address == CHRIS else "nicht mehr vorgesehen"
        assert expected in text_of(message)
    to_leo = next(m for m in messages if m["To"] == LEO)
    assert "hat sich geändert" in text_of(to_leo)
    history = [(e.kind, e.sequence, e.details.get("removed")) for e in call.history]
    assert history == [("booked", 0, []), ("rescheduled", 1, [IDA, CHRIS])]
    assert call.history[1].by == ANNA


def test_cancel_sends_every_attendee_a_cancel_and_reopens_the_step(session, world, order, carla):
    start = at(2, 11)
    book(session, world, order, start, team(world, carla))
    uid = the_call(session, order).uid
    before = last_mail_id(session)

    calls.cancel(session, world.partner, order.id, "Kunde verhindert")
    call = the_call(session, order)
    assert (call.status, call.uid, call.sequence, call.starts_at) == (CANCELLED, uid, 1, start)
    messages = mails(session, before)
    sent = invitations(messages)
    assert set(sent) == {LEO, ANNA, IDA, CARLA}
    for cal in sent.values():
        assert_event(
            cal,
            method="CANCEL",
            call=call,
            people=required(LEO, ANNA, IDA, CARLA),
            status="CANCELLED",
        )
        assert not event_of(cal).walk("VALARM")
    for message in messages:
        assert_mime_layout(message, "CANCEL")
        assert message["Subject"].startswith("Abgesagt: Setup Call CPCE")
        assert "findet nicht statt" in text_of(message)
    assert completion(session, order) is None
    assert call.history[-1].kind == "cancelled" and call.history[-1].details == {
        "reason": "Kunde verhindert"
    }
    with pytest.raises(Conflict, match="kein Setup Call"):
        calls.cancel(session, world.partner, order.id)

    # Booking again: same UID, next SEQUENCE, a new request, the step completed again. Ida,
    # left out now, already has her cancellation and gets no second one.
    before = last_mail_id(session)
    book(session, world, order, start, team(world, carla, architect=False))
    call = the_call(session, order)
    assert (call.status, call.uid, call.sequence) == (BOOKED, uid, 2)
    sent = invitations(mails(session, before))
    assert set(sent) == {LEO, ANNA, CARLA}
    assert {cal["METHOD"] for cal in sent.values()} == {"REQUEST"}
    assert call.history[-1].kind == "booked" and call.history[-1].details == {"removed": []}
    assert completion(session, order) is not None


def test_provisioning_warning_grows_as_the_call_nears(session, world, order):
    monday = date(2027, 3, 1)

    def level(day: date, today: date = monday, **fields) -> str | None:
        call = SetupCall(
            starts_at=datetime.combine(day, time(10), BERLIN), status=fields.get("status", BOOKED)
        )
        return calls.provisioning_warning(fields.get("order", order), call, today)

    assert level(date(2027, 3, 25)) == "pending"
    assert level(date(2027, 3, 11)) == "pending"  # 8 working days ahead
    assert level(date(2027, 3, 10)) == "soon"  # 7
    assert level(date(2027, 3, 5)) == "soon"  # 4
    assert level(date(2027, 3, 4)) == "urgent"  # 3
    assert level(date(2027, 3, 2)) == "urgent"  # tomorrow
    assert level(monday) == "overdue"  # today
    assert level(date(2027, 2, 26)) == "overdue"  # already past
    assert level(date(2027, 3, 8), today=date(2027, 3, 6)) == "urgent"  # Saturday to Monday
    assert level(monday, status=CANCELLED) is None
    assert calls.provisioning_warning(order, None, monday) is None
    on_premises = new_order(session, world, code="ONPR", deployment="on_premises")
    assert level(monday, order=on_premises) is None
    session.add(StepCompletion(order_id=order.id, step="provision_cloud"))
    session.commit()
    session.refresh(order)
    assert level(monday) is None


# ---------------------------------------------------------------- offers, service level


def test_an_open_offer_holds_the_times_until_picked_and_then_releases_the_rest(
    session, world, order, carla, lara
):
    offered = [at(2, 9), at(2, 11), at(3, 14)]
    offer = calls.offer(
        session,
        world.partner,
        order.id,
        invitees=team(world, carla),
        starts=[t.isoformat() for t in offered],
        duration=60,
        location=LOCATION,
        video_url=VIDEO,
        agenda=AGENDA,
    )
    assert offer.status == "open" and len(offer.starts) == 3
    beta = new_order(session, world, code="BETA", lead=lara)
    ida_for_beta = [Invitee(user_id=lara.id), Invitee(user_id=world.architect.id)]
    now = datetime.combine(future_days(1)[0], time(0), BERLIN)

    def free_for_beta() -> set[datetime]:
        found = calls.search(session, world.partner, beta.id, ida_for_beta, 60, now=now)
        return {s.start for s in found.slots}

    assert not set(offered) & free_for_beta()  # held for ACME while the customer chooses
    with pytest.raises(Conflict, match="Ida"):
        book(session, world, beta, offered[0], ida_for_beta)

    result = calls.pick(session, order, offer.id, offered[1].isoformat(), "Carla Kunde")
    assert result.booked and result.fresh == []
    call = the_call(session, order)
    assert call.starts_at == offered[1] and call.history[0].by == "Carla Kunde (customer)"
    assert (call.location, call.video_url, call.agenda) == (LOCATION, VIDEO, AGENDA)
    session.refresh(offer)
    assert (offer.status, offer.picked_by) == ("picked", "Carla Kunde")
    assert completion(session, order).completed_by_id == world.partner.id
    free = free_for_beta()
    assert offered[0] in free and offered[2] in free and offered[1] not in free


def test_a_taken_or_past_pick_is_refused_with_fresh_options(session, world, order, carla, lara):
    offered = [at(2, 9), at(2, 11), at(3, 14)]
    offer = calls.offer(
        session,
        world.partner,
        order.id,
        invitees=team(world, carla),
        starts=[t.isoformat() for t in offered],
        duration=60,
    )
    # Meanwhile Ida joins another call at the first time (optional there, so it was allowed).
    beta = new_order(session, world, code="BETA", lead=lara)
    book(
        session,
        world,
        beta,
        offered[0],
        [Invitee(user_id=lara.id), Invitee(user_id=world.architect.id, required=False)],
    )

    result = calls.pick(session, order, offer.id, offered[0].isoformat(), "Carla Kunde")
    assert not result.booked
    assert [s.start for s in result.fresh] == offered[1:]
    assert the_call(session, order) is None
    session.refresh(offer)
    assert offer.status == "open"
    assert offer.starts == [t.astimezone(UTC).isoformat() for t in offered[1:]]
    audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "call.offer_refreshed"))
    assert audit.actor_label == "Carla Kunde (customer)"

    with pytest.raises(Invalid, match="nicht angeboten"):
        calls.pick(session, order, offer.id, offered[0].isoformat(), "Carla Kunde")
    with pytest.raises(Conflict, match="nicht mehr offen"):
        calls.pick(session, order, offer.id + 1, offered[1].isoformat(), "Carla Kunde")

    # An offered time that has passed meanwhile is treated like a taken one.
    offer.starts = [*offer.starts, (datetime.now(UTC) - timedelta(hours=1)).isoformat()]
    session.commit()
    result = calls.pick(session, order, offer.id, offer.starts[-1], "Carla Kunde")
    assert not result.booked and [s.start for s in result.fresh] == offered[1:]


def test_when_every_offered_time_is_gone_the_customer_gets_new_free_times(
    session, world, order, carla
):
    offered = at(2, 9)
    offer = calls.offer(
        session,
        world.partner,
        order.id,
        invitees=team(world, carla),
        starts=[offered.isoformat()],
        duration=60,
    )
    hours_of(session, world.lead).day_start = time(12)  # Leo no longer takes calls mornings
    session.commit()
    result = calls.pick(session, order, offer.id, offered.isoformat(), "Carla Kunde")
    assert not result.booked and 0 < len(result.fresh) <= 10
    assert all(s.start.astimezone(BERLIN).hour >= 12 for s in result.fresh)
    session.refresh(offer)
    assert offer.starts == [s.start.astimezone(UTC).isoformat() for s in result.fresh]
    # One of the new times, as the page sends it back (Berlin offset), is booked.
    chosen = result.fresh[-1].start
    assert calls.pick(session, order, offer.id, chosen.isoformat(), "Carla Kunde").booked
    assert the_call(session, order).starts_at == chosen


def test_offer_refusals_and_a_new_offer_or_a_booking_withdraws_the_open_one(
    session, world, order, carla
):
    def offer(people=None, starts=None, **fields):
        return calls.offer(
            session,
            world.partner,
            order.id,
            invitees=people or team(world, carla),
            starts=[t.isoformat() for t in starts or [at(2, 9)]],
            duration=fields.pop("duration", 60),
            **fields,
        )

    with pytest.raises(Invalid, match="Ansprechpartner"):
        offer(people=team(world))
    with pytest.raises(Invalid, match="1 bis 10"):
        offer(starts=[at(1 + i // 8, 9 + i % 8) for i in range(11)])
    with pytest.raises(Conflict, match="Leo"):
        offer(starts=[at(2, 7)])
    with pytest.raises(Invalid, match="https"):
        offer(video_url="ftp://x.example")
    with pytest.raises(Forbidden):
        calls.offer(
            session, world.lead, order.id, invitees=team(world, carla), starts=[], duration=60
        )
    assert session.scalar(select(func.count()).select_from(SlotOffer)) == 0

    first = offer()
    second = offer(starts=[at(3, 9)])
    session.refresh(first)
    assert (first.status, second.status) == ("withdrawn", "open")
    book(session, world, order, at(4, 9), team(world, carla))
    session.refresh(second)
    assert second.status == "withdrawn" and calls.open_offer(session, order) is None


# ---------------------------------------------------------------- contacts and links


def test_add_contact_normalises_and_refuses_bad_input(session, world, order, carla):
    assert (carla.name, carla.email, carla.phone, carla.role) == (
        "Carla Kunde",
        CARLA,
        "+49 30 123",
        "IT-Leitung",
    )
    assert carla.customer_id == order.customer_id
    with pytest.raises(Conflict):
        calls.add_contact(session, world.partner, order.id, name="Carla K", email=CARLA.upper())
    with pytest.raises(Invalid) as refused:
        calls.add_contact(session, world.partner, order.id, name="X", email="a@b", language="fr")
    assert set(refused.value.fields) == {"name", "email", "language"}
    with pytest.raises(Invalid):
        calls.add_contact(
            session, world.partner, order.id, name="Eve", email="eve@x.example\r\nBcc: x@y.example"
        )
    with pytest.raises(Forbidden):
        calls.add_contact(session, world.lead, order.id, name="Eve", email="eve@x.example")
    with pytest.raises(NotFound):
        calls.add_contact(session, world.other_partner, order.id, name="Eve", email="eve@x.example")


# ---------------------------------------------------------------- HTTP: staff pages


STAFF_ROUTES = [
    ("get", "/orders/{id}/call"),
    ("post", "/orders/{id}/call/book"),
    ("post", "/orders/{id}/call/offer"),
    ("post", "/orders/{id}/call/cancel"),
    ("post", "/orders/{id}/contacts"),
    ("post", "/orders/{id}/links/send"),
    ("post", "/orders/{id}/links/1/revoke"),
]


@pytest.mark.parametrize("role", ["backoffice", "lead", "architect", "technician", "admin"])
def test_every_staff_route_is_forbidden_for_other_roles(client, session, world, order, role):
    login(client, getattr(world, role))
    before = last_mail_id(session)
    for method, url in STAFF_ROUTES:
        response = getattr(client, method)(url.format(id=order.id), data={"duration": "60"})
        assert response.status_code == 403, (method, url)
    assert mails(session, before) == [] and the_call(session, order) is None


def test_another_partners_order_is_not_found_on_every_route(client, session, world, order):
    book(session, world, order, at(1, 10), team(world))
    login(client, world.other_partner)
    for method, url in [*STAFF_ROUTES, ("get", "/orders/{id}/call.ics")]:
        response = getattr(client, method)(url.format(id=order.id), data={"duration": "60"})
        assert response.status_code == 404, (method, url)
    assert the_call(session, order).status == BOOKED


def test_signed_out_visitors_are_sent_to_the_login(client, session, world, order):
    for method, url in [*STAFF_ROUTES, ("get", "/orders/{id}/call.ics")]:
        response = getattr(client, method)(url.format(id=order.id))
        assert response.status_code == 302 and "/login" in response.location, url


def test_booking_page_finds_books_moves_and_cancels(client, session, world, order, carla):
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/call")
    assert page.status_code == 200
    assert "Carla Kunde" in page.get_data(as_text=True)
    query = {"duration": "60", "architect": str(world.architect.id), "contact": str(carla.id)}
    found = client.get(f"/orders/{order.id}/call", query_string=query).get_data(as_text=True)
    starts = re.findall(r'name="start" value="([^"]+)"', found)
    assert len(starts) >= 9 * 15  # ten working days (today may be over), everyone free 9-17
    assert datetime.fromisoformat(starts[0]) > datetime.now(UTC)

    form = query | {"start": starts[20], "location": LOCATION, "video_url": VIDEO, "agenda": AGENDA}
    response = client.post(f"/orders/{order.id}/call/book", data=form)
    assert response.status_code == 302
    body = client.get(response.location).get_data(as_text=True)
    assert "Der Setup Call ist gebucht" in body
    assert "Gebuchter Termin" in body and "SEQUENCE 0" in body
    call = the_call(session, order)
    assert call.starts_at == datetime.fromisoformat(starts[20])
    assert {(p.user_id, p.contact_id) for p in call.participants} == {
        (world.lead.id, None),
        (world.partner.id, None),
        (world.architect.id, None),
        (None, carla.id),
    }

    moved = client.post(f"/orders/{order.id}/call/book", data=form | {"start": starts[40]})
    body = client.get(moved.location).get_data(as_text=True)
    assert "verschoben" in body and "SEQUENCE 1" in body
    assert the_call(session, order).starts_at == datetime.fromisoformat(starts[40])

    cancelled = client.post(f"/orders/{order.id}/call/cancel", data={"reason": "krank"})
    body = client.get(cancelled.location).get_data(as_text=True)
    assert "Der Setup Call ist abgesagt" in body and "Abgesagter Termin" in body
    assert the_call(session, order).status == CANCELLED
    again = client.post(f"/orders/{order.id}/call/cancel")
    assert "Es ist kein Setup Call gebucht" in client.get(again.location).get_data(as_text=True)


def test_a_refused_booking_is_flashed_and_keeps_the_choice(client, session, world, order, lara):
    beta = new_order(session, world, code="BETA", lead=lara)
    start = at(1, 10)
    book(
        session, world, beta, start, [Invitee(user_id=lara.id), Invitee(user_id=world.architect.id)]
    )
    login(client, world.partner)
    form = {"duration": "60", "architect": str(world.architect.id), "start": start.isoformat()}
    response = client.post(f"/orders/{order.id}/call/book", data=form)
    assert response.status_code == 302
    assert (
        f"architect={world.architect.id}" in response.location
        and "duration=60" in response.location
    )
    body = client.get(response.location).get_data(as_text=True)
    assert "nicht jeder frei: Ida (hat einen Termin)" in body
    for bad in ({"start": start.isoformat(), "video_url": "javascript:x"}, {"start": "x"}):
        response = client.post(f"/orders/{order.id}/call/book", data=form | bad)
        assert "flash-error" in client.get(response.location).get_data(as_text=True)
    assert the_call(session, order) is None


def test_ics_download_is_the_calls_current_state(client, session, world, order, carla):
    login(client, world.partner)
    assert client.get(f"/orders/{order.id}/call.ics").status_code == 404
    book(session, world, order, at(1, 10), team(world, carla))
    book(session, world, order, at(2, 15), team(world, carla))

    response = client.get(f"/orders/{order.id}/call.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="setup-call-{order.id}.ics"'
    )
    call = the_call(session, order)
    people = required(LEO, ANNA, IDA, CARLA)
    cal = Calendar.from_ical(response.data)
    assert_event(cal, method=None, call=call, people=people, status="CONFIRMED")
    assert event_of(cal)["SEQUENCE"] == 1

    calls.cancel(session, world.partner, order.id)
    lead = client.application.test_client()
    login(lead, world.lead)  # vendor staff may download it, too
    cal = Calendar.from_ical(lead.get(f"/orders/{order.id}/call.ics").data)
    assert_event(cal, method=None, call=the_call(session, order), people=people, status="CANCELLED")


def test_order_page_shows_the_call_its_history_and_the_provisioning_warning(
    client, session, world, order, carla
):
    login(client, world.partner)
    soon = at(1, 10)
    book(session, world, order, soon, team(world, carla))
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    summary = body.split('id="call-summary-heading"', 1)[1].split("</section>", 1)[0]
    assert f"/orders/{order.id}/call.ics" in summary and "10:00" in summary and "– 11:00" in summary
    assert str(soon.year) in summary and str(soon.day) in summary
    assert "Teilnehmer: Leo, Anna, Ida, Carla Kunde" in summary
    assert "Dringend: Der Setup Call ist in höchstens 3 Arbeitstagen" in body
    assert 'class="flash flash-error" role="alert"' in body

    far = datetime.combine(future_days(15)[14], time(10), BERLIN)
    book(session, world, order, far, team(world, carla))
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Die CP Cloud muss vor dem Setup Call eingerichtet werden." in body
    assert "Dringend" not in body
    history = history_on(body)
    assert "gebucht" in history and "verschoben" in history and ANNA in history

    session.add(StepCompletion(order_id=order.id, step="provision_cloud"))
    session.commit()
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "CP Cloud muss" not in body and "Dringend" not in body

    calls.cancel(session, world.partner, order.id)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "abgesagt" in history_on(body)


def test_order_page_of_an_on_premises_order_has_no_provisioning_warning(client, session, world):
    order = new_order(session, world, deployment="on_premises")
    give_hours(session, world.lead, world.partner)
    book(session, world, order, at(0, 10), team(world, architect=False))
    login(client, world.partner)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'id="call-summary-heading"' in body
    assert "CP Cloud muss" not in body and "Dringend" not in body and "flash-error" not in body


def test_contacts_are_added_from_the_booking_page(client, session, world, order):
    login(client, world.partner)
    response = client.post(
        f"/orders/{order.id}/contacts",
        data={"name": "Dora Daten", "email": "dora@acme.example", "language": "en"},
    )
    assert "Ansprechpartner hinzugefügt" in client.get(response.location).get_data(as_text=True)
    response = client.post(f"/orders/{order.id}/contacts", data={"name": "Dora", "email": "nope"})
    body = client.get(response.location).get_data(as_text=True)
    assert "Bitte eine gültige E-Mail-Adresse angeben." in body
    contacts = session.scalars(select(CustomerContact)).all()
    assert [(c.name, c.language) for c in contacts] == [("Dora Daten", "en")]


def test_links_are_resent_and_revoked_from_the_order_page(client, session, world, order, carla):
    other = new_order(session, world, code="OTHR", partner=world.other_partner)
    stranger = calls.add_contact(
        session, world.other_partner, other.id, name="Olga Other", email="olga@other.example"
    )
    login(client, world.partner)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f'action="/orders/{order.id}/links/send"' in body and "Carla Kunde" in body
    links_before = session.scalar(select(func.count()).select_from(CustomerLink))

    before = last_mail_id(session)
    response = client.post(f"/orders/{order.id}/links/send", data={"contact": [str(carla.id)]})
    assert response.location.endswith(f"/orders/{order.id}#links-heading")
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Links für 1 Ansprechpartner zum Versand eingereiht" in body
    # The links table says to whom each new link went, and that the mail still waits.
    fresh_rows = links_table(body).split("<tr>")[-2:]
    assert all("Carla Kunde" in row and "wartet auf Versand" in row for row in fresh_rows)
    (message,) = mails(session, before)
    assert message["To"] == CARLA and message["Subject"] == "CPCE: Ihre Fragebögen zur Einrichtung"
    tokens = tokens_in(message)
    assert {link_of(session, t).questionnaire for t in tokens} == {"technical", "business"}
    assert session.scalar(select(func.count()).select_from(CustomerLink)) == links_before + 2
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    fresh_rows = links_table(body).split("<tr>")[-2:]
    assert all("als Datei abgelegt (kein Mailserver)" in row for row in fresh_rows)
    assert not any(token in body for token in tokens)

    # A contact of another customer gets nothing.
    before = last_mail_id(session)
    client.post(f"/orders/{order.id}/links/send", data={"contact": [str(stranger.id)]})
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "mindestens einen Ansprechpartner" in body
    assert mails(session, before) == []

    # Revoking: the link stops working at once; the order page no longer offers to revoke it.
    token = next(t for t in tokens if link_of(session, t).questionnaire == "technical")
    technical = link_of(session, token)
    assert client.application.test_client().get(f"/r/{token}").status_code == 303
    client.post(f"/orders/{order.id}/links/{technical.id}/revoke")
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Der Link ist zurückgezogen" in body
    assert client.application.test_client().get(f"/r/{token}").status_code == 410
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f"/links/{technical.id}/revoke" not in body and "zurückgezogen" in body
    client.post(f"/orders/{order.id}/links/{technical.id}/revoke")
    assert "schon zurückgezogen" in client.get(f"/orders/{order.id}").get_data(as_text=True)
    other_link = session.scalar(select(CustomerLink).where(CustomerLink.order_id == other.id))
    assert client.post(f"/orders/{order.id}/links/{other_link.id}/revoke").status_code == 404
    session.expire_all()
    assert other_link.revoked_at is None


def links_table(body: str) -> str:
    """The order page's table of customer links."""
    return body[body.index('<table id="links">') : body.index("</table>", body.index('id="links"'))]


# ---------------------------------------------------------------- HTTP: the customer's side


def customer(client, token: str, name: str | None = "Carla Kunde"):
    """A browser that entered through a link (and gave a name)."""
    visitor = client.application.test_client()
    assert visitor.get(f"/r/{token}").status_code == 303
    if name:
        visitor.post("/customer/name", data={"name": name})
    return visitor


def offer_over_http(client, world, order, carla, offered):
    form = {
        "duration": "60",
        "architect": str(world.architect.id),
        "contact": str(carla.id),
        "offer": [t.isoformat() for t in offered],
        "location": LOCATION,
        "video_url": VIDEO,
        "agenda": AGENDA,
    }
    return client.post(f"/orders/{order.id}/call/offer", data=form)


def test_the_customer_picks_an_offered_time_through_the_link(client, session, world, order, carla):
    login(client, world.partner)
    offered = [at(2, 9), at(2, 11), at(3, 14)]
    before = last_mail_id(session)
    response = offer_over_http(client, world, order, carla, offered)
    body = client.get(response.location).get_data(as_text=True)
    assert "Die Terminauswahl ist zum Versand an den Kunden eingereiht" in body
    assert "Offene Terminauswahl beim Kunden" in body
    (mail_,) = mails(session, before)
    assert mail_["To"] == CARLA and "wählen Sie einen Termin" in mail_["Subject"]
    assert "11:00" in text_of(mail_)
    token = next(t for t in tokens_in(mail_) if link_of(session, t).questionnaire == "technical")

    nameless = customer(client, token, name=None)
    page = nameless.get("/customer/call").get_data(as_text=True)
    assert page.count('name="start"') == 3 and "zuerst Ihren Namen" in page
    refused = nameless.post("/customer/call", data={"offer": "1", "start": offered[0].isoformat()})
    assert refused.status_code == 302 and refused.location.endswith("/customer")

    visitor = customer(client, token)
    page = visitor.get("/customer/call").get_data(as_text=True)
    offer = calls.open_offer(session, order)
    assert all(f'value="{iso}"' in page for iso in offer.starts)
    before = last_mail_id(session)
    response = visitor.post(
        "/customer/call", data={"offer": str(offer.id), "start": offer.starts[1]}
    )
    assert response.status_code == 303 and response.location.endswith("/customer/call")
    page = visitor.get("/customer/call").get_data(as_text=True)
    assert "Der Termin ist gebucht" in page
    assert LOCATION in page and VIDEO.replace("&", "&amp;") in page and "Datenfluss" in page
    assert 'name="start"' not in page

    call = the_call(session, order)
    assert call.starts_at == offered[1] and call.history[0].by == "Carla Kunde (customer)"
    assert set(invitations(mails(session, before))) == {LEO, ANNA, IDA, CARLA}
    assert completion(session, order) is not None
    body = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    assert "Offene Terminauswahl" not in body and "Carla Kunde (customer)" in body


def test_a_pick_of_a_time_taken_meanwhile_shows_fresh_options(
    client, session, world, order, carla, lara
):
    login(client, world.partner)
    offered = [at(2, 9), at(2, 11), at(3, 14)]
    offer_over_http(client, world, order, carla, offered)
    beta = new_order(session, world, code="BETA", lead=lara)
    book(
        session,
        world,
        beta,
        offered[0],
        [Invitee(user_id=lara.id), Invitee(user_id=world.architect.id, required=False)],
    )
    token = tokens_in(plain_mails(mails(session))[CARLA][-1])[0]
    visitor = customer(client, token)
    offer = calls.open_offer(session, order)
    response = visitor.post(
        "/customer/call", data={"offer": str(offer.id), "start": offer.starts[0]}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "inzwischen vergeben" in page
    values = re.findall(r'name="start" value="([^"]+)"', page)
    assert [datetime.fromisoformat(v) for v in values] == offered[1:]
    assert the_call(session, order) is None

    stale = visitor.post("/customer/call", data={"offer": str(offer.id + 5), "start": values[0]})
    assert stale.status_code == 409
    response = visitor.post("/customer/call", data={"offer": str(offer.id), "start": values[0]})
    assert response.status_code == 303 and the_call(session, order).starts_at == offered[1]


def test_the_customer_call_page_shows_the_booked_call(client, session, world, order, carla):
    book(session, world, order, at(1, 10), team(world, carla))
    links_mail = plain_mails(mails(session))[CARLA][0]
    visitor = customer(client, tokens_in(links_mail)[0])
    page = visitor.get("/customer/call").get_data(as_text=True)
    assert "Ihr Setup Call" in page and LOCATION in page and "1. Vorstellung" in page
    assert "&lt;b&gt;Datenfluss" in page
    assert client.application.test_client().get("/customer/call").status_code == 403


def test_the_customer_landing_page_shows_the_call(client, session, world, order, carla):
    start = at(1, 10)
    book(session, world, order, start, team(world, carla))
    visitor = customer(client, tokens_in(plain_mails(mails(session))[CARLA][0])[0])
    page = visitor.get("/customer").get_data(as_text=True)
    assert "Setup Call" in page and "/customer/call" in page
    assert start.strftime("%H:%M") in page
