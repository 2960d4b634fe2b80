"""What the pages show of step 4: the order page's section and the provisioning page.

Read models only: they never change state and never hold a password.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import CloudProvisioning, CustomerContact, Order, User
from portal.services.cloud.history import Access, accesses, current_of, versions_of
from portal.services.cloud.names import CLOUD, Names, names_for
from portal.services.cloud.permissions import cloud_order, may_edit, may_reveal


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
