"""Admin audit log: every state change, newest first, the signed checkpoints and a check of both."""

from flask import render_template, request
from sqlalchemy import select

from portal import audit as audit_service
from portal.admin import bp
from portal.authz import roles_required
from portal.extensions import db
from portal.models import AuditEvent, Role

PAGE_SIZE = 100


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit():
    """List audit events and the newest checkpoint; ?verify=1 also checks chain and checkpoints."""
    action = request.args.get("action", "").strip()[:60]
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    check = None
    if request.args.get("verify") == "1":
        check = audit_service.verify(db.session, audit_service.checkpoint_key().public_key())
    newest = audit_service.newest_checkpoint(db.session)
    return render_template("admin/audit.html", page=page, action=action, check=check, newest=newest)
