"""Use cases on the outbox: an admin puts a message back in the queue; who got which mail.

Delivery itself is the worker's (portal.mail.delivery); this is what pages and commands ask of it.
"""

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import OutboxMessage, Role, User, utcnow
from portal.models.outbox import FAILED, PENDING
from portal.services.errors import Conflict, Forbidden, NotFound

RETRYABLE = (PENDING, FAILED)


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
    if message.links_gone:
        raise Conflict(
            _(
                "Die geheimen Links dieser Nachricht wurden nach dem endgültigen Fehlschlag "
                "gelöscht; bitte beim Auftrag neue Links oder ein neues Angebot verschicken."
            )
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
    session.commit()
    return message


def listing(status: str | None = None) -> Select:
    """The outbox newest first, optionally of one status; for db.paginate()."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return query if status is None else query.where(OutboxMessage.status == status)


# The delivery state of one message as pages that list recipients show it.
QUEUED, RETRYING = "queued", "retrying"


def states(session: Session, ids: list[int]) -> dict[int, str]:
    """Message id -> queued, retrying, sent, kept or failed; unknown ids are left out."""
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts).where(
            OutboxMessage.id.in_(wanted)
        )
    )
    return {
        id_: (QUEUED if attempts == 0 else RETRYING) if status == PENDING else status
        for id_, status, attempts in rows
    }
