"""CP Cloud provisioning pages: database, users and their passwords (step 4)."""

from flask import Blueprint

bp = Blueprint("cloud", __name__, url_prefix="/orders")

from portal.cloud import views  # noqa: E402, F401
