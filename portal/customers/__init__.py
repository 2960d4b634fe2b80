"""Customer records: the list with its search and one customer's record."""

from flask import Blueprint

bp = Blueprint("customers", __name__, url_prefix="/customers")

from portal.customers import views  # noqa: E402, F401
