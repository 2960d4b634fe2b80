"""Deliver the outbox: SMTP when SMTP_HOST is set, else .eml files under MAIL_DIR.

Only the worker (`flask work`, or `flask outbox work`) delivers; a request never waits on a
mail server. Each attempt puts the message's sealed secret links in, sends it, and deletes the
sealed values once the message is delivered or has finally failed. Failures back off
exponentially and end as "failed" after OUTBOX_MAX_ATTEMPTS; nothing is dropped.
"""

import contextlib
import json
import logging
import re
import smtplib
import ssl
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_string, policy
from email.message import MIMEPart
from email.utils import getaddresses
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import vault
from portal.mail import redact
from portal.models import OutboxMessage, utcnow
from portal.models.outbox import FAILED, KEPT, PENDING, SENT

log = logging.getLogger(__name__)

BACKOFF_START = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
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
        outcomes[_attempt(session, message)] += 1
        session.commit()
    return outcomes


class LinksGone(Exception):
    """The message's secret links were deleted after its final failure; it cannot go out."""


def _attempt(session: Session, message: OutboxMessage) -> str:
    config = current_app.config
    message.attempts += 1
    values: dict[str, str] = {}
    try:
        values = _sealed_values(message)
        raw = fill(message.raw, values)
        if config["SMTP_HOST"]:
            _send_smtp(message, raw, config)
        else:
            _keep_as_file(message, raw, config)
    # Any failure, also a bug or a broken message, must neither lose it nor stop the queue.
    except Exception as error:
        reason = _without(f"{type(error).__name__}: {error}", values)
        message.last_error = reason[:2000]
        if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"] or isinstance(error, LinksGone):
            message.status = FAILED
            _drop_secret(session, message)
        else:
            message.next_attempt_at = utcnow() + backoff(message.attempts)
        log.warning("outbox message %s, attempt %s: %s", message.id, message.attempts, reason)
        return FAILED if message.status == FAILED else RETRY
    _drop_secret(session, message)
    return message.status


def outgoing(message: OutboxMessage) -> str:
    """The message as it goes out: the stored one with its sealed secret links put in."""
    return fill(message.raw, _sealed_values(message))


def _sealed_values(message: OutboxMessage) -> dict[str, str]:
    """The placeholder values sealed with the message ({} for a message without secrets)."""
    if not message.secret_links:
        return {}
    if message.secret is None:
        raise LinksGone("its secret links were deleted after it finally failed")
    return json.loads(vault.reveal(message.secret))


def _drop_secret(session: Session, message: OutboxMessage) -> None:
    """Delete the sealed links: a delivered or finally failed message never needs them again."""
    if message.secret is not None:
        session.delete(message.secret)
        message.secret = None


def _without(text: str, values: dict[str, str]) -> str:
    # An error message (a server's reply, a bug) must not carry a secret into the outbox table.
    for placeholder, value in values.items():
        text = text.replace(value, placeholder)
    return text


def fill(raw: str, values: dict[str, str]) -> str:
    """The stored message with every placeholder replaced by its value, ready for delivery."""
    if not values:
        return raw  # unchanged, byte for byte
    mail = message_from_string(raw, policy=policy.default)
    for part in mail.walk():
        if part.get_content_maintype() != "text" or part.is_attachment():
            continue
        content = part.get_content()
        filled = content
        for placeholder, value in values.items():
            filled = filled.replace(placeholder, value)
        if filled != content:
            # MIMEPart's, not EmailMessage's: a body part gets no MIME-Version header.
            MIMEPart.set_content(part, filled, subtype=part.get_content_subtype())
    return mail.as_string()


def _send_smtp(message: OutboxMessage, raw: str, config) -> None:
    mail = message_from_string(raw, policy=policy.default)
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


def _keep_as_file(message: OutboxMessage, raw: str, config) -> None:
    # Without SMTP the .eml file is the delivery: the developer's mailbox.
    folder = Path(config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / _eml_name(message)).write_text(raw, encoding="utf-8")
    message.status = KEPT


def _eml_name(message: OutboxMessage) -> str:
    ascii_subject = unicodedata.normalize("NFKD", message.subject).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_subject.decode().lower()).strip("-")[:50]
    return f"{message.id}-{slug or 'message'}.eml"


@dataclass(frozen=True)
class Parts:
    """What the admin page shows of a stored message."""

    sender: str
    date: str
    text: str | None
    html: str | None
    attachments: list[str]


def read_parts(raw: str) -> Parts:
    """Split a stored message into what an admin reads: sender, date, text, HTML source, attachments.

    Secret links are shown redacted: the stored message holds placeholders, never their values.
    """
    mail = message_from_string(raw, policy=policy.default)
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    return Parts(
        sender=str(mail["From"] or ""),
        date=str(mail["Date"] or ""),
        text=redact(text.get_content()) if text else None,
        html=redact(html.get_content()) if html else None,
        attachments=[part.get_filename() or "?" for part in mail.iter_attachments()],
    )
