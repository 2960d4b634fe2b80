"""Who takes part in the call: chosen invitees resolved to people, and the customer's contacts.

Staff must be active and in a call role (partner staff of the order's partner only), contacts
must belong to the order's customer, and the order's own project lead must be among them (the
booking page always adds them; another lead does not stand in).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import CustomerContact, Order, Role, User
from portal.services.call_invitation import Attendance
from portal.services.calls.guards import planning_order
from portal.services.calls.rules import clean_contact
from portal.services.errors import Conflict, Invalid

STAFF_ROLES = (Role.PROJECT_LEAD, Role.IT_ARCHITECT, Role.TECHNICIAN, Role.PARTNER_STAFF)


@dataclass(frozen=True)
class Invitee:
    """A participant as chosen on the booking page: a staff user or a customer contact."""

    user_id: int | None = None
    contact_id: int | None = None
    required: bool = True

    def as_dict(self) -> dict:
        return {"user_id": self.user_id, "contact_id": self.contact_id, "required": self.required}


def resolve(session: Session, order: Order, invitees: list[Invitee]) -> list[Attendance]:
    """Turn chosen participants into people with address and language; refuse strangers."""
    people: list[Attendance] = []
    seen: set[str] = set()
    for invitee in invitees:
        if invitee.user_id is not None:
            user = session.get(User, invitee.user_id)
            if user is None or not user.active or user.role not in STAFF_ROLES:
                raise Invalid(_("Ein gewählter Teilnehmer ist unbekannt."))
            if user.role == Role.PARTNER_STAFF and user.organisation_id != order.partner_id:
                raise Invalid(_("Ein gewählter Teilnehmer ist unbekannt."))
            person = Attendance(user.name, user.email, user.language, invitee.required, user=user)
        else:
            contact = session.get(CustomerContact, invitee.contact_id or 0)
            if contact is None or contact.customer_id != order.customer_id:
                raise Invalid(_("Ein gewählter Teilnehmer ist unbekannt."))
            person = Attendance(
                contact.name, contact.email, contact.language, invitee.required, contact=contact
            )
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            people.append(person)
    if not any(p.user and p.user.id == order.project_lead_id for p in people):
        raise Invalid(_("Der Projektleiter der Bestellung muss teilnehmen."))
    return people


def add_contact(
    session: Session,
    actor: User,
    order_id: int,
    *,
    name: str,
    email: str,
    phone: str = "",
    role: str = "",
    language: str = "de",
) -> CustomerContact:
    """Add a customer contact to the customer record of an order."""
    order = planning_order(session, actor, order_id)
    fields = clean_contact(name, email, phone, role, language)
    if session.scalar(
        select(CustomerContact.id).where(
            CustomerContact.customer_id == order.customer_id,
            CustomerContact.email == fields["email"],
        )
    ):
        raise Conflict(_("Diesen Ansprechpartner gibt es schon."), email=_("Schon vorhanden."))
    contact = CustomerContact(customer_id=order.customer_id, **fields)
    session.add(contact)
    session.flush()
    audit.record(session, actor, "contact.add", "customer_contact", contact.id, order_id=order.id)
    session.commit()
    return contact
