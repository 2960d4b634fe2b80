"""Use cases: move in-flight answers to a newer questionnaire version, dry run first.

Only unsubmitted responses move; a submitted one keeps its version forever. apply() writes what
the dry run showed, one audited step per response: the answers under the new version (rows keep
their ids), the version counter raised (an open customer page reloads instead of saving over
it), a ResponseMigration record per version passed that keeps every dropped value, and the
reviews of renamed answers moved along, so their history follows the question.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal import audit
from portal.models import (
    AnswerReview,
    Order,
    QuestionnaireVersion,
    Response,
    ResponseMigration,
    ResponseRevision,
    Role,
    User,
    utcnow,
)
from portal.models.questionnaire import PUBLISHED
from portal.models.response import SUBMITTED
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.studio import library, migration_plan
from portal.services.studio.migration_plan import Plan

EDITORS = (Role.QUESTIONNAIRE_EDITOR, Role.ADMIN)


def require_editor(actor: User | None) -> None:
    """Questionnaire editors and admins only; Forbidden for everyone else."""
    if actor is None or getattr(actor, "role", None) not in EDITORS:
        raise Forbidden(_("Nur Fragebogen-Redaktion und Administration arbeiten im Studio."))


@dataclass(frozen=True)
class InFlight:
    """An unsubmitted response on an older version, with its order and when it was last saved."""

    response: Response
    order: Order
    updated_at: datetime | None
    updated_by: str | None


def in_flight(session: Session, kind: str, number: int) -> list[InFlight]:
    """The unsubmitted responses of a kind on a version older than `number`, by customer."""
    rows = session.execute(
        select(Response, Order)
        .join(Order, Response.order_id == Order.id)
        .where(
            Response.questionnaire == kind,
            Response.status != SUBMITTED,
            Response.schema_version < number,
        )
        .order_by(Order.customer_name, Response.id)
    )
    return [InFlight(r, o, r.updated_at, r.updated_by) for r, o in rows]


def target_version(session: Session, kind: str, number: int) -> QuestionnaireVersion:
    """The version row answers would move to; NotFound if there is none."""
    version = session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.kind == kind, QuestionnaireVersion.number == number
        )
    )
    if version is None:
        raise NotFound(_("Diese Fragebogen-Version gibt es nicht."))
    return version


def _response(session: Session, response_id: int) -> Response:
    response = session.get(Response, response_id)
    if response is None:
        raise NotFound(_("Diese Antworten gibt es nicht."))
    return response


def _refusal(session, response: Response, to_number: int) -> Conflict | None:
    """Why a response cannot move to a version now, or None."""
    if response.status == SUBMITTED:
        return Conflict(_("Abgeschickte Antworten behalten ihre Fragebogen-Version für immer."))
    version = target_version(session, response.questionnaire, to_number)
    if version.status != PUBLISHED:
        return Conflict(_("Antworten ziehen nur auf eine veröffentlichte Version um."))
    if response.schema_version >= to_number:
        return Conflict(
            _("Diese Antworten sind schon auf Version %(n)d.", n=response.schema_version)
        )
    return None


def _planned(session, response: Response, to_number: int, locale: str) -> Plan:
    try:
        return migration_plan.build(session, response, to_number, locale)
    except library.MappingError as error:
        raise Invalid(
            _("Die Migrationsabbildung passt nicht zu den Versionen: %(e)s", e=str(error))
        ) from error


def dry_run(
    session: Session, actor: User, response_id: int, to_number: int, *, locale: str = "de"
) -> Plan:
    """What moving a response to a version would keep, convert and drop; writes nothing."""
    require_editor(actor)
    response = _response(session, response_id)
    refusal = _refusal(session, response, to_number)
    if refusal is not None:
        raise refusal
    return _planned(session, response, to_number, locale)


def apply(
    session: Session,
    actor: User,
    response_id: int,
    to_number: int,
    *,
    expected_from: int,
    expected_revision: int | None = None,
    locale: str = "de",
) -> list[ResponseMigration]:
    """Move a response to a version as its dry run showed: one audited step, all or nothing.

    expected_from (and expected_revision, the response's version counter the dry run saw)
    refuse the step when the response moved or was saved since the editor looked.
    """
    require_editor(actor)
    response = _response(session, response_id)
    refusal = _refusal(session, response, to_number)
    if refusal is None and (
        response.schema_version != expected_from
        or (expected_revision is not None and response.version != expected_revision)
    ):
        refusal = Conflict(
            _("Die Antworten haben sich seit dem Probelauf geändert. Bitte prüfen Sie ihn erneut.")
        )
    if refusal is not None:
        audit.refuse(
            session,
            actor,
            refusal,
            "response",
            "response",
            response.id,
            attempted="migrate",
            to_version=to_number,
        )
    plan = _planned(session, response, to_number, locale)
    now = utcnow()
    records = [_record(session, actor, response, step, now) for step in plan.steps]
    last = plan.steps[-1]
    response.data, response.row_ids = last.moved.data, last.row_ids
    response.schema_version = to_number
    try:
        session.flush()  # raises the version counter: an open page's next save reloads
    except StaleDataError:
        session.rollback()
        raise Conflict(
            _("Die Antworten wurden gerade gespeichert. Bitte prüfen Sie den Probelauf erneut.")
        ) from None
    session.add(
        ResponseRevision(
            response_id=response.id,
            version=response.version,
            data=response.data,
            row_ids=response.row_ids,
            saved_by=actor.name,
            saved_at=now,
        )
    )
    audit.record(
        session,
        actor,
        "response.migrate",
        "response",
        response.id,
        order_id=response.order_id,
        questionnaire=response.questionnaire,
        from_version=plan.from_version,
        to_version=to_number,
        kept=len(last.moved.kept),
        converted=[c["new_pointer"] for s in plan.steps for c in s.moved.converted],
        dropped=[d["pointer"] for s in plan.steps for d in s.moved.dropped],
    )
    session.commit()
    return records


def _record(session, actor, response, step, now) -> ResponseMigration:
    record = ResponseMigration(
        response_id=response.id,
        from_version=step.from_version,
        to_version=step.to_version,
        kept=step.moved.kept,
        converted=step.moved.converted,
        dropped=step.moved.dropped,
        changes=step.changes,
        applied_by_id=actor.id,
        applied_at=now,
    )
    session.add(record)
    _move_reviews(session, response, step)
    return record


def _move_reviews(session, response: Response, step) -> None:
    """Reviews of renamed answers follow them; a review standing where one arrives stays kept
    under its old pointer marked with its version ("/x@v1"), out of the way."""
    moves = {
        c["old_pointer"]: c["new_pointer"]
        for c in step.moved.converted
        if c["old_pointer"] != c["new_pointer"]
    }
    if not moves:
        return
    reviews = {
        r.pointer: r
        for r in session.scalars(
            select(AnswerReview).where(
                AnswerReview.order_id == response.order_id,
                AnswerReview.questionnaire == response.questionnaire,
            )
        )
    }
    moving = {p: r for p, r in reviews.items() if p in moves}
    if not moving:
        return
    arriving = {moves[p] for p in moving}
    for pointer, review in reviews.items():
        if pointer in arriving and pointer not in moving:
            review.pointer = f"{pointer}@v{step.from_version}"
    for review in moving.values():
        review.pointer = f"~{review.id}"  # swaps (a -> b, b -> a) never meet the unique key
    session.flush()
    for pointer, review in moving.items():
        review.pointer = moves[pointer]
