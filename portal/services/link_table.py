"""The order's links table: one row per customer link, and re-sending one link to its recipient.

Partner staff and vendor staff with access to the order see the table; partner staff re-send or
revoke (portal.services.links.revoke) a link. A re-sent link is a new one for the same person
and questionnaire; the old one is superseded. The mail goes through the outbox.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import CustomerLink, Order, Role, User, utcnow
from portal.services import access, links
from portal.services.errors import Conflict, Forbidden, NotFound

ACTIVE, EXPIRED, REVOKED, SUPERSEDED = "active", "expired", "revoked", "superseded"
STATE_LABELS = {
    ACTIVE: _l("aktiv"),
    EXPIRED: _l("abgelaufen"),
    REVOKED: _l("widerrufen"),
    SUPERSEDED: _l("ersetzt"),
}


def state_of(link: CustomerLink, now: datetime) -> str:
    """aktiv, abgelaufen, widerrufen or ersetzt (superseded by a newer link to the same person)."""
    if link.superseded_at is not None and link.revoked_at == link.superseded_at:
        return SUPERSEDED
    if link.revoked_at is not None:
        return REVOKED
    if link.expires_at <= now:
        return EXPIRED
    return ACTIVE


@dataclass(frozen=True)
class LinkRow:
    """One row of the links table."""

    link: CustomerLink
    name: str
    email: str
    state: str
    message_id: int | None

    @property
    def state_label(self) -> str:
        """The state in the current language."""
        return str(STATE_LABELS[self.state])


def rows(order: Order, now: datetime | None = None) -> list[LinkRow]:
    """The order's links in the order they were made; links from before one recipient per
    link show the people their mail went to, joined."""
    now = now or utcnow()
    out = []
    for link in sorted(order.links, key=lambda k: k.id):
        sent = link.sent_to or []
        name = link.recipient_name or ", ".join(s.get("name") or "" for s in sent)
        email = link.recipient_email or ", ".join(s.get("email") or "" for s in sent)
        message_id = sent[-1].get("message_id") if sent else None
        out.append(LinkRow(link, name, email, state_of(link, now), message_id))
    return out


@dataclass(frozen=True)
class Recipient:
    """Whom a re-sent link goes to: name, address and the language of the mail."""

    name: str
    email: str
    language: str


def _recipient(session: Session, order: Order, link: CustomerLink) -> Recipient:
    contact = link.contact_id and links.contact_for(session, order, link.recipient_email or "")
    if contact:
        return Recipient(contact.name, contact.email, contact.language)
    email = (link.recipient_email or "").strip().lower()
    user = session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    language = user.language if user else order.language
    return Recipient(link.recipient_name or email, email, language)


def resend(session: Session, actor: User, order_id: int, link_id: int) -> CustomerLink:
    """Mail a new link to the same person and questionnaire; the old one is superseded."""
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(_("Nur Mitarbeiter des Partners verschicken Links."))
    order = access.get_order(session, actor, order_id)
    link = session.get(CustomerLink, link_id)
    if link is None or link.order_id != order.id:
        raise NotFound(_("Link nicht gefunden."))
    if state_of(link, utcnow()) != ACTIVE:
        raise Conflict(_("Nur ein aktiver Link kann erneut gesendet werden."))
    if not link.recipient_email:
        raise Conflict(
            _(
                "Dieser Link ging an mehrere Empfänger; bitte neue Links an einen Ansprechpartner senden."
            )
        )
    person = _recipient(session, order, link)
    issued = links.issue(session, order, (link.questionnaire,), utcnow())
    row = issued.mail_to(
        session, person, "questionnaire_link", order=order, person=person, kind=link.questionnaire
    )
    fresh = issued.links[link.questionnaire]
    session.flush()
    audit.record(
        session,
        actor,
        "link.resend",
        "customer_link",
        fresh.id,
        order_id=order.id,
        superseded=issued.superseded,
        recipient=person.email,
        questionnaire=link.questionnaire,
        message_id=row.id,
    )
    session.commit()
    return fresh
