"""Who may do what in step 4: load a CP Cloud order, provision it, reveal its passwords.

Every check of step 4 lives here, on top of the one tenancy loader access.get_order: the
use cases and the page models ask these functions and repeat no role test of their own.
"""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import Order, Role, User
from portal.models.call import BOOKED
from portal.services import access, calls
from portal.services.cloud.names import CLOUD
from portal.services.errors import Conflict, Forbidden, NotFound


def cloud_order(session: Session, actor: User, order_id: int) -> Order:
    """An order the actor may see that runs on CP Cloud, else NotFound."""
    order = access.get_order(session, actor, order_id)
    if order.deployment != CLOUD:
        raise NotFound(_("Diese Bestellung wird nicht in der CP Cloud betrieben."))
    return order


def may_edit(actor: User, order: Order) -> bool:
    """Partner staff provision the CP Cloud once the order is accepted."""
    return actor.role == Role.PARTNER_STAFF and order.customer_id is not None


def editable_order(session: Session, actor: User, order_id: int) -> Order:
    """The CP Cloud order partner staff provision: Forbidden for others, Conflict before acceptance."""
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(_("Nur Mitarbeiter des Partners richten die CP Cloud ein."))
    order = cloud_order(session, actor, order_id)
    if order.customer_id is None:
        raise Conflict(_("Die Bestellung ist noch nicht angenommen."))
    return order


def _call_participant(session: Session, actor: User, order: Order, call) -> bool:
    call = calls.call_of(session, order) if call is ... else call
    if call is None or call.status != BOOKED:
        return False
    return any(p.user_id == actor.id for p in call.participants)


def may_reveal(session: Session, actor: User, order: Order, call=...) -> bool:
    """Need to know: granted partner staff, the order's project lead, its call's architect/technician.

    The order must already be one the actor may see (access.get_order); `call` may pass the
    order's SetupCall when the caller has it loaded.
    """
    if actor.role == Role.PARTNER_STAFF:
        # access.get_order let them see the order: their organisation is granted the customer.
        return order.customer_id is not None
    if actor.role == Role.PROJECT_LEAD:
        return order.project_lead_id == actor.id
    if actor.role in (Role.IT_ARCHITECT, Role.TECHNICIAN):
        return _call_participant(session, actor, order, call)
    return False


def revealable_order(session: Session, actor: User, order_id: int) -> Order:
    """The CP Cloud order whose passwords the actor may reveal, else NotFound or Forbidden."""
    order = cloud_order(session, actor, order_id)
    if not may_reveal(session, actor, order):
        raise Forbidden(_("Die Zugangsdaten sehen nur die Beteiligten dieses Kunden."))
    return order
