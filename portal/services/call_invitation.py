"""The iCalendar view of a setup call: its people and the invitation as it stands.

Shared by booking and its mails (portal.services.calls.booking, .mails) and the calendar
writes (calendar_sync).
"""

from dataclasses import dataclass
from email.utils import parseaddr

from flask import current_app

from portal.calendar import invite
from portal.models import CallParticipant, CustomerContact, Order, SetupCall, User


@dataclass(frozen=True)
class Attendance:
    """A resolved participant: who, their address and language, and their calendar if any."""

    name: str
    email: str
    language: str
    required: bool
    user: User | None = None
    contact: CustomerContact | None = None


def attendance_of(participant: CallParticipant) -> Attendance:
    """One participant of a call as a person."""
    if participant.user is not None:
        u = participant.user
        return Attendance(u.name, u.email, u.language, participant.required, user=u)
    c = participant.contact
    return Attendance(c.name, c.email, c.language, participant.required, contact=c)


def attendance(call: SetupCall) -> list[Attendance]:
    """The call's current participants as people."""
    return [attendance_of(p) for p in call.participants]


def domain() -> str:
    """The organizer's mail domain, for UIDs."""
    return organizer()[1].rsplit("@", 1)[-1]


def organizer() -> tuple[str, str]:
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return name or "CPCE Onboarding", address


def invitation(
    order: Order, call: SetupCall, people: list[Attendance], cancelled: bool = False
) -> invite.Invitation:
    """The iCalendar view of the call as it stands."""
    name, address = organizer()
    return invite.Invitation(
        uid=call.uid,
        sequence=call.sequence,
        summary=f"Setup Call CPCE: {order.customer_name} ({order.short_code})",
        description=call.agenda,
        starts_at=call.starts_at,
        ends_at=call.ends_at,
        organizer_email=address,
        organizer_name=name,
        attendees=tuple(invite.Attendee(p.name, p.email, p.required) for p in people),
        location=call.location,
        url=call.video_url,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
