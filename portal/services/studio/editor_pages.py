"""What the structured editor's pages show: the outline of a version, a question, a rule.

Read side only: built from a version's document with the pure helpers of editing/, no writes.
"""

from dataclasses import dataclass, field
from typing import Any

from portal.models.questionnaire import DRAFT, QuestionnaireVersion
from portal.services.studio import editing
from portal.services.studio.editing.placement import siblings
from portal.services.studio.editing.tree import (
    children_holder,
    find,
    merged,
    pages,
    resolved,
    text_of,
)

# The order facts a rule may look at, with their values (as portal.questionnaires.context_of).
CONTEXTS = {"deployment": ["on_premises", "cp_cloud"]}


@dataclass(frozen=True)
class RuleLine:
    """A rule in words: effect, what it looks at (label), condition and values."""

    effect: str
    target: str  # a question's German label or "context:deployment"
    condition: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Row:
    """One question of the outline."""

    path: str
    key: str
    depth: int
    label: dict[str, str]
    kind: str
    required: bool
    rule: RuleLine | None
    first: bool
    last: bool
    shared: str = ""  # the $defs entry a group's or row's questions live in


@dataclass
class Section:
    """One page of the outline with its questions in form order (nested ones below their parent)."""

    key: str
    title: dict[str, str]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Outline:
    """The whole editor page of a version."""

    version: QuestionnaireVersion
    editable: bool
    title: dict[str, str]
    sections: list[Section]
    problems: int


def _texts(value: Any) -> dict[str, str]:
    return {locale: text_of(value, locale) for locale in ("de", "en")}


def label_of(document: dict, prop: dict, key: str) -> dict[str, str]:
    """A question's label in both languages (the key where there is none)."""
    ui = merged(document, prop).get("x-ui") or {}
    label = _texts(ui.get("label"))
    return {locale: text or key for locale, text in label.items()}


def rule_line(document: dict, path: str) -> RuleLine | None:
    """The question's rule in words, None when it has none."""
    rule = editing.read_rule(document, path)
    if rule is None:
        return None
    source, _, name = rule.ref.partition(":")
    target = rule.ref
    if source == "q":
        base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        try:
            _, key, prop = find(document, base + name)
            target = label_of(document, prop, key)["de"]
        except editing.EditError:
            target = name
    return RuleLine(rule.effect, target, rule.condition, rule.values)


def outline(document: dict, found: QuestionnaireVersion, problems: int) -> Outline:
    """The outline of a version: its pages with their questions in the order the form shows."""
    declared = pages(document) or [{"key": "main", "title": ""}]
    sections = [Section(p.get("key", ""), _texts(p.get("title"))) for p in declared]
    by_key = {s.key: s for s in sections}
    top = document.get("properties") or {}
    for key in _ordered(document, list(top)):
        page = editing.page_of(document, top[key])
        _rows(document, key, 0, by_key.get(page, sections[0]).rows)
    ui = document.get("x-ui") or {}
    return Outline(found, found.status == DRAFT, _texts(ui.get("title")), sections, problems)


def _ordered(document: dict, keys: list[str]) -> list[str]:
    """Top-level keys page by page in form order."""
    done: list[str] = []
    for key in keys:
        if key not in done:
            done += [k for k in siblings(document, key) if k not in done]
    return done


def _rows(document: dict, path: str, depth: int, out: list[Row]) -> None:
    parent, key, prop = find(document, path)
    row = siblings(document, path)
    holder = children_holder(document, prop)
    ref = (prop.get("items") or {}).get("$ref") or prop.get("$ref") or ""
    out.append(
        Row(
            path=path,
            key=key,
            depth=depth,
            label=label_of(document, prop, key),
            kind=editing.kind_of(document, prop),
            required=key in (parent.get("required") or []),
            rule=rule_line(document, path),
            first=row[0] == key,
            last=row[-1] == key,
            shared=ref.rsplit("/", 1)[-1] if holder is not None and ref else "",
        )
    )
    if holder is not None and holder.get("properties"):
        first = next(iter(holder["properties"]))
        for child in siblings(document, f"{path}/{first}"):
            _rows(document, f"{path}/{child}", depth + 1, out)


@dataclass
class QuestionView:
    """A question as its form shows it."""

    path: str
    key: str
    kind: str
    top_level: bool
    page: str
    schema: dict
    ui: dict
    required: bool
    choices: list[tuple[str, str, str]]
    shared: str  # "$defs/<name>" when its data rules come from a shared definition


def question(document: dict, path: str) -> QuestionView:
    """The question at path as its form shows it."""
    parent, key, prop = find(document, path)
    schema = merged(document, prop)
    ui = schema.get("x-ui") or {}
    kind = editing.kind_of(document, prop)
    labels = ui.get("enum_labels") or {}
    codes = editing.tree.choices_of(document, schema)
    choices = [(str(c), *_texts(labels.get(str(c))).values()) for c in codes]
    ref = prop.get("$ref", "")
    return QuestionView(
        path=path,
        key=key,
        kind=kind,
        top_level="/" not in path,
        page=editing.page_of(document, prop) if "/" not in path else "",
        schema=schema,
        ui=ui,
        required=key in (parent.get("required") or []),
        choices=choices,
        shared=ref[2:] if ref and resolved(document, prop).get("type") != "object" else "",
    )


def page_keys(document: dict) -> list[tuple[str, str]]:
    """(key, German title) of every declared page."""
    return [(p.get("key", ""), text_of(p.get("title"), "de")) for p in pages(document)]


def targets(document: dict, path: str) -> list[tuple[editing.Target, str]]:
    """What a rule on the question may look at, each with its German label."""
    base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    out = []
    for target in editing.targets(document, path, CONTEXTS):
        source, _, name = target.ref.partition(":")
        if source == "q":
            _, key, prop = find(document, base + name)
            out.append((target, label_of(document, prop, key)["de"]))
        else:
            out.append((target, target.ref))
    return out
