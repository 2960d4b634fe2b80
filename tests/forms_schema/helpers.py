"""Schemas and a tiny multidict shared by the forms_schema tests (no Flask, no werkzeug)."""

import copy


class FormData(dict):
    """What WTForms needs from request.form: iteration, `in` and getlist()."""

    def __init__(self, pairs=(), **fields):
        super().__init__()
        for key, value in [*pairs, *fields.items()]:
            values = value if isinstance(value, list) else [value]
            self.setdefault(key, []).extend(values)

    def getlist(self, key):
        return list(self.get(key, []))


def rule(effect, scope, schema):
    return {"effect": effect, "condition": {"scope": scope, "schema": schema}}


_FULL = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "title": "Technik",
    "x-ui": {
        "title": {"de": "Technischer Fragebogen", "en": "Technical questionnaire"},
        "pages": [
            {"key": "general", "title": {"de": "Allgemein", "en": "General"}},
            {"key": "infra", "title": {"de": "Infrastruktur", "en": "Infrastructure"}},
        ],
    },
    "$defs": {
        "contact": {
            "type": "object",
            "required": ["name", "email"],
            "properties": {
                "name": {"type": "string", "title": "Name", "maxLength": 80},
                "email": {
                    "type": "string",
                    "format": "email",
                    "x-ui": {"label": {"de": "E-Mail", "en": "Email"}},
                },
                "role": {"type": "string", "enum": ["admin", "user"], "x-ui": {"widget": "select"}},
            },
        }
    },
    "required": ["company", "deployment", "contacts"],
    "properties": {
        "company": {
            "type": "string",
            "title": "Firma",
            "maxLength": 100,
            "pattern": "^[A-Z][A-Za-z0-9 .-]*$",
            "x-ui": {"placeholder": {"de": "Muster GmbH", "en": "Example Ltd"}},
        },
        "notes": {
            "type": "string",
            "description": "Anything else",
            "x-ui": {"widget": "textarea", "help": {"de": "Alles Weitere", "en": "Anything else"}},
        },
        "website": {"type": "string", "format": "uri"},
        "start": {"type": "string", "format": "date", "x-ui": {"page": "infra"}},
        "deployment": {
            "type": "string",
            "enum": ["on_premises", "cp_cloud"],
            "x-ui": {
                "order": 1,
                "enum_labels": {
                    "on_premises": {"de": "Beim Kunden", "en": "On premises"},
                    "cp_cloud": {"de": "In der CP Cloud", "en": "In the CP Cloud"},
                },
            },
        },
        "users": {"type": "integer", "minimum": 1, "maximum": 5000},
        "storage_tb": {"type": "number", "exclusiveMinimum": 0},
        "has_vpn": {"type": "boolean", "x-ui": {"label": {"de": "VPN vorhanden?", "en": "VPN?"}}},
        "agree": {"type": "boolean", "x-ui": {"widget": "checkbox"}},
        "modules": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "enum": ["crm", "erp", "bi"]},
        },
        "diagram": {
            "type": "string",
            "x-ui": {"widget": "file", "accept": [".pdf", "image/*"], "max_size": 1_000_000},
        },
        "contacts": {
            "type": "array",
            "minItems": 1,
            "maxItems": 5,
            "items": {"$ref": "#/$defs/contact"},
            "x-ui": {
                "add_label": {"de": "Kontakt hinzufügen", "en": "Add contact"},
                "row_label": {"de": "Kontakt", "en": "Contact"},
            },
        },
        "server": {
            "type": "object",
            "x-ui": {"page": "infra"},
            "properties": {
                "os": {
                    "type": "string",
                    "enum": ["debian", "ubuntu", "rhel", "windows", "other"],
                },
                "cpu_cores": {"type": "integer", "exclusiveMinimum": 0},
            },
        },
    },
}


def full_schema():
    """Every type and widget, two pages, a $ref'd repeating group and a group."""
    return copy.deepcopy(_FULL)


def rules_schema():
    """Conditions: SHOW, HIDE, nested scope, context scope, rules in rows and on groups."""
    return {
        "type": "object",
        "required": ["deployment"],
        "properties": {
            "deployment": {"type": "string", "enum": ["on_premises", "cp_cloud"]},
            "server_name": {
                "type": "string",
                "x-ui": {"rule": rule("SHOW", "#/properties/deployment", {"const": "on_premises"})},
            },
            "network": {
                "type": "object",
                "properties": {
                    "vpn": {"type": "boolean"},
                    "gateway": {
                        "type": "string",
                        "x-ui": {"rule": rule("SHOW", "#/properties/vpn", {"const": True})},
                    },
                },
            },
            "proxy": {
                "type": "string",
                "x-ui": {
                    "rule": rule("HIDE", "#/properties/network/properties/vpn", {"const": True})
                },
            },
            "cloud_region": {
                "type": "string",
                "enum": ["eu", "de"],
                "x-ui": {"rule": rule("SHOW", "#/context/deployment", {"const": "cp_cloud"})},
            },
            "backup": {
                "type": "object",
                "x-ui": {"rule": rule("SHOW", "#/properties/deployment", {"const": "on_premises"})},
                "properties": {"tool": {"type": "string"}, "daily": {"type": "boolean"}},
            },
            "contacts": {
                "type": "array",
                "minItems": 2,
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "external": {"type": "boolean"},
                        "company": {
                            "type": "string",
                            "x-ui": {
                                "rule": rule("SHOW", "#/properties/external", {"const": True})
                            },
                        },
                    },
                },
            },
        },
    }
