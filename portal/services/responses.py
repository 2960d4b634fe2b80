"""Use cases of step 5 around the drafts: find a response, submit it, reopen it, overview.

Saving drafts (several people at once, conflicts) is portal.services.drafts.
"""

import copy
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forms_schema.changes import Document
from portal import audit, questionnaires
from portal.models import (
    Order,
    QuestionnaireSnapshot,
    Response,
    Role,
    StepCompletion,
    Upload,
    User,
    utcnow,
)
from portal.models.response import DRAFT, SUBMITTED
from portal.services import access, links, notifications
from portal.services.errors import Conflict, Forbidden, NotFound


def customer_order(session: Session, link_ids: list[int], kind: str) -> Order:
    """The order whose questionnaire `kind` this customer session holds a valid link for."""
    for link in links.valid_links(session, link_ids):
        if link.questionnaire == kind:
            return link.order
    raise NotFound(_("Dieser Fragebogen ist über Ihren Link nicht erreichbar."))


def find(session: Session, order: Order, kind: str, lock: bool = False) -> Response | None:
    """The stored response of an order's questionnaire, or None before the first save.

    lock: hold the row until commit, so that concurrent saves queue up instead of failing on
    the version counter. An empty write takes the lock on PostgreSQL (the row) and SQLite (the
    database) alike, before anything is read.
    """
    where = (Response.order_id == order.id, Response.questionnaire == kind)
    if lock:
        session.execute(
            update(Response).where(*where).values(version=Response.version),
            execution_options={"synchronize_session": False},
        )
    query = select(Response).where(*where)
    if lock:
        query = query.execution_options(populate_existing=True)
    return session.scalar(query)


def questionnaire_of(session, order: Order, kind: str, response: Response | None):
    """The questionnaire definition a response uses (the order's pinned version for a new one)."""
    version = response.schema_version if response else questionnaires.pinned(session, order, kind)
    return questionnaires.get(session, kind, version)


def document_of(response: Response | None, questionnaire) -> Document:
    """The stored answers of a response with the ids of their rows (a copy, safe to change)."""
    if response is None:
        return Document({}, {}, questionnaire.repeats())
    return Document(
        copy.deepcopy(response.data), copy.deepcopy(response.row_ids or {}), questionnaire.repeats()
    )


def submit(session: Session, order: Order, kind: str, *, author: str, locale: str = "de"):
    """Submit after full validation; both questionnaires submitted completes the step.

    The partner staff of the order hear of it by mail, queued with the submit.
    """
    response = find(session, order, kind)
    if response is None:
        response_data: dict = {}
    elif response.status == SUBMITTED:
        audit.refuse(
            session,
            author,
            Conflict(_("Dieser Fragebogen ist schon abgeschickt.")),
            "response",
            "response",
            response.id,
            order_id=order.id,
            questionnaire=kind,
            attempted="submit",
        )
    else:
        response_data = response.data
    questionnaire = questionnaire_of(session, order, kind, response)
    context = questionnaires.context_of(order)
    errors = questionnaire.validate(response_data, partial=False, context=context, locale=locale)
    if errors or response is None:
        return errors
    now = utcnow()
    response.status = SUBMITTED
    response.submitted_at = now
    response.submitted_by = author
    others = session.scalars(
        select(Response.status).where(Response.order_id == order.id, Response.id != response.id)
    ).all()
    complete = len(others) == len(questionnaires.KINDS) - 1 and all(s == SUBMITTED for s in others)
    if complete:
        session.add(
            StepCompletion(
                order_id=order.id, step="answer_questionnaires", completed_at=now, details={}
            )
        )
    notifications.questionnaire_submitted(session, order, response, complete=complete)
    audit.record(
        session,
        author,
        "response.submit",
        "response",
        response.id,
        order_id=order.id,
        questionnaire=kind,
    )
    session.commit()
    return []


def reopen(session: Session, actor: User, order_id: int, kind: str) -> Response:
    """Partner staff reopen a submitted questionnaire; the step is open again."""
    if actor.role != Role.PARTNER_STAFF:
        raise Forbidden(_("Nur Mitarbeiter des Partners öffnen Fragebögen wieder."))
    order = access.get_order(session, actor, order_id)
    response = find(session, order, kind)
    if response is None or response.status != SUBMITTED:
        raise Conflict(_("Dieser Fragebogen ist nicht abgeschickt."))
    if session.scalar(
        select(QuestionnaireSnapshot.id).where(
            QuestionnaireSnapshot.order_id == order.id, QuestionnaireSnapshot.questionnaire == kind
        )
    ):
        refusal = Conflict(
            _("Der Fragebogen ist im Setup Call abschließend dokumentiert und bleibt unverändert.")
        )
        audit.refuse(
            session,
            actor,
            refusal,
            "response",
            "response",
            response.id,
            order_id=order.id,
            questionnaire=kind,
            attempted="reopen",
        )
    response.status = DRAFT
    # Through the ORM, not a bulk delete, so the order's due index sees the step reopen.
    for completion in session.scalars(
        select(StepCompletion).where(
            StepCompletion.order_id == order.id, StepCompletion.step == "answer_questionnaires"
        )
    ):
        session.delete(completion)
    session.flush()
    audit.record(
        session,
        actor,
        "response.reopen",
        "response",
        response.id,
        order_id=order.id,
        questionnaire=kind,
    )
    session.commit()
    return response


@dataclass(frozen=True)
class Overview:
    kind: str
    title: str
    response: Response | None
    progress: float


def overview(session: Session, order: Order, locale: str = "de") -> list[Overview]:
    """Per questionnaire of an order: its state, the share answered, last saved by whom."""
    stored = {r.questionnaire: r for r in order.responses}
    context = questionnaires.context_of(order)
    rows = []
    for kind in questionnaires.KINDS:
        response = stored.get(kind)
        questionnaire = questionnaire_of(session, order, kind, response)
        progress = questionnaire.progress(response.data if response else {}, context)
        rows.append(Overview(kind, questionnaire.title(locale), response, progress))
    return rows


def upload_of(session: Session, order: Order, upload_id: int) -> Upload:
    """An upload belonging to one of this order's responses."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.response.order_id != order.id:
        raise NotFound(_("Datei nicht gefunden."))
    return upload
