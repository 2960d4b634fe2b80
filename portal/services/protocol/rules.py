"""Pure rules of steps 6 and 7: what a confirmed contact and a protocol's fields must be.

Plain values in, plain values out: no Flask, no session, no queries. The use cases hand in
what they loaded (the attendee choices, the service catalogue); every check names the field
it refuses, so the page can mark it. tests/unit/test_protocol_rules.py tests them without an app.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from portal.calendar import invite
from portal.services.errors import Invalid
from portal.services.fields import iso_date
from portal.services.fields import text as field_text

if TYPE_CHECKING:  # only names for the hints: the rules read attributes, they run no query
    from portal.models import Order, Protocol, ServiceItem

TEXT_MAX, POINT_MAX, OWNER_MAX, ROLE_MAX, COMMENT_MAX = 20_000, 500, 120, 120, 2_000
QUANTITY_MAX = Decimal("9999")
_PHONE = re.compile(r"\+?[0-9 ()/.\-]{3,60}")


# ---------------------------------------------------------------- contacts (step 6)


def _clean_contact(entry: dict, errors: dict[str, str]) -> dict[str, Any]:
    key = f"contact-{entry['id']}"
    role = " ".join(str(entry.get("role") or "").split())
    email = str(entry.get("email") or "").strip().lower()
    phone = " ".join(str(entry.get("phone") or "").split())
    if not 1 <= len(role) <= ROLE_MAX:
        errors[f"{key}-role"] = _("Bitte die Funktion angeben (höchstens 120 Zeichen).")
    try:
        invite.check_email(email)
    except ValueError:
        errors[f"{key}-email"] = _("Bitte eine gültige E-Mail-Adresse angeben.")
    if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 3):
        errors[f"{key}-phone"] = _(
            "Bitte eine gültige Telefonnummer angeben (Ziffern, +, Leerzeichen)."
        )
    return {
        "role": role,
        "email": email,
        "phone": phone or None,
        "attended": bool(entry.get("attended")),
    }


def clean_contacts(given: dict[int, dict]) -> dict[int, dict[str, Any]]:
    """Contact id -> role, email, phone, attended as stored; Invalid names every bad field.

    Two contacts may not share an email address: the second one's address is refused.
    """
    errors: dict[str, str] = {}
    cleaned = {cid: _clean_contact({"id": cid, **entry}, errors) for cid, entry in given.items()}
    seen: dict[str, int] = {}
    for cid, values in cleaned.items():
        if values["email"] in seen:
            errors[f"contact-{cid}-email"] = _(
                "Diese E-Mail-Adresse hat schon ein anderer Ansprechpartner."
            )
        seen.setdefault(values["email"], cid)
    if errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **errors)
    return cleaned


# ---------------------------------------------------------------- the protocol's fields (step 7)


def read_quantity(raw: str) -> Decimal | None:
    """An agreed service's quantity: above 0, at most 9999, two decimals; None if not that."""
    try:
        value = Decimal(raw.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    if (
        not value.is_finite()
        or value <= 0
        or value > QUANTITY_MAX
        or -value.as_tuple().exponent > 2
    ):
        return None
    return value


def _clean_points(fields: dict, errors: dict[str, str]) -> list[dict[str, str]]:
    points = []
    for i, raw in enumerate(fields.get("open_points") or []):
        text, owner = field_text(raw, "text"), " ".join(field_text(raw, "owner").split())
        due_raw = field_text(raw, "due")
        if not (text or owner or due_raw):
            continue  # an empty row of the form
        if not 1 <= len(text) <= POINT_MAX:
            errors[f"point-{i}-text"] = _(
                "Bitte den offenen Punkt beschreiben (höchstens 500 Zeichen)."
            )
        if not 1 <= len(owner) <= OWNER_MAX:
            errors[f"point-{i}-owner"] = _(
                "Bitte angeben, wer den Punkt erledigt (1 bis 120 Zeichen)."
            )
        due = iso_date(due_raw)
        if due is None:
            errors[f"point-{i}-due"] = _(
                "Bitte ein gültiges Fälligkeitsdatum angeben (JJJJ-MM-TT)."
            )
        points.append({"text": text, "owner": owner, "due": due.isoformat() if due else due_raw})
    return points


def _clean_services(
    fields: dict, items: "dict[int, ServiceItem]", errors: dict[str, str]
) -> list[dict[str, Any]]:
    services, seen = [], set()
    for i, raw in enumerate(fields.get("services") or []):
        item_raw, qty_raw = field_text(raw, "service_item_id"), field_text(raw, "quantity")
        if not (item_raw or qty_raw):
            continue
        item = items.get(int(item_raw)) if item_raw.isdigit() else None
        if item is None:
            errors[f"service-{i}-item"] = _("Bitte eine Leistung aus dem Katalog wählen.")
        elif item.id in seen:
            errors[f"service-{i}-item"] = _("Diese Leistung ist schon aufgeführt.")
        quantity = read_quantity(qty_raw)
        if quantity is None:
            errors[f"service-{i}-quantity"] = _(
                "Bitte eine Menge größer als 0 angeben (höchstens 9999, zwei Nachkommastellen)."
            )
        if item is not None and quantity is not None:
            seen.add(item.id)
            services.append(
                {
                    "service_item_id": item.id,
                    "code": item.code,
                    "name": item.name_de,
                    "name_en": item.name_en,
                    "unit": item.unit,
                    "quantity": format(quantity.normalize(), "f"),
                }
            )
    return services


def check_fields(
    fields: dict,
    choices: dict[str, dict],
    items: "dict[int, ServiceItem]",
    *,
    complete: bool,
    held_on: Callable[[date], str | None] | None = None,
) -> dict[str, Any]:
    """The editor's fields as the values to store; Invalid names each bad field.

    `choices` maps attendee key -> attendee, `items` service item id -> catalogue item.
    `complete` asks for what a submitted protocol needs: the date, attendees and topics.
    `held_on` checks a well-formed date against the call (the message, or None if it fits).
    """
    errors: dict[str, str] = {}
    held_raw = field_text(fields, "held_on")
    held_day = iso_date(held_raw) if held_raw else None
    if held_raw and held_day is None:
        errors["held_on"] = _("Bitte ein gültiges Datum angeben (JJJJ-MM-TT).")
    elif complete and held_day is None:
        errors["held_on"] = _("Bitte das Datum des Setup Calls angeben.")
    elif held_day is not None and held_on is not None and (problem := held_on(held_day)):
        errors["held_on"] = problem
    keys = {str(k) for k in fields.get("attendees") or []}
    if keys - set(choices):
        errors["attendees"] = _("Ein gewählter Teilnehmer ist unbekannt.")
    elif complete and not keys:
        errors["attendees"] = _("Bitte mindestens einen Teilnehmer wählen.")
    values = {
        "held_on": held_day,
        "attendees": [choice for key, choice in choices.items() if key in keys],
        "topics": field_text(fields, "topics"),
        "decisions": field_text(fields, "decisions"),
        "open_points": _clean_points(fields, errors),
        "services": _clean_services(fields, items, errors),
    }
    for key in ("topics", "decisions"):
        if len(values[key]) > TEXT_MAX:
            errors[key] = _("Höchstens %(n)d Zeichen.", n=TEXT_MAX)
    if complete and not values["topics"]:
        errors["topics"] = _("Bitte die besprochenen Themen festhalten.")
    if errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **errors)
    return values


