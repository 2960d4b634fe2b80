"""Secret customer links: 256 random bits, only the SHA-256 stored, with expiry and revocation.

A link's token is mailed, never stored: the mail holds a placeholder and the outbox seals the
token until the worker delivers it (portal.mail). Each link goes to one person; a newer mail to
the same person for the same questionnaire supersedes it, so one link per person works.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
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


def _new_link(
    session: Session, order: Order, questionnaire: str, now, to, contact
) -> tuple[CustomerLink, str]:
    token = secrets.token_urlsafe(32)
    ttl = timedelta(days=current_app.config["LINK_TTL_DAYS"])
    link = CustomerLink(
        order=order,
        questionnaire=questionnaire,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + ttl,
        contact_id=contact.id if contact else None,
        recipient_name=to.name,
        recipient_email=to.email.strip().lower(),
        sent_to=[],
    )
    session.add(link)
    return link, token


def url_for_token(token: str) -> str:
    """The absolute URL customers open, built from BASE_URL (mails are sent outside a request)."""
    return f"{current_app.config['BASE_URL']}/r/{token}"


def supersede(session: Session, order: Order, questionnaire: str, email: str, now) -> list[int]:
    """Retire the person's current links to a questionnaire of the order; returns their ids.

    Only the hash of a token is kept, so a later mail cannot repeat the old link: it carries a
    new one, and the old one stops opening (revoked, marked superseded) so that one link per
    person and questionnaire works at any time. The order's row is locked first (PostgreSQL;
    SQLite writes one at a time anyway), so two mails to the same person at once are issued one
    after the other and the second retires the first one's link.
    """
    session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    old = session.scalars(
        select(CustomerLink).where(
            CustomerLink.order_id == order.id,
            CustomerLink.questionnaire == questionnaire,
            func.lower(CustomerLink.recipient_email) == email.strip().lower(),
            CustomerLink.revoked_at.is_(None),
        )
    ).all()
    for link in old:
        link.revoked_at = link.superseded_at = now
    return [link.id for link in old]


def contact_for(session: Session, order: Order, email: str) -> CustomerContact | None:
    """The contact on the order's customer record with this address, if any."""
    if order.customer_id is None:
        return None
    return session.scalar(
        select(CustomerContact).where(
            CustomerContact.customer_id == order.customer_id,
            func.lower(CustomerContact.email) == email.strip().lower(),
        )
    )


@dataclass
class Issued:
    """Links to some questionnaires of an order, minted per person as each mail is queued.

    Every mail_to() issues the person their own links (one recipient per link) and supersedes
    the links that person held for the same questionnaires. `links` are those of the last mail;
    `tokens` those of the first, kept in memory only (handed out once, e.g. to tests).
    """

    order: Order
    questionnaires: tuple[str, ...]
    now: datetime
    links: dict[str, CustomerLink] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    superseded: list[int] = field(default_factory=list)

    def mail_to(self, session: Session, to, template: str, /, **context) -> OutboxMessage:
        """Queue one mail with fresh links to one person (anyone with a name, an email and a
        language: a contact, an attendee, a user) and record them as that person's links. The
        template names the person as the context does (person=..., recipient=...) and finds
        the addresses in `urls` (a placeholder each, sealed by the outbox until delivery)."""
        contact = contact_for(session, self.order, to.email)
        hidden, urls, tokens, fresh = mail.Secrets(), {}, {}, {}
        for questionnaire in self.questionnaires:
            self.superseded += supersede(session, self.order, questionnaire, to.email, self.now)
            link, token = _new_link(session, self.order, questionnaire, self.now, to, contact)
            fresh[questionnaire], tokens[questionnaire] = link, token
            urls[questionnaire] = url_for_token(hidden.hide(token))
        row = mail.queue_template(
            session,
            to=to.email,
            language=to.language,
            template=template,
            secrets=hidden,
            urls=urls,
            **context,
        )
        for link in fresh.values():
            link.sent_to = [{"name": to.name, "email": to.email, "message_id": row.id}]
        self.links = fresh
        self.tokens = self.tokens or tokens
        return row


def issue_all(session: Session, order: Order, now) -> Issued:
    """Links to each questionnaire of an order, minted per person by Issued.mail_to()."""
    return issue(session, order, QUESTIONNAIRES, now)


def issue(session: Session, order: Order, questionnaires, now) -> Issued:
    """Links to the given questionnaires (e.g. the ones a reminder is about), one set a mail."""
    return Issued(order, tuple(questionnaires), now)


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
    if link.superseded_at is not None:
        # As generic as the expired page: only the date, which the recipient's mailbox shows.
        raise LinkGone(
            _(
                "Ihnen wurde am %(date)s ein neuerer Link zu diesem Fragebogen geschickt. "
                "Bitte verwenden Sie den Link aus der neuesten E-Mail.",
                date=format_date(link.superseded_at, "long"),
            )
        )
    if link.revoked_at is not None:
        raise LinkGone(
            _("Dieser Link wurde zurückgezogen. Bitte fragen Sie Ihren Ansprechpartner.")
        )
    if link.expires_at <= utcnow():
        raise LinkGone(_("Dieser Link ist abgelaufen. Bitte fragen Sie Ihren Ansprechpartner."))
    return link


def valid_links(session: Session, link_ids: list[int]) -> list[CustomerLink]:
    """The links of a customer session that still work (expired and revoked ones drop out).

    A superseded link no longer opens, but a session it opened before goes on until the link
    expires: its holder is the person the newer link went to, and a reminder arriving while
    they fill in a page must not throw them out mid-answer."""
    if not link_ids:
        return []
    rows = session.scalars(select(CustomerLink).where(CustomerLink.id.in_(link_ids)))
    now = utcnow()
    return [link for link in rows if _in_use(link) and link.expires_at > now]


def _in_use(link: CustomerLink) -> bool:
    return link.revoked_at is None or link.revoked_at == link.superseded_at


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
    audit.record(
        session,
        actor,
        "links.send",
        "order",
        order.id,
        to=[c.email for c in contacts],
        superseded=issued.superseded,
    )
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
    if not _in_use(link):
        raise Conflict(_("Dieser Link ist schon zurückgezogen."))
    # A superseded link still serves a session it opened; revoking it ends that too.
    link.revoked_at = utcnow()
    audit.record(
        session,
        actor,
        "link.revoke",
        "customer_link",
        link.id,
        order_id=order.id,
        recipient=link.recipient_email,
        questionnaire=link.questionnaire,
    )
    session.commit()
    return link
