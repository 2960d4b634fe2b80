"""Dashboard views."""

from flask import current_app, render_template, request
from flask_login import current_user, login_required

from portal.extensions import db
from portal.main import bp
from portal.services import dashboard as dashboard_service


@bp.get("/")
@login_required
def dashboard():
    """List the orders the user may see, most urgent first, with progress, filters and paging."""
    step = request.args.get("step") or None
    due = request.args.get("due")
    due = due if due in dashboard_service.DUE_FILTERS else None
    mine = request.args.get("mine") == "1"
    query = request.args.get("q", "")[:100]
    page = dashboard_service.list_orders(
        db.session,
        current_user,
        step=step,
        due=due,
        mine=mine,
        query=query,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["DASHBOARD_PAGE_SIZE"],
    )
    return render_template(
        "main/dashboard.html", page=page, step=step, due=due, mine=mine, query=query
    )
