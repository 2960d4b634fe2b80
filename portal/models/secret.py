"""Encrypted secrets (customer database passwords, CalDAV passwords); see portal/vault.py."""

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow


class Secret(Base):
    """One value sealed with AES-GCM; owners point at it and keep old rows for old values."""

    __tablename__ = "secret"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random UUID, bound into the ciphertext with `purpose`: copied into another row it fails.
    ref: Mapped[str] = mapped_column(String(36), unique=True)
    purpose: Mapped[str] = mapped_column(String(50))
    key_id: Mapped[str] = mapped_column(String(16), index=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Secret id={self.id} purpose={self.purpose!r} key_id={self.key_id}>"
