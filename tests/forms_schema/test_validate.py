"""validate(): jsonschema errors become one clear, localised message per question, in form order."""

import pytest

import forms_schema
from forms_schema import AnswerError

from .helpers import full_schema, rule

VALID = {
    "company": "Acme",
    "deployment": "cp_cloud",
    "contacts": [{"name": "Ada", "email": "ada@acme.example"}],
}


@pytest.fixture(scope="module")
def q():
    return forms_schema.load(full_schema())


def pointers(errors):
    return [e.pointer for e in errors]


def test_valid_answers(q):
    assert q.validate(VALID) == []


def test_missing_required_in_form_order(q):
    errors = q.validate({})
    assert errors == [
        AnswerError("/deployment", "Bitte beantworten Sie diese Frage.", "required"),
        AnswerError("/company", "Bitte beantworten Sie diese Frage.", "required"),
        AnswerError("/contacts", "Bitte beantworten Sie diese Frage.", "required"),
    ]
    assert q.validate({}, locale="en")[0].message == "Please answer this question."


def test_partial_drops_only_what_is_missing(q):
    assert q.validate({}, partial=True) == []
    assert q.validate({"contacts": []}, partial=True) == []  # minItems
    assert pointers(q.validate({"contacts": []})) == ["/deployment", "/company", "/contacts"]
    data = {"users": "many", "website": "www.acme.example", "contacts": [{"name": "A"}] * 6}
    errors = q.validate(data, partial=True, locale="en")
    assert [(e.pointer, e.keyword, e.message) for e in errors] == [
        ("/website", "format", "Please enter a complete address, e.g. https://www.example.com."),
        ("/users", "type", "Please enter a whole number."),
        ("/contacts", "maxItems", "Please add at most 5 entries."),
    ]


def test_error_pointers_inside_rows(q):
    data = {
        **VALID,
        "contacts": [
            {"name": "Ada", "email": "ada@acme.example"},
            {"name": "Bob", "email": "bob(at)acme"},
            {"email": "cy@acme.example"},
        ],
    }
    errors = q.validate(data)
    assert [(e.pointer, e.keyword) for e in errors] == [
        ("/contacts/1/email", "format"),
        ("/contacts/2/name", "required"),
    ]
    assert errors[0].message == "Bitte eine gültige E-Mail-Adresse angeben."
    assert pointers(q.validate(data, partial=True)) == ["/contacts/1/email"]


@pytest.mark.parametrize(
    ("pointer", "value", "de", "en"),
    [
        ("/users", 0, "Bitte mindestens 1 angeben.", "Please enter at least 1."),
        ("/users", 5001, "Bitte höchstens 5000 angeben.", "Please enter at most 5000."),
        ("/users", 2.5, "Bitte eine ganze Zahl eingeben.", "Please enter a whole number."),
        ("/storage_tb", 0, "Bitte mehr als 0 angeben.", "Please enter more than 0."),
        (
            "/start",
            "2025-02-30",
            "Bitte ein gültiges Datum angeben (JJJJ-MM-TT).",
            "Please enter a valid date (YYYY-MM-DD).",
        ),
        (
            "/website",
            "acme.example",
            "Bitte eine vollständige Adresse angeben, z. B. https://www.example.com.",
            "Please enter a complete address, e.g. https://www.example.com.",
        ),
        (
            "/deployment",
            "mars",
            "Bitte eine der angebotenen Möglichkeiten wählen.",
            "Please choose one of the options offered.",
        ),
        (
            "/deployment",
            7,
            "Bitte eine der angebotenen Möglichkeiten wählen.",
            "Please choose one of the options offered.",
        ),
        ("/has_vpn", "yes", "Bitte Ja oder Nein wählen.", "Please choose yes or no."),
        (
            "/modules",
            ["crm", "crm"],
            "Bitte jeden Eintrag nur einmal angeben.",
            "Please give each entry only once.",
        ),
        (
            "/modules",
            ["crm", "sap"],
            "Bitte eine der angebotenen Möglichkeiten wählen.",
            "Please choose one of the options offered.",
        ),
        (
            "/company",
            "A" * 101,
            "Bitte höchstens 100 Zeichen eingeben.",
            "Please enter at most 100 characters.",
        ),
        (
            "/company",
            "acme",
            "Die Angabe hat nicht das erwartete Format.",
            "The answer does not have the expected format.",
        ),
    ],
)
def test_messages_per_keyword(q, pointer, value, de, en):
    data = {**VALID}
    forms_schema.set(data, pointer, value)
    for locale, text in (("de", de), ("en", en)):
        errors = q.validate(data, locale=locale)
        assert [(e.pointer, e.message) for e in errors] == [(pointer, text)]


