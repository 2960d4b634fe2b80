"""iTIP REPLY (RFC 5546 3.2.3) read out of an email (RFC 6047); pure, no I/O, no database.

Calendar clients answer an invitation with a message to the organizer whose text/calendar part
(Outlook: an alternative; Thunderbird: an alternative plus an attachment) carries METHOD:REPLY
and one VEVENT with the event's UID and SEQUENCE and the answering ATTENDEE with its PARTSTAT.
Whatever a message holds, reading it raises nothing but NotAReply.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses

from icalendar import Calendar

# PARTSTAT values the portal records, as stored in CallParticipant.partstat.
PARTSTATS = {"ACCEPTED": "accepted", "TENTATIVE": "tentative", "DECLINED": "declined"}
# Calendars larger than this are not read: no invitation answer is anywhere near it.
MAX_CALENDAR_BYTES = 256 * 1024
_NEEDED = {"UID", "SEQUENCE", "ATTENDEE"}
# SEQUENCE is stored as a 32-bit integer; no real event is changed that often.
MAX_SEQUENCE = 2**31 - 1


class NotAReply(ValueError):
    """The message holds no usable iTIP REPLY; the text says why (for the log)."""


@dataclass(frozen=True)
class Reply:
    """One attendee's answer to one event."""

    uid: str
    sequence: int
    attendee: str  # the address, lower case, without mailto:
    partstat: str  # accepted, tentative, declined
    stamp: datetime | None  # DTSTAMP: when the attendee answered, aware UTC


def from_message(raw: bytes) -> list[Reply]:
    """Every answer in a mail's calendar parts (duplicates, e.g. alternative plus attachment,
    once) from the attendee who sent the mail; NotAReply when there is none, with the reason.

    Anyone can mail the organizer, and every invitee knows the event's UID and everyone's
    address: an answer counts only for the address in From (or Sender, for a delegate's
    client), and a REPLY carries exactly one attendee (RFC 5546 3.2.3)."""
    try:
        message = message_from_bytes(raw, policy=policy.default)
        senders = _senders(message)
        parts = calendar_parts(message)
        if not parts:
            raise NotAReply("no text/calendar part")
        found: list[Reply] = []
        problems: list[str] = []
        for data in parts:
            try:
                found.extend(r for r in from_calendar(data) if r not in found)
            except NotAReply as problem:
                problems.append(str(problem))
    except NotAReply:
        raise
    except Exception as error:  # deep nesting, broken headers, ...: no reply to use
        raise NotAReply(f"unreadable message: {type(error).__name__}") from None
    if not found:
        raise NotAReply("; ".join(dict.fromkeys(problems)) or "no answer in the calendar")
    own = [r for r in found if r.attendee in senders]
    if not own:
        raise NotAReply("the ATTENDEE is not the sender of the mail")
    return own


def _senders(message: EmailMessage) -> set[str]:
    headers = [str(v) for name in ("From", "Sender") for v in message.get_all(name, [])]
    return {address.strip().lower() for _name, address in getaddresses(headers) if address}


def calendar_parts(message: EmailMessage) -> list[bytes]:
    """The raw bytes of every text/calendar or application/ics part."""
    parts = []
    for part in message.walk():
        if part.get_content_type() not in ("text/calendar", "application/ics"):
            continue
        encoded = part.get_payload()
        if isinstance(encoded, str) and len(encoded) > 2 * MAX_CALENDAR_BYTES:
            raise NotAReply("calendar too large")  # judged before decoding it into memory
        payload = part.get_payload(decode=True)
        if payload:
            parts.append(payload)
    return parts


def from_calendar(data: bytes) -> list[Reply]:
    """The answers of one VCALENDAR with METHOD:REPLY; NotAReply for anything else."""
    if len(data) > MAX_CALENDAR_BYTES:
        raise NotAReply("calendar too large")
    try:
        calendar = Calendar.from_ical(data)
    except Exception as error:  # icalendar raises ValueError, KeyError, ... on garbage
        raise NotAReply(f"unreadable calendar: {type(error).__name__}") from None
    method = str(calendar.get("METHOD", "")).strip().upper()
    if method != "REPLY":
        raise NotAReply(f"METHOD is {method or 'missing'}, not REPLY")
    replies = []
    for event in calendar.walk("VEVENT"):
        # icalendar leaves out a property it cannot read and notes it in .errors.
        spoilt = sorted({name for name, _ in getattr(event, "errors", ()) if name in _NEEDED})
        if spoilt:
            raise NotAReply(f"unreadable {', '.join(spoilt)}")
        uid = str(event.get("UID", "")).strip()
        if not uid:
            raise NotAReply("VEVENT without UID")
        sequence = _sequence(event.get("SEQUENCE"))
        stamp = _stamp(event.get("DTSTAMP"))
        attendees = event.get("ATTENDEE")
        if attendees is None:
            raise NotAReply("VEVENT without ATTENDEE")
        if isinstance(attendees, list):
            raise NotAReply("more than one ATTENDEE in a REPLY")
        address = _address(str(attendees))
        partstat = str(attendees.params.get("PARTSTAT", "")).upper()
        if address and partstat in PARTSTATS:
            replies.append(Reply(uid, sequence, address, PARTSTATS[partstat], stamp))
    if not replies:
        raise NotAReply("no ATTENDEE with PARTSTAT ACCEPTED, TENTATIVE or DECLINED")
    return replies


def _sequence(value) -> int:
    # RFC 5546: a REPLY without SEQUENCE answers SEQUENCE 0.
    if value is None:
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        raise NotAReply(f"SEQUENCE is not a number: {str(value)[:20]!r}") from None
    if not 0 <= number <= MAX_SEQUENCE:
        raise NotAReply("SEQUENCE out of range")
    return number


def _stamp(value) -> datetime | None:
    moment = getattr(value, "dt", None)
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:  # a floating DTSTAMP is not allowed; read it as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _address(value: str) -> str:
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    value = value.strip().lower()
    return value if "@" in value and " " not in value else ""
