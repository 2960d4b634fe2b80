"""The customer side: secret links exchanged for a session, questionnaire landing page."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from portal.respond import answer, autosave, call, views  # noqa: E402, F401
