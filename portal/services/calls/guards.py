"""The checks every use case of step 3 shares: partner staff only, an order already accepted."""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import Order, Role, User
from portal.services import access
from portal.services.errors import Conflict, Forbidden


def require_partner(actor: User) -> None:
    """Only the partner's staff plan the call (the order's visibility is checked after)."""
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(_("Nur Mitarbeiter des Partners planen den Setup Call."))


def accepted_order(session: Session, actor: User, order_id: int) -> Order:
    """The order as the actor may see it, once the back office accepted it (it has a customer)."""
    order = access.get_order(session, actor, order_id)
    if order.customer is None:
        raise Conflict(_("Die Bestellung ist noch nicht angenommen."))
    return order
