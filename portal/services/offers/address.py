"""The customer's postal address, the recipient block of every offer: recording it, its gaps.

Recorded on the customer record (it serves every order of that customer) by whoever may edit
the order's offers: partner staff of a partner granted the customer.
"""

from dataclasses import asdict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from portal import audit, postal
from portal.models import Customer, Order, User
from portal.services.errors import Conflict, Invalid, all_or_nothing
from portal.services.offers.records import partner_order

NAMES = {"street": _l("Straße und Hausnummer"), "postcode": _l("PLZ"), "city": _l("Stadt")}


def address_of(customer: Customer | None) -> postal.Address:
    """The address recorded on a customer record (empty without a record)."""
    if customer is None:
        return postal.Address()
    return postal.Address(customer.street, customer.postcode, customer.city, customer.country)


def missing_message(order: Order) -> str | None:
    """Why an offer of this order cannot be addressed yet, naming the missing fields; or None."""
    gaps = address_of(order.customer).missing()
    if not gaps:
        return None
    return _(
        "Bitte zuerst die Postanschrift des Kunden erfassen; es fehlt: %(fields)s.",
        fields=", ".join(str(NAMES[name]) for name in gaps),
    )


def _messages(found: dict[str, str]) -> dict[str, str]:
    texts = {
        "missing": _("Bitte angeben."),
        "too_long": _("Diese Angabe ist zu lang."),
        "postcode_de": _("Eine deutsche Postleitzahl hat fünf Ziffern, z. B. 04109."),
        "postcode": _("Bitte eine Postleitzahl aus Buchstaben, Ziffern und Leerzeichen angeben."),
        "country": _("Bitte ein Land aus der Liste wählen."),
    }
    return {f"address_{name}": texts[problem] for name, problem in found.items()}


def save_address(session: Session, actor: User, order_id: int, address: postal.Address) -> Customer:
    """Record the postal address of the order's customer (partner staff of a granted partner)."""
    with all_or_nothing(session):
        order = partner_order(session, actor, order_id)
        customer = order.customer
        if customer is None:
            raise Conflict(_("Der Auftrag hat noch keinen Kundendatensatz."))
        found = postal.problems(address)
        if found:
            raise Invalid(
                _("Die Postanschrift ist so nicht vollständig; nichts wurde gespeichert."),
                **_messages(found),
            )
        before = address_of(customer)
        if before == address:
            return customer
        customer.street, customer.postcode = address.street, address.postcode
        customer.city, customer.country = address.city, address.country
        audit.record(
            session,
            actor,
            "customer.address",
            "customer",
            customer.id,
            order_id=order.id,
            before=asdict(before),
            after=asdict(address),
        )
        session.commit()
        return customer
