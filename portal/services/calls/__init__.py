"""Use cases of step 3: find a time in everyone's calendar, book, offer, reschedule, cancel.

Invitations follow RFC 5545/5546/6047 (portal.calendar.invite) and go out through the outbox
in the same transaction as the change. Staff CalDAV calendars are written by the worker: the
change records what each must show (portal.services.calendar_sync), so no request waits on a
calendar server, and one that cannot be reached is retried until it matches the call.
"""

from datetime import date

from portal.models import Order, SetupCall, utcnow
from portal.models.call import BOOKED
from portal.process import completion
from portal.services.calls.availability import search
from portal.services.calls.booking import book, cancel, ics
from portal.services.calls.participants import Invitee, add_contact
from portal.services.calls.queries import call_of, open_offer
from portal.services.calls.rules import BERLIN, warning_level
from portal.services.calls.slot_offer import offer, pick

__all__ = [
    "Invitee",
    "add_contact",
    "book",
    "call_of",
    "cancel",
    "ics",
    "offer",
    "open_offer",
    "pick",
    "provisioning_warning",
    "search",
]


def provisioning_warning(
    order: Order, call: SetupCall | None, today: date | None = None
) -> str | None:
    """For a CP Cloud order whose database is not ready: a warning level that grows as the call nears."""
    if order.deployment != "cp_cloud" or call is None or call.status != BOOKED:
        return None
    if completion(order, "provision_cloud") is not None:
        return None
    today = today or utcnow().astimezone(BERLIN).date()
    return warning_level(call.starts_at.astimezone(BERLIN).date(), today)
