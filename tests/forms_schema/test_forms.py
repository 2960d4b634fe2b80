"""form_class() and to_data(): the WTForms side, driven by formdata like a browser sends it."""

import datetime
from decimal import Decimal

import pytest
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    FieldList,
    FileField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)

import forms_schema
from forms_schema.forms import html_pattern

from .helpers import FormData, full_schema, rules_schema


@pytest.fixture(scope="module")
def q():
    return forms_schema.load(full_schema())


def test_field_types_per_widget(q):
    form = q.form_class("de")()
    assert not hasattr(form, "csrf_token") and type(form).__mro__[1] is Form
    expected = {
        "company": StringField,
        "notes": TextAreaField,
        "website": URLField,
        "start": DateField,
        "deployment": RadioField,
        "users": IntegerField,
        "storage_tb": DecimalField,
        "has_vpn": RadioField,
        "agree": BooleanField,
        "modules": SelectMultipleField,
        "diagram": FileField,
        "contacts": FieldList,
        "server": FormField,
    }
    for name, cls in expected.items():
        assert isinstance(form[name], cls), name
    assert type(form["company"]) is StringField  # not an Email/URL/TextArea subclass
    assert isinstance(form.server.form["os"], SelectField)
    assert isinstance(form.contacts[0].form["email"], EmailField)
    # WTForms validates nothing: the schema is the single source of truth.
    assert all(not field.validators for field in form)


def test_fields_of_one_page_in_order(q):
    names = [f.name for f in q.form_class("de", page="general")()]
    assert names == [n.key for n in q.nodes("general")]
    assert names[:2] == ["deployment", "company"]
    assert [f.name for f in q.form_class("de", page="infra")()] == ["start", "server"]


def test_labels_help_and_html_constraints(q):
    de, en = q.form_class("de")(), q.form_class("en")()
    assert (de.has_vpn.label.text, en.has_vpn.label.text) == ("VPN vorhanden?", "VPN?")
    assert de.company.label.text == "Firma" and de.website.label.text == "website"
    assert (de.notes.description, en.notes.description) == ("Alles Weitere", "Anything else")
    assert de.company.render_kw == {"maxlength": 100, "placeholder": "Muster GmbH"}
    assert de.users.render_kw == {"min": 1, "max": 5000, "step": 1}
    assert de.server.form["cpu_cores"].render_kw == {"min": 1, "step": 1}
    assert de.diagram.render_kw == {"accept": ".pdf,image/*"}
    html = de.users()
    assert 'min="1"' in html and 'max="5000"' in html and 'type="number"' in html


def test_radio_checkbox_and_select_markup(q):
    form = q.form_class("en")(FormData(deployment="cp_cloud", modules=["crm", "bi"]))
    radio = form.deployment()
    assert radio.count('type="radio"') == 2
    assert 'checked id="deployment-1" name="deployment" type="radio" value="cp_cloud"' in radio
    assert ">In the CP Cloud</label>" in radio
    boxes = form.modules()
    assert boxes.count('type="checkbox"') == 3 and "<select" not in boxes
    assert 'checked id="modules-0" name="modules" type="checkbox" value="crm"' in boxes
    assert 'id="modules-1" name="modules" type="checkbox" value="erp"' in boxes
    assert boxes.count("checked") == 2
    yes_no = form.has_vpn()
    assert 'value="true"> <label for="has_vpn-0">Yes</label>' in yes_no
    select = form.server.form["os"]()
    assert select.startswith('<select id="server-os" name="server-os">')
    assert '<option selected value="">Please choose …</option>' in select


def test_round_trip_of_every_type(q):
    formdata = FormData(
        [
            ("company", "  Acme GmbH "),
            ("notes", ""),
            ("website", "https://acme.example"),
            ("start", "2025-03-01"),
            ("deployment", "on_premises"),
            ("users", "25"),
            ("storage_tb", "1,5"),
            ("has_vpn", "false"),
            ("agree", "y"),
            ("modules", "bi"),
            ("modules", "crm"),
            ("contacts-0-name", "Ada"),
            ("contacts-0-email", "ada@acme.example"),
            ("contacts-0-role", ""),
            ("server-os", "debian"),
            ("server-cpu_cores", ""),
        ]
    )
    data = q.to_data(q.form_class("de")(formdata))
    assert data == {
        "company": "Acme GmbH",
        "website": "https://acme.example",
        "start": "2025-03-01",
        "deployment": "on_premises",
        "users": 25,
        "storage_tb": 1.5,
        "has_vpn": False,
        "agree": True,
        "modules": ["crm", "bi"],  # enum order, not click order
        "contacts": [{"name": "Ada", "email": "ada@acme.example"}],
        "server": {"os": "debian"},
    }
    assert q.validate(data) == []
    # Stored answers fill a new form, which gives the same answers back.
    again = q.form_class("de")(data=data)
    assert q.form_class("de")(data={"users": 3.0}).users.data == 3
    assert again.start.data == datetime.date(2025, 3, 1)
    assert again.storage_tb.data == Decimal("1.5")
    assert 'checked id="has_vpn-1"' in again.has_vpn()
    assert q.to_data(again) == data


