"""Admin pages for organisations: the vendor and its partners."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp
from portal.admin.forms import KIND_LABELS, OrganisationForm, form_page
from portal.authz import roles_required
from portal.extensions import db
from portal.models import Role
from portal.services import accounts
from portal.services.errors import Conflict, Invalid


@bp.get("/organisations")
@roles_required(Role.ADMIN)
def organisations():
    """List the vendor and the partners."""
    return render_template(
        "admin/organisations.html",
        organisations=accounts.list_organisations(db.session),
        kind_labels=KIND_LABELS,
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organisation_new():
    """Create a partner (or, once, the vendor)."""
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = accounts.create_organisation(
                db.session, current_user, name=form.name.data or "", kind=form.kind.data
            )
        except (Invalid, Conflict) as error:
            return form_page("admin/organisation_form.html", form, error)
        flash(_("Organisation %(name)s angelegt.", name=organisation.name), "success")
        return redirect(url_for("admin.organisations"))
    return form_page("admin/organisation_form.html", form)
