"""`flask demo load`: demo organisations, one user per role, a catalogue and two orders."""

from decimal import Decimal

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order, Organisation, OrgKind, Role, ServiceItem, User
from portal.services import accounts, calls, orders

DEMO_PASSWORD = "onboarding-demo"  # noqa: S105 (demo only; refused in production)

USERS = (
    ("partner@cp.example", "Paula Partner", Role.PARTNER_STAFF, "CP"),
    ("backoffice@saxess.example", "Bernd Backoffice", Role.VENDOR_BACKOFFICE, "Saxess"),
    ("lead@saxess.example", "Lena Projektleiterin", Role.PROJECT_LEAD, "Saxess"),
    ("architect@saxess.example", "Arne Architekt", Role.IT_ARCHITECT, "Saxess"),
    ("technician@saxess.example", "Tina Technikerin", Role.TECHNICIAN, "Saxess"),
    ("admin@saxess.example", "Adam Admin", Role.ADMIN, "Saxess"),
)

CATALOGUE = (
    ("INSTALL", "Installationspauschale", "Installation flat fee", "pauschal", "4800.00", True),
    ("CONSULT-DAY", "Beratung vor Ort", "On-site consulting", "Tag", "1400.00", False),
    ("TRAINING-DAY", "Anwenderschulung", "User training", "Tag", "1200.00", False),
    ("DATA-MIGRATION", "Datenübernahme aus Altsystem", "Data migration", "Tag", "1250.00", False),
    ("INTERFACE", "Schnittstelle einrichten", "Interface set-up", "Stück", "950.00", False),
    (
        "REPORTS",
        "Berichtsvorlagen anpassen",
        "Report template customising",
        "Stunde",
        "165.00",
        False,
    ),
)


@click.group("demo")
def demo_group():
    """Demo data commands."""


@demo_group.command("load")
@with_appcontext
def load_command():
    """Load the demo data (safe to run again) and print the demo logins."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("refusing to load demo data in production")
    load(db.session)
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, name, role, _org in USERS:
        click.echo(f"  {role.value:<18} {email:<28} {name}")


def load(session) -> None:
    """Create whatever part of the demo data is missing."""
    orgs = {}
    for name, kind in (("Saxess", OrgKind.VENDOR), ("CP", OrgKind.PARTNER)):
        orgs[name] = session.scalar(select(Organisation).where(Organisation.name == name))
        if orgs[name] is None:
            orgs[name] = accounts.create_organisation(session, None, name=name, kind=kind)
    users = {}
    for email, name, role, org in USERS:
        users[role] = session.scalar(select(User).where(User.email == email))
        if users[role] is None:
            users[role] = accounts.create_user(
                session,
                None,
                email=email,
                name=name,
                role=role,
                organisation_id=orgs[org].id,
                password=DEMO_PASSWORD,
            )
    for code, name_de, name_en, unit, price, is_fee in CATALOGUE:
        if session.scalar(select(ServiceItem.id).where(ServiceItem.code == code)) is None:
            session.add(
                ServiceItem(
                    code=code,
                    name_de=name_de,
                    name_en=name_en,
                    unit=unit,
                    unit_price=Decimal(price),
                    is_installation_fee=is_fee,
                )
            )
    session.commit()
    _demo_orders(session, users)


def _demo_orders(session, users) -> None:
    items = {i.code: i.id for i in session.scalars(select(ServiceItem))}
    demo = (
        ("Müller Maschinenbau GmbH", "MUELLER", "rent", "cp_cloud", {"TRAINING-DAY": "2"}, True),
        ("Nordlicht Handel AG", "NORDL", "purchase", "on_premises", {"INTERFACE": "3"}, False),
    )
    for name, code, model, deployment, qty, accept in demo:
        if session.scalar(select(Order.id).where(Order.short_code == code)) is not None:
            continue
        order = orders.place_order(
            session,
            users[Role.PARTNER_STAFF],
            customer_name=name,
            short_code=code,
            license_model=model,
            deployment=deployment,
            language="de",
            quantities={items[k]: v for k, v in qty.items()},
        )
        if accept:
            orders.accept_order(
                session, users[Role.VENDOR_BACKOFFICE], order.id, users[Role.PROJECT_LEAD].id
            )
            calls.add_contact(
                session,
                users[Role.PARTNER_STAFF],
                order.id,
                name="Max Mustermann",
                email="max.mustermann@mueller.example",
                role="IT-Leitung",
                phone="+49 351 1234-0",
            )
