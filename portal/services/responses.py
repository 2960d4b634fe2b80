"""Use cases of step 5: customers save drafts, resolve conflicts and submit; partners reopen.

Concurrency: every save names the version it started from. Changes are merged three-way
against that version, so answers of another contact are never silently overwritten; the
version column is SQLAlchemy's version counter, so two saves racing each other cannot both win.
"""

import copy
import hashlib
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import forms_schema
from portal import questionnaires, uploads
from portal.models import (
    Order,
    QuestionnaireSnapshot,
    Response,
    ResponseRevision,
    Role,
    StepCompletion,
    Upload,
    User,
    utcnow,
)
from portal.models.response import DRAFT, SUBMITTED
from portal.services import access, audit, links
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound

ATTEMPTS = 3


def customer_order(session: Session, link_ids: list[int], kind: str) -> Order:
    """The order whose questionnaire `kind` this customer session holds a valid link for."""
    for link in links.valid_links(session, link_ids):
        if link.questionnaire == kind:
            return link.order
    raise NotFound(_("Dieser Fragebogen ist über Ihren Link nicht erreichbar."))


def find(session: Session, order: Order, kind: str) -> Response | None:
    """The stored response of an order's questionnaire, or None before the first save."""
    return session.scalar(
        select(Response).where(Response.order_id == order.id, Response.questionnaire == kind)
    )


def questionnaire_of(order: Order, kind: str, response: Response | None):
    """The questionnaire definition a response uses (the latest for a new one)."""
    version = response.schema_version if response else questionnaires.latest(kind)
    return questionnaires.get(kind, version)


@dataclass(frozen=True)
class FileInput:
    filename: str
    mimetype: str
    content: bytes


@dataclass
class ConflictingAnswer:
    pointer: str
    mine: Any
    theirs: Any
    theirs_by: str | None


@dataclass
class SaveResult:
    response: Response | None
    errors: list[forms_schema.AnswerError] = field(default_factory=list)
    conflicts: list[ConflictingAnswer] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return not self.errors


def save(
    session: Session,
    order: Order,
    kind: str,
    *,
    base_version: int,
    changes: dict[str, Any],
    removed: tuple[str, ...] = (),
    files: dict[str, FileInput] | None = None,
    author: str,
    locale: str = "de",
) -> SaveResult:
    """Save a draft: `changes` maps top-level keys of one page to their new value (None clears).

    Hidden answers are cleared, the rest must pass partial validation or nothing is written.
    """
    for _attempt in range(ATTEMPTS):
        try:
            return _save_once(
                session, order, kind, base_version, changes, removed, files or {}, author, locale
            )
        except (StaleDataError, IntegrityError):
            # Another save committed between our read and our write: merge again on top of it.
            session.rollback()
    raise Conflict(_("Der Fragebogen wird gerade sehr häufig geändert. Bitte erneut speichern."))


def _save_once(session, order, kind, base_version, changes, removed, files, author, locale):
    response = find(session, order, kind)
    if response is not None and response.status == SUBMITTED:
        raise Conflict(
            _("Dieser Fragebogen ist schon abgeschickt und kann nicht mehr geändert werden.")
        )
    questionnaire = questionnaire_of(order, kind, response)
    context = questionnaires.context_of(order)
    theirs = response.data if response else {}
    base = _revision_data(session, response, base_version)
    mine = {k: v for k, v in base.items() if k not in changes or changes[k] is not None}
    mine.update({k: v for k, v in changes.items() if v is not None})
    for pointer in removed:
        forms_schema.delete(mine, pointer)

    errors = _file_errors(questionnaire, files, locale)
    if errors:
        return SaveResult(response, errors)
    merged, conflict_pointers = forms_schema.merge(base, mine, theirs)
    if response is None:
        response = Response(
            order_id=order.id, questionnaire=kind, schema_version=questionnaires.latest(kind)
        )
        session.add(response)
        session.flush()
    for pointer, upload in files.items():
        stored = _store_upload(session, response, pointer, upload, author)
        forms_schema.set(merged, pointer, f"upload:{stored.id}")
    merged = questionnaire.clean(merged, context)
    errors = questionnaire.validate(merged, partial=True, context=context, locale=locale)
    if errors:
        session.rollback()
        return SaveResult(None, errors)
    conflicts = [
        ConflictingAnswer(
            p,
            forms_schema.get(mine, p),
            forms_schema.get(theirs, p),
            _changed_by(session, response, base_version, p, base),
        )
        for p in conflict_pointers
    ]
    changed = sorted(
        p
        for p in set(forms_schema.flatten(merged)) | set(forms_schema.flatten(theirs))
        if forms_schema.get(merged, p) != forms_schema.get(theirs, p)
    )
    response.data = merged
    response.updated_at = utcnow()
    response.updated_by = author
    session.flush()  # raises the version counter, or StaleDataError if someone else was faster
    session.add(
        ResponseRevision(
            response_id=response.id, version=response.version, data=merged, saved_by=author
        )
    )
    audit.record(
        session,
        author,
        "response.save",
        "response",
        response.id,
        order_id=order.id,
        questionnaire=kind,
        version=response.version,
        changed=changed,
        conflicts=[c.pointer for c in conflicts],
    )
    session.commit()
    return SaveResult(response, [], conflicts)


