"""Read side of the dashboard: visible orders, filtered by open step or by 'waiting for me'.

The filters are SQL translations of portal.process.derive(), so that paging stays in the database.
"""

from dataclasses import dataclass
from math import ceil

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.models import Order, Role, StepCompletion, User, utcnow
from portal.process import STEP_BY_KEY, STEPS, Step, StepState, derive, is_actionable_by
from portal.services import cloud
from portal.services.access import visible_orders


def _done(key: str) -> ColumnElement[bool]:
    return exists().where(StepCompletion.order_id == Order.id, StepCompletion.step == key)


def _applies(step: Step) -> ColumnElement[bool] | None:
    if step.applies_if is None:
        return None
    attribute, value = step.applies_if
    return getattr(Order, attribute) == value


def _satisfied(key: str) -> ColumnElement[bool]:
    # A required step counts as passed when done or when it does not apply to the order.
    applies = _applies(STEP_BY_KEY[key])
    return _done(key) if applies is None else or_(_done(key), ~applies)


def step_open(step: Step) -> ColumnElement[bool]:
    """Orders on which this step can be worked on now (open or overdue)."""
    conditions = [~_done(step.key), *(_satisfied(r) for r in step.requires)]
    if (applies := _applies(step)) is not None:
        conditions.append(applies)
    return and_(*conditions)


def waiting_for(user: User) -> ColumnElement[bool]:
    """Orders with an open step this user is an actor of."""
    clauses = []
    for step in STEPS:
        if user.role in step.actors:
            clause = step_open(step)
            if user.role == Role.PROJECT_LEAD:
                clause = and_(clause, Order.project_lead_id == user.id)
            clauses.append(clause)
    return or_(*clauses) if clauses else false()


@dataclass(frozen=True)
class Row:
    order: Order
    states: list[StepState]
    mine: bool
    # CP Cloud not provisioned and the call near: "urgent" (3 working days) or "overdue".
    cloud_flag: str | None = None


# Counting stops here: beyond it the page says "more than 1,000" instead of scanning every order.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int  # exact up to COUNT_CAP, else COUNT_CAP + 1
    page: int
    per_page: int
    has_next: bool

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @property
    def exact(self) -> bool:
        return self.total <= COUNT_CAP

    @property
    def pages(self) -> int:
        return max(1, ceil(min(self.total, COUNT_CAP) / self.per_page))


def list_orders(
    session: Session,
    actor: User,
    *,
    step: str | None = None,
    mine: bool = False,
    query: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """One page of the orders the actor may see, newest first, with derived progress."""
    where = [visible_orders(actor)]
    if step in STEP_BY_KEY:
        where.append(step_open(STEP_BY_KEY[step]))
    if mine:
        where.append(waiting_for(actor))
    if query.strip():
        pattern = f"%{query.strip().lower()}%"
        where.append(
            or_(
                func.lower(Order.customer_name).like(pattern),
                func.lower(Order.short_code).like(pattern),
            )
        )
    capped = select(Order.id).where(*where).limit(COUNT_CAP + 1).subquery()
    total = session.scalar(select(func.count()).select_from(capped)) or 0
    if total <= COUNT_CAP:
        page = min(page, max(1, ceil(total / per_page)))
    page = max(1, page)
    orders = session.scalars(
        select(Order)
        .where(*where)
        .options(joinedload(Order.partner), selectinload(Order.completions))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    has_next = len(orders) > per_page
    orders = orders[:per_page]
    now = utcnow()
    cloud_flags = cloud.dashboard_flags(session, orders)
    rows = []
    for order in orders:
        states = derive(order, order.completions, now)
        mine_now = any(
            s.status in ("open", "overdue") and is_actionable_by(s.step, actor, order)
            for s in states
        )
        rows.append(Row(order, states, mine_now, cloud_flags.get(order.id)))
    return Page(rows, total, page, per_page, has_next)
