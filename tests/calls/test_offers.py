"""Offering times: held while open, the customer's pick checked again, fresh options, refusals."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, SlotOffer
from portal.services import calls
from portal.services.calls import Invitee
from portal.services.calls.rules import BERLIN
from portal.services.errors import Conflict, Forbidden, Invalid
from tests.calls.calendars import berlin, busy, stored, two_days, write_calendars
from tests.calls.support import (
    AGENDA,
    ANNA,
    CARLA,
    IDA,
    LEO,
    LOCATION,
    VIDEO,
    assert_event,
    at,
    book,
    completion,
    future_days,
    hours_of,
    new_order,
    required,
    team,
    the_call,
)

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


# ---------------------------------------------------------------- against a real CalDAV server


def test_the_pick_is_checked_against_the_calendars_at_that_moment(
    radicale,
    session,
    world,
    order,
    carla,
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
