"""The setup call pages: find a time, book, offer, reschedule, cancel; contacts and links.

views.py holds the pages (each calls one use case of portal.services.calls: the search,
booking, offering times, adding a contact; or of portal.services.links), forms.py reads the
participant choice, the call's time and details and a new contact into the plain values those
use cases take. The customer's side (picking an offered time) is portal/respond/call.py.
"""

from flask import Blueprint

bp = Blueprint("calls", __name__, url_prefix="/orders")

from portal.calls import views  # noqa: E402, F401