def test_numbers(q):
    form = q.form_class("de")
    assert q.to_data(form(FormData(storage_tb="2.0", users="7")))["storage_tb"] == 2
    assert isinstance(q.to_data(form(FormData(storage_tb="2.0")))["storage_tb"], int)
    assert q.to_data(form(FormData(storage_tb="0.25")))["storage_tb"] == 0.25
    # Unparsable input goes on as text, so the schema reports it instead of losing it.
    bad = q.to_data(form(FormData(users="zwölf", storage_tb="NaN", start="31.12.2025")))
    assert bad == {"users": "zwölf", "storage_tb": "NaN", "start": "31.12.2025"}
    errors = {e.pointer: e.message for e in q.validate(bad, partial=True)}
    assert errors == {
        "/start": "Bitte ein gültiges Datum angeben (JJJJ-MM-TT).",
        "/users": "Bitte eine ganze Zahl eingeben.",
        "/storage_tb": "Bitte eine Zahl eingeben.",
    }
    # And the form shows what was typed, not an empty box.
    assert 'value="zwölf"' in form(FormData(users="zwölf")).users()


def test_form_validate_does_not_judge_answers(q):
    form = q.form_class("de")(FormData(users="abc", deployment="mars", modules="x"))
    assert form.validate()


def test_repeating_group_with_gaps_in_the_indices(q):
    form = q.form_class("de")(
        FormData(
            [
                ("contacts-0-name", "Ada"),
                ("contacts-2-name", "Grace"),
                ("contacts-2-email", "grace@example.org"),
            ]
        )
    )
    assert [entry.name for entry in form.contacts] == ["contacts-0", "contacts-1"]
    assert form.contacts[1].form["name"].name == "contacts-1-name"
    assert q.to_data(form)["contacts"] == [
        {"name": "Ada"},
        {"name": "Grace", "email": "grace@example.org"},
    ]


def test_all_empty_rows_are_left_out(q):
    form = q.form_class("de")(
        FormData(
            [
                ("contacts-0-name", ""),
                ("contacts-0-role", ""),
                ("contacts-1-name", ""),
                ("contacts-1-role", "user"),
            ]
        )
    )
    assert len(form.contacts) == 2
    assert q.to_data(form)["contacts"] == [{"role": "user"}]
    assert "contacts" not in q.to_data(q.form_class("de")(FormData([("contacts-0-name", " ")])))


def test_remove_middle_row_and_rebuild(q):
    rows = FormData(
        [(f"contacts-{i}-{key}", f"{key}{i}") for i in range(3) for key in ("name", "email")]
    )
    data = q.to_data(q.form_class("de", page="general")(rows))
    assert [row["name"] for row in data["contacts"]] == ["name0", "name1", "name2"]
    forms_schema.delete(data, "/contacts/1")
    form = q.form_class("de", page="general")(data=data)
    assert [(e.form["name"].name, e.form["name"].data) for e in form.contacts] == [
        ("contacts-0-name", "name0"),
        ("contacts-1-name", "name2"),
    ]
    assert form.contacts[1].form["email"].data == "email2"
    assert q.to_data(form)["contacts"] == data["contacts"]


def test_blank_row_only_when_nothing_given():
    schema = {
        "properties": {
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"x": {"type": "string"}}},
            },
            "pairs": {
                "type": "array",
                "minItems": 2,
                "items": {"type": "object", "properties": {"x": {"type": "string"}}},
            },
            "note": {"type": "string"},
        }
    }
    q = forms_schema.load(schema)
    empty = q.form_class()()
    assert (len(empty["items"]), len(empty["pairs"])) == (1, 2)
    stored = q.form_class()(data={"items": [{"x": "a"}, {"x": "b"}, {"x": "c"}]})
    assert len(stored["items"]) == 3
    # A submitted page without rows means the rows were removed: none come back.
    posted = q.form_class()(FormData(note="n"))
    assert len(posted["items"]) == 0
    assert q.to_data(posted) == {"note": "n"}


