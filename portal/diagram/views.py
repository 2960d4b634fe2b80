"""Data flow diagram views: the page with the SVG and the editor, saving, the SVG file.

The editor's "add" and "remove" buttons work without JavaScript: they post the form and the
page comes back with the typed values and the row added or removed. static/js/diagram.js does
the same in the page where scripts run.
"""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.diagram import bp
from portal.diagram.forms import read_editor
from portal.extensions import db
from portal.services import diagrams
from portal.services.errors import DomainError

# An opened SVG file runs nothing and loads nothing.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _render(page, systems, flows, *, errors=None, focus=None, base_version=None, status=200):
    current = page.current.version if page.current else 0
    return render_template(
        "diagram/show.html",
        page=page,
        order=page.order,
        systems=systems,
        flows=flows,
        errors=errors or {},
        focus=focus,
        base_version=current if base_version is None else base_version,
        kinds=[(kind, str(label)) for kind, label in diagrams.KIND_LABELS.items()],
    ), status


@bp.get("/<int:order_id>/diagram")
@login_required
def show(order_id: int):
    """The diagram, its versions and, for the IT architect and the technician, the editor."""
    page = diagrams.page(db.session, current_user, order_id)
    draft = page.draft or diagrams.Draft([], [])
    return _render(page, draft.systems, draft.flows)


@bp.post("/<int:order_id>/diagram")
@login_required
def edit(order_id: int):
    """Save the editor's rows as a new version, or add or remove a row (without JavaScript)."""
    systems, flows, focus = read_editor(request.form)
    base = request.form.get("base_version", type=int)
    if request.form.get("action", "save") != "save":
        page = diagrams.editor(db.session, current_user, order_id)
        return _render(page, systems, flows, focus=focus, base_version=base)
    try:
        row = diagrams.save(db.session, current_user, order_id, systems, flows, base_version=base)
    except DomainError as error:
        if error.status not in (400, 409):
            raise
        page = diagrams.page(db.session, current_user, order_id)
        if not page.may_edit:  # the protocol is approved: nothing left to edit
            raise
        if error.status == 409:  # the newest version is shown above; saving again goes on from it
            base = page.current.version if page.current else 0
        errors = error.fields or {"form": error.message}
        return _render(page, systems, flows, errors=errors, base_version=base, status=error.status)
    flash(_("Datenflussdiagramm gespeichert (Version %(n)d).", n=row.version), "success")
    return redirect(url_for("diagram.show", order_id=order_id))


@bp.get("/<int:order_id>/diagram.svg")
@login_required
def svg(order_id: int):
    """The current (or ?version=n) diagram as an SVG file; its CSP keeps an opened file inert."""
    version = request.args.get("version", type=int)
    download = diagrams.download(db.session, current_user, order_id, version)
    return Response(
        download.text,
        mimetype="image/svg+xml",
        headers={
            "Content-Disposition": f'inline; filename="{download.filename}"',
            "Content-Security-Policy": SVG_CSP,
        },
    )


@bp.app_template_global("diagram_state")
def diagram_state(order):
    """The order page's data flow diagram card for the signed-in user (one query)."""
    return diagrams.order_section(db.session, current_user, order)
