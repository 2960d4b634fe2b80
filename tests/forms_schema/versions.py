"""Documents and edits shared by the tests of identities, lint, diff and migrate."""

import copy
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
REAL = {
    name: json.loads((ROOT / "questionnaires" / name / "v2.json").read_text(encoding="utf-8"))
    for name in ("technical", "business")
}


def real(name):
    """A fresh copy of a real questionnaire (v2)."""
    return copy.deepcopy(REAL[name])


def text(de, en):
    return {"de": de, "en": en}


def small():
    """Two pages, a group, a checkbox list, a $defs row used by two repeating groups."""
    return {
        "type": "object",
        "x-ui": {
            "title": text("Klein", "Small"),
            "pages": [
                {"key": "one", "title": text("Eins", "One")},
                {"key": "two", "title": text("Zwei", "Two")},
            ],
        },
        "$defs": {
            "person": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "x-ui": {"label": text("Name", "Name")}},
                    "age": {"type": "integer", "x-ui": {"label": text("Alter", "Age")}},
                },
            }
        },
        "required": ["users"],
        "properties": {
            "users": {
                "type": "integer",
                "minimum": 0,
                "x-ui": {"label": text("Benutzer", "Users"), "help": text("Anzahl", "Number")},
            },
            "edition": {
                "type": "string",
                "enum": ["standard", "express"],
                "x-ui": {
                    "label": text("Edition", "Edition"),
                    "enum_labels": {
                        "standard": text("Standard", "Standard"),
                        "express": text("Express", "Express"),
                    },
                },
            },
            "modules": {
                "type": "array",
                "items": {"type": "string", "enum": ["crm", "erp", "bi"]},
                "x-ui": {
                    "label": text("Module", "Modules"),
                    "enum_labels": {
                        "crm": text("CRM", "CRM"),
                        "erp": text("ERP", "ERP"),
                        "bi": text("BI", "BI"),
                    },
                },
            },
            "vpn": {"type": "boolean", "x-ui": {"label": text("VPN?", "VPN?"), "page": "two"}},
            "gateway": {
                "type": "string",
                "x-ui": {
                    "label": text("Gateway", "Gateway"),
                    "page": "two",
                    "rule": {
                        "effect": "SHOW",
                        "condition": {"scope": "#/properties/vpn", "schema": {"const": True}},
                    },
                },
            },
            "server": {
                "type": "object",
                "x-ui": {"label": text("Server", "Server"), "page": "two"},
                "properties": {
                    "cores": {"type": "integer", "x-ui": {"label": text("Kerne", "Cores")}},
                    "os": {"type": "string", "x-ui": {"label": text("System", "System")}},
                },
            },
            "owners": {
                "type": "array",
                "items": {"$ref": "#/$defs/person"},
                "x-ui": {"label": text("Eigentümer", "Owners")},
            },
            "staff": {
                "type": "array",
                "items": {"$ref": "#/$defs/person"},
                "x-ui": {"label": text("Personal", "Staff")},
            },
        },
    }


def rename(document, key, new_key):
    """Rename a top-level question (keeping its place in the declared order)."""
    props = document["properties"]
    document["properties"] = {(new_key if k == key else k): v for k, v in props.items()}
    for name in ("required",):
        if key in document.get(name, []):
            document[name] = [new_key if n == key else n for n in document[name]]
    return document
