"""Use case of the structured editor: one pure edit of a draft, kept as a save of the draft.

The edit is a function from the draft's document to (new document, note); it comes from
portal/services/studio/editing/ through the editor's forms. It runs on the document as stored
now, so two editors' changes to different questions never undo each other; the revision the
page showed still guards against saving over a change the editor has not seen.
"""

import copy
from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import User
from portal.models.questionnaire import DRAFT, QuestionnaireVersion
from portal.services.errors import Conflict, Invalid
from portal.services.studio import drafting, records
from portal.services.studio.editing import EditError

Edit = Callable[[dict], tuple[dict, str]]


def version(session: Session, actor: User, kind: str, number: int) -> QuestionnaireVersion:
    """The version an editor opens (editors and admins only; any status, drafts are editable)."""
    return records.find(session, actor, kind, number)


def apply(
    session: Session, actor: User, kind: str, number: int, edit: Edit, *, revision: int | None
) -> tuple[QuestionnaireVersion, str]:
    """Apply the edit to the draft and save it with the edit's note; (version, note).

    Refused (nothing written) when the version is no draft, the page is older than the
    version, or the edit itself is refused (Invalid, with the message at its field).
    """
    found = version(session, actor, kind, number)
    if found.status != DRAFT:
        raise Conflict(_("Nur ein Entwurf lässt sich ändern; diese Version ist es nicht mehr."))
    records.check_revision(found, revision)
    try:
        document, note = edit(copy.deepcopy(found.document))
    except EditError as error:
        message = refusal(error)
        raise Invalid(message, **{error.field: message}) from None
    if document == found.document:
        return found, ""
    saved = drafting.save_document(
        session, actor, found.id, document, revision=found.revision, note=note[:300]
    )
    return saved, note


def problems(session: Session, found: QuestionnaireVersion) -> int:
    """How many problems the check (lint) reports for a draft now (0 for other versions)."""
    return len(drafting.problems(session, found)) if found.status == DRAFT else 0


def refusal(error: EditError) -> str:
    """The message for a refused edit, in the user's language."""
    p = error.params
    messages = {
        "unknown_question": lambda: _("Diese Frage gibt es im Entwurf nicht (mehr)."),
        "bad_key": lambda: _(
            "Der Schlüssel muss mit einem Kleinbuchstaben beginnen und darf nur Kleinbuchstaben, "
            "Ziffern und Unterstriche enthalten (z. B. sql_server_port)."
        ),
        "reserved_key": lambda: _(
            "„%(key)s“ ist ein reservierter Name; bitte einen anderen wählen.", key=p.get("key", "")
        ),
        "key_taken": lambda: _("Den Schlüssel „%(key)s“ gibt es hier schon.", key=p.get("key", "")),
        "page_taken": lambda: _("Die Seite „%(key)s“ gibt es schon.", key=p.get("key", "")),
        "bad_kind": lambda: _("Bitte einen Fragetyp aus der Liste wählen."),
        "unknown_page": lambda: _("Bitte eine Seite aus der Liste wählen."),
        "has_questions": lambda: _(
            "Eine Gruppe mit Fragen behält ihren Typ; bitte erst ihre Fragen entfernen."
        ),
        "choices_needed": lambda: _("Eine Auswahlfrage braucht mindestens eine Auswahl."),
        "bad_code": lambda: _(
            "Ein Code darf nicht leer sein, nicht mit Leerzeichen beginnen oder enden und "
            "höchstens 100 Zeichen haben."
        ),
        "duplicate_code": lambda: _("Jeder Code darf nur einmal vorkommen."),
        "label_needed": lambda: _("Bitte eine Beschriftung eingeben."),
        "title_needed": lambda: _("Bitte einen deutschen Titel eingeben."),
        "not_applicable": lambda: _("Das passt nicht zu diesem Fragetyp."),
        "bad_count": lambda: _("Bitte eine ganze Zahl ab 0 eingeben."),
        "bad_pattern": lambda: _("Das Muster ist kein gültiger regulärer Ausdruck."),
        "bad_format": lambda: _("Bitte ein Format aus der Liste wählen."),
        "min_above_max": lambda: _("Das Maximum darf nicht kleiner als das Minimum sein."),
        "bad_accept": lambda: _(
            "„%(item)s“ ist kein Dateityp; bitte Endungen wie .pdf oder Typen wie image/* angeben.",
            item=p.get("item", ""),
        ),
        "page_not_empty": lambda: _(
            "Auf der Seite stehen noch Fragen; bitte sie erst verschieben."
        ),
        "last_page": lambda: _("Die letzte Seite bleibt."),
        "not_top_level": lambda: _("Nur Fragen der obersten Ebene stehen auf einer Seite."),
        "bad_effect": lambda: _("Bitte „anzeigen“ oder „ausblenden“ wählen."),
        "bad_condition": lambda: _("Bitte eine Bedingung aus der Liste wählen."),
        "bad_target": lambda: _("Bitte eine Frage oder Auftragsangabe aus der Liste wählen."),
        "condition_misfit": lambda: _("Diese Bedingung passt nicht zur gewählten Frage."),
        "one_value": lambda: _("Bitte genau einen Wert angeben."),
        "values_needed": lambda: _("Bitte mindestens einen Wert angeben."),
        "not_a_choice": lambda: _(
            "„%(value)s“ ist keine Auswahl der gewählten Frage.", value=p.get("value", "")
        ),
        "bad_number": lambda: _("„%(value)s“ ist keine Zahl.", value=p.get("value", "")),
    }
    found = messages.get(error.code)
    return found() if found else _("Diese Änderung ist nicht möglich.")
