"""load(): good documents give a tree, bad ones a SchemaError naming the first problem."""

import pytest

import forms_schema
from forms_schema import SchemaError

from .helpers import full_schema, rule


def with_props(**props):
    return {"type": "object", "properties": props}


def problem(schema) -> SchemaError:
    with pytest.raises(SchemaError) as caught:
        forms_schema.load(schema)
    return caught.value


def test_title_pages_and_order():
    q = forms_schema.load(full_schema())
    assert q.title("de") == "Technischer Fragebogen"
    assert q.title("en_GB") == "Technical questionnaire"
    assert [(p.key, p.title("en")) for p in q.pages] == [
        ("general", "General"),
        ("infra", "Infrastructure"),
    ]
    # x-ui.order first, then declared order; page "infra" after page "general".
    assert [n.key for n in q.nodes("general")][:3] == ["deployment", "company", "notes"]
    assert [n.key for n in q.nodes("infra")] == ["start", "server"]
    assert [n.key for n in q.nodes()][-2:] == ["start", "server"]


def test_implicit_main_page_and_string_title():
    q = forms_schema.load({"title": "Fragen", "properties": {"a": {"type": "string"}}})
    assert [p.key for p in q.pages] == ["main"]
    assert q.title("en") == "Fragen"
    assert q.nodes("main")[0].page == "main"
    with pytest.raises(KeyError):
        q.nodes("nope")


def test_nodes_describe_the_questions():
    q = forms_schema.load(full_schema())
    contacts = q.node("/contacts")
    assert (contacts.kind, contacts.widget, contacts.required) == ("repeat", "repeat", True)
    assert (contacts.min_items, contacts.max_items) == (1, 5)
    assert contacts.add_label("en") == "Add contact"
    assert contacts.row_label("de") == "Kontakt"
    # The $ref'd row schema is resolved: its required list marks the row fields.
    email = q.node("/contacts/3/email")
    assert email is contacts.children[1]
    assert (email.pointer_template, email.required, email.widget) == (
        "/contacts/*/email",
        True,
        "email",
    )
    assert email.label("en") == "Email"
    assert email.pointer(3) == "/contacts/3/email"
    role = contacts.children[2]
    assert (role.required, role.label("de")) == (False, "role")
    assert q.node("/deployment").choices("de") == [
        ("on_premises", "Beim Kunden"),
        ("cp_cloud", "In der CP Cloud"),
    ]
    assert q.node("/has_vpn").choices("en") == [("true", "Yes"), ("false", "No")]
    assert q.node("/notes").help("de") == "Alles Weitere"
    assert q.node("/company").placeholder("en") == "Example Ltd"
    diagram = q.node("/diagram")
    assert (diagram.accept, diagram.max_size) == ((".pdf", "image/*"), 1_000_000)
    server = q.node("/server")
    assert (server.kind, [c.key for c in server.children]) == ("group", ["os", "cpu_cores"])
    assert q.node("/contacts/0") is None and q.node("/nope") is None


def test_default_widgets():
    q = forms_schema.load(full_schema())
    widgets = {n.pointer_template: n.widget for n in _all(q.nodes())}
    assert widgets == {
        "/deployment": "radio",  # enum with <= 4 options
        "/company": "text",
        "/notes": "textarea",
        "/website": "url",
        "/users": "number",
        "/storage_tb": "number",
        "/has_vpn": "yes_no",
        "/agree": "checkbox",
        "/modules": "checkboxes",
        "/diagram": "file",
        "/contacts": "repeat",
        "/contacts/*/name": "text",
        "/contacts/*/email": "email",
        "/contacts/*/role": "select",
        "/start": "date",
        "/server": "group",
        "/server/os": "select",  # enum with 5 options
        "/server/cpu_cores": "number",
    }


def _all(nodes):
    for node in nodes:
        yield node
        yield from _all(node.children)


def test_has_rule():
    q = forms_schema.load(
        with_props(
            a={"type": "boolean"},
            b={"type": "string", "x-ui": {"rule": rule("SHOW", "#/properties/a", {"const": True})}},
        )
    )
    assert [n.has_rule for n in q.nodes()] == [False, True]


