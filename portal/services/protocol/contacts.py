"""Step 6 (hold_call), the contacts: the order's project lead completes and confirms them.

Partner staff add the customer's contacts when they plan the call
(portal.services.calls.participants); the lead adds what the call showed (role, email, phone,
whether they attended) and confirms the list. The confirmation keeps a snapshot of the
contacts; a contact added afterwards voids it.
"""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.models import (
    CallAttendance,
    ContactConfirmation,
    CustomerContact,
    Order,
    User,
    utcnow,
)
from portal.services.errors import Conflict, Invalid
from portal.services.protocol.guards import lead_order
from portal.services.protocol.rules import clean_contacts


def contacts_of(session: Session, order: Order) -> list[CustomerContact]:
    """The contacts on the order's customer record, by name."""
    return list(
        session.scalars(
            select(CustomerContact)
            .where(CustomerContact.customer_id == order.customer_id)
            .order_by(CustomerContact.name, CustomerContact.id)
        )
    )


def confirmation_of(session: Session, order: Order) -> ContactConfirmation | None:
    """The project lead's confirmation of the order's contacts, or None."""
    return session.scalar(
        select(ContactConfirmation).where(ContactConfirmation.order_id == order.id)
    )


def contacts_order(session: Session, actor: User, order_id: int) -> Order:
    """The accepted order, for its project lead only: the contacts are the lead's to confirm."""
    return lead_order(
        session,
        actor,
        order_id,
        _("Nur der Projektleiter dieser Bestellung bestätigt die Ansprechpartner."),
    )


def confirm_contacts(
    session: Session, actor: User, order_id: int, contacts: list[dict[str, Any]]
) -> ContactConfirmation:
    """The order's project lead completes and confirms every contact: role, email, phone, attended.

    `contacts` holds one {"id", "role", "email", "phone", "attended"} per contact on the record.
    """
    order = contacts_order(session, actor, order_id)
    current = {c.id: c for c in contacts_of(session, order)}
    if not current:
        raise Conflict(
            _(
                "Es sind noch keine Ansprechpartner erfasst; der Partner legt sie beim Planen des Setup Calls an."
            )
        )
    given: dict[int, dict] = {}
    for entry in contacts:
        contact_id = entry.get("id")
        if not isinstance(contact_id, int) or contact_id not in current or contact_id in given:
            raise Invalid(_("Ein Ansprechpartner ist unbekannt."))
        given[contact_id] = entry
    if set(current) - set(given):
        raise Conflict(
            _(
                "Inzwischen ist ein Ansprechpartner hinzugekommen. Bitte die Liste prüfen und erneut bestätigen."
            )
        )
    cleaned = clean_contacts(given)
    return _write_confirmation(session, actor, order, current, cleaned)


def _write_confirmation(session, actor, order, current, cleaned) -> ContactConfirmation:
    attendance = {
        a.contact_id: a
        for a in session.scalars(select(CallAttendance).where(CallAttendance.order_id == order.id))
    }
    changes, snapshot = [], []
    for cid, values in cleaned.items():
        contact = current[cid]
        changed = [f for f in ("role", "email", "phone") if getattr(contact, f) != values[f]]
        contact.role, contact.email, contact.phone = (
            values["role"],
            values["email"],
            values["phone"],
        )
        row = attendance.get(cid) or CallAttendance(order_id=order.id, contact_id=cid)
        row.attended = values["attended"]
        session.add(row)
        changes.append({"id": cid, "changed": changed, "attended": values["attended"]})
        snapshot.append({"id": cid, "name": contact.name, **values})
    confirmation = confirmation_of(session, order) or ContactConfirmation(order_id=order.id)
    confirmation.confirmed_by_id, confirmation.confirmed_at = actor.id, utcnow()
    confirmation.contacts = snapshot
    session.add(confirmation)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            _("Die Ansprechpartner wurden gerade von jemand anderem geändert; bitte neu laden.")
        ) from None
    audit.record(session, actor, "contacts.confirm", "order", order.id, contacts=changes)
    session.commit()
    return confirmation


def contacts_confirmed(
    session: Session, order: Order, confirmation: ContactConfirmation | None = ...
) -> bool:
    """Whether the lead confirmed the contacts, and no contact was added since."""
    if confirmation is ...:
        confirmation = confirmation_of(session, order)
    if confirmation is None:
        return False
    confirmed = {c["id"] for c in confirmation.contacts}
    ids = session.scalars(
        select(CustomerContact.id).where(CustomerContact.customer_id == order.customer_id)
    )
    return set(ids) <= confirmed
