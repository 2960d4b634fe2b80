"""Organisations (the vendor and its partners) and their staff users."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow


class OrgKind(StrEnum):
    VENDOR = "vendor"
    PARTNER = "partner"


class Role(StrEnum):
    PARTNER_STAFF = "partner_staff"
    VENDOR_BACKOFFICE = "vendor_backoffice"
    PROJECT_LEAD = "project_lead"
    IT_ARCHITECT = "it_architect"
    TECHNICIAN = "technician"
    QUESTIONNAIRE_EDITOR = "questionnaire_editor"
    ADMIN = "admin"


# Which organisation kind each role belongs to.
ROLE_ORG_KIND = {
    Role.PARTNER_STAFF: OrgKind.PARTNER,
    Role.VENDOR_BACKOFFICE: OrgKind.VENDOR,
    Role.PROJECT_LEAD: OrgKind.VENDOR,
    Role.IT_ARCHITECT: OrgKind.VENDOR,
    Role.TECHNICIAN: OrgKind.VENDOR,
    Role.QUESTIONNAIRE_EDITOR: OrgKind.VENDOR,
    Role.ADMIN: OrgKind.VENDOR,
}


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organisation")


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(5), default="de")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised on logout and deactivation: cookies carrying an older value stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # The user switched the daily digest of overdue steps off (their notification settings).
    digest_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER_STAFF
