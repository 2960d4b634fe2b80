"""The setup call's outcome: confirmed customer contacts, who attended, and the protocol."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.org import User

DRAFT = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"
RETURNED = "returned"
PROTOCOL_STATUSES = (DRAFT, SUBMITTED, APPROVED, RETURNED)


class ContactConfirmation(Base):
    """The project lead's confirmation of an order's customer contacts, with what was confirmed."""

    __tablename__ = "contact_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"), unique=True)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # [{"id", "name", "role", "email", "phone", "attended"}] as confirmed.
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    confirmed_by: Mapped[User] = relationship()


class CallAttendance(Base):
    """Whether a customer contact attended an order's setup call, as the project lead confirmed."""

    __tablename__ = "call_attendance"
    __table_args__ = (UniqueConstraint("order_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (order_id, contact_id) index also serves lookups by order.
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("customer_contact.id"), index=True)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)


class Protocol(Base):
    """The protocol of an order's setup call: drafted, submitted, then approved or returned.

    `version` is SQLAlchemy's version counter: every UPDATE names the version it read, so of
    an approval and an edit that race, one fails with StaleDataError and changes nothing.
    """

    __tablename__ = "protocol"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    held_on: Mapped[date | None] = mapped_column(Date)
    # [{"key": "user-5" | "contact-3", "name", "organisation", "role"}], picked from the call.
    attendees: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    topics: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    # [{"text", "owner", "due": "YYYY-MM-DD"}]
    open_points: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"service_item_id", "code", "name", "name_en", "unit", "quantity": "2.5"}]
    services: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    return_comment: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def editable(self) -> bool:
        """Whether the content may still change (a draft, or returned for changes)."""
        return self.status in (DRAFT, RETURNED)


def _stored_status(connection, target: Protocol) -> str | None:
    """The status the row had when the session read it; from the database if not loaded."""
    history = inspect(target).attrs.status.history
    if history.deleted or history.unchanged:
        return (history.deleted or history.unchanged)[0]
    return connection.scalar(select(Protocol.status).where(Protocol.id == target.id))


@event.listens_for(Protocol, "before_update")
@event.listens_for(Protocol, "before_delete")
def _approved_is_immutable(mapper, connection, target: Protocol) -> None:
    """Last line of defence below the services: an approved protocol is never changed."""
    if _stored_status(connection, target) == APPROVED:
        raise ValueError(f"protocol {target.id} is approved and immutable")
