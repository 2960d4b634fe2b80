"""Email through a transactional outbox: queue in the caller's transaction, the worker delivers.

queue() and queue_template() only add an OutboxMessage to the session; the caller commits, and
`flask work` (portal.worker) delivers it (SMTP or the embedded .eml store, portal.mail.delivery).
No request waits on a mail server.

Secret links never stand in a stored message: the caller writes a placeholder where the secret
goes (Secrets.hide) and passes the placeholders' values along; they are sealed with the vault
beside the message and put in only when the worker builds the message for delivery.
"""

import json
import re
import secrets as random
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from portal import vault
from portal.models import OutboxMessage

SEAL_PURPOSE = "outbox_links"
# What a placeholder looks like; URL-safe and untouched by HTML escaping.
PLACEHOLDER = re.compile(r"\[\[secret-[0-9a-f]{16}\]\]")
REDACTED = "•••••"


class Secrets(dict[str, str]):
    """Placeholder -> secret value of one or more messages (e.g. the tokens of customer links)."""

    def hide(self, value: str) -> str:
        """A fresh placeholder standing for value; the message shows it where value belongs."""
        placeholder = f"[[secret-{random.token_hex(8)}]]"
        self[placeholder] = value
        return placeholder


def redact(text: str) -> str:
    """Text with every placeholder shown as redacted (for pages that show stored mail)."""
    return PLACEHOLDER.sub(REDACTED, text)


def _clean_header(value: str) -> str:
    # A line break in a header would start a new header: mail header injection.
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())


def queue(
    session: Session,
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    secrets: Secrets | None = None,
) -> OutboxMessage:
    """Add a message to the outbox; attachments are (filename, mime type, bytes)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = ", ".join(_clean_header(address) for address in to)
    message["Subject"] = _clean_header(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_domain(current_app.config["MAIL_FROM"]))
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, mime_type, data in attachments:
        maintype, _, subtype = mime_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    used = {
        key: value for key, value in (secrets or {}).items() if key in text or key in (html or "")
    }
    recipients = ", ".join(_clean_header(address) for address in to)
    return _store(session, message, recipients, subject, used)


def queue_prebuilt(
    session: Session, message: EmailMessage, secrets: Secrets | None = None
) -> OutboxMessage:
    """Add an already built message (e.g. an invitation) to the outbox; recipients from its To.

    Placeholders of `secrets` in its text parts are sealed as with queue()."""
    to = [address for _name, address in getaddresses(message.get_all("To", [])) if address]
    if not to:
        raise ValueError("The message has no recipient in its To header.")
    texts = [
        part.get_content()
        for part in message.walk()
        if part.get_content_maintype() == "text" and not part.is_multipart()
    ]
    used = {key: value for key, value in (secrets or {}).items() if any(key in t for t in texts)}
    return _store(session, message, ", ".join(to), str(message.get("Subject", "")), used)


def _store(
    session: Session, message: EmailMessage, recipients: str, subject: str, secrets: dict
) -> OutboxMessage:
    row = OutboxMessage(
        recipients=recipients,
        subject=_clean_header(subject)[:300],
        raw=message.as_string(),
        secret_links=len(secrets),
    )
    if secrets:
        row.secret = vault.seal(session, json.dumps(secrets), SEAL_PURPOSE)
    session.add(row)
    # The id now: callers record which message went to whom (pages show its delivery state).
    session.flush()
    return row


def queue_template(
    session: Session,
    *,
    to: str,
    language: str,
    template: str,
    secrets: Secrets | None = None,
    **context,
) -> OutboxMessage:
    """Render templates/mail/<template>.{subject.txt,txt,html} in the recipient's language and queue it."""
    with force_locale(language):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return queue(session, to=[to], subject=subject, text=text, html=html, secrets=secrets)


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "localhost"
