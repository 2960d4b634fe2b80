"""Read side of the customer records (the registry, "OCTBox" in the seed): the list with its
search and the record with contacts, orders, licenses and the partners with access.

Vendor staff see every record; partner staff only those granted to their organisation, and
any other id is reported as not found (tenancy, like portal.services.access for orders).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, false, func, select, true
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from portal import postal
from portal.models import (
    Customer,
    CustomerContact,
    CustomerGrant,
    License,
    Order,
    Organisation,
    Role,
    User,
    utcnow,
)
from portal.process import StepState, StepStatus, derive, is_complete
from portal.services import clock, paging, search
from portal.services.access import visible_orders
from portal.services.errors import NotFound
from portal.services.offers.address import address_of
from portal.services.paging import Page


def sees_all(actor: User) -> bool:
    """Whether the actor works on every customer (vendor staff) rather than granted ones."""
    return actor.role != Role.PARTNER_STAFF


def visible_customers(actor: User) -> ColumnElement[bool]:
    """A WHERE clause for the customer records this user may see."""
    if not actor.is_authenticated or not actor.active:
        return false()
    if sees_all(actor):
        return true()
    return exists().where(
        CustomerGrant.customer_id == Customer.id,
        CustomerGrant.organisation_id == actor.organisation_id,
    )


@dataclass(frozen=True)
class OrderState:
    order: Order
    complete: bool
    current: list[StepState]  # the steps open or overdue now


@dataclass(frozen=True)
class Access:
    partner: str
    granted_at: datetime
    granted_by: str | None


@dataclass(frozen=True)
class ListRow:
    customer: Customer
    open: int
    done: int
    licenses: list[License]
    partners: list[str] | None  # None: not shown to this user


@dataclass(frozen=True)
class Record:
    customer: Customer
    contacts: list[CustomerContact]
    orders: list[OrderState]
    licenses: list[License]
    access: list[Access] | None  # None: not shown to this user

    def address_lines(self, locale: str) -> list[str]:
        """The postal address as the offer's recipient block prints it, without the name."""
        address = address_of(self.customer)
        return postal.block("", address, locale) if address.street or address.city else []

    def may_download(self, license_: License) -> bool:
        """Whether the license's order is one the user may open (its download checks the same)."""
        return any(s.order.id == license_.order_id for s in self.orders)


def list_customers(
    session: Session, actor: User, *, query: str = "", page: int = 1, per_page: int = 50
) -> Page[ListRow]:
    """One page of the customer records the actor may see, by name, with order counts."""
    where = [visible_customers(actor)]
    if term := search.normalise(query):
        where.append(search.customers_matching(session, term))
    window = paging.window(session, select(Customer.id).where(*where), page, per_page)
    customers, has_next = window.rows(
        session, select(Customer).where(*where).order_by(func.lower(Customer.name), Customer.id)
    )
    ids = [c.id for c in customers]
    states = _order_states(session, actor, ids)
    licenses = _licenses(session, ids)
    partners = _access(session, ids) if sees_all(actor) else None
    rows = [
        ListRow(
            customer,
            open=sum(not s.complete for s in states[customer.id]),
            done=sum(s.complete for s in states[customer.id]),
            licenses=licenses[customer.id],
            partners=None
            if partners is None
            else sorted({a.partner for a in partners[customer.id]}),
        )
        for customer in customers
    ]
    return window.page_of(rows, has_next)


def get_record(session: Session, actor: User, customer_id: int) -> Record:
    """The customer record the actor may see, else NotFound (also for other partners' ones)."""
    customer = session.scalar(
        select(Customer).where(Customer.id == customer_id, visible_customers(actor))
    )
    if customer is None:
        raise NotFound(_("Kunde nicht gefunden."))
    contacts = session.scalars(
        select(CustomerContact)
        .where(CustomerContact.customer_id == customer.id)
        .order_by(func.lower(CustomerContact.name), CustomerContact.id)
    ).all()
    return Record(
        customer,
        contacts=list(contacts),
        orders=_order_states(session, actor, [customer.id])[customer.id],
        licenses=_licenses(session, [customer.id])[customer.id],
        access=_access(session, [customer.id])[customer.id] if sees_all(actor) else None,
    )


def _order_states(session: Session, actor: User, ids: list[int]) -> dict[int, list[OrderState]]:
    """The orders of these customers that the actor may open, newest first, with progress."""
    found: dict[int, list[OrderState]] = defaultdict(list)
    if not ids:
        return found
    orders = session.scalars(
        select(Order)
        .where(Order.customer_id.in_(ids), visible_orders(actor))
        .options(selectinload(Order.completions))
        .order_by(Order.created_at.desc(), Order.id.desc())
    ).all()
    now, deadlines = utcnow(), clock.deadlines()
    for order in orders:
        states = derive(order, order.completions, now, deadlines)
        current = [s for s in states if s.status in (StepStatus.OPEN, StepStatus.OVERDUE)]
        found[order.customer_id].append(OrderState(order, is_complete(states), current))
    return found


def _licenses(session: Session, ids: list[int]) -> dict[int, list[License]]:
    """The licenses issued to these customers, oldest first (without the license files)."""
    found: dict[int, list[License]] = defaultdict(list)
    if ids:
        for license_ in session.scalars(
            select(License)
            .where(License.customer_id.in_(ids))
            .options(defer(License.document), joinedload(License.order))
            .order_by(License.issued_at, License.id)
        ):
            found[license_.customer_id].append(license_)
    return found


def _access(session: Session, ids: list[int]) -> dict[int, list[Access]]:
    """Which partner organisations may see these customers, since when and granted by whom."""
    found: dict[int, list[Access]] = defaultdict(list)
    if ids:
        rows = session.execute(
            select(
                CustomerGrant.customer_id, Organisation.name, CustomerGrant.granted_at, User.name
            )
            .join(Organisation, Organisation.id == CustomerGrant.organisation_id)
            .outerjoin(User, User.id == CustomerGrant.granted_by_id)
            .where(CustomerGrant.customer_id.in_(ids))
            .order_by(CustomerGrant.granted_at, CustomerGrant.id)
        )
        for customer_id, partner, granted_at, granted_by in rows:
            found[customer_id].append(Access(partner, granted_at, granted_by))
    return found
