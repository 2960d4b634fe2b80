"""The rules of an offer's amounts and dates: plain functions, no Flask and no database.

Amounts are Decimal throughout and rounded half up to cents, per line and on the VAT. The range
rules (how many lines, how much of a service, how long an offer is valid) live here too, so that
the editor's reader and the use cases apply the same limits.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
QUANTITY_MAX, PRICE_MAX = Decimal("9999"), Decimal("10000000")
LINES_MAX, NOTE_MAX = 100, 2_000
VALID_MAX_DAYS = 366


@dataclass(frozen=True)
class LineValues:
    """The numbers of one line."""

    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal


@dataclass(frozen=True)
class Totals:
    """An offer's amounts: the net of every line, net total, VAT and gross."""

    lines: tuple[Decimal, ...]
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    gross: Decimal


class _Numbers(Protocol):
    """Anything with a line's three numbers: LineValues, or a stored OfferLine."""

    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal


def line_net(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """quantity × unit price × (1 − discount/100), rounded half up to cents."""
    exact = quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def totals(lines: Iterable[_Numbers], vat_rate: Decimal) -> Totals:
    """The amounts of lines (LineValues or OfferLine); VAT on the net total, then gross."""
    nets = tuple(line_net(line.quantity, line.unit_price, line.discount_percent) for line in lines)
    net = sum(nets, Decimal("0.00"))
    vat = (net * vat_rate / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return Totals(nets, net, vat_rate, vat, net + vat)


def quantity_allowed(quantity: Decimal) -> bool:
    """More than nothing, at most 9999."""
    return 0 < quantity <= QUANTITY_MAX


def price_allowed(unit_price: Decimal) -> bool:
    """From 0 to 10,000,000."""
    return 0 <= unit_price <= PRICE_MAX


def discount_allowed(discount_percent: Decimal) -> bool:
    """From 0 to 100 percent."""
    return 0 <= discount_percent <= HUNDRED


def validity_allowed(valid_until: date, today: date) -> bool:
    """From today to at most a year (366 days) ahead."""
    return today <= valid_until <= today + timedelta(days=VALID_MAX_DAYS)


def code(order, offer) -> str:
    """The offer's number as customers see it: <CODE>-A<n>."""
    return f"{order.short_code}-A{offer.number}"


def today() -> date:
    """Today's date in Europe/Berlin."""
    return datetime.now(UTC).astimezone(BERLIN).date()


def expiry(valid_until: date) -> datetime:
    """When a decision link stops working: at the end of the last valid day, Berlin time."""
    end = datetime.combine(valid_until + timedelta(days=1), time(0), tzinfo=BERLIN)
    return end.astimezone(UTC)
