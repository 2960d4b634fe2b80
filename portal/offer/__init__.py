"""Step 9: the offer of additional services, and the customer's decision through a secret link.

views.py holds the views; forms.py reads the editor's request into typed input for the use
cases in portal/services/offers/.
"""

from flask import Blueprint

bp = Blueprint("offer", __name__)

from portal.offer import views  # noqa: E402, F401
