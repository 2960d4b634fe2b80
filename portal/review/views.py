"""Review views. Each parses the request, calls one service, then renders or redirects."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.errors import flash_refusal
from portal.extensions import db
from portal.filters import locale
from portal.review import bp
from portal.review.forms import answer_fields, large_type
from portal.services.errors import DomainError
from portal.services.review import answers, finalising, pages, rules

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
    large = large_type(request.args)
    if large is not None:
        session[LARGE] = large  # remembered: the projector stays large
    return _render(order_id, kind)


def _render(order_id: int, kind: str, problem=None, posted=None, status: int = 200):
    page = pages.workspace(
        db.session, current_user, order_id, kind, request.values.get("filter"), locale()
    )
    return render_template(
        "review/workspace.html",
        ws=page,
        large=session.get(LARGE, False),
        problem=problem,
        posted=posted,
        form_values=rules.form_values,
    ), status


@bp.post("/<int:order_id>/review/<kind>/answer")
@login_required
def save_answer(order_id: int, kind: str):
    """Save one answer's review; back to the same answer (#a-<n>) or the form with the error."""
    fields = answer_fields(request.form)
    try:
        answers.save_review(
            db.session,
            current_user,
            order_id,
            kind,
            fields.pointer,
            status=fields.status,
            final=fields.final,
            comment=fields.comment,
            version=fields.version,
            locale=locale(),
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        field = next(iter(error.fields), None)
        problem = {"pointer": fields.pointer, "message": error.message, "field": field}
        posted = request.form if error.status == 400 else None  # the input, shown again
        return _render(order_id, kind, problem, posted, error.status)
    flash(_("Antwort %(n)d gespeichert.", n=fields.number), "success")
    url = _workspace_url(order_id, kind, fields.filter)
    return redirect(f"{url}#a-{fields.number}", 303)


def _workspace_url(order_id: int, kind: str, chosen: str | None = None) -> str:
    return url_for(
        "review.workspace", order_id=order_id, kind=kind, filter=rules.chosen_filter(chosen)
    )


@bp.post("/<int:order_id>/review/<kind>/finalise")
@login_required
def finalise(order_id: int, kind: str):
    """Freeze the fully reviewed questionnaire; afterwards nobody can change it."""
    try:
        finalising.finalise(db.session, current_user, order_id, kind)
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
    page = pages.diff_page(db.session, current_user, order_id, kind, locale())
    return render_template("review/diff.html", page=page)


@bp.app_template_global("review_status")
def review_status(status: str | None) -> str:
    """The translated name of a review status."""
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global("review_state")
def review_state(order):
    """The order page's review part: per questionnaire progress and frozen state."""
    return pages.order_section(db.session, order)
