"""Error pages; a failed request rolls its transaction back so nothing is half-written."""

import contextlib
from html import escape

from flask import current_app, flash, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from portal.extensions import db
from portal.http import FieldTooLarge
from portal.services.errors import DomainError

RETRY_AFTER_SECONDS = 30
# Without a database there is no user, no language choice and no template that may ask for
# either: this page is plain text in both languages, and only the stylesheet is linked.
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Vorübergehend nicht erreichbar · Temporarily unavailable</title>
  <link rel="stylesheet" href="{stylesheet}">
</head>
<body>
  <main id="main" class="wrap">
    <h1>Vorübergehend nicht erreichbar</h1>
    <p>Das Portal erreicht seine Datenbank gerade nicht. Bitte versuchen Sie es in einigen
    Minuten noch einmal.</p>
    <div lang="en">
      <h2>Temporarily unavailable</h2>
      <p>The portal cannot reach its database right now. Please try again in a few minutes.</p>
    </div>
  </main>
</body>
</html>
"""

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


def _page(status: int, message: str | None = None, title: str | None = None):
    db.session.rollback()
    title = title or _(TITLES.get(status, "Fehler"))
    if request.is_json:
        # A page script's request (the questionnaire's autosave) reads JSON, never a page.
        return jsonify(saved=False, status=status, message=message or title), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def flash_refusal(error: DomainError) -> None:
    """Show a refused action as a message on the page it came from; unknown objects stay 404."""
    if error.status == 404:
        raise error
    flash(error.message, "error")


def unavailable(error: Exception):
    """The database cannot be reached: a static 503 page that needs neither database nor user."""
    current_app.logger.error("database unavailable: %s", type(error).__name__)
    # The broken connection may fail its rollback, too; the session is discarded anyway.
    with contextlib.suppress(Exception):
        db.session.rollback()
    stylesheet = escape(current_app.static_url_path + "/css/portal.css")
    response = current_app.response_class(
        UNAVAILABLE_PAGE.replace("{stylesheet}", stylesheet), status=503, mimetype="text/html"
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def register(app) -> None:
    """Install the handlers for HTTP errors, domain errors and an unreachable database."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return _page(error.status, error.message)

    @app.errorhandler(FieldTooLarge)
    def field_too_large(error: FieldTooLarge):
        message = _(
            "Ein Eingabefeld ist zu lang, oder das Formular hat zu viele Felder. Nichts wurde "
            "gespeichert; bitte kürzen Sie die Eingabe."
        )
        return _page(413, message, _("Eingabe zu groß"))

    for database_down in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(database_down, unavailable)

    for status in TITLES:
        app.register_error_handler(status, lambda error, status=status: _page(status))
