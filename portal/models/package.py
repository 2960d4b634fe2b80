"""The documentation package: versions of the PDF of diagram, questionnaires and protocol, and sends.

A version holds one PDF per language its recipients read (PackageFile); the version row keeps
the order's language and, as before, that language's PDF, so older versions stay readable.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.org import User

PENDING = "pending"
READY = "ready"
FAILED = "failed"


class DocumentPackage(Base):
    """One generated version of an order's package; a new generation adds a version."""

    __tablename__ = "document_package"
    # The unique (order_id, version) index also serves lookups by order.
    __table_args__ = (UniqueConstraint("order_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"))
    version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    # Progress of the generation for the page: a stage key and a share in percent.
    stage: Mapped[str] = mapped_column(String(40), default="")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker's lease on a pending package; a stale lease may be taken over.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    requested_by: Mapped[User] = relationship()
    files: Mapped[list["PackageFile"]] = relationship(
        back_populates="package", order_by="PackageFile.id"
    )
    sends: Mapped[list["PackageSend"]] = relationship(
        back_populates="package", order_by="PackageSend.id"
    )


class PackageFile(Base):
    """A version's PDF in one language, typeset once for every recipient reading it."""

    __tablename__ = "document_package_file"
    __table_args__ = (UniqueConstraint("package_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("document_package.id"))
    language: Mapped[str] = mapped_column(String(5))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    # Answers with characters no embedded font has, printed as a placeholder:
    # [{"questionnaire", "label", "characters"}] in this file's language.
    unprintable: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    package: Mapped[DocumentPackage] = relationship(back_populates="files")


class PackageSend(Base):
    """One sending of a package version to the call's participants."""

    __tablename__ = "package_send"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("document_package.id"), index=True)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # [{"name", "email", "kind": "user" | "contact", "language"}] as sent.
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")

    package: Mapped[DocumentPackage] = relationship(back_populates="sends")
    sent_by: Mapped[User] = relationship()
