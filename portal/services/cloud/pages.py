"""What the pages show of step 4: the order page's section, the provisioning page, dashboard flags.

Read models only: they never change state and never hold a password.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import CloudProvisioning, CustomerContact, Order, SetupCall, User
from portal.models.call import BOOKED
from portal.process import completion
from portal.services import calls
from portal.services.cloud.history import Access, accesses, current_of, versions_of
from portal.services.cloud.names import CLOUD, STEP, Names, names_for
from portal.services.cloud.permissions import cloud_order, may_edit, may_reveal

# Warning levels of calls.provisioning_warning() that the dashboard flags.
FLAGGED = ("urgent", "overdue")


@dataclass(frozen=True)
class Section:
    """What the order page shows of the CP Cloud setup."""

    names: Names
    current: CloudProvisioning | None
    accesses: list[Access]
    may_edit: bool
    may_reveal: bool


def order_section(session: Session, actor: User, order: Order, call=...) -> Section | None:
    """The order page's CP Cloud part (None for on-premises orders); at most three queries."""
    if order.deployment != CLOUD:
        return None
    current = current_of(session, order)
    return Section(
        names=names_for(order.short_code),
        current=current,
        accesses=accesses(session, order, limit=10) if current else [],
        may_edit=may_edit(actor, order),
        may_reveal=current is not None and may_reveal(session, actor, order, call),
    )


@dataclass(frozen=True)
class Overview:
    """The provisioning page: the order, every version, the contacts to confirm, the accesses."""

    order: Order
    names: Names
    versions: list[CloudProvisioning]
    contacts: list[CustomerContact]
    accesses: list[Access]
    may_edit: bool
    may_reveal: bool

    @property
    def current(self) -> CloudProvisioning | None:
        """The newest version, or None before the first provisioning."""
        return self.versions[0] if self.versions else None


def overview(session: Session, actor: User, order_id: int) -> Overview:
    """Everything the provisioning page shows; never a password."""
    order = cloud_order(session, actor, order_id)
    contacts = []
    if order.customer_id is not None:
        contacts = list(
            session.scalars(
                select(CustomerContact)
                .where(CustomerContact.customer_id == order.customer_id)
                .order_by(CustomerContact.name)
            )
        )
    versions = versions_of(session, order)
    return Overview(
        order=order,
        names=names_for(order.short_code),
        versions=versions,
        contacts=contacts,
        accesses=accesses(session, order) if versions else [],
        may_edit=may_edit(actor, order),
        may_reveal=bool(versions) and may_reveal(session, actor, order),
    )


def dashboard_flags(session: Session, orders: list[Order]) -> dict[int, str]:
    """Order id -> "urgent"/"overdue" for CP Cloud orders not provisioned whose call is near.

    One query for the whole page; the orders' completions should already be loaded.
    """
    waiting = {o.id: o for o in orders if o.deployment == CLOUD and completion(o, STEP) is None}
    if not waiting:
        return {}
    booked = session.scalars(
        select(SetupCall).where(SetupCall.order_id.in_(list(waiting)), SetupCall.status == BOOKED)
    )
    flags = {}
    for call in booked:
        level = calls.provisioning_warning(waiting[call.order_id], call)
        if level in FLAGGED:
            flags[call.order_id] = level
    return flags
