"""Order views."""

from flask_login import login_required

from portal.orders import bp


@bp.get("/new")
@login_required
def new():
    """Placeholder."""
    return ""
