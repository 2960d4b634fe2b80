"""Moving a version in and out as JSON: import a file as a new draft, export any version.

The command line (`flask questionnaires import/export`) is the operator's door: whoever runs it
has the server, so there is no signed-in user; the audit event names the operator's account
when one is given, else "system". Export writes the stored document as it is, so an exported
import equals the imported file apart from key order and whitespace.
"""

import json
from typing import Any

from sqlalchemy.orm import Session

from portal import audit
from portal.models import User
from portal.models.questionnaire import QuestionnaireVersion
from portal.services.errors import Invalid, all_or_nothing
from portal.services.studio import drafting, records


def read(text: str) -> dict[str, Any]:
    """The JSON object of a questionnaire file; Invalid saying where the JSON is broken."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise Invalid(
            f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(document, dict):
        raise Invalid("a questionnaire is a JSON object ({...})")
    return document


def import_draft(
    session: Session, actor: User | None, kind: str, document: dict[str, Any], filename: str = ""
) -> QuestionnaireVersion:
    """Store a document as the kind's new draft (source "import"); refused while one is open."""
    if actor is not None:
        records.require_editor(actor)
    records.check_kind(kind)
    with all_or_nothing(session):
        version = drafting.new_draft(session, actor, kind, document, "import")
        audit.record(
            session,
            actor,
            "questionnaire.import",
            "questionnaire_version",
            version.id,
            kind=kind,
            number=version.number,
            sha256=version.sha256,
            file=filename,
        )
        session.commit()
    return version


def export(session: Session, kind: str, number: int) -> str:
    """The version's document as JSON text (indent 2, keys as stored, UTF-8), newline at end."""
    version = records.numbered(session, kind, number)
    return json.dumps(version.document, indent=2, ensure_ascii=False) + "\n"
