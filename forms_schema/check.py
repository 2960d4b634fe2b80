"""Checks of a whole questionnaire document before its tree is built: metaschema, $ref, x-ui placement."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from forms_schema import codes, compare, formats
from forms_schema.errors import SchemaError
from forms_schema.pointers import escape, split
from forms_schema.vocabulary import check_metaschema, check_property_ui, check_root_ui

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = (
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "additionalProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)


def ref_target(ref: str) -> str:
    """The JSON pointer a local $ref ("#/$defs/x") refers to."""
    if not ref.startswith("#") or (len(ref) > 1 and not ref.startswith("#/")):
        raise ValueError("only local references of the form #/... are supported")
    return unquote(ref[1:])


def resolve(document: Any, pointer: str) -> Any:
    """The value at pointer inside document; KeyError when there is none."""
    node = document
    for token in split(pointer):
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(pointer)
    return node


def check_document(document: Any) -> None:
    """Raise SchemaError for the first problem in document order."""
    if not isinstance(document, Mapping):
        raise SchemaError("", "a questionnaire is a JSON Schema object")
    dialect = document.get("$schema", DRAFT_2020_12)
    if dialect.rstrip("#") != DRAFT_2020_12:
        raise SchemaError("/$schema", f"only JSON Schema 2020-12 ({DRAFT_2020_12}) is supported")
    check_metaschema(document)
    if document.get("type", "object") != "object":
        raise SchemaError("/type", 'the root of a questionnaire is "type": "object"')
    _Walk(document).schema(document, "", on_form=True, ui_allowed=True, is_property=False)


class _Walk:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def schema(
        self, node: Any, pointer: str, on_form: bool, ui_allowed: bool, is_property: bool
    ) -> None:
        # on_form: reached from the root through properties/items only, i.e. a question or a row.
        # is_property: the schema of a question as written in "properties" (x-compare's place).
        if not isinstance(node, Mapping):
            return  # true/false schemas
        for key, value in node.items():
            at = f"{pointer}/{escape(key)}"
            if key == "x-ui":
                self.ui(value, at, pointer, ui_allowed)
            elif key == "$ref":
                self.ref(value, at)
            elif key == compare.KEYWORD:
                if not is_property:
                    raise SchemaError(at, "x-compare is only read on questions (in properties)")
                compare.check_value(value, at)
            elif key == codes.KEYWORD:
                codes.check_value(node, value, at)
            elif key == "format" and isinstance(value, str) and not formats.known(value):
                raise SchemaError(at, f"format {value!r} is not checked; it would pass anything")
            elif key in _SCHEMA_MAPS and isinstance(value, Mapping):
                # x-ui is read on questions and on $defs (which questions may $ref).
                chain = (on_form and key == "properties") or key == "$defs"
                question = chain and key == "properties"
                for name, sub in value.items():
                    self.schema(sub, f"{at}/{escape(name)}", chain, chain, question)
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                for index, sub in enumerate(value):
                    self.schema(sub, f"{at}/{index}", False, False, False)
            elif key in _SCHEMA_VALUES:
                self.schema(value, at, on_form and key == "items", False, False)

    def ui(self, value: Any, at: str, owner: str, ui_allowed: bool) -> None:
        if owner == "":
            check_root_ui(value, at)
        elif ui_allowed:
            check_property_ui(value, at)
        else:
            raise SchemaError(at, "x-ui is only read on the root, on properties and in $defs")

    def ref(self, ref: Any, at: str) -> None:
        try:
            resolve(self.document, ref_target(ref))
        except ValueError as exc:
            raise SchemaError(at, str(exc)) from None
        except KeyError:
            raise SchemaError(at, f"$ref {ref!r} does not resolve") from None
