"""Append-only, hash-chained audit log: record an event, verify the chain."""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal.models import AuditEvent, utcnow

GENESIS = "0" * 64
# Any fixed number: serialises writers of the chain across app instances on PostgreSQL.
_CHAIN_LOCK = 7_231_004


def _digest(event: AuditEvent) -> str:
    body = {
        "prev": event.prev_hash,
        "at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "payload": event.payload,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    session: Session,
    actor,
    action: str,
    object_type: str,
    object_id: object = None,
    **payload,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction (the caller commits)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    previous = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or str(actor or "system"),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        payload=json.loads(json.dumps(payload, default=str)),
        prev_hash=previous or GENESIS,
    )
    event.hash = _digest(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    problem: str


def verify(session: Session) -> tuple[int, list[ChainProblem]]:
    """Walk the chain; return how many events were checked and every break found."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    count = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        if event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.id, "previous event missing or changed"))
        if _digest(event) != event.hash:
            problems.append(ChainProblem(event.id, "content changed"))
        expected_prev = event.hash
    return count, problems
