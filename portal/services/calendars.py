"""Use cases of a staff member's calendar settings: working hours and the calendar to ask."""

from dataclasses import dataclass
from datetime import time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, vault
from portal.calendar import sources
from portal.calendar.reach import policy, reason
from portal.models import Role, StaffCalendar, User, utcnow
from portal.services import calendar_sync
from portal.services.errors import Forbidden, Invalid

SOURCES = ("none", "caldav", "ics")
CALENDAR_ROLES = (Role.PARTNER_STAFF, Role.PROJECT_LEAD, Role.IT_ARCHITECT, Role.TECHNICIAN)


def settings_of(session: Session, user: User) -> StaffCalendar:
    """The user's settings, or unsaved defaults (Mon-Fri 9-17 Europe/Berlin, no calendar)."""
    found = session.scalar(select(StaffCalendar).where(StaffCalendar.user_id == user.id))
    return found or StaffCalendar(
        user_id=user.id,
        weekdays="0,1,2,3,4",
        day_start=time(9),
        day_end=time(17),
        timezone="Europe/Berlin",
        source="none",
    )


@dataclass(frozen=True)
class CalendarInput:
    weekdays: list[int]
    day_start: time | None
    day_end: time | None
    timezone: str
    source: str
    url: str
    username: str
    password: str  # empty: keep the stored one


def save(session: Session, actor: User, data: CalendarInput) -> StaffCalendar:
    """Store the actor's working hours and calendar; a new password is sealed in the vault."""
    if actor.role not in CALENDAR_ROLES:
        raise Forbidden(_("Für diese Rolle werden keine Termine geplant."))
    errors = _check(data)
    settings = settings_of(session, actor)
    if data.source == "caldav" and not data.password and settings.password_id is None:
        errors["password"] = _("Bitte das Passwort des Kalenders angeben.")
    if errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **errors)
    connection = (settings.source, settings.url, settings.username, settings.password_id)
    settings.weekdays = ",".join(str(d) for d in sorted(set(data.weekdays)))
    settings.day_start, settings.day_end = data.day_start, data.day_end
    settings.timezone, settings.source = data.timezone, data.source
    settings.url = data.url.strip() or None if data.source != "none" else None
    settings.username = data.username.strip() or None if data.source == "caldav" else None
    if data.source == "caldav" and data.password:
        settings.password = vault.seal(session, data.password, "caldav_password")
    elif data.source != "caldav":
        settings.password = None
    session.add(settings)
    session.flush()
    if connection != (settings.source, settings.url, settings.username, settings.password_id):
        calendar_sync.follow_settings(session, actor, settings)
    audit.record(
        session,
        actor,
        "calendar.save",
        "staff_calendar",
        settings.id,
        weekdays=settings.weekdays,
        hours=f"{settings.day_start:%H:%M}-{settings.day_end:%H:%M}",
        timezone=settings.timezone,
        source=settings.source,
        password_changed=bool(data.source == "caldav" and data.password),
    )
    session.commit()
    return settings


def _check(data: CalendarInput) -> dict[str, str]:
    errors = {}
    if not data.weekdays or any(d not in range(7) for d in data.weekdays):
        errors["weekdays"] = _("Bitte mindestens einen Arbeitstag wählen.")
    if data.day_start is None or data.day_end is None or data.day_start >= data.day_end:
        errors["day_end"] = _("Das Ende der Arbeitszeit muss nach dem Beginn liegen.")
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = _("Unbekannte Zeitzone.")
    if data.source not in SOURCES:
        errors["source"] = _("Bitte eine Kalenderart wählen.")
    elif data.source != "none":
        url = data.url.strip()
        if not (url.startswith("https://") or url.startswith("http://")) or any(
            c.isspace() for c in url
        ):
            errors["url"] = _("Bitte eine Adresse angeben, die mit https:// beginnt.")
        elif policy().literal_refusal(urlsplit(url).hostname or ""):
            # Names are judged by what they resolve to when the calendar is asked; an address
            # or "localhost" can be refused right away.
            errors["url"] = reason(sources.REFUSED)
        if data.source == "caldav" and not data.username.strip():
            errors["username"] = _("Bitte den Benutzernamen des Kalenders angeben.")
    return errors


def check_connection(session: Session, actor: User) -> int:
    """Ask the stored calendar for the next week's busy times; returns how many it has."""
    settings = settings_of(session, actor)
    if settings.source == "none" or not settings.url:
        raise Invalid(_("Es ist kein Kalender eingetragen."))
    start = utcnow()
    end = start + timedelta(days=7)
    if settings.source == "ics":
        return len(sources.ics_feed_busy(settings.url, start, end, policy=policy()))
    password = vault.reveal(settings.password) if settings.password_id else ""
    return len(
        sources.caldav_busy(
            settings.url, settings.username or "", password, start, end, policy=policy()
        )
    )