def test_to_data_reads_only_the_fields_of_the_form(q):
    form = q.form_class("de", page="infra")(FormData(company="x", start="2025-01-02"))
    assert q.to_data(form) == {"start": "2025-01-02"}


def test_files_are_left_to_the_portal(q):
    assert "diagram" not in q.to_data(q.form_class()(FormData(diagram="upload.pdf")))


def test_form_class_is_cached_per_locale_page_and_relevant_context(q):
    assert q.form_class("de") is q.form_class("de_DE")
    assert q.form_class("de") is not q.form_class("en")
    assert q.form_class("de", page="infra") is not q.form_class("de")
    rq = forms_schema.load(rules_schema())
    cloud = {"deployment": "cp_cloud", "customer": "A"}
    assert rq.form_class(context=cloud) is rq.form_class(context={**cloud, "customer": "B"})
    assert rq.form_class(context=cloud) is not rq.form_class(context={"deployment": "on_premises"})


def test_context_rules_leave_fields_out():
    q = forms_schema.load(rules_schema())
    cloud = q.form_class(context={"deployment": "cp_cloud"})()
    premises = q.form_class(context={"deployment": "on_premises"})()
    assert "cloud_region" in cloud and "cloud_region" not in premises
    # Answer-driven rules keep their fields: the browser toggles them, the server clears them.
    assert "server_name" in cloud and "server_name" in premises
    # Without a context nothing is decided yet, so everything is there.
    assert "cloud_region" in q.form_class()()
    assert [n.key for n in q.nodes(context={"deployment": "on_premises"})] == [
        n.key for n in q.nodes() if n.key != "cloud_region"
    ]


@pytest.mark.parametrize(
    ("pattern", "html"),
    [
        ("^[0-9]{5}$", "[0-9]{5}"),
        (r"^\d{4}-\d{2}$", r"\d{4}-\d{2}"),
        ("^(DE|AT)[0-9]+$", "(DE|AT)[0-9]+"),
        ("^[A-Z]{2,3}$", "[A-Z]{2,3}"),
        ("[0-9]{5}", None),  # not anchored: JSON Schema searches, HTML matches all
        ("^a|b$", None),
        (r"^\w+$", None),  # \w: Python matches umlauts, JavaScript does not
        ("^[A-Z .-]+$", None),  # "-" at the end of a class is an error with the "v" flag
        ("^(?i)abc$", None),
        (r"^abc\$", None),
    ],
)
def test_html_pattern_only_when_surely_the_same(pattern, html):
    assert html_pattern(pattern) == html


def test_pattern_attribute_rendered():
    q = forms_schema.load({"properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}})
    assert 'pattern="[0-9]{5}"' in q.form_class()().zip()


def test_pointer_and_field_names():
    assert forms_schema.pointer_to_name("/contacts/0/name") == "contacts-0-name"
    assert forms_schema.pointer_to_name("/server/cpu_cores") == "server-cpu_cores"
    assert forms_schema.name_to_pointer("contacts-0-name") == "/contacts/0/name"
    assert forms_schema.name_to_pointer("server-cpu_cores") == "/server/cpu_cores"


def test_checkbox_checked_is_true_unchecked_is_no_answer(q):
    form = q.form_class("de")
    assert q.to_data(form(FormData(agree="y")))["agree"] is True
    assert "agree" not in q.to_data(form(FormData(company="X")))
    assert 'checked id="agree"' in form(data={"agree": True}).agree()


def test_non_string_choices_round_trip():
    q = forms_schema.load(
        {
            "properties": {
                "cores": {"type": "integer", "enum": [1, 2, 4, 8, 16]},
                "ports": {"type": "array", "items": {"type": "integer", "enum": [80, 443]}},
            }
        }
    )
    form = q.form_class()(FormData(cores="4", ports=["443", "80"]))
    assert isinstance(form.cores, SelectField) and q.node("/cores").widget == "select"
    assert q.to_data(form) == {"cores": 4, "ports": [80, 443]}
    stored = q.form_class()(data={"cores": 8, "ports": [443]})
    assert '<option selected value="8">8</option>' in stored.cores()
    assert 'checked id="ports-1"' in stored.ports()
