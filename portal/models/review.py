"""The review of a questionnaire in the setup call: one row per answer, and the frozen snapshot."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.org import User

ACCEPTED = "accepted"
CHANGED = "changed"
OPEN = "open"
STATUSES = (ACCEPTED, CHANGED, OPEN)


class AnswerReview(Base):
    """Partner staff's verdict on one answer: the final value, a status and a comment."""

    __tablename__ = "answer_review"
    # The unique index also serves every lookup by order (and questionnaire).
    __table_args__ = (UniqueConstraint("order_id", "questionnaire", "pointer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"))
    questionnaire: Mapped[str] = mapped_column(String(20))
    # A concrete pointer, row numbers included: "/it_contacts/1/email".
    pointer: Mapped[str] = mapped_column(String(300))
    # The answer as documented after the call; null means "no answer".
    final: Mapped[Any] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised by every save; a save names the version it started from (optimistic concurrency).
    version: Mapped[int] = mapped_column(Integer, default=0)

    updated_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class QuestionnaireSnapshot(Base):
    """A finalised questionnaire: answers before and after review, frozen and hashed."""

    __tablename__ = "questionnaire_snapshot"
    __table_args__ = (UniqueConstraint("order_id", "questionnaire", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"))
    questionnaire: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    schema_version: Mapped[int] = mapped_column(Integer)
    # The customer's submitted answers, and the answers as documented after the review.
    original: Mapped[dict[str, Any]] = mapped_column(JSON)
    final: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pointer -> {"status", "comment", "original", "final"} for every reviewed answer.
    reviews: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 of the canonical JSON of everything above plus who and when.
    content_hash: Mapped[str] = mapped_column(String(64))
    finalised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    finalised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    finalised_by: Mapped[User] = relationship()


@event.listens_for(QuestionnaireSnapshot, "before_update")
@event.listens_for(QuestionnaireSnapshot, "before_delete")
def _frozen(_mapper, _connection, snapshot: QuestionnaireSnapshot) -> None:
    # A snapshot is written once; no code path may change or remove it afterwards.
    raise ValueError(f"questionnaire snapshot {snapshot.id} is frozen")
