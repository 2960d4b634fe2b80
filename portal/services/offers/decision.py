"""The customer's side of an offer: its PDF through the secret link, and the decision.

The customer accepts or declines a sent offer once; the version counter makes two racing
decisions fail but one. The partner who sent the offer is told by mail.
"""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import audit
from portal.models import ServiceOffer, utcnow
from portal.models.offer import ACCEPTED, DECLINED, SENT
from portal.services.errors import Conflict, Invalid, all_or_nothing, flush_or_refuse
from portal.services.offers.mails import notify_sender
from portal.services.offers.pricing import code
from portal.services.offers.records import customer_offer, order_of, refuse

NAME_MIN, NAME_MAX, COMMENT_MAX = 2, 100, 2_000


def customer_pdf(session: Session, offer_ids: list[int], offer_id: int) -> tuple[str, bytes]:
    """The PDF of an offer this customer session opened: (file name, bytes)."""
    offer = customer_offer(session, offer_ids, offer_id)
    return f"{code(order_of(session, offer), offer)}.pdf", offer.pdf


def decide(
    session: Session,
    offer_ids: list[int],
    offer_id: int,
    *,
    accept: bool,
    name: str,
    comment: str,
    version: int | None,
) -> ServiceOffer:
    """The customer accepts or declines a sent offer, once; the partner who sent it is told."""
    with all_or_nothing(session):
        offer = customer_offer(session, offer_ids, offer_id)
        if offer.status != SENT:
            # The name is not checked yet: the event says "customer", not what was typed.
            refuse(
                session,
                "customer",
                _("Über dieses Angebot wurde schon entschieden."),
                offer.id,
                order_id=offer.order_id,
                attempted="decide",
                status=offer.status,
            )
        name = " ".join(str(name or "").split())
        comment = str(comment or "").replace("\r\n", "\n").strip()
        errors = {}
        if not NAME_MIN <= len(name) <= NAME_MAX:
            errors["name"] = _("Bitte geben Sie Ihren Namen an (2 bis 100 Zeichen).")
        if len(comment) > COMMENT_MAX:
            errors["comment"] = _("Höchstens %(n)d Zeichen.", n=COMMENT_MAX)
        if errors:
            raise Invalid(_("Bitte prüfen Sie die markierten Angaben."), **errors)
        if offer.version != version:
            raise Conflict(_("Über dieses Angebot wurde schon entschieden."))
        offer.status = ACCEPTED if accept else DECLINED
        offer.decided_at, offer.decided_by_name = utcnow(), name
        offer.decision_comment = comment or None
        flush_or_refuse(session, Conflict(_("Über dieses Angebot wurde schon entschieden.")))
        order = order_of(session, offer)
        audit.record(
            session,
            f"{name} (customer)",
            f"offer.{offer.status}",
            "service_offer",
            offer.id,
            order_id=order.id,
            number=offer.number,
            name=name,
            comment=offer.decision_comment,
        )
        notify_sender(session, order, offer)
        session.commit()
        return offer
