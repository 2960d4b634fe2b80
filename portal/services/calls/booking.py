"""Booking the call (step 3 `schedule_call`): book or move it, cancel it, its .ics file.

A booking checks the time again against everyone's calendars, keeps the call's UID and raises
its SEQUENCE on every change, queues the invitations (and a CANCEL for those taken off), plans
the staff calendar writes for the worker, releases the times still on offer, and completes the
step; a cancellation opens the step again. Each commits once.

A call recorded as held is neither moved nor cancelled: its record, protocol and package name
its time. A call that really took place before its booked time is moved there first, with
its invitations (took_place), instead of being recorded before it began.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.calendar import invite
from portal.models import CallEvent, CallParticipant, SetupCall, StepCompletion, User, utcnow
from portal.models.call import BOOKED, CANCELLED
from portal.process import completion
from portal.services import access, calendar_sync
from portal.services.call_invitation import attendance, attendance_of, domain, invitation
from portal.services.calls.availability import require_free
from portal.services.calls.guards import planning_order
from portal.services.calls.mails import send_invitations, send_links
from portal.services.calls.participants import Invitee, resolve
from portal.services.calls.queries import call_of, open_offers
from portal.services.calls.rules import check_duration, check_text, parse_start
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.order_of_events import past_start_problem


def book(
    session: Session,
    actor: User,
    order_id: int,
    *,
    invitees: list[Invitee],
    start: str | datetime,
    duration: int,
    location: str = "",
    video_url: str = "",
    agenda: str = "",
) -> None:
    """Book (or move) the call at a time checked again against the calendars.

    Invitations go to the outbox and staff calendars to the calendar writes: the worker
    delivers both, so nothing here waits on a mail or calendar server.
    """
    order = planning_order(session, actor, order_id)
    schedule(
        session,
        order,
        actor,
        actor.email,
        resolve(session, order, invitees),
        parse_start(start),
        duration,
        location,
        video_url,
        agenda,
    )


def refuse_when_held(order) -> None:
    """A call recorded as held keeps its time: its protocol and package name it."""
    if completion(order, "hold_call") is not None:
        raise Conflict(
            _(
                "Der Setup Call ist schon als durchgeführt erfasst; sein Termin lässt sich nicht "
                "mehr ändern."
            )
        )


def schedule(
    session,
    order,
    booker: User,
    by_label: str,
    attendance,
    starts_at,
    duration,
    location,
    video_url,
    agenda,
    *,
    took_place: bool = False,
) -> None:
    """Book or move the call for people already resolved: the partner's booking, the customer's
    pick. The first booking sends the contacts their links; a move cancels for those removed.

    took_place: the call already happened at `starts_at` (checked by the caller to lie in the
    past); the calendars are not asked then, the people were there.
    """
    refuse_when_held(order)
    check_duration(duration)
    if not took_place and starts_at <= utcnow():
        raise Invalid(_("Der Termin liegt in der Vergangenheit."))
    check_text(location, video_url, agenda)
    if not took_place:
        require_free(session, order, attendance, starts_at, duration)
    call = call_of(session, order)
    first = call is None or call.status == CANCELLED
    removed: list[CallParticipant] = []
    if call is None:
        call = SetupCall(
            order_id=order.id, uid=invite.new_uid(domain()), sequence=0, booked_by_id=booker.id
        )
        session.add(call)
    else:
        call.sequence += 1
        keep = {
            (p.user.id if p.user else None, p.contact.id if p.contact else None) for p in attendance
        }
        if not first:  # after a cancellation everyone already has their CANCEL
            removed = [p for p in call.participants if (p.user_id, p.contact_id) not in keep]
        for participant in list(call.participants):
            call.participants.remove(participant)
    call.status = BOOKED
    call.starts_at, call.ends_at = starts_at, starts_at + timedelta(minutes=duration)
    call.location, call.video_url, call.agenda = location.strip(), video_url.strip(), agenda.strip()
    call.updated_at = utcnow()
    call.participants.extend(
        CallParticipant(
            user_id=p.user.id if p.user else None,
            contact_id=p.contact.id if p.contact else None,
            required=p.required,
        )
        for p in attendance
    )
    session.flush()
    kind = "booked" if first else "rescheduled"
    removed_people = [attendance_of(p) for p in removed]
    call.history.append(
        CallEvent(
            kind=kind,
            sequence=call.sequence,
            starts_at=call.starts_at,
            ends_at=call.ends_at,
            by=by_label,
            details={"removed": [p.email for p in removed_people]}
            | ({"took_place": True} if took_place else {}),
        )
    )
    send_invitations(
        session, order, call, attendance, "REQUEST", "call_invitation", took_place=took_place
    )
    if removed_people:
        # RFC 5546 3.2.5: a CANCEL that uninvites lists the attendees being removed.
        send_invitations(session, order, call, removed_people, "CANCEL", "call_cancelled")
    if first:
        send_links(session, order, [p for p in attendance if p.contact])
    _complete_step(session, order, call, booker)
    calendar_sync.plan(
        session,
        call,
        [p.user for p in attendance if p.user],
        [p.user for p in removed_people if p.user],
    )
    for offer in open_offers(session, order):
        offer.status = "withdrawn"  # a booked call releases every time still on offer
    audit.record(
        session,
        by_label,
        f"call.{kind}",
        "setup_call",
        call.id,
        order_id=order.id,
        starts_at=call.starts_at.isoformat(),
        sequence=call.sequence,
        participants=[p.email for p in attendance],
        **({"took_place": True} if took_place else {}),
    )
    session.commit()


def took_place_at(session: Session, actor: User, order_id: int, start: str | datetime) -> None:
    """The call already took place at `start` (in the past): move it there, with invitations.

    The same participants, length, place and agenda; everyone gets the change (REQUEST with the
    next SEQUENCE). Only a booked call not yet recorded as held; not before the order's
    acceptance. Audited as call.rescheduled with took_place.
    """
    order = planning_order(session, actor, order_id)
    call = call_of(session, order)
    if call is None or call.status != BOOKED:
        raise Conflict(_("Es ist kein Setup Call gebucht."))
    refuse_when_held(order)
    starts_at = parse_start(start)
    accepted = completion(order, "accept")
    problem = past_start_problem(starts_at, utcnow(), accepted.completed_at if accepted else None)
    if problem == "future":
        raise Invalid(
            _(
                "Dieser Zeitpunkt liegt nicht in der Vergangenheit. Einen künftigen Termin bitte "
                "über die Suche nach freien Terminen wählen."
            )
        )
    if problem == "too_early":
        raise Invalid(_("Dieser Zeitpunkt liegt vor der Annahme der Bestellung."))
    schedule(
        session,
        order,
        actor,
        actor.email,
        attendance(call),
        starts_at,
        int((call.ends_at - call.starts_at).total_seconds() // 60),
        call.location,
        call.video_url,
        call.agenda,
        took_place=True,
    )


def _complete_step(session, order, call, actor: User) -> None:
    """Step schedule_call is done, with the call's start (its due date for provisioning)."""
    scheduled = session.scalar(
        select(StepCompletion).where(
            StepCompletion.order_id == order.id, StepCompletion.step == "schedule_call"
        )
    )
    details = {"starts_at": call.starts_at.isoformat(), "call_id": call.id}
    if scheduled is None:
        session.add(
            StepCompletion(
                order_id=order.id, step="schedule_call", completed_by_id=actor.id, details=details
            )
        )
    else:
        scheduled.details = details


