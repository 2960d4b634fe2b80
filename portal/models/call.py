"""The setup call: customer contacts, staff calendars, the call with its participants and history."""

from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow

BOOKED = "booked"
CANCELLED = "cancelled"

# CallParticipant.partstat: the answers an attendee can give (RFC 5545 PARTSTAT, lower case).
ACCEPTED = "accepted"
TENTATIVE = "tentative"
DECLINED = "declined"
ANSWERS = (ACCEPTED, TENTATIVE, DECLINED)

# CalendarWrite.action and .state
PUT = "put"
DELETE = "delete"
PENDING = "pending"
WRITTEN = "written"
FAILING = "failing"


class CustomerContact(Base):
    """A person at the customer, kept on the customer record."""

    __tablename__ = "customer_contact"
    __table_args__ = (UniqueConstraint("customer_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(60))
    role: Mapped[str | None] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(5), default="de")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffCalendar(Base):
    """A staff member's working hours and, optionally, the calendar that says when they are busy."""

    __tablename__ = "staff_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    weekdays: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")  # Monday = 0
    day_start: Mapped[time] = mapped_column(Time, default=time(9, 0))
    day_end: Mapped[time] = mapped_column(Time, default=time(17, 0))
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/Berlin")
    source: Mapped[str] = mapped_column(String(10), default="none")  # none, caldav, ics
    url: Mapped[str | None] = mapped_column(String(500))
    username: Mapped[str | None] = mapped_column(String(200))
    password_id: Mapped[int | None] = mapped_column(ForeignKey("secret.id"))

    password: Mapped["Secret | None"] = relationship()  # noqa: F821


class SetupCall(Base):
    """One customer's setup call; rescheduling keeps the UID and raises the SEQUENCE."""

    __tablename__ = "setup_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"), unique=True)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default=BOOKED)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participants: Mapped[list["CallParticipant"]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallParticipant.id"
    )
    history: Mapped[list["CallEvent"]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallEvent.id"
    )


class CallParticipant(Base):
    """A staff user or a customer contact invited to the call."""

    __tablename__ = "call_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("setup_call.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("customer_contact.id"))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    # The latest answer to the invitation: accepted, tentative, declined; None = none yet.
    partstat: Mapped[str | None] = mapped_column(String(10))
    partstat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    partstat_sequence: Mapped[int | None] = mapped_column(Integer)  # the SEQUENCE it answered
    partstat_via: Mapped[str | None] = mapped_column(String(5))  # imap, link
    # SHA-256 of the personal answer link's token, minted with each invitation (REQUEST).
    answer_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    call: Mapped[SetupCall] = relationship(back_populates="participants")
    user: Mapped["User | None"] = relationship()  # noqa: F821
    contact: Mapped[CustomerContact | None] = relationship()


class CallEvent(Base):
    """Every state of the call that was sent out: booked, rescheduled, cancelled."""

    __tablename__ = "call_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("setup_call.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    sequence: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(254))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    call: Mapped[SetupCall] = relationship(back_populates="history")


class CalendarWrite(Base):
    """What one staff member's CalDAV calendar must show of a call, and how writing it went.

    Requests set `action` and make the row pending (raising `revision`); the worker writes it,
    and its outcome counts only if no request changed the row meanwhile.
    """

    __tablename__ = "calendar_write"
    __table_args__ = (
        UniqueConstraint("call_id", "user_id"),
        Index("ix_calendar_write_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("setup_call.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(10))  # put (the call's current state), delete
    state: Mapped[str] = mapped_column(String(10), default=PENDING)  # pending, written, failing
    revision: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker writing the row holds it until then; another worker takes it over afterwards.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(40))  # a sources kind, e.g. "auth"
    last_status: Mapped[int | None] = mapped_column(Integer)  # HTTP status of a server error
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[SetupCall] = relationship()
    user: Mapped["User"] = relationship()  # noqa: F821


class SlotOffer(Base):
    """Free times offered to the customer to pick one; the participants are fixed with the offer."""

    __tablename__ = "slot_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    starts: Mapped[list[str]] = mapped_column(JSON)  # ISO datetimes in UTC
    # [{"user_id": .., "contact_id": .., "required": ..}], as for CallParticipant
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    location: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, picked, withdrawn
    picked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    picked_by: Mapped[str | None] = mapped_column(String(200))
