"""The transactional outbox against a real SMTP server (aiosmtpd on 127.0.0.1).

A commit only queues; the worker's job (tests.helpers.deliver, `flask work`) delivers.
"""

import re
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import mail
from portal.admin import outbox as outbox_views
from portal.extensions import db
from portal.mail import delivery
from portal.models import AuditEvent, OutboxMessage, Secret, utcnow
from portal.models.outbox import FAILED, KEPT, PENDING, SENT
from portal.services import outbox
from portal.services.errors import Conflict, Forbidden
from tests.conftest import login
from tests.helpers import deliver
from tests.pg_util import require_postgres
from tests.smtp_server import Recorder

TEXT = "Guten Tag,\n\nIhre Bestellung für Müller & Söhne ist eingegangen.\n"
HTML = "<p>Guten Tag,</p><p>Ihre Bestellung für <b>Müller &amp; Söhne</b> ist eingegangen.</p>\n"
RAW = "From: onboarding@saxess.example\nTo: anna@cp.example\nSubject: {n}\n\nx\n"
INVITE = ("einladung.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")


def queue_one(session, subject="Bestellung eingegangen", html=HTML, **fields) -> int:
    """Queue one message and commit, as a service would; returns its id."""
    to = fields.pop("to", ["anna@cp.example"])
    row = mail.queue(session, to=to, subject=subject, text=TEXT, html=html, **fields)
    session.commit()
    return row.id


def add_pending(session, count: int) -> list[int]:
    """Pending, due rows written directly (raw messages of the simplest form)."""
    rows = [
        OutboxMessage(recipients="anna@cp.example", subject=f"Nr. {n}", raw=RAW.format(n=n))
        for n in range(count)
    ]
    session.add_all(rows)
    session.commit()
    return [row.id for row in rows]


def body(message, kind: str) -> str:
    """The decoded text or HTML part; line ends normalised, since SMTP carries CRLF."""
    return message.get_body((kind,)).get_content().replace("\r\n", "\n")


def fresh(session, message_id: int) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, message_id)


def make_due(session, message_id: int) -> None:
    """Let the back-off time pass."""
    fresh(session, message_id).next_attempt_at = utcnow() - timedelta(seconds=1)
    session.commit()


def work(runner) -> str:
    result = runner.invoke(args=["outbox", "work"])
    assert result.exit_code == 0, result.output
    return result.output


def test_commit_only_queues_then_the_worker_sends_envelope_and_message_intact(
    app, session, smtp, tmp_path
):
    to = ["anna@cp.example", "Leo Lehmann <leo@saxess.example>"]
    message_id = queue_one(session, to=to, attachments=(INVITE,))
    assert smtp.envelopes == []  # nothing talks to the mail server inside the transaction
    assert (fresh(session, message_id).status, fresh(session, message_id).attempts) == (PENDING, 0)

    assert deliver(session) == "1 sent"
    assert len(smtp.envelopes) == 1
    envelope = smtp.envelopes[0]
    assert envelope.mail_from == "onboarding@saxess.example"
    assert envelope.rcpt_tos == ["anna@cp.example", "leo@saxess.example"]
    row = fresh(session, message_id)
    assert (row.status, row.attempts, row.last_error) == (SENT, 1, None)
    assert row.sent_at is not None
    # The stored message went out unchanged, byte for byte apart from SMTP's CRLF.
    assert envelope.content.replace(b"\r\n", b"\n").decode() == row.raw
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert received["Subject"] == "Bestellung eingegangen"
    assert body(received, "plain") == TEXT
    assert body(received, "html") == HTML
    assert [part.get_filename() for part in received.iter_attachments()] == ["einladung.ics"]
    assert not (tmp_path / "mail").exists()


def test_smtp_down_keeps_message_pending_then_worker_delivers_exactly_once(
    app, session, smtp_port, start_smtp, runner
):
    message_id = queue_one(session)
    assert deliver(session) == "1 retry"  # nothing listens: the message waits

    row = fresh(session, message_id)
    assert (row.status, row.attempts) == (PENDING, 1)
    assert "refused" in row.last_error.lower()
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)

    smtp = start_smtp()
    assert "0 sent" in work(runner)  # still backing off
    assert smtp.envelopes == []

    make_due(session, message_id)
    assert "1 sent" in work(runner)
    assert "0 sent" in work(runner)
    assert len(smtp.envelopes) == 1
    row = fresh(session, message_id)
    assert (row.status, row.attempts) == (SENT, 2)


def test_message_not_yet_due_is_not_sent(app, session, smtp, runner):
    row = mail.queue(session, to=["anna@cp.example"], subject="Später", text=TEXT)
    row.next_attempt_at = utcnow() + timedelta(minutes=5)
    session.commit()

    assert "0 sent" in work(runner)
    assert smtp.envelopes == []
    assert fresh(session, row.id).status == PENDING


