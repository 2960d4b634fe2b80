"""The pages of steps 6 and 7: the contacts to confirm, the protocol, the order page's part.

Read side only: each function loads what one page shows and says what the signed-in user may
do there; the use cases that change state live in contacts.py, hold_call.py, drafting.py and
approval.py. The labels are shared with the package PDF (portal.services.package_content).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    CallAttendance,
    ContactConfirmation,
    CustomerContact,
    Order,
    Protocol,
    Role,
    ServiceItem,
    SetupCall,
    StepCompletion,
    User,
    utcnow,
)
from portal.models.protocol import APPROVED, DRAFT, RETURNED, SUBMITTED
from portal.process import STEP_BY_KEY, completion, is_actionable_by
from portal.services import calls
from portal.services.access import accepted_order
from portal.services.protocol import adoption
from portal.services.protocol.adoption import Offer
from portal.services.protocol.contacts import (
    confirmation_of,
    contacts_confirmed,
    contacts_of,
    contacts_order,
)
from portal.services.protocol.drafting import (
    attendee_choices,
    initial_fields,
    protocol_of,
    service_catalogue,
)
from portal.services.protocol.guards import (
    HOLD_CALL,
    is_lead,
    may_draft,
    step_open,
)
from portal.services.protocol.hold_call import (
    berlin_moment,
    missing_for_call,
    missing_labels,
    waits_for_start,
)
from portal.services.protocol.rules import fields_of

STATUS_LABELS = {
    DRAFT: _l("Entwurf"),
    SUBMITTED: _l("zur Freigabe eingereicht"),
    APPROVED: _l("freigegeben"),
    RETURNED: _l("zur Überarbeitung zurückgegeben"),
}
ROLE_LABELS = {
    Role.PARTNER_STAFF: _l("Partner"),
    Role.PROJECT_LEAD: _l("Projektleiter"),
    Role.IT_ARCHITECT: _l("IT-Architekt"),
    Role.TECHNICIAN: _l("Techniker"),
    Role.VENDOR_BACKOFFICE: _l("Backoffice"),
    Role.ADMIN: _l("Administrator"),
}


def role_label(role: str) -> str:
    """A staff role's name, or a contact's own role text."""
    label = ROLE_LABELS.get(role)
    return str(label) if label is not None else role


# ---------------------------------------------------------------- contacts page


@dataclass(frozen=True)
class ContactRow:
    """A customer contact with what the lead confirmed about the call, if anything yet."""

    contact: CustomerContact
    attended: bool | None
    invited: bool


@dataclass(frozen=True)
class ContactsPage:
    """The contacts confirmation page: the order, its contacts, the last confirmation."""

    order: Order
    rows: list[ContactRow]
    confirmation: ContactConfirmation | None
    offers: list[Offer]  # the people the customer named in the questionnaires


def contacts_page(session: Session, actor: User, order_id: int) -> ContactsPage:
    """The contacts to confirm, for the order's project lead only."""
    order = contacts_order(session, actor, order_id)
    attended = {
        a.contact_id: a.attended
        for a in session.scalars(select(CallAttendance).where(CallAttendance.order_id == order.id))
    }
    call = calls.call_of(session, order)
    invited = {p.contact_id for p in call.participants} if call else set()
    rows = [ContactRow(c, attended.get(c.id), c.id in invited) for c in contacts_of(session, order)]
    return ContactsPage(
        order, rows, confirmation_of(session, order), adoption.offers(session, order)
    )


# ---------------------------------------------------------------- the protocol page


@dataclass(frozen=True)
class ProtocolPage:
    """What the protocol page shows to the signed-in user."""

    order: Order
    protocol: Protocol | None
    call: SetupCall | None
    choices: list[dict[str, Any]]
    items: list[ServiceItem]
    may_edit: bool
    may_decide: bool
    call_held: bool
    call_missing: list[str]
    call_starts: datetime | None  # the booked start while it lies ahead

    @property
    def call_missing_text(self) -> list[str]:
        """The translated names of what recording the call as held still needs."""
        return missing_labels(self.call_missing)

    @property
    def call_starts_text(self) -> str:
        """The call's start in Europe/Berlin while it lies ahead, else ""."""
        return berlin_moment(self.call_starts) if self.call_starts else ""

    @property
    def status(self) -> str:
        """The protocol's status; a page without a protocol is a draft to be."""
        return self.protocol.status if self.protocol else DRAFT

    def fields(self, session: Session) -> dict[str, Any]:
        """The editor's starting values: the stored draft, or a new one from the call."""
        if self.protocol is not None:
            return fields_of(self.protocol)
        return initial_fields(session, self.order, self.call)


def page(session: Session, actor: User, order_id: int) -> ProtocolPage:
    """The protocol of an order for everyone who may see the order."""
    order = accepted_order(session, actor, order_id)
    protocol = protocol_of(session, order)
    call = calls.call_of(session, order)
    status = protocol.status if protocol else DRAFT
    held = completion(order, HOLD_CALL) is not None
    return ProtocolPage(
        order=order,
        protocol=protocol,
        call=call,
        choices=attendee_choices(session, order, protocol, call),
        items=service_catalogue(session),
        may_edit=may_draft(actor, order) and status in (DRAFT, RETURNED),
        may_decide=is_lead(actor, order) and status == SUBMITTED,
        call_held=held,
        call_missing=[] if held else missing_for_call(session, order),
        call_starts=None if held else waits_for_start(call, utcnow()),
    )


# ---------------------------------------------------------------- the order page's part


@dataclass(frozen=True)
class Section:
    """The order page's part on the setup call's outcome."""

    held: StepCompletion | None
    missing: list[str]
    may_complete: bool
    starts: datetime | None  # the booked start while it lies ahead: no recording before it
    may_move: bool  # partner staff may move the call to when it really took place
    confirmation: ContactConfirmation | None
    contacts_confirmed: bool
    may_confirm: bool
    protocol: Protocol | None

    @property
    def missing_text(self) -> list[str]:
        """The translated names of what the call still needs."""
        return missing_labels(self.missing)

    @property
    def starts_text(self) -> str:
        """The call's start in Europe/Berlin while it lies ahead, else ""."""
        return berlin_moment(self.starts) if self.starts else ""

    @property
    def protocol_status(self) -> str:
        """The translated protocol status, or "" before the first draft."""
        return str(STATUS_LABELS[self.protocol.status]) if self.protocol else ""


def order_section(session: Session, actor: User, order: Order) -> Section | None:
    """The order page's setup call outcome (None before acceptance); a handful of queries."""
    if order.customer_id is None:
        return None
    confirmation = confirmation_of(session, order)
    held = completion(order, HOLD_CALL)
    missing = [] if held else missing_for_call(session, order, confirmation)
    starts = None if held else waits_for_start(calls.call_of(session, order), utcnow())
    return Section(
        held=held,
        missing=missing,
        may_complete=not held
        and not missing
        and starts is None
        and is_actionable_by(STEP_BY_KEY[HOLD_CALL], actor, order)
        and step_open(order, HOLD_CALL),
        starts=starts,
        may_move=actor.role == Role.PARTNER_STAFF,
        confirmation=confirmation,
        contacts_confirmed=(
            contacts_confirmed(session, order, confirmation) if held else "contacts" not in missing
        ),
        may_confirm=is_lead(actor, order),
        protocol=protocol_of(session, order),
    )
