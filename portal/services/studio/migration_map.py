"""Use case and page model: the editor confirms how answers move to a draft (its migration map).

A map names renames (old pointer template -> new one) and choice recodes (template -> {old
code: new value}) relative to the version the draft is based on. Renames that the stable
identities give are suggested; the editor confirms them with explicit renames and recodes.
The map is stored in the draft and, like every save of a draft, kept as a DraftSave.
"""

import copy
import json
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal import audit, questionnaires
from portal.models import DraftSave, QuestionnaireVersion, User
from portal.models.questionnaire import DRAFT
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.studio import library
from portal.services.studio.migrating import require_editor
from portal.services.studio.migration_records import change_text


@dataclass(frozen=True)
class MappingPage:
    """The map of a draft: what the identities suggest, what is confirmed, the change list."""

    version: QuestionnaireVersion
    based_on: QuestionnaireVersion | None
    suggested: dict[str, str]  # old template -> new template
    renames: dict[str, str]
    recodes: dict[str, dict[str, Any]]
    changes: list[dict[str, Any]]
    problem: str | None  # why the stored map does not fit (the change list is then without it)
    old_labels: dict[str, str]
    new_labels: dict[str, str]

    title: str = ""
    lines: tuple[str, ...] = ()  # the changes as sentences in the page's language

    @property
    def editable(self) -> bool:
        """Only a draft's map changes."""
        return self.version.status == DRAFT

    @property
    def recode_lines(self) -> list[str]:
        """The recodes as the form's lines ("/question: old -> new")."""
        return [
            f"{template}: {old} -> {_written(new)}"
            for template, codes in self.recodes.items()
            for old, new in codes.items()
        ]


def _written(code: Any) -> str:
    # Text as it is, unless it would read as another JSON value ("2", "true"): then quoted.
    if isinstance(code, str):
        try:
            json.loads(code)
        except ValueError:
            return code
    return json.dumps(code, ensure_ascii=False)


def _draft(session: Session, version_id: int) -> QuestionnaireVersion:
    version = session.get(QuestionnaireVersion, version_id)
    if version is None:
        raise NotFound(_("Diese Fragebogen-Version gibt es nicht."))
    return version


def mapping_page(session: Session, actor: User, version_id: int, locale: str) -> MappingPage:
    """The mapping page of a version (a draft can be changed, others are shown)."""
    require_editor(actor)
    version = _draft(session, version_id)
    new = questionnaires.load(version)
    based_on = version.based_on
    mapping = version.mapping or {}
    title = new.title(locale)
    if based_on is None:
        return MappingPage(
            version, None, {}, {}, {}, [], None, {}, questionnaires.labels(new, locale), title
        )
    old = questionnaires.load(based_on)
    problem = None
    try:
        changes = library.changes(old, new, mapping)
    except library.MappingError as error:
        problem, changes = str(error), library.changes(old, new)
    old_labels, new_labels = questionnaires.labels(old, locale), questionnaires.labels(new, locale)
    return MappingPage(
        version,
        based_on,
        library.suggested_renames(old, new),
        dict(mapping.get("renames") or {}),
        dict(mapping.get("recodes") or {}),
        changes,
        problem,
        old_labels,
        new_labels,
        title,
        tuple(
            line
            for change in changes
            if (line := change_text(change, old_labels, new_labels, locale))
        ),
    )


def confirm_mapping(
    session: Session,
    actor: User,
    version_id: int,
    mapping: dict[str, Any],
    *,
    revision: int,
) -> QuestionnaireVersion:
    """Store the confirmed map of a draft (a new kept save); Invalid if it names a question
    neither version has, Conflict if the draft is no draft or changed since it was shown."""
    require_editor(actor)
    version = _draft(session, version_id)
    if version.status != DRAFT:
        raise Conflict(_("Nur der Entwurf einer Version bekommt eine Migrationsabbildung."))
    if version.revision != revision:
        raise Conflict(
            _("Der Entwurf wurde inzwischen geändert. Bitte prüfen Sie die Abbildung erneut.")
        )
    if version.based_on is None:
        raise Conflict(_("Dieser Entwurf beruht auf keiner Version: es gibt nichts abzubilden."))
    cleaned = {
        "renames": dict(mapping.get("renames") or {}),
        "recodes": {t: dict(c) for t, c in (mapping.get("recodes") or {}).items()},
    }
    try:
        library.changes(
            questionnaires.load(version.based_on), questionnaires.load(version), cleaned
        )
    except library.MappingError as error:
        raise Invalid(
            _("Die Abbildung passt nicht: %(e)s", e=str(error)), mapping=str(error)
        ) from error
    number = session.scalar(
        select(func.coalesce(func.max(DraftSave.number), 0)).where(
            DraftSave.version_id == version.id
        )
    )
    version.mapping = cleaned
    session.add(
        DraftSave(
            version_id=version.id,
            number=number + 1,
            document=copy.deepcopy(version.document),
            mapping=cleaned,
            note="Migrationsabbildung bestätigt",  # a save's note, like the studio's others
            saved_by_id=actor.id,
        )
    )
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise Conflict(
            _("Der Entwurf wurde gerade geändert. Bitte prüfen Sie die Abbildung erneut.")
        ) from None
    audit.record(
        session,
        actor,
        "mapping.confirm",
        "questionnaire_version",
        version.id,
        kind=version.kind,
        number=version.number,
        renames=len(cleaned["renames"]),
        recodes=len(cleaned["recodes"]),
    )
    session.commit()
    return version
