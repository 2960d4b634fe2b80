"""Use cases of step 5: customers save drafts, several people at once, and decide conflicts.

A save is a set of changes, each with the answer its author started from (forms_schema.changes).
A change lands only where that answer still stands, answer by answer and row by row (rows have
ids), so nobody overwrites what they have not seen and nothing is written that the saver did not
touch. A posted page becomes such a set by comparing it with the version it was shown at. Saves
take the response's lock before they read; the version column is SQLAlchemy's version counter,
so two saves racing each other cannot both win: the later one is applied again on top.
"""

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import forms_schema
from forms_schema.changes import (
    ABSENT,
    ROW_CHANGED,
    ROW_REMOVED,
    AddRow,
    Change,
    Document,
    RemoveRow,
    RowIds,
    SetAnswer,
    diff,
    rows_on_path,
    same_or_absent,
)
from portal import audit, questionnaires, uploads
from portal.models import Order, Response, ResponseMigration, ResponseRevision, Upload, utcnow
from portal.models.response import SUBMITTED
from portal.services.errors import Conflict, Invalid
from portal.services.responses import document_of, find, questionnaire_of

ATTEMPTS = 8
REVISIONS_SEARCHED = 50  # how far back "who gave this answer" looks


@dataclass(frozen=True)
class FileInput:
    filename: str
    mimetype: str
    content: bytes


@dataclass
class ConflictingAnswer:
    """An answer two people changed differently; pointer names rows by id (forms_schema.changes)."""

    pointer: str
    # forms_schema.changes: ANSWER, ROW_REMOVED (edited a removed row), ROW_CHANGED (removed an
    # edited row)
    kind: str
    mine: Any  # None: no answer (or the row removed)
    theirs: Any
    theirs_by: str | None


