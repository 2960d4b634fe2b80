"""Invitations, changes, cancellations and links over a real SMTP server (aiosmtpd on 127.0.0.1)."""

import re
import time as clock
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.models import OutboxMessage, utcnow
from portal.models.outbox import PENDING, SENT
from portal.services import calls, links
from tests.calls.calendars import berlin, two_days
from tests.calls.support import (
    ANNA,
    CARLA,
    IDA,
    LEO,
    ORGANIZER,
    assert_event,
    assert_mime_layout,
    book,
    completion,
    event_of,
    last_mail_id,
    required,
    team,
    the_call,
)
from tests.conftest import login
from tests.helpers import deliver
from tests.smtp_server import Recorder as SmtpRecorder


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
    order,
    carla,
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
    order,
    carla,
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
    order,
    carla,
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
