"""A customer's answers to one questionnaire of an order, every saved version, and uploads."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow

DRAFT = "draft"
SUBMITTED = "submitted"


class Response(Base):
    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("order_id", "questionnaire"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"))
    questionnaire: Mapped[str] = mapped_column(String(20))
    # The questionnaire file version the answers belong to (questionnaires/<kind>/v<N>.json).
    schema_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The ids of the rows of repeating groups, beside the rows (forms_schema.changes.RowIds).
    row_ids: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    # Raised by every save; a save names the version it started from (optimistic concurrency).
    version: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(200))

    order: Mapped["Order"] = relationship(back_populates="responses")  # noqa: F821
    uploads: Mapped[list["Upload"]] = relationship(back_populates="response")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ResponseRevision(Base):
    """The answers as saved at one version: the base a later concurrent save is merged against."""

    __tablename__ = "response_revision"
    __table_args__ = (UniqueConstraint("response_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    row_ids: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by: Mapped[str] = mapped_column(String(200))


class Upload(Base):
    __tablename__ = "upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    pointer: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(200))

    response: Mapped[Response] = relationship(back_populates="uploads")
