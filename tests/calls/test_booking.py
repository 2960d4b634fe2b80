"""Booking the call: the RFC invitations through the outbox, the step, refusals, the links.

The one test that needs a fixed moment (the switch to summer time) freezes the clock of
portal.services.calls (utcnow in each of its modules that reads it).
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, OutboxMessage
from portal.models.call import BOOKED
from portal.models.outbox import KEPT
from portal.services import calls
from portal.services.calls import Invitee, availability, booking, pages, slot_offer
from portal.services.calls import mails as call_mails
from portal.services.calls.rules import BERLIN
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.calls.support import (
    AGENDA,
    ANNA,
    CARLA,
    CHRIS,
    IDA,
    LEO,
    LOCATION,
    ORGANIZER,
    VIDEO,
    assert_event,
    assert_mime_layout,
    at,
    attendees,
    book,
    calendar_part,
    completion,
    event_of,
    invitations,
    last_mail_id,
    link_of,
    mails,
    new_order,
    plain_mails,
    required,
    team,
    text_of,
    the_call,
    tokens_in,
)

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


def test_the_orders_own_project_lead_must_take_part(session, world, order, lara):
    start, before = at(1, 10), last_mail_id(session)
    without_lead = [Invitee(user_id=world.partner.id), Invitee(user_id=world.architect.id)]
    another_lead = [Invitee(user_id=lara.id), *without_lead]
    for people in (without_lead, another_lead):
        with pytest.raises(Invalid, match="Der Projektleiter der Bestellung muss teilnehmen"):
            book(session, world, order, start, people)
    assert the_call(session, order) is None and mails(session, before) == []


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
