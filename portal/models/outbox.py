"""Outgoing email, stored in the same transaction as the change that caused it."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.secret import Secret

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
KEPT = "kept"  # no SMTP configured: the message stays here and as an .eml file


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipients: Mapped[str] = mapped_column(Text)  # comma separated, for listing and sending
    subject: Mapped[str] = mapped_column(String(300))
    # The complete RFC 5322 message as built, secret links as placeholders (portal.mail).
    raw: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many placeholders stand for secret links; their values are sealed in `secret`
    # until the message is delivered or has finally failed, then deleted.
    secret_links: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    secret_id: Mapped[int | None] = mapped_column(ForeignKey("secret.id"))

    secret: Mapped[Secret | None] = relationship()

    @property
    def links_gone(self) -> bool:
        """Its secret links were deleted (after the final failure): it can no longer go out."""
        return (
            bool(self.secret_links) and self.secret_id is None and self.status in (PENDING, FAILED)
        )
