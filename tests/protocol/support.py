"""Building blocks of the step 6 and 7 tests: an accepted order with a booked call, drafts.

The call, the questionnaire snapshots and the diagram are written straight to the database
(each is tested on its own); the protocol goes through the use cases.
"""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.models import (
    AuditEvent,
    CallParticipant,
    DataFlowDiagram,
    Protocol,
    QuestionnaireSnapshot,
    SetupCall,
    StepCompletion,
)
from portal.services import calls, protocol
from tests.helpers import accept, place

# The call began two hours ago: a call is recorded, dated and approved only once it began.
START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
CALL_DAY = START.astimezone(ZoneInfo("Europe/Berlin")).date().isoformat()
FIELDS = {
    "held_on": CALL_DAY,
    "topics": "Schnittstellen, Datenfluss\nBerechtigungen",
    "decisions": "Import täglich um 6 Uhr.",
    "open_points": [
        {"text": "VPN-Zugang einrichten", "owner": "Carla Kunde", "due": "2027-03-15"},
    ],
    "services": [],
}


def new_order(session, world, code="ACME", deployment="on_premises"):
    """An accepted order with Leo (world.lead) as project lead, contact Carla and a booked call."""
    order = place(session, world, code=code, deployment=deployment)
    accept(session, world, order)
    carla = calls.add_contact(
        session, world.partner, order.id, name="Carla Kunde", email="carla@acme.example"
    )
    call = SetupCall(
        order_id=order.id,
        uid=f"{uuid.uuid4()}@test",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        booked_by_id=world.partner.id,
    )
    call.participants = [
        CallParticipant(user_id=world.lead.id),
        CallParticipant(user_id=world.partner.id),
        CallParticipant(user_id=world.architect.id),
        CallParticipant(contact_id=carla.id),
    ]
    session.add(call)
    session.add(
        StepCompletion(
            order_id=order.id,
            step="schedule_call",
            completed_by_id=world.partner.id,
            details={"starts_at": START.isoformat()},
        )
    )
    session.commit()
    return order


def attendees(world, carla) -> list[str]:
    return [f"user-{world.lead.id}", f"contact-{carla.id}"]


def fields(world, carla, **changes) -> dict:
    return FIELDS | {"attendees": attendees(world, carla)} | changes


def draft(session, world, order, carla, user=None, **changes) -> Protocol:
    """Save a draft as the partner (or `user`) on top of whatever version is stored."""
    current = protocol.protocol_of(session, order)
    return protocol.save_draft(
        session,
        user or world.partner,
        order.id,
        FIELDS | {"attendees": attendees(world, carla)} | changes,
        current.version if current else None,
    )


def submitted(session, world, order, carla) -> Protocol:
    saved = draft(session, world, order, carla)
    return protocol.submit(session, world.partner, order.id, saved.version)


def hold(session, world, order) -> None:
    """Record the call as held directly: the gate itself is tested on its own."""
    session.add(StepCompletion(order_id=order.id, step="hold_call", completed_by_id=world.lead.id))
    session.commit()


def approved(session, world, order, carla) -> Protocol:
    sent = submitted(session, world, order, carla)
    hold(session, world, order)
    return protocol.approve(session, world.lead, order.id, sent.version)


def events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def confirm(session, world, order, carla, user=None, **changes):
    entry = {
        "id": carla.id,
        "role": "IT-Leitung",
        "email": "carla@acme.example",
        "phone": "+49 30 1234-5",
        "attended": True,
    } | changes
    return protocol.confirm_contacts(session, user or world.lead, order.id, [entry])


def finalise(session, world, order, kind: str) -> None:
    """A frozen questionnaire snapshot, written directly (the review is tested on its own)."""
    session.add(
        QuestionnaireSnapshot(
            order_id=order.id,
            questionnaire=kind,
            version=1,
            schema_version=1,
            original={},
            final={},
            reviews={},
            content_hash="0" * 64,
            finalised_by_id=world.partner.id,
        )
    )
    session.commit()


def save_diagram(session, world, order) -> None:
    """A saved data flow diagram, written directly (the diagram is tested on its own)."""
    session.add(
        DataFlowDiagram(
            order_id=order.id, version=1, systems=[], flows=[], created_by_id=world.architect.id
        )
    )
    session.commit()
