"""Views of the documentation package. Each parses the request (forms.py), calls one service,
then renders, redirects or answers JSON; the PDF itself is built outside the request."""

from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.errors import flash_refusal
from portal.extensions import db
from portal.package import bp
from portal.package.forms import send_fields
from portal.services import packages
from portal.services.errors import DomainError


def _page_url(order_id: int, anchor: str = "") -> str:
    return url_for("package.show", order_id=order_id) + anchor


def _restart(stalled: list[int]) -> None:
    """Start a builder again for packages whose builder never started or died."""
    for package_id in stalled:
        packages.start_in_background(current_app._get_current_object(), package_id)


def _render(order_id: int, note: str = "", errors: dict | None = None, status: int = 200):
    page = packages.page(db.session, current_user, order_id)
    _restart(page.stalled)
    return render_template(
        "package/page.html",
        page=page,
        note=note,
        errors=errors or {},
        note_max=packages.NOTE_MAX,
        status_labels=packages.STATUS_LABELS,
    ), status


@bp.get("/<int:order_id>/package")
@login_required
def show(order_id: int):
    """The versions with their SHA-256, the progress of a build, sending and the sends."""
    return _render(order_id)


@bp.post("/<int:order_id>/package/generate")
@login_required
def generate(order_id: int):
    """Request a new version; it is built in the background while the page shows progress."""
    try:
        package = packages.request(db.session, current_user, order_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        packages.start_in_background(current_app._get_current_object(), package.id)
        flash(_("Version %(n)d wird erstellt.", n=package.version), "success")
    return redirect(_page_url(order_id, "#versions-heading"), 303)


@bp.get("/<int:order_id>/package/status")
@login_required
def status(order_id: int):
    """The newest version's state as JSON, for the page's poll."""
    state = packages.status(db.session, current_user, order_id)
    _restart(state.stalled)
    return jsonify(state.as_dict())


@bp.get("/<int:order_id>/package/<int:version>.pdf")
@bp.get("/<int:order_id>/package/<int:version>/<language>.pdf")
@login_required
def download(order_id: int, version: int, language: str | None = None):
    """The stored PDF of a ready version (in a language), as an attachment no cache keeps."""
    found = packages.download(db.session, current_user, order_id, version, language)
    response = Response(found.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-SHA256"] = found.sha256
    return response


@bp.post("/<int:order_id>/package/send")
@login_required
def send(order_id: int):
    """Send a ready version to every recipient, with the sender's note."""
    fields = send_fields(request.form)
    try:
        packages.send(db.session, current_user, order_id, fields.version, fields.note)
    except DomainError as error:
        if error.status == 400 and error.fields:
            return _render(order_id, fields.note, error.fields, status=400)
        flash_refusal(error)
        return redirect(_page_url(order_id, "#send-heading"), 303)
    flash(
        _(
            "Das Dokumentationspaket ist für alle Empfänger zum Versand eingereiht; den Stand "
            "jeder E-Mail zeigt der Versandverlauf."
        ),
        "success",
    )
    return redirect(_page_url(order_id, "#sends-heading"), 303)


@bp.app_template_global("package_state")
def package_state(order):
    """The order page's card on the documentation package."""
    return packages.order_section(db.session, current_user, order)
