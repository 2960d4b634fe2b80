"""What the worker has sent on its own (reminders, digests), and whom the partner has muted."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.outbox import OutboxMessage

REMINDER = "reminder"
DIGEST = "digest"


class NotificationSent(Base):
    """The ledger that makes the worker's mails idempotent: one row per (kind, key, recipient).

    A job inserts the row in the same transaction as the outbox message; a second worker
    inserting the same row fails on the unique constraint and sends nothing.
    """

    __tablename__ = "notification_sent"
    __table_args__ = (UniqueConstraint("kind", "key", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # reminder, digest
    # What it is about, e.g. "order:12:reminder:t7" or "digest:2026-12-07".
    key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(254))  # email, lower case
    order_id: Mapped[int | None] = mapped_column(ForeignKey("customer_order.id"), index=True)
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the mail covered, e.g. {"questionnaires": ["technical"], "threshold": 7}.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    outbox_message: Mapped[OutboxMessage | None] = relationship()


class ReminderMute(Base):
    """A person the partner wants no more reminders sent to for one order."""

    __tablename__ = "reminder_mute"
    __table_args__ = (UniqueConstraint("order_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"))
    email: Mapped[str] = mapped_column(String(254))  # lower case
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