def test_one_error_per_question_the_most_relevant(q):
    # Lower case and too long: pattern and maxLength both fail; only one message is shown.
    errors = q.validate({**VALID, "company": "a" * 101})
    assert [(e.pointer, e.keyword) for e in errors] == [("/company", "pattern")]
    errors = q.validate({**VALID, "users": "0"})
    assert [(e.pointer, e.keyword) for e in errors] == [("/users", "type")]


def test_decimal_comma_in_messages():
    q = forms_schema.load({"properties": {"x": {"type": "number", "maximum": 2.5}}})
    assert q.validate({"x": 3}, locale="de")[0].message == "Bitte höchstens 2,5 angeben."
    assert q.validate({"x": 3}, locale="en")[0].message == "Please enter at most 2.5."


def test_error_override_per_property():
    q = forms_schema.load(
        {
            "required": ["zip"],
            "properties": {
                "zip": {
                    "type": "string",
                    "pattern": "^[0-9]{5}$",
                    "x-ui": {
                        "errors": {
                            "pattern": {"de": "Bitte 5 Ziffern.", "en": "Please enter 5 digits."},
                            "required": "PLZ fehlt / ZIP missing",
                        }
                    },
                },
                "city": {"type": "string", "pattern": "^[A-Z]"},
            },
        }
    )
    assert q.validate({"zip": "1234"})[0].message == "Bitte 5 Ziffern."
    assert q.validate({"zip": "1234"}, locale="en")[0].message == "Please enter 5 digits."
    assert q.validate({})[0].message == "PLZ fehlt / ZIP missing"
    # Other properties keep the standard text.
    assert q.validate({"zip": "12345", "city": "x"})[0].message == (
        "Die Angabe hat nicht das erwartete Format."
    )


def test_dependent_required():
    q = forms_schema.load(
        {
            "dependentRequired": {"vpn_type": ["vpn_gateway"]},
            "properties": {"vpn_type": {"type": "string"}, "vpn_gateway": {"type": "string"}},
        }
    )
    assert q.validate({}) == []
    errors = q.validate({"vpn_type": "ipsec"}, locale="en")
    assert errors == [
        AnswerError("/vpn_gateway", "Please answer this question.", "dependentRequired")
    ]
    assert q.validate({"vpn_type": "ipsec"}, partial=True) == []


CONDITIONAL = {
    "required": ["deployment", "server_name"],
    "allOf": [
        {
            "if": {
                "properties": {"deployment": {"const": "on_premises"}},
                "required": ["deployment"],
            },
            "then": {"required": ["admin_email"]},
        }
    ],
    "properties": {
        "deployment": {"type": "string", "enum": ["on_premises", "cp_cloud"]},
        "server_name": {
            "type": "string",
            "minLength": 3,
            "x-ui": {"rule": rule("SHOW", "#/properties/deployment", {"const": "on_premises"})},
        },
        "admin_email": {
            "type": "string",
            "format": "email",
            "x-ui": {"rule": rule("HIDE", "#/context/deployment", {"const": "cp_cloud"})},
        },
    },
}


def test_conditional_required_and_partial():
    q = forms_schema.load(CONDITIONAL)
    data = {"deployment": "on_premises"}
    assert [(e.pointer, e.keyword) for e in q.validate(data)] == [
        ("/server_name", "required"),
        ("/admin_email", "required"),
    ]
    # Required inside allOf/if/then is also only "missing": drafts may leave it out.
    assert q.validate(data, partial=True) == []