def _changed_by(session, response, base_version: int, pointer: str, base: dict) -> str | None:
    """Who last changed this answer since the saver's base version (not just the last saver)."""
    revisions = session.execute(
        select(ResponseRevision.data, ResponseRevision.saved_by)
        .where(ResponseRevision.response_id == response.id, ResponseRevision.version > base_version)
        .order_by(ResponseRevision.version)
    )
    previous, who = forms_schema.get(base, pointer), None
    for data, saved_by in revisions:
        value = forms_schema.get(data, pointer)
        if value != previous:
            previous, who = value, saved_by
    return who


def _revision_data(session: Session, response: Response | None, version: int) -> dict:
    if response is None or version <= 0:
        return {}
    if version == response.version:
        return response.data
    data = session.scalar(
        select(ResponseRevision.data).where(
            ResponseRevision.response_id == response.id, ResponseRevision.version == version
        )
    )
    if data is None:
        raise Invalid(_("Unbekannter Bearbeitungsstand. Bitte die Seite neu laden."))
    return data


def _file_errors(questionnaire, files: dict[str, FileInput], locale: str):
    errors = []
    for pointer, upload in files.items():
        message = questionnaire.check_file(
            pointer,
            uploads.display_name(upload.filename),
            upload.mimetype,
            len(upload.content),
            locale=locale,
            content=upload.content,
        )
        if message:
            errors.append(forms_schema.AnswerError(pointer, message))
    return errors


def _store_upload(session, response, pointer, upload: FileInput, author: str) -> Upload:
    stored = Upload(
        response_id=response.id,
        pointer=pointer,
        filename=uploads.display_name(upload.filename),
        mimetype=upload.mimetype[:120],
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        content=upload.content,
        uploaded_by=author,
    )
    session.add(stored)
    session.flush()
    return stored


def choose(
    session: Session,
    order: Order,
    kind: str,
    *,
    base_version: int,
    chosen: dict[str, Any],
    author: str,
    locale: str = "de",
) -> SaveResult:
    """Resolve a conflict: put the chosen answers (pointer -> value) over the stored ones."""
    response = find(session, order, kind)
    if response is None:
        raise NotFound(_("Noch keine Antworten gespeichert."))
    data = copy.deepcopy(response.data)
    for pointer, value in chosen.items():
        forms_schema.set(data, pointer, value)
    tops = {pointer.strip("/").split("/")[0] for pointer in chosen}
    return save(
        session,
        order,
        kind,
        base_version=base_version,
        changes={top: data.get(top) for top in tops},
        author=author,
        locale=locale,
    )


def submit(session: Session, order: Order, kind: str, *, author: str, locale: str = "de"):
    """Submit after full validation; both questionnaires submitted completes the step."""
    response = find(session, order, kind)
    if response is None:
        response_data: dict = {}
    elif response.status == SUBMITTED:
        raise Conflict(_("Dieser Fragebogen ist schon abgeschickt."))
    else:
        response_data = response.data
    questionnaire = questionnaire_of(order, kind, response)
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
    if len(others) == len(questionnaires.KINDS) - 1 and all(s == SUBMITTED for s in others):
        session.add(
            StepCompletion(
                order_id=order.id, step="answer_questionnaires", completed_at=now, details={}
            )
        )
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
    session.execute(
        delete(StepCompletion).where(
            StepCompletion.order_id == order.id, StepCompletion.step == "answer_questionnaires"
        )
    )
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


def overview(order: Order, locale: str = "de") -> list[Overview]:
    """Per questionnaire of an order: its state, the share answered, last saved by whom."""
    stored = {r.questionnaire: r for r in order.responses}
    context = questionnaires.context_of(order)
    rows = []
    for kind in questionnaires.KINDS:
        response = stored.get(kind)
        questionnaire = questionnaire_of(order, kind, response)
        progress = questionnaire.progress(response.data if response else {}, context)
        rows.append(Overview(kind, questionnaire.title(locale), response, progress))
    return rows


def upload_of(session: Session, order: Order, upload_id: int) -> Upload:
    """An upload belonging to one of this order's responses."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.response.order_id != order.id:
        raise NotFound(_("Datei nicht gefunden."))
    return upload
