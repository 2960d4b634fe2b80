"""The checks every write of the review shares: who may write, on what state, from which version.

writable_order() is the one loader of both writes (save and finalise), in this order: the order
visible to the actor (else 404), not finalised (else the audited refusal), partner staff (else
403).

Partner staff alone review and finalise. Once finalised, every write is refused for everyone,
admin included, and each attempt is audited (committed on its own, so it survives the failed
request). A save that did not start from the stored version of its review, or that loses the
race to another reviewer's commit, is a Conflict naming who saved.
"""

from typing import NoReturn

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import audit
from portal.models import AnswerReview, Order, User
from portal.services import access
from portal.services.errors import Conflict
from portal.services.review.state import known_kind, latest_snapshot


def writable_order(
    session: Session, actor: User, order_id: int, kind: str, attempt: str, **extra
) -> Order:
    """The order whose questionnaire `kind` partner staff are about to write: visible to the
    actor, not finalised (else the attempt is audited and refused, for every role)."""
    order = access.get_order(session, actor, order_id)
    refuse_if_frozen(session, actor, order, known_kind(kind), attempt, **extra)
    require_partner(actor)
    return order


def refuse_if_frozen(
    session: Session, actor: User, order: Order, kind: str, attempt: str, **extra
) -> None:
    """Once finalised, nobody (admin included) writes: log the attempt, commit it, refuse."""
    frozen = latest_snapshot(session, order.id, kind)
    if frozen is None:
        return
    refusal = Conflict(
        _(
            "Dieser Fragebogen ist seit %(when)s abgeschlossen und kann nicht mehr geändert "
            "werden. Der Versuch wurde protokolliert.",
            when=format_datetime(frozen.finalised_at, "short"),
        )
    )
    audit.refuse(
        session,
        actor,
        refusal,
        "review",
        "questionnaire_snapshot",
        frozen.id,
        order_id=order.id,
        questionnaire=kind,
        attempted=attempt,
        role=actor.role,
        **extra,
    )


def require_partner(actor: User) -> None:
    """Only partner staff review and finalise; everyone else may look."""
    access.require_partner(actor, _("Nur Mitarbeiter des Partners prüfen die Antworten."))


def check_version(review: AnswerReview | None, version: int) -> None:
    """Refuse a save that did not start from the stored version of the review."""
    if (review.version if review is not None else 0) != version:
        conflict(review)


def conflict(review: AnswerReview | None) -> NoReturn:
    """Refuse a save that lost to another reviewer, naming who saved and when."""
    if review is None:
        raise Conflict(_("Diese Antwort wurde inzwischen geändert. Bitte die Seite neu laden."))
    raise Conflict(
        _(
            "%(who)s hat diese Antwort inzwischen gespeichert (%(when)s). Ihre Änderung ist "
            "nicht übernommen; bitte den aktuellen Stand prüfen und erneut speichern.",
            who=review.updated_by.name,
            when=format_datetime(review.updated_at, "short"),
        )
    )
