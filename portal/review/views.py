"""Review views. Each parses the request, calls one service, then renders or redirects."""

from flask import (
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.errors import flash_refusal
from portal.extensions import db
from portal.filters import locale
from portal.review import bp
from portal.review.forms import (
    answer_fields,
    bulk_fields,
    confirmed_open,
    large_type,
    wants_json,
)
from portal.services.errors import DomainError
from portal.services.review import answers, bulk, finalising, pages, rules

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
    """Save one answer's review; back to the same answer (#a-<n>) or the form with the error.

    Asked with `Accept: application/json` (the page's script), it answers JSON instead: the
    saved row, or the error, or the conflict with the other reviewer's value.
    """
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
        if wants_json(request):
            return _answer_json(order_id, kind, fields.pointer, error, field)
        problem = {"pointer": fields.pointer, "message": error.message, "field": field}
        posted = request.form if error.status == 400 else None  # the input, shown again
        return _render(order_id, kind, problem, posted, error.status)
    message = _("Antwort %(n)d gespeichert.", n=fields.number)
    if wants_json(request):
        return _answer_json(order_id, kind, fields.pointer, message=message)
    flash(message, "success")
    url = _workspace_url(order_id, kind, fields.filter)
    return redirect(f"{url}#a-{fields.number}", 303)


def _answer_json(order_id, kind, pointer, error=None, field=None, message=""):
    """The answer as the page shows it after a save (or a refused one), for the script."""
    ws = pages.workspace(db.session, current_user, order_id, kind, None, locale())
    row = next((r for r in ws.rows if r.pointer == pointer), None)
    body = {"ok": error is None, "message": error.message if error else message}
    body |= {"field": field, "progress": _progress(ws)}
    if row is not None:
        body["row"] = _row_json(ws, row)
    if error is not None and error.status == 409 and row is not None and not ws.snapshot:
        # The other reviewer's value; saving again now starts from their version.
        body["conflict"] = True
        body["message"] = _(
            "%(message)s Aktueller Stand: %(status)s, endgültiger Wert „%(value)s“. Ihre "
            "Eingaben stehen noch im Formular; erneutes Speichern überschreibt den Stand.",
            message=error.message,
            status=review_status(row.status),
            value=", ".join(rules.form_values(row.final, locale())) or _("keine Angabe"),
        )
    return jsonify(body), (error.status if error else 200)


def _row_json(ws, row) -> dict:
    values = get_template_attribute("review/parts.html", "answer_values")
    badge = get_template_attribute("review/parts.html", "status_badge")
    return {
        "number": row.number,
        "pointer": row.pointer,
        "version": row.version,
        "status": row.status,
        "final": rules.form_values(row.final, locale()),
        "values_html": str(values(row, ws)),
        "badge_html": str(badge(row.status)),
    }


def _progress(ws) -> dict:
    percent = int(ws.progress * 100)
    return {
        "value": round(ws.progress, 3),
        "label": _(
            "%(done)d von %(total)d Antworten mit Status (%(percent)d %%)",
            done=ws.done,
            total=ws.total,
            percent=percent,
        ),
    }


@bp.post("/<int:order_id>/review/<kind>/accept-unchanged")
@login_required
def accept_unchanged(order_id: int, kind: str):
    """Mark every untouched answer in view (a section, or the filtered page) as accepted."""
    fields = bulk_fields(request.form)
    try:
        result = bulk.accept_unchanged(
            db.session, current_user, order_id, kind, fields.seen, locale()
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        if wants_json(request):
            return jsonify({"ok": False, "message": error.message}), error.status
        flash_refusal(error)
        return redirect(_workspace_url(order_id, kind, fields.filter), 303)
    message = _bulk_message(result)
    if wants_json(request):
        ws = pages.workspace(db.session, current_user, order_id, kind, None, locale())
        changed = set(result.accepted) | set(result.skipped)
        rows = [_row_json(ws, r) for r in ws.rows if r.pointer in changed]
        return jsonify({"ok": True, "message": message, "rows": rows, "progress": _progress(ws)})
    flash(message, "success" if not result.skipped else "warning")
    url = _workspace_url(order_id, kind, fields.filter)
    return redirect(f"{url}#{fields.anchor}" if fields.anchor else url, 303)


def _bulk_message(result: bulk.BulkResult) -> str:
    if result.skipped:
        return _(
            "%(n)d übernommen, %(m)d inzwischen von jemand anderem bearbeitet.",
            n=len(result.accepted),
            m=len(result.skipped),
        )
    if result.accepted:
        return _("%(n)d übernommen.", n=len(result.accepted))
    return _("Hier gibt es keine unveränderte Antwort ohne Status mehr.")


def _workspace_url(order_id: int, kind: str, chosen: str | None = None) -> str:
    return url_for(
        "review.workspace", order_id=order_id, kind=kind, filter=rules.chosen_filter(chosen)
    )


@bp.post("/<int:order_id>/review/<kind>/finalise")
@login_required
def finalise(order_id: int, kind: str):
    """Freeze the fully reviewed questionnaire; afterwards nobody can change it.

    With open questions (or answers without a status) it first shows them on a confirmation
    page; only its second, explicit POST (confirm) finalises.
    """
    try:
        finalising.finalise(
            db.session, current_user, order_id, kind, confirmed_open(request.form), locale()
        )
    except finalising.NeedsConfirmation as waiting:
        ws = pages.workspace(db.session, current_user, order_id, kind, None, locale())
        return render_template("review/finalise_confirm.html", ws=ws, waiting=waiting)
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