def test_backoff_doubles_and_is_capped():
    assert [delivery.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert delivery.backoff(10) == delivery.backoff(1000) == timedelta(hours=6)


def test_after_max_attempts_failed_visible_to_admin_and_retry_delivers(
    app, session, client, world, smtp_port, start_smtp, runner
):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    message_id = queue_one(session, subject="Wird scheitern")
    assert deliver(session) == "1 retry"
    make_due(session, message_id)
    assert "1 failed" in work(runner)
    row = fresh(session, message_id)
    assert (row.status, row.attempts) == (FAILED, 2)
    make_due(session, message_id)
    assert "0 failed" in work(runner)  # failed stays failed until someone retries

    login(client, world.admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Wird scheitern" in page and "badge-failed" in page and "fehlgeschlagen" in page
    assert "Connection refused" in page
    assert "Wird scheitern" in client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Wird scheitern" not in client.get("/admin/outbox?status=sent").get_data(as_text=True)

    smtp = start_smtp()
    response = client.post(f"/admin/outbox/{message_id}/retry", follow_redirects=True)
    assert response.status_code == 200
    assert "Die Nachricht ist wieder eingereiht" in response.get_data(as_text=True)
    assert smtp.envelopes == []  # the request only queued it again
    assert (fresh(session, message_id).status, fresh(session, message_id).attempts) == (PENDING, 0)
    assert deliver(session) == "1 sent"
    assert len(smtp.envelopes) == 1
    assert fresh(session, message_id).status == SENT
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.retry")).one()
    assert (event.actor_id, event.object_id) == (world.admin.id, str(message_id))
    assert event.payload == {"status": FAILED, "attempts": 2}


def test_cli_retry_resets_to_pending_and_refuses_sent_messages(
    app, session, smtp_port, start_smtp, runner
):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    message_id = queue_one(session)
    assert deliver(session) == "1 failed"
    assert fresh(session, message_id).status == FAILED

    smtp = start_smtp()
    result = runner.invoke(args=["outbox", "retry", str(message_id)])
    assert result.exit_code == 0, result.output
    assert f"message {message_id}: sent" in result.output
    assert len(smtp.envelopes) == 1

    again = runner.invoke(args=["outbox", "retry", str(message_id)])
    assert again.exit_code == 1
    assert "Nur wartende oder fehlgeschlagene" in again.output
    assert runner.invoke(args=["outbox", "retry", "999999"]).exit_code == 1
    assert len(smtp.envelopes) == 1


def test_retry_while_smtp_still_down_keeps_the_message(app, session, smtp_port, runner):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    message_id = queue_one(session)
    deliver(session)
    result = runner.invoke(args=["outbox", "retry", str(message_id)])
    assert f"message {message_id}: pending" in result.output
    row = fresh(session, message_id)
    assert (row.status, row.attempts) == (PENDING, 1)
    assert row.last_error


def test_claims_never_hand_out_the_same_row(app, session):
    first_id, second_id, later_id = add_pending(session, 3)
    later = session.get(OutboxMessage, later_id)
    later.next_attempt_at = utcnow() + timedelta(minutes=1)
    session.add(OutboxMessage(recipients="x@example.org", subject="s", raw="", status=SENT))
    session.commit()

    with Session(db.engine) as worker:
        claimed = []
        while (message := delivery.claim_next(worker)) is not None:
            claimed.append(message.id)
            message.status = SENT
            worker.commit()
    assert claimed == [first_id, second_id]
    with Session(db.engine) as worker:
        assert delivery.claim_next(worker, ids=[later_id]) is None
        assert delivery.claim_next(worker, now=utcnow() + timedelta(minutes=2)).id == later_id


@pytest.mark.pg
def test_skip_locked_skips_a_row_another_worker_holds(app, session):
    require_postgres()
    first_id, second_id = add_pending(session, 2)
    with Session(db.engine) as one, Session(db.engine) as two, Session(db.engine) as three:
        assert delivery.claim_next(one).id == first_id
        assert delivery.claim_next(two).id == second_id
        assert delivery.claim_next(three) is None
        one.rollback()  # the first worker gave up: its row is free again
        assert delivery.claim_next(three).id == first_id


@pytest.mark.pg
def test_concurrent_workers_send_every_message_exactly_once(app, session, smtp):
    require_postgres()
    ids = add_pending(session, 12)

    def worker():
        with app.app_context(), Session(db.engine) as own:
            delivery.deliver_due(own)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(message_from_bytes(e.content)["Subject"] for e in smtp.envelopes) == sorted(
        str(n) for n in range(12)
    )
    session.expire_all()
    assert {fresh(session, i).attempts for i in ids} == {1}


def test_embedded_mode_writes_an_eml_file_that_parses_back(app, session, runner, tmp_path):
    message_id = queue_one(session, subject="Bestätigung für Müller", attachments=(INVITE,))
    assert not (tmp_path / "mail").exists()
    assert "1 kept" in work(runner)

    row = fresh(session, message_id)
    assert (row.status, row.attempts, row.sent_at) == (KEPT, 1, None)
    path = Path(app.config["MAIL_DIR"]) / f"{message_id}-bestatigung-fur-muller.eml"
    kept = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert kept["Subject"] == "Bestätigung für Müller"
    assert kept["To"] == "anna@cp.example"
    assert body(kept, "plain") == TEXT
    assert body(kept, "html") == HTML
    assert [part.get_filename() for part in kept.iter_attachments()] == ["einladung.ics"]

    listing = runner.invoke(args=["outbox", "list"]).output
    assert str(message_id) in listing and "kept" in listing and "Bestätigung" in listing


def test_embedded_worker_keeps_pending_messages(app, session, runner):
    (message_id,) = add_pending(session, 1)
    assert "1 kept" in work(runner)
    assert fresh(session, message_id).status == KEPT
    assert (Path(app.config["MAIL_DIR"]) / f"{message_id}-nr-0.eml").read_text() == RAW.format(n=0)


def test_rollback_forgets_what_it_queued(app, session, smtp):
    mail.queue(session, to=["anna@cp.example"], subject="Verworfen", text=TEXT)
    session.rollback()
    queue_one(session, subject="Behalten")
    deliver(session)
    assert [message_from_bytes(e.content)["Subject"] for e in smtp.envelopes] == ["Behalten"]


def test_the_work_command_delivers_the_outbox(app, session, smtp, runner):
    queue_one(session)
    result = runner.invoke(args=["work"])
    assert result.exit_code == 0, result.output
    assert "outbox: 1 sent" in result.output
    assert len(smtp.envelopes) == 1


def test_outbox_pages_are_for_admins_only(app, session, world, smtp_port):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    message_id = queue_one(session)
    deliver(session)
    assert app.test_client().get("/admin/outbox").status_code == 302  # to the sign-in page
    for user in (world.partner, world.backoffice, world.lead):
        client = app.test_client()
        login(client, user)
        assert client.get("/admin/outbox").status_code == 403
        assert client.get(f"/admin/outbox/{message_id}").status_code == 403
        assert client.post(f"/admin/outbox/{message_id}/retry").status_code == 403
    with pytest.raises(Forbidden):
        outbox.retry(session, world.partner, message_id)
    row = fresh(session, message_id)
    assert (row.status, row.attempts) == (FAILED, 1)
    retries = select(AuditEvent).where(AuditEvent.action == "outbox.retry")
    assert session.scalars(retries).all() == []


def test_message_page_shows_html_as_escaped_source(app, session, client, world):
    html = "<p>Hallo</p><script>alert('x')</script>\n"
    message_id = queue_one(session, subject="Mit Skript", html=html, attachments=(INVITE,))
    login(client, world.admin)

    response = client.get(f"/admin/outbox/{message_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "Müller &amp; Söhne ist eingegangen" in page
    assert "einladung.ics" in page
    assert client.get("/admin/outbox/999999").status_code == 404


def test_retry_needs_a_csrf_token(app, session, client, world, smtp_port):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    message_id = queue_one(session)
    deliver(session)
    login(client, world.admin)
    app.config["WTF_CSRF_ENABLED"] = True

    assert client.post(f"/admin/outbox/{message_id}/retry").status_code == 400
    assert fresh(session, message_id).status == FAILED


def test_retry_of_a_kept_message_is_refused(app, session, client, world):
    message_id = queue_one(session)
    deliver(session)
    login(client, world.admin)
    response = client.post(f"/admin/outbox/{message_id}/retry", follow_redirects=True)
    assert "Nur wartende oder fehlgeschlagene" in response.get_data(as_text=True)
    assert fresh(session, message_id).status == KEPT


def test_list_page_paginates(app, session, client, world, monkeypatch):
    monkeypatch.setattr(outbox_views, "PAGE_SIZE", 2)
    add_pending(session, 3)
    login(client, world.admin)

    first = client.get("/admin/outbox").get_data(as_text=True)
    second = client.get("/admin/outbox?page=2").get_data(as_text=True)
    assert "Nr. 2" in first and "Nr. 1" in first and "Nr. 0" not in first
    assert "Nr. 0" in second and "Seite 2 von 2" in second


# ---------------------------------------------------------------- secret links

TOKEN = "Zx9-live_token_for_the_customer_0123456789ab"
URL = f"http://127.0.0.1:5000/r/{TOKEN}"


def queue_with_link(session, subject="Ihr Fragebogen") -> int:
    """Queue a mail with a secret link, as the link services do; returns its id."""
    hidden = mail.Secrets()
    url = "http://127.0.0.1:5000/r/" + hidden.hide(TOKEN)
    row = mail.queue(
        session,
        to=["carla@acme.example"],
        subject=subject,
        text=f"Bitte hier antworten:\n{url}\n",
        html=f'<p><a href="{url}">Fragebogen öffnen</a></p>\n',
        secrets=hidden,
    )
    session.commit()
    return row.id


def stored_anywhere(session) -> str:
    """Every stored outbox row and sealed secret as text, to search for a token in clear."""
    session.expire_all()
    rows = session.scalars(select(OutboxMessage)).all()
    secrets = session.scalars(select(Secret)).all()
    return repr([(r.raw, r.last_error, r.subject) for r in rows]) + repr(
        [(s.ciphertext, s.nonce, s.ref) for s in secrets]
    )


def test_a_secret_link_is_sealed_until_the_worker_delivers_it_then_deleted(
    app, session, client, world, smtp
):
    message_id = queue_with_link(session)
    row = fresh(session, message_id)
    assert TOKEN not in stored_anywhere(session)
    assert mail.PLACEHOLDER.search(row.raw) and row.secret_links == 1
    assert row.secret.purpose == "outbox_links"

    login(client, world.admin)
    page = client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    assert TOKEN not in page and not mail.PLACEHOLDER.search(page)
    assert (
        "/r/•••••" in page and "verschlüsselt gespeichert, bis die Nachricht versendet ist" in page
    )

    assert deliver(session) == "1 sent"
    (envelope,) = smtp.envelopes
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert f"\n{URL}\n" in body(received, "plain")
    assert f'<a href="{URL}">' in body(received, "html")
    assert not mail.PLACEHOLDER.search(envelope.content.decode())
    # Delivered: the sealed token is gone; the stored copy never had it.
    row = fresh(session, message_id)
    assert (row.status, row.secret_id, row.secret_links) == (SENT, None, 1)
    assert session.scalars(select(Secret)).all() == []
    assert TOKEN not in stored_anywhere(session)
    page = client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    assert TOKEN not in page and "nach dem Versand gelöscht" in page


def test_embedded_mode_writes_the_link_only_into_the_eml_file(app, session, tmp_path):
    message_id = queue_with_link(session, subject="Link")
    assert deliver(session) == "1 kept"

    kept = message_from_bytes(
        (tmp_path / "mail" / f"{message_id}-link.eml").read_bytes(), policy=policy.default
    )
    assert URL in body(kept, "plain") and URL in body(kept, "html")
    assert TOKEN not in stored_anywhere(session)
    assert session.scalars(select(Secret)).all() == []


def test_a_finally_failed_message_drops_its_links_and_cannot_be_retried(
    app, session, client, world, smtp_port, start_smtp, runner
):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    message_id = queue_with_link(session)
    assert deliver(session) == "1 retry"
    assert fresh(session, message_id).secret_id is not None  # kept for the next attempt
    make_due(session, message_id)
    assert deliver(session) == "1 failed"

    row = fresh(session, message_id)
    assert (row.status, row.secret_id) == (FAILED, None)
    assert session.scalars(select(Secret)).all() == []
    smtp = start_smtp()
    with pytest.raises(Conflict, match="nach dem endgültigen Fehlschlag gelöscht"):
        outbox.retry(session, world.admin, message_id)
    session.rollback()
    login(client, world.admin)
    page = client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    assert "die Nachricht kann nicht mehr versendet werden" in page
    assert f"/admin/outbox/{message_id}/retry" not in page
    response = client.post(f"/admin/outbox/{message_id}/retry", follow_redirects=True)
    assert "bitte beim Auftrag neue Links oder ein neues Angebot" in response.get_data(as_text=True)
    assert runner.invoke(args=["outbox", "retry", str(message_id)]).exit_code == 1
    assert deliver(session) == ""
    assert smtp.envelopes == []  # never a mail with a dead placeholder instead of the link


class Suspicious(Recorder):
    """A server that refuses mail with links and quotes the link in its reply."""

    async def handle_DATA(self, server, session, envelope):
        link = re.search(r"http://\S+/r/[A-Za-z0-9_-]+", envelope.content.decode())
        return f"554 5.7.1 Suspicious link {link.group()}"


@pytest.mark.parametrize("recorder_class", [Suspicious])
def test_an_error_reply_quoting_the_link_is_stored_without_it(app, session, smtp):
    message_id = queue_with_link(session)
    assert deliver(session) == "1 retry"
    row = fresh(session, message_id)
    assert "Suspicious link http://127.0.0.1:5000/r/[[secret-" in row.last_error
    assert TOKEN not in stored_anywhere(session)
