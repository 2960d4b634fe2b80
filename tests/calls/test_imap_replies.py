"""The worker job `replies` against a real IMAP server (Dovecot on 127.0.0.1).

Replies are put into the organizer's inbox with IMAP APPEND, as Outlook and Thunderbird send
them; the job runs as `flask work` runs it (portal.worker.run_once).
"""

import logging

import pytest
from sqlalchemy import func, select

from portal import worker
from portal.models import AuditEvent
from portal.services import calls
from tests.calls.replies_support import plain_mail, reply_mail
from tests.calls.support import CARLA, LEO, at, book, calendar_part, last_mail_id, mails, team
from tests.imap_server import dovecot, free_port  # noqa: F401 - the fixture

IDA = "ida@saxess.example"
RECORDED = {"\\Seen", "$PortalRecorded"}


@pytest.fixture
def mailbox(app, dovecot):  # noqa: F811
    """The app reads the test server's inbox, emptied for each test."""
    dovecot.clear()
    app.config.update(dovecot.settings())
    return dovecot


def run_job(session) -> str:
    return worker.run_once(session, {"replies": worker.JOBS["replies"]})["replies"]


def answers(session) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "call.answer")
    )


def partstats(session, order) -> dict[str, tuple]:
    session.expire_all()
    call = calls.call_of(session, order)
    return {
        (p.user or p.contact).email: (p.partstat, p.partstat_via, p.partstat_sequence)
        for p in call.participants
    }


@pytest.fixture
def booked(session, world, order, carla):
    """The call booked with Leo, Anna, Ida and Carla; the invitations delivered."""
    book(session, world, order, at(2, 10), team(world, carla))
    mails(session)
    return calls.call_of(session, order)


def test_accept_tentative_and_decline_are_recorded_once(session, order, booked, mailbox):
    uids = [
        mailbox.append(reply_mail(booked.uid, 0, LEO.upper(), "ACCEPTED", client="outlook")),
        mailbox.append(reply_mail(booked.uid, 0, CARLA, "TENTATIVE", client="thunderbird")),
        mailbox.append(reply_mail(booked.uid, 0, IDA, "DECLINED", client="outlook")),
    ]
    before = last_mail_id(session)
    assert run_job(session) == "3 recorded"
    found = partstats(session, order)
    assert found[LEO] == ("accepted", "imap", 0)
    assert found[CARLA] == ("tentative", "imap", 0)
    assert found[IDA] == ("declined", "imap", 0)
    assert found["anna@cp.example"] == (None, None, None)
    assert all(mailbox.flags(uid) >= RECORDED for uid in uids)
    # Ida's decline: the partner staff hear of it.
    assert [m["To"] for m in mails(session, before)] == ["anna@cp.example"]

    count, before = answers(session), last_mail_id(session)
    assert run_job(session) == ""  # a second pass finds nothing new
    assert answers(session) == count and mails(session, before) == []


def test_a_reply_to_an_older_sequence_is_ignored_and_logged(
    session, world, order, carla, booked, mailbox, caplog
):
    book(session, world, order, at(3, 10), team(world, carla))  # SEQUENCE 1
    uid = mailbox.append(reply_mail(booked.uid, 0, CARLA, "DECLINED"))
    with caplog.at_level(logging.INFO, logger="portal.replies"):
        assert run_job(session) == "1 stale"
    assert "stale reply ignored" in caplog.text
    assert partstats(session, order)[CARLA] == (None, None, None)
    assert answers(session) == 0
    assert {"\\Seen", "$PortalIgnored"} <= mailbox.flags(uid)

    # An answer to the current version, then a late one to the same version sent earlier.
    current = mailbox.append(reply_mail(booked.uid, 1, CARLA, "ACCEPTED"))
    assert run_job(session) == "1 recorded"
    assert mailbox.flags(current) >= RECORDED
    assert partstats(session, order)[CARLA] == ("accepted", "imap", 1)


