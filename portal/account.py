"""A staff member's own settings: working hours and calendar for finding setup call times, and
which notifications they get."""

from datetime import time
from types import SimpleNamespace

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import (
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from portal.authz import roles_required
from portal.calendar import reach
from portal.calendar.sources import CalendarUnavailable
from portal.extensions import db
from portal.services import calendars
from portal.services.errors import DomainError
from portal.services.reminders import switches
from portal.vault import VaultError

bp = Blueprint("account", __name__, url_prefix="/account")

DAYS = (
    _l("Montag"),
    _l("Dienstag"),
    _l("Mittwoch"),
    _l("Donnerstag"),
    _l("Freitag"),
    _l("Samstag"),
    _l("Sonntag"),
)
ZONES = (
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Paris",
    "Europe/Warsaw",
    "UTC",
)


class CalendarForm(FlaskForm):
    weekdays = SelectMultipleField(
        _l("Arbeitstage"),
        choices=[SelectChoice(str(i), d) for i, d in enumerate(DAYS)],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    day_start = TimeField(_l("Arbeitsbeginn"))
    day_end = TimeField(_l("Arbeitsende"))
    timezone = SelectField(_l("Zeitzone"), choices=[SelectChoice(z, z) for z in ZONES])
    source = RadioField(
        _l("Kalender"),
        choices=[
            SelectChoice("none", _l("keiner (nur Arbeitszeit und Termine im Portal)")),
            SelectChoice("caldav", _l("CalDAV-Kalender")),
            SelectChoice("ics", _l("ICS-Abonnement (nur lesen)")),
        ],
    )
    url = StringField(_l("Adresse des Kalenders"))
    username = StringField(_l("Benutzername (CalDAV)"))
    password = PasswordField(_l("Passwort (CalDAV)"))


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required(*calendars.CALENDAR_ROLES)
def calendar():
    """Show and save the user's working hours and calendar."""
    settings = calendars.settings_of(db.session, current_user)
    form = CalendarForm(obj=None if request.method == "POST" else _defaults(settings))
    errors = {}
    if form.is_submitted():
        try:
            calendars.save(db.session, current_user, _input(form))
        except DomainError as error:
            errors = error.fields or {"form": error.message}
        else:
            flash(_("Ihre Kalendereinstellungen sind gespeichert."), "success")
            return redirect(url_for("account.calendar"))
    has_password = settings.password_id is not None
    return render_template(
        "account/calendar.html", form=form, errors=errors, has_password=has_password
    ), (400 if errors else 200)


def _defaults(settings) -> SimpleNamespace:
    # The stored settings as form data; the password is never sent back to the browser.
    return SimpleNamespace(
        weekdays=settings.weekdays.split(","),
        day_start=settings.day_start,
        day_end=settings.day_end,
        timezone=settings.timezone,
        source=settings.source,
        url=settings.url or "",
        username=settings.username or "",
        password="",
    )


def _input(form: CalendarForm) -> calendars.CalendarInput:
    return calendars.CalendarInput(
        weekdays=[int(d) for d in form.weekdays.data or [] if d.isdigit()],
        day_start=form.day_start.data if isinstance(form.day_start.data, time) else None,
        day_end=form.day_end.data if isinstance(form.day_end.data, time) else None,
        timezone=form.timezone.data or "",
        source=form.source.data or "",
        url=form.url.data or "",
        username=form.username.data or "",
        password=form.password.data or "",
    )


@bp.post("/calendar/check")
@roles_required(*calendars.CALENDAR_ROLES)
def check():
    """Try the stored calendar now and say whether it answers."""
    try:
        count = calendars.check_connection(db.session, current_user)
    except (CalendarUnavailable, VaultError) as error:
        flash(
            _(
                "Der Kalender konnte nicht gelesen werden: %(reason)s",
                reason=reach.describe(error),
            ),
            "error",
        )
    except DomainError as error:
        flash(
            _("Der Kalender konnte nicht gelesen werden: %(reason)s", reason=error.message), "error"
        )
    else:
        flash(
            _("Der Kalender antwortet: %(n)d belegte Zeiten in den nächsten 7 Tagen.", n=count),
            "success",
        )
    return redirect(url_for("account.calendar"))


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    """Show and save which notifications the user gets: the daily digest of overdue steps."""
    if request.method == "POST":
        wanted = request.form.get("digest") == "1"
        switches.set_digest(db.session, current_user, off=not wanted)
        flash(_("Ihre Einstellungen zu Benachrichtigungen sind gespeichert."), "success")
        return redirect(url_for("account.notifications"))
    return render_template("account/notifications.html", hour=current_app.config["DIGEST_HOUR"])
