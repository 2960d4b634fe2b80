"""Building blocks of the step 3 tests: orders, the team, booking, the mails read back.

Times are a few working days ahead of the real clock (the mail links and their expiry use it as
well). Every generated invitation is read back with the email package and icalendar, as the
receiving side would; assert_event checks an event against every point of the issue.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from icalendar import Calendar
from sqlalchemy import func, select

from portal.calendar import slots
from portal.models import (
    CustomerLink,
    OutboxMessage,
    SetupCall,
    StaffCalendar,
    StepCompletion,
    User,
)
from portal.services import calls, orders
from portal.services.calls import Invitee
from portal.services.calls.rules import BERLIN
from portal.services.links import hash_token
from tests.helpers import deliver, place

# ---------------------------------------------------------------- orders, people, times


# Fixed once per run, so that a test running across midnight keeps its days.
TOMORROW = datetime.now(BERLIN).date() + timedelta(days=1)


def future_days(count: int = 12) -> list[date]:
    """Working days from tomorrow (Berlin) on: every time on them lies ahead of the real clock."""
    return slots.working_days(TOMORROW, count)


def at(index: int, hour: int, minute: int = 0) -> datetime:
    """A Berlin wall-clock time on the index-th future working day."""
    return datetime.combine(future_days(index + 1)[index], time(hour, minute), BERLIN)


def give_hours(session, *users: User, **fields) -> None:
    """Working hours (default Mon-Fri 9-17 Berlin) for staff users."""
    for user in users:
        session.add(StaffCalendar(user_id=user.id, **fields))
    session.commit()


def new_order(session, world, code="ACME", deployment="cp_cloud", lead=None, partner=None):
    """An accepted order, its confirmation mail delivered; lead is its project lead."""
    order = place(session, world, code=code, deployment=deployment, partner=partner)
    orders.accept_order(session, world.backoffice, order.id, (lead or world.lead).id)
    deliver(session)
    return order


def team(world, *contacts, architect=True, optional=()) -> list[Invitee]:
    """Leo (project lead) and Anna (partner), Ida (architect) and the given contacts."""
    people = [Invitee(user_id=world.lead.id), Invitee(user_id=world.partner.id)]
    if architect:
        people.append(Invitee(user_id=world.architect.id, required="architect" not in optional))
    return people + [Invitee(contact_id=c.id, required=c.email not in optional) for c in contacts]


def book(session, world, order, start, people, **fields) -> None:
    """Book as the partner with location, video link and agenda."""
    fields = {"duration": 60, "location": LOCATION, "video_url": VIDEO, "agenda": AGENDA} | fields
    calls.book(session, world.partner, order.id, invitees=people, start=start, **fields)


# ---------------------------------------------------------------- mails and invitations, read back


ORGANIZER = "mailto:onboarding@saxess.example"


AGENDA = (
    "1. Vorstellung\n2. Technischer Fragebogen; Antworten prüfen\n3. <b>Datenfluss</b> & Ablauf"
)


VIDEO = "https://meet.example/cpce-acme?pin=42&room=7"


LOCATION = "Saxess, Raum 2"


LEO, ANNA, IDA = "leo@saxess.example", "anna@cp.example", "ida@saxess.example"


CARLA, CHRIS = "carla@acme.example", "chris@acme.example"


def last_mail_id(session) -> int:
    return session.scalar(select(func.max(OutboxMessage.id))) or 0


def mails(session, since: int = 0) -> list[EmailMessage]:
    """The messages queued after id `since` as the worker delivers them (.eml files without
    SMTP, secret links put in), parsed as the receiving side would."""
    deliver(session)
    session.expire_all()
    ids = session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.id > since).order_by(OutboxMessage.id)
    )
    folder = Path(current_app.config["MAIL_DIR"])
    return [
        message_from_string(next(folder.glob(f"{i}-*.eml")).read_text(), policy=policy.default)
        for i in ids
    ]


def calendar_part(message: EmailMessage) -> EmailMessage | None:
    return next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)


def invitations(messages: list[EmailMessage]) -> dict[str, Calendar]:
    """Recipient address -> the parsed calendar of each invitation among the messages."""
    found = {}
    for message in messages:
        part = calendar_part(message)
        if part is not None:
            assert message["To"] not in found, f"two invitations to {message['To']}"
            found[str(message["To"])] = Calendar.from_ical(part.get_payload(decode=True))
    return found


def plain_mails(messages: list[EmailMessage]) -> dict[str, list[EmailMessage]]:
    """Recipient -> the messages without a calendar (questionnaire links, offers)."""
    found: dict[str, list[EmailMessage]] = {}
    for message in messages:
        if calendar_part(message) is None:
            found.setdefault(str(message["To"]), []).append(message)
    return found


def text_of(message: EmailMessage, kind: str = "plain") -> str:
    return message.get_body((kind,)).get_content()


def event_of(cal: Calendar):
    (event,) = cal.walk("VEVENT")
    return event


def attendees(event) -> dict[str, dict]:
    """mailto address -> parameters of every ATTENDEE."""
    values = event.get("ATTENDEE")
    values = values if isinstance(values, list) else [values]
    return {str(v).removeprefix("mailto:"): dict(v.params) for v in values}


def assert_mime_layout(message: EmailMessage, method: str) -> None:
    """multipart/mixed [multipart/alternative [plain, html, calendar], invite.ics]."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    parts = alternative.get_payload()
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "text/calendar"]
    assert parts[2].get_param("method") == method
    assert parts[2].get_param("charset").upper() == "UTF-8"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_payload(decode=True) == parts[2].get_payload(decode=True)
    assert message["From"].addresses[0].addr_spec == ORGANIZER.removeprefix("mailto:")


