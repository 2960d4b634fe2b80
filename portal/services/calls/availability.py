"""When people are free: busy times from staff calendars and the portal, the search, the check.

A staff member is busy in their own calendar (CalDAV or an ICS feed, read through
portal.calendar.sources), in calls booked in the portal and at times an open offer holds for
them. Customer contacts have no calendar here. The search and the check before a booking or an
offer are one computation, over ten working days or over the day of the time asked.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import vault
from portal.calendar import reach, slots, sources
from portal.models import CallParticipant, SetupCall, SlotOffer, StaffCalendar, User, utcnow
from portal.models.call import BOOKED
from portal.services.call_invitation import Attendance
from portal.services.calls.guards import planning_order
from portal.services.calls.participants import Invitee, resolve
from portal.services.calls.queries import call_of
from portal.services.calls.rules import (
    blockers,
    check_duration,
    day_window,
    held_times,
    window,
    working_hours,
)
from portal.services.errors import Conflict


@dataclass
class Search:
    """The free slots, everyone as the search saw them, and the calendars it could not read."""

    slots: list[slots.Slot]
    people: list[slots.Person]
    warnings: list[str] = field(default_factory=list)


def _staff_person(
    session: Session, person: Attendance, start, end, busy_extra, own_uid: str | None
) -> tuple[slots.Person, str | None]:
    """A staff member as the slot search sees them: working hours, and busy times from their
    calendar on top of `busy_extra`; a calendar that cannot be read is a warning, not an error."""
    settings = session.scalar(select(StaffCalendar).where(StaffCalendar.user_id == person.user.id))
    hours = working_hours(settings)
    busy = list(busy_extra)
    warning = None
    try:
        busy += _calendar_busy(settings, start, end, own_uid)
    except (sources.CalendarUnavailable, vault.VaultError) as error:
        warning = _(
            "Der Kalender von %(name)s konnte nicht gelesen werden: %(reason)s Die Suche berücksichtigt für %(name)s nur die Arbeitszeiten und die im Portal gebuchten Termine.",
            name=person.name,
            reason=reach.describe(error),
        )
    return slots.Person(person.name, person.required, hours, tuple(busy)), warning


def _calendar_busy(
    settings: StaffCalendar | None, start, end, own_uid: str | None
) -> list[slots.Busy]:
    """Busy times from the person's calendar, without the portal's own event of this call."""
    if settings is None or settings.source == "none" or not settings.url:
        return []
    allowed = reach.policy()
    if settings.source == "ics":
        return sources.ics_feed_busy(settings.url, start, end, exclude_uid=own_uid, policy=allowed)
    password = vault.reveal(settings.password) if settings.password_id else ""
    return sources.caldav_busy(
        settings.url,
        settings.username or "",
        password,
        start,
        end,
        exclude_uid=own_uid,
        policy=allowed,
    )


def _portal_busy(session: Session, user: User, exclude_order_id: int | None) -> list[slots.Busy]:
    """Calls booked in the portal and times held by open offers keep staff busy, too."""
    booked = session.scalars(
        select(SetupCall)
        .join(CallParticipant)
        .where(
            CallParticipant.user_id == user.id,
            SetupCall.status == BOOKED,
            SetupCall.order_id != (exclude_order_id or 0),
        )
    )
    busy = [slots.Busy(c.starts_at, c.ends_at) for c in booked]
    for offer in session.scalars(
        select(SlotOffer).where(
            SlotOffer.status == "open", SlotOffer.order_id != (exclude_order_id or 0)
        )
    ):
        busy += held_times(offer, user.id)
    return busy


def search(
    session: Session,
    actor: User,
    order_id: int,
    invitees: list[Invitee],
    duration: int,
    now: datetime | None = None,
) -> Search:
    """Free slots of the next working days at which every required participant is free."""
    order = planning_order(session, actor, order_id)
    check_duration(duration)
    now = now or utcnow()
    days, start, end = window(now)
    return find(session, order, resolve(session, order, invitees), duration, days, start, end, now)


def find(session, order, attendance, duration, days, start, end, now) -> Search:
    """The search over [start, end) for people already resolved: the search, the free check and
    a pick's fresh options share it."""
    people, warnings = [], []
    # The call's own event in a staff calendar must not block moving that very call.
    call = call_of(session, order)
    own_uid = call.uid if call is not None else None
    for person in attendance:
        if person.user is None:
            continue  # customer contacts have no calendar here; the time is agreed with them
        busy = _portal_busy(session, person.user, order.id)
        staff, warning = _staff_person(session, person, start, end, busy, own_uid)
        people.append(staff)
        if warning:
            warnings.append(warning)
    found = slots.free_slots(people, days=days, duration=timedelta(minutes=duration), now=now)
    return Search(found, people, warnings)


def check_free(session, order, attendance, starts_at: datetime, duration: int) -> list[str]:
    """Who of the required people cannot take the call at `starts_at`, asked now; [] if all can."""
    end = starts_at + timedelta(minutes=duration)
    days, start, day_end = day_window(starts_at)
    result = find(session, order, attendance, duration, days, start, day_end, utcnow())
    return blockers(result.people, starts_at, end)


def require_free(session, order, attendance, starts_at: datetime, duration: int) -> None:
    """Refuse a time at which a required person cannot take the call, naming who and why."""
    if busy := check_free(session, order, attendance, starts_at, duration):
        raise Conflict(_("Zu diesem Termin ist nicht jeder frei: %(who)s", who="; ".join(busy)))
