"""What the order page shows of reminders: every one sent, and the switches."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import QUESTIONNAIRES, NotificationSent, Order, utcnow
from portal.models.notification import REMINDER
from portal.services.reminders.customers import link_people, muted


@dataclass(frozen=True)
class Sent:
    at: datetime
    email: str
    questionnaires: list[str]
    message_id: int | None


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    muted: bool


@dataclass(frozen=True)
class ReminderSection:
    off: bool
    working_days: tuple[int, ...]
    maximum: int
    sent: list[Sent]
    people: list[Recipient]


def section(session: Session, order: Order) -> ReminderSection | None:
    """The reminders of an accepted order, newest first, and who may get them; else None."""
    if order.customer_id is None:
        return None
    rows = session.scalars(
        select(NotificationSent)
        .where(NotificationSent.kind == REMINDER, NotificationSent.order_id == order.id)
        .order_by(NotificationSent.created_at.desc(), NotificationSent.id.desc())
    )
    sent = [
        Sent(
            r.created_at,
            r.recipient,
            list(r.details.get("questionnaires", [])),
            r.outbox_message_id,
        )
        for r in rows
    ]
    off = muted(session, order.id)
    people = [
        Recipient(p.email, p.name, p.email in off)
        for p in sorted(
            link_people(session, order, QUESTIONNAIRES, utcnow()).values(), key=lambda p: p.name
        )
    ]
    config = current_app.config
    return ReminderSection(
        order.reminders_off, config["REMINDER_WORKING_DAYS"], config["REMINDER_MAX"], sent, people
    )
