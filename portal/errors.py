"""Error pages; a failed request rolls its transaction back so nothing is half-written."""

from flask import flash, jsonify, render_template, request
from flask_babel import gettext as _

from portal.extensions import db
from portal.services.errors import DomainError

TITLES = {
    400: "Ungültige Anfrage",
    403: "Keine Berechtigung",
    404: "Nicht gefunden",
    405: "Nicht erlaubt",
    409: "Konflikt",
    413: "Datei zu groß",
    429: "Zu viele Versuche",
    500: "Interner Fehler",
    503: "Dienst nicht erreichbar",
}


def _page(status: int, message: str | None = None):
    db.session.rollback()
    title = _(TITLES.get(status, "Fehler"))
    if request.is_json:
        # A page script's request (the questionnaire's autosave) reads JSON, never a page.
        return jsonify(saved=False, status=status, message=message or title), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def flash_refusal(error: DomainError) -> None:
    """Show a refused action as a message on the page it came from; unknown objects stay 404."""
    if error.status == 404:
        raise error
    flash(error.message, "error")


def register(app) -> None:
    """Install the handlers for HTTP errors and domain errors."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return _page(error.status, error.message)

    for status in TITLES:
        app.register_error_handler(status, lambda error, status=status: _page(status))
