"""Use cases of the service catalogue: create, change, deactivate and reactivate service items.

Invariant: once the catalogue has items, exactly one active item is the installation flat fee.
"""

import re
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from portal import audit
from portal.models import Role, ServiceItem, User
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")
_CENT = Decimal("0.01")
_MAX_PRICE = Decimal("9999999999.99")  # what Numeric(12, 2) holds
# Any fixed number: two admins moving the installation-fee flag at once must not both win.
_CATALOGUE_LOCK = 7_231_005


def list_items(session: Session) -> list[ServiceItem]:
    """Every service item: the installation fee first, then active before inactive, by code."""
    query = select(ServiceItem).order_by(
        ServiceItem.is_installation_fee.desc(), ServiceItem.active.desc(), ServiceItem.code
    )
    return list(session.scalars(query))


def create_item(
    session: Session,
    actor: User | None,
    *,
    code: str,
    name_de: str,
    name_en: str,
    unit: str,
    unit_price: Decimal | None,
    is_installation_fee: bool = False,
) -> ServiceItem:
    """Add a service item; flagging it as installation fee takes the flag from the old one."""
    _require_admin(actor)
    code = (code or "").strip().upper()
    problems = {} if _CODE.match(code) else {"code": _("Nur A–Z, 0–9, - und _, bis 40 Zeichen.")}
    values = _clean(problems, name_de=name_de, name_en=name_en, unit=unit, unit_price=unit_price)
    _lock(session)
    if session.scalar(select(ServiceItem.id).where(func.upper(ServiceItem.code) == code)):
        raise Conflict(_("Code schon vergeben."), code=_("Diesen Code gibt es schon."))
    holders = _fee_holders(session)
    if not is_installation_fee and not holders:
        raise Conflict(
            _("Der Katalog braucht zuerst eine Installationspauschale."),
            is_installation_fee=_("Die erste Leistung muss die Installationspauschale sein."),
        )
    item = ServiceItem(code=code, is_installation_fee=is_installation_fee, active=True, **values)
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        "service_item.create",
        "service_item",
        item.id,
        code=code,
        is_installation_fee=is_installation_fee,
        **values,
    )
    if is_installation_fee:
        _take_fee_flag(session, actor, holders)
    session.commit()
    return item


def update_item(
    session: Session,
    actor: User | None,
    item_id: int,
    *,
    name_de: str,
    name_en: str,
    unit: str,
    unit_price: Decimal | None,
    is_installation_fee: bool,
) -> ServiceItem:
    """Change names, unit, price and the installation-fee flag; the code stays as created."""
    _require_admin(actor)
    values = _clean({}, name_de=name_de, name_en=name_en, unit=unit, unit_price=unit_price)
    _lock(session)
    item = _get(session, item_id)
    if item.is_installation_fee and not is_installation_fee:
        raise Conflict(
            _("Es muss immer eine Installationspauschale geben."),
            is_installation_fee=_("Markieren Sie stattdessen eine andere Leistung als Pauschale."),
        )
    if is_installation_fee and not item.active:
        raise Conflict(
            _("Nur eine aktive Leistung kann die Installationspauschale sein."),
            is_installation_fee=_("Bitte die Leistung zuerst wieder aktivieren."),
        )
    values["is_installation_fee"] = is_installation_fee
    changes = {key: value for key, value in values.items() if getattr(item, key) != value}
    if changes:
        holders = [h for h in _fee_holders(session) if h.id != item.id]
        for key, value in changes.items():
            setattr(item, key, value)
        audit.record(session, actor, "service_item.update", "service_item", item.id, **changes)
        if changes.get("is_installation_fee"):
            _take_fee_flag(session, actor, holders)
        session.commit()
    return item


def set_item_active(
    session: Session, actor: User | None, item_id: int, active: bool
) -> ServiceItem:
    """Deactivate (no longer orderable) or reactivate a service item; orders keep their lines."""
    _require_admin(actor)
    _lock(session)
    item = _get(session, item_id)
    if not active and item.is_installation_fee:
        raise Conflict(
            _("Die Installationspauschale bleibt aktiv; markieren Sie zuerst eine andere Leistung.")
        )
    if item.active != active:
        item.active = active
        action = "service_item.activate" if active else "service_item.deactivate"
        audit.record(session, actor, action, "service_item", item.id, code=item.code)
        session.commit()
    return item


def _require_admin(actor: User | None) -> None:
    # actor None means the command line or the demo loader.
    if actor is not None and actor.role != Role.ADMIN:
        raise Forbidden(_("Nur Administratoren dürfen das."))


def _get(session: Session, item_id: int) -> ServiceItem:
    item = session.get(ServiceItem, item_id)
    if item is None:
        raise NotFound(_("Leistung nicht gefunden."))
    return item


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CATALOGUE_LOCK})


def _fee_holders(session: Session) -> list[ServiceItem]:
    query = select(ServiceItem).where(ServiceItem.is_installation_fee, ServiceItem.active)
    return list(session.scalars(query))


def _take_fee_flag(session: Session, actor: User | None, holders: list[ServiceItem]) -> None:
    for holder in holders:
        holder.is_installation_fee = False
        audit.record(
            session,
            actor,
            "service_item.update",
            "service_item",
            holder.id,
            is_installation_fee=False,
        )


def _clean(
    problems: dict[str, str], *, name_de: str, name_en: str, unit: str, unit_price: Decimal | None
) -> dict:
    """Strip and check the editable fields; raise Invalid naming every bad field at once."""
    values = {
        "name_de": (name_de or "").strip(),
        "name_en": (name_en or "").strip(),
        "unit": (unit or "").strip(),
    }
    for key, limit in (("name_de", 200), ("name_en", 200), ("unit", 40)):
        if not values[key]:
            problems[key] = _("Bitte ausfüllen.")
        elif len(values[key]) > limit:
            problems[key] = _("Höchstens %(n)d Zeichen.", n=limit)
    if unit_price is None:
        problems["unit_price"] = _("Bitte einen Preis angeben.")
    elif not unit_price.is_finite() or unit_price < 0 or unit_price > _MAX_PRICE:
        problems["unit_price"] = _("Der Preis muss zwischen 0 und 9.999.999.999,99 € liegen.")
    elif unit_price != unit_price.quantize(_CENT):
        problems["unit_price"] = _("Höchstens zwei Nachkommastellen.")
    else:
        values["unit_price"] = unit_price.quantize(_CENT)
    if problems:
        raise Invalid(_("Bitte die markierten Felder prüfen."), **problems)
    return values
