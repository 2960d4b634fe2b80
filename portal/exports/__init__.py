"""Exports: the answers to a questionnaire across orders, as CSV and XLSX downloads."""

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")

from portal.exports import views  # noqa: E402, F401
