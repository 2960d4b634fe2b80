"""An order is one customer's onboarding: what the partner ordered and which steps are done."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.customer import Customer, CustomerLink, License
from portal.models.org import Organisation, User

LICENSE_MODELS = ("rent", "purchase")
DEPLOYMENTS = ("on_premises", "cp_cloud")


class Order(Base):
    __tablename__ = "customer_order"
    # Substring search on PostgreSQL (pg_trgm); SQLite searches an FTS5 table (models/search.py).
    __table_args__ = (
        Index(
            "ix_customer_order_search_text",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    customer_name: Mapped[str] = mapped_column(String(200))
    short_code: Mapped[str] = mapped_column(String(10), unique=True)
    license_model: Mapped[str] = mapped_column(String(20))
    deployment: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="de")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    project_lead_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The questionnaire version numbers the order was accepted with: {"technical": 3, ...}.
    questionnaire_versions: Mapped[dict[str, int] | None] = mapped_column(JSON)
    # When its first open step is due: an index for the dashboard's sort and filters, kept by
    # portal/services/due_index.py at every flush; the truth is portal.process.derive().
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The partner switched the customer reminders of this order off (portal/services/reminders).
    reminders_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What the search looks in (name, short code, the customer record's contacts), lowered:
    # kept by portal/services/search_index.py at every flush, indexed for substring search.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    partner: Mapped[Organisation] = relationship()
    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])
    project_lead: Mapped[User | None] = relationship(foreign_keys=[project_lead_id])
    customer: Mapped[Customer | None] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.position"
    )
    license: Mapped[License | None] = relationship(back_populates="order")
    links: Mapped[list[CustomerLink]] = relationship(
        back_populates="order", order_by=CustomerLink.id
    )
    responses: Mapped[list["Response"]] = relationship(  # noqa: F821
        back_populates="order", order_by="Response.questionnaire"
    )
    completions: Mapped[list["StepCompletion"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="StepCompletion.completed_at"
    )

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))


class OrderLine(Base):
    __tablename__ = "order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"), index=True)
    position: Mapped[int]
    service_item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"))
    # Name, unit and price are copied so that later catalogue changes leave the order as placed.
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def total(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(Decimal("0.01"))

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_de


class StepCompletion(Base):
    """The record that one process step of an order is done: by whom, when, with what."""

    __tablename__ = "step_completion"
    __table_args__ = (
        UniqueConstraint("order_id", "step"),
        # The dashboard's step filters ask "which orders have this step done": by step first.
        Index("ix_step_completion_step_order_id", "step", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    order: Mapped[Order] = relationship(back_populates="completions")
    completed_by: Mapped[User | None] = relationship()
