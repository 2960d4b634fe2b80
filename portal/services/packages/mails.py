"""Who a package is mailed to and what the mail says.

Every participant of the call with an email address, and every customer contact the project lead
confirmed for the order (also those adopted from the questionnaires), gets one mail, in their
own language, from templates/mail/package_sent.* (subject, text, HTML).
"""

from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    CustomerContact,
    DocumentPackage,
    Order,
    PackageFile,
    User,
)
from portal.services import calls
from portal.services.packages.versions import LANGUAGES, filename
from portal.services.protocol.contacts import confirmation_of


@dataclass(frozen=True)
class Recipient:
    """A participant of the call or a confirmed contact of the order the package goes to."""

    name: str
    email: str
    language: str
    kind: str  # "user" or "contact"

    @property
    def document_language(self) -> str:
        """The language of the PDF and mail this recipient gets (German for any other)."""
        return self.language if self.language in LANGUAGES else "de"

    def as_dict(self) -> dict[str, str]:
        """The recipient as a send records it."""
        return {
            "name": self.name,
            "email": self.email,
            "kind": self.kind,
            "language": self.language,
        }


def recipients(session: Session, order: Order) -> list[Recipient]:
    """Every participant of the call with an email address, staff and customer, then the
    contacts the project lead confirmed for the order; once each."""
    call = calls.call_of(session, order)
    people: list[Recipient] = []
    for participant in call.participants if call else []:
        if participant.user is not None and participant.user.active:
            user = participant.user
            people.append(Recipient(user.name, user.email, user.language or "de", "user"))
        elif participant.contact is not None:
            people.append(_contact(participant.contact))
    people += [_contact(contact) for contact in _confirmed_contacts(session, order)]
    found: dict[str, Recipient] = {}
    for person in people:
        if person.email and person.email.casefold() not in found:
            found[person.email.casefold()] = person
    return list(found.values())


def _contact(contact: CustomerContact) -> Recipient:
    return Recipient(contact.name, contact.email, contact.language or "de", "contact")


def _confirmed_contacts(session: Session, order: Order) -> list[CustomerContact]:
    """The customer contacts in the lead's confirmation, as they are on the record now."""
    confirmation = confirmation_of(session, order)
    ids = [entry.get("id") for entry in confirmation.contacts] if confirmation else []
    if not ids:
        return []
    return list(
        session.scalars(
            select(CustomerContact)
            .where(CustomerContact.id.in_(ids), CustomerContact.customer_id == order.customer_id)
            .order_by(CustomerContact.name, CustomerContact.id)
        )
    )


def languages_of(main: str, people: list[Recipient]) -> list[str]:
    """The languages a version is typeset in: the order's first, then each recipient's other."""
    found = [main]
    for language in sorted({p.document_language for p in people}):
        if language not in found:
            found.append(language)
    return found


def compose(order: Order, package, person: Recipient, sender: User, note: str):
    """Subject, text and HTML of the mail to one recipient, in their language.

    `package` is the recipient's language's file (PackageFile) or, for a version built
    before there were files, the version itself: pages and sha256 are what the mail names.
    """
    language = person.document_language
    values = {
        "order": order,
        "package": package,
        "person": person,
        "sender": sender,
        "note": note,
        "filename": filename(order, version_number(package), language),
    }
    with force_locale(language):
        return (
            render_template("mail/package_sent.subject.txt", **values).strip(),
            render_template("mail/package_sent.txt", **values),
            render_template("mail/package_sent.html", **values),
        )


def version_number(package: DocumentPackage | PackageFile) -> int:
    """The version a package or one of its files belongs to."""
    return package.package.version if isinstance(package, PackageFile) else package.version
