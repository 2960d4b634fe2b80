"""Test fills in the studio's preview: an editor's test answers to a version, never customer data.

Test answers are stored only in TestFill, one per version, editor and deployment (the preview's
context), and checked as a customer's answers are: partially on every save, fully on "submit
test". Only versions still in the making (draft, in review) take test answers; publishing deletes
them. Nothing here reads or writes a Response.
"""

import copy
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import forms_schema
from forms_schema.changes import ANSWER, Change, Document, RemoveRow, SetAnswer, rows_on_path
from portal import audit, questionnaires
from portal.models import Role, User, utcnow
from portal.models.questionnaire import DRAFT, IN_REVIEW, QuestionnaireVersion, TestFill
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound

DEPLOYMENTS = ("on_premises", "cp_cloud")
EDITORS = (Role.QUESTIONNAIRE_EDITOR, Role.ADMIN)
FILLABLE = (DRAFT, IN_REVIEW)
ATTEMPTS = 3


@dataclass
class TestSave:
    """The stored test answers after a save (as they stand, if it was refused) and its errors."""

    document: Document
    errors: list[forms_schema.AnswerError] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return not self.errors


def may_edit(user: User) -> bool:
    """Whether a user reaches the studio: questionnaire editors and admins."""
    return bool(user and user.is_authenticated and user.role in EDITORS)


def context_of(deployment: str) -> dict:
    """The facts questionnaire rules see in a preview for a deployment ('#/context/deployment')."""
    if deployment not in DEPLOYMENTS:
        raise Invalid(_("Unbekannte Bereitstellung."))
    return {"deployment": deployment}


def version(session: Session, actor: User, kind: str, number: int) -> QuestionnaireVersion:
    """The version to preview (any status); NotFound if there is none."""
    _require_editor(actor)
    found = session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.kind == kind, QuestionnaireVersion.number == number
        )
    )
    if found is None:
        raise NotFound(_("Diese Fragebogen-Version gibt es nicht."))
    return found


def fillable(row: QuestionnaireVersion) -> bool:
    """Whether a version takes test answers: only while it is still being made."""
    return row.status in FILLABLE


def load(session: Session, actor: User, row: QuestionnaireVersion, deployment: str) -> Document:
    """The actor's test answers to a version for a deployment (empty before the first save)."""
    _require_editor(actor)
    questionnaire = _questionnaire(row)
    fill = _fill(session, actor, row, deployment)
    if fill is None:
        return Document({}, {}, questionnaire.repeats())
    return Document(
        copy.deepcopy(fill.data), copy.deepcopy(fill.row_ids or {}), questionnaire.repeats()
    )


def save_changes(
    session: Session,
    actor: User,
    row: QuestionnaireVersion,
    deployment: str,
    changed: list[Change],
    *,
    locale: str = "de",
) -> TestSave:
    """Save the changes the page script sent; the editor's latest change always wins."""

    def plan(stored: Document) -> Document:
        merged = stored.copy()
        clashes = merged.apply(changed)
        # One editor's own test (perhaps in two tabs): what they typed last stands.
        merged.apply([SetAnswer(c.pointer, c.theirs, c.mine) for c in clashes if c.kind == ANSWER])
        return merged

    return _save(session, actor, row, deployment, plan, locale)


def save_page(
    session: Session,
    actor: User,
    row: QuestionnaireVersion,
    deployment: str,
    *,
    answers: dict,
    rows: dict[str, list[str]],
    removed: tuple[str, ...] = (),
    locale: str = "de",
) -> TestSave:
    """Save a posted page: `answers` maps its top-level keys to their new value (None clears)."""

    def plan(stored: Document) -> Document:
        data = {k: v for k, v in copy.deepcopy(stored.data).items() if k not in answers}
        data.update({k: copy.deepcopy(v) for k, v in answers.items() if v is not None})
        kept = {p: ids for p, ids in stored.ids.items() if p.split("/")[1] not in answers}
        mine = Document(data, kept | rows, stored.repeats)
        for pointer in removed:
            for list_pointer, row_id in rows_on_path(pointer, stored.repeats)[-1:]:
                before = mine.leaves(f"{list_pointer}/{row_id}")
                mine.apply([RemoveRow(list_pointer, row_id, before)])
        return mine

    return _save(session, actor, row, deployment, plan, locale)


