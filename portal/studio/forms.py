"""Reading the studio's requests: the JSON editor's text, a page's revision, the diff's choice.

Plain values for the use cases; the JSON is parsed here so a broken text is answered with the
line and column, and the text itself goes back to the page unchanged.
"""

import json
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

# A questionnaire of a few hundred questions is some 100 kB of indented JSON; this leaves room.
DOCUMENT_MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class DocumentPost:
    """The posted JSON editor: the text as typed, the document if it parses, and the rest."""

    text: str
    document: dict[str, Any] | None
    error: str
    revision: int
    note: str


def read_document(form) -> DocumentPost:
    """The JSON text of the editor; `error` says where it does not parse (line, column)."""
    text = form.get("document", "").replace("\r\n", "\n")
    document, error = None, ""
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as problem:
        error = _(
            "Das ist kein gültiges JSON: %(message)s in Zeile %(line)d, Spalte %(column)d. "
            "Nichts wurde gespeichert; Ihr Text steht unten unverändert.",
            message=problem.msg,
            line=problem.lineno,
            column=problem.colno,
        )
    else:
        if isinstance(parsed, dict):
            document = parsed
        else:
            error = _(
                "Ein Fragebogen ist ein JSON-Objekt, das mit { beginnt. Nichts wurde "
                "gespeichert; Ihr Text steht unten unverändert."
            )
    return DocumentPost(text, document, error, revision(form), form.get("note", ""))


def revision(form) -> int:
    """The revision the page showed; -1 (never current) if the field is missing or no number."""
    raw = form.get("revision", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1


def number(args, name: str) -> int | None:
    """A version number chosen in the diff's form (None if none or not a number)."""
    raw = args.get(name, "").strip().lstrip("v")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None
