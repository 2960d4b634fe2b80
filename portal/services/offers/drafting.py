"""Use cases of drafting an offer: start one from the protocol, save the editor's changes.

Only partner staff of a partner granted the customer draft, and only after the setup call.
The version column is SQLAlchemy's version counter: a save from an editor that loaded an older
version is refused, and every save updates the offer row so the counter guards the lines too.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import OfferLine, Order, ServiceItem, ServiceOffer, User, utcnow
from portal.models.offer import DRAFT
from portal.services.errors import Conflict, Invalid, flush_or_refuse
from portal.services.offers.pricing import (
    LINES_MAX,
    NOTE_MAX,
    LineValues,
    discount_allowed,
    price_allowed,
    quantity_allowed,
    today,
    validity_allowed,
)
from portal.services.offers.records import (
    agreed_services,
    call_held,
    open_offer,
    partner_order,
    refuse,
    stale,
)
from portal.services.protocol import service_catalogue


@dataclass(frozen=True)
class DraftLine:
    """One line the editor submitted: a catalogue service and its numbers."""

    service_item_id: int
    values: LineValues


@dataclass(frozen=True)
class DraftInput:
    """The editor's lines, note and validity, as read from its form.

    `errors` are the reader's messages by field id; a use case refuses with them once its own
    checks (who, which draft, which version) have passed, so those refusals come first.
    """

    lines: tuple[DraftLine, ...]
    note: str
    valid_until: date | None
    errors: Mapping[str, str] = field(default_factory=dict)


def start(session: Session, actor: User, order_id: int) -> ServiceOffer:
    """Start a draft after the setup call: lines from the protocol's agreed services."""
    order = partner_order(session, actor, order_id)
    if not call_held(order):
        raise Conflict(_("Zusatzleistungen werden angeboten, sobald der Setup Call erfasst ist."))
    if open_offer(session, order) is not None:
        raise Conflict(
            _("Es gibt schon ein offenes Angebot; ein neues erst nach Entscheidung oder Rückzug.")
        )
    number = (
        session.scalar(
            select(func.max(ServiceOffer.number)).where(ServiceOffer.order_id == order.id)
        )
        or 0
    ) + 1
    offer = ServiceOffer(
        order_id=order.id,
        number=number,
        status=DRAFT,
        language=order.language,
        vat_rate=Decimal(str(current_app.config["VAT_RATE"])),
        valid_until=today() + timedelta(days=current_app.config["OFFER_VALID_DAYS"]),
        note="",
        created_by_id=actor.id,
        updated_by_id=actor.id,
        lines=_agreed_lines(session, order),
    )
    session.add(offer)
    flush_or_refuse(
        session, Conflict(_("Gerade wurde schon ein Angebot begonnen; bitte neu laden."))
    )
    audit.record(
        session, actor, "offer.start", "service_offer", offer.id, order_id=order.id, number=number
    )
    session.commit()
    return offer


def _agreed_lines(session: Session, order: Order) -> list[OfferLine]:
    items = {item.id: item for item in service_catalogue(session)}
    lines = []
    for agreed in agreed_services(session, order):
        item = items.get(agreed.get("service_item_id"))
        if item is None:
            continue  # no longer offered; the editor lists the agreed services for comparison
        values = LineValues(Decimal(agreed["quantity"]), item.unit_price, Decimal(0))
        lines.append(_line(len(lines) + 1, item, values))
    return lines


def _line(position: int, item: ServiceItem, values: LineValues) -> OfferLine:
    """A line with names, unit and code copied from the catalogue item."""
    return OfferLine(
        position=position,
        service_item_id=item.id,
        code=item.code,
        name_de=item.name_de,
        name_en=item.name_en,
        unit=item.unit,
        quantity=values.quantity,
        unit_price=values.unit_price,
        discount_percent=values.discount_percent,
    )


def open_draft(
    session: Session, actor: User, order: Order, version: int | None, attempted: str
) -> ServiceOffer:
    """The order's draft at the version the editor loaded (refused and audited if none)."""
    offer = open_offer(session, order)
    if offer is None or offer.status != DRAFT:
        refuse(
            session,
            actor,
            _(
                "Es gibt keinen Entwurf (mehr); das Angebot wurde inzwischen verschickt oder verworfen."
            ),
            offer.id if offer else None,
            order_id=order.id,
            attempted=attempted,
        )
    if offer.version != version:
        raise stale()
    return offer


def apply(session: Session, actor: User, offer: ServiceOffer, draft: DraftInput) -> None:
    """Replace the draft's lines, note and validity with what the editor submitted.

    Refused as a whole, writing nothing, when the reader found errors or a value breaks the
    pricing rules (a caller that did not read the form as the editor does).
    """
    if draft.errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **draft.errors)
    items = {item.id: item for item in service_catalogue(session)}
    if not _within_rules(draft, items):
        raise Invalid(_("Bitte die markierten Angaben prüfen."))
    offer.lines = [
        _line(i, items[line.service_item_id], line.values)
        for i, line in enumerate(draft.lines, start=1)
    ]
    offer.note, offer.valid_until = draft.note, draft.valid_until
    # Always an UPDATE of the offer row, so that the version counter guards the lines too.
    offer.updated_by_id, offer.updated_at = actor.id, utcnow()


def _within_rules(draft: DraftInput, items: dict[int, ServiceItem]) -> bool:
    lines_ok = all(
        line.service_item_id in items
        and quantity_allowed(line.values.quantity)
        and price_allowed(line.values.unit_price)
        and discount_allowed(line.values.discount_percent)
        for line in draft.lines
    )
    return (
        lines_ok
        and len(draft.lines) <= LINES_MAX
        and len(draft.note) <= NOTE_MAX
        and draft.valid_until is not None
        and validity_allowed(draft.valid_until, today())
    )


def save_draft(
    session: Session,
    actor: User,
    order_id: int,
    draft: DraftInput,
    version: int | None,
) -> ServiceOffer:
    """Save the draft's lines, note and validity; `version` is the one the editor loaded."""
    order = partner_order(session, actor, order_id)
    offer = open_draft(session, actor, order, version, "save")
    apply(session, actor, offer, draft)
    flush_or_refuse(session, stale())
    audit.record(
        session,
        actor,
        "offer.save",
        "service_offer",
        offer.id,
        order_id=order.id,
        lines=len(offer.lines),
        version=offer.version,
    )
    session.commit()
    return offer
