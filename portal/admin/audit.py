"""Admin audit log: every state change, newest first, and a check of the hash chain."""

from flask import render_template, request
from sqlalchemy import select

from portal.admin import bp
from portal.authz import roles_required
from portal.extensions import db
from portal.models import AuditEvent, Role
from portal.services import audit as audit_service

PAGE_SIZE = 100


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit():
    """List audit events; ?verify=1 also walks the whole chain."""
    action = request.args.get("action", "").strip()[:60]
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    check = audit_service.verify(db.session) if request.args.get("verify") == "1" else None
    return render_template("admin/audit.html", page=page, action=action, check=check)
