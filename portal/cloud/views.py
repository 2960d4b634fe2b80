"""CP Cloud views: the provisioning page, revealing a password, the T-SQL download.

Every response that carries a password is sent with Cache-Control: no-store, set here
explicitly rather than relying on the application-wide default.
"""

from flask import Response, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.cloud import bp
from portal.cloud.forms import ProvisionForm, requested_version
from portal.extensions import db
from portal.services.cloud import pages, provisioning, revealing
from portal.services.errors import DomainError

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.route("/<int:order_id>/cloud", methods=["GET", "POST"])
@login_required
def provision(order_id: int):
    """Show the CP Cloud setup of an order; partner staff save a new version of it."""
    form, errors = ProvisionForm(), {}
    if form.is_submitted():
        try:
            row = provisioning.provision(
                db.session,
                current_user,
                order_id,
                server_name=form.server_name.data or "",
                passwords=form.passwords(),
                contact_ids=form.contact_ids(),
            )
        except DomainError as error:
            if error.status not in (400, 409):
                raise
            errors = error.fields or {"form": error.message}
        else:
            flash(_("CP Cloud eingerichtet (Version %(n)d).", n=row.version), "success")
            return redirect(url_for("cloud.provision", order_id=order_id))
    page = pages.overview(db.session, current_user, order_id)
    checked = _checked(form, page)
    return render_template(
        "cloud/provision.html",
        page=page,
        form=form.prepare(page.current),
        errors=errors,
        checked=checked,
    ), (400 if errors else 200)


def _checked(form: ProvisionForm, page) -> set[int]:
    if form.is_submitted():
        return set(form.contact_ids())
    return set(page.current.contact_ids) if page.current else set()


@bp.post("/<int:order_id>/cloud/reveal/<which>")
@login_required
def reveal(order_id: int, which: str):
    """Show one password to someone who needs it; the reveal is recorded in the audit log."""
    shown = revealing.reveal(db.session, current_user, order_id, which, requested_version())
    response = make_response(render_template("cloud/reveal.html", shown=shown))
    response.headers.update(NO_STORE)
    return response


@bp.post("/<int:order_id>/cloud/script.sql")
@login_required
def script(order_id: int):
    """Download the T-SQL script with both passwords (POST: the download is recorded)."""
    download = revealing.script(db.session, current_user, order_id)
    return Response(
        download.text,
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"', **NO_STORE},
    )


@bp.app_template_global("cloud_state")
def cloud_state(order, call=...):
    """The order page's CP Cloud part for the signed-in user; None for on-premises orders."""
    return pages.order_section(db.session, current_user, order, call)
