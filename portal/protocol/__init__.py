"""The setup call's outcome: contacts confirmation, completing the call, the protocol.

views.py holds the pages (each calls one use case of portal.services.protocol), forms.py reads
the submitted editor and contacts forms into the plain values those use cases take.
"""

from flask import Blueprint

bp = Blueprint("protocol", __name__, url_prefix="/orders")

from portal.protocol import views  # noqa: E402, F401
