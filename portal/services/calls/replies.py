"""Attendees' answers to the invitation: recording one, and reading them from the mailbox.

An answer comes by mail (an iTIP REPLY in the organizer's mailbox, read by the worker job
`replies`) or by the personal answer link (portal.services.calls.answers). Both end in
record(): an answer to any SEQUENCE but the call's current one is stale and ignored, and so is
a mail against an answer given by link to the same version; the same answer again changes
nothing; anything else is written with a compare-and-set, so two workers reading the same mail
record it once. A new decline tells the partner staff by mail (once per participant and version
of the call), in the same transaction.
"""

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal import audit, mail
from portal.calendar import reply as itip
from portal.mail import imap
from portal.models import CallParticipant, NotificationSent, Order, SetupCall, utcnow
from portal.models.call import BOOKED, DECLINED
from portal.services import recipients
from portal.services.call_invitation import attendance_of
from portal.services.calls import attention
from portal.services.reminders import ledger

CALL_DECLINED = "call_declined"  # the ledger kind of the partner's decline mails

log = logging.getLogger("portal.replies")

RECORDED = "recorded"
UNCHANGED = "unchanged"  # the same answer to the same SEQUENCE: nothing new
STALE = "stale"
RACED = "raced"  # someone else changed the answer meanwhile; try again


def record(
    session: Session,
    participant: CallParticipant,
    partstat: str,
    sequence: int,
    via: str,
    at: datetime | None = None,
) -> str:
    """Write one answer if it is news, audit it, mail the partner staff about a new decline.

    The caller commits (or rolls back on anything but RECORDED)."""
    call = participant.call
    at = min(at or utcnow(), utcnow())
    if sequence != call.sequence:
        # An older version's answer, or one to a version the portal never sent (a forged
        # SEQUENCE must not lock the real answers out).
        return STALE
    same_sequence = participant.partstat_sequence == sequence
    if same_sequence and participant.partstat == partstat:
        return UNCHANGED
    if same_sequence and via == "imap" and participant.partstat_via == "link":
        # The link proves its holder; a mail's sender can be forged. A later mail does not
        # overturn an answer given by link to the same version (the link can change it).
        return STALE
    if same_sequence and via == "imap" and participant.partstat_at and at < participant.partstat_at:
        return STALE  # an older mail about the same version, read after a newer answer
    before = participant.partstat
    changed = session.execute(
        update(CallParticipant)
        .where(
            CallParticipant.id == participant.id,
            CallParticipant.partstat.is_not_distinct_from(before),
            CallParticipant.partstat_sequence.is_not_distinct_from(participant.partstat_sequence),
        )
        .values(partstat=partstat, partstat_sequence=sequence, partstat_at=at, partstat_via=via)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        return RACED
    session.refresh(participant)
    person = attendance_of(participant)
    audit.record(
        session,
        person.email,
        "call.answer",
        "setup_call",
        call.id,
        order_id=call.order_id,
        partstat=partstat,
        sequence=sequence,
        via=via,
        before=before,
    )
    still_ahead = call.status == BOOKED and call.ends_at > utcnow()
    if partstat == DECLINED and before != DECLINED and still_ahead:
        _tell_partner(session, call, participant, person)
    return RECORDED


def _tell_partner(session: Session, call: SetupCall, participant: CallParticipant, person) -> None:
    # Once per participant and version of the call: answers going back and forth mail no one
    # twice. The ledger row goes in with the answer (the caller commits both).
    order = session.get(Order, call.order_id)
    link = f"{current_app.config['BASE_URL']}/orders/{order.id}/call"
    key = f"call:{call.id}:v{call.sequence}:participant:{participant.id}"
    required = attention.is_required(participant)
    for user in recipients.partner_staff(session, order):
        if ledger.already_sent(session, CALL_DECLINED, key, user.email):
            continue
        session.add(
            NotificationSent(
                kind=CALL_DECLINED, key=key, recipient=user.email.lower(), order_id=order.id
            )
        )
        mail.queue_template(
            session,
            to=user.email,
            language=user.language,
            template="call_declined",
            order=order,
            call=call,
            person=person,
            recipient=user,
            required=required,
            link=link,
        )


def participant_for(session: Session, answer: itip.Reply) -> CallParticipant | None:
    """The participant an iTIP answer is from: the call by UID, the person by address."""
    call = session.scalar(select(SetupCall).where(SetupCall.uid == answer.uid))
    if call is None:
        return None
    for participant in call.participants:
        if attendance_of(participant).email.strip().lower() == answer.attendee:
            return participant
    return None


def record_message(session: Session, raw: bytes) -> str:
    """Record every answer one mail carries, in one transaction; RECORDED, UNCHANGED, STALE,
    RACED, or "ignored" for a message that is no answer the portal can use (logged here)."""
    try:
        answers = itip.from_message(raw)
    except itip.NotAReply as problem:
        log.warning("mailbox message ignored: %s", problem)
        return "ignored"
    outcomes = []
    for answer in answers:
        participant = participant_for(session, answer)
        if participant is None:
            log.warning(
                "mailbox reply ignored: no participant %r in a call with UID %r",
                answer.attendee[:254],
                answer.uid[:200],
            )
            outcomes.append("ignored")
            continue
        outcome = record(
            session, participant, answer.partstat, answer.sequence, "imap", answer.stamp
        )
        if outcome == STALE:
            log.info(
                "stale reply ignored: %r answered SEQUENCE %s of call %s (now %s)",
                answer.attendee,
                answer.sequence,
                participant.call_id,
                participant.call.sequence,
            )
        outcomes.append(outcome)
    if RACED in outcomes:
        session.rollback()
        return RACED
    session.commit()
    for outcome in (RECORDED, UNCHANGED, STALE):
        if outcome in outcomes:
            return outcome
    return "ignored"


def read_mailbox(session: Session) -> dict[str, int]:
    """The worker job: every message in the organizer's mailbox the portal has not dealt with,
    once; how many of each outcome. Without IMAP_HOST it does nothing; a server that fails
    raises (the job reports it); a message that cannot be dealt with is set aside and logged,
    and the others are read."""
    settings = imap.Settings.from_config(current_app.config)
    if not settings.host:
        return {}
    counts: dict[str, int] = {}
    with imap.opened(settings) as box:
        for uid in box.oversized():
            log.warning("mailbox message ignored: larger than %d bytes", imap.MAX_BYTES)
            box.flag(uid, imap.IGNORED)
            counts["ignored"] = counts.get("ignored", 0) + 1
        for uid in box.waiting():
            raw = box.fetch(uid)
            if raw is None:
                continue
            try:
                outcome = record_message(session, raw)
            except Exception as error:  # one bad message must not stop the others
                session.rollback()
                log.warning("mailbox message ignored: %s: %.200s", type(error).__name__, error)
                outcome = "ignored"
            if outcome == RACED:
                continue  # not flagged: the next pass reads it again
            if outcome == "ignored":
                box.flag(uid, imap.IGNORED)  # left unread for a human, not logged again
            elif outcome == STALE:
                box.flag(uid, imap.SEEN, imap.IGNORED)
            else:
                box.flag(uid, imap.SEEN, imap.RECORDED)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts
