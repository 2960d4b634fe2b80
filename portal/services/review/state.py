"""The answers under review of an order's questionnaire, and their rows.

Before finalising, the answers are the customer's submitted response and the reviews the stored
AnswerReview rows; once finalised, both come from the frozen QuestionnaireSnapshot. Reading
only: nothing here writes.
"""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

import forms_schema
from forms_schema.data import same
from portal import questionnaires
from portal.models import AnswerReview, Order, QuestionnaireSnapshot, User
from portal.models.response import SUBMITTED
from portal.models.review import ACCEPTED, OPEN
from portal.questionnaires import label_of, labels
from portal.services import access, responses
from portal.services.errors import Conflict, NotFound
from portal.services.review.rules import leaves


@dataclass
class Row:
    """One answer in the workspace: the customer's original beside the final value."""

    number: int  # 1-based position among all rows: the anchor "#a-<number>"
    pointer: str
    label: str
    page: str
    node: forms_schema.Node
    original: Any
    final: Any
    status: str | None
    comment: str
    version: int  # 0 before the first save
    updated_by: str | None = None
    updated_at: Any = None

    @property
    def changed(self) -> bool:
        """Whether the final value differs from the customer's answer."""
        return not same(self.original, self.final)

    @property
    def is_open(self) -> bool:
        """Still to be dealt with: no status yet, or an open question."""
        return self.status in (None, OPEN)


def known_kind(kind: str) -> str:
    """The questionnaire kind asked for; NotFound for one the portal does not have."""
    if kind not in questionnaires.KINDS:
        raise NotFound(_("Diesen Fragebogen gibt es nicht."))
    return kind


def latest_snapshot(session: Session, order_id: int, kind: str) -> QuestionnaireSnapshot | None:
    """The newest frozen snapshot of the order's questionnaire, None while it is not finalised."""
    return session.scalar(
        select(QuestionnaireSnapshot)
        .where(
            QuestionnaireSnapshot.order_id == order_id, QuestionnaireSnapshot.questionnaire == kind
        )
        .order_by(QuestionnaireSnapshot.version.desc())
        .limit(1)
    )


def finalised(session: Session, order: Order, kind: str) -> bool:
    """Whether the questionnaire of this order is finalised (frozen); for the hold_call gate."""
    return latest_snapshot(session, order.id, kind) is not None


def snapshot(session: Session, actor: User, order_id: int, kind: str) -> QuestionnaireSnapshot:
    """The frozen snapshot of a finalised questionnaire, for everyone who may see the order."""
    order = access.get_order(session, actor, order_id)
    found = latest_snapshot(session, order.id, known_kind(kind))
    if found is None:
        raise NotFound(_("Dieser Fragebogen ist noch nicht abgeschlossen."))
    return found


def rows_of(questionnaire, data: dict, context: dict, reviews: dict[str, Any], locale: str):
    """The workspace rows of submitted answers `data`; `reviews` maps pointer -> AnswerReview
    or a snapshot's review dict."""
    names = labels(questionnaire, locale)
    rows = []
    for number, (pointer, node, original) in enumerate(leaves(questionnaire, data, context), 1):
        row = Row(
            number, pointer, label_of(pointer, names), "", node, original, original, None, "", 0
        )
        top = questionnaire.node("/" + pointer.strip("/").split("/")[0])
        row.page = top.page if top else ""
        review = reviews.get(pointer)
        if isinstance(review, AnswerReview):
            row.status, row.comment, row.version = review.status, review.comment, review.version
            row.final = original if review.status == ACCEPTED else review.final
            row.updated_by, row.updated_at = review.updated_by.name, review.updated_at
        elif isinstance(review, dict):
            row.status, row.comment = review.get("status"), review.get("comment") or ""
            row.final = review.get("final")
        rows.append(row)
    return rows


@dataclass
class State:
    """An order's questionnaire under review: its definition, the answers, the snapshot if any."""

    order: Order
    questionnaire: Any
    context: dict
    data: dict
    schema_version: int
    snapshot: QuestionnaireSnapshot | None


def questionnaire_state(session: Session, order: Order, kind: str) -> State:
    """The answers under review: the snapshot's once finalised, else the submitted response."""
    frozen = latest_snapshot(session, order.id, kind)
    context = questionnaires.context_of(order)
    if frozen is not None:
        questionnaire = questionnaires.get(session, kind, frozen.schema_version)
        return State(order, questionnaire, context, frozen.original, frozen.schema_version, frozen)
    response = responses.find(session, order, kind)
    if response is None or response.status != SUBMITTED:
        raise Conflict(_("Der Kunde hat diesen Fragebogen noch nicht abgeschickt."))
    questionnaire = questionnaires.get(session, kind, response.schema_version)
    return State(order, questionnaire, context, response.data, response.schema_version, None)


def stored_reviews(session: Session, order: Order, kind: str) -> dict[str, AnswerReview]:
    """Pointer -> the stored review of each answer, with who saved it last."""
    found = session.scalars(
        select(AnswerReview)
        .where(AnswerReview.order_id == order.id, AnswerReview.questionnaire == kind)
        .options(joinedload(AnswerReview.updated_by))
    )
    return {review.pointer: review for review in found}


def all_rows(session: Session, state: State, kind: str, locale: str) -> list[Row]:
    """Every answer's row with its review: the snapshot's once finalised, else the stored ones."""
    if state.snapshot is not None:
        reviews: dict[str, Any] = state.snapshot.reviews
    else:
        reviews = stored_reviews(session, state.order, kind)
    return rows_of(state.questionnaire, state.data, state.context, reviews, locale)
