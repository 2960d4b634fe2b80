"""Loading offers for the use cases and pages: who may see which, the open one, the link's.

Also the two helpers every writing use case shares: a flush that turns a lost race into a
Conflict, and the message of an editor that loaded an older version.
"""

from typing import Any, NoReturn

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal import audit
from portal.models import Order, ServiceOffer, User, utcnow
from portal.models.offer import DRAFT, SENT, WITHDRAWN
from portal.process import completion
from portal.services import access
from portal.services.errors import Conflict, NotFound
from portal.services.links import LinkGone, hash_token
from portal.services.protocol import confirmation_of, contacts_of, protocol_of

STEP, HOLD_CALL = "offer_services", "hold_call"
OPEN = (DRAFT, SENT)


def partner_order(session: Session, actor: User, order_id: int) -> Order:
    """The order, for partner staff of a partner granted its customer (others: 404 or 403)."""
    order = access.get_order(session, actor, order_id)
    access.require_partner(actor, _("Zusatzleistungen bieten die Mitarbeiter des Partners an."))
    return order


def call_held(order: Order) -> bool:
    """Whether the setup call is recorded: offers come after it."""
    return completion(order, HOLD_CALL) is not None


def offers_of(session: Session, order: Order) -> list[ServiceOffer]:
    """Every offer of the order with its lines, newest first."""
    return list(
        session.scalars(
            select(ServiceOffer)
            .where(ServiceOffer.order_id == order.id)
            .options(selectinload(ServiceOffer.lines))
            .order_by(ServiceOffer.number.desc())
        )
    )


def open_offer(session: Session, order: Order) -> ServiceOffer | None:
    """The order's draft or sent offer, if there is one."""
    return session.scalar(
        select(ServiceOffer).where(ServiceOffer.order_id == order.id, ServiceOffer.status.in_(OPEN))
    )


def numbered(session: Session, order: Order, number: int) -> ServiceOffer:
    """The order's offer with this number (404 if there is none)."""
    offer = session.scalar(
        select(ServiceOffer).where(ServiceOffer.order_id == order.id, ServiceOffer.number == number)
    )
    if offer is None:
        raise NotFound(_("Angebot nicht gefunden."))
    return offer


def order_of(session: Session, offer: ServiceOffer) -> Order:
    """The order an offer belongs to."""
    return session.get(Order, offer.order_id)


def agreed_services(session: Session, order: Order) -> list[dict[str, Any]]:
    """The services the protocol agreed in the call (as stored there)."""
    protocol = protocol_of(session, order)
    return list(protocol.services) if protocol else []


def default_recipients(session: Session, order: Order) -> set[int]:
    """The contacts the project lead confirmed; without a confirmation, every contact."""
    contacts = {c.id for c in contacts_of(session, order)}
    confirmation = confirmation_of(session, order)
    confirmed = {c["id"] for c in confirmation.contacts} & contacts if confirmation else set()
    return confirmed or contacts


def _check_link(offer: ServiceOffer) -> ServiceOffer:
    """Refuse withdrawn offers and undecided ones past their validity; decided ones stay readable."""
    if offer.status == WITHDRAWN:
        raise LinkGone(
            _("Dieses Angebot wurde zurückgezogen. Bitte fragen Sie Ihren Ansprechpartner.")
        )
    if offer.status == SENT and offer.expires_at <= utcnow():
        raise LinkGone(_("Dieses Angebot ist abgelaufen. Bitte fragen Sie Ihren Ansprechpartner."))
    return offer


def redeem(session: Session, token: str) -> ServiceOffer:
    """Exchange the token of a decision link for its offer: unknown 404, expired or withdrawn 410."""
    offer = session.scalar(select(ServiceOffer).where(ServiceOffer.token_hash == hash_token(token)))
    if offer is None:
        raise NotFound(_("Dieser Link ist ungültig."))
    return _check_link(offer)


def customer_offer(session: Session, offer_ids: list[int], offer_id: int) -> ServiceOffer:
    """An offer this customer session opened through its link."""
    if offer_id not in offer_ids:
        raise NotFound(_("Dieser Link ist ungültig."))
    offer = session.get(ServiceOffer, offer_id)
    if offer is None or offer.token_hash is None:
        raise NotFound(_("Dieser Link ist ungültig."))
    return _check_link(offer)


def refuse(session: Session, actor, message: str, offer_id: int | None, **payload) -> NoReturn:
    """Refuse an action on an offer as a Conflict: audited as "offer.refused", then raised."""
    audit.refuse(session, actor, Conflict(message), "offer", "service_offer", offer_id, **payload)


def stale() -> Conflict:
    """The refusal for an editor that loaded an older version of the offer."""
    return Conflict(
        _(
            "Das Angebot wurde inzwischen von jemand anderem geändert; nichts wurde gespeichert. Bitte die Seite neu laden."
        )
    )
