"""Send a worker's mail exactly once: the ledger row and the outbox message in one transaction.

Two workers running the same job, or a worker restarted after a commit, try the same
(kind, key, recipient) again; the unique constraint lets one insert win and the others roll
back that one item and go on.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import NotificationSent, OutboxMessage


def already_sent(session: Session, kind: str, key: str, recipient: str) -> bool:
    """Whether the ledger holds this notification (a cheap check before any work)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    NotificationSent.kind == kind,
                    NotificationSent.key == key,
                    NotificationSent.recipient == recipient.lower(),
                )
            )
        )
    )


def send_once(
    session: Session,
    *,
    kind: str,
    key: str,
    recipient: str,
    now: datetime,
    queue: Callable[[], OutboxMessage],
    order_id: int | None = None,
    details: dict | None = None,
) -> OutboxMessage | None:
    """Claim the ledger row, queue the message with `queue()` and commit both together.

    Returns None, with the item rolled back, when another worker (or an earlier run) has
    the row already. `queue` runs only after the claim, in the same transaction.
    """
    row = NotificationSent(
        kind=kind,
        key=key,
        recipient=recipient.lower(),
        order_id=order_id,
        created_at=now,
        details=details or {},
    )
    session.add(row)
    try:
        # On PostgreSQL a concurrent insert of the same row waits here for the other
        # transaction and then fails; on SQLite the write lock makes it wait the same way.
        session.flush()
    except IntegrityError:
        session.rollback()
        return None
    try:
        message = queue()
        row.outbox_message_id = message.id
        session.commit()
    except Exception:
        session.rollback()  # nothing half-written: neither the claim nor the message stays
        raise
    return message
