"""Step 9's pure rules: line nets, totals and VAT, the range limits, the link's expiry. No app."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from portal.services.offers import pricing
from portal.services.offers.pricing import LineValues


def test_totals_round_half_up_per_line_and_on_the_vat():
    lines = [
        LineValues(Decimal(3), Decimal("333.33"), Decimal("12.5")),
        LineValues(Decimal("1.5"), Decimal("165.50"), Decimal(0)),
        # 0.025 exactly: half up gives 0.03 where banker's rounding would give 0.02.
        LineValues(Decimal(1), Decimal("0.05"), Decimal(50)),
    ]
    amounts = pricing.totals(lines, Decimal("19.00"))
    # 3 × 333.33 = 999.99; × 0.875 = 874.99125 -> 874.99
    # 1.5 × 165.50 = 248.25
    assert amounts.lines == (Decimal("874.99"), Decimal("248.25"), Decimal("0.03"))
    assert amounts.net == Decimal("1123.27")
    # 1123.27 × 0.19 = 213.4213 -> 213.42
    assert amounts.vat == Decimal("213.42")
    assert amounts.gross == Decimal("1336.69")
    assert all(isinstance(v, Decimal) for v in (amounts.net, amounts.vat, amounts.gross))
    # VAT rounds half up too: 0.50 × 19 % = 0.095 -> 0.10
    half = pricing.totals([LineValues(Decimal(1), Decimal("0.50"), Decimal(0))], 19)
    assert (half.vat, half.gross) == (Decimal("0.10"), Decimal("0.60"))
    assert pricing.totals([], Decimal(19)).gross == Decimal("0.00")


def test_the_ranges_of_quantity_price_discount_and_validity():
    assert not pricing.quantity_allowed(Decimal(0))
    assert pricing.quantity_allowed(Decimal("0.01")) and pricing.quantity_allowed(Decimal(9999))
    assert not pricing.quantity_allowed(Decimal("9999.01"))
    assert pricing.price_allowed(Decimal(0)) and pricing.price_allowed(Decimal(10_000_000))
    assert not pricing.price_allowed(Decimal("10000000.01"))
    assert pricing.discount_allowed(Decimal(100)) and not pricing.discount_allowed(Decimal(101))
    today = date(2026, 3, 1)
    assert pricing.validity_allowed(today, today)
    assert pricing.validity_allowed(date(2027, 3, 2), today)  # 366 days ahead
    assert not pricing.validity_allowed(date(2027, 3, 3), today)
    assert not pricing.validity_allowed(date(2026, 2, 28), today)


def test_a_link_expires_at_the_end_of_the_last_valid_day_in_berlin():
    # Summer time: midnight in Berlin is 22:00 UTC; winter time: 23:00 UTC.
    assert pricing.expiry(date(2026, 7, 31)) == datetime(2026, 7, 31, 22, tzinfo=UTC)
    assert pricing.expiry(date(2026, 1, 31)) == datetime(2026, 1, 31, 23, tzinfo=UTC)


def test_the_code_customers_see():
    order, offer = SimpleNamespace(short_code="ACME"), SimpleNamespace(number=3)
    assert pricing.code(order, offer) == "ACME-A3"