def cancel(session: Session, actor: User, order_id: int, reason: str = "") -> None:
    """Cancel the call: METHOD:CANCEL to every attendee; the step is open again."""
    order = planning_order(session, actor, order_id)
    call = call_of(session, order)
    if call is None or call.status != BOOKED:
        raise Conflict(_("Es ist kein Setup Call gebucht."))
    refuse_when_held(order)
    call.sequence += 1
    call.status = CANCELLED
    call.updated_at = utcnow()
    people = attendance(call)
    call.history.append(
        CallEvent(
            kind="cancelled",
            sequence=call.sequence,
            starts_at=call.starts_at,
            ends_at=call.ends_at,
            by=actor.email,
            details={"reason": reason[:500]},
        )
    )
    send_invitations(session, order, call, people, "CANCEL", "call_cancelled")
    calendar_sync.plan(session, call, [p.user for p in people if p.user], [])
    # Through the ORM, not a bulk delete, so the order's due index sees the step reopen.
    for booked in session.scalars(
        select(StepCompletion).where(
            StepCompletion.order_id == order.id, StepCompletion.step == "schedule_call"
        )
    ):
        session.delete(booked)
    session.flush()
    audit.record(
        session,
        actor,
        "call.cancel",
        "setup_call",
        call.id,
        order_id=order.id,
        sequence=call.sequence,
    )
    session.commit()


def ics(session: Session, actor: User, order_id: int) -> bytes:
    """The call's current state as an .ics file (PUBLISH-free, as a calendar would store it)."""
    order = access.get_order(session, actor, order_id)
    call = call_of(session, order)
    if call is None:
        raise NotFound(_("Es ist kein Setup Call gebucht."))
    return invite.calendar(
        invitation(order, call, attendance(call), call.status == CANCELLED), None
    )
