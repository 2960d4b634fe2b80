"""What a search term finds: orders and customer records by customer name, short code, contact
name and contact email, as case-insensitive substrings.

The one place that turns a term into a WHERE clause, for the dashboard and the customer list
alike; an index-backed search (issue 16) replaces the bodies here, not the callers.
"""

from sqlalchemy import ColumnElement, exists, or_
from sqlalchemy.orm import InstrumentedAttribute

from portal.models import Customer, CustomerContact, Order

MAX_TERM = 100


def normalise(term: str | None) -> str:
    """The term as searched for: inner runs of white space made one, at most MAX_TERM characters."""
    return " ".join((term or "").split())[:MAX_TERM]


def _has(column, term: str) -> ColumnElement[bool]:
    # autoescape: a % or _ the user typed is matched as itself, not as a wildcard. The term is
    # lowered here too, because SQLite's lower() knows only ASCII: "JÜRGEN" finds "Jürgen".
    return column.icontains(term.lower(), autoescape=True)


def _contact_matches(customer_id: InstrumentedAttribute, term: str) -> ColumnElement[bool]:
    """A correlated EXISTS: one of the customer's contacts has the term in name or email."""
    return exists().where(
        CustomerContact.customer_id == customer_id,
        or_(_has(CustomerContact.name, term), _has(CustomerContact.email, term)),
    )


def orders_matching(term: str) -> ColumnElement[bool]:
    """Orders whose customer name or short code holds the term, or one of whose customer
    record's contacts does (orders before acceptance have no record and no contacts yet)."""
    return or_(
        _has(Order.customer_name, term),
        _has(Order.short_code, term),
        _contact_matches(Order.customer_id, term),
    )


def customers_matching(term: str) -> ColumnElement[bool]:
    """Customer records whose name, short code or one of whose contacts holds the term."""
    return or_(
        _has(Customer.name, term),
        _has(Customer.short_code, term),
        _contact_matches(Customer.id, term),
    )
