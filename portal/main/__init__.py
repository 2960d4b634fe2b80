"""The dashboard: the orders a user may see, with their progress."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from portal.main import views  # noqa: E402, F401
