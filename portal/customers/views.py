"""Customer record views: the list (with search) and one record."""

from flask import current_app, render_template, request
from flask_login import current_user, login_required

from portal.customers import bp
from portal.customers.forms import list_args
from portal.extensions import db
from portal.services import customers


@bp.get("")
@login_required
def index():
    """List the customer records the user may see, found by name, code or contact."""
    args = list_args(request.args)
    page = customers.list_customers(
        db.session,
        current_user,
        query=args.query,
        page=args.page,
        per_page=current_app.config["DASHBOARD_PAGE_SIZE"],
    )
    return render_template(
        "customers/index.html",
        page=page,
        query=args.query,
        sees_all=customers.sees_all(current_user),
    )


@bp.get("/<int:customer_id>")
@login_required
def show(customer_id: int):
    """Show one customer record: contacts, orders, licenses and who has access."""
    record = customers.get_record(db.session, current_user, customer_id)
    return render_template("customers/show.html", record=record)
