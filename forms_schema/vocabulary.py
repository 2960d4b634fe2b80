"""The x-ui vocabulary: which keys exist, and checks of x-ui blocks that need no other context."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator, exceptions

from forms_schema.errors import SchemaError
from forms_schema.pointers import join
from forms_schema.text import LANGUAGES

NAME = re.compile(r"[a-z][a-z0-9_]*")
WIDGETS = frozenset(
    {
        "text",
        "textarea",
        "number",
        "select",
        "radio",
        "checkboxes",
        "yes_no",
        "checkbox",
        "date",
        "email",
        "url",
        "file",
    }
)
TYPES = frozenset({"string", "integer", "number", "boolean", "object", "array"})
ROOT_KEYS = frozenset({"title", "pages"})
PROPERTY_KEYS = frozenset(
    {
        "id",
        "label",
        "help",
        "widget",
        "page",
        "order",
        "placeholder",
        "rule",
        "enum_labels",
        "errors",
        "accept",
        "max_size",
        "add_label",
        "row_label",
    }
)
TEXT_KEYS = ("label", "help", "placeholder", "add_label", "row_label")
# Keywords whose message x-ui.errors may replace.
ERROR_KEYWORDS = frozenset(
    {
        "required",
        "dependentRequired",
        "type",
        "format",
        "enum",
        "const",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "contains",
        "minContains",
        "maxContains",
        "x-compare",
    }
)
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
_ACCEPT = re.compile(r"\.[A-Za-z0-9]+|[a-z]+/(\*|[A-Za-z0-9.+-]+)")
_SCOPE = re.compile(r"#(/properties/[a-z][a-z0-9_]*)+|#/context(/[A-Za-z0-9_]+)+")
_META = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)


def check_metaschema(schema: Any, pointer: str = "") -> None:
    """Raise SchemaError for the first (in document order) violation of the 2020-12 metaschema."""
    problems = list(_META.iter_errors(schema))
    if not problems:
        return
    first = min(_position(schema, p.absolute_path) for p in problems)
    tied = [p for p in problems if _position(schema, p.absolute_path) == first]
    best = exceptions.best_match(tied) or tied[0]
    raise SchemaError(pointer + join(best.absolute_path), best.message)


def _position(document: Any, path: Iterable[Any]) -> list[int]:
    position, node = [], document
    for token in path:
        if isinstance(node, dict):
            keys = list(node)
            position.append(keys.index(token) if token in node else len(keys))
            node = node.get(token)
        else:
            position.append(int(token))
            node = node[token] if isinstance(node, list) and token < len(node) else None
    return position


def check_text(value: Any, pointer: str) -> None:
    """A localised text is a string or {"de": ..., "en": ...} with both languages."""
    if isinstance(value, str):
        return
    if not isinstance(value, Mapping):
        raise SchemaError(pointer, 'expected a string or {"de": ..., "en": ...}')
    for lang, text in value.items():
        if lang not in LANGUAGES:
            raise SchemaError(f"{pointer}/{lang}", 'unknown language; use "de" and "en"')
        if not isinstance(text, str):
            raise SchemaError(f"{pointer}/{lang}", "expected a string")
    missing = [lang for lang in LANGUAGES if lang not in value]
    if missing:
        raise SchemaError(pointer, f"the text for {', '.join(missing)} is missing")


def _object(value: Any, pointer: str, allowed: Iterable[str], required: Iterable[str] = ()):
    if not isinstance(value, Mapping):
        raise SchemaError(pointer, "expected an object")
    for key in value:
        if key not in allowed:
            raise SchemaError(f"{pointer}/{key}", f"unknown key {key!r}")
    for key in required:
        if key not in value:
            raise SchemaError(f"{pointer}/{key}", f"{key!r} is missing")
    return value


def check_root_ui(ui: Any, pointer: str) -> None:
    """The root's x-ui: title and pages."""
    _object(ui, pointer, ROOT_KEYS)
    if "title" in ui:
        check_text(ui["title"], f"{pointer}/title")
    if "pages" not in ui:
        return
    pages = ui["pages"]
    if not isinstance(pages, list) or not pages:
        raise SchemaError(f"{pointer}/pages", "expected a non-empty list of pages")
    seen: set[str] = set()
    for index, page in enumerate(pages):
        at = f"{pointer}/pages/{index}"
        _object(page, at, ("key", "title"), ("key", "title"))
        key = page["key"]
        if not isinstance(key, str) or not NAME.fullmatch(key):
            raise SchemaError(f"{at}/key", "a page key matches ^[a-z][a-z0-9_]*$")
        if key in seen:
            raise SchemaError(f"{at}/key", f"page {key!r} is declared twice")
        seen.add(key)
        check_text(page["title"], f"{at}/title")


