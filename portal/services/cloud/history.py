"""What happened in step 4: the provisioning versions of an order, and who looked at its passwords.

Queries only; nothing here changes state or checks permission (the callers have done so).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, String, cast, select
from sqlalchemy.orm import Session, joinedload

from portal.models import AuditEvent, CloudProvisioning, Order, User


def _newest_first(order: Order) -> Select[tuple[CloudProvisioning]]:
    return (
        select(CloudProvisioning)
        .where(CloudProvisioning.order_id == order.id)
        .order_by(CloudProvisioning.version.desc())
    )


def versions_of(session: Session, order: Order) -> list[CloudProvisioning]:
    """Every provisioning version of an order, newest first."""
    query = _newest_first(order).options(joinedload(CloudProvisioning.created_by))
    return list(session.scalars(query))


def current_of(session: Session, order: Order) -> CloudProvisioning | None:
    """The current (highest) provisioning version of an order, or None."""
    query = _newest_first(order).options(joinedload(CloudProvisioning.created_by))
    return session.scalar(query.limit(1))


def version_of(session: Session, order: Order, version: int | None) -> CloudProvisioning | None:
    """The given provisioning version of an order (the current one for None), or None."""
    query = _newest_first(order)
    if version is not None:
        query = query.where(CloudProvisioning.version == version)
    return session.scalar(query.limit(1))


@dataclass(frozen=True)
class Access:
    """One recorded look at the credentials: a reveal of one password or the script download."""

    at: datetime
    who: str
    which: str  # "saxess", "cpce" or "script"
    version: int | None


def accesses(session: Session, order: Order, limit: int = 50) -> list[Access]:
    """Who revealed which password of the order (or downloaded the script) and when, newest first."""
    rows = session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.action.in_(("cloud.reveal", "cloud.script")),
            AuditEvent.object_type == "cloud_provisioning",
            AuditEvent.object_id.in_(
                select(cast(CloudProvisioning.id, String)).where(
                    CloudProvisioning.order_id == order.id
                )
            ),
        )
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        Access(
            event.occurred_at,
            name or event.actor_label,
            "script" if event.action == "cloud.script" else str(event.payload.get("which")),
            event.payload.get("version"),
        )
        for event, name in rows
    ]
