"""The partner's switches that stop an order's reminders (the order page shows the section)."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.authz import roles_required
from portal.errors import flash_refusal
from portal.extensions import db
from portal.models import Role
from portal.orders import bp
from portal.orders.forms import reminder_switches
from portal.services.errors import DomainError
from portal.services.reminders import switches


@bp.post("/<int:order_id>/reminders")
@roles_required(Role.PARTNER_STAFF)
def reminders(order_id: int):
    """Save whether the order's customers get reminders, all or some of them."""
    off, muted = reminder_switches(request.form)
    try:
        switches.save_order_switches(db.session, current_user, order_id, off=off, muted=muted)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Die Einstellungen der Erinnerungen sind gespeichert."), "success")
    return redirect(url_for("orders.show", order_id=order_id, _anchor="reminders-heading"))
