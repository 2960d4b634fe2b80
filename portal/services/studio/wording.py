"""How the studio words what forms_schema reports: lint problems and diff changes, per language.

The library reports in English with the facts as params (Problem.params, Change.detail); here
they become sentences in the reader's language. Reading only, no database.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

PROBLEMS = {
    "schema": _l("Schemafehler"),
    "unknown_reference": _l("Unbekannter Verweis"),
    "rule_cycle": _l("Regeln im Kreis"),
    "duplicate_id": _l("Doppelte Kennung"),
    "missing_translation": _l("Text fehlt"),
    "stale_translation": _l("Übersetzung veraltet"),
    "removed_choice_in_use": _l("Entfernte Auswahl noch beantwortet"),
    "mapping": _l("Zuordnung der Migration fehlerhaft"),
}
CHANGES = {
    "added": _l("hinzugefügt"),
    "removed": _l("entfernt"),
    "renamed": _l("Schlüssel umbenannt"),
    "moved": _l("verschoben"),
    "type": _l("Typ geändert"),
    "choices": _l("Auswahl geändert"),
    "label": _l("Text geändert"),
    "help": _l("Hilfetext geändert"),
    "required": _l("Pflichtangabe geändert"),
    "rule": _l("Regel geändert"),
    "limits": _l("Grenzen geändert"),
}
LANGUAGES = {"de": _l("Deutsch"), "en": _l("Englisch")}
STATUSES = {
    "draft": _l("Entwurf"),
    "in_review": _l("zur Freigabe"),
    "published": _l("veröffentlicht"),
    "retired": _l("außer Dienst"),
}


# The notes the studio writes itself are stored in German (they are data, like the editors'
# own notes) and shown in the reader's language.
_RESTORED = re.compile(r"^Stand (\d+) wiederhergestellt$")
NOTES = {"Entwurf angelegt": _l("Entwurf angelegt"), "Importiert": _l("Importiert")}


def note(text: str) -> str:
    """A save's note in the reader's language when the studio wrote it, else as written."""
    if text in NOTES:
        return str(NOTES[text])
    found = _RESTORED.match(text or "")
    if found:
        return _("Stand %(number)s wiederhergestellt", number=found.group(1))
    return text


def problem_label(code: str) -> str:
    """The name of a lint problem's code in the reader's language."""
    return str(PROBLEMS.get(code, code))


def problem_text(code: str, params: dict[str, Any], message: str) -> str:
    """A lint problem as a sentence; the library's English message where nothing better fits."""
    p = params or {}
    try:
        if code == "missing_translation":
            return _(
                "„%(text)s“ fehlt auf %(language)s.",
                text=p["text"],
                language=_language(p["locale"]),
            )
        if code == "stale_translation":
            return _(
                "Der deutsche Text von „%(text)s“ wurde geändert, der englische nicht "
                "(vorher: „%(before)s“, jetzt: „%(now)s“).",
                text=p["text"],
                before=p["de_before"],
                now=p["de_now"],
            )
        if code == "unknown_reference":
            return _("„%(name)s“ gibt es nicht (%(what)s).", name=p["name"], what=p["what"])
        if code == "rule_cycle":
            return _(
                "Diese Regeln hängen im Kreis voneinander ab: %(cycle)s.",
                cycle=" → ".join(p["cycle"]),
            )
        if code == "duplicate_id":
            return _(
                "Die Kennung „%(identity)s“ hat schon %(other)s.",
                identity=p["identity"],
                other=p["other"],
            )
        if code == "removed_choice_in_use":
            return _(
                "Die Auswahl „%(choice)s“ von %(question)s ist entfernt, aber Antworten in "
                "Arbeit enthalten sie; bitte umcodieren oder die Auswahl behalten.",
                choice=p["choice"],
                question=p["question"],
            )
    except (KeyError, TypeError):
        pass
    return message


@dataclass(frozen=True)
class ChangeLine:
    """One change of a question, worded: what, in which language, before and after."""

    kind: str
    what: str
    language: str
    old: str
    new: str


def change_line(change: dict[str, Any]) -> ChangeLine:
    """A change (forms_schema.diff as a dict, from studio.library) as a line of the diff page."""
    kind, detail = change["kind"], change.get("detail") or {}
    what = str(CHANGES.get(kind, kind))
    old = new = ""
    if kind in ("label", "help"):
        text = detail.get("text")
        if text and text not in ("label", "help"):
            what = f"{what} ({text})"
        old, new = _shown(detail.get("old")), _shown(detail.get("new"))
    elif kind == "choices":
        parts = []
        if detail.get("added"):
            parts.append(_("neu: %(codes)s", codes=_codes(detail["added"])))
        if detail.get("removed"):
            parts.append(_("entfernt: %(codes)s", codes=_codes(detail["removed"])))
        if detail.get("recoded"):
            pairs = ", ".join(f"{a} → {b}" for a, b in detail["recoded"].items())
            parts.append(_("umcodiert: %(pairs)s", pairs=pairs))
        new = "; ".join(parts)
    elif kind == "required":
        old, new = _yes_no(detail.get("old")), _yes_no(detail.get("new"))
    elif kind == "limits":
        old = "; ".join(f"{k}: {_shown(v.get('old'))}" for k, v in detail.items())
        new = "; ".join(f"{k}: {_shown(v.get('new'))}" for k, v in detail.items())
    elif kind == "moved" and "old_page" in detail:
        old, new = _shown(detail.get("old_page")), _shown(detail.get("new_page"))
    elif kind in ("renamed", "moved", "type", "rule"):
        old, new = _shown(detail.get("old")), _shown(detail.get("new"))
    locale = change.get("locale")
    language = str(LANGUAGES.get(locale, locale or ""))
    return ChangeLine(kind, what, language, old, new)


def _language(locale: str) -> str:
    return str(LANGUAGES.get(locale, locale))


def _codes(values) -> str:
    return ", ".join(str(v) for v in values)


def _yes_no(value) -> str:
    return _("ja") if value else _("nein")


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
