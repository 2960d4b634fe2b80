"""The customer record (the registry), partner grants, licenses and secret customer links."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow

QUESTIONNAIRES = ("technical", "business")


class Customer(Base):
    __tablename__ = "customer"
    # Substring search on PostgreSQL (pg_trgm); SQLite searches an FTS5 table (models/search.py).
    __table_args__ = (
        Index(
            "ix_customer_search_text",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_code: Mapped[str] = mapped_column(String(10), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The postal address offers are addressed to; empty until someone records it.
    street: Mapped[str] = mapped_column(String(200), default="", server_default="")
    postcode: Mapped[str] = mapped_column(String(20), default="", server_default="")
    city: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # ISO 3166-1 alpha-2; letters abroad print the country's name as their last line.
    country: Mapped[str] = mapped_column(String(2), default="DE", server_default="DE")
    # What the search looks in (name, short code, contacts), lowered: kept by
    # portal/services/search_index.py at every flush, indexed for substring search.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    grants: Mapped[list["CustomerGrant"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )


class CustomerGrant(Base):
    """A partner organisation's access to a customer record."""

    __tablename__ = "customer_grant"
    __table_args__ = (UniqueConstraint("customer_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    customer: Mapped[Customer] = relationship(back_populates="grants")


class License(Base):
    __tablename__ = "license"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The signed license file exactly as handed out.
    document: Mapped[str] = mapped_column(Text)

    order: Mapped["Order"] = relationship(back_populates="license")  # noqa: F821
    customer: Mapped[Customer] = relationship()


class CustomerLink(Base):
    """A secret link for a customer's questionnaire; only the SHA-256 of the token is kept."""

    __tablename__ = "customer_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"), index=True)
    questionnaire: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one person the link was mailed to: a customer contact (when the address is one) or a
    # name and address (staff, attendees). A later mail to the same address for the same
    # questionnaire supersedes it: revoked_at and superseded_at are then both set.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_contact.id", ondelete="SET NULL"), index=True
    )
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    recipient_email: Mapped[str | None] = mapped_column(String(254))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The mail that carried it: [{"name", "email", "message_id"}] (the outbox row); older links
    # may hold several recipients, from before one link went to one person.
    sent_to: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")

    order: Mapped["Order"] = relationship(back_populates="links")  # noqa: F821
