"""Orders: place, view and accept orders."""

from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")

from portal.orders import reminders, views  # noqa: E402, F401
