"""Admin pages: users, organisations, service catalogue, outbox, audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import audit, catalogue, organisations, outbox, users  # noqa: E402, F401
