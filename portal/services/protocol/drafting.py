"""Step 7 (approve_protocol), the draft: partner staff or the order's lead write and submit it.

A draft starts from the call (its date, the participants not known to be absent), is saved as
often as needed and submitted for the lead's approval. While submitted it is frozen; returned,
it can be edited again; approved, every write is refused (guards.refuse_after_approval).
"""

from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import (
    CallAttendance,
    Order,
    Protocol,
    ServiceItem,
    SetupCall,
    User,
    utcnow,
)
from portal.models.call import BOOKED
from portal.models.protocol import DRAFT, SUBMITTED
from portal.services import calls, notifications
from portal.services import order_of_events as events
from portal.services.access import accepted_order
from portal.services.errors import Conflict, Forbidden
from portal.services.protocol.guards import (
    check_version,
    flush,
    may_draft,
    refuse_after_approval,
)
from portal.services.protocol.hold_call import berlin_moment
from portal.services.protocol.review_points import pending_points
from portal.services.protocol.rules import check_fields, fields_of

BERLIN = ZoneInfo("Europe/Berlin")


def protocol_of(session: Session, order: Order) -> Protocol | None:
    """The order's protocol, or None before the first draft."""
    return session.scalar(select(Protocol).where(Protocol.order_id == order.id))


def service_catalogue(session: Session) -> list[ServiceItem]:
    """The active additional services a protocol may agree (not the installation fee)."""
    return list(
        session.scalars(
            select(ServiceItem)
            .where(ServiceItem.active.is_(True), ServiceItem.is_installation_fee.is_(False))
            .order_by(ServiceItem.name_de)
        )
    )


def _participant_choice(order: Order, participant) -> dict[str, Any] | None:
    if participant.user is not None:
        user = participant.user
        return {
            "key": f"user-{user.id}",
            "name": user.name,
            "organisation": user.organisation.name,
            "role": str(user.role),
        }
    if participant.contact is not None:
        contact = participant.contact
        return {
            "key": f"contact-{contact.id}",
            "name": contact.name,
            "organisation": order.customer_name,
            "role": contact.role or "",
        }
    return None


def attendee_choices(
    session: Session, order: Order, protocol: Protocol | None, call: SetupCall | None = ...
) -> list[dict[str, Any]]:
    """The call's participants, and anyone the protocol already lists: who may be an attendee."""
    if call is ...:
        call = calls.call_of(session, order)
    choices: dict[str, dict] = {}
    for participant in call.participants if call else []:
        choice = _participant_choice(order, participant)
        if choice:
            choices.setdefault(choice["key"], choice)
    for stored in protocol.attendees if protocol else []:
        choices.setdefault(stored["key"], stored)
    return list(choices.values())


def held_on_check(call: SetupCall | None) -> Callable[[date], str | None]:
    """The check of the protocol's call date: not in the future, the booked call's own day,
    and only once that call began. It returns the message for the field, or None."""
    starts = call.starts_at if call is not None and call.status == BOOKED else None
    now = utcnow()

    def check(held_on: date) -> str | None:
        problem = events.held_on_problem(held_on, starts, now)
        if problem == events.FUTURE:
            return _(
                "Das Datum liegt in der Zukunft; protokolliert wird ein Setup Call, der "
                "stattgefunden hat."
            )
        if problem == events.NO_CALL:
            return _("Es ist kein Setup Call gebucht; das Protokoll trägt das Datum des Calls.")
        if problem == events.NOT_BEGUN:
            return _(
                "Der Setup Call beginnt erst am %(start)s (Europe/Berlin); sein Datum wird ab "
                "dann eingetragen.",
                start=berlin_moment(starts),
            )
        if problem == events.OTHER_DAY:
            return _(
                "Der Setup Call fand am %(day)s statt; das Protokoll trägt dieses Datum. War es "
                "ein anderer Tag, bitte zuerst den Termin des Setup Calls verschieben.",
                day=format_date(events.call_day(starts), "long"),
            )
        return None

    return check


def clean(
    session: Session, order: Order, protocol: Protocol | None, fields: dict, *, complete: bool
) -> dict[str, Any]:
    """Check the editor's fields; raise Invalid naming each bad field, else the values to store.

    `complete` asks for what a submitted protocol needs: the date, attendees and topics.
    The date must be the booked call's day, and the call must have begun.
    """
    call = calls.call_of(session, order)
    choices = {c["key"]: c for c in attendee_choices(session, order, protocol, call)}
    items = {item.id: item for item in service_catalogue(session)}
    return check_fields(fields, choices, items, complete=complete, held_on=held_on_check(call))


