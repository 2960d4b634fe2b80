"""Use cases of step 9: offer the additional services agreed in the setup call; the decision.

Partner staff start a draft from the services the protocol agreed, edit its lines, and send
it: the PDF is rendered and stored with its SHA-256, each chosen customer contact gets it by
mail with a secret link (only the token's SHA-256 is kept), and the first offer sent completes
`offer_services`. Through the link the customer accepts or declines, once. The version column
is SQLAlchemy's version counter, so an edit and a send, or two decisions, that race cannot
both succeed. Amounts are Decimal throughout and rounded half up to cents.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from portal import audit, mail, pdf
from portal.models import (
    CustomerContact,
    OfferLine,
    Order,
    Role,
    ServiceItem,
    ServiceOffer,
    StepCompletion,
    User,
    utcnow,
)
from portal.models.offer import ACCEPTED, CENT, DECLINED, DRAFT, SENT, WITHDRAWN
from portal.process import completion
from portal.services import access
from portal.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from portal.services.fields import iso_date
from portal.services.fields import text as field_text
from portal.services.links import LinkGone, hash_token
from portal.services.protocol import (
    confirmation_of,
    contacts_of,
    protocol_of,
    service_catalogue,
)

BERLIN = ZoneInfo("Europe/Berlin")
STEP, HOLD_CALL = "offer_services", "hold_call"
OPEN = (DRAFT, SENT)
HUNDRED = Decimal(100)
QUANTITY_MAX, PRICE_MAX = Decimal("9999"), Decimal("10000000")
LINES_MAX, NOTE_MAX, COMMENT_MAX = 100, 2_000, 2_000
NAME_MIN, NAME_MAX = 2, 100
VALID_MAX_DAYS = 366
# Digits and the two separators only: no signs, exponents, NaN or Infinity.
_NUMBER = re.compile(r"[0-9]+([.,][0-9]+)*")


class PdfFailed(DomainError):
    """The offer's PDF could not be rendered; nothing was sent."""

    status = 500


# ---------------------------------------------------------------- money


@dataclass(frozen=True)
class Totals:
    """An offer's amounts: the net of every line, net total, VAT and gross."""

    lines: tuple[Decimal, ...]
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    gross: Decimal


