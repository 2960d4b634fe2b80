"""Step 3 `schedule_call` of portal/process.py: partner staff find a time and book the setup call.

The partner chooses the participants (staff, the order's project lead among them, and customer
contacts), searches the next ten working days for times at which every required person is free
(working hours, their calendars, calls booked in the portal, times held by open offers), and
books one, or offers a few to the customer contacts, who pick one through their link. A booking
can be moved or cancelled; the call keeps its UID and raises its SEQUENCE each time.

Invitations follow RFC 5545/5546/6047 (portal.calendar.invite) and go out through the outbox
in the same transaction as the change. Staff CalDAV calendars are written by the worker: the
change records what each must show (portal.services.calendar_sync), so no request waits on a
calendar server, and one that cannot be reached is retried until it matches the call.
Where things live:

- rules.py         the pure rules: durations, the search window, a start time, the call's
                   texts, a new contact, working hours, who blocks a time, the warning level
                   (no Flask app, no database)
- queries.py       small loaders: the order's call, the open offer(s)
- guards.py        the checks every use case shares: partner staff only, an accepted order
- participants.py  who takes part (invitees resolved, strangers refused); adding a contact
- availability.py  busy times (staff calendars, the portal), the search, the free check
- booking.py       use cases: book or move, cancel, the .ics; completing the step; moving
                   the call to when it really took place (took_place_at); none once held
- slot_offer.py    use cases: offer times to the customer, the customer's pick
- mails.py         the invitations and cancellations, the link mails (links, offers)
- pages.py         what the pages show besides the call: the provisioning warning, answers
- answers.py       use cases: the personal answer links (minted with each invitation)
- replies.py       recording an answer (link or mail); the worker job reading the mailbox
- attention.py     calls a required participant declined, for the dashboard and the pages

Reading the booking page's forms is the blueprint's (portal/calls/forms.py). Callers outside
this package use the names below.
"""

from portal.services.calls.availability import search
from portal.services.calls.booking import book, cancel, ics, took_place_at
from portal.services.calls.pages import answer_rows, declined_required_names, provisioning_warning
from portal.services.calls.participants import Invitee, add_contact
from portal.services.calls.queries import call_of, open_offer
from portal.services.calls.slot_offer import offer, pick

__all__ = [
    "Invitee",
    "add_contact",
    "answer_rows",
    "book",
    "call_of",
    "cancel",
    "declined_required_names",
    "ics",
    "offer",
    "open_offer",
    "pick",
    "provisioning_warning",
    "search",
    "took_place_at",
]
