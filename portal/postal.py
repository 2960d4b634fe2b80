"""Postal addresses of customers as a letter needs them: checking, and the lines of the block.

Pure (Babel only, no Flask, no database): the offer's use case checks with it, the offer PDF
prints its lines. A letter within Germany ends with postcode and city; one abroad names the
country in capitals as its last line (DIN 5008).
"""

import re
from dataclasses import dataclass

from babel import Locale

HOME = "DE"
LIMITS = {"street": 200, "postcode": 20, "city": 100}
FIELDS = ("street", "postcode", "city")
_GERMAN_POSTCODE = re.compile(r"[0-9]{5}")
_POSTCODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{1,18}[A-Za-z0-9]")


@dataclass(frozen=True)
class Address:
    """A postal address: street and number, postcode, city, ISO 3166-1 alpha-2 country."""

    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = HOME

    @classmethod
    def typed(cls, street: str, postcode: str, city: str, country: str) -> "Address":
        """An address as typed: spaces trimmed and collapsed, the country code in capitals."""

        def tidy(value: str | None) -> str:
            return " ".join((value or "").split())

        return cls(tidy(street), tidy(postcode), tidy(city), tidy(country).upper() or HOME)

    def missing(self) -> list[str]:
        """The fields a letter cannot do without that are empty, in the order of the block."""
        return [name for name in FIELDS if not getattr(self, name)]


def countries(locale: str) -> list[tuple[str, str]]:
    """(code, name) of every country Babel knows, in `locale`, Germany first, then by name."""
    names = Locale.parse(locale).territories
    found = [(code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()]
    found = [item for item in found if item[0] not in ("ZZ", "EU", "EZ", "UN", "QO", "XA", "XB")]
    found.sort(key=lambda item: (item[0] != HOME, item[1].casefold()))
    return found


def problems(address: Address) -> dict[str, str]:
    """What is wrong per field: "missing", "too_long", "postcode_de", "postcode", "country"."""
    out = {name: "missing" for name in address.missing()}
    for name, limit in LIMITS.items():
        if len(getattr(address, name)) > limit:
            out[name] = "too_long"
    if address.country not in dict(countries("en")):
        out["country"] = "country"
    if address.postcode and "postcode" not in out:
        if address.country == HOME and not _GERMAN_POSTCODE.fullmatch(address.postcode):
            out["postcode"] = "postcode_de"
        elif not _POSTCODE.fullmatch(address.postcode):
            out["postcode"] = "postcode"
    return out


def block(name: str, address: Address, locale: str) -> list[str]:
    """The recipient block's lines: name, street, postcode and city, the country if abroad."""
    lines = [name, address.street, f"{address.postcode} {address.city}".strip()]
    if address.country != HOME:
        lines.append(Locale.parse(locale).territories.get(address.country, address.country).upper())
    return [line for line in lines if line]
