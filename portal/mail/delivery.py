"""Deliver the outbox: SMTP when SMTP_HOST is set, else .eml files under MAIL_DIR.

Right after a commit of db.session, the messages that transaction queued are tried once;
`flask outbox work` delivers whatever is still due. Failures back off exponentially and end
as "failed" after OUTBOX_MAX_ATTEMPTS; nothing is dropped.
"""

import contextlib
import logging
import re
import smtplib
import ssl
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_string, policy
from email.utils import getaddresses
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, event, inspect, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import OutboxMessage, Role, User, utcnow
from portal.models.outbox import FAILED, KEPT, PENDING, SENT
from portal.services import audit
from portal.services.errors import Conflict, Forbidden, NotFound

log = logging.getLogger(__name__)

BACKOFF_START = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
RETRYABLE = (PENDING, FAILED)
RETRY = "retry"  # outcome of a failed attempt that will be tried again later
TLS_MODES = ("starttls", "ssl", "none")


def backoff(attempts: int) -> timedelta:
    """The wait after `attempts` failed tries: 1, 2, 4, ... minutes, at most 6 hours."""
    return min(BACKOFF_START * 2 ** min(max(attempts - 1, 0), 20), BACKOFF_CAP)


def claim_next(
    session: Session, now: datetime | None = None, ids: list[int] | None = None
) -> OutboxMessage | None:
    """Lock the oldest due pending message; other workers skip it until this transaction ends."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= (now or utcnow()))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    return session.scalars(query).first()


def deliver_due(session: Session, ids: list[int] | None = None) -> Counter:
    """Try each message due now (only `ids` if given) once, committing each; count the outcomes."""
    # Fixed at the start: a message that fails now is not due again within this pass.
    now = utcnow()
    outcomes: Counter = Counter()
    while (message := claim_next(session, now, ids)) is not None:
        outcomes[_attempt(message)] += 1
        session.commit()
    return outcomes


def _attempt(message: OutboxMessage) -> str:
    config = current_app.config
    message.attempts += 1
    try:
        if config["SMTP_HOST"]:
            _send_smtp(message, config)
        else:
            _keep_as_file(message, config)
    # Any failure, also a bug or a broken message, must neither lose it nor stop the queue.
    except Exception as error:
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
            message.status = FAILED
        else:
            message.next_attempt_at = utcnow() + backoff(message.attempts)
        log.warning("outbox message %s, attempt %s: %s", message.id, message.attempts, error)
        return FAILED if message.status == FAILED else RETRY
    return message.status


def _send_smtp(message: OutboxMessage, config) -> None:
    mail = message_from_string(message.raw, policy=policy.default)
    recipients = [address for _name, address in getaddresses([message.recipients]) if address]
    smtp = _connect(config)
    try:
        refused = smtp.send_message(mail, to_addrs=recipients)
    finally:
        _quit(smtp)
    message.status, message.sent_at = SENT, utcnow()
    # Some recipients refused while others accepted: sent, but the admin page shows who not.
    message.last_error = "refused: " + ", ".join(refused) if refused else None


def _connect(config) -> smtplib.SMTP:
    host, port, timeout, tls = (
        config["SMTP_HOST"],
        config["SMTP_PORT"],
        config["SMTP_TIMEOUT"],
        config["SMTP_TLS"],
    )
    if tls not in TLS_MODES:
        raise ValueError(f"SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    context = ssl.create_default_context()
    if tls == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if tls == "starttls":
            smtp.starttls(context=context)
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _quit(smtp: smtplib.SMTP) -> None:
    # The message is already accepted here; a failing QUIT must not make it look unsent.
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.quit()
    smtp.close()


def _keep_as_file(message: OutboxMessage, config) -> None:
    folder = Path(config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / _eml_name(message)).write_text(message.raw, encoding="utf-8")
    message.status = KEPT


def _eml_name(message: OutboxMessage) -> str:
    ascii_subject = unicodedata.normalize("NFKD", message.subject).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_subject.decode().lower()).strip("-")[:50]
    return f"{message.id}-{slug or 'message'}.eml"


def retry(session: Session, actor: User | None, message_id: int) -> OutboxMessage:
    """Put a failed or pending message back in the queue, due now; actor None is the command line."""
    if actor is not None and actor.role != Role.ADMIN:
        raise Forbidden(_("Nur Administratoren dürfen das."))
    # Waits for a worker that is sending it right now, then sees the outcome.
    message = session.get(OutboxMessage, message_id, with_for_update=True, populate_existing=True)
    if message is None:
        raise NotFound(_("Diese Nachricht gibt es nicht."))
    if message.status not in RETRYABLE:
        raise Conflict(
            _("Nur wartende oder fehlgeschlagene Nachrichten können erneut gesendet werden.")
        )
    audit.record(
        session,
        actor,
        "outbox.retry",
        "outbox_message",
        message.id,
        status=message.status,
        attempts=message.attempts,
    )
    message.status, message.attempts, message.next_attempt_at = PENDING, 0, utcnow()
    session.info.setdefault("outbox_new", []).append(message)
    session.commit()
    return message


def listing(status: str | None = None) -> Select:
    """The outbox newest first, optionally of one status; for db.paginate()."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return query if status is None else query.where(OutboxMessage.status == status)


@dataclass(frozen=True)
class Parts:
    """What the admin page shows of a stored message."""

    sender: str
    date: str
    text: str | None
    html: str | None
    attachments: list[str]


def read_parts(raw: str) -> Parts:
    """Split a stored message into what an admin reads: sender, date, text, HTML source, attachments."""
    mail = message_from_string(raw, policy=policy.default)
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    return Parts(
        sender=str(mail["From"] or ""),
        date=str(mail["Date"] or ""),
        text=text.get_content() if text else None,
        html=html.get_content() if html else None,
        attachments=[part.get_filename() or "?" for part in mail.iter_attachments()],
    )


@event.listens_for(db.session, "after_commit")
def _send_committed(session: Session) -> None:
    """Try the messages the committed transaction queued; any failure leaves them pending."""
    queued = session.info.pop("outbox_new", None) or ()
    # identity, not .id: the rows are expired now and this session may not emit SQL here.
    ids = [key[0] for row in queued if (key := inspect(row).identity)]
    if not ids:
        return
    try:
        with Session(db.engine) as own:
            deliver_due(own, ids)
    except Exception:
        log.exception("outbox: sending after commit failed; `flask outbox work` retries")


@event.listens_for(db.session, "after_soft_rollback")
def _forget_queued(session: Session, previous_transaction) -> None:
    """A rolled-back transaction queued nothing."""
    if previous_transaction.parent is None:
        session.info.pop("outbox_new", None)
