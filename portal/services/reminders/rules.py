"""Pure rules of reminders and digests: no Flask, no database.

Which reminder threshold a day has reached, and who answers for an overdue step.
"""

from datetime import datetime

from portal.workdays import WorkCalendar

# Who is responsible for each step when it is overdue, by the audience the digest goes to.
PARTNER_STAFF = "partner_staff"  # the order's partner staff
BACK_OFFICE = "back_office"  # every active vendor back-office user
PROJECT_LEAD = "project_lead"  # the order's project lead

RESPONSIBLE: dict[str, str] = {
    "accept": BACK_OFFICE,
    "schedule_call": PARTNER_STAFF,
    "provision_cloud": PARTNER_STAFF,
    # The customer's step: the partner staff who look after the customer answer for it.
    "answer_questionnaires": PARTNER_STAFF,
    "hold_call": PARTNER_STAFF,
    "approve_protocol": PROJECT_LEAD,
    "send_package": PARTNER_STAFF,
}


def responsible(step_key: str) -> str | None:
    """The audience that answers for an overdue step (None: nobody gets a digest for it)."""
    return RESPONSIBLE.get(step_key)


def threshold_reached(
    call_start: datetime, now: datetime, thresholds: tuple[int, ...], calendar: WorkCalendar
) -> int | None:
    """The latest reminder threshold (working days before the call) that today has reached.

    None before the first threshold and once the call has started. A day past several
    thresholds gives only the nearest to the call: a worker that was down sends one reminder,
    not one per missed threshold.
    """
    if now >= call_start:
        return None
    call_day = calendar.local_date(call_start)
    today = calendar.local_date(now)
    reached = [n for n in thresholds if today >= calendar.shift(call_day, -n)]
    return min(reached) if reached else None


def reminder_key(order_id: int, call_day, threshold: int) -> str:
    """The ledger key of one order's reminder at one threshold before a call on `call_day`
    (local): a call moved to another day, or booked anew, is reminded of afresh."""
    return f"{reminder_prefix(order_id, call_day)}t{threshold}"


def reminder_prefix(order_id: int, call_day) -> str:
    """What the keys of every reminder before one call day share."""
    return f"order:{order_id}:questionnaires:{call_day.isoformat()}:"


def digest_key(day) -> str:
    """The ledger key of the digest of one local day."""
    return f"digest:{day.isoformat()}"


def digest_due(now: datetime, hour: int, calendar: WorkCalendar) -> bool:
    """Whether the digest of today may go out: a working day, at or after the hour (local)."""
    local = now.astimezone(calendar.zone)
    return calendar.is_working_day(local.date()) and local.hour >= hour
