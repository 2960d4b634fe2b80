"""The review workspace of the setup call: answer by answer, then finalise into a snapshot.

views.py holds the pages (each calls one use case of portal.services.review: answers,
finalising, pages), forms.py reads one answer's review form and the large-type switch into the
plain values those use cases take.
"""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/orders")

from portal.review import views  # noqa: E402, F401
