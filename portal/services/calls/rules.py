"""Pure rules of step 3: durations, the search window, start times, the call's texts, hours.

Plain values in, plain values out: no Flask app, no session, no queries. A staff calendar or an
offer is anything with the attributes read; the slot arithmetic itself is portal.calendar.slots.
tests/unit/test_call_rules.py tests them without an app.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from portal.calendar import invite, slots
from portal.services.errors import Invalid

BERLIN = ZoneInfo("Europe/Berlin")
DURATIONS = (30, 60, 90, 120, 180)
SEARCH_DAYS = 10
LOCATION_MAX, AGENDA_MAX, VIDEO_URL_MAX = 300, 5000, 500
NAME_MAX, PHONE_MAX, ROLE_MAX = 200, 60, 120


class Hours(Protocol):
    """What the rules read of a StaffCalendar: the weekdays ("0,1,2") and the daily window."""

    weekdays: str
    day_start: time
    day_end: time
    timezone: str


class Offered(Protocol):
    """What the rules read of a SlotOffer: its times (ISO, UTC), length and invitees."""

    starts: list[str]
    duration_minutes: int
    participants: list[dict]


def check_duration(duration: int) -> None:
    """Only the durations the booking page offers."""
    if duration not in DURATIONS:
        raise Invalid(_("Bitte eine angebotene Dauer wählen."))


def window(now: datetime) -> tuple[list[date], datetime, datetime]:
    """The next working days from now, and the instants where the first starts and the last ends."""
    days = slots.working_days(now.astimezone(BERLIN).date(), SEARCH_DAYS)
    start = datetime.combine(days[0], datetime.min.time(), BERLIN)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), BERLIN)
    return days, start, end


def day_window(moment: datetime) -> tuple[list[date], datetime, datetime]:
    """The Berlin day of `moment`, and the instants where it starts and ends."""
    day = moment.astimezone(BERLIN).date()
    start = datetime.combine(day, datetime.min.time(), BERLIN)
    return [day], start, start + timedelta(days=1)


def parse_start(value: str | datetime) -> datetime:
    """A start time as UTC; an ISO text or datetime without offset is Berlin wall-clock time."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid(_("Ungültiger Termin.")) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BERLIN)
    return moment.astimezone(UTC)


def check_text(location: str, video_url: str, agenda: str) -> None:
    """Location and agenda within their lengths; the video link an http(s) URL in ASCII."""
    if len(location) > LOCATION_MAX or len(agenda) > AGENDA_MAX:
        raise Invalid(_("Ort oder Agenda ist zu lang."))
    if video_url and not (video_url.startswith("https://") or video_url.startswith("http://")):
        raise Invalid(_("Der Video-Link muss mit https:// beginnen."))
    # invite.py accepts printable ASCII only (else a 500 while building the invitation), and
    # the column holds 500 characters: non-ASCII links must be entered percent-encoded.
    if len(video_url) > VIDEO_URL_MAX or any(c in ' "<>' or not "!" <= c <= "~" for c in video_url):
        raise Invalid(_("Der Video-Link ist ungültig."))


def clean_contact(name: str, email: str, phone: str, role: str, language: str) -> dict:
    """A new customer contact tidied (spaces, case, lengths); every bad field is named at once."""
    name, email = " ".join(name.split()), email.strip().lower()
    errors = {}
    if not 2 <= len(name) <= NAME_MAX:
        errors["name"] = _("Bitte den Namen angeben.")
    try:
        invite.check_email(email)
    except ValueError:
        errors["email"] = _("Bitte eine gültige E-Mail-Adresse angeben.")
    if language not in ("de", "en"):
        errors["language"] = _("Bitte Deutsch oder Englisch wählen.")
    if errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **errors)
    return {
        "name": name,
        "email": email,
        "phone": phone.strip()[:PHONE_MAX] or None,
        "role": role.strip()[:ROLE_MAX] or None,
        "language": language,
    }


def working_hours(settings: Hours | None) -> slots.WorkingHours:
    """A staff member's working hours; Monday to Friday 9 to 17 in Berlin without settings."""
    if settings is None:
        return slots.WorkingHours()
    days = frozenset(int(d) for d in settings.weekdays.split(",") if d.strip().isdigit())
    return slots.WorkingHours(days, settings.day_start, settings.day_end, settings.timezone)


def held_times(offer: Offered, user_id: int) -> list[slots.Busy]:
    """The times an open offer holds for a staff member it invites; none for anyone else."""
    if not any(p.get("user_id") == user_id for p in offer.participants):
        return []
    length = timedelta(minutes=offer.duration_minutes)
    return [slots.Busy(s, s + length) for s in map(datetime.fromisoformat, offer.starts)]


def blockers(people: list[slots.Person], start: datetime, end: datetime) -> list[str]:
    """The required people who cannot take the call in [start, end), as "name (why)"."""
    reasons = {
        slots.BUSY: _("hat einen Termin"),
        slots.OUTSIDE_HOURS: _("außerhalb der Arbeitszeit"),
    }
    return [
        f"{b.name} ({reasons.get(b.reason, b.reason)})"
        for b in slots.who_is_busy(people, start, end)
        if b.required
    ]


def warning_level(call_day: date, today: date) -> str:
    """How pressing the database's provisioning is, by the working days left before the call."""
    if call_day <= today:
        return "overdue"
    days_left = sum(1 for day in slots.working_days(today, 30) if day < call_day)
    if days_left <= 3:
        return "urgent"
    if days_left <= 7:
        return "soon"
    return "pending"
