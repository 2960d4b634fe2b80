"""Customer views: a secret link becomes a session cookie, then the landing page."""

from flask import redirect, render_template, session, url_for

from portal.extensions import db
from portal.respond import bp
from portal.services import links

SESSION_KEY = "customer_links"


@bp.get("/r/<token>")
def enter(token: str):
    """Exchange the link's token for a session cookie and redirect to a URL without it."""
    link = links.redeem(db.session, token)
    known = [i for i in session.get(SESSION_KEY, []) if i != link.id]
    session[SESSION_KEY] = [link.id, *known][:20]
    return redirect(url_for("respond.landing"), code=303)


@bp.get("/customer")
def landing():
    """The customer's landing page: their questionnaires and their state."""
    valid = links.valid_links(db.session, session.get(SESSION_KEY, []))
    session[SESSION_KEY] = [link.id for link in valid]
    if not valid:
        return render_template("respond/no_access.html"), 403
    return render_template("respond/landing.html", links=valid, order=valid[0].order)
