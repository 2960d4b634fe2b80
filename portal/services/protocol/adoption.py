"""Step 6, the contacts from the questionnaires: the project lead adopts them, or adds one by hand.

The customer's answers (submitted or draft) name IT and business contacts; the lead picks the
ones to keep, corrects what needs it, and each becomes a contact on the customer record (and
with that a possible recipient of links, invitations, the package and the offer). An address
already on the record is not added twice: that contact only gets the role and phone it lacked.
"""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit, questionnaires
from portal.models import CustomerContact, Order, User
from portal.services import responses
from portal.services.calls.rules import clean_contact
from portal.services.errors import Conflict, Invalid
from portal.services.protocol.contacts import contacts_of, contacts_order
from portal.services.protocol.questionnaire_contacts import Candidate, candidates, completes


@dataclass(frozen=True)
class Offer:
    """A person from the questionnaires as the page offers them: new, to complete, or known."""

    key: str
    candidate: Candidate
    existing: CustomerContact | None
    completes: tuple[str, ...]

    @property
    def adoptable(self) -> bool:
        """Whether there is anything to adopt: a new person, or fields the contact lacks."""
        return self.existing is None or bool(self.completes)


def offers(session: Session, order: Order) -> list[Offer]:
    """The people named in the order's questionnaires, each against the customer record."""
    sources = []
    for kind in questionnaires.KINDS:
        response = responses.find(session, order, kind)
        if response is None or not response.data:
            continue
        schema = responses.questionnaire_of(session, order, kind, response).schema
        sources.append((kind, schema, response.data))
    known = {c.email.lower(): c for c in contacts_of(session, order)}
    out = []
    for index, person in enumerate(candidates(sources)):
        existing = known.get(person.email.lower())
        done = completes(person, existing.role, existing.phone) if existing else ()
        out.append(Offer(f"candidate-{index}", person, existing, done))
    return out


def adopt(
    session: Session, actor: User, order_id: int, picks: list[dict[str, Any]]
) -> tuple[list[CustomerContact], dict[int, list[str]]]:
    """The lead adopts the picked people: new contacts, or known ones completed; audited.
    Returns the new contacts and, per known contact, the fields filled in.

    `picks` holds one {"key", "name", "email", "role", "phone", "language"} per checked person,
    as the lead may have corrected it. Nothing is written unless every pick is valid.
    """
    order = contacts_order(session, actor, order_id)
    if not picks:
        raise Invalid(_("Bitte mindestens einen Ansprechpartner zum Übernehmen auswählen."))
    errors: dict[str, str] = {}
    cleaned: list[tuple[str, dict]] = []
    seen: set[str] = set()
    for pick in picks:
        key = pick["key"]
        try:
            fields = clean_contact(
                pick.get("name", ""),
                pick.get("email", ""),
                pick.get("phone", ""),
                pick.get("role", ""),
                pick.get("language", ""),
            )
        except Invalid as refused:
            errors.update({f"{key}-{field}": text for field, text in refused.fields.items()})
            continue
        if fields["email"] in seen:
            errors[f"{key}-email"] = _("Diese E-Mail-Adresse ist schon ausgewählt.")
        seen.add(fields["email"])
        cleaned.append((key, fields))
    if errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **errors)
    known = {c.email.lower(): c for c in contacts_of(session, order)}
    created, completed = [], {}
    for _key, fields in cleaned:
        contact = known.get(fields["email"])
        if contact is None:
            contact = CustomerContact(customer_id=order.customer_id, **fields)
            session.add(contact)
            created.append(contact)
            continue
        # Known already: keep what the record says, fill in only what it lacks.
        filled = [f for f in ("role", "phone") if fields[f] and not getattr(contact, f)]
        for field in filled:
            setattr(contact, field, fields[field])
        if filled:
            completed[contact.id] = filled
    _flush(session)
    audit.record(
        session,
        actor,
        "contacts.adopt",
        "order",
        order.id,
        created=[c.id for c in created],
        completed=completed,
    )
    session.commit()
    return created, completed


def add(session: Session, actor: User, order_id: int, values: dict[str, str]) -> CustomerContact:
    """The lead adds a contact by hand (name, email, role, phone, language); audited."""
    order = contacts_order(session, actor, order_id)
    try:
        fields = clean_contact(
            values.get("name", ""),
            values.get("email", ""),
            values.get("phone", ""),
            values.get("role", ""),
            values.get("language", ""),
        )
    except Invalid as refused:
        # The page's field ids: new-name, new-email, ...
        raise Invalid(
            refused.message, **{f"new-{k}": v for k, v in refused.fields.items()}
        ) from None
    exists = session.scalar(
        select(CustomerContact.id).where(
            CustomerContact.customer_id == order.customer_id,
            func.lower(CustomerContact.email) == fields["email"],
        )
    )
    if exists:
        raise Conflict(
            _("Diesen Ansprechpartner gibt es schon."), **{"new-email": _("Schon vorhanden.")}
        )
    contact = CustomerContact(customer_id=order.customer_id, **fields)
    session.add(contact)
    _flush(session)
    audit.record(session, actor, "contact.add", "customer_contact", contact.id, order_id=order.id)
    session.commit()
    return contact


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError:
        # Someone added the same address at the same moment (UNIQUE customer, email).
        session.rollback()
        raise Conflict(
            _("Die Ansprechpartner wurden gerade von jemand anderem geändert; bitte neu laden.")
        ) from None