def fields_of(protocol: "Protocol") -> dict[str, Any]:
    """A stored protocol in the editor's field format (the inverse of check_fields())."""
    return {
        "held_on": protocol.held_on.isoformat() if protocol.held_on else "",
        "attendees": [a["key"] for a in protocol.attendees],
        "topics": protocol.topics,
        "decisions": protocol.decisions,
        "open_points": [dict(p) for p in protocol.open_points],
        "services": [
            {"service_item_id": str(s["service_item_id"]), "quantity": s["quantity"]}
            for s in protocol.services
        ],
    }


def return_comment(raw: str) -> str:
    """What the lead asks to change when returning a protocol; Invalid if empty or too long."""
    comment = raw.replace("\r\n", "\n").strip()
    if not 1 <= len(comment) <= COMMENT_MAX:
        raise Invalid(
            _("Bitte angeben, was geändert werden soll."),
            comment=_("Bitte einen Kommentar angeben (höchstens 2000 Zeichen)."),
        )
    return comment


# ---------------------------------------------------------------- what the approval vouches for


def content_of(order: "Order", protocol: "Protocol") -> dict[str, Any]:
    """Everything the approval vouches for, as plain JSON values."""
    return {
        "order": order.short_code,
        "held_on": protocol.held_on.isoformat() if protocol.held_on else None,
        "attendees": protocol.attendees,
        "topics": protocol.topics,
        "decisions": protocol.decisions,
        "open_points": protocol.open_points,
        "services": protocol.services,
    }


def content_hash(order: "Order", protocol: "Protocol") -> str:
    """SHA-256 of the canonical JSON of the protocol's content (sorted keys, no spaces)."""
    canonical = json.dumps(
        content_of(order, protocol), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
