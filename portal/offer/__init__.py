"""Step 9: the offer of additional services, and the customer's decision through a secret link."""

from flask import Blueprint

bp = Blueprint("offer", __name__)

from portal.offer import views  # noqa: E402, F401