def test_messages_that_are_no_reply_are_left_alone_logged_once_and_do_not_stop_the_job(
    session, order, booked, mailbox, caplog
):
    # An invitation (REQUEST) in the organizer's inbox, e.g. a copy sent to itself.
    invitation = next(m for m in mails(session, 0) if calendar_part(m) is not None).as_bytes()
    left = [
        mailbox.append(plain_mail()),
        mailbox.append(b"From: x@y.example\r\nContent-Type: text/calendar\r\n\r\n\x00garbage"),
        mailbox.append(reply_mail("unknown@saxess.example", 0, CARLA, "ACCEPTED")),
        mailbox.append(reply_mail(booked.uid, 0, "stranger@acme.example", "ACCEPTED")),
        mailbox.append(invitation),
    ]
    good = mailbox.append(reply_mail(booked.uid, 0, CARLA, "ACCEPTED"))
    with caplog.at_level(logging.WARNING, logger="portal.replies"):
        assert run_job(session) == "5 ignored, 1 recorded"
    logged = [r for r in caplog.records if r.name == "portal.replies"]
    assert len(logged) == 5
    assert "no text/calendar part" in caplog.text and "METHOD is REQUEST" in caplog.text
    assert "no participant 'stranger@acme.example'" in caplog.text
    for uid in left:  # still unread for a human, set aside for the portal
        assert mailbox.flags(uid) & {"\\Seen", "$PortalIgnored"} == {"$PortalIgnored"}
    assert mailbox.flags(good) >= RECORDED
    assert partstats(session, order)[CARLA] == ("accepted", "imap", 0)

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="portal.replies"):
        assert run_job(session) == ""
    assert caplog.records == []  # not logged again


def test_a_server_that_cannot_be_reached_or_refuses_is_reported_and_retried(
    app, session, order, booked, mailbox
):
    uid = mailbox.append(reply_mail(booked.uid, 0, CARLA, "ACCEPTED"))
    app.config["IMAP_PORT"] = free_port()
    assert run_job(session).startswith("failed: ConnectionRefusedError")
    app.config.update(mailbox.settings(), IMAP_PASSWORD="wrong")
    assert run_job(session).startswith("failed: ")
    assert partstats(session, order)[CARLA] == (None, None, None)
    assert "\\Seen" not in mailbox.flags(uid)

    app.config.update(mailbox.settings())
    assert run_job(session) == "1 recorded"  # the next pass catches up


def test_without_imap_host_the_job_does_nothing(app, session):
    app.config["IMAP_HOST"] = None
    assert run_job(session) == ""


def test_hostile_messages_are_set_aside_and_the_answers_behind_them_still_count(
    session, order, booked, mailbox, caplog
):
    nested = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + (
        b"--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" * 3000
    )
    hostile = [
        # A SEQUENCE far beyond any version: no overflow, no lock-out.
        mailbox.append(reply_mail(booked.uid, 2**70, LEO, "DECLINED")),
        mailbox.append(b"From: " + CARLA.encode() + b"\r\n" + nested),
        # Too large to be an answer: not even fetched.
        mailbox.append(plain_mail(body="x" * (3 * 1024 * 1024))),
        # Carla's address in From, an answer in Leo's name.
        mailbox.append(
            reply_mail(booked.uid, 0, LEO, "DECLINED").replace(
                f"From: {LEO}".encode(), f"From: {CARLA}".encode()
            )
        ),
    ]
    # Read (\Seen) by a person before the worker came: still the portal's to record.
    good = mailbox.append(reply_mail(booked.uid, 0, LEO, "ACCEPTED"), flags="(\\Seen)")
    with caplog.at_level(logging.WARNING, logger="portal.replies"):
        assert run_job(session) == "4 ignored, 1 recorded"
    assert "larger than" in caplog.text and "not the sender" in caplog.text
    for uid in hostile:
        assert "$PortalIgnored" in mailbox.flags(uid)
    assert mailbox.flags(good) >= RECORDED
    assert partstats(session, order)[LEO] == ("accepted", "imap", 0)
    assert run_job(session) == ""
