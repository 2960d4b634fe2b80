"""The rows of a data flow diagram: what a version stores and how the editor's rows are checked.

Pure: no database, no request. validate() turns the editor's rows into a Draft or raises
Invalid with a message per field.
"""

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import dfd
from portal.services.errors import Invalid

KINDS = dfd.KINDS
KIND_LABELS = {
    "source": _l("Quellsystem"),
    "cpce": _l("CPCE-Anwendung"),
    "database": _l("SQL-Server-Datenbank"),
    "user_group": _l("Benutzergruppe"),
    "interface": _l("Dateifreigabe oder Schnittstelle"),
    "external": _l("Externer Dienst"),
}
FLOW_TEXTS = ("content", "method", "frequency")
MAX_SYSTEMS, MAX_FLOWS, NAME_MAX, TEXT_MAX = 40, 100, 80, 120
# Whitespace is folded before this check: what is left are characters nobody types.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


@dataclass(frozen=True)
class Draft:
    """Systems and flows as the editor shows them and a version stores them."""

    systems: list[dict[str, Any]]
    flows: list[dict[str, Any]]


def _clean(value: Any) -> str:
    return " ".join(str(value if value is not None else "").split())


def validate(systems: list[dict], flows: list[dict]) -> Draft:
    """Check and normalise editor rows; system ids become s1, s2, ... in row order."""
    errors: dict[str, str] = {}
    if not 1 <= len(systems) <= MAX_SYSTEMS:
        errors["systems"] = _("Ein Diagramm hat 1 bis %(max)d Systeme.", max=MAX_SYSTEMS)
    if len(flows) > MAX_FLOWS:
        errors["flows"] = _("Ein Diagramm hat höchstens %(max)d Datenflüsse.", max=MAX_FLOWS)
    ids: dict[str, str] = {}
    names: dict[str, int] = {}
    clean_systems = []
    for i, raw in enumerate(systems):
        n, name, kind = i + 1, _clean(raw.get("name")), raw.get("kind")
        key = f"system-{i}-name"
        if not name:
            errors[key] = _("System %(n)d: Bitte einen Namen angeben.", n=n)
        elif len(name) > NAME_MAX:
            errors[key] = _(
                "System %(n)d: Der Name hat höchstens %(max)d Zeichen.", n=n, max=NAME_MAX
            )
        elif _CONTROL.search(name):
            errors[key] = _("System %(n)d: Der Name enthält Steuerzeichen.", n=n)
        elif name.casefold() in names:
            errors[key] = _(
                "System %(n)d: Den Namen trägt schon System %(other)d.",
                n=n,
                other=names[name.casefold()],
            )
        else:
            names[name.casefold()] = n
        if kind not in KINDS:
            errors[f"system-{i}-kind"] = _("System %(n)d: Bitte die Art wählen.", n=n)
        given = _clean(raw.get("id"))
        if given in ids:
            errors["systems"] = _(
                "Zwei Systeme tragen dieselbe Kennung; bitte die Seite neu laden."
            )
        elif given:
            ids[given] = f"s{n}"
        clean_systems.append({"id": f"s{n}", "name": name, "kind": kind})
    clean_flows = []
    for i, raw in enumerate(flows):
        n = i + 1
        source, target = ids.get(_clean(raw.get("from"))), ids.get(_clean(raw.get("to")))
        if source is None:
            errors[f"flow-{i}-from"] = _("Datenfluss %(n)d: Bitte wählen, woher er kommt.", n=n)
        if target is None:
            errors[f"flow-{i}-to"] = _("Datenfluss %(n)d: Bitte wählen, wohin er geht.", n=n)
        elif source == target:
            errors[f"flow-{i}-to"] = _(
                "Datenfluss %(n)d: Ein Datenfluss verbindet zwei verschiedene Systeme.", n=n
            )
        texts = {field: _clean(raw.get(field)) for field in FLOW_TEXTS}
        for field, text in texts.items():
            if len(text) > TEXT_MAX:
                errors[f"flow-{i}-{field}"] = _(
                    "Datenfluss %(n)d: höchstens %(max)d Zeichen je Angabe.", n=n, max=TEXT_MAX
                )
            elif _CONTROL.search(text):
                errors[f"flow-{i}-{field}"] = _(
                    "Datenfluss %(n)d: Die Angabe enthält Steuerzeichen.", n=n
                )
        clean_flows.append({"from": source, "to": target, **texts})
    if errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **errors)
    return Draft(clean_systems, clean_flows)
