"""Reading the offer editor's request: numbers in the user's language, checked against the rules.

The view reads the posted form once, here, into a Draft: the rows as typed (to show them again)
and, for the use cases, typed lines, the note and the validity (`Draft.input()`). The range
rules come from services/offers/pricing.py; the messages at the fields are written here.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from portal import postal
from portal.models import ServiceOffer
from portal.models.offer import DRAFT
from portal.services.fields import iso_date
from portal.services.fields import text as field_text
from portal.services.offers import DraftInput, DraftLine
from portal.services.offers.pricing import (
    LINES_MAX,
    NOTE_MAX,
    LineValues,
    Totals,
    discount_allowed,
    line_net,
    price_allowed,
    quantity_allowed,
    today,
    totals,
    validity_allowed,
)
from portal.services.protocol import service_catalogue

# Digits and the two separators only: no signs, exponents, NaN or Infinity.
_NUMBER = re.compile(r"[0-9]+([.,][0-9]+)*")


def parse_number(raw: Any, locale: str) -> Decimal | None:
    """A non-negative number with at most two decimals, typed the way `locale` writes numbers.

    Decimals pass through; text is read strictly (German "12.50" is refused, not read as 1250).
    """
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    else:
        text = "".join(str(raw or "").split())
        if not _NUMBER.fullmatch(text):
            return None
        try:
            value = parse_decimal(text, locale=locale, strict=True)
        except NumberFormatError:
            return None
    if not value.is_finite() or value < 0 or -value.as_tuple().exponent > 2:
        return None
    return value


def form_number(value: Decimal, locale: str, pattern: str = "0.##") -> str:
    """A number as the editor's input shows it: no grouping, the language's decimal sign."""
    return format_decimal(value, format=pattern, locale=locale)


@dataclass
class Row:
    """One line of the editor: the texts as typed, the catalogue copy, the values if valid."""

    service_item_id: int | None
    code: str
    name_de: str
    name_en: str
    unit: str
    quantity: str
    unit_price: str
    discount_percent: str
    values: LineValues | None = None

    def name(self, locale: str) -> str:
        """The service's name in `locale`."""
        return self.name_en if locale == "en" else self.name_de

    @property
    def net(self) -> Decimal | None:
        """The line's net amount, or None while a number is missing or invalid."""
        v = self.values
        return line_net(v.quantity, v.unit_price, v.discount_percent) if v else None


@dataclass
class Draft:
    """The editor's fields read and checked; `errors` maps input ids to messages."""

    rows: list[Row]
    note: str
    valid_until: date | None
    valid_until_text: str
    errors: dict[str, str] = field(default_factory=dict)

    def totals(self, vat_rate: Decimal) -> Totals | None:
        """The totals, or None while a line is incomplete."""
        if any(row.values is None for row in self.rows):
            return None
        return totals([row.values for row in self.rows], vat_rate)

    def input(self) -> DraftInput:
        """What the use cases take: the lines read, note and validity, and the errors found."""
        lines = tuple(
            DraftLine(row.service_item_id, row.values)
            for row in self.rows
            if row.service_item_id is not None and row.values is not None
        )
        return DraftInput(lines, self.note, self.valid_until, dict(self.errors))


def editor_fields(form: MultiDict) -> dict:
    """The editor's fields; the lines come as parallel lists, one entry per row."""
    lines = zip(
        form.getlist("line_item"),
        form.getlist("line_quantity"),
        form.getlist("line_price"),
        form.getlist("line_discount"),
        strict=False,
    )
    return {
        "lines": [
            {"service_item_id": i, "quantity": q, "unit_price": p, "discount_percent": d}
            for i, q, p, d in lines
        ],
        "note": form.get("note", ""),
        "valid_until": form.get("valid_until", ""),
    }


def contact_ids(form: MultiDict) -> list[int]:
    """The customer contacts ticked as recipients."""
    return [int(v) for v in form.getlist("contact") if v.isdigit()]


def change_rows(fields: dict, action: str, item: str) -> tuple[str, dict]:
    """Add or remove a line for a browser without JavaScript: (id to focus, errors)."""
    lines = fields["lines"]
    if action == "add":
        if not item.isdigit():
            return "add_item", {"add_item": _("Bitte eine Leistung aus dem Katalog wählen.")}
        lines.append({"service_item_id": item, "quantity": "1"})
        return f"line-{len(lines) - 1}-quantity", {}
    index = action.removeprefix("remove:")
    if index.isdigit() and int(index) < len(lines):
        lines.pop(int(index))
    return "add_item", {}


