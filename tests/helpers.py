"""Builders shared by the tests: a catalogue and orders at a given step; mail delivery."""

from decimal import Decimal

from sqlalchemy import select

from portal import worker
from portal.models import ServiceItem, StepCompletion
from portal.services import orders


def deliver(session) -> str:
    """Deliver the outbox as the worker (`flask work`) does: every due mail, once; its summary.

    Requests only queue mail; tests that read what arrived (aiosmtpd, .eml files) call this.
    """
    return worker.JOBS["outbox"](session)


def catalogue(session) -> dict[str, ServiceItem]:
    """The installation fee and two additional services, created once per test database."""
    existing = {item.code: item for item in session.scalars(select(ServiceItem))}
    if existing:
        return existing
    items = {
        "INSTALL": ServiceItem(
            code="INSTALL",
            name_de="Installationspauschale",
            name_en="Installation flat fee",
            unit="pauschal",
            unit_price=Decimal("4800.00"),
            is_installation_fee=True,
        ),
        "TRAINING": ServiceItem(
            code="TRAINING",
            name_de="Anwenderschulung",
            name_en="User training",
            unit="Tag",
            unit_price=Decimal("1200.00"),
        ),
        "REPORTS": ServiceItem(
            code="REPORTS",
            name_de="Berichtsvorlagen",
            name_en="Report templates",
            unit="Stunde",
            unit_price=Decimal("165.50"),
        ),
    }
    session.add_all(items.values())
    session.commit()
    return items


def place(session, world, code="ACME", deployment="on_premises", partner=None, **quantities):
    """Place an order as the partner user (or another partner_staff user)."""
    items = catalogue(session)
    return orders.place_order(
        session,
        partner or world.partner,
        customer_name=f"{code} GmbH",
        short_code=code,
        license_model="rent",
        deployment=deployment,
        language="de",
        quantities={items[k].id: v for k, v in quantities.items()},
    )


def accept(session, world, order):
    """Accept an order as the back office with the world's project lead."""
    return orders.accept_order(session, world.backoffice, order.id, world.lead.id)


def mark_done(session, order, step: str, by=None, **details) -> None:
    """Record a step as done directly (what its use case would record), with its details, e.g.
    mark_done(session, order, "schedule_call", starts_at=...): for tests about progress and
    deadlines rather than the step itself. Commits."""
    session.add(
        StepCompletion(
            order_id=order.id,
            step=step,
            completed_by_id=by.id if by is not None else None,
            details={
                k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in details.items()
            },
        )
    )
    session.commit()
