"""Moving and cancelling the call: same UID, next SEQUENCE, a CANCEL for whoever is taken off."""

from datetime import timedelta

import pytest

from portal.models.call import BOOKED, CANCELLED
from portal.services import calls
from portal.services.errors import Conflict
from tests.calls.support import (
    ANNA,
    CARLA,
    CHRIS,
    IDA,
    LEO,
    assert_event,
    assert_mime_layout,
    at,
    attendees,
    book,
    completion,
    event_of,
    invitations,
    last_mail_id,
    mails,
    required,
    team,
    text_of,
    the_call,
)


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
