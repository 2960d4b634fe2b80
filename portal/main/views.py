"""Dashboard views."""

from flask import render_template
from flask_login import login_required

from portal.main import bp


@bp.get("/")
@login_required
def dashboard():
    """List the orders the user may see."""
    return render_template("main/dashboard.html")
