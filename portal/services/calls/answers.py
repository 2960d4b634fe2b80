"""Personal answer links: accept, tentative or decline an invitation without an account.

Every invitation (a booking or a move, not a cancellation) mints each recipient a fresh token of
256 random bits; only its SHA-256 is stored on the participant, and the mail carries it sealed
until delivery (portal.mail.Secrets). A move mints new tokens, so the links of an older
invitation stop working; every link stops a week after its call ended. The answer is recorded
like a mailed iTIP REPLY (portal.services.calls.replies.record), against the call's current
SEQUENCE.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import mail
from portal.models import CallParticipant, Order, utcnow
from portal.models.call import ANSWERS, CANCELLED
from portal.services.call_invitation import attendance_of
from portal.services.calls import replies
from portal.services.errors import Conflict, Invalid, NotFound

PATH = "/a/"
LINK_AFTER_CALL = timedelta(days=7)


def hash_token(token: str) -> str:
    """The stored form of an answer token."""
    return hashlib.sha256(token.encode()).hexdigest()


def mint(participant: CallParticipant, hidden: mail.Secrets) -> dict[str, str]:
    """A fresh token for the participant (replacing the one before); the three answer URLs with
    the token as a placeholder for the outbox to seal, keyed by answer."""
    token = secrets.token_urlsafe(32)
    participant.answer_token_hash = hash_token(token)
    base = f"{current_app.config['BASE_URL']}{PATH}{hidden.hide(token)}"
    return {answer: f"{base}?answer={answer}" for answer in ANSWERS}


def _gone() -> NotFound:
    return NotFound(
        _(
            "Dieser Antwort-Link gilt nicht (mehr). Wurde der Termin verschoben und ist noch eine "
            "Antwort nötig, enthält die neueste Einladung per E-Mail Ihre gültigen Links."
        )
    )


def redeem(session: Session, token: str) -> tuple[int, str, str]:
    """The participant a token belongs to, the token's hash (for the session) and the
    participant's language; NotFound for an unknown token and for one since replaced."""
    digest = hash_token(token)
    participant = session.scalar(
        select(CallParticipant).where(CallParticipant.answer_token_hash == digest)
    )
    if participant is None or _expired(participant):
        raise _gone()
    return participant.id, digest, attendance_of(participant).language


def _participant(session: Session, participant_id: int, digest: str | None) -> CallParticipant:
    participant = session.get(CallParticipant, participant_id)
    if participant is None or not digest or participant.answer_token_hash != digest:
        raise _gone()
    if _expired(participant):
        raise _gone()
    return participant


def _expired(participant: CallParticipant) -> bool:
    # A link outlives its call by a week (the page then says the call is over), no longer.
    return participant.call.ends_at + LINK_AFTER_CALL < utcnow()


@dataclass(frozen=True)
class AnswerPage:
    """What the answer page shows: the call, who answers, the answer recorded so far."""

    participant_id: int
    name: str
    customer_name: str
    starts_at: datetime
    ends_at: datetime
    location: str
    video_url: str
    cancelled: bool
    over: bool  # the call has ended: nobody needs to answer any more
    answer: str | None
    answered_at: datetime | None


def page(session: Session, participant_id: int, digest: str | None) -> AnswerPage:
    """The answer page of a participant whose link is still valid; NotFound otherwise."""
    participant = _participant(session, participant_id, digest)
    call = participant.call
    order = session.get(Order, call.order_id)
    current = participant.partstat if participant.partstat_sequence == call.sequence else None
    return AnswerPage(
        participant_id=participant.id,
        name=attendance_of(participant).name,
        customer_name=order.customer_name,
        starts_at=call.starts_at,
        ends_at=call.ends_at,
        location=call.location,
        video_url=call.video_url,
        cancelled=call.status == CANCELLED,
        over=call.ends_at <= utcnow(),
        answer=current,
        answered_at=participant.partstat_at if current else None,
    )


def answer(session: Session, participant_id: int, digest: str | None, partstat: str) -> str:
    """Record the participant's answer to the call as it stands; commits. Invalid for an
    unknown answer, Conflict for a cancelled call or a concurrent change."""
    participant = _participant(session, participant_id, digest)
    if partstat not in ANSWERS:
        raise Invalid(_("Bitte wählen Sie Zusage, Vorbehalt oder Absage."))
    call = participant.call
    if call.status == CANCELLED:
        raise Conflict(_("Dieser Termin wurde abgesagt; eine Antwort ist nicht mehr nötig."))
    if call.ends_at <= utcnow():
        raise Conflict(_("Dieser Termin ist vorbei; eine Antwort ist nicht mehr nötig."))
    outcome = replies.record(session, participant, partstat, call.sequence, "link")
    if outcome not in (replies.RECORDED, replies.UNCHANGED):
        session.rollback()
        raise Conflict(_("Ihre Antwort hat sich gerade geändert. Bitte versuchen Sie es erneut."))
    session.commit()
    return outcome
