"""Step 8: the documentation package, generated as a PDF, stored in versions and sent."""

from flask import Blueprint

bp = Blueprint("package", __name__, url_prefix="/orders")

from portal.package import views  # noqa: E402, F401
