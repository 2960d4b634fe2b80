"""Download the answers of one questionnaire kind as CSV or XLSX (staff only, read only)."""

from flask import Response, abort, session
from flask_babel import get_locale
from flask_login import current_user

from portal.authz import roles_required
from portal.exports import bp
from portal.extensions import db
from portal.models import Role, utcnow
from portal.respond.views import SESSION_KEY as CUSTOMER_LINKS
from portal.services import exports

FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
}


@bp.before_request
def customers_never():
    """A customer's link session gets 403 here, not the staff sign-in page."""
    if not current_user.is_authenticated and session.get(CUSTOMER_LINKS):
        abort(403)


@bp.get("/<kind>.<any(csv, xlsx):ext>")
@roles_required(*Role)
def answers(kind: str, ext: str):
    """The answers to a questionnaire kind across the orders the user may see, as a file."""
    mimetype, write = FORMATS[ext]
    table = exports.answers_table(db.session, current_user, kind, str(get_locale()))
    filename = f"antworten-{kind}-{utcnow():%Y-%m-%d}.{ext}"
    return Response(
        write(table),
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
