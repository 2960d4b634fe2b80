"""Reading the offer editor's numbers the way the user's language writes them. No app."""

from decimal import Decimal

import pytest

from portal.offer.forms import parse_number


@pytest.mark.parametrize(
    ("raw", "locale", "expected"),
    [
        ("1.234,5", "de", Decimal("1234.5")),
        ("333,33", "de", Decimal("333.33")),
        (" 12 ", "de", Decimal(12)),
        ("1,234.50", "en", Decimal("1234.50")),
        ("12.50", "de", None),  # German: a dot groups thousands, so this is refused
        ("1,5", "en", None),
        ("1,234", "de", Decimal("1.234")),  # three decimals: refused below by the 2-place rule
        ("-1", "de", None),
        ("1e3", "de", None),
        ("NaN", "en", None),
        ("", "de", None),
    ],
)
def test_numbers_are_read_the_way_the_language_writes_them(raw, locale, expected):
    value = parse_number(raw, locale)
    if expected is not None and -expected.as_tuple().exponent > 2:
        assert value is None
    else:
        assert value == expected
