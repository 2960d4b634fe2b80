"""The offer of additional services agreed in the setup call, and the customer's decision."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.org import User

DRAFT = "draft"
SENT = "sent"
ACCEPTED = "accepted"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
OFFER_STATUSES = (DRAFT, SENT, ACCEPTED, DECLINED, WITHDRAWN)
CENT = Decimal("0.01")


class ServiceOffer(Base):
    """An offer to the customer: editable as a draft, frozen with its PDF once sent.

    `version` is SQLAlchemy's version counter, so an edit and a send (or two decisions) that
    race cannot both succeed.
    """

    __tablename__ = "service_offer"
    # The unique (order_id, number) index also serves lookups by order.
    __table_args__ = (UniqueConstraint("order_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    language: Mapped[str] = mapped_column(String(5))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    valid_until: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # [{"contact_id", "name", "email", "language"}] as sent.
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str | None] = mapped_column(String(64))
    # The customer's secret link to decide: only the SHA-256 of the token is kept.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decision_comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    lines: Mapped[list["OfferLine"]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferLine.position"
    )
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class OfferLine(Base):
    """One service of an offer: copied from the catalogue, then quantity, price and discount."""

    __tablename__ = "offer_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("service_offer.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    service_item_id: Mapped[int | None] = mapped_column(ForeignKey("service_item.id"))
    code: Mapped[str] = mapped_column(String(40))
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    discount_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))

    offer: Mapped[ServiceOffer] = relationship(back_populates="lines")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_de
