"""Postal addresses: what a letter needs, postcodes by country, the recipient block's lines."""

import pytest

from portal.postal import Address, block, countries, problems


def test_an_address_is_tidied_as_typed():
    address = Address.typed("  Hauptstraße   5 ", " 04109", "Leipzig ", "de")
    assert address == Address("Hauptstraße 5", "04109", "Leipzig", "DE")
    assert Address.typed("", "", "", "").country == "DE"


def test_missing_fields_are_named_in_the_order_of_the_block():
    assert Address(city="Leipzig").missing() == ["street", "postcode"]
    assert problems(Address(city="Leipzig")) == {"street": "missing", "postcode": "missing"}
    assert problems(Address("Hauptstraße 5", "04109", "Leipzig")) == {}


@pytest.mark.parametrize(
    ("postcode", "country", "problem"),
    [
        ("4109", "DE", "postcode_de"),
        ("04109x", "DE", "postcode_de"),
        ("1010", "AT", None),
        ("SW1A 1AA", "GB", None),
        ("<b>", "GB", "postcode"),
    ],
)
def test_postcodes_follow_the_country(postcode, country, problem):
    found = problems(Address("Straße 1", postcode, "Ort", country))
    assert found.get("postcode") == problem


def test_an_unknown_country_and_overlong_fields_are_refused():
    found = problems(Address("x" * 201, "04109", "Leipzig", "XX"))
    assert found == {"street": "too_long", "country": "country"}


def test_the_block_names_the_country_only_abroad_in_the_letters_language():
    home = Address("Hauptstraße 5", "04109", "Leipzig", "DE")
    assert block("ACME GmbH", home, "de") == ["ACME GmbH", "Hauptstraße 5", "04109 Leipzig"]
    vienna = Address("Ring 1", "1010", "Wien", "AT")
    assert block("ACME", vienna, "de")[-1] == "ÖSTERREICH"
    assert block("ACME", vienna, "en")[-1] == "AUSTRIA"


def test_the_country_list_starts_with_germany_and_is_named_in_the_language():
    assert countries("de")[0] == ("DE", "Deutschland")
    assert ("AT", "Austria") in countries("en")
