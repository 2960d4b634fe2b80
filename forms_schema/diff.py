"""diff(): the change list between two versions of a questionnaire, question by question.

Questions are matched by identity (forms_schema.identity), or by an explicit rename in a
mapping. The list follows the new document (root title and pages first, then the questions
depth first in declared order); removed questions come last, in the old document's order.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_schema.data import same
from forms_schema.identity import (
    VersionMap,
    check_mapping,
    codes,
    document_of,
    match,
    read_mapping,
)
from forms_schema.outline import Question, outline
from forms_schema.questionnaire import Questionnaire
from forms_schema.text import LANGUAGES, localize
from forms_schema.translations import question_texts, root_texts

KINDS = (
    "added",
    "removed",
    "renamed",
    "moved",
    "type",
    "choices",
    "label",
    "help",
    "required",
    "rule",
    "limits",
)
LIMITS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "x-compare",
)
UI_LIMITS = ("accept", "max_size")
# Texts that explain rather than name: reported as "help"; all others as "label".
_HELP_TEXTS = ("help", "errors/")

Source = Mapping[str, Any] | Questionnaire


@dataclass(frozen=True)
class Change:
    """One difference: what (kind), where in the new version (pointer) and the old one."""

    kind: str
    pointer: str
    old_pointer: str | None
    locale: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def diff(old: Source, new: Source, *, mapping: Mapping[str, Any] | None = None) -> list[Change]:
    """The changes from old to new (documents or Questionnaires); [] for equal versions."""
    old_doc, new_doc = document_of(old), document_of(new)
    before, after = outline(old_doc), outline(new_doc)
    plan = read_mapping(mapping)
    check_mapping(plan, before, after)
    pairs = match(before, after, plan)
    back = {n.template: o for o, n in pairs.items()}
    out = _root(old_doc, new_doc)
    for q in after.questions:
        if q.template in back:
            out += _compare(before.by_template[back[q.template]], q, pairs, plan)
        else:
            out.append(Change("added", q.template, None, None, {"identity": q.identity}))
    for q in before.questions:
        if q.template not in pairs:
            out.append(Change("removed", q.template, q.template, None, {"identity": q.identity}))
    return out


def _root(old_doc: Mapping[str, Any], new_doc: Mapping[str, Any]) -> list[Change]:
    """The root title and the pages (pointer /x-ui/title, /x-ui/pages/<key>)."""
    old_texts = {name: text for name, text, _p in root_texts(old_doc)}
    new_texts = {name: text for name, text, _p in root_texts(new_doc)}
    out: list[Change] = []
    old_pages = [n[6:] for n in old_texts if n.startswith("pages/")]
    new_pages = [n[6:] for n in new_texts if n.startswith("pages/")]
    out += _texts(
        "/x-ui/title",
        "/x-ui/title",
        {"title": old_texts.get("title")},
        {"title": new_texts.get("title")},
    )
    common_old = [k for k in old_pages if k in new_pages]
    common_new = [k for k in new_pages if k in old_pages]
    for key in new_pages:
        at = f"/x-ui/pages/{key}"
        if key not in old_pages:
            out.append(Change("added", at, None))
            continue
        if common_old.index(key) != common_new.index(key):
            detail = {"old": common_old.index(key), "new": common_new.index(key)}
            out.append(Change("moved", at, at, None, detail))  # among the pages both have
        name = f"pages/{key}"
        out += _texts(at, at, {"title": old_texts[name]}, {"title": new_texts[name]})
    for key in old_pages:
        if key not in new_pages:
            out.append(Change("removed", f"/x-ui/pages/{key}", f"/x-ui/pages/{key}"))
    return out


def _compare(
    old: Question, new: Question, pairs: dict[str, Question], plan: VersionMap
) -> list[Change]:
    """The changes of one matched question, in the order of KINDS."""
    out: list[Change] = []

    def add(kind: str, detail: dict[str, Any], locale: str | None = None) -> None:
        out.append(Change(kind, new.template, old.template, locale, detail))

    parent = pairs.get(old.parent) if old.parent else None
    same_parent = parent.template == new.parent if parent else old.parent is new.parent is None
    if same_parent and old.key != new.key:
        add("renamed", {"old": old.key, "new": new.key})
    if not same_parent:
        add("moved", {"old": old.template, "new": new.template})
    elif new.parent is None and old.page != new.page:
        add("moved", {"old_page": old.page, "new_page": new.page})
    if _type(old) != _type(new):
        add("type", {"old": _type(old), "new": _type(new)})
    choices = _choices(old, new, plan)
    if choices:
        add("choices", choices)
    kept = set(codes(old.enum)) & set(codes(new.enum))
    out += _texts(new.template, old.template, _shown(old, kept), _shown(new, kept))
    if old.required != new.required:
        add("required", {"old": old.required, "new": new.required})
    if not same(_rule(old, pairs), _rule(new, None)):
        add("rule", {"old": old.ui.get("rule"), "new": new.ui.get("rule")})
    limits = {
        key: {"old": a, "new": b}
        for key, a, b in [(k, old.schema.get(k), new.schema.get(k)) for k in LIMITS]
        + [(k, old.ui.get(k), new.ui.get(k)) for k in UI_LIMITS]
        if not same(a, b)
    }
    if limits:
        add("limits", limits)
    return out


def _type(q: Question) -> str:
    """ "integer", "object", "array" (repeating group), "array of string" (checkboxes), ..."""
    typ = str(q.schema.get("type"))
    if q.kind == "field" and q.items is not None:
        return f"{typ} of {q.items.get('type')}"
    return typ


def _choices(old: Question, new: Question, plan: VersionMap) -> dict[str, Any]:
    before, after = codes(old.enum), codes(new.enum)
    recoded = {k: v for k, v in plan.recode(old, new).items() if k in before}
    added = [v for k, v in after.items() if k not in before]
    removed = [v for k, v in before.items() if k not in after and k not in recoded]
    if not (added or removed or recoded):
        return {}
    detail: dict[str, Any] = {"added": added, "removed": removed}
    if recoded:
        detail["recoded"] = recoded
    return detail


def _shown(q: Question, kept: set[str]) -> dict[str, Any]:
    """The texts the form shows: label and help with their fallbacks; choice labels of kept
    codes only (an added or removed choice is a "choices" change already)."""
    texts: dict[str, Any] = {
        "label": q.ui.get("label") or q.schema.get("title") or q.key,
        "help": q.ui.get("help") or q.schema.get("description") or "",
    }
    for name, text, _p in question_texts(q):
        if name.startswith("enum_labels/") and name[12:] not in kept:
            continue
        texts.setdefault(name, text)
    return texts


def _texts(pointer: str, old_pointer: str, old: Mapping[str, Any], new: Mapping[str, Any]):
    """label/help changes per text and language; a text only one side has counts as ""."""
    out: list[Change] = []
    names = [*new, *(n for n in old if n not in new)]
    for kind in ("label", "help"):
        for name in names:
            if (kind == "help") != name.startswith(_HELP_TEXTS):
                continue
            for lang in LANGUAGES:
                a, b = localize(old.get(name), lang), localize(new.get(name), lang)
                if a != b:
                    detail = {"text": name, "old": a, "new": b}
                    out.append(Change(kind, pointer, old_pointer, lang, detail))
    return out


def _rule(q: Question, pairs: dict[str, Question] | None) -> Any:
    """A rule with its scope as the template it names (old ones in the new version's terms),
    so that renaming the controlling question is not a rule change."""
    rule = q.ui.get("rule")
    condition = rule.get("condition") if isinstance(rule, Mapping) else None
    scope = condition.get("scope") if isinstance(condition, Mapping) else None
    if not isinstance(scope, str) or not scope.startswith("#/properties/"):
        return rule
    target = q.holder + "".join("/" + t for t in scope[2:].split("/")[1::2])
    if pairs is not None:
        found = pairs.get(target)
        target = found.template if found else "?" + target
    return {"effect": rule.get("effect"), "target": target, "schema": condition.get("schema")}
