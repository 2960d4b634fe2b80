"""What an offer looks like outside the portal: its PDF and the mails about it.

Each composes from the templates under templates/offer/ and templates/mail/offer_*; the use
cases decide when. The secret link never goes into the PDF, and into a mail only as a
placeholder that the outbox fills in at delivery.
"""

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import mail, pdf
from portal.models import CustomerContact, Order, ServiceOffer, User
from portal.services.offers.letter import Sender, recipient
from portal.services.offers.pricing import BERLIN, code, today, totals


def render_pdf(order: Order, offer: ServiceOffer) -> bytes:
    """The offer as a PDF in its language (never with the secret link in it)."""
    with force_locale(offer.language):
        title = _("Angebot %(code)s", code=code(order, offer))
    return pdf.document(
        "offer/pdf.html",
        language=offer.language,
        title=title,
        header=f"{order.customer_name} · {title}",
        order=order,
        offer=offer,
        code=code(order, offer),
        totals=totals(offer.lines, offer.vat_rate),
        sender=Sender.from_config(current_app.config),
        recipient=recipient(order, offer.language),
        sent_on=offer.sent_at.astimezone(BERLIN).date() if offer.sent_at else today(),
    )


def url_for_token(token: str) -> str:
    """The absolute URL of the customer's decision link (mails are sent outside a request)."""
    return f"{current_app.config['BASE_URL']}/o/{token}"


def mail_contacts(
    session: Session,
    order: Order,
    offer: ServiceOffer,
    contacts: list[CustomerContact],
    token: str,
) -> None:
    """Queue the offer to every contact, the link as a placeholder; record each message."""
    attachment = (f"{code(order, offer)}.pdf", "application/pdf", offer.pdf)
    hidden = mail.Secrets()
    context = {
        "order": order,
        "offer": offer,
        "code": code(order, offer),
        "totals": totals(offer.lines, offer.vat_rate),
        "url": url_for_token(hidden.hide(token)),
    }
    message_ids = {}
    for contact in contacts:
        with force_locale(contact.language):
            subject = render_template("mail/offer_sent.subject.txt", person=contact, **context)
            text = render_template("mail/offer_sent.txt", person=contact, **context)
            html = render_template("mail/offer_sent.html", person=contact, **context)
        row = mail.queue(
            session,
            to=[contact.email],
            subject=subject.strip(),
            text=text,
            html=html,
            attachments=(attachment,),
            secrets=hidden,
        )
        message_ids[contact.id] = row.id
    # A new list: the JSON column notices assignment, not changes inside.
    offer.recipients = [
        {**person, "message_id": message_ids.get(person["contact_id"])}
        for person in offer.recipients
    ]


def mail_withdrawn(session: Session, order: Order, offer: ServiceOffer, actor: User) -> None:
    """Tell everyone the offer went to that its link no longer works, each in their language."""
    for person in offer.recipients:
        mail.queue_template(
            session,
            to=person["email"],
            language=person["language"],
            template="offer_withdrawn",
            order=order,
            code=code(order, offer),
            person=person,
            sender=actor,
        )


def notify_sender(session: Session, order: Order, offer: ServiceOffer) -> None:
    """Tell the partner who sent the offer how the customer decided (if they are still active)."""
    sender = offer.sent_by
    if sender is None or not sender.active:
        return
    mail.queue_template(
        session,
        to=sender.email,
        language=sender.language,
        template="offer_decided",
        order=order,
        offer=offer,
        person=sender,
        code=code(order, offer),
        totals=totals(offer.lines, offer.vat_rate),
        url=f"{current_app.config['BASE_URL']}/orders/{order.id}#offer-heading",
    )
