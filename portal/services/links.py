"""Secret customer links: 256 random bits, only the SHA-256 stored, with expiry and revocation."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import mail
from portal.models import QUESTIONNAIRES, CustomerContact, CustomerLink, Order, Role, utcnow
from portal.services import access, audit
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound


class LinkGone(NotFound):
    """The link existed but has expired or was revoked."""

    status = 410


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, order: Order, questionnaire: str, now) -> str:
    """Create a link for one questionnaire of an order; return the plain token (shown once)."""
    token = secrets.token_urlsafe(32)
    ttl = timedelta(days=current_app.config["LINK_TTL_DAYS"])
    session.add(
        CustomerLink(
            order=order,
            questionnaire=questionnaire,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return token


def url_for_token(token: str) -> str:
    """The absolute URL customers open, built from BASE_URL (mails are sent outside a request)."""
    return f"{current_app.config['BASE_URL']}/r/{token}"


def redeem(session: Session, token: str) -> CustomerLink:
    """Exchange a token for its link: refuse unknown, expired and revoked ones."""
    link = session.scalar(select(CustomerLink).where(CustomerLink.token_hash == hash_token(token)))
    check(link)
    link.last_used_at = utcnow()
    session.commit()
    return link


def check(link: CustomerLink | None) -> CustomerLink:
    """Raise unless the link exists, has not expired and was not revoked."""
    if link is None:
        raise NotFound(_("Dieser Link ist ungültig."))
    if link.revoked_at is not None:
        raise LinkGone(
            _("Dieser Link wurde zurückgezogen. Bitte fragen Sie Ihren Ansprechpartner.")
        )
    if link.expires_at <= utcnow():
        raise LinkGone(_("Dieser Link ist abgelaufen. Bitte fragen Sie Ihren Ansprechpartner."))
    return link


def valid_links(session: Session, link_ids: list[int]) -> list[CustomerLink]:
    """The links of a customer session that still work (expired and revoked ones drop out)."""
    if not link_ids:
        return []
    rows = session.scalars(select(CustomerLink).where(CustomerLink.id.in_(link_ids)))
    now = utcnow()
    return [link for link in rows if link.revoked_at is None and link.expires_at > now]


def send_to_contacts(session: Session, actor, order_id: int, contact_ids: list[int]) -> int:
    """Send fresh links to both questionnaires to some customer contacts; returns how many."""
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(_("Nur Mitarbeiter des Partners verschicken Links."))
    order = access.get_order(session, actor, order_id)
    contacts = list(
        session.scalars(
            select(CustomerContact).where(
                CustomerContact.id.in_(contact_ids or [0]),
                CustomerContact.customer_id == order.customer_id,
            )
        )
    )
    if not contacts:
        raise Invalid(_("Bitte mindestens einen Ansprechpartner wählen."))
    now = utcnow()
    urls = {q: url_for_token(issue(session, order, q, now)) for q in QUESTIONNAIRES}
    for contact in contacts:
        mail.queue_template(
            session,
            to=contact.email,
            language=contact.language,
            template="questionnaire_links",
            order=order,
            person=contact,
            urls=urls,
        )
    audit.record(session, actor, "links.send", "order", order.id, to=[c.email for c in contacts])
    session.commit()
    return len(contacts)


def revoke(session: Session, actor, order_id: int, link_id: int) -> CustomerLink:
    """Revoke a customer link of an order; it stops working at once."""
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(_("Nur Mitarbeiter des Partners ziehen Links zurück."))
    order = access.get_order(session, actor, order_id)
    link = session.get(CustomerLink, link_id)
    if link is None or link.order_id != order.id:
        raise NotFound(_("Link nicht gefunden."))
    if link.revoked_at is not None:
        raise Conflict(_("Dieser Link ist schon zurückgezogen."))
    link.revoked_at = utcnow()
    audit.record(session, actor, "link.revoke", "customer_link", link.id, order_id=order.id)
    session.commit()
    return link
