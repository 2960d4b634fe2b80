"""Keeps `search_text` of orders and customer records current: the lowered name, short code and
the customer record's contact names and emails that portal/services/search.py looks in.

Like due_index, it is rewritten after every flush that touches an order, a customer record or a
contact, through the flush's own connection, so the copy commits or rolls back with the write
and no use case has to remember it. `refresh_all()` rewrites every row (the migration fills the
column itself; benches that insert rows behind the ORM call this).
"""

from sqlalchemy import event, inspect, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from portal.models import Customer, CustomerContact, Order
from portal.services.search import document

_PENDING = "search_index_rows"
_WATCHED = {
    Order: ("customer_name", "short_code", "customer_id"),
    Customer: ("name", "short_code"),
    CustomerContact: ("name", "email", "customer_id"),
}


def _contacts(connection, customer_ids: set[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if customer_ids:
        rows = connection.execute(
            select(CustomerContact.customer_id, CustomerContact.name, CustomerContact.email)
            .where(CustomerContact.customer_id.in_(customer_ids))
            .order_by(CustomerContact.id)
        )
        for customer_id, name, email in rows:
            found.setdefault(customer_id, []).extend((name, email))
    return found


def write(connection, order_ids: set[int], customer_ids: set[int]) -> tuple[set, set]:
    """Rewrite the search text of these orders and customer records, and of the orders of
    these records, where it differs; returns the ids of the orders and records changed."""
    customers = connection.execute(
        select(Customer.id, Customer.name, Customer.short_code, Customer.search_text).where(
            Customer.id.in_(customer_ids)
        )
    ).all()
    orders = connection.execute(
        select(Order.id, Order.customer_name, Order.short_code, Order.customer_id)
        .add_columns(Order.search_text)
        .where(or_(Order.id.in_(order_ids), Order.customer_id.in_(customer_ids)))
    ).all()
    contacts = _contacts(connection, customer_ids | {o.customer_id for o in orders} - {None})
    changed_customers, changed_orders = set(), set()
    # In id order, so that two transactions lock the rows they share in the same order.
    for row in sorted(customers):
        text = document(row.name, row.short_code, *contacts.get(row.id, ()))
        if text != row.search_text:
            connection.execute(
                update(Customer).where(Customer.id == row.id).values(search_text=text)
            )
            changed_customers.add(row.id)
    for row in sorted(orders):
        text = document(row.customer_name, row.short_code, *contacts.get(row.customer_id, ()))
        if text != row.search_text:
            connection.execute(update(Order).where(Order.id == row.id).values(search_text=text))
            changed_orders.add(row.id)
    return changed_orders, changed_customers


def refresh_all(session: Session) -> int:
    """Rewrite the search text of every order and customer record; returns how many changed."""
    order_ids = sorted(session.scalars(select(Order.id)))
    customer_ids = sorted(session.scalars(select(Customer.id)))
    changed = 0
    for start in range(0, max(len(order_ids), len(customer_ids)), 500):
        orders, customers = write(
            session.connection(),
            set(order_ids[start : start + 500]),
            set(customer_ids[start : start + 500]),
        )
        changed += len(orders) + len(customers)
        session.commit()  # short transactions: requests and other workers go on meanwhile
    return changed


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _touched(session: Session) -> tuple[set[int], set[int]]:
    orders, customers = set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = type(obj)
        if kind not in _WATCHED:
            continue
        if obj in session.dirty and not _changed(obj, _WATCHED[kind]):
            continue
        if kind is Order and obj not in session.deleted:
            orders.add(obj.id)
        elif kind is Customer and obj not in session.deleted:
            customers.add(obj.id)
        elif kind is CustomerContact:
            customers.add(obj.customer_id)
            history = inspect(obj).attrs.customer_id.history
            customers.update(history.deleted or ())  # a contact moved to another record
    orders.discard(None)
    customers.discard(None)
    return orders, customers


def install() -> None:
    """Listen to every session's flushes (once per process; create_app calls it)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)


def _after_flush(session: Session, _context) -> None:
    orders, customers = _touched(session)
    if orders or customers:
        changed = write(session.connection(), orders, customers)
        pending = session.info.setdefault(_PENDING, (set(), set()))
        pending[0].update(changed[0])
        pending[1].update(changed[1])


def _after_flush_postexec(session: Session, _context) -> None:
    # The rows were written behind the ORM's back: loaded objects read the new value again.
    orders, customers = session.info.pop(_PENDING, ((), ()))
    for model, ids in ((Order, orders), (Customer, customers)):
        for row_id in ids:
            obj = session.identity_map.get(identity_key(model, row_id))
            if obj is not None:
                session.expire(obj, ["search_text"])
