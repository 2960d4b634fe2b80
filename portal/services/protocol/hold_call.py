"""Step 6 (hold_call), the call itself: recorded as held once nothing it needs is missing.

It needs the booked call, the data flow diagram, both questionnaires finalised in the review,
the contacts confirmed by the project lead, and on CP Cloud the provisioned database (step 4);
and the call must have begun: one that really took place earlier is moved first (on the call's
page, with its invitations), never recorded before its booked start.
"""

from datetime import datetime

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.models import (
    QUESTIONNAIRES,
    ContactConfirmation,
    DataFlowDiagram,
    Order,
    SetupCall,
    StepCompletion,
    User,
    utcnow,
)
from portal.models.call import BOOKED
from portal.process import STEP_BY_KEY, completion, is_actionable_by
from portal.services import calls, review
from portal.services.access import accepted_order
from portal.services.errors import Conflict, Forbidden
from portal.services.order_of_events import begun
from portal.services.protocol.contacts import contacts_confirmed
from portal.services.protocol.guards import HOLD_CALL, step_open

# What completing the setup call still needs, in the order the page lists it.
MISSING = {
    "call": _l("Setup Call gebucht"),
    "diagram": _l("Datenflussdiagramm gespeichert"),
    "technical": _l("Technischer Fragebogen abschließend dokumentiert"),
    "business": _l("Fachlicher Fragebogen abschließend dokumentiert"),
    "contacts": _l("Ansprechpartner vom Projektleiter bestätigt"),
    "cloud": _l("CP Cloud eingerichtet"),
}


class CallNotReady(Conflict):
    """Completing the call is refused; `missing` holds the keys of MISSING still lacking."""

    def __init__(self, message: str, missing: list[str]):
        super().__init__(message)
        self.missing = missing


def _diagram_saved(session: Session, order: Order) -> bool:
    return (
        session.scalar(
            select(DataFlowDiagram.id).where(DataFlowDiagram.order_id == order.id).limit(1)
        )
        is not None
    )


def missing_for_call(
    session: Session, order: Order, confirmation: ContactConfirmation | None = ...
) -> list[str]:
    """What the order still lacks before its call can be recorded as held: keys of MISSING."""
    missing = []
    call = calls.call_of(session, order)
    if call is None or call.status != BOOKED:
        missing.append("call")
    if not _diagram_saved(session, order):
        missing.append("diagram")
    missing += [kind for kind in QUESTIONNAIRES if not review.finalised(session, order, kind)]
    if not contacts_confirmed(session, order, confirmation):
        missing.append("contacts")
    if order.deployment == "cp_cloud" and not completion(order, "provision_cloud"):
        missing.append("cloud")
    return missing


def berlin_moment(moment: datetime) -> str:
    """A moment as the pages name it: weekday, date and time in Europe/Berlin."""
    return f"{format_date(moment, 'full')}, {format_time(moment, 'short')}"


def waits_for_start(call: SetupCall | None, now: datetime) -> datetime | None:
    """The booked call's start while it lies ahead (it cannot be recorded yet), else None."""
    if call is None or call.status != BOOKED or begun(call.starts_at, now):
        return None
    return call.starts_at


def not_begun_message(starts_at: datetime) -> str:
    """Why a call cannot be recorded as held before it began, naming its start."""
    return _(
        "Der Setup Call beginnt erst am %(start)s (Europe/Berlin); als durchgeführt erfassen "
        "lässt er sich ab diesem Zeitpunkt. Fand er schon früher statt, bitte zuerst den Termin "
        "auf der Seite des Setup Calls auf die tatsächliche Zeit verschieben.",
        start=berlin_moment(starts_at),
    )


def missing_labels(missing: list[str]) -> list[str]:
    """The translated names of missing things."""
    return [str(MISSING[key]) for key in missing]


def complete_call(session: Session, actor: User, order_id: int) -> StepCompletion:
    """Record the setup call as held (step 6) once nothing it needs is missing."""
    order = accepted_order(session, actor, order_id)
    if not is_actionable_by(STEP_BY_KEY[HOLD_CALL], actor, order):
        raise Forbidden(
            _(
                "Den Setup Call erfassen die Teilnehmer: Partner, IT-Architekt, Techniker und der Projektleiter dieser Bestellung."
            )
        )
    if completion(order, HOLD_CALL):
        raise Conflict(_("Der Setup Call ist schon als durchgeführt erfasst."))
    missing = missing_for_call(session, order)
    if missing:
        raise CallNotReady(
            _(
                "Der Setup Call kann noch nicht abgeschlossen werden. Es fehlt: %(missing)s.",
                missing="; ".join(missing_labels(missing)),
            ),
            missing,
        )
    call, now = calls.call_of(session, order), utcnow()
    if (starts_at := waits_for_start(call, now)) is not None:
        raise Conflict(not_begun_message(starts_at))
    if not step_open(order, HOLD_CALL):
        raise Conflict(
            _("Der Setup Call kann erst nach den vorherigen Schritten abgeschlossen werden.")
        )
    held = StepCompletion(
        order_id=order.id,
        step=HOLD_CALL,
        completed_by_id=actor.id,
        completed_at=now,
        details={"call_id": call.id, "starts_at": call.starts_at.isoformat()},
    )
    session.add(held)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(_("Der Setup Call ist schon als durchgeführt erfasst.")) from None
    audit.record(session, actor, "call.held", "order", order.id, call_id=call.id)
    session.commit()
    return held