def assert_berlin_zone(cal: Calendar) -> None:
    """One VTIMEZONE Europe/Berlin written as yearly rules (RRULE), no RDATE lists."""
    (zone,) = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    kinds = {}
    for part in zone.subcomponents:
        assert "RDATE" not in part
        rule = part["RRULE"]
        assert (rule["FREQ"], rule["BYDAY"]) == (["YEARLY"], ["-1SU"])
        kinds[part.name] = (rule["BYMONTH"], part["TZNAME"])
    assert kinds == {"DAYLIGHT": ([3], "CEST"), "STANDARD": ([10], "CET")}


def assert_event(
    cal: Calendar,
    *,
    method: str | None,
    call: SetupCall,
    people: dict[str, str],
    status: str,
) -> None:
    """Check every point of the issue; people maps address -> ROLE."""
    assert cal.get("METHOD") == method
    assert_berlin_zone(cal)
    event = event_of(cal)
    assert str(event["UID"]) == call.uid
    assert event["SEQUENCE"] == call.sequence
    stamp = event.decoded("DTSTAMP")
    assert stamp.utcoffset() == timedelta(0) and event["DTSTAMP"].to_ical().endswith(b"Z")
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=5)
    for key, moment in (("DTSTART", call.starts_at), ("DTEND", call.ends_at)):
        assert event[key].params["TZID"] == "Europe/Berlin"
        assert event.decoded(key) == moment
        # The wall-clock time as written must be the Berlin time of the instant.
        local = moment.astimezone(BERLIN).strftime("%Y%m%dT%H%M%S").encode()
        assert event[key].to_ical() == local
    assert str(event["ORGANIZER"]) == ORGANIZER
    assert str(event["STATUS"]) == status
    found = attendees(event)
    assert set(found) == set(people)
    for address, params in found.items():
        assert params["CN"]
        assert params["ROLE"] == people[address]
        assert (params["PARTSTAT"], params["RSVP"]) == ("NEEDS-ACTION", "TRUE")
    if call.video_url:
        assert str(event["URL"]) == call.video_url
    if call.location or call.video_url:
        assert str(event["LOCATION"]) == (call.location or call.video_url)
    else:
        assert "LOCATION" not in event and "URL" not in event
    assert str(event["DESCRIPTION"]) == call.agenda


def required(*addresses: str) -> dict[str, str]:
    return dict.fromkeys(addresses, "REQ-PARTICIPANT")


# ---------------------------------------------------------------- the database and the pages


def the_call(session, order) -> SetupCall:
    session.expire_all()
    return session.scalar(select(SetupCall).where(SetupCall.order_id == order.id))


def completion(session, order) -> StepCompletion | None:
    session.expire_all()
    return session.scalar(
        select(StepCompletion).where(
            StepCompletion.order_id == order.id, StepCompletion.step == "schedule_call"
        )
    )


def tokens_in(message: EmailMessage) -> list[str]:
    return re.findall(r"/r/([A-Za-z0-9_-]{20,})", text_of(message))


def link_of(session, token: str) -> CustomerLink:
    return session.scalar(select(CustomerLink).where(CustomerLink.token_hash == hash_token(token)))


def hours_of(session, user: User) -> StaffCalendar:
    return session.scalar(select(StaffCalendar).where(StaffCalendar.user_id == user.id))


def history_on(body: str) -> str:
    """The call history on the order page."""
    return body.split("<summary>Verlauf</summary>", 1)[1].split("</details>", 1)[0]


def links_table(body: str) -> str:
    """The order page's table of customer links."""
    return body[body.index('<table id="links">') : body.index("</table>", body.index('id="links"'))]


def customer(client, token: str, name: str | None = "Carla Kunde"):
    """A browser that entered through a link (and gave a name)."""
    visitor = client.application.test_client()
    assert visitor.get(f"/r/{token}").status_code == 303
    if name:
        visitor.post("/customer/name", data={"name": name})
    return visitor


def offer_over_http(client, world, order, carla, offered):
    form = {
        "duration": "60",
        "architect": str(world.architect.id),
        "contact": str(carla.id),
        "offer": [t.isoformat() for t in offered],
        "location": LOCATION,
        "video_url": VIDEO,
        "agenda": AGENDA,
    }
    return client.post(f"/orders/{order.id}/call/offer", data=form)
