"""Finalising the review (step 6 hold_call): the questionnaire freezes into a hashed snapshot.

Once every answer has a status, partner staff freeze the submitted answers, the final ones and
every review into a versioned QuestionnaireSnapshot with a SHA-256 over its canonical JSON
(rules.content_hash). From then on every write is refused (guards.refuse_if_frozen); recording
the call as held (services/protocol/hold_call.py) waits for both questionnaires to be finalised.
"""

import json

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.models import AnswerReview, QuestionnaireSnapshot, User, utcnow
from portal.models.review import CHANGED, OPEN
from portal.services.errors import Conflict
from portal.services.protocol.review_points import carry_open_questions
from portal.services.review.guards import refuse_if_frozen, writable_order
from portal.services.review.rules import (
    canonical,
    content_hash,
    final_document,
    open_questions,
    reviews_of,
    unreviewed,
)
from portal.services.review.state import Row, State, all_rows, questionnaire_state


class NeedsConfirmation(Conflict):
    """Finalising waits: answers without a status (they block), or open questions the
    reviewer has not confirmed yet (they are listed for a second, explicit finalise)."""

    def __init__(self, message: str, missing: list[Row], questions: list[Row]):
        super().__init__(message)
        self.missing, self.questions = missing, questions


def finalise(
    session: Session,
    actor: User,
    order_id: int,
    kind: str,
    confirmed: list[str] | None = None,
    locale: str = "de",
) -> QuestionnaireSnapshot:
    """Freeze a fully reviewed questionnaire into a hashed, versioned snapshot.

    Answers still marked "offene Frage" need the reviewer's confirmation: `confirmed` names
    the pointers of the open questions the confirmation page listed; if they are not exactly
    the open questions now, NeedsConfirmation lists them (again). The open questions become
    open points of the order's protocol.
    """
    order = writable_order(session, actor, order_id, kind, "finalise")
    state = questionnaire_state(session, order, kind)
    rows = all_rows(session, state, kind, locale)
    missing, questions = unreviewed(rows), open_questions(rows)
    if missing:
        raise NeedsConfirmation(
            _(
                "Noch %(missing)d von %(total)d Antworten ohne Status; erst danach lässt sich "
                "der Fragebogen abschließen.",
                missing=len(missing),
                total=len(rows),
            ),
            missing,
            questions,
        )
    if questions and set(confirmed or ()) != {r.pointer for r in questions}:
        raise NeedsConfirmation(
            ngettext(
                "Noch %(num)d offene Frage; bitte bestätigen, dass der Fragebogen trotzdem "
                "abgeschlossen wird.",
                "Noch %(num)d offene Fragen; bitte bestätigen, dass der Fragebogen trotzdem "
                "abgeschlossen wird.",
                len(questions),
            ),
            [],
            questions,
        )
    snap = build_snapshot(session, state, kind, rows, actor)
    session.add(snap)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # someone else finalised at the same moment: theirs stands
        refuse_if_frozen(session, actor, order, kind, "finalise")
        raise
    # Every answer has a review row now; raising their versions makes a save that read them
    # before this commit fail on its own write, so nothing lands beside the frozen snapshot.
    session.execute(
        update(AnswerReview)
        .where(AnswerReview.order_id == order.id, AnswerReview.questionnaire == kind)
        .values(version=AnswerReview.version + 1)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        actor,
        "review.finalise",
        "questionnaire_snapshot",
        snap.id,
        order_id=order.id,
        questionnaire=kind,
        version=snap.version,
        schema_version=snap.schema_version,
        content_hash=snap.content_hash,
        changed=sum(r.status == CHANGED for r in rows),
        open=sum(r.status == OPEN for r in rows),
    )
    carry_open_questions(
        session,
        actor,
        order,
        kind,
        state.schema_version,
        [(r.pointer, r.comment) for r in questions],
    )
    session.commit()
    return snap


def build_snapshot(
    session: Session, state: State, kind: str, rows: list[Row], actor: User
) -> QuestionnaireSnapshot:
    """The next snapshot of the questionnaire (not added to the session): the submitted and the
    final answers, every review, who and when, and the hash over all of it."""
    previous = session.scalar(
        select(func.max(QuestionnaireSnapshot.version)).where(
            QuestionnaireSnapshot.order_id == state.order.id,
            QuestionnaireSnapshot.questionnaire == kind,
        )
    )
    # A JSON round trip: what is hashed is exactly what the database gives back.
    snap = QuestionnaireSnapshot(
        order_id=state.order.id,
        questionnaire=kind,
        version=(previous or 0) + 1,
        schema_version=state.schema_version,
        original=json.loads(canonical(state.data)),
        final=json.loads(canonical(final_document(state.data, rows))),
        reviews=json.loads(canonical(reviews_of(rows))),
        finalised_by_id=actor.id,
        finalised_at=utcnow(),
    )
    snap.content_hash = content_hash(snap)
    return snap
