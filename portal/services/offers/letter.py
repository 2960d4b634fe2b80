"""The letter parts of an offer: its sender (from the settings) and its recipient block.

A German B2B offer names the sender's company and address (letterhead and the sender line
above the address window) and, in its footer, the register court and number, the VAT ID and
the managing directors (§ 35a GmbHG, § 80 AktG). The settings are OFFER_* (portal/config.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal import postal
from portal.models import Order
from portal.services.offers.address import address_of


@dataclass(frozen=True)
class Sender:
    """The company that offers, as its letters name it."""

    name: str
    street: str
    postcode: str
    city: str
    register_court: str
    register_number: str
    vat_id: str
    managing_directors: str
    bank: str = ""
    contact: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Sender":
        """The sender from the OFFER_* settings."""
        return cls(
            name=config["OFFER_SENDER_NAME"],
            street=config["OFFER_SENDER_STREET"],
            postcode=config["OFFER_SENDER_POSTCODE"],
            city=config["OFFER_SENDER_CITY"],
            register_court=config["OFFER_REGISTER_COURT"],
            register_number=config["OFFER_REGISTER_NUMBER"],
            vat_id=config["OFFER_VAT_ID"],
            managing_directors=config["OFFER_MANAGING_DIRECTORS"],
            bank=config.get("OFFER_BANK", ""),
            contact=config.get("OFFER_CONTACT", ""),
        )

    @property
    def line(self) -> str:
        """The one-line return address above the address window."""
        return f"{self.name} · {self.street} · {self.postcode} {self.city}"


def recipient(order: Order, language: str) -> list[str]:
    """The recipient block: the customer's name and postal address, in the letter's language."""
    return postal.block(order.customer_name, address_of(order.customer), language)