def line_net(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """quantity × unit price × (1 − discount/100), rounded half up to cents."""
    exact = quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineValues:
    """The numbers of one line."""

    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal


def totals(lines, vat_rate: Decimal) -> Totals:
    """The amounts of lines (LineValues or OfferLine); VAT on the net total, then gross."""
    nets = tuple(line_net(line.quantity, line.unit_price, line.discount_percent) for line in lines)
    net = sum(nets, Decimal("0.00"))
    vat = (net * vat_rate / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return Totals(nets, net, vat_rate, vat, net + vat)


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


def code(order: Order, offer: ServiceOffer) -> str:
    """The offer's number as customers see it: <CODE>-A<n>."""
    return f"{order.short_code}-A{offer.number}"


# ---------------------------------------------------------------- the editor's input


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


def today() -> date:
    """Today's date in Europe/Berlin."""
    return utcnow().astimezone(BERLIN).date()


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
    if quantity is None or not 0 < quantity <= QUANTITY_MAX:
        errors[f"line-{i}-quantity"] = _(
            "Bitte eine Menge größer als 0 angeben (höchstens 9999, zwei Nachkommastellen)."
        )
        quantity = None
    price_text = texts["unit_price"]
    if not price_text and item is not None:
        price_text = form_number(item.unit_price, locale, "0.00")
    price = parse_number(price_text, locale)
    if (price is None or price > PRICE_MAX) and (price_text or item is not None):
        errors[f"line-{i}-unit_price"] = _(
            "Bitte einen Preis von 0 bis 10.000.000 angeben (zwei Nachkommastellen)."
        )
        price = None
    discount = parse_number(texts["discount_percent"] or "0", locale)
    if discount is None or discount > HUNDRED:
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
    first, last = today(), today() + timedelta(days=VALID_MAX_DAYS)
    if valid_until is None or not first <= valid_until <= last:
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


def draft_of(
    session: Session, offer: ServiceOffer | None, fields: dict | None, locale: str
) -> Draft | None:
    """What the editor shows for a draft: the stored offer, or the fields as posted."""
    if offer is None or offer.status != DRAFT:
        return None
    if fields is not None:
        return read_draft(session, fields, locale)
    valid = offer.valid_until.isoformat() if offer.valid_until else ""
    return Draft(rows_of(offer, locale), offer.note, offer.valid_until, valid)


# ---------------------------------------------------------------- who may do what


def _partner_order(session: Session, actor: User, order_id: int) -> Order:
    """The order, for partner staff of a partner granted its customer (others: 404 or 403)."""
    order = access.get_order(session, actor, order_id)
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(_("Zusatzleistungen bieten die Mitarbeiter des Partners an."))
    return order


def _call_held(order: Order) -> bool:
    return completion(order, HOLD_CALL) is not None


def offers_of(session: Session, order: Order) -> list[ServiceOffer]:
    """Every offer of the order with its lines, newest first."""
    return list(
        session.scalars(
            select(ServiceOffer)
            .where(ServiceOffer.order_id == order.id)
            .options(selectinload(ServiceOffer.lines))
            .order_by(ServiceOffer.number.desc())
        )
    )


def open_offer(session: Session, order: Order) -> ServiceOffer | None:
    """The order's draft or sent offer, if there is one."""
    return session.scalar(
        select(ServiceOffer).where(ServiceOffer.order_id == order.id, ServiceOffer.status.in_(OPEN))
    )


def _offer(session: Session, order: Order, number: int) -> ServiceOffer:
    offer = session.scalar(
        select(ServiceOffer).where(ServiceOffer.order_id == order.id, ServiceOffer.number == number)
    )
    if offer is None:
        raise NotFound(_("Angebot nicht gefunden."))
    return offer


def _draft(
    session: Session, actor: User, order: Order, version: int | None, attempted: str
) -> ServiceOffer:
    """The order's draft at the version the editor loaded."""
    offer = open_offer(session, order)
    if offer is None or offer.status != DRAFT:
        refusal = Conflict(
            _(
                "Es gibt keinen Entwurf (mehr); das Angebot wurde inzwischen verschickt oder verworfen."
            )
        )
        audit.refuse(
            session,
            actor,
            refusal,
            "offer",
            "service_offer",
            offer.id if offer else None,
            order_id=order.id,
            attempted=attempted,
        )
    if offer.version != version:
        raise _stale()
    return offer


def _stale() -> Conflict:
    return Conflict(
        _(
            "Das Angebot wurde inzwischen von jemand anderem geändert; nichts wurde gespeichert. Bitte die Seite neu laden."
        )
    )


def _flush(session: Session, conflict: Conflict) -> None:
    """Write now; a concurrent change (version counter, unique number) becomes `conflict`."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        session.rollback()
        raise conflict from None


# ---------------------------------------------------------------- partner staff


def start(session: Session, actor: User, order_id: int) -> ServiceOffer:
    """Start a draft after the setup call: lines from the protocol's agreed services."""
    order = _partner_order(session, actor, order_id)
    if not _call_held(order):
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
    _flush(session, Conflict(_("Gerade wurde schon ein Angebot begonnen; bitte neu laden.")))
    audit.record(
        session, actor, "offer.start", "service_offer", offer.id, order_id=order.id, number=number
    )
    session.commit()
    return offer


def agreed_services(session: Session, order: Order) -> list[dict[str, Any]]:
    """The services the protocol agreed in the call (as stored there)."""
    protocol = protocol_of(session, order)
    return list(protocol.services) if protocol else []


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


def _apply(session: Session, actor: User, offer: ServiceOffer, draft: Draft) -> None:
    items = {item.id: item for item in service_catalogue(session)}
    offer.lines = [
        _line(i, items[row.service_item_id], row.values)
        for i, row in enumerate(draft.rows, start=1)
    ]
    offer.note, offer.valid_until = draft.note, draft.valid_until
    # Always an UPDATE of the offer row, so that the version counter guards the lines too.
    offer.updated_by_id, offer.updated_at = actor.id, utcnow()


def _checked(session: Session, fields: dict, locale: str) -> Draft:
    draft = read_draft(session, fields, locale)
    if draft.errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **draft.errors)
    return draft


def save_draft(
    session: Session,
    actor: User,
    order_id: int,
    fields: dict[str, Any],
    version: int | None,
    locale: str = "de",
) -> ServiceOffer:
    """Save the draft's lines, note and validity; `version` is the one the editor loaded."""
    order = _partner_order(session, actor, order_id)
    offer = _draft(session, actor, order, version, "save")
    draft = _checked(session, fields, locale)
    _apply(session, actor, offer, draft)
    _flush(session, _stale())
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


@dataclass(frozen=True)
class SendResult:
    """The sent offer; its mails wait in the outbox for the worker."""

    offer: ServiceOffer


def default_recipients(session: Session, order: Order) -> set[int]:
    """The contacts the project lead confirmed; without a confirmation, every contact."""
    contacts = {c.id for c in contacts_of(session, order)}
    confirmation = confirmation_of(session, order)
    confirmed = {c["id"] for c in confirmation.contacts} & contacts if confirmation else set()
    return confirmed or contacts


def send(
    session: Session,
    actor: User,
    order_id: int,
    version: int | None,
    contact_ids: list[int],
    fields: dict[str, Any] | None = None,
    locale: str = "de",
) -> SendResult:
    """Send the draft (saving `fields` first when the editor posts them) to customer contacts.

    Renders and stores the PDF, issues the secret link, mails every chosen contact in their
    language with the PDF attached, and completes offer_services on the first offer sent.
    """
    order = _partner_order(session, actor, order_id)
    offer = _draft(session, actor, order, version, "send")
    if fields is not None:
        _apply(session, actor, offer, _checked(session, fields, locale))
    errors = {}
    if not offer.lines:
        errors["lines"] = _("Bitte mindestens eine Leistung in das Angebot aufnehmen.")
    if offer.valid_until is None or offer.valid_until < today():
        errors["valid_until"] = _("Bitte ein Gültigkeitsdatum ab heute angeben.")
    wanted = set(contact_ids)
    contacts = [c for c in contacts_of(session, order) if c.id in wanted]
    if not contacts:
        errors["contacts"] = _("Bitte mindestens einen Ansprechpartner des Kunden wählen.")
    if errors:
        session.rollback()
        raise Invalid(_("Das Angebot kann so nicht verschickt werden."), **errors)
    token = _issue(offer, actor, contacts)
    try:
        offer.pdf = render_pdf(order, offer)
    except pdf.PdfError:
        session.rollback()
        raise PdfFailed(
            _("Das PDF des Angebots konnte nicht erzeugt werden; nichts wurde verschickt.")
        ) from None
    offer.sha256 = hashlib.sha256(offer.pdf).hexdigest()
    _flush(session, _stale())
    _mail_contacts(session, order, offer, contacts, token)
    _complete_step(session, order, offer, actor)
    amounts = totals(offer.lines, offer.vat_rate)
    audit.record(
        session,
        actor,
        "offer.send",
        "service_offer",
        offer.id,
        order_id=order.id,
        number=offer.number,
        to=[c.email for c in contacts],
        sha256=offer.sha256,
        net=amounts.net,
        gross=amounts.gross,
    )
    session.commit()
    return SendResult(offer)


def _issue(offer: ServiceOffer, actor: User, contacts: list[CustomerContact]) -> str:
    """Mark the offer sent and give it a fresh secret token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    offer.status, offer.sent_by_id, offer.sent_at = SENT, actor.id, now
    offer.updated_by_id, offer.updated_at = actor.id, now
    offer.recipients = [
        {"contact_id": c.id, "name": c.name, "email": c.email, "language": c.language}
        for c in contacts
    ]
    offer.token_hash = hash_token(token)
    offer.expires_at = expiry(offer.valid_until)
    return token


def expiry(valid_until: date) -> datetime:
    """When a decision link stops working: at the end of the last valid day, Berlin time."""
    end = datetime.combine(valid_until + timedelta(days=1), time(0), tzinfo=BERLIN)
    return end.astimezone(UTC)


def render_pdf(order: Order, offer: ServiceOffer) -> bytes:
    """The offer as a PDF in its language (never with the secret link in it)."""
    with force_locale(offer.language):
        title = _("Angebot %(code)s", code=code(order, offer))
    return pdf.document(
        "offer/pdf.html",
        language=offer.language,
        title=title,
        header=f"{order.customer_name} · {title}",
        order=order,
        offer=offer,
        code=code(order, offer),
        totals=totals(offer.lines, offer.vat_rate),
        sent_on=offer.sent_at.astimezone(BERLIN).date() if offer.sent_at else today(),
    )


def url_for_token(token: str) -> str:
    """The absolute URL of the customer's decision link (mails are sent outside a request)."""
    return f"{current_app.config['BASE_URL']}/o/{token}"


def _mail_contacts(session, order, offer, contacts, token) -> None:
    """Queue the offer to every contact, the link as a placeholder; record each message."""
    attachment = (f"{code(order, offer)}.pdf", "application/pdf", offer.pdf)
    hidden = mail.Secrets()
    context = {
        "order": order,
        "offer": offer,
        "code": code(order, offer),
        "totals": totals(offer.lines, offer.vat_rate),
        "url": url_for_token(hidden.hide(token)),
    }
    message_ids = {}
    for contact in contacts:
        with force_locale(contact.language):
            subject = render_template("mail/offer_sent.subject.txt", person=contact, **context)
            text = render_template("mail/offer_sent.txt", person=contact, **context)
            html = render_template("mail/offer_sent.html", person=contact, **context)
        row = mail.queue(
            session,
            to=[contact.email],
            subject=subject.strip(),
            text=text,
            html=html,
            attachments=(attachment,),
            secrets=hidden,
        )
        message_ids[contact.id] = row.id
    # A new list: the JSON column notices assignment, not changes inside.
    offer.recipients = [
        {**person, "message_id": message_ids.get(person["contact_id"])}
        for person in offer.recipients
    ]


def _complete_step(session: Session, order: Order, offer: ServiceOffer, actor: User) -> None:
    """The first offer sent completes the step; later offers leave that record as it is."""
    if completion(order, STEP) is not None:
        return
    session.add(
        StepCompletion(
            order_id=order.id,
            step=STEP,
            completed_by_id=actor.id,
            completed_at=offer.sent_at,
            details={"offer_id": offer.id, "number": offer.number},
        )
    )
    _flush(session, Conflict(_("Das Angebot wurde gerade schon verschickt.")))


def withdraw(session: Session, actor: User, order_id: int, number: int) -> ServiceOffer:
    """Withdraw a sent offer (its link stops working) or discard a draft."""
    order = _partner_order(session, actor, order_id)
    offer = _offer(session, order, number)
    if offer.status not in OPEN:
        refusal = Conflict(
            _("Über dieses Angebot ist schon entschieden, oder es ist zurückgezogen.")
        )
        audit.refuse(
            session,
            actor,
            refusal,
            "offer",
            "service_offer",
            offer.id,
            order_id=order.id,
            attempted="withdraw",
            status=offer.status,
        )
    was = offer.status
    offer.status = WITHDRAWN
    offer.updated_by_id, offer.updated_at = actor.id, utcnow()
    _flush(
        session,
        Conflict(_("Das Angebot wurde gerade geändert oder entschieden; bitte neu laden.")),
    )
    audit.record(
        session,
        actor,
        "offer.withdraw",
        "service_offer",
        offer.id,
        order_id=order.id,
        number=number,
        was=was,
    )
    if was == SENT:
        _mail_withdrawn(session, order, offer, actor)
    session.commit()
    return offer


def _mail_withdrawn(session: Session, order: Order, offer: ServiceOffer, actor: User) -> None:
    """Tell everyone the offer went to that its link no longer works, each in their language."""
    for person in offer.recipients:
        mail.queue_template(
            session,
            to=person["email"],
            language=person["language"],
            template="offer_withdrawn",
            order=order,
            code=code(order, offer),
            person=person,
            sender=actor,
        )


def pdf_of(session: Session, actor: User, order_id: int, number: int) -> tuple[str, bytes]:
    """The stored PDF of a sent offer: (file name, bytes)."""
    order = _partner_order(session, actor, order_id)
    offer = _offer(session, order, number)
    if offer.status == DRAFT or offer.pdf is None:
        raise NotFound(_("Zu einem Entwurf gibt es noch kein PDF."))
    return f"{code(order, offer)}.pdf", offer.pdf


@dataclass(frozen=True)
class EditorPage:
    """What the partner's offer page shows."""

    order: Order
    offer: ServiceOffer | None  # the open offer: a draft or a sent one
    offers: list[ServiceOffer]
    items: list[ServiceItem]
    contacts: list[CustomerContact]
    chosen: set[int]
    agreed: list[dict[str, Any]]
    call_held: bool

    @property
    def code(self) -> str:
        return code(self.order, self.offer) if self.offer else ""


def editor(session: Session, actor: User, order_id: int) -> EditorPage:
    """The offer page of an order, for partner staff."""
    order = _partner_order(session, actor, order_id)
    offers = offers_of(session, order)
    return EditorPage(
        order=order,
        offer=next((o for o in offers if o.status in OPEN), None),
        offers=offers,
        items=service_catalogue(session),
        contacts=contacts_of(session, order),
        chosen=default_recipients(session, order),
        agreed=agreed_services(session, order),
        call_held=_call_held(order),
    )


@dataclass(frozen=True)
class Summary:
    """One offer on the order page."""

    offer: ServiceOffer
    code: str
    totals: Totals


@dataclass(frozen=True)
class Section:
    """The order page's part on offers: every offer, and whether a new one may start."""

    offers: list[Summary]
    open: ServiceOffer | None
    call_held: bool


def order_section(session: Session, actor: User, order: Order) -> Section | None:
    """The offers of an order for partner staff (None for others, and before the setup call)."""
    if actor.role != Role.PARTNER_STAFF or order.customer_id is None:
        return None
    offers = offers_of(session, order)
    held = _call_held(order)
    if not (held or offers):
        return None
    return Section(
        offers=[Summary(o, code(order, o), totals(o.lines, o.vat_rate)) for o in offers],
        open=next((o for o in offers if o.status in OPEN), None),
        call_held=held,
    )


# ---------------------------------------------------------------- the customer


def _check_link(offer: ServiceOffer) -> ServiceOffer:
    """Refuse withdrawn offers and undecided ones past their validity; decided ones stay readable."""
    if offer.status == WITHDRAWN:
        raise LinkGone(
            _("Dieses Angebot wurde zurückgezogen. Bitte fragen Sie Ihren Ansprechpartner.")
        )
    if offer.status == SENT and offer.expires_at <= utcnow():
        raise LinkGone(_("Dieses Angebot ist abgelaufen. Bitte fragen Sie Ihren Ansprechpartner."))
    return offer


def redeem(session: Session, token: str) -> ServiceOffer:
    """Exchange the token of a decision link for its offer: unknown 404, expired or withdrawn 410."""
    offer = session.scalar(select(ServiceOffer).where(ServiceOffer.token_hash == hash_token(token)))
    if offer is None:
        raise NotFound(_("Dieser Link ist ungültig."))
    return _check_link(offer)


def customer_offer(session: Session, offer_ids: list[int], offer_id: int) -> ServiceOffer:
    """An offer this customer session opened through its link."""
    if offer_id not in offer_ids:
        raise NotFound(_("Dieser Link ist ungültig."))
    offer = session.get(ServiceOffer, offer_id)
    if offer is None or offer.token_hash is None:
        raise NotFound(_("Dieser Link ist ungültig."))
    return _check_link(offer)


def customer_pdf(session: Session, offer_ids: list[int], offer_id: int) -> tuple[str, bytes]:
    """The PDF of an offer this customer session opened: (file name, bytes)."""
    offer = customer_offer(session, offer_ids, offer_id)
    return f"{code(_order(session, offer), offer)}.pdf", offer.pdf


def _order(session: Session, offer: ServiceOffer) -> Order:
    return session.get(Order, offer.order_id)


@dataclass(frozen=True)
class CustomerPage:
    """What the customer's offer page shows."""

    offer: ServiceOffer
    order: Order
    code: str
    totals: Totals


def customer_page(session: Session, offer_ids: list[int], offer_id: int) -> CustomerPage:
    """The offer as this customer session sees it: lines, totals, and the decision if made."""
    offer = customer_offer(session, offer_ids, offer_id)
    order = _order(session, offer)
    return CustomerPage(offer, order, code(order, offer), totals(offer.lines, offer.vat_rate))


def decide(
    session: Session,
    offer_ids: list[int],
    offer_id: int,
    *,
    accept: bool,
    name: str,
    comment: str,
    version: int | None,
) -> ServiceOffer:
    """The customer accepts or declines a sent offer, once; the partner who sent it is told."""
    offer = customer_offer(session, offer_ids, offer_id)
    if offer.status != SENT:
        # The name is not checked yet: the event says "customer", not what was typed.
        audit.refuse(
            session,
            "customer",
            Conflict(_("Über dieses Angebot wurde schon entschieden.")),
            "offer",
            "service_offer",
            offer.id,
            order_id=offer.order_id,
            attempted="decide",
            status=offer.status,
        )
    name = " ".join(str(name or "").split())
    comment = str(comment or "").replace("\r\n", "\n").strip()
    errors = {}
    if not NAME_MIN <= len(name) <= NAME_MAX:
        errors["name"] = _("Bitte geben Sie Ihren Namen an (2 bis 100 Zeichen).")
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("Höchstens %(n)d Zeichen.", n=COMMENT_MAX)
    if errors:
        raise Invalid(_("Bitte prüfen Sie die markierten Angaben."), **errors)
    if offer.version != version:
        raise Conflict(_("Über dieses Angebot wurde schon entschieden."))
    offer.status = ACCEPTED if accept else DECLINED
    offer.decided_at, offer.decided_by_name = utcnow(), name
    offer.decision_comment = comment or None
    _flush(session, Conflict(_("Über dieses Angebot wurde schon entschieden.")))
    order = _order(session, offer)
    audit.record(
        session,
        f"{name} (customer)",
        f"offer.{offer.status}",
        "service_offer",
        offer.id,
        order_id=order.id,
        number=offer.number,
        name=name,
        comment=offer.decision_comment,
    )
    _notify_sender(session, order, offer)
    session.commit()
    return offer


def _notify_sender(session: Session, order: Order, offer: ServiceOffer) -> None:
    sender = offer.sent_by
    if sender is None or not sender.active:
        return
    mail.queue_template(
        session,
        to=sender.email,
        language=sender.language,
        template="offer_decided",
        order=order,
        offer=offer,
        person=sender,
        code=code(order, offer),
        totals=totals(offer.lines, offer.vat_rate),
        url=f"{current_app.config['BASE_URL']}/orders/{order.id}#offer-heading",
    )
