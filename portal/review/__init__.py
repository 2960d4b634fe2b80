"""The review workspace of the setup call: answer by answer, then finalise into a snapshot."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/orders")

from portal.review import views  # noqa: E402, F401
