"""The check every use case of step 3 starts with: partner staff, a visible, accepted order."""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import Order, Role, User
from portal.services import access
from portal.services.errors import Conflict, Forbidden


def planning_order(session: Session, actor: User, order_id: int) -> Order:
    """The order whose call the actor plans: only partner staff (Forbidden), only an order they
    may see (NotFound), only once the back office accepted it and it has a customer (Conflict)."""
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(_("Nur Mitarbeiter des Partners planen den Setup Call."))
    order = access.get_order(session, actor, order_id)
    if order.customer is None:
        raise Conflict(_("Die Bestellung ist noch nicht angenommen."))
    return order