@dataclass
class SaveResult:
    response: Response | None
    errors: list[forms_schema.AnswerError] = field(default_factory=list)
    conflicts: list[ConflictingAnswer] = field(default_factory=list)
    # The stored answers with their row ids after the save (or as they stand, if refused).
    document: Document | None = None

    @property
    def saved(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Choice:
    """What a person chose in the conflict panel for one conflicting answer."""

    pointer: str
    kind: str
    mine: Any
    theirs: Any
    keep_mine: bool


# A plan turns the stored response and its answers into the changes one save makes.
Plan = Callable[[Response | None, Document], list[Change]]


def save_changes(
    session: Session,
    order: Order,
    kind: str,
    *,
    changed: list[Change],
    author: str,
    locale: str = "de",
) -> SaveResult:
    """Save what one person changed, each change with the value they started from.

    Nothing else is written: a change lands where the stored answer still is its starting value,
    the others come back as conflicts to decide. Hidden answers are cleared; a change that fails
    partial validation refuses the whole save.
    """
    return _save(session, order, kind, lambda _response, _stored: changed, {}, author, locale)


def save(
    session: Session,
    order: Order,
    kind: str,
    *,
    base_version: int,
    changes: dict[str, Any],
    rows: RowIds | None = None,
    removed: tuple[str, ...] = (),
    files: dict[str, FileInput] | None = None,
    author: str,
    locale: str = "de",
) -> SaveResult:
    """Save a posted page: `changes` maps its top-level keys to their new value (None clears).

    Only what differs from the answers at base_version is written, merged answer by answer with
    what others saved since. `rows` names the rows inside `changes` by id (None: by position, for
    whole-document saves); `removed` lists id pointers of rows to drop.
    """
    answers = changes

    def plan(response: Response | None, stored: Document) -> list[Change]:
        base = _base_document(session, response, base_version, stored.repeats)
        data = {k: v for k, v in copy.deepcopy(base.data).items() if k not in answers}
        data.update({k: copy.deepcopy(v) for k, v in answers.items() if v is not None})
        kept = {p: ids for p, ids in base.ids.items() if p.split("/")[1] not in answers}
        mine = Document(data, kept | (base.ids if rows is None else rows), base.repeats)
        for pointer in removed:
            for list_pointer, row in rows_on_path(pointer, base.repeats)[-1:]:
                before = mine.leaves(f"{list_pointer}/{row}")
                mine.apply([RemoveRow(list_pointer, row, before)])
        return diff(base, mine)

    return _save(session, order, kind, plan, files or {}, author, locale)


def choose(
    session: Session,
    order: Order,
    kind: str,
    *,
    chosen: list[Choice],
    author: str,
    locale: str = "de",
) -> SaveResult:
    """Resolve conflicts as chosen in the conflict panel: each kept 'mine' goes over 'theirs'."""

    def plan(_response: Response | None, stored: Document) -> list[Change]:
        planned: list[Change] = []
        for choice in (c for c in chosen if c.keep_mine):
            theirs = _absent(choice.theirs)
            if choice.kind == ROW_CHANGED:
                # Removed as the panel showed it; changed again since, it clashes once more.
                list_pointer, row = rows_on_path(choice.pointer, stored.repeats)[-1]
                shown = forms_schema.flatten(theirs) if isinstance(theirs, dict) else {}
                planned.append(RemoveRow(list_pointer, row, shown))
                continue
            if choice.kind == ROW_REMOVED:
                planned.extend(
                    AddRow(list_pointer, row)
                    for list_pointer, row in rows_on_path(choice.pointer, stored.repeats)
                )
            planned.append(SetAnswer(choice.pointer, theirs, _absent(choice.mine)))
        return planned

    return _save(session, order, kind, plan, {}, author, locale)


def _absent(value: Any) -> Any:
    return ABSENT if value is None else value


def _save(session, order, kind, plan: Plan, files, author, locale) -> SaveResult:
    for _attempt in range(ATTEMPTS):
        try:
            return _save_once(session, order, kind, plan, files, author, locale)
        except (StaleDataError, IntegrityError):
            # Another save committed between our read and our write: apply again on top of it.
            session.rollback()
    raise Conflict(_("Der Fragebogen wird gerade sehr häufig geändert. Bitte erneut speichern."))


def _save_once(session, order, kind, plan: Plan, files, author, locale) -> SaveResult:
    response = find(session, order, kind, lock=True)
    if response is not None and response.status == SUBMITTED:
        audit.refuse(
            session,
            author,
            Conflict(
                _("Dieser Fragebogen ist schon abgeschickt und kann nicht mehr geändert werden.")
            ),
            "response",
            "response",
            response.id,
            order_id=order.id,
            questionnaire=kind,
            attempted="save",
        )
    questionnaire = questionnaire_of(session, order, kind, response)
    context = questionnaires.context_of(order)
    stored = document_of(response, questionnaire)
    errors = _file_errors(questionnaire, files, locale)
    if errors:
        return SaveResult(response, errors, document=stored)
    merged = stored.copy()
    clashes = merged.apply(plan(response, stored))
    if response is None:
        response = Response(
            order_id=order.id,
            questionnaire=kind,
            schema_version=questionnaires.pinned(session, order, kind),
        )
        session.add(response)
        session.flush()
    for pointer, upload in files.items():
        stored_upload = _store_upload(session, response, pointer, upload, author)
        forms_schema.set(merged.data, pointer, f"upload:{stored_upload.id}")
    merged.data = questionnaire.clean(merged.data, context)
    merged.realign()
    errors = questionnaire.validate(merged.data, partial=True, context=context, locale=locale)
    if errors:
        session.rollback()
        return SaveResult(None, _by_id(errors, merged), document=stored)
    conflicts = [
        ConflictingAnswer(
            c.pointer,
            c.kind,
            _shown(c.mine),
            _shown(c.theirs),
            _changed_by(session, response, _decided_at(c, stored.repeats), stored.repeats),
        )
        for c in clashes
    ]
    old, new = stored.leaves(), merged.leaves()
    changed = sorted(
        p
        for p in old.keys() | new.keys()
        if not same_or_absent(old.get(p, ABSENT), new.get(p, ABSENT))
    )
    response.data, response.row_ids = merged.data, merged.ids
    response.updated_at = utcnow()
    response.updated_by = author
    session.flush()  # raises the version counter, or StaleDataError if someone else was faster
    session.add(
        ResponseRevision(
            response_id=response.id,
            version=response.version,
            data=merged.data,
            row_ids=merged.ids,
            saved_by=author,
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
    return SaveResult(response, [], conflicts, merged)


def _decided_at(clash, repeats) -> str:
    # Who removed a row is who changed the row, not the answer inside it.
    if clash.kind == ROW_REMOVED:
        list_pointer, row = rows_on_path(clash.pointer, repeats)[-1]
        return f"{list_pointer}/{row}"
    return clash.pointer


def _shown(value: Any) -> Any:
    return None if value is ABSENT else value


def _by_id(errors: list[forms_schema.AnswerError], document: Document):
    # Errors name answers by position; pages know rows by id.
    return [
        forms_schema.AnswerError(document.id_pointer(e.pointer) or e.pointer, e.message, e.keyword)
        for e in errors
    ]


def _changed_by(session, response, pointer: str, repeats) -> str | None:
    """Who gave the answer that stands now at pointer (not just the last saver)."""
    revisions = session.execute(
        select(ResponseRevision.data, ResponseRevision.row_ids, ResponseRevision.saved_by)
        .where(ResponseRevision.response_id == response.id)
        .order_by(ResponseRevision.version.desc())
        .limit(REVISIONS_SEARCHED)
    )
    current, who = None, None
    for index, (data, row_ids, saved_by) in enumerate(revisions):
        value = Document(data, row_ids, repeats).get(pointer)
        if index == 0:
            current = value
        elif not same_or_absent(value, current):
            break
        who = saved_by
    return who


def _base_document(session, response, version: int, repeats) -> Document:
    if response is None or version <= 0:
        return Document({}, {}, repeats)
    if version == response.version:
        return Document(
            copy.deepcopy(response.data), copy.deepcopy(response.row_ids or {}), repeats
        )
    found = session.execute(
        select(ResponseRevision.data, ResponseRevision.row_ids, ResponseRevision.saved_at).where(
            ResponseRevision.response_id == response.id, ResponseRevision.version == version
        )
    ).first()
    if found is None:
        raise Invalid(_("Unbekannter Bearbeitungsstand. Bitte die Seite neu laden."))
    moved = session.scalar(
        select(func.max(ResponseMigration.applied_at)).where(
            ResponseMigration.response_id == response.id
        )
    )
    if moved is not None and found.saved_at < moved:
        # The page was shown with the questions of an older version: its fields may no
        # longer exist, so merging it would quietly lose what was typed.
        raise Conflict(
            _(
                "Der Fragebogen wurde inzwischen auf eine neue Version umgestellt. Ihre "
                "Eingaben auf dieser Seite sind nicht gespeichert: Bitte laden Sie die Seite "
                "neu und geben Sie sie erneut ein."
            )
        )
    return Document(copy.deepcopy(found.data), found.row_ids or {}, repeats)


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
