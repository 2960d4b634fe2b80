"""Step 7 (approve_protocol), the decision: the order's project lead approves or returns it.

Approval needs the call recorded as held (step 6) and begun, and the protocol dated on the
call's day: an approval never precedes the call it vouches for. It stores the hash of the protocol's content
and completes the step; from then on the protocol is immutable. A return says what to change.
"""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import audit
from portal.models import Protocol, StepCompletion, User, utcnow
from portal.models.call import BOOKED
from portal.models.protocol import APPROVED, RETURNED, SUBMITTED
from portal.services import calls
from portal.services.errors import Conflict, Forbidden
from portal.services.order_of_events import begun, held_on_problem
from portal.services.protocol.drafting import loaded_for_write
from portal.services.protocol.guards import (
    APPROVE,
    check_version,
    flush,
    is_lead,
    step_open,
)
from portal.services.protocol.rules import content_hash, return_comment


def _decision(session: Session, actor: User, order_id: int, attempted: str):
    """The order and its submitted protocol, for a decision by the order's project lead."""
    order, protocol = loaded_for_write(session, actor, order_id, attempted)
    if not is_lead(actor, order):
        raise Forbidden(
            _("Nur der Projektleiter dieser Bestellung gibt das Protokoll frei oder zurück.")
        )
    if protocol is None or protocol.status != SUBMITTED:
        raise Conflict(_("Das Protokoll ist noch nicht zur Freigabe eingereicht."))
    return order, protocol


def approve(session: Session, actor: User, order_id: int, version: int | None) -> Protocol:
    """The order's project lead approves the submitted protocol; from now on it is immutable."""
    order, protocol = _decision(session, actor, order_id, "approve")
    check_version(protocol, version)
    if not step_open(order, APPROVE):
        raise Conflict(
            _(
                "Der Setup Call ist noch nicht als durchgeführt erfasst; erst danach kann das Protokoll freigegeben werden."
            )
        )
    now = utcnow()
    call = calls.call_of(session, order)
    if call is None or call.status != BOOKED or not begun(call.starts_at, now):
        raise Conflict(
            _("Das Protokoll lässt sich erst nach dem Beginn des Setup Calls freigeben.")
        )
    if protocol.held_on is None or held_on_problem(protocol.held_on, call.starts_at, now):
        raise Conflict(
            _(
                "Das Datum im Protokoll ist nicht der Tag des Setup Calls; bitte das Protokoll "
                "zur Überarbeitung zurückgeben, damit das Datum korrigiert wird."
            )
        )
    digest = content_hash(order, protocol)
    protocol.status, protocol.content_hash = APPROVED, digest
    protocol.approved_by_id, protocol.approved_at = actor.id, now
    flush(session)
    session.add(
        StepCompletion(
            order_id=order.id,
            step=APPROVE,
            completed_by_id=actor.id,
            completed_at=now,
            details={"hash": digest, "protocol_id": protocol.id},
        )
    )
    flush(session)
    audit.record(
        session, actor, "protocol.approve", "protocol", protocol.id, order_id=order.id, hash=digest
    )
    session.commit()
    return protocol


def return_to_draft(
    session: Session, actor: User, order_id: int, comment: str, version: int | None
) -> Protocol:
    """The order's project lead returns the submitted protocol for changes, saying what to change."""
    order, protocol = _decision(session, actor, order_id, "return")
    comment = return_comment(comment)
    check_version(protocol, version)
    protocol.status, protocol.return_comment = RETURNED, comment
    protocol.returned_by_id, protocol.returned_at = actor.id, utcnow()
    flush(session)
    audit.record(
        session,
        actor,
        "protocol.return",
        "protocol",
        protocol.id,
        order_id=order.id,
        comment=comment,
    )
    session.commit()
    return protocol
