"""The check every use case of step 3 starts with: partner staff, a visible, accepted order."""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import Order, User
from portal.services import access


def planning_order(session: Session, actor: User, order_id: int) -> Order:
    """The order whose call the actor plans: only partner staff (Forbidden), only an order they
    may see (NotFound), only once the back office accepted it and it has a customer (Conflict)."""
    access.require_partner(actor, _("Nur Mitarbeiter des Partners planen den Setup Call."))
    return access.accepted_order(session, actor, order_id)
