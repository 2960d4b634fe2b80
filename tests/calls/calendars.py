"""Helpers of the tests against real calendar servers on 127.0.0.1 (Radicale, CalDAV and ICS).

Leo (project lead) reads and writes Alice's Radicale calendar over CalDAV, Ida (architect) Bob's;
their passwords are sealed in the vault, as the portal stores them. The portal writes calendars
only in the worker's "calendars" job, which the tests run with write_calendars().
"""

import re
from datetime import date, datetime, time, timedelta

from caldav.lib.error import NotFoundError
from icalendar import Calendar
from sqlalchemy import update

from portal import vault, worker
from portal.models import CalendarWrite, User, utcnow
from portal.services.calls.rules import BERLIN
from tests.calls.support import future_days, hours_of
from tests.test_calendar_sources import vcalendar

FORMAT = "%Y%m%dT%H%M%S"


def connect(session, user: User, source: str, url: str, username="", password=None) -> None:
    """Point a staff member's calendar settings at a server; the password goes into the vault."""
    settings = hours_of(session, user)
    settings.source, settings.url, settings.username = source, url, username or None
    if password is not None:
        secret = vault.seal(session, password, "caldav_password")
        session.flush()
        settings.password_id = secret.id
    session.commit()


def busy(server, user: str, url: str, uid: str, start: datetime, end: datetime, *extra) -> None:
    """Store one event (Berlin wall-clock times) in a user's Radicale calendar."""
    server.add_event(
        url,
        user,
        vcalendar(
            uid,
            f"DTSTART;TZID=Europe/Berlin:{start.astimezone(BERLIN).strftime(FORMAT)}",
            f"DTEND;TZID=Europe/Berlin:{end.astimezone(BERLIN).strftime(FORMAT)}",
            "SUMMARY:Termin",
            *extra,
        ),
    )


def stored(server, user: str, url: str, uid: str) -> Calendar | None:
    """The event with this UID as the user's calendar holds it, or None."""
    with server.client(user) as client:
        try:
            return Calendar.from_ical(client.calendar(url=url).event_by_uid(uid).data)
        except NotFoundError:
            return None


def write_calendars(session) -> str:
    """Run the worker's calendar job once, as `flask work` does; its one-line summary."""
    return worker.run_once(session, {"calendars": worker.JOBS["calendars"]})["calendars"]


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN)


def two_days() -> tuple[date, date]:
    """Two consecutive future working days (Monday to Thursday and the day after)."""
    first = next(day for day in future_days(6) if day.weekday() <= 3)
    return first, first + timedelta(days=1)


def calendar_line(page: str, name: str) -> str:
    """What the planning page says about one person's calendar, as plain text."""
    found = re.search(rf"<dt>{name}[^<]*</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, f"no calendar line for {name}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def make_due(session) -> None:
    """Let the back-off time pass: every calendar write is due now."""
    session.execute(update(CalendarWrite).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    session.commit()
