"""Review views. Each parses the request, calls one service, then renders or redirects."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.errors import flash_refusal
from portal.extensions import db
from portal.filters import locale
from portal.review import bp
from portal.services import review
from portal.services.errors import DomainError

LARGE = "review_large"
STATUS_LABELS = {
    "accepted": _l("übernommen"),
    "changed": _l("im Call geändert"),
    "open": _l("offene Frage"),
    None: _l("noch ohne Status"),
}


@bp.get("/<int:order_id>/review/<kind>")
@login_required
def workspace(order_id: int, kind: str):
    """Every answer with the customer's value, the final value, a status and a comment."""
    if request.args.get("large") in ("0", "1"):
        session[LARGE] = request.args["large"] == "1"  # remembered: the projector stays large
    return _render(order_id, kind)


def _render(order_id: int, kind: str, problem=None, posted=None, status: int = 200):
    page = review.workspace(
        db.session, current_user, order_id, kind, request.values.get("filter"), locale()
    )
    return render_template(
        "review/workspace.html",
        ws=page,
        large=session.get(LARGE, False),
        problem=problem,
        posted=posted,
        form_values=review.form_values,
    ), status


@bp.post("/<int:order_id>/review/<kind>/answer")
@login_required
def save_answer(order_id: int, kind: str):
    """Save one answer's review; back to the same answer (#a-<n>) or the form with the error."""
    form = request.form
    try:
        review.save_review(
            db.session,
            current_user,
            order_id,
            kind,
            form.get("pointer", ""),
            status=form.get("status", ""),
            final=form.getlist("final"),
            comment=form.get("comment", ""),
            version=form.get("version", -1, type=int),
            locale=locale(),
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        field = next(iter(error.fields), None)
        problem = {"pointer": form.get("pointer"), "message": error.message, "field": field}
        return _render(order_id, kind, problem, form if error.status == 400 else None, error.status)
    number = form.get("number", 0, type=int)
    flash(_("Antwort %(n)d gespeichert.", n=number), "success")
    return redirect(_workspace_url(order_id, kind, form.get("filter")) + f"#a-{number}", 303)


def _workspace_url(order_id: int, kind: str, chosen: str | None = None) -> str:
    chosen = chosen if chosen in review.FILTERS else None
    return url_for("review.workspace", order_id=order_id, kind=kind, filter=chosen)


@bp.post("/<int:order_id>/review/<kind>/finalise")
@login_required
def finalise(order_id: int, kind: str):
    """Freeze the fully reviewed questionnaire; afterwards nobody can change it."""
    try:
        review.finalise(db.session, current_user, order_id, kind)
    except DomainError as error:
        if error.status == 403:
            raise
        flash_refusal(error)
        return redirect(_workspace_url(order_id, kind), 303)
    flash(_("Der Fragebogen ist abgeschlossen und eingefroren."), "success")
    return redirect(url_for("review.diff", order_id=order_id, kind=kind), 303)


@bp.get("/<int:order_id>/review/<kind>/diff")
@login_required
def diff(order_id: int, kind: str):
    """What changed between the customer's submission and the final state."""
    page = review.diff_page(db.session, current_user, order_id, kind, locale())
    return render_template("review/diff.html", page=page)


@bp.app_template_global("review_status")
def review_status(status: str | None) -> str:
    """The translated name of a review status."""
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global("review_state")
def review_state(order):
    """The order page's review part: per questionnaire progress and frozen state."""
    return review.order_section(db.session, order)
