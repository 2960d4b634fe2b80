"""Who hears about an order: the staff that notifications and digests are addressed to."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Order, Role, User


def partner_staff(session: Session, order: Order) -> list[User]:
    """The active partner staff of the organisation that placed the order."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.organisation_id == order.partner_id,
                User.role == Role.PARTNER_STAFF,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )
