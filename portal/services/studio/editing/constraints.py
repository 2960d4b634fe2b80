"""Edits of a question's data rules: choices, limits (number, length, pattern, format, rows) and uploads.

Like questions.py, each returns a new document; a leaf question whose rules come from a shared
`$defs` entry gets its own copy of them when they change.
"""

import copy
import re
from typing import Any

from portal.services.studio.editing.tree import (
    CHOICE_KINDS,
    EditError,
    choices_of,
    find,
    kind_of,
    merged,
    resolved,
    rewrite,
    ui_of,
)

LIMITS = {
    # limit -> (the kinds it applies to, a whole number >= 0?)
    "minimum": (frozenset({"integer", "decimal"}), False),
    "maximum": (frozenset({"integer", "decimal"}), False),
    "minLength": (frozenset({"text", "textarea", "email", "url"}), True),
    "maxLength": (frozenset({"text", "textarea", "email", "url"}), True),
    "pattern": (frozenset({"text", "textarea"}), False),
    "format": (frozenset({"text"}), False),
    "minItems": (frozenset({"checkboxes", "repeat"}), True),
    "maxItems": (frozenset({"checkboxes", "repeat"}), True),
}
TEXT_FORMATS = ("host", "public-ip-network")  # the formats a plain text question may check


def set_choices(document: dict, path: str, choices: list[tuple[str, str, str]]) -> dict:
    """The choices (code, German label, English label) of a choice question, in this order."""
    out = copy.deepcopy(document)
    _, _, prop = find(out, path)
    kind = kind_of(out, prop)
    if kind not in CHOICE_KINDS:
        raise EditError("not_applicable", "choices")
    codes = [code for code, _, _ in choices]
    if not codes:
        raise EditError("choices_needed", "choices")
    for code in codes:
        if not code or code.strip() != code or len(code) > 100:
            raise EditError("bad_code", "choices", choice=code)
    if len(set(codes)) != len(codes):
        raise EditError("duplicate_code", "choices")
    old = choices_of(out, merged(out, prop))
    typed = [_typed(code, old) for code in codes]

    def change(schema: dict) -> None:
        if kind == "checkboxes":
            schema["items"] = {**resolved(out, schema["items"]), "enum": typed}
            schema["items"].pop("$ref", None)
        else:
            schema["enum"] = typed
        ui_of(schema)["enum_labels"] = {
            str(code): {"de": de.strip(), "en": en.strip()} for code, de, en in choices
        }

    rewrite(out, path, change)
    return out


def _typed(code: str, old: list[Any]) -> Any:
    """A code as typed, or the earlier choice it spells (integer choices stay integers)."""
    for value in old:
        if str(value) == code:
            return value
    return code


def set_limits(document: dict, path: str, limits: dict[str, Any]) -> dict:
    """Set (or with None remove) minimum/maximum, minLength/maxLength, pattern, format, minItems/maxItems."""
    out = copy.deepcopy(document)
    _, _, prop = find(out, path)
    kind = kind_of(out, prop)
    for name, value in limits.items():
        if name not in LIMITS:
            raise EditError("unknown_limit", name)
        kinds, whole = LIMITS[name]
        if value in (None, ""):
            continue
        if kind not in kinds:
            raise EditError("not_applicable", name)
        if whole and (type(value) is not int or value < 0):
            raise EditError("bad_count", name)
        if name == "pattern":
            try:
                re.compile(value)
            except re.error:
                raise EditError("bad_pattern", name) from None
        if name == "format" and value not in TEXT_FORMATS:
            raise EditError("bad_format", name)
    for low, high in (("minimum", "maximum"), ("minLength", "maxLength"), ("minItems", "maxItems")):
        a, b = limits.get(low), limits.get(high)
        if a not in (None, "") and b not in (None, "") and a > b:
            raise EditError("min_above_max", high)

    def change(schema: dict) -> None:
        for name, value in limits.items():
            if value in (None, ""):
                if name != "format" or kind == "text":
                    schema.pop(name, None)
            else:
                schema[name] = value

    rewrite(out, path, change)
    return out


def set_upload(document: dict, path: str, accept: list[str], max_size: int | None) -> dict:
    """The file types (".pdf", "image/*") and the size limit in bytes of an upload question."""
    out = copy.deepcopy(document)
    _, _, prop = find(out, path)
    if kind_of(out, prop) != "file":
        raise EditError("not_applicable", "accept")
    pattern = re.compile(r"\.[A-Za-z0-9]+|[a-z]+/(\*|[A-Za-z0-9.+-]+)")
    for item in accept:
        if not pattern.fullmatch(item):
            raise EditError("bad_accept", "accept", item=item)
    if max_size is not None and (type(max_size) is not int or max_size < 1):
        raise EditError("bad_count", "max_size")
    ui = ui_of(prop)
    for name, value in (("accept", list(accept)), ("max_size", max_size)):
        if value:
            ui[name] = value
        else:
            ui.pop(name, None)
    return out
