"""Error messages in German and English, per JSON Schema keyword; x-ui.errors overrides them."""

from collections.abc import Mapping
from typing import Any

from forms_schema.nodes import Node
from forms_schema.text import Text, language, localize

_REQUIRED = {"de": "Bitte beantworten Sie diese Frage.", "en": "Please answer this question."}
_TEXTS: dict[str, Text] = {
    "required": _REQUIRED,
    "dependentRequired": _REQUIRED,
    "type:string": {"de": "Bitte einen Text eingeben.", "en": "Please enter text."},
    "type:integer": {"de": "Bitte eine ganze Zahl eingeben.", "en": "Please enter a whole number."},
    "type:number": {"de": "Bitte eine Zahl eingeben.", "en": "Please enter a number."},
    "type:boolean": {"de": "Bitte Ja oder Nein wählen.", "en": "Please choose yes or no."},
    "type:object": {
        "de": "Bitte die Angaben vollständig ausfüllen.",
        "en": "Please fill in the details.",
    },
    "type:array": {"de": "Bitte eine Liste angeben.", "en": "Please give a list."},
    "format:email": {
        "de": "Bitte eine gültige E-Mail-Adresse angeben.",
        "en": "Please enter a valid email address.",
    },
    "format:uri": {
        "de": "Bitte eine vollständige Adresse angeben, z. B. https://www.example.com.",
        "en": "Please enter a complete address, e.g. https://www.example.com.",
    },
    "format:date": {
        "de": "Bitte ein gültiges Datum angeben (JJJJ-MM-TT).",
        "en": "Please enter a valid date (YYYY-MM-DD).",
    },
    "format": {"de": "Bitte das Format prüfen.", "en": "Please check the format."},
    "enum": {
        "de": "Bitte eine der angebotenen Möglichkeiten wählen.",
        "en": "Please choose one of the options offered.",
    },
    "const": {
        "de": "Diese Angabe ist hier nicht möglich.",
        "en": "This answer is not possible here.",
    },
    "pattern": {
        "de": "Die Angabe hat nicht das erwartete Format.",
        "en": "The answer does not have the expected format.",
    },
    "minLength": {
        "de": "Bitte mindestens {limit} Zeichen eingeben.",
        "en": "Please enter at least {limit} characters.",
    },
    "minLength:1": {
        "de": "Bitte mindestens 1 Zeichen eingeben.",
        "en": "Please enter at least 1 character.",
    },
    "maxLength": {
        "de": "Bitte höchstens {limit} Zeichen eingeben.",
        "en": "Please enter at most {limit} characters.",
    },
    "maxLength:1": {
        "de": "Bitte höchstens 1 Zeichen eingeben.",
        "en": "Please enter at most 1 character.",
    },
    "minimum": {"de": "Bitte mindestens {limit} angeben.", "en": "Please enter at least {limit}."},
    "maximum": {"de": "Bitte höchstens {limit} angeben.", "en": "Please enter at most {limit}."},
    "exclusiveMinimum": {
        "de": "Bitte mehr als {limit} angeben.",
        "en": "Please enter more than {limit}.",
    },
    "exclusiveMaximum": {
        "de": "Bitte weniger als {limit} angeben.",
        "en": "Please enter less than {limit}.",
    },
    "multipleOf": {
        "de": "Bitte ein Vielfaches von {limit} angeben.",
        "en": "Please enter a multiple of {limit}.",
    },
    "minItems": {
        "de": "Bitte mindestens {limit} Einträge angeben.",
        "en": "Please add at least {limit} entries.",
    },
    "minItems:1": {
        "de": "Bitte mindestens einen Eintrag angeben.",
        "en": "Please add at least one entry.",
    },
    "maxItems": {
        "de": "Bitte höchstens {limit} Einträge angeben.",
        "en": "Please add at most {limit} entries.",
    },
    "maxItems:1": {
        "de": "Bitte höchstens einen Eintrag angeben.",
        "en": "Please add at most one entry.",
    },
    "minItems:choices": {
        "de": "Bitte mindestens {limit} Möglichkeiten wählen.",
        "en": "Please choose at least {limit} options.",
    },
    "minItems:choices:1": {
        "de": "Bitte mindestens eine Möglichkeit wählen.",
        "en": "Please choose at least one option.",
    },
    "maxItems:choices": {
        "de": "Bitte höchstens {limit} Möglichkeiten wählen.",
        "en": "Please choose at most {limit} options.",
    },
    "maxItems:choices:1": {
        "de": "Bitte höchstens eine Möglichkeit wählen.",
        "en": "Please choose at most one option.",
    },
    "uniqueItems": {
        "de": "Bitte jeden Eintrag nur einmal angeben.",
        "en": "Please give each entry only once.",
    },
    "additionalProperties": {
        "de": "Diese Angabe ist nicht vorgesehen.",
        "en": "This answer is not expected.",
    },
    "unevaluatedProperties": {
        "de": "Diese Angabe ist nicht vorgesehen.",
        "en": "This answer is not expected.",
    },
    "": {"de": "Diese Angabe ist ungültig.", "en": "This answer is not valid."},
}


def number(value: Any, locale: str) -> str:
    """A limit as people write it: 2 not 2.0, and 1,5 in German."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text.replace(".", ",") if language(locale) == "de" else text


def _key(keyword: str, params: Mapping[str, Any], node: Node | None) -> str:
    if keyword == "type" and node is not None and node.enum:
        return "enum"  # for a choice, a wrong type is simply not one of the options
    if keyword == "type":
        expected = params.get("expected")
        expected = expected[0] if isinstance(expected, list) and expected else expected
        return f"type:{expected}"
    if keyword == "format":
        return f"format:{params.get('format')}"
    key = keyword
    if keyword in ("minItems", "maxItems") and node is not None and node.widget == "checkboxes":
        key += ":choices"
    if keyword in ("minLength", "maxLength", "minItems", "maxItems") and params.get("limit") == 1:
        key += ":1"
    return key


def message(keyword: str, params: Mapping[str, Any], locale: str, node: Node | None) -> str:
    """The message for a failed keyword, in the locale's language."""
    overrides = node.schema.get("x-ui", {}).get("errors", {}) if node is not None else {}
    text = overrides.get(keyword)
    if text is None and keyword == "dependentRequired":
        text = overrides.get("required")
    if text is None:
        key = _key(keyword, params, node)
        text = _TEXTS.get(key) or _TEXTS.get(key.split(":")[0]) or _TEXTS[""]
    out = localize(text, locale)
    if "limit" in params:
        out = out.replace("{limit}", number(params["limit"], locale))
    return out
