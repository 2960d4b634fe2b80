"""The checks every use case of steps 6 and 7 shares: who may act, and on what state.

Who: partner staff and the order's project lead draft the protocol, the lead alone decides on
it. What: the order accepted, the step open, the protocol version the editor loaded, and once
approved no write at all (each attempt audited). A write that loses a race is a Conflict.
"""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import audit
from portal.models import Order, Protocol, Role, User, utcnow
from portal.models.protocol import APPROVED
from portal.process import StepStatus, derive
from portal.services import access
from portal.services.errors import Conflict, Forbidden, flush_or_refuse

HOLD_CALL, APPROVE = "hold_call", "approve_protocol"  # the step keys in portal/process.py


def is_lead(actor: User, order: Order) -> bool:
    """Whether the actor is the project lead of this very order."""
    return actor.role == Role.PROJECT_LEAD and order.project_lead_id == actor.id


def may_draft(actor: User, order: Order) -> bool:
    """Partner staff (of a partner granted the customer) and the order's project lead draft."""
    return actor.role == Role.PARTNER_STAFF or is_lead(actor, order)


def lead_order(session: Session, actor: User, order_id: int, message: str) -> Order:
    """The accepted order, for its project lead only; anyone else is refused with `message`."""
    order = access.accepted_order(session, actor, order_id)
    if not is_lead(actor, order):
        raise Forbidden(message)
    return order


def step_open(order: Order, step: str) -> bool:
    """Whether the step is open (or overdue) for this order: its prerequisites are done."""
    states = {s.step.key: s.status for s in derive(order, order.completions, utcnow())}
    return states[step] in (StepStatus.OPEN, StepStatus.OVERDUE)


def refuse_after_approval(
    session: Session, actor: User, order: Order, protocol: Protocol | None, attempted: str
) -> None:
    """An approved protocol refuses every write, whoever asks; the attempt is audited."""
    if protocol is None or protocol.status != APPROVED:
        return
    if attempted == "approve":
        refusal = Conflict(_("Das Protokoll ist schon freigegeben."))
    else:
        refusal = Conflict(_("Das Protokoll ist freigegeben und kann nicht mehr geändert werden."))
    audit.refuse(
        session,
        actor,
        refusal,
        "protocol",
        "protocol",
        protocol.id,
        order_id=order.id,
        attempted=attempted,
    )


def check_version(protocol: Protocol | None, version: int | None) -> None:
    """Refuse a write that did not start from the stored version (None: no protocol yet)."""
    if (protocol.version if protocol else None) != (version or None):
        raise Conflict(
            _(
                "Das Protokoll wurde inzwischen von jemand anderem geändert. Bitte die Seite neu laden."
            )
        )


def flush(session: Session) -> None:
    """Write now; a concurrent change (version counter, unique order) becomes a Conflict."""
    flush_or_refuse(
        session,
        Conflict(
            _(
                "Das Protokoll wurde gerade von jemand anderem geändert; nichts wurde gespeichert. Bitte die Seite neu laden."
            )
        ),
    )
