"""Tenancy: which orders a user may see. Any other order is reported as not found.

Also the two checks that the steps after acceptance share: partner staff only (the message
names what the step does), and an order accepted, with its customer record.
"""

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from portal.models import CustomerGrant, Order, Role, User
from portal.services.errors import Conflict, Forbidden, NotFound


def visible_orders(actor: User) -> ColumnElement[bool]:
    """A WHERE clause for the orders this user may see."""
    if not actor.is_authenticated or not actor.active:
        return false()
    if actor.role == Role.PARTNER_STAFF:
        granted = (
            select(CustomerGrant.id)
            .where(
                CustomerGrant.customer_id == Order.customer_id,
                CustomerGrant.organisation_id == actor.organisation_id,
            )
            .limit(1)
            .scalar_subquery()
            .is_not(None)
        )
        # The ordering partner sees its order before acceptance; afterwards the grant decides.
        # A correlated lookup (not IN) lets the database walk the newest orders first and stop
        # after one page, instead of collecting and sorting every visible order; a scalar
        # subquery, not EXISTS, because under this OR PostgreSQL turns EXISTS into a hashed
        # read of all the partner's grants, which grows with its customers (issue 16).
        return or_(
            (Order.customer_id.is_(None)) & (Order.partner_id == actor.organisation_id),
            granted,
        )
    return true()  # vendor staff work on every customer


def get_order(session: Session, actor: User, order_id: int) -> Order:
    """Load an order the actor may see, else raise NotFound (also for orders of other partners)."""
    order = session.scalar(select(Order).where(Order.id == order_id, visible_orders(actor)))
    if order is None:
        raise NotFound("Bestellung nicht gefunden.")
    return order


def accepted_order(session: Session, actor: User, order_id: int) -> Order:
    """The order the actor may see, once accepted: the steps after acceptance need its customer."""
    order = get_order(session, actor, order_id)
    if order.customer_id is None:
        raise Conflict(_("Die Bestellung ist noch nicht angenommen."))
    return order


def require_partner(actor: User, message: str) -> None:
    """Forbidden with the message unless the actor is partner staff."""
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(message)
