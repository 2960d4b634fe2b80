"""Use cases of drafting a questionnaire version: start a draft, save it, restore an earlier save.

A draft starts as a copy of the newest published version with every question's key written
down as its stable id. Every save is kept as a DraftSave, numbered from 1; restoring copies an
earlier save into a new one, so the history stays whole and an undo can itself be undone. A
document that does not load is still saved (work is never lost): lint lists its problems and
blocks publishing. The version's revision counter refuses a save from a page that is older.
"""

from collections import defaultdict
from collections.abc import Hashable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit, questionnaires
from portal.models import Response, User, utcnow
from portal.models.questionnaire import DRAFT, DraftSave, QuestionnaireVersion
from portal.models.response import DRAFT as RESPONSE_DRAFT
from portal.services.errors import Conflict, Invalid, NotFound, all_or_nothing, flush_or_refuse
from portal.services.studio import records, schema

NOTE_MAX = 300
CREATED_NOTE = "Entwurf angelegt"


def start_draft(session: Session, actor: User, kind: str) -> QuestionnaireVersion:
    """A new draft of a kind, numbered above every version, copied from the newest published."""
    records.require_editor(actor)
    records.check_kind(kind)
    with all_or_nothing(session):
        records.refuse_open(session, kind)
        base = records.numbered(session, kind, questionnaires.latest(session, kind))
        version = _new_draft(session, actor, kind, schema.with_ids(base.document), base, "studio")
        _add_save(session, version, actor, CREATED_NOTE)
        audit.record(
            session,
            actor,
            "questionnaire.draft",
            "questionnaire_version",
            version.id,
            kind=kind,
            number=version.number,
            based_on=base.number,
        )
        session.commit()
    return version


def new_draft(
    session: Session, actor: User | None, kind: str, document: Any, source: str
) -> QuestionnaireVersion:
    """A draft with a given document (the import), based on the newest published version.

    The caller has checked who acts and records the event; nothing is committed here.
    """
    records.refuse_open(session, kind)
    base = records.numbered(session, kind, questionnaires.latest(session, kind))
    version = _new_draft(session, actor, kind, document, base, source)
    _add_save(session, version, actor, _note_of(source))
    return version


def _note_of(source: str) -> str:
    # Notes are data, written in the house language like the editors' own.
    return "Importiert" if source == "import" else CREATED_NOTE


def _new_draft(session, actor, kind, document, base, source) -> QuestionnaireVersion:
    version = QuestionnaireVersion(
        kind=kind,
        number=records.next_number(session, kind),
        status=DRAFT,
        document=document,
        sha256=questionnaires.digest(document),
        mapping={},
        based_on=base,
        source=source,
        created_by_id=getattr(actor, "id", None),
    )
    session.add(version)
    flush_or_refuse(
        session, Conflict(_("Gerade wurde schon ein Entwurf begonnen; bitte die Seite neu laden."))
    )
    return version


def save_document(
    session: Session,
    actor: User,
    version_id: int,
    document: Any,
    *,
    revision: int | None,
    note: str = "",
) -> QuestionnaireVersion:
    """Save the draft's whole document as a new kept save; refused if the page is older."""
    records.require_editor(actor)
    note = _checked_note(note)
    with all_or_nothing(session):
        version = _draft(session, version_id, revision)
        version.document = document
        version.sha256 = questionnaires.digest(document)
        save = _add_save(session, version, actor, note)
        flush_or_refuse(session, records.stale())
        audit.record(
            session,
            actor,
            "questionnaire.save",
            "questionnaire_version",
            version.id,
            kind=version.kind,
            number=version.number,
            save=save.number,
            sha256=version.sha256,
        )
        session.commit()
    return version


def restore(
    session: Session, actor: User, version_id: int, save_number: int, *, revision: int | None
) -> QuestionnaireVersion:
    """Undo for real: a new save that copies an earlier one; the saves in between stay kept."""
    records.require_editor(actor)
    with all_or_nothing(session):
        version = _draft(session, version_id, revision)
        earlier = save_of(session, version, save_number)
        version.document = earlier.document
        version.sha256 = questionnaires.digest(earlier.document)
        version.mapping = earlier.mapping
        save = _add_save(session, version, actor, f"Stand {save_number} wiederhergestellt")
        flush_or_refuse(session, records.stale())
        audit.record(
            session,
            actor,
            "questionnaire.restore",
            "questionnaire_version",
            version.id,
            kind=version.kind,
            number=version.number,
            restored=save_number,
            save=save.number,
        )
        session.commit()
    return version


def _draft(session: Session, version_id: int, revision: int | None) -> QuestionnaireVersion:
    """The version, if it is a draft and the page showed its current state."""
    version = records.by_id(session, version_id)
    if version.status != DRAFT:
        raise Conflict(_("Nur ein Entwurf lässt sich ändern; diese Version ist es nicht mehr."))
    records.check_revision(version, revision)
    return version


def _checked_note(note: str) -> str:
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise Invalid(
            _("Die Notiz ist zu lang (höchstens %(max)d Zeichen).", max=NOTE_MAX), note="too long"
        )
    return note


def _add_save(session: Session, version: QuestionnaireVersion, actor, note: str) -> DraftSave:
    """Keep the version's document and mapping as its next save (numbered from 1)."""
    newest = session.scalar(
        select(func.max(DraftSave.number)).where(DraftSave.version_id == version.id)
    )
    save = DraftSave(
        version_id=version.id,
        number=(newest or 0) + 1,
        document=version.document,
        mapping=version.mapping or {},
        note=note,
        saved_by_id=getattr(actor, "id", None),
        saved_at=utcnow(),
    )
    session.add(save)
    return save


def save_of(session: Session, version: QuestionnaireVersion, number: int) -> DraftSave:
    """One kept save of a version (NotFound if there is none)."""
    found = session.scalar(
        select(DraftSave).where(DraftSave.version_id == version.id, DraftSave.number == number)
    )
    if found is None:
        raise NotFound(_("Diese Speicherung gibt es nicht."))
    return found


def problems(session: Session, version: QuestionnaireVersion) -> list[schema.Problem]:
    """What blocks publishing the version: lint against the version it is based on."""
    base = version.based_on
    return schema.lint(
        version.document,
        base.document if base is not None else None,
        mapping=version.mapping or None,
        in_use=in_use(session, base) if base is not None else None,
    )


def in_use(session: Session, base: QuestionnaireVersion) -> dict[str, set[Any]]:
    """The values in-flight (unsubmitted) responses on a version hold, per question identity."""
    rows = session.scalars(
        select(Response.data).where(
            Response.questionnaire == base.kind,
            Response.schema_version == base.number,
            Response.status == RESPONSE_DRAFT,
        )
    ).all()
    if not rows:
        return {}
    identity_of = {t: i for i, t in schema.identities(questionnaires.load(base)).items()}
    held: dict[str, set[Any]] = defaultdict(set)
    for data in rows:
        for template, value in _leaves(data, ""):
            identity = identity_of.get(template)
            if identity is not None:
                held[identity].update(_items(value))
    return dict(held)


def _leaves(node: Any, template: str):
    """(pointer template, value) of every answer; rows of repeating groups as '*'."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{template}/{key}")
    elif isinstance(node, list) and node and all(isinstance(row, dict) for row in node):
        for row in node:
            yield from _leaves(row, f"{template}/*")
    elif template:
        yield template, node


def _items(value: Any) -> list[Hashable]:
    """A choice list counts item by item; what cannot be a choice code is left out."""
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str | int | float | bool)]
