"""Order views: place an order, show it with its timeline, accept it, download its license."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.authz import roles_required
from portal.calls.forms import contacts_of
from portal.errors import flash_refusal
from portal.extensions import db
from portal.models import Role, ServiceItem, User
from portal.orders import bp
from portal.orders.forms import AcceptForm, OrderForm
from portal.process import next_for
from portal.services import access, calls, clock, link_table, orders, responses
from portal.services.errors import DomainError
from portal.services.reminders import pages as reminder_pages


def _catalogue() -> list[ServiceItem]:
    return list(
        db.session.scalars(
            select(ServiceItem)
            .where(ServiceItem.active.is_(True))
            .order_by(ServiceItem.is_installation_fee.desc(), ServiceItem.name_de)
        )
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.PARTNER_STAFF)
def new():
    """Show the order form and place the order (step 1)."""
    form, items, errors = OrderForm(), _catalogue(), {}
    if form.is_submitted():
        try:
            order = orders.place_order(
                db.session,
                current_user,
                customer_name=form.customer_name.data,
                short_code=form.short_code.data,
                license_model=form.license_model.data,
                deployment=form.deployment.data,
                language=form.language.data,
                quantities=form.quantities(items, request.form),
            )
        except DomainError as error:
            errors = error.fields or {"form": error.message}
        else:
            flash(_("Bestellung für %(name)s aufgegeben.", name=order.customer_name), "success")
            return redirect(url_for("orders.show", order_id=order.id))
    status = 400 if errors else 200
    return render_template("orders/new.html", form=form, items=items, errors=errors), status


@bp.get("/<int:order_id>")
@login_required
def show(order_id: int):
    """Show an order: facts, services, timeline and what is next for this user."""
    order = access.get_order(db.session, current_user, order_id)
    states = clock.progress(order)
    return render_template(
        "orders/show.html",
        order=order,
        states=states,
        soon=clock.due_soon(states),
        mine=next_for(current_user, order, states),
        accept_form=_accept_form(),
        answers=responses.overview(db.session, order),
        call=(call := calls.call_of(db.session, order)),
        provisioning=calls.provisioning_warning(order, call),
        declined=calls.declined_required_names(call),
        contacts=contacts_of(db.session, order),
        reminders=reminder_pages.section(db.session, order),
        link_rows=link_table.rows(order),
    )


def _accept_form() -> AcceptForm:
    form = AcceptForm()
    leads = db.session.scalars(
        select(User)
        .where(User.role == Role.PROJECT_LEAD, User.active.is_(True))
        .order_by(User.name)
    )
    form.project_lead.choices = [SelectChoice(lead.id, lead.name) for lead in leads]
    return form


@bp.post("/<int:order_id>/accept")
@roles_required(Role.VENDOR_BACKOFFICE)
def accept(order_id: int):
    """Accept an order (step 2) with the chosen project lead."""
    lead_id = request.form.get("project_lead", type=int) or 0
    try:
        orders.accept_order(db.session, current_user, order_id, lead_id)
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.fields.get("project_lead") or error.message, "error")
    else:
        flash(
            _("Bestellung angenommen; die E-Mail an den Partner ist zum Versand eingereiht."),
            "success",
        )
    return redirect(url_for("orders.show", order_id=order_id))


@bp.get("/<int:order_id>/license")
@login_required
def license_file(order_id: int):
    """Download the signed license file of an accepted order."""
    order = access.get_order(db.session, current_user, order_id)
    if order.license is None:
        return render_template("errors/error.html", status=404, title=_("Nicht gefunden")), 404
    filename = f"CPCE-license-{order.short_code}.json"
    return Response(
        order.license.document,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/<int:order_id>/responses/<kind>/reopen")
@roles_required(Role.PARTNER_STAFF)
def reopen_response(order_id: int, kind: str):
    """Reopen a submitted questionnaire so the customer can change it again."""
    try:
        responses.reopen(db.session, current_user, order_id, kind)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Der Fragebogen ist wieder zur Bearbeitung geöffnet."), "success")
    return redirect(url_for("orders.show", order_id=order_id))
