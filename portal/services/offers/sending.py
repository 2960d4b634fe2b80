"""Use cases of sending an offer and taking it back: send, withdraw, and the stored PDF.

Sending renders the PDF and stores it with its SHA-256, mails each chosen customer contact a
secret link (only the token's SHA-256 is kept), and the first offer sent completes
`offer_services`. Withdrawing a sent offer stops its link and tells its recipients.
"""

import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import audit, pdf
from portal.models import CustomerContact, Order, ServiceOffer, StepCompletion, User, utcnow
from portal.models.offer import DRAFT, SENT, WITHDRAWN
from portal.process import completion
from portal.services.errors import (
    Conflict,
    DomainError,
    Invalid,
    NotFound,
    all_or_nothing,
    flush_or_refuse,
)
from portal.services.links import hash_token
from portal.services.offers.address import missing_message
from portal.services.offers.drafting import DraftInput, apply, open_draft
from portal.services.offers.mails import mail_contacts, mail_withdrawn, render_pdf
from portal.services.offers.pricing import code, expiry, today, totals
from portal.services.offers.records import (
    OPEN,
    STEP,
    numbered,
    partner_order,
    refuse,
    stale,
)
from portal.services.protocol import contacts_of


class PdfFailed(DomainError):
    """The offer's PDF could not be rendered; nothing was sent."""

    status = 500


@dataclass(frozen=True)
class SendResult:
    """The sent offer; its mails wait in the outbox for the worker."""

    offer: ServiceOffer


def send(
    session: Session,
    actor: User,
    order_id: int,
    version: int | None,
    contact_ids: list[int],
    draft: DraftInput | None = None,
) -> SendResult:
    """Send the draft (saving `draft` first when the editor posts it) to customer contacts.

    Renders and stores the PDF, issues the secret link, mails every chosen contact in their
    language with the PDF attached, and completes offer_services on the first offer sent.
    """
    with all_or_nothing(session):
        order = partner_order(session, actor, order_id)
        offer = open_draft(session, actor, order, version, "send")
        if draft is not None:
            apply(session, actor, offer, draft)
        errors = {}
        if not offer.lines:
            errors["lines"] = _("Bitte mindestens eine Leistung in das Angebot aufnehmen.")
        if offer.valid_until is None or offer.valid_until < today():
            errors["valid_until"] = _("Bitte ein Gültigkeitsdatum ab heute angeben.")
        wanted = set(contact_ids)
        contacts = [c for c in contacts_of(session, order) if c.id in wanted]
        if not contacts:
            errors["contacts"] = _("Bitte mindestens einen Ansprechpartner des Kunden wählen.")
        address = missing_message(order)
        if address:
            errors["address"] = address
        if errors:
            raise Invalid(_("Das Angebot kann so nicht verschickt werden."), **errors)
        token = _issue(offer, actor, contacts)
        try:
            offer.pdf = render_pdf(order, offer)
        except pdf.PdfError:
            raise PdfFailed(
                _("Das PDF des Angebots konnte nicht erzeugt werden; nichts wurde verschickt.")
            ) from None
        offer.sha256 = hashlib.sha256(offer.pdf).hexdigest()
        flush_or_refuse(session, stale())
        mail_contacts(session, order, offer, contacts, token)
        _complete_step(session, order, offer, actor)
        amounts = totals(offer.lines, offer.vat_rate)
        audit.record(
            session,
            actor,
            "offer.send",
            "service_offer",
            offer.id,
            order_id=order.id,
            number=offer.number,
            to=[c.email for c in contacts],
            sha256=offer.sha256,
            net=amounts.net,
            gross=amounts.gross,
        )
        session.commit()
        return SendResult(offer)


def _issue(offer: ServiceOffer, actor: User, contacts: list[CustomerContact]) -> str:
    """Mark the offer sent and give it a fresh secret token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    offer.status, offer.sent_by_id, offer.sent_at = SENT, actor.id, now
    offer.updated_by_id, offer.updated_at = actor.id, now
    offer.recipients = [
        {"contact_id": c.id, "name": c.name, "email": c.email, "language": c.language}
        for c in contacts
    ]
    offer.token_hash = hash_token(token)
    offer.expires_at = expiry(offer.valid_until)
    return token


def _complete_step(session: Session, order: Order, offer: ServiceOffer, actor: User) -> None:
    """The first offer sent completes the step; later offers leave that record as it is."""
    if completion(order, STEP) is not None:
        return
    session.add(
        StepCompletion(
            order_id=order.id,
            step=STEP,
            completed_by_id=actor.id,
            completed_at=offer.sent_at,
            details={"offer_id": offer.id, "number": offer.number},
        )
    )
    flush_or_refuse(session, Conflict(_("Das Angebot wurde gerade schon verschickt.")))


def withdraw(session: Session, actor: User, order_id: int, number: int) -> ServiceOffer:
    """Withdraw a sent offer (its link stops working) or discard a draft."""
    order = partner_order(session, actor, order_id)
    offer = numbered(session, order, number)
    if offer.status not in OPEN:
        refuse(
            session,
            actor,
            _("Über dieses Angebot ist schon entschieden, oder es ist zurückgezogen."),
            offer.id,
            order_id=order.id,
            attempted="withdraw",
            status=offer.status,
        )
    was = offer.status
    offer.status = WITHDRAWN
    offer.updated_by_id, offer.updated_at = actor.id, utcnow()
    flush_or_refuse(
        session,
        Conflict(_("Das Angebot wurde gerade geändert oder entschieden; bitte neu laden.")),
    )
    audit.record(
        session,
        actor,
        "offer.withdraw",
        "service_offer",
        offer.id,
        order_id=order.id,
        number=number,
        was=was,
    )
    if was == SENT:
        mail_withdrawn(session, order, offer, actor)
    session.commit()
    return offer


def pdf_of(session: Session, actor: User, order_id: int, number: int) -> tuple[str, bytes]:
    """The stored PDF of a sent offer: (file name, bytes)."""
    order = partner_order(session, actor, order_id)
    offer = numbered(session, order, number)
    if offer.status == DRAFT or offer.pdf is None:
        raise NotFound(_("Zu einem Entwurf gibt es noch kein PDF."))
    return f"{code(order, offer)}.pdf", offer.pdf
