"""Append-only, hash-chained audit log: record an event, refuse a change, sign and verify the chain.

The hash chain shows a changed or removed event anywhere before the newest one. Someone who can
write the database can still cut off the newest events and recompute every hash; checkpoints,
the chain's head signed with the audit key (AUDIT_KEY_FILE, never in the database), give that
away: a checkpointed event that is gone or different fails `verify`.
"""

import base64
import binascii
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal import license
from portal.models import AuditCheckpoint, AuditEvent, utcnow

GENESIS = "0" * 64
# Any fixed number: serialises writers of the chain across app instances on PostgreSQL.
_CHAIN_LOCK = 7_231_004
CHECKPOINT_FORMAT = "cpce-audit-checkpoint/1"
# What `verify` finds, by kind (English: the command line prints them; the admin page translates).
PROBLEMS = {
    "link": "previous event missing or changed",
    "content": "content changed",
    "signature": "checkpoint signature invalid (forged, changed or signed with another key)",
    "missing": "checkpointed event missing: events were removed",
    "differs": "differs from its checkpoint: the chain was rewritten",
}


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


def refuse(
    session: Session,
    actor,
    error: Exception,
    thing: str,
    object_type: str,
    object_id: object = None,
    **payload,
) -> NoReturn:
    """Refuse a change: audit "<thing>.refused" with the reason, committed on its own, and raise.

    error is the use case's DomainError; its message is the reason recorded.
    """
    # The refused transaction goes first: nothing of it may land with the event, and the
    # event must not wait for locks that transaction holds (the chain lock among them).
    session.rollback()
    record(
        session,
        actor,
        f"{thing}.refused",
        object_type,
        object_id,
        reason=getattr(error, "message", str(error)),
        **payload,
    )
    session.commit()
    raise error


# -- checkpoints -----------------------------------------------------------------------------


def checkpoint_key() -> Ed25519PrivateKey:
    """The key that signs checkpoints, from AUDIT_KEY_FILE (created on first use outside production)."""
    production = current_app.config.get("ENV_NAME") == "production"
    return license.key_from_file(Path(current_app.config["AUDIT_KEY_FILE"]), production)


def _signed_text(event_id: int, event_hash: str, signed_at) -> bytes:
    body = {
        "format": CHECKPOINT_FORMAT,
        "event_id": event_id,
        "hash": event_hash,
        "at": signed_at.isoformat(timespec="microseconds"),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def signature_valid(checkpoint: AuditCheckpoint, public_key: Ed25519PublicKey) -> bool:
    """Whether the checkpoint was signed by this key over its own event id, hash and time."""
    if checkpoint.key_id != license.key_id(public_key):
        return False
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        public_key.verify(
            signature,
            _signed_text(checkpoint.event_id, checkpoint.event_hash, checkpoint.signed_at),
        )
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def newest_checkpoint(session: Session) -> AuditCheckpoint | None:
    """The checkpoint of the furthest event (the last one written among equals)."""
    return session.scalar(
        select(AuditCheckpoint)
        .order_by(AuditCheckpoint.event_id.desc(), AuditCheckpoint.id.desc())
        .limit(1)
    )


class ChainBroken(Exception):
    """The chain after the newest checkpoint does not hold together: nothing is signed."""


def checkpoint(session: Session, key: Ed25519PrivateKey) -> AuditCheckpoint | None:
    """Sign the chain's head and commit; None when there is no event or the head is signed already.

    Only a chain that holds together from the newest checkpoint on is signed, so a checkpoint
    never vouches for a rewritten end.
    """
    last = newest_checkpoint(session)
    expected_prev, after = GENESIS, 0
    if last is not None:
        anchor = session.get(AuditEvent, last.event_id)
        if not signature_valid(last, key.public_key()):
            raise ChainBroken(f"checkpoint {last.id}: {PROBLEMS['signature']}")
        if anchor is None or anchor.hash != last.event_hash:
            kind = "missing" if anchor is None else "differs"
            raise ChainBroken(f"event {last.event_id}: {PROBLEMS[kind]}")
        expected_prev, after = last.event_hash, last.event_id
    head = None
    for event in session.scalars(
        select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id)
    ):
        if event.prev_hash != expected_prev or _digest(event) != event.hash:
            raise ChainBroken(f"event {event.id}: {PROBLEMS['link']}")
        expected_prev, head = event.hash, event
    if head is None:
        return None
    signed_at = utcnow()
    row = AuditCheckpoint(
        event_id=head.id,
        event_hash=head.hash,
        signed_at=signed_at,
        key_id=license.key_id(key.public_key()),
        signature=base64.b64encode(key.sign(_signed_text(head.id, head.hash, signed_at))).decode(),
    )
    session.add(row)
    session.commit()
    return row


# -- verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    problem: str
    kind: str = ""
    checkpoint_id: int | None = None


def _problem(event_id: int, kind: str, checkpoint_id: int | None = None) -> ChainProblem:
    return ChainProblem(event_id, PROBLEMS[kind], kind, checkpoint_id)


def verify(
    session: Session, public_key: Ed25519PublicKey | None = None
) -> tuple[int, list[ChainProblem]]:
    """Walk the chain; return how many events were checked and every break found.

    With the audit public key, every checkpoint is checked too: its signature, and that its
    event is still there with the hash it had when signed.
    """
    problems: list[ChainProblem] = []
    pending: dict[int, list[AuditCheckpoint]] = defaultdict(list)
    if public_key is not None:
        for mark in session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)):
            if signature_valid(mark, public_key):
                pending[mark.event_id].append(mark)
            else:
                problems.append(_problem(mark.event_id, "signature", mark.id))
    expected_prev = GENESIS
    count = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        if event.prev_hash != expected_prev:
            problems.append(_problem(event.id, "link"))
        if _digest(event) != event.hash:
            problems.append(_problem(event.id, "content"))
        for mark in pending.pop(event.id, ()):
            if mark.event_hash != event.hash:
                problems.append(_problem(event.id, "differs", mark.id))
        expected_prev = event.hash
    for event_id, marks in sorted(pending.items()):
        problems.extend(_problem(event_id, "missing", mark.id) for mark in marks)
    return count, problems
