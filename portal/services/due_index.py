"""Keeps `Order.next_due_at`, the dashboard's index of when an order's first open step is due.

The truth is portal.process.derive(); this copy exists so that sorting by urgency and the
"overdue" and "due this week" filters stay indexed queries at 10,000 orders. It is rewritten
after every flush that touches an order or its step completions, so no use case has to remember
it; `refresh_all()` (run by `flask work` at start and by `flask deadlines refresh`) rewrites it
after the DUE_* settings or the holiday state change. A due moment does not depend on the current
time, only "overdue" does, and that is derived when read.
"""

from datetime import datetime
from types import SimpleNamespace

from flask import has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from portal.models import Order, StepCompletion
from portal.models.base import utcnow
from portal.process import DEFAULT_DEADLINES, derive, next_due

_PENDING = "due_index_orders"


def compute(connection, order_ids: set[int]) -> dict[int, datetime | None]:
    """Order id -> when its first open step is due, read through one connection."""
    if not order_ids:
        return {}
    deadlines = _deadlines()
    orders = {
        row.id: SimpleNamespace(deployment=row.deployment, completions=[])
        for row in connection.execute(
            select(Order.id, Order.deployment).where(Order.id.in_(order_ids))
        )
    }
    rows = connection.execute(
        select(
            StepCompletion.order_id,
            StepCompletion.step,
            StepCompletion.completed_at,
            StepCompletion.details,
        ).where(StepCompletion.order_id.in_(list(orders)))
    )
    for row in rows:
        orders[row.order_id].completions.append(row)
    now = utcnow()
    result = {}
    for order_id, order in orders.items():
        first = next_due(derive(order, order.completions, now, deadlines))
        result[order_id] = first.due if first else None
    return result


def differences(connection, order_ids: set[int]) -> dict[int, datetime | None]:
    """The orders among these whose stored index differs from derive(), with the right value."""
    rows = connection.execute(select(Order.id, Order.next_due_at).where(Order.id.in_(order_ids)))
    stored = {order_id: due for order_id, due in rows}
    return {
        order_id: due
        for order_id, due in compute(connection, order_ids).items()
        if stored.get(order_id) != due
    }


def write(connection, order_ids: set[int]) -> int:
    """Rewrite the index of these orders where it differs; returns how many changed."""
    changed = differences(connection, order_ids)
    # In id order, so that two transactions lock the rows they share in the same order.
    for order_id, due in sorted(changed.items()):
        connection.execute(update(Order).where(Order.id == order_id).values(next_due_at=due))
    return len(changed)


def refresh_all(session: Session) -> int:
    """Rewrite the index of every order (after a change of the DUE_* or holiday settings)."""
    ids = set(session.scalars(select(Order.id)))
    changed = 0
    batch = sorted(ids)
    for start in range(0, len(batch), 500):
        changed += write(session.connection(), set(batch[start : start + 500]))
        session.commit()  # short transactions: requests and other workers go on meanwhile
    return changed


def _deadlines():
    if has_app_context():
        from portal.services.clock import deadlines

        return deadlines()
    return DEFAULT_DEADLINES


def _touched(session: Session) -> set[int]:
    ids = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, StepCompletion):
            ids.add(obj.order_id if obj.order_id is not None else getattr(obj.order, "id", None))
        elif isinstance(obj, Order) and obj not in session.deleted:
            ids.add(obj.id)
    ids.discard(None)
    return ids


def install() -> None:
    """Listen to every session's flushes (once per process; create_app calls it)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)


def _after_flush(session: Session, _context) -> None:
    ids = _touched(session)
    if ids:
        write(session.connection(), ids)
        session.info.setdefault(_PENDING, set()).update(ids)


def _after_flush_postexec(session: Session, _context) -> None:
    # The rows were written behind the ORM's back: loaded orders read the new value again.
    for order_id in session.info.pop(_PENDING, ()):
        order = session.identity_map.get(identity_key(Order, order_id))
        if order is not None:
            session.expire(order, ["next_due_at"])
