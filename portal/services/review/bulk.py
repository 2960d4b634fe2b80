"""Bulk accept in the call (step 6 hold_call): every untouched answer in view becomes "übernommen".

The page sends the answers it shows (a section, or everything the filter shows) with the review
version each one had when the page was drawn. Only answers without a status whose final value is
still the customer's are taken (rules.bulk_acceptable); an answer another reviewer saved in the
meantime is skipped and reported, never overwritten. One audit event records the count.
"""

import copy
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.models import AnswerReview, User, utcnow
from portal.models.review import ACCEPTED
from portal.services.review.guards import refuse_if_frozen, writable_order
from portal.services.review.rules import bulk_acceptable
from portal.services.review.state import questionnaire_state, rows_of, stored_reviews

ATTEMPTS = 3  # a concurrent first save of one of the answers makes us read again


@dataclass
class BulkResult:
    """What bulk accept did: the answers it accepted (pointer -> new version) and the ones it
    skipped because someone else had saved them since the page was drawn."""

    accepted: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def accept_unchanged(
    session: Session,
    actor: User,
    order_id: int,
    kind: str,
    seen: dict[str, int],
    locale: str = "de",
) -> BulkResult:
    """Mark as accepted every answer of `seen` (pointer -> version shown) that has no status and
    whose final value equals the customer's; those someone else saved meanwhile are skipped
    and reported (the actor's own saves since are skipped silently)."""
    for attempt in range(ATTEMPTS):
        order = writable_order(session, actor, order_id, kind, "bulk_accept")
        state = questionnaire_state(session, order, kind)
        stored = stored_reviews(session, order, kind)
        rows = rows_of(state.questionnaire, state.data, state.context, stored, locale)
        shown = [r for r in rows if r.pointer in seen]
        takes = {r.pointer for r in bulk_acceptable(shown)}
        result = BulkResult()
        created = []
        for row in shown:
            if row.pointer not in takes or row.version != seen[row.pointer]:
                theirs = stored.get(row.pointer)
                if row.version != seen[row.pointer] and theirs.updated_by_id != actor.id:
                    result.skipped.append(row.pointer)
                continue
            review = AnswerReview(
                order_id=order.id,
                questionnaire=kind,
                pointer=row.pointer,
                status=ACCEPTED,
                final=copy.deepcopy(row.original),
                comment="",
                updated_by_id=actor.id,
                updated_at=utcnow(),
            )
            session.add(review)
            created.append(review)
        try:
            session.flush()
        except IntegrityError:
            # Another reviewer saved one of these answers first: read again and skip it.
            session.rollback()
            refuse_if_frozen(session, actor, order, kind, "bulk_accept")
            if attempt + 1 < ATTEMPTS:
                continue
            raise
        result.accepted = {r.pointer: r.version for r in created}
        audit.record(
            session,
            actor,
            "review.bulk_accept",
            "order",
            order.id,
            order_id=order.id,
            questionnaire=kind,
            count=len(created),
            skipped=len(result.skipped),
        )
        session.commit()
        return result
    raise AssertionError("unreachable")  # pragma: no cover
