"""`flask demo load`: demo organisations, one user per role, a catalogue and three orders.

The third order has gone through the setup call up to the approved protocol, so that the
documentation package and the offer can be tried at once.
"""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal import samples
from portal.extensions import db
from portal.models import (
    CallParticipant,
    Order,
    Organisation,
    OrgKind,
    OutboxMessage,
    Role,
    ServiceItem,
    SetupCall,
    StepCompletion,
    User,
)
from portal.services import (
    accounts,
    calls,
    diagrams,
    drafts,
    links,
    orders,
    protocol,
    responses,
    review,
)
from portal.services.clock import work_calendar

DEMO_PASSWORD = "onboarding-demo"  # noqa: S105 (demo only; refused in production)

USERS = (
    ("partner@cp.example", "Paula Partner", Role.PARTNER_STAFF, "CP"),
    ("backoffice@saxess.example", "Bernd Backoffice", Role.VENDOR_BACKOFFICE, "Saxess"),
    ("lead@saxess.example", "Lena Projektleiterin", Role.PROJECT_LEAD, "Saxess"),
    ("architect@saxess.example", "Arne Architekt", Role.IT_ARCHITECT, "Saxess"),
    ("technician@saxess.example", "Tina Technikerin", Role.TECHNICIAN, "Saxess"),
    ("editor@saxess.example", "Edda Editorin", Role.QUESTIONNAIRE_EDITOR, "Saxess"),
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
        click.echo(f"  {role.value:<20} {email:<28} {name}")


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
    _documented_order(session, users)


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
            max_ = calls.add_contact(
                session,
                users[Role.PARTNER_STAFF],
                order.id,
                name="Max Mustermann",
                email="max.mustermann@mueller.example",
                role="IT-Leitung",
                phone="+49 351 1234-0",
            )
            # Halfway through the technical questionnaire: the answers in flight that the
            # studio's demo moves to a new version (README, "Questionnaire studio").
            saved = drafts.save(
                session,
                order,
                "technical",
                base_version=0,
                changes=IN_FLIGHT,
                author="Max Mustermann",
            )
            if not saved.saved:
                raise RuntimeError(f"demo answers refused: {saved.errors}")
            # Max has had his links for days and the call is 3 working days ahead: the worker's
            # first pass sends him a reminder (README, "Reminders and the overdue digest").
            links.send_to_contacts(session, users[Role.PARTNER_STAFF], order.id, [max_.id])
            _upcoming_call(session, users, order, max_)
        # Both were placed (and Müller accepted) 4 working days ago: Nordlicht's acceptance,
        # due within 2, is overdue on the dashboard and in the back office's digest.
        _as_of(session, order, working_days=4)


IN_FLIGHT = {
    "cloud_access_path": "remote_desktop",
    "named_users": 25,
    "concurrent_users": 12,
    "mfa_required": True,
    "maintenance_windows": "Samstag 20–24 Uhr",
}

DOCUMENTED = ("Sonnental Energie GmbH", "SONNE")
# Answers the call changed, with the reason noted: (questionnaire, pointer, final, comment).
CHANGES = (
    (
        "technical",
        "/named_users",
        "30",
        "Im Setup Call auf 30 Anwender erhöht (Controlling kommt dazu).",
    ),
)


def _documented_order(session, users) -> None:
    """An order whose setup call is held and protocol approved, through the same services."""
    name, code = DOCUMENTED
    if session.scalar(select(Order.id).where(Order.short_code == code)) is not None:
        return
    partner, lead = users[Role.PARTNER_STAFF], users[Role.PROJECT_LEAD]
    items = {i.code: i for i in session.scalars(select(ServiceItem))}
    order = orders.place_order(
        session,
        partner,
        customer_name=name,
        short_code=code,
        license_model="purchase",
        deployment="on_premises",
        language="de",
        quantities={items["INTERFACE"].id: "2"},
    )
    orders.accept_order(session, users[Role.VENDOR_BACKOFFICE], order.id, lead.id)
    contact = calls.add_contact(
        session,
        partner,
        order.id,
        name="Sabine Sonnenschein",
        email="sabine.sonnenschein@sonnental.example",
        role="Leitung Rechnungswesen",
        phone="+49 761 555-0",
    )
    _held_call(session, users, order, contact)
    for kind, answers in (("technical", samples.ON_PREMISES), ("business", samples.BUSINESS)):
        drafts.save(session, order, kind, base_version=0, changes=answers, author=contact.name)
        responses.submit(session, order, kind, author=contact.name)
        _review(session, partner, order, kind)
    technical = responses.find(session, order, "technical")
    draft = diagrams.prefill(order, technical.data)
    diagrams.save(session, users[Role.IT_ARCHITECT], order.id, draft.systems, draft.flows)
    protocol.confirm_contacts(
        session,
        lead,
        order.id,
        [
            {
                "id": contact.id,
                "role": contact.role,
                "email": contact.email,
                "phone": contact.phone,
                "attended": True,
            }
        ],
    )
    protocol.complete_call(session, partner, order.id)
    fields = protocol.initial_fields(session, order, calls.call_of(session, order)) | {
        "topics": "Datenquellen SAP und DATEV, Benutzer und Anmeldung, Berichte",
        "decisions": "Monatlicher Import aus SAP als CSV, täglicher Import aus DATEV über ODBC.",
        "open_points": [
            {
                "text": "Firewall-Freigabe für den Proxy beantragen",
                "owner": "Sabine Sonnenschein",
                "due": (
                    datetime.now(ZoneInfo("Europe/Berlin")).date() + timedelta(days=14)
                ).isoformat(),
            }
        ],
        "services": [
            {"service_item_id": str(items["TRAINING-DAY"].id), "quantity": "2"},
            {"service_item_id": str(items["REPORTS"].id), "quantity": "12"},
        ],
    }
    saved = protocol.save_draft(session, partner, order.id, fields, None)
    submitted = protocol.submit(session, partner, order.id, saved.version)
    protocol.approve(session, lead, order.id, submitted.version)
    _as_of(session, order, working_days=6)  # placed and accepted well before its call


def _as_of(session, order, working_days: int) -> None:
    """Date what the demo just did for an order back to 09:00 that many working days ago: its
    placement, its acceptance, its questionnaire links and the mails that brought them."""
    berlin = ZoneInfo("Europe/Berlin")
    day = work_calendar().shift(datetime.now(berlin).date(), -working_days)
    then = datetime(day.year, day.month, day.day, 9, 0, tzinfo=berlin)
    order.created_at = then
    for done in order.completions:
        if done.step in ("order", "accept"):
            done.completed_at = then
    for link in order.links:
        link.expires_at -= link.created_at - then  # the same validity, from the earlier day
        link.created_at = then
    mailed = [sent["message_id"] for link in order.links for sent in link.sent_to or []]
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(mailed))):
        row.created_at = then
    session.commit()


