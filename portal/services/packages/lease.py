"""A builder's lease on a pending package, so that exactly one builder works on it at a time.

A builder claims the package with an UPDATE that only succeeds while the package is pending
and unclaimed (or its lease is stale), so exactly one builder wins. Every stage is committed
with the lease renewed, so a poll sees the progress and a builder that lost its lease stops
without writing. A lease goes stale after PACKAGE_LEASE_SECONDS without progress.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.models import DocumentPackage, utcnow
from portal.models.package import PENDING
from portal.services.packages.versions import STAGES

# An unclaimed package is given this long for its thread to start before a page view restarts it.
START_GRACE_SECONDS = 15


class LeaseLost(Exception):
    """Another builder took the package over (our lease went stale); stop without writing."""


def lease_seconds() -> int:
    """How long a lease lasts without progress before another builder may take it over."""
    return int(current_app.config["PACKAGE_LEASE_SECONDS"])


class Lease:
    """A builder's hold on a pending package: the claimed_at it last wrote."""

    def __init__(self, package_id: int, at: datetime):
        self.package_id, self.at = package_id, at
        # When this build began: the PDFs' creation date.
        self.started = at

    def _mine(self):
        return (
            DocumentPackage.id == self.package_id,
            DocumentPackage.status == PENDING,
            DocumentPackage.claimed_at == self.at,
        )

    def advance(self, session: Session, stage: str, progress: int | None = None) -> None:
        """Record the stage (and its progress, the stage's own unless given) for the page and
        renew the lease; LeaseLost if it was taken over."""
        now = utcnow()
        moved = session.execute(
            update(DocumentPackage)
            .where(*self._mine())
            .values(
                claimed_at=now,
                stage=stage,
                progress=STAGES[stage][0] if progress is None else progress,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if moved.rowcount != 1:
            raise LeaseLost(self.package_id)
        self.at = now

    def finish(self, session: Session, **values) -> None:
        """The final write of a build (ready or failed); LeaseLost if it is no longer ours."""
        done = session.execute(
            update(DocumentPackage)
            .where(*self._mine())
            .values(finished_at=utcnow(), progress=100, **values)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            session.rollback()
            raise LeaseLost(self.package_id)


def claim(session: Session, package_id: int) -> Lease | None:
    """Take the pending package if nobody holds a live lease on it; None if someone does."""
    now = utcnow()
    stale = now - timedelta(seconds=lease_seconds())
    claimed = session.execute(
        update(DocumentPackage)
        .where(
            DocumentPackage.id == package_id,
            DocumentPackage.status == PENDING,
            or_(DocumentPackage.claimed_at.is_(None), DocumentPackage.claimed_at < stale),
        )
        .values(claimed_at=now, stage="collect", progress=STAGES["collect"][0])
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return Lease(package_id, now) if claimed.rowcount == 1 else None


def waiting(session: Session) -> list[int]:
    """Ids of the pending packages nobody builds: never claimed, or their lease went stale."""
    now = utcnow()
    return list(
        session.scalars(
            select(DocumentPackage.id)
            .where(DocumentPackage.status == PENDING)
            .where(
                or_(
                    DocumentPackage.claimed_at.is_(None),
                    DocumentPackage.claimed_at < now - timedelta(seconds=lease_seconds()),
                )
            )
            .order_by(DocumentPackage.id)
        )
    )


def stalled(package: DocumentPackage, now: datetime, lease: int) -> bool:
    """A pending package whose builder never started or stopped renewing its lease (seconds)."""
    if package.status != PENDING:
        return False
    if package.claimed_at is None:
        return package.requested_at < now - timedelta(seconds=START_GRACE_SECONDS)
    return package.claimed_at < now - timedelta(seconds=lease)
