"""Offering times (step 3 `schedule_call`): the customer contacts pick one through their link.

An open offer holds its times in the staff's availability until it is picked, replaced by a new
offer or released by a booking. A pick is checked again at that moment: a time taken or passed
meanwhile is refused with fresh options, and the offer keeps only those.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import audit
from portal.calendar import slots
from portal.models import Order, SlotOffer, User, utcnow
from portal.services.calls.availability import check_free, find, require_free
from portal.services.calls.booking import refuse_when_held, schedule
from portal.services.calls.guards import planning_order
from portal.services.calls.mails import send_offer
from portal.services.calls.participants import Invitee, resolve
from portal.services.calls.queries import open_offer, open_offers
from portal.services.calls.rules import check_text, parse_start, window
from portal.services.errors import Conflict, Invalid


def offer(
    session: Session,
    actor: User,
    order_id: int,
    *,
    invitees: list[Invitee],
    starts: list[str],
    duration: int,
    location: str = "",
    video_url: str = "",
    agenda: str = "",
) -> SlotOffer:
    """Offer the customer contacts a choice of free times through their link."""
    order = planning_order(session, actor, order_id)
    refuse_when_held(order)
    people = resolve(session, order, invitees)
    if not any(p.contact for p in people):
        raise Invalid(_("Bitte mindestens einen Ansprechpartner des Kunden einladen."))
    moments = sorted({parse_start(s) for s in starts})
    if not 1 <= len(moments) <= 10:
        raise Invalid(_("Bitte 1 bis 10 Termine zur Auswahl markieren."))
    check_text(location, video_url, agenda)
    for moment in moments:
        require_free(session, order, people, moment, duration)
    for old in open_offers(session, order):
        old.status = "withdrawn"
    offer_ = SlotOffer(
        order_id=order.id,
        created_by_id=actor.id,
        duration_minutes=duration,
        starts=[m.isoformat() for m in moments],
        participants=[i.as_dict() for i in invitees],
        location=location.strip(),
        video_url=video_url.strip(),
        agenda=agenda.strip(),
    )
    session.add(offer_)
    session.flush()
    send_offer(session, order, [p for p in people if p.contact], offer_, moments)
    audit.record(
        session,
        actor,
        "call.offer",
        "slot_offer",
        offer_.id,
        order_id=order.id,
        starts=offer_.starts,
    )
    session.commit()
    return offer_


@dataclass
class PickResult:
    """Whether the pick booked the call; if not, the times the customer may choose from now."""

    booked: bool
    fresh: list[slots.Slot]


def pick(session: Session, order: Order, offer_id: int, start: str, picked_by: str) -> PickResult:
    """The customer picks one offered time; it is checked again now, a taken time gets fresh options."""
    offer_ = open_offer(session, order)
    if offer_ is None or offer_.id != offer_id:
        raise Conflict(_("Diese Terminauswahl ist nicht mehr offen."))
    moment = parse_start(start)
    if moment.isoformat() not in offer_.starts:
        raise Invalid(_("Dieser Termin wurde nicht angeboten."))
    booker = session.get(User, offer_.created_by_id)
    people = resolve(session, order, [Invitee(**p) for p in offer_.participants])
    try:
        if moment <= utcnow():
            # Offered times pass while the offer waits: like a taken one, with fresh options.
            raise Conflict(_("Der Termin liegt in der Vergangenheit."))
        schedule(
            session,
            order,
            booker,
            f"{picked_by} (customer)",
            people,
            moment,
            offer_.duration_minutes,
            offer_.location,
            offer_.video_url,
            offer_.agenda,
        )
    except Conflict:
        session.rollback()
        offer_ = session.get(SlotOffer, offer_id)
        fresh = _fresh(session, order, offer_, people, moment)
        # The taken time is released; the customer now chooses among times free right now.
        # Stored in UTC like every offered time: pick() compares the customer's choice as UTC.
        offer_.starts = [slot.start.astimezone(UTC).isoformat() for slot in fresh]
        audit.record(
            session,
            f"{picked_by} (customer)",
            "call.offer_refreshed",
            "slot_offer",
            offer_.id,
            order_id=order.id,
            taken=moment.isoformat(),
            starts=offer_.starts,
        )
        session.commit()
        return PickResult(False, fresh)
    offer_ = session.get(SlotOffer, offer_id)
    offer_.status, offer_.picked_at, offer_.picked_by = "picked", utcnow(), picked_by[:200]
    session.commit()
    return PickResult(True, [])


def _fresh(session, order, offer_, people, taken) -> list[slots.Slot]:
    """The offered times still free and ahead, else up to ten free times of the next days."""
    now = utcnow()
    remaining = []
    for iso in offer_.starts:
        moment = datetime.fromisoformat(iso)
        if (
            moment != taken
            and moment > now
            and not check_free(session, order, people, moment, offer_.duration_minutes)
        ):
            remaining.append(
                slots.Slot(moment, moment + timedelta(minutes=offer_.duration_minutes))
            )
    if remaining:
        return remaining
    days, start, end = window(now)
    return find(session, order, people, offer_.duration_minutes, days, start, end, now).slots[:10]