def _upcoming_call(session, users, order, contact) -> None:
    """A call 3 working days ahead at 10:00, written directly (booking asks the calendars)."""
    berlin = ZoneInfo("Europe/Berlin")
    day = work_calendar().shift(datetime.now(berlin).date(), 3)
    starts = datetime(day.year, day.month, day.day, 10, 0, tzinfo=berlin)
    _write_call(session, users, order, contact, starts)


def _held_call(session, users, order, contact) -> None:
    """Yesterday's call, written directly: booking refuses times in the past."""
    berlin = ZoneInfo("Europe/Berlin")
    day = datetime.now(berlin).date() - timedelta(days=1)
    starts = datetime(day.year, day.month, day.day, 10, 0, tzinfo=berlin)
    _write_call(session, users, order, contact, starts)


def _write_call(session, users, order, contact, starts) -> None:
    """The booked call with the whole team and the contact, and its step."""
    call = SetupCall(
        order_id=order.id,
        uid=f"{uuid.uuid4()}@demo",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        location="Videokonferenz",
        booked_by_id=users[Role.PARTNER_STAFF].id,
    )
    call.participants = [
        CallParticipant(user_id=users[role].id)
        for role in (Role.PARTNER_STAFF, Role.PROJECT_LEAD, Role.IT_ARCHITECT, Role.TECHNICIAN)
    ] + [CallParticipant(contact_id=contact.id)]
    session.add(call)
    session.add(
        StepCompletion(
            order_id=order.id,
            step="schedule_call",
            completed_by_id=users[Role.PARTNER_STAFF].id,
            details={"starts_at": starts.isoformat()},
        )
    )
    session.commit()


def _review(session, partner, order, kind: str) -> None:
    """Accept every answer but the ones CHANGES lists, then freeze the questionnaire."""
    changes = {pointer: (final, comment) for k, pointer, final, comment in CHANGES if k == kind}
    for row in review.workspace(session, partner, order.id, kind).rows:
        final, comment = changes.get(row.pointer, ("", ""))
        review.save_review(
            session,
            partner,
            order.id,
            kind,
            row.pointer,
            status="changed" if row.pointer in changes else "accepted",
            final=final,
            comment=comment,
            version=row.version,
        )
    review.finalise(session, partner, order.id, kind)
