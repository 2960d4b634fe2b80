"""Staff CalDAV calendars follow the setup call; no request waits on a calendar server.

Booking, moving and cancelling a call record, in their own transaction, what each staff
participant's CalDAV calendar must show (`plan`): the call's current state, or nothing. The
worker (`flask work`, job "calendars") writes what is due (`write_due`): one row at a time,
holding it by a lease instead of a lock while it talks to the server, retrying failures with
back-off until the calendar matches the call. The call planning page reads the outcome
(`states`).
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal import vault
from portal.calendar import invite, reach, sources
from portal.models import (
    CalendarWrite,
    CallParticipant,
    Order,
    SetupCall,
    StaffCalendar,
    User,
    utcnow,
)
from portal.models.call import BOOKED, CANCELLED, DELETE, FAILING, PENDING, PUT, WRITTEN
from portal.services import call_invitation

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # far beyond one write (sources.DEFAULT_TIMEOUT)
BACKOFF_START = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)  # a calendar is retried for as long as it differs from the call
SUPERSEDED = "superseded"  # a request changed the row while it was written: written again


def backoff(attempts: int) -> timedelta:
    """The wait after `attempts` failed writes: 1, 2, 4, ... minutes, at most an hour."""
    return min(BACKOFF_START * 2 ** min(max(attempts - 1, 0), 20), BACKOFF_CAP)


def _caldav_of(session: Session, user_ids: list[int]) -> dict[int, StaffCalendar]:
    """The users among user_ids whose calendar the portal can write (CalDAV with a URL)."""
    found = session.scalars(select(StaffCalendar).where(StaffCalendar.user_id.in_(user_ids)))
    return {s.user_id: s for s in found if s.source == "caldav" and s.url}


def _mark(row: CalendarWrite, action: str, now: datetime) -> None:
    """Make the row say what the calendar must show now, due at once, as a new revision."""
    row.action, row.state = action, PENDING
    row.revision = (row.revision or 0) + 1
    row.attempts, row.next_attempt_at, row.changed_at = 0, now, now
    row.last_error = row.last_status = None


def plan(session: Session, call: SetupCall, present: list[User], removed: list[User]) -> None:
    """In the caller's transaction: what each staff CalDAV calendar must show of the call now."""
    now = utcnow()
    action = DELETE if call.status == CANCELLED else PUT
    wanted = [(u, action) for u in present] + [(u, DELETE) for u in removed]
    writable = _caldav_of(session, [u.id for u, _ in wanted])
    kept = {writable[u.id].url for u, a in wanted if a == PUT and u.id in writable}
    rows = {
        row.user_id: row
        for row in session.scalars(select(CalendarWrite).where(CalendarWrite.call_id == call.id))
    }
    for user, todo in wanted:
        row = rows.get(user.id)
        settings = writable.get(user.id)
        # No calendar to write; or a removed person shares the calendar the call stays in.
        if settings is None or (todo == DELETE and settings.url in kept):
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = CalendarWrite(call_id=call.id, user_id=user.id, revision=0)
            session.add(row)
        _mark(row, todo, now)


def follow_settings(session: Session, user: User, settings: StaffCalendar) -> None:
    """After the user connected another calendar: their upcoming calls are written to it."""
    rows = {
        row.call_id: row
        for row in session.scalars(select(CalendarWrite).where(CalendarWrite.user_id == user.id))
    }
    if settings.source != "caldav" or not settings.url:
        for row in rows.values():
            session.delete(row)  # nothing the portal can write any more
        return
    now = utcnow()
    upcoming = session.scalars(
        select(SetupCall)
        .join(CallParticipant)
        .where(
            CallParticipant.user_id == user.id,
            SetupCall.status == BOOKED,
            SetupCall.ends_at > now,
        )
    ).all()
    for call in upcoming:
        row = rows.pop(call.id, None)
        if row is None:
            row = CalendarWrite(call_id=call.id, user_id=user.id, revision=0)
            session.add(row)
        _mark(row, PUT, now)
    for row in rows.values():
        if row.state != WRITTEN:
            _mark(row, row.action, now)  # try again now, with the new settings


def write_due(session: Session) -> Counter:
    """Write every calendar due now once, each in its own transactions; count the outcomes."""
    now = utcnow()  # fixed: a row that fails now is not due again within this pass
    outcomes: Counter = Counter()
    done: list[int] = []
    while (claimed := _claim(session, now, done)) is not None:
        row_id, revision = claimed
        done.append(row_id)
        outcomes[_write(session, row_id, revision)] += 1
    return outcomes


