"""The questionnaire studio's migration pages: move in-flight answers, confirm a draft's map."""

from flask import Blueprint

bp = Blueprint("studio_migration", __name__, url_prefix="/studio")

from portal.studio_migration import views  # noqa: E402, F401
