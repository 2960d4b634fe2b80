"""Building blocks of the reminder tests: a call written directly at a fixed time, the clock."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.models import NotificationSent, OutboxMessage, SetupCall
from portal.services.reminders import customers, digest
from portal.workdays import BERLIN
from tests.helpers import accept, mark_done, place

# Friday 20 Nov 2026, 10:00 Berlin. Saxon working days before it: Tue 10 Nov is the 7th, Tue
# 17 Nov the 2nd (Wednesday 18 Nov, Buss- und Bettag, is a holiday in Saxony).
CALL = datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)
CARLA, CHRIS = "carla@acme.example", "chris@acme.example"


def at(day: int, hour: int = 8, month: int = 11) -> datetime:
    """A Berlin wall-clock time in 2026."""
    return datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


def book_directly(session, world, order, starts: datetime) -> SetupCall:
    """The booked call and its step, written directly: booking refuses times in the past."""
    call = SetupCall(
        order_id=order.id,
        uid=f"{uuid.uuid4()}@test",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        booked_by_id=world.partner.id,
    )
    session.add(call)
    mark_done(session, order, "schedule_call", world.partner, starts_at=starts)
    return call


def remind(session, now: datetime) -> int:
    return customers.send_reminders(session, now)


def digests(session, now: datetime) -> int:
    return digest.send_digests(session, now)


def ledger(session, kind: str = "reminder") -> list[tuple[str, str]]:
    """(recipient, key) of every ledger row of a kind, in the order they were written."""
    rows = session.scalars(
        select(NotificationSent).where(NotificationSent.kind == kind).order_by(NotificationSent.id)
    )
    return [(r.recipient, r.key) for r in rows]


def outbox_to(session, email: str) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipients == email)
            .order_by(OutboxMessage.id)
        )
    )


# A Monday on which late_cloud_order's CP Cloud database is overdue.
MONDAY = datetime(2026, 12, 7, 7, 0, tzinfo=BERLIN)


def late_cloud_order(session, world, code="ACME", partner=None):
    """An accepted CP Cloud order with its call on MONDAY at 10:00 and its questionnaires in:
    only the database is late, due 1 working day before the call (by the end of Fri 4 Dec)."""
    order = place(session, world, code=code, deployment="cp_cloud", partner=partner)
    accept(session, world, order)
    book_directly(session, world, order, datetime(2026, 12, 7, 10, 0, tzinfo=BERLIN))
    mark_done(session, order, "answer_questionnaires", world.partner)
    return order
