"""The iTIP REPLY reader (portal.calendar.reply): mails as Outlook and Thunderbird send them."""

from datetime import UTC, datetime

import pytest

from portal.calendar.reply import NotAReply, Reply, from_calendar, from_message
from tests.calls.replies_support import plain_mail, reply_calendar, reply_mail

UID = "5f0e7c1e-2b1a-4a53-9d51-0d4f1a2b3c4d@saxess.example"
STAMP = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("client", ["outlook", "thunderbird"])
@pytest.mark.parametrize(
    ("partstat", "answer"),
    [("ACCEPTED", "accepted"), ("TENTATIVE", "tentative"), ("DECLINED", "declined")],
)
def test_each_answer_is_read_once_from_either_client(client, partstat, answer):
    raw = reply_mail(UID, 2, "Carla@ACME.example", partstat, client=client, stamp=STAMP)
    assert from_message(raw) == [Reply(UID, 2, "carla@acme.example", answer, STAMP)]


def test_a_reply_without_sequence_answers_the_first_version():
    (found,) = from_calendar(reply_calendar(UID, None, "carla@acme.example", "ACCEPTED").encode())
    assert found.sequence == 0


def _spoilt(old: str, new: str) -> bytes:
    return reply_mail(UID, 1, "c@acme.example", "ACCEPTED", edit=lambda c: c.replace(old, new))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (plain_mail(), "no text/calendar part"),
        (reply_mail(UID, 1, "c@acme.example", "NEEDS-ACTION"), "no ATTENDEE with PARTSTAT"),
        (reply_mail(UID, 1, "c@acme.example", "DELEGATED"), "no ATTENDEE with PARTSTAT"),
        (_spoilt("METHOD:REPLY", "METHOD:REQUEST"), "METHOD is REQUEST, not REPLY"),
        (_spoilt("SEQUENCE:1", "SEQUENCE:x"), "unreadable SEQUENCE"),
        (_spoilt("UID:", "XID:"), "without UID"),
        (_spoilt("ATTENDEE;", "X-ATTENDEE;"), "without ATTENDEE"),
    ],
)
def test_what_is_no_usable_reply_is_refused_with_the_reason(raw, reason):
    with pytest.raises(NotAReply, match=reason):
        from_message(raw)


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\x00\xff\xfe garbage",
        b"Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nthis is not ical\r\n",
        b"Content-Type: text/calendar; method=REPLY\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!",
    ],
)
def test_garbage_raises_only_not_a_reply(garbage):
    with pytest.raises(NotAReply):
        from_message(garbage)
