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
    "format:host": {
        "de": "Bitte einen Hostnamen oder eine IP-Adresse angeben, ohne http:// und ohne Port.",
        "en": "Please enter a host name or an IP address, without http:// and without port.",
    },
    "format:public-ip-network": {
        "de": "Bitte eine IPv4- oder IPv6-Adresse angeben, optional als Netz mit /Präfixlänge.",
        "en": "Please enter an IPv4 or IPv6 address, optionally as a network with /prefix length.",
    },
    "format:public-ip-network:not_public": {
        "de": "Bitte nur öffentliche Adressen angeben; interne (10.x, 172.16–31.x, 192.168.x) "
        "und reservierte Bereiche sind nicht möglich.",
        "en": "Please enter public addresses only; internal (10.x, 172.16–31.x, 192.168.x) "
        "and reserved ranges are not possible.",
    },
    "format:public-ip-network:host_bits": {
        "de": "Ein Netz beginnt mit seiner ersten Adresse: bitte {network} angeben.",
        "en": "A network starts with its first address: please enter {network}.",
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
    "contains": {
        "de": "Bitte mindestens einen passenden Eintrag angeben.",
        "en": "Please add at least one matching entry.",
    },
    "minContains": {
        "de": "Bitte mindestens {limit} passende Einträge angeben.",
        "en": "Please add at least {limit} matching entries.",
    },
    "maxContains": {
        "de": "Bitte höchstens {limit} passende Einträge angeben.",
        "en": "Please add at most {limit} matching entries.",
    },
    "maxContains:1": {
        "de": "Bitte höchstens einen passenden Eintrag angeben.",
        "en": "Please add at most one matching entry.",
    },
    "x-compare:lt:number": {
        "de": "Bitte weniger angeben als bei „{other}“ ({value}).",
        "en": "Please enter less than for “{other}” ({value}).",
    },
    "x-compare:lte:number": {
        "de": "Bitte höchstens so viel angeben wie bei „{other}“ ({value}).",
        "en": "Please enter at most as much as for “{other}” ({value}).",
    },
    "x-compare:gt:number": {
        "de": "Bitte mehr angeben als bei „{other}“ ({value}).",
        "en": "Please enter more than for “{other}” ({value}).",
    },
    "x-compare:gte:number": {
        "de": "Bitte mindestens so viel angeben wie bei „{other}“ ({value}).",
        "en": "Please enter at least as much as for “{other}” ({value}).",
    },
    "x-compare:lt:date": {
        "de": "Bitte ein Datum vor „{other}“ angeben ({value}).",
        "en": "Please enter a date before “{other}” ({value}).",
    },
    "x-compare:lte:date": {
        "de": "Bitte ein Datum angeben, das nicht nach „{other}“ liegt ({value}).",
        "en": "Please enter a date no later than “{other}” ({value}).",
    },
    "x-compare:gt:date": {
        "de": "Bitte ein Datum nach „{other}“ angeben ({value}).",
        "en": "Please enter a date after “{other}” ({value}).",
    },
    "x-compare:gte:date": {
        "de": "Bitte ein Datum angeben, das nicht vor „{other}“ liegt ({value}).",
        "en": "Please enter a date no earlier than “{other}” ({value}).",
    },
    "x-compare:lt:today": {
        "de": "Bitte ein Datum in der Vergangenheit angeben.",
        "en": "Please enter a date in the past.",
    },
    "x-compare:lte:today": {
        "de": "Bitte ein Datum angeben, das nicht in der Zukunft liegt.",
        "en": "Please enter a date that is not in the future.",
    },
    "x-compare:gt:today": {
        "de": "Bitte ein Datum in der Zukunft angeben.",
        "en": "Please enter a date in the future.",
    },
    "x-compare:gte:today": {
        "de": "Bitte ein Datum ab heute angeben.",
        "en": "Please enter today's date or a later one.",
    },
    "x-compare:in": {
        "de": "Bitte eine der bei „{other}“ gewählten Möglichkeiten wählen.",
        "en": "Please choose one of the options chosen for “{other}”.",
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


def _date(value: str, locale: str) -> str:
    """An ISO date as people write it: 01.09.2027 in German, 2027-09-01 in English."""
    if language(locale) != "de" or len(value) != 10:
        return value
    return f"{value[8:10]}.{value[5:7]}.{value[0:4]}"


def _key(keyword: str, params: Mapping[str, Any], node: Node | None) -> str:
    if keyword == "type" and node is not None and node.enum:
        return "enum"  # for a choice, a wrong type is simply not one of the options
    if keyword == "type":
        expected = params.get("expected")
        expected = expected[0] if isinstance(expected, list) and expected else expected
        return f"type:{expected}"
    if keyword == "format":
        reason = f":{params['reason']}" if params.get("reason") else ""
        return f"format:{params.get('format')}{reason}"
    if keyword == "x-compare":
        kind = params.get("kind")
        return "x-compare:in" if kind == "in" else f"x-compare:{params.get('op')}:{kind}"
    key = keyword
    if keyword in ("minItems", "maxItems") and node is not None and node.widget == "checkboxes":
        key += ":choices"
    one = ("minLength", "maxLength", "minItems", "maxItems", "maxContains")
    if keyword in one and params.get("limit") == 1:
        key += ":1"
    return key


def _lookup(key: str) -> Text:
    # "format:host:syntax" falls back to "format:host", then to "format".
    while key not in _TEXTS and ":" in key:
        key = key.rsplit(":", 1)[0]
    return _TEXTS.get(key) or _TEXTS[""]


def message(keyword: str, params: Mapping[str, Any], locale: str, node: Node | None) -> str:
    """The message for a failed keyword, in the locale's language."""
    overrides = node.schema.get("x-ui", {}).get("errors", {}) if node is not None else {}
    text = overrides.get(keyword)
    if text is None and keyword == "dependentRequired":
        text = overrides.get("required")
    if text is None:
        text = _lookup(_key(keyword, params, node))
    out = localize(text, locale)
    if "limit" in params:
        out = out.replace("{limit}", number(params["limit"], locale))
    for name in ("other", "network"):
        if name in params:
            out = out.replace("{" + name + "}", str(params[name]))
    if "value" in params:
        out = out.replace("{value}", _value(params["value"], params.get("kind"), locale))
    return out


def _value(value: Any, kind: Any, locale: str) -> str:
    if kind == "date" and isinstance(value, str):
        return _date(value, locale)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, locale)
    return str(value)
