"""Worker job `reminders`: customers hear about questionnaires they have not submitted.

For each order with a booked call still ahead, each person who was mailed a link to a
questionnaire not yet submitted gets one reminder per threshold reached (REMINDER_WORKING_DAYS
working days before the call), at most REMINDER_MAX per call day, in their language, with fresh
links (only hashes are stored: an old link cannot be sent again). Staff who received the links
(the acceptance mail to the partner) are not customers and get none.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import (
    QUESTIONNAIRES,
    CustomerContact,
    NotificationSent,
    Order,
    OutboxMessage,
    ReminderMute,
    SetupCall,
    User,
    utcnow,
)
from portal.models.call import BOOKED
from portal.models.notification import REMINDER
from portal.models.response import SUBMITTED
from portal.services import links
from portal.services.clock import work_calendar
from portal.services.reminders import ledger
from portal.services.reminders.rules import reminder_key, reminder_prefix, threshold_reached


@dataclass
class Person:
    """Someone a reminder goes to: what Issued.mail_to needs, and what the mail is about."""

    email: str
    name: str
    language: str = "de"
    kinds: list[str] = field(default_factory=list)
    # The outbox row of the latest mail that brought this person a link.
    last_link_mail: int = 0


def send_reminders(session: Session, now: datetime | None = None) -> int:
    """Queue every reminder that is due; returns how many were queued by this run."""
    now = now or utcnow()
    order_ids = session.scalars(
        select(SetupCall.order_id)
        .join(Order, Order.id == SetupCall.order_id)
        .where(
            SetupCall.status == BOOKED,
            SetupCall.starts_at > now,
            Order.reminders_off.is_(False),
            Order.customer_id.is_not(None),
        )
        .order_by(SetupCall.starts_at)
    ).all()
    sent = 0
    for order_id in order_ids:
        sent += _remind_order(session, order_id, now)
    return sent


def due_for(session: Session, order: Order, call: SetupCall, now: datetime):
    """(threshold, people) of an order's reminders due now; people empty when none is due."""
    config = current_app.config
    threshold = threshold_reached(
        call.starts_at, now, config["REMINDER_WORKING_DAYS"], work_calendar()
    )
    if threshold is None or order.reminders_off:
        return threshold, []
    submitted = {r.questionnaire for r in order.responses if r.status == SUBMITTED}
    open_kinds = [kind for kind in QUESTIONNAIRES if kind not in submitted]
    people = link_people(session, order, open_kinds, now)
    for email in muted(session, order.id):
        people.pop(email, None)
    # Whoever got their links today (a call booked at short notice) hears again tomorrow.
    for email in _mailed_today(session, people, now):
        people.pop(email)
    return threshold, sorted(people.values(), key=lambda p: p.email)


def muted(session: Session, order_id: int) -> set[str]:
    """The addresses the partner wants no reminders sent to for this order."""
    return set(session.scalars(select(ReminderMute.email).where(ReminderMute.order_id == order_id)))


def link_people(session: Session, order: Order, kinds, now: datetime) -> dict[str, Person]:
    """Email -> the customer people who were mailed a link (not revoked) to one of `kinds`.

    Staff who received links (the partner's acceptance mail) are left out: they are no customers.
    """
    people: dict[str, Person] = {}
    for link in order.links:
        if link.revoked_at is not None or link.questionnaire not in kinds:
            continue
        for sent in link.sent_to or []:
            email = (sent.get("email") or "").strip().lower()
            if not email:
                continue
            person = people.setdefault(email, Person(email=email, name=sent.get("name") or email))
            if link.questionnaire not in person.kinds:
                person.kinds.append(link.questionnaire)
            person.last_link_mail = max(person.last_link_mail, sent.get("message_id") or 0)
    if people:
        staff = session.scalars(
            select(func.lower(User.email)).where(func.lower(User.email).in_(people))
        )
        for email in staff:
            people.pop(email, None)
    _languages(session, order, people)
    for person in people.values():
        person.kinds.sort(key=QUESTIONNAIRES.index)
    return people


def _mailed_today(session: Session, people: dict[str, Person], now: datetime) -> list[str]:
    calendar = work_calendar()
    queued = dict(
        session.execute(
            select(OutboxMessage.id, OutboxMessage.created_at).where(
                OutboxMessage.id.in_([p.last_link_mail for p in people.values()])
            )
        )
        .tuples()
        .all()
    )
    today = calendar.local_date(now)
    return [
        email
        for email, person in people.items()
        if person.last_link_mail in queued
        and calendar.local_date(queued[person.last_link_mail]) == today
    ]


def _languages(session: Session, order: Order, people: dict[str, Person]) -> None:
    contacts = session.scalars(
        select(CustomerContact).where(
            CustomerContact.customer_id == order.customer_id,
            func.lower(CustomerContact.email).in_(people or [""]),
        )
    )
    by_email = {c.email.lower(): c for c in contacts}
    for email, person in people.items():
        contact = by_email.get(email)
        person.language = contact.language if contact else order.language
        if contact:
            person.name = contact.name


def sent_count(session: Session, order_id: int, email: str, call_day) -> int:
    """How many reminders this person has had for this order's call on `call_day`."""
    return session.scalar(
        select(func.count())
        .select_from(NotificationSent)
        .where(
            NotificationSent.kind == REMINDER,
            NotificationSent.order_id == order_id,
            NotificationSent.recipient == email.lower(),
            NotificationSent.key.startswith(reminder_prefix(order_id, call_day), autoescape=True),
        )
    )


def _remind_order(session: Session, order_id: int, now: datetime) -> int:
    order = session.get(Order, order_id)
    call = session.scalar(select(SetupCall).where(SetupCall.order_id == order_id))
    threshold, people = due_for(session, order, call, now)
    call_day = work_calendar().local_date(call.starts_at)
    key = reminder_key(order_id, call_day, threshold) if threshold else ""
    starts_at = call.starts_at
    sent = 0
    for person in people:
        if ledger.already_sent(session, REMINDER, key, person.email):
            continue
        if (
            sent_count(session, order_id, person.email, call_day)
            >= current_app.config["REMINDER_MAX"]
        ):
            continue
        row = ledger.send_once(
            session,
            kind=REMINDER,
            key=key,
            recipient=person.email,
            now=now,
            order_id=order_id,
            details={"questionnaires": person.kinds, "threshold": threshold},
            queue=lambda p=person: _queue(session, order_id, p, starts_at, threshold, now),
        )
        sent += row is not None
    return sent


def _queue(session: Session, order_id: int, person: Person, starts_at, threshold, now):
    """Fresh links to the person's open questionnaires, mailed and recorded on the links."""
    order = session.get(Order, order_id)
    issued = links.issue(session, order, person.kinds, now)
    message = issued.mail_to(
        session,
        person,
        "questionnaire_reminder",
        order=order,
        person=person,
        starts_at=starts_at,
        kinds=person.kinds,
    )
    audit.record(
        session,
        "worker",
        "reminder.send",
        "order",
        order_id,
        to=person.email,
        questionnaires=person.kinds,
        threshold=threshold,
        message_id=message.id,
    )
    return message
