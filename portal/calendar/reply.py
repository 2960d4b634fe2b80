"""iTIP REPLY (RFC 5546 3.2.3) read out of an email (RFC 6047); pure, no I/O, no database.

Calendar clients answer an invitation with a message to the organizer whose text/calendar part
(Outlook: an alternative; Thunderbird: an alternative plus an attachment) carries METHOD:REPLY
and one VEVENT with the event's UID and SEQUENCE and the answering ATTENDEE with its PARTSTAT.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

from icalendar import Calendar

# PARTSTAT values the portal records, as stored in CallParticipant.partstat.
PARTSTATS = {"ACCEPTED": "accepted", "TENTATIVE": "tentative", "DECLINED": "declined"}
# Calendars larger than this are not read: no invitation answer is anywhere near it.
MAX_CALENDAR_BYTES = 256 * 1024
_NEEDED = {"UID", "SEQUENCE", "ATTENDEE"}


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
    once); NotAReply when there is none, with the reason."""
    message = message_from_bytes(raw, policy=policy.default)
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
    if not found:
        raise NotAReply("; ".join(dict.fromkeys(problems)) or "no answer in the calendar")
    return found


def calendar_parts(message: EmailMessage) -> list[bytes]:
    """The raw bytes of every text/calendar or application/ics part."""
    parts = []
    for part in message.walk():
        if part.get_content_type() not in ("text/calendar", "application/ics"):
            continue
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
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            address = _address(str(attendee))
            partstat = str(attendee.params.get("PARTSTAT", "")).upper()
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
    if number < 0:
        raise NotAReply("SEQUENCE is negative")
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
