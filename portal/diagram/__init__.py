"""The data flow diagram page: the SVG, its versions and the editor (step 6)."""

from flask import Blueprint

bp = Blueprint("diagram", __name__, url_prefix="/orders")

from portal.diagram import views  # noqa: E402, F401
