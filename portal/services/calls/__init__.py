"""Use cases of step 3: find a time in everyone's calendar, book, offer, reschedule, cancel.

Invitations follow RFC 5545/5546/6047 (portal.calendar.invite) and go out through the outbox
in the same transaction as the change. Staff CalDAV calendars are written by the worker: the
change records what each must show (portal.services.calendar_sync), so no request waits on a
calendar server, and one that cannot be reached is retried until it matches the call.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import audit
from portal.calendar import slots
from portal.models import Order, SetupCall, SlotOffer, User, utcnow
from portal.models.call import BOOKED
from portal.process import completion
from portal.services.calls.availability import check_free, find, search
from portal.services.calls.booking import book, cancel, ics, schedule
from portal.services.calls.guards import accepted_order, require_partner
from portal.services.calls.mails import send_offer
from portal.services.calls.participants import Invitee, add_contact, resolve
from portal.services.calls.queries import call_of, open_offer, open_offers
from portal.services.calls.rules import BERLIN, check_text, parse_start, warning_level, window
from portal.services.errors import Conflict, Invalid

__all__ = [
    "Invitee",
    "add_contact",
    "book",
    "call_of",
    "cancel",
    "ics",
    "offer",
    "open_offer",
    "pick",
    "provisioning_warning",
    "search",
]


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
    require_partner(actor)
    order = accepted_order(session, actor, order_id)
    people = resolve(session, order, invitees)
    if not any(p.contact for p in people):
        raise Invalid(_("Bitte mindestens einen Ansprechpartner des Kunden einladen."))
    moments = sorted({parse_start(s) for s in starts})
    if not 1 <= len(moments) <= 10:
        raise Invalid(_("Bitte 1 bis 10 Termine zur Auswahl markieren."))
    check_text(location, video_url, agenda)
    for moment in moments:
        if busy := check_free(session, order, people, moment, duration):
            raise Conflict(_("Zu diesem Termin ist nicht jeder frei: %(who)s", who="; ".join(busy)))
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


def provisioning_warning(
    order: Order, call: SetupCall | None, today: date | None = None
) -> str | None:
    """For a CP Cloud order whose database is not ready: a warning level that grows as the call nears."""
    if order.deployment != "cp_cloud" or call is None or call.status != BOOKED:
        return None
    if completion(order, "provision_cloud") is not None:
        return None
    today = today or utcnow().astimezone(BERLIN).date()
    return warning_level(call.starts_at.astimezone(BERLIN).date(), today)
