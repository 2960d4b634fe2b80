"""Small loaders of step 3: the order's setup call, and the offers of times still open."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Order, SetupCall, SlotOffer


def call_of(session: Session, order: Order) -> SetupCall | None:
    """The order's setup call, booked or cancelled, or None."""
    return session.scalar(select(SetupCall).where(SetupCall.order_id == order.id))


def open_offer(session: Session, order: Order) -> SlotOffer | None:
    """The offer a customer may currently pick from."""
    return session.scalar(
        select(SlotOffer).where(SlotOffer.order_id == order.id, SlotOffer.status == "open")
    )


def open_offers(session: Session, order: Order) -> list[SlotOffer]:
    """Every offer of the order still open, to withdraw them when a new one or a booking comes."""
    return list(
        session.scalars(
            select(SlotOffer).where(SlotOffer.order_id == order.id, SlotOffer.status == "open")
        )
    )
