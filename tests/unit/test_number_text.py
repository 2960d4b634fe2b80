"""How answers' numbers are written: codes as digits, quantities with the language's grouping."""

import pytest

from portal.numbers import number_text


@pytest.mark.parametrize(
    ("value", "locale", "code", "expected"),
    [
        (1433, "de", True, "1433"),
        (1433, "en", True, "1433"),
        (65535, "de", True, "65535"),
        (1433.0, "de", True, "1433"),  # JSON may hand an integer back as 2.0
        (1433, "de", False, "1.433"),
        (1433, "en", False, "1,433"),
        (100000, "de", False, "100.000"),
        (2.5, "de", False, "2,5"),
        (2.5, "en", False, "2.5"),
        (80, "de", True, "80"),
    ],
)
def test_codes_print_as_digits_and_numbers_keep_the_grouping(value, locale, code, expected):
    assert number_text(value, locale, code=code) == expected
