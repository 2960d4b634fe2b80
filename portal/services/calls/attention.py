"""Calls that need the partner: a required participant has declined the booked call.

Required are the vendor's call roles (project lead, IT architect, technician) and everyone the
booking marked required. Only the current answer to the current invitation of a booked call
that has not ended yet, nor been recorded as held, counts: moving the call asks everyone again.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from portal.models import (
    CallParticipant,
    CustomerContact,
    Order,
    Role,
    SetupCall,
    StepCompletion,
    User,
    utcnow,
)
from portal.models.call import BOOKED, DECLINED

REQUIRED_ROLES = (Role.PROJECT_LEAD, Role.IT_ARCHITECT, Role.TECHNICIAN)


def is_required(participant: CallParticipant) -> bool:
    """Whether the call cannot go ahead without this participant."""
    return bool(participant.required) or (
        participant.user is not None and participant.user.role in REQUIRED_ROLES
    )


def _required() -> ColumnElement[bool]:
    return or_(
        CallParticipant.required.is_(True),
        CallParticipant.user_id.in_(select(User.id).where(User.role.in_(REQUIRED_ROLES))),
    )


def _declined_on_booked_call(now: datetime) -> ColumnElement[bool]:
    return and_(
        CallParticipant.call_id == SetupCall.id,
        SetupCall.status == BOOKED,
        SetupCall.ends_at > now,
        CallParticipant.partstat == DECLINED,
        CallParticipant.partstat_sequence == SetupCall.sequence,
        _required(),
        # Recorded as held, the call can no longer be moved: nothing left to fix.
        ~exists().where(
            StepCompletion.order_id == SetupCall.order_id, StepCompletion.step == "hold_call"
        ),
    )


def has_declined_required(now: datetime | None = None) -> ColumnElement[bool]:
    """For select(Order).where(...): the order's booked call has a required participant who
    declined it."""
    return exists().where(SetupCall.order_id == Order.id, _declined_on_booked_call(now or utcnow()))


def declined_required(
    session: Session, order_ids: list[int], now: datetime | None = None
) -> dict[int, list[str]]:
    """Order id -> names of the required participants who declined its booked call (orders
    without any are left out)."""
    if not order_ids:
        return {}
    rows = session.execute(
        select(SetupCall.order_id, User.name, CustomerContact.name)
        .select_from(CallParticipant)
        .join(SetupCall, CallParticipant.call_id == SetupCall.id)
        .outerjoin(User, CallParticipant.user_id == User.id)
        .outerjoin(CustomerContact, CallParticipant.contact_id == CustomerContact.id)
        .where(SetupCall.order_id.in_(order_ids), _declined_on_booked_call(now or utcnow()))
        .order_by(SetupCall.order_id, CallParticipant.id)
    )
    found: dict[int, list[str]] = {}
    for order_id, user_name, contact_name in rows:
        found.setdefault(order_id, []).append(user_name or contact_name)
    return found
