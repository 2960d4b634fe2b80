"""CP Cloud provisioning: the customer's CPCE database, its two users and their sealed passwords."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.org import User
from portal.models.secret import Secret


class CloudProvisioning(Base):
    """One version of an order's CP Cloud setup; the highest version is current, older ones stay.

    The passwords live in the vault (Secret rows); a version that keeps a password points at
    the same Secret as the version before it.
    """

    __tablename__ = "cloud_provisioning"
    __table_args__ = (UniqueConstraint("order_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (order_id, version) index also serves lookups by order.
    order_id: Mapped[int] = mapped_column(ForeignKey("customer_order.id"))
    version: Mapped[int] = mapped_column(Integer)
    server_name: Mapped[str] = mapped_column(String(300))
    # Derived from the short code; stored as well, so the record says what was set up.
    database_name: Mapped[str] = mapped_column(String(128))
    saxess_login: Mapped[str] = mapped_column(String(128))
    cpce_login: Mapped[str] = mapped_column(String(128))
    saxess_password_id: Mapped[int] = mapped_column(ForeignKey("secret.id"))
    cpce_password_id: Mapped[int] = mapped_column(ForeignKey("secret.id"))
    # The customer contacts (CustomerContact ids) confirmed with this version.
    contact_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    saxess_password: Mapped[Secret] = relationship(foreign_keys=[saxess_password_id])
    cpce_password: Mapped[Secret] = relationship(foreign_keys=[cpce_password_id])
    created_by: Mapped[User] = relationship()

    def login(self, which: str) -> str:
        """The login name of the user `which` ("saxess" or "cpce")."""
        return {"saxess": self.saxess_login, "cpce": self.cpce_login}[which]

    def password(self, which: str) -> Secret:
        """The sealed password of the user `which` ("saxess" or "cpce")."""
        return {"saxess": self.saxess_password, "cpce": self.cpce_password}[which]

    def __repr__(self) -> str:
        return f"<CloudProvisioning order={self.order_id} version={self.version}>"