@pytest.mark.parametrize(
    ("schema", "pointer"),
    [
        # the metaschema
        ({"properties": {"a": {"type": "strnig"}}}, "/properties/a/type"),
        ({"properties": {"a": {"type": "string", "minLength": -1}}}, "/properties/a/minLength"),
        ({"properties": {"a": {"type": "string", "pattern": "(["}}}, "/properties/a/pattern"),
        # x-ui vocabulary
        (
            with_props(a={"type": "string", "x-ui": {"widget": "slider"}}),
            "/properties/a/x-ui/widget",
        ),
        (with_props(a={"type": "string", "x-ui": {"lable": "A"}}), "/properties/a/x-ui/lable"),
        (
            with_props(a={"type": "string", "x-ui": {"label": {"de": "A"}}}),
            "/properties/a/x-ui/label",
        ),
        (
            with_props(a={"type": "string", "x-ui": {"label": {"de": "A", "fr": "A"}}}),
            "/properties/a/x-ui/label/fr",
        ),
        (
            {"x-ui": {"pages": [{"title": "P"}]}, "properties": {"a": {"type": "string"}}},
            "/x-ui/pages/0/key",
        ),
        (
            {
                "x-ui": {"pages": [{"key": "p1", "title": "P"}]},
                "properties": {"a": {"type": "string", "x-ui": {"page": "p2"}}},
            },
            "/properties/a/x-ui/page",
        ),
        ({"x-ui": {"label": "Root"}, "properties": {}}, "/x-ui/label"),
        # $ref
        (with_props(a={"$ref": "#/$defs/missing"}), "/properties/a/$ref"),
        (with_props(a={"$ref": "other.json#/x"}), "/properties/a/$ref"),
        # rules
        (
            with_props(
                a={"type": "string", "x-ui": {"rule": rule("SHOW", "#/properties/b", {"const": 1})}}
            ),
            "/properties/a/x-ui/rule/condition/scope",
        ),
        (
            with_props(a={"type": "string", "x-ui": {"rule": rule("SHOW", "a", {"const": 1})}}),
            "/properties/a/x-ui/rule/condition/scope",
        ),
        (
            with_props(a={"type": "string", "x-ui": {"rule": rule("BLINK", "#/properties/a", {})}}),
            "/properties/a/x-ui/rule/effect",
        ),
        (
            with_props(
                a={"type": "string", "x-ui": {"rule": rule("SHOW", "#/context/x", {"type": 5})}}
            ),
            "/properties/a/x-ui/rule/condition/schema/type",
        ),
        (
            with_props(
                a={
                    "type": "string",
                    "x-ui": {"rule": rule("SHOW", "#/properties/b", {"const": "x"})},
                },
                b={
                    "type": "string",
                    "x-ui": {"rule": rule("SHOW", "#/properties/a", {"const": "x"})},
                },
            ),
            "/properties/a/x-ui/rule/condition/scope",
        ),
        (
            with_props(
                a={
                    "type": "string",
                    "x-ui": {"rule": rule("HIDE", "#/properties/a", {"const": "x"})},
                }
            ),
            "/properties/a/x-ui/rule/condition/scope",
        ),
        (
            with_props(
                g={
                    "type": "object",
                    "properties": {"b": {"type": "boolean"}},
                    "x-ui": {"rule": rule("SHOW", "#/properties/g/properties/b", {"const": True})},
                }
            ),
            "/properties/g/x-ui/rule/condition/scope",
        ),
        # widgets that do not fit
        (
            with_props(a={"type": "string", "x-ui": {"widget": "checkboxes"}}),
            "/properties/a/x-ui/widget",
        ),
        (
            with_props(a={"type": "integer", "x-ui": {"widget": "yes_no"}}),
            "/properties/a/x-ui/widget",
        ),
        (
            with_props(
                a={
                    "type": "object",
                    "properties": {"b": {"type": "string"}},
                    "x-ui": {"widget": "text"},
                }
            ),
            "/properties/a/x-ui/widget",
        ),
        (
            with_props(a={"type": "string", "x-ui": {"accept": [".pdf"]}}),
            "/properties/a/x-ui/accept",
        ),
        (
            with_props(a={"type": "string", "enum": ["x"], "x-ui": {"enum_labels": {"y": "Y"}}}),
            "/properties/a/x-ui/enum_labels/y",
        ),
        # names and structure
        (with_props(**{"Bad-Name": {"type": "string"}}), "/properties/Bad-Name"),
        (with_props(data={"type": "string"}), "/properties/data"),
        (with_props(a={"title": "no type"}), "/properties/a"),
        (with_props(a={"type": "array", "items": {"type": "string"}}), "/properties/a/items"),
        ({"required": ["emial"], "properties": {"email": {"type": "string"}}}, "/required/0"),
        (
            {
                "properties": {"a": {"type": "boolean"}, "b": {"type": "string"}},
                "allOf": [
                    {"if": {"properties": {"a": {"const": True}}}, "then": {"required": ["c"]}}
                ],
            },
            "/allOf/0/then/required/0",
        ),
        (
            {
                "$defs": {"n": {"type": "object", "properties": {"n": {"$ref": "#/$defs/n"}}}},
                "properties": {"n": {"$ref": "#/$defs/n"}},
            },
            "/$defs/n/properties/n/$ref",
        ),
        (
            {"properties": {"a": {"type": "string"}}, "allOf": [{"x-ui": {"label": "A"}}]},
            "/allOf/0/x-ui",
        ),
        ({"type": "array"}, "/type"),
    ],
)
def test_bad_schemas_name_the_pointer(schema, pointer):
    error = problem(schema)
    assert error.pointer == pointer, error
    assert error.message


def test_first_problem_in_document_order():
    schema = {
        "properties": {
            "a": {"type": "string", "x-ui": {"widget": "slider"}},
            "b": {"type": "strnig"},
        }
    }
    # The metaschema is checked first, whatever comes earlier in the document.
    assert problem(schema).pointer == "/properties/b/type"
    schema["properties"]["b"]["type"] = "string"
    schema["properties"]["a"]["minLength"] = "x"
    schema["properties"]["b"]["maxLength"] = -2
    assert problem(schema).pointer == "/properties/a/minLength"


def test_ui_in_defs_is_checked_where_it_is_written():
    schema = {
        "$defs": {"addr": {"type": "string", "x-ui": {"widget": "checkboxes"}}},
        "properties": {"a": {"$ref": "#/$defs/addr"}},
    }
    assert problem(schema).pointer == "/$defs/addr/x-ui/widget"


def test_ref_siblings_override_the_definition():
    q = forms_schema.load(
        {
            "$defs": {"addr": {"type": "string", "title": "Address", "x-ui": {"help": "h"}}},
            "properties": {"a": {"$ref": "#/$defs/addr", "x-ui": {"label": "Billing"}}},
        }
    )
    node = q.node("/a")
    assert (node.label("de"), node.help("de")) == ("Billing", "h")


def test_load_copies_the_document():
    schema = full_schema()
    q = forms_schema.load(schema)
    schema["properties"].clear()
    assert "company" in q.schema["properties"]
