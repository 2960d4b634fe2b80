"""Use cases of steps 1 and 2: place an order (partner) and accept it (vendor back office)."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit, questionnaires
from portal import license as licensing
from portal.models import (
    DEPLOYMENTS,
    LICENSE_MODELS,
    Customer,
    CustomerGrant,
    License,
    Order,
    OrderLine,
    Role,
    ServiceItem,
    StepCompletion,
    User,
    utcnow,
)
from portal.process import completion
from portal.services import access, links
from portal.services.errors import Conflict, Forbidden, Invalid

SHORT_CODE = re.compile(r"^[A-Z0-9]{2,10}$")
MAX_QUANTITY = Decimal("1000")


def normalise_short_code(raw: str) -> str:
    """Upper-case and trim a short code as typed."""
    return (raw or "").strip().upper()


def _parse_quantity(raw) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        return None
    return value


def place_order(
    session: Session,
    actor: User,
    *,
    customer_name: str,
    short_code: str,
    license_model: str,
    deployment: str,
    language: str,
    quantities: dict[int, object],
) -> Order:
    """Step 1: a partner orders CPCE for a new customer; quantities map service item id -> amount."""
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(_("Nur Mitarbeiter eines Partners bestellen Lizenzen."))
    errors: dict[str, str] = {}
    customer_name = " ".join((customer_name or "").split())
    code = normalise_short_code(short_code)
    if not 2 <= len(customer_name) <= 200:
        errors["customer_name"] = _("Bitte den Kundennamen angeben (2 bis 200 Zeichen).")
    if not SHORT_CODE.match(code):
        errors["short_code"] = _(
            "Das Kundenkürzel besteht aus 2 bis 10 Buchstaben A-Z oder Ziffern, ohne Leer- und Sonderzeichen."
        )
    elif _short_code_taken(session, code):
        errors["short_code"] = _("Das Kundenkürzel %(code)s ist schon vergeben.", code=code)
    if license_model not in LICENSE_MODELS:
        errors["license_model"] = _("Bitte Miete oder Kauf wählen.")
    if deployment not in DEPLOYMENTS:
        errors["deployment"] = _("Bitte on-premises oder CP Cloud wählen.")
    if language not in ("de", "en"):
        errors["language"] = _("Bitte Deutsch oder Englisch wählen.")
    lines = _order_lines(session, quantities, errors)
    if errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **errors)

    order = Order(
        partner_id=actor.organisation_id,
        placed_by_id=actor.id,
        customer_name=customer_name,
        short_code=code,
        license_model=license_model,
        deployment=deployment,
        language=language,
        lines=lines,
    )
    order.completions.append(StepCompletion(step="order", completed_by_id=actor.id))
    session.add(order)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            _("Das Kundenkürzel %(code)s ist schon vergeben.", code=code),
            short_code=_("Das Kundenkürzel %(code)s ist schon vergeben.", code=code),
        ) from None
    audit.record(
        session,
        actor,
        "order.place",
        "order",
        order.id,
        short_code=code,
        customer=customer_name,
        license_model=license_model,
        deployment=deployment,
        lines=[f"{line.quantity} × {line.name_de} à {line.unit_price}" for line in lines],
    )
    session.commit()
    return order


def _short_code_taken(session: Session, code: str) -> bool:
    in_orders = select(Order.id).where(func.upper(Order.short_code) == code)
    in_customers = select(Customer.id).where(func.upper(Customer.short_code) == code)
    return bool(session.scalar(in_orders.limit(1)) or session.scalar(in_customers.limit(1)))


def _order_lines(session: Session, quantities: dict[int, object], errors: dict) -> list[OrderLine]:
    items = {item.id: item for item in session.scalars(select(ServiceItem))}
    fee = next((i for i in items.values() if i.is_installation_fee and i.active), None)
    if fee is None:
        errors["lines"] = _("Im Leistungskatalog fehlt die Installationspauschale.")
        return []
    lines = [_line(fee, Decimal("1"), 1)]
    for item_id, raw in sorted(quantities.items()):
        if raw in (None, ""):
            continue
        item = items.get(item_id)
        quantity = _parse_quantity(raw)
        if item is None or not item.active or item.is_installation_fee:
            errors["lines"] = _("Eine gewählte Leistung gibt es nicht (mehr) im Katalog.")
        elif quantity is None or quantity < 0 or quantity > MAX_QUANTITY:
            errors[f"qty_{item_id}"] = _(
                "Menge als Zahl zwischen 0 und 1000 mit höchstens zwei Nachkommastellen angeben."
            )
        elif quantity > 0:
            lines.append(_line(item, quantity, len(lines) + 1))
    return lines


def _line(item: ServiceItem, quantity: Decimal, position: int) -> OrderLine:
    return OrderLine(
        position=position,
        service_item_id=item.id,
        name_de=item.name_de,
        name_en=item.name_en,
        unit=item.unit,
        unit_price=item.unit_price,
        quantity=quantity,
    )


@dataclass(frozen=True)
class Acceptance:
    order: Order
    license: License
    # Plain tokens of the links in the first acceptance mail (each partner staff member gets
    # their own), handed out once: only their hashes are stored.
    tokens: dict[str, str]


def accept_order(session: Session, actor: User, order_id: int, project_lead_id: int) -> Acceptance:
    """Step 2: create the customer record, grant the partner, issue the license and the links."""
    if actor.role != Role.VENDOR_BACKOFFICE:
        raise Forbidden(_("Nur das Backoffice des Herstellers nimmt Bestellungen an."))
    order = access.get_order(session, actor, order_id)
    if completion(order, "accept") is not None:
        raise Conflict(_("Diese Bestellung ist schon angenommen."))
    lead = session.get(User, project_lead_id)
    if lead is None or lead.role != Role.PROJECT_LEAD or not lead.active:
        raise Invalid(
            _("Bitte einen Projektleiter wählen."),
            project_lead=_("Bitte einen aktiven Projektleiter wählen."),
        )
    now = utcnow()
    customer = Customer(name=order.customer_name, short_code=order.short_code)
    customer.grants.append(CustomerGrant(organisation_id=order.partner_id, granted_by_id=actor.id))
    order.customer = customer
    order.project_lead = lead
    # Answers are given against the versions current now; a newer version reaches this order
    # only through an editor's migration (portal/services/studio).
    order.questionnaire_versions = {
        k: questionnaires.latest(session, k) for k in questionnaires.KINDS
    }
    license_ = License(
        order=order, customer=customer, issued_at=now, document=_license_text(order, now)
    )
    issued = links.issue_all(session, order, now)
    order.completions.append(
        StepCompletion(
            step="accept",
            completed_by_id=actor.id,
            completed_at=now,
            details={"project_lead_id": lead.id},
        )
    )
    session.add(license_)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(_("Diese Bestellung ist schon angenommen.")) from None
    _send_confirmation(session, order, issued)
    audit.record(
        session,
        actor,
        "order.accept",
        "order",
        order.id,
        customer_id=customer.id,
        project_lead=lead.email,
        partner_granted=order.partner_id,
        license_id=license_.id,
    )
    session.commit()
    return Acceptance(order, license_, issued.tokens)


def _license_text(order: Order, now: datetime) -> str:
    term = current_app.config["LICENSE_RENT_TERM_MONTHS"] if order.license_model == "rent" else None
    valid_until = _add_months(now.date(), term).isoformat() if term else None
    payload = {
        "license_id": str(uuid.uuid4()),
        "product": "CPCE",
        "customer": order.customer_name,
        "short_code": order.short_code,
        "license_model": order.license_model,
        "deployment": order.deployment,
        "issued_on": now.astimezone(UTC).date().isoformat(),
        "term_months": term,
        "valid_until": valid_until,
        "partner": order.partner.name,
    }
    return licensing.sign(payload, licensing.signing_key())


def _add_months(day, months: int):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # The last day of a shorter month stands in for a day it does not have (31 Jan + 1 -> 28 Feb).
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _send_confirmation(session: Session, order: Order, issued: links.Issued) -> None:
    recipients = session.scalars(
        select(User).where(
            User.organisation_id == order.partner_id,
            User.role == Role.PARTNER_STAFF,
            User.active.is_(True),
        )
    )
    for user in recipients:
        issued.mail_to(
            session, user, "order_accepted", order=order, recipient=user, lead=order.project_lead
        )