def _claim(session: Session, now: datetime, done: list[int]) -> tuple[int, int] | None:
    """Lease the next due row (other workers skip it); returns its id and revision."""
    query = (
        select(CalendarWrite)
        .where(
            CalendarWrite.state != WRITTEN,
            CalendarWrite.next_attempt_at <= now,
            or_(CalendarWrite.claimed_until.is_(None), CalendarWrite.claimed_until < now),
        )
        .order_by(CalendarWrite.next_attempt_at, CalendarWrite.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if done:
        query = query.where(CalendarWrite.id.not_in(done))
    row = session.scalars(query).first()
    if row is None:
        session.rollback()
        return None
    row.claimed_until = utcnow() + LEASE
    claimed = (row.id, row.revision)
    session.commit()
    return claimed


def _write(session: Session, row_id: int, revision: int) -> str:
    """Bring one calendar in line with the call; the outcome is recorded by _record."""
    row = session.get(CalendarWrite, row_id)
    if row is None:  # the call was deleted meanwhile
        return _record(session, row_id, revision)
    settings = _caldav_of(session, [row.user_id]).get(row.user_id)
    if settings is None:  # the user disconnected the calendar since
        return _record(session, row_id, revision, gone=True)
    try:
        password = vault.reveal(settings.password) if settings.password_id else ""
        todo = (settings.url, settings.username or "", password, row.call.uid)
        body = _stored_event(session, row.call) if row.action == PUT else None
        # No transaction stays open while the calendar server is asked.
        session.commit()
        if body is None:
            sources.delete_event(*todo, policy=reach.policy())
        else:
            sources.put_event(*todo, body, policy=reach.policy())
    except sources.CalendarUnavailable as error:
        log.info("calendar write %s: %s", row_id, error)
        return _record(session, row_id, revision, error.kind, error.status)
    except vault.VaultError as error:
        log.warning("calendar write %s: %s", row_id, error)
        return _record(session, row_id, revision, reach.VAULT)
    # A bug or a broken row must neither stop the queue nor be retried without a limit on noise.
    except Exception:
        log.exception("calendar write %s failed", row_id)
        return _record(session, row_id, revision, "error")
    return _record(session, row_id, revision)


def _stored_event(session: Session, call: SetupCall) -> bytes:
    """The call's current state as a calendar stores it (the invitation without METHOD)."""

    order = session.get(Order, call.order_id)
    return invite.calendar(
        call_invitation.invitation(order, call, call_invitation.attendance(call)), None
    )


def _record(
    session: Session,
    row_id: int,
    revision: int,
    error: str | None = None,
    status: int | None = None,
    *,
    gone: bool = False,
) -> str:
    """Store the outcome, unless a request changed the row meanwhile; release the lease."""
    session.rollback()
    row = session.get(CalendarWrite, row_id, with_for_update=True, populate_existing=True)
    if row is None:
        outcome = "gone"
    elif row.revision != revision:
        row.claimed_until, outcome = None, SUPERSEDED
    elif gone:
        session.delete(row)
        outcome = "gone"
    elif error is None:
        row.claimed_until, row.state, row.written_at = None, WRITTEN, utcnow()
        row.last_error = row.last_status = None
        outcome = WRITTEN
    else:
        row.claimed_until, row.state = None, FAILING
        row.attempts += 1
        row.last_error, row.last_status = error, status
        row.next_attempt_at = utcnow() + backoff(row.attempts)
        outcome = FAILING
    session.commit()
    return outcome


@dataclass(frozen=True)
class CalendarState:
    """How one staff participant's calendar stands with the call, for the planning page."""

    name: str
    action: str | None  # put, delete; None: the portal writes no calendar of this person
    state: str | None  # pending, written, failing
    reason: str | None = None  # what went wrong, for the user
    next_attempt_at: datetime | None = None
    written_at: datetime | None = None
    participant: bool = True  # False: removed from the call, their copy is being deleted
    connected: bool = True  # has a CalDAV calendar the portal can write


def states(session: Session, call: SetupCall) -> list[CalendarState]:
    """Each staff participant's calendar: written, pending, failing (and why), or not written."""
    rows = {
        row.user_id: row
        for row in session.scalars(select(CalendarWrite).where(CalendarWrite.call_id == call.id))
    }
    staff = [p.user for p in call.participants if p.user is not None]
    writable = _caldav_of(session, [u.id for u in staff])
    result = []
    for user in staff:
        row = rows.pop(user.id, None)
        if row is None:
            result.append(CalendarState(user.name, None, None, connected=user.id in writable))
        else:
            result.append(_state(user.name, row, True))
    # People removed from the call whose copy is still being deleted.
    for row in rows.values():
        if row.state != WRITTEN:
            result.append(_state(row.user.name, row, False))
    return result


def _state(name: str, row: CalendarWrite, participant: bool) -> CalendarState:
    reason = reach.reason(row.last_error, row.last_status) if row.last_error else None
    return CalendarState(
        name,
        row.action,
        row.state,
        reason,
        row.next_attempt_at if row.state == FAILING else None,
        row.written_at if row.state == WRITTEN else None,
        participant,
    )
