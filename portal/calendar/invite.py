"""iCalendar invitations (RFC 5545/5546) and the RFC 6047 email that carries them; no I/O."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
)

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Saxess//CPCE Onboarding Portal//EN"
METHODS = ("REQUEST", "CANCEL")
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")

# Deliberately narrower than RFC 5322: the address ends up in a mailto: URI and in mail
# headers, where "?", "%", "#", quotes, commas, semicolons or whitespace change the meaning.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")
_EMAIL = re.compile(rf"[A-Za-z0-9_+'-]+(?:\.[A-Za-z0-9_+'-]+)*@{_HOST.pattern}")
_URL = re.compile(r"https?://[!-~]+")  # printable ASCII only: no space, no line break
# icalendar escapes LF and CRLF only; a lone CR or a Unicode line separator would end the
# content line in some readers, and RFC 5545 TEXT allows no other control characters.
_LINE_BREAK = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Attendee:
    """A participant; required ones are REQ-PARTICIPANT, the others OPT-PARTICIPANT."""

    name: str
    email: str
    required: bool = True


@dataclass(frozen=True)
class Invitation:
    """One setup call as the calendar event every participant gets."""

    uid: str
    sequence: int
    summary: str
    description: str
    starts_at: datetime
    ends_at: datetime
    organizer_email: str
    organizer_name: str
    attendees: tuple[Attendee, ...]
    location: str = ""
    url: str = ""
    status: str = "CONFIRMED"
    dtstamp: datetime | None = None


def new_uid(domain: str) -> str:
    """A random, globally unique event UID: uuid4@domain."""
    if not _HOST.fullmatch(domain):
        raise ValueError(f"Not a host name for an event UID: {domain!r}")
    return f"{uuid.uuid4()}@{domain}"


def check_email(address: str) -> str:
    """The address itself if it is one plain address (no name, list or header); else ValueError."""
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        raise ValueError(f"Not a single plain email address: {address!r}")
    return address


def calendar(invitation: Invitation, method: str | None) -> bytes:
    """The VCALENDAR for the invitation; method REQUEST or CANCEL, None for a CalDAV collection."""
    if method not in (None, *METHODS):
        raise ValueError(f"method must be one of {', '.join(METHODS)} or None, not {method!r}")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method)
    cal.add_component(_berlin())
    cal.add_component(_event(invitation, cancelled=method == "CANCEL"))
    return cal.to_ical()


def _berlin() -> Timezone:
    # Written by hand as yearly rules: the generated form lists RDATEs, which Outlook misreads.
    zone = Timezone()
    zone.add("tzid", "Europe/Berlin")
    for part, month, day, before, after, name in (
        (TimezoneDaylight(), 3, 29, 1, 2, "CEST"),
        (TimezoneStandard(), 10, 25, 2, 1, "CET"),
    ):
        part.add("tzname", name)
        part.add("dtstart", datetime(1970, month, day, before + 1))
        part.add("tzoffsetfrom", timedelta(hours=before))
        part.add("tzoffsetto", timedelta(hours=after))
        part.add("rrule", {"freq": "YEARLY", "bymonth": month, "byday": "-1SU"})
        zone.add_component(part)
    return zone


def _event(invitation: Invitation, cancelled: bool) -> Event:
    starts_at, ends_at = _berlin_time(invitation.starts_at), _berlin_time(invitation.ends_at)
    if ends_at <= starts_at:
        raise ValueError("The call must end after it starts.")
    if invitation.sequence < 0:
        raise ValueError("SEQUENCE cannot be negative.")
    status = "CANCELLED" if cancelled else invitation.status
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if invitation.url and not _URL.fullmatch(invitation.url):
        raise ValueError(f"Not an http(s) URL: {invitation.url!r}")
    dtstamp = invitation.dtstamp or datetime.now(UTC)
    if dtstamp.tzinfo is None:
        raise ValueError("dtstamp must be timezone-aware.")

    event = Event()
    event.add("uid", _text(invitation.uid))
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", dtstamp.astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", _text(invitation.summary))
    event.add("description", _text(invitation.description))
    if location := _text(invitation.location) or invitation.url:
        event.add("location", location)
    if invitation.url:
        event.add("url", invitation.url)
    event.add("status", status)
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(invitation.organizer_email, invitation.organizer_name))
    for attendee in invitation.attendees:
        event.add(
            "attendee",
            _address(
                attendee.email,
                attendee.name,
                ROLE="REQ-PARTICIPANT" if attendee.required else "OPT-PARTICIPANT",
                PARTSTAT="NEEDS-ACTION",
                RSVP="TRUE",
                CUTYPE="INDIVIDUAL",
            ),
        )
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _text(invitation.summary))
        alarm.add("trigger", timedelta(minutes=-15))
        event.add_component(alarm)
    return event


def _berlin_time(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Start and end of the call must be timezone-aware.")
    return moment.astimezone(BERLIN).replace(microsecond=0)


def _address(email: str, name: str, **params: str) -> vCalAddress:
    # CAL-ADDRESS values are not escaped by icalendar: only a checked address may go in.
    address = vCalAddress(f"mailto:{check_email(email)}")
    # RFC 5545 parameter values cannot hold DQUOTE or line breaks; icalendar would write RFC
    # 6868 "^'" and "^n" instead, which Outlook shows literally.
    address.params["CN"] = _one_line(name).replace('"', "'")
    address.params.update(params)
    return address


def _text(value: str) -> str:
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", value))


def _one_line(value: str) -> str:
    # The same rule as portal.mail._clean_header: a line break would start a new header.
    return " ".join(_text(value).split())


def invitation_email(
    *, sender: str, to: list[str], subject: str, text: str, html: str, ics: bytes, method: str
) -> EmailMessage:
    """The RFC 6047 message: text, HTML and the calendar as alternatives, plus invite.ics."""
    inside = Calendar.from_ical(ics).get("METHOD")
    if method not in METHODS or inside != method:
        raise ValueError(f"method {method!r} does not match METHOD {inside!r} of the calendar")
    if not to:
        raise ValueError("An invitation needs at least one recipient.")
    # parseaddr() would silently take the first of "a@b.example, evil@x.example".
    senders = getaddresses([_one_line(sender)])
    if len(senders) != 1:
        raise ValueError(f"Not a single sender address: {sender!r}")
    ((name, address),) = senders
    message = EmailMessage()
    message["From"] = Address(display_name=name, addr_spec=check_email(address))
    message["To"] = ", ".join(check_email(recipient) for recipient in to)
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=address.rsplit("@", 1)[1])
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # base64 keeps the CRLF line ends and the UTF-8 bytes exactly as icalendar wrote them.
    message.add_alternative(
        ics, maintype="text", subtype="calendar", params={"method": method, "charset": "UTF-8"}
    )
    message.add_attachment(
        ics,
        maintype="application",
        subtype="ics",
        filename="invite.ics",
        params={"name": "invite.ics"},
    )
    return message
