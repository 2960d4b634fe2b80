"""A call that really took place earlier is moved there first, with its invitations; a held
call keeps its time. Nothing is back-dated: the move is a normal reschedule (same UID, next
SEQUENCE, METHOD:REQUEST to everyone), audited as such."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, StepCompletion, utcnow
from portal.services import calls
from portal.services.errors import Conflict, Forbidden, Invalid
from tests.calls.replies_support import answer_links
from tests.calls.support import (
    ANNA,
    BERLIN,
    CARLA,
    IDA,
    LEO,
    at,
    book,
    completion,
    event_of,
    invitations,
    last_mail_id,
    mails,
    team,
    text_of,
    the_call,
)
from tests.conftest import login


def accepted_days_ago(session, order, days: int = 3) -> None:
    """Move the order's acceptance into the past: the call can have happened after it."""
    accepted = session.scalar(
        select(StepCompletion).where(
            StepCompletion.order_id == order.id, StepCompletion.step == "accept"
        )
    )
    accepted.completed_at = utcnow() - timedelta(days=days)
    session.commit()


def yesterday_at(hour: int) -> datetime:
    """A Berlin wall-clock time yesterday: in the past whatever the clock says."""
    day = datetime.now(BERLIN).date() - timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=BERLIN)


def test_a_call_that_took_place_earlier_is_moved_there_with_its_invitations(
    session, world, order, carla
):
    book(session, world, order, at(1, 10), team(world, carla))
    accepted_days_ago(session, order)
    uid, before = the_call(session, order).uid, last_mail_id(session)
    happened = yesterday_at(9)

    calls.took_place_at(session, world.partner, order.id, happened.strftime("%Y-%m-%dT%H:%M"))

    call = the_call(session, order)
    assert (call.uid, call.sequence, call.status) == (uid, 1, "booked")
    assert call.starts_at == happened.astimezone(UTC)
    assert call.ends_at - call.starts_at == timedelta(minutes=60)  # the booked length kept
    assert completion(session, order).details["starts_at"] == happened.astimezone(UTC).isoformat()
    messages = mails(session, before)
    sent = invitations(messages)
    assert set(sent) == {LEO, ANNA, IDA, CARLA}
    for cal in sent.values():
        assert str(cal["METHOD"]) == "REQUEST"
        event = event_of(cal)
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 1)
        assert event.decoded("DTSTART") == happened
    to_carla = next(m for m in messages if m["To"] == CARLA)
    assert "fand zu einer anderen Zeit statt als geplant" in text_of(to_carla)
    (moved,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "call.rescheduled"))
    assert moved.payload["took_place"] is True and moved.actor_label == ANNA
    assert call.history[-1].details["took_place"] is True


def test_the_time_it_took_place_must_lie_in_the_past_and_after_the_acceptance(
    session, world, order, carla
):
    book(session, world, order, at(1, 10), team(world, carla))
    before = last_mail_id(session)
    with pytest.raises(Invalid, match="vor der Annahme"):  # accepted just now
        calls.took_place_at(session, world.partner, order.id, yesterday_at(9))
    accepted_days_ago(session, order)
    soon = datetime.now(BERLIN) + timedelta(minutes=5)
    with pytest.raises(Invalid, match="nicht in der Vergangenheit"):
        calls.took_place_at(session, world.partner, order.id, soon)
    with pytest.raises(Invalid):
        calls.took_place_at(session, world.partner, order.id, "")
    with pytest.raises(Forbidden):
        calls.took_place_at(session, world.lead, order.id, yesterday_at(9))
    assert the_call(session, order).sequence == 0
    assert mails(session, before) == []


def test_a_call_recorded_as_held_is_neither_moved_nor_cancelled(session, world, order, carla):
    book(session, world, order, at(1, 10), team(world, carla))
    accepted_days_ago(session, order)
    calls.took_place_at(session, world.partner, order.id, yesterday_at(9))
    session.add(StepCompletion(order_id=order.id, step="hold_call", completed_by_id=world.lead.id))
    session.commit()
    before = last_mail_id(session)
    with pytest.raises(Conflict, match="schon als durchgeführt erfasst"):
        calls.took_place_at(session, world.partner, order.id, yesterday_at(8))
    with pytest.raises(Conflict, match="schon als durchgeführt erfasst"):
        book(session, world, order, at(2, 10), team(world, carla))
    with pytest.raises(Conflict, match="schon als durchgeführt erfasst"):
        calls.cancel(session, world.partner, order.id)
    call = the_call(session, order)
    assert (call.sequence, call.status) == (1, "booked")
    assert mails(session, before) == []


def test_the_call_page_moves_the_call_to_when_it_took_place(client, session, world, order, carla):
    book(session, world, order, at(1, 10), team(world, carla))
    accepted_days_ago(session, order)
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    assert 'id="took-place-heading"' in page and 'name="day"' in page and 'name="time"' in page
    happened = yesterday_at(14)
    form = {"day": happened.date().isoformat(), "time": "14:30"}
    refused = client.post(f"/orders/{order.id}/call/took-place", data={"day": form["day"]})
    assert refused.status_code == 302 and the_call(session, order).sequence == 0
    done = client.post(f"/orders/{order.id}/call/took-place", data=form)
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/orders/{order.id}#outcome-heading")
    assert the_call(session, order).starts_at == happened.astimezone(UTC)
    history = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    assert "auf den tatsächlichen Zeitpunkt verschoben" in history


def test_a_call_that_is_over_asks_nobody_to_answer(client, session, world, order, carla):
    before = last_mail_id(session)
    book(session, world, order, at(1, 10), team(world, carla))
    old = answer_links(next(m for m in mails(session, before) if m["To"] == CARLA))
    page_url = client.get(old["declined"]).headers["Location"]
    # The clock passes the call: its page stays readable but takes no answer.
    call = the_call(session, order)
    call.starts_at, call.ends_at = yesterday_at(9), yesterday_at(10)
    session.commit()
    body = client.get(page_url).get_data(as_text=True)
    assert "Dieser Termin ist vorbei" in body and 'name="answer"' not in body
    client.post(page_url.split("?")[0], data={"answer": "declined"})
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "call.answer")).all() == []

    # Moved to when it really took place: the correction asks nobody to answer.
    accepted_days_ago(session, order)
    before = last_mail_id(session)
    calls.took_place_at(session, world.partner, order.id, yesterday_at(8))
    moved = next(m for m in mails(session, before) if m["To"] == CARLA)
    assert "fand zu einer anderen Zeit statt" in text_of(moved) and answer_links(moved) == {}
