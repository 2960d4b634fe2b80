"""The customer's side of the setup call: the booked date, or a choice of offered times."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.extensions import db
from portal.respond import bp
from portal.respond.views import AUTHOR_KEY, SESSION_KEY
from portal.services import calls, links


def _order():
    valid = links.valid_links(db.session, session.get(SESSION_KEY, []))
    if not valid:
        return None
    return valid[0].order


@bp.get("/customer/call")
def call():
    """Show the booked call, or the offered times to pick from."""
    order = _order()
    if order is None:
        return render_template("respond/no_access.html"), 403
    return render_template(
        "respond/call.html",
        order=order,
        call=calls.call_of(db.session, order),
        offer=calls.open_offer(db.session, order),
        author=session.get(AUTHOR_KEY),
    )


@bp.post("/customer/call")
def pick():
    """Pick one offered time; it is checked again now and booked at once."""
    order = _order()
    if order is None:
        return render_template("respond/no_access.html"), 403
    name = session.get(AUTHOR_KEY)
    if not name:
        flash(_("Bitte geben Sie zuerst Ihren Namen an."), "info")
        return redirect(url_for("respond.landing"))
    result = calls.pick(
        db.session,
        order,
        request.form.get("offer", 0, type=int),
        request.form.get("start", ""),
        name,
    )
    if result.booked:
        flash(_("Danke! Der Termin ist gebucht; die Einladung folgt per E-Mail."), "success")
        return redirect(url_for("respond.call"), code=303)
    flash(_("Dieser Termin ist inzwischen vergeben. Bitte wählen Sie einen anderen."), "error")
    return render_template(
        "respond/call.html",
        order=order,
        call=calls.call_of(db.session, order),
        offer=calls.open_offer(db.session, order),
        author=name,
    ), 409