def check(
    session: Session, actor: User, row: QuestionnaireVersion, deployment: str, *, locale: str
) -> list[forms_schema.AnswerError]:
    """'Submit test': the full check a customer's submit runs; nothing is submitted or stored."""
    document = load(session, actor, row, deployment)
    errors = _questionnaire(row).validate(
        document.data, partial=False, context=context_of(deployment), locale=locale
    )
    return _by_id(errors, document)


def reset(session: Session, actor: User, row: QuestionnaireVersion, deployment: str) -> None:
    """'Test zurücksetzen': forget the actor's test answers to a version for a deployment."""
    _require_editor(actor)
    context_of(deployment)
    removed = session.execute(
        delete(TestFill).where(
            TestFill.version_id == row.id,
            TestFill.user_id == actor.id,
            TestFill.context == deployment,
        )
    ).rowcount
    audit.record(
        session,
        actor,
        "test_fill.reset",
        "questionnaire_version",
        row.id,
        kind=row.kind,
        number=row.number,
        context=deployment,
        removed=bool(removed),
    )
    session.commit()


def _save(session, actor, row, deployment, plan, locale) -> TestSave:
    _require_editor(actor)
    context = context_of(deployment)
    if not fillable(row):
        raise Conflict(
            _(
                "Diese Version ist veröffentlicht oder ausgemustert; Testantworten gibt es nur zu Entwürfen."
            )
        )
    questionnaire = _questionnaire(row)
    for _attempt in range(ATTEMPTS):
        stored = load(session, actor, row, deployment)
        merged = plan(stored)
        merged.data = questionnaire.clean(merged.data, context)
        merged.realign()
        errors = questionnaire.validate(merged.data, partial=True, context=context, locale=locale)
        if errors:
            return TestSave(stored, _by_id(errors, merged))
        fill = _fill(session, actor, row, deployment)
        if fill is None:
            fill = TestFill(version_id=row.id, user_id=actor.id, context=deployment)
            session.add(fill)
        fill.data, fill.row_ids, fill.updated_at = merged.data, merged.ids, utcnow()
        audit.record(
            session,
            actor,
            "test_fill.save",
            "questionnaire_version",
            row.id,
            kind=row.kind,
            number=row.number,
            context=deployment,
        )
        try:
            session.commit()
        except IntegrityError:
            # The same editor's other tab stored the first test answers meanwhile: on top of it.
            session.rollback()
            continue
        return TestSave(merged)
    raise Conflict(
        _("Die Testantworten werden gerade anderswo gespeichert. Bitte erneut speichern.")
    )


def _fill(session, actor, row, deployment) -> TestFill | None:
    return session.scalar(
        select(TestFill).where(
            TestFill.version_id == row.id,
            TestFill.user_id == actor.id,
            TestFill.context == deployment,
        )
    )


def _questionnaire(row: QuestionnaireVersion):
    try:
        return questionnaires.load(row)
    except forms_schema.SchemaError as error:
        raise Invalid(
            _("Dieser Entwurf lässt sich nicht laden: %(problem)s", problem=str(error))
        ) from None


def _by_id(errors, document: Document) -> list[forms_schema.AnswerError]:
    # Errors name answers by position; pages know rows by id.
    return [
        forms_schema.AnswerError(document.id_pointer(e.pointer) or e.pointer, e.message, e.keyword)
        for e in errors
    ]


def _require_editor(actor: User) -> None:
    if not may_edit(actor):
        raise Forbidden(_("Nur Fragebogen-Redakteure und Administratoren arbeiten im Studio."))
