"""The setup call pages: find a time, book, offer, reschedule, cancel; contacts and links."""

from flask import Blueprint

bp = Blueprint("calls", __name__, url_prefix="/orders")

from portal.calls import views  # noqa: E402, F401
