"""Finding questions in a raw questionnaire document: paths, holders, $ref and the kind of a question.

A question is named by its *path*: the keys from the root down, joined with "/" ("sql_port",
"server/cpu_cores", "it_contacts/email"). A step into a group goes through its `properties`, a
step into a repeating group through its row object (`items`). Where a group or a row is a
`$ref` to `$defs`, the path leads into the shared definition, so a change there applies to
every question using it.
"""

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

from forms_schema.builder import RESERVED

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
LOCALES = ("de", "en")

# The kinds an editor picks from, and what each writes into the schema (`type`, x-ui widget,
# `format`). Choice kinds also get `enum`; "checkboxes" is a list of enum values.
KINDS = (
    "text",
    "textarea",
    "email",
    "url",
    "date",
    "integer",
    "decimal",
    "select",
    "radio",
    "yes_no",
    "checkbox",
    "checkboxes",
    "file",
    "group",
    "repeat",
)
CHOICE_KINDS = frozenset({"select", "radio", "checkboxes"})
TEXT_KINDS = frozenset({"text", "textarea", "email", "url", "date", "file"})
NUMBER_KINDS = frozenset({"integer", "decimal"})
CONTAINER_KINDS = frozenset({"group", "repeat"})


class EditError(ValueError):
    """An edit that cannot be done; `code` names the reason, `field` the input it belongs to."""

    def __init__(self, code: str, field: str = "form", **params: Any):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


def split(path: str) -> list[str]:
    """The keys of a question path; raises EditError("unknown_question") on a malformed one."""
    keys = [k for k in str(path).split("/") if k]
    if not keys or not all(KEY.match(k) for k in keys):
        raise EditError("unknown_question", path=path)
    return keys


def check_key(key: str, field: str = "key") -> str:
    """A new question or page key: lower case letters, digits and underscores, not reserved."""
    key = (key or "").strip()
    if not KEY.match(key):
        raise EditError("bad_key", field, key=key)
    if key in RESERVED:
        raise EditError("reserved_key", field, key=key)
    return key


def target(document: dict, ref: str) -> dict | None:
    """The schema object a local $ref ("#/$defs/x") names, or None."""
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return None
    node: Any = document
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or token not in node:
            return None
        node = node[token]
    return node if isinstance(node, dict) else None


def resolved(document: dict, schema: dict) -> dict:
    """The schema object behind a $ref (followed a few steps), else the schema itself."""
    for _ in range(8):
        if "$ref" not in schema:
            return schema
        found = target(document, schema["$ref"])
        if found is None:
            return schema
        schema = found
    return schema


def merged(document: dict, prop: dict) -> dict:
    """A question's schema as the form builder reads it: $ref target overlaid by the property."""
    if "$ref" not in prop:
        return prop
    base = merged(document, target(document, prop["$ref"]) or {})
    out = {**copy.deepcopy(base), **{k: v for k, v in prop.items() if k != "$ref"}}
    if isinstance(base.get("x-ui"), dict) and isinstance(prop.get("x-ui"), dict):
        out["x-ui"] = {**copy.deepcopy(base["x-ui"]), **prop["x-ui"]}
    return out


def rows_of(document: dict, prop: dict) -> dict | None:
    """The row object of a repeating group (through $ref), None for anything else."""
    schema = merged(document, prop)
    items = schema.get("items")
    if schema.get("type") != "array" or not isinstance(items, dict):
        return None
    rows = resolved(document, items)
    return rows if rows.get("type") == "object" else None


def children_holder(document: dict, prop: dict) -> dict | None:
    """The object holding a group's or repeating group's questions, None for a field."""
    schema = resolved(document, prop)
    if schema.get("type") == "object":
        return schema
    return rows_of(document, prop)


def holder(document: dict, keys: list[str]) -> dict:
    """The schema object whose `properties` hold the question at keys[-1]."""
    node = document
    for key in keys[:-1]:
        prop = (node.get("properties") or {}).get(key)
        below = children_holder(document, prop) if isinstance(prop, dict) else None
        if below is None:
            raise EditError("unknown_question", path="/".join(keys))
        node = below
    return node


def find(document: dict, path: str) -> tuple[dict, str, dict]:
    """(holder, key, property) of the question at path; raises EditError("unknown_question")."""
    keys = split(path)
    parent = holder(document, keys)
    prop = (parent.get("properties") or {}).get(keys[-1])
    if not isinstance(prop, dict):
        raise EditError("unknown_question", path=path)
    return parent, keys[-1], prop


def kind_of(document: dict, prop: dict) -> str:
    """The editor's kind of a question (see KINDS), read from type, widget, format and enum."""
    schema = merged(document, prop)
    ui = schema.get("x-ui") if isinstance(schema.get("x-ui"), dict) else {}
    widget, kind, fmt = ui.get("widget"), schema.get("type"), schema.get("format")
    if kind == "array":
        items = schema.get("items")
        if isinstance(items, dict) and "enum" in resolved(document, items):
            return "checkboxes"
        return "repeat"
    if kind == "object":
        return "group"
    if kind == "boolean":
        return "checkbox" if widget == "checkbox" else "yes_no"
    if "enum" in schema:
        if widget in ("select", "radio"):
            return widget
        return "radio" if len(schema["enum"]) <= 4 else "select"
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "decimal"
    if widget in ("textarea", "file", "date", "email", "url"):
        return widget
    return {"date": "date", "email": "email", "uri": "url"}.get(fmt, "text")


def ui_of(prop: dict) -> dict:
    """The property's own x-ui block, created when missing (for writing)."""
    ui = prop.get("x-ui")
    if not isinstance(ui, dict):
        ui = prop["x-ui"] = {}
    return ui


def text_of(value: Any, locale: str) -> str:
    """One language of a text (a string counts for both)."""
    if isinstance(value, dict):
        return str(value.get(locale) or "")
    return str(value or "")


def all_questions(document: dict, keys: tuple[str, ...] = ()) -> Iterator[tuple[str, dict, dict]]:
    """(path, holder, property) of every question below keys, depth first in declared order."""
    node = holder(document, [*keys, "_"]) if keys else document
    for key, prop in (node.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        path = "/".join([*keys, key])
        yield path, node, prop
        if children_holder(document, prop) is not None:
            yield from all_questions(document, (*keys, key))


def pages(document: dict) -> list[dict]:
    """The declared pages ([] when the document has none: one implicit page)."""
    ui = document.get("x-ui") if isinstance(document.get("x-ui"), dict) else {}
    declared = ui.get("pages")
    return declared if isinstance(declared, list) else []


def page_of(document: dict, prop: dict) -> str:
    """The page key a top-level question is on (the first page when it names none)."""
    ui = prop.get("x-ui") if isinstance(prop.get("x-ui"), dict) else {}
    declared = pages(document)
    return ui.get("page") or (declared[0]["key"] if declared else "main")


def rewrite(document: dict, path: str, change: Callable[[dict], None]) -> None:
    """Apply change to the question's schema as the form reads it; detach a changed $ref."""
    parent, key, prop = find(document, path)
    current = merged(document, prop)
    new = copy.deepcopy(current)
    change(new)
    if new != current:
        parent["properties"][key] = new


def choices_of(document: dict, schema: dict) -> list[Any]:
    """The choices of a choice question or checkbox list (its schema as merged)."""
    items = schema.get("items")
    if schema.get("type") == "array" and isinstance(items, dict):
        return list(resolved(document, items).get("enum") or [])
    return list(schema.get("enum") or [])