def test_hidden_but_required_is_cleared_not_judged():
    q = forms_schema.load(CONDITIONAL)
    # server_name is in "required" but hidden for the cloud; its stale value is invalid too.
    stale = {"deployment": "cp_cloud", "server_name": "x", "admin_email": "not-an-email"}
    cloud = {"deployment": "cp_cloud"}
    assert q.validate(stale, context=cloud) == []
    assert q.clean(stale, context=cloud) == {"deployment": "cp_cloud"}
    # On premises (and a context that does not hide admin_email) both are judged again.
    on_premises = {**stale, "deployment": "on_premises"}
    assert [(e.pointer, e.keyword) for e in q.validate(on_premises)] == [
        ("/server_name", "minLength"),
        ("/admin_email", "format"),
    ]
    # The if/then requires admin_email, but the context hides it: no error.
    assert q.validate({"deployment": "on_premises", "server_name": "srv"}, context=cloud) == []


def test_required_row_field_of_a_hidden_group():
    q = forms_schema.load(
        {
            "properties": {
                "has_team": {"type": "boolean"},
                "team": {
                    "type": "array",
                    "x-ui": {"rule": rule("SHOW", "#/properties/has_team", {"const": True})},
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string"}},
                    },
                },
            }
        }
    )
    assert pointers(q.validate({"has_team": True, "team": [{}]})) == ["/team/0/name"]
    assert q.validate({"has_team": False, "team": [{}]}) == []


def test_defs_and_refs_validate():
    q = forms_schema.load(
        {
            "$defs": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}},
            "properties": {"http": {"$ref": "#/$defs/port"}, "https": {"$ref": "#/$defs/port"}},
        }
    )
    assert q.node("/https").widget == "number"
    assert [(e.pointer, e.keyword) for e in q.validate({"http": 0, "https": 70000})] == [
        ("/http", "minimum"),
        ("/https", "maximum"),
    ]


def test_not_an_object():
    q = forms_schema.load({"properties": {"a": {"type": "string"}}})
    assert [(e.pointer, e.keyword) for e in q.validate([])] == [("", "type")]


def test_messages_for_lists():
    q = forms_schema.load(
        {
            "properties": {
                "modules": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "enum": ["crm", "erp"]},
                },
                "sites": {
                    "type": "array",
                    "minItems": 2,
                    "items": {"type": "object", "properties": {"city": {"type": "string"}}},
                    "x-ui": {"errors": {"minItems": {"de": "Zwei Standorte.", "en": "Two sites."}}},
                },
            }
        }
    )
    errors = q.validate({"modules": [], "sites": [{"city": "Jena"}]}, locale="en")
    assert [(e.pointer, e.message) for e in errors] == [
        ("/modules", "Please choose at least one option."),
        ("/sites", "Two sites."),
    ]


def test_exactly_one_matching_row_with_contains():
    parent = {"properties": {"is_parent": {"const": True}}, "required": ["is_parent"]}
    q = forms_schema.load(
        {
            "properties": {
                "entities": {
                    "type": "array",
                    "contains": parent,
                    "maxContains": 1,
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "is_parent": {"type": "boolean"},
                        },
                    },
                },
                "others": {"type": "array", "contains": parent, "minContains": 2, "maxContains": 2}
                | {"items": {"type": "object", "properties": {"is_parent": {"type": "boolean"}}}},
            }
        }
    )
    none = {"entities": [{"name": "A"}, {"name": "B", "is_parent": False}]}
    # No parent yet is merely missing: drafts may save it, submitting may not.
    assert q.validate(none, partial=True) == []
    assert q.validate(none, locale="en") == [
        AnswerError("/entities", "Please add at least one matching entry.", "contains")
    ]
    two = {"entities": [{"name": "A", "is_parent": True}, {"name": "B", "is_parent": True}]}
    expected = [
        AnswerError("/entities", "Bitte höchstens einen passenden Eintrag angeben.", "maxContains")
    ]
    assert q.validate(two, partial=True) == expected
    assert q.validate(two) == expected
    assert q.validate({"entities": [{"is_parent": True}, {"name": "B"}]}) == []
    others = {"others": [{"is_parent": True}, {"is_parent": False}]}
    assert q.validate(others, partial=True) == []
    assert q.validate(others)[0].message == "Bitte mindestens 2 passende Einträge angeben."
    assert q.validate({"others": [{"is_parent": True}] * 3})[0].message == (
        "Bitte höchstens 2 passende Einträge angeben."
    )