def initial_fields(session: Session, order: Order, call: SetupCall | None) -> dict[str, Any]:
    """A new protocol's fields: the call's date (once it began) and the participants not known
    to be absent."""
    absent = set(
        session.scalars(
            select(CallAttendance.contact_id).where(
                CallAttendance.order_id == order.id, CallAttendance.attended.is_(False)
            )
        )
    )
    choices = attendee_choices(session, order, None, call)
    return {
        "held_on": events.call_day(call.starts_at).isoformat()
        if call is not None and events.begun(call.starts_at, utcnow())
        else "",
        "attendees": [
            c["key"] for c in choices if c["key"] not in {f"contact-{a}" for a in absent}
        ],
        "topics": "",
        "decisions": "",
        "open_points": pending_points(session, order),
        "services": [],
    }


def loaded_for_write(session: Session, actor: User, order_id: int, attempted: str):
    """The order and its protocol (or None) for any write; once approved, every write is refused."""
    order = accepted_order(session, actor, order_id)
    protocol = protocol_of(session, order)
    refuse_after_approval(session, actor, order, protocol, attempted)
    return order, protocol


def _writable(session: Session, actor: User, order_id: int, attempted: str):
    """The order and its protocol, for a write by partner staff or the order's project lead."""
    order, protocol = loaded_for_write(session, actor, order_id, attempted)
    if not may_draft(actor, order):
        raise Forbidden(
            _(
                "Das Protokoll schreiben Mitarbeiter des Partners und der Projektleiter dieser Bestellung."
            )
        )
    if protocol is not None and protocol.status == SUBMITTED:
        raise Conflict(
            _(
                "Das Protokoll ist zur Freigabe eingereicht; ändern lässt es sich erst, wenn der Projektleiter es zurückgibt."
            )
        )
    return order, protocol


def _store(session, actor, order, protocol, values) -> Protocol:
    if protocol is None:
        protocol = Protocol(order_id=order.id, status=DRAFT, drafted_by_id=actor.id)
        session.add(protocol)
    for key, value in values.items():
        setattr(protocol, key, value)
    protocol.updated_by_id, protocol.updated_at = actor.id, utcnow()
    return protocol


def _written(session: Session, actor: User, order: Order, protocol: Protocol, event: str):
    """Flush, audit the write with the protocol's new version, and commit."""
    flush(session)
    audit.record(
        session, actor, event, "protocol", protocol.id, order_id=order.id, version=protocol.version
    )
    session.commit()


def save_draft(
    session: Session, actor: User, order_id: int, fields: dict[str, Any], version: int | None
) -> Protocol:
    """Save the protocol draft; `version` is the one the editor loaded (None for a new protocol).

    fields: held_on (ISO date), attendees (keys of attendee_choices), topics, decisions,
    open_points [{text, owner, due}], services [{service_item_id, quantity}].
    """
    order, protocol = _writable(session, actor, order_id, "save")
    check_version(protocol, version)
    values = clean(session, order, protocol, fields, complete=False)
    protocol = _store(session, actor, order, protocol, values)
    _written(session, actor, order, protocol, "protocol.save")
    return protocol


def submit(
    session: Session,
    actor: User,
    order_id: int,
    version: int | None,
    fields: dict[str, Any] | None = None,
) -> Protocol:
    """Submit the protocol for approval, saving `fields` first when the editor sends them.

    The order's project lead hears of it by mail, queued with the submit.
    """
    order, protocol = _writable(session, actor, order_id, "submit")
    check_version(protocol, version)
    if fields is None and protocol is None:
        raise Conflict(_("Es gibt noch keinen Entwurf des Protokolls."))
    values = clean(
        session,
        order,
        protocol,
        fields if fields is not None else fields_of(protocol),
        complete=True,
    )
    protocol = _store(session, actor, order, protocol, values)
    protocol.status = SUBMITTED
    protocol.submitted_by_id, protocol.submitted_at = actor.id, protocol.updated_at
    notifications.protocol_submitted(session, order, protocol, actor)
    _written(session, actor, order, protocol, "protocol.submit")
    return protocol
