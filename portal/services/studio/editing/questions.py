"""Edits of one question: add, rename, kind, texts, required, remove.

Every function takes a document and returns a new one (the argument is never changed) in which
only the named question (and, for a rename, what refers to it) differs. A question whose data
rules come from a shared `$defs` entry by `$ref` gets its own copy of them when its kind, choices
or limits change, so the other questions using that entry stay as they are.
"""

import copy
from typing import Any

from portal.services.studio.editing import references
from portal.services.studio.editing.tree import (
    CHOICE_KINDS,
    CONTAINER_KINDS,
    KINDS,
    LOCALES,
    EditError,
    check_key,
    children_holder,
    choices_of,
    find,
    holder,
    kind_of,
    merged,
    page_of,
    pages,
    rewrite,
    split,
    ui_of,
)

TEXTS = ("label", "help", "placeholder", "add_label", "row_label")
PLACEHOLDER_KINDS = frozenset(
    {"text", "textarea", "email", "url", "date", "integer", "decimal", "select"}
)
# Schema keywords that belong to one family of types; a kind change drops the old family's.
_FAMILY_KEYWORDS = {
    "string": ("minLength", "maxLength", "pattern", "format"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "array": ("minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains"),
    "object": ("properties", "required", "dependentRequired", "allOf"),
}
_FAMILY = {
    **dict.fromkeys(("text", "textarea", "email", "url", "date", "file"), "string"),
    **dict.fromkeys(("integer", "decimal"), "number"),
    **dict.fromkeys(("yes_no", "checkbox"), "boolean"),
    **dict.fromkeys(("checkboxes", "repeat"), "array"),
    "select": "choice",
    "radio": "choice",
    "group": "object",
}
_FORMAT_OF = {"email": "email", "url": "uri", "date": "date"}
_WIDGET_OF = {"textarea": "textarea", "file": "file", "checkbox": "checkbox"}


def add_question(
    document: dict, parent: str, key: str, kind: str, label: dict, page: str = ""
) -> dict:
    """A new question at the end of the root (on `page`), of a group or of a repeating group's rows."""
    out = copy.deepcopy(document)
    key = check_key(key)
    if kind not in KINDS or kind in CHOICE_KINDS:
        # Choice questions start as text; their choices are entered on the question's own form.
        raise EditError("bad_kind", "kind", kind=kind)
    node = holder(out, [*split(parent), "_"]) if parent else out
    props = node.setdefault("properties", {})
    if key in props:
        raise EditError("key_taken", "key", key=key)
    prop: dict[str, Any] = {"x-ui": {"id": key}}
    _set_kind_schema(prop, kind, [])
    ui = prop["x-ui"]
    ui["label"] = {locale: (label.get(locale) or "").strip() for locale in LOCALES}
    if not parent:
        declared = [p.get("key") for p in pages(out)]
        if declared and page not in declared:
            raise EditError("unknown_page", "page", page=page)
        if declared:
            ui["page"] = page
        siblings = [
            p
            for p in props.values()
            if isinstance(p, dict) and (not declared or page_of(out, p) == page)
        ]
    else:
        siblings = [p for p in props.values() if isinstance(p, dict)]
    orders = [p["x-ui"]["order"] for p in siblings if isinstance(p.get("x-ui"), dict)]
    orders = [o for o in orders if isinstance(o, int)]
    if orders:
        ui["order"] = max(orders) + 10
    ui = prop.pop("x-ui")
    props[key] = {**prop, "x-ui": ui}  # data keywords first, as in the questionnaire files
    return out


def rename_key(document: dict, path: str, new_key: str) -> dict:
    """The question's key becomes new_key; its id stays, and what names the old key follows."""
    out = copy.deepcopy(document)
    parent, old, prop = find(out, path)
    new_key = check_key(new_key)
    if new_key == old:
        return out
    if new_key in parent["properties"]:
        raise EditError("key_taken", "key", key=new_key)
    ui = prop.get("x-ui") if isinstance(prop.get("x-ui"), dict) else {}
    if "id" not in merged(out, prop).get("x-ui", {}):
        prop["x-ui"] = {"id": old, **ui}  # the identity stays with the question
    parent["properties"] = {
        (new_key if k == old else k): v for k, v in parent["properties"].items()
    }
    references.rename(out, parent, old, new_key)
    return out


def set_kind(document: dict, path: str, kind: str, choices: list | None = None) -> dict:
    """The question becomes of this kind; limits of another type family are dropped."""
    out = copy.deepcopy(document)
    if kind not in KINDS:
        raise EditError("bad_kind", "kind", kind=kind)
    _, _, prop = find(out, path)
    old = kind_of(out, prop)
    if old == kind:
        return out
    below = children_holder(out, prop)
    if old in CONTAINER_KINDS and below is not None and below.get("properties"):
        raise EditError("has_questions", "kind")
    keep = choices if choices is not None else choices_of(out, merged(out, prop))
    if kind in CHOICE_KINDS and not keep:
        raise EditError("choices_needed", "choices")
    rewrite(out, path, lambda schema: _set_kind_schema(schema, kind, keep, old))
    return out


def _set_kind_schema(schema: dict, kind: str, choices: list, old: str = "") -> None:
    family, old_family = _FAMILY[kind], _FAMILY.get(old, "")
    dropped: set[str] = {"enum", "items", "format", "const"}
    if family != old_family:
        dropped |= {"x-compare"}
        for name, words in _FAMILY_KEYWORDS.items():
            if name != family:
                dropped |= set(words)
    for word in dropped:
        schema.pop(word, None)
    ui = ui_of(schema)
    ui.pop("widget", None)
    if isinstance(ui.get("errors"), dict):
        ui["errors"] = {k: v for k, v in ui["errors"].items() if k not in dropped}
        if not ui["errors"]:
            del ui["errors"]
    for name, kinds in (
        ("placeholder", PLACEHOLDER_KINDS),
        ("enum_labels", CHOICE_KINDS),
        ("accept", {"file"}),
        ("max_size", {"file"}),
        ("add_label", {"repeat"}),
        ("row_label", {"repeat"}),
    ):
        if kind not in kinds:
            ui.pop(name, None)
    if kind == "select" or kind == "radio":
        schema["type"] = "integer" if choices and all(type(c) is int for c in choices) else "string"
        schema["enum"] = list(choices)
        ui["widget"] = kind
    elif kind == "checkboxes":
        schema["type"] = "array"
        schema["items"] = {"type": "string", "enum": list(choices)}
        schema["uniqueItems"] = True
    elif kind == "repeat":
        schema["type"] = "array"
        schema["items"] = {"type": "object", "properties": {}}
    elif kind == "group":
        schema["type"] = "object"
        schema.setdefault("properties", {})
    else:
        schema["type"] = {"integer": "integer", "decimal": "number"}.get(
            kind, "boolean" if family == "boolean" else "string"
        )
        if kind in _FORMAT_OF:
            schema["format"] = _FORMAT_OF[kind]
        if kind in _WIDGET_OF:
            ui["widget"] = _WIDGET_OF[kind]


def set_texts(document: dict, path: str, texts: dict[str, dict[str, str]]) -> dict:
    """Set label, help, placeholder, add_label or row_label in German and English; empty removes."""
    out = copy.deepcopy(document)
    _, _, prop = find(out, path)
    kind = kind_of(out, prop)
    for name, value in texts.items():
        if name not in TEXTS:
            raise EditError("unknown_text", name, name=name)
        value = {locale: (value.get(locale) or "").strip() for locale in LOCALES}
        if name == "placeholder" and kind not in PLACEHOLDER_KINDS and any(value.values()):
            raise EditError("not_applicable", f"{name}_de")
        if name in ("add_label", "row_label") and kind != "repeat" and any(value.values()):
            raise EditError("not_applicable", f"{name}_de")
        if name == "label" and not value["de"]:
            raise EditError("label_needed", "label_de")
        ui = ui_of(prop)
        if any(value.values()):
            if ui.get(name) != value:
                ui[name] = value
        else:
            ui.pop(name, None)
    return out


def set_required(document: dict, path: str, required: bool) -> dict:
    """Add the question to (or take it out of) its object's `required` list."""
    out = copy.deepcopy(document)
    parent, key, _ = find(out, path)
    listed = list(parent.get("required") or [])
    if required and key not in listed:
        parent["required"] = [*listed, key]
    elif not required and key in listed:
        listed.remove(key)
        if listed:
            parent["required"] = listed
        else:
            parent.pop("required", None)
    return out


def remove_question(document: dict, path: str) -> dict:
    """Remove the question with its `required` and `dependentRequired` entries."""
    out = copy.deepcopy(document)
    parent, key, _ = find(out, path)
    del parent["properties"][key]
    listed = [k for k in parent.get("required") or [] if k != key]
    if "required" in parent:
        if listed:
            parent["required"] = listed
        else:
            del parent["required"]
    depends = parent.get("dependentRequired")
    if isinstance(depends, dict):
        kept = {
            k: [v for v in vs if v != key] if isinstance(vs, list) else vs
            for k, vs in depends.items()
            if k != key
        }
        kept = {k: vs for k, vs in kept.items() if vs}
        if kept:
            parent["dependentRequired"] = kept
        else:
            del parent["dependentRequired"]
    return out
