"""The migrations of a response as people read them: the reviewer, the package, the customer.

Built from the ResponseMigration records (never changed, they hold every dropped answer) with
the labels of the versions each record moved between, in the current language. Reading only.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal import questionnaires
from portal.models import Response, ResponseMigration
from portal.questionnaires import label_of, labels
from portal.services.studio.migration_plan import (
    CONVERTED,
    RECODED,
    RENAMED,
    Answer,
    Conversion,
    text,
)


@dataclass(frozen=True)
class Described:
    """One migration of a response: versions, who and when, changes in questionnaire terms,
    the converted answers and the dropped ones with their values."""

    from_version: int
    to_version: int
    applied_at: datetime
    applied_by: str
    changes: tuple[str, ...]
    notice: tuple[str, ...]  # the changes as the customer reads them (no internal names)
    converted: tuple[Conversion, ...]
    dropped: tuple[Answer, ...]


def records(
    session: Session, response_id: int, after: datetime | None = None
) -> list[ResponseMigration]:
    """The migrations of a response (those applied after `after`, if given), oldest first."""
    query = select(ResponseMigration).where(ResponseMigration.response_id == response_id)
    if after is not None:
        query = query.where(ResponseMigration.applied_at > after)
    return list(
        session.scalars(
            query.options(joinedload(ResponseMigration.applied_by)).order_by(
                ResponseMigration.applied_at, ResponseMigration.id
            )
        )
    )


def described(
    session: Session, response: Response | None, locale: str, since: datetime | None = None
) -> list[Described]:
    """The migrations of a response (those applied after `since`, if given), readable."""
    if response is None:
        return []
    # Filtered in the database: every customer page asks, and almost always none are new.
    found = records(session, response.id, after=since)
    if not found:
        return []
    files = {f"upload:{u.id}": u.filename for u in response.uploads}
    return [_describe(session, response.questionnaire, record, locale, files) for record in found]


def since_last_save(session: Session, response: Response | None, locale: str) -> list[Described]:
    """What the customer has not seen yet: migrations after the last save of the answers.

    A migration does not count as a save (updated_at stays the customer's), so the notice
    shows until the customer saves again, on any page.
    """
    if response is None or response.status == "submitted":
        return []
    return described(session, response, locale, since=response.updated_at)


def _describe(session, kind: str, record: ResponseMigration, locale: str, files) -> Described:
    old = questionnaires.get(session, kind, record.from_version)
    new = questionnaires.get(session, kind, record.to_version)
    old_names, new_names = labels(old, locale), labels(new, locale)

    def shown(questionnaire, names, pointer, value) -> Answer:
        return Answer(
            pointer, label_of(pointer, names), value, text(questionnaire, pointer, value, files)
        )

    converted = []
    for c in record.converted:
        before = shown(old, old_names, c["old_pointer"], c["old_value"])
        after = shown(new, new_names, c["new_pointer"], c["new_value"])
        how = [RENAMED] if before.pointer != after.pointer else []
        if before.text != after.text or before.value != after.value:
            node = new.node(after.pointer)
            how.append(RECODED if node is not None and node.enum else CONVERTED)
        converted.append(Conversion(before, after, tuple(how)))
    return Described(
        record.from_version,
        record.to_version,
        record.applied_at,
        record.applied_by.name if record.applied_by else "",
        tuple(
            line
            for change in record.changes
            if (line := change_text(change, old_names, new_names, locale))
        ),
        tuple(
            line
            for change in record.changes
            if (line := change_text(change, old_names, new_names, locale, internal=False))
        ),
        tuple(converted),
        tuple(shown(old, old_names, d["pointer"], d["value"]) for d in record.dropped),
    )


def change_text(
    change: dict[str, Any],
    old_names: dict[str, str],
    new_names: dict[str, str],
    locale: str,
    internal: bool = True,
) -> str:
    """One change (forms_schema.diff as a dict) as a sentence; "" for a text in the other
    language, which the reader does not see; for customers (internal=False) also "" for a new
    data key and for a removed question, whose dropped answer they read instead."""
    kind, detail = change.get("kind"), change.get("detail") or {}
    old_label = label_of(change.get("old_pointer") or change.get("pointer") or "", old_names)
    label = label_of(change.get("pointer") or "", new_names)
    if change.get("locale") not in (None, locale):
        return ""
    if kind == "removed":
        # The customer reads the dropped answer with its value instead.
        return _("Frage entfernt: „%(label)s“", label=old_label) if internal else ""
    if kind == "added":
        return _("Neue Frage: „%(label)s“", label=label)
    if kind == "renamed":
        # A new data key: what the customer reads changes only with the label (a "label" change).
        if not internal:
            return ""
        return _(
            "„%(label)s“: interner Name geändert (%(old)s → %(new)s)",
            label=label,
            old=detail.get("old", ""),
            new=detail.get("new", ""),
        )
    if kind == "moved":
        return _("„%(label)s“ steht jetzt an anderer Stelle", label=label)
    if kind == "type":
        return _("„%(label)s“: andere Antwortart", label=label)
    if kind == "choices":
        return _("„%(label)s“: Auswahlmöglichkeiten geändert", label=label)
    if kind == "label" and detail.get("text") == "label":
        return _(
            "„%(old)s“ heißt jetzt „%(new)s“", old=detail.get("old", ""), new=detail.get("new", "")
        )
    if kind == "label":
        return _(
            "„%(label)s“: Text geändert: „%(old)s“ → „%(new)s“",
            label=label,
            old=detail.get("old", ""),
            new=detail.get("new", ""),
        )
    if kind == "help":
        return _("„%(label)s“: Erläuterung geändert", label=label)
    if kind == "required":
        if detail.get("new"):
            return _("„%(label)s“ ist jetzt eine Pflichtfrage", label=label)
        return _("„%(label)s“ ist keine Pflichtfrage mehr", label=label)
    if kind == "rule":
        return _("„%(label)s“: geänderte Bedingung, wann die Frage erscheint", label=label)
    if kind == "limits":
        return _("„%(label)s“: geänderte Grenzen für die Antwort", label=label)
    return ""
