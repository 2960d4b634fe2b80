"""Saving one answer's review in the call (step 6 hold_call): status, final value, comment.

The final value is typed by the question (rules.parse_final) and checked against the
questionnaire's rules in the context of every other final value. The save starts from the
review version the reviewer saw; SQLAlchemy's version counter makes the database refuse a save
that another reviewer's commit overtook, and finalising raises every version, so no save lands
beside a frozen snapshot.
"""

import copy
from dataclasses import replace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from forms_schema.data import same
from portal import audit
from portal.models import AnswerReview, User, utcnow
from portal.models.review import ACCEPTED, CHANGED, STATUSES
from portal.services.errors import Invalid, NotFound
from portal.services.review.guards import check_version, conflict, refuse_if_frozen, writable_order
from portal.services.review.rules import clean_comment, final_document, parse_final
from portal.services.review.state import (
    Row,
    State,
    questionnaire_state,
    rows_of,
    stored_reviews,
)


def save_review(
    session: Session,
    actor: User,
    order_id: int,
    kind: str,
    pointer: str,
    *,
    status: str,
    final: str | list[str] | None,
    comment: str,
    version: int,
    locale: str = "de",
) -> AnswerReview:
    """Partner staff record the status, final value and comment of one answer.

    `version` is the review version the reviewer saw; if someone saved in between, the save
    is refused naming them, never silently overwritten.
    """
    order = writable_order(session, actor, order_id, kind, "save", pointer=pointer)
    state = questionnaire_state(session, order, kind)
    stored = stored_reviews(session, order, kind)
    rows = rows_of(state.questionnaire, state.data, state.context, stored, locale)
    row = next((r for r in rows if r.pointer == pointer), None)
    if row is None:
        raise NotFound(_("Diese Antwort gibt es in diesem Fragebogen nicht."))
    value = checked_value(state, rows, row, status, final, locale)
    comment = clean_comment(comment)
    review = stored.get(pointer)
    check_version(review, version)
    if review is None:
        review = AnswerReview(order_id=order.id, questionnaire=kind, pointer=pointer)
        session.add(review)
    review.status, review.final, review.comment = status, value, comment
    review.updated_by_id, review.updated_at = actor.id, utcnow()
    try:
        session.flush()  # raises the version counter, or StaleDataError if someone was faster
    except (StaleDataError, IntegrityError):
        # Another reviewer committed between our read and our write: theirs stands.
        session.rollback()
        refuse_if_frozen(session, actor, order, kind, "save", pointer=pointer)
        conflict(stored_reviews(session, order, kind).get(pointer))
    audit.record(
        session,
        actor,
        "review.save",
        "answer_review",
        review.id,
        order_id=order.id,
        questionnaire=kind,
        pointer=pointer,
        status=status,
        version=review.version,
        final_differs=not same(value, row.original),
    )
    session.commit()
    return review


def checked_value(
    state: State, rows: list[Row], row: Row, status: str, final: str | list[str] | None, locale: str
) -> Any:
    """The final value to store for this status, checked against the question's rules."""
    if status not in STATUSES:
        raise Invalid(_("Bitte einen Status wählen."), status=_("Bitte einen Status wählen."))
    if status == ACCEPTED:
        return copy.deepcopy(row.original)
    if row.node.widget == "file":
        if status == CHANGED:
            message = _("Dateien lassen sich im Review nicht ersetzen; bitte kommentieren.")
            raise Invalid(message, final=message)
        return copy.deepcopy(row.original)
    try:
        value = parse_final(row.node, final)
    except Invalid as error:
        raise Invalid(error.message, final=error.message) from None
    if status == CHANGED and same(value, row.original):
        message = _(
            "Der endgültige Wert ist gleich der Antwort des Kunden. Bitte den geänderten Wert "
            "eintragen oder „übernommen“ wählen."
        )
        raise Invalid(message, final=message)
    candidate = replace(row, final=value)
    document = final_document(state.data, [candidate if r is row else r for r in rows])
    errors = state.questionnaire.validate(
        document, partial=True, context=state.context, locale=locale
    )
    mine = [e.message for e in errors if e.pointer == row.pointer]
    if mine:
        raise Invalid(mine[0], final=mine[0])
    return value