def check_property_ui(ui: Any, pointer: str) -> None:
    """A property's x-ui, key by key (whether a key fits the property is checked later)."""
    _object(ui, pointer, PROPERTY_KEYS)
    # A stable id survives key renames between versions (forms_schema.identity).
    if "id" in ui and (not isinstance(ui["id"], str) or not NAME.fullmatch(ui["id"])):
        raise SchemaError(f"{pointer}/id", "an id matches ^[a-z][a-z0-9_]*$")
    for key in TEXT_KEYS:
        if key in ui:
            check_text(ui[key], f"{pointer}/{key}")
    if "widget" in ui and ui["widget"] not in WIDGETS:
        raise SchemaError(f"{pointer}/widget", f"unknown widget {ui['widget']!r}")
    if "page" in ui and not isinstance(ui["page"], str):
        raise SchemaError(f"{pointer}/page", "expected a page key")
    if "order" in ui and (type(ui["order"]) is not int):
        raise SchemaError(f"{pointer}/order", "expected an integer")
    if "rule" in ui:
        check_rule(ui["rule"], f"{pointer}/rule")
    if "enum_labels" in ui:
        labels = ui["enum_labels"]
        if not isinstance(labels, Mapping):
            raise SchemaError(f"{pointer}/enum_labels", "expected an object: value -> text")
        for value, text in labels.items():
            check_text(text, f"{pointer}/enum_labels/{value}")
    if "errors" in ui:
        for keyword, text in _object(ui["errors"], f"{pointer}/errors", ERROR_KEYWORDS).items():
            check_text(text, f"{pointer}/errors/{keyword}")
    if "accept" in ui:
        accept = ui["accept"]
        if not isinstance(accept, list) or not accept:
            raise SchemaError(f"{pointer}/accept", 'expected a list like [".pdf", "image/*"]')
        for index, entry in enumerate(accept):
            if not isinstance(entry, str) or not _ACCEPT.fullmatch(entry):
                raise SchemaError(f"{pointer}/accept/{index}", 'expected ".ext" or "type/subtype"')
    if "max_size" in ui and (type(ui["max_size"]) is not int or ui["max_size"] <= 0):
        raise SchemaError(f"{pointer}/max_size", "expected a positive number of bytes")


def check_rule(rule: Any, pointer: str) -> None:
    """A rule: {"effect": "SHOW"|"HIDE", "condition": {"scope": ..., "schema": {...}}}."""
    _object(rule, pointer, ("effect", "condition"), ("effect", "condition"))
    if rule["effect"] not in ("SHOW", "HIDE"):
        raise SchemaError(f"{pointer}/effect", 'expected "SHOW" or "HIDE"')
    condition = _object(
        rule["condition"], f"{pointer}/condition", ("scope", "schema"), ("scope", "schema")
    )
    scope = condition["scope"]
    if not isinstance(scope, str) or not _SCOPE.fullmatch(scope):
        raise SchemaError(
            f"{pointer}/condition/scope",
            'expected "#/properties/<name>[/properties/<name>...]" or "#/context/<fact>"',
        )
    if not isinstance(condition["schema"], Mapping):
        raise SchemaError(f"{pointer}/condition/schema", "expected a schema object")
    check_metaschema(condition["schema"], f"{pointer}/condition/schema")
