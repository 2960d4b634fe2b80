"""Building blocks of the step 4 tests: provision as the partner, book a call, count, read events."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from portal.models import AuditEvent, CallParticipant, SetupCall
from portal.models.call import BOOKED
from portal.services import cloud

SERVER = r"sql01.cp.example\CPCE"


def provision(session, world, order, contacts, user=None, **fields):
    """Provision as the partner: generated passwords unless told otherwise."""
    fields = {"server_name": SERVER, "passwords": {}} | fields
    return cloud.provision(
        session,
        user or world.partner,
        order.id,
        contact_ids=[c.id for c in contacts],
        **fields,
    )


def book_directly(session, world, order, *users, days=10, status=BOOKED) -> SetupCall:
    """A setup call with these staff users, written straight to the database."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    call = SetupCall(
        order_id=order.id,
        uid=f"{uuid.uuid4()}@test",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        booked_by_id=world.partner.id,
        status=status,
    )
    call.participants = [CallParticipant(user_id=u.id) for u in users]
    session.add(call)
    session.commit()
    return call


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def revealed(session, world, order, which, version=None, user=None) -> str:
    return cloud.reveal(session, user or world.partner, order.id, which, version).value
