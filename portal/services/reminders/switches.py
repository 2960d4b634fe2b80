"""The opt-outs: the partner switches an order's reminders off, or one person's; every staff
member switches their own daily digest off."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import QUESTIONNAIRES, ReminderMute, User, utcnow
from portal.services import access
from portal.services.errors import Forbidden, Invalid
from portal.services.reminders.customers import link_people


def save_order_switches(
    session: Session, actor: User, order_id: int, *, off: bool, muted: list[str]
) -> None:
    """Set whether an order's reminders are off, and which of its people get none."""
    access.require_partner(actor, _("Nur Mitarbeiter des Partners schalten Erinnerungen."))
    order = access.accepted_order(session, actor, order_id)
    wanted = {email.strip().lower() for email in muted if email.strip()}
    known = link_people(session, order, QUESTIONNAIRES, utcnow())
    unknown = sorted(wanted - set(known))
    if unknown:
        raise Invalid(
            _(
                "An %(emails)s wurde kein Link zu dieser Bestellung geschickt.",
                emails=", ".join(unknown),
            )
        )
    existing = {
        mute.email: mute
        for mute in session.scalars(select(ReminderMute).where(ReminderMute.order_id == order.id))
    }
    for email, mute in existing.items():
        if email not in wanted:
            session.delete(mute)
    for email in sorted(wanted - set(existing)):
        session.add(ReminderMute(order_id=order.id, email=email, created_by_id=actor.id))
    order.reminders_off = off
    audit.record(
        session, actor, "reminders.update", "order", order.id, off=off, muted=sorted(wanted)
    )
    session.commit()


def set_digest(session: Session, actor: User, *, off: bool) -> None:
    """Switch the actor's own daily digest of overdue steps off or on again."""
    if not actor.is_authenticated or not actor.active:
        raise Forbidden(_("Bitte melden Sie sich an."))
    actor.digest_off = off
    audit.record(session, actor, "digest.update", "user", actor.id, off=off)
    session.commit()