def _read_row(raw: dict, i: int, items: dict, locale: str, errors: dict) -> Row | None:
    texts = {
        key: str(raw.get(key) or "").strip()
        for key in ("service_item_id", "quantity", "unit_price", "discount_percent")
    }
    item_text = texts.pop("service_item_id")
    if not (item_text or any(texts.values())):
        return None  # an empty row of the form
    item = items.get(int(item_text)) if item_text.isdigit() else None
    if item is None:
        errors[f"line-{i}-item"] = _(
            "Diese Leistung ist nicht im Katalog der Zusatzleistungen; bitte die Zeile entfernen."
        )
    quantity = parse_number(texts["quantity"], locale)
    if quantity is None or not quantity_allowed(quantity):
        errors[f"line-{i}-quantity"] = _(
            "Bitte eine Menge größer als 0 angeben (höchstens 9999, zwei Nachkommastellen)."
        )
        quantity = None
    price_text = texts["unit_price"]
    if not price_text and item is not None:
        price_text = form_number(item.unit_price, locale, "0.00")
    price = parse_number(price_text, locale)
    if (price is None or not price_allowed(price)) and (price_text or item is not None):
        errors[f"line-{i}-unit_price"] = _(
            "Bitte einen Preis von 0 bis 10.000.000 angeben (zwei Nachkommastellen)."
        )
        price = None
    discount = parse_number(texts["discount_percent"] or "0", locale)
    if discount is None or not discount_allowed(discount):
        errors[f"line-{i}-discount_percent"] = _(
            "Bitte einen Rabatt von 0 bis 100 Prozent angeben (zwei Nachkommastellen)."
        )
        discount = None
    known = None not in (item, quantity, price, discount)
    return Row(
        service_item_id=item.id if item else None,
        code=item.code if item else "",
        name_de=item.name_de if item else "?",
        name_en=item.name_en if item else "?",
        unit=item.unit if item else "",
        quantity=texts["quantity"],
        unit_price=price_text,
        discount_percent=texts["discount_percent"],
        values=LineValues(quantity, price, discount) if known else None,
    )


def read_draft(session: Session, fields: dict, locale: str = "de") -> Draft:
    """Read the editor's fields: lines [{service_item_id, quantity, unit_price, discount_percent}],
    note, valid_until (ISO date). Numbers are read in `locale`; nothing is written."""
    items = {item.id: item for item in service_catalogue(session)}
    errors: dict[str, str] = {}
    rows = []
    for raw in fields.get("lines") or []:
        # Errors are keyed by the row's place among the rows kept (the editor's numbering).
        row = _read_row(raw, len(rows), items, locale, errors)
        if row is not None:
            rows.append(row)
    if len(rows) > LINES_MAX:
        errors["lines"] = _("Höchstens %(n)d Positionen.", n=LINES_MAX)
    note = field_text(fields, "note")
    if len(note) > NOTE_MAX:
        errors["note"] = _("Höchstens %(n)d Zeichen.", n=NOTE_MAX)
    valid_text = field_text(fields, "valid_until")
    valid_until = iso_date(valid_text)
    if valid_until is None or not validity_allowed(valid_until, today()):
        errors["valid_until"] = _(
            "Bitte ein Datum von heute bis höchstens ein Jahr im Voraus angeben (JJJJ-MM-TT)."
        )
        valid_until = None
    return Draft(rows, note, valid_until, valid_text, errors)


def rows_of(offer: ServiceOffer, locale: str) -> list[Row]:
    """A stored offer's lines as editor rows, numbers written for `locale`."""
    return [
        Row(
            service_item_id=line.service_item_id,
            code=line.code,
            name_de=line.name_de,
            name_en=line.name_en,
            unit=line.unit,
            quantity=form_number(line.quantity, locale),
            unit_price=form_number(line.unit_price, locale, "0.00"),
            discount_percent=form_number(line.discount_percent, locale),
            values=LineValues(line.quantity, line.unit_price, line.discount_percent),
        )
        for line in offer.lines
    ]


def draft_of(offer: ServiceOffer | None, posted: Draft | None, locale: str) -> Draft | None:
    """What the editor shows for a draft: the fields as posted, or the stored offer."""
    if offer is None or offer.status != DRAFT:
        return None
    if posted is not None:
        return posted
    valid = offer.valid_until.isoformat() if offer.valid_until else ""
    return Draft(rows_of(offer, locale), offer.note, offer.valid_until, valid)


def address(form: MultiDict) -> postal.Address:
    """The customer's postal address as posted by the editor's address form."""
    return postal.Address.typed(
        form.get("street", ""),
        form.get("postcode", ""),
        form.get("city", ""),
        form.get("country", ""),
    )
