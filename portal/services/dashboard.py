"""Read side of the dashboard: visible orders, most urgent first, filtered by open step, by
deadline or by 'waiting for me'.

The filters are SQL translations of portal.process.derive(), so that paging stays in the
database; deadlines go through Order.next_due_at, the index portal/services/due_index.py keeps.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.models import Order, Role, SetupCall, StepCompletion, User, utcnow
from portal.models.call import BOOKED
from portal.process import (
    CALL_START,
    STEP_BY_KEY,
    STEPS,
    Step,
    StepState,
    StepStatus,
    completion,
    derive,
    is_actionable_by,
    next_due,
)
from portal.services import clock, paging, search
from portal.services.access import visible_orders
from portal.services.calls import attention
from portal.services.paging import Page

# The deadline filters: anything overdue, or due from now to the end of this week.
OVERDUE, THIS_WEEK = "overdue", "week"
DUE_FILTERS = (OVERDUE, THIS_WEEK)


def _probe(model, *where) -> ColumnElement[bool]:
    # "A row exists" as a scalar subquery, not EXISTS: under an OR, PostgreSQL turns EXISTS
    # into a hashed subplan that reads every matching row of the table (linear in the orders);
    # a scalar subquery stays one index lookup per order visited, on both databases.
    return select(model.id).where(*where).limit(1).scalar_subquery().is_not(None)


def _done(key: str) -> ColumnElement[bool]:
    return _probe(StepCompletion, StepCompletion.order_id == Order.id, StepCompletion.step == key)


def _applies(step: Step) -> ColumnElement[bool] | None:
    if step.applies_if is None:
        return None
    attribute, value = step.applies_if
    return getattr(Order, attribute) == value


def _satisfied(key: str) -> ColumnElement[bool]:
    # A required step counts as passed when done or when it does not apply to the order.
    applies = _applies(STEP_BY_KEY[key])
    return _done(key) if applies is None else or_(_done(key), ~applies)


def _call_ahead(now: datetime) -> ColumnElement[bool]:
    return _probe(
        SetupCall,
        SetupCall.order_id == Order.id,
        SetupCall.status == BOOKED,
        SetupCall.starts_at > now,
    )


def step_open(step: Step, now: datetime) -> ColumnElement[bool]:
    """Orders on which this step can be worked on now (open or overdue)."""
    conditions = [~_done(step.key), *(_satisfied(r) for r in step.requires)]
    if (applies := _applies(step)) is not None:
        conditions.append(applies)
    if step.not_before is not None:
        # The only such event is the booked call's start (schedule_call keeps the two alike).
        assert step.not_before == CALL_START
        conditions.append(~_call_ahead(now))
    return and_(*conditions)


def waiting_for(user: User, now: datetime) -> ColumnElement[bool]:
    """Orders with an open step this user is an actor of; for partner staff also the orders
    whose call a required participant declined (the call needs to be moved)."""
    clauses = []
    for step in STEPS:
        if user.role in step.actors:
            clause = step_open(step, now)
            if user.role == Role.PROJECT_LEAD:
                clause = and_(clause, Order.project_lead_id == user.id)
            clauses.append(clause)
    if user.role == Role.PARTNER_STAFF:
        clauses.append(attention.has_declined_required(now))
    return or_(*clauses) if clauses else false()


def due_within(kind: str, now: datetime, end_of_week: datetime) -> ColumnElement[bool]:
    """Orders whose first open deadline is overdue (OVERDUE) or falls in the rest of this week."""
    if kind == OVERDUE:
        return Order.next_due_at < now
    return and_(Order.next_due_at >= now, Order.next_due_at < end_of_week)


@dataclass(frozen=True)
class Row:
    order: Order
    states: list[StepState]
    mine: bool
    call_at: datetime | None = None  # the booked setup call's start
    next: StepState | None = None  # the open step due first
    urgency: str | None = None  # of `next`: "overdue", "soon" or None
    # Required participants who declined the booked call: the partner has to act.
    declined: list[str] = field(default_factory=list)


def list_orders(
    session: Session,
    actor: User,
    *,
    step: str | None = None,
    due: str | None = None,
    mine: bool = False,
    query: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Page[Row]:
    """One page of the orders the actor may see, the first deadline first (orders without one
    last, newest first), with derived progress."""
    now = utcnow()
    deadlines = clock.deadlines()
    where = [visible_orders(actor)]
    if step in STEP_BY_KEY:
        where.append(step_open(STEP_BY_KEY[step], now))
    if due in DUE_FILTERS:
        where.append(due_within(due, now, deadlines.end_of_week(now)))
    if mine:
        where.append(waiting_for(actor, now))
    if term := search.normalise(query):
        where.append(search.orders_matching(session, term))
    window = paging.window(session, select(Order.id).where(*where), page, per_page)
    orders, has_next = window.rows(
        session,
        select(Order)
        .where(*where)
        .options(joinedload(Order.partner), selectinload(Order.completions))
        .order_by(Order.next_due_at.asc().nulls_last(), Order.created_at.desc(), Order.id.desc()),
    )
    declined = attention.declined_required(session, [o.id for o in orders], now)
    rows = []
    for order in orders:
        states = derive(order, order.completions, now, deadlines)
        mine_now = any(
            s.status in ("open", "overdue") and is_actionable_by(s.step, actor, order)
            for s in states
        )
        first = next_due(states)
        urgency = None
        if first is not None and first.status == StepStatus.OVERDUE:
            urgency = "overdue"
        elif first is not None and deadlines.is_soon(first.due, now):
            urgency = "soon"
        rows.append(
            Row(
                order,
                states,
                mine_now or (actor.role == Role.PARTNER_STAFF and order.id in declined),
                call_at=_call_start(order),
                next=first,
                urgency=urgency,
                declined=declined.get(order.id, []),
            )
        )
    return window.page_of(rows, has_next)


def _call_start(order: Order) -> datetime | None:
    booked = completion(order, "schedule_call")
    starts = (booked.details or {}).get("starts_at") if booked else None
    return datetime.fromisoformat(starts) if starts else None
