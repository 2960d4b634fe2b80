"""Staff notifications of single events: a questionnaire submitted, a protocol to approve.

Each is queued in the outbox in the same transaction as the event that causes it (the caller
commits), one mail per recipient in the recipient's language, with a link to the page where
the next step happens; the worker delivers it. A refused or rolled-back event mails nobody.
"""

from flask import current_app
from sqlalchemy.orm import Session

from portal import mail
from portal.models import Order, OutboxMessage, Protocol, Response, User
from portal.services import recipients

UNKNOWN_AUTHORS = ("", "?")  # what the customer pages store when nobody gave a name


def _url(path: str) -> str:
    return f"{current_app.config['BASE_URL']}{path}"


def questionnaire_submitted(
    session: Session, order: Order, response: Response, *, complete: bool
) -> list[OutboxMessage]:
    """Tell the partner staff of the order that a customer submitted a questionnaire.

    `complete`: with this one both questionnaires are submitted.
    """
    author = (response.submitted_by or "").strip()
    return [
        mail.queue_template(
            session,
            to=person.email,
            language=person.language or "de",
            template="questionnaire_submitted",
            order=order,
            person=person,
            kind=response.questionnaire,
            author="" if author in UNKNOWN_AUTHORS else author,
            submitted_at=response.submitted_at,
            complete=complete,
            url=_url(f"/orders/{order.id}#answers-heading"),
        )
        for person in recipients.partner_staff(session, order)
    ]


def protocol_submitted(
    session: Session, order: Order, protocol: Protocol, submitter: User
) -> OutboxMessage | None:
    """Tell the order's project lead that the protocol waits for their approval."""
    lead = order.project_lead
    if lead is None or not lead.active or lead.id == submitter.id:
        return None  # nobody else to tell: the lead submitted it and can approve at once
    return mail.queue_template(
        session,
        to=lead.email,
        language=lead.language or "de",
        template="protocol_submitted",
        order=order,
        person=lead,
        submitter=submitter,
        submitted_at=protocol.submitted_at,
        url=_url(f"/orders/{order.id}/protocol"),
    )
