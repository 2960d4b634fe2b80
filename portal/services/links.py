"""Secret customer links: 256 random bits, only the SHA-256 stored, with expiry and revocation.

A link's token is mailed, never stored: the mail holds a placeholder and the outbox seals the
token until the worker delivers it (portal.mail). Each link records to whom it was mailed.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, mail
from portal.models import (
    QUESTIONNAIRES,
    CustomerContact,
    CustomerLink,
    Order,
    OutboxMessage,
    Role,
    utcnow,
)
from portal.services import access
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound


class LinkGone(NotFound):
    """The link existed but has expired or was revoked."""

    status = 410


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link(session: Session, order: Order, questionnaire: str, now) -> tuple[CustomerLink, str]:
    token = secrets.token_urlsafe(32)
    ttl = timedelta(days=current_app.config["LINK_TTL_DAYS"])
    link = CustomerLink(
        order=order,
        questionnaire=questionnaire,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + ttl,
        sent_to=[],
    )
    session.add(link)
    return link, token


def url_for_token(token: str) -> str:
    """The absolute URL customers open, built from BASE_URL (mails are sent outside a request)."""
    return f"{current_app.config['BASE_URL']}/r/{token}"


@dataclass
class Issued:
    """Fresh links to both questionnaires, ready to be mailed.

    `urls` are what a mail shows: the address with a placeholder for the token; `secrets`
    holds the tokens for the outbox to seal. `tokens` stay in memory only.
    """

    links: dict[str, CustomerLink] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    secrets: mail.Secrets = field(default_factory=mail.Secrets)

    def mail_to(self, session: Session, to, template: str, /, **context) -> OutboxMessage:
        """Queue one mail with the links to one person (anyone with a name, an email and a
        language: a contact, an attendee, a user) and record it on each link. The template
        names the person as the context does (person=..., recipient=...)."""
        row = mail.queue_template(
            session,
            to=to.email,
            language=to.language,
            template=template,
            secrets=self.secrets,
            urls=self.urls,
            **context,
        )
        sent = {"name": to.name, "email": to.email, "message_id": row.id}
        for link in self.links.values():
            # A new list: the JSON column notices assignment, not changes inside.
            link.sent_to = [*(link.sent_to or []), sent]
        return row


def issue_all(session: Session, order: Order, now) -> Issued:
    """Create a link to each questionnaire of an order, to be mailed with Issued.mail_to()."""
    return issue(session, order, QUESTIONNAIRES, now)


def issue(session: Session, order: Order, questionnaires, now) -> Issued:
    """Create a link to each of the given questionnaires (e.g. the ones a reminder is about)."""
    issued = Issued()
    for questionnaire in questionnaires:
        link, token = _new_link(session, order, questionnaire, now)
        issued.links[questionnaire] = link
        issued.tokens[questionnaire] = token
        issued.urls[questionnaire] = url_for_token(issued.secrets.hide(token))
    return issued


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
    issued = issue_all(session, order, utcnow())
    for contact in contacts:
        issued.mail_to(session, contact, "questionnaire_links", order=order, person=contact)
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
