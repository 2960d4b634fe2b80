"""Attendees' answers as calendar clients send them, and the answer links read out of invitations.

reply_mail() builds an iTIP REPLY the way Outlook (multipart/alternative with a base64
text/calendar; method=REPLY part) or Thunderbird (multipart/mixed with an inline text/calendar
part and the same calendar as an invite.ics attachment) sends it to the organizer.
"""

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

ORGANIZER = "mailto:onboarding@saxess.example"


def reply_calendar(
    uid: str, sequence: int | None, attendee: str, partstat: str, stamp: datetime | None = None
) -> str:
    """A VCALENDAR with METHOD:REPLY from one attendee (CRLF line ends, as clients write)."""
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "METHOD:REPLY",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        f'ATTENDEE;PARTSTAT={partstat};CN="Someone":mailto:{attendee}',
        f"ORGANIZER:{ORGANIZER}",
        "DTSTART:20270105T090000Z",
        "DTEND:20270105T100000Z",
        f"UID:{uid}",
        *([f"SEQUENCE:{sequence}"] if sequence is not None else []),
        f"DTSTAMP:{stamp}",
        "SUMMARY:Accepted: Setup Call CPCE",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines)


def reply_mail(
    uid: str,
    sequence: int | None,
    attendee: str,
    partstat: str,
    *,
    client: str = "outlook",
    stamp: datetime | None = None,
    edit=lambda calendar: calendar,
) -> bytes:
    """The whole message an attendee's calendar client sends to the organizer; edit changes the
    calendar text before it is wrapped (to spoil it)."""
    calendar = edit(reply_calendar(uid, sequence, attendee, partstat, stamp))
    word = {"ACCEPTED": "Accepted", "TENTATIVE": "Tentative", "DECLINED": "Declined"}
    note = MIMEText(f"{attendee} has answered: {partstat}\r\n", "plain", "utf-8")
    inline = MIMEText(calendar, "calendar", "utf-8")
    inline.set_param("method", "REPLY")
    if client == "outlook":
        message = MIMEMultipart("alternative")
        message.attach(note)
        message.attach(inline)
    else:
        message = MIMEMultipart("mixed")
        message.attach(note)
        message.attach(inline)
        attachment = MIMEApplication(calendar.encode(), "ics", name="invite.ics")
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message.attach(attachment)
    message["From"] = attendee
    message["To"] = ORGANIZER.removeprefix("mailto:")
    message["Subject"] = f"{word.get(partstat, partstat)}: Setup Call CPCE"
    message["Date"] = formatdate()
    message["Message-ID"] = make_msgid(domain="acme.example")
    return message.as_bytes()


def plain_mail(subject: str = "Out of office", body: str = "I am away until Monday.") -> bytes:
    """An ordinary mail without a calendar, such as lands in any organizer's mailbox."""
    message = EmailMessage()
    message["From"] = "someone@acme.example"
    message["To"] = ORGANIZER.removeprefix("mailto:")
    message["Subject"] = subject
    message.set_content(body)
    return message.as_bytes()


ANSWER_LINK = re.compile(r"https?://\S+/a/[A-Za-z0-9_-]+\?answer=(accepted|tentative|declined)")


def answer_links(message) -> dict[str, str]:
    """answer -> the personal link (path and query, for the test client) in an invitation."""
    found = {}
    for match in ANSWER_LINK.finditer(message.get_body(("plain",)).get_content()):
        url = urlsplit(match.group(0))
        found[match.group(1)] = f"{url.path}?{url.query}"
    return found
