"""Worker job `digest`: once a working day, each person responsible for overdue steps hears of
all of them in one mail, in their language, with links to the orders.

Who is responsible is rules.RESPONSIBLE; a person gets only orders they may see, nothing when
nothing is overdue, and nothing once they switched the digest off in their settings.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import mail
from portal.models import Order, Role, User, utcnow
from portal.models.notification import DIGEST
from portal.process import Step, StepStatus, derive
from portal.services import access, clock, recipients
from portal.services.reminders import ledger
from portal.services.reminders.rules import (
    BACK_OFFICE,
    PARTNER_STAFF,
    PROJECT_LEAD,
    digest_due,
    digest_key,
    responsible,
)


@dataclass(frozen=True)
class Overdue:
    """One overdue step of one order, as the digest lists it."""

    order_id: int
    customer_name: str
    short_code: str
    step: Step
    due: datetime | None
    url: str


def send_digests(session: Session, now: datetime | None = None) -> int:
    """Queue today's digest for everyone who has overdue steps and has not had it; how many."""
    now = now or utcnow()
    calendar = clock.work_calendar()
    if not digest_due(now, current_app.config["DIGEST_HOUR"], calendar):
        return 0
    key = digest_key(calendar.local_date(now))
    sent = 0
    for user_id, items in overdue_by_person(session, now).items():
        user = session.get(User, user_id)
        if not user.active or user.digest_off:
            continue
        if ledger.already_sent(session, DIGEST, key, user.email):
            continue
        row = ledger.send_once(
            session,
            kind=DIGEST,
            key=key,
            recipient=user.email,
            now=now,
            details={"steps": [[i.order_id, i.step.key] for i in items]},
            queue=lambda u=user, i=items: _queue(session, u, i),
        )
        sent += row is not None
    return sent


def overdue_by_person(session: Session, now: datetime) -> dict[int, list[Overdue]]:
    """User id -> the overdue steps they answer for, of the orders they may see, by due date."""
    found: dict[int, list[Overdue]] = {}
    back_office: list[User] | None = None
    staff: dict[int, list[User]] = {}  # partner id -> its active staff
    visible: dict[int, set[int]] = {}  # user id -> the overdue orders they may see
    base = current_app.config["BASE_URL"]
    deadlines = clock.deadlines()
    # The due index finds the orders with anything overdue; derive() then says which steps.
    late = Order.next_due_at < now
    for order in session.scalars(select(Order).where(late).order_by(Order.id)):
        for state in derive(order, order.completions, now, deadlines):
            audience = responsible(state.step.key)
            if state.status != StepStatus.OVERDUE or audience is None:
                continue
            if audience == BACK_OFFICE:
                if back_office is None:
                    back_office = _back_office(session)
                people = back_office
            elif audience == PROJECT_LEAD:
                lead = order.project_lead
                people = [lead] if lead is not None and lead.active else []
            else:
                assert audience == PARTNER_STAFF
                if order.partner_id not in staff:
                    staff[order.partner_id] = recipients.partner_staff(session, order)
                people = staff[order.partner_id]
            item = Overdue(
                order.id,
                order.customer_name,
                order.short_code,
                state.step,
                state.due,
                f"{base}/orders/{order.id}",
            )
            for user in people:
                if user.id not in visible:  # one query per person, not per item
                    visible[user.id] = set(
                        session.scalars(select(Order.id).where(late, access.visible_orders(user)))
                    )
                if order.id in visible[user.id]:
                    found.setdefault(user.id, []).append(item)
    for items in found.values():
        items.sort(key=lambda i: (i.due is None, i.due or now, i.order_id))
    return found


def _back_office(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.VENDOR_BACKOFFICE, User.active.is_(True))
            .order_by(User.id)
        )
    )


def _queue(session: Session, user: User, items: list[Overdue]):
    base = current_app.config["BASE_URL"]
    return mail.queue_template(
        session,
        to=user.email,
        language=user.language,
        template="overdue_digest",
        person=user,
        items=items,
        settings_url=f"{base}/account/notifications",
    )
