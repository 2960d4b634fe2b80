"""iCalendar invitations for the setup call, parsed back with icalendar and the email package."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, message_from_string, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from portal import mail
from portal.calendar.invite import (
    Attendee,
    Invitation,
    calendar,
    check_email,
    invitation_email,
    new_uid,
)
from portal.models.outbox import KEPT, PENDING
from tests.helpers import deliver

BERLIN = ZoneInfo("Europe/Berlin")
SENDER = "CPCE Onboarding <onboarding@saxess.example>"
AGENDA = "Agenda:\n1. Architektur, Datenfluss; Server\n2. Fragebögen prüfen\n3. Nächste Schritte"
INVITATION = Invitation(
    uid="3f0c1a6e-6d0b-4c59-9f5e-2b1f0c9d7a11@saxess.example",
    sequence=0,
    summary="Setup-Call CPCE: Müller & Söhne",
    description=AGENDA,
    starts_at=datetime(2027, 4, 1, 10, 0, tzinfo=BERLIN),
    ends_at=datetime(2027, 4, 1, 11, 30, tzinfo=BERLIN),
    organizer_email="onboarding@saxess.example",
    organizer_name="CPCE Onboarding",
    attendees=(
        Attendee("Ida Architektin", "ida@saxess.example"),
        Attendee("Jürgen Müller", "juergen@mueller.example"),
        Attendee("Otto Optional", "otto@cp.example", required=False),
    ),
    location="Saxess, Raum 3",
    url="https://meet.example/cpce-setup?room=42&pin=7",
    dtstamp=datetime(2027, 3, 10, 9, 15, 30, tzinfo=UTC),
)
HOSTILE_EMAILS = [
    "a@b.example\r\nATTENDEE:mailto:evil@x.example",
    "a@b.example\n",
    "a b@c.example",
    "a@b.example,c@d.example",
    "a@b.example;RSVP=FALSE",
    '"a"@b.example',
    "<a@b.example>",
    "Name <a@b.example>",
    "a@b.example?subject=x",
    "a@localhost",
    "",
]


def parse(ics: bytes) -> tuple[Calendar, object]:
    """The calendar and its only event."""
    cal = Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    return cal, event


def unfolded(ics: bytes) -> list[str]:
    """The content lines as written, folds undone."""
    return ics.decode().replace("\r\n ", "").split("\r\n")


def test_request_has_every_property_clients_need():
    ics = calendar(INVITATION, "REQUEST")
    cal, event = parse(ics)

    assert cal["METHOD"] == "REQUEST"
    assert (cal["VERSION"], cal["CALSCALE"]) == ("2.0", "GREGORIAN")
    assert cal["PRODID"]
    assert event["UID"] == INVITATION.uid
    assert event["SEQUENCE"] == 0
    assert event["SUMMARY"] == INVITATION.summary
    assert event["DESCRIPTION"] == AGENDA
    assert event["LOCATION"] == "Saxess, Raum 3"
    assert event["URL"] == INVITATION.url
    assert (event["STATUS"], event["TRANSP"]) == ("CONFIRMED", "OPAQUE")
    assert "DTSTAMP:20270310T091530Z" in unfolded(ics)
    assert event["DTSTAMP"].dt == INVITATION.dtstamp
    (alarm,) = event.walk("VALARM")
    assert (alarm["ACTION"], alarm["TRIGGER"].dt) == ("DISPLAY", timedelta(minutes=-15))


def test_organizer_and_attendees_with_their_parameters():
    _cal, event = parse(calendar(INVITATION, "REQUEST"))

    assert event["ORGANIZER"] == "mailto:onboarding@saxess.example"
    assert event["ORGANIZER"].params["CN"] == "CPCE Onboarding"
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == [f"mailto:{a.email}" for a in INVITATION.attendees]
    assert [a.params["CN"] for a in attendees] == [a.name for a in INVITATION.attendees]
    assert [a.params["ROLE"] for a in attendees] == ["REQ-PARTICIPANT"] * 2 + ["OPT-PARTICIPANT"]
    for attendee in attendees:
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["CUTYPE"] == "INDIVIDUAL"


def test_one_berlin_vtimezone_with_yearly_rules_and_no_rdate():
    ics = calendar(INVITATION, "REQUEST")
    cal, event = parse(ics)

    (zone,) = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    (daylight,) = zone.walk("DAYLIGHT")
    (standard,) = zone.walk("STANDARD")
    for part, month, offsets in ((daylight, 3, (1, 2)), (standard, 10, (2, 1))):
        rule = part["RRULE"]
        assert (rule["FREQ"], rule["BYMONTH"], rule["BYDAY"]) == (["YEARLY"], [month], ["-1SU"])
        assert (part["TZOFFSETFROM"].td, part["TZOFFSETTO"].td) == tuple(
            timedelta(hours=h) for h in offsets
        )
    assert not any(line.startswith("RDATE") for line in unfolded(ics))
    assert event["DTSTART"].params["TZID"] == event["DTEND"].params["TZID"] == "Europe/Berlin"
    assert "DTSTART;TZID=Europe/Berlin:20270401T100000" in unfolded(ics)
    assert "DTEND;TZID=Europe/Berlin:20270401T113000" in unfolded(ics)


@pytest.mark.parametrize(
    ("starts_at", "wall_clock", "utc"),
    [
        # Booked on 2027-03-10 in winter time, held after the switch on 2027-03-28.
        (datetime(2027, 4, 1, 10, tzinfo=BERLIN), "20270401T100000", datetime(2027, 4, 1, 8)),
        (datetime(2027, 1, 14, 10, tzinfo=BERLIN), "20270114T100000", datetime(2027, 1, 14, 9)),
        # Given in another zone: written in Berlin's wall-clock time.
        (datetime(2027, 4, 1, 8, tzinfo=UTC), "20270401T100000", datetime(2027, 4, 1, 8)),
    ],
)
def test_wall_clock_time_survives_summer_time(starts_at, wall_clock, utc):
    invitation = replace(INVITATION, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
    ics = calendar(invitation, "REQUEST")
    cal, event = parse(ics)

    assert f"DTSTART;TZID=Europe/Berlin:{wall_clock}" in unfolded(ics)
    assert event["DTSTART"].dt.astimezone(UTC) == utc.replace(tzinfo=UTC)
    # The written VTIMEZONE itself, read as a time zone, must agree with the tz database.
    own_zone = cal.walk("VTIMEZONE")[0].to_tz()
    local = event["DTSTART"].dt.replace(tzinfo=own_zone)
    assert local.astimezone(UTC) == utc.replace(tzinfo=UTC)


def test_cancel_keeps_the_uid_with_a_higher_sequence():
    cancel = calendar(replace(INVITATION, sequence=2), "CANCEL")
    cal, event = parse(cancel)

    assert cal["METHOD"] == "CANCEL"
    assert event["UID"] == INVITATION.uid
    assert event["SEQUENCE"] == 2
    assert event["STATUS"] == "CANCELLED"
    assert len(event["ATTENDEE"]) == 3


def test_caldav_copy_has_no_method():
    cal, event = parse(calendar(INVITATION, None))

    assert "METHOD" not in cal
    assert event["UID"] == INVITATION.uid


def test_video_url_is_the_location_when_there_is_no_room():
    _cal, event = parse(calendar(replace(INVITATION, location=""), "REQUEST"))

    assert event["LOCATION"] == event["URL"] == INVITATION.url


def test_default_dtstamp_is_now_in_utc():
    before = datetime.now(UTC).replace(microsecond=0)
    ics = calendar(replace(INVITATION, dtstamp=None), "REQUEST")
    _cal, event = parse(ics)

    assert before <= event["DTSTAMP"].dt <= datetime.now(UTC)
    assert any(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", line) for line in unfolded(ics))


def test_hostile_text_comes_back_as_text_and_adds_nothing():
    invitation = replace(
        INVITATION,
        summary="Call\r\nATTENDEE:mailto:evil@x.example",
        description='C:\\temp\\dir, a;b \\ "x" END:VEVENT\nBEGIN:VEVENT\r\nUID:evil\rURL:x',
        location="Raum: 3; Etage, 2\u2028ORGANIZER:mailto:evil@x.example",
        organizer_name='Boss";ROLE=CHAIR:mailto:evil@x.example',
        attendees=(Attendee('Eve ";ROLE=CHAIR:"\r\nRSVP=FALSE', "eve@c.example"),),
    )
    ics = calendar(invitation, "REQUEST")
    cal, event = parse(ics)

    assert event["SUMMARY"] == "Call\nATTENDEE:mailto:evil@x.example"
    assert event["DESCRIPTION"] == (
        'C:\\temp\\dir, a;b \\ "x" END:VEVENT\nBEGIN:VEVENT\nUID:evil\nURL:x'
    )
    assert event["LOCATION"] == "Raum: 3; Etage, 2\nORGANIZER:mailto:evil@x.example"
    assert event["ORGANIZER"] == "mailto:onboarding@saxess.example"
    assert event["ORGANIZER"].params["CN"] == "Boss';ROLE=CHAIR:mailto:evil@x.example"
    attendee = event["ATTENDEE"]  # a single one is not wrapped in a list
    assert attendee == "mailto:eve@c.example"
    assert attendee.params["CN"] == "Eve ';ROLE=CHAIR:' RSVP=FALSE"
    assert (attendee.params["ROLE"], attendee.params["RSVP"]) == ("REQ-PARTICIPANT", "TRUE")
    assert len(cal.walk("VEVENT")) == 1
    assert event["UID"] == INVITATION.uid
    assert "URL" in event and event["URL"] == INVITATION.url
    # No line break except the CRLF that ends a content line, and no new content line.
    assert re.search(rb"\r(?!\n)|(?<!\r)\n", ics) is None
    names = [re.match(r"[A-Z-]+", line).group() for line in unfolded(ics) if line]
    assert names.count("ATTENDEE") == 1 and names.count("ORGANIZER") == 1
    assert names.count("UID") == 1 and names.count("BEGIN") == 6


@pytest.mark.parametrize("address", HOSTILE_EMAILS)
def test_hostile_emails_are_refused(address):
    with pytest.raises(ValueError, match="Not a single plain email address"):
        calendar(replace(INVITATION, attendees=(Attendee("X", address),)), "REQUEST")
    with pytest.raises(ValueError, match="Not a single plain email address"):
        calendar(replace(INVITATION, organizer_email=address), "REQUEST")
    ics = calendar(INVITATION, "REQUEST")
    with pytest.raises(ValueError, match="Not a single plain email address"):
        email_for(ics, to=[address])


@pytest.mark.parametrize(
    "sender",
    [
        "a@b.example, evil@x.example",
        "Evil <a@b.example>\r\nBcc: x@y.example",
        "Evil <a@b.example\r\nBcc: x@y.example>",
        "Evil <a b@c.example>",
    ],
)
def test_a_sender_is_one_plain_address(sender):
    with pytest.raises(ValueError, match="Not a single"):
        email_for(calendar(INVITATION, "REQUEST"), sender=sender)


def test_an_email_needs_a_recipient():
    with pytest.raises(ValueError, match="recipient"):
        email_for(calendar(INVITATION, "REQUEST"), to=[])


def test_plain_addresses_pass_the_check():
    for address in ("a@b.example", "o'neil+cpce@mail.mueller-soehne.example", "x.y_z@a1.de"):
        assert check_email(address) == address


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at": datetime(2027, 4, 1, 10)}, "timezone-aware"),
        ({"ends_at": datetime(2027, 4, 1, 9, tzinfo=BERLIN)}, "end after it starts"),
        ({"url": "javascript:alert(1)"}, "http"),
        ({"url": "https://x.example/\r\nATTENDEE:mailto:e@x.example"}, "http"),
        ({"status": "MAYBE"}, "status"),
        ({"sequence": -1}, "SEQUENCE"),
    ],
)
def test_bad_invitations_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        calendar(replace(INVITATION, **change), "REQUEST")


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        calendar(INVITATION, "PUBLISH")


def test_new_uid_is_random_and_names_the_domain():
    uids = {new_uid("saxess.example") for _ in range(100)}

    assert len(uids) == 100
    assert all(uid.endswith("@saxess.example") for uid in uids)
    with pytest.raises(ValueError):
        new_uid("saxess.example\r\nX:y")


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL", None])
def test_icalendar_writes_back_what_it_reads(method):
    hostile = replace(INVITATION, summary='a;b,c\\d\n"e"', organizer_name='Ö "q";x:y')
    for invitation in (INVITATION, hostile):
        ics = calendar(invitation, method)
        assert unfolded(Calendar.from_ical(ics).to_ical()) == unfolded(ics)


def email_for(ics: bytes, method: str = "REQUEST", **overrides):
    arguments = {
        "sender": SENDER,
        "to": [a.email for a in INVITATION.attendees],
        "subject": "Einladung: Setup-Call für Müller & Söhne",
        "text": "Guten Tag Jürgen Müller,\n\nhiermit laden wir Sie ein.\n",
        "html": "<p>Guten Tag Jürgen Müller,</p><p>hiermit laden wir Sie ein.</p>",
        "ics": ics,
        "method": method,
    }
    return invitation_email(**arguments | overrides)


def test_email_has_the_rfc_6047_layout():
    ics = calendar(INVITATION, "REQUEST")
    message = message_from_bytes(email_for(ics).as_bytes(), policy=policy.default)

    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    _mixed, _alternative, plain, html, inline, attached = message.walk()
    assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
    assert inline.get_param("method") == "REQUEST"
    assert inline.get_content_charset() == "utf-8"
    assert not inline.is_attachment()
    assert attached.is_attachment()
    assert attached.get_filename() == attached.get_param("name") == "invite.ics"
    assert inline.get_payload(decode=True) == attached.get_payload(decode=True) == ics
    cal, event = parse(inline.get_payload(decode=True))
    assert cal["METHOD"] == "REQUEST"
    # iTIP: the organizer is the one who sends the request.
    assert str(event["ORGANIZER"]) == f"mailto:{message['From'].addresses[0].addr_spec}"


def test_email_headers_and_non_ascii_survive():
    ics = calendar(INVITATION, "REQUEST")
    built = email_for(
        ics,
        sender="Jörg Großmann <onboarding@saxess.example>",
        subject="Einladung\r\nBcc: evil@x.example für Müller",
    )
    message = message_from_bytes(built.as_bytes(), policy=policy.default)

    assert message["From"].addresses[0].display_name == "Jörg Großmann"
    assert message["To"].addresses[1].addr_spec == "juergen@mueller.example"
    assert message["Subject"] == "Einladung Bcc: evil@x.example für Müller"
    assert "Bcc" not in message
    assert message["Date"] and message["Message-ID"].endswith("@saxess.example>")
    assert "Jürgen Müller" in message.get_body(("plain",)).get_content()
    assert "Jürgen Müller" in message.get_body(("html",)).get_content()
    _cal, event = parse(message.get_body(("calendar",)).get_payload(decode=True))
    assert event["ATTENDEE"][1].params["CN"] == "Jürgen Müller"
    assert event["SUMMARY"] == "Setup-Call CPCE: Müller & Söhne"


def test_cancel_email_says_cancel_and_mismatches_are_refused():
    cancel = calendar(replace(INVITATION, sequence=1), "CANCEL")
    message = message_from_bytes(email_for(cancel, "CANCEL").as_bytes(), policy=policy.default)

    inline = message.get_body(("calendar",))
    assert inline.get_param("method") == "CANCEL"
    assert parse(inline.get_payload(decode=True))[1]["STATUS"] == "CANCELLED"
    with pytest.raises(ValueError, match="does not match"):
        email_for(cancel, "REQUEST")
    with pytest.raises(ValueError, match="does not match"):
        email_for(calendar(INVITATION, None), "REQUEST")


def test_queue_prebuilt_stores_and_the_worker_delivers(app, session):
    ics = calendar(INVITATION, "REQUEST")
    row = mail.queue_prebuilt(session, email_for(ics))

    assert row.recipients == ", ".join(a.email for a in INVITATION.attendees)
    assert row.subject == "Einladung: Setup-Call für Müller & Söhne"
    session.commit()
    assert row.status == PENDING

    assert deliver(session) == "1 kept"
    assert row.status == KEPT
    (path,) = Path(app.config["MAIL_DIR"]).glob(f"{row.id}-*.eml")
    kept = message_from_string(path.read_text(encoding="utf-8"), policy=policy.default)
    assert kept.get_body(("calendar",)).get_payload(decode=True) == ics
    assert [part.get_filename() for part in kept.iter_attachments()] == ["invite.ics"]


def test_queue_prebuilt_needs_a_recipient(app, session):
    message = email_for(calendar(INVITATION, "REQUEST"))
    del message["To"]

    with pytest.raises(ValueError, match="recipient"):
        mail.queue_prebuilt(session, message)
