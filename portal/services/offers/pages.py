"""What the offer pages show: the partner's editor, the order page's part, the customer's page.

Reading only: each loads what its page needs after the same permission checks as the use
cases, and nothing here writes.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from portal.models import CustomerContact, Order, Role, ServiceItem, ServiceOffer, User
from portal.postal import Address
from portal.services.offers.address import address_of
from portal.services.offers.pricing import Totals, code, totals
from portal.services.offers.records import (
    OPEN,
    agreed_services,
    call_held,
    customer_offer,
    default_recipients,
    offers_of,
    order_of,
    partner_order,
)
from portal.services.protocol import contacts_of, service_catalogue


@dataclass(frozen=True)
class EditorPage:
    """What the partner's offer page shows."""

    order: Order
    offer: ServiceOffer | None  # the open offer: a draft or a sent one
    offers: list[ServiceOffer]
    items: list[ServiceItem]
    contacts: list[CustomerContact]
    chosen: set[int]
    agreed: list[dict[str, Any]]
    call_held: bool
    address: Address  # the customer's postal address as recorded

    @property
    def code(self) -> str:
        """The open offer's number, or nothing."""
        return code(self.order, self.offer) if self.offer else ""


def editor(session: Session, actor: User, order_id: int) -> EditorPage:
    """The offer page of an order, for partner staff."""
    order = partner_order(session, actor, order_id)
    offers = offers_of(session, order)
    return EditorPage(
        order=order,
        offer=next((o for o in offers if o.status in OPEN), None),
        offers=offers,
        items=service_catalogue(session),
        contacts=contacts_of(session, order),
        chosen=default_recipients(session, order),
        agreed=agreed_services(session, order),
        call_held=call_held(order),
        address=address_of(order.customer),
    )


@dataclass(frozen=True)
class Summary:
    """One offer on the order page."""

    offer: ServiceOffer
    code: str
    totals: Totals


@dataclass(frozen=True)
class Section:
    """The order page's part on offers: every offer, and whether a new one may start."""

    offers: list[Summary]
    open: ServiceOffer | None
    call_held: bool


def order_section(session: Session, actor: User, order: Order) -> Section | None:
    """The offers of an order for partner staff (None for others, and before the setup call)."""
    if actor.role != Role.PARTNER_STAFF or order.customer_id is None:
        return None
    offers = offers_of(session, order)
    held = call_held(order)
    if not (held or offers):
        return None
    return Section(
        offers=[Summary(o, code(order, o), totals(o.lines, o.vat_rate)) for o in offers],
        open=next((o for o in offers if o.status in OPEN), None),
        call_held=held,
    )


@dataclass(frozen=True)
class CustomerPage:
    """What the customer's offer page shows."""

    offer: ServiceOffer
    order: Order
    code: str
    totals: Totals


def customer_page(session: Session, offer_ids: list[int], offer_id: int) -> CustomerPage:
    """The offer as this customer session sees it: lines, totals, and the decision if made."""
    offer = customer_offer(session, offer_ids, offer_id)
    order = order_of(session, offer)
    return CustomerPage(offer, order, code(order, offer), totals(offer.lines, offer.vat_rate))
