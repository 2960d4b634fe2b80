"""The data flow diagram of an order: versioned systems and flows, drawn in the setup call."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.org import User


class DataFlowDiagram(Base):
    """One version of an order's data flow diagram; the highest version is current.

    Every save adds a version and older versions stay, so the package can name the version
    it shows and nobody's drawing is lost.
    """

    __tablename__ = "data_flow_diagram"
    __table_args__ = (UniqueConstraint("order_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (order_id, version) index also serves lookups by order.
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"))
    version: Mapped[int] = mapped_column(Integer)
    # [{"id": "s1", "name": "SAP S/4HANA", "kind": "source"}, ...]
    systems: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # [{"from": "s1", "to": "s2", "content": ..., "method": ..., "frequency": ...}, ...]
    flows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<DataFlowDiagram order={self.order_id} version={self.version}>"
