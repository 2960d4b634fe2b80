"""The setup call's outcome: contacts confirmation, completing the call, the protocol."""

from flask import Blueprint

bp = Blueprint("protocol", __name__, url_prefix="/orders")

from portal.protocol import views  # noqa: E402, F401
