"""Admin pages for the service catalogue partners order from."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp
from portal.admin.forms import ActiveForm, ServiceItemForm, form_page
from portal.authz import roles_required
from portal.extensions import db
from portal.models import Role, ServiceItem
from portal.services import catalogue as service
from portal.services.errors import Conflict, Invalid


@bp.get("/catalogue")
@roles_required(Role.ADMIN)
def catalogue():
    """List every service item, inactive ones included."""
    return render_template("admin/catalogue.html", items=service.list_items(db.session))


@bp.route("/catalogue/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def catalogue_new():
    """Add a service item."""
    form = ServiceItemForm()
    if form.validate_on_submit():
        try:
            item = service.create_item(
                db.session,
                current_user,
                code=form.code.data or "",
                name_de=form.name_de.data or "",
                name_en=form.name_en.data or "",
                unit=form.unit.data or "",
                unit_price=form.unit_price.data,
                is_installation_fee=form.is_installation_fee.data,
            )
        except (Invalid, Conflict) as error:
            return form_page("admin/catalogue_form.html", form, error)
        flash(_("Leistung %(code)s angelegt.", code=item.code), "success")
        return redirect(url_for("admin.catalogue"))
    return form_page("admin/catalogue_form.html", form)


@bp.route("/catalogue/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def catalogue_edit(item_id: int):
    """Change a service item; its code stays."""
    item = db.get_or_404(ServiceItem, item_id)
    form = ServiceItemForm(obj=item)
    if form.validate_on_submit():
        try:
            service.update_item(
                db.session,
                current_user,
                item.id,
                name_de=form.name_de.data or "",
                name_en=form.name_en.data or "",
                unit=form.unit.data or "",
                unit_price=form.unit_price.data,
                is_installation_fee=form.is_installation_fee.data,
            )
        except (Invalid, Conflict) as error:
            return form_page("admin/catalogue_form.html", form, error, item=item)
        flash(_("Leistung %(code)s gespeichert.", code=item.code), "success")
        return redirect(url_for("admin.catalogue"))
    return form_page("admin/catalogue_form.html", form, item=item)


@bp.post("/catalogue/<int:item_id>/active")
@roles_required(Role.ADMIN)
def catalogue_active(item_id: int):
    """Deactivate a service item (no longer orderable) or reactivate it."""
    form = ActiveForm()
    if form.validate_on_submit():
        try:
            item = service.set_item_active(db.session, current_user, item_id, form.active.data)
        except Conflict as error:
            flash(error.message, "error")
        else:
            if item.active:
                flash(_("Leistung %(code)s ist wieder bestellbar.", code=item.code), "success")
            else:
                flash(_("Leistung %(code)s ist deaktiviert.", code=item.code), "success")
    return redirect(url_for("admin.catalogue"))
