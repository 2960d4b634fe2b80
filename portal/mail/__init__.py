"""Email through a transactional outbox: queue in the caller's transaction, deliver after commit.

queue() and queue_template() only add an OutboxMessage to the session; the caller commits.
Delivery (SMTP or the embedded .eml store) lives in portal.mail.delivery.
"""

from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from portal.models import OutboxMessage


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
    return _store(session, message, ", ".join(_clean_header(address) for address in to), subject)


def queue_prebuilt(session: Session, message: EmailMessage) -> OutboxMessage:
    """Add an already built message (e.g. an invitation) to the outbox; recipients from its To."""
    to = [address for _name, address in getaddresses(message.get_all("To", [])) if address]
    if not to:
        raise ValueError("The message has no recipient in its To header.")
    return _store(session, message, ", ".join(to), str(message.get("Subject", "")))


def _store(session: Session, message: EmailMessage, recipients: str, subject: str) -> OutboxMessage:
    row = OutboxMessage(
        recipients=recipients, subject=_clean_header(subject)[:300], raw=message.as_string()
    )
    session.add(row)
    # Registered so that the after-commit hook in delivery sends it right after the commit.
    session.info.setdefault("outbox_new", []).append(row)
    return row


def queue_template(
    session: Session, *, to: str, language: str, template: str, **context
) -> OutboxMessage:
    """Render templates/mail/<template>.{subject.txt,txt,html} in the recipient's language and queue it."""
    with force_locale(language):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return queue(session, to=[to], subject=subject, text=text, html=html)


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "localhost"


# Imported for its effect: whoever queues mail also gets the send right after commit.
from portal.mail import delivery  # noqa: E402, F401
